"""Run a Python module in a child process that ends when its parent does.

    python -m summarizer.tethered --parent PID MODULE [ARGS...]

The embedded llama.cpp server runs in a session of its own, so that Ctrl-C reaches only the
command, which then stops it. A command killed outright (SIGKILL, the OOM killer, a Ray worker
torn down) stops nothing: the server would keep its port, its threads and a few hundred MB for
good. Run through this module, the server checks once a second that ``PID`` is still its parent
and exits when it is not (an orphan is adopted by init or a subreaper).

Linux's PR_SET_PDEATHSIG is not used: it fires when the *thread* that started the child ends, and
a model session may be opened from a worker thread that ends long before the session does.
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time

POLL_SECONDS = 1.0
USAGE = "usage: python -m summarizer.tethered --parent PID MODULE [ARGS...]"


def _watch(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)  # the parent is gone: nothing here is worth a graceful shutdown
        time.sleep(POLL_SECONDS)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] != "--parent" or not argv[1].isdigit():
        print(USAGE, file=sys.stderr)
        return 2
    parent, module, args = int(argv[1]), argv[2], argv[3:]
    threading.Thread(target=_watch, args=(parent,), name="tether", daemon=True).start()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
