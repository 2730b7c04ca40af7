"""Splitting a recurring chat's archive into its live sessions (#PSTweetChat, 2020-2021)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from test_cli import run_main

from chatrecap.analysis.sessions import find_sessions, pick_session, slug, window_session
from chatrecap.errors import OptionError
from chatrecap.store import open_store

# The first Friday of each month (one was the second: 2021-01-08), read off the archive:
# every day with a live chat hour of the host @JeffHicks.
CHAT_DAYS = [
    "2020-02-07", "2020-03-06", "2020-04-03", "2020-05-01", "2020-06-05", "2020-07-03",
    "2020-08-07", "2020-09-04", "2020-10-02", "2020-11-06", "2020-12-04", "2021-01-08",
    "2021-02-05", "2021-03-05", "2021-04-02", "2021-05-07", "2021-06-04", "2021-07-02",
    "2021-08-06", "2021-09-03", "2021-10-01", "2021-11-05", "2021-12-03",
]


def test_the_sessions_are_exactly_the_monthly_chat_days(pst_db):
    with open_store(pst_db) as store:
        sessions = find_sessions(store, "#PSTweetChat")
    assert [s.start.date().isoformat() for s in sessions] == CHAT_DAYS
    # Each is the chat hour (1-2 PM US Eastern) and the talk right around it, not the day.
    for session in sessions:
        assert 16 <= session.start.hour <= 18, session.id
        assert (session.end - session.start).total_seconds() < 2 * 3600, session.id


def test_stray_posts_and_a_one_person_burst_are_left_out(pst_db):
    with open_store(pst_db) as store:
        sessions = find_sessions(store, "#PSTweetChat")
        total = len(store.chat_times("#PSTweetChat"))
    inside = sum(s.posts for s in sessions)
    assert 1400 < inside < total == 1691
    # 2020-10-02 20:40-21:15: one late reader answering the chat in 11 of 13 posts.
    assert not any(s.start == datetime(2020, 10, 2, 20, 40, 27, 72000, tzinfo=UTC)
                   for s in sessions)


def test_sessions_json_is_the_documented_list(pst_db, monkeypatch, capsys):
    code = run_main(monkeypatch, "--db", str(pst_db), "sessions", "--format", "json")
    assert code in (0, None)
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(CHAT_DAYS)
    first = rows[0]
    assert set(first) == {"id", "chat", "start", "end", "posts", "participants", "hosts"}
    assert first["id"] == "pstweetchat-20200207-1814"
    assert first["chat"] == "#PSTweetChat"
    assert first["start"] == "2020-02-07T18:14:02Z" and first["end"] == "2020-02-07T19:03:25Z"
    assert (first["posts"], first["participants"]) == (98, 13)
    assert all("JeffHicks" in row["hosts"] for row in rows)


def test_a_session_is_named_by_id_prefix_or_date(pst_db):
    with open_store(pst_db) as store:
        sessions = find_sessions(store, "#PSTweetChat")
    assert pick_session(sessions, None) == sessions[-1]
    assert pick_session(sessions, "2021-08-06").id == "pstweetchat-20210806-1700"
    assert pick_session(sessions, "pstweetchat-20210806").id == "pstweetchat-20210806-1700"
    with pytest.raises(OptionError, match="names 12 sessions"):
        pick_session(sessions, "2021")
    with pytest.raises(OptionError, match="No session '1999-01-01'"):
        pick_session(sessions, "1999-01-01")


def test_from_and_to_give_the_session_bounds(pst_db, monkeypatch, capsys):
    with open_store(pst_db) as store:
        session = window_session(store, "#PSTweetChat", datetime(2021, 8, 6, 12, tzinfo=UTC),
                                 datetime(2021, 8, 7, tzinfo=UTC))
    assert session.posts == 29 and session.start.hour == 12
    code = run_main(monkeypatch, "--db", str(pst_db), "sessions", "--from", "2021-08-06T17:00",
                    "--to", "2021-08-06T17:30", "-f", "json")
    assert code in (0, None)
    [row] = json.loads(capsys.readouterr().out)
    assert row["start"] == "2021-08-06T17:00:43Z" and row["end"] < "2021-08-06T17:30"


def test_bad_session_options_are_one_line_errors(pst_db, monkeypatch, capsys):
    assert run_main(monkeypatch, "--db", str(pst_db), "sessions", "--from", "yesterday",
                    "--to", "2021-01-01") == 2
    assert "--from 'yesterday' is not a time" in capsys.readouterr().err
    assert run_main(monkeypatch, "--db", str(pst_db), "sessions", "--chat", "#nope") == 2
    assert "No chat named '#nope'" in capsys.readouterr().err


def test_slug():
    assert slug("#PSTweetChat") == "pstweetchat"
    assert slug("Café Chat #1") == "cafe-chat-1"
    assert slug("###") == "chat"


def test_recap_all_writes_one_folder_per_session_with_returning_people(pst_db, tmp_path,
                                                                       monkeypatch):
    code = run_main(monkeypatch, "--db", str(pst_db), "recap", "--all", "--format", "json",
                    "-o", str(tmp_path / "all"))
    assert code in (0, None)
    folders = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert [f[12:20] for f in folders] == [d.replace("-", "") for d in CHAT_DAYS]
    first = json.loads((tmp_path / "all" / folders[0] / "recap.json").read_text())
    assert first["stats"]["first_time"] is None  # no earlier session to compare with
    later = json.loads((tmp_path / "all" / folders[6] / "recap.json").read_text())
    stats = later["stats"]
    assert stats["first_time"] + stats["returning"] == stats["participants"]
    assert stats["returning"] >= 4 and "JeffHicks" in later["hosts"]
    assert later["title"] == "Chat of 7 August 2020 [#PSTweetChat Recap]"  # no topic announced
    for question in later["questions"]:  # a takeaway needs a few answers by several people
        people = {later["posts"][a]["author_id"] for a in question["answer_ids"]}
        if len(question["answer_ids"]) < 3 or len(people) < 2:
            assert question["takeaways"] == []
    host = next(c for c in later["participants"] if c["handle"] == "JeffHicks")
    assert host["first_time"] is False and host["is_host"] is True


def test_series_shows_first_timers_retention_and_rising_voices(pst_db, monkeypatch, capsys):
    code = run_main(monkeypatch, "--db", str(pst_db), "series", "--format", "json")
    assert code in (0, None)
    data = json.loads(capsys.readouterr().out)
    rows = data["sessions"]
    assert [r["start"][:10] for r in rows] == CHAT_DAYS
    assert rows[0]["new"] == rows[0]["participants"] == 13 and rows[0]["retention"] is None
    for row in rows[1:]:
        assert row["new"] + row["returning"] == row["participants"]
        assert 0 <= row["retention"] <= 1
    with open_store(pst_db) as store:  # everyone is new exactly once
        people = set().union(*(store.chat_authors_between("#PSTweetChat", *s.window)
                               for s in find_sessions(store, "#PSTweetChat")))
    assert sum(r["new"] for r in rows) == len(people)
    assert data["rising"] and all(r["recent_posts"] >= 3 and r["recent_sessions"] >= 2
                                  and r["change"] > 0 for r in data["rising"])
    assert run_main(monkeypatch, "--db", str(pst_db), "series") in (0, None)
    assert "Rising voices" in capsys.readouterr().out


def test_the_table_gives_the_end_date_when_a_session_runs_into_another_day(pst_db, monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "200")
    assert run_main(monkeypatch, "--db", str(pst_db), "sessions", "--chat", "#PSTweetChat",
                    "--gap", "1440") in (0, None)
    rows = [line for line in capsys.readouterr().out.splitlines() if "pstweetchat-2020050" in line]
    assert rows and "2020-05-01 17:02" in rows[0] and "2020-05-02 05:42" in rows[0]


def test_recap_times_in_the_chats_own_zone_with_tz(pst_db, monkeypatch, tmp_path):
    """#PSTweetChat runs 1-2 PM US Eastern: with --tz its recap says so (EST in winter, EDT in
    summer); the JSON, for scripts, keeps UTC and is the same either way."""
    for zone, out in ((None, "utc"), ("America/New_York", "local")):
        args = ["--db", str(pst_db), "recap", "2021-12-03", "-o", str(tmp_path / out)]
        assert run_main(monkeypatch, *args, *(["--tz", zone] if zone else [])) in (0, None)
    md, html = (tmp_path / "local" / "recap.md").read_text(), (tmp_path / "local" / "recap.html").read_text()
    assert "Friday 3 December 2021, 13:00–14:31 EST" in md and "UTC" not in md
    assert "13:00–14:31 EST" in html and "times are America/New_York" in html
    assert "18:00–19:31 UTC" in (tmp_path / "utc" / "recap.md").read_text()
    assert (tmp_path / "local" / "recap.json").read_bytes() == (tmp_path / "utc" / "recap.json").read_bytes()
    args = ["--db", str(pst_db), "recap", "2021-08-06", "--tz", "America/New_York", "-o", str(tmp_path / "s")]
    assert run_main(monkeypatch, *args) in (0, None)
    assert "EDT" in (tmp_path / "s" / "recap.md").read_text()
    assert run_main(monkeypatch, "--db", str(pst_db), "recap", "--tz", "Mars/Olympus") == 2


def test_a_bot_is_no_participant_of_the_series(tmp_path, monkeypatch, capsys):
    """A reminder bot posting every week would otherwise be a returning participant each
    time, and lately its voice would be "rising"."""
    lines = []
    for week in range(6):
        start = datetime(2026, 1, 5, 18, tzinfo=UTC) + timedelta(weeks=week)
        people = ["ann", "bob", "cy"] + (["dee"] if week >= 3 else [])
        writers = [(who, False) for who in people for _ in range(3)] + [("pollbot", True)] * (1 + week)
        for k, (who, bot) in enumerate(writers):
            lines.append(json.dumps({
                "platform": "mastodon", "native_id": f"{week}-{k}", "author_handle": who,
                "author": {"id": f"mastodon:{who}", "handle": who, "is_bot": bot},
                "created_at": start.replace(minute=k).isoformat(), "text": f"A{k % 3 + 1}: point {k}",
                "chats": ["#weekly"], "is_referenced": False}))
    archive = tmp_path / "weekly.jsonl"
    archive.write_text("\n".join(lines) + "\n")
    db = str(tmp_path / "w.db")
    assert run_main(monkeypatch, "--db", db, "import", str(archive)) in (0, None)
    capsys.readouterr()
    assert run_main(monkeypatch, "--db", db, "series", "--format", "json") in (0, None)
    data = json.loads(capsys.readouterr().out)
    rows = data["sessions"]
    assert [r["participants"] for r in rows] == [3, 3, 3, 4, 4, 4]
    assert [r["posts"] for r in rows] == [9 + 1, 9 + 2, 9 + 3, 12 + 4, 12 + 5, 12 + 6]  # every post counts
    assert rows[1]["retention"] == 1.0 and rows[3]["new"] == 1
    assert "pollbot" not in {r["handle"] for r in data["rising"]}
    with open_store(db) as store:
        assert [s.participants for s in find_sessions(store, "#weekly")] == [3, 3, 3, 4, 4, 4]


def test_a_late_answer_to_the_session_stays_in_it(tmp_path, monkeypatch):
    """After ten silent minutes a last post is a straggler, not the session's (a reminder, a
    next-day "sorry I missed it"), unless it answers one of the session's posts."""
    start = datetime(2026, 2, 6, 18, tzinfo=UTC)
    lines = []
    for week, late_reply in enumerate((True, False)):
        t0 = start + timedelta(weeks=week)
        rows = [(f"{week}-{k}", ("ann", "bob", "cy")[k % 3], t0 + timedelta(minutes=k), None)
                for k in range(12)]
        rows.append((f"{week}-late", "dee", t0 + timedelta(minutes=11 + 15),
                     f"mastodon:{week}-3" if late_reply else None))
        lines += [json.dumps({
            "platform": "mastodon", "native_id": native, "author_handle": who,
            "created_at": when.isoformat(), "text": f"A1: a point {native}", "reply_to_id": reply,
            "chats": ["#late"], "is_referenced": False}) for native, who, when, reply in rows]
    archive = tmp_path / "late.jsonl"
    archive.write_text("\n".join(lines) + "\n")
    db = str(tmp_path / "w.db")
    assert run_main(monkeypatch, "--db", db, "import", str(archive)) in (0, None)
    with open_store(db) as store:
        sessions = find_sessions(store, "#late")
    assert [(s.posts, s.participants) for s in sessions] == [(13, 4), (12, 3)]
    assert sessions[0].end == start + timedelta(minutes=26)


def test_a_straggler_answering_a_straggler_is_no_late_answer():
    """A review's case: a late post answering another late post kept both, and the session
    stretched half an hour past its end."""
    from chatrecap.analysis.sessions import _trim

    t0, gap = datetime(2026, 1, 1, 18, tzinfo=UTC), timedelta(minutes=20)
    core = [(t0 + timedelta(seconds=30 * k), "ann", f"p{k}", None) for k in range(40)]
    end = core[-1][0]

    def kept(*late):
        run = core + [(end + timedelta(minutes=m), "bob", pid, reply) for m, pid, reply in late]
        _trim(run, gap)
        return [row[2] for row in run[len(core):]]

    assert kept((15, "s1", None), (30, "s2", "s1")) == []
    assert kept((15, "s1", "p3"), (30, "s2", "s1")) == ["s1", "s2"]
    assert kept((15, "s1", "p39")) == ["s1"] and kept((15, "s1", None)) == []
