#!/usr/bin/env python3
"""Scanner throughput on one core: the real corpus, and a generated mix of articles.

    python scripts/bench_scan.py [--total-mb 100] [--small-mb 10] [--corpus ../shared/corpus]

The generated mix is like a real feed: most articles cite no tweet, but most HTML pages carry
share buttons and profile links (so the cheap pre-check cannot skip them), about one in ten
embeds tweets, and some carry the forms copies really have (Markdown quotes, one-line
``Skip … post`` chrome, front matter, footers, editor blocks). It prints MB/s per format and
the time for --small-mb against --total-mb, which should grow linearly (ratio close to
total/small). Rates are given per second of CPU time of this process (one core: the scanner
is single-threaded), which other jobs on a shared machine do not skew; wall-clock rates follow
in brackets.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

from archiver.inputs import read_path
from archiver.scan import Format, scan_document

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SENTENCE = (
    "the council said on friday that storm water would reach the quay before noon while "
    "residents were told to move cars and rail services were suspended across the region"
)
WORDS = SENTENCE.split(" ")
SHARE = (
    '<div class="share"><a href="https://twitter.com/intent/tweet?url=https%3A%2F%2Fexample.org">'
    'Tweet</a><a href="https://twitter.com/examplenews">Follow</a></div>'
)


def _paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choices(WORDS, k=words)).capitalize() + "."


def _embed_html(rng: random.Random) -> str:
    tweet_id = rng.randrange(10**18, 2 * 10**18)
    return (
        f'<blockquote class="twitter-tweet"><p lang="en">{_paragraph(rng, 20)} '
        f'<a href="https://t.co/AbCd{tweet_id % 9999}">pic.twitter.com/XyZ{tweet_id % 9999}</a></p>'
        f'&mdash; Desk (@desk_{tweet_id % 97}) <a href="https://twitter.com/desk/status/{tweet_id}'
        '?ref_src=twsrc%5Etfw">March 14, 2025</a></blockquote>'
    )


def _wordpress_html(rng: random.Random) -> str:
    url = f"https://x.com/desk/status/{rng.randrange(10**18, 2 * 10**18)}"
    return (
        f'<!-- wp:embed {{"url":"{url}","type":"rich","providerNameSlug":"x"}} -->\n'
        f'<figure class="wp-block-embed is-provider-x"><div class="wp-block-embed__wrapper">\n{url}\n'
        f"</div><figcaption>{_paragraph(rng, 8)}</figcaption></figure>\n<!-- /wp:embed -->\n"
    )


def make_html(rng: random.Random, size: int, with_tweets: bool, with_share: bool) -> str:
    parts = ["<!doctype html><html><head><title>Article</title></head><body><main><article>"]
    while sum(map(len, parts)) < size:
        parts.append(f'<p class="para">{_paragraph(rng, 60)} <a href="https://example.org/a">more</a></p>')
        if with_tweets and rng.random() < 0.05:
            parts.append(_embed_html(rng) if rng.random() < 0.7 else _wordpress_html(rng))
    parts.append("</article></main>" + (SHARE if with_share else "") + "</body></html>")
    return "".join(parts)


def _flattened_text(rng: random.Random, markdown: bool) -> str:
    text = f"{_paragraph(rng, 15)} pic.twitter.com/Ab{rng.randrange(10**6)}"
    form = rng.random()
    if markdown and form < 0.5:
        status = f"https://twitter.com/desk/status/{rng.randrange(10**18, 2 * 10**18)}?ref%5Fsrc=twsrc%5Etfw"
        return f"> {text}\n>\n> \\- Desk (@desk) [March 14, 2025]({status})\n\n"
    if not markdown and form < 0.3:
        chrome = "— Desk (@desk) March 14, 2025 Report End of Twitter post by @desk "
        return f"Skip Twitter post by @desk {text}{chrome}"
    return f"{text}\n— Desk (@desk) March 14, 2025\n\n"


def make_text(rng: random.Random, size: int, with_tweets: bool, markdown: bool) -> str:
    parts = ["# Article\n\n" if markdown else "Article\n\n"]
    if markdown and rng.random() < 0.5:
        parts.insert(
            0, f"---\ntitle: Article\ndate: 2025-03-14\ntags: [a, b]\nslug: a-{rng.randrange(10**6)}\n---\n\n"
        )
    while sum(map(len, parts)) < size:
        parts.append(_paragraph(rng, 60) + "\n\n")
        if with_tweets and rng.random() < 0.05:
            parts.append(_flattened_text(rng, markdown))
        if markdown and rng.random() < 0.05:
            parts.append(f"[source](https://example.org/{rng.randrange(10**6)})\n\n")
    if markdown and rng.random() < 0.3:
        parts.append(
            "* * *\n\n**Related posts**\n\nFollow us: https://twitter.com/site/status/1796100387634686000\n"
        )
    return "".join(parts)


def generate(total_bytes: int, seed: int = 1) -> dict[Format, list[str]]:
    """Half HTML, a quarter plain text, a quarter Markdown; articles of 5 to 80 kB."""
    rng = random.Random(seed)
    shares = {Format.HTML: 0.5, Format.TEXT: 0.25, Format.MARKDOWN: 0.25}
    mix: dict[Format, list[str]] = {fmt: [] for fmt in shares}
    for fmt, share in shares.items():
        made = 0
        while made < total_bytes * share:
            size = rng.randrange(5_000, 80_000)
            with_tweets = rng.random() < 0.1
            if fmt is Format.HTML:
                doc = make_html(rng, size, with_tweets, with_share=rng.random() < 0.7)
            else:
                doc = make_text(rng, size, with_tweets, markdown=fmt is Format.MARKDOWN)
            mix[fmt].append(doc)
            made += len(doc.encode())
    return mix


def timed(fn: Callable[[], object]) -> float:
    """CPU seconds ``fn`` took (see the module docstring); wall seconds go to ``WALL``."""
    started, wall = time.process_time(), time.perf_counter()
    fn()
    WALL.append(time.perf_counter() - wall)
    return time.process_time() - started


WALL: list[float] = []


def scan_all(docs: list[str], fmt: Format | None) -> int:
    return sum(len(scan_document(doc, "bench", fmt)) for doc in docs)


def mb(docs: list[str]) -> float:
    return sum(len(d.encode()) for d in docs) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--total-mb", type=float, default=100)
    parser.add_argument("--small-mb", type=float, default=10)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    scan_document("warm up https://twitter.com/a/status/1 — A (@a) March 1, 2020", "w")

    if (args.corpus / "labels.json").exists():
        docs = {Format.HTML: [], Format.TEXT: []}  # type: dict[Format, list[str]]
        for path in sorted((args.corpus / "articles").iterdir()):
            fmt = Format.HTML if path.suffix == ".html" else Format.TEXT
            docs[fmt].append(read_path(path))
        for fmt, group in docs.items():
            rounds = 20 if fmt is Format.HTML else 400
            seconds = timed(lambda g=group, r=rounds: [scan_all(g, None) for _ in range(r)])
            label = "html" if fmt is Format.HTML else "text+markdown"
            rate = mb(group) * rounds / seconds
            wall = mb(group) * rounds / WALL[-1]
            print(f"corpus {label:<14} {rate:7.1f} MB/s [{wall:6.1f}]  ({mb(group):.2f} MB x {rounds})")
    else:
        print(f"(no corpus at {args.corpus}: skipped the corpus figures)")

    mix = generate(int(args.total_mb * 1e6))
    total = 0.0
    for fmt, group in mix.items():
        seconds = timed(lambda g=group, f=fmt: scan_all(g, f))
        total += seconds
        rate = mb(group) / seconds
        wall = mb(group) / WALL[-1]
        print(
            f"mix    {fmt!s:<14} {rate:7.1f} MB/s [{wall:6.1f}]  ({mb(group):.1f} MB, {len(group)} articles)"
        )
    whole = sum(mb(g) for g in mix.values())
    print(f"mix    {'all':<14} {whole / total:7.1f} MB/s  ({whole:.1f} MB in {total:.1f} s)")

    small = generate(int(args.small_mb * 1e6), seed=2)
    small_seconds = sum(timed(lambda g=g, f=f: scan_all(g, f)) for f, g in small.items())
    small_mb = sum(mb(g) for g in small.values())
    print(
        f"linearity: {small_mb:.1f} MB in {small_seconds:.2f} s, {whole:.1f} MB in {total:.2f} s: "
        f"time ratio {total / small_seconds:.1f} for size ratio {whole / small_mb:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
