"""The public blog as a reader and a search engine see it: index, post page, tags, sitemap, robots.txt.

The bundled example is imported and published once; each test gets its own copy of that
workspace and an app over it, with the site's public address https://recaps.example.org.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from importlib.resources import as_file, files
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import orjson
import pytest
from fastapi.testclient import TestClient

from chatrecap.analysis.sessions import find_sessions
from chatrecap.blog import posts
from chatrecap.importer import import_file
from chatrecap.recap.overrides import Overrides
from chatrecap.render.markup import markdown_to_html
from chatrecap.sources.base import ReadOptions
from chatrecap.store import Store, iso, open_store
from chatrecap.web.app import create_app
from chatrecap.web.public import mastodon_server
from chatrecap.web.settings import load_settings

SITE = "https://recaps.example.org"
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def published_workspace(tmp_path_factory) -> tuple[Path, str]:
    """A workspace with the example chat imported and its recap published: (db, slug)."""
    db = tmp_path_factory.mktemp("published") / "w.db"
    with as_file(files("chatrecap") / "examples" / "b2bchat-example.jsonl") as path, open_store(db) as store:
        import_file(store, Path(path), "twarc2", ReadOptions(chat="#B2Bchat"))
        session = find_sessions(store, "#B2Bchat")[-1]
        post = posts.publish(store, posts.draft(store, session))
    return db, post.slug


@pytest.fixture
def site(published_workspace, tmp_path):
    """(client, store, slug) over a fresh copy of the published workspace."""
    source, slug = published_workspace
    db = tmp_path / "w.db"
    shutil.copy(source, db)
    client = TestClient(create_app(load_settings(db=str(db), base_url=SITE)), base_url="https://testserver")
    with open_store(db) as store:
        yield client, store, slug


class Page(HTMLParser):
    """What the tests read in a page: meta tags, links with their rel, elements by id."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.anchors: list[dict[str, str]] = []
        self.ids: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta.setdefault(a.get("property") or a["name"], []).append(a.get("content", ""))
        elif tag == "link":
            self.links.append(a)
        elif tag == "a" and "href" in a:
            self.anchors.append(a)
        if "id" in a:
            self.ids.append(a["id"])

    def link(self, rel: str) -> str | None:
        return next((x["href"] for x in self.links if x.get("rel") == rel), None)

    def anchor(self, text_in_href: str) -> str:
        return next(x["href"] for x in self.anchors if text_in_href in x["href"])


def add_post(store: Store, n: int, published_at: datetime, tags: list[str], status: str = posts.PUBLISHED,
             title: str | None = None) -> str:
    """A small blog post written straight into the table (cheaper than a recap)."""
    slug = f"small-chat-{n}"
    stamp = iso(published_at)
    store.execute(
        "INSERT INTO blog_posts (session_id, chat, slug, title, tags, status, recap, body_html, summary, "
        "published_at, updated_at, created_at, comments_version) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        (f"small-{n}", "#Small", slug, title or f"Small chat number {n}", orjson.dumps(tags).decode(), status,
         None, f"<article class='recap'><h1>Small chat number {n}</h1><p>Body of chat {n}.</p></article>",
         f"Summary of chat {n}.", stamp if status != posts.DRAFT else None, stamp, stamp))
    store.commit()
    return slug


def add_approved_comment(store: Store, slug: str, name: str, text: str) -> None:
    """An approved comment as moderation leaves it, then the version bump that makes pages stale."""
    post = posts.get_post(store, slug=slug)
    assert post is not None
    now = iso(datetime.now(UTC))
    store.execute(
        "INSERT INTO comments (post_id, parent_id, depth, author_name, author_email, author_url, email_key, "
        "is_author, body_markdown, body_html, status, notify_replies, ip, user_agent, content_hash, "
        "created_at, updated_at) VALUES (?, NULL, 0, ?, ?, NULL, ?, ?, ?, ?, 'approved', ?, '127.0.0.1', "
        "'test', ?, ?, ?)",
        (post.id, name, "reader@example.org", "reader@example.org", False, text, markdown_to_html(text),
         False, f"hash-{name}", now, now))
    posts.bump_comments(store, post.id)
    store.commit()


def test_index_lists_the_published_recap(site):
    client, store, slug = site
    post = posts.get_post(store, slug=slug)
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert f'<a href="/posts/{slug}">{post.title.replace("&", "&amp;")}</a>' in response.text
    assert post.summary and post.summary[:60] in response.text
    assert '<a href="/tags/B2Bchat" rel="tag">#B2Bchat</a>' in response.text
    published = datetime.fromisoformat(post.published_at)
    assert f'<time datetime="{published:%Y-%m-%dT%H:%M:%S}+00:00">' in response.text
    page = Page(response.text)
    assert page.link("canonical") == f"{SITE}/"
    assert page.link("next") is None and page.link("prev") is None


