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

Mastodon's own account archive (Settings > Import and export > Request your archive: a
zip with ``outbox.json`` and ``actor.json``, or its ``outbox.json`` unpacked with
``actor.json`` beside it) is ActivityPub: each Create of a Note is one of the user's posts,
named by the actor, with the instance's own status ids (as its API gives them) and the
URLs of other servers' statuses as their ids; a boost (Announce) carries only the link to
what it boosted, so its text is empty. Direct messages are left out here too.

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
import zipfile
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import orjson

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Author, Post, make_id
from chatrecap.sources._twitter import parse_iso, unique
from chatrecap.sources.base import (
    ReadOptions,
    Sample,
    Source,
    check_zip,
    iter_json,
    iter_lines,
    read_zip_entry,
)
from chatrecap.text import clean_text, html_to_text

PLATFORM = "mastodon"
_STATUS_KEYS = re.compile(r'"(account|content|visibility|reblogs_count|spoiler_text)"\s*:')
_CONTEXT = re.compile(r'^\{\s*"(ancestors|descendants)"\s*:')
# Mastodon writes <p class="quote-inline">, Pleroma/Akkoma <span class="quote-inline">.
_QUOTE_INLINE = re.compile(r'<(p|span) class="quote-inline">.*?</a>\s*</\1>', re.S)


class _Links(HTMLParser):
    """The hrefs of a status' links, minus mention and hashtag links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if "mention" in classes or "hashtag" in classes or attr.get("rel") == "tag":
            return
        if attr.get("href"):
            self.urls.append(attr["href"])


def _links(markup: str) -> list[str]:
    if "<a" not in markup:
        return []
    parser = _Links()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError:  # html.parser gives up on some malformed markup
        pass
    return parser.urls


def _time(value: Any) -> Any:
    try:
        return parse_iso(value) if value else None
    except (TypeError, ValueError):
        return None


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
        created_at=_time(account.get("created_at")),
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
    text = html_to_text(html)
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
    post = Post(
        platform=PLATFORM,
        native_id=str(status["id"]),
        author=_author(status["account"]),
        created_at=parse_iso(status["created_at"]),
        text=text,
        text_original=status.get("content") or None,
        reply_to_id=(make_id(PLATFORM, str(status["in_reply_to_id"]))
                     if status.get("in_reply_to_id") is not None else None),
        reply_to_author=reply_author,
        quote_of_id=make_id(PLATFORM, quote_id) if quote_id else None,
        mentions=unique([m["acct"] for m in mentions if m.get("acct")]),
        hashtags=unique([t["name"] for t in status.get("tags") or ()
                         if isinstance(t, dict) and t.get("name")]),
        urls=unique(_links(html) + ([card["url"]] if card.get("url") else [])),
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


def _statuses(doc: Any) -> list[tuple[Any, bool]]:
    """(status, referenced) of one parsed JSON value: a list, a Context, a mastodon-archive
    file, or one Status."""
    if isinstance(doc, dict) and "_mastopy_data" in doc:  # Mastodon.py 2's to_json()
        return _statuses(doc["_mastopy_data"])
    if isinstance(doc, list):  # a timeline, or the pages or contexts of a download in one list
        return [pair for item in doc for pair in
                ([(status, False) for status in item] if isinstance(item, list)
                 else _context(item) or [(item, False)])]
    if (parts := _context(doc)) is not None:  # an empty thread holds no posts, and says so
        return parts
    if isinstance(doc, dict) and "content" not in doc and isinstance(doc.get("statuses"), list):
        return [(status, key in _ARCHIVE_MARKED) for key in _ARCHIVE_POSTS + _ARCHIVE_MARKED
                if isinstance(doc.get(key), list) for status in doc[key]]
    return [(doc, False)]  # one status; anything else is reported as not a status


# --- the account archive Mastodon itself hands out (ActivityPub) ------------------------

_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_AP_STATUS = re.compile(r"^https?://([^/]+)/users/([^/]+)/statuses/([^/]+?)(?:/activity)?$")


def _ap_ref(url: Any, home: str) -> tuple[str, str | None] | None:
    """(native id, author handle) of an ActivityPub status URL: the instance's own id for
    its own statuses, as its REST API gives them; the URL itself for other servers'."""
    if not isinstance(url, str) or not url:
        return None
    match = _AP_STATUS.match(url)
    if not match:
        return url, None
    host, user, ident = match.groups()
    return (ident, user) if host == home else (url, f"{user}@{host}")


def _ap_author(actor: dict[str, Any], actor_url: str) -> Author:
    icon = actor.get("icon") if isinstance(actor.get("icon"), dict) else {}
    match = re.match(r"^https?://[^/]+/users/([^/]+)$", actor_url)
    return Author(
        platform=PLATFORM, native_id=None,
        handle=actor.get("preferredUsername") or (match.group(1) if match else actor_url),
        display_name=clean_text(actor.get("name")) or None,
        bio=html_to_text(actor.get("summary")) or None,
        url=actor.get("url") or None,
        created_at=_time(actor.get("published")),
        avatar_url=icon.get("url") if str(icon.get("url")).startswith("http") else None,
        is_bot=actor.get("type") == "Service" if actor.get("type") else None,
    )


def _ap_total(collection: Any) -> int | None:
    value = collection.get("totalItems") if isinstance(collection, dict) else None
    return value if isinstance(value, int) else None


