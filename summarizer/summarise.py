"""The model steps: per-source key claims with sentence citations, claim grouping for the merge,
and the lede written from the top verified points.

Each source gets its most salient sentences that fit its token budget, numbered, fenced as
untrusted data. The answer is validated JSON; numbers are mapped back to the source's sentences.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any

from summarizer.errors import (
    ContextLengthExceeded,
    DeadlineExceeded,
    InvalidModelOutput,
    ModelError,
    TruncatedOutput,
)
from summarizer.llm import ChatModel, Message, complete_json
from summarizer.salience import Scored, content_words
from summarizer.templating import render, strip_fence_markers
from summarizer.tokens import count_many
from summarizer.types import Claim, Point, Source

log = logging.getLogger("summarizer.summarise")

DEFAULT_SOURCE_BUDGET = 320  # tokens of article sentences per source in the prompt
MAX_CLAIMS = 3
MAX_WORDS = 30
MIN_CONTENT_WORDS = 3
# A "claim" far past the words asked for is not one; it would also be checked sentence by
# sentence, so its length bounds the verification work (a bad endpoint's 20,000 sentences).
MAX_CLAIM_WORDS = 3 * MAX_WORDS
_TOKENS_PER_CLAIM = 60


# Verb forms that make a main clause: auxiliaries, reporting verbs and common irregular pasts
# (regular ones end in -ed or -s and are caught by their ending).
_FINITE = frozenset(
    """is are was were be been has have had will would can could may might must shall should do
    does did said says told met went came took gave made sent held left began saw rose fell won
    lost led brought thought kept got put set cut hit ran spoke wrote chose drew flew grew knew
    threw became built paid sold struck sought fought caught bought meant spent stood withdrew
    """.split()
)
_RELATIVE = re.compile(r"\s(?:that|which|who|whom|whose|where|when)\s", re.IGNORECASE)


def is_fragment(text: str) -> bool:
    """A noun phrase whose only verb is inside its relative clause, as small models write them:
    "The Ukrainian peninsula that Moscow annexed in 2014." """
    parts = _RELATIVE.split(text, maxsplit=1)
    if len(parts) == 1:
        return False  # no relative clause: without a parser, not ours to judge
    head = parts[0]
    words = [w.strip(".,;:!?\"“”'’()") for w in head.split()][1:]
    return not any(
        w.lower() in _FINITE or (w.islower() and len(w) > 3 and w.endswith(("ed", "s")))
        for w in words
    )


def pick_sentences(scored: Sequence[Scored], budget: int) -> list[Scored]:
    """The most salient sentences that fit ``budget`` tokens, back in document order."""
    chosen: list[Scored] = []
    used = 0
    # A sentence scoring zero is a fragment or about sourcing: never worth the model's budget.
    ranked = sorted((s for s in scored if s.score > 0), key=lambda s: (-s.score, s.index))
    for s, n in zip(ranked, count_many([s.text for s in ranked]), strict=True):
        if used + n + 3 > budget:  # "12. " and the newline
            continue
        chosen.append(s)
        used += n + 3
    return sorted(chosen, key=lambda s: s.index)


def source_claims(
    model: ChatModel,
    source: Source,
    scored: Sequence[Scored],
    *,
    budget: int = DEFAULT_SOURCE_BUDGET,
    max_claims: int = MAX_CLAIMS,
) -> list[Claim]:
    """Ask the model for one source's key claims; shrink the input if it does not fit."""
    while True:
        shown = pick_sentences(scored, budget)
        try:
            return _ask_claims(model, source, shown, max_claims)
        except ContextLengthExceeded:
            if budget < 100:
                raise
            budget //= 2
            log.info(
                "%s: prompt too long for the model, retrying with %d tokens", source.id, budget
            )


