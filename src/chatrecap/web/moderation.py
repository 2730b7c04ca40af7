"""What the admin's two moderation queues, comments at /admin/comments and mentions at
/admin/mentions, do alike: one POST form takes the session's CSRF token, an action
(approve, spam or delete) and the ticked ids; the route does it and goes back to its
queue with a note of how many were done, in the view (all or pending only) it came from,
which ``queue_page`` shows. The pages' shared markup is templates/moderation_queue.html."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from chatrecap.blog.auth import LoginSession
from chatrecap.render import _common as c
from chatrecap.store import parse_id
from chatrecap.web.app import web_of
from chatrecap.web.deps import NO_STORE, check_csrf

QUEUE_LIMIT = 500  # items a queue page lists
_DONE = {"approve": "Approved", "spam": "Marked as spam", "delete": "Deleted"}


@dataclass(frozen=True)
class Moderation:
    """A checked moderation form: the action, the ids (each once, in the form's order),
    and the queue to go back to."""

    queue: str
    action: str
    ids: list[int]
    pending_only: bool

    def back(self, left: list[int]) -> RedirectResponse:
        """To the queue, with how many were done (``left``: the ids that were not)."""
        show = "&show=pending" if self.pending_only else ""
        return RedirectResponse(f"{self.queue}?done={self.action}&n={len(self.ids) - len(left)}{show}",
                                status_code=303)


async def read_form(request: Request, admin: LoginSession, queue: str) -> Moderation:
    """The form, refused (403) without the session's token and (400) with another action;
    ids that are not numbers are passed over."""
    form = await request.form()
    csrf, action = form.get("csrf"), form.get("action")
    check_csrf(admin, csrf if isinstance(csrf, str) else None)
    if not isinstance(action, str) or action not in _DONE:
        raise HTTPException(status_code=400, detail="Choose approve, spam or delete.")
    ids = [parse_id(value) for value in form.getlist("ids") if isinstance(value, str)]
    return Moderation(queue, action, list(dict.fromkeys(i for i in ids if i is not None)),
                      form.get("show") == "pending")


def queue_page(request: Request, admin: LoginSession, template: str, noun: str, show: str,
               done: str | None, n: int, listed: Callable[[bool, int], Sequence[Any]],
               pending: int) -> HTMLResponse:
    """A queue's GET page: ``listed(pending_only, limit)`` gives its items, ``pending``
    says how many wait; ``done`` and ``n`` are what the form's redirect wrote."""
    pending_only = show == "pending"
    return web_of(request).render(
        request, template, headers=NO_STORE, admin=admin, page_title=f"{noun.capitalize()}s", error=None,
        items=listed(pending_only, QUEUE_LIMIT), pending=pending, pending_only=pending_only,
        note=done_note(done, n, noun), when=c.date_time, limit=QUEUE_LIMIT)


def done_note(done: str | None, n: int, noun: str) -> str | None:
    """The line the queue shows after a change ("Approved: 2 comments."), from the query
    string the redirect wrote."""
    if done not in _DONE or n <= 0:
        return None
    return f"{_DONE[done]}: {n} {noun}{'s' if n != 1 else ''}."
