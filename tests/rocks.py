"""A local copy of webmention.rocks' 23 discovery tests, served on 127.0.0.1.

Each test is a page at ``/test/N`` that declares its endpoint the way the original does
(an HTTP Link header, a ``<link>`` or an ``<a>``, relative or absolute, with decoys in
comments, escaped markup, other rel values, later elements). Every POST the server gets is
recorded, wherever it goes: a sender that picked a decoy posts to a ``.../error`` path (or
to the page itself) and the test sees it. Test 23's page is a redirect to a page whose
endpoint is relative to the redirect's target.
"""

from __future__ import annotations

import http.server
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs

from other_blog import QuietHandler

# Test 23: the page redirects here, and the endpoint is relative to this URL.
REDIRECTED = "/test/23/page/5ZpMrKqf"


@dataclass(frozen=True)
class Case:
    name: str
    endpoint: str  # the path (and query) the webmention must go to
    headers: tuple[tuple[str, str], ...] = ()  # "{base}" stands for the server's origin
    head: str = ""
    body: str = ""
    page: str = ""  # the target's path, when not /test/N


CASES: dict[int, Case] = {
    1: Case("HTTP Link header, unquoted rel, relative URL", "/test/1/webmention",
            (("Link", "</test/1/webmention>; rel=webmention"),)),
    2: Case("HTTP Link header, unquoted rel, absolute URL", "/test/2/webmention",
            (("Link", "<{base}/test/2/webmention>; rel=webmention"),)),
    3: Case("HTML <link> tag, relative URL", "/test/3/webmention",
            head='<link rel="webmention" href="/test/3/webmention">'),
    4: Case("HTML <link> tag, absolute URL", "/test/4/webmention",
            head='<link href="{base}/test/4/webmention" rel="webmention">'),
    5: Case("HTML <a> tag, relative URL", "/test/5/webmention",
            body='This post advertises its <a rel="webmention" href="/test/5/webmention">Webmention '
                 'endpoint</a> with an HTML <code>&lt;a&gt;</code> tag in the body.'),
    6: Case("HTML <a> tag, absolute URL", "/test/6/webmention",
            body='This post advertises its <a href="{base}/test/6/webmention" rel="webmention">Webmention '
                 'endpoint</a> with an HTML <code>&lt;a&gt;</code> tag in the body.'),
    7: Case("HTTP Link header with strange casing", "/test/7/webmention",
            (("LinK", "<{base}/test/7/webmention>; rel=webmention"),)),
    8: Case("HTTP Link header, quoted rel", "/test/8/webmention",
            (("Link", '<{base}/test/8/webmention>; rel="webmention"'),)),
    9: Case("Multiple rel values on a <link> tag", "/test/9/webmention",
            head='<link rel="webmention somethingelse" href="{base}/test/9/webmention">'),
    10: Case("Multiple rel values on a Link header", "/test/10/webmention",
             (("Link", '<{base}/test/10/webmention>; rel="webmention somethingelse"'),)),
    11: Case("Multiple Webmention endpoints advertised: Link, <link>, <a>", "/test/11/webmention",
             (("Link", '</test/11/webmention>; rel="webmention"'),),
             head='<link rel="webmention" href="/test/11/webmention/error">',
             body='This post advertises its endpoint in the Link header, a &lt;link&gt; tag and an '
                  '<a href="/test/11/webmention/error" rel="webmention">&lt;a&gt; tag</a>.'),
    12: Case("Checking for exact match of rel=webmention", "/test/12/webmention",
             head='<link rel="not-webmention" href="/test/12/webmention/error">',
             body='There is also a <a href="/test/12/webmention" rel="webmention">correct endpoint</a>.'),
    13: Case("False endpoint inside an HTML comment", "/test/13/webmention",
             body='This post contains an HTML comment <!-- <a href="/test/13/webmention/error" '
                  'rel="webmention"></a> --> and a <a href="/test/13/webmention" rel="webmention">correct '
                  'endpoint</a>.'),
    14: Case("False endpoint in escaped HTML", "/test/14/webmention",
             body='Sample code: <code>&lt;a href="/test/14/webmention/error" rel="webmention"&gt;&lt;/a&gt;'
                  '</code> There is also a <a href="/test/14/webmention" rel="webmention">correct '
                  'endpoint</a>.'),
    15: Case("Webmention href is an empty string", "/test/15",
             head='<link rel="webmention" href="">'),
    16: Case("Multiple Webmention endpoints advertised: <a>, <link>", "/test/16/webmention",
             body='An <a href="/test/16/webmention" rel="webmention">&lt;a&gt; tag</a>, followed by a '
                  'later &lt;link&gt; tag. <link rel="webmention" href="/test/16/webmention/error">'),
    17: Case("Multiple Webmention endpoints advertised: <link>, <a>", "/test/17/webmention",
             body='A &lt;link&gt; tag <link rel="webmention" href="/test/17/webmention"> followed by an '
                  '<a href="/test/17/webmention/error" rel="webmention">&lt;a&gt; tag</a>.'),
    18: Case("Multiple HTTP Link headers", "/test/18/webmention",
             (("Link", '<{base}/test/18/webmention/error>; rel="other"'),
              ("Link", '<{base}/test/18/webmention>; rel="webmention"'))),
    19: Case("Single HTTP Link header with multiple values", "/test/19/webmention",
             (("Link", '<{base}/test/19/webmention/error>; rel="other", '
                       '<{base}/test/19/webmention>; rel="webmention"'),)),
    20: Case("Link tag with no href attribute", "/test/20/webmention",
             body='This post has a &lt;link&gt; tag <link rel="webmention"> which has no href attribute; '
                  'send the webmention to <a href="/test/20/webmention" rel="webmention">this '
                  'endpoint</a> instead.'),
    21: Case("Webmention endpoint has query string parameters", "/test/21/webmention?query=yes",
             head='<link rel="webmention" href="/test/21/webmention?query=yes">'),
    22: Case("Webmention endpoint is relative to the path", "/test/22/webmention",
             head='<link rel="webmention" href="22/webmention">'),
    23: Case("Webmention target is a redirect and the endpoint is relative",
             "/test/23/page/webmention-endpoint/5ZpMrKqf",
             (("Link", '<webmention-endpoint/5ZpMrKqf>; rel="webmention"'),), page="/test/23/page"),
}


