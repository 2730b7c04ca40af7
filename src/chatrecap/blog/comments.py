"""Comments on blog posts: threaded replies, moderation, spam defence, notifications.

A comment's Markdown is rendered once, when it is written, by
``chatrecap.render.markup.markdown_to_html`` (raw HTML off, then nh3), and pages show that
HTML. Who gets through at once: the post's author, and a commenter whose email address
already has an approved comment, from a browser that sent a comment with that address
before (anyone can type an address); everyone else is held for moderation until an admin
approves them (`chatrecap comments approve`, or /admin/comments). Spam defence, in the
order it is applied: a per-address rate limit (429), a honeypot field (a filled one is
answered like a held comment and nothing is stored), a minimum time to fill the form,
a cap on links (more are held for moderation) and duplicate detection.

The email address is for moderation and notifications only: the public thread is read
without it (``thread``), and no export of comments carries it.

Every change to what the public sees of a post's comments calls ``bump_comments``, which
makes cached pages of the post stale.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from urllib.parse import urlsplit, urlunsplit

from chatrecap.blog import mail
from chatrecap.blog.auth import Signer, admin_emails, rate_limited, secret_key
from chatrecap.blog.posts import BlogPost, bump_comments, get_post
from chatrecap.errors import ChatrecapError
from chatrecap.render.markup import CONTROL, link_count, markdown_to_html
from chatrecap.store import Store, iso
from chatrecap.web.settings import Settings

PENDING, APPROVED, SPAM, DELETED = "pending", "approved", "spam", "deleted"
ACTIONS = {"approve": APPROVED, "spam": SPAM, "delete": DELETED}
#: Replies nest this many levels deep (top-level comments are level 1); a reply to a
#: comment on the deepest level is shown on that level, after the comment it answers.
MAX_LEVELS = 8
MAX_NAME, MAX_EMAIL, MAX_URL, MAX_TEXT = 80, 254, 300, 10_000
DUPLICATE_WINDOW = timedelta(days=1)
# Signed-token purposes (web.signer / Signer.sign).
FORM_PURPOSE, EDIT_PURPOSE, UNSUBSCRIBE_PURPOSE = "comment-form", "comment-edit", "comment-unsubscribe"
UNSUBSCRIBE_DAYS = 365
LETTERS = ("new-comment", "reply")

_EMAIL = re.compile(r"^[^@\s<>\"'(),;:\\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.[A-Za-z0-9-]{2,}$")
_BARE_DOMAIN = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?:[/?#]|$)")
_UNSAFE_URL_CHARS = re.compile(r"[\s\"'<>\\`\x00-\x1f\x7f]")
_COLUMNS = ("c.id, c.post_id, c.parent_id, c.depth, c.author_name, c.author_email, c.author_url, "
            "c.email_key, c.is_author, c.body_markdown, c.body_html, c.status, c.notify_replies, "
            "c.ip, c.created_at, c.updated_at, p.slug, p.title")
# The public thread never reads the address at all.
_PUBLIC_COLUMNS = _COLUMNS.replace("c.author_email, ", "'', ").replace("c.email_key, ", "'', ").replace(
    "c.ip, ", "NULL, ")


class CommentError(ChatrecapError):
    """A comment cannot be taken as sent; the message says why and what to do."""

    status = 400


class RateLimited(CommentError):
    status = 429


class Discarded(CommentError):
    """The honeypot was filled: a script's. Answer as if the comment were held."""


@dataclass(slots=True)
class Comment:
    id: int
    post_id: int
    parent_id: int | None
    depth: int  # 0 for a comment on the post, capped at MAX_LEVELS - 1
    author_name: str
    author_email: str  # "" where it was not read (public pages)
    author_url: str | None
    email_key: str
    is_author: bool
    body_markdown: str
    body_html: str
    status: str
    notify_replies: bool
    ip: str | None
    created_at: str
    updated_at: str
    post_slug: str = ""
    post_title: str = ""
    held_because: str | None = field(default=None)  # why a new comment waits (not stored)

    @property
    def is_public(self) -> bool:
        return self.status == APPROVED


def _comment(row: tuple) -> Comment:
    values = list(row)
    values[8], values[12] = bool(values[8]), bool(values[12])
    return Comment(*values)


def _now() -> datetime:
    return datetime.now(UTC)


