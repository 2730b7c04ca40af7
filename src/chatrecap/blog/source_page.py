"""A fetched webmention or pingback source: does it link to the target, and what does it say?

The link is looked for as the Webmention spec advises, by media type: in HTML, the URLs of
``<a href>``, ``<img src>``, ``<video src>`` and their kind (resolved against the page's
address or its ``<base>``; markup in comments, scripts or escaped text is no link); in
JSON, a string value; in other text, the URL itself. URLs are compared after
``normalise``. What the page says comes from its h-entry (microformats2, parsed by
mf2py): a reply (``in-reply-to`` the target), like (``like-of``), repost
(``repost-of``) or else a mention; its author (the entry's author h-card, a name or URL,
else the page's first h-card, else its rel="author" link, else the site's host); title,
publication date, and content sanitised by ``chatrecap.render.markup.sanitize`` (nh3: no
script, event handler, image or javascript: link survives) and cut to a plain excerpt
when long. Nothing here fetches: ``chatrecap.blog.mentions`` does, under the SSRF guard.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

import orjson

from chatrecap.blog.discovery import HTML_TYPES
from chatrecap.blog.fetch import Fetched, web_parts
from chatrecap.render.markup import CONTROL, sanitize
from chatrecap.store import iso

REPLY, LIKE, REPOST, MENTION = "reply", "like", "repost", "mention"
MAX_URL = 2000
MAX_NAME, MAX_TITLE = 100, 200
MAX_CONTENT_HTML = 4000  # longer content is shown as an excerpt of its text
EXCERPT = 300
DEFAULT_PORTS = {"http": 80, "https": 443}
BAD_URL_CHARS = re.compile(r"[\s\"'<>\\^`{|}\x00-\x1f\x7f]")


def normalise(url: str) -> str:
    """A URL as compared: scheme and host lower-cased, the default port, user name and
    fragment dropped, an empty path as "/". ValueError for a URL that does not parse."""
    parts = urlsplit(url.strip())
    scheme, host, port = parts.scheme.lower(), (parts.hostname or "").lower(), parts.port
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def same_url(url: str, key: str) -> bool:
    """Whether ``url`` normalises to ``key`` (False for a URL that does not parse)."""
    try:
        return normalise(url) == key
    except ValueError:
        return False


@dataclass(slots=True)
class Entry:
    """What the source page says about itself and its author."""

    kind: str = MENTION
    author_name: str | None = None
    author_url: str | None = None
    author_photo: str | None = None
    title: str | None = None
    content_html: str | None = None
    published_at: str | None = None


class _Page(HTMLParser):
    """The URLs an HTML page links to (resolved against its <base> or address), and its <title>."""

    URL_ATTRIBUTES = {("a", "href"), ("area", "href"), ("img", "src"), ("video", "src"), ("audio", "src"),
                      ("source", "src"), ("iframe", "src"), ("embed", "src"), ("object", "data"),
                      ("blockquote", "cite"), ("q", "cite"), ("ins", "cite"), ("del", "cite")}

    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = url
        self.urls: list[str] = []
        self.title: str | None = None
        self._in_title = False
        self._title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if tag == "base" and name == "href" and not self.urls:
                self.base = urljoin(self.base, value.strip())
            elif (tag, name) in self.URL_ATTRIBUTES:
                self.urls.append(urljoin(self.base, value.strip()))
        if tag == "title" and self.title is None:
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.title = "".join(self._title_parts)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_parts.append(data)


class SourceDocument:
    """A fetched source: whether it links to a target, and its h-entry."""

    def __init__(self, page: Fetched) -> None:
        self.page = page
        self.kind = page.content_type or ("text/html" if page.content.lstrip()[:1] == b"<" else "")
        self.is_html = self.kind in HTML_TYPES
        self._parsed: _Page | None = None

    def parsed(self) -> _Page:
        if self._parsed is None:
            self._parsed = _Page(self.page.url)
            self._parsed.feed(self.page.text)
            self._parsed.close()
        return self._parsed

    def links_to(self, target: str) -> bool:
        key = normalise(target)
        if self.is_html:
            return any(same_url(url, key) for url in self.parsed().urls)
        if self.kind == "application/json" or self.kind.endswith("+json"):
            try:
                data = orjson.loads(self.page.content)
            except orjson.JSONDecodeError:
                return False
            return any(same_url(value, key) for value in _strings(data))
        if self.kind.startswith("text/"):
            return target in self.page.text or key in self.page.text
        return False

    def entry(self, source: str, target: str) -> Entry:
        """The source's h-entry as a mention: kind, author, title, content, date. A page
        without microformats is a mention by its host, titled by its <title>."""
        page_title = one_line(self.parsed().title, MAX_TITLE) if self.is_html else None
        host = urlsplit(self.page.url).hostname or urlsplit(source).hostname or ""
        fallback = Entry(author_name=host, author_url=_site_of(self.page.url), title=page_title)
        if not self.is_html:
            return fallback
        import mf2py  # here: it brings BeautifulSoup and html5lib, which only this needs

        try:
            data = mf2py.parse(doc=self.page.text, url=self.page.url)
        except Exception:  # noqa: BLE001 - markup mf2py cannot read is a page without microformats
            return fallback
        items = data.get("items") or []
        entry = _choose_entry(list(_entries(items)), source, self.page.url, target)
        if entry is None:
            return fallback
        props = entry.get("properties") or {}
        key = normalise(target)
        kind = MENTION
        for prop, name in (("in-reply-to", REPLY), ("like-of", LIKE), ("repost-of", REPOST)):
            if any(same_url(_url_of(v), key) for v in props.get(prop) or []):
                kind = name
                break
        name, url, photo = _author(props, items, data.get("rels") or {})
        content = _content(props)
        title = one_line(_first_text(props, "name"), MAX_TITLE)
        if title and title == one_line(_content_text(props), MAX_TITLE):
            title = None  # a note's name is its text: no title
        return Entry(kind=kind, author_name=one_line(name, MAX_NAME) or host,
                     author_url=_web_url(url, self.page.url) or _site_of(self.page.url),
                     author_photo=_web_url(photo, self.page.url),
                     title=title or page_title, content_html=content,
                     published_at=_when(_first_text(props, "published")))


def _strings(data: Any) -> Iterator[str]:
    """Every string value in parsed JSON, however deep (without recursion)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _entries(items: list[Any]) -> Iterator[dict[str, Any]]:
    """Every h-entry, in document order, also those inside an h-feed."""
    for item in items:
        if not isinstance(item, dict):
            continue
        if "h-entry" in (item.get("type") or []):
            yield item
        yield from _entries(item.get("children") or [])


