"""Build a briefing from a prepared corpus with either engine.

llm:        salience -> per-source model claims (extractive fallback per source) -> verify
            -> model grouping (similarity fallback) -> merge -> dates -> model lede (checked)
extractive: salience -> per-source top sentences, shortened -> similarity grouping -> merge
            -> dates -> lede
both:       -> who said what -> claimant-aware disagreements
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from summarizer import progress as tracking
from summarizer.checker.entities import entity_name, key_of
from summarizer.claimants import who_said_what
from summarizer.compress import compress
from summarizer.disagree import find_disagreements, states_movement
from summarizer.errors import DeadlineExceeded, ModelError
from summarizer.extractive import REDUNDANCY, clauses, extractive_claims, overlap
from summarizer.lede import extractive_lede, model_lede, pick_lede
from summarizer.llm import ChatModel, UsageMeter
from summarizer.merge import DEFAULT_MAX_POINTS, checked_groups, merge, similarity_groups
from summarizer.parallel import run_parallel
from summarizer.redact import printable
from summarizer.salience import STOPWORDS, Scored, content_words, is_procedural, score_sentences
from summarizer.summarise import is_fragment, propose_groups, source_claims
from summarizer.templating import prompt_version
from summarizer.timeline import Dater
from summarizer.types import Briefing, Claim, Corpus, Engine, Lede, Point, Source, SourceRef, Usage
from summarizer.verify import Verifier

log = logging.getLogger("summarizer.briefing")

CLAIMS_PER_SOURCE = 6
Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def extractive_briefing(
    corpus: Corpus, *, max_points: int = DEFAULT_MAX_POINTS, progress: Progress = _quiet
) -> Briefing:
    started = time.monotonic()
    scored = _by_source(score_sentences(corpus.sources))
    verifier = Verifier(corpus)
    claims = [c for s in corpus.sources for c in _extracts(verifier, scored, s.id)]
    progress(f"selected {len(claims)} sentences from {len(corpus.sources)} sources")
    return _assemble(
        corpus,
        claims,
        similarity_groups(claims),
        scored,
        engine="extractive",
        model=None,
        usage=lambda: Usage(seconds=round(time.monotonic() - started, 3)),
        notes=(),
        max_points=max_points,
        verifier=verifier,
    )


def _extracts(verifier: Verifier, scored: dict[str, list[Scored]], source_id: str) -> list[Claim]:
    """A source's extractive claims, each shortened only where its sentence still backs it."""
    outlet = verifier.corpus.source(source_id).name
    return extractive_claims(
        scored[source_id],
        CLAIMS_PER_SOURCE,
        outlets=(outlet,),
        accept=lambda claim: _backed_by_own_sentence(verifier, claim),
    )


def _backed_by_own_sentence(verifier: Verifier, claim: Claim) -> bool:
    """The claim's text is supported, at the presentation bar, by the sentence it cites."""
    sentence = verifier.corpus.source(claim.source).sentences[claim.sentences[0]]
    result = verifier.check(claim.text, claim.source)
    return verifier.accepts(result) and sentence in result.evidence


def _shorten(verifier: Verifier, claim: Claim) -> Claim:
    """A verified model claim without leading discourse or asides, if still backed (checked)."""
    outlet = verifier.corpus.source(claim.source).name
    short = compress(claim.text, outlets=(outlet,))
    if short == claim.text:
        return claim
    candidate = replace(claim, text=short)
    return candidate if _backed_by_own_sentence(verifier, candidate) else claim


def _quoted_clauses(verifier: Verifier, claim: Claim) -> list[Claim]:
    """A failed model claim's evidence sentence, treated like an extract (split into clauses,
    each shortened where its sentence still backs it) but still labelled "quoted"."""
    outlet = verifier.corpus.source(claim.source).name
    out = []
    for n, clause in enumerate(clauses(claim.text)):
        part = replace(claim, text=clause, salience=claim.salience * (1.0 - 0.1 * n))
        short = compress(clause, outlets=(outlet,))
        if short != clause and _backed_by_own_sentence(verifier, replace(part, text=short)):
            part = replace(part, text=short)
        out.append(part)
    return out


def _procedural(verifier: Verifier, claim: Claim) -> bool:
    sentences = verifier.corpus.source(claim.source).sentences
    return is_procedural(claim.text) or any(is_procedural(sentences[i]) for i in claim.sentences)


