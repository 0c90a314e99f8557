"""SEO spam: "for more regarding X visit our page" anchors, the phrase X wherever else it was
spliced in, and commercial phrases ("Acme Casino") spliced into the middle of a sentence.
"""

from __future__ import annotations

import re

from summarizer.clean.common import SEO, State, cut_all, drop_sentences

# "For more regarding <phrase> visit our page." Matched on lowercased text from "more", which
# `re` finds fast, then checked for its lead-in.
_SEO_ANCHOR = re.compile(
    r"more\s+(?:information\s+|info\s+|details\s+)?(?:regarding|about|on|concerning|for)\s+"
    r"(?P<phrase>[^.!?,]{2,60}?),?\s+(?:please\s+)?(?:visit|see|check\s+out|go\s+to|click|view"
    r"|browse|look\s+at)\s+(?:our|this|the|my)\s+(?:own\s+|web\s*)?"
    r"(?:page|site|website|web\s*site|blog|homepage|link|internet\s+site)\b"
)
_SEO_LEAD_IN = re.compile(
    r"(?:\bfor|\bif\s+you\s+want(?:\s+to\s+know)?|\bto\s+(?:learn|read|find\s+out))\s+$"
)


def _seo_anchors(text: str) -> list[tuple[int, int]]:
    """Spans of "for more regarding X visit our page" in ``text``."""
    low = text.lower()
    if len(low) != len(text):  # lowercasing changed offsets; rare enough to skip
        return []
    spans = []
    for m in _SEO_ANCHOR.finditer(low):
        if _SEO_LEAD_IN.search(low, max(0, m.start() - 30), m.start()):
            spans.append(m.span("phrase"))
    return spans


_TITLE_PHRASE = re.compile(r"[A-Z0-9][\w'&.-]*(?:\s+(?:[A-Z0-9][\w'&.-]*|&|of|and|for|in))*")
_COMMERCIAL = (
    r"(?:[A-Z][\w'&-]*\s){0,3}"
    r"(?:Law\sFirms?|Lawyers?|Attorneys?|Solicitors?|Casinos?|(?:Payday\s)?Loans?|Insurance"
    r"|Escorts?|SEO\s(?:Services?|Agency|Company|Experts?)|Replica\sWatch(?:es)?|Bail\sBonds?"
    r"|Web\sDesign|Essay\sWriting(?:\sServices?)?|Dentists?|Plumbers?|Locksmiths?|Movers"
    r"|Real\sEstate|Rehab|Betting|Slots?|Poker|Viagra|Cialis|Pharmacy|Dispensary"
    r"|Forex(?:\sTrading)?|Roofing|Cleaning\sServices?|Web\sHosting|Apartments|Car\sRentals?)"
)
# A commercial phrase spliced in where it breaks the grammar: ", Acme Casino a senior official
# said" or ". Acme Casino The president said".
_DETERMINER = (
    r"(?= (?:a|an|the|this|that|these|those|his|her|their|its|our|some|several|many|most)\b)"
)
_SPLICED_COMMERCIAL = [
    (re.compile(pattern), hint)
    for pattern, hint in (
        (rf", ({_COMMERCIAL}){_DETERMINER}", ", "),
        (rf"; ({_COMMERCIAL}){_DETERMINER}", "; "),
        (rf"\n({_COMMERCIAL})(?= (?:The|A|An|This|In|On|At)\b)", "\n"),
        (rf"\. ({_COMMERCIAL})(?= (?:The|A|An|This|In|On|At)\b)", ". "),
    )
]


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(w) for w in phrase.split())
    if " " in phrase:  # led by a literal, which `re` scans fast; `cut_all` checks the word start
        return re.compile(rf"{words}(?![\w-])")
    # One word could be a real name: cut it only where it was spliced into a sentence.
    return re.compile(rf"(?<=[,;] ){words}(?= [a-z])|(?:(?<=[.!?] )|(?<=\n)){words}(?= [A-Z])")


def _is_seo_anchor(text: str) -> bool:
    return bool(_seo_anchors(text))


def drop_seo_spam(paragraphs: list[str], state: State) -> list[str]:
    doc = "\n" + "\n".join(paragraphs)
    learned: list[str] = []
    anchored = False
    if _SEO_ANCHOR.search(doc.lower()):
        for paragraph in paragraphs:
            for start, end in _seo_anchors(paragraph):
                anchored = True
                phrase = " ".join(paragraph[start:end].split())
                if _TITLE_PHRASE.fullmatch(phrase) and phrase not in learned:
                    learned.append(phrase)
    if anchored:
        paragraphs = drop_sentences(paragraphs, state, SEO, _is_seo_anchor)
    patterns = [(_phrase_pattern(p), p.split()[0]) for p in learned]
    patterns += [(pattern, hint) for pattern, hint in _SPLICED_COMMERCIAL if pattern.search(doc)]
    if not patterns:
        return paragraphs
    out: list[str] = []
    for paragraph in paragraphs:
        text = "\n" + paragraph  # so that a phrase opening the paragraph follows a "\n"
        for pattern, hint in patterns:
            text = cut_all(text, pattern, state, hint)
        if text.strip():
            out.append(text.lstrip("\n"))
    return out
