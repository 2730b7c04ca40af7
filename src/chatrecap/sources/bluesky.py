"""Bluesky / AT Protocol JSON: threads, searches, feeds, post views and repo records.

Accepted shapes (as JSON documents, or one per line as JSONL):

* ``app.bsky.feed.getPostThread``: ``{"thread": threadViewPost}``; the ``parent`` chain is
  read root first, then the post, then its ``replies``. ``notFoundPost`` and ``blockedPost``
  nodes carry no post and are skipped silently.
* ``app.bsky.unspecced.getPostThreadV2`` (what bsky.app itself loads): ``{"thread":
  [{"uri", "depth", "value": {"post": postView}}]}``, read in its order; items that are
  not found, blocked or hidden from logged-out viewers are skipped silently.
* ``app.bsky.feed.searchPosts`` / ``getPosts``: ``{"posts": [postView, ...]}``.
* ``getAuthorFeed`` / ``getTimeline`` / ``getFeed``: ``{"feed": [feedViewPost, ...]}``. The
  ``reply.root`` and ``reply.parent`` views of an item are yielded as referenced posts.
* one postView, a repo record ``{"uri", "cid", "value"}`` (``com.atproto.repo.getRecord``)
  or ``{"records": [...]}`` (``listRecords``), or a JSON list of any of these (the pages
  of a paged download saved as one list: each page's posts share the page's line).
* Jetstream events, one per line (``{"did", "time_us", "kind": "commit", "commit":
  {"operation", "collection", "rkey", "record"}}``, and the older ``"type": "com"`` form):
  a created or updated post becomes a post, known only by its author's did (the stream
  carries no handles or counts); likes, follows, deletions, identity and account events
  are reported as skipped, so the summary says what the stream held.

A bare ``app.bsky.feed.post`` record without its ``at://`` uri cannot be identified, so it is
reported as a bad record. Both the API's camelCase JSON and the atproto Python SDK's model
dumps (snake_case keys, ``py_type`` for ``$type``) are read.

``native_id`` is the post's ``at://`` uri, which is global. A repost in a feed (reason
``reasonRepost``) becomes a post of the reposter with the native id
``"<original uri>#repost-by-<reposter did>"``, created at the reason's ``indexedAt``, with
``repost_of_id`` and the original's text; the original is yielded first as referenced.

The AT Protocol requires a time zone in ``createdAt``; some older clients wrote zone-less
UTC timestamps, so a missing zone is read as UTC (``--tz`` describes the user's own
exports, not other people's clients). A record without ``createdAt`` falls back to the
view's ``indexedAt``. Facet offsets are UTF-8 byte offsets into the text; posts written
before facets (early 2023) carry ``entities`` (links, and mentions by did, at UTF-16
offsets) and their views an ``upvoteCount``, read as links, mentions and likes. Image alt texts
stay in ``raw`` only; ``handle.invalid`` (an unverifiable handle) is read as unknown.

``source_line`` is the real line for JSONL; in a JSON document it is the 1-based index of
the item (post, feed item or thread node in reading order). Embedded quoted posts and feed
reply context share the line of the item holding them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from chatrecap.errors import RecordError
from chatrecap.models import Author, Post, make_id
from chatrecap.sources._csv import text_entities
from chatrecap.sources._twitter import unique
from chatrecap.sources.base import ReadOptions, Sample, Source, iter_json
from chatrecap.text import clean_text

PLATFORM = "bluesky"
POST = "app.bsky.feed.post"
IMAGE_CDN = "https://cdn.bsky.app/img/feed_fullsize/plain"  # where a view of a post shows its images
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_SNIFF_TYPE = re.compile(r'"(?:\$type|py_type)"\s*:\s*"app\.bsky\.')
_SNIFF_JETSTREAM = re.compile(r'"time_us"\s*:\s*\d+\s*,\s*"(?:kind|type)"\s*:\s*"')
# The first Jetstream releases wrote short names: "type": "com", and "c"/"u"/"d" operations.
_JETSTREAM_KINDS = {"com": "commit", "id": "identity", "acc": "account"}
_JETSTREAM_OPS = {"c": "create", "u": "update", "d": "delete"}


@lru_cache(maxsize=256)
def _snake(key: str) -> str:
    return "py_type" if key == "$type" else _CAMEL.sub("_", key).lower()


def _g(obj: Any, key: str, default: Any = None) -> Any:
    """``obj[key]`` in the API's camelCase or the SDK's snake_case spelling."""
    if not isinstance(obj, dict):
        return default
    value = obj.get(key)
    if value is None:
        value = obj.get(_snake(key))
    return default if value is None else value


def _time(value: Any, strict: bool = True) -> datetime | None:
    """An aware UTC datetime; zone-less values are UTC. Bad values raise unless not strict."""
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        if strict:
            raise ValueError(f"{value!r} is not an ISO 8601 timestamp") from None
        return None
    return (dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt).astimezone(UTC)


def _uri_parts(uri: str) -> tuple[str, str, str]:
    """(authority, collection, rkey) of an ``at://`` uri."""
    parts = uri[len("at://"):].split("/")
    return parts[0], parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else ""


