"""Run one function over many items on a few threads, and stop promptly on Ctrl-C.

The workers are daemon threads, so an interrupted run never waits for a call stuck in the
network: ``stop`` (e.g. ChatModel.cancel) is called to cut the calls in flight, queued items
are dropped, and the caller's KeyboardInterrupt goes on at once.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Callable, Generator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
POLL = 0.25  # seconds; waits are sliced so Ctrl-C is seen at once on every platform


def run_parallel(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int,
    stop: Callable[[], None] = lambda: None,
) -> Generator[tuple[int, R | Exception]]:
    """``fn(item)`` for every item on up to ``workers`` threads.

    Yields ``(index, result or the Exception it raised)`` as each finishes. Each call runs in a
    copy of the caller's context (so context variables such as the progress board carry over).
    If the caller stops iterating early (Ctrl-C, an exception, ``close()``), ``stop()`` is
    called and items not yet started are never started.
    """
    todo: queue.SimpleQueue[tuple[int, T, contextvars.Context]] = queue.SimpleQueue()
    done: queue.SimpleQueue[tuple[int, R | Exception]] = queue.SimpleQueue()
    stopping = threading.Event()
    for index, item in enumerate(items):
        todo.put((index, item, contextvars.copy_context()))

    def work() -> None:
        while not stopping.is_set():
            try:
                index, item, context = todo.get_nowait()
            except queue.Empty:
                return
            try:
                outcome: R | Exception = context.run(fn, item)
            except Exception as exc:
                outcome = exc
            except BaseException:  # never leave the caller waiting for this item
                done.put((index, RuntimeError("worker stopped")))
                raise
            done.put((index, outcome))

    for n in range(max(1, min(workers, len(items)))):
        threading.Thread(target=work, name=f"summarizer-worker-{n}", daemon=True).start()
    finished = 0
    try:
        while finished < len(items):
            try:
                result = done.get(timeout=POLL)
            except queue.Empty:
                continue
            finished += 1
            yield result
    finally:
        if finished < len(items):
            stopping.set()
            stop()
