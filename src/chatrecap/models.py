"""Canonical records every source produces and every later stage consumes.

Ids are ``platform:native_id`` strings so that records from different platforms never
collide and the same post read from two archives of one platform is one record.
Fields a source cannot know stay ``None`` (unknown), never a guessed value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PERSON = "person"
ORGANIZATION = "organization"


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

    @property
    def id(self) -> str:
        if self.native_id:
            return make_id(self.platform, self.native_id)
        if self.handle:
            return placeholder_author_id(self.platform, self.handle)
        return make_id(self.platform, "unknown")


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

    @property
    def id(self) -> str:
        return make_id(self.platform, self.native_id)

    @property
    def author_id(self) -> str:
        return self.author.id
