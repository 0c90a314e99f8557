"""The model seam: a small ChatModel protocol and its one OpenAI-compatible implementation.

Retries live here and nowhere else (tenacity, bounded by the run's Deadline); so do JSON
answers with one re-ask (complete_json) and usage metering (UsageMeter, MeteredChatModel).
"""

from __future__ import annotations

import email.utils
import http
import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NoReturn, Protocol, TypeVar, cast

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from summarizer.errors import (
    ContextLengthExceeded,
    DeadlineExceeded,
    EndpointRejected,
    EndpointUnavailable,
    InvalidModelOutput,
    ModelError,
    TruncatedOutput,
)
from summarizer.redact import Redactor
from summarizer.settings import redact_url
from summarizer.types import Usage

log = logging.getLogger("summarizer.llm")

NO_KEY = "sk-no-key-required"  # what local servers that need no key are sent
MAX_RETRY_AFTER = 600.0  # without a deadline, a longer Retry-After means "give up", not "sleep"
RETRY_STATUSES = frozenset({408, 409, 429})  # plus every 5xx

T = TypeVar("T")
Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str


@dataclass(frozen=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str
    model: str
    cached: bool = False


class ChatModel(Protocol):
    """Send messages, get text and usage. Implementations raise ModelError or DeadlineExceeded."""

    @property
    def name(self) -> str:
        """Model name, for outputs."""
        ...

    @property
    def endpoint(self) -> str:
        """Where calls go, for messages; never contains a key."""
        ...

    def complete(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        json_mode: bool = False,
        schema: Mapping[str, Any] | None = None,
    ) -> Completion:
        """``schema`` (a JSON schema) implies json_mode; servers that can, constrain decoding."""
        ...


class Deadline:
    """A monotonic instant shared by every call of a run; ``seconds=None`` means no limit."""

    def __init__(self, seconds: float | None, *, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self.at = None if seconds is None else clock() + seconds

    def remaining(self) -> float | None:
        """Seconds left (may be negative), or None without a deadline."""
        return None if self.at is None else self.at - self._clock()

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0

    def check(self, doing: str) -> None:
        """Raise DeadlineExceeded if the deadline has passed; ``doing`` says what was next."""
        if self.expired():
            raise DeadlineExceeded(f"run deadline of {self.seconds:g}s passed before {doing}")


# --- the OpenAI-compatible implementation ----------------------------------------------------


class _Transient(Exception):
    """A failure worth retrying; ``cause`` is one line for the final message."""

    def __init__(self, cause: str, *, retry_after: float | None = None) -> None:
        super().__init__(cause)
        self.cause = cause
        self.retry_after = retry_after


class OpenAIChatModel:
    """ChatModel over any OpenAI-compatible endpoint, with the project's one retry policy.

    ``json_mode``: the server accepts ``response_format={"type": "json_object"}``;
    ``json_schema``: it also takes a ``schema`` inside it, as llama.cpp does. The SDK's own
    retries are off; tenacity retries 408/409/429/5xx, connection errors,
    timeouts and garbled responses up to ``max_retries`` times with jittered exponential
    backoff, or exactly the server's Retry-After. Nothing is retried past the deadline.
    """

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        endpoint: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 3,
        deadline: Deadline | None = None,
        json_mode: bool = False,
        json_schema: bool = False,
        retry_backoff: float = 0.5,
        retry_backoff_max: float = 20.0,
    ) -> None:
        self.name = model
        self.endpoint = endpoint or redact_url(base_url)
        self.supports_json_mode = json_mode
        self.supports_json_schema = json_mode and json_schema
        self._key = api_key or NO_KEY
        self._timeout = timeout
        self._attempts = max_retries + 1
        self._deadline = deadline or Deadline(None)
        self._backoff = retry_backoff
        self._backoff_max = retry_backoff_max
        self._client = openai.OpenAI(
            api_key=self._key, base_url=base_url, timeout=timeout, max_retries=0
        )

    def __repr__(self) -> str:
        return f"OpenAIChatModel(model={self.name!r}, endpoint={self.endpoint!r})"

    def close(self) -> None:
        self._client.close()

    def complete(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        json_mode: bool = False,
        schema: Mapping[str, Any] | None = None,
    ) -> Completion:
        if max_tokens < 1:
            raise ValueError(f"max_tokens must be positive, got {max_tokens}")
        payload = [{"role": m.role, "content": m.content} for m in messages]
        retrying = Retrying(
            retry=retry_if_exception_type(_Transient),
            wait=self._wait,
            stop=self._stop,
            before_sleep=self._log_retry,
            retry_error_callback=self._give_up,
        )
        for attempt in retrying:
            with attempt:
                return self._attempt(
                    payload,
                    max_tokens=max_tokens,
                    temperature=temperature,
                    json_mode=json_mode or schema is not None,
                    schema=schema,
                    attempt=attempt.retry_state.attempt_number,
                )
        raise AssertionError("unreachable: tenacity either returns or raises")

    def list_models(self) -> list[str]:
        """Model ids the endpoint serves (GET /models), once, without retries."""
        timeout = self._call_timeout()
        try:
            page = self._client.models.list(timeout=timeout)
        except openai.APIError as exc:
            error = self._translate(exc, timeout)
            if isinstance(error, _Transient):
                raise EndpointUnavailable(
                    f"{self.endpoint}: {error.cause}", endpoint=self.endpoint
                ) from exc
            raise error from exc
        return [m.id for m in page.data]

    # --- one attempt -------------------------------------------------------------------------

    def _call_timeout(self) -> float:
        left = self._deadline.remaining()
        if left is None:
            return self._timeout
        if left <= 0:
            self._deadline.check(f"calling {self.endpoint}")
        return min(self._timeout, left)

    def _attempt(
        self,
        payload: list[dict[str, str]],
        *,
        max_tokens: int,
        temperature: float,
        json_mode: bool,
        schema: Mapping[str, Any] | None,
        attempt: int,
    ) -> Completion:
        timeout = self._call_timeout()
        extra: dict[str, Any] = {}
        if json_mode and self.supports_json_mode:
            response_format: dict[str, Any] = {"type": "json_object"}
            if schema is not None and self.supports_json_schema:
                response_format["schema"] = dict(schema)
            extra["response_format"] = response_format
        started = time.monotonic()
        try:
            response = self._client.chat.completions.create(
                model=self.name,
                messages=cast(Any, payload),
                max_tokens=max_tokens,
                temperature=temperature,
                timeout=timeout,
                **extra,
            )
        except openai.APIError as exc:
            raise self._translate(exc, timeout) from exc
        except json.JSONDecodeError as exc:
            raise _Transient("malformed response (body is not JSON)") from exc
        seconds = time.monotonic() - started

        choices = getattr(response, "choices", None)
        if not choices:
            raise _Transient("malformed response (no choices)")
        choice = choices[0]
        message = getattr(choice, "message", None)
        text = getattr(message, "content", None) or ""
        usage = getattr(response, "usage", None)
        prompt_tokens = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion_tokens = int(getattr(usage, "completion_tokens", 0) or 0)
        finish = str(getattr(choice, "finish_reason", None) or "unknown")
        log.debug(
            "call model=%s attempt=%d prompt_tokens=%d completion_tokens=%d seconds=%.2f "
            "messages=%d chars_in=%d chars_out=%d finish=%s",
            self.name,
            attempt,
            prompt_tokens,
            completion_tokens,
            seconds,
            len(payload),
            sum(len(m["content"]) for m in payload),
            len(text),
            finish,
        )
        if finish == "length":
            raise TruncatedOutput(
                f"{self.endpoint}: answer from {self.name} was cut off at max_tokens={max_tokens}",
                endpoint=self.endpoint,
                partial=text,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
            )
        return Completion(
            text=text,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            finish_reason=finish,
            model=str(getattr(response, "model", None) or self.name),
        )

    def _translate(self, exc: openai.APIError, timeout: float) -> Exception:
        """Map an SDK error to a retryable _Transient or a final ModelError, without the key."""
        _scrub_exception(exc, self._key)
        if isinstance(exc, openai.APITimeoutError):
            return _Transient(f"timed out after {timeout:.3g}s")
        if isinstance(exc, openai.APIConnectionError):
            return _Transient(_connection_cause(exc))
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            what = f"HTTP {status} {_phrase(status)}".rstrip()
            detail = _scrub(_error_message(exc), self._key)
            if status == 400 and _is_context_length(exc, detail):
                return ContextLengthExceeded(
                    f"{self.endpoint}: prompt does not fit {self.name}'s context: {detail}",
                    endpoint=self.endpoint,
                )
            if status in RETRY_STATUSES or status >= 500:
                retry_after = _retry_after(exc.response.headers)
                if retry_after is not None:
                    what += f" (Retry-After {retry_after:g}s)"
                return _Transient(what, retry_after=retry_after)
            return EndpointRejected(
                f"{self.endpoint}: {what}" + (f": {detail}" if detail else ""),
                endpoint=self.endpoint,
            )
        # A 2xx whose body is not the JSON we expect (proxy error pages, cut-off bodies).
        return _Transient(f"malformed response ({_first_line(str(exc))})")

    # --- tenacity hooks ----------------------------------------------------------------------

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return exc.retry_after
        base = min(self._backoff * 2.0 ** (state.attempt_number - 1), self._backoff_max)
        return min(base + random.uniform(0, self._backoff), self._backoff_max)

    def _stop(self, state: RetryCallState) -> bool:
        if state.attempt_number >= self._attempts:
            return True
        left = self._deadline.remaining()
        if left is not None:
            return state.upcoming_sleep >= left
        return state.upcoming_sleep > MAX_RETRY_AFTER

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.info(
            "%s: %s; retry %d of %d in %.2fs",
            self.endpoint,
            exc.cause if isinstance(exc, _Transient) else type(exc).__name__,
            state.attempt_number,
            self._attempts - 1,
            state.upcoming_sleep,
        )

    def _give_up(self, state: RetryCallState) -> NoReturn:
        exc = state.outcome.exception() if state.outcome else None
        assert isinstance(exc, _Transient), exc
        origin = exc.__cause__ or exc
        tries = state.attempt_number
        if tries >= self._attempts:
            s = "" if tries == 1 else "s"
            raise EndpointUnavailable(
                f"{self.endpoint}: {exc.cause} (gave up after {tries} attempt{s})",
                endpoint=self.endpoint,
            ) from origin
        left = self._deadline.remaining()
        if left is not None:
            raise DeadlineExceeded(
                f"run deadline of {self._deadline.seconds:g}s leaves {max(left, 0):.1f}s, too "
                f"little to retry {self.endpoint} in {state.upcoming_sleep:.1f}s after: {exc.cause}"
            ) from origin
        raise EndpointUnavailable(
            f"{self.endpoint}: {exc.cause}, longer than {MAX_RETRY_AFTER:g}s to wait",
            endpoint=self.endpoint,
        ) from origin


# --- error details, without secrets ----------------------------------------------------------

_CONTEXT = re.compile(
    r"context[ _](length|window)|maximum context|too many tokens|exceeds? the context",
    re.IGNORECASE,
)


def _scrub(text: str, key: str) -> str:
    return Redactor([key])(text)


def _scrub_exception(exc: openai.APIError, key: str) -> None:
    """The SDK may echo request details in its message; scrub before it is chained to ours."""
    exc.args = tuple(_scrub(a, key) if isinstance(a, str) else a for a in exc.args)
    exc.message = _scrub(exc.message, key)


def _first_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _error_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, Mapping) else inner
        if message:
            return _first_line(str(message))
    return _first_line(str(body)) if isinstance(body, str) else ""


