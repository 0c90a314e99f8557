"""Live progress: the board's numbers, its drawing on a terminal, and a warning line per
fallback as it happens, on a terminal or not."""

from __future__ import annotations

import io
import logging
import os
import pty
import select
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from newsdesk import Call, NewsModel, article_sentences, write_articles
from rich.console import Console
from stubserver import StubServer, reply, unauthorized

from summarizer import pipeline, progress
from summarizer.progress import Board
from summarizer.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
OUTLETS = ["Alpha Times", "Bravo News", "Charlie Daily"]
BRAVO = article_sentences("Bravo News", 1, 6)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_board_tracks_states_tokens_rates_and_eta() -> None:
    clock = Clock()
    board = Board(clock)
    board.plan([("a", "Alpha"), ("b", "Bravo"), ("c", "Charlie"), ("d", "Delta")])
    assert board.eta() is None and "0/4 done" in board.summary()
    board.update("a", "waiting")
    clock.now += 2
    board.update("a", "asking")
    clock.now += 4
    board.add_tokens("a", 20)
    view = {v.key: v for v in board.snapshot()}["a"]
    assert (view.state, view.tokens, view.seconds) == ("asking", 20, 6.0)
    assert view.tokens_per_second == pytest.approx(5.0)  # 20 tokens in 4 s of asking
    board.update("a", "done")
    board.update("b", "fallback")
    clock.now += 4
    views = {v.key: v for v in board.snapshot()}
    assert views["a"].seconds == 6.0  # frozen when it finished
    assert views["c"].state == "queued" and views["c"].seconds == 0
    # 2 of 4 finished in the 10 s since the first started: 2 more take about 10 s.
    assert board.eta() == pytest.approx(10.0)
    assert board.summary() == "2/4 done · 1 fell back · ETA 0:10"


def test_reports_without_a_board_go_nowhere_and_with_one_reach_it() -> None:
    progress.update("asking", key="x")  # no board: nothing happens, nothing fails
    board = Board()
    with progress.tracking(board):
        progress.plan([("x", "X")])
        with progress.task("x"):
            progress.update("asking")
            progress.tokens(3)
    (view,) = board.snapshot()
    assert (view.state, view.tokens) == ("asking", 3)


def test_the_board_draws_a_line_per_task_and_a_summary() -> None:
    board = Board()
    board.plan([("a", "Alpha Times"), ("b", "Bravo\x1b[31m News")])
    board.update("a", "asking")
    board.add_tokens("a", 5)
    board.update("b", "fallback")
    out = io.StringIO()
    Console(file=out, width=100, force_terminal=False).print(progress._Renderable(board))
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].split()[:3] == ["Alpha", "Times", "asking"] and "tok/s" in lines[0]
    assert "Bravo\\x1b[31m News" in lines[1] and "fallback" in lines[1]  # escaped, not obeyed
    assert lines[2].startswith("1/2 done · 1 fell back")


def test_a_big_board_shows_active_tasks_only() -> None:
    board = Board()
    board.plan([(f"s{i}", f"Source {i}") for i in range(40)])
    for i in range(30):
        board.update(f"s{i}", "done")
    board.update("s30", "asking")
    board.update("s31", "fallback")
    assert [v.key for v in progress.rows(board)] == ["s30", "s31"]


def test_each_fallback_is_a_warning_as_it_happens(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Bravo is refused at once; Alpha's answer is held back until Bravo's warning was logged,
    so the warning cannot have waited for the end of the run."""
    warned = threading.Event()
    seen_before_alpha: list[bool] = []

    class Spy(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno == logging.WARNING and "Bravo News" in record.getMessage():
                warned.set()

    def fault(call: Call) -> Any:
        if call.kind != "claims":
            return None
        if any(map(call.mentions, BRAVO)):
            return unauthorized()
        seen_before_alpha.append(warned.wait(timeout=30))
        return None

    spy = Spy()
    logging.getLogger("summarizer").addHandler(spy)
    try:
        corpus = pipeline.prepare([str(write_articles(tmp_path / "news", OUTLETS))])
        with StubServer(NewsModel(fault)) as stub:
            settings = Settings(base_url=stub.base_url, model="stub", cache_dir=tmp_path / "c")
            briefing = pipeline.brief_corpus(corpus, settings=settings)
    finally:
        logging.getLogger("summarizer").removeHandler(spy)
    assert seen_before_alpha and all(seen_before_alpha)
    assert [n.split(":")[0] for n in briefing.notes] == ["Bravo News"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [w for w in warnings if "model step failed" in w] == [
        next(w for w in warnings if w.startswith("Bravo News: model step failed"))
    ]


def brief_command(folder: Path, base_url: str, cache: Path) -> list[str]:
    return [
        sys.executable, "-m", "summarizer", "brief", str(folder), "--base-url", base_url,
        "--model", "stub", "--cache-dir", str(cache), "--format", "json",
    ]  # fmt: skip


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}


def test_piped_stderr_gets_the_fallback_warning_and_no_board(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "news", OUTLETS)
    model = NewsModel(lambda call: unauthorized() if any(map(call.mentions, BRAVO)) else None)
    with StubServer(model) as stub:
        done = subprocess.run(
            brief_command(folder, stub.base_url, tmp_path / "c"),
            capture_output=True,
            text=True,
            env=clean_env(),
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("summarizer: warning: Bravo News: model step failed (")
    assert "HTTP 401" in lines[0]


def test_a_terminal_gets_the_live_board(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "news", OUTLETS)
    model = NewsModel(
        lambda call: (
            reply(NewsModel().answer(call), token_delay=0.05) if call.kind == "claims" else None
        )
    )
    master, slave = pty.openpty()
    with StubServer(model) as stub:
        child = subprocess.Popen(
            brief_command(folder, stub.base_url, tmp_path / "c"),
            stdout=subprocess.DEVNULL,
            stderr=slave,
            env={**clean_env(), "TERM": "xterm", "COLUMNS": "100"},
        )
        os.close(slave)
        seen = bytearray()
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            seen += data
        code = child.wait(timeout=60)
    os.close(master)
    text = seen.decode("utf-8", "replace")
    assert code == 0, text
    for outlet in OUTLETS:
        assert outlet in text
    assert "asking" in text and "tok/s" in text and "done" in text
    assert "summarizer: [3/3] summarised" in text
