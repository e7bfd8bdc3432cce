from __future__ import annotations

from archiver.models import Location, RefKind
from archiver.scan import Format, scan_document
from tests.conftest import SEEDS


def scan_html(html: str):  # type: ignore[no-untyped-def]
    return scan_document(html, "a.html", Format.HTML)


OEMBED_BLOCKQUOTE = (
    '<blockquote class="twitter-tweet"><p lang="es" dir="ltr">RT <a href="https://twitter.com/'
    'PabloHerreros?ref_src=twsrc%5Etfw">@PabloHerreros</a> Pepephone rompe la baraja - <a href="'
    'http://t.co/mFn7mcB1vy">http://t.co/mFn7mcB1vy</a></p>&mdash; Pepephone (@pepephone) <a href="'
    'https://twitter.com/pepephone/status/436461658601713664?ref_src=twsrc%5Etfw">February 20, 2014'
    '</a></blockquote>\n<script async src="https://platform.twitter.com/widgets.js" charset="utf-8">'
    "</script>"
)


def test_oembed_blockquote_keeps_the_articles_baseline() -> None:
    [ref] = scan_html(OEMBED_BLOCKQUOTE)
    assert ref.kind is RefKind.BLOCKQUOTE
    assert ref.tweet_id == "436461658601713664"
    assert ref.url == "https://twitter.com/pepephone/status/436461658601713664"
    assert (ref.handle, ref.author_name, ref.date) == ("pepephone", "Pepephone", "2014-02-20")
    assert ref.quoted_text == "RT @PabloHerreros Pepephone rompe la baraja - http://t.co/mFn7mcB1vy"
    assert ref.tco_links == ("https://t.co/mFn7mcB1vy",)
    assert ref.created_at is not None and ref.created_at.startswith("2014-02-20")
    assert ref.warnings == ()


def test_blockquote_without_widgets_js_and_numeric_entity_dash() -> None:
    html = (
        '<blockquote class="twitter-tweet" data-lang="de"><p>Die AfD <a href="https://t.co/WyXDMUqEGa">'
        "pic.twitter.com/qc6VqGZYA2</a></p>&#x2014; Robert Habeck (@RobertHabeck) "
        '<a href="https://twitter.com/RobertHabeck/status/1002930867692597250">2. Juni 2018</a></blockquote>'
    )
    [ref] = scan_html(html)
    assert ref.date == "2018-06-02"
    assert ref.author_name == "Robert Habeck"
    assert ref.pic_links == ("pic.twitter.com/qc6VqGZYA2",)
    assert ref.tco_links == ()  # the t.co wrapping the pic link is the pic


def test_blockquote_with_data_tweetid_and_no_class() -> None:
    html = '<blockquote data-tweetid="636842709739659264"><a href="https://twitter.com/reinventmag/status/636842709739659264"></a></blockquote>'
    [ref] = scan_html(html)
    assert (ref.kind, ref.tweet_id, ref.handle, ref.quoted_text) == (
        RefKind.BLOCKQUOTE,
        "636842709739659264",
        "reinventmag",
        None,
    )


def test_amp_twitter_and_rendered_iframe() -> None:
    html = (
        '<amp-twitter data-tweetid="1888860453074150091" width="375"></amp-twitter>'
        '<div class="twitter-tweet twitter-tweet-rendered"><iframe src="./Tweet.html" '
        'data-tweet-id="1521523341391282176"></iframe></div>'
        '<iframe src="https://platform.twitter.com/embed/Tweet.html?id=1521533628693499907"></iframe>'
    )
    refs = scan_html(html)
    assert [(r.kind, r.tweet_id) for r in refs] == [
        (RefKind.AMP, "1888860453074150091"),
        (RefKind.IFRAME, "1521523341391282176"),
        (RefKind.IFRAME, "1521533628693499907"),
    ]
    assert refs[1].url == "https://twitter.com/i/web/status/1521523341391282176"


def test_share_button_with_embed_class_and_timeline_widget_are_not_tweets() -> None:
    html = (
        '<a class="twitter-tweet" href="https://twitter.com/intent/tweet?text=hi">Tweet</a>'
        '<a class="twitter-timeline" data-widget-id="436187110974840832" href="https://twitter.com/BUZZAP_JP">t</a>'
        '<a class="twitter-follow-button" href="https://twitter.com/BUZZAP_JP">follow</a>'
        '<img src="https://t.co/i/adsct?bci=3">'
    )
    assert scan_html(html) == []


