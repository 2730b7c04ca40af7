"""The workspace: canonical posts and authors in SQLite (default) or PostgreSQL.

Writes are idempotent upserts, so importing a file twice, or two overlapping archives,
stores each post once: the newer observation's metrics and profile win, a fuller text
wins over a truncated one, known links (reply, quote, repost) are never lost, and a post
first seen only as a referenced tweet becomes a chat post when an archive holds it as one.
Every batch is its own transaction, so an import killed half-way leaves a valid workspace
and running it again completes it.

The SQL is the subset both backends share (``INSERT ... ON CONFLICT DO UPDATE``,
``excluded``, ``COALESCE``); only connecting and the placeholder style differ.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import orjson
import zstandard

from chatrecap.errors import StoreError
from chatrecap.models import INT_LIMIT, Author, Post
from chatrecap.store.schema import MIGRATIONS, SCHEMA_VERSION

DEFAULT_DB = "chatrecap.db"
DB_ENV = "CHATRECAP_DB"
PAGE_BYTES = 16384  # SQLite page size of a new workspace
WAL_CHECKPOINT_BYTES = 80 << 20

AUTHOR_FIELDS = (
    "id", "platform", "native_id", "handle", "handle_key", "display_name", "bio", "followers",
    "following", "verified", "url", "location", "created_at", "avatar_url", "is_bot", "kind",
    "observed_at",
)
POST_FIELDS = (
    "id", "platform", "native_id", "author_id", "created_at", "text", "text_original",
    "reply_to_id", "reply_to_author", "quote_of_id", "repost_of_id", "thread_id", "mentions",
    "hashtags", "urls", "media", "like_count", "repost_count", "reply_count", "quote_count",
    "language", "url", "channel", "is_referenced", "observed_at", "source_file", "source_line",
)
#: What the analysis reads of a post and of its author (Store.chat_window_rows).
_ANALYSIS_POST = (
    "id", "platform", "author_id", "created_at", "text", "reply_to_id", "reply_to_author",
    "quote_of_id", "repost_of_id", "mentions", "hashtags", "urls", "like_count",
    "repost_count", "reply_count", "quote_count", "url", "is_referenced",
)
_ANALYSIS_AUTHOR = ("handle", "display_name", "bio", "followers", "url", "kind", "verified",
                    "avatar_url", "is_bot")
ANALYSIS_FIELDS = (*_ANALYSIS_POST, *(f"author_{f}" for f in _ANALYSIS_AUTHOR), "in_chat")
#: Author rows a store remembers having written, so an unchanged author is not written
#: again; at most this many, so that an archive of a million accounts keeps memory flat.
WRITTEN_AUTHORS = 10_000
#: Post fields a newer observation changes, where it knows them: metrics, and what one
#: archive may know and another not (a reply id), or spell otherwise (http or https).
_POST_METRICS = ("like_count", "repost_count", "reply_count", "quote_count")
_POST_NEWER_WHERE_KNOWN = ("reply_to_id", "reply_to_author", "quote_of_id", "repost_of_id",
                           "thread_id", "language", "url", "channel")


def iso(dt: datetime | None) -> str | None:
    """Storage form of a timestamp: UTC, fixed width, sorts as text."""
    if dt is None:
        return None
    if dt.tzinfo is not UTC:
        dt = dt.astimezone(UTC)
    # What dt.isoformat(timespec="microseconds") gives, in a third less time (a call per
    # post); %-formatting is also faster here than an f-string.
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00" % (  # noqa: UP031
        dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond)


def zulu(when: datetime, whole_seconds: bool = False) -> str:
    """A time as users read it: ISO 8601 in UTC with Z, no empty fraction (or, with
    ``whole_seconds``, none at all)."""
    when = when.astimezone(UTC)
    if whole_seconds:
        when = when.replace(microsecond=0)
    return when.isoformat().replace("+00:00", "Z")


def utc_text(value: str | None) -> str | None:
    """A stored time as users read it (see zulu)."""
    return None if value is None else zulu(datetime.fromisoformat(value))


def parse_id(text: str | None) -> int | None:
    """A row id as a form, a query string or a command line gives it: digits naming a
    number from 1 to ``INT_LIMIT`` (the largest a database stores), else None."""
    digits = (text or "").strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(INT_LIMIT)):
        return None
    number = int(digits)
    return number if 0 < number <= INT_LIMIT else None


def resolve_db(db: str | os.PathLike[str] | None) -> str:
    """The workspace location: the --db value, else $CHATRECAP_DB, else ./chatrecap.db."""
    return str(db or os.environ.get(DB_ENV) or DEFAULT_DB)


def _newer_wins(table: str, field: str) -> str:
    """The newer observation's value wins; on a tie the greater one, so that the result
    does not depend on which of two import workers wrote first."""
    new, old = f"excluded.{field}", f"{table}.{field}"
    return (f"{field} = CASE WHEN excluded.observed_at > {table}.observed_at "
            f"THEN COALESCE({new}, {old}) "
            f"WHEN excluded.observed_at < {table}.observed_at THEN COALESCE({old}, {new}) "
            f"WHEN {new} IS NULL THEN {old} WHEN {old} IS NULL THEN {new} "
            f"WHEN {new} > {old} THEN {new} ELSE {old} END")


# A post's provenance (and so its raw record) is that of its reading as a chat post over
# one as a referenced post, then of its newest reading (whose metrics it keeps), then the
# first file and line by name: whatever the order the files or a file's lines are read in.
_TAKES_PROVENANCE = (
    "((posts.is_referenced AND NOT excluded.is_referenced) OR "
    "(posts.is_referenced = excluded.is_referenced AND (excluded.observed_at > posts.observed_at OR "
    "(excluded.observed_at = posts.observed_at AND ((posts.source_file IS NULL AND "
    "excluded.source_file IS NOT NULL) OR excluded.source_file < posts.source_file OR "
    "(excluded.source_file = posts.source_file AND excluded.source_line < posts.source_line))))))")
# A post's text is its fullest reading's (an archive may hold it cut short), else its
# newest's, else the greater; its original text comes from the same reading. Its lists of
# mentions, tags, links and media come from that reading too, unless it has none.
_LONGER, _SHORTER = "LENGTH(excluded.text) > LENGTH(posts.text)", "LENGTH(excluded.text) < LENGTH(posts.text)"
_TEXT_WINNER = (f"WHEN {_LONGER} THEN excluded.{{0}} WHEN {_SHORTER} THEN posts.{{0}} "
                "WHEN excluded.observed_at > posts.observed_at THEN excluded.{0} "
                "WHEN excluded.observed_at < posts.observed_at THEN posts.{0} "
                "WHEN excluded.text > posts.text THEN excluded.{0} "
                "WHEN excluded.text < posts.text THEN posts.{0} ")


def _with_the_text(field: str, empty: str | None = None) -> str:
    """``field`` from the reading whose text the post keeps; when both readings are alike,
    the greater (a NULL text_original, "the text as written", losing to a known one); a
    list left empty (``empty``: its stored form) by one reading is taken from the other."""
    first = (f"WHEN excluded.{field} = '{empty}' THEN posts.{field} "
             f"WHEN posts.{field} = '{empty}' THEN excluded.{field} ") if empty is not None else ""
    return (f"{field} = CASE {first}{_TEXT_WINNER.format(field)}"
            f"WHEN excluded.{field} IS NULL THEN posts.{field} "
            f"WHEN posts.{field} IS NULL THEN excluded.{field} "
            f"WHEN excluded.{field} > posts.{field} THEN excluded.{field} ELSE posts.{field} END")


def _upsert_sql(table: str, fields: Sequence[str], updates: Sequence[str]) -> str:
    return (f"INSERT INTO {table} ({', '.join(fields)}) VALUES ({', '.join('?' * len(fields))}) "
            f"ON CONFLICT (id) DO UPDATE SET {', '.join(updates)}")


_AUTHOR_UPSERT = _upsert_sql("authors", AUTHOR_FIELDS, [
    *(_newer_wins("authors", f) for f in AUTHOR_FIELDS
      if f not in ("id", "platform", "observed_at", "kind")),
    "kind = COALESCE(authors.kind, excluded.kind)",
    "observed_at = CASE WHEN excluded.observed_at > authors.observed_at "
    "THEN excluded.observed_at ELSE authors.observed_at END",
])
_POST_UPSERT = _upsert_sql("posts", POST_FIELDS, [
    *(_newer_wins("posts", f) for f in (*_POST_METRICS, *_POST_NEWER_WHERE_KNOWN)),
    f"text = CASE {_TEXT_WINNER.format('text')}ELSE posts.text END",
    _with_the_text("text_original"),
    *(_with_the_text(f, "[]") for f in ("mentions", "hashtags", "urls", "media")),
    # A real author id replaces a handle-only placeholder id.
    "author_id = CASE WHEN posts.author_id LIKE '%:@%' THEN excluded.author_id "
    "ELSE posts.author_id END",
    "is_referenced = posts.is_referenced AND excluded.is_referenced",
    f"source_file = CASE WHEN {_TAKES_PROVENANCE} THEN excluded.source_file "
    "ELSE posts.source_file END",
    f"source_line = CASE WHEN {_TAKES_PROVENANCE} THEN excluded.source_line "
    "ELSE posts.source_line END",
    "observed_at = CASE WHEN excluded.observed_at > posts.observed_at "
    "THEN excluded.observed_at ELSE posts.observed_at END",
])
# Python's sqlite3 (3.11) looks for an adapter for every None and bool it binds, through two
# failing attribute lookups each; a post row holds about eight. With these (which store
# exactly what it stores without them: NULL, 0, 1) the lookup is one dict hit, which
# saves a tenth of the time of writing a post. None's adapter is a function written in C
# that gives None back (an empty dict's get), so no Python frame is made per NULL.
sqlite3.register_adapter(type(None), {}.get)
sqlite3.register_adapter(bool, int)

_RAW_UPSERT = ("INSERT INTO raw_records (source_file, source_line, data) VALUES (?, ?, ?) "
               "ON CONFLICT (source_file, source_line) DO UPDATE SET data = excluded.data")
_CHAT_LINK = "INSERT INTO chat_posts (chat, post_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
_VERSION_LINK = "INSERT INTO post_versions (post_id, by_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
# (earlier, later version) pairs of edited posts whose later version is a post of the chat
# (?); only a later id is a later version (``newer_id``, in SQL). Driven by post_versions,
# nearly always empty, not by the chat's posts.
_CHAT_VERSIONS = (
    "FROM post_versions v WHERE EXISTS (SELECT 1 FROM chat_posts w WHERE w.chat = ? AND "
    "w.post_id = v.by_id) AND (LENGTH(v.by_id) > LENGTH(v.post_id) OR "
    "(LENGTH(v.by_id) = LENGTH(v.post_id) AND v.by_id > v.post_id))")
# The earlier versions the analysis leaves out of a chat.
_EARLIER_VERSIONS = f"SELECT v.post_id {_CHAT_VERSIONS}"


def shown_handle(handle: str | None, author_id: str) -> str:
    """An author's handle, or for an account without one (Jetstream names accounts by DID
    only) its id's own part."""
    return handle or author_id.split(":", 1)[-1]


