"""`summarizer batch` and the local runner: many stories, one JSON line each, resumable."""

from __future__ import annotations

import json
import pickle
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from newsdesk import NewsModel, article_sentences, outlet_names, write_articles
from stubserver import Behaviour, StubServer, slow, status

from summarizer import batch, pipeline, progress
from summarizer.cli import main
from summarizer.errors import UsageError
from summarizer.execution import Job, LocalRunner, brief_job, deadline_until, run_deadline
from summarizer.settings import Settings, resolve_settings
from summarizer.types import to_jsonable

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SCHEMA = json.loads((ROOT / "docs" / "briefing.schema.json").read_text())
VOLATILE = ("generated_at", "usage")  # the clock and the meter differ from run to run


def stories(folder: Path, count: int, outlets: int = 3) -> Path:
    """``count`` story folders, each a different flood told by ``outlets`` outlets."""
    for n in range(count):
        write_articles(folder / f"story-{n}", outlet_names(outlets), seed=n)
    return folder


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def stable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in VOLATILE}


def stub_args(stub: StubServer, tmp_path: Path, *extra: str) -> list[str]:
    return [
        "--base-url",
        stub.base_url,
        "--model",
        "stub",
        "--timeout",
        "10",
        "--max-retries",
        "0",
        "--cache-dir",
        str(tmp_path / "cache"),
        *extra,
    ]


def test_seeds_through_batch_give_the_briefing_brief_gives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    (folder / "seeds").mkdir(parents=True)
    for file in SEEDS.iterdir():
        (folder / "seeds" / file.name).write_bytes(file.read_bytes())
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(folder), "--engine", "extractive", "--out", str(out)]) == 0
    [line] = lines(out)
    assert line["id"] == "seeds"
    alone = to_jsonable(
        pipeline.brief([str(folder / "seeds")], engine="extractive", warn=lambda _: None)
    )
    assert stable({k: v for k, v in line.items() if k != "id"}) == stable(alone)
    jsonschema.validate({k: v for k, v in line.items() if k != "id"}, SCHEMA)
    assert "1 stories: 1 briefed, 0 failed" in capsys.readouterr().err


def test_llm_batch_writes_a_line_per_story_with_its_own_usage(tmp_path: Path) -> None:
    folder = stories(tmp_path / "in", 3)
    out = tmp_path / "out.jsonl"
    model = NewsModel()
    with StubServer(model) as stub:
        code = main(["batch", str(folder), "--out", str(out), *stub_args(stub, tmp_path)])
        requests = len(stub.chat_requests)
    assert code == 0
    got = lines(out)
    assert sorted(line["id"] for line in got) == ["story-0", "story-1", "story-2"]
    for line in got:
        assert line["engine"] == "llm" and line["points"]
        assert all(p["verified"] for p in line["points"])
    # Stories ran side by side on one session, yet each counts only its own calls.
    assert sum(line["usage"]["llm_calls"] for line in got) == requests
    # three outlets, one merge, one lede
    assert all(line["usage"]["llm_calls"] == 5 for line in got)


def test_a_failing_story_is_reported_on_its_line_and_the_others_go_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = stories(tmp_path / "in", 3)
    doomed = article_sentences(outlet_names(3)[0], 1, 6, seed=1)
    doomed += article_sentences(outlet_names(3)[1], 1, 6, seed=1)
    doomed += article_sentences(outlet_names(3)[2], 1, 6, seed=1)

    def fault(call: Any) -> Behaviour | None:
        return status(400) if any(call.mentions(s) for s in doomed) else None

    out = tmp_path / "out.jsonl"
    with StubServer(NewsModel(fault)) as stub:
        code = main(["batch", str(folder), "--out", str(out), *stub_args(stub, tmp_path)])
    assert code == 1
    by_id = {line["id"]: line for line in lines(out)}
    assert set(by_id) == {"story-0", "story-1", "story-2"}
    assert set(by_id["story-1"]) == {"id", "error"} and "400" in by_id["story-1"]["error"]
    assert by_id["story-0"]["points"] and by_id["story-2"]["points"]
    err = capsys.readouterr().err
    assert "story story-1 failed" in err
    assert "3 stories: 2 briefed, 1 failed, 0 already done" in err


