"""The model seam: a small ChatModel protocol and its one OpenAI-compatible implementation.

Retries live here and nowhere else (tenacity, bounded by the run's Deadline); so do JSON
answers with one re-ask (complete_json) and usage metering (UsageMeter, MeteredChatModel).
Answers are streamed: a call is "stuck" when no token came for ``timeout`` seconds, never
because it is slow. How many calls are in flight and what each answer may cost are in
summarizer.guard; reading answers and errors off the wire in summarizer.wire.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NoReturn, Protocol, TypeVar, cast

import httpx2
import openai
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from summarizer import progress
from summarizer.errors import (
    Cancelled,
    ContextLengthExceeded,
    DeadlineExceeded,
    EndpointRejected,
    EndpointUnavailable,
    InvalidModelOutput,
    ModelError,
    TruncatedOutput,
)
from summarizer.guard import Abandoned, Budget, Guard, Slots
from summarizer.redact import Redactor, printable
from summarizer.settings import redact_url
from summarizer.types import Usage
from summarizer.wire import (
    Answer,
    Transient,
    connection_cause,
    error_message,
    estimate_prompt_tokens,
    first_line,
    is_context_length,
    is_timeout,
    names_stream_options,
    phrase,
    retry_after_seconds,
    scrub_exception,
    take_body,
    take_chunk,
)

log = logging.getLogger("summarizer.llm")

NO_KEY = "sk-no-key-required"  # what local servers that need no key are sent
MAX_RETRY_AFTER = 600.0  # without a deadline, a longer Retry-After means "give up", not "sleep"
RETRY_STATUSES = frozenset({408, 409, 429})  # plus every 5xx
# Per answer: its bytes on the wire, its text and its stream events, from its max_tokens.
ANSWER_BYTES_BASE = 256 * 1024
ANSWER_BYTES_PER_TOKEN = 2048  # a streamed token is one SSE event of a few hundred bytes
CHARS_PER_TOKEN = 32  # far above any tokenizer's longest token
EVENTS_PER_TOKEN = 4
CONNECT_TIMEOUT = 10.0
MODEL_ID_LIMIT = 200

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
    # Where a cache layer stored it, so an answer that fails validation can be dropped again.
    cache_key: str | None = field(default=None, repr=False, compare=False)


class ChatModel(Protocol):
    """Send messages, get text and usage. Implementations raise ModelError, DeadlineExceeded,
    or Cancelled after ``cancel()``."""

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

    def discard(self, completion: Completion) -> None:
        """``completion`` failed validation: keep it nowhere (a cache forgets it)."""
        ...

    def cancel(self) -> None:
        """Stop every call in flight (the server sees the client go) and refuse new ones."""
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


class OpenAIChatModel:
    """ChatModel over any OpenAI-compatible endpoint, with the project's one retry policy.

    ``json_mode``: the server accepts ``response_format={"type": "json_object"}``;
    ``json_schema``: it also takes a ``schema`` inside it, as llama.cpp does. Answers are
    streamed; ``timeout`` is the longest wait for the next token (or the first one). The SDK's
    own retries are off; tenacity retries 408/409/429/5xx, connection errors, stalls and
    garbled responses up to ``max_retries`` times with jittered exponential backoff, or exactly
    the server's Retry-After. Nothing is retried past the deadline.

    ``slots``: how many calls the server computes at once (the embedded server: its slots);
    more calls wait here, which is not a timeout. None: no limit beyond the caller's threads.
    ``wait_idle(seconds)``: for a server we run, returns once it has finished what it was
    computing (True) or not within ``seconds`` (False); after an abandoned answer the next
    request waits for it, so retries never queue behind work the server is still doing.
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
        slots: int | None = None,
        wait_idle: Callable[[float], bool] | None = None,
    ) -> None:
        self.name = model
        self.endpoint = endpoint or redact_url(base_url)
        self.supports_json_mode = json_mode
        self.supports_json_schema = json_mode and json_schema
        self._key = api_key or NO_KEY
        self._redact = Redactor([self._key])
        self._timeout = timeout
        self._attempts = max_retries + 1
        self._deadline = deadline or Deadline(None)
        self._backoff = retry_backoff
        self._backoff_max = retry_backoff_max
        self._slots = Slots(slots) if slots else None
        self._wait_idle = wait_idle
        self._cancelled = threading.Event()
        self._stream_usage = True  # ask for usage in the stream until the server refuses
        self._guard = Guard()
        self._http = httpx2.Client(
            follow_redirects=True,
            # A compressed body could expand far past the bytes the guard counts.
            headers={"Accept-Encoding": "identity"},
            event_hooks={"response": [self._guard.on_response]},
        )
        self._client = openai.OpenAI(
            api_key=self._key,
            base_url=base_url,
            timeout=timeout,
            max_retries=0,
            http_client=self._http,
        )

    def __repr__(self) -> str:
        return f"OpenAIChatModel(model={self.name!r}, endpoint={self.endpoint!r})"

    @property
    def slots(self) -> int | None:
        return None if self._slots is None else self._slots.n

    def close(self) -> None:
        self._guard.close()
        self._client.close()

    def cancel(self) -> None:
        self._cancelled.set()
        self._guard.cancel_all()

    def discard(self, completion: Completion) -> None:
        pass  # nothing is kept here

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
            retry=retry_if_exception_type(Transient),
            wait=self._wait,
            stop=self._stop,
            sleep=self._sleep,
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
        """Model ids the endpoint serves (GET /models), once, without retries.

        The ids are the server's text: made printable (one line, no control characters)."""
        budget = self._budget(max_tokens=1)
        try:
            with self._guard.limits(budget):
                page = self._client.models.list(timeout=self._http_timeout(budget))
                ids = [str(m.id) for m in page.data]
        except (openai.APIError, Abandoned, RecursionError) as exc:
            error = self._failure(exc, budget)
            if isinstance(error, Transient):
                raise EndpointUnavailable(
                    f"{self.endpoint}: {error.cause}", endpoint=self.endpoint
                ) from exc
            raise error from exc
        return [self._model_id(i) for i in ids]

    # --- one attempt -------------------------------------------------------------------------

    def _budget(self, max_tokens: int) -> Budget:
        left = self._deadline.remaining()
        if left is not None and left <= 0:
            self._deadline.check(f"calling {self.endpoint}")
        return Budget(
            max_bytes=ANSWER_BYTES_BASE + ANSWER_BYTES_PER_TOKEN * max_tokens,
            stall=self._timeout,
            until=None if left is None else time.monotonic() + left,
            cancelled=self._cancelled,
        )

    @staticmethod
    def _http_timeout(budget: Budget) -> httpx2.Timeout:
        read = budget.read_timeout()
        return httpx2.Timeout(read, connect=min(CONNECT_TIMEOUT, read))

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
        if self._cancelled.is_set():
            raise Cancelled("interrupted")
        self._deadline.check(f"calling {self.endpoint}")
        request: dict[str, Any] = {
            "model": self.name,
            "messages": cast(Any, payload),
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": True,
        }
        if json_mode and self.supports_json_mode:
            response_format: dict[str, Any] = {"type": "json_object"}
            if schema is not None and self.supports_json_schema:
                response_format["schema"] = dict(schema)
            request["response_format"] = response_format
        with self._slot():
            progress.update("asking")
            started = time.monotonic()
            budget = self._budget(max_tokens)
            try:
                answer = self._ask(request, budget)
            except Transient as transient:
                if transient.abandoned:
                    self._settle(transient)
                raise
            except (openai.APIError, Abandoned, RecursionError) as exc:
                error = self._failure(exc, budget)
                if isinstance(error, Transient) and budget.spent is not None:
                    self._settle(error)
                raise error from exc
        return self._completion(answer, payload, max_tokens, attempt, time.monotonic() - started)

    @contextlib.contextmanager
    def _slot(self) -> Iterator[None]:
        if self._slots is None:
            yield
            return
        progress.update("waiting")
        with self._slots.hold(self._deadline, self._cancelled, self.endpoint):
            yield

    def _ask(self, request: dict[str, Any], budget: Budget) -> Answer:
        """Send the request and read the streamed answer within ``budget``."""
        while True:
            extra = {"stream_options": {"include_usage": True}} if self._stream_usage else {}
            try:
                with self._guard.limits(budget):
                    create = cast(Any, self._client.chat.completions.create)
                    stream = create(**request, **extra, timeout=self._http_timeout(budget))
                    with stream:
                        return self._read(stream, budget, request["max_tokens"])
            except openai.APIStatusError as exc:
                if not (extra and exc.status_code in (400, 422) and names_stream_options(exc)):
                    raise
                log.debug("%s refuses stream_options; usage will be counted here", self.endpoint)
                self._stream_usage = False

    def _read(self, stream: Any, budget: Budget, max_tokens: int) -> Answer:
        answer = Answer()
        if "text/event-stream" not in stream.response.headers.get("content-type", ""):
            # A server that does not stream sends the whole completion as JSON.
            try:
                body = json.loads(stream.response.read())
            except (ValueError, RecursionError) as exc:
                raise Transient("malformed response (body is not JSON)") from exc
            take_body(answer, body)
            budget.progress()
            return answer
        for chunk in stream:
            answer.events += 1
            if answer.events > EVENTS_PER_TOKEN * max_tokens + 64:
                raise Transient(
                    f"answer has more parts than max_tokens={max_tokens} allows", abandoned=True
                )
            if take_chunk(answer, chunk):
                budget.progress()
            if answer.chars > CHARS_PER_TOKEN * max_tokens + 1024:
                raise Transient(
                    f"answer longer than max_tokens={max_tokens} allows", abandoned=True
                )
        return answer

    def _completion(
        self,
        answer: Answer,
        payload: list[dict[str, str]],
        max_tokens: int,
        attempt: int,
        seconds: float,
    ) -> Completion:
        if answer.finish is None:
            raise Transient("malformed response (the answer ended without a finish reason)")
        # The key never leaves the seam, even in an answer from a server that echoes it.
        text = self._redact("".join(answer.parts))
        if answer.chars > CHARS_PER_TOKEN * max_tokens + 1024:
            raise Transient(f"answer longer than max_tokens={max_tokens} allows")
        prompt_tokens = answer.prompt_tokens
        if prompt_tokens is None:  # the server sent no usage: count it here
            prompt_tokens = estimate_prompt_tokens(payload)
        completion_tokens = answer.completion_tokens
        if completion_tokens is None:
            completion_tokens = answer.deltas
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
            answer.finish,
        )
        if answer.finish == "length":
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
            finish_reason=answer.finish,
            model=self._model_id(answer.model or self.name),
        )

    def _model_id(self, raw: str) -> str:
        return printable(self._redact(raw), MODEL_ID_LIMIT)

    def _failure(self, exc: BaseException, budget: Budget) -> Exception:
        """The error to raise for a failed attempt: the budget's reason first, if it ran out."""
        spent = budget.spent or (budget.exceeded(slack=0.05) if is_timeout(exc) else None)
        if spent is None and isinstance(exc, Abandoned):
            spent = exc
        if spent is not None:
            if spent.reason == "cancelled" or self._cancelled.is_set():
                return Cancelled("interrupted")
            if spent.reason == "deadline":
                return DeadlineExceeded(
                    f"run deadline of {self._deadline.seconds:g}s passed while {self.endpoint} "
                    "was answering"
                )
            return Transient(str(spent))
        if self._cancelled.is_set():
            return Cancelled("interrupted")
        if isinstance(exc, RecursionError):
            return Transient("malformed response (JSON nested too deeply)")
        if isinstance(exc, openai.APIError):
            return self._translate(exc, budget.stall)
        return Transient(f"malformed response ({type(exc).__name__})")

    def _settle(self, error: Transient) -> None:
        """After abandoning an answer of a server we run, wait (holding the slot) until it
        stops computing it; if it does not, give up rather than queue a retry behind it."""
        if self._wait_idle is None:
            return
        left = self._deadline.remaining()
        wait = self._timeout if left is None else max(0.0, min(self._timeout, left))
        if not self._wait_idle(wait):
            raise EndpointUnavailable(
                f"{self.endpoint}: {error.cause}, and the server was still busy with it "
                f"{wait:g}s later; not asked again",
                endpoint=self.endpoint,
            )

    def _translate(self, exc: openai.APIError, timeout: float) -> Exception:
        """Map an SDK error to a retryable Transient or a final ModelError, without the key."""
        scrub_exception(exc, self._redact)
        if isinstance(exc, openai.APITimeoutError):
            return Transient(f"timed out: no token for {timeout:g}s")
        if isinstance(exc, openai.APIConnectionError):
            return Transient(connection_cause(exc))
        if isinstance(exc, openai.APIStatusError):
            status = exc.status_code
            what = f"HTTP {status} {phrase(status)}".rstrip()
            detail = self._redact(error_message(exc))
            if status == 400 and is_context_length(exc, detail):
                return ContextLengthExceeded(
                    f"{self.endpoint}: prompt does not fit {self.name}'s context: {detail}",
                    endpoint=self.endpoint,
                )
            if status in RETRY_STATUSES or status >= 500:
                retry_after = retry_after_seconds(exc.response.headers)
                if retry_after is not None:
                    what += f" (Retry-After {retry_after:g}s)"
                return Transient(what, retry_after=retry_after)
            return EndpointRejected(
                f"{self.endpoint}: {what}" + (f": {detail}" if detail else ""),
                endpoint=self.endpoint,
            )
        # A 2xx whose body is not what we expect (proxy error pages, cut-off bodies, an error
        # event inside the stream).
        return Transient(f"malformed response ({self._redact(first_line(str(exc)))})")

    # --- tenacity hooks ----------------------------------------------------------------------

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, Transient) and exc.retry_after is not None:
            return exc.retry_after
        base = min(self._backoff * 2.0 ** (state.attempt_number - 1), self._backoff_max)
        return min(base + random.uniform(0, self._backoff), self._backoff_max)

    def _sleep(self, seconds: float) -> None:
        """Backoff between attempts; Ctrl-C ends it at once."""
        if self._cancelled.wait(seconds):
            raise Cancelled("interrupted")

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
            exc.cause if isinstance(exc, Transient) else type(exc).__name__,
            state.attempt_number,
            self._attempts - 1,
            state.upcoming_sleep,
        )

    def _give_up(self, state: RetryCallState) -> NoReturn:
        exc = state.outcome.exception() if state.outcome else None
        assert isinstance(exc, Transient), exc
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


