"""Quantities in text, normalised to values with qualifiers, units and a matching rule.

"7,000", "7k", "7 000" and "seven thousand" are the same number; "about 100,000" matches "more
than 100,000"; "7,000" never matches "70,000" and "1,000" never matches "1,700".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.checker.words import word_list

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d,.]\d)|\d+(?:\.\d+)?"
_SCALE_WORD = r"thousand|million|billion|trillion"
_SCALE_ABBR = r"k|K|m|mn|mln|bn|b|bln|tn"
_CURRENCY = r"US\$|\$|€|£|¥|USD ?|EUR ?|GBP ?"
_DIGITS = re.compile(
    rf"(?P<cur>{_CURRENCY})?(?<![\w.])(?<![A-Za-z]-)(?P<num>{_NUM})"
    rf"(?:\s?[-–]\s?(?P<cur2>{_CURRENCY})?(?P<num2>{_NUM}))?"
    rf"(?:\s?(?P<scale>{_SCALE_WORD})\b|(?P<abbr>{_SCALE_ABBR})\b)?"
    r"(?:\s?(?P<pct>%|percent\b|per cent\b|pct\b))?"
    r"(?P<ordinal>st\b|nd\b|rd\b|th\b|:\d)?"
)
_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "bln": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_SMALL = {
    w: i
    for i, w in enumerate(
        word_list(
            """
            zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
            fifteen sixteen seventeen eighteen nineteen
            """
        )
    )
}
_TENS = {
    w: 10 * (i + 2)
    for i, w in enumerate(
        word_list(
            """
        twenty thirty forty fifty sixty seventy eighty ninety
        """
        )
    )
}
# Every word that states an amount: small numbers, tens, scales and vague amounts.
_AMOUNT_WORDS = word_list(
    """
    hundred thousand million billion trillion dozen dozens hundreds thousands millions billions
    percent twice thrice
    """
)
NUMBER_WORDS = frozenset([*_SMALL, *_TENS, *_AMOUNT_WORDS])
_WORD = re.compile(r"[A-Za-z]+")
# Vague amounts: (pattern, low, high).
_VAGUE = [
    (re.compile(r"\b(?:tens of thousands)\b", re.I), 2e4, 99_999),
    (re.compile(r"\b(?:hundreds of thousands)\b", re.I), 2e5, 999_999),
    (re.compile(r"\b(?:several|a few) thousands?\b", re.I), 2e3, 9_999),
    (re.compile(r"\b(?:several|a few) hundreds?\b", re.I), 200, 999),
    (re.compile(r"\bthousands\b", re.I), 2e3, 99_999),
    (re.compile(r"\bhundreds\b", re.I), 200, 999),
    (re.compile(r"\bdozens\b", re.I), 24, 199),
    (re.compile(r"\bmillions\b", re.I), 2e6, 999e6),
    (re.compile(r"\bbillions\b", re.I), 2e9, 999e9),
]
# Qualifier phrases that may precede a number, longest first within each kind.
_QUALIFIERS = [
    (
        "over",
        r"more than|over|north of|at least|upwards of|in excess of|above|exceeding|"
        r"greater than|nearly double|a minimum of|no fewer than|no less than",
    ),
    ("upto", r"as many as|up to|as much as|a maximum of|at most"),
    ("under", r"fewer than|less than|under|below|south of|shy of"),
    ("nearly", r"nearly|almost|close to|just under|just shy of"),
    (
        "about",
        r"about|around|roughly|approximately|some|an estimated|estimated|circa|"
        r"an approximate|approx\.?|~",
    ),
]
_QUALIFIER = re.compile(
    r"(?:(?<![\w])|(?<=~))(?:"
    + "|".join(f"(?P<{k}>{p})" for k, p in _QUALIFIERS)
    + r")\s*(?:\$|€|£)?\s*$",
    re.I,
)
_BETWEEN = re.compile(r"between\s*(?:\$|€|£)?\s*$", re.I)
_AND_NUM = re.compile(
    rf"\s+(?:and|to)\s+(?:{_CURRENCY})?(?P<num>{_NUM})(?:\s?(?P<scale>{_SCALE_WORD}))?"
)

# Counted things and measures, by canonical unit. Looked for in the three words after a number.
_UNITS = {
    "troops": "troops troop soldiers soldier forces servicemen personnel",
    "people": "people persons person civilians residents refugees migrants protesters",
    "workers": "workers employees staff jobs",
    "km": "km kilometres kilometers kilometre kilometer",
    "miles": "miles mile mi",
    "m": "metres meters metre meter",
    "kg": "kg kilograms kilogram kilos",
    "tonnes": "tonnes tons tonne ton",
    "years": "years year",
    "months": "months month",
    "weeks": "weeks week",
    "days": "days day",
    "hours": "hours hour",
    "minutes": "minutes minute",
    "degrees": "degrees degree °c °f celsius fahrenheit",
    "usd": "dollars dollar usd",
    "eur": "euros euro eur",
    "gbp": "pounds pound sterling gbp",
    "votes": "votes vote",
    "seats": "seats seat",
    "goals": "goals goal",
    "points": "points point",
    "cases": "cases case",
    "deaths": "deaths dead killed",
    "vehicles": "vehicles tanks aircraft jets planes ships drones",
    "barrels": "barrels barrel",
    "homes": "homes houses households",
    "mm": "mm millimetres millimeters inches inch cm centimetres",
    "mph": "mph kph",
}
_UNIT_OF = {w: unit for unit, words in _UNITS.items() for w in words.split()}
UNIT_WORDS = frozenset(_UNIT_OF)
_CURRENCY_UNIT = {
    "$": "usd",
    "us$": "usd",
    "usd": "usd",
    "€": "eur",
    "eur": "eur",
    "£": "gbp",
    "gbp": "gbp",
    "¥": "jpy",
}


@dataclass(frozen=True)
class Quantity:
    """A number as stated: value (and range end), qualifier, unit and where it was found."""

    value: float
    high: float  # == value unless a range ("10-20", "between 10 and 20") or a vague amount
    qualifier: str  # "", "about", "over", "under", "upto", "nearly", "vague", "score"
    unit: str | None
    text: str
    start: int
    end: int
    soft: bool = False  # small number words and vague amounts: missing them is not fatal


def extract(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[Quantity]:
    """Quantities in ``text``, ignoring character spans in ``skip`` (dates, years)."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = list(skip)
    for q in _digit_quantities(text):
        if not _overlaps(q.start, q.end, taken):
            found.append(q)
            taken.append((q.start, q.end))
    for q in _vague_quantities(text):
        if not _overlaps(q.start, q.end, taken):
            found.append(q)
            taken.append((q.start, q.end))
    for q in [*_word_quantities(text), *_ordinals(text), *_times(text)]:
        if not _overlaps(q.start, q.end, taken):
            found.append(q)
            taken.append((q.start, q.end))
    found.sort(key=lambda q: q.start)
    return found


