"""Deterministic perturbations of true statements into unsupported ones, labelled by type.

Used to build the checker's evaluation sets and, later, to perturb briefing points in the eval
harness. Every function takes a ``random.Random`` so a seed reproduces the same output.

    rng = random.Random(7)
    perturb("Russia added 7,000 troops.", "number", rng)  # -> "Russia added 70,000 troops."
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from summarizer.checker import dates, numbers
from summarizer.checker.entities import TITLES, Entity, find_entities, group_forms
from summarizer.checker.features import tokens_of
from summarizer.checker.quotes import quotes_in
from summarizer.checker.roles import SYMMETRIC
from summarizer.checker.speakers import find_speakers
from summarizer.checker.words import Token, canonical, is_content, word_list

KINDS = (
    "number",
    "entity",
    "date",
    "negation",
    "antonym",
    "invented_quote",
    "misattribution",
    "role_swap",
    "added_fact",
)


@dataclass(frozen=True)
class Perturbation:
    kind: str
    original: str
    text: str
    detail: str  # what changed, e.g. "7,000 -> 70,000"


def perturb(
    text: str,
    kind: str,
    rng: random.Random,
    *,
    people: Sequence[str] = (),
    facts: Sequence[str] = (),
) -> Perturbation | None:
    """One perturbation of ``kind``, or None if the text offers nothing to perturb that way.

    ``people`` are names to swap in (entity swaps, misattributions); ``facts`` are clauses to
    add (``ADDED_FACTS`` by default).
    """
    fn = _KINDS.get(kind)
    if fn is None:
        raise ValueError(f"unknown perturbation kind {kind!r}; expected one of {KINDS}")
    result = fn(text, rng, people, facts or ADDED_FACTS)
    if result is None or result[0] == text:
        return None
    return Perturbation(kind, text, result[0], result[1])


def perturb_all(
    texts: Iterable[str],
    *,
    seed: int = 0,
    kinds: Sequence[str] = KINDS,
    people: Sequence[str] = (),
    per_text: int = 2,
) -> list[Perturbation]:
    """Up to ``per_text`` perturbations of different kinds per text, rotating through kinds so
    that every kind is used about equally."""
    rng = random.Random(seed)
    out: list[Perturbation] = []
    counts = dict.fromkeys(kinds, 0)
    for text in texts:
        order = sorted(kinds, key=lambda k: (counts[k], rng.random()))
        made = 0
        for kind in order:
            p = perturb(text, kind, rng, people=people)
            if p is not None:
                out.append(p)
                counts[kind] += 1
                made += 1
                if made == per_text:
                    break
    return out


# --- numbers ---------------------------------------------------------------------------------


def _number(text: str, rng: random.Random, _p: Sequence[str], _f: Sequence[str]) -> _Result:
    skip = [(d.start, d.end) for d in dates.extract(text)]
    found = [q for q in numbers.extract(text, skip) if q.qualifier != "vague" and q.value > 0]
    if not found:
        return None
    q = rng.choice(found)
    for new in _number_candidates(q.value, rng):
        if q.unit == "%" and new > 100:
            continue
        probe = numbers.Quantity(new, new, q.qualifier, q.unit, "", 0, 0)
        if numbers.matches(probe, q) or numbers.matches(q, probe):
            continue
        rendered = _render_number(q.text, q.value, new)
        if rendered is None:
            continue
        return text[: q.start] + rendered + text[q.end :], f"{q.text} -> {rendered}"
    return None


def _number_candidates(value: float, rng: random.Random) -> list[float]:
    options = [value * 10, value * 3, value * 1.5, value + 1 if value < 20 else value * 2]
    if value >= 100:
        options.append(value / 10)
    rng.shuffle(options)
    return [round(v, 2) for v in options]


_WORD_NUMBERS = {v: k for k, v in numbers._SMALL.items()} | {v: k for k, v in numbers._TENS.items()}


def _render_number(original: str, old: float, new: float) -> str | None:
    """Write ``new`` the way ``original`` wrote ``old``: "7,000", "1.7 million", "$2bn", "5%"."""
    m = re.search(r"\d[\d,. \u00a0]*\d|\d", original)
    if m is None:  # a spelled-out number
        if new == int(new) and int(new) in _WORD_NUMBERS:
            return _WORD_NUMBERS[int(new)]
        return f"{new:,.0f}" if new == int(new) else None
    digits = m.group()
    parsed = float(re.sub(r"[,\s\u00a0]", "", digits))
    scale = old / parsed if parsed else 1.0
    shown = new / scale
    if "," in digits or (shown >= 10_000 and scale == 1):
        body = f"{shown:,.0f}" if shown == int(shown) else f"{shown:,.2f}".rstrip("0").rstrip(".")
    else:
        body = f"{shown:.0f}" if shown == int(shown) else f"{shown:.2f}".rstrip("0").rstrip(".")
    return original[: m.start()] + body + original[m.end() :]


# --- dates -----------------------------------------------------------------------------------

_MONTH_NAMES = word_list(
    """
    January February March April May June July August September October November December
    """
)
_WEEKDAY_NAMES = [w.capitalize() for w in dates.WEEKDAYS]


def _date(text: str, rng: random.Random, _p: Sequence[str], _f: Sequence[str]) -> _Result:
    found = dates.extract(text)
    if not found:
        return None
    d = rng.choice(found)
    span = text[d.start : d.end]
    if d.weekday is not None and d.month is None:
        new_day = _WEEKDAY_NAMES[(d.weekday + rng.choice([1, 2, -1])) % 7]
        new = re.sub(_WEEKDAY_NAMES[d.weekday], new_day, span)
    elif d.day is not None:
        shift = rng.choice([1, 2, 3, -1, -2])
        target = d.day + shift if 1 <= d.day + shift <= 28 else d.day - 3
        new = re.sub(rf"\b{d.day}\b", str(target), span, count=1)
        if d.day_end is not None:
            new = re.sub(rf"\b{d.day_end}\b", str(min(d.day_end + shift + 3, 28)), new, count=1)
    elif d.month is not None:
        month = (d.month - 1 + rng.choice([1, -1])) % 12
        new = re.sub(r"[A-Z][a-z]+\.?", _MONTH_NAMES[month], span, count=1)
    elif d.year is not None:
        new = span.replace(str(d.year), str(d.year + rng.choice([1, 2, -1, -2])))
    else:
        return None
    return text[: d.start] + new + text[d.end :], f"{span} -> {new}"


# --- negation --------------------------------------------------------------------------------

_AUXILIARIES = frozenset(
    word_list(
        """
        is are was were has have had will would could can should may might must does did
        """
    )
)
_NEGATED = re.compile(r"\b(?:not|never)\s+|(?<=\w)n['’]t\b", re.I)
_DETERMINERS = frozenset(
    word_list(
        """
    the a an on of in with for by its their his her our
    """
    )
)
_IRREGULAR_PAST = {
    "said": "say",
    "told": "tell",
    "met": "meet",
    "sent": "send",
    "went": "go",
    "made": "make",
    "held": "hold",
    "gave": "give",
    "took": "take",
    "saw": "see",
    "won": "win",
    "lost": "lose",
    "left": "leave",
    "rose": "rise",
    "fell": "fall",
    "grew": "grow",
    "began": "begin",
    "withdrew": "withdraw",
    "brought": "bring",
    "built": "build",
    "spoke": "speak",
    "wrote": "write",
    "flew": "fly",
    "sold": "sell",
    "bought": "buy",
    "led": "lead",
    "struck": "strike",
    "fought": "fight",
    "sought": "seek",
    "kept": "keep",
    "put": "put",
    "cut": "cut",
    "set": "set",
    "beat": "beat",
    "paid": "pay",
    "ran": "run",
    "chose": "choose",
    "thought": "think",
    "found": "find",
    "knew": "know",
    "became": "become",
}


def _negation(text: str, rng: random.Random, _p: Sequence[str], _f: Sequence[str]) -> _Result:
    existing = list(_NEGATED.finditer(text))
    if existing and rng.random() < 0.5:
        m = rng.choice(existing)
        new = text[: m.start()] + text[m.end() :]
        return re.sub(r"\s{2,}", " ", new), f"removed '{m.group().strip()}'"
    words = list(re.finditer(r"[A-Za-z']+", text))
    spots: list[tuple[int, int, str]] = []
    for i, w in enumerate(words):
        lower = w.group().lower()
        nxt = words[i + 1].group().lower() if i + 1 < len(words) else ""
        if i == 0 or nxt in {"not", "never", "no"}:
            continue
        if lower in _AUXILIARIES:
            spots.append((w.end(), w.end(), " not"))
        elif any(
            p.group().lower() in _AUXILIARIES | {"be", "been", "being", "not", "to"}
            for p in words[max(0, i - 3) : i]
        ):
            continue  # "had in fact increased", "is expected": the auxiliary takes the "not"
        elif nxt == "by":
            continue  # "led by": a participle, not the sentence's verb
        elif lower in _IRREGULAR_PAST and w.group()[0].islower():
            spots.append((w.start(), w.end(), "did not " + _IRREGULAR_PAST[lower]))
        elif lower.endswith("ed") and len(lower) > 4 and w.group()[0].islower():
            if words[i - 1].group().lower() in _DETERMINERS:
                continue  # "on leaked documents": an adjective
            spots.append((w.start(), w.end(), "did not " + _base_of_past(lower)))
    if not spots:
        return None
    start, end, insert = rng.choice(spots)
    return text[:start] + insert + text[end:], f"inserted '{insert.strip()}'"


def _base_of_past(word: str) -> str:
    if word.endswith("ied"):
        return word[:-3] + "y"
    if word.endswith("eed"):
        return word[:-1]
    stem = word[:-2]
    if len(stem) >= 3 and stem[-1] == stem[-2] and (stem[-1] not in "lsz" or len(stem) >= 6):
        return stem[:-1]  # "planned" -> "plan", "travelled" -> "travel"
    if stem[-1] in "cgvzu" or stem.endswith(
        ("at", "ir", "ur", "ad", "ag", "as", "is", "os", "or", "ar", "iv", "ov", "ok", "ap", "in")
    ):
        return stem + "e"
    if len(stem) >= 3 and stem.endswith("ed") and stem[-3] not in "aeiou":
        return stem + "e"  # "conceded" -> "concede"
    return stem


# --- antonyms --------------------------------------------------------------------------------

# lemma -> opposite lemma; past forms for irregular verbs.
_ANTONYM_OF = {
    "increase": "decrease",
    "decrease": "increase",
    "reduce": "increase",
    "rise": "fall",
    "fall": "rise",
    "grow": "shrink",
    "shrink": "grow",
    "boost": "cut",
    "cut": "boost",
    "raise": "lower",
    "lower": "raise",
    "add": "withdraw",
    "withdraw": "deploy",
    "deploy": "withdraw",
    "confirm": "deny",
    "deny": "confirm",
    "accept": "reject",
    "reject": "accept",
    "allow": "ban",
    "ban": "allow",
    "win": "lose",
    "lose": "win",
    "open": "close",
    "close": "open",
    "escalate": "de-escalate",
    "begin": "end",
    "start": "end",
    "end": "begin",
    "support": "oppose",
    "oppose": "support",
    "welcome": "condemn",
    "condemn": "welcome",
    "agree": "disagree",
    "improve": "worsen",
    "worsen": "improve",
    "strengthen": "weaken",
    "weaken": "strengthen",
    "higher": "lower",
    "ease": "intensify",
    "lift": "impose",
    "impose": "lift",
    "hire": "fire",
    "buy": "sell",
    "sell": "buy",
    "import": "export",
    "export": "import",
    "profit": "loss",
    "loss": "profit",
    "arrive": "leave",
    "join": "leave",
    "leave": "enter",
    "warm": "cool",
    "high": "low",
    "low": "high",
    "early": "late",
    "late": "early",
    "victory": "defeat",
    "gain": "lose",
    "expand": "contract",
    "approve": "reject",
    "acquit": "convict",
    "convict": "acquit",
    "largest": "smallest",
    "more": "fewer",
    "succeed": "fail",
    "fail": "succeed",
    "possible": "impossible",
    "likely": "unlikely",
    "unlikely": "likely",
    "surplus": "deficit",
    "deficit": "surplus",
    "stop": "continue",
    "continue": "stop",
}
_PAST = {
    "rise": ("rose", "risen"),
    "fall": ("fell", "fallen"),
    "grow": ("grew", "grown"),
    "shrink": ("shrank", "shrunk"),
    "cut": ("cut", "cut"),
    "withdraw": ("withdrew", "withdrawn"),
    "win": ("won", "won"),
    "lose": ("lost", "lost"),
    "begin": ("began", "begun"),
    "sell": ("sold", "sold"),
    "buy": ("bought", "bought"),
    "leave": ("left", "left"),
    "send": ("sent", "sent"),
    "fail": ("failed", "failed"),
}
_NOUN_ANTONYMS = frozenset(
    word_list(
        """
        profit loss victory defeat surplus deficit high low largest higher early late warm more
        possible likely unlikely
        """
    )
)
_DOUBLING = frozenset(["stop", "ban", "drop", "plan", "ship", "grab", "bar"])
_LEMMA_OF_FORM = {form: lemma for lemma, forms in _PAST.items() for form in forms}


def _antonym(text: str, rng: random.Random, _p: Sequence[str], _f: Sequence[str]) -> _Result:
    spots = []
    for m in re.finditer(r"\b[A-Za-z-]+\b", text):
        word = m.group()
        lemma, form = _lemma(word.lower())
        if lemma in _ANTONYM_OF and not word[0].isupper():
            before = text[max(0, m.start() - 6) : m.start()].lower()
            prev = re.search(r"([\w'’]+)\W*$", text[: m.start()])
            prev_word = prev.group(1).lower() if prev else ""
            if lemma not in _NOUN_ANTONYMS and (
                prev_word in _DETERMINERS or prev_word.endswith(("'s", "’s"))
            ):
                continue  # "China's support" is a noun; its opposite is not "oppose"
            if lemma in _NOUN_ANTONYMS and form != "base":
                continue  # "victory" has no "victoried"
            if form == "ed" and re.search(r"\b(?:has|have|had|ve)\s+$", before):
                form = "en"  # "had added" -> "had withdrawn"
            spots.append((m, _inflect(_ANTONYM_OF[lemma], form)))
    if not spots:
        return None
    m, new = rng.choice(spots)
    return text[: m.start()] + new + text[m.end() :], f"{m.group()} -> {new}"


def _lemma(word: str) -> tuple[str, str]:
    """(lemma, form) with form one of base, s, ed, en, ing."""
    if word in _ANTONYM_OF:
        return word, "base"
    if word in _LEMMA_OF_FORM:
        lemma = _LEMMA_OF_FORM[word]
        return lemma, "ed" if _PAST[lemma][0] == word else "en"
    for suffix, form in (("ing", "ing"), ("ed", "ed"), ("es", "s"), ("s", "s"), ("d", "ed")):
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            for candidate in (stem, stem + "e", stem[:-1] if len(stem) > 2 else stem):
                if candidate in _ANTONYM_OF:
                    return candidate, form
            if suffix == "ed" and stem.endswith("i") and stem[:-1] + "y" in _ANTONYM_OF:
                return stem[:-1] + "y", form
    return word, "base"


def _inflect(lemma: str, form: str) -> str:
    if form in {"ed", "en"} and lemma in _PAST:
        return _PAST[lemma][0 if form == "ed" else 1]
    if form in {"ed", "en"}:
        if lemma in _DOUBLING:
            return lemma + lemma[-1] + "ed"
        if lemma.endswith("e"):
            return lemma + "d"
        if lemma.endswith("y") and lemma[-2] not in "aeiou":
            return lemma[:-1] + "ied"
        return lemma + "ed"
    if form == "ing":
        if lemma in _DOUBLING:
            return lemma + lemma[-1] + "ing"
        return (lemma[:-1] if lemma.endswith("e") and lemma != "see" else lemma) + "ing"
    if form == "s":
        if lemma.endswith(("s", "sh", "ch", "x")):
            return lemma + "es"
        if lemma.endswith("y") and lemma[-2] not in "aeiou":
            return lemma[:-1] + "ies"
        return lemma + "s"
    return lemma


# --- quotes and speakers ---------------------------------------------------------------------

_INVENTED_QUOTES = (
    "a grave mistake",
    "a historic turning point",
    "completely unacceptable",
    "nothing short of a disaster",
    "a dangerous escalation",
    "a victory for common sense",
    "an act of desperation",
    "a bitter pill to swallow",
)
_QUOTE_EDITS = {
    "largest": "biggest",
    "possibility": "probability",
    "nothing": "little",
    "only": "mainly",
    "just": "simply",
    "destructive": "dangerous",
    "crucial": "critical",
    "imminent": "inevitable",
    "no": "little",
    "very": "really",
    "any": "every",
    "tool": "weapon",
    "contain": "encircle",
    "peace": "dialogue",
    "essential": "vital",
    "reasonable": "valid",
    "signals": "messages",
    "window": "opportunity",
    "failed": "collapsed",
    "close": "careful",
    "goal": "aim",
}


def _invented_quote(text: str, rng: random.Random, _p: Sequence[str], _f: Sequence[str]) -> _Result:
    for quote in quotes_in(text):
        words = list(re.finditer(r"[A-Za-z]+", quote))
        edits = [w for w in words if w.group().lower() in _QUOTE_EDITS]
        if edits:
            w = rng.choice(edits)
            new_word = _QUOTE_EDITS[w.group().lower()]
            if w.group()[0].isupper():
                new_word = new_word.capitalize()
            new_quote = quote[: w.start()] + new_word + quote[w.end() :]
            return text.replace(quote, new_quote, 1), f"misquoted: {w.group()} -> {new_word}"
    invented = rng.choice(_INVENTED_QUOTES)
    body = text.rstrip().rstrip(".")
    return f'{body}, calling it "{invented}".', f'added quote "{invented}"'


def _misattribution(
    text: str, rng: random.Random, people: Sequence[str], _f: Sequence[str]
) -> _Result:
    tokens = tokens_of(text)
    ents = find_entities(tokens, _capitalised(tokens, people))
    speakers = [s for s in find_speakers(tokens, ents) if s.kind == "person"]
    if not speakers:
        return None
    speaker = speakers[0]
    entity = next((e for e in ents if e.key == speaker.head), None)
    if entity is None:
        return None
    return _swap_person(text, tokens, entity, rng, people)


def _entity(text: str, rng: random.Random, people: Sequence[str], _f: Sequence[str]) -> _Result:
    tokens = tokens_of(text)
    surnames = {canonical(p.split()[-1]) for p in people}
    ents = [
        e
        for e in find_entities(tokens, _capitalised(tokens, people))
        if e.key in surnames or (e.key.startswith("#") and e.key in _SWAP_GROUPS)
    ]
    if not ents:
        return None
    entity = rng.choice(ents)
    if entity.key.startswith("#"):
        return _swap_group(text, tokens, entity, rng)
    return _swap_person(text, tokens, entity, rng, people)


def _capitalised(tokens: Sequence[Token], people: Sequence[str] = ()) -> frozenset[str]:
    """Names, as far as one sentence can tell: capitalised words not opening it, and the
    surnames of known people."""
    surnames = {canonical(p.split()[-1]) for p in people}
    return frozenset(t.norm for t in tokens[1:] if t.capital) | surnames


def _swap_person(
    text: str, tokens: Sequence[Token], entity: Entity, rng: random.Random, people: Sequence[str]
) -> _Result:
    span = _entity_span(text, tokens, entity)
    if span is None:
        return None
    current = text[span[0] : span[1]]
    choices = [
        p for p in people if canonical(p.split()[-1]) != entity.key and p.split()[-1] not in text
    ]
    if not choices:
        return None
    new = rng.choice(choices)
    if len(current.split()) == 1:
        new = new.split()[-1]  # keep the claim's style: surname for surname
    return text[: span[0]] + new + text[span[1] :], f"{current} -> {new}"


def _swap_group(text: str, tokens: Sequence[Token], entity: Entity, rng: random.Random) -> _Result:
    span = _entity_span(text, tokens, entity)
    if span is None:
        return None
    current = text[span[0] : span[1]]
    form = 1 if current.lower().endswith(("an", "ish", "ese", "ch")) else 0
    options = [g for g in _SWAP_GROUPS if g != entity.key and group_forms(g)[form]]
    new = group_forms(rng.choice(options))[form]
    if new is None:
        return None
    start = span[0]
    if not new.startswith("United") and text[max(0, start - 4) : start].lower() == "the ":
        start -= 4  # "the UK's response" -> "Germany's response"
    return text[:start] + new + text[span[1] :], f"{current} -> {new}"


_SWAP_GROUPS = ("#us", "#uk", "#ru", "#ua", "#fr", "#de", "#cn", "#tr", "#pl", "#by", "#jp", "#in")


def _is_demonym(name: str) -> bool:
    return name.lower().rstrip("s").endswith(("an", "ish", "ese", "ch"))


def _entity_span(text: str, tokens: Sequence[Token], entity: Entity) -> tuple[int, int] | None:
    """Where an entity is written in ``text`` (without a possessive "'s")."""
    for name in (entity.text, tokens[entity.head].text):
        if name.endswith(("'s", "’s")):
            name = name[:-2]
        found = text.find(name)
        if found >= 0 and name:
            return found, found + len(name)
    return None


# --- roles and added facts -------------------------------------------------------------------


def _role_swap(text: str, rng: random.Random, people: Sequence[str], _f: Sequence[str]) -> _Result:
    tokens = tokens_of(text)
    surnames = {canonical(p.split()[-1]) for p in people}
    ents = [
        e
        for e in find_entities(tokens, _capitalised(tokens, people))
        if e.key in surnames or e.key in _SWAP_GROUPS
    ]
    pairs = []
    for a, b in itertools.pairwise(ents):
        if a.key == b.key or a.key.startswith("#") != b.key.startswith("#"):
            continue
        if a.key.startswith("#") and _is_demonym(a.text) != _is_demonym(b.text):
            continue  # "Russian troops ... Ukraine's border" would not swap cleanly
        between = tokens[a.head + 1 : b.start]
        verbs = [t for t in between if is_content(t.norm) and not t.capital]
        if not verbs or len(between) > 5 or any(t.norm in SYMMETRIC for t in between):
            continue
        if any(t.text.lower() in {"and", "or", ",", "of"} | TITLES for t in between):
            continue
        pairs.append((a, b))
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    span_a = _entity_span(text, tokens, a)
    span_b = _entity_span(text, tokens, b)
    if span_a is None or span_b is None or span_a[1] > span_b[0]:
        return None
    ta, tb = text[span_a[0] : span_a[1]], text[span_b[0] : span_b[1]]
    new = text[: span_a[0]] + tb + text[span_a[1] : span_b[0]] + ta + text[span_b[1] :]
    return new, f"swapped {ta} and {tb}"


def people_in(sentences: Iterable[str]) -> list[str]:
    """Full names of people in these sentences, in first-seen order: candidates for entity swaps
    and misattributions. A person is a two-to-four-word name that is quoted ("Jens Stoltenberg
    told reporters") or whose surname also appears on its own ("Erdogan")."""
    token_lists = [tokens_of(s) for s in sentences]
    known = frozenset().union(*(_capitalised(t) for t in token_lists))
    names: dict[str, None] = {}
    speakers: set[str] = set()
    alone: set[str] = set()
    for tokens in token_lists:
        ents = find_entities(tokens, known)
        speakers |= {s.head for s in find_speakers(tokens, ents) if s.kind == "person"}
        for e in ents:
            words = e.text.split()
            if len(words) == 1:
                alone.add(e.key)
            elif len(words) <= 4 and all(
                w[:1].isupper() and w.replace("-", "").isalpha() for w in words
            ):
                names.setdefault(e.text, None)
    return [n for n in names if canonical(n.split()[-1]) in speakers | alone]


# Clauses that no source of the test sets supports; any topic.
ADDED_FACTS = (
    "after an emergency meeting in Geneva",
    "in a move that surprised most analysts",
    "citing a leaked intelligence report",
    "for the third time this year",
    "according to a poll published on Sunday",
    "following a cyberattack on government websites",
    "as protesters gathered outside the embassy",
    "despite objections from the finance ministry",
    "in a decision expected to cost $3 billion",
    "two days after the talks collapsed",
    "under pressure from opposition lawmakers",
    "and promised a public inquiry",
)


def _added_fact(text: str, rng: random.Random, _p: Sequence[str], facts: Sequence[str]) -> _Result:
    fact = rng.choice(list(facts))
    body = text.rstrip()
    end = ""
    if body.endswith((".", "!", "?")):
        body, end = body[:-1], body[-1]
    if body.endswith(('"', "”")):
        return f"{body}, {fact}{end or '.'}", f"added '{fact}'"
    return f"{body} {fact}{end or '.'}", f"added '{fact}'"


_Result = tuple[str, str] | None
_KINDS: dict[str, Callable[[str, random.Random, Sequence[str], Sequence[str]], _Result]] = {
    "number": _number,
    "entity": _entity,
    "date": _date,
    "negation": _negation,
    "antonym": _antonym,
    "invented_quote": _invented_quote,
    "misattribution": _misattribution,
    "role_swap": _role_swap,
    "added_fact": _added_fact,
}
