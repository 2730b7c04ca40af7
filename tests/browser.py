"""What the real-browser tests share: Debian's chromium, launched by Playwright with the same
flags everywhere, and the host's first steps in the admin (log in, upload the bundled
example, open its recap, rename a takeaway)."""

from __future__ import annotations

import re
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
HEADLINE = "Teach before you sell"  # what import_example_and_rename calls the first takeaway


def launch(playwright: Any) -> Any:
    """Debian's chromium, or a clear failure when it is not installed."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: scripts/test.sh installs it (apt-get install chromium).",
                    pytrace=False)
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


def import_example_and_rename(page: Any, base: str, *, start: str, username: str, password: str,
                              upload_link: str | None = None) -> None:
    """Log in by way of ``start`` (an admin path: it sends to the login first, then back),
    upload the bundled example (by ``upload_link`` when given, else by going to
    /admin/upload), wait for its 300 posts, open the session's recap from the chats and
    rename the first takeaway's headline to HEADLINE."""
    page.goto(base + start)
    assert "/admin/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button:has-text('Log in')")
    assert page.url.rstrip("/") == base + start.rstrip("/")

    if upload_link:
        page.click(upload_link)
    else:
        page.goto(f"{base}/admin/upload")
    with as_file(files("chatrecap") / "examples" / "b2bchat-example.jsonl") as archive:
        page.set_input_files("input[name=archive]", str(archive))
        page.fill("input[name=chat]", "#B2Bchat")
        page.click("text=Upload and import")  # the file is read now: keep it till here
    # Without JavaScript the page reloads itself (a meta refresh) until the import is done.
    page.locator("tr", has_text="Posts imported").wait_for(timeout=60_000)
    assert "300" in page.locator("tr", has_text="Posts imported").inner_text()

    page.click("text=Go to the chats")
    page.click("text=Open the recap")
    assert re.search(r"/admin/posts/\d+$", page.url)
    headline = page.locator("form.headline-form").first
    headline.locator("input[name=headline]").fill(HEADLINE)
    headline.locator("button").click()
