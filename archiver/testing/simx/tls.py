"""A throwaway CA and one server certificate for every simulated host.

Clients trust the CA by file (httpx: ``--ca-bundle``) or, for Chromium, which reads no CA
file, by the SHA-256 of the CA's public key (``--ignore-certificate-errors-spki-list``); the
server sends leaf and CA together so that works.
"""

from __future__ import annotations

import base64
import hashlib
import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

__all__ = ["SimCertificates", "make_certificates"]


@dataclass(frozen=True, slots=True)
class SimCertificates:
    ca_pem: Path  # give this to httpx (--ca-bundle)
    spki_sha256: str  # give this to Chromium (--ignore-certificate-errors-spki-list)
    server_context: ssl.SSLContext


def make_certificates(hosts: list[str], directory: Path) -> SimCertificates:
    """A new CA and a leaf for ``hosts``, the CA written to ``directory/simx-ca.pem``."""
    ca = trustme.CA(organization_name="embed-archiver simulated X")
    leaf = ca.issue_cert(*hosts)
    directory.mkdir(parents=True, exist_ok=True)
    ca_pem = directory / "simx-ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    chain = directory / "simx-chain.pem"  # leaf, then the CA: Chromium matches the CA's key
    key = directory / "simx-key.pem"
    chain.write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems) + ca.cert_pem.bytes())
    leaf.private_key_pem.write_to_path(str(key))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(chain), str(key))
    context.set_alpn_protocols(["http/1.1"])
    certificate = x509.load_pem_x509_certificate(ca.cert_pem.bytes())
    spki = certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    digest = base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")
    return SimCertificates(ca_pem=ca_pem, spki_sha256=digest, server_context=context)