def llm_briefing(
    corpus: Corpus,
    model: ChatModel,
    meter: UsageMeter,
    *,
    concurrency: int = 4,
    max_points: int = DEFAULT_MAX_POINTS,
    progress: Progress = _quiet,
) -> Briefing:
    """Model claims per source, concurrently; a source whose model step fails goes extractive.

    ``concurrency`` sources are worked on at once (how many model calls are in flight is the
    model's business: the embedded server takes one at a time). Each fallback is logged as a
    warning when it happens. Raises the first model error when every source failed: nothing
    was produced by the model. On Ctrl-C the calls in flight are cancelled at once.
    """
    started = time.monotonic()
    before = meter.snapshot()  # the meter may be shared by several briefings of one run
    scored = _by_source(score_sentences(corpus.sources))
    verifier = Verifier(corpus)
    notes: list[str] = []
    failures: list[ModelError | DeadlineExceeded] = []
    sources = corpus.sources
    tracking.plan([(s.id, s.name) for s in sources])

    def one(source: Source) -> list[Claim]:
        with tracking.task(source.id):
            claims = source_claims(model, source, scored[source.id])
            tracking.update("verifying")
            checked: list[Claim] = []
            for claim in claims:
                for v in verifier.verify_claims(claim):
                    if _procedural(verifier, v) or (v.method == "llm" and is_fragment(v.text)):
                        continue  # sourcing, or a noun phrase split off a longer claim
                    if v.method == "llm":
                        checked.append(_shorten(verifier, v))
                    elif v.method == "quoted":
                        checked.extend(_quoted_clauses(verifier, v))
                    else:
                        checked.append(v)
            return backfill(checked, _extracts(verifier, scored, source.id))

    by_source: dict[str, list[Claim]] = {}
    outcomes = run_parallel(one, sources, workers=concurrency, stop=model.cancel)
    with contextlib.closing(outcomes):  # Ctrl-C: cancel the calls in flight at once
        for done, (index, outcome) in enumerate(outcomes, start=1):
            source = sources[index]
            if isinstance(outcome, ModelError | DeadlineExceeded):
                failures.append(outcome)
                by_source[source.id] = _fall_back(
                    source, outcome, _extracts(verifier, scored, source.id), notes
                )
                progress(f"[{done}/{len(sources)}] {source.name}: fell back to extractive")
            elif isinstance(outcome, Exception):
                raise outcome  # a bug, or Cancelled: not a model failure
            else:
                by_source[source.id] = outcome
                tracking.update("done", key=source.id)
                progress(f"[{done}/{len(sources)}] summarised {source.name}")
    if failures and len(failures) == len(sources):
        raise failures[0]
    claims = [c for s in sources for c in by_source[s.id]]  # in source order, as before
    names = {s.id: s.name for s in sources}
    grouping = _group(model, claims, names, notes)
    progress("merged claims")

    def usage() -> Usage:
        after = meter.snapshot()
        return Usage(
            llm_calls=after.llm_calls - before.llm_calls,
            prompt_tokens=after.prompt_tokens - before.prompt_tokens,
            completion_tokens=after.completion_tokens - before.completion_tokens,
            cached_calls=after.cached_calls - before.cached_calls,
            seconds=round(time.monotonic() - started, 3),
        )

    def write(points: list[Point]) -> Lede | None:
        # When the model's lede fails its check the extractive one is used; JSON says which
        # in lede.method.
        return model_lede(model, points, names, verifier)

    return _assemble(
        corpus,
        claims,
        grouping,
        scored,
        engine="llm",
        model=model.name,
        usage=usage,
        notes=notes,
        max_points=max_points,
        verifier=verifier,
        write_lede=write,
    )


def _fall_back(
    source: Source, error: Exception, extracts: list[Claim], notes: list[str]
) -> list[Claim]:
    """A source whose model step failed: its own sentences, a note, and a warning right now."""
    notes.append(f"{source.name}: model step failed ({error}); extractive points used")
    log.warning(
        "%s: model step failed (%s); using its own sentences",
        printable(source.name, 80),
        printable(str(error)),
    )
    tracking.update("fallback", key=source.id)
    return extracts


def _group(
    model: ChatModel, claims: Sequence[Claim], names: dict[str, str], notes: list[str]
) -> list[list[int]]:
    """Groups of claims stating the same fact.

    The model is asked to group only the claims it wrote (extracts are grouped by similarity,
    which needs no tokens); each group it proposes is sanity-checked, and when its answer is
    unusable everything is grouped by similarity.
    """
    written = [i for i, c in enumerate(claims) if c.method == "llm"]
    grouped: list[list[int]] = []
    if len({claims[i].source for i in written}) > 1:
        subset = [claims[i] for i in written]
        tracking.plan([("merge", "grouping claims")], reset=False)
        with tracking.task("merge"):
            proposed = propose_groups(model, subset, names)
        tracking.update("done", key="merge")
        if proposed is None:
            notes.append("merge: model grouping unusable; merged by similarity")
        else:
            grouped = [
                [written[j] for j in group]
                for group in checked_groups(subset, proposed)
                if len(group) > 1
            ]
    taken = {i for group in grouped for i in group}
    rest = [i for i in range(len(claims)) if i not in taken]
    by_similarity = similarity_groups([claims[i] for i in rest])
    return grouped + [[rest[j] for j in group] for group in by_similarity]


