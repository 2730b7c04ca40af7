"""Subscriptions on the web: the subscribe box on every page, the confirmation and
unsubscribe pages, one-click unsubscribe, and the admin's screen at /admin/subscribers.

The box (``subscribe_box.html``, in ``base.html``) has no session, so it carries a signed
token (purpose "subscribe-form": the page's path, the time the form was made and a random
part spent on sending) that shows it came from this site recently, was not sent before or
faster than people type (``min_fill_seconds``) and says which page it was on (the consent
record names it). It is made for each request, also on pages the page cache keeps
(``with_form_token`` fills it in). A honeypot field and a limit per IP address stop
scripts; double opt-in does the rest: a request only ever sends the address's owner a
message. The answer to a request is the same page whatever the address's state.

Links from messages: GET shows a page with a button, POST acts (mail scanners follow
links). ``POST /subscription/unsubscribe?token=...`` is also the RFC 8058 one-click
target: the signed token is the authority, no cookie and no form token are needed.
A forged link answers 403, an expired one 400, each with a page that says what to do.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta
from typing import Any

import orjson
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from chatrecap.blog import jobs
from chatrecap.blog import subscriptions as lib
from chatrecap.blog.auth import LoginSession, rate_limited, release, spend_once
from chatrecap.blog.mail import MAIL
from chatrecap.store import Store
from chatrecap.web.app import Web, web_of
from chatrecap.web.deps import (
    NO_STORE,
    Admin,
    StoreDep,
    admin_page,
    check_csrf,
    client_ip,
    form_text,
    redirect,
    wake,
)

FORM_MAX_AGE = 2 * 24 * 3600
SUBSCRIBES_PER_IP_PER_HOUR = 10
# What a page kept by the page cache holds where each request's own token goes.
TOKEN_PLACE = "chatrecap-subscribe-token"
_TOKEN_BYTES = TOKEN_PLACE.encode()
_NO_BOX = ("/admin", "/subscribe", "/subscription")  # pages that show no subscribe box

router = APIRouter()


# --- the box on every page ---------------------------------------------------------------

def form_token(web: Web, path: str) -> str:
    return web.signer.sign(lib.FORM_PURPOSE, [path, time.time(), secrets.token_urlsafe(12)])


def box_globals(web: Web) -> dict[str, Any]:
    """What every template gets for the box: its text and a fresh token (a placeholder on
    pages rendered without a request, which ``with_form_token`` fills per request)."""

    def subscribe_token(request: Request | None) -> str:
        return TOKEN_PLACE if request is None else form_token(web, request.url.path)

    def shows_subscribe_box(request: Request | None) -> bool:
        return request is None or not request.url.path.startswith(_NO_BOX)

    return {"subscribe_text": lib.SUBSCRIBE_TEXT, "subscribe_button": lib.SUBSCRIBE_BUTTON,
            "subscribe_token": subscribe_token, "shows_subscribe_box": shows_subscribe_box}


def with_form_token(request: Request, page: bytes) -> bytes:
    """A kept page (rendered without a request) with this request's own box token. The
    box comes after everything a visitor can write on a page, so its place is the last."""
    before, found, after = page.rpartition(_TOKEN_BYTES)
    if not found:
        return page
    return before + form_token(web_of(request), request.url.path).encode() + after


# --- subscribing -------------------------------------------------------------------------

def _box_page(request: Request, web: Web, status_code: int = 200, error: str | None = None,
              email: str = "", path: str = "/subscribe") -> HTMLResponse:
    return web.render(request, "subscribe.html", status_code=status_code, headers=NO_STORE, error=error,
                      email=email, token=form_token(web, path), text=lib.SUBSCRIBE_TEXT,
                      button=lib.SUBSCRIBE_BUTTON)


@router.get("/subscribe")
def subscribe_page(request: Request) -> HTMLResponse:
    """The box on a page of its own (where a refused request is sent again from)."""
    return _box_page(request, web_of(request))


@router.post("/subscribe")
async def subscribe(request: Request, store: StoreDep) -> Response:
    web = web_of(request)
    form = await request.form()
    email = form_text(form, "address").strip()[:300]
    value = web.signer.unsign(lib.FORM_PURPOSE, form_text(form, "subscribe_token"), FORM_MAX_AGE)
    if (not isinstance(value, list) or len(value) != 3 or not isinstance(value[0], str)
            or not isinstance(value[1], int | float) or not isinstance(value[2], str)):
        return _box_page(request, web, 403, "The form has expired or did not come from this site: "
                                             "press the button again.", email)
    path, issued, token = value[0][:200], float(value[1]), f"{lib.FORM_PURPOSE}:{value[2]}"
    if not spend_once(store, token, timedelta(seconds=FORM_MAX_AGE)):
        return _box_page(request, web, 403, "This form was sent already: press the button again.",
                         email, path)
    refused = _refused(request, store, web, form, email, path, issued)
    if refused is not None:  # (nothing done: the same form may be sent again)
        release(store, token)
        return refused
    wake(request, "mail_worker")
    return _sent(request, web)


def _refused(request: Request, store: Store, web: Web, form: Any, email: str, path: str,
             issued: float) -> Response | None:
    """The subscription asked for, or the page that says why not."""
    ip = client_ip(request)
    if rate_limited(store, f"subscribe-ip:{ip}", SUBSCRIBES_PER_IP_PER_HOUR, timedelta(hours=1)):
        return _box_page(request, web, 429, f"Too many requests from your address: at most "
                                            f"{SUBSCRIBES_PER_IP_PER_HOUR} an hour. Please try again later.",
                         email, path)
    if form_text(form, "url2").strip():  # the honeypot: answered like any request, nothing stored
        return None
    filled = time.time() - issued
    if filled < web.settings.min_fill_seconds:
        return _box_page(request, web, 400, f"The form was sent {max(filled, 0):.0f} seconds after the page "
                                            "opened, faster than people type: press the button again.",
                         email, path)
    try:
        lib.subscribe(store, web.settings, email, form=f"subscribe box on {path}", ip=ip,
                      user_agent=request.headers.get("user-agent"))
    except lib.SubscriptionError as exc:
        store.conn.rollback()
        return _box_page(request, web, exc.status, str(exc), email, path)
    return None


def _sent(request: Request, web: Web) -> HTMLResponse:
    """The one answer to every accepted request, whatever the address's state."""
    return web.render(request, "subscribe_sent.html", headers=NO_STORE, days=lib.CONFIRM_DAYS)