def test_post_page_has_the_published_body_canonical_and_social_tags(site):
    client, store, slug = site
    post = posts.get_post(store, slug=slug)
    url = f"{SITE}/posts/{slug}"
    response = client.get(f"/posts/{slug}")
    assert response.status_code == 200
    body = posts.published_body(store, post)
    assert body and body in response.text  # the body rendered at publish time, byte for byte
    page = Page(response.text)
    assert page.link("canonical") == url
    published = datetime.fromisoformat(post.published_at).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert page.meta["og:type"] == ["article"]
    assert page.meta["og:url"] == [url]
    assert page.meta["og:title"] == [post.title] == page.meta["twitter:title"]
    assert page.meta["og:description"] == [post.summary] == page.meta["twitter:description"]
    assert page.meta["og:site_name"] == ["Chat recaps"]
    assert page.meta["article:published_time"] == [published]
    assert page.meta["article:tag"] == ["B2Bchat"]
    assert page.meta["twitter:card"] == ["summary"]
    assert f'<time datetime="{published}">' in response.text
    # The comments come at the end of the post: the thread, then the form.
    text = response.text
    assert text.index(body) < text.index('id="comments"') < text.index('id="respond"')
    assert f'action="/posts/{slug}/comments"' in response.text


def test_share_links_are_url_encoded(site):
    client, store, slug = site
    post = posts.get_post(store, slug=slug)
    assert "[#" in post.title  # the example's title has characters a URL must encode
    url = f"{SITE}/posts/{slug}"
    page = Page(client.get(f"/posts/{slug}").text)

    def query(href: str) -> dict[str, str]:
        assert " " not in href and "#" not in href  # encoded, not raw
        return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}

    x = page.anchor("twitter.com/intent/tweet")
    assert x.startswith("https://twitter.com/intent/tweet?") and query(x) == {"text": post.title, "url": url}
    linkedin = page.anchor("linkedin.com")
    assert linkedin.startswith("https://www.linkedin.com/sharing/share-offsite/?")
    assert query(linkedin) == {"url": url}
    bluesky = page.anchor("bsky.app")
    assert bluesky.startswith("https://bsky.app/intent/compose?")
    assert query(bluesky) == {"text": f"{post.title} {url}"}
    mail = page.anchor("mailto:")
    assert "+" not in mail  # a mail client reads + literally: spaces are %20
    assert query(mail) == {"subject": post.title, "body": f"{post.summary}\n\n{url}"}
    assert page.anchor("/share/mastodon/") == f"/share/mastodon/{slug}"


def test_mastodon_share_page_links_to_the_readers_server(site):
    client, store, slug = site
    post = posts.get_post(store, slug=slug)
    asked = client.get(f"/share/mastodon/{slug}")
    assert asked.status_code == 200 and 'name="instance"' in asked.text
    answered = client.get(f"/share/mastodon/{slug}", params={"instance": "@me@Fosstodon.org"})
    link = Page(answered.text).anchor("https://fosstodon.org/share?")
    assert parse_qs(urlsplit(link).query) == {"text": [f"{post.title} {SITE}/posts/{slug}"]}
    wrong = client.get(f"/share/mastodon/{slug}", params={"instance": "not a server"})
    assert wrong.status_code == 400 and "is not a server name" in wrong.text
    assert client.get("/share/mastodon/no-such-post").status_code == 404


@pytest.mark.parametrize(("typed", "server"), [
    ("mastodon.social", "mastodon.social"), (" https://Mastodon.Social/@someone ", "mastodon.social"),
    ("@me@hachyderm.io", "hachyderm.io"), ("localhost", None), ("javascript:alert(1)", None), ("", None),
    ("evil.example/share?x=", "evil.example"),
])
def test_mastodon_server_names(typed, server):
    assert mastodon_server(typed) == server


def test_pagination_ten_a_page_with_rel_links(site):
    client, store, slug = site
    start = datetime(2025, 1, 1, tzinfo=UTC)
    slugs = [add_post(store, n, start + timedelta(days=n), ["Small"]) for n in range(11)]  # 12 in all
    first = client.get("/")
    items = re.findall(r'<h2><a href="/posts/([^"]+)">', first.text)
    assert items == [slug] + slugs[::-1][:9]  # the example was published today: newest
    page = Page(first.text)
    assert page.link("next") == f"{SITE}/?page=2" and page.link("prev") is None
    assert 'href="/?page=2" rel="next"' in first.text and "Page 1 of 2" in first.text
    second = client.get("/?page=2")
    assert re.findall(r'<h2><a href="/posts/([^"]+)">', second.text) == slugs[1::-1]
    page = Page(second.text)
    assert page.link("prev") == f"{SITE}/" and page.link("next") is None
    assert page.link("canonical") == f"{SITE}/?page=2"
    for past in ("/?page=3", "/?page=0", "/?page=two"):
        assert client.get(past).status_code == 404


