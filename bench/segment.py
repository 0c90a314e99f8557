"""Benchmark the sentence splitter against pysbd: exact-match accuracy on the project's written
cases (evals/segment/cases.yaml) and speed on the seed articles (characters per second).

The cases were written for this project, so the accuracy figure says how each splitter handles
the kinds of text we care about (lowercased, tokenised, abbreviations), not a general accuracy.
pysbd is optional (`pip install pysbd`); without it only our splitter is measured.

    python bench/segment.py [--repeat 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from summarizer.segment import split_sentences

ROOT = Path(__file__).resolve().parents[1]
Splitter = Callable[[str], list[str]]


def splitters() -> dict[str, Splitter]:
    found: dict[str, Splitter] = {"summarizer": split_sentences}
    try:
        import pysbd
    except ImportError:
        return found
    seg = pysbd.Segmenter(language="en", clean=False)
    found["pysbd"] = lambda text: [s.strip() for s in seg.segment(text) if s.strip()]
    return found


def accuracy(split: Splitter, cases: list[dict[str, Any]]) -> tuple[int, list[str]]:
    misses = [c["name"] for c in cases if split(c["text"]) != c["sentences"]]
    return len(cases) - len(misses), misses


def speed(split: Splitter, texts: list[str], repeat: int) -> float:
    chars = sum(map(len, texts)) * repeat
    start = time.process_time()
    for _ in range(repeat):
        for text in texts:
            split(text)
    return chars / max(time.process_time() - start, 1e-9)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the seeds (speed)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    cases = yaml.safe_load((ROOT / "evals" / "segment" / "cases.yaml").read_text())
    texts = [p.read_text() for p in sorted((ROOT / "seeds").glob("*.txt"))]
    report: dict[str, Any] = {"cases": len(cases)}
    for name, split in splitters().items():
        right, misses = accuracy(split, cases)
        report[name] = {
            "exact": right,
            "accuracy": round(right / len(cases), 3),
            "chars_per_s": round(speed(split, texts, args.repeat)),
            "misses": misses,
        }
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
        return 0
    for name, r in report.items():
        if name == "cases":
            continue
        print(
            f"{name:11s} {r['exact']}/{len(cases)} cases exact ({r['accuracy']:.0%}), "
            f"{r['chars_per_s'] / 1e6:.2f} M chars/s (CPU)"
        )
        for miss in r["misses"]:
            print(f"    miss: {miss}")
    if "pysbd" in report:
        ratio = report["summarizer"]["chars_per_s"] / report["pysbd"]["chars_per_s"]
        print(f"speed ratio summarizer/pysbd: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
