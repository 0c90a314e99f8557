"""Verify claims and points against the sentences they cite, using the offline fact checker.

A claim the cited sentences do not support is re-cited to the sentence of the same source that
does support it, or replaced by its best evidence sentence, quoted verbatim. Nothing unverified
is presented as fact.
"""

from __future__ import annotations

from dataclasses import replace

from summarizer.checker import Checker, ClaimResult
from summarizer.types import Claim, Corpus, Evidence, Point


class Verifier:
    """Checks text against a corpus; one instance per briefing (the index is built once)."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._sentences = {s.id: s.sentences for s in corpus.sources}
        self._checker = Checker(self._sentences)

    def check(self, text: str, source: str) -> ClaimResult:
        """Best support for ``text`` anywhere in one source."""
        return self._checker.check(text, restrict_to={source})

    def supported_by(self, text: str, source: str, index: int) -> bool:
        """Whether sentence ``index`` of ``source`` (with its neighbour) supports ``text``."""
        sentence = self._sentences[source][index]
        if _same(text, sentence):
            return True
        result = self.check(text, source)
        return result.verdict == "supported" and self.sentence_index(source, result) == index

    def sentence_index(self, source: str, result: ClaimResult) -> int | None:
        """The index of the source sentence that best carries the checker's evidence window."""
        sentences = self._sentences[source]
        if not result.evidence:
            return None
        inside = [i for i, s in enumerate(sentences) if s and s in result.evidence]
        if not inside:
            return None
        claim_words = set(result.text.lower().split())
        return max(inside, key=lambda i: len(claim_words & set(sentences[i].lower().split())))

    def verify_claim(self, claim: Claim) -> Claim:
        """Return the claim verified, re-cited, or replaced by its best evidence sentence."""
        sentences = self._sentences[claim.source]
        cited = [i for i in claim.sentences if 0 <= i < len(sentences)]
        for i in cited:
            if _same(claim.text, sentences[i]):
                return replace(claim, sentences=(i,))
        result = self.check(claim.text, claim.source)
        best = self.sentence_index(claim.source, result)
        if result.verdict == "supported" and best is not None:
            return replace(claim, sentences=(best,))
        # Unsupported: fall back to the evidence, quoted verbatim.
        fallback = cited[0] if cited else best
        if fallback is None:
            fallback = 0
        return replace(claim, text=sentences[fallback], sentences=(fallback,), method="quoted")

    def corroborate(self, point: Point, sources: list[str]) -> Point:
        """Add every other source whose own sentence supports the point's text."""
        citations = list(point.citations)
        evidence = list(point.evidence)
        for source in sources:
            if source in citations:
                continue
            result = self.check(point.text, source)
            index = self.sentence_index(source, result)
            if result.verdict == "supported" and index is not None:
                citations.append(source)
                evidence.append(Evidence(source=source, quote=self._sentences[source][index]))
        return replace(point, citations=tuple(citations), evidence=tuple(evidence))

    def verify_point(self, point: Point) -> Point | None:
        """Keep only citations whose evidence supports the text; None if none is left."""
        kept = [
            ev
            for ev in point.evidence
            if _same(point.text, ev.quote) or self._supports(point.text, ev)
        ]
        if not kept:
            return None
        return replace(
            point,
            citations=tuple(dict.fromkeys(ev.source for ev in kept)),
            evidence=tuple(kept),
            verified=True,
        )

    def _supports(self, text: str, evidence: Evidence) -> bool:
        result = self.check(text, evidence.source)
        return result.verdict == "supported" and evidence.quote in result.evidence


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).strip(" .") == " ".join(b.split()).strip(" .")
