"""Text aimed at a model rather than a reader: role markers, fences, "ignore previous
instructions", notes to an AI, requests to put links or images into the summary.

Disguised forms are caught too: the detectors also read a folded copy of suspicious text, with
compatibility forms (fullwidth, math bold, circled) and diacritics undone, homoglyphs from other
scripts mapped to Latin, letter-spacing ("i g n o r e") closed up; text hidden in Unicode tag
characters is decoded and dropped, and text behind a right-to-left override is read the way it
is displayed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from summarizer.clean.common import (
    MODEL,
    TAG,
    State,
    cut_all,
    drop_matching,
    glued,
    mentions,
    replace_each,
    unmarked,
)
from summarizer.segment import split_sentences

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


def drop_model_lines(lines: list[str], state: State) -> list[str]:
    joined = "\n".join(lines)
    state.letter_spaced = _letter_spaced(joined)
    state.odd_letters = not joined.isascii() and _ODD_LETTER.search(joined) is not None
    if state.letter_spaced or state.odd_letters:
        return drop_matching(lines, state, MODEL, _is_disguised_model_line)
    if joined.isascii() or unicodedata.is_normalized("NFKD", joined):
        return drop_matching(lines, state, MODEL, _is_model_line)
    # Accented, long-s, ligature and other compatibility letters ("Sýstem:", "ſystem:"): a line
    # is also read with them undone, if it could start a role marker or fence once they are.
    return drop_matching(lines, state, MODEL, _is_marked_model_line)


def _is_marked_model_line(line: str) -> bool:
    if _is_model_line(line):
        return True
    if line.isascii() or (line[0].isascii() and line[0] not in _MODEL_LINE_START):
        return False
    bare = unmarked(line).strip()
    return bare != line and bool(bare) and _is_model_line(bare)


def _is_disguised_model_line(line: str) -> bool:
    if _is_marked_model_line(line):
        return True
    if (line.isascii() or _ODD_LETTER.search(line) is None) and _SPACED.match(line) is None:
        return False
    folded = fold(line).strip()
    return bool(folded) and folded != line and _is_model_line(folded)


# --- disguises -------------------------------------------------------------------------------

_TAGS = re.compile("[\U000e0000-\U000e007f]+")
# Right-to-left override up to the pop (or the line's end): shown reversed.
_OVERRIDE = re.compile("\u202e([^\u202a-\u202c\u2066-\u2069\n]*)\u202c?")
# Invisible format characters a model still reads (zero-width, bidi controls, soft hyphen...).
_FORMAT = re.compile(
    "[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb]"
)
# Letter-spacing, "i g n o r e" or "i.g.n.o.r.e": a one-letter word, a spacer, the next one.
_SPACED_LETTER = re.compile(r"(?<![^\W\d_])([^\W\d_])[ .\-_*·•/|](?=[^\W\d_](?![^\W\d_]))")
_SPACED = re.compile(r"(?:[^\W\d_][ .\-_*·•/|]){3}[^\W\d_](?![^\W\d_])")
# The same, found fast, one pattern per spacer: a spacer first lets `re` jump between candidates
# instead of trying at every position (a search over a 20 MB article takes milliseconds, not
# seconds), and the spacer is kept beside its pattern so a plain `in` can rule it out first.
_SPACED_HINTS = tuple(
    (c, re.compile(re.escape(c) + r"[^\W\d_]" + (re.escape(c) + r"[^\W\d_]") * 2 + re.escape(c)))
    for c in " .-_*·•/|"
)
# Letters of other scripts (and Latin small capitals) that look like Latin ones.
_CONFUSABLES = {
    pair[0]: pair[1]
    for pair in (
        # Cyrillic
        "аa вb еe ёe іi їi јj кk ԛq мm нh оo рp сc ԁd тt уy ѵv хx ѕs һh ӏl ԝw "
        "АA ВB ЕE ЁE ІI ЇI ЈJ КK МM НH ОO РP СC ТT УY ХX ЅS ҺH ԜW "
        # Greek
        "αa βb εe ηn ιi κk νv οo ρp τt υu χx ωw ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX "
        # Latin look-alikes and small capitals, Armenian
        "ıi ȷj ɑa ɡg ɪi ɢg ɴn ᴏo ʀr ᴇe ᴀa ʟl ꜱs ᴛt ᴜu ᴘp ᴄc ᴅd ᴍm ᴠv ᴡw ᴢz ʏy ʜh ᴋk ᴊj "
        "ǫq օo սu ոn հh"
    ).split()
}


_CONFUSABLE_CHARS = "".join(_CONFUSABLES)
_CONFUSABLE = re.compile(f"[{_CONFUSABLE_CHARS}]")
# What fold() removes or replaces besides what NFKD changes: format characters, look-alikes.
_FOLDED_AWAY = re.compile(f"{_FORMAT.pattern}|[{_CONFUSABLE_CHARS}]")
# What a disguised letter can be: a look-alike from another script, a compatibility form
# (fullwidth, math, circled), a combining mark, or an invisible format character between letters.
_ODD_LETTER = re.compile(
    f"[{_CONFUSABLE_CHARS}\u0300-\u036f\uff01-\uff5e\u2460-\u24ff\U0001d400-\U0001d7ff"
    "\U0001f130-\U0001f189\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)


def reveal_hidden(text: str, state: State) -> str:
    """Before anything else: drop text hidden in tag characters (invisible to a reader, read by
    a model) and show overridden right-to-left runs as displayed, for the detectors to judge."""
    if text.isascii():
        return text
    # Tag characters lie beyond the Basic Multilingual Plane, where a character takes two
    # UTF-16 units: a length test in C rules them out faster than `re` scans for them.
    if len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text) and _TAGS.search(text):

        def drop(match: re.Match[str]) -> str:
            hidden = "".join(chr(ord(ch) - 0xE0000) for ch in match.group())
            state.drop(hidden if hidden.isprintable() else ascii(hidden), MODEL)
            return ""

        text = _TAGS.sub(drop, text)
    if "\u202e" in text:
        text = _OVERRIDE.sub(lambda m: m.group(1)[::-1], text)
    return text


def fold(text: str) -> str:
    """A copy of ``text`` with its disguises undone; only the detectors read it."""
    text = _FORMAT.sub("", text)
    if not text.isascii():
        text = unmarked(text)
        if _CONFUSABLE.search(text):
            text = replace_each(text, _CONFUSABLE, _CONFUSABLES)
    if _letter_spaced(text):
        # Close the gap between one-letter "words": "N o t e  t o  A I" -> "Note to AI".
        text = " ".join(_SPACED_LETTER.sub(r"\1", text).split())
    return text


def _letter_spaced(text: str) -> bool:
    # A loop, not any(): this runs on every paragraph.
    for spacer, hint in _SPACED_HINTS:  # noqa: SIM110
        if spacer in text and hint.search(text):
            return True
    return False


def _may_be_disguised(low: str, spaced: bool = True) -> bool:
    """Whether this paragraph is worth folding (the document as a whole already hinted).
    ``spaced`` False: letter-spacing is already ruled out."""
    if spaced and _letter_spaced(low):
        return True
    if low.isascii():
        return False
    return _ODD_LETTER.search(low) is not None or _hints_at_model(_without_marks(low))


def _disguise_suspected(low: str, state: State) -> bool:
    """Whether the document, disguises undone, hints at text aimed at a model. Folding a whole
    article is costly, so it is done only where a disguise is plausible (letter-spacing,
    look-alikes from other scripts, compatibility forms, format characters); text that only
    has accented letters is checked with its marks dropped, which is cheap.

    It must hold wherever _disguised holds for a paragraph, so letter-spaced text that lost its
    word breaks ("N o t e t o A I") is looked for with them gone, as _disguised does: the
    letters of the whole document, folded, run through every paragraph's letters in turn."""
    if state.letter_spaced or state.odd_letters:
        folded = fold(low).lower()
        if _hints_at_model(folded):
            return True
        return (
            bool(state.letter_spaced) and _SQUASHED.search(_NOT_LETTER.sub("", folded)) is not None
        )
    return not low.isascii() and _hints_at_model(_without_marks(low))


