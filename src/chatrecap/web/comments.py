"""Comments on the web: the thread and the form a post page shows, posting, editing,
unsubscribing, and the admin's moderation queue at /admin/comments.

The public post page calls ``thread_html`` and ``form_html``. The form has no session,
so it carries a signed token instead (purpose "comment-form", the post's id, the time
the form was made and a random part that is spent on sending): a form not made by this site,
for another post, older than ``FORM_MAX_AGE`` or sent before is refused (403), and a form
sent faster than people write is held back.
Nothing here needs JavaScript. The mail worker the app starts (chatrecap.web.app) sends
the notifications comments queue.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chatrecap.blog import comments as lib
from chatrecap.blog.auth import LoginSession, release, spend_once
from chatrecap.blog.posts import BlogPost, get_post
from chatrecap.render import _common as c
from chatrecap.store import Store, parse_id
from chatrecap.web.app import Web, web_of
from chatrecap.web.deps import (
    NO_STORE,
    Admin,
    StoreDep,
    client_ip,
    cookie_options,
    current_admin,
    form_text,
    wake,
)
from chatrecap.web.moderation import queue_page, read_form

FORM_MAX_AGE = 2 * 24 * 3600  # a comment form left open over a weekend still works


router = APIRouter()
#: A browser that sent a comment with an address: what lets its next comments through once an
#: admin approved one (anyone can type someone else's address).
COMMENTER_COOKIE, COMMENTER_PURPOSE, COMMENTER_SECONDS = "chatrecap_commenter", "commenter", 365 * 86400


# --- what the post page shows ----------------------------------------------------------

def thread_html(store: Store, web: Web, post: BlogPost) -> str:
    """The post's approved comments, nested, as HTML. Not cached here: the post page that
    shows it is kept whole until the post's ``comments_version`` changes (web.pagecache)."""
    return web.templates.get_template("comments_thread.html").render(
        post=post, items=lib.thread(store, post.id), count=lib.comment_count(store, post.id),
        when=c.date_time)


def form_html(request: Request, web: Web, post: BlogPost, reply_to: Any = None, *,
              values: dict[str, Any] | None = None, error: str | None = None) -> str:
    """The comment form (id "respond"); ``reply_to`` is the id of the comment answered
    (the ``replytocom`` query parameter as it came), ignored unless it is an approved
    comment of this post. A logged-in admin comments as the post's author."""
    store = web.store()
    parent = _reply_target(store, post, reply_to)
    admin = current_admin(request, store)
    token = web.signer.sign(lib.FORM_PURPOSE, [post.id, time.time(), secrets.token_urlsafe(12)])
    shown = {"name": "", "email": "", "website": "", "comment": "", "notify": False, **(values or {})}
    return web.templates.get_template("comments_form.html").render(
        post=post, token=token, reply_to=parent, author=_author(store, admin)[0] if admin else None,
        values=shown, error=error)


def _reply_target(store: Store, post: BlogPost, reply_to: Any) -> lib.Comment | None:
    comment_id = parse_id(str(reply_to)) if reply_to is not None else None
    comment = lib.get_comment(store, comment_id) if comment_id is not None else None
    return comment if comment and comment.post_id == post.id and comment.is_public else None


def _author(store: Store, admin: LoginSession) -> tuple[str, str]:
    """The logged-in admin's name and address as the post's author."""
    rows = store.query("SELECT display_name, email FROM admins WHERE username = ?", (admin.username,))
    name, email = rows[0] if rows else (None, None)
    return name or admin.username, email or ""


# --- posting ---------------------------------------------------------------------------

def _public_post(store: Store, slug: str) -> BlogPost:
    post = get_post(store, slug=slug)
    if post is None or not post.is_public:
        raise HTTPException(status_code=404)
    return post


