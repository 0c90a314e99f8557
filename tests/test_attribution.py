"""find_outlet(): metadata, source line, dateline, byline, file name; never a guess."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.attribution import find_outlet, name_from_path, outlet_name
from summarizer.clean import clean
from summarizer.types import Metadata

SEEDS = Path(__file__).parents[1] / "seeds"
BODY = "The port reopened on Monday after a week of strikes.\n\nShipping lines welcomed the deal."


def outlet(text: str, meta: Metadata | None = None, path: str = "articles/port-strike.txt") -> str:
    return find_outlet(text, clean(text), meta or Metadata(), path)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_960b3c8b8e02d9c1.txt", "NBC News"),  # "... originally belongs to Nbcnews.com"
        ("001_d69dcd6f07bad049.txt", "001_d69dcd6f"),
        ("002_241955a69e709ee7.txt", "AP"),  # "LONDON (AP) -"
        ("003_843e870f8aa9123c.txt", "003_843e870f"),
        ("004_eea8246921cdf615.txt", "004_eea82469"),  # says "told AFP", which is not its byline
    ],
)
def test_seeds(name: str, expected: str) -> None:
    path = SEEDS / name
    raw = path.read_text(encoding="utf-8")
    assert find_outlet(raw, clean(raw), Metadata(), str(path)) == expected


def test_metadata_wins() -> None:
    text = "LONDON (AP) - " + BODY + "\n\nSource: Reuters"
    assert outlet(text, Metadata(source="theguardian.com")) == "The Guardian"
    assert outlet(text, Metadata(source="Kyiv Post")) == "Kyiv Post"


def test_source_line_beats_dateline() -> None:
    text = "LONDON (AP) - " + BODY + "\n\nSource: | This article originally belongs to Ft.com"
    assert outlet(text) == "Financial Times"


def test_blank_metadata_is_ignored() -> None:
    assert outlet("PARIS (AFP) - " + BODY, Metadata(source="  ")) == "AFP"


@pytest.mark.parametrize(
    ("dateline", "expected"),
    [
        ("WASHINGTON (Reuters) — ", "Reuters"),
        ("KYIV, Ukraine (AP) — ", "AP"),
        ("MOSCOW, Feb 16 (Reuters) - ", "Reuters"),
        ("NEW YORK (CNN) -- ", "CNN"),
        ("BEIJING (Xinhua) - ", "Xinhua"),
        ("ROTTERDAM (Harbour Wire) - ", "Harbour Wire"),
    ],
)
def test_dateline(dateline: str, expected: str) -> None:
    assert outlet(dateline + BODY) == expected


def test_dateline_after_metadata_prefix_and_timestamp() -> None:
    assert outlet("3 hours ago\ndate 2022-02-09 BERLIN (dpa) - " + BODY) == "dpa"


def test_parenthesis_that_is_not_a_dateline() -> None:
    text = "Sen. Ted Cruz (R-Texas) — the loudest critic — voted no.\n\n" + BODY
    assert outlet(text, path="cruz-vote.txt") == "Cruz Vote"


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Jane Doe, Reuters", "Reuters"),
        ("By Jane Doe | AP", "AP"),
        ("Jane Doe / CNN", "CNN"),
        ("By Jane Doe and John Roe, The Harbour Times", "The Harbour Times"),
        ("By Jane Doe for example-news.co.uk", "Example News"),
    ],
)
def test_byline(byline: str, expected: str) -> None:
    assert outlet(byline + "\n\n" + BODY) == expected


def test_byline_with_a_job_title_is_not_an_outlet() -> None:
    assert outlet("By Jane Doe, Senior Correspondent\n\n" + BODY) == "Port Strike"


@pytest.mark.parametrize(
    "mention",
    [
        "Officials told AFP the talks would resume.",
        "The official spoke to The Associated Press on condition of anonymity.",
        "According to Reuters, the port will reopen.",
        "A BBC reporter saw the ships leave.",
    ],
)
def test_never_guesses_from_quoted_outlets(mention: str) -> None:
    assert outlet(BODY + "\n\n" + mention) == "Port Strike"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nbcnews.com", "NBC News"),
        ("apnews.com", "AP"),
        ("AP", "AP"),
        ("the associated press", "AP"),
        ("bbc.co.uk", "BBC News"),
        ("news.bbc.co.uk", "BBC News"),
        ("https://www.theguardian.com/world/2022/feb/16/x", "The Guardian"),
        ("edition.cnn.com", "CNN"),
        ("www.ft.com", "Financial Times"),
        ("example-news.co.uk", "Example News"),
        ("harbour-times.com.au", "Harbour Times"),
        ("Kyiv Post", "Kyiv Post"),
    ],
)
def test_outlet_name(raw: str, expected: str) -> None:
    assert outlet_name(raw) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("bbc-ukraine-troops.txt", "Bbc Ukraine Troops"),
        ("/data/seeds/000_960b3c8b8e02d9c1.txt", "000_960b3c8b"),
        ("feeds/harbour_news.jsonl#3", "Harbour News"),
        ("2022-02-16.txt", "2022_02_16"),
        ("nbcnews.com.txt", "NBC News"),
        ("-", "stdin"),
        ("", "stdin"),
        (".txt", "Txt"),
    ],
)
def test_name_from_path(path: str, expected: str) -> None:
    assert name_from_path(path) == expected
