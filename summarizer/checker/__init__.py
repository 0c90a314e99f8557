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

from summarizer.checker.calibrated import Model, features, shipped, words_of
from summarizer.checker.claims import MIN_CONTENT_WORDS, split_claims
from summarizer.checker.evidence import EvidenceIndex, Window
from summarizer.checker.features import Analysis, analyse
from summarizer.checker.score import Judgement, judge
from summarizer.segment import split_sentences

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


_ROUNDING = 1e-4  # judge() rounds scores to 4 decimals


@dataclass(frozen=True)
class _Weighed:
    values: dict[str, float]
    explained: Judgement  # the judgement whose reasons explain the verdict
    window: Window  # and its window


class Checker:
    """Checks claims against a fixed set of sources (source id -> sentences).

    A claim's ``score`` is the calibrated probability that it is supported (see calibrated.py);
    it is supported at or above the model's threshold, which bench/calibrate.py chooses under
    cross-validation. ``threshold`` overrides it (the eval harness and tests use the default).
    """

    def __init__(
        self,
        sources: Mapping[str, Sequence[str]],
        *,
        threshold: float | None = None,
        model: Model | None = None,
    ) -> None:
        self.model = model or shipped()
        self.threshold = self.model.threshold if threshold is None else threshold
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be in [0, 1], got {self.threshold}")
        self.index = EvidenceIndex(sources)
        # Corroboration checks one claim against every source: analyse it once.
        self._analyse = lru_cache(maxsize=256)(self._analyse_claim)

    def _analyse_claim(self, claim: str) -> Analysis:
        return analyse(self.index.recase(claim), self.index.known)

    def check(self, claim: str, *, restrict_to: Collection[str] | None = None) -> ClaimResult:
        """Judge one claim; ``restrict_to`` limits the evidence to these source ids."""
        if restrict_to is not None:
            unknown = sorted(set(restrict_to) - set(self.index.source_ids))
            if unknown:
                reason = f"unknown source id(s): {', '.join(unknown)}"
                return ClaimResult(claim, "unsupported", 0.0, "", None, (reason,))
        found = self._weigh(claim, restrict_to)
        if isinstance(found, str):
            return ClaimResult(claim, "unsupported", 0.0, "", None, (found,))
        probability = self.model.probability(found.values)
        supported = probability >= self.threshold
        reasons = found.explained.reasons
        if not supported:
            why = f"probability of support {probability:.2f}, below {self.threshold:.2f}"
            reasons = (why, *reasons)
        return ClaimResult(
            text=claim,
            verdict="supported" if supported else "unsupported",
            score=round(probability, 4),
            evidence=found.window.text,
            evidence_source=found.window.source,
            reasons=reasons,
        )

    def features(
        self, claim: str, *, restrict_to: Collection[str] | None = None
    ) -> dict[str, float] | None:
        """The model's inputs for one claim, None when nothing could be judged (for training)."""
        found = self._weigh(claim, restrict_to)
        return None if isinstance(found, str) else found.values

    def _weigh(self, claim: str, restrict_to: Collection[str] | None) -> _Weighed | str:
        """Judge the claim's candidate windows and gather the model's inputs, or say why not."""
        analysis = self._analyse(claim)
        if len(analysis.content) < MIN_CONTENT_WORDS:
            return "the claim has too few content words to check"
        judged = [
            (judge(analysis, self.index.features(w), self.index.idf), w)
            for w in self.index.best_windows(analysis, WINDOWS_PER_CLAIM, restrict_to)
        ]
        if not judged:
            return "no source sentence shares a content word with the claim"
        best, best_window = max(judged, key=lambda jw: (jw[0].score, jw[0].recall))
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
        flags = dict(best.flags)
        if contradiction is not None:
            # Evidence that contradicts the claim outweighs weaker evidence that merely does
            # not mention the contested detail (a date, an amount).
            explained, window = contradiction
            for name, count in explained.flags:
                flags[name] = max(flags.get(name, 0), count)
        elif best.hard or best.score < best.recall:
            # Explain with the most relevant window: its failures say what is wrong.
            explained, window = max(judged, key=lambda jw: (jw[0].recall, jw[0].score))
        facts = self.index.source_facts(restrict_to)
        idf = self.index.idf
        values = features(
            analysis,
            score=best.soft_score,
            recall=best.recall,
            flags=flags,
            window_words=self.index.window_words(best_window),
            facts=facts,
            idf_total=sum(idf(w) for w in analysis.content),
            idf_found=sum(idf(w) for w in analysis.content & facts.content),
            contradicted=contradiction is not None,
            hard=best.hard,
            window_sentences=best_window.stop - best_window.start,
            together=lambda a, b: self.index.together(a, b, restrict_to),
            window_sentences_words=[
                words_of(a) for a in self.index.features(best_window).sentences
            ],
        )
        return _Weighed(values, explained, window)

    def could_support(self, claim: str, sources: Iterable[str]) -> list[str]:
        """The ``sources`` that ``check(claim, restrict_to={source})`` could call supported.

        No window holds a word its source lacks, so a source whose words fall short of the
        model's recall floor is skipped without retrieving or judging any window.
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
            >= self.model.recall_floor
        ]

    def check_all(
        self, claims: Sequence[str], *, restrict_to: Collection[str] | None = None
    ) -> list[ClaimResult]:
        return [self.check(c, restrict_to=restrict_to) for c in claims]


def check_text(summary: str, sources: Mapping[str, str]) -> list[ClaimResult]:
    """Split ``summary`` into claims and check each against the sources' full texts."""
    checker = Checker({sid: split_sentences(text) for sid, text in sources.items()})
    return checker.check_all(split_claims(summary))


__all__ = ["Checker", "ClaimResult", "check_text", "split_claims"]
