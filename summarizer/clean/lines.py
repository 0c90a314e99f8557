"""Rules on raw lines, before they are joined: relative timestamps, a dated metadata prefix (which
gives the publication date) and a source line (which gives the outlet).
"""

from __future__ import annotations

import re
from datetime import date

from summarizer.clean.common import (
    METADATA,
    MONTH_NUMBER,
    SOURCE_LINE,
    TIMESTAMP,
    State,
    drop_matching,
    word_count,
)

_RELATIVE_TIME = re.compile(
    r"(?:(?:last\s+)?(?:updated|posted|published|edited)\s*:?\s*)?"
    r"(?:(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|several)\s*"
    r"(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mos?|months?"
    r"|y|yrs?|years?)\s+ago|just\s+now|moments?\s+ago|yesterday|today)\.?",
    re.IGNORECASE,
)


def _is_relative_time(line: str) -> bool:
    return len(line) <= 40 and _RELATIVE_TIME.fullmatch(line) is not None


def drop_relative_timestamps(lines: list[str], state: State) -> list[str]:
    return drop_matching(lines, state, TIMESTAMP, _is_relative_time)


_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_METADATA = re.compile(
    r"\s*(?P<prefix>"
    r"(?:date(?:\s+published)?|(?:first\s+)?published(?:\s+on)?|posted(?:\s+on)?"
    r"|(?:last\s+)?updated(?:\s+on)?|dated)\s*[:|\-–—]?\s*"
    r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
    r"(?:(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    rf"|(?P<mon1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon2>{_MONTH})\.?,?\s+(?P<y2>\d{{4}}))"
    r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?"
    r"(?:\s+(?:ET|EST|EDT|CT|CST|CDT|PT|PST|PDT|GMT|UTC|BST|CET|CEST|MSK))?)?"
    r")(?![\w:/.-])\s*[|\-–—:,]?\s*",
    re.IGNORECASE,
)


def _iso_date(m: re.Match[str]) -> str | None:
    if m.group("y"):
        year, month, day = m.group("y"), m.group("m"), m.group("d")
    elif m.group("y1"):
        year, month, day = m.group("y1"), str(MONTH_NUMBER[m.group("mon1").lower()]), m.group("d1")
    else:
        year, month, day = m.group("y2"), str(MONTH_NUMBER[m.group("mon2").lower()]), m.group("d2")
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def take_metadata_prefix(lines: list[str], state: State) -> list[str]:
    """A date prefix on the first line, or a date line among the first three, is metadata."""
    out = list(lines)
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > 3:
            break
        m = _METADATA.match(line)
        if not m:
            continue
        rest = line[m.end() :].strip()
        published = _iso_date(m)
        if published is None or (rest and seen > 1):
            continue
        state.drop(m.group("prefix"), METADATA)
        state.published = state.published or published
        out[i] = rest
        if rest:
            break
    return out


_DOMAIN = re.compile(r"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}\b", re.IGNORECASE)
_SOURCE_LINE = re.compile(
    r"(?:source|via|courtesy(?:\s+of)?)\s*:\s*[|\-–—]?\s*(?P<rest>.+)"
    r"|(?:this|the\s+original)\s+(?:article|story|post|piece|report|content)\s+"
    r"(?:was\s+|is\s+|has\s+been\s+)?(?:originally|first)\s+"
    r"(?:appeared|published|posted|belongs|belonged|ran)(?:\s+(?:on|in|at|to|by))?\s+(?P<rest2>.+)"
    r"|originally\s+(?:published|appeared|posted)\s+(?:on|in|at|by)\s+(?P<rest3>.+)",
    re.IGNORECASE,
)


def _source_rest(m: re.Match[str]) -> str:
    return m.group("rest") or m.group("rest2") or m.group("rest3") or ""


def _outlet_from(rest: str) -> str | None:
    inner = _SOURCE_LINE.fullmatch(rest)
    if inner:  # "Source: | This article originally belongs to Example.com"
        rest = _source_rest(inner)
    domain = _DOMAIN.search(rest)
    if domain:
        return domain.group()
    name = re.split(r"[.|;(/]| [-–—] ", rest, maxsplit=1)[0].strip(" \"'“”‘’,:")
    return name if 0 < len(name) <= 60 else None


def drop_source_lines(lines: list[str], state: State) -> list[str]:
    kept: list[str] = []
    for line in lines:
        stripped = line.strip()
        m = None
        if stripped and len(stripped) <= 200 and stripped[0] in "SsVvCcTtOo":
            m = _SOURCE_LINE.fullmatch(stripped)
        if m is None:
            kept.append(line)
            continue
        rest = _source_rest(m)
        if m.group("rest") and word_count(rest) > 8 and "originally" not in rest.lower():
            kept.append(line)  # "Source: the ministry, which ..., said ..." is a sentence
            continue
        state.drop(stripped, SOURCE_LINE)
        state.outlet = state.outlet or _outlet_from(rest)
    return kept
