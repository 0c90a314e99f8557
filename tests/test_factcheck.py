"""`summarizer check`: text, Markdown and briefing-JSON summaries against their sources, batch
mode, --fail-under, and the optional LLM judge over the stub server."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from stubserver import StubServer, reply, server_error

from summarizer import factcheck, pipeline
from summarizer.cli import main
from summarizer.errors import InputError
from summarizer.render import briefing_json

ROOT = Path(__file__).resolve().parents[1]
SEEDS = str(ROOT / "seeds")

AP = """---
source: AP
---
Russia has added as many as 7,000 troops near the Ukrainian border in recent days, a senior
Biden administration official said Wednesday.

NATO defense ministers met Wednesday in Brussels.
"""
BBC = """---
source: BBC
---
Russia said on Tuesday it was withdrawing some of its troops from the border with Ukraine.

Some training continues, such as a large joint exercise between Russia and Belarus, which is
due to end on February 20.
"""


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    (folder / "ap.md").write_text(AP)
    (folder / "bbc.md").write_text(BBC)
    return folder


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- one summary -----------------------------------------------------------------------------


def test_text_summary_marks_each_claim(
    sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.txt"
    summary.write_text(
        "Russia said it was withdrawing some of its troops from the border. "
        "Russia has added as many as 70,000 troops near the Ukrainian border. "
        "NATO defense ministers met in Brussels."
    )
    code, out, _ = run(capsys, "check", "--sources", str(sources), "--summary", str(summary))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("✓") and "withdrawing" in lines[0]
    assert lines[1].startswith("✗") and "70,000" in lines[1]
    # Unsupported claims say why and show the best evidence with its outlet.
    assert "why: number 70,000 not in evidence (evidence says 7,000)" in out
    assert "best evidence (AP): Russia has added as many as 7,000 troops" in out
    assert "2/3 claims supported (67%)" in out


def test_json_output_and_fail_under(
    sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = tmp_path / "summary.txt"
    summary.write_text(
        "Russia said it was withdrawing some of its troops. NATO ministers met in Paris."
    )
    args = ["check", "--sources", str(sources), "--summary", str(summary)]
    code, out, _ = run(capsys, *args, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["kind"] == "text" and data["verdict"] == "unsupported"
    assert data["supported"] == 0.5
    assert data["score"] == pytest.approx(sum(c["score"] for c in data["claims"]) / 2, abs=1e-3)
    paris = data["claims"][1]
    assert paris["verdict"] == "unsupported" and paris["evidence_outlet"] == "AP"
    assert any("Paris" in r for r in paris["reasons"])
    assert run(capsys, *args, "--fail-under", "0.6")[0] == 1
    assert run(capsys, *args, "--fail-under", "0.5")[0] == 0
    with pytest.raises(SystemExit) as exited:  # not a fraction: argparse refuses it
        run(capsys, *args, "--fail-under", "1.5")
    assert exited.value.code == 2


def test_markdown_summary_skips_what_is_not_a_claim(
    sources: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    markdown = """# Russia and Ukraine

*2 sources · generated today*

## Key points

- **Troops:** Russia said it was withdrawing *some* of its troops [1].
- Russia has added as many as 7,000 troops near the border — **AP**
  > “Russia has added as many as 7,000 troops near the Ukrainian border in recent days” — AP
- The joint exercise of Russia and Belarus ends on February 25 (BBC).

## Sources

