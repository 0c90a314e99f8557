"""Scoring labelled examples and choosing a threshold: shared by bench/calibrate.py, the tests
and the eval harness. Thresholds are chosen on a dev split only; test splits are only scored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.checker import Checker
from summarizer.checker.score import HARD_CAP
from summarizer.segment import split_sentences


@dataclass(frozen=True)
class Scored:
    """One labelled example with the checker's score for it."""

    id: str
    kind: str
    supported: bool  # the gold label
    score: float


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def score_labelled(rows: Iterable[Mapping[str, Any]]) -> list[Scored]:
    """Score ``{"id","sources":[text,...],"summary","label","kind"?}`` rows; one index per
    distinct set of sources."""
    checkers: dict[tuple[str, ...], Checker] = {}
    out: list[Scored] = []
    for row in rows:
        key = tuple(row["sources"])
        checker = checkers.get(key)
        if checker is None:
            checker = Checker({f"s{i}": split_sentences(t) for i, t in enumerate(key)})
            checkers[key] = checker
        result = checker.check(row["summary"])
        gold = row["label"] == "supported"
        out.append(Scored(row["id"], row.get("kind", ""), gold, result.score))
    return out


def balanced_accuracy(scored: Sequence[Scored], threshold: float) -> float:
    """Mean of the supported and unsupported recalls at ``threshold``."""
    pos = [s for s in scored if s.supported]
    neg = [s for s in scored if not s.supported]
    if not pos or not neg:
        raise ValueError("balanced accuracy needs both supported and unsupported examples")
    tpr = sum(s.score >= threshold for s in pos) / len(pos)
    tnr = sum(s.score < threshold for s in neg) / len(neg)
    return (tpr + tnr) / 2


def choose_threshold(scored: Sequence[Scored]) -> float:
    """The threshold with the best balanced accuracy; the middle of the best plateau, rounded
    to two decimals, and always above the hard-failure cap."""
    candidates = [round(HARD_CAP + 0.01 * i, 2) for i in range(1, int((1 - HARD_CAP) * 100) + 1)]
    accuracies = [balanced_accuracy(scored, t) for t in candidates]
    best = max(accuracies)
    plateau = [t for t, a in zip(candidates, accuracies, strict=True) if a == best]
    return plateau[len(plateau) // 2]


def catch_rates(scored: Sequence[Scored], threshold: float) -> dict[str, tuple[int, int]]:
    """Per kind of unsupported example: (caught, total) at ``threshold``."""
    rates: dict[str, tuple[int, int]] = {}
    for s in scored:
        if s.supported:
            continue
        caught, total = rates.get(s.kind, (0, 0))
        rates[s.kind] = (caught + (s.score < threshold), total + 1)
    return dict(sorted(rates.items()))
