"""The Bluesky source against the atproto SDK's test data and hand-made API responses."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Post
from chatrecap.sources.base import ReadOptions, take_sample
from chatrecap.sources.bluesky import SOURCE

SDK_DID = "did:plc:kvwvcn5iqfooopmyzvb4qzba"
HOST = "did:plc:host2222host2222host2222"
ALICE = "did:plc:alice333alice333alice333"
BOB = "did:plc:bob44444bob44444bob44444"
ROOT = f"bluesky:at://{HOST}/app.bsky.feed.post/3kroot0000001"
A1 = f"bluesky:at://{ALICE}/app.bsky.feed.post/3kreply000002"
B1 = f"bluesky:at://{BOB}/app.bsky.feed.post/3kreply000003"


def read(path: Path) -> tuple[list[Post], list[RecordError]]:
    items = list(SOURCE.read(path, ReadOptions()))
    return ([i for i in items if isinstance(i, Post)],
            [i for i in items if isinstance(i, RecordError)])


@pytest.mark.parametrize(("name", "count"), [
    ("thread_view_post_with_embed_media.json", 2),  # the post and the post it quotes
    ("post_record.json", 1),
    ("extended_post_record.json", 1),
])
def test_real_files_counts(data: Path, name: str, count: int) -> None:
    posts, errors = read(data / "bluesky" / name)
    assert errors == []
    assert len(posts) == count
    assert all(p.platform == "bluesky" and p.created_at.tzinfo == UTC for p in posts)
    assert all(p.source_file == str(data / "bluesky" / name) and p.source_line == 1
               for p in posts)


def test_identity() -> None:
    assert (SOURCE.id, SOURCE.name) == ("bluesky", "Bluesky / AT Protocol JSON")


def test_thread_with_quote_and_media(data: Path) -> None:
    quoted, post = read(data / "bluesky" / "thread_view_post_with_embed_media.json")[0]
    assert quoted.is_referenced and not post.is_referenced
    assert quoted.id == f"bluesky:at://{SDK_DID}/app.bsky.feed.post/3kahesw26il2z"
    assert quoted.text == "test"
    assert quoted.created_at == datetime(2023, 9, 28, 12, 46, 18, 414000, tzinfo=UTC)
    assert post.id == f"bluesky:at://{SDK_DID}/app.bsky.feed.post/3kaheyt6vpc22"
    assert post.quote_of_id == quoted.id
    assert post.text == "" and post.text_original is None
    assert post.created_at == datetime(2023, 9, 28, 12, 49, 36, 735000, tzinfo=UTC)
    assert post.media == [
        f"https://cdn.bsky.app/img/feed_fullsize/plain/{SDK_DID}/"
        "bafkreic3cp5ky525vsukjvrzxsc2h3jka2gud74l2hgeatw2rhj2qycnmq@jpeg"]
    assert (post.like_count, post.repost_count, post.reply_count) == (0, 0, 0)
    assert post.quote_count is None  # not in this response
    assert post.language == "en"
    assert post.url == f"https://bsky.app/profile/{SDK_DID}/post/3kaheyt6vpc22"
    assert post.reply_to_id is None and post.thread_id is None
    author = post.author
    assert author.id == f"bluesky:{SDK_DID}"
    assert (author.handle, author.display_name) == ("test.marshal.dev", "Python SDK")
    assert author.created_at == datetime(2023, 4, 26, 19, 5, 34, 249000, tzinfo=UTC)
    assert author.avatar_url.startswith("https://cdn.bsky.app/img/avatar/plain/")
    assert author.followers is None  # a basic profile view carries no counts


def test_repo_records(data: Path) -> None:
    (post,), _ = read(data / "bluesky" / "post_record.json")
    assert post.native_id == f"at://{SDK_DID}/app.bsky.feed.post/3k2yihcrp6f2c"
    assert post.text == "new text114"
    assert post.created_at == datetime(2024, 2, 22, 19, 58, 13, 903293, tzinfo=UTC)
    assert post.author.native_id == SDK_DID and post.author.handle is None
    assert post.like_count is None and post.language is None
    (naive,), _ = read(data / "bluesky" / "extended_post_record.json")
    assert naive.text == "regress test" and naive.language == "en"
    # a zone-less createdAt is read as UTC
    assert naive.created_at == datetime(2023, 7, 21, 1, 33, 51, 481951, tzinfo=UTC)


def test_search_posts(fixtures: Path) -> None:
    posts, errors = read(fixtures / "bluesky" / "search_posts.json")
    assert errors == []
    b1, a1, root = posts
    assert [p.id for p in posts] == [B1, A1, ROOT]
    assert [p.source_line for p in posts] == [1, 2, 3]
    assert root.hashtags == ["edchat"]
    assert root.urls == ["https://example.org/notes?week=12"]  # the link facet, expanded
    assert (root.like_count, root.repost_count, root.reply_count, root.quote_count) == (9, 1, 2, 1)
    assert root.author.verified is True
    # facets after emoji: byte offsets, not character offsets
    assert a1.mentions == ["host.chat.example"]
    assert a1.hashtags == ["edchat", "books", "reading"]  # tag facets, then record tags
    assert a1.reply_to_id == ROOT and a1.thread_id == ROOT
    assert a1.reply_to_author == "host.chat.example"
    assert a1.media == [f"https://cdn.bsky.app/img/feed_fullsize/plain/{ALICE}/bafkreiimg1@jpeg"]
    assert a1.created_at == datetime(2024, 3, 7, 20, 2, 30, 123000, tzinfo=UTC)
    assert a1.author.display_name == "Alice 🌻"
    assert b1.reply_to_id == A1 and b1.thread_id == ROOT
    assert b1.reply_to_author == "alice.bsky.social"
    assert b1.mentions == ["alice.bsky.social"]  # shown as "Alice": named from her profile
    assert b1.urls == ["https://podcasts.example/ep/7"]
    assert b1.language == "en"


def test_author_feed_with_repost_and_quote(fixtures: Path) -> None:
    posts, errors = read(fixtures / "bluesky" / "author_feed.json")
    assert errors == []
    assert [(p.id, p.is_referenced, p.source_line) for p in posts] == [
        (ROOT, True, 1), (f"{ROOT}#repost-by-{ALICE}", False, 1),
        (ROOT, True, 2), (f"bluesky:at://{ALICE}/app.bsky.feed.post/3kquote000004", False, 2),
        (ROOT, True, 3), (A1, False, 3),
        (f"bluesky:at://{ALICE}/app.bsky.feed.post/3kpinned00005", False, 4),
    ]
    original, repost, _, quote, _, reply, pinned = posts
    assert repost.repost_of_id == ROOT
    assert repost.author.id == f"bluesky:{ALICE}" and repost.author.handle == "alice.bsky.social"
    assert repost.created_at == datetime(2024, 3, 7, 20, 1, tzinfo=UTC)
    assert repost.text == original.text
    assert repost.hashtags == ["edchat"]
    assert quote.quote_of_id == ROOT and quote.text == "Great prompt, joining in!"
    assert reply.reply_to_author == "host.chat.example"
    assert pinned.created_at == datetime(2024, 1, 2, 8, 0, tzinfo=UTC)  # +01:00 in the record
    assert pinned.hashtags == ["edchat"]  # no tag facet (written before them): read in the text


def test_thread_skips_missing_and_blocked(fixtures: Path) -> None:
    posts, errors = read(fixtures / "bluesky" / "thread_edge.json")
    assert errors == []
    assert [p.id for p in posts] == [ROOT, A1, B1]  # parent first, then the post, replies
    assert [p.source_line for p in posts] == [1, 2, 3]
    assert not any(p.is_referenced for p in posts)


def test_a_thread_whose_replies_are_damaged_still_gives_its_posts(fixtures: Path, tmp_path: Path) -> None:
    """A number (or a string) where the replies' list belongs is no reply, and no crash."""
    doc = json.loads((fixtures / "bluesky" / "thread_edge.json").read_text())
    for damaged in (16711, "replies"):
        doc["thread"]["replies"] = damaged
        path = tmp_path / "thread.json"
        path.write_text(json.dumps(doc))
        posts, errors = read(path)
        assert errors == []
        assert [p.id for p in posts] == [ROOT, A1]


