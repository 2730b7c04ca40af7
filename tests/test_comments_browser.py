"""The XSS payloads in a real browser: Debian's chromium (Playwright) against the app on a
real uvicorn server on loopback. Every payload is posted as comment text, name and website,
the comments are approved, and the post page, the admin queue and the form's own answers
are opened: no dialog opens, no console error is logged, the ``window.__xss`` marker the
payloads try to set stays undefined, and the live DOM holds no script and no handler."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import httpx
import pytest
from browser import launch
from other_blog import running
from playwright.sync_api import sync_playwright
from test_web_comments import XSS_PAYLOADS, blog_db, free_port  # noqa: F401 - blog_db is a fixture

from chatrecap.blog import comments as lib
from chatrecap.blog import posts
from chatrecap.blog.auth import start_session
from chatrecap.store import open_store
from chatrecap.web.app import create_app
from chatrecap.web.deps import SESSION_COOKIE
from chatrecap.web.settings import load_settings

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
#: What the live DOM may not hold, with what it holds instead (checked by the browser's own parser).
DOM_CHECK = """() => {
  const found = [];
  document.querySelectorAll('script, iframe, object, embed, base, frame').forEach(e => found.push(e.tagName));
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      if (a.name.startsWith('on')) found.push(e.tagName + ' ' + a.name);
      if (['href', 'src', 'action', 'formaction', 'xlink:href'].includes(a.name)
          && /^\\s*(javascript|vbscript|data):/i.test(a.value.replace(/[\\x00-\\x20]/g, ''))
          && !(e.tagName === 'LINK' && e.rel === 'icon')) {
        found.push(e.tagName + ' ' + a.name + '=' + a.value);
      }
    }
  }
  for (const a of document.querySelectorAll('#comments a')) {
    if (!['http:', 'https:', 'mailto:'].includes(a.protocol)) found.push('link ' + a.href);
  }
  return found;
}"""


@pytest.fixture(scope="module")
def live(tmp_path_factory, blog_db):  # noqa: F811
    """The app on a real server, with every payload posted and approved; its URL and admin cookie."""
    path = tmp_path_factory.mktemp("live") / "w.db"
    shutil.copy(blog_db, path)
    app = create_app(load_settings(db=str(path), min_fill_seconds=0, comments_per_ip_per_hour=10_000,
                                   secure_cookies=False))
    with running(app, free_port()) as base:
        with open_store(path) as store:
            slug = posts.all_posts(store)[0].slug
            cookie, _ = start_session(store, "host")
        with httpx.Client(base_url=base, timeout=30) as client:
            for n, payload in enumerate(XSS_PAYLOADS):
                for form in ({"name": f"Text {n}", "comment": f"{payload}\n\n(payload {n})"},
                             {"name": payload, "comment": f"Payload {n} as the name."},
                             {"name": f"Site {n}", "comment": f"Payload {n} as the website.",
                              "website": payload}):
                    page = client.get(f"/posts/{slug}").text  # (a form is taken once: one per comment)
                    token = re.search(r'name="token" value="([^"]+)"', page.split('id="respond"')[1]).group(1)
                    base_form = {"token": token, "email": f"xss{n}@example.org", "url2": ""}
                    answer = client.post(f"/posts/{slug}/comments", data={**base_form, **form})
                    assert answer.status_code in (200, 400), (payload, answer.status_code)
        with open_store(path) as store:
            ids = [i for (i,) in store.query("SELECT id FROM comments")]
            assert len(ids) >= 2 * len(XSS_PAYLOADS) - 10
            lib.approve(store, ids)
        yield {"base": base, "slug": slug, "cookie": cookie, "count": len(ids)}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


def watched_page(context):
    """A page with every dialog, console error and page error recorded."""
    page = context.new_page()
    problems: list[str] = []

    def on_dialog(dialog):
        problems.append(f"dialog: {dialog.type} {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    return page, problems


def check(page, problems: list[str], expected: str | None = None) -> None:
    """Nothing ran; ``expected`` names the one console message allowed (a refused form's status)."""
    page.wait_for_timeout(300)  # give a smuggled handler (onload, onerror, autofocus) its chance
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert page.evaluate(DOM_CHECK) == []
    assert [p for p in problems if not (expected and expected in p)] == []
    problems.clear()


def test_no_payload_runs_on_the_post_page(browser, live):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page, problems = watched_page(context)
    page.goto(f"{live['base']}/posts/{live['slug']}", wait_until="load")
    assert page.locator("#comments li.comment").count() == live["count"]
    for link in page.locator("#comments .comment-name a").all()[:40]:
        link.hover()  # an onmouseover that slipped through would fire now
    page.locator("#comments").scroll_into_view_if_needed()
    check(page, problems)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#comments li.comment").first.screenshot(path=str(ARTIFACTS / "comments-xss-first.png"))
    context.close()


def test_no_payload_runs_in_the_admin_queue(browser, live):
    context = browser.new_context()
    context.add_cookies([{"name": SESSION_COOKIE, "value": live["cookie"], "url": live["base"]}])
    page, problems = watched_page(context)
    page.goto(f"{live['base']}/admin/comments", wait_until="load")
    assert page.locator("table.comment-queue tbody tr").count() == live["count"]
    check(page, problems)
    context.close()


def test_payloads_typed_into_the_form_in_the_browser_do_not_run(browser, live):
    """The visitor's path: the form on the post page, the answer page, the form shown again."""
    context = browser.new_context()
    page, problems = watched_page(context)
    for n, payload in enumerate(XSS_PAYLOADS[:12]):
        page.goto(f"{live['base']}/posts/{live['slug']}", wait_until="load")
        page.fill("#respond input[name=name]", payload[:80])
        page.fill("#respond input[name=email]", f"browser{n}@example.org")
        page.evaluate("([sel, v]) => { document.querySelector(sel).value = v; "
                      "document.querySelector('#respond form').noValidate = true; }",
                      ["#respond input[name=website]", payload])  # past the browser's own URL check
        page.fill("#respond textarea[name=comment]", f"{payload} typed in a browser ({n})")
        page.click("#respond button[type=submit]")
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() in ("Thank you", "Your comment was not posted")
        check(page, problems, expected="the server responded with a status of 400")
    context.close()


def test_a_reply_link_opens_the_form_for_that_comment(browser, live):
    context = browser.new_context()
    page, problems = watched_page(context)
    page.goto(f"{live['base']}/posts/{live['slug']}", wait_until="load")
    page.locator("#comments .comment-reply").nth(3).click()
    page.wait_for_load_state("load")
    assert "replytocom=" in page.url and page.url.endswith("#respond")
    assert page.locator("#respond input[name=parent]").count() == 1
    assert page.locator("#respond h2").inner_text().startswith("Reply to ")
    check(page, problems)
    context.close()
