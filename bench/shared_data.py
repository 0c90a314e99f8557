"""Data the bench scripts read from beside the project when it is there, never from inside it:
FRANK's dev split (real news articles and human-labelled model summaries; its licence keeps it
out of the repository)."""

from __future__ import annotations

from pathlib import Path

FRANK = Path(__file__).resolve().parents[2] / "shared" / "factuality" / "frank_valid.jsonl"
