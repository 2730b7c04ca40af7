"""The public blog: the index, a post's page with its comments, tag pages, sitemap.xml, robots.txt.

Pages are rendered on the server and need no JavaScript. A post's page is the body
rendered when it was published (never the recap again), its comment thread and a fresh
comment form. It is the page readers hit at once when a recap is shared, so it is kept
rendered in memory (`chatrecap.web.pagecache`) in two halves around the form: a request
costs one indexed query that says whether the kept page is still the current one, a fresh
form (its signed token must never be shared between readers) and a join of bytes.
Absolute URLs (canonical, Open Graph, sitemap) use the site's public address, ``--base-url``.
"""

from __future__ import annotations

import math
import re
from datetime import UTC
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from chatrecap.blog import posts
from chatrecap.blog.posts import PUBLISHED, BlogPost
from chatrecap.render import _common as c
from chatrecap.store import Store
from chatrecap.web import comments, mentions, subscriptions
from chatrecap.web.app import Web, web_of
from chatrecap.web.deps import StoreDep
from chatrecap.web.pagecache import PageCache

PER_PAGE = 10
HTML = "text/html; charset=utf-8"
# Where each request's own comment form goes into a kept post page.
FORM_PLACE = "<!-- chatrecap: the comment form -->"
# The form inside holds a token made for one reader: no shared cache may keep the page.
_POST_HEADERS = {"Cache-Control": "private, no-cache"}
_CURRENT_POST = "SELECT id, updated_at, comments_version FROM blog_posts WHERE slug = ? AND status = ?"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_INSTANCE = re.compile(rf"^(?=.{{4,253}}$){_LABEL}(?:\.{_LABEL})+$")  # a host name with a dot

router = APIRouter()


def page_cache(request: Request) -> PageCache:
    """This app's cache of rendered public pages (one per server process)."""
    state = request.app.state
    cache = getattr(state, "page_cache", None)
    if cache is None:
        cache = state.page_cache = PageCache()
    return cache


# --- a post ----------------------------------------------------------------------------

async def post_page(request: Request) -> Response:
    """A published post. async: the check that the kept page is current takes microseconds
    and runs right here; only a miss renders, in the threadpool, once for all waiting.
    A plain route (added below), not FastAPI's: with nothing to validate or inject, that
    machinery was a tenth of the page's CPU."""
    web = web_of(request)
    slug = request.path_params["slug"]
    current = web.store().query(_CURRENT_POST, (slug, PUBLISHED))
    if not current:
        return _gone_or_404(request, web, slug)
    post_id, updated_at, comments_version = current[0]
    kept = await page_cache(request).get_or_render(
        ("post", slug), (post_id, updated_at, comments_version),
        lambda: run_in_threadpool(_render_post, web, slug))
    if kept is None:  # unpublished between the check and the rendering
        raise HTTPException(status_code=404)
    post, head, tail = kept
    form = comments.form_html(request, web, post, request.query_params.get("replytocom"))
    return Response(head + form.encode() + subscriptions.with_form_token(request, tail), media_type=HTML,
                    headers={**_POST_HEADERS, **mentions.endpoint_headers(web)})


router.add_route("/posts/{slug}", post_page, methods=["GET"])


def _gone_or_404(request: Request, web: Web, slug: str) -> Response:
    """An unpublished post answers 410 Gone (so the sites it linked to, told by a
    webmention, drop their mention of it); a slug never published is simply not found."""
    withdrawn = "SELECT 1 FROM blog_posts WHERE slug = ? AND status = ? AND published_at IS NOT NULL"
    if not web.store().query(withdrawn, (slug, posts.UNPUBLISHED)):
        raise HTTPException(status_code=404)
    return web.render(request, "post_gone.html", status_code=410, headers={"Cache-Control": "no-cache"})


def _render_post(web: Web, slug: str) -> tuple[tuple[BlogPost, bytes, bytes] | None, int]:
    """The post's page without its comment form, split where the form goes."""
    store = web.store()
    post = posts.get_post(store, slug=slug)
    if post is None or not post.is_public:
        return None, 0
    url = web.url(f"/posts/{post.slug}")
    page = web.templates.get_template("post.html").render(
        request=None, post=post, url=url, summary=post.summary or "", dates=_dates(post),
        tags=_tag_links(post.tags), share=share_links(post, url),
        body=Markup(posts.published_body(store, post)),
        thread=Markup(comments.thread_html(store, web, post)),
        mentions=Markup(mentions.mentions_html(store, web, post)), form=Markup(FORM_PLACE))
    head, found, tail = page.encode().partition(FORM_PLACE.encode())
    assert found, "post.html must place {{ form }}"
    return (post, head, tail), len(head) + len(tail)


def share_links(post: BlogPost, url: str) -> list[tuple[str, str]]:
    """(network, link) for sharing a post; every value URL-encoded, none needs JavaScript.

    Mastodon has no central site to send a reader to: the link opens our own page that asks
    for the reader's server and then links to that server's /share page (see mastodon_share).
    """
    title, summary = post.title, post.summary or ""
    return [
        ("X", f"https://twitter.com/intent/tweet?text={_q(title)}&url={_q(url)}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={_q(url)}"),
        ("Mastodon", f"/share/mastodon/{post.slug}"),
        ("Bluesky", f"https://bsky.app/intent/compose?text={_q(f'{title} {url}')}"),
        ("Email", f"mailto:?subject={_q(title)}&body={_q(f'{summary}{chr(10) * 2}{url}'.strip())}"),
    ]


