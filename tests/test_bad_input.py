"""Hostile and broken input for `prepare` and `brief --engine extractive`: handled, or one
warning line naming the file; never a traceback. Time and memory are measured by
``bench/bad_input.py``, not here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import Cli
from newsdesk import article_text, outlet_names, write_articles

ROOT = Path(__file__).resolve().parent.parent
GOOD = article_text("Good Gazette", sentences=4)

SPANISH = """---
source: El Diario
---
El ayuntamiento de Valencia aprobó el martes un presupuesto de 900 millones de euros para 2025.

Según la alcaldesa, el gasto en transporte público aumentará un diez por ciento el próximo año.

La oposición afirmó que las cuentas no tienen en cuenta las necesidades de los barrios periféricos.
"""
RUSSIAN = """---
source: Городские новости
---
Городской совет во вторник одобрил новый бюджет города на следующий год.

По словам мэра, расходы на общественный транспорт вырастут на десять процентов.

Оппозиция заявила, что бюджет не учитывает нужды пригородных районов.
"""
SCRIPTED_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><title>Budget passes</title>
<style>body { font-family: serif } .SECRET_STYLE_RULE { display: none }</style>
<script>var SCRIPT_PAYLOAD = "steal cookies"; document.write(SCRIPT_PAYLOAD);</script>
</head><body>
<article>
<h1>Budget passes</h1>
<p>The city council approved the new budget on Tuesday after a four-hour debate.</p>
<script>window.SECOND_SCRIPT_PAYLOAD = 1;</script>
<p>The mayor said spending on public transport would rise by ten percent next year.</p>
<p>Opposition members said the plan ignored the needs of the suburbs.</p>
</article>
<script src="https://tracker.example/t.js"></script>
</body></html>
"""


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "good.md").write_text(GOOD, encoding="utf-8")
    return folder


def only_warning(cli: Cli, path: Path, reason: str) -> None:
    (warning,) = [w for w in cli.warnings if str(path) in w]
    assert warning == f"summarizer: warning: {path}: {reason}"


# --- empty, binary, NUL bytes, encodings ------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  \n", b"\xef\xbb\xbf  \n"])
def test_empty_and_whitespace_files_are_skipped_with_a_warning(
    cli: Cli, inbox: Path, content: bytes
) -> None:
    blank = inbox / "blank.txt"
    blank.write_bytes(content)
    data = cli.brief(inbox)
    assert [s["name"] for s in data["sources"]] == ["Good Gazette"]
    only_warning(cli, blank, "empty file, skipped")


def test_binary_files_are_skipped_with_a_warning(cli: Cli, inbox: Path) -> None:
    noise = bytes((i * 7919 + 13) % 256 for i in range(20_000))
    (inbox / "photo.txt").write_bytes(noise)
    (inbox / "archive.md").write_bytes(b"PK\x03\x04" + b"\x00" * 200 + noise[:500])
    data = cli.brief(inbox)
    assert [s["name"] for s in data["sources"]] == ["Good Gazette"]
    only_warning(cli, inbox / "photo.txt", "binary file, skipped")
    only_warning(cli, inbox / "archive.md", "binary file, skipped")


def test_stray_nul_bytes_are_dropped_and_the_text_kept(cli: Cli, inbox: Path) -> None:
    text = GOOD.replace("Good Gazette", "Nul Post").replace(" that ", " that \x00", 1)
    (inbox / "nul.md").write_bytes(text.encode())
    data = cli.prepare(inbox)
    (nul,) = [s for s in data["sources"] if s["name"] == "Nul Post"]
    assert "\x00" not in nul["text"] and len(nul["sentences"]) == 4
    assert cli.warnings == []


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_latin1_and_cp1252_text_is_decoded(cli: Cli, tmp_path: Path, codec: str) -> None:
    text = (
        "Le conseil municipal a voté la réforme mardi, a déclaré le maire de Montréal.\n\n"
        "Les cafés du quartier resteront ouverts jusqu'à minuit pendant l'été.\n"
    )
    if codec == "cp1252":
        text += "\nLe maire a parlé d’un “budget historique” — le premier depuis dix ans.\n"
    path = tmp_path / f"{codec}.txt"
    path.write_bytes(text.encode(codec))
    data = cli.prepare(path)
    (source,) = data["sources"]
    assert "voté la réforme" in source["text"] and "cafés" in source["text"]
    if codec == "cp1252":
        assert "d’un “budget historique” —" in source["text"]
    brief = cli.brief(path)
    assert any("réforme" in p["text"] for p in brief["points"])


