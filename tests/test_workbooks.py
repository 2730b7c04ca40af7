"""Spreadsheet workbooks (.xlsx) read as their CSV would be.

The workbooks are made here, with openpyxl, from the shared CSV files, the way Google
Sheets' "Download as Microsoft Excel" stores a TAGS or Twitter Archiver sheet: dates as
date-time values, counts as numbers, ids as text; a TAGS workbook has its Readme and
Dashboard sheets beside the Archive. Read from the workbook, every post must be what the
CSV gives.
"""

from __future__ import annotations

import csv
import random
import zipfile
from datetime import datetime

import pytest
from conftest import DATA
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from chatrecap.importer import import_file
from chatrecap.sources import detect
from chatrecap.sources._workbook import cell_text
from chatrecap.sources.base import ReadOptions
from chatrecap.store import open_store

TAGS = DATA / "tags" / "tidytags_sample-data_TAGS_aect.csv"
ARCHIVER = DATA / "twitter-archiver" / "pstweetchat-2020-2021.csv"
DUBOIS = DATA / "duboischallenge" / "tweets.csv"
DUBOIS_MAP = {"text": "content", "author": "username", "time": "datetime"}
_DATE_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y", "%Y-%m-%dT%H:%M:%SZ")


def _cell(text, date=False, number=False):
    if text == "":
        return None
    if date:
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt)
            except ValueError:
                pass
    if number and text.lstrip("-").isdigit():
        return int(text)
    return text


