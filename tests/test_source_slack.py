"""Slack workspace exports: the shared real export (zip and unpacked) and hand-made edge cases."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chatrecap.errors import InputError, RecordError
from chatrecap.importer import expand_paths
from chatrecap.models import Post
from chatrecap.sources import base, detect
from chatrecap.sources.base import ReadOptions, take_sample
from chatrecap.sources.slack import SOURCE, SYSTEM_SUBTYPES, _without_token

ARCHIVE = "slack/slack_export_viewer_testarchive.zip"


def read_all(path: Path) -> tuple[list[Post], list[RecordError]]:
    """The posts and the problems (the note counting the system messages left out aside)."""
    items = list(SOURCE.read(path, ReadOptions()))
    return ([i for i in items if isinstance(i, Post)],
            [i for i in items if isinstance(i, RecordError) and i.kind != "system messages"])


def by_place(posts: list[Post]) -> dict[tuple[str, int], Post]:
    """Posts keyed by (channel/day file, line), whatever the archive path looks like."""
    out = {}
    for post in posts:
        day = "/".join(post.source_file.replace("!", "/").split("/")[-2:])
        out[(day, post.source_line)] = post
    return out


def comparable(post: Post) -> tuple:
    return (post.id, post.author.id, post.author.handle, post.author.display_name,
            post.author.is_bot, post.created_at, post.text, post.text_original, post.mentions,
            post.urls, post.media, post.like_count, post.reply_count, post.reply_to_id,
            post.thread_id, post.channel, post.source_line, post.raw)


# --- the real export ----------------------------------------------------------------------

def test_sniff_recognises_the_export_zip_and_folder(data: Path, tmp_path: Path) -> None:
    assert SOURCE.sniff(take_sample(data / ARCHIVE)) >= 0.9
    with zipfile.ZipFile(data / ARCHIVE) as zf:
        zf.extractall(tmp_path)
    assert SOURCE.sniff(take_sample(tmp_path)) >= 0.9


@pytest.mark.parametrize("other", [
    "twarc2/two_tweets.jsonl",
    "mastodon/timeline_tag_hoot.json",
    "tags/tidytags_sample-data_TAGS_aect.csv",
    "bluesky/thread_view_post_with_embed_media.json",
])
def test_sniff_says_no_to_other_formats(data: Path, other: str) -> None:
    assert SOURCE.sniff(take_sample(data / other)) == 0


def test_sniff_says_no_to_a_folder_or_zip_of_something_else(tmp_path: Path, fixtures: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "2021-03-04.json").write_text("[]")
    assert SOURCE.sniff(take_sample(tmp_path)) == 0
    assert SOURCE.sniff(take_sample(fixtures / "discord" / "community-hour.json")) == 0


def test_real_export_counts(data: Path) -> None:
    # 158 messages in 17 day files: 11 are system messages (8 channel_join, 3 bot_add),
    # left out and counted in one note.
    posts, errors = read_all(data / ARCHIVE)
    assert errors == []
    (note,) = [i for i in SOURCE.read(data / ARCHIVE, ReadOptions())
               if isinstance(i, RecordError) and i.kind == "system messages"]
    assert not note.skipped and note.line is None
    assert note.reason.startswith("11 system messages (channel_join 8, bot_add 3) left out")
    assert len(posts) == 147
    assert len({p.id for p in posts}) == 147
    assert Counter(p.channel for p in posts) == {"enrique": 96, "traveling-sailor": 51}
    assert sum(1 for p in posts if p.author.is_bot) == 94
    assert all(p.created_at.tzinfo is UTC for p in posts)
    assert all(p.hashtags == [] and p.url is None and p.platform == "slack" for p in posts)
    assert not any(p.raw.get("subtype") in SYSTEM_SUBTYPES for p in posts)
    assert Counter(p.author.handle for p in posts if not p.author.is_bot) == {
        "hamza": 33, "doubledeez": 14, "abilinski": 5, "heroeshannibal": 1}


def test_real_export_spot_checks(data: Path) -> None:
    posts, _ = read_all(data / ARCHIVE)
    first = posts[0]
    assert first.id == "slack:C0JGLMMNX/1452837352.000006"
    assert first.source_file == f"{data / ARCHIVE}!enrique/2016-01-14.json"
    assert first.source_line == 5
    assert first.created_at == datetime(2016, 1, 15, 5, 55, 52, 6, tzinfo=UTC)
    assert first.author.id == "slack:U0BMQB6JE"
    assert (first.author.handle, first.author.display_name) == ("hamza", "Hamza Faran")
    assert first.author.is_bot is False
    assert first.text == ("@abilinski: Created an issue for a setup.py so that it can be "
                          "installed to a standard place")
    assert first.text_original.startswith("<@U0BMYT2FL>: Created an issue")
    assert first.mentions == ["abilinski"]
    assert first.channel == "enrique"
    assert first.like_count == 0 and first.reply_count is None and first.reply_to_id is None

    place = by_place(posts)
    link = place[("enrique/2016-01-15.json", 4)]
    assert link.text == "Here's an example: https://github.com/hfaran/progressive/blob/master/setup.py"
    assert link.urls == ["https://github.com/hfaran/progressive/blob/master/setup.py"]

    bot = place[("enrique/2016-03-28.json", 1)]
    assert bot.author.id == "slack:B0JL6RASU"
    assert bot.author.handle == "github"  # the name its bot_add message shows
    assert bot.author.is_bot is True
    # A card-only integration message reads as its card's text.
    assert bot.text.startswith("[enrique:master] 1 new commit by hfaran:")
    assert "Implement killTask; resolves #20" in bot.text
    assert bot.like_count == 1

    upload = place[("traveling-sailor/2016-03-26.json", 11)]
    assert upload.author.handle == "doubledeez"
    assert upload.author.bio == "Eat Monkeys"
    assert upload.text == ("@doubledeez uploaded a file: 100 cities "
                           "(https://mesos-magellan.slack.com/files/U0BMS113R/F0VNAKDE2/100_cities.js)")
    assert upload.mentions == []  # the generated "@doubledeez uploaded" is not a mention
    assert upload.media[0].startswith(
        "https://files.slack.com/files-pri/T0BMHLSRH-F0VNAKDE2/100_cities.js")
    assert upload.media[1] == "https://mesos-magellan.slack.com/files/U0BMS113R/F0VNAKDE2/100_cities.js"

    comment = place[("traveling-sailor/2016-03-27.json", 2)]
    assert comment.author.handle == "doubledeez"
    assert comment.text.startswith("@doubledeez commented on @doubledeez’s file 10 cities (")

    trace = place[("traveling-sailor/2016-03-26.json", 3)]
    assert 'File "/usr/local/bin/enrique", line 5, in <module>' in trace.text  # &lt; decoded

    # Slack stores every emoji as its code; the text shows the emoji, the original the code.
    thumbs = place[("enrique/2016-03-17.json", 12)]
    assert (thumbs.text, thumbs.text_original) == ("\N{THUMBS UP SIGN}", ":+1: ")

    ping = place[("traveling-sailor/2016-03-25.json", 1)]
    assert ping.author.handle == "abilinski"
    assert ping.author.display_name == "Harry Potter"
    assert ping.mentions == ["hamza"]
    assert ping.urls == ["https://www.maxmind.com/en/free-world-cities-database"]


def test_unpacked_export_imports_identically(data: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(data / ARCHIVE) as zf:
        zf.extractall(tmp_path)
    zipped, _ = read_all(data / ARCHIVE)
    unpacked, errors = read_all(tmp_path)
    assert errors == []
    assert [comparable(p) for p in unpacked] == [comparable(p) for p in zipped]
    assert unpacked[0].source_file == str(tmp_path / "enrique" / "2016-01-14.json")


def test_export_zipped_inside_a_folder_is_read(data: Path, tmp_path: Path) -> None:
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(data / ARCHIVE) as src, zipfile.ZipFile(nested, "w") as dst:
        for info in src.infolist():
            if not info.is_dir():
                dst.writestr(f"My Workspace Slack export/{info.filename}", src.read(info))
    assert SOURCE.sniff(take_sample(nested)) >= 0.9
    posts, errors = read_all(nested)
    assert errors == [] and len(posts) == 147
    assert posts[0].source_file == f"{nested}!My Workspace Slack export/enrique/2016-01-14.json"


def test_truncated_zip_raises_input_error(data: Path, tmp_path: Path) -> None:
    raw = (data / ARCHIVE).read_bytes()
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(raw[: len(raw) // 2])
    with pytest.raises(InputError, match="truncated or corrupt"):
        list(SOURCE.read(truncated, ReadOptions()))


def test_oversized_zip_entry_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = tmp_path / "bomb.zip"
    day = json.dumps([{"type": "message", "user": "U1", "ts": "1.0", "text": "x" * 5000}])
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("channels.json", '[{"id": "C1", "name": "g"}]')
        zf.writestr("users.json", "[]")
        zf.writestr("g/2020-01-01.json", day)
    monkeypatch.setattr(base, "MAX_ZIP_ENTRY_BYTES", 1000)
    with pytest.raises(InputError, match="refused"):
        list(SOURCE.read(archive, ReadOptions()))


def test_malformed_day_file_is_one_error_and_other_days_import(tmp_path: Path) -> None:
    archive = tmp_path / "archive.zip"
    good = [{"type": "message", "user": "U1", "ts": "1452837352.000006", "text": "still here"}]
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("channels.json", '[{"id": "C1", "name": "channel"}]')
        zf.writestr("users.json", '[{"id": "U1", "name": "ann"}]')
        zf.writestr("channel/2016-01-14.json", '[{"type": "message", "user": "U1", "ts": ')
        zf.writestr("channel/2016-01-15.json", json.dumps(good))
    posts, errors = read_all(archive)
    assert len(errors) == 1
    assert errors[0].file == f"{archive}!channel/2016-01-14.json"
    assert errors[0].line is None
    assert "cannot be read" in errors[0].reason
    assert [(p.text, p.author.handle, p.source_line) for p in posts] == [("still here", "ann", 1)]


# --- hand-made export: threads, markup, bots, files -------------------------------------

def test_handmade_export_threads_and_markup(fixtures: Path) -> None:
    folder = fixtures / "slack" / "threads-export"
    assert SOURCE.sniff(take_sample(folder)) >= 0.9
    posts, errors = read_all(folder)
    assert len(posts) == 8  # channel_topic and channel_join are skipped silently
    assert len(errors) == 1
    assert errors[0].file == str(folder / "general" / "2021-03-05.json")
    assert errors[0].line == 2 and "'ts'" in errors[0].reason
    place = by_place(posts)
    parent_id = "slack:C01GENERAL/1614884400.000100"

    parent = place[("general/2021-03-04.json", 2)]
    assert parent.id == parent_id
    assert parent.created_at == datetime(2021, 3, 4, 19, 0, 0, 100, tzinfo=UTC)
    assert parent.text == "Q1: What's your favourite #random tip? @here \N{WAVING HAND SIGN}"
    assert parent.hashtags == [] and parent.mentions == []
    assert parent.thread_id == parent_id and parent.reply_to_id is None
    assert parent.like_count == 5 and parent.reply_count == 3
    assert (parent.author.display_name, parent.author.bio) == ("Alice Example", "Chat host")
    assert parent.author.avatar_url == "https://avatars.example.com/alice_192.png"

    reply = place[("general/2021-03-04.json", 3)]
    assert reply.text == (
        "A1: read the docs (https://example.com/docs?a=1&b=2) and example.org <3 @alice")
    assert reply.urls == ["https://example.com/docs?a=1&b=2", "http://example.org"]
    assert reply.mentions == ["alice"]
    assert (reply.reply_to_id, reply.thread_id, reply.reply_to_author) == (
        parent_id, parent_id, "alice")
    assert reply.author.display_name == "Bob Builder"

    bot = place[("general/2021-03-04.json", 4)]
    assert (bot.author.id, bot.author.handle, bot.author.is_bot) == (
        "slack:B01STANDUP", "standup-bot", True)
    assert bot.text == "Reminder for @moderators: wrap up at 20:00 UTC"
    assert bot.urls == ["https://status.example.com/incident/1", "https://status.example.com/"]

    upload = place[("general/2021-03-04.json", 5)]
    assert upload.text == "screenshot of my setup"
    assert upload.media == ["https://files.slack.com/files-pri/T01TEAM-F01SHOT/setup.png",
                            "https://example.slack.com/files/U02BOB/F01SHOT/setup.png"]

    own = place[("general/2021-03-04.json", 6)]
    assert own.text == "Thanks @bob! Mail me at alice@example.com"
    assert own.mentions == ["bob"] and own.urls == []
    assert own.reply_to_author == "alice"  # found through the channel's index, no parent_user_id

    late = place[("general/2021-03-05.json", 1)]  # the parent is in the previous day's file
    assert late.reply_to_id == parent_id and late.reply_to_author == "alice"
    assert late.urls == ["https://example.net/tips"]

    helper = place[("general/2021-03-05.json", 3)]
    assert helper.text == "Recap posted in #general"
    assert (helper.author.handle, helper.author.is_bot) == ("helperbot", True)

    guest = place[("random/2021-03-04.json", 1)]
    assert guest.id == "slack:C02RANDOM/1614884400.000100"  # same ts as the parent, other channel
    assert (guest.author.handle, guest.author.display_name) == ("carol", "Carol Guest")
    assert guest.channel == "random"


def test_file_links_lose_the_export_access_token(data: Path) -> None:
    items = list(SOURCE.read(data / "slack" / "slack_export_viewer_testarchive.zip",
                             ReadOptions()))
    media = [url for item in items if isinstance(item, Post) for url in item.media]
    raw_links = [f["url_private"] for item in items if isinstance(item, Post)
                 for f in [*(item.raw.get("files") or ()), item.raw.get("file") or {}]
                 if "url_private" in f]
    assert any("t=xoxe" in link for link in raw_links)  # the export has them ...
    assert media and not any("xoxe" in url for url in media)  # ... the posts do not
    # A canvas's link carries it as "token=" (a real export's, as Zulip's importer tests keep it).
    assert _without_token("https://files.slack.com/files-pri/T06NRA6HM3P-F07A32DC2GG/canvas"
                          "?token=xoxe-6773-secret&origin_team=T06") == (
        "https://files.slack.com/files-pri/T06NRA6HM3P-F07A32DC2GG/canvas?origin_team=T06")


# --- partial copies: channel folders without the conversation lists ---------------------

def _channel_folders(root: Path, users: bool) -> Path:
    """A copy of an export that kept only some channels' folders (one level down)."""
    export = root / "copy" / "slack-data"
    for channel, day, text in (("general", "2018-01-31", "Kick-off at <https://example.org|the site>"),
                               ("random", "2018-02-01", "hello <@U1>")):
        (export / channel).mkdir(parents=True)
        messages = [{"type": "message", "subtype": "channel_join", "user": "U1", "ts": "1517400000.000001",
                     "text": "<@U1> has joined the channel"},
                    {"type": "message", "user": "U1", "ts": "1517400100.000200", "text": text,
                     "user_profile": {"name": "ann", "real_name": "Ann Lee",
                                      "image_72": "https://avatars.example/ann-72.png"}}]
        (export / channel / f"{day}.json").write_text(json.dumps(messages))
    if users:
        (export / "users.json").write_text('[{"id": "U1", "name": "ann"}]')
    return root / "copy"


