"""Webmentions received, through the real app: the endpoint's checks (400, 429, 201 with a
status page), the durable verification job against another blog served on loopback, the
h-entry read as a reply, like, repost or mention, updates and removals (410, a vanished
link), the SSRF guard with the default settings, hostile content, moderation in the
admin area and the command line, the page showing them, and the same on PostgreSQL."""

from __future__ import annotations

import html
import re
import shutil
import sys
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import orjson
import pytest
from fastapi.testclient import TestClient
from other_blog import h_entry, running, wait_until
from test_web_comments import blog_db, executable_markup, free_port, parse, pg_blog  # noqa: F401 - fixtures

from chatrecap import cli
from chatrecap.blog import jobs, mentions, posts
from chatrecap.blog.auth import start_session
from chatrecap.blog.worker import run_due
from chatrecap.web.app import create_app
from chatrecap.web.deps import SESSION_COOKIE
from chatrecap.web.settings import load_settings

HANDLERS = {mentions.VERIFY: mentions.verify_job}


class Site:
    """Our blog (a copy of the published example) on settings that name its address."""

    def __init__(self, db, port: int | None = None, **settings) -> None:
        self.port = port or free_port()
        self.settings = load_settings(db=str(db), port=self.port, base_url=f"http://127.0.0.1:{self.port}",
                                      **{"fetch_allow": "127.0.0.0/8", **settings})
        self.app = create_app(self.settings)
        self.store = self.app.state.web.store()
        self.post = posts.all_posts(self.store)[0]
        self.target = f"{self.settings.site_url}/posts/{self.post.slug}"
        self.client = TestClient(self.app, base_url="https://testserver")
        token, self.admin = start_session(self.store, "host")
        self.admin_client = TestClient(self.app, base_url="https://testserver")
        self.admin_client.cookies.set(SESSION_COOKIE, token)

    def send(self, source: str, target: str | None = None, client=None, **extra):
        data = {"source": source, "target": self.target if target is None else target, **extra}
        return (client or self.client).post("/webmention", data=data)

    def verify(self) -> int:
        return run_due(self.store, self.settings, HANDLERS)

    def mention(self, source: str) -> mentions.Mention:
        [(mention_id,)] = self.store.query("SELECT id FROM mentions WHERE source = ?", (source,))
        found = mentions.get_mention(self.store, mention_id)
        assert found is not None
        return found

    def moderate(self, action: str, *ids: int, csrf: str | None = None):
        return self.admin_client.post("/admin/mentions", follow_redirects=False, data={
            "csrf": self.admin.csrf_token if csrf is None else csrf, "action": action,
            "ids": [str(i) for i in ids]})

    def page(self) -> str:
        answer = self.client.get(f"/posts/{self.post.slug}")
        assert answer.status_code == 200
        return answer.text

    def jobs(self) -> list[tuple]:
        return self.store.query("SELECT dedupe_key, status FROM jobs WHERE kind = ? ORDER BY id",
                                (mentions.VERIFY,))


@pytest.fixture
def site(tmp_path, blog_db) -> Site:  # noqa: F811
    shutil.copy(blog_db, tmp_path / "w.db")
    return Site(tmp_path / "w.db")


def mentions_section(page: str) -> str | None:
    """The HTML of the post page's mentions section, None when it shows none."""
    found = re.search(r'<section class="mentions" id="mentions".*?</section>', page, re.S)
    return found.group(0) if found else None


def words(fragment: str | None) -> str:
    """What a reader reads in ``fragment``: its text, tags and styles dropped."""
    fragment = re.sub(r"<style>.*?</style>", " ", fragment or "", flags=re.S)
    fragment = re.sub(r"</?(?:p|div|li|ol|ul|article|header|section|h\d|br)\b[^>]*>", " ", fragment)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def pieces(page: str, element: str, css_class: str) -> list[str]:
    """The text of each ``<element class="css_class">`` in the mentions section."""
    return [words(m) for m in re.findall(rf'<{element} class="{css_class}"[^>]*>(.*?)</{element}>',
                                         mentions_section(page) or "", re.S)]


# --- the endpoint's checks ----------------------------------------------------------------

