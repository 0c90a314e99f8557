"""The one redactor: every encoding a secret travels in, and terminal-safe lines."""

from __future__ import annotations

import base64
import urllib.parse

import pytest

from summarizer.redact import MASK, Redactor, printable

SECRET = "s3cr3t/pa+ss=word"


@pytest.mark.parametrize(
    "echo",
    [
        SECRET,
        base64.b64encode(SECRET.encode()).decode(),
        base64.b64encode(SECRET.encode()).decode().rstrip("="),
        urllib.parse.quote(SECRET, safe=""),
        urllib.parse.quote_plus(SECRET),
        base64.b64encode(b"\0mailer\0" + SECRET.encode()).decode(),
        base64.b64encode(b"mailer:" + SECRET.encode()).decode(),
    ],
)
def test_every_encoding_of_a_secret_is_removed(echo: str) -> None:
    redact = Redactor([SECRET], users=["mailer"])
    out = redact(f"535 auth failed for {echo} (try again)")
    assert echo not in out
    assert MASK in out
    assert out.startswith("535 auth failed for ")
    assert redact.bytes(f"x{echo}y".encode()) == f"x{MASK}y".encode()


def test_keylike_tokens_are_removed_even_when_unknown() -> None:
    out = Redactor()("Authorization: Bearer abcdef123456 and sk-live-zzzz9999")
    assert "abcdef123456" not in out and "zzzz9999" not in out


def test_short_or_missing_secrets_change_nothing() -> None:
    assert Redactor([None, "", "ab"])("ab cd") == "ab cd"
    assert not Redactor([None])


def test_printable_escapes_controls_bidi_and_newlines() -> None:
    nasty = "a\nsummarizer: error: forged\x1b[31m\x07\x00\u202eevil\udcff"
    out = printable(nasty)
    assert "\n" not in out and "\x1b" not in out and "\x00" not in out and "\u202e" not in out
    assert "\\n" in out and "\\x1b" in out and "\\u202e" in out
    out.encode("utf-8")  # no lone surrogate left
    assert printable("plain text é") == "plain text é"
    assert printable("x" * 50, limit=10) == "x" * 9 + "…"