def _ask_claims(
    model: ChatModel, source: Source, shown: Sequence[Scored], max_claims: int
) -> list[Claim]:
    if not shown:
        raise InvalidModelOutput(f"{source.path}: no sentence fits the prompt budget")
    numbered = [(n, strip_fence_markers(s.text)) for n, s in enumerate(shown, start=1)]
    messages = [
        Message("system", render("claims.system", outlet=source.name)),
        Message(
            "user",
            render(
                "claims.user",
                outlet=source.name,
                sentences=numbered,
                max_claims=max_claims,
                max_words=MAX_WORDS,
            ),
        ),
    ]

    def validate(data: Any) -> list[Claim]:
        return _claims_from_json(data, source, shown, max_claims)

    try:
        claims, _ = complete_json(
            model,
            messages,
            validate=validate,
            max_tokens=_TOKENS_PER_CLAIM * max_claims + 20,
            schema=claims_schema(len(shown), max_claims),
        )
    except TruncatedOutput as exc:
        # Not a silent success: the cut-off claim is lost, and only the complete claims
        # before the cut are kept (they are verified like any other).
        try:
            claims = validate({"claims": salvage_claims(exc.partial)})
        except ValueError:
            raise exc from None
        log.warning(
            "%s: answer cut off at max_tokens; kept %d complete claims", source.id, len(claims)
        )
    return claims


_CLAIM_OBJECT = re.compile(r"\{[^{}]*\}")


def salvage_claims(partial: str) -> list[dict[str, Any]]:
    """The complete ``{...}`` claim objects of a JSON answer that was cut off."""
    found: list[dict[str, Any]] = []
    for match in _CLAIM_OBJECT.finditer(partial):
        try:
            item = json.loads(match.group(0))
        except ValueError:
            continue
        if isinstance(item, dict) and "text" in item:
            found.append(item)
    return found


def claims_schema(n_sentences: int, max_claims: int) -> dict[str, Any]:
    """JSON schema of the claims answer; servers that support it constrain decoding with it."""
    return {
        "type": "object",
        "properties": {
            "claims": {
                "type": "array",
                "minItems": min(2, max_claims),
                "maxItems": max_claims,
                "items": {
                    "type": "object",
                    "properties": {
                        "sentences": {
                            "type": "array",
                            "minItems": 1,
                            "maxItems": 2,
                            "items": {"type": "integer", "minimum": 1, "maximum": n_sentences},
                        },
                        "text": {"type": "string"},
                    },
                    "required": ["sentences", "text"],
                },
            }
        },
        "required": ["claims"],
    }


def _claims_from_json(
    data: Any, source: Source, shown: Sequence[Scored], max_claims: int
) -> list[Claim]:
    items = data.get("claims") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError('expected an object {"claims": [...]}')
    claims: list[Claim] = []
    too_long = 0
    for item in items[:max_claims]:
        if not isinstance(item, dict):
            continue
        text = item.get("text")
        numbers = item.get("sentences", item.get("sentence"))
        if isinstance(numbers, int):
            numbers = [numbers]
        if not isinstance(text, str) or not isinstance(numbers, list):
            continue
        if len(text.split(None, MAX_CLAIM_WORDS)) > MAX_CLAIM_WORDS:
            too_long += 1
            continue
        if len(content_words(text)) < MIN_CONTENT_WORDS or is_fragment(text):
            continue  # "2", "<claim>", a bare name, a noun phrase: not a statement of fact
        cited = [shown[n - 1] for n in numbers if isinstance(n, int) and 1 <= n <= len(shown)]
        if not cited:
            continue
        claims.append(
            Claim(
                source=source.id,
                text=" ".join(text.split()),
                sentences=tuple(dict.fromkeys(s.index for s in cited)),
                method="llm",
                salience=max(s.score for s in cited),
            )
        )
    if not claims:
        longer = f"; {too_long} had more than {MAX_CLAIM_WORDS} words" if too_long else ""
        raise ValueError(
            f'no usable claim: each needs "text" of at most {MAX_WORDS} words and "sentences" '
            f"numbered 1 to {len(shown)}{longer}"
        )
    return claims


