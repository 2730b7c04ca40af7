"""Words of chat posts as TF-IDF vectors, for similarity, themes and echoes.

Written on NumPy and SciPy's sparse matrices rather than scikit-learn: importing
scikit-learn costs about two seconds (it loads scipy.stats), which is the whole time a
recap of a 2,000-post session may take. The weighting is scikit-learn's default one
(smooth idf, sublinear tf off, rows scaled to unit length), so results compare.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from itertools import chain, count, repeat
from typing import Any

import numpy as np
from scipy import sparse

# Common English words that carry no topic, plus chat furniture (labels, "rt", "amp").
STOP_WORDS = frozenset("""
a about above after again against all almost also although always am among an and any
anyone anything are aren't around as at be because been before being below between both
but by can can't cannot could couldn't did didn't do does doesn't doing don't done down
during each either else enough etc even ever every everyone for from further get gets
getting go goes going gonna got had hadn't has hasn't have haven't having he he's her here
here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it
it's its itself just let's like ll lot lots made make makes many may me might more most
much must my myself need needs no nor not now of off often on once one only or other ought
our ours ourselves out over own per pretty quite rather re really s same say says see seems
shall she she's should shouldn't so some something still such sure t than that that's the
their theirs them themselves then there there's these they they'd they'll they're they've
thing things think this those though through to too under until up upon us use used using
ve very via want was wasn't way we we'd we'll we're we've well were weren't what what's
when when's where where's whether which while who who's whom why why's will with won't
would wouldn't yeah yes yet you you'd you'll you're you've your yours yourself yourselves
amp rt q a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 q1 q2 q3 q4 q5 q6 q7 q8 q9 q10 today chat
""".split())

class Folded:
    """A case-insensitive pattern, matched without IGNORECASE on lower-cased ASCII text.

    Python's ``re`` skips its fast first-character check for case-insensitive literals, so
    a long alternation of cue words costs three to four times more. On ASCII text
    ``str.lower`` keeps every position and folds case exactly as IGNORECASE does, so the
    answers are the same; other text, and a pattern with upper-case or non-ASCII letters
    (outside escapes) or a local ``(?-i:...)``, go to the pattern itself. ``needs``: strings
    one of which (lower case) every match contains; a text holding none of them is passed
    over without running the pattern, which most texts are."""

    __slots__ = ("needs", "pattern", "plain")

    def __init__(self, pattern: re.Pattern[str], needs: Sequence[str] = ()) -> None:
        self.pattern = pattern
        letters = re.sub(r"\\.", "", pattern.pattern)
        foldable = (pattern.flags & re.IGNORECASE and "(?-i" not in pattern.pattern
                    and letters.isascii() and letters == letters.lower())
        self.plain = re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE) if foldable else None
        self.needs = tuple(needs)

    def search(self, text: str, low: str | None = None) -> bool:
        """Whether the pattern occurs in ``text`` (``low``: ``text.lower()``, if known)."""
        if self.plain is not None and text.isascii():
            low = text.lower() if low is None else low
            if self.needs and not any(map(low.__contains__, self.needs)):
                return False
            return self.plain.search(low) is not None
        return self.pattern.search(text) is not None

    def holders(self, texts: Sequence[str], joined: tuple[str, np.ndarray] | None = None) -> list[bool]:
        """For each text, False only where ``search`` is False for want of ``needs``: an ASCII
        text whose lower case holds none. Each need is looked for by ``str.find`` in the texts
        joined (``joined``: ``joined_texts(texts, lower=True)``, if made already), not a text at
        a time: most of a session's posts hold none, and a call a post costs more."""
        out = [self.plain is None or not self.needs or not text.isascii() for text in texts]
        if self.plain is not None and self.needs:
            low, ends = joined if joined is not None else joined_texts(texts, lower=True)
            for k in texts_holding(low, ends, self.needs):
                out[k] = True
        return out

    def match(self, text: str, low: str | None = None) -> bool:
        """Whether the pattern matches at the start of ``text``."""
        if self.plain is not None and text.isascii():
            low = text.lower() if low is None else low
            if self.needs and not any(map(low.__contains__, self.needs)):
                return False
            return self.plain.match(low) is not None
        return self.pattern.match(text) is not None


