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
    a = _source("a", ["The Russian ministry said it was withdrawing forces from the border."])
    b = _source("b", ["Washington has not verified any withdrawal of Russian forces there."])
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


def test_different_actors_are_not_played_against_each_other() -> None:
    a = _source("a", ["Russia said it was withdrawing some of its troops from the border region."])
    b = _source("b", ["The United States deployed several thousand troops to eastern Europe."])
    c = _source(
        "c", ["Russia has added as many as 7,000 troops near the border, an official said."]
    )
    found = find_disagreements(score_sentences([a, b, c]), {})
    assert len(found) == 1
    assert "Russia" in found[0].summary
    up = found[0].positions[1]
    assert up.citations == ("c",)  # the US deployment is not Russia's build-up


def test_uncertainty_takes_no_side() -> None:
    a = _source("a", ["The army did not say how many soldiers are leaving the border area."])
    b = _source("b", ["The army has added 2,000 soldiers near the border area this week."])
    assert find_disagreements(score_sentences([a, b]), {}) == []
