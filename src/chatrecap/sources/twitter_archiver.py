"""Twitter Archiver (Google Sheets add-on) CSV.

Line 1 is usually the add-on's query line (``,Twitter Query: #PSTweetChat ...``), line 2 the
header (Date, Screen Name, Full Name, Tweet Text, Tweet ID, Link(s), Media, Location, ...);
files that start with the header are read too. The query's first hashtag becomes
``Post.channel`` (``#PSTweetChat``) so the importer can suggest it as the chat name.

Time zones. ``Date`` (``12/3/2021 16:19:02``) is a local time in the sheet owner's zone,
without the zone. Every tweet id since November 2010 encodes its UTC creation time to the
millisecond, so ``created_at`` is always the time from the id when there is one:

* with ``--tz``: each Date is localised with the zone (zoneinfo; the repeated hour of a DST
  change is read as its first occurrence and a skipped hour with the offset before the
  change, i.e. fold=0) and compared with the id's time. When they differ by more than 90
  seconds the id's time is used, and one warning at the end of the file (a RecordError with
  line None and ``skipped=False``) says on how many rows and by how much ``--tz`` disagreed,
  so a wrong zone is noticed.
  Rows whose id carries no time (before November 2010) use the localised Date.
* without ``--tz``: a row whose id carries no time cannot be placed in time; it is skipped
  with a RecordError asking for ``--tz``.
* a sheet kept in a day-first locale writes ``3/12/2021`` for 3 December: a Date days away
  from its id's time, which the day and month swapped would match, is read so (and a Date
  such as ``13/12/2021`` that only reads day first), and the end-of-file note says so.

What the export does not carry: no reply ids (replies show only as leading @handles, so
``reply_to_author`` is inferred from a leading @handle and ``reply_to_id`` stays None), and
no user id (the author is known by handle: ``Author.id`` is the placeholder
``twitter:@handle``). Mentions, hashtags and links are read from the text, plus the
``Link(s)`` column (several links split by spaces, newlines or commas) into ``urls`` and the
``Media`` column into ``media``. ``User Since`` is a date without a zone: UTC midnight.
``Profile Image`` is usually the word ``View`` (a sheet hyperlink whose URL the CSV lost):
only a URL becomes ``avatar_url``. The header has two ``Location`` columns: the first is the
tweet's place (empty in practice), the second, beside ``User Since`` and ``Bio``, is the
profile location and becomes ``Author.location``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Author, Post
from chatrecap.sources._csv import (
    Columns,
    file_delimiter,
    header_names,
    iter_rows,
    leading_handle,
    no_zone,
    parse_timestamp,
    sample_delimiter,
    sample_rows,
    split_links,
    text_entities,
    to_bool,
    to_int,
    to_utc,
    tweet_id_cell,
)
from chatrecap.sources._twitter import PLATFORM, snowflake_time, status_url_parts, tweet_url, unique
from chatrecap.sources.base import ReadOptions, Sample, Source
from chatrecap.text import clean_text

REQUIRED = ("Date", "Screen Name", "Tweet Text", "Tweet ID")
QUERY = "Twitter Query:"
TOLERANCE_SECONDS = 90
#: A Date further than this from its id's time is a wrong day, not a zone (zones span 26 hours).
ZONE_SPAN_SECONDS = 26 * 3600
_QUERY_TAG = re.compile(r"[#\uff03](\w+)")
# "comment RT @ann: ...", or glued to a last tag ("#chatRT @ann: ..."): a quote (not a retweet)
_QUOTE_RT = re.compile(r"(?:(?<=\S)\s+|(?<=[a-z0-9_]))RT @(\w+):")


class TwitterArchiverSource(Source):
    id = "twitter-archiver"
    name = "Twitter Archiver (Google Sheets add-on) CSV"
    description = (
        "Sheet of the Twitter Archiver add-on saved as CSV or .xlsx; Date is local time: the tweet ids "
        "settle it, --tz is needed only for tweets from before November 2010."
    )

    def sniff(self, sample: Sample) -> float:
        rows = sample_rows(sample, 2, sample_delimiter(sample))
        if not rows:
            return 0.0
        if any(value.strip().startswith(QUERY) for value in rows[0][:3]):
            return 0.95
        if {name.lower() for name in REQUIRED} <= header_names(rows[0]):
            return 0.9
        return 0.0

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | RecordError]:
        name = str(path)
        columns: Columns | None = None
        channel: str | None = None
        check = _ZoneCheck(options.tz)
        for item in iter_rows(path, file_delimiter(path)):
            if isinstance(item, RecordError):
                yield item
                continue
            line, row = item
            if columns is None:
                query = next((v for v in row[:3] if v.strip().startswith(QUERY)), None)
                if query is not None:
                    tag = _QUERY_TAG.search(query)
                    channel = "#" + tag.group(1) if tag else None
                    continue
                columns = _header(path, row)
                continue
            try:
                yield from _row(name, line, columns, row, channel, check)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError,
                    OverflowError) as exc:
                yield RecordError(name, line, f"the row could not be read ({exc}); skipped")
        if check.differences:
            yield RecordError(name, None, check.summary(), kind="time zone", skipped=False)
        elif check.offsets:
            yield RecordError(name, None, check.offsets_note(), kind="time zone", skipped=False)
        elif check.day_first:
            yield RecordError(name, None, check.order_note(), kind="date order", skipped=False)
        if check.day_only:
            rows = f"{check.day_only:,} row{'' if check.day_only == 1 else 's'}"
            yield RecordError(name, None, f"Date gives the day only on {rows}: their times are "
                              "the ones their tweet ids encode", kind="day only", skipped=False)


def _header(path: Path, row: list[str]) -> Columns:
    columns = Columns(row)
    missing = columns.missing(REQUIRED)
    if missing:
        raise InputError(
            f"{path}: this is not a Twitter Archiver sheet; its header lacks the column(s) "
            f"{', '.join(missing)}."
        )
    return columns


class _ZoneCheck:
    """Compares the --tz reading of Date with the id's time, row by row."""

    def __init__(self, tz: ZoneInfo | None) -> None:
        self.tz = tz
        self.differences: list[float] = []
        self.offsets: Counter[int] = Counter()  # without --tz: Date minus id time, seconds
        self.day_first = 0  # rows whose Date is day/month/year, as their ids show
        self.day_only = 0  # rows whose Date gives the day alone (their ids give the time)

    def created(self, local: datetime | None, snowflake: datetime | None,
                day_only: bool = False) -> datetime | None:
        if day_only and snowflake is not None:  # (a day is no time to check a zone by)
            self.day_only += 1
            return snowflake
        if local is not None and snowflake is not None and local.tzinfo is None:
            local = self._ordered(local, snowflake)
        placed = to_utc(local, self.tz) if local is not None else None
        if snowflake is None:
            return placed
        if placed is not None and self.tz is not None and local.tzinfo is None:
            difference = (placed - snowflake).total_seconds()
            if abs(difference) > TOLERANCE_SECONDS:
                self.differences.append(difference)
        elif self.tz is None and local is not None and local.tzinfo is None:
            offset = (local.replace(tzinfo=UTC) - snowflake).total_seconds()
            self.offsets[round(offset / 900) * 900] += 1
        return snowflake

    def _ordered(self, local: datetime, snowflake: datetime) -> datetime:
        """The Date as the sheet meant it: a sheet in a day-first locale writes 3/12/2021 for
        3 December, which reads as 12 March, days from the time its id encodes."""
        if abs((local.replace(tzinfo=UTC) - snowflake).total_seconds()) <= ZONE_SPAN_SECONDS:
            return local
        if local.day <= 12:
            swapped = local.replace(month=local.day, day=local.month)
            if abs((swapped.replace(tzinfo=UTC) - snowflake).total_seconds()) <= ZONE_SPAN_SECONDS:
                self.day_first += 1
                return swapped
        return local

    def day_first_date(self, date: str) -> datetime | None:
        """A Date that only reads day first (13/12/2021), so read; None if it does not."""
        try:
            local = parse_timestamp(date, day_first=True)
        except ValueError:
            return None
        self.day_first += 1
        return local

    def offsets_note(self) -> str:
        """Without --tz: what the ids say the sheet's zone was, so a person can check."""
        shown = ", ".join(f"UTC{_utc_offset(seconds)} on {rows:,} row{'' if rows == 1 else 's'}"
                          for seconds, rows in sorted(self.offsets.items()))
        return ("Date has no time zone; the exact times the tweet ids encode were used. "
                f"{self.order_note(' ')}Date reads as {shown} (pass --tz to check it against a zone)")

    def order_note(self, then: str = "") -> str:
        """That the sheet writes the day first, if it does ("" if not), and ``then``."""
        if not self.day_first:
            return ""
        return (f"Date writes the day before the month (3/12/2021 for 3 December) on {self.day_first:,} "
                f"row{'' if self.day_first == 1 else 's'}, as their ids show.{then}")

    def summary(self) -> str:
        low = _duration(min(abs(d) for d in self.differences))
        high = _duration(max(abs(d) for d in self.differences))
        span = f"{low[0]:g} {low[1]}" if low == high else (
            f"{low[0]:g} to {high[0]:g} {high[1]}" if low[1] == high[1]
            else f"{low[0]:g} {low[1]} to {high[0]:g} {high[1]}"
        )
        zone = getattr(self.tz, "key", str(self.tz))
        return (
            f"--tz {zone} disagrees with the tweet ids by {span} on "
            f"{len(self.differences):,} row{'' if len(self.differences) == 1 else 's'}; "
            "the times from the ids were used" + (f". {self.order_note()}" if self.day_first else "")
        )


