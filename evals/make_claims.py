"""Regenerate evals/claims/seeds_perturbed.jsonl from the hand-written true claims and from real
seed sentences, with summarizer.checker.perturb (deterministic: same inputs, same file).

    python evals/make_claims.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from summarizer.checker.perturb import people_in, perturb_all
from summarizer.segment import split_sentences

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CLAIMS = ROOT / "evals" / "claims"
SEED = 20220216
PER_TRUE_CLAIM = 2
SEED_SENTENCES = 40
_JUNK = ("Photo", "Leave a Reply", "You May Also Like", "Source:", "Уважаемый", "email address")


def load_sources() -> dict[str, list[str]]:
    return {p.stem: split_sentences(p.read_text()) for p in sorted(SEEDS.glob("*.txt"))}


def seed_sentences(
    sources: dict[str, list[str]], count: int, rng: random.Random
) -> list[dict[str, Any]]:
    """Real article sentences (not captions or page chrome) to perturb directly."""
    eligible = [
        {"source": sid, "index": i, "text": s}
        for sid, sentences in sources.items()
        for i, s in enumerate(sentences)
        if 10 <= len(s.split()) <= 45 and "\n" not in s and not any(j in s for j in _JUNK)
    ]
    return rng.sample(eligible, min(count, len(eligible)))


def main() -> None:
    sources = load_sources()
    people = people_in(s for sentences in sources.values() for s in sentences)
    true_rows = [json.loads(line) for line in (CLAIMS / "seeds_true.jsonl").open()]
    rng = random.Random(SEED)
    rows = []
    by_text = {r["claim"]: r for r in true_rows}
    for p in perturb_all(by_text, seed=SEED, people=people, per_text=PER_TRUE_CLAIM):
        origin = by_text[p.original]
        rows.append((p, origin["id"], origin["sources"]))
    picked = seed_sentences(sources, SEED_SENTENCES, rng)
    by_sentence = {s["text"]: s for s in picked}
    for p in perturb_all(by_sentence, seed=SEED + 1, people=people, per_text=1):
        origin = by_sentence[p.original]
        rows.append((p, f"seed:{origin['source']}#{origin['index']}", [origin["source"]]))
    with (CLAIMS / "seeds_perturbed.jsonl").open("w") as f:
        for n, (p, origin_id, source_ids) in enumerate(rows, 1):
            record = {
                "id": f"perturbed-{n:03d}",
                "claim": p.text,
                "kind": p.kind,
                "detail": p.detail,
                "original": p.original,
                "from": origin_id,
                "sources": source_ids,
                "label": "unsupported",
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} perturbed claims to {CLAIMS / 'seeds_perturbed.jsonl'}")


if __name__ == "__main__":
    main()
