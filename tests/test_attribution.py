"""find_outlet(): metadata, source line, dateline, byline, URL, file name; never a guess."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.attribution import file_label, find_outlet, outlet_from_path, outlet_name
from summarizer.clean import clean
from summarizer.corpus import prepare_corpus
from summarizer.types import Metadata, RawDocument

SEEDS = Path(__file__).parents[1] / "seeds"
BODY = "The port reopened on Monday after a week of strikes.\n\nShipping lines welcomed the deal."


def outlet(
    text: str, meta: Metadata | None = None, path: str = "articles/port-strike.txt"
) -> str | None:
    return find_outlet(text, clean(text), meta or Metadata(), path)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("000_960b3c8b8e02d9c1.txt", "NBC News"),  # "... originally belongs to Nbcnews.com"
        ("001_d69dcd6f07bad049.txt", None),
        ("002_241955a69e709ee7.txt", "AP"),  # "LONDON (AP) -"
        ("003_843e870f8aa9123c.txt", None),
        ("004_eea8246921cdf615.txt", None),  # says "told AFP", which is not its byline
    ],
)
def test_seeds(name: str, expected: str | None) -> None:
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
    assert outlet(text, path="cruz-vote.txt") is None


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("By Jane Doe, Reuters", "Reuters"),
        ("By Jane Doe | AP", "AP"),
        ("Jane Doe / CNN", "CNN"),
        ("By Jane Doe and John Roe, The Harbour Times", "The Harbour Times"),
        ("By Jane Doe for example-news.co.uk", "Example News"),
        ("By Jane Doe | harbourpost.com", "Harbour Post"),
    ],
)
def test_byline(byline: str, expected: str) -> None:
    assert outlet(byline + "\n\n" + BODY) == expected


def test_byline_with_a_job_title_is_not_an_outlet() -> None:
    assert outlet("By Jane Doe, Senior Correspondent\n\n" + BODY) is None


@pytest.mark.parametrize(
    "mention",
    [
        "Officials told AFP the talks would resume.",
        "The official spoke to The Associated Press on condition of anonymity.",
        "According to Reuters, the port will reopen.",
        "A BBC reporter saw the ships leave.",
        '"We will reopen on Friday," the port director told AFP.',
        'The minister said: "As LONDON (AP) - reported, the port will reopen."',
    ],
)
def test_never_guesses_from_quoted_outlets(mention: str) -> None:
    assert outlet(BODY + "\n\n" + mention) is None


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
        # Domains are read with the Public Suffix List, and a label ending in a newsroom word
        # is split into words; a short label without vowels is an acronym.
        ("harbourpost.co.nz", "Harbour Post"),
        ("www.dailyledger.org.uk", "Daily Ledger"),
        ("https://news.rivertimes.com.br/a/b", "River Times"),
        ("kbzdnews.net", "KBZD News"),
        ("portbuzz.blogspot.com", "Portbuzz"),  # a private suffix: the blog is the outlet
    ],
)
def test_outlet_name(raw: str, expected: str) -> None:
    assert outlet_name(raw) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("reuters.txt", "Reuters"),
        ("nbcnews.com.txt", "NBC News"),
        ("inbox/harbourpost.co.nz.md", "Harbour Post"),
        ("bbc-ukraine-troops.txt", None),  # a slug, not an outlet
        ("/data/seeds/000_960b3c8b8e02d9c1.txt", None),
        ("2022-02-16.txt", None),
        ("-", None),
        ("", None),
    ],
)
def test_outlet_from_path(path: str, expected: str | None) -> None:
    assert outlet_from_path(path) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/data/seeds/000_960b3c8b8e02d9c1.txt", "000_960b3c8b.txt"),
        ("feeds/harbour_news.jsonl#3", "harbour_news.jsonl #3"),
        ("2022-02-16.txt", "2022-02-16.txt"),
        ("-", "stdin"),
    ],
)
def test_file_label(path: str, expected: str) -> None:
    assert file_label(path) == expected


def test_url_metadata_names_the_outlet() -> None:
    meta = Metadata(url="https://www.harbourpost.co.nz/2022/port-strike")
    assert outlet(BODY, meta) == "Harbour Post"


def test_unnamed_articles_get_honest_labels_and_one_hint() -> None:
    docs = [
        RawDocument("in/a1b2c3d4e5f6a7b8.txt", BODY),
        RawDocument("in/wire.txt", "PARIS (AFP) - " + BODY),
        RawDocument("in/port-strike.txt", BODY + " Cranes were idle."),
    ]
    hints: list[str] = []
    corpus = prepare_corpus(docs, warn=pytest.fail, hint=hints.append)
    assert [(s.id, s.name) for s in corpus.sources] == [
        ("source-1", "Source 1 (a1b2c3d4.txt)"),
        ("afp", "AFP"),
        ("source-3", "Source 3 (port-strike.txt)"),
    ]
    assert len(hints) == 1 and hints[0].startswith("2 of 3") and "source: " in hints[0]
