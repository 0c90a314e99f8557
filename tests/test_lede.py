"""The lede: built from the most corroborated points; a model lede is checked like any point."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from summarizer.corpus import prepare_corpus
from summarizer.lede import model_lede, pick_lede
from summarizer.llm import Completion, Message
from summarizer.types import (
    Claimant,
    Disagreement,
    Evidence,
    Lede,
    Point,
    Position,
    RawDocument,
)
from summarizer.verify import Verifier


def _point(text: str, *sources: str, score: float = 1.0, date: str | None = None) -> Point:
    return Point(
        text=text,
        citations=sources,
        evidence=tuple(Evidence(s, f"{text} ({s})") for s in sources),
        verified=True,
        method="extractive",
        score=score,
        date=date,
    )


def test_lede_size_follows_the_number_of_points() -> None:
    points = [_point(f"Fact number {n} about the port.", "a", score=10 - n) for n in range(8)]
    assert len(pick_lede(points)) == 3
    assert len(pick_lede(points[:4])) == 2
    assert pick_lede(points[:2]) == []  # two points say it all


def test_the_most_corroborated_points_lead_then_rank_and_stay_in_rank_order() -> None:
    points = [
        _point("The strike ended on Monday.", "a", score=9),
        _point("The port reopened.", "a", "b", "c", score=5),
        _point("Ships left the harbour.", "b", "c", score=4),
        _point("The union voted.", "c", score=3),
        _point("Cargo piled up.", "a", score=2),
        _point("Prices rose.", "b", score=1),
    ]
    chosen = pick_lede(points)
    assert [p.text for p in chosen] == [
        "The strike ended on Monday.",  # best ranked of the single-outlet points
        "The port reopened.",
        "Ships left the harbour.",
    ]


def test_each_side_of_a_disagreement_offers_its_latest_point_and_counts_its_outlets() -> None:
    old = _point("Officials said the army added troops.", "a", score=9, date="2022-02-09")
    new = _point("An official said the army added 7,000 troops.", "b", score=5, date="2022-02-16")
    down = _point("The army said it was pulling back troops.", "c", score=4)
    rest = [_point(f"Other fact {n}.", "a", score=1) for n in range(3)]
    dispute = Disagreement(
        summary="",
        positions=(
            Position(
                text=down.text,
                citations=("c", "d"),
                claimants=(Claimant("the army", ("c",), down.evidence),),
            ),
            Position(
                text=new.text,
                citations=("a", "b", "e"),
                claimants=(
                    Claimant("officials", ("a",), old.evidence),
                    Claimant("an official", ("b",), new.evidence),
                ),
            ),
        ),
    )
    chosen = pick_lede([old, new, down, *rest], [dispute])
    assert new in chosen and down in chosen and old not in chosen


class ScriptedModel:
    """The model seam with a fixed answer, as a test model."""

    name = "scripted"
    endpoint = "memory://scripted"

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.prompts: list[str] = []

    def complete(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float = 0.0,
        json_mode: bool = False,
        schema: Mapping[str, Any] | None = None,
    ) -> Completion:
        self.prompts.append(messages[-1].content)
        return Completion(json.dumps(self.answer), 10, 10, "stop", self.name)

    def discard(self, completion: Completion) -> None:
        pass  # nothing cached here

    def cancel(self) -> None:
        pass


def _corpus_and_points() -> tuple[Verifier, list[Point]]:
    docs = [
        RawDocument(
            "herald.txt",
            "The harbour strike ended on Monday after nine days.\n\n"
            "Dockers voted to accept a pay rise of four percent.",
        ),
        RawDocument("wire.txt", "The first container ships left the harbour on Tuesday morning."),
    ]
    corpus = prepare_corpus(docs, warn=lambda _: None)
    verifier = Verifier(corpus)
    a, b = (s.id for s in corpus.sources)
    points = [
        Point(
            "The harbour strike ended on Monday after nine days.",
            (a,),
            (Evidence(a, corpus.sources[0].sentences[0]),),
            True,
            "extractive",
        ),
        Point(
            "Dockers voted to accept a pay rise of four percent.",
            (a,),
            (Evidence(a, corpus.sources[0].sentences[1]),),
            True,
            "extractive",
        ),
        Point(
            "The first container ships left the harbour on Tuesday morning.",
            (b,),
            (Evidence(b, corpus.sources[1].sentences[0]),),
            True,
            "extractive",
        ),
    ]
    return verifier, points


def test_a_model_lede_keeps_its_verified_sentences_and_drops_invented_ones() -> None:
    verifier, points = _corpus_and_points()
    model = ScriptedModel(
        {
            "sentences": [
                {
                    "facts": [1],
                    "text": "The harbour strike ended on Monday. The navy sank three ships.",
                },
                {"facts": [3], "text": "Container ships left the harbour on Tuesday."},
            ]
        }
    )
    lede = model_lede(model, points, {}, verifier)
    assert isinstance(lede, Lede) and lede.method == "llm"
    assert [s.text for s in lede.sentences] == [
        "The harbour strike ended on Monday.",
        "Container ships left the harbour on Tuesday.",
    ]
    assert all(s.verified and s.evidence for s in lede.sentences)
    assert lede.covers(points[0]) and lede.covers(points[2]) and not lede.covers(points[1])
    assert "<<<UNTRUSTED-" in model.prompts[0]  # the facts are fenced as data


def test_a_model_lede_with_fewer_than_two_backed_sentences_is_refused() -> None:
    verifier, points = _corpus_and_points()
    model = ScriptedModel(
        {"sentences": [{"facts": [1], "text": "The strike ended after the navy sank ships."}]}
    )
    assert model_lede(model, points, {}, verifier) is None
    unusable = ScriptedModel({"groups": []})
    assert model_lede(unusable, points, {}, verifier) is None