def test_rerun_skips_briefed_ids_retries_failed_ones_and_drops_a_torn_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = stories(tmp_path / "in", 4)
    out = tmp_path / "out.jsonl"
    with StubServer(NewsModel()) as stub:
        assert main(["batch", str(folder), "--out", str(out), *stub_args(stub, tmp_path)]) == 0
    first = {line["id"]: line for line in lines(out)}
    # As if story-2 had failed and the run was killed while writing story-3's line.
    kept = [json.dumps(first[i]) for i in ("story-0", "story-1")]
    failed = json.dumps({"id": "story-2", "error": "endpoint down"})
    torn = json.dumps(first["story-3"])[:40]
    out.write_text("\n".join([*kept, failed, torn]), encoding="utf-8")
    capsys.readouterr()

    model = NewsModel()
    with StubServer(model) as stub:
        args = stub_args(stub, tmp_path, "--no-cache")
        assert main(["batch", str(folder), "--out", str(out), *args]) == 0
    again = lines(out)
    assert sorted(line["id"] for line in again) == [f"story-{n}" for n in range(4)]
    assert all("points" in line for line in again)
    # Only the failed and the torn story were briefed again.
    assert len(model.calls) == 10  # two stories, five calls each (outlets, merge, lede)
    err = capsys.readouterr().err
    assert "cut short" in err and "4 stories: 2 briefed, 0 failed, 2 already done" in err


def test_an_output_file_that_is_not_batch_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "notes.txt"
    out.write_text("my notes\nsecond line\n", encoding="utf-8")
    with pytest.raises(UsageError, match="line 1 is not batch output"):
        batch.resume(out)
    assert out.read_text(encoding="utf-8") == "my notes\nsecond line\n"