_LENGTHENED_BY_LOWER = "\u0130"  # "İ".lower() is "i" and a combining dot


class _DisguiseTest:
    """Whether a paragraph of a document may hide text aimed at a model, for
    drop_model_sentences: only if folding would change the paragraph, the paragraph folded is
    aimed at a model, and the whole document, folded, hints at one. Most paragraphs fold to
    themselves; the document-wide test, the costly one, is made last, only for a paragraph that
    passed the others."""

    def __init__(self, paragraphs: list[str], low: str, state: State) -> None:
        if state.letter_spaced is None:
            state.letter_spaced = _letter_spaced(low)
        if state.odd_letters is None:
            state.odd_letters = not low.isascii() and _ODD_LETTER.search(low) is not None
        self.low, self.state = low, state
        # The document-wide test answers no without folding anything.
        self.never = not (state.letter_spaced or state.odd_letters) and low.isascii()
        self.suspected: bool | None = None
        self.plain: dict[str, bool] = {}
        # Whether any paragraph as given (and lowercased) may be letter-spaced: the one search
        # over the whole document rules it out for all of them, where a search per paragraph
        # would cost a call each. (A paragraph whose markup was cut must be searched itself.)
        joined = "\n".join(paragraphs)
        self.spaced = not self.never and _letter_spaced(joined)
        # Lowercasing keeps every character's length, and whether it is a letter or a spacer,
        # except for one, which it lengthens: without it, the lowercase gives the same answer.
        self.low_spaced = self.spaced
        if _LENGTHENED_BY_LOWER in joined:
            self.low_spaced = not self.never and _letter_spaced(low)

    def possible(self, paragraphs: list[str]) -> bool:
        """False when looking paragraph by paragraph would find no disguise (and drop no empty
        paragraph): drop_model_sentences may return ``paragraphs`` as they are."""
        if self.never:
            return False
        return not (all(paragraphs) and all(self._plain(p, self.spaced) for p in paragraphs))

    def hides(self, paragraph: str, low_paragraph: str, *, alone: bool) -> bool:
        """Whether ``paragraph`` is aimed at a model once its disguises are undone.

        A paragraph that is not as the document gave it (its markup cut, or read with its
        marks gone) is judged ``alone``: that can close up a disguise ("i <img>g <img>n <img>o
        r e") the document did not show, so neither its letter-spacing search nor the
        document-wide test could see it."""
        if alone:
            return (
                not self._plain(paragraph, True)
                and _may_be_disguised(low_paragraph)
                and _disguised(paragraph)
            )
        return (
            not self.never
            and not self._plain(paragraph, self.spaced)
            and _may_be_disguised(low_paragraph, self.low_spaced)
            and _disguised(paragraph)
            and self._suspected()
        )

    def _suspected(self) -> bool:
        if self.suspected is None:
            self.suspected = _disguise_suspected(self.low, self.state)
        return self.suspected

    def _plain(self, paragraph: str, spaced: bool) -> bool:
        found = self.plain.get(paragraph)
        if found is None:
            found = self.plain[paragraph] = _folds_to_itself(paragraph, spaced)
        return found


