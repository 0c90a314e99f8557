"""Name the outlet an article came from, from what the article says about itself, never by guessing.

Order: the record's metadata, a removed "Source:" line, a dateline ("LONDON (AP) -"), a byline
("By Jane Doe, Reuters"), and last a readable name made from the file name.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from urllib.parse import urlsplit

from summarizer.types import Cleaned, Metadata

__all__ = ["find_outlet", "name_from_path", "outlet_name"]

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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Public suffixes with two labels, so that "example-news.co.uk" is read as "example-news".
_TWO_LEVEL_SUFFIXES = _words(
    "co.uk org.uk ac.uk gov.uk me.uk com.au net.au org.au co.nz co.jp co.in co.za "
    "co.il com.br com.mx com.ua com.tr com.cn com.hk com.sg com.ar go.com"
)
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
_COMMON_TLDS = _words("com org net news info io uk de fr ru ua eu us ca au in ie nz")
_CODE_TOKEN = re.compile(r"\d+|[0-9a-f]*\d[0-9a-f]*")


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
    suffix_labels = 2 if ".".join(labels[-2:]) in _TWO_LEVEL_SUFFIXES else 1
    label = labels[-suffix_labels - 1] if len(labels) > suffix_labels else labels[0]
    return " ".join(word.capitalize() for word in re.split(r"[-_]+", label) if word)


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


def name_from_path(path: str) -> str:
    """A readable name from a file path: "bbc-ukraine-troops.txt" -> "Bbc Ukraine Troops"."""
    file_part = path.split("#", 1)[0]
    if file_part in ("", "-"):
        return "stdin"
    stem = PurePath(file_part).stem or PurePath(file_part).name or file_part
    if stem.lower() in _OUTLETS or (
        _DOMAIN.fullmatch(stem) and stem.lower().rsplit(".", 1)[-1] in _COMMON_TLDS
    ):
        return outlet_name(stem)
    tokens = [t for t in re.split(r"[-_.\s]+", stem) if t]
    if not tokens:
        return stem
    if all(_CODE_TOKEN.fullmatch(t.lower()) for t in tokens):
        # Only numbering and hashes: keep them, shortened, so the name stays unique and short.
        return "_".join(t if t.isdigit() else t[:8] for t in tokens)
    words = [t for t in tokens if not (len(t) >= 8 and _CODE_TOKEN.fullmatch(t.lower()))]
    return " ".join(w.capitalize() if w.islower() else w for w in words)


def find_outlet(raw_text: str, cleaned: Cleaned, meta: Metadata, path: str) -> str:
    """The outlet's display name; see the module docstring for the order of evidence."""
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
    return name_from_path(path)
