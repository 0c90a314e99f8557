"""Clean one article: mend broken lines; drop chrome, spam, captions and text aimed at a model.

:func:`clean` is pure and fast; every piece of text it drops comes back as a :class:`Removed` with
a short, stable reason (see ``REASONS``), so a reader can always see what was cut and why.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from summarizer.types import Cleaned, Removed

__all__ = ["REASONS", "clean"]

UNDERSCORE = "underscore used as apostrophe"
TIMESTAMP = "relative timestamp"
METADATA = "metadata prefix"
SOURCE_LINE = "source attribution line"
CHROME = "comment form / site chrome"
RELATED = "related-stories block"
SEO = "seo spam"
CAPTION = "photo caption / credit"
FOREIGN = "foreign-language boilerplate"
HEADING = "section heading"
MODEL = "instructions aimed at a model"
MARKUP = "html markup"
REASONS = (
    UNDERSCORE,
    TIMESTAMP,
    METADATA,
    SOURCE_LINE,
    CHROME,
    RELATED,
    SEO,
    CAPTION,
    FOREIGN,
    HEADING,
    MODEL,
    MARKUP,
)


@dataclass
class _State:
    """What the rules found while cleaning one document."""

    removed: list[Removed] = field(default_factory=list)
    published: str | None = None
    outlet: str | None = None

    def drop(self, text: str, reason: str) -> None:
        text = " ".join(text.split())
        if text:
            self.removed.append(Removed(text, reason))


# A rule takes the document as lines (before line repair) or paragraphs (after), returns what it
# keeps and records what it dropped. Python's `re` scans alternations slowly, so rules look for
# cheap substring hints before they run their big patterns.
Rule = Callable[[list[str], _State], list[str]]


def clean(text: str) -> Cleaned:
    """Clean one article's text into paragraphs separated by one blank line."""
    state = _State()
    text = _repair_underscores(_normalise(text), state)
    lines = text.split("\n")
    for rule in _LINE_RULES:
        lines = rule(lines, state)
    paragraphs = _join_lines(lines)
    for rule in _PARAGRAPH_RULES:
        paragraphs = rule(paragraphs, state)
    return Cleaned(
        text="\n\n".join(paragraphs),
        removed=tuple(state.removed),
        published=state.published,
        outlet=state.outlet,
    )


# --- shared helpers ----------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_TITLE_ABBR = _words(
    "mr mrs ms dr gen sen rep gov lt col sgt capt cmdr adm prof rev maj pres supt det insp hon"
)
_MONTH_ABBR = _words("jan feb mar apr jun jul aug sep sept oct nov dec")
_OTHER_ABBR = _words("no vol approx est inc corp co ltd vs etc jr sr st ft mt")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Z]\.")
_BARE_ABBR = re.compile(r"(?:[A-Z]\.){2,4}|(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt)\.")
_CLOSERS = "\"'”’»)]*"


def _mentions(low: str, hints: Iterable[str]) -> bool:
    return any(hint in low for hint in hints)


def _word_count(text: str) -> int:
    return text.count(" ") + 1


def _last_word(text: str) -> str:
    cut = text.rfind(" ")
    return text[cut + 1 :].lstrip("(\"“‘'[")


def _ends_with_abbreviation(text: str) -> bool:
    """True if the full stop ending ``text`` belongs to an abbreviation like "Feb." or "U.S."."""
    word = _last_word(text)
    if not word.endswith("."):
        return False
    stem = word[:-1].lower()
    return (
        stem in _TITLE_ABBR
        or stem in _MONTH_ABBR
        or stem in _OTHER_ABBR
        or _INITIALISM.fullmatch(word) is not None
    )


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(_CLOSERS)
    if not stripped or stripped[-1] not in ".!?…:;":
        return False
    return stripped[-1] != "." or not _ends_with_abbreviation(stripped)


_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+(?=[^\sa-z])")


def _sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences; joining them with single spaces gives it back."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(paragraph):
        if paragraph[m.start()] == "." and _ends_with_abbreviation(
            paragraph[start : m.start() + 1]
        ):
            continue
        out.append(paragraph[start : m.end()].strip())
        start = m.end()
    out.append(paragraph[start:].strip())
    return [s for s in out if s]


def _drop_sentences(
    paragraphs: list[str], state: _State, reason: str, is_junk: Callable[[str], bool]
) -> list[str]:
    """Drop the sentences ``is_junk`` flags, keeping the rest of each paragraph."""
    out: list[str] = []
    for paragraph in paragraphs:
        if is_junk(paragraph):
            kept = []
            for sentence in _sentences(paragraph):
                if is_junk(sentence):
                    state.drop(sentence, reason)
                else:
                    kept.append(sentence)
            paragraph = " ".join(kept)
        if paragraph:
            out.append(paragraph)
    return out


def _drop_matching(
    items: list[str], state: _State, reason: str, is_junk: Callable[[str], bool]
) -> list[str]:
    kept: list[str] = []
    for item in items:
        stripped = item.strip()
        if stripped and is_junk(stripped):
            state.drop(stripped, reason)
        else:
            kept.append(item)
    return kept


def _cut(text: str, start: int, end: int) -> str:
    """Cut ``text[start:end]`` out of a sentence and close the gap."""
    before, after = text[:start].rstrip(), text[end:].lstrip()
    if not before or not after:
        return before or after
    if after[0] in ",.;:!?)]”’":
        return before + after
    return f"{before} {after}"


def _cut_all(
    paragraph: str,
    pattern: re.Pattern[str],
    state: _State,
    hint: str = "",
    reason: str = SEO,
    word_start: bool = True,
) -> str:
    """Cut every match (or its one matching group) out of the paragraph.

    By default only matches that start a word count: the patterns begin with a literal rather than
    a word boundary, because `re` finds literals fast.
    """
    if hint not in paragraph:
        return paragraph
    at = 0
    while m := pattern.search(paragraph, at):
        start, end = m.span(m.lastindex or 0)
        before = paragraph[start - 1] if start and word_start else " "
        if before.isalnum() or before in "-_":
            at = start + 1
            continue
        state.drop(paragraph[start:end], reason)
        paragraph = _cut(paragraph, start, end)
        at = 0
    return paragraph


