"""Themes from sentence embeddings (the optional ``embeddings`` extra, installed by the
test command) on the bundled example."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

import pytest

from chatrecap.analysis.sessions import find_sessions
from chatrecap.importer import import_file
from chatrecap.recap.build import RecapOptions, build_recap
from chatrecap.sources.base import ReadOptions
from chatrecap.store import open_store


@pytest.fixture(scope="module")
def recaps(tmp_path_factory):
    example = files("chatrecap") / "examples" / "b2bchat-example.jsonl"
    db = tmp_path_factory.mktemp("emb") / "w.db"
    with as_file(example) as path, open_store(db) as store:
        import_file(store, Path(path), "twarc2", ReadOptions(chat="#B2Bchat"))
        session = find_sessions(store, "#B2Bchat")[-1]
        plain = build_recap(store, session)
        first = build_recap(store, session, RecapOptions(embeddings=True))
        second = build_recap(store, session, RecapOptions(embeddings=True))
    return plain, first, second


def test_embedding_themes_cite_the_answers_of_their_question(recaps):
    _, recap, _ = recaps
    assert recap.options["embeddings"] is True
    for question in recap.questions:
        assert question.takeaways, question.label
        answers = set(question.answer_ids)
        for takeaway in question.takeaways:
            assert takeaway.headline and "#" not in takeaway.headline
            assert set(takeaway.post_ids) <= answers
            assert takeaway.people >= 2


def test_embeddings_change_only_the_themes(recaps):
    plain, recap, _ = recaps
    assert [q.answer_ids for q in recap.questions] == [q.answer_ids for q in plain.questions]
    assert recap.highlights == plain.highlights
    assert [q.takeaways for q in recap.questions] != [q.takeaways for q in plain.questions]


def test_embedding_recaps_are_deterministic(recaps):
    _, first, second = recaps
    assert first.to_json() == second.to_json()
