"""A claim may not say more of a thing than its evidence does: "some units" is not "all units"."""

from __future__ import annotations

import pytest

from summarizer.checker import Checker
from summarizer.checker.features import tokens_of
from summarizer.checker.quantifiers import stronger_than_evidence

SOURCE = {
    "a": [
        "The defence ministry said exercises continued, but some units were returning to base.",
        "Most shops in the old town stayed shut on Monday, the traders' association said.",
        "Several of the airline's pilots called in sick, and many flights were delayed.",
        "Flights were cancelled after the storm, the airport said.",
        "Some 7,000 troops crossed the border, officials said.",
    ]
}


def stronger(claim: str, evidence: str) -> tuple[str, str] | None:
    return stronger_than_evidence(tokens_of(claim), [tokens_of(evidence)])


@pytest.mark.parametrize(
    ("claim", "evidence", "expected"),
    [
        ("All units left.", "Some units left.", ("All units", "Some units")),
        ("Every unit left.", "Several units left.", ("Every unit", "Several units")),
        ("Most flights were late.", "Many flights were late.", ("Most flights", "Many flights")),
        ("All shops stayed shut.", "Most shops stayed shut.", ("All shops", "Most shops")),
        (
            "Each of the 12 regions voted.",
            "Some regions voted.",
            ("Each of the 12 regions", "Some regions"),
        ),
    ],
)
def test_a_stronger_quantifier_on_the_same_noun_is_found(
    claim: str, evidence: str, expected: tuple[str, str]
) -> None:
    assert stronger(claim, evidence) == expected


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("Some units were returning.", "All units were returning."),  # weaker: implied
        ("Several units were returning.", "Some units were returning."),  # as strong
        ("Many flights were delayed.", "Several flights were delayed."),  # "many" is not judged
        ("All flights were cancelled.", "Flights were cancelled."),  # a bare plural: not judged
        ("All troops crossed the border.", "Some 7,000 troops crossed the border."),  # "about"
        ("Not all units were returning.", "Some units were returning."),
        ("All units were returning.", "Some officers were returning."),  # another noun
    ],
)
def test_what_the_evidence_allows_is_not_flagged(claim: str, evidence: str) -> None:
    assert stronger(claim, evidence) is None


@pytest.mark.parametrize(
    ("claim", "verdict"),
    [
        ("The ministry said some units were returning to base.", "supported"),
        ("The ministry said all units were returning to base.", "unsupported"),
        ("The ministry said every unit was returning to base.", "unsupported"),
        ("Most shops in the old town stayed shut on Monday.", "supported"),
        ("All shops in the old town stayed shut on Monday.", "unsupported"),
        ("Many flights were delayed after pilots called in sick.", "supported"),
    ],
)
def test_the_checker_rejects_a_strengthened_quantifier(claim: str, verdict: str) -> None:
    result = Checker(SOURCE).check(claim)
    assert result.verdict == verdict, result.reasons
    if verdict == "unsupported":
        assert any(r.startswith("quantifier:") for r in result.reasons), result.reasons
