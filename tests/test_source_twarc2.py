"""X API v2 (twarc2) pages, flattened and stream output, read from the shared data."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from chatrecap.errors import RecordError
from chatrecap.importer import import_file
from chatrecap.models import Post
from chatrecap.sources import detect
from chatrecap.sources.base import ReadOptions
from chatrecap.sources.twarc2 import SOURCE
from chatrecap.store import iso, open_store, post_row


def read(path: Path) -> tuple[list[Post], list[Post], list[RecordError]]:
    items = list(SOURCE.read(path, ReadOptions()))
    posts = [i for i in items if isinstance(i, Post) and not i.is_referenced]
    referenced = [i for i in items if isinstance(i, Post) and i.is_referenced]
    errors = [i for i in items if isinstance(i, RecordError)]
    return posts, referenced, errors


@pytest.mark.parametrize(("name", "posts", "referenced"), [
    ("2sets.jsonl", 200, 76),
    ("brexit.jsonl", 100, 55),
    ("kpop.jsonl", 100, 21),
    ("noflat.jsonl", 100, 64),
    ("flat.jsonl", 100, 66),
    ("cotweet.jsonl", 1, 0),
    ("mentions_tweet.jsonl", 1, 1),
    ("two_tweets.jsonl", 1, 1),
    ("streaming_output_with_error.jsonl", 7, 4),
])
def test_every_file_reads_its_exact_number_of_posts(data, name, posts, referenced):
    got, refs, errors = read(data / "twarc2" / name)
    assert len(got) == len({p.id for p in got}) == posts
    assert len({p.id for p in refs}) == referenced
    assert detect(data / "twarc2" / name).id == "twarc2"
    if name.startswith("streaming"):
        assert [(e.line, e.kind) for e in errors] == [(8, "invalid JSON")]
    else:
        assert errors == []


def test_retweet_gets_the_originals_full_text_and_repost_link(data):
    posts, refs, _ = read(data / "twarc2" / "flat.jsonl")
    retweet = next(p for p in posts if p.id == "twitter:1380242611781386245")
    assert retweet.author.handle == "Alexandravm12"
    assert retweet.repost_of_id == "twitter:1380175475545362437"
    assert retweet.text_original.startswith("RT @williamserafino: De manera simultánea")
    assert retweet.text_original.endswith("Colo…")
    assert not retweet.text.startswith("RT @")
    assert "Colombia" in retweet.text and len(retweet.text) > len(retweet.text_original) - 25
    original = next(p for p in refs if p.id == retweet.repost_of_id)
    assert original.text == retweet.text


def test_reply_quote_mentions_hashtags_and_time(data):
    posts, _, _ = read(data / "twarc2" / "2sets.jsonl")
    reply = next(p for p in posts if p.id == "twitter:1440716745577140229")
    assert reply.author.handle == "calin_a"
    assert reply.created_at == datetime(2021, 9, 22, 16, 36, 54, tzinfo=UTC)
    assert reply.reply_to_id == "twitter:1440621713281093641"
    assert reply.reply_to_author == "AndrewKnight226"
    assert reply.mentions == ["AndrewKnight226"]
    assert reply.hashtags[:3] == ["FuckBrexit", "BrexitSucks", "Brexit"]
    assert reply.source_line == 2 and reply.source_file.endswith("2sets.jsonl")
    quote = next(p for p in posts if p.id == "twitter:1440715975020584960")
    assert quote.quote_of_id == "twitter:1440660748275834882"
    assert quote.text == "And @AngelaRayner & #NicolaSturgeon blame #Brexit..🤣🤣🤣! " \
        "https://twitter.com/paulafr68963440/status/1440660748275834882"
    assert "&amp;" in quote.text_original  # the API's own text is kept beside the clean one


def test_flattened_users_written_as_empty_objects_lose_nothing(tmp_path, data):
    """``twarc2 flatten`` writes ``"in_reply_to_user": {}`` (and an empty ``author``) when the
    page did not include that user: the tweet still imports, its reply handle from its mention."""
    lines = (data / "twarc2" / "flat.jsonl").read_bytes().splitlines()
    tweet = orjson.loads(lines[3])  # a reply to a reply, both with their users inlined
    reply_to = tweet["in_reply_to_user"]["username"]
    tweet["in_reply_to_user"] = {}
    tweet["referenced_tweets"][0]["in_reply_to_user"] = {}
    tweet["referenced_tweets"][0]["author"] = {}
    tweet["entities"].setdefault("mentions", []).append(
        {"username": reply_to, "id": tweet["in_reply_to_user_id"]})
    path = tmp_path / "flat.jsonl"
    path.write_bytes(orjson.dumps(tweet) + b"\n")
    posts, refs, errors = read(path)
    assert errors == []
    assert [p.native_id for p in posts] == [tweet["id"]]
    assert posts[0].reply_to_author == reply_to
    assert [r.native_id for r in refs] == [tweet["referenced_tweets"][0]["id"]]
    assert refs[0].author.native_id == tweet["referenced_tweets"][0]["author_id"]


def test_a_flattened_referenced_reply_keeps_whom_it_answers(data):
    _, refs, _ = read(data / "twarc2" / "flat.jsonl")
    answered = [r for r in refs if r.reply_to_id]
    assert answered and all(r.reply_to_author for r in answered)


def test_stream_reply_author_comes_from_the_mention_id(data):
    posts, _, _ = read(data / "twarc2" / "streaming_output_with_error.jsonl")
    reply = next(p for p in posts if p.id == "twitter:1377650093109743620")
    assert reply.reply_to_id == "twitter:1377266697850257410"
    assert reply.reply_to_author == "PoliceMutual"
    photo_quote = next(p for p in posts if p.id == "twitter:1377650090978992134")
    assert photo_quote.media == ["https://pbs.twimg.com/media/Ex5ldKwXEAEnEnI.jpg"]
    assert "t.co" not in photo_quote.text  # media link dropped, quote link expanded


def test_metrics_author_profile_and_observation_time(data):
    posts, _, _ = read(data / "twarc2" / "2sets.jsonl")
    kpop = next(p for p in posts if p.id == "twitter:1440717170493689866")
    # A retweet: X gives it its original's retweet count (20), which is no count of its own.
    assert (kpop.repost_count, kpop.like_count) == (None, 0)
    assert kpop.observed_at is not None and kpop.observed_at.tzinfo is not None
    author = kpop.author
    assert author.native_id and author.handle == "ximerios12_"
    assert author.followers is not None
    # A bio's t.co links are written out, as X shows it (the kinds read a bio's links).
    bios = {p.author.handle: p.author.bio for p in posts if p.author.bio}
    assert "provide international coverage. http://kpopwise.com Contact us" in bios["kpopwise"]
    assert not any("t.co/" in bio for bio in bios.values())


def test_a_line_that_is_not_a_tweet_is_reported_and_the_rest_read(tmp_path, data):
    good = (data / "twarc2" / "two_tweets.jsonl").read_bytes()
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b'{"data": [{"id": "1"}]}\n[1, 2]\n' + good)
    posts, _, errors = read(path)
    assert [p.native_id for p in posts] == ["1394735776701816833"]
    assert [e.line for e in errors] == [1, 2]
    assert "has no author_id" in errors[0].reason



def test_tweets_fetched_without_author_and_time_are_recognised_and_said_so(tmp_path, data):
    """An X API response made with the default fields (id and text only) cannot be imported,
    and the message says which fields to ask for, not that the format is unknown."""
    page = orjson.loads((data / "twarc2" / "cotweet.jsonl").read_bytes().splitlines()[0])
    bare = {"data": [{"id": t["id"], "text": t["text"]} for t in page["data"]],
            "meta": {"result_count": len(page["data"])}}
    path = tmp_path / "home_timeline.json"
    path.write_bytes(orjson.dumps(bare))
    assert detect(path).id == "twarc2"
    posts, _, errors = read(path)
    assert posts == [] and len(errors) == 1
    assert "tweet.fields=author_id,created_at" in errors[0].reason


def test_a_line_with_a_broken_utf8_byte_is_reported():
    """A file that is UTF-8 but for one damaged byte is read as UTF-8; that line fails alone."""
    problems = SOURCE.parse_line(b'{"data": [{"id": "1\xe1", "author_id": "2", "text": "x"}]}\n', 3,
                                 "damaged.jsonl", ReadOptions())
    assert [(e.file, e.line, e.reason) for e in problems] == [
        ("damaged.jsonl", 3, "not valid UTF-8 (a string holds the byte 0xe1)")]


@pytest.mark.parametrize("name", ["2sets.jsonl", "flat.jsonl", "streaming_output_with_error.jsonl"])
def test_the_imports_rows_and_the_posts_say_the_same(data, name):
    """The import takes rows made straight from the decoded tweets, and the source's posts are
    made from those rows: a post written back is its row again (times, lists, flags), and a
    line refused one way is refused the other."""
    observed = "2026-01-01T00:00:00.000000+00:00"
    path = data / "twarc2" / name
    for number, line in enumerate(path.read_bytes().splitlines(), 1):
        posts = SOURCE.parse_line(line, number, str(path), ReadOptions())
        rows = SOURCE.parse_line_rows(line, number, str(path), ReadOptions(), observed)
        assert len(rows) == len(posts)
        for post, row in zip(posts, rows, strict=True):
            if isinstance(post, RecordError):
                assert (str(row), row.kind) == (str(post), post.kind)
                continue
            assert row[0] == post_row(post, iso(post.observed_at) or observed)
            assert row[1] is post.author or row[1] == post.author


@pytest.mark.parametrize(("change", "reason"), [
    ((b'"like_count":1', b'"like_count":18446744073709551615'),
     "like_count 18446744073709551615 is out of range"),
    ((b'"id":"11"', b'"id":""'), "id is empty"),
])
def test_a_value_msgspec_lets_through_is_still_refused_on_the_imports_path(change, reason):
    line = (b'{"data":[{"id":"11","text":"hi","author_id":"9","created_at":"2021-01-01T00:00:00.000Z",'
            b'"public_metrics":{"like_count":1}}],"includes":{"users":[{"id":"9","username":"a"}]}}')
    line = line.replace(*change)
    for problems in (SOURCE.parse_line(line, 4, "f.jsonl", ReadOptions()),
                     SOURCE.parse_line_rows(line, 4, "f.jsonl", ReadOptions(), "2026-01-01T00:00:00+00:00")):
        assert [(e.line, e.reason) for e in problems] == [
            (4, f"not a tweet record the X API v2 writes ({reason})")]


@pytest.mark.parametrize(("line", "said"), [
    (b'{"data": [{"end": "2021-10-16T19:00:00.000Z", "start": "2021-10-16T18:21:34.000Z", '
     b'"tweet_count": 3961}], "meta": {"total_tweet_count": 3961}}',
     "tweet counts (the X API's counts endpoint)"),
    (b'{"data": [{"id": "119369819", "name": "Ann", "username": "ann", "description": "hi"}]}',
     "user profiles (the X API's user lookup)"),
    (b'{"data": [{"id": "1354802865349435396", "name": "Pilots", "owner_id": "11", "member_count": 3}]}',
     "lists (the X API's list lookup)"),
    (b'{"id":"1170025343920402432","action":"delete","created_at":"2019-09-06T17:25:54.667Z","reason":"protected"}',
     "a compliance event (1170025343920402432: delete, protected)"),
])
def test_what_other_x_api_endpoints_write_is_named_not_called_broken(tmp_path, line, said):
    """twarc2 saves users, lists, tweet counts and compliance events as it saves tweets: such a
    file is recognised, and each line says what it holds instead of 'not a tweet record'."""
    path = tmp_path / "other.jsonl"
    path.write_bytes(line + b"\n")
    assert detect(path).id == "twarc2"
    [problem] = SOURCE.parse_line(line, 1, "other.jsonl", ReadOptions())
    assert (problem.reason, problem.kind, problem.skipped) == (
        f"this line holds {said}, not tweets; skipped", "not tweets", True)


def test_a_stream_line_of_api_errors_is_a_note_not_a_broken_record():
    line = (b'{"errors": [{"title": "operational-disconnect", "disconnect_type": "OperationalDisconnect", '
            b'"detail": "This stream has been disconnected for operational reasons."}], "__twarc": {}}')
    [problem] = SOURCE.parse_line(line, 5, "stream.jsonl", ReadOptions())
    assert (problem.line, problem.kind, problem.skipped) == (5, "API error", False)
    assert problem.reason == "the X API answered with errors, no tweets (operational-disconnect)"


@pytest.mark.parametrize("shape", ["pretty-printed page", "array of pages", "pretty array"])
def test_responses_saved_as_one_json_document(tmp_path, data, shape):
    """A response saved by curl, Postman or tweepy rather than twarc2: one page pretty-printed,
    or the pages as one JSON array. Read (and imported) as the same pages in JSON Lines."""
    source = data / "twarc2" / "2sets.jsonl"
    pages = [orjson.loads(line) for line in source.read_bytes().splitlines() if line.strip()]
    if shape == "pretty-printed page":
        pages = pages[:1]
    body = pages[0] if shape == "pretty-printed page" else pages
    path = tmp_path / "response.json"
    path.write_bytes(orjson.dumps(body, option=orjson.OPT_INDENT_2 if "pretty" in shape else 0))
    lines = tmp_path / "pages.jsonl"
    lines.write_bytes(b"\n".join(orjson.dumps(page) for page in pages) + b"\n")
    assert detect(path) is SOURCE
    got, truth = read(path), read(lines)
    assert [p.id for p in got[0]] == [p.id for p in truth[0]] and len(got[0]) == 100 * len(pages)
    assert [p.text for p in got[0]] == [p.text for p in truth[0]] and got[2] == truth[2] == []
    assert {p.source_line for p in got[0]} == set(range(1, len(pages) + 1))  # the page's place
    with open_store(tmp_path / "w.db") as store:
        report = import_file(store, path)
    assert (report.new, report.referenced, report.format) == (len(got[0]), len(got[1]), "twarc2")


def test_a_broken_first_line_is_one_bad_line_not_a_broken_document(tmp_path, data):
    lines = (data / "twarc2" / "2sets.jsonl").read_bytes()
    path = tmp_path / "cut.jsonl"
    path.write_bytes(lines[:500] + b"\n" + lines)  # a first line cut short, then the pages
    posts, _, errors = read(path)
    assert len(posts) == 200 and [e.line for e in errors] == [1]


def test_an_edited_tweets_link_to_itself_is_no_link_of_its_authors(tmp_path, data):
    """X adds to an edited tweet a t.co link to the tweet itself: it leaves the text and the
    links (which the recap counts as what people shared)."""
    page = orjson.loads((data / "twarc2" / "cotweet.jsonl").read_bytes().splitlines()[0])
    tweet = page["data"][0]
    own = f"https://twitter.com/i/web/status/{tweet['id']}"
    tweet["text"] += " https://t.co/rnwEIoNuqd"
    tweet.setdefault("entities", {}).setdefault("urls", []).append(
        {"start": 0, "end": 23, "url": "https://t.co/rnwEIoNuqd", "expanded_url": own,
         "display_url": f"twitter.com/i/web/status/{tweet['id'][:6]}…"})
    tweet["edit_history_tweet_ids"] = ["1577318900085186000", tweet["id"]]
    path = tmp_path / "edited.jsonl"
    path.write_bytes(orjson.dumps(page) + b"\n")
    (post,), _, errors = read(path)
    assert errors == [] and post.text == "who need they cotwussy tested" and post.urls == []
    assert "t.co" not in post.text and own not in post.urls


def test_a_links_address_is_not_decoded_as_if_it_were_text(tmp_path, data):
    """X escapes "&", "<" and ">" in a tweet's text, not in its links' addresses: an address
    such as "?a=1&copy=2&not=3" is put in the text as it is ("&copy" is not "©")."""
    page = orjson.loads((data / "twarc2" / "cotweet.jsonl").read_bytes().splitlines()[0])
    tweet = page["data"][0]
    address = "https://example.org/story?id=1&copy=2&not=3&amp;x=4"
    tweet["text"] = "Q&amp;A &lt;3 https://t.co/AbCdEfGhIj"
    tweet["entities"] = {"urls": [{"start": 13, "end": 36, "url": "https://t.co/AbCdEfGhIj",
                                   "expanded_url": address}]}
    path = tmp_path / "links.jsonl"
    path.write_bytes(orjson.dumps(page) + b"\n")
    (post,), _, errors = read(path)
    assert errors == [] and post.text == f"Q&A <3 {address}" and post.urls == [address]
    db = tmp_path / "w.db"
    with open_store(db) as store:  # the import's own path (rows straight from the structs)
        assert import_file(store, path, "twarc2").new == 1
        assert store.query("SELECT text FROM posts")[0][0] == f"Q&A <3 {address}"


def _stream_line(data, tweet_id: str, history: list[str], text: str, minute: int,
                 reply_to: str | None = None) -> bytes:
    """A filtered-stream line of the shared data made into another tweet of its author."""
    line = orjson.loads((data / "twarc2" / "streaming_output_with_error.jsonl").read_bytes().splitlines()[0])
    tweet = line["data"]
    for key in ("attachments", "referenced_tweets", "entities"):
        tweet.pop(key, None)
    tweet.update(id=tweet_id, conversation_id=history[0], text=text,
                 created_at=f"2022-11-03T19:{minute:02d}:00.000Z", edit_history_tweet_ids=history)
    if reply_to:
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": reply_to}]
    line["includes"].pop("tweets", None)
    return orjson.dumps(line)


ORIGINAL, EDIT = "1588000000000000001", "1588000000000000777"


@pytest.mark.parametrize("order", ["as streamed", "edit first", "in two imports"])
def test_an_edited_tweet_is_read_once_as_its_newest_version(tmp_path, data, order):
    """X makes each edit a new tweet listing the versions (oldest first); a stream captures
    them all, a later search the newest: both are stored, the chat reads the newest only,
    and a reply to the first version answers the newest."""
    from chatrecap.analysis.corpus import load_corpus
    original = _stream_line(data, ORIGINAL, [ORIGINAL], "A1: first take #edits", 1)
    reply = _stream_line(data, "1588000000000000500", ["1588000000000000500"],
                         "agreed, first take wins #edits", 3, reply_to=ORIGINAL)
    edit = _stream_line(data, EDIT, [ORIGINAL, EDIT], "A1: first take, better said #edits", 5)
    lines = {"as streamed": [[original, reply, edit]], "edit first": [[edit, reply, original]],
             "in two imports": [[edit], [original, reply]]}[order]
    with open_store(tmp_path / "w.db") as store:
        for k, part in enumerate(lines):
            path = tmp_path / f"part{k}.jsonl"
            path.write_bytes(b"\n".join(part) + b"\n")
            assert import_file(store, path, "twarc2", ReadOptions(chat="#edits")).error is None
        assert store.query("SELECT COUNT(*) FROM posts")[0][0] == 3  # every version is kept
        assert store.query("SELECT post_id, by_id FROM post_versions") == [
            (f"twitter:{ORIGINAL}", f"twitter:{EDIT}")]
        corpus = load_corpus(store, "#edits")
        # Sessions and the series view count the post once too.
        assert [row[1] for row in store.chat_times("#edits")] == [
            "twitter:1588000000000000500", f"twitter:{EDIT}"]
        hour = datetime(2022, 11, 3, 19, tzinfo=UTC), datetime(2022, 11, 3, 20, tzinfo=UTC)
        assert list(store.chat_author_counts("#edits", *hour).values()) == [2]
    # The newest version stands where the post was first written, before the reply to it.
    assert [p.id for p in corpus.posts] == [f"twitter:{EDIT}", "twitter:1588000000000000500"]
    edited = corpus.by_id[f"twitter:{EDIT}"]
    assert edited.text == "A1: first take, better said #edits"
    assert edited.created_at == datetime(2022, 11, 3, 19, 1, tzinfo=UTC)
    assert corpus.posts[1].reply_to_id == f"twitter:{EDIT}"
    from chatrecap.analysis.structure import analyse
    assert analyse(corpus).threads == [[f"twitter:{EDIT}", "twitter:1588000000000000500"]]


def test_a_reply_to_an_earlier_version_a_search_page_includes_answers_the_newest(tmp_path, data):
    """A search made after the edit holds the newest version; a reply to the first one
    carries it in the page's includes only: the reply answers the newest."""
    from chatrecap.analysis.corpus import load_corpus
    edit = orjson.loads(_stream_line(data, EDIT, [ORIGINAL, EDIT], "A1: better said #edits", 5))
    reply = orjson.loads(_stream_line(data, "1588000000000000900", ["1588000000000000900"],
                                      "agreed #edits", 6, reply_to=ORIGINAL))
    first = orjson.loads(_stream_line(data, ORIGINAL, [ORIGINAL, EDIT], "A1: first take #edits", 1))
    # and a quote of another reply to the first version, which the page includes
    other = orjson.loads(_stream_line(data, "1588000000000000950", ["1588000000000000950"],
                                      "so true", 7, reply_to=ORIGINAL))
    quote = orjson.loads(_stream_line(data, "1588000000000000990", ["1588000000000000990"],
                                      "this #edits", 8))
    quote["data"]["referenced_tweets"] = [{"type": "quoted", "id": "1588000000000000950"}]
    page = {"data": [edit["data"], reply["data"], quote["data"]],
            "includes": {**edit["includes"], "tweets": [first["data"], other["data"]]}}
    path = tmp_path / "search.jsonl"
    path.write_bytes(orjson.dumps(page) + b"\n")
    with open_store(tmp_path / "w.db") as store:
        assert import_file(store, path, "twarc2", ReadOptions(chat="#edits")).new == 3
        corpus = load_corpus(store, "#edits")
    assert [p.id for p in corpus.posts] == [f"twitter:{EDIT}", "twitter:1588000000000000900",
                                            "twitter:1588000000000000990"]
    assert corpus.posts[1].reply_to_id == f"twitter:{EDIT}"
    assert corpus.referenced["twitter:1588000000000000950"].reply_to_id == f"twitter:{EDIT}"
    assert corpus.posts[0].created_at == datetime(2022, 11, 3, 19, 1, tzinfo=UTC)


