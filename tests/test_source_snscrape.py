"""snscrape and twscrape JSON of tweets.

``fixtures/snscrape/snscrape-0.7.jsonl`` and ``twscrape.jsonl`` were written by the tools
themselves (snscrape 0.7.0.20230622's ``TwitterSearchScraper._make_tweet`` and
twscrape 0.20.1's ``Tweet.parse``, then each one's ``json()``) from nine tweets of the shared
``twitter_v1`` files (one of them twice, as those files hold it): a retweet, quotes, replies,
photos, links, an ``&amp;`` and emoji. The v1.1 JSON lacks reply and quote counts, which the
tools require: they were given 0. The same tweets read from the v1.1 files are the truth
the tools' JSON is held to. ``older-versions.json`` is written by hand in the shapes of
older snscrape releases: ``content`` with ``outlinks`` and ``tcooutlinks``, a record that
lost its ``mentionedUsers``, the oldest form with ``username`` and no user object, a tweet
whose ids were rounded to 16 digits, and a tweet without a date.
"""

from __future__ import annotations

import orjson
import pytest
from conftest import DATA, FIXTURES

from chatrecap.errors import RecordError
from chatrecap.models import Post
from chatrecap.sources import detect
from chatrecap.sources.base import ReadOptions
from chatrecap.sources.snscrape import SOURCE
from chatrecap.sources.twitter_v1 import SOURCE as V1

HERE = FIXTURES / "snscrape"
TOOLS = ("snscrape-0.7.jsonl", "twscrape.jsonl")


def _read(path):
    items = list(SOURCE.read(path, ReadOptions()))
    return ([i for i in items if isinstance(i, Post)], [i for i in items if isinstance(i, RecordError)])


@pytest.fixture(scope="module")
def truth():
    posts = {}
    for path in sorted((DATA / "twitter_v1").glob("*.json")):
        posts.update((p.id, p) for p in V1.read(path, ReadOptions()) if isinstance(p, Post))
    return posts


@pytest.mark.parametrize("name", TOOLS)
def test_recognised_and_every_tweet_read(name, truth):
    path = HERE / name
    assert detect(path) is SOURCE
    posts, problems = _read(path)
    assert problems == []
    chat = {p.id for p in posts if not p.is_referenced}
    assert len(chat) == 9 and sum(not p.is_referenced for p in posts) == 10  # one tweet twice
    assert {p.id for p in posts} <= set(truth)


def test_other_formats_are_not_taken_for_it():
    for path in (DATA / "twitter_v1" / "tidytags_lookup_many_0.json",
                 DATA / "twarc2" / "flat.jsonl", DATA / "mastodon" / "timeline_public.json"):
        assert detect(path) is not SOURCE


@pytest.mark.parametrize("name", TOOLS)
@pytest.mark.parametrize("field", ["author_id", "created_at", "text", "reply_to_id", "repost_of_id",
                                   "mentions", "hashtags", "urls", "language"])
def test_the_tools_say_what_the_api_said(name, field, truth):
    posts, _ = _read(HERE / name)
    for post in posts:
        assert getattr(post, field) == getattr(truth[post.id], field), (post.id, field)


@pytest.mark.parametrize("name", TOOLS)
def test_retweets_quotes_replies_and_counts(name, truth):
    posts = {p.id: p for p in _read(HERE / name)[0] if not p.is_referenced}
    retweet = posts["twitter:1195523378867773440"]
    assert retweet.repost_of_id == truth[retweet.id].repost_of_id == "twitter:1195360071464738817"
    assert "@AECT #aect19 #emergeAfrica" in retweet.text  # whole, where the retweet's is cut short
    assert retweet.text_original.startswith("RT @emergeAfrica: ")
    assert posts["twitter:1218660838011293696"].quote_of_id == truth[
        "twitter:1218660838011293696"].quote_of_id is not None
    reply = posts["twitter:1194531575570030592"]
    assert (reply.reply_to_id, reply.reply_to_author) == ("twitter:1194337180057047041", "eromerohall")
    assert reply.thread_id == "twitter:1194337180057047041"
    for post in posts.values():
        real = truth[post.id]
        assert (post.like_count, post.repost_count) == (real.like_count, real.repost_count)
        assert post.author.handle == real.author.handle
        assert (post.author.followers, post.author.location) == (real.author.followers,
                                                                 real.author.location)


