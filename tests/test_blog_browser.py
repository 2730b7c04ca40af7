"""The whole blog path in a real browser (Debian's chromium driven by Playwright) against
`chatrecap serve`'s app on a real uvicorn server: the host logs in, uploads the bundled
example, edits a takeaway and publishes; a visitor opens the public page and comments,
another replies; the host approves both; the reply shows nested under the comment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import HEADLINE, import_example_and_rename, launch
from other_blog import running
from playwright.sync_api import expect, sync_playwright
from test_web_comments import free_port

from chatrecap.blog import posts
from chatrecap.blog.auth import create_admin
from chatrecap.store import open_store
from chatrecap.web.app import create_app
from chatrecap.web.settings import load_settings

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PASSWORD = "correct horse battery staple"
FILL_SECONDS = 1.0  # the form's minimum fill time: a person takes longer, a script does not


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    db = tmp_path_factory.mktemp("blog") / "w.db"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = load_settings(db=str(db), port=port, base_url=base, min_fill_seconds=FILL_SECONDS)
    with open_store(settings.db) as store:
        create_admin(store, "host", PASSWORD, email="host@example.org")
    with running(create_app(settings), port):
        yield base, db


def watch(page, base: str) -> list[str]:
    """Console errors, page errors and requests to anywhere but our server, as they happen."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
    page.on("request", lambda r: None if r.url.startswith((base, "data:"))
            else problems.append(f"request: {r.url}"))
    return problems


def comment(page, name: str, email: str, text: str) -> None:
    form = page.locator("#respond form")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=email]").fill(email)
    form.locator("textarea[name=comment]").fill(text)
    page.wait_for_timeout(FILL_SECONDS * 1000 + 300)
    form.locator("button[type=submit]").click()


def approve_all(admin, base: str) -> None:
    admin.goto(f"{base}/admin/comments")
    while admin.locator("tr.status-pending button[value=approve]").count():
        admin.locator("tr.status-pending button[value=approve]").first.click()


def test_log_in_upload_edit_publish_comment_reply_approve(site):
    base, db = site
    with sync_playwright() as p:
        browser = launch(p)
        try:
            host = browser.new_context(viewport={"width": 1200, "height": 900})
            admin = host.new_page()
            problems = watch(admin, base)

            # Log in, upload the bundled example, open the session's recap and rename a takeaway.
            import_example_and_rename(admin, base, start="/admin", username="host", password=PASSWORD)
            expect(admin.locator("form.headline-form input[name=headline]").first).to_have_value(HEADLINE)

            # Publish.
            admin.locator("button", has_text=re.compile(r"^Publish$")).click()
            with open_store(db) as store:
                [post] = posts.published_posts(store)[0]
            url = f"{base}/posts/{post.slug}"

            # A visitor reads the public page, edited, and comments.
            visitor = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            reader = visitor.new_page()
            problems += watch(reader, base)
            reader.goto(url)
            expect(reader.locator("h1")).to_contain_text(post.title)
            expect(reader.locator(".takeaway-headline", has_text=HEADLINE)).to_have_count(1)
            assert reader.locator("link[rel=canonical]").get_attribute("href") == url
            comment(reader, "Ada Reader", "ada@example.org", "The **trust** point stood out for me.")
            expect(reader.locator("body")).to_contain_text("awaiting moderation")
            reader.goto(url)
            expect(reader.locator("#comments li.comment")).to_have_count(0)  # held

            approve_all(admin, base)
            reader.goto(url)
            first = reader.locator("#comments li.comment", has_text="stood out for me")
            expect(first).to_have_count(1)
            expect(first.locator("strong")).to_have_text("trust")
            first_id = first.get_attribute("id")

            # Another visitor replies to it.
            second = browser.new_context(viewport={"width": 1000, "height": 900})
            replier = second.new_page()
            problems += watch(replier, base)
            replier.goto(url)
            replier.locator(f"#{first_id} a.comment-reply").first.click()
            expect(replier.locator("#respond input[name=parent]")).to_have_count(1)
            comment(replier, "Ben Replier", "ben@example.org", "Agreed, and it takes years to earn.")
            expect(replier.locator("body")).to_contain_text("awaiting moderation")

            approve_all(admin, base)
            reader.goto(url)
            nested = reader.locator(f"#{first_id} li.comment", has_text="takes years to earn")
            expect(nested).to_have_count(1)
            assert "ada@example.org" not in reader.content() and "ben@example.org" not in reader.content()
            ARTIFACTS.mkdir(exist_ok=True)
            reader.locator("#comments").screenshot(path=str(ARTIFACTS / "blog-comments.png"))
            assert problems == []
        finally:
            browser.close()
