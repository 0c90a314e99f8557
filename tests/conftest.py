"""Shared fixtures: a clean environment for every test, and the OpenAI-compatible stub server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from stubserver import StubServer


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No OPENAI_*/SUMMARIZER_* from the developer's shell; config and cache dirs in tmp."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "SUMMARIZER_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("SUMMARIZER_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def stub() -> Iterator[StubServer]:
    """A running stub server; script it with stub.enqueue(...), see tests/stubserver.py."""
    with StubServer() as server:
        yield server
