"""Calibrate the checker's threshold on evals/labelled/dev.jsonl and report, at that threshold,
balanced accuracy on dev and test, catch rates per kind of error, and the seed-claim rates.

The threshold is chosen on dev only; copy it into summarizer.checker.DEFAULT_THRESHOLD.

    python bench/calibrate.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from summarizer.checker import DEFAULT_THRESHOLD, Checker
from summarizer.checker.calibration import (
    Scored,
    balanced_accuracy,
    catch_rates,
    choose_threshold,
    load_jsonl,
    score_labelled,
)
from summarizer.segment import split_sentences

ROOT = Path(__file__).resolve().parents[1]


def seed_scores() -> list[Scored]:
    sources = {
        p.stem: split_sentences(p.read_text()) for p in sorted((ROOT / "seeds").glob("*.txt"))
    }
    checker = Checker(sources)
    out = []
    for name in ("seeds_true", "seeds_perturbed"):
        for row in load_jsonl(ROOT / "evals" / "claims" / f"{name}.jsonl"):
            score = checker.check(row["claim"]).score
            out.append(Scored(row["id"], row.get("kind", ""), row["label"] == "supported", score))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args()
    dev = score_labelled(load_jsonl(ROOT / "evals" / "labelled" / "dev.jsonl"))
    test = score_labelled(load_jsonl(ROOT / "evals" / "labelled" / "test.jsonl"))
    seeds = seed_scores()
    threshold = choose_threshold(dev)
    true_seeds = [s for s in seeds if s.supported]
    report = {
        "threshold": threshold,
        "default_threshold": DEFAULT_THRESHOLD,
        "dev_balanced_accuracy": round(balanced_accuracy(dev, threshold), 4),
        "test_balanced_accuracy": round(balanced_accuracy(test, threshold), 4),
        "dev_examples": len(dev),
        "test_examples": len(test),
        "dev_catch_rates": catch_rates(dev, threshold),
        "test_catch_rates": catch_rates(test, threshold),
        "dev_supported_rate": _rate([s.score >= threshold for s in dev if s.supported]),
        "test_supported_rate": _rate([s.score >= threshold for s in test if s.supported]),
        "seed_true_supported_rate": _rate([s.score >= threshold for s in true_seeds]),
        "seed_perturbed_catch_rates": catch_rates(seeds, threshold),
        "seed_perturbed_catch_rate": _rate([s.score < threshold for s in seeds if not s.supported]),
    }
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
        return 0
    print(f"threshold chosen on dev: {threshold:.2f} (code default: {DEFAULT_THRESHOLD:.2f})")
    print(
        f"balanced accuracy: dev {report['dev_balanced_accuracy']:.3f} "
        f"({len(dev)} examples), test {report['test_balanced_accuracy']:.3f} ({len(test)})"
    )
    print(
        f"supported kept: dev {report['dev_supported_rate']:.3f}, "
        f"test {report['test_supported_rate']:.3f}"
    )
    for split in ("dev", "test"):
        print(f"{split} catch rate per kind:")
        for kind, (caught, total) in report[f"{split}_catch_rates"].items():
            print(f"  {kind:24s} {caught:3d}/{total:<3d} {caught / total:.2f}")
    print(
        f"seed claims: true supported {report['seed_true_supported_rate']:.3f}, "
        f"perturbed caught {report['seed_perturbed_catch_rate']:.3f}"
    )
    for kind, (caught, total) in report["seed_perturbed_catch_rates"].items():
        print(f"  {kind:24s} {caught:3d}/{total:<3d} {caught / total:.2f}")
    return 0


def _rate(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


if __name__ == "__main__":
    raise SystemExit(main())
