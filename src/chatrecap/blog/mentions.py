"""Webmentions and pingbacks received: checked at once, verified later, moderated like comments.

Another site tells us that one of its pages (the source) links to one of our posts (the
target), by a webmention (W3C Recommendation) or a pingback (Pingback 1.0). Both arrive
here (``receive``) and share one table, ``mentions``, one row per (source, target):

1. What can be checked without fetching anything is checked while the sender waits: both
   are http(s) URLs of sane length, they differ, and the target is a published post of
   this site (its scheme, host and port are ``settings.site_url``'s). A per-address rate
   limit stops floods.
2. The source is fetched later by a job in the durable queue (``VERIFY``, run by the
   app's link worker, ``chatrecap.blog.worker``), through ``chatrecap.blog.fetch`` (5 s,
   1 MB, 5 redirects, every address checked). Fetching while the sender waits would let
   anyone use the server to scan networks and time the answers. Many copies of the same
   mention queue one check; one received after a check started queues the next.
3. The source must link to the target, and its h-entry says whether it is a reply, like,
   repost or mention, who wrote it, when, and what it says (``chatrecap.blog.source_page``:
   the link by media type, the h-entry by mf2py, the content sanitised by nh3).

States (``status``): ``received`` (not verified yet), then ``pending`` (verified, held
for moderation, like a first comment), ``approved`` (shown), ``spam``, ``deleted``;
``rejected`` when a first check fails, ``removed`` when a mention that passed stops
passing (the source answers 410 Gone or no longer links to the target). A re-sent
mention is checked again and its content updated: an approved one stays approved when
its author is the same (same author URL, else same name) and goes back to moderation
otherwise; spam and deleted stay so. A check that fails for a reason that may pass (5xx,
429, a timeout, a connection error) is retried with a growing delay, up to
``VERIFY_ATTEMPTS`` attempts; one that will not (a 404, a refused address) leaves a
verified mention as it was. The reason is kept on the row (``error``) for the admin,
never shown to the sender, who learns only "queued", "accepted", "published",
"rejected" or "removed" (``public_status``).

Every change to what a post shows calls ``bump_comments``: cached pages are then stale.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote, urlsplit

from chatrecap.blog import jobs
from chatrecap.blog.auth import rate_limited
from chatrecap.blog.comments import change_status
from chatrecap.blog.discovery import PINGBACK, WEBMENTION  # noqa: F401 - WEBMENTION for the web layer
from chatrecap.blog.fetch import FetchError, Refused, TooLarge, fetch, guard_for, split_url
from chatrecap.blog.posts import BlogPost, bump_comments, get_post
from chatrecap.blog.source_page import (
    BAD_URL_CHARS,
    DEFAULT_PORTS,
    LIKE,
    MAX_URL,
    REPOST,
    Entry,
    SourceDocument,
    normalise,
    same_url,
)
from chatrecap.errors import ChatrecapError
from chatrecap.store import Store, iso
from chatrecap.web.settings import Settings

RECEIVED, PENDING, APPROVED, SPAM, DELETED = "received", "pending", "approved", "spam", "deleted"
REJECTED, REMOVED = "rejected", "removed"
#: A mention in one of these has passed a check: a moderator may approve it.
VERIFIED = (PENDING, APPROVED, SPAM, DELETED)
ACTIONS = {"approve": APPROVED, "spam": SPAM, "delete": DELETED}
VERIFY = "verify-mention"  # the job kind
VERIFY_ATTEMPTS = 5  # retries 1, 2, 4, 8 minutes apart, then given up
PER_IP_PER_HOUR = 60
ACCEPT = "text/html, application/xhtml+xml;q=0.9, text/plain;q=0.5, application/json;q=0.5, */*;q=0.1"

_POST_PATH = re.compile(r"^/posts/([^/]+)$")
_COLUMNS = ("m.id, m.post_id, m.protocol, m.source, m.target, m.status, m.kind, m.author_name, "
            "m.author_url, m.author_photo, m.title, m.content_html, m.published_at, m.ip, m.error, "
            "m.verifications, m.received_at, m.verified_at, m.updated_at, p.slug, p.title")


class MentionError(ChatrecapError):
    """A mention cannot be taken as sent; the message says why (one line)."""

    status = 400


class RateLimited(MentionError):
    status = 429


class BadURL(MentionError):
    """The source or the target (``which``) is not an http(s) URL we take."""

    def __init__(self, message: str, which: str) -> None:
        super().__init__(message)
        self.which = which


class TargetNotFound(MentionError):
    """The target is a post address of this site, but no such post is published."""


class TargetNotAccepted(MentionError):
    """The target is not a post of this site at all."""


class AlreadyRegistered(MentionError):
    """A pingback for this source and target was received before (Pingback's 0x30)."""


@dataclass(slots=True)
class Mention:
    id: int
    post_id: int
    protocol: str
    source: str
    target: str
    status: str
    kind: str | None
    author_name: str | None
    author_url: str | None
    author_photo: str | None
    title: str | None
    content_html: str | None
    published_at: str | None
    ip: str | None
    error: str | None
    verifications: int
    received_at: str
    verified_at: str | None
    updated_at: str
    post_slug: str = ""
    post_title: str = ""

    @property
    def is_public(self) -> bool:
        return self.status == APPROVED

    @property
    def shown_at(self) -> str:
        """When it was written, as far as we know: its date, else when we verified it."""
        return self.published_at or self.verified_at or self.received_at


def _now() -> datetime:
    return datetime.now(UTC)


# --- URLs -------------------------------------------------------------------------------

def check_url(value: str | None, what: str) -> str:
    """``value`` as a normalised http(s) URL; BadURL saying what is wrong with it."""
    url = (value or "").strip()
    if not url:
        raise BadURL(f"The {what} is missing: send source=URL&target=URL.", what)
    if len(url) > MAX_URL:
        raise BadURL(f"The {what} URL is {len(url):,} characters long; at most {MAX_URL:,} are accepted.",
                     what)
    parts = split_url(url)
    if parts is None:
        raise BadURL(f"The {what} is not a valid URL.", what)
    if parts.scheme not in DEFAULT_PORTS:
        raise BadURL(f"The {what} must be an http:// or https:// URL.", what)
    if not parts.hostname or BAD_URL_CHARS.search(url):
        raise BadURL(f"The {what} is not a valid URL.", what)
    if parts.username is not None or parts.password is not None:
        raise BadURL(f"The {what} URL must not carry a user name or password.", what)
    return normalise(url)


def target_post(store: Store, settings: Settings, target: str) -> BlogPost:
    """The published post a (normalised) target URL names; TargetNotAccepted when it is
    not a post address of this site, TargetNotFound when no such post is published."""
    site = normalise(settings.site_url)
    parts, ours = urlsplit(target), urlsplit(site)
    if (parts.scheme, parts.netloc) != (ours.scheme, ours.netloc):
        raise TargetNotAccepted(f"The target is not on this site: only {site.rstrip('/')}/posts/... "
                                "pages take mentions.")
    base = ours.path.rstrip("/")
    path = parts.path[len(base):] if base and parts.path.startswith(base + "/") else parts.path
    match = _POST_PATH.match(path) if not parts.query else None
    if match is None:
        raise TargetNotAccepted("The target is not a post of this site: only posts take mentions.")
    post = get_post(store, slug=unquote(match.group(1)))
    if post is None or not post.is_public:
        raise TargetNotFound("The target is not a published post of this site.")
    return post


# --- receiving --------------------------------------------------------------------------

def receive(store: Store, settings: Settings, source: str | None, target: str | None, protocol: str,
            ip: str | None) -> Mention:
    """Take a webmention or pingback: check what needs no fetch, store it and queue its
    verification. Raises MentionError (RateLimited, TargetNotFound, TargetNotAccepted;
    AlreadyRegistered for a pingback received before)."""
    if rate_limited(store, f"mention-ip:{ip}", PER_IP_PER_HOUR, timedelta(hours=1)):
        raise RateLimited(f"Too many mentions from your address: at most {PER_IP_PER_HOUR} an hour. "
                          "Please try again later.")
    source, target = check_url(source, "source"), check_url(target, "target")
    if source == target:
        raise MentionError("The source and the target are the same URL.")
    post = target_post(store, settings, target)
    now = iso(_now())
    rows = store.query(
        "INSERT INTO mentions (post_id, protocol, source, target, status, ip, verifications, received_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (source, target) DO NOTHING RETURNING id",
        (post.id, protocol, source, target, RECEIVED, ip, now, now))
    if rows:
        mention_id, checks = int(rows[0][0]), 0
    else:
        [(mention_id, status, checks)] = store.query(
            "SELECT id, status, verifications FROM mentions WHERE source = ? AND target = ?",
            (source, target))
        if protocol == PINGBACK and status not in (REJECTED, REMOVED):
            store.commit()  # the rate limit's count
            raise AlreadyRegistered("The pingback has already been registered.")
        store.execute("UPDATE mentions SET protocol = ?, ip = ?, updated_at = ? WHERE id = ?",
                      (protocol, ip, now, mention_id))
    jobs.enqueue(store, VERIFY, {"mention_id": int(mention_id), "round": int(checks)},
                 f"{VERIFY}:{mention_id}:{checks}", commit=False)
    store.commit()
    found = get_mention(store, int(mention_id))
    assert found is not None
    return found


# --- verifying --------------------------------------------------------------------------

@dataclass(slots=True)
class Checked:
    """The outcome of one fetch of a source: ``ok`` (with its entry), ``gone`` (410),
    ``unlinked`` (no link to the target), ``failed`` (will not pass by retrying) or
    ``retry`` (may pass later)."""

    outcome: str
    reason: str | None = None
    entry: Entry | None = None


class VerificationDeferred(Exception):
    """The check may pass later: the job is retried after a delay (chatrecap.blog.worker)."""


def verify_job(store: Store, settings: Settings, job: jobs.Job) -> None:
    """The worker's handler for ``VERIFY`` jobs: check the source, update the mention."""
    mention_id, checks = int(job.payload["mention_id"]), int(job.payload["round"])
    # A mention received from now on needs a new check (this one may have read the page already).
    store.execute("UPDATE mentions SET verifications = verifications + 1 WHERE id = ? AND verifications = ?",
                  (mention_id, checks))
    store.commit()
    mention = get_mention(store, mention_id)
    if mention is None:
        return
    post = get_post(store, post_id=mention.post_id)
    store.commit()  # no transaction stays open during the fetch
    if post is None or not post.is_public:
        checked = Checked("failed", "the target post is no longer published")
    else:
        checked = check_source(settings, mention.source, mention.target)
    last = job.attempts >= VERIFY_ATTEMPTS
    record(store, mention.id, checked, last_attempt=last)
    if checked.outcome == "retry" and not last:
        raise VerificationDeferred(checked.reason)


def check_source(settings: Settings, source: str, target: str) -> Checked:
    """Fetch the source under the SSRF guard and see whether, and how, it mentions the target."""
    try:
        page = fetch(source, guard_for(settings), headers={"Accept": ACCEPT})
    except Refused as exc:
        return Checked("failed", f"refused: {exc}")
    except TooLarge as exc:
        return Checked("failed", str(exc))
    except FetchError as exc:
        return Checked("retry", str(exc))
    if page.status == 410:
        return Checked("gone", "the source answered 410 Gone")
    if page.status in (408, 425, 429) or page.status >= 500:
        return Checked("retry", f"the source answered {page.status}")
    if not 200 <= page.status < 300:
        return Checked("failed", f"the source answered {page.status}")
    document = SourceDocument(page)
    try:
        if not document.links_to(target):
            return Checked("unlinked", "the source does not link to the target")
        return Checked("ok", entry=document.entry(source, target))
    except Exception as exc:  # noqa: BLE001 - a page we cannot read is a failed check, not a crash
        return Checked("failed", f"the source could not be read ({type(exc).__name__})")


def record(store: Store, mention_id: int, checked: Checked, *, last_attempt: bool = False) -> str | None:
    """Store a check's outcome on the mention; its new status (None if it is gone). The
    status is changed only from the one just read, so a moderator's click during the fetch
    is never overwritten."""
    for _ in range(3):
        mention = get_mention(store, mention_id)
        if mention is None:
            return None
        new, cursor = _recorded(store, mention, checked, last_attempt)
        if cursor.rowcount == 1:
            if APPROVED in (mention.status, new):
                bump_comments(store, mention.post_id)
            store.commit()
            return new
        store.conn.rollback()  # moderated meanwhile: decide again from the new status
    return None


def _recorded(store: Store, mention: Mention, checked: Checked, last_attempt: bool) -> tuple[str, Any]:
    now = iso(_now())
    old = mention.status
    if checked.outcome == "ok" and checked.entry is not None:
        entry = checked.entry
        new = old
        if old in (RECEIVED, REJECTED, REMOVED):
            new = PENDING
        elif old == APPROVED and not _same_change(mention, entry):
            new = PENDING
        return new, store.execute(
            "UPDATE mentions SET status = ?, kind = ?, author_name = ?, author_url = ?, author_photo = ?, "
            "title = ?, content_html = ?, published_at = ?, error = NULL, verified_at = ?, updated_at = ? "
            "WHERE id = ? AND status = ?",
            (new, entry.kind, entry.author_name, entry.author_url, entry.author_photo, entry.title,
             entry.content_html, entry.published_at, now, now, mention.id, old))
    reason = checked.reason or "the check failed"
    new = old
    if checked.outcome in ("gone", "unlinked"):
        new = {RECEIVED: REJECTED, PENDING: REMOVED, APPROVED: REMOVED}.get(old, old)
    elif checked.outcome == "failed" or last_attempt:
        new = REJECTED if old == RECEIVED else old
        if checked.outcome == "retry":
            reason += "; gave up"
    else:
        reason += "; will try again"
    return new, store.execute("UPDATE mentions SET status = ?, error = ?, updated_at = ? "
                              "WHERE id = ? AND status = ?", (new, reason[:500], now, mention.id, old))


_HREF = re.compile(r"""\bhref\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def _same_change(mention: Mention, entry: Entry) -> bool:
    """Whether an approved mention sent again may stay approved: the same author, the same
    kind (an approved like does not become a reply), and no link it did not have."""
    links, approved = (set(_HREF.findall(html or "")) for html in (entry.content_html, mention.content_html))
    return _same_author(mention, entry) and entry.kind == mention.kind and links <= approved


def _same_author(mention: Mention, entry: Entry) -> bool:
    if mention.author_url or entry.author_url:
        return bool(mention.author_url and entry.author_url) and same_url(mention.author_url or "",
                                                                       normalise(entry.author_url or ""))
    return (mention.author_name or "").casefold() == (entry.author_name or "").casefold()


# --- reading ----------------------------------------------------------------------------

def _mention(row: tuple) -> Mention:
    return Mention(*row)


def get_mention(store: Store, mention_id: int) -> Mention | None:
    rows = store.query(f"SELECT {_COLUMNS} FROM mentions m JOIN blog_posts p ON p.id = m.post_id "
                       "WHERE m.id = ?", (int(mention_id),))
    return _mention(rows[0]) if rows else None


def list_mentions(store: Store, pending_only: bool = False, limit: int | None = None) -> list[Mention]:
    """For moderation: those waiting (oldest first), then the others, newest first."""
    where, params = ("WHERE m.status = ?", (PENDING,)) if pending_only else ("", ())
    rows = store.query(
        f"SELECT {_COLUMNS} FROM mentions m JOIN blog_posts p ON p.id = m.post_id {where} "
        "ORDER BY CASE WHEN m.status = 'pending' THEN 0 ELSE 1 END, "
        "CASE WHEN m.status = 'pending' THEN m.id ELSE -m.id END" + (f" LIMIT {int(limit)}" if limit else ""),
        params)
    return [_mention(r) for r in rows]


def pending_count(store: Store) -> int:
    return int(store.query("SELECT COUNT(*) FROM mentions WHERE status = ?", (PENDING,))[0][0])


@dataclass(slots=True)
class Shown:
    """A post's approved mentions as its page groups them."""

    likes: list[Mention] = field(default_factory=list)
    reposts: list[Mention] = field(default_factory=list)
    replies: list[Mention] = field(default_factory=list)  # replies and mentions by webmention
    pingbacks: list[Mention] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.likes) + len(self.reposts) + len(self.replies) + len(self.pingbacks)


def shown(store: Store, post_id: int) -> Shown:
    """The approved mentions of a post, oldest first in each group."""
    found = [_mention(r) for r in store.query(
        f"SELECT {_COLUMNS} FROM mentions m JOIN blog_posts p ON p.id = m.post_id "
        "WHERE m.post_id = ? AND m.status = ?", (post_id, APPROVED))]
    found.sort(key=lambda m: (m.shown_at, m.id))
    groups = Shown()
    for m in found:
        if m.protocol == PINGBACK:
            groups.pingbacks.append(m)
        elif m.kind == LIKE:
            groups.likes.append(m)
        elif m.kind == REPOST:
            groups.reposts.append(m)
        else:
            groups.replies.append(m)
    return groups


def public_status(mention: Mention) -> tuple[str, str]:
    """(state, one line) for the sender: never the moderation's or the network's details."""
    if mention.status == RECEIVED:
        return "queued", "Received: the source will be checked for a link to the target shortly."
    if mention.status == APPROVED:
        return "published", "Verified and shown on the target post."
    if mention.status in VERIFIED:
        return "accepted", "Verified: it is shown once the site's author approves it."
    if mention.status == REMOVED:
        return "removed", "The source is gone or no longer links to the target: the mention is not shown."
    return "rejected", ("The source could not be fetched or does not link to the target; send the mention "
                        "again once it does.")


# --- moderation -------------------------------------------------------------------------

def moderate(store: Store, action: str, ids: Iterable[int]) -> list[int]:
    """Approve, mark as spam or delete mentions; the ids left as they were because they name
    no mention, or (to approve) one that has not passed verification."""
    if action not in ACTIONS:
        raise MentionError(f"Unknown action {action!r}; use one of {', '.join(ACTIONS)}.")
    new_status = ACTIONS[action]
    left = change_status(store, "mentions", ids, new_status, iso(_now()),
                         may=lambda old: new_status != APPROVED or old in VERIFIED)
    store.commit()
    return left
