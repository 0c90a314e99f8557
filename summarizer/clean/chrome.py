"""Site furniture around the story: comment forms, share bars and cookie notices, HTML markup,
related-stories blocks and section headings.
"""

from __future__ import annotations

import re

from summarizer.clean.common import (
    CHROME,
    HEADING,
    MARKUP,
    NOT_LATIN_LETTER,
    RELATED,
    TAG,
    State,
    drop_matching,
    ends_sentence,
    word_count,
)

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


def drop_site_chrome(items: list[str], state: State) -> list[str]:
    return drop_matching(items, state, CHROME, _is_chrome)


def strip_markup(paragraphs: list[str], state: State) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        if "<" in paragraph:
            for m in TAG.finditer(paragraph):
                state.drop(m.group(), MARKUP)
            paragraph = " ".join(TAG.sub(" ", paragraph).split())
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
        return word_count(stripped) <= 15
    return not ends_sentence(stripped) and word_count(stripped) <= 25


def drop_related_blocks(paragraphs: list[str], state: State) -> list[str]:
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
    words = word_count(paragraph)
    if paragraph.isupper() and 2 <= words <= 12:
        return len(NOT_LATIN_LETTER.sub("", paragraph)) >= 4
    # A title line: short, capitalised, no terminal punctuation, no figures, no quotation (a quote
    # that lost its full stop is still a sentence), not a list item.
    return (
        inside
        and words <= 10
        and first.isupper()
        and not ends_sentence(paragraph)
        and not paragraph.endswith((",", "…", "..."))
        and not any(ch.isdigit() or ch in _QUOTES for ch in paragraph)
    )


def drop_section_headings(paragraphs: list[str], state: State) -> list[str]:
    kept: list[str] = []
    last = len(paragraphs) - 1
    for i, paragraph in enumerate(paragraphs):
        if _is_heading(paragraph, inside=0 < i < last):
            state.drop(paragraph, HEADING)
        else:
            kept.append(paragraph)
    return kept