# --- JSON answers ----------------------------------------------------------------------------

_MAX_JSON_STARTS = 64  # places a JSON value may start at, tried in order (bounds the work)
_FENCE = re.compile(r"```(?:json)?\s*\n?(.*?)```", re.DOTALL | re.IGNORECASE)
_REASK = (
    "That answer could not be used: {error}. Reply again with only the corrected JSON, "
    "no prose and no code fence."
)


def extract_json(text: str) -> Any:
    """Parse one JSON object or array, tolerating a ```json fence or prose around it.

    Raises ValueError for anything else, including JSON nested too deeply to parse.
    """
    stripped = text.strip()
    try:
        return json.loads(stripped)
    except RecursionError:
        raise ValueError("the answer's JSON is nested too deeply") from None
    except ValueError:
        pass
    candidates = [m.group(1) for m in _FENCE.finditer(stripped)] + [stripped]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        starts = [i for i, char in enumerate(candidate) if char in "{["][:_MAX_JSON_STARTS]
        for start in starts:
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except RecursionError:
                raise ValueError("the answer's JSON is nested too deeply") from None
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
            error = first_line(str(exc)) or type(exc).__name__
        model.discard(completion)  # a re-run asks again instead of replaying it
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

    def discard(self, completion: Completion) -> None:
        self.inner.discard(completion)

    def cancel(self) -> None:
        self.inner.cancel()


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
