"""twarc-csv's CSV of X API v2 tweets.

``fixtures/twarc-csv/flat-sample.csv`` is what ``twarc2 csv`` (twarc-csv 0.7.2, pandas 2.3)
wrote from lines 1, 2, 4, 7, 9, 16, 18, 25, 33, 48 and 50 of the shared
``twarc2/flat.jsonl``: retweets, replies, quotes, a photo, links, newlines, an ``&amp;``
and a tweet addressed to a user without a reply id. The same tweets read from the JSONL
are the truth the CSV is held to. ``fixtures/twarc-csv/photos.csv`` is its CSV of one tweet
of the shared ``twarc2/brexit.jsonl`` (1440715272805969924: three photos behind one t.co
link, and a quoted tweet), written from that page's line cut down to the tweet and what its
``includes`` hold for it.
"""

from __future__ import annotations

import csv
import io

import orjson
import pytest
from conftest import DATA, FIXTURES

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Post
from chatrecap.sources import detect
from chatrecap.sources.base import ReadOptions
from chatrecap.sources.twarc2 import SOURCE as TWARC2
from chatrecap.sources.twarc_csv import SOURCE, _text

SAMPLE = FIXTURES / "twarc-csv" / "flat-sample.csv"
LINES = (1, 2, 4, 7, 9, 16, 18, 25, 33, 48, 50)


@pytest.fixture(scope="module")
def both():
    items = list(SOURCE.read(SAMPLE, ReadOptions()))
    assert not [i for i in items if isinstance(i, RecordError)]
    lines = (DATA / "twarc2" / "flat.jsonl").read_bytes().splitlines()
    truth = {p.id: p for n in LINES for p in TWARC2.parse_line(lines[n - 1], n, "flat.jsonl", ReadOptions())
             if isinstance(p, Post) and not p.is_referenced}
    return {p.id: p for p in items}, truth


def test_it_is_recognised_and_every_row_is_a_tweet(both):
    assert detect(SAMPLE) is SOURCE
    posts, truth = both
    assert len(posts) == 11 and set(posts) == set(truth)
    assert {p.platform for p in posts.values()} == {"twitter"}


@pytest.mark.parametrize("field", ["author_id", "created_at", "text", "reply_to_id", "reply_to_author",
                                   "repost_of_id", "quote_of_id", "thread_id", "mentions", "hashtags",
                                   "language"])
def test_the_csv_says_what_the_jsonl_says(both, field):
    posts, truth = both
    for post_id, post in posts.items():
        assert getattr(post, field) == getattr(truth[post_id], field), (post_id, field)


def test_authors_and_counts(both):
    posts, truth = both
    for post_id, post in posts.items():
        author, real = post.author, truth[post_id].author
        assert (author.handle, author.display_name, author.bio, author.followers, author.location) == (
            real.handle, real.display_name, real.bio, real.followers, real.location)
        # (and what the JSONL reader keeps of a profile: website expanded, age, following, picture)
        assert (author.url, author.created_at, author.following, author.avatar_url) == (
            real.url, real.created_at, real.following, real.avatar_url)
        if post.repost_of_id:  # twarc-csv gives a retweet the original's counts: not the retweet's
            assert (post.like_count, post.repost_count) == (None, None)
        else:
            assert (post.like_count, post.repost_count, post.reply_count, post.quote_count) == (
                truth[post_id].like_count, truth[post_id].repost_count, truth[post_id].reply_count,
                truth[post_id].quote_count)
        assert post.observed_at == truth[post_id].observed_at


def test_links_expanded_and_media_kept_apart(both):
    posts, truth = both
    assert sum(1 for p in posts.values() if p.media) == 3
    for post_id, post in posts.items():
        assert post.media == truth[post_id].media
        assert "t.co/" not in post.text
        assert len(post.urls) == len(truth[post_id].urls)  # expanded, not unwound as in the JSONL


def test_a_map_naming_a_column_the_file_lacks_is_one_clear_error():
    with pytest.raises(InputError, match="--map text=tweet_text: the file has no column") as caught:
        list(SOURCE.read(SAMPLE, ReadOptions(column_map={"text": "tweet_text"})))
    assert "(referenced_tweets)" not in str(caught.value)  # the file's own columns only


def test_three_photos_are_one_link_and_the_quote_link_stays():
    [post] = [p for p in SOURCE.read(FIXTURES / "twarc-csv" / "photos.csv", ReadOptions())
              if isinstance(p, Post)]
    quoted = "https://twitter.com/JavierBlas/status/1440670794103754762"
    assert post.text.endswith(f"isn't working. {quoted}") and "t.co/" not in post.text
    assert post.urls == [quoted]


