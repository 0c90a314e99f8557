"""A scripted "model" for the briefing prompts, served through the stub server.

It reads the numbered sentences out of the claims prompt and answers with claims that restate
them (optionally corrupted), and answers the merge prompt with a grouping; tests swap in
behaviours to exercise the pipeline's checks.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from stubserver import Reply, reply

_NUMBERED = re.compile(r"^(\d+)\. (.+)$", re.MULTILINE)


def user_message(body: dict[str, Any]) -> str:
    return str(body["messages"][-1]["content"]) if body.get("messages") else ""


def prompt_text(body: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content", "")) for m in body.get("messages", []))


def numbered(body: dict[str, Any]) -> list[tuple[int, str]]:
    """The numbered lines of the first user message (sentences or claims)."""
    first_user = next(m for m in body["messages"] if m["role"] == "user")
    return [(int(n), text) for n, text in _NUMBERED.findall(first_user["content"])]


def is_merge(body: dict[str, Any]) -> bool:
    return "Group the numbered claims" in prompt_text(body)


def is_lede(body: dict[str, Any]) -> bool:
    return 'JSON: {"sentences"' in prompt_text(body)


def copy_facts(body: dict[str, Any], k: int = 3) -> Reply:
    """A lede that restates the first ``k`` facts it was given, each citing its number."""
    facts = [(n, text.split(") ", 1)[-1]) for n, text in numbered(body)[:k]]
    sentences = [{"facts": [n], "text": text} for n, text in facts]
    return reply(json.dumps({"sentences": sentences}), prompt_tokens=80, completion_tokens=30)


def copy_claims(body: dict[str, Any], k: int = 3, edit: Callable[[str], str] = str) -> Reply:
    """Claims that restate the first ``k`` shown sentences, each citing its own number."""
    claims = [{"sentences": [n], "text": edit(text)} for n, text in numbered(body)[:k]]
    return reply(json.dumps({"claims": claims}), prompt_tokens=100, completion_tokens=40)


def no_groups(body: dict[str, Any]) -> Reply:
    return reply(json.dumps({"groups": []}), prompt_tokens=50, completion_tokens=5)


def good_model(body: dict[str, Any]) -> Reply:
    if is_lede(body):
        return copy_facts(body)
    return no_groups(body) if is_merge(body) else copy_claims(body)
