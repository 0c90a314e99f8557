"""Tokens and their canonical forms: lowercasing, light stemming, synonyms and stopwords.

Two texts that say the same thing in slightly different words should share canonical tokens:
"withdrawing" ~ "withdrawal" ~ "pulled back", "soldiers" ~ "troops", "criticised" ~ "criticized".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


def word_list(text: str) -> list[str]:
    """Whitespace-separated words: keeps long vocabularies readable in source."""
    return text.split()


# Words, numbers (with inner separators) and the punctuation that bounds clauses and quotes.
_TOKEN = re.compile(
    r"[A-Za-zÀ-ÖØ-öø-ɏ]+(?:\.[A-Za-z]\.?)*(?:['’][A-Za-zÀ-ÖØ-öø-ɏ]+)?"
    r"|\d+(?:[.,]\d+)*"
    r"|[%$€£¥]"
    r"|[,;:()\[\]\"“”«»—–]|--|(?<!\w)['‘’](?!\w)|(?<!\w)['‘]|['’](?!\w)"
)
_CONTRACTION = re.compile(
    r"(?i)\b(ca|wo|do|does|did|is|are|was|were|has|have|had|could|would|should|must|need|might)"
    r"n['’]t\b"
)
_CONTRACTED_BASE = {"ca": "can", "wo": "will"}
# "de-escalation", "re-elected", "de escalatory": the prefix joins its word.
_PREFIXED = re.compile(r"\b((?i:de|re|co|non|anti))-(?=[a-z]{3})|\b((?i:de)) (?=escalat)")

STOPWORDS = frozenset(
    word_list(
        """
        a about after again against all almost along already also although always am among an and
        another any anyone anything are around as at be became because become been before being
        between both but by can could did do does doing done down during each either else even ever
        every for from further had has have having he her here hers herself him himself his how
        however i if in into is it its itself just least less let like many may me might more most
        much must my myself neither next now of off often on once one only onto or other others
        otherwise our ours ourselves out over own per perhaps quite rather s same several she should
        since so some still such than that the their theirs them themselves then there these they
        this those though through thus to too toward towards under until up upon us very via was we
        were what whatever when where whether which while who whom whose why will with within would
        yet you your yours yourself t ll ve re d m mr mrs ms dr says said say saying told tell tells
        telling according roughly approximately nearly almost around
        """
    )
)

# Grammatical negators are not content: the negation module reads them from the tokens.
NEGATORS = frozenset(
    word_list(
        """
    not no never nor none nobody nothing without cannot neither
    """
    )
)

# Irregular forms -> base form, applied before suffix stripping.
_IRREGULAR = {
    "said": "say",
    "says": "say",
    "told": "tell",
    "went": "go",
    "gone": "go",
    "goes": "go",
    "sent": "send",
    "met": "meet",
    "flew": "fly",
    "flown": "fly",
    "began": "begin",
    "begun": "begin",
    "fell": "fall",
    "fallen": "fall",
    "rose": "rise",
    "risen": "rise",
    "won": "win",
    "lost": "lose",
    "left": "leave",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "made": "make",
    "held": "hold",
    "built": "build",
    "brought": "bring",
    "bought": "buy",
    "sold": "sell",
    "thought": "think",
    "spoke": "speak",
    "spoken": "speak",
    "wrote": "write",
    "written": "write",
    "drew": "draw",
    "drawn": "draw",
    "withdrew": "withdraw",
    "withdrawn": "withdraw",
    "withdrawal": "withdraw",
    "withdrawals": "withdraw",
    "saw": "see",
    "seen": "see",
    "knew": "know",
    "known": "know",
    "grew": "grow",
    "grown": "grow",
    "struck": "strike",
    "fought": "fight",
    "caught": "catch",
    "sought": "seek",
    "led": "lead",
    "fled": "flee",
    "hit": "hit",
    "cut": "cut",
    "set": "set",
    "put": "put",
    "ran": "run",
    "beat": "beat",
    "beaten": "beat",
    "chose": "choose",
    "chosen": "choose",
    "paid": "pay",
    "kept": "keep",
    "felt": "feel",
    "became": "become",
    "meant": "mean",
    "shot": "shoot",
    "stood": "stand",
    "understood": "understand",
    "invasion": "invade",
    "invasions": "invade",
    "decision": "decide",
    "decisions": "decide",
    "economic": "economy",
    "economies": "economy",
    "children": "child",
    "men": "man",
    "women": "woman",
    "people": "people",
    "countries": "country",
    "allies": "ally",
    "militaries": "military",
    "military": "military",
    "news": "news",
    "analysis": "analyse",
    "analyses": "analyse",
    "crisis": "crisis",
    "crises": "crisis",
    "data": "data",
    "buildup": "buildup",
    "pullback": "withdraw",
    "drawdown": "withdraw",
    "series": "series",
    "likely": "likely",
    "unlikely": "unlikely",
    "largest": "large",
    "biggest": "big",
    "smallest": "small",
    "highest": "high",
    "lowest": "low",
    "strongest": "strong",
    "weakest": "weak",
    "worst": "bad",
    "best": "good",
    "greatest": "great",
    "earliest": "early",
    "latest": "late",
    "fastest": "fast",
    "slowest": "slow",
    "longest": "long",
    "shortest": "short",
    "warmest": "warm",
    "coldest": "cold",
    "hottest": "hot",
    "wettest": "wet",
    "driest": "dry",
    "heaviest": "heavy",
    "deepest": "deep",
    "higher": "high",
    "lower": "low",
    "larger": "large",
    "bigger": "big",
    "smaller": "small",
    "stronger": "strong",
    "weaker": "weak",
    "worse": "bad",
    "better": "good",
    "warmer": "warm",
    "colder": "cold",
    "faster": "fast",
    "slower": "slow",
}

# Groups of words treated as the same content word; the first member names the group.
_SYNONYMS = [
    "troop soldier servicemen serviceman personnel",
    "employee staff workforce worker",
    "operate run",
    "withdraw retreat pullback drawdown",
    "deploy dispatch send",
    "increase rise grow climb boost raise jump rose surge",
    "reduce decrease cut lower fall drop decline slide shrink slump plunge",
    "large big huge major massive",
    "small minor tiny",
    "attack assault strike",
    "begin start launch commence",
    "end finish conclude",
    "help assist aid",
    "buy purchase acquire",
    "fear worry concern",
    "assurance guarantee",
    "warn caution",
    "border frontier",
    "kyiv kiev",
    "percent pct",
    "billion bn",
    "million mn",
    "talk negotiation",
    "criticize criticise",
    "quit resign",
    "firm company",
    "economy economic",
    "ruling verdict",
    "lawmaker legislator",
    "rain rainfall",
    "scientist researcher",
    "study research",
    "say speak spoke spoken tell",
    "work employ",
    "hold conduct stage",
]

# Multi-word expressions rewritten to one token before stemming.
_PHRASES = {
    ("pull", "back"): "withdraw",
    ("pulled", "back"): "withdraw",
    ("pulling", "back"): "withdraw",
    ("pulls", "back"): "withdraw",
    ("pull", "out"): "withdraw",
    ("pulled", "out"): "withdraw",
    ("pulling", "out"): "withdraw",
    ("draw", "down"): "withdraw",
    ("build", "up"): "buildup",
    ("built", "up"): "buildup",
    ("building", "up"): "buildup",
    ("builds", "up"): "buildup",
    ("per", "cent"): "percent",
    ("step", "down"): "resign",
    ("stepped", "down"): "resign",
    ("steps", "down"): "resign",
    ("set", "off"): "trigger",
    ("called", "off"): "cancel",
    ("call", "off"): "cancel",
    ("calls", "off"): "cancel",
    ("laid", "off"): "layoff",
    ("lay", "off"): "layoff",
    ("lays", "off"): "layoff",
}


@dataclass(frozen=True)
class Token:
    """One token: its text as written, its canonical form, and where it starts in the text."""

    text: str
    norm: str
    start: int
    capital: bool  # starts with an uppercase letter


def tokenize(text: str) -> list[Token]:
    """Tokens with canonical forms; phrases like "pull back" collapse into one token."""
    text = expand(text)
    raw = [(m.group(), m.start()) for m in _TOKEN.finditer(text)]
    out: list[Token] = []
    i = 0
    while i < len(raw):
        word, start = raw[i]
        if i + 1 < len(raw):
            pair = (word.lower(), raw[i + 1][0].lower())
            phrase = _PHRASES.get(pair)
            if phrase is not None:
                out.append(Token(word + " " + raw[i + 1][0], phrase, start, word[0].isupper()))
                i += 2
                continue
        out.append(Token(word, canonical(word), start, word[:1].isupper()))
        i += 1
    return out


def expand(text: str) -> str:
    """Undo contractions ("didn't" -> "did not") and join prefixes; offsets shift slightly."""
    text = _CONTRACTION.sub(_uncontract, text)
    return _PREFIXED.sub(lambda m: m.group(1) or m.group(2), text)


def _uncontract(m: re.Match[str]) -> str:
    base = m.group(1)
    return _CONTRACTED_BASE.get(base.lower(), base) + " not"


def is_word(norm: str) -> bool:
    return norm[:1].isalpha() or norm[:1] == "#"


def is_content(norm: str) -> bool:
    """Content words carry the claim: not stopwords, negators or punctuation."""
    return is_word(norm) and norm not in _STOP_NORMS and len(norm) > 1


@lru_cache(maxsize=65536)
def canonical(word: str) -> str:
    """Lowercase, stem and map to the synonym group's name."""
    lower = word.lower().replace("’", "'")
    if lower.endswith("'s"):
        lower = lower[:-2]
    lower = lower.rstrip("'")
    if "." in lower:  # "U.S." style acronyms keep their letters only
        lower = lower.replace(".", "")
    stem = stem_word(lower)
    return _SYNONYM_OF.get(stem, stem)


