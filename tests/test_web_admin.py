"""The admin area through the real app: login, upload, chats, the recap editor, publishing."""

from __future__ import annotations

import gzip
import html
import io
import re
import time
from importlib.resources import as_file, files
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from chatrecap.blog import posts, uploads
from chatrecap.blog.auth import create_admin
from chatrecap.recap.overrides import takeaway_key
from chatrecap.store import open_store
from chatrecap.web import admin as admin_routes
from chatrecap.web.app import create_app
from chatrecap.web.settings import load_settings

USER, PASSWORD = "host", "correct horse battery"
SESSION = "b2bchat-20240314-1800"  # the bundled example's one session


def example_bytes() -> bytes:
    with as_file(files("chatrecap") / "examples" / "b2bchat-example.jsonl") as path:
        return Path(path).read_bytes()


@pytest.fixture
def site(tmp_path):
    """A fresh workspace with one admin, and the app over it."""
    settings = load_settings(db=str(tmp_path / "w.db"))
    app = create_app(settings)
    with open_store(settings.db) as store:
        create_admin(store, USER, PASSWORD)
    return app, settings


def browser(app, ip: str = "testclient") -> TestClient:
    """A visitor with their own cookies (https: the session cookie is Secure)."""
    return TestClient(app, base_url="https://testserver", client=(ip, 50000))


def form_token(page: str) -> str:
    return html.unescape(re.search(r'name="csrf" value="([^"]*)"', page).group(1))


def log_in(client: TestClient, username: str = USER, password: str = PASSWORD, next_path: str = "/admin"):
    page = client.get(f"/admin/login?next={next_path}")
    return client.post("/admin/login", data={"username": username, "password": password,
                                             "csrf": form_token(page.text), "next": next_path},
                       follow_redirects=False)


@pytest.fixture
def admin(site):
    """A logged-in admin's browser and the session's CSRF token."""
    app, _ = site
    client = browser(app)
    assert log_in(client).status_code == 303
    return client, form_token(client.get("/admin").text)


def wait_for(client: TestClient, upload_url: str) -> str:
    for _ in range(300):
        page = client.get(upload_url)
        assert page.status_code == 200
        if 'http-equiv="refresh"' not in page.text:
            return page.text
        time.sleep(0.1)
    raise AssertionError(f"the import of {upload_url} did not finish")


def upload(client: TestClient, csrf: str, name: str, data: bytes, **fields: str):
    return client.post("/admin/upload", data={"csrf": csrf, **fields},
                       files={"archive": (name, data, "application/octet-stream")}, follow_redirects=False)


def edited(settings, post_id: int):
    """The recap as the editor's changes left it (read with a connection of the test's own)."""
    with open_store(settings.db) as store:
        return posts.edited_recap(store, posts.get_post(store, post_id=post_id))


def stored(settings, post_id: int):
    """The post's row and its stored edits."""
    with open_store(settings.db) as store:
        post = posts.get_post(store, post_id=post_id)
        return post, posts.get_overrides(store, post.session_id)


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def draft(site, admin):
    """The example uploaded through the form, and its session's recap opened in the editor."""
    app, settings = site
    client, csrf = admin
    sent = upload(client, csrf, "b2bchat-example.jsonl", example_bytes(), chat="#B2Bchat", format="twarc2")
    wait_for(client, sent.headers["location"])
    opened = client.post(f"/admin/sessions/{SESSION}/draft", data={"csrf": csrf}, follow_redirects=False)
    assert opened.status_code == 303
    editor_url = opened.headers["location"]
    return client, csrf, editor_url, int(editor_url.rsplit("/", 1)[1]), settings


# --- login ---------------------------------------------------------------------------------

