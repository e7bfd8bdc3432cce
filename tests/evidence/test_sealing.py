"""Packages carry their verdicts, are signed and timestamped, and verify offline."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import logging
import zipfile
import zlib
from pathlib import Path

import pytest

from archiver.capture.wacz import pages_from_warcs
from archiver.cli import main
from archiver.config import Settings
from archiver.evidence.keys import default_key_path, init_key
from archiver.evidence.package import EvidenceOptions, evidence_options, package_wacz, summary_line
from archiver.evidence.signing import AnonymousSigner, DomainSigner
from archiver.evidence.verify import verify_package

from .conftest import WARC_NAME, LocalTsa, SigningServer


def _package(out_dir: Path, options: EvidenceOptions, name: str = "p.wacz") -> Path:
    warcs = [out_dir / "warc" / WARC_NAME]
    return package_wacz(warcs, pages_from_warcs(warcs), out_dir / name, options)


def _rezip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    """A copy of the package with some members' bytes replaced (everything else as it was)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            new.writestr(info, replace.get(info.filename, old.read(info.filename)))
    return target


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return init_key(tmp_path / "keys" / "signing-key.pem")


@pytest.fixture
def sealed(out_dir: Path, key: Path, tsa: LocalTsa) -> Path:
    return _package(
        out_dir, EvidenceOptions(signer=AnonymousSigner(key), tsas=(tsa.url,), tsa_certs=(tsa.pki.ca_pem,))
    )


def test_keys_init_writes_a_p256_key_only_its_owner_reads(scratch_home: Path) -> None:
    assert main(["keys", "init"]) == 0
    path = default_key_path()
    assert path.is_relative_to(scratch_home)
    assert path.stat().st_mode & 0o777 == 0o600
    assert b"PRIVATE KEY" in path.read_bytes()
    assert main(["keys", "init"]) == 2  # never over an existing key


def test_once_a_key_exists_every_package_is_signed(out_dir: Path, scratch_home: Path) -> None:
    unsigned = evidence_options(Settings(out_dir=out_dir), None)
    assert unsigned.signer is None
    init_key()
    options = evidence_options(Settings(out_dir=out_dir), None)
    assert isinstance(options.signer, AnonymousSigner)
    result = verify_package(_package(out_dir, options))
    assert result.ok, result.problems
    assert result.signature is not None and result.signature.mode == "anonymous"


def test_package_holds_verdicts_listed_in_datapackage(sealed: Path) -> None:
    with zipfile.ZipFile(sealed) as package:
        manifest = json.loads(package.read("datapackage.json"))
        lines = [json.loads(line) for line in package.read("verdicts/verdicts.jsonl").splitlines()]
        digest = json.loads(package.read("datapackage-digest.json"))
    assert "verdicts/verdicts.jsonl" in {r["path"] for r in manifest["resources"]}
    assert [(line["post_id"], line["verdict"]) for line in lines] == [
        ("1900000000000000001", "live"),
        ("1900000000000000002", "deleted"),
        ("1900000000000000003", "live"),
    ]
    first = lines[0]
    assert first["platform"] == "x" and first["captured_at"] == "2026-12-04T12:00:01Z"
    assert first["tool"] and first["reasons"] == ["syndication said live"]
    assert first["evidence"][0]["payload_digest"].startswith("sha1:")
    assert digest["signedData"]["created"] == manifest["created"]
    assert len(digest["timestamps"]) == 1 and digest["timestamps"][0]["chain"]