def test_sdk_model_dump_reads_like_the_api(fixtures: Path) -> None:
    api, _ = read(fixtures / "bluesky" / "thread_edge.json")
    sdk, errors = read(fixtures / "bluesky" / "sdk_thread_dump.json")
    assert errors == []
    fields = ("id", "created_at", "text", "reply_to_id", "reply_to_author", "thread_id",
              "mentions", "hashtags", "urls", "media", "like_count", "language")
    for a, s in zip(api, sdk, strict=True):
        assert [getattr(a, f) for f in fields] == [getattr(s, f) for f in fields]
        assert (a.author.display_name, a.author.created_at) == (
            s.author.display_name, s.author.created_at)
    assert sdk[1].mentions == ["host.chat.example"]


def test_bad_records_in_jsonl(fixtures: Path) -> None:
    path = fixtures / "bluesky" / "mixed.jsonl"
    posts, errors = read(path)
    assert [(p.id, p.source_line) for p in posts] == [
        (f"bluesky:at://{BOB}/app.bsky.feed.post/3krec00000011", 1), (B1, 7)]
    assert [e.line for e in errors] == [2, 3, 4, 5, 6]
    assert "no at:// uri" in errors[0].reason  # a bare record cannot be identified
    assert "not valid JSON" in errors[1].reason
    assert "no post record" in errors[2].reason
    assert "createdAt" in errors[3].reason
    assert "not a post" in errors[4].reason
    assert str(errors[0]).startswith(f"{path}:2: ")
    assert posts[0].author.handle is None
    assert posts[1].mentions == [ALICE]  # no "@handle" in the text and no profile: the did


