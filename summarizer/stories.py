"""Stories that persist across days: what each briefed story was, and what was already sent.

``STATE/stories.sqlite3`` keeps, per story and per day it was sent: its signature (the heaviest
words of its mean TF-IDF vector), the points sent, and fingerprints of its articles. The next
night a story whose signature links to a known one at the clustering threshold continues it: the
email marks it with the day it was first briefed and shows only what is new. A day's rows are
written when its email is journalled and count once it was delivered (``confirm``); they replace
any earlier rows of that day (``--force``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from scipy import sparse

from summarizer.cluster import DEFAULT_THRESHOLD, Signature
from summarizer.types import Point, Source

STORIES_FILE = "stories.sqlite3"
# A known story not seen for this many days is not continued (a new event with old words).
MEMORY_DAYS = 14


@dataclass(frozen=True)
class KnownStory:
    """A story as of the last day before the one being composed."""

    id: int
    first_day: dt.date
    last_day: dt.date
    signature: Signature
    sent: frozenset[str]  # normalised texts of every point sent so far
    articles: frozenset[str]  # fingerprints of every article seen so far


@dataclass(frozen=True)
class SentStory:
    """What one night sent (or listed) for one story; ``id`` None for a new story."""

    id: int | None
    first_day: dt.date
    title: str
    signature: Signature
    points: tuple[str, ...]
    articles: tuple[str, ...]


def point_key(text: str) -> str:
    """A point's text as remembered: case, spacing and edge punctuation do not matter."""
    return " ".join(text.lower().split()).strip(" .\"'“”")


def fingerprint(source: Source) -> str:
    """An article's identity across nights: its cleaned text, wherever the file lives."""
    return hashlib.sha256(" ".join(source.text.split()).encode()).hexdigest()[:24]


def new_points(points: Sequence[Point], known: KnownStory | None) -> tuple[Point, ...]:
    """The points not sent before (by text, or by the sentence they quote)."""
    if known is None:
        return tuple(points)
    return tuple(
        p
        for p in points
        if point_key(p.text) not in known.sent
        and not any(point_key(e.quote) in known.sent for e in p.evidence)
    )


def match_stories(
    signatures: Sequence[Signature],
    known: Sequence[KnownStory],
    threshold: float = DEFAULT_THRESHOLD,
) -> list[KnownStory | None]:
    """The known story each of today's stories continues, if any; each is continued once.

    Pairs are taken best link first, so two stories of today never continue the same story.
    All links come from one sparse product (a day's thousands of stories against every
    remembered one, without a Python loop over the pairs).
    """
    if not signatures or not known:
        return [None] * len(signatures)
    column: dict[str, int] = {}
    for signature in [*signatures, *(k.signature for k in known)]:
        for word in signature:
            column.setdefault(word, len(column))
    today = _matrix(signatures, column)
    before = _matrix([k.signature for k in known], column)
    links = (today @ before.T).tocoo()
    strong = links.data >= threshold
    pairs = sorted(
        zip((-links.data[strong]).tolist(), links.row[strong].tolist(), links.col[strong].tolist(),
            strict=True)
    )  # fmt: skip
    out: list[KnownStory | None] = [None] * len(signatures)
    used: set[int] = set()
    for negative, i, k in pairs:
        if -negative < threshold:
            break
        if out[i] is None and k not in used:
            out[i] = known[k]
            used.add(k)
    return out


def _matrix(signatures: Sequence[Signature], column: dict[str, int]) -> sparse.csr_matrix:
    rows, cols, data = [], [], []
    for i, signature in enumerate(signatures):
        for word, weight in signature.items():
            rows.append(i)
            cols.append(column[word])
            data.append(weight)
    shape = (len(signatures), max(len(column), 1))
    return sparse.csr_matrix((data, (rows, cols)), shape=shape)


class StoryMemory:
    """The stories file of a state folder; use as a context manager."""

    def __init__(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(state_dir / STORIES_FILE)
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS stories (
                id INTEGER PRIMARY KEY, first_day TEXT NOT NULL, title TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS story_days (
                story_id INTEGER NOT NULL REFERENCES stories(id), day TEXT NOT NULL,
                signature TEXT NOT NULL, points TEXT NOT NULL, articles TEXT NOT NULL,
                sent INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (story_id, day));
            """
        )

    def __enter__(self) -> StoryMemory:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._db.close()

    def known_before(self, day: dt.date) -> list[KnownStory]:
        """Stories sent on the ``MEMORY_DAYS`` days before ``day`` (never ``day`` itself)."""
        since = (day - dt.timedelta(days=MEMORY_DAYS)).isoformat()
        rows = self._db.execute(
            "SELECT s.id, s.first_day, d.day, d.signature, d.points, d.articles"
            " FROM stories s JOIN story_days d ON d.story_id = s.id"
            " WHERE d.sent = 1 AND d.day < ? AND d.day >= ? AND s.first_day < ?"
            " ORDER BY s.id, d.day",
            (day.isoformat(), since, day.isoformat()),
        ).fetchall()
        grouped: dict[int, list[tuple[str, str, str, str, str]]] = {}
        for story_id, first, on, signature, points, articles in rows:
            grouped.setdefault(story_id, []).append((first, on, signature, points, articles))
        known = []
        for story_id, days in grouped.items():
            first, last, signature = days[0][0], days[-1][1], days[-1][2]
            known.append(
                KnownStory(
                    id=story_id,
                    first_day=dt.date.fromisoformat(first),
                    last_day=dt.date.fromisoformat(last),
                    signature=json.loads(signature),
                    sent=frozenset(p for d in days for p in json.loads(d[3])),
                    articles=frozenset(a for d in days for a in json.loads(d[4])),
                )
            )
        return known

    def record(self, day: dt.date, stories: Iterable[SentStory]) -> None:
        """Remember what ``day`` is sending; replaces whatever an earlier run recorded for
        ``day``. The rows count for later days only once ``confirm`` says it was delivered."""
        iso = day.isoformat()
        with self._db:
            self._db.execute("DELETE FROM story_days WHERE day = ?", (iso,))
            self._db.execute(
                "DELETE FROM stories WHERE first_day >= ? AND id NOT IN"
                " (SELECT story_id FROM story_days)",
                (iso,),
            )
            for story in stories:
                story_id = story.id
                if story_id is None:
                    cursor = self._db.execute(
                        "INSERT INTO stories (first_day, title) VALUES (?, ?)",
                        (story.first_day.isoformat(), story.title),
                    )
                    story_id = cursor.lastrowid
                self._db.execute(
                    "INSERT INTO story_days (story_id, day, signature, points, articles)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (
                        story_id,
                        iso,
                        json.dumps(story.signature, sort_keys=True),
                        json.dumps(sorted(point_key(p) for p in story.points)),
                        json.dumps(sorted(story.articles)),
                    ),
                )

    def confirm(self, day: dt.date) -> None:
        """``day``'s briefing was delivered: its stories are what later days continue."""
        with self._db:
            self._db.execute("UPDATE story_days SET sent = 1 WHERE day = ?", (day.isoformat(),))
