"""Subscriptions through the real web app and a real mail server (aiosmtpd on loopback):
the box on every page, double opt-in by following the link in the message, the consent
record, the mail-out on a post's first publish, one-click unsubscribe (RFC 8058), the
same answer whatever an address's state, the admin's export and deletion, and mail
that is never sent twice: refusals retried, a broken hand-off left in doubt, a lost
claim not sent, one connection for many messages."""

from __future__ import annotations

import asyncio
import re
import secrets
import shutil
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import orjson
import pytest
from conftest import smtp_server
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from itsdangerous.timed import TimestampSigner
from test_web_comments import blog_db, free_port, html_of, parse, pg_blog, smtp, text_of  # noqa: F401 - fixtures

from chatrecap.blog import jobs, posts, publishing
from chatrecap.blog import subscriptions as lib
from chatrecap.blog.auth import start_session
from chatrecap.blog.mail import MAIL, Courier, deliver_due
from chatrecap.store import open_store
from chatrecap.web import subscriptions as web_subscriptions
from chatrecap.web.app import create_app
from chatrecap.web.deps import SESSION_COOKIE
from chatrecap.web.settings import load_settings

SITE = "https://recaps.example.org"
CLI = [sys.executable, "-c", "from chatrecap.cli import main; main()"]


# --- the site under test ----------------------------------------------------------------

def new_post(store, n: int) -> posts.BlogPost:
    """Another post, a draft never published (a copy of the example's recap)."""
    [(source,)] = store.query("SELECT MIN(id) FROM blog_posts")
    store.execute(
        "INSERT INTO blog_posts (session_id, chat, slug, title, tags, status, recap, summary, updated_at, "
        "created_at, comments_version) SELECT ?, chat, ?, ?, tags, ?, recap, summary, updated_at, "
        "created_at, 0 FROM blog_posts WHERE id = ?",
        (f"later-{n}", f"later-post-{n}", f"Later post {n}", posts.DRAFT, source))
    store.execute("INSERT INTO recap_overrides (session_id, chat, overrides, updated_at) VALUES (?, ?, ?, ?)",
                  (f"later-{n}", "#B2Bchat", orjson.dumps({"title": f"Later post {n}"}).decode(),
                   "2024-01-01T00:00:00.000000+00:00"))
    store.commit()
    return posts.get_post(store, slug=f"later-post-{n}")


class Blog:
    """The app over a copy of the blog, a visitor's client and the logged-in admin's."""

    def __init__(self, db: Path | str, **settings) -> None:
        self.settings = load_settings(db=str(db), **{"min_fill_seconds": 0, "base_url": SITE,
                                                     "site_title": "B2B recaps", **settings})
        self.app = create_app(self.settings)
        self.web = self.app.state.web
        self.store = self.web.store()
        self.client = TestClient(self.app, base_url="https://testserver")
        self.admin_client = TestClient(self.app, base_url="https://testserver")
        token, self.admin = start_session(self.store, "host")
        self.admin_client.cookies.set(SESSION_COOKIE, token)
        self.posts = 0

    def token(self, path: str = "/", age: float = 60.0) -> str:
        return self.web.signer.sign(lib.FORM_PURPOSE, [path, time.time() - age, secrets.token_urlsafe(12)])

    def subscribe(self, address: str, token: str | None = None, client=None, **fields):
        data = {"subscribe_token": self.token() if token is None else token, "address": address, "url2": "",
                **fields}
        return (client or self.client).post("/subscribe", data=data, follow_redirects=False,
                                            headers={"user-agent": "Test reader 1.0"})

    def deliver(self) -> int:
        return deliver_due(self.store, self.settings, limit=100_000)

    def publish_new(self) -> posts.BlogPost:
        """Publish a new post through the admin's button (its first publish)."""
        self.posts += 1
        post = new_post(self.store, self.posts)
        answer = self.admin_client.post(f"/admin/posts/{post.id}/publish",
                                        data={"csrf": self.admin.csrf_token}, follow_redirects=False)
        assert answer.status_code == 303, answer.text[:300]
        return posts.get_post(self.store, post_id=post.id)

    def status(self, address: str) -> str | None:
        found = lib.find(self.store, address)
        return found.status if found else None


@pytest.fixture
def blog(tmp_path, blog_db, smtp) -> Blog:  # noqa: F811 - the imported fixtures
    shutil.copy(blog_db, tmp_path / "w.db")
    made = Blog(tmp_path / "w.db", smtp=smtp.url)
    made.inbox = smtp
    return made


def link_in(message: EmailMessage, path: str) -> str:
    """The link to ``path`` in the plain text of a message, as a reader would copy it."""
    found = re.search(rf"{re.escape(SITE)}{re.escape(path)}\?token=\S+", text_of(message))
    assert found, text_of(message)
    return found.group(0)


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def confirm_by_mail(blog: Blog, address: str) -> None:
    """Subscribe, read the confirmation message, open its link and press the button."""
    assert blog.subscribe(address).status_code == 200
    blog.deliver()
    message = [m for m in blog.inbox.messages if m["To"] == address][-1]
    page = blog.client.get(local(link_in(message, "/subscription/confirm")))
    token = next(e.attrs["value"] for e in parse(page.text).iter() if e.attrs.get("name") == "token")
    assert blog.client.post("/subscription/confirm", data={"token": token}).status_code == 200