@pytest.mark.parametrize("history", [None, [int(ORIGINAL)], "odd", [{"id": ORIGINAL}]])
def test_an_odd_edit_history_costs_nothing_but_the_versions(tmp_path, data, history):
    line = orjson.loads(_stream_line(data, ORIGINAL, [ORIGINAL], "A1: first take #edits", 1))
    line["data"]["edit_history_tweet_ids"] = history
    path = tmp_path / "odd.jsonl"
    path.write_bytes(orjson.dumps(line) + b"\n")
    posts, _, errors = read(path)
    assert [p.id for p in posts] == [f"twitter:{ORIGINAL}"] and errors == []


def test_an_earlier_version_gives_way_to_the_newest_the_chat_holds(tmp_path, data):
    """Each version is replaced by every later one, so whichever versions an archive holds,
    the chat reads the newest of them; an earlier version alone is the chat's post."""
    from chatrecap.analysis.corpus import load_corpus
    from chatrecap.models import Superseded
    newest = "1588000000000000999"
    first = _stream_line(data, ORIGINAL, [ORIGINAL, EDIT], "A1: first take #edits", 1)
    path = tmp_path / "old.jsonl"
    path.write_bytes(first + b"\n")
    with open_store(tmp_path / "w.db") as store:
        assert import_file(store, path, "twarc2", ReadOptions(chat="#edits")).new == 1
        assert [p.id for p in load_corpus(store, "#edits").posts] == [f"twitter:{ORIGINAL}"]
        path.write_bytes(first + b"\n" + _stream_line(data, EDIT, [ORIGINAL, EDIT, newest],
                                                      "A1: again #edits", 4) + b"\n")
        assert [i for i in SOURCE.read(path, ReadOptions()) if isinstance(i, Superseded)][1:] == [
            Superseded(f"twitter:{ORIGINAL}", f"twitter:{EDIT}"),
            Superseded(f"twitter:{ORIGINAL}", f"twitter:{newest}"),
            Superseded(f"twitter:{EDIT}", f"twitter:{newest}")]
        assert import_file(store, path, "twarc2", ReadOptions(chat="#edits")).new == 1
        assert store.query("SELECT COUNT(*) FROM post_versions")[0][0] == 3
        assert [p.id for p in load_corpus(store, "#edits").posts] == [f"twitter:{EDIT}"]


