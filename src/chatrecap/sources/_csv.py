"""What the CSV sources share: rows with their line numbers, header lookup, cell parsing,
local times, and entities found in plain tweet text (CSV exports rarely carry entity lists).

Line numbers are physical lines: ``csv.reader.line_num`` is the line where a row *ends*, so a
row starts one line after the previous row ended, which is what a user sees in an editor
when a quoted cell spans several lines.
"""

from __future__ import annotations

import ast
import codecs
import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo, available_timezones

from chatrecap.errors import InputError, RecordError
from chatrecap.sources._twitter import check_id, parse_v1_date, status_url_parts, unique
from chatrecap.sources._workbook import is_workbook_file, sheet_rows
from chatrecap.sources.base import SNIFF_BYTES, Sample, detect_encoding, open_text

#: Cells that spreadsheets, R and pandas write for "no value".
EMPTY = frozenset({"", "NA", "N/A", "null", "NULL", "NaN"})
TZ_HINT = "pass --tz ZONE (for example --tz America/New_York)"

# X handles are ASCII, at most 15 characters; not preceded by a word character (e-mail).
_MENTION = re.compile(r"@(?<![\w@]@)(\w{1,15})(?!\w)", re.ASCII)  # (the "@" first: see ``structure.MENTION``)
_LEADING = re.compile(r"@(\w{1,15})(?!\w)", re.ASCII)
_HASHTAG = re.compile(r"(?<![\w&#])[#\uff03](\w+)")  # unicode-aware, as X hashtags are
_URL = re.compile(r"https?://[^\s<>\"'\u2026]+", re.I)
_TRAILING = ".,;:!?)]}'\""
_LINK_SPLIT = re.compile(r"\s+|[,;](?=\s*(?:https?://|www\.|pic\.))", re.I)
_ITEM_SPLIT = re.compile(r"[\s,;|]+")
_SCIENTIFIC = re.compile(r"^\s*\d+(?:\.\d+)?[eE]\+?\d+\s*$")
_X_ID = re.compile(r"^\s*x\d+\s*$")
# M/D/YYYY [H:MM[:SS] [AM|PM]], as US spreadsheets write dates (no zone).
_US_DATE = re.compile(
    r"^(\d{1,2})([/.])(\d{1,2})[/.](\d{4}),?(?:(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
# YYYY/MM/DD [HH:MM[:SS]], as East Asian tools and some spreadsheets write dates (no zone).
_YMD_SLASHED = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
# A time followed by a zone abbreviation: Twint's '2021-12-03 19:00:12 EST', BigQuery's '... UTC'.
_ZONE_SUFFIX = re.compile(r"^(.*\d)\s+([A-Z]{1,5})$")
#: Abbreviations that name one offset only; any other (EST, CST, IST...) several zones share.
UTC_NAMES = frozenset({"UTC", "GMT", "Z", "UT"})
# JavaScript's Date.toString(): 'Fri Dec 03 2021 19:00:12 GMT+0100 (Central European Time)'.
_JS_DATE = re.compile(
    r"^[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?"
    r"(?: GMT([+-]\d{4})(?: \([^)]*\))?)?$"
)
# RFC 2822 (e-mail, RSS) with the zone it requires: 'Fri, 03 Dec 2021 19:00:12 +0000'.
_RFC_2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}"
                       r"(?::\d{2})?\s+(?:[+-]\d{4}|GMT|UTC?|Z)$")
# A time of day alone (Twint's ``time`` column, beside the date in another).
#: A time of day alone: hours, minutes, seconds, their fraction, AM or PM (as groups).
TIME_OF_DAY = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s?([AaPp][Mm])?$")


def cell(value: str | None) -> str | None:
    """A cell's text stripped, or None when it is empty or a no-value marker like ``NA``."""
    if value is None:
        return None
    value = value.strip()
    return None if value in EMPTY else value


def to_int(value: str | None) -> int | None:
    """A count ('1,234', '12.0'), or None when the cell holds no number."""
    value = cell(value)
    if value is None:
        return None
    value = value.replace(",", "").replace("_", "")
    if value.isdecimal():
        return int(value)
    if value.endswith(".0") and value[:-2].isdecimal():
        return int(value[:-2])
    return None


def to_bool(value: str | None) -> bool | None:
    value = (cell(value) or "").lower()
    if value in ("true", "1", "yes", "y", "t"):
        return True
    if value in ("false", "0", "no", "n", "f"):
        return False
    return None