def _utf16_slice(text: str, start: Any, end: Any) -> str:
    """The text between two UTF-16 offsets, as the early ``entities`` counted them."""
    if not isinstance(start, int) or not isinstance(end, int):
        return ""
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le", "ignore")


def _handle(value: Any) -> str | None:
    return value if isinstance(value, str) and value and value != "handle.invalid" else None


def _handles(doc: Any, out: dict[str, str]) -> dict[str, str]:
    """did -> handle of every profile in the document (to name reply parents' authors)."""
    stack = [doc]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            did, handle = item.get("did"), _handle(item.get("handle"))
            if isinstance(did, str) and handle:
                out.setdefault(did, handle)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


def _author(profile: Any, authority: str) -> Author:
    did = _g(profile, "did") or authority
    verified = _g(_g(profile, "verification"), "verifiedStatus")
    return Author(
        platform=PLATFORM,
        native_id=did if did.startswith("did:") else None,
        handle=_handle(_g(profile, "handle")) or (None if did.startswith("did:") else did),
        display_name=clean_text(_g(profile, "displayName")) or None,
        bio=clean_text(_g(profile, "description")) or None,
        followers=_g(profile, "followersCount"),
        following=_g(profile, "followsCount"),
        verified=verified == "valid" if verified else None,
        url=f"https://bsky.app/profile/{did}",
        created_at=_time(_g(profile, "createdAt"), strict=False),
        avatar_url=_g(profile, "avatar"),
    )


def _embed(embed: Any, urls: list[str], media: list[str], did: str = "") -> tuple[str | None, Any]:
    """Collect urls/media of a record embed or embed view; return (quoted uri, quoted view).
    A record's image is a blob: given its author's ``did``, its address is the one a view
    of the post gives it."""
    if not isinstance(embed, dict):
        return None, None
    for image in _g(embed, "images") or ():
        if _g(image, "fullsize") or _g(image, "thumb"):
            media.append(_g(image, "fullsize") or _g(image, "thumb"))
        elif did.startswith("did:") and isinstance(cid := _blob_cid(_g(image, "image")), str):
            media.append(f"{IMAGE_CDN}/{did}/{cid}@jpeg")
    if isinstance(_g(embed, "playlist"), str):
        media.append(_g(embed, "playlist"))
    if _g(_g(embed, "external"), "uri"):
        urls.append(_g(_g(embed, "external"), "uri"))
    _embed(_g(embed, "media"), urls, media, did)
    target = _g(embed, "record")
    while isinstance(target, dict) and not _g(target, "uri") \
            and isinstance(_g(target, "record"), dict):
        target = _g(target, "record")  # recordWithMedia, and record views, nest one level
    uri = _g(target, "uri")
    if not isinstance(uri, str) or _uri_parts(uri)[1] != POST:
        return None, None
    has_post = _g(target, "value") is not None and _g(target, "author") is not None
    return uri, target if has_post else None


def _blob_cid(blob: Any) -> Any:
    """The content id of a blob: ``{"ref": {"$link": cid}}``, or ``{"cid": cid}`` before 2023."""
    return _g(_g(blob, "ref"), "$link") or _g(blob, "cid")


