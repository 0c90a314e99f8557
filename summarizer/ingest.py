"""Read articles from files, folders, URLs and stdin into `RawDocument`s, one at a time.

Bad input never aborts a run: each unusable file or record is reported through `warn` and skipped.
Only regular files are read (a FIFO or a device would hang or never end), symlinks are followed
only when they stay inside the folder being read, and every path, title and text that comes out
is free of control characters and lone surrogates (see `summarizer.redact`).
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import logging
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import BinaryIO

import charset_normalizer
import trafilatura
import yaml

from summarizer import fetch, pdf
from summarizer.redact import printable, strip_controls
from summarizer.types import Metadata, RawDocument

__all__ = ["DEFAULT_MAX_BYTES", "SUPPORTED_SUFFIXES", "iter_documents", "record_document"]

log = logging.getLogger("summarizer.ingest")

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES | {".json", ".jsonl"}
# Formats a user may well drop into the folder that are not read: named, with what to do.
UNREAD_SUFFIXES = {
    ".docx": "Word documents are not read (save it as .txt, .html or .pdf), skipped",
    ".doc": "Word documents are not read (save it as .txt, .html or .pdf), skipped",
    ".odt": "OpenDocument text is not read (save it as .txt, .html or .pdf), skipped",
    ".rtf": "RTF documents are not read (save it as .txt, .html or .pdf), skipped",
}
_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)
# Declared charsets that name a codec but not a text encoding a web page can be in: rot13,
# base64, zlib... are not text encodings at all, and the escape codecs read bytes as code.
_NOT_PAGE_CHARSETS = frozenset(
    {"unicode_escape", "raw_unicode_escape", "punycode", "idna", "undefined", "utf-7"}
)

Warn = Callable[[str], None]
_log_warning: Warn = logging.getLogger("summarizer.ingest").warning

# Metadata field -> accepted keys in front matter and JSON records, first present wins.
_META_KEYS = {
    "source": ("source", "outlet"),
    "title": ("title",),
    "url": ("url",),
    "published": ("published", "date"),
}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?:(.*?)\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)

# UTF-16/32 legitimately contain NUL bytes, so they are decoded before the binary check.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_BYTES = bytes(b for b in [*range(1, 0x20), 0x7F] if b not in b"\t\n\v\f\r")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
# cp1252 symbols that real Western text never puts between two letters, but that appear there
# when Central European text is misread as cp1252 ("Za¿ó³æ" for "Zażółć").
_SYMBOL_IN_WORD = re.compile(r"[^\W\d_][‚„…†‡ˆ‰‹›˜™•¡¢£¤¥¦§¨©«¬®¯°±²³¶¸¹»¼½¾¿×÷][^\W\d_]")


def iter_documents(
    paths: Sequence[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    warn: Warn = _log_warning,
) -> Iterator[RawDocument]:
    """Yield one document per text/HTML file or JSON record found under `paths` (`-` is stdin).

    Folders are walked recursively in sorted order, skipping hidden entries and unsupported
    suffixes; an explicitly named file with an unknown suffix is read as text.
    """
    if isinstance(paths, str):
        raise TypeError("paths must be a sequence of paths, not a single string")
    for path in paths:
        if path == "-":
            stream = sys.stdin.buffer if stdin is None else stdin
            yield from _guarded("-", _stdin_documents(stream, max_bytes, warn), warn)
        elif fetch.is_url(path):
            yield from _guarded(fetch.display(path), _url_documents(path, max_bytes, warn), warn)
        elif os.path.isdir(path):
            root = os.path.realpath(path)
            for file, real, mtime in _walk(path, root, warn):
                docs = _file_documents(file, max_bytes, warn, mtime, real)
                yield from _guarded(file, docs, warn)
        else:
            yield from _guarded(path, _named_file_documents(path, max_bytes, warn), warn)


def _guarded(path: str, documents: Iterator[RawDocument], warn: Warn) -> Iterator[RawDocument]:
    """A file that fails in a way no rule foresaw is one skipped file, never a failed run."""
    try:
        yield from documents
    except RecursionError:
        warn(f"{printable(path)}: nested too deeply to read, skipped")
    except Exception as exc:
        log.debug("reading %s failed", printable(path), exc_info=True)
        warn(f"{printable(path)}: cannot read ({type(exc).__name__}: {exc}), skipped")


# --- finding and reading files ---------------------------------------------------------------


def _walk(folder: str, root: str, warn: Warn) -> Iterator[tuple[str, str, float]]:
    """The readable files under ``folder``, sorted: each as found, as it is read (a symlink's
    target) and its modification time.

    Nothing is opened here: special files are named and skipped from their ``stat``, and a
    symlink is followed only if it resolves inside ``root``.
    """
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda entry: entry.name)
    except OSError as exc:
        warn(f"{printable(folder)}: {_reason(exc)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(folder, entry.name)
        # Symlinked folders are not followed, as with os.walk: they can loop.
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path, root, warn)
            continue
        suffix = _suffix(path)
        if suffix in UNREAD_SUFFIXES:
            warn(f"{printable(path)}: {UNREAD_SUFFIXES[suffix]}")
            continue
        if suffix not in SUPPORTED_SUFFIXES:
            continue
        real = path
        try:
            if entry.is_symlink():
                real = os.path.realpath(path)
                if os.path.commonpath([root, real]) != root:
                    warn(f"{printable(path)}: a symlink to outside {printable(root)}, skipped")
                    continue
            info = os.stat(real, follow_symlinks=False)
        except (OSError, ValueError) as exc:
            warn(f"{printable(path)}: {_reason(exc)}")
            continue
        kind = _special(info.st_mode)
        if kind:
            warn(f"{printable(path)}: not a regular file ({kind}), skipped")
            continue
        yield path, real, info.st_mtime


def _special(mode: int) -> str | None:
    """What a file is when it is not a regular file, else None."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _FILE_KINDS if test(mode)), "not a file")