def _is_context_length(exc: openai.APIStatusError, detail: str) -> bool:
    if exc.code == "context_length_exceeded":
        return True
    body = exc.body
    error = body.get("error") if isinstance(body, Mapping) else None
    if isinstance(error, Mapping) and error.get("code") == "context_length_exceeded":
        return True
    return bool(_CONTEXT.search(detail))


def _retry_after(headers: Mapping[str, str]) -> float | None:
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


def _connection_cause(exc: openai.APIConnectionError) -> str:
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
    text = _first_line(str(root), 120)
    return f"connection failed ({type(root).__name__}{': ' + text if text else ''})"


# --- JSON answers ----------------------------------------------------------------------------

_FENCE = re.compile(r"```(?:json)?\s*\n?(.*?)```", re.DOTALL | re.IGNORECASE)
_REASK = (
    "That answer could not be used: {error}. Reply again with only the corrected JSON, "
    "no prose and no code fence."
)


def extract_json(text: str) -> Any:
    """Parse one JSON object or array, tolerating a ```json fence or prose around it."""
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except ValueError:
        pass
    candidates = [m.group(1) for m in _FENCE.finditer(stripped)] + [stripped]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        for start, char in enumerate(candidate):
            if char in "{[":
                try:
                    value, _ = decoder.raw_decode(candidate, start)
                except ValueError:
                    continue
                return value
    raise ValueError("the answer contains no JSON object or array")


