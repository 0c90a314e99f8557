"""Entities: name spans, head words and country/bloc aliases."""

from __future__ import annotations

from summarizer.checker import Checker
from summarizer.checker.entities import find_entities
from summarizer.checker.features import tokens_of


def keys(text: str) -> list[str]:
    tokens = tokens_of(text)
    return [e.key for e in find_entities(tokens, {t.norm for t in tokens[1:] if t.capital})]


def test_people_share_their_head_word() -> None:
    assert keys("He met Vladimir Putin.") == ["putin"]
    assert keys("He met President Putin.") == ["putin"]
    assert keys("He met Russian President Vladimir Putin.") == ["#ru", "putin"]
    assert keys("She met Ursula von der Leyen.") == ["leyen"]


def test_aliases() -> None:
    for name in ("US", "U.S.", "United States", "American", "Washington"):
        assert keys(f"They said the {name} position changed.") == ["#us"], name
    for name in ("UK", "Britain", "British", "London"):
        assert keys(f"They said the {name} position changed.") == ["#uk"], name
    assert keys("They joined NATO and Nato.") == ["#nato", "#nato"]
    assert keys("They left the EU and the European Union.") == ["#eu", "#eu"]
    assert keys("They said the Kremlin and Moscow agreed.") == ["#ru", "#ru"]
    assert keys("They told us nothing.") == []  # "us" is a pronoun


def test_sentence_start_words_are_not_names_unless_known() -> None:
    assert keys("Officials said the talks failed.") == []
    assert keys("Lavrov said the talks failed.") == ["lavrov"]  # before a speech verb


def test_missing_entity_fails_the_claim() -> None:
    checker = Checker({"a": ["Russian President Vladimir Putin met Chancellor Olaf Scholz."]})
    assert checker.check("Putin met Scholz.").verdict == "supported"
    assert checker.check("President Putin met Chancellor Olaf Scholz.").verdict == "supported"
    result = checker.check("Putin met Macron.")
    assert result.verdict == "unsupported"
    assert any("Macron" in r for r in result.reasons)
