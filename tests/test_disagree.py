from summarizer.disagree import find_disagreements
from summarizer.salience import score_sentences
from summarizer.types import Source


def _source(sid: str, sentences: list[str]) -> Source:
    return Source(
        id=sid,
        name=sid.upper(),
        path=f"{sid}.txt",
        text=" ".join(sentences),
        sentences=tuple(sentences),
    )


def test_opposite_directions_on_one_subject_across_sources_become_a_disagreement() -> None:
    a = _source(
        "wire",
        [
            "The army said on Monday it was pulling back some units from the frontier.",
            "The weather was cold.",
        ],
    )
    b = _source(
        "paper", ["Officials said the army had added 3,000 soldiers near the frontier this week."]
    )
    c = _source("radio", ["A spokesman said more troops are on their way to the region."])
    found = find_disagreements(
        score_sentences([a, b, c]), {"wire": "Wire", "paper": "Paper", "radio": "Radio"}
    )
    assert len(found) == 1
    down, up = found[0].positions
    assert down.citations == ("wire",)
    assert set(up.citations) == {"paper", "radio"}
    assert "Wire" in found[0].summary and "Paper" in found[0].summary
    assert all(
        ev.quote in {*a.sentences, *b.sentences, *c.sentences}
        for p in (down, up)
        for ev in p.evidence
    )


def test_negation_flips_direction() -> None:
    a = _source("a", ["The ministry said it was withdrawing forces from the border region."])
    b = _source(
        "b", ["Washington has not verified any withdrawal of forces from the border region."]
    )
    found = find_disagreements(score_sentences([a, b]), {})
    assert len(found) == 1
    assert found[0].positions[0].citations == ("a",)
    assert found[0].positions[1].citations == ("b",)


def test_agreement_or_a_single_source_is_not_a_disagreement() -> None:
    a = _source("a", ["Prices increased in March.", "Prices fell in April after the rate cut."])
    b = _source("b", ["Prices increased again in March, the agency said."])
    c = _source("c", ["The central bank cut interest rates by half a point."])
    assert find_disagreements(score_sentences([a]), {}) == []
    assert find_disagreements(score_sentences([b, c]), {}) == []
