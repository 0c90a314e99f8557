"""Text aimed at a model rather than a reader: role markers, fences, "ignore previous
instructions", notes to an AI, requests to put links or images into the summary.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from summarizer.clean.common import MODEL, State, cut_all, drop_matching, mentions
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
    return drop_matching(lines, state, MODEL, _is_model_line)


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
    return any(_mentions_word(low, p) for p in _AI_WORDS) or mentions(
        low, ("model", "assistant", "a.i.")
    )


def _mentions_ignore(low: str) -> bool:
    return mentions(low, ("ignore", "disregard", "forget", "instruction", "prompt"))


def _mentions_summary(low: str) -> bool:
    return mentions(low, ("summar", "briefing", "recap", "your "))


def _mentions_markup(low: str) -> bool:
    return mentions(low, ("<", "`", "](", "inst]", "end of", ">>>"))


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


def drop_model_sentences(paragraphs: list[str], state: State) -> list[str]:
    low = "\n".join(paragraphs).lower()
    markup = _mentions_markup(low)
    active = tuple(d for d in _MODEL_DETECTORS if d[0](low))
    if not (markup or active):
        return paragraphs
    out: list[str] = []
    for paragraph, low_paragraph in zip(paragraphs, low.split("\n"), strict=True):
        if markup and _mentions_markup(low_paragraph):
            paragraph = cut_all(paragraph, _MODEL_MARKUP, state, reason=MODEL, word_start=False)
            low_paragraph = paragraph.lower()
        if not _aimed_at_model(paragraph, low_paragraph, active):
            if paragraph:
                out.append(paragraph)
            continue
        kept: list[str] = []
        tainted = False
        for sentence in split_sentences(paragraph):
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
