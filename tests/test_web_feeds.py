"""The blog's feeds as a feed reader sees them: Atom and RSS of the posts, Atom of a post's comments.

Each feed is read twice: by feedparser (it must parse without complaint, ``bozo`` false)
and by ElementTree, which gives back the exact text, to check the escaping. The workspace
is test_web_public's: the bundled example published, the site at https://recaps.example.org.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import feedparser
import pytest
import test_web_public as public
from test_web_public import SITE, Page, add_post

from chatrecap.blog import posts
from chatrecap.render.markup import markdown_to_html
from chatrecap.store import Store, iso

published_workspace = public.published_workspace
site = public.site

A = "{http://www.w3.org/2005/Atom}"
HOST = "recaps.example.org"
NASTY = '<script>alert("x")</script> & <b>bold</b> ]]> \'quoted\''
START = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def parsed(response) -> feedparser.FeedParserDict:
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def add_comment(store: Store, slug: str, name: str, text: str, status: str = "approved",
                when: datetime | None = None) -> int:
    """A comment as moderation left it (with an address), then the bump that makes pages stale."""
    post = posts.get_post(store, slug=slug)
    assert post is not None
    stamp = iso(when or datetime.now(UTC))
    store.execute(
        "INSERT INTO comments (post_id, parent_id, depth, author_name, author_email, author_url, email_key, "
        "is_author, body_markdown, body_html, status, notify_replies, ip, user_agent, content_hash, "
        "created_at, updated_at) VALUES (?, NULL, 0, ?, ?, 'https://reader.example.net/', ?, ?, ?, ?, ?, ?, "
        "'127.0.0.1', 'test', ?, ?, ?)",
        (post.id, name, f"{name.lower()}@secret-mail.example", "key", False, text, markdown_to_html(text),
         status, False, f"hash-{name}-{stamp}", stamp, stamp))
    [(comment_id,)] = store.query("SELECT max(id) FROM comments")
    posts.bump_comments(store, post.id)
    store.commit()
    return comment_id


def small_posts(store: Store) -> dict[str, str]:
    """Three published posts, a draft and an unpublished one: {slug: status}."""
    made = {}
    for n, status in enumerate([posts.PUBLISHED, posts.DRAFT, posts.PUBLISHED, posts.UNPUBLISHED,
                                posts.PUBLISHED], start=1):
        made[add_post(store, n, START + timedelta(days=n), ["Small", f"topic {n}"], status)] = status
    return made


def expected_order(store: Store) -> list[posts.BlogPost]:
    shown, _ = posts.published_posts(store, 1, 20)
    return shown


def test_atom_feed_lists_the_published_posts_with_absolute_links(site):
    client, store, _ = site
    small_posts(store)
    response = client.get("/feed.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = parsed(response)
    assert feed.version == "atom10"
    assert feed.feed.title == "Chat recaps"
    links = {(x.rel, x.href) for x in feed.feed.links}
    assert links == {("self", f"{SITE}/feed.atom"), ("alternate", f"{SITE}/")}
    want = expected_order(store)
    assert len(want) == 4  # the example and three small ones; no draft, nothing unpublished
    assert [e.title for e in feed.entries] == [p.title for p in want]
    assert "small-chat-2" not in response.text and "small-chat-4" not in response.text
    root = ET.fromstring(response.content)
    for entry, element, post in zip(feed.entries, root.findall(f"{A}entry"), want, strict=True):
        assert entry.link == f"{SITE}/posts/{post.slug}"
        published = datetime.fromisoformat(post.published_at)
        assert entry.id == f"tag:{HOST},{published.date().isoformat()}:posts/{post.id}"
        assert element.findtext(f"{A}published") == f"{published:%Y-%m-%dT%H:%M:%S}Z"
        assert entry.published_parsed[:6] == published.timetuple()[:6]
        assert entry.updated_parsed[:6] == datetime.fromisoformat(post.updated_at).timetuple()[:6]
        assert entry.author == "Chat recaps"
        assert [t.term for t in entry.tags] == post.tags
        assert entry.summary == post.summary
        content = element.find(f"{A}content")
        assert content.get("type") == "html"
        assert content.text == posts.published_body(store, post)  # the stored HTML, exactly
    newest = max(p.updated_at for p in want)
    assert root.findtext(f"{A}updated") == f"{datetime.fromisoformat(newest):%Y-%m-%dT%H:%M:%S}Z"


def test_rss_feed_lists_the_published_posts(site):
    client, store, _ = site
    small_posts(store)
    response = client.get("/feed.rss")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    feed = parsed(response)
    assert feed.version == "rss20"
    assert feed.feed.link == f"{SITE}/"
    assert any(x.rel == "self" and x.href == f"{SITE}/feed.rss" for x in feed.feed.links)
    want = expected_order(store)
    assert [e.title for e in feed.entries] == [p.title for p in want]
    channel = ET.fromstring(response.content).find("channel")
    for entry, item, post in zip(feed.entries, channel.findall("item"), want, strict=True):
        assert entry.link == f"{SITE}/posts/{post.slug}"
        assert entry.id.startswith(f"tag:{HOST},") and entry.id.endswith(f":posts/{post.id}")
        assert item.find("guid").get("isPermaLink") == "false"
        published = datetime.fromisoformat(post.published_at)
        assert item.findtext("pubDate") == published.strftime("%a, %d %b %Y %H:%M:%S GMT")
        assert entry.published_parsed[:6] == published.timetuple()[:6]
        assert entry.author == "Chat recaps"
        assert [t.term for t in entry.tags] == post.tags
        assert item.findtext("description") == post.summary
        body = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
        assert body == posts.published_body(store, post)


def test_feeds_hold_the_latest_twenty_posts(site):
    client, store, _ = site
    for n in range(1, 26):
        add_post(store, n, START + timedelta(hours=n), [])
    want = [p.title for p in expected_order(store)]
    assert len(want) == 20  # the example (published today), then the newest small ones
    assert want[1] == "Small chat number 25" and want[-1] == "Small chat number 7"
    assert [e.title for e in parsed(client.get("/feed.atom")).entries] == want
    assert [e.title for e in parsed(client.get("/feed.rss")).entries] == want


def test_markup_in_titles_tags_and_summaries_is_escaped(site):
    client, store, _ = site
    # \x0b cannot be in XML at all: it is dropped.
    slug = add_post(store, 1, datetime.now(UTC), [NASTY], title=NASTY + "\x0b")
    store.execute("UPDATE blog_posts SET summary = ? WHERE slug = ?", (NASTY, slug))
    store.commit()
    for path in ("/feed.atom", "/feed.rss"):
        response = client.get(path)
        assert b"<script>" not in response.content and b"<b>" not in response.content
        feed = parsed(response)
        assert feed.entries[0].title == NASTY
        root = ET.fromstring(response.content)
        entry = root.find(f"{A}entry") if path.endswith("atom") else root.find("channel/item")
        assert entry.findtext(f"{A}title" if path.endswith("atom") else "title") == NASTY
        assert entry.findtext(f"{A}summary" if path.endswith("atom") else "description") == NASTY
        assert feed.entries[0].tags[0].term == NASTY


def test_comment_feed_has_the_approved_comments_newest_first_without_addresses(site):
    client, store, slug = site
    first = add_comment(store, slug, "Ada", "First, with *emphasis*.", when=START)
    add_comment(store, slug, "Spammer", "Buy things.", status="spam", when=START + timedelta(minutes=1))
    add_comment(store, slug, "Waiting", "Held for moderation.", status="pending",
                when=START + timedelta(minutes=2))
    nasty = add_comment(store, slug, "Mallory <img src=x onerror=alert(1)>", NASTY,
                        when=START + timedelta(minutes=3))
    add_comment(store, slug, "Gone", "Deleted.", status="deleted", when=START + timedelta(minutes=4))
    response = client.get(f"/posts/{slug}/comments.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = parsed(response)
    post = posts.get_post(store, slug=slug)
    assert feed.feed.title == f"Comments on {post.title}"
    assert {(x.rel, x.href) for x in feed.feed.links} == {
        ("self", f"{SITE}/posts/{slug}/comments.atom"), ("alternate", f"{SITE}/posts/{slug}")}
    assert [e.author for e in feed.entries] == ["Mallory <img src=x onerror=alert(1)>", "Ada"]
    assert [e.link for e in feed.entries] == [f"{SITE}/posts/{slug}#comment-{nasty}",
                                              f"{SITE}/posts/{slug}#comment-{first}"]
    assert feed.entries[1].id == f"tag:{HOST},2026-03-01:comments/{first}"
    assert feed.entries[1].published_parsed[:6] == START.timetuple()[:6]
    text = response.text
    for absent in ("secret-mail", "@", "reader.example.net", "127.0.0.1",
                   "Buy things", "Held for", "Deleted."):
        assert absent not in text
    assert "<script>" not in text and "<img" not in text
    contents = [e.findtext(f"{A}content") for e in ET.fromstring(response.content).findall(f"{A}entry")]
    assert contents == [markdown_to_html(NASTY), markdown_to_html("First, with *emphasis*.")]
    assert "<script>" not in contents[0]  # the stored, sanitised HTML: the script is text in it


def test_comment_feed_holds_at_most_fifty(site):
    client, store, slug = site
    for n in range(55):
        add_comment(store, slug, f"Reader{n}", f"Comment {n}.", when=START + timedelta(minutes=n))
    entries = parsed(client.get(f"/posts/{slug}/comments.atom")).entries
    assert len(entries) == 50 and entries[0].author == "Reader54" and entries[-1].author == "Reader5"


def test_comment_feed_of_an_unpublished_or_unknown_post_is_not_found(site):
    client, store, slug = site
    draft = add_post(store, 1, START, [], posts.DRAFT)
    gone = add_post(store, 2, START, [], posts.UNPUBLISHED)
    for name in (draft, gone, "no-such-post"):
        response = client.get(f"/posts/{name}/comments.atom")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/plain")
    post = posts.get_post(store, slug=slug)
    posts.unpublish(store, post)
    assert client.get(f"/posts/{slug}/comments.atom").status_code == 404
    assert slug not in client.get("/feed.atom").text and slug not in client.get("/feed.rss").text


def test_kept_feeds_are_replaced_when_posts_or_comments_change(site):
    client, store, slug = site
    atom, rss = client.get("/feed.atom").content, client.get("/feed.rss").content
    assert client.get("/feed.atom").content == atom  # the same bytes every time
    assert client.get("/feed.rss").content == rss
    comments = client.get(f"/posts/{slug}/comments.atom").content
    assert client.get(f"/posts/{slug}/comments.atom").content == comments
    add_post(store, 1, datetime.now(UTC), [])
    assert [e.title for e in parsed(client.get("/feed.atom")).entries][0] == "Small chat number 1"
    assert [e.title for e in parsed(client.get("/feed.rss")).entries][0] == "Small chat number 1"
    add_comment(store, slug, "Late", "A new comment.")
    assert [e.author for e in parsed(client.get(f"/posts/{slug}/comments.atom")).entries] == ["Late"]


def test_an_empty_blog_has_valid_empty_feeds(site):
    client, store, slug = site
    posts.unpublish(store, posts.get_post(store, slug=slug))
    assert parsed(client.get("/feed.atom")).entries == []
    assert parsed(client.get("/feed.rss")).entries == []


@pytest.mark.parametrize("page", ["index", "post", "tag", "second page", "share"])
def test_every_page_links_the_feeds(site, page):
    client, store, slug = site
    for n in range(1, 11):
        add_post(store, n, START + timedelta(hours=n), ["Small"])
    path = {"index": "/", "post": f"/posts/{slug}", "tag": "/tags/B2Bchat", "second page": "/?page=2",
            "share": f"/share/mastodon/{slug}"}[page]
    response = client.get(path)
    assert response.status_code == 200
    html = Page(response.text)
    alternates = {(x["type"], x["href"]) for x in html.links if x.get("rel") == "alternate"}
    assert ("application/atom+xml", f"{SITE}/feed.atom") in alternates
    assert ("application/rss+xml", f"{SITE}/feed.rss") in alternates
    comments_feed = ("application/atom+xml", f"{SITE}/posts/{slug}/comments.atom")
    assert (comments_feed in alternates) == (page == "post")
    assert html.anchor("/feed.atom") == "/feed.atom"  # the visible link in the footer
    assert ">Feed</a>" in response.text


def test_error_pages_link_the_feeds_too(site):
    client, _, _ = site
    response = client.get("/posts/no-such-post")
    assert response.status_code == 404
    links = Page(response.text).links
    assert any(x.get("rel") == "alternate" and x["href"] == f"{SITE}/feed.atom" for x in links)


def test_robots_and_sitemap_are_unchanged_by_the_feeds(site):
    client, _, slug = site
    robots = client.get("/robots.txt").text
    assert robots == ("User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /share/\n\n"
                      f"Sitemap: {SITE}/sitemap.xml\n")
    sitemap = client.get("/sitemap.xml").text
    assert f"{SITE}/posts/{slug}</loc>" in sitemap
    assert "feed" not in sitemap and ".atom" not in sitemap and ".rss" not in sitemap