def newer_id(post_id: str, other: str) -> bool:
    """Whether one version of an edited post is newer than another: X's ids grow with
    time (and the ids compared share their platform prefix)."""
    return (len(post_id), post_id) > (len(other), other)


def json_list(items: list[str]) -> str:
    """The storage form of a post's list (mentions, hashtags, urls, media)."""
    return orjson.dumps(items).decode() if items else "[]"


def _exported(chat: str | None) -> tuple[str, list[str]]:
    """The WHERE clause (and its parameters) of an export's posts, ``p``: all, or the
    chat's posts and the posts they reference."""
    if chat is None:
        return "", []
    return ("WHERE (p.id IN (SELECT post_id FROM chat_posts WHERE chat = ?) "
            "OR p.id IN (SELECT q.repost_of_id FROM posts q JOIN chat_posts c "
            "ON c.post_id = q.id WHERE c.chat = ?) "
            "OR p.id IN (SELECT q.quote_of_id FROM posts q JOIN chat_posts c "
            "ON c.post_id = q.id WHERE c.chat = ?) "
            "OR (p.is_referenced AND p.id IN (SELECT q.reply_to_id FROM posts q "
            "JOIN chat_posts c ON c.post_id = q.id WHERE c.chat = ?)))", [chat] * 4)


def compress(data: bytes) -> bytes:
    return _compressor().compress(data)