def _form_issued_at(web: Web, store: Store, post: BlogPost, token: str | None) -> tuple[float, str]:
    """When the form was made, and its token, spent: the same form is taken once (unless
    the comment is refused: then it is given back, to send the form again mended)."""
    value = web.signer.unsign(lib.FORM_PURPOSE, token, FORM_MAX_AGE)
    if (not isinstance(value, list) or len(value) != 3 or value[0] != post.id
            or not isinstance(value[1], int | float) or not isinstance(value[2], str)):
        raise HTTPException(status_code=403, detail="The comment form has expired or did not come from "
                                                    "this site: go back, reload the page and send it again.")
    spent = f"{lib.FORM_PURPOSE}:{value[2]}"
    if not spend_once(store, spent, timedelta(seconds=FORM_MAX_AGE)):
        raise HTTPException(status_code=403, detail="This comment form was sent already (each form sends "
                                                    "one comment): reload the page to write another.")
    return float(value[1]), spent


@router.post("/posts/{slug}/comments")
async def post_comment(slug: str, request: Request, store: StoreDep) -> Response:
    web = web_of(request)
    form = await request.form()
    post = _public_post(store, slug)
    issued, spent = _form_issued_at(web, store, post, form_text(form, "token"))
    admin = current_admin(request, store)
    values = {"name": form_text(form, "name"), "email": form_text(form, "email"),
              "website": form_text(form, "website"), "comment": form_text(form, "comment"),
              "notify": bool(form_text(form, "notify"))}
    parent_id = _parent(form_text(form, "parent"))
    if admin is not None:
        values["name"], values["email"] = _author(store, admin)
    key = lib.email_key(values["email"])
    proven = bool(key) and web.signer.unsign(COMMENTER_PURPOSE, request.cookies.get(COMMENTER_COOKIE, ""),
                                             COMMENTER_SECONDS) == key
    try:
        comment = lib.add_comment(
            store, post, values["name"], values["email"], values["website"], values["comment"], parent_id,
            client_ip(request), request.headers.get("user-agent"), values["notify"],
            is_author=admin is not None, settings=web.settings, honeypot=form_text(form, "url2"),
            filled_seconds=time.time() - issued, address_proven=proven)
    except lib.Discarded:
        return web.render(request, "comments_posted.html", headers=NO_STORE, post=post, comment=None,
                          edit_url=None, minutes=web.settings.comment_edit_minutes,
                          held_because=None)
    except lib.CommentError as exc:
        store.conn.rollback()
        release(store, spent)
        return web.render(request, "comments_problem.html", status_code=exc.status, headers=NO_STORE,
                          post=post, message=str(exc),
                          form=form_html(request, web, post, parent_id, values=values, error=str(exc)))
    wake(request, "mail_worker")
    if comment.is_author:
        return RedirectResponse(f"/posts/{post.slug}#comment-{comment.id}", status_code=303)
    response = web.render(request, "comments_posted.html", headers=NO_STORE, post=post, comment=comment,
                          edit_url=_edit_url(web, comment), minutes=web.settings.comment_edit_minutes,
                          held_because=comment.held_because)
    if key:  # this browser wrote with this address: once one comment is approved, the next go through
        response.set_cookie(COMMENTER_COOKIE, web.signer.sign(COMMENTER_PURPOSE, key),
                            max_age=COMMENTER_SECONDS, **cookie_options(request))
    return response


def _parent(value: str) -> int | None:
    if not value.strip():
        return None
    parent = parse_id(value)
    if parent is None:
        raise HTTPException(status_code=400, detail="The comment answered is not a comment id.")
    return parent


def _edit_url(web: Web, comment: lib.Comment) -> str:
    return f"/comments/{comment.id}/edit?token={web.signer.sign(lib.EDIT_PURPOSE, comment.id)}"


# --- editing through the signed link ---------------------------------------------------

def _editable(web: Web, store: Store, comment_id: int, token: str | None) -> lib.Comment:
    minutes = web.settings.comment_edit_minutes
    value = web.signer.unsign(lib.EDIT_PURPOSE, token, minutes * 60)
    if value != comment_id:
        if web.signer.unsign(lib.EDIT_PURPOSE, token, 10 * 365 * 24 * 3600) == comment_id:
            raise HTTPException(status_code=403, detail=f"This edit link has expired: a comment can be "
                                                        f"changed for {minutes} minutes after it is posted.")
        raise HTTPException(status_code=403, detail="This edit link is not valid: use the link you got "
                                                    "when you posted the comment.")
    comment = lib.get_comment(store, comment_id)
    if comment is None or comment.status in (lib.SPAM, lib.DELETED):
        raise HTTPException(status_code=404)
    return comment


