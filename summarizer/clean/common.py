"""What every cleaning rule shares: the reasons text is dropped, the per-document state, and
helpers that spot sentence ends and cut or drop text while recording it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from summarizer.segment import ends_with_abbreviation, split_sentences
from summarizer.types import Removed

# Why a piece of text was dropped: short and stable, as they show in every output.
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
class State:
    """What the rules found while cleaning one document."""

    removed: list[Removed] = field(default_factory=list)
    published: str | None = None
    outlet: str | None = None
    # What the injection rules found once per document: letter-spacing, disguise characters.
    letter_spaced: bool | None = None
    odd_letters: bool | None = None

    def drop(self, text: str, reason: str) -> None:
        text = " ".join(text.split())
        if text:
            self.removed.append(Removed(text, reason))


# A rule takes the document as lines (before line repair) or paragraphs (after), returns what it
# keeps and records what it dropped. Python's `re` scans alternations slowly, so rules look for
# cheap substring hints before they run their big patterns.
Rule = Callable[[list[str], State], list[str]]


BARE_ABBR = re.compile(r"(?:[A-Z]\.){2,4}|(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Sgt|Capt)\.")
_CLOSERS = "\"'”’»)]*"

# Read by the metadata dates and by line repair ("Wednesday, Feb." + "16, 2022.").
MONTH_NUMBER = {
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

# Stripped to count the Latin letters in a heading or a paragraph.
NOT_LATIN_LETTER = re.compile("[^A-Za-z\u00c0-\u024f]+")
# HTML markup in text: a comment, a script or style block, an opening or closing tag.
TAG = re.compile(
    r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>",
    re.IGNORECASE | re.DOTALL,
)


def mentions(low: str, hints: Iterable[str]) -> bool:
    # A loop, not any() over a generator: this runs on every paragraph, and is 40% faster so.
    for hint in hints:  # noqa: SIM110
        if hint in low:
            return True
    return False


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def unmarked(text: str) -> str:
    """``text`` decomposed (compatibility forms too), its combining marks dropped ("Sýstem" ->
    "System", "ﬁle" -> "file"); letters with no decomposition ("ı", "ø") stay."""
    decomposed = unicodedata.normalize("NFKD", text)
    return text if decomposed == text else _COMBINING.sub("", decomposed)


def replace_each(text: str, pattern: re.Pattern[str], table: Mapping[str, str]) -> str:
    """``text`` with each character ``pattern`` finds replaced by its entry in ``table`` (whose
    entries hold no such character): str.translate, done the fast way for non-ASCII text, where
    translate looks every character up one by one and such characters are few."""
    for ch in set(pattern.findall(text)):
        text = text.replace(ch, table[ch])
    return text


def word_count(text: str) -> int:
    return text.count(" ") + 1


def last_word(text: str) -> str:
    cut = text.rfind(" ")
    return text[cut + 1 :].lstrip("(\"“‘'[")


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip().rstrip(_CLOSERS)
    if not stripped or stripped[-1] not in ".!?…:;":
        return False
    return stripped[-1] != "." or not ends_with_abbreviation(stripped)


def drop_sentences(
    paragraphs: list[str], state: State, reason: str, is_junk: Callable[[str], bool]
) -> list[str]:
    """Drop the sentences ``is_junk`` flags, keeping the rest of each paragraph."""
    out: list[str] = []
    for paragraph in paragraphs:
        if is_junk(paragraph):
            kept = []
            for sentence in split_sentences(paragraph):
                if is_junk(sentence):
                    state.drop(sentence, reason)
                else:
                    kept.append(sentence)
            paragraph = " ".join(kept)
        if paragraph:
            out.append(paragraph)
    return out


def drop_matching(
    items: list[str], state: State, reason: str, is_junk: Callable[[str], bool]
) -> list[str]:
    kept: list[str] = []
    for item in items:
        stripped = item.strip()
        if stripped and is_junk(stripped):
            state.drop(stripped, reason)
        else:
            kept.append(item)
    return kept


def glued(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` sits inside a word, letters or digits on both sides: markup
    spliced into a word ("Ig<img>nore"), whose cut must not leave the word broken."""
    return start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()


def _cut(text: str, start: int, end: int) -> str:
    """Cut ``text[start:end]`` out of a sentence and close the gap (with no space where it
    was glued inside a word)."""
    if glued(text, start, end):
        return text[:start] + text[end:]
    before, after = text[:start].rstrip(), text[end:].lstrip()
    if not before or not after:
        return before or after
    if after[0] in ",.;:!?)]”’":
        return before + after
    return f"{before} {after}"


def cut_all(
    paragraph: str,
    pattern: re.Pattern[str],
    state: State,
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
