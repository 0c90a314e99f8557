"""Turn raw documents into the prepared corpus: cleaned, attributed, split, chunked, deduplicated.

This is the first half of the pipeline (`summarizer prepare`); no model is involved.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import itertools
import logging
import multiprocessing as mp
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import replace
from functools import partial
from typing import TypeVar

from summarizer.attribution import find_outlet, unnamed_label
from summarizer.clean import clean
from summarizer.dedupe import DuplicateFinder, sentence_keys
from summarizer.defaults import DEFAULT_MAX_CHUNK_TOKENS as DEFAULT_MAX_CHUNK_TOKENS  # re-exported
from summarizer.errors import InputError
from summarizer.segment import split_sentences
from summarizer.tokens import chunk_sentences
from summarizer.types import Chunk, Cleaned, Corpus, RawDocument, Source

log = logging.getLogger("summarizer.corpus")
PARALLEL_MIN_DOCS = 64  # below this, starting a process pool costs more than it saves
MAX_WORKERS = 4
MAX_BATCH_DOCS = 32  # documents a worker takes at a time
READ_AHEAD_DOCS = 512  # documents read before the pool and its batch size are chosen
IN_FLIGHT = 4  # batches submitted and not yet taken back, per worker
GC_PAUSE_DOCS = 256  # documents after which gathering pauses the garbage collector
_SLUG = re.compile(r"[^a-z0-9]+")


def _attributed(doc: RawDocument, cleaned: Cleaned) -> Source | None:
    """The cleaned document as a source (without its id); None when nothing of the story is
    left. A source whose outlet nothing names gets an empty name; prepare_corpus labels it."""
    sentences = tuple(split_sentences(cleaned.text))
    if not sentences:
        return None
    return Source(
        id="",
        name=find_outlet(doc.text, cleaned, doc.meta, doc.path) or "",
        path=doc.path,
        text=cleaned.text,
        sentences=sentences,
        removed=cleaned.removed,
        title=doc.meta.title,
        published=doc.meta.published or cleaned.published,
        url=doc.meta.url,
    )


def assign_ids(sources: Iterable[Source]) -> list[Source]:
    """Short, stable, readable ids from outlet names: "ap", "nbc-news", "ap-2" on a clash.

    An article no outlet is named for is labelled by its place and file, "Source 2
    (001_d69dcd6f.txt)", with the id "source-2"."""
    seen: dict[str, int] = {}
    out: list[Source] = []
    for position, source in enumerate(sources, start=1):
        if not source.name:
            source = replace(source, name=unnamed_label(position, source.path))
            base = f"source-{position}"
        else:
            base = _SLUG.sub("-", source.name.lower()).strip("-")[:24].strip("-") or "source"
        seen[base] = seen.get(base, 0) + 1
        sid = base if seen[base] == 1 else f"{base}-{seen[base]}"
        out.append(replace(source, id=sid))
    return out


def prepare_corpus(
    documents: Iterable[RawDocument],
    *,
    max_chunk_tokens: int = DEFAULT_MAX_CHUNK_TOKENS,
    chunked: bool = True,
    warn: Callable[[str], None],
    workers: int | None = None,
    hint: Callable[[str], None] | None = None,
) -> Corpus:
    """Prepare every usable document; raise InputError when none is usable.

    ``chunked`` False: no chunks (the corpus has none). Only `summarizer prepare` shows them;
    a briefing counts the tokens of what it sends itself, so brief, batch and the nightly
    job spare the tokenizer's pass over every article.

    Documents are cleaned, split and chunked in a process pool of ``workers`` (default: one per
    core, up to 4, for 64 documents or more), which starts on the first documents while the
    rest are still being read; near-duplicates are found over all of them.
    ``hint`` gets one line of advice when some articles name no outlet (the CLI prints it;
    the nightly job, which runs unattended, passes none).
    """
    # From the GC_PAUSE_DOCS-th document on, the garbage collector is paused: gathering a large
    # corpus makes hundreds of thousands of objects (sources, sentences, chunks, duplicate
    # members), none of them part of a cycle, and each full collection would walk all the ones
    # made so far (a sixth of the time at 32,000 articles went there).
    with contextlib.ExitStack() as paused:
        built: list[Source] = []
        pieces: list[tuple[tuple[str, int], ...]] = []
        # Near-duplicates are looked for over all the sources; what can be done source by source
        # is done as each arrives, while the pool prepares the next ones.
        finder = DuplicateFinder()
        mapped = _map_documents(iter(documents), max_chunk_tokens if chunked else None, workers)
        for n, (doc, prepared) in enumerate(mapped):
            if n == GC_PAUSE_DOCS:
                paused.enter_context(_COLLECTOR_PAUSE)
            if isinstance(prepared, str):
                warn(prepared)
                continue
            if prepared is None:
                warn(f"{doc.path}: no article text left after cleaning, skipped")
                continue
            built.append(prepared[0])
            pieces.append(prepared[1])
            finder.add(prepared[2])
        if not built:
            raise InputError("no usable articles found in the given paths")
        unnamed = sum(not s.name for s in built)
        if unnamed and hint is not None:
            hint(
                f"{unnamed} of {len(built)} articles name no outlet and are labelled "
                '"Source N (file)"; to name one, start its file with front matter '
                '"---\\nsource: Outlet Name\\n---" (or give JSON records a "source" field)'
            )
        sources = assign_ids(built)
        chunks = tuple(
            Chunk(source=s.id, text=text, tokens=tokens)
            for s, chunked in zip(sources, pieces, strict=True)
            for text, tokens in chunked
        )
        duplicates = tuple(finder.groups(sources))
        return Corpus(sources=tuple(sources), chunks=chunks, duplicates=duplicates)


