"""Property-based robustness tests: every registered source against random and mutated input.

The contract checked everywhere:

* ``take_sample()``, ``detect()`` and ``Source.read()`` raise nothing but ``InputError``
  (a whole file that cannot be read);
* ``Source.sniff()`` never raises and returns a float in [0, 1];
* ``read()`` yields only ``Post`` and ``RecordError``; every ``Post`` has a non-empty
  ``native_id`` string, a ``text`` string and a timezone-aware ``created_at`` in UTC;
* ``import_file()`` never raises on bad input, and importing the same file twice adds nothing.

Inputs come from four places: byte-level mutations of the real files (shared data and the
project's fixtures), structured fuzzing (JSON built from the keys the parsers look at, and
mutations of the real records; CSV rows under the real headers), arbitrary text for the
clean-up helpers, and mutated twarc2 / TAGS files imported end to end.
"""

from __future__ import annotations

import bz2
import codecs
import copy
import csv
import gzip
import html
import io
import itertools
import json
import lzma
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest
import zstandard
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from chatrecap.errors import InputError, RecordError
from chatrecap.export import iter_records
from chatrecap.importer import FileReport, import_file
from chatrecap.models import Post, Superseded
from chatrecap.sources import all_sources, detect, get_source
from chatrecap.sources._twitter import parse_iso, storage_time
from chatrecap.sources.base import ReadOptions, Source, take_sample
from chatrecap.sources.tags import COLUMNS as TAGS_COLUMNS
from chatrecap.store import Store, iso, open_store
from chatrecap.text import (
    _SUSPECT,
    _suspect,
    clean_markup,
    clean_text,
    fix_mojibake,
    html_to_text,
    plain_markup,
    unescape,
)

TESTS = Path(__file__).resolve().parent
DATA = TESTS.parent.parent / "shared" / "data"
FIXTURES = TESTS / "fixtures"

DUBOIS_MAP = {"text": "content", "author": "username", "time": "datetime"}
NEW_YORK = ZoneInfo("America/New_York")
ZONES = (None, NEW_YORK, ZoneInfo("Asia/Kolkata"))
#: Seeds larger than this are cut down (whole lines, rows or JSON items) to keep runs short.
SEED_BYTES = 24_000

_SLOW_OK = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
            HealthCheck.data_too_large]


def fuzz_settings(examples: int) -> settings:
    """For the tests that write and import files: no shrinking, which can take minutes per
    failure on inputs this large; a failure prints every draw (labelled) and Hypothesis
    replays it from its database on the next run."""
    return settings(max_examples=examples, deadline=None, suppress_health_check=_SLOW_OK,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate])


def text_settings(examples: int) -> settings:
    return settings(max_examples=examples, deadline=None, suppress_health_check=_SLOW_OK)


# --- the contract -------------------------------------------------------------------------


def check_post(item: Post, where: str) -> None:
    assert isinstance(item.native_id, str) and item.native_id, (
        f"{where}: Post.native_id is {item.native_id!r}")
    assert isinstance(item.text, str), f"{where}: Post.text is {type(item.text).__name__}"
    created = item.created_at
    assert isinstance(created, datetime), f"{where}: created_at is {created!r}"
    assert created.tzinfo is not None and created.utcoffset() == timedelta(0), (
        f"{where}: created_at {created!r} is not aware UTC")


def read_checked(source: Source, path: Path, options: ReadOptions) -> list[Post | Superseded | RecordError]:
    """Everything read() yields until it ends or raises InputError, each item checked."""
    items: list[Post | Superseded | RecordError] = []
    try:
        for item in source.read(path, options):
            if isinstance(item, Post):
                check_post(item, f"{source.id} {path.name}")
            elif isinstance(item, Superseded):  # (an edited tweet's earlier version, by its chain of ids)
                assert item.post_id and item.by_id and item.post_id != item.by_id, (
                    f"{source.id} {path.name}: {item!r}")
            else:
                assert isinstance(item, RecordError), (
                    f"{source.id} yielded a {type(item).__name__}: {item!r}")
            items.append(item)
    except InputError:
        pass
    return items


def sniff_checked(path: Path) -> None:
    """take_sample raises at most InputError; every source's sniff gives a float in [0, 1]."""
    try:
        sample = take_sample(path)
    except InputError:
        return
    for source in all_sources():
        score = source.sniff(sample)
        assert isinstance(score, float) and 0.0 <= score <= 1.0, (
            f"{source.id}.sniff returned {score!r}")


def detect_checked(path: Path, options: ReadOptions) -> None:
    """What the importer does without --format: detect, then read with the winner."""
    try:
        source = detect(path)
    except InputError:
        return
    read_checked(source, path, options)


def import_checked(store: Store, path: Path, fmt: str | None,
                   options: ReadOptions) -> FileReport:
    report = import_file(store, path, fmt, options)
    assert isinstance(report, FileReport)
    assert report.records >= report.new >= 0
    assert report.duplicates >= 0 and report.referenced >= 0
    return report


def full_check(store: Store, source_id: str, path: Path, options: ReadOptions) -> None:
    sniff_checked(path)
    read_checked(get_source(source_id), path, options)
    detect_checked(path, options)
    import_checked(store, path, None, options)


# --- seeds: the real files ----------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    source_id: str
    name: str
    data: bytes = field(default=b"", repr=False)
    options: ReadOptions = field(default_factory=ReadOptions, compare=False)
    folder: Path | None = None  # a Slack export unpacked to a folder


def _trim_page(record: Any) -> Any:
    """A twarc2 API page with its data and includes cut to a few items each."""
    if isinstance(record, dict) and isinstance(record.get("data"), list):
        record = dict(record, data=record["data"][:4])
        includes = record.get("includes")
        if isinstance(includes, dict):
            record["includes"] = {k: v[:12] if isinstance(v, list) else v
                                  for k, v in includes.items()}
    return record


def _trim_jsonl(data: bytes) -> bytes:
    out: list[bytes] = []
    size = 0
    for line in data.splitlines(keepends=True):
        if len(line) > SEED_BYTES:
            line = orjson.dumps(_trim_page(orjson.loads(line))) + b"\n"
        out.append(line)
        size += len(line)
        if size >= SEED_BYTES:
            break
    return b"".join(out)


