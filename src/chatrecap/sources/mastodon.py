"""Mastodon REST API JSON: timelines, single statuses, thread contexts, and JSONL of statuses.

Accepted shapes: a JSON list of Status entities (``GET /api/v1/timelines/tag/:hashtag``,
the public and account timelines), one Status, a Context (``{"ancestors": [...],
"descendants": [...]}``, both lists are read), or JSONL with one of those per line. A list
of Notifications or Conversations gives the statuses they hold. A mastodon-archive file
(``{"account", "statuses", "favourites", "mentions", ...}``, ids as numbers and times with
an offset as Mastodon.py writes them) gives the user's statuses and the mentions of them
as posts, favourites and bookmarks as referenced posts. What Mastodon.py 2 saves with
``to_json()`` (``{"_mastopy_version", "_mastopy_type", "_mastopy_data"}``) is read for
the statuses, list or context in its ``_mastopy_data``. Direct messages
(``visibility: direct``) are left out with a warning: they are private.

A hashtag followed live through the streaming API is read as saved: WebSocket messages
one per line (``{"stream", "event", "payload"}``, the payload the status as a JSON
string) or the server-sent events of ``/api/v1/streaming/hashtag`` (``event: update`` /
``data: {...}``); an edit (``status.update``) is the status again, deletions are reported.

Mastodon's own account archive (a zip with ``outbox.json`` and ``actor.json``, or its
``outbox.json`` unpacked with ``actor.json`` beside it) is ActivityPub, read by
:mod:`chatrecap.sources._activitypub`.

Status and account ids are local to the instance the archive was fetched from: the same
post fetched through another server has another id, and ``acct`` is ``user`` for that
server's own users and ``user@domain`` for the others. So native ids here only dedupe
archives fetched from one instance.

``source_line`` is the real line number for JSONL; for a JSON document it is the 1-based
index of the status in the document (ancestors, then descendants, for a Context). A boost
(reblog) or quoted status embedded in a status shares the line of the status holding it.

Text is the HTML ``content`` made plain; a content warning comes first as
``"CW: <spoiler_text>\\n\\n"``. ``text_original`` keeps the HTML. A boost is mapped like a
retweet: the boosted status is yielded first (``is_referenced``), then the boost with
``repost_of_id`` and the boosted text. Mastodon 4.5 quotes (``quote`` holding a Quote
``{"state", "quoted_status"}`` or a ShallowQuote ``{"state", "quoted_status_id"}``) give
``quote_of_id``; the "RE: <link>" paragraph that 4.5 adds for older clients is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from chatrecap.errors import RecordError
from chatrecap.models import Author, Post, make_id
from chatrecap.sources._activitypub import actor_beside, is_outbox, outbox_posts, read_archive_zip
from chatrecap.sources._csv import text_entities
from chatrecap.sources._twitter import parse_iso, parse_iso_or_none, unique
from chatrecap.sources.base import (
    ReadOptions,
    Sample,
    Source,
    iter_json,
    iter_lines,
)
from chatrecap.text import clean_text, html_links, html_to_text

PLATFORM = "mastodon"
_STATUS_KEYS = re.compile(r'"(account|content|visibility|reblogs_count|spoiler_text)"\s*:')
_CONTEXT = re.compile(r'^\{\s*"(ancestors|descendants)"\s*:')
# Mastodon writes <p class="quote-inline">, Pleroma/Akkoma <span class="quote-inline">.
_QUOTE_INLINE = re.compile(r'<(p|span) class="quote-inline">.*?</a>\s*</\1>', re.S)


def _author(account: dict[str, Any]) -> Author:
    return Author(
        platform=PLATFORM,
        native_id=str(account["id"]) if account.get("id") is not None else None,
        handle=account.get("acct") or account.get("username"),
        display_name=clean_text(account.get("display_name")) or None,
        bio=html_to_text(account.get("note")) or None,
        followers=account.get("followers_count"),
        following=account.get("following_count"),
        url=account.get("url") or None,
        created_at=parse_iso_or_none(account.get("created_at")),
        avatar_url=account.get("avatar") or None,
        is_bot=account.get("bot"),
    )


def _quote(status: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """(quoted Status if embedded, quoted status id) from the ``quote`` field."""
    quote = status.get("quote")
    if not isinstance(quote, dict):
        return None, None
    if "account" in quote and "id" in quote:  # forks that put the Status itself there
        return quote, str(quote["id"])
    quoted = quote.get("quoted_status")
    if isinstance(quoted, dict) and quoted.get("id") is not None:
        return quoted, str(quoted["id"])
    ident = quote.get("quoted_status_id")
    return None, str(ident) if ident is not None else None


def _map(status: dict[str, Any], path: str, line: int, referenced: bool = False) -> list[Post]:
    """The posts of one status: embedded boosted/quoted statuses first, then the status."""
    for key in ("id", "account", "created_at"):
        if status.get(key) in (None, ""):
            raise ValueError(f"the status has no {key!r}")
    out: list[Post] = []
    reblog = status.get("reblog")
    if isinstance(reblog, dict):
        out += _map(reblog, path, line, referenced=True)
        original = out[-1]
    quoted, quote_id = _quote(status)
    if quoted is not None:
        out += _map(quoted, path, line, referenced=True)
    html = status.get("content") or ""
    if quote_id:
        html = _QUOTE_INLINE.sub("", html)
    # (a status deleted to redraft it comes back with its plain source `text`, no `content`)
    source = status.get("text") if not html and isinstance(status.get("text"), str) else None
    text = clean_text(source) if source else html_to_text(html)
    spoiler = clean_text(status.get("spoiler_text"))
    if spoiler:
        text = f"CW: {spoiler}\n\n{text}" if text else f"CW: {spoiler}"
    mentions = [m for m in status.get("mentions") or () if isinstance(m, dict)]
    reply_account = status.get("in_reply_to_account_id")
    reply_author = None
    if reply_account is not None:
        if str(reply_account) == str(status["account"].get("id")):
            reply_author = status["account"].get("acct")
        reply_author = next((m.get("acct") for m in mentions
                             if str(m.get("id")) == str(reply_account)), reply_author)
    card = status.get("card") if isinstance(status.get("card"), dict) else {}
    profiles = {m.get("url") for m in mentions}  # (a mention's link is its profile, no link)
    post = Post(
        platform=PLATFORM,
        native_id=str(status["id"]),
        author=_author(status["account"]),
        created_at=parse_iso(status["created_at"]),
        text=text,
        text_original=status.get("content") or source or None,
        reply_to_id=(make_id(PLATFORM, str(status["in_reply_to_id"]))
                     if status.get("in_reply_to_id") is not None else None),
        reply_to_author=reply_author,
        quote_of_id=make_id(PLATFORM, quote_id) if quote_id else None,
        mentions=unique([m["acct"] for m in mentions if m.get("acct")]),
        hashtags=unique([t["name"] for t in status.get("tags") or ()
                         if isinstance(t, dict) and t.get("name")]),
        # (a link the server left as plain text, as a remote post's may be, is a link too)
        urls=unique([u for u in [*html_links(html), *text_entities(text)[2]] if u not in profiles]
                    + ([card["url"]] if card.get("url") else [])),
        media=unique([m.get("url") or m.get("remote_url") for m in
                      status.get("media_attachments") or ()
                      if isinstance(m, dict) and (m.get("url") or m.get("remote_url"))]),
        like_count=status.get("favourites_count"),
        repost_count=status.get("reblogs_count"),
        reply_count=status.get("replies_count"),
        quote_count=status.get("quotes_count"),
        language=status.get("language") or None,
        url=status.get("url") or None,
        is_referenced=referenced,
        source_file=path,
        source_line=line,
        raw=status,
    )
    if isinstance(reblog, dict):
        post.repost_of_id = original.id
        post.text = original.text
        post.mentions, post.hashtags = list(original.mentions), list(original.hashtags)
        post.urls = list(original.urls)
        post.language = post.language or original.language
    if post.text_original == post.text:
        post.text_original = None
    out.append(post)
    return out


def _status_of(record: dict[str, Any]) -> dict[str, Any] | None:
    """The Status a record is or holds: a Notification (``GET /api/v1/notifications``: a
    mention, a boost or a favourite of a status) and a Conversation (``last_status``) carry
    one; a follow notification, none."""
    if "content" not in record and "type" in record and "account" in record:  # a Notification
        status = record.get("status")
    elif "content" not in record and "last_status" in record and "accounts" in record:
        status = record.get("last_status")
    else:
        return record
    return status if isinstance(status, dict) else None


# The streaming API (a hashtag followed live) sends each event as a WebSocket message
# {"stream", "event", "payload"} whose payload is the entity as a JSON string, or as
# server-sent events: "event: update" then "data: <the entity>".
_STREAMED = {"update": "a status", "status.update": "an edited status",
             "notification": "a notification", "conversation": "a conversation"}
_SSE_LINE = re.compile(rb"^(event|data|id|retry)?:\s?(.*?)\r?\n?$", re.S)


def _stream_event(event: dict[str, Any]) -> tuple[Any, tuple[str, str] | None]:
    """(the entity a streaming API event carries, None), or (None, (why there is none to
    import, its kind))."""
    kind, payload = event.get("event"), event.get("payload")
    if kind not in _STREAMED:
        if kind == "delete":
            return None, (f"status {payload} was deleted: nothing to import", "deleted")
        return None, (f"a streaming {kind} event holds no status: nothing to import",
                      "no status")
    if isinstance(payload, (str, bytes)):
        try:
            payload = orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            return None, (f"the streamed {kind} is not valid JSON ({exc}); skipped",
                          "invalid JSON")
    return payload, None


def _server_sent(path: Path, source: str) -> Iterator[Post | RecordError]:
    """The statuses of a saved server-sent event stream (``curl .../streaming/hashtag``)."""
    kind = "update"
    for number, line in iter_lines(path):
        match = _SSE_LINE.match(line)
        if match is None:
            yield RecordError(source, number, "this line is not part of a server-sent event "
                              "stream; skipped")
        elif match.group(1) == b"event":
            kind = match.group(2).decode("utf-8", "replace").strip()
        elif match.group(1) == b"data":
            yield from _safe({"event": kind, "payload": match.group(2).decode("utf-8", "replace")},
                             source, number)
            kind = "update"  # an event without a name is a plain message


def _is_server_sent(path: Path) -> bool:
    first = next(iter_lines(path), None)
    return first is not None and bool(re.match(rb"^(event|data):|^:", first[1]))


# mastodon-archive (``mastodon-archive archive user@host``) saves one document per account:
# the user's own statuses and the mentions of them are posts; favourites and bookmarks are
# other people's statuses the user only marked, kept as referenced posts.
_ARCHIVE_POSTS = ("statuses", "mentions")
_ARCHIVE_MARKED = ("favourites", "bookmarks")


def _context(doc: Any) -> list[tuple[Any, bool]] | None:
    """The statuses of a Context (ancestors, then descendants), None if it is not one."""
    if isinstance(doc, dict) and ("ancestors" in doc or "descendants" in doc) \
            and "account" not in doc:
        parts = [doc.get("ancestors") or [], doc.get("descendants") or []]
        if all(isinstance(part, list) for part in parts):
            return [(status, False) for status in parts[0] + parts[1]]
    return None


def _listed(item: Any) -> list[tuple[Any, bool]]:
    """The statuses of an item of a list: a thread context's (none, when it is empty), or
    the item itself as one status."""
    parts = _context(item)
    return parts if parts is not None else [(item, False)]


def _statuses(doc: Any) -> list[tuple[Any, bool]]:
    """(status, referenced) of one parsed JSON value: a list, a Context, a mastodon-archive
    file, or one Status."""
    if isinstance(doc, dict) and "_mastopy_data" in doc:  # Mastodon.py 2's to_json()
        return _statuses(doc["_mastopy_data"])
    if isinstance(doc, list):  # a timeline, or the pages or contexts of a download in one list
        return [pair for item in doc for pair in
                ([(status, False) for status in item] if isinstance(item, list)
                 else _listed(item))]
    if (parts := _context(doc)) is not None:  # an empty thread holds no posts, and says so
        return parts
    if isinstance(doc, dict) and "content" not in doc and isinstance(doc.get("statuses"), list):
        return [(status, key in _ARCHIVE_MARKED) for key in _ARCHIVE_POSTS + _ARCHIVE_MARKED
                if isinstance(doc.get(key), list) for status in doc[key]]
    return [(doc, False)]  # one status; anything else is reported as not a status


class MastodonSource(Source):
    id = "mastodon"
    name = "Mastodon API JSON"
    reads_zips = True  # Mastodon's own account archive
    description = ("Statuses from the Mastodon REST API: timelines (tag, public, account), "
                   "single statuses, thread contexts, or JSONL of statuses; the streaming "
                   "API saved (WebSocket JSONL or server-sent events); mastodon-archive "
                   "files; Mastodon's own account archive (zip or outbox.json). Ids are local "
                   "to the instance the data was fetched from.")

    def sniff(self, sample: Sample) -> float:
        if sample.zip_names is not None:  # Mastodon's own account archive
            names = {n.rsplit("/", 1)[-1] for n in sample.zip_names}
            return 0.9 if sample.encoding == "binary" and {"outbox.json", "actor.json"} <= names \
                else 0.0
        text = sample.stripped
        if re.match(r"(event|data):|:", text):  # the streaming API's server-sent events
            keys = set(_STATUS_KEYS.findall(text))
            return 0.9 if {"account", "content"} <= keys else 0.0
        if not text.startswith(("[", "{")):
            return 0.0
        if '"payload"' in text and '"event"' in text and re.search(r'\\"(account|content)\\"', text):
            return 0.9  # WebSocket messages of the streaming API: the status is a JSON string
        if '"orderedItems"' in text and '"OrderedCollection"' in text \
                and '"https://www.w3.org/ns/activitystreams' in text:
            return 0.9
        if _CONTEXT.match(text):
            return 0.9
        keys = set(_STATUS_KEYS.findall(text))
        if "account" in keys and ("content" in keys or '"text"' in text) and len(keys) >= 4 \
                and '"id"' in text:
            return 0.95
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | RecordError]:
        source = str(path)
        outbox, actor = read_archive_zip(path)
        if outbox is not None:
            yield from outbox_posts(outbox, actor, source, PLATFORM)
            return
        if _is_server_sent(path):
            yield from _server_sent(path, source)
            return
        for number, doc in iter_json(path):
            if isinstance(doc, RecordError):
                yield doc
            elif is_outbox(doc):  # (Mastodon writes it on one line, a pretty copy on many)
                yield from outbox_posts(doc, actor_beside(path), source, PLATFORM)
            elif number is None:  # a document: the position of each status is its "line"
                for index, (status, referenced) in enumerate(_statuses(doc), 1):
                    yield from _safe(status, source, index, referenced)
            else:
                for status, referenced in _statuses(doc):
                    yield from _safe(status, source, number, referenced)


def _safe(record: Any, source: str, line: int, referenced: bool = False
          ) -> Iterator[Post | RecordError]:
    if not isinstance(record, dict):
        yield RecordError(source, line, "this is not a Mastodon status (not a JSON object)")
        return
    if isinstance(record.get("event"), str) and ("payload" in record or "stream" in record):
        record, problem = _stream_event(record)  # a message of the streaming API
        if problem is not None:
            yield RecordError(source, line, problem[0], kind=problem[1])
            return
        if not isinstance(record, dict):
            yield RecordError(source, line, "the streamed event holds no status object")
            return
    status = _status_of(record)
    if status is None:
        kind = str(record.get("type", ""))
        what = (f"{'an' if kind[:1].lower() in 'aeiou' else 'a'} {kind} notification" if "type" in record
                else "a conversation")
        yield RecordError(source, line, f"{what} holds no status: nothing to import", kind="no status")
        return
    if status.get("visibility") == "direct":  # a private mention has no place in a chat's recap
        yield RecordError(source, line, f"status {status.get('id')} is a direct message "
                          "(visibility: direct): left out", kind="direct message")
        return
    try:
        yield from _map(status, source, line, referenced)
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError, RecursionError) as exc:
        yield RecordError(source, line, f"this Mastodon status cannot be read: {exc}")


SOURCE = MastodonSource()
