"""Reading archives into the workspace: detection, batching, counting, errors, speed.

A bad record costs one warning and the rest of the file still imports; a file that cannot
be read at all is reported and the next file goes on. With ``strict`` the first bad
record stops the import: the records before it are written, nothing after it.

Records become rows in :func:`prepare`. A large JSONL file is parsed, prepared and written
by worker processes (one per core, plus one); the store serialises their transactions and its
upserts do not depend on which worker writes first, so the workspace is the same whatever
the number of workers.
"""

from __future__ import annotations

import codecs
import errno
import gc
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath

import orjson

from chatrecap.bundles import Entry, bundle_entries, is_tar
from chatrecap.compressed import FORMATS, expanded, inner_name
from chatrecap.errors import ChatrecapError, EmptyArchive, InputError, RecordError
from chatrecap.models import Post, Superseded
from chatrecap.parallel import GC_THRESHOLD, few_collections
from chatrecap.sources import detect, get_source, recognised
from chatrecap.sources._workbook import ENCODING as WORKBOOK
from chatrecap.sources.base import (
    MAX_ZIP_TOTAL_BYTES,
    Line,
    LineSource,
    PostRow,
    ReadOptions,
    Sample,
    Source,
    is_json_lines,
    iter_json_lines,
    take_sample,
)
from chatrecap.store import (
    POST_FIELDS,
    Batch,
    BatchResult,
    Store,
    author_row,
    compress,
    iso,
    merged_author_row,
    open_store,
    post_row,
)

BATCH_POSTS = 2000
CHUNK_BYTES = 8 << 20  # lines a worker reads, parses and writes in one transaction
WORKER_CACHE_KB = 8 << 10  # SQLite page cache of each import worker
PARALLEL_MIN_BYTES = 16 << 20
STDIN = "-"  # the file name that stands for the standard input
UTF8 = ("utf-8", "utf-8-sig")  # smaller files import in-process (no start-up cost)
_OBSERVED, _REFERENCED, _CHANNEL = map(POST_FIELDS.index, ("observed_at", "is_referenced", "channel"))


@dataclass(slots=True)
class FileReport:
    """What importing one file did; the CLI prints these as the summary table."""

    path: str
    format: str = "?"
    records: int = 0  # posts read (chat and referenced) plus records that failed
    new: int = 0
    duplicates: int = 0
    referenced: int = 0
    warnings: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    elapsed: float = 0.0
    error: str | None = None  # the file could not be read, or held nothing
    empty: bool = False  # it held no records at all: nothing to import, nothing wrong
    unrecognised: bool = False  # no source recognised it: no chat archive (a README, a picture)

    @property
    def rate(self) -> float:
        return self.records / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def failed(self) -> bool:
        """Nothing usable came out of the file."""
        return self.error is not None or self.new + self.duplicates + self.referenced == 0

    def add(self, records: int, new: int, duplicates: int, referenced: int) -> None:
        """What a batch, or an archive in a bundle, added."""
        self.records += records
        self.new += new
        self.duplicates += duplicates
        self.referenced += referenced


ProblemHandler = Callable[[RecordError], None]
#: Called after each batch with the records it held and the bytes of the file read so far
#: (None when the format does not tell).
ProgressHandler = Callable[[int, int | None], None]


class StrictStop(ChatrecapError):
    """Raised with --strict at the first problem; carries it."""

    def __init__(self, problem: RecordError) -> None:
        self.problem = problem
        super().__init__(f"{problem} (stopped by --strict)")


@dataclass(slots=True)
class _Context:
    """What :func:`prepare` needs besides the records; small, so cheap to send to workers."""

    chat: str | None
    fallback_chat: str
    observed: str
    keep_raw: bool
    relabel: _Relabel | None = None  # a compressed archive's expansion is read: name it


@dataclass(frozen=True, slots=True)
class _Relabel:
    """Gives the name of the file read (a temporary expansion) back as the archive's."""

    old: str
    new: str

    def __call__(self, name: str) -> str:
        if self.old == self.new:
            return name
        if self.new.endswith("!"):  # (a bundle unpacked, read as a folder: "x.tar!general/...")
            name = name.replace(f"{self.old}/", self.new)
        return name.replace(self.old, self.new)

    def problem(self, problem: RecordError) -> RecordError:
        problem.file, problem.reason = self(problem.file), self(problem.reason)
        return problem


def _chats_of(chats: list[str], channel: str | None, ctx: _Context) -> tuple[str, ...]:
    if ctx.chat:
        return (ctx.chat,)
    if chats:
        return tuple(chats)
    return (channel or ctx.fallback_chat,)


