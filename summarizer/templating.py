"""Prompt templates: Jinja2 files under ``prompts/``, rendered by one function.

Untrusted article text only ever enters as template variables, inside a fence whose markers
cannot occur in the data (they carry a random-looking tag derived from the prompt version).
The prompt version is a hash of every template file and is recorded in every output.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import resources
from typing import Any

import jinja2

_PACKAGE = "summarizer.prompts"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_load),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # prompts are plain text; HTML rendering has its own environment
        keep_trailing_newline=False,
        trim_blocks=False,
    )


def _load(name: str) -> str:
    return resources.files(_PACKAGE).joinpath(name).read_text(encoding="utf-8")


def template_names() -> list[str]:
    return sorted(p.name for p in resources.files(_PACKAGE).iterdir() if p.name.endswith(".j2"))


@lru_cache(maxsize=1)
def prompt_version() -> str:
    """Short hash over all template names and contents: changes whenever a prompt changes."""
    digest = hashlib.sha256()
    for name in template_names():
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(_load(name).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def fence() -> tuple[str, str]:
    tag = prompt_version()[:8].upper()
    return f"<<<UNTRUSTED-{tag}", f"UNTRUSTED-{tag}>>>"


def render(name: str, **variables: Any) -> str:
    """Render ``prompts/<name>.j2`` with StrictUndefined; fence markers are always provided."""
    fence_open, fence_close = fence()
    template = _environment().get_template(f"{name}.j2")
    return template.render(fence_open=fence_open, fence_close=fence_close, **variables).strip()


def strip_fence_markers(text: str) -> str:
    """Remove anything in untrusted text that imitates our fence markers."""
    fence_open, fence_close = fence()
    for marker in (fence_open, fence_close, "<<<", ">>>"):
        text = text.replace(marker, " ")
    return text
