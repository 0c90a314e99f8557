"""The nightly job: collect the day's articles, cluster them into stories, brief each, render one
email, deliver it once. ``run_nightly`` is the library entry point; the CLI only maps flags.

The day's articles: an article whose published date (front matter, JSON field, HTML metadata) is
the day, or a file holding one article that was last modified that day (local time). Records of a
JSONL file or JSON list count by their published date, or by the file's date if they have none.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import logging
import os
import re
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal

from summarizer import crash
from summarizer.cluster import (
    DEFAULT_THRESHOLD,
    Story,
    central_sample,
    find_stories,
    sample_note,
)
from summarizer.corpus import prepare_corpus, sub_corpus
from summarizer.deliver import (
    DEFAULT_PORTS,
    DEFAULT_SMTP_TIMEOUT,
    Security,
    SmtpTarget,
    outbox_path,
    send_smtp,
    write_outbox,
)
from summarizer.email_render import (
    ListedStory,
    RenderedEmail,
    address_list,
    check_address,
    new_message_id,
    render_email,
)
from summarizer.errors import (
    DeliveryError,
    DeliveryUncertain,
    InputError,
    JobFailed,
    SummarizerError,
    UsageError,
)
from summarizer.execution import Job, Runner, open_runner
from summarizer.fsutil import atomic_write
from summarizer.ingest import DEFAULT_MAX_BYTES, iter_documents
from summarizer.redact import Redactor
from summarizer.settings import (
    Layer,
    Parser,
    Settings,
    as_count,
    as_date,
    as_flag,
    as_path,
    as_positive_number,
    as_text,
    flag_layer,
    read_config,
    resolve_fields,
    resolve_settings,
)
from summarizer.state import RunRecord, StateStore, archive_day, nightly_lock
from summarizer.stories import (
    STORIES_FILE,
    KnownStory,
    SentStory,
    StoryMemory,
    fingerprint,
    match_stories,
    new_points,
)
from summarizer.types import Briefing, RawDocument, Source

__all__ = [
    "PASSWORD_ENV_VAR",
    "NightlyOptions",
    "NightlyResult",
    "collect",
    "resolve_options",
    "run_nightly",
    "sub_corpus",
]

log = logging.getLogger("summarizer.nightly")

PASSWORD_ENV_VAR = "SUMMARIZER_SMTP_PASSWORD"
# A day's news holds thousands of stories: the email briefs the most widely covered ones, each
# from its most central articles (one per outlet first), and lists the next ones in a line each.
DEFAULT_MAX_STORIES = 20
DEFAULT_MAX_STORY_ARTICLES = 30
LISTED_STORIES = 30
STORY_INDEX_DIR = "stories"  # <date>.jsonl: every story of the day, its outlets and articles
CONFIG_TABLE = "nightly"
Warn = Callable[[str], None]


@dataclass(frozen=True)
class NightlyOptions:
    inbox: Path
    to: tuple[str, ...]
    sender: str
    state_dir: Path
    day: dt.date = field(default_factory=dt.date.today)
    smtp: SmtpTarget | None = None  # None: write into the outbox
    outbox: Path | None = None  # None: <state_dir>/outbox
    force: bool = False
    dry_run: bool = False
    threshold: float = DEFAULT_THRESHOLD
    max_bytes: int = DEFAULT_MAX_BYTES
    max_stories: int = DEFAULT_MAX_STORIES
    max_story_articles: int = DEFAULT_MAX_STORY_ARTICLES
    # Seconds to wait before trying recipients the SMTP server deferred (4xx) again, in this
    # run; whoever is still deferred after that is retried by the next run for the date.
    retry_delays: tuple[float, ...] = (5.0, 30.0)

    @property
    def outbox_dir(self) -> Path:
        return self.outbox if self.outbox is not None else self.state_dir / "outbox"


@dataclass(frozen=True)
class NightlyResult:
    status: Literal["sent", "already-sent", "dry-run"]
    day: dt.date
    message_id: str | None = None
    recipients: tuple[str, ...] = ()
    path: Path | None = None  # the outbox file, when delivered there
    refused: tuple[str, ...] = ()  # recipients the SMTP server refused for good, with its reply
    resumed: bool = False  # finished the delivery an interrupted run had journalled
    subject: str = ""
    stories: int = 0
    articles: int = 0
    preview: str = ""  # --dry-run: the headers and the text part


# --- options: flags > [nightly] table of the config file > defaults -------------------------
# Parsed by the project's one settings parser (summarizer.settings); the table may also set any
# run setting (engine, max_points, model...) for the nightly job alone.


def _addresses(key: str, value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    try:
        out = [addr for item in items for addr in address_list(as_text(key, item))]
    except ValueError as exc:
        raise UsageError(f"{key}: {exc}") from None
    if not out:
        raise UsageError(f"{key} names no recipient")
    return tuple(out)


def _address(key: str, value: Any) -> str:
    try:
        return check_address(as_text(key, value))
    except ValueError as exc:
        raise UsageError(f"{key}: {exc}") from None


# Option -> parser; the config table uses these names ("from" for the sender).
_OPTIONS: Mapping[str, Parser] = {
    "inbox": as_path,
    "to": _addresses,
    "from": _address,
    "state_dir": as_path,
    "date": as_date,
    "smtp_host": as_text,
    "smtp_port": as_count,
    "smtp_user": as_text,
    "starttls": as_flag,
    "ssl": as_flag,
    "smtp_timeout": as_positive_number,
    "outbox": as_path,
    "max_stories": as_count,
    "max_story_articles": as_count,
    "force": as_flag,
    "dry_run": as_flag,
}


def resolve_options(
    flags: Mapping[str, Any],
    *,
    config_path: Path | None = None,
    env: Mapping[str, str] = os.environ,
) -> NightlyOptions:
    """Merge flags (None = not given) over the config file's ``[nightly]`` table, then check.

    ``flags`` uses the config names (``from``, ``state_dir``, ``smtp_host``...). The SMTP password
    comes only from ``$SUMMARIZER_SMTP_PASSWORD``. How to brief (engine, points, model, Ray) is
    in the run's Settings: ``resolve_settings(flags, table="nightly")``.
    """
    config = read_config(config_path, env)
    config.check_table(CONFIG_TABLE, _OPTIONS)
    table = Layer(config.table(CONFIG_TABLE), lambda key: f"{CONFIG_TABLE}.{key}")
    values = resolve_fields(_OPTIONS, [flag_layer(flags), table])
    missing = [
        f"--{k.replace('_', '-')}" for k in ("inbox", "to", "from", "state_dir") if k not in values
    ]
    if missing:
        raise UsageError(f"nightly needs {', '.join(missing)} (as flags or in [{CONFIG_TABLE}])")
    if values.get("starttls") and values.get("ssl"):
        raise UsageError("choose one of --starttls and --ssl")
    security: Security = (
        "ssl" if values.get("ssl") else "starttls" if values.get("starttls") else "none"
    )
    password = env.get(PASSWORD_ENV_VAR) or None
    smtp = None
    if "smtp_host" in values:
        smtp = SmtpTarget(
            host=values["smtp_host"],
            port=values.get("smtp_port", DEFAULT_PORTS[security]),
            security=security,
            user=values.get("smtp_user"),
            password=password,
            timeout=values.get("smtp_timeout", DEFAULT_SMTP_TIMEOUT),
        )
    elif any(k in values for k in ("smtp_port", "smtp_user", "starttls", "ssl")):
        raise UsageError("--smtp-port, --smtp-user, --starttls and --ssl need --smtp-host")
    return NightlyOptions(
        inbox=values["inbox"],
        to=values["to"],
        sender=values["from"],
        state_dir=values["state_dir"],
        day=values.get("date") or dt.date.today(),
        smtp=smtp,
        outbox=values.get("outbox"),
        max_stories=values.get("max_stories", DEFAULT_MAX_STORIES),
        max_story_articles=values.get("max_story_articles", DEFAULT_MAX_STORY_ARTICLES),
        force=values.get("force", False),
        dry_run=values.get("dry_run", False),
    )


# --- collect ---------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def published_date(text: str | None) -> dt.date | None:
    """The calendar date in a ``published`` value (ISO 8601 or RFC 2822), local if zoned.

    A value no calendar can hold (year 0, 10000, an offset past midnight at year 9999) is no
    date, never an error: one article's metadata must not stop the night.
    """
    if not text or not text.strip():
        return None
    text = text.strip()
    moment: dt.datetime | None = None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            moment = None
    if moment is not None:
        if moment.tzinfo is None:
            return moment.date()
        try:
            return moment.astimezone().date()
        except (OverflowError, ValueError, OSError):
            return moment.date()  # the date where it was published
    match = _ISO_DATE.search(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except (ValueError, OverflowError):
            return None
    return None


def _local_date(timestamp: float | None) -> dt.date | None:
    if timestamp is None:
        return None
    try:
        return dt.datetime.fromtimestamp(timestamp).date()
    except (OverflowError, ValueError, OSError):  # a file dated past the calendar's edge
        return None


def is_of_day(doc: RawDocument, day: dt.date) -> bool:
    published = published_date(doc.meta.published)
    if published == day:
        return True
    if doc.record and published is not None:
        return False  # a file of many records changes daily; the record's own date decides
    return _local_date(doc.mtime) == day


def collect(
    inbox: Path, day: dt.date, *, max_bytes: int = DEFAULT_MAX_BYTES, warn: Warn = log.warning
) -> list[RawDocument]:
    """The inbox's articles for ``day`` (see the module docstring for the rule)."""
    if not inbox.is_dir():
        raise UsageError(f"inbox {inbox} is not a folder")
    docs = iter_documents([str(inbox)], max_bytes=max_bytes, warn=warn)
    return [doc for doc in docs if is_of_day(doc, day)]