def _named_file_documents(path: str, max_bytes: int, warn: Warn) -> Iterator[RawDocument]:
    """A file named on the command line: symlinks followed (the user named it), still only a
    regular file (a named pipe would wait forever for a writer; `-` reads a pipe)."""
    try:
        info = os.stat(path)
    except (OSError, ValueError) as exc:
        warn(f"{printable(path)}: {_reason(exc)}")
        return
    kind = _special(info.st_mode)
    if kind:
        hint = "; use - to read standard input" if stat.S_ISFIFO(info.st_mode) else ""
        warn(f"{printable(path)}: not a regular file ({kind}{hint}), skipped")
        return
    yield from _file_documents(path, max_bytes, warn, info.st_mtime, os.path.realpath(path))


def _file_documents(
    path: str, max_bytes: int, warn: Warn, mtime: float | None = None, real: str | None = None
) -> Iterator[RawDocument]:
    """The documents in the file ``path`` (read at ``real``, its resolved path, if given)."""
    data = _read_file(real or path, max_bytes, warn, shown=path)
    if data is None:
        return
    yield from _documents_from_bytes(printable(path), _suffix(path), data, warn, mtime)


def _documents_from_bytes(
    path: str, suffix: str, data: bytes, warn: Warn, mtime: float | None
) -> Iterator[RawDocument]:
    """The documents in one file's bytes; ``path`` is the name to show (already printable)."""
    docs = _parse(path, suffix, data, warn)
    for doc in docs:
        yield replace(doc, mtime=mtime)


def _parse(path: str, suffix: str, data: bytes, warn: Warn) -> Iterator[RawDocument]:
    if suffix in PDF_SUFFIXES:
        doc = _pdf_document(path, data, warn)
        if doc is not None:
            yield doc
        return
    if suffix in HTML_SUFFIXES:
        match = _META_CHARSET.search(data[:4096])
        charset = match.group(1).decode("ascii") if match else None
        text = _to_text(path, data, warn, declared_charset=charset)
        doc = _html_document(path, text, warn) if text is not None else None
        if doc is not None:
            yield doc
        return
    text = _to_text(path, data, warn)
    if text is None:
        return
    if suffix == ".json":
        yield from _json_documents(path, text, warn)
    elif suffix == ".jsonl":
        yield from _jsonl_documents(path, text, warn)
    else:
        doc = _text_document(path, text, warn)
        if doc is not None:
            yield doc