def decompress(data: bytes) -> bytes:
    return zstandard.ZstdDecompressor().decompress(data)


@lru_cache(maxsize=1)
def _compressor() -> zstandard.ZstdCompressor:
    return zstandard.ZstdCompressor(level=1)  # ~400 MB/s, JSON shrinks ~5.7x


def author_row(author: Author) -> tuple[Any, ...]:
    """An author's row without its observed_at, which the store adds on writing."""
    return (
        author.id, author.platform, author.native_id, author.handle,
        author.handle.lower() if author.handle else None, author.display_name, author.bio,
        author.followers, author.following, author.verified, author.url, author.location,
        iso(author.created_at), author.avatar_url, author.is_bot, author.kind,
    )


def merged_author_row(new: tuple[Any, ...], new_seen: str, old: tuple[Any, ...],
                      old_seen: str) -> tuple[Any, ...]:
    """Two rows of one author in one batch, merged as the store's upsert merges them
    (``_newer_wins``): the newer sighting's values, each it lacks kept from the other (a
    Slack file upload names its author by id alone); on a tie the known, then the greater.
    The kind (last) is the first one known, as the store keeps it."""
    kind = old[-1] if old[-1] is not None else new[-1]
    if new_seen < old_seen:
        new, old = old, new
    if new_seen != old_seen:
        merged = tuple(o if n is None else n for n, o in zip(new, old, strict=True))
    else:
        merged = tuple(o if n is None else n if o is None or n == o else max(n, o)
                       for n, o in zip(new, old, strict=True))
    return (*merged[:-1], kind)


def post_row(post: Post, observed: str, author_id: str | None = None) -> tuple[Any, ...]:
    """A post's row; ``observed`` is the storage form of when its metrics were seen
    (``author_id``, when the caller knows it, saves working it out again)."""
    return (
        post.id, post.platform, post.native_id, author_id or post.author.id,
        iso(post.created_at), post.text,
        post.text_original, post.reply_to_id, post.reply_to_author, post.quote_of_id,
        post.repost_of_id, post.thread_id, json_list(post.mentions), json_list(post.hashtags),
        json_list(post.urls), json_list(post.media), post.like_count, post.repost_count,
        post.reply_count, post.quote_count, post.language, post.url, post.channel,
        post.is_referenced, observed,
        post.source_file, post.source_line,
    )