def test_drafts_and_unknown_posts_are_not_found_and_unpublished_ones_are_gone(site):
    client, store, slug = site
    draft = add_post(store, 1, datetime(2025, 1, 1, tzinfo=UTC), ["Small"], status=posts.DRAFT)
    assert client.get(f"/posts/{slug}").status_code == 200  # kept in the page cache now
    posts.unpublish(store, posts.get_post(store, slug=slug))
    for path in (f"/posts/{draft}", "/posts/no-such-recap", f"/share/mastodon/{draft}",
                 f"/share/mastodon/{slug}"):
        assert client.get(path).status_code == 404, path
    assert "There is no page at this address." in client.get(f"/posts/{draft}").text
    gone = client.get(f"/posts/{slug}")  # 410: the sites it linked to drop their mentions of it
    assert gone.status_code == 410 and "no longer published" in gone.text
    assert slug not in client.get("/").text and draft not in client.get("/").text
    assert client.get("/tags/Small").status_code == 404  # its only post is a draft
    sitemap = client.get("/sitemap.xml").text
    assert slug not in sitemap and draft not in sitemap


def test_tag_pages_list_the_posts_with_the_tag(site):
    client, store, slug = site
    other = add_post(store, 1, datetime(2025, 1, 1, tzinfo=UTC), ["Content Marketing", "Small"])
    response = client.get("/tags/B2Bchat")
    assert response.status_code == 200
    assert f'href="/posts/{slug}"' in response.text and other not in response.text
    assert "Recaps tagged #B2Bchat" in response.text
    assert Page(response.text).link("canonical") == f"{SITE}/tags/B2Bchat"
    assert f'href="/posts/{slug}"' in client.get("/tags/b2bchat").text  # any case
    spaced = client.get("/").text
    assert '<a href="/tags/Content%20Marketing" rel="tag">#Content Marketing</a>' in spaced
    assert other in client.get("/tags/Content%20Marketing").text
    assert client.get("/tags/nothing-like-this").status_code == 404
    assert client.get("/tags/B2Bchat?page=2").status_code == 404


def test_sitemap_lists_every_public_page_with_absolute_urls(site):
    client, store, slug = site
    other = add_post(store, 1, datetime(2025, 1, 1, tzinfo=UTC), ["Content Marketing"])
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP_NS}urlset"
    entries = {u.findtext(f"{SITEMAP_NS}loc"): u.findtext(f"{SITEMAP_NS}lastmod") for u in root}
    assert set(entries) == {f"{SITE}/", f"{SITE}/posts/{slug}", f"{SITE}/posts/{other}",
                            f"{SITE}/tags/B2Bchat", f"{SITE}/tags/Content%20Marketing"}
    post = posts.get_post(store, slug=slug)
    assert entries[f"{SITE}/posts/{slug}"] == datetime.fromisoformat(post.updated_at).strftime(
        "%Y-%m-%dT%H:%M:%S+00:00")
    assert entries[f"{SITE}/"] == entries[f"{SITE}/posts/{slug}"]  # the newest post's
    assert entries[f"{SITE}/posts/{other}"] == "2025-01-01T00:00:00+00:00"


def test_robots_txt_allows_all_but_the_admin_and_names_the_sitemap(site):
    client, _, _ = site
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert lines[:3] == ["User-agent: *", "Allow: /", "Disallow: /admin"]
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def test_kept_page_is_replaced_after_an_edit_and_a_republish(site):
    client, store, slug = site
    post = posts.get_post(store, slug=slug)
    assert post.title in unquote(client.get(f"/posts/{slug}").text.replace("&amp;", "&"))
    posts.save_overrides(store, post, Overrides(title="Trust is earned slowly", tags=["B2Bchat"]))
    assert "<title>Trust is earned slowly · Chat recaps</title>" in client.get(f"/posts/{slug}").text
    edits = Overrides(title="Trust is earned slowly", tags=["B2Bchat"], intro="A **new** introduction.")
    posts.save_overrides(store, post, edits)
    # Not published yet: the public page keeps the body of the last publish.
    assert "A <strong>new</strong> introduction." not in client.get(f"/posts/{slug}").text
    first_published = "2025-01-02T10:00:00.000000+00:00"  # republishing keeps the first date
    store.execute("UPDATE blog_posts SET published_at = ? WHERE id = ?", (first_published, post.id))
    store.commit()
    republished = posts.publish(store, posts.get_post(store, slug=slug))
    page = client.get(f"/posts/{slug}").text
    assert "A <strong>new</strong> introduction." in page
    updated = datetime.fromisoformat(republished.updated_at).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert Page(page).meta["article:published_time"] == ["2025-01-02T10:00:00+00:00"]
    assert Page(page).meta["article:modified_time"] == [updated]
    assert '<time datetime="2025-01-02T10:00:00+00:00">Thursday 2 January 2025</time>' in page
    assert f'Updated <time datetime="{updated}">' in page


