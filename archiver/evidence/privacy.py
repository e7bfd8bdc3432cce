"""Private posts and takedowns: what is left out of what the tool hands out, and purging.

A private post's captures stay in the WARCs; reports and packages leave it out (or, on the
operator's request, include it flagged), and ``check``/``status`` show it as withheld with the
reason. A takedown also lists the sealed files that still hold the post, and ``purge``
rewrites them without its records, re-sealing each package it rewrites.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archiver.evidence.package import EvidenceOptions, package_wacz
from archiver.evidence.redact import redact_warcs, warcs_containing

__all__ = ["PurgeResult", "mask_rows", "omit_rows", "purge", "sealed_files_with"]


def omit_rows(
    rows: Iterable[Mapping[str, Any]],
    withheld: Mapping[str, Mapping[str, Any]],
    *,
    include_private: bool = False,
) -> tuple[list[dict[str, Any]], int]:
    """Rows for reports: withheld posts left out (private ones kept, flagged, on request)."""
    kept: list[dict[str, Any]] = []
    left_out = 0
    for row in rows:
        state = withheld.get(str(row.get("tweet_id")))
        if state is None:
            kept.append(dict(row))
        elif include_private and state["state"] == "private":
            kept.append(dict(row) | {"private": True, "private_reason": state["reason"]})
        else:
            left_out += 1
    return kept, left_out


_MASKED = (
    "url",
    "handle",
    "author_name",
    "quoted_text",
    "diff",
    "changes",
    "pic_links",
    "tco_links",
    "resolved_via",
)


def mask_rows(
    rows: Iterable[Mapping[str, Any]],
    withheld: Mapping[str, Mapping[str, Any]],
    *,
    include_private: bool = False,
) -> list[dict[str, Any]]:
    """Rows for ``check``/``status``: a withheld post shows as such, with its reason, and no content."""
    out = []
    for row in rows:
        state = withheld.get(str(row.get("tweet_id")))
        if state is None or (include_private and state["state"] == "private"):
            out.append(dict(row))
            continue
        masked = {
            k: ([] if isinstance(v, list | tuple) else None) if k in _MASKED else v for k, v in row.items()
        }
        masked |= {
            "status": state["state"],
            "reasons": [f"{state['state']} since {state['since']}: {state['reason']}"],
        }
        out.append(masked)
    return out


def _wacz_posts(path: Path) -> set[str]:
    try:
        with zipfile.ZipFile(path) as package:
            lines = package.read("pages/pages.jsonl").splitlines()[1:]
    except (OSError, KeyError, zipfile.BadZipFile):
        return set()
    posts = set()
    for line in lines:
        try:
            posts.add(str(json.loads(line).get("tweet_id")))
        except ValueError:
            continue
    return posts


def sealed_files_with(out_dir: Path, post_ids: Sequence[str]) -> dict[str, list[str]]:
    """For each post, the sealed WARC and WACZ files under ``out_dir`` that still hold it."""
    warcs = sorted((out_dir / "warc").glob("*.warc.gz")) if (out_dir / "warc").exists() else []
    found = {post: [f"warc/{n}" for n in names] for post, names in warcs_containing(warcs, post_ids).items()}
    packages = sorted((out_dir / "wacz").glob("*.wacz")) if (out_dir / "wacz").exists() else []
    for package in packages:
        for post in _wacz_posts(package) & set(post_ids):
            found.setdefault(post, []).append(f"wacz/{package.name}")
    return found


@dataclass(frozen=True, slots=True)
class PurgeResult:
    rewritten: tuple[str, ...]  # files under out_dir written anew
    dropped_records: int
    dropped_ids: tuple[str, ...] = ()  # record ids no longer in the sealed WARCs


def purge(out_dir: Path, post_ids: Sequence[str], options: EvidenceOptions) -> PurgeResult:
    """Rewrite every sealed file under ``out_dir`` holding ``post_ids`` without their records.

    A WARC is written anew beside itself and renamed over the old one; a WACZ is rebuilt from
    its own WARCs and pages and sealed again with ``options`` (which also leave the posts out).
    """
    found = sealed_files_with(out_dir, post_ids)
    files = sorted({f for names in found.values() for f in names})
    rewritten: list[str] = []
    dropped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="purge-", dir=out_dir) as tmp:
        work = Path(tmp)
        for name in (f for f in files if f.startswith("warc/")):
            path = out_dir / name
            result = redact_warcs([path], post_ids, work / "warc")
            dropped.extend(result.dropped_ids)
            (work / "warc" / path.name).replace(path)  # written whole first, then renamed over
            rewritten.append(name)
        withheld = dict(options.withheld) | {p: "takedown" for p in post_ids}
        for name in (f for f in files if f.startswith("wacz/")):
            path = out_dir / name
            unpacked = work / path.stem
            unpacked.mkdir()
            with zipfile.ZipFile(path) as package:
                warcs = []
                for member in package.namelist():
                    if member.startswith("archive/") and member.endswith((".warc.gz", ".warc")):
                        target = unpacked / Path(member).name
                        target.write_bytes(package.read(member))
                        warcs.append(target)
                pages = [
                    json.loads(line) for line in package.read("pages/pages.jsonl").splitlines()[1:] if line
                ]
                meta = json.loads(package.read("datapackage.json"))
            package_wacz(
                warcs,
                pages,
                path,
                EvidenceOptions(
                    signer=options.signer,
                    tsas=options.tsas,
                    tsa_certs=options.tsa_certs,
                    withheld=withheld,
                    flagged=options.flagged,
                    include_private=options.include_private,
                    timeout=options.timeout,
                    ca_bundle=options.ca_bundle,
                ),
                title=str(meta.get("title") or "embed-archiver capture"),
                description=str(meta.get("description") or ""),
            )
            rewritten.append(name)
    return PurgeResult(tuple(rewritten), len(dropped), tuple(dropped))
