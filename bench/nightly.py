"""Benchmark `summarizer nightly` on a synthetic day of news: time, peak RSS, stories found.

Each size is a fresh inbox from tests/storygen.py (stories of power-law sizes over a dozen
domains, shared background words, articles from a paragraph to thousands of words, some wire
reprints; deterministic for --seed). `summarizer nightly --engine extractive` runs as a child
process in outbox mode; its wall time and peak RSS are measured, and its progress lines (read as
they come) split the time into preparing + clustering and briefing. The stories it archived are
compared with the generated ones (B-cubed precision/recall/F1 over articles; an article in no
archived story counts as a story of its own). The fitted exponent is the slope of log(time) over
log(articles) between the smallest and largest size.

    python bench/nightly.py [--sizes 1000,5000,20000,50000] [--seed 1] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from storygen import bcubed, make_day  # noqa: E402

DAY = dt.date(2026, 11, 21)


def run_nightly(inbox: Path, state: Path) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "summarizer", "nightly", "--inbox", str(inbox),
        "--to", "desk@example.com", "--from", "bench@example.com", "--state-dir", str(state),
        "--date", DAY.isoformat(), "--engine", "extractive", "--verbose",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    started = time.monotonic()
    child = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    marks: dict[str, float] = {}
    tail: list[str] = []

    def read_progress() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            if " articles for " in line and " stories" in line:
                marks.setdefault("clustered", time.monotonic() - started)
                marks["found"] = float(line.split(" in ")[-1].split()[0])
            elif "story 1/" in line:
                marks.setdefault("briefing", time.monotonic() - started)
            elif "summarizer:" in line and ("error" in line or "warning" in line):
                tail.append(line.strip())

    reader = threading.Thread(target=read_progress)
    reader.start()
    assert child.stdout is not None
    stdout = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    reader.join()
    code = os.waitstatus_to_exitcode(status)
    return {
        "exit": code,
        "seconds": round(seconds, 1),
        "prepare_and_cluster_s": round(marks.get("clustered", math.nan), 1),
        "briefing_s": round(seconds - marks.get("clustered", math.nan), 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),  # KiB on Linux
        "stories_clustered": int(marks.get("found", 0)),
        "stdout": stdout.strip()[-200:],
        "errors": tail[-3:],
    }


def found_stories(state: Path, paths: list[Path]) -> tuple[list[list[int]], int]:
    """Article indices of every story the night found (STATE/stories/<date>.jsonl), and how
    many stories it briefed (one JSON file each in the archive)."""
    index = {str(p): i for i, p in enumerate(paths)}
    lines = (state / "stories" / f"{DAY.isoformat()}.jsonl").read_text().splitlines()
    stories = [[index[p] for p in json.loads(line)["articles"] if p in index] for line in lines]
    briefed = len(list((state / "archive" / DAY.isoformat()).glob("*.json")))
    return stories, briefed


def measure(size: int, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-nightly-") as tmp:
        started = time.monotonic()
        day = make_day(size, seed=seed)
        paths = day.write(Path(tmp) / "inbox", DAY)
        generated_s = time.monotonic() - started
        result = run_nightly(Path(tmp) / "inbox", Path(tmp) / "state")
        stories, briefed = (
            found_stories(Path(tmp) / "state", paths) if result["exit"] == 0 else ([], 0)
        )
    labels = day.labels
    seen = {i for story in stories for i in story}
    found = stories + [[i] for i in range(size) if i not in seen]
    precision, recall, f1 = bcubed(found, labels)
    return {
        "articles": size,
        "generated_stories": len(set(labels)),
        "largest_story": max(labels.count(s) for s in set(labels)) if size <= 5000 else None,
        **result,
        "stories_briefed": briefed,
        "bcubed_precision": round(precision, 3),
        "bcubed_recall": round(recall, 3),
        "bcubed_f1": round(f1, 3),
        "generate_s": round(generated_s, 1),
    }


def exponent(points: list[dict[str, Any]]) -> float | None:
    good = [p for p in points if p["exit"] == 0 and p["seconds"] > 0]
    if len(good) < 2:
        return None
    a, b = good[0], good[-1]
    return round(math.log(b["seconds"] / a["seconds"]) / math.log(b["articles"] / a["articles"]), 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000,50000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    points = []
    for size in (int(s) for s in args.sizes.split(",")):
        point = measure(size, args.seed)
        points.append(point)
        if not args.json:
            print(
                f"{size:>6} articles ({point['generated_stories']} stories): "
                f"{point['seconds']:>7} s (prepare+cluster {point['prepare_and_cluster_s']} s, "
                f"briefing {point['briefing_s']} s), peak RSS {point['peak_rss_mb']} MB, "
                f"{point['stories_clustered']} clustered / {point['stories_briefed']} briefed, "
                f"B-cubed P {point['bcubed_precision']} R {point['bcubed_recall']} "
                f"F1 {point['bcubed_f1']}, exit {point['exit']}",
                flush=True,
            )
            for line in point["errors"]:
                print(f"        {line}")
    result = {"points": points, "time_exponent": exponent(points)}
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
    else:
        print(f"fitted exponent (time vs articles): {result['time_exponent']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
