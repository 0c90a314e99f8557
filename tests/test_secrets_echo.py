"""Endpoints that echo what they were sent: the API key must not come back out of the client in
any encoding (raw, base64 at any offset, URL-encoded) — not in answers, the response cache,
error lines or `check --judge` JSON — and server-chosen model ids are printed escaped.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from newsdesk import Call, NewsModel, write_articles
from stubserver import StubServer, reply, status

from summarizer.cli import main

OUTLETS = ["Alpha Times", "Bravo News"]
_B64 = re.compile(r"[A-Za-z0-9+/_-]{12,}")


def leaks(data: bytes | str, key: str) -> list[str]:
    """Every way ``key`` can be read back from ``data``: raw, percent-encoded, or inside any
    base64 run (standard or URL-safe), whatever its alignment."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    found = [form for form in (key, urllib.parse.quote(key, safe="")) if form in text]
    probe = key[3:15].encode()  # 12 bytes from the key's middle
    for run in _B64.findall(text):
        for skip in range(4):
            chunk = run[skip:]
            chunk = chunk[: len(chunk) - len(chunk) % 4]
            for decode in (base64.b64decode, base64.urlsafe_b64decode):
                try:
                    decoded = decode(chunk)
                except ValueError:
                    continue
                if probe in decoded:
                    found.append(f"base64 {run[:20]}…")
    return found


def echoes(key: str) -> str:
    """A server's message that repeats the key as it was sent, and encoded in several ways."""
    auth = f"Bearer {key}"
    return " ".join(
        [
            f"got {auth}",
            base64.b64encode(auth.encode()).decode(),
            base64.b64encode(key.encode()).decode(),
            base64.b64encode(json.dumps({"authorization": auth}).encode()).decode(),
            base64.urlsafe_b64encode(b"x" + key.encode() + b"yz").decode(),
            urllib.parse.quote(key, safe=""),
        ]
    )


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    value = f"sk-canary-{secrets.token_hex(16)}"
    monkeypatch.setenv("OPENAI_API_KEY", value)
    return value


def test_leaks_helper_finds_every_form(key: str) -> None:
    assert len(leaks(echoes(key), key)) >= 6
    assert leaks("nothing to see " + base64.b64encode(b"other text entirely").decode(), key) == []


def test_key_echoed_in_answers_reaches_no_output_and_no_cache(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news = write_articles(tmp_path / "news", OUTLETS)

    def echo(call: Call) -> Any:
        # The claims answer quotes a sentence and appends what the server saw in the header.
        if call.kind != "claims":
            return None
        n, text = call.sentences[0]
        claim = {"sentences": [n], "text": f"{text} {echoes(key)} {{authorization}}"}
        return reply(json.dumps({"claims": [claim]}), echo_auth=True)

    out = tmp_path / "briefing.json"
    with StubServer(NewsModel(echo)) as stub:
        code = main(
            ["-v", "brief", str(news), "--base-url", stub.base_url, "--model", "stub",
             "--format", "json", "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
        )  # fmt: skip
        assert all(r.headers["authorization"] == f"Bearer {key}" for r in stub.chat_requests)
    assert code == 0
    captured = capsys.readouterr()
    cache_files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert cache_files
    places: list[tuple[str, bytes | str]] = [
        ("briefing", out.read_bytes()),
        ("stdout", captured.out),
        ("stderr", captured.err),
        *[(str(p), p.read_bytes()) for p in cache_files],
    ]
    for where, data in places:
        assert leaks(data, key) == [], f"the key leaked into {where}"


def test_key_echoed_in_a_401_reaches_no_error_line_and_no_judge_json(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sources = write_articles(tmp_path / "news", OUTLETS)
    summary = tmp_path / "summary.txt"
    summary.write_text("Floods closed a bridge for several days.\n", encoding="utf-8")
    rejection = status(401, {"error": {"message": echoes(key), "code": "invalid_api_key"}})
    with StubServer(lambda body: rejection) as stub:
        judged = main(
            ["check", "--sources", str(sources), "--summary", str(summary), "--judge",
             "--base-url", stub.base_url, "--model", "stub", "--format", "json",
             "--cache-dir", str(tmp_path / "cache")]
        )  # fmt: skip
        judge_out = capsys.readouterr()
        briefed = main(
            ["brief", str(sources), "--base-url", stub.base_url, "--model", "stub",
             "--cache-dir", str(tmp_path / "cache")]
        )  # fmt: skip
        brief_out = capsys.readouterr()
    report = json.loads(judge_out.out)
    verdicts = [c["judge"] for c in report["claims"]]
    assert verdicts and all(v.startswith("ERROR: ") and "HTTP 401" in v for v in verdicts)
    assert briefed == 1 and "HTTP 401 Unauthorized" in brief_out.err
    assert judged in (0, 1)
    for where, data in [
        ("check --judge stdout", judge_out.out),
        ("check --judge stderr", judge_out.err),
        ("brief stderr", brief_out.err),
    ]:
        assert leaks(data, key) == [], f"the key leaked into {where}"


def test_model_ids_from_the_server_are_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news = write_articles(tmp_path / "news", OUTLETS)
    forged = "m\nsummarizer: error: forged\x1b[31m"
    with StubServer(NewsModel(), models=[forged]) as stub:
        code = main(
            ["brief", str(news), "--base-url", stub.base_url, "--format", "json",
             "--cache-dir", str(tmp_path / "cache")]
        )  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    assert json.loads(captured.out)["model"] == "m\\nsummarizer: error: forged\\x1b[31m"
    with StubServer(NewsModel(), models=[forged, "other\x07"]) as stub:
        code = main(["brief", str(news), "--base-url", stub.base_url, "--format", "json"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "\x1b" not in err and "\x07" not in err
    assert "m\\nsummarizer: error: forged\\x1b[31m" in err
