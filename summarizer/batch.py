"""``summarizer batch``: brief many stories in one run, one JSONL line per story as it finishes.

Input: a folder of story folders (each sub-folder is one story, read as ``brief`` reads a
folder), or a JSONL file (``-``: stdin) of ``{"id", "articles": [{source, title, url,
published, text}]}``. Output lines: ``{"id", ...the briefing as brief --format json}``, or
``{"id", "error"}`` for a story that failed. Rerun with the same output, a batch skips the ids
already briefed and tries the failed ones again; the response cache saves the finished calls.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from summarizer.errors import InputError, UsageError
from summarizer.execution import Job, Outcome, Runner
from summarizer.fsutil import atomic_write
from summarizer.ingest import DEFAULT_MAX_BYTES, iter_documents, record_document
from summarizer.redact import printable
from summarizer.types import RawDocument, to_jsonable

log = logging.getLogger("summarizer.batch")

Warn = Callable[[str], None]


@dataclass(frozen=True)
class Story:
    """A story of the input; its articles are read when it is about to be briefed."""

    id: str
    load: Callable[[], tuple[RawDocument, ...]]


@dataclass(frozen=True)
class BatchResult:
    stories: int  # in the input
    skipped: int  # already briefed in the output
    briefed: int
    failed: int
    tokens: int
    cached_calls: int
    seconds: float

    def summary(self) -> str:
        return (
            f"{self.stories} stories: {self.briefed} briefed, {self.failed} failed, "
            f"{self.skipped} already done; {self.tokens} tokens ({self.cached_calls} cached "
            f"calls); {self.seconds:.1f} s"
        )


# --- input -----------------------------------------------------------------------------------


def read_stories(
    path: str,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    warn: Warn = log.warning,
) -> list[Story]:
    """The stories of a folder of story folders, or of a JSONL file (``-``: stdin)."""
    if path != "-" and os.path.isdir(path):
        stories = _folder_stories(path, max_bytes, warn)
    elif path == "-" or os.path.isfile(path):
        stories = _jsonl_stories(path, _read_text(path, stdin), warn)
    else:
        raise InputError(f"{printable(path)}: no such folder or JSONL file")
    if not stories:
        raise InputError(f"{printable(path)}: no story to brief")
    return stories


def _folder_stories(folder: str, max_bytes: int, warn: Warn) -> list[Story]:
    entries = sorted(e for e in os.listdir(folder) if not e.startswith("."))
    subfolders = [e for e in entries if os.path.isdir(os.path.join(folder, e))]
    loose = len(entries) - len(subfolders)
    if not subfolders:
        raise InputError(
            f"{printable(folder)}: no story folders; batch reads one sub-folder per story "
            "(or a JSONL file)"
        )
    if loose:
        warn(f"{printable(folder)}: {loose} file(s) outside the story folders ignored")

    def loader(sub: str) -> Callable[[], tuple[RawDocument, ...]]:
        return lambda: tuple(iter_documents([sub], max_bytes=max_bytes, warn=warn))

    return [Story(name, loader(os.path.join(folder, name))) for name in subfolders]


def _read_text(path: str, stdin: BinaryIO | None) -> str:
    try:
        data = (stdin or sys.stdin.buffer).read() if path == "-" else Path(path).read_bytes()
        return data.decode("utf-8")
    except OSError as exc:
        raise InputError(f"{printable(path)}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InputError(f"{printable(path)}: not UTF-8 text; expected JSONL") from None


def _jsonl_stories(name: str, text: str, warn: Warn) -> list[Story]:
    stories: dict[str, Story] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{printable(name)}:{lineno}"
        try:
            record = json.loads(line)
        except ValueError:
            warn(f"{where}: invalid JSON, skipped")
            continue
        story_id = record.get("id") if isinstance(record, dict) else None
        if isinstance(story_id, int) and not isinstance(story_id, bool):
            story_id = str(story_id)
        if not isinstance(story_id, str) or not story_id.strip():
            warn(f'{where}: expected {{"id": text, "articles": [...]}}, skipped')
            continue
        if story_id in stories:
            warn(f"{where}: id {printable(story_id)!r} already used on an earlier line, skipped")
            continue
        articles = record.get("articles")
        if not isinstance(articles, list):
            warn(f'{where}: "articles" must be a list of article objects, skipped')
            continue
        docs = [
            record_document(f"{name}:{lineno}#{n}", article, warn)
            for n, article in enumerate(articles, start=1)
        ]
        stories[story_id] = Story(story_id, _given(tuple(d for d in docs if d is not None)))
    return list(stories.values())


def _given(documents: tuple[RawDocument, ...]) -> Callable[[], tuple[RawDocument, ...]]:
    return lambda: documents


# --- output ----------------------------------------------------------------------------------


def outcome_json(outcome: Outcome) -> str:
    """One output line (without the newline)."""
    if outcome.briefing is not None:
        data = {"id": outcome.id, **to_jsonable(outcome.briefing)}
    else:
        data = {"id": outcome.id, "error": outcome.error or "failed"}
    return json.dumps(data, ensure_ascii=False)


def resume(path: Path, warn: Warn = log.warning) -> set[str]:
    """The ids already briefed in an earlier run's output at ``path``.

    Failed stories' lines and a last line cut short (a run killed mid-write) are removed, so
    the output keeps one line per story. A file that is not batch output is refused.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return set()
    except (OSError, UnicodeDecodeError) as exc:
        where = printable(str(path))
        raise UsageError(f"--out {where}: cannot read it to resume ({exc})") from None
    lines = text.split("\n")
    torn = lines[-1] if lines[-1].strip() else None  # no newline after it: cut short
    kept: list[str] = []
    done: set[str] = set()
    for lineno, line in enumerate(lines[:-1], start=1):
        parsed = _output_line(line)
        if parsed is None:
            raise UsageError(
                f"--out {printable(str(path))}: line {lineno} is not batch output; "
                "name a new file or an earlier batch's output"
            )
        story_id, briefed = parsed
        if story_id in done or not briefed:
            continue
        kept.append(line)
        done.add(story_id)
    if torn is not None:
        warn(f"{printable(str(path))}: its last line was cut short; that story is briefed again")
    if len(kept) != len(lines) - 1 or torn is not None:
        atomic_write(path, "".join(line + "\n" for line in kept))
    return done


