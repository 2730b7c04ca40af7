"""X API v1.1 JSON arrays, search responses and JSONL."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from chatrecap.errors import RecordError
from chatrecap.models import Post
from chatrecap.sources import detect
from chatrecap.sources.base import ReadOptions
from chatrecap.sources.twitter_v1 import SOURCE


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
