"""Near-duplicate passages across and within sources: MinHash signatures with LSH banding.

Signatures are computed for all sentences at once with NumPy, so the cost grows linearly with
the number of shingles; LSH candidates are confirmed by exact Jaccard similarity before they are
grouped, so a group never holds a false match. Every member keeps its source: a passage carried
by several outlets is the corroboration signal the briefing uses.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from summarizer.types import DuplicateGroup, DuplicateMember, Source

NUM_PERM = 32
BANDS = 16  # 16 bands x 2 rows: candidate threshold ~ (1/16) ** (1/2) = 0.25, well below the
# Jaccard threshold, so few true pairs are missed; every candidate is confirmed exactly.
THRESHOLD = 0.6  # Jaccard similarity of word 3-gram shingles that counts as near-identical
MIN_WORDS = 6  # shorter sentences ("They are not.") repeat by chance, not by copying
MAX_REPS = 16  # representatives compared per LSH bucket (bounds the work per bucket)
# Multiply-shift hashing (Dietzfelbinger): h(x) = (a*x + b) mod 2**64 >> 32 with odd a is a
# universal family, and needs no modulo: the uint64 overflow is the mod.
_RNG = np.random.default_rng(20220216)
_A = _RNG.integers(1, np.iinfo(np.uint64).max, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, np.iinfo(np.uint64).max, size=NUM_PERM, dtype=np.uint64)
_SHIFT = np.uint64(32)
_WORD = re.compile(r"\w+")
_BLOCK = 200_000  # shingles per NumPy block, bounds memory on huge corpora


def shingles(text: str) -> frozenset[int]:
    """Hashed word 3-grams of the normalised text (stable across processes: CRC32 per word)."""
    hashes = [_word_hash(w) for w in _WORD.findall(text.lower())]
    if len(hashes) < 3:
        return frozenset(hashes)
    return frozenset(
        (a * 0x9E3779B1 + b * 0x85EBCA77 + c) & 0xFFFFFFFF
        for a, b, c in zip(hashes, hashes[1:], hashes[2:], strict=False)
    )


@lru_cache(maxsize=1 << 17)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode())


def signatures(sets: Sequence[frozenset[int]]) -> np.ndarray:
    """MinHash signature matrix, one row per set (rows of empty sets are all max)."""
    out = np.full((len(sets), NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    start = 0
    while start < len(sets):
        stop, total = start, 0
        while stop < len(sets) and (total == 0 or total + len(sets[stop]) <= _BLOCK):
            total += len(sets[stop])
            stop += 1
        _fill(out, sets, start, stop)
        start = stop
    return out


def _fill(out: np.ndarray, sets: Sequence[frozenset[int]], start: int, stop: int) -> None:
    lengths = np.fromiter((len(s) for s in sets[start:stop]), dtype=np.int64, count=stop - start)
    nonempty = np.flatnonzero(lengths)
    if nonempty.size == 0:
        return
    flat = np.fromiter(
        (h for s in sets[start:stop] for h in s), dtype=np.uint64, count=int(lengths.sum())
    )
    with np.errstate(over="ignore"):
        hashed = ((flat[:, None] * _A[None, :] + _B[None, :]) >> _SHIFT).astype(np.uint32)
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))[nonempty]
    out[start + nonempty] = np.minimum.reduceat(hashed, offsets, axis=0)


def find_duplicates(sources: Sequence[Source]) -> list[DuplicateGroup]:
    """Groups of near-identical sentences, across and within sources, in document order."""
    members: list[DuplicateMember] = []
    # Exact copies (after normalising case and punctuation) share one entry: syndicated wire
    # copy repeats verbatim, and MinHash need only see each distinct sentence once.
    first_of: dict[str, int] = {}
    copy_of: list[int] = []  # member -> index of its distinct sentence
    sets: list[frozenset[int]] = []
    for source in sources:
        for i, sentence in enumerate(source.sentences):
            words = _WORD.findall(sentence.lower())
            if len(words) < MIN_WORDS:
                continue
            members.append(DuplicateMember(source=source.id, text=sentence, sentence=i))
            key = " ".join(words)
            if key not in first_of:
                first_of[key] = len(sets)
                sets.append(shingles(sentence))
            copy_of.append(first_of[key])
    if len(members) < 2:
        return []
    forest = UnionFind(len(sets))
    if len(sets) > 1:
        for bucket in _candidate_buckets(signatures(sets)):
            _link_bucket(bucket, sets, forest)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(members)):
        groups[forest.find(copy_of[i])].append(i)
    linked = sorted((idx for idx in groups.values() if len(idx) > 1), key=lambda idx: idx[0])
    result = [DuplicateGroup(members=tuple(members[i] for i in idx)) for idx in linked]
    # Most widely carried first; document order breaks ties (the sort is stable).
    result.sort(key=lambda g: -len(g.sources))
    return result


def _candidate_buckets(sig: np.ndarray) -> list[list[int]]:
    rows = NUM_PERM // BANDS
    buckets: list[list[int]] = []
    for band in range(BANDS):
        block = np.ascontiguousarray(sig[:, band * rows : (band + 1) * rows])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        order = np.argsort(inverse, kind="stable")
        ends = np.cumsum(counts)
        for key in np.flatnonzero(counts > 1):
            buckets.append(order[ends[key] - counts[key] : ends[key]].tolist())
    return buckets


class UnionFind:
    """Disjoint sets over 0..n-1 with path halving; the smaller index is the root."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _link_bucket(bucket: list[int], sets: Sequence[frozenset[int]], forest: UnionFind) -> None:
    # Compare each member with at most MAX_REPS representatives of the bucket: linear per
    # bucket, even when templated text ("The X council met on N March...") fills one bucket
    # with thousands of loosely similar sentences. A pair missed here still meets in the other
    # bands' buckets, where it shares two more hash values.
    reps: list[int] = []
    for i in bucket:
        root = forest.find(i)
        for r in reps:
            if root == forest.find(r):
                break  # already linked through another band
            if jaccard(sets[i], sets[r]) >= THRESHOLD:
                forest.union(i, r)
                break
        else:
            if len(reps) < MAX_REPS:
                reps.append(i)


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)
