"""The checker's decision: its explainable signals, as numbers, combined by a small logistic
model into the probability that a claim is supported.

The weights are fitted offline by ``bench/calibrate.py`` (human-labelled summaries, our own
labelled set and perturbations of real sentences) and shipped as ``weights.json``; nothing is
trained or downloaded at run time. The thresholds applied to the probability live there too.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence, Sized
from dataclasses import dataclass
from functools import cache
from importlib import resources

from summarizer.checker.features import Analysis

# The names of the checks that fail or soften a window's score (see score.py).
FLAGS = (
    "number_contradicted",
    "number_missing",
    "number_rival",
    "amount_missing",
    "date_contradicted",
    "date_missing",
    "entity_missing",
    "entity_replaced",
    "entity_elsewhere",
    "entity_named_before",
    "names_split",
    "quote_missing",
    "negation_flip",
    "antonym",
    "wrong_speaker",
    "role_swap",
    "missing_run",
    "quantifier",
)
LEXICAL = (
    "score",  # the window's heuristic score: recall, scaled down and capped by the checks
    "recall",  # IDF-weighted share of the claim's content words in the best window
    "source_recall",  # ... anywhere in the sources checked against
    "novel_words",  # share of content words (unweighted) found nowhere in those sources
    "bigram_recall",  # share of the claim's word bigrams found in those sources
    "trigram_recall",
    "window_bigram_recall",  # ... in the best window
    "numbers_absent",  # share of the claim's numbers whose value the sources never state
    "entities_absent",  # share of the claim's names the sources never mention
    "contradicted",  # some window contradicts the claim (not merely: does not say it)
    "hard",  # the best window has a hard failure
    "length",  # log(1 + content words)
    "copied_run",  # longest run of claim words whose every bigram the sources hold, as a share
    "two_sentences",  # the best window joins two sentences: the claim fuses them
    "opens_with_pronoun",  # "he said ...": who "he" is rests on context the claim lacks
    "opens_with_connective",  # "and is now an expert ...": a fragment of a sentence
    "all_words_found",  # every content word is in the best window
    "all_bigrams_found",  # every word bigram is in the sources
    "repetition",  # share of the claim's trigrams it repeats: degenerate model output
    "words_missing",  # log(1 + content words the best window lacks)
    "words_unsourced",  # log(1 + content words the sources lack)
    "near_recall",  # share of content words in the window, counting words of the same stem
    "names_apart",  # share of pairs of the claim's names that no source sentence holds together
    "in_order",  # share of the claim's words found in order in one window sentence: compression
)
NAMES = LEXICAL + FLAGS
_MAX_COUNT = 2  # a flag counted twice says as much as more
_PRONOUNS = frozenset("he she they it his her their its him them".split())
_CONNECTIVES = frozenset("and but or which who whom whose while whereas nor".split())


@dataclass(frozen=True)
class SourceFacts:
    """What the claim is compared with beyond its best window: the chosen sources as a whole."""

    content: frozenset[str]
    ngrams: frozenset[tuple[str, ...]]  # word bigrams and trigrams
    numbers: frozenset[float]
    keys: frozenset[str]


def ngram_keys(tokens: Sequence[str]) -> set[tuple[str, ...]]:
    """Word bigrams and trigrams of a token sequence (canonical forms)."""
    out: set[tuple[str, ...]] = set()
    for n in (2, 3):
        out.update(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def words_of(analysis: Analysis) -> list[str]:
    """The canonical words and numbers of a text, punctuation dropped."""
    return [t.norm for t in analysis.tokens if t.norm[:1].isalnum() or t.norm[:1] == "#"]


def features(
    claim: Analysis,
    *,
    score: float,
    recall: float,
    flags: Mapping[str, int],
    window_words: Sequence[str],
    facts: SourceFacts,
    idf_total: float,
    idf_found: float,
    contradicted: bool,
    hard: bool,
    window_sentences: int,
    together: Callable[[str, str], bool],
    window_sentences_words: Sequence[Sequence[str]] = (),
) -> dict[str, float]:
    """The feature values of one claim judged against its best window and its sources."""
    words = words_of(claim)
    grams = ngram_keys(words)
    bigrams = {g for g in grams if len(g) == 2}
    trigrams = grams - bigrams
    window_grams = ngram_keys(list(window_words))
    values = [q.value for q in claim.numbers if q.qualifier != "vague"]
    names = {e.key for e in claim.entities}
    out: dict[str, float] = {
        "score": score,
        "recall": recall,
        "source_recall": idf_found / idf_total if idf_total else 0.0,
        "novel_words": _share(claim.content - facts.content, claim.content),
        "bigram_recall": 1.0 - _share(bigrams - facts.ngrams, bigrams),
        "trigram_recall": 1.0 - _share(trigrams - facts.ngrams, trigrams),
        "window_bigram_recall": 1.0 - _share(bigrams - window_grams, bigrams),
        "numbers_absent": _share({v for v in values if v not in facts.numbers}, values),
        "entities_absent": _share(names - facts.keys, names),
        "contradicted": float(contradicted),
        "hard": float(hard),
        "length": math.log1p(len(claim.content)),
        "copied_run": _copied_run(words, facts.ngrams),
        "two_sentences": float(window_sentences > 1),
        "opens_with_pronoun": float(bool(words) and words[0] in _PRONOUNS),
        "opens_with_connective": float(bool(words) and words[0] in _CONNECTIVES),
        "all_words_found": float(recall >= 0.999),
        "all_bigrams_found": float(bool(bigrams) and bigrams <= facts.ngrams),
        "repetition": _repetition(words),
        "words_missing": math.log1p(len(claim.content - set(window_words))),
        "words_unsourced": math.log1p(len(claim.content - facts.content)),
        "near_recall": _near_recall(claim.content, set(window_words)),
        "names_apart": _names_apart(claim, together),
        "in_order": max((_in_order(words, s) for s in window_sentences_words), default=0.0),
    }
    for flag in FLAGS:
        out[flag] = float(min(flags.get(flag, 0), _MAX_COUNT))
    return out


def _in_order(claim: Sequence[str], sentence: Sequence[str]) -> float:
    """Longest common subsequence of words, as a share of the claim: 1.0 when the claim is
    the sentence with words left out (a compression), lower when it joins other material."""
    if not claim:
        return 0.0
    # Words found on one side only never join the subsequence: leave them out first.
    shared = set(claim) & set(sentence)
    sentence = [w for w in sentence if w in shared]
    previous = [0] * (len(sentence) + 1)
    for word in [w for w in claim if w in shared][:80]:
        current = [0]
        for j, other in enumerate(sentence[:150]):
            current.append(previous[j] + 1 if word == other else max(previous[j + 1], current[j]))
        previous = current + [current[-1]] * (len(previous) - len(current))
    return previous[-1] / len(claim)


def _names_apart(claim: Analysis, together: Callable[[str, str], bool]) -> float:
    """Relating two names the sources never name in one sentence is how summaries mix people
    up ("Stewart praised director Downton" from "Stewart ..." and "Downton ...")."""
    names = sorted({e.key for e in claim.entities if e.key in claim.content})
    pairs = list(itertools.combinations(names, 2))
    return sum(not together(a, b) for a, b in pairs) / len(pairs) if pairs else 0.0


_STEM = 5  # words sharing their first five letters: "employs" ~ "employment", "worker" ~ "work"


def _near_recall(content: frozenset[str], window: set[str]) -> float:
    if not content:
        return 0.0
    stems = {w[:_STEM] for w in window if len(w) >= _STEM - 1}
    found = sum(1 for w in content if w in window or w[:_STEM] in stems)
    return found / len(content)


def _repetition(words: Sequence[str]) -> float:
    trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    return 1.0 - len(set(trigrams)) / len(trigrams) if trigrams else 0.0


def _copied_run(words: Sequence[str], grams: frozenset[tuple[str, ...]]) -> float:
    if len(words) < 2:
        return 0.0
    longest = run = 1
    for pair in itertools.pairwise(words):
        run = run + 1 if pair in grams else 1
        longest = max(longest, run)
    return longest / len(words) if longest > 1 else 0.0


def _share(part: Sized, whole: Sized) -> float:
    return len(part) / len(whole) if len(whole) else 0.0


@dataclass(frozen=True)
class Model:
    """A logistic model over standardised features, and the thresholds chosen for it."""

    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # supported at or above: best balanced accuracy under cross-validation
    recall_floor: float  # below this window recall no claim is supported (and none is checked)
    trained_on: str = ""
    # Checks whose failure means the evidence says otherwise (a different number, the opposite
    # word, another speaker): they scale the probability down by ``veto_factor``.
    vetoes: tuple[str, ...] = ()
    veto_factor: float = 1.0
    # Platt scaling of the final probability, fitted on out-of-fold predictions so that "0.7"
    # means about 70% of such claims were supported (a monotone map: decisions do not change).
    scale_a: float = 1.0
    scale_b: float = 0.0

    def logit(self, values: Mapping[str, float]) -> float:
        z = self.bias
        for name, mu, sd, w in zip(self.names, self.mean, self.scale, self.weights, strict=True):
            z += w * (values.get(name, 0.0) - mu) / sd
        return z

    def probability(self, values: Mapping[str, float]) -> float:
        """P(supported); 0 below the recall floor, where too little is shared to judge."""
        if values.get("recall", 0.0) < self.recall_floor:
            return 0.0
        return self.rescaled(self.raw_probability(values))

    def raw_probability(self, values: Mapping[str, float]) -> float:
        """The logistic model's probability with vetoes applied, before Platt scaling."""
        if values.get("recall", 0.0) < self.recall_floor:
            return 0.0
        p = _sigmoid(self.logit(values))
        if any(values.get(name, 0.0) > 0 for name in self.vetoes):
            p *= self.veto_factor
        return p

    def rescaled(self, p: float) -> float:
        if p <= 0.0 or p >= 1.0:
            return p
        return _sigmoid(self.scale_a * math.log(p / (1.0 - p)) + self.scale_b)

    def contributions(self, values: Mapping[str, float]) -> list[tuple[str, float]]:
        """Each feature's push on the logit, strongest first: the model's own reasons."""
        pushes = [
            (name, w * (values.get(name, 0.0) - mu) / sd)
            for name, mu, sd, w in zip(self.names, self.mean, self.scale, self.weights, strict=True)
        ]
        return sorted(pushes, key=lambda nv: -abs(nv[1]))

    def to_json(self) -> dict[str, object]:
        return {
            "names": list(self.names),
            "mean": [round(v, 6) for v in self.mean],
            "scale": [round(v, 6) for v in self.scale],
            "weights": [round(v, 6) for v in self.weights],
            "bias": round(self.bias, 6),
            "threshold": self.threshold,
            "recall_floor": self.recall_floor,
            "trained_on": self.trained_on,
            "vetoes": list(self.vetoes),
            "veto_factor": self.veto_factor,
            "scale_a": round(self.scale_a, 6),
            "scale_b": round(self.scale_b, 6),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Model:
        def floats(key: str) -> tuple[float, ...]:
            raw = data[key]
            assert isinstance(raw, list)
            return tuple(float(v) for v in raw)

        names = data["names"]
        assert isinstance(names, list)
        return cls(
            names=tuple(str(n) for n in names),
            mean=floats("mean"),
            scale=floats("scale"),
            weights=floats("weights"),
            bias=float(data["bias"]),  # type: ignore[arg-type]
            threshold=float(data["threshold"]),  # type: ignore[arg-type]
            recall_floor=float(data["recall_floor"]),  # type: ignore[arg-type]
            trained_on=str(data.get("trained_on", "")),
            vetoes=tuple(str(v) for v in data.get("vetoes", [])),  # type: ignore[attr-defined]
            veto_factor=float(data.get("veto_factor", 1.0)),  # type: ignore[arg-type]
            scale_a=float(data.get("scale_a", 1.0)),  # type: ignore[arg-type]
            scale_b=float(data.get("scale_b", 0.0)),  # type: ignore[arg-type]
        )


def _sigmoid(z: float) -> float:
    if z < -700:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


@cache
def shipped() -> Model:
    """The model fitted by bench/calibrate.py and shipped with the package."""
    text = resources.files("summarizer.checker").joinpath("weights.json").read_text("utf-8")
    return Model.from_json(json.loads(text))
