"""Near-duplicate passages across and within sources: MinHash signatures with LSH banding.

Signatures are computed for all sentences at once with NumPy, so the cost grows linearly with
the number of shingles; LSH candidates are confirmed by exact Jaccard similarity before they are
grouped, so a group never holds a false match. Every member keeps its source: a passage carried
by several outlets is the corroboration signal the briefing uses.
"""

from __future__ import annotations

import re
import zlib
from array import array
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, repeat

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
# 3-gram hash (a * K1 + b * K2 + c) mod 2**32 of three word hashes.
_K1, _K2, _MASK32 = np.uint64(0x9E3779B1), np.uint64(0x85EBCA77), np.uint64(0xFFFFFFFF)
_WORD = re.compile(r"\w+")
_BLOCK = 8192  # shingles per NumPy block: a 2 MB buffer, reused
SIGN_BLOCK = 4096  # distinct sentences signed at a time as sources are added


def shingles(text: str) -> frozenset[int]:
    """Hashed word 3-grams of the normalised text (stable across processes: CRC32 per word)."""
    words = _WORD.findall(text.lower())
    if len(words) < 3:
        return frozenset(_word_hash(w) for w in words)
    flat, _ = _trigrams([words])
    return frozenset(flat.tolist())


# ASCII text split at the same places as by _WORD, with C-level string methods.
_NOT_WORD_ASCII = str.maketrans(
    {chr(c): " " for c in range(128) if not (chr(c).isalnum() or chr(c) == "_")}
)


def _words(low: str) -> list[str]:
    """``_WORD.findall(low)``, faster for ASCII text."""
    if low.isascii():
        return low.translate(_NOT_WORD_ASCII).split()
    return _WORD.findall(low)


@lru_cache(maxsize=1 << 17)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode())


