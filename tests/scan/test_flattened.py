"""Flattened embeds as copies really carry them: quoted, one-line, with site chrome (issue 11)."""

from __future__ import annotations

import pytest

from archiver.models import RefKind
from archiver.scan import Format, scan_document

MARKDOWN_QUOTE = (
    "The operator posted at dawn:\n\n"
    "> Line 2 is closed between Oak and Elm. [pic.twitter.com/Ab12Cd34](https://t.co/Ab12Cd34)\n"
    ">\n"
    "> \\- Metro Ops (@metro_ops) [November 14, 2023]"
    "(https://twitter.com/metro_ops/status/1724378749730646935?ref%5Fsrc=twsrc%5Etfw)\n\n"
    "More prose.\n"
)


def test_markdown_quoted_embed_with_escaped_dash_and_linked_date_is_one_reference() -> None:
    [ref] = scan_document(MARKDOWN_QUOTE, "a.md", Format.MARKDOWN)
    assert ref.kind is RefKind.PLAINTEXT_ATTRIBUTION
    assert (ref.tweet_id, ref.handle, ref.date) == ("1724378749730646935", "metro_ops", "2023-11-14")
    assert ref.quoted_text == "Line 2 is closed between Oak and Elm. pic.twitter.com/Ab12Cd34"
    assert ref.pic_links == ("pic.twitter.com/Ab12Cd34",)
    assert ref.tco_links == ()  # the t.co only wraps the pic link


@pytest.mark.parametrize("dash", ["—", "–", "--", "-", "\\-"])
def test_every_attribution_dash_of_e_mail_quotes_is_read(dash: str) -> None:
    text = f"Intro line.\n\n> Bins are out on Friday this week. pic.twitter.com/Zz99Yy88\n> {dash} Council (@ourcouncil) May 2, 2024\n"
    [ref] = scan_document(text, "mail.txt", Format.TEXT)
    assert (ref.handle, ref.date, ref.author_name) == ("ourcouncil", "2024-05-02", "Council")
    assert ref.quoted_text == "Bins are out on Friday this week. pic.twitter.com/Zz99Yy88"


def test_a_hyphen_without_a_date_is_a_list_item_not_an_attribution() -> None:
    text = "Contributors:\n- Jane Doe (@janedoe), reporter\n- Sam Roe (@samroe), editor\n"
    assert scan_document(text, "a.md", Format.MARKDOWN) == []


def test_a_tweet_of_several_paragraphs_in_a_quote_is_one_quote() -> None:
    text = (
        "The union replied:\n\n"
        "> We did not take this lightly.\n>\n> We will be at the gates from 8am.\n>\n"
        "> — Union Local (@unionlocal) May 2, 2024\n"
    )
    [ref] = scan_document(text, "a.md", Format.MARKDOWN)
    assert ref.quoted_text == "We did not take this lightly.\n\nWe will be at the gates from 8am."


def test_the_introducing_paragraph_inside_a_quoted_e_mail_is_not_the_tweet() -> None:
    text = (
        "> Hi all,\n>\n> The organisers confirmed it on Thursday night:\n>\n"
        "> Route update: the course avoids Dock Road.\n"
        "> -- City Marathon (@citymarathon) April 18, 2024\n"
    )
    [ref] = scan_document(text, "mail.txt", Format.TEXT)
    assert ref.quoted_text == "Route update: the course avoids Dock Road."


def test_a_nested_quote_is_its_own_block() -> None:
    text = (
        "> Readers wrote in too:\n>\n"
        "> > Hall open from 6pm for anyone stuck.\n"
        "> > – Cllr Meg (@cllrmeg) March 3, 2024\n>\n> Stay dry.\n"
    )
    [ref] = scan_document(text, "mail.txt", Format.TEXT)
    assert (ref.handle, ref.quoted_text) == ("cllrmeg", "Hall open from 6pm for anyone stuck.")


