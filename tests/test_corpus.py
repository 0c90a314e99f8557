"""prepare_corpus: the process pool gives exactly the serial result, in document order."""

from __future__ import annotations

import datetime as dt
import gc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from storygen import make_day

from summarizer.corpus import GC_PAUSE_DOCS, _CollectorPause, prepare_corpus
from summarizer.errors import InputError
from summarizer.ingest import iter_documents
from summarizer.types import Metadata, RawDocument

ROOT = Path(__file__).resolve().parent.parent


def test_pool_and_serial_preparation_are_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools: list[int] = []

    class CountingPool(ProcessPoolExecutor):
        def __init__(self, workers: int, **kwargs: Any) -> None:
            pools.append(workers)
            super().__init__(workers, **kwargs)

    monkeypatch.setattr("summarizer.corpus.ProcessPoolExecutor", CountingPool)
    # Threads an earlier test left running would make prepare_corpus stay serial (it forks
    # only a single-threaded process); this test is about the pool's result.
    monkeypatch.setattr("summarizer.corpus.threading.active_count", lambda: 1)
    make_day(120, seed=9).write(tmp_path / "inbox", dt.date(2026, 11, 21))
    docs = list(iter_documents([str(tmp_path / "inbox"), str(ROOT / "seeds")]))
    empty = RawDocument(path="empty.txt", text="Share\n\nTweet", meta=Metadata())
    docs.insert(7, empty)  # nothing left after cleaning: warned about and skipped
    warned: dict[int, list[str]] = {1: [], 2: []}
    serial = prepare_corpus(docs, warn=warned[1].append, workers=1)
    pooled = prepare_corpus(docs, warn=warned[2].append, workers=2)
    assert pools == [2]  # the pool really ran (once, for the pooled call)
    assert pooled == serial
    assert warned[1] == warned[2] == ["empty.txt: no article text left after cleaning, skipped"]
    assert len(serial.sources) == len(docs) - 1
    assert [s.path for s in serial.sources] == [d.path for d in docs if d is not empty]
    assert {c.source for c in serial.chunks} == {s.id for s in serial.sources}


@pytest.mark.parametrize("workers", [1, 2])
def test_unchunked_preparation_is_the_same_corpus_without_chunks(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    # brief, batch and the nightly job never read chunks: they skip the tokenizer's pass, and
    # everything else they get is what `summarizer prepare` gets.
    monkeypatch.setattr("summarizer.corpus.threading.active_count", lambda: 1)
    docs = [_story(i) for i in range(100)] + list(iter_documents([str(ROOT / "seeds")]))
    chunked = prepare_corpus(docs, warn=lambda _: None, workers=workers)

    def no_chunking(*_: Any) -> Any:
        raise AssertionError("chunked")

    monkeypatch.setattr("summarizer.corpus.chunk_sentences", no_chunking)
    unchunked = prepare_corpus(docs, chunked=False, warn=lambda _: None, workers=workers)
    assert chunked.chunks and unchunked.chunks == ()
    assert unchunked.sources == chunked.sources
    assert unchunked.duplicates == chunked.duplicates


def test_brief_never_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    from summarizer import pipeline

    def no_chunking(*_: Any) -> Any:
        raise AssertionError("chunked")

    monkeypatch.setattr("summarizer.corpus.chunk_sentences", no_chunking)
    briefing = pipeline.brief([str(ROOT / "seeds")], engine="extractive", warn=lambda _: None)
    assert briefing.points


def test_nothing_usable_is_an_input_error_in_the_pool_too() -> None:
    docs = [RawDocument(path=f"{i}.txt", text="Share\n\nTweet", meta=Metadata()) for i in range(3)]
    with pytest.raises(InputError):
        prepare_corpus(docs, warn=lambda _: None, workers=2)


def _story(i: int) -> RawDocument:
    text = (
        f"Officials in district {i} said on Monday that the bridge would reopen next week. "
        f"Engineers had inspected the structure {i + 2} times since the flood, they said."
    )
    return RawDocument(path=f"{i}.txt", text=text, meta=Metadata())


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_failing_at_a_later_stage_costs_only_itself(
    monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    # Documents go through the stages a batch at a time; one failing at chunking or at the
    # dedupe keys is one warning, and its batch-mates are prepared as usual.
    from summarizer.dedupe import sentence_keys as keys
    from summarizer.tokens import chunk_sentences as chunk

    def bad_chunks(source: str, sentences: Any, max_tokens: int) -> Any:
        if "district 3 " in sentences[0]:
            raise ValueError("no chunks for you")
        return chunk(source, sentences, max_tokens)

    def bad_keys(sentences: Any) -> Any:
        if "district 70 " in sentences[0]:
            raise RecursionError
        return keys(sentences)

    monkeypatch.setattr("summarizer.corpus.chunk_sentences", bad_chunks)
    monkeypatch.setattr("summarizer.corpus.sentence_keys", bad_keys)
    monkeypatch.setattr("summarizer.corpus.threading.active_count", lambda: 1)
    warned: list[str] = []
    corpus_ = prepare_corpus([_story(i) for i in range(100)], warn=warned.append, workers=workers)
    assert warned == [
        "3.txt: cannot prepare (ValueError: no chunks for you), skipped",
        "70.txt: nested too deeply to prepare, skipped",
    ]
    assert [s.path for s in corpus_.sources] == [f"{i}.txt" for i in range(100) if i not in (3, 70)]


def test_documents_are_prepared_while_later_ones_are_still_unread() -> None:
    # What lets the pool start before the last file is read: preparation takes documents from
    # the iterator as it goes (after a bounded read-ahead), not all of them first.
    pulled: list[int] = []
    first_warning_at: list[int] = []

    def documents() -> Any:
        for i in range(2000):
            pulled.append(i)
            if i == 0:
                yield RawDocument(path="empty.txt", text="Share\n\nTweet", meta=Metadata())
            else:
                yield _story(i)

    def warn(message: str) -> None:
        first_warning_at.append(len(pulled))

    prepare_corpus(documents(), warn=warn, workers=1)
    assert len(pulled) == 2000
    assert first_warning_at and first_warning_at[0] < 1000


def test_gathering_a_large_corpus_pauses_the_collector_and_restores_it() -> None:
    # The warnings come from the gathering loop: the first document's, before the pause, and
    # the last one's, after GC_PAUSE_DOCS documents.
    empty = "Share\n\nTweet"
    n = GC_PAUSE_DOCS + 10
    docs = [_story(i) for i in range(n)]
    docs[0] = RawDocument(path="first.txt", text=empty, meta=Metadata())
    docs[-1] = RawDocument(path="last.txt", text=empty, meta=Metadata())
    seen: list[tuple[str, bool]] = []
    assert gc.isenabled()
    prepare_corpus(docs, warn=lambda m: seen.append((m.split(":")[0], gc.isenabled())), workers=1)
    assert seen == [("first.txt", True), ("last.txt", False)]
    assert gc.isenabled()
    # A small corpus leaves it alone.
    seen.clear()
    prepare_corpus(docs[:5], warn=lambda m: seen.append((m.split(":")[0], gc.isenabled())))
    assert seen == [("first.txt", True)]


def test_the_collector_comes_back_when_the_last_of_several_threads_is_done() -> None:
    pause = _CollectorPause()
    assert gc.isenabled()
    pause.__enter__()
    pause.__enter__()  # a second thread
    pause.__exit__(None, None, None)
    assert not gc.isenabled()
    pause.__exit__(None, None, None)
    assert gc.isenabled()
    gc.disable()  # off before: stays off
    try:
        with pause:
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
