"""Webmentions and pingbacks sent for a post's links, through the real admin routes, the
durable job queue and its worker, to a second HTTP server on loopback playing the other
blog: one page takes webmentions, one only pingbacks (a real XML-RPC server), one offers
nothing, one refuses, one errors. Publishing again notifies the pages no longer linked;
unpublishing answers 410 and notifies them all; without the allowlist nothing on loopback
is contacted. The post's body is the recap of a small chat whose posts carry no links, so
every link in it is one the test wrote into the introduction."""

from __future__ import annotations

import csv
import http.server
import shutil
import threading
import time
import xmlrpc.server
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

import pytest
import rocks
from fastapi.testclient import TestClient
from other_blog import QuietHandler
from typer.testing import CliRunner

from chatrecap.analysis.sessions import find_sessions
from chatrecap.blog import jobs, outgoing, posts
from chatrecap.blog.auth import create_admin, start_session
from chatrecap.blog.worker import run_due
from chatrecap.importer import import_file
from chatrecap.sources.base import ReadOptions
from chatrecap.store import open_store
from chatrecap.web.app import create_app
from chatrecap.web.deps import SESSION_COOKIE
from chatrecap.web.settings import load_settings

SITE = "https://recaps.example.org"


# --- the other blog ---------------------------------------------------------------------

@dataclass
class OtherBlog:
    """Pages that link back to nothing but say where they take notifications, and the
    notifications they got."""

    web: http.server.ThreadingHTTPServer
    rpc: xmlrpc.server.SimpleXMLRPCServer
    webmentions: list[tuple[str, str, str]] = field(default_factory=list)  # (endpoint path, source, target)
    pingbacks: list[tuple[str, str]] = field(default_factory=list)
    gets: list[str] = field(default_factory=list)
    broken: bool = True  # /broken answers 500 while this holds

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def requests(self) -> int:
        return len(self.webmentions) + len(self.pingbacks) + len(self.gets)