def _utc_offset(seconds: int) -> str:
    sign = "+" if seconds >= 0 else "-"
    hours, rest = divmod(abs(seconds), 3600)
    return f"{sign}{hours}" + (f":{rest // 60:02d}" if rest else "")


def _duration(seconds: float) -> tuple[float, str]:
    """(amount, unit) in quarter hours from an hour up, else in minutes."""
    hours = round(seconds / 900) / 4
    if hours >= 1:
        return hours, "hour" if hours == 1 else "hours"
    return round(seconds / 60), "minutes"


def _row(name: str, line: int, columns: Columns, row: list[str], channel: str | None,
         check: _ZoneCheck) -> Iterator[Post | RecordError]:
    def get(column: str) -> str | None:
        return columns.get(row, column)

    native_id = tweet_id_cell(get("Tweet ID"), "Tweet ID", name, line)
    if isinstance(native_id, RecordError):
        yield native_id
        return
    date = get("Date")
    try:
        local = parse_timestamp(date) if date else None
    except ValueError:
        local = check.day_first_date(date) if date else None
    created = check.created(local, snowflake_time(native_id),
                            day_only=local is not None and ":" not in (date or ""))
    if created is None:
        if local is not None and check.tz is None:
            reason, kind = no_zone("Date", date or ""), "no time zone"
        else:
            reason, kind = f"Date {date!r} is not a date and time", "bad time"
        yield RecordError(name, line, f"{reason}; skipped", kind=kind)
        return

    handle = (get("Screen Name") or "").lstrip("@") or None
    original = get("Tweet Text") or ""
    links = split_links(get("Link(s)"))
    as_sheet = clean_text(original)  # (its mentions and tags: not "medium.com/@ann/..." in a link)
    quoted = _quoted(as_sheet, links)
    in_text = [link for link in links if quoted is None or _status_id(link) != quoted]  # (not the quote)
    text = clean_text(_with_links(original, in_text))
    mentions, hashtags, urls = text_entities(as_sheet)
    locations = columns.find_all("Location")
    avatar = get("Profile Image")
    yield Post(
        platform=PLATFORM,
        native_id=native_id,
        author=Author(
            platform=PLATFORM,
            native_id=None,
            handle=handle,
            display_name=get("Full Name"),
            bio=clean_text(get("Bio")) or None,
            followers=to_int(get("Followers")),
            following=to_int(get("Follows")),
            verified=to_bool(get("Verfied") or get("Verified")),
            url=get("Website"),
            location=columns.at(row, locations[-1]) if locations else None,
            created_at=_day(get("User Since")),
            avatar_url=avatar if avatar and avatar.startswith(("http://", "https://")) else None,
        ),
        created_at=created,
        text=text,
        text_original=original if original != text else None,
        reply_to_author=leading_handle(text),
        mentions=mentions,
        hashtags=hashtags,
        urls=unique(links + urls),  # (the column's order; the text holds them again)
        quote_of_id=quoted,
        media=split_links(get("Media")),
        like_count=to_int(get("Favorites")),
        repost_count=to_int(get("Retweets")),
        url=tweet_url(handle, native_id),
        channel=channel,
        observed_at=created,  # the sheet takes each tweet, its counts and its author's profile as it comes
        source_file=name,
        source_line=line,
        raw=columns.record(row),
    )