def stem_word(word: str) -> str:
    """A light, consistent suffix stripper (both sides of a comparison go through it)."""
    if word in _IRREGULAR:
        base = _IRREGULAR[word]
        if base == word:
            return word
        word = base
    if len(word) <= 3 or not word.isalpha():
        return word
    w = _BRITISH.sub(r"iz\1", word)
    for suffix, repl, minimum in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= minimum:
            w = w[: len(w) - len(suffix)] + repl
            break
    inflected = False
    if w.endswith("ing") and len(w) >= 6:
        w, inflected = _undouble(w[:-3]), True
    elif w.endswith("ed") and len(w) >= 5:
        w, inflected = _undouble(w[:-2]), True
    for suffix, repl, minimum in _DERIVED:
        if w.endswith(suffix) and len(w) - len(suffix) >= minimum:
            w = w[: len(w) - len(suffix)] + repl
            break
    if w.endswith("e") and len(w) >= 4 and not inflected:
        w = w[:-1]  # "agree" -> "agre" like "agreed"; "raise" -> "rais" like "raised"
    if w != word and w in NEGATORS:
        w += "e"  # "note" must not become "not"
    return w


_BRITISH = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)$")
_SUFFIXES = (
    ("ies", "y", 3),
    ("ied", "y", 3),
    ("sses", "ss", 2),
    ("xes", "x", 2),
    ("ches", "ch", 2),
    ("shes", "sh", 2),
    ("ss", "ss", 2),
    ("us", "us", 2),
    ("is", "is", 2),
    ("s", "", 3),
)
_DERIVED = (
    ("ation", "at", 3),
    ("ition", "it", 3),
    ("tion", "t", 3),
    ("sion", "s", 3),
    ("ments", "", 4),
    ("ment", "", 4),
    ("ory", "", 5),
    ("ly", "", 4),
    ("al", "", 6),
)