@dataclass
class Received:
    path: str  # with the query string
    content_type: str
    form: dict[str, list[str]]


@dataclass
class Rocks:
    server: http.server.ThreadingHTTPServer
    posts: list[Received] = field(default_factory=list)
    gets: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def page(self, number: int) -> str:
        """The URL of test ``number``: the target a post links to."""
        return self.base + (CASES[number].page or f"/test/{number}")

    def endpoint(self, number: int) -> str:
        return self.base + CASES[number].endpoint

    def posted_to(self, prefix: str) -> list[Received]:
        return [p for p in self.posts if p.path == prefix or p.path.startswith(prefix + "/")
                or p.path.startswith(prefix + "?")]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start() -> Rocks:
    lock = threading.Lock()

    class Handler(QuietHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            with lock:
                rocks.gets.append(self.path)
            if self.path == "/test/23/page":
                self.answer(302, "", [("Location", REDIRECTED)])
                return
            number = self.path.removeprefix("/test/")
            if self.path == REDIRECTED:
                number = "23"
            case = CASES.get(int(number)) if number.isdigit() else None
            if case is None or (case.page and self.path != REDIRECTED):
                self.answer(404, "Not Found\n", [("Content-Type", "text/plain")])
                return
            base = rocks.base
            page = (f"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Test #{number}</title>"
                    f"{case.head.replace('{base}', base)}</head>\n<body><h1>{case.name.replace('<', '&lt;')}"
                    f"</h1>\n<p>{case.body.replace('{base}', base)}</p>\n<p><a href=\"/\">Home</a></p>"
                    "</body></html>\n")
            headers = [(name, value.replace("{base}", base)) for name, value in case.headers]
            self.answer(200, page, [("Content-Type", "text/html; charset=utf-8"), *headers])

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            with lock:
                rocks.posts.append(Received(self.path, self.headers.get("Content-Type", ""),
                                            parse_qs(body, keep_blank_values=True)))
            self.answer(202, "Accepted\n", [("Content-Type", "text/plain")])

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    rocks = Rocks(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return rocks
