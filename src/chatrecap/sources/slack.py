"""Slack workspace export, as the .zip Slack hands out or the folder it unpacks to.

The export holds ``users.json``, the conversation lists ``channels.json`` (public),
``groups.json`` (private), ``mpims.json`` (group DMs) and ``dms.json``, and one folder per
conversation (its name; a DM's id) with a ``YYYY-MM-DD.json`` day file per day, each a JSON
array of messages. Folders with day files that no list names are read too, and so is a copy
that kept only some channels' folders (with or without ``users.json``), or one channel's folder
alone (the channel it is named after): its day files, seen to hold Slack messages, say what it is.

Mapping choices:

* ``native_id`` is ``<channel id>/<ts>``: a message's ``ts`` is unique only per channel.
* ``source_file`` is ``<archive>!<folder>/<day>.json`` (for a folder, the day file's path);
  ``source_line`` is the 1-based position of the message in that day file.
* System messages are left out, counted by subtype in one note: the subtypes in
  :data:`SYSTEM_SUBTYPES` (joins/leaves, topic, purpose and name changes, integrations added
  or removed, pins, deleted-message placeholders). ``file_comment`` is kept (a person wrote it).
* Markup: ``<@U1>`` becomes ``@handle`` (from users.json) and goes to ``mentions``;
  ``<#C1|general>`` becomes ``#general`` and is not a hashtag (Slack has none, so
  ``hashtags`` stays empty); ``<!here>`` becomes ``@here``, ``<!subteam^S1|@team>`` ``@team``;
  ``<url|label>`` becomes ``label (url)``, or just ``label`` when the label is the url itself
  (with or without its scheme); ``<url>`` becomes the url. Every http(s) link goes to ``urls``.
  Emoji codes become their emoji (":tada:" 🎉, ":+1::skin-tone-3:" 👍🏼; Slack stores every
  emoji as its code), but in code and links and a workspace's own (":partyparrot:"); the marks
  of ``*bold*``, ``_italic_``, ``~strike~`` and code are taken out of the clean text
  (``text.clean_markup``). ``text_original`` keeps the message as Slack wrote it.
* Attachments (link previews, integration cards) add nothing to a message that has text;
  a message that is only a card (integration bots) takes its text from the cards'
  ``pretext``/``title``/``text``, or their ``fallback``, so it still reads as something.
  Their ``title_link``/``from_url`` go to ``urls``.
  Uploaded files' ``url_private`` and ``permalink`` go to ``media``, without the access
  token exports put in them (``?t=xoxe-...``).
* Bot messages (no ``user``) are by ``bot_id``, handle ``username``, the bot profile's name,
  or the integration name the bot's ``bot_add`` message shows earlier in the export; so is
  an app's message whose ``user`` the export does not list (a person may have used the app).
* Threads: a reply (``thread_ts`` != ``ts``) has ``reply_to_id`` = ``thread_id`` = its
  parent; a parent with replies has ``thread_id`` = its own id.
* ``like_count`` is the sum of the reaction counts (an export lists every reaction, so none
  means 0); ``reply_count`` is Slack's own field (None in exports from before threads).
* ``url`` is None: a permalink needs the workspace domain, which the export lacks.
"""

from __future__ import annotations

import html
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson

from chatrecap.errors import InputError, RecordError, ZipLimitError
from chatrecap.models import Author, Post, make_id
from chatrecap.sources._twitter import unique
from chatrecap.sources.base import (
    ReadOptions,
    Sample,
    Source,
    check_zip,
    read_zip_entry,
    system_note,
    unreadable,
)
from chatrecap.text import clean_markup

PLATFORM = "slack"
LISTS = ("channels.json", "groups.json", "mpims.json", "dms.json")
SYSTEM_SUBTYPES = frozenset({
    "channel_join", "channel_leave", "channel_topic", "channel_purpose", "channel_name",
    "channel_archive", "channel_unarchive", "channel_convert_to_private",
    "channel_convert_to_public", "group_join", "group_leave", "group_topic", "group_purpose",
    "group_name", "group_archive", "group_unarchive", "bot_add", "bot_remove", "bot_enable",
    "bot_disable", "pinned_item", "unpinned_item", "sh_room_created", "tombstone",
    "message_changed", "message_deleted", "message_replied", "reminder_add",
})
_DAY = re.compile(r"^([^/]+)/(\d{4}-\d{2}-\d{2})\.json$")
_DAY_ALONE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_DAY_ANYWHERE = re.compile(r"(?:^|/)[^/]+/\d{4}-\d{2}-\d{2}\.json$")
_PEEK_BYTES = 4096
_MARKUP = re.compile(r"<([^<>\n]+)>")
_LABEL = re.compile(r"<[^<>|]+\|([^<>]+)>")