class BadRow(ValueError):
    """A row that cannot become a post; ``kind`` is its category in the import summary."""

    def __init__(self, reason: str, kind: str = "malformed record") -> None:
        super().__init__(reason)
        self.kind = kind


def id_kind(value: str) -> str:
    """The summary category of an id check_id refused."""
    return "rounded id" if _SCIENTIFIC.match(value) else "bad id"


def tweet_id_cell(value: str | None, column: str, name: str,
                  line: int) -> str | RecordError:
    """A row's tweet id, or the error that skips the row (missing, or rounded by a
    spreadsheet so that its digits are lost)."""
    if not value:
        return RecordError(name, line, f"the row has no {column}; skipped", kind="missing id")
    try:
        return check_id(value, column)
    except ValueError as exc:
        return RecordError(name, line, f"{exc}; skipped", kind=id_kind(value))


def clean_id(value: str, what: str, numeric: bool = True) -> str:
    """An id cell as text; ValueError for an id a spreadsheet rounded ('1.26426E+18').

    ``numeric`` ids (X) must be digits; others (a Slack ts '1614886212.000200') pass as-is.
    rtweet's ``write_as_csv`` writes ids as 'x1466851227459899392' so that spreadsheets keep
    their digits: the x is dropped.
    """
    if numeric and _X_ID.match(value):
        value = value.strip()[1:]
    if numeric or _SCIENTIFIC.match(value):
        return check_id(value, what)
    return value.strip()


def x_prefixed(value: str | None) -> bool:
    """Whether an id is written as rtweet writes X's ('x1466851227459899392'): the row is an X post."""
    return value is not None and _X_ID.match(value) is not None


def status_id(value: str) -> str | None:
    """The tweet id of an X/Twitter status URL, else None."""
    parts = status_url_parts(value) if "/status" in value else None
    return parts[1] if parts else None


class Columns:
    """A header row: names looked up case-insensitively; the first of equal names wins.

    Lookups are cached by the exact name asked for: a source asks for the same few
    columns on every row of files with millions of rows."""

    def __init__(self, header: list[str]) -> None:
        self.names = [name.strip() for name in header]
        self.index: dict[str, int] = {}
        for number, name in enumerate(self.names):
            self.index.setdefault(name.lower(), number)
        self._found: dict[str, int | None] = {}
        self.learned: dict[str, Any] = {}  # what a source learns of the file as it reads its rows
        # Keys of record(): a repeated header name gets " (2)", " (3)"...
        self._keys: list[str] = []
        for key in self.names:
            base, count = key, 1
            while key in self._keys:
                count += 1
                key = f"{base} ({count})"
            self._keys.append(key)

    def find(self, name: str) -> int | None:
        try:
            return self._found[name]
        except KeyError:
            found = self._found[name] = self.index.get(name.lower())
            return found

    def find_all(self, name: str) -> list[int]:
        return [i for i, n in enumerate(self.names) if n.lower() == name.lower()]

    def missing(self, names: tuple[str, ...]) -> list[str]:
        return [name for name in names if self.find(name) is None]

    def get(self, row: list[str], name: str) -> str | None:
        return self.at(row, self.find(name))

    @staticmethod
    def at(row: list[str], index: int | None) -> str | None:
        return cell(row[index]) if index is not None and index < len(row) else None

    def record(self, row: list[str]) -> dict[str, str]:
        """The row as the file has it; a repeated header name gets ' (2)', ' (3)'...; cells
        past the header are kept as 'column N'."""
        out = dict(zip(self._keys, row, strict=False))
        for number in range(len(self._keys), len(row)):
            out[f"column {number + 1}"] = row[number]
        return out


