"""The contract every source fulfils, and the helpers they share for reading files.

A source turns one archive format into canonical :class:`~chatrecap.models.Post` records.
It declares an ``id`` (the ``--format`` value), a ``name``, and ``sniff()``, which looks
at the first bytes of a file (never only its name) and says how sure it is that the file is
its format. ``read()`` yields posts, and a :class:`~chatrecap.errors.RecordError` (yielded,
not raised) for each record it cannot use, so the rest of the file still imports.
"""

from __future__ import annotations

import codecs
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, ClassVar
from zoneinfo import ZoneInfo

import orjson

from chatrecap.errors import EmptyArchive, InputError, RecordError, ZipLimitError
from chatrecap.models import Author, Post, Superseded
from chatrecap.sources import _workbook

SNIFF_BYTES = 64 * 1024
#: A post as the store writes it (``chatrecap.store.post_row``'s form) and its author: what a
#: line source may give the import instead of a Post (``LineSource.parse_line_rows``).
PostRow = tuple[tuple[Any, ...], Author]

#: A zip entry may not expand past this many bytes (zip-bomb guard; it is read whole), nor
#: compress better than MAX_ZIP_RATIO to one; nor may the archive as a whole (many entries each
#: under the limits), past MAX_ZIP_TOTAL_BYTES.
MAX_ZIP_ENTRY_BYTES = 256 << 20
MAX_ZIP_TOTAL_BYTES = 4 << 30
MAX_ZIP_RATIO = 200
RATIO_CHECKED_FROM_BYTES = 10 << 20  # small entries may compress better (JSON of zeros)


@dataclass(slots=True)
class ReadOptions:
    """What the user told the importer about the files."""

    tz: ZoneInfo | None = None  # zone of naive timestamps (--tz)
    column_map: dict[str, str] = field(default_factory=dict)  # canonical field -> column (--map)
    chat: str | None = None


@dataclass(slots=True)
class Sample:
    """The start of a file, for sniffing."""

    path: Path
    head: bytes  # first SNIFF_BYTES bytes, BOM removed
    text: str  # head decoded with the detected encoding (may end mid-record)
    encoding: str
    zip_names: list[str] | None = None  # entry names of a zip archive, or files of a folder

    @property
    def stripped(self) -> str:
        return self.text.lstrip()


class Source:
    """Base class of sources; subclasses set the class attributes and both methods."""

    id: ClassVar[str]
    name: ClassVar[str]
    #: What the source needs from the user or provides, shown by ``chatrecap formats``.
    description: ClassVar[str] = ""
    #: Whether every folder given with this --format is one archive to read whole (a Slack
    #: export), not the files inside it. A source that reads only some folders whole (an
    #: unpacked X archive) leaves this False and recognises those folders in :meth:`sniff`.
    reads_folders: ClassVar[bool] = False
    #: Whether the source reads some zip archives as an export of its own (a Slack export, an
    #: account archive). A zip given with another source's --format is a bundle of archives
    #: of that format, each entry read as one (``chatrecap.bundles``).
    reads_zips: ClassVar[bool] = False

    def sniff(self, sample: Sample) -> float:
        """0 when the file is surely not this format, up to 1 when it surely is."""
        raise NotImplementedError

    def part_of(self, sample: Sample) -> str | None:
        """What to import instead, when no source reads the file and it looks like a part of
        this format's archive that is read with the rest (a Slack channel's day file)."""
        return None

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | Superseded | RecordError]:
        """The file's posts and problems; and, from a source whose records say so, which of
        the posts are earlier versions of an edited one (:class:`Superseded`)."""
        raise NotImplementedError

    def raw_of(self, record: Any, native_id: str) -> Any:
        """A post's own part of the stored record: the record itself, or the object with
        the post's id inside it (a retweet's original, a boost's status); override when a
        faster lookup is known."""
        found = _find_by_id(record, native_id, depth=6)
        return record if found is None else found


def _find_by_id(value: Any, native_id: str, depth: int) -> Any:
    if isinstance(value, dict):
        if native_id in (value.get("id"), value.get("id_str"), value.get("uri")):
            return value
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return None
    if depth:
        for child in children:
            found = _find_by_id(child, native_id, depth - 1)
            if found is not None:
                return found
    return None


#: A line of a JSON Lines file as the import hands it to a source: its bytes, or, to a
#: source that says it ``takes_views``, a view of them in the run of the file read at once
#: (orjson and msgspec decode both as they are; no copy of each line is made).
Line = bytes | memoryview


