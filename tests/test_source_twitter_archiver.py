"""Twitter Archiver CSV: the #PSTweetChat archive, time zones, and hand-made edge cases."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Post
from chatrecap.sources._csv import to_utc
from chatrecap.sources._twitter import snowflake_time
from chatrecap.sources.base import ReadOptions, Sample, take_sample
from chatrecap.sources.twitter_archiver import SOURCE, _quoted, _with_links

NEW_YORK = ZoneInfo("America/New_York")
ARCHIVE = "twitter-archiver/pstweetchat-2020-2021.csv"
DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"  # as conftest.DATA


def read(path: Path, tz: ZoneInfo | None = None) -> tuple[list[Post], list[RecordError]]:
    items = list(SOURCE.read(path, ReadOptions(tz=tz)))
    return ([i for i in items if isinstance(i, Post)],
            [i for i in items if isinstance(i, RecordError)])


@pytest.fixture(scope="module")
def archive() -> list[Post]:
    posts, errors = read(DATA / ARCHIVE)
    (note,) = errors  # not an error: says where the times came from, and the zone seen
    assert not note.skipped and note.kind == "time zone" and note.line is None
    assert note.reason == ("Date has no time zone; the exact times the tweet ids encode were "
                           "used. Date reads as UTC-5 on 649 rows, UTC-4 on 1,042 rows (pass "
                           "--tz to check it against a zone)")
    return posts


def test_sniff(data: Path, fixtures: Path) -> None:
    assert SOURCE.sniff(take_sample(data / ARCHIVE)) >= 0.9
    assert SOURCE.sniff(take_sample(fixtures / "twitter-archiver" / "header_first.csv")) >= 0.9
    for other in ("tags/tidytags_sample-data_TAGS_aect.csv", "duboischallenge/tweets.csv",
                  "twarc2/flat.jsonl", "mastodon/timeline_public.json",
                  "slack/slack_export_viewer_testarchive.zip", "README.md"):
        assert SOURCE.sniff(take_sample(data / other)) == 0.0, other


@pytest.mark.parametrize("junk", ["", '"unclosed,\x00', "[" * 70000, ",,,\n,,,"])
def test_sniff_never_raises_on_junk(junk: str) -> None:
    assert SOURCE.sniff(Sample(Path("junk"), junk.encode(), junk, "utf-8")) == 0.0


def test_archive_count_and_times_from_ids(archive: list[Post]) -> None:
    assert len(archive) == 1691
    assert len({p.id for p in archive}) == 1691
    for post in archive:
        assert post.created_at == snowflake_time(post.native_id)
        local = datetime.strptime(post.raw["Date"], "%m/%d/%Y %H:%M:%S").replace(tzinfo=NEW_YORK)
        assert abs(post.created_at - local) < timedelta(seconds=1)
    first = archive[0]
    assert first.raw["Date"] == "12/3/2021 16:19:02"
    assert first.created_at == datetime(2021, 12, 3, 21, 19, 2, 914000, tzinfo=UTC)
    assert archive[-1].created_at == datetime(2020, 2, 7, 18, 14, 2, 859000, tzinfo=UTC)
    assert archive[-1].source_line == 1725  # multi-line tweets push the physical lines on
    assert {p.channel for p in archive} == {"#PSTweetChat"}


def test_archive_with_the_right_zone_agrees(data: Path, archive: list[Post]) -> None:
    posts, errors = read(data / ARCHIVE, NEW_YORK)
    assert errors == []
    assert [p.created_at for p in posts] == [p.created_at for p in archive]


def test_archive_with_a_wrong_zone_warns_once(data: Path, archive: list[Post]) -> None:
    posts, errors = read(data / ARCHIVE, ZoneInfo("UTC"))
    assert len(posts) == 1691
    assert [p.created_at for p in posts] == [p.created_at for p in archive]
    assert len(errors) == 1 and errors[0].line is None
    assert errors[0].skipped is False and errors[0].kind == "time zone"  # a warning
    assert errors[0].reason == ("--tz UTC disagrees with the tweet ids by 4 to 5 hours on "
                                "1,691 rows; the times from the ids were used")


def test_a_quote_tweet_quotes_the_status_it_links(archive: list[Post]) -> None:
    """The sheet writes a quote tweet as "comment RT @ann: her words" with her status among
    its links (three glue "RT" to the last tag: "#PSTweetChatRT @x:"): that status is what
    it quotes (22 of the 42 are in the archive themselves)."""
    quotes = [p for p in archive if "RT @" in p.text and p.quote_of_id]
    assert len(quotes) == 42
    ids = {p.id for p in archive}
    assert sum(p.quote_of_id in ids for p in quotes) == 22
    for post in quotes:
        quoted = post.text.split("RT @", 1)[1].split(":", 1)[0]
        status = f"/{quoted.lower()}/status/{post.quote_of_id.split(':')[1]}"
        assert any(status in u.lower() for u in post.urls)
    assert not [p for p in archive if p.quote_of_id and "RT @" not in p.text]
    # A manual retweet is no quote, nor a link to another account's status.
    assert _quoted("RT @bob: his take RT @ann: hers", ["https://twitter.com/ann/status/1"]) is None
    assert _quoted("So true RT @ann: hers", ["https://twitter.com/bob/status/1"]) is None
    assert _quoted("So true #chatRT @ann: hers", ["https://twitter.com/ann/status/1"]) == "twitter:1"


def test_jeff_hicks(archive: list[Post]) -> None:
    jeff = [p for p in archive if p.author.handle == "JeffHicks"]
    assert len(jeff) == 745
    post = next(p for p in jeff if p.native_id == "1466873262240063491")
    assert post.source_line == 4
    assert post.text == ("Today's #PSTweetChat transcript is online at https://github.com/jdhitsolutions/"
                         "PSTweetChat/blob/master/transcripts/12_PSTweetChat_December2021.md")
    assert post.urls == ["https://github.com/jdhitsolutions/PSTweetChat/blob/master/transcripts/"
                         "12_PSTweetChat_December2021.md"]
    assert post.hashtags == ["PSTweetChat"] and post.mentions == []
    assert post.like_count == 1 and post.repost_count == 1
    assert post.reply_to_id is None and post.reply_to_author is None
    assert post.url == "https://twitter.com/JeffHicks/status/1466873262240063491"
    assert post.created_at == datetime(2021, 12, 3, 20, 53, 33, 562000, tzinfo=UTC)
    author = post.author
    assert author.native_id is None and author.id == "twitter:@jeffhicks"
    assert author.display_name == "Jeff Hicks"
    assert author.bio == ("IT Pro veteran, Microsoft MVP, author, teacher, speaker, Pluralsight "
                          "author. AKA Prof. PowerShell Emeritus.")
    assert author.followers == 19780 and author.following == 1021
    assert author.location == "Syracuse, NY"
    assert author.url == "http://jdhitsolutions.com/blog"
    assert author.created_at == datetime(2008, 4, 22, tzinfo=UTC)
    assert author.avatar_url is None  # the cell says "View"
    assert author.verified is None

    reply = next(p for p in jeff if p.native_id == "1466852662381535232")
    assert reply.reply_to_author == "sjoerddevalk" and reply.reply_to_id is None
    assert reply.mentions == ["sjoerddevalk"]

    media = next(p for p in jeff if p.native_id == "1466841687104311301")
    assert media.media == ["https://pbs.twimg.com/media/FFtEvSkXIAYrKBr.jpg"]


def test_links_column_with_several_links(archive: list[Post]) -> None:
    post = next(p for p in archive if p.native_id == "1466842373288345602")
    assert post.author.handle == "thedavecarroll"
    assert post.urls == ["https://twitter.com/PSConfEU/status/1466821534551576581",
                         "https://buff.ly/3FHLBBs"]
    assert "https://buff.ly/3FHLBBs" in post.text and "1466821534551576581" not in post.text  # (the quote)
    assert Counter(p.author.handle for p in archive).most_common(2) == [
        ("JeffHicks", 745), ("WindosNZ", 179)]


def test_the_sheets_links_go_back_into_the_text(archive: list[Post]) -> None:
    """The sheet takes each link out of the text ("check out  for one place") and lists it
    in Link(s): a recap quoting the post read "check out for one place"."""
    calendar = next(p for p in archive if p.native_id == "1324787742803374081")
    assert "check out https://powershell.org/calendar/ for one place" in calendar.text
    assert calendar.text_original is not None and "check out  for one place" in calendar.text_original
    # Two links side by side leave three spaces: both go back there, not one at the end.
    bridged = next(p for p in archive if p.native_id == "1291794909612187648")
    assert bridged.text.endswith("https://aka.ms/psdiscord https://aka.ms/psslack #PSTweetChat")
    assert _with_links("Two links:   ", ["http://a", "http://b"]) == "Two links: http://a http://b"


def test_a_link_put_back_names_nobody(data: Path, tmp_path: Path) -> None:
    """Mentions and hashtags are the text's own, not those of a link put back into it."""
    sheet = data / "twitter-archiver" / "pstweetchat-2020-2021.csv"
    head = sheet.read_text(encoding="utf-8").splitlines()[:2]
    row = ('11/6/2020 13:56:25,@ann,Ann,"Read  now #chat",1324787742803374081,'
           'https://medium.com/@jdoe/testing-123#intro,,,0,1,TweetDeck,1,1,1,,8/30/2012,,,,,View')
    path = tmp_path / "sheet.csv"
    path.write_text("\n".join([*head, row]) + "\n", encoding="utf-8")
    (post,) = [i for i in SOURCE.read(path, ReadOptions()) if isinstance(i, Post)]
    assert post.text == "Read https://medium.com/@jdoe/testing-123#intro now #chat"
    assert (post.mentions, post.hashtags) == ([], ["chat"])


