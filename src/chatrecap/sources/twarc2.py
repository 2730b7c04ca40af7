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

import msgspec
import orjson

from chatrecap.errors import RecordError
from chatrecap.models import INT_LIMIT, Author, Post, Superseded
from chatrecap.sources import _x_v2 as x
from chatrecap.sources._twitter import (
    PLATFORM,
    edit_versions,
    expand_bio,
    expand_links,
    is_media_link,
    is_self_link,
    parse_iso,
    storage_time,
    tweet_url,
    unique,
)
from chatrecap.sources.base import Line, LineSource, PostRow, ReadOptions, Sample, json_error
from chatrecap.store import iso, json_list, row_post
from chatrecap.text import clean_text

_TWEET_KEYS = ('"author_id"', '"created_at"', '"text"')
_FIELDS_HINT = "; fetch tweets with tweet.fields=author_id,created_at, as twarc2 does"
_OTHER_KEYS = ('"tweet_count"', '"username"', '"member_count"')
Tweetish = x.Tweet | x.Ref | x.Line  # a flattened line or inlined reference is a tweet too


class Twarc2Source(LineSource):
    id = "twarc2"
    name = "X API v2 JSONL (twarc2 pages, flattened or stream)"
    description = ("One API response page, streamed tweet or flattened tweet per line; or "
                   "responses saved as one JSON document.")
    takes_views = True  # (decoded straight from the run of the file read at once)

    def sniff(self, sample: Sample) -> float:
        text = sample.stripped
        first = text.split("\n", 1)[0]
        if first.rstrip() in ("{", "[") or first.startswith("["):
            # One document (a response saved pretty-printed, or an array of them): its keys,
            # spread over lines, read as the first line of JSON Lines would.
            first = "".join(text.split()).removeprefix("[")
        if not first.startswith("{"):
            return 0.0
        if '"__twarc"' in first or '"matching_rules"' in first:
            return 0.95
        if first.startswith('{"data"') or '"includes"' in first:
            if all(k in first for k in _TWEET_KEYS):
                return 0.8
            # Tweets asked for without their author and time, or what other X API endpoints
            # give (users, lists, tweet counts): said so, line by line.
            bare_tweets = '"text"' in first and '"id"' in first and '"data":[' in first.replace(" ", "")
            other = any(key in first for key in _OTHER_KEYS)
            return 0.3 if bare_tweets or other else 0.0
        if all(key in first for key in ('"id"', '"action"', '"reason"')):
            return 0.3  # compliance events: said so, line by line
        if all(k in first for k in _TWEET_KEYS) and '"public_metrics"' in first:
            return 0.7
        return 0.0

    def parse_line(self, line: Line, number: int, name: str,
                   options: ReadOptions) -> list[Post | Superseded | RecordError]:
        rows = self.parse_line_rows(line, number, name, options, None)
        raw = bytes(line)
        return [row_post(*row, raw) if type(row) is tuple else row for row in rows]

    def parse_line_rows(self, line: Line, number: int, name: str, options: ReadOptions,
                        observed: str | None) -> list[Post | PostRow | Superseded | RecordError]:
        """The line's posts as rows, made straight from the decoded structs (the import's
        hot path); ``observed`` None leaves the time unknown, as a Post has it."""
        try:
            record = x.LINE.decode(line)
        except msgspec.ValidationError as exc:
            return [_other_record(line, name, number)
                    or RecordError(name, number, f"not a tweet record the X API v2 writes ({exc})")]
        except msgspec.DecodeError as exc:
            return [json_error(name, number, exc)]
        except UnicodeDecodeError as exc:  # msgspec's answer to a broken byte inside a string
            byte = exc.object[exc.start]
            return [RecordError(name, number, f"not valid UTF-8 (a string holds the byte {byte:#x})")]
        try:
            return list(_read_line(record, name, number, observed))
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            return [_other_record(line, name, number)
                    or RecordError(name, number, f"not a tweet record the X API v2 writes ({exc})")]

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


