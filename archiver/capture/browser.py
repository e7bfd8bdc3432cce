"""One headless Chromium per run, a fresh context per capture. No recording here.

Debian's ``chromium`` driven by a pinned Playwright (never ``playwright install``). Host
names are mapped with ``--host-resolver-rules`` (the URL, Host header and TLS name stay the
real ones), and every host outside the allow-list resolves to nothing.

Chromium reads no CA file, so ``--ca-bundle`` (``BrowserOptions.ca_bundle``) reaches it two ways:

* an NSS database in a per-browser ``HOME`` (``$HOME/.pki/nssdb``, where Chromium on Linux
  looks for trust anchors) holding every certificate of the bundle as a trusted CA, made with
  ``certutil`` (Debian's ``libnss3-tools``). Chromium then builds and checks the chain itself,
  so a server that sends only its leaf, or leaf and intermediate, is trusted too;
* ``--ignore-certificate-errors-spki-list`` with the public-key hash of every certificate of the
  bundle, always. Limit: Chromium matches it only against the certificates the server *sends*,
  so without ``certutil`` a server sending leaf + intermediate while the bundle holds the root
  (a TLS-inspecting proxy, often) is not trusted; one sending leaf + CA is.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from playwright.async_api import Browser as PlaywrightBrowser
from playwright.async_api import BrowserContext, Playwright, ViewportSize, async_playwright
from playwright.async_api import Error as PlaywrightError

from archiver.errors import CaptureError

__all__ = [
    "CHROMIUM_FLAGS",
    "Browser",
    "BrowserOptions",
    "bundle_certificates",
    "make_nss_home",
    "resolver_rules",
    "spki_hashes",
]

# Measured on these machines: without the background-networking flags Chromium keeps trying
# Google's hosts, which a closed network refuses many times a second.
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
)
VIEWPORT: ViewportSize = {"width": 600, "height": 900}


@dataclass(frozen=True, slots=True)
class BrowserOptions:
    executable: str = "/usr/bin/chromium"
    host_map: tuple[tuple[str, str, int], ...] = ()  # (host, address, port)
    allowed_hosts: Collection[str] = ()
    ca_bundle: Path | None = None  # --ca-bundle: trusted as the probes trust it (module docstring)
    certutil: str = "certutil"
    extra_args: tuple[str, ...] = ()


def resolver_rules(host_map: Sequence[tuple[str, str, int]], allowed_hosts: Collection[str]) -> str:
    """``--host-resolver-rules``: mapped hosts first, then nothing for hosts outside the list."""
    rules = [f"MAP {host} {address}:{port}" for host, address, port in host_map]
    mapped = {host for host, _, _ in host_map}
    rules.append("MAP * ~NOTFOUND")
    rules += [f"EXCLUDE {host}" for host in sorted(set(allowed_hosts) - mapped)]
    return ", ".join(rules)


def bundle_certificates(ca_bundle: Path) -> list[x509.Certificate]:
    """Every certificate of a PEM bundle (a bundle that holds none is a configuration error)."""
    try:
        certificates = x509.load_pem_x509_certificates(ca_bundle.read_bytes())
    except (OSError, ValueError) as exc:
        raise CaptureError(f"--ca-bundle {ca_bundle}: no PEM certificate could be read ({exc})") from exc
    return certificates


def spki_hashes(certificates: Sequence[x509.Certificate]) -> tuple[str, ...]:
    """Base64 SHA-256 of each certificate's public key, as ``--ignore-certificate-errors-spki-list`` wants."""
    out = []
    for certificate in certificates:
        spki = certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        out.append(base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii"))
    return tuple(out)


def make_nss_home(certificates: Sequence[x509.Certificate], home: Path, certutil: str) -> bool:
    """Write ``home/.pki/nssdb`` trusting each certificate as a CA; False without ``certutil``."""
    tool = shutil.which(certutil)
    if tool is None:
        return False
    database = home / ".pki" / "nssdb"
    database.mkdir(parents=True, exist_ok=True)
    try:
        _run([tool, "-N", "-d", f"sql:{database}", "--empty-password"])
        for number, certificate in enumerate(certificates):
            pem = home / f"ca-{number}.pem"
            pem.write_bytes(certificate.public_bytes(Encoding.PEM))
            _run(
                [
                    tool,
                    "-A",
                    "-d",
                    f"sql:{database}",
                    "-n",
                    f"ca-bundle-{number}",
                    "-t",
                    "C,,",
                    "-i",
                    str(pem),
                ]
            )
    except (OSError, subprocess.CalledProcessError) as exc:
        raise CaptureError(f"certutil could not write the browser's trust store: {exc}") from exc
    return True


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=30)


