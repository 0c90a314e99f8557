"""The eval harness: brief each eval case with the current prompts, measure the briefing with the
fact checker, and compare with the baseline recorded per engine and prompt version.

Metrics (each pooled over all cases; definitions in the README):
  unsupported_rate   points whose claim as the engine wrote it is unsupported
  citation_accuracy  (point, cited source) pairs where that source supports the point
  key_fact_coverage  key facts the briefing's own text supports
  detection_rate     perturbed points the checker flags against their cited sources
  false_alarm_rate   unperturbed points the checker flags against their cited sources
  fact_density       key facts covered per 100 words a reader reads (render.briefing_words)
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml

from summarizer.checker import Checker
from summarizer.checker.perturb import people_in, perturb_all
from summarizer.defaults import DEFAULT_BASELINE, DEFAULT_CASES
from summarizer.errors import InputError, JobFailed
from summarizer.execution import Job, open_runner
from summarizer.fsutil import atomic_write
from summarizer.pipeline import prepare
from summarizer.render import briefing_words
from summarizer.segment import split_sentences
from summarizer.settings import Settings
from summarizer.templating import prompt_version
from summarizer.types import Briefing, Corpus, Engine, Point

log = logging.getLogger("summarizer.evaluation")


Better = Literal["higher", "lower"]
# The regression gate, in one place: metric -> (which way is better, largest allowed change
# the wrong way). A metric that moves the wrong way by more than this fails `summarizer eval`.
TOLERANCES: Mapping[str, tuple[Better, float]] = {
    "key_fact_coverage": ("higher", 0.05),
    "unsupported_rate": ("lower", 0.05),
    "citation_accuracy": ("higher", 0.05),
    "detection_rate": ("higher", 0.05),
    "false_alarm_rate": ("lower", 0.05),
}
GATED = tuple(TOLERANCES)

# Known-bad variants of the briefing's own points (summarizer.checker.perturb), fixed seed.
PERTURBATION_KINDS = (
    "number",
    "entity",
    "date",
    "negation",
    "invented_quote",
    "misattribution",
    "added_fact",
)
PERTURBATION_SEED = 20220216
PERTURBATIONS_PER_POINT = 2

Progress = Callable[[str], None]
Metrics = dict[str, float | None]


# --- cases -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFact:
    """A fact a good briefing covers; covered when any of its statements is supported."""

    id: str
    statements: tuple[str, ...]


@dataclass(frozen=True)
class EvalCase:
    name: str
    path: str  # the case file
    sources: tuple[str, ...]  # source files or folders, resolved against the case file
    key_facts: tuple[KeyFact, ...]


def load_cases(path: str | Path = DEFAULT_CASES) -> list[EvalCase]:
    """Cases from one YAML/JSON file, or every such file in a folder (sorted by name)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in {".yaml", ".yml", ".json"})
        if not files:
            raise InputError(f"{path}: no eval case (.yaml, .yml or .json) in this folder")
    elif path.is_file():
        files = [path]
    else:
        raise InputError(f"{path}: no such eval case file or folder (run from the repo root?)")
    return [_load_case(f) for f in files]


def _load_case(path: Path) -> EvalCase:
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read eval case ({_one_line(str(exc))})") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: an eval case is a mapping with sources and key_facts")
    sources = data.get("sources")
    if isinstance(sources, str):
        sources = [sources]
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        raise InputError(f"{path}: 'sources' must be a path or a list of paths")
    facts_data = data.get("key_facts")
    if not isinstance(facts_data, list) or not facts_data:
        raise InputError(f"{path}: 'key_facts' must be a non-empty list")
    facts: list[KeyFact] = []
    for n, item in enumerate(facts_data, start=1):
        if not isinstance(item, dict):
            raise InputError(f"{path}: key fact {n} must be a mapping with id and fact/any_of")
        alternatives = item.get("any_of", [item["fact"]] if "fact" in item else None)
        if (
            not isinstance(alternatives, list)
            or not alternatives
            or not all(isinstance(s, str) and s.strip() for s in alternatives)
        ):
            raise InputError(f"{path}: key fact {n} needs 'fact' (a statement) or 'any_of'")
        facts.append(KeyFact(str(item.get("id", f"fact-{n}")), tuple(alternatives)))
    return EvalCase(
        name=str(data.get("name", path.stem)),
        path=str(path),
        sources=tuple(str((path.parent / s).resolve()) for s in sources),
        key_facts=tuple(facts),
    )


