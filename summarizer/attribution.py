"""Name the outlet an article came from, from what the article says about itself, never by guessing.

Order: the record's metadata, a removed "Source:" line, a dateline ("LONDON (AP) -"), a byline
("By Jane Doe, Reuters"), the article's URL, and a file named after an outlet or a domain
("reuters.txt", "nbcnews.com.txt"). A mention inside the story ("told AFP", "according to
Reuters") names another outlet's reporting, not this one's. With none of these, find_outlet
returns None and the corpus labels the article honestly: "Source 2 (001_d69dcd6f.txt)".
Domains are read with the Public Suffix List (``publicsuffixlist``, shipped offline).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePath
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

from summarizer.types import Cleaned, Metadata

__all__ = [
    "file_label",
    "find_outlet",
    "outlet_from_path",
    "outlet_name",
    "unnamed_label",
]

# Lowercased domains, wire abbreviations and names -> display names.
_OUTLETS = {
    "ap": "AP",
    "apnews.com": "AP",
    "associated press": "AP",
    "the associated press": "AP",
    "reuters": "Reuters",
    "reuters.com": "Reuters",
    "thomson reuters": "Reuters",
    "afp": "AFP",
    "afp.com": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "bbc": "BBC News",
    "bbc news": "BBC News",
    "bbc.co.uk": "BBC News",
    "bbc.com": "BBC News",
    "cnn": "CNN",
    "cnn.com": "CNN",
    "nbc news": "NBC News",
    "nbcnews.com": "NBC News",
    "cbs news": "CBS News",
    "cbsnews.com": "CBS News",
    "abc news": "ABC News",
    "abcnews.go.com": "ABC News",
    "fox news": "Fox News",
    "foxnews.com": "Fox News",
    "msnbc.com": "MSNBC",
    "cnbc.com": "CNBC",
    "npr": "NPR",
    "npr.org": "NPR",
    "pbs.org": "PBS",
    "the guardian": "The Guardian",
    "guardian": "The Guardian",
    "theguardian.com": "The Guardian",
    "financial times": "Financial Times",
    "ft.com": "Financial Times",
    "the new york times": "The New York Times",
    "new york times": "The New York Times",
    "nytimes.com": "The New York Times",
    "the washington post": "The Washington Post",
    "washington post": "The Washington Post",
    "washingtonpost.com": "The Washington Post",
    "the wall street journal": "The Wall Street Journal",
    "wall street journal": "The Wall Street Journal",
    "wsj.com": "The Wall Street Journal",
    "al jazeera": "Al Jazeera",
    "aljazeera.com": "Al Jazeera",
    "bloomberg": "Bloomberg",
    "bloomberg.com": "Bloomberg",
    "politico": "Politico",
    "politico.com": "Politico",
    "politico.eu": "Politico",
    "axios.com": "Axios",
    "thehill.com": "The Hill",
    "usatoday.com": "USA Today",
    "latimes.com": "Los Angeles Times",
    "economist.com": "The Economist",
    "telegraph.co.uk": "The Telegraph",
    "independent.co.uk": "The Independent",
    "news.sky.com": "Sky News",
    "sky news": "Sky News",
    "dw": "DW",
    "dw.com": "DW",
    "euronews.com": "Euronews",
    "france24.com": "France 24",
    "lemonde.fr": "Le Monde",
    "spiegel.de": "Der Spiegel",
    "elpais.com": "El País",
    "rferl.org": "RFE/RL",
    "kyivindependent.com": "The Kyiv Independent",
    "themoscowtimes.com": "The Moscow Times",
    "tass": "TASS",
    "tass.com": "TASS",
    "interfax": "Interfax",
    "xinhua": "Xinhua",
    "xinhuanet.com": "Xinhua",
    "upi": "UPI",
    "upi.com": "UPI",
    "voanews.com": "VOA",
    "cbc.ca": "CBC News",
    "time.com": "Time",
    "newsweek.com": "Newsweek",
    "axios": "Axios",
    "the hill": "The Hill",
    "usa today": "USA Today",
    "los angeles times": "Los Angeles Times",
    "the economist": "The Economist",
    "the telegraph": "The Telegraph",
    "the independent": "The Independent",
    "euronews": "Euronews",
    "france 24": "France 24",
    "le monde": "Le Monde",
    "der spiegel": "Der Spiegel",
    "el país": "El País",
    "rfe/rl": "RFE/RL",
    "voa": "VOA",
    "cbc news": "CBC News",
    "newsweek": "Newsweek",
    "the kyiv independent": "The Kyiv Independent",
    "kyiv independent": "The Kyiv Independent",
    "the moscow times": "The Moscow Times",
}


_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}", re.IGNORECASE)
_NEWS_WORDS = re.compile(
    r"\b(?:news|times|post|journal|herald|tribune|guardian|telegraph|gazette|press|daily|chronicle"
    r"|observer|mail|express|radio|tv|television|broadcasting|network|media|agency|wire|magazine"
    r"|today|courier|independent|review|standard|monitor|insider|report|reporter)\b",
    re.IGNORECASE,
)
_JOB_WORDS = re.compile(
    r"\b(?:correspondent|reporter|editor|writer|staff|contributor|producer|secretary|analyst"
    r"|columnist|photographer|bureau\s+chief)\b",
    re.IGNORECASE,
)

# "LONDON (AP) -", "KYIV, Ukraine (AP) —", "MOSCOW, Feb 16 (Reuters) -"
_DATELINE = re.compile(
    r"(?P<city>[A-Z][A-Za-z.'’-]*(?:\s+[A-Z][A-Za-z.'’-]*){0,3})"
    r"(?:,\s+[A-Z][A-Za-z.'’ -]{1,30}?)?(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s+\((?P<outlet>[A-Za-z][\w .&/'’-]{0,40})\)\s*[-–—]"
)
_NAME = r"[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}"
_BYLINE = re.compile(
    rf"By\s+{_NAME}(?:\s+and\s+{_NAME})?\s*(?:,|\||/|–|—|-|\bfor\b)\s*(?P<outlet>[^,|/]{{2,60}})"
    rf"|{_NAME}\s*(?:\||/)\s*(?P<outlet2>[^,|/]{{2,60}})"
)
_CODE_TOKEN = re.compile(r"\d+|[0-9a-f]*\d[0-9a-f]*")
# A domain label that ends (or starts) with a newsroom word: "nbcnews", "kyivpost", "dailymail".
_LABEL_NEWS_WORD = re.compile(
    r"^(?P<head>[a-z]{2,}?)(?P<word>news|times|post|journal|herald|tribune|guardian|telegraph|"
    r"gazette|press|daily|chronicle|observer|mail|express|radio|today|wire|report|insider|"
    r"independent|standard|monitor)$|^(?P<lead>daily|the)(?P<rest>[a-z]{3,})$"
)


@lru_cache(maxsize=1)
def _psl() -> PublicSuffixList:
    return PublicSuffixList()  # the list ships inside the package: no download


def outlet_name(raw: str) -> str:
    """A display name for an outlet string: a known name, or a readable one made from a domain."""
    name = raw.strip().strip(" .,:;|\"'“”‘’")
    if "://" in name:
        name = urlsplit(name).hostname or name
    key = name.lower()
    if key.startswith("www."):
        key = key[4:]
    if key in _OUTLETS:
        return _OUTLETS[key]
    if _DOMAIN.fullmatch(key):
        return _domain_name(key)
    return name


def _domain_name(domain: str) -> str:
    labels = domain.split(".")
    for i in range(len(labels) - 1):  # "news.bbc.co.uk" -> "bbc.co.uk"
        candidate = ".".join(labels[i:])
        if candidate in _OUTLETS:
            return _OUTLETS[candidate]
    registered = _psl().privatesuffix(domain) or domain  # "example-news.co.uk"
    label = registered.split(".")[0]
    return " ".join(_readable(word) for word in re.split(r"[-_]+", label) if word)


def _readable(label: str) -> str:
    """A domain label as words: "nbcnews" -> "NBC News", "kyivpost" -> "Kyiv Post"."""
    m = _LABEL_NEWS_WORD.match(label)
    if m is None:
        return label.capitalize()
    if m.group("lead"):
        return f"{m.group('lead').capitalize()} {m.group('rest').capitalize()}"
    head = m.group("head")
    # A short head without a vowel is an acronym: "nbc", "cbs", "wsj".
    head = head.upper() if len(head) <= 4 and not re.search("[aeiou]", head) else head.capitalize()
    return f"{head} {m.group('word').capitalize()}"


def _looks_like_outlet(text: str) -> bool:
    """Known, a domain, or a name with a newsroom word in it (and no job title)."""
    key = text.strip().lower()
    if key in _OUTLETS or _DOMAIN.fullmatch(key):
        return True
    return (
        len(text.split()) <= 6
        and _NEWS_WORDS.search(text) is not None
        and _JOB_WORDS.search(text) is None
    )


def _from_dateline(text: str) -> str | None:
    m = _DATELINE.match(text.lstrip())
    if m is None:
        return None
    outlet = m.group("outlet").strip()
    # Datelines put the city in capitals; with a title-case city, only a known outlet counts.
    if m.group("city").isupper() or outlet.lower() in _OUTLETS:
        return outlet
    return None


def _from_byline(lines: list[str]) -> str | None:
    for line in lines:
        m = _BYLINE.fullmatch(line.strip())
        if m is None:
            continue
        outlet = (m.group("outlet") or m.group("outlet2")).strip()
        if _looks_like_outlet(outlet):
            return outlet
    return None


def outlet_from_path(path: str) -> str | None:
    """An outlet named by the file itself: "reuters.txt", "nbcnews.com.txt"; else None.

    Any other file name ("cruz-vote.txt", "001_d69dcd6f.txt") is a slug or a number, not an
    outlet, and is not passed off as one."""
    file_part = path.split("#", 1)[0]
    if file_part in ("", "-"):
        return None
    stem = PurePath(file_part).stem or PurePath(file_part).name or file_part
    key = stem.lower().removeprefix("www.")
    if key in _OUTLETS:
        return _OUTLETS[key]
    if _DOMAIN.fullmatch(key) and _psl().publicsuffix(key) not in (None, key):
        return outlet_name(key)
    return None


def file_label(path: str) -> str:
    """A short label for a file: its name, long hashes cut to 8 characters ("001_d69dcd6f.txt")."""
    file_part, _, record = path.partition("#")
    if file_part in ("", "-"):
        return "stdin" + (f" #{record}" if record else "")
    name = PurePath(file_part).name or file_part
    stem, dot, ext = name.rpartition(".") if "." in name.lstrip(".") else (name, "", "")
    tokens = re.split(r"([-_.\s]+)", stem)
    short = "".join(
        t[:8] if len(t) > 8 and _CODE_TOKEN.fullmatch(t.lower()) and not t.isdigit() else t
        for t in tokens
    )
    return short + dot + ext + (f" #{record}" if record else "")


def unnamed_label(position: int, path: str) -> str:
    """The honest name of an article whose outlet nothing tells: "Source 2 (001_d69dcd6f.txt)".

    Citations shorten it to "Source 2" (types.Briefing.citation_name)."""
    return f"Source {position} ({file_label(path)})"


def find_outlet(raw_text: str, cleaned: Cleaned, meta: Metadata, path: str) -> str | None:
    """The outlet's display name, or None when nothing names it (see the module docstring)."""
    if meta.source and meta.source.strip():
        return outlet_name(meta.source)
    if cleaned.outlet and cleaned.outlet.strip():
        return outlet_name(cleaned.outlet)
    heads = [p for p in cleaned.text.split("\n\n")[:2] if p]
    raw_lines = [line.strip() for line in raw_text.splitlines() if line.strip()]
    for text in heads + raw_lines[:3]:
        outlet = _from_dateline(text)
        if outlet:
            return outlet_name(outlet)
    outlet = _from_byline(raw_lines[:8] + raw_lines[-3:])
    if outlet:
        return outlet_name(outlet)
    if meta.url:
        host = urlsplit(meta.url.strip()).hostname
        if host and _DOMAIN.fullmatch(host):
            return outlet_name(host)
    return outlet_from_path(path)
