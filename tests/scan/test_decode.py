from __future__ import annotations

import pytest

from archiver.errors import ScanError
from archiver.scan.decode import Format, decode, detect_format


def test_bom_wins() -> None:
    assert decode("café".encode("utf-16"), "x") == "café"
    assert decode("café".encode("utf-8-sig"), "x") == "café"


def test_meta_charset_is_honoured() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body>caf\xe9</body></html>'.encode("latin-1")
    assert "café" in decode(html, "x")


def test_undeclared_legacy_encoding_is_detected() -> None:
    text = "Die Fähre nach Norden fällt heute aus, sagt der Hafen. Größere Schäden gibt es nicht. " * 5
    assert decode(text.encode("cp1252"), "x") == text


def test_binary_input_is_refused_with_its_name() -> None:
    with pytest.raises(ScanError, match=r"^photo\.png: binary data"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.png")


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("<!doctype html><html><body>x</body></html>", "a.txt", Format.HTML),
        ("<p>one</p><p>two</p><div>three</div>", "", Format.HTML),
        ("---\ntitle: x\n---\n# Heading\n", "notes", Format.MARKDOWN),
        ("see [this](https://twitter.com/a/status/1)", "", Format.MARKDOWN),
        ("Plain words.\n— A (@a) May 1, 2020", "a.html", Format.TEXT),
    ],
)
def test_format_is_judged_from_content(text: str, name: str, expected: Format) -> None:
    assert detect_format(text, name) is expected


def test_html_comment_runs_do_not_backtrack() -> None:
    """Issue 10, finding 1: 30 empty comments before a link never finished."""
    assert detect_format("<!---->" * 30 + "https://twitter.com/a/status/1") is Format.TEXT
    assert detect_format("<!---->" * 30 + "<html><body>x</body></html>") is Format.HTML


def test_wordpress_block_comment_runs_do_not_backtrack() -> None:
    """Issue 10, finding 1: 25 block comments took 33 s, 30 over 100 s."""
    page = "<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->\n" * 30
    assert detect_format(page) is Format.HTML
    assert detect_format("<!-- wp:paragraph -->" * 30 + " — A (@a) May 1, 2020") is Format.TEXT


@pytest.mark.parametrize(
    "prologue",
    [
        '<?xml version="1.0" encoding="utf-8"?>\n',
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "x.dtd">\n',
        "<!--[if lt IE 9]><script src='html5.js'></script><![endif]-->",
        "<![if !IE]><![endif]>",
        "<![CDATA[ x ]]>",
    ],
    ids=["xml", "doctype", "conditional-comment", "downlevel-revealed", "cdata"],
)
def test_html_root_is_found_after_any_prologue(prologue: str) -> None:
    assert detect_format(prologue * 3 + "<html><body>x</body></html>") is Format.HTML


def test_unclosed_prologue_is_not_html() -> None:
    assert detect_format("<!-- never closed <html>") is Format.TEXT


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_articles_without_a_bom_are_decoded(encoding: str) -> None:
    """Issue 10, finding 11: UTF-16 without a BOM was refused as binary."""
    text = "Grüße aus Köln.\n— Stadt Köln (@stadtkoeln) 1. Mai 2024\n" * 20
    assert decode(text.encode(encoding), "a.txt") == text


def test_nul_bytes_that_are_not_utf16_are_still_binary() -> None:
    with pytest.raises(ScanError, match="binary data"):
        decode(bytes(range(256)) * 8, "blob.bin")
