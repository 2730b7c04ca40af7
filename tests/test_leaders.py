"""`chatrecap leaders` and `chatrecap accounts` on the bundled example and #PSTweetChat."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest
from conftest import run_demo
from test_cli import run_main

TRUTH = json.loads((files("chatrecap") / "examples" / "b2bchat-example.truth.json").read_text())
FIELDS = {"handle", "name", "kind", "kind_confidence", "score", "recognition", "nominations",
          "self_promotion", "evidence"}


@pytest.fixture(scope="module")
def example_db(tmp_path_factory):
    base = tmp_path_factory.mktemp("leaders")
    run_demo(base)
    return str(base / "w.db")


def leaders_json(monkeypatch, capsys, db, *args):
    assert run_main(monkeypatch, "--db", db, "leaders", *args, "--format", "json") in (0, None)
    return json.loads(capsys.readouterr().out)


def test_leaders_of_the_example_are_people_the_room_named(example_db, monkeypatch, capsys):
    rows = leaders_json(monkeypatch, capsys, example_db)
    assert FIELDS <= set(rows[0])
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    top = rows[:5]
    assert all(r["kind"] == "person" for r in top)
    organizations = {h.lower() for h in TRUTH["organizations"]}
    named = {r["handle"].lower() for r in rows if r["nominations"] and r["handle"]}
    assert named and not named & organizations  # people are named, never companies
    assert all(r["evidence"] for r in top)


def test_the_self_promoter_is_flagged_and_sinks(example_db, monkeypatch, capsys):
    rows = leaders_json(monkeypatch, capsys, example_db)
    greg = next(r for r in rows if r["handle"] == TRUTH["self_promoter"])
    assert greg["self_promotion"] >= 0.8
    assert greg["score"] < 0
    # Subtracted shrunk toward none by two quiet posts: his n of n count as n of n + 2.
    n = len(greg["evidence_by"]["promotion"])
    assert greg["self_promotion"] == 1.0 and greg["components"]["promotion"] == round(-0.5 * n / (n + 2), 4)
    assert rows.index(greg) > len(rows) // 2


def test_the_early_contrarian_is_credited(example_db, monkeypatch, capsys):
    rows = leaders_json(monkeypatch, capsys, example_db)
    by_early = sorted(rows, key=lambda r: -r["early_adopter"])[:3]
    assert TRUTH["contrarian"]["author"] in {r["handle"] for r in by_early}
    # The post that earned the credit is shown with it, whatever else the account has.
    contrarian = next(r for r in rows if r["handle"] == TRUTH["contrarian"]["author"])
    post_id = TRUTH["contrarian"]["post_id"]
    assert post_id in contrarian["evidence_by"]["early"] and post_id in contrarian["evidence"]
    # Full marks need two ideas taken up by ten people each: a lone small one is not made the best.
    from chatrecap.analysis.leaders import FULL_EARLY

    top = max(max(r["early_adopter"] for r in rows), FULL_EARLY)
    assert all(abs(r["components"]["early"] - 0.2 * r["early_adopter"] / top) < 1e-3 for r in rows)
    for row in rows:  # every part's first posts, and at most ten a part
        assert all(ids[0] in row["evidence"] and len(ids) <= 10 for ids in row["evidence_by"].values())


def test_people_and_organisations_apart(example_db, monkeypatch, capsys):
    people = leaders_json(monkeypatch, capsys, example_db, "--people")
    orgs = leaders_json(monkeypatch, capsys, example_db, "--orgs")
    assert people and all(r["kind"] == "person" for r in people)
    assert orgs and all(r["kind"] == "organization" for r in orgs)
    assert {r["handle"] for r in orgs} >= {"AcmeAnalytics", "ContentForgeHQ"}


def test_csv_and_table(example_db, monkeypatch, capsys):
    assert run_main(monkeypatch, "--db", example_db, "leaders", "-f", "csv") in (0, None)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("handle,name,kind,kind_confidence,score")
    assert run_main(monkeypatch, "--db", example_db, "leaders", "--top", "3") in (0, None)
    assert "Thought leaders of b2bchat-20240314-1800" in capsys.readouterr().out


def test_a_host_nobody_posts_as_is_an_error_not_a_session_without_host(example_db, monkeypatch, capsys):
    """A mistyped --host left the session without a host: 9 prompts found instead of 4."""
    for command in (["leaders"], ["recap", "--latest", "-o", str(Path(example_db).parent / "r")],
                    ["sessions"], ["leaders", "--series", "#B2Bchat"]):
        assert run_main(monkeypatch, "--db", example_db, *command, "--host", "nobodyhere") == 2
        assert "--host: nobody in #B2Bchat posts as @nobodyhere" in capsys.readouterr().err
    assert run_main(monkeypatch, "--db", example_db, "sessions", "--host", "@b2bchathost") in (0, None)
    assert "@B2BchatHost" in capsys.readouterr().out  # (as the chat writes it)
    # A Mastodon address names a local account by its own part.
    assert run_main(monkeypatch, "--db", example_db, "sessions", "--host", "B2BchatHost@example.social",
                    "--format", "json") in (0, None)
    assert json.loads(capsys.readouterr().out)[0]["hosts"] == ["B2BchatHost"]


def test_bad_leader_options_are_one_line_errors(example_db, monkeypatch, capsys):
    assert run_main(monkeypatch, "--db", example_db, "leaders", "--weights", "fame=1") == 2
    assert "unknown weight 'fame'" in capsys.readouterr().err
    for bad in ("abc", "nan", "inf", "1e400"):
        assert run_main(monkeypatch, "--db", example_db, "leaders", "--weights", f"recognition={bad}") == 2
        assert f"--weights: recognition takes a number, not '{bad}'." in capsys.readouterr().err
    # (a negative weight turned a part around, self-promotion a bonus; all zero ranked nobody)
    for bad, said in (("promotion=-5", "promotion takes a weight of 0 or more, not -5"),
                      ("recognition=0.5,recognition=0.2", "recognition is given twice"),
                      ("recognition=0,nominations=0,early=0", "nothing would rank anyone")):
        assert run_main(monkeypatch, "--db", example_db, "leaders", "--weights", bad) == 2
        assert said in capsys.readouterr().err
    assert run_main(monkeypatch, "--db", example_db, "leaders", "--people", "--orgs") == 2
    assert "not both" in capsys.readouterr().err


def test_accounts_include_mentioned_only_ones_and_corrections_win(example_db, monkeypatch,
                                                                   capsys):
    assert run_main(monkeypatch, "--db", example_db, "accounts", "-f", "json") in (0, None)
    rows = {r["handle"]: r for r in json.loads(capsys.readouterr().out)}
    assert {"handle", "name", "kind", "kind_confidence"} <= set(rows["DrLenaOkafor"])
    assert "MarkoVeldt" in rows  # named in posts; never posted in the chat
    assert rows["B2BchatHost"]["kind"] == "organization"
    code = run_main(monkeypatch, "--db", example_db, "accounts", "--set-kind",
                    "B2BchatHost=person", "-f", "json")
    assert code in (0, None)
    rows = {r["handle"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["B2BchatHost"]["kind"] == "person"
    assert rows["B2BchatHost"]["kind_confidence"] == 1.0
    assert rows["B2BchatHost"]["evidence"] == ["set by a user"]
    assert run_main(monkeypatch, "--db", example_db, "accounts", "--set-kind",
                    "B2BchatHost=robot") == 2
    assert "HANDLE=person" in capsys.readouterr().err
    assert run_main(monkeypatch, "--db", example_db, "accounts", "--set-kind",
                    "B2BchatHost=organization") in (0, None)


def test_series_leaders_of_pstweetchat(tmp_path, monkeypatch, capsys, data):
    db = str(tmp_path / "w.db")
    assert run_main(monkeypatch, "--db", db, "import", "--tz", "America/New_York",
                    str(data / "twitter-archiver" / "pstweetchat-2020-2021.csv")) in (0, None)
    capsys.readouterr()
    rows = leaders_json(monkeypatch, capsys, db, "--series", "#PSTweetChat", "--people")
    assert rows[0]["handle"] == "JeffHicks"
    assert rows[0]["evidence"] and rows[0]["recognition"] > rows[1]["recognition"]
    assert len(rows) > 50
    # The series is its sessions: a stray post between them (a link shared on another day)
    # is evidence of nothing.
    from chatrecap.analysis.corpus import load_corpus
    from chatrecap.analysis.sessions import find_sessions
    from chatrecap.store import open_store

    with open_store(db) as store:
        windows = [s.window for s in find_sessions(store, "#PSTweetChat")]
        times = {p.id: p.created_at for p in load_corpus(store, "#PSTweetChat").posts}
    evidence = [post for row in rows[:10] for post in row["evidence"]]
    assert len(evidence) > 100
    assert all(any(start <= times[post] < end for start, end in windows) for post in evidence)
    # A session's nominee who only posted in other months is named as the chat knows them.
    session = leaders_json(monkeypatch, capsys, db, "pstweetchat-20211203-1800", "--chat", "#PSTweetChat")
    assert [(r["handle"], r["name"]) for r in session if r["nominations"]] == [("fuselamb", "David Lamb")]


def test_series_leaders_of_a_chat_without_sessions_is_an_error(tmp_path, monkeypatch, capsys, data):
    db = str(tmp_path / "w.db")
    assert run_main(monkeypatch, "--db", db, "import", str(data / "twarc2" / "two_tweets.jsonl"),
                    "--chat", "tiny") in (0, None)
    capsys.readouterr()
    assert run_main(monkeypatch, "--db", db, "leaders", "--series", "tiny") == 2
    error = " ".join(capsys.readouterr().err.split())
    assert "No session found in tiny" in error
    # ... and says what to run instead, which works.
    command = shlex.split(error.split("`chatrecap ")[1].split("`")[0])
    assert command[:3] == ["leaders", "--chat", "tiny"] and "--from" in command
    assert run_main(monkeypatch, "--db", db, *command, "--format", "json") in (0, None)
    assert json.loads(capsys.readouterr().out)


def test_a_series_whose_sessions_hold_few_of_its_posts_says_how_to_rank_them_all(tmp_path, monkeypatch,
                                                                                 capsys, data):
    """#DuBoisChallenge runs over weeks: one burst holds 25 of its 444 posts."""
    db = str(tmp_path / "w.db")
    assert run_main(monkeypatch, "--db", db, "import", str(data / "duboischallenge" / "tweets.csv"),
                    "--format", "csv", "--map", "text=content,author=username,time=datetime",
                    "--chat", "#DuBois Challenge") in (0, None)
    capsys.readouterr()
    assert run_main(monkeypatch, "--db", db, "leaders", "--series", "#DuBois Challenge", "--format",
                    "json") in (0, None)
    note = " ".join(capsys.readouterr().err.split())
    assert "the sessions hold 25 of the chat's 444 posts" in note
    command = shlex.split(note.split("`chatrecap ")[1].split("`")[0])  # (as a shell reads it)
    assert command[:3] == ["leaders", "--chat", "#DuBois Challenge"] and command[4].startswith("2021-02-")


