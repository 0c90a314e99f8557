"""Sentence salience: centroid (how much of the event's shared vocabulary a sentence carries,
MEAD-style), lead position, and informativeness (numbers, names), with penalties for fragments.

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
    if not words:
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
    return round((centroid + 0.6 * position + informative) * shape, 6)
