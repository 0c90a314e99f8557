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
    r"has yet to|contrary to|despite)\b",
    re.IGNORECASE,
)
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
    subject: str
    direction: int  # +1 up, -1 down


def _stance(sentence: Scored) -> _Stance | None:
    text = sentence.text
    subject = _SUBJECT.search(text)
    if subject is None:
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
    return _Stance(sentence=sentence, subject=_family(subject.group(1)), direction=direction)


def find_disagreements(sentences: Sequence[Scored], names: dict[str, str]) -> list[Disagreement]:
    """Disagreements across the corpus, most salient first."""
    by_subject: dict[str, list[_Stance]] = defaultdict(list)
    for sentence in sentences:
        stance = _stance(sentence)
        if stance is not None:
            by_subject[stance.subject].append(stance)
    found: list[tuple[float, Disagreement]] = []
    for subject, stances in by_subject.items():
        down = [s for s in stances if s.direction < 0]
        up = [s for s in stances if s.direction > 0]
        sources = {s.sentence.source for s in stances}
        if not down or not up or len(sources) < 2:
            continue
        positions = (_position(down), _position(up))
        weight = sum(s.sentence.score for s in stances)
        summary = (
            f"Accounts conflict on {subject}: one side (reported by {_who(positions[0], names)}) "
            f"describes a withdrawal or reduction; the other (reported by "
            f"{_who(positions[1], names)}) describes an increase or build-up."
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


def _position(stances: list[_Stance]) -> Position:
    best = max(stances, key=lambda s: s.sentence.score)
    # One quote per source, its most salient sentence on this side.
    per_source: dict[str, _Stance] = {}
    for s in sorted(stances, key=lambda s: -s.sentence.score):
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
