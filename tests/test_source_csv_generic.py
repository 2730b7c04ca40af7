"""Generic CSV: --map parsing, column binding, the #DuBoisChallenge file, edge cases."""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from chatrecap.errors import InputError, OptionError, RecordError
from chatrecap.models import Post
from chatrecap.sources._csv import LocalZone, parse_timestamp
from chatrecap.sources._twitter import snowflake_time
from chatrecap.sources.base import ReadOptions, Sample, take_sample
from chatrecap.sources.csv_generic import (
    ALIASES,
    FIELDS,
    SOURCE,
    bind_columns,
    parse_column_map,
)

DUBOIS_MAP = "text=content,author=username,time=datetime"


def read(path: Path, spec: str | None = None,
         tz: ZoneInfo | None = None) -> tuple[list[Post], list[RecordError]]:
    options = ReadOptions(tz=tz, column_map=parse_column_map(spec) if spec else {})
    items = list(SOURCE.read(path, options))
    return ([i for i in items if isinstance(i, Post)],
            [i for i in items if isinstance(i, RecordError)])


# --- --map ----------------------------------------------------------------------------


def test_parse_column_map() -> None:
    assert parse_column_map(DUBOIS_MAP) == {
        "text": "content", "author": "username", "time": "datetime"}
    assert parse_column_map(" Text = Tweet Body , likes=Like Count,") == {
        "text": "Tweet Body", "likes": "Like Count"}
    assert parse_column_map("url=a=b") == {"url": "a=b"}


@pytest.mark.parametrize("spec, message", [
    ("text", "field=column"),
    ("text=", "field=column"),
    ("=content", "field=column"),
    ("body=content", "unknown field 'body'"),
    ("text=a,text=b", "twice"),
    (" , ", "empty"),
])
def test_parse_column_map_errors(spec: str, message: str) -> None:
    with pytest.raises(OptionError, match=message):
        parse_column_map(spec)


def test_each_header_name_belongs_to_one_field() -> None:
    names = [name for field in FIELDS for name in (field, *ALIASES.get(field, ()))]
    assert len(names) == len(set(names))
    assert set(ALIASES) <= set(FIELDS)


def test_binding_the_dubois_header() -> None:
    header = ["datetime", "content", "retweet_count", "like_count", "quote_count", "text",
              "username", "location", "followers", "url", "verified", "lat", "long"]
    bound = bind_columns(header, parse_column_map(DUBOIS_MAP))
    named = {field: header[index] for field, index in bound.items()}
    assert named == {
        "text": "content", "author": "username", "time": "datetime",
        "reposts": "retweet_count", "likes": "like_count", "quotes": "quote_count",
        "followers": "followers", "location": "location", "url": "url", "verified": "verified",
    }  # the column literally called "text" (the source app) is shadowed by the map
    # By the names alone the canonical name wins over an alias (reading the file, its cells
    # show that "text" holds client labels: see the test below).
    assert header[bind_columns(header, {})["text"]] == "text"


def test_a_text_column_of_client_labels_gives_way_to_the_posts_text(data: Path) -> None:
    """snscrape's ``source`` saved as ``text`` ('<a href=...>Twitter for Android</a>'), beside
    the tweet's ``content``: without a map, the content is the text, as the map says."""
    mapped, _ = read(data / "duboischallenge" / "tweets.csv", DUBOIS_MAP)
    unmapped, _ = read(data / "duboischallenge" / "tweets.csv")
    assert [(p.id, p.text, p.author.handle, p.created_at) for p in unmapped] == [
        (p.id, p.text, p.author.handle, p.created_at) for p in mapped]