# --- size limits ------------------------------------------------------------------------------


def test_a_50_mb_article_is_skipped_by_default_with_one_warning(
    cli: Cli, inbox: Path, tmp_path: Path
) -> None:
    huge = inbox / "huge.txt"
    with huge.open("wb") as fh:
        line = (GOOD.split("---\n")[-1].replace("\n", " ") + "\n\n").encode()
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            fh.write(line)
    assert huge.stat().st_size > 50 * 1024 * 1024
    data = cli.brief(inbox)
    assert [s["name"] for s in data["sources"]] == ["Good Gazette"]
    (warning,) = cli.warnings
    assert warning.startswith(f"summarizer: warning: {huge}: 50.0 MB exceeds the per-file limit")
    assert warning.endswith("of 20.0 MB (--max-file-mb), skipped")
    # Alone, it leaves nothing usable: exit 2 with one error line.
    assert cli("brief", str(huge), "--engine", "extractive") == 2
    assert (
        cli.err.splitlines()[-1] == "summarizer: error: no usable articles found in the given paths"
    )


def test_max_file_mb_raises_the_limit(cli: Cli, tmp_path: Path) -> None:
    # The 50 MB case with --max-file-mb 60 is measured by bench/bad_input.py (time, peak RSS).
    big = tmp_path / "big.txt"
    body = "\n\n".join(
        article_text(f"Part {i}", sentences=12).split("---\n")[-1] for i in range(300)
    )
    big.write_text(body * 4, encoding="utf-8")
    size_mb = big.stat().st_size / (1024 * 1024)
    assert 1.0 < size_mb < 2.0
    assert cli("prepare", str(big), "--max-file-mb", "1") == 2
    assert "exceeds the per-file limit of 1.0 MB" in cli.err
    data = cli.prepare(big, extra=("--max-file-mb", "2"))
    (source,) = data["sources"]
    assert len(source["sentences"]) > 10_000
    assert cli.warnings == []


# --- many files -------------------------------------------------------------------------------


def test_a_thousand_small_files(cli: Cli, tmp_path: Path) -> None:
    folder = write_articles(tmp_path / "many", outlet_names(200), per_outlet=5, sentences=4)
    assert len(os.listdir(folder)) == 1000
    data = cli.prepare(folder)
    assert len(data["sources"]) == 1000
    assert len({s["name"] for s in data["sources"]}) == 200
    assert cli.warnings == []
    # `brief` on 1,000 sources takes minutes (corroboration checks points x sources); the
    # load test and bench/load.py brief 200 articles, bench/bad_input.py times 10,000 files.


# --- languages, markup, duplicates, tiny articles ---------------------------------------------


@pytest.mark.parametrize("article", [SPANISH, RUSSIAN], ids=["spanish", "russian"])
def test_an_article_in_another_language_is_kept_and_briefed(
    cli: Cli, tmp_path: Path, article: str
) -> None:
    path = tmp_path / "foreign.md"
    path.write_text(article, encoding="utf-8")
    body = [p for p in article.split("---\n")[-1].split("\n\n") if p.strip()]
    (source,) = cli.prepare(path)["sources"]
    assert source["removed"] == []
    assert source["text"].split("\n\n") == [p.strip() for p in body]  # not cut by cleaning
    data = cli.brief(path)
    assert {p["text"] for p in data["points"]} == {p.strip() for p in body}


