"""Every recogniser grows linearly on the families real pages have (and attackers send).

Ratios, never seconds: each recogniser runs on ~1 KB and ~100 KB of the same family, and the
time may grow at most a few times more than the size (a quadratic recogniser grows by the
size ratio squared, an exponential one never finishes). Throughput is bench_scan.py's job.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.models import Location
from archiver.scan import Format, scan_document
from archiver.scan.attribution import find_attributions
from archiver.scan.decode import detect_format
from archiver.scan.editors import find_substack_remnants
from archiver.scan.flattened import find_flattened
from archiver.scan.regions import split_regions
from archiver.scan.shortcodes import find_shortcodes
from archiver.scan.urls import find_links
from tests.scan.families import PROLOGUE_UNITS, TEXT_PREFIX, TEXT_SUFFIX, TEXT_UNITS, repeated, text_piece

SMALL, LARGE = 1_000, 100_000
SIZE_RATIO = LARGE / SMALL
SLACK = 20  # growth allowed beyond linear (noise on a shared machine); quadratic is 100x

Recogniser = Callable[[str], object]
TEXT_RECOGNISERS: dict[str, Recogniser] = {
    "attributions": lambda text: list(find_attributions(text)),
    "flattened": lambda text: list(find_flattened(text)),
    "regions": split_regions,
    "substack": lambda text: list(find_substack_remnants(text, "t", Location.BODY)),
    "shortcodes": lambda text: list(find_shortcodes(text, "t", Location.BODY)),
    "links": lambda text: list(find_links(text)),
    "scan-text": lambda text: scan_document(text, "t", Format.TEXT),
    "scan-markdown": lambda text: scan_document(text, "t", Format.MARKDOWN),
}
PROLOGUE_RECOGNISERS: dict[str, Recogniser] = {
    "detect-format": detect_format,
    "scan": lambda text: scan_document(text, "t"),
}


def _best_of(recogniser: Recogniser, text: str, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        recogniser(text)
        best = min(best, time.perf_counter() - started)
    return max(best, 1e-6)


def growth(recogniser: Recogniser, small: str, large: str) -> float:
    """How many times longer ``large`` takes than ``small`` (best of several runs each)."""
    return _best_of(recogniser, large, 3) / _best_of(recogniser, small, 9)


def assert_linear(recogniser: Recogniser, unit: str, prefix: str = "", suffix: str = "") -> None:
    small = repeated(unit, SMALL, prefix, suffix)
    large = repeated(unit, LARGE, prefix, suffix)
    ratio = growth(recogniser, small, large)
    if ratio > SIZE_RATIO * SLACK:  # one retry: another engineer's job may have hit this one
        ratio = min(ratio, growth(recogniser, small, large))
    assert ratio <= SIZE_RATIO * SLACK, f"time grew {ratio:.0f}x for {SIZE_RATIO:.0f}x the input"


@pytest.mark.parametrize("family", list(PROLOGUE_UNITS))
@pytest.mark.parametrize("name", list(PROLOGUE_RECOGNISERS))
def test_html_prologue_runs_are_linear(name: str, family: str) -> None:
    assert_linear(
        PROLOGUE_RECOGNISERS[name], PROLOGUE_UNITS[family], suffix="<html> https://x.com/a/status/1"
    )


# The recogniser each family is aimed at; the whole scanner runs on every family too.
AIMED_AT = {
    "quote-prefixes": "flattened",
    "quote-lines": "flattened",
    "nested-quotes": "flattened",
    "dash-handle": "attributions",
    "dash-name-handle": "attributions",
    "hyphen-handle": "attributions",
    "escaped-dash": "attributions",
    "skip-markers": "flattened",
    "skip-end-markers": "flattened",
    "end-markers": "flattened",
    "spaces": "attributions",
    "thematic-breaks": "regions",
    "json-fields": "substack",
    "substack-markers": "substack",
    "card-dates": "substack",
    "markdown-links": "links",
    "front-matter-lines": "regions",
}
CASES = [(AIMED_AT[family], family) for family in TEXT_UNITS] + [
    ("scan-markdown", family) for family in TEXT_UNITS
]


@pytest.mark.parametrize(("name", "family"), CASES, ids=[f"{n}-{f}" for n, f in CASES])
def test_text_family_runs_are_linear(name: str, family: str) -> None:
    prefix, suffix = TEXT_PREFIX.get(family, ""), TEXT_SUFFIX.get(family, "")
    assert_linear(TEXT_RECOGNISERS[name], TEXT_UNITS[family], prefix, suffix)


def test_shortcodes_and_plain_text_scan_stay_linear_on_open_shortcodes() -> None:
    assert_linear(TEXT_RECOGNISERS["shortcodes"], "{{< tweet ")
    assert_linear(TEXT_RECOGNISERS["scan-text"], "[embed] ")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=st.lists(text_piece, min_size=1, max_size=4).map("".join))
def test_adversarial_units_never_make_the_scanner_super_linear(unit: str) -> None:
    """Hypothesis picks the unit (runs of ``> ``, ``— (@``, ``Skip Twitter post by``, open
    front matter, mixed); the whole text scanner must stay linear on its repetition."""
    assert_linear(TEXT_RECOGNISERS["scan-markdown"], unit, prefix="---\n")