def test_missing_columns_name_the_fields_and_the_syntax(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("who,what,when\nann,hi,2021-01-01T00:00:00Z\n")
    # (no column's name suggests a field: the map to write has blanks, not another file's names)
    with pytest.raises(InputError, match=r"text, time, author.*--map text=<column>,time=<column>,"
                                         r"author=<column> \(the file's columns are: who, what, when\)"):
        read(path)
    posts, errors = read(path, "author=who,text=what,time=when")
    assert errors == [] and posts[0].author.handle == "ann"
    with pytest.raises(InputError, match="no column 'body'"):
        read(path, "text=body,author=who,time=when")


# --- sniff ------------------------------------------------------------------------------


def test_sniff(data: Path, fixtures: Path) -> None:
    for path in [data / "duboischallenge" / "tweets.csv", *sorted((fixtures / "csv").iterdir())]:
        assert SOURCE.sniff(take_sample(path)) == 0.1, path
    # a CSV of a known layout also gets the low score; its own source scores higher
    assert SOURCE.sniff(take_sample(data / "tags" / "tidytags_sample-tweet.csv")) == 0.1
    for other in ("twarc2/flat.jsonl", "twitter_v1/tidytags_lookup_many_0.json",
                  "mastodon/timeline_tag_hoot.json", "bluesky/post_record.json",
                  "slack/slack_export_viewer_testarchive.zip", "README.md"):
        assert SOURCE.sniff(take_sample(data / other)) == 0.0, other


@pytest.mark.parametrize("junk", ["", "\x00\x01\x02", '"unclosed, "x', "{" * 70000,
                                  "1,2,3\n4,5,6\n", "a,b\n1,2,3\n4,5\n"])
def test_sniff_never_raises_on_junk(junk: str) -> None:
    assert SOURCE.sniff(Sample(Path("junk"), junk.encode(), junk, "utf-8")) == 0.0


# --- the #DuBoisChallenge file -----------------------------------------------------------


def test_dubois_challenge(data: Path) -> None:
    posts, errors = read(data / "duboischallenge" / "tweets.csv", DUBOIS_MAP)
    # 445 data rows; the last (line 975) is NA in every column but lat/long: not a tweet.
    assert len(posts) == 444
    assert [(e.line, e.reason) for e in errors] == [
        (975, "the row has no username (author); skipped")]
    assert len({p.id for p in posts}) == 444
    assert len({p.author.handle for p in posts}) == 166
    assert {p.platform for p in posts} == {"twitter"}

    first = posts[0]
    assert first.id == "twitter:1390633129203879937"
    assert first.source_line == 2
    assert first.author.handle == "AlDatavizguy"
    assert first.author.id == "twitter:@aldatavizguy"
    assert first.author.location == "New York"
    assert first.author.followers == 1113
    assert first.author.verified is False
    assert first.created_at == datetime(2021, 5, 7, 11, 42, 29, tzinfo=UTC)
    assert first.text == "@sqlsekou You co-hosted the #DuBoisChallenge. That had to be fun :)"
    assert first.reply_to_author == "sqlsekou" and first.reply_to_id is None
    assert first.mentions == ["sqlsekou"] and first.hashtags == ["DuBoisChallenge"]
    assert (first.like_count, first.repost_count, first.quote_count) == (1, 0, 0)
    assert first.reply_count is None
    assert first.url == "https://twitter.com/AlDatavizguy/status/1390633129203879937"
    assert first.raw["text"].startswith("<a href=")  # the mislabelled column is kept raw

    second = posts[1]  # a text over two physical lines
    assert second.source_line == 3 and posts[2].source_line == 5
    assert second.urls == ["https://t.co/rjynPGftGp"]
    assert second.mentions == ["DocKevinElder", "Ebonyteach", "WeitzmanSchool",
                               "GeorgiaCollege"]
    assert second.hashtags == ["DuBoisChallenge", "MISatGCSU"]
    assert second.reply_to_author is None

    entity = next(p for p in posts if "#PortfolioDay" in p.text)
    assert "&amp;" not in entity.text and "& the #DataFam" in entity.text
    assert entity.text_original is not None and "&amp;" in entity.text_original
    assert sum(p.author.verified is True for p in posts) == 4
    assert Counter(p.author.handle for p in posts)["AlDatavizguy"] > 10


# --- fixtures ---------------------------------------------------------------------------


def test_naive_times_need_tz(fixtures: Path) -> None:
    posts, errors = read(fixtures / "csv" / "naive_times.csv")
    assert posts == [] and [e.line for e in errors] == [2, 3, 4]
    assert all("--tz" in e.reason and e.kind == "no time zone" for e in errors)


def test_naive_times_with_tz(fixtures: Path) -> None:
    posts, errors = read(fixtures / "csv" / "naive_times.csv", tz=ZoneInfo("America/New_York"))
    assert errors == [] and len(posts) == 3
    ann, bob, carol = posts
    assert ann.id == "mastodon:1001" and ann.author.id == "mastodon:@ann"
    assert ann.author.display_name == "Ann A."
    assert ann.created_at == datetime(2021, 12, 3, 18, 0, tzinfo=UTC)
    assert ann.hashtags == ["EduChat", "Welcome"]  # from the column, not the text
    assert ann.thread_id == "mastodon:1001" and ann.author.verified is True
    assert ann.like_count == 3 and ann.url is None
    assert bob.author.handle == "bob"
    assert bob.reply_to_id == "mastodon:1001"
    assert bob.reply_to_author is None  # a reply_to column exists: nothing inferred
    assert bob.like_count is None and bob.mentions == ["ann"] and bob.hashtags == []
    assert carol.created_at == datetime(2021, 11, 7, 5, 30, tzinfo=UTC)  # ambiguous: fold=0
    assert carol.reply_to_author is None and carol.author.verified is False


def test_semicolons_epochs_and_hash_ids(fixtures: Path) -> None:
    path = fixtures / "csv" / "semicolon.csv"
    posts, errors = read(path, "author=handle")
    assert [(e.line, e.reason) for e in errors] == [(4, "the row has no timestamp (time); skipped")]
    first, second = posts
    assert first.platform == "csv" and first.url is None
    assert first.created_at == datetime(2021, 12, 3, 13, 0, tzinfo=UTC)  # epoch milliseconds
    assert second.created_at == datetime(2021, 12, 3, 13, 1, tzinfo=UTC)  # epoch seconds
    key = "ann|2021-12-03T13:00:00+00:00|First post https://example.com/p?q=1."
    assert first.native_id == hashlib.sha1(key.encode()).hexdigest()[:16]
    assert read(path, "author=handle")[0][0].id == first.id  # stable
    assert first.urls == ["https://example.com/p?q=1"]
    assert first.repost_count == 2 and second.repost_count is None  # "null"
    assert second.reply_to_author == "ann"


def test_a_tsv_whose_first_row_is_full_of_commas(tmp_path: Path) -> None:
    """Only the header says the delimiter: a first row's text may hold more commas than
    the line has tabs."""
    path = tmp_path / "sheet.tsv"
    path.write_text("text\tauthor\ttime\n"
                    "Q1: tools, habits, rituals, books, blogs, people, podcasts?\tann\t2021-12-03T13:00:00Z\n"
                    "A1: books, mostly\tbob\t2021-12-03T13:01:00Z\n", encoding="utf-8")
    posts, errors = read(path)
    assert errors == [] and [(p.author.handle, p.text[:3]) for p in posts] == [("ann", "Q1:"), ("bob", "A1:")]


def test_bad_rows_are_reported_and_the_rest_imports(fixtures: Path) -> None:
    path = fixtures / "csv" / "bad_rows.csv"
    items = list(SOURCE.read(path, ReadOptions()))
    assert [(type(i).__name__, i.line if isinstance(i, RecordError) else i.source_line)
            for i in items] == [
        ("Post", 2), ("RecordError", 3), ("RecordError", 4), ("RecordError", 4), ("Post", 4),
        ("RecordError", 5)]
    good, kept = (i for i in items if isinstance(i, Post))
    assert good.id == "twitter:1466851227459899392" and good.author.id == "twitter:15453370"
    assert good.reply_to_id == "twitter:1466846867476602885"
    assert "tweet_id '1.46685E+18'" in items[1].reason and "skipped" in items[1].reason
    assert "in_reply_to_status_id" in items[2].reason and "kept" in items[2].reason
    assert "user_id '2.5E+7'" in items[3].reason
    assert kept.id == "csv:1466851227459899500" and kept.reply_to_id is None
    assert kept.author.native_id is None
    assert kept.created_at == datetime(2021, 12, 3, 18, 28, tzinfo=UTC)  # +01:00 converted
    assert "Friday afternoon" in items[5].reason
    errors = [i for i in items if isinstance(i, RecordError)]
    assert [(e.kind, e.skipped) for e in errors] == [
        ("rounded id", True), ("rounded id", False), ("rounded id", False), ("bad time", True)]


def test_platform_column_and_status_url_ids(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "author,text,time,url,platform,mentions,media,thread_ts\n"
        "ann,hi,2021-01-01T00:00:00Z,https://x.com/ann/status/42,,\"@bob, @cy\",,\n"
        "ann,hi,2021-01-01T00:00:00Z,,X,,pic.twitter.com/abc,\n"
        "ann,hi,2021-01-01T00:00:00Z,,two words,,,\n"
        "ann,hi,1614886212.0002,,Slack,,,1614886212.000200\n",
        encoding="utf-8",
    )
    posts, errors = read(path)
    assert posts[0].id == "twitter:42" and posts[0].mentions == ["bob", "cy"]
    assert posts[1].platform == "twitter" and len(posts[1].native_id) == 16
    assert posts[1].url is None  # no permalink for a made-up id
    assert posts[1].media == ["https://pic.twitter.com/abc"]
    assert [(e.line, "platform" in e.reason) for e in errors] == [(4, True)]
    slack = posts[2]
    assert slack.platform == "slack" and slack.thread_id == "slack:1614886212.000200"
    assert slack.created_at == datetime(2021, 3, 4, 19, 30, 12, 200, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    ("2021-05-07T11:42:29Z", datetime(2021, 5, 7, 11, 42, 29, tzinfo=UTC)),
    ("2021-05-07 13:42:29+02:00", datetime(2021, 5, 7, 11, 42, 29, tzinfo=UTC)),
    ("1620387749", datetime(2021, 5, 7, 11, 42, 29, tzinfo=UTC)),
    ("1620387749000", datetime(2021, 5, 7, 11, 42, 29, tzinfo=UTC)),
    ("Fri May 07 11:42:29 +0000 2021", datetime(2021, 5, 7, 11, 42, 29, tzinfo=UTC)),
    ("5/7/2021 11:42:29", datetime(2021, 5, 7, 11, 42, 29)),
    ("5/7/2021 1:42 PM", datetime(2021, 5, 7, 13, 42)),
    ("12/3/2021 12:05:00 am", datetime(2021, 12, 3, 0, 5)),
    ("7/10/2009", datetime(2009, 7, 10)),
])
def test_parse_timestamp(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", ["yesterday", "13/45/2021 10:00", "1466851227459899392",
                                  "5/7/2021 13:42 PM", "", "2021-02-30T00:00:00Z"])