def _ap_post(item: dict[str, Any], actor: dict[str, Any], source: str, line: int) -> Post:
    """A Create (of a Note) or an Announce of the outbox as a post."""
    actor_url = item.get("actor") or actor.get("id") or ""
    home = re.sub(r"^https?://([^/]+).*$", r"\1", actor_url)
    author = _ap_author(actor, actor_url)
    note = item.get("object")
    if item.get("type") == "Announce":
        ref, original = _ap_ref(item.get("id"), home), _ap_ref(
            note.get("id") if isinstance(note, dict) else note, home)
        if ref is None or original is None:
            raise ValueError("the boost has no id or no boosted status")
        return Post(platform=PLATFORM, native_id=ref[0], author=author,
                    created_at=parse_iso(item["published"]), text="",
                    repost_of_id=make_id(PLATFORM, original[0]), source_file=source,
                    source_line=line, raw=item)
    ref = _ap_ref(note.get("id"), home)
    if ref is None:
        raise ValueError("the post has no id")
    html = note.get("content") or ""
    text = html_to_text(html)
    spoiler = clean_text(note.get("summary"))
    if spoiler:
        text = f"CW: {spoiler}\n\n{text}" if text else f"CW: {spoiler}"
    tags = [t for t in note.get("tag") or () if isinstance(t, dict) and isinstance(t.get("name"), str)]
    reply = _ap_ref(note.get("inReplyTo"), home)
    languages = list(note.get("contentMap") or {}) if isinstance(note.get("contentMap"), dict) else []
    return Post(
        platform=PLATFORM, native_id=ref[0], author=author,
        created_at=parse_iso(note.get("published") or item["published"]),
        text=text, text_original=html or None,
        reply_to_id=make_id(PLATFORM, reply[0]) if reply else None,
        reply_to_author=reply[1] if reply else None,
        mentions=unique([t["name"].lstrip("@").removesuffix(f"@{home}") for t in tags
                         if t.get("type") == "Mention"]),
        hashtags=unique([t["name"].lstrip("#") for t in tags if t.get("type") == "Hashtag"]),
        urls=unique(_links(html)),
        media=unique([a["url"] for a in note.get("attachment") or () if isinstance(a, dict)
                      and isinstance(a.get("url"), str) and a["url"].startswith("http")]),
        like_count=_ap_total(note.get("likes")), repost_count=_ap_total(note.get("shares")),
        language=languages[0] if languages else None,
        url=note.get("url") if isinstance(note.get("url"), str) else None,
        source_file=source, source_line=line, raw=item,
    )


def _outbox(doc: dict[str, Any], actor: dict[str, Any], source: str
            ) -> Iterator[Post | RecordError]:
    """The posts of an outbox: public, unlisted and followers-only posts and boosts;
    direct messages are left out, as in the API's JSON."""
    for line, item in enumerate(doc.get("orderedItems") or (), 1):
        kind = item.get("type") if isinstance(item, dict) else None
        note = item.get("object") if isinstance(item, dict) else None
        if kind == "Create" and not isinstance(note, dict):
            yield RecordError(source, line, "the post is only linked here, not in the "
                              "archive; skipped", kind="not in the archive")
            continue
        if kind not in ("Create", "Announce"):
            yield RecordError(source, line, f"a {kind or 'malformed'} activity, not a post; "
                              "skipped", kind="not a post")
            continue
        audience = [*(item.get("to") or ()), *(item.get("cc") or ())]
        if kind == "Create" and not any(_PUBLIC == a or str(a).endswith("/followers")
                                        for a in audience):
            yield RecordError(source, line, f"{note.get('id')} is a direct message: left out",
                              kind="direct message")
            continue
        try:
            yield _ap_post(item, actor, source, line)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            yield RecordError(source, line, f"this archived Mastodon post cannot be read: {exc}")


def _is_outbox(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("orderedItems"), list) \
        and "content" not in doc


def _actor_beside(path: Path) -> Any:
    """The actor.json unpacked beside an outbox.json, which names the archive's author."""
    beside = path.parent / "actor.json"
    try:
        return orjson.loads(beside.read_bytes()) if beside.is_file() else {}
    except (OSError, orjson.JSONDecodeError):
        return {}


def _read_archive(path: Path) -> tuple[Any, Any]:
    """(outbox, actor) of Mastodon's archive zip; (None, None) for any other file."""
    if not zipfile.is_zipfile(path):
        return None, None
    try:
        with zipfile.ZipFile(path) as zf:
            check_zip(zf, path)
            names = zf.namelist()
            outbox = next((n for n in names if n.rsplit("/", 1)[-1] == "outbox.json"), None)
            if outbox is None:
                raise InputError(f"{path}: this zip holds no outbox.json, so it is not a "
                                 "Mastodon account archive.")
            actor = next((n for n in names if n.rsplit("/", 1)[-1] == "actor.json"), None)
            docs = [orjson.loads(read_zip_entry(zf, name, path)) if name else {}
                    for name in (outbox, actor)]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(f"{path}: the archive cannot be read ({exc}).") from exc
    return docs[0], docs[1]


class MastodonSource(Source):
    id = "mastodon"
    name = "Mastodon API JSON"
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
        if {"account", "content"} <= keys and len(keys) >= 4 and '"id"' in text:
            return 0.95
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | RecordError]:
        source = str(path)
        outbox, actor = _read_archive(path)
        if outbox is not None:
            yield from _outbox(outbox, actor if isinstance(actor, dict) else {}, source)
            return
        if _is_server_sent(path):
            yield from _server_sent(path, source)
            return
        for number, doc in iter_json(path):
            if isinstance(doc, RecordError):
                yield doc
            elif number is None and _is_outbox(doc):
                actor = _actor_beside(path)
                yield from _outbox(doc, actor if isinstance(actor, dict) else {}, source)
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
        what = f"a {record['type']} notification" if "type" in record else "a conversation"
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
