"""Turn raw documents into the prepared corpus: cleaned, attributed, split, chunked, deduplicated.

This is the first half of the pipeline (`summarizer prepare`); no model is involved.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from summarizer.attribution import find_outlet
from summarizer.clean import clean
from summarizer.dedupe import find_duplicates
from summarizer.defaults import DEFAULT_MAX_CHUNK_TOKENS as DEFAULT_MAX_CHUNK_TOKENS  # re-exported
from summarizer.errors import InputError
from summarizer.segment import split_sentences
from summarizer.tokens import chunk_sentences
from summarizer.types import Corpus, RawDocument, Source

log = logging.getLogger("summarizer.corpus")
_SLUG = re.compile(r"[^a-z0-9]+")


def build_source(doc: RawDocument, source_id: str = "") -> Source | None:
    """Clean and attribute one document; None when nothing of the story is left."""
    cleaned = clean(doc.text)
    sentences = tuple(split_sentences(cleaned.text))
    if not sentences:
        return None
    return Source(
        id=source_id,
        name=find_outlet(doc.text, cleaned, doc.meta, doc.path),
        path=doc.path,
        text=cleaned.text,
        sentences=sentences,
        removed=cleaned.removed,
        title=doc.meta.title,
        published=doc.meta.published or cleaned.published,
        url=doc.meta.url,
    )


def assign_ids(sources: Iterable[Source]) -> list[Source]:
    """Short, stable, readable ids from outlet names: "ap", "nbc-news", "ap-2" on a clash."""
    seen: dict[str, int] = {}
    out: list[Source] = []
    for source in sources:
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
) -> Corpus:
    """Prepare every usable document; raise InputError when none is usable."""
    built: list[Source] = []
    for doc in documents:
        try:
            source = build_source(doc)
        except RecursionError:
            warn(f"{doc.path}: nested too deeply to prepare, skipped")
            continue
        except Exception as exc:  # one article no rule foresaw is one skipped article
            log.debug("preparing %s failed", doc.path, exc_info=True)
            warn(f"{doc.path}: cannot prepare ({type(exc).__name__}: {exc}), skipped")
            continue
        if source is None:
            warn(f"{doc.path}: no article text left after cleaning, skipped")
            continue
        built.append(source)
    if not built:
        raise InputError("no usable articles found in the given paths")
    sources = assign_ids(built)
    chunks = tuple(
        chunk for s in sources for chunk in chunk_sentences(s.id, s.sentences, max_chunk_tokens)
    )
    return Corpus(sources=tuple(sources), chunks=chunks, duplicates=tuple(find_duplicates(sources)))
