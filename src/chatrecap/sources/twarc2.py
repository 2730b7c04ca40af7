"""X/Twitter API v2 JSONL as twarc2 writes it.

Three shapes, told apart line by line so a mixed file still imports:

- an API page per line: ``data`` (a list), ``includes.users/tweets/media``, ``meta``,
  ``errors``, ``__twarc``;
- filtered-stream output: one tweet per line, ``data`` is an object, with ``matching_rules``;
- ``twarc2 flatten`` output: one tweet per line with ``author`` and the referenced tweets
  inlined.

Tweets in ``includes.tweets`` (the originals of retweets, quoted and replied-to tweets) are
yielded with ``is_referenced`` so they are stored but not counted as posts of the chat. A
retweet gets ``repost_of_id`` and the full text of the original instead of the truncated
"RT @x: ..." (kept as ``text_original``). Long posts take their text from ``note_tweet``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import orjson

from chatrecap.errors import RecordError
from chatrecap.models import Author, Post
from chatrecap.sources._twitter import (
    PLATFORM,
    expand_links,
    is_media_url,
    parse_iso,
    tweet_url,
    unique,
)
from chatrecap.sources.base import LineSource, ReadOptions, Sample, json_error
from chatrecap.text import clean_text

_TWEET_KEYS = ('"author_id"', '"created_at"', '"text"')


class Twarc2Source(LineSource):
    id = "twarc2"
    name = "X API v2 JSONL (twarc2 pages, flattened or stream)"
    description = "One API response page, streamed tweet or flattened tweet per line."

    def sniff(self, sample: Sample) -> float:
        text = sample.stripped
        if not text.startswith("{"):
            return 0.0
        first = text.split("\n", 1)[0]
        if '"__twarc"' in first or '"matching_rules"' in first:
            return 0.95
        if first.startswith('{"data"') or '"includes"' in first:
            return 0.8 if all(k in first for k in _TWEET_KEYS) else 0.0
        if all(k in first for k in _TWEET_KEYS) and '"public_metrics"' in first:
            return 0.7
        return 0.0

    def parse_line(self, line: bytes, number: int, name: str,
                   options: ReadOptions) -> list[Post | RecordError]:
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            return [json_error(name, number, exc)]
        if not isinstance(record, dict):
            return [RecordError(name, number, "expected a JSON object (an API page or a tweet)")]
        try:
            return list(_read_record(record, name, number))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            return [RecordError(name, number,
                                f"not a tweet record the X API v2 writes ({_why(exc)})")]


    def raw_of(self, record: Any, native_id: str) -> Any:
        """The tweet itself out of an API page, stream line or flattened line."""
        if not isinstance(record, dict):
            return record
        data = record.get("data")
        if data is None:  # flattened: the tweet, its referenced tweets inlined
            candidates = [record, *(record.get("referenced_tweets") or ())]
        else:
            candidates = [*(data if isinstance(data, list) else [data]),
                          *((record.get("includes") or {}).get("tweets") or ())]
        for tweet in candidates:
            if isinstance(tweet, dict) and tweet.get("id") == native_id:
                return tweet
        return record


def _why(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"field {exc.args[0]!r} is missing"
    return str(exc) or type(exc).__name__


def _read_record(record: dict[str, Any], name: str, number: int) -> Iterator[Post]:
    observed = _observed_at(record)
    data = record.get("data")
    if data is None and "id" in record and "text" in record:
        yield from _flattened(record, name, number, observed)
        return
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ValueError("no 'data' list and no tweet fields")
    includes = record.get("includes") or {}
    page = _Page(includes, observed, name, number)
    data_ids = {tweet["id"] for tweet in data}
    for tweet in includes.get("tweets") or ():
        if tweet.get("id") not in data_ids:
            yield page.post(tweet, referenced=True)
    for tweet in data:
        yield page.post(tweet, referenced=False)


def _observed_at(record: dict[str, Any]) -> datetime | None:
    meta = record.get("__twarc")
    if isinstance(meta, dict) and isinstance(meta.get("retrieved_at"), str):
        try:
            return parse_iso(meta["retrieved_at"])
        except ValueError:
            return None
    return None


_AUTHORS: dict[tuple[Any, ...], Author] = {}


def v2_author(user: dict[str, Any]) -> Author:
    """The Author of a v2 user object; identical profiles share one (immutable) Author,
    since chat participants appear on page after page."""
    metrics = user.get("public_metrics") or {}
    key = (user["id"], user.get("username"), user.get("name"), user.get("description"),
           metrics.get("followers_count"), metrics.get("following_count"), user.get("verified"),
           user.get("url"), user.get("location"), user.get("profile_image_url"))
    author = _AUTHORS.get(key)
    if author is None:
        if len(_AUTHORS) > 100_000:
            _AUTHORS.clear()
        author = _AUTHORS[key] = _v2_author(user)
    return author


def _v2_author(user: dict[str, Any]) -> Author:
    metrics = user.get("public_metrics") or {}
    created = user.get("created_at")
    entities_url = (((user.get("entities") or {}).get("url") or {}).get("urls") or [{}])[0]
    return Author(
        platform=PLATFORM,
        native_id=user["id"],
        handle=user.get("username"),
        display_name=clean_text(user.get("name")) or None,
        bio=clean_text(user.get("description")) or None,
        followers=metrics.get("followers_count"),
        following=metrics.get("following_count"),
        verified=user.get("verified"),
        url=entities_url.get("expanded_url") or user.get("url") or None,
        location=user.get("location") or None,
        created_at=parse_iso(created) if created else None,
        avatar_url=user.get("profile_image_url"),
    )


class _Page:
    """Lookups for one API page: users, included tweets and media by id."""

    __slots__ = ("users", "tweets", "media", "authors", "observed", "name", "number")

    def __init__(self, includes: dict[str, Any], observed: datetime | None,
                 name: str, number: int) -> None:
        self.users = {u["id"]: u for u in includes.get("users") or ()}
        self.tweets = {t["id"]: t for t in includes.get("tweets") or ()}
        self.media = {m["media_key"]: m for m in includes.get("media") or () if "media_key" in m}
        self.authors: dict[str, Author] = {}
        self.observed, self.name, self.number = observed, name, number

    def author(self, author_id: str) -> Author:
        author = self.authors.get(author_id)
        if author is None:
            user = self.users.get(author_id)
            author = v2_author(user) if user else Author(PLATFORM, author_id, None)
            self.authors[author_id] = author
        return author

    def reply_handle(self, tweet: dict[str, Any]) -> str | None:
        """The replied-to user's handle: from includes, else from the mention with its id."""
        user_id = tweet.get("in_reply_to_user_id")
        if not user_id:
            return None
        if user_id in self.users:
            return self.users[user_id].get("username")
        for mention in (tweet.get("entities") or {}).get("mentions") or ():
            if mention.get("id") == user_id:
                return mention.get("username")
        return None

    def post(self, tweet: dict[str, Any], referenced: bool) -> Post:
        author = self.author(tweet["author_id"])
        refs = {ref["type"]: ref["id"] for ref in tweet.get("referenced_tweets") or ()}
        source = tweet
        repost_id = refs.get("retweeted")
        if repost_id and repost_id in self.tweets:
            source = self.tweets[repost_id]  # the original: full text and its entities
        return _post(tweet, source, author, refs, self.reply_handle(tweet),
                     [self.media[k] for k in (source.get("attachments") or {}).get("media_keys") or ()
                      if k in self.media],
                     referenced, self.observed, self.name, self.number)


