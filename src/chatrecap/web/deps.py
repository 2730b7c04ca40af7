"""What the routes share: who is logged in, the CSRF check, the client's address, the
admin pages' one-line notes, waking a worker.

Admin pages depend on ``require_admin``; every admin form carries the session's CSRF
token in a hidden ``csrf`` field and the handler calls ``check_csrf``. Public forms, which
have no session, carry a signed token instead (see ``chatrecap.web.comments``).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from chatrecap.blog.auth import LoginSession, find_session, same_token
from chatrecap.store import Store
from chatrecap.web.app import store_dependency, web_of

SESSION_COOKIE = "chatrecap_session"
NOTE_SECONDS = 600  # how long a "Published." note in a redirect's address stays valid
# Pages for one visitor (admin pages, answers to a form or a signed link): kept by no
# cache and by no search engine.
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
StoreDep = Annotated[Store, Depends(store_dependency)]


class LoginRequired(Exception):
    """Raised for an admin page without a login: the app answers with a redirect."""

    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


def current_admin(request: Request, store: StoreDep) -> LoginSession | None:
    return find_session(store, request.cookies.get(SESSION_COOKIE))


def require_admin(request: Request, store: StoreDep) -> LoginSession:
    admin = find_session(store, request.cookies.get(SESSION_COOKIE))
    if admin is None:
        if request.method != "GET":  # after the login, come back to a page, not to a form's target
            raise LoginRequired("/admin")
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    return admin


Admin = Annotated[LoginSession, Depends(require_admin)]


def login_url(next_path: str) -> str:
    return "/admin/login?next=" + quote(next_path, safe="/")


def check_csrf(admin: LoginSession, token: str | None) -> None:
    """Reject a form without the session's own token: another site cannot post as the admin."""
    if not same_token(token, admin.csrf_token):
        raise HTTPException(status_code=403, detail="The form has expired or did not come from this "
                                                    "site: reload the page and try again.")


def client_ip(request: Request) -> str:
    """The visitor's address (behind a trusted proxy, uvicorn has put the real one here)."""
    return request.client.host if request.client else "unknown"


def cookie_options(request: Request) -> dict[str, object]:
    """Session cookies: HttpOnly, SameSite=Lax, Secure (browsers keep Secure cookies for
    http://127.0.0.1 and localhost too, so the default works in development)."""
    return {"httponly": True, "samesite": "lax", "secure": web_of(request).settings.secure_cookies,
            "path": "/"}


def form_text(form: Any, name: str) -> str:
    """A form field's text ("" when it is missing or a file)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def wake(request: Request, *workers: str) -> None:
    """Have the app's background workers (``mail_worker``, ``link_worker``) look for work at
    once rather than at their next round; a test app started without them has none."""
    for name in workers:
        worker = getattr(request.app.state, name, None)
        if worker is not None:
            worker.wake()


def admin_page(request: Request, template: str, admin: LoginSession | None, status_code: int = 200,
               error: str | None = None, **context: Any) -> HTMLResponse:
    """An admin page, with the note a redirect carried (see ``redirect``)."""
    web = web_of(request)
    note = web.signer.unsign("note", request.query_params.get("note"), NOTE_SECONDS)
    return web.render(request, template, status_code=status_code, headers=dict(NO_STORE), admin=admin,
                      error=error, note=note if isinstance(note, str) else None, **context)


def redirect(request: Request, path: str, note: str | None = None, anchor: str | None = None) -> Response:
    """A 303 to ``path``, carrying a signed one-line note for the page to show."""
    if note:
        path += "?note=" + web_of(request).signer.sign("note", note)
    return RedirectResponse(path + (f"#{anchor}" if anchor else ""), status_code=303)