def _trim_csv(data: bytes) -> bytes:
    """Whole rows (a quoted cell may span lines) up to about SEED_BYTES."""
    text = data.decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    reader = csv.reader(io.StringIO(text, newline=""))
    end = 0
    for _ in reader:
        end = reader.line_num
        if len("".join(lines[:end]).encode()) >= SEED_BYTES:
            break
    return "".join(lines[:end]).encode()


def _trim_json(data: bytes) -> bytes:
    doc = orjson.loads(data)
    if isinstance(doc, list):
        keep = 1
        while keep < len(doc) and len(orjson.dumps(doc[:keep + 1])) < SEED_BYTES:
            keep += 1
        doc = doc[:keep]
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)


def _load(path: Path) -> bytes:
    data = path.read_bytes()
    if len(data) <= SEED_BYTES:
        return data
    if path.suffix == ".jsonl":
        return _trim_jsonl(data)
    if path.suffix == ".csv":
        return _trim_csv(data)
    if path.suffix == ".json":
        return _trim_json(data)
    return data


def _files(folder: Path, pattern: str) -> list[Path]:
    found = sorted(folder.glob(pattern))
    assert found, f"no {pattern} under {folder}"
    return found


@cache
def seeds(group: str) -> tuple[Seed, ...]:
    assert DATA.is_dir(), f"the shared data folder is missing: {DATA}"
    if group == "jsonl":
        return (Seed("jsonl", "export.jsonl", canonical_jsonl()),)
    if group == "slack-dir":
        return (Seed("slack", "threads-export", folder=FIXTURES / "slack" / "threads-export"),)
    if group == "csv":
        return (
            Seed("csv", "tweets.csv", _load(DATA / "duboischallenge" / "tweets.csv"),
                 ReadOptions(column_map=dict(DUBOIS_MAP))),
            Seed("csv", "bad_rows.csv", _load(FIXTURES / "csv" / "bad_rows.csv")),
            Seed("csv", "naive_times.csv", _load(FIXTURES / "csv" / "naive_times.csv"),
                 ReadOptions(tz=NEW_YORK)),
            Seed("csv", "semicolon.csv", _load(FIXTURES / "csv" / "semicolon.csv"),
                 ReadOptions(column_map={"author": "handle"})),
        )
    paths = {
        "twarc2": _files(DATA / "twarc2", "*.jsonl"),
        "twitter-v1": _files(DATA / "twitter_v1", "*.json"),
        "tags": _files(DATA / "tags", "*.csv") + _files(FIXTURES / "tags", "*.csv"),
        "twitter-archiver": (_files(DATA / "twitter-archiver", "*.csv")
                             + _files(FIXTURES / "twitter-archiver", "*.csv")),
        "mastodon": _files(DATA / "mastodon", "*.json") + _files(FIXTURES / "mastodon", "*"),
        "bluesky": _files(DATA / "bluesky", "*.json") + _files(FIXTURES / "bluesky", "*"),
        "discord": _files(FIXTURES / "discord", "*.json"),
        "twarc-csv": _files(FIXTURES / "twarc-csv", "*.csv"),
        "snscrape": _files(FIXTURES / "snscrape", "*"),
        "slack-zip": _files(DATA / "slack", "*.zip"),
    }[group]
    source_id = "slack" if group == "slack-zip" else group
    return tuple(Seed(source_id, p.name, _load(p)) for p in paths)


@lru_cache(maxsize=1)
def canonical_jsonl() -> bytes:
    """Real canonical JSONL: a few real archives imported, then exported."""
    with tempfile.TemporaryDirectory() as tmp:
        with open_store(Path(tmp) / "seed.db") as store:
            for path in (DATA / "twarc2" / "two_tweets.jsonl",
                         DATA / "mastodon" / "status_reply.json",
                         DATA / "bluesky" / "thread_view_post_with_embed_media.json",
                         DATA / "tags" / "tidytags_sample-tweet.csv"):
                import_file(store, path)
            lines = [orjson.dumps(record) for record in iter_records(store)]
    assert lines
    return b"\n".join(lines) + b"\n"


def json_seed_docs(group: str) -> tuple[Any, ...]:
    """The real records of a JSON format, parsed: one per JSONL line, or whole documents."""
    docs: list[Any] = []
    for seed in seeds(group):
        chunks = seed.data.splitlines() if seed.name.endswith(".jsonl") else [seed.data]
        for chunk in chunks:
            try:
                docs.append(orjson.loads(chunk))
            except orjson.JSONDecodeError:
                continue  # the fixtures' deliberately broken lines
    assert docs, f"no parsable {group} records"
    return tuple(docs)


@lru_cache(maxsize=1)
def slack_seed() -> dict[str, Any]:
    """The parsed files of the real Slack export (zip) and the fixture folder."""
    files: dict[str, Any] = {"users.json": [], "channels.json": []}
    messages: list[Any] = []
    with zipfile.ZipFile(io.BytesIO(seeds("slack-zip")[0].data)) as zf:
        entries = {name: zf.read(name) for name in zf.namelist() if name.endswith(".json")}
    folder = FIXTURES / "slack" / "threads-export"
    entries.update({p.relative_to(folder).as_posix(): p.read_bytes()
                    for p in folder.rglob("*.json")})
    for name, raw in entries.items():
        doc = orjson.loads(raw)
        base = name.rpartition("/")[2]
        if base in ("users.json", "channels.json") and isinstance(doc, list):
            files[base] += doc
        elif isinstance(doc, list):
            messages += doc
    return {"users": files["users.json"], "channels": files["channels.json"],
            "messages": messages}


# --- byte mutations -------------------------------------------------------------------------

