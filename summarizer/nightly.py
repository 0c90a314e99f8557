"""The nightly job: collect the day's articles, cluster them into stories, brief each, render one
email, deliver it once. ``run_nightly`` is the library entry point; the CLI only maps flags.

The day's articles: an article whose published date (front matter, JSON field, HTML metadata) is
the day, or a file holding one article that was last modified that day (local time). Records of a
JSONL file or JSON list count by their published date, or by the file's date if they have none.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Literal

from summarizer import pipeline
from summarizer.cluster import DEFAULT_THRESHOLD, cluster_sources
from summarizer.corpus import prepare_corpus
from summarizer.deliver import (
    DEFAULT_PORTS,
    DEFAULT_SMTP_TIMEOUT,
    Delivery,
    Security,
    SmtpTarget,
    send_smtp,
    write_outbox,
)
from summarizer.email_render import (
    RenderedEmail,
    address_list,
    check_address,
    outlet_count,
    render_email,
)
from summarizer.errors import InputError, SummarizerError, UsageError
from summarizer.ingest import DEFAULT_MAX_BYTES, iter_documents
from summarizer.merge import DEFAULT_MAX_POINTS
from summarizer.settings import (
    CONFIG_ENV_VAR,
    Settings,
    default_config_path,
    read_config_file,
)
from summarizer.state import StateStore, archive_day, nightly_lock
from summarizer.types import Briefing, Corpus, Engine, RawDocument, Source

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
    engine: Engine = "llm"
    max_points: int = DEFAULT_MAX_POINTS
    force: bool = False
    dry_run: bool = False
    threshold: float = DEFAULT_THRESHOLD
    max_bytes: int = DEFAULT_MAX_BYTES

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
    subject: str = ""
    stories: int = 0
    articles: int = 0
    preview: str = ""  # --dry-run: the headers and the text part


# --- options: flags > [nightly] table of the config file > defaults -------------------------


def _str(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{key} must be a non-empty string, got {value!r}")
    return value.strip()


def _path(key: str, value: Any) -> Path:
    return value.expanduser() if isinstance(value, Path) else Path(_str(key, value)).expanduser()


def _int(key: str, value: Any) -> int:
    if isinstance(value, bool):
        raise UsageError(f"{key} must be a whole number, got {value!r}")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise UsageError(f"{key} must be a whole number, got {value!r}") from None
    if number < 1:
        raise UsageError(f"{key} must be 1 or more, got {value!r}")
    return number


def _float(key: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{key} must be a number, got {value!r}") from None
    if isinstance(value, bool) or not number > 0 or number == float("inf"):
        raise UsageError(f"{key} must be a positive number, got {value!r}")
    return number


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise UsageError(f"{key} must be true or false, got {value!r}")
    return value


def _date(key: str, value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value  # TOML reads `date = 2026-11-21` as a date
    try:
        return dt.date.fromisoformat(_str(key, value))
    except ValueError:
        raise UsageError(f"{key} must be a date like 2026-11-21, got {value!r}") from None


def _addresses(key: str, value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    try:
        out = [addr for item in items for addr in address_list(_str(key, item))]
    except ValueError as exc:
        raise UsageError(f"{key}: {exc}") from None
    if not out:
        raise UsageError(f"{key} names no recipient")
    return tuple(out)


def _address(key: str, value: Any) -> str:
    try:
        return check_address(_str(key, value))
    except ValueError as exc:
        raise UsageError(f"{key}: {exc}") from None


def _engine(key: str, value: Any) -> str:
    if value not in ("llm", "extractive"):
        raise UsageError(f"{key} must be llm or extractive, got {value!r}")
    return str(value)


# Option -> parser; the config table uses these names ("from" for the sender).
_OPTIONS: Mapping[str, Callable[[str, Any], Any]] = {
    "inbox": _path,
    "to": _addresses,
    "from": _address,
    "state_dir": _path,
    "date": _date,
    "smtp_host": _str,
    "smtp_port": _int,
    "smtp_user": _str,
    "starttls": _bool,
    "ssl": _bool,
    "smtp_timeout": _float,
    "outbox": _path,
    "engine": _engine,
    "max_points": _int,
    "force": _bool,
    "dry_run": _bool,
}


def _config_path(explicit: Path | None, env: Mapping[str, str]) -> Path | None:
    if explicit is not None:
        return explicit
    if env.get(CONFIG_ENV_VAR):
        return Path(env[CONFIG_ENV_VAR]).expanduser()
    default = default_config_path()
    return default if default.is_file() else None


def load_nightly_config(path: Path) -> dict[str, Any]:
    """The ``[nightly]`` table of a TOML config file; other keys belong to other commands."""
    data = read_config_file(path)
    table = data.get(CONFIG_TABLE, {})
    if not isinstance(table, dict):
        raise UsageError(f"config file {path}: [{CONFIG_TABLE}] must be a table")
    if "smtp_password" in table or "smtp_password" in data:
        raise UsageError(
            f"config file {path} sets smtp_password; the SMTP password comes only from the "
            f"environment ({PASSWORD_ENV_VAR}), never from a file"
        )
    unknown = sorted(k for k in table if k not in _OPTIONS)
    if unknown:
        raise UsageError(
            f"config file {path}: unknown [{CONFIG_TABLE}] setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(_OPTIONS)}"
        )
    return table


def resolve_options(
    flags: Mapping[str, Any],
    *,
    config_path: Path | None = None,
    env: Mapping[str, str] = os.environ,
) -> NightlyOptions:
    """Merge flags (None = not given) over the config file's ``[nightly]`` table, then check.

    ``flags`` uses the config names (``from``, ``state_dir``, ``smtp_host``...). The SMTP password
    comes only from ``$SUMMARIZER_SMTP_PASSWORD``.
    """
    path = _config_path(config_path, env)
    config = load_nightly_config(path) if path is not None else {}
    values: dict[str, Any] = {}
    for key, parse in _OPTIONS.items():
        flag = flags.get(key)
        if flag is not None:
            values[key] = parse(f"--{key.replace('_', '-')}", flag)
        elif key in config:
            values[key] = parse(f"{CONFIG_TABLE}.{key}", config[key])
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
        engine=values.get("engine", "llm"),
        max_points=values.get("max_points", DEFAULT_MAX_POINTS),
        force=values.get("force", False),
        dry_run=values.get("dry_run", False),
    )


# --- collect ---------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def published_date(text: str | None) -> dt.date | None:
    """The calendar date in a ``published`` value (ISO 8601 or RFC 2822), local if zoned."""
    if not text or not text.strip():
        return None
    text = text.strip()
    moment: dt.datetime | None = None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            moment = None
    if moment is not None:
        return moment.astimezone().date() if moment.tzinfo is not None else moment.date()
    match = _ISO_DATE.search(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            return None
    return None


def _file_of(doc_path: str) -> tuple[str, bool]:
    """The file a document came from, and whether it is one record of several in that file."""
    if "#" in doc_path and not os.path.exists(doc_path):
        return doc_path.rpartition("#")[0], True
    return doc_path, False


def _modified_on(path: str) -> dt.date | None:
    try:
        return dt.datetime.fromtimestamp(os.stat(path).st_mtime).date()
    except OSError:
        return None


def is_of_day(doc: RawDocument, day: dt.date) -> bool:
    published = published_date(doc.meta.published)
    if published == day:
        return True
    file, is_record = _file_of(doc.path)
    if is_record and published is not None:
        return False  # a file of many records changes daily; the record's own date decides
    return _modified_on(file) == day


def collect(
    inbox: Path, day: dt.date, *, max_bytes: int = DEFAULT_MAX_BYTES, warn: Warn = log.warning
) -> list[RawDocument]:
    """The inbox's articles for ``day`` (see the module docstring for the rule)."""
    if not inbox.is_dir():
        raise UsageError(f"inbox {inbox} is not a folder")
    docs = iter_documents([str(inbox)], max_bytes=max_bytes, warn=warn)
    return [doc for doc in docs if is_of_day(doc, day)]


