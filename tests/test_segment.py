"""The one sentence splitter, table-driven from evals/segment/cases.yaml (cases written for this
project; bench/segment.py scores pysbd on the same table)."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from summarizer.segment import (
    _CANDIDATE,
    _candidates,
    detokenize,
    ends_with_abbreviation,
    sentence_spans,
    split_sentences,
)

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "evals" / "segment" / "cases.yaml").read_text()
)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_table(case: dict[str, Any]) -> None:
    assert split_sentences(case["text"]) == case["sentences"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_sentences_are_ordered_substrings(case: dict[str, Any]) -> None:
    text = case["text"]
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == split_sentences(text)
    assert all(a < b <= c for (a, b), (c, _) in itertools.pairwise(spans))
    # Nothing but whitespace lies between sentences: no text is lost.
    rest = "".join(text[b:c] for (_, b), (c, _) in itertools.pairwise(spans))
    assert not rest.strip()


def test_a_long_quote_does_not_swallow_the_paragraph() -> None:
    quote = " ".join(f"Point {n} was made." for n in range(40))
    text = f"He said: “{quote}” Then he left."
    assert len(split_sentences(text)) > 30


def test_an_unclosed_quote_does_not_join_sentences() -> None:
    text = "He said: “We came. We saw. The end of the paragraph came without a close."
    assert len(split_sentences(text)) == 3


def test_lowercase_mode_is_decided_per_text() -> None:
    cased = "Most of this text is cased. it says so in 2014. Then it ends."
    assert split_sentences(cased)[0] == "Most of this text is cased. it says so in 2014."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("said Gen.", True),
        ("in the U.S.", True),
        ("in Jan.", True),
        ("Acme Inc.", True),
        ("he left.", False),
        ("in 2014.", False),
        ("no stop", False),
        ("Lloyd J.", True),
    ],
)
def test_ends_with_abbreviation(text: str, expected: bool) -> None:
    assert ends_with_abbreviation(text) is expected


@pytest.mark.parametrize(
    ("tokenised", "prose"),
    [
        ("the firm did n't comment .", "the firm didn't comment."),
        ("facebook 's shares fell 3 % .", "facebook's shares fell 3%."),
        ("the club -lrb- founded 1901 -rrb- won", "the club (founded 1901) won"),
        ("`` we will win , '' he said .", "“we will win,” he said."),
        ("she played ` the barbie ' on tv", "she played ‘the barbie’ on tv"),
        ("it means an extra £ 2,100 a year", "it means an extra £2,100 a year"),
        ("it\\'s popular", "it's popular"),
        ("UNK UNK , 27 , was held", ", 27, was held"),
        ("Ordinary prose, untouched. It stays.", "Ordinary prose, untouched. It stays."),
    ],
)
def test_detokenize(tokenised: str, prose: str) -> None:
    assert detokenize(tokenised) == prose


def _is_lowercased_reference(text: str) -> bool:
    letters = upper = 0
    for ch in text[:20_000]:
        if ch.isalpha():
            letters += 1
            upper += ch.isupper()
    return letters >= 20 and upper < 0.01 * letters


def test_lowercased_detection_counts_like_a_per_character_loop() -> None:
    # The fast count (bytes.translate for ASCII, filter/map otherwise) must agree with the
    # plain loop, including letters that are not ASCII and characters that are upper case
    # without being letters (Roman numerals).
    from summarizer.segment import _is_lowercased

    rng = random.Random(3)
    alphabet = "abcdefghij ABCD.,'1\n" + "éÉßжЖ東Ⅷⅷ" + "\u0301"
    for size in (0, 19, 25, 200, 2_000, 25_000):
        for share in (0.0, 0.005, 0.02, 0.3):
            text = "".join(
                rng.choice("ABCDÉЖ") if rng.random() < share else rng.choice(alphabet[:11])
                for _ in range(size)
            )
            mixed = "".join(rng.choice(alphabet) for _ in range(size))
            for sample in (text, mixed, text.lower(), "Ⅷ" * size + text):
                assert _is_lowercased(sample) == _is_lowercased_reference(sample)


def test_candidate_stops_are_those_the_pattern_finds() -> None:
    # The stops are found by a character class and the pattern tried only there: the same
    # matches as trying it everywhere.
    rng = random.Random(21)
    pieces = ["word", "U.S.", "3.5", "...", "…", "?!", "!", ".", '"', "”", "’", ")", "]", " ", "\n"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        begin = rng.randint(0, len(text))
        end = rng.randint(begin, len(text))
        expected = [m.span(0) + m.span(2) for m in _CANDIDATE.finditer(text, begin, end)]
        assert [m.span(0) + m.span(2) for m in _candidates(text, begin, end)] == expected
