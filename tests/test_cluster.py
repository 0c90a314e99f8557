"""Story clustering: TF-IDF cosine, average link, a threshold calibrated on real text.

Calibration (see DEFAULT_THRESHOLD): the five seed articles are one event reported by five
outlets; tests/data/nightly holds two short articles on a football final and two on a central
bank rate decision. Same-event groups join at an average link of 0.17 (raw text) to 0.20
(prepared text) or more, unrelated articles never score above 0.06 pairwise, and the grouping is
the same for any threshold from 0.05 to 0.15.

The clustering finds candidate pairs through an index instead of an n x n matrix; the tests
below hold it to the full-matrix average link (kept here as the reference) on synthetic days of
many stories (tests/storygen.py) and on the real mixed inbox.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from storygen import bcubed, make_day

from summarizer.cluster import (
    DEFAULT_THRESHOLD,
    IndexLimits,
    candidate_pairs,
    cluster_sources,
    cluster_texts,
    pair_similarities,
    similarity_matrix,
    tfidf_vectors,
    word_counts,
)
from summarizer.corpus import prepare_corpus
from summarizer.ingest import iter_documents
from summarizer.salience import content_words
from summarizer.types import Source

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MIXED = ROOT / "tests" / "data" / "nightly"


def texts(folder: Path) -> list[str]:
    return [doc.text for doc in iter_documents([str(folder)])]


def seed_texts() -> list[str]:
    return texts(SEEDS)


def mixed_texts() -> tuple[list[str], list[str]]:
    """Seed texts then the four short articles, with a label per text."""
    seeds = seed_texts()
    names = sorted(p.name for p in MIXED.iterdir())
    others = texts(MIXED)
    labels = ["ukraine"] * len(seeds) + [n.split("-")[0] for n in names]
    return seeds + others, labels


def as_label_sets(groups: list[list[int]], labels: list[str]) -> list[set[str]]:
    return [{labels[i] for i in g} for g in groups]


def test_the_five_seeds_are_one_story() -> None:
    assert cluster_texts(seed_texts()) == [[0, 1, 2, 3, 4]]


def test_mixed_inbox_gives_three_stories() -> None:
    all_texts, labels = mixed_texts()
    groups = cluster_texts(all_texts)
    assert len(groups) == 3
    assert [len(g) for g in groups] == [5, 2, 2]  # largest story first
    assert all(len(s) == 1 for s in as_label_sets(groups, labels))
    assert {labels[g[0]] for g in groups} == {"ukraine", "football", "bank"}


@pytest.mark.parametrize("threshold", [0.05, 0.08, DEFAULT_THRESHOLD, 0.12, 0.15])
def test_threshold_sits_inside_a_wide_gap(threshold: float) -> None:
    all_texts, labels = mixed_texts()
    groups = cluster_texts(all_texts, threshold)
    assert sorted(len(g) for g in groups) == [2, 2, 5]
    assert all(len(s) == 1 for s in as_label_sets(groups, labels))


def test_unrelated_pairs_score_far_below_the_threshold() -> None:
    all_texts, labels = mixed_texts()
    sim = similarity_matrix(all_texts)
    cross = [sim[i, j] for i, j in combinations(range(len(labels)), 2) if labels[i] != labels[j]]
    same = [sim[i, j] for i, j in combinations(range(len(labels)), 2) if labels[i] == labels[j]]
    assert max(cross) < DEFAULT_THRESHOLD * 0.7
    assert min(same) > DEFAULT_THRESHOLD


def test_similarity_is_cosine() -> None:
    sim = similarity_matrix(["troops border Russia", "troops border Russia", "football final"])
    assert np.allclose(np.diag(sim), 1.0)
    assert sim[0, 1] == pytest.approx(1.0)
    assert sim[0, 2] == pytest.approx(0.0)


def test_edge_cases() -> None:
    assert cluster_texts([]) == []
    assert cluster_texts(["only one article about troops"]) == [[0]]
    # Texts without content words never join anything.
    assert cluster_texts(["the and of", "a to in"]) == [[0], [1]]


def test_cluster_sources_uses_titles_and_keeps_source_objects() -> None:
    def source(sid: str, title: str, text: str) -> Source:
        return Source(id=sid, name=sid, path=f"{sid}.md", text=text, sentences=(text,), title=title)

    a = source("a", "Cup final", "Riverside United beat Harbour City on penalties.")
    b = source("b", "Riverside win the Cup", "Ortega saved two penalties for Riverside United.")
    c = source("c", "Rate rise", "The Central Bank raised its interest rate to 4.5%.")
    assert cluster_sources([a, c, b]) == [(a, b), (c,)]


def test_prepared_mixed_inbox_gives_three_stories_of_whole_outlets() -> None:
    docs = iter_documents([str(SEEDS), str(MIXED)])
    corpus = prepare_corpus(docs, warn=lambda message: None)
    stories = cluster_sources(corpus.sources)
    outlets = [sorted(s.name for s in story) for story in stories]
    assert len(outlets) == 3 and len(outlets[0]) == 5
    assert sorted(outlets[1:]) == [
        ["Market Wire", "The Ledger"],
        ["Northern Herald", "Sports Desk"],
    ]


# --- the indexed clustering: same stories as the n x n average link, bounded work ------------


def dense_average_link(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """The reference: average link over the full matrix (Lance-Williams), largest group first."""
    n = sim.shape[0]
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    link = sim.astype(float).copy()
    np.fill_diagonal(link, -np.inf)
    while len(groups) > 1:
        row, col = np.unravel_index(int(np.argmax(link)), link.shape)
        if link[row, col] < threshold:
            break
        a, b = sorted((int(row), int(col)))
        size_a, size_b = len(groups[a]), len(groups[b])
        merged = (size_a * link[a] + size_b * link[b]) / (size_a + size_b)
        link[a, :] = merged
        link[:, a] = merged
        link[a, a] = -np.inf
        link[b, :] = -np.inf
        link[:, b] = -np.inf
        groups[a] = groups[a] + groups.pop(b)
    ordered = [sorted(members) for members in groups.values()]
    return sorted(ordered, key=lambda members: (-len(members), members[0]))


def day_texts(articles: int, seed: int) -> tuple[list[str], list[int]]:
    day = make_day(articles, seed=seed)
    return [f"{a.title}\n{a.text}" for a in day.articles], day.labels


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_indexed_clustering_equals_average_link_over_the_full_matrix(seed: int) -> None:
    all_texts, _ = day_texts(400, seed)
    expected = dense_average_link(similarity_matrix(all_texts), DEFAULT_THRESHOLD)
    assert cluster_texts(all_texts) == expected


def test_equal_on_the_real_mixed_inbox_at_every_threshold() -> None:
    all_texts, _ = mixed_texts()
    sim = similarity_matrix(all_texts)
    for threshold in (0.02, 0.05, DEFAULT_THRESHOLD, 0.2, 0.4):
        assert cluster_texts(all_texts, threshold) == dense_average_link(sim, threshold)


def test_a_story_larger_than_the_neighbour_limit_stays_one_story() -> None:
    # 5 neighbours per article, stories of up to 60 articles: most pairs of a story are never
    # compared directly, and the stories must still come out whole.
    limits = IndexLimits(terms=8, window=3, neighbours=5)
    all_texts, labels = day_texts(600, seed=4)
    found = cluster_texts(all_texts, limits=limits)
    assert bcubed(found, labels)[1] > 0.99  # recall: stories are not split


def test_synthetic_day_recovers_its_stories() -> None:
    all_texts, labels = day_texts(1500, seed=5)
    precision, recall, f1 = bcubed(cluster_texts(all_texts), labels)
    assert recall > 0.99 and precision > 0.9 and f1 > 0.95


def test_candidate_pairs_are_bounded_per_article() -> None:
    # One story of 400 near-identical articles: every pair is similar, yet each article is
    # compared with at most 2 x neighbours others (its own best and those choosing it).
    limits = IndexLimits(terms=10, window=4, neighbours=6)
    base = "Harbour bridge collapse rescuers divers ferry detour engineers inquiry"
    texts_ = [f"{base} witness{i % 7} quay{i % 11} report{i}" for i in range(400)]
    first, second = candidate_pairs(tfidf_vectors(texts_), limits)
    assert 0 < first.size <= 400 * limits.neighbours
    assert np.all(first < second)
    assert cluster_texts(texts_, limits=limits) == [list(range(400))]


def test_candidate_pairs_include_every_pair_of_a_small_story() -> None:
    # Stories of up to neighbours + 1 articles: every pair of the story is proposed. (Pairs of
    # different stories just above the threshold may be left out: that is the index's saving.)
    all_texts, labels = day_texts(300, seed=6)
    first, second = candidate_pairs(tfidf_vectors(all_texts))
    found = set(zip(first.tolist(), second.tolist(), strict=True))
    sizes = Counter(labels)
    small = [(i, j) for i, j in combinations(range(len(labels)), 2)
             if labels[i] == labels[j] and sizes[labels[i]] <= 25]  # fmt: skip
    assert len(small) > 100 and set(small) <= found


def test_pair_similarities_are_the_cosines() -> None:
    all_texts, _ = mixed_texts()
    vectors = tfidf_vectors(all_texts)
    sim = similarity_matrix(all_texts)
    first, second = np.triu_indices(len(all_texts), 1)
    assert np.allclose(pair_similarities(vectors, first, second, block=3), sim[first, second])


@pytest.mark.parametrize(
    "text",
    [
        "Troops, troops and more TROOPS: the army's withdrawal—or not.",
        "Über-große Städte; Москва заявила, что войска отходят. 12,000 troops",
        "rock'n'roll  well-known\tcases\n\nstudies studying studied",
        "",
    ],
)
def test_word_counts_equal_counting_content_words(text: str) -> None:
    assert word_counts(text) == Counter(content_words(text))