def prepare(items: Iterable[Post | PostRow | Superseded | RecordError], ctx: _Context,
            lines: dict[int, Line] | None = None, name: str = "") -> Batch:
    """Turn records into rows (a line source may have made them already: (row, author)
    pairs). ``lines`` (line-based sources) are kept as the raw records; otherwise each
    record's ``raw`` is, once per (file, line)."""
    batch = Batch()
    posts, authors, chat_posts = batch.posts, batch.authors, batch.chat_posts
    raws: dict[tuple[str, int], object] = {}
    stamps: dict[object, str] = {None: ctx.observed}  # one iso() per distinct observation
    author_rows: dict[int, tuple[str, tuple[object, ...]]] = {}  # by Author object
    chats = (ctx.chat,) if ctx.chat else None
    keep_records = ctx.keep_raw and lines is None
    records = referenced = 0
    for item in items:
        if type(item) is tuple:
            row, author = item
            observed = row[_OBSERVED]
        elif isinstance(item, RecordError):
            batch.problems.append(item if ctx.relabel is None else ctx.relabel.problem(item))
            if item.skipped:
                records += 1
            continue
        elif isinstance(item, Superseded):
            batch.versions.add((item.post_id, item.by_id))
            continue
        else:
            observed = stamps.get(item.observed_at)
            if observed is None:
                observed = stamps[item.observed_at] = iso(item.observed_at) or ctx.observed
            author, row = item.author, None
            if ctx.relabel is not None and item.source_file:
                item.source_file = ctx.relabel(item.source_file)
        records += 1  # (a post or a row; problems and versions are counted above)
        known = author_rows.get(id(author))
        if known is None:
            known = author_rows[id(author)] = (author.id, author_row(author))
        if row is None:
            row = post_row(item, observed, known[0])
            if keep_records and item.raw is not None and item.source_file:
                raws[(item.source_file, item.source_line or 0)] = item.raw
            own_chats = item.chats
        else:
            own_chats = []
        posts.append(row)
        seen = authors.get(known[0])
        if seen is None:
            authors[known[0]] = (known[1], observed)
        elif seen[0] is not known[1]:  # (another profile of the author: merged as the store does)
            authors[known[0]] = (merged_author_row(known[1], observed, seen[0], seen[1]),
                                 max(observed, seen[1]))
        if row[_REFERENCED]:
            referenced += 1
        else:  # (row[0]: the post's id)
            chat_posts.append((row[0], chats or _chats_of(own_chats, row[_CHANNEL], ctx)))
    batch.records, batch.referenced = records, referenced
    if ctx.keep_raw:
        if lines is not None:
            # (A view is a line of _read_span's, which holds no end of line.)
            batch.raws = {(name, number): compress(line if type(line) is memoryview
                                                   else line.rstrip(b"\r\n"))
                          for number, line in lines.items()}
        else:
            batch.raws = {key: compress(orjson.dumps(raw)) for key, raw in raws.items()}
    return batch


def _prepare_lines(source_id: str, name: str, options: ReadOptions, ctx: _Context,
                   chunk: list[tuple[int, Line]], strict: bool = False) -> Batch:
    """Parse a run of lines of a line-based source into a batch (with ``strict``, only
    the lines before the first bad one)."""
    source = get_source(source_id)
    assert isinstance(source, LineSource)
    if ctx.relabel is not None:  # (the file read is a compressed archive's expansion)
        name = ctx.relabel(name)
    items: list[Post | PostRow | Superseded | RecordError] = []
    lines: dict[int, Line] = {}
    views = source.takes_views
    for number, line in chunk:
        if not views and type(line) is not bytes:
            line = bytes(line)
        parsed = source.parse_line_rows(line, number, name, options, ctx.observed)
        items.extend(parsed)
        if strict and any(isinstance(i, RecordError) and i.skipped for i in parsed):
            break
        lines[number] = line
    return prepare(items, ctx, lines, name)


@dataclass(slots=True)
class _Written:
    """What writing one batch did, small enough to send back from a worker."""

    result: BatchResult
    records: int
    problems: list[RecordError]
    end: int | None = None  # bytes of the file read so far, when known


_worker_store: Store | None = None


