"""chatrecap's own canonical JSONL (what ``chatrecap export --format jsonl`` writes).

Reading it back restores posts, authors, chat memberships, provenance and raw records,
so export then import gives the same workspace.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from chatrecap.errors import RecordError
from chatrecap.models import Author, Post, Superseded
from chatrecap.sources._twitter import parse_iso
from chatrecap.sources.base import Line, LineSource, ReadOptions, Sample, json_error


class CanonicalJsonlSource(LineSource):
    id = "jsonl"
    name = "chatrecap canonical JSONL"
    description = "What `chatrecap export --format jsonl` writes (schemas/post.schema.json)."
    takes_views = True  # (decoded straight from the run of the file read at once)

    def sniff(self, sample: Sample) -> float:
        first = sample.stripped.split("\n", 1)[0]
        if first.startswith("{") and all(
            f'"{key}"' in first for key in ("platform", "native_id", "author_handle", "is_referenced")
        ):
            return 1.0
        return 0.0

    def parse_line(self, line: Line, number: int, name: str,
                   options: ReadOptions) -> list[Post | Superseded | RecordError]:
        try:
            record = orjson.loads(line)
            post = record_to_post(record, name, number)
            later = record.get("superseded_by")
            if later is None:
                return [post]
            if not isinstance(later, list) or not all(isinstance(by_id, str) for by_id in later):
                return [post, RecordError(name, number, "superseded_by is not a list of post ids; "
                                          "the post is kept without its versions",
                                          kind="malformed field", skipped=False)]
            return [post, *(Superseded(post.id, by_id) for by_id in dict.fromkeys(later)
                            if by_id != post.id)]
        except orjson.JSONDecodeError as exc:
            return [json_error(name, number, exc)]
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            why = f"field {exc.args[0]!r} is missing" if isinstance(exc, KeyError) else exc
            return [RecordError(name, number, f"not a chatrecap post record ({why})")]


    def raw_of(self, record: Any, native_id: str) -> Any:
        return record.get("raw") if isinstance(record, dict) else record


def _time(value: str | None) -> datetime | None:
    return parse_iso(value) if value else None


def record_to_post(record: dict[str, Any], name: str, number: int) -> Post:
    author_data = record.get("author") or {}
    author = Author(
        platform=record["platform"],
        native_id=author_data.get("native_id"),
        handle=author_data.get("handle", record.get("author_handle")),
        display_name=author_data.get("display_name", record.get("author_name")),
        bio=author_data.get("bio"),
        followers=author_data.get("followers"),
        following=author_data.get("following"),
        verified=author_data.get("verified"),
        url=author_data.get("url"),
        location=author_data.get("location"),
        created_at=_time(author_data.get("created_at")),
        avatar_url=author_data.get("avatar_url"),
        is_bot=author_data.get("is_bot"),
        kind=author_data.get("kind"),
    )
    created = _time(record["created_at"])
    if created is None:
        raise ValueError("created_at is empty")
    return Post(
        platform=record["platform"],
        native_id=str(record["native_id"]),
        author=author,
        created_at=created,
        text=record.get("text") or "",
        text_original=record.get("text_original"),
        reply_to_id=record.get("reply_to_id"),
        reply_to_author=record.get("reply_to_author"),
        quote_of_id=record.get("quote_of_id"),
        repost_of_id=record.get("repost_of_id"),
        thread_id=record.get("thread_id"),
        mentions=list(record.get("mentions") or []),
        hashtags=list(record.get("hashtags") or []),
        urls=list(record.get("urls") or []),
        media=list(record.get("media") or []),
        like_count=record.get("like_count"),
        repost_count=record.get("repost_count"),
        reply_count=record.get("reply_count"),
        quote_count=record.get("quote_count"),
        language=record.get("language"),
        url=record.get("url"),
        channel=record.get("channel"),
        chats=list(record.get("chats") or []),
        is_referenced=bool(record.get("is_referenced")),
        observed_at=_time(record.get("observed_at")),
        # Provenance is this line, whose record keeps the original file and line.
        source_file=name,
        source_line=number,
        raw=record.get("raw"),
    )


SOURCE = CanonicalJsonlSource()
