"""`summarizer` run in-process with captured output, checked for what must never be printed:
a traceback, an "internal error", a stderr line the CLI did not write, a control character."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from summarizer.cli import main
from summarizer.redact import printable


class Cli:
    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys
        self.out = self.err = ""

    def __call__(self, *args: str) -> int:
        code = main(list(args))
        captured = self.capsys.readouterr()
        self.out, self.err = captured.out, captured.err
        assert "Traceback" not in self.err and "internal error" not in self.err, self.err
        lines = self.err.splitlines()
        # Every stderr line is the CLI's own: no file name or text forged one.
        assert all(line.startswith("summarizer: ") for line in lines), self.err
        assert not any(line.startswith("summarizer: error:") for line in lines[:-1]), self.err
        for text in (self.out, self.err):
            assert not any(ch in text for ch in "\x1b\x07\x00\x9b"), "a control character leaked"
        return code

    def prepare(self, *paths: str | Path, extra: tuple[str, ...] = ()) -> dict[str, Any]:
        assert self("prepare", *map(str, paths), "--format", "json", *extra) == 0, self.err
        data: dict[str, Any] = json.loads(self.out)
        return data

    def brief(self, *paths: str | Path, extra: tuple[str, ...] = ()) -> dict[str, Any]:
        args = ("brief", *map(str, paths), "--engine", "extractive", "--format", "json", *extra)
        assert self(*args) == 0, self.err
        data: dict[str, Any] = json.loads(self.out)
        return data

    @property
    def warnings(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("summarizer: warning:")]

    def warned(self, name: str) -> bool:
        """Some warning names ``name`` (as printable() shows it)."""
        return any(printable(name) in line for line in self.warnings)
