"""A tethered child (the embedded server's wrapper) ends when its parent is killed outright."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time

import psutil
import pytest

from summarizer import tethered

# The parent starts a tethered child, says its pid and waits to be killed.
PARENT = textwrap.dedent(
    """
    import os, subprocess, sys, time
    child = subprocess.Popen(
        [sys.executable, "-m", "summarizer.tethered", "--parent", str(os.getpid()), *sys.argv[1:]],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    print(child.pid, flush=True)
    time.sleep(600)
    """
)


def wait_gone(pid: int, polls: int) -> bool:
    """Whether ``pid`` has exited (or is a zombie) within ``polls`` checks, 0.25 s apart."""
    for _ in range(polls):
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.25)
    return False


def kill(*pids: int) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def start_parent(*module_and_args: str) -> tuple[subprocess.Popen[str], psutil.Process]:
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, *module_and_args], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    child = psutil.Process(int(parent.stdout.readline()))
    return parent, child


def test_a_tethered_module_runs_and_ends_with_its_killed_parent() -> None:
    # http.server stands in for llama.cpp's server: a module that would otherwise run forever.
    parent, child = start_parent("http.server", "0", "--bind", "127.0.0.1")
    try:
        # It runs: the module's own code is listening (runpy ran it as __main__).
        for _ in range(240):
            if child.net_connections(kind="tcp"):
                break
            time.sleep(0.25)
        assert any(c.status == psutil.CONN_LISTEN for c in child.net_connections(kind="tcp"))
        assert child.is_running() and child.ppid() == parent.pid
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=60)
        # The watcher polls once a second; 240 checks bound the wait on a loaded machine.
        assert wait_gone(child.pid, polls=240), "the tethered child outlived its parent"
    finally:
        kill(child.pid, parent.pid)


def test_a_living_parent_keeps_its_tethered_child() -> None:
    parent, child = start_parent("http.server", "0", "--bind", "127.0.0.1")
    try:
        # Several of the watcher's polls go by (its interval is one second) without an exit.
        for _ in range(3):
            time.sleep(tethered.POLL_SECONDS)
            assert child.is_running() and child.status() != psutil.STATUS_ZOMBIE
    finally:
        kill(child.pid, parent.pid)
        parent.wait(timeout=60)


@pytest.mark.parametrize(
    "argv", [[], ["llama_cpp.server"], ["--parent", "x", "m"], ["--parent", "12"]]
)
def test_bad_usage_says_how_and_exits_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert tethered.main(argv) == 2
    assert capsys.readouterr().err.strip() == tethered.USAGE