def test_prose_repeating_the_tweet_is_not_part_of_it_when_paragraphs_are_single_lines() -> None:
    text = (
        "Council keeps the market\n"
        'The market celebrated. "We\'re staying!!" it wrote, thanking those who signed.\n'
        "We're staying!! Thank you to everyone who signed. https://t.co/Wm8cV2pLtu\n"
        "— Station Market (@stationmarket) March 2, 2025\n"
        "The council will review it in 2027.\n"
    )
    [ref] = scan_document(text, "scraped.txt", Format.TEXT)
    assert ref.quoted_text == "We're staying!! Thank you to everyone who signed. https://t.co/Wm8cV2pLtu"


ONE_LINE = (
    "Storm news. In a post on X, the forecaster said the worst had passed. "
    "Skip twitter post by @forecaster Gusts have eased, rain continues ⚠️ pic.twitter.com/mX2cTq7w"
    "— The Forecaster (@forecaster) January 9, 2025 The post may contain content from third parties. "
    "Report End of twitter post by @forecaster The council closed parks. "
    "Skip X post by City Council Parks are closed today.— City Council (@citycouncil) January 9, 2025 "
    "End of X post by City Council Related topics Weather"
)


def test_one_line_text_with_skip_post_chrome_yields_each_embed() -> None:
    first, second = scan_document(ONE_LINE, "snippet.txt", Format.TEXT)
    assert (first.handle, first.date) == ("forecaster", "2025-01-09")
    assert first.quoted_text == "Gusts have eased, rain continues ⚠️ pic.twitter.com/mX2cTq7w"
    assert first.pic_links == ("pic.twitter.com/mX2cTq7w",)
    assert (second.handle, second.author_name) == ("citycouncil", "City Council")
    assert second.quoted_text == "Parks are closed today."


@pytest.mark.parametrize(
    "marker",
    ["Skip Twitter post, 2", "Skip twitter content", "Skip X post by @desk"],
)
def test_skip_markers_of_other_forms_open_the_embed(marker: str) -> None:
    text = (
        f"Prose before. {marker} Trains are running again.— Rail Desk (@desk) May 2, 2024 Report End of post."
    )
    [ref] = scan_document(text, "a.txt", Format.TEXT)
    assert ref.quoted_text == "Trains are running again."


def test_consent_prompt_before_the_tweet_is_cut_off() -> None:
    text = (
        "Skip twitter post by @desk Allow Twitter content? This article contains content provided "
        "by Twitter. Accept and continue Trains are running again.— Rail Desk (@desk) May 2, 2024"
    )
    [ref] = scan_document(text, "a.txt", Format.TEXT)
    assert ref.quoted_text == "Trains are running again."


def test_a_dash_in_running_prose_without_chrome_is_not_an_embed() -> None:
    text = "He said it twice — once to us (@desk) and once on air, May 2, 2024, which was odd."
    assert [
        r for r in scan_document(text, "a.txt", Format.TEXT) if r.kind is RefKind.PLAINTEXT_ATTRIBUTION
    ] == []


def test_a_linked_date_far_along_the_line_keeps_the_whole_id() -> None:
    """Found while writing the held-out set: the date was cut at 80 characters, and the id in
    the link with it (1724431866212372617 became 17244318662123726)."""
    text = (
        "> Walked to work.\n>\n> — Priya R (@priya_runs_late) [November 14, 2023]"
        "(https://twitter.com/priya_runs_late/status/1724431866212372617?ref%5Fsrc=twsrc%5Etfw)\n"
    )
    [ref] = scan_document(text, "a.md", Format.MARKDOWN)
    assert ref.tweet_id == "1724431866212372617"


def test_escaped_underscores_in_a_markdown_handle_are_read() -> None:
    text = "> Review your lockfiles.\n>\n> \\- Mara (@mara\\_dev) [December 5, 2023](https://x.com/mara_dev/status/1732097724514313445)\n"
    [ref] = scan_document(text, "a.md", Format.MARKDOWN)
    assert (ref.handle, ref.tweet_id) == ("mara_dev", "1732097724514313445")