def test_an_organisation_shows_what_it_owes_its_people(example_db, monkeypatch, capsys):
    orgs = {r["handle"]: r for r in leaders_json(monkeypatch, capsys, example_db, "--orgs")}
    acme = orgs["AcmeAnalytics"]["company"]
    assert acme["people"] == ["PriyaNairB2B"]  # "VP Marketing at Acme Analytics"
    assert acme["people_recognition"] > acme["own_recognition"]
    assert acme["key_people"] == 1 and acme["key_people_handles"] == ["PriyaNairB2B"]
    assert 0 < acme["hhi"] <= 1 and acme["top1_share"] == 1.0


def test_the_two_process_leaders_step_gives_what_one_process_gives(example_db, monkeypatch, capsys):
    """From PARALLEL_POSTS posts the early-idea search runs in a fresh process sent the posts'
    words, while the leaders are put together but for their early ideas: the leaders are the
    same, to the last figure. (Run in a fresh process itself: the leaders step works beside only
    a process with no other thread, and the test session has some.)"""
    alone = leaders_json(monkeypatch, capsys, example_db, "--series", "#B2Bchat")
    assert len(alone) > 20 and alone[0]["evidence"]
    beside = subprocess.run([sys.executable, "-c", TWO_PROCESSES, example_db], capture_output=True,
                            text=True, check=True)
    assert beside.stderr.split() == ["fresh"]
    assert json.loads(beside.stdout) == alone
    # A fresh process that cannot run (here: an interpreter that exits at once) leaves the
    # work to this one, with the same result.
    script = "import sys; sys.executable = '/bin/false'\n" + TWO_PROCESSES
    lost = subprocess.run([sys.executable, "-c", script, example_db], capture_output=True, text=True,
                          check=True)
    assert json.loads(lost.stdout) == alone


