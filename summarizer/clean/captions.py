"""Photo captions and credits: "(AP Photo/Jane Doe)", "Image caption: ...", "In this photo
taken ...", and "Jane Doe, left, speaks with ..." describing a picture.
"""

from __future__ import annotations

import re

from summarizer.clean.common import CAPTION, State, drop_matching
from summarizer.segment import split_sentences

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
        _POSITIONAL.search(split_sentences(paragraph)[0])
    )


def drop_captions(paragraphs: list[str], state: State) -> list[str]:
    return drop_matching(paragraphs, state, CAPTION, _is_caption)
