"""Any CSV of posts, with the columns named by a map (``--map text=content,author=username``).

Columns are bound to the canonical :data:`FIELDS` in two steps. The explicit map comes first.
Then every field still unbound takes a column not bound yet whose header (case-insensitively,
and with 'Tweet Id', 'tweetId' or 'TweetID' read as 'tweet_id') is the field's name, else one
of its unambiguous :data:`ALIASES` in the order listed. Each header name belongs to one field
only, so a column named after a field the map bound elsewhere is never picked up: with
``text=content``, a column literally called ``text`` stays unused. A column guessed as the
time whose first cells hold the time of day alone (Twint's ``time``, "19:00:12") is passed
over for the field's next name; beside a ``date`` column of dates alone it is that date's
``time_of_day`` (a spreadsheet's Date and Time; ``time_of_day`` is bound no other way but by
--map). Vague headers (``name``, ``date``, ``link``, ``tweet``, ``description``) are not
guessed otherwise: when a required field has no column, the error suggests
a --map made of the file's own such columns (:data:`SUGGESTIONS`). ``text``, ``time`` and
``author`` are required (InputError otherwise); the author may instead come from an X status
URL in ``url``, and a profile URL in the author column gives its handle. A column whose name
contains a comma cannot be named in ``--map``. A first header cell left blank (pandas' index)
is allowed.

Ids: the ``id`` column when mapped; else an X status URL in ``url`` gives the tweet id (and
the platform ``twitter``); else the id is the first 16 hex digits of
``sha1("<handle lowercased>|<created_at UTC ISO 8601>|<clean text>")``, stable across
re-imports and independent of how the time was written. The platform is the ``platform``
column (``x`` counts as ``twitter``), else ``twitter`` for X status URLs or rtweet's
x-prefixed ids, else ``csv``. An X post's ``url`` that is no status URL and does not hold
its id is no link to it (rtweet's is the author's website): its permalink is made from its id.
An id a spreadsheet rounded (``1.26426E+18``) skips the row; a rounded reply/repost/quote/
thread/author id keeps the post without that link and yields a RecordError as a warning.
rtweet's 'x'-prefixed ids are read without the x; a reference of ``0`` or a listed cell is
no id (Twint's ``reply_to`` lists the users replied to: the first is ``reply_to_author``,
and all are mentions). twarc's json2csv ``retweet_or_quote_id`` is a repost or a quote as
its ``tweet_type`` says, and a retweet's counts there (its original's) are left unknown.

Times: see :func:`chatrecap.sources._csv.parse_timestamp` (ISO 8601, epochs, v1.1, RFC 2822,
JavaScript dates...; never a bare count of days or seconds). A naive time (ISO, M/D/YYYY, D/M/YYYY, D.M.YYYY,
YYYY/MM/DD) needs ``--tz`` (a RecordError naming ``--tz`` otherwise), unless the row is an X
post whose id encodes its exact UTC time (since November 2010: rtweet and Social Feed Manager
write UTC without saying so), which is then used, with one note. A zone written as UTC,
GMT or Z is UTC; another abbreviation (Twint's 'EST') is shared by several zones, so the row
is refused unless ``--tz`` names a zone that calls its time so then (which also settles the
repeated hour of a DST change). Slashed dates are month first unless the column shows
otherwise: its first date with a number over 12 says which comes first (a note says so when
it is the day), so a file whose every date is ambiguous (3/12/2021) is read month first, as
in the US.
Counts: integers; empty, ``NA`` and ``null`` are unknown. ``verified``: TRUE/FALSE.
``observed`` (when the counts were read, e.g. an archiver's ``retrieved_at``) lets the newer
counts win when archives overlap; a time without a zone there is left unknown.
Text is plain text (entities decoded, not HTML-stripped). Mentions, hashtags and urls come
from their columns when mapped (space/comma lists, or lists as pandas writes them), else
from the text. ``reply_to_author`` comes from its column; when there is no ``reply_to``
column it is inferred from a leading ``@handle``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson

from chatrecap.errors import InputError, OptionError, RecordError
from chatrecap.models import Author, Post, Superseded, make_id
from chatrecap.sources._csv import (
    TIME_OF_DAY,
    BadRow,
    Columns,
    LocalZone,
    cell,
    clean_id,
    day_first_from,
    file_delimiter,
    id_kind,
    iter_rows,
    leading_handle,
    list_items,
    local_time,
    no_zone,
    parse_timestamp,
    sample_delimiter,
    sample_rows,
    split_items,
    split_links,
    status_id,
    text_entities,
    to_bool,
    to_int,
    to_utc,
    x_prefixed,
)
from chatrecap.sources._twitter import PLATFORM, snowflake_time, status_url_parts, tweet_url, unique
from chatrecap.sources.base import ReadOptions, Sample, Source
from chatrecap.text import clean_text

FIELDS = (
    "id", "text", "author", "author_name", "author_id", "time", "time_of_day", "reply_to",
    "reply_to_author", "repost_of", "quote_of", "url", "likes", "reposts", "replies", "quotes", "language",
    "followers", "bio", "location", "verified", "platform", "thread", "channel", "hashtags",
    "mentions", "urls", "media", "observed", "following", "author_url", "author_created", "avatar",
)
REQUIRED = ("text", "time", "author")
EXAMPLE = "--map text=content,author=username,time=datetime"
#: Other header names that surely mean the field (each name belongs to one field only).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id_str", "tweet_id", "post_id", "status_id"),
    "text": ("full_text", "tweet_text", "content", "raw_content", "body", "message"),
    "author": ("username", "screen_name", "handle", "from_user", "user_screen_name",
               "user.screen_name", "author.username"),
    "author_name": ("display_name", "full_name", "user_display_name", "user.name", "author.name"),
    "author_id": ("user_id", "user_id_str", "from_user_id_str", "user.id_str"),
    "time": ("created_at", "datetime", "timestamp", "date_time", "created_utc"),
    "reply_to": ("in_reply_to_status_id", "in_reply_to_status_id_str", "in_reply_to_id",
                 "reply_to_id", "in_reply_to_tweet_id", "reply_to_status_id"),
    "reply_to_author": ("in_reply_to_screen_name", "reply_to_screen_name", "in_reply_to_username"),
    "repost_of": ("retweeted_status_id", "repost_of_id", "retweet_of", "retweet_status_id",
                  "retweeted_status.id_str"),
    "quote_of": ("quoted_status_id", "quote_of_id", "quoted_tweet_id", "quoted_status_id_str",
                 "quote_url"),
    "url": ("status_url", "permalink", "tweet_url", "twitter_url"),
    "likes": ("like_count", "favorite_count", "favorites", "favourites", "likes_count"),
    "reposts": ("retweet_count", "retweets", "repost_count", "reblogs_count", "retweets_count"),
    "replies": ("reply_count", "replies_count"),
    "quotes": ("quote_count", "quotes_count"),
    "language": ("lang",),
    "followers": ("followers_count", "user_followers_count", "user.followers_count"),
    "bio": ("user_description", "author_bio", "user.description"),
    "location": ("user_location", "user.location"),
    "verified": ("user_verified", "user.verified"),
    "thread": ("conversation_id", "thread_id", "thread_ts"),
    "channel": ("channel_name",),
    "mentions": ("user_mentions", "mentions_screen_name"),
    "urls": ("expanded_urls", "urls_expanded_url"),
    "media": ("media_urls", "media_url"),
    "observed": ("retrieved_at", "observed_at", "__twarc.retrieved_at"),
    "following": ("friends_count", "following_count", "user_friends_count", "user.friends_count"),
    "author_url": ("user_url", "user.url", "author_website"),
    "author_created": ("account_created_at", "user_created_at", "user.created_at"),
    "avatar": ("profile_image_url", "user_profile_image_url", "user.profile_image_url",
               "profile_image_url_https", "user.profile_image_url_https"),
}
#: Headers too vague to bind unasked, suggested in the error when a required field has no
#: column: a file whose only text column is ``tweet`` (Twint) is told to write text=tweet.
SUGGESTIONS: dict[str, tuple[str, ...]] = {
    "text": ("tweet", "description", "title", "comment", "post", "caption", "msg"),
    "author": ("user", "author_username", "name", "from", "sender", "user_name", "nick"),
    "time": ("date", "dates", "time", "published", "pubdate", "created", "posted"),
    "url": ("link",),
    "author_name": ("name", "user_name"),
}
_PLATFORM_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
#: The header pandas gives its index column: none, or "Unnamed: 0" once read and saved again.
_INDEX_HEADERS = ("", "Unnamed: 0")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\s\-]+")


def parse_column_map(spec: str) -> dict[str, str]:
    """``text=content,author=username`` -> {"text": "content", "author": "username"}."""
    mapping: dict[str, str] = {}
    for part in spec.split(","):
        if not part.strip():
            continue
        field, sep, column = (x.strip() for x in part.partition("="))
        field = field.lower()
        if not sep or not field or not column:
            raise OptionError(f"--map item {part.strip()!r} is not field=column; write for "
                              f"example {EXAMPLE}.")
        if field not in FIELDS:
            raise OptionError(f"--map names an unknown field {field!r}; the fields are: "
                              f"{', '.join(FIELDS)}.")
        if field in mapping:
            raise OptionError(f"--map gives the field {field!r} twice.")
        mapping[field] = column
    if not mapping:
        raise OptionError(f"--map is empty; write for example {EXAMPLE}.")
    return mapping


def mapped_columns(columns: Columns, column_map: dict[str, str], path: Path | str = "") -> dict[str, int]:
    """Field -> column index of the --map; a column the file lacks is an InputError."""
    bound: dict[str, int] = {}
    for field, column in column_map.items():
        index = columns.find(column)
        if index is None:
            raise InputError(f"{path}: --map {field}={column}: the file has no column "
                             f"{column!r}; its columns are: {', '.join(columns.names)}.")
        bound[field] = index
    return bound


def header_key(name: str) -> str:
    """A header as the field names are written: 'Tweet Id', 'tweetId' and 'TweetID' are all
    'tweet_id', 'likeCount' is 'like_count' (snscrape, Apify and many scripts write so)."""
    spaced = _CAMEL.sub("_", name.strip())
    return _SEPARATORS.sub("_", spaced).lower()


def bind_columns(header: list[str], column_map: dict[str, str], path: Path | str = "",
                 accept: Callable[[str, int], bool] | None = None,
                 cells: Callable[[int], Iterator[str | None]] | None = None) -> dict[str, int]:
    """Field -> column index: the explicit map first, then headers named after a field.

    ``accept(field, index)`` may refuse a column a field would take by its name (a ``time``
    column holding the time of day only): the field's next name is tried."""
    columns = Columns(header)
    bound = mapped_columns(columns, column_map, path)
    taken = set(bound.values())
    keys: dict[str, int] = {}
    for number, name in enumerate(header):
        keys.setdefault(header_key(name), number)
    for field in FIELDS:
        if field in bound or field == "time_of_day":  # (that one only beside a date: below)
            continue  # its name and aliases stay unused: the map chose another column
        names = (field, *ALIASES.get(field, ()))
        if field == "url":  # (a status_url first: rtweet gives "url" the author's site)
            names = ("status_url", *(name for name in names if name != "status_url"))
        for candidate in names:
            index = _column(columns, keys, candidate)
            if index is not None and index not in taken and (accept is None or accept(field, index)):
                bound[field] = index
                taken.add(index)
                break
    if "time" not in bound and accept is not None and cells is not None:
        _bind_date_and_clock(columns, keys, bound, taken, accept, cells)
    # Beside the handle as screen_name (rtweet) or user_screen_name (twarc's json2csv), the
    # name, description and a url that is not the post's are the author's.
    for prefix in ("", "user_"):
        if "author" in bound and bound["author"] == _column(columns, keys, f"{prefix}screen_name"):
            for field, column in (("author_name", f"{prefix}name"), ("bio", f"{prefix}description"),
                                  ("author_url", f"{prefix}url")):
                index = _column(columns, keys, column)
                if field not in bound and index is not None and index not in taken:
                    bound[field] = index
                    taken.add(index)
    missing = [field for field in REQUIRED if field not in bound
               and not (field == "author" and "url" in bound)]  # a status URL names its author
    if missing:
        if _is_json(",".join(columns.names)):
            raise InputError(f"{path}: this is JSON, not a CSV with a header row; read it as its "
                             "own format (see `chatrecap formats`).")
        raise InputError(
            f"{path}: no column for {', '.join(missing)}; name the columns with --map, for "
            f"example {_example(columns, bound, missing)} (the file's columns are: "
            f"{_listed(columns.names)})."
        )
    return bound


