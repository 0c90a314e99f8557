"""The evidence index: every source sentence analysed once, an inverted index over content
words with IDF weights, and candidate windows (one sentence or two adjacent ones) ranked by
weighted overlap with a claim.
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_left
from collections import OrderedDict, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from summarizer.checker.calibrated import SourceFacts, ngram_keys, words_of
from summarizer.checker.entities import NAME_FORMS
from summarizer.checker.features import Analysis, analyse, tokens_of
from summarizer.checker.quotes import fragments
from summarizer.checker.speakers import Speaker
from summarizer.checker.words import Token, is_content, word_list

CONTEXT_SENTENCES = 2  # sentences before a window that may hold who "he" or "they" is
RESTRICTED_BY_BISECTION = 16  # up to this many allowed sources, their postings are sliced
PAIR_PENALTY = 0.9  # a two-sentence window must add real overlap to beat its best sentence
FACTS_CACHED = 256  # source sets whose facts are kept (one per outlet a briefing checks against)
CANDIDATES_PER_WINDOW = 8  # sentences considered per window asked for


@dataclass(frozen=True)
class Window:
    """One candidate piece of evidence: sentences [start, stop) of one source."""

    source: str
    start: int
    stop: int
    text: str
    overlap: float  # IDF-weighted overlap with the claim that retrieved it


@dataclass(frozen=True)
class WindowFeatures:
    """A window's analysis: per-sentence analyses and their unions."""

    sentences: tuple[Analysis, ...]
    speakers: tuple[tuple[Speaker, ...], ...]  # per sentence, quote blocks and pronouns resolved
    content: frozenset[str]
    keys: frozenset[str]
    negated: frozenset[str]
    affirmed: frozenset[str]
    folded: str
    source_share: Mapping[str, float]  # country/bloc -> share of the source's sentences naming it
    context_keys: frozenset[str]  # keys of the two sentences before the window
    refers_back: bool  # the window opens with "he", "they", "the two leaders"...


_BACK_REFERENCES = frozenset(
    word_list(
        """
    he she him his her they them their it its
    """
    )
)
_DEFINITE_PEOPLE = frozenset(
    word_list(
        """
        leader leaders president official officials minister chancellor two both
        """
    )
)


_WORDS = re.compile(r"[^\W\d_]+(?:[.'’][^\W\d_]+)*\.?")
_OPENING = frozenset({'"', "“", "‘", "(", "—", "-", ":"})


def _casing(token_lists: Sequence[Sequence[Token]]) -> dict[str, str]:
    """Lowercase word -> the capitalised form the sources mostly write it in, mid-sentence."""
    capitals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    lower: dict[str, int] = defaultdict(int)
    for toks in token_lists:
        for k, t in enumerate(toks):
            if not t.text[:1].isalpha():
                continue
            if not t.capital:
                lower[t.text] += 1
            elif k > 0 and toks[k - 1].text not in _OPENING:
                capitals[t.text.lower()][t.text] += 1
    out = {}
    for word, forms in capitals.items():
        form, count = max(forms.items(), key=lambda fc: (fc[1], fc[0]))
        if count > lower.get(word, 0):
            out[word] = form
    return out


def _refers_back(analysis: Analysis) -> bool:
    """Whether a sentence points at people named before it ("he noted", "the two leaders")."""
    toks = analysis.tokens
    for i, t in enumerate(toks):
        lower = t.text.lower()
        if lower in _BACK_REFERENCES:
            return True
        if lower == "the" and i + 1 < len(toks) and toks[i + 1].text.lower() in _DEFINITE_PEOPLE:
            return True
    return False


def number_keys(analysis: Analysis) -> frozenset[str]:
    """Retrieval keys for stated quantities ("=7000"): numbers find their sentence fast."""
    return frozenset(f"={q.value:g}" for q in analysis.numbers if q.qualifier != "vague")


def _with_speakers(analysis: Analysis, speakers: Sequence[Speaker]) -> Analysis:
    heads = {s.head for s in speakers if s.kind == "person"} - analysis.content
    if not heads:
        return analysis
    return replace(analysis, content=analysis.content | heads, keys=analysis.keys | heads)


