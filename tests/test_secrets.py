"""Secrets never leave the environment: a canary API key and a canary SMTP password go through
every command at DEBUG level, against healthy, failing and key-echoing endpoints; then every file
the runs wrote, everything they printed and everything they logged is searched for them.

The key may only travel in the Authorization header of requests to the configured endpoint.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from newsdesk import NewsModel, article_sentences, write_articles
from smtpbox import SmtpServer, auth_plain
from stubserver import StubServer, server_error, status

from summarizer.cli import main
from summarizer.embedded import free_port

ROOT = Path(__file__).resolve().parent.parent
DAY = "2026-11-21"
OUTLETS = ["Alpha Times", "Bravo News", "Charlie Daily"]


def forms(secret: str) -> list[str]:
    """The secret as it could leak: plain, and base64 as SMTP AUTH and Basic auth carry it."""
    plain = secret.encode()
    return [
        secret,
        base64.b64encode(plain).decode(),
        base64.b64encode(b"\0mailer\0" + plain).decode(),  # AUTH PLAIN
    ]


class Mailbox:
    """An SMTP server on loopback that requires AUTH with one user and password."""

    def __init__(self, password: str) -> None:
        self.password = password
        self.logins: list[tuple[str, str]] = []
        self.envelopes: list[Envelope] = []
        self.port = free_port()
        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self._authenticate,
            auth_require_tls=False,
            auth_required=True,
        )

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if isinstance(data, LoginPassword):
            login, password = data.login.decode(), data.password.decode()
            self.logins.append((login, password))
            return AuthResult(success=(login, password) == ("mailer", self.password), handled=False)
        return AuthResult(success=False, handled=False)


@pytest.fixture
def canaries(monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    key = f"sk-canary-{secrets.token_hex(12)}"
    password = f"canary-smtp-{secrets.token_hex(12)}"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    monkeypatch.setenv("SUMMARIZER_SMTP_PASSWORD", password)
    return key, password


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = write_articles(tmp_path / "inbox", OUTLETS)
    noon = dt.datetime.combine(dt.date.fromisoformat(DAY), dt.time(12)).timestamp()
    for path in folder.iterdir():
        os.utime(path, (noon, noon))
    return folder


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.DEBUG)
    yield caplog


def echo_key(body: Any, key: str) -> Any:
    """A server that repeats the key it was sent in its error message, as some proxies do."""
    return status(401, {"error": {"message": f"Incorrect API key provided: {key}.", "code": None}})


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_canaries_appear_nowhere(
    canaries: tuple[str, str],
    inbox: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    key, password = canaries
    cache, state, out = tmp_path / "cache", tmp_path / "state", tmp_path / "out"
    out.mkdir()
    config = tmp_path / "config.toml"
    config.write_text("retry_backoff = 0.01\nretry_backoff_max = 0.05\n", encoding="utf-8")
    printed: list[str] = []

    def run(*args: str) -> int:
        code = main(["-v", *args])
        captured = capsys.readouterr()
        printed.extend([captured.out, captured.err])
        return code

    def brief(base_url: str, name: str, *extra: str) -> int:
        return run(
            "brief", str(inbox), "--base-url", base_url, "--model", "stub",
            "--cache-dir", str(cache), "--out", str(out / name),
            "--timeout", "2", "--max-retries", "1", "--config", str(config), *extra,
        )  # fmt: skip

    def nightly(base_url: str, *extra: str) -> int:
        return run(
            "nightly", "--inbox", str(inbox), "--to", "alice@example.com",
            "--from", "briefings@example.org", "--state-dir", str(state), "--date", DAY,
            "--base-url", base_url, "--model", "stub", "--cache-dir", str(cache),
            "--timeout", "2", "--max-retries", "1", "--config", str(config), *extra,
        )  # fmt: skip

    model = NewsModel()
    requests = []
    with StubServer(model) as stub:
        # A healthy endpoint, every output format.
        assert brief(stub.base_url, "b.json", "--format", "json") == 0
        assert brief(stub.base_url, "b.md", "--format", "markdown", "--no-cache") == 0
        # One source failing (its error lands in the notes), then every call failing.
        bravo = article_sentences("Bravo News", 1, 6)
        model.fault = lambda call: server_error(500) if any(map(call.mentions, bravo)) else None
        assert brief(stub.base_url, "partial.json", "--format", "json", "--no-cache") == 0
        model.fault = lambda call: echo_key(call.body, key)
        assert brief(stub.base_url, "never.json", "--no-cache") == 1
        model.fault = None
        # Nightly: to the outbox, then over SMTP with AUTH, then with a refused password.
        assert nightly(stub.base_url, "--outbox", str(tmp_path / "outbox")) == 0
        mailbox = Mailbox(password)
        mailbox.controller.start()
        try:
            smtp = ("--smtp-host", "127.0.0.1", "--smtp-port", str(mailbox.port))
            assert nightly(stub.base_url, *smtp, "--smtp-user", "mailer", "--force") == 0
            mailbox.password = "something-else"
            assert nightly(stub.base_url, *smtp, "--smtp-user", "mailer", "--force") == 1
        finally:
            mailbox.controller.stop()
        requests = list(stub.requests)
    # An endpoint that is down.
    assert brief(f"http://127.0.0.1:{free_port()}/v1", "down.json") == 1

    assert len(mailbox.logins) >= 2  # the password was really used, and refused the 2nd time
    assert set(mailbox.logins) == {("mailer", password)}
    assert len(mailbox.envelopes) == 1
    assert any("HTTP 401" in text for text in printed)
    notes = json.loads((out / "partial.json").read_text())["notes"]
    assert any(n.startswith("Bravo News: model step failed") for n in notes)

    # The key travels only in the Authorization header.
    assert requests
    for request in requests:
        assert request.headers["authorization"] == f"Bearer {key}"
        assert key not in json.dumps(request.body)
        assert key not in request.path
        others = {k: v for k, v in request.headers.items() if k != "authorization"}
        assert key not in json.dumps(others)

    written = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(inbox)]
    names = {p.name for p in written}
    assert {"responses.sqlite3", "nightly.sqlite3", "email.eml", "b.json", "b.md"} <= names
    assert any(p.suffix == ".eml" and "outbox" in p.parts for p in written)
    haystacks = {str(p): p.read_bytes() for p in written}
    haystacks["stdout+stderr"] = "\n".join(printed).encode()
    haystacks["logs"] = debug_logs.text.encode()
    assert debug_logs.text  # DEBUG logging was on
    for secret in (key, password):
        for form in forms(secret):
            for where, data in haystacks.items():
                assert form.encode() not in data, f"a secret leaked into {where}"


def test_canary_key_not_in_debug_output_of_the_installed_command(tmp_path: Path) -> None:
    """As a user runs it, with the SDK's own debug logging switched on (OPENAI_LOG=debug)."""
    key = f"sk-canary-{secrets.token_hex(12)}"
    inbox = write_articles(tmp_path / "inbox", OUTLETS)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env.update(OPENAI_API_KEY=key, OPENAI_LOG="debug", SUMMARIZER_CACHE_DIR=str(tmp_path / "c"))
    with StubServer(NewsModel()) as stub:
        command = [
            sys.executable, "-m", "summarizer", "-v", "brief", str(inbox),
            "--base-url", stub.base_url, "--model", "stub", "--format", "json",
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
        assert all(r.headers["authorization"] == f"Bearer {key}" for r in stub.chat_requests)
    assert done.returncode == 0, done.stderr
    assert "DEBUG" in done.stderr
    assert key not in done.stdout and key not in done.stderr
    for path in (tmp_path / "c").rglob("*"):
        if path.is_file():
            assert key.encode() not in path.read_bytes()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_an_smtp_server_that_echoes_the_auth_data_leaks_it_nowhere(
    canaries: tuple[str, str],
    inbox: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    """The server repeats what the login sent (AUTH PLAIN base64 and the raw password) in its
    replies to RCPT and DATA after a good login, and in its 535 after a bad one; the nightly
    stores and prints server replies, so each must come out redacted."""
    _, password = canaries
    state = tmp_path / "state"
    printed: list[str] = []
    server = SmtpServer(user="mailer", password=password, echo=True)
    with server as box:
        args = [
            "-v", "nightly", "--inbox", str(inbox), "--to", "alice@example.com",
            "--from", "briefings@example.org", "--state-dir", str(state), "--date", DAY,
            "--engine", "extractive", "--smtp-host", "127.0.0.1", "--smtp-port", str(box.port),
            "--smtp-user", "mailer",
        ]  # fmt: skip
        assert main(args) == 0
        printed.append(capsys.readouterr().err)
        with sqlite3.connect(state / "nightly.sqlite3") as db:
            replies = [r for (r,) in db.execute("SELECT reply FROM recipients") if r]
        assert replies and all("<redacted>" in r for r in replies)  # stored, and redacted
        server.password = "not-the-canary"  # the next login is refused, with the echo
        assert main([*args, "--force"]) == 1
        captured = capsys.readouterr()
        printed += [captured.out, captured.err]
    assert len(box.envelopes) == 1
    assert auth_plain("mailer", password) in box.echo  # the server really echoed it
    assert "failed at login" in printed[-1]
    haystacks = {str(p): p.read_bytes() for p in state.rglob("*") if p.is_file()}
    haystacks["stderr"] = "\n".join(printed).encode()
    ours = [r.getMessage() for r in debug_logs.records if r.name.startswith("summarizer")]
    assert ours  # (the server's own log, "mail.log", is the server's business)
    haystacks["logs"] = "\n".join(ours).encode()
    for form in [*forms(password), auth_plain("mailer", password)]:
        for where, data in haystacks.items():
            assert form.encode() not in data, f"the SMTP password leaked into {where}"