def box_token(page: str) -> str:
    return re.search(r'name="subscribe_token" value="([^"]+)"', page).group(1)


# --- the box -----------------------------------------------------------------------------

def test_every_public_page_has_the_box_with_a_fresh_token_and_the_admin_area_has_none(blog):
    slug = posts.all_posts(blog.store)[0].slug
    for path in ("/", f"/posts/{slug}", "/tags/B2Bchat", "/share/mastodon/" + slug):
        first, second = blog.client.get(path).text, blog.client.get(path).text  # the second from the cache
        for page in (first, second):
            box = page.split('class="subscribe-box"')[1].split("</aside>")[0]
            assert lib.SUBSCRIBE_TEXT in box and 'action="/subscribe"' in box and 'method="post"' in box
            assert f'value="{web_subscriptions.TOKEN_PLACE}"' not in page
        assert box_token(first) != box_token(second), path
        assert blog.web.signer.unsign(lib.FORM_PURPOSE, box_token(second), 60)[0] == path
    for path in ("/admin", "/admin/comments", "/admin/subscribers"):
        page = blog.admin_client.get(path)
        assert page.status_code == 200 and "subscribe-box" not in page.text, path


def test_a_kept_page_gets_its_token_in_the_box_even_if_a_visitor_wrote_the_placeholder(blog):
    place = web_subscriptions.TOKEN_PLACE
    kept = f"<p>A comment quoting {place}</p><form><input value=\"{place}\"></form>".encode()
    request = type("Request", (), {"app": blog.app, "url": urlsplit("https://testserver/posts/x")})()
    page = web_subscriptions.with_form_token(request, kept).decode()
    assert page.startswith(f"<p>A comment quoting {place}</p>")
    token = re.search(r'value="([^"]+)"', page).group(1)
    assert blog.web.signer.unsign(lib.FORM_PURPOSE, token, 60)[0] == "/posts/x"


def test_the_box_refuses_a_foreign_form_a_script_and_a_flood_with_one_line(blog):
    forged = blog.subscribe("ann@example.org", token="forged" + blog.token()[6:])
    assert forged.status_code == 403 and "did not come from this site" in forged.text
    assert 'value="ann@example.org"' in forged.text  # the form again, with what was typed
    fast = Blog(blog.settings.db, min_fill_seconds=3)
    too_fast = fast.subscribe("ann@example.org", token=fast.token(age=0.5))
    assert too_fast.status_code == 400 and "faster than people type" in too_fast.text
    wrong = blog.subscribe("ann at example")
    assert wrong.status_code == 400 and "is not an email address" in wrong.text
    caught = blog.subscribe("bot@example.org", url2="https://spam.example")  # the honeypot
    assert caught.status_code == 200 and "Check your inbox" in caught.text
    assert blog.store.query("SELECT COUNT(*) FROM subscribers")[0][0] == 0
    assert blog.store.query("SELECT COUNT(*) FROM jobs")[0][0] == 0
    answers = [blog.subscribe(f"reader{n}@example.org").status_code for n in range(12)]
    assert answers[:6] == [200] * 6 and answers[-1] == 429  # 10 an hour from one address, all counted
    assert "at most 10 an hour" in blog.subscribe("late@example.org").text


def test_a_box_token_is_taken_once(blog):
    token = box_token(blog.client.get("/").text)
    fields = {"subscribe_token": token, "address": "ann@example.org", "url2": ""}
    assert blog.client.post("/subscribe", data=fields).status_code == 200
    again = blog.client.post("/subscribe", data={**fields, "address": "bob@example.org"})
    assert again.status_code == 403 and "sent already" in again.text
    assert blog.store.query("SELECT email FROM subscribers") == [("ann@example.org",)]
    # A refused request spends nothing: sent again mended, the same form is taken.
    token = box_token(blog.client.get("/").text)
    assert blog.client.post("/subscribe", data={**fields, "subscribe_token": token,
                                                "address": "not an address"}).status_code == 400
    assert blog.client.post("/subscribe", data={**fields, "subscribe_token": token,
                                                "address": "cy@example.org"}).status_code == 200


# --- double opt-in and the consent record -----------------------------------------------