JUNK_LINES = (
    b"", b"{", b"}", b"[", b"]", b"[]", b"{}", b"null", b"0", b'"', b",,,,,", b'"a""b', b"NA",
    b"\xff\xfe\xfd", b"\x00\x00\x00", b"\xc3\x28", b"\xe2\x82", b"\xef\xbb\xbf",
    b'{"data": 5}', b'{"data": [{}]}', b'{"id": 1, "text": null}', b'{"messages": {}}',
    b'{"includes": {"users": [{}]}, "data": []}', b'[{"id": [], "account": {}}]',
    b'{"thread": {"post": {"uri": "at://x/app.bsky.feed.post/1"}}}',
)
TOKENS = (
    b'"', b"'", b",", b";", b":", b"{", b"}", b"[", b"]", b"\n", b"\r", b"\r\n", b"\t", b"\\",
    b"null", b"true", b"-", b"0", b"1e308", b"18446744073709551615", b"99999999999999999999",
    b"\\u0000", b"\\ud800", b"\x00", b"\xff", b"\xc3", b"\xe2\x80", b"\xf0\x9f",
    b"\xef\xbb\xbf", b"NA", b'""', b"<", b"&amp;", b"<![x[", b"</p>", b"Z", b"+01:00",
    b"0001-01-01T00:00:00+01:00", b"9999-12-31T23:59:59-01:00", b"2021-13-45T99:00:00Z",
)
MUTATIONS = ("truncate", "delete", "insert", "flip", "dup_line", "junk_line", "swap_lines",
             "bom", "utf16", "cp1252", "token")
#: (signature, offset, width) of zip header fields: flags, method, sizes, name length, and the
#: end record's entry count and directory offset.
ZIP_FIELDS = (
    (b"PK\x01\x02", 8, 2), (b"PK\x01\x02", 10, 2), (b"PK\x01\x02", 20, 4),
    (b"PK\x01\x02", 24, 4), (b"PK\x01\x02", 28, 2), (b"PK\x03\x04", 6, 2),
    (b"PK\x03\x04", 8, 2), (b"PK\x03\x04", 18, 4), (b"PK\x03\x04", 22, 4),
    (b"PK\x05\x06", 10, 2), (b"PK\x05\x06", 16, 4),
)
ZIP_VALUES = (0, 1, 8, 9, 12, 14, 99, 0x800, 0x801, 0xFFFF, 0xFFFFFFFF)


def _lines(raw: bytes) -> list[bytes]:
    return raw.splitlines(keepends=True) or [b""]


def mutate_once(draw: st.DataObject, raw: bytes, kind: str) -> bytes:
    size = len(raw)
    if kind == "truncate":
        return raw[:draw.draw(st.integers(0, size), label="cut at")]
    if kind == "delete":
        start = draw.draw(st.integers(0, size), label="delete from")
        return raw[:start] + raw[start + draw.draw(st.integers(1, 64), label="delete n"):]
    if kind == "insert":
        at = draw.draw(st.integers(0, size), label="insert at")
        return raw[:at] + draw.draw(st.binary(min_size=1, max_size=16), label="bytes") + raw[at:]
    if kind == "flip":
        if not raw:
            return raw
        at = draw.draw(st.integers(0, size - 1), label="flip at")
        mask = draw.draw(st.integers(1, 255), label="mask")
        return raw[:at] + bytes([raw[at] ^ mask]) + raw[at + 1:]
    if kind == "zip_header":
        sig, offset, width = draw.draw(st.sampled_from(ZIP_FIELDS), label="zip field")
        starts = [m.start() for m in re.finditer(re.escape(sig), raw)]
        if not starts:
            return raw
        at = draw.draw(st.sampled_from(starts), label="header at") + offset
        value = draw.draw(st.sampled_from(ZIP_VALUES) | st.integers(0, 256**width - 1),
                          label="field value") % 256**width
        return raw[:at] + value.to_bytes(width, "little") + raw[at + width:]
    if kind == "token":
        at = draw.draw(st.integers(0, size), label="token at")
        return raw[:at] + draw.draw(st.sampled_from(TOKENS), label="token") + raw[at:]
    lines = _lines(raw)
    if kind == "dup_line":
        i = draw.draw(st.integers(0, len(lines) - 1), label="line")
        lines.insert(i, lines[i])
    elif kind == "junk_line":
        i = draw.draw(st.integers(0, len(lines) - 1), label="line")
        junk = draw.draw(st.sampled_from(JUNK_LINES) | st.binary(max_size=40), label="junk")
        lines[i] = junk + b"\n"
    elif kind == "swap_lines":
        i = draw.draw(st.integers(0, len(lines) - 1), label="line a")
        j = draw.draw(st.integers(0, len(lines) - 1), label="line b")
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "bom":
        bom = draw.draw(st.sampled_from([codecs.BOM_UTF8, codecs.BOM_UTF16_LE,
                                         codecs.BOM_UTF16_BE]), label="bom")
        return bom + raw
    elif kind in ("utf16", "cp1252"):
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw
        if kind == "cp1252":
            return text.encode("cp1252", errors="replace")
        codec = draw.draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be"]), label="codec")
        return text.encode(codec)
    return b"".join(lines)


def mutate(draw: st.DataObject, raw: bytes) -> bytes:
    kinds = MUTATIONS + ("zip_header",) * 4 if raw.startswith(b"PK") else MUTATIONS
    for _ in range(draw.draw(st.integers(1, 3), label="mutations")):
        raw = mutate_once(draw, raw, draw.draw(st.sampled_from(kinds), label="kind"))
    return raw


def write_mutated(draw: st.DataObject, seed: Seed, work: Path) -> Path:
    """The seed mutated into ``work``: bytes for a file; one member for a zip or folder."""
    if seed.folder is not None:
        target = work / "export"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(seed.folder, target)
        members = sorted(p for p in target.rglob("*") if p.is_file())
        victim = draw.draw(st.sampled_from(members), label="member")
        victim.write_bytes(mutate(draw, victim.read_bytes()))
        return target
    target = work / seed.name
    if target.suffix == ".zip" and draw.draw(st.booleans(), label="mutate a member"):
        with zipfile.ZipFile(io.BytesIO(seed.data)) as zf:
            members = {info.filename: zf.read(info) for info in zf.infolist()}
        name = draw.draw(st.sampled_from(sorted(members)), label="member")
        members[name] = mutate(draw, members[name])
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for member, data in members.items():
                zf.writestr(member, data)
        target.write_bytes(out.getvalue())
    else:
        target.write_bytes(mutate(draw, seed.data))
    return target


