"""When did what a sentence reports happen: its article's published date, and day words resolved
against it ("Wednesday" in an article published Thursday 2022-02-17 is 2022-02-16).

A weekday the article itself pins to a date ("Wednesday, Feb. 16, 2022", often in a caption)
resolves to that date even without a published date. Anything else stays undated: no guessing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from summarizer.checker.dates import WEEKDAYS, extract
from summarizer.types import Evidence, Source

_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
# "Wednesday, Feb. 16, 2022" / "Wednesday (February 16, 2022)" / "Wednesday 16 February 2022"
_PINNED = re.compile(
    r"\b(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+\(?"
    r"(?P<date>(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})"
    r"|(?:\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4}))"
)
# "KYIV, Ukraine, Feb. 16, 2022 (AP) —": a dateline that carries its year.
_DATELINE = re.compile(
    r"^[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3},(?:\s+[A-Z][a-z]+,)?\s+"
    r"(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4})\b"
)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?=$|[T ])")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_FUTURE = re.compile(
    r"\b(?:will|would|shall|'ll|’ll|is due|are due|due to|expected to|set to|plans? to|scheduled|"
    r"next|upcoming)\b",
    re.IGNORECASE,
)
_YESTERDAY = re.compile(r"\byesterday\b", re.IGNORECASE)
_SHORT_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_SHORT_MONTHS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def parse_date(text: str | None) -> dt.date | None:
    """The first full date (day, month and year) in ``text``: ISO, "Feb 16, 2022", RFC 2822."""
    if not text:
        return None
    iso = _ISO_DAY.match(text.strip())
    if iso:  # "2022-02-17", "2022-02-17T08:30:00Z"
        try:
            return dt.date.fromisoformat(iso.group(0))
        except ValueError:
            return None
    for mention in extract(text):
        if mention.year and mention.month and mention.day:
            try:
                return dt.date(mention.year, mention.month, mention.day)
            except ValueError:
                continue
    return None


def pinned_weekdays(texts: Iterable[str]) -> dict[int, dt.date]:
    """Weekdays an article pins to a date ("Wednesday, Feb. 16, 2022"); ambiguous ones left out."""
    seen: dict[int, set[dt.date]] = {}
    for text in texts:
        for m in _PINNED.finditer(text):
            day = parse_date(m.group("date"))
            weekday = WEEKDAYS.index(m.group("weekday").lower())
            if day is not None and day.weekday() == weekday:
                seen.setdefault(weekday, set()).add(day)
    return {w: days.pop() for w, days in seen.items() if len(days) == 1}


def resolve(sentence: str, published: dt.date | None, pinned: dict[int, dt.date]) -> dt.date | None:
    """The date of what ``sentence`` reports, or None when the article does not say."""
    said = _QUOTED.sub(" ", sentence)  # a day named inside a quote is the speaker's, not ours
    weekday = _WEEKDAY.search(said)
    if weekday is not None:
        day = WEEKDAYS.index(weekday.group(1).lower())
        if day in pinned:
            return pinned[day]
        if published is None:
            return None
        if _FUTURE.search(said, max(0, weekday.start() - 60), weekday.start()):
            return published + dt.timedelta(days=(day - published.weekday()) % 7)
        return published - dt.timedelta(days=(published.weekday() - day) % 7)
    if published is None:
        return None
    if _YESTERDAY.search(said):
        return published - dt.timedelta(days=1)
    return published  # "today", or no day word: the article's own date


def _published(source: Source) -> dt.date | None:
    """The published date from metadata, else from a dateline that gives the year."""
    day = parse_date(source.published)
    if day is None and source.sentences:
        m = _DATELINE.match(source.sentences[0])
        day = parse_date(m.group("date")) if m else None
    return day


class Dater:
    """Dates sentences of a corpus; one instance per briefing."""

    def __init__(self, sources: Sequence[Source]) -> None:
        self._published = {s.id: _published(s) for s in sources}
        self._pinned = {
            s.id: pinned_weekdays([*s.sentences, *(r.text for r in s.removed)]) for s in sources
        }

    def published(self, source: str) -> dt.date | None:
        return self._published.get(source)

    def date_of(self, source: str, sentence: str) -> str | None:
        day = resolve(sentence, self._published.get(source), self._pinned.get(source, {}))
        return day.isoformat() if day else None

    def first_date(self, evidence: Iterable[Evidence]) -> str | None:
        """The date of the first piece of evidence that has one."""
        for ev in evidence:
            day = self.date_of(ev.source, ev.quote)
            if day:
                return day
        return None


def day_label(iso: str) -> str:
    """ "2022-02-16" -> "Wed 16 Feb 2022" (English, whatever the locale)."""
    day = dt.date.fromisoformat(iso)
    return f"{_SHORT_DAYS[day.weekday()]} {day.day} {_SHORT_MONTHS[day.month - 1]} {day.year}"


def span_label(isos: Iterable[str]) -> str:
    """The range of some dates: "16 Feb 2022", "9–16 Feb 2022", "28 Jan – 3 Feb 2022"."""
    days = sorted({dt.date.fromisoformat(d) for d in isos})
    if not days:
        return ""
    first, last = days[0], days[-1]

    def full(d: dt.date) -> str:
        return f"{d.day} {_SHORT_MONTHS[d.month - 1]} {d.year}"

    if first == last:
        return full(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{full(last)}"
    if first.year == last.year:
        return f"{first.day} {_SHORT_MONTHS[first.month - 1]} – {full(last)}"
    return f"{full(first)} – {full(last)}"