def _worker_start(url: str) -> None:
    global _worker_store
    _worker_store = open_store(url, migrate=False)
    if _worker_store.backend == "sqlite":  # several workers: keep their sum of caches small
        _worker_store.conn.execute(f"PRAGMA cache_size=-{WORKER_CACHE_KB}")
    gc.set_threshold(*GC_THRESHOLD)
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A worker whose import was killed (kill -9, a crash) must not linger."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _worker_import(source_id: str, name: str, options: ReadOptions, ctx: _Context,
                   span: tuple[int, int, int]) -> _Written:
    """Worker task: read, parse, prepare and write one span of lines of a UTF-8 file
    (the store serialises the workers' transactions)."""
    assert _worker_store is not None
    batch = _prepare_lines(source_id, name, options, ctx, _read_span(name, span))
    return _Written(_worker_store.write_batch(batch), batch.records, batch.problems, span[1])


def _read_span(name: str, span: tuple[int, int, int]) -> list[tuple[int, Line]]:
    """The non-blank (line number, line) pairs of a span of a UTF-8 file, each line a view
    of the span read in one piece (without its end of line): splitting it into lines
    copied every byte a second time. (The span is read, not mapped: a mapped file that
    another program cuts short kills the process that reads past its new end.)"""
    start, end, number = span
    with open(name, "rb") as fh:
        fh.seek(start)
        data = fh.read(end - start)
    position = len(codecs.BOM_UTF8) if start == 0 and data.startswith(codecs.BOM_UTF8) else 0
    view = memoryview(data)
    lines: list[tuple[int, Line]] = []
    end = len(data)
    while position < end:
        stop = data.find(b"\n", position)
        if stop < 0:
            stop = end
        line_end = stop
        while line_end > position and data[line_end - 1] == 0x0D:  # "\r"
            line_end -= 1
        if line_end > position and (data[position] not in _BLANK_BYTES
                                    or not data[position:line_end].isspace()):
            lines.append((number, view[position:line_end]))
        position, number = stop + 1, number + 1
    return lines


_BLANK_BYTES = frozenset(b" \t\r\x0b\x0c")


def _line_spans(path: Path) -> Iterator[tuple[int, int, int]]:
    """(start byte, end byte, number of the first line) of runs of whole lines, so that
    workers read their own lines instead of receiving them."""
    start, line = 0, 1
    # One buffer, read into again and again: a fresh 8 MB block each time costs the kernel
    # as much in new pages as the copy itself.
    buffer = bytearray(CHUNK_BYTES)
    with open(path, "rb") as fh:
        while got := fh.readinto(buffer):
            size, lines = got, _count_lines(buffer, got)
            if buffer[got - 1] != 0x0A:  # "\n"
                rest = fh.readline()  # finish the line the block cut
                size, lines = size + len(rest), lines + rest.endswith(b"\n")
            yield start, start + size, line
            line += lines
            start += size


def _count_lines(block: bytes | bytearray, end: int) -> int:
    """The newlines in ``block[:end]``. Long lines (an API page per line) are found by jumps
    from one to the next, which is memchr; ``bytes.count`` looks at each byte, eight times
    slower, and is kept for short lines (more than one per 4 kB)."""
    count, position, most = 0, block.find(b"\n", 0, end), end >> 12
    while position >= 0:
        count += 1
        if count > most:
            return count + block.count(b"\n", position + 1, end)
        position = block.find(b"\n", position + 1, end)
    return count


def _line_chunks(path: Path, json_lines: bool) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    size = 0
    for number, line in iter_json_lines(path, json_lines):
        chunk.append((number, line))
        size += len(line)
        if size >= CHUNK_BYTES or len(chunk) >= BATCH_POSTS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _batches(source: Source, path: Path, options: ReadOptions, ctx: _Context,
             utf8: bool, json_lines: bool, strict: bool = False) -> Iterator[tuple[Batch, int | None]]:
    """(batch, bytes read so far when known) in file order, in this process; with
    ``strict``, the last batch ends at the first bad record, so nothing after it is written.
    A line source's UTF-8 JSON Lines are read in runs of bytes."""
    name = str(path)
    if isinstance(source, LineSource):
        if utf8 and json_lines:
            chunks = ((_read_span(name, span), span[1]) for span in _line_spans(path))
        else:  # transcoded line by line, or one document's records
            chunks = ((chunk, None) for chunk in _line_chunks(path, json_lines))
        for chunk, end in chunks:
            batch = _prepare_lines(source.id, name, options, ctx, chunk, strict)
            yield batch, end
            if strict and any(problem.skipped for problem in batch.problems):
                return
        return
    pending: list[Post | Superseded | RecordError] = []
    for item in source.read(path, options):
        pending.append(item)
        if strict and isinstance(item, RecordError) and item.skipped:
            break
        if len(pending) >= BATCH_POSTS and not isinstance(item, RecordError):
            yield prepare(pending, ctx), None
            pending = []
    yield prepare(pending, ctx), None


