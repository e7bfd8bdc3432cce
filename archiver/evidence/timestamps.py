"""Trusted timestamps (RFC 3161) over a package's hash, kept with their certificate chains.

Each configured timestamp authority (TSA) is asked for a token over the SHA-256 of
``datapackage.json``. A token is kept with the chain that proves it (the TSA certificate the
token carries, plus the intermediates and roots the operator configured), so a recipient
verifies it years later without a network. A TSA that fails is named and skipped; the others
still count.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

__all__ = [
    "TimestampCheck",
    "load_certificates",
    "request_timestamps",
    "verify_timestamp",
    "verify_tsr",
]

log = logging.getLogger("archiver.evidence")

MAX_REPLY_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class TimestampCheck:
    """One token checked against its chain and the hash it claims to cover."""

    tsa: str
    ok: bool
    time: str | None = None
    signer: str | None = None
    root: str | None = None  # sha256 fingerprint of the chain's root certificate
    problem: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "tsa": self.tsa,
            "ok": self.ok,
            "time": self.time,
            "signer": self.signer,
            "root": self.root,
            "problem": self.problem,
        }


def load_certificates(paths: Iterable[Path | str]) -> list[x509.Certificate]:
    """Every certificate in the PEM files at ``paths``."""
    certs: list[x509.Certificate] = []
    for path in paths:
        certs.extend(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    return certs


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


def _name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.subject.rfc4514_string()


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _chain(leaf: x509.Certificate, pool: Sequence[x509.Certificate]) -> list[x509.Certificate]:
    """``leaf`` and its issuers found in ``pool``, up to a self-signed root (or as far as known)."""
    chain = [leaf]
    while chain[-1].issuer != chain[-1].subject and len(chain) < 8:
        issuer = next((c for c in pool if c.subject == chain[-1].issuer and c not in chain), None)
        if issuer is None:
            break
        chain.append(issuer)
    return chain


def _leaf(response: TimeStampResponse) -> x509.Certificate | None:
    certs = [x509.load_der_x509_certificate(der) for der in response.signed_data.certificates]
    infos = list(response.signed_data.signer_infos)
    if not infos:
        return None
    return next(
        (c for c in certs if c.issuer == infos[0].issuer and c.serial_number == infos[0].serial_number),
        None,
    )


def verify_tsr(
    tsa: str,
    reply: bytes,
    digest: bytes,
    chain: Sequence[x509.Certificate],
    trusted_roots: Sequence[x509.Certificate] = (),
) -> TimestampCheck:
    """Check a timestamp reply covers ``digest`` (SHA-256) and chains to a root.

    The root is the self-signed certificate of ``chain`` unless ``trusted_roots`` are given,
    in which case only those count.
    """
    try:
        response = decode_timestamp_response(reply)
    except ValueError as exc:
        return TimestampCheck(tsa, False, problem=f"not a timestamp reply ({exc})")
    if PKIStatus(response.status) != PKIStatus.GRANTED:
        return TimestampCheck(tsa, False, problem=f"the TSA refused: {response.status_string}")
    leaf = _leaf(response)
    roots = list(trusted_roots) or [c for c in chain if c.issuer == c.subject]
    time = response.tst_info.gen_time.isoformat().replace("+00:00", "Z")
    signer = _name(leaf) if leaf is not None else None
    root = fingerprint(roots[0]) if roots else None
    if leaf is not None:
        full = _chain(leaf, [*chain, *roots])
        root = fingerprint(full[-1]) if full[-1].issuer == full[-1].subject else root
    if not roots:
        return TimestampCheck(tsa, False, time, signer, None, "no root certificate to check the token with")
    intermediates = [c for c in chain if c.issuer != c.subject]
    verifier = VerifierBuilder(roots=roots, intermediates=intermediates).build()
    try:
        verifier.verify(response, digest)
    except VerificationError as exc:
        return TimestampCheck(tsa, False, time, signer, root, f"token does not verify: {exc}")
    return TimestampCheck(tsa, True, time, signer, root)


def verify_timestamp(
    entry: dict[str, Any], digest: bytes, trusted_roots: Sequence[x509.Certificate] = ()
) -> TimestampCheck:
    """Check one stored entry (``tsa``, ``token``, ``chain``) against ``digest``."""
    tsa = str(entry.get("tsa", "?"))
    try:
        reply = base64.b64decode(str(entry["token"]), validate=True)
        chain = [c for pem in entry.get("chain", []) for c in x509.load_pem_x509_certificates(pem.encode())]
    except (KeyError, ValueError) as exc:
        return TimestampCheck(tsa, False, problem=f"unreadable entry ({exc})")
    return verify_tsr(tsa, reply, digest, chain, trusted_roots)


def request_timestamps(
    data: bytes,
    tsas: Sequence[str],
    extra_certs: Sequence[x509.Certificate] = (),
    *,
    timeout: float = 20.0,
    verify: Any = True,
) -> tuple[list[dict[str, Any]], list[str]]:
    """Tokens over SHA-256(``data``) from each of ``tsas``: (entries to store, failures).

    A failure names its TSA and is logged; the tokens of the others are kept.
    """
    digest = hashlib.sha256(data).digest()
    entries: list[dict[str, Any]] = []
    failures: list[str] = []
    for url in tsas:
        try:
            entry = _one(url, data, digest, extra_certs, timeout, verify)
        except (httpx.HTTPError, ValueError) as exc:
            failures.append(f"{url}: {exc}")
            log.warning("timestamp authority %s failed: %s", url, exc)
            continue
        entries.append(entry)
    return entries, failures


def _one(
    url: str, data: bytes, digest: bytes, extra: Sequence[x509.Certificate], timeout: float, verify: Any
) -> dict[str, Any]:
    request = (
        TimestampRequestBuilder()
        .data(data)
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    headers = {"Content-Type": "application/timestamp-query"}
    body = b""
    with (
        httpx.Client(timeout=timeout, verify=verify, follow_redirects=False) as client,
        client.stream("POST", url, content=request.as_bytes(), headers=headers) as reply,
    ):
        if reply.status_code != 200:
            raise ValueError(f"HTTP {reply.status_code}")
        for chunk in reply.iter_bytes():
            body += chunk
            if len(body) > MAX_REPLY_BYTES:
                raise ValueError("reply too large")
    response = decode_timestamp_response(body)
    if response.tst_info.nonce != request.nonce:
        raise ValueError("the reply's nonce is not ours")
    leaf = _leaf(response)
    if leaf is None:
        raise ValueError("the reply carries no TSA certificate")
    chain = _chain(leaf, list(extra))
    check = verify_tsr(url, body, digest, chain)
    if not check.ok:
        raise ValueError(str(check.problem))
    return {
        "tsa": url,
        "time": check.time,
        "token": base64.b64encode(body).decode("ascii"),
        "chain": [_pem(c) for c in chain],
    }
