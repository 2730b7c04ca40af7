"""Mail subscriptions: every new post sent to the readers who asked for it, and only to them.

Double opt-in. The subscribe box queues a confirmation message with a signed link that
works for ``CONFIRM_DAYS``; only a POST from the page that link opens confirms (mail
scanners and link previews fetch the links of a message: a GET that confirmed would
subscribe whoever an attacker typed in). A link made before the reader's latest
unsubscribe no longer confirms.

No enumeration. Asking to subscribe does the same work whatever the address's state
(the row is upserted, a consent row written, a message queued) and gets the same
answer; the message says what applies: a link to confirm, or that the address is
subscribed already. At most ``MAILS_PER_ADDRESS_PER_DAY`` such messages go to one
address a day, whoever asks. Unsubscribing answers the same whether or not the address
was subscribed.

Consent. Every subscribe request, confirmation and unsubscribe is recorded in
``consents``: when, the address, which form (the page the box was on, the confirmation
page, a mail client's one-click unsubscribe), the exact text shown beside the button,
the visitor's IP address and user agent.

Mail-out. A post's first publish (``chatrecap.blog.publishing``) queues one mail job per
confirmed subscriber, in one statement (``mail_out``), with the dedupe key
``newsletter:<post>:<subscriber>``; a re-publish after edits, or unpublishing and
publishing again, mails nobody (the post went out once; who subscribed since did not ask
for older posts). The mail worker
(``chatrecap.blog.mail``) writes each message when it sends it, and sends it only to a
subscriber still confirmed then. Messages carry ``List-Unsubscribe`` and
``List-Unsubscribe-Post`` (RFC 8058): a POST to that URL unsubscribes in one click.

Privacy. The address is kept in ``subscribers`` and ``consents`` only: the jobs name the
subscriber by id (the address is read when a message is written), signed links carry
the id and a keyed digest of the address, not the address. It is never shown on a public
page, in a feed or by a CLI listing; the admin can look up one address, export its data
(``export``) or delete it (``delete``: the row, its consents and its mail jobs).
"""

from __future__ import annotations

import hmac
import html
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from chatrecap.blog import comments, mail
from chatrecap.blog.auth import Signer, secret_key
from chatrecap.blog.posts import BlogPost, get_post
from chatrecap.errors import ChatrecapError
from chatrecap.store import Store, iso
from chatrecap.web.settings import Settings

PENDING, CONFIRMED, UNSUBSCRIBED = "pending", "confirmed", "unsubscribed"
STATUSES = (PENDING, CONFIRMED, UNSUBSCRIBED)
SUBSCRIBE, CONFIRM, UNSUBSCRIBE = "subscribe", "confirm", "unsubscribe"  # consent actions
# What readers see beside each button, recorded word for word with their consent.
SUBSCRIBE_TEXT = ("Get every post delivered directly to your inbox. "
                  "Your email address will not be shared or sold.")
SUBSCRIBE_BUTTON = "Subscribe"
CONFIRM_TEXT = "Send every new post of {site} to {address}?"
CONFIRM_BUTTON = "Yes, send me every new post"
UNSUBSCRIBE_TEXT = "Stop sending the new posts of {site} to this address?"
UNSUBSCRIBE_BUTTON = "Unsubscribe"
ONE_CLICK_FORM = "one-click unsubscribe from a mail client (List-Unsubscribe-Post)"
ONE_CLICK_TEXT = "List-Unsubscribe=One-Click"
# Signed-token purposes and lifetimes.
FORM_PURPOSE, CONFIRM_PURPOSE, UNSUBSCRIBE_PURPOSE = ("subscribe-form", "subscription-confirm",
                                                      "subscription-unsubscribe")
CONFIRM_DAYS = 7
UNSUBSCRIBE_DAYS = 730
MAILS_PER_ADDRESS_PER_DAY = 3
LETTERS = ("subscribe-confirm", "newsletter")
_COLUMNS = "id, email, status, created_at, confirmed_at, unsubscribed_at"


