"""Markdown that people type (a host's introduction, a visitor's comment) as safe HTML.

markdown-it-py with raw HTML off turns the Markdown into HTML; nh3 (ammonia) then keeps
only the tags and attributes a comment needs, only http(s) and mailto links, and gives
every link rel="nofollow ugc noopener": what the page shows cannot run a script, load
anything or pass search ranking to a spammer.
"""

from __future__ import annotations

import re
from functools import cache

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
                "del", "s", "h3", "h4"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"
#: Control, zero-width and bidirectional formatting characters: dropped from a line of
#: text someone else wrote (a name, a title) before it is shown.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@cache
def _parser():  # noqa: ANN202 - markdown_it's type, imported lazily
    from markdown_it import MarkdownIt

    # CommonMark with raw HTML off (written as text, never passed through), plus ~~strike~~.
    return MarkdownIt("commonmark", {"html": False}).enable("strikethrough")


def markdown_to_html(text: str, relative_links: bool = False) -> str:
    """Sanitised HTML of ``text``; headings become h3/h4 so they sit under the page's own.
    ``relative_links``: the host's own text, whose links to the blog's pages stay."""
    html = _parser().render(text or "")
    html = (html.replace("<h1>", "<h3>").replace("</h1>", "</h3>").replace("<h2>", "<h4>")
            .replace("</h2>", "</h4>"))
    return sanitize(html, relative_links)


def sanitize(html: str, relative_links: bool = False) -> str:
    """Only the allowed tags, attributes and link schemes. Relative links are dropped unless
    ``relative_links`` (the host's own text may link the blog's pages; a visitor's
    "[pills](//spam.example/buy)" is no http(s) link, and the spam cap counts those)."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel=LINK_REL, strip_comments=True,
                     url_relative="pass_through" if relative_links else "deny")


def link_count(text: str) -> int:
    """Links in what a visitor typed (Markdown links and bare URLs): for the spam cap."""
    lowered = (text or "").lower()
    return lowered.count("http://") + lowered.count("https://") + lowered.count("www.")
