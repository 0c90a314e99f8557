"""Benchmark queueing on a server that computes one answer at a time, with and without CPU hogs.

Two servers, each at --concurrency 1, 4 and 8, each with 0 and 2 busy processes beside it:

* stub: the stub server (tests/stubserver.py) with one slot, streaming every answer at a fixed
  token rate, so its service times are known. The client runs in its own process
  (``--client``), configured as for the embedded model: its slots probed from the server.
  A row "uncapped" sends the same load with every call at once (what --concurrency means for a
  remote endpoint), for contrast.
* embedded: `summarizer brief seeds/ --no-cache` with the real embedded SmolLM2, in a child
  process; requests, retries and service times are read from its -v log.

Per run: total seconds, requests sent, duplicate requests (the same request sent again),
sources that fell back, the sum of service times (the server computing), and total / service.
The goal: no fallback and no duplicate caused by queueing, and the server never idle while
work waits (model phase within 10% of the sum of service times).

    python bench/queueing.py [--servers stub,embedded] [--concurrency 1,4,8] [--hogs 0,2] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from newsdesk import NewsModel, outlet_names, write_articles  # noqa: E402
from stubserver import StubServer, reply  # noqa: E402

SEEDS = ROOT / "seeds"
_CALL = re.compile(r"summarizer\.llm DEBUG call model=.* attempt=(\d+) .* seconds=([\d.]+)")
_RETRY = re.compile(r"summarizer\.llm INFO .*; retry \d+ of \d+")


# --- CPU hogs --------------------------------------------------------------------------------


def _spin() -> None:
    while True:
        pass


@contextlib.contextmanager
def hogs(n: int) -> Iterator[None]:
    """``n`` processes that keep one CPU busy each, for the length of the block."""
    procs = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(n)]
    for p in procs:
        p.start()
    try:
        yield
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.join()


def child_env(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    env["SUMMARIZER_CACHE_DIR"] = str(cache)
    return env


# --- the stub server -------------------------------------------------------------------------


def client(base_url: str, concurrency: int, timeout: float, capped: bool, folder: str) -> None:
    """The client side, in its own process: brief ``folder`` against ``base_url`` as the
    embedded model is briefed (slots from the server) or, uncapped, as a remote endpoint."""
    from summarizer import pipeline
    from summarizer.embedded import probe_slots
    from summarizer.llm import MeteredChatModel, OpenAIChatModel, UsageMeter

    corpus = pipeline.prepare([folder], warn=lambda _: None)
    slots = probe_slots(base_url.removesuffix("/v1")) if capped else None
    model = OpenAIChatModel(
        base_url=base_url, model="stub", timeout=timeout, max_retries=3, slots=slots
    )
    meter = UsageMeter()
    session = pipeline.ModelSession(MeteredChatModel(model, meter), meter, concurrency)
    started = time.monotonic()
    briefing = pipeline.brief_corpus(corpus, session=session)
    print(json.dumps({"seconds": time.monotonic() - started, "notes": list(briefing.notes)}))


def stub_run(
    sources: int, concurrency: int, token_delay: float, timeout: float, capped: bool
) -> dict[str, Any]:
    news = NewsModel()

    def paced(body: Any) -> Any:
        return reply(str(news(body)), token_delay=token_delay)

    with tempfile.TemporaryDirectory() as tmp:
        folder = write_articles(Path(tmp) / "news", outlet_names(sources))
        with StubServer(paced, slots=1) as stub:
            command = [
                sys.executable, __file__, "--client", stub.base_url, "--folder", str(folder),
                "--concurrency", str(concurrency), "--timeout", str(timeout),
            ] + ([] if capped else ["--uncapped"])  # fmt: skip
            started = time.monotonic()
            done = subprocess.run(
                command, capture_output=True, text=True, env=child_env(Path(tmp) / "c")
            )
            wall = time.monotonic() - started
            services = list(stub.services)
            requests = [json.dumps(r.body["messages"]) for r in stub.chat_requests]
            max_queued = stub.max_queued
    if done.returncode != 0:
        raise SystemExit(f"client failed: {done.stderr.strip()[-500:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    service = sum(end - start for start, end in services)
    phase = max(end for _, end in services) - min(start for start, _ in services)
    return {
        "server": "stub" if capped else "stub-uncapped",
        "concurrency": concurrency,
        "seconds": round(result["seconds"], 2),
        "seconds_with_startup": round(wall, 2),
        "requests": len(requests),
        "duplicate_requests": sum(n - 1 for n in Counter(requests).values()),
        "fallbacks": len([n for n in result["notes"] if "model step failed" in n]),
        "service_seconds": round(service, 2),
        "model_phase_seconds": round(phase, 2),
        "phase_over_service": round(phase / service, 3),
        "max_queued_in_server": max_queued,
    }


# --- the embedded model ----------------------------------------------------------------------


def embedded_run(concurrency: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "briefing.json"
        command = [
            sys.executable, "-m", "summarizer", "-v", "brief", str(SEEDS), "--no-cache",
            "--concurrency", str(concurrency), "--format", "json", "--out", str(out),
        ]  # fmt: skip
        started = time.monotonic()
        done = subprocess.run(
            command, capture_output=True, text=True, env=child_env(Path(tmp) / "c")
        )
        wall = time.monotonic() - started
        if done.returncode != 0:
            raise SystemExit(f"brief failed: {done.stderr.strip()[-500:]}")
        briefing = json.loads(out.read_text(encoding="utf-8"))
    calls = [(int(a), float(s)) for a, s in _CALL.findall(done.stderr)]
    retries = len(_RETRY.findall(done.stderr))
    service = sum(s for _, s in calls)
    ready = re.search(r"embedded model ready in ([\d.]+)s", done.stderr)
    startup = float(ready.group(1)) if ready else 0.0
    return {
        "server": "embedded",
        "concurrency": concurrency,
        "seconds": round(wall, 2),
        "server_startup_seconds": startup,
        "requests": len(calls) + retries,
        "duplicate_requests": retries + sum(1 for a, _ in calls if a > 1),
        "fallbacks": len([n for n in briefing["notes"] if "model step failed" in n]),
        "service_seconds": round(service, 2),
        "model_phase_seconds": round(briefing["usage"]["seconds"], 2),
        "phase_over_service": round(briefing["usage"]["seconds"] / service, 3) if service else None,
        "completion_tokens": briefing["usage"]["completion_tokens"],
    }


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default="stub,embedded")
    parser.add_argument("--concurrency", default="1,4,8")
    parser.add_argument("--hogs", default="0,2", help="busy processes beside each run")
    parser.add_argument("--sources", type=int, default=8, help="stub: articles to brief")
    parser.add_argument("--token-delay", type=float, default=0.02, help="stub: s per token")
    parser.add_argument("--timeout", type=float, default=3.0, help="stub: stall timeout (s)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--uncapped", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        client(args.client, int(args.concurrency), args.timeout, not args.uncapped, args.folder)
        return

    rows: list[dict[str, Any]] = []
    for n_hogs in [int(h) for h in args.hogs.split(",")]:
        with hogs(n_hogs):
            for server in args.servers.split(","):
                for c in [int(x) for x in args.concurrency.split(",")]:
                    if server == "stub":
                        runs = [
                            stub_run(args.sources, c, args.token_delay, args.timeout, capped)
                            for capped in ((True, False) if c > 1 else (True,))
                        ]
                    else:
                        runs = [embedded_run(c)]
                    for row in runs:
                        row["hogs"] = n_hogs
                        rows.append(row)
                        if not args.json:
                            print(_line(row), flush=True)
    if args.json:
        json.dump({"cpus": os.cpu_count(), "runs": rows}, sys.stdout, indent=2)
        print()


def _line(row: dict[str, Any]) -> str:
    return (
        f"{row['server']:<14} hogs={row['hogs']} c={row['concurrency']}  "
        f"{row['seconds']:7.1f} s  requests={row['requests']:<3} "
        f"duplicates={row['duplicate_requests']:<2} fallbacks={row['fallbacks']:<2} "
        f"service={row['service_seconds']:.1f} s  model phase/service="
        f"{row['phase_over_service']}"
    )


if __name__ == "__main__":
    main()
