"""Benchmark bad input at scale: a 50 MB article with a raised limit, and 10,000 small files.

Each case runs `summarizer prepare` (and, unless --no-brief, `brief --engine extractive`)
as a subprocess and reports its wall time and peak RSS (from wait4, so only that process).
The inputs are generated deterministically (tests/newsdesk.py). Prints numbers; `--json`
prints them as JSON. Not a test: tests/test_bad_input.py checks the behaviour.

    python bench/bad_input.py [--mb 50] [--files 10000] [--no-brief] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from newsdesk import outlet_names, write_articles  # noqa: E402


def run_measured(command: list[str]) -> dict[str, Any]:
    """Exit code, wall seconds, peak RSS (MB) and stderr lines of one child process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    with tempfile.TemporaryFile() as err:
        started = time.monotonic()
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - started
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace").splitlines()
    return {
        "exit": os.waitstatus_to_exitcode(status),
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # KiB on Linux
        "stderr_lines": len(stderr),
        "traceback": any("Traceback" in line for line in stderr),
    }


def write_big_article(path: Path, megabytes: float, seed: int = 50) -> int:
    """One article of ``megabytes`` MB of varied sentences (a 20,000-word invented vocabulary).

    Varied on purpose: text that repeats a few sentence templates tens of thousands of times
    makes near-duplicate detection the whole cost.
    """
    rng = random.Random(seed)
    syllables = "ka lo mi ren tas vor del qui sam bre tol nes gar pol hin ux zed fra mon lis"
    parts = syllables.split()
    vocabulary = ["".join(rng.choices(parts, k=rng.randint(2, 4))) for _ in range(20_000)]
    names = [w.capitalize() for w in vocabulary[:2_000]]

    def sentence() -> str:
        words = rng.choices(vocabulary, k=rng.randint(8, 22))
        words[0] = rng.choice(names)
        words.insert(rng.randint(2, len(words) - 1), str(rng.randint(2, 9999)))
        return " ".join(words) + "."

    target = int(megabytes * 1024 * 1024)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("---\nsource: Big Gazette\ntitle: The whole flood, hour by hour\n---\n")
        while fh.tell() < target:
            fh.write(" ".join(sentence() for _ in range(5)) + "\n\n")
    return path.stat().st_size


def summarizer(*args: str) -> list[str]:
    return [sys.executable, "-m", "summarizer", *args]


def bench(megabytes: float, files: int, brief: bool) -> dict[str, Any]:
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.txt"
        size = write_big_article(big, megabytes)
        limit = str(int(megabytes * 1.2) + 1)
        report["big_article"] = {
            "bytes": size,
            "default_limit": run_measured(summarizer("prepare", str(big))),
            "prepare": run_measured(
                summarizer("prepare", str(big), "--max-file-mb", limit, "--format", "json")
            ),
        }
        if brief:
            report["big_article"]["brief_extractive"] = run_measured(
                summarizer("brief", str(big), "--max-file-mb", limit, "--engine", "extractive")
            )
        big.unlink()

        folder = write_articles(
            Path(tmp) / "many", outlet_names(files // 5), per_outlet=5, sentences=4
        )
        report["small_files"] = {
            "files": sum(1 for _ in folder.iterdir()),
            "prepare": run_measured(summarizer("prepare", str(folder), "--format", "json")),
        }
        if brief:
            report["small_files"]["brief_extractive"] = run_measured(
                summarizer("brief", str(folder), "--engine", "extractive")
            )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="size of the big article")
    parser.add_argument("--files", type=int, default=10_000, help="number of small files")
    parser.add_argument("--no-brief", action="store_true", help="skip `brief --engine extractive`")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args()
    report = bench(args.mb, args.files, not args.no_brief)
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
        return
    big = report["big_article"]
    print(f"big article: {big['bytes'] / 1024 / 1024:.1f} MB")
    for name, r in big.items():
        if isinstance(r, dict):
            print(
                f"  {name:<17} exit {r['exit']}  {r['seconds']:7.1f} s  "
                f"peak RSS {r['peak_rss_mb']:7.0f} MB  {r['stderr_lines']} stderr lines"
                + ("  TRACEBACK" if r["traceback"] else "")
            )
    small = report["small_files"]
    print(f"{small['files']} small files:")
    for name, r in small.items():
        if isinstance(r, dict):
            print(
                f"  {name:<17} exit {r['exit']}  {r['seconds']:7.1f} s  "
                f"peak RSS {r['peak_rss_mb']:7.0f} MB  {r['stderr_lines']} stderr lines"
            )


if __name__ == "__main__":
    main()