def _is_json(header: str) -> bool:
    """Whether a "header" is JSON's first line (a sheet's may start with "[" or "{" too:
    "[Tweet Text],[User]")."""
    first = header.strip()
    if first in ("[", "{") or first.startswith(('[{', '{"', '["')):
        return True
    try:
        return isinstance(orjson.loads(first), dict | list)
    except orjson.JSONDecodeError:
        return False


def _listed(names: list[str], most: int = 30, longest: int = 40) -> str:
    """Column names for a message: a few, each cut short (a file that is no CSV has odd ones)."""
    shown = [name if len(name) <= longest else name[:longest - 1] + "…" for name in names[:most]]
    return ", ".join(shown) + (f" and {len(names) - most:,} more" if len(names) > most else "")


def _column(columns: Columns, keys: dict[str, int], name: str) -> int | None:
    """The column of that header, as written, else as its key (``header_key``) reads."""
    index = columns.find(name)
    return keys.get(name) if index is None else index


def _bind_date_and_clock(columns: Columns, keys: dict[str, int], bound: dict[str, int],
                         taken: set[int], accept: Callable[[str, int], bool],
                         cells: Callable[[int], Iterator[str | None]]) -> None:
    """A sheet that writes the date and the time of day in two columns ("Date" and
    "Time", as spreadsheets and many exports do): the first is the time, the second its
    time of day (``accept`` refuses a ``time`` column that holds times of day only), when
    the first holds dates alone."""
    date = _column(columns, keys, "date")
    clock = next((index for name in ("time", "time_of_day", "hour")
                  if (index := _column(columns, keys, name)) is not None and index not in taken),
                 None)
    if (date is not None and clock is not None and date not in taken and clock != date
            and accept("time", date) and not accept("time", clock) and _dates_only(cells(date))):
        bound["time"], bound["time_of_day"] = date, clock
        taken.update((date, clock))


