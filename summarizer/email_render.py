"""Render the day's briefings as one multipart/alternative email (plain text + HTML), in memory.

Article and model text only enters templates as autoescaped variables; the only links are
http(s) URLs taken from the sources' metadata, never anything derived from point or model text.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import jinja2

from summarizer import __version__
from summarizer.errors import DeliveryError
from summarizer.render import UNDATED, briefing_view, cited, fill, plural
from summarizer.types import Briefing

__all__ = [
    "ListedStory",
    "RenderedEmail",
    "check_message",
    "outlet_count",
    "render_email",
    "safe_url",
    "story_title",
]

SUBJECT_MAX = 140
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TITLE_PREFIX = re.compile(r"^\s*briefing\s*:\s*", re.IGNORECASE)
_TITLE_COUNT = re.compile(r"\s*\(\d+ sources?\)\s*$")  # the email shows outlet counts itself


@dataclass(frozen=True)
class RenderedEmail:
    """A complete message: ``raw`` is exactly what gets delivered, checked by check_message."""

    raw: bytes
    message_id: str
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class ListedStory:
    """A story the email names in one line instead of briefing it."""

    title: str
    outlets: int
    articles: int
    continuing_since: dt.date | None = None  # the day it was first briefed
    nothing_new: bool = False  # continuing, and no new point since it was last sent


# --- helpers the templates rely on -----------------------------------------------------------


def safe_url(url: str | None) -> str | None:
    """The URL if it is a plain http(s) link with a host and no credentials, else None."""
    if not url:
        return None
    url = url.strip()
    if not url or any(ch.isspace() or _CONTROL.match(ch) for ch in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        has_userinfo = parts.username is not None or parts.password is not None
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host or has_userinfo:
        return None
    return url


def one_line(text: str, limit: int | None = None) -> str:
    """Whitespace collapsed, control characters dropped, optionally clipped with an ellipsis."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def story_title(briefing: Briefing) -> str:
    """The briefing's title without the generic "Briefing:" / "(N sources)" the pipeline adds."""
    title = _TITLE_COUNT.sub("", _TITLE_PREFIX.sub("", briefing.title))
    return one_line(title) or "Untitled story"


def outlet_count(briefing: Briefing) -> int:
    """How many distinct outlets (not articles) covered the story."""
    return len({s.name for s in briefing.sources})


def _wrap(text: str, width: int = 76, indent: str = "", first: str | None = None) -> str:
    return fill(one_line(text), width=width, indent=indent, first=first)


# --- view model ------------------------------------------------------------------------------


def _outlet(briefing: Briefing, source_id: str) -> dict[str, Any]:
    url = next((s.url for s in briefing.sources if s.id == source_id), None)
    return {"name": one_line(briefing.citation_name(source_id)), "url": safe_url(url)}


def _outlets(briefing: Briefing, ids: Sequence[str]) -> list[dict[str, Any]]:
    return [_outlet(briefing, i) for i in dict.fromkeys(ids)]


