"""The nightly job's state folder: a SQLite run record per date, the archive, and the lock.

Layout: ``nightly.sqlite3`` (runs), ``nightly.lock``, ``archive/<date>/`` (briefings as JSON and
Markdown, the email as .eml), ``outbox/`` (the default delivery). Every file is written atomically;
the database doubles as the delivery journal that makes sending a date idempotent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import re
import socket
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal

from summarizer.errors import SummarizerError
from summarizer.fsutil import atomic_write
from summarizer.render import briefing_json, briefing_markdown
from summarizer.types import Briefing

__all__ = ["RunRecord", "StateStore", "archive_day", "nightly_lock"]

log = logging.getLogger("summarizer.state")

DB_FILE = "nightly.sqlite3"
LOCK_FILE = "nightly.lock"
ARCHIVE_DIR = "archive"
SCHEMA_VERSION = 2
Status = Literal["started", "sending", "sent", "failed"]
RecipientStatus = Literal["pending", "accepted", "refused"]

_RUNS = """
CREATE TABLE IF NOT EXISTS runs (
    day         TEXT PRIMARY KEY,          -- YYYY-MM-DD the briefing is for
    status      TEXT NOT NULL CHECK (status IN ('started', 'sending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    resend      INTEGER NOT NULL DEFAULT 0, -- forced resends of this date so far
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    message_id  TEXT,                      -- fixed per date and resend, before anything is sent
    delivery    TEXT,                      -- "smtp host:port" or the outbox file
    recipients  TEXT,                      -- who accepted it
    articles    INTEGER,
    stories     INTEGER,
    points      INTEGER,
    error       TEXT,
    phase       TEXT,                      -- 'transmitting': the SMTP server is receiving it
    email       BLOB                       -- the message being delivered, byte for byte
)
"""
_RECIPIENTS = """
CREATE TABLE IF NOT EXISTS recipients (
    day         TEXT NOT NULL,
    address     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
    reply       TEXT,                      -- the server's last word about this recipient
    PRIMARY KEY (day, address)
)
"""
_V1_COLUMNS = (
    "day, status, attempts, started_at, finished_at, message_id, delivery, recipients, "
    "articles, stories, points, error"
)
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class RunRecord:
    day: str
    status: Status
    attempts: int
    resend: int
    started_at: str
    finished_at: str | None
    message_id: str | None
    delivery: str | None
    recipients: str | None
    articles: int | None
    stories: int | None
    points: int | None
    error: str | None
    phase: str | None
    email: bytes | None = field(default=None, repr=False)

    @property
    def in_transit(self) -> bool:
        """The SMTP server was receiving the message when the run stopped: maybe delivered."""
        return self.status == "sending" and self.phase == "transmitting"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _keep(text: str) -> str:
    return text


class StateStore:
    """Run records, one row per date, and the delivery journal of the message being sent.

    A date goes started -> sending -> sent (or failed). "sending" is written, with the
    Message-ID and the message itself, before the first byte is delivered; each recipient's
    outcome is recorded as the server gives it. Every text stored passes through ``redact``.
    """

    def __init__(self, state_dir: Path, *, redact: Callable[[str], str] = _keep) -> None:
        self._redact = redact
        try:
            state_dir.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(state_dir / DB_FILE, timeout=10)
            self._db.row_factory = sqlite3.Row
            with self._db:
                self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise SummarizerError(
                f"cannot open the state database in {state_dir}: {_why(exc)}"
            ) from exc

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version >= SCHEMA_VERSION:
            return
        self._db.execute("BEGIN IMMEDIATE")  # DDL too: all of it or nothing
        old = self._db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'"
        ).fetchone()
        if old is not None:  # version 1: no journal columns, no 'sending' status
            self._db.execute("ALTER TABLE runs RENAME TO runs_v1")
        self._db.execute(_RUNS)
        self._db.execute(_RECIPIENTS)
        if old is not None:
            self._db.execute(f"INSERT INTO runs ({_V1_COLUMNS}) SELECT {_V1_COLUMNS} FROM runs_v1")
            self._db.execute("DROP TABLE runs_v1")
        self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

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
            "SELECT day, status, attempts, resend, started_at, finished_at, message_id, "
            "delivery, recipients, articles, stories, points, error, phase, email "
            "FROM runs WHERE day = ?",
            (day,),
        ).fetchone()
        if row is None:
            return None
        return RunRecord(**dict(zip(row.keys(), row, strict=True)))

    def start(self, day: str, *, resend: bool, new_message_id: Callable[[], str]) -> str:
        """A new attempt for ``day``; returns its Message-ID.

        The Message-ID is fixed per date: every attempt keeps it, until ``resend`` (a forced
        resend) gives the date a new one. The outcome of any earlier attempt is cleared.
        """
        record = self.get(day)
        message_id = new_message_id() if resend or record is None else record.message_id
        message_id = message_id or new_message_id()
        self._write(
            "INSERT INTO runs (day, status, attempts, started_at, message_id) "
            "VALUES (?, 'started', 1, ?, ?) "
            "ON CONFLICT(day) DO UPDATE SET status = 'started', attempts = attempts + 1, "
            "resend = resend + ?, started_at = excluded.started_at, finished_at = NULL, "
            "message_id = excluded.message_id, delivery = NULL, recipients = NULL, "
            "articles = NULL, stories = NULL, points = NULL, error = NULL, phase = NULL, "
            "email = NULL",
            (day, _now(), message_id, int(resend and record is not None)),
        )
        self._write("DELETE FROM recipients WHERE day = ?", (day,))
        return message_id

    def counts(self, day: str, *, articles: int, stories: int, points: int) -> None:
        self._write(
            "UPDATE runs SET articles = ?, stories = ?, points = ? WHERE day = ?",
            (articles, stories, points, day),
        )

    def sending(self, day: str, *, email: bytes, delivery: str, recipients: Sequence[str]) -> None:
        """Journal the message before the first byte of it is delivered: one transaction."""
        rows = [(day, address) for address in dict.fromkeys(recipients)]
        self._transaction(
            [
                (
                    "UPDATE runs SET status = 'sending', email = ?, delivery = ?, phase = NULL "
                    "WHERE day = ?",
                    (email, delivery, day),
                ),
                ("DELETE FROM recipients WHERE day = ?", (day,)),
                *[
                    (
                        "INSERT INTO recipients (day, address, status) VALUES (?, ?, 'pending')",
                        row,
                    )
                    for row in rows
                ],
            ]
        )

    def transmitting(self, day: str) -> None:
        """The SMTP server accepted the envelope; the message itself goes out next."""
        self._write("UPDATE runs SET phase = 'transmitting' WHERE day = ?", (day,))

    def outcome(
        self,
        day: str,
        *,
        accepted: Sequence[str] = (),
        refused: Sequence[tuple[str, str]] = (),
        deferred: Sequence[tuple[str, str]] = (),
        reply: str = "",
    ) -> None:
        """Record what the server said about each recipient; the message is no longer in transit."""
        update = "UPDATE recipients SET status = ?, reply = ? WHERE day = ? AND address = ?"
        self._transaction(
            [
                *[(update, ("accepted", self._redact(reply), day, a)) for a in accepted],
                *[(update, ("refused", self._redact(why), day, a)) for a, why in refused],
                *[(update, ("pending", self._redact(why), day, a)) for a, why in deferred],
                ("UPDATE runs SET phase = NULL WHERE day = ?", (day,)),
            ]
        )

    def recipients(self, day: str, status: RecipientStatus) -> list[str]:
        rows = self._db.execute(
            "SELECT address FROM recipients WHERE day = ? AND status = ? ORDER BY rowid",
            (day, status),
        ).fetchall()
        return [str(row[0]) for row in rows]

    def replies(self, day: str) -> dict[str, tuple[str, str | None]]:
        """Each recipient's status and the server's last reply about it."""
        rows = self._db.execute(
            "SELECT address, status, reply FROM recipients WHERE day = ? ORDER BY rowid", (day,)
        ).fetchall()
        return {str(r[0]): (str(r[1]), r[2]) for r in rows}

    def sent(self, day: str, *, delivery: str, recipients: Sequence[str]) -> None:
        self._write(
            "UPDATE runs SET status = 'sent', finished_at = ?, delivery = ?, recipients = ?, "
            "error = NULL, phase = NULL WHERE day = ?",
            (_now(), delivery, ", ".join(recipients), day),
        )

    def failed(self, day: str, error: str) -> None:
        """Nothing was delivered: the next run starts the date afresh (same Message-ID)."""
        self._write(
            "UPDATE runs SET status = 'failed', finished_at = ?, error = ?, phase = NULL "
            "WHERE day = ?",
            (_now(), self._redact(error), day),
        )

    def interrupted(self, day: str, error: str) -> None:
        """Delivery stopped part-way: keep the journal ("sending") for the next run to resume."""
        self._write(
            "UPDATE runs SET finished_at = ?, error = ? WHERE day = ?",
            (_now(), self._redact(error), day),
        )

    def _write(self, sql: str, params: tuple[object, ...]) -> None:
        self._transaction([(sql, params)])

    def _transaction(self, statements: Sequence[tuple[str, tuple[object, ...]]]) -> None:
        try:
            with self._db:
                for sql, params in statements:
                    self._db.execute(sql, params)
        except sqlite3.Error as exc:
            raise SummarizerError(f"cannot update the state database: {_why(exc)}") from exc


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc)


@dataclass(frozen=True)
class LockOwner:
    pid: int
    host: str
    since: str

    def __str__(self) -> str:
        return f"pid {self.pid} on {self.host}, since {self.since}"


def _owner(fd: int) -> LockOwner | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        pid, host, since = os.read(fd, 512).decode("utf-8", "replace").split()[:3]
        return LockOwner(int(pid), host, since)
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _try_lock(path: Path) -> tuple[int, bool]:
    """Open (creating) the lock file and try to lock it; the fd, and whether it is ours."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return fd, False
    except BaseException:
        os.close(fd)
        raise
    return fd, True


def _lock(path: Path) -> int:
    fd, ours = _try_lock(path)
    if not ours:
        owner = _owner(fd)
        stale = owner is not None and owner.host == socket.gethostname() and not _alive(owner.pid)
        same_file = os.fstat(fd).st_ino == _inode(path)
        os.close(fd)
        held = f" ({owner})" if owner is not None else ""
        if not (stale and same_file):
            raise SummarizerError(f"another nightly run{held} holds the lock ({path})")
        # The run that took it is dead, yet the file is still locked: a process it started
        # inherited the lock. That process keeps the old file; we lock a new one.
        log.warning("taking over %s from %s, which is no longer running", path, owner)
        path.unlink(missing_ok=True)
        fd, ours = _try_lock(path)
        if not ours:
            os.close(fd)
            raise SummarizerError(f"another nightly run holds the lock ({path})")
    if os.fstat(fd).st_ino != _inode(path):  # replaced while we locked it: someone took over
        os.close(fd)
        raise SummarizerError(f"another nightly run holds the lock ({path})")
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, f"{os.getpid()} {socket.gethostname()} {_now()}\n".encode())
    return fd


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


@contextlib.contextmanager
def nightly_lock(state_dir: Path) -> Iterator[None]:
    """Hold ``<state_dir>/nightly.lock`` or fail at once: two overlapping runs never race.

    The lock is the kernel's (flock), so it ends with the process on any exit, even SIGKILL.
    The file names its holder; a lock whose holder is dead (a child process inherited it) is
    taken over with a warning.
    """
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        fd = _lock(state_dir / LOCK_FILE)
    except OSError as exc:
        raise SummarizerError(f"cannot lock {state_dir / LOCK_FILE}: {_why(exc)}") from exc
    try:
        yield
    finally:
        os.close(fd)  # closing the only descriptor releases the flock


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
