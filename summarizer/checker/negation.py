"""Polarity: which content words a negation cue scopes over, and pairs of opposite words.

"Russia is not withdrawing" negates "withdraw"; "denies planning an attack" negates "plan";
"without denying" cancels the denial. "increase" and "cut" are opposites, as are "withdraw" and
"deploy". A claim whose polarity differs from its best evidence is rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.checker.words import NEGATORS, Token, canonical, is_content, is_word, word_list

_CUES = NEGATORS  # grammatical negators: the words' one list
# Verbs that negate their complement: "denies planning", "refused to pull back".
_VERB_CUES = frozenset(canonical(w) for w in ["deny", "refuse", "fail", "unable"])
# Verbs that negate only with "to": "declined to comment" (but "prices declined").
_TO_CUES = frozenset(canonical(w) for w in ["decline", "yet"])
# Cues of two words: "rather than X", "instead of X".
_PAIRED_CUES = {"rather": "than", "instead": "of"}
# Words a negation reaches over on its way to what it negates.
_SKIP = frozenset(
    word_list(
        """
        be is are was were been being am have has had having do does did will would shall should can
        could may might must yet ever even really also just always necessarily entirely fully quite
        so too very a an the any to currently immediately only such longer much more enough all
        """
    )
)
_SKIP_AFTER_VERB = _SKIP | frozenset(
    ["that", "it", "they", "he", "she", "we", "i", "this", "there", "its", "their", "his", "her"]
)
_BOUNDARY = frozenset([*list(",;:()[]—–"), "--", "but", "and", "or", "while", "although"])
_QUOTE_MARKS = frozenset("\"“”«»‘’'")
_WINDOW = 5
_LIGHT_VERBS = frozenset(
    canonical(w)
    for w in word_list(
        """
    make take give hold get have do pay
    """
    )
)
_PREPOSITIONS = frozenset(
    word_list(
        """
    to of in on at for with from by about into over
    """
    )
)

# Pairs of opposites; each line is "one side | other side".
_OPPOSITES = """
increase rise grow climb boost raise jump surge expand | reduce decrease cut lower fall drop
increase rise grow climb boost raise jump surge expand | decline slide shrink slump plunge contract
withdraw retreat | arrive add deploy send dispatch reinforce buildup mass
confirm | deny
accept | reject refuse
allow permit legalize | ban forbid prohibit block bar
win | lose
gain | lose
open reopen | close shut
escalate | deescalate
begin start launch resume | end finish conclude halt stop suspend
continue | stop halt end suspend cease
large big huge major | small minor tiny
strong | weak
good | bad
fast | slow
long | short
support favor favour | oppose
welcome praise | condemn criticize
agree | disagree
approve pass | reject veto
improve | worsen deteriorate
strengthen | weaken
succeed | fail
acquit | convict
guilty | innocent
ease relax | intensify heighten tighten
lift | impose
hire | fire layoff
buy | sell
import | export
possible | impossible
likely | unlikely
above | below
surplus | deficit
profit | loss
arrive join stay enter | leave depart quit
warm hot | cool cold
wet | dry
high | low
early | late
victory | defeat
"""


def _build_opposites() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for line in _OPPOSITES.strip().splitlines():
        left, right = line.split("|")
        lefts = {canonical(w) for w in left.split()}
        rights = {canonical(w) for w in right.split()}
        for a in lefts:
            table.setdefault(a, set()).update(rights - lefts)
        for b in rights:
            table.setdefault(b, set()).update(lefts - rights)
    return {k: frozenset(v) for k, v in table.items()}


_OPPOSITE = _build_opposites()


def opposites(norm: str) -> frozenset[str]:
    """Canonical words with the opposite meaning (empty if none are known)."""
    return _OPPOSITE.get(norm, frozenset())


@dataclass(frozen=True)
class Polarity:
    negated: frozenset[str]  # words (any, not only content words) inside a negation's scope
    affirmed: frozenset[str]  # words outside any negation's scope
    phrases: tuple[tuple[str, str], ...]  # (negated word, "cue ... word" as written)
    negated_at: frozenset[int]  # token positions inside a negation's scope

    def phrase(self, norm: str) -> str | None:
        for n, text in self.phrases:
            if n == norm:
                return text
        return None


def polarity(tokens: Sequence[Token]) -> Polarity:
    """Which content words are negated, by which cue, in these tokens."""
    negated: set[int] = set()
    cancelled: set[int] = set()  # verb cues that are themselves negated ("without denying")
    phrases: list[tuple[str, str]] = []
    n = len(tokens)
    for i, tok in enumerate(tokens):
        lower = tok.text.lower()
        if i in cancelled:
            continue
        if lower == "against":
            # "a guarantee against Ukraine joining": the joining is negated, while "games
            # against Celtic" negates nothing.
            gerund = _gerund_after(tokens, i)
            if gerund is not None:
                negated.add(gerund)
                phrases.append(
                    (tokens[gerund].norm, " ".join(t.text for t in tokens[i : gerund + 1]))
                )
            continue
        if lower in _CUES:
            if lower == "not" and i > 0 and tokens[i - 1].text.lower() == "or":
                continue  # "whether or not"
            skip = _SKIP
        elif (
            lower in _PAIRED_CUES
            and i + 1 < n
            and tokens[i + 1].text.lower() == _PAIRED_CUES[lower]
        ):
            skip = _SKIP | {_PAIRED_CUES[lower]}
        elif tok.norm in _VERB_CUES or (
            tok.norm in _TO_CUES and i + 1 < n and tokens[i + 1].text.lower() == "to"
        ):
            skip = _SKIP_AFTER_VERB
        else:
            continue
        for j in _scope(tokens, i, skip):
            if tokens[j].norm in _VERB_CUES:
                cancelled.add(j)
            negated.add(j)
            words = " ".join(t.text for t in tokens[i : j + 1])
            phrases.append((tokens[j].norm, words))
    scoped = frozenset(j for j in negated if j not in cancelled)
    neg = {tokens[j].norm for j in scoped if is_word(tokens[j].norm)}
    aff = {t.norm for k, t in enumerate(tokens) if k not in scoped and is_word(t.norm)}
    return Polarity(frozenset(neg), frozenset(aff), tuple(phrases), scoped)


def _gerund_after(tokens: Sequence[Token], cue: int) -> int | None:
    """The "-ing" verb an "against" governs, past names and determiners ("against X joining")."""
    for k in range(cue + 1, min(len(tokens), cue + 5)):
        tok = tokens[k]
        lower = tok.text.lower()
        if lower.endswith("ing") and not tok.capital and is_content(tok.norm):
            return k
        if not (
            tok.capital or tok.norm.startswith("#") or lower in {"the", "a", "an", "its", "their"}
        ):
            return None
    return None


def _object_words(tokens: Sequence[Token], start: int) -> list[int]:
    """Content words of a light verb's object, up to a preposition or punctuation."""
    out: list[int] = []
    for k in range(start, min(len(tokens), start + 5)):
        lower = tokens[k].text.lower()
        if lower in _BOUNDARY or lower in _PREPOSITIONS:
            break
        if is_content(tokens[k].norm):
            out.append(k)
    return out


def _scope(tokens: Sequence[Token], cue: int, skip: frozenset[str]) -> list[int]:
    """The word a cue negates, plus the verb of a following "to"-clause ("not expected to X")."""
    out: list[int] = []
    j = cue + 1
    stop = min(len(tokens), cue + 1 + _WINDOW)
    while j < stop:
        tok = tokens[j]
        lower = tok.text.lower()
        if lower in _BOUNDARY:
            break
        if lower in skip or tok.norm.startswith("#") or tok.text in _QUOTE_MARKS:
            j += 1
            continue
        out.append(j)
        if tok.norm in _LIGHT_VERBS:  # "did not make a high-profile visit": the visit
            out.extend(_object_words(tokens, j + 1))
        elif j + 2 < len(tokens) and tokens[j + 1].text.lower() == "to":
            nxt = tokens[j + 2]
            if is_content(nxt.norm):
                out.append(j + 2)
        break
    return out
