"""Shared fixtures: paths to the project's own data and, when present, ../shared."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


def warcio_check(path: Path) -> None:
    """Fail unless ``warcio check`` passes on the WARC at ``path`` (every record's digests)."""
    import subprocess
    import sys

    warcio = Path(sys.executable).parent / "warcio"
    checked = subprocess.run([str(warcio), "check", "-v", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout[-2000:] + checked.stderr[-2000:]
    assert "digest pass" in checked.stdout


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the checkout (read-only, others' data); skip when it is absent."""
    if not (SHARED / "corpus" / "labels.json").exists():
        pytest.skip("../shared is absent: the corpus and x-samples live there, not in the repo")
    return SHARED


_LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "", None}


def _is_local(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host in _LOCAL_NAMES:
        return True
    text = str(host)
    if text.startswith("127.") or text == "::1":
        return True
    try:  # the numeric forms a resolver reads as loopback too (2130706433, 0x7f.0.0.1, 127.1)
        return socket.inet_aton(text)[0] == 127
    except (OSError, ValueError):
        return False


@pytest.fixture(autouse=True)
def no_real_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection or DNS lookup outside this machine: tests use the simulator only."""
    import socket

    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def guarded_getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if not _is_local(host):
            raise OSError(f"test tried to resolve a real host: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    def check(sock: socket.socket, address: object) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0] if isinstance(address, tuple) else address
            if not _is_local(host):
                raise OSError(f"test tried to connect to a real host: {address!r}")

    def guarded_connect(sock: socket.socket, address: object) -> None:
        check(sock, address)
        real_connect(sock, address)  # type: ignore[arg-type]

    def guarded_connect_ex(sock: socket.socket, address: object) -> int:
        check(sock, address)
        return real_connect_ex(sock, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)


@pytest.fixture(scope="session", autouse=True)
def scratch_home_for_the_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Module fixtures too run with a scratch $HOME: the default signing key lives under it."""
    import os

    saved = os.environ.get("HOME")
    os.environ["HOME"] = str(tmp_path_factory.mktemp("home"))
    yield
    if saved is None:
        os.environ.pop("HOME", None)
    else:
        os.environ["HOME"] = saved


@pytest.fixture(autouse=True)
def run_in_a_scratch_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands default to archives/ in the current folder: never the checkout's."""
    scratch = tmp_path / "cwd"
    scratch.mkdir()
    monkeypatch.chdir(scratch)
    home = tmp_path / "home"  # never the real home: the default signing key lives under $HOME
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
