"""Canonical records every source produces and every later stage consumes.

Ids are ``platform:native_id`` strings so that records from different platforms never
collide and the same post read from two archives of one platform is one record.
Fields a source cannot know stay ``None`` (unknown), never a guessed value.
"""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from datetime import UTC, datetime
from itertools import chain
from typing import Any

PERSON = "person"
ORGANIZATION = "organization"
INT_LIMIT = 2**63 - 1  # what every database stores as an integer


def _text(value: Any, name: str, required: bool = False) -> None:
    if value is None and not required:
        return
    if type(value) is not str:
        raise TypeError(f"{name} must be text, not {type(value).__name__}")
    if required and not value:
        raise ValueError(f"{name} is empty")


def _count(value: Any, name: str) -> None:
    if value is None:
        return
    if type(value) is not int:
        raise TypeError(f"{name} must be a whole number, not {type(value).__name__}")
    if not -INT_LIMIT <= value <= INT_LIMIT:
        raise ValueError(f"{name} {value} is out of range")


def _flag(value: Any, name: str) -> None:
    if value is not None and type(value) is not bool:
        raise TypeError(f"{name} must be true or false, not {type(value).__name__}")


def _texts(value: Any, name: str) -> None:
    if type(value) is not list or not all(type(item) is str for item in value):
        raise TypeError(f"{name} must be a list of text")


def _time(value: Any, name: str, required: bool = False) -> datetime | None:
    """The time in UTC; a naive or non-time value is refused, never guessed."""
    if value is None and not required:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise TypeError(f"{name} must be a time with a zone")
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def make_id(platform: str, native_id: str) -> str:
    """The canonical id of a post or author."""
    return f"{platform}:{native_id}"


def placeholder_author_id(platform: str, handle: str) -> str:
    """Id of an author known only by handle (CSV exports carry no user id).

    The store merges it into the real author once an archive with the user id arrives.
    """
    return make_id(platform, "@" + handle.lower())


@dataclass(slots=True)
class Author:
    platform: str
    native_id: str | None
    handle: str | None
    display_name: str | None = None
    bio: str | None = None
    followers: int | None = None
    following: int | None = None
    verified: bool | None = None
    url: str | None = None
    location: str | None = None
    created_at: datetime | None = None
    avatar_url: str | None = None
    is_bot: bool | None = None
    kind: str | None = None  # PERSON, ORGANIZATION or None when unknown

    def __post_init__(self) -> None:
        """Refuse values of the wrong type here, so every source reports them as a bad
        record instead of storing them."""
        _text(self.platform, "platform", required=True)
        for name in ("native_id", "handle", "display_name", "bio", "url", "location",
                     "avatar_url"):
            _text(getattr(self, name), f"author {name}")
        _count(self.followers, "followers")
        _count(self.following, "following")
        _flag(self.verified, "verified")
        _flag(self.is_bot, "is_bot")
        self.created_at = _time(self.created_at, "author created_at")
        if self.kind not in (None, PERSON, ORGANIZATION):
            raise ValueError(f"author kind {self.kind!r} is not person or organization")

    @property
    def id(self) -> str:
        if self.native_id:
            return make_id(self.platform, self.native_id)
        if self.handle:
            return placeholder_author_id(self.platform, self.handle)
        return make_id(self.platform, "unknown")


_POST_TEXTS = ("text_original", "reply_to_id", "reply_to_author", "quote_of_id", "repost_of_id",
               "thread_id", "language", "url", "channel", "source_file")
_POST_LISTS = ("mentions", "hashtags", "urls", "media", "chats")
_POST_COUNTS = ("like_count", "repost_count", "reply_count", "quote_count", "source_line")
_TEXT_TYPES = frozenset((str, type(None)))
_STR_TYPES = frozenset((str,))
_LIST_TYPES = frozenset((list,))
_COUNT_TYPES = frozenset((int, type(None)))


