"""The small concurrency pieces: run_parallel (results as they finish, stop on early exit) and
Slots (first come first served, waiting ends at the deadline or on cancel, never by timeout)."""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time

import pytest

from summarizer.errors import Cancelled, DeadlineExceeded
from summarizer.guard import Slots
from summarizer.llm import Deadline
from summarizer.parallel import run_parallel

LABEL: contextvars.ContextVar[str] = contextvars.ContextVar("label", default="none")


def test_results_come_as_they_finish_with_errors_as_values() -> None:
    release = threading.Event()

    def work(n: int) -> int:
        if n == 0:
            release.wait(10)  # the first item finishes last
        if n == 2:
            raise ValueError("two")
        return n * 10

    order = []
    for index, outcome in run_parallel(work, [0, 1, 2, 3], workers=4):
        order.append(index)
        if index == 0:
            assert outcome == 0
        elif index == 2:
            assert isinstance(outcome, ValueError)
        else:
            assert outcome == index * 10
        if len(order) == 3:
            release.set()
    assert sorted(order) == [0, 1, 2, 3] and order[-1] == 0


def test_workers_see_the_callers_context() -> None:
    LABEL.set("from the caller")
    seen = [outcome for _, outcome in run_parallel(lambda _: LABEL.get(), [1, 2], workers=2)]
    assert seen == ["from the caller"] * 2


def test_leaving_early_calls_stop_and_starts_nothing_more() -> None:
    started: list[int] = []
    stopped = threading.Event()
    gate = threading.Event()

    def work(n: int) -> int:
        started.append(n)
        if n:
            gate.wait(10)
        return n

    runs = run_parallel(work, list(range(10)), workers=2, stop=stopped.set)
    with pytest.raises(KeyError), contextlib.closing(runs):
        for _ in runs:
            raise KeyError("the caller fails at the first result")
    assert stopped.is_set()
    gate.set()
    time.sleep(0.3)
    assert set(started) <= {0, 1, 2}  # at most one more per worker; none of the queued rest


def test_slots_serve_first_come_first_served() -> None:
    slots, served, cancelled = Slots(1), [], threading.Event()
    holding = threading.Event()
    proceed = threading.Event()

    def first() -> None:
        with slots.hold(Deadline(None), cancelled, "server"):
            holding.set()
            proceed.wait(10)

    def later(n: int) -> None:
        with slots.hold(Deadline(None), cancelled, "server"):
            served.append(n)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    holding.wait(10)
    for n in range(4):
        t = threading.Thread(target=later, args=(n,))
        t.start()
        threads.append(t)
        time.sleep(0.1)  # queue them in order
    proceed.set()
    for t in threads:
        t.join(10)
    assert served == [0, 1, 2, 3]


def test_waiting_for_a_slot_ends_at_the_deadline_or_on_cancel() -> None:
    slots, cancelled = Slots(1), threading.Event()
    with slots.hold(Deadline(None), cancelled, "server"):
        with (
            pytest.raises(DeadlineExceeded, match="waiting for server \\(1 call ahead\\)"),
            slots.hold(Deadline(0.3), cancelled, "server"),
        ):
            pass
        cancelled.set()
        with pytest.raises(Cancelled), slots.hold(Deadline(None), cancelled, "server"):
            pass
    cancelled.clear()
    with slots.hold(Deadline(None), cancelled, "server"):  # nothing leaked: the slot is free
        pass
