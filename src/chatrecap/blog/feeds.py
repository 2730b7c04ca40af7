"""Feeds of the public blog: Atom 1.0 (RFC 4287) and RSS 2.0 of the posts, Atom of a post's comments.

The XML is built with ElementTree, which escapes every text and attribute; a post's body
and a comment's (already sanitised) HTML go in as ``type="html"`` text, so they are
escaped once more and a reader gets back exactly the stored HTML. Characters that XML 1.0
cannot carry at all are dropped. The output depends only on what is stored (the feed's
``updated`` is the newest entry's, never "now"), so it can be kept and compared.

Ids never change with a slug or the site's title: ``tag:`` URIs (RFC 4151) of the site's
host, the day the post was first published (the comment written) and the row's id.
A comment entry carries its author's name only; the address is not even read.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import format_datetime
from urllib.parse import quote, urlsplit

from chatrecap.blog.comments import APPROVED
from chatrecap.blog.posts import BlogPost
from chatrecap.render import _common as c
from chatrecap.store import Store

ATOM_NS = "http://www.w3.org/2005/Atom"
POSTS_IN_FEED, COMMENTS_IN_FEED = 20, 50
ATOM_TYPE = "application/atom+xml; charset=utf-8"
RSS_TYPE = "application/rss+xml; charset=utf-8"
_EMPTY_UPDATED = "1970-01-01T00:00:00+00:00"  # a feed with no entries yet


@dataclass(frozen=True, slots=True)
class Site:
    """Whose feed: the public address (``--base-url``, no trailing slash) and the title."""

    url: str
    title: str

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or "localhost"

    def post_url(self, post: BlogPost) -> str:
        return f"{self.url}/posts/{post.slug}"

    def tag_uri(self, stored_time: str, specific: str) -> str:
        return f"tag:{self.host},{c.parse_time(stored_time).date().isoformat()}:{specific}"


@dataclass(frozen=True, slots=True)
class FeedComment:
    """An approved comment as a feed shows it: no address, no IP."""

    id: int
    author_name: str
    body_html: str
    created_at: str
    updated_at: str


# --- what the feeds show ----------------------------------------------------------------

def approved_comments(store: Store, post_id: int, limit: int = COMMENTS_IN_FEED) -> list[FeedComment]:
    """The post's approved comments, newest first."""
    rows = store.query("SELECT id, author_name, body_html, created_at, updated_at FROM comments "
                       "WHERE post_id = ? AND status = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                       (post_id, APPROVED, limit))
    return [FeedComment(*row) for row in rows]


# --- Atom ---------------------------------------------------------------------------------

def posts_atom(site: Site, items: list[tuple[BlogPost, str]]) -> bytes:
    feed = _atom_feed(site.title, f"{site.url}/feed.atom", f"{site.url}/",
                      f"{site.url}/feed.atom", _newest(p.updated_at for p, _ in items), site.title)
    for post, body in items:
        entry = _add(feed, "entry")
        _add(entry, "title", post.title, type="text")
        _add(entry, "link", rel="alternate", type="text/html", href=site.post_url(post))
        _add(entry, "id", _post_id(site, post))
        _add(entry, "published", rfc3339(_published(post)))
        _add(entry, "updated", rfc3339(post.updated_at))
        _add(_add(entry, "author"), "name", site.title)
        for tag in post.tags:
            _add(entry, "category", term=tag, scheme=f"{site.url}/tags/", label=tag)
        if post.summary:
            _add(entry, "summary", post.summary, type="text")
        _add(entry, "content", body, type="html")
    return _xml(feed)


def comments_atom(site: Site, post: BlogPost, comments: list[FeedComment]) -> bytes:
    page = site.post_url(post)
    self_url = f"{page}/comments.atom"
    feed = _atom_feed(f"Comments on {post.title}", self_url, page,
                      _post_id(site, post) + "/comments",
                      _newest((x.updated_at for x in comments), _published(post)), site.title)
    for comment in comments:
        entry = _add(feed, "entry")
        _add(entry, "title", f"Comment by {comment.author_name}", type="text")
        _add(entry, "link", rel="alternate", type="text/html", href=f"{page}#comment-{comment.id}")
        _add(entry, "id", site.tag_uri(comment.created_at, f"comments/{comment.id}"))
        _add(entry, "published", rfc3339(comment.created_at))
        _add(entry, "updated", rfc3339(comment.updated_at))
        _add(_add(entry, "author"), "name", comment.author_name)
        _add(entry, "content", comment.body_html, type="html")
    return _xml(feed)


def _atom_feed(title: str, self_url: str, alternate: str, feed_id: str, updated: str | None,
               author: str) -> ET.Element:
    feed = ET.Element("feed", xmlns=ATOM_NS)
    feed.set("xml:lang", "en")
    _add(feed, "title", title, type="text")
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=alternate)
    _add(feed, "id", feed_id)
    _add(feed, "updated", rfc3339(updated) if updated else _EMPTY_UPDATED)
    _add(_add(feed, "author"), "name", author)
    _add(feed, "generator", "chatrecap")
    return feed


# --- RSS 2.0 ------------------------------------------------------------------------------

def posts_rss(site: Site, items: list[tuple[BlogPost, str]]) -> bytes:
    """RSS 2.0 with the summary as ``description``, the body as ``content:encoded``
    and the author as ``dc:creator`` (RSS's own ``author`` must be an email address)."""
    rss = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS,
                             "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
                             "xmlns:dc": "http://purl.org/dc/elements/1.1/"})
    channel = _add(rss, "channel")
    _add(channel, "title", site.title)
    _add(channel, "link", f"{site.url}/")
    _add(channel, "description", f"Chat recaps published on {site.title}.")
    _add(channel, "language", "en")
    _add(channel, "atom:link", href=f"{site.url}/feed.rss", rel="self", type="application/rss+xml")
    newest = _newest(p.updated_at for p, _ in items)
    if newest:
        _add(channel, "lastBuildDate", rfc822(newest))
    _add(channel, "generator", "chatrecap")
    for post, body in items:
        item = _add(channel, "item")
        _add(item, "title", post.title)
        _add(item, "link", site.post_url(post))
        _add(item, "guid", _post_id(site, post), isPermaLink="false")
        _add(item, "pubDate", rfc822(_published(post)))
        _add(item, "dc:creator", site.title)
        for tag in post.tags:
            _add(item, "category", tag, domain=f"{site.url}/tags/{quote(tag, safe='')}")
        if post.summary:
            _add(item, "description", post.summary)
        _add(item, "content:encoded", body)
    return _xml(rss)


# --- shared ---------------------------------------------------------------------------

def rfc3339(stored: str) -> str:
    """A stored time for Atom: 2026-11-26T10:04:05Z."""
    return c.parse_time(stored).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc822(stored: str) -> str:
    """A stored time for RSS: Thu, 26 Nov 2026 10:04:05 GMT."""
    return format_datetime(c.parse_time(stored).replace(microsecond=0), usegmt=True)


def _post_id(site: Site, post: BlogPost) -> str:
    return site.tag_uri(_published(post), f"posts/{post.id}")


def _published(post: BlogPost) -> str:
    return post.published_at or post.updated_at


def _newest(times: Iterable[str], default: str | None = None) -> str | None:
    return max(times, default=default)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: c.xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = c.xml_text(text)
    return element


def _xml(root: ET.Element) -> bytes:
    declaration = b'<?xml version="1.0" encoding="utf-8"?>\n'
    return declaration + ET.tostring(root, encoding="unicode").encode() + b"\n"
