"""Dates: formats, weekdays, months, years and how a claim's date is compared."""

from __future__ import annotations

import pytest

from summarizer.checker.dates import DateMention, compare, extract


def one(text: str) -> DateMention:
    found = extract(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    "text",
    ["Feb. 16", "February 16", "16 February", "Feb 16, 2022", "2022-02-16", "Feb.\n16, 2022"],
)
def test_formats_normalise_to_month_and_day(text: str) -> None:
    d = one(text)
    assert (d.month, d.day) == (2, 16)


def test_years_ranges_weekdays() -> None:
    assert one("annexed in 2014.").year == 2014
    assert one("taken in 1897").year == 1897
    assert extract("sent 2000 troops") == []
    r = one("the February 10-20 drills")
    assert (r.month, r.day, r.day_end) == (2, 10, 20)
    assert one("on Wednesday").weekday == 2
    assert one("Feb 16, 2022").weekday == 2  # computed from the full date


def test_compare() -> None:
    assert compare(one("Wednesday"), one("Feb. 16, 2022")) is True
    assert compare(one("Thursday"), one("Feb. 16, 2022")) is False
    assert compare(one("February 17"), one("Feb. 16")) is False
    assert compare(one("February 20"), one("February 10-20")) is True
    assert compare(one("December"), one("November")) is False
    assert compare(one("Feb 16"), one("February")) is None  # less precise evidence
    assert compare(one("Feb 16"), one("Wednesday")) is None  # no year: weekday unknown