def _example(columns: Columns, bound: dict[str, int], missing: list[str]) -> str:
    """A --map for this file: its own columns whose names suggest the missing fields (then
    the optional ones that vague names suggest), "<column>" for a field none suggests."""
    taken = set(bound.values())
    pairs = []
    for field in [*missing, *(f for f in SUGGESTIONS if f not in REQUIRED and f not in bound)]:
        for name in SUGGESTIONS.get(field, ()):
            index = columns.find(name)
            if index is not None and index not in taken and "," not in columns.names[index]:
                pairs.append(f"{field}={columns.names[index]}")
                taken.add(index)
                break
    # A missing field no column's name suggests: a blank to fill (the generic example would
    # name columns the file may not have).
    pairs += [f"{field}=<column>" for field in missing if not any(p.startswith(f"{field}=") for p in pairs)]
    return "--map " + ",".join(pairs)


class GenericCsvSource(Source):
    id = "csv"
    name = "Generic CSV with a column map"
    description = f"Any CSV (or .xlsx sheet) with a header row; name its columns with {EXAMPLE}."

    def sniff(self, sample: Sample) -> float:
        first = sample.stripped.split("\n", 1)[0]
        if not first or first[0] in "{[<":
            return 0.0
        rows = sample_rows(sample, 3, sample_delimiter(sample))
        if not rows or not _looks_like_header(rows[0]):
            return 0.0
        if len(rows) == 3 and len(rows[1]) != len(rows[0]):
            return 0.0
        return 0.1  # any header row fits; the sources of specific CSV layouts win

    def versions(self, row: list[str], columns: Columns) -> Iterable[Superseded]:
        """The row's earlier versions of an edited post, where a layout says (see
        ``Superseded``): none in a CSV of unknown layout."""
        return ()

    def referenced(self, row: list[str], columns: Columns) -> bool:
        """Whether the row is a post the archive holds only because one of its posts
        points at it (see ``Post.is_referenced``), where a layout says: no, in a CSV of
        unknown layout."""
        return False

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | Superseded | RecordError]:
        name = str(path)
        delimiter = file_delimiter(path)
        bound: dict[str, int] | None = None
        columns: Columns | None = None
        raw_columns: Columns | None = None
        noted: Counter[str] = Counter()
        for item in iter_rows(path, delimiter):
            if isinstance(item, RecordError):
                yield item
                continue
            line, row = item
            if bound is None or columns is None or raw_columns is None:
                raw_columns = Columns(row)
                columns, bound = self.layout(row, options, path)
                day_first, told = day_first_from(_cells_of(path, delimiter, bound["time"]))
                if day_first:
                    yield RecordError(name, None, f"{columns.names[bound['time']]} writes the day before "
                                      f"the month ({told!r}): its dates were read so",
                                      kind="date order", skipped=False)
                continue
            try:
                referenced = self.referenced(row, raw_columns)
                for post in _row(name, line, columns, bound, self.cells(row, raw_columns), options.tz,
                                 raw_columns.record(row), day_first, noted):
                    if referenced and isinstance(post, Post):
                        post.is_referenced = True
                    yield post
                yield from self.versions(row, raw_columns)
            except ValueError as exc:
                kind = exc.kind if isinstance(exc, BadRow) else "malformed record"
                yield RecordError(name, line, f"{exc}; skipped", kind=kind)
            except (KeyError, TypeError, IndexError, AttributeError, OverflowError) as exc:
                yield RecordError(name, line, f"the row could not be read ({exc!r}); skipped")
        if count := noted["id time"]:
            assert columns is not None and bound is not None
            yield RecordError(name, None, f"{columns.names[bound['time']]} has no time zone on "
                              f"{count:,} row{'s' if count > 1 else ''}: the exact UTC times their "
                              "tweet ids encode were used (pass --tz to read the column instead)",
                              kind="times from ids", skipped=False)
        if count := noted["unread time"]:
            assert columns is not None and bound is not None
            column = columns.names[bound["time"]] if "time" in bound else "the time"
            yield RecordError(name, None, f"{column} was empty or no date and time chatrecap reads on "
                              f"{count:,} row{'s' if count > 1 else ''} of X posts: the exact UTC times "
                              "their ids encode were used", kind="times from ids", skipped=False)

    def layout(self, header: list[str], options: ReadOptions, path: Path) -> tuple[Columns, dict[str, int]]:
        """The columns the rows are read by and the field bound to each (the --map first)."""
        delimiter = file_delimiter(path)

        def cells(index: int) -> Iterator[str | None]:
            return _cells_of(path, delimiter, index)

        def accept(field: str, index: int) -> bool:
            if field == "text":
                return not _client_labels(cells(index))
            return field != "time" or _holds_times(cells(index))

        return Columns(header), bind_columns(header, options.column_map, path, accept, cells)

    def cells(self, row: list[str], columns: Columns) -> list[str]:
        """A row as :meth:`layout`'s columns read it; a CSV layout with encodings of its own
        (JSON lists, escaped newlines) undoes them here."""
        return row


