"""The command's own behaviour: exit codes and messages that are not about one format."""

from __future__ import annotations

import sys
from unittest import mock

import pytest

from chatrecap import cli
from chatrecap.store import open_store


def run_main(monkeypatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["chatrecap", *args])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    return stopped.value.code


def test_an_internal_error_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys):
    open_store(str(tmp_path / "w.db")).close()
    with mock.patch("chatrecap.store.Store.stats", side_effect=RuntimeError("boom")):
        code = run_main(monkeypatch, "--db", str(tmp_path / "w.db"), "stats")
    err = capsys.readouterr().err
    assert code == 1
    assert "internal error (RuntimeError: boom)" in err and "--verbose" in err
    assert "Traceback" not in err


def test_verbose_shows_the_traceback_of_an_internal_error(tmp_path, monkeypatch, capsys):
    open_store(str(tmp_path / "w.db")).close()
    with mock.patch("chatrecap.store.Store.stats", side_effect=RuntimeError("boom")):
        code = run_main(monkeypatch, "--verbose", "--db", str(tmp_path / "w.db"), "stats")
    assert code == 1
    assert "Traceback" in capsys.readouterr().err


def test_version(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["chatrecap", "--version"])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code in (0, None)
    assert capsys.readouterr().out.strip() == "chatrecap 0.1.0"


def test_workspace_from_the_environment(tmp_path, monkeypatch, data, capsys):
    monkeypatch.setenv("CHATRECAP_DB", str(tmp_path / "env.db"))
    code = run_main(monkeypatch, "import", str(data / "twarc2" / "two_tweets.jsonl"))
    assert code in (0, None)
    assert (tmp_path / "env.db").exists()


def test_brackets_in_names_and_messages_print_as_they_are(tmp_path, data):
    from typer.testing import CliRunner

    odd = tmp_path / "[week 1] chat.jsonl"
    odd.write_bytes((data / "twarc2" / "two_tweets.jsonl").read_bytes() + b"[bold]oops[/]\n")
    result = CliRunner().invoke(cli.app, ["--db", str(tmp_path / "w.db"), "import", str(odd)])
    assert result.exit_code == 0, result.output
    assert "[week 1] chat.jsonl" in result.stdout
    assert "[week 1] chat.jsonl:2: " in result.stderr


def test_a_date_that_is_no_date_and_a_series_of_no_session_are_said_so(tmp_path, monkeypatch, capsys, data):
    db = str(tmp_path / "w.db")
    assert run_main(monkeypatch, "--db", db, "import", str(data / "twarc2" / "two_tweets.jsonl"),
                    "--chat", "tiny") in (0, None)
    capsys.readouterr()
    assert run_main(monkeypatch, "--db", db, "series") in (0, None)
    assert "No session found" in capsys.readouterr().out
    from chatrecap.analysis.sessions import find_sessions, pick_session
    from chatrecap.errors import OptionError
    from chatrecap.store import open_store

    with open_store(tmp_path / "p.db") as store:
        assert run_main(monkeypatch, "--db", str(tmp_path / "p.db"), "import", "--tz", "America/New_York",
                        str(data / "twitter-archiver" / "pstweetchat-2020-2021.csv")) in (0, None)
        found = find_sessions(store, "#PSTweetChat")
    with pytest.raises(OptionError, match="'2021-13-03' is no date"):
        pick_session(found, "2021-13-03")
    assert pick_session(found, "2021-12-03").id.startswith("pstweetchat-20211203")
