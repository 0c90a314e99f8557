"""End to end on the real embedded model (SmolLM2 via llama.cpp): slow, marked `model`."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from summarizer.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "docs" / "briefing.schema.json").read_text())


@pytest.mark.model
def test_brief_seeds_with_the_embedded_model(tmp_path: Path) -> None:
    out = tmp_path / "briefing.json"
    code = main(
        [
            "brief",
            str(ROOT / "seeds"),
            "--format",
            "json",
            "--out",
            str(out),
            "--cache-dir",
            str(tmp_path / "cache"),
        ]
    )
    assert code == 0
    data = json.loads(out.read_text())
    jsonschema.validate(data, SCHEMA)
    assert data["engine"] == "llm"
    assert data["model"] == "SmolLM2-135M-Instruct"
    assert data["usage"]["llm_calls"] >= 5 and data["usage"]["prompt_tokens"] > 0
    assert data["points"] and data["disagreements"]
    texts = {s["id"]: s for s in data["sources"]}
    for point in data["points"]:
        assert point["verified"] and set(point["citations"]) <= set(texts)
    # Rerun: everything comes from the cache, nothing is asked again.
    again = tmp_path / "again.json"
    assert (
        main(
            [
                "brief",
                str(ROOT / "seeds"),
                "--format",
                "json",
                "--out",
                str(again),
                "--cache-dir",
                str(tmp_path / "cache"),
            ]
        )
        == 0
    )
    usage = json.loads(again.read_text())["usage"]
    assert usage["cached_calls"] == usage["llm_calls"]