def _looks_like_header(row: list[str]) -> bool:
    names = [value.strip() for value in row]
    if names and names[0] in _INDEX_HEADERS:  # pandas' to_csv writes its index first
        names = names[1:]
    return (
        len(names) >= 2
        and all(names) and all(len(n) <= 100 and "\n" not in n for n in names)
        and not any(n.replace(".", "").replace("-", "").isdigit() for n in names)
        and len(set(names)) > len(names) // 2
    )


_CLIENT_LABEL = re.compile(r'<a href="[^"]*"(?: rel="nofollow")?>[^<]*</a>')


def _client_labels(cells: Iterator[str | None]) -> bool:
    """Whether a column guessed as the text holds the client each post was written with
    (snscrape's ``source``, saved by some as ``text``: '<a href="..." rel="nofollow">Twitter
    Web App</a>'): its first cells that hold anything are all such labels."""
    first = _first_cells(cells)
    return bool(first) and all(_CLIENT_LABEL.fullmatch(value.strip()) for value in first)


def _holds_times(cells: Iterator[str | None]) -> bool:
    """Whether a column guessed as the time holds more than the time of day (Twint's ``time``
    is that alone, beside the ``created_at`` that says it all): its first cells that hold
    anything are not all like "19:00:12". Any other cell, even one no format reads, keeps
    the column (its row says what is wrong with it); a column empty in its first rows is
    passed over too, for another that may hold the times."""
    return any(not TIME_OF_DAY.match(value) for value in _first_cells(cells))