def test_parse_timestamp_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)


@pytest.mark.parametrize(("dates", "expected", "noted"), [
    (("3/12/2021 16:19", "13/12/2021 10:00"), ((12, 3), (12, 13)), "'13/12/2021 10:00'"),  # day first
    (("3/12/2021 16:19", "12/13/2021 10:00"), ((3, 12), (12, 13)), None),  # month first, as in the US
    (("03.12.2021 16:19", "13.12.2021 10:00"), ((12, 3), (12, 13)), None),  # dotted: always day first
])
def test_slashed_dates_are_read_in_the_order_the_file_writes_them(tmp_path, dates, expected, noted):
    path = tmp_path / "chat.csv"
    path.write_text("who,said,when\n" + "".join(f"ann,hello {k},{d}\n" for k, d in enumerate(dates)),
                    encoding="utf-8")
    items = list(SOURCE.read(path, ReadOptions(tz=ZoneInfo("Europe/Paris"),
                                               column_map={"author": "who", "text": "said", "time": "when"})))
    posts = [i for i in items if isinstance(i, Post)]
    assert [(p.created_at.month, p.created_at.day) for p in posts] == list(expected)
    notes = [i.reason for i in items if isinstance(i, RecordError)]
    assert notes == ([f"when writes the day before the month ({noted}): its dates were read so"]
                     if noted else [])


# --- real export shapes (invented values) ----------------------------------------------------