@pytest.mark.parametrize("users", [True, False])
def test_a_copy_without_the_conversation_lists_is_recognised_and_read(tmp_path: Path, users: bool) -> None:
    folder = _channel_folders(tmp_path, users)
    assert SOURCE.sniff(take_sample(folder)) >= 0.6
    with zipfile.ZipFile(tmp_path / "copy.zip", "w") as zf:
        for path in sorted(folder.rglob("*.json")):
            zf.write(path, path.relative_to(folder).as_posix())
    for archive in (folder, tmp_path / "copy.zip"):
        assert detect(archive) is SOURCE
        posts, errors = read_all(archive)
        assert errors == []
        assert sorted((p.channel, p.text) for p in posts) == [
            ("general", "Kick-off at the site (https://example.org)"),
            ("random", "hello @ann" if users else "hello @U1")]
    if not users:  # the profile each message carries says who wrote it
        assert {(p.author.handle, p.author.display_name, p.author.avatar_url) for p in posts} == {
            ("ann", "Ann Lee", "https://avatars.example/ann-72.png")}


def test_a_folder_named_slack_is_read_whole(tmp_path: Path) -> None:
    """With --format slack a folder is the export, even one whose contents say nothing."""
    folder = tmp_path / "export"
    (folder / "general").mkdir(parents=True)
    (folder / "general" / "2018-01-31.json").write_text("[]")
    assert expand_paths([folder], "slack") == [folder]
    assert expand_paths([folder]) == [folder / "general" / "2018-01-31.json"]