def _folds_to_itself(text: str, spaced: bool = True) -> bool:
    """True only if ``fold(text) == text`` (then ``_disguised(text)`` is False); cheaper than
    folding: no format character, no look-alike, nothing NFKD changes, no letter-spacing
    (``spaced`` False: already ruled out)."""
    if not text.isascii() and (
        _FOLDED_AWAY.search(text) is not None or not unicodedata.is_normalized("NFKD", text)
    ):
        return False
    return not (spaced and _letter_spaced(text))


def _without_marks(text: str) -> str:
    """``text`` decomposed, with everything that is not ASCII dropped ("ïgnörë" -> "ignore")."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _hints_at_model(folded_low: str) -> bool:
    if any(hinted(folded_low) for hinted, _ in _MODEL_DETECTORS):
        return True
    return _letter_spaced(folded_low)


def _disguised(text: str) -> bool:
    """``text`` is aimed at a model once its disguises are undone."""
    folded = fold(text)
    if folded == text:
        return False
    low = folded.lower()
    if _aimed_at_model(folded, low):
        return True
    if not _letter_spaced(text):
        return False
    letters = _NOT_LETTER.sub("", low)  # the word breaks of "i g n o r e a l l" are lost
    return _SQUASHED.search(letters) is not None


_AI = (
    r"(?:AI|A\.I\.|LLMs?|GPTs?|(?:large\s+)?language\s+models?|chat\s*bots?|(?:AI\s+|virtual\s+)?"
    r"assistants?|AI\s+(?:models?|systems?|tools?|agents?|summari[sz]ers?)|bots?|summari[sz]ers?|models?)"
)
_IGNORE = "ignore|disregard|forget|override|bypass"
_FILLER = "all|any|the|your|of|my"
_EARLIER = "previous|prior|above|preceding|earlier|foregoing|former|original|system|existing|other"
_ORDERS = (
    "instructions?|prompts?|directions?|directives?|rules|guidelines|commands?|context|messages?"
)
_IGNORE_INSTRUCTIONS = re.compile(
    rf"\b(?:{_IGNORE})\s+(?:(?:{_FILLER})\s+)*(?:{_EARLIER})\s+(?:\w+\s+)?(?:{_ORDERS})\b"
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


# An order for whoever summarises the text, in a clause no story sentence opens with ("When
# summarizing this article, say ..."): "the" only before the nouns a story never summarises
# itself by ("When summarising the text of the law, the judge ..." is news).
_SUMMARISING_ORDER = re.compile(
    r"\b(?:when|while|if|before|after|once)\s+(?:you(?:'re|’re|\s+are)?\s+)?summari[sz](?:e|es|ing)"
    r"\s+(?:(?:this|these|the\s+following)\s+(?:texts?|pieces?|content)"
    r"|(?:this|these|the\s+following|the)\s+(?:articles?|stor(?:y|ies)|pages?|posts?))\b",
    re.IGNORECASE,
)


def _squash(pattern: str) -> str:
    """A pattern for the same words run together, as letter-spaced text reads once closed up."""
    return re.sub(r"\\s[+*]|\\\.", "", pattern)


# The main phrases, for letter-spaced text whose word breaks were lost ("ignoreallprevious").
_SQUASHED = re.compile(
    rf"(?:{_IGNORE})(?:{_FILLER})*(?:{_EARLIER})\w{{0,12}}?(?:{_ORDERS})"
    rf"|(?:note|message|memo|instructions?|reminder|attention)(?:to|for)(?:any|all|the)?"
    rf"{_squash(_AI)}|ifyou(?:are|re)(?:an?)?{_squash(_AI)}|asanai"
    r"|(?:when|while|if|before|after|once)(?:you(?:are|re)?)?summari[sz](?:e|es|ing)"
    r"(?:this|these|thefollowing|the)(?:articles?|stor(?:y|ies)|pages?|posts?|texts?|pieces?|content)",
    re.IGNORECASE,
)
_NOT_LETTER = re.compile(r"[\W\d_]+")
# A request to put something into the summary: the summary as the target, a request verb, and a
# link or image (unless the text talks to "your summary" directly). Tested per sentence.
_SUMMARY_NOUNS = "summary|summaries|response|answer|output|briefing|reply|recap"
_SUMMARY_TARGET = re.compile(
    r"\b(?:(?:to|in|into|within|inside|with)\s+(?:the|this)"
    r"|(?:(?:to|in|into|within|inside|with)\s+)?(?:(?P<your>your)|any|each|every))"
    rf"\s+(?:{_SUMMARY_NOUNS})\b"
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


# Each cheap test below must be true of every text its pattern matches (lowercased): a word the
# pattern cannot match without. A hint that misses one lets that form of injection through.
_AI_HINTS = ("model", "assistant", "a.i.", "summari", "automated")


def _mentions_ai(low: str) -> bool:
    """A name for a model or an assistant: "ai" as a word (not inside "said"), "chatbot", ...
    (what _ADDRESSED_TO_MODEL needs)."""
    return any(_mentions_word(low, p) for p in _AI_WORDS) or mentions(low, _AI_HINTS)


_IGNORE_HINTS = (*_IGNORE.split("|"), "instruction")


def _mentions_ignore(low: str) -> bool:
    """A verb of _IGNORE_INSTRUCTIONS, or its "new instructions:"."""
    return mentions(low, _IGNORE_HINTS)


_SUMMARY_HINTS = ("summar", *_SUMMARY_NOUNS.split("|"))
_LINK_HINTS = ("link", "url", "image", "picture", "pixel", "markdown", "http")


def _mentions_summary(low: str) -> bool:
    """What _is_summary_request needs: a summary noun, and "your" or a link noun."""
    return mentions(low, _SUMMARY_HINTS) and ("your" in low or mentions(low, _LINK_HINTS))


def _mentions_summarising(low: str) -> bool:
    return "summari" in low


# _MODEL_MARKUP's; "**" and "__" for the emphasis marks a paragraph is also read without.
_MARKUP_HINTS = ("<", "`", "](", "inst]", ">>>", "untru", "external", "**", "__")


def _mentions_markup(low: str) -> bool:
    return mentions(low, _MARKUP_HINTS)


# Each detector: a cheap test on the lowercased text, then the test that decides.
_Detectors = tuple[tuple[Callable[[str], bool], Callable[[str], object]], ...]
_MODEL_DETECTORS: _Detectors = (
    (_mentions_ignore, _IGNORE_INSTRUCTIONS.search),
    (_mentions_ai, _ADDRESSED_TO_MODEL.search),
    (_mentions_summary, _is_summary_request),
    (_mentions_summarising, _SUMMARISING_ORDER.search),
)
# After one sentence aimed at a model, the orders that follow it in the same paragraph go too.
_MODEL_FOLLOW_UP = re.compile(
    r"(?:Include|Add|Insert|Append|Embed|Mention|Say|State|Write|Respond|Reply|Output|Print|Tell"
    r"|Begin|Start|End|Put|Place|Do\s+not|Don't|Don’t|Never|Always|Make\s+sure|Remember|Instead"
    r"|Also|Then|Finally|Only|You\s+(?:are|must|will|should)\s+(?:now|only|always|never))\b"
)


def _aimed_at_model(text: str, low: str, detectors: _Detectors = _MODEL_DETECTORS) -> bool:
    return any(hinted(low) and found(text) for hinted, found in detectors)


# What a reader does not see of marked-up text: tags, comments, emphasis marks.
_MARKS = re.compile(rf"{TAG.pattern}|\*\*|__", TAG.flags)


def _readings(text: str) -> tuple[str, ...]:
    """``text``, and what a reader sees of it once its tags, comments and emphasis marks are
    gone, when that differs: a mark glued to letters on both sides joins them ("Ig<span>nore",
    "pre**vious**"), which the detectors must read as the words they are."""
    if "<" not in text and "**" not in text and "__" not in text:
        return (text,)
    seen = " ".join(_MARKS.sub(lambda m: "" if glued(text, *m.span()) else " ", text).split())
    return (text,) if seen == text else (text, seen)


def drop_model_sentences(paragraphs: list[str], state: State) -> list[str]:
    low = "\n".join(paragraphs).lower()
    markup = _mentions_markup(low)
    active = tuple(d for d in _MODEL_DETECTORS if d[0](low))
    # Disguises are looked for paragraph by paragraph only if the whole text, folded, hints at
    # one; a paragraph whose markup is cut, or read with its marks gone, on its own.
    disguise = _DisguiseTest(paragraphs, low, state)
    if not (markup or active or disguise.possible(paragraphs)):
        return paragraphs
    out: list[str] = []
    for paragraph, low_paragraph in zip(paragraphs, low.split("\n"), strict=True):
        cut = False
        if markup and _mentions_markup(low_paragraph):
            left = cut_all(paragraph, _MODEL_MARKUP, state, reason=MODEL, word_start=False)
            if left != paragraph:
                paragraph, low_paragraph, cut = left, left.lower(), True
        hidden = disguise.hides(paragraph, low_paragraph, alone=cut)
        # The detectors the document as given hinted at; all of them once markup was cut from
        # the paragraph, which can bring words together ("instruc<img>tions"); a paragraph
        # nothing was cut from is as the document gave it. A paragraph with marks left is also
        # read as a reader sees it, marks gone.
        detectors = _MODEL_DETECTORS if cut else active
        aimed = _aimed_at_model(paragraph, low_paragraph, detectors)
        for seen in _readings(paragraph)[1:]:
            low_seen = seen.lower()
            hidden = hidden or disguise.hides(seen, low_seen, alone=True)
            aimed = aimed or _aimed_at_model(seen, low_seen)
        if not (hidden or aimed):
            if paragraph:
                out.append(paragraph)
            continue
        kept: list[str] = []
        tainted = False
        for sentence in split_sentences(paragraph):
            readings = _readings(sentence)
            tainted = (
                any(_aimed_at_model(r, r.lower()) for r in readings)
                or (hidden and any(map(_disguised, readings)))
                or (tainted and _MODEL_FOLLOW_UP.match(sentence) is not None)
            )
            if tainted:
                state.drop(sentence, MODEL)
            else:
                kept.append(sentence)
        if kept:
            out.append(" ".join(kept))
    return out
