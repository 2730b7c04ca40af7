"""Archives compressed whole (gzip, bzip2, xz, zstd) import as the file they hold."""

from __future__ import annotations

import bz2
import gzip
import lzma
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import orjson
import pytest
import zstandard
from test_import import _big_archive, cli, stats

from chatrecap.compressed import compression_of

COMPRESS = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
}


def _rows(db: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def _export(tmp_path: Path, db: Path) -> list[dict]:
    """The workspace's posts as exported, but for the file they came from and when."""
    out = tmp_path / (db.stem + ".jsonl")
    assert cli(db, "export", "-o", str(out)).exit_code == 0
    posts = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    for post in posts:
        del post["source_file"], post["observed_at"]
    return sorted(posts, key=lambda post: post["id"])


@pytest.mark.parametrize("suffix", list(COMPRESS))
@pytest.mark.parametrize(("name", "posts"), [("twarc2/streaming_output_with_error.jsonl", 7),
                                             ("tags/tidytags_sample-data_TAGS_aect.csv", 10),
                                             ("mastodon/timeline_public.json", 8)])
def test_a_compressed_archive_imports_as_the_file_it_holds_under_its_own_name(
        tmp_path, data, suffix, name, posts):
    plain = data / name
    packed = tmp_path / (plain.name + suffix)
    packed.write_bytes(COMPRESS[suffix](plain.read_bytes()))
    assert compression_of(packed.read_bytes()[:8]) is not None
    result = cli(tmp_path / "packed.db", "import", str(packed))
    assert result.exit_code == 0, result.output
    assert cli(tmp_path / "plain.db", "import", str(plain)).exit_code == 0
    # The same posts in the same chat (named after the file without its suffixes) ...
    assert stats(tmp_path / "packed.db")["chats"] == stats(tmp_path / "plain.db")["chats"]
    assert sum(c["posts"] for c in stats(tmp_path / "packed.db")["chats"].values()) == posts
    assert _export(tmp_path, tmp_path / "packed.db") == _export(tmp_path, tmp_path / "plain.db")
    # ... whose provenance and raw records name the compressed file, never its expansion.
    files = {f for (f,) in _rows(tmp_path / "packed.db", "SELECT DISTINCT source_file FROM posts")}
    files |= {f for (f,) in _rows(tmp_path / "packed.db", "SELECT DISTINCT source_file FROM raw_records")}
    assert files == {str(packed)}
    assert _rows(tmp_path / "packed.db", "SELECT path FROM imports") == [(str(packed),)]
    if "streaming" in name:  # a bad line is reported by the compressed file's name and line
        assert f"{packed}:8: not valid JSON" in result.stderr
    assert "chatrecap-" not in result.output


def test_a_compressed_archive_is_spread_over_the_workers_like_a_plain_one(tmp_path, data):
    archive = tmp_path / "big.jsonl"
    expected = _big_archive(archive, data, copies=30)
    packed = tmp_path / "big.jsonl.gz"
    packed.write_bytes(gzip.compress(archive.read_bytes(), compresslevel=1))
    assert packed.stat().st_size < 16 << 20 < archive.stat().st_size  # only its expansion is large
    result = cli(tmp_path / "w.db", "import", str(packed), "--workers", "3")
    assert result.exit_code == 0, result.output
    assert stats(tmp_path / "w.db")["chats"]["big"]["posts"] == expected
    assert _rows(tmp_path / "w.db", "SELECT DISTINCT source_file FROM raw_records") == [(str(packed),)]
    assert cli(tmp_path / "plain.db", "import", str(archive), "--workers", "1").exit_code == 0
    assert _export(tmp_path, tmp_path / "w.db") == _export(tmp_path, tmp_path / "plain.db")


def test_a_stream_cut_short_keeps_what_came_before_and_a_whole_copy_completes_it(tmp_path, data):
    archive = tmp_path / "big.jsonl"
    expected = _big_archive(archive, data, copies=2)
    whole = gzip.compress(archive.read_bytes())
    cut = tmp_path / "big.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    db = tmp_path / "w.db"
    result = cli(db, "import", str(cut))
    assert result.exit_code == 0, result.output
    assert "big.jsonl.gz: the gzip data is cut short or damaged" in result.stderr
    assert "was imported" in result.stderr
    part = stats(db)["chats"]["big"]["posts"]
    assert 0 < part < expected
    cut.write_bytes(whole)
    result = cli(db, "import", str(cut))
    assert result.exit_code == 0 and "cut short" not in result.stderr
    assert stats(db)["chats"]["big"]["posts"] == expected


def test_damaged_compressed_data_and_a_bomb_are_refused_with_one_line(tmp_path, monkeypatch):
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00" + b"not deflate data at all" * 10)
    result = cli(tmp_path / "w.db", "import", str(bad))
    assert result.exit_code == 2
    assert "bad.jsonl.gz: the gzip data is cut short or damaged" in result.stderr
    assert "nothing could be read" in result.stderr
    # A bomb is stopped once it passes the ratio, before it fills the disk.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    bomb = tmp_path / "bomb.jsonl.xz"
    bomb.write_bytes(lzma.compress(b" " * (64 << 20)))
    result = cli(tmp_path / "w.db", "import", str(bomb))
    assert result.exit_code == 2
    assert "bomb.jsonl.xz: the xz file would expand past the limit" in result.stderr
    # ... and one under the ratio once past the size limit.
    monkeypatch.setattr("chatrecap.compressed.MAX_EXPANDED_BYTES", 1 << 20)
    big = tmp_path / "big.jsonl.bz2"
    big.write_bytes(bz2.compress(b"{}\n" * (1 << 20)))
    result = cli(tmp_path / "w.db", "import", str(big))
    assert result.exit_code == 2 and "would expand past the limit" in result.stderr
    assert list((tmp_path / "tmp").iterdir()) == []  # no expansion is left behind