# --- stories ---------------------------------------------------------------------------------


def verified_only(briefing: Briefing) -> Briefing:
    return replace(briefing, points=tuple(p for p in briefing.points if p.verified))


@dataclass(frozen=True)
class _Composed:
    email: RenderedEmail
    briefings: tuple[Briefing, ...]
    articles: int
    remember: tuple[SentStory, ...] = ()
    index: tuple[dict[str, Any], ...] = ()  # every story of the day, briefed or not


def _outlets(sources: Sequence[Source]) -> int:
    return len({s.name for s in sources})


def _listed(story: Story, known: KnownStory | None, *, nothing_new: bool) -> ListedStory:
    central = max(range(len(story.sources)), key=lambda k: (story.centrality[k], -k))
    return ListedStory(
        title=story.sources[central].title or "Untitled story",
        outlets=_outlets(story.sources),
        articles=len(story.sources),
        continuing_since=known.first_day if known else None,
        nothing_new=nothing_new,
    )


def _remembered(
    story: Story, known: KnownStory | None, day: dt.date, title: str, briefing: Briefing | None
) -> SentStory:
    sent: tuple[str, ...] = ()
    if briefing is not None:
        sent = tuple(p.text for p in briefing.points) + tuple(
            e.quote for p in briefing.points for e in p.evidence
        )
    return SentStory(
        id=known.id if known else None,
        first_day=known.first_day if known else day,
        title=title,
        signature=story.signature,
        points=sent,
        articles=tuple(fingerprint(s) for s in story.sources),
    )