def _trigrams(sentences: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Hashed word 3-grams of many word lists at once: one flat uint64 array (with repeats)
    and the offsets where each list's 3-grams start (length len(sentences) + 1)."""
    lengths = np.fromiter((len(w) for w in sentences), dtype=np.int64, count=len(sentences))
    total = int(lengths.sum())
    hashes = np.fromiter(
        map(_word_hash, chain.from_iterable(sentences)), dtype=np.uint64, count=total
    )
    return _trigrams_of(hashes, lengths)


def _trigrams_of(hashes: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_trigrams`` from the word hashes of all lists end to end and each list's length."""
    counts = np.maximum(lengths - 2, 0)
    offsets = np.zeros(lengths.size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    # The 3-grams of list k start at word start_k and there are counts[k] of them.
    word_starts = np.repeat(np.cumsum(lengths) - lengths, counts)
    position = word_starts + (np.arange(int(offsets[-1])) - np.repeat(offsets[:-1], counts))
    a, b, c = hashes[position], hashes[position + 1], hashes[position + 2]
    with np.errstate(over="ignore"):
        flat = (a * _K1 + b * _K2 + c) & _MASK32
    return flat, offsets


def signatures(sets: Sequence[frozenset[int]]) -> np.ndarray:
    """MinHash signature matrix, one row per set (rows of empty sets are all max)."""
    lengths = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    flat = np.fromiter(chain.from_iterable(sets), dtype=np.uint64, count=int(offsets[-1]))
    return _signatures(flat, offsets)


def _signatures(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """MinHash rows of the (multi)sets flat[offsets[k]:offsets[k + 1]], in bounded blocks.

    The blocks are small and hashed in place in one reused buffer: fresh temporaries of the
    whole corpus's size cost more in page faults than the arithmetic does."""
    n = offsets.size - 1
    out = np.full((n, NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    buffer = np.empty((_BLOCK, NUM_PERM), dtype=np.uint64)
    start = 0
    while start < n:
        # As many sets as fit in one block (at least one, however large).
        stop = max(start + 1, int(np.searchsorted(offsets, offsets[start] + _BLOCK, "right")) - 1)
        stop = min(stop, n)
        lo, hi = int(offsets[start]), int(offsets[stop])
        if stop == start + 1 and hi - lo > _BLOCK:  # one set larger than a block
            pieces = range(lo, hi, _BLOCK)
            out[start] = np.min(
                [_hashed(flat[a : min(a + _BLOCK, hi)], buffer).min(axis=0) for a in pieces], axis=0
            )
        elif hi > lo:
            hashed = _hashed(flat[lo:hi], buffer)
            local = offsets[start:stop] - lo
            nonempty = np.flatnonzero(np.diff(offsets[start : stop + 1]))
            out[start + nonempty] = np.minimum.reduceat(hashed, local[nonempty], axis=0)
        start = stop
    return out


def _hashed(values: np.ndarray, buffer: np.ndarray) -> np.ndarray:
    """(a * x + b) mod 2**64 >> 32 of each value under every permutation, in ``buffer``."""
    hashed = buffer[: values.size]
    np.multiply(values[:, None], _A[None, :], out=hashed)
    hashed += _B
    hashed >>= _SHIFT
    return hashed


class _LazySets:
    """frozensets of 3-gram hashes, built only for sentences that meet a candidate."""

    def __init__(self, flat: np.ndarray, offsets: np.ndarray) -> None:
        self.flat = flat
        self.offsets = offsets
        self.built: dict[int, frozenset[int]] = {}

    def __getitem__(self, k: int) -> frozenset[int]:
        found = self.built.get(k)
        if found is None:
            lo, hi = int(self.offsets[k]), int(self.offsets[k + 1])
            found = self.built[k] = frozenset(self.flat[lo:hi].tolist())
        return found


def find_duplicates(sources: Sequence[Source]) -> list[DuplicateGroup]:
    """Groups of near-identical sentences, across and within sources, in document order."""
    finder = DuplicateFinder()
    for source in sources:
        finder.add(sentence_keys(source.sentences))
    return finder.groups(sources)


def sentence_keys(sentences: Sequence[str]) -> tuple[tuple[int, str], ...]:
    """(index, normalised words) of the sentences long enough to compare: what dedupe reads of a
    source. Computed beside the rest of a document's preparation, in the worker that splits it."""
    keys = []
    for i, sentence in enumerate(sentences):
        words = _words(sentence.lower())
        if len(words) >= MIN_WORDS:
            keys.append((i, " ".join(words)))
    return tuple(keys)


class DuplicateFinder:
    """find_duplicates one source at a time: ``add`` each source's ``sentence_keys`` as it is
    prepared, then ``groups`` once all are in (LSH and linking).

    The MinHash signatures of new distinct sentences are computed as they come, a block at a
    time: that work then overlaps the preparation of later sources, and stays in small arrays
    (one pass over a corpus-sized array costs more in fresh memory pages than in arithmetic)."""

    def __init__(self) -> None:
        # Exact copies (after normalising case and punctuation) share one entry: syndicated wire
        # copy repeats verbatim, and MinHash need only see each distinct sentence once. Members
        # are kept as numbers; only those that end up in a group become DuplicateMembers.
        self.first_of: dict[str, int] = {}  # key -> number of its distinct sentence
        # Word hashes of the distinct sentences not yet signed, end to end, and their lengths
        # (not the words: a list of word strings per sentence would hold several times the
        # corpus in memory).
        self.word_hashes = array("Q")
        self.lengths = array("q")
        # The signed ones: their 3-gram hashes end to end, how many each has, their signatures.
        self.trigrams = array("Q")
        self.trigram_counts = array("q")
        self.signature_blocks: list[np.ndarray] = []
        # Each member's source number, its index in that source, and its distinct sentence.
        self.member_source = array("q")
        self.member_index = array("q")
        self.copy_of = array("q")
        self.sources = 0

    def add(self, keys: Sequence[tuple[int, str]]) -> None:
        """The next source, by its ``sentence_keys``."""
        number = self.sources
        self.sources += 1
        first_of, lengths, copy_of = self.first_of, self.lengths, self.copy_of
        self.member_source.extend(repeat(number, len(keys)))
        for i, key in keys:
            self.member_index.append(i)
            k = first_of.get(key)
            if k is None:
                k = first_of[key] = len(first_of)
                words = key.split(" ")
                self.word_hashes.extend(map(_word_hash, words))
                lengths.append(len(words))
            copy_of.append(k)
        if len(lengths) >= SIGN_BLOCK:
            self._sign()

    def _sign(self) -> None:
        """Signatures (and 3-grams, for the exact check) of the distinct sentences not yet
        signed."""
        if not self.lengths:
            return
        flat, offsets = _trigrams_of(
            np.frombuffer(self.word_hashes, dtype=np.uint64),
            np.frombuffer(self.lengths, dtype=np.int64),
        )
        self.signature_blocks.append(_signatures(flat, offsets))
        self.trigrams.frombytes(flat.astype(np.uint64, copy=False).tobytes())
        self.trigram_counts.frombytes(np.diff(offsets).astype(np.int64, copy=False).tobytes())
        self.word_hashes, self.lengths = array("Q"), array("q")

    def groups(self, sources: Sequence[Source]) -> list[DuplicateGroup]:
        """The groups, given the sources that were added (in the same order, with their ids)."""
        if len(self.copy_of) < 2:
            return []
        self._sign()
        distinct = len(self.first_of)
        forest = UnionFind(distinct)
        if distinct > 1:
            flat = np.frombuffer(self.trigrams, dtype=np.uint64)
            offsets = np.zeros(distinct + 1, dtype=np.int64)
            np.cumsum(np.frombuffer(self.trigram_counts, dtype=np.int64), out=offsets[1:])
            sets = _LazySets(flat, offsets)
            signature = np.concatenate(self.signature_blocks)
            for band in range(BANDS):
                for bucket in _candidate_buckets(signature, band, _roots(forest)):
                    _link_bucket(bucket, sets, forest)
        member_source, member_index = self.member_source, self.member_index
        # Members are made by the hundred thousand on a big corpus, visiting the sources out of
        # order: their ids and sentences are read from two flat lists, not from each Source.
        ids = [source.id for source in sources]
        sentences = [source.sentences for source in sources]
        result = []
        for idx in _runs_by_root(forest, np.frombuffer(self.copy_of, dtype=np.int64)):
            numbers = zip(
                [member_source[i] for i in idx], [member_index[i] for i in idx], strict=True
            )
            members = [DuplicateMember(ids[n], sentences[n][k], k) for n, k in numbers]
            result.append(DuplicateGroup(members=tuple(members)))
        # Most widely carried first; document order breaks ties (the sort is stable).
        result.sort(key=lambda g: -len(g.sources))
        return result


def _candidate_buckets(sig: np.ndarray, band: int, roots: np.ndarray) -> list[list[int]]:
    """The band's buckets of two or more sentences, leaving out those already linked into one
    set (``roots``: each sentence's set, as the band starts): linking those would change
    nothing, and after the first bands most buckets are such."""
    rows = NUM_PERM // BANDS
    block = np.ascontiguousarray(sig[:, band * rows : (band + 1) * rows])
    keys: np.ndarray
    if rows <= 2:  # the band's values packed into one integer: a fast numeric sort
        keys = np.zeros(block.shape[0], dtype=np.uint64)
        for column in range(rows):
            keys = (keys << np.uint64(32)) | block[:, column].astype(np.uint64)
    else:
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
    order, starts, ends = _equal_runs(keys)
    set_of = roots[order]
    mixed = np.minimum.reduceat(set_of, starts) != np.maximum.reduceat(set_of, starts)
    return _indices(order, starts, ends, (ends - starts > 1) & mixed)


def _equal_runs(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The indices that sort ``values`` (stable, so equal values keep their order) and where
    each run of equal values starts and ends in that order (``values`` not empty)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    edges = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    return order, np.concatenate(([0], edges)), np.concatenate((edges, [ordered.size]))


def _indices(
    order: np.ndarray, starts: np.ndarray, ends: np.ndarray, keep: np.ndarray
) -> list[list[int]]:
    """The kept runs, each as the list of its indices."""
    bounds = zip(starts[keep].tolist(), ends[keep].tolist(), strict=True)
    return [order[lo:hi].tolist() for lo, hi in bounds]


def _roots(forest: UnionFind) -> np.ndarray:
    """Every element's root. A set's root is its smallest element and every parent pointer
    points down, so pointer jumping finds them all at once."""
    roots = np.array(forest.parent, dtype=np.int64)
    while True:
        jumped = roots[roots]
        if np.array_equal(jumped, roots):
            return roots
        roots = jumped


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


def _link_bucket(bucket: list[int], sets: _LazySets, forest: UnionFind) -> None:
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


def _runs_by_root(forest: UnionFind, copy_of: np.ndarray) -> list[list[int]]:
    """The members (indices into ``copy_of``) of each set of two or more, ordered by their
    first member; each in increasing order."""
    order, starts, ends = _equal_runs(_roots(forest)[copy_of])
    runs = _indices(order, starts, ends, ends - starts > 1)
    runs.sort(key=lambda run: run[0])
    return runs


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a and not b:
        return 1.0
    common = len(a & b)
    return common / (len(a) + len(b) - common)