# --- measuring one briefing ------------------------------------------------------------------


@dataclass(frozen=True)
class PointCheck:
    text: str
    method: str
    citations: tuple[str, ...]
    supported: bool  # by any source
    supported_by_citations: bool  # by its cited sources together
    supporting_citations: tuple[str, ...]  # cited sources that support it on their own

    @property
    def unsupported(self) -> bool:
        """The engine's claim failed: no source supports it, or it was replaced by a quote."""
        return not self.supported or self.method == "quoted"


@dataclass(frozen=True)
class FactCheck:
    id: str
    covered: bool
    statement: str  # the statement that was supported, else the best-scoring one
    score: float
    evidence: str  # the briefing text that supports it (or comes closest)


@dataclass(frozen=True)
class PerturbedCheck:
    kind: str
    original: str
    text: str
    detail: str
    caught: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Counts:
    """What one case contributes to the pooled metrics."""

    points: int = 0
    unsupported_points: int = 0
    citation_pairs: int = 0
    supported_pairs: int = 0
    key_facts: int = 0
    covered_facts: int = 0
    perturbed: int = 0
    caught: int = 0
    false_alarms: int = 0
    llm_calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    words: int = 0  # what a reader reads: lede, points, shown quotes, conflicts, quotes

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


@dataclass(frozen=True)
class CaseResult:
    case: str
    briefing: Briefing
    points: tuple[PointCheck, ...]
    facts: tuple[FactCheck, ...]
    perturbed: tuple[PerturbedCheck, ...]
    counts: Counts


def measure(corpus: Corpus, briefing: Briefing, case: EvalCase) -> CaseResult:
    """Check a briefing of ``case`` against the corpus it was made from; pure and offline."""
    checker = Checker({s.id: s.sentences for s in corpus.sources})
    points = tuple(_check_point(checker, p) for p in briefing.points)
    own_text = _briefing_checker(briefing)
    facts = tuple(_check_fact(own_text, f) for f in case.key_facts)
    people = people_in([s for src in corpus.sources for s in src.sentences])
    perturbed = tuple(_check_perturbations(checker, briefing.points, people))
    usage = briefing.usage
    counts = Counts(
        points=len(points),
        unsupported_points=sum(p.unsupported for p in points),
        citation_pairs=sum(len(p.citations) for p in points),
        supported_pairs=sum(len(p.supporting_citations) for p in points),
        key_facts=len(facts),
        covered_facts=sum(f.covered for f in facts),
        perturbed=len(perturbed),
        caught=sum(p.caught for p in perturbed),
        false_alarms=sum(not p.supported_by_citations for p in points),
        llm_calls=usage.llm_calls,
        cached_calls=usage.cached_calls,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        seconds=usage.seconds,
        words=briefing_words(briefing),
    )
    return CaseResult(case.name, briefing, points, facts, perturbed, counts)


def _check_point(checker: Checker, point: Point) -> PointCheck:
    anywhere = checker.check(point.text)
    cited = checker.check(point.text, restrict_to=point.citations)
    supporting = tuple(
        c
        for c in point.citations
        if checker.check(point.text, restrict_to={c}).verdict == "supported"
    )
    return PointCheck(
        text=point.text,
        method=point.method,
        citations=point.citations,
        supported=anywhere.verdict == "supported",
        supported_by_citations=cited.verdict == "supported",
        supporting_citations=supporting,
    )


def _briefing_checker(briefing: Briefing) -> Checker:
    """The briefing as the only "source": each point's (and lede sentence's) text and its
    evidence quotes."""
    lede = briefing.lede.sentences if briefing.lede else ()
    return Checker(
        {
            f"point-{n}": [
                sentence
                for text in (p.text, *(e.quote for e in p.evidence))
                for sentence in split_sentences(text)
            ]
            for n, p in enumerate((*briefing.points, *lede), start=1)
        }
    )


