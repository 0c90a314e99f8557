"""Shorten a sentence to its core clause for a briefing point; the sentence stays the evidence.

Every step deletes a whole span and never touches words inside quotation marks: leading
discourse ("Meanwhile,"), a leading adverbial phrase ("In an apparent bid to ..., "), asides in
parentheses or between dashes, clauses about sourcing, the outlet's own attribution ("..., AP
reported"), and, only while the sentence is still longer than the target, a trailing subordinate
tail (", even though ..."). Phrases holding a number are kept: numbers are facts. The caller
checks the result against the sentence like any model text and keeps the sentence if it fails.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from summarizer.salience import procedural_spans

TARGET_WORDS = 20
_MIN_CORE_WORDS = 6

_DISCOURSE = re.compile(
    r"^(?:meanwhile|however|but|and|also|still|yet|separately|indeed|in response|in turn|"
    r"moreover|furthermore|in addition|nonetheless|nevertheless|even so|at the same time|"
    r"for (?:its|his|her|their) part)\b,?\s+",
    re.IGNORECASE,
)
# Leading phrases that set the scene without stating the fact ("During the briefing, ...").
# Conditions ("If ...", "Unless ...") are never dropped: they change what the sentence claims.
_LEAD_PHRASE = re.compile(
    r"^(?:in an? (?:apparent |new |fresh |last-ditch )?(?:bid|effort|attempt|move) to|"
    r"in an? (?:change|shift|sign|show|departure) of|during|following|after|amid|amidst|despite|"
    r"contrary to|citing|as|while|although|though|even as|ahead of|in the wake of|"
    r"on the heels of|in a (?:statement|speech|briefing|call|phone call|tweet|post|letter))\b",
    re.IGNORECASE,
)
_PRONOUN_START = re.compile(
    r"^(?:he|she|it|they|we|i|you|his|her|its|their|this|that|these|those|there|said|says)\b",
    re.IGNORECASE,
)
_SUBJECT_START = re.compile(r"^(?:[A-Z\d“\"]|(?:the|a|an|some|many|most|more|several|few)\s)")
_PARENTHESIS = re.compile(r"\s*\(([^()]{1,120})\)")
_DASH_ASIDE = re.compile(r"\s+(?:--|—|–)\s+([^-—–]{3,160}?)\s+(?:--|—|–)\s+")
_TAIL = re.compile(
    r",\s+(?:even though|although|though|despite|as|while|after|amid|including|which|whose|"
    r"where|with|in a bid|in an effort|following|ahead of)\b|\s+(?:--|—|–)\s+"
    # Without a comma only the unambiguous ones ("as" could be "as many as").
    r"|\s+(?:after|amid|despite|even though|although)\s",
    re.IGNORECASE,
)
# A wire dateline: "LONDON (AP) - ", "KYIV, Ukraine (Reuters) — ".
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}(?:,\s+[A-Z][\w.'’ -]{1,30}?)?"
    r"(?:\s+\([^()]{1,40}\))?\s+(?:-|--|–|—)\s+"
)
_DIGIT = re.compile(r"\d")
_QUOTE_OPEN = '“"'
_QUOTES = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)")


def _quoted(sentence: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTES.finditer(sentence)]


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _words(text: str) -> int:
    return len(text.split())


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _finish(text: str, original: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", " ".join(text.split())).strip(" ,;:")
    end = original.rstrip()[-1:]
    if text and text[-1] not in '.!?”"’':
        text += end if end in ".!?" else "."
    return _capitalise(text)


def drop_discourse(sentence: str) -> str:
    """Without leading discourse markers ("Meanwhile, But ...")."""
    out = sentence.strip()
    while True:
        shorter = _DISCOURSE.sub("", out, count=1)
        if shorter == out or _words(shorter) < _MIN_CORE_WORDS:
            return out
        out = _capitalise(shorter)


def _drop_lead_phrase(sentence: str) -> str:
    if not _LEAD_PHRASE.match(sentence):
        return sentence
    quotes = _quoted(sentence)
    comma = next(
        (m for m in re.finditer(r",\s+", sentence) if not _overlaps(m.start(), m.end(), quotes)),
        None,
    )
    if comma is None:
        return sentence
    phrase, rest = sentence[: comma.start()], sentence[comma.end() :]
    if (
        rest[:1] in _QUOTE_OPEN + "‘'"
        or _DIGIT.search(phrase)
        or _words(phrase) > 20
        or _words(rest) < _MIN_CORE_WORDS
        or _PRONOUN_START.match(rest)
        or not _SUBJECT_START.match(rest)
        or any(q in phrase for q in _QUOTE_OPEN)
    ):
        return sentence
    return rest


def _drop_asides(sentence: str) -> str:
    def cut(pattern: re.Pattern[str], text: str, max_words: int) -> str:
        quotes = _quoted(text)
        for m in reversed(list(pattern.finditer(text))):
            inner = m.group(1)
            if _DIGIT.search(inner) or _words(inner) > max_words:
                continue
            if _overlaps(m.start(), m.end(), quotes):
                continue
            text = text[: m.start()] + " " + text[m.end() :]
        return text

    return cut(_DASH_ASIDE, cut(_PARENTHESIS, sentence, 12), 16)


def _drop_spans(sentence: str, spans: list[tuple[int, int]]) -> str:
    quotes = _quoted(sentence)
    for start, end in reversed(spans):
        if start == 0 or _overlaps(start, end, quotes):
            continue  # a clause at the start carries the subject: not ours to cut
        sentence = sentence[:start] + sentence[end:]
    return sentence


def _drop_own_attribution(sentence: str, outlets: Collection[str]) -> str:
    for name in sorted(outlets, key=len, reverse=True):
        if not name:
            continue
        own = re.escape(name)
        sentence = re.sub(
            rf",\s+(?:the\s+)?{own}\s+(?:reported|said|has learned|learned)(?=[.!?]?\s*$)"
            rf"|,\s+according to (?:the\s+)?{own}(?=[.!?]?\s*$)",
            "",
            sentence,
            flags=re.IGNORECASE,
        )
    return sentence


def _drop_tail(sentence: str, target: int) -> str:
    """Cut the shortest trailing subordinate tail that brings the sentence within ``target``
    (a quotation inside the tail goes with it; the sentence stays the quoted evidence)."""
    if _words(sentence) <= target:
        return sentence
    quotes = _quoted(sentence)
    cuts = [
        m.start()
        for m in _TAIL.finditer(sentence)
        if not _overlaps(m.start(), m.end(), quotes) and _words(sentence[: m.start()]) >= 8
    ]
    within = [c for c in cuts if _words(sentence[:c]) <= target]
    if within:
        return sentence[: max(within)]
    return sentence[: min(cuts)] if cuts else sentence


def compress(sentence: str, *, outlets: Collection[str] = (), target: int = TARGET_WORDS) -> str:
    """The core of ``sentence``; ``outlets`` are names of the outlet that published it."""
    text = drop_discourse(_DATELINE.sub("", " ".join(sentence.split()), count=1))
    text = _drop_lead_phrase(text)
    text = _drop_asides(text)
    text = _drop_spans(text, procedural_spans(text))
    text = _drop_own_attribution(text, outlets)
    text = _drop_tail(text, target)
    shorter = _finish(text, sentence)
    return shorter if _words(shorter) >= _MIN_CORE_WORDS else " ".join(sentence.split())
