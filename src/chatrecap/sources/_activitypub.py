"""ActivityPub outboxes: the account archive a Mastodon server hands out.

Settings > Import and export > Request your archive gives a zip with ``outbox.json`` (an
OrderedCollection of the user's activities) and ``actor.json`` (the user). Each Create of a
Note is one of the user's posts, named by the actor, with the instance's own status ids (as
its API gives them: the archive's and the API's posts are the same posts) and the URLs of
other servers' statuses as their ids; a boost (Announce) carries only the link to what it
boosted, so its text is empty. Direct messages are left out, as from the API's JSON.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Author, Post, make_id
from chatrecap.sources._twitter import parse_iso, parse_iso_or_none, unique
from chatrecap.sources.base import check_zip, read_zip_entry
from chatrecap.text import clean_text, html_links, html_to_text

_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
_MEDIA = re.compile(r"https?://|/?[\w.-]+/(?!/)")  # a web address, or a path in the archive
_AP_STATUS = re.compile(r"^https?://([^/]+)/users/([^/]+)/statuses/([^/]+?)(?:/activity)?$")


def _ref(url: Any, home: str) -> tuple[str, str | None] | None:
    """(native id, author handle) of an ActivityPub status URL: the instance's own id for
    its own statuses, as its REST API gives them; the URL itself for other servers'."""
    if not isinstance(url, str) or not url:
        return None
    match = _AP_STATUS.match(url)
    if not match:
        return url, None
    host, user, ident = match.groups()
    return (ident, user) if host == home else (url, f"{user}@{host}")


def _author(actor: dict[str, Any], actor_url: str, platform: str) -> Author:
    icon = actor.get("icon") if isinstance(actor.get("icon"), dict) else {}
    match = re.match(r"^https?://[^/]+/users/([^/]+)$", actor_url)
    return Author(
        platform=platform, native_id=None,
        handle=actor.get("preferredUsername") or (match.group(1) if match else actor_url),
        display_name=clean_text(actor.get("name")) or None,
        bio=html_to_text(actor.get("summary")) or None,
        url=actor.get("url") or None,
        created_at=parse_iso_or_none(actor.get("published")),
        avatar_url=icon.get("url") if str(icon.get("url")).startswith("http") else None,
        is_bot=actor.get("type") == "Service" if actor.get("type") else None,
    )


def _total(collection: Any) -> int | None:
    value = collection.get("totalItems") if isinstance(collection, dict) else None
    return value if isinstance(value, int) else None


def _post(item: dict[str, Any], actor: dict[str, Any], source: str, line: int, platform: str) -> Post:
    """A Create (of a Note) or an Announce of the outbox as a post."""
    actor_url = item.get("actor") or actor.get("id") or ""
    home = re.sub(r"^https?://([^/]+).*$", r"\1", actor_url)
    author = _author(actor, actor_url, platform)
    note = item.get("object")
    if item.get("type") == "Announce":
        ref, original = _ref(item.get("id"), home), _ref(
            note.get("id") if isinstance(note, dict) else note, home)
        if ref is None or original is None:
            raise ValueError("the boost has no id or no boosted status")
        return Post(platform=platform, native_id=ref[0], author=author,
                    created_at=parse_iso(item["published"]), text="",
                    repost_of_id=make_id(platform, original[0]), source_file=source,
                    source_line=line, raw=item)
    ref = _ref(note.get("id"), home)
    if ref is None:
        raise ValueError("the post has no id")
    html = note.get("content") or ""
    text = html_to_text(html)
    spoiler = clean_text(note.get("summary"))
    if spoiler:
        text = f"CW: {spoiler}\n\n{text}" if text else f"CW: {spoiler}"
    tags = [t for t in note.get("tag") or () if isinstance(t, dict) and isinstance(t.get("name"), str)]
    reply = _ref(note.get("inReplyTo"), home)
    languages = list(note.get("contentMap") or {}) if isinstance(note.get("contentMap"), dict) else []
    return Post(
        platform=platform, native_id=ref[0], author=author,
        created_at=parse_iso(note.get("published") or item["published"]),
        text=text, text_original=html or None,
        reply_to_id=make_id(platform, reply[0]) if reply else None,
        reply_to_author=reply[1] if reply else None,
        mentions=unique([t["name"].lstrip("@").removesuffix(f"@{home}") for t in tags
                         if t.get("type") == "Mention"]),
        hashtags=unique([t["name"].lstrip("#") for t in tags if t.get("type") == "Hashtag"]),
        urls=unique(html_links(html)),
        # (An account archive names its files by their path in it: "/alice/media_attachments/...")
        media=unique([a["url"] for a in note.get("attachment") or () if isinstance(a, dict)
                      and isinstance(a.get("url"), str) and _MEDIA.match(a["url"])]),
        like_count=_total(note.get("likes")), repost_count=_total(note.get("shares")),
        language=languages[0] if languages else None,
        url=note.get("url") if isinstance(note.get("url"), str) else None,
        source_file=source, source_line=line, raw=item,
    )


def outbox_posts(doc: dict[str, Any], actor: Any, source: str, platform: str
                 ) -> Iterator[Post | RecordError]:
    """The posts of an outbox: public, unlisted and followers-only posts and boosts;
    direct messages are left out, as in the API's JSON. ``actor`` (actor.json) names the
    author; any other value leaves the outbox's own ids to name them."""
    actor = actor if isinstance(actor, dict) else {}
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
        audience = [*_as_list(item.get("to")), *_as_list(item.get("cc"))]
        if kind == "Create" and not any(_PUBLIC == a or str(a).endswith("/followers")
                                        for a in audience):
            yield RecordError(source, line, f"{note.get('id')} is a direct message: left out",
                              kind="direct message")
            continue
        try:
            yield _post(item, actor, source, line, platform)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            yield RecordError(source, line, f"this archived Mastodon post cannot be read: {exc}")


def _as_list(value: Any) -> list[Any]:
    """A JSON-LD value that may be one item or a list of them (compacted JSON-LD writes a
    single audience as a string)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def is_outbox(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("orderedItems"), list) \
        and "content" not in doc


def actor_beside(path: Path) -> Any:
    """The actor.json unpacked beside an outbox.json, which names the archive's author."""
    beside = path.parent / "actor.json"
    try:
        return orjson.loads(beside.read_bytes()) if beside.is_file() else {}
    except (OSError, orjson.JSONDecodeError):
        return {}


def read_archive_zip(path: Path) -> tuple[Any, Any]:
    """(outbox, actor) of Mastodon's archive zip; (None, None) for any other file."""
    if not zipfile.is_zipfile(path):
        return None, None
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            outbox = next((n for n in names if n.rsplit("/", 1)[-1] == "outbox.json"), None)
            if outbox is None:
                raise InputError(f"{path}: this zip holds no outbox.json, so it is not a "
                                 "Mastodon account archive.")
            actor = next((n for n in names if n.rsplit("/", 1)[-1] == "actor.json"), None)
            check_zip(zf, path, [n for n in (outbox, actor) if n])  # (its media stay closed)
            docs = [orjson.loads(read_zip_entry(zf, name, path)) if name else {}
                    for name in (outbox, actor)]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(f"{path}: the archive cannot be read ({exc}).") from exc
    return docs[0], docs[1]
