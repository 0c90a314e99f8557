"""The verifier: what a model claim turns into, and which citations a point keeps."""

from typing import Any, Literal

import pytest

from summarizer.types import Claim, Corpus, Evidence, Point, Source
from summarizer.verify import MAX_CORROBORATION_CHECKS, Verifier

WIRE = (
    "The central bank raised its main interest rate to 4.5 percent on Thursday.",
    "Governor Ana Ruiz said inflation was still too high.",
    "Markets in Madrid closed slightly lower.",
)
DAILY = (
    "On Thursday the central bank raised its main interest rate to 4.5 percent.",
    "Shoppers in Seville said prices for bread had doubled.",
)


def _verifier() -> Verifier:
    sources = tuple(
        Source(id=sid, name=sid, path=f"{sid}.txt", text=" ".join(s), sentences=s)
        for sid, s in (("wire", WIRE), ("daily", DAILY))
    )
    return Verifier(Corpus(sources=sources, chunks=(), duplicates=()))


def test_a_supported_paraphrase_is_kept_and_pointed_at_its_evidence() -> None:
    claim = Claim("wire", "Governor Ana Ruiz said inflation was still too high.", (0,), "llm")
    checked = _verifier().verify_claim(claim)
    assert checked.method == "llm"
    assert checked.sentences == (1,)  # re-cited to the sentence that backs it


def test_an_invented_claim_is_replaced_by_its_cited_sentence_quoted() -> None:
    claim = Claim("wire", "The central bank cut its rate to 2 percent on Monday.", (0,), "llm")
    checked = _verifier().verify_claim(claim)
    assert checked.method == "quoted"
    assert checked.text == WIRE[0] and checked.sentences == (0,)


def test_each_sentence_of_a_run_on_claim_is_judged_on_its_own() -> None:
    claim = Claim(
        "wire",
        "Governor Ana Ruiz said inflation was still too high. The bank will print money.",
        (1,),
        "llm",
    )
    kept = _verifier().verify_claims(claim)
    assert [c.text for c in kept] == ["Governor Ana Ruiz said inflation was still too high."]
    assert kept[0].method == "llm"


def test_a_point_keeps_only_citations_whose_own_sentence_supports_it() -> None:
    point = Point(
        text=WIRE[0],
        citations=("wire", "daily"),
        evidence=(Evidence("wire", WIRE[0]), Evidence("daily", DAILY[1])),
        verified=False,
        method="extractive",
    )
    checked = _verifier().verify_point(point)
    assert checked is not None and checked.verified
    assert checked.citations == ("wire",)


def test_corroboration_adds_an_outlet_that_reported_the_same_fact() -> None:
    v = _verifier()
    point = Point(WIRE[0], ("wire",), (Evidence("wire", WIRE[0]),), True, "extractive")
    corroborated = v.corroborate(point, ["wire", "daily"])
    assert corroborated.citations == ("wire", "daily")
    assert corroborated.evidence[1] == Evidence("daily", DAILY[0])


def test_a_point_whose_lead_evidence_fails_is_dropped() -> None:
    point = Point(
        "Madrid markets soared to a record.", ("wire",), (Evidence("wire", WIRE[2]),), False, "llm"
    )
    assert _verifier().verify_point(point) is None


def test_corroboration_checks_a_bounded_number_of_outlets_best_covered_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 30 outlets carry the fact, in wordings that hold less and less of it; 10 unrelated ones.
    fact = "The river ferry resumed service on Monday after engineers repaired the pier."
    words = fact.rstrip(".").split()
    sources = (
        [
            Source(id=f"full{i:02d}", name=f"f{i}", path="", text=fact, sentences=(fact,))
            for i in range(20)
        ]
        + [
            Source(id=f"part{i:02d}", name=f"p{i}", path="", text=t, sentences=(t,))
            for i in range(10)
            for t in [" ".join(words[: 8 - i % 3]) + " today."]
        ]
        + [
            Source(id=f"other{i}", name=f"o{i}", path="", text=t, sentences=(t,))
            for i in range(10)
            for t in [f"Shares of company {i} fell after a weak quarterly report."]
        ]
    )
    verifier = Verifier(Corpus(sources=tuple(sources), chunks=(), duplicates=()))
    checked: list[str] = []
    original = verifier.check

    def counting(text: str, source: str) -> Any:
        checked.append(source)
        return original(text, source)

    monkeypatch.setattr(verifier, "check", counting)
    lead = Point(
        text=fact,
        citations=("full00",),
        evidence=(Evidence("full00", fact),),
        verified=True,
        method="extractive",
    )
    point = verifier.corroborate(lead, [s.id for s in sources])
    assert len(checked) == MAX_CORROBORATION_CHECKS  # not one check per outlet
    assert all(s.startswith("full") for s in checked)  # those holding all its words first
    assert point.citations[0] == "full00" and len(point.citations) == 1 + len(checked)


def test_a_claim_none_of_whose_sentences_holds_is_quoted_even_if_the_whole_would_pass() -> None:
    """A long claim can dilute an invention past the threshold: its sentences decide."""
    from summarizer.checker import ClaimResult
    from summarizer.corpus import prepare_corpus
    from summarizer.types import Claim, RawDocument
    from summarizer.verify import Verifier

    corpus = prepare_corpus(
        [RawDocument("a.txt", "The port closed on Monday after a storm. Ships waited offshore.")],
        warn=lambda _: None,
    )
    whole = "The port closed for a month. The navy sank the ships."

    class WholeOnly(Verifier):
        def check(self, text: str, source: str) -> ClaimResult:
            sentence = corpus.sources[0].sentences[0]
            verdict: Literal["supported", "unsupported"] = (
                "supported" if text == whole else "unsupported"
            )
            return ClaimResult(text, verdict, 0.9 if verdict == "supported" else 0.1, sentence,
                               source, ())  # fmt: skip

    source = corpus.sources[0]
    (checked,) = WholeOnly(corpus).verify_claims(Claim(source.id, whole, (0,)))
    assert checked.method == "quoted" and checked.text == source.sentences[0]
