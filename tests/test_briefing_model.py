"""End to end on the real embedded model (SmolLM2 via llama.cpp): slow, marked `model`.

The work is bounded (two sources, the default answer sizes) so the test passes on a loaded
2-core machine well inside pytest's timeout; no wall-clock assertion.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import psutil
import pytest

from summarizer.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs" / "briefing.schema.json").read_text())
SOURCES = sorted((ROOT / "seeds").iterdir())[:2]


@pytest.fixture
def two_seeds(tmp_path: Path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in SOURCES:
        shutil.copy(path, folder / path.name)
    return folder


def brief(folder: Path, out: Path, cache: Path) -> int:
    args = ["brief", str(folder), "--format", "json", "--out", str(out), "--cache-dir", str(cache)]
    return main(args)


@pytest.mark.model
def test_brief_with_the_embedded_model(two_seeds: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "briefing.json", tmp_path / "cache"
    assert brief(two_seeds, out, cache) == 0
    data = json.loads(out.read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["engine"] == "llm"
    assert data["model"] == "SmolLM2-135M-Instruct"
    assert not [n for n in data["notes"] if "model step failed" in n]  # no source fell back
    assert data["usage"]["llm_calls"] >= 2 and data["usage"]["prompt_tokens"] > 0
    assert data["points"]
    texts = {s["id"]: s for s in data["sources"]}
    for point in data["points"]:
        assert point["verified"] and set(point["citations"]) <= set(texts)
    # Rerun: everything comes from the cache, nothing is asked again.
    again = tmp_path / "again.json"
    assert brief(two_seeds, again, cache) == 0
    usage = json.loads(again.read_text())["usage"]
    assert usage["cached_calls"] == usage["llm_calls"]


@pytest.mark.model
def test_ctrl_c_during_a_brief_stops_the_server_and_says_one_line(
    two_seeds: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env["SUMMARIZER_CACHE_DIR"] = str(tmp_path / "cache")
    child = subprocess.Popen(
        [sys.executable, "-m", "summarizer", "brief", str(two_seeds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    parent = psutil.Process(child.pid)
    server = None
    give_up = time.monotonic() + 120
    while server is None and time.monotonic() < give_up and child.poll() is None:
        servers = [p for p in parent.children(recursive=True) if "llama_cpp.server" in p.cmdline()]
        server = servers[0] if servers else None
        time.sleep(0.2)
    assert server is not None, "the embedded server never started"
    # Interrupt in the middle of a call: once the client is connected and tokens flow.
    while time.monotonic() < give_up and not any(
        c.status == psutil.CONN_ESTABLISHED for c in server.net_connections(kind="tcp")
    ):
        time.sleep(0.2)
    time.sleep(3)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)  # the rest of the run would take far longer
    assert child.returncode == 130
    # One line for the interruption (the seeds name no outlet: a naming hint comes before it).
    assert [line for line in err.splitlines() if not line.startswith("summarizer: hint:")] == [
        "summarizer: interrupted"
    ]
    assert out == ""
    assert not psutil.pid_exists(server.pid) or server.status() == psutil.STATUS_ZOMBIE
