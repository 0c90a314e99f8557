"""`summarizer brief https://...`: a page fetched from a web server on loopback (never the
internet), bounded in time, size and type; every refusal is one warning naming the URL."""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from clirun import Cli
from hostile import tiny_pdf
from newsdesk import article_sentences

from summarizer import fetch

SENTENCES = article_sentences("Loopback Ledger", 1, 5)
PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Harbour vote</title>"
    "<meta property='og:site_name' content='Loopback Ledger'></head><body><nav>Home | World</nav>"
    "<article>"
    + "".join(f"<p>{s}</p>" for s in SENTENCES)
    + "</article><footer>Subscribe now</footer></body></html>"
).encode()

Route = Callable[[BaseHTTPRequestHandler], None]


def send(handler: BaseHTTPRequestHandler, body: bytes, kind: str, code: int = 200) -> None:
    handler.send_response(code)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


TRICKLED: list[int] = []  # bytes each trickle sent before the client hung up


def trickle(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    sent = 0
    try:
        for _ in range(400):  # a byte every 0.05 s: never idle long enough for a read timeout
            handler.wfile.write(b"<")
            handler.wfile.flush()
            sent += 1
            time.sleep(0.05)
    except OSError:
        pass
    TRICKLED.append(sent)


def endless(handler: BaseHTTPRequestHandler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.end_headers()
    chunk = b"The council met again. " * 4096
    try:
        while True:
            handler.wfile.write(chunk)
    except OSError:
        pass  # the client hung up, as it should


def bomb(handler: BaseHTTPRequestHandler) -> None:
    body = gzip.compress(b"a" * (30 * 1024 * 1024))  # 30 MB of text in about 30 KB
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Content-Encoding", "gzip")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def redirect_to(target: str) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(302)
        handler.send_header("Location", target)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def not_found(handler: BaseHTTPRequestHandler) -> None:
    send(handler, b"?", "text/html", 404)


ROUTES: dict[str, Route] = {
    "/article": lambda h: send(h, PAGE, "text/html; charset=utf-8"),
    "/plain": lambda h: send(h, "\n\n".join(SENTENCES).encode(), "text/plain"),
    "/paper.pdf": lambda h: send(h, tiny_pdf(SENTENCES[:3], title="Harbour"), "application/pdf"),
    "/photo": lambda h: send(h, b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png"),
    "/missing": lambda h: send(h, b"gone", "text/html", code=404),
    "/trickle": trickle,
    "/endless": endless,
    "/bomb": bomb,
    "/moved": redirect_to("/article"),
    "/loop": redirect_to("/loop"),
}


class Site:
    def __init__(self) -> None:
        routes = ROUTES

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                routes.get(self.path.split("?")[0], not_found)(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch) -> Iterator[Site]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    with Site() as running:
        yield running


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(capsys)


def test_a_page_is_fetched_extracted_and_briefed(site: Site, cli: Cli) -> None:
    url = f"{site.base}/article"
    (source,) = cli.prepare(url)["sources"]
    assert source["path"] == url and source["name"] == "Loopback Ledger"
    assert source["sentences"] == SENTENCES
    assert "Subscribe" not in source["text"] and "Home | World" not in source["text"]
    briefing = cli.brief(url, extra=("--max-points", "3"))
    assert briefing["sources"][0]["name"] == "Loopback Ledger" and briefing["points"]


def test_plain_text_pdf_and_redirects_are_read(site: Site, cli: Cli) -> None:
    urls = [f"{site.base}/plain", f"{site.base}/paper.pdf", f"{site.base}/moved"]
    sources = cli.prepare(*urls)["sources"]
    assert [s["path"] for s in sources] == urls
    assert sources[0]["sentences"] == SENTENCES
    assert sources[1]["sentences"] == SENTENCES[:3] and sources[1]["title"] == "Harbour"
    assert sources[2]["sentences"] == SENTENCES
    assert cli.warnings == []


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/photo", "not an article (content type image/png)"),
        ("/missing", "HTTP 404 Not Found"),
        ("/endless", "larger than the limit of 1.0 MB (--max-file-mb)"),
        ("/bomb", "larger than the limit of 1.0 MB (--max-file-mb)"),
        ("/loop", "more than 5 redirects"),
    ],
)
def test_a_page_that_is_not_an_article_is_one_warning(
    site: Site, cli: Cli, path: str, reason: str
) -> None:
    url = f"{site.base}{path}"
    assert cli("prepare", url, f"{site.base}/plain", "--max-file-mb", "1") == 0
    assert cli.warnings == [f"summarizer: warning: {url}: {reason}, skipped"]


def test_a_trickling_server_is_cut_at_the_time_limit(site: Site) -> None:
    # Never idle for a read timeout, complete after 20 s: only the page's own limit stops it.
    with pytest.raises(fetch.FetchError, match=r"timed out after 1s"):
        fetch.fetch(f"{site.base}/trickle", max_bytes=10**6, timeout=1)
    site.server.shutdown()  # waits for nothing, but lets the handler see the hang-up
    for _ in range(200):
        if TRICKLED:
            break
        time.sleep(0.05)
    (sent,) = TRICKLED
    assert sent < 200  # hung up long before the end, not after reading it all


def test_nothing_listening_and_credentials_in_the_url(cli: Cli) -> None:
    from summarizer.embedded import free_port

    port = free_port()
    url = f"http://reader:hunter2@127.0.0.1:{port}/article"
    assert cli("prepare", url) == 2
    (warning,) = cli.warnings
    assert warning.startswith(f"summarizer: warning: http://127.0.0.1:{port}/article: cannot fetch")
    assert "hunter2" not in cli.err and "reader" not in cli.err
    assert (
        json.dumps(fetch.display("https://u:p@example.org/x?q=1")) == '"https://example.org/x?q=1"'
    )


def test_a_path_that_only_looks_like_a_url_is_a_file(tmp_path: Path, cli: Cli) -> None:
    assert not fetch.is_url(str(tmp_path / "http:" / "x.txt"))
    assert fetch.is_url("HTTPS://example.org/") and not fetch.is_url("ftp://example.org/")