def _compose(
    options: NightlyOptions,
    settings: Settings,
    warn: Warn,
    progress: Callable[[str], None],
    *,
    message_id: str | None,
    known: Sequence[KnownStory] = (),
) -> _Composed:
    day = options.day.isoformat()
    docs = collect(options.inbox, options.day, max_bytes=options.max_bytes, warn=warn)
    if not docs:
        raise SummarizerError(
            f"no articles for {day} in {options.inbox} (by published date or file date); "
            "nothing sent"
        )
    try:
        corpus = prepare_corpus(docs, chunked=False, warn=warn)
    except InputError as exc:
        raise SummarizerError(f"{exc} for {day}; nothing sent") from exc
    # Most widely covered first; clustering order (largest first) breaks ties.
    stories = sorted(find_stories(corpus.sources, options.threshold),
                     key=lambda story: -_outlets(story.sources))  # fmt: skip
    progress(f"{len(corpus.sources)} articles for {day} in {len(stories)} stories")
    continued = match_stories([story.signature for story in stories], known, options.threshold)
    index = [
        {
            "outlets": _outlets(story.sources),
            "continuing_since": old.first_day.isoformat() if old else None,
            "articles": [s.path for s in story.sources],
        }
        for story, old in zip(stories, continued, strict=True)
    ]
    # A story with no article it had not seen is listed in one line, not briefed again.
    nothing_new = {
        n
        for n, (story, old) in enumerate(zip(stories, continued, strict=True), start=1)
        if old is not None and {fingerprint(s) for s in story.sources} <= old.articles
    }
    todo = [n for n in range(1, len(stories) + 1) if n not in nothing_new]
    fresh_of: dict[int, Briefing | None] = {}  # None: briefed, nothing new or verified in it
    cap: int | None = None  # the story whose briefing filled the email (max_stories)
    # One runner for every story of the night: one model session here, or a Ray cluster whose
    # workers only brief; the state, the lock and delivery stay in this process. Stories are
    # briefed in waves of as many as the email still has room for, so exactly the stories a
    # one-by-one run would brief are briefed.
    with open_runner(settings) as runner:
        while todo and cap is None:
            room = options.max_stories - sum(b is not None for b in fresh_of.values())
            wave, todo = todo[:room], todo[room:]
            samples = {n: central_sample(stories[n - 1], options.max_story_articles) for n in wave}
            for n in wave:
                total = len(stories[n - 1].sources)
                progress(f"story {n}/{len(stories)}: {len(samples[n])} of {total} articles")
            jobs = [Job(str(n), corpus=sub_corpus(corpus, samples[n])) for n in wave]
            briefed = _brief_all(runner, jobs, warn)
            for n in wave:
                story, old, briefing = stories[n - 1], continued[n - 1], briefed[n]
                checked = verified_only(briefing)
                dropped = len(briefing.points) - len(checked.points)
                if dropped:
                    log.info("story %d: dropped %d unverified points", n, dropped)
                fresh = replace(checked, points=new_points(checked.points, old))
                if len(samples[n]) < len(story.sources):
                    note = sample_note(samples[n], story.sources)
                    fresh = replace(fresh, notes=(*fresh.notes, note))
                fresh_of[n] = fresh if fresh.points else None
                if not fresh.points and old is None:
                    warn(f"story {n} ({briefing.title}): no verified point, left out")
                if sum(b is not None for b in fresh_of.values()) >= options.max_stories:
                    cap = n
    briefings: list[Briefing] = []
    since: list[dt.date | None] = []
    listed: list[ListedStory] = []
    remember: list[SentStory] = []
    for n, (story, old) in enumerate(zip(stories, continued, strict=True), start=1):
        kept = fresh_of.get(n)
        if cap is not None and n > cap:
            listed.append(_listed(story, old, nothing_new=False))  # no room left in the email
        elif kept is not None:
            briefings.append(kept)
            since.append(old.first_day if old else None)
            remember.append(_remembered(story, old, options.day, kept.title, kept))
        elif old is not None:
            listed.append(_listed(story, old, nothing_new=True))
            remember.append(_remembered(story, old, options.day, listed[-1].title, None))
    if not briefings:
        if any(story.nothing_new for story in listed):
            raise SummarizerError(f"nothing new for {day} since the last briefing; nothing sent")
        raise SummarizerError(f"no verified points for {day}; nothing sent")
    rendered = render_email(
        briefings,
        day=options.day,
        sender=options.sender,
        recipients=options.to,
        message_id=message_id,
        continuing=since,
        listed=listed[:LISTED_STORIES],
        unlisted=max(0, len(listed) - LISTED_STORIES),
    )
    return _Composed(
        email=rendered,
        briefings=tuple(briefings),
        articles=len(corpus.sources),
        remember=tuple(remember),
        index=tuple(index),
    )