def _read_line(record: x.Line, name: str, number: int,
               default_observed: str | None) -> Iterator[PostRow | Superseded]:
    observed = iso(_observed_at(record)) or default_observed
    data = record.data
    if data is None:
        if record.id is None or record.text is None:
            raise ValueError("no 'data' and no tweet fields")
        yield from _flattened(record, name, number, observed)
        return
    if isinstance(data, x.Tweet):
        data = [data]
    page = _Page(record.includes or x.Includes(), observed, name, number)
    data_ids = {tweet.id for tweet in data}
    for tweet in page.tweets.values():
        if tweet.id not in data_ids:
            yield page.post(tweet, referenced=True)
        yield from edit_versions(tweet.edit_history_tweet_ids)
    for tweet in data:
        yield page.post(tweet, referenced=False)
        if tweet.id not in page.tweets:
            yield from edit_versions(tweet.edit_history_tweet_ids)


def _other_record(line: Line, name: str, number: int) -> RecordError | None:
    """What a line that is not tweets holds, when another X API endpoint wrote it (twarc2
    saves those the same way): a note for an API error, else the line skipped, saying what
    it is, so the user sees the wrong file rather than a broken one."""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(record, dict):
        return None
    data = record.get("data")
    items = data if isinstance(data, list) else [data]
    first = items[0] if items and isinstance(items[0], dict) else {}
    if "tweet_count" in first:
        what = "tweet counts (the X API's counts endpoint)"
    elif "member_count" in first or "owner_id" in first:
        what = "lists (the X API's list lookup)"
    elif "username" in first and "text" not in first:
        what = "user profiles (the X API's user lookup)"
    elif {"id", "action", "reason"} <= record.keys():
        what = f"a compliance event ({record['id']}: {record['action']}, {record['reason']})"
    elif data is None and isinstance(record.get("errors"), list) and record["errors"]:
        problems = "; ".join(str(e.get("title") or e.get("detail") or e) if isinstance(e, dict) else str(e)
                             for e in record["errors"][:3])
        return RecordError(name, number, f"the X API answered with errors, no tweets ({problems})",
                           kind="API error", skipped=False)
    else:
        return None
    return RecordError(name, number, f"this line holds {what}, not tweets; skipped", kind="not tweets")


def _observed_at(record: x.Line) -> datetime | None:
    if record.twarc and record.twarc.retrieved_at:
        try:
            return parse_iso(record.twarc.retrieved_at)
        except ValueError:
            return None
    return None


_AUTHORS: dict[str, tuple[x.User, Author]] = {}
#: Users remembered at most: a chat's regulars, while an archive of a million accounts keeps
#: an import worker's memory flat (each holds its own).
CACHED_USERS = 10_000


def v2_author(user: x.User) -> Author:
    """The Author of a v2 user; a user seen again unchanged shares the first one's
    (immutable) Author, since chat participants appear on page after page. Comparing the
    decoded users (in C) is cheaper than hashing their texts."""
    known = _AUTHORS.get(user.id)
    if known is not None and known[0] == user:
        return known[1]
    if len(_AUTHORS) >= CACHED_USERS:
        _AUTHORS.clear()
    author = _v2_author(user, user.public_metrics or x.UserMetrics())
    _AUTHORS[user.id] = (user, author)
    return author


def _v2_author(user: x.User, metrics: x.UserMetrics) -> Author:
    links = user.entities.url.urls if user.entities and user.entities.url else []
    about = user.entities.description.urls if user.entities and user.entities.description else []
    return Author(
        platform=PLATFORM,
        native_id=user.id,
        handle=user.username,
        display_name=clean_text(user.name) or None,
        bio=clean_text(expand_bio(user.description, ((u.url, u.expanded_url) for u in about))) or None,
        followers=metrics.followers_count,
        following=metrics.following_count,
        verified=user.verified,
        url=(links[0].expanded_url if links else None) or user.url or None,
        location=user.location or None,
        created_at=parse_iso(user.created_at) if user.created_at else None,
        avatar_url=user.profile_image_url,
    )


