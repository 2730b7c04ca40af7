"""Zips and tarballs of archives, as datasets are shared: their entries, read safely.

A zip that is no export (a Slack or account archive), or a tar (often a ``.tar.gz``, which
``compressed`` expands first), holds archives that are imported one by one. The entries are
listed within the limits zip archives have (a bomb is refused before anything is written:
a tar's sizes are declared in its headers, and it stores its data as it is), hidden files
and folders, macOS's ``__MACOSX`` copies and media attachments left out, and each is read
when its turn comes.
"""

from __future__ import annotations

import tarfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from chatrecap.errors import InputError, ZipLimitError
from chatrecap.sources import base
from chatrecap.sources.base import check_zip, read_zip_entry

TAR_MAGIC = (257, b"ustar")  # where a POSIX or GNU tar says what it is
MAX_ENTRIES = 10_000  # files a bundle may hold (each is an import of its own)


@dataclass(slots=True)
class Entry:
    """A file in a bundle."""

    name: str  # its path in the bundle
    start: int  # where its bytes begin in the bundle's file (for progress)
    share: float  # bytes of the bundle's file per byte of the entry
    read: Callable[[], bytes]  # its bytes (InputError if it is damaged or past the limits)


def is_tar(path: Path) -> bool:
    """Whether a file is a tar archive, told by its header."""
    offset, magic = TAR_MAGIC
    try:
        with open(path, "rb") as fh:
            return fh.read(offset + len(magic))[offset:] == magic
    except OSError:
        return False


#: Attachments an export keeps beside its posts (an old Mastodon archive's media), passed
#: over by their names: never written out, nor counted against the limits.
MEDIA_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".mp4", ".mov", ".m4v", ".webm",
                  ".mp3", ".m4a", ".ogg", ".oga", ".wav", ".pdf")


def _listed(name: str) -> bool:
    return not (any(part.startswith(".") or part == "__MACOSX" for part in PurePosixPath(name).parts)
                or name.lower().endswith(MEDIA_SUFFIXES))


def _named(name: str) -> str:
    """An entry's name with "/" between its folders (zips written on Windows may use "\\")
    and no "./" (tar -C folder . writes it)."""
    return str(PurePosixPath(name.replace("\\", "/")))


@contextmanager
def bundle_entries(path: Path, label: str) -> Iterator[list[Entry]]:
    """The entries of the zip or tar ``path`` (called ``label`` in messages), in the order
    they lie in it (as progress goes).
    Raises InputError when it cannot be read, ZipLimitError when it would expand past the
    limits as a whole; an entry past an entry's limits raises when it is read."""
    archive: tarfile.TarFile | zipfile.ZipFile | None = None
    try:  # (only the opening and listing here: what the caller does with the entries is its own)
        if is_tar(path):
            archive = tarfile.open(path, "r:")
            entries = _tar_entries(archive, label)
        else:
            archive = zipfile.ZipFile(path)
            infos = [(_named(i.filename), i) for i in archive.infolist() if not i.is_dir()]
            infos = [(name, i) for name, i in infos if _listed(name)]
            check_zip(archive, label, [i.filename for _, i in infos])
            entries = [Entry(name, i.header_offset, i.compress_size / max(i.file_size, 1),
                             lambda i=i, zf=archive: read_zip_entry(zf, i, label)) for name, i in infos]
        if len(entries) > MAX_ENTRIES:
            raise ZipLimitError(f"{label}: refused, it holds {len(entries):,} files (limit "
                                f"{MAX_ENTRIES:,}); unpack it yourself if you trust it.")
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, ValueError, InputError) as exc:
        if archive is not None:
            archive.close()
        if isinstance(exc, InputError):
            raise
        raise InputError(f"{label}: the archive is truncated or corrupt ({exc}).") from exc
    with archive:
        yield entries


def _tar_entries(tar: tarfile.TarFile, label: str) -> list[Entry]:
    members = [(name, m) for m in tar.getmembers() if m.isfile() and _listed(name := _named(m.name))]
    total = sum(m.size for _, m in members if not m.issparse())
    if total > base.MAX_ZIP_TOTAL_BYTES:
        raise ZipLimitError(f"{label}: refused, it would expand to {total:,} bytes in all (limit "
                            f"{base.MAX_ZIP_TOTAL_BYTES:,} bytes); unpack it yourself if you trust it.")
    return [Entry(name, m.offset_data, 1.0, lambda m=m: _tar_read(tar, m, label)) for name, m in members]


def _tar_read(tar: tarfile.TarFile, member: tarfile.TarInfo, label: str) -> bytes:
    if member.issparse():  # (its size is what it would expand to from next to nothing)
        raise ZipLimitError(f"{label}!{member.name}: refused, a sparse file is no archive.")
    if member.size > base.MAX_ZIP_ENTRY_BYTES:
        raise ZipLimitError(f"{label}!{member.name}: refused, it would expand to {member.size:,} "
                            f"bytes (limit {base.MAX_ZIP_ENTRY_BYTES:,} bytes); unpack it yourself if "
                            "you trust it.")
    try:
        fh = tar.extractfile(member)
        data = fh.read() if fh is not None else b""
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(f"{label}!{member.name}: the tar entry is corrupt ({exc}).") from exc
    if len(data) != member.size:
        raise InputError(f"{label}!{member.name}: the tar entry is cut short.")
    return data