class SlackSource(Source):
    id = "slack"
    name = "Slack workspace export"
    description = "The workspace export .zip, or the folder it unpacks to."
    reads_folders = True
    reads_zips = True

    def sniff(self, sample: Sample) -> float:
        try:
            names = _relative(sample.zip_names or [])
        except (TypeError, AttributeError):
            return 0.0
        listed = any(n in LISTS for n in names)
        days = [n for n in names if _DAY.match(n)]
        users = "users.json" in names
        if listed and days:
            return 0.95 if users else 0.8
        if listed and users:
            return 0.5
        # A copy without the conversation lists (only some channels' folders were kept):
        # day files that hold Slack messages say it.
        if days and _holds_messages(sample.path, _prefix(sample.zip_names or []) + days[0]):
            return 0.8 if users else 0.6
        # One channel's folder (or its zip) alone: its day files, holding Slack messages
        # (less sure than an export: a folder holding several is theirs, not one channel).
        alone = [n for n in names if _DAY_ALONE.match(n)]
        if alone and not days and _holds_messages(sample.path, alone[0]):
            return 0.3
        return 0.0

    def part_of(self, sample: Sample) -> str | None:
        if sample.zip_names is None and _DAY_ALONE.match(sample.path.name) and _holds_messages(
                sample.path.parent, sample.path.name):
            return ("this is one day of a Slack channel: import the folder that holds it, or the "
                    "whole export (its zip or folder), so that users and threads are read with it.")
        return None

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | RecordError]:
        export = _Export(path)
        try:
            yield from _read_export(export)
        finally:
            export.close()


SOURCE = SlackSource()


def _relative(names: list[str]) -> list[str]:
    """Entry names below the folder holding the lists (exports zipped one level deep)."""
    prefix = _prefix(names)
    return [n[len(prefix):] for n in names if n.startswith(prefix)]


def _prefix(names: list[str]) -> str:
    tops = [n.rpartition("/")[0] for n in names if n.rpartition("/")[2] in (*LISTS, "users.json")]
    if not tops:  # no lists: the folder above the channels' folders
        tops = [n.rsplit("/", 2)[0] if n.count("/") >= 2 else "" for n in names if _DAY_ANYWHERE.search(n)]
    top = min(tops, key=len, default="")
    return f"{top}/" if top else ""


def _holds_messages(path: Path, name: str) -> bool:
    """Whether a day file of a zip or folder starts as a JSON array of Slack messages."""
    try:
        if path.is_dir():
            with open(path / name, "rb") as fh:
                head = fh.read(_PEEK_BYTES)
        else:
            with zipfile.ZipFile(path) as zf, zf.open(name) as fh:
                head = fh.read(_PEEK_BYTES)
    except (OSError, KeyError, zipfile.BadZipFile, EOFError, ValueError, zlib.error):
        return False
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"[") and b'"ts"' in head and (b'"type"' in head or b'"user"' in head)


