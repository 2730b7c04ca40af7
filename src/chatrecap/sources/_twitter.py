"""What the X/Twitter sources share: dates, snowflake ids, v1.1 entities, id checks."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from chatrecap.models import Author, Superseded
from chatrecap.store import iso

PLATFORM = "twitter"
TWITTER_EPOCH_MS = 1288834974657
#: Ids at or above this carry their own timestamp (snowflakes began in November 2010).
FIRST_SNOWFLAKE = 29_700_859_247
_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_STATUS_URL = re.compile(r"(?:twitter|x)\.com/(?:#!/)?(\w+)/status(?:es)?/(\d+)", re.I)
_SCIENTIFIC = re.compile(r"^\s*\d+(?:\.\d+)?[eE]\+?\d+\s*$")


def parse_v1_date(value: str) -> datetime:
    """'Wed Feb 05 18:21:36 +0000 2020' -> aware UTC datetime (fast path, no strptime)."""
    parts = value.split()
    if len(parts) == 6 and parts[4] == "+0000":
        hh, mm, ss = parts[3].split(":")
        return datetime(int(parts[5]), _MONTHS[parts[1]], int(parts[2]),
                        int(hh), int(mm), int(ss), tzinfo=UTC)
    return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)


def parse_iso(value: str) -> datetime:
    """ISO 8601 with Z or an offset -> aware UTC datetime. Naive input raises ValueError."""
    dt = datetime.fromisoformat(value)
    if dt.tzinfo is UTC:
        return dt
    if dt.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no time zone")
    return dt.astimezone(UTC)


def storage_time(value: str) -> str:
    """``iso(parse_iso(value))``, the store's form of an ISO 8601 time: the X API v2's own
    form ("2021-05-18T19:33:07.000Z"), once checked, is rewritten as text, which saves
    building and formatting a datetime for every tweet of an import."""
    checked = datetime.fromisoformat(value)  # refuses a malformed time, as parse_iso does
    if (len(value) == 24 and value[23] == "Z" and value[19] == "." and value[10] == "T"
            and value[4] == value[7] == "-" and value[13] == value[16] == ":"):
        return f"{value[:19]}.{value[20:23]}000+00:00"
    if checked.tzinfo is None:
        raise ValueError(f"timestamp {value!r} has no time zone")
    return iso(checked.astimezone(UTC))


def parse_iso_or_none(value: Any) -> datetime | None:
    """An optional ISO 8601 time of a profile or an archive: None when absent or unusable."""
    try:
        return parse_iso(value) if value else None
    except (TypeError, ValueError):
        return None


def snowflake_time(tweet_id: str | int) -> datetime | None:
    """The UTC creation time a tweet id encodes, or None for pre-2010 ids."""
    try:
        value = int(tweet_id)
    except (TypeError, ValueError):
        return None
    if value < FIRST_SNOWFLAKE:
        return None
    return datetime.fromtimestamp(((value >> 22) + TWITTER_EPOCH_MS) / 1000, tz=UTC)


def check_id(value: Any, what: str = "id") -> str:
    """A tweet/user id as a digit string; spreadsheet-mangled ids ('1.26426E+18') raise."""
    text = str(value).strip()
    if text.isdigit():
        return text
    if _SCIENTIFIC.match(text):
        raise ValueError(
            f"{what} {text!r} was turned into a rounded number by a spreadsheet and lost its "
            "digits; export the sheet with the id column formatted as text"
        )
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    raise ValueError(f"{what} {text!r} is not a numeric id")


def status_url_parts(url: str | None) -> tuple[str, str] | None:
    """(handle, tweet id) from a twitter.com / x.com status URL."""
    if not url:
        return None
    match = _STATUS_URL.search(url)
    return (match.group(1), match.group(2)) if match else None


def is_media_link(expanded_url: str | None, media_key: str | None = None) -> bool:
    """Whether a t.co link stands for attached media (a photo or video page)."""
    expanded = expanded_url or ""
    return bool(media_key) or "/photo/" in expanded or "/video/" in expanded


def as_written(link: str) -> str:
    """A link's address as X writes a tweet's text: "&", "<" and ">" escaped. Put in the
    text so, the text's decoding gives the address back as it is ("?a=1&copy=2", not
    "?a=1©=2")."""
    return html.escape(link, quote=False)


def expand_links(text: str, replacements: Iterable[tuple[str | None, str]]) -> str:
    """Replace t.co links by what they stand for (``(short, long)`` pairs; ``long`` is ""
    for attached media, which the media list keeps), so quoted text reads as written. The
    text is as X writes it, escaped: so is each address put in (``as_written``)."""
    if "t.co/" not in text:
        return text
    for short, long in replacements:
        if short and short in text:
            text = text.replace(short, as_written(long))
    return text.strip()


def v1_link_replacements(entities: dict[str, Any], media: Any) -> list[tuple[str | None, str]]:
    pairs = [(u.get("url"), "" if is_media_link(u.get("expanded_url"))
              else u.get("expanded_url") or u.get("url") or "")
             for u in entities.get("urls") or ()]
    return pairs + [(m.get("url"), "") for m in media or ()]


def tweet_url(handle: str | None, tweet_id: str) -> str:
    return f"https://twitter.com/{handle or 'i/web'}/status/{tweet_id}"


def is_self_link(url: str | None, tweet_id: str | None) -> bool:
    """A tweet's link to itself, which X adds to a tweet cut short or edited: not a link
    its author shared."""
    if not url or not tweet_id or tweet_id not in url:
        return False
    return url.rstrip("/").endswith(f"/status/{tweet_id}")


def v1_entities(entities: dict[str, Any] | None, extended: dict[str, Any] | None = None,
                own_id: str | None = None) -> tuple[list[str], list[str], list[str], list[str]]:
    """(mentions, hashtags, urls, media) from v1.1 ``entities``/``extended_entities``; a link
    to the tweet ``own_id`` itself is none of its urls."""
    if not entities:
        entities = {}
    mentions = [m["screen_name"] for m in entities.get("user_mentions") or () if m.get("screen_name")]
    hashtags = [h["text"] for h in entities.get("hashtags") or () if h.get("text")]
    urls = [u.get("expanded_url") or u.get("url") for u in entities.get("urls") or ()
            if (u.get("expanded_url") or u.get("url")) and not is_media_link(u.get("expanded_url"))
            and not is_self_link(u.get("expanded_url"), own_id)]
    media_items = (extended or {}).get("media") or entities.get("media") or ()
    media = [m.get("media_url_https") or m.get("media_url") or m.get("expanded_url")
             for m in media_items if m.get("media_url_https") or m.get("media_url") or m.get("expanded_url")]
    return unique(mentions), unique(hashtags), unique(urls), unique(media)


def expand_bio(text: str | None, links: Iterable[tuple[str | None, str | None]]) -> str | None:
    """A bio with its t.co links written out, as X shows it (``(short, expanded)`` pairs from
    the user's ``entities.description``). A bio is not escaped, as a tweet's text is."""
    if not text or "t.co/" not in text:
        return text
    for short, long in links:
        if short and long and short in text:
            text = text.replace(short, long)
    return text


def v1_user(user: dict[str, Any]) -> Author:
    created = user.get("created_at")
    about = ((user.get("entities") or {}).get("description") or {}).get("urls") or ()
    return Author(
        platform=PLATFORM,
        native_id=user.get("id_str") or (str(user["id"]) if user.get("id") is not None else None),
        handle=user.get("screen_name"),
        display_name=user.get("name"),
        bio=expand_bio(user.get("description"), ((u.get("url"), u.get("expanded_url")) for u in about
                                                 if isinstance(u, dict))) or None,
        followers=user.get("followers_count"),
        following=user.get("friends_count"),
        verified=user.get("verified"),
        url=_user_url(user),
        location=user.get("location") or None,
        created_at=parse_v1_date(created) if created else None,
        avatar_url=user.get("profile_image_url_https") or user.get("profile_image_url"),
    )


def _user_url(user: dict[str, Any]) -> str | None:
    for item in ((user.get("entities") or {}).get("url") or {}).get("urls") or ():
        if item.get("expanded_url"):
            return item["expanded_url"]
    return user.get("url") or None


def unique(items: list[str]) -> list[str]:
    """Order-preserving de-duplication, case-insensitive (handles and tags are)."""
    if len(items) < 2:
        return items
    seen: set[str] = set()
    out = []
    for item in items:
        key = item.lower()
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def edit_versions(history: Any) -> Iterator[Superseded]:
    """Each version of an edited tweet replaced by each later one, from the chain of ids X
    lists oldest first (``edit_history_tweet_ids``; v1.1's ``edit_history.edit_tweet_ids``):
    whichever versions an archive holds, the newest is known. Nothing for a tweet never
    edited (one id)."""
    if not isinstance(history, list) or len(history) < 2:
        return
    chain = list(dict.fromkeys(str(native) for native in history
                               if isinstance(native, str | int) and str(native).isdigit()))
    for k, earlier in enumerate(chain):
        for later in chain[k + 1:]:
            yield Superseded(f"{PLATFORM}:{earlier}", f"{PLATFORM}:{later}")