- **AP** (`ap`): ap.md
- **BBC** (`bbc`): bbc.md
"""
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(markdown.encode())))
    code, out, _ = run(capsys, "check", "--sources", str(sources), "--summary", "-")
    assert code == 0
    claims = [line for line in out.splitlines() if line.startswith(("✓", "✗"))]
    assert len(claims) == 4  # three points and the quote; no byline, heading or source list
    assert claims[0].startswith("✓") and "Troops:" not in claims[0] and "[1]" not in claims[0]
    assert claims[1].startswith("✓") and "AP" not in claims[1]
    assert claims[2].startswith("✓") and claims[2].endswith("”")
    assert claims[3].startswith("✗") and "February 25" in claims[3]
    assert "ap.md" not in out


def test_briefing_json_checks_points_against_their_citations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    briefing = pipeline.brief([SEEDS], engine="extractive")
    data = json.loads(briefing_json(briefing))
    seven = next(p for p in data["points"] if "7,000" in p["text"])
    wrong = next(s["id"] for s in data["sources"] if s["id"] not in seven["citations"])
    seven["citations"] = [wrong]  # a wrong citation: that source does not say it
    data["points"][0]["citations"] = ["nowhere"]  # an id that is not among the sources
    path = tmp_path / "briefing.json"
    path.write_text(json.dumps(data))
    code, out, _ = run(
        capsys, "check", "--sources", SEEDS, "--summary", str(path), "--format", "json"
    )
    report = json.loads(out)
    assert code == 0 and report["kind"] == "briefing"
    by_text = {c["text"]: c for c in report["claims"]}
    flagged = by_text[seven["text"]]
    assert flagged["verdict"] == "unsupported" and flagged["citations"] == [wrong]
    assert flagged["evidence_source"] in (None, wrong)  # only the cited source was searched
    unknown = by_text[data["points"][0]["text"]]
    assert unknown["verdict"] == "unsupported"
    assert unknown["reasons"] == ["unknown source id(s): nowhere"]
    assert any("nowhere" in n for n in report["notes"])
    others = [c for c in report["claims"] if c is not flagged and c is not unknown]
    assert others and all(c["verdict"] == "supported" for c in others)


def test_bad_summaries_are_usage_errors(
    sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_briefing = tmp_path / "other.json"
    not_briefing.write_text('{"summary": "Russia added troops."}')
    empty = tmp_path / "empty.txt"
    empty.write_text("OK.\n")
    for path in (not_briefing, empty, tmp_path / "missing.txt"):
        code, _, err = run(capsys, "check", "--sources", str(sources), "--summary", str(path))
        assert code == 2 and err.startswith("summarizer: error:") and str(path) in err
    assert run(capsys, "check", "--summary", str(empty))[0] == 2  # no --sources
    with pytest.raises(InputError, match="point 1"):
        factcheck.parse_summary('{"points": [{"citations": []}]}')


# --- batch -----------------------------------------------------------------------------------


def test_batch_streams_one_result_per_line_and_skips_bad_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = "Russia has added as many as 7,000 troops near the border. NATO met in Brussels."
    rows = [
        {"id": "good", "sources": [source], "summary": "Russia has added 7,000 troops."},
        "this is not JSON",
        {"id": 2, "sources": ["x", source], "summary": "Russia added 9,000 troops. NATO met."},
        {"id": "no-sources", "summary": "Russia added troops."},
        {"id": "empty", "sources": [source], "summary": ""},
    ]
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    code, out, err = run(capsys, "check", "--batch", str(batch))
    assert code == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in results] == ["good", 2, "empty"]
    good, bad, empty = results
    assert good["verdict"] == "supported" and 0 < good["score"] <= 1
    assert set(good["claims"][0]) == {"text", "verdict", "score", "evidence", "reasons"}
    assert bad["verdict"] == "unsupported"
    assert bad["score"] == min(c["score"] for c in bad["claims"])
    assert "9,000" in bad["claims"][0]["text"] and bad["claims"][0]["verdict"] == "unsupported"
    assert empty == {"id": "empty", "score": 1.0, "verdict": "supported", "claims": []}
    warnings = err.strip().splitlines()
    assert len(warnings) == 2
    assert f"{batch}:2: not JSON" in warnings[0]
    assert f"{batch}:4:" in warnings[1] and '"sources"' in warnings[1]
    # --fail-under counts supported summaries in batch mode: 2 of 3.
    assert run(capsys, "check", "--batch", str(batch), "--fail-under", "0.7")[0] == 1
    assert run(capsys, "check", "--batch", str(batch), "--format", "text")[0] == 2


ARTICLE = (
    "The derby was played on March 27 at Riverside Park. Players from both sides were involved "
    "in a brawl after the final whistle. Facebook's shares fell 3% on Monday, and the company "
    "didn't comment. The U.S. regulator (the FTC) opened an inquiry on Tuesday."
)


@pytest.mark.parametrize(
    ("summary", "claims", "verdicts"),
    [
        (
            "the derby was played on march 27. players from both sides were involved in a brawl .",
            2,
            ["supported", "supported"],
        ),
        (
            "facebook 's shares fell 3 % on monday . the company did n't comment .",
            2,
            ["supported", "supported"],
        ),
        (
            "facebook 's shares rose 3 % on monday . the company did n't comment .",
            2,
            ["unsupported", "supported"],
        ),
        (
            "the u.s. regulator -lrb- the ftc -rrb- opened an inquiry on tuesday . "
            "the company commented .",
            2,
            ["supported", "unsupported"],
        ),
    ],
)
def test_lowercased_and_tokenised_summaries_are_checked_claim_by_claim(
    summary: str, claims: int, verdicts: list[str]
) -> None:
    line = json.dumps({"id": 1, "sources": [ARTICLE], "summary": summary})
    (result,) = factcheck.check_batch([line], name="t")
    assert len(result.claims) == claims
    assert [c.verdict for c in result.claims] == verdicts
    assert result.verdict == ("supported" if set(verdicts) == {"supported"} else "unsupported")


def test_batch_is_read_lazily() -> None:
    source = "Russia has added as many as 7,000 troops near the border."
    line = json.dumps({"id": 1, "sources": [source], "summary": "Russia added 7,000 troops."})
    consumed: list[int] = []

    def lines() -> Any:
        for n in range(3):
            consumed.append(n)
            yield line

    results = factcheck.check_batch(lines(), name="gen")
    assert next(results).id == 1
    assert consumed == [0]  # nothing past the first line has been read


def test_batch_with_no_usable_line_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    batch = tmp_path / "bad.jsonl"
    batch.write_text("[1, 2]\n\n")
    code, out, err = run(capsys, "check", "--batch", str(batch))
    assert code == 2 and out == ""
    assert "bad.jsonl:1: not a JSON object" in err and "no usable line" in err


# --- the LLM judge ---------------------------------------------------------------------------

_CLAIM = re.compile(r"^Claim: (.*)$", re.M)


def judge_responder(body: dict[str, Any]) -> Any:
    """Supported when every number of the claim appears in the evidence shown; an endpoint
    failure for a claim that mentions Paris."""
    user = body["messages"][-1]["content"]
    claim = _CLAIM.search(user)
    assert claim is not None, user
    text = claim.group(1)
    if "Paris" in text:
        return server_error(500)
    evidence = user[claim.end() :]
    numbers = re.findall(r"\d[\d,]*", text)
    ok = all(n in evidence for n in numbers)
    verdict = "supported" if ok else "unsupported"
    return reply(json.dumps({"verdict": verdict, "reason": f"stub says {verdict}"}))


def test_judge_opinions_are_reported_next_to_the_checker(
    stub: StubServer, sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.responder = judge_responder
    summary = tmp_path / "summary.txt"
    summary.write_text(
        "Russia has added as many as 7,000 troops near the Ukrainian border. "
        "Russia has added 9,000 troops near the Ukrainian border. "
        "NATO defense ministers met in Paris."
    )
    code, out, err = run(
        capsys,
        "check",
        "--sources",
        str(sources),
        "--summary",
        str(summary),
        "--format",
        "json",
        "--judge",
        "--base-url",
        stub.base_url,
        "--model",
        "stub",
        "--max-retries",
        "0",
        "--concurrency",
        "1",
    )
    assert code == 0, err
    supported, unsupported, failed = json.loads(out)["claims"]
    assert (supported["verdict"], supported["judge"]) == ("supported", "supported")
    assert supported["judge_reason"] == "stub says supported"
    assert (unsupported["verdict"], unsupported["judge"]) == ("unsupported", "unsupported")
    # A judge failure is reported as such; the claim keeps the checker's verdict.
    assert failed["judge"].startswith("ERROR: ") and "500" in failed["judge"]
    assert "\n" not in failed["judge"]
    assert failed["verdict"] == "unsupported" and failed["reasons"]
    # One claim per call, at temperature 0, evidence fenced as untrusted data.
    requests = [r.body for r in stub.chat_requests]
    assert len(requests) == 3
    first = requests[0]
    assert first["temperature"] == 0
    assert "untrusted data" in first["messages"][0]["content"]
    user = first["messages"][1]["content"]
    fence = re.search(r"<<<UNTRUSTED-(\w+)", user)
    assert fence is not None and f"UNTRUSTED-{fence.group(1)}>>>" in user
    assert "(AP) Russia has added as many as 7,000 troops" in user


def test_judge_answers_are_cached(
    stub: StubServer, sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.responder = judge_responder
    summary = tmp_path / "summary.txt"
    summary.write_text("Russia has added as many as 7,000 troops near the Ukrainian border.")
    args = ["check", "--sources", str(sources), "--summary", str(summary), "--judge"]
    args += ["--base-url", stub.base_url, "--model", "stub"]
    first = run(capsys, *args)
    second = run(capsys, *args)
    assert first[0] == second[0] == 0
    assert "judge: supported — stub says supported" in first[1]
    assert first[1] == second[1]
    assert len(stub.chat_requests) == 1


def test_judge_in_batch_mode_and_invalid_answers(
    stub: StubServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub.responder = lambda body: reply("I think it is probably fine.")
    batch = tmp_path / "batch.jsonl"
    batch.write_text(
        json.dumps(
            {
                "id": 1,
                "sources": ["NATO met in Brussels on Wednesday."],
                "summary": "NATO met in Brussels.",
            }
        )
        + "\n"
    )
    code, out, _ = run(
        capsys, "check", "--batch", str(batch), "--judge", "--base-url", stub.base_url,
        "--model", "stub",
    )  # fmt: skip
    assert code == 0
    claim = json.loads(out)["claims"][0]
    assert claim["judge"].startswith("ERROR: ") and "unusable JSON" in claim["judge"]
    assert len(stub.chat_requests) == 2  # the answer and one re-ask
