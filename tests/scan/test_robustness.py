"""Hostile input: the scanner never crashes and never goes super-linear."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archiver.models import EmbedRef
from archiver.scan import Format, scan_document
from archiver.scan.decode import detect_format
from tests.scan.families import prologue_documents, text_documents

X_BITS = [
    "twitter.com/",
    "x.com/",
    "t.co/",
    "pic.twitter.com/",
    "/status/",
    "/statuses/",
    "/i/web/status/",
    "https://",
    "(@",
    "— ",
    "&mdash;",
    '<blockquote class="twitter-tweet">',
    "</blockquote>",
    '<a href="',
    '">',
    "</a>",
    "<p>",
    "{{< tweet ",
    " >}}",
    "[tweet ",
    "]",
    "1234567890123456789",
    "jack",
    "\n",
    " ",
    "…",
    "March 14, 2025",
]
_ID = re.compile(r"\d{1,19}")


def well_formed(ref: EmbedRef) -> None:
    assert ref.tweet_id is None or (_ID.fullmatch(ref.tweet_id) and not ref.tweet_id.startswith("0"))
    assert ref.url is None or ref.url.startswith("https://")
    if ref.tweet_id is not None:
        assert ref.url is not None and ref.url.endswith("/status/" + ref.tweet_id)
    assert ref.handle is None or re.fullmatch(r"[A-Za-z0-9_]{1,15}", ref.handle)
    assert ref.date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", ref.date)
    assert isinstance(ref.pic_links, tuple) and isinstance(ref.tco_links, tuple)
    ref.to_json()


soupy = st.lists(st.sampled_from(X_BITS) | st.text(max_size=8), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=soupy, fmt=st.sampled_from(list(Format)))
def test_arbitrary_x_flavoured_input_never_crashes(text: str, fmt: Format) -> None:
    for ref in scan_document(text, "fuzz", fmt):
        well_formed(ref)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=500))
def test_arbitrary_unicode_never_crashes(text: str) -> None:
    for fmt in Format:
        for ref in scan_document(text, "fuzz", fmt):
            well_formed(ref)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=prologue_documents)
def test_runs_of_comments_cdata_and_prologues_never_crash(text: str) -> None:
    """The families real pages have (issue 10, finding 1): random text never makes them."""
    detect_format(text)
    for ref in scan_document(text, "fuzz"):
        well_formed(ref)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=text_documents, fmt=st.sampled_from(list(Format)))
def test_quotes_chrome_and_front_matter_never_crash(text: str, fmt: Format) -> None:
    for ref in scan_document(text, "fuzz", fmt):
        well_formed(ref)


PATHOLOGICAL = {
    "dotted-labels": "a." * 100_000 + "twitter.co",
    "hosts-without-paths": "twitter.com " * 20_000,
    "attribution-marks": "(@" * 100_000,
    "dashes-and-handles": "— x (@abc) " * 20_000,
    "open-shortcodes": "{{< tweet " * 30_000,
    "long-path": "https://twitter.com/" + "a/" * 100_000,
    "one-long-line": "x" * 200_000 + " pic.twitter.com/AbCd1234\n— A (@a) May 1, 2020",
    "many-lines": "word\n" * 50_000 + "— A (@a) May 1, 2020",
    "nested-tags": "<blockquote class='twitter-tweet'>" * 2_000 + "x",
    "dash-then-spaces": "— " + " " * 100_000 + "x (@a) May 1, 2020",
    "empty-comments": "<!---->" * 30_000 + "https://twitter.com/a/status/1",
    "quote-prefixes": "> " * 100_000 + "— A (@a) May 1, 2020",
    "skip-markers": "Skip Twitter post by " * 10_000 + "x— A (@a) May 1, 2020",
    "unclosed-front-matter": "---\n" + "key: value\n" * 20_000 + "https://twitter.com/a/status/1",
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input_finishes_quickly(name: str) -> None:
    """A guard against catastrophic regular expressions, not a benchmark (see bench_scan.py):
    each input is about 200 kB, which a quadratic scanner would take minutes on."""
    text = PATHOLOGICAL[name]
    started = time.perf_counter()
    for fmt in Format:
        scan_document(text, name, fmt)
    assert time.perf_counter() - started < 20