def _written(store: Store, source: Source, path: Path, options: ReadOptions, ctx: _Context,
             workers: int, strict: bool, utf8: bool) -> Iterator[_Written]:
    """Each batch written, in file order. A large line-based file is parsed and written by
    worker processes (one per core), which is where the time goes; with ``strict`` the
    import stays in this process so that nothing past the first problem is written."""
    json_lines = isinstance(source, LineSource) and is_json_lines(path)
    if (json_lines and workers > 1 and not strict
            and path.stat().st_size >= PARALLEL_MIN_BYTES and utf8):
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        in_flight: deque[Future[_Written]] = deque()
        with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                 initializer=_worker_start, initargs=(store.url,)) as pool:
            for span in _line_spans(path):
                in_flight.append(pool.submit(_worker_import, source.id, str(path), options,
                                             ctx, span))
                if len(in_flight) >= workers * 2:  # bounded: flat memory on any file size
                    yield in_flight.popleft().result()
            while in_flight:
                yield in_flight.popleft().result()
        return
    for batch, end in _batches(source, path, options, ctx, utf8, json_lines, strict):
        yield _Written(store.write_batch(batch), batch.records, batch.problems, end)
        if strict and any(problem.skipped for problem in batch.problems):
            return


def default_workers() -> int:
    """One worker per core, plus one to parse while another waits for the write lock."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return 1 if (cores or 1) < 2 else min(cores or 1, 4) + 1


def import_file(store: Store, path: Path, fmt: str | None = None,
                options: ReadOptions | None = None, strict: bool = False,
                on_problem: ProblemHandler | None = None,
                on_progress: ProgressHandler | None = None,
                keep_raw: bool = True, workers: int | None = None) -> FileReport:
    """Import one archive; bad input is reported in the result, never raised (but with
    ``strict``, which raises :class:`StrictStop` at the first problem). A file compressed
    whole (gzip, bzip2, xz, zstd) is imported as the file it holds, under its own name; a zip
    that is no export, as the archives in it (``_import_bundle``); ``-``, what comes on the
    standard input (``twarc2 search "#chat" | chatrecap import -``)."""
    options = options or ReadOptions()
    if str(path) == STDIN:
        return _import_stdin(store, fmt, options, strict, on_problem, on_progress, keep_raw, workers)
    return _import_as(store, path, path, fmt, options, strict, on_problem, on_progress, keep_raw,
                      workers, in_bundle=False)


def _import_stdin(store: Store, fmt: str | None, options: ReadOptions, strict: bool,
                  on_problem: ProblemHandler | None, on_progress: ProgressHandler | None,
                  keep_raw: bool, workers: int | None) -> FileReport:
    """The standard input, saved to a temporary file first (the readers and the workers want
    a file), under a name of its own: ``stdin-`` and when it was read, so that the raw records
    of two such imports never take each other's place (no colon in it: a warning's line
    number follows one)."""
    label = Path(f"stdin-{datetime.now(UTC):%Y%m%dT%H%M%S.%fZ}")
    with tempfile.TemporaryDirectory(prefix="chatrecap-") as folder:
        saved = Path(folder) / "stdin"
        try:
            with open(saved, "wb") as out:
                shutil.copyfileobj(sys.stdin.buffer, out, 1 << 20)
        except OSError as exc:
            return FileReport(str(label), error=f"{label}: the standard input could not be saved to "
                              f"the temporary folder ({exc.strerror or exc}); set TMPDIR to a folder "
                              "with room for it.")
        return _import_as(store, label, saved, fmt, options, strict, on_problem, on_progress,
                          keep_raw, workers, in_bundle=False, own_name="stdin")


def _import_as(store: Store, path: Path, readable: Path, fmt: str | None, options: ReadOptions,
               strict: bool, on_problem: ProblemHandler | None, on_progress: ProgressHandler | None,
               keep_raw: bool, workers: int | None, in_bundle: bool, own_name: str | None = None,
               budget: list[int] | None = None) -> FileReport:
    """``import_file`` of the file ``readable`` as ``path``: its own path, or the name of a
    bundle's entry (``in_bundle``; ``own_name``, the entry's name) that ``readable`` was
    extracted to. ``budget``: the bytes a bundle's entries may still expand to, lessened."""
    report = FileReport(str(path))
    started = time.perf_counter()
    try:
        with expanded(readable, str(path), budget[0] if budget else None) as found:
            if found.note is not None and not strict:  # (with --strict, the error that ends it)
                _tell(report, found.note, on_problem)
            name = Path(own_name or (path.name if path.name not in ("", ".", "..") else path.resolve().name))
            if found.compression:
                name = Path(inner_name(name, found.compression))
                if budget:
                    budget[0] -= found.path.stat().st_size
                if on_progress is not None:  # (bytes of the expansion read)
                    on_progress = partial(_scaled, on_progress, 0, found.share)
            stem = name.name if found.path.is_dir() else name.stem  # (a folder's dots are its name's)
            report = _import_file(store, path, found.path, report, started, fmt, options, strict,
                                  on_problem, on_progress, keep_raw, workers, in_bundle, stem,
                                  found.note if strict else None)
    except InputError as exc:  # (raised before anything was read: the file could not be expanded)
        report.error, report.empty = str(exc), isinstance(exc, EmptyArchive)
        report.elapsed = time.perf_counter() - started
        return report
    return report


