"""DiscordChatExporter JSON: a hand-made community hour in the exporter's documented layout."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chatrecap.errors import InputError, RecordError
from chatrecap.models import Post
from chatrecap.sources.base import ReadOptions, Sample, take_sample
from chatrecap.sources.discord import SOURCE

GUILD = "1042187301265522708"
CHANNEL = "1061402233840816138"
Q1, Q2 = "1103743346012192772", "1103746620308193291"


@pytest.fixture
def hour(fixtures: Path) -> Path:
    return fixtures / "discord" / "community-hour.json"


def read_all(path: Path) -> tuple[list[Post], list[RecordError]]:
    """The posts and the problems (the note counting the system messages left out aside)."""
    items = list(SOURCE.read(path, ReadOptions()))
    return ([i for i in items if isinstance(i, Post)],
            [i for i in items if isinstance(i, RecordError) and i.kind != "system messages"])


def edited_copy(hour: Path, tmp_path: Path, change) -> Path:
    doc = json.loads(hour.read_text(encoding="utf-8"))
    change(doc)
    out = tmp_path / "edited.json"
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return out


def test_sniff_recognises_the_export(hour: Path) -> None:
    sample = take_sample(hour)
    assert SOURCE.sniff(sample) >= 0.9
    cut = Sample(hour, sample.head[:300], sample.text[:300], "utf-8")  # a sample cut short
    assert SOURCE.sniff(cut) == 0  # "messages" not seen yet: not sure enough
    assert SOURCE.sniff(Sample(hour, b"", sample.text[:2000], "utf-8")) >= 0.9


@pytest.mark.parametrize("other", [
    "slack/slack_export_viewer_testarchive.zip",
    "mastodon/timeline_tag_hoot.json",
    "mastodon/status_docs_example.json",
    "twarc2/two_tweets.jsonl",
    "twitter_v1/tidytags_lookup_many_0.json",
    "bluesky/thread_view_post_with_embed_media.json",
])
def test_sniff_says_no_to_other_formats(data: Path, other: str) -> None:
    assert SOURCE.sniff(take_sample(data / other)) == 0


def test_counts_and_skipped_system_messages(hour: Path) -> None:
    # 17 messages: GuildMemberJoin, ChannelPinnedMessage and ThreadCreated are left out, and
    # counted in one note (the summary's records read fall short of the 17 otherwise).
    posts, errors = read_all(hour)
    assert errors == []
    (note,) = [i for i in SOURCE.read(hour, ReadOptions()) if isinstance(i, RecordError)]
    assert note.reason.startswith("3 system messages (ChannelPinnedMessage 1, GuildMemberJoin 1, "
                                  "ThreadCreated 1) left out") and not note.skipped
    assert len(posts) == 14
    assert [p.source_line for p in posts] == [2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17]
    assert all(p.created_at.tzinfo is UTC and p.platform == "discord" for p in posts)
    assert all(p.channel == "community-hour" and p.hashtags == [] for p in posts)
    assert all(p.source_file == str(hour) for p in posts)
    assert sum(1 for p in posts if p.author.is_bot) == 2
    assert sum(1 for p in posts if p.reply_to_id) == 6


def test_question_post(hour: Path) -> None:
    posts, _ = read_all(hour)
    q1 = next(p for p in posts if p.native_id == Q1)
    assert q1.id == f"discord:{Q1}"
    assert q1.author.id == "discord:804211395820093460"
    assert (q1.author.handle, q1.author.display_name, q1.author.is_bot) == (
        "maya_mod", "Maya | Host", False)
    # 14:02:00.249 at -04:00 is 18:02:00.249 UTC
    assert q1.created_at == datetime(2023, 5, 4, 18, 2, 0, 249000, tzinfo=UTC)
    assert q1.text == "Q1: How did you first learn to write tests for your code? :pythonheart:"
    assert q1.text_original.endswith("<:pythonheart:1101852341226270740>")
    assert q1.like_count == 5
    assert q1.reply_count is None and q1.reply_to_id is None and q1.thread_id is None
    assert q1.url == f"https://discord.com/channels/{GUILD}/{CHANNEL}/{Q1}"
    assert q1.raw["isPinned"] is True


def test_replies_mentions_urls_and_media(hour: Path) -> None:
    posts = {p.source_line: p for p in read_all(hour)[0]}
    a1 = posts[6]
    assert (a1.reply_to_id, a1.reply_to_author) == (f"discord:{Q1}", "maya_mod")
    assert a1.mentions == ["maya_mod"]
    assert a1.urls == ["https://docs.pytest.org/en/stable/getting-started.html"]
    assert a1.text_original is None and a1.like_count == 4

    lee = posts[8]  # a mention in the text, a link in parentheses
    assert lee.text == "A1: @maya_mod the Hypothesis docs got me hooked (https://hypothesis.readthedocs.io/)."
    assert lee.mentions == ["maya_mod"]
    assert lee.urls == ["https://hypothesis.readthedocs.io/"]
    assert (lee.author.handle, lee.author.display_name) == ("lee.tran", "Lee")
    assert lee.reply_to_id is None

    back = posts[9]  # the host answers an answer
    assert back.text == "@devon.k ha, the classic way! Thanks for the link."
    assert back.mentions == ["devon.k"]
    assert (back.reply_to_id, back.reply_to_author) == ("discord:1103743923811123206", "devon.k")

    assert posts[10].text == "hi all, first time here! mostly lurking today :wavey:"

    shot = posts[12]
    assert shot.reply_to_id == f"discord:{Q2}"
    assert shot.media == ["https://cdn.discordapp.com/attachments/1061402233840816138/"
                          "1103688412345678901/coverage-report.png"]
    assert posts[13].text == "A2 tox, hands down. https://tox.wiki"
    assert posts[13].urls == ["https://tox.wiki"]
    assert posts[15].text == (
        "A2: Hypothesis for property tests & freezegun for anything time-related")

    bot = posts[16]
    assert (bot.author.handle, bot.author.is_bot) == ("HourBot", True)
    assert bot.media == ["https://media.discordapp.net/stickers/816087792291282944.png"]


def test_markup_roles_timestamps_and_channels(hour: Path) -> None:
    posts = {p.source_line: p for p in read_all(hour)[0]}
    assert posts[2].text == (
        "Welcome to Community Hour, @Community Hour! :wave: Today's topic: testing Python "
        "code. Questions come as Q1, Q2...; please answer with A1, A2... We run until "
        "2023-05-04T19:00:00+00:00."
    )
    assert posts[2].mentions == []  # a role is not a handle
    assert "**testing Python code**" in posts[2].text_original  # (the markup, kept as written)
    # a channel outside the export stays as it is
    assert posts[3].text.endswith("Full rules in <#1042187301265522715>.")
    wrap = posts[17]
    assert wrap.text == (
        "That's a wrap, thanks everyone :pythonheart: Next hour: 2023-05-11T18:00:00+00:00. "
        "The recap will be posted in #community-hour."
    )
    assert wrap.like_count == 9


def test_malformed_messages_yield_errors_and_the_rest_imports(hour: Path, tmp_path: Path) -> None:
    def damage(doc: dict) -> None:
        del doc["messages"][5]["timestamp"]  # devon's A1, line 6
        doc["messages"][9] = "not a message"  # line 10
    posts, errors = read_all(edited_copy(hour, tmp_path, damage))
    assert [(e.line, "timestamp" in e.reason) for e in errors] == [(6, True), (10, False)]
    assert len(posts) == 12
    # the reply to the damaged message still knows its author from the file
    back = next(p for p in posts if p.source_line == 9)
    assert back.reply_to_author == "devon.k"


def test_direct_messages_and_threads(hour: Path, tmp_path: Path) -> None:
    def to_thread_in_dms(doc: dict) -> None:
        doc["guild"] = {"id": "0", "name": "Direct Messages", "iconUrl": None}
        doc["channel"]["type"] = "GuildPublicThread"
    posts, _ = read_all(edited_copy(hour, tmp_path, to_thread_in_dms))
    assert posts[0].url.startswith(f"https://discord.com/channels/@me/{CHANNEL}/")
    assert all(p.thread_id == f"discord:{CHANNEL}" for p in posts)
    # A thread's talk belongs to its channel, which the exporter gives as its "category".
    assert {p.channel for p in posts} == {"Events"}


def test_not_json_raises_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text('{"guild": {"id": "1"}, "channel": {}, "messages": [', encoding="utf-8")
    with pytest.raises(InputError):
        list(SOURCE.read(bad, ReadOptions()))
    other = tmp_path / "other.json"
    other.write_text('{"guild": {"id": "1"}, "channel": {}}', encoding="utf-8")
    with pytest.raises(InputError, match="messages"):
        list(SOURCE.read(other, ReadOptions()))


def test_a_reply_written_as_a_default_message_with_a_reference(hour: Path, tmp_path: Path) -> None:
    """Older exports (and Discord's older replies) type a reply "Default" or 19: its reference
    into this channel is its parent; a crosspost's, into another channel, is not."""
    def older(doc: dict) -> None:
        messages = doc["messages"]
        messages[5]["type"] = "Default"  # devon's A1, answering Q1
        messages[8]["type"] = "19"
        messages[7]["reference"] = {"messageId": "1", "channelId": "99", "guildId": "98"}  # crossposted
    posts = {p.source_line: p for p in read_all(edited_copy(hour, tmp_path, older))[0]}
    assert (posts[6].reply_to_id, posts[6].reply_to_author) == (f"discord:{Q1}", "maya_mod")
    assert posts[9].reply_to_author == "devon.k"
    assert posts[8].reply_to_id is None


def test_a_webhooks_names_are_authors_of_their_own(hour: Path, tmp_path: Path) -> None:
    """PluralKit, Tupperbox and relays send under one webhook id with a name per message."""
    def personas(doc: dict) -> None:
        for k, name in ((5, "Aster"), (7, "Bramble")):
            doc["messages"][k]["author"] = {"id": "913100889995231243", "name": name, "discriminator": "0000",
                                            "nickname": name, "isBot": True}
    posts = {p.source_line: p for p in read_all(edited_copy(hour, tmp_path, personas))[0]}
    assert (posts[6].author.handle, posts[8].author.handle) == ("Aster", "Bramble")
    assert posts[6].author.id != posts[8].author.id
    assert not posts[6].author.is_bot  # (the people behind a webhook: no bot)