def backfill(model_claims: list[Claim], extracted: list[Claim]) -> list[Claim]:
    """Top up a source's verified model claims with its most salient extracts.

    A small model often covers one or two facts of an article; the extracts it did not cover
    (by content words) fill the source's share, labelled "extractive", so the briefing's
    coverage does not hinge on the model's recall. Model claims come first.
    """
    covered = [frozenset(content_words(c.text)) for c in model_claims]
    out = list(model_claims)
    for claim in extracted:
        if len(out) >= max(CLAIMS_PER_SOURCE, len(model_claims)):
            break
        words = frozenset(content_words(claim.text))
        if all(overlap(words, c) < REDUNDANCY for c in covered):
            out.append(claim)
            covered.append(words)
    return out


def _by_source(scored: Sequence[Scored]) -> dict[str, list[Scored]]:
    out: dict[str, list[Scored]] = defaultdict(list)
    for s in scored:
        out[s.source].append(s)
    return out


def _assemble(
    corpus: Corpus,
    claims: Sequence[Claim],
    groups: Sequence[Sequence[int]],
    scored: dict[str, list[Scored]],
    *,
    engine: Engine,
    model: str | None,
    usage: Callable[[], Usage],
    notes: Sequence[str],
    max_points: int,
    verifier: Verifier,
    write_lede: Callable[[list[Point]], Lede | None] | None = None,
) -> Briefing:
    """Merge, date, build the lede from the top, order the points in time, then quotes and
    disagreements. ``points`` keeps every point; renderers do not repeat the lede's below it."""
    dater = Dater(corpus.sources)
    names = {s.id: s.name for s in corpus.sources}
    everything = [s for src in corpus.sources for s in scored[src.id]]
    disagreements = find_disagreements(everything, names, sources=corpus.sources, dater=dater)
    sides = {
        ev
        for d in disagreements
        for position in d.positions
        for claimant in position.claimants
        for ev in claimant.evidence
    }

    def contested(point: Point) -> bool:
        return point.evidence[0] in sides and states_movement(point.text)

    points = [
        replace(p, date=dater.first_date(p.evidence))
        for p in merge(claims, groups, verifier, max_points=max_points, contested=contested)
    ]
    top = pick_lede(points, disagreements)
    lede = (write_lede(top) if write_lede and top else None) or extractive_lede(top)
    shown = {(ev.source, ev.quote) for p in points for ev in p.evidence}
    if lede is not None:
        shown |= {(ev.source, ev.quote) for p in lede.sentences for ev in p.evidence}
    quotes = who_said_what(
        corpus.sources,
        {(s.source, s.index): s.score for s in everything},
        exclude=shown,
        dater=dater,
    )
    return Briefing(
        title=_title(corpus),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        engine=engine,
        model=model,
        prompt_version=prompt_version(),
        sources=tuple(
            SourceRef(
                id=s.id,
                name=s.name,
                path=s.path,
                url=s.url,
                published=d.isoformat() if (d := dater.published(s.id)) else None,
            )
            for s in corpus.sources
        ),
        points=tuple(in_time_order(points)),
        disagreements=tuple(disagreements),
        usage=usage(),
        notes=tuple(notes),
        lede=lede,
        quotes=tuple(quotes),
    )


def in_time_order(points: Sequence[Point]) -> list[Point]:
    """Dated points oldest first, then the undated ones; rank order within a day."""
    return sorted(points, key=lambda p: (p.date is None, p.date or ""))


def _display(word: str) -> str:
    """A country or bloc by its name ("Russian", "Moscow" -> "Russia"), other names as written."""
    key = key_of(word)
    return entity_name(key) if key.startswith("#") else word


def _title(corpus: Corpus) -> str:
    """The sources' own title if they agree, else the names most outlets mention."""
    titles = [s.title for s in corpus.sources if s.title]
    if titles:
        return Counter(titles).most_common(1)[0][0]
    outlets: Counter[str] = Counter()  # in how many sources a name appears
    mentions: Counter[str] = Counter()  # how often, to break ties
    for source in corpus.sources:
        found = [
            _display(w)
            for sentence in source.sentences
            for w in sentence.split()[1:]  # a sentence's first word is capitalised anyway
            if w[:1].isupper() and w.isalpha() and len(w) > 3 and w.lower() not in STOPWORDS
        ]
        outlets.update(set(found))
        mentions.update(found)
    ranked = sorted(outlets, key=lambda w: (-outlets[w], -mentions[w], w))
    top = [w for w in ranked if outlets[w] > 1][:3]
    subject = ", ".join(top) if top else "the news"
    return f"Briefing: {subject}"
