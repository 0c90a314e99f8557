"""The checker's learned decision: fitting on bags, the shipped model, and what it says."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from summarizer.checker import Checker
from summarizer.checker.calibrated import NAMES, Model, shipped
from summarizer.checker.calibration import (
    Bag,
    auc,
    bag_score,
    balanced_accuracy,
    choose_threshold,
    claim_probabilities,
    cross_validate,
    fit,
    fold_of,
    platt,
)

GOOD, BAD = NAMES.index("recall"), NAMES.index("negation_flip")


def _row(recall: float, flip: float = 0.0) -> tuple[float, ...]:
    row = [0.0] * len(NAMES)
    row[GOOD], row[BAD] = recall, flip
    return tuple(row)


def _bags(n: int = 80, seed: int = 3) -> list[Bag]:
    """Supported claims have high recall and no flip; in an unsupported two-claim summary one
    claim is fine and the other flipped, and the label only says that something is wrong."""
    rng = random.Random(seed)
    bags = []
    for i in range(n):
        group = f"article-{i % 20}"
        good = _row(rng.uniform(0.8, 1.0))
        if i % 2:
            bags.append(Bag(group, "toy", 1, (good, _row(rng.uniform(0.8, 1.0)))))
        else:
            bags.append(Bag(group, "toy", 0, (good, _row(rng.uniform(0.8, 1.0), 1.0))))
    return bags


def test_fitting_finds_the_wrong_claim_inside_an_unsupported_summary() -> None:
    model = fit(_bags(), l2=0.01)
    fine, flipped = claim_probabilities(model, _bags()[0])
    assert fine > 0.5 > flipped
    assert model.weights[BAD] < 0 < model.weights[GOOD]


def test_fitting_is_deterministic() -> None:
    assert fit(_bags(), l2=0.01) == fit(_bags(), l2=0.01)


def test_cross_validation_keeps_each_article_in_one_fold() -> None:
    bags = _bags()
    cv = cross_validate(bags, k=5, select="toy", l2=0.01)
    folds: dict[str, set[int]] = {}
    for bag, fold in zip(bags, cv.folds, strict=True):
        folds.setdefault(bag.group, set()).add(fold)
        assert fold == fold_of(bag.group, 5)
    assert all(len(f) == 1 for f in folds.values())
    assert len(cv.thresholds) == 5 and all(0 < t < 1 for t in cv.thresholds)
    labels = [b.label for b in bags]
    assert auc(labels, list(cv.scores)) > 0.9


def test_measures() -> None:
    labels, scores = [1, 1, 0, 0], [0.9, 0.4, 0.6, 0.1]
    assert balanced_accuracy(labels, scores, 0.5) == 0.5
    assert auc(labels, scores) == 0.75
    # Every threshold in (0.3, 0.8] separates these; the middle of that plateau is chosen.
    assert choose_threshold([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.2]) == pytest.approx(0.555, abs=0.01)
    with pytest.raises(ValueError):
        balanced_accuracy([1, 1], [0.5, 0.6], 0.5)


def test_the_shipped_model_reads_every_feature_and_round_trips() -> None:
    model = shipped()
    assert model.names == NAMES
    assert 0.0 < model.threshold < 1.0
    assert Model.from_json(model.to_json()) == model
    assert model.trained_on  # says what it was fitted on


def test_vetoes_and_the_recall_floor() -> None:
    base = Model(
        NAMES,
        (0.0,) * len(NAMES),
        (1.0,) * len(NAMES),
        (0.0,) * len(NAMES),
        2.0,
        0.5,
        0.3,
        vetoes=("negation_flip",),
        veto_factor=0.25,
    )
    values = dict(zip(NAMES, _row(0.9), strict=True))
    p = base.probability(values)
    assert p > 0.85
    assert base.probability({**values, "negation_flip": 1.0}) == pytest.approx(p * 0.25)
    assert base.probability({**values, "recall": 0.1}) == 0.0
    assert replace(base, vetoes=()).probability({**values, "negation_flip": 1.0}) == p


def test_platt_scaling_matches_observed_frequencies_without_changing_the_order() -> None:
    # Scores that overstate support: claims scored 0.9 were right half the time.
    scores = [0.9] * 40 + [0.1] * 40
    labels = [1, 0] * 20 + [0] * 40
    a, b = platt(labels, scores)
    model = replace(shipped(), scale_a=a, scale_b=b)
    assert model.rescaled(0.9) == pytest.approx(0.5, abs=0.02)
    assert model.rescaled(0.1) < 0.05
    ordered = [model.rescaled(p) for p in (0.05, 0.3, 0.6, 0.95)]
    assert ordered == sorted(ordered)
    assert model.rescaled(0.0) == 0.0 and model.rescaled(1.0) == 1.0


def test_a_bag_without_checkable_claims_scores_as_supported() -> None:
    assert bag_score(shipped(), Bag("g", "toy", 1, ())) == 1.0


SOURCE = [
    "The city council approved a new budget of 4.2 million euros on Monday.",
    "Mayor Ines Varga said the money would go to schools and roads.",
    "Opposition councillors voted against the plan.",
]


@pytest.mark.parametrize(
    ("claim", "supported"),
    [
        ("The city council approved a 4.2 million euro budget on Monday.", True),
        ("Mayor Ines Varga said the money would go to schools and roads.", True),
        ("The city council rejected a new budget of 4.2 million euros on Monday.", False),
        ("The city council approved a new budget of 9.5 million euros on Monday.", False),
        ("Mayor Ines Varga said the money would not go to schools and roads.", False),
        ("Mayor Ines Varga said the money would go to hospitals and prisons.", False),
    ],
)
def test_the_shipped_model_on_text_written_here(claim: str, supported: bool) -> None:
    result = Checker({"a": SOURCE}).check(claim)
    assert (result.verdict == "supported") is supported, result
    assert 0.0 <= result.score <= 1.0
    if not supported:
        assert result.reasons  # says why
