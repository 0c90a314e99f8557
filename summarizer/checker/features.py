"""Everything the checker reads from one piece of text, computed once: canonical tokens,
content words, quantities, dates, entities, negation scopes, speakers and quote-ready text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from summarizer.checker import dates, numbers
from summarizer.checker.dates import DateMention
from summarizer.checker.entities import TITLES, Entity, apply_aliases, find_entities
from summarizer.checker.negation import Polarity, polarity
from summarizer.checker.numbers import Quantity
from summarizer.checker.quotes import fold, quotes_in
from summarizer.checker.speakers import Speaker, find_speakers
from summarizer.checker.words import Token, canonical, is_content, is_word, tokenize, word_list
from summarizer.segment import detokenize

# Dates are compared by the dates module, so their words are not content words.
_DATE_WORDS = frozenset(
    canonical(w)
    for w in word_list(
        """
        monday tuesday wednesday thursday friday saturday sunday january february march april june
        july august september october november december jan feb mar apr jun jul aug sep sept oct nov
        dec today yesterday tomorrow
        """
    )
)


NumberContext = tuple[frozenset[str], frozenset[str]]


@dataclass(frozen=True)
class Analysis:
    text: str
    tokens: tuple[Token, ...]
    content: frozenset[str]  # canonical content words
    keys: frozenset[str]  # every canonical token: what an entity is looked up in
    numbers: tuple[Quantity, ...]
    dates: tuple[DateMention, ...]
    entities: tuple[Entity, ...]
    polarity: Polarity
    speakers: tuple[Speaker, ...]
    quotes: tuple[str, ...]
    folded: str
    number_context: tuple[NumberContext, ...]  # content words left and right of each quantity
    slots: tuple[NumberContext, ...] = ()  # slot_context() of each entity, in order


_CONTEXT_CHARS = 50
_CONTEXT_WORDS = 2


def context_words(tokens: Sequence[Token], start: int, stop: int) -> frozenset[str]:
    """Up to two content words (not names) on each side of tokens[start:stop]."""
    out: set[str] = set()
    for rng in (range(start - 1, max(-1, start - 5), -1), range(stop, min(len(tokens), stop + 4))):
        taken = 0
        for k in rng:
            norm = tokens[k].norm
            if is_content(norm) and not norm.startswith("#") and not tokens[k].capital:
                out.add(norm)
                taken += 1
                if taken == _CONTEXT_WORDS:
                    break
    return frozenset(out)


_STOPS = frozenset([*list(',;:()[]"“”«»—–'), "--"])


def slot_context(
    tokens: Sequence[Token], start: int, stop: int
) -> tuple[frozenset[str], frozenset[str]]:
    """(left, right): up to two content or title words on each side of a name, not reaching
    past punctuation or another name. "flights to [Ukraine] amid" -> ({flight, divert}, {amid})."""
    sides: list[frozenset[str]] = []
    for rng in (range(start - 1, max(-1, start - 7), -1), range(stop, min(len(tokens), stop + 6))):
        words: list[str] = []
        for k in rng:
            tok = tokens[k]
            if tok.text in _STOPS:
                break
            lower = tok.text.lower()
            if lower in TITLES:
                words.append(lower)
            elif tok.norm.startswith("#") or (tok.capital and k > 0):
                break
            elif is_content(tok.norm):
                words.append(tok.norm)
            if len(words) == _CONTEXT_WORDS:
                break
        sides.append(frozenset(words))
    return sides[0], sides[1]


def sequence_context(tokens: Sequence[Token], i: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The three word tokens before and after token ``i`` (any words, not only content)."""
    before = [t.norm for t in tokens[max(0, i - 6) : i] if is_word(t.norm)][-3:]
    after = [t.norm for t in tokens[i + 1 : i + 7] if is_word(t.norm)][:3]
    return tuple(before), tuple(after)


def _number_context(text: str, q: Quantity) -> NumberContext:
    """Up to two words (names included) on each side of a quantity, not past punctuation."""
    left = tokens_of(text[max(0, q.start - _CONTEXT_CHARS) : q.start])
    right = tokens_of(text[q.end : q.end + _CONTEXT_CHARS])
    sides: list[frozenset[str]] = []
    for side in (list(reversed(left)), right):
        out: set[str] = set()
        for tok in side:
            if tok.text in _STOPS or _is_number_word(tok):
                break  # another number's context is not this one's
            if is_content(tok.norm) or tok.norm.startswith("#"):
                out.add(tok.norm)
                if len(out) == _CONTEXT_WORDS:
                    break
        sides.append(frozenset(out))
    return sides[0], sides[1]


def shared_context(a: NumberContext, b: NumberContext) -> int:
    """Words two quantities share on the same side: "[7,000] US troops" ~ "[1,000] US troops",
    while "six had reached a size [24]" shares nothing with "[six] had reached a size"."""
    return len(a[0] & b[0]) + len(a[1] & b[1])


def _is_number_word(tok: Token) -> bool:
    return tok.text.lower() in numbers.NUMBER_WORDS or tok.text[:1].isdigit()


# "the 72-year-old" states an age as "Al-Douri, 72," does: keep the number, drop the words.
_AGE = re.compile(r"\b(\d{1,3})[- ](?:years?|yrs?)[- ]old\b", re.IGNORECASE)


def prepared(text: str) -> str:
    """The text as the checker reads it: tokenised text as prose, ages as numbers."""
    return _AGE.sub(r"\1", detokenize(text))


def tokens_of(text: str) -> list[Token]:
    """Canonical tokens with country/bloc aliases merged; tokenised text is read as prose."""
    return apply_aliases(tokenize(prepared(text)))


def analyse(text: str, known: Collection[str] = (), tokens: list[Token] | None = None) -> Analysis:
    """Analyse one sentence or claim; ``known`` names may start a sentence (see entities).

    ``tokens``, when given, must be ``tokens_of(text)``."""
    text = prepared(text)
    toks = tokens if tokens is not None else apply_aliases(tokenize(text))
    found_dates = dates.extract(text)
    skip = [(d.start, d.end) for d in found_dates]
    quantities = numbers.extract(text, skip)
    ents = find_entities(toks, known)
    content = frozenset(t.norm for t in toks if is_content(t.norm) and t.norm not in _DATE_WORDS)
    return Analysis(
        text=text,
        tokens=tuple(toks),
        content=content,
        keys=frozenset(t.norm for t in toks),
        numbers=tuple(quantities),
        dates=tuple(found_dates),
        entities=tuple(ents),
        polarity=polarity(toks),
        speakers=tuple(find_speakers(toks, ents)),
        quotes=tuple(quotes_in(text)),
        folded=fold(text),
        number_context=tuple(_number_context(text, q) for q in quantities),
        slots=tuple(slot_context(toks, e.start, e.head + 1) for e in ents),
    )