class LineSource(Source):
    """A source whose every line is one self-contained record (JSONL formats).

    It only implements :meth:`parse_line`; the importer can then spread the lines of a
    large file over several processes, and keeps each line as the raw record.
    """

    #: Lines may come as ``memoryview`` (see :data:`Line`): the source decodes them and
    #: keeps none of them as they are (``bytes(line)`` first).
    takes_views: ClassVar[bool] = False

    def parse_line(self, line: Line, number: int, name: str,
                   options: ReadOptions) -> list[Post | Superseded | RecordError]:
        raise NotImplementedError

    def parse_line_rows(self, line: Line, number: int, name: str, options: ReadOptions,
                        observed: str | None) -> list[Post | PostRow | Superseded | RecordError]:
        """What the import reads of a line: :meth:`parse_line`'s posts, or, from a source
        that makes them straight from its records, (row, author) pairs in the store's form
        (``chatrecap.store.post_row``; ``observed`` where the record does not say when it
        was seen), which spares the import a Post per record."""
        return self.parse_line(line, number, name, options)

    def read(self, path: Path, options: ReadOptions) -> Iterator[Post | Superseded | RecordError]:
        name = str(path)
        for number, line in iter_json_lines(path):
            yield from self.parse_line(line, number, name, options)


# --- reading helpers --------------------------------------------------------------------


def json_error(name: str, number: int | None, exc: Exception) -> RecordError:
    """The warning for a line or document that is not JSON, with the column when known."""
    detail = str(exc)
    col = getattr(exc, "colno", None)
    if col is not None:
        detail = f"{getattr(exc, 'msg', detail)} at column {col}"
    return RecordError(name, number, f"not valid JSON ({detail}); skipped", kind="invalid JSON")


#: What mapping a malformed record raises: each is one record's RecordError, not the file's end.
RECORD_ERRORS = (KeyError, TypeError, ValueError, AttributeError, OverflowError, RecursionError)


def system_note(name: str, left_out: Mapping[str, int]) -> RecordError | None:
    """One note for the system messages (joins, renames, pins ...) a chat export holds,
    by kind: they are no posts, and without it the records read fall short of the export's
    message count unexplained. None when there were none."""
    total = sum(left_out.values())
    if not total:
        return None
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(left_out.items(), key=lambda kv: (-kv[1], kv[0])))
    return RecordError(name, None, f"{total:,} system message{'s' if total > 1 else ''} ({kinds}) left out: "
                       "joins, topics and the like are no posts", kind="system messages", skipped=False)