@dataclass(slots=True)
class Post:
    platform: str
    native_id: str
    author: Author
    created_at: datetime  # timezone-aware, UTC
    text: str  # clean: mojibake repaired, HTML removed, entities decoded
    text_original: str | None = None  # as the archive had it, when it differs from text
    reply_to_id: str | None = None  # canonical post id
    reply_to_author: str | None = None  # handle, no @
    quote_of_id: str | None = None
    repost_of_id: str | None = None
    thread_id: str | None = None  # conversation / thread root, canonical id
    mentions: list[str] = field(default_factory=list)  # handles, no @
    hashtags: list[str] = field(default_factory=list)  # no #
    urls: list[str] = field(default_factory=list)  # expanded
    media: list[str] = field(default_factory=list)
    like_count: int | None = None
    repost_count: int | None = None
    reply_count: int | None = None
    quote_count: int | None = None
    language: str | None = None
    url: str | None = None  # permalink on the platform
    channel: str | None = None  # Slack/Discord channel or archive query; suggests the chat name
    chats: list[str] = field(default_factory=list)  # chats it belongs to, when the archive says
    is_referenced: bool = False  # only pulled in as the target of a repost/quote/reply
    observed_at: datetime | None = None  # when the archive captured the metrics
    source_file: str | None = None
    source_line: int | None = None
    raw: Any = None  # the platform's own record, kept whole
    #: Set by a source whose decoder already typed every value (ids non-empty, counts in
    #: range, times in UTC), so that the checks below need not run again for each post.
    trusted: InitVar[bool] = False

    def __post_init__(self, trusted: bool = False) -> None:
        """Refuse values of the wrong type (see Author.__post_init__); times become UTC.

        Runs for every post of every import, so the common case is a few checks of the
        set of types a group of fields holds (done in C), and the field is only named when
        something is wrong."""
        if trusted:
            return
        if type(self.native_id) is not str or not self.native_id:
            _text(self.native_id, "id", required=True)
        if type(self.platform) is not str or type(self.text) is not str:
            _text(self.platform, "platform", required=True)
            _text(self.text, "text", required=True)
        if not isinstance(self.author, Author):
            raise TypeError("author must be an Author")
        created = self.created_at
        if type(created) is not datetime or created.tzinfo is not UTC:
            self.created_at = _time(created, "created_at", required=True)  # type: ignore[assignment]
        if not _TEXT_TYPES.issuperset(map(type, (
                self.text_original, self.reply_to_id, self.reply_to_author, self.quote_of_id,
                self.repost_of_id, self.thread_id, self.language, self.url, self.channel,
                self.source_file))):
            for name in _POST_TEXTS:
                _text(getattr(self, name), name)
        lists = (self.mentions, self.hashtags, self.urls, self.media, self.chats)
        if not _LIST_TYPES.issuperset(map(type, lists)) or not _STR_TYPES.issuperset(
                map(type, chain.from_iterable(lists))):
            for name in _POST_LISTS:
                _texts(getattr(self, name), name)
        counts = (self.like_count, self.repost_count, self.reply_count, self.quote_count,
                  self.source_line)
        if not _COUNT_TYPES.issuperset(map(type, counts)) or max(
                map(abs, filter(None, counts)), default=0) > INT_LIMIT:
            for name in _POST_COUNTS:
                _count(getattr(self, name), name)
        if type(self.is_referenced) is not bool:
            _flag(self.is_referenced, "is_referenced")
        observed = self.observed_at
        if observed is not None and (type(observed) is not datetime or observed.tzinfo is not UTC):
            self.observed_at = _time(observed, "observed_at")

    @property
    def id(self) -> str:
        return make_id(self.platform, self.native_id)

    @property
    def author_id(self) -> str:
        return self.author.id


@dataclass(frozen=True, slots=True)
class Superseded:
    """An earlier version of an edited post (X keeps each edit as a new tweet, listing the
    chain in ``edit_history_tweet_ids``): ``post_id`` was replaced by ``by_id``, a later
    version. A stream captures every version, a later search the newest: the analysis
    reads one post, the newest version it holds."""

    post_id: str
    by_id: str
