"""Renderers: the prepared corpus and the briefing as JSON, Markdown and plain text.

Renderers only format; they never turn model output into links or images. JSON keeps every
piece of evidence; the reader-facing formats (and the email, through ``briefing_view``) show a
quote only where it adds something: other words than the point's, or another outlet.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from summarizer.salience import content_words
from summarizer.timeline import day_label, span_label
from summarizer.types import Briefing, Chunk, Claimant, Corpus, Evidence, Point, to_jsonable


def corpus_json(corpus: Corpus) -> str:
    data = {
        "sources": [
            {
                "id": s.id,
                "name": s.name,
                "path": s.path,
                "title": s.title,
                "published": s.published,
                "url": s.url,
                "text": s.text,
                "removed": to_jsonable(s.removed),
                "sentences": list(s.sentences),
            }
            for s in corpus.sources
        ],
        "chunks": to_jsonable(corpus.chunks),
        "duplicates": [
            {"members": [{"source": m.source, "text": m.text} for m in g.members]}
            for g in corpus.duplicates
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def corpus_text(corpus: Corpus) -> str:
    lines: list[str] = []
    # Each source's chunks, found in one pass (not one per source: a day's 50,000 articles).
    chunks_of: dict[str, list[Chunk]] = defaultdict(list)
    for chunk in corpus.chunks:
        chunks_of[chunk.source].append(chunk)
    for s in corpus.sources:
        chunks = chunks_of.get(s.id, [])
        lines.append(f"{s.name} [{s.id}]  {s.path}")
        meta = ", ".join(
            f"{k}: {v}" for k, v in (("title", s.title), ("published", s.published)) if v
        )
        if meta:
            lines.append(f"  {meta}")
        lines.append(
            f"  {len(s.sentences)} sentences, {len(chunks)} chunks, "
            f"{sum(c.tokens for c in chunks)} tokens, {len(s.removed)} removals"
        )
        for reason, n in sorted(Counter(r.reason for r in s.removed).items()):
            lines.append(f"    removed {n} x {reason}")
        for r in s.removed:
            lines.append(f"      - [{r.reason}] {_clip(r.text)}")
        lines.append("")
    lines.append(f"{len(corpus.duplicates)} duplicate groups")
    for g in corpus.duplicates:
        lines.append(f"  carried by {', '.join(g.sources)}: {_clip(g.members[0].text)}")
    return "\n".join(lines) + "\n"


def _clip(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- briefing: what a reader sees -----------------------------------------------------------

# Only what Markdown would act on: emphasis and code marks, link and image brackets, raw HTML,
# entities, and text that GFM would turn into a link by itself (URLs, www., e-mail addresses).
_MD_SPECIAL = re.compile(
    r"[\\`*\[\]<>]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|~(?=~)|&(?=#?\w+;)|!(?=\[)"
    r"|(?<=\])\(|:(?=//)|(?<=\bwww)\.|@(?=\w)"
)


def md_escape(text: str) -> str:
    """Escape what Markdown would act on, so untrusted text can never become a link, image,
    HTML or emphasis; everything else (parentheses, underscores inside words) stays as is."""
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), " ".join(text.split()))


def briefing_json(briefing: Briefing) -> str:
    return json.dumps(to_jsonable(briefing), ensure_ascii=False, indent=2)


def plural(n: int, word: str, many: str | None = None) -> str:
    """1 article, 2 articles, 1 story, 3 stories."""
    return f"{n} {word if n == 1 else many or word + 's'}"


def names_list(names: Sequence[str]) -> str:
    """A; A and B; A, B and C."""
    names = list(dict.fromkeys(names))
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass(frozen=True)
class QuoteView:
    text: str
    outlet: str  # source id


@dataclass(frozen=True)
class PointView:
    number: int
    text: str
    outlets: tuple[str, ...]  # source ids
    date: str | None
    quotes: tuple[QuoteView, ...]


@dataclass(frozen=True)
class DayView:
    label: str  # "Wed 16 Feb 2022", or "Date not given"
    points: tuple[PointView, ...]


@dataclass(frozen=True)
class ClaimantView:
    name: str
    outlets: tuple[str, ...]


@dataclass(frozen=True)
class SideView:
    stance: str  # "A withdrawal or reduction"
    claimants: tuple[ClaimantView, ...]


@dataclass(frozen=True)
class DisputeView:
    subject: str
    summary: str
    sides: tuple[SideView, ...]
    both: tuple[str, ...]  # outlets that reported both sides


@dataclass(frozen=True)
class SpeakerView:
    speaker: str
    role: str | None
    text: str
    outlets: tuple[str, ...]
    date: str | None


@dataclass(frozen=True)
class BriefingView:
    """The briefing as a reader sees it, shared by Markdown, plain text and the email."""

    title: str
    header: str
    lede: tuple[tuple[str, tuple[str, ...]], ...]  # (sentence, outlets)
    days: tuple[DayView, ...]
    disputes: tuple[DisputeView, ...]
    quotes: tuple[SpeakerView, ...]


UNDATED = "Date not given"


def _same_words(text: str, quote: str) -> bool:
    """``text`` says nothing ``quote`` does not: every content word of it is in the quote."""
    return set(content_words(text)) <= set(content_words(quote))


def _about_the_same(text: str, quote: str) -> bool:
    """At least half of the point's content words are in the quote."""
    words = set(content_words(text))
    return bool(words) and len(words & set(content_words(quote))) * 2 >= len(words)


