"""Reading archives into the workspace: detection, batching, counting, errors, speed.

A bad record costs one warning and the rest of the file still imports; a file that cannot
be read at all is reported and the next file goes on. With ``strict`` the first problem
stops the import (what was written before it stays, as in any run).

Records become rows in :func:`prepare`, which for a large JSONL file runs in worker
processes (one per core) while this process writes; results are written in file order, so
the workspace is the same whatever the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson

from chatrecap.errors import ChatrecapError, InputError, RecordError
from chatrecap.models import Post
from chatrecap.sources import detect, get_source
from chatrecap.sources.base import LineSource, ReadOptions, Source, iter_lines, take_sample
from chatrecap.store import Batch, Store, author_row, compress, iso, post_row

BATCH_POSTS = 2000
CHUNK_BYTES = 4 << 20  # lines sent to a worker at a time
PARALLEL_MIN_BYTES = 16 << 20  # smaller files import in-process (no start-up cost)


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
    error: str | None = None  # the file could not be read

    @property
    def rate(self) -> float:
        return self.records / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def failed(self) -> bool:
        """Nothing usable came out of the file."""
        return self.error is not None or self.new + self.duplicates + self.referenced == 0


ProblemHandler = Callable[[RecordError], None]
ProgressHandler = Callable[[int], None]


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


def _chats_of(post: Post, ctx: _Context) -> tuple[str, ...]:
    if ctx.chat:
        return (ctx.chat,)
    if post.chats:
        return tuple(post.chats)
    return (post.channel or ctx.fallback_chat,)


def prepare(items: Iterable[Post | RecordError], ctx: _Context,
            lines: dict[int, bytes] | None = None, name: str = "") -> Batch:
    """Turn records into rows. ``lines`` (line-based sources) are kept as the raw records;
    otherwise each record's ``raw`` is, once per (file, line)."""
    batch = Batch()
    raws: dict[tuple[str, int], object] = {}
    stamps: dict[object, str] = {None: ctx.observed}  # one iso() per distinct observation
    author_rows: dict[int, tuple[str, tuple[object, ...]]] = {}  # by Author object
    for item in items:
        if isinstance(item, RecordError):
            batch.problems.append(item)
            if item.skipped:
                batch.records += 1
            continue
        batch.records += 1
        observed = stamps.get(item.observed_at)
        if observed is None:
            observed = stamps[item.observed_at] = iso(item.observed_at) or ctx.observed
        batch.posts.append(post_row(item, observed))
        known = author_rows.get(id(item.author))
        if known is None:
            known = author_rows[id(item.author)] = (item.author.id, author_row(item.author))
        batch.authors[known[0]] = (known[1], observed)
        if item.is_referenced:
            batch.referenced += 1
        else:
            batch.chat_posts.append((item.id, _chats_of(item, ctx)))
        if ctx.keep_raw and lines is None and item.raw is not None and item.source_file:
            raws[(item.source_file, item.source_line or 0)] = item.raw
    if ctx.keep_raw:
        if lines is not None:
            batch.raws = {(name, number): compress(line.rstrip(b"\r\n"))
                          for number, line in lines.items()}
        else:
            batch.raws = {key: compress(orjson.dumps(raw)) for key, raw in raws.items()}
    return batch


def _prepare_lines(source_id: str, name: str, options: ReadOptions, ctx: _Context,
                   chunk: list[tuple[int, bytes]]) -> Batch:
    """Worker task: parse a run of lines of a line-based source into a batch."""
    source = get_source(source_id)
    assert isinstance(source, LineSource)
    items: list[Post | RecordError] = []
    for number, line in chunk:
        items.extend(source.parse_line(line, number, name, options))
    return prepare(items, ctx, dict(chunk), name)


