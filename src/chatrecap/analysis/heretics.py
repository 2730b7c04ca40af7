"""Early adopters: who said it first, before the room came round to it.

"Thought leaders are often heretics: their position is ahead of the room and seen to be
right only later." So a series is searched for positions one account voiced first and others
took up later: a post whose words others repeat (TF-IDF cosine >= 0.35, or >= 0.1 when they
name its author or agree in a reply; arguing back is no echo, and a question says nothing
first), and the first to bring a link, a hashtag or a new phrase that N others use later.
Written for whole series: one tokenising pass, pairs from sparse products of time-ordered
blocks against the horizon after them (words in over 1,000 posts and 0.1% make no pair, and
a pair's other words must reach 0.2: exact in small series), n-grams as integer keys. The
search reads the posts as plain lists and arrays (``Posts``), so that a big series' search can
run in a fresh process that shares no memory with the one holding the corpus.
"""

from __future__ import annotations

import math
import operator
import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import timedelta
from functools import cached_property
from itertools import chain, repeat
from statistics import median
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from scipy import sparse

from chatrecap.analysis.corpus import Corpus, own_words
from chatrecap.analysis.endorsement import agrees, disagrees
from chatrecap.analysis.highlights import CREDITED_ECHO, ECHO
from chatrecap.analysis.structure import HANDLE, LEADING_HANDLES, MENTION
from chatrecap.analysis.takeaways import MIN_TOKENS
from chatrecap.analysis.textvec import TEXT_END, chunk_codes, chunk_words, chunks_of, stem, tokens
from chatrecap.text import WEB_LINK

__all__ = ["Adoption", "Posts", "adoptions_in", "brought_in", "early_adopter_credit", "early_adopters",
           "early_posts", "in_order", "namings", "said_in"]

MIN_ORIGINAL = 5  # content words of a post that can be a position of its own
MIN_LAG = timedelta(minutes=3)  # an adoption comes later, not in the same breath
HORIZON = timedelta(days=90)  # how far after a post its echoes are looked for
BLOCK = 4096  # posts per block of the pair search
PAIR_DF = 1000, 0.001  # a word in more posts than this (or this share) makes no pair alone
PAIR_FLOOR = 0.2  # cosine the rarer words of a candidate pair must reach on their own
CREDIT_RECENT = 20  # naming an author credits one of their last positions
TOKEN_BATCH = 20_000  # texts tokenised at a time (memory: their chunks as strings)
NAMED_STEP = 1 << 15  # naming posts judged at a time (memory: CREDIT_RECENT pairs each)
NAMING_BATCH = 1 << 16  # posts whose texts are searched for handles at once (memory: their text)
PHRASE_PARTS = 4  # phrases sought a part at a time, by first word (memory: a part's arrays)
NOVELTY = 5.0  # a phrase is new if its later rate would have shown it this often before
PHRASE_LAG = timedelta(days=1)  # a phrase is adopted when it lives on after its session
_QUESTION_LABEL = re.compile(r"\W*Q\d{1,2}\b", re.IGNORECASE)


def _asks(text: str) -> bool:
    """Whether a post asks something: a "?" (one inside a link asks nothing; one ending it
    does: "Has anyone tried https://beds.example/guide?") or a question's label ("Q3")."""
    if "?" in text:
        text = WEB_LINK.sub(lambda m: " ?" if m.group(0).endswith("?") else " ", text)
        if "?" in text:
            return True
    return ("q" in text or "Q" in text) and _QUESTION_LABEL.match(text) is not None  # (most have no q)


@dataclass(slots=True)
class Adoption:
    account_id: str  # the first voice
    post_id: str
    kind: str  # "echo" | "link" | "hashtag" | "phrase"
    item: str | None  # the url, "#tag" or phrase; None for an echo
    adopters: list[str]  # distinct later accounts, by first adoption
    adopter_post_ids: list[str]  # time order
    lead_minutes: float  # from the first post to the median adopter's first adoption


