"""Benchmark many briefings at once: the local runner against Ray on this machine.

Stories are generated (tests/newsdesk.py: each story a different flood told by 3 outlets, 6
sentences each). The stub server runs in this process and answers every call after a fixed
service time (``--service``), like an endpoint with that latency and unlimited capacity; each
story makes 4 calls (3 outlets + 1 merge). Measured:

- the local runner (threads in this process, one model session) at ``--parallel`` stories;
- Ray on a local instance with ``--cpus`` CPUs (one task per story, one model session per
  worker), once its workers are up (start-up and a first story per CPU are timed apart);
- Ray's overhead per task: round trips of a task that receives a real story and returns a
  real briefing without doing anything, one at a time;
- a projection per added node (see ``project``), and whether the seeds and ``evals/cases``
  give the same briefing through ``batch`` as through ``brief`` (extractive and stub model).

    python bench/batch.py [--stories 100] [--service 0.2] [--parallel 2] [--cpus 2] [--json]
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from newsdesk import NewsModel, outlet_names, write_articles  # noqa: E402
from stubserver import Behaviour, StubServer, slow  # noqa: E402

from summarizer import batch, pipeline  # noqa: E402
from summarizer.evaluation import load_cases  # noqa: E402
from summarizer.execution import Job, LocalRunner, Outcome, Runner  # noqa: E402
from summarizer.settings import Settings  # noqa: E402
from summarizer.types import to_jsonable  # noqa: E402

VOLATILE = ("generated_at", "usage")


def make_stories(folder: Path, count: int) -> list[batch.Story]:
    for n in range(count):
        write_articles(folder / f"story-{n:03d}", outlet_names(3), seed=n)
    return batch.read_stories(str(folder))


def timed_run(runner: Runner, stories: list[batch.Story]) -> tuple[float, list[Outcome]]:
    jobs = [Job(s.id, documents=s.load()) for s in stories]
    started = time.monotonic()
    outcomes = list(runner.run(jobs))
    return time.monotonic() - started, outcomes


def summary(seconds: float, outcomes: list[Outcome]) -> dict[str, Any]:
    briefed = [o for o in outcomes if o.briefing is not None]
    story_seconds = [o.briefing.usage.seconds for o in briefed if o.briefing is not None]
    return {
        "seconds": round(seconds, 2),
        "stories_per_s": round(len(outcomes) / seconds, 2),
        "briefed": len(briefed),
        "failed": len(outcomes) - len(briefed),
        "story_seconds_mean": round(statistics.mean(story_seconds), 3) if story_seconds else None,
    }


def task_overhead(story: batch.Story, sample: Outcome, rounds: int) -> float:
    """Mean seconds of one Ray round trip carrying a real story and a real briefing."""
    import ray

    @ray.remote(num_cpus=1)
    def echo(job: Job, outcome: Outcome) -> Outcome:
        return outcome

    job = Job(story.id, documents=story.load())
    ray.get(echo.remote(job, sample))  # warm a worker
    started = time.monotonic()
    for _ in range(rounds):
        ray.get(echo.remote(job, sample))
    return (time.monotonic() - started) / rounds


def project(per_node: float, overhead: float, cpus: int, nodes: int) -> float:
    """Stories/s on ``nodes`` nodes of ``cpus`` CPUs each.

    Every node adds what this one measured (its CPUs each brief one story at a time; the
    endpoint is assumed to keep its latency as load grows, e.g. each worker's own embedded
    model). The one driver submits and collects every task; counting a whole sequential round
    trip as its cost per task (pessimistic: submissions overlap) caps the total at 1 / overhead.
    """
    return min(nodes * per_node, 1.0 / overhead if overhead > 0 else float("inf"))


def same_as_brief(folder: Path, settings: Settings, tmp: Path) -> bool:
    """Whether the files of ``folder``, as one story of a batch, give the briefing ``brief``
    gives them (on a copy, so both read the same paths)."""
    story = tmp / "stories" / folder.name
    if folder.is_dir():
        shutil.copytree(folder, story, dirs_exist_ok=True)
    else:  # a case may name single files
        story.mkdir(parents=True, exist_ok=True)
        shutil.copy2(folder, story / folder.name)
    [found] = [s for s in batch.read_stories(str(story.parent)) if s.id == folder.name]
    with LocalRunner(settings) as runner:
        [outcome] = list(runner.run([Job(found.id, documents=found.load())]))
    alone = pipeline.brief(
        [str(story)], engine=settings.engine, settings=settings, warn=lambda _: None
    )
    if outcome.briefing is None:
        return False
    got, want = to_jsonable(outcome.briefing), to_jsonable(alone)
    return {k: v for k, v in got.items() if k not in VOLATILE} == {
        k: v for k, v in want.items() if k not in VOLATILE
    }


def equivalence(stub: StubServer, tmp: Path) -> dict[str, bool]:
    folders = {"seeds": ROOT / "seeds"}
    for case in load_cases(ROOT / "evals" / "cases"):
        for n, source in enumerate(case.sources):
            folders[f"evals/{case.name}#{n}"] = Path(source)
    out: dict[str, bool] = {}
    for name, folder in folders.items():
        for engine in ("extractive", "llm"):
            settings = Settings(
                engine=engine,
                base_url=stub.base_url,
                model="stub",
                cache_dir=tmp / "eq-cache",
            )
            out[f"{name} {engine}"] = same_as_brief(folder, settings, tmp / name / engine)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100)
    parser.add_argument("--service", type=float, default=0.2, help="seconds per model call")
    parser.add_argument("--parallel", type=int, default=2, help="local runner's stories at once")
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray instance")
    parser.add_argument("--rounds", type=int, default=50, help="round trips for the overhead")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    model = NewsModel()

    def responder(body: Any) -> Behaviour:
        return slow(args.service, model(body))  # type: ignore[arg-type]

    result: dict[str, Any] = {
        "stories": args.stories,
        "calls_per_story": 4,
        "service_seconds": args.service,
    }
    with tempfile.TemporaryDirectory() as tmp, StubServer(responder) as stub:
        stories = make_stories(Path(tmp) / "in", args.stories)
        base = {"base_url": stub.base_url, "model": "stub", "use_cache": False, "timeout": 60.0}

        local = Settings(parallel=args.parallel, **base)  # type: ignore[arg-type]
        with LocalRunner(local) as runner:
            seconds, outcomes = timed_run(runner, stories)
        result["local"] = {"parallel": args.parallel, **summary(seconds, outcomes)}
        sample = next(o for o in outcomes if o.briefing is not None)

        try:
            import ray

            from summarizer.distributed import RayRunner
        except ImportError:
            result["ray"] = "not installed: pip install -e '.[ray]'"
        else:
            started = time.monotonic()
            ray.init(num_cpus=args.cpus, include_dashboard=False, logging_level=logging.ERROR)
            init_seconds = time.monotonic() - started
            try:
                with RayRunner(Settings(ray="auto", **base)) as ray_runner:  # type: ignore[arg-type]
                    # Start every worker (and its model session) before timing.
                    warmup, _ = timed_run(ray_runner, stories[: args.cpus])
                    seconds, outcomes = timed_run(ray_runner, stories)
                overhead = task_overhead(stories[0], sample, args.rounds)
            finally:
                ray.shutdown()
            ray_summary = summary(seconds, outcomes)
            per_node = ray_summary["stories_per_s"]
            result["ray"] = {
                "cpus": args.cpus,
                "init_seconds": round(init_seconds, 2),
                "warmup_seconds": round(warmup, 2),
                **ray_summary,
                "task_overhead_ms": round(overhead * 1000, 2),
            }
            result["projection"] = {
                "basis": f"{per_node} stories/s per {args.cpus}-CPU node (measured), "
                "capped by 1/overhead per task at the driver",
                **{
                    f"{n}_nodes_stories_per_s": round(project(per_node, overhead, args.cpus, n), 1)
                    for n in (1, 2, 4, 8, 16)
                },
            }
        result["same_as_brief"] = equivalence(stub, Path(tmp))

    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"{args.stories} stories x 4 calls, stub service time {args.service:g} s per call")
    local_r = result["local"]
    print(
        f"local runner, {args.parallel} stories at once: {local_r['seconds']} s, "
        f"{local_r['stories_per_s']} stories/s, {local_r['failed']} failed"
    )
    if isinstance(result["ray"], dict):
        r = result["ray"]
        print(
            f"Ray, {r['cpus']} CPUs: {r['seconds']} s, {r['stories_per_s']} stories/s, "
            f"{r['failed']} failed (apart: start-up {r['init_seconds']} s, first "
            f"{r['cpus']} stories {r['warmup_seconds']} s); "
            f"overhead {r['task_overhead_ms']} ms per task"
        )
        for key, value in result["projection"].items():
            print(f"  projected {key.replace('_', ' ')}: {value}")
    else:
        print(f"Ray: {result['ray']}")
    for name, same in result["same_as_brief"].items():
        print(f"batch == brief on {name}: {same}")


if __name__ == "__main__":
    main()
