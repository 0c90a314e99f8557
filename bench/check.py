"""Checker throughput: claims per second against the five seed articles on one core.

Builds the evidence index once (timed separately), then checks every seed claim (true and
perturbed) repeatedly for at least ``--seconds``.

    python bench/check.py [--seconds 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from summarizer.checker import Checker
from summarizer.checker.calibration import load_jsonl
from summarizer.segment import split_sentences

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="minimum time to run")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args()
    sources = {
        p.stem: split_sentences(p.read_text()) for p in sorted((ROOT / "seeds").glob("*.txt"))
    }
    claims = [
        row["claim"]
        for name in ("seeds_true", "seeds_perturbed")
        for row in load_jsonl(ROOT / "evals" / "claims" / f"{name}.jsonl")
    ]
    started = time.perf_counter()
    checker = Checker(sources)
    index_seconds = time.perf_counter() - started
    checked = 0
    started = time.perf_counter()
    cpu_started = time.process_time()
    while True:
        for claim in claims:
            checker.check(claim)
        checked += len(claims)
        elapsed = time.perf_counter() - started
        if elapsed >= args.seconds:
            break
    report = {
        "sources": len(sources),
        "sentences": len(checker.index),
        "index_seconds": round(index_seconds, 4),
        "claims": checked,
        "seconds": round(elapsed, 3),
        "claims_per_second": round(checked / elapsed, 1),
        # CPU time: what the checker costs, whatever else the shared machine is doing.
        "claims_per_cpu_second": round(checked / (time.process_time() - cpu_started), 1),
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(
            f"index: {report['sentences']} sentences from {report['sources']} sources "
            f"in {report['index_seconds'] * 1000:.0f} ms"
        )
        print(
            f"checked {checked} claims in {elapsed:.2f} s: "
            f"{report['claims_per_second']:.0f} claims/s "
            f"({report['claims_per_cpu_second']:.0f} per CPU second)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