class _CollectorPause:
    """Pauses the garbage collector while any thread is inside (batch prepares corpora on
    several threads at once); it comes back, if it was on, when the last one leaves."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.inside = 0
        self.was_enabled = False

    def __enter__(self) -> None:
        with self.lock:
            if self.inside == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.inside += 1

    def __exit__(self, *_: object) -> None:
        with self.lock:
            self.inside -= 1
            if self.inside == 0 and self.was_enabled:
                gc.enable()


_COLLECTOR_PAUSE = _CollectorPause()


def sub_corpus(corpus: Corpus, sources: Sequence[Source]) -> Corpus:
    """The part of ``corpus`` that belongs to ``sources``: their chunks and duplicate passages."""
    ids = {s.id for s in sources}
    duplicates = []
    for group in corpus.duplicates:
        members = tuple(m for m in group.members if m.source in ids)
        if len(members) >= 2:
            duplicates.append(replace(group, members=members))
    return Corpus(
        sources=tuple(sources),
        chunks=tuple(c for c in corpus.chunks if c.source in ids),
        duplicates=tuple(duplicates),
    )


_Prepared = tuple[Source, tuple[tuple[str, int], ...], tuple[tuple[int, str], ...]] | None
_Outcome = _Prepared | str
T = TypeVar("T")


def _prepare_batch(docs: Sequence[RawDocument], max_chunk_tokens: int | None) -> list[_Outcome]:
    """Each document's source (without its id), its chunks as (text, tokens) (none when
    ``max_chunk_tokens`` is None) and its sentences' keys for dedupe; None when nothing is left;
    the warning (a string) when it cannot be prepared.

    The batch goes through one stage at a time (clean all, split all, encode all, ...): a
    stage's tables, the tokenizer's vocabulary above all, then stay in the CPU's caches, which
    measurably beats taking each document through every stage in turn."""
    outcomes: list[_Outcome] = [None] * len(docs)
    cleaned = _stage(docs, outcomes, range(len(docs)), lambda i: clean(docs[i].text))
    attributed = _stage(docs, outcomes, cleaned, lambda i: _attributed(docs[i], cleaned[i]))
    sources = {i: source for i, source in attributed.items() if source is not None}
    chunks: dict[int, list[Chunk]] = {i: [] for i in sources}
    if max_chunk_tokens is not None:
        budget = max_chunk_tokens
        chunks = _stage(
            docs, outcomes, sources, lambda i: chunk_sentences("", sources[i].sentences, budget)
        )
    keys = _stage(docs, outcomes, chunks, lambda i: sentence_keys(sources[i].sentences))
    for i, found in keys.items():
        outcomes[i] = (sources[i], tuple((c.text, c.tokens) for c in chunks[i]), found)
    return outcomes


def _stage(
    docs: Sequence[RawDocument],
    outcomes: list[_Outcome],
    todo: Iterable[int],
    step: Callable[[int], T],
) -> dict[int, T]:
    """``step(i)`` for each document number in ``todo``; a document it fails on gets its warning
    in ``outcomes`` and goes no further."""
    done: dict[int, T] = {}
    for i in todo:
        try:
            done[i] = step(i)
        except RecursionError:
            outcomes[i] = f"{docs[i].path}: nested too deeply to prepare, skipped"
        except Exception as exc:  # one article no rule foresaw is one skipped article
            log.debug("preparing %s failed", docs[i].path, exc_info=True)
            outcomes[i] = f"{docs[i].path}: cannot prepare ({type(exc).__name__}: {exc}), skipped"
    return done


def _map_documents(
    docs: Iterator[RawDocument], max_chunk_tokens: int | None, workers: int | None
) -> Iterator[tuple[RawDocument, _Outcome]]:
    """Each document with its outcome, in order."""
    # Enough documents are read ahead to choose the pool and its batch size.
    ahead = list(itertools.islice(docs, READ_AHEAD_DOCS))
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if len(ahead) >= PARALLEL_MIN_DOCS else 1
    work = partial(_prepare_batch, max_chunk_tokens=max_chunk_tokens)
    every = itertools.chain(ahead, docs)
    # Fork only a single-threaded process (forking threads can deadlock the child), and only
    # where fork exists; anywhere else the documents are prepared here, one batch after another.
    if workers > 1 and threading.active_count() == 1 and "fork" in mp.get_all_start_methods():
        # Small batches: a worker whose parent was killed notices at its next batch and exits
        # (and with it the inherited descriptors, such as the nightly lock's).
        size = max(1, min(MAX_BATCH_DOCS, len(ahead) // (workers * 8)))
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            # A few batches in flight per worker: the workers start on the first batch as soon
            # as it is read, and only the batches in flight are held here, not every document.
            flight: collections.deque[tuple[list[RawDocument], Future[list[_Outcome]]]]
            flight = collections.deque()
            try:
                for batch in _batches(every, size):
                    flight.append((batch, pool.submit(work, batch)))
                    while flight and (len(flight) > IN_FLIGHT * workers or flight[0][1].done()):
                        done, future = flight.popleft()
                        yield from zip(done, future.result(), strict=True)
                while flight:
                    done, future = flight.popleft()
                    yield from zip(done, future.result(), strict=True)
            finally:  # stopped early (an error, Ctrl-C): queued batches are not started
                for _, future in flight:
                    future.cancel()
    else:
        for batch in _batches(every, MAX_BATCH_DOCS):
            yield from zip(batch, work(batch), strict=True)


def _batches(docs: Iterator[RawDocument], size: int) -> Iterator[list[RawDocument]]:
    while batch := list(itertools.islice(docs, size)):
        yield batch
