"""TAGS (Twitter Archiving Google Sheet) CSV: the sheet's Archive tab saved as CSV.

Columns are found by header name in any order; extra columns are ignored and ``NA`` or an
empty cell means no value. The 18 standard columns are listed in :data:`COLUMNS`; ``id_str``,
``from_user``, ``text`` and one of ``created_at``/``time`` are required.

Decisions about what the sheet cannot say:

* ``created_at`` (v1.1 date, UTC) is the time; ``time`` is only a fallback, because TAGS
  formats it in the sheet owner's zone while still writing a ``Z`` (one hour off in summer
  in the sample data).
* Ids pass :func:`check_id`: an ``id_str`` rounded by a spreadsheet (``1.26426E+18``) lost
  its digits; the whole id is taken from ``status_url`` when the row has one that agrees,
  else the row is skipped with a RecordError. A rounded
  ``in_reply_to_status_id_str`` or ``from_user_id_str`` keeps the post (reply link or user
  id left unknown) and yields a warning naming the column (RecordError, ``skipped=False``).
* ``entities_str`` holds v1.1 entities JSON: mentions, hashtags, links and media, and the
  t.co links of the text are replaced by what they stand for (attached media by nothing).
  When it is missing or not valid JSON the post is kept without an error, and mentions,
  hashtags and links are read from the text instead (no media then).
* A retweet is only its truncated text ``RT @user: ...``: TAGS does not carry the
  original's id, so ``repost_of_id`` stays None and the text is kept as it is.
* ``user_lang`` is the account's interface language, not the tweet's: ``language`` stays None.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Author, Post, make_id
from chatrecap.sources._csv import (
    Columns,
    file_delimiter,
    header_names,
    id_kind,
    iter_rows,
    sample_delimiter,
    sample_rows,
    text_entities,
    to_int,
    tweet_id_cell,
)
from chatrecap.sources._twitter import (
    PLATFORM,
    check_id,
    expand_links,
    parse_iso,
    parse_v1_date,
    status_url_parts,
    tweet_url,
    v1_entities,
    v1_link_replacements,
)
from chatrecap.sources.base import ReadOptions, Sample, Source
from chatrecap.text import clean_text

COLUMNS = (
    "id_str", "from_user", "text", "created_at", "time", "geo_coordinates", "user_lang",
    "in_reply_to_user_id_str", "in_reply_to_screen_name", "from_user_id_str",
    "in_reply_to_status_id_str", "source", "profile_image_url", "user_followers_count",
    "user_friends_count", "user_location", "status_url", "entities_str",
)
REQUIRED = ("id_str", "from_user", "text")


class TagsSource(Source):
    id = "tags"
    name = "TAGS (Twitter Archiving Google Sheet) CSV"
    description = ("The Archive sheet of TAGS saved as CSV or TSV, or downloaded as an .xlsx "
                   "workbook (id_str, from_user, text, ...).")

    def sniff(self, sample: Sample) -> float:
        rows = sample_rows(sample, 1, sample_delimiter(sample))
        if not rows:
            return 0.0
        names = header_names(rows[0])
        if not set(REQUIRED) <= names or not names & {"created_at", "time"}:
            return 0.0
        found = sum(column in names for column in COLUMNS)
        return 0.95 if found >= 12 else 0.5 + 0.4 * found / len(COLUMNS)

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | RecordError]:
        name = str(path)
        columns: Columns | None = None
        rescued: Counter[str] = Counter()  # rounded ids taken whole from status_url
        for item in iter_rows(path, file_delimiter(path)):
            if isinstance(item, RecordError):
                yield item
                continue
            line, row = item
            if columns is None:
                columns = _header(path, row)
                continue
            try:
                yield from _row(name, line, columns, row, rescued)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError,
                    OverflowError) as exc:
                yield RecordError(name, line, f"the row could not be read ({exc}); skipped")
        if count := rescued["id_str"]:
            yield RecordError(name, None, f"{count:,} row{'s' if count > 1 else ''} had an id_str "
                              "rounded by a spreadsheet (1.26426E+18); the whole id was taken from "
                              "status_url. Export the sheet with its id columns formatted as text "
                              "to keep the other ids too", kind="rounded ids", skipped=False)


def _header(path: Path, row: list[str]) -> Columns:
    columns = Columns(row)
    missing = columns.missing(REQUIRED)
    if missing or (columns.find("created_at") is None and columns.find("time") is None):
        need = ", ".join(missing or ["created_at or time"])
        raise InputError(
            f"{path}: this is not a TAGS archive; its header lacks the column(s) {need}."
        )
    return columns


def _row(name: str, line: int, columns: Columns, row: list[str],
         rescued: Counter[str]) -> Iterator[Post | RecordError]:
    """The row's post (or why not); ``rescued`` counts the ids taken from status_url."""
    def get(column: str) -> str | None:
        return columns.get(row, column)

    native_id = tweet_id_cell(get("id_str"), "id_str", name, line)
    if isinstance(native_id, RecordError):
        whole = _status_url_id(get("id_str"), get("status_url"))
        if whole is None:
            yield native_id
            return
        native_id = whole
        rescued["id_str"] += 1
    created = _created(get("created_at"), get("time"))
    if created is None:
        yield RecordError(
            name, line, f"created_at {get('created_at')!r} / time {get('time')!r} is not a "
            "date and time; skipped", kind="bad time",
        )
        return

    reply_to_id = user_id = None
    if value := get("in_reply_to_status_id_str"):
        try:
            reply_to_id = make_id(PLATFORM, check_id(value, "in_reply_to_status_id_str"))
        except ValueError as exc:
            yield RecordError(name, line, f"{exc}; the post is kept without its reply link",
                              kind=id_kind(value), skipped=False)
    if value := get("from_user_id_str"):
        try:
            user_id = check_id(value, "from_user_id_str")
        except ValueError as exc:
            yield RecordError(name, line, f"{exc}; the author is kept by handle only",
                              kind=id_kind(value), skipped=False)

    original = get("text") or ""
    entities = _entities_json(get("entities_str"))
    if entities is None:
        text = clean_text(original)
        mentions, hashtags, urls = text_entities(text)
        media: list[str] = []
    else:  # t.co links as what they stand for, as in the tweet's own JSON
        text = clean_text(expand_links(original, v1_link_replacements(entities, entities.get("media"))))
        mentions, hashtags, urls, media = v1_entities(entities, own_id=native_id)
    handle = get("from_user")
    if handle:
        handle = handle.lstrip("@")
    yield Post(
        platform=PLATFORM,
        native_id=native_id,
        author=Author(
            platform=PLATFORM,
            native_id=user_id,
            handle=handle,
            followers=to_int(get("user_followers_count")),
            following=to_int(get("user_friends_count")),
            location=get("user_location"),
            avatar_url=get("profile_image_url"),
        ),
        created_at=created,
        text=text,
        text_original=original if original != text else None,
        reply_to_id=reply_to_id,
        reply_to_author=(get("in_reply_to_screen_name") or "").lstrip("@") or None,
        mentions=mentions,
        hashtags=hashtags,
        urls=urls,
        media=media,
        url=get("status_url") or tweet_url(handle, native_id),
        observed_at=created,  # the sheet searches every hour: each row's profile is as of its tweet
        source_file=name,
        source_line=line,
        raw=columns.record(row),
    )