def _tell(report: FileReport, problem: RecordError, on_problem: ProblemHandler | None) -> None:
    """Count a problem in the report (a record left out, by kind, or a warning); pass it on."""
    if problem.skipped:
        report.skipped[problem.kind] += 1
    else:
        report.warnings += 1
    if on_problem:
        on_problem(problem)


def _scaled(on_progress: ProgressHandler, start: int, share: float, records: int, end: int | None) -> None:
    """Progress in bytes of a file of which a part expanded is read: the part's bytes from
    ``start``, ``share`` of each byte read of its expansion."""
    on_progress(records, None if end is None else start + int(end * share))


def _import_file(store: Store, path: Path, inner: Path, report: FileReport, started: float,
                 fmt: str | None, options: ReadOptions, strict: bool,
                 on_problem: ProblemHandler | None, on_progress: ProgressHandler | None,
                 keep_raw: bool, workers: int | None, in_bundle: bool, stem: str,
                 cut: RecordError | None = None) -> FileReport:
    """``import_file`` of ``path``, read from ``inner``: the file itself or its expansion,
    whose name the posts, problems and messages give as ``path``'s (``stem``: the name of the
    file it holds, which names the chat when nothing else does). ``cut``: the problem that
    ends the import once the lines before it are in (--strict, a compressed file cut short)."""
    relabel = _Relabel(str(inner), str(path))
    if not in_bundle and is_tar(inner):
        return _import_bundle(store, path, inner, report, started, fmt, options, strict, on_problem,
                              on_progress, keep_raw, workers)
    try:
        sample = take_sample(inner)  # read once: detection, encoding, how to split the file
        # A zip is a bundle of archives when no source recognises it as an export, or when
        # the format given reads no zip (a zip of CSV files to read with --format csv --map).
        bundle = (not in_bundle and sample.zip_names is not None and inner.is_file()
                  and not {"[Content_Types].xml", "mimetype"} & set(sample.zip_names))  # (no Office file)
        try:
            source = get_source(fmt) if fmt else detect(inner, sample)
            # (a file the format given does not know at all is no archive of it: a README)
            report.unrecognised = bool(fmt) and not bundle and source.sniff(sample) <= 0
        except EmptyArchive:
            raise
        except InputError:  # (no source recognises the file)
            if in_bundle:
                raise InputError(f"{path}: not a chat archive chatrecap recognises.") from None
            if not bundle:
                report.unrecognised = True
                raise
            source = None
        if source is None or (bundle and fmt and (not source.reads_zips or source.sniff(sample) <= 0)):
            return _import_bundle(store, path, inner, report, started, fmt, options, strict,
                                  on_problem, on_progress, keep_raw, workers)
    except InputError as exc:
        report.error, report.empty = relabel(str(exc)), isinstance(exc, EmptyArchive)
        report.elapsed = time.perf_counter() - started
        return report
    report.format = source.id
    encoding = _encoding_note(inner, sample)
    if encoding:
        _tell(report, relabel.problem(encoding), on_problem)
    import_id = uuid.uuid4().hex
    store.begin_import(import_id, str(path), source.id, options.chat)
    ctx = _Context(options.chat, stem, iso(datetime.now(UTC)) or "", keep_raw,
                   relabel if relabel.old != relabel.new else None)
    status = "failed"
    with few_collections():  # (bulk parsing: millions of short-lived objects)
        try:
            for written in _written(store, source, inner, options, ctx,
                                    workers or default_workers(), strict,
                                    sample.encoding in UTF8):
                stop = None
                for problem in written.problems:
                    _tell(report, problem, on_problem)
                    if strict and problem.skipped:  # warnings do not stop it
                        stop = problem
                        break
                report.add(written.records, written.result.new,  # (with --strict, what came before
                           written.result.duplicates, written.result.referenced)  # the stop too)
                if on_progress:
                    on_progress(written.records, written.end)
                if stop is not None:
                    raise StrictStop(stop)
            if cut is not None:  # (what came before the cut is kept, as --strict does)
                raise StrictStop(cut)
            status = "done"
            if report.records == 0:  # read without a problem, and not one record in it
                report.error, report.empty = f"{path}: the file holds no posts to import.", True
        except InputError as exc:
            report.error, report.empty = relabel(str(exc)), isinstance(exc, EmptyArchive)
        except UnicodeDecodeError as exc:
            report.error = (f"{path}: byte {exc.start} of a line is not valid {exc.encoding}; "
                            "save the file as UTF-8.")
        finally:
            report.elapsed = time.perf_counter() - started
            store.merge_placeholder_authors()
            store.checkpoint()
            store.finish_import(import_id, "failed" if report.failed else status, report.records,
                                report.new, report.duplicates, report.referenced,
                                sum(report.skipped.values()))
    return report


