"""Benchmark `brief` under load: 200 articles from 40 outlets against the stub server.

The articles are generated deterministically (tests/newsdesk.py: 40 outlets in front matter,
5 articles each, varied sentences from a seeded generator). The stub server runs in this
process and answers like a well-behaved model (claims quoting the numbered sentences it parses
from each prompt); `summarizer brief --concurrency 8` runs as a subprocess, whose wall time and
peak RSS are measured. Checks that no source is lost: every source is in the briefing's
``sources``, and every source either got its claims from the model or is named in the notes.

    python bench/load.py [--outlets 40] [--per-outlet 5] [--concurrency 8] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from newsdesk import NewsModel, article_sentences, outlet_names, write_articles  # noqa: E402
from stubserver import StubServer  # noqa: E402


def run_measured(command: list[str], env: dict[str, str]) -> tuple[int, float, float]:
    """Exit code, wall seconds and peak RSS (MB) of one child process."""
    started = time.monotonic()
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    return child.returncode, seconds, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def load(outlets: int, per_outlet: int, concurrency: int) -> dict[str, Any]:
    names = outlet_names(outlets)
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_articles(Path(tmp) / "news", names, per_outlet=per_outlet)
        out = Path(tmp) / "briefing.json"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
        env["SUMMARIZER_CACHE_DIR"] = str(Path(tmp) / "cache")
        model = NewsModel()
        with StubServer(model) as stub:
            command = [
                sys.executable, "-m", "summarizer", "brief", str(folder),
                "--base-url", stub.base_url, "--model", "stub", "--concurrency", str(concurrency),
                "--max-points", "1000", "--format", "json", "--out", str(out),
            ]  # fmt: skip
            code, seconds, peak_mb = run_measured(command, env)
            requests = len(stub.chat_requests)
        if code != 0:
            raise SystemExit(f"brief exited {code}")
        briefing = json.loads(out.read_text(encoding="utf-8"))

    # No lost source: all in `sources`; each had its claims answered, or is named in the notes.
    articles = {
        (name, n): article_sentences(name, n, 6) for name in names for n in range(1, per_outlet + 1)
    }
    answered = {
        key
        for key, sentences in articles.items()
        if any(call.mentions(s) for call in model.of_kind("claims") for s in sentences)
    }
    noted = {key for key in articles if any(n.startswith(f"{key[0]}:") for n in briefing["notes"])}
    cited = {c for p in briefing["points"] for c in p["citations"]}
    lost = sorted(set(articles) - answered - noted)
    return {
        "articles": len(articles),
        "outlets": outlets,
        "concurrency": concurrency,
        "seconds": round(seconds, 2),
        "requests": requests,
        "claims_requests": len(model.of_kind("claims")),
        "peak_rss_mb": round(peak_mb, 1),
        "sources_in_briefing": len(briefing["sources"]),
        "sources_answered": len(answered),
        "sources_in_notes": len(noted),
        "sources_cited_by_points": len(cited),
        "points": len(briefing["points"]),
        "lost_sources": [f"{name} #{n}" for name, n in lost],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=40)
    parser.add_argument("--per-outlet", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args()
    report = load(args.outlets, args.per_outlet, args.concurrency)
    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
        return
    print(
        f"{report['articles']} articles from {report['outlets']} outlets, "
        f"--concurrency {report['concurrency']}"
    )
    print(f"  wall time       {report['seconds']:.1f} s")
    print(f"  requests        {report['requests']} ({report['claims_requests']} claims)")
    print(f"  peak RSS        {report['peak_rss_mb']:.0f} MB (the brief process)")
    print(
        f"  sources         {report['sources_in_briefing']} in the briefing, "
        f"{report['sources_answered']} answered by the model, "
        f"{report['sources_in_notes']} in notes, {report['sources_cited_by_points']} cited"
    )
    print(f"  lost sources    {len(report['lost_sources'])}")


if __name__ == "__main__":
    main()
