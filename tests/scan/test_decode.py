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
