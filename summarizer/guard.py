"""Limits on the calls to a model endpoint: how many at once, and what each answer may cost.

Slots keeps calls beyond the server's capacity waiting in the client. Each attempt of
OpenAIChatModel then runs under a Budget (bytes read, silence, end time, Ctrl-C): an httpx
response hook wraps the body so every chunk read from the socket is counted and the clock
checked (a never-ending body or a server trickling bytes is cut off), and a watchdog thread
shuts the socket of an answer whose budget ran out while the server was silent. Shutting the
socket is also what tells the server to stop computing the answer: it sees the client go.
"""

from __future__ import annotations

import collections
import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Literal, Protocol, cast

import httpx2

from summarizer.errors import Cancelled, DeadlineExceeded

Reason = Literal["cancelled", "deadline", "stalled", "too large"]
WATCH_INTERVAL = 0.2  # seconds between the watchdog's looks at silent answers


class _Deadline(Protocol):
    """The run's deadline (summarizer.llm.Deadline)."""

    seconds: float | None

    def remaining(self) -> float | None: ...


class Slots:
    """At most ``n`` calls in flight; the others wait their turn, first come first served.

    Waiting for a slot is not a timeout: it ends when a slot is free, when the run's deadline
    passes (DeadlineExceeded) or when the run is cancelled (Cancelled).
    """

    POLL = 0.25

    def __init__(self, n: int) -> None:
        if n < 1:
            raise ValueError(f"slots must be positive, got {n}")
        self.n = n
        self._busy = 0
        self._queue: collections.deque[object] = collections.deque()
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def hold(self, deadline: _Deadline, cancelled: threading.Event, doing: str) -> Iterator[None]:
        me = object()
        with self._cond:
            self._queue.append(me)
            try:
                while self._queue[0] is not me or self._busy >= self.n:
                    if cancelled.is_set():
                        raise Cancelled("interrupted")
                    left = deadline.remaining()
                    if left is not None and left <= 0:
                        ahead = self._queue.index(me) + self._busy
                        raise DeadlineExceeded(
                            f"run deadline of {deadline.seconds:g}s passed while waiting for "
                            f"{doing} ({ahead} call{'s' if ahead != 1 else ''} ahead)"
                        )
                    self._cond.wait(self.POLL if left is None else min(self.POLL, left))
            except BaseException:
                self._queue.remove(me)
                self._cond.notify_all()
                raise
            self._queue.popleft()
            self._busy += 1
            self._cond.notify_all()  # the next in line may fit too
        try:
            yield
        finally:
            with self._cond:
                self._busy -= 1
                self._cond.notify_all()


class Abandoned(Exception):
    """The client stopped reading an answer; ``reason`` says why, the message in words."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class Budget:
    """What one attempt may cost: ``max_bytes`` read, ``stall`` seconds without progress (no
    token), and nothing after ``until`` (a monotonic instant, or None)."""

    def __init__(
        self,
        *,
        max_bytes: int,
        stall: float,
        until: float | None,
        cancelled: threading.Event,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_bytes = max_bytes
        self.stall = stall
        self.until = until
        self.cancelled = cancelled
        self.read = 0
        self.spent: Abandoned | None = None  # set for good once the budget is exceeded
        self._clock = clock
        self._last = clock()

    def progress(self) -> None:
        """A token (or the end of the answer) arrived: the silence starts again."""
        self._last = self._clock()

    def read_timeout(self) -> float:
        """The longest one socket read may wait."""
        left = self.stall if self.until is None else min(self.stall, self.until - self._clock())
        return max(left, 0.001)

    def exceeded(self, slack: float = 0.0) -> Abandoned | None:
        """Why the answer must be abandoned now, or None while it is within budget.

        ``slack``: count limits that end within that many seconds as ended (a socket timeout
        set to end at a limit may fire a hair early)."""
        if self.spent is not None:
            return self.spent
        now = self._clock() + slack
        if self.cancelled.is_set():
            spent = Abandoned("cancelled", "cancelled")
        elif self.read > self.max_bytes:
            spent = Abandoned("too large", f"answer larger than {self.max_bytes:,} bytes")
        elif self.until is not None and now >= self.until:
            spent = Abandoned("deadline", "the run's deadline passed during the answer")
        elif now - self._last >= self.stall:
            spent = Abandoned("stalled", f"timed out: no token for {self.stall:g}s")
        else:
            return None
        self.spent = spent
        return spent


class Guard:
    """Wraps the responses of one httpx client (``on_response`` is its response hook).

    Responses read inside ``with guard.limits(budget)`` (same thread) are bounded by it.
    """

    def __init__(self, interval: float = WATCH_INTERVAL) -> None:
        self._interval = interval
        self._local = threading.local()
        self._live: set[_GuardedStream] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._watchdog: threading.Thread | None = None

    @contextlib.contextmanager
    def limits(self, budget: Budget) -> Iterator[Budget]:
        self._local.budget = budget
        try:
            yield budget
        finally:
            self._local.budget = None

    def on_response(self, response: httpx2.Response) -> None:
        budget: Budget | None = getattr(self._local, "budget", None)
        if budget is None:
            return
        inner = cast(httpx2.SyncByteStream, response.stream)  # a sync client's stream
        guarded = _GuardedStream(inner, budget, _socket_of(response), self._forget)
        response.stream = guarded
        with self._lock:
            self._live.add(guarded)
            if self._watchdog is None:
                self._watchdog = threading.Thread(
                    target=self._watch, name="summarizer-answer-watchdog", daemon=True
                )
                self._watchdog.start()

    def cancel_all(self) -> None:
        """Shut the socket of every answer being read (their budgets say why)."""
        with self._lock:
            live = list(self._live)
        for stream in live:
            stream.shut()

    def close(self) -> None:
        self._stop.set()

    def _forget(self, stream: _GuardedStream) -> None:
        with self._lock:
            self._live.discard(stream)

    def _watch(self) -> None:
        while not self._stop.wait(self._interval):
            with self._lock:
                live = list(self._live)
            for stream in live:
                if stream.budget.exceeded() is not None:
                    stream.shut()


class _GuardedStream(httpx2.SyncByteStream):
    def __init__(
        self,
        inner: httpx2.SyncByteStream,
        budget: Budget,
        sock: socket.socket | None,
        forget: Callable[[_GuardedStream], None],
    ) -> None:
        self.budget = budget
        self._inner = inner
        self._sock = sock
        self._forget = forget

    def __iter__(self) -> Iterator[bytes]:
        try:
            for chunk in self._inner:
                self.budget.read += len(chunk)
                spent = self.budget.exceeded()
                if spent is not None:
                    self.shut()
                    self.close()
                    raise spent
                yield chunk
        except httpx2.TransportError as exc:
            # The watchdog or cancel_all shut the socket: say why rather than "peer closed".
            if self.budget.spent is not None:
                raise self.budget.spent from exc
            raise

    def shut(self) -> None:
        """Shut the connection both ways: a blocked read returns, the server sees us go."""
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._forget(self)
        self._inner.close()


def _socket_of(response: httpx2.Response) -> socket.socket | None:
    stream = response.extensions.get("network_stream")
    get = getattr(stream, "get_extra_info", None)
    sock = get("socket") if get is not None else None
    return sock if isinstance(sock, socket.socket) else None