def _import_bundle(store: Store, path: Path, inner: Path, report: FileReport, started: float,
                   fmt: str | None, options: ReadOptions, strict: bool, on_problem: ProblemHandler | None,
                   on_progress: ProgressHandler | None, keep_raw: bool,
                   workers: int | None) -> FileReport:
    """A zip that no source reads as an export, or a tar: a bundle of archives, as datasets
    are shared (``bundles``), of the format ``fmt`` if given. Its entries are extracted; a
    folder of them that is one export (a Slack export or an X archive, tarred) is read as a
    whole, and each other entry as a file of its own, named "<bundle>!<entry>" (a bundle
    inside it is not opened: that is how bombs nest; an export zip is). An entry that cannot
    be read, or is no archive, is a warning counted as left out. One report, their sum."""
    formats: set[str] = set()
    count = 0
    try:
        with bundle_entries(inner, str(path)) as entries, \
                tempfile.TemporaryDirectory(prefix="chatrecap-") as folder:
            count = len(entries)
            # All extracted first, as unpacking would, into a folder named after the bundle:
            # some archives are read with the files beside them (tweets.js with account.js),
            # an export's folder as a whole.
            bare = _bare_name(path.name)
            tree = Path(folder) / (bare if bare not in ("", ".", "..") else "bundle")
            tree.mkdir()
            members = _extracted(entries, tree, path)
            formats_of = _export_folders(tree, fmt, members)
            alone = _archives_within(formats_of, members, fmt)
            exports = dict.fromkeys(formats_of, False)  # (each read once, when first met)
            # What compressed entries may expand to, together: a bundle of small bombs is one.
            budget = [MAX_ZIP_TOTAL_BYTES - sum(m.stat().st_size for m in members if isinstance(m, Path))]
            names: Counter[str] = Counter()
            for entry, member in zip(entries, members, strict=True):
                names[entry.name] += 1  # (two entries of one name are two files: told apart)
                name = f"{path}!{entry.name}" + (f" ({names[entry.name]})" if names[entry.name] > 1 else "")
                root = None if isinstance(member, InputError) or member in alone else _export_of(
                    member, exports)
                if isinstance(member, InputError):
                    part = FileReport(name, error=str(member))
                elif root is not None:  # a file of an export read whole: read with it, once
                    if exports[root]:
                        continue
                    exports[root] = True
                    # ("x.tar!general/2021-01-04.json" for the files of a bundle that is the
                    # export; "x.tar!slack/general/..." for one in a folder of it)
                    top = "" if root == tree else root.relative_to(tree).as_posix()
                    part = _import_as(store, Path(f"{path}!{top}"), root, fmt, options, strict,
                                      on_problem, on_progress, keep_raw, workers, True, root.name)
                else:
                    progress = on_progress and partial(_scaled, on_progress, entry.start, entry.share)
                    part = _import_as(store, Path(name), member, fmt, options, strict, on_problem,
                                      progress, keep_raw, workers, True, entry.name, budget)
                _sum_part(report, part, path, strict, on_problem, formats)
    except InputError as exc:
        report.error = str(exc)
    report.format = "+".join(sorted(formats)) or "?"
    if report.error is None and report.records == 0:
        files = f"{count:,} file" + ("s" if count != 1 else "")
        report.error = (f"{path}: {files} in it, none of them read as {fmt}." if fmt else
                        f"{path}: {files} in it, none of them an archive chatrecap reads; if it is "
                        "an export, name its format with --format (see `chatrecap formats`).")
    report.elapsed = time.perf_counter() - started
    return report


