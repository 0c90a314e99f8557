"""Dates of what a sentence reports: the published date, day words resolved against it."""

from __future__ import annotations

import datetime as dt

import pytest

from summarizer.timeline import Dater, day_label, parse_date, pinned_weekdays, resolve, span_label
from summarizer.types import Evidence, Removed, Source

THURSDAY = dt.date(2022, 2, 17)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-02-17", THURSDAY),
        ("2022-02-17T08:30:00+00:00", THURSDAY),
        ("Feb. 17, 2022", THURSDAY),
        ("Thu, 17 Feb 2022 08:30:00 GMT", THURSDAY),
        ("February 2022", None),  # no day: not a date of anything
        ("", None),
        (None, None),
    ],
)
def test_parse_date(text: str | None, expected: dt.date | None) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The ministers met on Wednesday in Brussels.", dt.date(2022, 2, 16)),
        ("The talks ended Thursday.", THURSDAY),  # the day it was published
        ("The strike began on Friday.", dt.date(2022, 2, 11)),  # the Friday before
        ("He will travel to Kyiv on Friday.", dt.date(2022, 2, 18)),  # future: the next one
        ("The mayor said he would meet the union on Monday.", dt.date(2022, 2, 21)),
        ("The ferry sank yesterday.", dt.date(2022, 2, 16)),
        ("The port reopened after the strike.", THURSDAY),  # no day word: the article's date
        # A day named inside a quote is the speaker's: it does not date the sentence.
        ("“We met them on Monday,” she said.", THURSDAY),
    ],
)
def test_day_words_resolve_against_the_published_date(sentence: str, expected: dt.date) -> None:
    assert resolve(sentence, THURSDAY, {}) == expected


def test_without_a_published_date_day_words_stay_undated() -> None:
    assert resolve("The ministers met on Wednesday.", None, {}) is None
    assert resolve("The port reopened after the strike.", None, {}) is None


def test_a_weekday_the_article_pins_to_a_date_needs_no_published_date() -> None:
    captions = [
        "Dockers gather at the gate in Rotterdam, Tuesday, March 8, 2022. (Photo: Harbour Wire)",
        "The harbour master speaks to reporters on Tuesday (March 8, 2022).",
    ]
    pinned = pinned_weekdays(captions)
    assert pinned == {1: dt.date(2022, 3, 8)}
    assert resolve("The union voted on Tuesday to end the strike.", None, pinned) == dt.date(
        2022, 3, 8
    )


def test_a_weekday_pinned_to_two_dates_or_to_the_wrong_weekday_is_not_used() -> None:
    assert pinned_weekdays(["Tuesday, March 8, 2022.", "Tuesday, March 15, 2022."]) == {}
    assert pinned_weekdays(["Monday, March 8, 2022."]) == {}  # March 8, 2022 was a Tuesday


def test_dater_uses_metadata_a_dateline_and_removed_captions() -> None:
    sources = [
        Source(
            id="meta",
            name="Meta",
            path="meta.txt",
            text="",
            sentences=("The bridge reopened on Monday.",),
            published="2022-03-10",
        ),
        Source(
            id="wire",
            name="Wire",
            path="wire.txt",
            text="",
            sentences=("ROTTERDAM, March 9, 2022 (Harbour Wire) - The strike ended on Tuesday.",),
        ),
        Source(
            id="caption",
            name="Caption",
            path="caption.txt",
            text="",
            sentences=("The ferries sailed again on Tuesday.", "The port said so."),
            removed=(Removed("Ferries leave the port, Tuesday, March 8, 2022.", "caption"),),
        ),
    ]
    dater = Dater(sources)
    assert dater.date_of("meta", "The bridge reopened on Monday.") == "2022-03-07"
    assert dater.published("wire") == dt.date(2022, 3, 9)
    assert dater.date_of("wire", sources[1].sentences[0]) == "2022-03-08"
    assert dater.date_of("caption", "The ferries sailed again on Tuesday.") == "2022-03-08"
    assert dater.date_of("caption", "The port said so.") is None  # undated: says nothing
    evidence = [Evidence("caption", "The port said so."), Evidence("meta", "The port said so.")]
    assert dater.first_date(evidence) == "2022-03-10"


def test_labels() -> None:
    assert day_label("2022-02-16") == "Wed 16 Feb 2022"
    assert span_label(["2022-02-16"]) == "16 Feb 2022"
    assert span_label(["2022-02-16", "2022-02-09", "2022-02-10"]) == "9–16 Feb 2022"
    assert span_label(["2022-01-28", "2022-02-03"]) == "28 Jan – 3 Feb 2022"
    assert span_label(["2021-12-30", "2022-01-02"]) == "30 Dec 2021 – 2 Jan 2022"
    assert span_label([]) == ""
