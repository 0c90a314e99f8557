"""Defaults the CLI's help shows, in a module that imports nothing (so --help stays fast)."""

from __future__ import annotations

from pathlib import Path

DEFAULT_MAX_CHUNK_TOKENS = 512  # tokens per chunk of a prepared source
DEFAULT_MAX_POINTS = 12  # points in a briefing
DEFAULT_MAX_SOURCES = 500  # articles `brief` briefs from (the most central, one per outlet first)
# A day's news holds thousands of stories: the nightly email briefs the most widely covered
# ones, each from its most central articles, and lists the next ones in a line each.
DEFAULT_MAX_STORIES = 20
DEFAULT_MAX_STORY_ARTICLES = 30
DEFAULT_CASES = Path("evals/cases")  # the eval harness's cases, from the repository root
DEFAULT_BASELINE = Path("evals/baseline.json")