EVIL_XML = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<methodResponse><params><param><value><string>&lol2;</string></value></param></params></methodResponse>"""


def _start_other_blog() -> OtherBlog:
    lock = threading.Lock()

    def ping(source: str, target: str) -> str:
        with lock:
            seen = (source, target) in blog.pingbacks
            blog.pingbacks.append((source, target))
        if seen:
            raise xmlrpc.client.Fault(0x30, "The pingback has already been registered.")
        return "Thanks for the ping."

    class RpcHandler(xmlrpc.server.SimpleXMLRPCRequestHandler):
        rpc_paths = ("/xmlrpc.php",)

    rpc = xmlrpc.server.SimpleXMLRPCServer(("127.0.0.1", 0), RpcHandler, logRequests=False)
    rpc.register_function(ping, "pingback.ping")

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            with lock:
                blog.gets.append(self.path)
            html = {"Content-Type": "text/html; charset=utf-8"}
            if self.path == "/with-webmention":
                self.answer(200, '<html><head><link rel="webmention" href="/webmention?via=link"></head>'
                                  "<body><p>A post.</p></body></html>", html)
            elif self.path == "/removed-later":
                self.answer(200, "<p>Another post.</p>", {**html, "Link": '</webmention>; rel="webmention"'})
            elif self.path == "/with-pingback":
                self.answer(200, "<p>An old blog.</p>",
                             {**html, "X-Pingback": f"http://127.0.0.1:{rpc.server_address[1]}/xmlrpc.php"})
            elif self.path == "/evil-pingback":
                self.answer(200, '<link rel="pingback" href="/evil-xmlrpc"><p>Hm.</p>', html)
            elif self.path == "/without-endpoint":
                self.answer(200, "<p>No endpoint here.</p>", html)
            elif self.path == "/rejects":
                self.answer(200, '<p><a rel="webmention" href="/refuse">endpoint</a></p>', html)
            elif self.path == "/broken":
                if blog.broken:
                    self.answer(500, "Internal Server Error", {"Content-Type": "text/plain"})
                else:
                    self.answer(200, "<p>Fixed.</p>", {**html, "Link": "</webmention>; rel=webmention"})
            else:
                self.answer(404, "Not Found", {"Content-Type": "text/plain"})

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path == "/evil-xmlrpc":
                self.answer(200, EVIL_XML.decode(), {"Content-Type": "text/xml"})
                return
            form = parse_qs(body.decode())
            with lock:
                blog.webmentions.append((self.path, form["source"][0], form["target"][0]))
                number = len(blog.webmentions)
            if self.path == "/refuse":
                self.answer(400, "The source does not link to the target.", {"Content-Type": "text/plain"})
            elif "via=link" in self.path:
                self.answer(201, "", {"Location": f"/webmention/status/{number}"})
            else:
                self.answer(202, "Accepted", {"Content-Type": "text/plain"})

    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    web.daemon_threads = True
    blog = OtherBlog(web, rpc)
    for server in (web, rpc):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    return blog


@pytest.fixture
def other() -> Iterator[OtherBlog]:
    blog = _start_other_blog()
    yield blog
    for server in (blog.web, blog.rpc):
        server.shutdown()
        server.server_close()


# --- our blog ---------------------------------------------------------------------------

def _tiny_chat(path: Path) -> None:
    """A chat of 15 posts without a link among them (platform csv: no permalinks)."""
    rows = [("time", "author", "text")]
    lines = [("host", "Welcome to the chat! Q1 What do you read first in the morning?")]
    lines += [(p, f"A1 I read the morning news and blog number {i} first thing")
              for i, p in enumerate(["ann", "bob", "cy", "dee", "eve", "fay"])]
    lines += [("host", "Q2 Where do you write your notes?")]
    lines += [(p, f"A2 I write my notes in a paper notebook number {i}")
              for i, p in enumerate(["ann", "bob", "cy", "dee", "eve", "fay"])]
    lines += [("host", "Thanks everyone for joining the chat today")]
    rows += [(f"2024-03-14T17:{minute:02d}:00Z", who, f"{text} #tinychat")
             for minute, (who, text) in enumerate(lines)]
    with path.open("w", newline="") as out:
        csv.writer(out).writerows(rows)


def _prepare(db: str, folder: Path) -> None:
    """The tiny chat imported, its recap a draft post, an admin."""
    _tiny_chat(folder / "tiny.csv")
    with open_store(db) as store:
        import_file(store, folder / "tiny.csv", "csv", ReadOptions(chat="#tinychat"))
        posts.draft(store, find_sessions(store, "#tinychat")[-1])
        create_admin(store, "host", "a long enough password", email="host@example.org")


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tiny")
    _prepare(str(folder / "w.db"), folder)
    return folder / "w.db"


class Blog:
    """Our app over its own workspace, the admin's client, and the job worker's run."""

    def __init__(self, db: str, **settings) -> None:
        self.settings = load_settings(db=db, base_url=SITE, **{"fetch_allow": "127.0.0.0/8", **settings})
        self.app = create_app(self.settings)
        self.store = self.app.state.web.store()
        self.post = posts.all_posts(self.store)[0]
        self.client = TestClient(self.app, base_url="https://testserver")
        token, self.admin = start_session(self.store, "host")
        self.client.cookies.set(SESSION_COOKIE, token)

    @property
    def source(self) -> str:
        return f"{SITE}/posts/{self.current().slug}"

    def current(self) -> posts.BlogPost:
        post = posts.get_post(self.store, post_id=self.post.id)
        assert post is not None
        return post

    def write(self, *links: str) -> None:
        """Make the introduction link to ``links`` (Markdown), as the host would."""
        intro = "Pages we talked about: " + ", ".join(f"[page {i}]({url})" for i, url in enumerate(links, 1))
        fields = {"csrf": self.admin.csrf_token, "title": "", "slug": "", "tags": "", "intro": intro,
                  "closing": ""}
        answer = self.client.post(f"/admin/posts/{self.post.id}/details", data=fields, follow_redirects=False)
        assert answer.status_code == 303, answer.text[:300]

    def act(self, action: str) -> None:
        answer = self.client.post(f"/admin/posts/{self.post.id}/{action}",
                                  data={"csrf": self.admin.csrf_token}, follow_redirects=False)
        assert answer.status_code == 303, answer.text[:300]

    def run_jobs(self) -> int:
        return run_due(self.store, self.settings, outgoing.HANDLERS)

    def sent(self) -> dict[str, outgoing.SentMention]:
        return {m.target: m for m in outgoing.sent_for_post(self.store, self.post.id)}


@pytest.fixture
def blog(tmp_path, tiny_db) -> Blog:
    shutil.copy(tiny_db, tmp_path / "w.db")
    return Blog(str(tmp_path / "w.db"))


# --- which links count ------------------------------------------------------------------

def test_the_links_that_count_are_external_once_each_in_order_and_capped():
    body = ('<p><a href="#top">top</a> <a href="/posts/other">ours, relative</a> '
            '<a href="https://recaps.example.org/posts/x">ours, absolute</a> '
            '<a href="https://b.example/two#part">b2</a> <a href="mailto:a@b.example">mail</a> '
            '<a href="https://a.example/one">a1</a> <a href="https://b.example/two#other">b2 again</a> '
            '<a href=" HTTPS://c.example/x?q=1 ">c</a> <a href="javascript:alert(1)">js</a> '
            '<a href="http://[::1">broken</a> <a>no href</a> <!-- <a href="https://d.example/">--></p>')
    assert outgoing.links_of(body, SITE) == ["https://b.example/two", "https://a.example/one",
                                             "https://c.example/x?q=1"]
    many = "".join(f'<a href="https://{"x" if i % 2 else "y"}.example/{i}">{i}</a>' for i in range(300))
    assert outgoing.links_of(many, SITE, per_host=20) == [f"https://{'x' if i % 2 else 'y'}.example/{i}"
                                                          for i in range(40)]
    assert len(outgoing.links_of(many, SITE, limit=7)) == 7
    assert outgoing.links_of(f'<a href="https://e.example/{"p" * 3000}">long</a>', SITE) == []


# --- publishing -------------------------------------------------------------------------

def test_publishing_queues_the_work_and_the_worker_notifies_each_linked_page(blog, other):
    pages = ["/with-webmention", "/with-pingback", "/without-endpoint", "/rejects", "/broken"]
    blog.write(*(other.url(p) for p in pages))
    blog.act("publish")
    assert other.requests() == 0  # nothing happens while the request waits
    assert jobs.counts(blog.store, outgoing.SEND_MENTIONS)["queued"] == 1

    blog.run_jobs()
    source = blog.source
    assert other.webmentions == [("/webmention?via=link", source, other.url("/with-webmention")),
                                 ("/refuse", source, other.url("/rejects"))]
    assert other.pingbacks == [(source, other.url("/with-pingback"))]
    sent = blog.sent()
    assert list(sent) == [other.url(p) for p in pages]  # in the post's order
    hit = sent[other.url("/with-webmention")]
    assert (hit.status, hit.protocol, hit.endpoint, hit.http_status) == (
        "sent", "webmention", other.url("/webmention?via=link"), 201)
    assert hit.location == other.url("/webmention/status/1")
    pinged = sent[other.url("/with-pingback")]
    assert (pinged.status, pinged.protocol) == ("sent", "pingback")
    assert pinged.detail == "Accepted: Thanks for the ping."
    assert pinged.endpoint.endswith("/xmlrpc.php")
    assert sent[other.url("/without-endpoint")].status == "no endpoint"
    refused = sent[other.url("/rejects")]
    assert (refused.status, refused.http_status) == ("rejected", 400)
    assert "The source does not link to the target." in refused.detail
    broken = sent[other.url("/broken")]
    assert (broken.status, broken.http_status, broken.attempts) == ("failed", 500, 1)
    assert all(m.source == source and m.linked and m.reason == "linked" for m in sent.values())
    assert jobs.counts(blog.store, outgoing.SEND_MENTION) == {"queued": 1, "done": 4, "failed": 0}

    # The failed one is retried later, by the queue: make "later" now, and the page work.
    other.broken = False
    blog.store.execute("UPDATE jobs SET run_after = ? WHERE status = ?", ("2000-01-01", "queued"))
    blog.store.commit()
    blog.run_jobs()
    assert other.webmentions[-1] == ("/webmention", source, other.url("/broken"))
    retried = blog.sent()[other.url("/broken")]
    assert (retried.status, retried.http_status, retried.attempts) == ("sent", 202, 2)

    page = blog.client.get(f"/admin/posts/{blog.post.id}")
    assert page.status_code == 200
    assert "Webmentions and pingbacks sent (5)" in page.text
    for url in (other.url(p) for p in pages):
        assert url in page.text
    assert "The source does not link to the target." in page.text


def test_publishing_again_tells_the_pages_still_linked_and_those_no_longer_linked(blog, other):
    blog.write(other.url("/with-webmention"), other.url("/removed-later"), other.url("/with-pingback"))
    blog.act("publish")
    blog.run_jobs()
    source = blog.source
    assert sorted(t for _, _, t in other.webmentions) == [other.url("/removed-later"),
                                                          other.url("/with-webmention")]

    blog.write(other.url("/with-webmention"), other.url("/with-pingback"))
    blog.act("publish")
    blog.run_jobs()
    targets = [t for _, _, t in other.webmentions[2:]]
    assert sorted(targets) == [other.url("/removed-later"), other.url("/with-webmention")]
    assert all(s == source for _, s, _ in other.webmentions)
    sent = blog.sent()
    removed = sent[other.url("/removed-later")]
    assert (removed.status, removed.linked, removed.reason) == ("sent", False, "unlinked")
    assert sent[other.url("/with-webmention")].reason == "linked"
    # A pingback server knows no updates: the second ping is "already registered", which is fine.
    assert other.pingbacks == [(source, other.url("/with-pingback"))] * 2
    assert sent[other.url("/with-pingback")].status == "sent"
    assert "Received before (fault 48" in sent[other.url("/with-pingback")].detail

    # Told once of the removal: a third publish does not tell it again.
    blog.act("publish")
    blog.run_jobs()
    assert [t for _, _, t in other.webmentions[4:]] == [other.url("/with-webmention")]
    assert list(blog.sent()) == [other.url("/with-webmention"), other.url("/with-pingback"),
                                 other.url("/removed-later")]


def test_unpublishing_answers_410_and_tells_every_page_it_linked_to(blog, other):
    blog.write(other.url("/with-webmention"), other.url("/removed-later"))
    slug = blog.current().slug
    assert blog.client.get(f"/posts/{slug}").status_code == 404  # a draft is not there at all
    blog.act("publish")
    blog.run_jobs()
    assert blog.client.get(f"/posts/{slug}").status_code == 200

    blog.act("unpublish")
    page = blog.client.get(f"/posts/{slug}")
    assert page.status_code == 410
    assert "no longer published" in page.text
    assert blog.client.get("/posts/never-published-here").status_code == 404
    blog.run_jobs()
    again = sorted(t for _, _, t in other.webmentions[2:])
    assert again == [other.url("/removed-later"), other.url("/with-webmention")]
    assert {(m.reason, m.linked, m.status) for m in blog.sent().values()} == {("deleted", False, "sent")}

    blog.act("publish")  # back: every link is linked again, and told so
    blog.run_jobs()
    assert blog.client.get(f"/posts/{slug}").status_code == 200
    assert sorted(t for _, _, t in other.webmentions[4:]) == again
    assert {(m.reason, m.linked) for m in blog.sent().values()} == {("linked", True)}


def test_without_the_allowlist_a_loopback_target_is_refused_recorded_and_never_contacted(
        tmp_path, tiny_db, other):
    shutil.copy(tiny_db, tmp_path / "w.db")
    blog = Blog(str(tmp_path / "w.db"), fetch_allow="")
    blog.write(other.url("/with-webmention"), other.url("/with-pingback"))
    blog.act("publish")
    blog.run_jobs()
    assert other.requests() == 0
    sent = blog.sent()
    assert {m.status for m in sent.values()} == {"refused"}
    assert "127.0.0.1 is not a public address" in sent[other.url("/with-webmention")].detail
    assert jobs.counts(blog.store, outgoing.SEND_MENTION) == {"queued": 0, "done": 2, "failed": 0}


def test_a_pingback_answer_with_entity_declarations_is_rejected_unread(blog, other):
    blog.write(other.url("/evil-pingback"))
    blog.act("publish")
    blog.run_jobs()
    evil = blog.sent()[other.url("/evil-pingback")]
    assert (evil.status, evil.protocol) == ("rejected", "pingback")
    assert evil.detail.startswith("The answer is not XML-RPC")
    assert "lollol" not in evil.detail


def test_a_post_linking_the_23_webmention_rocks_tests_reaches_each_declared_endpoint(blog, monkeypatch):
    monkeypatch.setattr(outgoing, "MAX_PER_HOST", 30)  # the 23 pages share one host here
    suite = rocks.start()
    try:
        blog.write(*(suite.page(n) for n in sorted(rocks.CASES)))
        blog.act("publish")
        blog.run_jobs()
        source = blog.source
        assert sorted((p.path, p.form["source"][0], p.form["target"][0]) for p in suite.posts) == sorted(
            (case.endpoint, source, suite.page(n)) for n, case in rocks.CASES.items())
        assert {m.status for m in blog.sent().values()} == {"sent"}
    finally:
        suite.close()


def test_the_cli_publish_queues_the_same_work(tmp_path, tiny_db):
    from chatrecap.cli import app

    shutil.copy(tiny_db, tmp_path / "w.db")
    with open_store(tmp_path / "w.db") as store:
        session = posts.all_posts(store)[0].session_id
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "w.db"), "publish", session])
    assert result.exit_code == 0, result.output
    with open_store(tmp_path / "w.db") as store:
        assert jobs.counts(store, outgoing.SEND_MENTIONS)["queued"] == 1


def test_the_apps_own_worker_sends_them(tmp_path, tiny_db, other):
    shutil.copy(tiny_db, tmp_path / "w.db")
    blog = Blog(str(tmp_path / "w.db"))
    blog.write(other.url("/with-webmention"))
    with blog.client:  # runs the app's lifespan: its job worker, woken by the publish
        blog.act("publish")
        deadline = time.monotonic() + 20
        while not other.webmentions and time.monotonic() < deadline:
            time.sleep(0.05)
    assert other.webmentions == [("/webmention?via=link", blog.source, other.url("/with-webmention"))]


def test_sending_is_recorded_the_same_on_postgresql(pg_server, tmp_path, other):
    url = pg_server.url(pg_server.create_database())
    _prepare(url, tmp_path)
    blog = Blog(url)
    blog.write(other.url("/with-webmention"), other.url("/removed-later"))
    blog.act("publish")
    blog.run_jobs()
    blog.write(other.url("/with-webmention"))
    blog.act("publish")
    blog.run_jobs()
    assert len(other.webmentions) == 4
    sent = blog.sent()
    assert [(m.target, m.linked, m.reason, m.status) for m in sent.values()] == [
        (other.url("/with-webmention"), True, "linked", "sent"),
        (other.url("/removed-later"), False, "unlinked", "sent")]
