"""Command-line interface: parse arguments, call the library, print, map errors to exit codes.

Exit codes: 0 ok, 1 the run failed, 2 bad usage or no usable input, 130 interrupted.
The library is imported by the command that needs it, so `--help` loads no model client,
HTML extractor, tokenizer or numpy.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn

from summarizer import __version__
from summarizer.defaults import (
    DEFAULT_BASELINE,
    DEFAULT_CASES,
    DEFAULT_MAX_CHUNK_TOKENS,
    DEFAULT_MAX_POINTS,
    DEFAULT_MAX_SOURCES,
    DEFAULT_MAX_STORIES,
    DEFAULT_MAX_STORY_ARTICLES,
)
from summarizer.errors import SummarizerError, UsageError
from summarizer.fsutil import atomic_write, check_output_file
from summarizer.redact import Redactor, printable, strip_controls

if TYPE_CHECKING:
    from summarizer.settings import Settings

INTERRUPTED = 130  # the exit code of a run stopped by Ctrl-C, as shells report SIGINT

SECRET_ENV_VARS = ("OPENAI_API_KEY", "SUMMARIZER_SMTP_PASSWORD")


class _Scrub:
    """What every line the CLI prints passes through: the environment's secrets (in every
    encoding they are sent in) removed, control characters escaped, so untrusted text (file
    names, model ids, server messages) can neither leak a secret nor forge a line."""

    def __init__(self) -> None:
        self.redact = Redactor()

    def use(self, users: Sequence[str | None] = ()) -> None:
        secrets = [os.environ.get(name) for name in SECRET_ENV_VARS]
        self.redact = Redactor(secrets, users=[u for u in users if u])

    def __call__(self, text: str) -> str:
        return printable(self.redact(text))


_scrub = _Scrub()


class _OneLineFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = _scrub(record.message)
        return super().formatMessage(record)


def _warn(message: str) -> None:
    print(f"summarizer: warning: {_scrub(message)}", file=sys.stderr)


def _hint(message: str) -> None:
    print(f"summarizer: hint: {message}", file=sys.stderr)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def _non_negative_int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or more, got {text}")
    return value


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


def _add_input_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="article files or folders; - for stdin")
    p.add_argument(
        "--max-file-mb",
        type=_positive_float,
        default=20.0,
        help="skip files larger than this many MB (default: 20)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="summarizer",
        description="Turn news articles about one event, from several outlets, into one short "
        "briefing where every claim names its outlets and quotes the sentence that backs it.",
    )
    parser.add_argument("--version", action="version", version=f"summarizer {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # -v also works after the command name ("summarizer brief seeds/ -v").
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log details"
    )
    original_add_parser = sub.add_parser

    def add_parser(name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return original_add_parser(name, parents=[common], **kwargs)

    sub.add_parser = add_parser  # type: ignore[method-assign]

    p = sub.add_parser(
        "prepare",
        help="read, clean, split, chunk and deduplicate articles (no model)",
        description="Read articles and print the prepared corpus: cleaned text per source with "
        "what was removed and why, token-counted chunks, and duplicate passages across sources.",
    )
    _add_input_args(p)
    p.add_argument(
        "--max-chunk-tokens",
        type=_positive_int,
        default=DEFAULT_MAX_CHUNK_TOKENS,
        help=f"token budget per chunk (default: {DEFAULT_MAX_CHUNK_TOKENS})",
    )
    p.add_argument("--format", choices=["json", "text"], default="text", help="output format")
    p.set_defaults(func=_cmd_prepare)

    p = sub.add_parser(
        "brief",
        help="write one attributed, verified briefing from articles",
        description="Write one short briefing: every point names the outlets that reported it "
        "and quotes the sentence that backs it; a section lists where the sources disagree. "
        "With no endpoint configured, an embedded local model (SmolLM2) is started; "
        "--engine extractive needs no model at all.",
    )
    _add_input_args(p)
    p.add_argument("--format", choices=["markdown", "json", "text"], default="markdown")
    p.add_argument("--out", metavar="FILE", help="write to FILE atomically instead of stdout")
    _add_briefing_args(p)
    _add_max_sources(p)
    _add_model_args(p)
    p.set_defaults(func=_cmd_brief)

    _add_batch_parser(sub)
    _add_nightly_parser(sub)
    _add_check_parser(sub)
    _add_eval_parser(sub)
    return parser


def _add_briefing_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", choices=["llm", "extractive"], help="default: llm")
    p.add_argument(
        "--max-points",
        type=_positive_int,
        help=f"points per briefing (default: {DEFAULT_MAX_POINTS})",
    )


def _add_max_sources(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-sources",
        type=_positive_int,
        help="brief a story from at most N articles, the most central of each outlet first "
        f"(default: {DEFAULT_MAX_SOURCES})",
    )


def _add_run_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("where stories are briefed (default: in this process)")
    g.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="brief on the Ray cluster at ADDRESS (host:port, ray://host:port), or auto: the "
        "local one, started for this run if none is running (env SUMMARIZER_RAY_ADDRESS; "
        "needs pip install 'summarizer[ray]')",
    )
    g.add_argument(
        "--parallel",
        type=_positive_int,
        metavar="N",
        help="stories briefed at once in this process (default 2; on Ray, the cluster's CPUs)",
    )


def _add_model_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model endpoint (flag > environment > config file > default)")
    g.add_argument(
        "--base-url",
        help="OpenAI-compatible endpoint (env OPENAI_BASE_URL); "
        "default: start the embedded SmolLM2 server",
    )
    g.add_argument("--model", help="model name (env SUMMARIZER_MODEL)")
    g.add_argument(
        "--timeout",
        type=_positive_float,
        help="seconds a model call may go without a token before it counts as stuck "
        "(default 60); a slow answer that keeps streaming is never cut",
    )
    g.add_argument(
        "--deadline", type=_positive_float, help="seconds for the whole run (default 900)"
    )
    g.add_argument("--max-retries", type=_non_negative_int, help="retries per call (default 3)")
    g.add_argument(
        "--concurrency",
        type=_positive_int,
        help="sources worked on at once (default 4); the embedded model still computes one "
        "answer at a time, an endpoint gets up to this many calls at once",
    )
    g.add_argument(
        "--no-cache", action="store_true", help="do not read or write the response cache"
    )
    g.add_argument("--cache-dir", help="response cache folder (env SUMMARIZER_CACHE_DIR)")
    g.add_argument("--config", help="TOML config file (env SUMMARIZER_CONFIG)")


def _settings(args: argparse.Namespace, table: str | None = None) -> Settings:
    from summarizer.settings import resolve_settings

    flags = {
        "engine": getattr(args, "engine", None),
        "max_points": getattr(args, "max_points", None),
        "max_sources": getattr(args, "max_sources", None),
        "ray": getattr(args, "ray", None),
        "parallel": getattr(args, "parallel", None),
        "base_url": args.base_url,
        "model": args.model,
        "timeout": args.timeout,
        "deadline": args.deadline,
        "max_retries": args.max_retries,
        "concurrency": args.concurrency,
        "cache_dir": args.cache_dir,
        "use_cache": False if args.no_cache else None,
    }
    config = Path(args.config) if args.config else None
    return resolve_settings(flags, config_path=config, table=table)


def _progress(verbose: bool) -> Callable[[str], None]:
    interactive = sys.stderr.isatty()

    def show(message: str) -> None:
        if interactive or verbose:
            print(f"summarizer: {_scrub(message)}", file=sys.stderr, flush=True)

    return show


@contextlib.contextmanager
def _live_progress(enabled: bool = True) -> Iterator[None]:
    """On a terminal, a live board on stderr: a line per source (state, tokens/s, elapsed) and
    an ETA. Elsewhere nothing (warnings, e.g. each fallback, are printed either way)."""
    if not (enabled and sys.stderr.isatty()):
        yield
        return
    from summarizer import progress

    board = progress.Board()
    with progress.tracking(board), progress.live(board):
        yield


def _emit(text: str, out: str | None) -> None:
    """Write an output; whatever an article or a model put in it, no terminal escape survives."""
    text = strip_controls(text)
    if out:
        atomic_write(out, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _cmd_brief(args: argparse.Namespace) -> int:
    from summarizer import pipeline, render

    if args.out:
        check_output_file(args.out)
    settings = _settings(args)
    with _live_progress(settings.engine == "llm"):
        briefing = pipeline.brief(
            args.paths,
            engine=settings.engine,
            settings=settings,
            max_points=settings.max_points,
            max_sources=settings.max_sources,
            max_bytes=int(args.max_file_mb * 1024 * 1024),
            stdin=sys.stdin.buffer,
            warn=_warn,
            progress=_progress(args.verbose),
            hint=_hint,
        )
    _emit(render.render_briefing(briefing, args.format), args.out)
    return 0


def _add_batch_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "batch",
        help="brief many stories in one run, one JSON line per story",
        description="Brief every story of INPUT and write one JSON line per story as it "
        'finishes: {"id", ...the briefing as brief --format json}, or {"id", "error"} for a '
        "story that failed (the others go on). INPUT is a folder with one sub-folder per "
        'story, or a JSONL file (- for stdin) of {"id", "articles": [{source, title, url, '
        "published, text}]}. Run again with the same --out, it skips the stories already "
        "briefed and retries the failed ones. Progress and a summary line go to stderr; "
        "exits 1 if any story failed.",
    )
    p.add_argument("input", metavar="INPUT", help="folder of story folders, or JSONL (- stdin)")
    p.add_argument("--out", metavar="FILE", help="append JSONL to FILE (resumable); default stdout")
    p.add_argument(
        "--max-file-mb",
        type=_positive_float,
        default=20.0,
        help="skip article files larger than this many MB (default: 20)",
    )
    _add_briefing_args(p)
    _add_max_sources(p)
    _add_run_args(p)
    _add_model_args(p)
    p.set_defaults(func=_cmd_batch)


@contextlib.contextmanager
def _jsonl_sink(out: Path | None) -> Iterator[Callable[[str], None]]:
    """Write one line at a time, flushed, so a killed run keeps every finished story."""
    if out is None:

        def to_stdout(line: str) -> None:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

        yield to_stdout
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("a", encoding="utf-8", newline="\n") as handle:

        def to_file(line: str) -> None:
            handle.write(line + "\n")
            handle.flush()

        yield to_file


def _cmd_batch(args: argparse.Namespace) -> int:
    from summarizer import batch, execution

    settings = _settings(args)
    stories = batch.read_stories(
        args.input,
        max_bytes=int(args.max_file_mb * 1024 * 1024),
        stdin=sys.stdin.buffer,
        warn=_warn,
    )
    out = Path(args.out) if args.out else None
    done = batch.resume(out, warn=_warn) if out is not None else set()
    with execution.open_runner(settings) as runner, _jsonl_sink(out) as write:
        result = batch.run_batch(
            stories,
            runner,
            write=write,
            done=done,
            progress=_progress(args.verbose),
            warn=_warn,
        )
    print(f"summarizer: batch: {_scrub(result.summary())}", file=sys.stderr)
    return 1 if result.failed else 0


def _add_nightly_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "nightly",
        help="collect the day's articles, brief each story, email the result once",
        description="Collect the day's articles from an inbox folder, group them into stories, "
        "brief each story and deliver one email (SMTP, or an .eml file in the outbox). A date "
        "already sent is skipped unless --force. Every option can also be set in the [nightly] "
        "table of the config file (flags win); the SMTP password only comes from the "
        "SUMMARIZER_SMTP_PASSWORD environment variable.",
    )
    p.add_argument("--inbox", metavar="DIR", help="folder of articles (files, JSON, JSONL)")
    p.add_argument("--to", metavar="ADDR[,ADDR]", help="recipients, comma-separated")
    p.add_argument("--from", dest="sender", metavar="ADDR", help="sender address")
    p.add_argument("--state-dir", metavar="DIR", help="run records, archive, lock, outbox")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the day to brief (default: today)")
    g = p.add_argument_group("delivery (default: an .eml file in --outbox)")
    g.add_argument("--smtp-host", metavar="HOST", help="send over SMTP to HOST")
    g.add_argument(
        "--smtp-port",
        type=_positive_int,
        metavar="PORT",
        help="default 25, 587 with --starttls, 465 with --ssl",
    )
    g.add_argument(
        "--smtp-user",
        metavar="USER",
        help="log in as USER; password from $SUMMARIZER_SMTP_PASSWORD",
    )
    tls = g.add_mutually_exclusive_group()
    tls.add_argument("--starttls", action="store_true", default=None, help="upgrade with STARTTLS")
    tls.add_argument("--ssl", action="store_true", default=None, help="connect over TLS")
    g.add_argument(
        "--smtp-timeout",
        type=_positive_float,
        metavar="S",
        help="seconds per SMTP operation (default 30)",
    )
    g.add_argument("--outbox", metavar="DIR", help="where .eml files go (default: STATE/outbox)")
    _add_briefing_args(p)
    p.add_argument(
        "--max-stories",
        type=_positive_int,
        default=None,
        help=f"stories briefed; the next ones get a line each (default: {DEFAULT_MAX_STORIES})",
    )
    p.add_argument(
        "--max-story-articles",
        type=_positive_int,
        default=None,
        help="articles a story is briefed from, the most central first "
        f"(default: {DEFAULT_MAX_STORY_ARTICLES})",
    )
    p.add_argument(
        "--force", action="store_true", default=None, help="send even if this date was already sent"
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        default=None,
        help="print what would be sent; send and record nothing",
    )
    _add_run_args(p)
    _add_model_args(p)
    p.set_defaults(func=_cmd_nightly)


def _cmd_nightly(args: argparse.Namespace) -> int:
    from summarizer import nightly

    flags = {
        "inbox": args.inbox,
        "to": args.to,
        "from": args.sender,
        "state_dir": args.state_dir,
        "date": args.date,
        "smtp_host": args.smtp_host,
        "smtp_port": args.smtp_port,
        "smtp_user": args.smtp_user,
        "starttls": args.starttls,
        "ssl": args.ssl,
        "smtp_timeout": args.smtp_timeout,
        "outbox": args.outbox,
        "max_stories": args.max_stories,
        "max_story_articles": args.max_story_articles,
        "force": args.force,
        "dry_run": args.dry_run,
    }
    options = nightly.resolve_options(flags, config_path=Path(args.config) if args.config else None)
    _scrub.use([options.smtp.user if options.smtp else None])
    settings = _settings(args, table=nightly.CONFIG_TABLE)
    with _live_progress(settings.engine == "llm" and not settings.ray):
        result = nightly.run_nightly(
            options, settings, warn=_warn, progress=_progress(args.verbose)
        )
    resumed = " (finishing an interrupted delivery)" if result.resumed else ""
    if result.status == "dry-run":
        _emit(result.preview, None)
    elif result.status == "already-sent":
        print(_scrub(f"already sent for {result.day} ({result.message_id}); --force sends again"))
    elif result.path is not None:
        print(
            _scrub(
                f"wrote {result.path}: {result.stories} stories from {result.articles} "
                f"articles{resumed}"
            )
        )
    else:
        print(
            _scrub(
                f"sent {result.day}: {result.stories} stories from {result.articles} articles "
                f"to {', '.join(result.recipients)} ({result.message_id}){resumed}"
            )
        )
    return 0


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text}")
    return value


def _add_check_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "check",
        help="check a summary's facts against its sources (no model needed)",
        description="Check every claim of a summary (plain text, Markdown, or briefing JSON) "
        "against the sources with the offline fact checker. A briefing's points are checked "
        "against the sources they cite, by the ids prepare gives those sources, so a briefing "
        "must be checked against the sources it was made from. Each claim gets the probability "
        "that its sources support it, a verdict (supported at the threshold shipped with the "
        "checker) and the reasons. --batch checks JSONL lines "
        '{"id", "sources": [text, ...], "summary": text} and streams one result per line.',
    )
    p.add_argument("--sources", nargs="+", metavar="PATH", help="article files or folders")
    p.add_argument("--summary", metavar="FILE", help="the summary to check; - for stdin")
    p.add_argument("--batch", metavar="FILE.jsonl", help="check many summaries; - for stdin")
    p.add_argument(
        "--format",
        choices=["text", "json", "jsonl"],
        help="text or json for one summary (default text); jsonl for --batch (the default)",
    )
    p.add_argument(
        "--fail-under",
        type=_fraction,
        metavar="X",
        help="exit 1 when the share of supported claims (with --batch: of supported "
        "summaries) is below X",
    )
    p.add_argument(
        "--max-file-mb",
        type=_positive_float,
        default=20.0,
        help="skip source files larger than this many MB (default: 20)",
    )
    p.add_argument(
        "--judge",
        action="store_true",
        help="also ask a model (the model options below; default the embedded one) whether "
        "the evidence supports each claim; reported next to the checker's verdict",
    )
    _add_model_args(p)
    p.set_defaults(func=_cmd_check)


def _cmd_check(args: argparse.Namespace) -> int:
    from summarizer import factcheck

    judge = _settings(args) if args.judge else None
    if args.batch:
        if args.sources or args.summary:
            raise UsageError("--batch cannot be combined with --sources or --summary")
        if args.format not in (None, "jsonl"):
            raise UsageError("--batch writes jsonl")
        verdicts: list[str] = []
        with factcheck.batch_lines(args.batch, stdin=sys.stdin) as lines:
            for result in factcheck.check_batch(lines, name=args.batch, judge=judge, warn=_warn):
                print(factcheck.batch_json(result), flush=True)
                verdicts.append(result.verdict)
        share = verdicts.count("supported") / len(verdicts)
        return 1 if args.fail_under is not None and share < args.fail_under else 0
    if not args.sources or not args.summary:
        raise UsageError("check needs --sources PATH... and --summary FILE (or --batch FILE)")
    if args.format == "jsonl":
        raise UsageError("--format jsonl is for --batch")
    with _live_progress(judge is not None):
        report = factcheck.check_files(
            args.sources,
            args.summary,
            judge=judge,
            max_bytes=int(args.max_file_mb * 1024 * 1024),
            stdin=sys.stdin.buffer,
            warn=_warn,
        )
    if args.format == "json":
        _emit(factcheck.report_json(report) + "\n", None)
    else:
        _emit(factcheck.report_text(report), None)
    return 1 if args.fail_under is not None and report.supported < args.fail_under else 0


def _add_eval_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "eval",
        help="brief the eval cases, measure the briefings, gate against the baseline",
        description="Brief every eval case (evals/cases/) with the current prompts, measure the "
        "briefing with the fact checker (unsupported points, citation accuracy, key-fact "
        "coverage, detection of perturbed points, false alarms, tokens, seconds) and compare "
        "with evals/baseline.json, recorded per engine and prompt version (a new prompt version "
        "is compared with the engine's latest entry). Exits 1 on a regression beyond the "
        "tolerances. Writes report.md and chart.html to the report folder. Run from the "
        "repository root; SUMMARIZER_PROMPTS_DIR evaluates another prompts folder.",
    )
    p.add_argument("--engine", choices=["llm", "extractive"], help="default: llm")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.add_argument(
        "--cases",
        metavar="PATH",
        default=str(DEFAULT_CASES),
        help=f"an eval case file or a folder of them (default: {DEFAULT_CASES})",
    )
    p.add_argument(
        "--baseline",
        metavar="FILE",
        default=str(DEFAULT_BASELINE),
        help=f"baseline metrics (default: {DEFAULT_BASELINE})",
    )
    p.add_argument(
        "--update-baseline",
        action="store_true",
        help="record these metrics as the baseline for the current prompt version and engine",
    )
    p.add_argument(
        "--report-dir",
        metavar="DIR",
        help="where report.md and chart.html go (default: reports/eval-<timestamp>/)",
    )
    _add_run_args(p)
    _add_model_args(p)
    p.set_defaults(func=_cmd_eval)


def _cmd_eval(args: argparse.Namespace) -> int:
    from summarizer import evalreport, evaluation

    settings = _settings(args)
    with _live_progress(settings.engine == "llm" and not settings.ray):
        result = evaluation.run_eval(
            args.cases,
            settings=settings,
            baseline_path=args.baseline,
            update_baseline=args.update_baseline,
            progress=_progress(args.verbose),
            warn=_warn,
        )
    folder = evalreport.write_report(result, args.report_dir)
    if args.format == "json":
        _emit(evalreport.eval_json(result, folder) + "\n", None)
    else:
        _emit(evalreport.eval_text(result, folder), None)
    return 1 if result.failed else 0


def _cmd_prepare(args: argparse.Namespace) -> int:
    from summarizer import pipeline, render

    corpus = pipeline.prepare(
        args.paths,
        max_chunk_tokens=args.max_chunk_tokens,
        max_bytes=int(args.max_file_mb * 1024 * 1024),
        stdin=sys.stdin.buffer,
        warn=_warn,
        hint=_hint,
    )
    out = render.corpus_json(corpus) + "\n" if args.format == "json" else render.corpus_text(corpus)
    _emit(out, None)
    return 0


class _Stderr:
    """Whatever sys.stderr is when a line is written (the live board swaps it to print above)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


