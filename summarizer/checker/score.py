"""Combine the signals into one support score in [0, 1] with human-readable reasons.

The base is the IDF-weighted recall of the claim's content words in one evidence window. Soft
problems (a date the window does not mention) scale it down; hard failures (a number, date or
entity the evidence contradicts or lacks, a flipped polarity, a quote that is not verbatim, a
wrong speaker, swapped roles, a stronger quantifier) cap it at ``HARD_CAP``, below any sensible
threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from summarizer.checker import dates, numbers
from summarizer.checker.entities import SOFT_GROUPS, TITLES, Entity
from summarizer.checker.evidence import WindowFeatures
from summarizer.checker.features import Analysis, sequence_context, shared_context
from summarizer.checker.negation import opposites
from summarizer.checker.quantifiers import stronger_than_evidence
from summarizer.checker.quotes import appears_in
from summarizer.checker.roles import swapped
from summarizer.checker.words import SPEECH_VERBS, is_content

HARD_CAP = 0.2
DATE_NOT_FOUND = 0.85  # the window does not mention the claim's date at all
SOFT_NUMBER_NOT_FOUND = 0.9  # "two leaders", "thousands": not in the window
GROUP_IN_CONTEXT = 0.9  # at best, for a country the window omits but its article names...
GROUP_FLOOR, GROUP_SLOPE = 0.5, 2.0  # ...scaled by the share of the article's sentences naming it
SPLIT_NAMES = 0.6  # the claim's people only co-occur across two sentences
NAMED_BEFORE = 0.85  # an entity named in the two sentences before a window that refers back
MISSING_RUN, MISSING_RUN_FACTOR = 3, 0.8  # three claim words in a row the window lacks
MISSING_SHOWN = 4  # missing words listed in a reason


@dataclass(frozen=True)
class Judgement:
    score: float
    recall: float
    reasons: tuple[str, ...]
    hard: bool
    contradicts: bool  # the window says something else (not merely: does not say it)
    silent: bool  # the window does not mention a detail of the claim (date, amount, place)
    flags: tuple[tuple[str, int], ...] = ()  # (check that failed or softened, times), by name
    soft_score: float = 0.0  # the score before a hard failure caps it


class _Findings:
    def __init__(self) -> None:
        self.reasons: list[str] = []
        self.flags: dict[str, int] = {}
        self.hard = False
        self.contradicts = False
        self.silent = False
        self.factor = 1.0

    def fail(self, kind: str, reason: str, *, contradiction: bool = True) -> None:
        self.reasons.append(reason)
        self.flags[kind] = self.flags.get(kind, 0) + 1
        self.hard = True
        self.contradicts = self.contradicts or contradiction

    def soften(self, kind: str, factor: float, reason: str) -> None:
        self.reasons.append(reason)
        self.flags[kind] = self.flags.get(kind, 0) + 1
        self.factor *= factor
        self.silent = True


def judge(claim: Analysis, window: WindowFeatures, idf: Callable[[str], float]) -> Judgement:
    """Score one claim against one evidence window."""
    found = _Findings()
    recall = _recall(claim, window, idf, found)
    _check_numbers(claim, window, found)
    _check_dates(claim, window, found)
    _check_entities(claim, window, found)
    _check_slots(claim, window, found)
    _check_quotes(claim, window, found)
    _check_polarity(claim, window, found)
    _check_speaker(claim, window, found)
    _check_roles(claim, window, found)
    _check_quantifiers(claim, window, found)
    score = recall * found.factor
    if found.hard:
        score = min(score, HARD_CAP)
    return Judgement(
        round(score, 4),
        recall,
        tuple(found.reasons),
        found.hard,
        found.contradicts,
        found.silent,
        tuple(sorted(found.flags.items())),
        round(recall * found.factor, 4),
    )


def _surface(claim: Analysis, norm: str) -> str:
    return next((t.text for t in claim.tokens if t.norm == norm), norm)


def _recall(
    claim: Analysis, window: WindowFeatures, idf: Callable[[str], float], found: _Findings
) -> float:
    total = sum(idf(w) for w in claim.content)
    if total == 0:
        found.reasons.append("claim has no content words to check")
        return 0.0
    missing = sorted(claim.content - window.content, key=lambda w: (-idf(w), w))
    recall = 1.0 - sum(idf(w) for w in missing) / total
    run = _longest_missing_run(claim, window)
    if run >= MISSING_RUN:
        found.soften(
            "missing_run", MISSING_RUN_FACTOR, f"{run} consecutive claim words not in evidence"
        )
    if missing:
        shown = ", ".join(_surface(claim, w) for w in missing[:MISSING_SHOWN])
        more = f" and {len(missing) - MISSING_SHOWN} more" if len(missing) > MISSING_SHOWN else ""
        found.reasons.append(
            f"{recall:.0%} of the claim's weighted words in evidence; missing: {shown}{more}"
        )
    return recall


def _longest_missing_run(claim: Analysis, window: WindowFeatures) -> int:
    """The longest stretch of consecutive content words the window lacks: an added clause."""
    longest = run = 0
    for tok in claim.tokens:
        if not is_content(tok.norm):
            continue
        run = 0 if tok.norm in window.keys else run + 1
        longest = max(longest, run)
    return longest


def _check_numbers(claim: Analysis, window: WindowFeatures, found: _Findings) -> None:
    evidence = [
        (q, ctx)
        for sentence in window.sentences
        for q, ctx in zip(sentence.numbers, sentence.number_context, strict=True)
    ]
    for q, ctx in zip(claim.numbers, claim.number_context, strict=True):
        agreeing = [shared_context(ctx, e_ctx) for e, e_ctx in evidence if numbers.matches(q, e)]
        # Rivals: other numbers said about the same thing ("1,000 US soldiers").
        rivals = [
            (shared_context(ctx, e_ctx), e)
            for e, e_ctx in evidence
            if numbers.units_compatible(q, e) and not numbers.matches(q, e)
        ]
        rivals = [(n, e) for n, e in rivals if n]
        if agreeing:
            strongest = max(rivals, key=lambda ne: ne[0], default=(0, None))
            if strongest[1] is not None and strongest[0] >= 2 and strongest[0] > max(agreeing):
                found.fail(
                    "number_rival",
                    f"number {q.text} not in evidence (evidence says {strongest[1].text})",
                )
            continue
        same_unit = [e for e, _ in evidence if e.unit is not None and e.unit == q.unit]
        if q.soft and not same_unit and not rivals:
            found.soften(
                "amount_missing", SOFT_NUMBER_NOT_FOUND, f"amount '{q.text}' not in evidence"
            )
            continue
        says = [e for _, e in rivals] or same_unit
        says = says or [e for e, _ in evidence if numbers.units_compatible(q, e)]
        detail = f" (evidence says {', '.join(e.text for e in says[:3])})" if says else ""
        found.fail(
            "number_contradicted" if says else "number_missing",
            f"number {q.text} not in evidence{detail}",
            contradiction=bool(says),
        )


def _check_dates(claim: Analysis, window: WindowFeatures, found: _Findings) -> None:
    evidence = [d for s in window.sentences for d in s.dates]
    for d in claim.dates:
        verdicts = [dates.compare(d, e) for e in evidence]
        if True in verdicts:
            continue
        if False in verdicts:
            says = [e.text for e, v in zip(evidence, verdicts, strict=True) if v is False]
            found.fail(
                "date_contradicted",
                f"date {d.text} not in evidence (evidence says {', '.join(says[:3])})",
            )
        else:
            found.soften("date_missing", DATE_NOT_FOUND, f"date {d.text} not found in evidence")


def _check_entities(claim: Analysis, window: WindowFeatures, found: _Findings) -> None:
    reported: set[str] = set()
    for e in claim.entities:
        if e.key in SOFT_GROUPS or e.key in reported or _named_in(e.key, window.keys):
            continue
        reported.add(e.key)
        if window.refers_back and _named_in(e.key, window.context_keys):
            # "he noted", "the two leaders": named just before the window.
            found.soften(
                "entity_named_before",
                NAMED_BEFORE,
                f"'{e.text}' only named just before the evidence",
            )
        elif e.key.startswith("#") and e.key in window.source_share:
            # A country the article keeps naming is context, not invention ("Russia denies
            # planning an attack" in an article about Ukraine); one it names once is not.
            share = window.source_share[e.key]
            factor = min(GROUP_IN_CONTEXT, GROUP_FLOOR + GROUP_SLOPE * share)
            found.soften(
                "entity_elsewhere", factor, f"'{e.text}' only named elsewhere in the source"
            )
        else:
            found.fail("entity_missing", f"entity '{e.text}' not in evidence", contradiction=False)
    _check_binding(claim, window, found)


def _check_slots(claim: Analysis, window: WindowFeatures, found: _Findings) -> None:
    """An entity the evidence replaces: claim "flights to Poland", evidence "flights to Ukraine".

    A rival must share the claim entity's context on both sides, or two words on one side,
    and the claim's own entity must not appear in a similar context anywhere in the window.
    """
    for e, (left, right) in zip(claim.entities, claim.slots, strict=True):
        if not left and not right:
            continue
        own, rival = False, None
        words = _name_words(claim, e)
        for s in window.sentences:
            for other, (o_left, o_right) in zip(s.entities, s.slots, strict=True):
                shared_left, shared_right = len(left & o_left), len(right & o_right)
                if not shared_left and not shared_right:
                    continue
                # "New York" in "New York City", "Derby County" as "Derby": the same name.
                if (
                    other.key == e.key
                    or _named_in(e.key, frozenset({other.key}))
                    or words & _name_words(s, other)
                ):
                    own = True
                elif ((shared_left and shared_right) or shared_left >= 2 or shared_right >= 2) and (
                    other.key not in SOFT_GROUPS or e.key in SOFT_GROUPS
                ):
                    rival = rival or other.text
        if rival and not own:
            found.fail(
                "entity_replaced", f"entity '{e.text}' not in evidence (evidence says '{rival}')"
            )
            return


def _name_words(analysis: Analysis, entity: Entity) -> frozenset[str]:
    """The words of a name, titles left out: "President Joe Biden" -> {joe, biden}."""
    return frozenset(
        t.norm
        for t in analysis.tokens[entity.start : entity.head + 1]
        if t.capital and t.text.lower() not in TITLES and is_content(t.norm)
    )


def _named_in(key: str, keys: frozenset[str]) -> bool:
    """Whether ``keys`` name ``key``, allowing spelling variants ("Zelenskyy", "Crimean")."""
    if key in keys:
        return True
    if key.startswith("#") or len(key) < 5:
        return False
    return any(
        len(k) >= 5 and (k.startswith(key) or key.startswith(k)) and abs(len(k) - len(key)) <= 2
        for k in keys
    )


def _check_binding(claim: Analysis, window: WindowFeatures, found: _Findings) -> None:
    """Two people that no single sentence of a two-sentence window names together."""
    if len(window.sentences) < 2:
        return
    people = {e.key for e in claim.entities if not e.key.startswith("#")}
    if len(people) < 2:
        return
    if not any(people <= s.keys for s in window.sentences):
        found.soften("names_split", SPLIT_NAMES, "the claim's names are spread over two sentences")


def _check_quotes(claim: Analysis, window: WindowFeatures, found: _Findings) -> None:
    for quote in claim.quotes:
        if not appears_in(quote, window.folded):
            found.fail(
                "quote_missing",
                f"quote “{quote}” not found verbatim in evidence",
                contradiction=False,
            )


def _check_polarity(claim: Analysis, window: WindowFeatures, found: _Findings) -> None:
    pol = claim.polarity
    window_words = window.content | window.negated | window.affirmed
    for i, tok in enumerate(claim.tokens):
        w = tok.norm
        if not (is_content(w) or w in SPEECH_VERBS) or w not in window_words:
            continue  # "did not say" counts, though "say" is not a content word
        if w in pol.negated and w in pol.affirmed:
            continue  # the claim itself says it both ways: its other mention may be the match
        claim_negated = i in pol.negated_at
        evidence_negated = _aligned_polarity(window, claim, i)
        if evidence_negated is None or evidence_negated == claim_negated:
            continue
        mine = pol.phrase(w) if claim_negated else tok.text
        other = _evidence_phrase(window, w, negated=evidence_negated)
        found.fail(
            "negation_flip", f"negation flip: claim '{mine or tok.text}' vs evidence '{other}'"
        )
        return
    for i, tok in enumerate(claim.tokens):
        flipped = _opposite_in(window, claim, i)
        if flipped is not None:
            found.fail("antonym", f"antonym: claim '{tok.text}' vs evidence '{flipped}'")
            return


def _aligned_polarity(window: WindowFeatures, claim: Analysis, i: int) -> bool | None:
    """Whether the evidence negates claim token ``i``'s word where it says the same thing:
    the occurrence whose surrounding words best match the claim's decides; None if the word
    is absent or its best-matching occurrences disagree."""
    norm = claim.tokens[i].norm
    if norm not in window.negated:
        return False if norm in window.affirmed else None
    if norm not in window.affirmed:
        return True
    ctx = sequence_context(claim.tokens, i)
    best, verdicts = -1, set()
    for s in window.sentences:
        for k, t in enumerate(s.tokens):
            if t.norm != norm:
                continue
            score = _alignment(ctx, sequence_context(s.tokens, k))
            if score > best:
                best, verdicts = score, {k in s.polarity.negated_at}
            elif score == best:
                verdicts.add(k in s.polarity.negated_at)
    return verdicts.pop() if len(verdicts) == 1 else None


def _opposite_in(window: WindowFeatures, claim: Analysis, i: int) -> str | None:
    """The evidence word that says the opposite of claim token ``i``, in the same context.

    "withdrawing some troops" vs "deploying some troops": the opposite must sit in a context
    closer to the claim's than any occurrence of the claim's own word, and with the same
    polarity ("not be banned" contradicts "not be allowed").
    """
    norm = claim.tokens[i].norm
    opposite = opposites(norm)
    if not opposite or not is_content(norm):
        return None
    ctx = sequence_context(claim.tokens, i)
    negated = i in claim.polarity.negated_at
    best_same, best_opp, text = -1, -1, None
    for s in window.sentences:
        for k, t in enumerate(s.tokens):
            if t.norm == norm:
                best_same = max(best_same, _alignment(ctx, sequence_context(s.tokens, k)))
            elif t.norm in opposite and (k in s.polarity.negated_at) == negated:
                overlap = _alignment(ctx, sequence_context(s.tokens, k))
                if overlap > best_opp:
                    best_opp, text = overlap, t.text
    if text is None or best_opp <= best_same:
        return None
    return text


def _alignment(
    a: tuple[tuple[str, ...], tuple[str, ...]], b: tuple[tuple[str, ...], tuple[str, ...]]
) -> int:
    """Words shared by two contexts, side by side."""
    return len(set(a[0]) & set(b[0])) + len(set(a[1]) & set(b[1]))


def _evidence_phrase(window: WindowFeatures, norm: str, *, negated: bool) -> str:
    for s in window.sentences:
        if negated:
            phrase = s.polarity.phrase(norm)
            if phrase:
                return phrase
        else:
            for t in s.tokens:
                if t.norm == norm:
                    return t.text
    return norm


def _check_speaker(claim: Analysis, window: WindowFeatures, found: _Findings) -> None:
    named = [s for s in claim.speakers if s.kind in {"person", "thing"}]
    if not named:
        return
    anchor = _anchor(claim, window)
    theirs = [
        s
        for s in window.speakers[anchor]
        if s.kind == "person" or (s.kind == "people" and any(c.kind == "person" for c in named))
    ]
    if not theirs:
        return
    if any(c.head in s.keys for c in named for s in theirs):
        return
    found.fail(
        "wrong_speaker",
        f"wrong speaker: claim attributes to {named[0].text}, evidence to {theirs[0].text}",
    )


def _anchor(claim: Analysis, window: WindowFeatures) -> int:
    """The window sentence the claim rests on: the one holding its quote, else most overlap."""
    for quote in claim.quotes:
        for i, s in enumerate(window.sentences):
            if appears_in(quote, s.folded):
                return i
    overlaps = [len(claim.content & s.content) for s in window.sentences]
    return overlaps.index(max(overlaps))


def _check_roles(claim: Analysis, window: WindowFeatures, found: _Findings) -> None:
    if len(claim.entities) < 2:
        return
    for s in window.sentences:
        swap = swapped(claim.tokens, claim.entities, s.tokens, s.entities)
        if swap is not None:
            a, verb, b = swap
            found.fail(
                "role_swap", f"role swap: claim has '{a} {verb} {b}', evidence has them reversed"
            )
            return


def _check_quantifiers(claim: Analysis, window: WindowFeatures, found: _Findings) -> None:
    stronger = stronger_than_evidence(claim.tokens, [s.tokens for s in window.sentences])
    if stronger is not None:
        said, evidence = stronger
        found.fail("quantifier", f"quantifier: claim has '{said}', evidence has '{evidence}'")
