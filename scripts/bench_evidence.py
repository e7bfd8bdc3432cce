#!/usr/bin/env python3
"""What sealing and verifying a package cost, against packaging alone.

    python scripts/bench_evidence.py [--posts 300] [--payload-kb 200]

Writes one WARC shaped like a capture run's (per post: a response of --payload-kb, a
screenshot, a metadata record naming the response), then times: the plain ``wacz create`` +
validate (``write_wacz``), the sealed package (verdicts.jsonl + anonymous signature,
``package_wacz``), the same with one post in ten withheld (redacted WARC copy), and
``verify_package`` of the sealed one. Prints seconds and the ratios to the plain package.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from archiver.capture.wacz import pages_from_warcs, write_wacz
from archiver.capture.warc import WarcFile
from archiver.evidence.keys import init_key
from archiver.evidence.package import EvidenceOptions, package_wacz
from archiver.evidence.signing import AnonymousSigner
from archiver.evidence.verify import verify_package
from archiver.net.exchange import Exchange


def _warc(path: Path, posts: int, payload_kb: int) -> list[str]:
    warc = WarcFile(path, {"software": "bench"})
    ids = []
    for n in range(posts):
        post = str(1900000000000000000 + n)
        page = f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>"
        url = f"https://cdn.syndication.twimg.com/tweet-result?id={post}"
        body = os.urandom(payload_kb * 1024)
        exchange = Exchange(
            "GET", url, (), 200, "OK", (("Content-Type", "application/json"),), body, page_id=page
        )
        _, response = warc.write_exchange(exchange)
        embed = f"https://platform.twitter.com/embed/Tweet.html?id={post}"
        warc.write_resource(f"urn:view:{embed}", "image/png", os.urandom(30_000), page_id=page)
        verdict = {
            "status": "live",
            "reasons": ["found"],
            "evidence": [{"source": "syndication", "url": url, "record_id": response}],
        }
        meta = {
            "tweet_id": post,
            "page_id": page,
            "embed_url": embed,
            "captured_at": "2026-12-04T00:00:00Z",
            "verdict": verdict,
        }
        warc.write_metadata(f"urn:embed-check:{post}", meta, page_id=page)
        ids.append(post)
    warc.seal()
    return ids


def _time(label: str, fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:<40} {seconds:7.2f} s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--payload-kb", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        warc = root / "warc" / "embeds-20261204000000000-00000-bench.warc.gz"
        ids = _warc(warc, args.posts, args.payload_kb)
        pages = pages_from_warcs([warc])
        key = init_key(root / "key.pem")
        sealed = EvidenceOptions(signer=AnonymousSigner(key))
        withheld = EvidenceOptions(signer=AnonymousSigner(key), withheld={p: "private" for p in ids[::10]})
        print(f"{args.posts} posts, WARC {warc.stat().st_size / 1e6:.1f} MB")
        plain = _time("write_wacz (plain)", lambda: write_wacz([warc], pages, root / "plain.wacz"))
        seal = _time(
            "package_wacz (verdicts + signature)",
            lambda: package_wacz([warc], pages, root / "s.wacz", sealed),
        )
        red = _time(
            "package_wacz (1 in 10 withheld)", lambda: package_wacz([warc], pages, root / "r.wacz", withheld)
        )
        result = {}
        check = _time("verify_package", lambda: result.setdefault("r", verify_package(root / "s.wacz")))
        assert result["r"].ok, result["r"].problems
        print(
            json.dumps(
                {
                    "sealed/plain": round(seal / plain, 2),
                    "withheld/plain": round(red / plain, 2),
                    "verify/plain": round(check / plain, 2),
                }
            )
        )


if __name__ == "__main__":
    main()
