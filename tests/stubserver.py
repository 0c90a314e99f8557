"""An OpenAI-compatible stub server on loopback, for tests of everything behind the model seam.

Real HTTP, scripted faults. Each ``POST /v1/chat/completions`` takes the next behaviour from a
FIFO queue; when the queue is empty the ``responder`` answers. ``GET /v1/models`` lists
``models``. Every request is recorded (method, path, headers, parsed body).

    with StubServer() as stub:
        stub.enqueue(rate_limited(retry_after=0.2), server_error(503), reply("hello"))
        model = OpenAIChatModel(base_url=stub.base_url, model="stub-model", max_retries=3)
        assert model.complete([Message("user", "hi")], max_tokens=8).text == "hello"
        assert len(stub.chat_requests) == 3

    # Dynamic answers: a responder gets the request's JSON body and returns a behaviour or text.
    StubServer(responder=lambda body: reply(body["messages"][-1]["content"].upper()))

Behaviours: reply / truncated / slow (a normal answer, optionally delayed), status (any HTTP
status with optional headers and body; helpers rate_limited, server_error,
context_length_exceeded, unauthorized), reset (close the socket without a reply), hang (say
nothing for a while, then close), Raw (any body; invalid_json() is one), Trickle (a body sent
a few bytes at a time, slowly), Endless (a chunked body that never ends).

A request with ``"stream": true`` gets its reply as server-sent events, one event per token
(``Reply.token_delay`` apart), with usage in a last event when it asked for
``stream_options.include_usage``, as OpenAI and llama.cpp do. ``StubServer(slots=1)`` computes
one answer at a time like llama.cpp's server: other requests wait (silently) for their turn,
and ``/props`` reports ``total_slots``. ``max_in_flight`` is the most answers ever computed at
once, ``max_queued`` the most requests ever waiting for a slot, ``services`` when each answer
was computed (monotonic start and end).
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import struct
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# --- behaviours ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A chat completion. ``usage=False`` leaves usage out; ``delay`` sleeps first;
    ``token_delay`` paces a streamed reply; ``stream=False`` answers in one JSON body even
    when the request asked for a stream (a server that cannot stream)."""

    text: str = "stub reply"
    finish_reason: str | None = "stop"
    prompt_tokens: int = 10
    completion_tokens: int = 5
    usage: bool = True
    model: str | None = None  # default: the model the request named
    delay: float = 0.0
    token_delay: float = 0.0
    stream: bool = True
    echo_auth: bool = False  # "{authorization}" in text becomes the request's header, as sent


@dataclass(frozen=True)
class Status:
    """An HTTP status with an optional JSON (dict/list) or text body and headers."""

    code: int
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reset:
    """Close the connection without a reply (an RST, so the client sees a reset)."""


@dataclass(frozen=True)
class Hang:
    """Send nothing for ``seconds`` (or until the server stops), then close."""

    seconds: float = 30.0


@dataclass(frozen=True)
class Raw:
    """Any body with any status; for garbled responses."""

    body: bytes
    status: int = 200
    content_type: str = "application/json"


@dataclass(frozen=True)
class Trickle:
    """``body`` sent ``step`` bytes at a time, ``interval`` seconds apart (a slow-loris server)."""

    body: bytes
    interval: float = 1.0
    step: int = 1
    content_type: str = "text/event-stream"


@dataclass(frozen=True)
class Endless:
    """A 200 whose chunked body never ends: ``piece`` again and again, until the client goes."""

    piece: bytes = b"x" * 4096
    content_type: str = "text/event-stream"


Behaviour = Reply | Status | Reset | Hang | Raw | Trickle | Endless
Responder = Callable[[Any], "Behaviour | str"]


def reply(text: str = "stub reply", **kwargs: Any) -> Reply:
    return Reply(text=text, **kwargs)


def truncated(text: str = "cut off mid-sent", **kwargs: Any) -> Reply:
    return Reply(text=text, finish_reason="length", **kwargs)


def slow(seconds: float, text: str = "stub reply", **kwargs: Any) -> Reply:
    return Reply(text=text, delay=seconds, **kwargs)


def status(code: int, body: Any = None, headers: Mapping[str, str] | None = None) -> Status:
    return Status(code, body if body is not None else _error_body(code), dict(headers or {}))


def rate_limited(
    retry_after: float | None = None, *, retry_after_ms: float | None = None
) -> Status:
    headers = {}
    if retry_after is not None:
        headers["Retry-After"] = f"{retry_after:g}"
    if retry_after_ms is not None:
        headers["retry-after-ms"] = f"{retry_after_ms:g}"
    return status(429, headers=headers)


def server_error(code: int = 500) -> Status:
    return status(code)


def unauthorized(message: str = "Incorrect API key provided.") -> Status:
    return status(401, _error_body(401, message, code_name="invalid_api_key"))


def context_length_exceeded(limit: int = 8192, asked: int = 9000) -> Status:
    """A 400 in OpenAI's shape for a prompt that does not fit."""
    message = (
        f"This model's maximum context length is {limit} tokens. However, your messages "
        f"resulted in {asked} tokens. Please reduce the length of the messages."
    )
    return status(400, _error_body(400, message, code_name="context_length_exceeded"))


