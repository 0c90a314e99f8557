import random

import numpy as np
import pytest

from summarizer import dedupe
from summarizer.dedupe import find_duplicates, jaccard, shingles, signatures
from summarizer.types import Source


def _source(sid: str, sentences: list[str]) -> Source:
    return Source(
        id=sid, name=sid, path=f"{sid}.txt", text=" ".join(sentences), sentences=tuple(sentences)
    )


def test_near_identical_passages_group_across_sources_keeping_every_carrier() -> None:
    a = _source(
        "wire",
        [
            "The central bank raised its main interest rate by half a point on Thursday.",
            "Markets were calm.",
        ],
    )
    b = _source(
        "daily",
        [
            "Unrelated opening sentence about the weather in the north today.",
            "The central bank raised its main interest rate by half a point on Thursday, "
            "officials said.",
        ],
    )
    c = _source(
        "weekly", ["A completely different story about football results and the league table."]
    )
    groups = find_duplicates([a, b, c])
    assert len(groups) == 1
    assert groups[0].sources == ("wire", "daily")
    assert [m.sentence for m in groups[0].members] == [0, 1]


def test_duplicates_within_one_source_are_found() -> None:
    s = _source(
        "blog",
        [
            "Some training continues, such as a large joint exercise due to end on Sunday.",
            "Officials gave no numbers for the units that left the region this week.",
            "Some training continues, such as a large joint exercise due to end on Sunday.",
        ],
    )
    groups = find_duplicates([s])
    assert len(groups) == 1
    assert [m.sentence for m in groups[0].members] == [0, 2]


def test_short_and_dissimilar_sentences_are_not_grouped() -> None:
    a = _source(
        "a", ["They are not.", "The minister resigned after the vote on the budget failed."]
    )
    b = _source("b", ["They are not.", "The minister survived the vote on the budget comfortably."])
    assert find_duplicates([a, b]) == []


def test_minhash_estimates_jaccard() -> None:
    x = shingles("one two three four five six seven eight nine ten eleven twelve")
    y = shingles("one two three four five six seven eight nine ten eleven thirteen")
    sig = signatures([x, y, frozenset()])
    estimate = float((sig[0] == sig[1]).mean())
    assert abs(estimate - jaccard(x, y)) < 0.25
    assert (sig[2] == sig[2].max()).all()


def test_many_copies_of_boilerplate_form_one_group() -> None:
    boiler = "Subscribe to our newsletter for the latest updates on this developing story today."
    sources = [
        _source(f"s{i}", [boiler, f"Unique sentence number {i} about a distinct local event here."])
        for i in range(300)
    ]
    groups = find_duplicates(sources)
    assert len(groups) == 1
    assert len(groups[0].members) == 300


def test_templated_text_still_links_true_near_duplicates() -> None:
    """Thousands of loosely similar template sentences share LSH buckets; the per-bucket cap
    must not cost the real near-duplicates (the same sentence with one word changed)."""
    towns = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum", "Hazel"]
    sentences = [
        f"The {towns[i % 8]} council met on {i % 28 + 1} March to discuss the "
        f"{towns[(i // 8) % 8]} budget of {i} million and the roads near {towns[(i // 64) % 8]}."
        for i in range(2000)
    ]
    copies = [s.replace("council met", "council members met") for s in sentences[:40]]
    a = _source("a", sentences)
    b = _source("b", copies)
    groups = find_duplicates([a, b])
    linked = {
        m.sentence
        for g in groups
        if {"a", "b"} <= set(g.sources)
        for m in g.members
        if m.source == "b"
    }
    assert linked == set(range(40))