def _post(view: dict[str, Any], ctx: _Context, line: int, referenced: bool = False
          ) -> list[Post]:
    """A post view, embedded view record or repo record -> its quoted post(s), then itself."""
    uri = _g(view, "uri")
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise ValueError("it has no at:// uri")
    authority, collection, rkey = _uri_parts(uri)
    record = _g(view, "value") if _g(view, "value") is not None else _g(view, "record")
    if not isinstance(record, dict):
        raise ValueError(f"{uri} has no post record")
    kind = _g(record, "$type")
    if collection != POST or (kind and kind != POST):
        raise ValueError(f"{uri} is a {kind or collection} record, not a post")
    created = _time(_g(record, "createdAt")) or _time(_g(view, "indexedAt"))
    if created is None:
        raise ValueError(f"{uri} has no createdAt")
    raw_text = _g(record, "text", "")
    data = raw_text.encode("utf-8")
    mentions: list[str] = []
    hashtags: list[str] = []
    urls: list[str] = []
    media: list[str] = []
    links: list[tuple[int, int, str]] = []  # (byte start, byte end, address) of each link
    for facet in _g(record, "facets") or ():
        start = _g(_g(facet, "index"), "byteStart")
        end = _g(_g(facet, "index"), "byteEnd")
        for feature in _g(facet, "features") or ():
            if _g(feature, "did"):
                shown = data[start:end].decode("utf-8", "ignore") \
                    if isinstance(start, int) and isinstance(end, int) else ""
                did = _g(feature, "did")
                mentions.append(shown[1:] if shown.startswith("@") and len(shown) > 1
                                else ctx.handles.get(did, did))
            elif link := _g(feature, "uri"):
                urls.append(link)
                if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(data) \
                        and isinstance(link, str):
                    links.append((start, end, link))
            elif _g(feature, "tag"):
                hashtags.append(_g(feature, "tag").lstrip("#"))
    for entity in _g(record, "entities") or ():  # posts of early 2023, written before facets
        value, kind = _g(entity, "value"), _g(entity, "type")
        if not isinstance(value, str) or not value:
            continue
        if kind == "link":
            urls.append(value)
        elif kind == "mention":
            shown = _utf16_slice(raw_text, _g(_g(entity, "index"), "start"),
                                 _g(_g(entity, "index"), "end"))
            mentions.append(shown[1:] if shown.startswith("@") and len(shown) > 1
                            else ctx.handles.get(value, value))
        elif kind == "hashtag":
            hashtags.append(value.lstrip("#"))
    text = clean_text((_with_links(data, links) if links else None) or raw_text)
    faceted = bool(hashtags)
    hashtags += [t.lstrip("#") for t in _g(record, "tags") or () if isinstance(t, str)]
    if not faceted and "#" in text:  # (no tag facet: a post from before them, early 2024)
        hashtags = unique([*text_entities(text)[1], *hashtags])
    stored: list[str] = []  # (the record's images: where its view, if any, shows them instead)
    quote_uri, _ = _embed(_g(record, "embed"), urls, stored, authority)
    view_embed = _g(view, "embed") or next(iter(_g(view, "embeds") or ()), None)
    view_quote, quoted = _embed(view_embed, urls, media)
    media = media if isinstance(view_embed, dict) else stored
    out = _post(quoted, ctx, line, referenced=True) if quoted is not None else []
    parent = _g(_g(_g(record, "reply"), "parent"), "uri")
    root = _g(_g(_g(record, "reply"), "root"), "uri")
    langs = _g(record, "langs") or ()
    out.append(Post(
        platform=PLATFORM,
        native_id=uri,
        author=_author(_g(view, "author"), authority),
        created_at=created,
        text=text,
        text_original=raw_text if raw_text != text else None,
        reply_to_id=make_id(PLATFORM, parent) if isinstance(parent, str) else None,
        reply_to_author=(ctx.handles.get(_uri_parts(parent)[0])
                         if isinstance(parent, str) else None),
        quote_of_id=make_id(PLATFORM, quote_uri or view_quote) if quote_uri or view_quote
        else None,
        thread_id=make_id(PLATFORM, root) if isinstance(root, str) else None,
        mentions=unique(mentions),
        hashtags=unique(hashtags),
        urls=unique(urls),
        media=unique(media),
        like_count=_g(view, "likeCount", _g(view, "upvoteCount")),  # "upvote" until April 2023
        repost_count=_g(view, "repostCount"),
        reply_count=_g(view, "replyCount"),
        quote_count=_g(view, "quoteCount"),
        language=langs[0] if langs else None,
        url=f"https://bsky.app/profile/{authority}/post/{rkey}",
        is_referenced=referenced,
        source_file=ctx.source,
        source_line=line,
        raw=view,
    ))
    return out


