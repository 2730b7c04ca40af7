"""Every error a user can cause, as one tree.

    ChatrecapError            anything the CLI turns into a one-line message, exit 2
    ├── InputError            a file cannot be read at all (missing, unknown format, encoding, corrupt zip)
    │   └── ZipLimitError     a zip entry or compressed file would expand past the documented limit
    ├── RecordError           one record of a file is malformed (file:line: reason)
    ├── OptionError           a command-line option or setting is wrong (--tz, --map, --format)
    └── StoreError            the workspace cannot be opened or is from a newer chatrecap

Messages are full sentences that say what to do about it.
"""

from __future__ import annotations


class ChatrecapError(Exception):
    """Base of every error chatrecap reports without a traceback."""


class InputError(ChatrecapError):
    """A whole input file cannot be read."""


class EmptyArchive(InputError):
    """A file that holds no records at all (an empty file, ``[]``, an empty thread): nothing
    to import, but nothing wrong either, as the last page of a paged download often is."""


class ZipLimitError(InputError):
    """A zip entry or a compressed file would expand past the limit (a bomb, or a
    truncated header)."""


class OptionError(ChatrecapError):
    """An option value is invalid."""


class StoreError(ChatrecapError):
    """The workspace database cannot be used."""


class RecordError(ChatrecapError):
    """One record is malformed; carries where it is so the message can say file:line."""

    def __init__(self, file: str, line: int | None, reason: str, *,
                 kind: str = "malformed record", skipped: bool = True) -> None:
        self.file = file
        self.line = line
        self.reason = reason
        self.kind = kind  # short category for the import summary ("invalid JSON", ...)
        self.skipped = skipped  # False for a warning about a record that was still imported
        super().__init__(str(self))

    def __reduce__(self) -> tuple[object, ...]:  # picklable across import processes
        return (_record_error, (self.file, self.line, self.reason, self.kind, self.skipped))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.reason}"


def _record_error(file: str, line: int | None, reason: str, kind: str,
                  skipped: bool) -> RecordError:
    return RecordError(file, line, reason, kind=kind, skipped=skipped)
