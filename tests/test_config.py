from __future__ import annotations

from pathlib import Path

import pytest

from archiver.config import NOT_GIVEN, Settings, load_settings, parse_resolve
from archiver.errors import ConfigError


def test_file_then_environment_then_flags(tmp_path: Path) -> None:
    config = tmp_path / "archiver.toml"
    config.write_text(
        '[archiver]\nconcurrency = 4\nrate = 1.5\nout_dir = "from-file"\n[sources]\npaths = ["x"]\n'
    )
    settings = load_settings(
        config, {"ARCHIVER_CONCURRENCY": "8", "ARCHIVER_RATE": "2"}, rate=3.0, timeout=NOT_GIVEN
    )
    assert settings.concurrency == 8  # environment over file
    assert settings.rate == 3.0  # flag over environment
    assert settings.out_dir == Path("from-file")
    assert settings.timeout == Settings().timeout  # NOT_GIVEN keeps the default


def test_resolve_forms_and_bad_settings() -> None:
    assert parse_resolve("platform.twitter.com=127.0.0.1:8443") == ("platform.twitter.com", "127.0.0.1", 8443)
    assert parse_resolve("t.co:443:10.0.0.5") == ("t.co", "10.0.0.5", 443)
    with pytest.raises(ConfigError, match="HOST=ADDR:PORT"):
        parse_resolve("nonsense")
    with pytest.raises(ConfigError, match="concurrency"):
        load_settings(None, {"ARCHIVER_CONCURRENCY": "many"})
    assert Settings().db_path == Path("archives/archiver.db")


# -- issue 10: every setting's range is checked when Settings are built -----------------------


@pytest.mark.parametrize(
    "changes",
    [
        {"concurrency": -1},
        {"concurrency": 0},
        {"per_host": 0},
        {"rate": -0.5},
        {"timeout": -1},
        {"timeout": 0},
        {"fetch_deadline": 0},
        {"retries": -1},
        {"backoff": -1},
        {"max_response_bytes": -10},
        {"max_input_bytes": -1},
        {"capture_concurrency": 0},
        {"capture_timeout": -5},
        {"timeout": "nan"},
        {"resolve": "x.com=127.0.0.1:70000"},
        {"resolve": "x.com=127.0.0.1:0"},
    ],
    ids=lambda c: f"{next(iter(c))}={next(iter(c.values()))}",
)
def test_out_of_range_settings_are_refused_whichever_layer_gave_them(changes: dict[str, object]) -> None:
    with pytest.raises(ConfigError, match=r"out of range|not a valid"):
        Settings().with_changes(**changes)
    name, value = next(iter(changes.items()))
    with pytest.raises(ConfigError):
        load_settings(None, {f"ARCHIVER_{name.upper()}": str(value)})


def test_zero_rate_and_zero_retries_stay_allowed() -> None:
    settings = Settings().with_changes(rate=0, retries=0)
    assert settings.rate == 0 and settings.retries == 0


def test_a_config_file_that_is_not_utf8_is_a_one_line_error(tmp_path: Path) -> None:
    config = tmp_path / "archiver.toml"
    config.write_bytes(b"[archiver]\nwarc_prefix = 'caf\xe9'\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_settings(config, {})
