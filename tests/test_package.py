"""The package's shape: public API, purity of the pure modules, docs kept true."""

from __future__ import annotations

import subprocess
import sys

import archiver
from tests.conftest import ROOT


def test_all_is_sorted_complete_and_exported() -> None:
    assert list(archiver.__all__) == sorted(archiver.__all__)
    for name in archiver.__all__:
        obj = getattr(archiver, name)
        if isinstance(obj, type) or callable(obj):
            assert obj.__module__ == "archiver", name
    public = {n for n in dir(archiver) if not n.startswith("_") and n[0].isupper()}
    assert public <= set(archiver.__all__), public - set(archiver.__all__)


def test_pure_modules_import_no_network_browser_or_database() -> None:
    """scan/ and verify stay pure: importing them loads no httpx, playwright or sqlite3."""
    code = (
        "import sys, archiver.scan, archiver.models;"
        "bad = [m for m in ('httpx', 'playwright', 'sqlite3', 'warcio') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_architecture_doc_names_every_module_and_no_other() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = {
        str(p.relative_to(ROOT)).replace("/__init__.py", "/") for p in (ROOT / "archiver").rglob("*.py")
    }
    for module in modules:
        assert f"`{module}`" in doc, f"docs/architecture.md does not describe {module}"
    import re

    named = set(re.findall(r"`(archiver/[\w/]+(?:\.py|/))`", doc))
    assert named <= modules, f"docs/architecture.md names modules that do not exist: {named - modules}"


def test_every_status_is_in_the_documented_verdict_table() -> None:
    from archiver.models import Status

    doc = (ROOT / "docs" / "verdicts.md").read_text(encoding="utf-8")
    for status in Status:
        assert f"| `{status.value}` |" in doc, status
