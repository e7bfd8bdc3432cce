from __future__ import annotations

import io

import pytest
from PIL import Image

from archiver.compare import (
    against_article,
    against_previous,
    fingerprint,
    normalise,
    normalised_facts,
    quote_matches,
)
from archiver.media import digest_image
from archiver.models import EmbedRef, RefKind, TweetFacts
from archiver.testing.simx.media import png_for


def test_normalisation_folds_quotes_entities_links_and_space() -> None:
    quoted = "Is he „requesting”  that\nRussia &amp; co… pic.twitter.com/Eq8Bdpx95l"
    text = 'Is he "requesting" that Russia & co… https://t.co/Eq8Bdpx95l'
    assert normalise(quoted) == normalise(text)
    assert normalise("ｆｕｌｌ") == "full"  # NFKC


def test_truncated_quote_compares_as_prefix() -> None:
    assert quote_matches("The council said on Friday that…", "The council said on Friday that water rose")
    assert quote_matches("The council said on Friday that...", "The council said on Friday that water rose")
    assert not quote_matches("The mayor said…", "The council said on Friday that water rose")


def ref(**fields: object) -> EmbedRef:
    return EmbedRef(article="a", kind=RefKind.BLOCKQUOTE, tweet_id="20", **fields)  # type: ignore[arg-type]


def test_changed_text_gives_a_readable_word_diff() -> None:
    facts = TweetFacts(tweet_id="20", text="Is he really requesting a halt?", handle="mtracey")
    [change] = against_article(ref(quoted_text="Is he requesting a halt?", handle="mtracey"), facts)
    assert change.field == "text" and change.against == "article"
    assert change.diff is not None and "+really" in change.diff


def test_renamed_author_and_wrong_date_against_the_article() -> None:
    facts = TweetFacts(tweet_id="20", text="x", handle="new_name", created_at="2025-03-14T15:02:11.000Z")
    fields = {
        c.field for c in against_article(ref(quoted_text="x", handle="old_name", date="2025-03-01"), facts)
    }
    assert fields == {"handle", "date"}
    same = TweetFacts(tweet_id="20", text="x", handle="OLD_name", created_at="2025-03-14T23:59:00.000Z")
    assert against_article(ref(quoted_text="x", handle="old_name", date="2025-03-15"), same) == []


def test_fingerprint_ignores_counters_and_link_forms() -> None:
    a = TweetFacts(tweet_id="20", text="hello https://t.co/abc", handle="Jack")
    b = TweetFacts(tweet_id="20", text="hello  https://t.co/xyz", handle="jack")
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint(TweetFacts(tweet_id="20", text="hello world", handle="jack"))


def _jpeg(png: bytes) -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").save(out, format="JPEG", quality=70)
    return out.getvalue()


def test_reencoded_picture_is_not_a_change_but_a_swapped_one_is() -> None:
    original = png_for("BridgeDawnA", color="#e67e22")
    before = TweetFacts(
        tweet_id="20",
        text="t",
        media=("https://pbs.twimg.com/media/A.png",),
        media_phash=(digest_image(original).phash or "",),
    )
    reencoded = TweetFacts(
        tweet_id="20",
        text="t",
        media=("https://pbs.twimg.com/media/A.jpg",),
        media_phash=(digest_image(_jpeg(original)).phash or "",),
    )
    swapped = TweetFacts(
        tweet_id="20",
        text="t",
        media=("https://pbs.twimg.com/media/A.png",),
        media_phash=(digest_image(png_for("BridgeDawnB", color="#2c3e50")).phash or "",),
    )
    previous = normalised_facts(before)
    assert digest_image(original).sha256 != digest_image(_jpeg(original)).sha256
    assert against_previous(previous, reencoded) == []
    assert [c.field for c in against_previous(previous, swapped)] == ["media"]


def test_without_pictures_a_new_media_key_is_the_change() -> None:
    previous = normalised_facts(
        TweetFacts(tweet_id="20", text="t", media=("https://pbs.twimg.com/media/A.png",))
    )
    now = TweetFacts(tweet_id="20", text="t", media=("https://pbs.twimg.com/media/B.png",))
    assert [c.field for c in against_previous(previous, now)] == ["media"]
    same = TweetFacts(tweet_id="20", text="t", media=("https://pbs.twimg.com/media/A.jpg?name=small",))
    assert against_previous(previous, same) == []


FERRY_TEXT = "Ferries cancelled until noon https://t.co/Hw3kTq81Zp"
FERRY_LINKS = (
    (
        "https://t.co/Hw3kTq81Zp",
        "portofhexley.example/ferries/…",
        "https://portofhexley.example/ferries/timetable-winter",
    ),
    ("https://t.co/Ph0toCode1", "pic.twitter.com/Ph0toCode1", "https://twitter.com/port/status/20/photo/1"),
)


@pytest.mark.parametrize(
    "quoted",
    [
        "Ferries cancelled until noon portofhexley.example/ferries/…",
        "Ferries cancelled until noon portofhexley.example/ferries/...",
        "Ferries cancelled until noon https://t.co/Hw3kTq81Zp",
        "Ferries cancelled until noon https://portofhexley.example/ferries/timetable-winter",
        "Ferries cancelled until noon portofhexley.example/ferries/timetable-winter pic.twitter.com/Ph0toCode1",
    ],
    ids=["display", "display-three-dots", "t.co", "expanded", "bare-expanded-and-pic"],
)
def test_every_form_of_a_link_matches_the_unchanged_tweet(quoted: str) -> None:
    facts = TweetFacts(tweet_id="20", text=FERRY_TEXT, handle="port", links=FERRY_LINKS)
    assert against_article(ref(quoted_text=quoted, handle="port"), facts) == []


def test_a_cut_display_url_is_a_link_not_a_cut_quote() -> None:
    facts = TweetFacts(
        tweet_id="20", text="Ferries cancelled until noon, all day https://t.co/Hw3kTq81Zp", links=FERRY_LINKS
    )
    [change] = against_article(
        ref(quoted_text="Ferries cancelled until noon portofhexley.example/ferries/…"), facts
    )
    assert change.field == "text"  # the words differ; the … belonged to the link
    assert quote_matches("Ferries cancelled…", FERRY_TEXT, FERRY_LINKS)  # a real cut still is one


def test_links_survive_the_json_round_trip() -> None:
    facts = TweetFacts(tweet_id="20", text=FERRY_TEXT, links=FERRY_LINKS)
    assert TweetFacts.from_json(facts.to_json()) == facts
