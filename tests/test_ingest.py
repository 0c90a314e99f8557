import io
import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from summarizer.ingest import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, iter_documents
from summarizer.types import Metadata, RawDocument

ARTICLE = "The council approved the budget on Tuesday.\n\nCritics called it rushed.\n"


def ingest(*paths: Path | str, **kwargs: Any) -> tuple[list[RawDocument], list[str]]:
    warnings: list[str] = []
    docs = list(iter_documents([str(p) for p in paths], warn=warnings.append, **kwargs))
    return docs, warnings


def test_constants() -> None:
    assert DEFAULT_MAX_BYTES == 20 * 1024 * 1024
    assert {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"} <= SUPPORTED_SUFFIXES


# --- formats ---------------------------------------------------------------------------------


def test_text_and_markdown_are_read_as_is(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "b.md").write_text(
        "# Budget\n\n*Critics* called it [rushed](x).\n", encoding="utf-8"
    )

    docs, warnings = ingest(tmp_path / "a.txt", tmp_path / "b.md")

    assert warnings == []
    assert docs == [
        RawDocument(path=str(tmp_path / "a.txt"), text=ARTICLE),
        RawDocument(
            path=str(tmp_path / "b.md"), text="# Budget\n\n*Critics* called it [rushed](x).\n"
        ),
    ]


HTML_PAGE = """<!doctype html>
<html><head>
  <title>Budget passes | Daily Planet</title>
  <meta property="og:site_name" content="Daily Planet">
  <meta property="article:published_time" content="2024-03-01T09:00:00Z">
  <link rel="canonical" href="https://planet.example/budget">
  <style>.secret-style { color: red }</style>
  <script>var secretScript = "do not leak";</script>
</head><body>
  <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
  <article>
    <h1>Budget passes</h1>
    <p>The city council voted on Tuesday to approve the new budget, which funds schools and
    repairs roads across the northern districts for the next three years.</p>
    <script>trackReader("secretInlineScript");</script>
    <p>Critics said the plan was rushed and that residents were not consulted before the vote
    was scheduled by the council leadership.</p>
  </article>
  <footer>Copyright 2024 Daily Planet. All rights reserved.</footer>
</body></html>
"""


def test_html_main_text_and_metadata_without_scripts_styles_or_nav(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(HTML_PAGE, encoding="utf-8")

    [doc], warnings = ingest(page)

    assert warnings == []
    assert "voted on Tuesday to approve the new budget" in doc.text
    assert "Critics said the plan was rushed" in doc.text
    for chrome in ("secret", "color: red", "trackReader", "Home", "Sport"):
        assert chrome not in doc.text
    assert doc.meta.source == "Daily Planet"
    assert doc.meta.url == "https://planet.example/budget"
    assert doc.meta.published == "2024-03-01"
    assert doc.meta.title is not None and "Budget passes" in doc.meta.title


def test_html_charset_declared_in_meta_is_honoured(tmp_path: Path) -> None:
    page = tmp_path / "page.htm"
    html = HTML_PAGE.replace("<head>", '<head><meta charset="windows-1251">').replace(
        "Critics said", "Критики сказали, что"
    )
    page.write_bytes(html.encode("cp1251"))

    [doc], _ = ingest(page)

    assert "Критики сказали, что" in doc.text


def test_html_without_article_text_is_skipped(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text(
        "<html><head><title>Only a title</title><script>track()</script></head>"
        "<body><script>render()</script></body></html>"
    )

    docs, warnings = ingest(page)

    assert docs == []
    assert len(warnings) == 1 and "empty.html" in warnings[0] and "no article text" in warnings[0]


def test_json_list_yields_numbered_records_with_metadata(tmp_path: Path) -> None:
    records = [
        {"source": "Reuters", "title": "One", "url": "https://r.example/1", "text": "First."},
        {"text": "Second.", "published": "2024-03-02", "author": "ignored"},
    ]
    (tmp_path / "feed.json").write_text(json.dumps(records), encoding="utf-8")

    docs, warnings = ingest(tmp_path / "feed.json")

    assert warnings == []
    path = str(tmp_path / "feed.json")
    assert docs == [
        RawDocument(
            f"{path}#1",
            "First.",
            Metadata(source="Reuters", title="One", url="https://r.example/1"),
        ),
        RawDocument(f"{path}#2", "Second.", Metadata(published="2024-03-02")),
    ]


def test_json_single_object_is_one_document_at_the_file_path(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text('{"text": "Only.", "title": "T"}', encoding="utf-8")

    docs, _ = ingest(tmp_path / "one.json")

    assert docs == [RawDocument(str(tmp_path / "one.json"), "Only.", Metadata(title="T"))]


def test_invalid_json_file_is_skipped_with_warning(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text('[{"text": "x"', encoding="utf-8")

    docs, warnings = ingest(tmp_path / "broken.json")

    assert docs == []
    assert len(warnings) == 1 and "broken.json" in warnings[0] and "invalid JSON" in warnings[0]


def test_jsonl_bad_lines_are_reported_and_the_other_records_come_through(tmp_path: Path) -> None:
    lines = [
        json.dumps({"source": "AP", "title": "A", "text": "Alpha.", "published": "2024-01-01"}),
        '{"text": "unterminated',
        "",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "   "}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"source": "BBC", "text": "Beta.", "url": "https://b.example"}),
    ]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")

    docs, warnings = ingest(feed)

    assert docs == [
        RawDocument(
            f"{feed}#1", "Alpha.", Metadata(source="AP", title="A", published="2024-01-01")
        ),
        RawDocument(f"{feed}#7", "Beta.", Metadata(source="BBC", url="https://b.example")),
    ]
    assert [w.split(": ", 1)[0] for w in warnings] == [f"{feed}:{n}" for n in (2, 4, 5, 6)]
    assert "invalid JSON" in warnings[0]
    assert '"text" is missing' in warnings[1]
    assert '"text" is empty' in warnings[2]
    assert "expected a JSON object" in warnings[3]


def test_jsonl_metadata_of_the_wrong_type_is_ignored_with_a_warning(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": "T.", "title": ["x"], "published": 2024}) + "\n")

    [doc], warnings = ingest(feed)

    assert doc.meta == Metadata(published="2024")
    assert len(warnings) == 1 and f"{feed}:1" in warnings[0] and '"title"' in warnings[0]


# --- front matter ----------------------------------------------------------------------------


def test_front_matter_becomes_metadata_and_is_stripped(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text(
        "---\noutlet: The Guardian\ntitle: 'Budget: a view'\nurl: https://g.example/b\n"
        "date: 2024-03-01\n---\n" + ARTICLE,
        encoding="utf-8",
    )

    [doc], warnings = ingest(note)

    assert warnings == []
    assert doc.text == ARTICLE
    assert doc.meta == Metadata(
        source="The Guardian",
        title="Budget: a view",
        url="https://g.example/b",
        published="2024-03-01",
    )


def test_front_matter_with_crlf_line_endings(tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_bytes(b"---\r\nsource: AP\r\npublished: 2024-03-01\r\n---\r\nBody text.\r\n")

    [doc], _ = ingest(note)

    assert doc.text == "Body text.\r\n"
    assert doc.meta == Metadata(source="AP", published="2024-03-01")


@pytest.mark.parametrize(
    "front", ["title: [unclosed\n", "just a sentence, not a mapping\n"], ids=["yaml", "scalar"]
)
def test_malformed_front_matter_warns_and_keeps_the_file_as_plain_text(
    tmp_path: Path, front: str
) -> None:
    note = tmp_path / "note.md"
    content = "---\n" + front + "---\n" + ARTICLE
    note.write_text(content, encoding="utf-8")

    [doc], warnings = ingest(note)

    assert doc.text == content
    assert doc.meta == Metadata()
    assert len(warnings) == 1 and "note.md" in warnings[0] and "front matter" in warnings[0]


def test_a_leading_rule_without_a_closing_one_is_not_front_matter(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text("---\n" + ARTICLE, encoding="utf-8")

    [doc], warnings = ingest(note)

    assert (doc.text, warnings) == ("---\n" + ARTICLE, [])


# --- encodings -------------------------------------------------------------------------------


def test_cp1252_bytes_decode_to_the_right_characters(tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes(b"caf\xe9 \x93quoted\x94")

    [doc], warnings = ingest(tmp_path / "win.txt")

    assert (doc.text, warnings) == ("café “quoted”", [])


def test_cp1252_article_with_typographic_punctuation(tmp_path: Path) -> None:
    text = "Le président a déclaré « non » — c’était prévu, selon l’AFP… Coût : 5 €."
    (tmp_path / "fr.txt").write_bytes(text.encode("cp1252"))

    [doc], _ = ingest(tmp_path / "fr.txt")

    assert doc.text == text


def test_latin1_bytes_decode(tmp_path: Path) -> None:
    text = "Grüße aus München: El Niño trifft Señor Muñoz im Café."
    (tmp_path / "de.txt").write_bytes(text.encode("latin-1"))

    [doc], _ = ingest(tmp_path / "de.txt")

    assert doc.text == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Президент заявил в среду, что правительство поддерживает реформу.", "cp1251"),
        ("Prezydent powiedział, że rząd przyjął ustawę o ochronie środowiska.", "cp1250"),
        ("Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία την Τετάρτη.", "cp1253"),
    ],
    ids=["cyrillic", "polish", "greek"],
)
def test_non_western_legacy_encodings_are_detected(
    tmp_path: Path, text: str, encoding: str
) -> None:
    (tmp_path / "a.txt").write_bytes(text.encode(encoding))

    [doc], _ = ingest(tmp_path / "a.txt")

    assert doc.text == text


def test_utf8_bom_is_stripped_before_front_matter(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf---\ntitle: T\n---\nBody \xe2\x80\x94 ok.\n")

    [doc], _ = ingest(tmp_path / "bom.txt")

    assert (doc.text, doc.meta) == ("Body — ok.\n", Metadata(title="T"))


def test_utf16_with_bom_is_decoded_not_taken_for_binary(tmp_path: Path) -> None:
    (tmp_path / "wide.txt").write_bytes("Grüße — hello\n".encode("utf-16"))

    [doc], warnings = ingest(tmp_path / "wide.txt")

    assert (doc.text, warnings) == ("Grüße — hello\n", [])


# --- files that are skipped or repaired ------------------------------------------------------


def test_empty_and_whitespace_only_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_bytes(b" \n\t\r\n  ")
    (tmp_path / "bom_only.txt").write_bytes(b"\xef\xbb\xbf\n")

    docs, warnings = ingest(
        tmp_path / "empty.txt", tmp_path / "blank.md", tmp_path / "bom_only.txt"
    )

    assert docs == []
    assert warnings == [
        f"{tmp_path / name}: empty file, skipped"
        for name in ("empty.txt", "blank.md", "bom_only.txt")
    ]


def test_front_matter_only_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "meta.md").write_text("---\ntitle: T\n---\n\n")

    docs, warnings = ingest(tmp_path / "meta.md")

    assert docs == [] and len(warnings) == 1 and "meta.md" in warnings[0]


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_binary_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "image.txt").write_bytes(PNG_BYTES)
    (tmp_path / "noise.md").write_bytes(bytes(range(1, 32)) * 20 + b"some words")

    docs, warnings = ingest(tmp_path / "image.txt", tmp_path / "noise.md")

    assert docs == []
    assert warnings == [
        f"{tmp_path / 'image.txt'}: binary file, skipped",
        f"{tmp_path / 'noise.md'}: binary file, skipped",
    ]


def test_a_stray_nul_byte_is_dropped_not_a_reason_to_skip(tmp_path: Path) -> None:
    (tmp_path / "nul.txt").write_bytes(b"The council\x00 approved it.\n")

    [doc], warnings = ingest(tmp_path / "nul.txt")

    assert (doc.text, warnings) == ("The council approved it.\n", [])


def test_oversize_file_is_skipped_with_sizes_in_the_warning(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"a" * (3 * 1024 * 1024 // 2))
    (tmp_path / "small.txt").write_bytes(b"fits")

    docs, warnings = ingest(tmp_path / "big.txt", tmp_path / "small.txt", max_bytes=1024 * 1024)

    assert [d.text for d in docs] == ["fits"]
    assert warnings == [
        f"{tmp_path / 'big.txt'}: 1.5 MB exceeds the per-file limit of 1.0 MB (--max-file-mb),"
        " skipped"
    ]


def test_a_file_exactly_at_the_limit_is_read(tmp_path: Path) -> None:
    (tmp_path / "edge.txt").write_bytes(b"x" * 64)

    docs, warnings = ingest(tmp_path / "edge.txt", max_bytes=64)

    assert len(docs) == 1 and warnings == []


def test_missing_path_warns_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(ARTICLE)
    missing = tmp_path / "nope.txt"

    docs, warnings = ingest(missing, tmp_path / "ok.txt")

    assert [d.path for d in docs] == [str(tmp_path / "ok.txt")]
    assert warnings == [f"{missing}: no such file or directory"]


def test_os_errors_are_warnings_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "file.txt").write_text(ARTICLE)
    inside_a_file = tmp_path / "file.txt" / "child.txt"

    docs, warnings = ingest(inside_a_file)

    assert docs == []
    assert warnings == [f"{inside_a_file}: not a directory"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file_warns(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(ARTICLE)
    locked.chmod(0)

    docs, warnings = ingest(locked)

    assert docs == [] and warnings == [f"{locked}: permission denied"]


def test_duplicate_files_are_all_yielded(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(ARTICLE)
    (tmp_path / "b.txt").write_text(ARTICLE)

    docs, _ = ingest(tmp_path)

    assert [(Path(d.path).name, d.text) for d in docs] == [("a.txt", ARTICLE), ("b.txt", ARTICLE)]


# --- folders, explicit paths, stdin ----------------------------------------------------------


def test_folders_are_walked_recursively_in_sorted_order_skipping_hidden_and_unknown(
    tmp_path: Path,
) -> None:
    files = {
        "b.txt": "b",
        "a/z.md": "a/z",
        "a/m/deep.html": HTML_PAGE,
        "a/b.jsonl": '{"text": "a/b"}\n',
        "c.json": '{"text": "c"}',
        "notes.docx": "skip: unsupported, named",
        "photo.png": "skip: not an article format",
        "README": "skip: no suffix",
        ".hidden.txt": "skip: hidden file",
        ".git/config.txt": "skip: hidden folder",
        "a/.cache/x.txt": "skip: hidden nested folder",
        "UPPER.TXT": "upper",
    }
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")

    docs, warnings = ingest(tmp_path)

    assert warnings == [
        f"{tmp_path / 'notes.docx'}: Word documents are not read (save it as .txt, .html or "
        ".pdf), skipped"
    ]
    assert [os.path.relpath(d.path, tmp_path) for d in docs] == [
        "UPPER.TXT",
        os.path.join("a", "b.jsonl") + "#1",
        os.path.join("a", "m", "deep.html"),
        os.path.join("a", "z.md"),
        "b.txt",
        "c.json",
    ]


def test_explicit_paths_keep_their_order_and_unknown_suffixes_are_read_as_text(
    tmp_path: Path,
) -> None:
    (tmp_path / "z.log").write_text("log text")
    (tmp_path / ".hidden").write_text("hidden but named")
    (tmp_path / "a.txt").write_text("a")

    docs, _ = ingest(tmp_path / "z.log", tmp_path / ".hidden", tmp_path / "a.txt")

    assert [d.text for d in docs] == ["log text", "hidden but named", "a"]


def test_stdin_text_with_front_matter() -> None:
    stdin = io.BytesIO(b"---\nsource: AP\n---\nFrom a pipe.\n")

    docs, warnings = ingest("-", stdin=stdin)

    assert docs == [RawDocument("-", "From a pipe.\n", Metadata(source="AP"))]
    assert warnings == []


def test_stdin_jsonl_records() -> None:
    stdin = io.BytesIO(b'{"text": "One.", "source": "AP"}\nnot json\n{"text": "Three."}\n')

    docs, warnings = ingest("-", stdin=stdin)

    assert docs == [
        RawDocument("-#1", "One.", Metadata(source="AP")),
        RawDocument("-#3", "Three."),
    ]
    assert len(warnings) == 1 and warnings[0].startswith("-:2: invalid JSON")


def test_stdin_json_list() -> None:
    stdin = io.BytesIO(b'[{"text": "One."}, {"text": "Two."}]')

    docs, _ = ingest("-", stdin=stdin)

    assert [d.path for d in docs] == ["-#1", "-#2"]


def test_stdin_that_only_looks_like_json_is_text() -> None:
    stdin = io.BytesIO(b"[Link](https://x.example) leads the story.\n")

    docs, _ = ingest("-", stdin=stdin)

    assert docs == [RawDocument("-", "[Link](https://x.example) leads the story.\n")]


def test_stdin_is_not_read_past_the_limit() -> None:
    stdin = io.BytesIO(b"x" * 1000)

    docs, warnings = ingest("-", stdin=stdin, max_bytes=100)

    assert docs == []
    assert stdin.tell() == 101
    assert len(warnings) == 1 and warnings[0].startswith("-: ") and "per-file limit" in warnings[0]


def test_the_generator_is_lazy(tmp_path: Path) -> None:
    first, later = tmp_path / "1.txt", tmp_path / "2.txt"
    first.write_text("first")
    warnings: list[str] = []

    docs = iter_documents([str(first), str(later)], warn=warnings.append)
    assert next(docs).text == "first"
    later.write_text("written after the first document was yielded")

    assert next(docs).text == "written after the first document was yielded"
    assert warnings == []


def test_a_single_string_is_rejected_instead_of_read_letter_by_letter() -> None:
    with pytest.raises(TypeError):
        next(iter_documents("article.txt"))


def test_default_warn_logs_and_nothing_is_printed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")

    with caplog.at_level(logging.WARNING, logger="summarizer.ingest"):
        assert list(iter_documents([str(tmp_path / "empty.txt")])) == []

    assert [r.name for r in caplog.records] == ["summarizer.ingest"]
    assert "empty.txt: empty file, skipped" in caplog.records[0].getMessage()
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("reported", [0, 10])
def test_a_file_longer_than_its_stat_says_is_read_whole_and_still_limited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reported: int
) -> None:
    # A file that grew after fstat (or one whose size the file system reports as 0) is read on
    # past the size fstat gave, up to the limit; over the limit it is refused as before.
    text = "The council met on Tuesday. " * 40
    (tmp_path / "a.txt").write_text(text)
    real_fstat = os.fstat

    class _Shrunk:
        def __init__(self, info: os.stat_result) -> None:
            self.st_mode, self.st_size = info.st_mode, reported

    monkeypatch.setattr("summarizer.ingest.os.fstat", lambda fd: _Shrunk(real_fstat(fd)))
    docs = list(iter_documents([str(tmp_path / "a.txt")]))
    assert [d.text for d in docs] == [text]
    warned: list[str] = []
    assert list(iter_documents([str(tmp_path)], max_bytes=100, warn=warned.append)) == []
    assert len(warned) == 1 and "a.txt" in warned[0]