def whole_words(words: Iterable[str], *patterns: str) -> str:
    """A pattern for any of ``words`` (or of ``patterns``) as a whole word, its words laid out
    as a trie: ``re`` tries a flat list's alternatives one by one at every position of a text,
    a trie's a letter at a time (on a hundred cue words, about 1.6 times faster)."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}

    def branch(node: dict[str, dict]) -> str:
        alternatives = [re.escape(k) + branch(node[k]) for k in sorted(node) if k]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if "" in node else body

    return r"\b(?:" + "|".join([branch(trie), *patterns]) + r")\b"


_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ations", ""), ("ation", ""), ("ency", "ent"), ("ence", "ent"),
             ("ings", ""), ("ing", ""), ("ed", ""), ("ly", ""))


@functools.lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Fold plurals and common suffixes ("recommendations", "recommend"; "weekly", "week";
    "consistency", "consistent") so short answers that say one thing in two ways match."""
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[:-len(suffix)] + repl
            break
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@(?<!\w@)\w+")  # (the "@" first: see ``structure.MENTION``)
_WORD = re.compile(r"[^\W\d_][\w'’-]*[\w]|[^\W\d_]")


def tokens(text: str, drop: Iterable[str] = ()) -> list[str]:
    """Lower-case content words of a post: no links, handles, stop words or ``drop``
    (the chat's own hashtag, which every post carries).

    Read chunk by chunk (see ``remember``): the words of a text are those of its
    whitespace-separated chunks one after the other."""
    out: list[str] = []
    known = _chunks.get
    for chunk in text.split():
        words = known(chunk)
        if words is None:
            words = remember(_chunks, chunk, chunk_words, CHUNKS)
        out += words
    for word in drop:  # (one or two, and most posts hold them once: removed in place)
        word = word.lower()
        while word in out:
            out.remove(word)
    return out


def word_counts(texts: Iterable[str], drop: Iterable[str] = ()) -> dict[str, int]:
    """The words ``tokens`` finds in all the ``texts`` together, counted, in the order they
    first come: a prompt's thousands of answers looked up and counted chunk by chunk by
    ``map`` and ``Counter``, not post by post (``Vectors`` takes such counts as a document)."""
    chunks = " ".join(texts).split()
    found = list(map(_chunks.get, chunks))
    k = -1  # (the chunks not known yet, found by ``list.index``: a Python loop over all costs more)
    with suppress(ValueError):
        while True:
            k = found.index(None, k + 1)
            words = _chunks.get(chunks[k])  # (a chunk twice in the texts is read once)
            found[k] = words if words is not None else remember(_chunks, chunks[k], chunk_words, CHUNKS)
    counts = Counter(chain.from_iterable(found))
    for word in drop:
        counts.pop(word.lower(), None)
    return counts


def remember(memo: dict[str, Any], chunk: str, read: Callable[[str], Any], limit: int) -> Any:
    """``read(chunk)`` for a whitespace-separated chunk of a post the ``memo`` lacks, kept in it.
    No word, link, handle or cue word spans whitespace, so a post holds what its chunks hold,
    and a chat's chunks repeat (words, hashtags, handles): each is read once. Past ``limit``
    chunks the memo forgets them all, so memory stays bounded on any series. (Callers look a
    chunk up themselves first, with a plain dict's ``get``: the hot path.)"""
    if len(memo) >= limit:
        memo.clear()
    value = memo[chunk] = read(chunk)
    return value


def joined_texts(texts: Sequence[str], lower: bool = False) -> tuple[str, np.ndarray]:
    """The texts joined by NUL (each lower-cased, with ``lower``) and where each one's NUL
    ends: what ``texts_holding`` looks through."""
    joined = "\x00".join(texts)
    if lower and joined.isascii():  # (the lower case keeps each text's length)
        joined = joined.lower()
    elif lower:
        texts = [text.lower() for text in texts]
        joined = "\x00".join(texts)
    return joined, np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)


