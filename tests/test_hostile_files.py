"""One bad file never stops a run: every hostile file of tests/hostile.py, alone beside a good
article and then all together, through `prepare`, `brief` and `nightly` (SMTP and outbox).

A hostile file is either skipped with one warning that names it (escaped by `printable`) or
read safely; never an internal error, a hang, a forged stderr line or a control character in
the output.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from clirun import Cli
from hostile import MAKERS, tiny_pdf
from newsdesk import article_text
from smtpbox import SmtpServer

from summarizer.ingest import iter_documents
from summarizer.redact import printable

# Skipped with a warning naming each file; the rest are read, safely.
WARNED = {
    "fifo", "socket", "symlink-out", "symlink-loop", "deep-json", "deep-yaml", "word",
    "broken-pdf", "deep-html",
}  # fmt: skip
READ = set(MAKERS) - WARNED
GOOD = ("Good Gazette", "Honest Herald")
pytestmark = pytest.mark.timeout(300)  # a hang (a FIFO read) fails fast instead of at 600 s


def good_inbox(folder: Path) -> Path:
    folder.mkdir()
    for n, outlet in enumerate(GOOD, start=1):
        (folder / f"good-{n}.md").write_text(article_text(outlet, sentences=5), encoding="utf-8")
    return folder


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_each_hostile_file_is_skipped_with_one_warning_or_read_safely(
    kind: str, tmp_path: Path, run: Cli
) -> None:
    inbox = good_inbox(tmp_path / "inbox")
    names, secret = MAKERS[kind](inbox)
    assert run("prepare", str(inbox), "--format", "json") == 0
    prepared = json.loads(run.out)
    paths = {s["path"] for s in prepared["sources"]}
    if kind in WARNED:
        for name in names:
            assert run.warned(name), f"{kind}: {name!r} not named in {run.err!r}"
            assert printable(str(inbox / name)) not in paths
        assert len(run.err.splitlines()) == len(names)  # one warning each, nothing else
    else:
        for name in names:
            shown = printable(str(inbox / name))
            assert {shown, f"{shown}#1"} & paths, f"{kind}: {name!r} not read"
    assert {s["name"] for s in prepared["sources"]} >= set(GOOD)
    if secret is not None:
        assert secret not in run.out and secret not in run.err
    assert run("brief", str(inbox), "--engine", "extractive", "--format", "markdown") == 0
    if secret is not None:
        assert secret not in run.out


def all_hostile(tmp_path: Path) -> tuple[Path, list[str]]:
    inbox = good_inbox(tmp_path / "inbox")
    secrets = []
    for make in MAKERS.values():
        _, secret = make(inbox)
        if secret is not None:
            secrets.append(secret)
    return inbox, secrets


def test_all_hostile_files_together_through_prepare_and_brief(tmp_path: Path, run: Cli) -> None:
    inbox, secrets = all_hostile(tmp_path)
    for args in (
        ("prepare", str(inbox), "--format", "json"),
        ("prepare", str(inbox), "--format", "text"),
        ("brief", str(inbox), "--engine", "extractive", "--format", "json"),
        ("brief", str(inbox), "--engine", "extractive", "--format", "text"),
    ):
        assert run(*args) == 0
        for secret in secrets:
            assert secret not in run.out and secret not in run.err
    assert "Good Gazette" in run.out and "Honest Herald" in run.out


@pytest.mark.parametrize("delivery", ["smtp", "outbox"])
def test_all_hostile_files_together_through_the_nightly(
    delivery: str, tmp_path: Path, run: Cli
) -> None:
    inbox, secrets = all_hostile(tmp_path)
    state = tmp_path / "state"
    args = [
        "nightly", "--inbox", str(inbox), "--to", "alice@example.com",
        "--from", "briefings@example.org", "--state-dir", str(state),
        "--date", dt.date.today().isoformat(), "--engine", "extractive",
    ]  # fmt: skip
    with SmtpServer() as box:
        if delivery == "smtp":
            args += ["--smtp-host", "127.0.0.1", "--smtp-port", str(box.port)]
        assert run(*args) == 0
        assert run(*args) == 0 and "already sent" in run.out
    if delivery == "smtp":
        (raw,) = [env.original_content or env.content for env in box.envelopes]
    else:
        (eml,) = (state / "outbox").iterdir()
        raw = eml.read_bytes()
    assert isinstance(raw, bytes)
    text = raw.decode("utf-8", "replace")
    assert "Good Gazette" in text or "Good Gazette".replace(" ", "=20") in text
    for secret in secrets:
        assert secret not in text
    archive = [p.read_bytes() for p in (state / "archive").rglob("*") if p.is_file()]
    assert archive and not any(b"\x1b" in data for data in archive)


# --- special files named on the command line, stdin --------------------------------------------


def test_a_named_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path, run: Cli) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    assert run("brief", str(tmp_path / "pipe.txt"), "--engine", "extractive") == 2
    assert "not a regular file (a FIFO; use - to read standard input), skipped" in run.err


def test_deep_json_on_stdin_is_one_warning(
    tmp_path: Path, run: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    deep = ("[" * 100_000 + "]" * 100_000).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(deep)))
    assert run("prepare", "-") == 2
    assert (
        run.err.splitlines()[-1] == "summarizer: error: no usable articles found in the given paths"
    )


def test_a_symlink_inside_the_folder_is_followed(tmp_path: Path) -> None:
    inbox = good_inbox(tmp_path / "inbox")
    (inbox / "sub").mkdir()
    (inbox / "sub" / "alias.md").symlink_to(inbox / "good-1.md")
    warnings: list[str] = []
    docs = list(iter_documents([str(inbox)], warn=warnings.append))
    assert warnings == []
    assert [Path(d.path).name for d in docs] == ["good-1.md", "good-2.md", "alias.md"]


# --- PDF and Word ----------------------------------------------------------------------------


def test_a_pdf_article_is_read(tmp_path: Path, run: Cli) -> None:
    lines = [
        "The harbour authority approved a new ferry terminal on Tuesday.",
        "Construction will start in the spring and cost 40 million dollars.",
        "Local residents welcomed the plan at a public meeting.",
    ]
    (tmp_path / "ferry.pdf").write_bytes(tiny_pdf(lines, title="Ferry terminal approved"))
    assert run("prepare", str(tmp_path), "--format", "json") == 0
    (source,) = json.loads(run.out)["sources"]
    assert source["title"] == "Ferry terminal approved"
    assert source["sentences"] == lines


def test_an_encrypted_pdf_is_named_and_skipped(tmp_path: Path, run: Cli) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt("s3cret", algorithm="RC4-128")
    with open(tmp_path / "locked.pdf", "wb") as fh:
        writer.write(fh)
    good_inbox(tmp_path / "inbox")
    os.replace(tmp_path / "locked.pdf", tmp_path / "inbox" / "locked.pdf")
    assert run("prepare", str(tmp_path / "inbox")) == 0
    assert f"{tmp_path / 'inbox' / 'locked.pdf'}: the PDF is encrypted, skipped" in run.err


# --- outputs ---------------------------------------------------------------------------------


def test_out_pointing_at_a_folder_is_refused_before_the_run(tmp_path: Path, run: Cli) -> None:
    inbox = good_inbox(tmp_path / "inbox")
    folder = tmp_path / "briefings"
    folder.mkdir()
    # The model endpoint is down: a refusal that came after the run would say so instead.
    down = ("--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--max-retries", "0")
    for out in (str(folder), str(folder) + "/", str(tmp_path / "new-folder") + "/"):
        assert run("brief", str(inbox), "--out", out, *down) == 2
        assert run.err == f"summarizer: error: --out {out} is a folder; give a file name\n"
    (tmp_path / "file").write_text("x")
    assert run("brief", str(inbox), "--out", str(tmp_path / "file" / "b.md"), *down) == 2
    assert "is not a folder" in run.err


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_output_files_get_the_umask_permissions(
    umask: int, expected: int, tmp_path: Path, run: Cli
) -> None:
    inbox = good_inbox(tmp_path / "inbox")
    out = tmp_path / "briefing.md"
    old = os.umask(umask)
    try:
        assert run("brief", str(inbox), "--engine", "extractive", "--out", str(out)) == 0
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == expected
    out.chmod(0o640)  # a file the user chose to restrict keeps its mode when replaced
    assert run("brief", str(inbox), "--engine", "extractive", "--out", str(out)) == 0
    assert out.stat().st_mode & 0o777 == 0o640


def test_every_state_file_is_readable_like_any_other(tmp_path: Path, run: Cli) -> None:
    inbox = good_inbox(tmp_path / "inbox")
    state = tmp_path / "state"
    old = os.umask(0o022)
    try:
        args: list[Any] = [
            "nightly", "--inbox", str(inbox), "--to", "a@example.com",
            "--from", "b@example.org", "--state-dir", str(state), "--engine", "extractive",
        ]  # fmt: skip
        assert run(*args) == 0
    finally:
        os.umask(old)
    written = [p for p in state.rglob("*") if p.is_file() and p.suffix in (".eml", ".md", ".json")]
    assert written and all(p.stat().st_mode & 0o777 == 0o644 for p in written)


# --- untrusted text in stderr: model ids, server messages -------------------------------------

FORGERY = "x\nsummarizer: error: FORGED\x1b[2K\x1b[1A\x07"


def test_a_model_id_cannot_forge_a_stderr_line(tmp_path: Path, run: Cli) -> None:
    from summarizer.embedded import free_port

    inbox = good_inbox(tmp_path / "inbox")
    down = f"http://127.0.0.1:{free_port()}/v1"
    code = run("brief", str(inbox), "--base-url", down, "--model", FORGERY, "--max-retries", "0")
    assert code == 1
    assert len(run.err.splitlines()) == 1  # Cli checked: no forged line, no control character


def test_a_server_message_cannot_forge_a_stderr_line(tmp_path: Path, run: Cli) -> None:
    from newsdesk import NewsModel
    from stubserver import StubServer, status

    inbox = good_inbox(tmp_path / "inbox")
    model = NewsModel(lambda call: status(401, {"error": {"message": f"bad key {FORGERY}"}}))
    with StubServer(model) as stub:
        assert run("brief", str(inbox), "--base-url", stub.base_url, "--model", "m") == 1
    (line,) = run.err.splitlines()
    assert "HTTP 401" in line and "FORGED" in line  # shown, escaped, on the one line


def test_a_named_symlink_is_followed_and_shown_by_its_name(tmp_path: Path, run: Cli) -> None:
    inbox = good_inbox(tmp_path / "inbox")
    link = tmp_path / "today.md"
    link.symlink_to(inbox / "good-1.md")
    (source,) = run.prepare(link)["sources"]
    assert source["path"] == str(link) and source["name"] == GOOD[0]
    assert run.warnings == []
