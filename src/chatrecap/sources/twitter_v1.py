"""X/Twitter API v1.1 JSON: an array of tweets, a search response, or one tweet per line.

Takes ``extended_tweet.full_text`` / ``full_text`` over the 140-character ``text``. The
originals inside ``retweeted_status`` and ``quoted_status`` are yielded as referenced
posts, and a retweet carries the original's full text. In an array or search response the
``source_line`` is the 1-based position of the tweet in the document; in one-tweet-per-line
files it is the line number.

The ``data/tweets.js`` of an X account archive ("Download an archive of your data") is
v1.1-like JSON behind a JavaScript prefix (``window.YTD.tweets.part0 = [{"tweet": {...}}]``)
whose tweets carry no ``user``: they are all the archive owner's, named in ``account.js``
beside it (and described in ``profile.js``). Its counts are strings; its retweets are only
their "RT @user: ..." text, without the original.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from chatrecap.errors import EmptyArchive, InputError, RecordError
from chatrecap.models import Author, Post, Superseded
from chatrecap.sources._csv import text_entities
from chatrecap.sources._twitter import (
    PLATFORM,
    edit_versions,
    expand_links,
    parse_iso_or_none,
    parse_v1_date,
    tweet_url,
    v1_entities,
    v1_link_replacements,
    v1_user,
)
from chatrecap.sources.base import (
    RECORD_ERRORS,
    ReadOptions,
    Sample,
    Source,
    check_zip,
    iter_json,
    read_zip_entry,
    unreadable,
)
from chatrecap.text import clean_text

#: ``window.YTD.tweets.part0 = [`` and the like: the start of every data file of an X archive
#: (its manifest.js starts ``window.__THAR_CONFIG =``).
_YTD = re.compile(r"window\.(?:YTD\.(\w+)\.part\d+|__THAR_CONFIG)\s*=\s*")
#: The archive's files of the owner's tweets (``tweet`` in archives before 2020).
_YTD_TWEETS = ("tweets", "tweet")
#: Where the tweets are in the archive's zip (large archives split them into parts).
_ARCHIVE_TWEETS = re.compile(r"(?:^|/)data/tweets?(?:-part\d+)?\.js$")
#: The same in an unpacked archive's folder, or in its data/ folder itself.
_FOLDER_TWEETS = re.compile(r"(?:^|/)tweets?(?:-part\d+)?\.js$")


class TwitterV1Source(Source):
    id = "twitter-v1"
    name = "X API v1.1 JSON"
    reads_zips = True  # an X account archive
    description = (
        "statuses/lookup or search arrays, one v1.1 tweet per line, or an X account archive "
        "(the zip or its unpacked folder, or its data/tweets.js with account.js beside it)."
    )

    def sniff(self, sample: Sample) -> float:
        if sample.encoding == "directory":  # an unpacked X archive, or its data/ folder
            return 0.95 if _folder_parts(sample.path, sample.zip_names or []) else 0.0
        if sample.zip_names is not None:  # the zip of an X archive
            tweets = any(_ARCHIVE_TWEETS.search(n) for n in sample.zip_names)
            return 0.95 if tweets and sample.path.is_file() else 0.0
        text = sample.stripped[:20000]
        ytd = _YTD.match(text)
        if ytd:  # a data file of an X archive: its tweets, or another file said to hold none
            return 0.95 if ytd.group(1) in _YTD_TWEETS else 0.3
        if not text.startswith(("[", "{")):
            return 0.0
        if '"id_str"' in text and '"user"' in text and (
            '"full_text"' in text or '"in_reply_to_status_id' in text or '"retweet_count"' in text
        ):
            return 0.9
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | Superseded | RecordError]:
        head = "" if path.is_dir() else _head(path)
        if path.is_dir() or head.startswith("PK\x03\x04") or _ytd_name(head) is not None:
            for where, tweets, owner in _archive_parts(path, head):
                yield from _read_tweets(where, tweets, owner)
            return
        yield from _read_tweets(str(path), _records(path), None)


def _read_tweets(name: str, records: Iterator[tuple[int, Any]],
                 owner: Author | None) -> Iterator[Post | Superseded | RecordError]:
    """The posts of the tweets; ``owner`` writes every one (an X archive's tweets.js)."""
    cut = 0  # tweets the archive holds only cut short
    for number, tweet in records:
        if isinstance(tweet, RecordError):
            yield tweet
            continue
        try:
            posts = list(tweet_posts(tweet, name, number, author=owner))
        except RECORD_ERRORS as exc:
            yield unreadable(name, number, "a v1.1 tweet", exc)
            continue
        cut += _cut_short(tweet)
        yield from posts
        history = tweet.get("edit_history")  # (v1.1 since 2022: the versions of an edited tweet)
        if isinstance(history, dict):
            yield from edit_versions(history.get("edit_tweet_ids"))
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
        if number is None:  # a document: an array, a search or lookup response, or one tweet
            placed = _looked_up(value) if isinstance(value, dict) else None
            if placed is None:
                value = [value] if isinstance(value, dict) else value
                if not isinstance(value, list):
                    raise InputError(f"{path}: expected a JSON array of tweets.")
                placed = enumerate(value, 1)  # (not a second list of a big array)
            yield from placed
        elif isinstance(value, dict) and (placed := _looked_up(value)) is not None:
            yield from ((number, tweet) for _, tweet in placed)
        else:
            yield number, value


def _looked_up(response: dict[str, Any]) -> Iterable[tuple[int, Any]] | None:
    """(position, tweet) of the tweets of a search response (``statuses``) or of a
    ``statuses/lookup`` with ``map=true`` (``{"id": {"20": tweet, "21": null}}``: an id it
    could not return maps to null, which holds its place but is no record); None for
    anything else."""
    statuses = response.get("statuses")
    if isinstance(statuses, list):
        return enumerate(statuses, 1)
    found = response.get("id")
    if len(response) == 1 and isinstance(found, dict) and found and all(
            isinstance(key, str) and key.isdigit() and (tweet is None or isinstance(tweet, dict))
            for key, tweet in found.items()):
        return [(k, tweet) for k, tweet in enumerate(found.values(), 1) if tweet is not None]
    return None


def _head(path: Path) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read(256).decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc


def _ytd_name(head: str) -> str | None:
    """The name of an X archive's data file from its start (``tweets`` for tweets.js), or None."""
    match = _YTD.match(head)
    return (match.group(1) or "manifest") if match else None


def _ytd_items(data: bytes, where: str) -> list[Any]:
    """The JSON array behind the ``window.YTD.<name>.part0 =`` of an X archive's data file
    (parsed in place: a large archive's tweets.js is hundreds of megabytes)."""
    head = data[:512].decode("utf-8", errors="ignore")
    start = len(head) - len(head.lstrip("\ufeff \t\r\n"))
    match = _YTD.match(head, start)
    if match is None:
        raise InputError(f"{where}: not a data file of an X archive (it does not start with window.YTD.).")
    start = len(head[:match.end()].encode("utf-8"))
    end = len(data)
    while end > start and data[end - 1] in b" \t\r\n;":  # the closing "];" and blanks
        end -= 1
    try:
        items = orjson.loads(memoryview(data)[start:end])
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON after its window.YTD prefix ({exc}).") from exc
    if not isinstance(items, list):
        raise InputError(f"{where}: expected a JSON array after its window.YTD prefix.")
    return items


def _folder_parts(folder: Path, names: list[str]) -> list[Path]:
    """The tweets files of an unpacked X archive given as its folder or as its data/ folder
    (not an archive somewhere deeper inside a folder of exports): those with the account.js
    that names their author beside them."""
    present = set(names)
    return [folder / name for name in names if _FOLDER_TWEETS.search(name)
            and name.rpartition("/")[0] in ("", "data")
            and f"{name.rpartition('/')[0]}/account.js".lstrip("/") in present]


def _archive_parts(path: Path, head: str) -> Iterator[tuple[str, Iterator[tuple[int, Any]], Author]]:
    """(where, tweets, owner) for each tweets file of an X archive: the tweets.js given (its
    first characters are ``head``), or every data/tweets*.js of the archive's zip or folder;
    the owner comes from account.js beside it."""
    if path.is_dir():
        names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*.js"))
        parts = _folder_parts(path, names)
        if not parts:
            raise InputError(f"{path}: no tweets.js with an account.js beside it: "
                             "not the folder of an X archive.")
        for part in parts:
            yield from _archive_parts(part, _head(part))
        return
    if head.startswith("PK\x03\x04"):
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            parts = sorted(n for n in names if _ARCHIVE_TWEETS.search(n))
            # Only these are read: the archive's media (gigabytes, often) are left closed.
            check_zip(zf, path, [n for n in names if n in parts or n.rpartition("/")[2]
                                 in ("account.js", "profile.js")])
            for part in parts:
                folder = part.rpartition("/")[0] + "/"
                where = f"{path}!{part}"

                def entry(name: str, folder: str = folder) -> bytes | None:
                    return read_zip_entry(zf, folder + name, path) if folder + name in names else None

                owner = _archive_owner(entry("account.js"), entry("profile.js"), where)
                yield where, _archive_tweets(_ytd_items(read_zip_entry(zf, part, path), where)), owner
        return
    name = _ytd_name(head)
    if name not in _YTD_TWEETS:
        raise EmptyArchive(f"{path}: this data file of an X archive ({name}) holds no posts; "
                           "they are in its tweets.js.")

    def beside(name: str) -> bytes | None:
        other = path.with_name(name)
        return other.read_bytes() if other.is_file() else None

    owner = _archive_owner(beside("account.js"), beside("profile.js"), str(path))
    yield str(path), _archive_tweets(_ytd_items(_read_bytes(path), str(path))), owner


def _archive_tweets(items: list[Any]) -> Iterator[tuple[int, Any]]:
    """Each tweet of the archive with its position (``{"tweet": {...}}`` since 2020, the tweet
    itself before)."""
    for number, item in enumerate(items, 1):
        yield number, item.get("tweet", item) if isinstance(item, dict) else item


def _archive_owner(account: bytes | None, profile: bytes | None, where: str) -> Author:
    """The archive's owner from account.js (id, handle, name, since) and profile.js (bio)."""
    if account is None:
        raise InputError(f"{where}: the tweets of an X archive do not say who wrote them; its "
                         "account.js does: keep it beside tweets.js, as the archive's data/ folder has it.")
    entries = _ytd_items(account, f"{where} (account.js)")
    owner = entries[0].get("account") if entries and isinstance(entries[0], dict) else None
    if not isinstance(owner, dict) or not owner.get("username"):
        raise InputError(f"{where}: its account.js names no account with a username.")
    about: Any = {}
    if profile is not None:
        try:
            entries = _ytd_items(profile, f"{where} (profile.js)")
            about = (entries[0].get("profile") or {}).get("description") or {}
        except (InputError, AttributeError, IndexError):
            about = {}
    if not isinstance(about, dict):
        about = {}
    created = parse_iso_or_none(owner.get("createdAt"))
    return Author(
        platform=PLATFORM,
        native_id=str(owner["accountId"]) if owner.get("accountId") else None,
        handle=owner["username"],
        display_name=owner.get("accountDisplayName") or None,
        bio=about.get("bio") or None,
        url=about.get("website") or None,
        location=about.get("location") or None,
        created_at=created,
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc


def _count(value: Any) -> int | None:
    """A count as the archive has it: a number, or a string of digits (X archives)."""
    if type(value) is str and value.isdecimal():
        return int(value)
    return value


def tweet_posts(tweet: dict[str, Any], name: str, number: int,
                referenced: bool = False, author: Author | None = None) -> Iterator[Post]:
    """The posts of one v1.1 tweet: embedded originals first (referenced), then the tweet.
    ``author`` is given when the tweet has no ``user`` (an X archive's own tweets)."""
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
    mentions, hashtags, urls, media = v1_entities(entities, extended_entities,
                                                  source.get("id_str") or str(source.get("id")))
    if "entities" not in source and "entities" not in extended:  # a trimmed record: the text says
        mentions, hashtags, urls = text_entities(text)
    if author is None or "user" in tweet:
        author = v1_user(tweet["user"])
    tweet_id = tweet.get("id_str") or str(tweet["id"])
    reply_to = tweet.get("in_reply_to_status_id_str") or (
        str(tweet["in_reply_to_status_id"]) if tweet.get("in_reply_to_status_id") else None)
    # A retweet of a quote carries the original's quote at its top level too: the quote is
    # the original's, not the retweet's (as the v2 API has it).
    quote_of = None if isinstance(original, dict) else tweet.get("quoted_status_id_str") or (
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
        like_count=_count(tweet.get("favorite_count")),
        # (X gives a retweet its original's retweet count: no count of its own)
        repost_count=None if isinstance(original, dict) else _count(tweet.get("retweet_count")),
        reply_count=_count(tweet.get("reply_count")),
        quote_count=_count(tweet.get("quote_count")),
        language=tweet.get("lang"),
        url=tweet_url(author.handle, tweet_id),
        is_referenced=referenced,
        source_file=name,
        source_line=number,
        raw=tweet,
    )


SOURCE = TwitterV1Source()