def test_one_channels_folder_alone_is_that_channel(tmp_path: Path) -> None:
    """A channel's folder given alone (or zipped): its day files are the channel named after
    it; a day file given as the export is told to give its folder."""
    channel = _channel_folders(tmp_path, users=False) / "slack-data" / "general"
    assert detect(channel) is SOURCE
    assert expand_paths([channel]) == [channel]
    posts, errors = read_all(channel)
    assert errors == [] and [(p.channel, p.text, p.author.handle) for p in posts] == [
        ("general", "Kick-off at the site (https://example.org)", "ann")]
    day = channel / "2018-01-31.json"
    with pytest.raises(InputError, match="import the folder that holds them"):
        read_all(day)


def test_an_apps_message_by_a_bot_user_the_export_does_not_list(tmp_path: Path) -> None:
    """Apps post with both a ``user`` (their bot user) and a ``bot_id``; without users.json
    (or the bot user in it) the message's bot profile names it."""
    export = tmp_path / "export"
    (export / "general").mkdir(parents=True)
    (export / "channels.json").write_text('[{"id": "C1", "name": "general"}]')
    (export / "general" / "2025-01-18.json").write_text(json.dumps([
        {"type": "message", "user": "U0BOT", "bot_id": "B1", "ts": "1737160363.000100",
         "text": "Standup time!", "bot_profile": {"id": "B1", "name": "standup-bot",
                                                  "icons": {"image_72": "https://icons.example/b.png"}}}]))
    [post], errors = read_all(export)
    assert errors == []
    assert (post.author.id, post.author.handle, post.author.is_bot) == ("slack:B1", "standup-bot", True)


