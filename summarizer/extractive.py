"""The extractive engine: a source's key claims are its most salient sentences, verbatim.

Needs no model and is deterministic. It is also the fallback when a model step fails.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from summarizer.salience import Scored
from summarizer.types import Claim

REDUNDANCY = 0.5  # similarity of content words above which a sentence repeats another


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared content words over the larger set: 1.0 only when both say the same words.

    (Dividing by the smaller set would call any short sentence a repeat of a long one that
    happens to mention its subject.)"""
    if not a or not b:
        return 0.0
    return len(a & b) / max(len(a), len(b))


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
    """Up to ``k`` claims from one source's most salient sentences, split into clauses.

    A compound sentence carries several facts; its independent clauses become separate claims
    (each an extract of the sentence, which stays the quoted evidence), so that another outlet
    reporting one of the facts can corroborate it.
    """
    claims: list[Claim] = []
    for s in select(scored, k):
        base = Claim(source=s.source, text=s.text, sentences=(s.index,), method="extractive")
        for n, clause in enumerate(clauses(s.text)):
            claims.append(replace(base, text=clause, salience=s.score * (1.0 - 0.1 * n)))
    return claims


# Independent clauses are joined by a semicolon, a dash, or a comma plus coordinating
# conjunction; the right-hand side must look like a new statement (a subject, then words).
_JOIN = re.compile(r"(?:;|\s--?\s|\s—\s|,\s(?:and|but|while|whereas)\s)")
_SUBJECT_START = re.compile(
    r"(?:[A-Z][\w'’.-]*|the|a|an|he|she|it|they|we|his|her|its|their|some|many|most|more)\s"
)
_LEAD_IN = re.compile(
    r"^(?:Meanwhile|However|But|And|Also|Still|Yet|In response|On \w+day),?\s+", re.IGNORECASE
)
_MIN_CLAUSE_WORDS = 6


def clauses(sentence: str) -> list[str]:
    """Independent clauses of a sentence as standalone statements; the sentence if none."""
    if '"' in sentence or "“" in sentence:
        return [sentence]  # never cut inside or around a quotation
    parts: list[str] = []
    start = 0
    for match in _JOIN.finditer(sentence):
        left, right = sentence[start : match.start()], sentence[match.end() :]
        if (
            len(left.split()) >= _MIN_CLAUSE_WORDS
            and len(right.split()) >= _MIN_CLAUSE_WORDS
            and _SUBJECT_START.match(right)
        ):
            parts.append(left)
            start = match.end()
    parts.append(sentence[start:])
    if len(parts) == 1:
        return [sentence]
    return [_standalone(p) for p in parts]


def _standalone(clause: str) -> str:
    clause = _LEAD_IN.sub("", clause.strip()).strip(" ,;")
    clause = clause[:1].upper() + clause[1:]
    return clause if clause[-1:] in ".!?" else clause + "."