def test_a_reader_confirms_by_following_the_link_in_the_message_and_consent_is_recorded(blog):
    box = blog.client.get("/").text
    fields = {"subscribe_token": box_token(box), "address": "Ann@Example.org", "url2": ""}
    answer = blog.client.post("/subscribe", data=fields, headers={"user-agent": "Reader/1.0"})
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    assert "Ann@Example.org" not in answer.text
    assert blog.status("ann@example.org") == lib.PENDING
    assert blog.deliver() == 1
    [message] = blog.inbox.messages
    assert message["To"] == "Ann@Example.org"
    assert message["Subject"] == "Confirm your subscription to B2B recaps"
    assert message["Message-ID"].endswith("@recaps.example.org>")
    link = link_in(message, "/subscription/confirm")
    assert f'href="{link}"' in html_of(message)
    assert "example.org" not in urlsplit(link).query.lower()  # the link does not carry the address

    page = blog.client.get(local(link))
    assert page.status_code == 200 and lib.CONFIRM_BUTTON in page.text
    assert "Send every new post of B2B recaps to Ann@Example.org?" in page.text
    assert blog.status("ann@example.org") == lib.PENDING  # a GET (a mail scanner) confirms nothing
    token = next(e.attrs["value"] for e in parse(page.text).iter() if e.attrs.get("name") == "token")
    done = blog.client.post("/subscription/confirm", data={"token": token},
                            headers={"user-agent": "Reader/1.0"})
    assert done.status_code == 200 and "every new post will be sent to you" in done.text
    assert blog.status("ann@example.org") == lib.CONFIRMED

    records = blog.store.query("SELECT action, email, form, text_shown, ip, user_agent, at FROM consents "
                               "ORDER BY id")
    assert [r[:6] for r in records] == [
        ("subscribe", "Ann@Example.org", "subscribe box on /", lib.SUBSCRIBE_TEXT, "testclient",
         "Reader/1.0"),
        ("confirm", "Ann@Example.org", "confirmation page",
         f"Send every new post of B2B recaps to Ann@Example.org? [{lib.CONFIRM_BUTTON}]", "testclient",
         "Reader/1.0")]
    assert all(r[6] for r in records)


def test_the_answer_and_the_work_are_the_same_whatever_the_address(blog):
    confirm_by_mail(blog, "confirmed@example.org")
    assert blog.subscribe("pending@example.org").status_code == 200
    confirm_by_mail(blog, "gone@example.org")
    blog.publish_new()
    blog.deliver()
    gone_post = [m for m in blog.inbox.messages if m["To"] == "gone@example.org"][-1]
    blog.client.post(local(link_in(gone_post, "/subscription/unsubscribe")))
    assert blog.status("gone@example.org") == lib.UNSUBSCRIBED

    answers = {address: blog.subscribe(address) for address in
               ("new@example.org", "pending@example.org", "confirmed@example.org", "gone@example.org")}
    bodies = {a.content for a in answers.values()}
    assert len(bodies) == 1 and {a.status_code for a in answers.values()} == {200}

    # The same statements, whatever the state: nothing to time.
    statements = {}
    for address in ("fresh@example.org", "pending@example.org", "confirmed@example.org", "gone@example.org"):
        seen: list[str] = []
        blog.store.conn.set_trace_callback(seen.append)
        lib.subscribe(blog.store, blog.settings, address, form="test", ip="192.0.2.1", user_agent="t")
        blog.store.conn.set_trace_callback(None)
        statements[address] = [re.sub(r"'[^']*'|\b\d+\b", "?", s) for s in seen]
    assert len({tuple(s) for s in statements.values()}) == 1, statements

    before = len(blog.inbox.messages)
    blog.deliver()
    mails = {m["To"]: m for m in blog.inbox.messages[before:]}
    assert "It is subscribed already" in text_of(mails["confirmed@example.org"])
    assert "/subscription/confirm?token=" in text_of(mails["pending@example.org"])
    assert "/subscription/confirm?token=" in text_of(mails["gone@example.org"])  # may come back, by asking


def test_at_most_three_confirmation_messages_a_day_reach_one_address(blog):
    for _ in range(5):
        assert blog.subscribe("target@example.org").status_code == 200
    assert blog.deliver() == 3
    assert blog.store.query("SELECT COUNT(*) FROM consents WHERE action = 'subscribe'")[0][0] == 5


def test_a_forged_an_expired_and_an_outdated_link_each_get_a_clear_page(blog, monkeypatch):
    forged = blog.client.get("/subscription/confirm?token=forged")
    assert forged.status_code == 403 and "This confirmation link is not valid" in forged.text
    assert blog.client.post("/subscription/confirm", data={"token": "forged"}).status_code == 403
    assert blog.client.get("/subscription/unsubscribe?token=x.y.z").status_code == 403
    assert blog.client.post("/subscription/unsubscribe?token=x.y.z").status_code == 403

    blog.subscribe("ann@example.org")
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - 8 * 24 * 3600)
    blog.deliver()  # the link is written when the message is sent: here, 8 days ago
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    link = local(link_in(blog.inbox.messages[-1], "/subscription/confirm"))
    expired = blog.client.get(link)
    assert expired.status_code == 400 and "This confirmation link has expired (links work for 7 days)" \
        in expired.text and "subscribe again" in expired.text
    assert blog.client.post(link).status_code == 400
    assert blog.status("ann@example.org") == lib.PENDING

    # A link made before the reader unsubscribed no longer confirms.
    blog.subscribe("bob@example.org")
    blog.deliver()
    old_link = local(link_in(blog.inbox.messages[-1], "/subscription/confirm"))
    confirm_by_mail(blog, "bob@example.org")
    bob = lib.find(blog.store, "bob@example.org")
    stop = lib.unsubscribe_token(blog.web.signer, bob)
    assert blog.client.post(f"/subscription/unsubscribe?token={stop}").status_code == 200
    outdated = blog.client.post(old_link)
    assert outdated.status_code == 403 and "no longer applies" in outdated.text
    assert blog.status("bob@example.org") == lib.UNSUBSCRIBED


