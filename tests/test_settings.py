"""Settings: one resolution, flag > environment > config file > default."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.errors import UsageError
from summarizer.nightly import resolve_options
from summarizer.settings import Settings, default_cache_dir, resolve_settings


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_with_nothing_set() -> None:
    s = resolve_settings({}, env={})
    assert s.base_url is None and s.api_key is None and s.model is None
    assert (s.timeout, s.max_retries, s.deadline, s.concurrency) == (60.0, 3, 900.0, 4)
    assert s.use_cache and s.temperature == 0.0
    assert s.cache_dir == default_cache_dir()
    assert s.endpoint_label == "embedded SmolLM2"


def test_default_config_file_is_read(tmp_path: Path) -> None:
    # conftest points XDG_CONFIG_HOME at tmp_path / "xdg-config"
    default = tmp_path / "xdg-config" / "summarizer" / "config.toml"
    default.parent.mkdir(parents=True)
    default.write_text('model = "from-default-config"\n', encoding="utf-8")
    assert resolve_settings({}, env={}).model == "from-default-config"


@pytest.mark.parametrize(
    ("field", "flag", "env_var", "config_value"),
    [
        ("model", "flag-model", "SUMMARIZER_MODEL", '"config-model"'),
        ("base_url", "http://flag:1/v1", "OPENAI_BASE_URL", '"http://config:3/v1"'),
        ("cache_dir", "/flag/cache", "SUMMARIZER_CACHE_DIR", '"/config/cache"'),
    ],
)
def test_precedence_flag_env_config_default(
    tmp_path: Path, field: str, flag: str, env_var: str, config_value: str
) -> None:
    config = write_config(tmp_path, f"{field} = {config_value}\n")
    env_value = {"model": "env-model", "base_url": "http://env:2/v1", "cache_dir": "/env/cache"}[
        field
    ]
    env = {env_var: env_value}

    def value(flags: dict[str, object], env: dict[str, str], config: Path | None) -> object:
        got = getattr(resolve_settings(flags, env=env, config_path=config), field)
        return str(got) if isinstance(got, Path) else got

    assert value({field: flag}, env, config) == flag
    assert value({field: None}, env, config) == env_value
    assert value({}, {}, config) == config_value.strip('"')
    default = str(default_cache_dir()) if field == "cache_dir" else None
    assert value({}, {}, None) == default


def test_numbers_come_from_flags_over_config(tmp_path: Path) -> None:
    config = write_config(tmp_path, "timeout = 5\nmax_retries = 1\nconcurrency = 2\n")
    s = resolve_settings({"timeout": 7.5}, env={}, config_path=config)
    assert (s.timeout, s.max_retries, s.concurrency) == (7.5, 1, 2)


def test_config_path_from_environment(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'model = "via-env-path"\n')
    assert resolve_settings({}, env={"SUMMARIZER_CONFIG": str(config)}).model == "via-env-path"


def test_api_key_from_env_or_flag_but_never_the_config(tmp_path: Path) -> None:
    assert resolve_settings({}, env={"OPENAI_API_KEY": "sk-env"}).api_key == "sk-env"
    flags = {"api_key": "sk-flag"}
    assert resolve_settings(flags, env={"OPENAI_API_KEY": "sk-env"}).api_key == "sk-flag"
    config = write_config(tmp_path, 'api_key = "sk-in-a-file"\n')
    with pytest.raises(UsageError, match="environment") as info:
        resolve_settings({}, env={}, config_path=config)
    assert "sk-in-a-file" not in str(info.value)


def test_key_is_not_in_repr() -> None:
    s = resolve_settings({}, env={"OPENAI_API_KEY": "sk-canary-XYZ"})
    assert "sk-canary-XYZ" not in repr(s)
    assert "sk-canary-XYZ" not in str(s)


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    config = write_config(tmp_path, "model = \n")
    with pytest.raises(UsageError, match=str(config)) as info:
        resolve_settings({}, env={}, config_path=config)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("flags", "config_text", "message"),
    [
        ({"timeout": -1}, "", "timeout"),
        ({}, "timeout = -2\n", "timeout"),
        ({}, 'timeout = "soon"\n', "timeout must be a number"),
        ({}, "max_retries = 1.5\n", "max_retries"),
        ({"concurrency": 0}, "", "concurrency"),
        ({}, "use_cache = 3\n", "use_cache"),
        ({}, 'modle = "typo"\n', "unknown setting"),
        ({"base_url": "localhost:8080"}, "", "base_url"),
    ],
)
def test_invalid_values_are_usage_errors(
    tmp_path: Path, flags: dict[str, object], config_text: str, message: str
) -> None:
    config = write_config(tmp_path, config_text)
    with pytest.raises(UsageError, match=message):
        resolve_settings(flags, env={}, config_path=config)


def test_missing_named_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read config file"):
        resolve_settings({}, env={}, config_path=tmp_path / "nope.toml")


def test_tables_in_config_are_left_to_other_sections(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'model = "m"\n[mail]\nto = "me@example.org"\n')
    assert resolve_settings({}, env={}, config_path=config).model == "m"


def test_deadline_zero_means_none_and_no_cache_flag() -> None:
    s = resolve_settings({"deadline": 0, "no_cache": True, "unrelated": "x"}, env={})
    assert s.deadline is None
    assert not s.use_cache


def test_empty_environment_values_are_unset() -> None:
    assert resolve_settings({}, env={"OPENAI_BASE_URL": "", "SUMMARIZER_MODEL": " "}).model is None


def test_endpoint_label_hides_credentials() -> None:
    s = Settings(base_url="https://user:pa55@example.invalid:8443/v1?key=sk-x#frag")
    assert s.endpoint_label == "https://example.invalid:8443/v1"
    assert Settings(base_url="http://localhost:8080/v1").endpoint_label == (
        "http://localhost:8080/v1"
    )


# --- one parser for every command ------------------------------------------------------------


def test_a_command_table_sets_run_settings_for_that_command_only(tmp_path: Path) -> None:
    text = 'max_points = 5\nmodel = "top"\n[nightly]\nmax_points = 3\nengine = "extractive"\n'
    config = write_config(tmp_path, text)
    nightly = resolve_settings({}, env={}, config_path=config, table="nightly")
    assert (nightly.max_points, nightly.engine, nightly.model) == (3, "extractive", "top")
    everyone = resolve_settings({}, env={}, config_path=config)
    assert (everyone.max_points, everyone.engine) == (5, "llm")
    # flag > environment > [table] > top level
    env = {"SUMMARIZER_RAY_ADDRESS": "10.0.0.1:6379"}
    flagged = resolve_settings({"max_points": 9}, env=env, config_path=config, table="nightly")
    assert flagged.max_points == 9 and flagged.ray == "10.0.0.1:6379"


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ('[nightly]\napi_key = "sk-hidden-1"\n', "sk-hidden-1"),
        ('smtp_password = "hidden-2"\n', "hidden-2"),
        ('[anything]\nsmtp_password = "hidden-3"\n', "hidden-3"),
    ],
)
def test_secrets_are_refused_anywhere_in_the_file(tmp_path: Path, text: str, secret: str) -> None:
    config = write_config(tmp_path, text)
    with pytest.raises(UsageError, match="only from the environment") as info:
        resolve_settings({}, env={}, config_path=config)
    assert secret not in str(info.value)


@pytest.mark.parametrize(
    ("flags", "env", "text", "message"),
    [
        ({"max_points": "many"}, {}, "", "--max-points must be a whole number"),
        ({}, {}, 'max_points = "many"\n', "^max_points must be a whole number"),
        ({}, {}, '[nightly]\nmax_points = "many"\n', "nightly.max_points must be a whole"),
        ({}, {}, 'engine = "gpt"\n', "engine must be llm or extractive"),
        ({"parallel": 0}, {}, "", "parallel must be 1 or more"),
        ({}, {"SUMMARIZER_CACHE_DIR": "/c"}, "ray = 5\n", "ray must be a non-empty string"),
    ],
)
def test_errors_name_where_the_value_came_from(
    tmp_path: Path, flags: dict[str, object], env: dict[str, str], text: str, message: str
) -> None:
    config = write_config(tmp_path, text)
    with pytest.raises(UsageError, match=message):
        resolve_settings(flags, env=env, config_path=config, table="nightly")


def test_nightly_options_go_through_the_same_parser(tmp_path: Path) -> None:
    base = {"inbox": str(tmp_path), "to": "a@example.com", "from": "b@example.org"}
    config = write_config(
        tmp_path, f'[nightly]\nstate_dir = "{tmp_path}"\nforce = "yes"\nmodel = "m"\n'
    )
    options = resolve_options(base, config_path=config, env={})
    assert options.force is True  # the same booleans as every other setting
    bad = write_config(tmp_path, f'[nightly]\nstate_dir = "{tmp_path}"\nsmtp_port = 0\n')
    with pytest.raises(UsageError, match=r"nightly\.smtp_port must be 1 or more"):
        resolve_options({**base, "smtp_host": "h"}, config_path=bad, env={})
    typo = write_config(tmp_path, f'[nightly]\nstate_dir = "{tmp_path}"\nsmtp_hots = "h"\n')
    with pytest.raises(UsageError, match="unknown \\[nightly\\] setting"):
        resolve_options(base, config_path=typo, env={})
