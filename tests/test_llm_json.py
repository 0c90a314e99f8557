"""JSON answers with one re-ask, and usage metering, through the seam."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from stubserver import StubServer, reply, server_error, truncated

from summarizer.errors import EndpointUnavailable, InvalidModelOutput, TruncatedOutput
from summarizer.llm import (
    Message,
    MeteredChatModel,
    OpenAIChatModel,
    UsageMeter,
    complete_json,
    extract_json,
)
from summarizer.types import Usage

ASK = [Message("user", "List the claims as JSON.")]


def make_model(stub: StubServer, **kwargs: Any) -> OpenAIChatModel:
    return OpenAIChatModel(
        base_url=stub.base_url,
        model="stub-model",
        timeout=2.0,
        retry_backoff=0.01,
        retry_backoff_max=0.02,
        **kwargs,
    )


def claims(value: Any) -> list[str]:
    if not isinstance(value, dict) or not isinstance(value.get("claims"), list):
        raise ValueError('expected an object with a "claims" list')
    return [str(c) for c in value["claims"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ("  [1, 2]\n", [1, 2]),
        ('```json\n{"a": 1}\n```', {"a": 1}),
        ('Sure! Here it is:\n```\n{"a": [1]}\n```\nHope that helps.', {"a": [1]}),
        ('Here you go: {"a": "b"} -- done', {"a": "b"}),
        ('Note {not json} then {"a": 2}', {"a": 2}),
    ],
)
def test_extract_json_tolerates_fences_and_prose(text: str, expected: Any) -> None:
    assert extract_json(text) == expected


@pytest.mark.parametrize("text", ["", "no json here", '{"a": ', "```json\n{oops}\n```"])
def test_extract_json_refuses_what_is_not_json(text: str) -> None:
    with pytest.raises(ValueError):
        extract_json(text)


def test_complete_json_first_answer_valid(stub: StubServer) -> None:
    stub.enqueue(reply('```json\n{"claims": ["a", "b"]}\n```'))
    value, completions = complete_json(make_model(stub), ASK, validate=claims, max_tokens=50)
    assert value == ["a", "b"]
    assert len(completions) == 1
    assert len(stub.chat_requests) == 1


def test_complete_json_reasks_once_with_the_error(stub: StubServer) -> None:
    stub.enqueue(reply('{"points": []}'), reply('{"claims": ["fixed"]}'))
    value, completions = complete_json(make_model(stub), ASK, validate=claims, max_tokens=50)
    assert value == ["fixed"]
    assert [c.text for c in completions] == ['{"points": []}', '{"claims": ["fixed"]}']
    second = stub.chat_requests[1].body["messages"]
    assert second[0] == {"role": "user", "content": "List the claims as JSON."}
    assert second[1] == {"role": "assistant", "content": '{"points": []}'}
    assert second[2]["role"] == "user"
    assert 'expected an object with a "claims" list' in second[2]["content"]


def test_complete_json_passes_the_schema_on(stub: StubServer) -> None:
    stub.enqueue(reply('{"claims": []}'))
    schema = {"type": "object", "required": ["claims"]}
    model = make_model(stub, json_mode=True, json_schema=True)
    complete_json(model, ASK, validate=claims, max_tokens=50, schema=schema)
    assert stub.chat_requests[0].body["response_format"] == {
        "type": "json_object",
        "schema": schema,
    }


def test_complete_json_gives_up_after_the_second_bad_answer(stub: StubServer) -> None:
    stub.enqueue(reply("not json at all"), reply('{"claims": "not a list"}'), reply("{}"))
    with pytest.raises(InvalidModelOutput, match="claims") as info:
        complete_json(make_model(stub), ASK, validate=claims, max_tokens=50)
    assert len(stub.chat_requests) == 2
    assert stub.base_url in str(info.value)


def test_complete_json_does_not_reask_a_truncated_answer(stub: StubServer) -> None:
    stub.enqueue(truncated('{"claims": ["a'))
    with pytest.raises(TruncatedOutput):
        complete_json(make_model(stub), ASK, validate=claims, max_tokens=5)
    assert len(stub.chat_requests) == 1


def test_meter_counts_calls_tokens_and_failures(stub: StubServer) -> None:
    meter = UsageMeter()
    model = MeteredChatModel(make_model(stub, max_retries=0), meter)
    stub.enqueue(
        reply("a", prompt_tokens=10, completion_tokens=2),
        reply("b", prompt_tokens=20, completion_tokens=3),
        truncated("c", prompt_tokens=5, completion_tokens=7),
        server_error(503),
    )
    model.complete(ASK, max_tokens=5)
    model.complete(ASK, max_tokens=5)
    with pytest.raises(TruncatedOutput):
        model.complete(ASK, max_tokens=5)
    with pytest.raises(EndpointUnavailable):
        model.complete(ASK, max_tokens=5)

    usage = meter.snapshot()
    assert usage.llm_calls == 4
    assert usage.prompt_tokens == 35
    assert usage.completion_tokens == 12
    assert usage.cached_calls == 0
    assert usage.seconds > 0
    assert model.name == "stub-model" and model.endpoint == stub.base_url


def test_meter_is_thread_safe(stub: StubServer) -> None:
    meter = UsageMeter()
    model = MeteredChatModel(make_model(stub), meter)

    def work() -> None:
        for _ in range(5):
            model.complete(ASK, max_tokens=5)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    usage = meter.snapshot()
    assert usage.llm_calls == 40
    assert usage.prompt_tokens == 400 and usage.completion_tokens == 200
    assert len(stub.chat_requests) == 40


def test_empty_meter_snapshot() -> None:
    assert UsageMeter().snapshot() == Usage()
