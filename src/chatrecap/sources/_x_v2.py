"""The parts of X API v2 JSON that chatrecap reads, as msgspec structs.

Decoding straight into these is several times faster than building dicts, and skips the
fields we do not use (context annotations, geo, edit history...). Every field is optional
except a tweet's id, so a record with a wrong type is one clear error naming its path
("Expected `str`, got `int` - at `$.data[0].id`"), not a crash. The structs hold no
cycles, so the garbage collector need not track them (gc=False): a page has thousands.
"""

from __future__ import annotations

from typing import Any

import msgspec


class Mention(msgspec.Struct, gc=False):
    username: str | None = None
    id: str | None = None


class Tag(msgspec.Struct, gc=False):
    tag: str | None = None


class Link(msgspec.Struct, gc=False):
    url: str | None = None
    expanded_url: str | None = None
    unwound_url: str | None = None
    media_key: str | None = None


class Entities(msgspec.Struct, gc=False):
    mentions: list[Mention] = []
    hashtags: list[Tag] = []
    urls: list[Link] = []


class TweetMetrics(msgspec.Struct, gc=False):
    like_count: int | None = None
    retweet_count: int | None = None
    reply_count: int | None = None
    quote_count: int | None = None


class UserMetrics(msgspec.Struct, gc=False):
    followers_count: int | None = None
    following_count: int | None = None


class UserUrl(msgspec.Struct, gc=False):
    url: str | None = None
    expanded_url: str | None = None


class UserUrls(msgspec.Struct, gc=False):
    urls: list[UserUrl] = []


class UserEntities(msgspec.Struct, gc=False):
    url: UserUrls | None = None
    description: UserUrls | None = None  # (the t.co links of the bio)


class User(msgspec.Struct, gc=False):
    id: str | None = None  # (``twarc2 flatten`` writes ``{}`` for a user it does not have)
    username: str | None = None
    name: str | None = None
    description: str | None = None
    public_metrics: UserMetrics | None = None
    verified: bool | None = None
    created_at: str | None = None
    location: str | None = None
    url: str | None = None
    entities: UserEntities | None = None
    profile_image_url: str | None = None


class Media(msgspec.Struct, gc=False):
    media_key: str | None = None
    url: str | None = None
    preview_image_url: str | None = None


class Attachments(msgspec.Struct, gc=False):
    media_keys: list[str] = []
    media: list[Media] = []  # inlined by `twarc2 flatten`


class NoteTweet(msgspec.Struct, gc=False):
    text: str | None = None
    entities: Entities | None = None


class RefId(msgspec.Struct, gc=False):
    type: str
    id: str


class TweetFields(msgspec.Struct, gc=False, kw_only=True):
    """What a tweet, an inlined referenced tweet and a flattened line have in common."""

    text: str | None = None
    author_id: str | None = None
    created_at: str | None = None
    conversation_id: str | None = None
    in_reply_to_user_id: str | None = None
    entities: Entities | None = None
    public_metrics: TweetMetrics | None = None
    lang: str | None = None
    attachments: Attachments | None = None
    note_tweet: NoteTweet | None = None
    author: User | None = None  # inlined by `twarc2 flatten`
    in_reply_to_user: User | None = None  # inlined by `twarc2 flatten`
    # The versions of an edited tweet, oldest first: untyped, so that an odd value costs
    # nothing but the versions (``edit_versions`` reads it), not the page.
    edit_history_tweet_ids: Any = None


class Ref(TweetFields, kw_only=True):
    """A referenced tweet: just type and id in API pages, the whole tweet once flattened."""

    type: str
    id: str
    referenced_tweets: list[RefId] = []


class Tweet(TweetFields, kw_only=True):
    id: str
    referenced_tweets: list[Ref] = []


class Includes(msgspec.Struct, gc=False):
    users: list[User] = []
    tweets: list[Tweet] = []
    media: list[Media] = []


class TwarcMeta(msgspec.Struct, gc=False):
    retrieved_at: str | None = None


class Line(TweetFields, kw_only=True):
    """One line of twarc2 output: an API page, a streamed tweet, or a flattened tweet
    (which is a tweet itself, hence the tweet fields)."""

    data: list[Tweet] | Tweet | None = None
    includes: Includes | None = None
    twarc: TwarcMeta | None = msgspec.field(default=None, name="__twarc")
    id: str | None = None
    referenced_tweets: list[Ref] = []


LINE = msgspec.json.Decoder(Line)
