"""Check any summary's facts against its sources: plain text, Markdown, or our briefing JSON
(each point against the sources it cites), one summary at a time or a JSONL batch.

    report = check_files(["seeds/"], "summary.md")
    report.supported, [(c.verdict, c.text) for c in report.claims]
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal, TextIO

from summarizer.checker import Checker, ClaimResult, Verdict, split_claims
from summarizer.errors import InputError
from summarizer.ingest import DEFAULT_MAX_BYTES
from summarizer.judge import Judge, Opinion, Shown, open_judge
from summarizer.pipeline import prepare
from summarizer.segment import split_sentences
from summarizer.settings import Settings
from summarizer.types import Corpus

log = logging.getLogger("summarizer.factcheck")

SummaryKind = Literal["text", "briefing"]
JUDGE_WINDOWS = 3  # evidence windows shown to the judge per claim
BATCH_CHECKERS = 8  # evidence indexes kept for batch lines that share their sources
Warn = Callable[[str], None]


@dataclass(frozen=True)
class Statement:
    """One thing to check; ``citations`` limits the evidence to those sources (None: any)."""

    text: str
    citations: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Summary:
    kind: SummaryKind
    statements: tuple[Statement, ...]
    source_ids: tuple[str, ...] = ()  # the ids a briefing lists under "sources"


@dataclass(frozen=True)
class ClaimCheck:
    text: str
    verdict: Verdict
    score: float
    evidence: str  # the best evidence window ("" if none)
    evidence_source: str | None  # its source id
    evidence_outlet: str | None  # its source's outlet name
    reasons: tuple[str, ...]
    citations: tuple[str, ...] | None = None  # what a briefing point was checked against
    judge: str | None = None  # "supported", "unsupported", "ERROR: ..."; None without a judge
    judge_reason: str | None = None


@dataclass(frozen=True)
class CheckReport:
    """``score`` is the mean claim score; ``supported`` the share of supported claims."""

    kind: SummaryKind
    claims: tuple[ClaimCheck, ...]
    score: float
    supported: float
    verdict: Verdict  # unsupported if any claim is
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchResult:
    """One batch line: ``score`` is the lowest claim score (1.0 with no checkable claim)."""

    id: str | int
    score: float
    verdict: Verdict
    claims: tuple[ClaimCheck, ...]


# --- reading summaries -----------------------------------------------------------------------


def parse_summary(text: str, *, name: str = "summary") -> Summary:
    """Briefing JSON (an object with ``points``) or plain text / Markdown, split into claims."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return _briefing_summary(data, name)
    claims = split_claims(_prose(text))
    if not claims:
        raise InputError(f"{name}: no checkable claim (a claim is a sentence of 3+ words)")
    return Summary("text", tuple(Statement(c) for c in claims))