def texts_holding(joined: str, ends: np.ndarray, words: Iterable[str]) -> list[int]:
    """Which of the texts ``joined`` by NUL (each ending before ``ends``, their lengths plus
    one summed) hold any of ``words``, in order: ``str.find`` over them all at once, for words
    most texts lack (a search a text costs a call a text; ``find`` skips through the rest at
    memory speed)."""
    found: list[int] = []
    for word in words:
        at = joined.find(word)
        while at >= 0:
            found.append(at)
            at = joined.find(word, at + len(word))
    return np.unique(np.searchsorted(ends, found, side="right")).tolist() if found else []


def texts_matching(texts: Sequence[str], pattern: Folded) -> list[int]:
    """Which of the texts ``pattern`` may find a match in, for the caller to read: one search
    of the texts joined by NUL (a search a text costs a call a text), a batch at a time
    (memory: a batch's text), for a pattern no match of which spans a NUL nor needs a text's
    start or end but as a word's edge. A text holding a NUL of its own is given too: the
    joined texts cannot tell it from theirs."""
    out: list[int] = []
    for lo in range(0, len(texts), MATCHING_BATCH):
        batch = texts[lo:lo + MATCHING_BATCH]
        joined, ends = joined_texts(batch)
        if pattern.plain is not None and joined.isascii():  # (see ``Folded``)
            found = pattern.plain.finditer(joined.lower())
        else:
            found = pattern.pattern.finditer(joined)
        at = np.searchsorted(ends, [m.start() for m in found], side="right")
        if joined.count("\x00") >= len(batch):  # (more than the joining's: a text holds one)
            own = [k for k, text in enumerate(batch) if "\x00" in text]
            at = np.concatenate([at, np.array(own, dtype=np.int64)])
        out += (np.unique(at) + lo).tolist()
    return out


MATCHING_BATCH = 1 << 16  # texts searched at once by ``texts_matching``


#: What ``chunks_of`` puts after each text's chunks (a text's own are read as spaces).
TEXT_END = "\x01"


def chunks_of(texts: Iterable[str]) -> list[str]:
    """The whitespace-separated chunks of many texts in one split, each text's followed by
    TEXT_END: a million posts' tens of millions of chunks, looked up by ``map`` afterwards
    rather than one by one in a Python loop."""
    return f" {TEXT_END} ".join(t.replace(TEXT_END, " ") for t in texts).split()


def chunk_codes(chunks: list[str], memo: dict[str, int],
                number: Callable[[list[str]], object]) -> np.ndarray:
    """Each chunk's number in ``memo`` (no number may be -2), with one look-up a chunk:
    ``number`` is given the distinct chunks the memo lacks, sorted, and adds them to it.
    (A set of the chunks, to tell which are new, would cost a second look-up each.)"""
    codes = np.fromiter(map(memo.get, chunks, repeat(-2)), dtype=np.int64, count=len(chunks))
    new = np.flatnonzero(codes == -2)
    if len(new):
        at = new.tolist()
        number(sorted(set(map(chunks.__getitem__, at))))
        codes[new] = np.fromiter(map(memo.__getitem__, map(chunks.__getitem__, at)), dtype=np.int64,
                                 count=len(at))
    return codes


def chunk_words(chunk: str) -> tuple[str, ...]:
    """The content words of one whitespace-free chunk of a post (``tokens`` without ``drop``)."""
    chunk = _MENTION.sub(" ", _URL.sub(" ", chunk.lower())).replace("’", "'")
    return tuple(word for word in (w.strip("'-") for w in _WORD.findall(chunk))
                 if len(word) > 1 and word not in STOP_WORDS)


CHUNKS = 1 << 17  # chunks whose words are kept (~20 MB at most)
_chunks: dict[str, tuple[str, ...]] = {}


