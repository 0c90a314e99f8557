"""The nightly delivery is idempotent: whatever stops a run, the date is delivered exactly once.

A run is killed (SIGKILL, in a forked child: no handler, no `finally` runs) at every named step
of :mod:`summarizer.crash`, then run again; the state folder fills up at every write; the SMTP
server defers one recipient, answers after the client gave up, or commits and never answers.
Every run uses the extractive engine and a real SMTP server on loopback (aiosmtpd).
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from newsdesk import write_articles
from smtpbox import Mailbox, SmtpServer

from summarizer import pipeline, state
from summarizer.cli import main
from summarizer.crash import CRASH_ENV_VAR, STEPS
from summarizer.deliver import SmtpTarget
from summarizer.errors import DeliveryError, DeliveryUncertain, JobFailed, SummarizerError
from summarizer.nightly import NightlyOptions, NightlyResult
from summarizer.nightly import run_nightly as nightly_run
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 11, 21)
TO = ("alice@example.com", "bob@example.com")
SMTP_STEPS = [s for s in STEPS if s != "outbox-written"]
OUTBOX_STEPS = [s for s in STEPS if not s.startswith("smtp-")]
# The SMTP server may have the message at these steps, but the run cannot know: the re-run
# refuses to send again (at most once). Before "smtp-accepted" nothing was delivered yet.
IN_TRANSIT = ("smtp-transmitting", "smtp-accepted")


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = write_articles(tmp_path / "inbox", ["Alpha Times", "Bravo News"], sentences=4)
    noon = dt.datetime.combine(DAY, dt.time(12)).timestamp()
    for path in folder.iterdir():
        os.utime(path, (noon, noon))
    return folder


@pytest.fixture
def box() -> Iterator[Mailbox]:
    with SmtpServer() as mailbox:
        yield mailbox


def options_for(inbox: Path, state_dir: Path, box: Mailbox | None, **extra: Any) -> NightlyOptions:
    smtp = SmtpTarget(host="127.0.0.1", port=box.port, timeout=5) if box is not None else None
    return NightlyOptions(
        inbox=inbox,
        to=TO,
        sender="Briefings <briefings@example.org>",
        state_dir=state_dir,
        day=DAY,
        smtp=smtp,
        **{"retry_delays": (), **extra},
    )


def run_nightly(options: NightlyOptions) -> NightlyResult:
    """Every run here briefs with the extractive engine: delivery is what is tested."""
    return nightly_run(options, Settings(engine="extractive"))


def cli_args(inbox: Path, state_dir: Path, box: Mailbox, *extra: str) -> list[str]:
    return [
        "nightly", "--inbox", str(inbox), "--to", ",".join(TO),
        "--from", "briefings@example.org", "--state-dir", str(state_dir),
        "--date", DAY.isoformat(), "--engine", "extractive",
        "--smtp-host", "127.0.0.1", "--smtp-port", str(box.port), *extra,
    ]  # fmt: skip


def run_forked(options: NightlyOptions, crash_at: str) -> int:
    """``run_nightly`` in a forked child that SIGKILLs itself at ``crash_at``: -9 if it did."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 3
        try:
            os.environ[CRASH_ENV_VAR] = crash_at
            run_nightly(options)
            code = 0
        except SummarizerError:
            code = 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def record(state_dir: Path) -> dict[str, Any]:
    with sqlite3.connect(state_dir / "nightly.sqlite3") as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM runs WHERE day = ?", (DAY.isoformat(),)).fetchone()
    assert row is not None
    return dict(row)


def recipient_rows(state_dir: Path) -> dict[str, tuple[str, str | None]]:
    with sqlite3.connect(state_dir / "nightly.sqlite3") as db:
        rows = db.execute("SELECT address, status, reply FROM recipients").fetchall()
    return {a: (s, r) for a, s, r in rows}


def rerun(options: NightlyOptions) -> NightlyResult | SummarizerError:
    try:
        return run_nightly(options)
    except SummarizerError as exc:
        return exc


# --- a crash at every step ------------------------------------------------------------------