def reset() -> Reset:
    return Reset()


def hang(seconds: float = 30.0) -> Hang:
    return Hang(seconds)


def invalid_json() -> Raw:
    return Raw(b'{"id": "chatcmpl-broken", "choices": [')


def _error_body(code: int, message: str | None = None, *, code_name: str | None = None) -> Any:
    """OpenAI's error shape: {"error": {"message", "type", "param", "code"}}."""
    return {
        "error": {
            "message": message or f"stub: {HTTPStatus(code).phrase}",
            "type": "invalid_request_error" if code < 500 else "server_error",
            "param": None,
            "code": code_name,
        }
    }


# --- recorded requests -----------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: Any  # parsed JSON, or the raw text if it was not JSON, or None
    client: tuple[str, int] | None = None  # the caller's address and port


# --- the server ------------------------------------------------------------------------------


class StubServer:
    """The stub; a context manager that serves on 127.0.0.1 at a free port in a daemon thread."""

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        models: Iterable[str] = ("stub-model",),
        slots: int | None = None,
    ) -> None:
        self.responder: Responder = responder or (lambda body: Reply())
        self.models = list(models)
        self.slots = slots
        self.requests: list[Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.queued = 0  # requests waiting for a free slot
        self.max_queued = 0
        self.services: list[tuple[float, float]] = []  # (start, end) of computing each answer
        self.disconnects = 0  # answers the client went away from before their end
        self._queue: deque[Behaviour] = deque()
        self._lock = threading.Lock()
        self._compute = threading.Semaphore(slots) if slots else None
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # scripting

    def enqueue(self, *behaviours: Behaviour) -> None:
        """Queue behaviours for the next chat completion requests, in order."""
        with self._lock:
            self._queue.extend(behaviours)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._queue)

    @property
    def chat_requests(self) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path.endswith("/chat/completions")]

    # lifecycle

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("StubServer is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> StubServer:
        self._stopping.clear()
        handler = type("Handler", (_Handler,), {"stub": self})
        self._httpd = _Server(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes hanging and slow handlers
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None

    def __enter__(self) -> StubServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # used by the handler

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _client_left(self) -> None:
        with self._lock:
            self.disconnects += 1

    def _computing(self, delta: int) -> None:
        with self._lock:
            self.in_flight += delta
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _served(self, started: float, ended: float) -> None:
        with self._lock:
            self.in_flight -= 1
            self.services.append((started, ended))

    def _queueing(self, delta: int) -> None:
        with self._lock:
            self.queued += delta
            self.max_queued = max(self.max_queued, self.queued)

    def _next(self, body: Any) -> Behaviour:
        with self._lock:
            queued = self._queue.popleft() if self._queue else None
        if queued is not None:
            return queued
        answer = self.responder(body)
        return Reply(text=answer) if isinstance(answer, str) else answer


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away (closing a finished stream, abandoning an answer) is normal.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    stub: StubServer
    protocol_version = "HTTP/1.1"  # keep-alive, like real servers; bodies carry Content-Length

    def log_message(self, format: str, *args: Any) -> None:  # silence stderr
        pass

    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace")

    def _record(self, body: Any) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        client = (str(self.client_address[0]), int(self.client_address[1]))
        self.stub._record(Request(self.command, self.path, headers, body, client))

    def _send(
        self,
        code: int,
        body: bytes,
        headers: Mapping[str, str] | None = None,
        content_type: str = "application/json",
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _send_json(self, code: int, obj: Any, headers: Mapping[str, str] | None = None) -> None:
        self._send(code, json.dumps(obj).encode("utf-8"), headers)

    def do_GET(self) -> None:
        self._record(None)
        path = self.path.rstrip("/")
        if path.endswith("/models"):
            data = [
                {"id": m, "object": "model", "created": 0, "owned_by": "stub"}
                for m in self.stub.models
            ]
            self._send_json(200, {"object": "list", "data": data})
        elif path == "/props" and self.stub.slots:
            self._send_json(200, {"total_slots": self.stub.slots})
        else:
            self._send_json(404, _error_body(404))

    def do_POST(self) -> None:
        body = self._read_body()
        self._record(body)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, _error_body(404))
            return
        behaviour = self.stub._next(body)
        compute = self.stub._compute
        if compute is not None:
            self.stub._queueing(+1)
            try:
                while not compute.acquire(timeout=0.05):  # wait for a free slot, saying nothing
                    if self.stub._stopping.is_set():
                        self._drop()
                        return
            finally:
                self.stub._queueing(-1)
        self.stub._computing(+1)
        started = time.monotonic()
        try:
            self._behave(behaviour, body)
        finally:
            self.stub._served(started, time.monotonic())
            if compute is not None:
                compute.release()

    def _behave(self, behaviour: Behaviour, body: Any) -> None:
        if isinstance(behaviour, Reply) and behaviour.echo_auth:
            header = self.headers.get("Authorization", "")
            behaviour = replace(behaviour, text=behaviour.text.replace("{authorization}", header))
        if isinstance(behaviour, Reply):
            if behaviour.delay and self.stub._stopping.wait(behaviour.delay):
                self._drop()
                return
            if behaviour.stream and isinstance(body, dict) and body.get("stream"):
                self._stream_reply(behaviour, body)
            else:
                self._send_json(200, _completion(behaviour, body))
        elif isinstance(behaviour, Status):
            if isinstance(behaviour.body, str):
                self._send(behaviour.code, behaviour.body.encode(), behaviour.headers, "text/plain")
            else:
                self._send_json(behaviour.code, behaviour.body, behaviour.headers)
        elif isinstance(behaviour, Raw):
            self._send(behaviour.status, behaviour.body, content_type=behaviour.content_type)
        elif isinstance(behaviour, Hang):
            self.stub._stopping.wait(behaviour.seconds)
            self._drop()
        elif isinstance(behaviour, Reset):
            self._drop(rst=True)
        elif isinstance(behaviour, Trickle):
            self._trickle(behaviour)
        elif isinstance(behaviour, Endless):
            self._endless(behaviour)
        else:  # pragma: no cover - a typo in a test script
            raise TypeError(f"unknown stub behaviour {behaviour!r}")

    # streamed bodies: chunked transfer encoding, as real servers send them

    def _start_chunked(self, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()

    def _chunk(self, data: bytes) -> bool:
        """Send one chunk; False if the client has gone."""
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        except OSError:
            self.stub._client_left()
            self.close_connection = True
            return False
        return True

    def _end_chunked(self) -> None:
        with contextlib.suppress(OSError):
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

    def _stream_reply(self, r: Reply, request: dict[str, Any]) -> None:
        model = r.model or request.get("model") or "stub-model"
        base = {"id": f"chatcmpl-stub-{next(_ids)}", "object": "chat.completion.chunk",
                "created": int(time.time()), "model": model}  # fmt: skip

        def event(choices: list[Any], **extra: Any) -> bytes:
            return b"data: " + json.dumps({**base, "choices": choices, **extra}).encode() + b"\n\n"

        self._start_chunked("text/event-stream")
        pieces = [{"role": "assistant", "content": ""}] + [
            {"content": token} for token in tokens_of(r.text)
        ]
        for n, delta in enumerate(pieces):
            if n and r.token_delay and self.stub._stopping.wait(r.token_delay):
                self._drop()
                return
            if not self._chunk(event([{"index": 0, "delta": delta, "finish_reason": None}])):
                return
        if r.finish_reason is not None and not self._chunk(
            event([{"index": 0, "delta": {}, "finish_reason": r.finish_reason}])
        ):
            return
        options = request.get("stream_options") or {}
        if r.usage and isinstance(options, dict) and options.get("include_usage"):
            usage = {"prompt_tokens": r.prompt_tokens, "completion_tokens": r.completion_tokens,
                     "total_tokens": r.prompt_tokens + r.completion_tokens}  # fmt: skip
            if not self._chunk(event([], usage=usage)):
                return
        if self._chunk(b"data: [DONE]\n\n"):
            self._end_chunked()

    def _trickle(self, t: Trickle) -> None:
        self._start_chunked(t.content_type)
        for start in range(0, len(t.body), t.step):
            if not self._chunk(t.body[start : start + t.step]):
                return
            if self.stub._stopping.wait(t.interval):
                self._drop()
                return
        self._end_chunked()

    def _endless(self, e: Endless) -> None:
        self._start_chunked(e.content_type)
        while not self.stub._stopping.is_set():
            if not self._chunk(e.piece):
                return
        self._drop()

    def _drop(self, *, rst: bool = False) -> None:
        """Close the connection without replying."""
        self.close_connection = True
        try:
            if rst:
                # SO_LINGER 0: close sends RST instead of FIN, as a crashed server's would.
                linger = struct.pack("ii", 1, 0)
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            else:
                self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the client may have gone already
        self.connection.close()


_ids = iter(range(1, 1 << 62))
_TOKEN = re.compile(r"\s*\S{1,4}|\s+")


def tokens_of(text: str) -> list[str]:
    """``text`` cut into token-sized pieces (up to 4 characters and the spaces before them)."""
    return _TOKEN.findall(text)


def _completion(r: Reply, request: Any) -> dict[str, Any]:
    model = r.model or (request.get("model") if isinstance(request, dict) else None) or "stub-model"
    out: dict[str, Any] = {
        "id": f"chatcmpl-stub-{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": r.text},
                "finish_reason": r.finish_reason,
            }
        ],
    }
    if r.usage:
        out["usage"] = {
            "prompt_tokens": r.prompt_tokens,
            "completion_tokens": r.completion_tokens,
            "total_tokens": r.prompt_tokens + r.completion_tokens,
        }
    return out


__all__ = [
    "Behaviour",
    "Endless",
    "Hang",
    "Raw",
    "Reply",
    "Request",
    "Reset",
    "Responder",
    "Status",
    "StubServer",
    "Trickle",
    "context_length_exceeded",
    "hang",
    "invalid_json",
    "rate_limited",
    "reply",
    "reset",
    "server_error",
    "slow",
    "status",
    "tokens_of",
    "truncated",
    "unauthorized",
]