def test_twint_is_told_its_map_and_reads_zone_abbreviations_with_tz(fixtures: Path) -> None:
    """Twint's CSV: the text is ``tweet`` (never guessed), ``time`` is the time of day alone,
    ``created_at`` ends with the scraper's zone abbreviation, lists are Python literals."""
    path = fixtures / "csv" / "twint.csv"
    told = r"no column for text; .*--map text=tweet,url=link,author_name=name \("
    with pytest.raises(InputError, match=told):
        read(path)
    posts, errors = read(path, "text=tweet,url=link")
    assert [p.author.handle for p in posts] == ["cy"]  # UTC is UTC; EST is several zones' name
    assert [(e.line, e.kind) for e in errors] == [(2, "ambiguous zone"), (3, "ambiguous zone")]
    assert "'EST', which several zones share; pass --tz" in errors[0].reason

    posts, errors = read(path, "text=tweet,url=link", tz=ZoneInfo("America/New_York"))
    assert errors == []
    ann, bob, cy = posts
    assert ann.created_at == datetime(2021, 12, 3, 18, 0, 12, tzinfo=UTC)
    assert bob.created_at == datetime(2021, 11, 7, 6, 30, tzinfo=UTC)  # EST: the second 1:30
    assert cy.created_at == datetime(2021, 12, 3, 18, 1, tzinfo=UTC)
    assert ann.id == "twitter:1466851227459899392" and ann.author.native_id == "15453370"
    assert ann.thread_id == "twitter:1466846867476602885"
    assert ann.reply_to_author == "bob_t" and ann.reply_to_id is None  # reply_to lists users
    assert ann.mentions == ["bob_t", "cy"] and ann.hashtags == ["educhat"]
    assert ann.urls == ["https://example.com/a"]
    assert (ann.like_count, ann.repost_count, ann.reply_count) == (5, 2, 0)  # *s_count
    assert bob.quote_of_id == "twitter:1466000000000000000"  # quote_url
    assert cy.quote_of_id is None  # "0": a deleted quote

    _, errors = read(path, "text=tweet,url=link", tz=ZoneInfo("Europe/Paris"))
    assert [e.line for e in errors] == [2, 3]
    assert "not what --tz Europe/Paris calls its time then" in errors[0].reason


def test_snscrape_saved_by_pandas(fixtures: Path, tmp_path: Path) -> None:
    """pandas writes its index first (a blank header) and snscrape's objects as their repr:
    the user as a profile URL, links as TextLink(...); headers are camelCase."""
    path = fixtures / "csv" / "snscrape_pandas.csv"
    assert SOURCE.sniff(take_sample(path)) == 0.1
    with pytest.raises(InputError, match=r"no column for time; .*--map time=date \("):
        read(path)
    (post,), errors = read(path, "time=date")
    assert errors == []
    assert post.id == "twitter:1466851227459899392" and post.author.handle == "ann_edu"
    assert post.text.startswith("@bob_t thanks!")  # rawContent
    assert post.created_at == datetime(2021, 12, 3, 18, 0, 12, tzinfo=UTC)
    assert post.reply_to_id == "twitter:1466846867476602885"  # inReplyToTweetId
    assert post.thread_id == "twitter:1466846867476602885"  # conversationId
    assert (post.like_count, post.repost_count, post.reply_count, post.quote_count) == (5, 2, 0, 0)
    assert post.hashtags == ["EduChat"]
    tutorial = tmp_path / "tweets.csv"  # the columns a much-copied tutorial names
    tutorial.write_text(",Datetime,Tweet Id,Text,Username\n"
                        "0,2021-12-03 18:00:12+00:00,1466851227459899392,hello,ann_edu\n", encoding="utf-8")
    assert SOURCE.sniff(take_sample(tutorial)) == 0.1
    (post,), _ = read(tutorial)
    assert post.native_id == "1466851227459899392" and post.author.handle == "ann_edu"


def test_rtweet_x_prefixed_ids(fixtures: Path) -> None:
    """rtweet's write_as_csv writes every *_id as 'x123...' (so spreadsheets keep the digits)
    and created_at in UTC without a zone."""
    path = fixtures / "csv" / "rtweet.csv"
    posts, errors = read(path, tz=ZoneInfo("UTC"))
    assert errors == []
    ann, cy = posts
    assert ann.id == "twitter:1466851227459899392" and ann.author.native_id == "15453370"
    assert ann.reply_to_id == "twitter:1466846867476602885" and ann.reply_to_author == "bob_t"
    assert ann.urls == ["https://example.com/a"] and ann.mentions == ["bob_t"]
    assert cy.author.native_id == "999"
    assert cy.repost_of_id == "twitter:1466851227459899392"  # retweet_status_id
    assert cy.created_at == datetime(2021, 12, 3, 18, 0, 29, tzinfo=UTC)


def test_twarc_json2csv_retweets_and_quotes(fixtures: Path) -> None:
    """twarc's json2csv (and Social Feed Manager, Hydrator): retweet_or_quote_id is what
    tweet_type says; a retweet's counts there are its original's."""
    op, retweet, quote = read(fixtures / "csv" / "twarc_json2csv.csv")[0]
    assert op.reply_to_id == "twitter:1466846867476602885" and op.like_count == 5
    assert (op.author.handle, op.author.display_name) == ("ann_edu", "Ann A.")  # user_name: the name
    assert op.author.followers == 120 and op.author.bio == "Teacher"
    assert retweet.repost_of_id == "twitter:1466851227459899392" and retweet.quote_of_id is None
    assert (retweet.like_count, retweet.repost_count) == (None, None)
    assert quote.quote_of_id == "twitter:1466851227459899392" and quote.repost_of_id is None
    assert quote.like_count == 1


