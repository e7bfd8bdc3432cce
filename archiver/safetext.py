"""Text from articles and servers, made safe to show: it is data, never markup or commands.

An article's quote, a handle, a URL, a server's reason phrase or an error naming them can
hold Rich markup (``[/bold]`` crashes Rich, ``[link=…]`` forges a link) and raw escape
sequences (``\\x1b]0;…`` retitles the terminal, ``\\x1b[31m`` recolours it). Everything shown
in a table, a log line or a progress bar goes through :func:`plain` (control characters
removed) and, where Rich renders it, :func:`cell` or :func:`markup`.
"""

from __future__ import annotations

import re

from rich.markup import escape
from rich.text import Text

__all__ = ["cell", "json_safe", "markup", "plain", "without_controls"]

# C0 and C1 controls, DEL, and the bidirectional overrides and isolates that reorder a line.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROLS_AND_NEWLINES = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\n")
# What a terminal acts on but a file of text may keep: tab, line feed, carriage return stay.
_CONTROLS_BUT_WHITESPACE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# What json.dumps(ensure_ascii=False) leaves raw although a terminal acts on it.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def plain(value: object, *, newlines: bool = False) -> str:
    """``value`` as text without control characters; tabs become spaces, and newlines too
    unless ``newlines`` keeps them (multi-line cells)."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\t", " ")
    if newlines:
        return _CONTROLS.sub("", text.replace("\r", "\n"))
    return _CONTROLS_AND_NEWLINES.sub(lambda m: " " if m.group() in "\n\r" else "", text)


def without_controls(text: str) -> str:
    """``text`` without escape sequences' lead bytes, BEL, C1 controls or bidi overrides, but
    with its tabs and line breaks (a CSV cell someone may ``cat``)."""
    return _CONTROLS_BUT_WHITESPACE.sub("", text)


def markup(value: object, *, newlines: bool = False) -> str:
    """:func:`plain`, escaped for a string that Rich reads as markup (a progress bar)."""
    return escape(plain(value, newlines=newlines))


def cell(value: object, style: str = "", *, newlines: bool = False) -> Text:
    """A table cell Rich shows as it is: no markup, no emoji codes, no control characters."""
    return Text(plain(value, newlines=newlines), style=style)


def json_safe(line: str) -> str:
    """A JSON text with DEL, C1 controls and bidi overrides written as ``\\uXXXX`` escapes:
    the same JSON to a program, inert on a terminal (``json.dumps`` escapes only C0)."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", line)
