"""The HTML report: one self-contained file a person opens in a browser.

A summary at the top (counts by status, what changed since the previous check), then per
article each embed: what the article quoted, the current screenshot (read back from the WARC
and inlined), a status badge, what changed (with the diff), and the tweet's status history.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from typing import Any

from archiver.safetext import without_controls

__all__ = ["render_report"]

_COLOURS = {
    "live": "#1a7f37",
    "altered": "#9a6700",
    "deleted": "#cf222e",
    "suspended": "#cf222e",
    "unavailable": "#cf222e",
    "protected": "#8250df",
    "withheld": "#8250df",
    "restricted": "#8250df",
    "unknown": "#57606a",
}
_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2328;margin:0;background:#f6f8fa}
main{max-width:1000px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;word-break:break-all}
.meta{color:#57606a;font-size:13px}
.summary{display:flex;flex-wrap:wrap;gap:8px;margin:16px 0}
.count{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:8px 12px}
.count b{font-size:20px;display:block}
.embed{background:#fff;border:1px solid #d0d7de;border-radius:10px;padding:16px;margin:12px 0;
display:grid;grid-template-columns:minmax(0,1fr) 320px;gap:16px}
.embed img{max-width:100%;max-height:420px;border:1px solid #d0d7de;border-radius:8px}
.badge{display:inline-block;color:#fff;border-radius:12px;padding:2px 10px;font-weight:600;font-size:13px}
blockquote{margin:8px 0;padding:8px 12px;border-left:4px solid #d0d7de;background:#f6f8fa;
white-space:pre-wrap}
pre{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:8px;white-space:pre-wrap;
font-size:13px}
ul.history{padding-left:18px;margin:6px 0;font-size:13px}
.noshot{color:#57606a;font-size:13px;border:1px dashed #d0d7de;border-radius:8px;padding:24px;
text-align:center}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left}
"""


def _e(value: Any) -> str:
    """Outside text as HTML text: escaped, without control characters or bidi overrides."""
    return html.escape(without_controls("" if value is None else str(value)))


def _badge(status: str) -> str:
    return f'<span class="badge" style="background:{_COLOURS.get(status, "#57606a")}">{_e(status)}</span>'


def render_report(
    rows: Sequence[Mapping[str, Any]],
    summary: Mapping[str, Any],
    screenshots: Mapping[str, bytes],
    histories: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    title: str,
    generated_at: str,
) -> str:
    """The report's HTML; ``screenshots`` maps a page id to its PNG, ``histories`` a tweet id
    to its status changes."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head><body><main>",
        f"<h1>{_e(title)}</h1><div class='meta'>generated {_e(generated_at)} · "
        f"{summary['references']} reference(s)</div><div class='summary'>",
    ]
    for status, count in summary["by_status"].items():
        parts.append(f"<div class='count'><b>{count}</b>{_badge(status)}</div>")
    parts.append("</div>")
    if summary.get("withheld"):
        parts.append(
            f"<p class='meta'>{int(summary['withheld'])} reference(s) withheld (private or taken down).</p>"
        )
    if summary.get("include_private"):
        parts.append("<p class='meta'>Private posts included on the operator's request.</p>")
    changed = summary["changed"]
    parts.append(f"<h2>Changed since the previous check ({len(changed)})</h2>")
    if changed:
        parts.append("<table><tr><th>article</th><th>tweet</th><th>was</th><th>now</th><th>what</th></tr>")
        for item in changed:
            parts.append(
                f"<tr><td>{_e(item['article'])}</td><td>{_e(item['tweet_id'])}</td>"
                f"<td>{_badge(item['from']) if item['from'] else '—'}</td><td>{_badge(item['to'])}</td>"
                f"<td>{_e(', '.join(item['changes']))}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p class='meta'>Nothing changed.</p>")
    by_article: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        by_article.setdefault(str(row["article"]), []).append(row)
    for article, group in by_article.items():
        parts.append(f"<h2>{_e(article)}</h2>")
        for row in group:
            parts.append(_embed(row, screenshots, histories))
    parts.append("</main></body></html>")
    return "".join(parts)


def _embed(
    row: Mapping[str, Any],
    screenshots: Mapping[str, bytes],
    histories: Mapping[str, Sequence[Mapping[str, Any]]],
) -> str:
    status = str(row["status"])
    tweet = row.get("tweet_id") or row.get("url") or "no tweet id"
    who = f"@{row['handle']}" if row.get("handle") else ""
    head = (
        f"<div>{_badge(status)} <b>{_e(who)}</b> <span class='meta'>{_e(tweet)} · "
        f"{_e(row.get('kind'))} · {_e(row.get('date') or 'no date')}</span>"
    )
    quote = row.get("quoted_text")
    body = [head]
    if row.get("private"):
        body.append(f"<p><b>Private</b> (not for handing out): {_e(row.get('private_reason'))}</p>")
    if row.get("url"):
        body.append(f"<div class='meta'><a href='{_e(row['url'])}'>{_e(row['url'])}</a></div>")
    body.append(
        f"<blockquote>{_e(quote)}</blockquote>"
        if quote
        else "<p class='meta'>The article quotes no text.</p>"
    )
    reasons = row.get("reasons") or []
    if reasons:
        body.append("<div class='meta'>" + "<br>".join(_e(r) for r in reasons[:4]) + "</div>")
    if row.get("changes"):
        body.append(f"<p><b>Changed:</b> {_e(', '.join(row['changes']))}</p>")
    if row.get("diff"):
        body.append(f"<pre>{_e(row['diff'])}</pre>")
    history = histories.get(str(row.get("tweet_id")), [])
    if history:
        body.append("<ul class='history'>")
        for entry in history:
            body.append(f"<li>{_e(entry['checked_at'])}: {_badge(str(entry['status']))}</li>")
        body.append("</ul>")
    body.append("</div>")
    shot = screenshots.get(str(row.get("page_id")))
    if shot:
        encoded = base64.b64encode(shot).decode("ascii")
        picture = f"<img alt='screenshot of tweet {_e(tweet)}' src='data:image/png;base64,{encoded}'>"
    else:
        picture = "<div class='noshot'>no screenshot (checked over HTTP only, or nothing rendered)</div>"
    return f"<section class='embed'>{''.join(body)}<div>{picture}</div></section>"