def test_old_id_without_tz_asks_for_tz(fixtures: Path) -> None:
    path = fixtures / "twitter-archiver" / "edge_cases.csv"
    items = list(SOURCE.read(path, ReadOptions()))
    assert [(type(i).__name__, getattr(i, "line", None) or getattr(i, "source_line", None))
            for i in items] == [("RecordError", 3), ("Post", 4), ("RecordError", 6),
                                ("RecordError", None)]
    assert items[3].kind == "time zone" and not items[3].skipped
    assert "--tz" in items[0].reason and "3/21/2006 20:50:14" in items[0].reason
    assert items[0].kind == "no time zone" and items[0].skipped
    assert items[2].kind == "rounded id"
    assert "spreadsheet" in items[2].reason
    post = items[1]
    assert post.channel == "#OldChat"
    assert post.text == ("@sjoerddevalk @richardhicks Links & a picture #OldChat #1 #Café "
                         "https://example.com/a https://example.com/b https://example.com/c")
    assert post.reply_to_author == "sjoerddevalk"
    assert post.mentions == ["sjoerddevalk", "richardhicks"]
    assert post.hashtags == ["OldChat", "Café"]  # "#1" is no hashtag
    assert post.urls == ["https://example.com/a", "https://example.com/b", "https://example.com/c"]
    assert post.media == ["https://pic.twitter.com/PnRnRYfpq8"]
    assert post.author.followers == 19781  # "19,781"


