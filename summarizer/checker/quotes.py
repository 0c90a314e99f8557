"""Quoted words: find them in a claim and check they appear verbatim in the evidence.

Verbatim is judged modulo curly vs straight quotes and dashes, whitespace, letter case,
editorial brackets ("[is]") and a claim's ellipses, which may stand for any omitted words.
"""

from __future__ import annotations

import re

_QUOTED = re.compile(
    r"\"(?P<a>[^\"\n]+)\"|“(?P<b>[^”\n]+)”|«(?P<c>[^»\n]+)»|(?<![\w])‘(?P<d>[^’\n]+?)’(?![\w])"
)
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)\s*")
_TRANSLATE = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "—": "-",
        "–": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "[": "",
        "]": "",
        "_": "'",
        "\u00a0": " ",
        "\u202f": " ",
    }
)
_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"\s*-{1,2}\s*")
_EDGE = " \t\n,.;:!?'\"-"


def fold(text: str) -> str:
    """The form in which quotes are compared: straight quotes, one dash, single spaces, lower."""
    text = text.translate(_TRANSLATE)
    text = _DASHES.sub(" - ", text)
    return _SPACES.sub(" ", text).strip().casefold()


def quotes_in(text: str) -> list[str]:
    """Texts inside quotation marks, in order (at least one letter each)."""
    out = []
    for m in _QUOTED.finditer(text):
        quote = next(g for g in m.groups() if g is not None)
        if any(ch.isalpha() for ch in quote):
            out.append(quote)
    return out


def fragments(quote: str) -> list[str]:
    """A quote's pieces between ellipses, folded and trimmed, empty ones dropped."""
    out = []
    for piece in _ELLIPSIS.split(quote):
        folded = fold(piece).strip(_EDGE)
        if folded:
            out.append(folded)
    return out


def appears_in(quote: str, folded_haystack: str) -> bool:
    """Whether every fragment of ``quote`` occurs in the folded evidence, in order."""
    pos = 0
    for piece in fragments(quote):
        found = folded_haystack.find(piece, pos)
        if found < 0:
            return False
        pos = found + len(piece)
    return True
