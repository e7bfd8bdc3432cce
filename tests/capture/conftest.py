"""One simulator and one Chromium for each capture test module."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio

from archiver.capture.browser import Browser, BrowserOptions
from archiver.config import DEFAULT_CHROMIUM
from archiver.testing.simx import SimX, load_scenario
from archiver.x.endpoints import ALLOWED_HOSTS


def chromium_or_skip() -> str:
    if shutil.which(DEFAULT_CHROMIUM) is None:
        pytest.skip(f"{DEFAULT_CHROMIUM} is missing: `make test` installs Debian's chromium")
    return DEFAULT_CHROMIUM


@pytest.fixture(scope="module")
def sim() -> Iterator[SimX]:
    with SimX(load_scenario("seed")) as server:
        yield server


def options_for(sim: SimX) -> BrowserOptions:
    """The browser pointed at the simulator as at any mirror: host map and CA bundle only."""
    return BrowserOptions(
        executable=chromium_or_skip(),
        host_map=sim.resolve_rules(),
        allowed_hosts=ALLOWED_HOSTS,
        ca_bundle=sim.certificates.ca_pem,
    )


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser(sim: SimX) -> AsyncIterator[Browser]:
    async with Browser(options_for(sim)) as running:
        await running.start()
        yield running