def test_old_id_with_tz(fixtures: Path) -> None:
    posts, errors = read(fixtures / "twitter-archiver" / "edge_cases.csv",
                         ZoneInfo("America/Los_Angeles"))
    jack = posts[0]
    assert jack.id == "twitter:20"
    assert jack.created_at == datetime(2006, 3, 22, 4, 50, 14, tzinfo=UTC)
    assert jack.author.verified is True
    assert jack.author.avatar_url == "https://pbs.twimg.com/profile_images/1/jack_normal.jpg"
    assert jack.author.followers == 6000000 and jack.like_count == 160000
    assert jack.author.location == "San Francisco, CA"
    assert [e.line for e in errors] == [6, None]
    assert errors[1].reason == ("--tz America/Los_Angeles disagrees with the tweet ids by 3 hours "
                                "on 1 row; the times from the ids were used")


def test_header_first_file(fixtures: Path) -> None:
    posts, errors = read(fixtures / "twitter-archiver" / "header_first.csv")
    assert [e.kind for e in errors] == ["time zone"] and len(posts) == 1
    assert posts[0].channel is None and posts[0].source_line == 2
    assert posts[0].author.handle == "sjoerddevalk"


def test_not_an_archiver_sheet(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text(",Twitter Query: #x,,\nDate,Screen Name,Text\n1/1/2021 1:00:00,@a,hi\n")
    with pytest.raises(InputError, match="Tweet ID"):
        read(path)


def test_dst_edges_use_fold_0() -> None:
    # 1:30 happened twice on 2021-11-07 in New York: the first (EDT) is taken.
    assert to_utc(datetime(2021, 11, 7, 1, 30), NEW_YORK) == datetime(2021, 11, 7, 5, 30,
                                                                       tzinfo=UTC)
    # 2:30 never happened on 2021-03-14: read with the offset before the change (EST).
    assert to_utc(datetime(2021, 3, 14, 2, 30), NEW_YORK) == datetime(2021, 3, 14, 7, 30,
                                                                       tzinfo=UTC)
    assert to_utc(datetime(2021, 3, 14, 2, 30), None) is None


def _with_dates(tmp_path: Path, change: Callable[[str], str]) -> Path:
    """The shared archive with each row's Date rewritten."""
    rows = list(csv.reader(io.StringIO((DATA / ARCHIVE).read_text(encoding="utf-8"))))
    for row in rows[2:]:
        row[0] = change(row[0])
    path = tmp_path / "dates.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.mark.parametrize("tz", [None, NEW_YORK])
def test_a_sheet_in_a_day_first_locale_reads_the_same_days(tmp_path, tz):
    """A sheet kept in a day-first locale writes 3/12/2021 for 3 December: the tweet ids show
    it, the times are the same as the month-first sheet's, and the note says so (not that the
    sheet's zone is 300 days off)."""
    def day_first(date: str) -> str:
        month, day, rest = date.split("/", 2)
        return f"{day}/{month}/{rest}"

    posts, errors = read(_with_dates(tmp_path, day_first), tz)
    original, _ = read(DATA / ARCHIVE, tz)
    assert [(p.id, p.created_at) for p in posts] == [(p.id, p.created_at) for p in original]
    [note] = errors
    assert "Date writes the day before the month (3/12/2021 for 3 December) on 1,684 rows" in note.reason
    assert "UTC-7" not in note.reason and not note.skipped


@pytest.mark.parametrize("tz", [None, NEW_YORK])
def test_a_sheet_whose_date_gives_the_day_only(tmp_path, tz):
    """Early sheets (#PSTweetChat 2019) wrote the day without its time: the ids give the
    times, and the notes say so rather than that the zone is hours off."""
    posts, errors = read(_with_dates(tmp_path, lambda date: date.split(" ", 1)[0]), tz)
    original, _ = read(DATA / ARCHIVE, tz)
    assert [(p.id, p.created_at) for p in posts] == [(p.id, p.created_at) for p in original]
    [note] = errors
    assert note.reason == ("Date gives the day only on 1,691 rows: their times are the ones their "
                           "tweet ids encode") and not note.skipped