def draw_seed(draw: st.DataObject, group: str) -> Seed:
    by_name = {seed.name: seed for seed in seeds(group)}
    return by_name[draw.draw(st.sampled_from(sorted(by_name)), label="seed")]


def draw_options(draw: st.DataObject, seed: Seed) -> ReadOptions:
    tz = draw.draw(st.sampled_from((seed.options.tz, *ZONES)), label="tz")
    return ReadOptions(tz=tz, column_map=dict(seed.options.column_map))


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


@pytest.fixture(scope="module")
def store(work: Path) -> Iterator[Store]:
    with open_store(work / "fuzz.db") as opened:
        yield opened


_counter = itertools.count()


def fresh_dir(work: Path) -> Path:
    folder = work / f"case{next(_counter)}"
    folder.mkdir()
    return folder


# --- 1. mutations of the real files -------------------------------------------------------

GROUPS = ("twarc2", "twitter-v1", "snscrape", "tags", "twitter-archiver", "csv", "twarc-csv", "mastodon",
          "bluesky", "discord", "slack-zip", "slack-dir", "jsonl")


def test_every_registered_source_has_seeds() -> None:
    ids = {source.id for source in all_sources()}
    covered = {seed.source_id for group in GROUPS for seed in seeds(group)}
    assert ids <= covered, f"sources without mutation seeds: {sorted(ids - covered)}"


@pytest.mark.parametrize("group", GROUPS)
@fuzz_settings(70)
@given(draw=st.data())
def test_mutated_real_files(group: str, draw: st.DataObject, work: Path, store: Store) -> None:
    seed = draw_seed(draw, group)
    folder = fresh_dir(work)
    path = write_mutated(draw, seed, folder)
    full_check(store, seed.source_id, path, draw_options(draw, seed))
    shutil.rmtree(folder)


COMPRESSIONS = {
    ".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
}


@pytest.mark.parametrize("group", ("twarc2", "tags", "mastodon"))
@fuzz_settings(40)
@given(draw=st.data())
def test_mutated_compressed_files(group: str, draw: st.DataObject, work: Path, store: Store) -> None:
    """A real file, mutated, compressed, and its compressed bytes mutated in turn (cut
    short, flipped): the import raises nothing, and whatever it stores or says names the
    compressed file, never its temporary expansion."""
    seed = draw_seed(draw, group)
    folder = fresh_dir(work)
    suffix = draw.draw(st.sampled_from(sorted(COMPRESSIONS)), label="compression")
    data = mutate(draw, seed.data) if draw.draw(st.booleans(), label="mutate the content") else seed.data
    packed = COMPRESSIONS[suffix](data)
    if draw.draw(st.booleans(), label="mutate the compressed bytes"):
        packed = mutate(draw, packed)
    path = folder / (seed.name + suffix)
    path.write_bytes(packed)
    problems: list[RecordError] = []
    report = import_file(store, path, None, draw_options(draw, seed), on_problem=problems.append)
    assert report.records >= report.new >= 0
    said = [str(problem) for problem in problems] + [report.error or ""]
    assert not any("chatrecap-" in text for text in said), said
    stored = store.query("SELECT DISTINCT source_file FROM posts WHERE source_file LIKE ?", (f"{folder}%",))
    assert {name for (name,) in stored} <= {str(path)}
    shutil.rmtree(folder)


# --- 2. structured fuzzing: JSON ----------------------------------------------------------

KEYS = (
    "data", "includes", "id", "text", "author_id", "created_at", "user", "full_text",
    "account", "content", "messages", "guild", "channel", "uri", "value", "post", "thread",
    "users", "tweets", "media", "id_str", "author", "referenced_tweets", "type", "timestamp",
    "statuses", "retweeted_status", "quoted_status", "extended_tweet", "note_tweet", "reblog",
    "quote", "quoted_status_id", "record", "createdAt", "indexedAt", "$type", "py_type", "feed",
    "posts", "records", "parent", "replies", "embed", "reason", "by", "did", "handle", "facets",
    "index", "byteStart", "byteEnd", "features", "ts", "thread_ts", "bot_id", "username",
    "name", "platform", "native_id", "author_handle", "is_referenced", "public_metrics",
    "like_count", "entities", "mentions", "hashtags", "urls", "attachments", "media_keys",
    "media_key", "conversation_id", "__twarc", "retrieved_at", "matching_rules", "reactions",
    "count", "reference", "messageId", "spoiler_text", "tags", "card", "url", "in_reply_to_id",
    "in_reply_to_account_id", "in_reply_to_status_id", "in_reply_to_user_id", "acct", "note",
    "ancestors", "descendants", "screen_name", "files", "subtype", "observed_at", "chats",
)
STRINGS = (
    "", " ", "0", "1", "123", "1466879676807274496", "99999999999999999999", "-1", "1e3",
    "2021-03-04T12:00:00Z", "2021-03-04T12:00:00.000Z", "2021-03-04T12:00:00+05:30",
    "2021-03-04T12:00:00", "2021-03-04", "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00", "Wed Feb 05 18:21:36 +0000 2020",
    "Mon Jan 01 00:00:00 +0100 0001", "1614886212.000200", "1614886212", "99999999999999999999.1",
    "at://did:plc:abc/app.bsky.feed.post/3k", "at://", "at://did:plc:abc", "app.bsky.feed.post",
    "did:plc:abc", "handle.invalid", "retweeted", "quoted", "replied_to", "Reply", "Default",
    "bot_message", "channel_join", "https://twitter.com/a/status/123", "@ann hi #tag",
    "<p>hi <a href=\"https://x.y\">link</a></p>", "<span class=\"invisible\">x</span>",
    "<![foo[", "<t:99999999999999999999>", "<t:1614886212:f>", "<@123> <#1> <:e:1>",
    "<@U1> <!here> <https://x.y|x.y>", "&amp;lt;", "cafÃ©", "๐Ÿ™‚", "\u200b\ufeff", "\x00",
)
HOT_KEYS = frozenset(KEYS)
json_leaves = (
    st.none() | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.sampled_from((0, 1, -1, 2**63, 2**64 - 1, 10**20, 1614886212))
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20) | st.sampled_from(STRINGS)
)
json_values = st.recursive(
    json_leaves,
    lambda children: (st.lists(children, max_size=4)
                      | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6),
                                        children, max_size=6)),
    max_leaves=30,
)


