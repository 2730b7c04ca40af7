"""The blog's feeds: /feed.atom and /feed.rss (the latest posts), /posts/{slug}/comments.atom.

The XML comes from `chatrecap.blog.feeds`; this router only finds what to show and keeps
the answer in the page cache (`chatrecap.web.pagecache`) under the key of what it shows:
the listed posts with their ``updated_at`` for the post feeds, the post's ``updated_at``
and ``comments_version`` for its comment feed. Feed readers poll, so a poll costs one
small query while nothing changed. Links are absolute, on ``--base-url``.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from chatrecap.blog import feeds, posts
from chatrecap.blog.posts import PUBLISHED
from chatrecap.store import Store
from chatrecap.web.app import Web, web_of
from chatrecap.web.deps import StoreDep
from chatrecap.web.public import page_cache

router = APIRouter()
_CURRENT_POST = "SELECT id, updated_at, comments_version FROM blog_posts WHERE slug = ? AND status = ?"


def site_of(web: Web) -> feeds.Site:
    return feeds.Site(web.settings.site_url, web.settings.site_title)


@router.get("/feed.atom")
def posts_atom(request: Request, store: StoreDep) -> Response:
    """The latest published posts as Atom 1.0."""
    return _posts_feed(request, store, "atom", feeds.posts_atom, feeds.ATOM_TYPE)


@router.get("/feed.rss")
def posts_rss(request: Request, store: StoreDep) -> Response:
    """The latest published posts as RSS 2.0."""
    return _posts_feed(request, store, "rss", feeds.posts_rss, feeds.RSS_TYPE)


def _posts_feed(request: Request, store: Store, kind: str,
                build: Callable[[feeds.Site, list[tuple[posts.BlogPost, str]]], bytes],
                media_type: str) -> Response:
    web = web_of(request)
    shown, _ = posts.published_posts(store, 1, feeds.POSTS_IN_FEED)
    key = tuple((p.id, p.updated_at) for p in shown)
    cache = page_cache(request)
    xml = cache.get(("feed", kind), key)
    if xml is None:
        xml = build(site_of(web), [(p, posts.published_body(store, p)) for p in shown])
        cache.put(("feed", kind), key, xml, len(xml))
    return Response(xml, media_type=media_type)


@router.get("/posts/{slug}/comments.atom")
def comments_atom(slug: str, request: Request, store: StoreDep) -> Response:
    """The approved comments on a published post, newest first, as Atom 1.0."""
    web = web_of(request)
    current = store.query(_CURRENT_POST, (slug, PUBLISHED))
    if not current:
        raise HTTPException(status_code=404, detail="There is no published post at this address.")
    post_id, updated_at, comments_version = current[0]
    cache = page_cache(request)
    name, key = ("comments-feed", slug), (post_id, updated_at, comments_version)
    xml = cache.get(name, key)
    if xml is None:
        post = posts.get_post(store, post_id=post_id)
        assert post is not None
        xml = feeds.comments_atom(site_of(web), post, feeds.approved_comments(store, post_id))
        cache.put(name, key, xml, len(xml))
    return Response(xml, media_type=feeds.ATOM_TYPE)
