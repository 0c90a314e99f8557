"""Live progress of a run: what each task (a source, the merge step) is doing, tokens, time, ETA.

Library code reports into the Board of the current run, a context variable the CLI sets
(``with tracking(board):``); without one, reports go nowhere. ``live(board)`` draws it on a
terminal with rich, which is imported only then.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from summarizer.redact import printable

State = Literal["queued", "waiting", "asking", "verifying", "done", "fallback"]
FINISHED: frozenset[State] = frozenset({"done", "fallback"})
ACTIVE: frozenset[State] = frozenset({"waiting", "asking", "verifying"})
MAX_ROWS = 12  # a board of more tasks shows the active ones and counts the rest
LABEL_WIDTH = 32


@dataclass(frozen=True)
class TaskView:
    """One task as the board shows it."""

    key: str
    label: str
    state: State
    tokens: int
    seconds: float  # since the task started waiting or asking; 0 while queued
    tokens_per_second: float | None  # while asking or after, when it has streamed tokens
    note: str = ""


class _Task:
    def __init__(self, key: str, label: str) -> None:
        self.key = key
        self.label = label
        self.state: State = "queued"
        self.tokens = 0
        self.note = ""
        self.started: float | None = None
        self.finished: float | None = None
        self.asking_since: float | None = None
        self.asking_seconds = 0.0


class Board:
    """Thread-safe state of a run's tasks; renderers read snapshots."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tasks: dict[str, _Task] = {}
        self._first_start: float | None = None

    def plan(self, tasks: Sequence[tuple[str, str]], *, reset: bool = True) -> None:
        """Tasks about to run, as (key, label); ``reset`` forgets the previous ones."""
        with self._lock:
            if reset:
                self._tasks = {}
                self._first_start = None
            for key, label in tasks:
                self._tasks.setdefault(key, _Task(key, label))

    def update(self, key: str, state: State, note: str = "") -> None:
        now = self._clock()
        with self._lock:
            task = self._tasks.get(key)
            if task is None:
                task = self._tasks[key] = _Task(key, key)
            if task.state == "asking" and task.asking_since is not None:
                task.asking_seconds += now - task.asking_since
                task.asking_since = None
            if state == "asking":
                task.asking_since = now
            if state != "queued" and task.started is None:
                task.started = now
                if self._first_start is None:
                    self._first_start = now
            task.finished = now if state in FINISHED else None
            task.state = state
            task.note = note

    def add_tokens(self, key: str, n: int) -> None:
        with self._lock:
            task = self._tasks.get(key)
            if task is not None:
                task.tokens += n

    def snapshot(self) -> list[TaskView]:
        now = self._clock()
        with self._lock:
            return [self._view(t, now) for t in self._tasks.values()]

    def eta(self) -> float | None:
        """Seconds until every task is finished, from the pace so far; None before any is."""
        now = self._clock()
        with self._lock:
            tasks = list(self._tasks.values())
            first = self._first_start
        done = sum(t.state in FINISHED for t in tasks)
        if not done or first is None:
            return None
        return (len(tasks) - done) * (now - first) / done

    def summary(self) -> str:
        """One line: tasks finished, tokens per second, ETA."""
        views = self.snapshot()
        done = sum(v.state in FINISHED for v in views)
        fell = sum(v.state == "fallback" for v in views)
        rates = [v.tokens_per_second for v in views if v.state == "asking" and v.tokens_per_second]
        parts = [f"{done}/{len(views)} done"]
        if fell:
            parts.append(f"{fell} fell back")
        if rates:
            parts.append(f"{sum(rates):.1f} tok/s")
        eta = self.eta()
        if done < len(views):
            parts.append("ETA " + ("…" if eta is None else clock_text(eta)))
        return " · ".join(parts)

    def _view(self, task: _Task, now: float) -> TaskView:
        end = task.finished if task.finished is not None else now
        seconds = 0.0 if task.started is None else end - task.started
        asking = task.asking_seconds + (now - task.asking_since if task.asking_since else 0.0)
        rate = task.tokens / asking if task.tokens and asking > 0 else None
        return TaskView(task.key, task.label, task.state, task.tokens, seconds, rate, task.note)


