"""The Mastodon source against the recorded API responses and hand-made context/boost files."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Post
from chatrecap.sources import detect
from chatrecap.sources.base import ReadOptions, take_sample
from chatrecap.sources.mastodon import SOURCE

GUARDIAN = ("https://www.theguardian.com/money/2019/dec/07/"
            "i-lost-my-193000-inheritance-with-one-wrong-digit-on-my-sort-code")


def read(path: Path) -> tuple[list[Post], list[RecordError]]:
    items = list(SOURCE.read(path, ReadOptions()))
    return ([i for i in items if isinstance(i, Post)],
            [i for i in items if isinstance(i, RecordError)])


@pytest.mark.parametrize(("name", "count"), [
    ("status_docs_example.json", 1),
    ("status_reply.json", 1),
    ("status_reply_parent.json", 1),
    ("timeline_public.json", 8),
    ("timeline_tag_hoot.json", 1),
])
def test_real_files_counts(data: Path, name: str, count: int) -> None:
    posts, errors = read(data / "mastodon" / name)
    assert errors == []
    assert len(posts) == count
    assert all(p.platform == "mastodon" and p.created_at.tzinfo == UTC for p in posts)
    assert all(p.source_file == str(data / "mastodon" / name) for p in posts)
    assert [p.source_line for p in posts] == list(range(1, count + 1))


def test_identity() -> None:
    assert (SOURCE.id, SOURCE.name) == ("mastodon", "Mastodon API JSON")


def test_docs_example(data: Path) -> None:
    (post,), _ = read(data / "mastodon" / "status_docs_example.json")
    assert post.id == "mastodon:103270115826048975"
    assert post.created_at == datetime(2019, 12, 8, 3, 48, 33, 901000, tzinfo=UTC)
    assert post.text.startswith('"I lost my inheritance with one wrong digit on my sort code"\n\n')
    assert post.text.endswith(GUARDIAN)  # the whole link, not the part Mastodon shows
    assert post.text_original == post.raw["content"]
    assert post.urls == [GUARDIAN]  # the content link and the card, once
    assert (post.like_count, post.repost_count, post.reply_count, post.quote_count) == (11, 6, 5, 2)
    assert post.language == "en"
    assert post.url == "https://mastodon.social/@Gargron/103270115826048975"
    assert post.reply_to_id is None and post.quote_of_id is None and post.repost_of_id is None
    author = post.author
    assert author.id == "mastodon:1"
    assert (author.handle, author.display_name) == ("Gargron", "Eugen")
    assert author.bio.startswith("Developer of Mastodon and administrator of mastodon.social.")
    assert (author.followers, author.following, author.is_bot) == (322930, 459, False)
    assert author.created_at == datetime(2016, 3, 16, 14, 34, 26, 392000, tzinfo=UTC)
    assert author.url == "https://mastodon.social/@Gargron"
    assert author.avatar_url.endswith("/d96d39a0abb45b92.jpg")


def test_reply_points_at_parent(data: Path) -> None:
    (reply,), _ = read(data / "mastodon" / "status_reply.json")
    (parent,), _ = read(data / "mastodon" / "status_reply_parent.json")
    assert reply.reply_to_id == parent.id == "mastodon:117020583245459824"
    assert reply.reply_to_author == parent.author.handle == "mastodonpy_test_2"
    assert reply.text == "@mastodonpy_test_2 same!"
    assert reply.mentions == ["mastodonpy_test_2"]
    assert reply.urls == []  # the mention link is not a url of the post
    assert reply.author.handle == "admin" and reply.author.display_name is None
    assert parent.text == "Toot, finally!" and parent.language == "ja"


def test_tag_timeline(data: Path) -> None:
    (post,), _ = read(data / "mastodon" / "timeline_tag_hoot.json")
    assert post.text == "#hoot (hashtag toot)"
    assert post.hashtags == ["hoot"] and post.urls == []
    assert post.author.id == "mastodon:117020566092212359"


def test_public_timeline(data: Path) -> None:
    posts, _ = read(data / "mastodon" / "timeline_public.json")
    assert posts[0].id == "mastodon:117020593378945190"
    assert posts[1].text == "you can't say that on television"
    jeep = posts[4]
    assert jeep.text == "@mastodonpy_test beep beep I'm a jeep"
    assert jeep.mentions == ["mastodonpy_test"] and jeep.reply_to_id is None
    assert {p.author.handle for p in posts} == {"admin", "mastodonpy_test_2"}


def test_context_response(fixtures: Path) -> None:
    posts, errors = read(fixtures / "mastodon" / "context.json")
    assert errors == []
    root, reply, self_reply = posts
    assert [p.source_line for p in posts] == [1, 2, 3]
    assert root.author.handle == "host@chat.example"
    assert root.author.bio == "I host #edchat on Tuesdays & Thursdays."
    assert root.urls == ["https://example.org/reading/week-12?utm=1"]
    assert root.hashtags == ["edchat"]
    assert reply.text == "CW: plot spoilers\n\n@host A1: a novel about a lighthouse #edchat"
    assert reply.reply_to_id == root.id
    assert reply.reply_to_author == "host@chat.example"
    assert reply.mentions == ["host@chat.example"]
    assert reply.urls == ["https://books.example/lighthouse"]  # the card
    assert reply.media == ["https://files.social.example/media/9001.jpg"]
    assert reply.created_at == datetime(2024, 3, 7, 20, 2, 30, 500000, tzinfo=UTC)
    assert reply.author.display_name == "Alice & Co"
    assert self_reply.reply_to_author == "host@chat.example"  # a self-reply names no mention
    assert not any(p.is_referenced for p in posts)


def test_reblog_and_quotes(fixtures: Path) -> None:
    posts, errors = read(fixtures / "mastodon" / "reblog.json")
    assert errors == []
    ids = [(p.native_id, p.is_referenced) for p in posts]
    assert ids == [("112000000000000010", True), ("112000000000000011", False),
                   ("112000000000000010", True), ("112000000000000012", False),
                   ("112000000000000013", False)]
    original, boost, _, quoting, shallow = posts
    assert boost.repost_of_id == original.id == "mastodon:112000000000000010"
    assert boost.text == original.text == "Thanks all for joining #edchat! Recap soon."
    assert boost.text_original is None
    assert boost.hashtags == ["edchat"]
    assert boost.author.handle == "digest" and boost.author.is_bot is True
    assert boost.created_at == datetime(2024, 3, 7, 20, 11, tzinfo=UTC)
    assert boost.raw["reblog"] is original.raw
    assert quoting.quote_of_id == original.id
    assert quoting.text == "This was a great hour. #edchat"  # the "RE: link" fallback dropped
    assert quoting.urls == []
    assert shallow.quote_of_id == original.id
    assert (original.like_count, original.repost_count, original.quote_count) == (4, 1, 1)


def test_jsonl_with_bad_lines(fixtures: Path) -> None:
    path = fixtures / "mastodon" / "statuses.jsonl"
    posts, errors = read(path)
    assert [p.native_id for p in posts] == ["112000000000000001", "112000000000000002"]
    assert [p.source_line for p in posts] == [1, 4]
    assert [e.line for e in errors] == [2, 3]
    assert "not valid JSON" in errors[0].reason
    assert "account" in errors[1].reason
    assert str(errors[1]).startswith(f"{path}:3: ")


def test_bad_records_in_a_document(tmp_path: Path, data: Path) -> None:
    good = (data / "mastodon" / "status_reply_parent.json").read_text()
    path = tmp_path / "timeline.json"
    path.write_text(f'[{good}, 42, {{"id": "9", "content": "<p>x</p>", "account": {{}}}}, {good}]')
    posts, errors = read(path)
    assert [p.source_line for p in posts] == [1, 4]
    assert [e.line for e in errors] == [2, 3]
    assert "created_at" in errors[1].reason


def test_notifications_and_conversations_give_the_statuses_they_hold(tmp_path: Path, data: Path) -> None:
    """``GET /api/v1/notifications`` and ``/conversations`` wrap statuses: those are imported,
    a follow notification has none, and a direct message is private: both reported."""
    status = json.loads((data / "mastodon" / "status_reply_parent.json").read_text())
    someone = status["account"]
    direct = {**status, "id": "200", "visibility": "direct"}
    path = tmp_path / "notifications.json"
    path.write_text(json.dumps([
        {"id": "7", "type": "mention", "created_at": "2024-01-01T00:00:00.000Z", "account": someone,
         "status": status},
        {"id": "8", "type": "follow", "created_at": "2024-01-01T00:00:00.000Z", "account": someone},
        {"id": "9", "unread": False, "accounts": [someone], "last_status": direct},
    ]))
    assert SOURCE.sniff(take_sample(path)) >= 0.9
    posts, errors = read(path)
    assert [(p.native_id, p.text) for p in posts] == [(str(status["id"]), read(
        data / "mastodon" / "status_reply_parent.json")[0][0].text)]
    assert [(e.line, e.kind) for e in errors] == [(2, "no status"), (3, "direct message")]
    assert "follow notification holds no status" in errors[0].reason
    path.write_text(json.dumps([{"id": "10", "type": "admin.sign_up", "account": someone}]))
    assert "an admin.sign_up notification holds no status" in read(path)[1][0].reason


def test_a_link_left_as_plain_text_is_a_link(tmp_path: Path) -> None:
    """A remote post can reach the API with a link its server did not wrap in <a>."""
    path = tmp_path / "trends.json"
    path.write_text(json.dumps([{
        "id": "1", "created_at": "2026-08-02T11:18:18.750Z", "in_reply_to_id": None,
        "content": "<p>こちらもどうぞ https://fedibird.test/@fb_ito and <a href=\"https://example.org/a\">a</a></p>",
        "account": {"id": "9", "username": "eve", "acct": "eve"}, "mentions": [], "tags": [],
        "media_attachments": [], "card": None}]))
    (post,), _ = read(path)
    assert post.urls == ["https://example.org/a", "https://fedibird.test/@fb_ito"]


@pytest.mark.parametrize("content", ["", "[{]", "   \n"])
def test_unreadable_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(InputError):
        list(SOURCE.read(path, ReadOptions()))


def test_sniff(data: Path, fixtures: Path) -> None:
    for path in [*(data / "mastodon").iterdir(), *(fixtures / "mastodon").iterdir()]:
        if path.name != "actor.json":  # the account archive's profile, beside its outbox
            assert SOURCE.sniff(take_sample(path)) >= 0.9, path
    others = [
        data / "bluesky" / "thread_view_post_with_embed_media.json",
        data / "bluesky" / "post_record.json",
        data / "twitter_v1" / "tidytags_different_tweet_types_0.json",
        data / "twarc2" / "flat.jsonl",
        data / "slack" / "slack_export_viewer_testarchive.zip",
        data / "tags" / "tidytags_sample-tweet.csv",
        data / "twitter-archiver" / "pstweetchat-2020-2021.csv",
    ]
    for path in others:
        assert SOURCE.sniff(take_sample(path)) == 0, path


def test_sniff_never_raises_on_junk(tmp_path: Path) -> None:
    path = tmp_path / "junk.json"
    path.write_bytes(b'{"account": [1, 2, "content": ')
    assert SOURCE.sniff(take_sample(path)) == 0


def test_mastodon_archive_file(fixtures: Path) -> None:
    """mastodon-archive's file: own statuses and mentions are posts, favourites referenced;
    Mastodon.py wrote the ids as numbers and the times with an offset."""
    path = fixtures / "mastodon" / "mastodon_archive.json"
    assert SOURCE.sniff(take_sample(path)) >= 0.9
    posts, errors = read(path)
    assert [(p.id, p.source_line, p.is_referenced) for p in posts] == [
        ("mastodon:112000000000000002", 1, False), ("mastodon:112000000000000003", 2, False),
        ("mastodon:112000000000000001", 4, True)]
    answer, reply, question = posts
    assert answer.created_at == datetime(2024, 3, 7, 20, 2, 30, 123000, tzinfo=UTC)
    assert answer.reply_to_id == question.id and answer.reply_to_author == "host@chat.example"
    assert answer.author.id == "mastodon:109002" and answer.author.handle == "alice"
    assert reply.reply_to_author == "alice" and reply.mentions == ["alice"]
    assert question.like_count == 7 and question.hashtags == ["edchat"]
    assert [(e.line, e.kind) for e in errors] == [(3, "direct message")]


def test_mastodon_py_to_json_wrapper(fixtures: Path) -> None:
    """Mastodon.py 2 saves a timeline with to_json(): the statuses sit in _mastopy_data."""
    path = fixtures / "mastodon" / "mastopy_to_json.json"
    assert SOURCE.sniff(take_sample(path)) >= 0.9
    posts, errors = read(path)
    assert errors == []
    assert [(p.id, p.source_line) for p in posts] == [
        ("mastodon:112000000000000021", 1), ("mastodon:112000000000000022", 2)]
    answer, more = posts
    assert answer.reply_to_id == "mastodon:112000000000000020"
    assert answer.text == "A2: audiobooks on the bus #edchat" and answer.hashtags == ["edchat"]
    assert (answer.like_count, answer.repost_count) == (3, 1)
    assert more.created_at == datetime(2024, 3, 7, 20, 21, 0, 500000, tzinfo=UTC)


def test_pages_and_contexts_saved_as_one_list(fixtures: Path, data: Path, tmp_path: Path) -> None:
    """Timeline pages, or the contexts of several threads, kept in one JSON list."""
    context = json.loads((fixtures / "mastodon" / "context.json").read_text())
    page = json.loads((data / "mastodon" / "timeline_public.json").read_text())
    path = tmp_path / "pages.json"
    path.write_text(json.dumps([page[:3], page[3:], context]))
    posts, errors = read(path)
    assert errors == []
    expected = [p.id for p in read(data / "mastodon" / "timeline_public.json")[0]] + \
        [p.id for p in read(fixtures / "mastodon" / "context.json")[0]]
    assert [p.id for p in posts] == expected


def test_an_empty_context_holds_no_statuses(tmp_path: Path) -> None:
    path = tmp_path / "context.json"
    path.write_text('{"ancestors": [], "descendants": []}')
    assert list(SOURCE.read(path, ReadOptions())) == []


def test_account_archive_outbox(fixtures: Path) -> None:
    """Mastodon's own account archive: outbox.json, named by the actor.json beside it."""
    path = fixtures / "mastodon" / "outbox.json"
    assert SOURCE.sniff(take_sample(path)) >= 0.9
    posts, errors = read(path)
    assert [(p.id, p.source_line) for p in posts] == [
        ("mastodon:112000000000000002", 1), ("mastodon:112000000000000005", 2),
        ("mastodon:112000000000000006", 3), ("mastodon:112000000000000009", 6)]
    answer, follow_up, boost, unlisted = posts
    assert answer.author.handle == "alice" and answer.author.display_name == "Alice 🌻"
    assert answer.author.avatar_url is None  # a path inside the archive, not a link
    assert answer.text == "@host A1: a book about gardens, notes at https://example.org/gardens #edchat"
    assert answer.created_at == datetime(2024, 3, 7, 20, 2, 30, tzinfo=UTC)
    # another server's status is known by its URL; the instance's own by its id
    assert answer.reply_to_id == "mastodon:https://chat.example/users/host/statuses/112000000000000001"
    assert answer.reply_to_author == "host@chat.example"
    assert (answer.mentions, answer.hashtags) == (["host@chat.example"], ["edchat"])
    assert answer.urls == ["https://example.org/gardens"]
    # The photo, by its path in the archive (it was left out: a loss nobody was told of).
    assert answer.media == ["/media_attachments/files/112/000/000/000/000/002/original/garden.jpg"]
    assert (answer.like_count, answer.repost_count, answer.language) == (4, 1, "en")
    assert follow_up.reply_to_id == answer.id and follow_up.reply_to_author == "alice"
    assert boost.repost_of_id == "mastodon:https://chat.example/users/host/statuses/112000000000000003"
    assert unlisted.text == "CW: screens\n\nQ2 answer: less screen time"
    assert [(e.line, e.kind) for e in errors] == [(4, "direct message"), (5, "not in the archive")]