@pytest.mark.parametrize("content", ["", "{\n  \"posts\": [", "\n\n"])
def test_unreadable_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content)
    with pytest.raises(InputError):
        list(SOURCE.read(path, ReadOptions()))


def test_sniff(data: Path, fixtures: Path) -> None:
    for path in [*(data / "bluesky").iterdir(), *(fixtures / "bluesky").iterdir()]:
        assert SOURCE.sniff(take_sample(path)) >= 0.9, path
    others = [
        data / "mastodon" / "timeline_public.json",
        data / "mastodon" / "status_docs_example.json",
        data / "twitter_v1" / "tidytags_different_tweet_types_0.json",
        data / "twarc2" / "flat.jsonl",
        data / "slack" / "slack_export_viewer_testarchive.zip",
        data / "tags" / "tidytags_sample-tweet.csv",
    ]
    for path in others:
        assert SOURCE.sniff(take_sample(path)) == 0, path


def test_sniff_bare_record_then_read_reports_it(tmp_path: Path) -> None:
    path = tmp_path / "record.json"
    path.write_text('{"$type": "app.bsky.feed.post", "text": "hi", '
                    '"createdAt": "2024-03-07T20:00:00Z"}')
    assert SOURCE.sniff(take_sample(path)) > 0
    (error,) = SOURCE.read(path, ReadOptions())
    assert isinstance(error, RecordError) and error.line == 1


def test_jetstream_posts_are_read_and_other_events_reported(fixtures: Path) -> None:
    path = fixtures / "bluesky" / "jetstream.jsonl"
    assert SOURCE.sniff(take_sample(path)) >= 0.9
    posts, errors = read(path)
    reply, quote = posts
    assert (reply.id, reply.source_line) == (A1, 1)
    assert reply.created_at == datetime(2024, 3, 7, 20, 2, 30, 123000, tzinfo=UTC)
    assert reply.reply_to_id == ROOT and reply.thread_id == ROOT
    assert reply.mentions == ["host.chat.example"] and reply.hashtags == ["edchat"]
    assert reply.author.id == f"bluesky:{ALICE}" and reply.author.handle is None
    assert reply.language == "en" and reply.raw["time_us"] == 1709841750123456
    # the first releases' short names; no createdAt: the time the relay saw it
    assert quote.quote_of_id == ROOT and quote.text == "Same here"
    assert quote.created_at == datetime(2024, 3, 7, 20, 2, 50, tzinfo=UTC)
    assert [(e.line, e.kind) for e in errors] == [
        (2, "not a post"), (4, "deleted post"), (5, "not a post")]
    assert "app.bsky.feed.like" in errors[0].reason and "3kgone0000009" in errors[1].reason


