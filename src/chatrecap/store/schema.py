"""Versioned schema migrations, written in SQL that SQLite and PostgreSQL both accept.

Append a migration to MIGRATIONS to change the schema; never edit one that has shipped.
Ids are TEXT ("platform:native_id"); timestamps are ISO 8601 UTC text with microseconds
("2021-04-08T19:34:16.000000+00:00"), which sorts correctly as text on every backend;
lists are JSON text. Indexes cost every import; the analysis that needs one adds it
in its own migration. ``BYTEA`` is PostgreSQL's binary type; SQLite stores the bytes as
they are under that name.
"""

from __future__ import annotations

MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE authors (
            id TEXT PRIMARY KEY,
            platform TEXT NOT NULL,
            native_id TEXT,
            handle TEXT,
            handle_key TEXT,
            display_name TEXT,
            bio TEXT,
            followers BIGINT,
            following BIGINT,
            verified BOOLEAN,
            url TEXT,
            location TEXT,
            created_at TEXT,
            avatar_url TEXT,
            is_bot BOOLEAN,
            kind TEXT,
            observed_at TEXT
        )""",
        "CREATE INDEX authors_handle ON authors (platform, handle_key)",
        """CREATE TABLE posts (
            id TEXT PRIMARY KEY,
            platform TEXT NOT NULL,
            native_id TEXT NOT NULL,
            author_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            text TEXT NOT NULL,
            text_original TEXT,
            reply_to_id TEXT,
            reply_to_author TEXT,
            quote_of_id TEXT,
            repost_of_id TEXT,
            thread_id TEXT,
            mentions TEXT NOT NULL,
            hashtags TEXT NOT NULL,
            urls TEXT NOT NULL,
            media TEXT NOT NULL,
            like_count BIGINT,
            repost_count BIGINT,
            reply_count BIGINT,
            quote_count BIGINT,
            language TEXT,
            url TEXT,
            channel TEXT,
            is_referenced BOOLEAN NOT NULL,
            observed_at TEXT NOT NULL,
            source_file TEXT,
            source_line INTEGER
        )""",
        # The archive's own record per (file, line): a whole line of a JSONL file (an API
        # page holds many posts), a CSV row, or one record of a JSON document;
        # zstd-compressed JSON.
        """CREATE TABLE raw_records (
            source_file TEXT NOT NULL,
            source_line INTEGER NOT NULL,
            data BYTEA NOT NULL,
            PRIMARY KEY (source_file, source_line)
        )""",
        "CREATE TABLE chats (name TEXT PRIMARY KEY, created_at TEXT NOT NULL)",
        """CREATE TABLE chat_posts (
            chat TEXT NOT NULL,
            post_id TEXT NOT NULL,
            PRIMARY KEY (chat, post_id)
        )""",
        "CREATE INDEX chat_posts_post ON chat_posts (post_id)",
        """CREATE TABLE imports (
            id TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            format TEXT NOT NULL,
            chat TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,
            records BIGINT,
            posts_new BIGINT,
            duplicates BIGINT,
            referenced BIGINT,
            skipped BIGINT
        )""",
    ],
    [
        # Person or organisation, as a user set it (`chatrecap accounts --set-kind`): it
        # wins over what the analysis guesses.
        """CREATE TABLE account_kinds (
            account_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            set_at TEXT NOT NULL
        )""",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