def test_account_archive_zip(fixtures: Path, tmp_path: Path) -> None:
    folder = fixtures / "mastodon"
    path = tmp_path / "archive-20240308-abc.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name in ("outbox.json", "actor.json"):
            zf.write(folder / name, name)
        zf.writestr("media_attachments/files/112/original/garden.jpg", b"\xff\xd8")
    assert SOURCE.sniff(take_sample(path)) >= 0.9
    assert [(p.id, p.author.display_name) for p in read(path)[0]] == \
        [(p.id, p.author.display_name) for p in read(folder / "outbox.json")[0]]
    slack = tmp_path / "not-mastodon.zip"
    with zipfile.ZipFile(slack, "w") as zf:
        zf.writestr("channels.json", "[]")
    assert SOURCE.sniff(take_sample(slack)) == 0
    with pytest.raises(InputError, match="no outbox.json"):
        list(SOURCE.read(slack, ReadOptions()))


@pytest.mark.parametrize(("name", "lines"), [
    ("streaming_ws.jsonl", [1, 2, 3]), ("streaming_sse.txt", [3, 8, 14])])
def test_streaming_api_saved(fixtures: Path, name: str, lines: list[int]) -> None:
    """A hashtag followed live: WebSocket messages (the status a JSON string in "payload")
    or server-sent events (event: / data: lines); an edit is the status again."""
    path = fixtures / "mastodon" / name
    assert SOURCE.sniff(take_sample(path)) >= 0.9
    posts, errors = read(path)
    assert [(p.id, p.source_line) for p in posts] == [
        ("mastodon:112000000000000001", lines[0]), ("mastodon:112000000000000002", lines[1]),
        ("mastodon:112000000000000002", lines[2])]
    question, answer, edited = posts
    assert question.hashtags == ["edchat"] and answer.reply_to_id == question.id
    assert edited.text == answer.text + " (edited)"
    assert errors[0].kind == "deleted" and "112000000000000099 was deleted" in errors[0].reason
    assert [e.kind for e in errors[1:]] == (["no status"] if name.endswith(".jsonl") else [])


