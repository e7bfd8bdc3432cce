"""One headless Chromium per run, a fresh context per capture. No recording here.

Debian's ``chromium`` driven by a pinned Playwright (never ``playwright install``). Host
names are mapped with ``--host-resolver-rules`` (the URL, Host header and TLS name stay the
real ones), every host outside the allow-list resolves to nothing, and an extra CA is
trusted by its public-key hash, since Chromium reads no CA file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from playwright.async_api import Browser as PlaywrightBrowser
from playwright.async_api import BrowserContext, Playwright, ViewportSize, async_playwright
from playwright.async_api import Error as PlaywrightError

from archiver.errors import CaptureError

__all__ = ["CHROMIUM_FLAGS", "Browser", "BrowserOptions", "resolver_rules"]

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
    trusted_spki: tuple[str, ...] = ()  # base64 SHA-256 of extra CAs' public keys
    extra_args: tuple[str, ...] = ()


def resolver_rules(host_map: Sequence[tuple[str, str, int]], allowed_hosts: Collection[str]) -> str:
    """``--host-resolver-rules``: mapped hosts first, then nothing for hosts outside the list."""
    rules = [f"MAP {host} {address}:{port}" for host, address, port in host_map]
    mapped = {host for host, _, _ in host_map}
    rules.append("MAP * ~NOTFOUND")
    rules += [f"EXCLUDE {host}" for host in sorted(set(allowed_hosts) - mapped)]
    return ", ".join(rules)


class Browser:
    """A running Chromium; :meth:`new_context` restarts it if it died."""

    def __init__(self, options: BrowserOptions) -> None:
        self.options = options
        self._playwright: Playwright | None = None
        self._browser: PlaywrightBrowser | None = None
        self._lock = asyncio.Lock()
        self.restarts = 0

    @property
    def version(self) -> str:
        return self._browser.version if self._browser else ""

    def launch_args(self) -> list[str]:
        args = list(CHROMIUM_FLAGS)
        args.append(
            f"--host-resolver-rules={resolver_rules(self.options.host_map, self.options.allowed_hosts)}"
        )
        if self.options.trusted_spki:
            args.append(f"--ignore-certificate-errors-spki-list={','.join(self.options.trusted_spki)}")
        args += self.options.extra_args
        return args

    async def start(self) -> Browser:
        async with self._lock:
            await self._launch()
        return self

    async def _launch(self) -> None:
        if self._playwright is None:
            self._playwright = await async_playwright().start()
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.options.executable, headless=True, args=self.launch_args()
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

    async def __aenter__(self) -> Browser:
        return self  # launched by the first new_context: a run with nothing to capture starts none

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