def test_an_edits_versions_survive_export_and_import(tmp_path, data):
    import json

    import jsonschema

    from chatrecap.analysis.corpus import load_corpus
    from chatrecap.export import write_jsonl
    path = tmp_path / "stream.jsonl"
    path.write_bytes(_stream_line(data, ORIGINAL, [ORIGINAL], "A1: first take #edits", 1) + b"\n"
                     + _stream_line(data, EDIT, [ORIGINAL, EDIT], "A1: better said #edits", 5) + b"\n")
    exported = tmp_path / "posts.jsonl"
    with open_store(tmp_path / "w.db") as store, exported.open("wb") as out:
        import_file(store, path, "twarc2", ReadOptions(chat="#edits"))
        write_jsonl(store, out)
    records = [orjson.loads(line) for line in exported.read_bytes().splitlines()]
    schema = json.loads((Path(__file__).parents[1] / "src/chatrecap/schemas/post.schema.json").read_text())
    for record in records:
        jsonschema.Draft202012Validator(schema).validate(record)
    assert [r.get("superseded_by") for r in records] == [[f"twitter:{EDIT}"], None]
    with open_store(tmp_path / "copy.db") as copy:
        assert import_file(copy, exported).format == "jsonl"
        assert copy.query("SELECT post_id, by_id FROM post_versions") == [
            (f"twitter:{ORIGINAL}", f"twitter:{EDIT}")]
        assert [p.id for p in load_corpus(copy, "#edits").posts] == [f"twitter:{EDIT}"]


