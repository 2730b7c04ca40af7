"""The admin area: log in, upload archives, open a session's recap, edit it, publish it.

Every page is rendered on the server and works without JavaScript. Every form posts to a
route that checks the CSRF token first and answers with a redirect (303) back to the page,
so reloading never sends a form twice; a mistake is shown as one line on the page instead.
The editor's controls change the host's edits (``Overrides``), never the recap itself, so
re-running the analysis keeps them.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from chatrecap.analysis.sessions import find_sessions
from chatrecap.blog import editor, outgoing, posts, publishing, uploads
from chatrecap.blog.auth import (
    SESSION_DAYS,
    LoginSession,
    admin_count,
    check_password,
    clear_rate,
    end_session,
    rate_limited,
    start_session,
)
from chatrecap.errors import OptionError
from chatrecap.recap.model import Recap
from chatrecap.recap.overrides import Overrides, apply_overrides, takeaway_key
from chatrecap.render import _common as c
from chatrecap.render.html import render_body
from chatrecap.render.markup import markdown_to_html
from chatrecap.sources import all_sources, get_source
from chatrecap.sources.base import ReadOptions
from chatrecap.sources.csv_generic import parse_column_map
from chatrecap.store import Store
from chatrecap.web.app import web_of
from chatrecap.web.deps import (
    NO_STORE,
    SESSION_COOKIE,
    Admin,
    StoreDep,
    admin_page,
    check_csrf,
    client_ip,
    cookie_options,
    current_admin,
    redirect,
    wake,
)
from chatrecap.zones import named_zone

router = APIRouter(prefix="/admin")

FormField = Annotated[str, Form()]  # a form field; a missing one is "" (a one-line error, not a 422)

LOGIN_COOKIE = "chatrecap_login"  # the login form's nonce, the value its signed token carries
LOGIN_FORM_SECONDS = 3600
LOGIN_WINDOW = timedelta(minutes=15)
KNOWN_COOKIE, KNOWN_PURPOSE = "chatrecap_known", "known-admin"  # a browser an admin logged in with
KNOWN_SECONDS = 365 * 86400
FORM_OVERHEAD = 64 << 10  # bytes of an upload form besides the file
_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


# --- shared ----------------------------------------------------------------------------

def _local_path(next_path: str | None) -> str:
    """Where to go after the login: a path on this site only (not //host, not /\\host)."""
    if not next_path or not next_path.startswith("/") or next_path.startswith("//") or "\\" in next_path:
        return "/admin"
    if any(ord(ch) < 32 for ch in next_path):
        return "/admin"
    return next_path


def anchor(post_id: str) -> str:
    """An element id for a post (post ids hold ':' and platform-specific characters)."""
    return "post-" + re.sub(r"[^A-Za-z0-9_-]", "-", post_id)


# --- login -----------------------------------------------------------------------------

def _login_page(request: Request, store: Store, next_path: str, error: str | None = None,
                status_code: int = 200, username: str = "",
                headers: dict[str, str] | None = None) -> HTMLResponse:
    web = web_of(request)
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not _NONCE.match(nonce):
        nonce = secrets.token_urlsafe(24)
    response = web.render(request, "admin/login.html", status_code=status_code,
                          headers={**NO_STORE, **(headers or {})}, csrf=web.signer.sign("login", nonce),
                          next=_local_path(next_path), error=error, username=username,
                          no_admin=admin_count(store) == 0)
    response.set_cookie(LOGIN_COOKIE, nonce, max_age=LOGIN_FORM_SECONDS,
                        **{**cookie_options(request), "path": "/admin/login"})
    return response


@router.get("/login")
def login_form(request: Request, store: StoreDep,
               admin: Annotated[LoginSession | None, Depends(current_admin)],
               next: str = "/admin") -> Response:
    if admin is not None:
        return RedirectResponse(_local_path(next), status_code=303)
    return _login_page(request, store, next)


@router.post("/login")
def login(request: Request, store: StoreDep, username: FormField = "", password: FormField = "",
          csrf: FormField = "", next: FormField = "/admin") -> Response:
    web = web_of(request)
    nonce = request.cookies.get(LOGIN_COOKIE)
    if not nonce or web.signer.unsign("login", csrf, LOGIN_FORM_SECONDS) != nonce:
        return _login_page(request, store, next, "The login form has expired or did not come from this "
                           "site: try again.", status_code=403, username=username)
    username = username.strip()
    limit = web.settings.login_attempts_per_15_minutes
    # Per address, and per username, except from a browser this admin has logged in with
    # before: failures from elsewhere cannot lock them out of their own browser. Each attempt
    # is counted before its password is checked, so parallel guesses cannot slip past.
    known = web.signer.unsign(KNOWN_PURPOSE, request.cookies.get(KNOWN_COOKIE, ""),
                              KNOWN_SECONDS) == username.lower()
    by_address, by_user = f"login-ip:{client_ip(request)}", f"login-user:{username.lower()}"
    counted = (by_address,) if known else (by_address, by_user)
    if any(rate_limited(store, bucket, limit, LOGIN_WINDOW) for bucket in counted):
        return _login_page(request, store, next, "Too many failed logins: wait 15 minutes and try again.",
                           status_code=429, username=username,
                           headers={"Retry-After": str(int(LOGIN_WINDOW.total_seconds()))})
    if not username or not check_password(store, username, password):
        return _login_page(request, store, next, "Wrong username or password.", status_code=400,
                           username=username)
    for bucket in (by_address, by_user):
        clear_rate(store, bucket)  # (an admin's own logins never hold them)
    token, _ = start_session(store, username)
    response = RedirectResponse(_local_path(next), status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=SESSION_DAYS * 86400, **cookie_options(request))
    response.set_cookie(KNOWN_COOKIE, web.signer.sign(KNOWN_PURPOSE, username.lower()), max_age=KNOWN_SECONDS,
                        **{**cookie_options(request), "path": "/admin/login"})
    response.delete_cookie(LOGIN_COOKIE, path="/admin/login")
    return response


@router.post("/logout")
def logout(request: Request, admin: Admin, store: StoreDep, csrf: FormField = "") -> Response:
    check_csrf(admin, csrf)
    end_session(store, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/admin/login", status_code=303)
    options = cookie_options(request)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=bool(options["secure"]), httponly=True,
                           samesite="lax")
    return response


# --- dashboard, upload, chats ------------------------------------------------------------

@router.get("")
def dashboard(request: Request, admin: Admin, store: StoreDep) -> Response:
    return admin_page(request, "admin/dashboard.html", admin, page_title="Dashboard",
                 posts=posts.all_posts(store), uploads=uploads.recent_uploads(store))


def _formats() -> list[tuple[str, str]]:
    return sorted((s.id, s.name) for s in all_sources())


def _upload_page(request: Request, admin: LoginSession, error: str | None = None, status_code: int = 200,
                 chat: str = "", fmt: str = "", tz: str = "", column_map: str = "") -> HTMLResponse:
    return admin_page(request, "admin/upload.html", admin, status_code=status_code, error=error,
                 page_title="Upload an archive", formats=_formats(), chat=chat, fmt=fmt, tz=tz,
                 column_map=column_map, max_size=uploads.size_text(uploads.MAX_UPLOAD_BYTES))


@router.get("/upload")
def upload_form(request: Request, admin: Admin) -> Response:
    return _upload_page(request, admin)


@router.post("/upload")
async def upload(request: Request, admin: Admin, store: StoreDep) -> Response:
    """Save the archive and start its import; the upload's page follows the import."""
    limit = uploads.MAX_UPLOAD_BYTES
    length = request.headers.get("content-length", "")
    if not length.isdigit() or int(length) > limit + FORM_OVERHEAD:
        if not length.isdigit():
            return _upload_page(request, admin, "The upload did not say its size; send it from the form.",
                                411)
        return _upload_page(request, admin, uploads.too_large_message(limit), 413)
    form = await request.form(max_files=1, max_fields=10)
    try:
        check_csrf(admin, str(form.get("csrf") or ""))
        chat = " ".join(str(form.get("chat") or "").split())
        fmt = str(form.get("format") or "").strip()
        tz = str(form.get("tz") or "").strip()
        column_map = str(form.get("map") or "").strip()
        archive = form.get("archive")
        try:
            if len(chat) > 200:
                raise OptionError("The chat name can be at most 200 characters.")
            options = ReadOptions(tz=named_zone(tz, "the upload"), chat=chat or None)
            if fmt:
                get_source(fmt)
            if column_map:
                options.column_map = parse_column_map(column_map)
            if not isinstance(archive, UploadFile) or not archive.filename:
                raise OptionError("Choose an archive file to upload.")
            db = web_of(request).settings.db
            saved, path = await run_in_threadpool(uploads.save_upload, store, uploads.upload_root(db),
                                                  archive.filename, archive.file, chat, limit)
        except OptionError as exc:
            status = 413 if isinstance(exc, uploads.UploadTooLarge) else 400
            return _upload_page(request, admin, str(exc), status, chat=chat, fmt=fmt, tz=tz,
                                column_map=column_map)
    finally:
        await form.close()
    uploads.start_import(db, saved, path, fmt or None, options)
    return redirect(request, f"/admin/uploads/{saved.id}")


@router.get("/uploads/{upload_id}")
def upload_status(request: Request, upload_id: str, admin: Admin, store: StoreDep) -> Response:
    found = uploads.get_upload(store, upload_id) if re.fullmatch(r"[0-9a-f]{16}", upload_id) else None
    if found is None:
        raise HTTPException(404)
    return admin_page(request, "admin/upload_status.html", admin, page_title=f"Upload of {found.filename}",
                 upload=found, size=uploads.size_text(found.total_bytes),
                 problems=uploads.problem_lines(found))


@router.get("/chats")
def chats(request: Request, admin: Admin, store: StoreDep) -> Response:
    listed = []
    for chat in store.chats():
        sessions = [(s, posts.get_post(store, session_id=s.id)) for s in find_sessions(store, chat)]
        listed.append((chat, list(reversed(sessions))))  # newest first
    return admin_page(request, "admin/chats.html", admin, page_title="Chats and sessions", chats=listed)


@router.post("/sessions/{session_id}/draft")
def open_recap(request: Request, session_id: str, admin: Admin, store: StoreDep,
               csrf: FormField = "") -> Response:
    """The session's post (a new draft the first time) in the editor."""
    check_csrf(admin, csrf)
    try:
        session = posts.find_session(store, session_id)
    except OptionError as exc:
        raise HTTPException(404, str(exc)) from None
    post = posts.draft(store, session)
    return redirect(request, f"/admin/posts/{post.id}")


# --- the recap editor --------------------------------------------------------------------

def _post_or_404(store: Store, post_id: int) -> posts.BlogPost:
    post = posts.get_post(store, post_id=post_id)
    if post is None:
        raise HTTPException(404)
    return post


def _editor_context(store: Store, post: posts.BlogPost) -> dict[str, Any]:
    """The edited recap laid out for the editor, with what each control needs."""
    base = posts.base_recap(store, post)
    edits = posts.get_overrides(store, post.session_id)
    edited = apply_overrides(base, edits)
    by_prompt = {q.prompt_id: q for q in edited.questions}
    choices = []
    questions = []
    for q in base.questions:
        label, text = c.question_parts(q)
        choices.append((q.prompt_id, f"{label}: {text[:70]}{'…' if len(text) > 70 else ''}"))
        shown = by_prompt[q.prompt_id]
        questions.append({
            "q": q, "label": label, "text": text, "anchor": anchor(q.prompt_id),
            "takeaways": [{"index": i, "generated": t.headline,
                           "headline": edits.headlines.get(takeaway_key(q.prompt_id, i), t.headline),
                           "posts": c.posts(edited, t.post_ids)} for i, t in enumerate(q.takeaways)],
            "answers": c.posts(edited, shown.answer_ids),
        })
    highlights = [(h, edited.posts[h.post_id]) for h in edited.highlights if h.post_id in edited.posts]
    published = posts.published_body(store, post) if post.is_public else ""
    return {
        "post": post, "recap": edited, "edits": edits, "questions": questions, "choices": choices,
        "intro_html": Markup(markdown_to_html(edited.intro, relative_links=True)) if edited.intro else None,
        "generated_intro": c.paragraphs(c.intro(base)),
        "closing_html": (Markup(markdown_to_html(edited.closing, relative_links=True)) if edited.closing
                         else None),
        "highlights": highlights, "highlighted": {h.post_id for h, _ in highlights},
        "unattached": c.posts(edited, edited.unattached_ids),
        "hidden": c.posts(base, edits.hidden),
        "moved": set(edits.moved), "anchor": anchor,
        "stale": post.is_public and published != render_body(edited),
        "sent": outgoing.sent_for_post(store, post.id),
    }


def _editor_page(request: Request, store: Store, admin: LoginSession, post: posts.BlogPost,
                 error: str | None = None, status_code: int = 200,
                 details: dict[str, str] | None = None) -> HTMLResponse:
    context = _editor_context(store, post)
    edits: Overrides = context["edits"]
    details = details or {"title": edits.title or "", "slug": post.slug, "tags": ", ".join(post.tags),
                          "intro": edits.intro or "", "closing": edits.closing or ""}
    return admin_page(request, "admin/editor.html", admin, status_code=status_code, error=error,
                 page_title=f"Edit: {post.title}", details=details, **context)


@router.get("/posts/{post_id:int}")
def edit_post(request: Request, post_id: int, admin: Admin, store: StoreDep) -> Response:
    return _editor_page(request, store, admin, _post_or_404(store, post_id))


@router.get("/posts/{post_id:int}/preview")
def preview(request: Request, post_id: int, admin: Admin, store: StoreDep) -> Response:
    """The post as readers will see it once published, with the edits as they are now."""
    post = _post_or_404(store, post_id)
    recap = posts.edited_recap(store, post)
    return admin_page(request, "admin/preview.html", admin, page_title=f"Preview: {post.title}", post=post,
                 body=Markup(render_body(recap)), recap=recap)


EditAction = Callable[[Overrides, Recap], None]


def _edit(request: Request, store: Store, admin: LoginSession, post_id: int, csrf: str,
          action: EditAction, back_to: str | None) -> Response:
    """Apply one control's change to the post's edits and go back to where it was."""
    check_csrf(admin, csrf)
    post = _post_or_404(store, post_id)
    edits = posts.get_overrides(store, post.session_id)
    try:
        base = posts.base_recap(store, post)
        action(edits, base)
        posts.save_overrides(store, post, edits, base)
    except OptionError as exc:
        store.conn.rollback()  # nothing of a refused edit is kept
        return _editor_page(request, store, admin, post, str(exc), 400)
    return redirect(request, f"/admin/posts/{post_id}", anchor=back_to)


@router.post("/posts/{post_id:int}/details")
def save_details(request: Request, post_id: int, admin: Admin, store: StoreDep, csrf: FormField = "",
                 title: FormField = "", slug: FormField = "", tags: FormField = "", intro: FormField = "",
                 closing: FormField = "") -> Response:
    check_csrf(admin, csrf)
    post = _post_or_404(store, post_id)
    edits = posts.get_overrides(store, post.session_id)
    try:
        editor.set_details(edits, title=title, slug=slug, tags=tags, intro=intro, closing=closing)
        posts.save_overrides(store, post, edits)
    except OptionError as exc:
        store.conn.rollback()
        return _editor_page(request, store, admin, post, str(exc), 400, details={
            "title": title, "slug": slug, "tags": tags, "intro": intro, "closing": closing})
    return redirect(request, f"/admin/posts/{post_id}", "Saved.", "details")


@router.post("/posts/{post_id:int}/headline")
def save_headline(request: Request, post_id: int, admin: Admin, store: StoreDep, csrf: FormField = "",
                  prompt_id: FormField = "", index: FormField = "", headline: FormField = "") -> Response:
    number = int(index) if index.isdigit() else -1
    return _edit(request, store, admin, post_id, csrf,
                 lambda edits, base: editor.set_headline(edits, base, prompt_id, number, headline),
                 anchor(prompt_id))


PostChange = Callable[[Overrides, Recap, str], None]


def _post_control(action: str, change: PostChange, back_to: Callable[[str], str]) -> None:
    """A control that acts on one post of the recap (the form's ``post`` field)."""

    def control(request: Request, post_id: int, admin: Admin, store: StoreDep, csrf: FormField = "",
                post: FormField = "") -> Response:
        return _edit(request, store, admin, post_id, csrf, lambda edits, base: change(edits, base, post),
                     back_to(post))

    router.add_api_route(f"/posts/{{post_id:int}}/{action}", control, methods=["POST"],
                         name=f"admin-{action}")


def _highlights(_: str) -> str:
    return "highlights"


def _moved_highlight(step: int) -> PostChange:
    return lambda edits, base, post: editor.move_highlight(edits, apply_overrides(base, edits), post, step)


_post_control("pin", editor.pin, anchor)
_post_control("unpin", editor.unpin, _highlights)
_post_control("raise", _moved_highlight(-1), _highlights)
_post_control("lower", _moved_highlight(1), _highlights)
_post_control("hide", editor.hide, lambda _: "hidden")
_post_control("show", lambda edits, base, post: editor.show(edits, post), anchor)


@router.post("/posts/{post_id:int}/move")
def move(request: Request, post_id: int, admin: Admin, store: StoreDep, csrf: FormField = "",
         post: FormField = "", prompt_id: FormField = "") -> Response:
    return _edit(request, store, admin, post_id, csrf,
                 lambda edits, base: editor.move_answer(edits, base, post, prompt_id), anchor(post))


@router.post("/posts/{post_id:int}/publish")
def publish(request: Request, post_id: int, admin: Admin, store: StoreDep, csrf: FormField = "") -> Response:
    check_csrf(admin, csrf)
    post, mailed = publishing.publish(store, web_of(request).settings, _post_or_404(store, post_id))
    wake(request, "link_worker", "mail_worker")  # what the publish queued goes out at once
    return redirect(request, f"/admin/posts/{post_id}", f"Published at /posts/{post.slug}."
                     + (f" Queued for {mailed} subscriber{'s' if mailed != 1 else ''}." if mailed else ""))


@router.post("/posts/{post_id:int}/unpublish")
def unpublish(request: Request, post_id: int, admin: Admin, store: StoreDep,
              csrf: FormField = "") -> Response:
    check_csrf(admin, csrf)
    publishing.unpublish(store, _post_or_404(store, post_id))
    wake(request, "link_worker", "mail_worker")  # what the publish queued goes out at once
    return redirect(request, f"/admin/posts/{post_id}", "Unpublished: readers no longer see the post.")


@router.post("/posts/{post_id:int}/rebuild")
def rebuild(request: Request, post_id: int, admin: Admin, store: StoreDep, csrf: FormField = "") -> Response:
    """Run the analysis again (after importing more posts, or a newer chatrecap); edits stay."""
    check_csrf(admin, csrf)
    post = _post_or_404(store, post_id)
    try:
        posts.rebuild(store, post)
    except OptionError as exc:
        store.conn.rollback()
        return _editor_page(request, store, admin, post, str(exc), 400)
    note = "The analysis ran again; your edits are kept."
    if post.is_public:
        note += " Publish again to update the public page."
    return redirect(request, f"/admin/posts/{post_id}", note)
