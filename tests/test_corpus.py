"""The scanner against the hand-labelled corpus in ../shared (read in place)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from tests.conftest import ROOT


def _eval_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_corpus", ROOT / "scripts" / "eval_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_meets_recall_precision_and_field_targets(shared_dir: Path) -> None:
    evaluation = _eval_module()
    result = evaluation.evaluate(shared_dir / "corpus")
    assert result["recall"] >= 0.98, result["misses"]
    assert result["precision"] >= 0.99, result["misses"]
    for name, value in result["fields"].items():
        assert value >= 0.95, (name, result["misses"])
    hits, total = map(int, result["chrome_located"].split("/"))
    assert hits == total, result["misses"]