def _sum_part(report: FileReport, part: FileReport, path: Path, strict: bool,
              on_problem: ProblemHandler | None, formats: set[str]) -> None:
    """Add what importing a part of the bundle ``path`` did to its report; a part that failed
    is a warning, counted as left out (--strict stops there)."""
    if part.error is not None:  # (an entry that is no archive, or could not be read)
        # (its message names it as it was read: the entry's own name is said here)
        said = part.error.split(": ", 1)[1] if part.error.startswith(str(path)) else part.error
        if part.failed and "left out" not in said:
            said = said.removesuffix(".") + "; left out."
        problem = RecordError(part.path, None, said, kind="left out", skipped=part.failed)
        _tell(report, problem, on_problem)
        if strict and part.failed:
            raise StrictStop(problem)
    if part.format != "?":
        formats.add(part.format)
    report.add(part.records, part.new, part.duplicates, part.referenced)
    report.warnings += part.warnings
    report.skipped.update(part.skipped)


#: The suffixes of archives and of compressed files (``compressed.FORMATS``' own), longest
#: first (".gzip" is no ".zip").
_ARCHIVE_SUFFIXES = sorted({".tar", ".zip", ".tbz", ".tbz2", ".txz",
                            *(suffix for _, _, suffixes in FORMATS for suffix in suffixes)},
                           key=lambda suffix: (-len(suffix), suffix))


def _bare_name(name: str) -> str:
    """A bundle's name without its archive and compression suffixes."""
    while suffix := next((s for s in _ARCHIVE_SUFFIXES if name.lower().endswith(s)), None):
        name = name[:-len(suffix)]
    return name


def _extracted(entries: list[Entry], folder: Path, path: Path) -> list[Path | InputError]:
    """Each entry written into ``folder`` where unpacking would put it (an archive read with
    the files beside it finds them, tweets.js its account.js; an export's folder reads as a
    whole), or why it could not be: past the limits, or a name or a depth this file system
    cannot hold. A name longer than a file name can be is shortened, and one already taken
    (two entries of one name, a file and a folder) made unique."""
    folders: dict[str, Path] = {"": folder}
    out: list[Path | InputError] = []
    for number, entry in enumerate(entries):
        *parents, base = [part for part in entry.name.split("/") if part] or ["entry"]
        try:
            place = folder
            for depth, part in enumerate(parents):  # (each folder made once, where first met)
                key = "/".join(parents[:depth + 1])
                if key not in folders:
                    made = _unused(place, _short(part, f"{len(folders)}"), number)
                    made.mkdir()
                    folders[key] = made
                place = folders[key]
            suffix = "".join(PurePosixPath(base).suffixes[-2:])
            member = _unused(place, _short(base, f"{number}{suffix if len(suffix) < 20 else ''}"), number)
            member.write_bytes(entry.read())
        except InputError as exc:
            out.append(exc)
            continue
        except OSError as exc:
            if exc.errno in _NAME_ERRORS:  # (this entry's name or depth only: the others go on)
                out.append(InputError(f"{path}!{entry.name}: it cannot be unpacked here "
                                      f"({exc.strerror or exc})."))
                continue
            raise InputError(f"{path}!{entry.name}: it could not be written to the temporary "
                             f"folder {folder.parent.parent} ({exc.strerror or exc}); set TMPDIR to "
                             "a folder with room for it.") from exc
        out.append(member)
    return out


NAME_BYTES = 255  # the longest file name of the usual file systems
_NAME_ERRORS = (errno.ENAMETOOLONG, errno.EINVAL, errno.EILSEQ, errno.ENOTDIR, errno.EISDIR,
                errno.EEXIST, errno.ELOOP)


def _short(name: str, instead: str) -> str:
    return name if len(name.encode()) <= NAME_BYTES else instead


def _unused(place: Path, name: str, number: int) -> Path:
    """``place / name``, or a numbered name beside it when that is taken."""
    member, again = place / name, 0
    while member.exists() or member.is_symlink():
        again += 1
        numbered = f"{number}-{again}-{name}"
        member = place / (numbered if len(numbered.encode()) <= NAME_BYTES else f"{number}-{again}")
    return member


#: How sure a source must be of a folder of a bundle to read it as an export of its own beside
#: another (a Slack export's channel folder alone is less sure than that).
EXPORT_SURE = 0.5