def _first_cells(cells: Iterator[str | None], looked: int = 20, rows: int = 1000) -> list[str]:
    """A column's first ``looked`` cells that hold anything; none when its first ``rows``
    rows hold nothing."""
    found: list[str] = []
    for number, value in enumerate(cells, 1):
        value = cell(value)
        if value is not None:
            found.append(value)
            if len(found) >= looked:
                break
        elif number >= rows and not found:
            break
    return found


def _at(day: datetime, clock: str) -> datetime:
    """``day`` (a date: midnight) at the time of day ``clock`` ("19:33:07", "7:33 PM", a
    workbook's "19:33:07.500000"); a ValueError for a day that holds a time already or a
    clock that is none."""
    found = TIME_OF_DAY.match(clock.strip())
    if found is None or day.time() != time():
        raise ValueError(f"{clock!r} is not a time of day for {day.isoformat()}")
    hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
    if found[5]:
        if not 1 <= hour <= 12:
            raise ValueError(f"{clock!r} is not a time of day")
        hour = hour % 12 + (12 if found[5].lower() == "pm" else 0)
    return day.replace(hour=hour, minute=minute, second=second,
                       microsecond=int((found[4] or "0").ljust(6, "0")))


def _dates_only(cells: Iterator[str | None], looked: int = 20) -> bool:
    """Whether a column's first ``looked`` filled cells are dates with no time of day (or
    at midnight, as a workbook's date cells read)."""
    seen = 0
    for value in cells:
        value = cell(value)
        if value is None:
            continue
        if ":" in value and not value.endswith(("00:00:00", " 00:00")):
            return False
        seen += 1
        if seen >= looked:
            break
    return seen > 0