def _briefing_summary(data: Mapping[str, Any], name: str) -> Summary:
    points = data.get("points")
    if not isinstance(points, list):
        raise InputError(f'{name}: JSON summary is not a briefing (no "points" list)')
    statements = []
    for n, point in enumerate(points, start=1):
        text = point.get("text") if isinstance(point, dict) else None
        citations = point.get("citations") if isinstance(point, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise InputError(f'{name}: point {n} has no "text"')
        if not isinstance(citations, list) or not all(isinstance(c, str) for c in citations):
            raise InputError(f'{name}: point {n} needs "citations", a list of source ids')
        statements.append(Statement(" ".join(text.split()), tuple(citations)))
    if not statements:
        raise InputError(f"{name}: the briefing has no points to check")
    listed = data.get("sources")
    ids = tuple(
        str(s["id"]) for s in listed or [] if isinstance(s, dict) and isinstance(s.get("id"), str)
    )
    return Summary("briefing", tuple(statements), ids)


_HEADING = re.compile(r"^\s*#{1,6}\s+(.*?)\s*#*\s*$")
# Sections that list sources or notes, or (in our briefings) describe the sources' positions.
_SKIPPED_SECTION = re.compile(
    r"^(sources?|references?|citations?|notes?|where the sources disagree)\W*$", re.I
)
_WHOLE_LINE_EMPHASIS = re.compile(r"^\s*([*_])[^*_].*\1\s*$")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()<>#!|~-])")
_BLOCKQUOTE = re.compile(r"^\s*>")
_QUOTE_ATTRIBUTION = re.compile(r"([”\"])\s+(?:—|–|--)\s+[^“”\"]+$")  # “...” — AP
_BOLD_ATTRIBUTION = re.compile(r"\s+(?:—|–|--)\s+\*\*[^*]+\*\*\s*$")  # text — **AP, BBC**


def _prose(text: str) -> str:
    """Markdown reduced to the lines that make claims: no source lists, notes or whole-line
    italic metadata (a briefing's byline and usage line), no backslash escapes, no outlet
    attributions after a point or a quote; each blockquote its own paragraph."""
    kept: list[str] = []
    skipping = False
    quoting = False
    for line in text.splitlines():
        heading = _HEADING.match(line)
        if heading:
            skipping = bool(_SKIPPED_SECTION.match(heading.group(1).strip("*_ ")))
            kept.append("")
            continue
        if skipping or _WHOLE_LINE_EMPHASIS.match(line):
            continue
        is_quote = bool(_BLOCKQUOTE.match(line))
        if is_quote and not quoting:
            kept.append("")  # a quote under a point is evidence, not the point's next line
        quoting = is_quote
        line = _MD_ESCAPE.sub(r"\1", line)
        line = _BOLD_ATTRIBUTION.sub("", line)
        kept.append(_QUOTE_ATTRIBUTION.sub(r"\1", line))
    return "\n".join(kept)


# --- checking --------------------------------------------------------------------------------


def check_summary(corpus: Corpus, summary: Summary, *, judge: Judge | None = None) -> CheckReport:
    """Check every statement of ``summary`` against the prepared sources.

    A briefing's points are checked against the sources they cite, by the ids ``prepare``
    gives those sources: the briefing must have been made from the same sources.
    """
    checker = Checker({s.id: s.sentences for s in corpus.sources})
    outlets = {s.id: s.name for s in corpus.sources}
    claims = _check_statements(checker, outlets, summary.statements, judge)
    notes: list[str] = []
    known = set(outlets)
    unknown = sorted(
        ({c for s in summary.statements for c in s.citations or ()} - known)
        | (set(summary.source_ids) - known)
    )
    if unknown:
        notes.append(
            f"the briefing names source ids that are not among the sources: {', '.join(unknown)} "
            "(check a briefing against the sources it was made from)"
        )
    return _report(summary.kind, claims, tuple(notes))


def check_files(
    source_paths: Sequence[str],
    summary_path: str,
    *,
    judge: Settings | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    warn: Warn = log.warning,
) -> CheckReport:
    """Read the sources with ``prepare`` (so cleaning applies) and the summary (``-``: stdin)."""
    if summary_path == "-" and "-" in source_paths:
        raise InputError("the summary and the sources cannot both come from stdin")
    text = read_text(summary_path, stdin=stdin)
    summary = parse_summary(text, name=summary_path)
    corpus = prepare(source_paths, chunked=False, max_bytes=max_bytes, stdin=stdin, warn=warn)
    if not corpus.sources:
        raise InputError("no usable source to check against")
    with _judging(judge) as opened:
        return check_summary(corpus, summary, judge=opened)


def read_text(path: str, *, stdin: BinaryIO | None = None) -> str:
    if path == "-":
        stream = stdin or sys.stdin.buffer
        return stream.read().decode("utf-8", errors="replace")
    try:
        return Path(path).read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc


@contextlib.contextmanager
def _judging(settings: Settings | None) -> Iterator[Judge | None]:
    if settings is None:
        yield None
        return
    with open_judge(settings) as judge:
        yield judge


def _check_statements(
    checker: Checker,
    outlets: Mapping[str, str],
    statements: Sequence[Statement],
    judge: Judge | None,
) -> list[ClaimCheck]:
    results = [checker.check(s.text, restrict_to=s.citations) for s in statements]
    opinions: list[Opinion | None] = [None] * len(results)
    if judge is not None:
        asks = [
            (r.text, _shown(checker, outlets, r, s.citations))
            for r, s in zip(results, statements, strict=True)
        ]
        opinions = list(judge.opinions(asks))
    return [
        _claim(r, s.citations, outlets, o)
        for r, s, o in zip(results, statements, opinions, strict=True)
    ]


def _shown(
    checker: Checker,
    outlets: Mapping[str, str],
    result: ClaimResult,
    citations: tuple[str, ...] | None,
) -> list[Shown]:
    """The checker's best evidence first, then other top windows, none repeating another."""
    shown: list[Shown] = []
    if result.evidence and result.evidence_source is not None:
        shown.append(Shown(outlets.get(result.evidence_source, "?"), result.evidence))
    for window in checker.index.best_windows(result.text, JUDGE_WINDOWS + 1, citations):
        if len(shown) >= JUDGE_WINDOWS:
            break
        if not any(window.text in s.text or s.text in window.text for s in shown):
            shown.append(Shown(outlets.get(window.source, window.source), window.text))
    return shown


def _claim(
    result: ClaimResult,
    citations: tuple[str, ...] | None,
    outlets: Mapping[str, str],
    opinion: Opinion | None,
) -> ClaimCheck:
    source = result.evidence_source
    return ClaimCheck(
        text=result.text,
        verdict=result.verdict,
        score=round(result.score, 4),
        evidence=result.evidence,
        evidence_source=source,
        evidence_outlet=None if source is None else outlets.get(source, source),
        reasons=result.reasons,
        citations=citations,
        judge=None if opinion is None else opinion.verdict,
        judge_reason=None if opinion is None or not opinion.reason else opinion.reason,
    )


def _report(kind: SummaryKind, claims: Sequence[ClaimCheck], notes: tuple[str, ...]) -> CheckReport:
    supported = sum(c.verdict == "supported" for c in claims)
    return CheckReport(
        kind=kind,
        claims=tuple(claims),
        score=round(sum(c.score for c in claims) / len(claims), 4) if claims else 1.0,
        supported=round(supported / len(claims), 4) if claims else 1.0,
        verdict="supported" if supported == len(claims) else "unsupported",
        notes=notes,
    )


# --- batch -----------------------------------------------------------------------------------


def check_batch(
    lines: Iterable[str],
    *,
    name: str,
    judge: Settings | None = None,
    warn: Warn = log.warning,
) -> Iterator[BatchResult]:
    """Check ``{"id", "sources": [text, ...], "summary": text}`` lines as they are read.

    Sources are taken as given (split into sentences, not cleaned), like the labelled sets.
    A bad line is reported through ``warn`` as ``name:line: why`` and skipped. Raises
    InputError at the end if no line was usable.
    """
    checkers: OrderedDict[tuple[str, ...], Checker] = OrderedDict()
    usable = 0
    with _judging(judge) as opened:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row_id, sources, summary = _batch_row(line)
            except ValueError as exc:
                warn(f"{name}:{number}: {exc}; line skipped")
                continue
            usable += 1
            checker = checkers.pop(sources, None) or Checker(
                {f"s{i}": split_sentences(t) for i, t in enumerate(sources)}
            )
            checkers[sources] = checker
            if len(checkers) > BATCH_CHECKERS:
                checkers.popitem(last=False)
            outlets = {f"s{i}": f"source {i + 1}" for i in range(len(sources))}
            statements = [Statement(c) for c in split_claims(summary)]
            claims = _check_statements(checker, outlets, statements, opened)
            yield BatchResult(
                id=row_id,
                score=min((c.score for c in claims), default=1.0),
                verdict="unsupported"
                if any(c.verdict != "supported" for c in claims)
                else "supported",
                claims=tuple(claims),
            )
    if not usable:
        raise InputError(f"{name}: no usable line")


@contextlib.contextmanager
def batch_lines(path: str, *, stdin: TextIO | None = None) -> Iterator[Iterable[str]]:
    """The lines of a batch file (``-``: stdin), read lazily; the file closes on exit."""
    if path == "-":
        yield stdin or sys.stdin
        return
    try:
        handle = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    with handle:
        yield handle


def _batch_row(line: str) -> tuple[str | int, tuple[str, ...], str]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    row_id = data.get("id")
    if isinstance(row_id, bool) or not isinstance(row_id, str | int):
        raise ValueError('needs an "id" (a string or a number)')
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) for s in sources):
        raise ValueError('"sources" must be a non-empty list of texts')
    summary = data.get("summary")
    if not isinstance(summary, str):
        raise ValueError('"summary" must be a text')
    return row_id, tuple(sources), summary


