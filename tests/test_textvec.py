"""The TF-IDF helpers and the trie-shaped word patterns."""

from __future__ import annotations

import re

from conftest import real_texts
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


def test_the_strings_a_pattern_needs_never_hide_one_of_its_matches() -> None:
    """Every ``Folded`` given ``needs`` answers as its own pattern does: on real posts, and on
    strings made of the pattern's own words, where its matches are many; and ``holders``,
    which looks for the needs in many texts at once, passes over none that it matches."""
    import random

    from chatrecap.analysis import companies, kinds, structure
    from chatrecap.analysis.textvec import Folded

    texts = real_texts()
    rng = random.Random(7)
    checked = 0
    for module in (structure, kinds, companies):
        for name, folded in vars(module).items():
            if not isinstance(folded, Folded) or not folded.needs:
                continue
            source = folded.pattern.pattern.replace(r"\b", " ").replace(r"\d", " 1 ")
            pieces = [p.strip() for p in re.split(r"[|()?:\[\]^*+]+", source) if p.strip()]
            words = [*pieces, *re.findall(r"[a-z']+", source), "x", "?", "The", "you", "1", "@ann", "A1:"]
            made = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 7))) for _ in range(4000)]
            matched = 0
            held = folded.holders(texts + made)
            assert not all(held), name  # (real posts that hold none are passed over)
            for text, may in zip(texts + made, held, strict=True):
                expected = folded.pattern.search(text) is not None
                assert folded.search(text) == expected, (name, text)
                assert may or not expected, (name, text)
                assert folded.match(text) == (folded.pattern.match(text) is not None), (name, text)
                matched += expected
            assert matched > 100, name  # the made-up strings do reach the pattern
            checked += 1
    assert checked >= 7


def _tokens_of_the_whole_text(text: str, drop: tuple[str, ...] = ()) -> list[str]:
    """What ``tokens`` gives, read off the whole text at once (as it was before reading
    chunk by chunk)."""
    from chatrecap.analysis.textvec import _MENTION, _URL, _WORD, STOP_WORDS

    text = _MENTION.sub(" ", _URL.sub(" ", text.lower())).replace("’", "'")
    dropped = {d.lower() for d in drop}
    return [w for w in (w.strip("'-") for w in _WORD.findall(text))
            if len(w) > 1 and w not in STOP_WORDS and w not in dropped]


_PIECES = ["the", "Data", "ΣΟΦΙΑΣ", "İstanbul", "straße", "don’t", "it's", "-ish-", "'quoted'", "B2Bchat",
           "#B2Bchat", "@ann", "@Ann_B", "x@y.com", "http://a.b/c?d=e", "https://t.co/x", "www.ex.com",
           "A1:", "Q2", "🙂", "naïve", "e\u0301", "x", " ", "  ", "\t", "\n", "\u2028", "\x1c", "\u00a0",
           ".", ",", "/", ":", "@", "#", "'", "’", "-", "_", "2024", "co-op", "rock'n'roll"]


@settings(max_examples=500, deadline=None)
@given(pieces=st.lists(st.sampled_from(_PIECES), max_size=14),
       drop=st.sampled_from([(), ("b2bchat",), ("B2Bchat", "data")]))
def test_tokens_read_chunk_by_chunk_are_those_of_the_whole_text(pieces: list[str],
                                                                 drop: tuple[str, ...]) -> None:
    from chatrecap.analysis.textvec import tokens

    text = "".join(pieces)
    assert tokens(text, drop) == _tokens_of_the_whole_text(text, drop)
    assert tokens(text, drop) == _tokens_of_the_whole_text(text, drop)  # and again, from the kept chunks


def test_tokens_on_real_posts_are_those_of_the_whole_text() -> None:
    from chatrecap.analysis.textvec import tokens

    for text in real_texts():
        assert tokens(text, ("b2bchat",)) == _tokens_of_the_whole_text(text, ("b2bchat",)), text


def test_a_document_given_by_its_word_counts_is_the_same_row_as_its_words() -> None:
    """A prompt's profile, counted over its answers' chunks (``word_counts``), weighs each
    word and each prompt against the posts exactly as the answers' words did."""
    from collections import Counter

    from chatrecap.analysis import textvec
    from chatrecap.analysis.textvec import tokens, word_counts

    texts = real_texts()
    groups = [texts[k::7][:400] for k in range(6)] + [[], ["#B2Bchat #b2bchat"]]
    drop = ("b2bchat",)
    textvec._chunks.clear()  # (counted first, with no chunk known yet: many come twice)
    counted = [word_counts(group, drop) for group in groups]
    profiles = [[w for t in group for w in tokens(t, drop)] for group in groups]
    for words, counts in zip(profiles, counted, strict=True):
        assert counts == Counter(words)
        assert list(counts) == list(dict.fromkeys(words))  # (the order the rows are built in)
    posts = [tokens(t, drop) for t in texts[3::50][:300]]
    by_words, by_counts = Vectors(profiles + posts).matrix, Vectors(counted + posts).matrix
    assert by_words.shape == by_counts.shape and by_words.nnz > 1000
    assert (by_words != by_counts).nnz == 0
    assert (by_words.indptr == by_counts.indptr).all() and (by_words.indices == by_counts.indices).all()


def test_chunk_codes_number_each_new_chunk_once_in_sorted_order() -> None:
    from chatrecap.analysis.textvec import chunk_codes, chunks_of

    memo = {"\x01": -1, "known": 7}
    asked: list[list[str]] = []

    def number(new: list[str]) -> None:
        asked.append(new)
        memo.update((chunk, 100 + len(memo)) for chunk in new)

    chunks = chunks_of(["zeta known alpha", "alpha  beta", "", "known"])
    codes = chunk_codes(chunks, memo, number)
    assert asked == [["alpha", "beta", "zeta"]]
    assert codes.tolist() == [memo[c] for c in chunks]
    assert chunk_codes(chunks, memo, number).tolist() == codes.tolist() and len(asked) == 1