# --- whole-text repairs ------------------------------------------------------------------------

_ODD_CHAR_TABLE = {
    **dict.fromkeys("\t\v\f\u00a0\u1680\u202f\u205f\u3000", " "),
    **dict.fromkeys(map(chr, range(0x2000, 0x200B)), " "),
    # Soft hyphen, zero-width and bidi controls: invisible, and they split words for the matchers.
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff", ""),
    **dict.fromkeys(map(chr, range(0x202A, 0x202F)), ""),
    **dict.fromkeys(map(chr, range(0x2066, 0x206A)), ""),
    **dict.fromkeys("\x85\u2028\u2029", "\n"),
}
_ODD_CHAR = re.compile(f"[{''.join(_ODD_CHAR_TABLE)}]")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,6}|#x[0-9A-Fa-f]{2,6});")


def _normalise(text: str) -> str:
    """NFC, plain spaces and newlines, no zero-width characters, HTML entities decoded."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    odd = _mentions(text, "\t\v\f") if text.isascii() else _ODD_CHAR.search(text) is not None
    if odd:  # str.translate is slow on non-ASCII text; the odd characters are few
        for ch in set(_ODD_CHAR.findall(text)):
            text = text.replace(ch, _ODD_CHAR_TABLE[ch])
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    return text


# Only contraction and possessive endings on a whole token of letters: snake_case names, URLs and
# paths are left alone.
_APOSTROPHE_TOKEN = re.compile(
    r"(?:[A-Za-z]*[nN]_[tT]|[A-Za-z]+_(?:[sS]|re|RE|ll|LL|ve|VE|[dD]|[mM]))(?![\w/@\\-]|\.\w)"
)


def _repair_underscores(text: str, state: _State) -> str:
    parts: list[str] = []
    done = 0
    seen: set[str] = set()
    at = text.find("_")
    while at != -1:
        start = at
        while start > 0 and text[start - 1].isascii() and text[start - 1].isalpha():
            start -= 1
        before = text[start - 1] if start else " "
        m = None
        if start < at and start >= done and not (before.isalnum() or before in "_/.@\\-"):
            m = _APOSTROPHE_TOKEN.match(text, start)
        if m and m.end() > at:
            token = m.group()
            if token not in seen:
                seen.add(token)
                state.drop(token, UNDERSCORE)
            parts += [text[done:start], token.replace("_", "'")]
            done = m.end()
        at = text.find("_", at + 1)
    return "".join(parts) + text[done:] if parts else text


# --- line rules (before line repair) -----------------------------------------------------------

_FENCE_LINE = re.compile(
    r"`{3,}.*|~{3,}"
    r"|</\s*[\w-]*(?:article|document|data|untrusted|context|input|source|text|content|doc|email"
    r"|instructions?)[\w-]*\s*>"
    r"|<{2,}[^<>]*>{2,}|<\|\w+\|>\s*\w*|\[/?INST\]|<</?SYS>>"
    r"|[-=#*\s]*END\s+OF\s+(?:THE\s+)?(?:UNTRUSTED\s+|EXTERNAL\s+|USER\s+)?"
    r"(?:DATA|ARTICLE|DOCUMENT|INPUT|CONTEXT|TEXT|CONTENT)\b.*"
    r"|(?i:[-=#*\s]*end\s+of\s+(?:the\s+)?untrusted\b.*)"
)
_ROLE_LINE = re.compile(
    r"(?:<\|im_start\|>|\[INST\]|<<SYS>>|(?:system|assistant|developer)\s*:)"
    r"|#{1,6}\s*(?:system|assistant|user|developer|instructions?)\s*:?\s*$",
    re.IGNORECASE,
)
_MODEL_LINE_START = frozenset("`~<[-=#*EeSsAaDd")


def _is_model_line(line: str) -> bool:
    return line[0] in _MODEL_LINE_START and bool(
        _FENCE_LINE.fullmatch(line) or _ROLE_LINE.match(line)
    )


def _drop_model_lines(lines: list[str], state: _State) -> list[str]:
    return _drop_matching(lines, state, MODEL, _is_model_line)


_RELATIVE_TIME = re.compile(
    r"(?:(?:last\s+)?(?:updated|posted|published|edited)\s*:?\s*)?"
    r"(?:(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|several)\s*"
    r"(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mos?|months?"
    r"|y|yrs?|years?)\s+ago|just\s+now|moments?\s+ago|yesterday|today)\.?",
    re.IGNORECASE,
)


def _is_relative_time(line: str) -> bool:
    return len(line) <= 40 and _RELATIVE_TIME.fullmatch(line) is not None


def _drop_relative_timestamps(lines: list[str], state: _State) -> list[str]:
    return _drop_matching(lines, state, TIMESTAMP, _is_relative_time)


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
_MONTH_NUMBER = {
    name: number
    for number, names in enumerate(
        (
            "jan january",
            "feb february",
            "mar march",
            "apr april",
            "may",
            "jun june",
            "jul july",
            "aug august",
            "sep sept september",
            "oct october",
            "nov november",
            "dec december",
        ),
        start=1,
    )
    for name in names.split()
}


def _iso_date(m: re.Match[str]) -> str | None:
    if m.group("y"):
        year, month, day = m.group("y"), m.group("m"), m.group("d")
    elif m.group("y1"):
        year, month, day = m.group("y1"), str(_MONTH_NUMBER[m.group("mon1").lower()]), m.group("d1")
    else:
        year, month, day = m.group("y2"), str(_MONTH_NUMBER[m.group("mon2").lower()]), m.group("d2")
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _take_metadata_prefix(lines: list[str], state: _State) -> list[str]:
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


def _drop_source_lines(lines: list[str], state: _State) -> list[str]:
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
        if m.group("rest") and _word_count(rest) > 8 and "originally" not in rest.lower():
            kept.append(line)  # "Source: the ministry, which ..., said ..." is a sentence
            continue
        state.drop(stripped, SOURCE_LINE)
        state.outlet = state.outlet or _outlet_from(rest)
    return kept


_CHROME = re.compile(
    r"(?:leave\s+a\s+(?:reply|comment)(?:\s+cancel\s+reply)?|cancel\s+reply"
    r"|your\s+email\s+address\s+will\s+not\s+be\s+published\.?"
    r"(?:\s*required\s+fields\s+are\s+marked\s*\*?)?"
    r"|required\s+fields\s+are\s+marked\s*\*?"
    r"|(?:post|submit|add)\s+(?:a\s+|your\s+)?comment|\d*\s*comments?(?:\s*\(\d+\))?"
    r"|(?:name|e-?mail|website|comment)\s*\*"
    r"|save\s+my\s+name,?\s+email,?\s+and\s+website\s+in\s+this\s+browser.{0,60}"
    r"|notify\s+me\s+of\s+(?:follow-up\s+comments|new\s+(?:posts|comments)).{0,40}"
    r"|this\s+site\s+uses\s+akismet.{0,120}"
    r"|you\s+must\s+be\s+logged\s+in\s+to\s+post\s+a\s+comment.{0,20}"
    r"|(?:log\s*in|sign\s+in|register)\s+to\s+(?:comment|reply).{0,40}"
    r"|(?:sign\s+up|subscribe)(?:\s+now)?\s+(?:for|to)\s+(?:our|the)\s+(?:\w+\s+){0,3}"
    r"newsletters?.{0,100}"
    r"|share\s+this\s+(?:article|story|post|page)(?:\s+on\s+\w+)?"
    r"|(?:(?:share|tweet|e-?mail|print|facebook|twitter|whatsapp|linkedin|pinterest|reddit"
    r"|telegram|copy\s+link|flipboard)[\s|•·,/]*){1,8}"
    r"|(?:click|tap)\s+here\s+to\s+.{0,80}"
    r"|we\s+use\s+cookies.{0,300}|(?:accept|reject|manage)\s+(?:all\s+)?cookies"
    r"|cookie\s+(?:policy|settings|preferences|notice)"
    r"|by\s+continuing\s+to\s+(?:use|browse)\s+(?:this|our)\s+(?:site|website).{0,200}"
    r"|advertisement|advertising|sponsored(?:\s+content)?|ad"
    r"|follow\s+us\s+on\s+.{0,80}|all\s+rights\s+reserved\.?|(?:copyright\s*)?©.{0,100}"
    r"|copyright\s+\d{4}.{0,100}|this\s+material\s+may\s+not\s+be\s+published.{0,120}"
    r"|skip\s+to\s+(?:main\s+)?content|continue\s+reading|read\s+(?:the\s+)?full\s+(?:story|article)"
    r"|(?:download|get)\s+(?:our|the)\s+(?:free\s+)?app.{0,60}|report\s+an?\s+(?:error|typo)"
    r"|tags?\s*:.{0,150}|our\s+standards\s*:.{0,80}"
    r"|(?:(?:additional\s+)?(?:reporting|writing|editing)\s+by\s+[^.;]{2,80}(?:;\s*|$)){2,}"
    r")[.!*\s]*",
    re.IGNORECASE,
)


# The few kinds of chrome that run long; everything else is a short line.
_LONG_CHROME_STARTS = (
    "we use",
    "by continuing",
    "this site",
    "this material",
    "sign up",
    "subscribe",
    "save my",
    "©",
    "copyright",
    "reporting by",
    "additional rep",
    "writing by",
)


def _is_chrome(line: str) -> bool:
    if len(line) > 120 and (
        len(line) > 400 or not line[:16].lower().startswith(_LONG_CHROME_STARTS)
    ):
        return False
    return _CHROME.fullmatch(line) is not None


def _drop_site_chrome(items: list[str], state: _State) -> list[str]:
    return _drop_matching(items, state, CHROME, _is_chrome)


# --- line repair -------------------------------------------------------------------------------


def _continues(previous: str, line: str) -> bool:
    """True if ``line`` carries on the sentence that ``previous`` broke off."""
    first = line[0]
    continuing = first.islower() or first.isdigit()
    if previous[-1] == ".":
        if len(previous) <= 5 and _BARE_ABBR.fullmatch(previous):  # "U.S." alone on its line
            return True
        if _last_word(previous)[:-1].lower() in _TITLE_ABBR:  # "said Gen." + "Mark Milley"
            return True
        # "Wednesday, Feb." + "16, 2022."; any other full stop ends the sentence.
        return continuing and _ends_with_abbreviation(previous)
    if not continuing or _ends_sentence(previous):
        return False
    if first.islower():
        return True
    tail = previous.rstrip()
    return tail[-1] in ",;–—" or _last_word(tail).lower() in _MONTH_NUMBER or len(tail) >= 60


def _is_wrapped(block: list[str]) -> bool:
    """A blank-line paragraph whose lines were hard-wrapped mid-sentence."""
    if len(block) < 2:
        return False
    broken = sum(1 for line in block[:-1] if len(line) >= 40 and not _ends_sentence(line))
    return broken * 2 > len(block) - 1


def _join_lines(lines: list[str]) -> list[str]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        if "  " in stripped:
            stripped = " ".join(stripped.split())
        if stripped:
            current.append(stripped)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    blank_line_format = len(blocks) > 1
    paragraphs: list[str] = []
    for block in blocks:
        units = [" ".join(block)] if blank_line_format and _is_wrapped(block) else block
        for unit in units:
            if paragraphs and _continues(paragraphs[-1], unit):
                paragraphs[-1] = f"{paragraphs[-1]} {unit}"
            else:
                paragraphs.append(unit)
    return paragraphs


# --- text aimed at a model ---------------------------------------------------------------------

_AI = (
    r"(?:AI|A\.I\.|LLMs?|GPTs?|(?:large\s+)?language\s+models?|chat\s*bots?|(?:AI\s+|virtual\s+)?"
    r"assistants?|AI\s+(?:models?|systems?|tools?|agents?)|bots?|summari[sz]ers?|models?)"
)
_IGNORE_INSTRUCTIONS = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:(?:all|any|the|your|of|my)\s+)*"
    r"(?:previous|prior|above|preceding|earlier|foregoing|former|original|system|existing|other)\s+"
    r"(?:\w+\s+)?(?:instructions?|prompts?|directions?|directives?|rules|guidelines|commands?"
    r"|context|messages?)\b"
    r"|\b(?:ignore|disregard|forget)\s+(?:all|any|your)\s+(?:\w+\s+)?"
    r"(?:instructions?|prompts?|directives?|guidelines|rules)\b"
    r"|\b(?:ignore|disregard|forget)\s+(?:everything|anything|all)\s+(?:you\s+(?:were|have\s+been)"
    r"\s+told|above|before|previously|so\s+far|that\s+came\s+before)\b"
    r"|\b(?:ignore|disregard|forget)\s+(?:all\s+)?(?:the\s+)?(?:above|preceding|foregoing)"
    r"(?=\s*(?:[.,;:!]|and\b|$))"
    r"|\bnew\s+(?:system\s+)?instructions?\s*:",
    re.IGNORECASE,
)
_ADDRESSED_TO_MODEL = re.compile(
    rf"\b(?:note|message|memo|instructions?|reminder|attention)\s+(?:to|for)\s+"
    rf"(?:any\s+|all\s+|the\s+)?{_AI}\s*[:,;\-–—]"
    rf"|\b(?:attention|hey|hello|dear)\s*,?\s+(?:any\s+|all\s+)?{_AI}\s*[:,;\-–—]"
    r"|\bif\s+you(?:\s+are|'re|’re)\s+(?:an?\s+)?(?:AI|A\.I\.|LLM|(?:large\s+)?language\s+model"
    r"|chat\s*bot|(?:AI|virtual|digital)\s+assistant|bot|GPT|automated\s+(?:system|summari[sz]er))\b"
    r"|\bas\s+an\s+AI(?:\s+language\s+model)?,?\s+you\b"
    rf"|\b{_AI}\s+(?:that\s+are\s+|which\s+are\s+)?(?:summari[sz]\w*|reading|processing"
    r"|analy[sz]\w*|parsing|ingesting|rewriting)\s+(?:this|the\s+following)\b",
    re.IGNORECASE,
)
# A request to put something into the summary: the summary as the target, a request verb, and a
# link or image (unless the text talks to "your summary" directly). Tested per sentence.
_SUMMARY_TARGET = re.compile(
    r"\b(?:(?:to|in|into|within|inside|with)\s+(?:the|this)"
    r"|(?:(?:to|in|into|within|inside|with)\s+)?(?:(?P<your>your)|any|each|every))"
    r"\s+(?:summary|summaries|response|answer|output|briefing|reply|recap)\b"
    r"|\b(?:summary|summaries|recap)\s+(?:of|for)\s+this\s+(?:article|story|text|page|post)\b",
    re.IGNORECASE,
)
_REQUEST_VERB = re.compile(
    r"\b(?:includ(?:e|es|ing)|add(?:s|ing)?|insert(?:s|ing)?|append(?:s|ing)?|embed(?:s|ding)?"
    r"|attach(?:es|ing)?|mention(?:s|ing)?|(?:begin|start|end)\s+(?:it\s+)?with|contain(?:s|ing)?)\b",
    re.IGNORECASE,
)
_WEAK_REQUEST_VERB = re.compile(
    r"\b(?:put|place|display|show|render|link|must|should|needs?\s+to|has\s+to)\b", re.IGNORECASE
)
_LINK_NOUN = re.compile(
    r"\b(?:links?|urls?|hyperlinks?|images?|pictures?|pixels?|markdown)\b|https?://", re.IGNORECASE
)


def _is_summary_request(text: str) -> bool:
    target = _SUMMARY_TARGET.search(text)
    if target is None:
        return False
    if _REQUEST_VERB.search(text):
        return target.group("your") is not None or _LINK_NOUN.search(text) is not None
    return _WEAK_REQUEST_VERB.search(text) is not None and _LINK_NOUN.search(text) is not None


# Images, tracking pixels, links to URLs with query strings, role markers and fence closers. They
# are cut out wherever they stand: the story sentence an image was spliced into stays.
_MODEL_MARKUP = re.compile(
    r"!\[[^\]\n]*\]\([^)\n]*\)|<img\b[^>]*>|\[[^\]\n]*\]\(\s*https?://[^)\s]*\?[^)\s]*\)"
    r"|<\|\w+\|>|\[/?INST\]|<</?SYS>>|```|<{3}[^<>]*>{3}"
    # One half of a fence like the prompts' own ("<<<UNTRUSTED-1A2B", "UNTRUSTED-1A2B>>>").
    r"|<{3}[\w-]*|(?<![\w-])[\w-]*>{3}"
    r"|</\s*[\w-]*(?:article|document|data|untrusted|context|input|instructions?)[\w-]*\s*>"
    r"|\bEND\s+OF\s+(?:THE\s+)?(?:UNTRUSTED|EXTERNAL)\s+\w+",
    re.IGNORECASE,
)
_AI_WORDS = tuple(re.compile(rf"{w}(?![a-z])") for w in ("ai", "bots?", "llms?", "gpts?"))
_CHAT = "chat"


def _mentions_word(low: str, pattern: re.Pattern[str]) -> bool:
    """A literal-led pattern found as a whole word; literal prefixes are what `re` scans fast."""
    for m in pattern.finditer(low):
        start = m.start()
        if start == 0 or not low[start - 1].isalpha() or low.endswith(_CHAT, 0, start):
            return True
    return False


def _mentions_ai(low: str) -> bool:
    """A name for a model or an assistant: "ai" as a word (not inside "said"), "chatbot", ..."""
    return any(_mentions_word(low, p) for p in _AI_WORDS) or _mentions(
        low, ("model", "assistant", "a.i.")
    )


def _mentions_ignore(low: str) -> bool:
    return _mentions(low, ("ignore", "disregard", "forget", "instruction", "prompt"))


def _mentions_summary(low: str) -> bool:
    return _mentions(low, ("summar", "briefing", "recap", "your "))


def _mentions_markup(low: str) -> bool:
    return _mentions(low, ("<", "`", "](", "inst]", "end of", ">>>"))


# Each detector: a cheap test on the lowercased text, then the test that decides.
_Detectors = tuple[tuple[Callable[[str], bool], Callable[[str], object]], ...]
_MODEL_DETECTORS: _Detectors = (
    (_mentions_ignore, _IGNORE_INSTRUCTIONS.search),
    (_mentions_ai, _ADDRESSED_TO_MODEL.search),
    (_mentions_summary, _is_summary_request),
)
# After one sentence aimed at a model, the orders that follow it in the same paragraph go too.
_MODEL_FOLLOW_UP = re.compile(
    r"(?:Include|Add|Insert|Append|Embed|Mention|Say|State|Write|Respond|Reply|Output|Print|Tell"
    r"|Begin|Start|End|Put|Place|Do\s+not|Don't|Don’t|Never|Always|Make\s+sure|Remember|Instead"
    r"|Also|Then|Finally|Only|You\s+(?:are|must|will|should)\s+(?:now|only|always|never))\b"
)


def _aimed_at_model(text: str, low: str, detectors: _Detectors = _MODEL_DETECTORS) -> bool:
    return any(hinted(low) and found(text) for hinted, found in detectors)


def _drop_model_sentences(paragraphs: list[str], state: _State) -> list[str]:
    low = "\n".join(paragraphs).lower()
    markup = _mentions_markup(low)
    active = tuple(d for d in _MODEL_DETECTORS if d[0](low))
    if not (markup or active):
        return paragraphs
    out: list[str] = []
    for paragraph, low_paragraph in zip(paragraphs, low.split("\n"), strict=True):
        if markup and _mentions_markup(low_paragraph):
            paragraph = _cut_all(paragraph, _MODEL_MARKUP, state, reason=MODEL, word_start=False)
            low_paragraph = paragraph.lower()
        if not _aimed_at_model(paragraph, low_paragraph, active):
            if paragraph:
                out.append(paragraph)
            continue
        kept: list[str] = []
        tainted = False
        for sentence in _sentences(paragraph):
            tainted = _aimed_at_model(sentence, sentence.lower()) or (
                tainted and _MODEL_FOLLOW_UP.match(sentence) is not None
            )
            if tainted:
                state.drop(sentence, MODEL)
            else:
                kept.append(sentence)
        if kept:
            out.append(" ".join(kept))
    return out


# --- markup, related stories, spam -------------------------------------------------------------

_TAG = re.compile(
    r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>",
    re.IGNORECASE | re.DOTALL,
)


def _strip_markup(paragraphs: list[str], state: _State) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        if "<" in paragraph:
            for m in _TAG.finditer(paragraph):
                state.drop(m.group(), MARKUP)
            paragraph = " ".join(_TAG.sub(" ", paragraph).split())
        if paragraph:
            out.append(paragraph)
    return out


_RELATED_HEADING = re.compile(
    r"(?:you\s+(?:may|might)\s+also\s+(?:like|enjoy|be\s+interested\s+in)"
    r"|related(?:\s+(?:stories|articles|news|posts|content|coverage|reading|links|topics|videos))?"
    r"|read\s+(?:more|next|also)|more\s+(?:from|on|in|about)\s+[^.!?]{1,40}"
    r"|more\s+(?:stories|news|articles|headlines|to\s+explore)"
    r"|recommended(?:\s+(?:for\s+you|stories|articles|reading|videos))?"
    r"|trending(?:\s+(?:now|stories|news|today|topics))?|most\s+(?:read|popular|viewed|shared)"
    r"|popular\s+(?:now|stories|posts|articles)|don(?:'|’)?t\s+miss|also\s+read|see\s+also"
    r"|what\s+to\s+read\s+next|editor(?:'|’)?s\s+picks|top\s+stories"
    r"|latest\s+(?:news|stories|headlines)|further\s+reading|other\s+stories"
    r"|(?:from\s+)?around\s+the\s+web|(?:sponsored|promoted)\s+stories"
    r"|in\s+case\s+you\s+missed\s+it|explore\s+more(?:\s+on\s+th(?:is|ese)\s+topics?)?"
    r"|more\s+on\s+th(?:is|ese)\s+(?:story|stories|topics?))\s*:?",
    re.IGNORECASE,
)
_RELATED_LINK = re.compile(
    r"(?:read\s+(?:more|next|also)|related|see\s+also|also\s+read|recommended|watch|listen"
    r"|more\s+on\s+this\s+story)\s*:\s*(?P<title>.{1,200})",
    re.IGNORECASE,
)


def _is_teaser(paragraph: str) -> bool:
    """A headline or a teaser cut off with an ellipsis, as listed under "Related stories"."""
    stripped = paragraph.rstrip()
    if stripped.endswith(("…", "...")):
        return True
    if stripped.endswith("?"):
        return _word_count(stripped) <= 15
    return not _ends_sentence(stripped) and _word_count(stripped) <= 25


def _drop_related_blocks(paragraphs: list[str], state: _State) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(paragraphs):
        paragraph = paragraphs[i]
        i += 1
        heading_like = len(paragraph) <= 60 and not paragraph.endswith((".", "!"))
        link = _RELATED_LINK.fullmatch(paragraph) if ":" in paragraph[:30] else None
        if link and _is_teaser(link.group("title")):
            state.drop(paragraph, RELATED)
            continue
        if not (heading_like and _RELATED_HEADING.fullmatch(paragraph)):
            out.append(paragraph)
            continue
        state.drop(paragraph, RELATED)
        # Headlines and teasers follow, until the first paragraph of ordinary prose.
        while i < len(paragraphs) and _is_teaser(paragraphs[i]):
            state.drop(paragraphs[i], RELATED)
            i += 1
    return out


# "For more regarding <phrase> visit our page." Matched on lowercased text from "more", which
# `re` finds fast, then checked for its lead-in.
_SEO_ANCHOR = re.compile(
    r"more\s+(?:information\s+|info\s+|details\s+)?(?:regarding|about|on|concerning|for)\s+"
    r"(?P<phrase>[^.!?,]{2,60}?),?\s+(?:please\s+)?(?:visit|see|check\s+out|go\s+to|click|view"
    r"|browse|look\s+at)\s+(?:our|this|the|my)\s+(?:own\s+|web\s*)?"
    r"(?:page|site|website|web\s*site|blog|homepage|link|internet\s+site)\b"
)
_SEO_LEAD_IN = re.compile(
    r"(?:\bfor|\bif\s+you\s+want(?:\s+to\s+know)?|\bto\s+(?:learn|read|find\s+out))\s+$"
)


def _seo_anchors(text: str) -> list[tuple[int, int]]:
    """Spans of "for more regarding X visit our page" in ``text``."""
    low = text.lower()
    if len(low) != len(text):  # lowercasing changed offsets; rare enough to skip
        return []
    spans = []
    for m in _SEO_ANCHOR.finditer(low):
        if _SEO_LEAD_IN.search(low, max(0, m.start() - 30), m.start()):
            spans.append(m.span("phrase"))
    return spans


_TITLE_PHRASE = re.compile(r"[A-Z0-9][\w'&.-]*(?:\s+(?:[A-Z0-9][\w'&.-]*|&|of|and|for|in))*")
_COMMERCIAL = (
    r"(?:[A-Z][\w'&-]*\s){0,3}"
    r"(?:Law\sFirms?|Lawyers?|Attorneys?|Solicitors?|Casinos?|(?:Payday\s)?Loans?|Insurance"
    r"|Escorts?|SEO\s(?:Services?|Agency|Company|Experts?)|Replica\sWatch(?:es)?|Bail\sBonds?"
    r"|Web\sDesign|Essay\sWriting(?:\sServices?)?|Dentists?|Plumbers?|Locksmiths?|Movers"
    r"|Real\sEstate|Rehab|Betting|Slots?|Poker|Viagra|Cialis|Pharmacy|Dispensary"
    r"|Forex(?:\sTrading)?|Roofing|Cleaning\sServices?|Web\sHosting|Apartments|Car\sRentals?)"
)
# A commercial phrase spliced in where it breaks the grammar: ", Acme Casino a senior official
# said" or ". Acme Casino The president said".
_DETERMINER = (
    r"(?= (?:a|an|the|this|that|these|those|his|her|their|its|our|some|several|many|most)\b)"
)
_SPLICED_COMMERCIAL = [
    (re.compile(pattern), hint)
    for pattern, hint in (
        (rf", ({_COMMERCIAL}){_DETERMINER}", ", "),
        (rf"; ({_COMMERCIAL}){_DETERMINER}", "; "),
        (rf"\n({_COMMERCIAL})(?= (?:The|A|An|This|In|On|At)\b)", "\n"),
        (rf"\. ({_COMMERCIAL})(?= (?:The|A|An|This|In|On|At)\b)", ". "),
    )
]


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(w) for w in phrase.split())
    if " " in phrase:  # led by a literal, which `re` scans fast; `_cut_all` checks the word start
        return re.compile(rf"{words}(?![\w-])")
    # One word could be a real name: cut it only where it was spliced into a sentence.
    return re.compile(rf"(?<=[,;] ){words}(?= [a-z])|(?:(?<=[.!?] )|(?<=\n)){words}(?= [A-Z])")


def _is_seo_anchor(text: str) -> bool:
    return bool(_seo_anchors(text))


def _drop_seo_spam(paragraphs: list[str], state: _State) -> list[str]:
    doc = "\n" + "\n".join(paragraphs)
    learned: list[str] = []
    anchored = False
    if _SEO_ANCHOR.search(doc.lower()):
        for paragraph in paragraphs:
            for start, end in _seo_anchors(paragraph):
                anchored = True
                phrase = " ".join(paragraph[start:end].split())
                if _TITLE_PHRASE.fullmatch(phrase) and phrase not in learned:
                    learned.append(phrase)
    if anchored:
        paragraphs = _drop_sentences(paragraphs, state, SEO, _is_seo_anchor)
    patterns = [(_phrase_pattern(p), p.split()[0]) for p in learned]
    patterns += [(pattern, hint) for pattern, hint in _SPLICED_COMMERCIAL if pattern.search(doc)]
    if not patterns:
        return paragraphs
    out: list[str] = []
    for paragraph in paragraphs:
        text = "\n" + paragraph  # so that a phrase opening the paragraph follows a "\n"
        for pattern, hint in patterns:
            text = _cut_all(text, pattern, state, hint)
        if text.strip():
            out.append(text.lstrip("\n"))
    return out


# --- captions ----------------------------------------------------------------------------------

_CREDIT = re.compile(
    r"\bphoto(?:s|graph)?\b|\bpool\b|\bvia\s+(?:AP|Reuters|AFP|Getty|EPA|Shutterstock)\b"
    r"|\bgetty\s+images\b|\bshutterstock\b|\b(?:AP|AFP|REUTERS|Reuters|EPA|EPA-EFE|Xinhua|Anadolu"
    r"|Sputnik|TASS|Bloomberg|NurPhoto|SOPA)\s*/|\bcourtesy\b|\bhandout\b|\bimages?\s*:",
    re.IGNORECASE,
)
_STANDALONE_CREDIT = re.compile(
    r"(?:AP|AFP|REUTERS|Reuters|EPA|Getty\s+Images|Shutterstock)(?:\s+Photo)?\s*/\s*[^.]{2,60}"
    r"|(?:photo(?:graph)?s?|image|picture)\s*(?:by|credit|:)\s*.{2,80}"
    r"|(?:AFP\s+via\s+)?Getty\s+Images",
    re.IGNORECASE,
)
_CAPTION_START = re.compile(
    r"(?:credit|image\s+caption|image\s+source|photo\s+caption|caption|photo(?:graph)?|picture"
    r"|image|pictured|photo\s+credit)\s*[:,]"
    r"|(?:in\s+)?this\s+(?:\w+\s+){0,3}?(?:photo(?:graph)?|image|picture|frame\s+grab|video\s+grab"
    r"|still|handout)\b[^.]{0,60}?\b(?:taken|provided|released|made|distributed|obtained"
    r"|from\s+video|shot)\b",
    re.IGNORECASE,
)
_CAPTION_PHRASE = re.compile(r"\b(?:photo|image)\s+caption\b", re.IGNORECASE)
# "Jane Doe, left, speaks with ..." / "Doe, left, and Roe, right, meet ...": captions describe the
# picture in the present tense.
_PLACE = (
    r"(?:left|right|center|centre|top|bottom|foreground|background|front|rear"
    r"|(?:second|third|fourth)\s+(?:from\s+)?(?:left|right))"
)
_POSITIONAL = re.compile(
    rf", {_PLACE}, (?:and [^,]{{1,60}}?(?:, {_PLACE},)? )?(?:[a-z]+s|meet|talk|pose|speak|attend"
    r"|walk|shake|listen|look|arrive|gesture|wave|stand|sit|hold|greet|chat|leave|react|embrace"
    r"|wait|watch|sign|attend)\b"
)


def _ends_with_credit(paragraph: str) -> bool:
    """Ends with a parenthetical credit like "(AP Photo/Jane Doe)" or "(Getty Images)"."""
    if not paragraph.endswith(")"):
        return False
    opening = paragraph.rfind("(")
    if opening == -1 or len(paragraph) - opening > 160:
        return False
    return (
        paragraph.find(")", opening) == len(paragraph) - 1
        and _CREDIT.search(paragraph, opening) is not None
    )


def _is_caption(paragraph: str) -> bool:
    if _ends_with_credit(paragraph):
        return True
    if paragraph[0] in "CcIiPpTt" and _CAPTION_START.match(paragraph):
        return True
    if len(paragraph) <= 160 and _STANDALONE_CREDIT.fullmatch(paragraph):
        return True
    if "aption" in paragraph and _CAPTION_PHRASE.search(paragraph):
        return True
    # "Jane Doe, left, speaks with ..." describes a picture when it opens the paragraph.
    return _POSITIONAL.search(paragraph) is not None and bool(
        _POSITIONAL.search(_sentences(paragraph)[0])
    )


def _drop_captions(paragraphs: list[str], state: _State) -> list[str]:
    return _drop_matching(paragraphs, state, CAPTION, _is_caption)


# --- foreign-language boilerplate --------------------------------------------------------------

# Non-Latin scripts, by Unicode block; Latin-script languages are told apart by their stopwords.
_SCRIPT_BLOCKS = (
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x08FF, "arabic"),
    (0x0900, 0x0DFF, "indic"),
    (0x0E00, 0x0FFF, "thai"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1100, 0x11FF, "hangul"),
    (0x3040, 0x30FF, "kana"),
    (0x3400, 0x9FFF, "han"),
    (0xAC00, 0xD7AF, "hangul"),
)
_OTHER_LETTERS = (
    "\u0370-\u03ff\u0400-\u052f\u0530-\u058f\u0590-\u05ff\u0600-\u08ff\u0900-\u0dff"
    "\u0e00-\u0fff\u10a0-\u10ff\u1100-\u11ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
)
_OTHER_LETTER = re.compile(f"[{_OTHER_LETTERS}]")
_NOT_OTHER_LETTER = re.compile(f"[^{_OTHER_LETTERS}]+")
_NOT_LATIN_LETTER = re.compile("[^A-Za-z\u00c0-\u024f]+")
_STOPWORDS = {
    "en": "the and of to is was that with for are it he she they have has were this from by said "
    "be which not their who will would been but its after about",
    "de": "der die das und ist nicht ein eine mit sich auf für den dem von zu auch wird werden "
    "sind oder bei nach aus über noch dieser diese ohne hat haben wurde kann wir ich",
    "es": "el los las del por con para una es su al como más pero sus está este esta fue han muy "
    "sobre también entre lo y la que",
    "fr": "le les des est et une dans pour pas qui sur au avec ce il elle sont ont mais nous vous "
    "du aux cette été être plus",
    "it": "della delle degli gli è sono nel nella alla alle questo questa più anche non perché ha "
    "hanno stato di che il",
    "pt": "não uma os do da dos das em ao são foi mas também pelo pela seu sua isso ele ela muito",
    "nl": "het een van niet zijn voor ook maar naar bij wordt worden deze hij zij wij werd hebben "
    "heeft dat",
}


def _stopword_table() -> dict[str, str]:
    owners: dict[str, set[str]] = {}
    for lang, words in _STOPWORDS.items():
        for word in words.split():
            owners.setdefault(word, set()).add(lang)
    # A word two languages share tells them apart from nothing.
    return {word: langs.pop() for word, langs in owners.items() if len(langs) == 1}


_STOPWORD_LANG = _stopword_table()


def _script(paragraph: str) -> tuple[str, int]:
    """The paragraph's main script and roughly how many letters it has in it."""
    if paragraph.isascii() or not _OTHER_LETTER.search(paragraph):
        return "latin", len(paragraph)
    other = _NOT_OTHER_LETTER.sub("", paragraph)
    latin = len(_NOT_LATIN_LETTER.sub("", paragraph))
    if len(other) <= latin:
        return "latin", latin
    counts: Counter[str] = Counter()
    for ch in other:
        code = ord(ch)
        for low, high, name in _SCRIPT_BLOCKS:
            if low <= code <= high:
                counts[name] += 1
                break
    name, letters = counts.most_common(1)[0]
    return name, letters


