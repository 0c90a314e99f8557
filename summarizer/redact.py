"""Keep secrets and control characters out of everything the project logs, stores or prints.

A secret is sent in several encodings (raw in a header, base64 in SMTP AUTH and HTTP Basic,
percent-encoded in a URL), and a server may echo any of them back; ``Redactor`` removes them all.
``printable`` makes untrusted text (file names, model ids, server messages) safe for one line;
``strip_controls`` removes terminal escapes and control characters from text that is kept.
"""

from __future__ import annotations

import base64
import re
import urllib.parse
from collections.abc import Iterable

MASK = "<redacted>"
_KEYLIKE = re.compile(r"\b(sk-|Bearer\s+|Basic\s+)[A-Za-z0-9_\-.+/=*]{4,}")
_MIN_SECRET = 4  # shorter "secrets" would redact ordinary words
_MIN_FRAGMENT = 8  # shorter base64 fragments could match ordinary text


def _forms(secret: str, users: Iterable[str]) -> set[str]:
    raw = secret.encode("utf-8")
    forms = {
        secret,
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
        base64.b64encode(raw).decode("ascii"),
        base64.urlsafe_b64encode(raw).decode("ascii"),
    }
    # SMTP AUTH PLAIN and HTTP Basic send "\0user\0password" and "user:password" in base64.
    for user in users:
        u = user.encode("utf-8")
        for joined in (b"\0" + u + b"\0" + raw, u + b"\0" + u + b"\0" + raw, u + b":" + raw):
            forms.add(base64.b64encode(joined).decode("ascii"))
    # base64 without its padding, as some servers echo it.
    forms |= {f.rstrip("=") for f in forms if f.endswith("=")}
    forms = {f for f in forms if len(f) >= _MIN_SECRET}
    return forms | {f for f in _base64_fragments(raw) if len(f) >= _MIN_FRAGMENT}


def _base64_fragments(raw: bytes) -> set[str]:
    """The base64 characters that depend on ``raw`` alone, at each of the 3 offsets it can have
    inside a longer encoded text ("Bearer <key>", a JSON blob holding the key...)."""
    fragments = set()
    for offset in range(3):
        first = 1 if offset else 0  # the group that mixes in the bytes before the secret
        end = (offset + len(raw)) // 3  # groups after this one mix in the bytes after it
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\0" * offset + raw).decode("ascii")
            fragments.add(encoded[4 * first : 4 * end])
    return fragments


class Redactor:
    """Replaces every known secret, in every encoding it travels in, with ``MASK``."""

    def __init__(self, secrets: Iterable[str | None] = (), *, users: Iterable[str] = ()) -> None:
        named = [s for s in secrets if s and len(s) >= _MIN_SECRET]
        people = [u for u in users if u]
        forms: set[str] = set()
        for secret in named:
            forms |= _forms(secret, people)
        # Longest first, so a form that contains another is replaced whole.
        self._forms = sorted(forms, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._forms)

    def __call__(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        return _KEYLIKE.sub(r"\1" + MASK, text)

    def bytes(self, data: bytes) -> bytes:
        """The same for raw bytes (a cached answer, an SMTP transcript)."""
        for form in self._forms:
            encoded = form.encode("utf-8")
            if encoded in data:
                data = data.replace(encoded, MASK.encode("ascii"))
        return data


_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]"
)


def printable(text: str, limit: int | None = None) -> str:
    """One terminal-safe line: control, bidi and zero-width characters shown as escapes."""
    out = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    out = out.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates (file names)
    if limit is not None and len(out) > limit:
        out = out[: limit - 1] + "…"
    return out


# Terminal escape sequences (CSI such as colours and cursor moves, OSC such as window titles and
# hyperlinks, and two-byte ones), then any other C0/C1 control character or lone surrogate.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_]?)")
_STRAY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """``text`` without terminal escapes, control characters (but tab, newlines, VT, FF, NEL)
    or lone surrogates: what an article, title or outlet name may keep of them is nothing."""
    if _STRAY.search(text) is None:
        return text
    return _STRAY.sub("", _ESCAPE.sub("", text))