def test_sealed_package_verifies_with_a_certificate(
    sealed: Path, key: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(sealed), "--public-key", str(key)]) == 0
    text = capsys.readouterr().out
    assert "VERIFIED" in text
    assert "signed      anonymously" in text
    assert "by Test Timestamp Authority" in text
    assert "verdicts    deleted 1, live 2" in text
    assert main(["verify", str(sealed), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["timestamps"][0]["ok"] and report["records"] > 6


def test_wacz_validate_accepts_the_signed_package(sealed: Path) -> None:
    from wacz.main import main as wacz_main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert wacz_main(["validate", "-f", str(sealed)]) == 0, out.getvalue()
    assert "Has signature" in out.getvalue()


def test_domain_signature_passes_wacz_validate_verify_auth(
    out_dir: Path, signing_server: SigningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import authsign.verifier
    from wacz.main import main as wacz_main

    signer = DomainSigner(signing_server.url, signing_server.token)
    package = _package(out_dir, EvidenceOptions(signer=signer))
    result = verify_package(package)
    assert result.ok, result.problems
    assert result.signature is not None and result.signature.signer == signing_server.domain
    monkeypatch.setattr(authsign.verifier, "DEFAULT_TRUSTED_ROOTS", str(signing_server.roots_yaml))
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = wacz_main(["validate", "--verify-auth", "-f", str(package)])
    assert code == 0, out.getvalue()
    assert "Successfully verified signature" in out.getvalue()


def test_signature_made_with_one_key_does_not_verify_with_another(
    sealed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = init_key(tmp_path / "other.pem")
    assert main(["verify", str(sealed), "--public-key", str(other)]) == 1
    assert "signature: signed by key sha256:" in capsys.readouterr().out


def test_a_failing_tsa_is_named_and_the_others_still_count(
    out_dir: Path, key: Path, tsa: LocalTsa, caplog: pytest.LogCaptureFixture
) -> None:
    options = EvidenceOptions(
        signer=AnonymousSigner(key), tsas=(tsa.broken_url, tsa.url), tsa_certs=(tsa.pki.ca_pem,)
    )
    with caplog.at_level(logging.WARNING, logger="archiver.evidence"):
        package = _package(out_dir, options)
    assert tsa.broken_url in caplog.text
    result = verify_package(package)
    assert result.ok and [t.tsa for t in result.timestamps] == [tsa.url]


def test_no_tsa_configured_is_said_in_the_summary(out_dir: Path) -> None:
    line = summary_line(_package(out_dir, EvidenceOptions()))
    assert "not signed" in line and "no trusted timestamp" in line


def _tamper_warc(data: bytes) -> bytes:
    """One changed byte in one record's payload, each record still its own gzip member."""
    members = []
    while data:
        unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
        members.append(unzip.decompress(data))
        data = unzip.unused_data
    changed = [m.replace(b"text of 1900000000000000001", b"text of 1900000000000000009") for m in members]
    assert changed != members
    return b"".join(gzip.compress(m) for m in changed)


@pytest.mark.parametrize(
    ("member", "change", "named"),
    [
        pytest.param(f"archive/{WARC_NAME}", _tamper_warc, f"archive/{WARC_NAME}", id="warc-record"),
        pytest.param(
            "verdicts/verdicts.jsonl",
            lambda b: b.replace(b'"verdict": "deleted"', b'"verdict": "live"'),
            "verdicts/verdicts.jsonl",
            id="verdicts",
        ),
        pytest.param(
            "datapackage.json",
            lambda b: b.replace(b'"include_private": false', b'"include_private": true '),
            "datapackage.json",
            id="datapackage",
        ),
    ],
)
def test_a_changed_byte_fails_verify_and_is_named(
    sealed: Path, tmp_path: Path, member: str, change, named: str
) -> None:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(sealed) as package:
        original = package.read(member)
    changed = change(original)
    assert changed != original
    tampered = _rezip(sealed, tmp_path / "tampered.wacz", {member: changed})
    result = verify_package(tampered)
    assert not result.ok
    assert any(named in problem for problem in result.problems), result.problems


def test_a_changed_warc_record_fails_its_own_digest_too(sealed: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(sealed) as package:
        warc = package.read(f"archive/{WARC_NAME}")
    tampered = _rezip(sealed, tmp_path / "t.wacz", {f"archive/{WARC_NAME}": _tamper_warc(warc)})
    problems = verify_package(tampered).problems
    assert any("record <urn:uuid:" in p and "digest" in p for p in problems), problems


def test_rezipped_package_with_one_file_swapped_fails(
    sealed: Path, out_dir: Path, key: Path, tmp_path: Path
) -> None:
    other_warc = out_dir / "warc2" / WARC_NAME
    from .conftest import write_capture_warc

    write_capture_warc(other_warc, {"1900000000000000001": "deleted"})
    other = package_wacz(
        [other_warc],
        pages_from_warcs([other_warc]),
        tmp_path / "o.wacz",
        EvidenceOptions(signer=AnonymousSigner(key)),
    )
    with zipfile.ZipFile(other) as package:
        swapped = package.read("pages/pages.jsonl")
    result = verify_package(_rezip(sealed, tmp_path / "swapped.wacz", {"pages/pages.jsonl": swapped}))
    assert not result.ok
    assert any("pages/pages.jsonl" in p for p in result.problems)


def test_recomputed_hashes_without_the_key_fail_the_signature(sealed: Path, tmp_path: Path) -> None:
    import hashlib

    with zipfile.ZipFile(sealed) as package:
        manifest = json.loads(package.read("datapackage.json"))
        digest = json.loads(package.read("datapackage-digest.json"))
        lines = package.read("verdicts/verdicts.jsonl")
    forged_lines = lines.replace(b'"verdict": "deleted"', b'"verdict": "live"')
    for resource in manifest["resources"]:
        if resource["path"] == "verdicts/verdicts.jsonl":
            resource["hash"] = "sha256:" + hashlib.sha256(forged_lines).hexdigest()
    forged_manifest = json.dumps(manifest).encode()
    digest["hash"] = "sha256:" + hashlib.sha256(forged_manifest).hexdigest()
    forged = _rezip(
        sealed,
        tmp_path / "forged.wacz",
        {
            "verdicts/verdicts.jsonl": forged_lines,
            "datapackage.json": forged_manifest,
            "datapackage-digest.json": json.dumps(digest).encode(),
        },
    )
    problems = verify_package(forged).problems
    assert any(p.startswith("signature:") for p in problems), problems
    assert any(p.startswith("timestamp from") for p in problems), problems
    assert any("verdict differs from metadata record" in p for p in problems), problems


def test_timestamps_count_only_trusted_roots_when_pinned(sealed: Path, tmp_path: Path, tsa: LocalTsa) -> None:
    from archiver.evidence.timestamps import load_certificates

    from .conftest import make_pki

    assert verify_package(sealed, trusted_roots=load_certificates([tsa.pki.ca_pem])).ok
    stranger = make_pki(tmp_path / "other-ca", "Some Other Root")
    problems = verify_package(sealed, trusted_roots=load_certificates([stranger.ca_pem])).problems
    assert any(p.startswith(f"timestamp from {tsa.url}") for p in problems), problems


def test_export_signs_through_a_signing_server_from_the_command_line(
    out_dir: Path, signing_server: SigningServer, capsys: pytest.CaptureFixture[str]
) -> None:
    target = out_dir / "domain.wacz"
    flags = ["--signing-url", signing_server.url, "--signing-token", signing_server.token]
    assert main(["export", "--wacz", str(target), *flags, str(out_dir / "warc")]) == 0
    assert main(["verify", str(target)]) == 0
    assert f"signed      by domain {signing_server.domain}" in capsys.readouterr().out


def test_the_certificate_never_passes_control_characters_from_a_hostile_package(
    sealed: Path, tmp_path: Path
) -> None:
    from archiver.evidence.verify import certificate

    with zipfile.ZipFile(sealed) as package:
        digest = json.loads(package.read("datapackage-digest.json"))
    digest["timestamps"][0]["tsa"] = "\x1b[2J\x1b]0;owned\x07https://tsa.example"
    hostile = _rezip(
        sealed, tmp_path / "hostile.wacz", {"datapackage-digest.json": json.dumps(digest).encode()}
    )
    text = certificate(verify_package(hostile))
    assert "\x1b" not in text and "\x07" not in text
    assert "\\x1b[2J" in text
