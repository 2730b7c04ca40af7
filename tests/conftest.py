"""Shared fixtures: where the real data lives, and a fresh workspace per test."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def data() -> Path:
    assert DATA.is_dir(), f"the shared data folder is missing: {DATA}"
    return DATA


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


# CI explores the same examples on every run (a fixed seed), so main stays green for the
# same code; a developer's runs keep exploring new ones.
if os.environ.get("CI"):
    settings.register_profile("ci", derandomize=True, print_blob=True)
    settings.load_profile("ci")


def real_texts() -> list[str]:
    """Posts of the bundled example and of the shared archives (any text field), and the
    lines of the CSV archives: real text for checking text helpers against each other."""
    texts: list[str] = []
    for path in [ROOT / "src" / "chatrecap" / "examples" / "b2bchat-example.jsonl", *sorted(DATA.rglob("*"))]:
        if path.suffix in (".json", ".jsonl", ".csv"):
            raw = path.read_text(errors="replace")
            texts += re.findall(r'"(?:text|content|full_text)":\s*"((?:[^"\\]|\\.)*)"', raw)
            texts += raw.splitlines() if path.suffix == ".csv" else []
    assert len(texts) > 4000
    return texts


def run_demo(base: Path) -> Path:
    """`chatrecap demo` as a user runs it: the workspace base/w.db, the recap in base/out."""
    import sys

    from chatrecap import cli

    argv = sys.argv
    sys.argv = ["chatrecap", "--db", str(base / "w.db"), "demo", "-o", str(base / "out")]
    try:
        with pytest.raises(SystemExit) as stopped:
            cli.main()
    finally:
        sys.argv = argv
    assert stopped.value.code in (0, None)
    return base / "out"


@pytest.fixture(scope="session")
def example_corpus(tmp_path_factory):
    """The bundled example chat, whole, as the analyses read it (do not modify)."""
    from importlib.resources import as_file, files

    from chatrecap.analysis.corpus import load_corpus
    from chatrecap.importer import import_file
    from chatrecap.sources.base import ReadOptions
    from chatrecap.store import open_store

    example = files("chatrecap") / "examples" / "b2bchat-example.jsonl"
    with as_file(example) as path, open_store(tmp_path_factory.mktemp("example") / "w.db") as store:
        import_file(store, Path(path), "twarc2", ReadOptions(chat="#B2Bchat"))
        return load_corpus(store, "#B2Bchat")


@pytest.fixture(scope="session")
def pst_db(tmp_path_factory) -> Path:
    """A workspace holding the #PSTweetChat archive (read it, do not change it)."""
    from zoneinfo import ZoneInfo

    from chatrecap.importer import import_file
    from chatrecap.sources.base import ReadOptions
    from chatrecap.store import open_store

    path = tmp_path_factory.mktemp("pst") / "w.db"
    with open_store(path) as store:
        import_file(store, DATA / "twitter-archiver" / "pstweetchat-2020-2021.csv",
                    options=ReadOptions(tz=ZoneInfo("America/New_York")))
    return path


@pytest.fixture(scope="session")
def pst_corpus(pst_db):
    """The whole #PSTweetChat series as the analyses read it (do not modify)."""
    from chatrecap.analysis.corpus import load_corpus
    from chatrecap.store import open_store

    with open_store(pst_db) as store:
        return load_corpus(store, "#PSTweetChat")


@pytest.fixture(scope="session")
def pg_server():
    """One throwaway PostgreSQL server for the whole run; each test makes its own database."""
    from pg import PostgresServer, PostgresUnavailable

    try:
        server = PostgresServer()
    except PostgresUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        server.start()
    except PostgresUnavailable as exc:
        server.stop()
        pytest.fail(f"the test PostgreSQL server did not start: {exc}", pytrace=False)
    yield server
    server.stop()



@contextmanager
def smtp_server(handler: Any) -> Iterator[str]:
    """A real mail server: aiosmtpd on a free loopback port, its ``handle_*`` hooks those of
    ``handler``; the server's smtp:// URL while it runs."""
    from aiosmtpd.controller import Controller
    from pg import free_port

    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{controller.port}"
    finally:
        controller.stop()


@pytest.fixture
def other():
    """Another blog on loopback serving the pages a test gives it (other_blog.OtherBlog)."""
    from other_blog import OtherBlog

    with OtherBlog() as blog:
        yield blog