def unreadable(name: str, number: int | None, what: str, exc: BaseException) -> RecordError:
    """The warning for a record a source could not map: ``not <what> (<why>); skipped``."""
    why = f"field {exc.args[0]!r} is missing" if isinstance(exc, KeyError) else exc
    return RecordError(name, number, f"not {what} ({why}); skipped")


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def detect_encoding(head: bytes, path: Path | str = "") -> str:
    """The encoding of a file from its first bytes: a BOM, UTF-8, or a detected one.

    Raises InputError for binary data so it is never silently garbled.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" in head[:4096]:
        # UTF-16 without a BOM shows as every other byte zero in ASCII-heavy text.
        even, odd = head[0:4096:2], head[1:4096:2]
        if odd.count(0) > len(odd) * 0.4:
            return "utf-16-le"
        if even.count(0) > len(even) * 0.4:
            return "utf-16-be"
        raise InputError(f"{path}: this is a binary file, not a chat archive.")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 4:  # the sample ended inside a multi-byte character
            return "utf-8"
    # Spreadsheet exports that are not UTF-8 are nearly always Windows-1252; detectors
    # guess other Latin code pages on short samples and garble "ñ" or "ï".
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        pass
    text = head.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if sum(1 for ch in text if ord(ch) > 127) - bad >= 3 * bad:
        return "utf-8"  # (UTF-8 but for a stray byte or two, a row pasted from elsewhere: read so)
    from charset_normalizer import from_bytes  # only for text that is not UTF-8

    best = from_bytes(head).best()
    if best is None:
        raise InputError(
            f"{path}: the text encoding could not be recognised; save the file as UTF-8."
        )
    return best.encoding


def take_sample(path: Path) -> Sample:
    """Read the first bytes of a file (or list a zip or folder) for the sources to sniff."""
    if path.is_dir():
        names = sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file())
        return Sample(path, b"", "", "directory", zip_names=names)
    try:
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc}).") from exc
    kind = media_kind(head)
    if kind is not None:  # an export's attachments beside its messages, as often as not
        raise EmptyArchive(f"{path}: {kind}, not a chat archive; left out.")
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        names = list_zip(path)
        if _workbook.is_workbook(names):  # a spreadsheet: sniffed as the CSV of its rows
            return Sample(path, head, _workbook.sample_text(path), _workbook.ENCODING)
        return Sample(path, head, "", "binary", zip_names=names)
    encoding = detect_encoding(head, path)
    text = head.decode(encoding, errors="ignore")
    if text.startswith("\ufeff"):
        text = text[1:]
    return Sample(path, head, text, encoding)


#: (signatures at their offsets, what the file is) of the media files exports keep beside
#: their posts.
_MEDIA: tuple[tuple[tuple[tuple[int, bytes], ...], str], ...] = (
    (((0, b"\xff\xd8\xff"),), "a JPEG image"), (((0, b"\x89PNG\r\n\x1a\n"),), "a PNG image"),
    (((0, b"GIF87a"),), "a GIF image"), (((0, b"GIF89a"),), "a GIF image"),
    (((0, b"RIFF"), (8, b"WEBP")), "a WebP image"),
    (((0, b"\x00\x00"), (4, b"ftyp")), "a video or audio file (MP4)"),
    (((0, b"\x1aE\xdf\xa3"),), "a video (WebM)"), (((0, b"ID3"),), "an audio file (MP3)"),
    (((0, b"OggS"),), "an audio or video file (Ogg)"),
    (((0, b"RIFF"), (8, b"WAVE")), "an audio file (WAV)"), (((0, b"%PDF-"),), "a PDF document"),
)


def media_kind(head: bytes) -> str | None:
    """What a media file is, from its first bytes; None for anything else."""
    for signatures, kind in _MEDIA:
        if all(head[offset:offset + len(sig)] == sig for offset, sig in signatures):
            return kind
    return None


def open_text(path: Path, encoding: str | None = None) -> IO[str]:
    """Open a text file in its detected encoding (BOM stripped, newlines kept as-is)."""
    if encoding is None:
        with open(path, "rb") as fh:
            encoding = detect_encoding(fh.read(SNIFF_BYTES), path)
    if encoding == "utf-8":
        encoding = "utf-8-sig"
    return open(path, encoding=encoding, errors="strict", newline="")


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, UTF-8 bytes) for each non-blank line; fast path for UTF-8 files."""
    with open(path, "rb") as fh:
        encoding = detect_encoding(fh.read(SNIFF_BYTES), path)
    if encoding in ("utf-8", "utf-8-sig"):
        with open(path, "rb") as fh:
            for number, line in enumerate(fh, 1):
                if number == 1 and line.startswith(codecs.BOM_UTF8):
                    line = line[3:]
                if not line.isspace():  # (no strip(): that copies every long line)
                    yield number, line
        return
    number = 0
    try:
        with open_text(path, encoding) as fh:
            for number, text_line in enumerate(fh, 1):
                if text_line.strip():
                    yield number, text_line.encode("utf-8")
    except UnicodeError as exc:
        raise InputError(f"{path}:{number + 1}: not valid {encoding} text "
                         f"({getattr(exc, 'reason', exc)}); "
                         "save the file as UTF-8.") from exc


def is_json_lines(path: Path) -> bool:
    """Whether a JSON file is JSON Lines, or one document instead: an array (on one line or
    pretty-printed), or a first line that only opens a pretty-printed object. Told by the
    first line's first bytes, without parsing it."""
    first = next(iter_lines(path), None)
    if first is None:
        return True
    line = first[1].strip()
    return not line.startswith(b"[") and line != b"{"


def iter_json_lines(path: Path, json_lines: bool | None = None) -> Iterator[tuple[int, bytes]]:
    """The records of a JSON Lines file as its lines; of a file that holds them as one JSON
    document instead (an API response saved pretty-printed, or an array of them), each
    record as one compact line, numbered by its position in the array. ``json_lines``: what
    :func:`is_json_lines` said of the file, when the caller asked already."""
    if json_lines is None:
        json_lines = is_json_lines(path)
    if json_lines:
        yield from iter_lines(path)
        return
    try:
        document = orjson.loads(read_document(path))
    except orjson.JSONDecodeError as exc:
        raise InputError(f"{path}: the file is not valid JSON ({exc}).") from exc
    for position, record in enumerate(document if isinstance(document, list) else [document], 1):
        yield position, orjson.dumps(record)


