"""Run settings for the model layer, resolved once from flags, environment, config file, defaults.

Precedence per field: a flag that is not None > environment > TOML config file > default.
The API key comes only from a flag or the environment, never from the config file.
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import platformdirs

from summarizer.errors import UsageError

EMBEDDED_LABEL = "embedded SmolLM2"

# Environment variable -> Settings field; SUMMARIZER_CONFIG names the config file instead.
ENV_VARS: Mapping[str, str] = {
    "OPENAI_API_KEY": "api_key",
    "OPENAI_BASE_URL": "base_url",
    "SUMMARIZER_MODEL": "model",
    "SUMMARIZER_CACHE_DIR": "cache_dir",
}
CONFIG_ENV_VAR = "SUMMARIZER_CONFIG"


def default_config_path() -> Path:
    return platformdirs.user_config_path("summarizer") / "config.toml"


def default_cache_dir() -> Path:
    return platformdirs.user_cache_path("summarizer")


@dataclass(frozen=True)
class Settings:
    """What the model layer needs: built directly in tests, by resolve_settings in the CLI."""

    base_url: str | None = None  # None: start the embedded model
    api_key: str | None = field(default=None, repr=False)
    model: str | None = None  # None: the embedded alias, or the endpoint's first listed model
    timeout: float = 60.0  # seconds a model call may go without a token (stuck, not slow)
    max_retries: int = 3
    deadline: float | None = 900.0  # seconds for the whole run; None: no overall limit
    concurrency: int = 4  # sources at once; calls at once too, except for the embedded model
    cache_dir: Path = field(default_factory=default_cache_dir)
    use_cache: bool = True
    temperature: float = 0.0
    json_mode: bool = False  # send response_format=json_object to a configured endpoint
    retry_backoff: float = 0.5  # first backoff in seconds; doubles per retry, with jitter
    retry_backoff_max: float = 20.0

    def __post_init__(self) -> None:
        _check(self.timeout > 0, "timeout", self.timeout, "must be a positive number of seconds")
        _check(self.max_retries >= 0, "max_retries", self.max_retries, "must be 0 or more")
        _check(
            self.deadline is None or self.deadline > 0,
            "deadline",
            self.deadline,
            "must be a positive number of seconds (0 in a flag or config means none)",
        )
        _check(self.concurrency >= 1, "concurrency", self.concurrency, "must be 1 or more")
        _check(0.0 <= self.temperature <= 2.0, "temperature", self.temperature, "must be 0..2")
        _check(self.retry_backoff >= 0, "retry_backoff", self.retry_backoff, "must be 0 or more")
        _check(
            self.retry_backoff_max >= self.retry_backoff,
            "retry_backoff_max",
            self.retry_backoff_max,
            "must be at least retry_backoff",
        )
        if self.base_url is not None:
            parts = urlsplit(self.base_url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise UsageError(
                    f"base_url must be an http(s) URL like http://localhost:8080/v1, "
                    f"got {redact_url(self.base_url)!r}"
                )

    @property
    def endpoint_label(self) -> str:
        """Where calls go, for messages: the base URL without credentials, or the embedded model."""
        return EMBEDDED_LABEL if self.base_url is None else redact_url(self.base_url)


def redact_url(url: str) -> str:
    """Drop user info, query and fragment, which may carry credentials."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return "<invalid URL>"
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{port}" if port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _check(ok: bool, name: str, value: object, why: str) -> None:
    if not ok:
        raise UsageError(f"{name} {why}, got {value!r}")


# --- resolution ------------------------------------------------------------------------------


def _as_float(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise UsageError(f"{name} must be a number, got {value!r}")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(result):
        raise UsageError(f"{name} must be a finite number, got {value!r}")
    return result


def _as_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise UsageError(f"{name} must be a whole number, got {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name} must be a whole number, got {value!r}") from None


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise UsageError(f"{name} must be true or false, got {value!r}")


def _as_str(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{name} must be a non-empty string, got {value!r}")
    return value.strip()


def _as_path(name: str, value: Any) -> Path:
    if isinstance(value, Path):
        return value.expanduser()
    return Path(_as_str(name, value)).expanduser()


def _as_deadline(name: str, value: Any) -> float | None:
    seconds = _as_float(name, value)
    return None if seconds == 0 else seconds


_PARSERS: Mapping[str, Callable[[str, Any], Any]] = {
    "base_url": _as_str,
    "api_key": _as_str,
    "model": _as_str,
    "timeout": _as_float,
    "max_retries": _as_int,
    "deadline": _as_deadline,
    "concurrency": _as_int,
    "cache_dir": _as_path,
    "use_cache": _as_bool,
    "temperature": _as_float,
    "json_mode": _as_bool,
    "retry_backoff": _as_float,
    "retry_backoff_max": _as_float,
}
assert set(_PARSERS) == {f.name for f in fields(Settings)}


def read_config_file(path: Path) -> dict[str, Any]:
    """The whole TOML config file; a bad or unreadable file is a UsageError naming it."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"bad config file {path}: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror or exc}") from None


def load_config(path: Path) -> dict[str, Any]:
    """Read the TOML config file's settings; tables (other sections) are left to their owners."""
    data = read_config_file(path)
    if "api_key" in data:
        raise UsageError(
            f"config file {path} sets api_key; API keys come from the environment "
            "(OPENAI_API_KEY), never from a file"
        )
    unknown = sorted(k for k, v in data.items() if k not in _PARSERS and not isinstance(v, dict))
    if unknown:
        raise UsageError(
            f"config file {path}: unknown setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(k for k in _PARSERS if k != 'api_key')}"
        )
    return {k: v for k, v in data.items() if k in _PARSERS}


def resolve_settings(
    flags: Mapping[str, Any],
    env: Mapping[str, str] = os.environ,
    config_path: Path | None = None,
) -> Settings:
    """Resolve every field once: flag (not None) > env > config file > default.

    ``flags`` uses Settings field names; other keys are ignored so a CLI can pass all its
    arguments. ``no_cache=True`` is accepted as the inverse of ``use_cache``. ``deadline=0``
    means no overall deadline. ``config_path`` falls back to $SUMMARIZER_CONFIG, then the
    platform's config dir; only a named config file has to exist.
    """
    if config_path is None and env.get(CONFIG_ENV_VAR):
        config_path = Path(env[CONFIG_ENV_VAR]).expanduser()
    if config_path is not None:
        config = load_config(config_path)
    else:
        default = default_config_path()
        config = load_config(default) if default.is_file() else {}

    flag_values = {k: v for k, v in flags.items() if k in _PARSERS and v is not None}
    if flags.get("no_cache") and "use_cache" not in flag_values:
        flag_values["use_cache"] = False
    env_values = {name: env[var] for var, name in ENV_VARS.items() if env.get(var, "").strip()}

    values: dict[str, Any] = {}
    for name, parse in _PARSERS.items():
        for source in (flag_values, env_values, config):
            if name in source:
                values[name] = parse(name, source[name])
                break
    return Settings(**values)
