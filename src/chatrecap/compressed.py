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

#: What the decompressors raise on a stream that is cut short or damaged (and zstandard's own).
_BROKEN: tuple[type[Exception], ...] = (EOFError, OSError, zlib.error, lzma.LZMAError, ValueError)


@dataclass(slots=True)
class Expanded:
    """The file to read for an archive: itself, or its expansion (``compression`` set)."""

    path: Path
    compression: str | None = None
    note: RecordError | None = None  # the stream ended early or was damaged past some point


def compression_of(head: bytes) -> str | None:
    """The compression a file's first bytes show, or None."""
    return next((name for magic, name, _ in FORMATS if head.startswith(magic)), None)


def _opened(name: str, fh: IO[bytes]) -> IO[bytes]:
    if name == "gzip":
        return gzip.GzipFile(fileobj=fh)  # (several members one after another, as `cat a.gz b.gz`)
    if name == "bzip2":
        return bz2.BZ2File(fh)
    if name == "xz":
        return lzma.LZMAFile(fh)
    return zstandard.ZstdDecompressor().stream_reader(fh, read_across_frames=True)


def _inner_name(path: Path, name: str) -> str:
    suffixes = next(s for _, n, s in FORMATS if n == name)
    lower = path.name.lower()
    for suffix in suffixes:
        if lower.endswith(suffix) and len(lower) > len(suffix):
            return path.name[:-len(suffix)] + (".tar" if suffix == ".tgz" else "")
    return path.name  # compressed without the usual suffix: the same name, elsewhere


@contextmanager
def expanded(path: Path) -> Iterator[Expanded]:
    """The file to import for ``path``: itself, or, when it is compressed, a temporary file
    holding what it expands to, removed afterwards. Raises InputError when nothing can be
    expanded, ZipLimitError past the limits."""
    try:
        with open(path, "rb") as fh:
            name = compression_of(fh.read(8))
    except OSError:  # (a folder, or a file that cannot be read: the import says which)
        name = None
    if name is None:
        yield Expanded(path)
        return
    with tempfile.TemporaryDirectory(prefix="chatrecap-") as folder:
        inner = Path(folder) / _inner_name(path, name)
        note = _expand(path, name, inner)
        yield Expanded(inner, name, note)


def _expand(path: Path, name: str, inner: Path) -> RecordError | None:
    """Write what ``path`` expands to into ``inner``; a warning if it stopped early."""
    written = 0
    with open(path, "rb") as raw, open(inner, "wb") as out:
        try:
            with _opened(name, raw) as stream:
                while block := stream.read1(STEP):  # (what came before a break is kept)
                    written += len(block)
                    packed = max(raw.tell(), 1)
                    if written > MAX_EXPANDED_BYTES or (written > RATIO_CHECKED_FROM_BYTES
                                                        and written / packed > MAX_RATIO):
                        raise ZipLimitError(
                            f"{path}: the {name} file would expand past the limit "
                            f"({MAX_EXPANDED_BYTES:,} bytes, ratio {MAX_RATIO}:1); "
                            "expand it yourself if you trust it.")
                    out.write(block)
        except ZipLimitError:
            raise
        except (*_BROKEN, zstandard.ZstdError) as exc:
            what = f"the {name} data is cut short or damaged ({exc})"
            if not written:
                raise InputError(f"{path}: {what}; nothing could be read.") from exc
            return RecordError(str(path), None, f"{what}: what came before it "
                               f"({written:,} bytes) was imported", kind="damaged file",
                               skipped=False)
    return None