# --- links from the messages ---------------------------------------------------------------

def _holder(web: Web, purpose: str, token: str | None) -> lib.LinkHolder:
    found = lib.read_token(web.signer, purpose, token)
    if isinstance(found, lib.LinkHolder):
        return found
    if purpose == lib.CONFIRM_PURPOSE:
        if found == "expired":
            raise HTTPException(status_code=400, detail=f"This confirmation link has expired (links work for "
                                                        f"{lib.CONFIRM_DAYS} days): subscribe again to get a "
                                                        "new one.")
        raise HTTPException(status_code=403, detail="This confirmation link is not valid: use the link "
                                                    "in the message exactly as it came, or subscribe again.")
    if found == "expired":
        raise HTTPException(status_code=400, detail="This unsubscribe link has expired: use the link in "
                                                    "the latest message.")
    raise HTTPException(status_code=403, detail="This unsubscribe link is not valid: use the link in the "
                                                "message exactly as it came.")


@router.get("/subscription/confirm")
def confirm_page(request: Request, store: StoreDep, token: str | None = None) -> HTMLResponse:
    """A button, not the confirmation itself: mail scanners follow the links they see."""
    web = web_of(request)
    subscriber = lib.named_subscriber(store, web.signer, _holder(web, lib.CONFIRM_PURPOSE, token))
    address = subscriber.email if subscriber is not None else None
    return web.render(request, "subscription_confirm.html", headers=NO_STORE, token=token, done=False,
                      text=_confirm_text(web, address), button=lib.CONFIRM_BUTTON)


def _confirm_text(web: Web, address: str | None) -> str:
    return lib.CONFIRM_TEXT.format(site=web.settings.site_title, address=address or "this address")


@router.post("/subscription/confirm")
async def confirm(request: Request, store: StoreDep) -> HTMLResponse:
    web = web_of(request)
    form = await request.form()
    token = form_text(form, "token") or request.query_params.get("token")
    holder = _holder(web, lib.CONFIRM_PURPOSE, token)
    subscriber = lib.named_subscriber(store, web.signer, holder)
    confirmed = lib.confirm(store, holder, web.signer, form="confirmation page",
                            text_shown=f"{_confirm_text(web, subscriber.email if subscriber else None)} "
                                       f"[{lib.CONFIRM_BUTTON}]",
                            ip=client_ip(request), user_agent=request.headers.get("user-agent"))
    if confirmed is None:
        raise HTTPException(status_code=403, detail="This confirmation link no longer applies (the address "
                                                    "was unsubscribed or removed since): subscribe again.")
    return web.render(request, "subscription_confirm.html", headers=NO_STORE, token=None, done=True,
                      text="", button="")


@router.get("/subscription/unsubscribe")
def unsubscribe_page(request: Request, token: str | None = None) -> HTMLResponse:
    web = web_of(request)
    _holder(web, lib.UNSUBSCRIBE_PURPOSE, token)
    return web.render(request, "subscription_unsubscribe.html", headers=NO_STORE, token=token, done=False,
                      text=_unsubscribe_text(web), button=lib.UNSUBSCRIBE_BUTTON)


