"""Alert bodies: Markdown rendered by markdown-it-py (CommonMark, raw HTML off), then cleaned
by nh3 (Ammonia) with a short list of tags, so that nothing an author types can run."""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
# markdown-it leaves a link to a ``javascript:`` (or other refused) address as its raw text, so
# "[link](javascript:alert(1))" would reach readers as Markdown. Here every link is parsed as a
# link, and nh3 below drops the address unless it is http(s) or mailto: the words stay, the
# address goes.
_md.validateLink = lambda url: True
TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "h3", "h4", "hr"}
ATTRIBUTES = {"a": {"href", "title"}}


def render(text: str | None) -> Markup:
    # Headings become h3/h4 so an author's "# Title" does not compete with the page's own h1.
    out = _md.render(text or "")
    for level in (1, 2):
        out = out.replace(f"<h{level}>", "<h3>").replace(f"</h{level}>", "</h3>")
    for level in (5, 6):
        out = out.replace(f"<h{level}>", "<h4>").replace(f"</h{level}>", "</h4>")
    cleaned = nh3.clean(out, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                        link_rel="nofollow noopener noreferrer")
    return Markup(cleaned)  # noqa: S704 - cleaned by nh3 just above


def plain(text: str | None) -> str:
    """The text of the Markdown without markup (CAP descriptions, feed summaries, search): link
    words without their address, no Markdown syntax left."""
    return html.unescape(nh3.clean(_md.render(text or ""), tags=set())).strip()