# --- validation -------------------------------------------------------------------------

def clean_name(name: str | None) -> str:
    name = " ".join(CONTROL.sub("", name or "").split())
    if not name:
        raise CommentError("Please give your name.")
    if len(name) > MAX_NAME:
        raise CommentError(f"Your name is {len(name)} characters long; at most {MAX_NAME} fit.")
    return name


def clean_email(email: str | None) -> str:
    email = (email or "").strip()
    if not email:
        raise CommentError("Please give your email address (it is never shown).")
    if len(email) > MAX_EMAIL or not _EMAIL.match(email):
        raise CommentError(f"{email[:80]!r} is not an email address; it should look like name@example.org.")
    return email


def clean_website(website: str | None) -> str | None:
    """An http(s) address, or None; "example.org" is taken as https://example.org."""
    website = (website or "").strip()
    if not website:
        return None
    if _BARE_DOMAIN.match(website):
        website = "https://" + website
    parts = urlsplit(website)
    if (len(website) > MAX_URL or _UNSAFE_URL_CHARS.search(website) or parts.scheme.lower() not in
            ("http", "https") or not parts.hostname):
        raise CommentError("Your website must be an http:// or https:// address (or left empty).")
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, parts.query, parts.fragment))


def clean_text(text: str | None) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not text:
        raise CommentError("The comment is empty: write something first.")
    if len(text) > MAX_TEXT:
        raise CommentError(f"The comment is {len(text):,} characters long; at most {MAX_TEXT:,} fit.")
    return text


def content_hash(text: str) -> str:
    """The same words, whatever the case and spacing: for duplicate detection."""
    return hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()


def email_key(email: str) -> str:
    return email.strip().lower()


# --- reading ----------------------------------------------------------------------------

def get_comment(store: Store, comment_id: int) -> Comment | None:
    rows = store.query(f"SELECT {_COLUMNS} FROM comments c JOIN blog_posts p ON p.id = c.post_id "
                       "WHERE c.id = ?", (int(comment_id),))
    return _comment(rows[0]) if rows else None


def list_comments(store: Store, pending_only: bool = False, limit: int | None = None) -> list[Comment]:
    """For moderation: pending comments first (oldest first, the order they came in),
    then the others, newest first."""
    where = "WHERE c.status = ?" if pending_only else ""
    params: tuple = (PENDING,) if pending_only else ()
    rows = store.query(
        f"SELECT {_COLUMNS} FROM comments c JOIN blog_posts p ON p.id = c.post_id {where} "
        "ORDER BY CASE WHEN c.status = 'pending' THEN 0 ELSE 1 END, "
        "CASE WHEN c.status = 'pending' THEN c.id ELSE -c.id END"
        + (f" LIMIT {int(limit)}" if limit else ""), params)
    return [_comment(r) for r in rows]


def pending_count(store: Store) -> int:
    """Comments waiting for moderation."""
    return int(store.query("SELECT COUNT(*) FROM comments WHERE status = ?", (PENDING,))[0][0])


def comment_count(store: Store, post_id: int) -> int:
    """Approved comments on a post (what the public sees)."""
    return int(store.query("SELECT COUNT(*) FROM comments WHERE post_id = ? AND status = ?",
                           (post_id, APPROVED))[0][0])


@dataclass(slots=True)
class ThreadItem:
    """One place in the public thread: an approved comment, or (``comment`` None) a
    removed one that approved replies still hang from."""

    id: int
    comment: Comment | None
    children: list[ThreadItem] = field(default_factory=list)
    reply_to: Comment | None = None  # the comment answered, when shown beside it (deepest level)