def complete_json(
    model: ChatModel,
    messages: Sequence[Message],
    *,
    validate: Callable[[Any], T],
    max_tokens: int,
    temperature: float = 0.0,
    schema: Mapping[str, Any] | None = None,
) -> tuple[T, list[Completion]]:
    """Ask for JSON and validate it; on failure re-ask once with the error, then give up.

    ``validate`` takes the parsed JSON and returns the typed value, raising ValueError with a
    message the model can act on. ``schema`` is passed on for servers that constrain
    decoding with it; ``validate`` still decides. Returns the value and every completion.
    """
    conversation = list(messages)
    completions: list[Completion] = []
    error = ""
    for _ in range(2):
        completion = model.complete(
            conversation,
            max_tokens=max_tokens,
            temperature=temperature,
            json_mode=True,
            schema=schema,
        )
        completions.append(completion)
        try:
            return validate(extract_json(completion.text)), completions
        except ValueError as exc:
            error = _first_line(str(exc)) or type(exc).__name__
        log.debug("invalid JSON from %s: %s", model.name, error)
        conversation += [
            Message("assistant", completion.text),
            Message("user", _REASK.format(error=error)),
        ]
    raise InvalidModelOutput(
        f"{model.endpoint}: {model.name} returned unusable JSON twice: {error}",
        endpoint=model.endpoint,
    )


