"""Hostile files for an inbox, each written by a function: the file's name and the text (or
nothing) that must never reach an output. Shared by the hostile-input tests.

Every maker returns ``(names, secret)``: the file names it made (to check each is named in a
warning, or read) and a marker that must appear in no output (None when the file is fine to
read). The makers are general: each kind of hostility, not one red-team file.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable
from pathlib import Path

from newsdesk import article_text

Maker = Callable[[Path], tuple[list[str], str | None]]
DEPTH = 100_000


def fifo(folder: Path) -> tuple[list[str], str | None]:
    os.mkfifo(folder / "pipe.md")
    return ["pipe.md"], None


def unix_socket(folder: Path) -> tuple[list[str], str | None]:
    # AF_UNIX paths are limited to about 100 bytes: bind from inside the folder.
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind("listening.txt")
        sock.close()
    finally:
        os.chdir(cwd)
    return ["listening.txt"], None


def symlink_out(folder: Path) -> tuple[list[str], str | None]:
    """Links to a private file and to a device outside the inbox."""
    outside = folder.parent / "private-notes.txt"
    outside.write_text(article_text("Secret Ledger", sentences=3) + "\nPRIVATE-CANARY-7731.\n")
    (folder / "notes.md").symlink_to(outside)
    (folder / "zeros.txt").symlink_to("/dev/zero")
    return ["notes.md", "zeros.txt"], "PRIVATE-CANARY-7731"


def symlink_loop(folder: Path) -> tuple[list[str], str | None]:
    (folder / "loop-a.md").symlink_to(folder / "loop-b.md")
    (folder / "loop-b.md").symlink_to(folder / "loop-a.md")
    return ["loop-a.md", "loop-b.md"], None


def deep_json(folder: Path) -> tuple[list[str], str | None]:
    (folder / "deep-list.json").write_text("[" * DEPTH + "]" * DEPTH)
    (folder / "deep-object.json").write_text('{"a":' * DEPTH + "1" + "}" * DEPTH)
    (folder / "deep-line.jsonl").write_text(
        '{"text": "x", "n": ' + "[" * DEPTH + "]" * DEPTH + "}\n"
    )
    return ["deep-list.json", "deep-object.json", "deep-line.jsonl"], None


def deep_yaml(folder: Path) -> tuple[list[str], str | None]:
    body = article_text("Yaml Post", sentences=3).split("---\n")[-1]
    (folder / "deep-yaml.md").write_text(f"---\nsource: {'[' * DEPTH}{']' * DEPTH}\n---\n{body}")
    (folder / "deep-map.md").write_text(f"---\nsource: {'{a: ' * DEPTH}1{'}' * DEPTH}\n---\n{body}")
    return ["deep-yaml.md", "deep-map.md"], None


def codec_charsets(folder: Path) -> tuple[list[str], str | None]:
    """Pages that declare a codec no page can be in; they are read as if they declared none."""
    names = []
    for codec in ("rot13", "base64", "zlib", "unicode_escape", "undefined", "utf-16", "hex"):
        name = f"charset-{codec}.html"
        body = article_text(f"Charset {codec.title()} Post", sentences=3).split("---\n")[-1]
        paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n") if p.strip())
        page = (
            f'<html><head><meta charset="{codec}"><title>Café news</title></head>'
            f"<body><article>{paragraphs}<p>Caf\xe9 owners agreed.</p></article></body></html>"
        )
        (folder / name).write_bytes(page.encode("latin-1"))
        names.append(name)
    return names, None


EDGE_DATES = (
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
    "Fri, 31 Dec 9999 23:59:59 -1200",
    "10000-01-01",
    "0000-00-00",
)


def calendar_edges(folder: Path) -> tuple[list[str], str | None]:
    names = []
    for n, date in enumerate(EDGE_DATES):
        body = article_text(f"Edge Post {n}", sentences=3).split("---\n")[-1]
        name = f"edge-{n}.md"
        (folder / name).write_text(f"---\npublished: {date}\n---\n{body}")
        names.append(name)
    record = {"source": "Edge Wire", "published": EDGE_DATES[0], "text": "The vote passed."}
    (folder / "edge.jsonl").write_text(json.dumps(record) + "\n")
    far = folder / "far-future.txt"
    far.write_text(article_text("Far Future Post", sentences=3))
    os.utime(far, (2**40, 2**40))  # a file date past year 9999
    return [*names, "edge.jsonl", "far-future.txt"], None


def odd_names(folder: Path) -> tuple[list[str], str | None]:
    """Names that are not UTF-8, or that carry a newline, ANSI escapes, a forged error line."""
    body = article_text("Name Post", sentences=3)
    raw = os.fsencode(folder) + b"/caf\xe9-\xff.md"
    with open(raw, "wb") as fh:
        fh.write(body.replace("Name Post", "Latin Name Post").encode())
    forged = "x.md\nsummarizer: error: FORGED-LINE\x1b[2K\x1b[1A.md"
    (folder / forged).write_text(body.replace("Name Post", "Forged Name Post"))
    return [os.fsdecode(raw).rsplit("/", 1)[-1], forged], "FORGED-LINE\x1b"


def control_text(folder: Path) -> tuple[list[str], str | None]:
    """ESC, BEL, NUL and C1 controls in text and metadata; surrogates through JSON escapes."""
    body = article_text("Bell Post", sentences=3).split("---\n")[-1]
    noisy = body.replace(" the ", " the \x1b[31m\x07\x1b]0;pwned\x07", 1).replace(".", ".\x9b2J", 1)
    (folder / "bell.md").write_text(
        f"---\nsource: Bell\x1b[5m Post\x07\ntitle: T\x1b]0;x\x07\n---\n{noisy}"
    )
    record = {"source": "Surrogate\udcff Wire", "title": "Half \ud800 pair", "text": body}
    (folder / "surrogates.json").write_text(json.dumps(record))
    return ["bell.md", "surrogates.json"], "\x1b"


def word_files(folder: Path) -> tuple[list[str], str | None]:
    (folder / "minutes.docx").write_bytes(b"PK\x03\x04" + bytes(200))
    (folder / "old-minutes.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(200))
    return ["minutes.docx", "old-minutes.doc"], None


def broken_pdfs(folder: Path) -> tuple[list[str], str | None]:
    (folder / "truncated.pdf").write_bytes(tiny_pdf(["The council met."])[:120])
    (folder / "not-a.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    (folder / "scan.pdf").write_bytes(tiny_pdf([]))
    return ["truncated.pdf", "not-a.pdf", "scan.pdf"], None


def deep_html(folder: Path) -> tuple[list[str], str | None]:
    (folder / "nested.html").write_text("<div>" * DEPTH + "text" + "</div>" * DEPTH)
    return ["nested.html"], None


MAKERS: dict[str, Maker] = {
    "fifo": fifo,
    "socket": unix_socket,
    "symlink-out": symlink_out,
    "symlink-loop": symlink_loop,
    "deep-json": deep_json,
    "deep-yaml": deep_yaml,
    "codec-charset": codec_charsets,
    "calendar-edge": calendar_edges,
    "odd-names": odd_names,
    "control-text": control_text,
    "word": word_files,
    "broken-pdf": broken_pdfs,
    "deep-html": deep_html,
}


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def tiny_pdf(lines: list[str], title: str | None = None) -> bytes:
    """A one-page PDF whose text is ``lines`` (Helvetica), written by hand: no writer needed."""
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({_pdf_string(x)}) Tj T*" for x in lines)
    content += " ET"
    info = f"<< /Title ({_pdf_string(title)}) >>" if title else "<< >>"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        info,
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
    out += f"{trailer}startxref\n{xref}\n%%EOF\n".encode()
    return out
