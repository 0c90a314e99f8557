"""split_claims on Markdown, plain text and text with citation marks; check_text end to end."""

from __future__ import annotations

from summarizer.checker import check_text, split_claims


def test_markdown() -> None:
    summary = """# Briefing: Russia and Ukraine

**Summary.** Russia said it was pulling back some troops [1], but NATO saw no sign (AP, Reuters).

- **Troops:** More than 100,000 Russian soldiers remain near the border [AP][2].
- The US said an invasion could come "at any moment" — NBC News
* Biden and Johnson spoke for 40 minutes; they agreed a deal was still possible (BBC).
1. Putin said "Ukraine itself is just a tool" [AFP; Reuters].

Sources: [1] AP, [2] Reuters
"""
    assert split_claims(summary) == [
        "Russia said it was pulling back some troops, but NATO saw no sign.",
        "More than 100,000 Russian soldiers remain near the border.",
        'The US said an invasion could come "at any moment"',
        "Biden and Johnson spoke for 40 minutes",
        "they agreed a deal was still possible.",
        'Putin said "Ukraine itself is just a tool".',
    ]


def test_plain_text_keeps_sentences_and_inner_parentheses() -> None:
    text = (
        '"As long as (President Vladimir Putin) is acting aggressively, we will stay," Biden '
        "said. The U.S. Army sent 1,000 soldiers to Romania."
    )
    assert split_claims(text) == [
        '"As long as (President Vladimir Putin) is acting aggressively, we will stay," Biden said.',
        "The U.S. Army sent 1,000 soldiers to Romania.",
    ]


def test_links_and_emphasis() -> None:
    assert split_claims("See [the report](https://example.org/x) on *rising* __prices__ now.") == [
        "See the report on rising prices now."
    ]


def test_check_text() -> None:
    sources = {
        "ap": "Storm Imogen cut power to about 85,000 homes on Tuesday. Two people were injured.",
        "bbc": "Ferry services were cancelled until Thursday.",
    }
    results = check_text(
        "- Storm Imogen cut power to 85,000 homes on Tuesday (AP).\n"
        "- Ferries were cancelled until Friday [BBC].",
        sources,
    )
    assert [r.verdict for r in results] == ["supported", "unsupported"]
    assert results[0].evidence_source == "ap"