@dataclass
class Posts:
    """What the search reads of the chat's posts (reposts aside), in time order, as lists and
    arrays: quick to pickle for a fresh process, which then needs no ``ChatPost`` (see
    ``parallel``). What can be worked out from these is, where the search runs (``author``,
    ``handle_numbers``, ``reply``, ``quote``), so that the process holding the corpus spends
    little time on it."""

    ids: list[str]
    author_ids: list[str]
    handles: list[str]  # as the post has it
    texts: list[str]
    urls: list[tuple[str, ...]]
    hashtags: list[tuple[str, ...]]
    mentions: np.ndarray  # whether the post carries mentions
    secs: np.ndarray  # since the first post
    reply_ids: list[str | None]
    quote_ids: list[str | None]
    outside: frozenset[int]  # chat posts between a series' sessions: they earn nothing
    chat_tag: str  # the chat's hashtag, lower case, no "#"

    def __len__(self) -> int:
        return len(self.ids)

    def __getstate__(self) -> dict[str, Any]:
        """The fields, the ids and texts each as one string: a million strings pickle one by
        one, each with a memo entry (a second of the hand-over at a million posts)."""
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        state.update({name: _Joined.of(state[name]) for name in ("ids", "texts")})
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update({name: value.strings() if isinstance(value, _Joined) else value
                              for name, value in state.items()})

    # (Each worked out over a million posts where the search runs: by ``map`` and ``zip``
    # rather than a loop a post, and a handle read once per author, not once a post.)
    @cached_property
    def _codes(self) -> dict[str, int]:
        return {author_id: k for k, author_id in enumerate(dict.fromkeys(self.author_ids))}

    @cached_property
    def author(self) -> np.ndarray:
        """Each post's author, numbered."""
        return np.fromiter(map(self._codes.__getitem__, self.author_ids), dtype=np.int64,
                           count=len(self.author_ids))

    @cached_property
    def handle_numbers(self) -> dict[str, int]:
        """Lower-case handle -> author number (the last post's, for a handle two accounts had)."""
        numbers: dict[str, int] = {}
        for handle, author_id in dict.fromkeys(zip(reversed(self.handles), reversed(self.author_ids),
                                                   strict=True)):  # (latest first)
            numbers.setdefault(handle.lower(), self._codes[author_id])
        return numbers

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return dict(zip(self.ids, range(len(self.ids)), strict=True))

    @cached_property
    def reply(self) -> np.ndarray:
        """The post each answers, else -1."""
        return np.fromiter(map(self._numbers.get, self.reply_ids, repeat(-1)), dtype=np.int64,
                           count=len(self.reply_ids))

    @cached_property
    def quote(self) -> np.ndarray:
        """The post each quotes, else -1."""
        return np.fromiter(map(self._numbers.get, self.quote_ids, repeat(-1)), dtype=np.int64,
                           count=len(self.quote_ids))


@dataclass(frozen=True, slots=True)
class _Joined:
    """Strings joined by NUL, to pickle as one (none may hold a NUL: a list that does is
    pickled as it is)."""

    joined: str
    count: int

    @classmethod
    def of(cls, strings: list[str]) -> _Joined | list[str]:
        joined = "\x00".join(strings)
        return cls(joined, len(strings)) if joined.count("\x00") == max(len(strings) - 1, 0) else strings

    def strings(self) -> list[str]:
        return self.joined.split("\x00") if self.count else []


def early_posts(corpus: Corpus) -> Posts | None:
    """The posts ``early_adopters`` searches; None when none is the corpus's own."""
    stray = {p.id for p in corpus.referenced.values() if p.in_chat and not p.is_repost}
    posts = sorted((p for p in chain(corpus.posts, (corpus.referenced[i] for i in stray)) if not p.is_repost),
                   key=operator.attrgetter("created_at", "id"))  # (no tuple of a million posts first)
    if len(posts) == len(stray):
        return None
    return Posts(
        ids=[p.id for p in posts], author_ids=[p.author_id for p in posts], handles=[p.handle for p in posts],
        texts=[p.text for p in posts], urls=[p.urls for p in posts], hashtags=[p.hashtags for p in posts],
        mentions=np.array([bool(p.mentions) for p in posts], dtype=bool),
        secs=np.array([(p.created_at - posts[0].created_at).total_seconds() for p in posts]),
        reply_ids=[p.reply_to_id for p in posts], quote_ids=[p.quote_of_id for p in posts],
        outside=frozenset(k for k, p in enumerate(posts) if p.id in stray) if stray else frozenset(),
        chat_tag=corpus.chat.lstrip("#").lower())


