"""Endpoint discovery and sending against a local copy of webmention.rocks' 23 discovery
tests (tests/rocks.py), then the cases around them: pingback as the fallback, content types
that are not parsed, the document's base URL, and the SSRF guard in front of all of it."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
import rocks
from other_blog import QuietHandler

from chatrecap.blog.discovery import PINGBACK, WEBMENTION, Endpoint, discover
from chatrecap.blog.fetch import Refused, guard_for
from chatrecap.blog.outgoing import NO_ENDPOINT, REFUSED, SENT, deliver
from chatrecap.web.settings import Settings

SOURCE = "https://recaps.example.org/posts/b2bchat-recap"
LOOPBACK = guard_for(Settings(fetch_allow="127.0.0.0/8"))


@pytest.fixture(scope="module")
def suite() -> Iterator[rocks.Rocks]:
    server = rocks.start()
    yield server
    server.close()


def test_the_local_suite_has_the_23_discovery_tests_of_webmention_rocks():
    assert sorted(rocks.CASES) == list(range(1, 24))


@pytest.mark.parametrize("number", sorted(rocks.CASES), ids=lambda n: f"test-{n}")
def test_discovery_finds_the_endpoint_and_the_webmention_reaches_it(suite, number):
    target = suite.page(number)
    found = discover(target, LOOPBACK)
    assert found.endpoint == Endpoint(WEBMENTION, suite.endpoint(number)), rocks.CASES[number].name

    before = len(suite.posts)
    outcome = deliver(SOURCE, target, LOOPBACK)
    assert outcome.status == SENT, outcome.detail
    assert outcome.endpoint == suite.endpoint(number)
    received = suite.posts[before:]
    assert len(received) == 1  # one webmention, to no decoy
    assert received[0].path == rocks.CASES[number].endpoint
    assert received[0].content_type == "application/x-www-form-urlencoded"
    assert received[0].form == {"source": [SOURCE], "target": [target]}  # the query stays in the URL


def test_test_23_follows_the_redirect_and_resolves_against_its_target(suite):
    found = discover(suite.page(23), LOOPBACK)
    assert found.url == suite.base + rocks.REDIRECTED
    assert found.target == suite.page(23)


def test_without_the_allowlist_a_loopback_target_is_refused_and_never_fetched(suite):
    before = (len(suite.gets), len(suite.posts))
    with pytest.raises(Refused):
        discover(suite.page(1), guard_for(Settings()))
    outcome = deliver(SOURCE, suite.page(1), guard_for(Settings()))
    assert outcome.status == REFUSED
    assert "127.0.0.1" in outcome.detail and "not a public address" in outcome.detail
    assert (len(suite.gets), len(suite.posts)) == before


# --- beyond the suite: pingback, content types, base URLs ---------------------------------

class Pages(http.server.ThreadingHTTPServer):
    """Pages whose answer (status, headers, body) each test sets: path -> answer."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _PageHandler)
        self.answers: dict[str, tuple[int, dict[str, str], str]] = {}

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"


class _PageHandler(QuietHandler):
    server: Pages

    def do_GET(self) -> None:  # noqa: N802
        status, headers, body = self.server.answers.get(self.path, (404, {}, "no"))
        self.answer(status, body, headers)


@pytest.fixture(scope="module")
def pages() -> Iterator[Pages]:
    server = Pages()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


HTML = {"Content-Type": "text/html; charset=utf-8"}


def _found(pages: Pages, path: str, status: int, headers: dict[str, str], body: str) -> Endpoint | None:
    pages.answers[path] = (status, headers, body)
    return discover(pages.base + path, LOOPBACK).endpoint


def test_a_page_without_a_webmention_endpoint_offers_its_x_pingback_server(pages):
    found = _found(pages, "/xp", 200, {**HTML, "X-Pingback": "/xmlrpc.php"},
                   '<link rel="pingback" href="/other.php"><p>hi</p>')
    assert found == Endpoint(PINGBACK, pages.base + "/xmlrpc.php")  # the header before the element


def test_a_pingback_link_element_is_the_last_resort(pages):
    found = _found(pages, "/lp", 200, HTML, '<head><link rel="pingback" href="https://blog.example/xmlrpc.php">'
                   '</head><p>hi</p>')
    assert found == Endpoint(PINGBACK, "https://blog.example/xmlrpc.php")


def test_webmention_wins_over_pingback_wherever_each_is_declared(pages):
    found = _found(pages, "/both", 200, {**HTML, "X-Pingback": "/xmlrpc.php"},
                   '<p><a rel="webmention" href="/wm">endpoint</a></p>')
    assert found == Endpoint(WEBMENTION, pages.base + "/wm")


def test_markup_in_a_document_that_is_not_html_is_not_searched(pages):
    assert _found(pages, "/plain", 200, {"Content-Type": "text/plain"},
                  '<link rel="webmention" href="/wm">') is None
    assert _found(pages, "/json", 200, {"Content-Type": "application/json"},
                  '{"html": "<a rel=\\"webmention\\" href=\\"/wm\\">"}') is None


def test_a_link_header_counts_whatever_the_content_type(pages):
    headers = {"Content-Type": "image/png", "Link": '</wm-img>; rel="webmention"'}
    found = _found(pages, "/img", 200, headers, "PNG")
    assert found == Endpoint(WEBMENTION, pages.base + "/wm-img")


def test_relative_hrefs_in_html_follow_the_documents_base_url(pages):
    found = _found(pages, "/dir/page", 200, HTML,
                   '<head><base href="/other/"><link rel="webmention" href="wm?x=1&amp;y=2"></head>')
    assert found == Endpoint(WEBMENTION, pages.base + "/other/wm?x=1&y=2")


def test_rel_values_are_matched_as_words_whatever_their_case(pages):
    assert _found(pages, "/case", 200, HTML, '<a rel="Nofollow WebMention" href="/wm-case">x</a>') == \
        Endpoint(WEBMENTION, pages.base + "/wm-case")
    assert _found(pages, "/partial", 200, HTML, '<a rel="webmentions" href="/no">x</a>'
                  '<a rel="x-webmention" href="/no">y</a>') is None


def test_an_error_page_is_not_searched_and_says_why(pages):
    pages.answers["/gone"] = (410, {**HTML, "Link": '</wm>; rel="webmention"'}, "Gone")
    found = discover(pages.base + "/gone", LOOPBACK)
    assert (found.status, found.endpoint) == (410, None)
    outcome = deliver(SOURCE, pages.base + "/gone", LOOPBACK)
    assert outcome.status == NO_ENDPOINT and "410" in outcome.detail


def test_an_endpoint_outside_the_allowlist_is_refused_though_its_page_was_fetched(pages):
    only_this_address = guard_for(Settings(fetch_allow="127.0.0.1/32"))
    port = pages.server_port
    link = f'<http://127.0.0.2:{port}/wm>; rel="webmention"'
    pages.answers["/elsewhere"] = (200, {**HTML, "Link": link}, "hi")
    outcome = deliver(SOURCE, pages.base + "/elsewhere", only_this_address)
    assert (outcome.status, outcome.endpoint) == (REFUSED, f"http://127.0.0.2:{port}/wm")
    assert "127.0.0.2 is not a public address" in outcome.detail