def _brief_all(runner: Runner, jobs: Sequence[Job], warn: Warn) -> dict[int, Briefing]:
    """Each job's briefing by story number; the first story that fails fails the run."""
    briefed: dict[int, Briefing] = {}
    for outcome in runner.run(jobs):
        n = int(outcome.id)
        for message in outcome.warnings:
            warn(f"story {n}: {message}")
        if outcome.briefing is None:
            raise JobFailed(f"story {n}: {outcome.error}", exit_code=outcome.exit_code)
        briefed[n] = outcome.briefing
    return briefed


def _known(options: NightlyOptions) -> list[KnownStory]:
    if not (options.state_dir / STORIES_FILE).is_file():
        return []  # nothing briefed yet (and a dry run creates no state)
    with StoryMemory(options.state_dir) as memory:
        return memory.known_before(options.day)


def _remember(options: NightlyOptions, composed: _Composed, warn: Warn) -> None:
    """Record the day's stories (pending until ``_confirm``) and its index of every story;
    failing to costs only tomorrow's continuity, never the delivery."""
    day = options.day.isoformat()
    try:
        atomic_write(
            options.state_dir / STORY_INDEX_DIR / f"{day}.jsonl",
            "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in composed.index),
        )
        with StoryMemory(options.state_dir) as memory:
            memory.record(options.day, composed.remember)
    except (sqlite3.Error, OSError) as exc:
        warn(f"could not record the stories of {day} in {options.state_dir}: {exc}")


