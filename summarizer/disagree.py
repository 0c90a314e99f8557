"""Where the sources disagree: statements about the same subject that move in opposite directions.

A general lexicon of direction (withdraw/pull back/reduce versus add/increase/arrive/build up),
with negation flipping the direction ("has not verified any drawdown" argues against a drawdown),
applied to every sentence of the corpus; opposite-direction statements sharing a subject from at
least two sources become one disagreement with a position per side, each with its citations.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.checker.entities import entity_name, key_of
from summarizer.salience import Scored
from summarizer.types import Disagreement, Evidence, Position

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
    r"\bunclear\b|\bwhether\b",
    re.IGNORECASE,
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


def _stance(sentence: Scored) -> _Stance | None:
    text = sentence.text
    subject = _SUBJECT.search(text)
    if subject is None or _UNCERTAIN.search(text):
        return None
    down, up = _DOWN.search(text), _UP.search(text)
    if bool(down) == bool(up):
        return None  # no direction, or both: the sentence itself contrasts them
    match = down or up
    assert match is not None
    direction = -1 if down else 1
    # A negation shortly before the direction word flips it: "not taking de-escalatory steps".
    window = text[max(0, match.start() - 40) : match.start()]
    if _NEGATION.search(window):
        direction = -direction
    actor = _actor(text, subject.start(), match.start())
    return _Stance(sentence, _family(subject.group(1)), actor, direction)


def _actor(text: str, subject_at: int, direction_at: int) -> str:
    """Whose troops/prices: the country or bloc named right before the subject word
    ("Russian troops"), else the nearest one named before the direction word."""
    before_subject = list(_CAPITALISED.finditer(text, 0, subject_at))
    if before_subject and before_subject[-1].end() >= subject_at - 1:
        key = key_of(_bare(before_subject[-1].group(0)))
        if key.startswith("#"):
            return key
    for match in reversed(list(_CAPITALISED.finditer(text, 0, direction_at))):
        key = key_of(_bare(match.group(0)))
        if key.startswith("#"):
            return key
    return ""  # no country or bloc named: grouped with the others that name none


def _bare(word: str) -> str:
    return re.sub(r"[’']s$", "", word)


def find_disagreements(sentences: Sequence[Scored], names: dict[str, str]) -> list[Disagreement]:
    """Disagreements across the corpus, most salient first."""
    by_subject: dict[tuple[str, str], list[_Stance]] = defaultdict(list)
    for sentence in sentences:
        stance = _stance(sentence)
        if stance is not None:
            by_subject[(stance.actor, stance.subject)].append(stance)
    found: list[tuple[float, Disagreement]] = []
    for (actor, subject), stances in by_subject.items():
        down = [s for s in stances if s.direction < 0]
        up = [s for s in stances if s.direction > 0]
        sources = {s.sentence.source for s in stances}
        if not down or not up or len(sources) < 2:
            continue
        positions = (_position(down), _position(up))
        weight = sum(s.sentence.score for s in stances)
        summary = (
            f"Accounts conflict on {_whose(actor)}{subject}: one side (reported by "
            f"{_who(positions[0], names)}) describes a withdrawal or reduction; the other "
            f"(reported by {_who(positions[1], names)}) describes an increase or build-up."
        )
        found.append((weight, Disagreement(summary=summary, positions=positions)))
    found.sort(key=lambda pair: -pair[0])
    return [d for _, d in found[:MAX_DISAGREEMENTS]]


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


def _position(stances: list[_Stance]) -> Position:
    best = max(stances, key=_directness)
    # One quote per source, its most salient sentence on this side.
    per_source: dict[str, _Stance] = {}
    for s in sorted(stances, key=lambda s: -_directness(s)):
        per_source.setdefault(s.sentence.source, s)
    ordered = [best.sentence.source] + [k for k in per_source if k != best.sentence.source]
    return Position(
        text=best.sentence.text,
        citations=tuple(ordered),
        evidence=tuple(Evidence(source=k, quote=per_source[k].sentence.text) for k in ordered),
    )


def _who(position: Position, names: dict[str, str]) -> str:
    outlets = [names.get(c, c) for c in position.citations]
    return outlets[0] if len(outlets) == 1 else ", ".join(outlets[:-1]) + " and " + outlets[-1]
