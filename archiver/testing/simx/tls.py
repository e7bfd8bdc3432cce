"""A throwaway root CA, an intermediate, and one server certificate for every simulated host.

Like X's servers (and any public HTTPS server, RFC 8446 §4.4.2), the simulator sends its leaf
and the intermediate that issued it, never the root. Clients trust the root as they would any
operator's CA: httpx by file (``--ca-bundle``), Chromium through the NSS database that
``capture/browser.py`` builds from the same file. ``spki_sha256`` is the intermediate's key
hash, which the server does send, for callers that still pass
``--ignore-certificate-errors-spki-list``.
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
    ca_pem: Path  # the root: give this to every client (--ca-bundle)
    spki_sha256: str  # the intermediate's key hash (--ignore-certificate-errors-spki-list)
    server_context: ssl.SSLContext


def make_certificates(hosts: list[str], directory: Path) -> SimCertificates:
    """A new root, intermediate and leaf for ``hosts``; the root written to ``directory/simx-ca.pem``."""
    root = trustme.CA(organization_name="embed-archiver simulated X")
    intermediate = root.create_child_ca()
    leaf = intermediate.issue_cert(*hosts)
    directory.mkdir(parents=True, exist_ok=True)
    ca_pem = directory / "simx-ca.pem"
    root.cert_pem.write_to_path(str(ca_pem))
    chain = directory / "simx-chain.pem"  # leaf, then the intermediate: no root
    key = directory / "simx-key.pem"
    chain.write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
    leaf.private_key_pem.write_to_path(str(key))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(chain), str(key))
    context.set_alpn_protocols(["http/1.1"])
    certificate = x509.load_pem_x509_certificate(intermediate.cert_pem.bytes())
    spki = certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    digest = base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")
    return SimCertificates(ca_pem=ca_pem, spki_sha256=digest, server_context=context)