def _read_file(path: str, max_bytes: int, warn: Warn, *, shown: str | None = None) -> bytes | None:
    # O_NONBLOCK: if the file was swapped for a FIFO since it was looked at, opening it does not
    # wait for a writer; the fstat below then refuses it. O_NOFOLLOW: nor for a symlink.
    name = shown or path
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
        with open(fd, "rb") as fh:
            info = os.fstat(fd)
            kind = _special(info.st_mode)
            if kind:
                warn(f"{printable(name)}: not a regular file ({kind}), skipped")
                return None
            if info.st_size > max_bytes:
                warn(f"{printable(name)}: {_too_big(info.st_size, max_bytes)}")
                return None
            # The size fstat gave and one byte more; a file that grew since is read on, to one
            # byte past the limit, and caught below. (Asking for the limit at once would make
            # Python allocate a buffer that large for every file: a third of the reading time.)
            data = fh.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += fh.read(max_bytes + 1 - len(data))
    except (OSError, ValueError) as exc:
        warn(f"{printable(name)}: {_reason(exc)}")
        return None
    if len(data) > max_bytes:
        warn(f"{printable(name)}: {_too_big(None, max_bytes)}")
        return None
    return data


def _url_documents(url: str, max_bytes: int, warn: Warn) -> Iterator[RawDocument]:
    name = fetch.display(url)
    try:
        page = fetch.fetch(url, max_bytes=max_bytes)
    except fetch.FetchError as exc:
        warn(f"{printable(name)}: {exc}, skipped")
        return
    for doc in _parse(printable(name), page.suffix, page.body, warn):
        meta = doc.meta if doc.meta.url else replace(doc.meta, url=fetch.display(page.url))
        yield replace(doc, meta=meta)


def _pdf_document(path: str, data: bytes, warn: Warn) -> RawDocument | None:
    try:
        extracted = pdf.extract(data)
    except pdf.PdfError as exc:
        warn(f"{path}: {exc}, skipped")
        return None
    if not extracted.text.strip():
        warn(f"{path}: no text in the PDF (a scan?), skipped")
        return None
    meta = _metadata({"title": extracted.title, "published": extracted.published}, path, warn)
    return _document(path, extracted.text, meta)


def _stdin_documents(stream: BinaryIO, max_bytes: int, warn: Warn) -> Iterator[RawDocument]:
    try:
        data = stream.read(max_bytes + 1)
    except OSError as exc:
        warn(f"-: cannot read standard input ({_reason(exc)})")
        return
    if len(data) > max_bytes:
        warn(f"-: {_too_big(None, max_bytes)}")
        return
    text = _to_text("-", data, warn)
    if text is None:
        return
    if text.lstrip()[:1] in ("{", "["):
        try:
            value = json.loads(text)
        except ValueError:
            pass
        else:
            yield from _json_value_documents("-", value, warn)
            return
        first_line = text.lstrip().split("\n", 1)[0]
        if isinstance(_json_or_none(first_line), dict):
            yield from _jsonl_documents("-", text, warn)
            return
    doc = _text_document("-", text, warn)
    if doc is not None:
        yield doc


def _suffix(path: str) -> str:
    return os.path.splitext(path)[1].lower()


def _reason(exc: OSError | ValueError) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc)


def _too_big(size: int | None, max_bytes: int) -> str:
    def mb(n: int) -> str:
        return f"{n / (1024 * 1024):.1f} MB"

    what = mb(size) if size is not None else "input"
    return f"{what} exceeds the per-file limit of {mb(max_bytes)} (--max-file-mb), skipped"


