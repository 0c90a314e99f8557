"""Merge per-source claims into attributed points: corroborated, ranked, non-redundant.

Claims that say the same thing across sources become one point citing all of them. Grouping
comes from the model when it gave a usable answer (each proposed group is sanity-checked), and
otherwise from content-word similarity. Every citation is then confirmed by the verifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from summarizer.dedupe import UnionFind
from summarizer.extractive import overlap
from summarizer.salience import content_words
from summarizer.types import Claim, Evidence, Point
from summarizer.verify import Verifier

SAME_FACT = 0.5  # overlap coefficient at which two claims from different sources say the same
PLAUSIBLE_GROUP = 0.25  # a model-proposed group whose members share less than this is refused
REDUNDANT = 0.6
DEFAULT_MAX_POINTS = 12


def similarity_groups(claims: Sequence[Claim]) -> list[list[int]]:
    """Group claims of different sources whose content words overlap enough (single link)."""
    words = [frozenset(content_words(c.text)) for c in claims]
    forest = UnionFind(len(claims))
    for i in range(len(claims)):
        for j in range(i):
            if claims[i].source != claims[j].source and overlap(words[i], words[j]) >= SAME_FACT:
                forest.union(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(len(claims)):
        groups.setdefault(forest.find(i), []).append(i)
    return list(groups.values())


def checked_groups(claims: Sequence[Claim], proposed: Sequence[Sequence[int]]) -> list[list[int]]:
    """Accept model-proposed groups that are plausible; every other claim stands alone."""
    words = [frozenset(content_words(c.text)) for c in claims]
    used: set[int] = set()
    groups: list[list[int]] = []
    for group in proposed:
        members = [i for i in dict.fromkeys(group) if 0 <= i < len(claims) and i not in used]
        if len(members) > 1 and all(
            overlap(words[a], words[b]) >= PLAUSIBLE_GROUP
            for k, a in enumerate(members)
            for b in members[k + 1 :]
        ):
            groups.append(members)
            used.update(members)
    groups.extend([i] for i in range(len(claims)) if i not in used)
    return groups


def merge(
    claims: Sequence[Claim],
    groups: Sequence[Sequence[int]],
    verifier: Verifier,
    *,
    max_points: int = DEFAULT_MAX_POINTS,
) -> list[Point]:
    """One verified point per group, corroborated by every supporting source, best first."""
    sources = [s.id for s in verifier.corpus.sources]
    candidates: list[tuple[float, Point]] = []
    for group in groups:
        members = [claims[i] for i in group]
        lead = max(members, key=lambda c: c.salience)
        evidence = [_evidence(verifier, lead)] + [
            _evidence(verifier, c) for c in members if c is not lead
        ]
        point = Point(
            text=lead.text,
            citations=tuple(dict.fromkeys(e.source for e in evidence)),
            evidence=tuple(evidence),
            verified=False,
            method=lead.method,
            score=lead.salience,
        )
        checked = verifier.verify_point(point)
        if checked is None:
            continue
        checked = verifier.corroborate(checked, sources)
        weight = lead.salience * (1.0 + 0.5 * (len(checked.citations) - 1))
        candidates.append((weight, checked))
    return _rank(candidates, max_points)


def _evidence(verifier: Verifier, claim: Claim) -> Evidence:
    sentences = verifier.corpus.source(claim.source).sentences
    return Evidence(source=claim.source, quote=sentences[claim.sentences[0]])


def _rank(candidates: list[tuple[float, Point]], max_points: int) -> list[Point]:
    candidates.sort(key=lambda pair: -pair[0])
    kept: list[Point] = []
    kept_words: list[frozenset[str]] = []
    for weight, point in candidates:
        words = frozenset(content_words(point.text))
        if any(overlap(words, w) >= REDUNDANT for w in kept_words):
            continue
        kept.append(replace(point, score=round(weight, 4)))
        kept_words.append(words)
        if len(kept) >= max_points:
            break
    return kept
