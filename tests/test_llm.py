"""The model seam over real HTTP: retries, errors, deadlines and secrets, against the stub."""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any

import pytest
from stubserver import (
    Raw,
    StubServer,
    context_length_exceeded,
    hang,
    invalid_json,
    rate_limited,
    reply,
    reset,
    server_error,
    slow,
    status,
    tokens_of,
    truncated,
    unauthorized,
)

from summarizer.embedded import free_port
from summarizer.errors import (
    ContextLengthExceeded,
    DeadlineExceeded,
    EndpointRejected,
    EndpointUnavailable,
    ModelError,
    TruncatedOutput,
)
from summarizer.llm import Deadline, Message, OpenAIChatModel

CANARY = "sk-canary-XYZ"
HI = [Message("system", "Be brief."), Message("user", "hi")]


def make_model(base_url: str, **kwargs: Any) -> OpenAIChatModel:
    options: dict[str, Any] = {
        "model": "stub-model",
        "api_key": CANARY,
        "timeout": 2.0,
        "max_retries": 3,
        "retry_backoff": 0.01,
        "retry_backoff_max": 0.05,
    }
    options.update(kwargs)
    return OpenAIChatModel(base_url=base_url, **options)


def test_complete_sends_messages_and_returns_text_and_usage(stub: StubServer) -> None:
    stub.enqueue(reply("hello", prompt_tokens=12, completion_tokens=3))
    completion = make_model(stub.base_url).complete(HI, max_tokens=20, temperature=0.3)

    assert completion.text == "hello"
    assert (completion.prompt_tokens, completion.completion_tokens) == (12, 3)
    assert completion.finish_reason == "stop"
    assert completion.model == "stub-model"
    assert not completion.cached
    [request] = stub.chat_requests
    assert request.body["model"] == "stub-model"
    assert request.body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hi"},
    ]
    assert request.body["max_tokens"] == 20
    assert request.body["temperature"] == 0.3
    assert request.headers["authorization"] == f"Bearer {CANARY}"
    assert "response_format" not in request.body


def test_usage_is_asked_for_in_the_stream(stub: StubServer) -> None:
    stub.enqueue(reply("a longer streamed answer", prompt_tokens=31, completion_tokens=6))
    completion = make_model(stub.base_url).complete(HI, max_tokens=20)
    assert completion.text == "a longer streamed answer"
    assert (completion.prompt_tokens, completion.completion_tokens) == (31, 6)
    body = stub.chat_requests[0].body
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}


def test_missing_usage_is_counted_client_side(stub: StubServer) -> None:
    text = "one two three four five six"
    stub.enqueue(reply(text, usage=False))
    completion = make_model(stub.base_url).complete(HI, max_tokens=50)
    assert completion.text == text
    assert completion.completion_tokens == len(tokens_of(text))  # one per streamed piece
    assert completion.prompt_tokens > 0  # estimated from the messages


def test_server_that_cannot_stream_is_read_whole(stub: StubServer) -> None:
    stub.enqueue(reply("all at once", stream=False, prompt_tokens=9, completion_tokens=3))
    completion = make_model(stub.base_url).complete(HI, max_tokens=20)
    assert (completion.text, completion.prompt_tokens, completion.completion_tokens) == (
        "all at once",
        9,
        3,
    )


def test_server_refusing_stream_options_is_asked_without_them(stub: StubServer) -> None:
    refusal = status(400, {"error": {"message": "unknown field: stream_options"}})
    stub.enqueue(refusal, reply("fine", usage=False), reply("again", usage=False))
    model = make_model(stub.base_url)
    assert model.complete(HI, max_tokens=5).text == "fine"
    assert model.complete(HI, max_tokens=5).text == "again"
    sent = [r.body.get("stream_options") for r in stub.chat_requests]
    assert sent == [{"include_usage": True}, None, None]  # remembered, not re-tried each call


@pytest.mark.parametrize(("supported", "sent"), [(True, True), (False, False)])
def test_json_mode_sends_response_format_only_if_supported(
    stub: StubServer, supported: bool, sent: bool
) -> None:
    make_model(stub.base_url, json_mode=supported).complete(HI, max_tokens=5, json_mode=True)
    body = stub.chat_requests[0].body
    assert ("response_format" in body) is sent
    if sent:
        assert body["response_format"] == {"type": "json_object"}


