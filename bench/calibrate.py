"""Fit the fact checker's model and measure it honestly; write the shipped weights.

Training data (bags of claims with one label each, see summarizer/checker/calibration.py):
- FRANK's validation split, human-labelled summaries by real summarisation models, read from
  ../shared/factuality/frank_valid.jsonl when present (never copied into the repository);
- our own labelled dev split (evals/labelled/dev.jsonl; its test split is only measured);
- perturbations of real sentences: sentences of the FRANK articles (when present) and the seed
  claims (evals/claims/), each true version against its perturbed ones.

Reported: 5-fold cross-validation grouped by article (each summary scored by a model fitted
without its article; each fold's threshold chosen on its own training folds), balanced accuracy
and AUC per dataset (cnndm, bbc); the lexical baseline under the same folds; the held-out own
test split; the seed claims; and the share of consistent CNN/DM summaries the briefing's gate
accepts. Then the final model is fitted on everything, its threshold chosen on the
out-of-fold scores, and written to summarizer/checker/weights.json (`--write`).

    python bench/calibrate.py [--frank PATH] [--write] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from shared_data import FRANK

from summarizer.checker import Checker
from summarizer.checker.calibrated import NAMES
from summarizer.checker.calibration import (
    Bag,
    auc,
    bag_of,
    bag_score,
    balanced_accuracy,
    catch_rates,
    checker_for,
    choose_threshold,
    cross_validate,
    fit,
    fold_of,
    load_jsonl,
    platt,
)
from summarizer.checker.claims import split_claims
from summarizer.checker.perturb import people_in, perturb_all
from summarizer.segment import split_sentences

ROOT = Path(__file__).resolve().parents[1]
WEIGHTS = ROOT / "summarizer" / "checker" / "weights.json"
FOLDS = 5
# How much each data set weighs in the fit, in all (each split evenly between its classes).
# Chosen by cross-validation among a few settings, trading FRANK's balanced accuracy against
# our own paraphrases and the perturbed seed claims (README, "How the checker decides").
ORIGIN_WEIGHT = {"frank": 2.0, "labelled": 0.5, "synthetic": 0.25, "seeds": 0.1}
L2 = 0.01
# Failed checks that mean the evidence says otherwise scale a claim's probability down.
VETOES = (
    "number_contradicted",
    "date_contradicted",
    "negation_flip",
    "antonym",
    "quote_missing",
    "wrong_speaker",
    "role_swap",
    "quantifier",
)
VETO_FACTOR = 0.25
SENTENCES_PER_ARTICLE = 4
SEED = 11


# --- data ------------------------------------------------------------------------------------


def frank_bags(path: Path) -> tuple[list[Bag], list[Bag]]:
    """(summary bags, synthetic bags from the articles' own sentences)."""
    rows = load_jsonl(path)
    checkers: dict[str, Checker] = {}
    summaries: list[Bag] = []
    synthetic: list[Bag] = []
    for row in rows:
        key = row["hash"]
        checker = checkers.get(key)
        if checker is None:
            checker = checkers[key] = checker_for([row["article"]])
            synthetic.extend(_perturbed(checker, row["article"], key, "synthetic"))
        summaries.append(
            bag_of(
                checker,
                split_claims(row["summary"]),
                group=key,
                origin="frank",
                label=int(row["label_consistent"]),
                kind=row["dataset"],
            )
        )
    return summaries, synthetic


def _perturbed(checker: Checker, article: str, group: str, origin: str) -> list[Bag]:
    """Real sentences of an article, shortened as a summary would, and perturbed versions."""
    rng = random.Random(f"{SEED}:{group}")
    sentences = [s for s in split_sentences(article) if 8 <= len(s.split()) <= 40]
    picked = rng.sample(sentences, min(SENTENCES_PER_ARTICLE, len(sentences)))
    shortened = [_shorten(s, rng) for s in picked]
    people = people_in(split_sentences(article))
    labelled = [(s, 1, "") for s in shortened] + [
        (p.text, 0, p.kind) for p in perturb_all(shortened, seed=SEED, people=people, per_text=1)
    ]
    # Summarisers often write lowercased text: show the model that style too.
    labelled += [(text.lower(), y, kind) for text, y, kind in labelled[::2]]
    return [
        bag_of(checker, [text], group=group, origin=origin, label=y, kind=kind)
        for text, y, kind in labelled
    ]


def _shorten(sentence: str, rng: random.Random) -> str:
    """Keep the sentence, or its main clause up to a comma after the eighth word."""
    words = sentence.split()
    if rng.random() < 0.5:
        return sentence
    for i in range(8, len(words) - 3):
        if words[i - 1].endswith(","):
            return " ".join(words[:i]).rstrip(",") + "."
    return sentence


def own_bags(name: str) -> list[Bag]:
    rows = load_jsonl(ROOT / "evals" / "labelled" / f"{name}.jsonl")
    checkers: dict[tuple[str, ...], Checker] = {}
    bags = []
    for row in rows:
        key = tuple(row["sources"])
        checker = checkers.get(key) or checkers.setdefault(key, checker_for(key))
        label = int(row["label"] == "supported")
        bags.append(
            bag_of(
                checker,
                [row["summary"]],
                group=row["passage"],
                origin="labelled",
                label=label,
                kind=row.get("kind", ""),
            )
        )
    return bags


def seed_bags() -> list[Bag]:
    sources = {
        p.stem: split_sentences(p.read_text()) for p in sorted((ROOT / "seeds").glob("*.txt"))
    }
    checker = Checker(sources)
    bags = []
    for name in ("seeds_true", "seeds_perturbed"):
        for row in load_jsonl(ROOT / "evals" / "claims" / f"{name}.jsonl"):
            label = int(row["label"] == "supported")
            group = f"seeds:{row.get('from', row['id'])}"
            bags.append(
                bag_of(
                    checker,
                    [row["claim"]],
                    group=group,
                    origin="seeds",
                    label=label,
                    kind=row.get("kind", ""),
                )
            )
    return bags


# --- measures --------------------------------------------------------------------------------


def measure(bags: Sequence[Bag], scores: Sequence[float], threshold: float) -> dict[str, Any]:
    labels = [b.label for b in bags]
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    return {
        "n": len(bags),
        "supported": len(pos),
        "balanced_accuracy": round(balanced_accuracy(labels, scores, threshold), 4),
        "auc": round(auc(labels, scores), 4),
        "correct_accepted": round(sum(s >= threshold for s in pos) / len(pos), 4),
        "wrong_caught": round(sum(s < threshold for s in neg) / len(neg), 4),
    }


def report_by_dataset(
    bags: Sequence[Bag], scores: Sequence[float], thresholds: Sequence[float]
) -> dict[str, Any]:
    """Out-of-fold measures on FRANK, all and per dataset; each bag judged at its own fold's
    threshold (scores are shifted so that one threshold, 0.5, applies; AUC uses raw scores)."""
    shifted = [
        s - thresholds[fold_of(b.group, FOLDS)] + 0.5 for b, s in zip(bags, scores, strict=True)
    ]
    out: dict[str, Any] = {}
    for name in ("all", "cnndm", "bbc"):
        idx = [
            i
            for i, b in enumerate(bags)
            if b.origin == "frank" and (name == "all" or b.kind == name)
        ]
        if not idx:
            continue
        chosen = [bags[i] for i in idx]
        measured = measure(chosen, [shifted[i] for i in idx], 0.5)
        measured["auc"] = round(auc([b.label for b in chosen], [scores[i] for i in idx]), 4)
        out[name] = measured
    return out


def reliability(labels: Sequence[int], scores: Sequence[float]) -> dict[str, Any]:
    """How often claims given probability p were in fact supported, in five bins, and the Brier
    score: on single-claim examples, where a claim's probability is the example's."""
    bins: list[dict[str, Any]] = []
    for low in (0.0, 0.2, 0.4, 0.6, 0.8):
        inside = [
            (y, s)
            for y, s in zip(labels, scores, strict=True)
            if low <= s < low + 0.2 or (low == 0.8 and s == 1.0)
        ]
        if inside:
            bins.append(
                {
                    "bin": f"{low:.1f}-{low + 0.2:.1f}",
                    "n": len(inside),
                    "mean_probability": round(sum(s for _, s in inside) / len(inside), 3),
                    "supported": round(sum(y for y, _ in inside) / len(inside), 3),
                }
            )
    brier = sum((s - y) ** 2 for y, s in zip(labels, scores, strict=True)) / max(len(labels), 1)
    return {"n": len(labels), "brier": round(brier, 4), "bins": bins}


def lexical_score(bag: Bag) -> float:
    """The lexical baseline: content-word and bigram overlap with the article, less the share
    of numbers it lacks; a summary scores as its weakest sentence."""
    ix = {n: NAMES.index(n) for n in ("source_recall", "bigram_recall", "numbers_absent")}
    return min(
        (
            (r[ix["source_recall"]] + r[ix["bigram_recall"]]) / 2 - r[ix["numbers_absent"]]
            for r in bag.rows
        ),
        default=1.0,
    )


def lexical_baseline(bags: Sequence[Bag]) -> dict[str, Any]:
    """The baseline under the same folds, its one threshold chosen on each fold's training bags."""
    frank = [b for b in bags if b.origin == "frank"]
    scores = [lexical_score(b) for b in frank]
    thresholds = []
    for fold in range(FOLDS):
        train = [
            (b.label, s)
            for b, s in zip(frank, scores, strict=True)
            if fold_of(b.group, FOLDS) != fold
        ]
        thresholds.append(choose_threshold([y for y, _ in train], [s for _, s in train]))
    return report_by_dataset(frank, scores, thresholds)


# --- main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frank", type=Path, default=FRANK, help="FRANK dev split (jsonl)")
    parser.add_argument("--write", action="store_true", help="write the fitted weights")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args()
    started = time.perf_counter()
    bags: list[Bag] = []
    if args.frank.is_file():
        summaries, synthetic = frank_bags(args.frank)
        bags += summaries + synthetic
    else:
        print(f"note: {args.frank} not found; fitting without FRANK", file=sys.stderr)
    bags += own_bags("dev") + seed_bags()
    held_out = own_bags("test")
    options: dict[str, Any] = {
        "origin_weight": ORIGIN_WEIGHT,
        "l2": L2,
        "vetoes": VETOES,
        "veto_factor": VETO_FACTOR,
    }
    raw = cross_validate(bags, k=FOLDS, **options)
    # Platt scaling on the out-of-fold probabilities of single-claim examples makes "p" mean how
    # often such claims were supported; the map is monotone, so no decision changes.
    single = [i for i, b in enumerate(bags) if len(b.rows) == 1]
    scale_a, scale_b = platt([bags[i].label for i in single], [raw.scores[i] for i in single])
    model = fit(bags, trained_on=_trained_on(bags), **options)
    model = replace(model, scale_a=scale_a, scale_b=scale_b)
    cv = replace(
        raw,
        scores=tuple(model.rescaled(s) for s in raw.scores),
        thresholds=tuple(model.rescaled(t) for t in raw.thresholds),
    )
    frank = [i for i, b in enumerate(bags) if b.origin == "frank"]
    select = frank or list(range(len(bags)))
    threshold = choose_threshold([bags[i].label for i in select], [cv.scores[i] for i in select])
    model = replace(model, threshold=threshold)
    report: dict[str, Any] = {"bags": len(bags), "folds": FOLDS, "trained_on": model.trained_on}
    report["cv_thresholds"] = list(cv.thresholds)
    report["cv"] = report_by_dataset(bags, cv.scores, cv.thresholds)
    report["lexical_baseline_cv"] = (
        report_by_dataset([], [], []) if not frank else lexical_baseline(bags)
    )
    seeds = [i for i, b in enumerate(bags) if b.origin == "seeds"]
    report["seeds_cv"] = measure(
        [bags[i] for i in seeds],
        [cv.scores[i] - cv.thresholds[cv.folds[i]] + 0.5 for i in seeds],
        0.5,
    )
    report["reliability_cv"] = reliability(
        [bags[i].label for i, b in enumerate(bags) if len(b.rows) == 1],
        [cv.scores[i] for i, b in enumerate(bags) if len(b.rows) == 1],
    )
    if frank:
        good = [i for i in frank if bags[i].kind == "cnndm" and bags[i].label]
        report["gate_accepts_consistent_cnndm_cv"] = round(
            sum(cv.scores[i] >= cv.thresholds[cv.folds[i]] for i in good) / len(good), 4
        )
    report["threshold"] = threshold
    report["own_test"] = measure(held_out, [bag_score(model, b) for b in held_out], threshold)
    report["own_test_catch_rates"] = catch_rates(held_out, model)
    report["weights"] = dict(zip(model.names, [round(w, 3) for w in model.weights], strict=True))
    report["seconds"] = round(time.perf_counter() - started, 1)
    if args.write:
        WEIGHTS.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        _print(report)
    return 0


def _trained_on(bags: Sequence[Bag]) -> str:
    counts: dict[str, int] = {}
    for b in bags:
        counts[b.origin] = counts.get(b.origin, 0) + 1
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def _print(report: dict[str, Any]) -> None:
    print(f"{report['bags']} bags ({report['trained_on']})")
    print(f"{report['folds']}-fold cross-validation grouped by article:")
    for title, key in (("checker", "cv"), ("lexical baseline", "lexical_baseline_cv")):
        for name, m in report[key].items():
            print(
                f"  {title:16s} {name:5s} n={m['n']:3d}"
                f"  balanced accuracy {m['balanced_accuracy']:.3f}"
                f"  AUC {m['auc']:.3f}  correct accepted {m['correct_accepted']:.2f}"
                f"  wrong caught {m['wrong_caught']:.2f}"
            )
    thresholds = ", ".join(f"{t:.2f}" for t in report["cv_thresholds"])
    print(f"fold thresholds (inner CV) {thresholds}; shipped threshold {report['threshold']:.2f}")
    s = report["seeds_cv"]
    print(
        f"seed claims (out of fold): true supported {s['correct_accepted']:.3f}, "
        f"perturbed caught {s['wrong_caught']:.3f}"
    )
    if "gate_accepts_consistent_cnndm_cv" in report:
        print(
            "consistent CNN/DM summaries the gate accepts (out of fold): "
            f"{report['gate_accepts_consistent_cnndm_cv']:.3f}"
        )
    r = report["reliability_cv"]
    print(f"reliability (out of fold, {r['n']} single-claim examples, Brier {r['brier']:.3f}):")
    for b in r["bins"]:
        print(
            f"    p {b['bin']}: n={b['n']:4d}  mean p {b['mean_probability']:.2f}"
            f"  supported {b['supported']:.2f}"
        )
    t = report["own_test"]
    print(
        f"own labelled test split (held out, shipped model): balanced accuracy "
        f"{t['balanced_accuracy']:.3f}, AUC {t['auc']:.3f}"
    )
    for kind, (caught, total) in report["own_test_catch_rates"].items():
        print(f"    {kind:24s} caught {caught:3d}/{total:<3d}")
    print("weights:", ", ".join(f"{k} {v:+.2f}" for k, v in report["weights"].items()))
    print(f"{report['seconds']} s")


if __name__ == "__main__":
    raise SystemExit(main())
