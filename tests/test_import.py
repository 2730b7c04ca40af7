"""Importing through the `chatrecap` command, as a user does: counts, duplicates, errors."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from contextlib import closing
from pathlib import Path

import jsonschema
import orjson
import pytest
from typer.testing import CliRunner

from chatrecap.cli import app
from chatrecap.store import open_store

SCHEMA = Path(__file__).resolve().parent.parent / "src" / "chatrecap" / "schemas" / "post.schema.json"
runner = CliRunner()

#: Every file of the shared data, how to import it, and the chat posts it holds.
EXPECTED = [
    ("twarc2/2sets.jsonl", [], 200),
    ("twarc2/brexit.jsonl", [], 100),
    ("twarc2/kpop.jsonl", [], 100),
    ("twarc2/noflat.jsonl", [], 100),
    ("twarc2/flat.jsonl", [], 100),
    ("twarc2/cotweet.jsonl", [], 1),
    ("twarc2/mentions_tweet.jsonl", [], 1),
    ("twarc2/two_tweets.jsonl", [], 1),
    ("twarc2/streaming_output_with_error.jsonl", [], 7),
    ("twitter_v1/tidytags_different_tweet_types_0.json", [], 68),
    ("twitter_v1/tidytags_lookup_many_0.json", [], 7),
    ("twitter_v1/tidytags_upstream_tweets_1.json", [], 72),
    ("twitter_v1/tidytags_upstream_tweets_2.json", [], 2),
    ("twitter_v1/tidytags_upstream_tweets_4.json", [], 1),
    ("tags/tidytags_sample-data_TAGS_aect.csv", [], 10),
    ("tags/tidytags_sample-tweet.csv", [], 1),
    ("twitter-archiver/pstweetchat-2020-2021.csv", [], 1691),
    ("duboischallenge/tweets.csv",
     ["--format", "csv", "--map", "text=content,author=username,time=datetime"], 444),
    ("mastodon/status_docs_example.json", [], 1),
    ("mastodon/status_reply.json", [], 1),
    ("mastodon/status_reply_parent.json", [], 1),
    ("mastodon/timeline_public.json", [], 8),
    ("mastodon/timeline_tag_hoot.json", [], 1),
    ("bluesky/thread_view_post_with_embed_media.json", [], 1),
    ("bluesky/post_record.json", [], 1),
    ("bluesky/extended_post_record.json", [], 1),
    ("slack/slack_export_viewer_testarchive.zip", [], 147),
]


def cli(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *args])


def stats(db: Path) -> dict:
    result = cli(db, "stats", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize(("name", "options", "posts"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_every_shared_file_imports_its_exact_posts(tmp_path, data, name, options, posts):
    db = tmp_path / "w.db"
    result = cli(db, "import", str(data / name), "--chat", "c", *options)
    assert result.exit_code == 0, result.output
    assert "Import summary" in result.stdout
    assert stats(db)["chats"]["c"]["posts"] == posts


def test_all_files_into_one_workspace_then_again_stores_nothing_twice(tmp_path, data):
    db = tmp_path / "w.db"
    plain = [str(data / n) for n, opts, _ in EXPECTED if not opts]
    assert cli(db, "import", *plain).exit_code == 0
    first = stats(db)
    result = cli(db, "import", *plain)
    assert result.exit_code == 0
    again = stats(db)
    assert again["total"] == first["total"] and again["chats"] == first["chats"]
    assert first["total"]["posts"] > 2000
    assert set(first["platforms"]) == {"twitter", "mastodon", "bluesky", "slack"}
    # brexit and kpop are the two pages of 2sets: overlapping archives share their posts.
    with open_store(db) as store:
        assert store.query("SELECT COUNT(*) FROM posts")[0][0] == \
            first["total"]["posts"] + first["total"]["referenced"]
        assert store.query("SELECT COUNT(*) FROM imports WHERE status = 'done'")[0][0] == \
            2 * len(plain)


def two_readings(tmp_path: Path, data: Path) -> tuple[Path, Path]:
    """The same page read twice, a fortnight apart: the later reading counts 42 likes."""
    page = orjson.loads((data / "twarc2" / "two_tweets.jsonl").read_bytes())
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    page["__twarc"]["retrieved_at"] = "2021-05-19T00:00:00+00:00"
    old.write_bytes(orjson.dumps(page) + b"\n")
    page["data"][0]["public_metrics"]["like_count"] = 42
    page["__twarc"]["retrieved_at"] = "2021-06-01T00:00:00+00:00"
    new.write_bytes(orjson.dumps(page) + b"\n")
    return old, new


def test_reimport_reports_duplicates_and_the_newer_metrics_win(tmp_path, data):
    db = tmp_path / "w.db"
    old, new = two_readings(tmp_path, data)
    assert cli(db, "import", str(new)).exit_code == 0
    result = cli(db, "import", str(old))
    assert result.exit_code == 0
    assert "│ old.jsonl │ twarc2 │            2 │              0 │          1 │" in result.stdout
    with open_store(db) as store:
        (likes,) = store.query("SELECT like_count FROM posts WHERE id = ?",
                               ("twitter:1394735776701816833",))[0]
    assert likes == 42


def test_the_workspace_does_not_depend_on_the_order_files_are_imported_in(tmp_path, data):
    """The same tweets in a v1.1 array and a TAGS sheet: the sheet's cut-off text_original,
    its http status links and a retweet's mentions stayed when the sheet came first. And the
    raw record is the reading whose metrics the post keeps (the newest), not the first one."""
    v1, tags = data / "twitter_v1" / "tidytags_different_tweet_types_0.json", data / "tags" / \
        "tidytags_sample-data_TAGS_aect.csv"
    old, new = two_readings(tmp_path, data)
    exports = []
    for name, order in (("a", (v1, tags, old, new)), ("b", (new, old, tags, v1))):
        db = tmp_path / f"{name}.db"
        for path in order:
            assert cli(db, "import", str(path), "--chat", "c").exit_code == 0
        out = tmp_path / f"{name}.jsonl"
        assert cli(db, "export", "-o", str(out)).exit_code == 0
        rows = [orjson.loads(line) for line in out.read_bytes().splitlines()]
        exports.append({r["id"]: {k: v for k, v in r.items() if k != "observed_at"} for r in rows})
    assert exports[0] == exports[1]
    tweet = exports[0]["twitter:1394735776701816833"]
    assert tweet["like_count"] == 42 and tweet["raw"]["public_metrics"]["like_count"] == 42
    assert tweet["source_file"] == str(new)
    retweet = exports[0]["twitter:1225122317849657345"]
    assert retweet["url"].startswith("https://") and retweet["text_original"].endswith("#aect20 #aect19")


def test_a_referenced_tweet_becomes_a_chat_post_when_an_archive_holds_it(tmp_path, data):
    db = tmp_path / "w.db"
    two = data / "twarc2" / "two_tweets.jsonl"
    assert cli(db, "import", str(two), "--chat", "c").exit_code == 0
    assert stats(db)["total"] == {"posts": 1, "referenced": 1, "authors": 2, "chats": 1}
    page = orjson.loads(two.read_bytes())
    page["data"] = page["includes"]["tweets"]
    other = tmp_path / "original.jsonl"
    other.write_bytes(orjson.dumps(page) + b"\n")
    assert cli(db, "import", str(other), "--chat", "c").exit_code == 0
    assert stats(db)["total"]["posts"] == 2 and stats(db)["total"]["referenced"] == 0


def test_export_validates_against_the_schema_and_round_trips(tmp_path, data):
    db, copy = tmp_path / "w.db", tmp_path / "copy.db"
    files = ["twarc2/2sets.jsonl", "twarc2/flat.jsonl", "twitter_v1/tidytags_upstream_tweets_1.json",
             "twitter-archiver/pstweetchat-2020-2021.csv", "mastodon/timeline_public.json",
             "bluesky/thread_view_post_with_embed_media.json",
             "slack/slack_export_viewer_testarchive.zip", "tags/tidytags_sample-data_TAGS_aect.csv"]
    assert cli(db, "import", *[str(data / f) for f in files]).exit_code == 0
    exported = tmp_path / "posts.jsonl"
    assert cli(db, "export", "--format", "jsonl", "-o", str(exported)).exit_code == 0
    records = [orjson.loads(line) for line in exported.read_bytes().splitlines()]
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text()))
    for record in records:
        validator.validate(record)
    assert sum(not r["is_referenced"] for r in records) == stats(db)["total"]["posts"]
    retweet = next(r for r in records if r["id"] == "twitter:1380242611781386245")
    assert retweet["raw"]["id"] == "1380242611781386245"  # the tweet itself, not its page
    v1_original = next(r for r in records if r["is_referenced"] and r["source_file"].endswith(
        "tidytags_upstream_tweets_1.json"))
    assert v1_original["raw"]["id_str"] == v1_original["native_id"]  # not the retweet around it

    assert cli(copy, "import", str(exported)).exit_code == 0
    again = tmp_path / "again.jsonl"
    assert cli(copy, "export", "-o", str(again)).exit_code == 0
    second = [orjson.loads(line) for line in again.read_bytes().splitlines()]

    def canonical(rows):  # provenance now points at the export's lines, the rest is equal
        return [{k: v for k, v in r.items() if k not in ("source_file", "source_line")}
                for r in rows]

    assert canonical(second) == canonical(records)
    assert stats(copy)["chats"] == stats(db)["chats"]


def test_export_of_one_chat_includes_what_its_posts_reference(tmp_path, data):
    db = tmp_path / "w.db"
    cli(db, "import", str(data / "twarc2" / "two_tweets.jsonl"), "--chat", "a")
    cli(db, "import", str(data / "twarc2" / "cotweet.jsonl"), "--chat", "b")
    result = cli(db, "export", "--chat", "a", "--no-raw")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["native_id"], r["is_referenced"]) for r in records] == [
        ("1391677057810288641", True), ("1394735776701816833", False)]
    assert "raw" not in records[0]
    assert cli(db, "export", "--chat", "nope").exit_code == 2


def test_stats_json_counts_per_platform_and_chat(tmp_path, data):
    db = tmp_path / "w.db"
    cli(db, "import", str(data / "slack" / "slack_export_viewer_testarchive.zip"))
    cli(db, "import", str(data / "twarc2" / "two_tweets.jsonl"), "--chat", "#B2Bchat")
    got = stats(db)
    assert got["platforms"]["slack"] == {"posts": 147, "referenced": 0, "authors": 7}
    assert got["platforms"]["twitter"]["posts"] == 1
    assert got["chats"]["enrique"]["posts"] == 96  # a Slack channel is a chat
    assert got["chats"]["traveling-sailor"]["posts"] == 51
    assert got["chats"]["#B2Bchat"] == {"posts": 1, "authors": 1, "first": "2021-05-18T19:24:56Z",
                                        "last": "2021-05-18T19:24:56Z"}
    assert got["total"]["posts"] == 148


def test_archiver_chat_name_comes_from_its_query_and_needs_no_tz(tmp_path, data):
    db = tmp_path / "w.db"
    result = cli(db, "import", str(data / "twitter-archiver" / "pstweetchat-2020-2021.csv"))
    assert result.exit_code == 0
    assert stats(db)["chats"]["#PSTweetChat"]["posts"] == 1691


def test_an_author_keeps_the_profile_of_their_newest_post(tmp_path, data):
    """A sheet records each tweet with its author's profile of the day (newest rows first):
    the workspace keeps the newest profile, whatever the order of the rows."""
    import csv

    path = data / "twitter-archiver" / "pstweetchat-2020-2021.csv"
    with path.open(encoding="utf-8") as fh:
        next(fh)  # the add-on's query line
        rows = [r for r in csv.DictReader(fh) if r["Screen Name"].lstrip("@") == "JeffHicks"]
    newest = max(rows, key=lambda r: int(r["Tweet ID"].split("/")[-1]))
    assert int(newest["Followers"]) != int(rows[-1]["Followers"])  # the counts did change
    db = tmp_path / "w.db"
    assert cli(db, "import", str(path)).exit_code == 0
    with closing(sqlite3.connect(db)) as conn:
        followers = conn.execute("SELECT followers FROM authors WHERE handle = 'JeffHicks'").fetchone()[0]
    assert followers == int(newest["Followers"])


def test_placeholder_authors_merge_into_the_real_account(tmp_path, data):
    db = tmp_path / "w.db"
    csv = tmp_path / "later.csv"
    csv.write_text("username,content,datetime,url\ncalin_a,Q1 answer,2021-09-22T17:00:00Z,"
                   "https://twitter.com/calin_a/status/1440716745577149999\n")
    assert cli(db, "import", str(csv), "--format", "csv").exit_code == 0
    with open_store(db) as store:  # a CSV has no user ids: the author is known by handle
        assert store.query("SELECT author_id FROM posts")[0][0] == "twitter:@calin_a"
    assert cli(db, "import", str(data / "twarc2" / "2sets.jsonl")).exit_code == 0
    with open_store(db) as store:
        rows = store.query("SELECT id FROM authors WHERE handle_key = 'calin_a'")
        assert rows == [("twitter:870028999",)]
        (author,) = store.query("SELECT author_id FROM posts WHERE text = 'Q1 answer'")[0]
        assert author == "twitter:870028999"


# --- bad input --------------------------------------------------------------------------


def test_bad_line_is_one_warning_with_file_and_line_and_the_rest_imports(tmp_path, data):
    db = tmp_path / "w.db"
    path = data / "twarc2" / "streaming_output_with_error.jsonl"
    result = cli(db, "import", str(path))
    assert result.exit_code == 0
    assert f"warning: {path}:8: not valid JSON" in result.stderr
    assert result.stderr.count("warning:") == 1
    assert "invalid JSON: 1" in result.stdout


def test_strict_stops_at_the_first_error(tmp_path, data):
    result = cli(tmp_path / "w.db", "import", "--strict",
                 str(data / "twarc2" / "streaming_output_with_error.jsonl"))
    assert result.exit_code == 2
    assert "streaming_output_with_error.jsonl:8" in result.stderr and "--strict" in result.stderr
    assert result.stderr.count("streaming_output_with_error.jsonl:8") == 1  # (said once, as the error)


def test_unreadable_files_exit_2_and_the_other_files_still_import(tmp_path, data):
    db = tmp_path / "w.db"
    junk = tmp_path / "notes.txt"
    junk.write_text("just some notes\nnothing to see\n")
    result = cli(db, "import", str(tmp_path / "missing.jsonl"), str(junk),
                 str(data / "twarc2" / "two_tweets.jsonl"))
    assert result.exit_code == 2
    assert f"{tmp_path / 'missing.jsonl'}: cannot be read" in result.stderr
    assert "format was not recognised" in result.stderr and "--format" in result.stderr
    assert stats(db)["total"]["posts"] == 1
    assert "Traceback" not in result.output


def test_a_file_with_nothing_importable_exits_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"data": [{"id": "1"}], "includes": {}, "__twarc": {}}\n')
    result = cli(tmp_path / "w.db", "import", str(bad))
    assert result.exit_code == 2
    assert "bad.jsonl:1: not a tweet record" in result.stderr


@pytest.mark.parametrize(("content", "said"), [
    ("", "the file is empty"),
    ("[]\n", "the file is an empty JSON list"),
    ('{"ancestors": [], "descendants": []}', "the file holds no posts to import"),
])
def test_an_empty_file_says_so_and_fails_only_an_import_of_nothing_else(tmp_path, data, content, said):
    """The last page of a paged download is often empty: a note, not a failure, beside others."""
    empty = tmp_path / "page-2.json"
    empty.write_text(content)
    alone = cli(tmp_path / "alone.db", "import", str(empty))
    assert alone.exit_code == 2
    assert f"note: {empty}: {said}" in alone.stderr.replace("\n", " ")
    pages = cli(tmp_path / "pages.db", "import", str(data / "mastodon" / "timeline_public.json"), str(empty))
    assert pages.exit_code == 0, pages.output
    assert f"{empty}: {said}" in pages.stderr.replace("\n", " ")
    assert stats(tmp_path / "pages.db")["total"]["posts"] == 8


def test_bad_options_are_one_line_errors(tmp_path, data):
    path = str(data / "twarc2" / "two_tweets.jsonl")
    result = cli(tmp_path / "w.db", "import", path, "--tz", "Mars/Olympus")
    assert result.exit_code == 2 and "Unknown time zone 'Mars/Olympus'" in result.stderr
    result = cli(tmp_path / "w.db", "import", path, "--tz", "America")  # a folder of zones, not one
    assert result.exit_code == 2 and "Unknown time zone 'America' for --tz" in result.stderr
    result = cli(tmp_path / "w.db", "import", path, "--format", "myspace")
    assert result.exit_code == 2 and "Unknown format 'myspace'" in result.stderr
    result = cli(tmp_path / "w.db", "import", path, "--format", "csv", "--map", "text")
    assert result.exit_code == 2 and "--map" in result.stderr
    result = cli(tmp_path / "nowhere" / "w.db", "stats")
    assert result.exit_code == 2 and "does not exist" in result.stderr
    # A mistyped --db reported "0 posts" and left an empty workspace behind.
    for command in ("stats", "export", "sessions", "recap", "leaders", "series", "accounts"):
        result = cli(tmp_path / "typo.db", command)
        assert result.exit_code == 2 and f"No workspace at {tmp_path / 'typo.db'}" in result.stderr, command
    assert not (tmp_path / "typo.db").exists()


@pytest.mark.parametrize("status_url", ["kept", "empty"])
def test_spreadsheet_mangled_ids_are_never_stored_wrong(tmp_path, data, status_url):
    """A rounded id_str is taken whole from the row's status_url, and said so; without one
    the row is refused with the reason."""
    lines = (data / "tags" / "tidytags_sample-tweet.csv").read_text().splitlines()
    lines[1] = lines[1].replace("1219758386436165633", "1.21976E+18", 1)
    if status_url == "empty":
        lines[1] = lines[1].replace("http://twitter.com/gsa_aect/statuses/1219758386436165633", "")
    path = tmp_path / "mangled.csv"
    path.write_text("\n".join(lines) + "\n")
    result = cli(tmp_path / "w.db", "import", str(path))
    if status_url == "kept":
        assert result.exit_code == 0 and "id_str rounded by a spreadsheet" in result.stderr
        with open_store(tmp_path / "w.db") as store:
            assert store.query("SELECT id FROM posts") == [("twitter:1219758386436165633",)]
        return
    assert result.exit_code == 2
    assert "mangled.csv:2:" in result.stderr and "spreadsheet" in result.stderr
    assert stats(tmp_path / "w.db")["total"]["posts"] == 0


def test_utf16_and_cp1252_files_are_read_right_and_cp1252_is_said(tmp_path, data):
    text = (data / "tags" / "tidytags_sample-data_TAGS_aect.csv").read_text(encoding="utf-8")
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(text.encode("utf-16"))
    result = cli(tmp_path / "a.db", "import", str(utf16), "--chat", "c")
    assert result.exit_code == 0, result.output
    assert stats(tmp_path / "a.db")["chats"]["c"]["posts"] == 10
    assert "not UTF-8" not in result.stderr  # (read as it is, as the README says: no note)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("username,content,datetime\nzoe,Señor café naïve,2021-01-01T10:00:00Z\n"
                      .encode("cp1252"))
    result = cli(tmp_path / "b.db", "import", str(latin), "--format", "csv")
    assert result.exit_code == 0
    assert "not UTF-8; it was read as cp1252" in result.stderr
    with open_store(tmp_path / "b.db") as store:
        assert store.query("SELECT text FROM posts")[0][0] == "Señor café naïve"


def test_corrupt_zip_and_zip_bomb_are_reported(tmp_path, data, monkeypatch):
    whole = (data / "slack" / "slack_export_viewer_testarchive.zip").read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])
    result = cli(tmp_path / "w.db", "import", str(cut), "--format", "slack")
    assert result.exit_code == 2 and "truncated or corrupt" in result.stderr
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("users.json", "[]")
        zf.writestr("channels.json", '[{"id": "C1", "name": "general"}]')
        zf.writestr("general/2020-01-01.json", "[" + " " * (30 << 20) + "]")
    result = cli(tmp_path / "w.db", "import", str(bomb))
    assert result.exit_code == 2
    assert "refused" in result.stderr and "bomb.zip" in result.stderr
    # Many entries, each under an entry's limits, are refused as a whole ...
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("users.json", "[]")
        zf.writestr("channels.json", '[{"id": "C1", "name": "general"}]')
        for day in range(1, 21):
            zf.writestr(f"general/2020-01-{day:02d}.json", "[" + " " * (1 << 20) + "]")
    result = cli(tmp_path / "w.db", "import", str(many))
    assert result.exit_code == 2 and "many.zip: refused" in result.stderr and "in all" in result.stderr
    # ... and one entry over the size limit alone, the archive being under the others.
    monkeypatch.setattr("chatrecap.sources.base.MAX_ZIP_ENTRY_BYTES", 1 << 20)
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("users.json", "[]")
        zf.writestr("channels.json", '[{"id": "C1", "name": "general"}]')
        zf.writestr("general/2020-01-01.json", orjson.dumps([{"text": os.urandom(1 << 20).hex()}]))
    result = cli(tmp_path / "w.db", "import", str(big))
    assert result.exit_code == 2
    assert "refused" in result.stderr and "big.zip!general/2020-01-01.json" in result.stderr


def _big_archive(path: Path, data: Path, copies: int) -> int:
    page_lines = (data / "twarc2" / "2sets.jsonl").read_bytes().splitlines()
    count = 0
    with path.open("wb") as out:
        for copy in range(copies):
            for line in page_lines:
                page = orjson.loads(line)
                for tweet in page["data"] + page["includes"].get("tweets", []):
                    tweet["id"] = str(int(tweet["id"]) + (copy + 1) * (1 << 23))
                    for ref in tweet.get("referenced_tweets") or ():
                        ref["id"] = str(int(ref["id"]) + (copy + 1) * (1 << 23))
                count += len(page["data"])
                out.write(orjson.dumps(page) + b"\n")
    return count


def _processes_using(db: Path) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and str(db).encode() in (proc / "cmdline").read_bytes():
                found.append(proc.name)
        except OSError:
            continue
    return found


def posts_written(proc: subprocess.Popen, db: Path, seconds: float = 120) -> int:
    """The chat posts an import running in ``proc`` has written, once it has written some."""
    deadline, stored = time.monotonic() + seconds, 0
    while time.monotonic() < deadline and proc.poll() is None and stored == 0:
        time.sleep(0.02)
        try:
            with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)) as conn:
                stored = conn.execute("SELECT COUNT(*) FROM chat_posts").fetchone()[0]
        except sqlite3.Error:
            continue
    return stored


def test_an_import_killed_half_way_leaves_a_valid_workspace_and_completes(tmp_path, data):
    archive = tmp_path / "big.jsonl"
    expected = _big_archive(archive, data, copies=120)  # ~90 MB: a dozen worker spans
    db = tmp_path / "w.db"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "chatrecap", "--db", str(db), "import",
                             str(archive), "--chat", "big"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stored = posts_written(proc, db)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < stored < expected, "the import should have been killed part-way"
    # Its worker processes do not linger once it is gone.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _processes_using(db):
        time.sleep(0.2)
    assert not _processes_using(db)
    partial = stats(db)
    assert partial["total"]["posts"] < expected
    assert partial["imports"] == {"running": 1}
    result = cli(db, "import", str(archive), "--chat", "big")
    assert result.exit_code == 0
    assert stats(db)["chats"]["big"]["posts"] == expected


def test_parallel_import_stores_exactly_what_a_serial_one_does(tmp_path, data):
    archive = tmp_path / "big.jsonl"
    expected = _big_archive(archive, data, copies=30)
    assert archive.stat().st_size > 16 << 20  # large enough for the worker processes
    exports = []
    for workers in ("1", "3"):
        db = tmp_path / f"w{workers}.db"
        result = cli(db, "import", str(archive), "--chat", "big", "--workers", workers)
        assert result.exit_code == 0, result.output
        assert f"│ {expected:,} │" in result.stdout or stats(db)["chats"]["big"]["posts"] == expected
        out = tmp_path / f"w{workers}.jsonl"
        assert cli(db, "export", "-o", str(out)).exit_code == 0
        exports.append(out.read_bytes())
    assert exports[0] == exports[1]
    assert len(exports[0].splitlines()) > expected


def test_strict_keeps_what_came_before_the_bad_record_and_nothing_after(tmp_path, data):
    lines = (data / "twarc2" / "flat.jsonl").read_bytes().splitlines()
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines[:3] + [b"{not json"] + lines[3:6]) + b"\n")
    db = tmp_path / "w.db"
    result = cli(db, "import", "--strict", str(path), "--chat", "c")
    assert result.exit_code == 2 and "mixed.jsonl:4" in result.stderr
    assert stats(db)["chats"]["c"]["posts"] == 3
    with open_store(db) as store:  # the workspace's record of the import says what it wrote
        assert store.query("SELECT status, posts_new FROM imports") == [("failed", 3)]
    assert cli(db, "import", str(path), "--chat", "c").exit_code == 0
    assert stats(db)["chats"]["c"]["posts"] == 6


def test_a_folder_of_archives_imports_every_file_in_it(tmp_path, data):
    folder = tmp_path / "archives"
    (folder / "week2").mkdir(parents=True)
    (folder / "two.jsonl").write_bytes((data / "twarc2" / "two_tweets.jsonl").read_bytes())
    (folder / "week2" / "co.jsonl").write_bytes((data / "twarc2" / "cotweet.jsonl").read_bytes())
    (folder / ".hidden.jsonl").write_text("not an archive\n")
    result = cli(tmp_path / "w.db", "import", str(folder), "--chat", "c")
    assert result.exit_code == 0, result.output
    assert stats(tmp_path / "w.db")["chats"]["c"]["posts"] == 2
    assert "two.jsonl" in result.stdout and "co.jsonl" in result.stdout


def test_a_file_of_a_folder_that_is_no_archive_is_left_out_with_a_warning(tmp_path, data):
    """A README or a picture beside the archives, as in a bundle: the import goes on, exit 0;
    a file named as it is that is no archive still fails the import."""
    folder = tmp_path / "archives"
    folder.mkdir()
    (folder / "two.jsonl").write_bytes((data / "twarc2" / "two_tweets.jsonl").read_bytes())
    (folder / "README.md").write_text("# Our chat's archives\n")
    result = cli(tmp_path / "w.db", "import", str(folder), "--chat", "c")
    assert result.exit_code == 0, result.output
    assert "README.md: the format was not recognised" in result.stderr and "left out" in result.stderr
    assert stats(tmp_path / "w.db")["chats"]["c"]["posts"] == 1
    result = cli(tmp_path / "w.db", "import", str(folder / "README.md"))
    assert result.exit_code == 2 and "error:" in result.stderr
    # With --format too: a file the format does not know at all is left out, as in a zip.
    result = cli(tmp_path / "f.db", "import", str(folder), "--format", "twarc2", "--chat", "c")
    assert result.exit_code == 0 and "README.md" in result.stderr and "left out" in result.stderr
    # --strict stops there, as in a zip of archives.
    result = cli(tmp_path / "s.db", "import", str(folder), "--strict")
    assert result.exit_code == 2 and "error:" in result.stderr and "left out" not in result.stderr
    # Only what is no archive is left out: a broken archive is an error, as ever.
    (folder / "cut.zip").write_bytes(next((data / "slack").glob("*.zip")).read_bytes()[:3000])
    result = cli(tmp_path / "b.db", "import", str(folder))
    assert result.exit_code == 2 and "cut.zip: the zip archive is truncated or corrupt" in result.stderr
    # A folder of no archive at all says so.
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "README.md").write_text("# notes\n")
    result = cli(tmp_path / "n.db", "import", str(tmp_path / "notes"))
    assert result.exit_code == 2 and "no file given holds a chat archive" in result.stderr


def test_an_empty_folder_is_said_to_be_empty(tmp_path):
    (tmp_path / "nothing").mkdir()
    (tmp_path / "nothing" / ".hidden").write_text("x")
    result = cli(tmp_path / "w.db", "import", str(tmp_path / "nothing"))
    assert result.exit_code == 2
    assert "nothing: a folder with no files in it" in " ".join(result.stderr.split())


@pytest.mark.parametrize(("archive", "fmt"), [
    ("twitter_v1/tidytags_different_tweet_types_0.json", "twitter-v1"),
    ("mastodon/timeline_public.json", "mastodon"),
    ("fixtures:discord/community-hour.json", "discord"),
    ("fixtures:mastodon/outbox.json", "mastodon"),  # (an account archive: "orderedItems")
])
def test_a_json_document_cut_short_keeps_its_whole_records(tmp_path, data, fixtures, archive, fmt):
    """A download that stopped, or the first megabytes of a big export: the records before
    the cut are read, the cut one is left out with a note naming it, and --strict stops
    there after them. A document broken elsewhere is still refused whole."""
    ours = archive.startswith("fixtures:")
    path = fixtures / archive.removeprefix("fixtures:") if ours else data / archive
    text = path.read_text(encoding="utf-8")
    document = orjson.loads(text)
    records = len(document if isinstance(document, list) else
                  document.get("messages") or document["orderedItems"])
    cut = tmp_path / f"cut{path.suffix}"
    cut.write_text(text[: int(len(text) * 0.6)])
    result = cli(tmp_path / "w.db", "import", str(cut), "--format", fmt, "--chat", "c")
    assert result.exit_code == 0, result.output
    note = next(line for line in result.stderr.splitlines() if "cut short" in line)
    kept = int(note.split("the ")[-1].split(" whole records")[0].replace(",", ""))
    assert 0 < kept < records and f"cut{path.suffix}:{kept + 1}: the file ends inside this record" in note
    if not ours:  # (one post per record; Discord's system messages and direct messages are none)
        assert stats(tmp_path / "w.db")["chats"]["c"]["posts"] == kept
    assert cli(tmp_path / "s.db", "import", str(cut), "--format", fmt, "--strict").exit_code == 2
    broken = tmp_path / f"broken{path.suffix}"
    broken.write_text(text.replace("{", "{!!", 1))  # (broken at its start, not cut)
    result = cli(tmp_path / "b.db", "import", str(broken), "--format", fmt)
    assert result.exit_code == 2 and "not valid JSON" in result.stderr


def test_a_json_document_cut_inside_a_character_is_cut_short_too(tmp_path, fixtures):
    """A download that stopped inside an emoji ends in the first bytes of a character: the
    whole records before it are kept as for any cut, not the file refused as not UTF-8."""
    data = (fixtures / "discord" / "community-hour.json").read_bytes()
    at = next(k for k in range(len(data) // 2, len(data)) if data[k] >= 0xF0)  # (a four-byte character)
    cut = tmp_path / "cut.json"
    cut.write_bytes(data[:at + 2])
    result = cli(tmp_path / "w.db", "import", str(cut), "--format", "discord", "--chat", "c")
    assert result.exit_code == 0, result.output
    assert "the file ends inside this record" in result.stderr and "not valid utf-8" not in result.stderr
    assert stats(tmp_path / "w.db")["chats"]["c"]["posts"] > 0


def test_an_api_response_saved_on_one_line_places_its_records_by_position(tmp_path, data):
    """curl saves a Mastodon context compact, on one line: its statuses are placed 1, 2, 3
    as in the same response pretty-printed (they all said line 1), and a bad one is named so."""
    parent = orjson.loads((data / "mastodon" / "status_reply_parent.json").read_bytes())
    reply = orjson.loads((data / "mastodon" / "status_reply.json").read_bytes())
    broken = {k: v for k, v in reply.items() if k != "account"} | {"id": "999"}
    compact = tmp_path / "context.json"
    compact.write_bytes(orjson.dumps({"ancestors": [parent], "descendants": [reply, broken]}))
    result = cli(tmp_path / "w.db", "import", str(compact), "--format", "mastodon", "--chat", "c")
    assert result.exit_code == 0 and "context.json:3: " in result.stderr
    with closing(sqlite3.connect(tmp_path / "w.db")) as db:
        assert db.execute("SELECT native_id, source_line FROM posts ORDER BY source_line").fetchall() == [
            (parent["id"], 1), (reply["id"], 2)]


def test_a_context_cut_in_its_descendants_names_the_status_it_cuts(tmp_path, data):
    """The note counts the ancestors too: the statuses are placed ancestors first."""
    parent = orjson.loads((data / "mastodon" / "status_reply_parent.json").read_bytes())
    reply = orjson.loads((data / "mastodon" / "status_reply.json").read_bytes())
    other = orjson.loads((data / "mastodon" / "status_docs_example.json").read_bytes())
    text = orjson.dumps({"ancestors": [parent], "descendants": [reply, other]}, option=orjson.OPT_INDENT_2)
    cut = tmp_path / "context.json"
    cut.write_bytes(text[:text.rindex(b'"content"')])
    result = cli(tmp_path / "w.db", "import", str(cut), "--format", "mastodon", "--chat", "c")
    note = " ".join(result.stderr.split())
    assert result.exit_code == 0 and "context.json:3: the file ends inside this record" in note
    assert "the 2 whole records before it were read" in note
    assert stats(tmp_path / "w.db")["chats"]["c"]["posts"] == 2


def test_a_utf16_document_cut_inside_a_character_is_not_read_as_utf8(tmp_path, fixtures):
    """(Only UTF-8 is read up to a cut character: a UTF-16 file so cut is an error naming it.)"""
    text = "".join(c for c in (fixtures / "discord" / "community-hour.json").read_text(encoding="utf-8")
                   if c.isascii())  # (ASCII but for one emoji: the UTF-16 bytes are UTF-8 too)
    at = text.index('"content": "', len(text) // 2) + len('"content": "')
    cut = tmp_path / "cut.json"
    cut.write_bytes((text[:at] + "🔥").encode("utf-16-le")[:-2])  # (no BOM, half the pair)
    result = cli(tmp_path / "w.db", "import", str(cut), "--format", "discord")
    assert result.exit_code == 2 and "utf-16" in result.stderr.lower()


def test_one_authors_rows_in_a_batch_keep_the_first_kind_as_the_store_does():
    from chatrecap.store import merged_author_row

    first = ("x:1", "x", "1", "ann", "ann", "Ann", None, 10, *[None] * 7, "organization")
    later = ("x:1", "x", "1", "ann", "ann", None, "Bio", 12, *[None] * 7, "person")
    merged = merged_author_row(later, "2024-01-02", first, "2024-01-01")
    assert merged[5:8] == ("Ann", "Bio", 12) and merged[-1] == "organization"


def test_a_cut_that_takes_no_record_or_falls_inside_the_only_one(tmp_path, data):
    """A list that only lacks its end loses nothing (no record is said to be left out); a
    document that is one record (a status, a thread), cut inside it, is refused: a post with
    half its fields would be stored as if whole."""
    timeline = (data / "mastodon" / "timeline_public.json").read_text(encoding="utf-8")
    (tmp_path / "mend.json").write_text(timeline.rstrip().removesuffix("]"))
    result = cli(tmp_path / "m.db", "import", str(tmp_path / "mend.json"), "--format", "mastodon",
                 "--chat", "m")
    assert result.exit_code == 0 and "every record in it was read" in " ".join(result.stderr.split())
    assert stats(tmp_path / "m.db")["chats"]["m"]["posts"] == len(orjson.loads(timeline))
    for name, fmt in (("mastodon/status_docs_example.json", "mastodon"),
                      ("bluesky/thread_view_post_with_embed_media.json", "bluesky")):
        whole = (data / name).read_text(encoding="utf-8")
        cut = tmp_path / f"cut-{fmt}.json"
        cut.write_text(whole[: len(whole) // 2])
        result = cli(tmp_path / f"{fmt}.db", "import", str(cut), "--format", fmt)
        assert result.exit_code == 2 and "not valid JSON" in result.stderr


def test_a_posts_raw_record_can_be_read_back(tmp_path, data):
    db = tmp_path / "w.db"
    assert cli(db, "import", str(data / "twarc2" / "two_tweets.jsonl")).exit_code == 0
    with open_store(db) as store:
        page = store.raw_record("twitter:1394735776701816833")  # the API page it came in
        assert page["data"][0]["id"] == "1394735776701816833" and "includes" in page
        assert store.raw_record("twitter:0") is None


def test_a_new_workspace_is_readable_by_its_owner_only(tmp_path, data):
    """It holds the web app's signing key, password hashes and subscribers' addresses."""
    db = tmp_path / "w.db"
    assert cli(db, "import", str(data / "twarc2" / "two_tweets.jsonl")).exit_code == 0
    assert db.stat().st_mode & 0o777 == 0o600
    db.chmod(0o640)  # a workspace that exists keeps what its owner chose
    assert cli(db, "stats").exit_code == 0 and db.stat().st_mode & 0o777 == 0o640


def test_the_attachments_beside_an_export_are_left_out_not_failed(tmp_path, fixtures):
    """DiscordChatExporter --media (and Slack, X and Mastodon archives) keep images, videos
    and documents beside the messages: importing the folder imports the messages, says what
    each other file is, and succeeds."""
    folder = tmp_path / "exports"
    media = folder / "community-hour.json_Files"
    media.mkdir(parents=True)
    (folder / "community-hour.json").write_bytes((fixtures / "discord" / "community-hour.json").read_bytes())
    (media / "slide-1A2B3.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (media / "photo-9F8E7.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    (media / "clip-77AA.mp4").write_bytes(b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00")
    (media / "agenda-0001.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    result = cli(tmp_path / "w.db", "import", str(folder))
    assert result.exit_code == 0, result.output
    for what in ("a PNG image", "a JPEG image", "a video or audio file (MP4)", "a PDF document"):
        assert f"{what}, not a chat archive; left out" in result.stderr
    assert stats(tmp_path / "w.db")["total"]["posts"] > 0
    alone = cli(tmp_path / "x.db", "import", str(media / "photo-9F8E7.jpg"))
    assert alone.exit_code == 2 and "a JPEG image, not a chat archive" in alone.stderr


def test_spans_of_lines_keep_their_numbers_and_drop_blank_lines(tmp_path, monkeypatch):
    """The import's workers read their spans of a file in one piece and hand the lines on
    as views of it: a BOM, CRLF, blank and blank-looking lines, and spans that start
    anywhere in the file."""
    import chatrecap.importer as importer

    rows = [b'{"n": %d}' % n for n in range(1, 4001)]
    body = b"".join(row + (b"\r\n" if n % 3 else b"\n") + (b"\n" if n % 5 == 0 else b"")
                    + (b" \t \r\n" if n % 7 == 0 else b"") for n, row in enumerate(rows, 1))
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + body)
    expected = [(number, line.rstrip(b"\r")) for number, line in
                enumerate(body.split(b"\n"), 1) if line.strip()]
    monkeypatch.setattr(importer, "CHUNK_BYTES", 4099)  # spans at unaligned offsets
    spans = list(importer._line_spans(path))
    assert len(spans) > 10 and spans[1][0] % 4096
    got = [(number, bytes(line)) for span in spans
           for number, line in importer._read_span(str(path), span)]
    assert got == expected and len(got) == 4000
    assert [orjson.loads(line)["n"] for _, line in got] == list(range(1, 4001))



def test_a_file_cut_short_while_it_is_imported_gives_what_it_still_holds(tmp_path, monkeypatch):
    """Spans are found before they are read: a file another program shortens meanwhile
    is read as it now is, never past its end (a mapped file would kill the process)."""
    import chatrecap.importer as importer

    monkeypatch.setattr(importer, "CHUNK_BYTES", 4096)
    path = tmp_path / "growing.jsonl"
    path.write_bytes(b"".join(b'{"n": %d}\n' % n for n in range(5000)))
    spans = list(importer._line_spans(path))
    with open(path, "r+b") as fh:
        fh.truncate(spans[1][0] + 100)
    lines = importer._read_span(str(path), spans[1])
    assert lines and all(orjson.loads(line) for _, line in lines[:-1])
    assert importer._read_span(str(path), spans[3]) == []


def test_a_plugin_line_source_still_gets_bytes(tmp_path, monkeypatch):
    """Lines go as views of the run read at once only to sources that take them."""
    import chatrecap.importer as importer
    from chatrecap.sources.base import LineSource

    seen = []

    class Plugin(LineSource):
        id = "plugin-lines"

        def parse_line(self, line, number, name, options):
            seen.append(type(line))
            return []

    monkeypatch.setattr(importer, "get_source", lambda _id: Plugin())
    path = tmp_path / "p.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 2}\n')
    ctx = importer._Context("c", "c", "2026-01-01T00:00:00+00:00", True)
    importer._prepare_lines("plugin-lines", str(path), importer.ReadOptions(), ctx,
                            importer._read_span(str(path), (0, path.stat().st_size, 1)))
    assert seen == [bytes, bytes]


def test_a_folder_given_as_dot_names_its_chat_after_itself(tmp_path, fixtures, monkeypatch):
    monkeypatch.chdir(fixtures / "twitter-v1" / "x-archive")
    assert cli(tmp_path / "w.db", "import", ".").exit_code == 0
    assert set(stats(tmp_path / "w.db")["chats"]) == {"x-archive"}


def test_two_readings_of_a_post_merge_alike_in_either_order(tmp_path):
    """The fullest text brings its own original text (a review found a NULL, "as written",
    kept beside another reading's text); a reading without a file keeps no provenance over
    one with a file."""
    from chatrecap.store import _POST_UPSERT, POST_FIELDS

    base = dict(id="x:1", platform="x", native_id="1", author_id="x:9",
                created_at="2021-01-01T00:00:00.000000+00:00", text="hello", text_original=None,
                reply_to_id=None, reply_to_author=None, quote_of_id=None, repost_of_id=None,
                thread_id=None, mentions="[]", hashtags="[]", urls="[]", media="[]", like_count=None,
                repost_count=None, reply_count=None, quote_count=None, language=None, url=None,
                channel=None, is_referenced=False, observed_at="2021-01-02T00:00:00.000000+00:00",
                source_file="a.jsonl", source_line=1)
    day3 = "2021-01-03T00:00:00.000000+00:00"
    pairs = [({"text": "abc", "text_original": "ABC&amp;"}, {"text": "abd", "observed_at": day3}),
             ({"text": "abc", "text_original": "zzz"}, {"text": "abd", "text_original": "aaa"}),
             ({"source_file": None, "source_line": None}, {"source_file": "b.jsonl", "source_line": 3}),
             ({"mentions": '["a"]', "reply_to_id": "x:5"}, {"mentions": '["b"]', "observed_at": day3})]
    with open_store(str(tmp_path / "w.db")) as store:
        def merged(*readings):
            store.execute("DELETE FROM posts")
            for reading in readings:
                store.execute(_POST_UPSERT, tuple({**base, **reading}[f] for f in POST_FIELDS))
            store.commit()
            return store.query(f"SELECT {', '.join(POST_FIELDS)} FROM posts")[0]
        results = [(merged(a, b), merged(b, a)) for a, b in pairs]
    assert all(ab == ba for ab, ba in results)
    at = {f: k for k, f in enumerate(POST_FIELDS)}
    texts = [(r[at["text"]], r[at["text_original"]]) for r, _ in results[:2]]
    assert texts == [("abd", None), ("abd", "aaa")]
    assert results[2][0][at["source_file"]] == "b.jsonl"
    assert (results[3][0][at["mentions"]], results[3][0][at["reply_to_id"]]) == ('["b"]', "x:5")


def test_an_import_killed_half_way_is_no_longer_running_once_run_again(tmp_path, data):
    """`stats` said an import was running for good after it was killed, though running it
    again had completed it."""
    db, two = tmp_path / "w.db", data / "twarc2" / "two_tweets.jsonl"
    assert cli(db, "import", str(two)).exit_code == 0
    with open_store(db) as store:
        store.begin_import("killed", str(two), "twarc2", None)  # (as a killed import leaves it)
        store.begin_import("other", str(data / "twarc2" / "flat.jsonl"), "twarc2", None)
    assert stats(db)["imports"] == {"done": 1, "running": 2}
    assert cli(db, "import", str(two)).exit_code == 0
    assert stats(db)["imports"] == {"done": 2, "interrupted": 1, "running": 1}


def test_a_web_page_says_so(tmp_path):
    """A Mastodon timeline saved from a browser ("Save page") is HTML around the JSON: "name
    it with --format" sent the user to a second failure."""
    page = tmp_path / "timeline.json"
    page.write_text('<html><head><meta name="color-scheme" content="light dark"></head><body><pre>'
                    '[{&quot;id&quot;: &quot;1&quot;}]</pre></body></html>', encoding="utf-8")
    result = cli(tmp_path / "w.db", "import", str(page))
    assert result.exit_code == 2 and "this is a web page (HTML)" in result.stderr


def test_a_read_only_workspace_is_not_called_no_workspace(tmp_path, monkeypatch):
    """On a read-only file system SQLite cannot open a workspace (it writes its -wal and -shm
    files beside it): "not a chatrecap workspace" could lead a user to delete a good one."""
    import sqlite3

    from chatrecap.errors import StoreError

    db = tmp_path / "w.db"
    open_store(str(db)).close()

    def refused(*args, **kwargs):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(sqlite3, "connect", refused)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(StoreError, match="read-only, and SQLite writes beside the workspace"):
        open_store(str(db))
    monkeypatch.setattr(os, "access", lambda path, mode: True)
    with pytest.raises(StoreError, match="not a chatrecap workspace"):
        open_store(str(db))


def test_a_chat_named_in_another_case_is_the_same_chat(tmp_path, data):
    """`--chat "#pstweetchat"` after `--chat "#PSTweetChat"` filed every post under a second
    chat that series, leaders and recap took for another; a blank name made a nameless one."""
    db, sheet = tmp_path / "w.db", data / "twarc2" / "two_tweets.jsonl"
    assert cli(db, "import", str(sheet), "--chat", "#PSTweetChat").exit_code == 0
    result = cli(db, "import", str(sheet), "--chat", "#pstweetchat")
    assert result.exit_code == 0 and "is the workspace's chat '#PSTweetChat'" in result.stderr
    assert list(stats(db)["chats"]) == ["#PSTweetChat"]
    for blank in ("", "   "):
        result = cli(db, "import", str(sheet), "--chat", blank)
        assert result.exit_code == 2 and "--chat takes a name" in result.stderr
