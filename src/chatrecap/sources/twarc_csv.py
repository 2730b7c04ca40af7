"""X API v2 tweets as CSV: what ``twarc2 csv`` (the twarc-csv plugin) writes, and other
flattenings of twarc2 JSON into dotted columns (pandas' ``json_normalize``).

Read as a generic CSV (:mod:`chatrecap.sources.csv_generic`) whose columns are known, so no
``--map`` is needed, with the layout's own encodings undone first:

* ``text`` has its newlines written as ``\\n`` (or is a whole JSON string); t.co links are
  replaced by the links ``entities.urls`` lists, in order, when there are as many (a link to
  attached media is dropped from the text, as the X API's own reading does).
* ``entities.hashtags``, ``entities.mentions`` and ``entities.urls`` are JSON lists, of
  "#tag"/"@handle"/url strings (twarc-csv) or of the API's entity objects (json_normalize);
  ``attachments.media`` a JSON list of media objects; ``referenced_tweets`` (json_normalize)
  a JSON list of ``{"type", "id"}``.
* A retweet's row holds the original's text and counts (twarc-csv merges them): the text is
  what the chat read, the counts are not the retweet's and are left unknown.
* Ids are X's, so the platform is ``twitter``: the same tweet read from the JSONL and from
  its CSV is one post.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from chatrecap.models import Superseded
from chatrecap.sources._csv import (
    Columns,
    header_names,
    leading_handle,
    sample_delimiter,
    sample_rows,
    text_entities,
)
from chatrecap.sources._twitter import (
    PLATFORM,
    as_written,
    edit_versions,
    expand_bio,
    is_media_link,
    is_self_link,
)
from chatrecap.sources.base import ReadOptions, Sample
from chatrecap.sources.csv_generic import GenericCsvSource, bind_columns, mapped_columns

#: Canonical field -> the column twarc-csv (or json_normalize) names it.
COLUMNS = {
    "id": "id", "text": "text", "author": "author.username", "author_name": "author.name",
    "author_id": "author_id", "time": "created_at", "reply_to": "referenced_tweets.replied_to.id",
    "reply_to_author": "in_reply_to_username", "repost_of": "referenced_tweets.retweeted.id",
    "quote_of": "referenced_tweets.quoted.id", "likes": "public_metrics.like_count",
    "reposts": "public_metrics.retweet_count", "replies": "public_metrics.reply_count",
    "quotes": "public_metrics.quote_count", "language": "lang",
    "followers": "author.public_metrics.followers_count", "bio": "author.description",
    "location": "author.location", "verified": "author.verified", "thread": "conversation_id",
    "hashtags": "entities.hashtags", "mentions": "entities.mentions", "urls": "entities.urls",
    "media": "attachments.media", "observed": "__twarc.retrieved_at",
    "following": "author.public_metrics.following_count", "author_url": "author.entities.url.urls",
    "author_created": "author.created_at", "avatar": "author.profile_image_url",
}
_REFERENCES = {"replied_to": "reply_to", "retweeted": "repost_of", "quoted": "quote_of"}
_METRICS = ("likes", "reposts", "replies", "quotes")
_ADDED = ("platform", *(f"{field} (referenced_tweets)" for field in _REFERENCES.values()),
          "reply_to_author (text)")
_TCO = re.compile(r"https?://t\.co/\w+")


class TwarcCsvSource(GenericCsvSource):
    id = "twarc-csv"
    name = "X API v2 CSV (twarc2 csv, twarc-csv)"
    description = "The CSV twarc-csv writes from twarc2 JSONL: dotted column names, no --map needed."

    def sniff(self, sample: Sample) -> float:
        first = sample.stripped.split("\n", 1)[0]
        if not first or first[0] in "{[<":
            return 0.0
        rows = sample_rows(sample, 1, sample_delimiter(sample))
        names = header_names(rows[0]) if rows else set()
        # (twarc-csv's --output-columns may keep only these: "author.username" says enough)
        return 0.9 if {"author.username", "created_at", "text", "id"} <= names else 0.0

    def layout(self, header: list[str], options: ReadOptions, path: Path) -> tuple[Columns, dict[str, int]]:
        present = Columns(header)
        mapped_columns(present, options.column_map, path)  # a --map still wins, if the file has it
        mapping = {field: column for field, column in COLUMNS.items() if present.find(column) is not None}
        mapping.update(options.column_map)
        extended = [*header, *_ADDED]
        for field in _REFERENCES.values():  # json_normalize's referenced_tweets, if no column
            mapping.setdefault(field, f"{field} (referenced_tweets)")
        mapping.setdefault("platform", "platform")
        mapping.setdefault("reply_to_author", "reply_to_author (text)")
        return Columns(extended), bind_columns(extended, mapping, path)

    def versions(self, row: list[str], columns: Columns) -> Iterable[Superseded]:
        return edit_versions(_items(columns.get(row, "edit_history_tweet_ids")))

    def referenced(self, row: list[str], columns: Columns) -> bool:
        """Older twarc-csv writes the tweets the collected ones reply to, quote or retweet as
        rows of their own (``--inline-referenced-tweets``), their ``type`` column saying how
        they were pointed at; the collected tweets leave it empty."""
        return (columns.get(row, "type") or "").strip() in _REFERENCES

    def cells(self, row: list[str], columns: Columns) -> list[str]:
        if "json_strings" not in columns.learned:
            _learn_encoding(row, columns)
        encoded = columns.learned.get("json_strings", False)
        if encoded:
            row = [found if (found := _json_string(cell)) is not None else cell for cell in row]
        cells = list(row)

        def get(field: str) -> str | None:
            return columns.get(row, COLUMNS.get(field, field))

        def put(field: str, value: str) -> None:
            index = columns.find(COLUMNS.get(field, field))
            if index is not None and index < len(cells):
                cells[index] = value

        references = {_REFERENCES.get(str(r.get("type"))): str(r.get("id"))
                      for r in _items(get("referenced_tweets")) if isinstance(r, dict)}
        links = [_link(item, get("id")) for item in _items(get("urls"))]
        # The photos of a tweet are one t.co link, and one entity each: one link, in order.
        shortened = [link for k, link in enumerate(links) if k == 0 or link != links[k - 1]]
        text = get("text") or ""
        text = text if encoded else _text(text)
        if "t.co/" in text and len(_TCO.findall(text)) == len(shortened):
            expanded = iter(shortened)
            text = _TCO.sub(lambda _: _shown(next(expanded)), text).strip()
        put("text", text)
        for field in ("author_name", "bio", "location"):
            value = (get(field) or "") if encoded else _text(get(field) or "")
            if field == "bio" and "t.co/" in value:  # (written out, as the JSONL's reader does)
                value = expand_bio(value, ((u.get("url"), u.get("expanded_url")) for u in _items(
                    get("author.entities.description.urls")) if isinstance(u, dict))) or ""
            put(field, value)
        answered = get("reply_to_author") or ""
        if not answered and (get("reply_to") or references.get("reply_to") or get("in_reply_to_user_id")):
            answered = leading_handle(text) or ""  # a reply starts with whom it answers
            put("reply_to_author", answered)
        put("urls", " ".join(link for link, media in links if link and not media))
        put("hashtags", ", ".join(_word(item, "tag") for item in _items(get("hashtags"))))
        mentions = [_word(item, "username").lstrip("@") for item in _items(get("mentions"))]
        retweet = get("repost_of") or references.get("repost_of")
        if retweet:  # twarc-csv keeps the retweet's own "RT @x" mention when the original has none
            written = {m.lower() for m in text_entities(text)[0]}
            mentions = [m for m in mentions if m.lower() in written]
        put("mentions", ", ".join(mentions))
        media = [m.get("url") or m.get("preview_image_url") for m in _items(get("media"))
                 if isinstance(m, dict)]
        put("media", " ".join(str(m) for m in media if m))
        if retweet:
            for field in _METRICS:  # the original's counts, merged into the retweet's row
                put(field, "")
        return [*cells, PLATFORM, *(references.get(field) or "" for field in _REFERENCES.values()),
                answered]


#: Columns twarc-csv's --json-encode-text writes as JSON strings beside the text, when not
#: empty: its times and names now, the author's bio and location in its first versions.
_ENCODED_BESIDE = ("created_at", "author.username", "author.name", "author.description", "author.location")


def _learn_encoding(row: list[str], columns: Columns) -> None:
    """Whether the file writes its strings as JSON strings (twarc-csv's --json-encode-text,
    and -all): so the first row whose text and another string cell are, and not so the first
    whose text is not (a tweet may itself be "in quotes": the text alone does not say)."""
    text = columns.get(row, "text") or ""
    if not text:
        return
    if _json_string(text) is None:
        columns.learned["json_strings"] = False
    elif any(_json_string(columns.get(row, name) or "") is not None for name in _ENCODED_BESIDE):
        columns.learned["json_strings"] = True


def _items(cell: str | None) -> list[Any]:
    """A JSON list cell's items ([] for an empty or non-JSON cell)."""
    if not cell or not cell.startswith("["):
        return []
    try:
        items = orjson.loads(cell)
    except orjson.JSONDecodeError:
        return []
    return items if isinstance(items, list) else []