def _export_folders(tree: Path, fmt: str | None,
                    members: list[Path | InputError]) -> dict[Path, str | None]:
    """The folders of an unpacked bundle that are each one export to read whole (a Slack
    export or an X archive tarred; two of them side by side), each with the format it is
    read as: its top folders that are one (surely, or as surely as the whole), when two are
    or one is surer than the whole, else the whole bundle when it is one. Given ``fmt`` that
    reads folders, a bundle of files none of which it reads on its own (a Slack export its
    sniff misses) is one export."""
    source = get_source(fmt) if fmt else None

    def score(path: Path) -> tuple[float, str | None]:
        try:
            sample = take_sample(path)
        except InputError:  # (a picture, a file that cannot be read)
            return 0.0, None
        return (source.sniff(sample), source.id) if source is not None else recognised(sample)

    whole = score(tree)
    tops = {top: sure for top in sorted(p for p in tree.iterdir() if p.is_dir())
            if (sure := score(top))[0] > 0 and (sure[0] >= EXPORT_SURE or sure[0] >= whole[0])}
    if len(tops) > 1 or any(sure[0] > whole[0] for sure in tops.values()):
        return {top: sure[1] for top, sure in tops.items()}
    files = [m for m in members if isinstance(m, Path)]
    if whole[0] <= 0 and not (source is not None and source.reads_folders and files
                              and not any(score(m)[0] > 0 for m in files)):
        return {}
    return {tree: whole[1] or fmt}


def _export_of(member: Path, exports: Collection[Path]) -> Path | None:
    """The folder read as an export that holds ``member``, if one does."""
    return next((root for root in exports if member.is_relative_to(root)), None)


def _archives_within(exports: dict[Path, str | None], members: list[Path | InputError],
                     fmt: str | None) -> set[Path]:
    """The files of the folders read as exports that another source reads as archives of
    their own (a tweets.jsonl tarred beside a Slack export's files): read alone, not left
    to the export that would pass them over."""
    if fmt is not None:
        return set()
    found = set()
    for member in members:
        root = _export_of(member, exports) if isinstance(member, Path) else None
        if root is not None and (export := exports[root]) is not None:
            try:
                sure, source_id = recognised(take_sample(member))
            except InputError:
                continue
            if sure > 0 and source_id != export:
                found.add(member)
    return found


def _encoding_note(path: Path, sample: Sample) -> RecordError | None:
    """A note when a text file is not UTF-8, so a guessed encoding is never silent (UTF-16,
    told by its byte order mark or its zero bytes, is read as it is: nothing is guessed)."""
    if sample.encoding in (*UTF8, "binary", "directory", WORKBOOK) or sample.encoding.startswith("utf-16"):
        return None
    return RecordError(str(path), None, f"the file is not UTF-8; it was read as {sample.encoding} "
                       "(save it as UTF-8 to be sure of every character)",
                       kind="encoding", skipped=False)


def expand_paths(paths: Iterable[Path], fmt: str | None = None) -> list[Path]:
    """Files to import: a folder that is an archive itself (an unpacked Slack export or X
    archive, or any folder when ``fmt`` names a source that reads folders) stays whole, any
    other folder stands for the files inside it (sorted, hidden ones left out)."""
    return [path for path, _ in expand_folders(paths, fmt)]


def expand_folders(paths: Iterable[Path], fmt: str | None = None) -> list[tuple[Path, Path | None]]:
    """``expand_paths``, each file with the folder of archives it was found in (None for a
    path given as it is): such a file that is no archive is left out, as a bundle's is."""
    out: list[tuple[Path, Path | None]] = []
    for path in map(Path, paths):
        if not path.is_dir() or _whole_folder(path, fmt):
            out.append((path, None))
        else:
            out.extend((p, path) for p in sorted(p for p in path.rglob("*") if p.is_file() and not any(
                part.startswith(".") for part in p.relative_to(path).parts)))
    return out


def _whole_folder(folder: Path, fmt: str | None) -> bool:
    """Whether a folder is one archive (an unpacked Slack export or X archive; any folder
    when ``fmt`` names a source that reads folders) rather than a folder of archives."""
    if fmt is not None and get_source(fmt).reads_folders:
        return True
    try:
        found = detect(folder)
    except InputError:  # (a folder of archives)
        return False
    return fmt is None or found.id == fmt


def import_files(store: Store, paths: Iterable[Path], fmt: str | None = None,
                 options: ReadOptions | None = None, strict: bool = False,
                 on_problem: ProblemHandler | None = None,
                 on_progress: ProgressHandler | None = None) -> list[FileReport]:
    """Import several archives in order; a file that fails does not stop the others."""
    return [import_file(store, p, fmt, options, strict, on_problem, on_progress)
            for p in expand_paths(paths, fmt)]