# --- reporting from library code -------------------------------------------------------------

_board: contextvars.ContextVar[Board | None] = contextvars.ContextVar(
    "summarizer_board", default=None
)
_task: contextvars.ContextVar[str | None] = contextvars.ContextVar("summarizer_task", default=None)
_scope: contextvars.ContextVar[str] = contextvars.ContextVar("summarizer_scope", default="")


@contextlib.contextmanager
def tracking(board: Board) -> Iterator[Board]:
    """Report the progress of everything run inside the block (and its workers) to ``board``."""
    token = _board.set(board)
    try:
        yield board
    finally:
        _board.reset(token)


@contextlib.contextmanager
def scope(name: str) -> Iterator[None]:
    """Tasks planned inside the block belong to ``name`` (a story briefed beside others): their
    keys and labels carry it, and planning them forgets no other story's tasks."""
    token = _scope.set(name)
    try:
        yield
    finally:
        _scope.reset(token)


def _scoped(key: str) -> str:
    name = _scope.get()
    return f"{name}/{key}" if name else key


def plan(tasks: Sequence[tuple[str, str]], *, reset: bool = True) -> None:
    board, name = _board.get(), _scope.get()
    if board is not None and name:
        board.plan([(_scoped(key), f"{name}: {label}") for key, label in tasks], reset=False)
    elif board is not None:
        board.plan(tasks, reset=reset)


@contextlib.contextmanager
def task(key: str) -> Iterator[None]:
    """Model calls and reports inside the block belong to task ``key``."""
    token = _task.set(_scoped(key))
    try:
        yield
    finally:
        _task.reset(token)


def update(state: State, *, key: str | None = None, note: str = "") -> None:
    """Set the state of task ``key`` (default: the current task)."""
    board, key = _board.get(), _scoped(key) if key else _task.get()
    if board is not None and key is not None:
        board.update(key, state, note)


def tokens(n: int = 1) -> None:
    """The current task's model call streamed ``n`` more tokens."""
    board, key = _board.get(), _task.get()
    if board is not None and key is not None:
        board.add_tokens(key, n)


# --- drawing on a terminal -------------------------------------------------------------------


def clock_text(seconds: float) -> str:
    seconds = max(0, round(seconds))
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}:{secs:02d}" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


_STYLES = {
    "queued": "dim",
    "waiting": "yellow",
    "asking": "cyan",
    "verifying": "blue",
    "done": "green",
    "fallback": "red",
}


def rows(board: Board) -> list[TaskView]:
    """The tasks worth a line: all of a small board, else the active ones and the latest."""
    views = board.snapshot()
    if len(views) <= MAX_ROWS:
        return views
    active = [v for v in views if v.state in ACTIVE]
    fallen = [v for v in views if v.state == "fallback"]
    return (active + fallen)[:MAX_ROWS]


class _Renderable:
    """What rich's Live draws: one line per task and a summary line."""

    def __init__(self, board: Board) -> None:
        self.board = board

    def __rich__(self) -> Any:
        from rich.table import Table  # rich is only needed on a terminal
        from rich.text import Text

        if not self.board.snapshot():  # nothing planned yet (the articles are being prepared)
            return Text("")
        shown = rows(self.board)
        table = Table.grid(padding=(0, 2))
        for _ in range(4):
            table.add_column()
        for view in shown:
            rate = "" if view.tokens_per_second is None else f"{view.tokens_per_second:.1f} tok/s"
            table.add_row(
                Text(printable(view.label, LABEL_WIDTH)),
                Text(view.state, style=_STYLES[view.state]),
                Text(rate, style="dim"),
                Text(clock_text(view.seconds) if view.seconds else "", style="dim"),
            )
        table.add_row(Text(self.board.summary(), style="bold"), "", "", "")
        return table


@contextlib.contextmanager
def live(board: Board) -> Iterator[None]:
    """Draw ``board`` on stderr, refreshed four times a second, for the length of the block.

    Lines written to sys.stderr meanwhile (warnings, messages) appear above the board.
    """
    from rich.console import Console
    from rich.live import Live

    console = Console(stderr=True)
    with Live(
        _Renderable(board),
        console=console,
        refresh_per_second=4,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=True,
    ):
        yield