def _profile(words: list[str]) -> Counter[str | None]:
    return Counter(map(_STOPWORD_LANG.get, words))


def _other_language(words: list[str], main: str) -> bool:
    counts = _profile(words)
    top = max(_STOPWORDS, key=lambda lang: counts[lang])
    hits = counts[top]
    return (
        top != main
        and len(words) >= 8
        and hits >= 3
        and hits * 8 >= len(words)
        and hits >= 2 * counts[main] + 1
    )


def _looks_english(low: str) -> bool:
    # Words no other listed language uses; a plain `in` is the cheapest test Python has.
    return " the " in low or " and " in low or " to " in low or " that " in low or " with " in low


def _latin_foreign(paragraphs: list[str]) -> set[int]:
    """Indexes of Latin-script paragraphs in another language than the document's."""
    lows = "\n".join(paragraphs).lower().split("\n")
    english = [_looks_english(low) for low in lows]
    english_share = sum(len(low) for low, en in zip(lows, english, strict=True) if en)
    if english_share * 2 >= sum(len(low) for low in lows):
        main = "en"
        candidates = [i for i, low in enumerate(lows) if not english[i] and low.count(" ") >= 7]
    else:
        everything: Counter[str | None] = Counter()
        for low in lows:
            everything.update(_profile(low.split()))
        main = max(_STOPWORDS, key=lambda lang: everything[lang])
        candidates = list(range(len(lows)))
    return {i for i in candidates if _other_language(lows[i].split(), main)}


