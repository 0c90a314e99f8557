"""Group articles into stories: TF-IDF cosine over content words, average-link clustering.

Pure and deterministic; the nightly job uses it to split a day's inbox into one briefing per event.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from summarizer.salience import content_words
from summarizer.types import Source

# Average cosine similarity two groups of articles need to be one story. Calibrated on text
# (tests/test_cluster.py): on the prepared seed articles (one event, five outlets) the weakest
# pair scores 0.17 and the last merge happens at an average link of 0.20; short articles on one
# event score 0.41-0.65; no pair of articles about unrelated events scores above 0.05. 0.10 sits
# in the middle of that gap (about the geometric mean of 0.05 and 0.20).
DEFAULT_THRESHOLD = 0.10


def tfidf_vectors(texts: Sequence[str]) -> np.ndarray:
    """One L2-normalised row per text: sublinear term frequency times smoothed IDF.

    Smoothed IDF (log((1 + n) / (1 + df)) + 1) keeps words every article shares: in an inbox
    that holds a single story, those words are exactly what makes the articles one story.
    """
    bags = [Counter(content_words(text)) for text in texts]
    vocabulary = sorted({word for bag in bags for word in bag})
    if not vocabulary:
        return np.zeros((len(texts), 0))
    column = {word: i for i, word in enumerate(vocabulary)}
    df = Counter(word for bag in bags for word in bag)
    n = len(texts)
    idf = np.array([math.log((1 + n) / (1 + df[w])) + 1.0 for w in vocabulary])
    matrix = np.zeros((n, len(vocabulary)))
    for row, bag in enumerate(bags):
        for word, count in bag.items():
            matrix[row, column[word]] = 1.0 + math.log(count)
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def similarity_matrix(texts: Sequence[str]) -> np.ndarray:
    """Pairwise cosine similarity of the texts' TF-IDF vectors."""
    vectors = tfidf_vectors(texts)
    similarity: np.ndarray = vectors @ vectors.T
    return similarity


def cluster_texts(texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD) -> list[list[int]]:
    """Average-link agglomerative clustering; groups of indices, largest group first.

    Merging stops when no two groups are, on average, at least ``threshold`` similar. Average
    link rather than single link: an article touching two events is one pair among many when two
    stories are compared, instead of deciding the merge on its own.
    """
    n = len(texts)
    if n == 0:
        return []
    sim = similarity_matrix(texts)
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    # Average similarity between live groups, kept up to date with the Lance-Williams update.
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


def cluster_sources(
    sources: Sequence[Source], threshold: float = DEFAULT_THRESHOLD
) -> list[tuple[Source, ...]]:
    """Group prepared sources into stories by their title and cleaned text."""
    texts = [f"{s.title or ''}\n{s.text}" for s in sources]
    return [tuple(sources[i] for i in group) for group in cluster_texts(texts, threshold)]
