"""Shared fixtures: paths to the project's own data and, when present, ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the checkout (read-only, others' data); skip when it is absent."""
    if not (SHARED / "corpus" / "labels.json").exists():
        pytest.skip("../shared is absent: the corpus and x-samples live there, not in the repo")
    return SHARED