def test_kept_page_is_replaced_when_the_comments_change(site):
    client, store, slug = site
    first = client.get(f"/posts/{slug}").text
    assert "No comments yet" in first
    cache = client.app.state.page_cache
    hits = cache.hits
    assert client.get(f"/posts/{slug}").status_code == 200 and cache.hits == hits + 1
    add_approved_comment(store, slug, "Ada Reader", "The *second* takeaway matched our numbers.")
    page = client.get(f"/posts/{slug}").text
    assert "Ada Reader" in page and "The <em>second</em> takeaway matched our numbers." in page
    assert "1 comment" in page


def test_every_reader_gets_a_fresh_comment_form(site):
    client, store, slug = site
    add_approved_comment(store, slug, "Ada Reader", "Agreed.")
    [(comment_id,)] = store.query("SELECT id FROM comments WHERE author_name = 'Ada Reader'")
    plain = client.get(f"/posts/{slug}").text
    replying = client.get(f"/posts/{slug}", params={"replytocom": comment_id}).text
    assert f'<input type="hidden" name="parent" value="{comment_id}">' not in plain
    assert f'<input type="hidden" name="parent" value="{comment_id}">' in replying
    assert "Reply to Ada Reader" in replying
    tokens = [re.search(r'name="token" value="([^"]+)"', page).group(1) for page in (plain, replying)]
    assert tokens[0] != tokens[1]
    assert client.get(f"/posts/{slug}").headers["cache-control"] == "private, no-cache"


def test_page_cache_keeps_at_most_its_size_and_renders_a_page_once_for_many_readers():
    import asyncio

    from chatrecap.web.pagecache import PageCache

    cache = PageCache(max_bytes=1000)
    for n in range(5):
        cache.put(("post", n), ("v", 1), b"x" * 300, 300)
    assert cache.size <= 1000 and cache.get(("post", 0), ("v", 1)) is None  # the oldest went first
    assert cache.get(("post", 4), ("v", 1)) == b"x" * 300
    assert cache.get(("post", 4), ("v", 2)) is None  # another version of the post: not this page

    renders = 0

    async def render() -> tuple[bytes, int]:
        nonlocal renders
        renders += 1
        await asyncio.sleep(0.01)
        return b"page", 4

    async def fifty_readers() -> list[bytes]:
        return await asyncio.gather(*(cache.get_or_render("p", 1, render) for _ in range(50)))

    assert asyncio.run(fifty_readers()) == [b"page"] * 50 and renders == 1


def test_every_answer_carries_the_security_headers(site):
    """Pages, feeds, errors and refusals alike: the policy holds wherever a page comes from."""
    from chatrecap.web.app import SECURITY_HEADERS

    client, _, _ = site
    answers = [client.get("/"), client.get("/feed.atom"), client.get("/posts/no-such-post"),
               client.post("/subscribe", content=b"a" * (2 << 20),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})]
    assert [a.status_code for a in answers] == [200, 200, 404, 413]
    for answer in answers:
        for name, value in SECURITY_HEADERS.items():
            assert answer.headers.get(name) == value, (answer.request.url, name)
    assert "default-src 'none'" in SECURITY_HEADERS["Content-Security-Policy"]
    assert SECURITY_HEADERS["Strict-Transport-Security"].startswith("max-age=")


def test_a_site_with_a_time_zone_publishes_its_recaps_in_it(published_workspace, tmp_path):
    """time_zone = "America/New_York": a published recap says 13:00 EST, not 18:00 UTC."""
    from chatrecap.blog import publishing

    source, slug = published_workspace
    db = tmp_path / "w.db"
    shutil.copy(source, db)
    settings = load_settings(db=str(db), base_url=SITE, time_zone="America/New_York")
    utc, eastern = re.compile(r"\d\d:\d\d UTC"), re.compile(r"\d\d:\d\d E[SD]T")
    with open_store(db) as store:
        post = posts.get_post(store, slug=slug)
        before = posts.published_body(store, post)
        publishing.publish(store, settings, post)
        after = posts.published_body(store, post)
    assert utc.search(before) and not eastern.search(before)
    assert eastern.search(after) and not utc.search(after) and "times are America/New_York" in after