def _choose_entry(entries: list[dict[str, Any]], source: str, final_url: str,
                  target: str) -> dict[str, Any] | None:
    """The h-entry that is the source page itself (its url), else one that answers the
    target, else the first."""
    for wanted in (normalise(source), normalise(final_url)):
        for entry in entries:
            if any(same_url(_url_of(u), wanted) for u in (entry.get("properties") or {}).get("url") or []):
                return entry
    key = normalise(target)
    for entry in entries:
        props = entry.get("properties") or {}
        answers = (v for p in ("in-reply-to", "like-of", "repost-of") for v in props.get(p) or [])
        if any(same_url(_url_of(v), key) for v in answers):
            return entry
    return entries[0] if entries else None


def _url_of(value: Any) -> str:
    """A u-* value: a string, {"value": url, "alt": ...}, or an embedded h-cite with a url."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        urls = (value.get("properties") or {}).get("url") or []
        if urls and isinstance(urls[0], str):
            return urls[0]
        inner = value.get("value")
        return inner if isinstance(inner, str) else ""
    return ""


def _first_text(props: dict[str, Any], name: str) -> str | None:
    values = props.get(name) or []
    if not values:
        return None
    value = values[0]
    if isinstance(value, dict):
        value = value.get("value")
    return value if isinstance(value, str) else None


def _author(props: dict[str, Any], items: list[Any], rels: dict[str, Any]) -> tuple[str | None, str | None,
                                                                                      str | None]:
    """(name, url, photo) of the entry's author: its author property (an h-card, a name or
    a URL), else the page's first h-card, else its rel="author" link."""
    cards = [a for a in props.get("author") or []]
    cards += [i for i in items if isinstance(i, dict) and "h-card" in (i.get("type") or [])]
    for card in cards:
        if isinstance(card, str):
            if card.startswith(("http://", "https://")):
                return None, card, None
            return card, None, None
        if isinstance(card, dict):
            inner = card.get("properties") or {}
            name = _first_text(inner, "name") or (card.get("value") if isinstance(card.get("value"), str)
                                                  else None)
            url = _url_of((inner.get("url") or [None])[0])
            photo = _url_of((inner.get("photo") or [None])[0])
            if name or url:
                return name, url or None, photo or None
    authors = rels.get("author") or []
    return None, authors[0] if authors else None, None


def _content(props: dict[str, Any]) -> str | None:
    """The entry's content as safe HTML; an excerpt of its text when it is long."""
    value = _first_content(props)
    if value is None:
        return None
    raw = value.get("html") if isinstance(value, dict) else None
    text = _content_text(props) or ""
    if raw is None:
        raw = html.escape(text)
    if len(raw) > MAX_CONTENT_HTML or len(text) > MAX_CONTENT_HTML // 2:
        excerpt = " ".join(text.split())
        if len(excerpt) > EXCERPT:
            excerpt = excerpt[:EXCERPT].rsplit(" ", 1)[0] + "…"
        return f"<p>{html.escape(excerpt)}</p>" if excerpt else None
    cleaned = sanitize(raw).strip()
    return cleaned or None


def _content_text(props: dict[str, Any]) -> str | None:
    value = _first_content(props)
    text = value.get("value") if isinstance(value, dict) else value
    return text if isinstance(text, str) else None


def _first_content(props: dict[str, Any]) -> Any:
    """The entry's first content (a summary when it has none): mf2's {html, value} or text."""
    values = props.get("content") or props.get("summary") or []
    return values[0] if values else None


def one_line(value: str | None, limit: int = 200) -> str | None:
    """One line of plain text (control and formatting characters dropped, runs of
    whitespace as one space), at most ``limit`` characters; None when nothing is left."""
    text = " ".join(CONTROL.sub("", value or "").split())
    if not text:
        return None
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _web_url(value: str | None, base: str) -> str | None:
    if not value:
        return None
    url = urljoin(base, value.strip())
    if web_parts(url) is None or len(url) > MAX_URL or BAD_URL_CHARS.search(url):
        return None
    return url


def _site_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme in DEFAULT_PORTS and parts.netloc else None


def _when(value: str | None) -> str | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return iso(moment.astimezone(UTC))
