"""Briefing on a real local Ray instance (2 CPUs, loopback, no dashboard) against the stub.

One Ray instance for the module, shut down at its end. Without Ray installed these tests are
skipped, except in CI (CI=true), where the project's own files install it and they must run.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import shutil
import signal
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import psutil
import pytest
from newsdesk import NewsModel, article_sentences, outlet_names, write_articles
from stubserver import Behaviour, StubServer, hang

from summarizer import batch, evaluation, templating
from summarizer.cli import main
from summarizer.execution import Job, LocalRunner, Outcome
from summarizer.settings import Settings
from summarizer.types import to_jsonable

if os.environ.get("CI"):
    import ray  # CI installs the extra: a missing Ray is a failure there, not a skip
else:
    ray = pytest.importorskip("ray")

from summarizer.distributed import RayRunner, brief_task  # needs ray

ROOT = Path(__file__).resolve().parents[1]
CANARY = "sk-canary-ray-5f1e0c9a7b3d"  # in the workers' environment, never in a payload
VOLATILE = ("generated_at", "usage")


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    """A local Ray instance whose workers inherit the canary key from this environment."""
    os.environ["OPENAI_API_KEY"] = CANARY
    try:
        ray.init(
            num_cpus=2,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.WARNING,
            _node_ip_address="127.0.0.1",
        )
    finally:
        del os.environ["OPENAI_API_KEY"]
    try:
        yield
    finally:
        ray.shutdown()


def stories(folder: Path, count: int) -> list[batch.Story]:
    for n in range(count):
        write_articles(folder / f"story-{n}", outlet_names(3), seed=n)
    return batch.read_stories(str(folder))


def jobs(found: list[batch.Story]) -> list[Job]:
    return [Job(s.id, documents=s.load()) for s in found]


def stub_settings(stub: StubServer, **kw: Any) -> Settings:
    return Settings(base_url=stub.base_url, model="stub", use_cache=False, timeout=30, **kw)


def comparable(outcome: Outcome) -> dict[str, Any]:
    assert outcome.briefing is not None, outcome.error
    data = to_jsonable(outcome.briefing)
    return {k: v for k, v in data.items() if k not in VOLATILE}


def test_ray_briefings_equal_the_local_runner_s(cluster: None, tmp_path: Path) -> None:
    found = stories(tmp_path / "in", 3)
    with StubServer(NewsModel()) as stub:
        with LocalRunner(stub_settings(stub)) as local:
            here = {o.id: comparable(o) for o in local.run(jobs(found))}
        with RayRunner(stub_settings(stub, ray="auto")) as remote:
            there = {o.id: comparable(o) for o in remote.run(jobs(found))}
    assert set(here) == {"story-0", "story-1", "story-2"}
    assert there == here
    assert ray.is_initialized()  # the runner left the instance it did not start alone


def test_batch_cli_on_ray_writes_every_story_once(
    cluster: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stories(tmp_path / "in", 4)
    out = tmp_path / "out.jsonl"
    args = ["batch", str(tmp_path / "in"), "--engine", "extractive", "--out", str(out)]
    assert main([*args, "--ray", "auto"]) == 0
    got = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["id"] for line in got) == [f"story-{n}" for n in range(4)]
    assert "4 stories: 4 briefed, 0 failed" in capsys.readouterr().err
    assert main([*args, "--ray", "auto"]) == 0  # resumed: nothing left to do
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4


def _caller_pid(port: int) -> int | None:
    """The Ray worker process with a connection from local ``port``."""
    for proc in psutil.process_iter(["cmdline"]):
        if not (proc.info["cmdline"] or [""])[0].startswith("ray::"):
            continue
        try:
            connections = proc.net_connections(kind="tcp")
        except (psutil.Error, AttributeError):
            continue
        if any(c.laddr and c.laddr.port == port for c in connections):
            return int(proc.pid)
    return None


def test_a_worker_killed_mid_task_is_retried_and_nothing_is_lost_or_doubled(
    cluster: None, tmp_path: Path
) -> None:
    found = stories(tmp_path / "in", 4)
    target = set(article_sentences(outlet_names(3)[0], 1, 6, seed=2))  # story-2's first outlet
    hung = threading.Event()
    model = NewsModel()

    def fault(call: Any) -> Behaviour | None:
        if not hung.is_set() and any(call.mentions(s) for s in target):
            hung.set()
            return hang(120)  # until the worker is killed (or the stub stops)
        return None

    model.fault = fault
    with StubServer(model) as stub:
        with RayRunner(stub_settings(stub, ray="auto")) as runner:
            outcomes = runner.run(jobs(found))
            results = [next(outcomes)]  # the run is under way
            for _ in range(600):  # bound the wait by steps, not by a timed assertion
                if hung.is_set():
                    break
                time.sleep(0.05)
            assert hung.is_set()
            [request] = [
                r for r in stub.chat_requests if any(s in json.dumps(r.body) for s in target)
            ]
            assert request.client is not None
            pid = _caller_pid(request.client[1])
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
            results += list(outcomes)
        with LocalRunner(stub_settings(stub)) as local:
            expected = {o.id: comparable(o) for o in local.run(jobs(found))}
    assert sorted(o.id for o in results) == sorted(expected)  # each story exactly once
    assert {o.id: comparable(o) for o in results} == expected
    # story-2's first outlet was asked again by the retried task, on another worker.
    asked = [r for r in stub.chat_requests if any(s in json.dumps(r.body) for s in target)]
    assert len(asked) >= 3  # hung, the retry, and the local run


def test_no_secret_in_task_payloads_logs_or_results(
    cluster: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = stories(tmp_path / "in", 2)
    monkeypatch.setenv("OPENAI_API_KEY", CANARY)
    sent: list[tuple[Any, ...]] = []
    with StubServer(NewsModel()) as stub:
        settings = Settings(
            base_url=stub.base_url, model="stub", use_cache=False, api_key=CANARY, ray="auto"
        )
        with RayRunner(settings) as runner:
            arguments = runner.task_arguments

            def recording(job: Job) -> tuple[Any, ...]:
                sent.append(arguments(job))
                return sent[-1]

            monkeypatch.setattr(runner, "task_arguments", recording)
            outcomes = list(runner.run(jobs(found)))
        auth = {r.headers.get("authorization") for r in stub.chat_requests}
    assert all(o.ok for o in outcomes) and len(sent) == 2
    # The key reached the workers through their environment...
    assert auth == {f"Bearer {CANARY}"}
    # ...and not through anything Ray carried: arguments (with the settings they point to,
    # as the object store holds them), the task function, the results, Ray's own logs.
    dumps = cast(Callable[[object], bytes], ray.cloudpickle.dumps)
    payloads = [dumps(args) for args in sent]
    payloads += [dumps(ray.get(args[1])) for args in sent]
    payloads.append(dumps(brief_task))
    payloads += [dumps(o) for o in outcomes]
    assert all(ray.get(args[1]).api_key is None for args in sent)
    for data in payloads:
        assert not any(form in data for form in canary_forms())
    node = ray._private.worker._global_node
    assert node is not None
    logs = Path(node.get_session_dir_path()) / "logs"
    for log_file in logs.rglob("*"):
        if log_file.is_file():
            data = log_file.read_bytes()
            assert not any(form in data for form in canary_forms()), log_file.name


def canary_forms() -> list[bytes]:
    """The key as it may travel: raw, base64 (both alphabets), URL-encoded."""
    raw = CANARY.encode()
    return [
        raw,
        base64.b64encode(raw).rstrip(b"="),
        base64.urlsafe_b64encode(raw).rstrip(b"="),
        urllib.parse.quote(CANARY, safe="").encode(),
    ]


def test_a_worker_without_the_key_says_so_on_the_story_s_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    outcome = brief_task(Job("s"), Settings(base_url="http://127.0.0.1:9/v1"), None, True)
    assert "OPENAI_API_KEY is not set on the Ray worker" in (outcome.error or "")
    assert outcome.exit_code == 2


# --- nightly and eval through the same seam --------------------------------------------------

DAY = "2026-11-21"


def inbox_of(tmp_path: Path, *folders: Path) -> Path:
    """The folders' articles in one inbox, dated ``DAY`` by their files' times."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    noon = dt.datetime.combine(dt.date.fromisoformat(DAY), dt.time(12)).timestamp()
    for folder in folders:
        for src in sorted(folder.iterdir()):
            shutil.copyfile(src, inbox / src.name)
            os.utime(inbox / src.name, (noon, noon))
    return inbox


