"""The PostgreSQL workspace against a real server: schema, imports, export, errors.

Every test gets its own database on one server started for the session; results are
compared with a SQLite workspace fed the same files, which must agree to the byte.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pg import PASSWORD, PASSWORD_ROLE, PostgresServer, free_port

import chatrecap.importer
from chatrecap.errors import StoreError
from chatrecap.export import write_jsonl
from chatrecap.importer import import_file
from chatrecap.sources.base import ReadOptions
from chatrecap.store import SCHEMA_VERSION, PostgresStore, Store, open_store

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"  # as conftest.DATA
TWO_SETS = DATA / "twarc2" / "2sets.jsonl"
FLAT = DATA / "twarc2" / "flat.jsonl"
PSTWEETCHAT = DATA / "twitter-archiver" / "pstweetchat-2020-2021.csv"


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    """The URL of a new, empty database."""
    return pg_server.url(pg_server.create_database())


@pytest.fixture
def frozen_import_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Posts with no observation time of their own are stamped with the import's start;
    pin it so two workspaces imported a moment apart hold the same rows."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
            return datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC).astimezone(tz)

    monkeypatch.setattr(chatrecap.importer, "datetime", Frozen)


def without_workspace(stats: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in stats.items() if k != "workspace"}


def test_open_creates_the_schema_once(pg_url: str) -> None:
    with open_store(pg_url) as store:
        assert isinstance(store, PostgresStore)
        assert store.backend == "postgresql"
        assert store.schema_version() == SCHEMA_VERSION
        tables = {row[0] for row in store.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
        assert {"schema_version", "authors", "posts", "raw_records", "chats", "chat_posts",
                "imports"} <= tables
        assert store.stats()["total"] == {"posts": 0, "referenced": 0, "authors": 0,
                                          "chats": 0}
    with open_store(pg_url) as store:  # re-opening migrates nothing again
        assert store.schema_version() == SCHEMA_VERSION
        assert store.query("SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]


def test_import_matches_sqlite_and_is_idempotent(pg_url: str, tmp_path: Path) -> None:
    with open_store(tmp_path / "ref.db") as lite:
        expected = import_file(lite, TWO_SETS)
        lite_stats = lite.stats()
    assert expected.error is None and expected.new == 200

    with open_store(pg_url) as store:
        first = import_file(store, TWO_SETS)
        assert first.error is None
        assert (first.new, first.duplicates) == (200, 0)
        assert first.referenced == expected.referenced
        assert first.records == expected.records
        stats = store.stats()
        assert stats["workspace"].startswith("postgresql://")
        assert without_workspace(stats) == without_workspace(lite_stats)

        again = import_file(store, TWO_SETS)
        assert again.error is None
        assert (again.new, again.duplicates) == (0, 200)
        after = store.stats()
        assert after["total"] == stats["total"]
        assert after["imports"] == {"done": 2}


def import_all(store: Store) -> None:
    csv = import_file(store, PSTWEETCHAT)
    assert csv.error is None and csv.new == 1691
    flat = import_file(store, FLAT)
    assert flat.error is None and flat.new > 0


@pytest.mark.usefixtures("frozen_import_clock")
def test_export_is_the_same_from_both_backends(pg_url: str, tmp_path: Path) -> None:
    with open_store(tmp_path / "ref.db") as lite:
        import_all(lite)
        lite_stats = lite.stats()
        lite_out = io.BytesIO()
        lite_count = write_jsonl(lite, lite_out)
    with open_store(pg_url) as store:
        import_all(store)
        assert without_workspace(store.stats()) == without_workspace(lite_stats)
        pg_out = io.BytesIO()
        pg_count = write_jsonl(store, pg_out)
    assert pg_count == lite_count == lite_stats["total"]["posts"] + lite_stats["total"][
        "referenced"]
    lite_lines = lite_out.getvalue().splitlines()
    pg_lines = pg_out.getvalue().splitlines()
    assert len(pg_lines) == len(lite_lines)
    for number, (ours, theirs) in enumerate(zip(pg_lines, lite_lines, strict=True), 1):
        assert ours == theirs, f"export line {number} differs"
    assert pg_out.getvalue() == lite_out.getvalue()


def test_wrong_password_is_a_store_error_without_the_password(
        pg_server: PostgresServer) -> None:
    database = pg_server.create_database(owner=PASSWORD_ROLE)
    with open_store(pg_server.url(database, PASSWORD_ROLE, PASSWORD)) as store:
        assert store.schema_version() == SCHEMA_VERSION  # the right password works
    wrong = "Wr0ng-pass-7731"
    with pytest.raises(StoreError) as caught:
        open_store(pg_server.url(database, PASSWORD_ROLE, wrong))
    message = str(caught.value)
    assert wrong not in message
    assert "password authentication failed" in message
    assert f"127.0.0.1:{pg_server.port}/{database}" in message


def test_wrong_port_is_a_store_error_without_the_password(
        pg_server: PostgresServer) -> None:
    secret = "s3cret-do-not-print"
    url = pg_server.url("postgres", PASSWORD_ROLE, secret, port=free_port())
    with pytest.raises(StoreError) as caught:
        open_store(url)
    message = str(caught.value)
    assert secret not in message
    assert message.startswith("Cannot connect to postgresql://")


def test_parallel_import_into_postgresql_matches_a_serial_sqlite_one(
        pg_url: str, tmp_path: Path) -> None:
    from test_import import _big_archive

    archive = tmp_path / "big.jsonl"
    expected = _big_archive(archive, DATA, copies=25)
    assert archive.stat().st_size > chatrecap.importer.PARALLEL_MIN_BYTES
    with open_store(tmp_path / "ref.db") as lite:
        serial = import_file(lite, archive, workers=1)
        lite_out = io.BytesIO()
        write_jsonl(lite, lite_out)
    with open_store(pg_url) as store:
        parallel = import_file(store, archive, workers=3)
        pg_out = io.BytesIO()
        write_jsonl(store, pg_out)
    assert serial.new == parallel.new == expected
    assert (serial.duplicates, serial.referenced) == (parallel.duplicates, parallel.referenced)
    assert pg_out.getvalue() == lite_out.getvalue()


def test_sessions_and_recaps_are_the_same_from_both_backends(pg_url: str, tmp_path: Path) -> None:
    from importlib.resources import as_file, files

    from chatrecap.analysis.sessions import find_sessions
    from chatrecap.recap.build import build_recap

    example = files("chatrecap") / "examples" / "b2bchat-example.jsonl"
    recaps = []
    for location in (tmp_path / "ref.db", pg_url):
        with as_file(example) as path, open_store(location) as store:
            import_file(store, Path(path), "twarc2", ReadOptions(chat="#B2Bchat"))
            import_file(store, PSTWEETCHAT, options=ReadOptions(tz=ZoneInfo("America/New_York")))
            sessions = find_sessions(store, "#PSTweetChat")
            assert len(sessions) == 23
            recaps.append([build_recap(store, find_sessions(store, "#B2Bchat")[0]).to_json(),
                           build_recap(store, sessions[5]).to_json()])
    assert recaps[0] == recaps[1]


def test_kind_corrections_are_stored_and_replaced(pg_url: str) -> None:
    with open_store(pg_url) as store:
        store.set_kind("twitter:1", "person")
        store.set_kind("twitter:@acme", "organization")
        store.set_kind("twitter:1", "organization")
        assert store.kind_corrections() == {"twitter:1": "organization",
                                            "twitter:@acme": "organization"}
