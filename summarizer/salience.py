"""Sentence salience: centroid (how much of the event's shared vocabulary a sentence carries,
MEAD-style), lead position, and informativeness (numbers, names), with penalties for fragments.
Sentences about how the story was sourced ("spoke on condition of anonymity") score zero.

Deterministic and linear in the corpus size; used by the extractive engine and to choose which
sentences of a long source fit its token budget in the model prompt.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.types import Source

# Letters of any script (not only A-Z), so an article in Russian or Greek has content words too.
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])+|\d[\d,.]*")
_NUMBER = re.compile(r"\d")
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+")
_BACK_REFERENCE = re.compile(r"(?:He|She|They|It|This|That|These|Those|His|Her|Their|Its)\b")
STOPWORDS = frozenset(
    """
    a an the and or but if then than that this these those there their they them it its of
    in on at to for from by with as is are was were be been being has have had do does did
    not no nor so such too very can could will would should may might must shall he she his
    her we our you your i me my who whom whose which what when where why how all any both
    each few more most other some into over under again further once here also just only own
    same about against between through during before after above below up down out off said
    says say told while one two new last week day days year years mr ms mrs
    """.split()
)


# How a story was sourced, not what happened. Always procedural, whoever the subject:
_SOURCING = re.compile(
    r"\b(?:(?:(?:spoke|speaking|talked) (?:to [^,;.]{1,60}? )?)?(?:on|under) (?:the )?"
    r"condition (?:of|that (?:he|she|they) not be) (?:anonymity|named|identified)|"
    r"requested anonymity|speaking anonymously|asked not to be (?:named|identified)|"
    r"declined to (?:comment|be (?:named|identified)|elaborate)|could not be reached|"
    r"(?:did|does|do) not (?:immediately )?(?:respond|reply) to (?:\w+ )?requests? for comment|"
    r"contributed (?:reporting )?to this (?:report|story|article))\b",
    re.IGNORECASE,
)
# Procedural only when a source is the subject ("The official did not provide evidence", but
# "Russia did not provide evidence of a withdrawal" is part of the story).
_SOURCE_CAVEAT = re.compile(
    r"\b(?:(?:was|were|is|are) not authori[sz]ed to (?:speak|discuss|comment|talk|be named)|"
    r"(?:did|does|do|would) not (?:provide|offer|give|present|share) (?:any )?"
    r"(?:underlying |further |supporting |additional )?(?:evidence|details|proof)|"
    r"could not (?:independently )?(?:verify|confirm) (?:the|this|that|these|his|her|their)\b)",
    re.IGNORECASE,
)
_SOURCE_WORDS = frozenset(
    """official officials source sources spokesman spokeswoman spokesperson person people he she
    they who aide aides diplomat diplomats""".split()
)
_REPORTED = re.compile(r"\b(?:said|says|told|tells|added)\b")
_CLAUSE_EDGE = re.compile(r"[,;:]\s+|\s+(?:and|but|who|because|as)\s+|\s+[-–—]+\s+")


def procedural_spans(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of ``sentence`` that is about sourcing, edges included."""
    spans: list[tuple[int, int]] = []
    edges = list(_CLAUSE_EDGE.finditer(sentence))
    body_end = len(sentence.rstrip().rstrip('.!?"”’'))
    for pattern, needs_source in ((_SOURCING, False), (_SOURCE_CAVEAT, True)):
        for m in pattern.finditer(sentence):
            before = [e for e in edges if e.end() <= m.start()]
            start = before[-1].start() if before else 0
            if _REPORTED.search(sentence, start, m.start()):
                start = m.start()  # "..., an official said on condition ...": keep who said it
            if needs_source:
                prefix = sentence[before[-1].end() if before else 0 : m.start()].lower()
                words = re.findall(r"[a-z]+", prefix)
                if len(words) > 6 or (prefix.strip() and not _SOURCE_WORDS & set(words)):
                    continue
            after = [e for e in edges if e.start() >= m.end()]
            end = after[0].start() if after else body_end
            spans.append((start, max(end, m.end())))
    return sorted(spans)


def is_procedural(sentence: str) -> bool:
    """A sentence that only says how the story was sourced: never a point on its own."""
    spans = procedural_spans(sentence)
    if not spans:
        return False
    rest, last = [], 0
    for start, end in spans:
        rest.append(sentence[last:start])
        last = max(last, end)
    rest.append(sentence[last:])
    return len(content_words(" ".join(rest))) < 3


def content_words(text: str) -> list[str]:
    """Lowercased content words with a light plural/inflection strip."""
    out = []
    for token in _WORD.findall(text.lower()):
        token = token.strip("'’-.,")
        if len(token) < 3 or token in STOPWORDS or _NUMBER.search(token):
            continue
        out.append(stem(token))
    return out


def stem(word: str) -> str:
    for suffix, repl in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + repl
    return word


@dataclass(frozen=True)
class Scored:
    source: str
    index: int
    text: str
    score: float
    words: frozenset[str]


def score_sentences(sources: Sequence[Source]) -> list[Scored]:
    """Salience of every sentence of every source, in document order."""
    words_by_sentence = [[content_words(s) for s in src.sentences] for src in sources]
    # Document frequency across sources: a word many outlets use is about the shared event.
    source_df: Counter[str] = Counter()
    for sentences in words_by_sentence:
        source_df.update({w for words in sentences for w in words})
    n_sources = max(len(sources), 1)
    out: list[Scored] = []
    for src, sentences in zip(sources, words_by_sentence, strict=True):
        total = max(len(sentences), 1)
        for i, (sentence, words) in enumerate(zip(src.sentences, sentences, strict=True)):
            out.append(
                Scored(
                    source=src.id,
                    index=i,
                    text=sentence,
                    score=_score(sentence, words, i, total, source_df, n_sources),
                    words=frozenset(words),
                )
            )
    return out


def _score(
    sentence: str,
    words: list[str],
    index: int,
    total: int,
    source_df: Counter[str],
    n_sources: int,
) -> float:
    if not words or is_procedural(sentence):
        return 0.0
    unique = set(words)
    # Centroid: average share of sources using each word, damped for very common words.
    centroid = sum(
        (source_df[w] / n_sources) * math.log(1 + n_sources / source_df[w]) for w in unique
    ) / math.sqrt(len(unique))
    position = 1.0 / (1.0 + index / 4.0) + (0.1 if index < total / 3 else 0.0)
    informative = 0.4 * bool(_NUMBER.search(sentence)) + 0.05 * min(len(_NAME.findall(sentence)), 3)
    n_words = len(sentence.split())
    shape = 1.0
    if n_words < 8:
        shape = 0.3
    elif n_words > 50:
        shape = 0.7
    if sentence.rstrip().endswith("?") or sentence.rstrip().endswith(":"):
        shape *= 0.3
    if _BACK_REFERENCE.match(sentence):
        shape *= 0.5  # "He is not expected to ...": unreadable without the sentence before
    return round((centroid + 0.6 * position + informative) * shape, 6)