class ChunkReader(Protocol):
    """Another reading of the posts' chunks, done in ``_token_ids``' pass over them (see
    ``kinds.ChunkReading``): given each distinct chunk once (numbered from 1, in order), then
    the posts' chunk numbers a batch at a time; ``finish``: read posts of its own, from the
    ``lo``-th on, their new chunks numbered after those ``index`` numbers (its chunks, each
    number as ``number`` was given it)."""

    def number(self, chunks: list[str]) -> None: ...

    def read(self, codes: np.ndarray, lo: int) -> None: ...

    def finish(self, index: dict[str, int], lo: int) -> None: ...


def _token_ids(texts: list[str], drop: tuple[str, ...],
               also: ChunkReader | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Stemmed content words of all posts, as ``stem`` of ``textvec.tokens`` gives them post by
    post: (word ids, each word's post index, vocabulary). Words never span whitespace, so each
    distinct whitespace-separated chunk is tokenised once; texts go in batches, each turned into
    word ids before the next, so that only one batch's chunks are held at a time. ``also``:
    another reading of the same chunks (and of posts of its own after these), done meanwhile."""
    dropped = {d.lower() for d in drop}
    vocab: dict[str, int] = {}
    index = {TEXT_END: 0}  # distinct chunks; the words of each, one after another, in `words`
    words, sizes = array("i"), array("q", [0])  # (word and post numbers fit 32 bits: half the memory)
    toks, docs = [np.zeros(0, dtype=np.int32)], [np.zeros(0, dtype=np.int32)]

    def number(new: list[str]) -> None:
        for chunk in new:
            found = [vocab.setdefault(stem(w), len(vocab)) for w in chunk_words(chunk) if w not in dropped]
            index[chunk] = len(sizes)
            sizes.append(len(found))
            words.extend(found)
        if also is not None:
            also.number(new)

    for lo in range(0, len(texts), TOKEN_BATCH):
        chunks = chunks_of(texts[lo:lo + TOKEN_BATCH])
        code = chunk_codes(chunks, index, number)
        del chunks
        if also is not None:
            also.read(code, lo)
        size = np.frombuffer(sizes, dtype=np.int64)
        each = size[code]  # words of each chunk of the texts, from the distinct chunks' words
        ends = np.cumsum(each)
        at = np.repeat((np.cumsum(size) - size)[code] - (ends - each), each) + np.arange(
            int(ends[-1]) if len(ends) else 0)
        toks.append(np.frombuffer(words, dtype=np.int32)[at])
        docs.append(np.repeat((np.cumsum(code == 0) + lo).astype(np.int32), each))
        del size, at  # no view of `sizes` or `words` may outlive the batch: they grow
    if also is not None:
        also.finish(index, len(texts))
    return np.concatenate(toks), np.concatenate(docs), list(vocab)


def _adoption(posts: Posts, first: int, later: list[int], kind: str, item: str | None,
              need: int) -> Adoption | None:
    """The adoption of ``first`` by the posts ``later`` (others', after the lag), if enough.
    A post ``outside`` what is ranked (a chat post between a series' sessions) tells what was
    said before, but earns no credit and adopts nothing."""
    outside, secs = posts.outside, posts.secs
    if first in outside:
        return None
    later = [j for j in later if j not in outside] if outside else later
    firsts: dict[str, int] = {}
    for j in sorted(later):
        firsts.setdefault(posts.author_ids[j], j)
    if len(firsts) < need:
        return None
    # (statistics' median: NumPy's costs tens of microseconds on a short list, tens of thousands of times)
    lead = median([float(secs[j] - secs[first]) for j in firsts.values()]) / 60
    return Adoption(posts.author_ids[first], posts.ids[first], kind, item, list(firsts),
                    [posts.ids[j] for j in sorted(later)], round(lead, 1))


def _cosines(x: sparse.csr_matrix, i: np.ndarray, j: np.ndarray, step: int = 1 << 16) -> np.ndarray:
    return np.concatenate([np.zeros(0)] + [np.asarray(x[i[lo:lo + step]].multiply(x[j[lo:lo + step]]).sum(
        axis=1)).ravel() for lo in range(0, len(i), step)])


def _similar_pairs(x: sparse.csr_matrix, df: np.ndarray, t: np.ndarray,
                   span: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) of rows within ``span`` seconds with cosine >= ECHO. Candidates share words
    of at most PAIR_DF posts worth PAIR_FLOOR of cosine alone: all pairs in a small series."""
    m = x.shape[0]
    kept = df[x.indices] <= max(PAIR_DF[0], PAIR_DF[1] * m)

    def words(which: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix((x.data[which], x.indices[which], np.r_[0, np.cumsum(which)][x.indptr]),
                                 x.shape)

    rare, common = words(kept), words(~kept)  # (x's words, split)
    del kept
    found_i, found_j = [np.zeros(0, np.int32)], [np.zeros(0, np.int32)]  # (rows fit 32 bits)
    for lo in range(0, m, BLOCK):
        top = int(np.searchsorted(t, t[min(m, lo + BLOCK) - 1] + span, side="right"))
        block = (rare[lo:lo + BLOCK] @ rare[lo:top].T).tocoo()
        keep = (block.col > block.row) & (block.data >= PAIR_FLOOR)
        i, j, s = block.row[keep] + lo, block.col[keep] + lo, block.data[keep]
        near = t[j] - t[i] <= span
        i, j, s = i[near], j[near], s[near]
        # The rare words' part of each cosine is the product's; the common words' is added (their
        # rows are shorter than x's). Summed in another order, a cosine a hair from the bar is
        # summed again as x's.
        s += _cosines(common, i, j)
        unsure = np.flatnonzero(np.abs(s - ECHO) < 1e-9)
        s[unsure] = _cosines(x, i[unsure], j[unsure])
        echo = s >= ECHO
        found_i.append(i[echo].astype(np.int32, copy=False))
        found_j.append(j[echo].astype(np.int32, copy=False))
    return np.concatenate(found_i), np.concatenate(found_j)


def namings(posts: Posts) -> tuple[np.ndarray, np.ndarray]:
    """(post, author) for each author a post names outside its reply address, by post: what
    the echo search reads of the handles in the posts' texts, which need no words of theirs
    (so that a process may find them while another tokenises the words: ``rank_leaders``).
    As 32-bit numbers: half the memory, while they wait to be read."""
    post, author = _naming(np.flatnonzero(posts.mentions), posts.texts, posts.handle_numbers)
    return post.astype(np.int32), author.astype(np.int32)


#: What gives ``namings(posts)`` when the search needs them (found by another process meanwhile).
Naming = Callable[[], tuple[np.ndarray, np.ndarray]]


def _named_pairs(posts: Posts, rows: np.ndarray, ntok: np.ndarray, lag: float, span: float,
                 naming: Naming | None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(earlier, later) posts where the later one names the earlier one's author outside its reply
    address, or answers it: the earlier is one of that author's last CREDIT_RECENT positions.
    In runs of arrays: at a million posts they are tens of millions of candidates."""
    n, author, secs = len(posts), posts.author, posts.secs
    for p in (posts.reply, posts.quote):
        answers = rows[(p[rows] >= 0) & (ntok[p[rows]] >= MIN_TOKENS)]
        yield p[answers], answers
    namers, named = naming() if naming is not None else namings(posts)
    keep = ntok[namers] >= MIN_TOKENS  # (the namers among ``rows``)
    namers, named = namers[keep].astype(np.int64), named[keep].astype(np.int64)
    own = rows[ntok[rows] >= MIN_ORIGINAL]  # everyone's possible originals, by author then time
    if len(named) and len(own):
        keys = np.sort(author[own] * n + own)
        back = np.arange(1, CREDIT_RECENT + 1)[None, :]
        for lo in range(0, len(named), NAMED_STEP):  # CREDIT_RECENT candidates each: in steps
            later, whom = namers[lo:lo + NAMED_STEP], named[lo:lo + NAMED_STEP]
            at = np.searchsorted(keys, whom * n + later)[:, None] - back
            earlier = keys[np.maximum(at, 0)]
            ok = (at >= 0) & (earlier // n == whom[:, None])
            earlier, later = earlier % n, np.broadcast_to(later[:, None], at.shape)
            ok &= (secs[later] - secs[earlier] >= lag) & (secs[later] - secs[earlier] <= span)
            yield earlier[ok], later[ok]


#: A post's start, and the handles that address it (``LEADING_HANDLES``), in the posts'
#: texts joined by NUL; else a mention (``MENTION``), its handle captured.
_NAMING = re.compile(rf"\x00(?:[.\s]*@{HANDLE})*|@(?<!\w@)({HANDLE})")


def _naming(rows: np.ndarray, texts: list[str], handles: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(post, author) for each author a post of ``rows`` names outside its reply address: one
    search over a batch's texts joined, each in turn, not a search or two per post (the
    handles found kept as numbers: millions of strings at a million posts)."""
    number: dict[str, int] = {}  # each lower-case handle named, numbered
    posts, codes = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for lo in range(0, len(rows), NAMING_BATCH):
        part = rows[lo:lo + NAMING_BATCH]
        joined = "\x00" + "\x00".join(map(texts.__getitem__, part.tolist()))
        if joined.count("\x00") != len(part):  # (a text holding a NUL: read post by post)
            found = [(k, h) for k in part.tolist() for h in _named_in(texts[k])]
            post, spelled = np.array([k for k, _ in found], dtype=np.int64), [h for _, h in found]
        else:
            marks = _NAMING.findall(joined)  # "" where a post starts, else a handle it names
            start = np.fromiter(map(operator.not_, marks), dtype=bool, count=len(marks))
            post, spelled = part[np.cumsum(start)[~start] - 1], [h for h in marks if h]
        del joined
        posts.append(post)
        spelled = list(map(str.lower, spelled))
        for h in dict.fromkeys(spelled):  # (numbered in the order they first come, each once)
            number.setdefault(h, len(number))
        codes.append(np.fromiter(map(number.__getitem__, spelled), dtype=np.int64, count=len(spelled)))
    size = max(len(number), 1)
    pairs = np.unique(np.concatenate(posts) * size + np.concatenate(codes))  # (each once per post)
    author = np.array([handles.get(h, -1) for h in number], dtype=np.int64)[pairs % size]
    return pairs[author >= 0] // size, author[author >= 0]


def _named_in(text: str) -> list[str]:
    """The handles a post names after the ones its reply address starts with."""
    lead = LEADING_HANDLES.match(text)
    return MENTION.findall(text[lead.end():] if lead else text)


def _credited(x: sparse.csr_matrix, where: np.ndarray,
              pairs: Iterable[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The (earlier, later) pairs whose words reach CREDITED_ECHO, with their cosines; judged
    run by run, so only the few that do are ever held together. A pair found twice (a reply
    that also names its author) is judged twice alike: the adoptions are sets, so no dedupe
    pass over tens of millions of pairs is needed."""
    found_i, found_j, found_s = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
    for i, j in pairs:
        s = _cosines(x, where[i], where[j])
        keep = s >= CREDITED_ECHO
        found_i.append(i[keep])
        found_j.append(j[keep])
        found_s.append(s[keep])
    return (np.concatenate(found_i).astype(np.int64, copy=False),
            np.concatenate(found_j).astype(np.int64, copy=False), np.concatenate(found_s))


def _echoes(posts: Posts, tok: np.ndarray, doc: np.ndarray, need: int, lag: float,
            span: float, naming: Naming | None) -> list[Adoption]:
    """Posts whose words others repeat later (or name their author, or agree in a reply), if
    nobody said them before."""
    ntok = np.bincount(doc, minlength=len(posts))
    rows = np.flatnonzero(ntok >= MIN_TOKENS)
    if len(rows) < 2:  # nobody to echo anyone
        return []
    secs, author, reply, quote = posts.secs, posts.author, posts.reply, posts.quote
    m, where, sel = len(rows), np.full(len(posts), -1), ntok[doc] >= MIN_TOKENS
    where[rows] = np.arange(m)  # unit TF-IDF rows, scikit-learn's weighting as in ``textvec``
    # Built as CSR straight away (the words come in post order): no (row, column) pairs held.
    x = sparse.csr_matrix((np.ones(int(sel.sum())), tok[sel], np.r_[0, np.cumsum(ntok[rows])]),
                          (m, int(tok.max()) + 1))
    x.sum_duplicates()
    df = np.bincount(x.indices, minlength=x.shape[1])
    x.data *= (np.log((1 + m) / (1 + df)) + 1)[x.indices]
    x.data /= np.sqrt(np.add.reduceat(x.data ** 2, x.indptr[:-1]))[np.repeat(np.arange(m), np.diff(x.indptr))]
    i, j = _similar_pairs(x, df, secs[rows], span)
    ci, cj, cs = _credited(x, where, _named_pairs(posts, rows, ntok, lag, span, naming))
    del x, df, where  # (a hundred megabytes at a million posts, no longer needed)
    strong = np.r_[np.ones(len(i), dtype=bool), cs >= ECHO]
    i, j = np.r_[rows[i], ci], np.r_[rows[j], cj]  # post indices from here on
    adopted = np.ones(len(strong), dtype=bool)
    for w in np.flatnonzero((reply[j] == i) | (quote[j] == i)).tolist():
        text = posts.texts[int(j[w])]
        if strong[w]:  # repeating the words to argue is no echo
            adopted[w] = strong[w] = not disagrees(text)
        else:  # a reply's address is no credit, its agreement is
            adopted[w] = agrees(text)
    others = author[i] != author[j]  # said before: by someone else or as one's own position; not asked
    # (by masks over the posts: the pairs are millions, the posts asking a few)
    first = np.zeros(len(posts), dtype=bool)
    first[i[strong]] = True
    asking = np.zeros(len(posts), dtype=bool)
    asking[[k for k in np.flatnonzero(first).tolist() if _asks(posts.texts[k])]] = True
    asked = asking[i]
    said_before = np.zeros(len(posts), dtype=bool)
    said_before[j[strong & (others | (ntok[i] >= MIN_ORIGINAL)) & ~asked]] = True
    take = adopted & others & (secs[j] - secs[i] >= lag) & (ntok[i] >= MIN_ORIGINAL) & ~said_before[i]
    later: dict[int, set[int]] = defaultdict(set)
    for first, post in zip(i[take].tolist(), j[take].tolist(), strict=True):
        later[first].add(post)
    return [a for first, js in later.items() if len(js) >= need
            and (a := _adoption(posts, first, list(js), "echo", None, need)) is not None]


def _url_key(url: str) -> str:
    """One spelling per link: http(s), "www.", a trailing slash, utm_ tags and #fragment aside."""
    parts = urlsplit(url.strip())
    query = urlencode([q for q in parse_qsl(parts.query, True) if not q[0].startswith("utm_")])
    scheme = "https" if parts.scheme.lower() in ("http", "https", "") else parts.scheme.lower()
    return urlunsplit((scheme, parts.netloc.lower().removeprefix("www."), parts.path.rstrip("/"), query, ""))


def _novel(count: Any, first: Any, n: int) -> Any:
    """Whether an item ``count`` posts use, first post ``first`` of ``n``, was absent long
    enough before: at its later rate it would have shown NOVELTY times. Else nobody can tell
    who brought it (a tag in use since the archive began is everyone's). Scalars or arrays."""
    return (count - 1) / np.maximum(n - first - 1, 1) * first >= NOVELTY


def _quoted_only(item: str, text: str) -> bool:
    """Whether the link or "#tag" is in the post only inside the tweet it quotes ("RT @ann:")."""
    own = own_words(text)
    return own is not text and item.lower() not in own.lower() and item.lower() in text.lower()


def _firsts(posts: Posts, kind: str, need: int, lag: float) -> list[Adoption]:
    """Who first brought each link or hashtag that ``need`` others used later: not a tag in
    use from the start (``_novel``: a link is something brought, a tag may be everyone's), nor
    one a question asks about or a quoted tweet holds."""
    uses: dict[str, list[int]] = defaultdict(list)
    shown: dict[str, str] = {}
    keys: dict[str, str] = {}  # each spelling parsed once: the popular links come back a lot
    texts, secs, chat_tag, author_ids = posts.texts, posts.secs, posts.chat_tag, posts.author_ids
    for k, items in enumerate(posts.urls if kind == "link" else posts.hashtags):
        for raw in items:
            if "RT @" in texts[k] or "MT @" in texts[k]:  # (rare: looked at only then)
                if _quoted_only(raw if kind == "link" else "#" + raw.lstrip("#"), texts[k]):
                    continue
            key = keys.get(raw)
            if key is None:
                try:
                    key = keys[raw] = _url_key(raw) if kind == "link" else raw.lstrip("#").lower()
                except ValueError:  # not a URL after all
                    keys[raw] = ""
                    continue
            if key and key != chat_tag and (not uses[key] or uses[key][-1] != k):
                uses[key].append(k)
                shown.setdefault(key, key if kind == "link" else "#" + raw.lstrip("#"))
    later = {key: [k for k in ks[1:] if author_ids[k] != author_ids[ks[0]]
                   and secs[k] - secs[ks[0]] >= lag] for key, ks in uses.items()
             if len(ks) > need and (kind == "link" or _novel(len(ks), ks[0], len(posts)))
             and not _asks(texts[ks[0]])}
    return [a for key, ks in later.items()
            if (a := _adoption(posts, uses[key][0], ks, kind, shown[key], need))]


def _new_phrases(posts: Posts, tok: np.ndarray, doc: np.ndarray, at: np.ndarray, size: int, width: int,
                 need: int, lag: float) -> list[tuple[int, tuple[int, ...], set[int]]]:
    """(first post, word ids, adopting posts) of each new phrase of ``size`` words among those
    starting at the word positions ``at`` that ``need`` others took up."""
    n, secs, author = len(posts), posts.secs, posts.author
    found: list[tuple[int, tuple[int, ...], set[int]]] = []
    if not len(at):
        return found
    key = tok[at].astype(np.int64)  # built in place: each array here has an entry per word
    for _ in range(size - 1):
        at += 1
        key *= width
        key += tok[at]
    at -= size - 1
    d = doc[at]
    del at  # (and each freed as soon as done with)
    order = np.argsort(key, kind="stable")  # posts stay in time order within a phrase
    key, d = key[order], d[order]
    del order
    once = np.r_[True, (key[1:] != key[:-1]) | (d[1:] != d[:-1])]
    key, d = key[once], d[once]
    del once
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    count = np.diff(np.r_[start, len(key)])
    first = d[start]
    new = (count > need) & _novel(count, first, n)
    rows_of = np.repeat(new, count)  # only phrases used often enough, and absent long enough before
    key, d, group = key[rows_of], d[rows_of], np.repeat(np.arange(int(new.sum())), count[new])
    del rows_of
    start, count, first = start[new], count[new], first[new]
    start = np.r_[0, np.cumsum(count)[:-1]].astype(np.int64)
    adopter = (author[d] != author[first[group]]) & (secs[d] - secs[first[group]] >= lag)
    pair = np.unique(group[adopter] * (int(author.max()) + 1) + author[d[adopter]])
    people = np.bincount(pair // (int(author.max()) + 1), minlength=len(start))
    for g in np.flatnonzero(people >= need).tolist():
        if _asks(posts.texts[first[g]]):  # the room answering a question is not adopting
            continue
        rows = d[start[g]:start[g] + count[g]]
        gram = tuple(int(key[start[g]]) // width ** e % width for e in range(size - 1, -1, -1))
        adopted = set(rows[adopter[start[g]:start[g] + count[g]]].tolist())
        found.append((int(first[g]), gram, adopted))
    return found


def _phrases(posts: Posts, tok: np.ndarray, doc: np.ndarray, vocab: list[str], need: int,
             lag: float) -> list[Adoption]:
    """The first voice of each new 2- or 3-word phrase that ``need`` others use later."""
    width = len(vocab) + 1
    same = doc[1:] == doc[:-1]
    found: list[tuple[int, tuple[int, ...], set[int]]] = []
    for size in (2, 3):
        if size == 3 and width ** 3 >= 2 ** 62:
            break
        starts = same if size == 2 else same[:-1] & same[1:]
        part = tok[:len(starts)] % PHRASE_PARTS  # by first word: each phrase in one part
        for p in range(PHRASE_PARTS):
            found += _new_phrases(posts, tok, doc, np.flatnonzero(starts & (part == p)), size, width,
                                  need, lag)
    by_first: dict[int, list[tuple[tuple[int, ...], set[int]]]] = defaultdict(list)
    for first, gram, later in found:
        by_first[first].append((gram, later))
    ids = {word: k for k, word in enumerate(vocab)} if found else {}
    out = []
    for first, gram, later in found:  # a phrase inside a longer one with the same following is one
        if any(len(g) > len(gram) and later <= lt and any(g[k:k + len(gram)] == gram for k in range(len(g)))
               for g, lt in by_first[first]):
            continue
        words = tokens(posts.texts[first], (posts.chat_tag,))  # the phrase as written, not stemmed
        stems = [ids[stem(w)] for w in words]
        at = next(k for k in range(len(stems)) if tuple(stems[k:k + len(gram)]) == gram)
        said = " ".join(words[at:at + len(gram)])
        if (a := _adoption(posts, first, list(later), "phrase", said, need)):
            out.append(a)
    return out


def early_adopters(corpus: Corpus, min_followers_of_idea: int = 3, *, horizon: timedelta | None = HORIZON,
                   min_lag: timedelta = MIN_LAG) -> list[Adoption]:
    """Positions first voiced by one account and taken up later by at least
    ``min_followers_of_idea`` others, most followed first. The chat's posts the corpus holds
    outside its own (between a series' sessions, before a session) tell what was said before
    and earn nothing: "#PS7Now" tagged two days before a session is nobody's there."""
    posts = early_posts(corpus)
    if posts is None:
        return []
    return adoptions_in(posts, min_followers_of_idea, horizon=horizon, min_lag=min_lag)


def adoptions_in(posts: Posts, min_followers_of_idea: int = 3, *, horizon: timedelta | None = HORIZON,
                 min_lag: timedelta = MIN_LAG) -> list[Adoption]:
    """``early_adopters`` of the posts ``early_posts`` read: runs where they are, with no corpus."""
    return in_order(brought_in(posts, min_followers_of_idea, min_lag=min_lag)
                    + said_in(posts, min_followers_of_idea, horizon=horizon, min_lag=min_lag), posts.ids)


def brought_in(posts: Posts, min_followers_of_idea: int = 3, *,
               min_lag: timedelta = MIN_LAG) -> list[Adoption]:
    """The links and hashtags of ``adoptions_in``: read apart from the words, so that a process
    may find them while another searches the words (``rank_leaders``)."""
    need, lag = max(1, min_followers_of_idea), min_lag.total_seconds()
    return [a for kind in ("link", "hashtag") for a in _firsts(posts, kind, need, lag)]


def said_in(posts: Posts, min_followers_of_idea: int = 3, *, horizon: timedelta | None = HORIZON,
            min_lag: timedelta = MIN_LAG, naming: Naming | None = None,
            also: ChunkReader | None = None) -> list[Adoption]:
    """The echoes and phrases of ``adoptions_in``: the search of the posts' words. ``naming``:
    gives ``namings(posts)`` when the search comes to them, if they are found elsewhere;
    ``also``: another reading of the posts' chunks, done in the same pass (``_token_ids``)."""
    tok, doc, vocab = _token_ids(posts.texts, (posts.chat_tag,), also)
    if not len(tok):
        return []
    need, lag = max(1, min_followers_of_idea), min_lag.total_seconds()
    span = horizon.total_seconds() if horizon is not None else math.inf
    return (_echoes(posts, tok, doc, need, lag, span, naming)
            + _phrases(posts, tok, doc, vocab, need, max(lag, PHRASE_LAG.total_seconds())))


def in_order(adoptions: list[Adoption], ids: Sequence[str]) -> list[Adoption]:
    """``adoptions`` of the posts ``ids`` (``Posts.ids``), most followed first, then in the order
    of their first posts."""
    wanted = {a.post_id for a in adoptions}
    order = {i: k for k, i in enumerate(ids) if i in wanted}
    kinds = {"echo": 0, "phrase": 1, "link": 2, "hashtag": 3}
    return sorted(adoptions, key=lambda a: (-len(a.adopters), order[a.post_id], kinds[a.kind], a.item or ""))


def early_adopter_credit(adoptions: list[Adoption]) -> dict[str, float]:
    """Trendsetter credit per account: the sum of log(1 + adopters) over its adoptions,
    so many ideas followed by a few count as much as one followed by a crowd. Best first."""
    credit: dict[str, float] = defaultdict(float)
    for a in adoptions:
        credit[a.account_id] += math.log1p(len(a.adopters))
    return dict(sorted(credit.items(), key=lambda t: (-t[1], t[0])))
