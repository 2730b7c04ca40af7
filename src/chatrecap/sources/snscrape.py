"""X/Twitter tweets as snscrape and twscrape write them (JSON Lines, or a JSON array).

snscrape (2020-2023) was the way to archive a hashtag without API keys, and twscrape, which
replaced it, writes the same shape: camelCase fields under ``"_type":
"snscrape.modules.twitter.Tweet"``, the author in ``user``, the originals of a retweet and
a quote inlined as ``retweetedTweet`` and ``quotedTweet``. The versions differ in names
(``content`` / ``rawContent``, ``outlinks`` + ``tcooutlinks`` / ``links``, ``media`` as a
list or as ``{photos, videos, animated}``, dates with a ``T`` or a space), and the oldest
kept only ``username`` and no user object: all of them are read.

The text is the tweet's own full text with its t.co links expanded and the link of attached
media removed; a retweet takes its original's whole text, which snscrape cuts short. Tweet
ids are read as text where the record has them so (``id_str``, the tweet's ``url``): a file
that went through a tool reading numbers as doubles has rounded ids, and the ``url`` keeps
the true one. ``source_line`` is the line, or the 1-based position of the tweet in an array.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Author, Post
from chatrecap.sources._csv import text_entities
from chatrecap.sources._twitter import (
    PLATFORM,
    expand_links,
    is_self_link,
    parse_iso,
    status_url_parts,
    tweet_url,
    unique,
)
from chatrecap.sources.base import (
    RECORD_ERRORS,
    ReadOptions,
    Sample,
    Source,
    iter_json,
    unreadable,
)
from chatrecap.text import clean_text

TWEET_TYPE = "snscrape.modules.twitter.Tweet"
_TCO = "https://t.co/"
_SHORT_LINK = re.compile(r"https://t\.co/\w+")


class SnscrapeSource(Source):
    id = "snscrape"
    name = "snscrape / twscrape JSON (X)"
    description = "Tweets as snscrape --jsonl or twscrape write them, one per line or an array."

    def sniff(self, sample: Sample) -> float:
        text = sample.stripped[:20000]
        if not text.startswith(("[", "{")):
            return 0.0
        if f'"{TWEET_TYPE}"' in text:
            return 0.95
        if '"likeCount"' in text and ('"rawContent"' in text or '"renderedContent"' in text):
            return 0.85  # a copy that lost the type tags
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | RecordError]:
        name = str(path)
        rounded = 0
        for number, tweet in _records(path):
            if isinstance(tweet, RecordError):
                yield tweet
                continue
            try:
                posts = list(tweet_posts(tweet, name, number))
            except RECORD_ERRORS as exc:
                yield unreadable(name, number, "a tweet as snscrape writes it", exc)
                continue
            rounded += _rounded_id(tweet)
            yield from posts
        if rounded:
            yield RecordError(name, None, f"{rounded:,} tweet{'s' if rounded > 1 else ''} in this "
                              "file had rounded ids (a tool read them as numbers of 16 digits): "
                              "each id was taken from the tweet's url, and the ids of the tweets "
                              "they reply to were left out (whom they reply to is kept)",
                              kind="rounded ids", skipped=False)


def _records(path: Path) -> Iterator[tuple[int, Any]]:
    """(line or position, tweet) pairs, or (line, RecordError) for unreadable lines."""
    for number, value in iter_json(path):
        if number is not None:
            yield number, value
        elif isinstance(value, list):
            yield from enumerate(value, 1)
        elif isinstance(value, dict):
            yield 1, value
        else:
            raise InputError(f"{path}: expected tweets: a JSON array or one tweet per line.")


def tweet_posts(tweet: dict[str, Any], name: str, number: int,
                referenced: bool = False) -> Iterator[Post]:
    """The posts of one tweet: the inlined originals first (referenced), then the tweet."""
    if not isinstance(tweet, dict):
        raise TypeError("expected a JSON object")
    original, quoted = _inlined(tweet, "retweetedTweet"), _inlined(tweet, "quotedTweet")
    if original is not None:
        yield from tweet_posts(original, name, number, referenced=True)
    if quoted is not None:
        yield from tweet_posts(quoted, name, number, referenced=True)
    source = original or tweet  # a retweet's own text is cut short: its original's is whole
    own = _content(tweet)
    text = clean_text(_expanded(_content(source), source))
    mentioned = [m.get("username") for m in _objects(source.get("mentionedUsers"))]
    mentions = unique([m for m in mentioned if isinstance(m, str) and m])
    hashtags = unique([h for h in source.get("hashtags") or () if isinstance(h, str) and h])
    written = text_entities(text)
    if source.get("mentionedUsers") is None:  # the older versions, or an empty field: the text says
        mentions = written[0]
    if source.get("hashtags") is None:
        hashtags = written[1]
    author = _author(tweet)
    tweet_id = _tweet_id(tweet)
    reply_user = tweet.get("inReplyToUser")
    exact = not _rounded_id(tweet)  # else only ids written as text are sure
    quote_of = _referenced_id(tweet.get("quotedTweet"))
    reply_to = _id_text(tweet, "inReplyToTweetId", exact)
    conversation = _id_text(tweet, "conversationId", exact)
    yield Post(
        platform=PLATFORM,
        native_id=tweet_id,
        author=author,
        created_at=_date(tweet["date"]),
        text=text,
        text_original=own if own != text else None,
        reply_to_id=f"{PLATFORM}:{reply_to}" if reply_to else None,
        reply_to_author=(reply_user.get("username") if isinstance(reply_user, dict) else None)
        or tweet.get("inReplyToScreenName") or None,
        quote_of_id=f"{PLATFORM}:{quote_of}" if quote_of else None,
        repost_of_id=f"{PLATFORM}:{_tweet_id(original)}" if original is not None else None,
        thread_id=f"{PLATFORM}:{conversation}" if conversation else None,
        mentions=mentions,
        hashtags=hashtags,
        urls=unique([url for _, url in _links(source) if url
                     and not is_self_link(url, _referenced_id(source))]),
        media=_media(source),
        like_count=tweet.get("likeCount"),
        # (X gives a retweet its original's retweet count: no count of its own)
        repost_count=None if original is not None else tweet.get("retweetCount"),
        reply_count=tweet.get("replyCount"),
        quote_count=tweet.get("quoteCount"),
        language=tweet.get("lang") or None,
        url=tweet_url(author.handle, tweet_id),
        is_referenced=referenced,
        source_file=name,
        source_line=number,
        raw=tweet,
    )


def _inlined(tweet: dict[str, Any], key: str) -> dict[str, Any] | None:
    """A retweeted or quoted tweet given whole (a ``TweetRef`` or ``Tombstone`` is not)."""
    value = tweet.get(key)
    if isinstance(value, dict) and value.get("_type", TWEET_TYPE) == TWEET_TYPE and "date" in value:
        return value
    return None


def _referenced_id(value: Any) -> str | None:
    """The id of an inlined tweet, or of the ``TweetRef`` snscrape leaves for one it could
    not fetch (a ``Tombstone`` has none)."""
    if not isinstance(value, dict):
        return None
    try:
        return _tweet_id(value)
    except (KeyError, ValueError):
        return None


def _objects(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _content(tweet: dict[str, Any]) -> str:
    text = tweet.get("rawContent")
    if text is None:
        text = tweet.get("content")
    if not isinstance(text, str):
        raise ValueError("the tweet has no rawContent or content")
    return text


def _links(tweet: dict[str, Any]) -> list[tuple[str | None, str | None]]:
    """(t.co link, whole link) pairs: ``links`` in newer versions, two parallel lists before."""
    links = tweet.get("links")
    if isinstance(links, list):
        return [(link.get("tcourl"), link.get("url")) for link in _objects(links)]
    outlinks, tco = tweet.get("outlinks"), tweet.get("tcooutlinks")
    if isinstance(outlinks, list) and isinstance(tco, list) and len(outlinks) == len(tco):
        return list(zip(tco, outlinks, strict=True))
    return [(None, url) for url in outlinks or () if isinstance(url, str)]


def _expanded(text: str, tweet: dict[str, Any]) -> str:
    """t.co links replaced by what they stand for; those no link names are the link of the
    attached media (which the media list keeps) when the tweet has media."""
    if _TCO not in text:
        return text
    text = expand_links(text, [(short, url or short or "") for short, url in _links(tweet)])
    if _TCO in text and _media(tweet):
        text = _SHORT_LINK.sub("", text)
    return text.strip()


def _media(tweet: dict[str, Any]) -> list[str]:
    media = tweet.get("media")
    if isinstance(media, dict):  # twscrape: {photos, videos, animated}
        items = [item for kind in ("photos", "videos", "animated")
                 for item in _objects(media.get(kind))]
    else:
        items = _objects(media)
    urls = (item.get("fullUrl") or item.get("url") or item.get("thumbnailUrl")
            or item.get("previewUrl") for item in items)
    return unique([url for url in urls if isinstance(url, str) and url])


def _author(tweet: dict[str, Any]) -> Author:
    user = tweet.get("user")
    if not isinstance(user, dict):  # the oldest versions name the author only
        handle = tweet.get("username") or (status_url_parts(tweet.get("url")) or (None,))[0]
        if not handle:
            raise ValueError("the tweet has no user")
        return Author(PLATFORM, None, handle)
    link = user.get("link") if isinstance(user.get("link"), dict) else {}
    created = user.get("created")
    return Author(
        platform=PLATFORM,
        native_id=_id_text(user, "id"),
        handle=user.get("username") or None,
        display_name=clean_text(user.get("displayname")) or None,
        bio=clean_text(user.get("rawDescription") or user.get("description")) or None,
        followers=user.get("followersCount"),
        following=user.get("friendsCount"),
        verified=user.get("verified"),
        url=link.get("url") or user.get("linkUrl") or None,
        location=user.get("location") or None,
        created_at=_date(created) if created else None,
        avatar_url=user.get("profileImageUrl") or None,
    )


def _tweet_id(tweet: dict[str, Any]) -> str:
    """The tweet's id as text: its url's, which no number parser can round, else the id."""
    parts = status_url_parts(tweet.get("url"))
    if parts:
        return parts[1]
    tweet_id = _id_text(tweet, "id")
    if tweet_id is None:
        raise KeyError("id")
    return tweet_id


def _rounded_id(tweet: dict[str, Any]) -> bool:
    parts = status_url_parts(tweet.get("url"))
    return bool(parts) and _id_text(tweet, "id") != parts[1]


def _id_text(record: dict[str, Any], key: str, numbers: bool = True) -> str | None:
    """An id as text: the record's own text form (``id_str``, ``idStr``, ``id.str``) first,
    then the number (unless ``numbers`` is False: the file's numbers were rounded)."""
    for text_key in (f"{key}_str", f"{key}Str", f"{key}.str"):
        value = record.get(text_key)
        if isinstance(value, str) and value.isdigit():
            return value
    value = record.get(key)
    if value is None or value == "" or not numbers:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ValueError(f"{key} {value!r} is not a numeric id")
    return str(value)


def _date(value: Any) -> datetime:
    """ISO 8601 as snscrape (``T``) and twscrape (a space) write it, or epoch milliseconds
    (pandas ``to_json``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000 if value > 10**11 else value, tz=UTC)
    if not isinstance(value, str):
        raise ValueError(f"date {value!r} is not a time")
    return parse_iso(value)


SOURCE = SnscrapeSource()
