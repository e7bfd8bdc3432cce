"""A capture run's own WACZ: signed with the key that exists, timestamped, private posts out."""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path

import pytest

from archiver.api import archive
from archiver.config import Settings
from archiver.evidence.keys import init_key
from archiver.evidence.verify import verify_package
from archiver.store import Store
from archiver.testing.simx import SimX, load_scenario
from tests.capture.conftest import chromium_or_skip
from tests.conftest import SEEDS

from .conftest import LocalTsa

pytestmark = pytest.mark.browser
MTRACEY = "1900552767535903689"


def test_run_wacz_is_sealed_and_leaves_private_posts_out(tmp_path: Path, tsa: LocalTsa) -> None:
    chromium_or_skip()
    key = init_key()
    out = tmp_path / "archives"
    with Store(out / "archiver.db") as store:
        store.record_privacy(MTRACEY, "private", "the author is a minor")
    quick = Settings(retries=1, backoff=0.01, timeout=5, capture_timeout=15)
    with SimX(load_scenario("seed")) as sim:
        settings = sim.settings(quick).with_changes(
            out_dir=out, tsa=(tsa.url,), tsa_certs=(str(tsa.pki.ca_pem),)
        )
        run = archive([SEEDS / "zerohedge-putin-kursk-flattened-embeds.txt"], settings)
    assert run.result.wacz is not None and MTRACEY in {t.tweet_id for t in run.result.tweets}
    result = verify_package(run.result.wacz)
    assert result.ok, result.problems
    assert result.signature is not None and result.signature.mode == "anonymous"
    assert [t.ok for t in result.timestamps] == [True]
    assert result.withheld_posts == 1
    with zipfile.ZipFile(run.result.wacz) as package:
        for member in ("pages/pages.jsonl", "verdicts/verdicts.jsonl"):
            assert MTRACEY.encode() not in package.read(member), member
        assert MTRACEY.encode() not in gzip.decompress(package.read("indexes/index.cdx.gz"))
        posts = [json.loads(line)["post_id"] for line in package.read("verdicts/verdicts.jsonl").splitlines()]
    assert posts and MTRACEY not in posts
    assert key.exists()