def test_same_tweet_cited_many_ways_is_one_reference_in_the_body() -> None:
    html = (
        '<script>var s={"u":"https:\\/\\/twitter.com\\/clowd9ster\\/status\\/802870610288316416"}</script>'
        '<article><p><a href="https://twitter.com/clowd9ster/status/802870610288316416">he said</a></p>'
        '<p><a href="https://twitter.com/i/web/status/802870610288316416">again</a></p></article>'
    )
    [ref] = scan_html(html)
    assert ref.location is Location.BODY
    assert ref.handle == "clowd9ster"


def test_chrome_locations_sidebar_footer_script() -> None:
    html = (
        '<div class="l-sidebar-fixed"><p><a href="https://twitter.com/a/status/101">body</a></p></div>'
        '<aside class="widget widget_twitter"><a href="https://twitter.com/b/status/102">side</a></aside>'
        '<footer><a href="https://twitter.com/c/status/103">foot</a></footer>'
        '<script>x="https://twitter.com/d/status/104"</script>'
    )
    assert [(r.tweet_id, r.location) for r in scan_html(html)] == [
        ("101", Location.BODY),
        ("102", Location.SIDEBAR),
        ("103", Location.FOOTER),
        ("104", Location.SCRIPT),
    ]


def test_attribution_date_far_from_snowflake_time_is_flagged() -> None:
    html = (
        '<blockquote class="twitter-tweet"><p>hello</p>&mdash; A (@a) <a href="https://twitter.com/a/status/'
        '1900563110689028525">March 14, 2019</a></blockquote>'
    )
    [ref] = scan_html(html)
    assert ref.warnings == ("date_mismatch",)


def test_seed_liveblog_finds_every_form_in_order() -> None:
    text = (SEEDS / "storm-liveblog-embed-forms.html").read_text(encoding="utf-8")
    refs = scan_document(text, "storm.html")
    assert [(r.tweet_id, str(r.kind), str(r.location)) for r in refs] == [
        ("1900563110689028525", "blockquote", "body"),
        ("1900617926050621907", "status_link", "body"),
        ("1900275670842493924", "blockquote", "body"),
        ("1881393753095776489", "blockquote", "body"),
        ("1888860453074150091", "amp", "body"),
        ("1853727075333678979", "iframe", "body"),
        ("1808893530731841082", "status_link", "body"),
        ("1664240374381102281", "status_link", "body"),
        ("1521066968478848799", "status_link", "sidebar"),
        ("1454897209147690946", "status_link", "script"),
    ]
    assert all(not r.warnings for r in refs)


def test_broken_html_does_not_crash() -> None:
    html = '<blockquote class="twitter-tweet"><p>unclosed <a href="https://twitter.com/a/status/5">x<div'
    refs = scan_html(html)
    assert [r.tweet_id for r in refs] == ["5"]


def test_flattened_embed_in_html_paragraphs_keeps_baseline_and_id_from_the_date_link() -> None:
    """An embed whose widget markup was stripped: text, then an attribution paragraph."""
    html = (
        "<article><p>Prose before the embed, long enough to be prose and not the tweet.</p>"
        '<p>Is he „requesting” that Russia not complete its operation? <a href="https://t.co/Eq8Bdpx95l">'
        "pic.twitter.com/Eq8Bdpx95l</a></p>"
        '<p>— Michael Tracey (@mtracey) <a href="https://twitter.com/mtracey/status/1900552767535903689">'
        "March 14, 2025</a></p><p>Prose after.</p></article>"
    )
    [ref] = scan_html(html)
    assert ref.kind is RefKind.PLAINTEXT_ATTRIBUTION
    assert (ref.tweet_id, ref.handle, ref.author_name, ref.date) == (
        "1900552767535903689",
        "mtracey",
        "Michael Tracey",
        "2025-03-14",
    )
    assert (
        ref.quoted_text
        == "Is he „requesting” that Russia not complete its operation? pic.twitter.com/Eq8Bdpx95l"
    )
    assert ref.pic_links == ("pic.twitter.com/Eq8Bdpx95l",)
    assert ref.location is Location.BODY


def test_flattened_embed_in_a_sidebar_is_marked_so() -> None:
    html = (
        "<aside class='sidebar'><p>Short post</p><p>— Someone (@someone) May 2, 2022</p></aside>"
        "<article><p>Body</p></article>"
    )
    [ref] = scan_html(html)
    assert ref.location is Location.SIDEBAR and ref.quoted_text == "Short post"


def test_flattened_embed_across_nested_blocks() -> None:
    html = (
        "<main><div class='entry'><div><p>Crossings resume at noon.</p></div></div>"
        "<div><p>— Ferry Status (@ferry_status) February 10, 2025</p></div></main>"
    )
    [ref] = scan_html(html)
    assert (ref.quoted_text, ref.handle, ref.date) == (
        "Crossings resume at noon.",
        "ferry_status",
        "2025-02-10",
    )