def _status_url_id(rounded: str | None, url: str | None) -> str | None:
    """The whole id in status_url of a row whose id_str a spreadsheet rounded (1.26426E+18),
    when the rounded number agrees with it."""
    parts = status_url_parts(url)
    try:
        if parts and rounded and abs(float(rounded) - int(parts[1])) <= int(parts[1]) * 1e-5:
            return parts[1]
    except (ValueError, OverflowError):
        pass
    return None


def _created(created_at: str | None, time: str | None) -> datetime | None:
    """created_at (v1.1, UTC) first; the ISO ``time`` column only when it is unusable."""
    if created_at:
        try:
            return parse_v1_date(created_at)
        except (ValueError, KeyError, IndexError):
            pass
    if time:
        try:
            return parse_iso(time)
        except ValueError:
            pass
    return None


def _entities_json(value: str | None) -> dict[str, Any] | None:
    """entities_str when it is valid v1.1 entities JSON; else None (the text says them)."""
    if value:
        try:
            entities = orjson.loads(value)
        except orjson.JSONDecodeError:
            return None
        if isinstance(entities, dict) and all(
                isinstance(entities.get(key) or [], list)
                and all(isinstance(item, dict) for item in entities.get(key) or [])
                for key in ("user_mentions", "hashtags", "urls", "media")):
            return entities
    return None


SOURCE = TagsSource()