def _with_links(text: str, links: list[str]) -> str:
    """The tweet's text with its links back: the sheet takes each out of the text (leaving
    its two spaces: "check out  for one place"; links side by side leave one space more
    each: "it.   for the invites") and lists them in Link(s). In order, into those gaps;
    the rest, taken from the end of the text, after it."""
    if not links:
        return text
    out, k = [], 0
    for piece in _GAP.split(text):
        if k < len(links) and len(piece) >= 2 and piece.isspace():
            take = min(len(piece) - 1, len(links) - k)
            piece = f" {' '.join(links[k:k + take])} " + piece[take + 1:]
            k += take
        out.append(piece)
    filled = "".join(out)
    if k < len(links):
        return " ".join([filled.rstrip(), *links[k:]])
    return filled.rstrip() if filled != text and text.endswith("  ") else filled  # (a link at the end)


_GAP = re.compile("(  +)")


def _status_id(link: str) -> str | None:
    parts = status_url_parts(link)
    return f"{PLATFORM}:{parts[1]}" if parts else None


def _quoted(text: str, links: list[str]) -> str | None:
    """The tweet a quote tweet quotes: the sheet writes it as "comment RT @ann: her words"
    with a link to her status among the links. (The text stays whole: her tweet is rarely in
    the sheet, and without her words the comment often says little: "Let's try this way".)
    A manual retweet ("RT @bob: ...") is no quote of what it retweets."""
    m = _QUOTE_RT.search(text)
    if m is None or text.lstrip().startswith("RT @"):
        return None
    for link in links:
        parts = status_url_parts(link)
        if parts is not None and parts[0].lower() == m.group(1).lower():
            return f"{PLATFORM}:{parts[1]}"
    return None


def _day(value: str | None) -> datetime | None:
    """'7/10/2009' -> 2009-07-10 00:00 UTC (the sheet gives a date without a zone)."""
    if not value:
        return None
    try:
        moment = parse_timestamp(value)
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


SOURCE = TwitterArchiverSource()