def iter_rows(path: Path, delimiter: str = ",") -> Iterator[tuple[int, list[str]] | RecordError]:
    """(first physical line, cells) of each non-blank row, or a RecordError for a row the
    csv module cannot parse. A file that is not valid in its encoding raises InputError.
    A spreadsheet workbook gives its sheet's rows, numbered as the sheet numbers them."""
    name = str(path)
    if is_workbook_file(path):
        yield from sheet_rows(path)
        return
    with open(path, "rb") as raw:
        encoding = detect_encoding(raw.read(SNIFF_BYTES), path)
    mended: list[int] = []  # UTF-8 lines with a byte that is not, in order
    try:
        with open(path, "rb") if encoding == "utf-8" else open_text(path, encoding) as fh:
            lines = _utf8_lines(fh, mended) if encoding == "utf-8" else fh
            reader = csv.reader(lines, delimiter=delimiter)
            previous = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    yield RecordError(name, previous + 1, f"the CSV row cannot be parsed ({exc})",
                                      kind="CSV syntax")
                    previous = reader.line_num
                    continue
                start, previous = previous + 1, reader.line_num
                while mended and mended[0] <= previous:
                    yield RecordError(name, mended.pop(0), "bytes that are not UTF-8 in a UTF-8 file were "
                                      "read as \ufffd (the rest of the row is as written)",
                                      kind="encoding", skipped=False)
                if any(value.strip() for value in row):
                    yield start, row
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: byte {exc.start} is not valid {exc.encoding}; save the file as UTF-8."
        ) from exc


def _utf8_lines(fh: IO[bytes], mended: list[int]) -> Iterator[str]:
    """The lines of a UTF-8 file as text, each decoded alone: a line holding a byte that is
    not UTF-8 (one row pasted from elsewhere) has it read as U+FFFD and its number added to
    ``mended``, instead of the whole file being refused."""
    for number, line in enumerate(fh, 1):
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[3:]
        try:
            yield line.decode("utf-8")
        except UnicodeDecodeError:
            mended.append(number)
            yield line.decode("utf-8", errors="replace")


_DELIMITERS = (",", ";", "\t")


def guess_delimiter(first_lines: str) -> str:
    """Comma unless the first line that has any (the header, or the query line before it,
    which a sheet writes with the same delimiter) has more semicolons (Excel in much of
    Europe) or tabs (a sheet saved as TSV). Only that line counts: a row's cells (a TAGS
    sheet's entities JSON) hold commas of their own."""
    line = next((line for line in first_lines.split("\n") if any(d in line for d in _DELIMITERS)), "")
    counts = {d: line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def sample_delimiter(sample: Sample) -> str:
    """The delimiter of a sniff sample's rows."""
    return guess_delimiter("\n".join(sample.stripped.split("\n", 2)[:2]))


def file_delimiter(path: Path) -> str:
    """The delimiter of a CSV file, from its first lines (comma when they cannot be read:
    reading the rows reports why)."""
    try:
        with open_text(path) as fh:
            return guess_delimiter(fh.readline() + fh.readline())
    except (UnicodeDecodeError, InputError):
        return ","


def sample_rows(sample: Sample, limit: int = 2, delimiter: str = ",") -> list[list[str]]:
    """The first non-blank rows of a sniff sample; [] when it is not text or not CSV."""
    if sample.zip_names is not None or not sample.text:
        return []
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(sample.text, newline=""), delimiter=delimiter):
            if any(value.strip() for value in row):
                rows.append(row)
                if len(rows) >= limit:
                    break
    except csv.Error:
        pass
    return rows


def header_names(row: list[str]) -> set[str]:
    return {value.strip().lower() for value in row}


# --- time ---------------------------------------------------------------------------------


class LocalZone(ValueError):
    """A time whose zone is an abbreviation several zones share ('EST', 'CST', 'IST'): its
    local ``moment`` (naive) and the ``abbreviation``, which --tz may settle."""

    def __init__(self, value: str, moment: datetime, abbreviation: str) -> None:
        super().__init__(f"{value!r} names its zone by the abbreviation {abbreviation!r}")
        self.moment = moment
        self.abbreviation = abbreviation


