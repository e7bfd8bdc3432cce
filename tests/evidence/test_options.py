"""Where the signing key, the signing server and the timestamp authorities come from."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.config import load_settings
from archiver.errors import ConfigError
from archiver.evidence.keys import init_key
from archiver.evidence.package import evidence_options
from archiver.evidence.signing import AnonymousSigner, DomainSigner


def test_config_file_and_environment_name_key_and_tsas(tmp_path: Path) -> None:
    config = tmp_path / "archiver.toml"
    key = init_key(tmp_path / "k.pem")
    config.write_text(
        f'[archiver]\nsigning_key = "{key}"\ntsa = ["http://127.0.0.1:1/a", "http://127.0.0.1:1/b"]\n'
        'tsa_certs = ["roots.pem"]\n'
    )
    settings = load_settings(config, environ={})
    assert settings.signing_key == key and settings.tsa == ("http://127.0.0.1:1/a", "http://127.0.0.1:1/b")
    options = evidence_options(settings)
    assert isinstance(options.signer, AnonymousSigner) and options.tsa_certs == (Path("roots.pem"),)
    from_env = load_settings(config, environ={"ARCHIVER_TSA": "http://127.0.0.1:1/c"})
    assert from_env.tsa == ("http://127.0.0.1:1/c",)


def test_a_signing_url_means_domain_mode(tmp_path: Path) -> None:
    settings = load_settings(None, environ={}, signing_url="http://127.0.0.1:1/sign", signing_token="t")
    signer = evidence_options(settings).signer
    assert isinstance(signer, DomainSigner) and signer.token == "t"


def test_a_named_key_that_is_missing_stops_with_a_clear_error(tmp_path: Path) -> None:
    settings = load_settings(None, environ={}, signing_key=tmp_path / "missing.pem")
    with pytest.raises(ConfigError, match="no signing key there"):
        evidence_options(settings)
