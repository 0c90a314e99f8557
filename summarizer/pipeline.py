"""The pipeline composed from its stages; every CLI command is one function here.

prepare: ingest -> clean -> attribute -> segment -> chunk -> dedupe
brief:   prepare -> salience -> claims per source (model or extractive) -> verify -> merge
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import BinaryIO

from summarizer.briefing import extractive_briefing, llm_briefing
from summarizer.cluster import as_story, central_sample, sample_note
from summarizer.corpus import DEFAULT_MAX_CHUNK_TOKENS, prepare_corpus, sub_corpus
from summarizer.defaults import DEFAULT_MAX_SOURCES
from summarizer.ingest import DEFAULT_MAX_BYTES, iter_documents
from summarizer.llm import ChatModel, Deadline, UsageMeter
from summarizer.merge import DEFAULT_MAX_POINTS
from summarizer.models import open_model
from summarizer.settings import Settings, resolve_settings
from summarizer.templating import prompt_version
from summarizer.types import Briefing, Corpus, Engine

log = logging.getLogger("summarizer")


def prepare(
    paths: Sequence[str],
    *,
    max_chunk_tokens: int = DEFAULT_MAX_CHUNK_TOKENS,
    chunked: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    warn: Callable[[str], None] = log.warning,
    hint: Callable[[str], None] | None = None,
) -> Corpus:
    """Read, clean, attribute, split, chunk (unless not ``chunked``) and deduplicate articles."""
    documents = iter_documents(paths, max_bytes=max_bytes, stdin=stdin, warn=warn)
    return prepare_corpus(
        documents, max_chunk_tokens=max_chunk_tokens, chunked=chunked, warn=warn, hint=hint
    )


def brief(
    paths: Sequence[str],
    *,
    engine: Engine = "llm",
    settings: Settings | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
    max_sources: int = DEFAULT_MAX_SOURCES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    warn: Callable[[str], None] = log.warning,
    progress: Callable[[str], None] = log.info,
    hint: Callable[[str], None] | None = None,
) -> Briefing:
    """prepare -> per-source claims (model or extractive) -> verify -> merge -> disagreements.

    More than ``max_sources`` articles are briefed from the ``max_sources`` most central (one
    per outlet first), so the work is bounded however many files are given; a note says so.
    """
    corpus = prepare(
        paths,
        chunked=False,
        max_bytes=max_bytes,
        stdin=stdin,
        warn=warn,
        hint=hint,
    )
    progress(f"prepared {len(corpus.sources)} sources")
    return brief_story(
        corpus,
        engine=engine,
        settings=settings,
        max_points=max_points,
        max_sources=max_sources,
        progress=progress,
    )


def brief_story(
    corpus: Corpus,
    *,
    engine: Engine = "llm",
    settings: Settings | None = None,
    session: ModelSession | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
    max_sources: int = DEFAULT_MAX_SOURCES,
    progress: Callable[[str], None] = log.info,
) -> Briefing:
    """Brief one story's prepared corpus (``brief``, and each story of a batch)."""
    sources = corpus.sources
    note: tuple[str, ...] = ()
    if len(sources) > max_sources:
        sample = central_sample(as_story(sources), max_sources)
        corpus, note = sub_corpus(corpus, sample), (sample_note(sample, sources),)
        progress(f"briefing from the {len(sample)} most central of {len(sources)} sources")
    briefing = brief_corpus(
        corpus,
        engine=engine,
        settings=settings,
        session=session,
        max_points=max_points,
        progress=progress,
    )
    return replace(briefing, notes=(*briefing.notes, *note)) if note else briefing


@dataclass(frozen=True)
class ModelSession:
    """An open model for one run: several briefings (e.g. the nightly stories) share it."""

    model: ChatModel
    meter: UsageMeter
    concurrency: int


@contextlib.contextmanager
def model_session(
    settings: Settings | None = None, *, deadline: Deadline | None = None
) -> Iterator[ModelSession]:
    """Open the configured model (starting the embedded server if none) for the run.

    ``deadline`` is the run's, when it started elsewhere (a Ray worker joining a run).
    """
    settings = settings or resolve_settings({})
    meter = UsageMeter()
    with open_model(
        settings, prompt_version=prompt_version(), meter=meter, deadline=deadline
    ) as model:
        yield ModelSession(model=model, meter=meter, concurrency=settings.concurrency)


def brief_corpus(
    corpus: Corpus,
    *,
    engine: Engine = "llm",
    settings: Settings | None = None,
    session: ModelSession | None = None,
    max_points: int = DEFAULT_MAX_POINTS,
    progress: Callable[[str], None] = log.info,
) -> Briefing:
    """Brief a prepared corpus; pass ``session`` to reuse an open model across briefings."""
    if engine == "extractive":
        return extractive_briefing(corpus, max_points=max_points, progress=progress)
    if session is None:
        with model_session(settings) as opened:
            return brief_corpus(
                corpus, engine=engine, session=opened, max_points=max_points, progress=progress
            )
    progress(f"model {session.model.name} at {session.model.endpoint}")
    return llm_briefing(
        corpus,
        session.model,
        session.meter,
        concurrency=session.concurrency,
        max_points=max_points,
        progress=progress,
    )
