"""Fitting the checker's model (calibrated.py) and measuring it: used by bench/calibrate.py and
the tests, never at run time.

Training examples are *bags*: a summary's claims with one label for the whole summary (human
labels say whether any sentence is wrong, not which). A bag is supported when every claim is,
so its probability is the product of its claims' probabilities (multiple-instance learning); a
claim labelled on its own is a bag of one. Cross-validation folds are grouped by article, so no
article's claims are on both sides; thresholds are chosen on training folds only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from summarizer.checker import Checker
from summarizer.checker.calibrated import NAMES, Model
from summarizer.segment import split_sentences

Array = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Bag:
    """One labelled summary (or claim): its claims' feature vectors and one label."""

    group: str  # the article or passage: folds never split a group
    origin: str  # which data set it comes from ("frank-cnndm", "labelled", "synthetic", ...)
    label: int  # 1: every claim is supported
    rows: tuple[tuple[float, ...], ...]  # one feature vector per checkable claim, NAMES order
    kind: str = ""  # for perturbations: what was changed


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def vector(values: Mapping[str, float], names: Sequence[str] = NAMES) -> tuple[float, ...]:
    return tuple(float(values.get(n, 0.0)) for n in names)


def bag_of(
    checker: Checker,
    claims: Iterable[str],
    *,
    group: str,
    origin: str,
    label: int,
    kind: str = "",
) -> Bag:
    """Feature vectors for ``claims`` against the checker's sources; unjudgeable claims skipped."""
    rows = []
    for claim in claims:
        values = checker.features(claim)
        if values is not None:
            rows.append(vector(values))
    return Bag(group, origin, label, tuple(rows), kind)


def checker_for(texts: Sequence[str]) -> Checker:
    return Checker({f"s{i}": split_sentences(t) for i, t in enumerate(texts)})


# --- fitting ---------------------------------------------------------------------------------


def fit(
    bags: Sequence[Bag],
    *,
    origin_weight: Mapping[str, float] | None = None,
    l2: float = 1.0,
    iterations: int = 1500,
    names: Sequence[str] = NAMES,
    recall_floor: float = 0.3,
    trained_on: str = "",
    vetoes: Sequence[str] = (),
    veto_factor: float = 1.0,
) -> Model:
    """Fit the claim-level logistic model to bag labels (deterministic: full batch, zero init).

    Each origin's bags weigh ``origin_weight[origin]`` in all (default 1), split equally
    between its supported and unsupported bags, so no data set or class dominates.
    """
    usable = [b for b in bags if b.rows]
    if not usable:
        raise ValueError("no bag has a checkable claim")
    x = np.array([row for b in usable for row in b.rows], dtype=np.float64)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    sizes = np.array([len(b.rows) for b in usable])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    owner = np.repeat(np.arange(len(usable)), sizes)
    labels = np.array([b.label for b in usable], dtype=np.float64)
    sample = _sample_weights(usable, origin_weight or {})
    w = np.zeros(z.shape[1])
    b0 = 0.0
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), 0.0, 0.0
    rate, beta1, beta2 = 0.05, 0.9, 0.999
    for step in range(1, iterations + 1):
        g_z, _ = _bag_gradient(z @ w + b0, starts, owner, labels, sample)
        g_w = z.T @ g_z + l2 * w
        g_b = float(g_z.sum())
        m_w = beta1 * m_w + (1 - beta1) * g_w
        v_w = beta2 * v_w + (1 - beta2) * g_w**2
        m_b = beta1 * m_b + (1 - beta1) * g_b
        v_b = beta2 * v_b + (1 - beta2) * g_b**2
        correction = np.sqrt(1 - beta2**step) / (1 - beta1**step)
        w -= rate * correction * m_w / (np.sqrt(v_w) + 1e-8)
        b0 -= rate * correction * m_b / (np.sqrt(v_b) + 1e-8)
    return Model(
        names=tuple(names),
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        weights=tuple(float(v) for v in w),
        bias=float(b0),
        threshold=0.5,
        recall_floor=recall_floor,
        trained_on=trained_on,
        vetoes=tuple(vetoes),
        veto_factor=veto_factor,
    )


def _sample_weights(bags: Sequence[Bag], origin_weight: Mapping[str, float]) -> Array:
    counts: dict[tuple[str, int], int] = {}
    for b in bags:
        counts[(b.origin, b.label)] = counts.get((b.origin, b.label), 0) + 1
    out = np.empty(len(bags))
    for i, b in enumerate(bags):
        classes = sum(1 for (o, _) in counts if o == b.origin)
        out[i] = origin_weight.get(b.origin, 1.0) / classes / counts[(b.origin, b.label)]
    normalised: Array = out / out.sum()
    return normalised


def _bag_gradient(
    logits: Array,
    starts: npt.NDArray[np.int_],
    owner: npt.NDArray[np.int_],
    y: Array,
    sample: Array,
) -> tuple[Array, float]:
    """d(weighted negative log-likelihood)/d(claim logit), and the loss itself."""
    log_sig = -np.logaddexp(0.0, -logits)  # log p(claim supported)
    not_sig = np.exp(-np.logaddexp(0.0, logits))  # 1 - p
    log_bag = np.add.reduceat(log_sig, starts)  # log P(every claim supported)
    log_bag = np.minimum(log_bag, -1e-12)
    # y=1: -log P; y=0: -log(1 - P)
    loss_bag = np.where(y == 1, -log_bag, -np.log(-np.expm1(log_bag)))
    ratio = 1.0 / np.expm1(-log_bag)  # P / (1 - P)
    per_bag = np.where(y == 1, -1.0, ratio)  # times (1 - p_j) for each claim j of the bag
    grad: Array = sample[owner] * per_bag[owner] * not_sig
    return grad, float((sample * loss_bag).sum())


