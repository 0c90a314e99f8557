"""The nightly job's state folder: a SQLite run record per date, the archive, and the lock.

Layout: ``nightly.sqlite3`` (runs), ``nightly.lock``, ``archive/<date>/`` (briefings as JSON and
Markdown, the email as .eml), ``outbox/`` (the default delivery). Every file is written atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Literal

import filelock

from summarizer.errors import SummarizerError
from summarizer.fsutil import atomic_write
from summarizer.render import briefing_json, briefing_markdown
from summarizer.types import Briefing

__all__ = ["RunRecord", "StateStore", "archive_day", "nightly_lock"]

DB_FILE = "nightly.sqlite3"
LOCK_FILE = "nightly.lock"
ARCHIVE_DIR = "archive"
Status = Literal["started", "sent", "failed"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    day         TEXT PRIMARY KEY,          -- YYYY-MM-DD the briefing is for
    status      TEXT NOT NULL CHECK (status IN ('started', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    message_id  TEXT,
    delivery    TEXT,                      -- "smtp host:port" or the outbox file
    recipients  TEXT,
    articles    INTEGER,
    stories     INTEGER,
    points      INTEGER,
    error       TEXT
)
"""
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class RunRecord:
    day: str
    status: Status
    attempts: int
    started_at: str
    finished_at: str | None
    message_id: str | None
    delivery: str | None
    recipients: str | None
    articles: int | None
    stories: int | None
    points: int | None
    error: str | None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class StateStore:
    """Run records, one row per date: the latest attempt's status, counts and outcome."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(state_dir / DB_FILE, timeout=10)
            self._db.row_factory = sqlite3.Row
            with self._db:
                self._db.execute(_SCHEMA)
        except sqlite3.Error as exc:
            raise SummarizerError(f"cannot open the state database in {state_dir}: {exc}") from exc

    def __enter__(self) -> StateStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def get(self, day: str) -> RunRecord | None:
        row = self._db.execute(
            "SELECT day, status, attempts, started_at, finished_at, message_id, delivery, "
            "recipients, articles, stories, points, error FROM runs WHERE day = ?",
            (day,),
        ).fetchone()
        if row is None:
            return None
        return RunRecord(**dict(zip(row.keys(), row, strict=True)))

    def start(self, day: str) -> None:
        """A new attempt for ``day``: status started, outcome of any earlier attempt cleared."""
        self._write(
            "INSERT INTO runs (day, status, attempts, started_at) VALUES (?, 'started', 1, ?) "
            "ON CONFLICT(day) DO UPDATE SET status = 'started', attempts = attempts + 1, "
            "started_at = excluded.started_at, finished_at = NULL, message_id = NULL, "
            "delivery = NULL, recipients = NULL, articles = NULL, stories = NULL, "
            "points = NULL, error = NULL",
            (day, _now()),
        )

    def counts(self, day: str, *, articles: int, stories: int, points: int) -> None:
        self._write(
            "UPDATE runs SET articles = ?, stories = ?, points = ? WHERE day = ?",
            (articles, stories, points, day),
        )

    def sent(self, day: str, *, message_id: str, delivery: str, recipients: Sequence[str]) -> None:
        self._write(
            "UPDATE runs SET status = 'sent', finished_at = ?, message_id = ?, delivery = ?, "
            "recipients = ?, error = NULL WHERE day = ?",
            (_now(), message_id, delivery, ", ".join(recipients), day),
        )

    def failed(self, day: str, error: str) -> None:
        self._write(
            "UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE day = ?",
            (_now(), error, day),
        )

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        try:
            with self._db:
                self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise SummarizerError(f"cannot update the state database: {exc}") from exc


@contextlib.contextmanager
def nightly_lock(state_dir: Path) -> Iterator[None]:
    """Hold ``<state_dir>/nightly.lock`` or fail at once: two overlapping runs never race."""
    state_dir.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(state_dir / LOCK_FILE), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise SummarizerError(
            f"another nightly run holds the lock ({state_dir / LOCK_FILE})"
        ) from None
    try:
        yield
    finally:
        lock.release()


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:48].strip("-") or "story"


def archive_day(
    state_dir: Path, day: str, briefings: Sequence[Briefing], email: bytes | None = None
) -> list[Path]:
    """Write ``archive/<day>/NN-<slug>.json|.md`` per story (and ``email.eml``), atomically.

    Files an earlier attempt for the same day left behind are removed, so the folder always
    describes one attempt.
    """
    folder = state_dir / ARCHIVE_DIR / day
    written: list[Path] = []
    for n, briefing in enumerate(briefings, start=1):
        stem = f"{n:02d}-{_slug(briefing.title)}"
        for suffix, text in (
            (".json", briefing_json(briefing) + "\n"),
            (".md", briefing_markdown(briefing)),
        ):
            path = folder / f"{stem}{suffix}"
            atomic_write(path, text)
            written.append(path)
    if email is not None:
        path = folder / "email.eml"
        atomic_write(path, email)
        written.append(path)
    keep = {p.name for p in written}
    for old in folder.iterdir():
        if old.is_file() and old.name not in keep and not old.name.startswith("."):
            old.unlink(missing_ok=True)
    return written
