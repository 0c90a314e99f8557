"""Where claims conflict: statements about the same actor's same quantity that move in opposite
directions, each side attributed to who makes the claim.

A general lexicon of direction (withdraw/pull back/reduce versus add/increase/arrive/build up),
with negation flipping the direction ("has not verified any drawdown" argues against a drawdown),
is applied to every sentence of the corpus. The actor is whoever's quantity moves ("NATO
forces" pulling back is not Russia withdrawing). Each statement belongs to its claimant (see
summarizer.claimants), or to the outlet when no one else is named; a disagreement needs
different claimants on the two sides, each listed with the outlets that reported it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.checker.entities import entity_name, key_of
from summarizer.claimants import (
    GENERIC_SPEAKERS,
    People,
    claimant_phrase,
    resolve_speaker,
    split_speaker,
)
from summarizer.salience import Scored
from summarizer.timeline import Dater
from summarizer.types import Claimant, Disagreement, Evidence, Position, Source

_DOWN = re.compile(
    r"\b(withdraw\w*|pull(?:ing|ed|s)? back|pullback|pull-?out|draw-?down|drawdown|scal\w+ back|"
    r"return\w* to (?:their |its )?bases?|de-?escalat\w*|reduc\w+|decreas\w+|retreat\w*|"
    r"cut(?:s|ting)? back|wind(?:s|ing)? down|leav\w+ the border|ease[sd]?|easing|"
    r"f[ae]ll(?:s|ing)?|drop(?:s|ped|ping)?|declin\w+|shr[ai]nk\w*)\b",
    re.IGNORECASE,
)
_UP = re.compile(
    r"\b(increas\w*|add(?:s|ed|ing)?|more (?:troops|forces|soldiers|units)|arriv\w+|"
    r"on (?:the|their) way|"
    r"build-?up|buildup|ramp\w* up|reinforc\w+|mass(?:ed|ing)|(?<!de-)(?<!de)escalat\w*|"
    r"continu\w+ to grow|grow\w*|expand\w*|bolster\w*|r[io]se[sn]?|rising|climb\w*|surg\w+)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(not|no|never|nothing|without|little evidence|n't|denie[sd]|deny|refus\w+|fail\w+ to|"
    r"has yet to)\b",
    re.IGNORECASE,
)
# "did not say how many are leaving", "unclear whether": uncertainty takes no side.
_UNCERTAIN = re.compile(
    r"\b(?:not|n't) (?:yet )?(?:say|said|know|known|clear|specify|disclose|confirm how)\b|"
    r"\bunclear\b|\bwhether\b|\bhow (?:many|much|far)\b|\blittle (?:detail|information)\b",
    re.IGNORECASE,
)
_NOUN_FORM = re.compile(
    r"(?:withdrawals?|build-?ups?|buildups?|draw-?downs?|pullbacks?|pull-?outs?|(?:de-?)?escalation|"
    r"increases?|reductions?|decreases?|retreats?|declines?|rises?|surges?|growth|expansion|"
    r"reinforcements?|drops?|falls?)",
    re.IGNORECASE,
)
_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|a|an|its|their|his|her|this|that|any|of)(?:\s+[\w-]+){0,2}\s+$", re.IGNORECASE
)
_CAPITALISED = re.compile(r"\b[A-Z][\w.]*(?:[’']s)?")
# Subjects that can move up or down; the shared subject is what the sources disagree about.
_SUBJECT = re.compile(
    r"\b(troops?|forces?|soldiers?|units|military|presence|deployments?|tensions?|prices?|rates?|"
    r"production|output|spending|sanctions|staff|jobs|emissions|cases)\b",
    re.IGNORECASE,
)
MAX_DISAGREEMENTS = 3


@dataclass(frozen=True)
class _Stance:
    sentence: Scored
    subject: str  # what moves: "troop levels", "prices"
    actor: str  # whose: an entity key like "#ru" (see checker.entities)
    direction: int  # +1 up, -1 down
    at: int = 0  # where the direction word is in the sentence
    negated: bool = False


def _asserted(text: str, pattern: re.Pattern[str]) -> list[tuple[re.Match[str], bool]]:
    """Direction words that claim a movement, each with whether it is negated. A noun after a
    determiner names a thing ("the military buildup", "claims of a partial withdrawal") and
    claims nothing, unless negated ("has not verified any partial drawdown")."""
    out = []
    for m in pattern.finditer(text):
        # A negation shortly before the direction word flips it: "not taking de-escalatory steps".
        negated = bool(_NEGATION.search(text[max(0, m.start() - 40) : m.start()]))
        if (
            not negated
            and _NOUN_FORM.fullmatch(m.group(0))
            and _DETERMINER_BEFORE.search(text[: m.start()])
        ):
            continue
        out.append((m, negated))
    return out


def _stance(sentence: Scored) -> _Stance | None:
    text = sentence.text
    subjects = list(_SUBJECT.finditer(text))
    if not subjects or _UNCERTAIN.search(text):
        return None
    down, up = _asserted(text, _DOWN), _asserted(text, _UP)
    if bool(down) == bool(up):
        return None  # no direction, or both: the sentence itself contrasts them
    match, negated = (down or up)[0]
    direction = -1 if down else 1
    if negated:
        direction = -direction
    # The subject that moves is the one nearest the direction word ("pull back NATO forces").
    subject = min(subjects, key=lambda m: _distance(m, match))
    actor = _actor(text, subject.start(), match.start())
    return _Stance(sentence, _family(subject.group(1)), actor, direction, match.start(), negated)


def states_movement(text: str) -> bool:
    """The text itself claims a quantity moves ("Russia said it was withdrawing troops"), as
    opposed to a sentence that merely holds such a claim in another clause."""
    if not _SUBJECT.search(text) or _UNCERTAIN.search(text):
        return False
    return bool(_asserted(text, _DOWN)) != bool(_asserted(text, _UP))


def _distance(a: re.Match[str], b: re.Match[str]) -> int:
    return max(a.start() - b.end(), b.start() - a.end(), 0)


def _actor(text: str, subject_at: int, direction_at: int) -> str:
    """Whose troops/prices: the country or bloc named right before the subject word
    ("Russian troops", "NATO forces"), else the nearest one named before the direction word."""
    before_subject = list(_CAPITALISED.finditer(text, 0, subject_at))
    if before_subject and before_subject[-1].end() >= subject_at - 1:
        key = key_of(_bare(before_subject[-1].group(0)))
        if key.startswith("#"):
            return key
    for match in reversed(list(_CAPITALISED.finditer(text, 0, min(direction_at, subject_at)))):
        key = key_of(_bare(match.group(0)))
        if key.startswith("#"):
            return key
    return ""  # no country or bloc named: grouped with the others that name none


def _bare(word: str) -> str:
    return re.sub(r"[’']s$", "", word)


@dataclass(frozen=True)
class _Claim:
    """A stance with whoever makes it: a named claimant, or the outlet itself."""

    stance: _Stance
    key: str  # claimant identity: a normalised phrase, or "own:<source>" for the outlet's voice
    name: str
    own: bool
    date: dt.date | None


def find_disagreements(
    sentences: Sequence[Scored],
    names: dict[str, str],
    *,
    sources: Sequence[Source] = (),
    dater: Dater | None = None,
) -> list[Disagreement]:
    """Conflicts between claimants across the corpus, most salient first.

    Each side lists who makes its claim and the outlets that reported each claimant. A claimant
    (or an outlet's own reporting) found on both sides is no conflict and is left out; what is
    left must still have a claim on each side. Dated claims more than DATE_WINDOW days from
    every claim of the other side are a sequence of events, not a conflict.
    """
    text_of = {s.id: s.sentences for s in sources}
    by_subject: dict[tuple[str, str], list[_Claim]] = defaultdict(list)
    for sentence in sentences:
        stance = _stance(sentence)
        if stance is None:
            continue
        by_subject[(stance.actor, stance.subject)].append(_claim_of(stance, names, text_of, dater))
    found: list[tuple[float, Disagreement]] = []
    for (actor, subject), claims in by_subject.items():
        sides = _real_conflict(claims)
        if sides is None:
            continue
        down, up = sides
        positions = (_position(down, -1), _position(up, +1))
        both = tuple(c for c in positions[0].citations if c in positions[1].citations)
        weight = sum(c.stance.sentence.score for c in down + up)
        subject_text = f"{_whose(actor)}{subject}"
        summary = (
            f"{subject_text[:1].upper() + subject_text[1:]}: "
            f"{_claimant_list(positions[0])} {_verb(positions[0])} {positions[0].stance}; "
            f"{_claimant_list(positions[1])} {_verb(positions[1])} {positions[1].stance}."
        )
        found.append(
            (
                weight,
                Disagreement(
                    summary=summary,
                    positions=positions,
                    subject=subject_text,
                    reported_both=both,
                ),
            )
        )
    found.sort(key=lambda pair: -pair[0])
    return [d for _, d in found[:MAX_DISAGREEMENTS]]


DATE_WINDOW = 3  # days


def _real_conflict(claims: list[_Claim]) -> tuple[list[_Claim], list[_Claim]] | None:
    down = [c for c in claims if c.stance.direction < 0]
    up = [c for c in claims if c.stance.direction > 0]
    on_both = {c.key for c in down} & {c.key for c in up}
    down = [c for c in down if c.key not in on_both]
    up = [c for c in up if c.key not in on_both]
    down = [c for c in down if _near(c, up)]
    up = [c for c in up if _near(c, down)]
    if not down or not up:
        return None
    return down, up


def _near(claim: _Claim, others: list[_Claim]) -> bool:
    if claim.date is None:
        return True
    dated = [o.date for o in others if o.date is not None]
    return not dated or any(abs((claim.date - d).days) <= DATE_WINDOW for d in dated)


def _claim_of(
    stance: _Stance,
    names: dict[str, str],
    text_of: dict[str, tuple[str, ...]],
    dater: Dater | None,
) -> _Claim:
    sentence = stance.sentence
    phrase = claimant_phrase(sentence.text, stance.at)
    if phrase and phrase.lower() in {"he", "she"}:
        phrase = _previous_person(text_of.get(sentence.source, ()), sentence.index)
    date = None
    if dater is not None:
        iso = dater.date_of(sentence.source, sentence.text)
        date = dt.date.fromisoformat(iso) if iso else None
    if not phrase or phrase.lower() in {"they", "it", "we", "i"}:
        outlet = names.get(sentence.source, sentence.source)
        return _Claim(stance, f"own:{sentence.source}", f"{outlet}’s own reporting", True, date)
    first = phrase.split()[0]
    if first in {"The", "A", "An"} or first.lower() in GENERIC_SPEAKERS:
        phrase = first.lower() + phrase[len(first) :]  # "Officials" -> "officials"
    display = phrase
    return _Claim(stance, _claimant_key(phrase), display, False, date)


def _previous_person(sentences: Sequence[str], index: int) -> str | None:
    """Who "he" or "she" is: the person named by a reporting verb in the sentences before."""
    people = People(sentences)
    for i in range(index - 1, max(-1, index - 3), -1):
        verbs = re.search(r"\b(?:said|says|told|added|warned)\b", sentences[i])
        if verbs:
            phrase = claimant_phrase(sentences[i], verbs.end())
            if phrase:
                speaker = resolve_speaker(phrase, people, None)
                if speaker.name:
                    return speaker.phrase
    return None


_KEY_NOISE = re.compile(r"^(?:the|a|an)\s+|\s+(?:statement|statements|report|account)$", re.I)


def _claimant_key(phrase: str) -> str:
    return _KEY_NOISE.sub("", _KEY_NOISE.sub("", phrase.lower())).strip()


_MILITARY = frozenset(
    """troop troops force forces soldier soldiers units military presence
    deployment deployments""".split()
)


def _family(word: str) -> str:
    """Group subject words that name the same quantity: all military words are troop levels."""
    word = word.lower()
    return "troop levels" if word in _MILITARY else word


def _whose(actor: str) -> str:
    if not actor:
        return ""
    name = entity_name(actor)
    return name + ("’ " if name.endswith("s") else "’s ")


def _directness(stance: _Stance) -> float:
    """Short, salient statements make the clearest positions."""
    return stance.sentence.score / (1.0 + len(stance.sentence.text.split()) / 25.0)


def _position(claims: list[_Claim], direction: int) -> Position:
    ordered = sorted(claims, key=lambda c: -_directness(c.stance))
    best = ordered[0].stance.sentence
    grouped: dict[str, list[_Claim]] = {}
    for c in ordered:
        grouped.setdefault(c.key, []).append(c)
    claimants = []
    for members in grouped.values():
        per_source: dict[str, Scored] = {}
        for c in members:
            per_source.setdefault(c.stance.sentence.source, c.stance.sentence)
        claimants.append(
            Claimant(
                name=members[0].name,
                citations=tuple(per_source),
                evidence=tuple(Evidence(source=k, quote=v.text) for k, v in per_source.items()),
                own=members[0].own,
            )
        )
    # Named people first (they are who a reader asks about), then bodies and officials, then
    # outlets' own reporting; more outlets first within each.
    claimants.sort(key=lambda c: (c.own, split_speaker(c.name).name is None, -len(c.citations)))
    citations = tuple(dict.fromkeys([best.source, *(s for c in claimants for s in c.citations)]))
    negated = any(c.stance.negated for c in claims)
    if direction < 0:
        stance = "a withdrawal or reduction" if not negated else "no increase, or a reduction"
    else:
        stance = "an increase or build-up" if not negated else "no withdrawal, or an increase"
    return Position(
        text=best.text,
        citations=citations,
        evidence=tuple({ev.source: ev for c in claimants for ev in c.evidence[::-1]}.values())[
            ::-1
        ],
        claimants=tuple(claimants),
        stance=stance,
    )


def _claimant_list(position: Position, limit: int = 3) -> str:
    names = [c.name for c in position.claimants]
    if len(names) > limit:
        names = [*names[:limit], f"{len(names) - limit} more"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _verb(position: Position) -> str:
    return "describes" if len(position.claimants) == 1 else "describe"