def _cells_of(path: Path, delimiter: str, index: int) -> Iterator[str | None]:
    """One column's cells, row by row after the header (read again, as far as asked)."""
    rows = (item for item in iter_rows(path, delimiter) if not isinstance(item, RecordError))
    next(rows, None)
    for _, row in rows:
        yield row[index] if index < len(row) else None


def _row(name: str, line: int, columns: Columns, bound: dict[str, int], row: list[str],
         tz: ZoneInfo | None, raw: dict[str, str], day_first: bool = False,
         noted: Counter[str] | None = None) -> Iterator[Post | RecordError]:
    """The row's post; ``noted`` counts the rows whose time came from their tweet id."""
    def get(field: str) -> str | None:
        return columns.at(row, bound.get(field))

    def label(field: str) -> str:
        if field == "time" and "time_of_day" in bound:
            return f"{columns.names[bound['time']]} and {columns.names[bound['time_of_day']]}"
        return columns.names[bound[field]]

    url = get("url")
    status = status_url_parts(url)
    handle = _handle(get("author")) or (status[0] if status and "author" not in bound else "")
    time_text = get("time")
    clock = None
    if time_text and "time_of_day" in bound:  # the date and its time of day apart
        clock = get("time_of_day")
        if not clock:
            raise BadRow(f"the row has no {columns.names[bound['time_of_day']]} (time of day)",
                         "no time")
    x_post = status is not None or x_prefixed(get("id"))  # (rtweet's ids say so, without a URL)
    if not handle:
        what = label("author") if "author" in bound else "status URL in " + label("url")
        raise BadRow(f"the row has no {what} (author)", "no author")
    try:
        if not time_text:
            raise BadRow(f"the row has no {label('time') if 'time' in bound else 'time'} (time)", "no time")
        try:
            moment = parse_timestamp(time_text, day_first)
            if clock is not None:
                moment = _at(moment, clock)
            created = to_utc(moment, tz)
        except LocalZone as exc:
            created = local_time(exc.moment, exc.abbreviation, tz) if tz else None
            if created is None:
                raise BadRow(_zone_abbreviation(label("time"), time_text, exc.abbreviation, tz),
                             "ambiguous zone") from None
        except ValueError:
            shown = time_text if clock is None else f"{time_text} {clock}"
            raise BadRow(f"{label('time')} {shown!r} is not a date and time (ISO 8601, epoch "
                         "seconds, RFC 2822, M/D/YYYY... with its zone, or --tz)", "bad time") from None
    except BadRow as exc:
        if exc.kind == "ambiguous zone":
            raise
        # An X post's id tells its exact time all the same (ids since November 2010).
        created = _id_time(get("id"), status, x_post, get("platform"))
        if created is None:
            raise
        if noted is not None:
            noted["unread time"] += 1
    if created is None:  # no zone and no --tz: a tweet id still tells the time, in UTC
        created = _id_time(get("id"), status, x_post, get("platform"))
        if created is None:
            raise BadRow(no_zone(label("time"), time_text), "no time zone")
        if noted is not None:
            noted["id time"] += 1
    original = get("text") or ""
    text = clean_text(original)

    platform = _platform(get("platform"), x_post)
    numeric = platform == PLATFORM
    permalink = url
    website = get("author_url")
    if id_text := get("id"):
        try:
            native_id = clean_id(id_text, label("id"), numeric)
        except ValueError as exc:
            raise BadRow(str(exc), id_kind(id_text)) from None
        if url and platform == PLATFORM and not status and native_id not in url:
            permalink = None  # no link to the post (rtweet's url is the author's website)
            website = website or url
        if not permalink and platform == PLATFORM:
            permalink = tweet_url(handle, native_id)
    elif status and platform == PLATFORM:
        native_id = status[1]
    else:
        key = f"{handle.lower()}|{created.isoformat()}|{text}"
        native_id = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]

    links: dict[str, str | None] = {}
    replied: list[str] = []
    for field in ("reply_to", "repost_of", "quote_of", "thread", "author_id"):
        value = get(field)
        links[field] = None
        listed = list_items(value)
        if listed is not None:  # Twint's reply_to lists the users replied to, not a post
            if field == "reply_to" and listed and not listed[0].isdigit():
                replied = [name.lstrip("@") for name in listed
                           if name.lstrip("@").lower() != handle.lower()]  # (its own author too)
            continue
        if value and value.lstrip().startswith("@"):  # a handle where a post's id would be
            if field == "reply_to":
                replied = [value.strip().lstrip("@")]
            continue
        if value and value != "0":  # (Twint writes 0 for a quote that was deleted)
            try:
                ref = status_id(value) or clean_id(value, label(field), numeric)
                links[field] = ref if field == "author_id" else make_id(platform, ref)
            except ValueError as exc:
                yield RecordError(name, line, f"{exc}; the post is kept without it",
                                  kind=id_kind(value), skipped=False)

    shared = _retweet_or_quote(columns, row, platform)
    repost = shared is not None and shared[0] == "retweet"
    if shared:  # (a --map or a column of its own still wins)
        field = "repost_of" if repost else "quote_of"
        links[field] = links[field] or shared[1]
    # A retweet's row holds its original's counts (rtweet, json2csv): its own are unknown.
    repost = repost or links["repost_of"] is not None

    mentions, hashtags, urls = text_entities(text)
    reply_to_author = (get("reply_to_author") or "").lstrip("@") or (replied[0] if replied else None)
    if reply_to_author is None and "reply_to" not in bound:
        reply_to_author = leading_handle(text)
    yield Post(
        platform=platform,
        native_id=native_id,
        author=Author(
            platform=platform,
            native_id=links["author_id"],
            handle=handle,
            display_name=get("author_name"),
            bio=clean_text(get("bio")) or None,
            followers=to_int(get("followers")),
            following=to_int(get("following")),
            verified=to_bool(get("verified")),
            url=next(iter(split_links(website)), None),
            location=get("location"),
            created_at=_utc_stated(get("author_created")),
            avatar_url=_web_address(get("avatar")),
        ),
        created_at=created,
        text=text,
        text_original=original if original != text else None,
        reply_to_id=links["reply_to"],
        reply_to_author=reply_to_author,
        repost_of_id=links["repost_of"],
        quote_of_id=links["quote_of"],
        thread_id=links["thread"],
        mentions=unique(replied + split_items(get("mentions"), "@")) if "mentions" in bound else mentions,
        hashtags=split_items(get("hashtags"), "#") if "hashtags" in bound else hashtags,
        urls=split_links(get("urls")) if "urls" in bound else urls,
        media=split_links(get("media")),
        like_count=None if repost else to_int(get("likes")),
        repost_count=None if repost else to_int(get("reposts")),
        reply_count=None if repost else to_int(get("replies")),
        quote_count=None if repost else to_int(get("quotes")),
        language=get("language"),
        url=permalink,
        channel=get("channel"),
        observed_at=_utc_stated(get("observed")),
        source_file=name,
        source_line=line,
        raw=raw,
    )


