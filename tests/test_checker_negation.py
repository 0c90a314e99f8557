"""Negation scopes and opposite words."""

from __future__ import annotations

import pytest

from summarizer.checker import Checker
from summarizer.checker.features import tokens_of
from summarizer.checker.negation import opposites, polarity
from summarizer.checker.words import canonical


def negated(text: str) -> frozenset[str]:
    return polarity(tokens_of(text)).negated


def test_cues_and_scopes() -> None:
    assert canonical("withdrawing") in negated("Russia is not withdrawing its troops.")
    assert canonical("withdrawing") in negated("Russia isn't withdrawing its troops.")
    assert canonical("planning") in negated("Russia denies planning an attack.")
    assert canonical("pull") in negated("Russia refused to pull troops out.") or canonical(
        "withdraw"
    ) in negated("Russia refused to pull back troops.")
    assert canonical("verified") in negated("He has not verified any drawdown.")
    assert canonical("prevent") in negated("He is not expected to prevent it.")
    assert canonical("decided") in negated("The ministry has yet to decide.")
    assert canonical("authenticity") not in negated("He spoke without denying its authenticity.")
    assert canonical("taking") not in negated("We ask whether or not Russia is taking steps.")


def test_opposites() -> None:
    assert canonical("reduce") in opposites(canonical("increase"))
    assert canonical("cut") in opposites(canonical("raised"))
    assert canonical("deploy") in opposites(canonical("withdraw"))
    assert canonical("deny") in opposites(canonical("confirmed"))
    assert canonical("lose") in opposites(canonical("won"))
    assert canonical("deescalate") in opposites(canonical("escalate"))


SOURCE = {
    "a": [
        "Russia said on Tuesday it was withdrawing some of its troops from the border.",
        "The company's shares rose 6% after the announcement.",
        "The bank said it did not expect to cut rates before the end of next year.",
        "Rail services will not run during the strike.",
    ]
}


@pytest.mark.parametrize(
    ("claim", "verdict"),
    [
        ("Russia said on Tuesday it was withdrawing some troops from the border.", "supported"),
        ("Russia said on Tuesday it was not withdrawing troops from the border.", "unsupported"),
        ("Russia said on Tuesday it was deploying some troops to the border.", "unsupported"),
        ("The company's shares fell 6% after the announcement.", "unsupported"),
        ("The bank does not expect to cut rates before the end of next year.", "supported"),
        ("The bank expects to cut rates before the end of next year.", "unsupported"),
        ("Rail services will run during the strike.", "unsupported"),
    ],
)
def test_polarity_flips_fail(claim: str, verdict: str) -> None:
    result = Checker(SOURCE).check(claim)
    assert result.verdict == verdict, result.reasons
    if verdict == "unsupported":
        assert any(r.startswith(("negation flip", "antonym")) for r in result.reasons)