class _Export:
    """The files of a zip or a folder, read the same way."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.is_dir():
            names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
        else:
            try:
                with open(path, "rb") as fh:
                    head = fh.read(2)
            except OSError as exc:
                raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
            if head != b"PK":
                raise InputError(f"{path}: a Slack export is read from its zip or its folder, "
                                 "and this is neither; for a channel's day files, import "
                                 "the folder that holds them.")
            try:
                self.zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise InputError(
                    f"{path}: the zip archive is truncated or corrupt ({exc})."
                ) from exc
            check_zip(self.zip, path)
            names = self.zip.namelist()
        self.prefix = _prefix(names)
        self.names = _relative(names)

    def where(self, name: str) -> str:
        if self.zip is None:
            return str(self.path / self.prefix / name)
        return f"{self.path}!{self.prefix}{name}"

    def load(self, name: str) -> Any:
        if self.zip is None:
            data = (self.path / self.prefix / name).read_bytes()
        else:
            data = read_zip_entry(self.zip, self.prefix + name, self.path)
        return orjson.loads(data.removeprefix(b"\xef\xbb\xbf"))

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _read_list(export: _Export, name: str, errors: list[RecordError]) -> list[dict[str, Any]]:
    if name not in export.names:
        return []
    try:
        items = export.load(name)
        if not isinstance(items, list):
            raise ValueError("it is not a JSON array")
    except (ValueError, OSError) as exc:
        errors.append(RecordError(export.where(name), None, f"cannot be read ({exc}); ignored"))
        return []
    return [item for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)]


def _read_export(export: _Export) -> Iterator[Post | RecordError]:
    errors: list[RecordError] = []
    users = {u["id"]: u for u in _read_list(export, "users.json", errors)}
    folders: dict[str, tuple[str, str]] = {}  # folder -> (channel id, channel name)
    for list_name in LISTS:
        for conv in _read_list(export, list_name, errors):
            folder = str(conv["id"] if list_name == "dms.json" else conv.get("name") or conv["id"])
            folders.setdefault(folder, (conv["id"], folder))
    channel_names = {cid: name for cid, name in folders.values()}
    bots: dict[str, str] = {}
    days: dict[str, list[str]] = {}
    for name in export.names:
        if match := _DAY.match(name):
            days.setdefault(match.group(1), []).append(name)
    alone = [n for n in export.names if _DAY_ALONE.match(n)]
    if not days and not folders and alone:  # one channel's folder given alone: the channel it is named after
        days = {export.path.resolve().name: alone}
    yield from errors
    system: Counter[str] = Counter()  # system messages left out, by subtype
    for folder in [*(f for f in folders if f in days), *sorted(set(days) - set(folders))]:
        channel_id, channel = folders.get(folder, (folder, folder))
        parents: dict[str, str | None] = {}  # ts -> author handle, for reply_to_author
        for name in sorted(days[folder]):
            where = export.where(name)
            try:
                messages = export.load(name)
                if not isinstance(messages, list):
                    raise ValueError("it is not a JSON array of messages")
            except ZipLimitError:
                raise  # (a zip bomb is refused whole)
            except (ValueError, OSError, InputError) as exc:
                # (a damaged day of a zip loses that day, not the channels and days around it)
                reason = str(exc).removeprefix(f"{where}: ").rstrip(".")
                yield RecordError(where, None, f"this day file cannot be read ({reason}); skipped")
                continue
            for index, msg in enumerate(messages, 1):
                try:
                    post = _post(msg, channel_id, channel, users, channel_names, parents, bots)
                except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
                    yield unreadable(where, index, "a Slack message", exc)
                    continue
                if post is not None:
                    post.source_file, post.source_line = where, index
                    yield post
                else:
                    system[str(msg.get("subtype"))] += 1
    if note := system_note(str(export.path), system):
        yield note


def _post(msg: dict[str, Any], channel_id: str, channel: str, users: dict[str, Any],
          channel_names: dict[str, str], parents: dict[str, str | None],
          bots: dict[str, str]) -> Post | None:
    """One message as a Post, or None for a system message.

    ``parents`` maps the channel's ts to author handles (for ``reply_to_author``); ``bots``
    maps bot ids to the integration names their ``bot_add`` messages show.
    """
    if not isinstance(msg, dict):
        raise TypeError("the entry is not a JSON object")
    subtype = msg.get("subtype")
    if subtype in SYSTEM_SUBTYPES:
        link = _LABEL.search(str(msg.get("text"))) if subtype == "bot_add" else None
        if link and msg.get("bot_id"):  # "added an integration to this channel: <url|github>"
            bots[str(msg["bot_id"])] = link.group(1)
        return None
    ts = str(msg["ts"])
    created = _ts_time(ts)
    user_id = msg.get("user") or (msg.get("comment") or {}).get("user")
    if user_id and msg.get("bot_id") and user_id not in users and not msg.get("user_profile"):
        # An app's message by a user the export does not list: the app's (a person may
        # have used it, as /giphy: their own posts are not given its name)
        author = _bot_author(msg, bots)
    elif user_id:
        author = _user_author(user_id, users, msg)
    elif msg.get("bot_id"):
        author = _bot_author(msg, bots)
    elif msg.get("username"):
        author = Author(PLATFORM, None, msg["username"])
    else:
        raise ValueError("it has no user or bot")
    parents[ts] = author.handle
    raw_text = msg.get("text") or _card_text(msg.get("attachments"))
    text, mentions, urls = _render(raw_text, users, channel_names)
    if str(subtype).startswith("file_"):  # "<@U1> uploaded a file" names its own author
        mentions = [m for m in mentions if m not in (author.handle, author.native_id)]  # (an id unnamed)
    for att in msg.get("attachments") or ():
        urls += [att[k] for k in ("title_link", "from_url") if isinstance(att.get(k), str)]
    files = list(msg.get("files") or ())
    if isinstance(msg.get("file"), dict):  # exports before 2019 have one ``file``
        files.append(msg["file"])
    media = [_without_token(f[k]) for f in files for k in ("url_private", "permalink")
             if isinstance(f, dict) and isinstance(f.get(k), str)]
    own_id = make_id(PLATFORM, f"{channel_id}/{ts}")
    thread_ts = msg.get("thread_ts")
    reply_to = thread_id = reply_to_author = None
    if thread_ts and str(thread_ts) != ts:
        reply_to = thread_id = make_id(PLATFORM, f"{channel_id}/{thread_ts}")
        reply_to_author = parents.get(str(thread_ts)) or _handle(msg.get("parent_user_id"), users)
    elif thread_ts or msg.get("reply_count") or msg.get("replies"):
        thread_id = own_id
    return Post(
        platform=PLATFORM, native_id=f"{channel_id}/{ts}", author=author, created_at=created,
        text=text, text_original=raw_text if raw_text != text else None,
        reply_to_id=reply_to, reply_to_author=reply_to_author, thread_id=thread_id,
        mentions=unique(mentions), urls=unique(urls), media=unique(media),
        like_count=sum(int(r.get("count") or 0) for r in msg.get("reactions") or ()),
        reply_count=msg.get("reply_count"), channel=channel, raw=msg,
    )


_TOKEN_PARAMETERS = frozenset({"t", "token"})


def _without_token(url: str) -> str:
    """Exports put an access token in file links (``?t=xoxe-...``, a canvas's
    ``?token=xoxe-...``); never pass it on."""
    parts = urlsplit(url)
    if "t=" not in parts.query and "token=" not in parts.query:
        return url
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in _TOKEN_PARAMETERS])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def _card_text(attachments: Any) -> str:
    """Readable text of attachment cards, for messages that have no text of their own."""
    parts: list[str] = []
    for att in attachments or ():
        if not isinstance(att, dict):
            continue
        own = [str(att[k]) for k in ("pretext", "title", "text") if att.get(k)]
        parts.extend(own or ([str(att["fallback"])] if att.get("fallback") else []))
    return "\n".join(parts)


def _ts_time(ts: str) -> datetime:
    """Slack ts ("1452837352.000006", epoch seconds) -> aware UTC datetime."""
    seconds, _, fraction = ts.partition(".")
    if not seconds.isdigit() or not (fraction.isdigit() or not fraction):
        raise ValueError(f"timestamp {ts!r} is not a Slack ts")
    micro = int((fraction + "000000")[:6])
    return datetime.fromtimestamp(int(seconds), UTC).replace(microsecond=micro)


def _handle(user_id: str | None, users: dict[str, Any]) -> str | None:
    if not user_id:
        return None
    if user_id in users:
        return users[user_id].get("name") or None
    return "slackbot" if user_id == "USLACKBOT" else None


def _user_author(user_id: str, users: dict[str, Any], msg: dict[str, Any]) -> Author:
    user = users.get(user_id)
    if user is None:  # newer exports embed a short profile in each message
        embedded = msg.get("user_profile") or {}
        return Author(PLATFORM, user_id, embedded.get("name") or _handle(user_id, users),
                      display_name=embedded.get("real_name") or None,
                      avatar_url=embedded.get("image_72") or None,
                      is_bot=True if user_id == "USLACKBOT" else None)
    profile = user.get("profile") or {}
    return Author(
        platform=PLATFORM, native_id=user_id, handle=user.get("name") or None,
        display_name=profile.get("real_name") or user.get("real_name")
        or profile.get("display_name") or None,
        bio=profile.get("title") or None,
        avatar_url=profile.get("image_192") or profile.get("image_72") or None,
        is_bot=user.get("is_bot"),
    )


def _bot_author(msg: dict[str, Any], bots: dict[str, str]) -> Author:
    profile = msg.get("bot_profile") or {}
    icons = msg.get("icons") or profile.get("icons") or {}
    handle = msg.get("username") or profile.get("name") or bots.get(msg["bot_id"])
    return Author(PLATFORM, msg["bot_id"], handle or None,
                  display_name=profile.get("name") or None, is_bot=True,
                  avatar_url=icons.get("image_72") or icons.get("image_48") or None)


def _render(text: str, users: dict[str, Any],
            channels: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """(readable text, mentioned handles, link urls) from Slack's ``<...>`` markup."""
    mentions: list[str] = []
    urls: list[str] = []

    def replace(match: re.Match[str]) -> str:
        target, _, label = match.group(1).partition("|")
        if target.startswith("@"):
            handle = _handle(target[1:], users) or label.lstrip("@") or target[1:]
            mentions.append(handle)
            return f"@{handle}"
        if target.startswith("#"):
            return f"#{label or channels.get(target[1:]) or target[1:]}"
        if target.startswith("!"):
            special, _, team = target[1:].partition("^")
            if special == "subteam":
                return f"@{label.lstrip('@') or team}"
            if special in ("here", "channel", "everyone"):
                return f"@{special}"
            return label or special  # <!date^...|fallback> and the like
        url = html.unescape(target)
        scheme, colon, rest = url.partition(":")
        if scheme.lower() in ("http", "https"):
            urls.append(url)
            bare = rest.removeprefix("//")
            if not label or label in (url, target, bare, bare.rstrip("/")):
                return label or target
            return f"{label} ({target})"
        return label or (rest if colon else target)  # mailto:, tel: and the like

    text = _MARKUP.sub(replace, text) if "<" in text else text
    return clean_markup(text, "slack"), mentions, urls
