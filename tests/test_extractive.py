import pytest

from summarizer.extractive import clauses, extractive_claims, mostly_quotation, overlap, select
from summarizer.salience import content_words, score_sentences
from summarizer.summarise import is_fragment, salvage_claims
from summarizer.types import Source


def test_compound_sentence_splits_into_standalone_clauses() -> None:
    sentence = (
        "The minister said the budget would be balanced by next spring, "
        "and the central bank said it would keep interest rates unchanged for now."
    )
    assert clauses(sentence) == [
        "The minister said the budget would be balanced by next spring.",
        "The central bank said it would keep interest rates unchanged for now.",
    ]


def test_clauses_leave_quotes_short_sides_and_parentheticals_alone() -> None:
    quoted = 'The coach said "we will win the cup, and then we will rest," after training.'
    assert clauses(quoted) == [quoted]
    short = "Prices rose, and wages fell across the whole country this year."
    assert clauses(short) == [short]
    aside = "Officials -- citing safety concerns about the bridge -- closed the road on Monday."
    assert clauses(aside) == [aside]


def test_lead_in_words_are_dropped_from_a_clause() -> None:
    sentence = (
        "Meanwhile, the port reopened on Monday after the strike, "
        "but the airport stayed shut for two more days."
    )
    assert clauses(sentence)[0] == "The port reopened on Monday after the strike."


def test_selection_skips_redundant_sentences() -> None:
    src = Source(
        id="s",
        name="S",
        path="s.txt",
        text="",
        sentences=(
            "The storm closed every school in the northern region on Tuesday morning.",
            "Every school in the northern region was closed by the storm on Tuesday.",
            "Farmers reported heavy losses of wheat and barley after the floods.",
        ),
    )
    chosen = select(score_sentences([src]), k=3)
    assert [c.index for c in chosen] == [0, 2]


def test_claims_keep_the_sentence_index_as_evidence() -> None:
    src = Source(
        id="s",
        name="S",
        path="s.txt",
        text="",
        sentences=(
            "The council approved the new tram line on Monday, and construction will start in May.",
        ),
    )
    claims = extractive_claims(score_sentences([src]), k=2)
    assert [c.text for c in claims] == [src.sentences[0]]  # right side too short to stand alone
    longer = Source(
        id="t",
        name="T",
        path="t.txt",
        text="",
        sentences=(
            "The council approved the new tram line on Monday, "
            "and the first section of the line will open in May.",
        ),
    )
    claims = extractive_claims(score_sentences([longer]), k=2)
    assert [c.text for c in claims] == [
        "The council approved the new tram line on Monday.",
        "The first section of the line will open in May.",
    ]
    assert all(c.sentences == (0,) and c.method == "extractive" for c in claims)
    assert claims[0].salience > claims[1].salience


def test_overlap_is_relative_to_the_longer_text() -> None:
    short = frozenset(content_words("Russia withdrew troops"))
    long = frozenset(
        content_words("Russia withdrew troops while talks continued in Geneva and Paris")
    )
    assert overlap(short, long) < 0.5


def test_salvage_keeps_only_complete_claim_objects() -> None:
    partial = (
        '{"claims": [{"sentences": [1], "text": "A whole claim."}, {"sentences": [2], "text": "cut'
    )
    assert salvage_claims(partial) == [{"sentences": [1], "text": "A whole claim."}]
    assert salvage_claims("no json here") == []


def test_a_sentence_that_is_mostly_a_quotation_is_not_a_claim() -> None:
    quote = "“We will keep every terminal open through the winter,” the director said."
    fact = "The port handled 4,000 containers on Monday, the director said."
    assert mostly_quotation(quote) and not mostly_quotation(fact)
    src = Source(id="s", name="S", path="s.txt", text="", sentences=(quote, fact))
    assert [c.text for c in extractive_claims(score_sentences([src]), k=2)] == [fact]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("The harbour district that the council rebuilt in 2019.", True),
        ("The long strike that the dockers called in May.", True),
        ("The council reopened the harbour district that burned in 2019.", False),
        ("Dockers met the mayor on Monday.", False),
        ("The union says the strike is over.", False),
    ],
)
def test_a_model_claim_without_a_main_verb_is_a_fragment(text: str, fragment: bool) -> None:
    assert is_fragment(text) is fragment
