"""`summarizer brief` against a misbehaving model endpoint: every fault of docs/faults.md.

Real HTTP to the stub server on loopback; the stub "model" (tests/newsdesk.py) answers the
claims and merge prompts correctly unless a test's ``fault`` says otherwise. Backoff is made
tiny through a config file, so the whole file runs in seconds. Time is only ever bounded from
below (Retry-After honoured); the upper bounds are shown by request counts and error causes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from newsdesk import Call, NewsModel, article_sentences, write_articles
from stubserver import (
    Behaviour,
    Endless,
    StubServer,
    Trickle,
    context_length_exceeded,
    hang,
    invalid_json,
    rate_limited,
    reply,
    reset,
    server_error,
    slow,
    truncated,
    unauthorized,
)

from summarizer.cli import main
from summarizer.embedded import free_port

ROOT = Path(__file__).resolve().parent.parent
FAULTS_DOC = ROOT / "docs" / "faults.md"
OUTLETS = ["Alpha Times", "Bravo News", "Charlie Daily"]
BRAVO = article_sentences("Bravo News", 1, 6)


@pytest.fixture
def news(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "news", OUTLETS)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """Backoff is a config-file setting (there is no flag): make it tiny."""
    path = tmp_path / "config.toml"
    path.write_text("retry_backoff = 0.01\nretry_backoff_max = 0.05\n", encoding="utf-8")
    return path


class Run:
    """One `summarizer brief` run through the CLI, against a stub whose model is ``model``."""

    def __init__(self, news: Path, config: Path, tmp_path: Path, capsys: Any) -> None:
        self.news, self.config, self.tmp_path, self.capsys = news, config, tmp_path, capsys
        self.out = tmp_path / "briefing.json"
        self.err = ""

    def __call__(self, base_url: str, *extra: str) -> int:
        args = [
            "brief", str(self.news),
            "--base-url", base_url, "--model", "stub",
            "--format", "json", "--out", str(self.out),
            "--config", str(self.config), "--cache-dir", str(self.tmp_path / "cache"),
            "--timeout", "5", "--max-retries", "2", "--deadline", "60",
            *extra,
        ]  # fmt: skip
        code = main(args)
        self.err = self.capsys.readouterr().err
        assert "Traceback" not in self.err
        return code

    @property
    def briefing(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.out.read_text(encoding="utf-8"))
        return data


@pytest.fixture
def run(news: Path, config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(news, config, tmp_path, capsys)


def about_bravo(call: Call) -> bool:
    return call.kind == "claims" and any(call.mentions(s) for s in BRAVO)


def first_time(behaviour: Behaviour) -> NewsModel:
    """Every distinct request fails once with ``behaviour``, then is answered."""
    return NewsModel(lambda call: behaviour if call.nth == 0 else None)


def assert_all_llm(briefing: dict[str, Any]) -> None:
    """A healthy run: no notes, and every source's model claims made it into the points.

    (The llm engine tops a source's model claims up with extracts, so extractive points are
    normal too; what matters is that each source leads at least one model point.)"""
    assert briefing["notes"] == []
    assert {s["name"] for s in briefing["sources"]} == set(OUTLETS)
    methods = {(p["citations"][0], p["method"]) for p in briefing["points"]}
    assert {m for _, m in methods} <= {"llm", "extractive"}
    assert {s for s, m in methods if m == "llm"} == {s["id"] for s in briefing["sources"]}


def assert_bravo_fell_back(briefing: dict[str, Any], cause: str) -> None:
    """Bravo's note names it and the cause; its points are extractive, the others' are not."""
    (note,) = [n for n in briefing["notes"] if not n.startswith("merge:")]
    assert note.startswith("Bravo News: model step failed") and cause in note, note
    methods = {(p["citations"][0], p["method"]) for p in briefing["points"]}
    assert {m for s, m in methods if s == "bravo-news"} == {"extractive"}
    assert {s for s, m in methods if m == "llm"} == {"alpha-times", "charlie-daily"}


# --- rate limits ------------------------------------------------------------------------------


def test_rate_limit_with_retry_after_is_honoured(run: Run) -> None:
    model = first_time(rate_limited(retry_after=1))
    with StubServer(model) as stub:
        assert run(stub.base_url) == 0
    assert_all_llm(run.briefing)
    for call in model.calls:
        if call.nth == 1:
            first = next(c for c in model.calls if c.body == call.body and c.nth == 0)
            assert call.at - first.at >= 1.0  # waited the server's Retry-After
    assert {c.nth for c in model.calls} == {0, 1}


def test_retry_after_beyond_the_deadline_is_not_waited_for(run: Run) -> None:
    model = NewsModel(lambda call: rate_limited(retry_after=120) if about_bravo(call) else None)
    with StubServer(model) as stub:
        assert run(stub.base_url, "--deadline", "30") == 0
    assert len(model.claims_calls_about(BRAVO)) == 1  # no retry: it could not finish in time
    assert_bravo_fell_back(run.briefing, "too little to retry")


def test_rate_limit_without_retry_after_backs_off_and_retries(run: Run) -> None:
    model = first_time(rate_limited())
    with StubServer(model) as stub:
        assert run(stub.base_url) == 0
    assert_all_llm(run.briefing)
    assert max(c.nth for c in model.calls) == 1  # one retry each, then answered


# --- server errors, resets, garbled bodies ----------------------------------------------------


@pytest.mark.parametrize("code", [500, 502, 503])
def test_server_errors_are_retried(run: Run, code: int) -> None:
    model = first_time(server_error(code))
    with StubServer(model) as stub:
        assert run(stub.base_url) == 0
    assert_all_llm(run.briefing)
    assert max(c.nth for c in model.calls) == 1


def test_connection_reset_is_retried(run: Run) -> None:
    model = first_time(reset())
    with StubServer(model) as stub:
        assert run(stub.base_url) == 0
    assert_all_llm(run.briefing)


def test_invalid_json_body_is_retried(run: Run) -> None:
    model = first_time(invalid_json())
    with StubServer(model) as stub:
        assert run(stub.base_url) == 0
    assert_all_llm(run.briefing)


def test_unusable_answer_is_asked_again_once_then_falls_back(run: Run) -> None:
    model = NewsModel(
        lambda call: "Sure! Here are the facts you asked for." if about_bravo(call) else None
    )
    with StubServer(model) as stub:
        assert run(stub.base_url) == 0
    asked = model.claims_calls_about(BRAVO)
    assert len(asked) == 2  # the question, then one re-ask carrying the error
    assert len(asked[1].body["messages"]) == 4
    assert_bravo_fell_back(run.briefing, "unusable JSON twice")


def test_source_that_keeps_failing_falls_back_to_extractive(run: Run) -> None:
    model = NewsModel(lambda call: server_error(503) if about_bravo(call) else None)
    with StubServer(model) as stub:
        assert run(stub.base_url, "--max-retries", "3") == 0
    assert len(model.claims_calls_about(BRAVO)) == 4  # max_retries + 1
    assert_bravo_fell_back(run.briefing, "HTTP 503")


# --- hangs and slow answers -------------------------------------------------------------------


def test_hang_is_cut_by_the_timeout_and_attempts_are_bounded(run: Run) -> None:
    model = NewsModel(lambda call: hang(30) if about_bravo(call) else None)
    with StubServer(model) as stub:
        assert run(stub.base_url, "--timeout", "2", "--max-retries", "1") == 0
    assert len(model.claims_calls_about(BRAVO)) == 2  # max_retries + 1, each cut at --timeout
    assert_bravo_fell_back(run.briefing, "timed out: no token for 2s (gave up after 2 attempts)")


def test_slow_answers_within_the_timeout_are_fine(run: Run) -> None:
    model = NewsModel(lambda call: slow(0.3, model_answer(call)))
    with StubServer(model) as stub:
        assert run(stub.base_url, "--timeout", "5") == 0
    assert_all_llm(run.briefing)
    assert {c.nth for c in model.calls} == {0}  # nothing was retried


def model_answer(call: Call) -> str:
    return NewsModel().answer(call)


def test_deadline_keeps_finished_sources_and_falls_back_for_the_rest(run: Run) -> None:
    model = NewsModel(lambda call: hang(30) if about_bravo(call) else None)
    with StubServer(model) as stub:
        assert run(stub.base_url, "--timeout", "30", "--deadline", "1.5") == 0
    assert len(model.claims_calls_about(BRAVO)) == 1  # the deadline cut the only attempt
    assert_bravo_fell_back(run.briefing, "run deadline of 1.5s")


def test_deadline_with_nothing_finished_exits_1(run: Run) -> None:
    model = NewsModel(lambda call: hang(30))
    with StubServer(model) as stub:
        url = stub.base_url
        assert run(url, "--timeout", "30", "--deadline", "1") == 1
    assert run.err.count("\n") == 1
    assert run.err.startswith("summarizer: error: run deadline of 1s") and url in run.err
    assert len(model.calls) == len(OUTLETS)  # no retry past the deadline
    assert not run.out.exists()


def test_slow_answer_streaming_longer_than_the_timeout_is_not_cut(run: Run) -> None:
    # Each answer streams for about 5 s in all, a token every 0.05 s: over twice --timeout.
    model = NewsModel(lambda call: reply(model_answer(call), token_delay=0.05))
    with StubServer(model) as stub:
        assert run(stub.base_url, "--timeout", "2") == 0
    assert_all_llm(run.briefing)
    assert {c.nth for c in model.calls} == {0}  # nothing was cut, so nothing was retried


# --- answers that never end ---------------------------------------------------------------------


def test_server_trickling_bytes_is_cut_by_the_timeout(run: Run) -> None:
    # One byte every 0.2 s: bytes keep coming but no token ever completes.
    trickle = Trickle(b"data: " + b"x" * 100_000, interval=0.2)
    model = NewsModel(lambda call: trickle if about_bravo(call) else None)
    with StubServer(model) as stub:
        assert run(stub.base_url, "--timeout", "2", "--max-retries", "1") == 0
    assert len(model.claims_calls_about(BRAVO)) == 2  # max_retries + 1, each cut at --timeout
    assert_bravo_fell_back(run.briefing, "no token for 2s")


def test_server_trickling_bytes_cannot_outlast_the_deadline(run: Run) -> None:
    trickle = Trickle(b"data: " + b"x" * 100_000, interval=0.2)
    model = NewsModel(lambda call: trickle if about_bravo(call) else None)
    with StubServer(model) as stub:
        assert run(stub.base_url, "--timeout", "60", "--deadline", "3") == 0
    assert_bravo_fell_back(run.briefing, "run deadline of 3s passed while")


def test_never_ending_body_is_cut_at_the_byte_bound(run: Run) -> None:
    model = NewsModel(lambda call: Endless() if about_bravo(call) else None)
    with StubServer(model) as stub:
        assert run(stub.base_url, "--max-retries", "1") == 0
    assert len(model.claims_calls_about(BRAVO)) == 2
    assert_bravo_fell_back(run.briefing, "answer larger than")


def test_answer_nested_100k_deep_is_refused_and_never_cached(run: Run) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    model = NewsModel(lambda call: deep if about_bravo(call) else None)
    with StubServer(model) as stub:
        assert run(stub.base_url, "--max-retries", "0") == 0
        assert_bravo_fell_back(run.briefing, "than max_tokens=200 allows")
        first = len(model.claims_calls_about(BRAVO))
        assert run(stub.base_url, "--max-retries", "0") == 0  # the re-run asks again
    assert len(model.claims_calls_about(BRAVO)) == 2 * first
    assert_bravo_fell_back(run.briefing, "than max_tokens=200 allows")


def test_nested_json_within_the_size_bound_is_refused_and_never_cached(run: Run) -> None:
    deep = "[" * 1500 + "]" * 1500  # deeper than the JSON parser goes, short enough to arrive
    model = NewsModel(lambda call: deep if about_bravo(call) else None)
    with StubServer(model) as stub:
        assert run(stub.base_url) == 0
        assert_bravo_fell_back(run.briefing, "nested too deeply")
        assert run(stub.base_url) == 0
    assert len(model.claims_calls_about(BRAVO)) == 4  # asked and re-asked, on both runs
    assert_bravo_fell_back(run.briefing, "nested too deeply")


def test_claim_of_thousands_of_sentences_is_refused_before_verification(run: Run) -> None:
    huge = "The river rose again overnight. " * 20_000

    def claim(call: Call) -> Behaviour | str | None:
        if not about_bravo(call):
            return None
        return json.dumps({"claims": [{"sentences": [1], "text": huge}]})

    model = NewsModel(claim)
    with StubServer(model) as stub:
        assert run(stub.base_url, "--max-retries", "0", "--deadline", "30") == 0
    assert_bravo_fell_back(run.briefing, "than max_tokens=200 allows")


# --- truncated output and context length ------------------------------------------------------


def test_truncated_answer_keeps_its_complete_claims_and_is_not_retried(run: Run) -> None:
    kept_text: list[str] = []

    def cut(call: Call) -> Behaviour | None:
        if not about_bravo(call):
            return None
        n, text = call.sentences[0]
        kept_text.append(text)
        partial = json.dumps({"claims": [{"sentences": [n], "text": text}]})[:-2]
        return truncated(partial + ', {"sentences": [2], "text": "The gover')

    model = NewsModel(cut)
    with StubServer(model) as stub:
        assert run(stub.base_url) == 0
    assert len(model.claims_calls_about(BRAVO)) == 1
    briefing = run.briefing
    assert briefing["notes"] == []
    bravo = [p for p in briefing["points"] if p["citations"][0] == "bravo-news"]
    kept = [p for p in bravo if p["method"] == "llm"]  # the one complete claim, verified
    assert len(kept) == 1 and kept[0]["text"] == kept_text[0]
    assert not any("The gover" in p["text"] for p in briefing["points"])


def test_truncated_answer_without_a_complete_claim_falls_back(run: Run) -> None:
    model = NewsModel(lambda call: truncated('{"claims": [{"sent') if about_bravo(call) else None)
    with StubServer(model) as stub:
        assert run(stub.base_url) == 0
    assert len(model.claims_calls_about(BRAVO)) == 1  # finish_reason "length" is not retried
    assert_bravo_fell_back(run.briefing, "cut off at max_tokens")


def test_context_length_error_shrinks_the_input_instead_of_retrying(run: Run, news: Path) -> None:
    long_bravo = article_sentences("Bravo News", 1, 40)
    (news / "bravo-news-1.md").write_text(
        "---\nsource: Bravo News\n---\n" + "\n\n".join(long_bravo) + "\n", encoding="utf-8"
    )

    first: list[int] = []  # the size of the first prompt; "the model" takes half of it

    def too_long(call: Call) -> Behaviour | None:
        if not (call.kind == "claims" and any(call.mentions(s) for s in long_bravo)):
            return None
        first.append(len(call.sentences)) if not first else None
        return context_length_exceeded() if len(call.sentences) > first[0] // 2 else None

    model = NewsModel(too_long)
    with StubServer(model) as stub:
        assert run(stub.base_url) == 0
    asked = model.claims_calls_about(long_bravo)
    assert len(asked) >= 2
    refused = asked[0]
    assert len(refused.sentences) >= 6
    assert sum(c.body == refused.body for c in model.calls) == 1  # never sent as-is again
    sizes = [len(c.sentences) for c in asked]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == len(sizes)
    assert sizes[-1] <= sizes[0] // 2  # the prompt that fitted
    assert run.briefing["notes"] == []
    bravo = [p for p in run.briefing["points"] if p["citations"][0] == "bravo-news"]
    assert "llm" in {p["method"] for p in bravo}


# --- the endpoint down for good ---------------------------------------------------------------


def test_endpoint_refusing_connections_exits_1_with_one_line(run: Run) -> None:
    port = free_port()  # nothing listens there
    base_url = f"http://127.0.0.1:{port}/v1"
    assert run(base_url, "--max-retries", "1") == 1
    assert run.err.count("\n") == 1
    assert run.err.startswith(f"summarizer: error: {base_url}: connection refused")
    assert "gave up after 2 attempts" in run.err
    assert not run.out.exists()


def test_endpoint_always_503_exits_1_with_one_line(run: Run) -> None:
    model = NewsModel(lambda call: server_error(503))
    with StubServer(model) as stub:
        url = stub.base_url
        assert run(url, "--max-retries", "2") == 1
    assert run.err.count("\n") == 1
    assert run.err.startswith(f"summarizer: error: {url}: HTTP 503 Service Unavailable")
    assert "gave up after 3 attempts" in run.err
    assert len(model.calls) == len(OUTLETS) * 3  # max_retries + 1 per source, then no merge
    assert not run.out.exists()


def test_bad_api_key_is_not_retried_and_exits_1(run: Run) -> None:
    model = NewsModel(lambda call: unauthorized())
    with StubServer(model) as stub:
        url = stub.base_url
        assert run(url) == 1
    assert run.err.count("\n") == 1
    assert run.err.startswith(f"summarizer: error: {url}: HTTP 401 Unauthorized")
    assert len(model.calls) == len(OUTLETS)  # one request per source, none retried


# --- resuming from the cache ------------------------------------------------------------------


def test_finished_sources_are_cached_and_the_next_run_resumes(run: Run) -> None:
    failing = NewsModel(lambda call: server_error(503) if about_bravo(call) else None)
    healthy = NewsModel()
    # One server for both runs: the cache key names the endpoint, and so its port.
    with StubServer(failing) as stub:
        assert run(stub.base_url) == 0
        assert_bravo_fell_back(run.briefing, "HTTP 503")
        done = [c for c in failing.of_kind("claims") if not about_bravo(c)]
        assert len(done) == 2  # Alpha and Charlie answered

        stub.responder = healthy
        assert run(stub.base_url) == 0
    claims = healthy.of_kind("claims")
    assert claims and all(about_bravo(c) for c in claims)  # nothing asked again for the others
    assert not any(c.body == d.body for c in healthy.calls for d in done)
    assert_all_llm(run.briefing)
    usage = run.briefing["usage"]
    # Alpha's and Charlie's claims came from the cache (and the lede, when its facts repeat).
    assert usage["cached_calls"] >= 2
    assert usage["llm_calls"] - usage["cached_calls"] == len(healthy.calls)


# --- the fault table in docs/faults.md is kept true -------------------------------------------


def fault_rows() -> list[list[str]]:
    rows = []
    for line in FAULTS_DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 4 and not set(cells[0]) <= set("-: "):
            rows.append(cells)
    return [row for row in rows if row[0] != "Fault"]  # not the tables' headers


def test_fault_table_names_tests_that_exist() -> None:
    rows = fault_rows()
    assert len(rows) >= 12
    tests = Path(__file__).parent.glob("test_*.py")
    defined = {
        name
        for path in tests
        for name in re.findall(r"^def (test_\w+)", path.read_text(), re.MULTILINE)
    }
    for row in rows:
        named = re.findall(r"`(test_\w+)`", row[-1])
        assert named, f"fault row without a test: {row[0]}"
        missing = [n for n in named if n not in defined]
        assert not missing, f"{row[0]}: no such test in tests/: {missing}"
