"""Sentence splitting that survives abbreviations ("U.S.", "Feb. 16", "Gen."), quotes and datelines.

Every sentence returned is an exact substring of the input, so quotes cited later are verbatim.
"""

from __future__ import annotations

import re

# Abbreviations after which a period does not end a sentence (lowercased, without the period).
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof gen lt col maj capt cmdr adm sgt cpl pvt sen rep gov pres supt insp st
    jr sr mt ft no nos vs etc al approx dept univ assn bros inc corp ltd co est jan feb mar
    apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun fig vol
    pp ed eds rev hon messrs mme mlle
    """.split()
)
_MONTHS = frozenset(
    """
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)
# Words that usually start a new sentence even after an acronym like "U.S."
_STARTERS = frozenset(
    """
    the a an he she it they we i you his her its their our this that these those there but
    and so yet however meanwhile still then now in on at after before while when if as for
    with without by from some many most more several other others both all no
    """.split()
)

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace,
# then something that can open a sentence.
_BOUNDARY = re.compile(r"([.!?…]+)([\"'”’»)\]]*)(\s+)(?=[\"'“‘«(\[]?[A-Z0-9À-ÖØ-Þ])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_NEXT_WORD = re.compile(r"[\"'“‘«(\[]?([A-Za-z0-9]+)")
_PARAGRAPHS = re.compile(r"\n\s*\n")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences; paragraph breaks always end a sentence."""
    sentences: list[str] = []
    for paragraph in _PARAGRAPHS.split(text):
        sentences.extend(_split_paragraph(paragraph))
    return sentences


def _split_paragraph(paragraph: str) -> list[str]:
    out: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        if match.group(1) == "." and not _ends_sentence(paragraph, match):
            continue
        end = match.end(2)
        piece = paragraph[start:end].strip()
        if piece:
            out.append(piece)
        start = match.end(3)
    tail = paragraph[start:].strip()
    if tail:
        out.append(tail)
    return out


def _ends_sentence(paragraph: str, match: re.Match[str]) -> bool:
    """Decide whether a single period at ``match`` ends a sentence."""
    if match.group(2):  # a closing quote or bracket after the period: `...tomorrow.”`
        return True
    before = _WORD_BEFORE.search(paragraph, 0, match.start(1))
    if before is None:
        return True  # a number or symbol before the period: "in 2014."
    word = before.group(1)
    bare = word.rstrip(".").lower()
    nxt = _NEXT_WORD.match(paragraph, match.end(3))
    next_word = nxt.group(1) if nxt else ""
    if bare in _MONTHS and next_word[:1].isdigit():
        return False  # "Feb. 16"
    if bare in _ABBREVIATIONS:
        return False
    if len(bare) == 1 and word[0].isupper():
        return False  # an initial: "Lloyd J. Austin"
    if "." in word.rstrip("."):  # a dotted acronym: "U.S.", "U.N."
        return next_word.lower() in _STARTERS and next_word[:1].isupper()
    return True
