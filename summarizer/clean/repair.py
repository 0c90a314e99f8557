"""Mend the text itself: normalise characters and entities, turn "don_t" back into "don't",
join hard-wrapped lines into paragraphs and tidy the whitespace the other rules leave behind.
"""

from __future__ import annotations

import html
import re
import unicodedata

from summarizer.clean.common import (
    BARE_ABBR,
    MONTH_NUMBER,
    UNDERSCORE,
    State,
    ends_sentence,
    last_word,
    mentions,
    replace_each,
)
from summarizer.segment import TITLE_ABBR, ends_with_abbreviation

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
_FULLWIDTH = re.compile("[\uff01-\uff5e]")  # fullwidth forms of ASCII: "ｉｇｎｏｒｅ．"
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{2,6}|#x[0-9A-Fa-f]{2,6});")


def normalise(text: str) -> str:
    """NFC, plain spaces and newlines, no zero-width characters, fullwidth forms of ASCII as
    ASCII, HTML entities decoded."""
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    odd = mentions(text, "\t\v\f") if text.isascii() else _ODD_CHAR.search(text) is not None
    if odd:
        text = replace_each(text, _ODD_CHAR, _ODD_CHAR_TABLE)
    if not text.isascii() and _FULLWIDTH.search(text):
        text = _FULLWIDTH.sub(lambda m: chr(ord(m.group()) - 0xFEE0), text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    return text


# Only contraction and possessive endings on a whole token of letters: snake_case names, URLs and
# paths are left alone.
_APOSTROPHE_TOKEN = re.compile(
    r"(?:[A-Za-z]*[nN]_[tT]|[A-Za-z]+_(?:[sS]|re|RE|ll|LL|ve|VE|[dD]|[mM]))(?![\w/@\\-]|\.\w)"
)


def repair_underscores(text: str, state: State) -> str:
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


def _continues(previous: str, line: str) -> bool:
    """True if ``line`` carries on the sentence that ``previous`` broke off."""
    first = line[0]
    continuing = first.islower() or first.isdigit()
    if previous[-1] == ".":
        if len(previous) <= 5 and BARE_ABBR.fullmatch(previous):  # "U.S." alone on its line
            return True
        if last_word(previous)[:-1].lower() in TITLE_ABBR:  # "said Gen." + "Mark Milley"
            return True
        # "Wednesday, Feb." + "16, 2022."; any other full stop ends the sentence.
        return continuing and ends_with_abbreviation(previous)
    if not continuing or ends_sentence(previous):
        return False
    if first.islower():
        return True
    tail = previous.rstrip()
    return tail[-1] in ",;–—" or last_word(tail).lower() in MONTH_NUMBER or len(tail) >= 60


def _is_wrapped(block: list[str]) -> bool:
    """A blank-line paragraph whose lines were hard-wrapped mid-sentence."""
    if len(block) < 2:
        return False
    broken = sum(1 for line in block[:-1] if len(line) >= 40 and not ends_sentence(line))
    return broken * 2 > len(block) - 1


def join_lines(lines: list[str]) -> list[str]:
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


def tidy(paragraphs: list[str], state: State) -> list[str]:
    """Collapse the spaces that cuts leave behind and drop paragraphs left empty."""
    return [" ".join(p.split()) if "  " in p else p for p in paragraphs if p.strip()]