def test_an_outbox_as_mastodon_writes_it_on_one_line(fixtures: Path, tmp_path: Path) -> None:
    """The server writes outbox.json compact, on one line (a copy may be pretty-printed);
    compacted JSON-LD may give a single audience as a string, not a list."""
    folder = tmp_path / "archive"
    folder.mkdir()
    outbox = json.loads((fixtures / "mastodon" / "outbox.json").read_text())
    for item in outbox["orderedItems"]:
        if isinstance(item.get("to"), list) and len(item["to"]) == 1:
            item["to"] = item["to"][0]
    (folder / "outbox.json").write_text(json.dumps(outbox, separators=(",", ":")))
    (folder / "actor.json").write_bytes((fixtures / "mastodon" / "actor.json").read_bytes())
    assert detect(folder / "outbox.json") is SOURCE
    posts, errors = read(folder / "outbox.json")
    pretty, pretty_errors = read(fixtures / "mastodon" / "outbox.json")
    assert [(p.id, p.text, p.author.handle) for p in posts] == [
        (p.id, p.text, p.author.handle) for p in pretty]
    assert [e.kind for e in errors] == [e.kind for e in pretty_errors]


def test_an_empty_context_in_a_list_holds_no_statuses(fixtures: Path, tmp_path: Path) -> None:
    context = json.loads((fixtures / "mastodon" / "context.json").read_text())
    path = tmp_path / "threads.json"
    path.write_text(json.dumps([context, {"ancestors": [], "descendants": []}]))
    posts, errors = read(path)
    assert errors == [] and [p.id for p in posts] == [
        p.id for p in read(fixtures / "mastodon" / "context.json")[0]]