class EvidenceIndex:
    """Source sentences, analysed and indexed for fast retrieval of evidence windows."""

    def __init__(self, sources: Mapping[str, Sequence[str]]) -> None:
        self._source: list[str] = []  # sentence id -> source id
        self._position: list[int] = []  # sentence id -> index within its source
        self._texts: list[str] = []
        self._first: dict[str, int] = {}
        self._count: dict[str, int] = {}
        token_lists = []
        for source_id, sentences in sources.items():
            self._first[source_id] = len(self._texts)
            self._count[source_id] = len(sentences)
            for i, sentence in enumerate(sentences):
                self._source.append(source_id)
                self._position.append(i)
                self._texts.append(sentence)
                token_lists.append(tokens_of(sentence))
        self.known = frozenset(
            t.norm
            for toks in token_lists
            for k, t in enumerate(toks)
            if k > 0 and t.capital and toks[k - 1].text not in {'"', "“", "‘", "(", "—", "-"}
        )
        self._casing = _casing(token_lists)
        self._analyses = [
            analyse(text, self.known, toks)
            for text, toks in zip(self._texts, token_lists, strict=True)
        ]
        self._speakers = _resolve_speakers(self._analyses, self._source)
        # A sentence inside Kirby's quote is Kirby's words even if it never names him.
        self._analyses = [
            _with_speakers(a, speakers)
            for a, speakers in zip(self._analyses, self._speakers, strict=True)
        ]
        self._source_share: dict[str, dict[str, float]] = {}
        for source_id in self._first:
            first, count = self._first[source_id], self._count[source_id]
            counts: dict[str, int] = defaultdict(int)
            for a in self._analyses[first : first + count]:
                for key in a.keys:
                    if key.startswith("#"):
                        counts[key] += 1
            self._source_share[source_id] = {k: c / max(count, 1) for k, c in counts.items()}
        postings: dict[str, list[int]] = defaultdict(list)
        for sid, a in enumerate(self._analyses):
            for word in a.content | number_keys(a):
                postings[word].append(sid)
        self._postings = dict(postings)
        n = len(self._texts)
        self._unseen_idf = 1.0 + math.log(n + 1)
        self._idf = {w: 1.0 + math.log((n + 1) / (len(p) + 1)) for w, p in postings.items()}
        self._cache: dict[tuple[int, int], WindowFeatures] = {}
        self._source_content: dict[str, frozenset[str]] = {}
        self._facts: OrderedDict[frozenset[str] | None, SourceFacts] = OrderedDict()

    # --- lookups -----------------------------------------------------------------------------

    @property
    def source_ids(self) -> tuple[str, ...]:
        return tuple(self._first)

    def __len__(self) -> int:
        return len(self._texts)

    def source_content(self, source_id: str) -> frozenset[str]:
        """Every content word of one source: no window of it holds a word outside this set."""
        cached = self._source_content.get(source_id)
        if cached is None:
            first, count = self._first[source_id], self._count[source_id]
            parts = self._analyses[first : first + count]
            cached = frozenset().union(*(a.content for a in parts))
            self._source_content[source_id] = cached
        return cached

    def recase(self, text: str) -> str:
        """A lowercased claim with the sources' own capitals restored ("lewis hamilton" ->
        "Lewis Hamilton"), so names are checked as names; other text is returned as is."""
        if any(c.isupper() for c in text):
            return text
        out = _WORDS.sub(self._recased, text)
        return out[:1].upper() + out[1:]

    def _recased(self, match: re.Match[str]) -> str:
        word = match.group()
        for form in (word, word.rstrip(".")):
            found = self._casing.get(form) or NAME_FORMS.get(form)
            if found is not None:
                return found + word[len(form) :]
        return word

    def source_facts(self, restrict_to: Collection[str] | None = None) -> SourceFacts:
        """The content words, word n-grams, numbers and names of the chosen sources."""
        key = None if restrict_to is None else frozenset(restrict_to)
        cached = self._facts.get(key)
        if cached is not None:
            self._facts.move_to_end(key)
        else:
            parts = [
                a
                for a, source in zip(self._analyses, self._source, strict=True)
                if key is None or source in key
            ]
            grams: set[tuple[str, ...]] = set()
            for a in parts:
                grams |= ngram_keys(words_of(a))
            cached = SourceFacts(
                content=frozenset().union(*(a.content for a in parts)),
                ngrams=frozenset(grams),
                numbers=frozenset(q.value for a in parts for q in a.numbers),
                keys=frozenset().union(*(a.keys for a in parts)),
            )
            self._facts[key] = cached
            if len(self._facts) > FACTS_CACHED:
                self._facts.popitem(last=False)
        return cached

    def together(self, a: str, b: str, restrict_to: Collection[str] | None = None) -> bool:
        """Whether some sentence (of the chosen sources) holds both words."""
        first, second = self._postings.get(a, ()), self._postings.get(b, ())
        if len(first) > len(second):
            first, second = second, first
        others = set(second)
        allowed = None if restrict_to is None else frozenset(restrict_to)
        return any(
            sid in others and (allowed is None or self._source[sid] in allowed) for sid in first
        )

    def window_words(self, window: Window) -> list[str]:
        """The canonical words of a window's sentences, in order."""
        return [w for a in self.features(window).sentences for w in words_of(a)]

    def idf(self, word: str) -> float:
        return self._idf.get(word, self._unseen_idf)

    def sentence(self, source: str, index: int) -> str:
        return self._texts[self._first[source] + index]

    # --- retrieval ---------------------------------------------------------------------------

    def best_windows(
        self,
        claim: str | Analysis,
        k: int = 5,
        restrict_to: Collection[str] | None = None,
    ) -> list[Window]:
        """The ``k`` windows with the highest IDF-weighted overlap with the claim."""
        if isinstance(claim, str):
            claim = analyse(claim, self.known)
        allowed = None if restrict_to is None else frozenset(restrict_to)
        matched: dict[int, set[str]] = defaultdict(set)
        weight: dict[int, float] = defaultdict(float)
        for word in claim.content | number_keys(claim):
            w = self.idf(word)
            for sid in self._posting(word, allowed):
                matched[sid].add(word)
                weight[sid] += w
        anchored = self._quote_hits(claim, allowed)
        scored: dict[tuple[int, int], float] = {}
        # Only the best-matching sentences can anchor one of the k best windows (a pair weighs
        # at most its two sentences together): skip the long tail of one-common-word matches.
        for sid in heapq.nlargest(k * CANDIDATES_PER_WINDOW, weight, key=weight.__getitem__):
            scored[(sid, sid + 1)] = weight[sid]
            for a, b in ((sid - 1, sid), (sid, sid + 1)):
                if not self._same_source(a, b):
                    continue
                shared = matched.get(a, set()) & matched.get(b, set())
                union = weight.get(a, 0.0) + weight.get(b, 0.0) - self._weight(shared)
                pair = union * PAIR_PENALTY
                if pair > max(weight.get(a, 0.0), weight.get(b, 0.0)):
                    scored[(a, b + 1)] = max(scored.get((a, b + 1), 0.0), pair)
        bonus = 1 + sum(self.idf(w) for w in claim.content)
        for span in anchored:
            scored[span] = scored.get(span, 0.0) + bonus
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0][1] - kv[0][0], kv[0][0]))
        return [self._window(start, stop, score) for (start, stop), score in ranked[:k]]

    def features(self, window: Window) -> WindowFeatures:
        """The analysis of a window, cached."""
        first = self._first[window.source]
        key = (first + window.start, first + window.stop)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._features(*key)
            self._cache[key] = cached
        return cached

    def _features(self, start: int, stop: int) -> WindowFeatures:
        parts = self._analyses[start:stop]
        return WindowFeatures(
            sentences=tuple(parts),
            speakers=tuple(self._speakers[start:stop]),
            content=frozenset().union(*(a.content for a in parts)),
            keys=frozenset().union(*(a.keys for a in parts)),
            negated=frozenset().union(*(a.polarity.negated for a in parts)),
            affirmed=frozenset().union(*(a.polarity.affirmed for a in parts)),
            folded=" ".join(a.folded for a in parts),
            source_share=self._source_share[self._source[start]],
            context_keys=frozenset().union(
                *(
                    self._analyses[i].keys
                    for i in range(max(0, start - CONTEXT_SENTENCES), start)
                    if self._source[i] == self._source[start]
                )
            ),
            refers_back=any(_refers_back(a) for a in parts),
        )

    def _posting(self, word: str, allowed: frozenset[str] | None) -> Iterable[int]:
        """The sentences holding ``word``, in ``allowed`` sources only.

        A source's sentences have consecutive ids, so its part of a posting list is found by
        bisection: checking one claim against one source costs that source's postings, not the
        whole corpus's (corroboration checks every point against many sources).
        """
        posting = self._postings.get(word, ())
        if allowed is None:
            return posting
        if len(allowed) > RESTRICTED_BY_BISECTION:
            return [sid for sid in posting if self._source[sid] in allowed]
        out: list[int] = []
        for source in sorted(allowed):
            first = self._first.get(source)
            if first is not None:
                lo = bisect_left(posting, first)
                out.extend(posting[lo : bisect_left(posting, first + self._count[source], lo)])
        return sorted(out)

    def _weight(self, words: Collection[str]) -> float:
        return sum(self.idf(w) for w in words)

    def _same_source(self, a: int, b: int) -> bool:
        return a >= 0 and b < len(self._texts) and self._source[a] == self._source[b]

    def _window(self, start: int, stop: int, score: float) -> Window:
        source = self._source[start]
        text = " ".join(self._texts[start:stop])
        pos = self._position[start]
        return Window(source, pos, pos + (stop - start), text, score)

    def _quote_hits(self, claim: Analysis, allowed: frozenset[str] | None) -> list[tuple[int, int]]:
        """Windows containing a claim's quote verbatim, found through the quote's rarest word."""
        spans: list[tuple[int, int]] = []
        for quote in claim.quotes:
            pieces = fragments(quote)
            if not pieces:
                continue
            words = [t.norm for t in tokens_of(quote) if is_content(t.norm)]
            candidates = [self._postings.get(w, []) for w in words]
            candidates = [c for c in candidates if c]
            if not candidates:
                continue
            rarest = min(candidates, key=len)
            for sid in rarest:
                if allowed is not None and self._source[sid] not in allowed:
                    continue
                for a, b in ((sid, sid + 1), (sid - 1, sid + 1), (sid, sid + 2)):
                    if not self._same_source(a, b - 1):
                        continue
                    text = " ".join(self._analyses[i].folded for i in range(a, b))
                    if all(p in text for p in pieces):
                        spans.append((a, b))
                        break
        return spans