def parse_timestamp(value: str, day_first: bool = False) -> datetime:
    """ISO 8601, a v1.1 date, epoch seconds, milliseconds or microseconds, RFC 2822 (e-mail,
    RSS: with its zone; ``-0000`` is UTC), JavaScript's Date.toString(), M/D/YYYY [H:MM[:SS]
    [PM]] (D/M/YYYY with ``day_first``; D.M.YYYY always, as it is written where it is used)
    or YYYY/MM/DD [H:MM[:SS]]. A bare number of a few digits is no time (an Excel day number
    and a count of seconds look alike): a sheet must keep its dates as dates.

    The result is aware when the text has a zone (epochs are UTC), naive otherwise. A zone
    written as UTC, GMT or Z is UTC; another abbreviation ('2021-12-03 19:00:12 EST', as Twint
    writes) raises :class:`LocalZone`, since several zones share most of them.
    Raises ValueError when the text is none of these.
    """
    text = value.strip()
    digits = text.replace(".", "", 1)
    if digits.isdecimal() and digits.isascii() and len(text.split(".")[0]) >= 9:
        number = float(text)
        if number >= 1e14:  # microseconds (chat-downloader's YouTube chat timestamps)
            number /= 1000
        try:
            return datetime.fromtimestamp(number / 1000 if number >= 1e11 else number, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise ValueError(f"{value!r} is not a date and time") from None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    if _RFC_2822.match(text):
        moment = parsedate_to_datetime(text)
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)  # "-0000"
    if zoned := _ZONE_SUFFIX.match(text):
        local, abbreviation = zoned.groups()
        if abbreviation not in ("AM", "PM"):
            moment = parse_timestamp(local, day_first)
            if moment.tzinfo is not None:
                raise ValueError(f"{value!r} is not a date and time")
            if abbreviation in UTC_NAMES:
                return moment.replace(tzinfo=UTC)
            raise LocalZone(value, moment, abbreviation)
    if text[:1].isalpha():
        try:
            return parse_v1_date(text)
        except (ValueError, KeyError, IndexError, OverflowError):
            pass
        if match := _JS_DATE.match(text):
            month, day, year, hour, minute, second, offset = match.groups()
            try:
                return datetime.strptime(f"{month} {day} {year} {hour}:{minute}:{second or 0} "
                                         f"{offset or ''}".strip(),
                                         "%b %d %Y %H:%M:%S %z" if offset else "%b %d %Y %H:%M:%S")
            except ValueError:
                raise ValueError(f"{value!r} is not a date and time") from None
    if match := _US_DATE.match(text):
        month, mark, day, year, hour, minute, second, half = match.groups()
        if day_first or mark == ".":
            month, day = day, month
        hours = int(hour or 0)
        if half:
            if not 1 <= hours <= 12:
                raise ValueError(f"{value!r} is not a date and time")
            hours = hours % 12 + (12 if half.lower() == "pm" else 0)
        return datetime(int(year), int(month), int(day), hours, int(minute or 0),
                        int(second or 0))
    if match := _YMD_SLASHED.match(text):
        return datetime(*(int(part or 0) for part in match.groups()))  # type: ignore[misc]
    raise ValueError(f"{value!r} is not a date and time")


def local_time(moment: datetime, abbreviation: str, tz: ZoneInfo) -> datetime | None:
    """A naive local time written with a zone abbreviation, placed in ``tz`` (aware UTC), or
    None when ``tz`` does not call its time so then. The abbreviation also settles the
    repeated hour of a DST change (EDT, then EST). Where the zone database gives ``tz`` no
    abbreviation but its offset ("-03" for America/Sao_Paulo, which exports still write
    "BRT"), --tz is taken at its word for an abbreviation the database gives no zone."""
    for fold in (0, 1):
        placed = moment.replace(tzinfo=tz, fold=fold)
        if placed.tzname() == abbreviation:
            return placed.astimezone(UTC)
    placed = moment.replace(tzinfo=tz)
    if _OFFSET_NAME.fullmatch(placed.tzname() or "") and abbreviation not in _abbreviations(moment.year):
        return placed.astimezone(UTC)
    return None


@cache
def _abbreviations(year: int) -> frozenset[str]:
    """The abbreviations the zone database gives its zones in a year (EST, CET...)."""
    names: set[str] = set()
    for key in available_timezones():
        try:
            zone = ZoneInfo(key)
        except (ValueError, OSError):
            continue
        for month in (1, 7):
            names.add(datetime(year, month, 15, 12, tzinfo=zone).tzname() or "")
    return frozenset(names)


_OFFSET_NAME = re.compile(r"[+-]\d{2}(?:\d{2})?")  # the name of a zone with no abbreviation


def day_first_from(values: Iterator[str | None]) -> tuple[bool, str | None]:
    """Whether slashed dates (3/12/2021) write the day first, from the first one that tells
    (a number over 12 before or after the first slash); the value that told, if any. Looks
    while the values are slashed dates: another form says the column is not of them."""
    for value in values:
        if not value or not value.strip():
            continue
        match = _US_DATE.match(value.strip())
        if match is None or match.group(2) != "/":
            return False, None
        first, second = int(match.group(1)), int(match.group(3))
        if first > 12 >= second:
            return True, value
        if second > 12 >= first:
            return False, value
    return False, None