def propose_groups(
    model: ChatModel, claims: Sequence[Claim], names: dict[str, str]
) -> list[list[int]] | None:
    """Ask the model which claims state the same fact; None when its answer is unusable."""
    if len(claims) < 2:
        return None
    numbered = [
        (n, names.get(c.source, c.source), strip_fence_markers(c.text))
        for n, c in enumerate(claims, start=1)
    ]
    messages = [
        Message("system", render("merge.system")),
        Message("user", render("merge.user", claims=numbered)),
    ]

    def validate(data: Any) -> list[list[int]]:
        groups = data.get("groups") if isinstance(data, dict) else None
        if not isinstance(groups, list):
            raise ValueError('expected an object {"groups": [[numbers], ...]}')
        out = [
            [n - 1 for n in g if isinstance(n, int) and 1 <= n <= len(claims)]
            for g in groups
            if isinstance(g, list)
        ]
        return [g for g in out if g]

    schema = {
        "type": "object",
        "properties": {
            "groups": {
                "type": "array",
                "items": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 1, "maximum": len(claims)},
                },
            }
        },
        "required": ["groups"],
    }
    try:
        groups, _ = complete_json(
            model, messages, validate=validate, max_tokens=8 * len(claims) + 20, schema=schema
        )
    except (ModelError, DeadlineExceeded) as exc:
        # Past the deadline the claims already made are kept: similarity grouping needs no model.
        log.warning("merge step fell back to similarity grouping: %s", exc)
        return None
    return groups


LEDE_SENTENCES = 3


def write_lede(
    model: ChatModel, points: Sequence[Point], names: dict[str, str]
) -> list[tuple[str, list[int]]] | None:
    """Ask the model for a lede from ``points``: (sentence, indexes of the points it uses) pairs;
    None when the answer is unusable. The caller verifies every sentence."""
    if not points:
        return None
    numbered = [
        (n, ", ".join(names.get(c, c) for c in p.citations), strip_fence_markers(p.text))
        for n, p in enumerate(points, start=1)
    ]
    sentences = min(LEDE_SENTENCES, max(2, len(points)))
    messages = [
        Message("system", render("lede.system")),
        Message(
            "user",
            render("lede.user", facts=numbered, max_sentences=sentences, max_words=MAX_WORDS),
        ),
    ]

    def validate(data: Any) -> list[tuple[str, list[int]]]:
        items = data.get("sentences") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ValueError('expected an object {"sentences": [...]}')
        out: list[tuple[str, list[int]]] = []
        for item in items[:sentences]:
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                continue
            text = " ".join(item["text"].split())
            if len(content_words(text)) < MIN_CONTENT_WORDS or is_fragment(text):
                continue
            facts = item.get("facts", [])
            used = [n - 1 for n in facts if isinstance(n, int) and 1 <= n <= len(points)]
            out.append((text, list(dict.fromkeys(used))))
        if not out:
            raise ValueError('no usable sentence: each needs "text" and "facts"')
        return out

    schema = {
        "type": "object",
        "properties": {
            "sentences": {
                "type": "array",
                "minItems": 1,
                "maxItems": sentences,
                "items": {
                    "type": "object",
                    "properties": {
                        "facts": {
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "integer", "minimum": 1, "maximum": len(points)},
                        },
                        "text": {"type": "string"},
                    },
                    "required": ["facts", "text"],
                },
            }
        },
        "required": ["sentences"],
    }
    try:
        written, _ = complete_json(
            model,
            messages,
            validate=validate,
            max_tokens=_TOKENS_PER_CLAIM * sentences + 20,
            schema=schema,
        )
    except (ModelError, DeadlineExceeded) as exc:
        log.warning("lede step failed, using the extractive lede: %s", exc)
        return None
    return written