class SubscriptionError(ChatrecapError):
    """A subscription request cannot be taken; the message says why and what to do."""

    status = 400


@dataclass(frozen=True, slots=True)
class Subscriber:
    id: int
    email: str
    status: str
    created_at: str
    confirmed_at: str | None
    unsubscribed_at: str | None


@dataclass(frozen=True, slots=True)
class LinkHolder:
    """Whom a signed confirmation or unsubscribe link names (see ``read_token``)."""

    subscriber_id: int
    digest: str
    consent_id: int | None = None  # the subscribe request a confirmation link answers


def _now() -> datetime:
    return datetime.now(UTC)


def clean_address(address: str | None) -> str:
    try:
        return comments.clean_email(address)
    except comments.CommentError as exc:
        raise SubscriptionError(str(exc)) from None


def address_digest(signer: Signer, address: str) -> str:
    """The digest that ties a link to the address it was sent to (ids of deleted rows can
    come back)."""
    return signer.digest(comments.email_key(address))


def named_subscriber(store: Store, signer: Signer, holder: LinkHolder) -> Subscriber | None:
    """The subscriber a link names: the row with its id, if the link was made for that
    row's address (ids of deleted rows may be given again)."""
    subscriber = get_subscriber(store, holder.subscriber_id)
    if subscriber is None or not hmac.compare_digest(address_digest(signer, subscriber.email), holder.digest):
        return None
    return subscriber


def get_subscriber(store: Store, subscriber_id: int) -> Subscriber | None:
    rows = store.query(f"SELECT {_COLUMNS} FROM subscribers WHERE id = ?", (subscriber_id,))
    return Subscriber(*rows[0]) if rows else None


def find(store: Store, address: str) -> Subscriber | None:
    """The subscriber with this address (any case), for the admin's lookup."""
    rows = store.query(f"SELECT {_COLUMNS} FROM subscribers WHERE email_key = ?",
                       (comments.email_key(address),))
    return Subscriber(*rows[0]) if rows else None


def counts(store: Store) -> dict[str, int]:
    """How many subscribers are pending, confirmed and unsubscribed."""
    found = dict(store.query("SELECT status, COUNT(*) FROM subscribers GROUP BY status"))
    return {status: int(found.get(status, 0)) for status in STATUSES}


