"""What comes back from an OpenAI-compatible endpoint, read defensively.

Streamed chunks and whole bodies are added up into an Answer; errors become one-line causes
(retryable ones as Transient) without secrets. Used by OpenAIChatModel (summarizer.llm).
"""

from __future__ import annotations

import contextlib
import email.utils
import http
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2
import openai

from summarizer import progress
from summarizer.redact import Redactor


class Transient(Exception):
    """A failure worth retrying; ``cause`` is one line for the final message."""

    def __init__(
        self, cause: str, *, retry_after: float | None = None, abandoned: bool = False
    ) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retry_after = retry_after
        self.abandoned = abandoned  # the client stopped reading it before its end


@dataclass
class Answer:
    """What a streamed answer has delivered so far."""

    parts: list[str] = field(default_factory=list)
    chars: int = 0
    events: int = 0
    deltas: int = 0
    finish: str | None = None
    model: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


# --- reading answers -------------------------------------------------------------------------


def take_chunk(answer: Answer, chunk: Any) -> bool:
    """Add one streamed chunk to ``answer``; True if it carried a token or the end."""
    moved = False
    answer.model = getattr(chunk, "model", None) or answer.model
    usage = getattr(chunk, "usage", None)
    if usage is not None:
        answer.prompt_tokens = _int(getattr(usage, "prompt_tokens", None))
        answer.completion_tokens = _int(getattr(usage, "completion_tokens", None))
        moved = True
    choices = getattr(chunk, "choices", None) or []
    if choices:
        choice = choices[0]
        piece = getattr(getattr(choice, "delta", None), "content", None)
        if isinstance(piece, str) and piece:
            answer.parts.append(piece)
            answer.chars += len(piece)
            answer.deltas += 1
            progress.tokens(1)
            moved = True
        finish = getattr(choice, "finish_reason", None)
        if finish:
            answer.finish = str(finish)
            moved = True
    return moved


def take_body(answer: Answer, body: Any) -> None:
    """Fill ``answer`` from a whole (not streamed) chat completion."""
    if not isinstance(body, Mapping):
        raise Transient("malformed response (body is not a JSON object)")
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], Mapping):
        raise Transient("malformed response (no choices)")
    message = choices[0].get("message")
    text = message.get("content") if isinstance(message, Mapping) else None
    answer.parts = [text] if isinstance(text, str) else []
    answer.chars = len(text) if isinstance(text, str) else 0
    answer.finish = str(choices[0].get("finish_reason") or "unknown")
    model = body.get("model")
    answer.model = model if isinstance(model, str) else None
    usage = body.get("usage")
    if isinstance(usage, Mapping):
        answer.prompt_tokens = _int(usage.get("prompt_tokens"))
        answer.completion_tokens = _int(usage.get("completion_tokens"))


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def estimate_prompt_tokens(payload: list[dict[str, str]]) -> int:
    from summarizer.tokens import count_many  # tiktoken, only when a server sends no usage

    return sum(count_many([m["content"] for m in payload])) + 4 * len(payload)


def is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, openai.APITimeoutError | httpx2.TimeoutException)


def names_stream_options(exc: openai.APIStatusError) -> bool:
    return "stream_options" in f"{error_message(exc)} {exc.body}"


# --- error details, without secrets ----------------------------------------------------------

_CONTEXT = re.compile(
    r"context[ _](length|window)|maximum context|too many tokens|exceeds? the context",
    re.IGNORECASE,
)


def scrub_exception(exc: openai.APIError, redact: Redactor) -> None:
    """The SDK may echo request details in its message and body; scrub them before the error
    is chained to ours (a traceback with -v prints them)."""
    exc.args = tuple(redact(a) if isinstance(a, str) else a for a in exc.args)
    exc.message = redact(exc.message)
    if isinstance(exc.body, str):
        exc.body = redact(exc.body)
    elif exc.body is not None:
        with contextlib.suppress(TypeError, ValueError, RecursionError):
            exc.body = json.loads(redact(json.dumps(exc.body)))


def first_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def error_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, Mapping) else inner
        if message:
            return first_line(str(message))
    return first_line(str(body)) if isinstance(body, str) else ""


def is_context_length(exc: openai.APIStatusError, detail: str) -> bool:
    if exc.code == "context_length_exceeded":
        return True
    body = exc.body
    error = body.get("error") if isinstance(body, Mapping) else None
    if isinstance(error, Mapping) and error.get("code") == "context_length_exceeded":
        return True
    return bool(_CONTEXT.search(detail))


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """Seconds from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date)."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms:
        try:
            return max(float(raw_ms) / 1000.0, 0.0)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if not raw:
        return None
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def connection_cause(exc: openai.APIConnectionError) -> str:
    seen: set[int] = set()
    err: BaseException | None = exc
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        if isinstance(err, ConnectionRefusedError):
            return "connection refused"
        if isinstance(err, ConnectionResetError):
            return "connection reset by peer"
        if "disconnected without sending a response" in str(err):
            return "connection closed without a response"
        err = err.__cause__ or err.__context__
    root = exc.__cause__ or exc
    text = first_line(str(root), 120)
    return f"connection failed ({type(root).__name__}{': ' + text if text else ''})"
