"""The shapes real pages and copies have, as Hypothesis strategies and as repeatable units.

Random text never produces 30 comments in a row or a hundred ``> `` prefixes; real pages do
(WordPress block markup, conditional comments, quoted e-mails, BBC chrome). These families
feed both the crash tests and the linear-time tests.
"""

from __future__ import annotations

from hypothesis import strategies as st

# One repeatable unit per family: long runs of it are what pages (and attackers) send.
PROLOGUE_UNITS = {
    "empty-comments": "<!---->",
    "comments": "<!-- note -->\n",
    "wp-block-comments": "<!-- wp:paragraph -->\n",
    "cdata": "<![CDATA[ x ]]>",
    "conditional-comments": "<!--[if lt IE 9]><script src='html5.js'></script><![endif]-->",
    "downlevel-revealed": "<![if !IE]>",
    "doctypes": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">',
    "xml-prologues": '<?xml version="1.0" encoding="utf-8"?>',
    "unclosed-comment": "<!-- ",
}
TEXT_UNITS = {
    "quote-prefixes": "> ",
    "quote-lines": ">\n",
    "nested-quotes": "> > > >\n",
    "dash-handle": "— (@",
    "dash-name-handle": "— A (@a) ",
    "hyphen-handle": "- a (@b) ",
    "escaped-dash": "\\- A (@a) [May 1, 2020](",
    "skip-markers": "Skip Twitter post by ",
    "skip-end-markers": "Skip X post by @a words — A (@a) May 1, 2020 Report End of X post by @a ",
    "end-markers": "End of Twitter post by @a ",
    "spaces": " ",
    "thematic-breaks": "* * *\n",
    "json-fields": '"username":"a","date":"',
    "substack-markers": 'data-component-name="Twitter2ToDOM">',
    "card-dates": "[1:00 PM ∙ Jan 1, 2020](https://twitter.com/a/status/1) ",
    "markdown-links": "[pic.twitter.com/a](",
    "front-matter-lines": "key: value\n",
}
# Units whose run only means something after an opener (or before a closer).
TEXT_PREFIX = {"front-matter-lines": "---\n", "spaces": "— ", "quote-lines": "text\n"}
TEXT_SUFFIX = {"spaces": "x (@a) May 1, 2020", "quote-lines": "> — A (@a) May 1, 2020\n"}

WORDPRESS_EMBED = (
    '<!-- wp:embed {"url":"https://x.com/a/status/1","type":"rich","providerNameSlug":"x"} -->\n'
    '<figure class="wp-block-embed is-provider-x"><div class="wp-block-embed__wrapper">\n'
    "https://x.com/a/status/1\n</div><figcaption>caption</figcaption></figure>\n<!-- /wp:embed -->\n"
)

prologue_piece = st.sampled_from([*PROLOGUE_UNITS.values(), WORDPRESS_EMBED, "\n", " "])
text_piece = st.sampled_from(
    [
        *TEXT_UNITS.values(),
        "\n",
        "\n\n",
        "---\n",
        "+++\n",
        "pic.twitter.com/AbCd12 ",
        "https://t.co/AbCd12 ",
        "https://twitter.com/a/status/1234567890123456789?ref%5Fsrc=twsrc%5Etfw",
        "](https://twitter.com/a/status/1)",
        "March 14, 2025",
        "Accept and continue ",
        "Related\n",
        "words ",
    ]
)


def runs(piece: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Documents made of runs: a piece repeated, then another, as real pages repeat markup."""
    run = st.tuples(piece, st.integers(min_value=1, max_value=40)).map(lambda pair: pair[0] * pair[1])
    return st.lists(run, max_size=12).map("".join)


prologue_documents = st.tuples(runs(prologue_piece), st.sampled_from(["<html>", "<p>x</p>", "", "—"])).map(
    lambda pair: pair[0] + pair[1] + " https://twitter.com/a/status/1"
)
text_documents = runs(text_piece)


def repeated(unit: str, size: int, prefix: str = "", suffix: str = "") -> str:
    """``unit`` repeated to about ``size`` characters, between ``prefix`` and ``suffix``."""
    return prefix + unit * max(1, size // len(unit)) + suffix
