"""Discord channel exports in DiscordChatExporter's JSON format.

One file per channel: ``guild``, ``channel``, ``dateRange``, ``exportedAt``, ``messages``
and ``messageCount``. Each message has ``id``, ``type``, ``timestamp`` (ISO 8601 with an
offset), ``content``, ``author``, ``attachments``, ``embeds``, ``stickers``, ``reactions``,
``mentions`` and, for replies, ``reference``.

Mapping choices:

* ``native_id`` is the message id (a snowflake, unique across Discord); ``source_line`` is
  the 1-based position of the message in the ``messages`` array.
* System messages are skipped without a count or an error: the types in
  :data:`SYSTEM_TYPES` (member joins, pins, calls, renames, recipients added or removed,
  thread creation notices), and the bare type numbers the exporter writes for system
  kinds it has no name for.
* Content: the exporter usually renders mentions as ``@name`` already; when it was run with
  markdown formatting off the raw markup is rendered here: ``<@id>``/``<@!id>`` becomes
  ``@name`` (names from the file's authors and mentions), ``<@&id>`` ``@role``, ``<#id>``
  ``#channel`` when the id is this channel or its parent, ``<:name:id>`` ``:name:``,
  ``<t:unix:f>`` the ISO 8601 UTC time, ``</cmd:id>`` ``/cmd``, ``<https://...>`` the url.
  Unresolvable markup stays as it is. Markdown's marks (bold, underline, strike, spoilers,
  code, headings) are taken out of the clean text (``text.clean_markup``). Discord has no
  hashtags, so ``hashtags`` stays empty.
* ``mentions`` are the handles of the ``mentions`` array plus any resolved ``<@id>``.
* A reply's ``reference.messageId`` is ``reply_to_id`` (a reply is typed ``Reply``, or, in
  older exports, ``Default`` with a reference into the same channel); ``reply_to_author`` is
  the author of the referenced message when it is in the file. When the exported channel is a thread,
  ``thread_id`` is the thread's id (for a thread started from a message, that message's id),
  and ``channel`` (the chat, when no --chat names one) its parent channel, as in Slack.
* ``like_count`` is the sum of the reaction counts; ``reply_count`` is unknown (None).
* Attachments and stickers go to ``media``; embed urls and links in the content to ``urls``.
* ``url`` is the message link; direct messages (guild id 0) use ``@me``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Author, Post, make_id
from chatrecap.sources._twitter import parse_iso, unique
from chatrecap.sources.base import ReadOptions, Sample, Source, load_document, system_note, unreadable
from chatrecap.text import clean_markup

PLATFORM = "discord"
SYSTEM_TYPES = frozenset({
    "RecipientAdd", "RecipientRemove", "Call", "ChannelNameChange", "ChannelIconChange",
    "ChannelPinnedMessage", "GuildMemberJoin", "ThreadCreated", "ThreadStarterMessage",
    *(str(n) for n in (*range(1, 19), 21)),
})
_SNIFF_START = re.compile(r'^\{\s*"guild"\s*:\s*\{')
_MARKUP = re.compile(
    r"<(?:@(?P<user>!?\d+)|@&(?P<role>\d+)|#(?P<channel>\d+)|a?:(?P<emoji>\w+):\d+"
    r"|t:(?P<time>-?\d+)(?::[tTdDfFR])?|/(?P<command>[\w -]+):\d+|(?P<link>https?://[^\s<>]+))>"
)
_URL = re.compile(r"https?://[^\s<>\"]+")


class DiscordSource(Source):
    id = "discord"
    name = "Discord (DiscordChatExporter JSON)"
    description = "One channel exported by DiscordChatExporter as JSON."

    def sniff(self, sample: Sample) -> float:
        text = sample.stripped
        if not text.startswith("{"):
            return 0.0
        if not all(f'"{key}"' in text for key in ("guild", "channel", "messages")):
            return 0.0
        return 0.95 if _SNIFF_START.match(text) else 0.7

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | RecordError]:
        name = str(path)
        doc, cut = load_document(path)
        if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
            raise InputError(f"{path}: has no \"messages\" array; not a DiscordChatExporter file.")
        context = _Context(doc)
        system: Counter[str] = Counter()  # system messages left out, by type
        for index, msg in enumerate(doc["messages"], 1):
            try:
                post = context.post(msg)
            except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
                yield unreadable(name, index, "a Discord message", exc)
                continue
            if post is not None:
                post.source_file, post.source_line = name, index
                yield post
            else:
                system[str(msg.get("type"))] += 1
        if note := system_note(name, system):
            yield note
        if cut is not None:  # (a file cut short: its whole messages were read)
            yield cut


SOURCE = DiscordSource()


class _Context:
    """What the whole file tells about each message: channel, guild, names of ids."""

    def __init__(self, doc: dict[str, Any]) -> None:
        guild = doc.get("guild") if isinstance(doc.get("guild"), dict) else {}
        channel = doc.get("channel") if isinstance(doc.get("channel"), dict) else {}
        self.guild_id = str(guild.get("id") or "")
        self.channel_id = str(channel.get("id") or "")
        self.channel = channel.get("name") or None
        self.channels = {self.channel_id: self.channel, str(channel.get("categoryId")):
                         channel.get("category")}
        is_thread = "Thread" in str(channel.get("type")) and self.channel_id
        self.thread_id = make_id(PLATFORM, self.channel_id) if is_thread else None
        if is_thread and channel.get("category"):  # (a thread's "category" is its channel)
            self.channel = str(channel["category"])  # a thread's talk is its channel's, as in Slack
        self.users: dict[str, str] = {}
        self.roles: dict[str, str] = {}
        self.authors: dict[str, str] = {}  # message id -> author name, for reply_to_author
        for msg in doc["messages"]:
            try:
                self._learn(msg)
            except (TypeError, AttributeError):
                continue  # post() reports the malformed message

    def _learn(self, msg: dict[str, Any]) -> None:
        """Index the names of a message's author, mentioned users and their roles."""
        people = [msg.get("author"), *(msg.get("mentions") or ())]
        for user in (p for p in people if isinstance(p, dict) and p.get("name")):
            self.users.setdefault(str(user.get("id")), str(user["name"]))
            for role in user.get("roles") or ():
                if isinstance(role, dict) and role.get("name"):
                    self.roles.setdefault(str(role.get("id")), str(role["name"]))
        if isinstance(msg.get("author"), dict) and msg["author"].get("name"):
            self.authors[str(msg.get("id"))] = str(msg["author"]["name"])

    def post(self, msg: dict[str, Any]) -> Post | None:
        """One message as a Post, or None for a system message."""
        if not isinstance(msg, dict):
            raise TypeError("the entry is not a JSON object")
        if str(msg.get("type") or "Default") in SYSTEM_TYPES:
            return None
        message_id = str(msg["id"])
        if not message_id.isdigit():
            raise ValueError(f"message id {message_id!r} is not a numeric id")
        if not msg.get("timestamp"):
            raise ValueError(f"message {message_id} has no timestamp")
        created = parse_iso(msg["timestamp"])
        user = msg["author"]
        # A webhook (a bot with no discriminator: PluralKit, Tupperbox, relays) sends as many
        # names as it likes under its one id, for the people behind them: each name is an
        # author of its own, and no bot.
        persona = user.get("isBot") and str(user.get("discriminator")) in ("0", "0000") and user.get("name")
        author = Author(PLATFORM, f"{user['id']}/{persona}" if persona else str(user["id"]),
                        user.get("name") or None,
                        display_name=user.get("nickname") or None,
                        is_bot=None if persona else user.get("isBot"),
                        avatar_url=user.get("avatarUrl") or None)
        content = msg.get("content") or ""
        text, mentions = self._render(content)
        mentions = [m["name"] for m in msg.get("mentions") or () if m.get("name")] + mentions
        urls = [_trim(u) for u in _URL.findall(content)]
        urls += [e["url"] for e in msg.get("embeds") or () if isinstance(e.get("url"), str)]
        media = [a["url"] for a in msg.get("attachments") or () if a.get("url")]
        media += [s["sourceUrl"] for s in msg.get("stickers") or () if s.get("sourceUrl")]
        # A reply's reference is its parent: typed "Reply" (19), or, as older exports and
        # Discord's own older messages have it, "Default" with a reference into this
        # channel; a crosspost's points at the original in another channel.
        reference = msg.get("reference") if isinstance(msg.get("reference"), dict) else {}
        is_reply = str(msg.get("type")) in ("Reply", "19") or (
            bool(self.channel_id) and str(reference.get("channelId") or "") == self.channel_id)
        reply_to = reference.get("messageId") if is_reply else None
        guild = "@me" if self.guild_id == "0" else self.guild_id
        url = f"https://discord.com/channels/{guild}/{self.channel_id}/{message_id}"
        return Post(
            platform=PLATFORM, native_id=message_id, author=author, created_at=created,
            text=text, text_original=content if content != text else None,
            reply_to_id=make_id(PLATFORM, str(reply_to)) if reply_to else None,
            reply_to_author=self.authors.get(str(reply_to)) if reply_to else None,
            thread_id=self.thread_id, mentions=unique(mentions), urls=unique(urls),
            media=unique(media),
            like_count=sum(int(r.get("count") or 0) for r in msg.get("reactions") or ()),
            url=url if guild and self.channel_id else None,
            channel=self.channel, raw=msg,
        )

    def _render(self, content: str) -> tuple[str, list[str]]:
        """(readable text, handles mentioned by markup) from Discord's ``<...>`` markup."""
        mentions: list[str] = []

        def replace(match: re.Match[str]) -> str:
            groups = match.groupdict()
            if groups["user"]:
                name = self.users.get(groups["user"].lstrip("!"))
                if name:
                    mentions.append(name)
                return f"@{name}" if name else match.group(0)
            if groups["role"]:
                role = self.roles.get(groups["role"])
                return f"@{role}" if role else match.group(0)
            if groups["channel"]:
                channel = self.channels.get(groups["channel"])
                return f"#{channel}" if channel else match.group(0)
            if groups["emoji"]:
                return f":{groups['emoji']}:"
            if groups["time"]:
                return datetime.fromtimestamp(int(groups["time"]), UTC).isoformat()
            if groups["command"]:
                return f"/{groups['command']}"
            return groups["link"]

        text = _MARKUP.sub(replace, content) if "<" in content else content
        return clean_markup(text, "discord"), mentions


def _trim(url: str) -> str:
    """A url found in running text, without the punctuation that ends the sentence."""
    url = url.rstrip(".,;:!?'*~")
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1].rstrip(".,;:!?'")
    return url
