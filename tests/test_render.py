"""What a reader sees: Markdown escapes only what Markdown needs, plain text has no Markdown,
quotes only where they add something, no repeats, counts in proper English."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest

from summarizer.render import (
    briefing_words,
    corpus_text,
    md_escape,
    plural,
    quotes_to_show,
    render_briefing,
)
from summarizer.types import (
    Briefing,
    Chunk,
    Claimant,
    Corpus,
    Disagreement,
    Evidence,
    Lede,
    Point,
    Position,
    Quote,
    Source,
    SourceRef,
    Usage,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prices rose (again) in 2022.", "Prices rose (again) in 2022."),
        ("See file_name_v2 in snake_case.", "See file_name_v2 in snake_case."),
        ("It was _very_ *loud*.", "It was \\_very\\_ \\*loud\\*."),
        ("[a](http://x.example)", "\\[a\\]\\(http\\://x.example)"),
        ("![x](y) <b>bold</b>", "\\!\\[x\\]\\(y) \\<b\\>bold\\</b\\>"),
        ("Visit www.example.org or me@example.org", "Visit www\\.example.org or me\\@example.org"),
        ("A `code` span & &amp; entity", "A \\`code\\` span & \\&amp; entity"),
    ],
)  # fmt: skip
def test_md_escape_escapes_only_what_markdown_acts_on(text: str, expected: str) -> None:
    assert md_escape(text) == expected


def test_plural() -> None:
    assert plural(1, "source") == "1 source" and plural(2, "source") == "2 sources"
    assert plural(1, "story", "stories") == "1 story"
    assert plural(3, "story", "stories") == "3 stories"


def _ev(source: str, quote: str) -> Evidence:
    return Evidence(source, quote)


def test_quotes_shown_only_when_they_add_something() -> None:
    extract = Point(
        text="The port reopened on Monday.",
        citations=("a", "b"),
        evidence=(
            _ev("a", "Meanwhile, the port reopened on Monday after a nine-day strike."),
            _ev("b", "The port reopened on Monday."),  # another outlet, the same words
        ),
        verified=True,
        method="extractive",
    )
    assert quotes_to_show(extract, set()) == []  # the point is its own sentence, shortened
    paraphrase = Point(
        text="Dockers went back to work on Monday.",
        citations=("a", "b"),
        evidence=(
            _ev("a", "The port reopened on Monday after a nine-day strike."),
            _ev("b", "Dockers went back to work at the terminals on Monday, the union said."),
        ),
        verified=True,
        method="llm",
    )
    # Other words than the point's: the lead sentence; and another outlet's sentence.
    assert quotes_to_show(paraphrase, set()) == list(paraphrase.evidence)
    assert quotes_to_show(paraphrase, {paraphrase.evidence[0].quote}) == [paraphrase.evidence[1]]


def briefing() -> Briefing:
    sources = (
        SourceRef("herald", "Northern Herald", "in/herald.md", published="2022-03-10"),
        SourceRef("source-2", "Source 2 (a1b2c3d4.txt)", "in/a1b2c3d4e5f6.txt"),
    )
    lead = Point(
        "The port reopened on Monday.",
        ("herald", "source-2"),
        (_ev("herald", "The port reopened on Monday."), _ev("source-2", "Port reopens Monday.")),
        True,
        "extractive",
        date="2022-03-07",
    )
    second = Point(
        "Dockers accepted a pay rise of four percent.",
        ("herald",),
        (_ev("herald", "Dockers accepted a pay rise of four percent, the union said."),),
        True,
        "extractive",
        date="2022-03-06",
    )
    third = Point(
        "Cargo will take weeks to clear.",
        ("source-2",),
        (_ev("source-2", "Cargo will take weeks to clear."),),
        True,
        "extractive",
    )
    fourth = Point(
        "The union voted to end the strike.",
        ("herald",),
        (_ev("herald", "The union voted to end the strike."),),
        True,
        "extractive",
        date="2022-03-06",
    )
    dispute = Disagreement(
        summary="Cargo: the port describes a reduction; the union describes an increase.",
        subject="cargo backlog",
        positions=(
            Position(
                "The backlog is shrinking, the port said.",
                ("herald", "source-2"),
                (_ev("herald", "The backlog is shrinking, the port said."),),
                (Claimant("the port authority", ("herald", "source-2"), ()),),
                "a reduction",
            ),
            Position(
                "The backlog keeps growing, the union said.",
                ("herald",),
                (_ev("herald", "The backlog keeps growing, the union said."),),
                (Claimant("the union", ("herald",), ()),),
                "an increase",
            ),
        ),
        reported_both=("herald",),
    )
    quote = Quote(
        "Lena Okafor",
        "union leader",
        "We won this together",
        ("herald",),
        (_ev("herald", "“We won this together,” Okafor said."),),
    )
    return Briefing(
        title="Briefing: Port, Strike",
        generated_at="2022-03-10T06:00:00+00:00",
        engine="extractive",
        model=None,
        prompt_version="0123456789ab",
        sources=sources,
        points=(second, fourth, lead, third),
        disagreements=(dispute,),
        usage=Usage(),
        lede=Lede((lead,), "extractive"),
        quotes=(quote,),
    )


def test_markdown_briefing_reads_as_a_briefing() -> None:
    markdown = render_briefing(briefing(), "markdown")
    # The lede first, with its outlets; its point is not repeated in the list.
    assert markdown.count("The port reopened on Monday") == 1
    assert "The port reopened on Monday (Northern Herald, Source 2)." in markdown
    # Points grouped by day, oldest first, undated last; citations use short labels.
    assert markdown.index("**Sun 6 Mar 2022**") < markdown.index("**Date not given**")
    assert "Source 2 (a1b2c3d4.txt)" in markdown  # the list of sources gives the file
    assert "*A reduction*, according to the port authority (Northern Herald, Source 2)" in markdown
    assert "Northern Herald reported both sides" in markdown
    assert "**Lena Okafor**, union leader (Northern Herald): “We won this together”" in markdown
    # The header: counts in English, the dates covered, no prompt hash.
    assert "2 articles from 2 outlets" in markdown and "6–10 Mar 2022" in markdown
    assert "0123456789ab" not in markdown and "prompt" not in markdown
    assert "““" not in markdown and "””" not in markdown
    assert "\\(" not in markdown and "\\_" not in markdown


def test_plain_text_has_no_markdown_left() -> None:
    text = render_briefing(briefing(), "text")
    assert not re.search(r"\*\*|__|^#|\\[\\_*\[\]()]|^\s*>|\]\(|^=+$", text, re.MULTILINE)
    assert "The port reopened on Monday (Northern Herald, Source 2)." in " ".join(text.split())
    assert "Sun 6 Mar 2022" in text and "Date not given" in text


def test_json_keeps_everything() -> None:
    data = json.loads(render_briefing(briefing(), "json"))
    assert data["prompt_version"] == "0123456789ab"
    assert len(data["points"]) == 4 and data["lede"]["method"] == "extractive"
    assert [len(p["evidence"]) for p in data["points"]] == [1, 1, 2, 1]
    assert data["quotes"][0]["speaker"] == "Lena Okafor"
    assert data["disagreements"][0]["positions"][0]["claimants"][0]["citations"] == [
        "herald",
        "source-2",
    ]


def test_briefing_words_counts_what_a_reader_reads() -> None:
    b = briefing()
    words = briefing_words(b)
    # Everything in the reader's part, and nothing of the header or the source list.
    assert 40 < words < 130
    assert briefing_words(Briefing(**{**b.__dict__, "quotes": ()})) < words


class _CountedTuple(tuple[Chunk, ...]):
    """A tuple that counts how often it is walked through."""

    walks = 0

    def __iter__(self) -> Iterator[Chunk]:
        type(self).walks += 1
        return super().__iter__()


def test_prepare_text_reads_the_chunks_once_however_many_sources() -> None:
    sources = tuple(
        Source(
            id=f"s{i}", name=f"Outlet {i}", path=f"{i}.txt", text="A. B.", sentences=("A.", "B.")
        )
        for i in range(40)
    )
    chunks = _CountedTuple(
        Chunk(source=f"s{i}", text="A. B.", tokens=3 + k) for i in range(40) for k in range(2)
    )
    text = corpus_text(Corpus(sources=sources, chunks=chunks, duplicates=()))
    assert _CountedTuple.walks == 1
    # Each source still gets its own chunks and their tokens (3 + 4).
    assert text.count("2 sentences, 2 chunks, 7 tokens, 0 removals") == 40
