"""X/Twitter API v1.1 JSON: an array of tweets, a search response, or one tweet per line.

Takes ``extended_tweet.full_text`` / ``full_text`` over the 140-character ``text``. The
originals inside ``retweeted_status`` and ``quoted_status`` are yielded as referenced
posts, and a retweet carries the original's full text. In an array or search response the
``source_line`` is the 1-based position of the tweet in the document; in one-tweet-per-line
files it is the line number.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Post
from chatrecap.sources._csv import text_entities
from chatrecap.sources._twitter import (
    PLATFORM,
    expand_links,
    parse_v1_date,
    tweet_url,
    v1_entities,
    v1_link_replacements,
    v1_user,
)
from chatrecap.sources.base import ReadOptions, Sample, Source, iter_json
from chatrecap.text import clean_text


class TwitterV1Source(Source):
    id = "twitter-v1"
    name = "X API v1.1 JSON"
    description = "statuses/lookup or search arrays, or one v1.1 tweet per line."

    def sniff(self, sample: Sample) -> float:
        text = sample.stripped[:20000]
        if not text.startswith(("[", "{")):
            return 0.0
        if '"id_str"' in text and '"user"' in text and (
            '"full_text"' in text or '"in_reply_to_status_id' in text or '"retweet_count"' in text
        ):
            return 0.9
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | RecordError]:
        name = str(path)
        cut = 0  # tweets the archive holds only cut short
        for number, tweet in _records(path):
            if isinstance(tweet, RecordError):
                yield tweet
                continue
            try:
                posts = list(tweet_posts(tweet, name, number))
            except (KeyError, TypeError, ValueError, AttributeError, OverflowError,
                    RecursionError) as exc:
                why = f"field {exc.args[0]!r} is missing" if isinstance(exc, KeyError) else exc
                yield RecordError(name, number, f"not a v1.1 tweet ({why}); skipped")
                continue
            cut += _cut_short(tweet)
            yield from posts
        if cut:
            yield RecordError(name, None, f"{cut:,} tweets are cut short in this archive (fetched without "
                              "tweet_mode=extended): their text ends with “…” and a link to the whole "
                              "tweet", kind="cut short", skipped=False)


def _cut_short(tweet: dict[str, Any]) -> bool:
    """A tweet over 140 characters fetched in compatibility mode: its text is cut, and the
    record holds no ``full_text`` or ``extended_tweet`` to take the whole one from."""
    source = tweet.get("retweeted_status") if isinstance(tweet.get("retweeted_status"), dict) else tweet
    return bool(source.get("truncated")) and "full_text" not in source and not source.get("extended_tweet")


def _records(path: Path) -> Iterator[tuple[int, Any]]:
    """(position, tweet dict) pairs, or (line, RecordError) for unreadable lines."""
    for number, value in iter_json(path):
        if number is None:  # a document: an array, a search response or one tweet
            if isinstance(value, dict):
                value = value.get("statuses", [value])
            if not isinstance(value, list):
                raise InputError(f"{path}: expected a JSON array of tweets.")
            yield from enumerate(value, 1)
        elif isinstance(value, dict) and isinstance(value.get("statuses"), list):
            yield from ((number, tweet) for tweet in value["statuses"])
        else:
            yield number, value


def tweet_posts(tweet: dict[str, Any], name: str, number: int,
                referenced: bool = False) -> Iterator[Post]:
    """The posts of one v1.1 tweet: embedded originals first (referenced), then the tweet."""
    if not isinstance(tweet, dict):
        raise TypeError("expected a JSON object")
    original = tweet.get("retweeted_status")
    quoted = tweet.get("quoted_status")
    if isinstance(original, dict):
        yield from tweet_posts(original, name, number, referenced=True)
    if isinstance(quoted, dict):
        yield from tweet_posts(quoted, name, number, referenced=True)
    source = original if isinstance(original, dict) else tweet
    extended = source.get("extended_tweet") or {}
    raw_text = extended.get("full_text") or source.get("full_text") or source["text"]
    entities = extended.get("entities") or source.get("entities") or {}
    extended_entities = extended.get("extended_entities") or source.get("extended_entities") or {}
    text = clean_text(expand_links(raw_text, v1_link_replacements(
        entities, extended_entities.get("media") or entities.get("media"))))
    own = (tweet.get("extended_tweet") or {}).get("full_text") or tweet.get("full_text") or tweet["text"]
    mentions, hashtags, urls, media = v1_entities(entities, extended_entities)
    if "entities" not in source and "entities" not in extended:  # a trimmed record: the text says
        mentions, hashtags, urls = text_entities(text)
    author = v1_user(tweet["user"])
    tweet_id = tweet.get("id_str") or str(tweet["id"])
    reply_to = tweet.get("in_reply_to_status_id_str") or (
        str(tweet["in_reply_to_status_id"]) if tweet.get("in_reply_to_status_id") else None)
    quote_of = tweet.get("quoted_status_id_str") or (
        quoted.get("id_str") if isinstance(quoted, dict) else None)
    yield Post(
        platform=PLATFORM,
        native_id=tweet_id,
        author=author,
        created_at=parse_v1_date(tweet["created_at"]),
        text=text,
        text_original=own if own != text else None,
        reply_to_id=f"{PLATFORM}:{reply_to}" if reply_to else None,
        reply_to_author=tweet.get("in_reply_to_screen_name"),
        quote_of_id=f"{PLATFORM}:{quote_of}" if quote_of else None,
        repost_of_id=f"{PLATFORM}:{original.get('id_str') or original['id']}"
        if isinstance(original, dict) else None,
        mentions=mentions,
        hashtags=hashtags,
        urls=urls,
        media=media,
        like_count=tweet.get("favorite_count"),
        repost_count=tweet.get("retweet_count"),
        reply_count=tweet.get("reply_count"),
        quote_count=tweet.get("quote_count"),
        language=tweet.get("lang"),
        url=tweet_url(author.handle, tweet_id),
        is_referenced=referenced,
        source_file=name,
        source_line=number,
        raw=tweet,
    )


SOURCE = TwitterV1Source()
