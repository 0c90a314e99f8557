"""Fetch one web page for ``summarizer brief https://...``: bounded in time, bytes and type.

The page is read as the file it would be if saved: HTML (main text extracted with trafilatura),
plain text, JSON or PDF, chosen by its Content-Type; anything else is refused. No cookies are
kept and nothing is cached; credentials in the URL are never shown.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from summarizer import __version__

__all__ = ["DEFAULT_TIMEOUT", "FetchError", "Page", "display", "fetch", "is_url"]

DEFAULT_TIMEOUT = 30.0  # seconds for the whole page, however slowly it arrives
MAX_REDIRECTS = 5
_SUFFIX_BY_TYPE = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/json": ".json",
    "application/pdf": ".pdf",
}


class FetchError(Exception):
    """Why a page was not read, in a few words."""


@dataclass(frozen=True)
class Page:
    url: str  # after redirects
    body: bytes
    suffix: str  # how to read it, as if it were a file with this suffix


def is_url(text: str) -> bool:
    return text[:8].lower().startswith(("http://", "https://"))


def display(url: str) -> str:
    """The URL without any user:password@ part."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return url.split("@")[-1]
    if "@" not in parts.netloc:
        return url
    return urlunsplit((parts.scheme, host + port, parts.path, parts.query, parts.fragment))


def fetch(url: str, *, max_bytes: int, timeout: float = DEFAULT_TIMEOUT) -> Page:
    """GET ``url``; FetchError on an HTTP error, a type that is not an article, more than
    ``max_bytes`` (after decompression), or more than ``timeout`` seconds in all."""
    import httpx  # on first use: most runs read no URL

    deadline = time.monotonic() + timeout
    headers = {"User-Agent": f"summarizer/{__version__}", "Accept": ", ".join(_SUFFIX_BY_TYPE)}
    try:
        with (
            httpx.Client(
                timeout=httpx.Timeout(timeout),
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                headers=headers,
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code} {response.reason_phrase}".strip())
            kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
            suffix = _SUFFIX_BY_TYPE.get(kind)
            if suffix is None:
                raise FetchError(f"not an article (content type {kind or 'missing'})")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"larger than the limit of {_mb(max_bytes)} (--max-file-mb)")
            body = bytearray()
            for chunk in response.iter_bytes():  # as it arrives: no buffering to a size
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(f"larger than the limit of {_mb(max_bytes)} (--max-file-mb)")
                if time.monotonic() > deadline:
                    raise FetchError(f"timed out after {timeout:g}s")
            return Page(url=str(response.url), body=bytes(body), suffix=suffix)
    except httpx.TimeoutException:
        raise FetchError(f"timed out after {timeout:g}s") from None
    except httpx.TooManyRedirects:
        raise FetchError(f"more than {MAX_REDIRECTS} redirects") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise FetchError(f"cannot fetch ({reason})") from None


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
