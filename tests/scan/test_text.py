from __future__ import annotations

from archiver.models import RefKind
from archiver.scan import Format, scan_document
from tests.conftest import SEEDS


def test_seed_article_yields_both_flattened_embeds() -> None:
    text = (SEEDS / "zerohedge-putin-kursk-flattened-embeds.txt").read_text(encoding="utf-8")
    first, second = scan_document(text, "seed.txt")
    assert (first.handle, first.author_name, first.date) == (
        "mtracey",
        "Michael Tracey",
        "2025-03-14",
    )
    assert first.quoted_text == (
        "Is he „requesting” that Russia not complete its operation in Kursk? pic.twitter.com/Eq8Bdpx95l"
    )
    assert first.pic_links == ("pic.twitter.com/Eq8Bdpx95l",)
    assert first.url == "https://pic.twitter.com/Eq8Bdpx95l"
    assert (second.handle, second.author_name) == ("SputnikInt", "Sputnik")
    assert second.quoted_text is not None
    assert second.quoted_text.startswith("„High chance” of peace, Trump said…\nTrump stated")
    assert second.quoted_text.endswith("pic.twitter.com/bI2aTGBfYz")
    assert first.kind is second.kind is RefKind.PLAINTEXT_ATTRIBUTION


def test_prose_above_a_single_line_tweet_is_not_taken_for_it() -> None:
    prose = "A long paragraph of prose that goes on and on. " * 7
    text = f"{prose}\nShort tweet text pic.x.com/AbCdEf1234\n— Someone (@someone) May 2, 2022\nMore prose."
    [ref] = scan_document(text, "a.txt", Format.TEXT)
    assert ref.quoted_text == "Short tweet text pic.x.com/AbCdEf1234"
    assert ref.pic_links == ("pic.x.com/AbCdEf1234",)


def test_two_flattened_tweets_with_same_author_and_date_stay_two() -> None:
    text = (
        "See tweets :\n\nSenate resolves to:\nObserve a minute silence.\n\n"
        "— The Nigerian Senate (@NGRSenate) October 9, 2018\n\n"
        "Senate Leader raises a motion.\n\n— The Nigerian Senate (@NGRSenate) October 9, 2018\n"
    )
    refs = scan_document(text, "a.txt", Format.TEXT)
    assert [r.quoted_text for r in refs] == [
        "Senate resolves to:\nObserve a minute silence.",
        "Senate Leader raises a motion.",
    ]
    assert {r.url for r in refs} == {None}


def test_mention_in_prose_is_not_an_attribution() -> None:
    text = "The Senate shared it on its handle (@NGRSenate) yesterday.\n"
    assert scan_document(text, "a.txt", Format.TEXT) == []


def test_hugo_wordpress_and_jekyll_shortcodes() -> None:
    text = (
        '{{< tweet user="tylerlwsmith" id="1488773655240667136" >}}\n'
        "{{< tweet 877500564405444608 >}}\n"
        "[tweet https://twitter.com/jack/status/20]\n"
        '[tweet id="1454931184966770696"]\n'
        "[embed]https://x.com/WestHam/status/1454931184966770697[/embed]\n"
        "{% twitter https://twitter.com/jack/status/21 %}\n"
    )
    refs = scan_document(text, "a.md", Format.MARKDOWN)
    assert [(r.tweet_id, r.handle) for r in refs] == [
        ("1488773655240667136", "tylerlwsmith"),
        ("877500564405444608", None),
        ("20", "jack"),
        ("1454931184966770696", None),
        ("1454931184966770697", "WestHam"),
        ("21", "jack"),
    ]
    assert {r.kind for r in refs} == {RefKind.SHORTCODE}


def test_markdown_link_with_tracking_query() -> None:
    text = "the [only viral tweet](https://twitter.com/tylerlwsmith/status/1252026273007677441?ref_src=twsrc%5Etfw%7Ctwterm%5E1252026273007677441) I had"
    [ref] = scan_document(text, "a.md", Format.MARKDOWN)
    assert ref.url == "https://twitter.com/tylerlwsmith/status/1252026273007677441"


def test_lone_pic_and_tco_links_are_reported() -> None:
    refs = scan_document("photo pic.twitter.com/AbCdEf12 and https://t.co/XyZ123abc.", "a.txt", Format.TEXT)
    assert [(r.kind, r.url) for r in refs] == [
        (RefKind.PIC_LINK, "https://pic.twitter.com/AbCdEf12"),
        (RefKind.SHORT_LINK, "https://t.co/XyZ123abc"),
    ]