def _output_line(line: str) -> tuple[str, bool] | None:
    """(id, whether it holds a briefing) of an output line; None if it is not one."""
    try:
        data = json.loads(line)
    except ValueError:
        return None
    story_id = data.get("id") if isinstance(data, dict) else None
    if not isinstance(story_id, str):
        return None
    return story_id, "error" not in data and "points" in data


# --- the run ---------------------------------------------------------------------------------


def run_batch(
    stories: Sequence[Story],
    runner: Runner,
    *,
    write: Callable[[str], None],
    done: set[str] | frozenset[str] = frozenset(),
    progress: Callable[[str], None] = log.info,
    warn: Warn = log.warning,
) -> BatchResult:
    """Brief every story not in ``done`` and ``write`` one line per story as it finishes."""
    started = time.monotonic()
    todo = [s for s in stories if s.id not in done]
    briefed = failed = tokens = cached = 0

    def jobs() -> Iterator[Job]:
        for story in todo:
            yield Job(story.id, documents=story.load())

    for n, outcome in enumerate(runner.run(jobs()), start=1):
        write(outcome_json(outcome))
        name = printable(outcome.id, 80)
        for message in outcome.warnings:
            warn(f"story {name}: {printable(message)}")
        if outcome.briefing is not None:
            briefed += 1
            usage = outcome.briefing.usage
            tokens += usage.prompt_tokens + usage.completion_tokens
            cached += usage.cached_calls
            progress(
                f"[{n}/{len(todo)}] {name}: {len(outcome.briefing.points)} points from "
                f"{len(outcome.briefing.sources)} sources"
            )
        else:
            failed += 1
            warn(f"[{n}/{len(todo)}] story {name} failed: {printable(outcome.error or '')}")
    return BatchResult(
        stories=len(stories),
        skipped=len(stories) - len(todo),
        briefed=briefed,
        failed=failed,
        tokens=tokens,
        cached_calls=cached,
        seconds=round(time.monotonic() - started, 2),
    )
