"""Eval results as text (the terminal), JSON, a Markdown report and a self-contained HTML chart
of the gated metrics against the baseline (inline SVG: no script, no external asset).
"""

from __future__ import annotations

import html
import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from summarizer.evaluation import GATED, TOLERANCES, CaseResult, EvalResult
from summarizer.fsutil import atomic_write
from summarizer.render import md_escape
from summarizer.types import to_jsonable

LABELS = {
    "unsupported_rate": "unsupported points (lower is better)",
    "citation_accuracy": "citation accuracy",
    "key_fact_coverage": "key-fact coverage",
    "detection_rate": "perturbation detection",
    "false_alarm_rate": "false alarms (lower is better)",
}
REPORT_FILE = "report.md"
CHART_FILE = "chart.html"


def default_report_dir(now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return Path("reports") / f"eval-{stamp}"


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _compared_with(result: EvalResult) -> str:
    c = result.comparison
    if c.prompt_version is None:
        return (
            f"no {result.engine} baseline in {result.baseline_path} yet "
            "(record one with --update-baseline)"
        )
    if c.same_prompt:
        return f"{result.engine} baseline for this prompt version (recorded {c.recorded_at})"
    return (
        f"the latest {result.engine} baseline, prompt version {c.prompt_version} "
        f"(recorded {c.recorded_at}): the prompts changed since"
    )


def _rows(result: EvalResult) -> list[tuple[str, str, str, str, str]]:
    """(metric, current, baseline, change, tolerance) for the gated metrics."""
    recorded = result.comparison.metrics or {}
    rows = []
    for name in GATED:
        now, then = result.metrics.get(name), recorded.get(name)
        better, tolerance = TOLERANCES[name]
        change = (
            f"{now - then:+.3f}"
            if isinstance(now, int | float) and isinstance(then, int | float)
            else ""
        )
        way = "may drop" if better == "higher" else "may rise"
        rows.append((name, _fmt(now), _fmt(then), change, f"{way} {tolerance:.2f}"))
    return rows


def _density_then(result: EvalResult) -> str:
    """ ", baseline 1.234" when the baseline recorded a fact density (it is not gated)."""
    then = (result.comparison.metrics or {}).get("fact_density")
    return f", baseline {_fmt(then)}" if isinstance(then, int | float) else ""


def eval_text(result: EvalResult, report_dir: Path | None = None) -> str:
    points = result.metrics.get("points")
    lines = [
        f"eval: engine {result.engine}"
        + (f" ({result.model})" if result.model else "")
        + f", prompt version {result.prompt_version}, "
        f"{len(result.cases)} case(s): {', '.join(c.case for c in result.cases)}, {points} points",
        "",
        f"{'metric':<20} {'current':>8} {'baseline':>9} {'change':>7}  tolerance",
    ]
    for name, now, then, change, tolerance in _rows(result):
        lines.append(f"{name:<20} {now:>8} {then:>9} {change:>7}  {tolerance}")
    m = result.metrics
    lines += [
        f"{'tokens':<20} {_fmt(m.get('tokens')):>8}  ({m.get('llm_calls')} model calls, "
        f"{m.get('cached_calls')} cached)",
        f"{'seconds':<20} {_fmt(m.get('seconds'), 1):>8}",
        f"{'words':<20} {_fmt(m.get('words')):>8}  (fact_density {_fmt(m.get('fact_density'))} "
        f"key facts per 100 words{_density_then(result)})",
        "",
        f"compared with: {_compared_with(result)}",
    ]
    for r in result.comparison.regressions:
        lines.append(f"regression: {r.describe()}")
    if result.updated_baseline:
        lines.append(
            f"recorded these metrics as the {result.engine} baseline for prompt version "
            f"{result.prompt_version} in {result.baseline_path}"
        )
    n = len(result.comparison.regressions)
    verdict = "FAIL" if result.failed else "PASS"
    lines.append(f"result: {verdict}" + (f" ({n} regression{'s' * (n != 1)})" if n else ""))
    if report_dir is not None:
        lines.append(f"report: {report_dir / REPORT_FILE}, chart: {report_dir / CHART_FILE}")
    return "\n".join(lines) + "\n"


def eval_json(result: EvalResult, report_dir: Path | None = None) -> str:
    c = result.comparison
    data = {
        "engine": result.engine,
        "model": result.model,
        "prompt_version": result.prompt_version,
        "generated_at": result.generated_at,
        "metrics": result.metrics,
        "baseline": None
        if c.prompt_version is None
        else {
            "prompt_version": c.prompt_version,
            "same_prompt": c.same_prompt,
            "recorded_at": c.recorded_at,
            "metrics": c.metrics,
        },
        "tolerances": {k: {"better": b, "tolerance": t} for k, (b, t) in TOLERANCES.items()},
        "regressions": [
            {**to_jsonable(r), "change": r.change, "message": r.describe()} for r in c.regressions
        ],
        "passed": not result.failed,
        "updated_baseline": result.updated_baseline,
        "cases": [
            {
                "case": case.case,
                "counts": to_jsonable(case.counts),
                "key_facts": to_jsonable(case.facts),
                "points": to_jsonable(case.points),
                "perturbed": to_jsonable(case.perturbed),
            }
            for case in result.cases
        ],
        "report_dir": None if report_dir is None else str(report_dir),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


# --- files -----------------------------------------------------------------------------------


def write_report(result: EvalResult, folder: str | Path | None = None) -> Path:
    """Write report.md and chart.html into ``folder`` (default reports/eval-<timestamp>)."""
    target = Path(folder) if folder is not None else default_report_dir()
    atomic_write(target / REPORT_FILE, eval_markdown(result))
    atomic_write(target / CHART_FILE, eval_chart_html(result))
    return target


def eval_markdown(result: EvalResult) -> str:
    verdict = "FAIL" if result.failed else "PASS"
    lines = [
        f"# Eval report: {verdict}",
        "",
        f"- engine: {result.engine}" + (f" ({md_escape(result.model)})" if result.model else ""),
        f"- prompt version: `{result.prompt_version}`",
        f"- generated: {result.generated_at}",
        f"- compared with: {md_escape(_compared_with(result))}",
        "",
        "| metric | current | baseline | change | tolerance |",
        "|---|---:|---:|---:|---|",
    ]
    lines += [f"| {LABELS[n]} | {a} | {b} | {c} | {t} |" for n, a, b, c, t in _rows(result)]
    m = result.metrics
    lines += [
        "",
        f"{m.get('points')} points, {m.get('perturbed_points')} perturbed variants; "
        f"{m.get('llm_calls')} model calls ({m.get('cached_calls')} cached), "
        f"{m.get('tokens')} tokens, {_fmt(m.get('seconds'), 1)} s; "
        f"{m.get('words')} words to read, {_fmt(m.get('fact_density'))} key facts per 100 words"
        f"{_density_then(result)}.",
        "",
    ]
    if result.comparison.regressions:
        lines += ["## Regressions", ""]
        lines += [f"- {md_escape(r.describe())}" for r in result.comparison.regressions]
        lines.append("")
    for case in result.cases:
        lines += _case_markdown(case)
    return "\n".join(lines) + "\n"


def _case_markdown(case: CaseResult) -> list[str]:
    lines = [f"## Case {md_escape(case.case)}", "", "### Key facts", ""]
    for f in case.facts:
        mark = "✓" if f.covered else "✗"
        lines.append(f"- {mark} **{md_escape(f.id)}**: {md_escape(f.statement)} ({f.score:.2f})")
    lines += ["", "### Points", ""]
    for n, p in enumerate(case.points, start=1):
        mark = "✗" if p.unsupported else "✓"
        cites = ", ".join(
            f"{c}{'' if c in p.supporting_citations else ' (does not support it)'}"
            for c in p.citations
        )
        lines.append(f"{n}. {mark} {md_escape(p.text)} — {md_escape(cites)} (method {p.method})")
    lines += ["", "### Perturbed points", ""]
    kinds: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    for v in case.perturbed:
        kinds[v.kind] += 1
        caught[v.kind] += v.caught
    lines += ["| kind | caught |", "|---|---:|"]
    lines += [f"| {k} | {caught[k]}/{kinds[k]} |" for k in sorted(kinds)]
    missed = [v for v in case.perturbed if not v.caught]
    if missed:
        lines += ["", "Missed:", ""]
        lines += [f"- {v.kind}: {md_escape(v.detail)} — {md_escape(v.text)}" for v in missed]
    lines.append("")
    return lines


def eval_chart_html(result: EvalResult) -> str:
    """Horizontal bars on a 0–1 scale: baseline (grey) and current (green, red if regressed)."""
    recorded = result.comparison.metrics or {}
    regressed = {r.metric for r in result.comparison.regressions}
    left, width, bar, gap = 190, 420, 16, 14
    rows = []
    y = 30
    for name in GATED:
        now, then = result.metrics.get(name), recorded.get(name)
        label = html.escape(LABELS[name])
        rows.append(f'<text x="{left - 10}" y="{y + bar + 4}" text-anchor="end">{label}</text>')
        for value, color, tag in (
            (then, "#9aa0a6", "baseline"),
            (now, "#c5221f" if name in regressed else "#188038", "current"),
        ):
            if isinstance(value, int | float):
                w = max(1.0, float(value) * width)
                rows.append(
                    f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="{color}">'
                    f"<title>{tag}: {value:.3f}</title></rect>"
                )
                rows.append(f'<text x="{left + w + 6:.1f}" y="{y + bar - 3}">{value:.3f}</text>')
            else:
                rows.append(f'<text x="{left + 6}" y="{y + bar - 3}">{tag}: n/a</text>')
            y += bar + 2
        y += gap
    axis = "".join(
        f'<line x1="{left + t * width}" y1="22" x2="{left + t * width}" y2="{y}" '
        f'stroke="#e0e0e0"/><text x="{left + t * width}" y="16" text-anchor="middle">{t:g}</text>'
        for t in (0, 0.25, 0.5, 0.75, 1)
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" height="{y + 10}" '
        f'role="img" aria-label="eval metrics against the baseline" '
        f'font-family="sans-serif" font-size="12">{axis}{"".join(rows)}</svg>'
    )
    title = html.escape(
        f"Eval {result.engine} · prompt {result.prompt_version} · "
        f"{'FAIL' if result.failed else 'PASS'}"
    )
    compared = html.escape(_compared_with(result))
    regressions = "".join(
        f"<li>{html.escape(r.describe())}</li>" for r in result.comparison.regressions
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title>"
        "<style>body{font-family:sans-serif;margin:2em;color:#202124}"
        ".key span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}</style>"
        f"</head><body><h1>{title}</h1><p>Compared with: {compared}.</p>"
        '<p class="key"><span style="background:#9aa0a6"></span>baseline'
        '<span style="background:#188038"></span>current'
        '<span style="background:#c5221f"></span>current, regressed</p>'
        f"{svg}"
        + (f"<h2>Regressions</h2><ul>{regressions}</ul>" if regressions else "")
        + "</body></html>\n"
    )