TWO_PROCESSES = """
import sys
from chatrecap import cli, parallel
from chatrecap.analysis import leaders

assert parallel.can_fork()  # Linux, two cores, one thread: as in CI
leaders.PARALLEL_POSTS = 1
start = parallel.FreshProcess.__init__
def started(self, *modules):
    print("fresh", file=sys.stderr)
    start(self, *modules)
parallel.FreshProcess.__init__ = started
sys.argv = ["chatrecap", "--db", sys.argv[1], "leaders", "--series", "#B2Bchat", "--format", "json"]
cli.main()
"""


def test_every_kind_of_early_idea_reads_alike_in_two_processes():
    """In two processes, the fresh one searches the words (echoes, phrases) while this one finds
    the links and hashtags first brought, and the handles named (which it posts to the search);
    put back in order, the leaders are those one process
    gives, to the last figure, on a series with an idea of every kind."""
    from test_heretics import idea_of_every_kind

    from chatrecap.analysis.heretics import early_adopters

    assert {a.kind for a in early_adopters(idea_of_every_kind())} == {"echo", "phrase", "link", "hashtag"}
    runs = {size: subprocess.run([sys.executable, "-c", EVERY_KIND, str(Path(__file__).parent), str(size)],
                                 capture_output=True, text=True, check=True) for size in (1, 10**9)}
    assert runs[1].stderr.split() == ["fresh"] and not runs[10**9].stderr
    fresh, alone = (json.loads(run.stdout) for run in runs.values())
    assert fresh == alone and sum(1 for row in alone if row["early_adopter"]) >= 4
    assert next(row for row in fresh if row["handle"] == "fay")["early_adopter"]  # (credited by name)


