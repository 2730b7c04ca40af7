"""Archives compressed whole: gzip, bzip2, xz or zstd, told by their first bytes.

Collections of tweets are kept and shared compressed ("chat.jsonl.gz", "tweets.json.xz"),
and every reader, and the import's parallel workers, want a file they can seek in. So such a
file is expanded once, into a temporary file named like it without the compression's suffix,
and imported as that file would be, under the compressed file's name (``expanded``). The
expansion is held to the limits zip entries have (a bomb is refused, not written to disk),
and a stream that stops early keeps what came before, with a warning.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import zstandard

from chatrecap.errors import InputError, RecordError, ZipLimitError
from chatrecap.sources.base import MAX_ZIP_RATIO, MAX_ZIP_TOTAL_BYTES, RATIO_CHECKED_FROM_BYTES

#: (first bytes, name, the usual suffixes) of each compression read.
FORMATS = (
    (b"\x1f\x8b", "gzip", (".gz", ".gzip", ".tgz")),
    (b"BZh", "bzip2", (".bz2", ".bzip2")),
    (b"\xfd7zXZ\x00", "xz", (".xz", ".lzma")),
    (b"\x28\xb5\x2f\xfd", "zstd", (".zst", ".zstd")),
)
#: An expanded file may not exceed this many bytes, nor this many times its compressed size
#: once past RATIO_CHECKED_FROM_BYTES: the limits of a zip archive as a whole.
MAX_EXPANDED_BYTES = MAX_ZIP_TOTAL_BYTES
MAX_RATIO = MAX_ZIP_RATIO
STEP = 1 << 20  # bytes expanded at a time
ZSTD_STEP = 1 << 10  # compressed bytes given to zstd at a time: it expands them whole (bounded)
MAX_SIBLINGS = 2000  # files beside a compressed one that its expansion sees (see ``expanded``)

#: What the decompressors raise on a stream that is cut short or damaged.
_BROKEN: tuple[type[Exception], ...] = (EOFError, OSError, zlib.error, lzma.LZMAError, ValueError,
                                        zstandard.ZstdError)


@dataclass(slots=True)
class Expanded:
    """The file to read for an archive: itself, or its expansion (``compression`` set)."""

    path: Path
    compression: str | None = None
    note: RecordError | None = None  # the stream ended early or was damaged past some point
    share: float = 1.0  # the compressed file's size over its expansion's


def compression_of(head: bytes) -> str | None:
    """The compression a file's first bytes show, or None."""
    if len(head) >= 4 and 0x50 <= head[0] <= 0x5F and head[1:4] == b"\x2a\x4d\x18":
        return "zstd"  # a skippable frame first, as pzstd writes
    return next((name for magic, name, _ in FORMATS if head.startswith(magic)), None)


def _blocks(name: str, raw: IO[bytes]) -> Iterator[bytes]:
    """What ``raw`` expands to, a block at a time; raises one of _BROKEN where it is cut
    short or damaged, after the blocks before it."""
    if name in ("zstd", "xz"):
        yield from (_zstd_blocks if name == "zstd" else _xz_blocks)(raw)
        return
    # (gzip: several members one after another too, as `cat a.gz b.gz` writes, and zeros after)
    opened = {"gzip": lambda fh: gzip.GzipFile(fileobj=fh), "bzip2": bz2.BZ2File}[name]
    with opened(raw) as stream:
        while block := stream.read1(STEP):
            yield block


def _zstd_blocks(raw: IO[bytes]) -> Iterator[bytes]:
    """zstandard's reader ends a frame cut short without a word, so its frames are followed
    here: the input must end where a frame does."""
    context = zstandard.ZstdDecompressor()
    frame, inside = context.decompressobj(), False
    while chunk := raw.read(ZSTD_STEP):
        while chunk:
            inside = True
            if block := frame.decompress(chunk):
                yield block
            chunk = b""
            if frame.eof:  # the next frame starts in what is left
                chunk, frame, inside = frame.unused_data, context.decompressobj(), False
    if inside:
        raise EOFError("the data ends inside a zstd frame")


def _xz_blocks(raw: IO[bytes]) -> Iterator[bytes]:
    """lzma's reader takes the zeros that xz allows after a stream (stream padding) for a
    stream cut short, so its streams are followed here, as ``xz`` itself reads them."""
    stream, inside = lzma.LZMADecompressor(), False
    while chunk := raw.read(STEP):
        while True:
            if not inside:  # (a stream starts with its magic, never a zero)
                chunk = chunk.lstrip(b"\0")
                if not chunk:
                    break
            inside = True
            if block := stream.decompress(chunk, STEP):  # (STEP at most: a bomb shows early)
                yield block
            chunk = b""
            if stream.eof:  # the next stream, or padding, in what is left
                chunk, stream, inside = stream.unused_data, lzma.LZMADecompressor(), False
            elif stream.needs_input:
                break
    if inside:
        raise EOFError("the data ends inside an xz stream")