def quotes_to_show(point: Point, shown: set[str]) -> list[Evidence]:
    """The evidence worth printing under a point: the lead sentence when the point puts it in
    other words, and one sentence from another outlet; nothing the reader has already seen."""
    out: list[Evidence] = []
    lead = point.evidence[0] if point.evidence else None
    if lead is not None and not _same_words(point.text, lead.quote) and lead.quote not in shown:
        out.append(lead)
    first = point.citations[0] if point.citations else None
    for ev in point.evidence:
        if ev.source == first or ev.quote in shown or any(o.quote == ev.quote for o in out):
            continue
        if _same_words(point.text, ev.quote) and _same_words(ev.quote, point.text):
            continue  # the point in the same words: the citation already names the outlet
        if not _about_the_same(point.text, ev.quote):
            continue  # backs the point in few of its words: the citation is enough
        out.append(ev)
        break
    shown.update(ev.quote for ev in out)
    return out


def briefing_view(briefing: Briefing) -> BriefingView:
    b = briefing
    shown: set[str] = set()  # quotes already printed
    lede = tuple((p.text, p.citations) for p in (b.lede.sentences if b.lede else ()))
    listed = [p for p in b.points if not (b.lede and b.lede.covers(p))]
    days: list[DayView] = []
    for n, point in enumerate(listed, start=1):
        label = day_label(point.date) if point.date else UNDATED
        view = PointView(
            number=n,
            text=" ".join(point.text.split()),
            outlets=point.citations,
            date=point.date,
            quotes=tuple(
                QuoteView(" ".join(ev.quote.split()), ev.source)
                for ev in quotes_to_show(point, shown)
            ),
        )
        if days and days[-1].label == label:
            days[-1] = DayView(label, (*days[-1].points, view))
        else:
            days.append(DayView(label, (view,)))
    # A conflict lists who claims what and who reported it; the statements themselves are in
    # the lede and points, and every sentence is in the JSON.
    disputes = []
    for d in b.disagreements:
        sides = []
        for pos in d.positions:
            claimants = _claimant_views(b, pos.claimants) or (
                ClaimantView(names_list([b.citation_name(c) for c in pos.citations]), ()),
            )
            stance = pos.stance or pos.text  # an account without a stance label is its own text
            sides.append(
                SideView(
                    stance=stance[:1].upper() + stance[1:],
                    claimants=claimants,
                )
            )
        disputes.append(
            DisputeView(
                subject=(d.subject or d.summary)[:1].upper() + (d.subject or d.summary)[1:],
                summary=" ".join(d.summary.split()),
                sides=tuple(sides),
                both=d.reported_both,
            )
        )
    quotes = tuple(
        SpeakerView(q.speaker, _short_role(q.role), " ".join(q.text.split()), q.citations, q.date)
        for q in b.quotes
    )
    return BriefingView(
        title=" ".join(b.title.split()),
        header=_header(b),
        lede=lede,
        days=tuple(days),
        disputes=tuple(disputes),
        quotes=quotes,
    )