def test_login_opens_the_admin_area_and_logout_closes_it(site):
    app, _ = site
    client = browser(app)
    answer = log_in(client, next_path="/admin/chats")
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/chats"
    cookie = answer.headers["set-cookie"]
    assert "chatrecap_session=" in cookie and "HttpOnly" in cookie and "Secure" in cookie
    assert "samesite=lax" in cookie.lower()
    dashboard = client.get("/admin")
    assert dashboard.status_code == 200 and "Dashboard" in dashboard.text
    out = client.post("/admin/logout", data={"csrf": form_token(dashboard.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/admin/login"
    again = client.get("/admin", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/admin/login")


def test_a_wrong_password_is_refused(site):
    app, _ = site
    client = browser(app)
    answer = log_in(client, password="not the password")
    assert answer.status_code == 400
    assert "Wrong username or password." in answer.text
    assert "chatrecap_session" not in answer.headers.get("set-cookie", "")
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_the_sixth_failed_login_in_15_minutes_is_refused_even_with_the_right_password(site):
    app, _ = site
    client = browser(app)
    for _ in range(5):
        assert log_in(client, password="guess").status_code == 400
    blocked = log_in(client)
    assert blocked.status_code == 429
    assert "Too many failed logins: wait 15 minutes and try again." in blocked.text
    assert blocked.headers["retry-after"] == "900"
    # The same username from another address is held too (its own bucket) ...
    assert log_in(browser(app, "10.0.0.2")).status_code == 429
    # ... and the address is held for other usernames.
    assert log_in(client, username="someone-else", password="guess").status_code == 429


def test_failures_from_elsewhere_do_not_lock_an_admin_out_of_their_own_browser(site):
    """Anyone can send five wrong passwords for a username; the browser its admin logged in
    with before still gets in (its own address has its own count), a new browser does not."""
    app, _ = site
    mine = browser(app, "10.0.0.7")
    assert log_in(mine).status_code == 303
    mine.post("/admin/logout", data={"csrf": form_token(mine.get("/admin").text)})
    for k in range(5):
        assert log_in(browser(app, f"10.0.1.{k}"), password="guess").status_code == 400
    assert log_in(browser(app, "10.0.0.8")).status_code == 429
    assert log_in(mine).status_code == 303


def test_every_attempt_counts_before_its_password_is_checked(site):
    """Guesses sent in parallel cannot slip past the limit while a password is being checked."""
    from concurrent.futures import ThreadPoolExecutor

    app, _ = site
    clients = [browser(app, "10.0.2.1") for _ in range(12)]
    tokens = [form_token(c.get("/admin/login").text) for c in clients]

    def guess(k: int) -> int:
        return clients[k].post("/admin/login", data={"username": USER, "password": "guess", "csrf": tokens[k],
                                                     "next": "/admin"}, follow_redirects=False).status_code

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(guess, range(12)))
    assert answers.count(400) == 5 and answers.count(429) == 7


def test_an_admins_own_logins_never_hold_their_address(site):
    """Every attempt counts before its password is checked, successes too: a success clears
    the address's count, so typos between logins never add up to a lockout."""
    app, _ = site
    client = browser(app, "10.0.3.1")
    for _ in range(2):
        for _ in range(4):
            assert log_in(client, password="typo").status_code == 400
        assert log_in(client).status_code == 303
        client.post("/admin/logout", data={"csrf": form_token(client.get("/admin").text)})


def test_a_successful_login_clears_the_usernames_failures(site):
    app, _ = site
    for _ in range(4):
        assert log_in(browser(app, "10.0.0.1"), password="guess").status_code == 400
    assert log_in(browser(app, "10.0.0.2")).status_code == 303
    for _ in range(4):
        assert log_in(browser(app, "10.0.0.3"), password="guess").status_code == 400
    # 8 failures for the username in all, but the success in between wiped the first 4.
    assert log_in(browser(app, "10.0.0.4")).status_code == 303


def test_the_login_form_needs_its_own_signed_token(site):
    app, _ = site
    client = browser(app)
    client.get("/admin/login")
    missing = client.post("/admin/login", data={"username": USER, "password": PASSWORD})
    assert missing.status_code == 403
    assert "The login form has expired or did not come from this site" in missing.text
    # A token fetched by another browser (an attacker's) does not match this browser's nonce.
    foreign = form_token(browser(app).get("/admin/login").text)
    forged = client.post("/admin/login", data={"username": USER, "password": PASSWORD, "csrf": foreign},
                         follow_redirects=False)
    assert forged.status_code == 403
    assert client.get("/admin", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("next_path", ["//evil.example/admin", "https://evil.example/", "/\\evil.example"])
def test_after_login_only_a_local_path_is_followed(site, next_path):
    app, _ = site
    client = browser(app)
    page = client.get("/admin/login")
    answer = client.post("/admin/login", data={"username": USER, "password": PASSWORD,
                                               "csrf": form_token(page.text), "next": next_path},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/admin"


def test_the_login_page_says_how_to_create_the_first_admin(tmp_path):
    client = browser(create_app(load_settings(db=str(tmp_path / "w.db"))))
    assert "chatrecap admin create" in client.get("/admin/login").text


# --- every route is behind the login and the CSRF check ------------------------------------

def _admin_routes(method: str) -> list[str]:
    """Every /admin route of every router the app includes (moderation, subscribers...)."""
    from chatrecap.web import comments, feeds, mentions, public, subscriptions

    routers = (admin_routes.router, comments.router, mentions.router, subscriptions.router,
               public.router, feeds.router)
    return sorted(r.path for router in routers for r in router.routes
                  if isinstance(r, APIRoute) and method in r.methods and r.path.startswith("/admin")
                  and r.path != "/admin/login")


def _concrete(path: str, post_id: int = 1) -> str:
    return (path.replace("{post_id:int}", str(post_id)).replace("{session_id}", SESSION)
            .replace("{upload_id}", "0123456789abcdef"))


def test_every_admin_page_redirects_to_the_login_without_a_session(site):
    app, _ = site
    client = browser(app)
    paths = _admin_routes("GET")
    assert "/admin" in paths and "/admin/posts/{post_id:int}" in paths
    for path in paths:
        answer = client.get(_concrete(path), follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/admin/login?next=/admin"), path
    for path in _admin_routes("POST"):
        answer = client.post(_concrete(path), data={"csrf": "x"}, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/admin/login"), path


def test_every_admin_form_refuses_a_missing_or_wrong_csrf_token(draft):
    client, csrf, editor_url, post_id, settings = draft
    paths = _admin_routes("POST")
    assert len(paths) >= 15
    assert {"/admin/comments", "/admin/mentions", "/admin/subscribers/delete"} <= set(paths)
    post = next(iter(edited(settings, post_id).posts))
    for path in paths:
        url = _concrete(path, post_id)
        for token in (None, "", "forged" + csrf[6:]):
            data = {"post": post, "prompt_id": post, "title": "Hijacked", "headline": "Hijacked"}
            if token is not None:
                data["csrf"] = token
            if path == "/admin/upload":
                answer = client.post(url, data=data, files={"archive": ("x.jsonl", b"{}\n")})
            else:
                answer = client.post(url, data=data, follow_redirects=False)
            assert answer.status_code == 403, (path, token)
            assert "did not come from this site" in answer.text
    assert "Hijacked" not in client.get(editor_url).text
    assert client.get("/admin").status_code == 200  # still logged in: logout was refused too


# --- upload ----------------------------------------------------------------------------------

def test_uploading_the_example_imports_its_300_posts(admin):
    client, csrf = admin
    sent = upload(client, csrf, "b2bchat-example.jsonl", example_bytes(), chat="#B2Bchat", format="twarc2")
    assert sent.status_code == 303 and sent.headers["location"].startswith("/admin/uploads/")
    shown = text_of(wait_for(client, sent.headers["location"]))
    assert "imported" in shown and "Posts imported 300" in shown
    assert "Duplicates (already in the workspace) 0" in shown
    chats = text_of(client.get("/admin/chats").text)
    assert "#B2Bchat" in chats and "289" in chats and "Open the recap" in chats
    uploads = Path(client.app.state.web.settings.db).parent / "uploads"
    assert {p.stat().st_mode & 0o777 for p in [uploads, *uploads.iterdir()]} == {0o700}  # the owner's only
    again = upload(client, csrf, "b2bchat-example.jsonl", example_bytes(), chat="#B2Bchat")
    shown = text_of(wait_for(client, again.headers["location"]))
    assert "Posts imported 0" in shown and "Duplicates (already in the workspace) 300" in shown
    assert "b2bchat-example.jsonl" in text_of(client.get("/admin").text)


def test_an_upload_lists_per_line_errors_and_imports_the_good_lines(admin, site):
    client, csrf = admin
    lines = example_bytes().splitlines(keepends=True)
    broken = b"".join(lines[:2] + [b'{"data": [ this is not JSON\n'] + lines[2:] + [b"{\n"])
    sent = upload(client, csrf, "broken.jsonl", broken, chat="#B2Bchat", format="twarc2")
    page = wait_for(client, sent.headers["location"])
    shown = text_of(page)
    assert "Posts imported 300" in shown
    assert "Problems (2)" in shown
    assert re.search(r"<li>broken\.jsonl:3: [^<]+</li>", page)
    assert re.search(rf"<li>broken\.jsonl:{len(lines) + 2}: [^<]+</li>", page)
    _, settings = site
    saved = uploads.upload_root(settings.db)
    assert [p.name for p in saved.glob("*/*")] == ["broken.jsonl"]


def test_a_compressed_upload_is_imported_and_its_problems_name_it(admin):
    client, csrf = admin
    lines = example_bytes().splitlines(keepends=True)
    broken = b"".join(lines[:2] + [b'{"data": [ this is not JSON\n'] + lines[2:])
    sent = upload(client, csrf, "chat.jsonl.gz", gzip.compress(broken), chat="#B2Bchat")
    page = wait_for(client, sent.headers["location"])
    assert "Posts imported 300" in text_of(page)
    assert re.search(r"<li>chat\.jsonl\.gz:3: [^<]+</li>", page)
    assert "chatrecap-" not in page  # the expansion's temporary name shows nowhere


def test_an_upload_that_cannot_be_read_says_why_and_a_column_map_fixes_a_csv(admin):
    client, csrf = admin
    sheet = (b"when,who,said\n2024-03-14T18:00:00Z,ana,Q1 What makes a thought leader? #B2Bchat\n"
             b"2024-03-14T18:01:00Z,bo,A1 Teaching before selling #B2Bchat\n")
    sent = upload(client, csrf, "sheet.csv", sheet, format="csv")
    shown = text_of(wait_for(client, sent.headers["location"]))
    assert "Status: failed" in shown and "sheet.csv: no column for text, time, author" in shown
    answer = upload(client, csrf, "sheet.csv", sheet, format="csv", map="text")
    assert answer.status_code == 400 and "is not field=column" in answer.text
    sent = upload(client, csrf, "sheet.csv", sheet, format="csv", map="text=said,author=who,time=when")
    shown = text_of(wait_for(client, sent.headers["location"]))
    assert "Status: imported" in shown and "Posts imported 2" in shown


def test_the_upload_form_refuses_what_it_cannot_import_with_one_line(admin, monkeypatch):
    client, csrf = admin
    answer = upload(client, csrf, "../../etc/cron.d/x", b"{}\n")
    assert answer.status_code == 400 and "is not a plain file name" in answer.text
    answer = upload(client, csrf, "x.csv", b"a,b\n", tz="Mars/Olympus")
    assert answer.status_code == 400 and "Unknown time zone &#39;Mars/Olympus&#39;" in answer.text
    answer = upload(client, csrf, "x.csv", b"a,b\n", tz="America")  # a folder of zones, not one
    assert answer.status_code == 400 and "Unknown time zone &#39;America&#39;" in answer.text
    answer = upload(client, csrf, "x.csv", b"a,b\n", format="myspace")
    assert answer.status_code == 400 and "Unknown format &#39;myspace&#39;" in answer.text
    assert 'value="Mars/Olympus"' not in answer.text and 'value="myspace" selected' not in answer.text
    answer = client.post("/admin/upload", data={"csrf": csrf}, follow_redirects=False)
    assert answer.status_code == 400 and "Choose an archive file to upload." in answer.text
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    answer = upload(client, csrf, "big.jsonl", b"x" * 5000)
    assert answer.status_code == 413
    assert "The file is larger than 1,000 bytes, the most the admin area accepts" in answer.text
    answer = upload(client, csrf, "huge.jsonl", b"x" * 200_000)
    assert answer.status_code == 413 and "the most the admin area accepts" in answer.text
    assert not list(Path(client.app.state.web.settings.db).parent.glob("uploads/*/*"))


def test_a_running_import_shows_its_progress_on_a_page_that_refreshes_itself(admin, site):
    client, _ = admin
    _, settings = site
    with open_store(settings.db) as store:
        queued, _ = uploads.save_upload(store, uploads.upload_root(settings.db), "later.jsonl",
                                        io.BytesIO(b"x" * 3000), "#B2Bchat")
        store.execute("UPDATE uploads SET status = 'running', done_bytes = 1500, "
                      "report = '{\"records\": 1200, \"problems_total\": 3}' WHERE id = ?", (queued.id,))
        store.commit()
    page = client.get(f"/admin/uploads/{queued.id}").text
    assert '<meta http-equiv="refresh" content="2">' in page
    assert '<progress max="100" value="50">' in page
    assert "50% of 3 KB read · 1,200 records so far · 3 problems" in text_of(page)
    assert client.get("/admin/uploads/ffffffffffffffff").status_code == 404


# --- chats and the editor ----------------------------------------------------------------------

def test_open_the_recap_creates_the_draft_once(draft):
    client, csrf, editor_url, post_id, settings = draft
    page = client.get("/admin/chats").text
    assert f'href="/admin/posts/{post_id}">Open the recap' in page and "draft" in page
    again = client.post(f"/admin/sessions/{SESSION}/draft", data={"csrf": csrf}, follow_redirects=False)
    assert again.headers["location"] == editor_url
    missing = client.post("/admin/sessions/no-such-session/draft", data={"csrf": csrf})
    assert missing.status_code == 404
    dashboard = client.get("/admin").text
    assert f'href="/admin/posts/{post_id}"' in dashboard and "/admin/comments" in dashboard


def _edit(client, editor_url, action, **data):
    answer = client.post(f"{editor_url}/{action}", data=data, follow_redirects=False)
    assert answer.status_code == 303, (action, text_of(answer.text)[:300])
    assert answer.headers["location"].startswith(editor_url)
    return answer


def test_the_editor_stores_every_edit_as_overrides_that_survive_a_rerun(draft):
    client, csrf, editor_url, post_id, settings = draft
    with open_store(settings.db) as store:
        base = posts.base_recap(store, posts.get_post(store, post_id=post_id))
    q1, q2 = base.questions[0], base.questions[1]
    answer_to_move = q1.answer_ids[5]
    answer_to_hide = q2.answer_ids[3]
    answer_to_pin = q1.answer_ids[7]
    analysis_highlights = [h.post_id for h in base.highlights]
    assert answer_to_pin not in analysis_highlights
    hidden_text = base.posts[answer_to_hide].text
    hidden_url = base.posts[answer_to_hide].url  # its text may recur in reposts of it; its address not
    assert hidden_url

    _edit(client, editor_url, "headline", csrf=csrf, prompt_id=q1.prompt_id, index="0",
          headline="Thought leaders teach, they do not sell")
    _edit(client, editor_url, "pin", csrf=csrf, post=answer_to_pin)
    _edit(client, editor_url, "unpin", csrf=csrf, post=analysis_highlights[0])
    _edit(client, editor_url, "lower", csrf=csrf, post=answer_to_pin)  # pinned first, now second
    _edit(client, editor_url, "hide", csrf=csrf, post=answer_to_hide)
    _edit(client, editor_url, "move", csrf=csrf, post=answer_to_move, prompt_id=q2.prompt_id)
    saved = _edit(client, editor_url, "details", csrf=csrf, title="What B2B thought leadership means",
                  slug="b2b-thought-leadership", tags="B2Bchat, marketing",
                  intro="We talked about **thought leadership**.\n\n<script>alert(1)</script>",
                  closing="See you [next week](https://example.org/next).")
    assert saved.headers["location"].endswith("#details")

    def check(recap) -> None:
        q1e, q2e = recap.questions[0], recap.questions[1]
        assert q1e.takeaways[0].headline == "Thought leaders teach, they do not sell"
        order = [h.post_id for h in recap.highlights]
        assert analysis_highlights[0] not in order
        assert order.index(answer_to_pin) == 1
        assert answer_to_hide not in recap.posts and answer_to_hide not in q2e.answer_ids
        assert answer_to_move in q2e.answer_ids and answer_to_move not in q1e.answer_ids
        assert recap.title == "What B2B thought leadership means"
        assert recap.intro.startswith("We talked about **thought leadership**.")

    check(edited(settings, post_id))
    post, edits = stored(settings, post_id)
    assert edits.headlines == {takeaway_key(q1.prompt_id, 0): "Thought leaders teach, they do not sell"}
    assert edits.moved == {answer_to_move: q2.prompt_id} and edits.hidden == [answer_to_hide]
    assert edits.pinned[1] == answer_to_pin and edits.unpinned == [analysis_highlights[0]]
    assert post.tags == ["B2Bchat", "marketing"] and post.slug == "b2b-thought-leadership"

    page = client.get(editor_url).text
    assert 'value="Thought leaders teach, they do not sell"' in page
    assert "Hidden posts (1)" in page and html.escape(hidden_text, quote=False) in page
    assert "moved here by you" in page

    preview = client.get(f"{editor_url}/preview")
    assert preview.status_code == 200
    shown = preview.text
    assert "Thought leaders teach, they do not sell" in shown
    assert "<strong>thought leadership</strong>" in shown and "<script>alert(1)" not in shown
    assert 'href="https://example.org/next"' in shown and "What B2B thought leadership means" in shown
    assert hidden_url not in shown and f'data-post-id="{answer_to_hide}"' not in shown
    assert stored(settings, post_id)[0].status == posts.DRAFT

    published = client.post(f"{editor_url}/publish", data={"csrf": csrf})
    assert "Published at /posts/b2b-thought-leadership." in published.text
    post = stored(settings, post_id)[0]
    assert post.status == posts.PUBLISHED and post.slug == "b2b-thought-leadership"
    with open_store(settings.db) as store:
        body = posts.published_body(store, post)
    assert "Thought leaders teach, they do not sell" in body and "<strong>thought leadership</strong>" in body
    assert hidden_url not in body
    if any(getattr(r, "path", "") == "/posts/{slug}" for r in client.app.routes):  # the public pages
        assert client.get("/posts/b2b-thought-leadership").status_code == 200

    rerun = client.post(f"{editor_url}/rebuild", data={"csrf": csrf})
    assert "The analysis ran again; your edits are kept." in rerun.text
    check(edited(settings, post_id))
    assert "Thought leaders teach, they do not sell" in client.get(f"{editor_url}/preview").text

    out = client.post(f"{editor_url}/unpublish", data={"csrf": csrf})
    assert "Unpublished" in out.text
    assert stored(settings, post_id)[0].status == posts.UNPUBLISHED
    with open_store(settings.db) as store:
        assert posts.published_posts(store)[1] == 0
    if any(getattr(r, "path", "") == "/posts/{slug}" for r in client.app.routes):
        assert client.get("/posts/b2b-thought-leadership").status_code == 404


def test_moving_highlights_up_and_down_and_showing_a_hidden_post_again(draft):
    client, csrf, editor_url, post_id, settings = draft
    order = [h.post_id for h in edited(settings, post_id).highlights]
    _edit(client, editor_url, "raise", csrf=csrf, post=order[2])
    _edit(client, editor_url, "lower", csrf=csrf, post=order[0])
    now = [h.post_id for h in edited(settings, post_id).highlights]
    assert now[:3] == [order[2], order[0], order[1]] and now[3:] == order[3:]
    assert stored(settings, post_id)[1].pinned == now
    page = client.get(editor_url).text
    positions = [page.index(f'id="highlight-{admin_routes.anchor(i)}"') for i in now[:3]]
    assert positions == sorted(positions)

    _edit(client, editor_url, "hide", csrf=csrf, post=order[0])
    assert order[0] not in edited(settings, post_id).posts
    _edit(client, editor_url, "show", csrf=csrf, post=order[0])
    recap = edited(settings, post_id)
    assert order[0] in recap.posts and [h.post_id for h in recap.highlights][1] == order[0]


def test_editor_mistakes_show_as_one_line_and_change_nothing(draft):
    client, csrf, editor_url, post_id, settings = draft
    answer = client.post(f"{editor_url}/details", data={"csrf": csrf, "title": "Kept in the form",
                                                       "slug": "Not A Slug!", "tags": "", "intro": "",
                                                       "closing": ""})
    assert answer.status_code == 400
    assert "The slug &#39;Not A Slug!&#39; must be lower-case letters" in answer.text
    assert 'value="Kept in the form"' in answer.text  # what was typed is not lost
    post, edits = stored(settings, post_id)
    assert post.title != "Kept in the form" and edits.title is None and edits.slug is None
    answer = client.post(f"{editor_url}/hide", data={"csrf": csrf, "post": "twitter:0"})
    assert answer.status_code == 400 and "That post is not in this recap" in answer.text
    answer = client.post(f"{editor_url}/move", data={"csrf": csrf, "post": "twitter:0", "prompt_id": "x"})
    assert answer.status_code == 400
    assert client.get("/admin/posts/999").status_code == 404
    too_big = "9" * 30  # (no SQLite integer: an OverflowError gave a 500)
    assert client.get(f"/admin/posts/{too_big}").status_code == 404
    assert client.post(f"/admin/posts/{too_big}/publish", data={"csrf": csrf}).status_code == 404


# --- the same on PostgreSQL ------------------------------------------------------------------

@pytest.fixture(scope="module")
def pg_workspace(pg_server):
    """An empty PostgreSQL workspace with one admin."""
    url = pg_server.url(pg_server.create_database())
    with open_store(url) as store:
        create_admin(store, USER, PASSWORD)
    return url


def test_upload_edit_publish_and_rerun_work_on_postgresql(pg_workspace, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a PostgreSQL workspace keeps its uploads in the working folder
    settings = load_settings(db=pg_workspace)
    client = browser(create_app(settings))
    for _ in range(5):
        assert log_in(client, password="guess").status_code == 400
    assert log_in(client).status_code == 429
    assert log_in(browser(client.app, "10.0.0.9"), username="nobody", password="guess").status_code == 400
    with open_store(settings.db) as store:
        store.execute("DELETE FROM rate_events")
        store.commit()
    assert log_in(client).status_code == 303
    csrf = form_token(client.get("/admin").text)
    broken = example_bytes() + b"{\n"
    sent = upload(client, csrf, "b2bchat.jsonl", broken, chat="#B2Bchat", format="twarc2")
    shown = text_of(wait_for(client, sent.headers["location"]))
    assert "Posts imported 300" in shown and "Problems (1)" in shown
    assert f"b2bchat.jsonl:{len(example_bytes().splitlines()) + 1}:" in shown
    assert list(tmp_path.glob("uploads/*/b2bchat.jsonl"))
    editor_url = client.post(f"/admin/sessions/{SESSION}/draft", data={"csrf": csrf},
                             follow_redirects=False).headers["location"]
    post_id = int(editor_url.rsplit("/", 1)[1])
    base = edited(settings, post_id)
    q1 = base.questions[0]
    _edit(client, editor_url, "headline", csrf=csrf, prompt_id=q1.prompt_id, index="1", headline="Show up")
    _edit(client, editor_url, "hide", csrf=csrf, post=q1.answer_ids[0])
    _edit(client, editor_url, "pin", csrf=csrf, post=q1.answer_ids[2])
    _edit(client, editor_url, "details", csrf=csrf, title="On PostgreSQL", slug="on-postgresql", tags="pg",
          intro="", closing="")
    published = client.post(f"{editor_url}/publish", data={"csrf": csrf})
    assert "Published at /posts/on-postgresql." in published.text
    assert "your edits are kept" in client.post(f"{editor_url}/rebuild", data={"csrf": csrf}).text
    recap = edited(settings, post_id)
    assert recap.title == "On PostgreSQL" and recap.questions[0].takeaways[1].headline == "Show up"
    assert q1.answer_ids[0] not in recap.posts and recap.highlights[0].post_id == q1.answer_ids[2]
    assert stored(settings, post_id)[0].status == posts.PUBLISHED
    client.post(f"{editor_url}/unpublish", data={"csrf": csrf})
    assert stored(settings, post_id)[0].status == posts.UNPUBLISHED


# --- in a real browser, with JavaScript off ----------------------------------------------------

@pytest.fixture
def served(site):
    """The app on uvicorn, on a free loopback port, for the browser."""
    from other_blog import running
    from test_web_comments import free_port

    app, settings = site
    with running(app, free_port()) as base:
        yield base, settings


def test_the_admin_path_works_in_a_browser_without_javascript(served):
    from browser import HEADLINE, import_example_and_rename, launch
    from playwright.sync_api import expect, sync_playwright

    base, settings = served
    problems: list[str] = []
    with sync_playwright() as p:
        chromium = launch(p)
        page = chromium.new_page(java_script_enabled=False)
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        import_example_and_rename(page, base, start="/admin/chats", username=USER, password=PASSWORD,
                                  upload_link="nav >> text=Upload")
        page.locator("#highlights button", has_text="Move down").first.click()
        page.locator(".edit-post button", has_text="Hide").first.click()
        expect(page.locator("#hidden .edit-post")).to_have_count(1)
        page.click("text=Preview")
        expect(page.locator("article.recap")).to_contain_text(HEADLINE)
        page.click("text=Back to the editor")
        page.click("button:has-text('Publish')")
        expect(page.locator(".flash").first).to_contain_text("Published at /posts/")
        chromium.close()
    assert problems == []
    with open_store(settings.db) as store:
        [post] = posts.all_posts(store)
        assert post.status == posts.PUBLISHED
        assert HEADLINE in posts.published_body(store, post)