def thread(store: Store, post_id: int) -> list[ThreadItem]:
    """The post's approved comments as a tree, oldest first on every level."""
    rows = [_comment(r) for r in store.query(
        f"SELECT {_PUBLIC_COLUMNS} FROM comments c JOIN blog_posts p ON p.id = c.post_id "
        "WHERE c.post_id = ? AND c.status != ? ORDER BY c.created_at, c.id", (post_id, SPAM))]
    by_id = {c.id: c for c in rows}
    shown: set[int] = set()
    for c in rows:
        if c.is_public:
            node: Comment | None = c
            while node is not None and node.id not in shown:
                shown.add(node.id)
                node = by_id.get(node.parent_id) if node.parent_id is not None else None
    items = {cid: ThreadItem(cid, by_id[cid] if by_id[cid].is_public else None) for cid in shown}
    roots: list[ThreadItem] = []

    def display_parent(c: Comment) -> int | None:
        parent = by_id.get(c.parent_id) if c.parent_id is not None else None
        while parent is not None and parent.depth >= c.depth:  # a reply on the deepest level
            parent = by_id.get(parent.parent_id) if parent.parent_id is not None else None
        return parent.id if parent is not None else None

    for c in rows:
        if c.id not in shown:
            continue
        item = items[c.id]
        parent_id = display_parent(c)
        if c.parent_id is not None and c.parent_id != parent_id and c.parent_id in by_id:
            answered = by_id[c.parent_id]
            item.reply_to = answered if answered.is_public else None
        (items[parent_id].children if parent_id in items else roots).append(item)
    return roots


# --- writing ----------------------------------------------------------------------------

def add_comment(store: Store, post: BlogPost, name: str, email: str, website: str | None, text: str,
                parent_id: int | None, ip: str | None, user_agent: str | None, notify_replies: bool,
                is_author: bool = False, settings: Settings | None = None, *, honeypot: str = "",
                filled_seconds: float | None = None, address_proven: bool = True) -> Comment:
    """Store a comment (approved, or pending moderation) and queue its notifications.

    ``filled_seconds`` is how long the form was open (from its signed token); ``honeypot``
    the field people do not see; ``address_proven``: whether the commenter showed that the
    email address is theirs (the web app: a signed cookie from an earlier comment with it),
    without which an address's approved comments do not let a new one through. Raises
    CommentError (RateLimited for too many comments from one address, Discarded for a
    filled honeypot: nothing is stored)."""
    settings = settings or Settings()
    if not post.is_public:
        raise CommentError("This post is not published: it takes no comments.")
    text = clean_text(text)
    if is_author:
        name = clean_name(name)
        email = (email or "").strip()
        website = clean_website(website)
    else:
        name, email, website = clean_name(name), clean_email(email), clean_website(website)
    parent = None
    if parent_id is not None:
        parent = get_comment(store, parent_id)
        if parent is None or parent.post_id != post.id or not parent.is_public:
            raise CommentError("The comment you are replying to is not shown on this post; "
                               "post yours as a new comment instead.")
    if not is_author and rate_limited(store, f"comment-ip:{ip}", settings.comments_per_ip_per_hour,
                                      timedelta(hours=1)):
        raise RateLimited(f"Too many comments from your address: at most "
                          f"{settings.comments_per_ip_per_hour} an hour. Please try again later.")
    if (honeypot or "").strip():
        raise Discarded("Held for moderation.")
    if not is_author and filled_seconds is not None and filled_seconds < settings.min_fill_seconds:
        raise CommentError(f"The form was sent {max(filled_seconds, 0):.0f} seconds after the page "
                           "opened, faster than people write: wait a moment, then send it again.")
    key, digest, now = email_key(email), content_hash(text), _now()
    if store.query("SELECT 1 FROM comments WHERE post_id = ? AND content_hash = ? AND created_at >= ? "
                   "AND ((email_key = ? AND email_key != '') OR ip = ?) LIMIT 1",
                   (post.id, digest, iso(now - DUPLICATE_WINDOW), key, ip)):
        raise CommentError("You already posted this comment.")
    status, held = APPROVED, None
    if not is_author:
        links = link_count(text)
        if links > settings.comment_max_links:
            status = PENDING
            held = (f"it has {links} links (more than {settings.comment_max_links} are checked "
                    "by a person first)")
        elif not address_proven or not store.query(
                "SELECT 1 FROM comments WHERE email_key = ? AND status = ? LIMIT 1", (key, APPROVED)):
            status, held = PENDING, "first comments are checked by a person before they appear"
    depth = 0 if parent is None else min(parent.depth + 1, MAX_LEVELS - 1)
    [(comment_id,)] = store.query(
        "INSERT INTO comments (post_id, parent_id, depth, author_name, author_email, author_url, "
        "email_key, is_author, body_markdown, body_html, status, notify_replies, ip, user_agent, "
        "content_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "RETURNING id",
        (post.id, parent.id if parent else None, depth, name, email, website, key, bool(is_author), text,
         markdown_to_html(text), status, bool(notify_replies and not is_author), ip,
         (user_agent or "")[:300], digest, iso(now), iso(now)))
    comment_id = int(comment_id)
    if status == APPROVED:
        bump_comments(store, post.id)
        _queue_reply_mail(store, settings, comment_id)
    if not is_author:
        for address in admin_emails(store):
            mail.queue(store, settings, "new-comment", address, f"new-comment:{comment_id}:{address.lower()}",
                       commit=False, comment_id=comment_id)
    store.commit()
    comment = get_comment(store, comment_id)
    assert comment is not None
    comment.held_because = held
    return comment