MAX_CLAIMANTS = 4  # per side; the rest are counted


MAX_ROLE_WORDS = 6


def _short_role(role: str | None) -> str | None:
    """A role as a reader needs it: "a senior associate fellow at the Royal United Services
    Institute" -> "a senior associate fellow" (JSON keeps the whole)."""
    if not role or len(role.split()) <= MAX_ROLE_WORDS:
        return role
    head = re.split(r"\s+(?:at|of|for|with|in)\s+", role, maxsplit=1)[0]
    return head if len(head.split()) <= MAX_ROLE_WORDS else " ".join(role.split()[:MAX_ROLE_WORDS])


def _claimant_views(b: Briefing, claimants: Sequence[Claimant]) -> tuple[ClaimantView, ...]:
    views = [
        ClaimantView(f"reporting by {b.citation_name(c.citations[0])}", ())
        if c.own and len(c.citations) == 1
        else ClaimantView(c.name, c.citations)
        for c in claimants
    ]
    if len(views) > MAX_CLAIMANTS:
        rest = claimants[MAX_CLAIMANTS - 1 :]
        views = [*views[: MAX_CLAIMANTS - 1], ClaimantView(plural(len(rest), "other"), ())]
    return tuple(views)


def cited(text: str, outlets: str) -> str:
    """The sentence with its outlets before its full stop: "Russia withdrew troops (AP)."."""
    body = text.rstrip()
    end = body[-1] if body and body[-1] in ".!?" else "."
    return f"{body.rstrip('.!?')} ({outlets}){end}"


def _header(b: Briefing) -> str:
    outlets = len({s.name for s in b.sources})
    parts = [f"{plural(len(b.sources), 'article')} from {plural(outlets, 'outlet')}"]
    published = [s.published for s in b.sources if s.published]
    dated = [p.date for p in (*b.points, *(b.lede.sentences if b.lede else ())) if p.date]
    span = span_label([*published, *dated])
    if span:
        parts.append(span)
    engine = f"{b.engine} engine" + (f" ({b.model})" if b.model else "")
    parts += [engine, "generated " + b.generated_at.replace("T", " ").replace("+00:00", " UTC")]
    return " · ".join(parts)


def _outlets(briefing: Briefing, ids: Iterable[str]) -> str:
    return ", ".join(briefing.citation_name(c) for c in dict.fromkeys(ids))


def _said_by(view: SpeakerView) -> str:
    return view.speaker + (f", {view.role}" if view.role else "")


def briefing_markdown(briefing: Briefing) -> str:
    b, v = briefing, briefing_view(briefing)

    def who(ids: Iterable[str]) -> str:
        return md_escape(_outlets(b, ids))

    lines = [f"# {md_escape(v.title)}", "", f"*{md_escape(v.header)}*", ""]
    if v.lede:
        lines += [" ".join(md_escape(cited(text, _outlets(b, ids))) for text, ids in v.lede), ""]
    if v.days:
        lines += ["## Key points", ""]
    elif not v.lede:
        lines += ["*No point could be verified against the sources.*", ""]
    for day in v.days:
        if len(v.days) > 1 or day.label != UNDATED:
            lines += [f"**{md_escape(day.label)}**", ""]
        for p in day.points:
            lines.append(f"{p.number}. {md_escape(p.text)} — *{who(p.outlets)}*")
            for q in p.quotes:
                lines.append(f"   > {md_escape(q.text)} — {who([q.outlet])}")
        lines.append("")
    if v.disputes:
        lines += ["## Where accounts conflict", ""]
        for d in v.disputes:
            lines += [f"**{md_escape(d.subject)}**", ""]
            for side in d.sides:
                claimants = "; ".join(
                    md_escape(c.name) + (f" ({who(c.outlets)})" if c.outlets else "")
                    for c in side.claimants
                )
                lines.append(f"- *{md_escape(side.stance)}*, according to {claimants}")
            if d.both:
                lines += ["", f"*{who(d.both)} reported both sides.*"]
            lines.append("")
    if v.quotes:
        lines += ["## Who said what", ""]
        for said in v.quotes:
            role = md_escape(", " + said.role) if said.role else ""
            lines.append(
                f"- **{md_escape(said.speaker)}**{role} ({who(said.outlets)}): "
                f"“{md_escape(said.text)}”"
            )
        lines.append("")
    lines += ["## Sources", ""]
    lines += [f"- **{md_escape(s.name)}**: {md_escape(s.path)}" for s in b.sources]
    if b.notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {md_escape(note)}" for note in b.notes]
    lines += ["", f"*{md_escape(_usage_line(b))}*"]
    return "\n".join(lines) + "\n"