def _confirm(options: NightlyOptions, warn: Warn) -> None:
    """The day was delivered: its stories now count as sent for the days after it."""
    try:
        with StoryMemory(options.state_dir) as memory:
            memory.confirm(options.day)
    except (sqlite3.Error, OSError) as exc:
        warn(f"could not record the stories of {options.day} as sent: {exc}")


def preview(rendered: RenderedEmail) -> str:
    """What a dry run prints: the main headers, a blank line, the plain-text part."""
    msg = email.message_from_bytes(rendered.raw, policy=email.policy.default)
    headers = [f"{h}: {msg[h]}" for h in ("From", "To", "Subject", "Date", "Message-ID")]
    return "\n".join(headers) + "\n\n" + rendered.text


# --- run -------------------------------------------------------------------------------------


def _quiet(_: str) -> None:
    pass


def run_nightly(
    options: NightlyOptions,
    settings: Settings | None = None,
    *,
    warn: Warn = log.warning,
    progress: Callable[[str], None] = _quiet,
) -> NightlyResult:
    """Collect, cluster, brief, render and deliver the briefing for ``options.day``, once.

    Holds ``<state_dir>/nightly.lock``; a date already sent is skipped unless ``force``.
    Delivery is journalled (see :mod:`summarizer.state`): the date's Message-ID is fixed and
    the message stored as "sending" before its first byte goes out, so a run that stopped
    part-way is resumed with the same message, never sent twice. ``dry_run`` renders and
    returns a preview and touches no state. ``settings`` say how to brief (default: resolved
    from the environment and the config file, its ``[nightly]`` table first); stories may be
    briefed on Ray, nothing else is.
    """
    settings = settings or resolve_settings({}, table=CONFIG_TABLE)
    if options.dry_run:
        composed = _compose(
            options, settings, warn, progress, message_id=None, known=_known(options)
        )
        return NightlyResult(
            status="dry-run",
            day=options.day,
            message_id=composed.email.message_id,
            recipients=options.to,
            subject=composed.email.subject,
            stories=len(composed.briefings),
            articles=composed.articles,
            preview=preview(composed.email),
        )
    redact = options.smtp.redactor if options.smtp is not None else Redactor()
    with nightly_lock(options.state_dir), StateStore(options.state_dir, redact=redact) as state:
        return _run(options, settings, state, warn, progress)


