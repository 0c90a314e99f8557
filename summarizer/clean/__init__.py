"""Clean one article: mend broken lines; drop chrome, spam, captions and text aimed at a model.

:func:`clean` is pure and fast; every piece of text it drops comes back as a :class:`Removed` with
a short, stable reason (see ``REASONS``), so a reader can always see what was cut and why. The rule
families live in the modules beside this one; here are their order and the driver.
"""

from __future__ import annotations

from summarizer.clean.captions import drop_captions
from summarizer.clean.chrome import (
    drop_related_blocks,
    drop_section_headings,
    drop_site_chrome,
    strip_markup,
)
from summarizer.clean.common import (
    CAPTION,
    CHROME,
    FOREIGN,
    HEADING,
    MARKUP,
    METADATA,
    MODEL,
    REASONS,
    RELATED,
    SEO,
    SOURCE_LINE,
    TIMESTAMP,
    UNDERSCORE,
    Rule,
    State,
)
from summarizer.clean.injection import drop_model_lines, drop_model_sentences, reveal_hidden
from summarizer.clean.language import drop_foreign_boilerplate
from summarizer.clean.lines import drop_relative_timestamps, drop_source_lines, take_metadata_prefix
from summarizer.clean.repair import join_lines, normalise, repair_underscores, tidy
from summarizer.clean.spam import drop_seo_spam
from summarizer.types import Cleaned

__all__ = [
    "CAPTION",
    "CHROME",
    "FOREIGN",
    "HEADING",
    "MARKUP",
    "METADATA",
    "MODEL",
    "REASONS",
    "RELATED",
    "SEO",
    "SOURCE_LINE",
    "TIMESTAMP",
    "UNDERSCORE",
    "clean",
]

# The order matters. On raw lines, before line repair: role lines and fence closers go first, so
# nothing else claims them; timestamps go before a "5 hours ago" could be joined onto a broken
# line; the metadata prefix and the source line are read while they still stand on their own line.
# On paragraphs: text aimed at a model is judged before markup is stripped (an <img> or an HTML
# comment is part of the evidence); related stories before headings (their "Trending" heading);
# spam is cut before captions (the spam anchor can sit inside a caption and teaches the phrase to
# cut from the story); languages before headings, which look at the paragraphs that remain.
_LINE_RULES: tuple[Rule, ...] = (
    drop_model_lines,
    drop_relative_timestamps,
    take_metadata_prefix,
    drop_source_lines,
)
_PARAGRAPH_RULES: tuple[Rule, ...] = (
    drop_model_sentences,
    strip_markup,
    drop_site_chrome,
    drop_related_blocks,
    drop_seo_spam,
    drop_captions,
    drop_foreign_boilerplate,
    drop_section_headings,
    tidy,
)


def clean(text: str) -> Cleaned:
    """Clean one article's text into paragraphs separated by one blank line."""
    state = State()
    text = repair_underscores(normalise(reveal_hidden(text, state)), state)
    lines = text.split("\n")
    for rule in _LINE_RULES:
        lines = rule(lines, state)
    paragraphs = join_lines(lines)
    for rule in _PARAGRAPH_RULES:
        paragraphs = rule(paragraphs, state)
    return Cleaned(
        text="\n\n".join(paragraphs),
        removed=tuple(state.removed),
        published=state.published,
        outlet=state.outlet,
    )
