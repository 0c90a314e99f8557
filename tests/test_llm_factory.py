"""open_model, the one factory: endpoint, cache and metering from Settings."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from stubserver import StubServer, reply

from summarizer.cache import CACHE_FILE
from summarizer.errors import DeadlineExceeded, UsageError
from summarizer.llm import Deadline, Message, UsageMeter
from summarizer.models import open_model
from summarizer.settings import Settings

ASK = [Message("user", "hi")]


def settings_for(stub: StubServer, tmp_path: Path, **kwargs: object) -> Settings:
    options: dict[str, object] = {
        "base_url": stub.base_url,
        "model": "stub-model",
        "cache_dir": tmp_path / "cache",
        "timeout": 2.0,
        "retry_backoff": 0.01,
        "retry_backoff_max": 0.02,
    }
    options.update(kwargs)
    return Settings(**options)  # type: ignore[arg-type]


def test_configured_endpoint_is_cached_and_metered(stub: StubServer, tmp_path: Path) -> None:
    meter = UsageMeter()
    with open_model(settings_for(stub, tmp_path), prompt_version="p1", meter=meter) as model:
        assert (model.name, model.endpoint) == ("stub-model", stub.base_url)
        assert not model.complete(ASK, max_tokens=5).cached
        assert model.complete(ASK, max_tokens=5).cached
    assert len(stub.chat_requests) == 1
    assert meter.snapshot().llm_calls == 2 and meter.snapshot().cached_calls == 1
    assert (tmp_path / "cache" / CACHE_FILE).exists()
    assert stub.chat_requests[0].headers["authorization"] == "Bearer sk-no-key-required"


def test_no_cache_means_every_call_goes_out(stub: StubServer, tmp_path: Path) -> None:
    settings = settings_for(stub, tmp_path, use_cache=False)
    with open_model(settings, prompt_version="p1", meter=UsageMeter()) as model:
        model.complete(ASK, max_tokens=5)
        model.complete(ASK, max_tokens=5)
    assert len(stub.chat_requests) == 2
    assert not (tmp_path / "cache").exists()


def test_corrupt_cache_runs_without_it(
    stub: StubServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / CACHE_FILE).write_bytes(b"garbage" * 1000)
    with open_model(settings_for(stub, tmp_path), prompt_version="p1", meter=UsageMeter()) as m:
        assert m.complete(ASK, max_tokens=5).text == "stub reply"
        assert not m.complete(ASK, max_tokens=5).cached
    assert "running without it" in caplog.text
    assert caplog.records[0].levelno == logging.WARNING


def test_api_key_from_settings_is_sent(stub: StubServer, tmp_path: Path) -> None:
    settings = settings_for(stub, tmp_path, api_key="sk-real-key")
    with open_model(settings, prompt_version="p1", meter=UsageMeter()) as model:
        model.complete(ASK, max_tokens=5)
    assert stub.chat_requests[0].headers["authorization"] == "Bearer sk-real-key"


def test_model_is_taken_from_an_endpoint_serving_one(stub: StubServer, tmp_path: Path) -> None:
    stub.enqueue(reply("ok"))
    with open_model(
        settings_for(stub, tmp_path, model=None), prompt_version="p1", meter=UsageMeter()
    ) as model:
        assert model.name == "stub-model"
        model.complete(ASK, max_tokens=5)
    assert stub.chat_requests[0].body["model"] == "stub-model"


def test_model_must_be_named_when_the_endpoint_serves_several(tmp_path: Path) -> None:
    with StubServer(models=["a", "b"]) as stub:
        settings = settings_for(stub, tmp_path, model=None)
        with (
            pytest.raises(UsageError, match="--model"),
            open_model(settings, prompt_version="p1", meter=UsageMeter()),
        ):
            pass


def test_the_run_deadline_is_shared(stub: StubServer, tmp_path: Path) -> None:
    with (
        open_model(
            settings_for(stub, tmp_path),
            prompt_version="p1",
            meter=UsageMeter(),
            deadline=Deadline(0),
        ) as model,
        pytest.raises(DeadlineExceeded),
    ):
        model.complete(ASK, max_tokens=5)
    assert stub.chat_requests == []


def test_model_must_be_named_when_the_endpoint_lists_none(tmp_path: Path) -> None:
    with StubServer(models=[]) as stub:
        settings = settings_for(stub, tmp_path, model=None)
        with (
            pytest.raises(UsageError, match="--model"),
            open_model(settings, prompt_version="p1", meter=UsageMeter()),
        ):
            pass