def test_an_upload_names_no_one_but_whom_it_names_without_users_json(tmp_path: Path) -> None:
    export = tmp_path / "general"
    export.mkdir()
    (export / "2017-12-08.json").write_text(json.dumps([
        {"type": "message", "subtype": "file_share", "user": "U1", "ts": "1512720000.000100",
         "text": "<@U1> uploaded a file: <https://x.slack.com/files/U1/F1/a.jpg|a.jpg>"},
        {"type": "message", "subtype": "file_comment", "ts": "1512720100.000100",
         "text": "<@U2> commented on <@U1>'s file: nice", "comment": {"user": "U2", "comment": "nice"}}]))
    upload, comment = read_all(export)[0]
    assert upload.mentions == [] and comment.mentions == ["U1"]


def test_a_day_file_alone_is_told_to_come_with_its_folder(data: Path, tmp_path: Path) -> None:
    """Auto-detection said only "not recognised; name it with --format", and --format slack
    then said to import the folder: it now says so at once."""
    with zipfile.ZipFile(next((data / "slack").glob("*.zip"))) as zf:
        day = tmp_path / "2016-01-15.json"
        day.write_bytes(zf.read("enrique/2016-01-15.json"))
    with pytest.raises(InputError, match=r"2016-01-15\.json: this is one day of a Slack channel: import "
                                         r"the folder that holds it"):
        detect(day)
    other = tmp_path / "2016-01-16.json"  # (a dated file of something else is no such hint)
    other.write_text('{"note": "not slack"}')
    with pytest.raises(InputError, match="the format was not recognised"):
        detect(other)