def test_a_status_deleted_to_redraft_it_keeps_its_plain_source(data: Path, tmp_path: Path) -> None:
    """``DELETE /api/v1/statuses/:id`` answers with the status's plain ``text``, no ``content``."""
    status = json.loads((data / "mastodon" / "status_docs_example.json").read_text())
    del status["content"]
    status["text"] = "Redrafting this: #PSTweetChat &amp; friends"
    path = tmp_path / "deleted.json"
    path.write_text(json.dumps(status))
    assert detect(path, take_sample(path)).id == "mastodon"
    posts, errors = read(path)
    assert errors == [] and [p.text for p in posts] == ["Redrafting this: #PSTweetChat & friends"]
    assert posts[0].text_original == status["text"]


def test_an_older_pleromas_mention_link_is_no_link(data: Path, tmp_path: Path) -> None:
    """Older Pleroma marks a mention's link by ``data-user``, not by its class."""
    status = json.loads((data / "mastodon" / "status_docs_example.json").read_text())
    status["content"] = ('<span><a data-user="14660" href="https://pleroma.example/users/sampo">'
                         '@<span>sampo</span></a></span> wish I was there <a href="https://example.org/x">x</a>')
    status["mentions"] = [{"id": "14660", "username": "sampo", "acct": "sampo@pleroma.example",
                           "url": "https://pleroma.example/users/sampo"}]
    status["card"] = None
    path = tmp_path / "pleroma.json"
    path.write_text(json.dumps(status))
    [post] = [p for p in read(path)[0] if not p.is_referenced]
    assert post.urls == ["https://example.org/x"] and post.mentions == ["sampo@pleroma.example"]
