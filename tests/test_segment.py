from summarizer.segment import split_sentences


def test_abbreviations_months_and_initials_do_not_split() -> None:
    text = (
        "On Wednesday, Feb. 16, 2022, Gen. Mark Milley met Lloyd J. Austin III in Brussels. "
        "Then the U.S. delegation left for Warsaw."
    )
    assert split_sentences(text) == [
        "On Wednesday, Feb. 16, 2022, Gen. Mark Milley met Lloyd J. Austin III in Brussels.",
        "Then the U.S. delegation left for Warsaw.",
    ]


def test_acronym_at_sentence_end_splits_before_a_sentence_starter() -> None:
    assert split_sentences("Talks stalled with the U.K. The next round is in May.") == [
        "Talks stalled with the U.K.",
        "The next round is in May.",
    ]


def test_quotes_close_the_sentence() -> None:
    text = "“We can still do so tomorrow.” Smith wrote on Tuesday. She added: “Not now!” Then left."
    assert split_sentences(text) == [
        "“We can still do so tomorrow.”",
        "Smith wrote on Tuesday.",
        "She added: “Not now!”",
        "Then left.",
    ]


def test_dateline_stays_with_first_sentence() -> None:
    text = "PARIS (Reuters) - Prices rose 3% in May. Analysts expected less."
    assert split_sentences(text) == [
        "PARIS (Reuters) - Prices rose 3% in May.",
        "Analysts expected less.",
    ]


def test_paragraph_break_always_ends_a_sentence_and_sentences_are_substrings() -> None:
    text = "A heading without a stop\n\nThe body starts here. It ends in 2014.\n\nLast one"
    sentences = split_sentences(text)
    assert sentences == [
        "A heading without a stop",
        "The body starts here.",
        "It ends in 2014.",
        "Last one",
    ]
    assert all(s in text for s in sentences)


def test_numbers_with_decimals_and_ellipsis_brackets() -> None:
    text = "Output grew 2.5 percent […] as planned. Exports fell."
    assert split_sentences(text) == ["Output grew 2.5 percent […] as planned.", "Exports fell."]
