"""TAGS CSV: the tidytags sample sheets, and hand-made edge cases."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Post
from chatrecap.sources import detect
from chatrecap.sources.base import ReadOptions, Sample, take_sample
from chatrecap.sources.tags import SOURCE


def read(path: Path) -> tuple[list[Post], list[RecordError]]:
    items = list(SOURCE.read(path, ReadOptions()))
    return ([i for i in items if isinstance(i, Post)],
            [i for i in items if isinstance(i, RecordError)])


def test_sniff_says_yes_to_tags_files(data: Path, fixtures: Path) -> None:
    for path in sorted((data / "tags").glob("*.csv")) + [fixtures / "tags" / "edge_cases.csv"]:
        assert SOURCE.sniff(take_sample(path)) >= 0.9, path


@pytest.mark.parametrize("other", [
    "twitter-archiver/pstweetchat-2020-2021.csv",
    "duboischallenge/tweets.csv",
    "twarc2/flat.jsonl",
    "twitter_v1/tidytags_lookup_many_0.json",
    "mastodon/timeline_tag_hoot.json",
    "slack/slack_export_viewer_testarchive.zip",
    "README.md",
])
def test_sniff_says_no_to_other_formats(data: Path, other: str) -> None:
    assert SOURCE.sniff(take_sample(data / other)) == 0.0


@pytest.mark.parametrize("junk", ["", '"unclosed,\x00\x01', "{" * 70000, "a\n" * 5])
def test_sniff_never_raises_on_junk(junk: str) -> None:
    assert SOURCE.sniff(Sample(Path("junk"), junk.encode(), junk, "utf-8")) == 0.0


def test_aect_sheet_counts_and_spot_checks(data: Path) -> None:
    posts, errors = read(data / "tags" / "tidytags_sample-data_TAGS_aect.csv")
    assert errors == []
    assert len(posts) == 10
    assert [p.source_line for p in posts] == [2, 3, 4, 7, 8, 9, 10, 11, 12, 13]

    patrick = posts[1]
    assert patrick.id == "twitter:1248064163211096064"
    assert patrick.author.id == "twitter:1245077697686130689"
    assert patrick.author.handle == "Patrick81040643"
    assert patrick.author.followers == 6
    assert patrick.author.following == 140
    assert patrick.author.location == "Mississippi, USA"
    assert patrick.created_at == datetime(2020, 4, 9, 1, 44, 19, tzinfo=UTC)
    # the t.co link of the attached photo is in media, not in the text, as the v1.1 JSON reads
    assert patrick.text == "RT @dtpthanh: Look like sisters? @YamChaivisit #aect19"
    assert patrick.text_original == patrick.text + " https://t.co/Kr50LjJ0vI"
    assert patrick.repost_of_id is None  # TAGS does not carry the original's id
    assert patrick.reply_to_id is None
    assert patrick.mentions == ["dtpthanh", "YamChaivisit"]
    assert patrick.hashtags == ["aect19"]
    assert patrick.media == ["https://pbs.twimg.com/media/EHrwskZU0AA2xdG.jpg"]
    assert patrick.url == "http://twitter.com/Patrick81040643/statuses/1248064163211096064"
    assert patrick.raw["user_lang"] == "NA"  # the record is kept as the sheet has it
    assert patrick.language is None

    harriet = posts[0]
    # created_at wins over the `time` column, which is an hour off in this sheet.
    assert harriet.created_at == datetime(2020, 4, 19, 19, 22, 23, tzinfo=UTC)
    assert harriet.author.followers is None  # NA
    assert harriet.author.location is None

    elt = posts[2]  # a quoted cell over three lines
    assert elt.author.handle == "ELTAugusta"
    assert elt.text.endswith("Bridging Theory and Practice: \n\nhtt…")

    madinah = posts[4]  # cut short: its link to the whole tweet is no link its author shared
    assert madinah.text.endswith("great… https://twitter.com/i/web/status/1227652243870097408")
    assert madinah.urls == []
    assert madinah.mentions == [] and madinah.hashtags == []

    gsa = posts[3]
    assert gsa.mentions == ["tadousay", "AECTTechTrends", "gsa_aect"]
    assert all(p.platform == "twitter" and p.created_at.tzinfo is UTC for p in posts)


def test_single_tweet_sheet(data: Path) -> None:
    posts, errors = read(data / "tags" / "tidytags_sample-tweet.csv")
    assert errors == [] and len(posts) == 1
    post = posts[0]
    assert post.id == "twitter:1219758386436165633"
    assert post.author.handle == "gsa_aect"
    assert post.author.followers == 223
    assert post.created_at == datetime(2020, 1, 21, 23, 7, 15, tzinfo=UTC)
    assert post.mentions == ["AECT"] and post.hashtags == ["AECT19"]
    assert post.source_line == 2


def test_edge_cases_fixture(fixtures: Path) -> None:
    path = fixtures / "tags" / "edge_cases.csv"
    items = list(SOURCE.read(path, ReadOptions()))
    kinds = [(type(i).__name__, i.source_line if isinstance(i, Post) else i.line) for i in items]
    assert kinds == [
        ("Post", 2),
        ("RecordError", 3),  # mangled id_str: row skipped
        ("RecordError", 4), ("RecordError", 4), ("Post", 4),  # mangled reply/user ids: warnings
        ("Post", 5),
        ("RecordError", 7),  # no usable time
        ("Post", 8),
    ]
    posts = [i for i in items if isinstance(i, Post)]
    errors = [i for i in items if isinstance(i, RecordError)]
    assert "1.46685E+18" in errors[0].reason and "spreadsheet" in errors[0].reason
    assert "in_reply_to_status_id_str" in errors[1].reason and "kept" in errors[1].reason
    assert "from_user_id_str" in errors[2].reason
    assert "yesterday" in errors[3].reason
    assert [(e.kind, e.skipped) for e in errors] == [
        ("rounded id", True), ("rounded id", False), ("rounded id", False), ("bad time", True)]

    reply = posts[0]  # extra columns and another column order are fine
    assert reply.text == "@sjoerddevalk I can't imagine that & more #PSTweetChat"
    assert reply.text_original == "@sjoerddevalk I can't imagine that &amp; more #PSTweetChat"
    assert reply.reply_to_id == "twitter:1466846867476602885"
    assert reply.reply_to_author == "sjoerddevalk"
    assert reply.author.id == "twitter:15453370"
    assert reply.author.followers is None and reply.author.following == 1021
    assert reply.author.avatar_url == "http://pbs.twimg.com/profile_images/1/a_normal.jpg"
    assert reply.hashtags == ["PSTweetChat"] and reply.mentions == ["sjoerddevalk"]

    kept = posts[1]
    assert kept.reply_to_id is None and kept.reply_to_author == "ann"
    assert kept.author.native_id is None and kept.author.id == "twitter:@bob_k"
    assert kept.author.location is None
    assert kept.url == "https://twitter.com/bob_k/status/1466851227459899999"

    no_json = posts[2]  # bad entities_str: entities read from the text, no error
    assert no_json.created_at == datetime(2021, 12, 3, 19, 30, tzinfo=UTC)  # from `time`
    assert no_json.text == "Line one of a tweet\nsee https://example.com/x, #Café @ann"
    assert no_json.mentions == ["ann"]
    assert no_json.hashtags == ["Café"]
    assert no_json.urls == ["https://example.com/x"]
    assert no_json.media == []

    retweet = posts[3]
    assert retweet.repost_of_id is None and retweet.text.startswith("RT @JeffHicks: ")
    assert retweet.mentions == ["JeffHicks"]


def test_cp1252_copy_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.csv"
    path.write_bytes(
        "id_str,from_user,text,created_at,from_user_id_str,user_location,entities_str\n"
        "1466851227459899392,JeffHicks,Un café au lait pour le #PSTweetChat,"
        "Fri Dec 03 19:26:00 +0000 2021,15453370,Montréal,NA\n".encode("cp1252")
    )
    assert SOURCE.sniff(take_sample(path)) > 0.5  # 7 of the 18 columns: still TAGS
    posts, errors = read(path)
    assert errors == []
    assert posts[0].text == "Un café au lait pour le #PSTweetChat"
    assert posts[0].author.location == "Montréal"
    assert posts[0].hashtags == ["PSTweetChat"]


def test_a_sheet_without_the_tags_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("id_str,text,created_at\n1,hello,Fri Dec 03 19:26:00 +0000 2021\n")
    with pytest.raises(InputError, match="from_user"):
        read(path)


def test_a_sheet_saved_as_tsv_is_recognised_despite_the_commas_of_its_entities(
        data: Path, tmp_path: Path) -> None:
    """A TSV row's entities_str JSON can hold more commas than the header and the row have
    tabs: the header alone says the sheet is tab-separated."""
    with open(data / "tags" / "tidytags_sample-data_TAGS_aect.csv", encoding="utf-8", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    rows.sort(key=lambda row: -"".join(row).count(","))  # the row with most commas first
    assert "".join(rows[0]).count(",") > 2 * (len(header) - 1)
    sheets = {}
    for name, delimiter in (("aect.csv", ","), ("aect.tsv", "\t")):
        sheets[name] = tmp_path / name
        with open(sheets[name], "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter=delimiter).writerows([header, *rows])
    assert detect(sheets["aect.tsv"]).id == "tags"
    posts, errors = read(sheets["aect.tsv"])
    assert errors == [] and len(posts) == 10
    assert [(p.id, p.text, p.hashtags) for p in posts] == [
        (p.id, p.text, p.hashtags) for p in read(sheets["aect.csv"])[0]]


def test_t_co_links_read_as_what_they_stand_for(data: Path) -> None:
    """With entities_str the text's t.co links are expanded (as the same tweet's v1.1 JSON
    reads), so a recap shows where a link goes."""
    posts, _ = read(data / "tags" / "tidytags_sample-data_TAGS_aect.csv")
    assert not [p.text for p in posts if "t.co/" in p.text]
    cut = next(p for p in posts if p.native_id == "1225122317849657345")
    assert cut.text.endswith("guest a… https://twitter.com/i/web/status/1225122317849657345")
    assert cut.text_original.endswith("guest a… https://t.co/9uNyjeuSxq")


def test_a_rounded_id_str_is_taken_whole_from_status_url(fixtures: Path, tmp_path: Path) -> None:
    """Excel rounds id_str to 1.46685E+18 but leaves status_url as text: the row keeps its
    tweet with the id from the URL; a URL that disagrees with the rounded id does not count."""
    with open(fixtures / "tags" / "edge_cases.csv", encoding="utf-8", newline="") as fh:
        header, first, *_ = list(csv.reader(fh))
    url, id_str = header.index("status_url"), header.index("id_str")
    rounded, wrong = list(first), list(first)
    rounded[id_str] = wrong[id_str] = "1.46685E+18"
    wrong[url] = "http://twitter.com/JeffHicks/statuses/1266851227459899392"
    sheet = tmp_path / "rounded.csv"
    with open(sheet, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, rounded, wrong])
    posts, errors = read(sheet)
    assert [p.native_id for p in posts] == ["1466851227459899392"]
    assert [(e.line, e.kind, e.skipped) for e in errors] == [(3, "rounded id", True),
                                                             (None, "rounded ids", False)]
    assert "1 row had an id_str rounded by a spreadsheet" in errors[1].reason


def test_a_links_address_is_not_decoded_as_if_it_were_text(tmp_path: Path) -> None:
    """The sheet's text is escaped as X wrote it; the addresses in entities_str are not."""
    address = "https://example.org/story?id=1&copy=2&not=3"
    entities = json.dumps({"urls": [{"url": "https://t.co/ODA1A8KUZ5", "expanded_url": address}]})
    path = tmp_path / "links.csv"
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows([
            ["id_str", "from_user", "text", "created_at", "from_user_id_str", "entities_str"],
            ["1466851227459899392", "JeffHicks", "Q&amp;A https://t.co/ODA1A8KUZ5",
             "Fri Dec 03 19:26:00 +0000 2021", "15453370", entities]])
    posts, errors = read(path)
    assert errors == [] and posts[0].text == f"Q&A {address}" and posts[0].urls == [address]