def test_a_later_message_that_names_its_author_by_id_alone_keeps_the_profile(tmp_path: Path) -> None:
    """A file upload carries no ``user_profile``: the author's name and picture read from the
    messages before it stay (they were wiped when both fell in one batch)."""
    from chatrecap.importer import import_file
    from chatrecap.store import open_store

    profile = {"image_72": "https://avatars.example/peter_72.png", "first_name": "Peter",
               "real_name": "Peter", "display_name": "", "name": "pieterceka123"}
    messages = [{"user": "U06", "type": "message", "ts": "1772029188.953659", "text": "Hello",
                 "user_profile": profile},
                {"user": "U06", "type": "message", "ts": "1772636065.551219", "text": "message with files",
                 "files": [{"id": "F07", "name": "notes.txt", "url_private": "https://files.example/F07"}]}]
    (tmp_path / "export" / "general").mkdir(parents=True)
    (tmp_path / "export" / "general" / "2026-02-25.json").write_text(json.dumps(messages))
    with open_store(tmp_path / "w.db") as store:
        report = import_file(store, tmp_path / "export", "slack")
        assert (report.new, report.error) == (2, None)
        assert store.query("SELECT handle, display_name, avatar_url FROM authors") == [
            ("pieterceka123", "Peter", "https://avatars.example/peter_72.png")]


def test_a_damaged_day_of_a_zipped_export_loses_that_day_alone(tmp_path, data):
    """Bytes damaged in one day file of the zip lost the whole export (a bad CRC)."""
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(data / ARCHIVE) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info), zipfile.ZIP_STORED)
    raw = bytearray(damaged.read_bytes())
    with zipfile.ZipFile(damaged) as zf:
        day = next(i for i in zf.infolist() if i.filename.endswith(".json") and "/" in i.filename
                   and i.file_size > 200)
    start = day.header_offset + 30 + len(day.filename.encode()) + len(day.extra)
    raw[start + 50:start + 60] = b"#" * 10
    damaged.write_bytes(bytes(raw))
    posts, errors = read_all(damaged)
    assert len(errors) == 1 and errors[0].file.endswith(day.filename)
    assert "Bad CRC-32" in errors[0].reason and errors[0].reason.endswith("; skipped")
    whole, _ = read_all(data / ARCHIVE)
    assert 0 < len(whole) - len(posts) < 30
