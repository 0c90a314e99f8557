"""Defaults the CLI's help shows, in a module that imports nothing (so --help stays fast)."""

from __future__ import annotations

from pathlib import Path

DEFAULT_MAX_CHUNK_TOKENS = 512  # tokens per chunk of a prepared source
DEFAULT_MAX_POINTS = 12  # points in a briefing
DEFAULT_CASES = Path("evals/cases")  # the eval harness's cases, from the repository root
DEFAULT_BASELINE = Path("evals/baseline.json")