# --- metering --------------------------------------------------------------------------------


class UsageMeter:
    """Thread-safe totals of every call through the seam, cached or not, failed or not.

    Tokens and seconds are what this run spent; a cache hit adds to llm_calls and
    cached_calls only.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._usage = Usage()

    def record(
        self,
        *,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
        seconds: float = 0.0,
        cached: bool = False,
    ) -> None:
        with self._lock:
            u = self._usage
            self._usage = Usage(
                llm_calls=u.llm_calls + 1,
                prompt_tokens=u.prompt_tokens + (0 if cached else prompt_tokens),
                completion_tokens=u.completion_tokens + (0 if cached else completion_tokens),
                cached_calls=u.cached_calls + int(cached),
                seconds=u.seconds + seconds,
            )

    def snapshot(self) -> Usage:
        with self._lock:
            return self._usage


class WrappedChatModel:
    """Base of the layers around a ChatModel (cache, meter): same name, same endpoint."""

    def __init__(self, inner: ChatModel) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def endpoint(self) -> str:
        return self.inner.endpoint


class MeteredChatModel(WrappedChatModel):
    """Wraps any ChatModel so every call is recorded in a UsageMeter."""

    def __init__(self, inner: ChatModel, meter: UsageMeter) -> None:
        super().__init__(inner)
        self.meter = meter

    def complete(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        json_mode: bool = False,
        schema: Mapping[str, Any] | None = None,
    ) -> Completion:
        started = time.monotonic()
        try:
            completion = self.inner.complete(
                messages,
                max_tokens=max_tokens,
                temperature=temperature,
                json_mode=json_mode,
                schema=schema,
            )
        except TruncatedOutput as exc:
            self.meter.record(
                prompt_tokens=exc.prompt_tokens,
                completion_tokens=exc.completion_tokens,
                seconds=time.monotonic() - started,
                cached=exc.cached,
            )
            raise
        except (ModelError, DeadlineExceeded):
            self.meter.record(seconds=time.monotonic() - started)
            raise
        self.meter.record(
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            seconds=time.monotonic() - started,
            cached=completion.cached,
        )
        return completion
