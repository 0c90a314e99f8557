"""Offline fact checker: does a set of source texts support a claim, and with which evidence?

    checker = Checker({"ap": ap_sentences, "bbc": bbc_sentences})
    result = checker.check("Russia said it was withdrawing some troops.", restrict_to=["ap"])
    result.verdict, result.score, result.evidence, result.reasons

Pure Python (plus the ``regex``-free standard library): an inverted index retrieves candidate
windows, and numbers, dates, entities, negation, quotes, speakers and roles are checked on each.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from summarizer.checker.claims import split_claims
from summarizer.checker.evidence import EvidenceIndex
from summarizer.checker.features import Analysis, analyse
from summarizer.checker.score import judge
from summarizer.segment import split_sentences

# Chosen on evals/labelled/dev.jsonl by bench/calibrate.py (best balanced accuracy on dev;
# the test split is only reported). Re-run the script after changing any signal.
DEFAULT_THRESHOLD = 0.58
WINDOWS_PER_CLAIM = 8  # candidate windows scored per claim
COMPARABLE_RECALL = 0.1  # a contradicting window this close in recall to the best one wins

Verdict = Literal["supported", "unsupported"]


@dataclass(frozen=True)
class ClaimResult:
    text: str
    verdict: Verdict
    score: float
    evidence: str  # the best window's text ("" if nothing matched)
    evidence_source: str | None
    reasons: tuple[str, ...]


# A claim needs something to check: "2", "<claim>" or "Russia." are not statements of fact.
MIN_CONTENT_WORDS = 2
_ROUNDING = 1e-4  # judge() rounds scores to 4 decimals


class Checker:
    """Checks claims against a fixed set of sources (source id -> sentences)."""

    def __init__(
        self, sources: Mapping[str, Sequence[str]], *, threshold: float = DEFAULT_THRESHOLD
    ) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {threshold}")
        self.threshold = threshold
        self.index = EvidenceIndex(sources)
        # Corroboration checks one claim against every source: analyse it once.
        self._analyse = lru_cache(maxsize=256)(self._analyse_claim)

    def _analyse_claim(self, claim: str) -> Analysis:
        return analyse(claim, self.index.known)

    def check(self, claim: str, *, restrict_to: Collection[str] | None = None) -> ClaimResult:
        """Judge one claim; ``restrict_to`` limits the evidence to these source ids."""
        if restrict_to is not None:
            unknown = sorted(set(restrict_to) - set(self.index.source_ids))
            if unknown:
                reason = f"unknown source id(s): {', '.join(unknown)}"
                return ClaimResult(claim, "unsupported", 0.0, "", None, (reason,))
        analysis = self._analyse(claim)
        if len(analysis.content) < MIN_CONTENT_WORDS:
            reason = "the claim has too few content words to check"
            return ClaimResult(claim, "unsupported", 0.0, "", None, (reason,))
        judged = [
            (judge(analysis, self.index.features(w), self.index.idf), w)
            for w in self.index.best_windows(analysis, WINDOWS_PER_CLAIM, restrict_to)
        ]
        if not judged:
            reason = "no source sentence shares a content word with the claim"
            return ClaimResult(claim, "unsupported", 0.0, "", None, (reason,))
        best, best_window = max(judged, key=lambda jw: (jw[0].score, jw[0].recall))
        score = best.score
        explained, window = best, best_window
        contradiction = next(
            (
                (j, w)
                for j, w in judged
                if j.contradicts
                and (
                    j.recall > best.recall
                    or (best.silent and j.recall >= best.recall - COMPARABLE_RECALL)
                )
            ),
            None,
        )
        if contradiction is not None:
            # Evidence that contradicts the claim outweighs weaker evidence that merely does
            # not mention the contested detail (a date, an amount).
            explained, window = contradiction
            score = min(score, explained.score)
        elif score < self.threshold or best.hard:
            # Explain with the most relevant window: its failures say what is wrong.
            explained, window = max(judged, key=lambda jw: (jw[0].recall, jw[0].score))
        supported = score >= self.threshold and not best.hard and contradiction is None
        reasons = explained.reasons
        if not supported and not explained.hard:
            reasons = (f"support {score:.2f} below threshold {self.threshold:.2f}", *reasons)
        return ClaimResult(
            text=claim,
            verdict="supported" if supported else "unsupported",
            score=score,
            evidence=window.text,
            evidence_source=window.source,
            reasons=reasons,
        )

    def could_support(self, claim: str, sources: Iterable[str]) -> list[str]:
        """The ``sources`` that ``check(claim, restrict_to={source})`` could call supported.

        A window's score never exceeds its recall (the IDF-weighted share of the claim's content
        words it holds), and no window holds a word its source lacks; a source whose words fall
        short of the threshold is skipped without retrieving or judging any window.
        """
        analysis = self._analyse(claim)
        idf = self.index.idf
        total = sum(idf(w) for w in analysis.content)
        if total == 0:
            return list(sources)
        return [
            source
            for source in sources
            if sum(idf(w) for w in analysis.content & self.index.source_content(source)) / total
            + _ROUNDING
            >= self.threshold
        ]

    def check_all(
        self, claims: Sequence[str], *, restrict_to: Collection[str] | None = None
    ) -> list[ClaimResult]:
        return [self.check(c, restrict_to=restrict_to) for c in claims]


def check_text(summary: str, sources: Mapping[str, str]) -> list[ClaimResult]:
    """Split ``summary`` into claims and check each against the sources' full texts."""
    checker = Checker({sid: split_sentences(text) for sid, text in sources.items()})
    return checker.check_all(split_claims(summary))


__all__ = ["DEFAULT_THRESHOLD", "Checker", "ClaimResult", "check_text", "split_claims"]