@pytest.mark.parametrize(("value", "versions", "note"), [
    ("twitter:9", [], True),  # not a list: the post stays, without versions, and it is said
    (3, [], True),
    (["twitter:SELF"], [], False),  # a post is no later version of itself
    (["twitter:1588000000000000777", "twitter:1588000000000000777"],
     [("SELF", "twitter:1588000000000000777")], False),
])
def test_a_canonical_records_superseded_by_is_checked(tmp_path, data, value, versions, note):
    from chatrecap.models import Superseded
    from chatrecap.sources.jsonl import SOURCE as CANONICAL
    path = tmp_path / "stream.jsonl"
    path.write_bytes(_stream_line(data, ORIGINAL, [ORIGINAL], "A1: first take #edits", 1) + b"\n")
    exported = tmp_path / "posts.jsonl"
    from chatrecap.export import write_jsonl
    with open_store(tmp_path / "w.db") as store, exported.open("wb") as out:
        import_file(store, path, "twarc2", ReadOptions(chat="#edits"))
        write_jsonl(store, out)
    record = orjson.loads(exported.read_bytes())
    own = record["id"]
    record["superseded_by"] = [own if v == "twitter:SELF" else v for v in value] \
        if isinstance(value, list) else value
    exported.write_bytes(orjson.dumps(record) + b"\n")
    items = list(CANONICAL.read(exported, ReadOptions()))
    assert [i.id for i in items if isinstance(i, Post)] == [own]
    assert [(i.post_id, i.by_id) for i in items if isinstance(i, Superseded)] == [
        (own if old == "SELF" else old, new) for old, new in versions]
    notes = [(e.line, e.skipped) for e in items if isinstance(e, RecordError)]
    assert notes == ([(1, False)] if note else [])
