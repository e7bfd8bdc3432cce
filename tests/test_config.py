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