def _check_fact(checker: Checker, fact: KeyFact) -> FactCheck:
    results = [checker.check(s) for s in fact.statements]
    best = max(results, key=lambda r: (r.verdict == "supported", r.score))
    return FactCheck(
        id=fact.id,
        covered=best.verdict == "supported",
        statement=best.text,
        score=round(best.score, 4),
        evidence=best.evidence,
    )


def _check_perturbations(
    checker: Checker, points: Sequence[Point], people: Sequence[str]
) -> list[PerturbedCheck]:
    citations: dict[str, tuple[str, ...]] = {}
    for p in points:
        citations.setdefault(p.text, p.citations)
    variants = perturb_all(
        sorted(citations),  # the same points give the same variants, in any order
        seed=PERTURBATION_SEED,
        kinds=PERTURBATION_KINDS,
        people=people,
        per_text=PERTURBATIONS_PER_POINT,
    )
    out = []
    for v in variants:
        result = checker.check(v.text, restrict_to=citations[v.original])
        out.append(
            PerturbedCheck(
                kind=v.kind,
                original=v.original,
                text=v.text,
                detail=v.detail,
                caught=result.verdict == "unsupported",
                reasons=result.reasons,
            )
        )
    return out


def metrics_of(counts: Counts) -> Metrics:
    """Rates from pooled counts (None when nothing was measured), plus usage."""

    def rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    return {
        "unsupported_rate": rate(counts.unsupported_points, counts.points),
        "citation_accuracy": rate(counts.supported_pairs, counts.citation_pairs),
        "key_fact_coverage": rate(counts.covered_facts, counts.key_facts),
        "detection_rate": rate(counts.caught, counts.perturbed),
        "false_alarm_rate": rate(counts.false_alarms, counts.points),
        "points": counts.points,
        "perturbed_points": counts.perturbed,
        "llm_calls": counts.llm_calls,
        "cached_calls": counts.cached_calls,
        "tokens": counts.prompt_tokens + counts.completion_tokens,
        "prompt_tokens": counts.prompt_tokens,
        "completion_tokens": counts.completion_tokens,
        "seconds": round(counts.seconds, 2),
        "words": counts.words,
        "fact_density": round(100 * counts.covered_facts / counts.words, 3)
        if counts.words
        else None,
    }


# --- baseline --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regression:
    metric: str
    baseline: float
    current: float
    better: Better
    tolerance: float

    @property
    def change(self) -> float:
        return round(self.current - self.baseline, 4)

    def describe(self) -> str:
        verb = "dropped" if self.better == "higher" else "rose"
        return (
            f"{self.metric} {verb} from {self.baseline:.3f} to {self.current:.3f} "
            f"(more than the tolerance of {self.tolerance:.2f})"
        )


@dataclass(frozen=True)
class Comparison:
    """The baseline entry compared with (None: nothing recorded for the engine yet)."""

    prompt_version: str | None
    recorded_at: str | None
    metrics: Mapping[str, Any] | None
    same_prompt: bool  # the entry is for the current prompt version
    regressions: tuple[Regression, ...]


Baseline = dict[str, dict[str, dict[str, Any]]]


def load_baseline(path: str | Path) -> Baseline:
    """``{engine: {prompt_version: {metric: value, "recorded_at": ...}}}``; {} if absent."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the baseline ({_one_line(str(exc))})") from exc
    if not isinstance(data, dict) or not all(
        isinstance(versions, dict) and all(isinstance(e, dict) for e in versions.values())
        for versions in data.values()
    ):
        raise InputError(f"{path}: expected {{engine: {{prompt_version: {{metrics}}}}}}")
    return data


def baseline_entry(
    baseline: Baseline, engine: str, version: str
) -> tuple[str, dict[str, Any]] | None:
    """The entry for this prompt version, else the engine's most recently recorded one."""
    versions = baseline.get(engine, {})
    if version in versions:
        return version, versions[version]
    if not versions:
        return None
    latest = max(versions, key=lambda v: str(versions[v].get("recorded_at", "")))
    return latest, versions[latest]


def compare(
    metrics: Mapping[str, Any],
    recorded: Mapping[str, Any],
    tolerances: Mapping[str, tuple[Better, float]] = TOLERANCES,
) -> list[Regression]:
    """Metrics that moved the wrong way by more than their tolerance."""
    out = []
    for name, (better, tolerance) in tolerances.items():
        now, then = metrics.get(name), recorded.get(name)
        if not isinstance(now, int | float) or not isinstance(then, int | float):
            continue
        worse_by = then - now if better == "higher" else now - then
        if worse_by > tolerance + 1e-9:
            out.append(Regression(name, float(then), float(now), better, tolerance))
    return out


