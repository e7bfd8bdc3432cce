"""What rich editors leave of a tweet: Substack cards and WordPress embed blocks (issue 11)."""

from __future__ import annotations

import html
import json

from archiver.models import RefKind
from archiver.scan import Format, scan_document

ATTRS = {
    "url": "https://twitter.com/KellStLibrary/status/1630144688420266680",
    "full_text": 'Seed library is open! <span class="tweet-fake-link">pic.twitter.com/Zf3kR8nYqA</span>',
    "username": "KellStLibrary",
    "name": "Kell Street Library",
    "date": "2023-02-27T15:24:31.000Z",
    "photos": [{"img_url": "https://pbs.substack.com/media/a.jpg", "link_url": "https://t.co/Zf3kR8nYqA"}],
    "belowTheFold": False,
}
CARD = (
    f'<div class="tweet" data-attrs="{html.escape(json.dumps(ATTRS))}" data-component-name="Twitter2ToDOM">'
    '<a class="tweet-link-top" href="https://twitter.com/KellStLibrary/status/1630144688420266680">'
    '<span class="tweet-author-handle">@KellStLibrary</span><div class="tweet-text">Seed library is open! '
    '<span class="tweet-fake-link">pic.twitter.com/Zf3kR8nYqA</span></div></a>'
    '<a class="tweet-photo-link" href="https://t.co/Zf3kR8nYqA"><img src="x.jpg"></a>'
    '<a class="tweet-link-bottom" href="https://twitter.com/KellStLibrary/status/1630144688420266680/likes">'
    '<span class="tweet-date">3:24 PM ∙ Feb 27, 2023</span></a></div>'
)


def test_a_substack_card_is_one_reference_with_its_baseline() -> None:
    page = f"<html><body><article><p>The library posted:</p>{CARD}</article></body></html>"
    [ref] = scan_document(page, "post.html")
    assert ref.kind is RefKind.BLOCKQUOTE
    assert (ref.tweet_id, ref.handle, ref.author_name, ref.date) == (
        "1630144688420266680",
        "KellStLibrary",
        "Kell Street Library",
        "2023-02-27",
    )
    assert ref.quoted_text == "Seed library is open! pic.twitter.com/Zf3kR8nYqA"
    assert (ref.pic_links, ref.tco_links) == (("pic.twitter.com/Zf3kR8nYqA",), ())


CONVERTED = """The forecaster was unhappy:

tweet-fake-link\\">pic.twitter.com/Tn4bV9cX</span>","username":"wxsamira","name":"Samira O","date":"2024-09-12T16:41:03.000Z","photos":[{"link_url":"https://t.co/Tn4bV9cX"}],"belowTheFold":false}" data-component-name="Twitter2ToDOM">

[

![Twitter avatar for @wxsamira](https://substackcdn.com/a.jpg)

Samira O@wxsamira

](https://twitter.com/wxsamira/status/1834216842458543288)

Respectfully, 32°C is not the colour of the void. [pic.twitter.com/Tn4bV9cX](https://t.co/Tn4bV9cX)

[4:41 PM ∙ Sep 12, 2024](https://twitter.com/wxsamira/status/1834216842458543288)

* * *

3,117Likes402Retweets

](https://twitter.com/wxsamira/status/1834216842458543288)

Prose after.
"""


def test_a_substack_card_converted_to_markdown_with_a_cut_json_tail_is_one_reference() -> None:
    [ref] = scan_document(CONVERTED, "post.md", Format.MARKDOWN)
    assert ref.kind is RefKind.BLOCKQUOTE
    assert (ref.tweet_id, ref.handle, ref.date) == ("1834216842458543288", "wxsamira", "2024-09-12")
    assert ref.quoted_text == "Respectfully, 32°C is not the colour of the void. pic.twitter.com/Tn4bV9cX"
    assert (ref.pic_links, ref.tco_links) == (("pic.twitter.com/Tn4bV9cX",), ())


def test_a_json_tail_with_url_and_text_alone_is_a_reference() -> None:
    text = (
        '{"url":"https://twitter.com/plots/status/1773792382024891802","full_text":"Courgette amnesty '
        'on Saturday.","username":"plots","date":"Fri Mar 29 17:12:09 +0000 2024"}" '
        'data-component-name="Twitter2ToDOM">\n\nProse.\n'
    )
    [ref] = scan_document(text, "post.md", Format.MARKDOWN)
    assert (ref.handle, ref.date, ref.quoted_text) == (
        "plots",
        "2024-03-29",
        "Courgette amnesty on Saturday.",
    )


WP_BLOCK = """<!-- wp:paragraph -->
<p>The fair announced the winner:</p>
<!-- /wp:paragraph -->

<!-- wp:embed {"url":"https://x.com/CountyFair/status/1929811372408497271","type":"rich","providerNameSlug":"x","responsive":true} -->
<figure class="wp-block-embed is-type-rich is-provider-x wp-block-embed-x"><div class="wp-block-embed__wrapper">
https://x.com/CountyFair/status/1929811372408497271
</div><figcaption class="wp-element-caption">The winning pie. — Name (@someone) June 3, 2025</figcaption></figure>
<!-- /wp:embed -->
"""


def test_a_wordpress_embed_block_is_one_reference_and_its_caption_is_not_the_tweet() -> None:
    [ref] = scan_document(WP_BLOCK, "post.html")
    assert (ref.kind, ref.tweet_id, ref.handle) == (RefKind.SHORTCODE, "1929811372408497271", "CountyFair")
    assert ref.quoted_text is None


def test_a_wordpress_block_in_markdown_is_one_reference() -> None:
    [ref] = scan_document("# Post\n\n" + WP_BLOCK, "post.md", Format.MARKDOWN)
    assert (ref.kind, ref.tweet_id) == (RefKind.SHORTCODE, "1929811372408497271")


def test_a_wordpress_figure_around_a_rendered_blockquote_keeps_the_blockquote() -> None:
    page = (
        '<figure class="wp-block-embed is-provider-twitter"><div class="wp-block-embed__wrapper">'
        '<blockquote class="twitter-tweet"><p>Seal pup rescued.</p>&mdash; Rescue (@rescue) '
        '<a href="https://twitter.com/rescue/status/1820407599857097875">August 5, 2024</a></blockquote>'
        "</div><figcaption>Volunteers carry the pup.</figcaption></figure><p>x</p><p>y</p>"
    )
    [ref] = scan_document(page, "page.html")
    assert (ref.kind, ref.quoted_text, ref.date) == (RefKind.BLOCKQUOTE, "Seal pup rescued.", "2024-08-05")


def test_wordpress_embeds_of_other_providers_are_not_tweets() -> None:
    block = '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc","providerNameSlug":"youtube"} -->\n<p>x</p><p>y</p><div>z</div>'
    assert scan_document(block, "post.html") == []