def test_jsonl_input_checks_each_line_and_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = {
        "source": "Harbour Post",
        "title": "Quay",
        "text": "The old quay was rebuilt in stone after the winter storms. "
        "Fishing boats returned to it on Monday.",
    }
    other = {
        "source": "Valley News",
        "text": "The new quay opened to fishing boats on Monday morning. "
        "The council said the stone quay cost four million.",
    }
    rows = [
        json.dumps({"id": "quay", "articles": [article, other]}),
        "{not json",
        json.dumps({"articles": [article]}),
        json.dumps({"id": "quay", "articles": [other]}),
        json.dumps({"id": 7, "articles": [{"source": "Nowhere", "text": "  "}]}),
        json.dumps({"id": "no-list", "articles": "text"}),
    ]
    source = tmp_path / "stories.jsonl"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    code = main(["batch", str(source), "--engine", "extractive", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1  # story 7 has no usable article
    assert f"{source}:2: invalid JSON" in err
    assert f"{source}:3: expected" in err
    assert f"{source}:4: id 'quay' already used" in err
    assert f"{source}:6:" in err
    by_id = {line["id"]: line for line in lines(out)}
    assert set(by_id) == {"quay", "7"}
    assert {s["name"] for s in by_id["quay"]["sources"]} == {"Harbour Post", "Valley News"}
    assert by_id["7"]["error"] == "no usable article in this story"


def test_jsonl_from_stdin_to_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    article = {
        "source": "A Daily",
        "text": "A ferry sank near the island. All forty passengers were rescued by fishermen.",
    }
    record = {"id": "s1", "articles": [article]}
    stream = type("Stdin", (), {"buffer": _Bytes(json.dumps(record).encode() + b"\n")})()
    monkeypatch.setattr(sys, "stdin", stream)
    assert main(["batch", "-", "--engine", "extractive"]) == 0
    [line] = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert line["id"] == "s1" and line["points"]


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self) -> bytes:
        return self.data


def test_input_that_holds_no_story_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    flat = tmp_path / "flat"
    write_articles(flat, outlet_names(2))
    assert main(["batch", str(flat), "--engine", "extractive"]) == 2
    assert "no story folders" in capsys.readouterr().err
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    assert main(["batch", str(empty), "--engine", "extractive"]) == 2
    assert "no story to brief" in capsys.readouterr().err
    assert main(["batch", str(tmp_path / "missing"), "--engine", "extractive"]) == 2


def test_ray_without_the_extra_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now raises ImportError
    folder = stories(tmp_path / "in", 1)
    assert main(["batch", str(folder), "--engine", "extractive", "--ray", "auto"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "summarizer: error: --ray needs Ray, which is not installed: pip install 'summarizer[ray]'"
    )
    monkeypatch.setenv("SUMMARIZER_RAY_ADDRESS", "auto")  # the environment asks the same
    assert main(["batch", str(folder), "--engine", "extractive"]) == 2


def test_stories_share_the_model_within_the_concurrency_limit(tmp_path: Path) -> None:
    folder = stories(tmp_path / "in", 4)
    in_flight = 0
    most = 0
    lock = threading.Lock()
    model = NewsModel()

    def responder(body: Any) -> Behaviour | str:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
        try:
            time.sleep(0.05)  # long enough for the other stories' calls to pile up
            return model(body)
        finally:
            with lock:
                in_flight -= 1

    with StubServer(responder) as stub:
        settings = resolve_settings(
            {
                "base_url": stub.base_url,
                "model": "stub",
                "use_cache": False,
                "parallel": 4,
                "concurrency": 2,
            }
        )
        found = batch.read_stories(str(folder))
        with LocalRunner(settings) as runner:
            outcomes = list(runner.run(Job(s.id, documents=s.load()) for s in found))
    assert all(o.ok for o in outcomes) and len(outcomes) == 4
    assert most == 2


def test_slow_story_does_not_hold_back_the_finished_ones(tmp_path: Path) -> None:
    folder = stories(tmp_path / "in", 3)
    slow_sentences = article_sentences(outlet_names(3)[0], 1, 6, seed=0)
    model = NewsModel()

    def fault(call: Any) -> Behaviour | None:
        if any(call.mentions(s) for s in slow_sentences):
            return slow(1.0, model.answer(call))
        return None

    model.fault = fault
    with StubServer(model) as stub:
        settings = Settings(base_url=stub.base_url, model="stub", use_cache=False, parallel=3)
        found = batch.read_stories(str(folder))
        with LocalRunner(settings) as runner:
            order = [o.id for o in runner.run(Job(s.id, documents=s.load()) for s in found)]
    assert sorted(order) == ["story-0", "story-1", "story-2"]
    assert order[-1] == "story-0"  # yielded as they finish, not in input order


def test_settings_cross_processes_without_the_api_key() -> None:
    settings = Settings(api_key="sk-canary-0123456789", engine="extractive", max_points=5)
    data = pickle.dumps(settings)
    assert b"canary" not in data
    back = pickle.loads(data)
    assert back.api_key is None and back.max_points == 5 and back.engine == "extractive"
    restored = back.with_key_from({"OPENAI_API_KEY": "sk-worker-key"})
    assert restored.api_key == "sk-worker-key"
    assert back.with_key_from({}) is back


def test_brief_job_turns_any_failure_into_its_outcome(tmp_path: Path) -> None:
    settings = Settings(engine="extractive")
    outcome = brief_job(Job("nothing"), settings, None)
    assert not outcome.ok and outcome.exit_code == 2
    fine = Job("fine", documents=batch.read_stories(str(stories(tmp_path, 1)))[0].load())
    broken = Job("broken", corpus=pipeline.prepare([str(SEEDS)], warn=lambda _: None))
    object.__setattr__(broken.corpus, "sources", None)  # a bug inside the briefing
    assert brief_job(fine, settings, None).ok
    failed = brief_job(broken, settings, None)
    assert failed.error is not None and failed.error.startswith("internal error: TypeError")


def test_the_run_deadline_is_shared_by_processes_joining_later() -> None:
    settings = Settings(deadline=600)
    end = run_deadline(settings)
    assert end is not None
    # A worker that joins with 30 s of the run left gets 30 s, not a fresh 600.
    left = deadline_until(settings, time.time() + 30).remaining()
    assert left is not None and 25 < left <= 30
    assert deadline_until(settings, time.time() - 1).expired()
    assert run_deadline(Settings(deadline=None)) is None
    assert deadline_until(Settings(deadline=None), None).remaining() is None


def test_a_ray_address_nothing_listens_at_fails_fast_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("ray")
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = stories(tmp_path / "in", 1)
    args = ["batch", str(folder), "--engine", "extractive", "--ray"]
    assert main([*args, f"127.0.0.1:{port}"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"summarizer: error: cannot join the Ray cluster at 127.0.0.1:{port}:")
    assert "\n" not in err
    assert main([*args, "head-node"]) == 2
    assert "--ray wants HOST:PORT" in capsys.readouterr().err


def test_stories_side_by_side_keep_their_own_rows_on_the_progress_board(tmp_path: Path) -> None:
    folder = stories(tmp_path / "in", 2)
    board = progress.Board()
    with StubServer(NewsModel()) as stub, progress.tracking(board):
        settings = Settings(base_url=stub.base_url, model="stub", use_cache=False, parallel=2)
        found = batch.read_stories(str(folder))
        with LocalRunner(settings) as runner:
            assert all(o.ok for o in runner.run(Job(s.id, documents=s.load()) for s in found))
    rows = board.snapshot()
    for story in ("story-0", "story-1"):  # one story's plan never wiped the other's rows
        mine = [r for r in rows if r.key.startswith(f"{story}/")]
        assert {r.label for r in mine} >= {f"{story}: {name}" for name in outlet_names(3)}
        assert all(r.state in progress.FINISHED for r in mine)


def test_a_big_story_is_briefed_from_its_most_central_articles_as_brief_does(
    tmp_path: Path,
) -> None:
    folder = stories(tmp_path / "in", 1, outlets=4)
    out = tmp_path / "out.jsonl"
    args = ["batch", str(folder), "--engine", "extractive", "--max-sources", "2"]
    assert main([*args, "--out", str(out)]) == 0
    [line] = lines(out)
    alone = to_jsonable(
        pipeline.brief(
            [str(folder / "story-0")], engine="extractive", max_sources=2, warn=lambda _: None
        )
    )
    assert len(line["sources"]) == 2 and any("most central" in n for n in line["notes"])
    assert stable({k: v for k, v in line.items() if k != "id"}) == stable(alone)