@router.get("/share/mastodon/{slug}", response_class=HTMLResponse)
def mastodon_share(slug: str, request: Request, store: StoreDep,
                   instance: str | None = None) -> HTMLResponse:
    """Share on the reader's own Mastodon server, without JavaScript and without a third party.

    A form asks for the server; the answer is a page with a plain link to its /share page
    (not a redirect: the site's Content-Security-Policy limits where a form may lead, a
    link is not limited)."""
    web = web_of(request)
    post = posts.get_post(store, slug=slug)
    if post is None or not post.is_public:
        raise HTTPException(status_code=404)
    url = web.url(f"/posts/{post.slug}")
    server, error, link = mastodon_server(instance), None, None
    if server:
        link = f"https://{server}/share?text={_q(f'{post.title} {url}')}"
    elif instance:
        error = f"{instance.strip()[:100]!r} is not a server name: type it like mastodon.social."
    return web.render(request, "share_mastodon.html", status_code=400 if error else 200,
                      headers={"X-Robots-Tag": "noindex"}, post=post, url=url, link=link,
                      server=server or (instance or "").strip()[:100], error=error)


def mastodon_server(typed: str | None) -> str | None:
    """The server's host name from what a reader types: mastodon.social, https://mastodon.social/,
    or their whole address @me@mastodon.social; None if it is not a host name."""
    text = (typed or "").strip().lower()
    text = text.removeprefix("https://").removeprefix("http://").split("/", 1)[0]
    text = text.rsplit("@", 1)[-1]
    return text if _INSTANCE.match(text) else None


# --- lists of posts --------------------------------------------------------------------

@router.get("/")
def index(request: Request, store: StoreDep) -> Response:
    return _listing(request, store, None)


@router.get("/tags/{tag:path}")
def tag_page(tag: str, request: Request, store: StoreDep) -> Response:
    return _listing(request, store, tag)


def _listing(request: Request, store: Store, tag: str | None) -> Response:
    """A page of published posts, newest first; kept rendered while its posts are unchanged."""
    web = web_of(request)
    page = _page_number(request.query_params.get("page"))
    shown, total = posts.published_posts(store, page, PER_PAGE, tag)
    pages = max(1, math.ceil(total / PER_PAGE))
    if page > pages or (tag is not None and not shown):
        raise HTTPException(status_code=404)
    cache = page_cache(request)
    name = ("list", tag.lower() if tag is not None else None, page)
    key = (total, tuple((p.id, p.updated_at) for p in shown))
    html = cache.get(name, key)
    if html is None:
        label = next((t for t in shown[0].tags if t.lower() == tag.lower()), tag) if tag is not None else None
        base = f"/tags/{_q(label)}" if label is not None else "/"

        def address(n: int) -> str:
            return base if n == 1 else f"{base}?page={n}"

        html = web.templates.get_template("tag.html" if label is not None else "index.html").render(
            request=None, tag=label, page=page, pages=pages, total=total,
            items=[{"post": p, "dates": _dates(p), "tags": _tag_links(p.tags)} for p in shown],
            canonical=web.url(address(page)),
            prev_url=address(page - 1) if page > 1 else None,
            next_url=address(page + 1) if page < pages else None,
            prev_abs=web.url(address(page - 1)) if page > 1 else None,
            next_abs=web.url(address(page + 1)) if page < pages else None,
        ).encode()
        cache.put(name, key, html, len(html))
    return Response(subscriptions.with_form_token(request, html), media_type=HTML)


def _page_number(value: str | None) -> int:
    if value is None:
        return 1
    if not value.isdigit() or not 1 <= int(value) <= 100_000:
        raise HTTPException(status_code=404)
    return int(value)


# --- for search engines ----------------------------------------------------------------

@router.get("/sitemap.xml")
def sitemap(request: Request, store: StoreDep) -> Response:
    """Every published post, the index and each tag's page, with absolute URLs (sitemaps.org)."""
    web = web_of(request)
    published, _ = posts.published_posts(store, 1, 1_000_000)
    entries: dict[str, str] = {}  # path -> lastmod; the index first
    tags: dict[str, tuple[str, str]] = {}  # lower-cased tag -> (as first written, lastmod)
    for post in published:
        entries[f"/posts/{post.slug}"] = post.updated_at
        for tag in post.tags:
            label, newest = tags.get(tag.lower(), (tag, post.updated_at))
            tags[tag.lower()] = (label, max(newest, post.updated_at))
    newest_post = max(entries.values(), default=None)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path, lastmod in [("/", newest_post),
                          *sorted(entries.items()),
                          *sorted((f"/tags/{_q(label)}", when) for label, when in tags.values())]:
        stamp = f"<lastmod>{w3c(lastmod)}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(web.url(path))}</loc>{stamp}</url>")
    lines.append("</urlset>\n")
    return Response("\n".join(lines), media_type="application/xml")


@router.get("/robots.txt")
def robots(request: Request) -> PlainTextResponse:
    """Everything public may be crawled; the admin area and the share helper may not."""
    web = web_of(request)
    return PlainTextResponse("User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /share/\n\n"
                             f"Sitemap: {web.url('/sitemap.xml')}\n")


# --- shared by the pages ---------------------------------------------------------------

def w3c(stored: str) -> str:
    """A stored time as a W3C/HTML date-time to the second: 2026-11-26T10:04:05+00:00."""
    return c.parse_time(stored).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def _dates(post: BlogPost) -> dict[str, Any]:
    published = post.published_at or post.updated_at
    return {"published": w3c(published), "published_text": c.long_date(published),
            "updated": w3c(post.updated_at), "updated_text": c.long_date(post.updated_at),
            "was_updated": post.updated_at > published}


def _tag_links(tags: list[str]) -> list[tuple[str, str]]:
    return [(tag, f"/tags/{_q(tag)}") for tag in tags]


def _q(value: str) -> str:
    return quote(value, safe="")
