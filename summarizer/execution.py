"""Brief many stories at once and yield each result as it finishes, here or on a Ray cluster.

A Job is one story: its articles (prepared where the job runs) or its prepared corpus. A
runner briefs jobs with the run's Settings and yields one Outcome per job: the briefing, or one
line saying why that story failed. One failing story never stops the others.

  LocalRunner   threads in this process sharing one model session: ``parallel`` stories at
                once, their calls together within the session's limit (``concurrency``, or the
                embedded server's slots)
  RayRunner     (summarizer.distributed) tasks on a Ray cluster; each worker process opens its
                own model session, and a task whose worker died is run again
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol

from summarizer import pipeline, progress
from summarizer.corpus import prepare_corpus
from summarizer.errors import InputError, SummarizerError
from summarizer.llm import (
    Deadline,
    MeteredChatModel,
    UsageMeter,
)
from summarizer.pipeline import ModelSession, model_session
from summarizer.redact import Redactor
from summarizer.settings import Settings
from summarizer.types import Briefing, Corpus, RawDocument

log = logging.getLogger("summarizer.execution")


@dataclass(frozen=True)
class Job:
    """One story to brief: its articles, or (``corpus``) the story already prepared."""

    id: str
    documents: tuple[RawDocument, ...] = ()
    corpus: Corpus | None = None


@dataclass(frozen=True)
class Outcome:
    """A job's result: its briefing, or ``error`` (one line) with the exit code it implies."""

    id: str
    briefing: Briefing | None = None
    error: str | None = None
    exit_code: int = 0
    warnings: tuple[str, ...] = ()  # e.g. an article with nothing left after cleaning

    @property
    def ok(self) -> bool:
        return self.briefing is not None


class Runner(Protocol):
    """Brief jobs and yield their outcomes as they finish (not in order); close when done."""

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Runner: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def open_runner(settings: Settings) -> Runner:
    """A RayRunner when ``settings.ray`` names a cluster (needs the ray extra), else local."""
    if settings.ray:
        from summarizer.distributed import RayRunner  # imports ray, an optional extra

        return RayRunner(settings)
    return LocalRunner(settings)


def brief_job(job: Job, settings: Settings, session: ModelSession | None) -> Outcome:
    """Prepare (if needed) and brief one story; any failure becomes the Outcome's error.

    ``session`` is required for the llm engine; the briefing's usage counts only its own calls.
    """
    warnings: list[str] = []
    try:
        corpus = job.corpus
        if corpus is None:
            if not job.documents:
                raise InputError("no usable article in this story")
            corpus = prepare_corpus(job.documents, chunked=False, warn=warnings.append)
        own = None
        if session is not None:  # a meter of its own: other stories share the session
            meter = UsageMeter()
            own = ModelSession(MeteredChatModel(session.model, meter), meter, session.concurrency)
        briefing = pipeline.brief_story(
            corpus,
            engine=settings.engine,
            session=own,
            max_points=settings.max_points,
            max_sources=settings.max_sources,
        )
        return Outcome(job.id, briefing=briefing, warnings=tuple(warnings))
    except SummarizerError as exc:
        return _failed(job, str(exc), exc.exit_code, warnings, settings)
    except Exception as exc:  # a bug on one story must not lose the others
        log.debug("story %s: internal error", job.id, exc_info=True)
        return _failed(job, f"internal error: {type(exc).__name__}: {exc}", 1, warnings, settings)


def _failed(
    job: Job, message: str, exit_code: int, warnings: Sequence[str], settings: Settings
) -> Outcome:
    line = Redactor([settings.api_key])(" ".join(message.split()))
    return Outcome(job.id, error=line, exit_code=exit_code, warnings=tuple(warnings))


def run_deadline(settings: Settings, now: float | None = None) -> float | None:
    """The run's end on the wall clock (shared by every machine of a cluster), or None."""
    if settings.deadline is None:
        return None
    return (time.time() if now is None else now) + settings.deadline


def deadline_until(settings: Settings, wall_clock_end: float | None) -> Deadline:
    """A Deadline for this process that ends when the run's does."""
    deadline = Deadline(settings.deadline)
    if wall_clock_end is not None:
        deadline.at = time.monotonic() + (wall_clock_end - time.time())
    return deadline


def _scoped_job(job: Job, settings: Settings, session: ModelSession | None) -> Outcome:
    with progress.scope(job.id):
        return brief_job(job, settings, session)


class LocalRunner:
    """Stories on threads of this process; the model session opens with the first job."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stack = contextlib.ExitStack()
        self._session: ModelSession | None = None

    def _open_session(self) -> ModelSession | None:
        if self.settings.engine != "llm":
            return None
        if self._session is None:  # its client keeps the calls of all stories within the limit
            self._session = self._stack.enter_context(model_session(self.settings))
        return self._session

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        pending: set[Future[Outcome]] = set()
        queue = iter(jobs)
        pool = ThreadPoolExecutor(self.settings.parallel, thread_name_prefix="story")
        try:
            while True:
                while len(pending) < self.settings.parallel:
                    job = next(queue, None)
                    if job is None:
                        break
                    session = self._open_session()
                    # In a copy of this context, so the progress board (if any) carries over.
                    context = contextvars.copy_context()
                    pending.add(pool.submit(context.run, _scoped_job, job, self.settings, session))
                if not pending:
                    return
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    yield future.result()
        finally:
            if pending and self._session is not None:
                self._session.model.cancel()  # stopped early (Ctrl-C, an error): stop the calls
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        self._session = None
        self._stack.close()

    def __enter__(self) -> LocalRunner:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
