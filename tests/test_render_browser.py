"""The HTML recap in a real browser (Debian's chromium, driven by Playwright): no console
errors, no network requests, working links on highlights, drawn charts, no sideways
scrolling on a phone, and a screenshot to look at."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

import pytest
from browser import launch
from playwright.sync_api import sync_playwright
from test_render import sample_recap

from chatrecap.analysis.sessions import find_sessions
from chatrecap.importer import import_file
from chatrecap.recap.build import build_recap
from chatrecap.render import html
from chatrecap.sources.base import ReadOptions
from chatrecap.store import open_store

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"



@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = launch(p)
        yield browser
        browser.close()


def example_recap(tmp_path):
    """The recap `chatrecap demo` writes, of the bundled example chat."""
    example = files("chatrecap") / "examples" / "b2bchat-example.jsonl"
    with as_file(example) as path, open_store(tmp_path / "w.db") as store:
        import_file(store, Path(path), "twarc2", ReadOptions(chat="#B2Bchat"))
        return build_recap(store, find_sessions(store, "#B2Bchat")[-1])


@pytest.fixture(scope="module", params=["sample", "example"])
def recap(request, tmp_path_factory):
    if request.param == "sample":
        return sample_recap()
    return example_recap(tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="module")
def page_url(recap, tmp_path_factory):
    path = tmp_path_factory.mktemp("recap") / "recap.html"
    path.write_bytes(html.render(recap))
    return path.as_uri()


def shot_name(recap, suffix=""):
    kind = "example" if recap.hashtag == "B2Bchat" and len(recap.posts) > 100 else "sample"
    return f"recap-{kind}{suffix}.png"


def open_page(browser, url, **context_options):
    """A page with every console error, page error and non-local request recorded."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:"))
            else problems.append(f"request: {r.url}"))
    page.goto(url, wait_until="load")
    return context, page, problems


def test_the_page_loads_cleanly_and_links_highlights(browser, page_url, recap):
    context, page, problems = open_page(browser, page_url, viewport={"width": 1100, "height": 900})
    try:
        cards = page.locator(".post-card.highlight")
        assert cards.count() == len(recap.highlights)
        for i in range(cards.count()):
            card = cards.nth(i)
            post = recap.posts[card.get_attribute("data-post-id")]
            hrefs = card.locator("a[href]").evaluate_all("els => els.map(e => e.getAttribute('href'))")
            if post.url is not None:
                assert post.url in hrefs, f"highlight {post.id} does not link to {post.url}"
        if recap.questions[0].answer_ids[1] in recap.posts and "<script>" in recap.posts[
                recap.questions[0].answer_ids[1]].text:  # the sample's hostile post shows as text
            assert "<script>" in page.locator(
                f'[data-post-id="{recap.questions[0].answer_ids[1]}"] .post-text').first.inner_text()
        assert cards.count() >= 1

        charts = page.locator("#numbers svg.chart")
        assert charts.count() == 2
        for i in range(charts.count()):
            chart = charts.nth(i)
            box = chart.bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0
            assert chart.locator("rect, path, polyline").count() > 0
            assert chart.get_attribute("role") == "img" and chart.locator("title").count() >= 1

        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / shot_name(recap)
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 0
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert problems == []
    finally:
        context.close()


def test_no_horizontal_overflow_on_a_phone(browser, page_url, recap):
    context, page, problems = open_page(browser, page_url, viewport={"width": 390, "height": 844},
                                        device_scale_factor=2, is_mobile=True)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / shot_name(recap, "-mobile")), full_page=True)
        assert problems == []
    finally:
        context.close()


def test_the_network_picture_names_on_hover_and_opens_posts_on_click(browser, page_url, recap):
    """Each circle is a link: hovering shows the account's handle, clicking opens the
    account's posts in the session (no script: a link into a closed <details>)."""
    net = recap.leaders.network if recap.leaders else None
    context, page, problems = open_page(browser, page_url, viewport={"width": 1100, "height": 900})
    try:
        nodes = page.locator("#thought-leaders a.net-node")
        if net is None:
            assert nodes.count() == 0
            return
        assert nodes.count() == len(net.nodes) >= 10
        assert page.locator("#thought-leaders svg.chart").get_attribute("role") == "group"
        # The least recognised circle carries no written label until hovered.
        quiet = min(range(len(net.nodes)), key=lambda i: (net.nodes[i].recognition, i))
        node = page.locator(f'a.net-node[href="#account-posts-{quiet + 1}"]')
        label = node.locator("text.net-label")
        assert label.evaluate("e => getComputedStyle(e).visibility") == "hidden"
        node.locator("circle").hover()
        assert label.evaluate("e => getComputedStyle(e).visibility") == "visible"
        assert label.text_content() == "@" + net.nodes[quiet].handle
        assert net.nodes[quiet].handle in node.locator("circle title").text_content()

        assert page.locator(".account-posts details[open]").count() == 0
        busiest = max(range(len(net.nodes)), key=lambda i: (len(net.nodes[i].post_ids), -i))
        page.locator(f'a.net-node[href="#account-posts-{busiest + 1}"] circle').click()
        opened = page.locator(".account-posts details[open]")
        assert opened.count() == 1
        listed = page.locator(f"#account-posts-{busiest + 1}")
        assert listed.is_visible()
        first = recap.posts[net.nodes[busiest].post_ids[0]]
        assert first.text.split()[0] in listed.locator("li").first.inner_text()
        assert listed.locator("li").count() == min(len(net.nodes[busiest].post_ids), 10) + (
            len(net.nodes[busiest].post_ids) > 10)
        assert problems == []
    finally:
        context.close()