@router.get("/comments/{comment_id:int}/edit")
def edit_page(comment_id: int, request: Request, store: StoreDep, token: str | None = None) -> HTMLResponse:
    web = web_of(request)
    comment = _editable(web, store, comment_id, token)
    return web.render(request, "comments_edit.html", headers=NO_STORE, comment=comment, token=token,
                      text=comment.body_markdown, error=None, minutes=web.settings.comment_edit_minutes)


@router.post("/comments/{comment_id:int}/edit")
async def edit_comment(comment_id: int, request: Request, store: StoreDep) -> Response:
    web = web_of(request)
    form = await request.form()
    token = form_text(form, "token")
    comment = _editable(web, store, comment_id, token)
    try:
        edited = lib.edit_comment(store, comment.id, form_text(form, "comment"), web.settings)
    except lib.CommentError as exc:
        store.conn.rollback()
        return web.render(request, "comments_edit.html", status_code=exc.status, headers=NO_STORE,
                          comment=comment, token=token, text=form_text(form, "comment"), error=str(exc),
                          minutes=web.settings.comment_edit_minutes)
    if edited.is_public:
        return RedirectResponse(f"/posts/{edited.post_slug}#comment-{edited.id}", status_code=303)
    post = get_post(store, post_id=edited.post_id)
    return web.render(request, "comments_posted.html", headers=NO_STORE, post=post, comment=edited,
                      edit_url=_edit_url(web, edited), minutes=web.settings.comment_edit_minutes,
                      held_because=edited.held_because)


# --- unsubscribing from reply notifications --------------------------------------------

def _subscription(web: Web, store: Store, token: str | None) -> tuple[BlogPost, str]:
    value = web.signer.unsign(lib.UNSUBSCRIBE_PURPOSE, token, lib.UNSUBSCRIBE_DAYS * 24 * 3600)
    post = get_post(store, post_id=value[0]) if isinstance(value, list) and len(value) == 2 else None
    if post is None:
        raise HTTPException(status_code=403, detail="This unsubscribe link is not valid or has expired; "
                                                    "the latest message about a reply has a fresh one.")
    return post, str(value[1])


@router.get("/comments/unsubscribe")
def unsubscribe_page(request: Request, store: StoreDep, token: str | None = None) -> HTMLResponse:
    """A confirmation button, not the change itself: mail scanners follow links."""
    web = web_of(request)
    post, _ = _subscription(web, store, token)
    return web.render(request, "comments_unsubscribe.html", headers=NO_STORE, post=post, token=token,
                      done=False)


@router.post("/comments/unsubscribe")
async def unsubscribe(request: Request, store: StoreDep) -> HTMLResponse:
    """The button, or a mail client's one-click unsubscribe (RFC 8058, token in the URL)."""
    web = web_of(request)
    form = await request.form()
    token = form_text(form, "token") or request.query_params.get("token")
    post, key = _subscription(web, store, token)
    lib.unsubscribe(store, post.id, key)
    return web.render(request, "comments_unsubscribe.html", headers=NO_STORE, post=post, token=token,
                      done=True)


# --- the moderation queue --------------------------------------------------------------

@router.get("/admin/comments")
def moderation_queue(request: Request, admin: Admin, store: StoreDep, show: str = "all",
                     done: str | None = None, n: int = 0) -> HTMLResponse:
    return queue_page(request, admin, "admin_comments.html", "comment", show, done, n,
                      lambda pending_only, limit: lib.list_comments(store, pending_only, limit),
                      lib.pending_count(store))


@router.post("/admin/comments")
async def moderate(request: Request, admin: Admin, store: StoreDep) -> Response:
    moderation = await read_form(request, admin, "/admin/comments")
    unknown = lib.moderate(store, moderation.action, moderation.ids, web_of(request).settings)
    wake(request, "mail_worker")
    return moderation.back(unknown)
