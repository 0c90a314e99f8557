"""`summarizer eval`: the cases, the metrics, the baseline gate (per engine and prompt version),
the report files, and the prompt-change gate: eval passes on the current prompts and fails on a
deliberately worse claims template, with the model played by the stub server."""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stubserver import StubServer, reply

from summarizer import evaluation, templating
from summarizer.checker import Checker
from summarizer.checker.perturb import perturb
from summarizer.cli import main
from summarizer.errors import InputError
from summarizer.evaluation import TOLERANCES, baseline_entry, compare, load_cases
from summarizer.pipeline import prepare

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "evals" / "cases"
BASELINE = ROOT / "evals" / "baseline.json"
GOOD = {
    "unsupported_rate": 0.10,
    "citation_accuracy": 0.90,
    "key_fact_coverage": 0.80,
    "detection_rate": 0.85,
    "false_alarm_rate": 0.05,
}


@pytest.fixture(autouse=True)
def fresh_templates() -> Iterator[None]:
    templating.clear_caches()
    yield
    templating.clear_caches()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- the cases -------------------------------------------------------------------------------


def test_every_key_fact_statement_is_supported_by_the_seeds() -> None:
    (case,) = load_cases(CASES)
    assert case.name == "seeds" and len(case.key_facts) >= 8
    corpus = prepare(case.sources)
    assert len(corpus.sources) == 5
    checker = Checker({s.id: s.sentences for s in corpus.sources})
    for fact in case.key_facts:
        for statement in fact.statements:
            result = checker.check(statement)
            assert result.verdict == "supported", (fact.id, statement, result.reasons)


def test_bad_case_files_are_input_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    for text, message in (
        ("- just a list", "mapping"),
        ("sources: x\nkey_facts: []", "key_facts"),
        ("sources: x\nkey_facts: [{id: a}]", "key fact 1"),
        ("key_facts: [{fact: A b c.}]", "sources"),
        ("sources: [x\n", "cannot read"),
    ):
        bad.write_text(text)
        with pytest.raises(InputError, match=message):
            load_cases(bad)
    with pytest.raises(InputError, match="no such"):
        load_cases(tmp_path / "missing")


# --- the baseline gate -----------------------------------------------------------------------


@pytest.mark.parametrize("metric", list(TOLERANCES))
def test_each_metric_regression_is_flagged_beyond_its_tolerance(metric: str) -> None:
    better, tolerance = TOLERANCES[metric]
    wrong_way = -1 if better == "higher" else 1
    within = {**GOOD, metric: GOOD[metric] + wrong_way * tolerance}
    beyond = {**GOOD, metric: GOOD[metric] + wrong_way * (tolerance + 0.01)}
    improved = {**GOOD, metric: GOOD[metric] - wrong_way * 0.5}
    assert compare(within, GOOD) == []
    assert compare(improved, GOOD) == []
    (regression,) = compare(beyond, GOOD)
    assert regression.metric == metric and regression.better == better
    assert regression.baseline == GOOD[metric] and regression.current == beyond[metric]
    assert metric in regression.describe()


def test_comparison_skips_metrics_missing_on_either_side() -> None:
    assert compare({**GOOD, "detection_rate": None}, {**GOOD, "detection_rate": 1.0}) == []
    assert compare({**GOOD, "key_fact_coverage": 0.0}, {"unsupported_rate": 0.1}) == []
    regressions = compare({**GOOD, "unsupported_rate": 1.0, "key_fact_coverage": 0.0}, GOOD)
    assert {r.metric for r in regressions} == {"unsupported_rate", "key_fact_coverage"}


def test_baseline_entry_falls_back_to_the_latest_for_the_engine() -> None:
    baseline = {
        "llm": {
            "old": {**GOOD, "recorded_at": "2026-01-01T00:00:00+00:00"},
            "newer": {**GOOD, "recorded_at": "2026-02-01T00:00:00+00:00"},
        },
        "extractive": {"x": {**GOOD, "recorded_at": "2026-03-01T00:00:00+00:00"}},
    }
    assert baseline_entry(baseline, "llm", "old") == ("old", baseline["llm"]["old"])
    assert baseline_entry(baseline, "llm", "unknown") == ("newer", baseline["llm"]["newer"])
    assert baseline_entry({}, "llm", "old") is None


def test_the_recorded_baseline_has_both_engines() -> None:
    recorded = json.loads(BASELINE.read_text())
    assert set(recorded) == {"extractive", "llm"}
    for versions in recorded.values():
        for entry in versions.values():
            assert set(TOLERANCES) <= set(entry) and entry["recorded_at"]
            assert {"tokens", "seconds", "points"} <= set(entry)


# --- end to end, extractive ------------------------------------------------------------------


def test_extractive_eval_passes_against_the_recorded_baseline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = BASELINE.read_bytes()
    report = tmp_path / "report"
    code, out, err = run(
        capsys,
        "eval",
        "--engine",
        "extractive",
        "--format",
        "json",
        "--cases",
        str(CASES),
        "--baseline",
        str(BASELINE),
        "--report-dir",
        str(report),
    )
    assert code == 0, (out, err)
    data = json.loads(out)
    metrics = data["metrics"]
    for name in [*TOLERANCES, "tokens", "seconds", "points"]:
        assert metrics[name] is not None, name
    assert metrics["points"] > 0 and metrics["perturbed_points"] > 0
    assert 0.0 <= metrics["key_fact_coverage"] <= 1.0
    # Fact density: key facts covered per 100 words a reader reads.
    covered = sum(f["covered"] for case in data["cases"] for f in case["key_facts"])
    assert metrics["words"] > 0
    assert metrics["fact_density"] == round(100 * covered / metrics["words"], 3)
    assert data["baseline"]["metrics"]["key_fact_coverage"] is not None
    assert data["regressions"] == [] and data["passed"] is True
    assert BASELINE.read_bytes() == before  # only --update-baseline writes it
    # The report: Markdown and a self-contained HTML chart with inline SVG bars.
    markdown = (report / "report.md").read_text()
    assert "# Eval report: PASS" in markdown and "key-fact coverage" in markdown
    assert "belarus-drills" in markdown
    chart = (report / "chart.html").read_text()
    assert chart.startswith("<!DOCTYPE html>") and "<svg" in chart and "<rect" in chart
    assert "<script" not in chart and "http://" not in chart.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert chart.count("<rect") == 2 * len(TOLERANCES)