EVERY_KIND = """
import dataclasses, json, sys
sys.path.insert(0, sys.argv[1])
from test_heretics import idea_of_every_kind
from chatrecap import parallel
from chatrecap.analysis import leaders

assert parallel.can_fork()
leaders.PARALLEL_POSTS = int(sys.argv[2])  # 1: the early-idea search in a fresh process
start = parallel.FreshProcess.__init__
def started(self, *modules):
    print("fresh", file=sys.stderr)
    start(self, *modules)
parallel.FreshProcess.__init__ = started
print(json.dumps([dataclasses.asdict(row) for row in leaders.rank_leaders(idea_of_every_kind(), None, [])]))
"""


def test_a_session_given_by_its_bounds(example_db, monkeypatch, capsys):
    """--from/--to choose the session as the recap's do: its leaders are those of the same
    posts; its id alone is no session, and the error says to give the bounds again."""
    found = leaders_json(monkeypatch, capsys, example_db)
    bounded = leaders_json(monkeypatch, capsys, example_db, "--from", "2024-03-14T18:00",
                           "--to", "2024-03-14T19:00")
    assert [r["handle"] for r in bounded] == [r["handle"] for r in found]
    early = leaders_json(monkeypatch, capsys, example_db, "--from", "2024-03-14T18:00",
                         "--to", "2024-03-14T18:20")
    assert [r["handle"] for r in early] != [r["handle"] for r in found]
    assert run_main(monkeypatch, "--db", example_db, "leaders", "b2bchat-20240314-1801") == 2
    assert "--from/--to" in capsys.readouterr().err


def test_leaders_find_sessions_as_recap_and_sessions_do(tmp_path, monkeypatch, capsys):
    """A session `sessions --gap 40` found (two bursts half an hour apart, one chat) opens in
    `leaders` with the same --gap, as in `recap`; finding none, the error says what to change."""
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 3, 6, 18, tzinfo=UTC)
    minutes = [*range(10), *range(40, 50)]
    lines = [json.dumps({
        "platform": "mastodon", "native_id": str(k), "author_handle": ("ann", "bob", "cy")[k % 3],
        "created_at": (start + timedelta(minutes=m)).isoformat(), "text": f"A1: thanks @dee, point {k}",
        "mentions": ["dee"], "chats": ["#gap"], "is_referenced": False}) for k, m in enumerate(minutes)]
    archive = tmp_path / "gap.jsonl"
    archive.write_text("\n".join(lines) + "\n")
    db = str(tmp_path / "w.db")
    assert run_main(monkeypatch, "--db", db, "import", str(archive)) in (0, None)
    capsys.readouterr()
    assert run_main(monkeypatch, "--db", db, "sessions", "--gap", "40", "--format", "json") in (0, None)
    (found,) = json.loads(capsys.readouterr().out)
    rows = leaders_json(monkeypatch, capsys, db, found["id"], "--gap", "40")
    assert any(r["handle"] == "dee" for r in rows)
    series = leaders_json(monkeypatch, capsys, db, "--series", "#gap", "--min-posts", "15", "--gap", "40")
    assert {r["handle"] for r in series} >= {"ann", "bob", "cy", "dee"}
    assert run_main(monkeypatch, "--db", db, "leaders", "--min-posts", "15") == 2
    assert "see --gap and --min-posts" in " ".join(capsys.readouterr().err.split())
    assert run_main(monkeypatch, "--db", db, "leaders", "--series", "#gap", "--min-posts", "15") == 2
    assert "see --gap and --min-posts" in " ".join(capsys.readouterr().err.split())


