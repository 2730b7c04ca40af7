"""Webmentions and pingbacks on the web: the two endpoints, a mention's status, what a post
shows of them, and the moderation queue at /admin/mentions.

``POST /webmention`` takes ``source`` and ``target`` (application/x-www-form-urlencoded)
and does the checks that need no fetch (``chatrecap.blog.mentions.receive``): a bad
request gets 400 with one line saying why, a flood 429. A good one is queued for
verification and answered ``201 Created`` with a ``Location``: its status page,
``/webmention/TOKEN``, where TOKEN is the mention's id signed by the site (nobody can read
the status of a mention they did not send). The page says, as text or as JSON when asked
for ``application/json``, one of queued, accepted, published, rejected or removed, and
nothing of the moderation or of what the fetch met.

``POST /xmlrpc`` is Pingback 1.0's ``pingback.ping(sourceURI, targetURI)`` over XML-RPC.
The body (at most ``XMLRPC_MAX_BYTES``) is parsed by defusedxml with DTDs forbidden, so
entity expansion ("billion laughs") and external entities are refused before any is
read. Faults: -32700 not well-formed or a DTD, -32600 not a methodCall, -32601 a method
other than pingback.ping, -32602 not two strings; 0x10 (16) a source that is not an
http(s) URL; 0x20 (32) a post address of this site where no post is published; 0x21 (33)
a target that is not a post of this site; 0x30 (48) a pingback registered before; 0x31
(49) too many pingbacks from the caller's address; 0 anything else wrong with the
request (source and target the same). The spec verifies the source while the caller
waits and answers 0x10 (source does not exist), 0x11 (no link to the target) or 0x32
(upstream error) from what the fetch met. We do not: an answer that depends on the fetch
lets anyone use the server to probe networks (does an address answer, how fast, with
what). The source is verified later, by the same job as a webmention's, and every ping
that passes the checks above gets the same answer, "Pingback received; it will be shown
once verified.", so 0x11 and 0x32 are never returned and 0x10 only for what the URL itself
says.

Post pages advertise both endpoints: ``endpoint_headers`` (``Link: <.../webmention>;
rel="webmention"`` and ``X-Pingback``) on every answer of a post page, kept or freshly
rendered (web.public), and ``<link rel="webmention">``, ``<link rel="pingback">`` in its
head (post.html).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
import xmlrpc.client
from typing import Any
from urllib.parse import parse_qs

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from chatrecap.blog import mentions as lib
from chatrecap.blog.posts import BlogPost
from chatrecap.render import _common as c
from chatrecap.store import Store
from chatrecap.web.app import Web, web_of
from chatrecap.web.deps import NO_STORE, Admin, StoreDep, client_ip, wake
from chatrecap.web.moderation import queue_page, read_form

FORM_MAX_BYTES = 16 << 10  # two URLs of at most 2,000 characters, percent-encoded
XMLRPC_MAX_BYTES = 64 << 10
STATUS_PURPOSE = "mention-status"
STATUS_MAX_AGE = 10 * 365 * 24 * 3600
RECEIVED_TEXT = "Pingback received; it will be shown once verified."
# Pingback 1.0's fault codes, and XML-RPC's own.
SOURCE_DOES_NOT_EXIST, TARGET_DOES_NOT_EXIST, TARGET_NOT_ACCEPTED = 0x10, 0x20, 0x21
ALREADY_REGISTERED, ACCESS_DENIED, GENERIC = 0x30, 0x31, 0
PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602

router = APIRouter()


# --- what post pages carry --------------------------------------------------------------

def endpoint_headers(web: Web) -> dict[str, str]:
    """The headers by which a post page names its webmention and pingback endpoints."""
    return {"Link": f'<{web.url("/webmention")}>; rel="webmention"', "X-Pingback": web.url("/xmlrpc")}


def mentions_html(store: Store, web: Web, post: BlogPost) -> str:
    """The post's approved mentions, grouped, as HTML ("" when there are none). Kept with
    the post's page until its ``comments_version`` changes (web.pagecache)."""
    groups = lib.shown(store, post.id)
    if not groups.total:
        return ""
    return web.templates.get_template("mentions.html").render(post=post, groups=groups, when=c.date_time)


# --- receiving ------------------------------------------------------------------------

