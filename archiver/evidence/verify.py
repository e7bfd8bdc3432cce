"""``archiver verify``: check a package offline, and say what it proves.

In order: every file against ``datapackage.json`` (and no file unlisted), the hash in
``datapackage-digest.json``, the signature, each timestamp token against its chain and that
hash, every WARC record's block and payload digests, and each ``verdicts.jsonl`` line against
the metadata record (and evidence records) it names. Each mismatch is named; any one fails.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509

from archiver.evidence.records import RecordInfo, WarcDamaged, scan_warc
from archiver.evidence.signing import SignatureCheck, verify_signed_data
from archiver.evidence.timestamps import TimestampCheck, verify_timestamp
from archiver.evidence.verdicts import VERDICTS_PATH

__all__ = ["Verification", "certificate", "verify_package"]

_SEALS = {"datapackage.json", "datapackage-digest.json"}


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome: what the package holds, who signed it, when, and every problem found."""

    path: str
    problems: tuple[str, ...]
    package_hash: str | None = None
    created: str | None = None
    files: int = 0
    records: int = 0
    pages: int = 0
    signature: SignatureCheck | None = None
    timestamps: tuple[TimestampCheck, ...] = ()
    verdicts: dict[str, int] = field(default_factory=dict)
    withheld_posts: int = 0
    include_private: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "ok": self.ok,
            "problems": list(self.problems),
            "package_hash": self.package_hash,
            "created": self.created,
            "files": self.files,
            "records": self.records,
            "pages": self.pages,
            "signature": self.signature.to_json() if self.signature else None,
            "timestamps": [t.to_json() for t in self.timestamps],
            "verdicts": self.verdicts,
            "withheld_posts": self.withheld_posts,
            "include_private": self.include_private,
        }


def verify_package(
    path: Path,
    *,
    expected_key: str | None = None,
    trusted_roots: Sequence[x509.Certificate] = (),
) -> Verification:
    """Verify the WACZ at ``path`` without a network (see the module docstring)."""
    try:
        package = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        return Verification(str(path), (f"{path.name}: not a readable zip ({exc})",))
    with package:
        return _verify(path, package, expected_key, trusted_roots)


def _verify(
    path: Path, package: zipfile.ZipFile, expected_key: str | None, roots: Sequence[x509.Certificate]
) -> Verification:
    problems: list[str] = []
    names = set(package.namelist())
    if "datapackage.json" not in names:
        return Verification(str(path), ("datapackage.json is missing",))
    manifest_bytes = package.read("datapackage.json")
    try:
        manifest = json.loads(manifest_bytes)
        resources = {str(r["path"]): r for r in manifest["resources"]}
    except (ValueError, KeyError, TypeError) as exc:
        return Verification(str(path), (f"datapackage.json is unreadable ({exc})",))
    package_hash = "sha256:" + hashlib.sha256(manifest_bytes).hexdigest()
    for name, resource in sorted(resources.items()):
        if name not in names:
            problems.append(f"{name}: listed in datapackage.json but missing")
            continue
        algorithm, _, expected = str(resource.get("hash", "")).partition(":")
        actual, size = _hash_member(package, name, algorithm or "sha256")
        if actual != expected:
            problems.append(f"{name}: hash differs from datapackage.json")
        if resource.get("bytes") is not None and int(resource["bytes"]) != size:
            problems.append(f"{name}: size differs from datapackage.json")
    for name in sorted(names - set(resources) - _SEALS):
        if not name.endswith("/"):
            problems.append(f"{name}: in the package but not listed in datapackage.json")
    signature, stamps = _seals(
        package, names, manifest, manifest_bytes, package_hash, expected_key, roots, problems
    )
    records, by_id = _records(package, resources, problems)
    verdicts = _verdicts(package, names, by_id, problems)
    meta = manifest.get("embed_archiver") or {}
    pages = 0
    if "pages/pages.jsonl" in names:
        pages = max(0, len(package.read("pages/pages.jsonl").splitlines()) - 1)
    return Verification(
        str(path),
        tuple(problems),
        package_hash,
        manifest.get("created"),
        len(resources),
        records,
        pages,
        signature,
        tuple(stamps),
        verdicts,
        int(meta.get("withheld_posts", 0) or 0),
        bool(meta.get("include_private", False)),
    )


def _hash_member(package: zipfile.ZipFile, name: str, algorithm: str) -> tuple[str, int]:
    """The hex digest and size of one member, read in chunks (WARCs can be a gigabyte)."""
    try:
        hasher = hashlib.new(algorithm)
    except ValueError:
        return "", 0
    size = 0
    try:
        with package.open(name) as stream:
            while chunk := stream.read(1 << 20):
                hasher.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, OSError):  # a changed byte can break the zip's own CRC
        return "", size
    return hasher.hexdigest(), size