def test_a_good_webmention_is_queued_and_answered_201_with_a_status_page(site, other):
    source = other.serve("/reply", h_entry(site.target))
    answer = site.send(source)
    assert answer.status_code == 201, answer.text
    status_url = answer.headers["location"]
    assert status_url.startswith(site.settings.site_url + "/webmention/")
    assert status_url in answer.text
    assert other.requests == []  # nothing is fetched while the sender waits
    mention = site.mention(source)
    assert (mention.status, mention.protocol, mention.post_id) == ("received", "webmention", site.post.id)
    assert site.jobs() == [(f"verify-mention:{mention.id}:0", "queued")]
    path = urlsplit(status_url).path
    state = site.client.get(path, headers={"Accept": "application/json"}).json()
    assert state == {"source": source, "target": site.target, "status": "queued",
                     "summary": "Received: the source will be checked for a link to the target shortly."}
    assert site.client.get(path).text.startswith("queued: ")
    assert site.client.get(path[:-3] + "abc").status_code == 404  # a forged status address


def _long(url: str) -> str:
    return url + "?q=" + "x" * 2100


@pytest.mark.parametrize("case, reason", [
    ({"source": None}, "The source is missing"),
    ({"target": ""}, "The target is missing"),
    ({"source": "not a url"}, "The source must be an http:// or https:// URL."),
    ({"source": "ftp://peer.example/post"}, "The source must be an http:// or https:// URL."),
    ({"source": "javascript:alert(1)"}, "The source must be an http:// or https:// URL."),
    ({"source": "http://"}, "The source is not a valid URL."),
    ({"source": "http://peer.example:99999/"}, "The source is not a valid URL."),
    ({"source": "http://user:secret@peer.example/"}, "must not carry a user name or password"),
    ({"source": "LONG"}, "The source URL is 2,"),
    ({"target": "LONG"}, "The target URL is 2,"),
    ({"source": "TARGET"}, "The source and the target are the same URL."),
    ({"source": "TARGET#comments"}, "The source and the target are the same URL."),
    ({"target": "https://elsewhere.example/posts/SLUG"}, "The target is not on this site"),
    ({"target": "SITE:1/posts/SLUG"}, "The target is not on this site"),
    ({"target": "SITE/tags/B2Bchat"}, "The target is not a post of this site"),
    ({"target": "SITE/"}, "The target is not a post of this site"),
    ({"target": "SITE/posts/no-such-post"}, "The target is not a published post of this site."),
])
def test_a_bad_webmention_gets_400_with_one_line_and_stores_nothing(site, case, reason):
    source, target = "https://peer.example/a-post", site.target
    site_host = site.settings.site_url.rsplit(":", 1)[0]
    values = {"source": source, "target": target}
    for name, value in case.items():
        if value == "LONG":
            value = _long(values[name])
        elif value is not None:
            value = (value.replace("TARGET", target).replace("SITE:1", site_host + ":1")
                     .replace("SITE", site.settings.site_url).replace("SLUG", site.post.slug))
        values[name] = value
    answer = site.client.post("/webmention", data={k: v for k, v in values.items() if v is not None})
    assert answer.status_code == 400, (case, answer.text)
    assert reason in answer.text
    assert answer.text.count("\n") == 1 and answer.headers["content-type"].startswith("text/plain")
    assert site.store.query("SELECT COUNT(*) FROM mentions")[0][0] == 0
    assert site.jobs() == []


