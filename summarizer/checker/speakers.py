"""Who says what: the speaker phrase attached to a speech verb ("Kirby said", "said Maria
Zakharova", "according to the Kremlin", "Jen Psaki, the press secretary, said").

A claim that puts a named person's words in another named person's mouth is rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.checker.entities import Entity
from summarizer.checker.words import (
    ORGANISATION_HEADS,
    SPEECH_VERBS,
    Token,
    canonical,
    word_list,
)

# Words before a speech-verb-looking word that make it a noun: "Putin's claims", "the report".
_NOUN_MARKERS = frozenset(
    word_list(
        """
    the a an his her its their our my your this that these those
    """
    )
)
# Speakers that are people without a name here: they conflict with a named person.
_GENERIC_PEOPLE = frozenset(
    canonical(w)
    for w in word_list(
        """
        official officials spokesman spokeswoman spokesperson source sources analyst analysts expert
        experts diplomat diplomats aide aides adviser advisers advisor minister ministers secretary
        president leader leaders chancellor envoy ambassador negotiator lawyer lawyers prosecutor
        prosecutors witness witnesses resident residents economist economists scientist scientists
        researcher researchers coach manager captain
        """
    )
)
# Heads that name organisations rather than people.
_INSTITUTIONS = frozenset(canonical(w) for w in ORGANISATION_HEADS)
_DEMONYM_ENDINGS = ("an", "ish", "ese", "ch", "ern", "ian", "ean")
_PRONOUNS = frozenset(["he", "she", "they", "i", "we"])
_SKIP_BEFORE = frozenset(
    word_list(
        """
        also has had have then later again previously recently earlier reportedly has once further
        repeatedly publicly privately separately would will could may might did does
        """
    )
)
_PUNCT = frozenset([*list(",;:()[]\"“”«»—–'‘’"), "--"])


@dataclass(frozen=True)
class Speaker:
    """A speaker phrase: its head key, what kind of speaker it is, and all keys it carries."""

    head: str
    kind: str  # "person", "people" (unnamed people), "group" (country/bloc), "thing", "pronoun"
    keys: frozenset[str]
    text: str


def find_speakers(tokens: Sequence[Token], entities: Sequence[Entity]) -> list[Speaker]:
    """Speakers of the speech verbs in these tokens."""
    by_token: dict[int, Entity] = {}
    for e in entities:
        for k in range(e.start, e.head + 1):
            by_token[k] = e
    out: list[Speaker] = []
    for v, tok in enumerate(tokens):
        if tok.norm == "accord" and v + 1 < len(tokens) and tokens[v + 1].text.lower() == "to":
            speaker = _phrase_after(tokens, v + 2, by_token)
        elif _speech_verb(tokens, v):
            speaker = _phrase_before(tokens, v, by_token)
            if speaker is None and v > 0 and tokens[v - 1].text in {",", "”", '"', "’"}:
                speaker = _phrase_after(tokens, v + 1, by_token)  # '..." said Zakharova'
        else:
            continue
        if speaker is not None:
            out.append(speaker)
    return out


def _speech_verb(tokens: Sequence[Token], v: int) -> bool:
    tok = tokens[v]
    if tok.norm not in SPEECH_VERBS or tok.capital:
        return False
    lower = tok.text.lower()
    if lower.endswith(("ing", "ings")):
        return False
    if v > 0:
        prev = tokens[v - 1]
        if prev.text.lower() in _NOUN_MARKERS or prev.text.lower().endswith(("'s", "’s")):
            return False
        if lower.endswith("s") and prev.text.lower().endswith(_DEMONYM_ENDINGS):
            return False  # "Russian claims" is a noun; "Russia says" is a verb
    return True


def _phrase_before(
    tokens: Sequence[Token], verb: int, by_token: dict[int, Entity]
) -> Speaker | None:
    j = verb - 1
    while j >= 0 and tokens[j].text.lower() in _SKIP_BEFORE:
        j -= 1
    if j < 0:
        return None
    if tokens[j].text.lower() in _PRONOUNS:
        return Speaker(tokens[j].text.lower(), "pronoun", frozenset(), tokens[j].text)
    if tokens[j].text == ",":  # "Jen Psaki, the White House press secretary, said"
        start = j
        while start > 0 and tokens[start - 1].text not in {";", ":", "“", '"', "”"}:
            start -= 1
        for k in range(start, j):
            if k in by_token:
                return _speaker(tokens, [by_token[k]], k, by_token[k].head + 1)
        return None
    return _phrase_ending_at(tokens, j, by_token)


def _phrase_ending_at(
    tokens: Sequence[Token], end: int, by_token: dict[int, Entity]
) -> Speaker | None:
    head = tokens[end]
    if end not in by_token and head.norm not in _GENERIC_PEOPLE | _INSTITUTIONS:
        return None
    start = end
    while start > 0 and end - start < 8:
        prev = tokens[start - 1]
        if prev.text in _PUNCT or not (
            start - 1 in by_token
            or prev.capital
            or prev.norm in _GENERIC_PEOPLE | _INSTITUTIONS
            or prev.text.lower() in {"'s", "of", "the", "and", "senior", "top", "chief", "deputy"}
        ):
            break
        start -= 1
    while start < end and tokens[start].text.lower() in {"of", "the", "and"}:
        start += 1
    ents = _entities_in(by_token, start, end + 1)
    head_index = end
    of = next((k for k in range(start, end) if tokens[k].text.lower() == "of"), None)
    if of is not None and any(start <= e.head < of for e in ents):
        # "Mark Galeotti of the Royal United Services Institute said": Galeotti speaks.
        head_index = max(e.head for e in ents if e.head < of)
    return _speaker(tokens, ents, start, end + 1, head_index=head_index)


def _phrase_after(
    tokens: Sequence[Token], start: int, by_token: dict[int, Entity]
) -> Speaker | None:
    j = start
    while j < len(tokens) and tokens[j].text.lower() in {"the", "a", "an"}:
        j += 1
    end = j
    last_head = -1
    while end < len(tokens) and end - j < 10:
        tok = tokens[end]
        if tok.text in _PUNCT:
            break
        if end in by_token or tok.norm in _GENERIC_PEOPLE | _INSTITUTIONS:
            last_head = end
        elif not (tok.capital or tok.text.lower() in {"of", "'s", "senior", "top", "chief"}):
            break
        end += 1
    if last_head < 0:
        return None
    ents = _entities_in(by_token, j, last_head + 1)
    return _speaker(tokens, ents, j, last_head + 1, head_index=last_head)


def _entities_in(by_token: dict[int, Entity], start: int, stop: int) -> list[Entity]:
    seen: list[Entity] = []
    for k in range(start, stop):
        e = by_token.get(k)
        if e is not None and e not in seen:
            seen.append(e)
    return seen


def _speaker(
    tokens: Sequence[Token],
    ents: Sequence[Entity],
    start: int,
    stop: int,
    head_index: int | None = None,
) -> Speaker:
    head_index = stop - 1 if head_index is None else head_index
    text = " ".join(t.text for t in tokens[start:stop])
    head_entity = next((e for e in ents if e.start <= head_index <= e.head), None)
    groups = {e.key for e in ents if e.key.startswith("#")}
    if any(t.text.lower() == "and" for t in tokens[start:stop]):  # "Biden and Johnson said"
        groups |= {e.key for e in ents}
    if head_entity is None:
        norm = tokens[head_index].norm
        kind = "people" if norm in _GENERIC_PEOPLE else "thing"
        return Speaker(norm, kind, frozenset(groups | {norm}), text)
    key = head_entity.key
    if key.startswith("#"):
        kind = "group"
    elif key in _INSTITUTIONS:
        kind = "thing"
    else:
        kind = "person"
    return Speaker(key, kind, frozenset(groups | {key}), text)
