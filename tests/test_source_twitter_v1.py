"""X API v1.1 JSON arrays, search responses and JSONL."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime

import orjson
import pytest

from chatrecap.errors import EmptyArchive, InputError, RecordError
from chatrecap.importer import expand_paths, import_file
from chatrecap.models import Post
from chatrecap.sources import detect
from chatrecap.sources.base import ReadOptions
from chatrecap.sources.twitter_v1 import SOURCE
from chatrecap.store import open_store


def read(path):
    items = list(SOURCE.read(path, ReadOptions()))
    posts = [i for i in items if isinstance(i, Post) and not i.is_referenced]
    refs = [i for i in items if isinstance(i, Post) and i.is_referenced]
    return posts, refs, [i for i in items if isinstance(i, RecordError)]


@pytest.mark.parametrize(("name", "posts", "referenced"), [
    ("tidytags_different_tweet_types_0.json", 68, 13),
    ("tidytags_lookup_many_0.json", 7, 4),
    ("tidytags_upstream_tweets_1.json", 72, 22),
    ("tidytags_upstream_tweets_2.json", 2, 0),
    ("tidytags_upstream_tweets_4.json", 1, 1),
])
def test_every_file_reads_its_exact_number_of_posts(data, name, posts, referenced):
    got, refs, errors = read(data / "twitter_v1" / name)
    assert len(got) == len({p.id for p in got}) == posts
    assert len({p.id for p in refs}) == referenced
    assert errors == []
    assert detect(data / "twitter_v1" / name).id == "twitter-v1"


def test_retweet_has_full_original_text(data):
    posts, refs, _ = read(data / "twitter_v1" / "tidytags_upstream_tweets_1.json")
    retweet = next(p for p in posts if p.id == "twitter:1190798508015656961")
    assert retweet.author.handle == "treymartindale"
    assert retweet.created_at == datetime(2019, 11, 3, 1, 11, 2, tzinfo=UTC)
    assert retweet.text_original.startswith("RT @MeganCMurtaugh:")
    assert retweet.repost_of_id in {p.id for p in refs}
    assert retweet.hashtags == ["EdLeadership", "aect19", "mentoring"]


def test_quote_and_expanded_links(data):
    posts, refs, _ = read(data / "twitter_v1" / "tidytags_upstream_tweets_4.json")
    (quote,) = posts
    assert quote.quote_of_id == "twitter:1189954754744471554" == refs[0].id
    assert quote.mentions == ["H5PTechnology"]
    assert "https://docs.google.com/presentation/" in quote.text and "t.co" not in quote.text
    assert refs[0].author.handle == "kylemackie"


def test_reply_fields(data):
    posts, _, _ = read(data / "twitter_v1" / "tidytags_upstream_tweets_2.json")
    reply = next(p for p in posts if p.reply_to_id)
    raw = reply.raw
    assert reply.reply_to_id == f"twitter:{raw['in_reply_to_status_id_str']}"
    assert reply.reply_to_author == raw["in_reply_to_screen_name"]


def test_a_bios_links_are_written_out(data):
    posts, refs, _ = read(data / "twitter_v1" / "tidytags_different_tweet_types_0.json")
    bios = {p.author.handle: p.author.bio for p in posts + refs if p.author.bio}
    assert bios["aectrtd"].startswith("AECT's (http://aect.org) Research & Theory Division")
    assert not any("t.co/" in bio for bio in bios.values())


def test_one_tweet_per_line_and_search_response(tmp_path, data):
    tweets = orjson.loads((data / "twitter_v1" / "tidytags_lookup_many_0.json").read_bytes())
    lines = tmp_path / "tweets.jsonl"
    lines.write_bytes(b"\n".join(orjson.dumps(t) for t in tweets[:3]) + b"\n{broken\n")
    posts, _, errors = read(lines)
    assert len(posts) == 3 and [e.line for e in errors] == [4]
    search = tmp_path / "search.json"
    search.write_bytes(orjson.dumps({"statuses": tweets, "search_metadata": {}}))
    posts, _, errors = read(search)
    assert len({p.id for p in posts}) == 7 and errors == []


def test_a_lookup_response_mapped_by_id(tmp_path, data):
    """``statuses/lookup?map=true`` answers {"id": {id: tweet}}, an id it could not return
    mapping to null: the tweets are records (the whole answer read as one tweet imported
    nothing), a null is none; in a document or one answer per line."""
    tweets = orjson.loads((data / "twitter_v1" / "tidytags_lookup_many_0.json").read_bytes())
    mapped = {"id": {t["id_str"]: t for t in tweets[:3]} | {"20": None}}
    document = tmp_path / "lookup.json"
    document.write_bytes(orjson.dumps(mapped, option=orjson.OPT_INDENT_2))
    assert detect(document).id == "twitter-v1"
    posts, _, errors = read(document)
    assert [p.native_id for p in posts] == [t["id_str"] for t in tweets[:3]] and errors == []
    assert [p.source_line for p in posts] == [1, 2, 3]
    lines = tmp_path / "lookups.jsonl"
    lines.write_bytes(orjson.dumps(mapped) + b"\n" + orjson.dumps({"id": {"21": None}}) + b"\n")
    posts, _, errors = read(lines)
    assert len(posts) == 3 and errors == [] and {p.source_line for p in posts} == {1}
    one = tmp_path / "one.json"  # (and a document of one tweet is still that tweet)
    one.write_bytes(orjson.dumps(tweets[0]))
    posts, _, errors = read(one)
    assert [p.native_id for p in posts] == [tweets[0]["id_str"]] and errors == []


def test_a_tweet_without_entities_takes_them_from_its_text(tmp_path, data):
    """Some tools keep a trimmed tweet, without ``entities``: mentions, hashtags and links
    then come from the text, as they read there; nothing is guessed when entities are there."""
    tweets = orjson.loads((data / "twitter_v1" / "tidytags_lookup_many_0.json").read_bytes())
    tweet = next(t for t in tweets if t["id_str"] == "1225122317849657345")
    with_entities = tmp_path / "full.json"
    with_entities.write_bytes(orjson.dumps([tweet]))
    (whole,), _, _ = read(with_entities)
    del tweet["entities"]
    tweet.pop("extended_entities", None)
    trimmed = tmp_path / "trimmed.json"
    trimmed.write_bytes(orjson.dumps([tweet]))
    (post,), _, errors = read(trimmed)
    assert errors == []
    assert post.mentions == whole.mentions == ["AECTTechTrends", "gsa_aect"]
    assert post.hashtags == whole.hashtags
    assert post.urls and all(u.startswith("https://t.co/") for u in post.urls)  # as written


def test_tweets_cut_short_in_the_archive_are_said_once(tmp_path, data):
    """Fetched without tweet_mode=extended, a long tweet is cut with "…": it still imports,
    and one note says how many are, not one per tweet."""
    tweets = orjson.loads((data / "twitter_v1" / "tidytags_different_tweet_types_0.json").read_bytes())
    plain = [t for t in tweets if not {"retweeted_status", "quoted_status"} & t.keys()][:3]
    for tweet in plain:
        tweet["text"] = tweet.pop("full_text")[:138] + "…"
        tweet["truncated"] = True
    path = tmp_path / "compat.json"
    path.write_bytes(orjson.dumps(plain))
    posts, _, problems = read(path)
    assert len(posts) == 3 and all(p.text.endswith("…") for p in posts)
    assert [(p.line, p.kind, p.skipped) for p in problems] == [(None, "cut short", False)]
    assert problems[0].reason.startswith("3 tweets are cut short")
    assert "tweet_mode=extended" in problems[0].reason
    whole = tmp_path / "whole.json"
    whole.write_bytes((data / "twitter_v1" / "tidytags_lookup_many_0.json").read_bytes())
    assert read(whole)[2] == []


def test_an_x_archive_tweets_js_reads_with_its_owner_as_author(fixtures):
    """The tweets.js of a downloaded X archive is v1.1 JSON behind a JavaScript prefix, each
    tweet wrapped in {"tweet": ...}, without a user (account.js names the owner), with its
    counts as strings."""
    path = fixtures / "twitter-v1" / "x-archive" / "data" / "tweets.js"
    assert detect(path).id == "twitter-v1"
    posts, refs, errors = read(path)
    assert errors == [] and refs == []
    assert [p.native_id for p in posts] == [
        "1466848395823468545", "1466846950000000001", "1466852000000000002"]
    reply, retweet, slides = posts
    owner = reply.author
    assert (owner.id, owner.handle, owner.display_name) == (
        "twitter:700000000000000001", "chat_guest", "Chat Guest")
    assert owner.bio.startswith("PowerShell") and owner.location == "Ohio, USA"
    assert owner.created_at == datetime(2016, 2, 17, 20, 11, 5, tzinfo=UTC)
    assert reply.created_at == datetime(2021, 12, 3, 19, 6, 12, tzinfo=UTC)
    assert reply.text == "@JeffHicks A1: scripts & modules, then the gallery > everything #PSTweetChat"
    assert (reply.reply_to_id, reply.reply_to_author) == ("twitter:1466846003560222720", "JeffHicks")
    assert (reply.like_count, reply.repost_count) == (3, 1)
    assert reply.mentions == ["JeffHicks"] and reply.hashtags == ["PSTweetChat"]
    assert retweet.text.startswith("RT @JeffHicks: Welcome") and retweet.repost_count == 4
    assert slides.text == "Slides from today’s chat #PSTweetChat https://example.org/slides"
    assert slides.urls == ["https://example.org/slides"]
    assert slides.media == ["https://pbs.twimg.com/media/FFxyz.jpg"] and slides.like_count == 12
    assert slides.url == "https://twitter.com/chat_guest/status/1466852000000000002"


def test_an_x_archive_reads_from_its_zip_and_older_archives_too(tmp_path, fixtures):
    """The archive as downloaded (a zip with data/tweets.js), and an archive from before 2020
    (tweet.js, the tweets not wrapped in {"tweet": ...}) read the same."""
    folder = fixtures / "twitter-v1" / "x-archive" / "data"
    archive = tmp_path / "twitter-2021-12-04-abc.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("tweets.js", "account.js", "profile.js", "like.js"):
            zf.write(folder / name, f"data/{name}")
        zf.writestr("data/tweets_media/1466852000000000002-FFxyz.jpg", b"\xff\xd8\xff")
        zf.writestr("Your archive.html", "<html></html>")
    assert detect(archive).id == "twitter-v1"
    posts, _, errors = read(archive)
    assert errors == [] and len(posts) == 3
    assert {p.author.handle for p in posts} == {"chat_guest"}
    assert posts[0].source_file == f"{archive}!data/tweets.js"

    old = tmp_path / "data"
    old.mkdir()
    (old / "account.js").write_bytes((folder / "account.js").read_bytes())
    text = (folder / "tweets.js").read_text(encoding="utf-8")
    items = orjson.loads(text.partition("=")[2])
    (old / "tweet.js").write_bytes(b"window.YTD.tweet.part0 = " + orjson.dumps([i["tweet"] for i in items]))
    assert detect(old / "tweet.js").id == "twitter-v1"
    posts, _, errors = read(old / "tweet.js")
    assert errors == [] and len(posts) == 3 and posts[0].author.handle == "chat_guest"


def test_the_other_files_of_an_x_archive_say_they_hold_no_posts(tmp_path, fixtures):
    """Given on their own, account.js, like.js, manifest.js and the archive's other data files
    are a note each, not an error; tweets.js without account.js says what it needs."""
    folder = fixtures / "twitter-v1" / "x-archive" / "data"
    for name in ("account.js", "like.js", "manifest.js"):
        with pytest.raises(EmptyArchive, match="holds no posts"):
            list(detect(folder / name).read(folder / name, ReadOptions()))
    alone = tmp_path / "tweets.js"
    alone.write_bytes((folder / "tweets.js").read_bytes())
    with pytest.raises(InputError, match="account.js"):
        read(alone)


def test_a_retweet_of_a_quote_does_not_quote_itself(data):
    """v1.1 copies the quoted tweet of a retweeted quote to the retweet's top level: the
    quote link belongs to the original, so the retweeter is not counted as quoting anyone."""
    posts, refs, _ = read(data / "twitter_v1" / "tidytags_different_tweet_types_0.json")
    retweet = next(p for p in posts if p.native_id == "1195523378867773440")
    assert retweet.repost_of_id == "twitter:1195360071464738817"
    assert retweet.quote_of_id is None
    original = next(p for p in refs if p.id == retweet.repost_of_id)
    assert original.quote_of_id == f"twitter:{retweet.raw['quoted_status_id_str']}"


@pytest.mark.parametrize("given", ["archive folder", "archive folder --format", "data folder"])
def test_an_unpacked_x_archive_folder_imports_whole(tmp_path, fixtures, given):
    """Unzipped, an X archive is a folder of its viewer (HTML, scripts), media and data/*.js:
    it imports as the archive, not as a few hundred files most of which hold no posts."""
    root = tmp_path / "twitter-2021-12-04-abc"
    (root / "data" / "tweets_media").mkdir(parents=True)
    (root / "assets" / "js").mkdir(parents=True)
    for source in (fixtures / "twitter-v1" / "x-archive" / "data").iterdir():
        (root / "data" / source.name).write_bytes(source.read_bytes())
    (root / "data" / "tweets_media" / "1466852000000000002-FFxyz.jpg").write_bytes(b"\xff\xd8\xff")
    (root / "assets" / "js" / "main.js").write_text("window.__THAR_CONFIG = {};")
    (root / "Your archive.html").write_text("<html></html>")
    target = root / "data" if given == "data folder" else root
    assert expand_paths([target]) == [target] and detect(target) is SOURCE
    with open_store(tmp_path / "w.db") as store:
        fmt = "twitter-v1" if given.endswith("--format") else None
        reports = [import_file(store, path, fmt) for path in expand_paths([target], fmt)]
        assert [(r.format, r.new, r.error) for r in reports] == [("twitter-v1", 3, None)]
        assert store.query("SELECT DISTINCT author_id FROM posts") == [("twitter:700000000000000001",)]


def test_a_folder_of_v1_files_with_the_format_given_is_still_its_files(tmp_path, data):
    folder = tmp_path / "lookups"
    folder.mkdir()
    for name in ("tidytags_lookup_many_0.json", "tidytags_upstream_tweets_1.json"):
        (folder / name).write_bytes((data / "twitter_v1" / name).read_bytes())
    assert [p.name for p in expand_paths([folder], "twitter-v1")] == [
        "tidytags_lookup_many_0.json", "tidytags_upstream_tweets_1.json"]


def test_a_cut_short_tweets_link_to_itself_is_not_a_shared_link(tmp_path):
    """Fetched without tweet_mode=extended, a long tweet ends "… https://t.co/x", a link to
    the whole tweet: it stays in the text (it says where the rest is), not in the links."""
    tweet = {"id_str": "1227652243870097408", "created_at": "Wed Feb 12 17:54:38 +0000 2020",
             "text": "So many great presenters, great content and great… https://t.co/ODA1A8KUZ5",
             "truncated": True, "user": {"id_str": "846230769899069440", "screen_name": "fcis_iu"},
             "entities": {"urls": [{"url": "https://t.co/ODA1A8KUZ5", "expanded_url":
                                    "https://twitter.com/i/web/status/1227652243870097408"}]}}
    path = tmp_path / "cut.json"
    path.write_bytes(orjson.dumps([tweet]))
    (post,), _, _ = read(path)
    assert post.text.endswith("great… https://twitter.com/i/web/status/1227652243870097408")
    assert post.urls == []


def test_an_x_archive_deeper_inside_a_folder_of_exports_is_one_of_its_files(tmp_path, fixtures, data):
    """Only the archive's own folder (or its data/ folder) is read whole: a folder of exports
    that holds one among others stands for all its files."""
    folder = tmp_path / "exports"
    (folder / "x" / "data").mkdir(parents=True)
    for source in (fixtures / "twitter-v1" / "x-archive" / "data").iterdir():
        (folder / "x" / "data" / source.name).write_bytes(source.read_bytes())
    (folder / "context.json").write_bytes((data / "mastodon" / "status_reply.json").read_bytes())
    paths = expand_paths([folder])
    assert folder / "context.json" in paths and folder not in paths
    assert folder / "x" / "data" / "tweets.js" in paths


def test_an_x_archive_zip_is_held_to_the_limits_of_what_is_read(tmp_path, fixtures, monkeypatch):
    """An X archive is gigabytes of media beside a few megabytes of tweets: only the files
    read count against the zip limits, and an account.js with a bad date is no crash."""
    monkeypatch.setattr("chatrecap.sources.base.MAX_ZIP_TOTAL_BYTES", 1 << 20)
    folder = fixtures / "twitter-v1" / "x-archive" / "data"
    archive = tmp_path / "twitter-2021.zip"
    account = (folder / "account.js").read_text(encoding="utf-8")
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("tweets.js", "profile.js"):
            zf.write(folder / name, f"data/{name}")
        bad_date = re.sub(r'"createdAt" : "[^"]*"', '"createdAt" : "2009-02-30"', account)
        zf.writestr("data/account.js", bad_date)
        zf.writestr("data/tweets_media/clip.mp4", b"\x00" * (2 << 20), zipfile.ZIP_STORED)
    posts, _, errors = read(archive)
    assert errors == [] and len(posts) == 3 and posts[0].author.created_at is None


def test_a_links_address_is_not_decoded_as_if_it_were_text(tmp_path):
    """The text's entities are decoded before its t.co links are expanded: "&copy" in an
    address stays as it is."""
    address = "https://example.org/story?id=1&copy=2&not=3"
    tweet = {"id_str": "1227652243870097408", "created_at": "Wed Feb 12 17:54:38 +0000 2020",
             "full_text": "Q&amp;A https://t.co/ODA1A8KUZ5",
             "user": {"id_str": "846230769899069440", "screen_name": "fcis_iu"},
             "entities": {"urls": [{"url": "https://t.co/ODA1A8KUZ5", "expanded_url": address}]}}
    path = tmp_path / "links.json"
    path.write_bytes(orjson.dumps([tweet]))
    (post,), _, _ = read(path)
    assert post.text == f"Q&A {address}" and post.urls == [address]


def test_an_edited_tweets_earlier_version_gives_way_to_the_newest(tmp_path, data):
    """v1.1 lists an edited tweet's versions in ``edit_history`` (oldest first): the chat
    reads the newest version it holds."""
    from chatrecap.analysis.corpus import load_corpus
    from chatrecap.models import Superseded
    tweets = orjson.loads((data / "twitter_v1" / "tidytags_lookup_many_0.json").read_bytes())
    first = next(t for t in tweets if "retweeted_status" not in t and "quoted_status" not in t)
    edit = orjson.loads(orjson.dumps(first))
    edit["id"] = first["id"] + 10
    edit["id_str"] = str(edit["id"])
    edit["full_text"] = (first.get("full_text") or first["text"]) + " (edited)"
    chain = [first["id_str"], edit["id_str"]]
    first["edit_history"] = {"initial_tweet_id": chain[0], "edit_tweet_ids": chain[:1]}
    edit["edit_history"] = {"initial_tweet_id": chain[0], "edit_tweet_ids": chain}
    path = tmp_path / "edited.json"
    path.write_bytes(orjson.dumps([first, edit]))
    items = list(SOURCE.read(path, ReadOptions()))
    assert [i for i in items if isinstance(i, Superseded)] == [
        Superseded(f"twitter:{chain[0]}", f"twitter:{chain[1]}")]
    with open_store(tmp_path / "w.db") as store:
        assert import_file(store, path, "twitter-v1", ReadOptions(chat="c")).new == 2
        (post,) = load_corpus(store, "c").posts
    assert post.id == f"twitter:{chain[1]}" and post.text.endswith("(edited)")