def test_post_thread_v2_flat_list(fixtures: Path) -> None:
    """What bsky.app loads (getPostThreadV2): a flat list of thread items, some not posts."""
    posts, errors = read(fixtures / "bluesky" / "thread_v2.json")
    assert errors == []
    root, a1 = posts
    assert (root.id, root.source_line, root.like_count) == (ROOT, 1, 9)
    assert root.author.handle == "host.chat.example" and root.hashtags == ["edchat"]
    assert (a1.id, a1.source_line, a1.reply_to_id) == (A1, 2, ROOT)
    assert a1.reply_to_author == "host.chat.example" and a1.text == "A1: a book about gardens"


def test_early_2023_entities_and_upvotes(fixtures: Path) -> None:
    """Posts written before facets carry entities (UTF-16 offsets) and upvoteCount."""
    (post,), errors = read(fixtures / "bluesky" / "feed_2023.json")
    assert errors == []
    assert post.mentions == ["host.chat.example"]  # the shown "@handle", found past an emoji
    assert post.urls == ["https://example.org/notes"]
    assert (post.like_count, post.repost_count) == (4, 1)


def test_pages_saved_as_one_list(fixtures: Path, tmp_path: Path) -> None:
    """A paged download kept as a list of responses reads as the responses one by one."""
    pages = [json.loads((fixtures / "bluesky" / name).read_text())
             for name in ("search_posts.json", "thread_v2.json", "feed_2023.json")]
    path = tmp_path / "pages.json"
    path.write_text(json.dumps(pages))
    posts, errors = read(path)
    assert errors == []
    assert [(p.id, p.source_line) for p in posts] == [
        (B1, 1), (A1, 1), (ROOT, 1), (ROOT, 2), (A1, 2),
        (f"bluesky:at://{ALICE}/app.bsky.feed.post/3jqold0000021", 3)]


def test_a_records_image_is_where_a_view_of_it_shows_it(data: Path, tmp_path: Path) -> None:
    """The raw record (as Jetstream and repo exports give it) holds an image's blob only;
    its address is built from the author's DID and the blob's id, as the view gives it."""
    doc = json.loads((data / "bluesky" / "thread_view_post_with_embed_media.json").read_text())
    view = doc["thread"]["post"]
    record = {"uri": view["uri"], "value": view["record"]}  # (no view of the embed)
    path = tmp_path / "record.json"
    path.write_text(json.dumps(record))
    posts, errors = read(path)
    assert errors == []
    assert posts[-1].media == [f"https://cdn.bsky.app/img/feed_fullsize/plain/{SDK_DID}/"
                               "bafkreic3cp5ky525vsukjvrzxsc2h3jka2gud74l2hgeatw2rhj2qycnmq@jpeg"]
    assert read(data / "bluesky" / "thread_view_post_with_embed_media.json")[0][-1].media == posts[-1].media


def test_a_views_image_address_wins_over_the_one_built_from_the_record(data: Path, tmp_path: Path) -> None:
    """Views of 2023 gave other hosts (cdn.bsky.social, av-cdn.bsky.app): one image is one."""
    text = (data / "bluesky" / "thread_view_post_with_embed_media.json").read_text()
    path = tmp_path / "old-host.json"
    path.write_text(text.replace("https://cdn.bsky.app/img/feed_fullsize/plain/",
                                 "https://av-cdn.bsky.app/img/feed_fullsize/plain/"))
    post = read(path)[0][-1]
    assert post.media == [f"https://av-cdn.bsky.app/img/feed_fullsize/plain/{SDK_DID}/"
                          "bafkreic3cp5ky525vsukjvrzxsc2h3jka2gud74l2hgeatw2rhj2qycnmq@jpeg"]