def test_an_accounts_early_ideas_show_each_post_once_in_their_order():
    """A post that brought a link and a tag is one post of evidence, where its first idea came."""
    from chatrecap.analysis.heretics import Adoption
    from chatrecap.analysis.leaders import _firsts

    def adoption(account, post, kind):
        return Adoption(account, post, kind, None, [], [], 1.0)

    got = _firsts([adoption("x:ann", "p2", "link"), adoption("x:bob", "p9", "echo"),
                   adoption("x:ann", "p1", "echo"), adoption("x:ann", "p2", "hashtag")])
    assert got == {"x:ann": ["p2", "p1"], "x:bob": ["p9"]}


def test_a_series_files_the_answers_of_sessions_that_ask_for_names_only(tmp_path, monkeypatch, data):
    """The series' leaders file a session's answers only where a prompt asks the room to name
    people (the nominations read no other filing): the parents and votes are those of every
    session filed in full."""
    from zoneinfo import ZoneInfo

    from chatrecap.analysis import leaders, structure
    from chatrecap.analysis.corpus import load_corpus
    from chatrecap.analysis.sessions import find_sessions
    from chatrecap.importer import import_file
    from chatrecap.sources.base import ReadOptions
    from chatrecap.store import open_store

    with open_store(str(tmp_path / "w.db")) as store:
        import_file(store, data / "twitter-archiver" / "pstweetchat-2020-2021.csv",
                    options=ReadOptions(tz=ZoneInfo("America/New_York")))
        found = find_sessions(store, "#PSTweetChat")
        corpus = leaders.in_sessions(load_corpus(store, "#PSTweetChat"), found)
    filed: list[bool] = []
    analyse = structure.analyse

    def counted(*args, filing=None, **kwargs):
        result = analyse(*args, filing=filing, **kwargs)
        filed.append(bool(result.links))
        return result

    monkeypatch.setattr(leaders, "analyse", counted)
    shape, votes = leaders.series_structure(corpus, found)
    assert votes and 0 < sum(filed) < len(filed) == len(found)  # (some sessions ask, most do not)
    monkeypatch.setattr(leaders, "analyse", lambda *args, filing=None, **kwargs: analyse(*args, **kwargs))
    assert leaders.series_structure(corpus, found) == (shape, votes)


@pytest.mark.parametrize("archive", ["example_corpus", "pst_corpus"])
def test_the_search_reads_the_posts_for_the_kinds_as_they_read_them(archive, request, monkeypatch):
    """A big series' echo search splits the posts into chunks as the kinds do, and reads them
    for the kinds in the same pass (its own posts, then the reposts and others it lacks), telling
    what it read: the same posts holding a cue, the same handles written as words, the same
    kinds, and the search's own words unchanged."""
    from chatrecap.analysis import leaders
    from chatrecap.analysis.heretics import _token_ids, early_posts
    from chatrecap.analysis.kinds import ChunkReading, account_kinds, read_handles, read_posts

    corpus = request.getfixturevalue(archive)
    posts = early_posts(corpus)
    handles = sorted(read_handles(corpus))
    extra, at = leaders._kinds_texts(corpus, posts)
    told = []
    monkeypatch.setattr(leaders, "tell", told.append)
    shared = _token_ids(posts.texts, (posts.chat_tag,), leaders._KindsReading(handles, extra, len(posts)))
    alone = _token_ids(posts.texts, (posts.chat_tag,))
    assert all(np.array_equal(a, b) for a, b in zip(shared[:2], alone[:2], strict=True))
    assert shared[2] == alone[2]
    read = leaders._told_reading(told[0], handles, at)
    local = ChunkReading(handles, len(at))
    local.read_all([p.text for p in read_posts(corpus)])
    assert len(told) == 1 and len(at) == len(posts) + len(extra)
    assert len(extra) == (49 if archive == "example_corpus" else 0)  # (reposts, posts outside the chat)
    assert read.cue.tolist() == local.cue.tolist() and 0 < local.cue.sum() < len(at)
    assert read.words == local.words and len(local.words) >= (0 if archive == "example_corpus" else 10)
    assert account_kinds(corpus, read=read) == account_kinds(corpus)
