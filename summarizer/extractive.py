"""The extractive engine: a source's key claims are its most salient sentences, shortened to
their core clause (the whole sentence stays the quoted evidence).

Needs no model and is deterministic. It is also the fallback when a model step fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace

from summarizer.compress import compress, drop_discourse
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


_QUOTATION = re.compile(r"“[^”]*”|\"[^\"]*\"")


def mostly_quotation(sentence: str) -> bool:
    """Most of the sentence is someone's words in quotation marks: material for "who said
    what", not a fact to state in the briefing's own voice."""
    quoted = sum(len(m.group(0).split()) for m in _QUOTATION.finditer(sentence))
    return quoted >= 0.6 * max(len(sentence.split()), 1)


def extractive_claims(
    scored: Sequence[Scored],
    k: int,
    *,
    outlets: Collection[str] = (),
    accept: Callable[[Claim], bool] | None = None,
) -> list[Claim]:
    """Up to ``k`` claims from one source's most salient sentences, split into clauses, each
    shortened to its core (see summarizer.compress).

    A sentence that is mostly a direct quotation is left to "who said what". A compound
    sentence carries several facts; its independent clauses become separate claims
    (each an extract of the sentence, which stays the quoted evidence), so that another outlet
    reporting one of the facts can corroborate it. A shortened clause is kept only when
    ``accept`` (the verifier) says its sentence still supports it; ``outlets`` are the names of
    the source's outlet, whose own attribution ("..., AP reported") the citation carries.
    """
    claims: list[Claim] = []
    for s in select([s for s in scored if not mostly_quotation(s.text)], k):
        base = Claim(source=s.source, text=s.text, sentences=(s.index,), method="extractive")
        for n, clause in enumerate(clauses(s.text)):
            claim = replace(base, text=clause, salience=s.score * (1.0 - 0.1 * n))
            short = compress(clause, outlets=outlets)
            if short != clause and (accept is None or accept(replace(claim, text=short))):
                claim = replace(claim, text=short)
            claims.append(claim)
    return claims


# Independent clauses are joined by a semicolon, a dash, or a comma plus coordinating
# conjunction; the right-hand side must look like a new statement (a subject, then words).
_JOIN = re.compile(r"(?:;|\s--?\s|\s—\s|,\s(?:and|but|while|whereas|as)\s)")
_SUBJECT_START = re.compile(
    r"(?:[A-Z][\w'’.-]*|the|a|an|he|she|it|they|we|his|her|its|their|some|many|most|more|"
    r"another|other|both|all|each|no|[\d,.]+)\s"
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
    clause = drop_discourse(clause.strip()).strip(" ,;")
    clause = clause[:1].upper() + clause[1:]
    return clause if clause[-1:] in ".!?" else clause + "."