async def _body(request: Request, limit: int) -> bytes | None:
    """The request's body, or None when it is longer than ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _text(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status, headers={**NO_STORE, **(headers or {})})


@router.get("/webmention")
def webmention_help(request: Request) -> PlainTextResponse:
    web = web_of(request)
    return _text(200, f"This is the webmention endpoint of {web.settings.site_url}: POST "
                      "source=URL&target=URL (application/x-www-form-urlencoded), the target being one of "
                      "its posts.")


@router.post("/webmention")
async def webmention(request: Request, store: StoreDep) -> Response:
    web = web_of(request)
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        return _text(400, "Send source and target as application/x-www-form-urlencoded form fields.")
    body = await _body(request, FORM_MAX_BYTES)
    if body is None:
        return _text(413, f"The request is larger than {FORM_MAX_BYTES:,} bytes; a webmention is two URLs.")
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        return _text(400, "The form is not valid UTF-8 form data.")
    try:
        mention = lib.receive(store, web.settings, (fields.get("source") or [None])[0],
                              (fields.get("target") or [None])[0], lib.WEBMENTION, client_ip(request))
    except lib.MentionError as exc:
        store.conn.rollback()
        return _text(exc.status, str(exc), {"Retry-After": "3600"} if exc.status == 429 else None)
    wake(request, "link_worker")
    status_url = web.url(f"/webmention/{web.signer.sign(STATUS_PURPOSE, mention.id)}")
    return _text(201, f"Webmention received; it will be verified. Its status: {status_url}",
                 {"Location": status_url})


@router.get("/webmention/{token}")
def webmention_status(token: str, request: Request, store: StoreDep) -> Response:
    """A mention's state for its sender, as text, or JSON for ``Accept: application/json``."""
    web = web_of(request)
    mention_id = web.signer.unsign(STATUS_PURPOSE, token, STATUS_MAX_AGE)
    mention = lib.get_mention(store, mention_id) if isinstance(mention_id, int) else None
    if mention is None:
        return _text(404, "There is no webmention with this status address.")
    state, summary = lib.public_status(mention)
    data = {"source": mention.source, "target": mention.target, "status": state, "summary": summary}
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(data, headers=NO_STORE)
    return _text(200, f"{state}: {summary}\nsource: {mention.source}\ntarget: {mention.target}")


class _CallError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def parse_call(body: bytes) -> tuple[str, list[str | None]]:
    """An XML-RPC methodCall's method name and parameters (strings; None for any other
    type). DTDs are refused outright, so no entity is ever expanded or fetched."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise _CallError(PARSE_ERROR, "Parse error: DTDs and entities are not accepted.") from None
    except ElementTree.ParseError:
        raise _CallError(PARSE_ERROR, "Parse error: the request is not well-formed XML.") from None
    except (ValueError, LookupError):  # an encoding expat cannot read ("utf-7") or does not know
        raise _CallError(PARSE_ERROR, "Parse error: the request's XML encoding is not supported.") from None
    name = (root.findtext("methodName") or "").strip() if root.tag == "methodCall" else ""
    if not name:
        raise _CallError(INVALID_REQUEST, "Invalid request: an XML-RPC methodCall with a methodName is "
                                          "expected.")
    return name, [_string(param.find("value")) for param in root.findall("params/param")]


def _string(value: ElementTree.Element | None) -> str | None:
    if value is None:
        return None
    children = list(value)
    if not children:
        return value.text or ""  # a value without a type is a string
    if len(children) == 1 and children[0].tag == "string":
        return children[0].text or ""
    return None


def _answer(value: Any) -> Response:
    if isinstance(value, xmlrpc.client.Fault):
        text = xmlrpc.client.dumps(value, methodresponse=True)
    else:
        text = xmlrpc.client.dumps((value,), methodresponse=True)
    return Response(text, media_type="text/xml; charset=utf-8", headers=NO_STORE)


def _fault(code: int, message: str) -> Response:
    return _answer(xmlrpc.client.Fault(code, message))


@router.post("/xmlrpc")
async def xmlrpc_endpoint(request: Request, store: StoreDep) -> Response:
    """Pingback 1.0 (see the module's docstring for the faults and why none depends on the source)."""
    web = web_of(request)
    body = await _body(request, XMLRPC_MAX_BYTES)
    if body is None:
        return _text(413, f"The request is larger than {XMLRPC_MAX_BYTES:,} bytes.")
    try:
        method, params = parse_call(body)
    except _CallError as exc:
        return _fault(exc.code, str(exc))
    if method != "pingback.ping":
        return _fault(METHOD_NOT_FOUND, f"Method {method[:100]!r} not found: this server has pingback.ping "
                                        "only.")
    if len(params) != 2 or None in params:
        return _fault(INVALID_PARAMS, "Invalid params: pingback.ping takes two strings, sourceURI and "
                                      "targetURI.")
    try:
        lib.receive(store, web.settings, params[0], params[1], lib.PINGBACK, client_ip(request))
    except lib.MentionError as exc:
        store.conn.rollback()
        return _fault(_fault_code(exc), str(exc))
    wake(request, "link_worker")
    return _answer(RECEIVED_TEXT)


def _fault_code(exc: lib.MentionError) -> int:
    if isinstance(exc, lib.RateLimited):
        return ACCESS_DENIED
    if isinstance(exc, lib.AlreadyRegistered):
        return ALREADY_REGISTERED
    if isinstance(exc, lib.TargetNotFound):
        return TARGET_DOES_NOT_EXIST
    if isinstance(exc, lib.TargetNotAccepted):
        return TARGET_NOT_ACCEPTED
    if isinstance(exc, lib.BadURL):
        return SOURCE_DOES_NOT_EXIST if exc.which == "source" else TARGET_NOT_ACCEPTED
    return GENERIC


# --- moderation -----------------------------------------------------------------------

@router.get("/admin/mentions")
def moderation_queue(request: Request, admin: Admin, store: StoreDep, show: str = "all",
                     done: str | None = None, n: int = 0) -> HTMLResponse:
    return queue_page(request, admin, "admin_mentions.html", "mention", show, done, n,
                      lambda pending_only, limit: lib.list_mentions(store, pending_only, limit),
                      lib.pending_count(store))


@router.post("/admin/mentions")
async def moderate(request: Request, admin: Admin, store: StoreDep) -> Response:
    moderation = await read_form(request, admin, "/admin/mentions")
    return moderation.back(lib.moderate(store, moderation.action, moderation.ids))
