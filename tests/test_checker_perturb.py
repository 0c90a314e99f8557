"""Perturbations are deterministic, labelled, and change what they claim to change."""

from __future__ import annotations

import random

import pytest

from summarizer.checker.perturb import KINDS, people_in, perturb, perturb_all

PEOPLE = ["John Kirby", "Jen Psaki", "Vladimir Putin", "Recep Tayyip Erdogan"]


@pytest.mark.parametrize(
    ("kind", "text", "changed"),
    [
        ("number", "Russia added 7,000 troops.", "7,000"),
        ("date", "Russia said on Tuesday it would leave.", "Tuesday"),
        ("negation", "Russia is withdrawing troops.", "not"),
        ("antonym", "Prices increased sharply.", "decreased"),
        ("misattribution", "Kirby said the talks failed.", "Kirby"),
        ("entity", "Kirby said Russia would leave.", "Kirby"),
        ("role_swap", "Putin warned Erdogan about Kyiv.", "Erdogan warned Putin"),
        ("invented_quote", 'Psaki said it was "a clear signal".', "a clear signal"),
        ("added_fact", "Russia added troops.", "Russia added troops"),
    ],
)
def test_each_kind(kind: str, text: str, changed: str) -> None:
    p = perturb(text, kind, random.Random(3), people=PEOPLE)
    assert p is not None and p.kind == kind and p.text != text
    if kind in {"number", "date", "misattribution", "entity"}:
        assert changed not in p.text  # replaced
    elif kind == "invented_quote":
        assert '"' in p.text and p.text.count('"') >= 2
    else:
        assert changed in p.text


def test_deterministic_and_rotating() -> None:
    texts = ["Russia added 7,000 troops on Tuesday.", "Kirby said Russia was not withdrawing."]
    a = perturb_all(texts, seed=1, people=PEOPLE)
    b = perturb_all(texts, seed=1, people=PEOPLE)
    assert a == b
    assert len({p.kind for p in a}) == len(a)
    with pytest.raises(ValueError):
        perturb("x", "nonsense", random.Random(0))
    assert set(KINDS) >= {p.kind for p in a}


def test_people_in() -> None:
    sentences = ["Pentagon spokesman John Kirby said the troops would stay.", "Kirby added more."]
    assert people_in(sentences) == ["John Kirby"]
