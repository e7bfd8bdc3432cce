"""The simulated X answers as the real samples do (../shared/x-samples): byte for byte where a
sample holds the wire's bytes (the scenario's ids and text put in), key for key elsewhere."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from archiver.testing.simx import ScenarioBuilder, SimX
from archiver.x.endpoints import oembed_url, syndication_url

TEXT_2026 = (
    "Underdocumented: `bun build --compile` supports `--splitting —format=esm` Lazy load code "
    "embedded in your single-file executable to improve CLI start time"
)


def sample(shared: Path, name: str) -> bytes:
    return (shared / "x-samples" / name).read_bytes()


def compact(data: object) -> bytes:
    """The sample as the wire sends it: the documentation's indentation taken out, order kept."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


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
        .tweet(
            "2023357708301455483",
            handle="jarredsumner",
            name="Jarred Sumner",
            user_id="2489440172",
            created_at="2026-02-16T11:24:04.000Z",
            text=TEXT_2026,
        )
        .tweet("2023357708301455484", handle="gone", state="deleted_tombstone")
        .tweet("2023357708301455485", handle="gone_empty", state="deleted_empty")
        .tweet(
            "436461658601713664",
            handle="pepephone",
            name="Pepephone",
            lang="es",
            created_at="2014-02-20T16:00:00.000Z",
            text="RT @PabloHerreros Pepephone rompe la baraja - http://t.co/mFn7mcB1vy",
        )
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
        and k != "possibly_sensitive"  # 2023 only: the 2026 samples no longer have it
    }
    missing = important - keys_deep(ours)
    assert not missing, missing


def test_2026_quirk_empty_entities_are_objects(sim: SimX) -> None:
    with client(sim) as http:
        data = http.get(syndication_url("2023357708301455483")).json()
    assert data["entities"]["hashtags"] == {} and data["entities"]["urls"] == {}


def test_syndication_text_tweet_is_the_2026_sample_byte_for_byte(sim: SimX, shared_dir: Path) -> None:
    """All but what no scenario models: the like count (volatile), the avatar (simx serves its
    own pictures), the blue check and business label of that account, and the text range (the
    documentation's copy of the text is one character shorter than the range it gives)."""
    real = json.loads(sample(shared_dir, "syndication-tweet-text-2026.json"))
    with client(sim) as http:
        body = http.get(syndication_url("2023357708301455483")).content
    ours = json.loads(body)
    assert body == compact(ours)  # compact on the wire
    real["favorite_count"] = ours["favorite_count"]
    real["display_text_range"] = ours["display_text_range"]
    real["user"]["profile_image_url_https"] = ours["user"]["profile_image_url_https"]
    real["user"]["is_blue_verified"] = ours["user"]["is_blue_verified"]
    del real["user"]["highlighted_label"]
    assert body == compact(real)


def test_tombstone_is_the_sample_byte_for_byte(sim: SimX, shared_dir: Path) -> None:
    real = json.loads(sample(shared_dir, "syndication-tombstone-deleted-2026.json"))
    with client(sim) as http:
        answer = http.get(syndication_url("2023357708301455484"))
    assert answer.status_code == 200 and answer.content == compact(real)


def test_missing_tweet_as_an_empty_object_is_the_sample_byte_for_byte(sim: SimX, shared_dir: Path) -> None:
    with client(sim) as http:
        answer = http.get(syndication_url("2023357708301455485"))
    assert answer.status_code == 200 and answer.content == sample(
        shared_dir, "syndication-empty-object-id0.json"
    )


def test_syndication_does_not_check_the_token(sim: SimX) -> None:
    """Public clients send fixed tokens (or 0) and get answers: the token is not a gate."""
    with client(sim) as http:
        answer = http.get("https://cdn.syndication.twimg.com/tweet-result?id=2023357708301455483&token=0")
    assert answer.status_code == 200 and answer.json()["id_str"] == "2023357708301455483"


def test_oembed_via_publish_x_is_the_2024_sample_byte_for_byte(sim: SimX, shared_dir: Path) -> None:
    real = json.loads(sample(shared_dir, "oembed-publish.x.com-2024-06-10.response.json"))
    url = "https://publish.x.com/oembed?url=https%3A%2F%2Fx.com%2Fpepephone%2Fstatus%2F436461658601713664&format=json"
    with client(sim) as http:
        hop = http.get(url)
        final = http.get(hop.headers["location"])
    assert hop.headers["location"] == real["headers"]["location"][0]
    assert final.content == real["body"].encode()
    cookies = [c.split("=", 1)[0] for c in final.headers.get_list("set-cookie")]
    assert cookies == [c.split("=", 1)[0] for c in real["headers"]["set-cookie"]]
    for name in ("cache-control", "content-type", "content-disposition", "x-frame-options", "server"):
        assert final.headers[name] == real["headers"][name][-1], name


def test_oembed_blockquote_is_the_sample_file(sim: SimX, shared_dir: Path) -> None:
    url = oembed_url("https://twitter.com/pepephone/status/436461658601713664").replace("&omit_script=1", "")
    with client(sim) as http:
        html = http.get(url).json()["html"]
    assert html == sample(shared_dir, "blockquote-from-oembed-2024-06-10.html").decode()


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


def test_tco_answers_curl_with_301_and_browsers_with_the_sample_page(sim: SimX, shared_dir: Path) -> None:
    real = json.loads(sample(shared_dir, "tco-redirect-page-2020-05-25.response.json"))
    with client(sim) as http:
        curl = http.get("https://t.co/4DK3Jc2BTt")
    with client(sim, "Mozilla/5.0 Chrome/156") as http:
        browser = http.get("https://t.co/4DK3Jc2BTt")
    assert curl.status_code == 301 and curl.headers["location"] == "https://buff.ly/2uSOHDs"
    assert browser.status_code == 200 and browser.content == real["body"].encode()
    for name in ("cache-control", "content-type", "vary", "server", "strict-transport-security"):
        assert browser.headers[name] == real["headers"][name][0], name


def test_status_page_is_the_2024_migrate_shell(sim: SimX, shared_dir: Path) -> None:
    real = json.loads(sample(shared_dir, "status-page-twitter.com-to-x.com-migrate-2024-06-10.response.json"))
    with client(sim) as http:
        hop = http.get("https://twitter.com/pepephone/status/436461658601713664")
        page = http.get(hop.headers["location"])
    assert hop.headers["location"] == real["headers"]["location"][0]
    assert page.status_code == real["statusCode"] == 200
    token = page.text.split("migrate?tok=", 1)[1].split('"', 1)[0]
    payload = json.loads(bytes.fromhex(token[:-32]))
    assert payload["e"] == "/pepephone/status/436461658601713664" and len(bytes.fromhex(token[-32:])) == 16
    assert page.text.startswith("\n    <!DOCTYPE html>\n    <head>\n      <title>x.com</title>")


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
