"""Fixtures for the evidence tests: WARCs like a capture run's, a local RFC 3161 timestamp
authority (``openssl ts -reply`` behind a tiny HTTP handler, throwaway CA, a TSA certificate
with the timeStamping extended key usage), and an authsign-compatible signing server."""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

from archiver.capture.warc import WarcFile
from archiver.models import EmbedRef, Evidence, Outcome, RefKind, Status, TweetFacts, Verdict
from archiver.net.exchange import Exchange
from archiver.store import CheckRecord, Store

POSTS = {"1900000000000000001": "live", "1900000000000000002": "deleted", "1900000000000000003": "live"}
WARC_NAME = "embeds-20261204120000000-00000-test.warc.gz"


@pytest.fixture(autouse=True)
def scratch_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Never the real home: the default signing key lives under $HOME."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    return home


def _page_id(post: str) -> str:
    return f"<urn:uuid:00000000-0000-4000-8000-{int(post) % 10**12:012d}>"


def write_capture_warc(path: Path, posts: dict[str, str] = POSTS) -> Path:
    """A sealed WARC as a capture run writes it: per post a probe pair, a screenshot, a
    metadata record whose verdict names the probe's record id; one page id per post."""
    warc = WarcFile(path, {"software": "embed-archiver test"})
    for post, status in posts.items():
        page = _page_id(post)
        url = f"https://cdn.syndication.twimg.com/tweet-result?id={post}&token=x"
        body = json.dumps({"id_str": post, "text": f"text of {post}"}).encode()
        exchange = Exchange(
            "GET",
            url,
            (("Accept", "*/*"),),
            200 if status == "live" else 404,
            "OK",
            (("Content-Type", "application/json"),),
            body,
            started_at="2026-12-04T12:00:00Z",
            page_id=page,
        )
        _, response_id = warc.write_exchange(exchange)
        embed = f"https://platform.twitter.com/embed/Tweet.html?id={post}"
        shot = warc.write_resource(
            f"urn:view:{embed}", "image/png", b"\x89PNG fake " + post.encode(), page_id=page
        )
        metadata = {
            "schema": 1,
            "tool": "embed-archiver test",
            "tweet_id": post,
            "page_id": page,
            "embed_url": embed,
            "captured_at": "2026-12-04T12:00:01Z",
            "verdict": {
                "status": status,
                "reasons": [f"syndication said {status}"],
                "changes": [],
                "evidence": [{"source": "syndication", "url": url, "record_id": response_id}],
            },
        }
        warc.write_metadata(
            f"urn:embed-check:{post}", metadata, page_id=page, refers_to=response_id, concurrent_to=shot
        )
    return warc.seal()


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An output folder with one sealed WARC and a state database that knows the posts."""
    out = tmp_path / "archives"
    write_capture_warc(out / "warc" / WARC_NAME)
    with Store(out / "archiver.db") as store:
        for post, status in POSTS.items():
            facts = TweetFacts(tweet_id=post, text=f"text of {post}", handle="jack")
            evidence = (Evidence("syndication", "u", Outcome.FOUND, 200, facts=facts),)
            verdict = Verdict(Status(status), (f"syndication said {status}",), evidence)
            ref = EmbedRef(
                article="story.html",
                kind=RefKind.BLOCKQUOTE,
                tweet_id=post,
                url=f"https://twitter.com/jack/status/{post}",
                handle="jack",
                quoted_text=f"quote of {post}",
            )
            store.record_tweet(None, [CheckRecord(ref, post, verdict, "2026-12-04T12:00:01Z", WARC_NAME)])
    return out


# -- a throwaway PKI -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pki:
    dir: Path
    ca_pem: Path
    ca_cert: x509.Certificate
    ca_key: ec.EllipticCurvePrivateKey

    def issue(
        self, name: str, *, eku: x509.ObjectIdentifier | None = None
    ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.datetime.now(datetime.UTC)
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(self.ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        )
        if eku is not None:
            builder = builder.add_extension(x509.ExtendedKeyUsage([eku]), critical=True)
        return builder.sign(self.ca_key, hashes.SHA256()), key


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def make_pki(directory: Path, name: str = "Test Evidence Root CA") -> Pki:
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(key, hashes.SHA256())
    )
    ca_pem = directory / "ca.pem"
    ca_pem.write_bytes(_pem(cert))
    return Pki(directory, ca_pem, cert, key)


# -- the local TSA ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalTsa:
    url: str
    broken_url: str
    pki: Pki
    cert: x509.Certificate

    def stamp(self, data: bytes) -> bytes:
        """A timestamp reply over ``data`` (as authsign's signer gets for its timeSignature)."""
        builder = TimestampRequestBuilder().data(data).hash_algorithm(HashAlgorithm.SHA256)
        query = builder.cert_request(cert_request=True).build().as_bytes()
        return _reply(self.pki.dir, query)


_TSA_CONFIG = """
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = {dir}/serial
crypto_device = builtin
signer_cert = {dir}/tsa.pem
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""

_LOCK = threading.Lock()


def _reply(directory: Path, query: bytes) -> bytes:
    with _LOCK:
        (directory / "query.tsq").write_bytes(query)
        subprocess.run(
            [
                "openssl",
                "ts",
                "-reply",
                "-config",
                str(directory / "tsa.cnf"),
                "-queryfile",
                str(directory / "query.tsq"),
                "-out",
                str(directory / "reply.tsr"),
            ],
            check=True,
            capture_output=True,
        )
        return (directory / "reply.tsr").read_bytes()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server = self.server
        if self.path == "/broken":
            self.send_response(503)
            self.end_headers()
            return
        if self.path == "/sign":
            reply = server.sign(json.loads(body), self.headers.get("Authorization"))  # type: ignore[attr-defined]
            data, kind = json.dumps(reply).encode(), "application/json"
        else:
            data, kind = _reply(server.pki.dir, body), "application/timestamp-reply"  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="session")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalTsa]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed (the local TSA is `openssl ts -reply`)")
    directory = tmp_path_factory.mktemp("tsa")
    pki = make_pki(directory)
    cert, key = pki.issue("Test Timestamp Authority", eku=ExtendedKeyUsageOID.TIME_STAMPING)
    (directory / "tsa.pem").write_bytes(_pem(cert))
    (directory / "tsa.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (directory / "serial").write_text("01\n")
    (directory / "tsa.cnf").write_text(_TSA_CONFIG.format(dir=directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.pki = pki  # type: ignore[attr-defined]
    server.sign = None  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    local = LocalTsa(f"{base}/tsr", f"{base}/broken", pki, cert)
    server.local = local  # type: ignore[attr-defined]
    yield local
    server.shutdown()
    server.server_close()


@dataclass(frozen=True)
class SigningServer:
    url: str
    token: str
    domain: str
    roots_yaml: Path


@pytest.fixture(scope="session")
def signing_server(tsa: LocalTsa, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SigningServer]:
    """An authsign-compatible /sign endpoint: a domain certificate from the throwaway CA signs
    the hash, the local TSA stamps the signature (authsign's timeSignature)."""
    directory = tmp_path_factory.mktemp("signer")
    domain = "evidence.archive.test"
    cert, key = tsa.pki.issue(domain, eku=ExtendedKeyUsageOID.SERVER_AUTH)
    chain = (_pem(cert) + _pem(tsa.pki.ca_cert)).decode()
    stamp_chain = (_pem(tsa.cert) + _pem(tsa.pki.ca_cert)).decode()
    token = "s3cret"

    def sign(request: dict[str, str], auth: str | None) -> dict[str, str]:
        assert auth == f"bearer {token}"
        signature = base64.b64encode(key.sign(request["hash"].encode(), ec.ECDSA(hashes.SHA256()))).decode()
        return {
            "hash": request["hash"],
            "created": request["created"],
            "software": "test authsign",
            "version": "0.1.0",
            "signature": signature,
            "domain": domain,
            "domainCert": chain,
            "timeSignature": base64.b64encode(tsa.stamp(signature.encode())).decode(),
            "timestampCert": stamp_chain,
        }

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.pki = tsa.pki  # type: ignore[attr-defined]
    server.sign = sign  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fingerprint = hashlib.sha256(tsa.pki.ca_cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    roots = directory / "roots.yaml"
    roots.write_text(f"domain_cert_roots:\n  - {fingerprint}\ntimestamp_cert_roots:\n  - {fingerprint}\n")
    yield SigningServer(f"http://127.0.0.1:{server.server_address[1]}/sign", token, domain, roots)
    server.shutdown()
    server.server_close()