def _unsubscribe_text(web: Web) -> str:
    return lib.UNSUBSCRIBE_TEXT.format(site=web.settings.site_title)


@router.post("/subscription/unsubscribe")
async def unsubscribe(request: Request, store: StoreDep) -> HTMLResponse:
    """The page's button, or a mail client's one-click unsubscribe (RFC 8058: the token in
    the URL, ``List-Unsubscribe=One-Click`` in the body)."""
    web = web_of(request)
    form = await request.form()
    one_click = form_text(form, "List-Unsubscribe") == "One-Click"
    token = form_text(form, "token") or request.query_params.get("token")
    holder = _holder(web, lib.UNSUBSCRIBE_PURPOSE, token)
    if one_click:
        where, text = lib.ONE_CLICK_FORM, lib.ONE_CLICK_TEXT
    else:
        where, text = "unsubscribe page", f"{_unsubscribe_text(web)} [{lib.UNSUBSCRIBE_BUTTON}]"
    lib.unsubscribe(store, holder, web.signer, form=where, text_shown=text, ip=client_ip(request),
                    user_agent=request.headers.get("user-agent"))
    return web.render(request, "subscription_unsubscribe.html", headers=NO_STORE, token=None, done=True,
                      text="", button="")


# --- the admin's screen ----------------------------------------------------------------

def _admin_page(request: Request, store: Store, admin: LoginSession, status_code: int = 200,
                error: str | None = None, found: lib.Subscriber | None = None, looked_up: str = "",
                consents: int = 0) -> HTMLResponse:
    mail = jobs.counts(store, MAIL)
    return admin_page(request, "admin_subscribers.html", admin, status_code, error, page_title="Subscribers",
                      counts=lib.counts(store), mail=mail, in_doubt=mail.get(jobs.SENDING, 0), found=found,
                      looked_up=looked_up, consents=consents)


@router.get("/admin/subscribers")
def subscribers_page(request: Request, admin: Admin, store: StoreDep) -> HTMLResponse:
    """How many subscribers there are in each state, and the mail queue; no addresses."""
    return _admin_page(request, store, admin)


async def _admin_form(request: Request, admin: LoginSession) -> tuple[str, Any]:
    form = await request.form()
    check_csrf(admin, form_text(form, "csrf"))
    return form_text(form, "email").strip(), form


@router.post("/admin/subscribers/lookup")
async def lookup(request: Request, admin: Admin, store: StoreDep) -> HTMLResponse:
    """One subscriber, found by the exact address (a POST: the address stays out of URLs)."""
    address, _ = await _admin_form(request, admin)
    if not address:
        return _admin_page(request, store, admin, 400, "Type the address to look up.")
    found = lib.find(store, address)
    count = int(store.query("SELECT COUNT(*) FROM consents WHERE subscriber_id = ?", (found.id,))[0][0]) \
        if found else 0
    return _admin_page(request, store, admin, error=None if found else "No subscriber has this address.",
                       found=found, looked_up=address, consents=count)


@router.post("/admin/subscribers/export")
async def export(request: Request, admin: Admin, store: StoreDep) -> Response:
    """One subscriber's data as a JSON download."""
    address, _ = await _admin_form(request, admin)
    data = lib.export(store, address) if address else None
    if data is None:
        return _admin_page(request, store, admin, 404, "No subscriber has this address.", looked_up=address)
    body = orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"
    return Response(body, media_type="application/json", headers={
        **NO_STORE, "Content-Disposition": 'attachment; filename="subscriber.json"'})


@router.post("/admin/subscribers/in-doubt")
async def settle_in_doubt(request: Request, admin: Admin, store: StoreDep) -> Response:
    """Send the messages in doubt again, or count them as sent: the admin's call, who can
    ask the mail server what it took."""
    _, form = await _admin_form(request, admin)
    action = form_text(form, "action")
    if action not in ("resend", "sent"):
        return _admin_page(request, store, admin, 400, "Choose to send them again or to count them as sent.")
    settled = jobs.settle_in_doubt(store, MAIL, resend=action == "resend")
    if action == "resend":
        wake(request, "mail_worker")
    done = "queued again" if action == "resend" else "counted as sent"
    plural = "" if settled == 1 else "s"
    return redirect(request, "/admin/subscribers", f"{settled} message{plural} in doubt {done}.")


@router.post("/admin/subscribers/delete")
async def delete(request: Request, admin: Admin, store: StoreDep) -> Response:
    """Delete one subscriber's data: the row, the consent records, the mail jobs."""
    address, _ = await _admin_form(request, admin)
    if not address or not lib.delete(store, address):
        return _admin_page(request, store, admin, 404, "No subscriber has this address.", looked_up=address)
    return redirect(request, "/admin/subscribers", "Deleted the subscriber's data: the address, its consent "
                                                   "records and its mail.")
