"""Brief stories as tasks on a Ray cluster (``pip install 'summarizer[ray]'``).

Each task gets the job and the run's Settings (pickled without the API key) and briefs on a
worker process, which opens its own model session once (its own embedded server, or the
configured endpoint) with the API key from its own environment. A task whose worker died is
run again (``MAX_RETRIES``); results reach the driver once each, as they finish. A briefing
made with other prompts than the driver's (another version installed on a node) is refused.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import socket
import threading
from collections.abc import Iterable, Iterator
from types import ModuleType, TracebackType
from typing import Any

from summarizer.errors import SummarizerError, UsageError
from summarizer.execution import Job, Outcome, brief_job, deadline_until, run_deadline
from summarizer.pipeline import ModelSession, model_session
from summarizer.redact import printable
from summarizer.settings import API_KEY_ENV_VAR, Settings
from summarizer.templating import prompt_version

log = logging.getLogger("summarizer.distributed")

MAX_RETRIES = 3  # runs of a task beyond the first, when its worker process or node dies
CONNECT_TIMEOUT = 5.0  # seconds to reach a cluster's address before giving up
INSTALL_HINT = "pip install 'summarizer[ray]'"


def import_ray() -> ModuleType:
    """The ray module, or a UsageError (exit 2) saying how to install it."""
    try:
        import ray
    except ImportError:
        raise UsageError(f"--ray needs Ray, which is not installed: {INSTALL_HINT}") from None
    module: ModuleType = ray  # typed the same with Ray installed or not (mypy sees Any without)
    return module


def connect(address: str) -> bool:
    """Join the cluster at ``address`` ("auto": the local one, started if there is none).

    Returns whether this call started Ray (and so should shut it down).
    """
    ray = import_ray()
    if ray.is_initialized():
        return False
    if address != "auto":
        _check_reachable(address)
    try:
        ray.init(
            address=None if address == "auto" else address,
            include_dashboard=False,
            log_to_driver=False,  # workers' warnings come back in each Outcome instead
            logging_level=logging.WARNING,
        )
    except Exception as exc:  # ConnectionError, ValueError, RuntimeError... all mean "no cluster"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SummarizerError(
            f"cannot join the Ray cluster at {printable(address)}: {printable(first, 200)}"
        ) from None
    return True


def _check_reachable(address: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Fail fast on an address nothing listens at: Ray itself keeps retrying for minutes."""
    hostport = address.split("://", 1)[-1].rstrip("/")
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(
            f"--ray wants HOST:PORT (the head's GCS port, 6379 by default), ray://HOST:PORT "
            f"or auto, got {printable(address)!r}"
        )
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            pass
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise SummarizerError(
            f"cannot join the Ray cluster at {printable(address)}: {printable(why)}"
        ) from None


