"""Concurrency matches the server: against a server that computes one answer at a time, calls
beyond its capacity wait in the client, where waiting is not a timeout, so a slow server
causes no timeout, no retry and so no duplicate request (issue: retry storms on a busy laptop).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

from newsdesk import NewsModel, write_articles
from stubserver import StubServer, reply

from summarizer import pipeline
from summarizer.embedded import probe_slots
from summarizer.errors import EndpointUnavailable
from summarizer.llm import Message, MeteredChatModel, OpenAIChatModel, UsageMeter

CALLS = 4
TOKENS = 8
TOKEN_DELAY = 0.25  # each answer streams for about 2 s: longer than the stall timeout
STALL = 1.5  # far above the gap between two tokens, even on a loaded machine


def slow_answer(body: Any) -> Any:
    return reply("tok " * TOKENS, token_delay=TOKEN_DELAY)


def ask_all(model: OpenAIChatModel) -> list[str | Exception]:
    """CALLS different questions at once, one thread each; the answer or the error of each."""
    out: list[str | Exception] = [""] * CALLS

    def ask(n: int) -> None:
        try:
            out[n] = model.complete([Message("user", f"question {n}")], max_tokens=50).text
        except EndpointUnavailable as exc:
            out[n] = exc

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(CALLS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def sent(stub: StubServer) -> Counter[str]:
    return Counter(json.dumps(r.body["messages"]) for r in stub.chat_requests)


def test_queued_calls_wait_in_the_client_without_timeout_or_duplicate() -> None:
    with StubServer(slow_answer, slots=1) as stub:
        slots = probe_slots(stub.base_url.removesuffix("/v1"))
        model = OpenAIChatModel(
            base_url=stub.base_url, model="stub-model", timeout=STALL, max_retries=3, slots=slots
        )
        answers = ask_all(model)
    assert slots == 1
    assert answers == ["tok " * TOKENS] * CALLS  # every call answered, none timed out
    assert len(stub.chat_requests) == CALLS  # no retry...
    assert set(sent(stub).values()) == {1}  # ...so no question was sent twice
    assert stub.max_in_flight == 1
    assert stub.max_queued <= 1  # at most the next request, arriving as the last one ends


def test_without_the_server_capacity_the_same_calls_time_out_and_repeat() -> None:
    """The same load with every call sent at once (the old behaviour, and what --concurrency
    means for a remote endpoint): the ones queued in the server go silent past the stall
    timeout and are retried, which is what the client-side wait prevents."""
    with StubServer(slow_answer, slots=1) as stub:
        model = OpenAIChatModel(
            base_url=stub.base_url,
            model="stub-model",
            timeout=STALL,
            max_retries=1,
            retry_backoff=0.01,
            retry_backoff_max=0.02,
        )
        answers = ask_all(model)
    assert stub.max_queued > 1
    assert len(stub.chat_requests) > CALLS
    assert max(sent(stub).values()) > 1
    assert any(isinstance(a, EndpointUnavailable) for a in answers)


def test_a_briefing_against_a_one_slot_server_has_no_fallback(tmp_path: Any) -> None:
    outlets = ["Alpha Times", "Bravo News", "Charlie Daily", "Delta Post", "Echo Herald"]
    folder = write_articles(tmp_path / "news", outlets)
    news = NewsModel()

    def slow_news(body: Any) -> Any:
        return reply(str(news(body)), token_delay=0.02)  # about 2 s per claims answer

    corpus = pipeline.prepare([str(folder)])
    with StubServer(slow_news, slots=1) as stub:
        client = OpenAIChatModel(
            base_url=stub.base_url, model="stub", timeout=STALL, max_retries=3, slots=1
        )
        meter = UsageMeter()
        session = pipeline.ModelSession(MeteredChatModel(client, meter), meter, concurrency=8)
        briefing = pipeline.brief_corpus(corpus, session=session)
    assert briefing.notes == ()
    assert {c.nth for c in news.calls} == {0}  # nothing was asked twice
    assert len(news.of_kind("claims")) == len(outlets)
    assert stub.max_queued <= 1
