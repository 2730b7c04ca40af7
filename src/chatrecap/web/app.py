"""The web app: the admin area, the public blog and its comments, over one workspace.

``create_app(settings)`` builds it (FastAPI); `chatrecap serve` runs it on uvicorn. A
request handled in the thread pool borrows a connection to the workspace for itself alone
(FastAPI may run a request's dependencies and its handler on different threads, so a
per-thread connection could serve two requests at once); code on the event loop uses
the loop thread's own connection. Every response carries a
strict Content-Security-Policy: pages work without JavaScript and load nothing from
elsewhere, so an injected script has nowhere to run.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from functools import cached_property
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from chatrecap.blog.auth import Signer, secret_key
from chatrecap.render import _common as c
from chatrecap.store import Store, open_store
from chatrecap.web.settings import SETTINGS_ENV, Settings

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    # Browsers heed it over HTTPS only (so it does no harm on http://127.0.0.1): once a reader
    # reached the site over HTTPS, they never fall back to plain HTTP.
    "Strict-Transport-Security": "max-age=31536000",
}


class Web:
    """What every request handler needs: settings, templates, the signer, the store."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._local = threading.local()
        self._pool: queue.SimpleQueue[Store] = queue.SimpleQueue()
        with open_store(settings.db) as store:  # creates or migrates the workspace once
            self.signer = Signer(secret_key(store))

    def store(self) -> Store:
        """This thread's connection: for code on the event loop (one thread, one request
        at a time between awaits) and for background threads."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = open_store(self.settings.db, migrate=False)
        return store

    def borrow(self) -> Store:
        """A connection for one request alone; give it back with ``give_back``."""
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            return open_store(self.settings.db, migrate=False)

    def give_back(self, store: Store) -> None:
        store.conn.rollback()  # nothing half-done (or a PostgreSQL snapshot) carries over
        self._pool.put(store)

    @cached_property
    def templates(self) -> Environment:
        from chatrecap.render.html import environment

        env = Environment(loader=ChoiceLoader([PackageLoader("chatrecap.web", "templates"),
                                               PackageLoader("chatrecap.render", "templates")]),
                          autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined,
                          auto_reload=False)  # templates ship with the package: no stat per page
        env.filters.update(environment().filters)
        env.globals.update(environment().globals, site_title=self.settings.site_title,
                           site_url=self.settings.site_url, long_date=c.long_date)
        from chatrecap.web.subscriptions import box_globals

        env.globals.update(box_globals(self))  # the subscribe box on every page
        return env

    def render(self, request: Request, template: str, status_code: int = 200,
               headers: dict[str, str] | None = None, **context: Any) -> HTMLResponse:
        page = self.templates.get_template(template).render(request=request, **context)
        return HTMLResponse(page, status_code=status_code, headers=headers)

    def url(self, path: str) -> str:
        """An absolute URL on this site (canonical links, sitemaps, mail)."""
        return self.settings.site_url + path


def web_of(request: Request) -> Web:
    return request.app.state.web


def store_dependency(request: Request) -> Iterator[Store]:
    """A connection of the request's own; a request that fails leaves nothing half-written."""
    web = web_of(request)
    store = web.borrow()
    try:
        yield store
    finally:
        web.give_back(store)


class _SecurityHeaders:
    """Plain ASGI, not BaseHTTPMiddleware: that one costs every request a task and a copy."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


#: Largest request body anything but the upload may send: readers' forms (a comment is at most
#: 10,000 characters) and the admin area's (a recap's edits). The upload has its own limit, and
#: the webmention and pingback endpoints smaller ones of their own.
BODY_MAX_BYTES, ADMIN_BODY_MAX_BYTES = 1 << 20, 8 << 20
UPLOAD_PATH = "/admin/upload"


class _BodyLimit:
    """Refuses a request body over its path's limit with 413 before anything reads it: a
    form is parsed whole (in memory, its files spooled to disk), so without a limit one
    request could take the server's memory or disk. A body without a length is buffered up
    to the limit, then handed on."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS") or path == UPLOAD_PATH:
            await self.app(scope, receive, send)
            return
        limit = ADMIN_BODY_MAX_BYTES if path.startswith("/admin/") else BODY_MAX_BYTES
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit():
            if int(length) > limit:
                await _too_large(scope, receive, send, limit)
                return
            await self.app(scope, receive, send)  # (the server reads no more than it says)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > limit:
                await _too_large(scope, receive, send, limit)
                return
            more = message.get("more_body", False)
        replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

        async def replayed() -> Any:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)


async def _too_large(scope: Any, receive: Any, send: Any, limit: int) -> None:
    response = PlainTextResponse(f"The request is larger than {limit:,} bytes.\n", status_code=413,
                                 headers={"Connection": "close"})
    await response(scope, receive, send)


@asynccontextmanager
async def _background_work(app: FastAPI) -> AsyncIterator[None]:
    """The threads that work through the durable job queue while the app runs: the mail
    worker (nothing runs without an SMTP server) and the link worker (webmentions and
    pingbacks: verifying those received, sending ours)."""
    from chatrecap.blog import mentions, outgoing
    from chatrecap.blog.mail import MailWorker
    from chatrecap.blog.worker import JobWorker

    mail_worker = MailWorker(app.state.web.settings)
    app.state.mail_worker = mail_worker
    mail_worker.start()
    handlers = {mentions.VERIFY: mentions.verify_job, **outgoing.HANDLERS}
    link_worker = JobWorker(app.state.web.settings, handlers, name="chatrecap-links")
    app.state.link_worker = link_worker
    link_worker.start()
    try:
        yield
    finally:
        link_worker.stop()
        mail_worker.stop()


def create_app(settings: Settings) -> FastAPI:
    from chatrecap.web import admin, comments, feeds, mentions, public, subscriptions
    from chatrecap.web.deps import LoginRequired, login_url

    app = FastAPI(title="chatrecap", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=_background_work)
    app.state.web = Web(settings)
    app.add_middleware(_BodyLimit)
    app.add_middleware(_SecurityHeaders)
    # The public pages first: routes are tried in order, and readers' requests are the many
    # (tried last, the post page cost a fifth more CPU). No public path is another router's.
    app.include_router(public.router)
    app.include_router(feeds.router)
    app.include_router(admin.router)
    app.include_router(comments.router)
    app.include_router(subscriptions.router)
    app.include_router(mentions.router)

    @app.exception_handler(LoginRequired)
    async def login_first(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(login_url(exc.next_path), status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Errors as pages (or plain text for feeds and robots.txt), never a traceback."""
        default = exc.status_code == 404 and exc.detail == "Not Found"  # Starlette's own
        message = ("There is no page at this address." if default or not isinstance(exc.detail, str)
                   else exc.detail)
        if request.url.path.endswith((".xml", ".txt", ".atom", ".rss")):
            return PlainTextResponse(message, status_code=exc.status_code, headers=exc.headers)
        title = {403: "Not allowed", 404: "Not found", 405: "Not allowed",
                 429: "Too many requests"}.get(exc.status_code, "Something went wrong")
        return app.state.web.render(request, "error.html", status_code=exc.status_code,
                                    headers=exc.headers, title=title, message=message)

    @app.exception_handler(OverflowError)
    async def no_such_number(request: Request, exc: OverflowError) -> Response:
        """An id in the address too large for the database (``/admin/posts/99...9``): no such page."""
        return await http_error(request, StarletteHTTPException(404))

    return app


def app_from_environment() -> FastAPI:
    """The app of a `chatrecap serve` worker process, with the settings it was given."""
    return create_app(Settings.from_json(os.environ[SETTINGS_ENV]))