def _flattened(tweet: dict[str, Any], name: str, number: int,
               observed: datetime | None) -> Iterator[Post]:
    """A ``twarc2 flatten`` line: the author and referenced tweets are inlined."""
    refs = {}
    for ref in tweet.get("referenced_tweets") or ():
        refs[ref["type"]] = ref["id"]
        if "text" in ref and "author_id" in ref:
            ref_author = v2_author(ref["author"]) if "author" in ref else Author(
                PLATFORM, ref["author_id"], None)
            yield _post(ref, ref, ref_author, {r["type"]: r["id"] for r in ref.get(
                "referenced_tweets") or ()}, None, ref.get("attachments", {}).get("media") or [],
                True, observed, name, number)
    source = tweet
    for ref in tweet.get("referenced_tweets") or ():
        if ref["type"] == "retweeted" and "text" in ref:
            source = ref
    author = v2_author(tweet["author"]) if "author" in tweet else Author(
        PLATFORM, tweet["author_id"], None)
    reply_user = (tweet.get("in_reply_to_user") or {}).get("username")
    media = (source.get("attachments") or {}).get("media") or []
    yield _post(tweet, source, author, refs, reply_user, media, False, observed, name, number)


def _post(tweet: dict[str, Any], source: dict[str, Any], author: Author, refs: dict[str, str],
          reply_handle: str | None, media: list[dict[str, Any]], referenced: bool,
          observed: datetime | None, name: str, number: int) -> Post:
    note = source.get("note_tweet") or {}
    raw_text = note.get("text") or source["text"]
    entities = (note.get("entities") if note.get("text") else None) or source.get("entities") or {}
    text = clean_text(expand_links(raw_text, entities.get("urls")))
    own_text = tweet["text"]
    metrics = tweet.get("public_metrics") or {}
    tweet_id = tweet["id"]
    reply_to = refs.get("replied_to")
    quote_of = refs.get("quoted")
    repost_of = refs.get("retweeted")
    conversation = tweet.get("conversation_id")
    return Post(
        platform=PLATFORM,
        native_id=tweet_id,
        author=author,
        created_at=parse_iso(tweet["created_at"]),
        text=text,
        text_original=own_text if own_text != text else None,
        reply_to_id=f"{PLATFORM}:{reply_to}" if reply_to else None,
        reply_to_author=reply_handle,
        quote_of_id=f"{PLATFORM}:{quote_of}" if quote_of else None,
        repost_of_id=f"{PLATFORM}:{repost_of}" if repost_of else None,
        thread_id=f"{PLATFORM}:{conversation}" if conversation else None,
        mentions=unique([m["username"] for m in entities.get("mentions") or () if "username" in m]),
        hashtags=unique([h["tag"] for h in entities.get("hashtags") or () if "tag" in h]),
        urls=unique([u.get("unwound_url") or u.get("expanded_url") or u["url"]
                     for u in entities.get("urls") or () if "url" in u and not is_media_url(u)]),
        media=[m.get("url") or m.get("preview_image_url") for m in media
               if m.get("url") or m.get("preview_image_url")],
        like_count=metrics.get("like_count"),
        repost_count=metrics.get("retweet_count"),
        reply_count=metrics.get("reply_count"),
        quote_count=metrics.get("quote_count"),
        language=tweet.get("lang"),
        url=tweet_url(author.handle, tweet_id),
        is_referenced=referenced,
        observed_at=observed,
        source_file=name,
        source_line=number,
        raw=tweet,
    )


SOURCE = Twarc2Source()