# --- the mail-out -------------------------------------------------------------------------

def test_a_first_publish_mails_each_confirmed_subscriber_once_and_later_publishes_nobody(blog):
    confirm_by_mail(blog, "ann@example.org")
    confirm_by_mail(blog, "bob@example.org")
    blog.subscribe("pending@example.org")
    blog.deliver()
    before = len(blog.inbox.messages)
    post = blog.publish_new()
    assert jobs.counts(blog.store, MAIL)["queued"] == 2
    assert blog.deliver() == 2
    messages = blog.inbox.messages[before:]
    assert sorted(m["To"] for m in messages) == ["ann@example.org", "bob@example.org"]
    assert len({m["Message-ID"] for m in messages}) == 2
    for message in messages:
        assert message["Subject"] == post.title == "Later post 1"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        stop = link_in(message, "/subscription/unsubscribe")
        assert message["List-Unsubscribe"] == f"<{stop}>"
        assert f"{SITE}/posts/{post.slug}" in text_of(message) and post.summary[:60] in text_of(message)
        body = html_of(message)
        assert f'<a href="{SITE}/posts/{post.slug}">Later post 1</a>' in body
        assert "<script" not in body
        other = "bob@example.org" if message["To"] == "ann@example.org" else "ann@example.org"
        assert other not in message.as_string()

    # Publishing again after an edit, or unpublishing and publishing again, mails nobody.
    for path in ("publish", "unpublish", "publish"):
        blog.admin_client.post(f"/admin/posts/{post.id}/{path}", data={"csrf": blog.admin.csrf_token})
    assert lib.mail_out(blog.store, blog.settings, post) == 0  # and the same post is never queued twice
    assert blog.deliver() == 0
    assert len(blog.inbox.messages) == before + 2