def test_an_unpublished_post_and_a_form_that_is_not_urlencoded_get_400(site):
    posts.unpublish(site.store, site.post)
    answer = site.send("https://peer.example/a-post")
    assert answer.status_code == 400 and "not a published post" in answer.text
    posts.publish(site.store, site.post)
    answer = site.client.post("/webmention", json={"source": "https://peer.example/a-post",
                                                   "target": site.target})
    assert answer.status_code == 400 and "application/x-www-form-urlencoded" in answer.text
    big = site.client.post("/webmention", content=b"source=" + b"x" * 40_000,
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413


def test_a_flood_of_the_same_mention_queues_one_check_and_the_address_is_limited(site):
    source = "https://peer.example/flood"
    for _ in range(mentions.PER_IP_PER_HOUR):
        assert site.send(source).status_code == 201
    assert site.store.query("SELECT COUNT(*) FROM mentions")[0][0] == 1
    assert len(site.jobs()) == 1
    refused = site.send("https://peer.example/another")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "3600"
    assert "at most 60 an hour" in refused.text
    other_client = TestClient(site.app, base_url="https://testserver", client=("198.51.100.7", 5000))
    assert site.send("https://peer.example/another", client=other_client).status_code == 201


def test_post_pages_name_both_endpoints_in_headers_and_head_also_when_kept(site):
    for _ in range(2):  # rendered, then served from the page cache
        answer = site.client.get(f"/posts/{site.post.slug}")
        assert answer.headers["link"] == f'<{site.settings.site_url}/webmention>; rel="webmention"'
        assert answer.headers["x-pingback"] == f"{site.settings.site_url}/xmlrpc"
        head = answer.text.split("</head>", 1)[0]
        assert f'<link rel="webmention" href="{site.settings.site_url}/webmention">' in head
        assert f'<link rel="pingback" href="{site.settings.site_url}/xmlrpc">' in head
    assert site.app.state.page_cache.hits >= 1
    assert "POST source=URL&target=URL" in site.client.get("/webmention").text


# --- verification ---------------------------------------------------------------------------

def test_a_reply_is_verified_held_approved_and_shown_with_its_author(site, other):
    source = other.serve("/reply", h_entry(site.target, title="", content="<p>Good <em>recap</em>.</p>"))
    site.send(source)
    assert site.verify() == 1
    assert other.requests == ["/reply"]
    mention = site.mention(source)
    assert (mention.status, mention.kind, mention.author_name, mention.author_url) == (
        "pending", "reply", "Pat Peer", "https://pat.example/")
    assert mention.content_html == "<p>Good <em>recap</em>.</p>"
    assert mention.published_at == "2024-03-15T09:00:00.000000+00:00"
    assert mention.title == "Pat's blog"  # no name of its own: the page's title
    assert mentions_section(site.page()) is None  # held
    assert site.moderate("approve", mention.id).status_code == 303
    assert pieces(site.page(), "article", "mention-card") == [
        "Pat Peer replied 15 March 2024, 09:00 UTC Good recap."]
    card = parse(site.page()).find(f"mention-{mention.id}")
    links = [e.attrs for e in card.iter() if e.tag == "a"]
    assert {"href": "https://pat.example/", "rel": "nofollow ugc noopener"} in links
    assert any(a.get("href") == source for a in links)
    assert jobs.counts(site.store, mentions.VERIFY) == {"queued": 0, "done": 1, "failed": 0}


def test_likes_reposts_and_mentions_are_grouped(site, other):
    pages = {
        "/like": h_entry(site.target, kind="like-of", author="Lee Liker", author_url="https://lee.example/"),
        "/like2": h_entry(site.target, kind="like-of", author="Lou Liker", author_url="https://lou.example/"),
        "/repost": h_entry(site.target, kind="repost-of", author="Rae Reposter", author_url="https://rae.example/"),
        "/mention": h_entry(site.target, kind="", author="Max Mentioner", author_url="https://max.example/",
                            title="Chats worth reading", content="<p>A roundup.</p>"),
        "/plain": (f'<html><head><title>No microformats</title></head><body><a href="{site.target}">x</a>'
                   "</body></html>"),
    }
    for path, body in pages.items():
        site.send(other.serve(path, body))
    assert site.verify() == 5
    found = {m.source.rsplit("/", 1)[1]: m for m in mentions.list_mentions(site.store)}
    assert {k: (m.kind, m.author_name) for k, m in found.items()} == {
        "like": ("like", "Lee Liker"), "like2": ("like", "Lou Liker"), "repost": ("repost", "Rae Reposter"),
        "mention": ("mention", "Max Mentioner"), "plain": ("mention", "127.0.0.1")}
    assert found["mention"].title == "Chats worth reading"
    assert found["plain"].title == "No microformats" and found["plain"].content_html is None
    site.moderate("approve", *(m.id for m in found.values()))
    rows = pieces(site.page(), "p", "mention-row")
    assert rows == ["2 likes: Lee Liker, Lou Liker", "1 repost: Rae Reposter"]
    cards = pieces(site.page(), "article", "mention-card")
    assert cards[0].startswith("Max Mentioner mentioned this")
    assert "Chats worth reading A roundup." in cards[0]
    assert cards[1].startswith("127.0.0.1 mentioned this") and "No microformats" in cards[1]
    assert executable_markup(site.page()) == []


def test_a_resent_mention_is_checked_again_and_keeps_its_approval_only_with_the_same_author(site, other):
    source = other.serve("/reply", h_entry(site.target, content="<p>First words.</p>"))
    site.send(source)
    site.verify()
    mention = site.mention(source)
    site.moderate("approve", mention.id)
    version = posts.get_post(site.store, post_id=site.post.id).comments_version
    other.serve("/reply", h_entry(site.target, content="<p>Second thoughts.</p>"))
    assert site.send(source).status_code == 201
    assert [status for _, status in site.jobs()] == ["done", "queued"]  # a new check, not the old job
    site.verify()
    assert site.mention(source).status == "approved"
    assert "Second thoughts." in site.page() and "First words." not in site.page()
    assert posts.get_post(site.store, post_id=site.post.id).comments_version > version
    other.serve("/reply", h_entry(site.target, author="Someone Else", author_url="https://else.example/"))
    site.send(source)
    site.verify()
    assert site.mention(source).status == "pending"  # another author: moderated again
    assert mentions_section(site.page()) is None
    site.moderate("approve", site.mention(source).id)
    other.serve("/reply", h_entry(site.target, author="Someone Else", author_url="https://else.example/",
                                  content='<p>Cheap pills <a href="https://spam.example/">here</a></p>'))
    site.send(source)
    site.verify()
    assert site.mention(source).status == "pending"  # a link it did not have: moderated again
    assert "spam.example" not in site.page()
    site.moderate("approve", site.mention(source).id)
    other.serve("/reply", h_entry(site.target, kind="like-of", author="Someone Else",
                                  author_url="https://else.example/", content=""))
    site.send(source)
    site.verify()
    assert site.mention(source).status == "pending"  # a reply turned into a like: moderated again


def test_a_mention_resent_while_its_check_runs_is_checked_once_more(site, other):
    source = other.serve("/reply", h_entry(site.target))
    site.send(source)
    job = jobs.claim(site.store, mentions.VERIFY)
    site.store.execute("UPDATE mentions SET verifications = verifications + 1")  # the check has begun
    site.store.commit()
    site.send(source)  # the page may have changed after the check read it
    mention_id = site.mention(source).id
    assert [key for key, _ in site.jobs()] == [f"verify-mention:{mention_id}:{n}" for n in (0, 1)]
    jobs.done(site.store, job)


def test_a_moderators_click_during_the_fetch_stands(site, other):
    source = other.serve("/reply", h_entry(site.target))
    site.send(source)
    mention = site.mention(source)
    checked = mentions.check_source(site.settings, source, site.target)  # the fetch, still unrecorded
    assert checked.outcome == "ok"
    site.moderate("spam", mention.id)  # meanwhile, in the admin area
    assert mentions.record(site.store, mention.id, checked) == "spam"
    assert (site.mention(source).status, site.mention(source).author_name) == ("spam", "Pat Peer")


def test_a_gone_source_or_a_vanished_link_removes_the_mention(site, other):
    reply = other.serve("/reply", h_entry(site.target))
    mention_page = other.serve("/mention", h_entry(site.target, kind="", author="Max"))
    site.send(reply)
    site.send(mention_page)
    site.verify()
    site.moderate("approve", site.mention(reply).id, site.mention(mention_page).id)
    shown = words(mentions_section(site.page()))
    assert "Pat Peer" in shown and "Max" in shown
    other.serve("/reply", "Gone", status=410, content_type="text/plain")
    site.send(reply)
    site.verify()
    assert (site.mention(reply).status, site.mention(reply).error) == (
        "removed", "the source answered 410 Gone")
    other.serve("/mention", h_entry("https://elsewhere.example/", kind="", author="Max"))
    site.send(mention_page)
    site.verify()
    assert site.mention(mention_page).status == "removed"
    assert mentions_section(site.page()) is None
    for source in (reply, mention_page):
        token = site.app.state.web.signer.sign("mention-status", site.mention(source).id)
        assert site.client.get(f"/webmention/{token}").text.startswith("removed: ")
    assert site.moderate("approve", site.mention(reply).id).status_code == 303  # not verified any more
    assert site.mention(reply).status == "removed"


def test_a_source_that_never_linked_is_rejected_and_a_404_too(site, other):
    unlinked = other.serve("/unlinked", f"<html><body><!-- <a href='{site.target}'>hidden</a> --> "
                           f"&lt;a href='{site.target}'&gt;escaped&lt;/a&gt;<script>'{site.target}'</script>"
                           "</body></html>")
    missing = other.url("/missing")
    site.send(unlinked)
    site.send(missing)
    site.verify()
    assert (site.mention(unlinked).status, site.mention(unlinked).error) == (
        "rejected", "the source does not link to the target")
    assert (site.mention(missing).status, site.mention(missing).error) == (
        "rejected", "the source answered 404")
    text = other.serve("/note.txt", f"See {site.target} for the recap.", content_type="text/plain")
    data = other.serve("/data.json", orjson.dumps({"links": [{"href": site.target + "#top"}]}).decode(),
                       content_type="application/json")
    site.send(text)
    site.send(data)
    site.verify()
    assert site.mention(text).status == site.mention(data).status == "pending"


def test_a_source_over_the_size_cap_is_rejected_at_once_not_fetched_again(site, other):
    source = other.serve("/huge", h_entry(site.target) + " " * 1_100_000)
    site.send(source)
    site.verify()
    mention = site.mention(source)
    assert mention.status == "rejected" and "larger than 1000000 bytes" in mention.error
    assert "try again" not in mention.error
    assert site.store.query("SELECT COUNT(*) FROM jobs WHERE kind = ? AND status = 'queued'",
                            (mentions.VERIFY,))[0][0] == 0


def test_a_transient_failure_is_retried_later_and_then_passes(site, other):
    source = other.serve("/busy", "Busy", status=503, content_type="text/plain")
    site.send(source)
    site.verify()
    mention = site.mention(source)
    assert (mention.status, mention.error) == ("received", "the source answered 503; will try again")
    [(run_after, attempts, last_error)] = site.store.query(
        "SELECT run_after, attempts, last_error FROM jobs WHERE kind = ?", (mentions.VERIFY,))
    assert run_after > datetime.now(UTC).isoformat() and attempts == 1 and "503" in last_error
    assert site.verify() == 0  # not due yet
    other.serve("/busy", h_entry(site.target))
    site.store.execute("UPDATE jobs SET run_after = ?", ("2000-01-01T00:00:00.000000+00:00",))  # time passes
    site.store.commit()
    assert site.verify() == 1
    assert (site.mention(source).status, site.mention(source).error) == ("pending", None)


def test_a_source_that_keeps_failing_is_given_up_after_the_last_attempt(site, other):
    source = other.serve("/down", "Down", status=502, content_type="text/plain")
    site.send(source)
    for _ in range(mentions.VERIFY_ATTEMPTS):
        site.store.execute("UPDATE jobs SET run_after = ?", ("2000-01-01T00:00:00.000000+00:00",))
        site.store.commit()
        assert site.verify() == 1
    assert (site.mention(source).status, site.mention(source).error) == (
        "rejected", "the source answered 502; gave up")
    assert jobs.counts(site.store, mentions.VERIFY) == {"queued": 0, "done": 1, "failed": 0}


def test_with_the_default_settings_a_loopback_source_is_refused_and_nothing_is_shown(tmp_path, blog_db,  # noqa: F811
                                                                                       other):
    shutil.copy(blog_db, tmp_path / "w.db")
    site = Site(tmp_path / "w.db", fetch_allow="")
    source = other.serve("/reply", h_entry(site.target))
    answer = site.send(source)
    assert answer.status_code == 201  # the same answer as for any source: nothing is fetched yet
    site.verify()
    mention = site.mention(source)
    assert mention.status == "rejected"
    assert mention.error == "refused: 127.0.0.1: 127.0.0.1 is not a public address"
    assert other.requests == []
    status = site.client.get(urlsplit(answer.headers["location"]).path,
                             headers={"Accept": "application/json"})
    assert status.json()["status"] == "rejected"
    assert "127.0.0.1" not in status.json()["summary"] and "public" not in status.json()["summary"]
    assert site.moderate("approve", mention.id).status_code == 303
    assert site.mention(source).status == "rejected" and mentions_section(site.page()) is None


def test_hostile_content_is_sanitised_when_stored_and_shown(site, other):
    hostile = ('<p>Nice <script>alert(1)</script><img src=x onerror="alert(2)">'
               '<a href="javascript:alert(3)">click</a> '
               '<a href="https://ok.example/" onclick="alert(4)">ok</a>'
               '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style></p>')
    body = h_entry(site.target, author='<script>alert(5)</script>Eve', author_url="javascript:alert(6)",
                   content=hostile, page_title="<script>alert(7)</script>")
    source = other.serve("/hostile", body)
    site.send(source)
    site.verify()
    mention = site.mention(source)
    stored = mention.content_html
    for bad in ("<script", "onerror", "onclick", "javascript:", "<img", "<iframe", "<style", "alert(1)"):
        assert bad not in stored, bad
    assert '<a href="https://ok.example/" rel="nofollow ugc noopener">ok</a>' in stored
    assert mention.author_url == other.url("/")  # the site's address, not javascript:
    site.moderate("approve", mention.id)
    page = site.page()
    assert executable_markup(page) == []
    section = mentions_section(page)
    assert "Eve" in words(section) and "Nice click ok" in words(section)
    for bad in ("<script", "onerror", "onclick", "javascript:", "<img", "<iframe"):
        assert bad not in section, bad


def test_a_queued_check_survives_a_restart_and_a_new_app_runs_it(tmp_path, blog_db, other):  # noqa: F811
    shutil.copy(blog_db, tmp_path / "w.db")
    first = Site(tmp_path / "w.db")
    source = other.serve("/reply", h_entry(first.target))
    assert first.send(source).status_code == 201
    first.store.close()
    del first  # the server stops before it checked anything
    again = Site(tmp_path / "w.db")
    with again.client:  # a new app's lifespan starts its link worker, which finds the job
        wait_until(lambda: again.mention(source).status == "pending", what="the check of the stored job")
        assert again.app.state.link_worker is not None
    assert other.requests == ["/reply"]


# --- over real HTTP ---------------------------------------------------------------------------

def test_another_blog_replies_likes_reposts_mentions_then_removes_them_over_http(tmp_path, blog_db,  # noqa: F811
                                                                                   other):
    shutil.copy(blog_db, tmp_path / "w.db")
    site = Site(tmp_path / "w.db")
    with running(site.app, site.port) as base, httpx.Client(base_url=base) as web:
        admin = {"Cookie": f"{SESSION_COOKIE}={start_session(site.store, 'host')[0]}"}
        sources = {
            "/reply": h_entry(site.target, content="<p>Thanks for the recap!</p>"),
            "/like": h_entry(site.target, kind="like-of", author="Lee Liker", author_url="https://lee.example/"),
            "/repost": h_entry(site.target, kind="repost-of", author="Rae Reposter",
                               author_url="https://rae.example/"),
            "/mention": h_entry(site.target, kind="", author="Max Mentioner", author_url="https://max.example/",
                                title="This week's reading", content="<p>Worth a look.</p>"),
        }
        status_urls = {}
        for path, body in sources.items():
            answer = web.post("/webmention", data={"source": other.serve(path, body), "target": site.target})
            assert answer.status_code == 201, answer.text
            status_urls[path] = answer.headers["location"]

        def states() -> dict[str, str]:
            return {path: web.get(url, headers={"Accept": "application/json"}).json()["status"]
                    for path, url in status_urls.items()}

        wait_until(lambda: set(states().values()) == {"accepted"}, what="the worker's checks")
        queue = web.get("/admin/mentions?show=pending", headers=admin)
        assert queue.status_code == 200
        csrf = html.unescape(re.search(r'name="csrf" value="([^"]*)"', queue.text).group(1))
        ids = re.findall(r'name="ids" value="(\d+)" form="bulk"', queue.text)
        assert len(ids) == 4
        approved = web.post("/admin/mentions", headers=admin,
                            data={"csrf": csrf, "action": "approve", "ids": ids})
        assert approved.status_code == 303
        assert approved.headers["location"] == "/admin/mentions?done=approve&n=4"
        assert set(states().values()) == {"published"}
        page = web.get(f"/posts/{site.post.slug}").text
        section = words(mentions_section(page))
        for expected in ("1 like: Lee Liker", "1 repost: Rae Reposter", "Pat Peer replied",
                         "Thanks for the recap!", "Max Mentioner mentioned this", "This week's reading"):
            assert expected in section, expected
        assert executable_markup(page) == []

        other.serve("/reply", "This page was deleted.", status=410, content_type="text/plain")
        resent = web.post("/webmention", data={"source": other.url("/reply"), "target": site.target})
        assert resent.status_code == 201
        other.serve("/like", h_entry("https://elsewhere.example/", kind="like-of", author="Lee Liker"))
        resent = web.post("/webmention", data={"source": other.url("/like"), "target": site.target})
        assert resent.status_code == 201
        wait_until(lambda: states()["/reply"] == states()["/like"] == "removed", what="the removals")
        section = words(mentions_section(web.get(f"/posts/{site.post.slug}").text))
        assert "Pat Peer" not in section and "Lee Liker" not in section
        assert "1 repost: Rae Reposter" in section and "Max Mentioner" in section


# --- moderation -------------------------------------------------------------------------------

def test_the_moderation_queue_needs_a_login_and_the_forms_their_csrf_token(site, other):
    source = other.serve("/reply", h_entry(site.target))
    site.send(source)
    site.verify()
    mention = site.mention(source)
    assert site.client.get("/admin/mentions", follow_redirects=False).status_code == 303
    anonymous = site.client.post("/admin/mentions", follow_redirects=False,
                                 data={"csrf": "x", "action": "approve", "ids": [mention.id]})
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/admin/login")
    for token in ("", "forged" + site.admin.csrf_token[6:]):
        refused = site.moderate("approve", mention.id, csrf=token)
        assert refused.status_code == 403 and "did not come from this site" in refused.text
    no_token = site.admin_client.post("/admin/mentions", data={"action": "approve", "ids": [str(mention.id)]})
    assert no_token.status_code == 403
    assert site.mention(source).status == "pending"
    queue = site.admin_client.get("/admin/mentions").text
    assert "1 mention is waiting for moderation." in queue and "Pat Peer" in queue and source in queue
    assert site.moderate("spam", mention.id).headers["location"] == "/admin/mentions?done=spam&n=1"
    assert site.mention(source).status == "spam"
    other.serve("/reply", h_entry(site.target, content="<p>Sent again.</p>"))
    site.send(source)
    site.verify()
    assert site.mention(source).status == "spam"  # spam stays spam when sent again
    site.moderate("delete", mention.id)
    assert site.mention(source).status == "deleted" and mentions_section(site.page()) is None
    assert "Deleted: 1 mention." in site.admin_client.get("/admin/mentions?done=delete&n=1").text


def test_mentions_on_the_command_line(site, other, monkeypatch, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["chatrecap", *args, "--db", site.settings.db])
        with pytest.raises(SystemExit) as stopped:
            cli.main()
        captured = capsys.readouterr()
        return stopped.value.code or 0, captured.out, captured.err

    verified = other.serve("/reply", h_entry(site.target))
    unverified = "https://peer.example/not-checked-yet"
    site.send(verified)
    site.verify()
    site.send(unverified)
    first, second = site.mention(verified).id, site.mention(unverified).id
    code, out, _ = run("mentions", "list", "--format", "json")
    rows = orjson.loads(out)
    assert code == 0 and [(r["id"], r["status"], r["kind"], r["author"]) for r in rows] == [
        (first, "pending", "reply", "Pat Peer"), (second, "received", None, None)]
    assert list(rows[0]) == ["id", "post", "protocol", "kind", "status", "source", "author", "title",
                             "received_at", "error"]
    code, out, _ = run("mentions", "list", "--pending")
    assert code == 0 and "Pat Peer" in out and "not-checked-yet" not in out
    code, out, err = run("mentions", "approve", str(first), str(second), "99")
    assert code == 2 and f"Approved: {first}." in out
    assert f"No verified mention {second}, 99" in err
    assert "Pat Peer" in site.page()
    code, out, _ = run("mentions", "spam", str(second))
    assert code == 0 and f"Marked as spam: {second}." in out
    code, out, _ = run("mentions", "delete", str(first))
    assert code == 0 and mentions_section(site.page()) is None


# --- PostgreSQL -------------------------------------------------------------------------------

def test_receiving_verifying_and_moderating_work_on_postgresql(pg_blog, other):  # noqa: F811
    site = Site(pg_blog)
    source = other.serve("/reply", h_entry(site.target))
    for _ in range(3):
        assert site.send(source).status_code == 201
    assert len(site.jobs()) == 1
    assert site.verify() == 1
    mention = site.mention(source)
    assert (mention.status, mention.kind, mention.author_name) == ("pending", "reply", "Pat Peer")
    site.moderate("approve", mention.id)
    assert "Pat Peer" in site.page()
    site.send(source)
    assert [status for _, status in site.jobs()] == ["done", "queued"]
    other.serve("/reply", "Gone", status=410, content_type="text/plain")
    site.verify()
    assert site.mention(source).status == "removed" and mentions_section(site.page()) is None
    site.store.close()