class RayRunner:
    """Jobs as Ray tasks, at most twice the cluster's CPUs in flight; see the module docstring."""

    def __init__(self, settings: Settings, *, max_retries: int = MAX_RETRIES) -> None:
        if not settings.ray:
            raise UsageError("RayRunner needs settings.ray (a cluster address or auto)")
        self._ray = import_ray()
        self.settings = settings
        self.max_retries = max_retries
        self._deadline_at = run_deadline(settings)
        # The key stays here: workers read theirs from their environment (see brief_task).
        self._needs_key = settings.api_key is not None and settings.engine == "llm"
        self._prompts = prompt_version()
        self._started = False
        self._joined: tuple[Any, Any] | None = None  # (settings in the object store, the task)

    def _join(self) -> tuple[Any, Any]:
        """Join the cluster on the first job, so a run with nothing to do starts nothing."""
        if self._joined is None:
            self._started = connect(self.settings.ray or "auto")
            settings_ref = self._ray.put(self.settings)  # once, not once per task
            task = self._ray.remote(num_cpus=1, max_retries=self.max_retries)(brief_task)
            self._joined = (settings_ref, task)
        return self._joined

    def _window(self) -> int:
        cpus = int(self._ray.cluster_resources().get("CPU", 1))
        return max(2, 2 * cpus)

    def task_arguments(self, job: Job) -> tuple[Any, ...]:
        """All a task is sent: the job, the settings (an object ref), the run's end, and
        whether the worker must find an API key in its environment. Never the key."""
        settings_ref, _ = self._join()
        return (job, settings_ref, self._deadline_at, self._needs_key)

    def submit(self, job: Job) -> Any:
        """Start one job's task; its ObjectRef."""
        _, task = self._join()
        return task.remote(*self.task_arguments(job))

    def run(self, jobs: Iterable[Job]) -> Iterator[Outcome]:
        ray = self._ray
        pending: dict[Any, str] = {}  # ObjectRef -> job id
        queue = iter(jobs)
        window = 0
        try:
            while True:
                while not window or len(pending) < window:
                    job = next(queue, None)
                    if job is None:
                        break
                    pending[self.submit(job)] = job.id
                    window = window or self._window()
                if not pending:
                    return
                done, _ = ray.wait(list(pending), num_returns=1)
                for ref in done:
                    job_id = pending.pop(ref)
                    yield self._outcome(ref, job_id)
        finally:
            for ref in pending:
                with contextlib.suppress(Exception):
                    ray.cancel(ref)

    def _outcome(self, ref: Any, job_id: str) -> Outcome:
        try:
            outcome = self._ray.get(ref)
        except self._ray.exceptions.RayError as exc:  # the worker died on every try, or so
            lines = str(exc).strip().splitlines()
            why = lines[0] if lines else ""
            return Outcome(job_id, error=f"Ray: {type(exc).__name__}: {why}"[:300], exit_code=1)
        if not isinstance(outcome, Outcome):
            return Outcome(job_id, error="Ray: the task returned no outcome", exit_code=1)
        if outcome.briefing is not None and outcome.briefing.prompt_version != self._prompts:
            return Outcome(
                job_id,
                error=f"a Ray worker briefed with prompts {outcome.briefing.prompt_version}, "
                f"this run uses {self._prompts}: install the same summarizer (and set the same "
                "SUMMARIZER_PROMPTS_DIR, if any) on every node",
                exit_code=1,
            )
        return outcome

    def close(self) -> None:
        if self._started:
            self._started = False
            self._ray.shutdown()

    def __enter__(self) -> RayRunner:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


# --- on the worker ---------------------------------------------------------------------------

_lock = threading.Lock()
_open: tuple[tuple[Settings, float | None], contextlib.ExitStack, ModelSession] | None = None


def brief_task(job: Job, settings: Settings, deadline_at: float | None, needs_key: bool) -> Outcome:
    """The Ray task: brief one job with this worker's model session."""
    if needs_key and not os.environ.get(API_KEY_ENV_VAR, "").strip():
        return Outcome(
            job.id,
            error=f"{API_KEY_ENV_VAR} is not set on the Ray worker ({os.uname().nodename}): "
            "export it before `ray start` on every node",
            exit_code=2,
        )
    try:
        session = worker_session(settings, deadline_at)
    except SummarizerError as exc:
        return Outcome(job.id, error=" ".join(str(exc).split()), exit_code=exc.exit_code)
    return brief_job(job, settings.with_key_from(os.environ), session)


def worker_session(settings: Settings, deadline_at: float | None) -> ModelSession | None:
    """This process's model session for the run, opened on its first task, closed at exit."""
    global _open
    if settings.engine != "llm":
        return None
    with _lock:
        key = (settings, deadline_at)
        if _open is not None and _open[0] == key:
            return _open[2]
        _close_worker_session()
        stack = contextlib.ExitStack()
        deadline = deadline_until(settings, deadline_at)
        session = stack.enter_context(
            model_session(settings.with_key_from(os.environ), deadline=deadline)
        )
        _open = (key, stack, session)
        return session


@atexit.register
def _close_worker_session() -> None:
    global _open
    if _open is not None:
        stack, _open = _open[1], None
        stack.close()
