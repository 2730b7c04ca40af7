"""Spreadsheet workbooks (.xlsx) read as the CSV their sheet of posts would be.

A TAGS or Twitter Archiver sheet lives in Google Sheets, and "Download as Microsoft Excel"
is as common a way out of it as CSV; Excel users keep the workbook too. The CSV sources
read a workbook's rows as they read a CSV file's, so every CSV format (and ``--map``)
works on both. The sheet read is the one with the most rows (a TAGS workbook's Archive,
beside its Readme and Dashboard), and a note names it when the workbook has others.

Cells become the text a CSV export writes: whole numbers without ``.0``, dates and times
in ISO 8601 as the sheet shows them (naive, as in a CSV). A tweet id that the spreadsheet
stored as a number has lost digits past the 16th; it is written as that number is, so the
sources' id checks refuse it with their message instead of storing a wrong id.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from chatrecap.errors import InputError, RecordError

WORKBOOK_ENTRY = "xl/workbook.xml"
ENCODING = "xlsx"  # what a workbook's Sample says its encoding is
SAMPLE_ROWS = 40
_EXACT = 2**53  # beyond this a spreadsheet's number is no longer a whole number


def is_workbook(names: list[str] | None) -> bool:
    return bool(names) and WORKBOOK_ENTRY in names  # type: ignore[operator]


def is_workbook_file(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return False
        with zipfile.ZipFile(path) as zf:
            return WORKBOOK_ENTRY in zf.namelist()
    except (OSError, zipfile.BadZipFile, EOFError, ValueError):
        return False


def cell_text(value: Any) -> str:
    """The text a CSV export gives a cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT:
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds" if not value.microsecond else "auto")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


#: What openpyxl raises on a damaged workbook, besides its own InvalidFileException: the
#: zip's errors (a damaged entry's zlib.error too), and ParseError (a SyntaxError) for broken XML.
_DAMAGED = (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError, ValueError, TypeError, SyntaxError)


def _open(path: Path) -> Any:
    from openpyxl import load_workbook  # imported on first need: most imports are not workbooks
    from openpyxl.utils.exceptions import InvalidFileException

    from chatrecap.sources.base import check_zip, check_zip_entry

    try:
        with zipfile.ZipFile(path) as zf:  # openpyxl expands the XML itself: our limits first
            check_zip(zf, path)
            for info in zf.infolist():
                check_zip_entry(info, path)
        # Given a file, not a name: openpyxl refuses names that do not end in .xlsx.
        return load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except (*_DAMAGED, InvalidFileException) as exc:
        raise InputError(f"{path}: the workbook cannot be read ({exc}).") from exc


def _chosen(workbook: Any) -> tuple[Any, list[str]]:
    """The sheet with the most rows (the first on a tie), and the names of the others."""
    sheets = list(workbook.worksheets)
    if not sheets:
        raise ValueError("it holds no sheets")
    rows = [_rows(sheet) for sheet in sheets]
    best = sheets[rows.index(max(rows))]  # the first of the largest
    return best, [sheet.title for sheet in sheets if sheet is not best and _filled(sheet)]


def _rows(sheet: Any) -> int:
    """The sheet's rows: as its dimension says, else counted (a writer may leave it out)."""
    if sheet.max_row is not None:
        return int(sheet.max_row)
    return sum(1 for _ in sheet.iter_rows(values_only=True))


def _filled(sheet: Any) -> bool:
    if (sheet.max_row or 0) > 1:
        return True
    first = next(sheet.iter_rows(values_only=True), ())
    return any(value is not None and str(value).strip() for value in first)


def sheet_rows(path: Path) -> Iterator[tuple[int, list[str]] | RecordError]:
    """(row number, cell texts) of each non-blank row of the workbook's sheet of posts, after
    a note naming that sheet when there are others."""
    workbook = _open(path)
    try:
        try:
            sheet, others = _chosen(workbook)
        except _DAMAGED as exc:
            raise InputError(f"{path}: the workbook cannot be read ({exc}).") from exc
        if others:
            listed = ", ".join(f"'{name}'" for name in others)
            yield RecordError(str(path), None, f"read the sheet '{sheet.title}', the workbook's "
                              f"largest; its other sheets ({listed}) were not read",
                              kind="sheet", skipped=False)
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
                cells = [cell_text(value) for value in row]
                if any(cell.strip() for cell in cells):
                    yield number, cells
        except _DAMAGED as exc:
            raise InputError(f"{path}: the workbook's sheet '{sheet.title}' cannot be read "
                             f"({exc}).") from exc
    finally:
        workbook.close()


def sample_text(path: Path) -> str:
    """The first rows of the sheet of posts as CSV text, for the sources to sniff."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for item in sheet_rows(path):
        if isinstance(item, RecordError):
            continue
        writer.writerow(item[1])
        if item[0] >= SAMPLE_ROWS:
            break
    return out.getvalue()