def row_post(row: Sequence[Any], author: Author, raw: Any = None, trusted: bool = True) -> Post:
    """The Post a row of :func:`post_row`'s form stands for, with its author and raw record
    (a source that makes rows straight from its records gives Posts this way too). Unless
    ``trusted``, the Post's checks run and refuse a wrong value."""
    (_, platform, native_id, _, created, text, text_original, reply_to_id, reply_to_author,
     quote_of_id, repost_of_id, thread_id, mentions, hashtags, urls, media, likes, reposts,
     replies, quotes, language, url, channel, referenced, observed, source_file,
     source_line) = row
    return Post(
        platform=platform, native_id=native_id, author=author,
        created_at=datetime.fromisoformat(created), text=text, text_original=text_original,
        reply_to_id=reply_to_id, reply_to_author=reply_to_author, quote_of_id=quote_of_id,
        repost_of_id=repost_of_id, thread_id=thread_id, mentions=orjson.loads(mentions),
        hashtags=orjson.loads(hashtags), urls=orjson.loads(urls), media=orjson.loads(media),
        like_count=likes, repost_count=reposts, reply_count=replies, quote_count=quotes,
        language=language, url=url, channel=channel, is_referenced=bool(referenced),
        observed_at=datetime.fromisoformat(observed) if observed else None,
        source_file=source_file, source_line=source_line, raw=raw, trusted=trusted,
    )


@dataclass(slots=True)
class Batch:
    """Rows ready to write, prepared from a run of records (possibly in another process)."""

    posts: list[tuple[Any, ...]] = field(default_factory=list)
    authors: dict[str, tuple[tuple[Any, ...], str]] = field(default_factory=dict)  # row, observed
    raws: dict[tuple[str, int], bytes] = field(default_factory=dict)
    chat_posts: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    versions: set[tuple[str, str]] = field(default_factory=set)  # (earlier, later version): Superseded
    referenced: int = 0
    records: int = 0
    problems: list[Any] = field(default_factory=list)  # RecordError, in file order


@dataclass(slots=True)
class BatchResult:
    new: int = 0  # chat posts not in the workspace before
    duplicates: int = 0  # chat posts it already had (or repeated within the batch)
    referenced: int = 0  # referenced-only posts written (new or refreshed)


