"""Quantities: normalisation pairs that must match and must not."""

from __future__ import annotations

import pytest

from summarizer.checker.numbers import Quantity, extract, matches


def one(text: str) -> Quantity:
    found = extract(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7,000 troops", 7000),
        ("seven thousand troops", 7000),
        ("7k troops", 7000),
        ("7 000 troops", 7000),
        ("100 thousand people", 100_000),
        ("one hundred thousand people", 100_000),
        ("1.7 million people", 1_700_000),
        ("$2bn", 2e9),
        ("2 billion dollars", 2e9),
        ("twenty-five goals", 25),
    ],
)
def test_values(text: str, value: float) -> None:
    assert one(text).value == value


def test_units_and_qualifiers() -> None:
    assert one("as many as 7,000 soldiers").unit == "troops"
    assert one("as many as 7,000 soldiers").qualifier == "upto"
    assert one("north of 100,000 [troops]").qualifier == "over"
    assert one("5 percent").unit == "%"
    assert one("5%").unit == "%"
    assert one("€5m").unit == "eur"
    assert one("$2bn").unit == "usd"


def test_ranges_and_scores() -> None:
    r = one("between 10 and 20 people")
    assert (r.value, r.high) == (10, 20)
    assert (one("10-20 km").value, one("10-20 km").high) == (10, 20)
    assert one("won 2-1").qualifier == "score"
    assert not matches(one("won 2-1"), one("won 3-1"))
    assert matches(one("lost 1-2"), one("won 2-1"))


def test_names_and_ordinals_are_not_counts() -> None:
    assert extract("G7 leaders and COVID-19") == []
    assert one("the third term").unit == "ordinal"
    assert not matches(one("a second term"), one("a third term"))


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("about 100,000 troops", "more than 100,000 troops"),
        ("7,000 troops", "as many as 7,000 troops"),
        ("7,000 troops", "seven thousand soldiers"),
        ("7k troops", "7,000 troops"),
        ("1.7 million", "1,700,000"),
        ("100k", "one hundred thousand"),
        ("about 100,000", "north of 100,000"),
        ("7,000", "7,400"),  # the claim rounds the evidence
        ("5%", "5 percent"),
        ("thousands of troops", "7,000 troops"),
        ("between 10 and 20", "10-20"),
    ],
)
def test_matching_pairs(claim: str, evidence: str) -> None:
    assert matches(one(claim), one(evidence))


@pytest.mark.parametrize(
    ("claim", "evidence"),
    [
        ("7,000 troops", "70,000 troops"),
        ("70,000 troops", "7,000 troops"),
        ("1,700 troops", "1,000 troops"),
        ("1,000 troops", "1,700 troops"),
        ("up to 70,000 troops", "as many as 7,000 troops"),
        ("150,000 troops", "more than 100,000 troops"),
        ("2,000", "1,700"),
        ("5%", "5"),
        ("7,000 troops", "7,000 tonnes"),
    ],
)
def test_mismatching_pairs(claim: str, evidence: str) -> None:
    assert not matches(one(claim), one(evidence))