def test_a_posts_own_tags_and_its_written_ones_without_tag_facets(tmp_path: Path) -> None:
    record = {"uri": f"at://{ALICE}/app.bsky.feed.post/3ktags0000001",
              "value": {"$type": "app.bsky.feed.post", "createdAt": "2023-11-02T20:00:00Z",
                        "text": "A1: gardens #edchat", "tags": ["books"]}}
    path = tmp_path / "tags.json"
    path.write_text(json.dumps(record))
    assert read(path)[0][0].hashtags == ["edchat", "books"]


def test_an_account_named_by_its_did_alone_can_be_given_as_host(fixtures: Path, tmp_path: Path) -> None:
    """Jetstream stores no handle: the account goes by its DID, as `sessions` shows it, and
    --host takes that."""
    from chatrecap.importer import import_file
    from chatrecap.store import open_store

    with open_store(tmp_path / "w.db") as store:
        import_file(store, fixtures / "bluesky" / "jetstream.jsonl")
        (chat,) = store.chats()
        handles = store.chat_handles(chat)
    assert handles and all(h.startswith("did:") for h in handles.values())


def test_a_link_the_app_shows_cut_short_is_written_whole(tmp_path: Path) -> None:
    """The app writes "bsky.app/profile/bsky..." in the text and the address in a link facet
    (byte offsets, here after an emoji); the text gets the address, as X's t.co links do.
    A link under words of its own keeps them, its address after them."""
    text = "🔥 New: bsky.app/profile/bsky... and www.aeaweb.org/joe/listing... or read this, example.org"
    data = text.encode()

    def facet(shown: str, uri: str) -> dict:
        start = data.index(shown.encode())
        return {"index": {"byteStart": start, "byteEnd": start + len(shown.encode())},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}]}

    record = {"uri": f"at://{ALICE}/app.bsky.feed.post/3klinks000001",
              "value": {"$type": "app.bsky.feed.post", "createdAt": "2024-11-02T20:00:00Z", "text": text,
                        "facets": [facet("bsky.app/profile/bsky...", "https://bsky.app/profile/bsky.app/post/3l"),
                                   facet("www.aeaweb.org/joe/listing...",
                                         "https://www.aeaweb.org/joe/listing.php?JOE_ID=2024-02"),
                                   facet("read this", "https://ex.example/a"),
                                   facet("example.org", "https://example.org")]}}
    path = tmp_path / "links.json"
    path.write_text(json.dumps(record))
    post = read(path)[0][0]
    assert post.text == ("🔥 New: https://bsky.app/profile/bsky.app/post/3l and "
                         "https://www.aeaweb.org/joe/listing.php?JOE_ID=2024-02 or read this "
                         "(https://ex.example/a), example.org")
    assert post.text_original == text
    assert len(post.urls) == 4


def test_a_link_facet_that_does_not_hold_whole_words_leaves_the_text_as_written(tmp_path: Path) -> None:
    """Words that begin the address are a label ("the docs"), and a facet counted in
    characters (after an emoji) or cutting a character is read as no facet for the text."""
    def post(text: str, start: int, end: int, uri: str) -> Post:
        record = {"uri": f"at://{ALICE}/app.bsky.feed.post/3kfacet000001",
                  "value": {"$type": "app.bsky.feed.post", "createdAt": "2024-11-02T20:00:00Z", "text": text,
                            "facets": [{"index": {"byteStart": start, "byteEnd": end}, "features": [
                                {"$type": "app.bsky.richtext.facet#link", "uri": uri}]}]}}
        path = tmp_path / "facet.json"
        path.write_text(json.dumps(record))
        return read(path)[0][0]

    docs = "See the docs"
    assert post(docs, 8, 12, "https://docs.python.org/3/").text == "See the docs (https://docs.python.org/3/)"
    emoji = "🔥 example.org/paper is out"
    by_characters = post(emoji, 2, 19, "https://example.org/paper")  # (the bytes are 5 to 22)
    assert by_characters.text == emoji and by_characters.urls == ["https://example.org/paper"]
    assert post("café https://x.org", 4, 18, "https://x.org").text == "café https://x.org"