def test_a_retweet_names_only_whom_its_text_names(tmp_path):
    """twarc-csv gives a retweet its original's entities, but keeps the retweet's own ("RT @x")
    when the original has none: the chat did not read that mention."""
    records = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))
    at = {name: k for k, name in enumerate(records[0])}
    retweet = next(r for r in records[1:] if r[at["referenced_tweets.retweeted.id"]])
    retweet[at["entities.mentions"]] = '["@nobody_in_the_text"]'
    out = io.StringIO()
    csv.writer(out).writerows([records[0], retweet])
    path = tmp_path / "rt.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    [post] = [p for p in SOURCE.read(path, ReadOptions()) if isinstance(p, Post)]
    assert post.repost_of_id and post.mentions == []


def test_a_tweet_written_inline_because_one_points_at_it_is_referenced(tmp_path):
    """Older twarc-csv writes a quoted, retweeted or answered tweet as a row of its own whose
    ``type`` says so (twarc-csv's small_sample.csv): no post of the chat, as in the JSONL."""
    path = tmp_path / "inline.csv"
    path.write_text(
        "id,text,author_id,created_at,author.username,author.name,type,referenced_tweets\n"
        "1169734611666198528,Nobody asked,22258315,2019-09-05T22:10:38.000Z,shop,Shop,quoted,\n"
        "1169968866866466817,Same energy,1726979365,2019-09-06T13:41:29.000Z,nicky,Nicky,,"
        '"[{""type"": ""quoted"", ""id"": ""1169734611666198528""}]"\n', encoding="utf-8")
    posts = [p for p in SOURCE.read(path, ReadOptions()) if isinstance(p, Post)]
    assert [(p.author.handle, p.is_referenced, p.quote_of_id) for p in posts] == [
        ("shop", True, None), ("nicky", False, "twitter:1169734611666198528")]


@pytest.mark.parametrize(("cell", "text"), [
    ('"Quote of the day"', '"Quote of the day"'),  # a tweet in quotes stays in quotes
    ('line one\\nline two', "line one\nline two"),  # twarc-csv's escaped newline
    ('"can\\u2019t wait \\n@x"', "can\u2019t wait \n@x"),  # --json-encode-text
])
def test_the_text_cell_is_read_as_twarc_csv_wrote_it(cell, text):
    assert _text(cell) == text


def test_a_csv_of_some_columns_only_is_still_recognised(both, tmp_path):
    """twarc-csv --output-columns id,created_at,author.username,text,entities.mentions"""
    keep = ("id", "created_at", "author.username", "text", "entities.mentions")
    records = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))
    at = [records[0].index(name) for name in keep]
    path = tmp_path / "some.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([[row[k] for k in at] for row in records])
    assert detect(path) is SOURCE
    posts = {p.id: p for p in SOURCE.read(path, ReadOptions()) if isinstance(p, Post)}
    truth = both[1]
    assert set(posts) == set(truth)
    assert all(p.author.handle == truth[i].author.handle and p.mentions == truth[i].mentions
               for i, p in posts.items())


def test_an_edited_tweets_link_to_itself_is_no_link_of_its_authors(tmp_path, both):
    """As in its JSONL: X's t.co link from an edited tweet to itself leaves text and links."""
    with open(SAMPLE, encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    text, urls, ids = header.index("text"), header.index("entities.urls"), header.index("id")
    row = rows[0]
    row[text] += " https://t.co/abcdefghij"
    row[urls] = orjson.dumps([f"https://twitter.com/i/web/status/{row[ids]}"]).decode()
    path = tmp_path / "edited.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, row])
    (post,) = [p for p in SOURCE.read(path, ReadOptions()) if isinstance(p, Post)]
    posts, _ = both
    assert (post.text, post.urls) == (posts[post.id].text, [])


def test_a_links_address_is_not_decoded_as_if_it_were_text(tmp_path):
    """twarc-csv writes the text as X escaped it and the links' addresses as they are."""
    address = "https://example.org/story?id=1&copy=2&not=3"
    records = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))
    at = {name: k for k, name in enumerate(records[0])}
    row = next(r for r in records[1:] if not r[at["referenced_tweets.retweeted.id"]])
    row[at["text"]] = "Q&amp;A https://t.co/AbCdEfGhIj"
    row[at["entities.urls"]] = orjson.dumps([{"start": 6, "end": 29, "url": "https://t.co/AbCdEfGhIj",
                                              "expanded_url": address}]).decode()
    out = io.StringIO()
    csv.writer(out).writerows([records[0], row])
    path = tmp_path / "links.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    [post] = [p for p in SOURCE.read(path, ReadOptions()) if isinstance(p, Post)]
    assert post.text == f"Q&A {address}" and post.urls == [address]


