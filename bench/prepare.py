"""Benchmark `prepare`: articles/s, MB/s, ratio to the read+tokenize floor, dedupe scaling.

Generates a reproducible corpus (fixed seed) of synthetic articles built from the seed articles'
sentences, shuffled and mutated, with boilerplate of the kinds real pages carry, then runs the
real pipeline on it; when FRANK's dev split is beside the project, a second corpus made the same
way from its real news sentences too (``real_text``). Prints numbers; `--json` prints them as
JSON. Not a test.

    python bench/prepare.py [--articles 3000] [--repeat 3] [--stages] [--json]

``ratio_to_floor`` is the best prepare run over the best floor run; each prepare run also
has its own floor, measured just before it, and the median of those paired ratios is given
too (on a shared machine a neighbour's load moves single runs by a fifth or more).
``--stages`` adds where the time goes: each stage run on its own, one after another.
``--clean-free`` adds the same ratios with every article's cleaning done before the timed runs:
what the rest of prepare costs, the best any speed-up of the cleaner alone could reach.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from shared_data import FRANK

from summarizer import corpus as corpus_stage
from summarizer import pipeline
from summarizer.checker.calibration import load_jsonl
from summarizer.clean import clean
from summarizer.dedupe import DuplicateFinder, find_duplicates, sentence_keys
from summarizer.defaults import DEFAULT_MAX_CHUNK_TOKENS
from summarizer.ingest import iter_documents
from summarizer.segment import split_sentences
from summarizer.tokens import chunk_sentences, encoding
from summarizer.types import Source

ROOT = Path(__file__).resolve().parents[1]
CHROME = [
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "5 hours ago",
    "You May Also Like",
    "Local Bakery Wins Regional Award",
    "The town council met on Tuesday to discuss the…",
]


def seed_sentences() -> list[str]:
    return _long_sentences(path.read_text() for path in sorted((ROOT / "seeds").glob("*.txt")))


def real_sentences(path: Path) -> list[str]:
    """The sentences of the distinct articles of a FRANK-style jsonl file ("article" fields)."""
    return _long_sentences(sorted({str(row["article"]) for row in load_jsonl(path)}))


def _long_sentences(texts: Iterable[str]) -> list[str]:
    return [s for text in texts for s in split_sentences(text) if len(s.split()) > 6]


def make_corpus(folder: Path, n: int, rng: random.Random, pool: list[str] | None = None) -> int:
    """``n`` articles of sentences drawn from ``pool`` (the seeds' by default); their bytes."""
    pool = pool or seed_sentences()
    words = " ".join(pool).split()
    total = 0
    for i in range(n):
        k = rng.randint(12, 40)
        sentences = rng.sample(pool, min(k, len(pool)))
        # Mutate some sentences so not everything is an exact duplicate.
        for j in range(0, len(sentences), 3):
            extra = " ".join(rng.choice(words) for _ in range(rng.randint(3, 8)))
            sentences[j] = sentences[j].rstrip(".") + f", {extra}."
        paragraphs = [" ".join(sentences[p : p + 3]) for p in range(0, len(sentences), 3)]
        if rng.random() < 0.5:
            paragraphs.insert(0, CHROME[2])
        if rng.random() < 0.5:
            paragraphs += CHROME[:2] + CHROME[3:]
        text = "\n\n".join(paragraphs) + "\n"
        (folder / f"article_{i:05d}.txt").write_text(text)
        total += len(text.encode())
    return total


def floor_seconds(folder: Path, *, threads: bool) -> float:
    """Reading every file and tiktoken-encoding it: nothing can be faster than this.
    With ``threads``, tiktoken's batch encoder uses every core (the strictest floor)."""
    return floor_times(folder, threads=threads)[0]


def floor_times(folder: Path, *, threads: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of the floor."""
    started, cpu = time.perf_counter(), cpu_seconds()
    texts = [p.read_text() for p in sorted(folder.glob("*.txt"))]
    if threads:
        encoding().encode_ordinary_batch(texts)
    else:
        for text in texts:
            encoding().encode_ordinary(text)
    return time.perf_counter() - started, cpu_seconds() - cpu


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the prepare pool's workers): on a
    shared machine, less disturbed by other load than wall time."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def stage_seconds(folder: Path) -> dict[str, float]:
    """CPU seconds of each stage of prepare over the corpus, each run on its own in this process
    (no pool, no overlap): where the time goes, for whoever works on it next."""
    seconds: dict[str, float] = {}
    started = time.process_time()

    def lap(stage: str) -> None:
        nonlocal started
        now = time.process_time()
        seconds[stage] = now - started
        started = now

    docs = list(iter_documents([str(folder)], warn=lambda _: None))
    lap("read")
    texts = [clean(doc.text).text for doc in docs]
    lap("clean")
    split = [tuple(split_sentences(text)) for text in texts]
    lap("split")
    for sentences in split:
        chunk_sentences("", sentences, DEFAULT_MAX_CHUNK_TOKENS)
    lap("tokens")
    keys = [sentence_keys(sentences) for sentences in split]
    lap("dedupe keys")
    finder = DuplicateFinder()
    for found in keys:
        finder.add(found)
    lap("dedupe add")
    sources = [
        Source(id=f"s{i}", name=f"s{i}", path="", text="", sentences=sentences)
        for i, sentences in enumerate(split)
    ]
    started = time.process_time()
    finder.groups(sources)
    lap("dedupe groups")
    return seconds


@contextlib.contextmanager
def cleaning_done_beforehand(folder: Path) -> Iterator[None]:
    """Within: the cleaning stage of prepare only looks up each article's result, computed here
    first, so prepare costs what all its other stages cost. (The stage is swapped in its module,
    which the pool's forked workers inherit; the results are the same, so is everything after.)"""
    docs = iter_documents([str(folder)], warn=lambda _: None)
    done = {doc.text: clean(doc.text) for doc in docs}
    stage = vars(corpus_stage)  # the name prepare's workers call
    stage["clean"] = done.__getitem__
    try:
        yield
    finally:
        stage["clean"] = clean


def measure(
    folder: Path, repeat: int, *, clean_free: bool = False
) -> tuple[list[dict[str, float]], tuple[int, int, int]]:
    """Runs of prepare over ``folder``, each right after its own floor, and what the last one
    found: (sentences, chunks, duplicate groups). ``clean_free``: with the cleaning done before
    the runs (cleaning_done_beforehand)."""
    if clean_free:
        with cleaning_done_beforehand(folder):
            return measure(folder, repeat)
    floor_times(folder, threads=False)  # the files into the page cache
    runs: list[dict[str, float]] = []
    counts = (0, 0, 0)
    for _ in range(max(1, repeat)):
        floor, floor_cpu = floor_times(folder, threads=False)
        floor_mt = floor_seconds(folder, threads=True)
        started, cpu = time.perf_counter(), cpu_seconds()
        corpus = pipeline.prepare([str(folder)], warn=lambda _: None)
        runs.append(
            {
                "seconds": time.perf_counter() - started,
                "cpu": cpu_seconds() - cpu,
                "floor": floor,
                "floor_cpu": floor_cpu,
                "floor_mt": floor_mt,
            }
        )
        total = sum(len(source.sentences) for source in corpus.sources)
        counts = (total, len(corpus.chunks), len(corpus.duplicates))
        del corpus  # not held during the next run
    return runs, counts


def real_text(
    path: Path, n: int, seed: int, repeat: int, *, clean_free: bool = False
) -> dict[str, float]:
    """The same ratios on a corpus made the same way from real news sentences: those of the
    articles of a FRANK-style jsonl file (FRANK's dev split: 149 CNN/DailyMail and BBC
    articles, some 1,900 sentences). The seeds give only some 150 sentences, one of their
    articles a Russian footer, so the default corpus repeats each sentence hundreds of times
    and mixes Cyrillic into English paragraphs (which the disguise checks must then look at);
    this one is nearer a real day's news. {} when the file is absent."""
    if not path.is_file():
        print(f"note: {path} not found; no real-text figures", file=sys.stderr)
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = make_corpus(folder, n, random.Random(seed), real_sentences(path))
        runs, _ = measure(folder, repeat)
        free = clean_free_ratios(folder, repeat) if clean_free else {}
    return {"articles": n, "megabytes": round(size / 1e6, 2), **ratios(runs), **free}


def clean_free_ratios(folder: Path, repeat: int) -> dict[str, float]:
    """The ratios of a measure with the cleaning done beforehand, under their own names."""
    runs, _ = measure(folder, repeat, clean_free=True)
    return {f"{key}_clean_free": value for key, value in ratios(runs).items()}


def best_of(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each measure's best (smallest) value over the runs."""
    return {key: min(r[key] for r in runs) for key in runs[0]}


def ratios(runs: list[dict[str, float]]) -> dict[str, float]:
    """prepare over its floor: the best run over the best floor, the median of each run over
    its own floor, and the same best-over-best in CPU seconds."""
    best = best_of(runs)
    paired = sorted(r["seconds"] / r["floor"] for r in runs)
    return {
        "ratio_to_floor": round(best["seconds"] / best["floor"], 2),
        "ratio_to_floor_paired_median": round(paired[len(paired) // 2], 2),
        "cpu_ratio_to_floor": round(best["cpu"] / best["floor_cpu"], 2),
    }


def dedupe_curve(rng: random.Random, sizes: list[int]) -> list[dict[str, float]]:
    pool = seed_sentences()
    words = " ".join(pool).split()
    points = []
    for size in sizes:
        sentences = []
        for _ in range(size):
            base = rng.choice(pool)
            if rng.random() < 0.7:  # most sentences unique, some near-duplicates
                base = " ".join(rng.choice(words) for _ in range(rng.randint(10, 30))) + "."
            sentences.append(base)
        per = 50
        sources = [
            Source(
                id=f"s{i}", name=f"s{i}", path="", text="", sentences=tuple(sentences[i : i + per])
            )
            for i in range(0, size, per)
        ]
        started = time.perf_counter()
        groups = find_duplicates(sources)
        seconds = time.perf_counter() - started
        points.append(
            {
                "sentences": size,
                "seconds": round(seconds, 3),
                "us_per_sentence": round(seconds / size * 1e6, 1),
                "groups": len(groups),
            }
        )
    return points


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--curve", default="1000,10000,100000", help="dedupe sizes")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--stages", action="store_true", help="also time each stage on its own (CPU seconds)"
    )
    parser.add_argument(
        "--clean-free",
        action="store_true",
        help="also measure prepare with each article's cleaning done before the timed runs (the "
        "ratio a faster cleaner alone could at best reach)",
    )
    parser.add_argument(
        "--real",
        default=str(FRANK),
        help="a jsonl file of real articles (an 'article' field each): also measure a corpus "
        "made from their sentences; default: FRANK's dev split beside the project, when present "
        "(empty: skip)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of prepare, each right after its own floor (the machine is shared: the "
        "best run and the median of the paired ratios are reported)",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    encoding()  # load the tokenizer outside the timings
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = make_corpus(folder, args.articles, rng)
        runs, counts = measure(folder, args.repeat)
        free = clean_free_ratios(folder, args.repeat) if args.clean_free else {}
        stages = stage_seconds(folder) if args.stages else {}
    real = (
        real_text(
            Path(args.real), args.articles, args.seed, args.repeat, clean_free=args.clean_free
        )
        if args.real
        else {}
    )
    best = best_of(runs)
    seconds, floor_cpu = best["seconds"], best["floor_cpu"]
    ratio = ratios(runs)
    result = {
        "articles": args.articles,
        "megabytes": round(size / 1e6, 2),
        "seconds": round(seconds, 3),
        "articles_per_s": round(args.articles / seconds, 1),
        "mb_per_s": round(size / 1e6 / seconds, 2),
        "floor_seconds": round(best["floor"], 3),
        "ratio_to_floor": ratio["ratio_to_floor"],
        "ratio_to_floor_paired_median": ratio["ratio_to_floor_paired_median"],
        "runs": len(runs),
        "cpu_seconds": round(best["cpu"], 2),
        "cpu_ratio_to_floor": ratio["cpu_ratio_to_floor"],
        "floor_seconds_all_cores": round(best["floor_mt"], 3),
        "ratio_to_floor_all_cores": round(seconds / best["floor_mt"], 2),
        **free,
        "sentences": counts[0],
        "chunks": counts[1],
        "duplicate_groups": counts[2],
        # Each stage's CPU seconds on its own, and in floors (the floor's CPU seconds).
        "stages": {
            stage: {"cpu_seconds": round(cpu, 3), "floors": round(cpu / floor_cpu, 2)}
            for stage, cpu in stages.items()
        },
        "real_text": real,
        "dedupe_curve": dedupe_curve(rng, [int(x) for x in args.curve.split(",")]),
    }
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
    else:
        for key, value in result.items():
            if key not in ("dedupe_curve", "stages", "real_text"):
                print(f"{key:>18}: {value}")
        if stages:
            print("  stages, each on its own (CPU s, floors):")
            for stage, cpu in stages.items():
                print(f"    {stage:>14}: {cpu:7.3f} s  {cpu / floor_cpu:5.2f}")
        if real:
            print("  the same from real news sentences (FRANK's articles):")
            for key, value in real.items():
                print(f"    {key:>28}: {value}")
        print("  dedupe curve (near-linear = flat us/sentence):")
        for p in result["dedupe_curve"]:
            print(
                f"    {p['sentences']:>7} sentences: {p['seconds']:>7} s  "
                f"{p['us_per_sentence']:>6} us/sentence  {p['groups']} groups"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
