"""Versioned schema migrations, written in SQL that SQLite and PostgreSQL both accept.

Append a migration to MIGRATIONS to change the schema; never edit one that has shipped.
Ids are TEXT ("platform:native_id"); timestamps are ISO 8601 UTC text with microseconds
("2021-04-08T19:34:16.000000+00:00"), which sorts correctly as text on every backend;
lists are JSON text. Indexes cost every import; the analysis that needs one adds it
in its own migration. ``BYTEA`` is PostgreSQL's binary type; SQLite stores the bytes as
they are under that name. ``{serial}`` is a generated integer key (SQLite's rowid, a
PostgreSQL identity column): the ids people type, such as a comment's.
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
    [
        # The blog. Settings the server keeps between restarts (its signing key).
        "CREATE TABLE web_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE admins (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            display_name TEXT,
            email TEXT,
            created_at TEXT NOT NULL
        )""",
        # A logged-in browser: the cookie holds the token, the table only its hash.
        """CREATE TABLE web_sessions (
            token_hash TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            csrf_token TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )""",
        # Rate limits shared by every server process: one row per counted event.
        "CREATE TABLE rate_events (bucket TEXT NOT NULL, at TEXT NOT NULL)",
        "CREATE INDEX rate_events_bucket ON rate_events (bucket, at)",
        # A host's edits of a session's recap, kept apart from it so a re-run of the
        # analysis keeps them (JSON, see chatrecap.recap.overrides).
        """CREATE TABLE recap_overrides (
            session_id TEXT PRIMARY KEY,
            chat TEXT NOT NULL,
            overrides TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE blog_posts (
            id {serial},
            session_id TEXT NOT NULL UNIQUE,
            chat TEXT NOT NULL,
            slug TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            tags TEXT NOT NULL,
            status TEXT NOT NULL,
            recap TEXT,
            body_html TEXT,
            summary TEXT,
            published_at TEXT,
            updated_at TEXT NOT NULL,
            created_at TEXT NOT NULL,
            comments_version BIGINT NOT NULL
        )""",
        "CREATE INDEX blog_posts_published ON blog_posts (status, published_at)",
        """CREATE TABLE comments (
            id {serial},
            post_id BIGINT NOT NULL,
            parent_id BIGINT,
            depth INTEGER NOT NULL,
            author_name TEXT NOT NULL,
            author_email TEXT NOT NULL,
            author_url TEXT,
            email_key TEXT NOT NULL,
            is_author BOOLEAN NOT NULL,
            body_markdown TEXT NOT NULL,
            body_html TEXT NOT NULL,
            status TEXT NOT NULL,
            notify_replies BOOLEAN NOT NULL,
            ip TEXT,
            user_agent TEXT,
            content_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX comments_post ON comments (post_id, status, created_at)",
        "CREATE INDEX comments_email ON comments (email_key, status)",
        # Durable work (mail, later webmentions): survives a restart, done once.
        """CREATE TABLE jobs (
            id {serial},
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            dedupe_key TEXT UNIQUE,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            run_after TEXT NOT NULL,
            locked_until TEXT,
            last_error TEXT,
            created_at TEXT NOT NULL,
            finished_at TEXT
        )""",
        "CREATE INDEX jobs_due ON jobs (status, run_after)",
        # Archives uploaded in the admin area, with their import's progress and problems.
        """CREATE TABLE uploads (
            id TEXT PRIMARY KEY,
            filename TEXT NOT NULL,
            chat TEXT,
            status TEXT NOT NULL,
            done_bytes BIGINT NOT NULL,
            total_bytes BIGINT NOT NULL,
            posts_new BIGINT,
            report TEXT,
            created_at TEXT NOT NULL,
            finished_at TEXT
        )""",
    ],
    [
        # Webmentions and pingbacks received: one row per (source, target), verified by a
        # job, then held for moderation like a comment (chatrecap.blog.mentions).
        # ``verifications`` counts the checks started; the waiting check's job is named by it.
        """CREATE TABLE mentions (
            id {serial},
            post_id BIGINT NOT NULL,
            protocol TEXT NOT NULL,
            source TEXT NOT NULL,
            target TEXT NOT NULL,
            status TEXT NOT NULL,
            kind TEXT,
            author_name TEXT,
            author_url TEXT,
            author_photo TEXT,
            title TEXT,
            content_html TEXT,
            published_at TEXT,
            ip TEXT,
            error TEXT,
            verifications INTEGER NOT NULL,
            received_at TEXT NOT NULL,
            verified_at TEXT,
            updated_at TEXT NOT NULL,
            UNIQUE (source, target)
        )""",
        "CREATE INDEX mentions_post ON mentions (post_id, status)",
        # Webmentions and pingbacks sent for the links of our posts, with their outcome
        # (chatrecap.blog.outgoing): one row per (post, target), the latest sending.
        # ``linked``: the public post links to the target now; ``reason``: why it was last
        # sent (linked, unlinked, deleted); ``position``: the link's place in the post.
        """CREATE TABLE sent_mentions (
            id {serial},
            post_id BIGINT NOT NULL,
            target TEXT NOT NULL,
            source TEXT NOT NULL,
            linked BOOLEAN NOT NULL,
            reason TEXT NOT NULL,
            position INTEGER NOT NULL,
            protocol TEXT,
            endpoint TEXT,
            status TEXT NOT NULL,
            http_status INTEGER,
            detail TEXT,
            location TEXT,
            attempts INTEGER NOT NULL,
            queued_at TEXT NOT NULL,
            sent_at TEXT,
            UNIQUE (post_id, target)
        )""",
        # Mail subscribers (double opt-in) and the record of their consent
        # (chatrecap.blog.subscriptions). The address is kept only here and in the mail queue.
        """CREATE TABLE subscribers (
            id {serial},
            email TEXT NOT NULL,
            email_key TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            confirmed_at TEXT,
            unsubscribed_at TEXT
        )""",
        "CREATE INDEX subscribers_status ON subscribers (status, id)",
        """CREATE TABLE consents (
            id {serial},
            subscriber_id BIGINT NOT NULL,
            action TEXT NOT NULL,
            email TEXT NOT NULL,
            form TEXT NOT NULL,
            text_shown TEXT NOT NULL,
            ip TEXT,
            user_agent TEXT,
            at TEXT NOT NULL
        )""",
        "CREATE INDEX consents_subscriber ON consents (subscriber_id, at)",
    ],
    [
        # An edited post's versions (X makes each edit a new tweet): post_id was replaced
        # by by_id, a later version. Where a chat holds several, the analysis reads the
        # newest (chatrecap.analysis.corpus).
        """CREATE TABLE post_versions (
            post_id TEXT NOT NULL,
            by_id TEXT NOT NULL,
            PRIMARY KEY (post_id, by_id)
        )""",
    ],
    [
        # Single-use form tokens (a comment form, the subscribe box) once spent, until
        # they would have expired anyway: a form sent twice or replayed by a script is refused.
        """CREATE TABLE spent_tokens (
            token TEXT PRIMARY KEY,
            expires_at TEXT NOT NULL
        )""",
        "CREATE INDEX spent_tokens_expiry ON spent_tokens (expires_at)",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
