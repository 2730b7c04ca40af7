"""Telling the pages a post links to: webmentions sent, pingbacks as the fallback.

Which links count: every ``<a href>`` of the published body that is an absolute http(s)
URL on another host than the site's, without its fragment, once each, in document order,
at most ``MAX_PER_HOST`` per host and ``MAX_TARGETS`` in all (a recap links hundreds of
posts on the chat's own platform; the cap per host keeps them from crowding out the pages
participants shared), and none longer than ``MAX_URL`` characters.

Nothing is sent while a request waits. Publishing, publishing again and unpublishing
queue one durable job for the post (``SEND_MENTIONS``, in ``chatrecap.blog.jobs``); the
server's job worker runs it: it lists the targets and queues one job per target
(``SEND_MENTION``), which discovers the endpoint (``chatrecap.blog.discovery``) and sends
``source=<post URL>&target=<link>``. Each target's latest result is a row of
``sent_mentions``, shown on the post's page in the admin area.

As the Recommendation asks (§3.1.4, §3.1.5): a post published again notifies every page
it links to now and every page it linked to before and no longer does (so the receiver
can update or drop the mention); an unpublished post answers 410 Gone and notifies every
page it linked to. Targets and endpoints are fetched under the SSRF guard
(``chatrecap.blog.fetch``): a link into a private network is recorded as refused, never
fetched. A failure that may pass (a timeout, a 5xx answer) is retried later by the job
queue; a refusal (4xx, a pingback fault) is recorded and not retried.
"""

from __future__ import annotations

import hashlib
import xmlrpc.client
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from bs4 import BeautifulSoup
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_xml

from chatrecap.blog import jobs, posts
from chatrecap.blog.discovery import PINGBACK, WEBMENTION, discover
from chatrecap.blog.fetch import Fetched, FetchError, Guard, Refused, fetch, guard_for, web_parts
from chatrecap.blog.source_page import DEFAULT_PORTS, MAX_URL, one_line
from chatrecap.store import Store, iso
from chatrecap.web.settings import Settings

SEND_MENTIONS = "send-mentions"  # job: list a post's targets and queue one SEND_MENTION each
SEND_MENTION = "send-mention"  # job: discover one target's endpoint and notify it
MAX_TARGETS = 100
MAX_PER_HOST = 20
ALREADY_REGISTERED = 0x30  # pingback fault: this ping was received before

# What happened to a target, last time.
QUEUED, SENT, REJECTED, NO_ENDPOINT, REFUSED, FAILED = (
    "queued", "sent", "rejected", "no endpoint", "refused", "failed")
# Why it was sent: the post links to it, links to it no more, or was unpublished.
LINKED, UNLINKED, DELETED = "linked", "unlinked", "deleted"


class SendFailed(Exception):
    """A send that may work later (timeout, 5xx): the job queue retries it."""


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    detail: str
    protocol: str | None = None
    endpoint: str | None = None
    http_status: int | None = None
    location: str | None = None


@dataclass(frozen=True, slots=True)
class SentMention:
    """One target's row of ``sent_mentions``, for the admin area."""

    target: str
    source: str
    linked: bool
    reason: str
    protocol: str | None
    endpoint: str | None
    status: str
    http_status: int | None
    detail: str | None
    location: str | None
    attempts: int
    queued_at: str
    sent_at: str | None


# --- which links -------------------------------------------------------------------------

def links_of(body_html: str, site_url: str, limit: int | None = None,
             per_host: int | None = None) -> list[str]:
    """The targets of a post's body: see the module's docstring for which links count."""
    limit = MAX_TARGETS if limit is None else limit
    per_host = MAX_PER_HOST if per_host is None else per_host
    own = _host_port(site_url)
    found: list[str] = []
    per: dict[str, int] = {}
    for element in BeautifulSoup(body_html, "html.parser").find_all("a", href=True):
        href = element["href"]
        url = _target(href if isinstance(href, str) else " ".join(href))
        if url is None or url in found:
            continue
        host = _host_port(url)
        if host == own or per.get(host[0], 0) >= per_host:
            continue
        per[host[0]] = per.get(host[0], 0) + 1
        found.append(url)
        if len(found) >= limit:
            break
    return found


def _target(href: str) -> str | None:
    """An absolute http(s) link without its fragment; None for any other href."""
    parts = web_parts(href.strip())
    if parts is None:
        return None
    url = urlunsplit(parts._replace(fragment=""))
    return url if len(url) <= MAX_URL else None


