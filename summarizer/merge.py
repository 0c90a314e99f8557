"""Merge per-source claims into attributed points: corroborated, ranked, non-redundant.

Claims that say the same thing across sources become one point citing all of them. Grouping
comes from the model when it gave a usable answer (each proposed group is sanity-checked), and
otherwise from content-word similarity. Every citation is then confirmed by the verifier.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import replace

from summarizer.dedupe import UnionFind
from summarizer.defaults import DEFAULT_MAX_POINTS as DEFAULT_MAX_POINTS  # re-exported
from summarizer.extractive import overlap
from summarizer.salience import content_words, is_procedural
from summarizer.types import Claim, Evidence, Point
from summarizer.verify import Verifier

SAME_FACT = 0.45  # share of the longer claim's content words found in the other
PLAUSIBLE_GROUP = 0.2  # a model-proposed group whose members share less than this is refused
REDUNDANT = 0.45


def same_fact(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two claims state the same fact when most words of each are in the other."""
    return overlap(a, b) >= SAME_FACT


def similarity_groups(claims: Sequence[Claim]) -> list[list[int]]:
    """Group claims of different sources whose content words overlap enough (single link)."""
    words = [frozenset(content_words(c.text)) for c in claims]
    forest = UnionFind(len(claims))
    for i in range(len(claims)):
        for j in range(i):
            if claims[i].source != claims[j].source and same_fact(words[i], words[j]):
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
    contested: Callable[[Point], bool] | None = None,
) -> list[Point]:
    """One verified point per group, corroborated by every supporting source, best first.

    A group member whose evidence does not support the group's lead text is not lost: it
    goes back in the queue as a group of its own. A point stating a side of the story's
    disagreements (``contested``) is central to it and weighs as much more as a second outlet.
    """
    sources = [s.id for s in verifier.corpus.sources]
    candidates: list[tuple[float, Point]] = []
    queue = deque([claims[i] for i in group] for group in groups)
    while queue:
        members = queue.popleft()
        lead = max(members, key=lambda c: c.salience)
        others = [c for c in members if c is not lead]
        evidence = {id(c): _evidence(verifier, c) for c in members}
        point = Point(
            text=lead.text,
            citations=(lead.source,),
            evidence=tuple(evidence[id(c)] for c in [lead, *others]),
            verified=False,
            method=lead.method,
            score=lead.salience,
        )
        checked = verifier.verify_point(point)
        if checked is None:
            continue
        kept = set(checked.evidence)
        queue.extend([c] for c in others if evidence[id(c)] not in kept)
        checked = verifier.corroborate(checked, sources)
        weight = lead.salience * (1.0 + 0.5 * (len(checked.citations) - 1))
        if contested is not None and contested(checked):
            weight *= 1.5
        candidates.append((weight, checked))
    return _rank(candidates, max_points)


def _evidence(verifier: Verifier, claim: Claim) -> Evidence:
    sentences = verifier.corpus.source(claim.source).sentences
    return Evidence(source=claim.source, quote=sentences[claim.sentences[0]])


def _rank(candidates: list[tuple[float, Point]], max_points: int) -> list[Point]:
    """Best first, without repeats; every outlet with a verified point gets at least one in.

    No sentence backs two points: a point whose lead evidence already backs a chosen point is
    skipped, and a corroborating sentence already used elsewhere is dropped from the later point
    (with its citation when it was that outlet's only evidence). Sentences about sourcing
    ("spoke on condition of anonymity") are never points.
    """
    candidates.sort(key=lambda pair: -pair[0])
    chosen: list[tuple[float, Point]] = []
    chosen_words: list[frozenset[str]] = []
    used: set[Evidence] = set()

    def take(weight: float, point: Point) -> None:
        words = frozenset(content_words(point.text))
        if (
            len(chosen) >= max_points
            or point.evidence[0] in used
            or is_procedural(point.text)
            or any(overlap(words, w) >= REDUNDANT for w in chosen_words)
        ):
            return
        evidence = tuple(ev for ev in point.evidence if ev not in used)
        citations = tuple(c for c in point.citations if any(ev.source == c for ev in evidence))
        point = replace(point, evidence=evidence, citations=citations, score=round(weight, 4))
        chosen.append((weight, point))
        chosen_words.append(words)
        used.update(evidence)

    seen_sources: set[str] = set()
    for weight, point in candidates:  # first pass: the best point of each outlet
        if point.citations[0] not in seen_sources:
            seen_sources.add(point.citations[0])
            take(weight, point)
    for weight, point in candidates:  # then the rest, by weight
        if all(point is not p for _, p in chosen):
            take(weight, point)
    chosen.sort(key=lambda pair: -pair[0])
    return [p for _, p in chosen]
