"""Archives compressed whole (gzip, bzip2, xz, zstd) import as the file they hold; a zip
of archives (no export), as the archives in it."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from contextlib import closing
from pathlib import Path

import orjson
import pytest
import zstandard
from test_import import _big_archive, cli, posts_written, runner, stats

from chatrecap.cli import app
from chatrecap.compressed import compression_of

COMPRESS = {
    ".gz": gzip.compress,
    ".bz2": bz2.compress,
    ".xz": lzma.compress,
    ".zst": lambda data: zstandard.ZstdCompressor().compress(data),
}


def _rows(db: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql, params).fetchall()


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
    assert "bytes before it are read as the file" in result.stderr
    assert "not valid JSON" not in result.stderr  # the line it stopped in is left out, not read
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


# --- zips of archives -------------------------------------------------------------------------


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return path


def test_a_zip_of_archives_imports_each_under_the_zips_name(tmp_path, data):
    flat, tags = data / "twarc2" / "flat.jsonl", data / "tags" / "tidytags_sample-data_TAGS_aect.csv"
    kpop = data / "twarc2" / "kpop.jsonl"
    bundle = _zip(tmp_path / "dataset.zip", {
        "README.txt": b"Tweets of the chat, collected with twarc2.\n",
        "data/flat.jsonl": flat.read_bytes(),
        "data/kpop.jsonl.gz": gzip.compress(kpop.read_bytes()),
        f"sheets/{tags.name}": tags.read_bytes(),
        "__MACOSX/data/._flat.jsonl": b"\x00\x05\x16\x07",
        "data/.DS_Store": b"\x00\x00\x00\x01Bud1",
    })
    db = tmp_path / "w.db"
    result = cli(db, "import", str(bundle))
    assert result.exit_code == 0, result.output
    assert re.search(r"warning: \S*dataset\.zip!README\.txt: .*; left out\.", result.stderr)
    assert "MACOSX" not in result.stderr and "DS_Store" not in result.stderr
    assert "tags+twarc2" in result.stdout
    for plain in (flat, kpop, tags):
        assert cli(tmp_path / "plain.db", "import", str(plain)).exit_code == 0
    # The same posts and chats (named after each file) as the files imported one by one ...
    assert stats(db)["chats"] == stats(tmp_path / "plain.db")["chats"]
    assert _export(tmp_path, db) == _export(tmp_path, tmp_path / "plain.db")
    # ... each post and raw record named by the zip and its entry.
    assert {f for (f,) in _rows(db, "SELECT DISTINCT source_file FROM posts")} == {
        f"{bundle}!data/flat.jsonl", f"{bundle}!data/kpop.jsonl.gz", f"{bundle}!sheets/{tags.name}"}
    assert {f for (f,) in _rows(db, "SELECT DISTINCT source_file FROM raw_records")} == {
        f"{bundle}!data/flat.jsonl", f"{bundle}!data/kpop.jsonl.gz", f"{bundle}!sheets/{tags.name}"}
    again = cli(db, "import", str(bundle))
    assert again.exit_code == 0 and stats(db)["chats"] == stats(tmp_path / "plain.db")["chats"]
    rounds = _rows(db, "SELECT path, posts_new, duplicates FROM imports WHERE status = 'done' "
                       "ORDER BY started_at")
    assert len(rounds) == 6 and all(new == 0 and duplicates > 0 for _, new, duplicates in rounds[3:])


def test_a_zip_of_no_archive_fails_and_zips_inside_it_are_not_opened(tmp_path, data):
    inner = _zip(tmp_path / "inner.zip", {"flat.jsonl": (data / "twarc2" / "flat.jsonl").read_bytes()})
    outer = _zip(tmp_path / "outer.zip", {"notes.txt": b"hello\n", "inner.zip": inner.read_bytes()})
    result = cli(tmp_path / "w.db", "import", str(outer))
    assert result.exit_code == 2
    assert "outer.zip!inner.zip: not a chat archive chatrecap recognises; left out." in result.stderr
    assert "outer.zip: 2 files in it, none of them an archive chatrecap reads" in result.stderr
    # A Slack export inside one is read as the export it is.
    slack = (data / "slack" / "slack_export_viewer_testarchive.zip").read_bytes()
    both = _zip(tmp_path / "both.zip", {"slack.zip": slack,
                                        "flat.jsonl": (data / "twarc2" / "flat.jsonl").read_bytes()})
    result = cli(tmp_path / "w.db", "import", str(both))
    assert result.exit_code == 0, result.output
    assert "slack+twarc2" in result.stdout


def test_a_zip_of_archives_is_held_to_the_zip_limits(tmp_path, data, monkeypatch):
    flat = (data / "twarc2" / "flat.jsonl").read_bytes()
    monkeypatch.setattr("chatrecap.sources.base.MAX_ZIP_ENTRY_BYTES", 1 << 20)
    bundle = _zip(tmp_path / "b.zip", {"flat.jsonl": flat, "big.jsonl": os.urandom(1 << 20).hex().encode()})
    result = cli(tmp_path / "w.db", "import", str(bundle))
    assert result.exit_code == 0, result.output
    assert "b.zip!big.jsonl: refused, it would expand to" in result.stderr
    assert stats(tmp_path / "w.db")["chats"]["flat"]["posts"] == 100
    bomb = _zip(tmp_path / "bomb.zip", {f"part{k}.jsonl": b" " * (4 << 20) for k in range(8)})
    result = cli(tmp_path / "w.db", "import", str(bomb))
    assert result.exit_code == 2 and "bomb.zip: refused, it would expand to" in result.stderr


@pytest.mark.parametrize("suffix", list(COMPRESS))
def test_a_cut_is_noticed_in_every_compression_and_stops_strict(tmp_path, data, suffix):
    """zstandard's own reader ends a cut frame without a word: the frames are followed."""
    archive = tmp_path / "big.jsonl"
    expected = _big_archive(archive, data, copies=3)  # (bzip2 blocks hold 900 kB each)
    packed = COMPRESS[suffix](archive.read_bytes())
    cut = tmp_path / ("big.jsonl" + suffix)
    cut.write_bytes(packed[: len(packed) * 4 // 5])
    result = cli(tmp_path / "w.db", "import", str(cut))
    assert result.exit_code == 0, result.output
    assert f"big.jsonl{suffix}: the " in result.stderr and "cut short or damaged" in result.stderr
    kept = stats(tmp_path / "w.db")["chats"]["big"]["posts"]
    assert 0 < kept < expected
    result = cli(tmp_path / "strict.db", "import", "--strict", str(cut))
    assert result.exit_code == 2 and "stopped by --strict" in result.stderr
    assert result.stderr.count("cut short or damaged") == 1  # (said once: as the error that ends it)
    assert stats(tmp_path / "strict.db")["chats"]["big"]["posts"] == kept  # what came before stays
    assert _rows(tmp_path / "strict.db", "SELECT status, posts_new FROM imports") == [("failed", kept)]


def test_the_files_beside_a_compressed_one_are_read_with_it(tmp_path, fixtures):
    """An X archive's tweets.js names its owner in the account.js beside it."""
    folder = fixtures / "twitter-v1" / "x-archive" / "data"
    data = tmp_path / "data"
    data.mkdir()
    (data / "account.js").write_bytes((folder / "account.js").read_bytes())
    (data / "tweets.js.gz").write_bytes(gzip.compress((folder / "tweets.js").read_bytes()))
    db = tmp_path / "w.db"
    result = cli(db, "import", str(data / "tweets.js.gz"))
    assert result.exit_code == 0, result.output
    assert _rows(db, "SELECT DISTINCT a.handle FROM posts p JOIN authors a ON a.id = p.author_id "
                     "WHERE NOT p.is_referenced") == [("chat_guest",)]


def test_progress_is_told_in_bytes_of_the_compressed_file(tmp_path, data):
    from chatrecap.importer import import_file
    from chatrecap.store import open_store

    archive = tmp_path / "big.jsonl"
    _big_archive(archive, data, copies=30)  # three runs of lines: three steps of progress
    packed = tmp_path / "big.jsonl.gz"
    packed.write_bytes(gzip.compress(archive.read_bytes()))
    seen: list[int | None] = []
    with open_store(tmp_path / "w.db") as store:
        import_file(store, packed, workers=1, on_progress=lambda records, end: seen.append(end))
    ends = [end for end in seen if end is not None]
    assert ends == sorted(ends) and len(ends) == len(seen) > 1
    assert packed.stat().st_size * 0.9 <= ends[-1] <= packed.stat().st_size


def test_an_expansion_that_cannot_be_written_fails_the_file_and_says_why(tmp_path, data):
    """A full disk (here: a limit on the size of the files the command writes)."""
    archive = tmp_path / "big.jsonl"
    _big_archive(archive, data, copies=12)
    packed = tmp_path / "big.jsonl.gz"
    packed.write_bytes(gzip.compress(archive.read_bytes()))
    limit = archive.stat().st_size // 2

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # (a write past it fails, not the process)

    done = subprocess.run([sys.executable, "-m", "chatrecap", "--db", str(tmp_path / "w.db"), "import",
                           str(packed)], preexec_fn=small_files, capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(tmp_path)}, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "big.jsonl.gz: its expansion could not be written to the temporary folder" in done.stderr
    assert "File too large" in done.stderr and "cut short" not in done.stderr
    assert not list(tmp_path.glob("chatrecap-*"))


def test_a_tarball_of_archives_imports_each_and_reads_no_links_or_paths_out(tmp_path, data):
    flat, tags = data / "twarc2" / "flat.jsonl", data / "tags" / "tidytags_sample-data_TAGS_aect.csv"
    tarball = tmp_path / "dataset.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(flat, "dataset/flat.jsonl")
        tar.add(tags, f"dataset/{tags.name}")
        link = tarfile.TarInfo("dataset/passwd.jsonl")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
        out = tarfile.TarInfo("../../escaped.jsonl")
        payload = (data / "twarc2" / "kpop.jsonl").read_bytes()
        out.size = len(payload)
        tar.addfile(out, io.BytesIO(payload))
    db = tmp_path / "w.db"
    result = cli(db, "import", str(tarball))
    assert result.exit_code == 0, result.output
    assert "tags+twarc2" in result.stdout and "passwd" not in result.output
    assert {f for (f,) in _rows(db, "SELECT DISTINCT source_file FROM posts")} == {
        f"{tarball}!dataset/flat.jsonl", f"{tarball}!dataset/{tags.name}"}  # no link, no "../"
    assert not (tmp_path.parent / "escaped.jsonl").exists()
    assert set(stats(db)["chats"]) == {"flat", "tidytags_sample-data_TAGS_aect"}
    cut = tmp_path / "cut.tar"
    with tarfile.open(cut, "w") as tar:
        tar.add(flat, "flat.jsonl")
    cut.write_bytes(cut.read_bytes()[:2048])
    result = cli(tmp_path / "w.db", "import", str(cut))
    assert result.exit_code == 2 and "cut.tar" in result.stderr


def test_a_bundles_entries_are_read_as_unpacking_would_give_them(tmp_path, data, fixtures):
    """Each entry of its own (two of one name too), a folder's entries beside each other
    (tweets.js needs account.js), names longer than a file name or with Windows separators."""
    x_archive = fixtures / "twitter-v1" / "x-archive" / "data"
    snscrape = next((fixtures / "snscrape").glob("*.jsonl"))
    long_name = "ツイート" * 30 + ".jsonl"
    bundle = tmp_path / "b.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("z/twice.jsonl", (data / "twarc2" / "flat.jsonl").read_bytes())
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("z/twice.jsonl", snscrape.read_bytes())
        zf.writestr("archive/tweets.js", (x_archive / "tweets.js").read_bytes())
        zf.writestr("archive/account.js", (x_archive / "account.js").read_bytes())
        zf.writestr(f"long/{long_name}", (data / "twarc2" / "kpop.jsonl").read_bytes())
        zf.writestr("win\\sub\\brexit.jsonl", (data / "twarc2" / "brexit.jsonl").read_bytes())
        zf.writestr("picture.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    db = tmp_path / "w.db"
    result = cli(db, "import", str(bundle))
    assert result.exit_code == 0, result.output
    files = {f for (f,) in _rows(db, "SELECT DISTINCT source_file FROM raw_records")}
    assert files == {f"{bundle}!z/twice.jsonl", f"{bundle}!z/twice.jsonl (2)", f"{bundle}!archive/tweets.js",
                     f"{bundle}!long/{long_name}", f"{bundle}!win/sub/brexit.jsonl"}
    assert _rows(db, "SELECT COUNT(*) FROM posts WHERE source_file = ? AND NOT is_referenced",
                 (f"{bundle}!z/twice.jsonl (2)",))[0][0] > 0  # the second entry of that name too
    assert _rows(db, "SELECT DISTINCT a.handle FROM posts p JOIN authors a ON a.id = p.author_id "
                     "WHERE p.source_file LIKE '%tweets.js'") == [("chat_guest",)]
    assert "brexit" in stats(db)["chats"]
    assert "picture.png" not in result.stderr  # an attachment, passed over by its name


def test_a_bundles_progress_only_goes_forward_and_its_warnings_are_capped_as_one_file(tmp_path, data):
    from chatrecap.importer import import_file
    from chatrecap.store import open_store

    bad = b"".join(b"{not json %d\n" % k for k in range(30))
    twarc2 = data / "twarc2"
    bundle = _zip(tmp_path / "b.zip", {"z_brexit.jsonl": (twarc2 / "brexit.jsonl").read_bytes(),
                                       "a_kpop.jsonl": (twarc2 / "kpop.jsonl").read_bytes(),
                                       "m_bad.jsonl": (twarc2 / "two_tweets.jsonl").read_bytes() + bad})
    seen: list[int] = []
    with open_store(tmp_path / "w.db") as store:
        import_file(store, bundle, workers=1,
                    on_progress=lambda records, end: seen.append(end) if end is not None else None)
    assert seen == sorted(seen) and len(seen) >= 2 and seen[-1] <= bundle.stat().st_size
    result = cli(tmp_path / "v.db", "import", str(bundle))
    assert result.exit_code == 0
    assert result.stderr.count("not valid JSON") == 20
    assert f"... and 10 more warnings for {bundle}" in " ".join(result.stderr.split())


def test_whole_data_followed_by_other_bytes_is_all_kept(tmp_path, data):
    """A complete gzip member with bytes after it (a download's padding): nothing is cut."""
    document = data / "twitter_v1" / "tidytags_upstream_tweets_2.json"
    packed = tmp_path / "tweets.json.gz"
    packed.write_bytes(gzip.compress(document.read_bytes().rstrip(b"\n")) + b"GARBAGE!")
    result = cli(tmp_path / "w.db", "import", str(packed))
    assert result.exit_code == 0, result.output
    assert sum(c["posts"] for c in stats(tmp_path / "w.db")["chats"].values()) == 2
    assert "cut short or damaged" in result.stderr


@pytest.mark.parametrize("suffix", [".gz", ".xz"])
def test_the_zeros_a_format_allows_after_its_data_are_no_damage(tmp_path, data, suffix):
    """xz's stream padding (zeros in fours) and zeros after a gzip member: whole, no note;
    two streams one after another are both read."""
    flat = (data / "twarc2" / "flat.jsonl").read_bytes()
    packed = tmp_path / f"flat.jsonl{suffix}"
    packed.write_bytes(COMPRESS[suffix](flat) + bytes(8) + COMPRESS[suffix](flat) + bytes(4))
    result = cli(tmp_path / "w.db", "import", str(packed))
    assert result.exit_code == 0, result.output
    assert result.stderr == "" and stats(tmp_path / "w.db")["chats"]["flat"]["posts"] == 100
    assert _rows(tmp_path / "w.db", "SELECT posts_new, duplicates FROM imports") == [(100, 100)]


def test_pzstd_output_and_a_damaged_workbook(tmp_path, data):
    frames = zstandard.ZstdCompressor().compress((data / "twarc2" / "flat.jsonl").read_bytes())
    skippable = b"\x50\x2a\x4d\x18" + (4).to_bytes(4, "little") + b"\x00" * 4  # as pzstd starts
    packed = tmp_path / "flat.jsonl.zst"
    packed.write_bytes(skippable + frames)
    result = cli(tmp_path / "w.db", "import", str(packed))
    assert result.exit_code == 0, result.output
    assert stats(tmp_path / "w.db")["chats"]["flat"]["posts"] == 100
    book = _zip(tmp_path / "book.xlsx", {"[Content_Types].xml": b"<Types/>", "docProps/app.xml": b"<x/>"})
    result = cli(tmp_path / "w.db", "import", str(book))
    assert result.exit_code == 2 and "left out" not in result.stderr and "files in it" not in result.stderr


def test_a_format_given_with_a_bundle_is_the_format_of_its_entries(tmp_path, data):
    dubois = data / "duboischallenge" / "tweets.csv"
    bundle = _zip(tmp_path / "dubois.zip", {"tweets.csv": dubois.read_bytes()})
    db = tmp_path / "w.db"
    result = cli(db, "import", str(bundle), "--format", "csv", "--map",
                 "text=content,author=username,time=datetime", "--chat", "dubois")
    assert result.exit_code == 0, result.output
    assert stats(db)["chats"]["dubois"]["posts"] == 444
    # A format that reads zips of its own still reads the zip given as its export.
    slack = data / "slack" / "slack_export_viewer_testarchive.zip"
    result = cli(tmp_path / "s.db", "import", str(slack), "--format", "slack")
    assert result.exit_code == 0 and "slack" in result.stdout
    assert sum(c["posts"] for c in stats(tmp_path / "s.db")["chats"].values()) == 147


def test_the_standard_input_imports_as_a_file_compressed_or_not(tmp_path, data):
    db = tmp_path / "w.db"
    flat = (data / "twarc2" / "flat.jsonl").read_bytes()
    result = runner.invoke(app, ["--db", str(db), "import", "-", "--chat", "#flat"], input=flat)
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["--db", str(db), "import", "-"],
                           input=gzip.compress((data / "twarc2" / "kpop.jsonl").read_bytes()))
    assert result.exit_code == 0, result.output
    chats = stats(db)["chats"]
    assert chats["#flat"]["posts"] == 100 and chats["stdin"]["posts"] == 100
    files = [f for (f,) in _rows(db, "SELECT DISTINCT source_file FROM raw_records ORDER BY 1")]
    assert len(files) == 2 and all(f.startswith("stdin-") and ":" not in f for f in files)  # two imports
    result = runner.invoke(app, ["--db", str(db), "import", "-"], input=b"")
    assert result.exit_code == 2


def test_bundle_entries_keep_their_own_names_and_chats_and_each_is_read(tmp_path, data):
    flat, kpop = (data / "twarc2" / "flat.jsonl").read_bytes(), (data / "twarc2" / "kpop.jsonl").read_bytes()
    brexit = (data / "twarc2" / "brexit.jsonl").read_bytes()
    bundle = tmp_path / "b.zip"
    with zipfile.ZipFile(bundle, "w") as zf:
        zf.writestr("d/a.jsonl", flat)
        zf.writestr("d/1-1-a.jsonl", kpop)  # (named as a renamed copy would be)
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("d/a.jsonl", brexit)
    db = tmp_path / "w.db"
    result = cli(db, "import", str(bundle))
    assert result.exit_code == 0, result.output
    counts = dict(_rows(db, "SELECT source_file, COUNT(*) FROM posts WHERE NOT is_referenced GROUP BY 1"))
    assert counts == {f"{bundle}!d/a.jsonl": 100, f"{bundle}!d/1-1-a.jsonl": 100,
                      f"{bundle}!d/a.jsonl (2)": 100}
    assert set(stats(db)["chats"]) == {"a", "1-1-a"}  # the entries' own names, not the copies'


def test_a_bundle_is_one_budget_and_its_refusals_are_said_once(tmp_path, data, monkeypatch):
    flat = (data / "twarc2" / "flat.jsonl").read_bytes()
    monkeypatch.setattr("chatrecap.importer.MAX_ZIP_TOTAL_BYTES", 3 * len(flat))
    parts = {f"part{k}.jsonl.gz": gzip.compress(flat) for k in range(5)}
    bundle = _zip(tmp_path / "small-bombs.zip", parts)
    result = cli(tmp_path / "w.db", "import", str(bundle))
    assert result.exit_code == 0, result.output  # the first ones, within the budget, are read
    said = " ".join(result.stderr.split())
    assert "small-bombs.zip!part3.jsonl.gz: the gzip file would expand past the limit" in said
    assert said.count("small-bombs.zip!part4.jsonl.gz") == 1  # (named once, not twice)
    result = cli(tmp_path / "s.db", "import", "--strict", str(bundle))
    assert result.exit_code == 2 and "stopped by --strict" in result.stderr
    monkeypatch.setattr("chatrecap.bundles.MAX_ENTRIES", 3)
    result = cli(tmp_path / "w.db", "import", str(bundle))
    assert result.exit_code == 2 and "refused, it holds 5 files (limit 3)" in result.stderr


def test_a_sparse_file_in_a_tarball_is_refused(tmp_path):
    big = tmp_path / "big.jsonl"
    with big.open("wb") as fh:
        fh.truncate(100 << 20)  # all holes: a few bytes in a sparse tar
    tarball = tmp_path / "sparse.tar.gz"
    subprocess.run(["tar", "-cSzf", str(tarball), "-C", str(tmp_path), "big.jsonl"], check=True)
    assert tarball.stat().st_size < 10_000
    result = cli(tmp_path / "w.db", "import", str(tarball))
    assert result.exit_code == 2 and "refused, a sparse file is no archive" in result.stderr


def test_a_format_given_reads_a_bundle_even_when_it_reads_exports_and_says_so_if_none_is(tmp_path, data):
    v1 = data / "twitter_v1"
    bundle = _zip(tmp_path / "v1.zip", {n: (v1 / n).read_bytes() for n in (
        "tidytags_lookup_many_0.json", "tidytags_upstream_tweets_2.json")})
    result = cli(tmp_path / "w.db", "import", str(bundle), "--format", "twitter-v1")
    assert result.exit_code == 0, result.output
    assert sum(c["posts"] for c in stats(tmp_path / "w.db")["chats"].values()) == 7 + 2
    notes = _zip(tmp_path / "notes.zip", {"a.bin": b"%PDF-1.4\n" + bytes(64)})
    result = cli(tmp_path / "w.db", "import", str(notes), "--format", "twarc2")
    assert result.exit_code == 2 and "notes.zip: 1 file in it, none of them read as twarc2." in result.stderr
    sheet = _zip(tmp_path / "sheet.ods", {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                          "content.xml": b"<x/>"})
    result = cli(tmp_path / "w.db", "import", str(sheet))
    assert result.exit_code == 2 and "files in it" not in result.stderr  # an OpenDocument file, no bundle


def test_an_old_mastodon_account_archive_as_a_tarball(tmp_path, fixtures):
    """Mastodon first wrote account archives as .tar.gz: the outbox is read with the
    actor.json beside it, the media passed over."""
    mastodon = fixtures / "mastodon"
    tarball = tmp_path / "archive-20220101-abc.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(mastodon / "outbox.json", "./outbox.json")
        tar.add(mastodon / "actor.json", "./actor.json")
        image = tarfile.TarInfo("./media_attachments/files/000/a.png")
        image.size = 16
        tar.addfile(image, io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(8)))
    db = tmp_path / "w.db"
    result = cli(db, "import", str(tarball))
    assert result.exit_code == 0, result.output
    assert _rows(db, "SELECT DISTINCT a.display_name FROM posts p JOIN authors a ON a.id = p.author_id "
                     "WHERE NOT p.is_referenced") == [("Alice 🌻",)]
    assert f"{tarball}!outbox.json" in {f for (f,) in _rows(db, "SELECT source_file FROM posts")}
    assert "a.png" not in result.stderr


@pytest.mark.parametrize("top", ["", "slack-export/"])
def test_a_tarball_of_a_slack_export_folder_reads_as_the_export(tmp_path, data, top):
    """Tarred (``tar czf slack.tar.gz -C export .``, or the folder itself): the same posts,
    chats and authors as the export's zip, each post named by the tarball and its day file."""
    export = data / "slack" / "slack_export_viewer_testarchive.zip"
    tarball = tmp_path / "slack.tar.gz"
    with zipfile.ZipFile(export) as zf, tarfile.open(tarball, "w:gz") as tar:
        for info in zf.infolist():
            if not info.is_dir():
                member = tarfile.TarInfo(f"./{top}{info.filename}")
                member.size = info.file_size
                tar.addfile(member, io.BytesIO(zf.read(info)))
    result = cli(tmp_path / "t.db", "import", str(tarball))
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr and " slack " in result.stdout
    assert cli(tmp_path / "z.db", "import", str(export)).exit_code == 0
    assert stats(tmp_path / "t.db")["chats"] == stats(tmp_path / "z.db")["chats"]
    assert _export(tmp_path, tmp_path / "t.db") == _export(tmp_path, tmp_path / "z.db")
    assert f"{tarball}!{top}enrique/2016-01-14.json" in {
        f for (f,) in _rows(tmp_path / "t.db", "SELECT source_file FROM posts")}


def test_a_tarball_of_an_x_archive_reads_as_the_archive(tmp_path, fixtures):
    archive = fixtures / "twitter-v1" / "x-archive"
    tarball = tmp_path / "twitter-2021-12-04-abc.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(archive, "x-archive")
    result = cli(tmp_path / "t.db", "import", str(tarball))
    assert result.exit_code == 0, result.output
    assert "twitter-v1" in result.stdout and "warning" not in result.stderr
    assert cli(tmp_path / "f.db", "import", str(archive)).exit_code == 0
    assert _export(tmp_path, tmp_path / "t.db") == _export(tmp_path, tmp_path / "f.db")
    assert set(stats(tmp_path / "t.db")["chats"]) == {"x-archive"}  # (the folder's name, as unpacked)


def test_a_slack_export_its_sniff_misses_reads_whole_with_its_format(tmp_path, data):
    """Channel folders only, the first day file empty: not recognised, so a bundle; given
    ``--format slack``, read as the export (not as day files each on its own)."""
    with zipfile.ZipFile(data / "slack" / "slack_export_viewer_testarchive.zip") as zf:
        days = {n: zf.read(n) for n in zf.namelist() if n.startswith("enrique/") and not n.endswith("/")}
    bundle = _zip(tmp_path / "days.zip", {"enrique/2016-01-13.json": b"[]", **days})
    assert cli(tmp_path / "w.db", "import", str(bundle)).exit_code == 2
    result = cli(tmp_path / "w.db", "import", str(bundle), "--format", "slack")
    assert result.exit_code == 0, result.output
    assert stats(tmp_path / "w.db")["chats"]["enrique"]["posts"] == 96


def test_an_import_stopped_by_sigterm_removes_its_expansion_and_keeps_what_it_wrote(tmp_path, data):
    """`kill` (a service stopped) ends an import as Ctrl-C does: the temporary expansion goes,
    the workspace holds whole batches, and the import run again completes it."""
    archive = tmp_path / "big.jsonl"
    expected = _big_archive(archive, data, copies=120)
    packed = tmp_path / "big.jsonl.gz"
    packed.write_bytes(gzip.compress(archive.read_bytes(), compresslevel=1))
    archive.unlink()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    db = tmp_path / "w.db"
    proc = subprocess.Popen([sys.executable, "-m", "chatrecap", "--db", str(db), "import", str(packed)],
                            env={**os.environ, "TMPDIR": str(scratch)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert posts_written(proc, db) > 0
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert b"Interrupted" in stderr and b"Traceback" not in stderr
    assert list(scratch.iterdir()) == []  # the expansion removed
    assert 0 < stats(db)["total"]["posts"] and stats(db)["chats"]["big"]["posts"] < expected
    result = cli(db, "import", str(packed))
    assert result.exit_code == 0 and stats(db)["chats"]["big"]["posts"] == expected


def _slack_messages(text: str, ts: str = "1517400000.000100") -> bytes:
    return orjson.dumps([{"type": "message", "user": "U1", "ts": ts, "text": text}])


def _tar(path: Path, entries: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as tar:
        for name, payload in entries.items():
            member = tarfile.TarInfo(name)
            member.size = len(payload)
            tar.addfile(member, io.BytesIO(payload))
    return path


def _export_of(top: str, channel: str, channel_id: str) -> dict[str, bytes]:
    return {f"{top}users.json": b'[{"id": "U1", "name": "ann"}]',
            f"{top}channels.json": orjson.dumps([{"id": channel_id, "name": channel}]),
            f"{top}{channel}/2018-01-31.json": _slack_messages(f"hello from {channel}",
                                                               f"151740000{channel_id[-1]}.000100")}


def test_a_bundle_of_exports_and_files_reads_each_as_what_it_is(tmp_path, data):
    """Two exports side by side are both read; a file beside an export that is an archive
    of its own is read too; a channel's folder tarred alone is named after the tarball."""
    tweets = (data / "twarc2" / "flat.jsonl").read_bytes()
    both = _tar(tmp_path / "two.tar", {**_export_of("a/", "alpha", "C1"), **_export_of("b/", "beta", "C2")})
    beside = _tar(tmp_path / "beside.tar", {**_export_of("", "general", "C1"), "tweets.jsonl": tweets})
    alone = _tar(tmp_path / "general.tar", {"2018-01-31.json": _slack_messages("day one"),
                                            "2018-02-01.json": _slack_messages("day two", "1517486400.0001")})
    for bundle, chats in ((both, {"alpha": 1, "beta": 1}), (beside, {"general": 1, "tweets": 100}),
                          (alone, {"general": 2})):
        db = tmp_path / f"{bundle.stem}.db"
        result = cli(db, "import", str(bundle))
        assert result.exit_code == 0 and "warning" not in result.stderr, result.output
        assert {name: chat["posts"] for name, chat in stats(db)["chats"].items()} == chats
    assert f"{beside}!general/2018-01-31.json" in {f for (f,) in _rows(tmp_path / "beside.db",
                                                                       "SELECT source_file FROM posts")}


def test_a_bundles_long_names_and_deep_paths(tmp_path, data):
    """A group conversation's folder name of 200 bytes is kept (it names the chat); an entry
    too deep for the file system is left out alone, the others read."""
    group = "mpdm-" + "--".join(f"member.number{k:02d}" for k in range(12)) + "-1"
    assert 150 < len(group) < 255
    export = {**_export_of("", group, "G1")}
    flat = (data / "twarc2" / "flat.jsonl").read_bytes()
    deep = "/".join(["d" * 100] * 45) + "/deep.jsonl"
    bundle = _tar(tmp_path / "b.tar", {**export, "flat.jsonl": flat, deep: flat})
    result = cli(tmp_path / "w.db", "import", str(bundle))
    assert result.exit_code == 0, result.output
    assert set(stats(tmp_path / "w.db")["chats"]) == {group, "flat"}
    assert "cannot be unpacked here" in result.stderr and "left out" in result.stderr


def test_a_format_that_reads_folders_still_reads_a_tarball_of_its_zips(tmp_path):
    zips = {}
    for number, channel in ((1, "alpha"), (2, "beta")):
        zips[f"ws{number}.zip"] = tmp_path / f"ws{number}.zip"
        _zip(zips[f"ws{number}.zip"], _export_of("", channel, f"C{number}"))
    bundle = _tar(tmp_path / "zips.tar", {name: path.read_bytes() for name, path in zips.items()})
    for given in ((), ("--format", "slack")):
        db = tmp_path / f"w{len(given)}.db"
        result = cli(db, "import", str(bundle), *given)
        assert result.exit_code == 0, result.output
        assert set(stats(db)["chats"]) == {"alpha", "beta"}


def test_what_a_bundle_holds_beside_and_within_its_exports(tmp_path, data, fixtures):
    """An X archive's data folder tarred flat is one archive (its other data files are no
    archives of their own); two exports, one surer than the other, are both read; archives
    in a folder beside an export are read alone; a dotted or odd bundle name names its chat."""
    x_data = fixtures / "twitter-v1" / "x-archive" / "data"
    flat = _tar(tmp_path / "my.archive.v2.tar", {p.name: p.read_bytes() for p in sorted(x_data.iterdir())})
    sure = _export_of("a/", "alpha", "C1")
    unsure = {k: v for k, v in _export_of("b/", "beta", "C2").items() if "users" not in k}
    side = _tar(tmp_path / "side.tar", {**sure, **unsure})
    tweets = (data / "twarc2" / "flat.jsonl").read_bytes()
    within = _tar(tmp_path / "within.tar", {**_export_of("slack/", "general", "C1"),
                                            "extra/flat.jsonl": tweets})
    odd = _tar(tmp_path / "..tar", {"x/flat.jsonl": tweets})
    for bundle, chats in ((flat, {"my.archive.v2"}), (side, {"alpha", "beta"}),
                          (within, {"general", "flat"}), (odd, {"flat"})):
        db = tmp_path / f"{bundle.name}.db"
        for given in ((), ("--strict",)):
            result = cli(db, "import", str(bundle), *given)
            assert result.exit_code == 0 and "warning" not in result.stderr, (bundle, result.output)
        assert set(stats(db)["chats"]) == chats, bundle
    assert _rows(tmp_path / f"{flat.name}.db", "SELECT COUNT(*) FROM imports") == [(2,)]  # (once a run)
