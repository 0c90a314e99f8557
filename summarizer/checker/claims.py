"""Split a summary (plain text or Markdown) into checkable claims, dropping what is not a claim:
headers, "Sources:" lines, bullets and emphasis markers, and citation marks such as ``[1]``,
``[AP]``, ``(AP, Reuters)`` or a trailing "— NBC News".
"""

from __future__ import annotations

import re

from summarizer.checker.features import tokens_of
from summarizer.checker.words import is_content
from summarizer.segment import split_sentences

_SKIP_LINE = re.compile(
    r"^\s*(?:#{1,6}\s|[-*_=]{3,}\s*$|```|\**\s*(?:sources?|references?|citations?|notes?)"
    r"\s*\**\s*:)",
    re.I,
)
_LABEL = re.compile(r"^(\*\*|__)(?:\w+\W?){1,4}?[:.]?\1[:.]?\s+(?=\S)")  # "**Troops:** ..."
_BULLET = re.compile(r"^\s*(?:[-*+•·]|\d{1,3}[.)])\s+")
_QUOTE_BLOCK = re.compile(r"^\s*>\s?")
_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()\s]|\([^()]*\))*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_CODE = re.compile(r"`([^`]*)`")
_NUMERIC_CITE = re.compile(r"\s*\[\^?\d+(?:\s*[,;–-]\s*\d+)*\]")
_NAME = r"[A-Z][\w.&'’-]*(?:\s+(?:[A-Z][\w.&'’-]*|of|the|de|and|&|News|Post|Times))*"
_NAMED_CITE = re.compile(
    rf"\s*\[(?:(?:sources?|via|see)\s*:?\s*)?{_NAME}(?:\s*[,;/|]\s*{_NAME})*\]", re.I
)
_PAREN_CITE = re.compile(
    rf"\s*\((?:(?:sources?|via|see|per)\s*:?\s*)?{_NAME}(?:\s*(?:[,;/|]|\band\b)\s*{_NAME})*\)"
    r"(?=\s*(?:[.!?;:,]|\[|\(|$))"
)
_TRAILING_CITE = re.compile(rf"\s+(?:—|–|--|-)\s*(?:{_NAME})(?:\s*[,;/&]\s*{_NAME}){{0,4}}\s*$")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")
_SPACES = re.compile(r"[ \t]+")
_CLAUSE = re.compile(r";\s+")
_MIN_WORDS = 3
# A claim needs something to check: "2", "<claim>" or "Russia." are not statements of fact.
MIN_CONTENT_WORDS = 2


def split_claims(summary: str) -> list[str]:
    """Sentences (and ";"-separated clauses) of a summary, cleaned of Markdown and citations."""
    claims: list[str] = []
    for block in _blocks(summary):
        for sentence in split_sentences(block):
            for clause in _CLAUSE.split(sentence):
                clause = _tidy(clause)
                if len(re.findall(r"[A-Za-z]+", clause)) >= _MIN_WORDS and checkable(clause):
                    claims.append(clause)
    return claims


def checkable(claim: str) -> bool:
    """Whether a claim states something to check: "It was very special." does not."""
    content = {t.norm for t in tokens_of(claim) if is_content(t.norm)}
    return len(content) >= MIN_CONTENT_WORDS


def _blocks(summary: str) -> list[str]:
    """Paragraphs and bullet items, with their lines joined and their markers removed."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in summary.splitlines():
        line = _QUOTE_BLOCK.sub("", raw)
        if not line.strip() or _SKIP_LINE.match(line):
            if current:
                blocks.append(current)
            current = []
            continue
        if _BULLET.match(line):
            if current:
                blocks.append(current)
            current = [_BULLET.sub("", line, count=1)]
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return [_strip_marks(" ".join(line.strip() for line in b)) for b in blocks]


def _strip_marks(text: str) -> str:
    text = _LABEL.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    for _ in range(2):  # nested emphasis: ***bold italic***
        text = _EMPHASIS.sub(r"\2", text)
    text = _NUMERIC_CITE.sub("", text)
    text = _NAMED_CITE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def _tidy(clause: str) -> str:
    clause = clause.strip()
    for _ in range(3):  # "... (AP) [2]" and friends, from the end inwards
        before = clause
        clause = _PAREN_CITE.sub("", clause)
        clause = _TRAILING_CITE.sub("", clause)
        clause = _NAMED_CITE.sub("", clause)
        if clause == before:
            break
    clause = _SPACE_BEFORE_PUNCT.sub(r"\1", clause)
    return _SPACES.sub(" ", clause).strip(" \t;,")
