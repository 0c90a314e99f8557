"""`summarizer nightly` end to end: a real SMTP server on loopback (aiosmtpd), the outbox, state.

Every run uses the extractive engine (no model). Inbox files get the test date as mtime.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import os
import shutil
import sqlite3
import struct
import subprocess
import time
import zlib
from collections.abc import Iterator
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import filelock
import pytest
from htmltags import Tags
from smtpbox import Mailbox, SmtpServer, free_port

from summarizer import pipeline
from summarizer.cli import main
from summarizer.deliver import SmtpTarget, send_smtp
from summarizer.errors import DeliveryError, UsageError
from summarizer.nightly import (
    NightlyOptions,
    collect,
    published_date,
    resolve_options,
    run_nightly,
)
from summarizer.settings import Settings
from summarizer.types import Briefing

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = ROOT / "tests" / "data"
DAY = "2026-11-21"
PASSWORD = "s3cret-Pa55-w0rd"


# --- an SMTP server on loopback --------------------------------------------------------------


@pytest.fixture
def smtp() -> Iterator[Mailbox]:
    with SmtpServer() as box:
        yield box


# --- inboxes ---------------------------------------------------------------------------------


def noon(day: str) -> float:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12)).timestamp()


def make_inbox(tmp_path: Path, *folders: Path, day: str = DAY) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    for folder in folders:
        for src in sorted(folder.iterdir()):
            dst = inbox / src.name
            shutil.copyfile(src, dst)
            os.utime(dst, (noon(day), noon(day)))
    return inbox


@pytest.fixture
def seeds_inbox(tmp_path: Path) -> Path:
    return make_inbox(tmp_path, SEEDS)


@pytest.fixture
def mixed_inbox(tmp_path: Path) -> Path:
    return make_inbox(tmp_path, SEEDS, DATA / "nightly")


def nightly_args(inbox: Path, state: Path, *extra: str, date: str = DAY) -> list[str]:
    return [
        "nightly",
        "--inbox", str(inbox),
        "--to", "alice@example.com,bob@example.com",
        "--from", "Briefings <briefings@example.org>",
        "--state-dir", str(state),
        "--date", date,
        "--engine", "extractive",
        *extra,
    ]  # fmt: skip


def smtp_args(box: Mailbox) -> list[str]:
    return ["--smtp-host", "127.0.0.1", "--smtp-port", str(box.port)]


def run_record(state: Path, day: str = DAY) -> dict[str, Any] | None:
    with sqlite3.connect(state / "nightly.sqlite3") as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM runs WHERE day = ?", (day,)).fetchone()
    return dict(row) if row else None


def html_part(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def text_part(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


# --- SMTP delivery ---------------------------------------------------------------------------


def test_sends_once_over_smtp_then_skips_then_force_resends(
    seeds_inbox: Path, tmp_path: Path, smtp: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    assert main(nightly_args(seeds_inbox, state, *smtp_args(smtp))) == 0
    assert len(smtp.envelopes) == 1
    envelope = smtp.envelopes[0]
    assert envelope.mail_from == "briefings@example.org"
    assert envelope.rcpt_tos == ["alice@example.com", "bob@example.com"]
    (msg,) = smtp.messages()
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert str(msg["Subject"]).startswith(f"Briefing for {DAY}: ")
    assert msg["Message-ID"] and msg["Date"]
    assert "Sources" in text_part(msg) and "<html" in html_part(msg)
    out = capsys.readouterr().out
    assert f"sent {DAY}: 1 stories from 5 articles" in out

    record = run_record(state)
    assert record is not None
    assert record["status"] == "sent" and record["message_id"] == msg["Message-ID"]
    assert (record["articles"], record["stories"]) == (5, 1)
    archive = state / "archive" / DAY
    assert sorted(p.suffix for p in archive.iterdir()) == [".eml", ".json", ".md"]

    # Same date again: nothing sent, exit 0.
    assert main(nightly_args(seeds_inbox, state, *smtp_args(smtp))) == 0
    assert len(smtp.envelopes) == 1
    assert f"already sent for {DAY}" in capsys.readouterr().out

    # --force sends again, with a new Message-ID.
    assert main(nightly_args(seeds_inbox, state, *smtp_args(smtp), "--force")) == 0
    assert len(smtp.envelopes) == 2
    first, second = smtp.messages()
    assert first["Message-ID"] != second["Message-ID"]
    assert run_record(state)["attempts"] == 2  # type: ignore[index]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_auth_password_from_env_never_written_or_printed(
    seeds_inbox: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv("SUMMARIZER_SMTP_PASSWORD", PASSWORD)
    with SmtpServer(user="mailer", password=PASSWORD) as box:
        args = nightly_args(seeds_inbox, state, *smtp_args(box), "--smtp-user", "mailer")
        assert main(["-v", *args]) == 0
    assert box.logins == [("mailer", PASSWORD)]
    assert len(box.envelopes) == 1
    captured = capsys.readouterr()
    assert PASSWORD not in captured.err and PASSWORD not in captured.out
    for path in state.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_auth_failure_is_one_line_without_the_password(
    seeds_inbox: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    state = tmp_path / "state"
    monkeypatch.setenv("SUMMARIZER_SMTP_PASSWORD", "wrong-" + PASSWORD)
    with SmtpServer(user="mailer", password=PASSWORD) as box:
        args = nightly_args(seeds_inbox, state, *smtp_args(box), "--smtp-user", "mailer")
        assert main(args) == 1
    assert box.envelopes == []
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "failed at login" in err
    assert PASSWORD not in err
    assert run_record(state)["status"] == "failed"  # type: ignore[index]
    for path in state.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path


def test_smtp_down_fails_then_next_run_sends(
    seeds_inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    port = free_port()  # nothing listens here yet
    args = nightly_args(
        seeds_inbox, state, "--smtp-host", "127.0.0.1", "--smtp-port", str(port),
        "--smtp-timeout", "5",
    )  # fmt: skip
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"summarizer: error: SMTP delivery to 127.0.0.1:{port} failed")
    assert err.count("\n") == 1
    record = run_record(state)
    assert record is not None and record["status"] == "failed"
    assert "SMTP delivery" in record["error"]

    with SmtpServer(port=port) as box:
        assert main(args) == 0
    assert len(box.envelopes) == 1
    assert run_record(state)["status"] == "sent"  # type: ignore[index]


def test_starttls_refused_by_the_server_is_a_clean_failure(
    seeds_inbox: Path, tmp_path: Path, smtp: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    assert main(nightly_args(seeds_inbox, state, *smtp_args(smtp), "--starttls")) == 1
    err = capsys.readouterr().err
    assert "failed at STARTTLS" in err and err.count("\n") == 1
    assert smtp.envelopes == []  # never falls back to plain text
    assert run_record(state)["status"] == "failed"  # type: ignore[index]


# --- outbox, dry run, lock -------------------------------------------------------------------


def test_outbox_is_the_default_delivery(seeds_inbox: Path, tmp_path: Path) -> None:
    state = tmp_path / "state"
    assert main(nightly_args(seeds_inbox, state)) == 0
    (eml,) = (state / "outbox").iterdir()
    assert eml.name.startswith(f"{DAY}-") and eml.suffix == ".eml"
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    assert msg.get_content_type() == "multipart/alternative"
    record = run_record(state)
    assert record is not None
    assert record["status"] == "sent" and record["delivery"] == str(eml)
    assert not any(p.name.endswith(".tmp") for p in state.rglob("*"))


def test_outbox_flag_moves_the_outbox(seeds_inbox: Path, tmp_path: Path) -> None:
    state, outbox = tmp_path / "state", tmp_path / "mail"
    assert main(nightly_args(seeds_inbox, state, "--outbox", str(outbox))) == 0
    assert len(list(outbox.glob("*.eml"))) == 1
    assert not (state / "outbox").exists()


def test_dry_run_prints_and_writes_nothing(
    seeds_inbox: Path, tmp_path: Path, smtp: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    assert main(nightly_args(seeds_inbox, state, *smtp_args(smtp), "--dry-run")) == 0
    out = capsys.readouterr().out
    assert f"Subject: Briefing for {DAY}: " in out
    assert "To: alice@example.com, bob@example.com" in out and "Message-ID: <" in out
    assert "Sources:" in out and "<html" not in out
    assert not state.exists()
    assert smtp.envelopes == []


def test_a_second_overlapping_run_exits_1(
    seeds_inbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    state.mkdir()
    with filelock.FileLock(str(state / "nightly.lock"), timeout=0):
        assert main(nightly_args(seeds_inbox, state)) == 1
    assert "another nightly run holds the lock" in capsys.readouterr().err
    assert not (state / "outbox").exists()
    assert main(nightly_args(seeds_inbox, state)) == 0  # released: the next run goes ahead


# --- what is never sent ----------------------------------------------------------------------


def test_nothing_for_the_date_exits_1_without_sending(
    seeds_inbox: Path, tmp_path: Path, smtp: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    assert main(nightly_args(seeds_inbox, state, *smtp_args(smtp), date="2026-11-22")) == 1
    assert "no articles for 2026-11-22" in capsys.readouterr().err
    assert smtp.envelopes == []
    assert run_record(state, "2026-11-22")["status"] == "failed"  # type: ignore[index]


def unverified(briefing: Briefing) -> Briefing:
    return replace(briefing, points=tuple(replace(p, verified=False) for p in briefing.points))


def test_no_verified_points_means_no_email(
    seeds_inbox: Path,
    tmp_path: Path,
    smtp: Mailbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    real = pipeline.brief_corpus
    monkeypatch.setattr(pipeline, "brief_corpus", lambda *a, **k: unverified(real(*a, **k)))
    state = tmp_path / "state"
    assert main(nightly_args(seeds_inbox, state, *smtp_args(smtp))) == 1
    assert f"no verified points for {DAY}" in capsys.readouterr().err
    assert smtp.envelopes == []
    assert not (state / "outbox").exists()
    assert run_record(state)["status"] == "failed"  # type: ignore[index]


def test_unverified_points_are_dropped_before_rendering(
    seeds_inbox: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.brief_corpus
    dropped: list[str] = []

    def half_verified(*args: Any, **kwargs: Any) -> Briefing:
        b = real(*args, **kwargs)
        assert len(b.points) >= 2
        dropped.append(b.points[0].text)
        return replace(b, points=(replace(b.points[0], verified=False), *b.points[1:]))

    monkeypatch.setattr(pipeline, "brief_corpus", half_verified)
    state = tmp_path / "state"
    assert main(nightly_args(seeds_inbox, state)) == 0
    (archived,) = (state / "archive" / DAY).glob("*.json")
    points = [p["text"] for p in json.loads(archived.read_text())["points"]]
    assert points and dropped[0] not in points
    assert all(p["verified"] for p in json.loads(archived.read_text())["points"])
    (eml,) = (state / "outbox").iterdir()
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    numbered = " ".join(text_part(msg).split("Where the sources disagree")[0].split())
    assert " ".join(dropped[0].split()) not in numbered


# --- stories, hostile text, the rendered HTML -------------------------------------------------


def test_mixed_inbox_gives_three_sections_ordered_by_outlets(
    mixed_inbox: Path, tmp_path: Path, smtp: Mailbox
) -> None:
    state = tmp_path / "state"
    assert main(nightly_args(mixed_inbox, state, *smtp_args(smtp))) == 0
    (msg,) = smtp.messages()
    assert str(msg["Subject"]).endswith("(+2 more)")
    text = text_part(msg)
    assert "3 stories from 9 articles" in text
    sections = [line for line in text.splitlines() if line.startswith("Covered by ")]
    assert [s.split(":")[0] for s in sections] == [
        "Covered by 5 outlets",
        "Covered by 2 outlets",
        "Covered by 2 outlets",
    ]
    assert any("Northern Herald" in s and "Sports Desk" in s for s in sections)
    assert any("The Ledger" in s and "Market Wire" in s for s in sections)
    archived = sorted(p.name for p in (state / "archive" / DAY).glob("*.json"))
    assert len(archived) == 3
    data = json.loads((state / "archive" / DAY / archived[0]).read_text())
    assert len(data["sources"]) == 5


def test_hostile_article_text_cannot_inject_html_or_links(tmp_path: Path, smtp: Mailbox) -> None:
    inbox = make_inbox(tmp_path, DATA / "nightly", DATA / "hostile")
    state = tmp_path / "state"
    assert main(nightly_args(inbox, state, *smtp_args(smtp))) == 0
    (msg,) = smtp.messages()
    html = html_part(msg)
    assert "Matchday Post" in html  # the hostile article made it into the email
    lowered = html.lower()
    assert "<script" not in lowered and "<img" not in lowered
    tags = Tags(html)
    assert not {"script", "img", "iframe", "object", "embed", "form"} & {t for t, _ in tags.tags}
    assert not [a for _, attrs in tags.tags for a in attrs if a.startswith("on")]
    hrefs = {str(attrs["href"]) for _, attrs in tags.tags if "href" in attrs}
    metadata_urls = {
        "https://matchday.example/cup-final-report",
        "https://herald.example/sport/cup-final",
        "https://sportsdesk.example/football/riverside-harbour-city-final",
        "https://ledger.example/economy/rate-decision",
        "https://marketwire.example/central-bank-hike",
    }
    assert hrefs and hrefs <= metadata_urls
    assert not any(attrs.get("src") for _, attrs in tags.tags)


def png_colours(data: bytes) -> int:
    """Distinct byte values in the decompressed image data of a PNG (stdlib only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat)))


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason="no /usr/bin/chromium (Debian package chromium; .ci/run installs it)",
)
def test_chromium_screenshot_of_the_html_part(
    mixed_inbox: Path, tmp_path: Path, smtp: Mailbox
) -> None:
    state = tmp_path / "state"
    assert main(nightly_args(mixed_inbox, state, *smtp_args(smtp))) == 0
    (msg,) = smtp.messages()
    page = tmp_path / "email.html"
    page.write_text(html_part(msg), encoding="utf-8")
    png = tmp_path / "email.png"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'chromium'}", "--window-size=480,1600",
        f"--screenshot={png}", page.as_uri(),
    ]  # fmt: skip
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, timeout=180, check=False)
    assert png.exists(), result.stderr.decode(errors="replace")[-2000:]
    data = png.read_bytes()
    (width, height) = struct.unpack(">II", data[16:24])
    assert (width, height) == (480, 1600)
    assert png_colours(data) > 16, "the screenshot looks blank"
    artefacts = ROOT / "test-artifacts"
    artefacts.mkdir(exist_ok=True)
    shutil.copyfile(png, artefacts / "email.png")
    assert time.monotonic() - started < 180


