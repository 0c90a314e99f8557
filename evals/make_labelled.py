"""Build evals/labelled/dev.jsonl and test.jsonl from evals/labelled/authored.yaml.

Every passage contributes its hand-written true summaries (supported), its hand-written false
ones (unsupported) and one generated perturbation per true summary (unsupported). Passages, not
examples, are split between dev and test, so no story is seen on both sides. Deterministic.

    python evals/make_labelled.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from summarizer.checker.perturb import people_in, perturb_all
from summarizer.segment import split_sentences

HERE = Path(__file__).resolve().parent / "labelled"
SEED = 7
# Passages held out for the test split, chosen before any tuning to spread the topics.
TEST_PASSAGES = frozenset(
    [
        "p02-football",
        "p05-court",
        "p07-vaccine",
        "p10-wildfire",
        "p12-tennis",
        "p13-budget",
        "p15-energy",
        "p17-space",
        "p18-housing",
        "p20-zoo",
    ]
)


def build(passages: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    splits: dict[str, list[dict[str, Any]]] = {"dev": [], "test": []}
    for n, passage in enumerate(passages):
        sources = [s.strip() for s in passage["sources"]]
        split = "test" if passage["id"] in TEST_PASSAGES else "dev"
        rows: list[tuple[str, str, str]] = [(t, "supported", "true") for t in passage["supported"]]
        rows += [(f["text"], "unsupported", f"hand:{f['kind']}") for f in passage["unsupported"]]
        people = people_in(s for text in sources for s in split_sentences(text))
        for p in perturb_all(passage["supported"], seed=SEED + n, people=people, per_text=1):
            rows.append((p.text, "unsupported", p.kind))
        for i, (summary, label, kind) in enumerate(rows):
            splits[split].append(
                {
                    "id": f"{passage['id']}-{i:02d}",
                    "passage": passage["id"],
                    "topic": passage["topic"],
                    "sources": sources,
                    "summary": summary,
                    "label": label,
                    "kind": kind,
                }
            )
    return splits


def main() -> None:
    passages = yaml.safe_load((HERE / "authored.yaml").read_text())
    for name, rows in build(passages).items():
        with (HERE / f"{name}.jsonl").open("w") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        positives = sum(r["label"] == "supported" for r in rows)
        print(f"{name}: {len(rows)} examples ({positives} supported)")


if __name__ == "__main__":
    main()
