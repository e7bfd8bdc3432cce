"""A WACZ fit to hand over: redacted, with its verdicts, signed and timestamped.

``package_wacz`` leaves out the records of withheld posts (private, taken down), writes
``verdicts/verdicts.jsonl``, lets ``wacz create`` index and list everything, then seals
``datapackage.json``: its SHA-256, the ``signedData`` of the configured signer, and an
RFC 3161 token from each configured timestamp authority over that same hash.
"""

from __future__ import annotations

import hashlib
import json
import logging
import ssl
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archiver import __version__
from archiver.capture.wacz import write_wacz
from archiver.config import Settings
from archiver.errors import ConfigError
from archiver.evidence.keys import default_key_path
from archiver.evidence.redact import redact_warcs
from archiver.evidence.signing import AnonymousSigner, DomainSigner, Signer
from archiver.evidence.timestamps import load_certificates, request_timestamps
from archiver.evidence.verdicts import VERDICTS_PATH, build_verdicts, dumps
from archiver.store import Store

__all__ = ["EvidenceOptions", "describe_package", "evidence_options", "package_wacz", "summary_line"]

log = logging.getLogger("archiver.evidence")


@dataclass(frozen=True, slots=True)
class EvidenceOptions:
    """How a package is sealed and what it leaves out."""

    signer: Signer | None = None
    tsas: tuple[str, ...] = ()
    tsa_certs: tuple[Path, ...] = ()  # roots and intermediates of the TSAs' chains
    withheld: Mapping[str, str] = field(default_factory=dict)  # post id → why it is left out
    flagged: Mapping[str, str] = field(default_factory=dict)  # private posts included on request
    include_private: bool = False
    timeout: float = 20.0
    ca_bundle: Path | None = None


def evidence_options(
    settings: Settings, store: Store | None = None, *, include_private: bool = False
) -> EvidenceOptions:
    """Options from ``settings`` (signing key or server, TSAs) and ``store`` (who is withheld).

    With no key configured, the default key (``~/.config/embed-archiver/signing-key.pem``)
    signs when it exists: once a key exists, every package is signed.
    """
    signer: Signer | None = None
    if settings.signing_url:
        signer = DomainSigner(settings.signing_url, settings.signing_token or None)
    else:
        key = (settings.signing_key or default_key_path()).expanduser()
        if settings.signing_key is not None and not key.exists():
            raise ConfigError(f"{key}: no signing key there (archiver keys init --key {key})")
        if key.exists():
            signer = AnonymousSigner(key)
    withheld: dict[str, str] = {}
    flagged: dict[str, str] = {}
    if store is not None:
        for post, state in store.withheld_posts().items():
            if state["state"] == "private" and include_private:
                flagged[post] = state["reason"]
            else:
                withheld[post] = f"{state['state']}: {state['reason']}"
    return EvidenceOptions(
        signer=signer,
        tsas=settings.tsa,
        tsa_certs=tuple(Path(p) for p in settings.tsa_certs),
        withheld=withheld,
        flagged=flagged,
        include_private=include_private,
        timeout=settings.timeout,
        ca_bundle=settings.ca_bundle,
    )


def package_wacz(
    warcs: Sequence[Path],
    pages: Iterable[Mapping[str, Any]],
    output: Path,
    options: EvidenceOptions | None = None,
    *,
    title: str = "embed-archiver capture",
    description: str = "",
) -> Path:
    """Write the sealed package of ``warcs`` to ``output`` (see the module docstring)."""
    options = options or EvidenceOptions()
    with tempfile.TemporaryDirectory(
        prefix="redact-", dir=output.parent if output.parent.exists() else None
    ) as tmp:
        redaction = redact_warcs(warcs, set(options.withheld), Path(tmp))
        kept_pages = [p for p in pages if str(p.get("tweet_id")) not in options.withheld]
        lines = build_verdicts(redaction.warcs, options.flagged)
        metadata = {
            "embed_archiver": {
                "tool": f"embed-archiver {__version__}",
                "verdicts": VERDICTS_PATH,
                "include_private": options.include_private,
                "private_included": len({str(line["post_id"]) for line in lines} & set(options.flagged)),
                "withheld_posts": len(options.withheld),
                "redacted_files": list(redaction.rewritten),
            }
        }
        return write_wacz(
            list(redaction.warcs),
            kept_pages,
            output,
            title=title,
            description=description,
            extra_files={VERDICTS_PATH: dumps(lines)},
            extra_metadata=metadata,
            seal=lambda data, created: _seal(data, created, options),
        )


def _seal(package: bytes, created: str, options: EvidenceOptions) -> dict[str, Any]:
    hash_ = "sha256:" + hashlib.sha256(package).hexdigest()
    digest: dict[str, Any] = {"path": "datapackage.json", "hash": hash_}
    if options.signer is not None:
        digest["signedData"] = options.signer.sign(hash_, created)
    if options.tsas:
        verify: Any = True
        if options.ca_bundle:  # system CAs plus the operator's extra one
            verify = ssl.create_default_context()
            verify.load_verify_locations(cafile=str(options.ca_bundle))
        tokens, failures = request_timestamps(
            package,
            options.tsas,
            load_certificates(options.tsa_certs),
            timeout=options.timeout,
            verify=verify,
        )
        digest["timestamps"] = tokens
        if failures and not tokens:
            log.warning("no timestamp authority answered: the package has no trusted timestamp")
    return digest


def describe_package(path: Path) -> dict[str, Any]:
    """What sealed ``path``: signature mode and signer, timestamps, withheld posts (for summaries)."""
    try:
        with zipfile.ZipFile(path) as package:
            digest = json.loads(package.read("datapackage-digest.json"))
            meta = json.loads(package.read("datapackage.json")).get("embed_archiver", {})
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return {"signed": None, "timestamps": 0, "withheld_posts": 0}
    signed = digest.get("signedData") or {}
    mode = "domain" if "domainCert" in signed else "anonymous" if "publicKey" in signed else None
    return {
        "signed": mode,
        "signer": signed.get("domain") if mode == "domain" else None,
        "timestamps": len(digest.get("timestamps") or []),
        "tsa_configured": "timestamps" in digest,
        "withheld_posts": meta.get("withheld_posts", 0),
        "include_private": meta.get("include_private", False),
    }


def summary_line(path: Path) -> str:
    """One line for a run's summary: said once, including when nothing signs or stamps."""
    info = describe_package(path)
    signed = f"signed ({info['signed']})" if info["signed"] else "not signed (no key: `archiver keys init`)"
    if info["timestamps"]:
        stamps = f"{info['timestamps']} trusted timestamp(s)"
    elif info.get("tsa_configured"):
        stamps = "no trusted timestamp (no timestamp authority answered)"
    else:
        stamps = "no trusted timestamp (no timestamp authority configured)"
    withheld = f", {info['withheld_posts']} post(s) withheld" if info["withheld_posts"] else ""
    return f"{signed}, {stamps}{withheld}"