def test_an_edited_tweets_versions_are_read_from_its_edit_history(tmp_path):
    """twarc-csv writes ``edit_history_tweet_ids`` as a JSON list: an earlier version gives
    way to the newest in the chat, as in the JSONL."""
    from chatrecap.analysis.corpus import load_corpus
    from chatrecap.importer import import_file
    from chatrecap.models import Superseded
    from chatrecap.store import open_store
    records = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))
    at = {name: k for k, name in enumerate(records[0])}
    first = next(r for r in records[1:] if not r[at["referenced_tweets.retweeted.id"]])
    edit = list(first)
    edit[at["id"]] = str(int(first[at["id"]]) + 10)
    edit[at["text"]] = first[at["text"]] + " (edited)"
    chain = [first[at["id"]], edit[at["id"]]]
    first[at["edit_history_tweet_ids"]] = orjson.dumps(chain[:1]).decode()
    edit[at["edit_history_tweet_ids"]] = orjson.dumps(chain).decode()
    out = io.StringIO()
    csv.writer(out).writerows([records[0], first, edit])
    path = tmp_path / "edited.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert [i for i in SOURCE.read(path, ReadOptions()) if isinstance(i, Superseded)] == [
        Superseded(f"twitter:{chain[0]}", f"twitter:{chain[1]}")]
    with open_store(tmp_path / "w.db") as store:
        assert import_file(store, path, "twarc-csv", ReadOptions(chat="c")).new == 2
        (post,) = load_corpus(store, "c").posts
    assert post.id == f"twitter:{chain[1]}" and post.text.endswith("(edited)")


def test_a_file_of_json_strings_reads_as_the_plain_one(both, tmp_path):
    """twarc-csv's --json-encode-text writes every string cell as a JSON string (ids and times
    too), most with nothing that shows it but their quotes: the same tweets and authors."""
    records = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))
    header = records[0]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in records[1:]:
        writer.writerow([orjson.dumps(cell.replace("\\n", "\n")).decode()
                         if cell and not cell.startswith("[") and "public_metrics" not in name
                         and cell not in ("True", "False") else cell
                         for name, cell in zip(header, row, strict=True)])
    path = tmp_path / "encoded.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    assert detect(path) is SOURCE
    posts = {p.id: p for p in SOURCE.read(path, ReadOptions()) if isinstance(p, Post)}
    plain, _ = both
    assert set(posts) == set(plain)
    for post_id, post in posts.items():
        for field in ("created_at", "text", "reply_to_id", "repost_of_id", "quote_of_id", "mentions",
                      "hashtags", "urls", "like_count"):
            assert getattr(post, field) == getattr(plain[post_id], field), (post_id, field)
        assert (post.author.handle, post.author.bio, post.author.location) == (
            plain[post_id].author.handle, plain[post_id].author.bio, plain[post_id].author.location)


def test_a_plain_file_whose_first_tweet_is_in_quotes_stays_plain(both, tmp_path):
    records = list(csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8"))))
    at = records[0].index("text")
    records[1][at] = '"Hello world"'
    out = io.StringIO()
    csv.writer(out).writerows(records)
    path = tmp_path / "quoted-first.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    posts = [p for p in SOURCE.read(path, ReadOptions()) if isinstance(p, Post)]
    plain, _ = both
    assert posts[0].text == '"Hello world"'
    assert [(p.text, p.author.bio) for p in posts[1:]] == [(plain[p.id].text, plain[p.id].author.bio)
                                                           for p in posts[1:]]


def test_a_bios_links_are_written_out_as_the_jsonl_reader_does(tmp_path):
    import csv
    import json

    rows = list(csv.reader(SAMPLE.open(encoding="utf-8", newline="")))
    bio, links = rows[0].index("author.description"), rows[0].index("author.entities.description.urls")
    rows[1][bio] = "Editor at https://t.co/AbCdEfGhIj"
    rows[1][links] = json.dumps([{"url": "https://t.co/AbCdEfGhIj", "expanded_url": "https://example.org/mag"}])
    path = tmp_path / "bio.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    posts = [i for i in SOURCE.read(path, ReadOptions()) if isinstance(i, Post)]
    assert "Editor at https://example.org/mag" in {p.author.bio for p in posts}
