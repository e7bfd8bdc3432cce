#!/usr/bin/env python3
"""Score the scanner on the hand-labelled corpus in ../shared/corpus (read in place, not copied).

Recall and precision of body references, then the accuracy of each field over the matched
ones (handle, date, quoted text, pic links, t.co links, kind). Prints every miss.

    python scripts/eval_corpus.py [--corpus ../shared/corpus] [--json]

Exit status 1 when a target is missed (recall >= 0.98, precision >= 0.99, fields >= 0.95).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

from archiver.inputs import read_path
from archiver.models import EmbedRef, Location
from archiver.scan import scan_document

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
TARGETS = {"recall": 0.98, "precision": 0.99, "field": 0.95}
FIELDS = ("handle", "date", "quoted_text", "pic_links", "tco_links", "kind")
_SPACE = re.compile(r"\s+")


def normalise(text: str | None) -> str | None:
    if text is None:
        return None
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def key_of(embed: dict[str, Any]) -> str:
    if embed.get("tweet_id"):
        return "id:" + embed["tweet_id"]
    if embed.get("url"):
        return "url:" + embed["url"]
    start = normalise(embed.get("quoted_text_start") or embed.get("quoted_text")) or ""
    return f"at:{embed.get('handle')}:{embed.get('date')}:{start[:20]}"


def field_ok(name: str, label: dict[str, Any], got: dict[str, Any]) -> bool:
    if name == "quoted_text":
        want = normalise(label.get("quoted_text_start"))
        have = normalise(got.get("quoted_text"))
        if want is None:
            return have is None
        return have is not None and have.startswith(want.strip())
    if name in ("pic_links", "tco_links"):
        return list(label.get(name) or []) == list(got.get(name) or [])
    return bool(label.get(name) == got.get(name))


def evaluate(corpus: Path) -> dict[str, Any]:
    labels = json.loads((corpus / "labels.json").read_text(encoding="utf-8"))
    tp = fp = fn = 0
    field_hits = dict.fromkeys(FIELDS, 0)
    misses: list[str] = []
    for document in labels:
        path = corpus / "articles" / document["file"]
        text = read_path(path)
        refs: list[EmbedRef] = scan_document(text, document["file"])
        got = {}
        for ref in refs:
            if ref.location is Location.BODY:
                data = ref.to_json()
                got.setdefault(key_of(data), data)
        want = {key_of(e): e for e in document["embeds"] if e["location"] == "body"}
        for key, label in want.items():
            found = got.get(key)
            if found is None:
                fn += 1
                misses.append(f"{document['file']}: MISSED {key} ({label['kind']})")
                continue
            tp += 1
            for name in FIELDS:
                if field_ok(name, label, found):
                    field_hits[name] += 1
                else:
                    want_value = label.get("quoted_text_start" if name == "quoted_text" else name)
                    got_value = found.get(name)
                    misses.append(f"{document['file']}: {key} {name}: want {want_value!r} got {got_value!r}")
        for key, found in got.items():
            if key not in want:
                fp += 1
                misses.append(f"{document['file']}: EXTRA {key} ({found['kind']} {found['url']})")
    chrome_total = chrome_hits = 0
    for document in labels:
        chrome = [e for e in document["embeds"] if e["location"] != "body"]
        if not chrome:
            continue
        text = read_path(corpus / "articles" / document["file"])
        placed = {key_of(r.to_json()): str(r.location) for r in scan_document(text, document["file"])}
        for embed in chrome:
            chrome_total += 1
            if placed.get(key_of(embed)) == embed["location"]:
                chrome_hits += 1
            else:
                misses.append(f"{document['file']}: {key_of(embed)} not reported as {embed['location']}")
    recall = tp / (tp + fn) if tp + fn else 1.0
    precision = tp / (tp + fp) if tp + fp else 1.0
    fields = {name: (hits / tp if tp else 1.0) for name, hits in field_hits.items()}
    return {
        "documents": len(labels),
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "recall": recall,
        "precision": precision,
        "fields": fields,
        "chrome_located": f"{chrome_hits}/{chrome_total}",
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if not (args.corpus / "labels.json").exists():
        print(f"no corpus at {args.corpus} (it lives in ../shared/corpus)", file=sys.stderr)
        return 2
    result = evaluate(args.corpus)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        for miss in result["misses"]:
            print(miss)
        print(
            f"documents {result['documents']}  tp {result['true_positives']}  "
            f"fp {result['false_positives']}  fn {result['false_negatives']}"
        )
        print(f"recall {result['recall']:.3f}  precision {result['precision']:.3f}")
        for name, value in result["fields"].items():
            print(f"  {name:<12} {value:.3f}")
        print(f"sidebar/footer/script references reported as such: {result['chrome_located']}")
    ok = (
        result["recall"] >= TARGETS["recall"]
        and result["precision"] >= TARGETS["precision"]
        and all(v >= TARGETS["field"] for v in result["fields"].values())
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