# --- output ----------------------------------------------------------------------------------


def claim_json(claim: ClaimCheck, *, brief: bool = False) -> dict[str, Any]:
    """A claim as JSON; ``brief`` keeps the batch format's fields only."""
    out: dict[str, Any] = {
        "text": claim.text,
        "verdict": claim.verdict,
        "score": claim.score,
        "evidence": claim.evidence,
    }
    if not brief:
        out["evidence_source"] = claim.evidence_source
        out["evidence_outlet"] = claim.evidence_outlet
        if claim.citations is not None:
            out["citations"] = list(claim.citations)
    out["reasons"] = list(claim.reasons)
    if claim.judge is not None:
        out["judge"] = claim.judge
        out["judge_reason"] = claim.judge_reason
    return out


def report_json(report: CheckReport) -> str:
    data = {
        "kind": report.kind,
        "score": report.score,
        "supported": report.supported,
        "verdict": report.verdict,
        "claims": [claim_json(c) for c in report.claims],
        "notes": list(report.notes),
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def batch_json(result: BatchResult) -> str:
    data = {
        "id": result.id,
        "score": result.score,
        "verdict": result.verdict,
        "claims": [claim_json(c, brief=True) for c in result.claims],
    }
    return json.dumps(data, ensure_ascii=False)


def report_text(report: CheckReport) -> str:
    """One line per claim (✓/✗, score, text); why and the best evidence under unsupported ones."""
    lines: list[str] = []
    for c in report.claims:
        mark = "✓" if c.verdict == "supported" else "✗"
        cited = (
            f"  [cites {', '.join(c.citations) or 'nothing'}]" if c.citations is not None else ""
        )
        lines.append(f"{mark} {c.score:.2f}  {c.text}{cited}")
        if c.verdict != "supported":
            for reason in c.reasons:
                lines.append(f"      why: {reason}")
            if c.evidence:
                lines.append(f"      best evidence ({c.evidence_outlet}): {_clip(c.evidence)}")
        if c.judge is not None:
            because = f" — {c.judge_reason}" if c.judge_reason else ""
            lines.append(f"      judge: {c.judge}{because}")
    supported = sum(c.verdict == "supported" for c in report.claims)
    lines += [
        "",
        f"{supported}/{len(report.claims)} claims supported ({report.supported:.0%}); "
        f"mean score {report.score:.2f}",
    ]
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def _clip(text: str, width: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