def iter_json(path: Path) -> Iterator[tuple[int | None, Any]]:
    """The JSON of a file that is either one document or JSON Lines.

    Yields ``(None, document)`` once for a document, or ``(line, value)`` per line of
    JSON Lines (a ``RecordError`` as the value for a line that is not JSON). JSON Lines is
    recognised by a first line that is a whole JSON object on its own, and another line
    after it: an API response saved compact, on one line, is a document (its records are
    placed by their position in it, as in the same response pretty-printed).
    """
    lines = iter_lines(path)
    first = next(lines, None)
    if first is None:
        raise EmptyArchive(f"{path}: the file is empty: no posts to import.")
    try:
        value = orjson.loads(first[1])
    except orjson.JSONDecodeError:
        value = None
    if not isinstance(value, dict):
        document, cut = load_document(path)
        yield None, document
        if cut is not None:  # (a document cut short: its whole records were read)
            yield cut.line, cut
        return
    second = next(lines, None)
    if second is None:
        yield None, value
        return
    yield first[0], value
    for number, line in itertools.chain([second], lines):
        try:
            yield number, orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield number, json_error(str(path), number, exc)


def load_document(path: Path) -> tuple[Any, RecordError | None]:
    """The JSON document a file holds. A document cut short (a download that stopped, a
    copy of its first megabytes) keeps its whole records, those of its list (the document
    itself, or a list in it: a Discord export's ``messages``), with a note naming the record
    it cuts, left out. A document broken elsewhere, or cut inside its only record, is an
    error, as before."""
    text = read_document(path)
    try:
        return orjson.loads(text), None
    except orjson.JSONDecodeError as exc:
        error = exc
    salvaged = _cut_short(text) if error.pos >= len(text.rstrip()) - 1 else None
    if salvaged is None:
        raise InputError(f"{path}: the file is not valid JSON ({error}).")
    document, kept, cut = salvaged
    if cut:
        return document, RecordError(
            str(path), kept + 1, f"the file ends inside this record (not valid JSON: {error}): it "
            f"seems cut short; the {kept:,} whole records before it were read, this one is left out",
            kind="cut short")
    return document, RecordError(
        str(path), None, f"the file ends before the end of its JSON (not valid JSON: {error}): it "
        "seems cut short after its last whole record; every record in it was read",
        kind="cut short", skipped=False)


# A JSON string (perhaps unterminated, where the text is cut), or a bracket or comma.
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{},]')


#: Members of a document's object that hold its records: Discord's messages, a search's
#: statuses or posts, an author feed, a thread's context, an API page's data.
_RECORD_LISTS = frozenset({"messages", "statuses", "posts", "feed", "ancestors", "descendants",
                           "data", "notifications", "items", "results",
                           "orderedItems"})  # (a Mastodon account archive's outbox.json)
_KEY_BEFORE = re.compile(r'"(\w+)"\s*:\s*$')


def _cut_short(text: str) -> tuple[Any, int, bool] | None:
    """A document cut short, ended after its last whole record: (the document, its whole
    records, whether a record was cut). The records are the elements of the document's list,
    or of its object's list of records (``_RECORD_LISTS``) open where it stops. None when the
    cut falls anywhere else (inside a single record, after the records), or no record is whole."""
    stack: list[list[Any]] = []  # [bracket, its start, where its whole elements end, how many]
    for token in _JSON_TOKEN.finditer(text):
        mark = token.group()
        if mark in ("[", "{"):
            stack.append([mark, token.start(), token.end(), 0])
        elif mark in ("]", "}"):
            if not stack:
                return None
            stack.pop()
            if stack and stack[-1][0] == "[":  # (an element closed: whole, up to here)
                stack[-1][2], stack[-1][3] = token.end(), stack[-1][3] + 1
        elif mark == "," and stack and stack[-1][0] == "[" and text[stack[-1][2]:token.start()].strip():
            stack[-1][2], stack[-1][3] = token.start(), stack[-1][3] + 1  # (a plain value before it)
    if stack and stack[0][0] == "[":
        depth = 0
    elif (len(stack) > 1 and stack[1][0] == "["
          and (key := _KEY_BEFORE.search(text, 0, stack[1][1])) and key.group(1) in _RECORD_LISTS):
        depth = 1
    else:
        return None
    _, _, end, kept = stack[depth]
    if not kept:
        return None
    closing = "".join("]" if entry[0] == "[" else "}" for entry in reversed(stack[:depth + 1]))
    try:
        document = orjson.loads(text[:end] + closing)
    except orjson.JSONDecodeError:
        return None
    if isinstance(document, dict):  # (and the whole lists of records before it: a Mastodon
        kept = sum(len(v) for k, v in document.items()  # context's ancestors, its descendants)
                   if k in _RECORD_LISTS and isinstance(v, list))
    return document, kept, bool(text[end:].strip().lstrip(",").strip())


