"""Quotes, speakers, role swaps, numbers and dates inside full checks, and the reasons given."""

from __future__ import annotations

import random

from summarizer.checker import Checker
from summarizer.checker.quotes import appears_in, fold, quotes_in

SOURCES = {
    "wire": [
        "“The numbers continue to grow.",
        "We maintain that he’s north of 100,000 [troops] for sure,” Kirby added.",
        "Jen Psaki, the White House press secretary, said the talks would continue.",
        "Putin warned Erdogan in December that Kyiv was trying to disrupt a peace agreement.",
        "Contrary to Putin's claims, Russia has added as many as 7,000 troops near the border "
        "in recent days, a senior administration official said Wednesday.",
    ],
    "paper": [
        "Storm Imogen cut power to about 85,000 homes on Tuesday.",
        'Governor Elsa Marten said inflation was "still far too high for comfort".',
    ],
}


def check(claim: str, **kw: object) -> tuple[str, tuple[str, ...]]:
    result = Checker(SOURCES).check(claim, **kw)  # type: ignore[arg-type]
    return result.verdict, result.reasons


def test_quote_folding() -> None:
    assert quotes_in('He said "no" and ‘maybe’ but not it’s.') == ["no", "maybe"]
    assert fold("“Curly” — quotes") == '"curly" - quotes'
    evidence = fold("We maintain that he’s north of 100,000 [troops] for sure")
    assert appears_in("he's north of 100,000 troops", evidence)
    assert appears_in("We maintain […] for sure", evidence)
    assert not appears_in("north of 200,000", evidence)


def test_quotes_must_be_verbatim() -> None:
    assert check('Marten said inflation was "still far too high for comfort".')[0] == "supported"
    verdict, reasons = check('Marten said inflation was "far too high for anyone".')
    assert verdict == "unsupported"
    assert any(r.startswith("quote") for r in reasons)


def test_speaker_across_a_multi_sentence_quote() -> None:
    assert check('Kirby said "the numbers continue to grow".')[0] == "supported"
    verdict, reasons = check('Psaki said "the numbers continue to grow".')
    assert verdict == "unsupported"
    assert any(r.startswith("wrong speaker") for r in reasons)


def test_role_swap() -> None:
    assert check("Putin warned Erdogan in December about Kyiv.")[0] == "supported"
    verdict, reasons = check("Erdogan warned Putin in December about Kyiv.")
    assert verdict == "unsupported"
    assert any("role swap" in r or "wrong speaker" in r for r in reasons)


def test_number_and_date_reasons() -> None:
    verdict, reasons = check("Russia has added as many as 70,000 troops near the border.")
    assert verdict == "unsupported"
    assert "number 70,000 not in evidence (evidence says 7,000)" in reasons
    verdict, reasons = check("Storm Imogen cut power to about 85,000 homes on Thursday.")
    assert verdict == "unsupported"
    assert any(r.startswith("date Thursday not in evidence") for r in reasons)


def test_restrict_to_and_evidence() -> None:
    result = Checker(SOURCES).check("Storm Imogen cut power to 85,000 homes.")
    assert result.verdict == "supported"
    assert result.evidence_source == "paper"
    assert result.evidence == SOURCES["paper"][0]
    assert 0.0 <= result.score <= 1.0
    assert check("Storm Imogen cut power to 85,000 homes.", restrict_to=["wire"])[0] == (
        "unsupported"
    )
    verdict, reasons = check("Storm Imogen cut power.", restrict_to=["nope"])
    assert verdict == "unsupported"
    assert reasons == ("unknown source id(s): nope",)


def test_nothing_in_common() -> None:
    result = Checker(SOURCES).check("Bananas are yellow.")
    assert result.verdict == "unsupported"
    assert result.evidence_source is None


def test_restricted_retrieval_equals_filtering_every_posting() -> None:
    # best_windows slices a few allowed sources' postings by bisection; the windows must be
    # exactly those found by filtering the whole posting lists.
    from summarizer.checker.evidence import RESTRICTED_BY_BISECTION, EvidenceIndex

    rng = random.Random(5)
    words = "troops border storm power homes minister talks grain port ship 40 1,200".split()
    sources = {
        f"s{i}": [" ".join(rng.choice(words) for _ in range(8)).capitalize() + "."
                  for _ in range(rng.randint(1, 12))]
        for i in range(40)
    }  # fmt: skip
    index = EvidenceIndex(sources)
    claims = [" ".join(rng.choice(words) for _ in range(5)) for _ in range(30)]
    ids = sorted(sources)
    for claim in claims:
        for size in (1, 2, 5, RESTRICTED_BY_BISECTION, RESTRICTED_BY_BISECTION + 1, 40):
            allowed = rng.sample(ids, size)
            restricted = index.best_windows(claim, 50, allowed)
            everything = index.best_windows(claim, 10_000)
            assert restricted == [w for w in everything if w.source in allowed][:50]