class Browser:
    """A running Chromium; :meth:`new_context` restarts it if it died."""

    def __init__(self, options: BrowserOptions) -> None:
        self.options = options
        self._playwright: Playwright | None = None
        self._browser: PlaywrightBrowser | None = None
        self._lock = asyncio.Lock()
        self.restarts = 0
        self._home: tempfile.TemporaryDirectory[str] | None = None
        self._bundle_spki: tuple[str, ...] = ()
        self.nss_trust = False  # True when the bundle is in an NSS database (module docstring)

    @property
    def version(self) -> str:
        return self._browser.version if self._browser else ""

    def launch_args(self) -> list[str]:
        args = list(CHROMIUM_FLAGS)
        args.append(
            f"--host-resolver-rules={resolver_rules(self.options.host_map, self.options.allowed_hosts)}"
        )
        if self._bundle_spki:
            args.append(f"--ignore-certificate-errors-spki-list={','.join(self._bundle_spki)}")
        args += self.options.extra_args
        return args

    async def start(self) -> Browser:
        async with self._lock:
            await self._launch()
        return self

    def _trust_bundle(self) -> dict[str, str | float | bool] | None:
        """The bundle's SPKI hashes and NSS home (made once); the environment to launch with."""
        bundle = self.options.ca_bundle
        if bundle is None:
            return None
        if self._home is None:
            certificates = bundle_certificates(bundle)
            self._bundle_spki = spki_hashes(certificates)
            self._home = tempfile.TemporaryDirectory(prefix="archiver-browser-")
            self.nss_trust = make_nss_home(certificates, Path(self._home.name), self.options.certutil)
        return {**os.environ, "HOME": self._home.name} if self.nss_trust else None

    async def _launch(self) -> None:
        env = self._trust_bundle()
        if self._playwright is None:
            self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.options.executable,
                headless=True,
                args=self.launch_args(),
                env=env,
            )
        except PlaywrightError as exc:
            raise CaptureError(
                f"cannot start Chromium at {self.options.executable}: {exc.message.splitlines()[0]} "
                "(install Debian's chromium: apt-get install -y chromium)"
            ) from exc

    async def new_context(self) -> BrowserContext:
        """A fresh context (no cache, no cookies), relaunching a browser that died."""
        async with self._lock:
            if self._browser is None or not self._browser.is_connected():
                if self._browser is not None:
                    self.restarts += 1
                await self._launch()
            assert self._browser is not None
            try:
                return await self._browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
            except PlaywrightError:  # it died while asked (a crash racing this call): once more
                self.restarts += 1
                await self._launch()
                return await self._browser.new_context(viewport=VIEWPORT, device_scale_factor=1)

    async def kill(self) -> None:
        """Close the browser process at once (tests use this to simulate a crash)."""
        if self._browser is not None:
            await self._browser.close()

    async def close(self) -> None:
        async with self._lock:
            if self._browser is not None:
                await self._browser.close()
                self._browser = None
            if self._playwright is not None:
                await self._playwright.stop()
                self._playwright = None
            if self._home is not None:
                self._home.cleanup()
                self._home = None

    async def __aenter__(self) -> Browser:
        return self  # launched by the first new_context: a run with nothing to capture starts none

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
