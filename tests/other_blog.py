"""Real peers on loopback for the webmention and pingback tests: another blog that serves
the pages a test gives it, our own app on uvicorn, and the quiet request handler the
other local servers (tests/rocks.py, the discovery and sending tests) answer with."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import uvicorn


@dataclass
class Page:
    body: str | bytes = ""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class QuietHandler(BaseHTTPRequestHandler):
    """http.server's handler that logs nothing and answers in one call."""

    def log_message(self, *args: Any) -> None:
        pass

    def answer(self, status: int, body: str | bytes,
               headers: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        """The whole response: ``headers`` as given (a name may repeat), then Content-Length."""
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        for name, value in headers.items() if isinstance(headers, Mapping) else headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class OtherBlog:
    """A threaded http.server on 127.0.0.1: ``pages[path]`` is what it answers (404 for
    the rest); ``requests`` lists the paths it was asked for, in order."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[str] = []
        blog = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                blog.requests.append(self.path)
                page = blog.pages.get(self.path, Page("Not here", 404, "text/plain"))
                self.answer(page.status, page.body,
                            [("Content-Type", page.content_type), *page.headers.items()])

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> OtherBlog:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: str | bytes = "", status: int = 200,
              content_type: str = "text/html; charset=utf-8", **headers: str) -> str:
        self.pages[path] = Page(body, status, content_type, headers)
        return self.url(path)


@contextmanager
def running(app: Any, port: int):
    """``app`` on uvicorn at 127.0.0.1:``port`` (its lifespan starts the workers)."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        assert thread.is_alive(), "the server stopped while starting"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def wait_until(check: Any, seconds: float = 20.0, what: str = "the condition") -> Any:
    """Poll ``check()`` until it returns something true; that value."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def h_entry(target: str, *, kind: str = "in-reply-to", author: str = "Pat Peer",
            author_url: str = "https://pat.example/", content: str = "<p>Good recap.</p>",
            title: str = "", published: str = "2024-03-15T10:00:00+01:00",
            page_title: str = "Pat's blog") -> str:
    """A page holding one h-entry that links to ``target``: a reply (``in-reply-to``), a
    like (``like-of``), a repost (``repost-of``), or a mention (``kind=""``: a link in the text)."""
    link = (f'<a class="u-{kind}" href="{target}">the recap</a>' if kind
            else f'<p>I read <a href="{target}">this recap</a>.</p>')
    name = f'<h1 class="p-name">{title}</h1>' if title else ""
    return (f"<!DOCTYPE html><html><head><title>{page_title}</title></head><body>"
            f'<article class="h-entry">{name}'
            f'<a class="p-author h-card" href="{author_url}">{author}</a>'
            f'<time class="dt-published" datetime="{published}">{published}</time>'
            f'{link}<div class="e-content">{content}</div></article></body></html>')
