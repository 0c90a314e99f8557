"""Who makes a claim, and who said what (speaker, role, outlets)."""

from __future__ import annotations

import pytest

from summarizer.claimants import claimant_phrase, direct_quotes, split_speaker, who_said_what
from summarizer.types import Source


@pytest.mark.parametrize(
    ("phrase", "name", "role"),
    [
        ("Harbour Port Authority director Ana Ruiz", "Ana Ruiz", "Harbour Port Authority director"),
        ("Mayor Tomas van der Berg", "Tomas van der Berg", "Mayor"),
        ("Lena Okafor, the union's top negotiator", "Lena Okafor", "the union's top negotiator"),
        ("German Transport Minister Karl Weber", "Karl Weber", "German Transport Minister"),
        ("a senior port official", None, None),
        ("the Transport Ministry", None, None),
        ("Germany", None, None),
        ("Ruiz and Okafor", None, None),  # two people are not one speaker
    ],
)
def test_split_speaker(phrase: str, name: str | None, role: str | None) -> None:
    speaker = split_speaker(phrase)
    assert (speaker.name, speaker.role) == (name, role)


@pytest.mark.parametrize(
    ("sentence", "word", "claimant"),
    [
        ("The Transport Ministry said on Monday the ferries were sailing again.", "sailing",
         "The Transport Ministry"),
        ("Ferry traffic has doubled since March, a senior port official said Tuesday.", "doubled",
         "a senior port official"),
        ("Union leader Lena Okafor told reporters that the strike had grown.", "grown",
         "Union leader Lena Okafor"),
        ("Cargo volumes fell by a third, according to the harbour authority.", "fell",
         "the harbour authority"),
        ("Port officials have warned that traffic continues to fall.", "fall", "Port officials"),
        # The outlet's own reporting: nobody else is named.
        ("Cargo volumes fell by a third in March.", "fell", None),
        # A noun is not a reporting verb: "the union's claims".
        ("Despite the union's claims, cargo volumes fell.", "fell", None),
    ],
)  # fmt: skip
def test_claimant_phrase(sentence: str, word: str, claimant: str | None) -> None:
    assert claimant_phrase(sentence, sentence.index(word)) == claimant


def _source(sid: str, *sentences: str) -> Source:
    return Source(id=sid, name=sid.title(), path=f"{sid}.txt", text="", sentences=sentences)


def test_direct_quotes_resolve_surnames_pronouns_and_roles() -> None:
    source = _source(
        "herald",
        "Harbour Port Authority director Ana Ruiz said the terminals would reopen.",
        "“We expect the first ships to dock on Friday morning,” Ruiz said.",
        "“The port has never been closed this long,” she added.",
        "“It was a long week for every family on the docks,” said Lena Okafor, the union's "
        "chief negotiator.",
    )
    found = [(q.speaker.name, q.speaker.role, q.text) for q in direct_quotes(source)]
    assert found == [
        ("Ana Ruiz", "Harbour Port Authority director",
         "We expect the first ships to dock on Friday morning,"),
        ("Ana Ruiz", "Harbour Port Authority director",
         "The port has never been closed this long,"),
        ("Lena Okafor", "the union's chief negotiator",
         "It was a long week for every family on the docks,"),
    ]  # fmt: skip


def test_quotes_by_institutions_or_unnamed_people_are_not_who_said_what() -> None:
    source = _source(
        "wire",
        "“The ferries will sail again next week on every route,” the ministry said.",
        "“We saw the first ships leave the harbour at dawn,” a witness said.",
    )
    assert direct_quotes(source) == []


def test_who_said_what_merges_outlets_keeps_one_quote_per_speaker_and_at_most_three() -> None:
    quote = "“The strike is over and the port will reopen on Friday,” union leader Lena Okafor said"
    sources = [
        _source("herald", quote, "“We are glad the port can reopen,” Mayor Tomas Berg said."),
        _source("wire", quote, "“The port lost money every day of the strike,” Okafor said.",
                "Union leader Lena Okafor met the mayor."),
        _source(
            "desk",
            *(f"“The port strike cost my company {n} orders this week,” trader Max Hill{n} said."
              for n in range(1, 7)),
        ),
    ]  # fmt: skip
    salience = {(s.id, i): 1.0 for s in sources for i in range(len(s.sentences))}
    quotes = who_said_what(sources, salience)
    speakers = [q.speaker for q in quotes]
    assert len(quotes) == 3 and len(set(speakers)) == 3
    okafor = next(q for q in quotes if q.speaker == "Lena Okafor")
    assert okafor.citations == ("herald", "wire")  # the same words from two outlets: one quote
    assert okafor.text == "The strike is over and the port will reopen on Friday"
    assert okafor.role == "union leader"
    # A sentence already shown as a point is not repeated as a quote.
    shown = {("herald", quote), ("wire", quote)}
    again = who_said_what(sources, salience, exclude=shown)
    assert all(q.text != okafor.text for q in again)


def test_quotes_off_the_story_are_left_out() -> None:
    sources = [
        _source(
            "herald",
            "“The port will reopen on Friday after the strike,” Mayor Tomas Berg said.",
            "“I love sailing with my grandchildren in summer,” trader Max Hill said.",
        ),
        _source("wire", "The port strike ended and the terminals will reopen on Friday."),
    ]
    salience = {("herald", 0): 1.0, ("herald", 1): 1.0}
    (quote,) = who_said_what(sources, salience)
    assert "reopen" in quote.text
