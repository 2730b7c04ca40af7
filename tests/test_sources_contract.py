"""Every registered source keeps the contract of docs/writing-a-source.md."""

from __future__ import annotations

import csv
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Post, Superseded
from chatrecap.sources import all_sources, detect, get_source
from chatrecap.sources.base import ReadOptions, take_sample

FOLDER_FORMAT = {
    "twarc2": "twarc2", "twitter_v1": "twitter-v1", "tags": "tags",
    "twitter-archiver": "twitter-archiver", "duboischallenge": "csv", "mastodon": "mastodon",
    "bluesky": "bluesky", "slack": "slack",
}


def shared_files(data: Path) -> list[tuple[Path, str]]:
    return [(path, FOLDER_FORMAT[path.parent.name]) for path in sorted(data.glob("*/*"))
            if path.parent.name in FOLDER_FORMAT]


def test_sources_have_unique_ids_names_and_descriptions():
    sources = all_sources()
    assert len({s.id for s in sources}) == len(sources) == 12
    for source in sources:
        assert source.id and source.name and source.description


def test_every_shared_file_is_recognised_from_its_contents(data, fixtures, tmp_path):
    files = shared_files(data) + [(fixtures / "discord" / "community-hour.json", "discord")]
    assert len(files) > 25
    for path, expected in files:
        renamed = tmp_path / f"archive-{path.parent.name}.dat"  # the name gives nothing away
        renamed.write_bytes(path.read_bytes())
        assert detect(renamed).id == expected, path


@pytest.mark.parametrize("source", all_sources(), ids=lambda s: s.id)
def test_sniff_is_a_score_and_reads_yield_only_posts_versions_and_record_errors(source, data, tmp_path):
    for path, _ in shared_files(data):
        score = source.sniff(take_sample(path))
        assert isinstance(score, float) and 0.0 <= score <= 1.0
    empty = tmp_path / "empty.json"
    empty.write_text("")
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\nworld\n")
    for path in (empty, junk):
        assert source.sniff(take_sample(path)) == 0.0 or source.id == "csv"
        try:
            items = list(source.read(path, ReadOptions()))
        except InputError:
            continue
        assert all(isinstance(i, (Post, Superseded, RecordError)) for i in items)


# The canonical JSONL is covered by the export round trip in test_import.py.
@pytest.mark.parametrize("source", [s for s in all_sources() if s.id != "jsonl"],
                         ids=lambda s: s.id)
def test_posts_are_utc_with_provenance_and_raw(source, data, fixtures):
    own = [p for p, fmt in shared_files(data) if fmt == source.id] or \
        sorted(p for p in (fixtures / source.id).glob("*") if p.is_file())
    assert own, f"no sample for {source.id}"
    options = ReadOptions(column_map={"text": "content", "author": "username", "time": "datetime"}
                          if source.id == "csv" else {})
    for path in own:
        for item in source.read(path, options):
            if isinstance(item, RecordError):
                continue
            assert item.created_at.utcoffset().total_seconds() == 0
            assert item.id == f"{item.platform}:{item.native_id}"
            assert item.source_file and item.source_line is not None
            assert item.raw is not None
            assert isinstance(item.text, str)


@pytest.mark.parametrize(("name", "source_id", "options"), [
    ("tags/tidytags_sample-data_TAGS_aect.csv", "tags", ReadOptions()),
    ("twitter-archiver/pstweetchat-2020-2021.csv", "twitter-archiver",
     ReadOptions(tz=ZoneInfo("America/New_York"))),
    ("duboischallenge/tweets.csv", "csv",
     ReadOptions(column_map={"text": "content", "author": "username", "time": "datetime"})),
])
@pytest.mark.parametrize("delimiter", ["\t", ";"])
def test_a_sheet_saved_with_tabs_or_semicolons_reads_as_with_commas(data, tmp_path, name, source_id,
                                                                     options, delimiter):
    """Google Sheets saves TSV, and Excel in much of Europe writes semicolons."""
    original = data / name
    rows = list(csv.reader(original.open(newline="", encoding="utf-8-sig")))
    saved = tmp_path / "sheet.csv"
    with saved.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    assert detect(saved).id == source_id

    def read(path: Path) -> list[tuple]:
        return [(p.id, p.author.handle, p.created_at, p.text, p.reply_to_author, p.mentions, p.like_count)
                for p in get_source(source_id).read(path, options) if not isinstance(p, RecordError)]

    assert read(saved) == read(original) and len(read(original)) >= 10


def test_a_format_given_imports_its_reader_alone_and_the_list_keeps_its_order(monkeypatch):
    import chatrecap.sources as registry

    listed = [source.id for source in registry.all_sources()]
    monkeypatch.setattr(registry, "_loaded", False)
    monkeypatch.setattr(registry, "_registry", {})
    assert registry.get_source("twarc-csv").id == "twarc-csv"
    assert list(registry._registry) == ["twarc-csv"] and not registry._loaded
    assert [source.id for source in registry.all_sources()] == listed
