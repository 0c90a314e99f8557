"""Who did what to whom: "A warned B" is not "B warned A".

Without a parser, roles are read from word order: the claim's two entities around a shared verb
must not appear in the opposite order around that verb in the evidence (passives are flipped).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from summarizer.checker.entities import Entity
from summarizer.checker.words import Token, canonical, is_content, word_list

# Verbs whose two sides can be exchanged without changing the meaning.
SYMMETRIC = frozenset(
    canonical(w)
    for w in word_list(
        """
        meet met talk speak spoke discuss agree negotiate clash fight draw tie marry merge partner
        play played call phone join sign hold held face faced versus vs with and between trade
        """
    )
)
_IRREGULAR_VERBS = frozenset(
    word_list(
        """
        met sent beat won lost led told said took gave made held left hit cut struck fought sold
        bought brought built drew saw threw wrote spoke fled sought caught overtook
        """
    )
)
_AUXILIARIES = frozenset(
    word_list(
        """
    to will would can could may might should must did does do
    """
    )
)
_REACH = 10  # tokens between an entity and its verb
_BE = frozenset(["is", "are", "was", "were", "be", "been", "being", "get", "got", "gets"])


def swapped(
    claim_tokens: Sequence[Token],
    claim_entities: Sequence[Entity],
    evidence_tokens: Sequence[Token],
    evidence_entities: Sequence[Entity],
) -> tuple[str, str, str] | None:
    """(first entity, verb, second entity) as the claim has them, if the evidence reverses them."""
    for a, b in itertools.pairwise(claim_entities):
        if a.key == b.key:
            continue
        verbs = [
            k
            for k in range(a.head + 1, b.start)
            if is_content(claim_tokens[k].norm)
            and claim_tokens[k].norm not in SYMMETRIC
            and _looks_like_verb(claim_tokens, k)
        ]
        if not verbs or b.start - a.head > 6:
            continue
        verb = claim_tokens[verbs[0]].norm
        # Read the claim as the evidence is read: "coached by B" makes B the doer.
        claim_passive = _passive(claim_tokens, verbs[0]) or _agent_follows(claim_tokens, verbs[0])
        pos_a = [e.head for e in evidence_entities if _same(e.key, a.key)]
        pos_b = [e.head for e in evidence_entities if _same(e.key, b.key)]
        pos_v = [k for k, t in enumerate(evidence_tokens) if t.norm == verb]
        if not (pos_a or pos_b) or not pos_v:
            continue
        same = reversed_ = False
        for v in pos_v:
            subject = _subject(evidence_tokens, v, pos_a, pos_b)
            if subject is None:
                continue
            claim_subject = "b" if claim_passive else "a"
            same = same or subject == claim_subject
            reversed_ = reversed_ or subject != claim_subject
        if reversed_ and not same:
            return (a.text, claim_tokens[verbs[0]].text, b.text)
    return None


def _same(key: str, other: str) -> bool:
    """Same entity, allowing a demonym or spelling variant ("Crimea" ~ "Crimean")."""
    if key == other:
        return True
    short, long_ = sorted((key, other), key=len)
    return len(short) >= 5 and long_.startswith(short) and len(long_) - len(short) <= 2


def _looks_like_verb(tokens: Sequence[Token], k: int) -> bool:
    """A finite or participle verb form, as far as spelling and a preceding auxiliary tell."""
    tok = tokens[k]
    lower = tok.text.lower()
    if tok.capital or tok.norm.startswith("#"):
        return False
    if lower.endswith(("ed", "ing")) or lower in _IRREGULAR_VERBS:
        return True
    prev = tokens[k - 1].text.lower() if k > 0 else ""
    return prev in _AUXILIARIES or (lower.endswith("s") and not lower.endswith("ss"))


def _subject(
    tokens: Sequence[Token], verb: int, pos_a: Sequence[int], pos_b: Sequence[int]
) -> str | None:
    """Which of the two entities is the doer of ``verb``: the nearest one before it, or the
    agent after it in a passive ("was warned by B", "a visit by B")."""
    if _passive(tokens, verb) or _agent_follows(tokens, verb):
        after = [(p, "a") for p in pos_a if verb < p <= verb + _REACH]
        after += [(p, "b") for p in pos_b if verb < p <= verb + _REACH]
        return min(after)[1] if after else None
    before = [(p, "a") for p in pos_a if verb - _REACH <= p < verb]
    before += [(p, "b") for p in pos_b if verb - _REACH <= p < verb]
    return max(before)[1] if before else None


def _agent_follows(tokens: Sequence[Token], verb: int) -> bool:
    """A noun with its agent: "a visit by B"."""
    return verb + 1 < len(tokens) and tokens[verb + 1].text.lower() == "by"


def _passive(tokens: Sequence[Token], verb: int) -> bool:
    """ "was attacked by": a form of "be" before the verb and "by" after it."""
    before = any(t.text.lower() in _BE for t in tokens[max(0, verb - 2) : verb])
    after = any(t.text.lower() == "by" for t in tokens[verb + 1 : verb + 4])
    return before and after
