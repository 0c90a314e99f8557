"""Streamed answers: a call is stuck when no token comes, never because it is slow; every answer
is bounded in bytes, time and size; an abandoned answer's connection is closed. Real HTTP to
the stub server; request counts and causes show the bounds, never wall-clock assertions.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from stubserver import Endless, Raw, StubServer, Trickle, hang, reply, slow

from summarizer.errors import Cancelled, DeadlineExceeded, EndpointUnavailable, InvalidModelOutput
from summarizer.llm import Deadline, Message, OpenAIChatModel, complete_json, extract_json

HI = [Message("user", "hi")]


def make_model(stub: StubServer, **kwargs: Any) -> OpenAIChatModel:
    options: dict[str, Any] = {
        "model": "stub-model",
        "timeout": 1.0,
        "max_retries": 0,
        "retry_backoff": 0.01,
        "retry_backoff_max": 0.02,
    }
    options.update(kwargs)
    return OpenAIChatModel(base_url=stub.base_url, **options)


def test_a_slow_answer_that_keeps_streaming_is_never_cut(stub: StubServer) -> None:
    # 40 pieces, 0.1 s apart: about 4 s in all, twice the 2 s stall timeout.
    text = "word " * 40
    stub.enqueue(reply(text, token_delay=0.1))
    completion = make_model(stub, timeout=2.0).complete(HI, max_tokens=200)
    assert completion.text == text
    assert len(stub.chat_requests) == 1


def test_silence_before_the_first_token_is_a_stall(stub: StubServer) -> None:
    stub.enqueue(hang(30), reply("second try"))
    model = make_model(stub, timeout=2.0, max_retries=1)
    assert model.complete(HI, max_tokens=5).text == "second try"
    assert len(stub.chat_requests) == 2


def test_silence_in_the_middle_of_an_answer_is_a_stall(stub: StubServer) -> None:
    # Headers and one event arrive at once, then nothing: cut after --timeout of silence.
    first = b'data: {"choices": [{"index": 0, "delta": {"content": "par"}}]}\n\n'
    stub.enqueue(Trickle(first + b"data: ", interval=30, step=len(first)))
    with pytest.raises(EndpointUnavailable, match=r"no token for 0\.5s"):
        make_model(stub, timeout=0.5).complete(HI, max_tokens=5)


def test_a_server_trickling_bytes_cannot_outlast_the_timeout(stub: StubServer) -> None:
    # One byte every 0.2 s never completes an event: no token, so the stall timer runs out,
    # though bytes keep arriving (a socket read timeout alone would never fire).
    stub.enqueue(Trickle(b"data: " + b"x" * 10_000, interval=0.2, step=1))
    with pytest.raises(EndpointUnavailable, match="no token for 1s"):
        make_model(stub, timeout=1.0).complete(HI, max_tokens=5)


def test_a_trickling_server_cannot_outlast_the_deadline(stub: StubServer) -> None:
    stub.enqueue(Trickle(b"data: " + b"x" * 10_000, interval=0.2, step=1))
    model = make_model(stub, timeout=60.0, deadline=Deadline(1.0))
    with pytest.raises(DeadlineExceeded, match="run deadline of 1s passed while"):
        model.complete(HI, max_tokens=5)


def test_a_never_ending_body_is_cut_at_the_byte_bound(stub: StubServer) -> None:
    stub.enqueue(Endless(b"data: " + b"y" * 8192 + b"\n"))
    with pytest.raises(EndpointUnavailable, match="answer larger than"):
        make_model(stub, timeout=5.0).complete(HI, max_tokens=5)
    # The client went away and the server saw it: it stopped sending.
    deadline = time.monotonic() + 10
    while stub.disconnects == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert stub.disconnects == 1


def test_a_never_ending_error_body_is_cut_too(stub: StubServer) -> None:
    stub.enqueue(Endless(b"z" * 8192, content_type="application/json"))
    stub.enqueue(Raw(b"x" * (4 << 20), status=500))  # a 4 MiB 500 body, retried: also cut
    with pytest.raises(EndpointUnavailable, match="answer larger than"):
        make_model(stub, timeout=5.0, max_retries=1).complete(HI, max_tokens=5)
    assert len(stub.chat_requests) == 2


def test_an_answer_far_longer_than_max_tokens_is_refused(stub: StubServer) -> None:
    stub.enqueue(reply("many words " * 2000))
    with pytest.raises(EndpointUnavailable, match="than max_tokens=10 allows"):
        make_model(stub).complete(HI, max_tokens=10)


def test_json_nested_100k_deep_in_the_body_does_not_crash(stub: StubServer) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    stub.enqueue(Raw(deep), Raw(b'{"choices": ' + deep + b"}"))
    with pytest.raises(EndpointUnavailable, match="malformed response"):
        make_model(stub, max_retries=1).complete(HI, max_tokens=5)
    assert len(stub.chat_requests) == 2


def test_json_nested_100k_deep_in_a_stream_event_does_not_crash(stub: StubServer) -> None:
    deep = b"data: " + b"[" * 100_000 + b"]" * 100_000 + b"\n\n"
    stub.enqueue(Trickle(deep, interval=0, step=len(deep)))
    with pytest.raises(EndpointUnavailable, match="malformed response"):
        make_model(stub).complete(HI, max_tokens=5)


def test_extract_json_refuses_deep_nesting_with_a_value_error() -> None:
    with pytest.raises(ValueError, match="nested too deeply"):
        extract_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="nested too deeply"):
        extract_json("Here it is: " + "[" * 50_000 + "]" * 50_000 + " done")


def test_deep_json_answer_is_an_invalid_answer_not_a_crash(stub: StubServer) -> None:
    # Deeper than the JSON parser's recursion limit, within the answer's size bound.
    deep = "[" * 3000 + "]" * 3000
    stub.enqueue(reply(deep), reply(deep))

    def validate(value: Any) -> Any:
        raise AssertionError("never reached: the answer does not parse")

    with pytest.raises(InvalidModelOutput, match="nested too deeply"):
        complete_json(make_model(stub), HI, validate=validate, max_tokens=1000)
    assert len(stub.chat_requests) == 2


def test_cancel_stops_a_call_in_flight_and_refuses_new_ones(stub: StubServer) -> None:
    stub.enqueue(reply("word " * 500, token_delay=0.05))
    model = make_model(stub, timeout=30.0)
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            model.complete(HI, max_tokens=1000)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    while not stub.chat_requests:
        time.sleep(0.02)
    time.sleep(0.2)  # some tokens have streamed
    model.cancel()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], Cancelled)
    with pytest.raises(Cancelled):
        model.complete(HI, max_tokens=5)
    assert len(stub.chat_requests) == 1


def test_stalled_answer_of_a_server_we_run_waits_for_it_before_retrying(stub: StubServer) -> None:
    """After abandoning an answer of the embedded server, the retry is not sent until the
    server says it is idle; a server that stays busy is not asked again."""
    stub.enqueue(hang(30), reply("after the server settled"))
    idle_checks: list[float] = []

    def wait_idle(seconds: float) -> bool:
        idle_checks.append(seconds)
        return True

    model = make_model(stub, timeout=2.0, max_retries=2, slots=1, wait_idle=wait_idle)
    assert model.complete(HI, max_tokens=5).text == "after the server settled"
    assert len(idle_checks) == 1 and len(stub.chat_requests) == 2

    stub.enqueue(hang(30), reply("never sent"))
    busy = make_model(stub, timeout=0.5, max_retries=2, slots=1, wait_idle=lambda s: False)
    with pytest.raises(EndpointUnavailable, match="still busy with it"):
        busy.complete(HI, max_tokens=5)
    assert len(stub.chat_requests) == 3  # the hung one only: no retry queued behind it


def test_stream_error_event_is_a_transient_failure(stub: StubServer) -> None:
    event = {"error": {"message": "the model crashed"}}
    body = b"data: " + json.dumps(event).encode() + b"\n\n"
    stub.enqueue(Trickle(body, interval=0, step=len(body)), slow(0.0, "recovered"))
    assert make_model(stub, max_retries=1).complete(HI, max_tokens=5).text == "recovered"
