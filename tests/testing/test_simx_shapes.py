"""The simulated X answers in the shapes of the real samples (../shared/x-samples)."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from archiver.testing.simx import ScenarioBuilder, SimX
from archiver.x.endpoints import oembed_url, syndication_url


@pytest.fixture(scope="module")
def sim() -> Iterator[SimX]:
    scenario = (
        ScenarioBuilder("shapes")
        .tweet(
            "1641086480675225601",
            handle="SamuelSusla",
            name="sammy",
            text="I wrote a short post about it: https://t.co/4G6RAMfrHy",
            links={"4G6RAMfrHy": "https://github.com/reactwg/react-native-new-architecture/discussions/110"},
            photos=[{"code": "rQd6FIwZ0U"}],
        )
        .tweet("2023357708301455483", handle="jarredsumner", text="Text only")
        .tweet("2023357708301455484", handle="gone", state="deleted_tombstone")
        .link("4DK3Jc2BTt", "https://buff.ly/2uSOHDs")
        .build()
    )
    with SimX(scenario) as server:
        yield server


def client(sim: SimX, user_agent: str = "curl/8.5.0") -> httpx.Client:
    transport = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=str(sim.certificates.ca_pem)))
    return httpx.Client(
        transport=_Mapped(sim, transport), headers={"User-Agent": user_agent}, follow_redirects=False
    )


class _Mapped(httpx.BaseTransport):
    """Send every request to the simulator while the URL keeps the real host (Host + SNI)."""

    def __init__(self, sim: SimX, inner: httpx.HTTPTransport) -> None:
        self._sim, self._inner = sim, inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.extensions["sni_hostname"] = request.url.host
        request.url = request.url.copy_with(host=self._sim.address, port=self._sim.port)
        return self._inner.handle_request(request)


def keys_deep(value: object, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        out = set()
        for key, item in value.items():
            out.add(prefix + key)
            out |= keys_deep(item, prefix + key + ".")
        return out
    if isinstance(value, list) and value:
        return keys_deep(value[0], prefix)
    return set()


def test_syndication_tweet_has_the_sample_shape(sim: SimX, shared_dir: Path) -> None:
    real = json.loads((shared_dir / "x-samples" / "syndication-tweet-photo-2023.json").read_bytes())
    with client(sim) as http:
        ours = http.get(syndication_url("1641086480675225601")).json()
    important = {
        k
        for k in keys_deep(real)
        if not k.startswith(("photos.", "mediaDetails.original_info", "mediaDetails.sizes"))
    }
    missing = important - keys_deep(ours)
    assert not missing, missing


def test_2026_quirk_empty_entities_are_objects(sim: SimX) -> None:
    with client(sim) as http:
        data = http.get(syndication_url("2023357708301455483")).json()
    assert data["entities"]["hashtags"] == {} and data["entities"]["urls"] == {}


def test_tombstone_shape_matches_sample(sim: SimX, shared_dir: Path) -> None:
    real = json.loads((shared_dir / "x-samples" / "syndication-tombstone-deleted-2026.json").read_bytes())
    with client(sim) as http:
        ours = http.get(syndication_url("2023357708301455484")).json()
    assert keys_deep(real) <= keys_deep(ours)
    assert ours["tombstone"]["text"]["text"] == real["tombstone"]["text"]["text"]


def test_syndication_checks_the_token(sim: SimX) -> None:
    with client(sim) as http:
        assert (
            http.get(
                "https://cdn.syndication.twimg.com/tweet-result?id=2023357708301455483&token=x"
            ).status_code
            == 400
        )


def test_oembed_escaping_and_publish_x_redirect(sim: SimX) -> None:
    url = oembed_url("https://twitter.com/jarredsumner/status/2023357708301455483")
    with client(sim) as http:
        hop = http.get(url.replace("publish.twitter.com", "publish.x.com"))
        final = http.get(url)
    assert hop.status_code == 301 and hop.headers["location"].startswith(
        "https://publish.twitter.com/oembed?"
    )
    assert b"\\u003Cblockquote" in final.content and b"https:\\/\\/twitter.com" in final.content
    assert final.headers["content-disposition"] == "attachment; filename=json.json"
    assert final.json()["html"].endswith("\n\n")


def test_tco_answers_curl_with_301_and_browsers_with_a_refresh_page(sim: SimX) -> None:
    with client(sim) as http:
        curl = http.get("https://t.co/4DK3Jc2BTt")
    with client(sim, "Mozilla/5.0 Chrome/156") as http:
        browser = http.get("https://t.co/4DK3Jc2BTt")
    assert curl.status_code == 301 and curl.headers["location"] == "https://buff.ly/2uSOHDs"
    assert (
        browser.status_code == 200
        and b'<META http-equiv="refresh" content="0;URL=https://buff.ly/2uSOHDs">' in browser.content
    )


def test_pic_link_leads_to_the_photo_of_the_status(sim: SimX) -> None:
    with client(sim) as http:
        answer = http.get("https://pic.twitter.com/rQd6FIwZ0U")
    assert answer.headers["location"] == "https://twitter.com/SamuelSusla/status/1641086480675225601/photo/1"


def test_media_are_real_png_bytes(sim: SimX) -> None:
    with client(sim) as http:
        data = http.get(syndication_url("1641086480675225601")).json()
        image = http.get(data["mediaDetails"][0]["media_url_https"])
    assert image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG\r\n\x1a\n")