def inner_name(path: Path, name: str) -> str:
    """The name of what the file ``path``, compressed with ``name``, holds."""
    suffixes = next(s for _, n, s in FORMATS if n == name)
    lower = path.name.lower()
    for suffix in suffixes:
        if lower.endswith(suffix) and len(lower) > len(suffix):
            return path.name[:-len(suffix)] + (".tar" if suffix == ".tgz" else "")
    return path.name  # compressed without the usual suffix: the same name, elsewhere


@contextmanager
def expanded(path: Path, name: str | None = None, limit: int | None = None) -> Iterator[Expanded]:
    """The file to import for ``path``: itself, or, when it is compressed, a temporary file
    holding what it expands to, removed afterwards. Raises InputError when nothing can be
    expanded, ZipLimitError past the limits (messages call the file ``name``, if given;
    ``limit``: bytes it may expand to, when less than MAX_EXPANDED_BYTES is left).

    The files beside a compressed one are linked beside its expansion too (up to
    MAX_SIBLINGS), as some archives are read with theirs: an X archive's tweets.js with
    account.js, a Mastodon outbox.json with actor.json."""
    try:
        with open(path, "rb") as fh:
            kind = compression_of(fh.read(8))
    except OSError:  # (a folder, or a file that cannot be read: the import says which)
        kind = None
    if kind is None:
        yield Expanded(path)
        return
    with tempfile.TemporaryDirectory(prefix="chatrecap-") as folder:
        inner = Path(folder) / inner_name(path, kind)
        note, size = _expand(path, name or str(path), kind, inner,
                             MAX_EXPANDED_BYTES if limit is None else min(limit, MAX_EXPANDED_BYTES))
        _link_siblings(path, inner)
        yield Expanded(inner, kind, note, path.stat().st_size / max(size, 1))


def _link_siblings(path: Path, inner: Path) -> None:
    """Links to the files beside ``path``, but for other compressed ones (a folder of them is
    common, and no reader looks for a compressed file beside its own): MAX_SIBLINGS at most."""
    compressed = tuple(suffix for _, _, suffixes in FORMATS for suffix in suffixes)
    try:
        linked = 0
        with os.scandir(path.parent) as found:
            for entry in found:
                if (entry.name in (path.name, inner.name) or entry.name.lower().endswith(compressed)
                        or not entry.is_file()):
                    continue
                (inner.parent / entry.name).symlink_to(Path(entry.path).resolve())
                linked += 1
                if linked >= MAX_SIBLINGS:
                    break
    except OSError:  # (no links here, or the folder cannot be listed: the file is read alone)
        pass


def _expand(path: Path, label: str, name: str, inner: Path, limit: int) -> tuple[RecordError | None, int]:
    """Write what ``path`` (called ``label``) expands to into ``inner``: a warning if it
    stopped early (the incomplete line it stopped in left out), and the bytes kept."""
    written = complete = 0  # bytes written; up to the end of the last whole line
    with open(path, "rb") as raw, open(inner, "wb", buffering=0) as out:  # (a failed write says so)
        blocks = _blocks(name, raw)
        while True:
            try:
                block = next(blocks, None)
            except _BROKEN as exc:
                what = f"the {name} data is cut short or damaged ({exc})"
                # Cut short (the end of a download missing), it stopped inside a line, which is
                # left out; damaged, or followed by something else, what came out is whole.
                kept = complete if isinstance(exc, EOFError) else written
                if not kept:
                    raise InputError(f"{label}: {what}; nothing could be read.") from exc
                out.truncate(kept)
                return RecordError(label, None, f"{what}: the {kept:,} bytes before it are read "
                                   "as the file", kind="damaged file", skipped=False), kept
            if block is None:
                return None, written
            if written + len(block) > limit or (
                    written > RATIO_CHECKED_FROM_BYTES and written / max(raw.tell(), 1) > MAX_RATIO):
                raise ZipLimitError(
                    f"{label}: the {name} file would expand past the limit "
                    f"({limit:,} bytes, ratio {MAX_RATIO}:1); expand it yourself if you trust it.")
            try:
                view = memoryview(block)
                while view:
                    view = view[out.write(view):]
            except OSError as exc:
                raise InputError(f"{label}: its expansion could not be written to the temporary "
                                 f"folder {inner.parent.parent} ({exc.strerror or exc}); set TMPDIR "
                                 "to a folder with room for it.") from exc
            end = block.rfind(b"\n")
            if end >= 0:
                complete = written + end + 1
            written += len(block)