def _resolve_speakers(
    analyses: Sequence[Analysis], sources: Sequence[str]
) -> list[tuple[Speaker, ...]]:
    """Per-sentence speakers: a quote spanning several sentences gets its speaker everywhere,
    a sentence that is all quote inherits the previous speaker, "he said" is resolved to the
    previous sentence's named person."""
    out: list[tuple[Speaker, ...]] = [a.speakers for a in analyses]
    block: list[int] = []  # sentences inside an open multi-sentence quote
    for sid, a in enumerate(analyses):
        if block and sources[sid] != sources[block[0]]:
            _share(out, block)
            block = []
        ends_open, closes = _quote_balance(a.text)
        if block:
            block.append(sid)
            if closes:
                _share(out, block)
                block = []
        elif ends_open:
            block = [sid]
        elif (
            _all_quote(a.text)
            and not _named(out[sid])
            and sid > 0
            and sources[sid] == sources[sid - 1]
        ):
            out[sid] = out[sid - 1]
    if block:
        _share(out, block)
    for sid in range(len(out)):
        resolved: list[Speaker] = []
        for s in out[sid]:
            if s.kind == "pronoun" and sid > 0 and sources[sid] == sources[sid - 1]:
                prev = [p for p in out[sid - 1] if p.kind == "person"]
                resolved.extend(prev[:1] or [s])
            else:
                resolved.append(s)
        out[sid] = tuple(resolved)
    return out


def _share(out: list[tuple[Speaker, ...]], block: Sequence[int]) -> None:
    """Give every sentence of a quote block the speaker named at its end (or its start)."""
    named = [out[i] for i in block if _named(out[i])]
    if not named:
        return
    speakers = out[block[-1]] if _named(out[block[-1]]) else named[0]
    for i in block:
        if not _named(out[i]):
            out[i] = speakers


def _named(speakers: Sequence[Speaker]) -> bool:
    return any(s.kind != "pronoun" for s in speakers)


def _all_quote(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) > 2 and stripped[0] in '“"' and stripped[-1] in '”"'


def _quote_balance(text: str) -> tuple[bool, bool]:
    """(a quote opens and is still open at the end, a quote opened earlier closes here)."""
    opens, closes = text.count("“"), text.count("”")
    straight = text.count('"') % 2 == 1
    starts_with_quote = text.lstrip()[:1] in {'"', "“"}
    ends_open = opens > closes or (straight and starts_with_quote)
    closes_prior = closes > opens or (straight and not starts_with_quote)
    return ends_open, closes_prior