def _undouble(w: str) -> str:
    if len(w) >= 4 and w[-1] == w[-2] and w[-1] not in "lsz":
        return w[:-1]
    return w


def _build_synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in _SYNONYMS:
        words = group.split()
        head = stem_word(words[0])
        for w in words:
            table[stem_word(w)] = head
    return table


_SYNONYM_OF = _build_synonyms()


_STOP_NORMS = frozenset(STOPWORDS | NEGATORS | {canonical(w) for w in STOPWORDS | NEGATORS})


# Head words that name organisations rather than people ("the ministry said", "the Kremlin
# said"): the checker's speakers and the briefing's claimants read the same list.
ORGANISATION_HEADS = frozenset(
    word_list(
        """
        ministry house office department institute commission council parliament court bank agency
        party government university company club team union program programme forum street news
        times post journal press service services statement report media newspaper police army navy
        military administration authority authorities committee board centre center organization
        organisation group fund network channel alliance war stream kremlin pentagon nations treaty
        summit
        """
    )
)
# Verbs that report speech (canonical forms); "Kirby said", "according to", "warned".
SPEECH_VERBS = frozenset(
    canonical(w)
    for w in word_list(
        """
        say tell add warn announce claim insist stress argue tweet note write urge confirm call
        blame dub brand label explain predict declare acknowledge admit reply respond ask suggest
        describe accuse caution vow pledge promise report comment testify allege complain remark
        observe
        """
    )
)