@pytest.mark.parametrize(
    ("json_mode", "json_schema", "expected"),
    [
        (True, True, {"type": "json_object", "schema": {"type": "object"}}),
        (True, False, {"type": "json_object"}),
        (False, True, None),
    ],
)
def test_schema_is_sent_only_to_servers_that_take_it(
    stub: StubServer, json_mode: bool, json_schema: bool, expected: Any
) -> None:
    model = make_model(stub.base_url, json_mode=json_mode, json_schema=json_schema)
    model.complete(HI, max_tokens=5, schema={"type": "object"})
    assert stub.chat_requests[0].body.get("response_format") == expected


@pytest.mark.parametrize(
    "header", [{"retry_after": 0.2}, {"retry_after_ms": 200}], ids=["seconds", "ms"]
)
def test_429_waits_for_retry_after_then_succeeds(stub: StubServer, header: Any) -> None:
    stub.enqueue(rate_limited(**header), reply("after the wait"))
    started = time.monotonic()
    completion = make_model(stub.base_url).complete(HI, max_tokens=5)
    assert time.monotonic() - started >= 0.2
    assert completion.text == "after the wait"
    assert len(stub.chat_requests) == 2


@pytest.mark.parametrize(
    "failure",
    [
        rate_limited(),
        server_error(500),
        server_error(502),
        server_error(503),
        status(408),
        reset(),
        invalid_json(),
        Raw(b"<html>bad gateway</html>", content_type="text/html"),
    ],
    ids=["429", "500", "502", "503", "408", "reset", "invalid-json", "html"],
)
def test_transient_failure_then_success(stub: StubServer, failure: Any) -> None:
    stub.enqueue(failure, reply("recovered"))
    assert make_model(stub.base_url).complete(HI, max_tokens=5).text == "recovered"
    assert len(stub.chat_requests) == 2


def test_slow_reply_within_timeout_is_fine(stub: StubServer) -> None:
    stub.enqueue(slow(0.3, "slowly"))
    assert make_model(stub.base_url, timeout=2.0).complete(HI, max_tokens=5).text == "slowly"
    assert len(stub.chat_requests) == 1


def test_hang_times_out_and_retries_are_bounded(stub: StubServer) -> None:
    stub.enqueue(*[hang(10)] * 5)
    model = make_model(stub.base_url, timeout=0.3, max_retries=2)
    with pytest.raises(EndpointUnavailable) as info:
        model.complete(HI, max_tokens=5)
    assert len(stub.chat_requests) == 3
    assert "timed out: no token for 0.3s" in str(info.value)
    assert stub.base_url in str(info.value)


def test_5xx_exhausts_retries_with_one_clear_line(stub: StubServer) -> None:
    stub.responder = lambda body: server_error(503)
    with pytest.raises(EndpointUnavailable) as info:
        make_model(stub.base_url, max_retries=3).complete(HI, max_tokens=5)
    message = str(info.value)
    assert message.startswith(f"{stub.base_url}: HTTP 503 Service Unavailable")
    assert "\n" not in message
    assert info.value.endpoint == stub.base_url
    assert len(stub.chat_requests) == 4
    assert info.value.__cause__ is not None  # raise ... from the SDK's error


def test_connection_refused_names_the_cause() -> None:
    base_url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(EndpointUnavailable, match="connection refused"):
        make_model(base_url, max_retries=1).complete(HI, max_tokens=5)


@pytest.mark.parametrize(
    "failure",
    [
        context_length_exceeded(),
        # llama.cpp's wording, without OpenAI's error code
        status(
            400,
            {"error": {"message": "Requested tokens (9000) exceed context window of 8192"}},
        ),
    ],
    ids=["openai", "llama.cpp"],
)
def test_context_length_is_never_retried(stub: StubServer, failure: Any) -> None:
    stub.enqueue(failure, reply("never reached"))
    with pytest.raises(ContextLengthExceeded) as info:
        make_model(stub.base_url).complete(HI, max_tokens=5)
    assert len(stub.chat_requests) == 1
    assert stub.base_url in str(info.value)