def _story_view(briefing: Briefing, since: dt.date | None = None) -> dict[str, Any]:
    """What the templates show of one story: the same choices as the Markdown briefing (lede,
    points by day, a quote only where it adds something, claimants per side, who said what)."""
    b, v = briefing, briefing_view(briefing)

    def quote(q: Any) -> dict[str, Any] | None:
        return {"text": one_line(q.text), "outlet": _outlet(b, q.outlet)} if q else None

    return {
        "title": story_title(b),
        "continuing_since": since.isoformat() if since else None,
        "outlet_count": outlet_count(b),
        "outlets_label": plural(outlet_count(b), "outlet"),
        "article_count": len(b.sources),
        "outlet_names": sorted({one_line(b.citation_name(s.id)) for s in b.sources}, key=str.lower),
        "lede": [
            {
                "text": one_line(text),
                "body": one_line(text).rstrip(".!?"),
                "end": one_line(text)[-1:] if one_line(text)[-1:] in "!?" else ".",
                "outlets": _outlets(b, ids),
                "cited": cited(one_line(text), ", ".join(o["name"] for o in _outlets(b, ids))),
            }
            for text, ids in v.lede
        ],
        "days": [
            {
                "label": day.label,
                "points": [
                    {
                        "number": p.number,
                        "text": one_line(p.text),
                        "outlets": _outlets(b, p.outlets),
                        "quotes": [quote(q) for q in p.quotes],
                    }
                    for p in day.points
                ],
            }
            for day in v.days
        ],
        "show_days": len(v.days) > 1 or any(day.label != UNDATED for day in v.days),
        "disagreements": [
            {
                "subject": one_line(d.subject),
                "sides": [
                    {
                        "stance": one_line(side.stance),
                        "claimants": [
                            {
                                "name": one_line(c.name),
                                "outlets": _outlets(b, c.outlets),
                                "cited": one_line(c.name)
                                + (
                                    " ("
                                    + ", ".join(o["name"] for o in _outlets(b, c.outlets))
                                    + ")"
                                    if c.outlets
                                    else ""
                                ),
                            }
                            for c in side.claimants
                        ],
                    }
                    for side in d.sides
                ],
                "both": _outlets(b, d.both),
            }
            for d in v.disputes
        ],
        "quotes": [
            {
                "speaker": one_line(q.speaker),
                "role": one_line(q.role) if q.role else "",
                "text": one_line(q.text),
                "outlets": _outlets(b, q.outlets),
            }
            for q in v.quotes
        ],
        "sources": [
            _outlet(b, s.id) | {"name": one_line(s.name), "path": s.path} for s in b.sources
        ],
        "notes": [one_line(n) for n in b.notes],
    }


def subject_line(day: dt.date, briefings: Sequence[Briefing]) -> str:
    top = story_title(briefings[0]) if briefings else "no stories"
    more = f" (+{len(briefings) - 1} more)" if len(briefings) > 1 else ""
    prefix = f"Briefing for {day.isoformat()}: "
    return prefix + one_line(top, SUBJECT_MAX - len(prefix) - len(more)) + more


