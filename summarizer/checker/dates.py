"""Dates in text: "Feb. 16", "16 February", "Feb 16, 2022", "2022-02-16", "February 10-20",
months, years and weekdays, normalised so a claim's date can be compared with the evidence's.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from summarizer.checker.numbers import UNIT_WORDS

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[5-9]|20)\d\d)"
_PATTERNS = [
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mnum>[01]\d)-(?P<day>[0-3]\d)\b"),
    re.compile(
        rf"\b{_MONTH}\s+{_DAY}(?:\s*(?:[-–]|to|and)\s*(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?)?"
        rf"(?![\d,]\d)(?:,?\s+{_YEAR})?\b"
    ),
    re.compile(
        rf"\b{_DAY}(?:\s*[-–]\s*(?P<day2>[0-3]?\d))?\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b"
    ),
    re.compile(rf"\b(?:early\s+|late\s+|mid-?)?{_MONTH}\s+{_YEAR}\b"),
    re.compile(
        r"\b(?P<month>January|February|March|April|June|July|August|September|October|November|"
        r"December)\b"
    ),
    re.compile(r"(?<![\w$€£.,-])(?P<year>(?:1[5-9]|20)\d\d)(?![\d,.]\d)(?!-\d)(?!\s*%)"),
]
_NEXT_WORD = re.compile(r"\s*\[?([A-Za-z]+)")
_WEEKDAY = re.compile(
    r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)s?\b"
)


@dataclass(frozen=True)
class DateMention:
    """A date as precise as the text made it; None marks a part the text did not give."""

    text: str
    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    day_end: int | None = None  # "February 10-20"
    weekday: int | None = None  # 0 = Monday

    def label(self) -> str:
        return self.text


def extract(text: str) -> list[DateMention]:
    """Date, month, year and weekday mentions, without overlaps, in text order."""
    found: list[DateMention] = []
    spans: list[tuple[int, int]] = []
    for pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in spans):
                continue
            mention = _from_match(m)
            if mention is not None and mention.month is None and _counts_something(text, m.end()):
                continue  # "2000 troops" is a number, not a year
            if mention is not None:
                found.append(mention)
                spans.append((m.start(), m.end()))
    for m in _WEEKDAY.finditer(text):
        weekday = WEEKDAYS.index(m.group("weekday").lower())
        found.append(DateMention(m.group(), m.start(), m.end(), weekday=weekday))
    found.sort(key=lambda d: d.start)
    return found


def _counts_something(text: str, end: int) -> bool:
    nxt = _NEXT_WORD.match(text, end)
    return nxt is not None and nxt.group(1).lower() in UNIT_WORDS


def _from_match(m: re.Match[str]) -> DateMention | None:
    groups = m.groupdict()
    year = int(groups["year"]) if groups.get("year") else None
    if groups.get("mnum"):
        month: int | None = int(groups["mnum"])
    elif groups.get("month"):
        month = _MONTHS[groups["month"].lower().rstrip(".")]
    else:
        month = None
    day = int(groups["day"]) if groups.get("day") else None
    day_end = int(groups["day2"]) if groups.get("day2") else None
    if (day is not None and not 1 <= day <= 31) or (month is not None and not 1 <= month <= 12):
        return None
    if day_end is not None and (day is None or day_end <= day or day_end > 31):
        day_end = None
    weekday = None
    if year and month and day:
        try:
            weekday = dt.date(year, month, day).weekday()
        except ValueError:
            return None
    return DateMention(m.group(), m.start(), m.end(), year, month, day, day_end, weekday)


def compare(claim: DateMention, evidence: DateMention) -> bool | None:
    """True if the evidence confirms the claim's date, False if it contradicts it, None if the
    two cannot be compared (a weekday against a month, a day against a bare month)."""
    verdicts: list[bool] = []
    if claim.weekday is not None and evidence.weekday is not None:
        verdicts.append(claim.weekday == evidence.weekday)
    day_confirmed = claim.day is None or bool(verdicts)
    if claim.month is not None and evidence.month is not None:
        verdicts.append(claim.month == evidence.month)
        if claim.day is not None and evidence.day is not None:
            last = evidence.day_end or evidence.day
            verdicts.append(evidence.day <= claim.day and (claim.day_end or claim.day) <= last)
            day_confirmed = True
    if claim.year is not None and evidence.year is not None:
        verdicts.append(claim.year == evidence.year)
    if not verdicts:
        return None
    if not all(verdicts):
        return False
    return True if day_confirmed else None
