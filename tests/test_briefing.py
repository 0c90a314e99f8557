"""The briefing: both engines on the seeds, and the model path against a stub over real HTTP."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any, cast

import jsonschema
import pytest
from briefing_stub import (
    copy_claims,
    copy_facts,
    good_model,
    is_lede,
    is_merge,
    no_groups,
    numbered,
)
from stubserver import StubServer, invalid_json, reply, server_error

from summarizer import pipeline, render
from summarizer.cli import main
from summarizer.salience import is_procedural
from summarizer.settings import resolve_settings
from summarizer.types import Briefing, to_jsonable

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SCHEMA = json.loads((ROOT / "docs" / "briefing.schema.json").read_text())
BOILERPLATE = ["Leave a Reply", "You May Also Like", "Hormel", "Law Firm", "AP Photo", "hours ago"]


def _settings(stub: StubServer, tmp_path: Path, **flags: Any) -> Any:
    values = {
        "base_url": stub.base_url,
        "model": "stub",
        "timeout": 5,
        "max_retries": 1,
        "cache_dir": str(tmp_path / "cache"),
        **flags,
    }
    settings = resolve_settings(values)
    return settings.__class__(**{**settings.__dict__, "retry_backoff": 0.01})


def _check_invariants(briefing: Briefing) -> dict[str, Any]:
    data = to_jsonable(briefing)
    jsonschema.validate(data, SCHEMA)
    corpus = pipeline.prepare([str(SEEDS)], warn=lambda _: None)
    sentences = {s.id: set(s.sentences) for s in corpus.sources}
    for point in data["points"]:
        assert point["verified"] is True
        assert set(point["citations"]) <= set(sentences)
        cited = {ev["source"] for ev in point["evidence"]}
        assert cited == set(point["citations"])
        for ev in point["evidence"]:
            assert ev["quote"] in sentences[ev["source"]], "quote must be a sentence of its source"
    lede = data["lede"]["sentences"] if data["lede"] else []
    for item in [*lede, *data["quotes"]]:
        for ev in item["evidence"]:
            assert ev["quote"] in sentences[ev["source"]], "quote must be a sentence of its source"
    # No sentence backs two points, and nothing about sourcing is a point.
    backing = [(ev["source"], ev["quote"]) for p in data["points"] for ev in p["evidence"]]
    assert len(backing) == len(set(backing))
    assert not any(is_procedural(p["text"]) for p in [*data["points"], *lede])
    text = json.dumps(data)
    for junk in BOILERPLATE:
        assert junk not in text
    return cast(dict[str, Any], data)


def test_extractive_briefing_on_seeds_is_cited_verified_and_covers_the_story() -> None:
    briefing = pipeline.brief([str(SEEDS)], engine="extractive", warn=lambda _: None)
    data = _check_invariants(briefing)
    assert data["engine"] == "extractive" and data["model"] is None
    assert data["usage"]["llm_calls"] == 0
    text = " ".join(p["text"] for p in data["points"])
    for fact in ["withdraw", "7,000", "100,000", "Belarus", "1,700", "deployed"]:
        assert fact in text, fact
    assert {c for p in data["points"] for c in p["citations"]} == {
        s["id"] for s in data["sources"]
    }, "every outlet is heard"
    names = {s["name"] for s in data["sources"]}
    assert {"NBC News", "AP"} <= names
    dispute = data["disagreements"][0]
    assert "troop" in dispute["summary"]
    down, up = dispute["positions"]
    assert "withdraw" in down["text"] or "returning" in down["text"]
    assert any(w in up["text"] for w in ("added", "increas", "ramp up", "build"))


def test_seeds_briefing_is_what_a_reader_wants() -> None:
    """The issue's "done when", on the seeds: lede, short points said once, the dispute framed
    by who claims what, dates where the articles give them, readable outlet labels."""
    briefing = pipeline.brief([str(SEEDS)], engine="extractive", warn=lambda _: None)
    data = _check_invariants(briefing)
    assert data["lede"] and 2 <= len(data["lede"]["sentences"]) <= 3
    texts = [p["text"] for p in data["points"]]
    assert len(texts) == len(set(texts))
    assert sum(len(t.split()) for t in texts) / len(texts) <= 30
    # The troop dispute: Russia's claim against US and NATO officials, with the outlets.
    dispute = data["disagreements"][0]
    down, up = dispute["positions"]
    assert any("Russia" in c["name"] for c in down["claimants"])
    up_names = " ".join(c["name"] for c in up["claimants"])
    assert "NATO" in up_names and "official" in up_names
    assert dispute["reported_both"]  # an outlet that carried both claims
    for position in (down, up):
        for claimant in position["claimants"]:
            assert set(claimant["citations"]) <= set(position["citations"])
    # Dates where the article gives one: a published date, or a weekday its captions pin down.
    dated = {p["citations"][0]: p["date"] for p in data["points"] if p["date"]}
    assert dated.get("source-4", "").startswith("2022-02")
    assert any(p["date"] == "2022-02-16" for p in [*data["points"], *data["lede"]["sentences"]])
    # Readable labels, never a bare file name.
    names = [s["name"] for s in data["sources"]]
    assert "Source 2 (001_d69dcd6f.txt)" in names and "AP" in names and "NBC News" in names
    markdown = render.render_briefing(briefing, "markdown")
    assert "1 sources" not in markdown and "prompt " not in markdown and "““" not in markdown


def test_extractive_engine_is_deterministic() -> None:
    first = pipeline.brief([str(SEEDS)], engine="extractive", warn=lambda _: None)
    second = pipeline.brief([str(SEEDS)], engine="extractive", warn=lambda _: None)
    assert first.points == second.points
    assert first.disagreements == second.disagreements


def test_llm_briefing_against_stub_cites_verifies_and_counts_usage(tmp_path: Path) -> None:
    with StubServer(responder=good_model) as stub:
        briefing = pipeline.brief(
            [str(SEEDS)], settings=_settings(stub, tmp_path), warn=lambda _: None
        )
        requests = stub.chat_requests
    data = _check_invariants(briefing)
    assert data["engine"] == "llm" and data["model"] == "stub"
    assert data["usage"]["llm_calls"] == len(requests) == 7  # five sources, a merge, the lede
    assert data["usage"]["prompt_tokens"] == 5 * 100 + 50 + 80
    assert data["lede"]["method"] == "llm"  # the stub's lede restates its facts: it verifies
    assert any(p["method"] == "llm" for p in data["points"])
    assert data["notes"] == ["merge: model grouping unusable; merged by similarity"] or not any(
        "failed" in n for n in data["notes"]
    )
    # The article text is fenced as untrusted data in every claims prompt.
    for request in requests:
        if not is_merge(request.body) and not is_lede(request.body):
            content = request.body["messages"][-1]["content"]
            assert "<<<UNTRUSTED-" in content and "UNTRUSTED-" in content.split("<<<")[-1]


def test_invented_claims_never_reach_the_briefing(tmp_path: Path) -> None:
    def liar(body: dict[str, Any]) -> Any:
        if is_merge(body):
            return no_groups(body)
        if is_lede(body):
            return reply(json.dumps({"sentences": [{"facts": [1], "text": "The war is over."}]}))
        first = numbered(body)[0][0]
        invented = {"sentences": [first], "text": "The United Nations declared the war over."}
        swapped = {"sentences": [first], "text": "Russia added 900,000 troops on Sunday."}
        return reply(json.dumps({"claims": [invented, swapped]}))

    with StubServer(responder=liar) as stub:
        briefing = pipeline.brief(
            [str(SEEDS)], settings=_settings(stub, tmp_path), warn=lambda _: None
        )
    data = _check_invariants(briefing)
    text = json.dumps(data)
    assert "war over" not in text and "900,000" not in text and "The war is over" not in text
    assert all(p["method"] in {"quoted", "extractive"} for p in data["points"])
    assert data["lede"]["method"] == "extractive"  # the invented lede failed its check


def test_invalid_json_is_reasked_once_then_the_source_falls_back(tmp_path: Path) -> None:
    def flaky(body: dict[str, Any]) -> Any:
        if is_merge(body):
            return no_groups(body)
        if is_lede(body):
            return copy_facts(body)
        reasked = any(m["role"] == "assistant" for m in body["messages"])
        if "Russian defense ministry released video" in json.dumps(body):
            return reply("not json at all")  # this source never answers usably
        if "LONDON (AP)" in json.dumps(body) and not reasked:
            return reply('{"claims": "oops"}')  # invalid once: re-asked, then fine
        return copy_claims(body)

    with StubServer(responder=flaky) as stub:
        briefing = pipeline.brief(
            [str(SEEDS)], settings=_settings(stub, tmp_path), warn=lambda _: None
        )
        reasks = [
            r
            for r in stub.chat_requests
            if any(m["role"] == "assistant" for m in r.body["messages"])
        ]
    data = _check_invariants(briefing)
    assert len(reasks) == 2  # the source that erred once, and the broken one (once, then gave up)
    assert any("NBC News: model step failed" in n for n in data["notes"])
    nbc = [p for p in data["points"] if p["citations"][0] == "nbc-news"]
    assert nbc and all(p["method"] == "extractive" for p in nbc)


def test_all_model_calls_failing_exits_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with StubServer(responder=lambda body: server_error(503)) as stub:
        host = stub.base_url.split("//")[1].split("/")[0]
        code = main(
            [
                "brief",
                str(SEEDS),
                "--base-url",
                stub.base_url,
                "--model",
                "stub",
                "--max-retries",
                "0",
                "--timeout",
                "5",
                "--cache-dir",
                str(tmp_path / "c"),
            ]
        )
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("summarizer: error")]
    assert len(lines) == 1 and host in lines[0]
    assert "503" in lines[0]


def test_cache_resume_repeats_no_finished_call(tmp_path: Path) -> None:
    with StubServer(responder=good_model) as stub:
        settings = _settings(stub, tmp_path)
        first = pipeline.brief([str(SEEDS)], settings=settings, warn=lambda _: None)
        n_first = len(stub.chat_requests)
        second = pipeline.brief([str(SEEDS)], settings=settings, warn=lambda _: None)
        n_second = len(stub.chat_requests) - n_first
    assert n_first == 7 and n_second == 0
    assert second.usage.cached_calls == second.usage.llm_calls == 7
    assert [p.text for p in first.points] == [p.text for p in second.points]


def test_interrupted_run_resumes_from_cache(tmp_path: Path) -> None:
    """One source's endpoint fails for good: the finished sources are cached, and the rerun
    asks only for what was missing."""
    broken = {"on": True}

    def partly_down(body: dict[str, Any]) -> Any:
        if broken["on"] and "LONDON (AP)" in json.dumps(body):
            return server_error(503)
        return good_model(body)

    with StubServer(responder=partly_down) as stub:
        settings = _settings(stub, tmp_path, max_retries=0)
        first = pipeline.brief([str(SEEDS)], settings=settings, warn=lambda _: None)
        assert any(n.startswith("AP: model step failed") for n in first.notes)
        before = len(stub.chat_requests)
        broken["on"] = False
        pipeline.brief([str(SEEDS)], settings=settings, warn=lambda _: None)
        rerun = stub.chat_requests[before:]
    claim_requests = [r for r in rerun if not is_merge(r.body) and not is_lede(r.body)]
    assert len(claim_requests) == 1 and "LONDON (AP)" in json.dumps(claim_requests[0].body)


def test_per_source_calls_run_concurrently(tmp_path: Path) -> None:
    state = {"now": 0, "peak": 0}
    lock = threading.Lock()

    def slow_model(body: dict[str, Any]) -> Any:
        with lock:
            state["now"] += 1
            state["peak"] = max(state["peak"], state["now"])
        time.sleep(0.3)
        with lock:
            state["now"] -= 1
        return good_model(body)

    with StubServer(responder=slow_model) as stub:
        pipeline.brief(
            [str(SEEDS)],
            settings=_settings(stub, tmp_path, concurrency=5, use_cache=False),
            warn=lambda _: None,
        )
    assert state["peak"] >= 2


def test_unusable_merge_answer_falls_back_to_similarity(tmp_path: Path) -> None:
    def bad_merge(body: dict[str, Any]) -> Any:
        if is_lede(body):
            return copy_facts(body)
        return invalid_json() if is_merge(body) else copy_claims(body)

    with StubServer(responder=bad_merge) as stub:
        briefing = pipeline.brief(
            [str(SEEDS)], settings=_settings(stub, tmp_path, max_retries=0), warn=lambda _: None
        )
    assert "merge: model grouping unusable; merged by similarity" in briefing.notes
    _check_invariants(briefing)


def test_cli_writes_json_atomically_and_markdown_names_outlets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "b.json"
    assert (
        main(["brief", str(SEEDS), "--engine", "extractive", "--format", "json", "--out", str(out)])
        == 0
    )
    jsonschema.validate(json.loads(out.read_text()), SCHEMA)
    assert not list(tmp_path.glob(".b.json.*"))  # no temp file left behind
    assert main(["brief", str(SEEDS), "--engine", "extractive"]) == 0
    markdown = capsys.readouterr().out
    assert "## Where accounts conflict" in markdown
    assert "*AP*" in markdown or "(AP" in markdown or ", AP" in markdown
    assert "](" not in markdown  # no links from article text


def test_one_sentence_folder_copy_still_briefs(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "001_d69dcd6f07bad049.txt", folder / "first.txt")
    (folder / "short.txt").write_text("The port reopened on Monday after a two-day strike.\n")
    briefing = pipeline.brief([str(folder)], engine="extractive", warn=lambda _: None)
    # Neither file names its outlet: both are labelled by place and file name.
    assert [s.name for s in briefing.sources] == ["Source 1 (first.txt)", "Source 2 (short.txt)"]
    assert briefing.points