def record(
    baseline: Baseline,
    engine: str,
    version: str,
    metrics: Mapping[str, Any],
    *,
    model: str | None,
    recorded_at: str,
) -> Baseline:
    """A copy of ``baseline`` with these metrics recorded for (engine, prompt version)."""
    updated = {e: dict(v) for e, v in baseline.items()}
    updated.setdefault(engine, {})[version] = {
        **metrics,
        "model": model,
        "recorded_at": recorded_at,
    }
    return updated


def save_baseline(path: str | Path, baseline: Baseline) -> None:
    ordered = {e: dict(sorted(v.items())) for e, v in sorted(baseline.items())}
    atomic_write(path, json.dumps(ordered, indent=2, ensure_ascii=False) + "\n")


# --- a whole run -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalResult:
    engine: Engine
    prompt_version: str
    model: str | None
    generated_at: str
    metrics: Metrics
    cases: tuple[CaseResult, ...]
    comparison: Comparison
    baseline_path: str
    updated_baseline: bool

    @property
    def failed(self) -> bool:
        """Regressions fail the run, unless the baseline was just updated on purpose."""
        return bool(self.comparison.regressions) and not self.updated_baseline


def run_eval(
    cases: str | Path = DEFAULT_CASES,
    *,
    settings: Settings | None = None,
    baseline_path: str | Path = DEFAULT_BASELINE,
    update_baseline: bool = False,
    progress: Progress = log.info,
    warn: Callable[[str], None] = log.warning,
) -> EvalResult:
    """Brief every case with the current prompts, measure, compare with the baseline, and
    (``update_baseline``) record the metrics for the current prompt version.

    ``settings`` say how to brief (engine, model) and where: the cases are briefed through one
    runner (summarizer.execution), here or on Ray; they are prepared and measured here.
    """
    settings = settings or Settings()
    engine = settings.engine
    loaded = load_cases(cases)
    baseline = load_baseline(baseline_path)
    version = prompt_version()
    corpora: dict[str, Corpus] = {}
    for case in loaded:
        if case.name in corpora:
            raise InputError(f"{case.path}: another case is also named {case.name!r}")
        corpus = prepare(case.sources, chunked=False, warn=warn)
        if not corpus.sources:
            raise InputError(f"{case.path}: no usable source in {', '.join(case.sources)}")
        corpora[case.name] = corpus
    progress(f"briefing {len(loaded)} cases with {engine}")
    briefings: dict[str, Briefing] = {}
    with open_runner(settings) as runner:
        for outcome in runner.run(Job(name, corpus=c) for name, c in corpora.items()):
            if outcome.briefing is None:
                raise JobFailed(f"case {outcome.id}: {outcome.error}", exit_code=outcome.exit_code)
            briefings[outcome.id] = outcome.briefing
            progress(f"case {outcome.id}: briefed, {len(outcome.briefing.points)} points")
    results = [measure(corpora[c.name], briefings[c.name], c) for c in loaded]
    model = next((b.model for b in briefings.values() if b.model), None)
    total = sum((r.counts for r in results), Counts())
    metrics = metrics_of(total)
    entry = baseline_entry(baseline, engine, version)
    comparison = Comparison(
        prompt_version=entry[0] if entry else None,
        recorded_at=str(entry[1].get("recorded_at")) if entry else None,
        metrics=entry[1] if entry else None,
        same_prompt=entry is not None and entry[0] == version,
        regressions=tuple(compare(metrics, entry[1])) if entry else (),
    )
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if update_baseline:
        save_baseline(
            baseline_path,
            record(baseline, engine, version, metrics, model=model, recorded_at=now),
        )
    return EvalResult(
        engine=engine,
        prompt_version=version,
        model=model,
        generated_at=now,
        metrics=metrics,
        cases=tuple(results),
        comparison=comparison,
        baseline_path=str(baseline_path),
        updated_baseline=update_baseline,
    )


def _one_line(text: str, limit: int = 200) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
