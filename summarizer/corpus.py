"""Turn raw documents into the prepared corpus: cleaned, attributed, split, chunked, deduplicated.

This is the first half of the pipeline (`summarizer prepare`); no model is involved.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import partial

from summarizer.attribution import find_outlet, unnamed_label
from summarizer.clean import clean
from summarizer.dedupe import DuplicateFinder, sentence_keys
from summarizer.defaults import DEFAULT_MAX_CHUNK_TOKENS as DEFAULT_MAX_CHUNK_TOKENS  # re-exported
from summarizer.errors import InputError
from summarizer.segment import split_sentences
from summarizer.tokens import chunk_sentences
from summarizer.types import Chunk, Corpus, RawDocument, Source

log = logging.getLogger("summarizer.corpus")
PARALLEL_MIN_DOCS = 64  # below this, starting a process pool costs more than it saves
MAX_WORKERS = 4
MAX_CHUNK_DOCS = 32  # documents a worker takes at a time
_SLUG = re.compile(r"[^a-z0-9]+")


def build_source(doc: RawDocument, source_id: str = "") -> Source | None:
    """Clean and attribute one document; None when nothing of the story is left.

    A source whose outlet nothing names gets an empty name; prepare_corpus labels it."""
    cleaned = clean(doc.text)
    sentences = tuple(split_sentences(cleaned.text))
    if not sentences:
        return None
    return Source(
        id=source_id,
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
    warn: Callable[[str], None],
    workers: int | None = None,
    hint: Callable[[str], None] | None = None,
) -> Corpus:
    """Prepare every usable document; raise InputError when none is usable.

    Documents are cleaned, split and chunked in a process pool of ``workers`` (default: one per
    core, up to 4, for 64 documents or more); near-duplicates are found over all of them.
    ``hint`` gets one line of advice when some articles name no outlet (the CLI prints it;
    the nightly job, which runs unattended, passes none).
    """
    docs = list(documents)
    built: list[Source] = []
    pieces: list[tuple[tuple[str, int], ...]] = []
    # Near-duplicates are looked for over all the sources; what can be done source by source
    # is done as each arrives, while the pool prepares the next ones.
    finder = DuplicateFinder()
    for doc, prepared in zip(docs, _map_documents(docs, max_chunk_tokens, workers), strict=True):
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
    return Corpus(sources=tuple(sources), chunks=chunks, duplicates=tuple(finder.groups(sources)))


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


def _prepare_one(doc: RawDocument, max_chunk_tokens: int) -> _Prepared | str:
    """One document's source (without its id), its chunks as (text, tokens) and its sentences'
    keys for dedupe; None when nothing is left; the warning (a string) when it cannot be
    prepared."""
    try:
        source = build_source(doc)
        if source is None:
            return None
        chunks = chunk_sentences("", source.sentences, max_chunk_tokens)
        keys = sentence_keys(source.sentences)
    except RecursionError:
        return f"{doc.path}: nested too deeply to prepare, skipped"
    except Exception as exc:  # one article no rule foresaw is one skipped article
        log.debug("preparing %s failed", doc.path, exc_info=True)
        return f"{doc.path}: cannot prepare ({type(exc).__name__}: {exc}), skipped"
    return source, tuple((c.text, c.tokens) for c in chunks), keys


def _map_documents(
    docs: list[RawDocument], max_chunk_tokens: int, workers: int | None
) -> Iterator[_Prepared | str]:
    if workers is None:
        workers = min(os.cpu_count() or 1, MAX_WORKERS) if len(docs) >= PARALLEL_MIN_DOCS else 1
    # Fork only a single-threaded process (forking threads can deadlock the child), and only
    # where fork exists; anywhere else the documents are prepared here, one after another.
    if workers > 1 and threading.active_count() == 1 and "fork" in mp.get_all_start_methods():
        work = partial(_prepare_one, max_chunk_tokens=max_chunk_tokens)
        # Small chunks: a worker whose parent was killed notices at its next chunk and exits
        # (and with it the inherited descriptors, such as the nightly lock's).
        chunksize = max(1, min(MAX_CHUNK_DOCS, len(docs) // (workers * 8)))
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            yield from pool.map(work, docs, chunksize=chunksize)
    else:
        for doc in docs:
            yield _prepare_one(doc, max_chunk_tokens)