def _with_links(data: bytes, links: list[tuple[int, int, str]]) -> str | None:
    """The text with each link's address where the app shows it cut short ("bsky.app/profile/
    bsky..."), as X's t.co links are expanded; a link under words of its own ("details
    here") keeps them, its address after them in brackets. None, for the text as written,
    when a facet does not hold whole words of it (a client that counted characters, not
    bytes; a range that cuts a character)."""
    out, at = [], 0
    try:
        for start, end, uri in sorted(links):
            if start < at:
                continue  # (facets that overlap: the first one's)
            before, shown = data[at:start].decode(), data[start:end].decode()
            after = data[end:end + 1].decode(errors="ignore")  # (checked whole below)
            if (start and not data[start - 1:start].decode(errors="ignore").isspace()
                    and data[start - 1:start] not in b"(\"'[<") or (after and not after.isspace()
                                                                   and after not in ".,;:!?)]\"'>"):
                return None  # (not whole words: the range is off)
            out.append(before)
            bare = shown.rstrip(".…").strip()
            address = uri.split("://", 1)[-1].removeprefix("www.")
            if not bare or shown in (uri, address, uri.split("://", 1)[-1]):
                out.append(shown)  # (shown whole already)
            elif shown != bare and "." in bare and address.startswith(bare.removeprefix("www.")):
                out.append(uri)  # cut short by the app: "bsky.app/profile/bsky..."
            else:
                out.append(f"{shown} ({uri})")  # words of its own
            at = end
        return "".join(out) + data[at:].decode()
    except UnicodeDecodeError:
        return None


def _feed_item(item: dict[str, Any], ctx: _Context, line: int) -> list[Post]:
    """Reply context (referenced), then the post, or the original and its repost."""
    out: list[Post] = []
    seen = set()
    for key in ("root", "parent"):
        context = _g(_g(item, "reply"), key)
        if _g(context, "author") is not None and _g(context, "record") is not None \
                and _g(context, "uri") not in seen:
            seen.add(_g(context, "uri"))
            out += _post(context, ctx, line, referenced=True)
    reason = _g(item, "reason")
    if not _g(reason, "by"):  # no reason, or a pinned post
        return out + _post(_g(item, "post"), ctx, line)
    out += _post(_g(item, "post"), ctx, line, referenced=True)
    original, by = out[-1], _g(reason, "by")
    if not _g(by, "did"):
        raise ValueError("the repost has no reposter did")
    created = _time(_g(reason, "indexedAt"))
    if created is None:
        raise ValueError("the repost has no indexedAt")
    out.append(Post(
        platform=PLATFORM, native_id=f"{original.native_id}#repost-by-{_g(by, 'did')}",
        author=_author(by, _g(by, "did")), created_at=created, text=original.text,
        repost_of_id=original.id, mentions=list(original.mentions),
        hashtags=list(original.hashtags), urls=list(original.urls),
        language=original.language, source_file=ctx.source, source_line=line, raw=item,
    ))
    return out


def _jetstream(event: dict[str, Any], ctx: _Context, line: int) -> Iterator[Post | RecordError]:
    """A Jetstream event: a created or updated post is read as its repo record; anything
    else (a like, a follow, a deletion, an identity change) is reported, not imported."""
    kind = event.get("kind") or _JETSTREAM_KINDS.get(event.get("type"), event.get("type"))
    commit = event.get("commit")
    if kind != "commit" or not isinstance(commit, dict):
        yield RecordError(ctx.source, line, f"a Jetstream {kind or 'unknown'} event, not a "
                          "post; skipped", kind="not a post")
        return
    operation = commit.get("operation") or commit.get("type")
    operation = _JETSTREAM_OPS.get(operation, operation)
    collection, did, rkey = commit.get("collection"), event.get("did"), commit.get("rkey")
    if collection != POST or operation not in ("create", "update"):
        what = (f"a Jetstream {operation} of post at://{did}/{POST}/{rkey}" if collection == POST
                else f"a Jetstream {collection} {operation} event, not a post")
        yield RecordError(ctx.source, line, f"{what}; skipped",
                          kind="deleted post" if collection == POST else "not a post")
        return
    if not isinstance(did, str) or not did.startswith("did:") or not rkey:
        raise ValueError("the Jetstream event has no did or rkey")
    view: dict[str, Any] = {"uri": f"at://{did}/{POST}/{rkey}", "cid": commit.get("cid"),
                            "record": commit.get("record")}
    if isinstance(event.get("time_us"), int):  # when the relay saw it, for a record without createdAt
        view["indexedAt"] = datetime.fromtimestamp(event["time_us"] / 1e6, UTC).isoformat()
    for post in _post(view, ctx, line):
        post.raw = event
        yield post


