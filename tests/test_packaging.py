"""The wheel must ship every subpackage, the prompts and the email templates."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_listed_in_pyproject() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "summarizer").rglob("__init__.py")
    }
    assert found <= listed
    assert "summarizer.prompts" in listed
    assert config["tool"]["setuptools"]["package-dir"]["summarizer.prompts"] == "prompts"


def test_prompts_and_templates_exist_as_package_data() -> None:
    assert sorted(p.name for p in (ROOT / "prompts").glob("*.j2"))
    assert (ROOT / "summarizer" / "templates" / "email.html.j2").is_file()
    assert (ROOT / "summarizer" / "py.typed").is_file()