@pytest.mark.parametrize("text, expected", [
    ("2021-12-03 19:00:12 UTC", datetime(2021, 12, 3, 19, 0, 12, tzinfo=UTC)),  # BigQuery, Twint
    ("2021-12-03 19:00:12 GMT", datetime(2021, 12, 3, 19, 0, 12, tzinfo=UTC)),
    ("Fri, 03 Dec 2021 20:00:12 +0100", datetime(2021, 12, 3, 19, 0, 12, tzinfo=UTC)),  # RFC 2822
    ("Fri Dec 03 2021 20:00:12 GMT+0100 (Central European Standard Time)",
     datetime(2021, 12, 3, 19, 0, 12, tzinfo=UTC)),  # JavaScript
    ("1638558012123456", datetime(2021, 12, 3, 19, 0, 12, 123456, tzinfo=UTC)),  # microseconds
])
def test_parse_timestamp_zoned_forms(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Fri Dec 03 2021 19:00", datetime(2021, 12, 3, 19, 0)),
    ("12/3/2021  6:00:12 PM", datetime(2021, 12, 3, 18, 0, 12)),  # Excel-friendly, two spaces
    ("2021/12/03 19:00:12", datetime(2021, 12, 3, 19, 0, 12)),
])
def test_parse_timestamp_local_forms(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


def test_zone_abbreviations_are_not_guessed() -> None:
    with pytest.raises(LocalZone) as caught:
        parse_timestamp("2021-12-03 19:00:12 CST")
    assert caught.value.abbreviation == "CST" and caught.value.moment == datetime(2021, 12, 3, 19, 0, 12)
    for text in ("44533.7916666667", "30125", "99999"):  # a day number or seconds: no time
        with pytest.raises(ValueError):
            parse_timestamp(text)


def test_header_names_in_other_spellings() -> None:
    header = ["Tweet ID", "createdAt", "fullText", "author.username", "likeCount", "In Reply To Tweet Id",
              "user.followers_count", "retweetedTweet"]
    named = {field: header[index] for field, index in bind_columns(header, {}).items()}
    assert named == {"id": "Tweet ID", "time": "createdAt", "text": "fullText", "author": "author.username",
                     "likes": "likeCount", "reply_to": "In Reply To Tweet Id",
                     "followers": "user.followers_count"}


def test_suggestions_name_the_files_own_columns(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("Dates,User,Tweet\n2021-12-03 19:00:12+00:00,ann,hi\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"for example --map text=Tweet,time=Dates,author=User \(the file's"):
        read(path)


@pytest.mark.parametrize("text, expected", [
    ("Fri, 03 Dec 2021 19:00:12 GMT", datetime(2021, 12, 3, 19, 0, 12, tzinfo=UTC)),
    ("03 Dec 2021 19:00:12 -0000", datetime(2021, 12, 3, 19, 0, 12, tzinfo=UTC)),  # UTC, RFC 2822
])
def test_rfc_2822_with_its_zone(text: str, expected: datetime) -> None:
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", [
    "December 3, 2021 7:00 PM",  # e-mail's parser would drop the PM
    "Dec 3, 2021 7:00 PM +0100",  # ... and this offset
    "Fri, 03 Dec 2021 19:00:12 est",  # ... and guess what "est" means
    "Fri Dec 03 19:00:12 +0000 99999999999",  # a v1.1 date past any calendar
])
def test_what_would_be_guessed_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_day_first_dates_keep_their_column(tmp_path: Path) -> None:
    """Only a column of times of day (Twint's ``time``) is passed over for the next name; a
    day-first date column is still the time, read day first."""
    path = tmp_path / "eu.csv"
    rows = "".join(f"{day}/12/2021 19:00,ann,post {day}\n" for day in range(15, 21))
    path.write_text("created_at,username,text\n" + rows, encoding="utf-8")
    posts, errors = read(path, tz=ZoneInfo("Europe/Berlin"))
    assert len(posts) == 6 and posts[0].created_at == datetime(2021, 12, 15, 18, 0, tzinfo=UTC)
    assert [e.kind for e in errors] == ["date order"]


def test_a_handle_where_a_reply_id_would_be(tmp_path: Path) -> None:
    """A "Reply To" column of handles names whom a post answers; it is no post id."""
    path = tmp_path / "replies.csv"
    path.write_text("Created At,Author,Text,Reply To\n"
                    "2021-12-03T19:00:00Z,ann,Q1: what do you read?,\n"
                    "2021-12-03T19:01:00Z,bob,@ann books,@ann\n", encoding="utf-8")
    posts, errors = read(path)
    assert errors == [] and [(p.reply_to_id, p.reply_to_author) for p in posts] == [
        (None, None), (None, "ann")]


def test_listed_cells_give_handles_and_links_by_their_own_names(tmp_path: Path) -> None:
    path = tmp_path / "listed.csv"
    path.write_text(
        'time,author,text,mentions,urls,media\n'
        '2021-12-03T19:00:00Z,ann,hi,"[{\'username\': \'cy\', \'url\': \'https://x.example/cy\'}]",'
        '"[{\'username\': \'cy\', \'url\': \'https://x.example/a\'}]",'
        '"[Photo(previewUrl=\'https://pbs.example/p?name=small\', fullUrl=\'https://pbs.example/p?name=orig\')]"\n',
        encoding="utf-8")
    (post,), errors = read(path)
    assert errors == [] and post.mentions == ["cy"] and post.urls == ["https://x.example/a"]
    assert post.media == ["https://pbs.example/p?name=orig"]


def test_an_empty_time_column_gives_way_to_one_that_holds_the_times(tmp_path: Path) -> None:
    path = tmp_path / "two_times.csv"
    path.write_text("time,created_at,username,text\n"
                    "NA,2021-12-03T19:00:00Z,ann,hello\n,2021-12-03T19:01:00Z,bob,hi\n", encoding="utf-8")
    posts, errors = read(path)
    assert errors == [] and [p.created_at.minute for p in posts] == [0, 1]


def test_tweet_ids_give_the_time_a_sheet_wrote_without_its_zone(data: Path, tmp_path: Path) -> None:
    """rtweet and Social Feed Manager write times in UTC without saying so; a tweet id (since
    November 2010) encodes its exact UTC time, used with one note when no --tz is given."""
    with open(data / "twitter-archiver" / "pstweetchat-2020-2021.csv", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[2:5]  # real tweets: the id, the handle, the text
    path = tmp_path / "rtweet.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["status_id", "created_at", "screen_name", "text", "status_url"])
        for row in rows:
            moment, handle = snowflake_time(row[4]), row[1].lstrip("@")
            out.writerow([f"x{row[4]}", f"{moment:%Y-%m-%d %H:%M:%S}", handle, row[3],
                          f"https://twitter.com/{handle}/status/{row[4]}"])
    posts, errors = read(path)
    assert [p.created_at for p in posts] == [snowflake_time(row[4]) for row in rows]
    assert [p.native_id for p in posts] == [row[4] for row in rows]
    (note,) = errors
    assert (note.kind, note.skipped, note.line) == ("times from ids", False, None)
    assert note.reason.startswith("created_at has no time zone on 3 rows: the exact UTC times")
    _, errors = read(path, tz=ZoneInfo("UTC"))  # the zone given: the column is read
    assert errors == []


def test_an_x_posts_id_gives_the_time_a_sheet_wrote_unreadably_or_not_at_all(tmp_path: Path) -> None:
    """A hand-made sheet wrote "03/02/22 03:51" (a two-digit year): every row was skipped,
    though each links its status, whose id tells the exact time. A row of no X post still
    needs a time it can read."""
    path = tmp_path / "sheet.csv"
    path.write_text("Tweet URL,Account handle,Tweet,Date posted\n"
                    "https://twitter.com/ann/status/1498747855531491328,@ann,first,03/02/22 03:51\n"
                    "https://twitter.com/bob/status/1496115998889586696,@bob,second,\n"
                    "https://example.org/post/7,@cy,third,03/02/22 03:51\n", encoding="utf-8")
    posts, errors = read(path, "url=Tweet URL,author=Account handle,text=Tweet,time=Date posted")
    assert [(p.author.handle, p.created_at) for p in posts] == [
        ("ann", snowflake_time("1498747855531491328")), ("bob", snowflake_time("1496115998889586696"))]
    skipped, note = errors
    assert (skipped.line, skipped.kind) == (4, "bad time")
    assert (note.kind, note.skipped) == ("times from ids", False)
    assert note.reason.startswith("Date posted was empty or no date and time chatrecap reads on 2 rows")


def test_a_sheets_date_and_time_of_day_in_two_columns(tmp_path: Path) -> None:
    """Spreadsheets and many exports write "Date" and "Time" apart: the two are read as one
    time (bound by their names, or with --map time=...,time_of_day=...); a row without
    its time of day is refused rather than put at midnight."""
    path = tmp_path / "sheet.csv"
    path.write_text("Date,Time,User,Tweet\n"
                    "4/8/2021,7:34 PM,ann,Q1 what do you think? #chat\n"
                    "4/8/2021,19:36:10,bob,A1 I think so #chat\n"
                    "4/8/2021,,carl,no time here\n", encoding="utf-8")
    expected = [datetime(2021, 4, 8, 23, 34, tzinfo=UTC), datetime(2021, 4, 8, 23, 36, 10, tzinfo=UTC)]
    for spec in ("text=Tweet,author=User", "text=Tweet,author=User,time=Date,time_of_day=Time"):
        posts, errors = read(path, spec, ZoneInfo("America/New_York"))
        assert [p.created_at for p in posts] == expected
        assert [(e.line, e.reason) for e in errors] == [
            (4, "the row has no Time (time of day); skipped")]
    bad = tmp_path / "bad.csv"
    bad.write_text("date,time,username,text\n4/8/2021,25:99,ann,hi\n", encoding="utf-8")
    _, errors = read(bad, tz=ZoneInfo("UTC"))
    assert len(errors) == 1 and "date and time '4/8/2021 25:99' is not a date" in errors[0].reason


def test_a_date_and_time_pair_is_bound_only_when_the_date_holds_dates_alone(tmp_path: Path) -> None:
    """A column named time_of_day is not bound by its name (a file whose created_at says it
    all imports as before), and a date column that holds whole times keeps the old refusal."""
    path = tmp_path / "full.csv"
    path.write_text("text,author,created_at,time_of_day\nhello,alice,2021-05-18T19:33:07Z,evening\n",
                    encoding="utf-8")
    posts, errors = read(path)
    assert errors == [] and posts[0].created_at == datetime(2021, 5, 18, 19, 33, 7, tzinfo=UTC)
    path = tmp_path / "dated.csv"
    path.write_text("text,author,date,time\nhello,alice,2021-05-18 19:33:07+00:00,19:33:07\n",
                    encoding="utf-8")
    with pytest.raises(InputError, match="no column for time"):
        read(path)


def test_a_workbooks_date_and_time_cells(tmp_path: Path) -> None:
    """Date cells read as midnight datetimes and time cells as times of day: one time."""
    from datetime import date, time

    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Text", "Author", "Date", "Time"])
    sheet.append(["hello", "alice", date(2021, 5, 18), time(19, 33, 7)])
    sheet.append(["bye", "bob", datetime(2021, 5, 19), time(8, 0, 0, 500000)])
    for row in sheet.iter_rows(min_row=2):
        row[2].number_format, row[3].number_format = "yyyy-mm-dd", "hh:mm:ss"
    path = tmp_path / "chat.xlsx"
    book.save(path)
    posts, errors = read(path, tz=ZoneInfo("UTC"))
    assert errors == [] and [p.created_at for p in posts] == [
        datetime(2021, 5, 18, 19, 33, 7, tzinfo=UTC), datetime(2021, 5, 19, 8, 0, 0, 500000, tzinfo=UTC)]


def test_twarc_json2csv_as_its_header_spells_the_reference(fixtures: Path, tmp_path: Path) -> None:
    """json2csv's header writes ``reweet_or_quote_id``: read as the column it means."""
    path = tmp_path / "json2csv.csv"
    path.write_text((fixtures / "csv" / "twarc_json2csv.csv").read_text(encoding="utf-8").replace(
        "retweet_or_quote_id", "reweet_or_quote_id", 1), encoding="utf-8")
    _, retweet, quote = read(path)[0]
    assert retweet.repost_of_id == "twitter:1466851227459899392" and retweet.like_count is None
    assert quote.quote_of_id == "twitter:1466851227459899392"


def test_an_abbreviation_the_zone_database_no_longer_writes_is_read_with_tz(tmp_path: Path) -> None:
    """CrowdTangle writes Brasília time "BRT"; the zone database calls it "-03": with --tz
    America/Sao_Paulo the rows are read, with another zone they are still refused."""
    path = tmp_path / "crowdtangle.csv"
    path.write_text("Page Name,User Name,Post Created,Message\n"
                    "Neymar Jr,neymarjr,2021-07-05 18:02:45 BRT,Vamos!\n", encoding="utf-8")
    posts, errors = read(path, "text=Message,author=User Name,author_name=Page Name,time=Post Created",
                         tz=ZoneInfo("America/Sao_Paulo"))
    assert errors == [] and posts[0].created_at == datetime(2021, 7, 5, 21, 2, 45, tzinfo=UTC)
    posts, errors = read(path, "text=Message,author=User Name,author_name=Page Name,time=Post Created",
                         tz=ZoneInfo("America/New_York"))
    assert posts == [] and [e.kind for e in errors] == ["ambiguous zone"]
    # An abbreviation the zone database gives another zone is not taken as the --tz one's.
    path.write_text(path.read_text(encoding="utf-8").replace("BRT", "CET"), encoding="utf-8")
    posts, errors = read(path, "text=Message,author=User Name,author_name=Page Name,time=Post Created",
                         tz=ZoneInfo("America/Sao_Paulo"))
    assert posts == [] and [e.kind for e in errors] == ["ambiguous zone"]


def test_rtweet_as_write_as_csv_writes_it(fixtures: Path, tmp_path: Path) -> None:
    """rtweet 0.6's own files have no status_url, and their url is the author's website: the
    x-prefixed ids say the rows are X posts (no --tz needed, the ids give the time), the
    permalink is the post's, the name and description are the author's."""
    rows = list(csv.reader((fixtures / "csv" / "rtweet.csv").open(encoding="utf-8", newline="")))
    header = rows[0]
    at = header.index("status_url")
    out = tmp_path / "rtweet.csv"
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([*header[:at], *header[at + 1:], "url"])
        for row in rows[1:]:
            writer.writerow([*row[:at], *row[at + 1:], "https://t.co/website"])
    posts, errors = read(out)
    assert [e.kind for e in errors if e.skipped] == []
    ann, cy = posts
    assert ann.id == "twitter:1466851227459899392" and cy.repost_of_id == ann.id
    assert ann.created_at == snowflake_time("1466851227459899392")  # (the id's time: no zone given)
    assert ann.url == "https://twitter.com/ann_edu/status/1466851227459899392"
    assert (ann.author.display_name, ann.author.bio) == ("Ann A.", "Teacher")
    assert ann.author.url == "https://t.co/website"  # (the author's, as the kinds read it)


def test_rtweet_with_status_url_and_the_authors_url(tmp_path: Path) -> None:
    """rtweet 0.7 (tidytags' sample-data.csv) writes plain ids, a status_url and the author's
    website as url: the status URL is the post's (an X post, the same id a v1.1 file gives
    it), "NA" in a list cell is no hashtag or link, and a retweet's row holds its original's
    counts, not its own."""
    path = tmp_path / "rtweet.csv"
    path.write_text(
        "user_id,status_id,created_at,screen_name,text,is_retweet,favorite_count,retweet_count,"
        "hashtags,urls_expanded_url,retweet_status_id,status_url,url\n"
        "14215524,1225122317849657345,2020-02-05T18:21:36Z,tadousay,Many thanks #aect,FALSE,8,3,"
        "aect NA,https://doi.org/10.1007/s11528 NA,NA,https://twitter.com/tadousay/status/1225122317849657345,"
        "https://t.co/mqTPJf37uj\n"
        "804807943,1225137879921385472,2020-02-05T19:23:27Z,AECTTechTrends,Many thanks #aect,TRUE,0,3,"
        "aect,NA,1225122317849657345,https://twitter.com/AECTTechTrends/status/1225137879921385472,NA\n",
        encoding="utf-8")
    posts, errors = read(path)
    assert errors == []
    first, retweet = posts
    assert (first.id, retweet.repost_of_id) == ("twitter:1225122317849657345",) * 2
    assert first.url == "https://twitter.com/tadousay/status/1225122317849657345"
    assert first.author.url == "https://t.co/mqTPJf37uj"
    assert (first.hashtags, first.urls) == (["aect"], ["https://doi.org/10.1007/s11528"])
    assert (first.like_count, first.repost_count) == (8, 3)
    assert (retweet.like_count, retweet.repost_count) == (None, None)


def test_a_url_column_comes_before_a_permalink_and_after_a_status_url(tmp_path: Path) -> None:
    path = tmp_path / "reddit.csv"
    path.write_text("id,author,created_at,text,url,permalink\n"
                    "t3_1b2c3d,ann,2024-03-07T20:00:00Z,Q1: hello,https://www.reddit.com/r/python/comments/1b2c3d/q1/,"
                    "/r/python/comments/1b2c3d/q1/\n", encoding="utf-8")
    (post,), _ = read(path)
    assert post.url == "https://www.reddit.com/r/python/comments/1b2c3d/q1/"


def test_a_permalink_is_kept_whatever_the_id_column_holds(tmp_path: Path) -> None:
    """Only an X post's url must hold its id (rtweet's url is the author's site); a Bluesky,
    Reddit or Mastodon export's permalink does not, and is kept; a vague name or description
    column is no author's without the handle's column beside it."""
    path = tmp_path / "posts.csv"
    path.write_text(
        "id,author,created_at,text,url,name,description\n"
        "t3_1b2c3d,ann,2024-03-07T20:00:00Z,Q1: hello,https://www.reddit.com/r/python/comments/1b2c3d/q1/,"
        "Weekly chat,Our topic\n"
        "at://did:plc:abc/app.bsky.feed.post/3kq2x,bob,2024-03-07T20:01:00Z,A1: hi,"
        "https://bsky.app/profile/bob.example/post/3kq2x,,\n", encoding="utf-8")
    posts, errors = read(path)
    assert errors == []
    assert [p.url for p in posts] == ["https://www.reddit.com/r/python/comments/1b2c3d/q1/",
                                      "https://bsky.app/profile/bob.example/post/3kq2x"]
    assert (posts[0].author.display_name, posts[0].author.bio) == (None, None)
    path.write_text("created_at,text,url,name,description\n2024-03-07T20:00:00Z,A1: hi,"
                    "https://twitter.com/ann/status/1765845734123456789,Weekly chat,Our topic\n",
                    encoding="utf-8")
    posts, errors = read(path)
    assert errors == [] and posts[0].author.handle == "ann"
    assert (posts[0].author.display_name, posts[0].author.bio) == (None, None)


def test_the_authors_profile_columns(tmp_path: Path) -> None:
    """Following count, website, account date (with its zone) and picture, when a CSV has
    them; a cell that is no address is no picture."""
    path = tmp_path / "profiles.csv"
    path.write_text(
        "id,username,created_at,text,friends_count,user_url,account_created_at,profile_image_url\n"
        "1,ann,2024-03-01T18:00:00Z,hello,12,https://ann.example,2009-07-04T03:05:44Z,https://img.example/a.jpg\n"
        "2,bob,2024-03-01T18:01:00Z,hi,,,,View\n", encoding="utf-8")
    (ann, bob), errors = read(path)
    assert errors == []
    assert (ann.author.following, ann.author.url, ann.author.avatar_url) == (
        12, "https://ann.example", "https://img.example/a.jpg")
    assert ann.author.created_at == datetime(2009, 7, 4, 3, 5, 44, tzinfo=UTC)
    assert (bob.author.following, bob.author.url, bob.author.created_at, bob.author.avatar_url) == (
        None, None, None, None)


def test_json_read_as_csv_is_said_to_be_json_in_one_short_line(data: Path) -> None:
    """Its "columns" were fragments of JSON, all listed: a 5 KB message."""
    with pytest.raises(InputError) as told:
        read(data / "twarc2" / "flat.jsonl")
    assert "this is JSON, not a CSV with a header row" in str(told.value) and len(str(told.value)) < 200


def test_the_columns_a_message_lists_are_few_and_short(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(",".join(["x" * 90] + [f"c{k}" for k in range(60)]) + "\n" + ",".join(["1"] * 61) + "\n")
    with pytest.raises(InputError, match="no column for") as told:
        read(path)
    assert f"{'x' * 39}…" in str(told.value) and "and 31 more" in str(told.value)
    assert len(str(told.value)) < 600


def test_one_row_that_is_not_utf8_loses_nothing_but_its_stray_bytes(tmp_path: Path) -> None:
    """A UTF-8 sheet (its "Á" is a byte Windows-1252 lacks) with one row pasted from a
    Windows-1252 file was refused whole: "the text encoding could not be recognised"."""
    rows = [b"text,author,time"] + [
        f"\u00c1lvaro n\u00famero {k} \U0001F601,ann,2024-01-01T00:00:{k:02d}Z".encode() for k in range(50)]
    rows[7] = rows[7].replace("n\u00famero".encode(), b"n\xfamero")
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\n".join(rows) + b"\n")
    posts, errors = read(path, "text=text,author=author,time=time")
    assert len(posts) == 50 and posts[0].text == "\u00c1lvaro n\u00famero 0 \U0001F601"
    assert posts[6].text == "\u00c1lvaro n\ufffdmero 6 \U0001F601"
    (note,) = errors
    assert (note.line, note.kind, note.skipped) == (8, "encoding", False)
