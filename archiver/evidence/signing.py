"""Signing per the WACZ signing and verification spec (``datapackage-digest.json``).

Two modes, as the spec has them:

- anonymous: the operator's own ECDSA P-256 key signs the ``sha256:…`` hash of
  ``datapackage.json``; ``signedData`` carries the signature (base64 DER, over the hash's
  ASCII text, as authsign signs) and the public key (base64 DER SubjectPublicKeyInfo);
- domain: an authsign-compatible server (``--signing-url``, ``--signing-token``) is sent
  ``{"hash", "created"}`` and answers with the whole ``signedData`` (domain certificate, its
  signature and an RFC 3161 ``timeSignature``), exactly as ``wacz create`` asks it.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key
from cryptography.x509.oid import NameOID

from archiver import __version__
from archiver.errors import ArchiveError
from archiver.evidence.keys import key_fingerprint, load_private_key, public_key_b64
from archiver.evidence.timestamps import fingerprint, verify_tsr

__all__ = ["AnonymousSigner", "DomainSigner", "SignatureCheck", "Signer", "verify_signed_data"]

SOFTWARE = f"embed-archiver {__version__}"


class Signer(Protocol):
    """Turns a package hash and its creation time into ``signedData``."""

    def sign(self, hash_: str, created: str) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class AnonymousSigner:
    """Signs with the operator's key file."""

    key_path: Path

    def sign(self, hash_: str, created: str) -> dict[str, Any]:
        key = load_private_key(self.key_path)
        signature = key.sign(hash_.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        return {
            "hash": hash_,
            "created": created,
            "software": SOFTWARE,
            "version": "0.1.0",
            "signature": base64.b64encode(signature).decode("ascii"),
            "publicKey": public_key_b64(key.public_key()),
        }


@dataclass(frozen=True, slots=True)
class DomainSigner:
    """Asks an authsign-compatible server to sign (the operator names it: no allow-list)."""

    url: str
    token: str | None = None
    timeout: float = 30.0

    def sign(self, hash_: str, created: str) -> dict[str, Any]:
        headers = {"Authorization": f"bearer {self.token}"} if self.token else {}
        try:
            reply = httpx.post(
                self.url, json={"hash": hash_, "created": created}, headers=headers, timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            raise ArchiveError(f"signing server {self.url}: {exc}") from exc
        if reply.status_code != 200:
            raise ArchiveError(f"signing server {self.url}: HTTP {reply.status_code} {reply.text[:200]!r}")
        try:
            signed = dict(reply.json())
        except ValueError as exc:
            raise ArchiveError(f"signing server {self.url}: not JSON") from exc
        if signed.get("hash") != hash_ or signed.get("created") != created:
            raise ArchiveError(f"signing server {self.url}: signed another hash or time than asked")
        return signed


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """Whether ``signedData`` signs the hash, and by whom."""

    ok: bool
    mode: str  # "anonymous", "domain" or "none"
    signer: str | None = None  # key fingerprint or domain
    problem: str | None = None
    time: str | None = None  # domain mode: the time the signature was stamped

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "mode": self.mode,
            "signer": self.signer,
            "problem": self.problem,
            "time": self.time,
        }


def _verify_ecdsa(public_key: Any, signature_b64: str, data: str) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            return False
        public_key.verify(signature, data.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_signed_data(
    signed: dict[str, Any],
    hash_: str,
    *,
    expected_key: str | None = None,
    trusted_roots: Sequence[x509.Certificate] = (),
) -> SignatureCheck:
    """Check ``signedData`` against the package's ``hash_``, offline.

    ``expected_key`` (base64 DER) pins the anonymous signer; ``trusted_roots`` pins the roots
    of a domain certificate and its timestamp certificate.
    """
    if signed.get("hash") != hash_:
        mode = "domain" if "domainCert" in signed else "anonymous"
        return SignatureCheck(False, mode, problem="signedData signs another hash than datapackage.json's")
    if "publicKey" in signed:
        public = str(signed["publicKey"])
        who = key_fingerprint(public)
        try:
            key = load_der_public_key(base64.b64decode(public, validate=True))
        except ValueError:
            return SignatureCheck(False, "anonymous", who, "the public key is unreadable")
        if not _verify_ecdsa(key, str(signed.get("signature", "")), hash_):
            return SignatureCheck(
                False, "anonymous", who, "the signature does not verify with its public key"
            )
        if expected_key is not None and expected_key != public:
            return SignatureCheck(
                False,
                "anonymous",
                who,
                f"signed by key {who}, not the expected {key_fingerprint(expected_key)}",
            )
        return SignatureCheck(True, "anonymous", who)
    if "domainCert" in signed:
        return _verify_domain(signed, hash_, trusted_roots)
    return SignatureCheck(False, "none", problem="signedData has neither publicKey nor domainCert")


def _verify_domain(signed: dict[str, Any], hash_: str, trusted: Sequence[x509.Certificate]) -> SignatureCheck:
    domain = str(signed.get("domain", ""))
    try:
        certs = x509.load_pem_x509_certificates(str(signed["domainCert"]).encode("ascii"))
        stamp_chain = x509.load_pem_x509_certificates(str(signed["timestampCert"]).encode("ascii"))
    except (KeyError, ValueError) as exc:
        return SignatureCheck(False, "domain", domain, f"unreadable certificates ({exc})")
    for child, parent in itertools.pairwise(certs):
        try:
            child.verify_directly_issued_by(parent)
        except (ValueError, TypeError, InvalidSignature):
            return SignatureCheck(False, "domain", domain, "the domain certificate chain is broken")
    if trusted and fingerprint(certs[-1]) not in {fingerprint(c) for c in trusted}:
        return SignatureCheck(False, "domain", domain, "the domain certificate's root is not a trusted one")
    names = certs[0].subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not names or str(names[0].value) != domain:
        return SignatureCheck(False, "domain", domain, "the certificate is not the named domain's")
    signature = str(signed.get("signature", ""))
    if not _verify_ecdsa(certs[0].public_key(), signature, hash_):
        return SignatureCheck(
            False, "domain", domain, "the signature does not verify with the domain certificate"
        )
    stamp = verify_tsr(
        "timeSignature",
        base64.b64decode(str(signed.get("timeSignature", ""))),
        hashlib.sha256(signature.encode("ascii")).digest(),
        stamp_chain,
        trusted,
    )
    if not stamp.ok:
        return SignatureCheck(False, "domain", domain, f"timeSignature: {stamp.problem}")
    return SignatureCheck(True, "domain", domain, time=stamp.time)