# --- stories ---------------------------------------------------------------------------------


def sub_corpus(corpus: Corpus, sources: Sequence[Source]) -> Corpus:
    """The part of ``corpus`` that belongs to ``sources``: their chunks and duplicate passages."""
    ids = {s.id for s in sources}
    duplicates = []
    for group in corpus.duplicates:
        members = tuple(m for m in group.members if m.source in ids)
        if len(members) >= 2:
            duplicates.append(replace(group, members=members))
    return Corpus(
        sources=tuple(sources),
        chunks=tuple(c for c in corpus.chunks if c.source in ids),
        duplicates=tuple(duplicates),
    )


def verified_only(briefing: Briefing) -> Briefing:
    return replace(briefing, points=tuple(p for p in briefing.points if p.verified))


@dataclass(frozen=True)
class _Composed:
    email: RenderedEmail
    briefings: tuple[Briefing, ...]
    articles: int


def _compose(
    options: NightlyOptions,
    settings: Settings | None,
    warn: Warn,
    progress: Callable[[str], None],
) -> _Composed:
    day = options.day.isoformat()
    docs = collect(options.inbox, options.day, max_bytes=options.max_bytes, warn=warn)
    if not docs:
        raise SummarizerError(
            f"no articles for {day} in {options.inbox} (by published date or file date); "
            "nothing sent"
        )
    try:
        corpus = prepare_corpus(docs, warn=warn)
    except InputError as exc:
        raise SummarizerError(f"{exc} for {day}; nothing sent") from exc
    stories = cluster_sources(corpus.sources, options.threshold)
    progress(f"{len(corpus.sources)} articles for {day} in {len(stories)} stories")
    briefings: list[Briefing] = []
    with contextlib.ExitStack() as stack:
        # One model (one embedded server, one deadline) for every story of the night.
        session = (
            stack.enter_context(pipeline.model_session(settings))
            if options.engine == "llm"
            else None
        )
        for n, story in enumerate(stories, start=1):
            progress(f"story {n}/{len(stories)}: {len(story)} articles")
            briefing = pipeline.brief_corpus(
                sub_corpus(corpus, story),
                engine=options.engine,
                session=session,
                max_points=options.max_points,
                progress=progress,
            )
            checked = verified_only(briefing)
            dropped = len(briefing.points) - len(checked.points)
            if dropped:
                log.info("story %d: dropped %d unverified points", n, dropped)
            if checked.points:
                briefings.append(checked)
            else:
                warn(f"story {n} ({briefing.title}): no verified point, left out")
    if not briefings:
        raise SummarizerError(f"no verified points for {day}; nothing sent")
    # Most widely covered first; clustering order (largest first) breaks ties.
    briefings.sort(key=lambda b: -outlet_count(b))
    rendered = render_email(
        briefings, day=options.day, sender=options.sender, recipients=options.to
    )
    return _Composed(email=rendered, briefings=tuple(briefings), articles=len(corpus.sources))


