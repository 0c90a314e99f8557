"""Verify claims and points against the sentences they cite, using the offline fact checker.

A claim the cited sentences do not support is re-cited to the sentence of the same source that
does support it, or replaced by its best evidence sentence, quoted verbatim. Nothing unverified
is presented as fact.
"""

from __future__ import annotations

from dataclasses import replace

from summarizer.checker import Checker, ClaimResult
from summarizer.checker.features import analyse
from summarizer.segment import split_sentences
from summarizer.types import Claim, Corpus, Evidence, Point

# Other outlets checked for each point: a point many outlets carry is credited to the best
# covered ones, and the work per point stays bounded however large the story is.
MAX_CORROBORATION_CHECKS = 4


class Verifier:
    """Checks text against a corpus; one instance per briefing (the index is built once).

    Text is presented as fact when the checker calls it supported: its calibrated probability
    clears the threshold chosen under cross-validation (summarizer/checker/weights.json), the
    same gate that ``check`` and ``eval`` apply. Corroborating outlets pass the same gate.
    """

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._sentences = {s.id: s.sentences for s in corpus.sources}
        self._checker = Checker(self._sentences)

    def check(self, text: str, source: str) -> ClaimResult:
        """Best support for ``text`` anywhere in one source."""
        return self._checker.check(text, restrict_to={source})

    def accepts(self, result: ClaimResult) -> bool:
        return result.verdict == "supported"

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

    def verify_claims(self, claim: Claim) -> list[Claim]:
        """Verify each sentence of a claim on its own; keep the supported ones.

        Small models run true and invented statements together in one "claim"; the true ones
        survive, each re-cited to its own evidence. If none does, the claim's evidence is quoted.
        """
        parts = split_sentences(claim.text)
        if len(parts) <= 1:
            return [self.verify_claim(claim)]
        kept = [
            checked
            for part in parts
            if (checked := self.verify_claim(replace(claim, text=part))).method != "quoted"
        ]
        if kept:
            return kept
        # No sentence holds on its own: the whole is not checked again (a long text can
        # dilute an invention past the threshold); its evidence is quoted instead.
        return [self._quoted(claim, None)]

    def verify_claim(self, claim: Claim) -> Claim:
        """Return the claim verified, re-cited, or replaced by its best evidence sentence."""
        sentences = self._sentences[claim.source]
        cited = [i for i in claim.sentences if 0 <= i < len(sentences)]
        for i in cited:
            if _same(claim.text, sentences[i]):
                return replace(claim, sentences=(i,))
        result = self.check(claim.text, claim.source)
        best = self.sentence_index(claim.source, result)
        if self.accepts(result) and best is not None:
            return replace(claim, sentences=(best,))
        return self._quoted(claim, best)

    def _quoted(self, claim: Claim, best: int | None) -> Claim:
        """Unsupported: the claim's cited sentence (else the best evidence), quoted verbatim."""
        sentences = self._sentences[claim.source]
        cited = [i for i in claim.sentences if 0 <= i < len(sentences)]
        fallback = cited[0] if cited else best
        if fallback is None:
            fallback = 0
        return replace(claim, text=sentences[fallback], sentences=(fallback,), method="quoted")

    def corroborate(self, point: Point, sources: list[str]) -> Point:
        """Add other sources whose own sentence supports the point's text.

        Only sources holding enough of the point's words are candidates (without this filter
        corroboration costs points x sources checks), and of those at most
        ``MAX_CORROBORATION_CHECKS``, the ones holding most of its words first: the work per
        point is bounded, so a briefing costs time linear in its story's size.
        """
        citations = list(point.citations)
        evidence = list(point.evidence)
        others = [source for source in sources if source not in citations]
        candidates = self._checker.could_support(point.text, others)
        if len(candidates) > MAX_CORROBORATION_CHECKS:
            candidates = self._most_covering(point.text, candidates)[:MAX_CORROBORATION_CHECKS]
        for source in candidates:
            result = self.check(point.text, source)
            index = self.sentence_index(source, result)
            if result.verdict == "supported" and index is not None:
                citations.append(source)
                evidence.append(Evidence(source=source, quote=self._sentences[source][index]))
        return replace(point, citations=tuple(citations), evidence=tuple(evidence))

    def _most_covering(self, text: str, sources: list[str]) -> list[str]:
        """``sources`` by the IDF-weighted share of the text's content words they hold (the
        bound ``could_support`` tests), highest first; the given order breaks ties."""
        index = self._checker.index
        content = analyse(text, index.known).content
        covered = {
            source: sum(index.idf(w) for w in content & index.source_content(source))
            for source in sources
        }
        return sorted(sources, key=lambda source: -covered[source])

    def verify_point(self, point: Point) -> Point | None:
        """Check the lead and the corroborating evidence; None when the lead does not hold."""
        lead, *others = point.evidence
        if not (_same(point.text, lead.quote) or self._supports(point.text, lead)):
            return None
        kept = [lead] + [ev for ev in others if self._supports(point.text, ev)]
        return replace(
            point,
            citations=tuple(dict.fromkeys(ev.source for ev in kept)),
            evidence=tuple(kept),
            verified=True,
        )

    def _supports(self, text: str, evidence: Evidence) -> bool:
        result = self.check(text, evidence.source)
        return self.accepts(result) and evidence.quote in result.evidence


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).strip(" .") == " ".join(b.split()).strip(" .")