# "scored twice" is two goals; "twice as many" and "twice the size" are ratios, not counts.
_TIMES = re.compile(r"\b(twice|thrice)\b(?!\s+(?:as|the|that|a|an|over)\b)", re.I)


def _times(text: str) -> list[Quantity]:
    return [
        Quantity(v, v, "", None, m.group(), m.start(), m.end(), soft=True)
        for m in _TIMES.finditer(text)
        for v in [2.0 if m.group(1).lower() == "twice" else 3.0]
    ]


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _parse_num(raw: str) -> float:
    return float(re.sub(r"[,\s\u00a0\u202f]", "", raw))


def _digit_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for m in _DIGITS.finditer(text):
        if m.group("ordinal"):
            continue
        scale_name = (m.group("scale") or m.group("abbr") or "").lower()
        currency = (m.group("cur") or m.group("cur2") or "").strip().lower()
        if scale_name in {"m", "b"} and not currency:
            scale_name = ""  # "5m" without a currency is metres, "5b" is not a number
        scale = _SCALES.get(scale_name, 1.0)
        value = _parse_num(m.group("num")) * scale
        high = value
        qualifier = ""
        end = m.end()
        if m.group("num2"):
            second = _parse_num(m.group("num2")) * scale
            if second > value or scale_name:
                high = second
            else:  # "2-1": a score, not a range
                qualifier = "score"
                high = second
        unit = _CURRENCY_UNIT.get(currency) if currency else None
        if m.group("pct"):
            unit = "%"
        before = text[max(0, m.start() - 30) : m.start()]
        after = _AND_NUM.match(text, end)
        if _BETWEEN.search(before) and after and not m.group("num2"):
            second = _parse_num(after.group("num"))
            second *= _SCALES.get((after.group("scale") or "").lower(), scale)
            high = second
            end = after.end()
        elif qualifier != "score":
            qualifier = _qualifier(before)
        if unit is None:
            unit = _unit_after(text, end)
        out.append(
            Quantity(value, high, qualifier, unit, text[m.start() : end].strip(), m.start(), end)
        )
    return out


def _qualifier(before: str) -> str:
    q = _QUALIFIER.search(before)
    if q is None:
        return ""
    return next(k for k, _ in _QUALIFIERS if q.group(k))


def _unit_after(text: str, end: int) -> str | None:
    for i, w in enumerate(_WORD.finditer(text, end, min(len(text), end + 40))):
        if i >= 3:
            break
        unit = _UNIT_OF.get(w.group().lower())
        if unit is not None:
            return unit
    return None


def _vague_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    for pattern, low, high in _VAGUE:
        for m in pattern.finditer(text):
            unit = _unit_after(text, m.end())
            out.append(Quantity(low, high, "vague", unit, m.group(), m.start(), m.end(), soft=True))
    return out