def _id_time(id_text: str | None, status: tuple[str, str] | None, x_post: bool,
             platform_cell: str | None) -> datetime | None:
    """The UTC time an X post's id encodes (ids since November 2010), when the row is one."""
    if _platform(platform_cell, x_post) != PLATFORM:
        return None
    if id_text:
        try:
            return snowflake_time(clean_id(id_text, "id"))
        except ValueError:
            return None
    return snowflake_time(status[1]) if status else None


def _retweet_or_quote(columns: Columns, row: list[str], platform: str) -> tuple[str, str] | None:
    """(tweet type, referenced post id) from the columns twarc's json2csv (and Social Feed
    Manager, TweetSets, Hydrator after it) writes: ``retweet_or_quote_id`` is the retweeted
    post when ``tweet_type`` is 'retweet', else the quoted one. A retweet's counts there are
    its original's, so they are left unknown. (json2csv's own header spells it
    ``reweet_or_quote_id``.)"""
    referenced = columns.get(row, "retweet_or_quote_id") or columns.get(row, "reweet_or_quote_id")
    if not referenced or columns.find("tweet_type") is None:
        return None
    try:
        ref = clean_id(referenced, "retweet_or_quote_id", platform == PLATFORM)
    except ValueError:
        return None
    kind = "retweet" if (columns.get(row, "tweet_type") or "").lower() == "retweet" else "quote"
    return kind, make_id(platform, ref)