@pytest.mark.parametrize("name", TOOLS)
def test_media_links_leave_the_text(name, truth):
    posts = {p.id: p for p in _read(HERE / name)[0]}
    photo = posts["twitter:1197271655015272448"]
    assert photo.text == truth[photo.id].text and "t.co/" not in photo.text
    assert len(photo.media) == len(truth[photo.id].media) == 1
    assert photo.media[0].startswith("https://pbs.twimg.com/media/")
    assert "&amp;" not in posts["twitter:1225122317849657345"].text


def test_older_versions_are_read_too(truth):
    posts, problems = _read(HERE / "older-versions.json")
    by_id = {p.id: p for p in posts}
    assert len(posts) == 4
    for post_id in ("twitter:1198986210720583680", "twitter:1225122317849657345"):  # outlinks
        post = by_id[post_id]
        assert (post.text, post.urls, post.mentions, post.hashtags) == (
            truth[post_id].text, truth[post_id].urls, truth[post_id].mentions, truth[post_id].hashtags)
    oldest = by_id["twitter:1190455794954670084"]  # no user object: the handle, no account id
    assert (oldest.author.handle, oldest.author.native_id) == ("jeroen69", None)
    assert oldest.created_at == truth[oldest.id].created_at
    assert oldest.mentions == ["vdennen", "ISLT_FSU", "kariknisely"]


def test_rounded_ids_come_from_the_url_and_unsure_ids_are_left_out():
    posts, problems = _read(HERE / "older-versions.json")
    reply = next(p for p in posts if p.id == "twitter:1194531575570030592")  # its "id" says ...600
    assert (reply.reply_to_id, reply.thread_id, reply.reply_to_author) == (None, None, "eromerohall")
    note = next(p for p in problems if p.kind == "rounded ids")
    assert not note.skipped and "1 tweet in this file had rounded ids" in note.reason


def test_a_bad_record_is_reported_with_its_place_and_the_rest_imports():
    posts, problems = _read(HERE / "older-versions.json")
    bad = [p for p in problems if p.skipped]
    assert [(p.line, "'date' is missing" in p.reason) for p in bad] == [(5, True)]
    assert len(posts) == 4


def test_a_quote_snscrape_could_not_fetch_keeps_its_id(tmp_path):
    path = tmp_path / "ref.jsonl"
    quoted = "https://twitter.com/bob/status/1599999999999999999"
    path.write_bytes(orjson.dumps({
        "_type": "snscrape.modules.twitter.Tweet", "id": 1600000000000000001,
        "url": "https://twitter.com/ann/status/1600000000000000001",
        "date": "2022-12-06T10:00:00+00:00", "rawContent": "look https://t.co/abcdefghij",
        "user": {"username": "ann", "id": 7}, "likeCount": 1, "retweetCount": 0,
        "links": [{"url": quoted, "tcourl": "https://t.co/abcdefghij"}],
        "quotedTweet": {"_type": "snscrape.modules.twitter.TweetRef", "id": 1599999999999999999},
    }) + b"\n")
    (post,), problems = _read(path)
    assert problems == [] and post.quote_of_id == "twitter:1599999999999999999"
    assert post.text == f"look {quoted}"


def test_a_links_address_is_not_decoded_as_if_it_were_text(tmp_path):
    """The text's entities are decoded, its links' addresses put in as they are."""
    address = "https://example.org/story?id=1&copy=2&not=3"
    tweet = orjson.loads((HERE / "snscrape-0.7.jsonl").read_bytes().splitlines()[0])
    for key in ("retweetedTweet", "quotedTweet", "media"):
        tweet.pop(key, None)
    tweet["rawContent"] = "Q&amp;A https://t.co/AbCdEfGhIj"
    tweet["links"] = [{"url": address, "tcourl": "https://t.co/AbCdEfGhIj", "text": "example.org"}]
    tweet.pop("outlinks", None), tweet.pop("tcooutlinks", None)
    path = tmp_path / "links.jsonl"
    path.write_bytes(orjson.dumps(tweet) + b"\n")
    posts, errors = _read(path)
    assert errors == [] and posts[-1].text == f"Q&A {address}"