def _drop_foreign_boilerplate(paragraphs: list[str], state: _State) -> list[str]:
    if len(paragraphs) < 2:
        return paragraphs
    if all(p.isascii() for p in paragraphs) or not _OTHER_LETTER.search("\n".join(paragraphs)):
        scripts = [("latin", len(p)) for p in paragraphs]
    else:
        scripts = [_script(p) for p in paragraphs]
    weight: Counter[str] = Counter()
    for name, letters in scripts:
        weight[name] += letters
    main_script = weight.most_common(1)[0][0]
    foreign = {
        i for i, (name, letters) in enumerate(scripts) if name != main_script and letters >= 20
    }
    if main_script == "latin":
        latin = [i for i, (name, _) in enumerate(scripts) if name == "latin"]
        foreign |= {latin[j] for j in _latin_foreign([paragraphs[i] for i in latin])}
    kept: list[str] = []
    for i, paragraph in enumerate(paragraphs):
        if i in foreign:
            state.drop(paragraph, FOREIGN)
        else:
            kept.append(paragraph)
    return kept


# --- section headings --------------------------------------------------------------------------

_QUOTES = frozenset('"“”‘’«»')
_DECORATED = re.compile(r"[-–—=*•~#+|]+\s*.{1,80}?\s*[-–—=*•~#+|]+")
_MARKDOWN_HEADING = re.compile(r"#{1,6}\s+\S.{0,100}")
_NO_WORDS = re.compile(r"[\W_]+")