# --- templates -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _html_env() -> jinja2.Environment:
    # autoescape on for every template this environment loads: all variables are untrusted.
    return jinja2.Environment(
        loader=jinja2.PackageLoader("summarizer", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@lru_cache(maxsize=1)
def _text_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("summarizer", "templates"),
        autoescape=False,  # plain text: nothing is interpreted, escaping would corrupt it
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["wrap"] = _wrap
    return env


def _listed_view(story: ListedStory) -> dict[str, Any]:
    return {
        "title": one_line(_TITLE_PREFIX.sub("", story.title)) or "Untitled story",
        "outlets": story.outlets,
        "articles": story.articles,
        "continuing_since": (
            story.continuing_since.isoformat() if story.continuing_since else None
        ),
        "nothing_new": story.nothing_new,
    }


def render_bodies(
    day: dt.date,
    briefings: Sequence[Briefing],
    *,
    subject: str,
    continuing: Sequence[dt.date | None] = (),
    listed: Sequence[ListedStory] = (),
    unlisted: int = 0,
) -> tuple[str, str]:
    """The plain-text and HTML bodies for the given stories, in that order.

    ``continuing[k]`` is the day briefing k's story was first briefed (None for a new story);
    ``listed`` stories get one line each, and ``unlisted`` more are only counted.
    """
    since = list(continuing) + [None] * (len(briefings) - len(continuing))
    context = {
        "day": day.isoformat(),
        "subject": subject,
        "stories": [_story_view(b, d) for b, d in zip(briefings, since, strict=True)],
        "listed": [_listed_view(s) for s in listed],
        "unlisted": unlisted,
        "summary_line": (
            f"{plural(len(briefings), 'story', 'stories')} from "
            f"{plural(sum(len(b.sources) for b in briefings), 'article')} by "
            f"{plural(len({s.name for b in briefings for s in b.sources}), 'outlet')}"
        ),
        "engine": briefings[0].engine if briefings else "",
        "version": __version__,
    }
    text = _text_env().get_template("email.txt.j2").render(context)
    html = _html_env().get_template("email.html.j2").render(context)
    return text, html


# --- message ---------------------------------------------------------------------------------


def _domain(sender: str) -> str:
    address = parseaddr(sender)[1]
    return address.rpartition("@")[2] or "localhost"


def new_message_id(sender: str) -> str:
    """A fresh, globally unique Message-ID in the sender's domain."""
    return make_msgid(idstring="summarizer", domain=_domain(sender))


def render_email(
    briefings: Sequence[Briefing],
    *,
    day: dt.date,
    sender: str,
    recipients: Sequence[str],
    message_id: str | None = None,
    continuing: Sequence[dt.date | None] = (),
    listed: Sequence[ListedStory] = (),
    unlisted: int = 0,
) -> RenderedEmail:
    """Render the whole message into memory and check it parses back; raise DeliveryError if not.

    ``message_id`` is the one the nightly state fixed for the date (a new one if not given);
    ``continuing``, ``listed`` and ``unlisted`` are as in ``render_bodies``.
    """
    if not briefings or not any(b.points for b in briefings):
        raise DeliveryError("refusing to render an empty briefing")
    subject = subject_line(day, briefings)
    try:
        text, html = render_bodies(
            day,
            briefings,
            subject=subject,
            continuing=continuing,
            listed=listed,
            unlisted=unlisted,
        )
        msg = EmailMessage(policy=email.policy.SMTP)
        msg["Subject"] = subject
        msg["From"] = sender
        msg["To"] = ", ".join(recipients)
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = message_id or new_message_id(sender)
        msg["Auto-Submitted"] = "auto-generated"
        msg["X-Mailer"] = f"summarizer {__version__}"
        msg.set_content(text, subtype="plain", charset="utf-8")
        msg.add_alternative(html, subtype="html", charset="utf-8")
        raw = msg.as_bytes()
    except (jinja2.TemplateError, ValueError, TypeError, LookupError) as exc:
        raise DeliveryError(f"could not render the email: {exc}") from exc
    parsed = check_message(raw)
    return RenderedEmail(
        raw=raw, message_id=str(parsed["Message-ID"]), subject=subject, text=text, html=html
    )


def check_message(raw: bytes) -> EmailMessage:
    """Parse ``raw`` back with the stdlib and insist on a complete two-part message."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(msg, EmailMessage):  # pragma: no cover - policy.default guarantees it
        raise DeliveryError("rendered email did not parse as a message")
    problems = [h for h in ("Subject", "From", "To", "Date", "Message-ID") if not msg[h]]
    if msg.get_content_type() != "multipart/alternative":
        problems.append(f"content type is {msg.get_content_type()}, not multipart/alternative")
    parts = {part.get_content_type(): part for part in msg.iter_parts()}
    for kind in ("text/plain", "text/html"):
        part = parts.get(kind)
        if part is None or not str(part.get_content()).strip():
            problems.append(f"no {kind} part")
    if problems:
        raise DeliveryError(f"rendered email is incomplete: {', '.join(problems)}")
    return msg


def address_list(text: str) -> list[str]:
    """The addresses in "a@x, Name <b@y>"; raise ValueError for anything that is not one."""
    if _CONTROL.search(text):
        raise ValueError(f"not an email address: {text!r}")
    pairs = [(name, addr) for name, addr in getaddresses([text]) if name or addr]
    # getaddresses drops what it cannot parse ("a@"); every "@" must belong to a parsed address.
    if text.count("@") != sum(name.count("@") + addr.count("@") for name, addr in pairs):
        raise ValueError(f"not a list of email addresses: {text!r}")
    out: list[str] = []
    for name, addr in pairs:
        local, at, domain = addr.rpartition("@")
        if not at or not local or not domain or any(ch.isspace() for ch in addr):
            raise ValueError(f"not an email address: {addr or name!r}")
        try:
            out.append(str(Address(display_name=name, username=local, domain=domain)))
        except (ValueError, IndexError) as exc:
            raise ValueError(f"not an email address: {addr!r}") from exc
    return out


def check_address(text: str) -> str:
    """The one well-formed address (optionally with a display name) in ``text``."""
    found = address_list(text)
    if len(found) != 1:
        raise ValueError(f"expected one email address, got {text!r}")
    return found[0]