def to_utc(moment: datetime, tz: ZoneInfo | None) -> datetime | None:
    """Aware UTC; a naive local time is placed in ``tz`` (None when there is no tz).

    zoneinfo with fold=0 decides the odd hours of a DST change: a repeated (ambiguous) local
    time is read as its first occurrence, a skipped (nonexistent) one with the offset in force
    before the change, which lands it just after the gap.
    """
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    if tz is None:
        return None
    return moment.replace(tzinfo=tz, fold=0).astimezone(UTC)


def no_zone(what: str, value: str) -> str:
    return f"{what} {value!r} is a local time without a zone; {TZ_HINT}"


# --- entities in plain text ---------------------------------------------------------------


def text_entities(text: str) -> tuple[list[str], list[str], list[str]]:
    """(mentions, hashtags, urls) written in a tweet's text, de-duplicated in order."""
    mentions = _MENTION.findall(text) if "@" in text else []
    hashtags = [t for t in _HASHTAG.findall(text) if not t.isdigit()] if "#" in text else []
    urls = [u.rstrip(_TRAILING) for u in _URL.findall(text)] if "://" in text else []
    return unique(mentions), unique(hashtags), unique([u for u in urls if "://" in u])


def leading_handle(text: str) -> str | None:
    """The handle a tweet starts with ('@ann thanks' -> 'ann'): how X shows a reply."""
    match = _LEADING.match(text.lstrip())
    return match.group(1) if match else None


#: What names an item of a listed object: Twint's mentions and reply_to ({'screen_name': ...}),
#: snscrape's users, links and media (User(username=...), TextLink(url=...),
#: Photo(fullUrl=...)) as pandas writes them. Handles and links each have their own keys.
HANDLE_KEYS = ("screen_name", "username")
LINK_KEYS = ("expanded_url", "fullUrl", "url", "previewUrl", "thumbnailUrl")
_REPR_FIELD = re.compile(r"""\b(\w+)['"]?\s*[:=]\s*['"]([^'"]+)['"]""")


def list_items(value: str | None, keys: tuple[str, ...] = HANDLE_KEYS) -> list[str] | None:
    """The items of a cell holding a Python or JSON list, as pandas writes a list column
    ("['a', 'b']", "[]", Twint's "[{'screen_name': 'ann', ...}]"), an object's item named by
    the first of ``keys`` it has; None for any other cell."""
    value = (value or "").strip()
    if not (value.startswith("[") and value.endswith("]")):
        return None
    try:
        items = ast.literal_eval(value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        found: dict[str, list[str]] = {}
        for key, text in _REPR_FIELD.findall(value):  # objects written as their repr
            if key in keys:
                found.setdefault(key, []).append(text)
        return next((found[key] for key in keys if key in found), None)
    if not isinstance(items, list | tuple):
        return None
    out = []
    for item in items:
        if isinstance(item, dict):
            item = next((item[key] for key in keys if item.get(key)), None)
        if isinstance(item, str | int) and not isinstance(item, bool) and str(item).strip():
            out.append(str(item).strip())
    return out


def split_links(value: str | None) -> list[str]:
    """Links in one cell, separated by spaces, newlines, or commas before the next link, or
    listed as pandas writes a list; a link without a scheme ('pic.twitter.com/x') gets https://."""
    value = cell(value)
    if not value:
        return []
    listed = list_items(value, LINK_KEYS)
    parts = listed if listed is not None else _LINK_SPLIT.split(value)
    links = []
    for part in parts:
        part = part.strip().rstrip(",;")
        if part and part not in EMPTY:  # (rtweet lists "NA" for a missing one)
            links.append(part if "://" in part else "https://" + part)
    return unique(links)


def split_items(value: str | None, prefix: str = "") -> list[str]:
    """Handles or hashtags listed in one cell ('a, b', "['a', 'b']", '#a #b', Twint's
    "[{'screen_name': 'a', ...}]"), prefix removed."""
    value = cell(value)
    if not value:
        return []
    listed = list_items(value)
    if listed is not None:
        items: Iterator[str] = iter(listed)
    else:
        items = (part.strip("[]()'\"") for part in _ITEM_SPLIT.split(value))
    return unique([item.lstrip(prefix) for item in items if item.lstrip(prefix) and item not in EMPTY])