def test_signatures_match_the_minhash_definition_across_block_edges() -> None:
    # Sets are hashed in small blocks that reuse one buffer; sets that straddle a block's end,
    # sets larger than a block and empty sets must give what the formula gives, set by set.
    rng = random.Random(3)
    sizes = [0, 1, 3, dedupe._BLOCK - 1, 2, dedupe._BLOCK * 2 + 5, 0, 7] + [
        rng.randint(0, 60) for _ in range(400)
    ]
    sets = [frozenset(rng.getrandbits(32) for _ in range(n)) for n in sizes]
    got = signatures(sets)
    a, b = [int(x) for x in dedupe._A], [int(x) for x in dedupe._B]
    for row, members in zip(got.tolist(), sets, strict=True):
        expected = [
            min((((ak * x + bk) % 2**64) >> 32 for x in members), default=2**32 - 1)
            for ak, bk in zip(a, b, strict=True)
        ]
        assert row == expected
    assert got.dtype == np.uint32


def test_sentence_keys_read_words_as_the_word_pattern_does() -> None:
    # ASCII sentences take a translate-and-split path: the same words as \w+ finds.
    rng = random.Random(5)
    alphabet = "abcXYZ019_ .,;:'\"-()/!?\t\n$%&*+<=>@[]^`{|}~"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        assert dedupe._words(text) == dedupe._WORD.findall(text), repr(text)
    for text in ("naïve café, 東京 and Москва", "x\u00a0y", "a\u2028b"):
        assert dedupe._words(text) == dedupe._WORD.findall(text)


def test_sets_are_gathered_by_their_smallest_member() -> None:
    rng = random.Random(6)
    for _ in range(50):
        n = rng.randint(1, 60)
        forest = dedupe.UnionFind(n)
        for _ in range(rng.randint(0, n)):
            forest.union(rng.randrange(n), rng.randrange(n))
        copy_of = np.array([rng.randrange(n) for _ in range(rng.randint(0, 80))], dtype=np.int64)
        naive: dict[int, list[int]] = {}
        for member, k in enumerate(copy_of.tolist()):
            naive.setdefault(forest.find(k), []).append(member)
        expected = sorted((m for m in naive.values() if len(m) > 1), key=lambda m: m[0])
        assert dedupe._roots(forest).tolist() == [forest.find(i) for i in range(n)]
        assert dedupe._runs_by_root(forest, copy_of) == expected


def test_a_bucket_already_linked_into_one_set_is_not_walked_again() -> None:
    # Rows 0-2 share band 0; rows 3-4 share band 0 too (other values); row 5 is alone.
    sig = np.zeros((6, dedupe.NUM_PERM), dtype=np.uint32)
    sig[:, :] = np.arange(6, dtype=np.uint32)[:, None] * 100
    sig[0:3, 0:2] = 7
    sig[3:5, 0:2] = 9
    forest = dedupe.UnionFind(6)
    assert dedupe._candidate_buckets(sig, 0, dedupe._roots(forest)) == [[0, 1, 2], [3, 4]]
    forest.union(3, 4)
    assert dedupe._candidate_buckets(sig, 0, dedupe._roots(forest)) == [[0, 1, 2]]
    forest.union(0, 1)  # 2 still apart: the bucket is still walked
    assert dedupe._candidate_buckets(sig, 0, dedupe._roots(forest)) == [[0, 1, 2]]
    assert dedupe._candidate_buckets(sig, 1, dedupe._roots(forest)) == []


def test_signing_as_sources_arrive_finds_the_same_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    # Signatures are computed a block of distinct sentences at a time as sources are added;
    # blocks of any size give the groups one block of everything gives.
    rng = random.Random(8)
    vocabulary = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split()
    base = [" ".join(rng.choice(vocabulary) for _ in range(rng.randint(6, 14))) for _ in range(40)]
    sources = []
    for s in range(30):
        picked = [rng.choice(base) for _ in range(8)]
        picked = [p if rng.random() < 0.5 else p + " " + rng.choice(base) for p in picked]
        sources.append(_source(f"s{s}", [p + "." for p in picked]))
    whole = find_duplicates(sources)
    assert len(whole) >= 5
    for block in (1, 3, 17):
        monkeypatch.setattr(dedupe, "SIGN_BLOCK", block)
        assert find_duplicates(sources) == whole