class _Page:
    """Lookups for one API page: users, included tweets and media by id."""

    __slots__ = ("users", "tweets", "media", "authors", "said", "observed", "name", "number")

    def __init__(self, includes: x.Includes, observed: str | None, name: str, number: int) -> None:
        self.users = {u.id: u for u in includes.users}
        self.tweets = {t.id: t for t in includes.tweets}
        self.media = {m.media_key: m for m in includes.media if m.media_key}
        self.authors: dict[str, Author] = {}
        self.said: dict[int, Said | None] = {}  # by the source tweet (its object's id)
        self.observed, self.name, self.number = observed, name, number

    def author(self, author_id: str | None) -> Author:
        if author_id is None:
            raise ValueError(f"a tweet has no author_id{_FIELDS_HINT}")
        author = self.authors.get(author_id)
        if author is None:
            user = self.users.get(author_id)
            author = v2_author(user) if user else Author(PLATFORM, author_id, None)
            self.authors[author_id] = author
        return author

    def reply_handle(self, tweet: x.Tweet) -> str | None:
        """The replied-to user's handle: from includes, else from the mention with its id."""
        user_id = tweet.in_reply_to_user_id
        if not user_id:
            return None
        if user_id in self.users:
            return self.users[user_id].username
        return _mentioned(tweet, user_id)

    def post(self, tweet: x.Tweet, referenced: bool) -> PostRow:
        source: Tweetish = tweet
        for ref in tweet.referenced_tweets:
            if ref.type == "retweeted" and ref.id in self.tweets:
                source = self.tweets[ref.id]  # the original: full text and its entities
        # A retweet says what its original says, and a page holds the original beside its
        # retweets (two thirds of a hashtag's tweets are retweets): worked out once.
        key = id(source)
        if key in self.said:
            said = self.said[key]
        else:
            keys = source.attachments.media_keys if source.attachments else ()
            said = self.said[key] = _said(source, [self.media[k] for k in keys if k in self.media])
        return _row(tweet, said, self.author(tweet.author_id), self.reply_handle(tweet),
                    referenced, self.observed, self.name, self.number)


def _flattened(tweet: x.Line, name: str, number: int,
               observed: str | None) -> Iterator[PostRow | Superseded]:
    """A ``twarc2 flatten`` line: the author and referenced tweets are inlined."""
    source: Tweetish = tweet
    for ref in tweet.referenced_tweets:
        if ref.text is None or ref.author_id is None:
            continue
        yield _row(ref, _said(ref, ref.attachments.media if ref.attachments else []),
                   _inlined_author(ref), _inlined_reply_handle(ref), True, observed, name, number)
        yield from edit_versions(ref.edit_history_tweet_ids)
        if ref.type == "retweeted":
            source = ref
    if tweet.author_id is None:
        raise ValueError("the tweet has no author_id")
    media = source.attachments.media if source.attachments else []
    yield _row(tweet, _said(source, media), _inlined_author(tweet), _inlined_reply_handle(tweet),
               False, observed, name, number)
    yield from edit_versions(tweet.edit_history_tweet_ids)


def _inlined_author(tweet: Tweetish) -> Author:
    """The author ``twarc2 flatten`` inlined, if it had one (else ``{}``), or just the id."""
    user = tweet.author
    return v2_author(user) if user is not None and user.id else Author(PLATFORM, tweet.author_id, None)


def _inlined_reply_handle(tweet: Tweetish) -> str | None:
    """The replied-to user's handle, inlined; else from the mention with their id."""
    user = tweet.in_reply_to_user
    if user is not None and user.username:
        return user.username
    return _mentioned(tweet, tweet.in_reply_to_user_id) if tweet.in_reply_to_user_id else None


def _mentioned(tweet: Tweetish, user_id: str) -> str | None:
    """The handle of the user ``user_id`` as the tweet mentions them, if it does."""
    for mention in tweet.entities.mentions if tweet.entities else ():
        if mention.id == user_id:
            return mention.username
    return None


#: What a tweet says as the store keeps it: its text (links expanded, cleaned), then its
#: mentions, hashtags, shared links and media as JSON lists.
Said = tuple[str, str, str, str, str]