class _CliFormatter(logging.Formatter):
    """Without -v a warning reads like the CLI's own: "summarizer: warning: ..."."""

    def format(self, record: logging.LogRecord) -> str:
        return f"summarizer: {record.levelname.lower()}: {_scrub(record.getMessage())}"


def _configure_logging(verbose: bool) -> None:
    handler = logging.StreamHandler(_Stderr())
    if verbose:  # timestamps and logger names
        handler.setFormatter(_OneLineFormatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    else:
        handler.setFormatter(_CliFormatter())
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, handlers=[handler])
    if verbose:  # basicConfig does nothing if a handler exists (OPENAI_LOG makes one)
        logging.getLogger().setLevel(logging.DEBUG)


@contextlib.contextmanager
def _one_interrupt() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt once; later ones are ignored until the process exits,
    so the cleanup (stopping the embedded server, closing the cache: about a second) finishes
    and nothing half-done is printed."""
    interrupted = False

    def interrupt(signum: int, frame: FrameType | None) -> None:
        nonlocal interrupted
        interrupted = True
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGINT, interrupt)
    except ValueError:  # not the main thread (main() called from a worker): leave it
        yield
        return
    try:
        yield
    finally:
        if not interrupted:
            signal.signal(signal.SIGINT, previous)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _scrub.use()
    _configure_logging(args.verbose)
    # HTTP libraries log request URLs (which may carry credentials) and wire chatter.
    for noisy in ("httpx", "httpx2", "httpcore", "httpcore2", "openai", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        with _one_interrupt():
            return int(args.func(args))
    except SummarizerError as exc:
        print(f"summarizer: error: {_scrub(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("summarizer: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: one line for the user, the traceback only with -v
        logging.getLogger("summarizer").debug("internal error", exc_info=True)
        print(
            f"summarizer: internal error: {type(exc).__name__}: {_scrub(str(exc))} "
            "(run with -v for details)",
            file=sys.stderr,
        )
        return 1
    finally:
        logging.shutdown()


def run() -> NoReturn:
    """The `summarizer` command: main(), and after Ctrl-C an exit that skips the interpreter's
    teardown (a second or two on a busy machine; everything is already flushed and closed)."""
    code = main()
    if code == INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


__all__ = ["UsageError", "build_parser", "main", "run"]