def read_document(path: Path) -> str:
    """The whole file as text in its detected encoding. A UTF-8 file cut inside its last
    character (a download that stopped in an emoji) is read up to it: what that cuts is for
    the reader to tell (``load_document`` keeps a JSON document's whole records)."""
    try:
        with open_text(path) as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        text = (_cut_in_a_character(path) if exc.reason == "unexpected end of data"
                and exc.encoding.replace("_", "-").lower() in ("utf-8", "utf8") else None)
        if text is None:
            raise InputError(
                f"{path}: byte {exc.start} is not valid {exc.encoding}; save the file as UTF-8."
            ) from exc
        return text


def _cut_in_a_character(path: Path) -> str | None:
    """The UTF-8 text of a file whose last character was cut (its last 1-3 bytes begin one),
    without that piece; None when the file is broken anywhere else."""
    data = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    for cut in (1, 2, 3):
        try:
            return data[:-cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
    return None


def list_zip(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(f"{path}: the zip archive is truncated or corrupt ({exc}).") from exc


def check_zip(zf: zipfile.ZipFile, archive: Path | str, read: Iterable[str] | None = None) -> None:
    """Refuse an archive that would expand past the limits as a whole: thousands of entries
    each just under an entry's limits are a zip bomb too. (Each entry is held to its declared
    size when it is read, so the declared sizes can be trusted.) ``read``: the entries that
    will be read, when not all (an X archive's gigabytes of media are never opened)."""
    wanted = None if read is None else set(read)
    infos = [i for i in zf.infolist() if wanted is None or i.filename in wanted]
    total, packed = sum(i.file_size for i in infos), sum(i.compress_size for i in infos)
    if total > MAX_ZIP_TOTAL_BYTES or (packed and total / packed > MAX_ZIP_RATIO
                                       and total > RATIO_CHECKED_FROM_BYTES):
        raise ZipLimitError(
            f"{archive}: refused, it would expand to {total:,} bytes in all (limit "
            f"{MAX_ZIP_TOTAL_BYTES:,} bytes, ratio {MAX_ZIP_RATIO}:1); unpack it yourself if you trust it.")


def check_zip_entry(info: zipfile.ZipInfo, archive: Path | str) -> None:
    """Refuse an entry that would expand past an entry's limits."""
    if info.file_size > MAX_ZIP_ENTRY_BYTES or (
        info.compress_size and info.file_size / info.compress_size > MAX_ZIP_RATIO
        and info.file_size > RATIO_CHECKED_FROM_BYTES
    ):
        raise ZipLimitError(
            f"{archive}!{info.filename}: refused, it would expand to {info.file_size:,} bytes "
            f"(limit {MAX_ZIP_ENTRY_BYTES:,} bytes, ratio {MAX_ZIP_RATIO}:1); "
            "unpack it yourself if you trust it."
        )


def read_zip_entry(zf: zipfile.ZipFile, name: str | zipfile.ZipInfo, archive: Path | str) -> bytes:
    """An entry's bytes, refusing entries that would expand past the limits (read at once
    into one buffer, so an entry takes its size in memory once, not twice). ``name``: its
    name, or its ZipInfo (a zip may hold two entries of one name)."""
    info = name if isinstance(name, zipfile.ZipInfo) else zf.getinfo(name)
    name = info.filename
    check_zip_entry(info, archive)
    try:
        with zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, RuntimeError, zlib.error) as exc:
        raise InputError(f"{archive}!{name}: the zip entry is corrupt ({exc}).") from exc
    if len(data) > info.file_size:
        raise ZipLimitError(f"{archive}!{name}: refused, it expands past its declared size.")
    return data