def _paths(doc: Any, limit: int = 3000) -> list[tuple[Any, ...]]:
    """Paths (keys and indices) of every node of a JSON value, root first."""
    out: list[tuple[Any, ...]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), doc)]
    while stack and len(out) < limit:
        path, node = stack.pop()
        out.append(path)
        if isinstance(node, dict):
            stack.extend(((*path, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend(((*path, i), v) for i, v in enumerate(node))
    return out


def mutate_json(draw: st.DataObject, doc: Any) -> Any:
    """A real record with one to four nodes replaced by random values, deleted or doubled."""
    doc = copy.deepcopy(doc)
    for _ in range(draw.draw(st.integers(1, 4), label="json mutations")):
        paths = _paths(doc)
        hot = [p for p in paths if p and p[-1] in HOT_KEYS]
        if hot and draw.draw(st.booleans(), label="a key the parsers read"):
            paths = hot
        path = draw.draw(st.sampled_from(paths), label="path")
        op = draw.draw(st.sampled_from(["replace", "replace", "delete", "duplicate"]),
                       label="op")
        if not path:
            doc = draw.draw(json_values, label="root") if op == "replace" else doc
            continue
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        if op == "replace":
            parent[last] = draw.draw(json_values, label="value")
        elif op == "delete":
            del parent[last]
        elif isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        else:
            parent[last] = [parent[last], copy.deepcopy(parent[last])]
    return doc


def draw_docs(draw: st.DataObject, group: str) -> list[Any]:
    real = json_seed_docs(group)
    docs = []
    for _ in range(draw.draw(st.integers(1, 3), label="records")):
        if draw.draw(st.booleans(), label="from a real record"):
            index = draw.draw(st.integers(0, len(real) - 1), label=f"real {group} record #")
            docs.append(mutate_json(draw, real[index]))
        else:
            docs.append(draw.draw(json_values, label="random record"))
    return docs


def dumps(value: Any, indent: int | None = None) -> bytes:
    """JSON text; the standard library writes integers of any size, as a file may hold."""
    return json.dumps(value, ensure_ascii=False, indent=indent).encode("utf-8")


JSON_SOURCES = ("twarc2", "twitter-v1", "snscrape", "mastodon", "bluesky", "discord", "jsonl")


@pytest.mark.parametrize("source_id", JSON_SOURCES)
@fuzz_settings(50)
@given(draw=st.data())
def test_structured_json(source_id: str, draw: st.DataObject, work: Path, store: Store) -> None:
    docs = draw_docs(draw, source_id)
    indent = draw.draw(st.sampled_from([None, 2]), label="indent")
    folder = fresh_dir(work)
    as_lines = folder / "records.jsonl"
    as_lines.write_bytes(b"\n".join(dumps(doc) for doc in docs) + b"\n")
    as_doc = folder / "records.json"
    as_doc.write_bytes(dumps(docs if len(docs) > 1 else docs[0], indent))
    options = ReadOptions(tz=draw.draw(st.sampled_from(ZONES), label="tz"))
    for path in (as_lines, as_doc):
        sniff_checked(path)
        read_checked(get_source(source_id), path, options)
        import_checked(store, path, source_id, options)
    shutil.rmtree(folder)


#: (the fields of one record, the key that embeds another record of its kind, the JSON
#: levels each embedding adds)
NESTING = {
    "twitter-v1": ('"id_str": "1", "text": "hi", "user": {"id_str": "2"}, '
                   '"created_at": "Wed Feb 05 18:21:36 +0000 2020"', "retweeted_status", 1),
    "snscrape": ('"url": "https://twitter.com/a/status/1", "id": 1, "rawContent": "hi", '
                 '"user": {"username": "a", "id": 2}, "date": "2021-03-04T12:00:00+00:00"',
                 "retweetedTweet", 1),
    "mastodon": ('"id": "1", "account": {"id": "2"}, "created_at": "2021-03-04T12:00:00Z", '
                 '"content": "<p>hi</p>"', "reblog", 1),
    "bluesky": ('"uri": "at://did:plc:a/app.bsky.feed.post/1", "author": {"did": "did:plc:a"}, '
                '"value": {"text": "hi", "createdAt": "2021-03-04T12:00:00Z"}', "embed", 2),
}


@pytest.mark.parametrize("source_id", sorted(NESTING))
@fuzz_settings(8)
@given(depth=st.integers(0, 1020))
@example(depth=1020)
def test_deeply_nested_records(source_id: str, depth: int, work: Path) -> None:
    """A retweet of a retweet of ... (a boost of a boost, a quote of a quote) as deep as
    JSON parsers accept: read() reports it or reads it, and does not crash."""
    fields, key, levels = NESTING[source_id]
    depth //= levels
    opener = "{" + fields + f', "{key}": ' + ('{"record": ' if levels == 2 else "")
    text = "[" + opener * depth + "{" + fields + "}" + "}" * (depth * levels) + "]"
    path = fresh_dir(work) / "nested.json"
    path.write_text(text)
    read_checked(get_source(source_id), path, ReadOptions())


def _slack_messages(draw: st.DataObject) -> Any:
    real = slack_seed()["messages"]
    if draw.draw(st.integers(0, 9), label="day file shape") == 0:
        return draw.draw(json_values, label="day file")
    out = []
    for _ in range(draw.draw(st.integers(0, 4), label="messages")):
        if draw.draw(st.booleans(), label="real message"):
            index = draw.draw(st.integers(0, len(real) - 1), label="real message #")
            out.append(mutate_json(draw, real[index]))
        else:
            out.append(draw.draw(json_values, label="random message"))
    return out


@fuzz_settings(50)
@given(draw=st.data())
def test_structured_slack_export(draw: st.DataObject, work: Path, store: Store) -> None:
    seed = slack_seed()
    folder = fresh_dir(work)
    export = folder / "export"
    (export / "general").mkdir(parents=True)
    users = [seed["users"][i] for i in draw.draw(
        st.lists(st.integers(0, len(seed["users"]) - 1), max_size=4), label="real users #")]
    if users and draw.draw(st.booleans(), label="mutate users"):
        users = mutate_json(draw, users)
    channels = [seed["channels"][i] for i in draw.draw(
        st.lists(st.integers(0, len(seed["channels"]) - 1), max_size=3), label="real channels #")]
    channels.append({"id": "C1", "name": "general"})
    (export / "users.json").write_bytes(dumps(users))
    (export / "channels.json").write_bytes(dumps(channels))
    for day in ("2021-03-04", "2021-03-05"):
        (export / "general" / f"{day}.json").write_bytes(dumps(_slack_messages(draw)))
    targets = [export]
    if draw.draw(st.booleans(), label="also zipped"):
        archive = folder / "export.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for path in sorted(export.rglob("*.json")):
                zf.write(path, f"export/{path.relative_to(export).as_posix()}")
        targets.append(archive)
    for path in targets:
        sniff_checked(path)
        read_checked(get_source("slack"), path, ReadOptions())
        import_checked(store, path, "slack", ReadOptions())
    shutil.rmtree(folder)


# --- 2. structured fuzzing: CSV -----------------------------------------------------------

CELLS = (
    "", " ", "NA", "N/A", "null", "NaN", "0", "12.0", "1,234", "-5", "TRUE", "FALSE", "View",
    "1466879676807274496", "1.46688E+18", "123", "12345678901234567890123", "abc", "²",
    "Wed Feb 05 18:21:36 +0000 2020", "Mon Jan 01 00:00:00 +0100 0001", "Wed Foo 05 x",
    "2021-03-04T12:00:00Z", "2021-03-04 12:00:00", "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00", "12/3/2021 16:19:02", "12/3/2021 4:19 PM", "13/45/2021 99:99",
    "2/30/2021", "1638536400000", "1638536400", "99999999999999999999", "1e400",
    "@ann thanks #PSTweetChat https://t.co/x.", "pic.twitter.com/x, https://a.b; https://c.d",
    "https://twitter.com/ann/status/1466879676807274496", "{\"user_mentions\": [{}]}",
    "{\"hashtags\": 5}", "[1, 2]", "cafÃ©", "๐Ÿ™‚", "&amp;lt;b&gt;", "<![foo[", "x\ny", "\"",
    "Twitter Query: #Chat", "csv", "x", "mastodon", "Not A Platform!",
)


@cache
def csv_columns(seed_name: str, group: str) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """The header of a real CSV and up to 20 real values of each column."""
    seed = next(s for s in seeds(group) if s.name == seed_name)
    rows = list(csv.reader(io.StringIO(seed.data.decode("utf-8-sig"), newline="")))
    if rows and any(v.strip().startswith("Twitter Query:") for v in rows[0][:3]):
        rows = rows[1:]
    header = tuple(rows[0])
    values: dict[str, list[str]] = {name: [] for name in header}
    for row in rows[1:21]:
        for name, value in zip(header, row, strict=False):
            values[name].append(value)
    return header, {name: tuple(v) for name, v in values.items()}


def draw_csv(draw: st.DataObject, header: tuple[str, ...],
             values: dict[str, tuple[str, ...]], query_line: bool = False) -> bytes:
    header_row = list(header)
    if draw.draw(st.booleans(), label="shuffle header"):
        header_row = list(draw.draw(st.permutations(header_row), label="header order"))
    if draw.draw(st.integers(0, 4), label="extra column") == 0:
        header_row.append(draw.draw(st.text(max_size=8), label="extra name"))
    rows = [header_row]
    for _ in range(draw.draw(st.integers(0, 6), label="rows")):
        row = []
        for name in header_row:
            real = values.get(name) or ("",)
            cell = draw.draw(st.sampled_from(real) | st.sampled_from(CELLS)
                             | st.text(max_size=25), label=f"cell {name}")
            row.append(cell)
        cut = draw.draw(st.integers(0, len(row) + 2), label="row length")
        rows.append(row[:cut] if cut < len(row) else row + [""] * (cut - len(row)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw.draw(st.sampled_from(["\n", "\r\n"]),
                                                      label="newline"))
    if query_line:
        writer.writerow(["", "Twitter Query: #PSTweetChat lang:en"] + [""] * 3)
    writer.writerows(rows)
    data = out.getvalue().encode("utf-8")
    return codecs.BOM_UTF8 + data if draw.draw(st.booleans(), label="bom") else data


CSV_CASES = {
    "tags": ("tidytags_sample-data_TAGS_aect.csv", "tags"),
    "twitter-archiver": ("pstweetchat-2020-2021.csv", "twitter-archiver"),
    "csv": ("tweets.csv", "csv"),
    "twarc-csv": ("flat-sample.csv", "twarc-csv"),
}


@pytest.mark.parametrize("source_id", sorted(CSV_CASES))
@fuzz_settings(50)
@given(draw=st.data())
def test_structured_csv(source_id: str, draw: st.DataObject, work: Path, store: Store) -> None:
    header, values = csv_columns(*CSV_CASES[source_id])
    if source_id == "tags":
        header = tuple(dict.fromkeys(header + TAGS_COLUMNS))
    query = source_id == "twitter-archiver" and draw.draw(st.booleans(), label="query line")
    folder = fresh_dir(work)
    path = folder / "rows.csv"
    path.write_bytes(draw_csv(draw, header, values, query))
    options = ReadOptions(tz=draw.draw(st.sampled_from(ZONES), label="tz"),
                          column_map=dict(DUBOIS_MAP) if source_id == "csv" else {})
    sniff_checked(path)
    read_checked(get_source(source_id), path, options)
    import_checked(store, path, source_id, options)
    shutil.rmtree(folder)


# --- 3. text clean-up ---------------------------------------------------------------------

#: Pieces of markup, entities, mojibake and blanks, so that random text hits the branches.
FRAGMENTS = (
    "<", ">", "</", "<!", "<![", "[", "]", "<!--", "-->", "<p>", "</p>", "<br>", "<br/>",
    "<div>", "<span class=\"invisible\">", "</span>", "<script>", "</script>", "<a href='x'>",
    "</a>", "&", "&amp;", "&lt;", "&gt;", "&#39;", "&#x1F642;", "&nbsp;", "amp;", ";", "#",
    "CDATA", "foo", "if", " ", "  ", "\t", "\n", "\r", "\r\n", "\n\n\n", "\u00a0", "\u200b",
    "\ufeff", "\x00", "\x7f", "Ã©", "Ã", "©", "â€™", "â€", "๐Ÿ™‚", "๐", "Ÿ", "™", "‚", "โ",
    "สวัสดี", "é", "ü", "🙂", "a", "word", "x",
)
markupish = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=3),
                     max_size=12).map("".join)
any_text = st.text() | markupish


@text_settings(500)
@given(text=any_text)
@example(text="<![foo[x")
def test_text_helpers_never_raise(text: str) -> None:
    for helper in (clean_text, html_to_text, fix_mojibake):
        assert isinstance(helper(text), str)
    for flavour in ("discord", "slack"):  # and chat markup only ever takes marks away
        plain = plain_markup(text, flavour)
        assert len(plain) <= len(text) and set(plain) <= set(text)


@pytest.mark.parametrize(("flavour", "text", "plain"), [
    ("discord", "Today: **testing Python code**, __really__ ~~not~~ ||secret|| `pytest -q`",
     "Today: testing Python code, really not secret pytest -q"),
    ("discord", "# Q1\n*your* _first_ tool?", "Q1\nyour first tool?"),
    ("discord", "snake_case, 2*3*4, x * y, https://ex.com/_a_/b*c* stay", "snake_case, 2*3*4, x * y, "
     "https://ex.com/_a_/b*c* stay"),
    ("slack", "*A1:* _pytest_ ~unittest~ and my_var", "A1: pytest unittest and my_var"),
    # Code is shown as written, marks and all; its marks take nothing from the text around it.
    ("discord", "`__init__` is **run**", "__init__ is run"),
    ("discord", "```python\n# setup\nif __name__ == \"__main__\":\n    *args*\n``` **done**",
     "# setup\nif __name__ == \"__main__\":\n    *args*\n done"),
    ("discord", "`x`# not a heading\n# Heading", "x# not a heading\nHeading"),
    ("slack", "`_setup_` and `a ~b~ c`, _it_", "_setup_ and a ~b~ c, it"),
    ("discord", "**bold `code` bold** ||spoiler `x`|| ``a `b` c``", "bold code bold spoiler x a `b` c"),
    ("slack", "*bold `x`*", "bold x"),
    ("discord", "https://ex.com/a`b **c**", "https://ex.com/a`b c"),
    ("discord", "run `pip install https://x.io/pkg_v2_.zip` then **go**",
     "run pip install https://x.io/pkg_v2_.zip then go"),
    # Marks around a link go, as around words (a real Slack export, Zulip's importer tests).
    ("slack", "*Text with a link (https://chat.zulip.org/)*\n~https://chat.zulip.org/~",
     "Text with a link (https://chat.zulip.org/)\nhttps://chat.zulip.org/"),
    ("discord", "**see https://x.org/a_b** and ||https://x.org/s||", "see https://x.org/a_b and https://x.org/s"),
    # (a private-use character of the text's own, an old emoji, changes nothing)
    ("slack", "https://ex.org/_x_/y \ue002 *b*", "https://ex.org/_x_/y \ue002 b"),
    # ... nor one code was once set apart with: its code stays as written
    ("discord", "\ue000 `__init__` and __u__", "\ue000 __init__ and u"),
])
def test_chat_markup_marks_are_taken_away(flavour: str, text: str, plain: str) -> None:
    assert plain_markup(text, flavour) == plain


@pytest.mark.parametrize(("text", "clean"), [
    (":tada: :+1::skin-tone-3: thanks",
     "\N{PARTY POPPER} \N{THUMBS UP SIGN}\N{EMOJI MODIFIER FITZPATRICK TYPE-3} thanks"),
    # Slack's names where the library spells them otherwise; a tone drops the emoji's VS16.
    (":man-raising-hand: :female-technologist: :point_up::skin-tone-2:",
     "\N{HAPPY PERSON RAISING ONE HAND}\u200d\N{MALE SIGN}\ufe0f \N{WOMAN}\u200d\N{PERSONAL COMPUTER} "
     "\N{WHITE UP POINTING INDEX}\N{EMOJI MODIFIER FITZPATRICK TYPE-1-2}"),
    # The workspace's own emoji, a time, code and a link stay as written.
    (":partyparrot: at 10:57:30, `:smile:` and https://x.io/a:smile:b",
     ":partyparrot: at 10:57:30, :smile: and https://x.io/a:smile:b"),
    ("_:tada:_ *done* :heart:", "\N{PARTY POPPER} done \N{HEAVY BLACK HEART}\ufe0f"),
])
def test_slack_emoji_codes_are_their_emoji(text: str, clean: str) -> None:
    assert clean_markup(text, "slack") == clean


def test_emoji_codes_are_slacks_alone() -> None:
    """Discord's exports write emoji as characters, and a code there is a server's own; the
    marks alone (``plain_markup``) leave codes as written."""
    assert clean_markup(":tada: :+1:", "discord") == ":tada: :+1:"
    assert plain_markup(":tada: :+1:", "slack") == ":tada: :+1:"


def test_clean_markup_keeps_codes_blanks_as_written() -> None:
    """DiscordChatExporter-frontend's example guild: a fenced Python block lost its
    indentation to the clean-up of blanks (and Slack escapes & < > in code too)."""
    text = 'Here:\n```python\ndef main():\n    print("Hello  World!")\n```  and   **done**'
    assert clean_markup(text, "discord") == 'Here:\ndef main():\n    print("Hello  World!")\n and done'
    assert clean_markup("&lt;b&gt;  `a &amp;&amp;  b`", "slack") == "<b> a &&  b"
    assert clean_markup("no  marks here ", "slack") == clean_text("no  marks here ")
    # Entities that decode to the characters code is set apart with are text, not code.
    assert clean_markup("&#xe000;7&#xe001; see `x`", "discord") == "\ue0007\ue001 see x"
    assert clean_markup("&amp;lt; `&amp;lt;`", "slack") == "&lt; &lt;"


@text_settings(500)
@given(text=any_text.filter(lambda t: "&" not in t))
@example(text="Ã\u200b©")
def test_clean_text_is_idempotent(text: str) -> None:
    """Cleaning clean text changes nothing.

    Text with "&" is left out on purpose: clean_text decodes entities on every call, so
    "&amp;lt;" gives "&lt;" and then "<". That is what a decoder does; the harm it causes
    when text is decoded twice is checked by test_html_to_text_decodes_entities_once.
    """
    once = clean_text(text)
    assert clean_text(once) == once


plain_text = st.text(alphabet="abcxyz &;#<>'\"ltgampquo0123", max_size=40)


@text_settings(300)
@given(text=plain_text)
@example(text="AT&amp;T")
def test_html_to_text_decodes_entities_once(text: str) -> None:
    """Escaped plain text in a paragraph (Mastodon content) comes back as written."""
    markup = f"<p>{html.escape(text)}</p>"
    assert html_to_text(markup) == re.sub(" +", " ", text).strip()


entity_text = st.lists(st.sampled_from(
    ["&amp;", "&lt;", "&gt;", "&", "amp;", "lt;", "&#39;", "&quot;", "&amp", "&hellip;", "a", " ",
     "<", ";", "&#x26;", "é", "\u00a0"]), max_size=12).map("".join)


@text_settings(500)
@given(text=entity_text | any_text)
@example(text="&amp;lt;")
def test_unescape_fast_path_is_html_unescape(text: str) -> None:
    assert unescape(text) == html.unescape(text)


@text_settings(500)
@given(text=st.text(st.characters(max_codepoint=127)) | any_text)
@example(text="a\nb")
@example(text="a\r\nb")
def test_suspect_fast_path_is_the_pattern(text: str) -> None:
    assert _suspect(text) == bool(_SUSPECT.search(text))


@text_settings(500)
@given(when=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
       form=st.sampled_from(["%Y-%m-%dT%H:%M:%S.{ms}Z", "%Y-%m-%dT%H:%M:%SZ",
                             "%Y-%m-%d %H:%M:%S.{ms}Z", "%Y-%m-%dT%H:%M:%S.{ms}+02:00",
                             "%Y-%m-%dT%H:%M:%S.{ms}"]))
def test_storage_time_is_iso_of_parse_iso(when: datetime, form: str) -> None:
    value = when.strftime(form).replace("{ms}", f"{when.microsecond // 1000:03d}")
    try:
        expected: str | type[ValueError] = iso(parse_iso(value))  # type: ignore[assignment]
    except ValueError:
        expected = ValueError
    if expected is ValueError:
        with pytest.raises(ValueError):
            storage_time(value)
    else:
        assert storage_time(value) == expected


def _thai_mojibake(text: str) -> str | None:
    """UTF-8 bytes read one by one as cp874, cp1252 where cp874 has no character."""
    out = []
    for byte in text.encode("utf-8"):
        try:
            out.append(bytes([byte]).decode("cp874"))
        except UnicodeDecodeError:
            try:
                out.append(bytes([byte]).decode("cp1252"))
            except UnicodeDecodeError:
                return None  # a byte neither code page has: not producible this way
    return "".join(out)


emoji = st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF) | st.sampled_from(
    "🙂😀🎉👍🔥💯✅❤→★✨")
emoji_runs = st.lists(emoji, min_size=1, max_size=3).map("".join).filter(
    lambda s: _thai_mojibake(s) is not None)
words = st.sampled_from(["", "thanks", "see you at", "Q1:", "great chat"])


@text_settings(300)
@given(run=emoji_runs, before=words, after=words)
@example(run="🙂", before="", after="")
def test_thai_mojibake_of_emoji_is_repaired(run: str, before: str, after: str) -> None:
    original = " ".join(part for part in (before, run, after) if part)
    garbled = " ".join(part for part in (before, _thai_mojibake(run), after) if part)
    assert garbled != original
    assert clean_text(garbled) == original
    assert fix_mojibake(garbled) == original


ACCENTED = ("café", "naïve", "résumé", "São Paulo", "Zürich", "jalapeño", "Ångström",
            "façade", "crème brûlée", "Málaga", "über", "garçon", "Dvořák", "Ελλάδα",
            "señor", "Kraków", "déjà vu", "piñata", "coöperate", "Göteborg")


def _latin_mojibake(text: str) -> str | None:
    try:
        return text.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return None  # a byte cp1252 does not define (0x81, 0x8D, 0x8F, 0x90, 0x9D)


latin_texts = st.lists(st.sampled_from(ACCENTED), min_size=1, max_size=3).map(" ".join).filter(
    lambda s: _latin_mojibake(s) is not None)


@text_settings(300)
@given(text=latin_texts, before=words)
def test_latin_mojibake_of_accented_words_is_repaired(text: str, before: str) -> None:
    original = f"{before} {text}".strip()
    garbled = f"{before} {_latin_mojibake(text)}".strip()
    assert garbled != original
    assert fix_mojibake(garbled) == original
    assert clean_text(garbled) == original


# --- 4. the importer end to end -------------------------------------------------------------


@pytest.mark.parametrize("group", ["twarc2", "tags"])
@fuzz_settings(40)
@given(draw=st.data())
def test_import_twice_adds_nothing(group: str, draw: st.DataObject, work: Path) -> None:
    seed = draw_seed(draw, group)
    fmt = draw.draw(st.sampled_from([group, None]), label="format")
    folder = fresh_dir(work)
    path = write_mutated(draw, seed, folder)
    with open_store(folder / "w.db") as workspace:
        first = import_checked(workspace, path, fmt, ReadOptions())
        posts = workspace.stats()["total"]["posts"]
        second = import_checked(workspace, path, fmt, ReadOptions())
        assert second.new == 0, f"the second import added {second.new} posts"
        assert second.records == first.records
        assert workspace.stats()["total"]["posts"] == posts
    shutil.rmtree(folder)
