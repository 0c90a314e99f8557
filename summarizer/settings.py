"""Run settings, resolved once from flags, environment, config file, defaults.

One frozen object says how to brief (engine, points), which model to ask and how, and where
to run (in this process, or on a Ray cluster); it travels to Ray workers as it is, except
for the API key, which never leaves a process: workers read it from their own environment.

Precedence per field: a flag that is not None > environment > TOML config file > default.
The API key comes only from a flag or the environment, never from the config file.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import platformdirs

from summarizer.defaults import DEFAULT_MAX_POINTS, DEFAULT_MAX_SOURCES
from summarizer.errors import UsageError
from summarizer.types import Engine

EMBEDDED_LABEL = "embedded SmolLM2"
API_KEY_ENV_VAR = "OPENAI_API_KEY"

# Environment variable -> Settings field; SUMMARIZER_CONFIG names the config file instead.
ENV_VARS: Mapping[str, str] = {
    API_KEY_ENV_VAR: "api_key",
    "OPENAI_BASE_URL": "base_url",
    "SUMMARIZER_MODEL": "model",
    "SUMMARIZER_CACHE_DIR": "cache_dir",
    "SUMMARIZER_RAY_ADDRESS": "ray",
}
CONFIG_ENV_VAR = "SUMMARIZER_CONFIG"


def default_config_path() -> Path:
    return platformdirs.user_config_path("summarizer") / "config.toml"


def default_cache_dir() -> Path:
    return platformdirs.user_cache_path("summarizer")


@dataclass(frozen=True)
class Settings:
    """What a run needs: built directly in tests, by resolve_settings in the CLI.

    Pickling (how Ray ships it to workers) leaves the API key out; ``with_key_from`` puts the
    worker's own back.
    """

    engine: Engine = "llm"
    max_points: int = DEFAULT_MAX_POINTS  # points per briefing
    max_sources: int = DEFAULT_MAX_SOURCES  # articles a briefing is made from, the most central
    ray: str | None = None  # a Ray cluster's address, "auto", or None: run in this process
    parallel: int = 2  # stories briefed at once in this process (on Ray: the cluster's CPUs)
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
        _check(self.engine in ("llm", "extractive"), "engine", self.engine, "is llm or extractive")
        _check(self.max_points >= 1, "max_points", self.max_points, "must be 1 or more")
        _check(self.max_sources >= 1, "max_sources", self.max_sources, "must be 1 or more")
        _check(self.parallel >= 1, "parallel", self.parallel, "must be 1 or more")
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

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the API key: settings cross to other processes, secrets do not."""
        state = dict(self.__dict__)
        state["api_key"] = None
        return state

    def __copy__(self) -> Settings:
        return self  # immutable; and a copy must not lose the key the way a pickle does

    def __deepcopy__(self, memo: dict[int, Any]) -> Settings:
        return self

    def with_key_from(self, env: Mapping[str, str]) -> Settings:
        """These settings with the API key of ``env`` (a Ray worker's own environment)."""
        key = env.get(API_KEY_ENV_VAR, "").strip() or None
        return self if key == self.api_key else replace(self, api_key=key)

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


# --- one parser: values, layers, the config file --------------------------------------------
# Every command resolves its settings here, nightly's [nightly] table included: the same value
# parsers, the same precedence, the same refusal of secrets in files.

Parser = Callable[[str, Any], Any]  # (how the value is named in errors, raw value) -> value

# Secrets a config file may never hold, at any level, and where they come from instead.
SECRETS: Mapping[str, str] = {
    "api_key": API_KEY_ENV_VAR,
    "smtp_password": "SUMMARIZER_SMTP_PASSWORD",
}


def as_number(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise UsageError(f"{name} must be a number, got {value!r}")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name} must be a number, got {value!r}") from None
    if not math.isfinite(result):
        raise UsageError(f"{name} must be a finite number, got {value!r}")
    return result


def as_positive_number(name: str, value: Any) -> float:
    result = as_number(name, value)
    if result <= 0:
        raise UsageError(f"{name} must be a positive number, got {value!r}")
    return result


