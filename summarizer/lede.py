"""The lede: two or three sentences at the top saying what happened.

Built from the most corroborated verified points. The extractive lede is those points' own
(shortened) sentences. A model-written lede is verified sentence by sentence against the
evidence of the points it was written from, like every point; if any sentence fails, the
extractive lede is used instead.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from summarizer.llm import ChatModel
from summarizer.segment import split_sentences
from summarizer.summarise import write_lede
from summarizer.types import Disagreement, Evidence, Lede, Point
from summarizer.verify import Verifier

log = logging.getLogger("summarizer.lede")

MAX_SENTENCES = 3
MAX_WORDS = 60  # the whole lede


def pick_lede(points: Sequence[Point], disagreements: Sequence[Disagreement] = ()) -> list[Point]:
    """The points the lede is built from, in rank order (``points`` come best first).

    Three when the briefing has six points or more, two from three, and no lede for one or two
    points (they say it all). The most corroborated points are taken first, then the highest
    ranked. A point stating one side of a disagreement counts every outlet that reported that
    side (the claim is what they corroborate); each side offers the lede one point, its latest.
    """
    sides: dict[Evidence, tuple[int, int, int]] = {}
    for d, disagreement in enumerate(disagreements):
        for s, position in enumerate(disagreement.positions):
            for claimant in position.claimants:
                for ev in claimant.evidence:
                    sides.setdefault(ev, (d, s, len(position.citations)))

    def side(point: Point) -> tuple[int, int, int] | None:
        return next((sides[ev] for ev in point.evidence if ev in sides), None)

    def support(point: Point) -> int:
        found = side(point)
        return max(len(point.citations), found[2] if found else 0)

    def recency(point: Point) -> int:
        return dt.date.fromisoformat(point.date).toordinal() if point.date else 0

    # One candidate per side of a disagreement: its latest point (then the best ranked).
    best_of_side: dict[tuple[int, int], Point] = {}
    for point in sorted(points, key=lambda p: -recency(p)):
        found = side(point)
        if found:
            best_of_side.setdefault(found[:2], point)
    candidates = [p for p in points if side(p) is None or p in best_of_side.values()]
    wanted = MAX_SENTENCES if len(points) >= 6 else 2 if len(points) >= 3 else 0
    chosen: list[Point] = []
    words = 0
    for point in sorted(candidates, key=lambda p: (-support(p), points.index(p))):
        n = len(point.text.split())
        if len(chosen) >= wanted:
            break
        if chosen and words + n > MAX_WORDS:
            continue
        chosen.append(point)
        words += n
    chosen.sort(key=lambda p: points.index(p))  # back in rank order
    return chosen


def extractive_lede(points: Sequence[Point]) -> Lede | None:
    return Lede(sentences=tuple(points), method="extractive") if points else None


def model_lede(
    model: ChatModel, points: Sequence[Point], names: dict[str, str], verifier: Verifier
) -> Lede | None:
    """A lede the model writes from ``points``, each sentence verified against the evidence of
    the points it cites (unbacked sentences are dropped); None when the model fails or fewer
    than two sentences hold."""
    written = write_lede(model, points, names)
    if not written:
        return None
    allowed = {ev for p in points for ev in p.evidence}
    sentences: list[Point] = []
    for text, used in written:
        cited = [points[i] for i in used] or list(points)
        # A small model runs a true sentence and an invented one together: each stands alone.
        for part in split_sentences(text):
            point = _verified(part, cited, allowed, verifier)
            if point is None:
                log.info("lede sentence not backed by its facts, dropped: %r", part)
            elif all(point.text != s.text for s in sentences):
                sentences.append(point)
    if len(sentences) < min(2, len(points)):
        log.info("model lede: %d verified sentences, extractive lede used", len(sentences))
        return None
    return Lede(sentences=tuple(sentences[:MAX_SENTENCES]), method="llm")


def _verified(
    text: str, cited: Sequence[Point], allowed: set[Evidence], verifier: Verifier
) -> Point | None:
    evidence: list[Evidence] = []
    for source in dict.fromkeys(c for p in cited for c in p.citations):
        result = verifier.check(text, source)
        index = verifier.sentence_index(source, result)
        if not verifier.accepts(result) or index is None:
            continue
        quote = verifier.corpus.source(source).sentences[index]
        if Evidence(source, quote) in allowed:
            evidence.append(Evidence(source, quote))
    if not evidence:
        return None
    date = next((p.date for p in cited if p.date), None)
    return Point(
        text=" ".join(text.split()),
        citations=tuple(dict.fromkeys(ev.source for ev in evidence)),
        evidence=tuple(evidence),
        verified=True,
        method="llm",
        date=date,
    )
