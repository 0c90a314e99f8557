"""The extractive engine: a source's key claims are its most salient sentences, verbatim.

Needs no model and is deterministic. It is also the fallback when a model step fails.
"""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.salience import Scored
from summarizer.types import Claim

REDUNDANCY = 0.5  # overlap coefficient of content words above which a sentence repeats another


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def select(candidates: Sequence[Scored], k: int) -> list[Scored]:
    """Greedy highest-salience selection without redundancy (MMR with a hard cut)."""
    chosen: list[Scored] = []
    for cand in sorted(candidates, key=lambda s: (-s.score, s.source, s.index)):
        if len(chosen) >= k:
            break
        if cand.score <= 0 or any(overlap(cand.words, c.words) >= REDUNDANCY for c in chosen):
            continue
        chosen.append(cand)
    return chosen


def extractive_claims(scored: Sequence[Scored], k: int) -> list[Claim]:
    """Up to ``k`` claims from one source's scored sentences, in salience order."""
    return [
        Claim(
            source=s.source,
            text=s.text,
            sentences=(s.index,),
            method="extractive",
            salience=s.score,
        )
        for s in select(scored, k)
    ]
