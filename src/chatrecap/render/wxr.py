"""The recap as a WordPress eXtended RSS (WXR 1.2) file: one draft post to import and edit.

Written by hand with explicit escaping (ElementTree cannot write CDATA), and parsed back
by the tests. Dates come from the session, never the clock, so the file is reproducible.
"""

from __future__ import annotations

from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from chatrecap.recap.model import Recap
from chatrecap.render import _common as c
from chatrecap.render.html import render_body

NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": "http://wordpress.org/export/1.2/",
}


def cdata(text: str) -> str:
    """A CDATA section for any text: a "]]>" inside is split across two sections."""
    return "<![CDATA[" + c.xml_text(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _el(name: str, text: str, **attrs: str) -> str:
    attr = "".join(f" {k}={quoteattr(v)}" for k, v in attrs.items())
    return f"<{name}{attr}>{escape(c.xml_text(text))}</{name}>"


def render(recap: Recap, body: str | None = None) -> bytes:
    end = c.parse_time(recap.session.end)
    wp_date = end.strftime("%Y-%m-%d %H:%M:%S")
    creator = recap.hosts[0] if recap.hosts else "chatrecap"
    tag = (recap.hashtag or recap.session.chat or "").lstrip("#")
    name = c.slug(recap.title)
    excerpt = next(iter(c.paragraphs(c.intro(recap))), "")
    terms = []
    if tag:
        for domain in ("category", "post_tag"):
            terms.append(f'    <category domain="{domain}" nicename={quoteattr(c.slug(tag))}>'
                         f"{cdata(tag)}</category>")
    ns = "".join(f' xmlns:{k}="{v}"' for k, v in NAMESPACES.items())
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<rss version="2.0"{ns}>',
        "<channel>",
        "  " + _el("title", recap.title),
        "  <link></link>",
        "  " + _el("description", f"Recap of {c.chat_name(recap)}, exported by {recap.generator}"),
        "  " + _el("pubDate", format_datetime(end, usegmt=True)),
        "  <language>en</language>",
        "  <wp:wxr_version>1.2</wp:wxr_version>",
        "  <wp:author>" + _el("wp:author_login", creator) + _el("wp:author_display_name", creator)
        + "</wp:author>",
        "  " + _el("generator", recap.generator),
        "  <item>",
        "    " + _el("title", recap.title),
        "    <link></link>",
        "    " + _el("pubDate", format_datetime(end, usegmt=True)),
        "    " + _el("dc:creator", creator),
        "    " + _el("guid", f"{recap.generator}:recap:{recap.session.id}", isPermaLink="false"),
        "    <description></description>",
        "    <content:encoded>" + cdata(render_body(recap) if body is None else body) + "</content:encoded>",
        "    <excerpt:encoded>" + cdata(excerpt) + "</excerpt:encoded>",
        "    <wp:post_id>1</wp:post_id>",
        "    " + _el("wp:post_date", wp_date),
        "    " + _el("wp:post_date_gmt", wp_date),
        "    <wp:comment_status>open</wp:comment_status>",
        "    <wp:ping_status>open</wp:ping_status>",
        "    " + _el("wp:post_name", name),
        "    <wp:status>draft</wp:status>",
        "    <wp:post_parent>0</wp:post_parent>",
        "    <wp:menu_order>0</wp:menu_order>",
        "    <wp:post_type>post</wp:post_type>",
        "    <wp:post_password></wp:post_password>",
        "    <wp:is_sticky>0</wp:is_sticky>",
        *terms,
        "  </item>",
        "</channel>",
        "</rss>",
    ]
    return ("\n".join(lines) + "\n").encode()