def as_whole(name: str, value: Any) -> int:
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise UsageError(f"{name} must be a whole number, got {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UsageError(f"{name} must be a whole number, got {value!r}") from None


def as_count(name: str, value: Any) -> int:
    """A whole number, 1 or more."""
    result = as_whole(name, value)
    if result < 1:
        raise UsageError(f"{name} must be 1 or more, got {value!r}")
    return result


def as_flag(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "false", "no", "off"):
        return False
    raise UsageError(f"{name} must be true or false, got {value!r}")


def as_text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(f"{name} must be a non-empty string, got {value!r}")
    return value.strip()


def as_path(name: str, value: Any) -> Path:
    if isinstance(value, Path):
        return value.expanduser()
    return Path(as_text(name, value)).expanduser()


def as_engine(name: str, value: Any) -> str:
    if value not in ("llm", "extractive"):
        raise UsageError(f"{name} must be llm or extractive, got {value!r}")
    return str(value)


def as_date(name: str, value: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value  # TOML reads `date = 2026-11-21` as a date
    try:
        return dt.date.fromisoformat(as_text(name, value))
    except ValueError:
        raise UsageError(f"{name} must be a date like 2026-11-21, got {value!r}") from None


def as_deadline(name: str, value: Any) -> float | None:
    seconds = as_number(name, value)
    return None if seconds == 0 else seconds


FIELDS: Mapping[str, Parser] = {
    "engine": as_engine,
    "max_points": as_whole,
    "max_sources": as_whole,
    "ray": as_text,
    "parallel": as_whole,
    "base_url": as_text,
    "api_key": as_text,
    "model": as_text,
    "timeout": as_number,
    "max_retries": as_whole,
    "deadline": as_deadline,
    "concurrency": as_whole,
    "cache_dir": as_path,
    "use_cache": as_flag,
    "temperature": as_number,
    "json_mode": as_flag,
    "retry_backoff": as_number,
    "retry_backoff_max": as_number,
}
assert set(FIELDS) == {f.name for f in fields(Settings)}


@dataclass(frozen=True)
class Layer:
    """One place values come from (flags, environment, a config table) and how a value from it
    is named in an error."""

    values: Mapping[str, Any]
    label: Callable[[str], str]


def flag_layer(flags: Mapping[str, Any]) -> Layer:
    """Flags by field name; None means "not given"."""
    given = {k: v for k, v in flags.items() if v is not None}
    return Layer(given, lambda key: "--" + key.replace("_", "-"))


def resolve_fields(parsers: Mapping[str, Parser], layers: Sequence[Layer]) -> dict[str, Any]:
    """Each field from the first layer that has it, parsed; fields no layer has are left out."""
    values: dict[str, Any] = {}
    for key, parse in parsers.items():
        for layer in layers:
            if key in layer.values:
                values[key] = parse(layer.label(key), layer.values[key])
                break
    return values


@dataclass(frozen=True)
class ConfigFile:
    """A TOML config file: top-level settings, and a table per command (``[nightly]``)."""

    path: Path | None = None  # None: no config file
    data: Mapping[str, Any] = field(default_factory=dict)

    def settings(self) -> Layer:
        top = {k: v for k, v in self.data.items() if not isinstance(v, dict)}
        return Layer(top, lambda key: key)

    def table(self, name: str) -> Mapping[str, Any]:
        table = self.data.get(name, {})
        if not isinstance(table, dict):
            raise UsageError(f"config file {self.path}: [{name}] must be a table")
        return table

    def check_table(self, name: str, known: Iterable[str]) -> None:
        """Refuse keys of ``[name]`` that are neither ``known`` nor run settings."""
        allowed = [*known, *(k for k in FIELDS if k not in SECRETS)]
        unknown = sorted(k for k in self.table(name) if k not in allowed)
        if unknown:
            raise UsageError(
                f"config file {self.path}: unknown [{name}] setting(s) {', '.join(unknown)}; "
                f"known: {', '.join(allowed)}"
            )


def read_config(path: Path | None = None, env: Mapping[str, str] = os.environ) -> ConfigFile:
    """The config file: ``path``, else $SUMMARIZER_CONFIG, else the platform's config dir.

    Only a named file has to exist. A file that holds a secret, anywhere, is refused, and so is
    an unknown top-level setting; tables are checked by the commands that own them.
    """
    if path is None and env.get(CONFIG_ENV_VAR, "").strip():
        path = Path(env[CONFIG_ENV_VAR]).expanduser()
    if path is None:
        default = default_config_path()
        if not default.is_file():
            return ConfigFile()
        path = default
    data = read_config_file(path)
    for scope in (data, *(v for v in data.values() if isinstance(v, dict))):
        for key, var in SECRETS.items():
            if key in scope:
                raise UsageError(
                    f"config file {path} sets {key}; secrets come only from the environment "
                    f"({var}), never from a file"
                )
    unknown = sorted(k for k, v in data.items() if k not in FIELDS and not isinstance(v, dict))
    if unknown:
        raise UsageError(
            f"config file {path}: unknown setting(s) {', '.join(unknown)}; "
            f"known: {', '.join(k for k in FIELDS if k not in SECRETS)}"
        )
    return ConfigFile(path, data)


def read_config_file(path: Path) -> dict[str, Any]:
    """The whole TOML config file; a bad or unreadable file is a UsageError naming it."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"bad config file {path}: {exc}") from None
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror or exc}") from None


def resolve_settings(
    flags: Mapping[str, Any],
    env: Mapping[str, str] = os.environ,
    config_path: Path | None = None,
    *,
    table: str | None = None,
) -> Settings:
    """Resolve every field once: flag (not None) > env > ``[table]`` > config file > default.

    ``flags`` uses Settings field names; other keys are ignored so a CLI can pass all its
    arguments. ``no_cache=True`` is accepted as the inverse of ``use_cache``. ``deadline=0``
    means no overall deadline. ``table`` names a command's table of the config file
    (``nightly``), whose settings win over the file's top level for that command.
    """
    config = read_config(config_path, env)
    flag_values = {k: v for k, v in flags.items() if k in FIELDS}
    if flags.get("no_cache") and flag_values.get("use_cache") is None:
        flag_values["use_cache"] = False
    env_values = {name: env[var] for var, name in ENV_VARS.items() if env.get(var, "").strip()}
    layers = [flag_layer(flag_values), Layer(env_values, _env_label)]
    if table is not None:
        own = {k: v for k, v in config.table(table).items() if k in FIELDS}
        layers.append(Layer(own, lambda key: f"{table}.{key}"))
    layers.append(config.settings())
    return Settings(**resolve_fields(FIELDS, layers))


def _env_label(key: str) -> str:
    return next(var for var, name in ENV_VARS.items() if name == key)
