"""Shortening a sentence to its core clause: deletions only, quotes untouched, numbers kept."""

from __future__ import annotations

import pytest

from summarizer.compress import compress
from summarizer.salience import is_procedural, procedural_spans


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Leading discourse and a scene-setting phrase go.
        (
            "Meanwhile, in a bid to calm the markets, the central bank held its main rate at "
            "four percent on Thursday.",
            "The central bank held its main rate at four percent on Thursday.",
        ),
        (
            "But after a long night of talks, the dockers' union accepted the offer.",
            "The dockers' union accepted the offer.",
        ),
        # A parenthetical and an aside between dashes go; the rest stays word for word.
        (
            "The mayor (a former harbour pilot) reopened the bridge -- closed since the storm -- "
            "to lorries.",
            "The mayor reopened the bridge to lorries.",
        ),
        # The outlet's own attribution is carried by the citation.
        (
            "The ferry service between the two islands will resume next week, Harbour Wire "
            "reported.",
            "The ferry service between the two islands will resume next week.",
        ),
        # A wire dateline is not part of the fact.
        (
            "ROTTERDAM (Harbour Wire) - Container traffic fell for a third month in a row.",
            "Container traffic fell for a third month in a row.",
        ),
        # A clause about sourcing inside a sentence goes, the claim stays.
        (
            "The port will close two terminals next year, said an official who spoke on "
            "condition of anonymity.",
            "The port will close two terminals next year, said an official.",
        ),
    ],
)
def test_compress_keeps_the_core_clause(sentence: str, expected: str) -> None:
    assert compress(sentence, outlets=("Harbour Wire",)) == expected


def test_a_long_sentence_loses_its_trailing_subordinate_tail() -> None:
    sentence = (
        "The city council approved a new budget for the tram network and the harbour tunnel on "
        "Tuesday evening, even though the opposition had warned for weeks that the tunnel would "
        "cost twice the estimate."
    )
    assert compress(sentence) == (
        "The city council approved a new budget for the tram network and the harbour tunnel on "
        "Tuesday evening."
    )


@pytest.mark.parametrize(
    "sentence",
    [
        # A condition changes what the sentence claims: never dropped.
        "If the strike goes on, the port will close two terminals and lay off workers.",
        # A leading phrase with a number is a fact.
        "With 4,000 workers on strike, the port handled only half of its usual cargo.",
        # Nothing inside quotation marks is cut, and a quote never loses its speaker.
        "“We will not reopen (not this month, anyway) until the talks end,” the director said.",
        # The rest would start with a pronoun nobody could resolve.
        "After the vote in parliament, he said the budget was the best the city could afford.",
        # Already short.
        "The port reopened on Monday.",
    ],
)
def test_compress_leaves_alone_what_would_change_or_lose_the_claim(sentence: str) -> None:
    assert compress(sentence) == sentence


def test_compressed_text_is_made_only_of_the_sentence_words_in_order() -> None:
    sentence = (
        "Meanwhile, in an apparent bid to reassure investors, the harbour authority (which runs "
        "all three terminals) said cargo volumes would recover by spring, according to Harbour "
        "Wire."
    )
    short = compress(sentence, outlets=("Harbour Wire",))
    assert short == "The harbour authority said cargo volumes would recover by spring."
    words = sentence.lower().replace(",", "").split()
    position = 0
    for word in short.lower().rstrip(".").split():
        position = words.index(word, position) + 1  # raises if a word was invented or moved


@pytest.mark.parametrize(
    "sentence",
    [
        "The official was not authorized to speak publicly and spoke on condition of anonymity.",
        "The spokesman did not provide evidence.",
        "She declined to comment.",
        "The ministry did not respond to a request for comment.",
        "Staff writer Jane Roe contributed to this report.",
    ],
)
def test_sentences_about_sourcing_are_procedural(sentence: str) -> None:
    assert is_procedural(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The navy did not provide evidence that the ships had left the strait.",
        "The port will close two terminals, an official said on condition of anonymity.",
        "The council approved the budget on Tuesday.",
    ],
)
def test_sentences_with_a_claim_are_not_procedural(sentence: str) -> None:
    assert not is_procedural(sentence)


def test_procedural_spans_cover_whole_clauses() -> None:
    sentence = "Prices rose again, said a trader who asked not to be named."
    ((start, end),) = procedural_spans(sentence)
    assert sentence[start:end] == " who asked not to be named"