# --- collecting the day's articles ------------------------------------------------------------


def test_published_date_wins_over_an_old_file_date(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    today = inbox / "today.md"
    today.write_text(f"---\npublished: {DAY}T07:30:00\n---\nRiverside won the Cup.\n")
    old = inbox / "old.md"
    old.write_text("---\npublished: 2026-11-01\n---\nAn older story about the Cup.\n")
    undated = inbox / "undated.txt"
    undated.write_text("A story with no date of its own.\n")
    for path in (today, old, undated):
        os.utime(path, (noon("2026-11-01"), noon("2026-11-01")))
    assert [Path(d.path).name for d in collect(inbox, dt.date.fromisoformat(DAY))] == ["today.md"]
    day_of_files = dt.date(2026, 11, 1)
    assert sorted(Path(d.path).name for d in collect(inbox, day_of_files)) == [
        "old.md",
        "today.md",  # its file date is the 1st too: a file counts by either date
        "undated.txt",
    ]


def test_jsonl_records_count_by_their_own_date(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    feed = inbox / "feed.jsonl"
    records = [
        {"source": "A", "published": DAY, "text": "Today's story."},
        {"source": "B", "published": "2026-11-20", "text": "Yesterday's story."},
        {"source": "C", "text": "A record without a date."},
    ]
    feed.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    os.utime(feed, (noon(DAY), noon(DAY)))
    docs = collect(inbox, dt.date.fromisoformat(DAY))
    assert [d.meta.source for d in docs] == ["A", "C"]
    docs = collect(inbox, dt.date(2026, 11, 20))
    assert [d.meta.source for d in docs] == ["B"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-21", dt.date(2026, 11, 21)),
        ("2026-11-21T23:10:00", dt.date(2026, 11, 21)),
        ("Sat, 21 Nov 2026 12:00:00 " + time.strftime("%z"), dt.date(2026, 11, 21)),
        ("published on 2026-11-21 by the desk", dt.date(2026, 11, 21)),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_published_date_parsing(text: str | None, expected: dt.date | None) -> None:
    assert published_date(text) == expected


# --- options: flags, config file, password -----------------------------------------------------


def write_config(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_config_table_supplies_options_and_flags_win(
    seeds_inbox: Path, tmp_path: Path, smtp: Mailbox
) -> None:
    state = tmp_path / "state"
    config = write_config(
        tmp_path,
        f"""
model = "ignored-by-nightly"

[nightly]
inbox = "{seeds_inbox}"
to = ["carol@example.com", "dan@example.com"]
from = "briefings@example.org"
state_dir = "{state}"
smtp_host = "127.0.0.1"
smtp_port = {smtp.port}
engine = "extractive"
date = {DAY}
""",
    )
    assert main(["nightly", "--config", str(config)]) == 0
    assert smtp.envelopes[0].rcpt_tos == ["carol@example.com", "dan@example.com"]
    args = ["nightly", "--config", str(config), "--to", "erin@example.com", "--force"]
    assert main(args) == 0
    assert smtp.envelopes[1].rcpt_tos == ["erin@example.com"]


def test_config_file_may_not_hold_the_smtp_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = write_config(tmp_path, '[nightly]\nsmtp_password = "hunter2"\n')
    assert main(["nightly", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "SUMMARIZER_SMTP_PASSWORD" in err and "hunter2" not in err


def test_options_are_checked(tmp_path: Path) -> None:
    base = {"inbox": str(tmp_path), "to": "a@example.com", "from": "b@example.org",
            "state_dir": str(tmp_path / "s")}  # fmt: skip
    env: dict[str, str] = {}
    config = write_config(tmp_path, "")
    options = resolve_options(base, config_path=config, env=env)
    assert options.smtp is None and options.outbox_dir == tmp_path / "s" / "outbox"
    assert options.day == dt.date.today()
    with pytest.raises(UsageError, match="--inbox"):
        resolve_options({**base, "inbox": None}, config_path=config, env=env)
    with pytest.raises(UsageError, match="not an email address"):
        resolve_options({**base, "to": "a@example.com,nobody"}, config_path=config, env=env)
    with pytest.raises(UsageError, match="date like"):
        resolve_options({**base, "date": "21/11/2026"}, config_path=config, env=env)
    with pytest.raises(UsageError, match="one of --starttls and --ssl"):
        resolve_options({**base, "smtp_host": "h", "starttls": True, "ssl": True},
                        config_path=config, env=env)  # fmt: skip
    with pytest.raises(UsageError, match="need --smtp-host"):
        resolve_options({**base, "smtp_user": "u"}, config_path=config, env=env)
    with pytest.raises(UsageError, match="SUMMARIZER_SMTP_PASSWORD"):
        resolve_options({**base, "smtp_host": "h", "smtp_user": "u"}, config_path=config, env=env)
    with pytest.raises(UsageError, match="unencrypted"):
        resolve_options(
            {**base, "smtp_host": "mail.example.com", "smtp_user": "u"},
            config_path=config,
            env={"SUMMARIZER_SMTP_PASSWORD": PASSWORD},
        )
    tls = resolve_options({**base, "smtp_host": "h", "starttls": True}, config_path=config, env=env)
    assert tls.smtp is not None and (tls.smtp.port, tls.smtp.security) == (587, "starttls")
    with_password = resolve_options(
        {**base, "smtp_host": "h", "smtp_user": "u", "ssl": True},
        config_path=config,
        env={"SUMMARIZER_SMTP_PASSWORD": PASSWORD},
    )
    assert with_password.smtp is not None and with_password.smtp.port == 465
    assert PASSWORD not in repr(with_password)


def test_delivery_errors_never_contain_the_password() -> None:
    port = free_port()
    target = SmtpTarget(host="127.0.0.1", port=port, user="u", password=PASSWORD, timeout=2)
    with pytest.raises(DeliveryError) as info:
        send_smtp(b"x", sender="a@example.org", recipients=["b@example.com"], target=target)
    assert PASSWORD not in str(info.value) and "127.0.0.1" in str(info.value)


def test_library_entry_point(seeds_inbox: Path, tmp_path: Path) -> None:
    options = NightlyOptions(
        inbox=seeds_inbox,
        to=("alice@example.com",),
        sender="briefings@example.org",
        state_dir=tmp_path / "state",
        day=dt.date.fromisoformat(DAY),
    )
    settings = Settings(engine="extractive")
    result = run_nightly(options, settings)
    assert result.status == "sent" and result.path is not None and result.path.exists()
    assert result.message_id and result.recipients == ("alice@example.com",)
    again = run_nightly(options, settings)
    assert again.status == "already-sent" and again.message_id == result.message_id
    preview = run_nightly(replace(options, dry_run=True, state_dir=tmp_path / "other"), settings)
    assert preview.status == "dry-run" and preview.preview.startswith("From: ")


@pytest.mark.parametrize("max_stories", ["1", "2"])
def test_stories_briefed_side_by_side_are_those_a_one_by_one_run_briefs(
    mixed_inbox: Path, tmp_path: Path, max_stories: str
) -> None:
    def archive(parallel: str) -> list[str]:
        state = tmp_path / f"state-{parallel}"
        extra = ["--max-stories", max_stories, "--parallel", parallel]
        assert main(nightly_args(mixed_inbox, state, *extra)) == 0
        folder = state / "archive" / DAY
        return sorted(json.loads(p.read_text())["title"] for p in folder.glob("*.json"))

    one_by_one = archive("1")
    assert len(one_by_one) == int(max_stories)
    assert archive("3") == one_by_one