def test_update_baseline_records_per_engine_and_prompt_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    args = ["eval", "--engine", "extractive", "--cases", str(CASES), "--baseline", str(baseline)]
    args += ["--report-dir", str(tmp_path / "r")]
    code, out, _ = run(capsys, *args)
    assert code == 0 and "no extractive baseline" in out
    assert not baseline.exists()
    assert run(capsys, *args, "--update-baseline")[0] == 0
    recorded = json.loads(baseline.read_text())
    version = templating.prompt_version()
    assert list(recorded) == ["extractive"] and list(recorded["extractive"]) == [version]
    # Against a better recorded baseline, the same briefing is a regression.
    recorded["extractive"][version]["key_fact_coverage"] += 0.2
    baseline.write_text(json.dumps(recorded))
    code, out, _ = run(capsys, *args)
    assert code == 1
    assert "regression: key_fact_coverage dropped" in out and "result: FAIL" in out


# --- the prompt-change gate, with the stub as the model ------------------------------------

_NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.M)
WORSE_INSTRUCTION = (
    "Make the facts more striking: speculate about what happens next and round or invent "
    "numbers where the article is vague."
)


def _fenced(text: str) -> str:
    match = re.search(r"<<<UNTRUSTED-\w+\n(.*?)\nUNTRUSTED-\w+>>>", text, re.S)
    assert match is not None, text
    return match.group(1)


def _worse(sentence: str, rng: random.Random) -> str:
    for kind in ("number", "negation", "added_fact"):
        changed = perturb(sentence, kind, rng)
        if changed is not None:
            return changed.text
    return sentence


def stub_model(body: dict[str, Any]) -> Any:
    """Claims that copy the numbered sentences the prompt showed (the first four); altered
    numbers and negations when the prompt asks for speculation. No merge groups."""
    user = body["messages"][-1]["content"]
    if '"groups"' in user:
        return reply(json.dumps({"groups": []}))
    shown = _NUMBERED.findall(_fenced(user))[:4]
    rng = random.Random(0)
    speculate = "speculate" in user
    claims = [{"sentences": [int(n)], "text": _worse(s, rng) if speculate else s} for n, s in shown]
    return reply(json.dumps({"claims": claims}), prompt_tokens=300, completion_tokens=80)


def test_prompt_change_gate(
    stub: StubServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stub.responder = stub_model
    baseline = tmp_path / "baseline.json"
    args = ["eval", "--engine", "llm", "--cases", str(CASES), "--baseline", str(baseline)]
    args += ["--base-url", stub.base_url, "--model", "stub", "--max-retries", "0"]

    # Current prompts: record the baseline, then pass against it.
    code, out, err = run(capsys, *args, "--update-baseline", "--report-dir", str(tmp_path / "a"))
    assert code == 0, (out, err)
    good_version = templating.prompt_version()
    recorded = json.loads(baseline.read_text())["llm"][good_version]
    assert recorded["unsupported_rate"] == 0.0 and recorded["tokens"] > 0
    code, out, _ = run(capsys, *args, "--report-dir", str(tmp_path / "b"))
    assert code == 0 and "result: PASS" in out

    # A deliberately worse claims template, in a copy of the prompts folder.
    worse = tmp_path / "prompts"
    shutil.copytree(Path(str(templating.prompts_dir())), worse)
    template = worse / "claims.user.j2"
    template.write_text(template.read_text() + "\n" + WORSE_INSTRUCTION + "\n")
    monkeypatch.setenv(templating.PROMPTS_DIR_ENV, str(worse))
    assert templating.prompt_version() != good_version

    report = tmp_path / "c"
    code, out, err = run(capsys, *args, "--format", "json", "--report-dir", str(report))
    assert code == 1, err
    data = json.loads(out)
    assert data["prompt_version"] != good_version
    assert data["baseline"]["prompt_version"] == good_version  # the latest llm entry
    assert data["baseline"]["same_prompt"] is False
    regressed = {r["metric"] for r in data["regressions"]}
    assert "unsupported_rate" in regressed
    assert data["metrics"]["unsupported_rate"] > recorded["unsupported_rate"] + 0.05
    assert "# Eval report: FAIL" in (report / "report.md").read_text()
    assert "unsupported_rate rose" in (report / "chart.html").read_text()
    # The worse template really was what the model saw.
    assert any(WORSE_INSTRUCTION in r.body["messages"][-1]["content"] for r in stub.chat_requests)


def test_metrics_of_empty_counts_are_none() -> None:
    metrics = evaluation.metrics_of(evaluation.Counts())
    assert all(metrics[name] is None for name in TOLERANCES)
    assert metrics["tokens"] == 0
    assert metrics["words"] == 0 and metrics["fact_density"] is None


def test_fact_density_pools_facts_and_words_over_cases() -> None:
    one = evaluation.Counts(key_facts=10, covered_facts=9, words=600)
    two = evaluation.Counts(key_facts=5, covered_facts=3, words=200)
    metrics = evaluation.metrics_of(one + two)
    assert metrics["words"] == 800
    assert metrics["fact_density"] == 1.5  # 12 facts per 800 words
