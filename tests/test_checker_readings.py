"""How the checker reads text that real summaries are written in: lowercased claims, ages,
"twice", people counted under other names, "against", passives, capitals that are not names."""

from __future__ import annotations

from summarizer.checker import Checker
from summarizer.checker.evidence import EvidenceIndex
from summarizer.checker.features import analyse, prepared
from summarizer.checker.numbers import extract, matches


def test_lowercased_claims_get_the_sources_capitals_back() -> None:
    index = EvidenceIndex({"a": ["Coach Ana Ruiz moved to the U.S. from Chile in 2012."]})
    assert index.recase("ana ruiz moved to the u.s. from chile.") == (
        "Ana Ruiz moved to the U.S. from Chile."
    )
    # A country's adjective is a name even when the sources never write it.
    assert "Brazilian" in index.recase("ana ruiz is brazilian.")
    assert index.recase("Already Cased text stays.") == "Already Cased text stays."


def test_a_lowercased_claim_is_checked_for_names() -> None:
    checker = Checker({"a": ["Lewis Hamilton took pole for the Malaysian Grand Prix on Saturday."]})
    result = checker.check("lewis hamilton took pole for the chinese grand prix on saturday.")
    assert any("Chinese" in r for r in result.reasons)


def test_ages_are_numbers() -> None:
    assert prepared("the 72-year-old headed the group") == "the 72 headed the group"
    (age,) = extract(prepared("Al-Douri, 72, headed the group"))
    (claimed,) = extract(prepared("the 72-year-old headed the group"))
    assert matches(claimed, age)


def test_twice_counts_as_two_but_twice_as_many_does_not() -> None:
    assert [q.value for q in extract("Pell scored twice before the break.")] == [2.0]
    assert extract("Sales were twice as high.") == []


def test_people_counted_under_other_names_match() -> None:
    (workers,) = extract("The plant employed up to 900 workers.")
    (people,) = extract("Up to 900 people worked there.")
    assert matches(people, workers)
    (tonnes,) = extract("It shipped 900 tonnes.")
    assert not matches(people, tonnes)


def test_against_negates_a_gerund_not_a_name() -> None:
    assert "join" in analyse("They gave no guarantee against Kyrgyzstan joining.").polarity.negated
    assert analyse("He will miss two games against Celtic.").polarity.negated == frozenset()


def test_a_claim_that_says_a_word_both_ways_is_not_a_negation_flip() -> None:
    checker = Checker({"a": ["She said she did not turn to crime at first but used it later."]})
    result = checker.check("Speaking about crime, she said she did not turn to crime at first.")
    assert not any("negation flip" in r for r in result.reasons)


def test_an_agent_after_by_is_read_the_same_way_in_claim_and_evidence() -> None:
    checker = Checker({"a": ["Now Porto, coached by Spaniard Julen Lopetegui, want to sign him."]})
    result = checker.check("Porto, coached by Julen Lopetegui, want to sign him.")
    assert not any("role swap" in r for r in result.reasons)


def test_number_words_and_pronouns_are_not_names() -> None:
    a = analyse("Five per cent of residents called in inspectors.", known={"five"})
    assert [e.text for e in a.entities] == []
    b = analyse("We’re no heroes, Makrus Åsberg told the Post.", known={"we’re"})
    assert "We’re" not in [e.text for e in b.entities]
    assert [s.text for s in b.speakers] == ["Makrus Åsberg"]


def test_numbers_far_apart_are_not_rivals() -> None:
    checker = Checker(
        {"a": ["The mother-of-six was mortified.", "She had reached a size 24 dress."]}
    )
    result = checker.check("The mother-of-six had reached a size 24 dress.")
    assert not any("number six" in r for r in result.reasons)