# --- bytes to text ---------------------------------------------------------------------------


def _to_text(
    path: str, data: bytes, warn: Warn, *, declared_charset: str | None = None
) -> str | None:
    """Decode a file's bytes, or warn and return None if it is empty, binary or undecodable."""
    if not data.strip():
        warn(f"{path}: empty file, skipped")
        return None
    text = _decode_wide(data)
    if text is None:
        if _looks_binary(data):
            warn(f"{path}: binary file, skipped")
            return None
        text = _decode(data.replace(b"\0", b""), declared_charset)  # stray NULs: drop, keep text
        if text is None:
            warn(f"{path}: cannot decode text (not UTF-8 and no known encoding)")
            return None
    if not text.strip():
        warn(f"{path}: empty file, skipped")
        return None
    return text


def _decode_wide(data: bytes) -> str | None:
    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _looks_binary(data: bytes) -> bool:
    nuls = data.count(0)
    if nuls > max(1, len(data) // 1000):  # more than a stray NUL or two
        return True
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls > len(data) * 0.05


def _decode(data: bytes, declared_charset: str | None = None) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if declared_charset:
        text = _decode_as(data, declared_charset)
        if text is not None:
            return text
    # charset_normalizer misreads short or Western text (cp775, mac_latin2...), so cp1252 is tried
    # first and kept when the result reads like Latin-script text; it also covers latin-1, whose
    # 0x80-0x9F bytes would otherwise become control characters.
    western = _decode_as(data, "cp1252")
    if western is not None and _reads_as_latin_script(western):
        return western
    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        return str(best)
    return western


def _decode_as(data: bytes, label: str) -> str | None:
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    codec = info.name
    # rot13, base64, zlib... name a codec but not a text encoding; a page cannot be in them.
    if (
        not getattr(info, "_is_text_encoding", True)
        or codec.replace("-", "_") in _NOT_PAGE_CHARSETS
    ):
        return None
    if codec in ("iso8859-1", "ascii"):
        codec = "cp1252"  # as browsers do: these labels in the wild mean windows-1252
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError):
        return None


def _reads_as_latin_script(text: str) -> bool:
    sample = text[:65536]
    letters = len(_LETTER.findall(sample))
    non_ascii = len(_NON_ASCII_LETTER.findall(sample))
    # Cyrillic or Greek read as cp1252 is almost all accented letters ("Ïðèâåò").
    return non_ascii <= letters * 0.5 and not _SYMBOL_IN_WORD.search(sample)


# --- formats ---------------------------------------------------------------------------------


def _document(path: str, text: str, meta: Metadata) -> RawDocument:
    """The one place a document is made: its text keeps no terminal escape or control byte."""
    return RawDocument(path=path, text=strip_controls(text), meta=meta)


def _text_document(path: str, text: str, warn: Warn) -> RawDocument | None:
    split = _split_front_matter(path, text, warn)
    if split is None:
        return None
    meta, body = split
    if not body.strip():
        warn(f"{path}: no text after the front matter, skipped")
        return None
    return _document(path, body, meta)


