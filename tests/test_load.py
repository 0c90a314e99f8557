"""A light version of bench/load.py: 40 articles from 10 outlets, --concurrency 8, the stub
server as the model. The run completes and loses no source. (Time and memory: the bench.)
"""

from __future__ import annotations

import json
from pathlib import Path

from newsdesk import NewsModel, article_sentences, outlet_names, write_articles
from stubserver import StubServer, server_error

from summarizer.cli import main

OUTLETS = outlet_names(10)


def test_forty_articles_with_concurrency_lose_no_source(tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "news", OUTLETS, per_outlet=4)
    articles = {(o, n): article_sentences(o, n, 6) for o in OUTLETS for n in range(1, 5)}
    # One article's calls always fail: it must end up in the notes, not vanish.
    failing = articles[(OUTLETS[3], 2)]
    model = NewsModel(lambda call: server_error(503) if any(map(call.mentions, failing)) else None)
    out = tmp_path / "briefing.json"
    config = tmp_path / "config.toml"
    config.write_text("retry_backoff = 0.01\nretry_backoff_max = 0.05\n", encoding="utf-8")
    with StubServer(model) as stub:
        args = [
            "brief", str(folder), "--base-url", stub.base_url, "--model", "stub",
            "--concurrency", "8", "--max-retries", "1", "--config", str(config),
            "--max-points", "1000", "--format", "json", "--out", str(out),
        ]  # fmt: skip
        assert main(args) == 0
    briefing = json.loads(out.read_text(encoding="utf-8"))
    assert len(briefing["sources"]) == 40
    assert {s["name"] for s in briefing["sources"]} == set(OUTLETS)
    answered = {
        key
        for key, sentences in articles.items()
        if any(
            call.mentions(s) and call.nth == 0
            for call in model.of_kind("claims")
            for s in sentences
        )
    }
    assert answered == set(articles)  # every article was sent to the model
    (note,) = briefing["notes"]
    assert note.startswith(f"{OUTLETS[3]}: model step failed")
    cited = {c for p in briefing["points"] for c in p["citations"]}
    assert len(cited) >= 10
    assert len(model.of_kind("claims")) == 39 + 2  # the failing one: max_retries + 1