def _handle(value: str | None) -> str:
    """A handle as written ('@ann'), or the last part of a profile URL (snscrape's ``user``
    column, as pandas writes it: 'https://twitter.com/ann')."""
    value = (value or "").strip()
    if "://" in value:
        value = value.rstrip("/").rsplit("/", 1)[-1]
    return value.lstrip("@")


def _zone_abbreviation(what: str, value: str, abbreviation: str, tz: ZoneInfo | None) -> str:
    if tz is None:
        return (f"{what} {value!r} names its zone by the abbreviation {abbreviation!r}, which "
                f"several zones share; pass --tz with the zone it means (for example --tz "
                f"America/New_York for EST or EDT)")
    return (f"{what} {value!r} says {abbreviation!r}, which is not what --tz {tz.key} calls its "
            f"time then; pass the --tz the file was written in")


def _web_address(text: str | None) -> str | None:
    """A picture's address, if the cell holds one (not "View", what a sheet's link left)."""
    text = (text or "").strip()
    return text if text.startswith(("http://", "https://")) and not any(c.isspace() for c in text) else None


def _utc_stated(text: str | None) -> datetime | None:
    """A moment the row states with its zone (when the counts were read, when the account
    was made), in UTC; None when it does not say its zone or is no time at all."""
    try:
        moment = parse_timestamp(text) if text else None
    except ValueError:
        return None
    return to_utc(moment, None) if moment is not None else None


def _platform(value: str | None, twitter_url: bool) -> str:
    if not value:
        return PLATFORM if twitter_url else "csv"
    value = value.strip().lower()
    if value in ("x", "x.com", "twitter.com"):
        return PLATFORM
    if not _PLATFORM_NAME.match(value):
        raise ValueError(f"platform {value!r} is not a platform name")
    return value


SOURCE = GenericCsvSource()
