"""The SQLite response cache: hits, misses, reopening, corruption and metering."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from stubserver import StubServer, reply, truncated

from summarizer.cache import CachedChatModel, ResponseCache, cache_key, open_cache
from summarizer.errors import InvalidModelOutput, TruncatedOutput
from summarizer.llm import Message, MeteredChatModel, OpenAIChatModel, UsageMeter, complete_json

ASK = [Message("user", "Summarise.")]


def make_model(stub: StubServer) -> OpenAIChatModel:
    return OpenAIChatModel(base_url=stub.base_url, model="stub-model", api_key="sk-canary-XYZ")


def test_cache_key_is_stable_and_covers_every_part() -> None:
    base = cache_key("m", "v1", {"max_tokens": 5, "temperature": 0.0}, ASK)
    assert base == cache_key("m", "v1", {"temperature": 0.0, "max_tokens": 5}, list(ASK))
    assert len(base) == 64
    variants = [
        cache_key("other", "v1", {"max_tokens": 5, "temperature": 0.0}, ASK),
        cache_key("m", "v2", {"max_tokens": 5, "temperature": 0.0}, ASK),
        cache_key("m", "v1", {"max_tokens": 6, "temperature": 0.0}, ASK),
        cache_key("m", "v1", {"max_tokens": 5, "temperature": 0.0}, [Message("system", "x")]),
        cache_key("m", "v1", {"max_tokens": 5, "temperature": 0.0}, [*ASK, *ASK]),
    ]
    assert len({base, *variants}) == len(variants) + 1


def test_second_identical_call_is_a_hit(stub: StubServer, tmp_path: Path) -> None:
    stub.enqueue(reply("first", prompt_tokens=7, completion_tokens=2))
    with ResponseCache(tmp_path / "c.sqlite3") as cache:
        model = CachedChatModel(make_model(stub), cache, prompt_version="p1")
        first = model.complete(ASK, max_tokens=5)
        second = model.complete(ASK, max_tokens=5)
    assert len(stub.chat_requests) == 1
    assert not first.cached
    assert second.cached
    assert (second.text, second.prompt_tokens, second.completion_tokens) == ("first", 7, 2)


def test_different_parameters_or_prompt_version_miss(stub: StubServer, tmp_path: Path) -> None:
    with ResponseCache(tmp_path / "c.sqlite3") as cache:
        model = CachedChatModel(make_model(stub), cache, prompt_version="p1")
        model.complete(ASK, max_tokens=5)
        model.complete(ASK, max_tokens=6)
        model.complete(ASK, max_tokens=5, json_mode=True)
        model.complete(ASK, max_tokens=5, schema={"type": "object"})
        model.complete(ASK, max_tokens=5, schema={"type": "array"})
        CachedChatModel(make_model(stub), cache, prompt_version="p2").complete(ASK, max_tokens=5)
        model.complete(ASK, max_tokens=5, schema={"type": "array"})
    assert len(stub.chat_requests) == 6


def test_cache_survives_reopening(stub: StubServer, tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "c.sqlite3"
    stub.enqueue(reply("kept"))
    with ResponseCache(path) as cache:
        CachedChatModel(make_model(stub), cache, "p1").complete(ASK, max_tokens=5)
    with ResponseCache(path) as cache:
        again = CachedChatModel(make_model(stub), cache, "p1").complete(ASK, max_tokens=5)
    assert again.cached and again.text == "kept"
    assert len(stub.chat_requests) == 1


def test_truncated_answers_are_cached_and_replayed_as_truncated(
    stub: StubServer, tmp_path: Path
) -> None:
    """A cut-off answer is a finished call: a rerun replays it instead of paying again,
    and it is still reported as truncated (never a silent success)."""
    stub.enqueue(truncated("cut"), reply("whole"))
    meter = UsageMeter()
    with ResponseCache(tmp_path / "c.sqlite3") as cache:
        model = MeteredChatModel(CachedChatModel(make_model(stub), cache, "p1"), meter)
        with pytest.raises(TruncatedOutput) as first:
            model.complete(ASK, max_tokens=5)
        with pytest.raises(TruncatedOutput) as again:
            model.complete(ASK, max_tokens=5)
    assert first.value.partial == again.value.partial == "cut"
    assert not first.value.cached and again.value.cached
    assert len(stub.chat_requests) == 1
    assert meter.snapshot().cached_calls == 1


def test_corrupt_cache_file_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "c.sqlite3"
    path.write_bytes(b"this is not a database, just some bytes " * 200)
    with caplog.at_level(logging.WARNING, logger="summarizer.cache"):
        assert open_cache(path) is None
    assert "unusable" in caplog.text and str(path) in caplog.text


def test_cache_counts_as_a_call_in_the_meter(stub: StubServer, tmp_path: Path) -> None:
    meter = UsageMeter()
    stub.enqueue(reply("x", prompt_tokens=10, completion_tokens=4))
    with ResponseCache(tmp_path / "c.sqlite3") as cache:
        model = MeteredChatModel(CachedChatModel(make_model(stub), cache, "p1"), meter)
        model.complete(ASK, max_tokens=5)
        model.complete(ASK, max_tokens=5)
    usage = meter.snapshot()
    assert (usage.llm_calls, usage.cached_calls) == (2, 1)
    assert (usage.prompt_tokens, usage.completion_tokens) == (10, 4)


def test_cache_is_safe_from_many_threads(tmp_path: Path) -> None:
    with ResponseCache(tmp_path / "c.sqlite3") as cache:

        def work(n: int) -> None:
            for i in range(50):
                cache.put(f"{n}-{i}", str(i))
                assert cache.get(f"{n}-{i}") == str(i)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert cache.get("7-49") == "49"
        assert cache.get("missing") is None


def _claims(value: object) -> list[str]:
    if not isinstance(value, dict) or not isinstance(value.get("claims"), list):
        raise ValueError('expected an object with a "claims" list')
    return [str(c) for c in value["claims"]]


def test_an_answer_that_fails_validation_is_not_kept(stub: StubServer, tmp_path: Path) -> None:
    """A re-run asks again instead of replaying an answer that was refused (even one that
    cannot be parsed at all, like JSON nested 100,000 deep)."""
    deep = "[" * 3000 + "]" * 3000
    stub.enqueue(reply("no json here"), reply(deep), reply("prose again"), reply("[[[[]]]]"))
    with ResponseCache(tmp_path / "c.sqlite3") as cache:
        model = CachedChatModel(make_model(stub), cache, "p1")
        for _ in range(2):
            with pytest.raises(InvalidModelOutput):
                complete_json(model, ASK, validate=_claims, max_tokens=1000)
    assert len(stub.chat_requests) == 4  # both runs sent both questions
    with ResponseCache(tmp_path / "c.sqlite3") as cache:
        assert cache._db.execute("SELECT count(*) FROM responses").fetchone() == (0,)


def test_only_the_valid_answer_of_a_reask_is_kept(stub: StubServer, tmp_path: Path) -> None:
    stub.enqueue(reply("not json"), reply('{"claims": ["kept"]}'), reply("not json"))
    with ResponseCache(tmp_path / "c.sqlite3") as cache:
        model = CachedChatModel(make_model(stub), cache, "p1")
        assert complete_json(model, ASK, validate=_claims, max_tokens=50)[0] == ["kept"]
        again, completions = complete_json(model, ASK, validate=_claims, max_tokens=50)
    assert again == ["kept"]
    assert [c.cached for c in completions] == [False, True]  # the refused one was asked again
    assert len(stub.chat_requests) == 3


def test_a_closed_cache_is_quiet(
    stub: StubServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """After Ctrl-C the cache closes while a worker may still finish a call: no warning."""
    cache = ResponseCache(tmp_path / "c.sqlite3")
    model = CachedChatModel(make_model(stub), cache, "p1")
    model.complete(ASK, max_tokens=5)
    cache.close()
    with caplog.at_level(logging.DEBUG, logger="summarizer.cache"):
        assert not model.complete([Message("user", "another")], max_tokens=5).cached
        cache.close()
    assert caplog.records == []
    with ResponseCache(tmp_path / "c.sqlite3") as reopened:
        assert CachedChatModel(make_model(stub), reopened, "p1").complete(ASK, max_tokens=5).cached