def _word(item: Any, key: str) -> str:
    return str(item.get(key) or "") if isinstance(item, dict) else str(item)


def _link(item: Any, own_id: str | None) -> tuple[str | None, bool]:
    """The expanded link of an entity (a url string, or the API's url object), and whether it
    is no link of the author's: attached media (twarc-csv writes a photo's as
    "pic.twitter.com/..."), or the link an edited tweet has to itself."""
    if isinstance(item, dict):
        found = item.get("unwound_url") or item.get("expanded_url") or item.get("url")
        link = str(found) if found else None
        return link, is_media_link(link, item.get("media_key")) or is_self_link(link, own_id)
    link = str(item) if item else None
    return link, bool(link) and (is_media_link(link) or link.startswith("pic.twitter.com/")
                                 or is_self_link(link, own_id))


def _shown(link: tuple[str | None, bool]) -> str:
    """What a t.co link reads as in the text: its link (``as_written``), or nothing for
    attached media."""
    return "" if link[1] or not link[0] else as_written(link[0])


def _text(cell: str) -> str:
    """A text cell of a file not all of JSON strings (see ``cells``): a JSON string decoded,
    known by its escapes (a tweet may itself be "in quotes"), else its escaped newlines
    restored."""
    if "\\u" in cell or '\\"' in cell:
        decoded = _json_string(cell)
        if decoded is not None:
            return decoded
    return cell.replace("\\n", "\n")


def _json_string(cell: str) -> str | None:
    if len(cell) < 2 or cell[0] != '"' or cell[-1] != '"':
        return None
    try:
        decoded = orjson.loads(cell)
    except orjson.JSONDecodeError:
        return None
    return decoded if isinstance(decoded, str) else None


SOURCE = TwarcCsvSource()
