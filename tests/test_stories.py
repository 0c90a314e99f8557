"""Stories across nights (continuing, nothing new, --force) and the top-stories digest.

Every article here is written for these tests: a harbour bridge collapse that goes on for two
days, a cup final whose report is filed again the next day, and a rate decision on day two.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
from dataclasses import replace
from email.message import EmailMessage
from pathlib import Path

import pytest

from summarizer.cluster import Story, central_sample
from summarizer.errors import SummarizerError
from summarizer.nightly import NightlyOptions, NightlyResult
from summarizer.nightly import run_nightly as nightly_run
from summarizer.settings import Settings
from summarizer.stories import (
    STORIES_FILE,
    KnownStory,
    SentStory,
    StoryMemory,
    match_stories,
    new_points,
    point_key,
)
from summarizer.types import Evidence, Point, Source

DAY1 = dt.date(2026, 11, 21)
DAY2 = dt.date(2026, 11, 22)

BRIDGE_1 = {
    "coastal-herald": (
        "Coastal Herald",
        "Alvara harbour bridge collapses in storm",
        "The Alvara harbour bridge collapsed on Monday night during a violent storm. Rescue "
        "teams pulled four people from the water near the Alvara docks. Harbour master Ines "
        "Varga said the bridge had been closed to lorries since March. Engineers from the "
        "Alvara port authority began inspecting the remaining pylons of the harbour bridge.",
    ),
    "bay-courier": (
        "Bay Courier",
        "Storm brings down Alvara harbour bridge",
        "Part of the Alvara harbour bridge fell into the sea during the storm on Monday night. "
        "Four people were rescued from the water near the Alvara docks, the port authority "
        "said. Harbour master Ines Varga said lorries had been banned from the bridge since "
        "March. Engineers of the Alvara port authority are inspecting the remaining pylons.",
    ),
}
BRIDGE_2 = {
    "coastal-herald-2": (
        "Coastal Herald",
        "Divers recover cars under fallen Alvara harbour bridge",
        "Divers recovered two cars from the water under the fallen Alvara harbour bridge on "
        "Tuesday. The Alvara port authority said a temporary ferry between the two docks would "
        "start on Friday. Harbour master Ines Varga said the inspection of the remaining "
        "pylons of the harbour bridge found cracks in three of them.",
    ),
    "bay-courier-2": (
        "Bay Courier",
        "Ferry to replace collapsed Alvara harbour bridge",
        "A temporary ferry will link the Alvara docks from Friday after the collapse of the "
        "harbour bridge, the Alvara port authority said. Divers pulled two cars from the "
        "harbour water on Tuesday. Ines Varga, the harbour master, said three pylons of the "
        "Alvara harbour bridge were cracked.",
    ),
}
FINAL = {
    "sports-desk": (
        "Sports Desk",
        "Riverside United win the cup on penalties",
        "Riverside United beat Harbour City on penalties in the cup final at Kellan Park on "
        "Sunday. Goalkeeper Tomas Ortega saved two penalties in the shootout. Riverside "
        "United coach Mara Lind said the cup win was the best day of her career.",
    ),
    "northern-herald": (
        "Northern Herald",
        "Ortega the hero as Riverside lift the cup",
        "Tomas Ortega saved two penalties as Riverside United beat Harbour City in the cup "
        "final on Sunday. The cup final at Kellan Park ended one all after extra time. Coach "
        "Mara Lind praised her goalkeeper Ortega after the shootout.",
    ),
}
RATES = {
    "market-wire": (
        "Market Wire",
        "Central bank of Verdia raises rates",
        "The central bank of Verdia raised its main interest rate to 4.5 percent on Tuesday. "
        "Governor Paulo Reis said inflation in Verdia was still far above target. Verdia's "
        "banks are expected to raise mortgage rates within weeks.",
    ),
    "the-ledger": (
        "The Ledger",
        "Verdia lifts interest rate to 4.5 percent",
        "Verdia's central bank lifted its main interest rate to 4.5 percent on Tuesday. "
        "Governor Paulo Reis said inflation was still far above the bank's target. Mortgage "
        "lenders in Verdia are expected to follow within weeks.",
    ),
}


def write(folder: Path, day: dt.date, articles: dict[str, tuple[str, str, str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, (outlet, title, text) in articles.items():
        (folder / f"{day.isoformat()}-{name}.md").write_text(
            f"---\nsource: {outlet}\ntitle: {title}\npublished: {day.isoformat()}T07:00:00\n"
            f"---\n{text}\n",
            encoding="utf-8",
        )


def options(inbox: Path, state: Path, day: dt.date) -> NightlyOptions:
    return NightlyOptions(
        inbox=inbox,
        to=("desk@example.com",),
        sender="briefings@example.org",
        state_dir=state,
        day=day,
    )


def run_nightly(options: NightlyOptions) -> NightlyResult:
    """The extractive engine: what is tested is which stories are briefed, listed, remembered."""
    return nightly_run(options, Settings(engine="extractive"))


def text_part(path: Path, kind: str = "plain") -> str:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    body = msg.get_body((kind,))
    assert body is not None
    return str(body.get_content())


def archived(state: Path, day: dt.date) -> list[dict[str, object]]:
    folder = state / "archive" / day.isoformat()
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def point_texts(briefing: dict[str, object]) -> set[str]:
    points = briefing["points"]
    assert isinstance(points, list)
    return {point_key(p["text"]) for p in points}


def story_about(briefings: list[dict[str, object]], word: str) -> dict[str, object]:
    found = [b for b in briefings if word.lower() in json.dumps(b["points"]).lower()]
    assert len(found) == 1, [b["title"] for b in briefings]
    return found[0]


def test_two_nights_continuing_story_shows_only_new_points(tmp_path: Path) -> None:
    inbox, state = tmp_path / "inbox", tmp_path / "state"
    write(inbox, DAY1, BRIDGE_1 | FINAL)
    first = run_nightly(options(inbox, state, DAY1))
    assert first.status == "sent" and first.stories == 2
    bridge_1 = story_about(archived(state, DAY1), "Alvara")
    assert "Continuing" not in text_part(first.path)  # type: ignore[arg-type]

    # Night two: the bridge story goes on with new facts, the cup final report is filed again
    # word for word (a new file dated today), and a new story starts.
    write(inbox, DAY2, BRIDGE_2 | RATES)
    write(inbox, DAY2, {"sports-desk-again": FINAL["sports-desk"]})
    second = run_nightly(options(inbox, state, DAY2))
    assert second.status == "sent"
    text = text_part(second.path)  # type: ignore[arg-type]
    bridge_2 = story_about(archived(state, DAY2), "Alvara")
    assert bridge_2["points"]  # something new was briefed...
    assert not point_texts(bridge_2) & point_texts(bridge_1)  # ... and nothing old repeated
    assert "divers" in json.dumps(bridge_2["points"]).lower()
    assert f"Continuing (first briefed {DAY1.isoformat()})" in text
    # The repeated cup final: one line, marked, not briefed again.
    also = " ".join(text.split("Also in the news", 1)[1].split())
    assert text.count("Riverside") == 1 and also.startswith("=")
    assert (
        f"- Riverside United win the cup on penalties (1 outlet), continuing (first briefed "
        f"{DAY1.isoformat()}): nothing new"
    ) in also
    assert not any("Riverside" in json.dumps(b["points"]) for b in archived(state, DAY2))
    # The new story is not marked as continuing anything.
    rates = story_about(archived(state, DAY2), "Verdia")
    assert text.count("Continuing (first briefed") == 1 and rates["points"]
    html = text_part(second.path, "html")  # type: ignore[arg-type]
    assert html.count(f"Continuing (first briefed {DAY1.isoformat()})") == 1
    assert "Also in the news" in html and ": nothing new)" in html

    # --force rebuilds night two the same way (its own first run is not "before" it).
    again = run_nightly(replace(options(inbox, state, DAY2), force=True))
    assert again.status == "sent" and again.message_id != second.message_id
    assert f"Continuing (first briefed {DAY1.isoformat()})" in text_part(again.path)  # type: ignore[arg-type]
    assert point_texts(story_about(archived(state, DAY2), "Alvara")) == point_texts(bridge_2)


def test_a_dry_run_reads_the_story_memory_but_writes_none(tmp_path: Path) -> None:
    inbox, state = tmp_path / "inbox", tmp_path / "state"
    write(inbox, DAY1, BRIDGE_1)
    preview = run_nightly(replace(options(inbox, state, DAY1), dry_run=True))
    assert preview.status == "dry-run" and not (state / STORIES_FILE).exists()
    run_nightly(options(inbox, state, DAY1))
    write(inbox, DAY2, BRIDGE_2)
    preview = run_nightly(replace(options(inbox, state, DAY2), dry_run=True))
    assert f"Continuing (first briefed {DAY1.isoformat()})" in preview.preview
    with StoryMemory(state) as memory:
        assert [k.last_day for k in memory.known_before(dt.date(2026, 12, 1))] == [DAY1]


def test_only_the_top_stories_are_briefed_the_rest_get_a_line(tmp_path: Path) -> None:
    inbox, state = tmp_path / "inbox", tmp_path / "state"
    write(inbox, DAY1, BRIDGE_1 | FINAL | RATES)
    result = run_nightly(replace(options(inbox, state, DAY1), max_stories=1))
    assert result.stories == 1 and len(archived(state, DAY1)) == 1
    text = text_part(result.path)  # type: ignore[arg-type]
    also = text.split("Also in the news", 1)[1]
    assert "(2 outlets)" in also and len([ln for ln in also.splitlines() if "- " in ln]) == 2
    # The day's index lists every story, briefed or listed, with its articles.
    lines = (state / "stories" / f"{DAY1.isoformat()}.jsonl").read_text().splitlines()
    index = [json.loads(line) for line in lines]
    assert sorted(len(story["articles"]) for story in index) == [2, 2, 2]
    assert sorted(p for story in index for p in story["articles"]) == sorted(
        str(p) for p in inbox.iterdir()
    )


# --- units -----------------------------------------------------------------------------------


def _source(i: int, outlet: str) -> Source:
    return Source(id=f"s{i}", name=outlet, path=f"{i}.md", text=f"text {i}", sentences=("x",))


def test_central_sample_takes_each_outlets_most_central_article_first() -> None:
    outlets = ["A", "A", "A", "B", "B", "C"]
    story = Story(
        sources=tuple(_source(i, o) for i, o in enumerate(outlets)),
        centrality=(0.9, 0.8, 0.7, 0.2, 0.6, 0.1),
        signature={},
    )
    assert [s.id for s in central_sample(story, 3)] == ["s0", "s4", "s5"]  # one per outlet
    assert [s.id for s in central_sample(story, 4)] == ["s0", "s1", "s4", "s5"]
    assert central_sample(story, 10) == story.sources


def _known(story_id: int, signature: dict[str, float], sent: set[str]) -> KnownStory:
    return KnownStory(
        id=story_id,
        first_day=DAY1,
        last_day=DAY1,
        signature=signature,
        sent=frozenset(sent),
        articles=frozenset(),
    )


def test_each_known_story_is_continued_once_by_its_best_match() -> None:
    old = [_known(1, {"bridge": 0.5, "alvara": 0.5}, set()), _known(2, {"cup": 0.6}, set())]
    today = [{"bridge": 0.3, "alvara": 0.3}, {"bridge": 0.4, "alvara": 0.4}, {"rates": 0.7}]
    matched = match_stories(today, old)
    assert [m.id if m else None for m in matched] == [None, 1, None]
    assert match_stories([{"bridge": 0.1}], old) == [None]  # link 0.05: below the threshold


def test_new_points_drop_what_was_sent_by_text_or_by_quote() -> None:
    def point(text: str, quote: str) -> Point:
        return Point(text, ("a",), (Evidence("a", quote),), True, "extractive")

    sent = {point_key("Four people were rescued."), point_key("Divers found two cars.")}
    points = [
        point("four people were rescued", "Four people were rescued."),
        point("Two cars were recovered.", "Divers found two cars."),
        point("A ferry starts on Friday.", "A ferry starts on Friday."),
    ]
    assert [p.text for p in new_points(points, _known(1, {}, sent))] == [
        "A ferry starts on Friday."
    ]
    assert new_points(points, None) == tuple(points)


def test_memory_counts_delivered_days_replaces_a_days_rows_and_forgets(tmp_path: Path) -> None:
    story = SentStory(None, DAY1, "Bridge", {"bridge": 1.0}, ("Point one.",), ("f1",))
    with StoryMemory(tmp_path) as memory:
        memory.record(DAY1, [story])
        assert memory.known_before(DAY2) == []  # journalled, not yet delivered
        memory.record(DAY1, [story])  # a forced rerun of the same day
        memory.confirm(DAY1)
        (known,) = memory.known_before(DAY2)
        assert known.sent == {"point one"} and known.first_day == DAY1
        memory.record(DAY2, [replace(story, id=known.id, points=("Point two.",))])
        memory.confirm(DAY2)
        (later,) = memory.known_before(dt.date(2026, 11, 23))
        assert later.id == known.id and later.sent == {"point one", "point two"}
        assert memory.known_before(DAY1) == []
        assert memory.known_before(dt.date(2027, 1, 1)) == []  # past MEMORY_DAYS


def test_brief_of_more_articles_than_max_sources_uses_the_most_central(tmp_path: Path) -> None:
    # Six articles on the bridge (two outlets, three files each) and one stray rate story:
    # briefing from two takes each bridge outlet's most central article, not the stray one.
    from summarizer import pipeline

    articles = {f"{name}-{k}": item for name, item in BRIDGE_1.items() for k in range(3)}
    write(tmp_path, DAY1, articles | {"market-wire": RATES["market-wire"]})
    briefing = pipeline.brief([str(tmp_path)], engine="extractive", max_sources=2)
    assert {s.name for s in briefing.sources} == {"Coastal Herald", "Bay Courier"}
    assert briefing.notes[-1].startswith("briefed from 2 of its 7 articles (3 outlets)")
    full = pipeline.brief([str(tmp_path)], engine="extractive")
    assert len(full.sources) == 7 and not any("briefed from" in n for n in full.notes)


def test_a_failed_delivery_does_not_count_its_points_as_sent(tmp_path: Path) -> None:
    # Night one's email never goes out (the outbox is a file, not a folder): night two must
    # not treat its points as already sent.
    inbox, state = tmp_path / "inbox", tmp_path / "state"
    write(inbox, DAY1, BRIDGE_1)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    with pytest.raises(SummarizerError):
        run_nightly(replace(options(inbox, state, DAY1), outbox=blocked))
    with StoryMemory(state) as memory:
        assert memory.known_before(DAY2) == []
    write(inbox, DAY2, BRIDGE_2)
    second = run_nightly(options(inbox, state, DAY2))
    assert "Continuing" not in text_part(second.path)  # type: ignore[arg-type]