def _host_port(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (parts.hostname or "").lower(), port or DEFAULT_PORTS.get(parts.scheme.lower())


# --- queueing ----------------------------------------------------------------------------

def queue_for_post(store: Store, post: posts.BlogPost, *, commit: bool = True) -> int | None:
    """Queue the sending for a post just published, published again or unpublished."""
    return jobs.enqueue(store, SEND_MENTIONS, {"post_id": post.id},
                        f"{SEND_MENTIONS}:{post.id}:{post.updated_at}", commit=commit)


def plan_sending(store: Store, settings: Settings, job: jobs.Job) -> None:
    """Job handler: queue one SEND_MENTION per target of the post as it is now, and note
    each in ``sent_mentions``. Jobs are named by the post's version (``updated_at``), so
    a second plan of the same version queues nothing again."""
    post = posts.get_post(store, post_id=int(job.payload["post_id"]))
    if post is None:
        return
    source = f"{settings.site_url}/posts/{post.slug}"
    links = links_of(posts.published_body(store, post), settings.site_url)
    known = {target: int(position) for target, position in store.query(
        "SELECT target, position FROM sent_mentions WHERE post_id = ? AND linked = ? ORDER BY position, id",
        (post.id, True))}
    if post.is_public:
        planned = [(target, LINKED, True, i) for i, target in enumerate(links)]
        planned += [(target, UNLINKED, False, known[target]) for target in known if target not in links]
    else:
        targets = list(dict.fromkeys([*links, *known]))
        planned = [(target, DELETED, False, known.get(target, i)) for i, target in enumerate(targets)]
    now = iso(datetime.now(UTC))
    for target, reason, linked, position in planned:
        key = f"{SEND_MENTION}:{post.id}:{post.updated_at}:{hashlib.sha256(target.encode()).hexdigest()}"
        payload = {"post_id": post.id, "target": target, "source": source, "reason": reason}
        if jobs.enqueue(store, SEND_MENTION, payload, key, commit=False) is None:
            continue  # planned before for this version of the post
        store.execute(
            "INSERT INTO sent_mentions (post_id, target, source, linked, reason, position, status, "
            "attempts, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?) ON CONFLICT (post_id, target) DO UPDATE "
            "SET source = excluded.source, linked = excluded.linked, reason = excluded.reason, "
            "position = excluded.position, status = excluded.status, attempts = 0, "
            "queued_at = excluded.queued_at, protocol = NULL, endpoint = NULL, http_status = NULL, "
            "detail = NULL, location = NULL, sent_at = NULL",
            (post.id, target, source, linked, reason, position, QUEUED, now))
    store.commit()


def send_to_target(store: Store, settings: Settings, job: jobs.Job) -> None:
    """Job handler: notify one target and record the outcome; SendFailed to be retried."""
    payload = job.payload
    outcome = deliver(payload["source"], payload["target"], guard_for(settings))
    store.execute(
        "UPDATE sent_mentions SET status = ?, protocol = ?, endpoint = ?, http_status = ?, detail = ?, "
        "location = ?, attempts = ?, sent_at = ? WHERE post_id = ? AND target = ?",
        (outcome.status, outcome.protocol, outcome.endpoint, outcome.http_status, outcome.detail[:1000],
         outcome.location, job.attempts, iso(datetime.now(UTC)), int(payload["post_id"]), payload["target"]))
    store.commit()
    if outcome.status == FAILED:
        raise SendFailed(outcome.detail)


# The job worker's handlers for the kinds above.
HANDLERS = {SEND_MENTIONS: plan_sending, SEND_MENTION: send_to_target}


# --- sending -----------------------------------------------------------------------------

def deliver(source: str, target: str, guard: Guard) -> Outcome:
    """Discover ``target``'s endpoint and notify it that ``source`` links to it."""
    try:
        found = discover(target, guard)
    except Refused as exc:
        return Outcome(REFUSED, f"Not fetched: {exc}.")
    except FetchError as exc:
        return Outcome(FAILED, f"The target could not be fetched: {exc}.")
    if found.status >= 500 or found.status == 429:
        return Outcome(FAILED, f"The target answered {found.status}.", http_status=found.status)
    if not 200 <= found.status < 300:
        return Outcome(NO_ENDPOINT, f"The target answered {found.status}; nothing to notify.",
                       http_status=found.status)
    if found.endpoint is None:
        return Outcome(NO_ENDPOINT, "The target advertises no webmention or pingback endpoint.")
    if found.endpoint.protocol == WEBMENTION:
        return send_webmention(found.endpoint.url, source, target, guard)
    return send_pingback(found.endpoint.url, source, target, guard)


def send_webmention(endpoint: str, source: str, target: str, guard: Guard) -> Outcome:
    """POST source and target, form-encoded, to the endpoint (its query string kept)."""
    sent = _post(WEBMENTION, endpoint, guard, data={"source": source, "target": target})
    if isinstance(sent, Outcome):
        return sent
    status = sent.status
    if 200 <= status < 300:
        location = sent.headers.get("location")
        where = urljoin(endpoint, location) if status == 201 and location else None
        detail = f"Accepted ({status}); its status: {where}." if where else f"Accepted ({status})."
        return Outcome(SENT, detail, WEBMENTION, endpoint, status, where)
    return _refusal(WEBMENTION, endpoint, sent)


def send_pingback(server: str, source: str, target: str, guard: Guard) -> Outcome:
    """Call ``pingback.ping(source, target)`` on the XML-RPC server."""
    body = xmlrpc.client.dumps((source, target), methodname="pingback.ping", encoding="utf-8")
    sent = _post(PINGBACK, server, guard, data=body.encode(), headers={"Content-Type": "text/xml"})
    if isinstance(sent, Outcome):
        return sent
    if sent.status != 200:
        return _refusal(PINGBACK, server, sent)
    try:
        answer = read_xmlrpc(sent.content)
    except xmlrpc.client.Fault as fault:
        code, text = fault.faultCode, one_line(str(fault.faultString)) or ""
        if code == ALREADY_REGISTERED:
            return Outcome(SENT, f"Received before (fault {code}: {text}).", PINGBACK, server, 200)
        return Outcome(REJECTED, f"Fault {code}: {text}", PINGBACK, server, 200)
    except ValueError as exc:
        return Outcome(REJECTED, f"The answer is not XML-RPC: {exc}.", PINGBACK, server, 200)
    said = f"Accepted: {one_line(str(answer)) or ''}" if answer else "Accepted."
    return Outcome(SENT, said, PINGBACK, server, 200)


def read_xmlrpc(content: bytes) -> Any:
    """The value of an XML-RPC answer; xmlrpc.client.Fault for a fault, ValueError when it
    is not a well-formed answer. defusedxml checks the document first (no DTD, no entities:
    no billion laughs, no external files), so the standard library's reader only ever sees
    plain XML."""
    try:
        safe_xml(content, forbid_dtd=True)
        values, _ = xmlrpc.client.loads(content)
    except xmlrpc.client.Fault:
        raise
    except (ParseError, DefusedXmlException, ExpatError, xmlrpc.client.ResponseError) as exc:
        raise ValueError(one_line(str(exc)) or type(exc).__name__) from None
    if len(values) != 1:
        raise ValueError("expected one value")
    return values[0]


def _post(protocol: str, endpoint: str, guard: Guard, **request: Any) -> Fetched | Outcome:
    """The endpoint's answer (redirects not followed: a notification is not re-posted
    elsewhere), or the Outcome of a failure to reach it."""
    try:
        return fetch(endpoint, guard, method="POST", follow_redirects=False, **request)
    except Refused as exc:
        return Outcome(REFUSED, f"Not sent: {exc}.", protocol, endpoint)
    except FetchError as exc:
        return Outcome(FAILED, f"The endpoint could not be reached: {exc}.", protocol, endpoint)


def _refusal(protocol: str, endpoint: str, answer: Fetched) -> Outcome:
    status = answer.status
    said = one_line(answer.text)
    detail = f"The endpoint answered {status}" + (f": {said}" if said else ".")
    if 300 <= status < 400:
        detail = f"The endpoint redirected ({status}) to {answer.headers.get('location', '?')}; not followed."
    failed = status >= 500 or status == 429
    return Outcome(FAILED if failed else REJECTED, detail, protocol, endpoint, status)


# --- for the admin area ------------------------------------------------------------------

def sent_for_post(store: Store, post_id: int) -> list[SentMention]:
    """Each target's latest sending: those the post links to first, in its order."""
    rows = store.query(
        "SELECT target, source, linked, reason, protocol, endpoint, status, http_status, detail, location, "
        "attempts, queued_at, sent_at FROM sent_mentions WHERE post_id = ? "
        "ORDER BY linked DESC, position, id", (post_id,))
    return [SentMention(r[0], r[1], bool(r[2]), *r[3:7], None if r[7] is None else int(r[7]), r[8], r[9],
                        int(r[10]), r[11], r[12]) for r in rows]