def workbook(source, target, sheet, dates=(), numbers=(), before=(), after=(), lead=0):
    """The CSV ``source`` as the sheet ``sheet`` of a workbook, its first ``lead`` rows (a
    query line) kept as they are, with sheets of a few cells ``before`` and ``after`` it."""
    with open(source, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    book = Workbook()
    book.remove(book.active)
    for name in before:
        book.create_sheet(name).append(["About this archive", "see the Archive sheet"])
    data = book.create_sheet(sheet)
    header = rows[lead]
    for row in rows[:lead + 1]:
        data.append(row)
    for row in rows[lead + 1:]:
        data.append([_cell(text, header[i] in dates, header[i] in numbers) if i < len(header) else text
                     for i, text in enumerate(row)])
    for name in after:
        book.create_sheet(name).append(["Top tweeters"])
        book[name].append(["@ann", 3])
    book.save(target)
    return target


def _posts(tmp_path, path, name, fmt=None, options=None):
    problems = []
    with open_store(tmp_path / f"{name}.db") as store:
        report = import_file(store, path, fmt, options or ReadOptions(), on_problem=problems.append)
        rows = store.query("SELECT id, author_id, created_at, text, reply_to_id, mentions, hashtags, "
                           "urls, like_count, repost_count FROM posts ORDER BY id")
        authors = store.query("SELECT id, handle, display_name, bio, followers, location, created_at "
                              "FROM authors ORDER BY id")
    return report, rows, authors, problems


def test_a_tags_workbook_reads_as_its_csv_and_says_which_sheet(tmp_path):
    path = workbook(TAGS, tmp_path / "aect.xlsx", "Archive", dates={"time"},
                    numbers={"user_followers_count", "user_friends_count"},
                    before=["Readme - Settings"], after=["Dashboard"])
    assert detect(path).id == "tags"
    report, rows, authors, problems = _posts(tmp_path, path, "book")
    _, csv_rows, csv_authors, _ = _posts(tmp_path, TAGS, "csv")
    assert (report.new, rows, authors) == (10, csv_rows, csv_authors)
    (note,) = problems
    assert not note.skipped and note.kind == "sheet"
    assert "'Archive'" in note.reason and "'Readme - Settings', 'Dashboard'" in note.reason


def test_a_twitter_archiver_workbook_with_dates_as_values(tmp_path):
    path = workbook(ARCHIVER, tmp_path / "pst.xlsx", "PSTweetChat", dates={"Date", "User Since"},
                    numbers={"Retweets", "Favorites", "Followers", "Follows", "Listed"}, lead=1)
    assert detect(path).id == "twitter-archiver"
    report, rows, authors, _ = _posts(tmp_path, path, "book")
    _, csv_rows, csv_authors, _ = _posts(tmp_path, ARCHIVER, "csv")
    assert report.new == 1691 and rows == csv_rows and authors == csv_authors


def test_any_sheet_with_a_column_map(tmp_path):
    path = workbook(DUBOIS, tmp_path / "dubois.xlsx", "tweets")
    options = ReadOptions(column_map=dict(DUBOIS_MAP))
    report, rows, _, problems = _posts(tmp_path, path, "book", "csv", options)
    _, csv_rows, _, _ = _posts(tmp_path, DUBOIS, "csv", "csv", options)
    assert report.new == 444 and rows == csv_rows
    (skipped,) = [p for p in problems if p.skipped]  # the row without an author, by its row number
    assert skipped.line == 446 and skipped.file == str(path)


@pytest.mark.parametrize("with_url", [True, False])
def test_ids_the_spreadsheet_stored_as_numbers(tmp_path, with_url):
    """Rounded to 16 digits: taken whole from status_url when the sheet has it, else the row
    is refused with the reason, never stored under a wrong id."""
    with open(TAGS, encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    url = header.index("status_url")
    book = Workbook()
    book.active.append(header)
    for row in rows:
        book.active.append([float(row[0]), *(v if i != url or with_url else "" for i, v in
                                             enumerate(row[1:], 1))])
    path = tmp_path / "numbers.xlsx"
    book.save(path)
    report, stored, _, problems = _posts(tmp_path, path, "book", "tags")
    if with_url:
        _, csv_rows, _, _ = _posts(tmp_path, TAGS, "csv")
        assert report.new == 10 and [r[0] for r in stored] == [r[0] for r in csv_rows]
    else:
        assert stored == [] and report.skipped["rounded id"] == 10
        assert problems[0].line == 2 and "rounded number by a spreadsheet" in problems[0].reason


@pytest.mark.parametrize("damage", ["truncated", "no sheets of rows"])
def test_a_broken_or_empty_workbook_is_reported(tmp_path, damage):
    path = tmp_path / "broken.xlsx"
    if damage == "truncated":
        whole = workbook(TAGS, tmp_path / "whole.xlsx", "Archive").read_bytes()
        path.write_bytes(whole[: len(whole) // 2])
    else:
        Workbook().save(path)
    with open_store(tmp_path / "w.db") as store:
        report = import_file(store, path)
    assert report.failed and report.error.startswith(str(path))
    assert ("truncated or corrupt" in report.error) if damage == "truncated" else report.empty


@given(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.datetimes(), st.dates(),
                 st.times(), st.text()))
def test_every_cell_value_becomes_text(value):
    text = cell_text(value)
    assert isinstance(text, str)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        assert text == str(int(value))  # 12.0 -> "12", as a CSV export writes it


def test_a_workbook_under_any_name_and_a_damaged_one(tmp_path):
    """A browser's "aect.xlsx (1)" is still the workbook; a sheet whose XML is cut short is
    an error naming the file, not a crash."""
    whole = workbook(TAGS, tmp_path / "aect.xlsx", "Archive")
    renamed = tmp_path / "aect.xlsx (1)"
    renamed.write_bytes(whole.read_bytes())
    assert _posts(tmp_path, renamed, "renamed")[0].new == 10
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, data[: len(data) // 2] if "worksheets/" in info.filename else data)
    with open_store(tmp_path / "d.db") as store:
        report = import_file(store, damaged)
    assert report.failed and report.error.startswith(f"{damaged}: the workbook")
    # Bytes overwritten inside a compressed entry: zlib's error, not the zip's, was an
    # internal error that stopped the whole import.
    overwritten = tmp_path / "overwritten.xlsx"
    data = bytearray(whole.read_bytes())
    with zipfile.ZipFile(whole) as source:
        sheet = next(i for i in source.infolist() if "worksheets/" in i.filename)
    start = sheet.header_offset + 30 + len(sheet.filename.encode()) + len(sheet.extra)
    data[start + 20:start + 320] = bytes(range(256)) + bytes(44)
    overwritten.write_bytes(bytes(data))
    with open_store(tmp_path / "o.db") as store:
        report = import_file(store, overwritten)
    assert report.failed and report.error.startswith(f"{overwritten}: the workbook")


def test_a_workbook_whose_xml_would_expand_past_the_limits_is_refused(tmp_path, monkeypatch):
    """openpyxl expands a workbook's XML itself: each part is held to the zip limits first,
    even when the workbook as a whole keeps under them (random padding)."""
    monkeypatch.setattr("chatrecap.sources.base.RATIO_CHECKED_FROM_BYTES", 1 << 20)
    whole = workbook(TAGS, tmp_path / "aect.xlsx", "Archive")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("xl/padding.bin", random.Random(1).randbytes(1 << 20))
        target.writestr("xl/sharedStrings2.xml", b"<sst>" + b" " * (8 << 20) + b"</sst>")
    with open_store(tmp_path / "b.db") as store:
        report = import_file(store, bomb)
    assert report.failed and "refused" in report.error and "sharedStrings2.xml" in report.error