@pytest.mark.parametrize("step", SMTP_STEPS)
def test_smtp_crash_at_every_step_then_rerun_never_sends_twice(
    step: str, inbox: Path, tmp_path: Path, box: Mailbox
) -> None:
    state_dir = tmp_path / "state"
    options = options_for(inbox, state_dir, box)
    assert run_forked(options, step) == -signal.SIGKILL  # it got there, and died there
    fixed_id = record(state_dir)["message_id"]
    assert fixed_id  # fixed before anything was composed, let alone sent

    first = rerun(options)
    second = rerun(options)
    if step in IN_TRANSIT:
        # The journal says the server was receiving it: the re-run cannot tell whether it
        # arrived, so it refuses rather than risk a second copy, and says why.
        for outcome in (first, second):
            assert isinstance(outcome, DeliveryUncertain)
            assert "may already have been delivered" in str(outcome) and fixed_id in str(outcome)
        assert record(state_dir)["status"] == "sending"
        assert len(box.envelopes) == (1 if step == "smtp-accepted" else 0)
        forced = run_nightly(replace(options, force=True))  # the user's call: a new copy
        assert forced.status == "sent" and forced.message_id != fixed_id
        assert box.message_ids()[-1] == forced.message_id
        return
    assert isinstance(first, NightlyResult), first
    assert first.status == ("already-sent" if step == "recorded" else "sent")
    assert first.message_id == fixed_id
    assert isinstance(second, NightlyResult) and second.status == "already-sent"
    assert box.deliveries() == {address: 1 for address in TO}
    assert box.message_ids() == [fixed_id]
    row = record(state_dir)
    assert row["status"] == "sent" and row["recipients"] == ", ".join(TO)


@pytest.mark.parametrize("step", OUTBOX_STEPS)
def test_outbox_crash_at_every_step_then_rerun_writes_one_file(
    step: str, inbox: Path, tmp_path: Path
) -> None:
    state_dir = tmp_path / "state"
    options = options_for(inbox, state_dir, None)
    assert run_forked(options, step) == -signal.SIGKILL
    fixed_id = record(state_dir)["message_id"]
    first, second = rerun(options), rerun(options)
    assert isinstance(first, NightlyResult), first
    assert first.message_id == fixed_id
    assert isinstance(second, NightlyResult) and second.status == "already-sent"
    (eml,) = (state_dir / "outbox").iterdir()
    assert fixed_id.encode() in eml.read_bytes()
    assert record(state_dir)["status"] == "sent"


