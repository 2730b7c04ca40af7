"""`chatrecap comments list|approve|spam|delete`: moderation from the command line."""

from __future__ import annotations

import shutil
import sys

import orjson
import pytest
from test_web_comments import blog_db  # noqa: F401 - the shared published blog (a fixture)

from chatrecap import cli
from chatrecap.blog import comments as lib
from chatrecap.blog import jobs, posts
from chatrecap.store import open_store
from chatrecap.web.settings import load_settings

JSON_FIELDS = ["id", "post", "parent_id", "author", "website", "status", "created_at", "text"]


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["chatrecap", *args])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    captured = capsys.readouterr()
    return stopped.value.code or 0, captured.out, captured.err


@pytest.fixture
def workspace(tmp_path, blog_db, monkeypatch):  # noqa: F811
    """A blog with three comments: #1 approved (asked about replies), #2 a held reply to
    it, #3 held."""
    path = tmp_path / "w.db"
    shutil.copy(blog_db, path)
    monkeypatch.delenv("CHATRECAP_BASE_URL", raising=False)
    settings = load_settings(db=str(path))
    with open_store(path) as store:
        post = posts.all_posts(store)[0]
        first = lib.add_comment(store, post, "Ann", "ann@example.org", "https://ann.example.org",
                                "First *comment*.", None, "198.51.100.1", "test", True, settings=settings)
        lib.approve(store, [first.id])
        lib.add_comment(store, post, "Bob", "bob@example.org", None, "A reply.", first.id, "198.51.100.2",
                        "test", False, settings=settings)
        lib.add_comment(store, post, "Cy", "cy@example.org", None, "Held\nover two lines.", None,
                        "198.51.100.3", "test", False, settings=settings)
    return path


def statuses(path) -> dict[int, str]:
    with open_store(path) as store:
        return dict(store.query("SELECT id, status FROM comments ORDER BY id"))


def test_list_as_json_has_the_documented_fields_and_no_email(workspace, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "comments", "list", "--format", "json", "--db", str(workspace))
    assert code == 0
    rows = orjson.loads(out)
    assert [list(r) for r in rows] == [JSON_FIELDS] * 3
    assert [(r["id"], r["status"]) for r in rows] == [(2, "pending"), (3, "pending"), (1, "approved")]
    first = rows[2]
    assert first["author"] == "Ann" and first["website"] == "https://ann.example.org"
    assert first["text"] == "First *comment*." and first["parent_id"] is None
    assert first["created_at"].endswith("Z") and len(first["created_at"]) == 20
    assert rows[0]["parent_id"] == 1
    assert rows[0]["post"] == "thought-leadership-in-b2b-marketing-b2bchat-recap"
    assert "@example.org" not in out


def test_list_pending_as_a_table(workspace, monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "--db", str(workspace), "comments", "list", "--pending")
    assert code == 0
    assert "Bob" in out and "Cy" in out and "Held over two lines." in out
    assert "Ann" not in out and "@example.org" not in out
    run(monkeypatch, capsys, "--db", str(workspace), "comments", "approve", "2", "3")
    code, out, _ = run(monkeypatch, capsys, "--db", str(workspace), "comments", "list", "--pending")
    assert "No comment is waiting for moderation." in out


def test_a_wrong_format_is_one_line_and_exit_2(workspace, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "--db", str(workspace), "comments", "list", "--format", "xml")
    assert code == 2 and err.strip() == "error: Unknown --format 'xml' for comments list; use table or json."


def test_approve_publishes_and_queues_the_reply_notification(workspace, monkeypatch, capsys):
    with open_store(workspace) as store:
        version = posts.all_posts(store)[0].comments_version
    code, out, err = run(monkeypatch, capsys, "--db", str(workspace), "comments", "approve", "2")
    assert (code, out.strip(), err) == (0, "Approved: 2.", "")
    assert statuses(workspace)[2] == "approved"
    with open_store(workspace) as store:
        assert posts.all_posts(store)[0].comments_version == version + 1
        payloads = [orjson.loads(p) for (p,) in store.query("SELECT payload FROM jobs WHERE kind = 'mail'")]
        assert jobs.counts(store)["queued"] == len(payloads)
    assert [(p["letter"], p["to"], p["comment_id"]) for p in payloads if p["letter"] == "reply"] == \
        [("reply", "ann@example.org", 2)]


def test_spam_and_delete(workspace, monkeypatch, capsys):
    assert run(monkeypatch, capsys, "--db", str(workspace), "comments", "spam", "3")[:2] == \
        (0, "Marked as spam: 3.\n")
    assert run(monkeypatch, capsys, "--db", str(workspace), "comments", "delete", "1", "2")[:2] == \
        (0, "Deleted: 1, 2.\n")
    assert statuses(workspace) == {1: "deleted", 2: "deleted", 3: "spam"}


def test_unknown_ids_are_named_in_one_line_and_the_others_still_done(workspace, monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, "--db", str(workspace), "comments", "approve",
                         "3", "98", "2", "99")
    assert code == 2
    assert out.strip() == "Approved: 3, 2."
    assert err.strip() == "error: No comment 98, 99: `chatrecap comments list` shows the ids."
    assert statuses(workspace) == {1: "approved", 2: "approved", 3: "approved"}


def test_an_id_that_is_not_a_number_is_named_like_an_unknown_one(workspace, monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, "--db", str(workspace), "comments", "delete", "abc", "3")
    assert (code, out.strip()) == (2, "Deleted: 3.")
    assert err.strip() == "error: No comment abc: `chatrecap comments list` shows the ids."
    assert statuses(workspace) == {1: "approved", 2: "pending", 3: "deleted"}