def _consent(store: Store, subscriber_id: int, action: str, address: str, form: str, text_shown: str,
             ip: str | None, user_agent: str | None) -> int:
    [(consent_id,)] = store.query(
        "INSERT INTO consents (subscriber_id, action, email, form, text_shown, ip, user_agent, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (subscriber_id, action, address, form[:300], text_shown, ip, (user_agent or "")[:300], iso(_now())))
    return int(consent_id)


# --- the reader's side ------------------------------------------------------------------

def subscribe(store: Store, settings: Settings, address: str, *, form: str, ip: str | None,
              user_agent: str | None, text_shown: str = SUBSCRIBE_TEXT, commit: bool = True) -> int:
    """Record a request to subscribe ``address`` and queue the message that answers it
    (a confirmation link, or "subscribed already"); the subscriber's id. The same work
    whatever the address's state. Raises SubscriptionError for a malformed address."""
    address = clean_address(address)
    now = iso(_now())
    [(subscriber_id,)] = store.query(
        "INSERT INTO subscribers (email, email_key, status, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (email_key) DO UPDATE SET status = CASE WHEN subscribers.status = ? "
        "THEN subscribers.status ELSE ? END RETURNING id",
        (address, comments.email_key(address), PENDING, now, CONFIRMED, PENDING))
    subscriber_id = int(subscriber_id)
    since = iso(_now() - timedelta(days=1))
    [(asked,)] = store.query("SELECT COUNT(*) FROM consents WHERE subscriber_id = ? AND action = ? "
                             "AND at >= ?", (subscriber_id, SUBSCRIBE, since))
    consent_id = _consent(store, subscriber_id, SUBSCRIBE, address, form, text_shown, ip, user_agent)
    if int(asked) < MAILS_PER_ADDRESS_PER_DAY:
        mail.queue(store, settings, "subscribe-confirm", None,
                   f"subscribe-confirm:{subscriber_id}:{consent_id}", commit=False,
                   subscriber_id=subscriber_id, consent_id=consent_id)
    if commit:
        store.commit()
    return subscriber_id


def confirm(store: Store, holder: LinkHolder, signer: Signer, *, form: str, text_shown: str, ip: str | None,
            user_agent: str | None, commit: bool = True) -> Subscriber | None:
    """Confirm the subscription a confirmation link names; None when the link no longer
    applies (the subscriber was deleted, or unsubscribed after the link was made)."""
    subscriber = named_subscriber(store, signer, holder)
    if subscriber is None or holder.consent_id is None:
        return None
    if store.query("SELECT 1 FROM consents WHERE subscriber_id = ? AND action = ? AND id > ?",
                   (subscriber.id, UNSUBSCRIBE, holder.consent_id)):
        return None
    now = iso(_now())
    store.execute("UPDATE subscribers SET status = ?, confirmed_at = CASE WHEN status = ? THEN confirmed_at "
                  "ELSE ? END WHERE id = ?", (CONFIRMED, CONFIRMED, now, subscriber.id))
    _consent(store, subscriber.id, CONFIRM, subscriber.email, form, text_shown, ip, user_agent)
    if commit:
        store.commit()
    return get_subscriber(store, subscriber.id)


def unsubscribe(store: Store, holder: LinkHolder, signer: Signer, *, form: str, text_shown: str,
                ip: str | None, user_agent: str | None) -> None:
    """Stop the mail to the subscriber an unsubscribe link names. Nothing to say back: the
    answer is the same whether the address was subscribed, pending or is gone."""
    subscriber = named_subscriber(store, signer, holder)
    if subscriber is not None:
        store.execute("UPDATE subscribers SET status = ?, unsubscribed_at = ? WHERE id = ?",
                      (UNSUBSCRIBED, iso(_now()), subscriber.id))
        _consent(store, subscriber.id, UNSUBSCRIBE, subscriber.email, form, text_shown, ip, user_agent)
    store.commit()


# --- signed links -----------------------------------------------------------------------

def confirm_token(signer: Signer, subscriber: Subscriber, consent_id: int) -> str:
    return signer.sign(CONFIRM_PURPOSE, [subscriber.id, address_digest(signer, subscriber.email), consent_id])


def unsubscribe_token(signer: Signer, subscriber: Subscriber) -> str:
    return signer.sign(UNSUBSCRIBE_PURPOSE, [subscriber.id, address_digest(signer, subscriber.email)])


def read_token(signer: Signer, purpose: str, token: str | None) -> LinkHolder | str:
    """Whom a confirmation (``CONFIRM_PURPOSE``) or unsubscribe link names; else "expired"
    (signed by us, too old) or "invalid" (forged, mangled, for something else)."""
    days = CONFIRM_DAYS if purpose == CONFIRM_PURPOSE else UNSUBSCRIBE_DAYS
    value = signer.unsign(purpose, token, days * 24 * 3600)
    if value is None:
        return "expired" if signer.unsign(purpose, token, 100 * 365 * 24 * 3600) is not None else "invalid"
    size = 3 if purpose == CONFIRM_PURPOSE else 2
    if (not isinstance(value, list) or len(value) != size or not isinstance(value[0], int)
            or not isinstance(value[1], str) or (size == 3 and not isinstance(value[2], int))):
        return "invalid"
    return LinkHolder(value[0], value[1], value[2] if size == 3 else None)


# --- the mail-out -----------------------------------------------------------------------

def mail_out(store: Store, settings: Settings, post: BlogPost, *, commit: bool = True) -> int:
    """Queue ``post`` for every confirmed subscriber: one mail job each, written by one
    statement in one transaction; how many were queued (none twice: the dedupe key)."""
    now = iso(_now())
    stamp = f"{secrets.token_hex(4)}@{mail.message_domain(settings)}"
    # The payload is JSON made by SQL: {"letter", "post_id", "subscriber_id", "message_id"}.
    head = f'{{"letter":"newsletter","post_id":{int(post.id)},"subscriber_id":'
    middle = f',"message_id":"<newsletter.{int(post.id)}.'
    tail = f'.{stamp}>"}}'
    cur = store.execute(
        "INSERT INTO jobs (kind, payload, dedupe_key, status, attempts, run_after, created_at) "
        "SELECT ?, CAST(? AS TEXT) || CAST(id AS TEXT) || CAST(? AS TEXT) || CAST(id AS TEXT) || "
        "CAST(? AS TEXT), CAST(? AS TEXT) || CAST(id AS TEXT), ?, 0, ?, ? FROM subscribers WHERE status = ? "
        "ORDER BY id ON CONFLICT (dedupe_key) DO NOTHING",
        (mail.MAIL, head, middle, tail, f"newsletter:{int(post.id)}:", "queued", now, now, CONFIRMED))
    queued = max(cur.rowcount, 0)
    if commit:
        store.commit()
    return queued


# --- the messages -----------------------------------------------------------------------

def write_letter(store: Store, settings: Settings, payload: dict, memo: dict) -> mail.Letter | None:
    """The message of a queued subscription job, as of now; None when it no longer
    applies (the subscriber is gone or no longer confirmed, the post unpublished)."""
    subscriber = get_subscriber(store, payload["subscriber_id"])
    if subscriber is None:
        return None
    signer = memo.get("signer")
    if signer is None:
        signer = memo["signer"] = Signer(secret_key(store))
    site, title = settings.site_url, settings.site_title
    if payload["letter"] == "subscribe-confirm":
        return _confirm_letter(settings, signer, subscriber, payload["consent_id"])
    if subscriber.status != CONFIRMED:
        return None
    key = ("post", payload["post_id"])
    if key not in memo:
        memo[key] = get_post(store, post_id=payload["post_id"])
    post: BlogPost | None = memo[key]
    if post is None or not post.is_public:
        return None
    link = f"{site}/posts/{post.slug}"
    stop = f"{site}/subscription/unsubscribe?token={unsubscribe_token(signer, subscriber)}"
    summary = post.summary or ""
    text = (f"{post.title}\n\n{summary}\n\nRead it: {link}\n\n-- \nYou get this message because you "
            f"subscribed to {title} ({site}/). Unsubscribe: {stop}\n")
    body = (f"<h1 style=\"font-size:1.3em\"><a href=\"{html.escape(link)}\">"
            f"{html.escape(post.title)}</a></h1>\n"
            f"<p>{html.escape(summary)}</p>\n<p><a href=\"{html.escape(link)}\">Read it</a></p>\n"
            f"<p style=\"color:#666;font-size:small\">You get this message because you subscribed to "
            f"{html.escape(title)}. <a href=\"{html.escape(stop)}\">Unsubscribe</a>.</p>\n")
    return mail.Letter(subscriber.email, post.title, text, body,
                       {"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": ONE_CLICK_TEXT})


def _confirm_letter(settings: Settings, signer: Signer, subscriber: Subscriber,
                    consent_id: int) -> mail.Letter:
    site, title = settings.site_url, settings.site_title
    if subscriber.status == CONFIRMED:
        stop = f"{site}/subscription/unsubscribe?token={unsubscribe_token(signer, subscriber)}"
        text = (f"Someone, probably you, asked to subscribe this address to {title} ({site}/).\n\n"
                f"It is subscribed already: nothing changes, you will get every new post as before.\n\n"
                f"To stop them: {stop}\n")
        body = (f"<p>Someone, probably you, asked to subscribe this address to "
                f"<a href=\"{html.escape(site)}/\">{html.escape(title)}</a>.</p>\n"
                "<p>It is subscribed already: nothing changes, you will get every new post as before.</p>\n"
                f"<p style=\"color:#666;font-size:small\"><a href=\"{html.escape(stop)}\">"
                "Unsubscribe</a></p>\n")
        return mail.Letter(subscriber.email, f"You are subscribed to {title}", text, body)
    link = f"{site}/subscription/confirm?token={confirm_token(signer, subscriber, consent_id)}"
    text = (f"Someone, probably you, asked for every new post of {title} ({site}/) to be sent to "
            f"this address.\n\nTo confirm, open this link and press the button (it works for "
            f"{CONFIRM_DAYS} days):\n{link}\n\nIf it was not you, ignore this message: nothing more "
            "will be sent.\n")
    body = (f"<p>Someone, probably you, asked for every new post of <a href=\"{html.escape(site)}/\">"
            f"{html.escape(title)}</a> to be sent to this address.</p>\n"
            f"<p><a href=\"{html.escape(link)}\">Confirm the subscription</a> (the link works for "
            f"{CONFIRM_DAYS} days).</p>\n<p style=\"color:#666;font-size:small\">If it was not you, ignore "
            "this message: nothing more will be sent.</p>\n")
    return mail.Letter(subscriber.email, f"Confirm your subscription to {title}", text, body)


# --- the admin's side: export and delete one subscriber's data ---------------------------

def _mail_jobs(store: Store, subscriber_id: int) -> list[tuple[Any, ...]]:
    """The subscriber's mail jobs: (id, payload, status, attempts, created_at, finished_at)."""
    rows = store.query(
        "SELECT id, payload, status, attempts, created_at, finished_at FROM jobs WHERE kind = ? "
        "AND (dedupe_key LIKE ? OR dedupe_key LIKE ?) ORDER BY id",
        (mail.MAIL, f"newsletter:%:{subscriber_id}", f"subscribe-confirm:{subscriber_id}:%"))
    return [r for r in rows if orjson.loads(r[1]).get("subscriber_id") == subscriber_id]


def export(store: Store, address: str) -> dict[str, Any] | None:
    """Everything kept about one address: the subscriber, its consent records and its
    mail (metadata; the messages themselves are written when sent and not kept)."""
    subscriber = find(store, address)
    if subscriber is None:
        return None
    fields = ("action", "at", "email", "form", "text_shown", "ip", "user_agent")
    consents = [dict(zip(fields, row, strict=True)) for row in store.query(
        f"SELECT {', '.join(fields)} FROM consents WHERE subscriber_id = ? ORDER BY id", (subscriber.id,))]
    jobs = []
    for job_id, payload, status, attempts, created_at, finished_at in _mail_jobs(store, subscriber.id):
        data = orjson.loads(payload)
        jobs.append({"id": job_id, "message": data["letter"], "post_id": data.get("post_id"),
                     "message_id": data["message_id"], "status": status, "attempts": attempts,
                     "queued_at": created_at, "finished_at": finished_at})
    return {"subscriber": {"email": subscriber.email, "status": subscriber.status,
                           "created_at": subscriber.created_at, "confirmed_at": subscriber.confirmed_at,
                           "unsubscribed_at": subscriber.unsubscribed_at},
            "consents": consents, "mail": jobs}


def delete(store: Store, address: str) -> bool:
    """Delete everything kept about one address: the subscriber, its consent records and
    its mail jobs (queued ones are not sent; a message being handed over right now is
    the last). False when no subscriber has this address."""
    subscriber = find(store, address)
    if subscriber is None:
        return False
    job_ids = [row[0] for row in _mail_jobs(store, subscriber.id)]
    if job_ids:
        store.query_in("DELETE FROM jobs WHERE id IN ({marks}) RETURNING id", job_ids)
    store.execute("DELETE FROM consents WHERE subscriber_id = ?", (subscriber.id,))
    store.execute("DELETE FROM subscribers WHERE id = ?", (subscriber.id,))
    store.commit()
    return True