def preview(rendered: RenderedEmail) -> str:
    """What a dry run prints: the main headers, a blank line, the plain-text part."""
    msg = email.message_from_bytes(rendered.raw, policy=email.policy.default)
    headers = [f"{h}: {msg[h]}" for h in ("From", "To", "Subject", "Date", "Message-ID")]
    return "\n".join(headers) + "\n\n" + rendered.text


# --- run -------------------------------------------------------------------------------------


def _deliver(options: NightlyOptions, rendered: RenderedEmail) -> Delivery:
    if options.smtp is not None:
        return send_smtp(
            rendered.raw, sender=options.sender, recipients=options.to, target=options.smtp
        )
    return write_outbox(
        rendered.raw,
        outbox=options.outbox_dir,
        day=options.day.isoformat(),
        message_id=rendered.message_id,
    )


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

    Holds ``<state_dir>/nightly.lock``; a date already sent is skipped unless ``force``. The run
    is recorded "sent" only after delivery succeeded; any failure records "failed" and raises,
    so the next run retries. ``dry_run`` renders and returns a preview and touches no state.
    """
    day = options.day.isoformat()
    if options.dry_run:
        composed = _compose(options, settings, warn, progress)
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
    with nightly_lock(options.state_dir), StateStore(options.state_dir) as state:
        record = state.get(day)
        if record is not None and record.status == "sent" and not options.force:
            return NightlyResult(
                status="already-sent",
                day=options.day,
                message_id=record.message_id,
                recipients=tuple(r for r in (record.recipients or "").split(", ") if r),
            )
        state.start(day)
        try:
            composed = _compose(options, settings, warn, progress)
            rendered = composed.email
            state.counts(
                day,
                articles=composed.articles,
                stories=len(composed.briefings),
                points=sum(len(b.points) for b in composed.briefings),
            )
            archive_day(options.state_dir, day, composed.briefings, rendered.raw)
            delivery = _deliver(options, rendered)
        except SummarizerError as exc:
            state.failed(day, str(exc))
            raise
        except BaseException as exc:  # a bug or ^C: still leave a record the next run retries
            state.failed(day, type(exc).__name__)
            raise
        where = f"smtp {options.smtp.label}" if options.smtp else str(delivery.path)
        recipients = delivery.accepted or options.to
        state.sent(day, message_id=rendered.message_id, delivery=where, recipients=recipients)
    log.info("sent the briefing for %s (%s)", day, rendered.message_id)
    return NightlyResult(
        status="sent",
        day=options.day,
        message_id=rendered.message_id,
        recipients=tuple(recipients),
        path=delivery.path,
        subject=rendered.subject,
        stories=len(composed.briefings),
        articles=composed.articles,
    )