# --- scoring and measuring -------------------------------------------------------------------


def claim_probabilities(model: Model, bag: Bag) -> list[float]:
    return [model.probability(dict(zip(model.names, row, strict=True))) for row in bag.rows]


def bag_score(model: Model, bag: Bag) -> float:
    """A summary's score: its weakest claim (1.0 without a checkable claim, as `check` says)."""
    return min(claim_probabilities(model, bag), default=1.0)


def balanced_accuracy(labels: Sequence[int], scores: Sequence[float], threshold: float) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        raise ValueError("balanced accuracy needs both supported and unsupported examples")
    tpr = sum(s >= threshold for s in pos) / len(pos)
    tnr = sum(s < threshold for s in neg) / len(neg)
    return (tpr + tnr) / 2


def auc(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the ROC curve: the chance a supported example outscores an unsupported one."""
    pos = np.array([s for s, y in zip(scores, labels, strict=True) if y])
    neg = np.array([s for s, y in zip(scores, labels, strict=True) if not y])
    if not len(pos) or not len(neg):
        raise ValueError("AUC needs both supported and unsupported examples")
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def choose_threshold(labels: Sequence[int], scores: Sequence[float]) -> float:
    """The threshold with the best balanced accuracy: the middle of the best plateau."""
    candidates = [round(0.01 * i, 2) for i in range(1, 100)]
    accuracies = [balanced_accuracy(labels, scores, t) for t in candidates]
    best = max(accuracies)
    plateau = [t for t, a in zip(candidates, accuracies, strict=True) if a >= best - 1e-12]
    return plateau[len(plateau) // 2]


def platt(labels: Sequence[int], scores: Sequence[float]) -> tuple[float, float]:
    """(a, b) so that sigmoid(a * logit(score) + b) matches how often such scores were right:
    a one-feature logistic regression, fitted by Newton's method (deterministic)."""
    eps = 1e-6
    x = np.array(
        [np.log(min(max(s, eps), 1 - eps) / (1 - min(max(s, eps), 1 - eps))) for s in scores]
    )
    y = np.array(labels, dtype=np.float64)

    def loss(a: float, b: float) -> float:
        z = a * x + b
        return float((np.logaddexp(0.0, z) - y * z).sum())

    a, b = 1.0, 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(a * x + b)))
        w = p * (1 - p) + 1e-9
        grad = np.array([((p - y) * x).sum(), (p - y).sum()])
        hess = np.array([[(w * x * x).sum(), (w * x).sum()], [(w * x).sum(), w.sum()]])
        step = np.linalg.solve(hess + np.eye(2) * 1e-6, grad)
        size, before = 1.0, loss(a, b)
        while size > 1e-6 and loss(a - size * step[0], b - size * step[1]) > before:
            size /= 2  # damped: never a step that makes the fit worse
        a, b = a - size * float(step[0]), b - size * float(step[1])
        if abs(size * step).max() < 1e-9:
            break
    return a, b


def fold_of(group: str, k: int) -> int:
    """A group's cross-validation fold: stable across runs and machines."""
    return int(hashlib.sha256(group.encode("utf-8")).hexdigest(), 16) % k


@dataclass(frozen=True)
class CrossValidated:
    scores: tuple[float, ...]  # out-of-fold score per bag, in the order given
    thresholds: tuple[float, ...]  # per fold, chosen without that fold (see cross_validate)
    folds: tuple[int, ...]  # each bag's fold


def out_of_fold(bags: Sequence[Bag], k: int, **fit_options: Any) -> list[float]:
    """Each bag scored by a model fitted without its group's fold."""
    folds = [fold_of(b.group, k) for b in bags]
    scores = [0.0] * len(bags)
    for fold in range(k):
        model = fit([b for b, f in zip(bags, folds, strict=True) if f != fold], **fit_options)
        for i, f in enumerate(folds):
            if f == fold:
                scores[i] = bag_score(model, bags[i])
    return scores


def cross_validate(
    bags: Sequence[Bag], *, k: int = 5, select: str = "frank", **fit_options: Any
) -> CrossValidated:
    """Out-of-fold scores, and for each fold a threshold chosen by an inner cross-validation
    of its training bags (on the bags of origin ``select`` when there are any), so neither the
    weights nor the threshold that judge a bag ever saw it."""
    folds = [fold_of(b.group, k) for b in bags]
    scores = out_of_fold(bags, k, **fit_options)
    thresholds = []
    for fold in range(k):
        train = [b for b, f in zip(bags, folds, strict=True) if f != fold]
        inner = out_of_fold(train, k - 1, **fit_options)
        chosen = [(b.label, s) for b, s in zip(train, inner, strict=True) if b.origin == select]
        chosen = chosen or [(b.label, s) for b, s in zip(train, inner, strict=True)]
        thresholds.append(choose_threshold([y for y, _ in chosen], [s for _, s in chosen]))
    return CrossValidated(tuple(scores), tuple(thresholds), tuple(folds))


def catch_rates(bags: Sequence[Bag], model: Model) -> dict[str, tuple[int, int]]:
    """Per kind of unsupported bag: (caught, total) at the model's threshold."""
    rates: dict[str, tuple[int, int]] = {}
    for b in bags:
        if b.label:
            continue
        caught, total = rates.get(b.kind, (0, 0))
        rates[b.kind] = (caught + (bag_score(model, b) < model.threshold), total + 1)
    return dict(sorted(rates.items()))