def test_one_click_unsubscribe_needs_no_cookie_and_answers_the_same_for_anyone(blog):
    confirm_by_mail(blog, "ann@example.org")
    blog.publish_new()
    blog.deliver()
    stop = link_in(blog.inbox.messages[-1], "/subscription/unsubscribe")
    page = blog.client.get(local(stop))
    assert page.status_code == 200 and lib.UNSUBSCRIBE_BUTTON in page.text
    assert blog.status("ann@example.org") == lib.CONFIRMED  # the GET changes nothing
    one_click = TestClient(blog.app, base_url="https://testserver")  # no cookie, no form token
    done = one_click.post(local(stop), data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "no more posts will be sent" in done.text
    assert blog.status("ann@example.org") == lib.UNSUBSCRIBED
    [record] = blog.store.query("SELECT form, text_shown FROM consents WHERE action = 'unsubscribe'")
    assert record == (lib.ONE_CLICK_FORM, "List-Unsubscribe=One-Click")
    again = one_click.post(local(stop), data={"List-Unsubscribe": "One-Click"})
    assert again.content == done.content
    lib.delete(blog.store, "ann@example.org")
    gone = one_click.post(local(stop), data={"List-Unsubscribe": "One-Click"})
    assert gone.status_code == 200 and gone.content == done.content
    before = len(blog.inbox.messages)
    blog.publish_new()
    assert blog.deliver() == 0 and len(blog.inbox.messages) == before


def test_an_old_confirmation_link_does_not_show_whoever_has_its_id_now(blog):
    """A deleted subscriber's id may be given to the next one: the link is checked against
    the address it was made for before the page names anyone."""
    assert blog.subscribe("ann@example.org").status_code == 200
    blog.deliver()
    old_link = local(link_in(blog.inbox.messages[-1], "/subscription/confirm"))
    [(ann_id,)] = blog.store.query("SELECT id FROM subscribers WHERE email_key = ?",
                                   (lib.comments.email_key("ann@example.org"),))
    assert lib.delete(blog.store, "ann@example.org")
    assert blog.subscribe("zoe.private@example.org").status_code == 200
    blog.store.execute("UPDATE subscribers SET id = ? WHERE email_key = ?",
                       (ann_id, lib.comments.email_key("zoe.private@example.org")))
    blog.store.commit()  # as SQLite may do by itself: the id given again
    page = blog.client.get(old_link)
    assert page.status_code == 200 and "zoe.private" not in page.text
    token = next(e.attrs["value"] for e in parse(page.text).iter() if e.attrs.get("name") == "token")
    assert blog.client.post("/subscription/confirm", data={"token": token}).status_code == 403
    assert blog.status("zoe.private@example.org") == lib.PENDING


# --- the admin ------------------------------------------------------------------------------

def test_the_admin_sees_counts_finds_one_address_exports_and_deletes_its_data(blog):
    confirm_by_mail(blog, "ann@example.org")
    blog.subscribe("bob@example.org")
    blog.publish_new()
    blog.deliver()
    page = blog.admin_client.get("/admin/subscribers")
    assert page.status_code == 200 and "@example.org" not in page.text
    counts = [e.text for e in parse(page.text).iter() if e.tag == "td"][:3]
    assert counts == ["1", "1", "0"]

    csrf = blog.admin.csrf_token
    found = blog.admin_client.post("/admin/subscribers/lookup",
                                   data={"csrf": csrf, "email": "ANN@example.org"})
    assert found.status_code == 200 and "ann@example.org" in found.text and "confirmed" in found.text
    missing = blog.admin_client.post("/admin/subscribers/lookup",
                                     data={"csrf": csrf, "email": "x@example.org"})
    assert "No subscriber has this address." in missing.text

    exported = blog.admin_client.post("/admin/subscribers/export",
                                      data={"csrf": csrf, "email": "ann@example.org"})
    assert exported.status_code == 200 and exported.headers["content-type"] == "application/json"
    assert exported.headers["content-disposition"].startswith("attachment")
    data = exported.json()
    assert data["subscriber"]["email"] == "ann@example.org" and data["subscriber"]["status"] == "confirmed"
    assert [c["action"] for c in data["consents"]] == ["subscribe", "confirm"]
    assert [(m["message"], m["status"]) for m in data["mail"]] == [("subscribe-confirm", "done"),
                                                                   ("newsletter", "done")]
    assert "bob@example.org" not in exported.text

    ann = lib.find(blog.store, "ann@example.org")
    deleted = blog.admin_client.post("/admin/subscribers/delete",
                                     data={"csrf": csrf, "email": "ann@example.org"})
    assert deleted.status_code == 200 and "Deleted the subscriber" in deleted.text  # after the redirect
    assert lib.find(blog.store, "ann@example.org") is None
    assert blog.store.query("SELECT COUNT(*) FROM consents WHERE subscriber_id = ?", (ann.id,))[0][0] == 0
    left = [orjson.loads(p) for (p,) in blog.store.query("SELECT payload FROM jobs WHERE kind = 'mail'")]
    assert all(p.get("subscriber_id") != ann.id for p in left) and left  # bob's message stays
    dump = "\n".join(str(row) for table in ("jobs", "consents", "subscribers", "rate_events")
                     for row in blog.store.query(f"SELECT * FROM {table}"))
    assert "ann@" not in dump.lower()


def test_the_command_line_mails_a_first_publish_exports_and_deletes_one_address(blog, monkeypatch, capsys):
    from chatrecap import cli

    confirm_by_mail(blog, "ann@example.org")
    confirm_by_mail(blog, "bob@example.org")

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["chatrecap", "--db", blog.settings.db, "subscribers", *args])
        with pytest.raises(SystemExit) as stopped:
            cli.main()
        captured = capsys.readouterr()
        return stopped.value.code or 0, captured.out, captured.err

    blog.store.execute("UPDATE blog_posts SET status = ?, published_at = NULL", (posts.DRAFT,))
    blog.store.commit()  # the example's post, never published yet
    [(session,)] = blog.store.query("SELECT session_id FROM blog_posts")
    monkeypatch.setattr(sys, "argv", ["chatrecap", "--db", blog.settings.db, "publish", session])
    with pytest.raises(SystemExit):
        cli.main()
    assert "; queued for 2 subscribers" in capsys.readouterr().out
    assert blog.deliver() == 2 and {m["To"] for m in blog.inbox.messages[-2:]} == {"ann@example.org",
                                                                                  "bob@example.org"}

    code, out, _ = run("export", "ANN@example.org")
    data = orjson.loads(out)
    assert code == 0 and data["subscriber"]["email"] == "ann@example.org" and "bob@" not in out
    assert [c["action"] for c in data["consents"]] == ["subscribe", "confirm"]
    code, out, _ = run("delete", "ann@example.org")
    assert code == 0 and "Deleted the subscriber's data" in out
    code, _, err = run("export", "ann@example.org")
    assert code == 2 and err.count("\n") == 1 and "No subscriber has this address." in err
    assert run("delete", "ann@example.org")[0] == 2
    assert blog.status("bob@example.org") == lib.CONFIRMED


def _my_admin_routes(method: str) -> list[str]:
    return sorted(r.path for r in web_subscriptions.router.routes
                  if isinstance(r, APIRoute) and method in r.methods and r.path.startswith("/admin"))


