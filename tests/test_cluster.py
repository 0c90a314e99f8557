"""Story clustering: TF-IDF cosine, average link, a threshold calibrated on real text.

Calibration (see DEFAULT_THRESHOLD): the five seed articles are one event reported by five
outlets; tests/data/nightly holds two short articles on a football final and two on a central
bank rate decision. Same-event groups join at an average link of 0.17 (raw text) to 0.20
(prepared text) or more, unrelated articles never score above 0.06 pairwise, and the grouping is
the same for any threshold from 0.05 to 0.15.
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from summarizer.cluster import (
    DEFAULT_THRESHOLD,
    cluster_sources,
    cluster_texts,
    similarity_matrix,
)
from summarizer.corpus import prepare_corpus
from summarizer.ingest import iter_documents
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