def edit_comment(store: Store, comment_id: int, text: str, settings: Settings | None = None) -> Comment:
    """A commenter's correction of their comment (the web app checks their signed link).
    An edit that brings in more links than allowed sends the comment back to moderation."""
    settings = settings or Settings()
    comment = get_comment(store, comment_id)
    if comment is None or comment.status in (SPAM, DELETED):
        raise CommentError("This comment is no longer there.")
    text = clean_text(text)
    status = comment.status
    if not comment.is_author and link_count(text) > settings.comment_max_links:
        status = PENDING
    store.execute("UPDATE comments SET body_markdown = ?, body_html = ?, content_hash = ?, status = ?, "
                  "updated_at = ? WHERE id = ?",
                  (text, markdown_to_html(text), content_hash(text), status, iso(_now()), comment.id))
    if comment.is_public:
        bump_comments(store, comment.post_id)
    store.commit()
    edited = get_comment(store, comment.id)
    assert edited is not None
    if status == PENDING and comment.is_public:
        edited.held_because = f"it now has more than {settings.comment_max_links} links"
    return edited


def moderate(store: Store, action: str, ids: Iterable[int], settings: Settings | None = None) -> list[int]:
    """Approve, mark as spam or delete comments; the ids that name no comment (the
    others are done all the same)."""
    if action not in ACTIONS:
        raise CommentError(f"Unknown action {action!r}; use one of {', '.join(ACTIONS)}.")
    settings = settings or Settings()
    new_status = ACTIONS[action]
    reply_mail = partial(_queue_reply_mail, store, settings) if new_status == APPROVED else None
    unknown = change_status(store, "comments", ids, new_status, iso(_now()), then=reply_mail)
    store.commit()
    return unknown


def change_status(store: Store, table: str, ids: Iterable[int], new_status: str, now: str, *,
                  may: Callable[[str], bool] | None = None,
                  then: Callable[[int], None] | None = None) -> list[int]:
    """Set the status of rows of ``table`` (comments or mentions, moderated alike), in the
    order of ``ids``; ``then(id)`` after each change, and each post whose public thread
    changed bumped once (``bump_comments``). The ids left as they were because they name no
    row, or because ``may(old status)`` says no. The caller commits."""
    wanted = list(dict.fromkeys(int(i) for i in ids))
    found = {row_id: (post_id, status) for row_id, post_id, status in store.query_in(
        f"SELECT id, post_id, status FROM {table} WHERE id IN ({{marks}})", wanted)}
    left: list[int] = []
    bumped: dict[int, None] = {}
    for row_id in wanted:
        if row_id not in found or (may is not None and not may(found[row_id][1])):
            left.append(row_id)
            continue
        post_id, old_status = found[row_id]
        if old_status == new_status:
            continue
        store.execute(f"UPDATE {table} SET status = ?, updated_at = ? WHERE id = ?",
                      (new_status, now, row_id))
        if APPROVED in (old_status, new_status):
            bumped[post_id] = None
        if then is not None:
            then(row_id)
    for post_id in bumped:
        bump_comments(store, post_id)
    return left


def approve(store: Store, ids: Iterable[int], settings: Settings | None = None) -> list[int]:
    return moderate(store, "approve", ids, settings)


def unsubscribe(store: Store, post_id: int, key: str) -> int:
    """Stop reply notifications on one post's thread for one address (``key``: its email key,
    or the digest an unsubscribe link carries); how many of their comments asked for them."""
    asking = store.query("SELECT DISTINCT email_key FROM comments WHERE post_id = ? AND notify_replies = ?",
                         (post_id, True))
    signer = Signer(secret_key(store))
    keys = [k for (k,) in asking if key in (k, signer.digest(k))]
    if not keys:
        return 0
    cur = store.execute("UPDATE comments SET notify_replies = ? WHERE post_id = ? AND email_key = ? "
                        "AND notify_replies = ?", (False, post_id, keys[0], True))
    store.commit()
    return max(cur.rowcount, 0)