def test_russian_in_cp1251_is_decoded(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "cp1251.txt"
    body = RUSSIAN.split("---\n")[-1]
    path.write_bytes(body.encode("cp1251"))
    (source,) = cli.prepare(path)["sources"]
    assert "Городской совет" in source["text"]


def test_html_scripts_and_styles_never_reach_the_output(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "budget.html"
    page.write_text(SCRIPTED_HTML, encoding="utf-8")
    (source,) = cli.prepare(page)["sources"]
    assert "approved the new budget" in source["text"]
    for args in (("--format", "json"), ("--format", "markdown"), ("--format", "text")):
        assert cli("brief", str(page), "--engine", "extractive", *args) == 0
        for payload in ("SCRIPT_PAYLOAD", "SECRET_STYLE_RULE", "tracker"):
            assert payload not in cli.out
        assert "<script" not in cli.out.lower() and "font-family" not in cli.out


def test_the_same_article_under_two_names_is_read_twice_and_grouped(cli: Cli, inbox: Path) -> None:
    copy = GOOD.replace("source: Good Gazette", "source: Copycat Daily")
    (inbox / "copy.md").write_text(copy, encoding="utf-8")
    data = cli.prepare(inbox)
    assert [s["name"] for s in data["sources"]] == ["Copycat Daily", "Good Gazette"]
    grouped = [{m["source"] for m in g["members"]} for g in data["duplicates"]]
    assert len(grouped) == 4 and all(g == {"copycat-daily", "good-gazette"} for g in grouped)
    brief = cli.brief(inbox)
    assert all(set(p["citations"]) == {"copycat-daily", "good-gazette"} for p in brief["points"])


def test_a_one_sentence_article_is_briefed(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "brief.txt"
    path.write_text("The council approved the new city budget on Tuesday evening.\n")
    data = cli.brief(path)
    (point,) = data["points"]
    assert point["text"] == "The council approved the new city budget on Tuesday evening."
    assert point["verified"] is True


# --- nothing usable ---------------------------------------------------------------------------


def test_a_folder_with_nothing_usable_exits_2_with_one_error(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "noise.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "broken.json").write_text('{"text": "unterminated', encoding="utf-8")
    (folder / "records.jsonl").write_text('not json\n{"source": "X"}\n', encoding="utf-8")
    (folder / "chrome.txt").write_text("Leave a Reply\n\nYou May Also Like\n", encoding="utf-8")
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    for command in ("prepare", "brief"):
        extra = ("--engine", "extractive") if command == "brief" else ()
        assert cli(command, str(folder), *extra) == 2
        lines = cli.err.splitlines()
        assert lines[-1] == "summarizer: error: no usable articles found in the given paths"
        assert all(line.startswith("summarizer: warning: ") for line in lines[:-1])
        for name in ("empty.txt", "noise.txt", "broken.json", "records.jsonl:1", "chrome.txt"):
            assert sum(f"{folder / name}" in line for line in lines) >= 1, name
        assert not any("picture.png" in line for line in lines)  # not an article suffix
        assert cli.out == ""


def test_a_missing_path_is_one_warning(cli: Cli, inbox: Path, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    data = cli.brief(inbox, missing)
    assert len(data["sources"]) == 1
    only_warning(cli, missing, "no such file or directory")


def test_bad_input_through_the_installed_command(inbox: Path) -> None:
    """The same, as a user runs it: a subprocess, real stderr, exit codes."""
    (inbox / "noise.txt").write_bytes(bytes(range(256)) * 40)
    (inbox / "empty.txt").write_bytes(b"")
    command = [sys.executable, "-m", "summarizer", "brief", str(inbox), "--engine", "extractive"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"summarizer: warning: {inbox / 'empty.txt'}: empty file, skipped",
        f"summarizer: warning: {inbox / 'noise.txt'}: binary file, skipped",
    ]
    assert "Good Gazette" in done.stdout

    empty = inbox.parent / "nothing"
    empty.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "summarizer", "prepare", str(empty)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 2
    assert done.stderr == "summarizer: error: no usable articles found in the given paths\n"