def _said(source: Tweetish, media: list[x.Media]) -> Said | None:
    """What ``source`` says (a retweet's original for a retweet); None without its text.
    Each link is looked at once, for the text and for the shared links."""
    note = source.note_tweet
    if note is not None and note.text:
        raw_text, entities = note.text, note.entities or source.entities or _NO_ENTITIES
    else:
        raw_text, entities = source.text, source.entities or _NO_ENTITIES
    if raw_text is None:
        return None
    urls = mentions = hashtags = "[]"
    replacements: list[tuple[str | None, str]] = []
    if entities.urls:
        # Each link: what its t.co address stands for in the text ("" for attached media,
        # which the media list keeps, and for an edited tweet's link to itself, which X
        # adds and is no link of its author's), and the address it shared.
        shared = []
        for link in entities.urls:
            expanded = link.expanded_url
            if is_self_link(expanded, source.id) or is_media_link(expanded, link.media_key):
                replacements.append((link.url, ""))
            else:
                full = link.unwound_url or expanded or link.url
                replacements.append((link.url, full or ""))
                if link.url and full:
                    shared.append(full)
        if shared:
            urls = json_list(unique(shared))
    if entities.mentions:
        handles = [m.username for m in entities.mentions if m.username]
        mentions = json_list(unique(handles))
    if entities.hashtags:
        tags = [h.tag for h in entities.hashtags if h.tag]
        hashtags = json_list(unique(tags))
    return (clean_text(expand_links(raw_text, replacements)), mentions, hashtags, urls,
            json_list([m.url or m.preview_image_url for m in media  # type: ignore[misc]
                       if m.url or m.preview_image_url]) if media else "[]")


def _row(tweet: Tweetish, said: Said | None, author: Author, reply_handle: str | None,
         referenced: bool, observed: str | None, name: str, number: int) -> PostRow:
    """The tweet as the store writes it (``post_row``'s form): ``said`` is what it says
    (its retweeted original's, for a retweet), ``tweet`` gives the rest."""
    own_text = tweet.text
    if said is None or own_text is None or tweet.created_at is None:
        raise ValueError(f"tweet {tweet.id} has no text or created_at{_FIELDS_HINT}")
    text, mentions, hashtags, urls, media = said
    metrics = tweet.public_metrics or _NO_METRICS
    likes, reposts, replies, quotes = (metrics.like_count, metrics.retweet_count,
                                       metrics.reply_count, metrics.quote_count)
    reply_to = quote_of = repost_of = None
    for ref in tweet.referenced_tweets:  # the last of a type wins
        if ref.type == "replied_to":
            reply_to = ref.id
        elif ref.type == "quoted":
            quote_of = ref.id
        elif ref.type == "retweeted":
            repost_of = ref.id
    if repost_of:  # (X gives a retweet its original's retweet count: no count of its own)
        reposts = None
    conversation = tweet.conversation_id
    tweet_id = tweet.id
    row = (
        _ID + tweet_id, PLATFORM, tweet_id, author.id,
        storage_time(tweet.created_at), text, own_text if own_text != text else None,
        _ID + reply_to if reply_to else None, reply_handle,
        _ID + quote_of if quote_of else None,
        _ID + repost_of if repost_of else None,
        _ID + conversation if conversation else None,
        mentions, hashtags, urls, media, likes, reposts, replies, quotes, tweet.lang,
        tweet_url(author.handle, tweet_id), None, referenced, observed, name, number,
    )
    # msgspec typed every value; an empty id or a count past 64 bits is still refused, by
    # the Post's checks, with their message.
    if not tweet_id or max(map(abs, filter(None, (likes, reposts, replies, quotes))),
                           default=0) > INT_LIMIT:
        row_post(row, author, trusted=False)
    return row, author


_ID = f"{PLATFORM}:"  # a post's id is the platform's name, then the tweet's
_NO_ENTITIES = x.Entities()
_NO_METRICS = x.TweetMetrics()


SOURCE = Twarc2Source()
