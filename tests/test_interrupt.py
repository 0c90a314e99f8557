"""Ctrl-C and start-up: an interrupted run stops at once (calls in flight are cut, queued work is
dropped), keeps its finished calls in the cache and prints one line; `--help` imports none of
the heavy libraries. Subprocesses against the stub server; the bounds on waiting are far below
the stuck calls' own timeouts, so a run that waited for them would fail.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from newsdesk import Call, NewsModel, article_sentences, write_articles
from stubserver import Behaviour, StubServer, hang, reply

ROOT = Path(__file__).resolve().parent.parent
OUTLETS = ["Alpha Times", "Bravo News", "Charlie Daily"]
HEAVY = ["openai", "httpx2", "trafilatura", "lxml", "numpy", "tiktoken", "jinja2", "rich",
         "tenacity", "yaml", "charset_normalizer", "llama_cpp"]  # fmt: skip


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}


@pytest.mark.parametrize("command", [[], ["brief"], ["prepare"], ["check"], ["eval"], ["nightly"]])
def test_help_imports_no_heavy_library(command: list[str]) -> None:
    code = (
        "import json, sys\n"
        "from summarizer.cli import main\n"
        "try:\n"
        f"    main({[*command, '--help']!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env(), cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    *_, last = done.stdout.strip().splitlines()
    assert json.loads(last) == []
    assert "usage: summarizer" in done.stdout


def test_ctrl_c_cuts_the_calls_in_flight_keeps_the_cache_and_says_one_line(
    tmp_path: Path,
) -> None:
    folder = write_articles(tmp_path / "news", OUTLETS)
    bravo = article_sentences("Bravo News", 1, 6)
    charlie = article_sentences("Charlie Daily", 1, 6)

    def stuck(call: Call) -> Behaviour | None:
        if call.kind != "claims":
            return None
        if any(map(call.mentions, bravo)):
            return hang(120)  # says nothing at all
        if any(map(call.mentions, charlie)):  # streams, very slowly
            return reply(NewsModel().answer(call), token_delay=5.0)
        return None  # Alpha is answered at once

    model = NewsModel(stuck)
    cache = tmp_path / "cache"
    with StubServer(model) as stub:
        command = [
            sys.executable, "-m", "summarizer", "brief", str(folder), "--base-url",
            stub.base_url, "--model", "stub", "--cache-dir", str(cache), "--timeout", "120",
        ]  # fmt: skip
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env()
        )
        give_up = time.monotonic() + 60
        while len(model.of_kind("claims")) < 3 and time.monotonic() < give_up:
            time.sleep(0.05)
        assert len(model.of_kind("claims")) == 3
        time.sleep(1.0)  # Alpha's answer is read and stored; Charlie is streaming
        child.send_signal(signal.SIGINT)
        time.sleep(0.05)
        child.send_signal(signal.SIGINT)  # a second, impatient Ctrl-C
        out, err = child.communicate(timeout=20)  # the stuck calls would take 120 s
        assert child.returncode == 130
        assert err == "summarizer: interrupted\n"
        assert out == ""
        give_up = time.monotonic() + 10
        while stub.disconnects == 0 and time.monotonic() < give_up:
            time.sleep(0.05)
        assert stub.disconnects >= 1  # the streaming answer's connection was closed

        # The next run asks only for what did not finish: Alpha comes from the cache.
        model.fault = None
        asked_before = len(model.of_kind("claims"))
        again = subprocess.run(
            [*command[:-2], "--timeout", "10", "--format", "json"],
            capture_output=True,
            text=True,
            env=env(),
            timeout=120,
        )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["usage"]["cached_calls"] >= 1
    alpha = article_sentences("Alpha Times", 1, 6)
    new_claims = model.of_kind("claims")[asked_before:]
    assert new_claims and not any(any(map(c.mentions, alpha)) for c in new_claims)
