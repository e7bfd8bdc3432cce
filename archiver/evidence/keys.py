"""The operator's signing key: an ECDSA P-256 key in a PEM file only its owner can read.

``archiver keys init`` writes it (by default ``~/.config/embed-archiver/signing-key.pem``,
mode 0600); once it exists every package the tool writes is signed with it. The public half
travels inside each package (``signedData.publicKey``) and is what a recipient pins.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from archiver.errors import ConfigError

__all__ = [
    "default_key_path",
    "init_key",
    "key_fingerprint",
    "load_private_key",
    "load_public_key",
    "public_key_b64",
]


def default_key_path() -> Path:
    """``$HOME/.config/embed-archiver/signing-key.pem`` (read at call time: tests set HOME)."""
    return Path(os.path.expanduser("~")) / ".config" / "embed-archiver" / "signing-key.pem"


def init_key(path: Path | None = None, *, force: bool = False) -> Path:
    """Write a new P-256 key to ``path`` (0600, never over an existing key unless ``force``)."""
    path = path or default_key_path()
    if path.exists() and not force:
        raise ConfigError(f"{path}: a signing key exists already (keep it; --force replaces it)")
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    partial = path.with_name(path.name + ".open")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    partial.replace(path)
    return path


def load_private_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """The key at ``path``; refuses anything but an unencrypted ECDSA P-256 key."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: not a readable PEM private key ({exc})") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ConfigError(f"{path}: the signing key must be ECDSA P-256")
    return key


def load_public_key(path: Path) -> ec.EllipticCurvePublicKey:
    """A public key from a PEM file holding either half (what a recipient was given)."""
    data = path.read_bytes()
    try:
        if b"PRIVATE KEY" in data:
            return load_private_key(path).public_key()
        key = serialization.load_pem_public_key(data)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a readable PEM key ({exc})") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ConfigError(f"{path}: not an ECDSA public key")
    return key


def public_key_b64(key: ec.EllipticCurvePublicKey) -> str:
    """The public key as the signing spec carries it: base64 of the DER SubjectPublicKeyInfo."""
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode("ascii")


def key_fingerprint(public_b64: str) -> str:
    """A short name for a public key: ``sha256:`` of its DER, first 16 hex digits."""
    try:
        der = base64.b64decode(public_b64, validate=True)
    except ValueError:
        return "sha256:?"
    return "sha256:" + hashlib.sha256(der).hexdigest()[:16]