def archived(state: Path) -> list[dict[str, Any]]:
    found = []
    for path in sorted((state / "archive" / DAY).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found.append({k: v for k, v in data.items() if k not in VOLATILE})
    return found


def test_nightly_on_ray_sends_the_email_local_would(
    cluster: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = inbox_of(tmp_path, ROOT / "seeds", ROOT / "tests" / "data" / "nightly")
    args = ["nightly", "--inbox", str(inbox), "--to", "a@example.com", "--date", DAY]
    args += ["--from", "b@example.org", "--engine", "extractive"]
    assert main([*args, "--state-dir", str(tmp_path / "here")]) == 0
    assert main([*args, "--state-dir", str(tmp_path / "ray"), "--ray", "auto"]) == 0
    here, there = archived(tmp_path / "here"), archived(tmp_path / "ray")
    assert len(here) >= 3 and there == here
    # Delivery stayed on the driver: one .eml in its outbox, and the run recorded as sent.
    assert len(list((tmp_path / "ray" / "outbox").glob("*.eml"))) == 1
    assert "wrote" in capsys.readouterr().out


def test_eval_on_ray_measures_what_local_measures(cluster: None, tmp_path: Path) -> None:
    def metrics(**kw: Any) -> dict[str, Any]:
        result = evaluation.run_eval(
            ROOT / "evals" / "cases",
            settings=Settings(engine="extractive", **kw),
            baseline_path=tmp_path / "baseline.json",
        )
        return {k: v for k, v in result.metrics.items() if k != "seconds"}

    assert metrics(ray="auto") == metrics()


def test_a_worker_with_other_prompts_is_refused(
    cluster: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workers use the shipped prompts; this driver, an edited copy.
    edited = tmp_path / "prompts"
    shutil.copytree(Path(str(templating.prompts_dir())), edited)
    (edited / "claims.user.j2").write_text("Say less.\n", encoding="utf-8")
    monkeypatch.setenv(templating.PROMPTS_DIR_ENV, str(edited))
    found = stories(tmp_path / "in", 1)
    with RayRunner(Settings(engine="extractive", ray="auto")) as runner:
        [outcome] = list(runner.run(jobs(found)))
    assert outcome.briefing is None and "install the same summarizer" in (outcome.error or "")