class Vectors:
    """TF-IDF rows of a list of token lists (unit length; an empty post is a zero row). A
    document may be given as its words' counts instead (``word_counts``), without bigrams."""

    def __init__(self, docs: Sequence[Sequence[str] | Mapping[str, int]], min_df: int = 1,
                 max_terms: int | None = None, bigrams: bool = False) -> None:
        self.bigrams = bigrams
        grams = [self._grams(doc) for doc in docs]
        # Counted with NumPy over all the documents' words at once: a session's answers are
        # tens of thousands of short documents, and a Counter per document is most of the time.
        # (Dicts and lists made by C loops, not comprehensions: a big session's filing builds
        # tens of thousands of terms, a session at a time.)
        first_seen = dict(zip(dict.fromkeys(chain.from_iterable(grams)), count()))
        pairs, counts = _distinct(grams, first_seen)
        size = max(len(first_seen), 1)
        df = dict(zip(first_seen, np.bincount(pairs % size, minlength=len(first_seen)).tolist(), strict=True))
        terms = sorted(first_seen) if min_df <= 1 else sorted(t for t, n in df.items() if n >= min_df)
        if max_terms is not None and len(terms) > max_terms:
            terms = sorted(sorted(terms, key=lambda t: (-df[t], t))[:max_terms])
        self.terms = terms
        self.index = dict(zip(terms, count()))
        n = len(docs)
        ratio = (1 + n) / (1 + np.fromiter(map(df.__getitem__, terms), dtype=np.float64, count=len(terms)))
        self.idf = np.fromiter(map(math.log, ratio.tolist()), dtype=np.float64, count=len(terms)) + 1
        # The documents' terms renumbered as kept (-1: dropped), not counted a second time.
        kept = np.fromiter(map(self.index.get, first_seen, repeat(-1)), dtype=np.int64, count=len(first_seen))
        code = kept[pairs % size] if len(pairs) else np.zeros(0, dtype=np.int64)
        known = code >= 0
        self.matrix = self._matrix(pairs[known] // size * max(len(terms), 1) + code[known], counts[known],
                                   len(grams))

    def _grams(self, doc: Sequence[str] | Mapping[str, int]) -> list[str] | Mapping[str, int]:
        if isinstance(doc, Mapping):
            if self.bigrams:
                raise ValueError("a document given by its words' counts has no bigrams")
            return doc
        if not self.bigrams:
            return list(doc)
        return [*doc, *(f"{a} {b}" for a, b in zip(doc, doc[1:], strict=False))]

    def transform(self, docs: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Rows for new token lists in this vocabulary (unit length)."""
        return self._rows([self._grams(doc) for doc in docs])

    def _rows(self, grams: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        return self._matrix(*_distinct(grams, self.index), len(grams))

    def _matrix(self, pairs: np.ndarray, counts: np.ndarray, rows: int) -> sparse.csr_matrix:
        """Unit rows of the documents' (``document * len(terms) + term``, count) pairs."""
        size = max(len(self.terms), 1)
        col = pairs % size
        vals = counts * self.idf[col]  # (one product per term at once)
        matrix = sparse.csr_matrix((vals, (pairs // size, col)),
                                   shape=(rows, len(self.terms)), dtype=np.float64)
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1 / norms) @ matrix)


def _distinct(grams: Sequence[Sequence[str] | Mapping[str, int]],
              index: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Each document's distinct terms that ``index`` numbers, as ``document * len(index) +
    number``, with their counts: document by document, each in the order its terms first
    come (a Counter's), which is the order the matrix is built in. (A document of counts
    holds each term once, with its count.)"""
    sizes = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
    code = np.fromiter(map(index.get, chain.from_iterable(grams), repeat(-1)), dtype=np.int64,
                       count=int(sizes.sum()))
    known = code >= 0
    key = np.repeat(np.arange(len(grams), dtype=np.int64), sizes)[known] * max(len(index), 1) + code[known]
    pairs, first, counts = np.unique(key, return_index=True, return_counts=True)
    if any(isinstance(doc, Mapping) for doc in grams):
        given = np.fromiter(chain.from_iterable(
            doc.values() if isinstance(doc, Mapping) else repeat(1, len(doc)) for doc in grams),
            dtype=np.int64, count=len(code))[known]
        counts = np.bincount(np.searchsorted(pairs, key), weights=given,
                             minlength=len(pairs)).astype(np.int64)
    order = np.argsort(first, kind="stable")
    return pairs[order], counts[order]


def cosine(a: sparse.spmatrix, b: sparse.spmatrix) -> np.ndarray:
    """Cosine similarities between the unit rows of ``a`` and of ``b`` (dense array)."""
    return np.asarray((a @ b.T).todense())