class Store:
    """One open workspace. Use :func:`open_store` to get one."""

    placeholder = "?"
    backend = "sqlite"
    serial = "INTEGER PRIMARY KEY"  # a rowid: numbered on insert

    def __init__(self, conn: Any, location: str, url: str | None = None) -> None:
        self.conn = conn
        self.location = location  # for messages (a PostgreSQL password is masked)
        self.url = url or location  # to open the same workspace again, e.g. in a worker
        self._written_authors: dict[str, tuple[Any, ...]] = {}
        self._chats: set[str] = set()

    # --- plumbing shared by both backends -------------------------------------------

    def sql(self, statement: str) -> str:
        if self.placeholder == "?":
            return statement
        return statement.replace("%", "%%").replace("?", self.placeholder)

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self.sql(statement), params)

    def executemany(self, statement: str, rows: Iterable[Sequence[Any]]) -> None:
        cur = self.conn.cursor()
        cur.executemany(self.sql(statement), rows)

    def query(self, statement: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.conn.cursor()
        cur.execute(self.sql(statement), params)
        return cur.fetchall()

    def commit(self) -> None:
        self.conn.commit()

    def stream_cursor(self) -> Any:
        """A cursor whose rows arrive as they are fetched, not all at once."""
        return self.conn.cursor()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- schema -----------------------------------------------------------------------

    def schema_version(self) -> int:
        try:
            rows = self.query("SELECT version FROM schema_version")
        except Exception:
            self.conn.rollback()
            return 0
        return int(rows[0][0]) if rows else 0

    def migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.location}: the workspace has schema version {version}, newer than this "
                f"chatrecap understands ({SCHEMA_VERSION}); upgrade chatrecap."
            )
        if version == 0:
            self.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            self.execute("INSERT INTO schema_version (version) VALUES (0)")
        for number in range(version, SCHEMA_VERSION):
            for statement in MIGRATIONS[number]:
                self.execute(statement.replace("{serial}", self.serial))
            self.execute("UPDATE schema_version SET version = ?", (number + 1,))
            self.commit()
        self.commit()

    # --- writing ----------------------------------------------------------------------

    def query_in(self, statement: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
        """``statement`` with its ``IN ({marks})`` filled, for any number of values
        (in groups the databases' parameter limits allow)."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(values), 500):
            chunk = list(values[start:start + 500])
            rows += self.query(statement.format(marks=", ".join("?" * len(chunk))), chunk)
        return rows

    def write_batch(self, batch: Batch) -> BatchResult:
        """Write one prepared batch in one transaction: stored whole or not at all.

        Authors whose row is unchanged since this store last wrote them are skipped.
        """
        result = BatchResult(referenced=batch.referenced)
        self.begin_write()
        try:
            known = {post_id: bool(referenced) for post_id, referenced in self.query_in(
                "SELECT id, is_referenced FROM posts WHERE id IN ({marks})",
                list({post_id for post_id, _ in batch.chat_posts}))}
        except Exception:
            self.conn.rollback()
            raise
        seen: set[str] = set()
        links: set[tuple[str, str]] = set()
        for post_id, chats in batch.chat_posts:
            if post_id in seen or known.get(post_id) is False:
                result.duplicates += 1
            else:
                result.new += 1
            seen.add(post_id)
            if len(chats) == 1:  # (nearly always: no generator per post)
                links.add((chats[0], post_id))
            else:
                links.update((chat, post_id) for chat in chats)
        authors = []
        for author_id, (row, observed) in batch.authors.items():
            if self._written_authors.get(author_id) != row:
                authors.append((*row, observed))
                self._written_authors[author_id] = row
        if len(self._written_authors) > WRITTEN_AUTHORS:  # bound memory on huge archives
            self._written_authors.clear()
        try:
            for chat in sorted({chat for chat, _ in links} - self._chats):
                self.execute("INSERT INTO chats (name, created_at) VALUES (?, ?) "
                             "ON CONFLICT DO NOTHING", (chat, iso(datetime.now(UTC))))
                self._chats.add(chat)
            self.executemany(_AUTHOR_UPSERT, authors)
            self.executemany(_POST_UPSERT, batch.posts)
            if batch.raws:
                self.executemany(_RAW_UPSERT, [(f, n, d) for (f, n), d in batch.raws.items()])
            if links:
                self.executemany(_CHAT_LINK, sorted(links))
            if batch.versions:  # (an edited post's earlier versions: nearly no batch has any)
                self.executemany(_VERSION_LINK, sorted(batch.versions))
            self.commit()
        except Exception:
            self.conn.rollback()
            self._written_authors.clear()
            raise
        return result

    def begin_write(self) -> None:
        """Start a write transaction that excludes other writers, so that telling new posts
        from duplicates and writing them happen as one step even with parallel importers."""
        if self.conn.in_transaction:  # a caller's open transaction ends here, not in error
            self.conn.commit()
        self.conn.execute("BEGIN IMMEDIATE")

    def raw_record(self, post_id: str) -> Any:
        """The archive's own record a post was read from (an API page holds many posts)."""
        rows = self.query(
            "SELECT r.data FROM posts p JOIN raw_records r ON r.source_file = p.source_file "
            "AND r.source_line = p.source_line WHERE p.id = ?", (post_id,))
        return orjson.loads(decompress(bytes(rows[0][0]))) if rows else None

    def file_formats(self) -> dict[str, str]:
        """The format each imported file was read as (the latest import wins)."""
        return dict(self.query("SELECT path, format FROM imports ORDER BY started_at"))

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file after a large write."""
        if self.backend == "sqlite":
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def merge_placeholder_authors(self) -> int:
        """Fold handle-only authors into the author with the real id, once one is known."""
        pairs = self.query(
            "SELECT p.id, r.id FROM authors p JOIN authors r "
            "ON r.platform = p.platform AND r.handle_key = p.handle_key AND r.id <> p.id "
            "WHERE p.native_id IS NULL AND r.native_id IS NOT NULL "
            "ORDER BY p.id, r.observed_at DESC, r.id")
        done: set[str] = set()
        for placeholder, real in pairs:
            if placeholder in done:
                continue
            done.add(placeholder)
            self.execute("UPDATE posts SET author_id = ? WHERE author_id = ?", (real, placeholder))
            for column in ("display_name", "bio", "followers", "following", "verified", "url",
                          "location", "created_at", "avatar_url", "is_bot", "kind"):
                self.execute(
                    f"UPDATE authors SET {column} = (SELECT {column} FROM authors WHERE id = ?) "
                    f"WHERE id = ? AND {column} IS NULL", (placeholder, real))
            self.execute("DELETE FROM authors WHERE id = ?", (placeholder,))
        self.commit()
        return len(done)

    def begin_import(self, import_id: str, path: str, fmt: str, chat: str | None) -> None:
        self.execute(
            "INSERT INTO imports (id, path, format, chat, started_at, status) "
            "VALUES (?, ?, ?, ?, ?, 'running')",
            (import_id, path, fmt, chat, iso(datetime.now(UTC))))
        self.commit()

    def finish_import(self, import_id: str, status: str, records: int, new: int,
                      duplicates: int, referenced: int, skipped: int) -> None:
        self.execute(
            "UPDATE imports SET finished_at = ?, status = ?, records = ?, posts_new = ?, "
            "duplicates = ?, referenced = ?, skipped = ? WHERE id = ?",
            (iso(datetime.now(UTC)), status, records, new, duplicates, referenced, skipped,
             import_id))
        if status == "done":  # an earlier import of the file, killed half-way, is completed now
            self.execute(
                "UPDATE imports SET status = 'interrupted' WHERE status = 'running' AND id <> ? "
                "AND path = (SELECT path FROM imports WHERE id = ?) "
                "AND started_at < (SELECT started_at FROM imports WHERE id = ?)",
                (import_id, import_id, import_id))
        self.commit()

    # --- reading ----------------------------------------------------------------------

    def chats(self) -> list[str]:
        return sorted(row[0] for row in self.query("SELECT name FROM chats"))

    def chat_post_count(self, chat: str) -> int:
        """A chat's posts (every version of an edited one)."""
        return int(self.query("SELECT COUNT(*) FROM chat_posts WHERE chat = ?", (chat,))[0][0])

    def chat_handles(self, chat: str) -> dict[str, str]:
        """The handles of everyone who posted in a chat, by their lower case: an account with
        no handle (Jetstream names accounts by DID only) goes by its id's own part, as the
        analysis shows it."""
        return {handle.lower(): handle for handle in (
            shown_handle(row[0], row[1]) for row in self.query(
                "SELECT DISTINCT a.handle, a.id FROM chat_posts c JOIN posts p ON p.id = c.post_id "
                "JOIN authors a ON a.id = p.author_id WHERE c.chat = ?", (chat,)))}

    def iter_rows(self, chat: str | None = None, batch: int = 2000) -> Iterator[dict[str, Any]]:
        """Posts joined with their authors, ordered by time then id (deterministic); their
        raw records apart (``iter_raw_places``)."""
        columns = [f"p.{f}" for f in POST_FIELDS] + [f"a.{f}" for f in AUTHOR_FIELDS]
        names = list(POST_FIELDS) + [f"author_{f}" for f in AUTHOR_FIELDS]
        where, params = _exported(chat)
        cur = self.stream_cursor()
        cur.execute(self.sql(
            f"SELECT {', '.join(columns)} FROM posts p JOIN authors a ON a.id = p.author_id "
            f"{where} ORDER BY p.created_at, p.id"), params)
        while rows := cur.fetchmany(batch):
            for row in rows:
                yield dict(zip(names, row, strict=True))

    def iter_raw_places(self, chat: str | None = None,
                        batch: int = 2000) -> Iterator[tuple[str, int, str, str]]:
        """(source file, line, post id, native id) of the posts ``iter_rows`` gives that
        have a raw record, ordered by file and line: each stored record read once holds
        all its posts (an API page a hundred of them)."""
        where, params = _exported(chat)
        where = f"{where} AND" if where else "WHERE"
        cur = self.stream_cursor()
        cur.execute(self.sql(
            f"SELECT p.source_file, p.source_line, p.id, p.native_id FROM posts p {where} "
            "p.source_file IS NOT NULL AND p.source_line IS NOT NULL "
            "ORDER BY p.source_file, p.source_line, p.id"), params)
        while rows := cur.fetchmany(batch):
            yield from rows

    def raw_data(self, source_file: str, source_line: int) -> bytes | None:
        """The stored (compressed) raw record of a file's line, if kept."""
        rows = self.query("SELECT data FROM raw_records WHERE source_file = ? AND source_line = ?",
                          (source_file, source_line))
        return bytes(rows[0][0]) if rows else None

    def chat_window_rows(self, chat: str, start: datetime | None = None,
                         end: datetime | None = None) -> Iterator[tuple[Any, ...]]:
        """A chat's posts in [start, end) and the posts they repost, quote or reply to.

        Rows are ``ANALYSIS_FIELDS`` (post, then author, then ``in_chat``), ordered by time
        then id; the analysis reads them without the raw records.
        """
        where, params = "c.chat = ?", [chat]
        if start is not None:
            where += " AND p.created_at >= ?"
            params.append(iso(start))
        if end is not None:
            where += " AND p.created_at < ?"
            params.append(iso(end))
        columns = ", ".join([f"p.{f}" for f in _ANALYSIS_POST] + [f"a.{f}" for f in _ANALYSIS_AUTHOR])
        cur = self.stream_cursor()
        cur.execute(self.sql(
            f"WITH sel AS (SELECT p.id, p.repost_of_id, p.quote_of_id, p.reply_to_id "
            f"FROM posts p JOIN chat_posts c ON c.post_id = p.id WHERE {where}) "
            f"SELECT {columns}, CASE WHEN p.id IN (SELECT id FROM sel) THEN 1 ELSE 0 END "
            f"FROM posts p JOIN authors a ON a.id = p.author_id "
            f"WHERE p.id IN (SELECT id FROM sel) OR p.id IN (SELECT repost_of_id FROM sel) "
            f"OR p.id IN (SELECT quote_of_id FROM sel) OR p.id IN (SELECT reply_to_id FROM sel) "
            f"ORDER BY p.created_at, p.id"), params)
        while rows := cur.fetchmany(5000):
            yield from rows

    def chat_span(self, chat: str) -> tuple[str, str] | None:
        """(created_at) of a chat's first and last post, as ``chat_times`` counts them; None
        for a chat without posts."""
        first, last = self.query(
            "SELECT MIN(p.created_at), MAX(p.created_at) FROM posts p JOIN chat_posts c "
            f"ON c.post_id = p.id WHERE c.chat = ? AND p.id NOT IN ({_EARLIER_VERSIONS})", (chat, chat))[0]
        return (first, last) if first is not None else None

    def chat_times(self, chat: str) -> list[tuple[str, str, str, str | None]]:
        """(created_at, post id, author id, reply-to id) of every post of a chat, in time
        order: what splitting a chat into sessions needs, without the texts. An edited post
        counts once, as the analysis reads it: an earlier version whose later one the chat
        holds is left out."""
        return self.query(
            "SELECT p.created_at, p.id, p.author_id, p.reply_to_id FROM posts p JOIN chat_posts c "
            f"ON c.post_id = p.id WHERE c.chat = ? AND p.id NOT IN ({_EARLIER_VERSIONS}) "
            "ORDER BY p.created_at, p.id", (chat, chat))

    def chat_authors_between(self, chat: str, start: datetime, end: datetime) -> set[str]:
        """Who posted in a chat in [start, end): tells first-time from returning people."""
        return set(self.chat_author_counts(chat, start, end))

    def chat_author_counts(self, chat: str, start: datetime, end: datetime) -> dict[str, int]:
        """Posts per author in a chat in [start, end) (an edited post once, as ``chat_times``)."""
        return {author: int(n) for author, n in self.query(
            "SELECT p.author_id, COUNT(*) FROM posts p JOIN chat_posts c ON c.post_id = p.id "
            "WHERE c.chat = ? AND p.created_at >= ? AND p.created_at < ? "
            f"AND p.id NOT IN ({_EARLIER_VERSIONS}) GROUP BY p.author_id",
            (chat, iso(start), iso(end), chat))}

    def author_handles(self, author_ids: Sequence[str]) -> dict[str, str]:
        return {a: h for a, h in self.query_in(
            "SELECT id, handle FROM authors WHERE id IN ({marks})", list(author_ids)) if h}

    def bots(self, author_ids: Sequence[str]) -> set[str]:
        """Which of these authors the archive flags as bots."""
        return {a for (a,) in self.query_in(
            "SELECT id FROM authors WHERE id IN ({marks}) AND is_bot", list(author_ids))}

    def kind_corrections(self) -> dict[str, str]:
        """Account id -> person or organization, as users set them."""
        return dict(self.query("SELECT account_id, kind FROM account_kinds"))

    def set_kind(self, account_id: str, kind: str) -> None:
        self.execute("INSERT INTO account_kinds (account_id, kind, set_at) VALUES (?, ?, ?) "
                     "ON CONFLICT (account_id) DO UPDATE SET kind = excluded.kind, "
                     "set_at = excluded.set_at", (account_id, kind, iso(datetime.now(UTC))))
        self.commit()

    def newer_versions(self, chat: str) -> list[tuple[str, str]]:
        """(earlier, later version) of edited posts whose later version is one of the
        chat's posts (see ``Superseded``); the earlier one may be a chat post or only
        referenced. A pair the other way round, or of one post, is no edit: left out."""
        return [(old, new) for old, new in self.query(
            f"SELECT v.post_id, v.by_id {_CHAT_VERSIONS} ORDER BY v.post_id, v.by_id", (chat,))]

    def later_versions(self, post_ids: Sequence[str]) -> dict[str, list[str]]:
        """For each of these posts that an edit replaced, its later versions, sorted."""
        return self._sorted_lists(
            "SELECT post_id, by_id FROM post_versions WHERE post_id IN ({marks})", post_ids)

    def post_chats(self, post_ids: Sequence[str]) -> dict[str, list[str]]:
        """The chats each of these posts belongs to, sorted."""
        return self._sorted_lists(
            "SELECT post_id, chat FROM chat_posts WHERE post_id IN ({marks})", post_ids)

    def _sorted_lists(self, statement: str, post_ids: Sequence[str]) -> dict[str, list[str]]:
        """The (post id, value) rows of ``statement`` as each post's values, sorted."""
        out: dict[str, list[str]] = {}
        for post_id, value in self.query_in(statement, post_ids):
            out.setdefault(post_id, []).append(value)
        for values in out.values():
            values.sort()  # in Python: a PostgreSQL collation would sort otherwise
        return out

    def stats(self) -> dict[str, Any]:
        """Counts per platform, per chat and in total (chat posts; referenced apart)."""
        def counts(sql: str) -> dict[str, int]:
            return {str(k): int(v) for k, v in self.query(sql)}

        total = self.query(
            "SELECT COUNT(*), SUM(CASE WHEN is_referenced THEN 1 ELSE 0 END) FROM posts")[0]
        posts = int(total[0] or 0)
        referenced = int(total[1] or 0)
        per_platform = {}
        for platform, n, ref, authors in self.query(
                "SELECT p.platform, COUNT(*), SUM(CASE WHEN p.is_referenced THEN 1 ELSE 0 END), "
                "COUNT(DISTINCT p.author_id) FROM posts p GROUP BY p.platform ORDER BY p.platform"):
            per_platform[platform] = {"posts": int(n) - int(ref or 0), "referenced": int(ref or 0),
                                      "authors": int(authors)}
        per_chat = {}
        for chat, n, authors, first, last in self.query(
                "SELECT c.chat, COUNT(*), COUNT(DISTINCT p.author_id), MIN(p.created_at), "
                "MAX(p.created_at) FROM chat_posts c JOIN posts p ON p.id = c.post_id "
                "WHERE NOT p.is_referenced GROUP BY c.chat ORDER BY c.chat"):
            per_chat[chat] = {"posts": int(n), "authors": int(authors),
                              "first": utc_text(first), "last": utc_text(last)}
        return {  # keys sorted here, the same on every backend and collation
            "workspace": self.location,
            "schema_version": self.schema_version(),
            "total": {
                "posts": posts - referenced,
                "referenced": referenced,
                "authors": int(self.query("SELECT COUNT(*) FROM authors")[0][0]),
                "chats": int(self.query("SELECT COUNT(*) FROM chats")[0][0]),
            },
            "platforms": dict(sorted(per_platform.items())),
            "chats": dict(sorted(per_chat.items())),
            "imports": counts("SELECT status, COUNT(*) FROM imports GROUP BY status ORDER BY status"),
        }


class SQLiteStore(Store):
    backend = "sqlite"


class PostgresStore(Store):
    backend = "postgresql"
    placeholder = "%s"
    serial = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"

    def stream_cursor(self) -> Any:
        # psycopg's default cursor loads the whole result; a named one is server-side.
        return self.conn.cursor(name=f"chatrecap_{uuid.uuid4().hex}")

    def begin_write(self) -> None:
        # A transaction-scoped advisory lock serialises chatrecap writers (the key is
        # arbitrary but fixed); readers are not blocked.
        self.conn.execute("SELECT pg_advisory_xact_lock(7041946)")

    def execute(self, statement: str, params: Sequence[Any] = ()) -> Any:
        cur = self.conn.cursor()
        cur.execute(self.sql(statement), params)
        return cur


def open_store(db: str | os.PathLike[str] | None = None, migrate: bool = True) -> Store:
    """Open (and create or migrate) the workspace at a path or a PostgreSQL URL."""
    location = resolve_db(db)
    if location.startswith(("postgresql://", "postgres://")):
        try:
            import psycopg
        except ImportError as exc:
            raise StoreError(
                "A PostgreSQL workspace needs psycopg: pip install 'chatrecap[postgres]'."
            ) from exc
        try:
            conn = psycopg.connect(location)
        except psycopg.Error as exc:
            raise StoreError(f"Cannot connect to {_redact(location)}: {exc}".strip()) from exc
        store: Store = PostgresStore(conn, _redact(location), location)
    else:
        path = Path(location)
        if path.parent and not path.parent.exists():
            raise StoreError(f"{location}: the folder {path.parent} does not exist.")
        if location != ":memory:" and not path.exists():
            # Readable by its owner only: a workspace holds the web app's signing key, the
            # admins' password hashes and subscribers' addresses (SQLite gives the WAL the
            # same permissions).
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            except FileExistsError:
                pass
            except OSError as exc:
                raise StoreError(f"{location}: cannot be created ({exc.strerror or exc}).") from exc
        try:
            # timeout: a writer waits up to a minute for another (parallel import workers).
            conn = sqlite3.connect(location, isolation_level="DEFERRED", check_same_thread=False,
                                   timeout=60)
            # 16 kB pages (a new workspace only): a post's row and its raw record fill
            # fewer pages, so a batch writes a quarter of the WAL frames of 4 kB pages.
            conn.execute(f"PRAGMA page_size={PAGE_BYTES}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA cache_size=-65536")  # 64 MB: index pages stay in memory
            conn.execute("PRAGMA foreign_keys=OFF")
            # Checkpoint every ~80 MB of WAL rather than every 4 MB: a long import copies
            # its pages into the database far less often; `checkpoint()` ends it.
            page = conn.execute("PRAGMA page_size").fetchone()[0]
            conn.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_BYTES // page}")
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and not (
                    os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
                raise StoreError(f"{location}: cannot be opened ({exc}): the file or its folder is "
                                 "read-only, and SQLite writes beside the workspace (its -wal and "
                                 "-shm files); copy it somewhere writable.") from exc
            raise StoreError(f"{location}: not a chatrecap workspace ({exc}).") from exc
        store = SQLiteStore(conn, location)
    if migrate:
        try:
            store.migrate()
        except StoreError:
            store.close()
            raise
        except Exception as exc:
            store.close()
            raise StoreError(f"{store.location}: the workspace cannot be prepared ({exc}).") from exc
    return store


def _redact(url: str) -> str:
    """A database URL without its password (in the netloc or the query), for messages."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = netloc.replace(f":{parts.password}@", ":***@", 1)
    query = "&".join(
        f"{key}=***" if key.lower() == "password" else f"{key}={value}"
        for key, value in parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
