"""Typed, frozen data passed between pipeline stages.

An article travels: RawDocument -> (clean) Cleaned -> Source -> Chunk / DuplicateGroup -> Corpus,
then Claim -> Point / Lede / Quote / Disagreement -> Briefing.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# --- prepare ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metadata:
    """What a file or record says about itself, before cleaning."""

    source: str | None = None  # outlet, if the record names it
    title: str | None = None
    url: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class RawDocument:
    """One article as read from disk or stdin: decoded text plus any metadata."""

    path: str  # file path, or "path#N" for the N-th record of a JSONL file, "-" for stdin;
    # printable (control characters and undecodable bytes escaped), so it is safe to show
    text: str
    meta: Metadata = field(default_factory=Metadata)
    mtime: float | None = field(default=None, compare=False)  # the file's, when read from one
    record: bool = field(default=False, compare=False)  # one record of a JSON list or JSONL file


@dataclass(frozen=True)
class Removed:
    """A piece of text cleaning dropped, and why."""

    text: str
    reason: str


@dataclass(frozen=True)
class Cleaned:
    """Result of cleaning one document's text."""

    text: str
    removed: tuple[Removed, ...]
    published: str | None = None  # recovered from a metadata prefix like "date 2022-02-09"
    outlet: str | None = None  # recovered from a "Source:" line removed as chrome


@dataclass(frozen=True)
class Source:
    """A cleaned, attributed article."""

    id: str
    name: str
    path: str
    text: str
    sentences: tuple[str, ...]
    removed: tuple[Removed, ...] = ()
    title: str | None = None
    published: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Chunk:
    source: str
    text: str
    tokens: int


@dataclass(frozen=True)
class DuplicateMember:
    source: str
    text: str
    sentence: int  # index into that source's sentences


@dataclass(frozen=True)
class DuplicateGroup:
    members: tuple[DuplicateMember, ...]

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.source for m in self.members))


@dataclass(frozen=True)
class Corpus:
    sources: tuple[Source, ...]
    chunks: tuple[Chunk, ...]
    duplicates: tuple[DuplicateGroup, ...]

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)


# --- brief -----------------------------------------------------------------------------------

Method = Literal["llm", "extractive", "quoted"]
Engine = Literal["llm", "extractive"]


@dataclass(frozen=True)
class Claim:
    """One source's claim with the indices of the sentences it rests on."""

    source: str
    text: str
    sentences: tuple[int, ...]
    method: Method = "llm"
    salience: float = 0.0


@dataclass(frozen=True)
class Evidence:
    source: str
    quote: str  # verbatim sentence of that source's cleaned text


@dataclass(frozen=True)
class Point:
    text: str
    citations: tuple[str, ...]
    evidence: tuple[Evidence, ...]  # every supporting sentence; renderers show only what adds
    verified: bool
    method: Method
    score: float = 0.0
    date: str | None = None  # ISO date of what the point reports, when the sources give it


@dataclass(frozen=True)
class Lede:
    """Two or three sentences saying what happened, each a verified point with its citations."""

    sentences: tuple[Point, ...]
    method: Literal["llm", "extractive"]

    def covers(self, point: Point) -> bool:
        """The point backs a sentence of the lede, so a list below it need not repeat it."""
        return bool(point.evidence) and any(point.evidence[0] in s.evidence for s in self.sentences)


@dataclass(frozen=True)
class Quote:
    """A notable direct quote by a named person, as the outlets carried it."""

    speaker: str
    role: str | None
    text: str  # the words inside the quotation marks, verbatim
    citations: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    date: str | None = None


@dataclass(frozen=True)
class Claimant:
    """Who makes a claim ("the Russian Defense Ministry"), and the outlets that reported it.

    ``own`` marks an outlet's own reporting, where no one else is named as the claimant."""

    name: str
    citations: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    own: bool = False


@dataclass(frozen=True)
class Position:
    text: str
    citations: tuple[str, ...]  # every outlet that reported this side
    evidence: tuple[Evidence, ...] = ()
    claimants: tuple[Claimant, ...] = ()
    stance: str = ""  # what this side says, e.g. "a withdrawal or reduction"


@dataclass(frozen=True)
class Disagreement:
    summary: str
    positions: tuple[Position, ...]
    subject: str = ""  # what the sides disagree about, e.g. "Russia’s troop levels"
    reported_both: tuple[str, ...] = ()  # outlets that carried both sides


@dataclass(frozen=True)
class Usage:
    llm_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_calls: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class SourceRef:
    id: str
    name: str
    path: str
    url: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Briefing:
    title: str
    generated_at: str
    engine: Engine
    model: str | None
    prompt_version: str
    sources: tuple[SourceRef, ...]
    points: tuple[Point, ...]
    disagreements: tuple[Disagreement, ...]
    usage: Usage
    notes: tuple[str, ...] = ()  # e.g. "source X fell back to extractive"
    lede: Lede | None = None
    quotes: tuple[Quote, ...] = ()  # who said what

    def source_name(self, source_id: str) -> str:
        for s in self.sources:
            if s.id == source_id:
                return s.name
        return source_id

    def citation_name(self, source_id: str) -> str:
        """The short name a citation uses: "AP", or "Source 2" for an unnamed article."""
        m = re.fullmatch(r"(Source \d+) \(.+\)", self.source_name(source_id))
        return m.group(1) if m else self.source_name(source_id)


def to_jsonable(obj: Any) -> Any:
    """Dataclasses -> dicts, tuples -> lists, recursively; for JSON output."""
    if hasattr(obj, "__dataclass_fields__"):
        return {k: to_jsonable(v) for k, v in asdict(obj).items()}
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    return obj
