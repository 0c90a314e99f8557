"""Renderers: the prepared corpus and the briefing as JSON, Markdown and plain text.

Renderers only format; they never turn model output into links or images.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from summarizer.types import Briefing, Corpus, to_jsonable


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
    for s in corpus.sources:
        chunks = [c for c in corpus.chunks if c.source == s.id]
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


# --- briefing ----------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#!|~])")


def md_escape(text: str) -> str:
    """Escape Markdown so untrusted text can never become a link, image, HTML or emphasis."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def briefing_json(briefing: Briefing) -> str:
    return json.dumps(to_jsonable(briefing), ensure_ascii=False, indent=2)


def _outlets(briefing: Briefing, citations: tuple[str, ...]) -> str:
    return ", ".join(briefing.source_name(c) for c in citations)


def briefing_markdown(briefing: Briefing) -> str:
    b = briefing
    model = f" · model {md_escape(b.model)}" if b.model else ""
    lines = [
        f"# {md_escape(b.title)}",
        "",
        f"*{len(b.sources)} sources · {b.generated_at} · engine {b.engine}{model} · "
        f"prompt {b.prompt_version}*",
        "",
        "## Key points",
        "",
    ]
    if not b.points:
        lines.append("*No point could be verified against the sources.*")
    for n, point in enumerate(b.points, start=1):
        lines.append(
            f"{n}. {md_escape(point.text)} — **{md_escape(_outlets(b, point.citations))}**"
        )
        for ev in point.evidence:
            lines.append(f"   > “{md_escape(ev.quote)}” — {md_escape(b.source_name(ev.source))}")
        lines.append("")
    if b.disagreements:
        lines += ["## Where the sources disagree", ""]
        for d in b.disagreements:
            lines.append(f"- {md_escape(d.summary)}")
            for pos in d.positions:
                lines.append(
                    f"  - “{md_escape(pos.text)}” — **{md_escape(_outlets(b, pos.citations))}**"
                )
        lines.append("")
    lines += ["## Sources", ""]
    lines += [f"- **{md_escape(s.name)}** (`{s.id}`): {md_escape(s.path)}" for s in b.sources]
    if b.notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {md_escape(note)}" for note in b.notes]
    lines += ["", _usage_line(b)]
    return "\n".join(lines) + "\n"


def briefing_text(briefing: Briefing) -> str:
    b = briefing
    lines = [b.title, "=" * min(len(b.title), 78), ""]
    for n, point in enumerate(b.points, start=1):
        lines.append(f"{n}. {' '.join(point.text.split())} [{_outlets(b, point.citations)}]")
        for ev in point.evidence:
            lines.append(f'     "{" ".join(ev.quote.split())}" ({b.source_name(ev.source)})')
    if b.disagreements:
        lines += ["", "Where the sources disagree:"]
        for d in b.disagreements:
            lines.append(f"- {d.summary}")
            for pos in d.positions:
                lines.append(f'    * "{pos.text}" [{_outlets(b, pos.citations)}]')
    lines += ["", "Sources: " + "; ".join(f"{s.name} ({s.path})" for s in b.sources)]
    lines += [f"Note: {note}" for note in b.notes]
    lines.append(_usage_line(b))
    return "\n".join(lines) + "\n"


def _usage_line(b: Briefing) -> str:
    u = b.usage
    return (
        f"_{u.llm_calls} model calls ({u.cached_calls} cached), {u.prompt_tokens} prompt + "
        f"{u.completion_tokens} completion tokens, {u.seconds:.1f} s_"
    )


def render_briefing(briefing: Briefing, fmt: str) -> str:
    if fmt == "json":
        return briefing_json(briefing) + "\n"
    if fmt == "text":
        return briefing_text(briefing)
    return briefing_markdown(briefing)