def _run(
    options: NightlyOptions,
    settings: Settings,
    state: StateStore,
    warn: Warn,
    progress: Callable[[str], None],
) -> NightlyResult:
    day = options.day.isoformat()
    record = state.get(day)
    if record is not None and not options.force:
        if record.status == "sent":
            return NightlyResult(
                status="already-sent",
                day=options.day,
                message_id=record.message_id,
                recipients=_split(record.recipients),
            )
        if record.status == "sending" and record.email and record.message_id:
            resumed = _resume(options, state, record, progress)
            _confirm(options, warn)
            return resumed
    resend = record is not None and record.status in ("sent", "sending")
    message_id = state.start(
        day, resend=resend, new_message_id=lambda: new_message_id(options.sender)
    )
    crash.step("started")
    try:
        composed = _compose(
            options, settings, warn, progress, message_id=message_id, known=_known(options)
        )
        crash.step("composed")
        state.counts(
            day,
            articles=composed.articles,
            stories=len(composed.briefings),
            points=sum(len(b.points) for b in composed.briefings),
        )
        _archive(options, composed, warn)
        _remember(options, composed, warn)
        crash.step("archived")
        state.sending(
            day,
            email=composed.email.raw,
            delivery=_delivery_label(options),
            recipients=options.to,
        )
        crash.step("journalled")
    except SummarizerError as exc:
        _record_failure(state, day, str(exc))
        raise
    except BaseException as exc:  # a bug or ^C: still leave a record the next run retries
        _record_failure(state, day, type(exc).__name__)
        raise
    result = NightlyResult(
        status="sent",
        day=options.day,
        message_id=message_id,
        subject=composed.email.subject,
        stories=len(composed.briefings),
        articles=composed.articles,
    )
    delivered = _deliver(options, state, result, composed.email.raw, list(options.to), progress)
    _confirm(options, warn)
    return delivered


def _split(recipients: str | None) -> tuple[str, ...]:
    return tuple(r for r in (recipients or "").split(", ") if r)


def _delivery_label(options: NightlyOptions) -> str:
    return f"smtp {options.smtp.label}" if options.smtp is not None else str(options.outbox_dir)


def _record_failure(state: StateStore, day: str, error: str) -> None:
    try:
        state.failed(day, error)
    except SummarizerError as exc:  # e.g. the disk is full: the original error matters more
        log.warning("%s", exc)


def _archive(options: NightlyOptions, composed: _Composed, warn: Warn) -> None:
    """The archive is a copy for people; failing to write it never stops the delivery."""
    try:
        archive_day(
            options.state_dir, options.day.isoformat(), composed.briefings, composed.email.raw
        )
    except OSError as exc:
        reason = exc.strerror.lower() if exc.strerror else str(exc)
        warn(f"cannot archive the briefing in {options.state_dir / 'archive'}: {reason}")


def _resume(
    options: NightlyOptions,
    state: StateStore,
    record: RunRecord,
    progress: Callable[[str], None],
) -> NightlyResult:
    """Finish the delivery an earlier run journalled, with the same message, or refuse."""
    assert record.email is not None and record.message_id is not None
    day = record.day
    msg = email.message_from_bytes(record.email, policy=email.policy.default)
    result = NightlyResult(
        status="sent",
        day=options.day,
        message_id=record.message_id,
        subject=str(msg["Subject"] or ""),
        stories=record.stories or 0,
        articles=record.articles or 0,
        resumed=True,
    )
    if record.in_transit:
        raise DeliveryUncertain(
            f"the briefing for {day} ({record.message_id}) may already have been delivered: "
            "an earlier run stopped while the SMTP server was receiving it"
            f"{_because(record.error)}; not sending it again (--force sends a new copy)"
        )
    pending = state.recipients(day, "pending")
    if options.smtp is None:
        path = outbox_path(options.outbox_dir, day, record.message_id)
        if path.is_file():  # written before the run stopped: only the record is missing
            state.sent(day, delivery=str(path), recipients=options.to)
            return replace(result, recipients=options.to, path=path)
    elif not pending:  # every outcome was recorded; only the verdict is missing
        return _finish_smtp(options, state, result)
    progress(f"resuming the delivery of {record.message_id} for {day}")
    return _deliver(options, state, result, record.email, pending or list(options.to), progress)