def _line_chunks(path: Path) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    size = 0
    for number, line in iter_lines(path):
        chunk.append((number, line))
        size += len(line)
        if size >= CHUNK_BYTES or len(chunk) >= BATCH_POSTS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _batches(source: Source, path: Path, options: ReadOptions, ctx: _Context,
             workers: int) -> Iterator[Batch]:
    """Prepared batches in file order, from worker processes when it pays off."""
    name = str(path)
    if isinstance(source, LineSource):
        chunks = _line_chunks(path)
        if workers > 1 and path.stat().st_size >= PARALLEL_MIN_BYTES:
            yield from _parallel(source, name, options, ctx, chunks, workers)
        else:
            for chunk in chunks:
                yield _prepare_lines(source.id, name, options, ctx, chunk)
        return
    pending: list[Post | RecordError] = []
    for item in source.read(path, options):
        pending.append(item)
        if len(pending) >= BATCH_POSTS and not isinstance(item, RecordError):
            yield prepare(pending, ctx)
            pending = []
    yield prepare(pending, ctx)


def _parallel(source: LineSource, name: str, options: ReadOptions, ctx: _Context,
              chunks: Iterator[list[tuple[int, bytes]]], workers: int) -> Iterator[Batch]:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    in_flight: deque[Future[Batch]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk in chunks:
            in_flight.append(pool.submit(_prepare_lines, source.id, name, options, ctx, chunk))
            if len(in_flight) >= workers * 2:  # bounded: memory stays flat on any file size
                yield in_flight.popleft().result()
        while in_flight:
            yield in_flight.popleft().result()


def default_workers() -> int:
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                      else os.cpu_count() or 1))


def import_file(store: Store, path: Path, fmt: str | None = None,
                options: ReadOptions | None = None, strict: bool = False,
                on_problem: ProblemHandler | None = None,
                on_progress: ProgressHandler | None = None,
                keep_raw: bool = True, workers: int | None = None) -> FileReport:
    """Import one archive; bad input is reported in the result, never raised (but with
    ``strict``, which raises :class:`StrictStop` at the first problem)."""
    options = options or ReadOptions()
    report = FileReport(str(path))
    started = time.perf_counter()
    try:
        source = get_source(fmt) if fmt else detect(path)
    except InputError as exc:
        report.error = str(exc)
        report.elapsed = time.perf_counter() - started
        return report
    report.format = source.id
    encoding = _encoding_note(path)
    if encoding and on_problem:
        on_problem(encoding)
    if encoding:
        report.warnings += 1
    import_id = uuid.uuid4().hex
    store.begin_import(import_id, str(path), source.id, options.chat)
    ctx = _Context(options.chat, path.stem, iso(datetime.now(UTC)) or "", keep_raw)
    status = "failed"
    try:
        for batch in _batches(source, path, options, ctx, workers or default_workers()):
            stop = None
            for problem in batch.problems:
                if problem.skipped:
                    report.skipped[problem.kind] += 1
                else:
                    report.warnings += 1
                if on_problem:
                    on_problem(problem)
                if strict:
                    stop = problem
                    break
            if stop is not None:
                raise StrictStop(stop)
            result = store.write_batch(batch)
            report.records += batch.records
            report.new += result.new
            report.duplicates += result.duplicates
            report.referenced += result.referenced
            if on_progress:
                on_progress(batch.records)
        status = "done"
    except InputError as exc:
        report.error = str(exc)
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


def _encoding_note(path: Path) -> RecordError | None:
    """A note when a text file is not UTF-8, so a guessed encoding is never silent."""
    try:
        sample = take_sample(path)
    except InputError:
        return None
    if sample.encoding in ("utf-8", "utf-8-sig", "binary", "directory"):
        return None
    return RecordError(str(path), None, f"the file is not UTF-8; it was read as {sample.encoding} "
                       "(save it as UTF-8 to be sure of every character)",
                       kind="encoding", skipped=False)


def import_files(store: Store, paths: Iterable[Path], fmt: str | None = None,
                 options: ReadOptions | None = None, strict: bool = False,
                 on_problem: ProblemHandler | None = None,
                 on_progress: ProgressHandler | None = None) -> list[FileReport]:
    """Import several archives in order; a file that fails does not stop the others."""
    return [import_file(store, Path(p), fmt, options, strict, on_problem, on_progress)
            for p in paths]