@pytest.mark.parametrize("code", [400, 401, 403, 404, 422])
def test_client_errors_are_never_retried(stub: StubServer, code: int) -> None:
    stub.enqueue(status(code), reply("never reached"))
    with pytest.raises(EndpointRejected, match=f"HTTP {code}"):
        make_model(stub.base_url).complete(HI, max_tokens=5)
    assert len(stub.chat_requests) == 1


def test_truncated_output_raises_with_the_partial_text(stub: StubServer) -> None:
    stub.enqueue(truncated("half an ans", completion_tokens=5), reply("never reached"))
    with pytest.raises(TruncatedOutput) as info:
        make_model(stub.base_url).complete(HI, max_tokens=5)
    assert info.value.partial == "half an ans"
    assert info.value.completion_tokens == 5
    assert isinstance(info.value, ModelError)
    assert len(stub.chat_requests) == 1


def test_deadline_stops_retrying_when_retry_after_is_beyond_it(stub: StubServer) -> None:
    stub.enqueue(rate_limited(retry_after=30), reply("never reached"))
    model = make_model(stub.base_url, deadline=Deadline(1.0))
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded, match="Retry-After 30s"):
        model.complete(HI, max_tokens=5)
    assert time.monotonic() - started < 5
    assert len(stub.chat_requests) == 1


def test_deadline_caps_each_call_timeout(stub: StubServer) -> None:
    stub.enqueue(*[hang(10)] * 5)
    model = make_model(stub.base_url, timeout=10.0, max_retries=5, deadline=Deadline(0.4))
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        model.complete(HI, max_tokens=5)
    assert time.monotonic() - started < 3


def test_passed_deadline_sends_nothing(stub: StubServer) -> None:
    model = make_model(stub.base_url, deadline=Deadline(0.0))
    with pytest.raises(DeadlineExceeded):
        model.complete(HI, max_tokens=5)
    assert stub.chat_requests == []


def test_deadline_is_shared_by_the_calls_of_a_run(stub: StubServer) -> None:
    deadline = Deadline(0.3)
    model = make_model(stub.base_url, deadline=deadline)
    model.complete(HI, max_tokens=5)
    time.sleep(0.35)
    with pytest.raises(DeadlineExceeded):
        make_model(stub.base_url, deadline=deadline).complete(HI, max_tokens=5)
    assert len(stub.chat_requests) == 1


def test_api_key_never_appears_in_errors_or_logs(
    stub: StubServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    echo = {"error": {"message": f"upstream says key {CANARY} is rate limited"}}
    stub.responder = lambda body: status(503, echo)
    with pytest.raises(EndpointUnavailable) as info:
        make_model(stub.base_url, max_retries=2).complete(HI, max_tokens=5)
    stub.enqueue(unauthorized(f"Incorrect API key provided: {CANARY}"))
    with pytest.raises(EndpointRejected) as rejected:
        make_model(stub.base_url).complete(HI, max_tokens=5)

    for exc in (info.value, rejected.value):
        assert stub.base_url in str(exc)
        assert CANARY not in "".join(traceback.format_exception(exc))
    assert "HTTP 503 Service Unavailable" in str(info.value)
    assert "HTTP 401 Unauthorized" in str(rejected.value)
    assert "summarizer.llm" in caplog.text  # the retries were logged...
    assert CANARY not in caplog.text  # ...without the key
    assert all(r.headers["authorization"] == f"Bearer {CANARY}" for r in stub.chat_requests)


def test_debug_log_has_one_line_per_call_without_contents(
    stub: StubServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="summarizer.llm")
    secret_text = "the article body that must not be logged"
    make_model(stub.base_url).complete([Message("user", secret_text)], max_tokens=5)
    lines = [r.getMessage() for r in caplog.records if r.name == "summarizer.llm"]
    assert len(lines) == 1
    assert "model=stub-model" in lines[0] and "attempt=1" in lines[0]
    assert secret_text not in caplog.text