class _Context:
    def __init__(self, source: str, doc: Any) -> None:
        self.source = source
        self.handles = _handles(doc, {})
        self.line = 0


def _thread(node: Any) -> Iterator[dict[str, Any]]:
    """The post views of a threadViewPost: parents root first, the post, replies in order."""
    parents = []
    parent = _g(node, "parent")
    while isinstance(parent, dict):
        parents.append(parent)
        parent = _g(parent, "parent")
    for item in reversed(parents):
        if isinstance(_g(item, "post"), dict):
            yield _g(item, "post")
    stack = [node]
    while stack:  # depth first without recursion: threads can be thousands deep
        item = stack.pop()
        if isinstance(_g(item, "post"), dict):
            yield _g(item, "post")
        replies = _g(item, "replies")
        if isinstance(replies, list):  # (a damaged record may hold anything there)
            stack.extend(reversed([r for r in replies if isinstance(r, dict)]))


def _items(doc: Any, ctx: _Context, fixed_line: int | None) -> Iterator[Post | RecordError]:
    """The posts of one parsed JSON value, with a RecordError for each unusable item."""
    if isinstance(doc, list):
        units: list[Any] = doc
    elif not isinstance(doc, dict):
        units = [doc]
    elif isinstance(_g(doc, "thread"), dict):
        units = [("post", view) for view in _thread(_g(doc, "thread"))]
    elif isinstance(_g(doc, "thread"), list):  # getPostThreadV2: a flat list of thread items
        units = [("post", view) for item in _g(doc, "thread")
                 if isinstance(view := _g(_g(item, "value"), "post"), dict)]
    else:
        for key in ("posts", "feed", "records"):
            if isinstance(_g(doc, key), list):
                units = _g(doc, key)
                break
        else:
            units = [doc]
    for unit in units:
        if fixed_line is None:  # the posts of a nested page keep the page's line
            ctx.line += 1
        line = fixed_line or ctx.line
        try:
            if isinstance(unit, tuple):
                yield from _post(unit[1], ctx, line)
            elif not isinstance(unit, dict):
                yield RecordError(ctx.source, line, "this is not a Bluesky post (not an object)")
            elif "time_us" in unit and ("kind" in unit or "type" in unit):
                yield from _jetstream(unit, ctx, line)
            elif isinstance(_g(unit, "thread"), (dict, list)) or any(
                    isinstance(_g(unit, key), list) for key in ("posts", "feed", "records")):
                yield from _items(unit, ctx, line)  # one page of a paged download
            elif _g(unit, "replies") is not None:
                yield from _items({"thread": unit}, ctx, line)
            elif isinstance(_g(unit, "post"), dict):
                yield from _feed_item(unit, ctx, line)
            elif _g(unit, "uri") is None and _g(unit, "$type") == POST:
                yield RecordError(ctx.source, line, "a bare app.bsky.feed.post record has no "
                                  "at:// uri, so the post cannot be identified; export it "
                                  "with its uri (com.atproto.repo.getRecord)")
            elif not (_g(unit, "notFound") or _g(unit, "blocked")):
                yield from _post(unit, ctx, line)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as exc:
            yield RecordError(ctx.source, line, f"this Bluesky post cannot be read: {exc}")


class BlueskySource(Source):
    id = "bluesky"
    name = "Bluesky / AT Protocol JSON"
    description = ("Bluesky API responses (getPostThread, searchPosts, getAuthorFeed, "
                   "timelines, getPostThreadV2), post views and app.bsky.feed.post repo "
                   "records, Jetstream lines; also the atproto Python SDK's model dumps.")

    def sniff(self, sample: Sample) -> float:
        text = sample.stripped
        if not text.startswith(("[", "{")):
            return 0.0
        if _SNIFF_TYPE.search(text) or ('"at://' in text and f"/{POST}/" in text):
            return 0.95
        if '"did:' in text and _SNIFF_JETSTREAM.search(text):  # a stream of identity events first
            return 0.9
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | RecordError]:
        source = str(path)
        for number, doc in iter_json(path):
            if isinstance(doc, RecordError):
                yield doc
            else:
                yield from _items(doc, _Context(source, doc), number)


SOURCE = BlueskySource()