def _word_quantities(text: str) -> list[Quantity]:
    """Spelled-out numbers: "seven thousand", "one hundred and twenty", "a million"."""
    out: list[Quantity] = []
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        j, total, current, seen = i, 0.0, 0.0, False
        while j < len(words):
            w = words[j].group().lower()
            nxt = words[j + 1].group().lower() if j + 1 < len(words) else ""
            if w in _SMALL:
                current += _SMALL[w]
            elif w in _TENS:
                current += _TENS[w]
            elif w == "hundred" and seen:
                current = max(current, 1) * 100
            elif w in {"thousand", "million", "billion", "trillion"} and seen:
                total += max(current, 1) * _SCALES[w]
                current = 0
            elif w == "a" and not seen and nxt in {"hundred", "thousand", "million", "billion"}:
                current = 1
            elif w == "dozen" and seen:
                current = max(current, 1) * 12
            elif w == "a" and not seen and nxt == "dozen":
                current = 1
            elif w == "and" and seen and nxt in _SMALL.keys() | _TENS.keys():
                pass
            else:
                break
            seen = True
            j += 1
        if j == i:
            i += 1
            continue
        value = total + current
        start, end = words[i].start(), words[j - 1].end()
        span = text[start:end]
        small = value < 10 and " " not in span
        if span.lower() in {"one", "a", "zero"}:
            i = j
            continue
        qualifier = _qualifier(text[max(0, start - 30) : start])
        unit = _unit_after(text, end)
        out.append(Quantity(value, value, qualifier, unit, span, start, end, soft=small))
        i = j
    return out


_ORDINAL_WORDS = {
    w: i + 1
    for i, w in enumerate(
        word_list(
            """
            first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth
            """
        )
    )
}
_ORDINAL = re.compile(
    r"\b(?:(?P<word>" + "|".join(_ORDINAL_WORDS) + r")|(?P<num>\d+)(?:st|nd|rd|th))\b", re.I
)


def _ordinals(text: str) -> list[Quantity]:
    """ "third term", "5th place": ordinals only ever match the same ordinal."""
    out = []
    for m in _ORDINAL.finditer(text):
        value = float(
            _ORDINAL_WORDS[m.group("word").lower()] if m.group("word") else m.group("num")
        )
        out.append(Quantity(value, value, "", "ordinal", m.group(), m.start(), m.end(), soft=True))
    return out


# --- matching --------------------------------------------------------------------------------

_EXACT_TOLERANCE = 0.005


def _interval(q: Quantity, *, claim: bool) -> tuple[float, float]:
    v = q.value
    if q.qualifier == "vague" or q.high != q.value:
        return (min(v, q.high) * (1 - _EXACT_TOLERANCE), max(v, q.high) * (1 + _EXACT_TOLERANCE))
    if q.qualifier == "about":
        return (v * 0.9, v * 1.1)
    if q.qualifier == "nearly":
        return (v * 0.85, v)
    # Open-ended bounds are read generously on the claim's side (it may be vaguer than its
    # evidence) but never across an order of magnitude: "up to 70,000" is not "7,000".
    if q.qualifier == "over":
        return (v, v * (2.0 if claim else 1.25))
    if q.qualifier == "under":
        return (v * (0.5 if claim else 0.75), v)
    if q.qualifier == "upto":
        return (v * 0.5, v)
    return (v * (1 - _EXACT_TOLERANCE), v * (1 + _EXACT_TOLERANCE))


_EXCLUSIVE_UNITS = frozenset({"%", "ordinal"})  # never compatible with a bare number


# Counts of people under different names: "900 workers" are "900 people".
_PERSON_UNITS = frozenset({"people", "workers", "troops"})


def units_compatible(a: Quantity, b: Quantity) -> bool:
    if a.unit is None or b.unit is None:
        return a.unit == b.unit or not {a.unit, b.unit} & _EXCLUSIVE_UNITS
    return a.unit == b.unit or {a.unit, b.unit} <= _PERSON_UNITS


def matches(claim: Quantity, evidence: Quantity) -> bool:
    """Whether the evidence's quantity supports the claim's (units, value, qualifiers)."""
    if not units_compatible(claim, evidence):
        return False
    if claim.qualifier == "score" or evidence.qualifier == "score":
        pair_c, pair_e = (claim.value, claim.high), (evidence.value, evidence.high)
        return pair_c == pair_e or pair_c == pair_e[::-1]
    exact = not claim.qualifier and not evidence.qualifier
    if exact and claim.high == claim.value and evidence.high == evidence.value:
        return _same_or_rounded(claim.value, evidence.value)
    lo_c, hi_c = _interval(claim, claim=True)
    lo_e, hi_e = _interval(evidence, claim=False)
    return lo_c <= hi_e and lo_e <= hi_c


def _same_or_rounded(c: float, e: float) -> bool:
    """Exact values match if equal, or if the claim is the evidence rounded (7,000 ~ 7,400)."""
    if e == c or (e and abs(c - e) / abs(e) <= _EXACT_TOLERANCE):
        return True
    if c <= 0 or c != int(c):
        return False
    step = 1
    while c % (step * 10) == 0:
        step *= 10
    return step > 1 and round(e / step) * step == c and abs(c - e) <= 0.1 * abs(e)