def fill(text: str, width: int = 78, indent: str = "", first: str | None = None) -> str:
    """One paragraph, wrapped at ``width`` without breaking words or hyphenated names."""
    return textwrap.fill(
        " ".join(text.split()),
        width=width,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def briefing_text(briefing: Briefing) -> str:
    """Plain text: no Markdown at all, wrapped for a terminal."""
    b, v = briefing, briefing_view(briefing)
    lines = [fill(v.title), fill(v.header), ""]
    lines += body_text(b, v)
    lines += ["", "Sources:"]
    lines += [fill(f"{s.name}: {s.path}", indent="    ", first="  - ") for s in b.sources]
    lines += [fill(f"Note: {note}") for note in b.notes]
    lines.append(fill(_usage_line(b)))
    return "\n".join(lines) + "\n"


QUOTE = "      » "  # a quoted sentence in plain text (no Markdown "> ")


def body_text(b: Briefing, v: BriefingView, width: int = 78) -> list[str]:
    """The reader's part of the plain-text briefing: lede, points, conflicts, quotes, as
    lines of at most ``width`` characters."""

    def wrap(text: str, indent: str = "", first: str | None = None) -> str:
        return fill(text, width=width, indent=indent, first=first)

    lines: list[str] = []
    if v.lede:
        lines += [wrap(" ".join(cited(text, _outlets(b, ids)) for text, ids in v.lede)), ""]
    if v.days:
        lines += ["Key points", ""]
    for day in v.days:
        if len(v.days) > 1 or day.label != UNDATED:
            lines.append(day.label)
        for p in day.points:
            first = f"{p.number}. ".ljust(4)
            lines.append(wrap(f"{p.text} [{_outlets(b, p.outlets)}]", indent="    ", first=first))
            for q in p.quotes:
                lines.append(
                    wrap(f"{q.text} ({_outlets(b, [q.outlet])})", indent="        ", first=QUOTE)
                )
        lines.append("")
    if v.disputes:
        lines += ["Where accounts conflict", ""]
        for d in v.disputes:
            lines.append(d.subject)
            for side in d.sides:
                claimants = "; ".join(
                    c.name + (f" ({_outlets(b, c.outlets)})" if c.outlets else "")
                    for c in side.claimants
                )
                lines.append(
                    wrap(f"{side.stance}, according to {claimants}", indent="    ", first="  - ")
                )
            if d.both:
                lines.append(wrap(f"{_outlets(b, d.both)} reported both sides.", indent="    "))
            lines.append("")
    if v.quotes:
        lines += ["Who said what", ""]
        for said in v.quotes:
            lines.append(
                wrap(
                    f"{_said_by(said)} ({_outlets(b, said.outlets)}): “{said.text}”",
                    indent="    ",
                    first="  - ",
                )
            )
        lines.append("")
    return lines


def briefing_words(briefing: Briefing) -> int:
    """Words a reader reads: the plain-text lede, points, shown quotes, conflicts and quotes
    (not the header, the source list or the notes). The denominator of ``fact_density``."""
    return sum(len(line.split()) for line in body_text(briefing, briefing_view(briefing)))


def _usage_line(b: Briefing) -> str:
    u = b.usage
    if not u.llm_calls:
        return f"No model calls, {u.seconds:.1f} s"
    return (
        f"{plural(u.llm_calls, 'model call')} ({u.cached_calls} cached), {u.prompt_tokens} prompt "
        f"+ {u.completion_tokens} completion tokens, {u.seconds:.1f} s"
    )


def render_briefing(briefing: Briefing, fmt: str) -> str:
    if fmt == "json":
        return briefing_json(briefing) + "\n"
    if fmt == "text":
        return briefing_text(briefing)
    return briefing_markdown(briefing)
