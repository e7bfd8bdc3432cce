"""Front matter is metadata, what follows the article's end is footer (issue 11)."""

from __future__ import annotations

import pytest

from archiver.models import Location
from archiver.scan import Format, scan_document
from archiver.scan.regions import split_regions

YAML = "---\ntitle: Night trains\nshare_tweet: https://twitter.com/blog/status/1841559110025754720\n---\n\nBody text.\n"
TOML = (
    '+++\ntitle = "Counters"\n[params]\n  cache = \'<blockquote class="twitter-tweet"><a '
    'href="https://twitter.com/lab/status/1666794319642469499">June 8, 2023</a></blockquote>\'\n+++\n\nBody.\n'
)


@pytest.mark.parametrize("text", [YAML, TOML], ids=["yaml", "toml"])
def test_references_in_front_matter_are_metadata(text: str) -> None:
    [ref] = scan_document(text, "post.md")
    assert ref.location is Location.METADATA


def test_a_tweet_in_front_matter_and_body_is_placed_in_the_body() -> None:
    text = YAML + '\n{{< tweet user="blog" id="1841559110025754720" >}}\n'
    [ref] = scan_document(text, "post.md")
    assert ref.location is Location.BODY


def test_unclosed_front_matter_is_body() -> None:
    text = "---\ntitle: never closed\nhttps://twitter.com/a/status/1841559110025754720\n"
    [ref] = scan_document(text, "post.md", Format.MARKDOWN)
    assert ref.location is Location.BODY


def test_a_thematic_break_at_the_top_is_not_front_matter() -> None:
    text = "---\n\nA story. https://twitter.com/a/status/1841559110025754720\n\n---\n"
    assert [r.location for r in split_regions(text)] == [Location.BODY]


@pytest.mark.parametrize(
    ("rule", "chrome"),
    [
        ("---", "**Related posts**"),
        ("* * *", "## More from Field Notes"),
        ("***", "Advertisement"),
        ("___", "Share this:"),
        ("<hr>", "<p><strong>Sponsored:</strong> a product</p>"),
    ],
)
def test_text_after_the_articles_end_is_footer(rule: str, chrome: str) -> None:
    text = (
        "A story. https://twitter.com/a/status/1841559110025754720\n\n"
        f"{rule}\n\n{chrome}\n\nOur pinned post: https://twitter.com/site/status/1796100387634686000\n"
    )
    body, footer = scan_document(text, "post.md", Format.MARKDOWN)
    assert (body.location, footer.location) == (Location.BODY, Location.FOOTER)


def test_a_section_break_inside_the_article_stays_body() -> None:
    text = (
        "Part one.\n\n* * *\n\nPart two, the next morning. https://twitter.com/a/status/1796100387634686000\n"
    )
    [ref] = scan_document(text, "post.md", Format.MARKDOWN)
    assert ref.location is Location.BODY


def test_an_html_break_followed_by_related_links_ends_the_article() -> None:
    page = (
        "<!doctype html><html><body><p>Story. <a href='https://twitter.com/a/status/1841559110025754720'>post</a></p>"
        "<hr><p><strong>Related:</strong> <a href='/x'>more</a></p>"
        "<p><a href='https://twitter.com/site/status/1796100387634686000'>follow us</a></p></body></html>"
    )
    body, footer = scan_document(page, "page.html")
    assert (body.location, footer.location) == (Location.BODY, Location.FOOTER)