def _is_heading(paragraph: str, inside: bool) -> bool:
    """Decoration like "- Diplomatic efforts -", an ALL-CAPS line, or a short unpunctuated title."""
    if not paragraph or len(paragraph) > 120:
        return False
    first = paragraph[0]
    if not first.isalnum() and (
        _DECORATED.fullmatch(paragraph)
        or _MARKDOWN_HEADING.fullmatch(paragraph)
        or _NO_WORDS.fullmatch(paragraph)
    ):
        return True
    words = _word_count(paragraph)
    if paragraph.isupper() and 2 <= words <= 12:
        return len(_NOT_LATIN_LETTER.sub("", paragraph)) >= 4
    # A title line: short, capitalised, no terminal punctuation, no figures, no quotation (a quote
    # that lost its full stop is still a sentence), not a list item.
    return (
        inside
        and words <= 10
        and first.isupper()
        and not _ends_sentence(paragraph)
        and not paragraph.endswith((",", "…", "..."))
        and not any(ch.isdigit() or ch in _QUOTES for ch in paragraph)
    )


def _drop_section_headings(paragraphs: list[str], state: _State) -> list[str]:
    kept: list[str] = []
    last = len(paragraphs) - 1
    for i, paragraph in enumerate(paragraphs):
        if _is_heading(paragraph, inside=0 < i < last):
            state.drop(paragraph, HEADING)
        else:
            kept.append(paragraph)
    return kept


def _tidy(paragraphs: list[str], state: _State) -> list[str]:
    return [" ".join(p.split()) if "  " in p else p for p in paragraphs if p.strip()]


# The order matters. On raw lines, before line repair: role lines and fence closers go first, so
# nothing else claims them; timestamps go before a "5 hours ago" could be joined onto a broken
# line; the metadata prefix and the source line are read while they still stand on their own line.
# On paragraphs: text aimed at a model is judged before markup is stripped (an <img> or an HTML
# comment is part of the evidence); related stories before headings (their "Trending" heading);
# spam is cut before captions (the spam anchor can sit inside a caption and teaches the phrase to
# cut from the story); languages before headings, which look at the paragraphs that remain.
_LINE_RULES: tuple[Rule, ...] = (
    _drop_model_lines,
    _drop_relative_timestamps,
    _take_metadata_prefix,
    _drop_source_lines,
)
_PARAGRAPH_RULES: tuple[Rule, ...] = (
    _drop_model_sentences,
    _strip_markup,
    _drop_site_chrome,
    _drop_related_blocks,
    _drop_seo_spam,
    _drop_captions,
    _drop_foreign_boilerplate,
    _drop_section_headings,
    _tidy,
)