def _seals(
    package: zipfile.ZipFile,
    names: set[str],
    manifest: dict[str, Any],
    manifest_bytes: bytes,
    package_hash: str,
    expected_key: str | None,
    roots: Sequence[x509.Certificate],
    problems: list[str],
) -> tuple[SignatureCheck | None, list[TimestampCheck]]:
    if "datapackage-digest.json" not in names:
        if expected_key is not None:
            problems.append("datapackage-digest.json is missing: the package is not signed")
        return None, []
    try:
        digest = json.loads(package.read("datapackage-digest.json"))
    except ValueError:
        problems.append("datapackage-digest.json is unreadable")
        return None, []
    if digest.get("hash") != package_hash:
        problems.append("datapackage.json: hash differs from datapackage-digest.json")
    signature = None
    signed = digest.get("signedData")
    if signed:
        signature = verify_signed_data(
            dict(signed), package_hash, expected_key=expected_key, trusted_roots=roots
        )
        if not signature.ok:
            problems.append(f"signature: {signature.problem}")
        if signed.get("created") != manifest.get("created"):
            problems.append("signature: its creation time is not the package's")
    elif expected_key is not None:
        problems.append("signature: the package is not signed")
    stamps = []
    sha = hashlib.sha256(manifest_bytes).digest()
    for entry in digest.get("timestamps") or []:
        check = verify_timestamp(dict(entry), sha, roots)
        stamps.append(check)
        if not check.ok:
            problems.append(f"timestamp from {check.tsa}: {check.problem}")
    return signature, stamps


def _records(
    package: zipfile.ZipFile, resources: dict[str, Any], problems: list[str]
) -> tuple[int, dict[str, tuple[str, RecordInfo]]]:
    count = 0
    by_id: dict[str, tuple[str, RecordInfo]] = {}
    for name in sorted(resources):
        if not name.startswith("archive/") or name not in package.namelist():
            continue
        warc = name.removeprefix("archive/")
        seen = 0
        try:
            with package.open(name) as stream:
                for record in scan_warc(stream, check_digests=True):
                    seen += 1
                    by_id[record.record_id] = (warc, record)
                    for problem in record.problems:
                        problems.append(f"{name}: record {record.record_id}: {problem}")
        except (WarcDamaged, zipfile.BadZipFile) as exc:
            problems.append(f"{name}: unreadable after {seen} record(s) ({exc})")
        count += seen
    return count, by_id


def _verdicts(
    package: zipfile.ZipFile, names: set[str], by_id: dict[str, tuple[str, RecordInfo]], problems: list[str]
) -> dict[str, int]:
    counts: dict[str, int] = {}
    if VERDICTS_PATH not in names:
        problems.append(f"{VERDICTS_PATH} is missing")
        return counts
    for number, raw in enumerate(package.read(VERDICTS_PATH).splitlines(), start=1):
        where = f"{VERDICTS_PATH} line {number}"
        try:
            line = json.loads(raw)
        except ValueError:
            problems.append(f"{where}: not JSON")
            continue
        status = str(line.get("verdict"))
        counts[status] = counts.get(status, 0) + 1
        found = by_id.get(str(line.get("metadata_record")))
        if found is None:
            problems.append(
                f"{where}: names metadata record {line.get('metadata_record')} that is not in the WARCs"
            )
            continue
        warc, meta = found
        verdict = (meta.metadata or {}).get("verdict") or {}
        if meta.post_id != line.get("post_id") or warc != line.get("warc"):
            problems.append(f"{where}: the metadata record is another post's or in another file")
        if verdict.get("status") != line.get("verdict") or list(verdict.get("reasons") or []) != line.get(
            "reasons"
        ):
            problems.append(f"{where}: verdict differs from metadata record {meta.record_id}")
        for item in line.get("evidence") or []:
            record_id = item.get("record_id")
            if not record_id:
                continue
            evidence = by_id.get(str(record_id))
            if evidence is None:
                problems.append(f"{where}: evidence record {record_id} is not in the WARCs")
            elif evidence[1].payload_digest != item.get("payload_digest"):
                problems.append(f"{where}: evidence record {record_id}: payload digest differs")
    return dict(sorted(counts.items()))


def _safe(text: object) -> str:
    """Text from the package (names, URLs, problems) with control characters made visible:
    a hostile package must not drive the recipient's terminal."""
    return "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in str(text))


def certificate(result: Verification) -> str:
    """A short human certificate: what, when, signed by, timestamped by, verdicts by status."""
    return "\n".join(_safe(line) for line in _certificate_lines(result))


def _certificate_lines(result: Verification) -> list[str]:
    lines = [f"embed-archiver evidence check: {Path(result.path).name}"]
    lines.append(f"  package     {result.package_hash or '?'} (hash of datapackage.json)")
    lines.append(f"  created     {result.created or '?'}")
    lines.append(f"  contents    {result.files} files, {result.records} WARC records, {result.pages} pages")
    signature = result.signature
    if signature is None:
        lines.append("  signed      no")
    elif signature.mode == "domain":
        lines.append(f"  signed      by domain {signature.signer} (stamped {signature.time or '?'})")
    else:
        lines.append(f"  signed      anonymously, key {signature.signer} (ECDSA P-256)")
    if not result.timestamps:
        lines.append("  timestamped no")
    for stamp in result.timestamps:
        lines.append(
            f"  timestamped {stamp.time or '?'} by {stamp.signer or stamp.tsa} "
            f"(root sha256:{(stamp.root or '?')[:16]}, {stamp.tsa})"
        )
    verdicts = ", ".join(f"{status} {n}" for status, n in result.verdicts.items()) or "none"
    lines.append(f"  verdicts    {verdicts}")
    if result.withheld_posts:
        lines.append(f"  withheld    {result.withheld_posts} post(s) left out (private or taken down)")
    if result.include_private:
        lines.append("  private     included on the operator's request")
    if result.ok:
        lines.append("  result      VERIFIED: every hash, digest, signature and timestamp matches")
    else:
        lines.append(f"  result      FAILED: {len(result.problems)} problem(s)")
        lines.extend(f"    - {problem}" for problem in result.problems)
    return lines
