"""Prompt templates: Jinja2 files under ``prompts/``, rendered by one function.

Untrusted article text only ever enters as template variables, inside a fence whose markers
cannot occur in the data (they carry a random-looking tag derived from the prompt version).
The prompt version is a hash of every template file and is recorded in every output.
``SUMMARIZER_PROMPTS_DIR`` replaces the shipped templates with another folder (to evaluate a
prompt change without editing the package); the version then hashes that folder.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

import jinja2

from summarizer.errors import UsageError

_PACKAGE = "summarizer.prompts"
PROMPTS_DIR_ENV = "SUMMARIZER_PROMPTS_DIR"


def prompts_dir() -> Traversable:
    """The folder templates are read from: ``$SUMMARIZER_PROMPTS_DIR`` or the shipped prompts."""
    override = os.environ.get(PROMPTS_DIR_ENV)
    if not override:
        return resources.files(_PACKAGE)
    folder = Path(override).expanduser()
    if not folder.is_dir():
        raise UsageError(f"{PROMPTS_DIR_ENV}={override} is not a folder of prompt templates")
    return folder


def clear_caches() -> None:
    """Forget loaded templates and versions (for tests that edit templates in place)."""
    _environment.cache_clear()
    _version_of.cache_clear()


@lru_cache(maxsize=8)
def _environment(folder: str) -> jinja2.Environment:
    root = prompts_dir()
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: _load(root, name)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # prompts are plain text; HTML rendering has its own environment
        keep_trailing_newline=False,
        trim_blocks=False,
    )


def _load(root: Traversable, name: str) -> str:
    return root.joinpath(name).read_text(encoding="utf-8")


def template_names() -> list[str]:
    return sorted(p.name for p in prompts_dir().iterdir() if p.name.endswith(".j2"))


def prompt_version() -> str:
    """Short hash over all template names and contents: changes whenever a prompt changes."""
    return _version_of(str(prompts_dir()))


@lru_cache(maxsize=8)
def _version_of(folder: str) -> str:
    root = prompts_dir()
    digest = hashlib.sha256()
    for name in template_names():
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update(_load(root, name).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


def fence() -> tuple[str, str]:
    tag = prompt_version()[:8].upper()
    return f"<<<UNTRUSTED-{tag}", f"UNTRUSTED-{tag}>>>"


def render(name: str, **variables: Any) -> str:
    """Render ``prompts/<name>.j2`` with StrictUndefined; fence markers are always provided.

    Every variable is untrusted data (an outlet name, a sentence, a claim): its text, however
    deeply nested in lists and tuples, is stripped of anything imitating the fence markers and
    kept on one line, so no field can close the fence or start a numbered line of its own.
    """
    fence_open, fence_close = fence()
    template = _environment(str(prompts_dir())).get_template(f"{name}.j2")
    data = {key: _as_data(value) for key, value in variables.items()}
    return template.render(fence_open=fence_open, fence_close=fence_close, **data).strip()


def _as_data(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(strip_fence_markers(value).split())  # one line: no forged numbering
    if isinstance(value, list | tuple):
        return type(value)(_as_data(item) for item in value)
    return value


def strip_fence_markers(text: str) -> str:
    """Remove anything in untrusted text that imitates our fence markers."""
    fence_open, fence_close = fence()
    for marker in (fence_open, fence_close, "<<<", ">>>"):
        text = text.replace(marker, " ")
    return text
