from summarizer.disagree import find_disagreements
from summarizer.salience import score_sentences
from summarizer.timeline import Dater
from summarizer.types import Source


def _source(sid: str, sentences: list[str], published: str | None = None) -> Source:
    return Source(
        id=sid,
        name=sid.upper(),
        path=f"{sid}.txt",
        text=" ".join(sentences),
        sentences=tuple(sentences),
        published=published,
    )


def _find(*sources: Source) -> list:  # type: ignore[type-arg]
    return find_disagreements(
        score_sentences(sources),
        {s.id: s.name for s in sources},
        sources=sources,
        dater=Dater(sources),
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
    found = _find(a, b, c)
    assert len(found) == 1
    down, up = found[0].positions
    assert down.citations == ("wire",)
    assert set(up.citations) == {"paper", "radio"}
    # Each side names who makes the claim, with the outlets that reported it.
    assert [(c.name, c.citations) for c in down.claimants] == [("the army", ("wire",))]
    assert {(c.name, c.citations) for c in up.claimants} == {
        ("officials", ("paper",)),
        ("a spokesman", ("radio",)),
    }
    assert "the army" in found[0].summary and "officials" in found[0].summary
    assert all(
        ev.quote in {*a.sentences, *b.sentences, *c.sentences}
        for p in (down, up)
        for ev in p.evidence
    )


def test_negation_flips_direction() -> None:
    a = _source("a", ["The Russian ministry said it was withdrawing forces from the border."])
    b = _source("b", ["Washington has not verified any withdrawal of Russian forces there."])
    found = _find(a, b)
    assert len(found) == 1
    assert found[0].positions[0].citations == ("a",)
    assert found[0].positions[1].citations == ("b",)
    assert found[0].positions[1].stance.startswith("no ")


def test_agreement_or_a_single_source_is_not_a_disagreement() -> None:
    a = _source("a", ["Prices increased in March.", "Prices fell in April after the rate cut."])
    b = _source("b", ["Prices increased again in March, the agency said."])
    c = _source("c", ["The central bank cut interest rates by half a point."])
    assert _find(a) == []
    assert _find(b, c) == []


def test_different_actors_are_not_played_against_each_other() -> None:
    a = _source("a", ["Russia said it was withdrawing some of its troops from the border region."])
    b = _source("b", ["The United States deployed several thousand troops to eastern Europe."])
    c = _source(
        "c", ["Russia has added as many as 7,000 troops near the border, an official said."]
    )
    found = _find(a, b, c)
    assert len(found) == 1
    assert "Russia" in found[0].subject
    up = found[0].positions[1]
    assert up.citations == ("c",)  # the US deployment is not Russia's build-up


def test_an_alliance_pulling_back_its_own_forces_is_not_the_country_withdrawing() -> None:
    a = _source(
        "a",
        ["Moscow wants the alliance to pull back NATO forces from the east, Kremlin aides said."],
    )
    b = _source("b", ["Russia has added 5,000 troops near the border, a defence official said."])
    assert _find(a, b) == []


def test_uncertainty_takes_no_side() -> None:
    a = _source("a", ["The army did not say how many soldiers are leaving the border area."])
    b = _source("b", ["The army has added 2,000 soldiers near the border area this week."])
    assert _find(a, b) == []


def test_a_named_thing_is_not_a_claim_of_movement() -> None:
    a = _source("a", ["The minister criticised the military buildup near the border on Monday."])
    b = _source("b", ["The army said it was withdrawing its troops from the border."])
    assert _find(a, b) == []


def test_an_outlet_carrying_both_claims_reports_both_and_stands_on_neither_side() -> None:
    wire = _source(
        "wire",
        [
            "The Harbour Defence Ministry said its troops were withdrawing from the north coast.",
            "Harbour has added 4,000 troops on the north coast, a senior coalition official said.",
        ],
    )
    paper = _source(
        "paper",
        ["The coalition's secretary-general said Harbour had increased its troops on the coast."],
    )
    (found,) = _find(wire, paper)
    down, up = found.positions
    assert [c.name for c in down.claimants] == ["the Harbour Defence Ministry"]
    assert {c.name for c in up.claimants} == {
        "a senior coalition official",
        "the coalition's secretary-general",
    }
    assert found.reported_both == ("wire",)


def test_one_claimant_on_both_sides_is_no_conflict() -> None:
    a = _source("a", ["The navy said it was withdrawing ships from the strait on Monday."])
    b = _source("b", ["The navy said it had added ships in the strait, more troops arriving."])
    assert _find(a, b) == []


def test_outlets_own_reporting_can_conflict() -> None:
    a = _source("a", ["Troops were withdrawing from the valley towns on Tuesday."])
    b = _source("b", ["More troops were arriving in the valley towns on Tuesday."])
    (found,) = _find(a, b)
    assert [c.own for p in found.positions for c in p.claimants] == [True, True]
    assert [c.name for p in found.positions for c in p.claimants] == [
        "A’s own reporting",
        "B’s own reporting",
    ]


def test_claims_far_apart_in_time_are_a_sequence_not_a_conflict() -> None:
    early = _source(
        "early",
        ["The army said on Wednesday it had added 2,000 troops near the pass."],
        published="2022-02-02",
    )
    late = _source(
        "late",
        ["The defence ministry said on Tuesday its troops were withdrawing from the pass."],
        published="2022-02-16",
    )
    assert _find(early, late) == []
    near = _source(
        "near",
        ["The army said on Monday it had added 2,000 troops near the pass."],
        published="2022-02-15",
    )
    assert len(_find(near, late)) == 1