# --- notifications ----------------------------------------------------------------------

def _queue_reply_mail(store: Store, settings: Settings, reply_id: int) -> None:
    """Tell the author of the comment answered, if they asked to be told (never of their
    own replies). Called when the reply becomes public; the caller commits."""
    rows = store.query("SELECT p.email_key, p.author_email, p.notify_replies, p.status FROM comments r "
                       "JOIN comments p ON p.id = r.parent_id WHERE r.id = ? AND r.email_key != p.email_key",
                       (reply_id,))
    if rows and rows[0][2] and rows[0][3] == APPROVED and rows[0][1]:
        mail.queue(store, settings, "reply", rows[0][1], f"reply:{reply_id}", commit=False,
                   comment_id=reply_id)


def unsubscribe_token(store: Store, post_id: int, key: str) -> str:
    signer = Signer(secret_key(store))
    return signer.sign(UNSUBSCRIBE_PURPOSE, [post_id, signer.digest(key)])


def write_letter(store: Store, settings: Settings, payload: dict) -> mail.Letter | None:
    """The message of a queued comment notification, as of now; None when it no longer
    applies (the comment is gone, or the reader unsubscribed)."""
    comment = get_comment(store, payload["comment_id"])
    if comment is None or comment.status in (SPAM, DELETED):
        return None
    post = get_post(store, post_id=comment.post_id)
    if post is None:
        return None
    site = settings.site_url
    link = f"{site}/posts/{post.slug}#comment-{comment.id}"
    if payload["letter"] == "new-comment":
        return _new_comment_letter(payload["to"], post, comment, link, f"{site}/admin/comments")
    parent = get_comment(store, comment.parent_id) if comment.parent_id is not None else None
    if (parent is None or not comment.is_public or not parent.notify_replies
            or parent.email_key == comment.email_key):
        return None
    stop = f"{site}/comments/unsubscribe?token={unsubscribe_token(store, post.id, parent.email_key)}"
    subject = f"{comment.author_name} replied to your comment on {post.title}"
    text = (f"{comment.author_name} replied to your comment on \"{post.title}\":\n\n"
            f"{_quoted(comment.body_markdown)}\n\nRead it and answer: {link}\n\n"
            f"You get this message because you asked to be told of replies. Stop messages about "
            f"this thread: {stop}\n")
    body = (f"<p>{html.escape(comment.author_name)} replied to your comment on "
            f"“{html.escape(post.title)}”:</p>\n<blockquote>{comment.body_html}</blockquote>\n"
            f"<p><a href=\"{html.escape(link)}\">Read it and answer</a></p>\n"
            f"<p style=\"color:#666;font-size:small\">You get this message because you asked to be told "
            f"of replies. <a href=\"{html.escape(stop)}\">Stop messages about this thread</a>.</p>\n")
    return mail.Letter(parent.author_email, subject, text, body,
                       {"List-Unsubscribe": f"<{stop}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})


def _new_comment_letter(to: str, post: BlogPost, comment: Comment, link: str, queue_url: str) -> mail.Letter:
    who = f"{comment.author_name} <{comment.author_email}>"
    if comment.author_url:
        who += f", {comment.author_url}"
    if comment.status == PENDING:
        action = f"It is held for moderation: approve it, mark it as spam or delete it at {queue_url}"
        action_html = (f"It is held for moderation: <a href=\"{html.escape(queue_url)}\">approve it, mark "
                       "it as spam or delete it</a>.")
    else:
        action = f"It is published: {link}"
        action_html = f"It is published: <a href=\"{html.escape(link)}\">see it on the post</a>."
    text = (f"{who} commented on \"{post.title}\":\n\n{_quoted(comment.body_markdown)}\n\n{action}\n")
    body = (f"<p>{html.escape(who)} commented on “{html.escape(post.title)}”:</p>\n"
            f"<blockquote>{comment.body_html}</blockquote>\n<p>{action_html}</p>\n")
    return mail.Letter(to, f"New comment on {post.title}", text, body)


def _quoted(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines())
