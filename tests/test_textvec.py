"""The TF-IDF helpers and the trie-shaped word patterns."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from chatrecap.analysis.textvec import Vectors, whole_words

WORDS = ["a", "an", "and", "at", "the", "then", "them", "v1", "ask", "asks"]


@settings(max_examples=400, deadline=None)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, unique=True),
       text=st.text(alphabet="aenhdtmvks1 @#./_-'A", max_size=40))
def test_a_word_trie_finds_what_the_flat_list_finds(words: list[str], text: str) -> None:
    flat = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.I)
    trie = re.compile(whole_words(words), re.I)
    assert (trie.search(text) is None) == (flat.search(text) is None)
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)] or (
        # where two words start at the same place the trie takes the longer, the list the first
        any(w != v and v.startswith(w) for w in words for v in words))


def test_a_word_trie_takes_extra_patterns_and_whole_words_only() -> None:
    cue = re.compile(whole_words(["the", "team"], r"v\d"))
    assert cue.search("meet the team")
    assert cue.search("in v2 now")
    assert not cue.search("theme teams v22 other")


def test_tf_idf_rows_have_unit_length_and_empty_posts_are_zero_rows() -> None:
    vectors = Vectors([["data", "team", "data"], ["team"], []])
    norms = (vectors.matrix.multiply(vectors.matrix)).sum(axis=1).A.ravel()
    assert norms.round(12).tolist() == [1.0, 1.0, 0.0]
    row = dict(zip(vectors.terms, vectors.matrix[0].toarray().ravel().tolist(), strict=True))
    assert row["data"] > row["team"] > 0  # twice the word, and a rarer one
    assert vectors.transform([["unknown"]]).nnz == 0
