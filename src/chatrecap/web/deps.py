"""What the routes share: who is logged in, the CSRF check, the client's address.

Admin pages depend on ``require_admin``; every admin form carries the session's CSRF
token in a hidden ``csrf`` field and the handler calls ``check_csrf``. Public forms, which
have no session, carry a signed token instead (see ``chatrecap.web.comments``).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request

from chatrecap.blog.auth import LoginSession, find_session, same_token
from chatrecap.store import Store
from chatrecap.web.app import store_dependency, web_of

SESSION_COOKIE = "chatrecap_session"
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