def _split_front_matter(path: str, text: str, warn: Warn) -> tuple[Metadata, str] | None:
    """The front matter's metadata and the body; None (skip the file) if it is hostile."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return Metadata(), text
    try:
        fields = yaml.safe_load(match.group(1) or "")
    except RecursionError:
        warn(f"{path}: front matter nested too deeply, skipped")
        return None
    except (yaml.YAMLError, ValueError, OverflowError) as exc:  # a date YAML cannot hold, too
        problem = getattr(exc, "problem", None) or str(exc) or "invalid YAML"
        warn(f"{path}: malformed front matter ({problem}), read as plain text")
        return Metadata(), text
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        warn(f"{path}: malformed front matter (not a key: value mapping), read as plain text")
        return Metadata(), text
    return _metadata(fields, path, warn), text[match.end() :]


def _html_document(path: str, html: str, warn: Warn) -> RawDocument | None:
    try:
        extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    except Exception as exc:  # lxml/trafilatura can trip over odd markup; skip just this page
        warn(f"{path}: cannot parse HTML ({type(exc).__name__}), skipped")
        return None
    if extracted is None or isinstance(extracted, dict):  # trafilatura 1.x returns a dict
        fields = extracted or {}
    else:
        fields = extracted.as_dict()
    text = fields.get("text") or ""
    if not text.strip():
        warn(f"{path}: no article text found in the HTML, skipped")
        return None
    meta = {
        "source": fields.get("sitename"),
        "title": fields.get("title"),
        "url": fields.get("url"),
        "published": fields.get("date"),
    }
    return _document(path, text, _metadata(meta, path, warn))


def _json_documents(path: str, text: str, warn: Warn) -> Iterator[RawDocument]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        warn(f"{path}: invalid JSON ({_json_error(exc)}), skipped")
        return
    yield from _json_value_documents(path, value, warn)


def _json_value_documents(path: str, value: object, warn: Warn) -> Iterator[RawDocument]:
    """A single object is one document at `path`; a list's items are `path#1`, `path#2`..."""
    if isinstance(value, dict):
        doc = _record_document(path, path, value, warn)
        if doc is not None:
            yield doc
    elif isinstance(value, list):
        if not value:
            warn(f"{path}: empty list, no records")
        for n, item in enumerate(value, start=1):
            doc = _record_document(f"{path}#{n}", f"{path}#{n}", item, warn)
            if doc is not None:
                yield doc
    else:
        warn(f"{path}: expected a JSON object or a list of objects, got {_json_type(value)}")


def _jsonl_documents(path: str, text: str, warn: Warn) -> Iterator[RawDocument]:
    # split("\n"), not splitlines(): JSON strings may hold a raw U+2028, which splitlines breaks on.
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            warn(f"{path}:{lineno}: invalid JSON ({_json_error(exc)}), skipped")
            continue
        doc = _record_document(f"{path}#{lineno}", f"{path}:{lineno}", value, warn)
        if doc is not None:
            yield doc


def _record_document(doc_path: str, where: str, record: object, warn: Warn) -> RawDocument | None:
    if not isinstance(record, dict):
        warn(f"{where}: expected a JSON object, got {_json_type(record)}, skipped")
        return None
    text = record.get("text")
    if not isinstance(text, str):
        problem = "missing" if text is None else f"a {_json_type(text)}, not a string"
        warn(f'{where}: "text" is {problem}, skipped')
        return None
    if not text.strip():
        warn(f'{where}: "text" is empty, skipped')
        return None
    doc = _document(doc_path, text, _metadata(record, where, warn))
    return replace(doc, record=True)


def record_document(path: str, record: object, warn: Warn) -> RawDocument | None:
    """One article from a JSON record (``text``, optional metadata); None, with a warning, if
    it has no usable text. ``path`` names it in warnings and in the briefing's sources."""
    return _record_document(path, path, record, warn)


def _json_or_none(line: str) -> object:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        return None


def _json_error(exc: ValueError | RecursionError) -> str:
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    return str(exc)


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


# --- metadata --------------------------------------------------------------------------------


def _metadata(fields: Mapping[str, object], where: str, warn: Warn) -> Metadata:
    found: dict[str, str] = {}
    for name, keys in _META_KEYS.items():
        for key in keys:
            raw = fields.get(key)
            if raw is None:
                continue
            value = _metadata_text(raw)
            if value is None:
                warn(f'{where}: ignoring "{key}" (expected text, got {type(raw).__name__})')
            elif value:
                found[name] = value
                break
    return Metadata(**found)


def _metadata_text(value: object) -> str | None:
    """Text for a metadata value, "" if blank, None if it is not a scalar."""
    if isinstance(value, str):
        return " ".join(strip_controls(value).split())  # one line, no escapes
    if isinstance(value, dt.date):  # YAML reads `date: 2024-03-01` as a date (datetime too)
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None
