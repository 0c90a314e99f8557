"""How much of a thing: "some units" is not "all units" (nor "most units").

A claim that puts a stronger quantifier on a noun than the evidence puts on the same noun
generalises beyond it. Only the clear cases count: the claim says most, all or every of
something, and the evidence says, of that same thing, only some, several, many or most (when
the claim says all). A noun the evidence gives no quantifier ("units were returning") is not
judged: a bare plural can mean any of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.checker.words import Token, canonical, is_content, word_list

# Strength of each quantifier; the claim's is compared with the evidence's on the same noun.
_PARTIAL, _MANY, _MOST, _ALL = 1, 2, 3, 4
_STRENGTH = {
    canonical(word): strength
    for words, strength in (
        ("some several few", _PARTIAL),
        ("many", _MANY),
        ("most", _MOST),
        ("all every each entire whole", _ALL),
    )
    for word in word_list(words)
}
_CHECKED_FROM = _MOST  # a claim quantifier weaker than this is never judged
_NEGATORS = frozenset(canonical(w) for w in word_list("not never"))
_REACH = 4  # tokens from a quantifier to its noun ("each of the 12 regions")


def stronger_than_evidence(
    claim: Sequence[Token], evidence: Sequence[Sequence[Token]]
) -> tuple[str, str] | None:
    """(claim's quantifier and noun, evidence's) for the first noun the claim quantifies more
    strongly than every quantified mention of it in the evidence; None if there is none."""
    judged = [q for q in _quantified(claim) if q[1] >= _CHECKED_FROM]
    if not judged:  # most claims: the evidence need not be read
        return None
    mentions = [q for sentence in evidence for q in _quantified(sentence)]
    for noun, strength, said in judged:
        found = [q for q in mentions if q[0] == noun]
        if found and all(other < strength for _, other, _ in found):
            weaker = max(found, key=lambda q: q[1])
            return said, weaker[2]
    return None


def _quantified(tokens: Sequence[Token]) -> list[tuple[str, int, str]]:
    """(noun, strength, the words as written) of each quantifier in ``tokens`` and the first
    content word after it; "some" before a number ("some 7,000 troops") is an approximation,
    and "not all" is not a quantifier of its own."""
    out: list[tuple[str, int, str]] = []
    for i, token in enumerate(tokens):
        strength = _STRENGTH.get(token.norm)
        if strength is None or (i > 0 and tokens[i - 1].norm in _NEGATORS):
            continue
        for k in range(i + 1, min(len(tokens), i + 1 + _REACH)):
            norm = tokens[k].norm
            if not norm[:1].isalnum():
                break  # punctuation ends the phrase
            if norm[:1].isdigit() and strength == _PARTIAL:
                break
            if is_content(norm) and not tokens[k].capital:
                out.append((norm, strength, " ".join(t.text for t in tokens[i : k + 1])))
                break
    return out
