"""The canonical JSONL export: one post per line, the format other tools rely on.

The fields are documented in ``schemas/post.schema.json`` (shipped with the package);
``chatrecap import`` reads this format back, so export then import gives the same workspace.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from itertools import groupby, islice
from pathlib import Path
from typing import IO, Any

import orjson

from chatrecap.errors import ChatrecapError
from chatrecap.sources import get_source
from chatrecap.store import Store, decompress, utc_text

SCHEMA_VERSION = 2  # 2: superseded_by
_NO_RAW = object()
AUTHOR_EXPORT = ("native_id", "handle", "display_name", "bio", "followers", "following",
                 "verified", "url", "location", "created_at", "avatar_url", "is_bot", "kind")


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def post_record(row: dict[str, Any], chats: list[str], raw: Any = _NO_RAW,
                later: list[str] | None = None) -> dict[str, Any]:
    """One workspace row (post joined with author) as a canonical JSONL record; ``later``:
    the later versions of an edited post (only then is ``superseded_by`` written)."""
    author = {"id": row["author_id"]}
    for name in AUTHOR_EXPORT:
        value = row[f"author_{name}"]
        if name == "created_at":
            value = utc_text(value)
        elif name in ("verified", "is_bot"):
            value = _bool(value)
        author[name] = value
    record: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": row["id"],
        "platform": row["platform"],
        "native_id": row["native_id"],
        "author_id": row["author_id"],
        "author_handle": row["author_handle"],
        "author_name": row["author_display_name"],
        "created_at": utc_text(row["created_at"]),
        "text": row["text"],
        "text_original": row["text_original"],
        "reply_to_id": row["reply_to_id"],
        "reply_to_author": row["reply_to_author"],
        "repost_of_id": row["repost_of_id"],
        "quote_of_id": row["quote_of_id"],
        "thread_id": row["thread_id"],
        "mentions": orjson.loads(row["mentions"]),
        "hashtags": orjson.loads(row["hashtags"]),
        "urls": orjson.loads(row["urls"]),
        "media": orjson.loads(row["media"]),
        "like_count": row["like_count"],
        "repost_count": row["repost_count"],
        "reply_count": row["reply_count"],
        "quote_count": row["quote_count"],
        "language": row["language"],
        "url": row["url"],
        "channel": row["channel"],
        "chats": chats,
        "is_referenced": bool(row["is_referenced"]),
        "observed_at": utc_text(row["observed_at"]),
        "source_file": row["source_file"],
        "source_line": row["source_line"],
        "author": author,
    }
    if later:
        record["superseded_by"] = later
    if raw is not _NO_RAW:
        record["raw"] = raw
    return record


class _RawRecords:
    """Each post's own part of its stored raw record, worked out before the posts are
    written: they go out in time order, while an API page holds a hundred posts of any
    time (read in time order, every post cost its page's decompression and parsing: a
    hundred posts a second). So the records are read once each, in file order, and each
    post's part is put in a temporary SQLite file, looked up by post id as the posts go."""

    def __init__(self, store: Store, chat: str | None) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="chatrecap-export-")
        self.db = sqlite3.connect(Path(self.folder.name) / "raw.db")
        try:
            self._fill(store, chat)
        except BaseException:
            self.close()
            raise

    def _fill(self, store: Store, chat: str | None) -> None:
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("CREATE TABLE raw (id TEXT PRIMARY KEY, data BLOB NOT NULL)")
        formats = store.file_formats()
        for (source_file, source_line), places in groupby(store.iter_raw_places(chat),
                                                          key=lambda place: place[:2]):
            data = store.raw_data(source_file, source_line)
            if data is None:
                continue
            record = orjson.loads(decompress(data))
            source = _source(formats.get(source_file or ""))
            self.db.executemany("INSERT OR REPLACE INTO raw VALUES (?, ?)", [
                (post_id, orjson.dumps(source.raw_of(record, native_id) if source else record))
                for _, _, post_id, native_id in places])
        self.db.commit()

    def get(self, ids: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for lo in range(0, len(ids), 500):
            part = ids[lo:lo + 500]
            found.update((post_id, orjson.loads(data)) for post_id, data in self.db.execute(
                f"SELECT id, data FROM raw WHERE id IN ({', '.join('?' * len(part))})", part))
        return found

    def close(self) -> None:
        self.db.close()
        self.folder.cleanup()


def _source(fmt: str | None) -> Any:
    try:
        return get_source(fmt) if fmt else None
    except ChatrecapError:
        return None


def iter_records(store: Store, chat: str | None = None,
                 include_raw: bool = True) -> Iterator[dict[str, Any]]:
    raws = _RawRecords(store, chat) if include_raw else None
    try:
        rows = store.iter_rows(chat)
        while batch := list(islice(rows, 1000)):  # memory stays flat on any workspace size
            ids = [row["id"] for row in batch]
            memberships, versions = store.post_chats(ids), store.later_versions(ids)
            found = raws.get(ids) if raws else {}
            for row in batch:
                chats, later = memberships.get(row["id"], []), versions.get(row["id"])
                yield (post_record(row, chats, found.get(row["id"]), later) if raws
                       else post_record(row, chats, later=later))
    finally:
        if raws is not None:
            raws.close()


def write_jsonl(store: Store, out: IO[bytes], chat: str | None = None,
                include_raw: bool = True) -> int:
    """Write the workspace (or one chat and the posts it references); returns the count."""
    count = 0
    for record in iter_records(store, chat, include_raw):
        out.write(orjson.dumps(record) + b"\n")
        count += 1
    return count