def test_every_step_is_reached_by_a_healthy_run(
    inbox: Path, tmp_path: Path, box: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crash tests only mean something if each named step is really on the path."""
    reached: list[str] = []
    monkeypatch.setattr("summarizer.crash.step", reached.append)
    run_nightly(options_for(inbox, tmp_path / "smtp", box))
    run_nightly(options_for(inbox, tmp_path / "outbox", None))
    assert set(reached) == set(STEPS)
    assert reached[: len(SMTP_STEPS)] == SMTP_STEPS  # in the documented order


def test_sigkill_of_the_installed_command_after_the_server_accepted(
    inbox: Path, tmp_path: Path, box: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """The worst moment, as a user's cron job meets it: the server has it, the record does not."""
    state_dir = tmp_path / "state"
    args = cli_args(inbox, state_dir, box)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env[CRASH_ENV_VAR] = "smtp-accepted"
    done = subprocess.run(
        [sys.executable, "-m", "summarizer", *args], env=env, capture_output=True, timeout=300
    )
    assert done.returncode == -signal.SIGKILL
    assert len(box.envelopes) == 1
    for _ in range(2):  # cron runs again; then again
        assert main(args) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "may already have been delivered" in err
    assert len(box.envelopes) == 1


# --- the state folder fills up ----------------------------------------------------------------


class DiskFull:
    """From the ``at``-th write on, every state database write and archive file fails."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: int) -> None:
        self.at, self.writes, self.full = at, 0, True
        real_transaction = state.StateStore._transaction
        real_write = state.atomic_write  # type: ignore[attr-defined]

        def transaction(store: state.StateStore, statements: Any) -> None:
            self.writes += 1
            if self.full and self.writes > self.at:
                raise SummarizerError("cannot update the state database: database or disk is full")
            real_transaction(store, statements)

        def write(path: Any, data: Any) -> None:
            if self.full and self.writes >= self.at:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real_write(path, data)

        monkeypatch.setattr(state.StateStore, "_transaction", transaction)
        monkeypatch.setattr(state, "atomic_write", write)


def test_a_full_state_disk_at_any_write_never_sends_twice(
    inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    healthy = DiskFull(monkeypatch, at=10**6)
    with SmtpServer() as box:
        run_nightly(options_for(inbox, tmp_path / "healthy", box))
    writes = healthy.writes
    assert writes >= 6  # start, counts, sending, transmitting, outcome, sent
    with SmtpServer() as box:
        for at in range(writes):
            box.envelopes.clear()
            disk = DiskFull(monkeypatch, at=at)
            options = options_for(inbox, tmp_path / f"full-{at}", box)
            first = rerun(options)
            assert isinstance(first, SummarizerError), f"write {at} failed, yet the run passed"
            rerun(options)  # the disk is still full: a retry must not send again
            assert len(box.envelopes) <= 1, f"disk full at write {at}: sent twice"
            disk.full = False  # space freed: the date goes out, once
            outcomes = [rerun(options), rerun(options)]
            assert len(box.envelopes) == 1, f"disk full at write {at}: {outcomes}"
            assert box.deliveries() == {address: 1 for address in TO}


def test_sent_but_not_recorded_says_so(
    inbox: Path, tmp_path: Path, box: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        state.StateStore,
        "outcome",
        lambda *a, **k: (_ for _ in ()).throw(SummarizerError("cannot update: disk is full")),
    )
    with pytest.raises(SummarizerError, match=r"accepted the briefing .* not send it again"):
        run_nightly(options_for(inbox, tmp_path / "state", box))
    assert len(box.envelopes) == 1


# --- misbehaving SMTP servers -----------------------------------------------------------------


def greylist_bob(times: int) -> Callable[[str, int], str | None]:
    def fault(address: str, nth: int) -> str | None:
        return (
            "451 4.7.1 Greylisted, try again later"
            if address.startswith("bob") and nth < times
            else None
        )

    return fault


def test_a_deferred_recipient_is_retried_alone_in_the_same_run(inbox: Path, tmp_path: Path) -> None:
    with SmtpServer(rcpt_fault=greylist_bob(1)) as box:
        options = options_for(inbox, tmp_path / "state", box, retry_delays=(0.0,))
        result = run_nightly(options)
    assert result.status == "sent" and result.recipients == ("alice@example.com", "bob@example.com")
    assert [env.rcpt_tos for env in box.envelopes] == [["alice@example.com"], ["bob@example.com"]]
    assert len(set(box.message_ids())) == 1  # the same message, not a new one


def test_a_recipient_still_deferred_is_retried_by_the_next_run_only(
    inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state_dir = tmp_path / "state"
    with SmtpServer(rcpt_fault=greylist_bob(2)) as box:
        args = cli_args(inbox, state_dir, box)
        options = options_for(inbox, state_dir, box, retry_delays=(0.0,))
        with pytest.raises(DeliveryError, match=r"delivered to alice@example.com; deferred .*bob"):
            run_nightly(options)  # bob deferred twice: once at first, once on the retry
        assert box.deliveries() == {"alice@example.com": 1}
        row = record(state_dir)
        assert row["status"] == "sending"  # not "sent" to everyone
        rows = recipient_rows(state_dir)
        assert rows["alice@example.com"][0] == "accepted"
        assert rows["bob@example.com"] == ("pending", "451 4.7.1 Greylisted, try again later")
        assert main(args) == 0  # the next run: bob only
        assert "to bob@example.com" in capsys.readouterr().out
        assert main(args) == 0
        assert "already sent" in capsys.readouterr().out
    assert box.deliveries() == {address: 1 for address in TO}
    assert len(set(box.message_ids())) == 1
    assert record(state_dir)["recipients"] == "alice@example.com, bob@example.com"


def test_a_refused_recipient_does_not_stop_the_others(
    inbox: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    refuse = lambda address, nth: "550 5.1.1 No such user" if address.startswith("bob") else None  # noqa: E731
    with SmtpServer(rcpt_fault=refuse) as box:
        result = run_nightly(options_for(inbox, tmp_path / "state", box))
        assert run_nightly(options_for(inbox, tmp_path / "state", box)).status == "already-sent"
    assert result.recipients == ("alice@example.com",)
    assert result.refused == ("bob@example.com (550 5.1.1 No such user)",)
    assert box.deliveries() == {"alice@example.com": 1}
    assert "refused bob@example.com (550 5.1.1 No such user)" in caplog.text


def test_a_server_that_answers_after_the_timeout_is_not_sent_to_again(
    inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state_dir = tmp_path / "state"
    with SmtpServer(data_delay=3) as box:
        args = cli_args(inbox, state_dir, box, "--smtp-timeout", "1")
        assert main(args) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "may have been delivered" in err
        assert main(args) == 1
        assert "may already have been delivered" in capsys.readouterr().err
        assert len(box.envelopes) == 1
        box.data_delay = 0
        assert main([*args, "--force"]) == 0  # a new copy, asked for
    first, second = box.message_ids()
    assert first != second


def test_nobody_accepting_is_a_failure_the_next_run_retries(inbox: Path, tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    with SmtpServer(rcpt_fault=lambda a, n: "451 4.3.0 Mailbox busy" if n == 0 else None) as box:
        options = options_for(inbox, state_dir, box)
        with pytest.raises(DeliveryError, match="deferred"):
            run_nightly(options)
        assert record(state_dir)["status"] == "failed" and box.envelopes == []
        fixed_id = record(state_dir)["message_id"]
        assert run_nightly(options).message_id == fixed_id  # same date, same Message-ID
    assert box.deliveries() == {address: 1 for address in TO}


# --- the lock -------------------------------------------------------------------------------


def hold_lock(state_dir: Path, pid: int) -> int:
    state_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(state_dir / "nightly.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(fd, f"{pid} {socket.gethostname()} 2026-11-21T06:30:00+00:00\n".encode())
    return fd


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_lock_held_by_a_live_run_names_it(inbox: Path, tmp_path: Path) -> None:
    fd = hold_lock(tmp_path / "state", os.getpid())
    try:
        with pytest.raises(SummarizerError, match=f"another nightly run \\(pid {os.getpid()} on"):
            run_nightly(options_for(inbox, tmp_path / "state", None))
    finally:
        os.close(fd)
    assert not (tmp_path / "state" / "outbox").exists()


def test_a_lock_whose_holder_is_dead_is_taken_over(
    inbox: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A process the dead run started still holds the lock (it inherited it): not a reason to
    refuse every night from now on."""
    pid = dead_pid()
    fd = hold_lock(tmp_path / "state", pid)
    try:
        with caplog.at_level(logging.WARNING):
            result = run_nightly(options_for(inbox, tmp_path / "state", None))
    finally:
        os.close(fd)
    assert result.status == "sent"
    assert f"from pid {pid} on" in caplog.text and "no longer running" in caplog.text


def test_the_lock_is_released_on_interrupt_and_on_error(
    inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state_dir = tmp_path / "state"
    for failure in (KeyboardInterrupt(), RecursionError("a bug")):

        def broken(*args: Any, exc: BaseException = failure, **kwargs: Any) -> Any:
            raise exc

        monkeypatch.setattr(pipeline, "brief_corpus", broken)
        # ^C goes through as itself; a bug fails its story, and the story fails the run.
        expected = KeyboardInterrupt if isinstance(failure, KeyboardInterrupt) else JobFailed
        with pytest.raises(expected, match=None if expected is KeyboardInterrupt else "a bug"):
            run_nightly(options_for(inbox, state_dir, None))
        assert record(state_dir)["status"] == "failed"
        fd = os.open(state_dir / "nightly.lock", os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again
        finally:
            os.close(fd)


# --- an old state database --------------------------------------------------------------------


V1_SCHEMA = """
CREATE TABLE runs (
    day TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('started', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0, started_at TEXT NOT NULL, finished_at TEXT,
    message_id TEXT, delivery TEXT, recipients TEXT, articles INTEGER, stories INTEGER,
    points INTEGER, error TEXT
)
"""


def test_a_state_database_from_before_the_journal_is_upgraded(inbox: Path, tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    state_dir.mkdir()
    with sqlite3.connect(state_dir / "nightly.sqlite3") as db:
        db.execute(V1_SCHEMA)
        db.execute(
            "INSERT INTO runs (day, status, attempts, started_at, message_id, recipients) "
            "VALUES (?, 'sent', 1, '2026-11-21T06:30', '<old@example.org>', 'alice@example.com')",
            (DAY.isoformat(),),
        )
        db.execute(
            "INSERT INTO runs (day, status, attempts, started_at) "
            "VALUES ('2026-11-20', 'failed', 2, '2026-11-20T06:30:00')"
        )
    options = options_for(inbox, state_dir, None)
    again = run_nightly(options)
    assert again.status == "already-sent" and again.message_id == "<old@example.org>"
    noon = dt.datetime.combine(dt.date(2026, 11, 20), dt.time(12)).timestamp()
    for path in inbox.iterdir():
        os.utime(path, (noon, noon))
    retried = run_nightly(replace(options, day=dt.date(2026, 11, 20)))
    assert retried.status == "sent"
    with sqlite3.connect(state_dir / "nightly.sqlite3") as db:
        assert db.execute("SELECT attempts FROM runs WHERE day = '2026-11-20'").fetchone() == (3,)
