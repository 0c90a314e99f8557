"""prepare_corpus: the process pool gives exactly the serial result, in document order."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from storygen import make_day

from summarizer.corpus import prepare_corpus
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


def test_nothing_usable_is_an_input_error_in_the_pool_too() -> None:
    docs = [RawDocument(path=f"{i}.txt", text="Share\n\nTweet", meta=Metadata()) for i in range(3)]
    with pytest.raises(InputError):
        prepare_corpus(docs, warn=lambda _: None, workers=2)
