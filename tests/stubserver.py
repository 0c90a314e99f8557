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
nothing for a while, then close), Raw (any body; invalid_json() is one).
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# --- behaviours ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A chat completion. ``usage=False`` leaves usage out; ``delay`` sleeps first."""

    text: str = "stub reply"
    finish_reason: str | None = "stop"
    prompt_tokens: int = 10
    completion_tokens: int = 5
    usage: bool = True
    model: str | None = None  # default: the model the request named
    delay: float = 0.0


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


Behaviour = Reply | Status | Reset | Hang | Raw
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


# --- the server ------------------------------------------------------------------------------


class StubServer:
    """The stub; a context manager that serves on 127.0.0.1 at a free port in a daemon thread."""

    def __init__(
        self,
        responder: Responder | None = None,
        *,
        models: Iterable[str] = ("stub-model",),
    ) -> None:
        self.responder: Responder = responder or (lambda body: Reply())
        self.models = list(models)
        self.requests: list[Request] = []
        self._queue: deque[Behaviour] = deque()
        self._lock = threading.Lock()
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
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
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

    def _next(self, body: Any) -> Behaviour:
        with self._lock:
            queued = self._queue.popleft() if self._queue else None
        if queued is not None:
            return queued
        answer = self.responder(body)
        return Reply(text=answer) if isinstance(answer, str) else answer


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
        self.stub._record(Request(self.command, self.path, headers, body))

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
        if self.path.rstrip("/").endswith("/models"):
            data = [
                {"id": m, "object": "model", "created": 0, "owned_by": "stub"}
                for m in self.stub.models
            ]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._send_json(404, _error_body(404))

    def do_POST(self) -> None:
        body = self._read_body()
        self._record(body)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send_json(404, _error_body(404))
            return
        self._behave(self.stub._next(body), body)

    def _behave(self, behaviour: Behaviour, body: Any) -> None:
        if isinstance(behaviour, Reply):
            if behaviour.delay and self.stub._stopping.wait(behaviour.delay):
                self._drop()
                return
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
        else:  # pragma: no cover - a typo in a test script
            raise TypeError(f"unknown stub behaviour {behaviour!r}")

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
    "Hang",
    "Raw",
    "Reply",
    "Request",
    "Reset",
    "Responder",
    "Status",
    "StubServer",
    "context_length_exceeded",
    "hang",
    "invalid_json",
    "rate_limited",
    "reply",
    "reset",
    "server_error",
    "slow",
    "status",
    "truncated",
    "unauthorized",
]