def test_every_admin_form_of_the_subscribers_screen_needs_the_login_and_its_csrf_token(blog):
    confirm_by_mail(blog, "ann@example.org")
    paths = _my_admin_routes("POST")
    assert paths == ["/admin/subscribers/delete", "/admin/subscribers/export", "/admin/subscribers/in-doubt",
                     "/admin/subscribers/lookup"]
    anonymous = TestClient(blog.app, base_url="https://testserver")
    for path in paths:
        answer = anonymous.post(path, data={"csrf": "x", "email": "ann@example.org"}, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/admin/login"), path
        for token in (None, "", "forged" + blog.admin.csrf_token[6:]):
            data = {"email": "ann@example.org"} | ({} if token is None else {"csrf": token})
            refused = blog.admin_client.post(path, data=data, follow_redirects=False)
            assert refused.status_code == 403 and "did not come from this site" in refused.text, (path, token)
    assert anonymous.get("/admin/subscribers", follow_redirects=False).status_code == 303
    assert blog.status("ann@example.org") == lib.CONFIRMED


def test_addresses_appear_in_no_public_page_and_no_feed(blog):
    confirm_by_mail(blog, "ann.secret@example.org")
    post = blog.publish_new()
    for path in ("/", f"/posts/{post.slug}", "/feed.atom", "/feed.rss", f"/posts/{post.slug}/comments.atom",
                 "/sitemap.xml", "/subscribe"):
        assert "ann.secret" not in blog.client.get(path).text, path


# --- never twice: refusals, broken hand-offs, lost claims, connections --------------------

class Server:
    """aiosmtpd with scripted answers: ``answers`` maps a step ("RCPT", "DATA") to the
    replies to give, in order, before accepting; ``after_data`` may break the connection."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []  # (recipient, Message-ID)
        self.answers: dict[str, list[str]] = {}
        self.break_after_data = 0  # this many messages are taken, then the connection is cut
        self.connections = 0
        self.close_every = 0  # the server drops the connection after this many messages

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.connections += 1
        session.host_name = hostname
        session.taken = 0
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.answers.get("RCPT"):
            return self.answers["RCPT"].pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.answers.get("DATA"):
            return self.answers["DATA"].pop(0)
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((envelope.rcpt_tos[0], message["Message-ID"]))
        session.taken += 1
        if self.break_after_data:
            self.break_after_data -= 1
            server.transport.close()  # taken, but the answer never leaves
            await asyncio.sleep(0.1)
        return "250 OK"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if self.close_every and session.taken == self.close_every:
            server.transport.close()  # the next message finds the connection gone
            await asyncio.sleep(0.1)
        envelope.mail_from = address
        return "250 OK"


@pytest.fixture
def scripted():
    handler = Server()
    with smtp_server(handler) as handler.url:
        yield handler


@pytest.fixture
def quiet_blog(tmp_path, blog_db, scripted) -> Blog:  # noqa: F811
    shutil.copy(blog_db, tmp_path / "w.db")
    made = Blog(tmp_path / "w.db", smtp=scripted.url)
    made.store.execute("UPDATE admins SET email = NULL")
    made.store.commit()
    return made


def subscribed(blog: Blog, count: int) -> list[str]:
    """``count`` confirmed subscribers, through the library in one transaction."""
    addresses = [f"reader{n}@example.org" for n in range(count)]
    for address in addresses:
        sid = lib.subscribe(blog.store, blog.settings, address, form="test", ip=None, user_agent=None,
                            commit=False)
        blog.store.execute("UPDATE subscribers SET status = ? WHERE id = ?", (lib.CONFIRMED, sid))
    blog.store.execute("DELETE FROM jobs WHERE kind = ?", (MAIL,))
    blog.store.commit()
    return addresses


def test_refusals_before_or_at_the_end_are_retried_and_delivered_once(quiet_blog, scripted):
    subscribed(quiet_blog, 3)
    scripted.answers = {"RCPT": ["451 4.3.0 Try again later"], "DATA": ["452 4.3.1 Insufficient storage"]}
    quiet_blog.publish_new()
    assert quiet_blog.deliver() == 1
    assert jobs.counts(quiet_blog.store, MAIL) == {"queued": 2, "done": 1, "failed": 0}
    errors = sorted(e for (e,) in quiet_blog.store.query(
        "SELECT last_error FROM jobs WHERE kind = 'mail' AND status = 'queued'"))
    assert [e.split(": ", 1)[0] for e in errors] == ["the server refused RCPT TO",
                                                     "the server refused the message"]
    quiet_blog.store.execute("UPDATE jobs SET run_after = '2000-01-01T00:00:00.000000+00:00'")
    quiet_blog.store.commit()
    assert quiet_blog.deliver() == 2
    assert sorted(r for r, _ in scripted.received) == [f"reader{n}@example.org" for n in range(3)]
    assert len({m for _, m in scripted.received}) == 3


def test_a_permanent_refusal_is_given_up_at_once(quiet_blog, scripted):
    subscribed(quiet_blog, 1)
    scripted.answers = {"RCPT": ["550 5.1.1 No such user"]}
    quiet_blog.publish_new()
    assert quiet_blog.deliver() == 0
    assert jobs.counts(quiet_blog.store, MAIL) == {"queued": 0, "done": 0, "failed": 1}


def test_a_hand_off_cut_after_the_last_line_is_in_doubt_and_never_sent_again(quiet_blog, scripted):
    subscribed(quiet_blog, 4)
    scripted.break_after_data = 1
    quiet_blog.publish_new()
    quiet_blog.deliver()
    assert len(scripted.received) == 4  # the server took all four, one answer never came back
    assert jobs.counts(quiet_blog.store, MAIL) == {"queued": 0, "done": 3, "failed": 0, "sending": 1}
    [(error,)] = quiet_blog.store.query("SELECT last_error FROM jobs WHERE status = 'sending'")
    assert "may have accepted it" in error
    for _ in range(3):
        quiet_blog.store.execute("UPDATE jobs SET run_after = '2000-01-01T00:00:00.000000+00:00'")
        quiet_blog.store.commit()
        quiet_blog.deliver()
    assert len(scripted.received) == 4
    page = quiet_blog.admin_client.get("/admin/subscribers").text
    assert "in doubt: 1" in page and "not sent again" in page


def test_the_admin_sends_the_messages_in_doubt_again_or_counts_them_as_sent(quiet_blog, scripted):
    """The admin's call, never the worker's; a hand-off going on now is not in doubt."""
    subscribed(quiet_blog, 4)
    scripted.break_after_data = 2
    quiet_blog.publish_new()
    quiet_blog.deliver()
    assert jobs.counts(quiet_blog.store, MAIL)["sending"] == 2
    job_ids = [i for (i,) in quiet_blog.store.query(
        "SELECT id FROM jobs WHERE status = 'sending' ORDER BY id")]
    in_flight = "2999-01-01T00:00:00.000000+00:00"  # a worker's mark: its hand-off is going on
    quiet_blog.store.execute("UPDATE jobs SET locked_until = ? WHERE id = ?", (in_flight, job_ids[1]))
    quiet_blog.store.commit()
    def decide(action: str):
        return quiet_blog.admin_client.post("/admin/subscribers/in-doubt",
                                            data={"csrf": quiet_blog.admin.csrf_token, "action": action})

    assert decide("x").status_code == 400
    sent = decide("resend")
    assert sent.status_code == 200 and "1 message in doubt queued again" in sent.text
    assert quiet_blog.deliver() == 1
    assert len(scripted.received) == 5  # the admin chose it: the one in doubt went again
    assert jobs.counts(quiet_blog.store, MAIL) == {"queued": 0, "done": 3, "failed": 0, "sending": 1}
    quiet_blog.store.execute("UPDATE jobs SET locked_until = NULL WHERE id = ?", (job_ids[1],))
    quiet_blog.store.commit()  # that hand-off broke off too
    counted = decide("sent")
    assert "1 message in doubt counted as sent" in counted.text
    assert quiet_blog.deliver() == 0 and len(scripted.received) == 5
    assert jobs.counts(quiet_blog.store, MAIL) == {"queued": 0, "done": 4, "failed": 0}


def test_a_claim_lost_to_another_worker_is_not_handed_over(quiet_blog, scripted):
    subscribed(quiet_blog, 2)
    quiet_blog.publish_new()
    first = jobs.claim_batch(quiet_blog.store, MAIL, 10)
    assert len(first) == 2
    other = open_store(quiet_blog.settings.db, migrate=False)
    assert jobs.release_claims(other, MAIL) == 2  # a restarted worker takes them up
    assert deliver_due(other, quiet_blog.settings) == 2
    assert not jobs.begin_handover(quiet_blog.store, first[0])  # the first worker's claim is gone
    courier = Courier(quiet_blog.settings.smtp)
    sent = courier.hand_over("a@example.org", "reader0@example.org", b"Subject: x\r\n\r\nx\r\n",
                             lambda: jobs.begin_handover(quiet_blog.store, first[0]))
    courier.close()
    assert sent is False
    time.sleep(0.2)
    assert len(scripted.received) == 2
    assert jobs.counts(quiet_blog.store, MAIL) == {"queued": 0, "done": 2, "failed": 0}
    other.close()


def test_one_connection_carries_the_messages_and_a_dropped_one_is_opened_again(quiet_blog, scripted):
    subscribed(quiet_blog, 30)
    scripted.close_every = 12
    quiet_blog.publish_new()
    assert quiet_blog.deliver() == 30
    assert len(scripted.received) == len(set(scripted.received)) == 30
    assert scripted.connections == 3  # 12 + 12 + 6


def test_the_running_worker_sends_a_mail_out_and_takes_up_claims_left_by_a_dead_one(quiet_blog, scripted):
    subscribed(quiet_blog, 120)
    post = new_post(quiet_blog.store, 9)
    posts.publish(quiet_blog.store, post)
    lib.mail_out(quiet_blog.store, quiet_blog.settings, post)
    jobs.claim_batch(quiet_blog.store, MAIL, 50)  # claimed by a worker that then died
    with TestClient(quiet_blog.app, base_url="https://testserver"):
        deadline = time.monotonic() + 20
        while len(scripted.received) < 120 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert len(scripted.received) == len(set(scripted.received)) == 120
    assert jobs.counts(quiet_blog.store, MAIL) == {"queued": 0, "done": 120, "failed": 0}


# --- over real HTTP: `chatrecap serve` on loopback -----------------------------------------

def wait_for(predicate, seconds: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_reader_subscribes_confirms_gets_a_post_and_unsubscribes_over_real_http(tmp_path, blog_db, smtp):  # noqa: F811
    shutil.copy(blog_db, tmp_path / "w.db")
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    (tmp_path / "chatrecap.toml").write_text(f'port = {port}\nbase_url = "{site}"\nmin_fill_seconds = 0\n'
                                             'site_title = "B2B recaps"\n')
    with open_store(tmp_path / "w.db") as store:
        store.execute("UPDATE admins SET email = NULL")
        store.commit()
        token, admin = start_session(store, "host")
        drafts = [new_post(store, n) for n in (1, 2)]
    server = subprocess.Popen([*CLI, "--db", str(tmp_path / "w.db"), "serve", "--config",
                               str(tmp_path / "chatrecap.toml"), "--smtp", smtp.url],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reader = httpx.Client(base_url=site, timeout=10)
    admin_headers = {"Cookie": f"{SESSION_COOKIE}={token}"}  # the Secure cookie, sent by hand over http
    try:
        def up() -> bool:
            assert server.poll() is None, server.stderr.read()
            try:
                return reader.get("/").status_code == 200
            except httpx.TransportError:
                return False

        wait_for(up, what="chatrecap serve")
        home = reader.get("/").text
        answer = reader.post("/subscribe", data={"subscribe_token": box_token(home),
                                                 "address": "ann@example.org", "url2": ""})
        assert answer.status_code == 200 and "Check your inbox" in answer.text
        reader.post("/subscribe", data={"subscribe_token": box_token(reader.get("/").text),
                                        "address": "bob@example.org", "url2": ""})
        wait_for(lambda: len(smtp.messages) == 2, what="the confirmation messages")
        for message in smtp.messages:
            link = re.search(rf"{re.escape(site)}/subscription/confirm\?token=\S+", text_of(message)).group(0)
            page = reader.get(link)
            assert page.status_code == 200
            token_field = next(e.attrs["value"] for e in parse(page.text).iter()
                               if e.attrs.get("name") == "token")
            assert reader.post("/subscription/confirm", data={"token": token_field}).status_code == 200

        published = reader.post(f"/admin/posts/{drafts[0].id}/publish", data={"csrf": admin.csrf_token},
                                headers=admin_headers)
        assert published.status_code == 303, published.text[:300]
        wait_for(lambda: len(smtp.messages) == 4, seconds=10, what="the post's messages")
        ann = next(m for m in smtp.messages[2:] if m["To"] == "ann@example.org")
        assert ann["Subject"] == "Later post 1"
        assert ann["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        stop = re.fullmatch(r"<(.+)>", ann["List-Unsubscribe"]).group(1)
        assert stop.startswith(f"{site}/subscription/unsubscribe?token=")
        one_click = httpx.post(stop, data={"List-Unsubscribe": "One-Click"}, timeout=10)  # no cookie, no form
        assert one_click.status_code == 200 and "no more posts" in one_click.text

        reader.post(f"/admin/posts/{drafts[1].id}/publish", data={"csrf": admin.csrf_token},
                    headers=admin_headers)
        wait_for(lambda: len(smtp.messages) == 5, seconds=10, what="bob's message")
        time.sleep(0.5)
        assert [m["To"] for m in smtp.messages[4:]] == ["bob@example.org"]  # nothing for ann
        assert smtp.messages[4]["Subject"] == "Later post 2"
    finally:
        reader.close()
        server.terminate()
        server.wait(timeout=20)


# --- PostgreSQL ------------------------------------------------------------------------------

def test_subscriptions_and_the_mail_out_work_on_postgresql(pg_blog, scripted):  # noqa: F811
    blog = Blog(pg_blog, smtp=scripted.url)
    blog.store.execute("UPDATE admins SET email = NULL")
    blog.store.commit()
    addresses = subscribed(blog, 25)
    lib.subscribe(blog.store, blog.settings, "pending@example.org", form="test", ip=None, user_agent=None)
    blog.publish_new()
    assert blog.deliver() == 26  # 25 posts and one confirmation message
    assert sorted(r for r, _ in scripted.received if r != "pending@example.org") == sorted(addresses)
    assert lib.mail_out(blog.store, blog.settings, posts.get_post(blog.store, slug="later-post-1")) == 0
    data = lib.export(blog.store, "reader3@example.org")
    assert [m["message"] for m in data["mail"]] == ["newsletter"] and data["mail"][0]["status"] == "done"
    assert lib.delete(blog.store, "reader3@example.org")
    assert lib.find(blog.store, "reader3@example.org") is None
    assert lib.counts(blog.store) == {"pending": 1, "confirmed": 24, "unsubscribed": 0}
    blog.store.close()


def test_a_publish_that_fails_half_way_leaves_the_post_a_draft_and_the_next_one_still_mails(
        quiet_blog, monkeypatch):
    """The post's new state and the jobs it sets going are one transaction: a publish that
    stops before the mail-out is queued is not a first publish already spent."""
    subscribed(quiet_blog, 3)
    draft = new_post(quiet_blog.store, 1)
    queued_before = jobs.counts(quiet_blog.store)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as patched:
        patched.setattr(lib, "mail_out", broken)
        with pytest.raises(OSError):
            publishing.publish(quiet_blog.store, quiet_blog.settings, draft)
    again = posts.get_post(quiet_blog.store, post_id=draft.id)
    assert again.status == posts.DRAFT and again.published_at is None
    assert jobs.counts(quiet_blog.store) == queued_before  # no webmention job either
    post, mailed = publishing.publish(quiet_blog.store, quiet_blog.settings, again)
    assert post.is_public and mailed == 3
    assert quiet_blog.deliver() == 3