def _because(error: str | None) -> str:
    return f" ({error})" if error else ""


def _deliver(
    options: NightlyOptions,
    state: StateStore,
    result: NightlyResult,
    raw: bytes,
    recipients: list[str],
    progress: Callable[[str], None],
) -> NightlyResult:
    """Deliver the journalled message to ``recipients`` and record the outcome."""
    day = options.day.isoformat()
    assert result.message_id is not None
    if options.smtp is None:
        try:
            path = write_outbox(
                raw, outbox=options.outbox_dir, day=day, message_id=result.message_id
            )
        except DeliveryError as exc:
            _record_failure(state, day, str(exc))
            raise
        crash.step("outbox-written")
        state.sent(day, delivery=str(path), recipients=options.to)
        crash.step("recorded")
        log.info("wrote the briefing for %s (%s)", day, result.message_id)
        return replace(result, recipients=options.to, path=path)
    smtp = options.smtp
    delays = iter(options.retry_delays)
    delivered: list[str] = []
    while True:
        try:
            outcome = send_smtp(
                raw,
                sender=options.sender,
                recipients=recipients,
                target=smtp,
                on_transmit=lambda _: state.transmitting(day),
            )
        except DeliveryUncertain as exc:
            state.interrupted(day, str(exc))
            raise
        except DeliveryError as exc:
            if state.recipients(day, "accepted"):
                state.interrupted(day, str(exc))  # resumed by the next run, for the rest only
            else:
                _record_failure(state, day, str(exc))
            raise
        try:
            state.outcome(
                day,
                accepted=outcome.accepted,
                refused=outcome.refused,
                deferred=outcome.deferred,
                reply=outcome.reply,
            )
        except SummarizerError as exc:
            if not outcome.accepted:
                raise
            raise SummarizerError(
                f"the SMTP server accepted the briefing for {day} ({result.message_id}) for "
                f"{', '.join(outcome.accepted)}, but that could not be recorded ({exc}); "
                "the next run will not send it again"
            ) from exc
        delivered += outcome.accepted
        recipients = [address for address, _ in outcome.deferred]
        delay = next(delays, None) if recipients else None
        if delay is None:
            break
        progress(f"{len(recipients)} recipient(s) deferred; retrying them in {delay:g}s")
        time.sleep(delay)
    return _finish_smtp(options, state, replace(result, recipients=tuple(delivered)))


def _finish_smtp(
    options: NightlyOptions, state: StateStore, result: NightlyResult
) -> NightlyResult:
    """Record the date sent once nobody is left to try; ``result.recipients`` got it just now."""
    day = options.day.isoformat()
    replies = state.replies(day)
    accepted = [a for a, (status, _) in replies.items() if status == "accepted"]
    refused = [f"{a} ({why})" for a, (status, why) in replies.items() if status == "refused"]
    pending = [f"{a} ({why})" for a, (status, why) in replies.items() if status == "pending"]
    if pending:
        done = f"delivered to {', '.join(accepted)}; " if accepted else ""
        message = (
            f"the briefing for {day} was {done}deferred by the SMTP server for "
            f"{', '.join(pending)}; the next run for {day} retries only those"
        )
        if accepted:
            state.interrupted(day, message)
        else:
            _record_failure(state, day, message)
        raise DeliveryError(message)
    if not accepted:
        message = f"SMTP server {options.smtp.label if options.smtp else ''} refused every "
        message += f"recipient: {', '.join(refused)}"
        _record_failure(state, day, message)
        raise DeliveryError(message)
    if refused:
        log.warning("the SMTP server refused %s", ", ".join(refused))
    state.sent(day, delivery=_delivery_label(options), recipients=accepted)
    crash.step("recorded")
    log.info("sent the briefing for %s (%s)", day, result.message_id)
    return replace(result, refused=tuple(refused))
