"""Early adopters: who said it first, before the room came round to it.

"Thought leaders are often heretics: their position is ahead of the room and seen to be
right only later." So a series is searched for positions one account voiced first and
many others took up later: a post whose words other people later repeat (an echo: TF-IDF
cosine of at least 0.35, or 0.1 when the later post names the first author), and the
first account to bring a link, a hashtag or a new phrase that at least N others use later.
Only the first voice gets credit: a post that someone said before is nobody's original.

It runs on a whole series, so it is written for size. Posts are tokenised in one pass,
similar pairs come from sparse products of time-ordered blocks against the posts within
the horizon after them, and words found in many posts of a big series do not make pairs
on their own (a pair must share a rarer word; its cosine is then exact). Phrases are
counted as integer n-gram keys with NumPy, links and hashtags in one dict pass.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from itertools import chain
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from scipy import sparse

from chatrecap.analysis.corpus import ChatPost, Corpus
from chatrecap.analysis.endorsement import agrees, disagrees
from chatrecap.analysis.highlights import CREDITED_ECHO, ECHO
from chatrecap.analysis.takeaways import MIN_TOKENS, stem
from chatrecap.analysis.textvec import _MENTION, _URL, _WORD, STOP_WORDS, tokens

__all__ = ["Adoption", "early_adopter_credit", "early_adopters"]

MIN_ORIGINAL = 5  # content words of a post that can be a position of its own
MIN_LAG = timedelta(minutes=3)  # an adoption comes later, not in the same breath
HORIZON = timedelta(days=90)  # how far after a post its echoes are looked for
BLOCK = 4096  # posts per block of the pair search
PAIR_DF = 1000, 0.002  # a word in more posts than this (or this share) makes no pair alone
PAIR_FLOOR = 0.2  # cosine the rarer words of a candidate pair must reach on their own
CREDIT_RECENT = 20  # naming an author credits one of their last positions
NOVELTY = 5.0  # a phrase is new if its later rate would have shown it this often before
_ADDRESS = re.compile(r"^(?:[\s.]*@\w+)+")
_HANDLE = re.compile(r"@(\w+)")
_QUESTION = re.compile(r"\?|^\W*Q\d{1,2}\b", re.IGNORECASE)


@dataclass(slots=True)
class Adoption:
    account_id: str  # the first voice
    post_id: str
    kind: str  # "echo" | "link" | "hashtag" | "phrase"
    item: str | None  # the url, "#tag" or phrase; None for an echo
    adopters: list[str]  # distinct later accounts, by first adoption
    adopter_post_ids: list[str]  # time order
    lead_minutes: float  # from the first post to the median adopter's first adoption


def _token_ids(texts: list[str], drop: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Stemmed content words of all posts, as ``stem`` of ``textvec.tokens`` gives them post by
    post: (word ids, each word's post index, vocabulary). Words never span whitespace, so each
    distinct whitespace-separated chunk is tokenised once."""
    chunks = " \x01 ".join(t.replace("\x01", " ") for t in texts).split()
    dropped = {d.lower() for d in drop}
    vocab: dict[str, int] = {}
    distinct = sorted(set(chunks))
    found: list[list[int]] = []
    for chunk in distinct:
        ids = []
        for word in _WORD.findall(_MENTION.sub(" ", _URL.sub(" ", chunk.lower())).replace("’", "'")):
            word = word.strip("'-")
            if chunk != "\x01" and len(word) > 1 and word not in STOP_WORDS and word not in dropped:
                ids.append(vocab.setdefault(stem(word), len(vocab)))
        found.append(ids)
    index = {chunk: k for k, chunk in enumerate(distinct)}
    codes = np.fromiter(map(index.__getitem__, chunks), dtype=np.int64, count=len(chunks))
    post = np.cumsum(codes == index.get("\x01", -1))  # each chunk's post
    sizes = np.array([len(ids) for ids in found], dtype=np.int64)
    flat = np.fromiter(chain.from_iterable(found), dtype=np.int64, count=int(sizes.sum()))
    each = sizes[codes]  # words of each chunk in the text, expanded from the distinct chunks' words
    ends = np.cumsum(each)
    at = np.repeat(np.cumsum(sizes)[codes] - ends, each) + np.arange(int(ends[-1]) if len(ends) else 0)
    return flat[at], np.repeat(post, each), list(vocab)


def _adoption(posts: list[ChatPost], secs: np.ndarray, first: int, later: list[int], kind: str,
              item: str | None, need: int) -> Adoption | None:
    """The adoption of ``first`` by the posts ``later`` (others', after the lag), if enough."""
    firsts: dict[str, int] = {}
    for j in sorted(later):
        firsts.setdefault(posts[j].author_id, j)
    if len(firsts) < need:
        return None
    lead = float(np.median([secs[j] - secs[first] for j in firsts.values()])) / 60
    return Adoption(posts[first].author_id, posts[first].id, kind, item, list(firsts),
                    [posts[j].id for j in sorted(later)], round(lead, 1))


def _vectors(tok: np.ndarray, doc: np.ndarray, rows: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Unit TF-IDF rows of the posts ``rows`` (scikit-learn's weighting, as ``textvec``), and df."""
    m, width = len(rows), int(tok.max()) + 1
    where = np.full(int(doc.max()) + 1, -1)
    where[rows] = np.arange(m)
    sel = where[doc] >= 0
    x = sparse.csr_matrix((np.ones(int(sel.sum())), (where[doc[sel]], tok[sel])), shape=(m, width))
    x.sum_duplicates()
    df = np.bincount(x.indices, minlength=width)
    x.data *= (np.log((1 + m) / (1 + df)) + 1)[x.indices]
    x.data /= np.sqrt(np.add.reduceat(x.data ** 2, x.indptr[:-1]))[np.repeat(np.arange(m), np.diff(x.indptr))]
    return x, df


def _cosines(x: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    out = np.zeros(len(i))
    for lo in range(0, len(i), 1 << 20):  # bounded memory
        part = slice(lo, lo + (1 << 20))
        out[part] = np.asarray(x[i[part]].multiply(x[j[part]]).sum(axis=1)).ravel()
    return out


def _similar_pairs(x: sparse.csr_matrix, df: np.ndarray, t: np.ndarray, span: float):
    """Pairs (i < j) of rows within ``span`` seconds with cosine >= ECHO. Candidates share words
    of at most PAIR_DF posts worth PAIR_FLOOR of cosine alone: all pairs in a small series."""
    m = x.shape[0]
    rare = x.copy()
    rare.data[df[rare.indices] > max(PAIR_DF[0], PAIR_DF[1] * m)] = 0
    rare.eliminate_zeros()
    found_i, found_j, found_s = [], [], []
    for lo in range(0, m, BLOCK):
        hi = min(m, lo + BLOCK)
        top = int(np.searchsorted(t, t[hi - 1] + span, side="right"))
        block = (rare[lo:hi] @ rare[lo:top].T).tocoo()
        keep = (block.col > block.row) & (block.data >= PAIR_FLOOR)
        i, j = block.row[keep] + lo, block.col[keep] + lo
        keep = t[j] - t[i] <= span
        i, j = i[keep], j[keep]
        s = _cosines(x, i, j)
        keep = s >= ECHO
        found_i.append(i[keep])
        found_j.append(j[keep])
        found_s.append(s[keep])
    return np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_s)


def _named_pairs(posts: list[ChatPost], rows: np.ndarray, ntok: np.ndarray, author: np.ndarray,
                 handles: dict[str, int], secs: np.ndarray, lag: float, span: float, reply: np.ndarray,
                 quote: np.ndarray):
    """(earlier, later) row pairs where the later post names the earlier one's author outside its
    reply address, or answers it: the earlier is one of that author's last CREDIT_RECENT positions."""
    where = np.full(len(posts), -1)
    where[rows] = np.arange(len(rows))
    own: dict[int, list[int]] = defaultdict(list)  # author -> their possible originals, time order
    for k in rows[ntok[rows] >= MIN_ORIGINAL].tolist():
        own[int(author[k])].append(k)
    pairs: set[tuple[int, int]] = set()
    for k in rows.tolist():
        post = posts[k]
        pairs.update((int(e), k) for e in (reply[k], quote[k]) if e >= 0 and where[e] >= 0)
        if not post.mentions:
            continue
        for handle in {h.lower() for h in _HANDLE.findall(_ADDRESS.sub("", post.text))}:
            theirs = own.get(handles.get(handle, -1), [])
            at = bisect_left(theirs, k)
            pairs.update((e, k) for e in theirs[max(0, at - CREDIT_RECENT):at]
                         if lag <= secs[k] - secs[e] <= span)
    if not pairs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    i, j = np.array(sorted(pairs), dtype=np.int64).T
    return where[i], where[j]


def _echoes(posts: list[ChatPost], secs: np.ndarray, author: np.ndarray, tok: np.ndarray, doc: np.ndarray,
            handles: dict[str, int], need: int, lag: float, span: float) -> list[Adoption]:
    """Posts whose words others repeat later (or name their author, or agree in a reply), if
    nobody said them before."""
    ntok = np.bincount(doc, minlength=len(posts))
    rows = np.flatnonzero(ntok >= MIN_TOKENS)
    if len(rows) < 2:
        return []
    x, df = _vectors(tok, doc, rows)
    i, j, s = _similar_pairs(x, df, secs[rows], span)
    ids = {p.id: k for k, p in enumerate(posts)}
    reply = np.array([ids.get(p.reply_to_id, -1) if p.reply_to_id else -1 for p in posts])
    quote = np.array([ids.get(p.quote_of_id, -1) if p.quote_of_id else -1 for p in posts])
    ci, cj = _named_pairs(posts, rows, ntok, author, handles, secs, lag, span, reply, quote)
    cs = _cosines(x, ci, cj)
    keep = (cs >= CREDITED_ECHO) & (cs < ECHO)
    i, j = rows[np.r_[i, ci[keep]]], rows[np.r_[j, cj[keep]]]  # post indices from here on
    strong = np.r_[np.ones(len(s), dtype=bool), np.zeros(int(keep.sum()), dtype=bool)]
    adopted = np.ones(len(strong), dtype=bool)
    for w in np.flatnonzero((reply[j] == i) | (quote[j] == i)).tolist():
        text = posts[int(j[w])].text
        if strong[w]:  # repeating the words to argue is no echo
            adopted[w] = strong[w] = not disagrees(text)
        else:  # a reply's address is no credit, its agreement is
            adopted[w] = agrees(text)
    said_before = np.zeros(len(posts), dtype=bool)  # by someone else, or as a position of one's own
    said_before[j[strong & ((author[i] != author[j]) | (ntok[i] >= MIN_ORIGINAL))]] = True
    take = adopted & (author[i] != author[j]) & (secs[j] - secs[i] >= lag)
    take &= (ntok[i] >= MIN_ORIGINAL) & ~said_before[i]
    later: dict[int, set[int]] = defaultdict(set)
    for first, post in zip(i[take].tolist(), j[take].tolist(), strict=True):
        later[first].add(post)
    return [a for first, js in later.items() if len(js) >= need
            and (a := _adoption(posts, secs, first, list(js), "echo", None, need)) is not None]


def _url_key(url: str) -> str:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith("utm_")]
    host = parts.netloc.lower().removeprefix("www.")
    return urlunsplit(("https" if parts.scheme.lower() in ("http", "https", "") else parts.scheme.lower(),
                       host, parts.path.rstrip("/") or "", urlencode(query), ""))


def _firsts(posts: list[ChatPost], secs: np.ndarray, kind: str, need: int, lag: float,
            chat_tag: str) -> list[Adoption]:
    """Who first brought each link or hashtag that ``need`` others used later."""
    uses: dict[str, list[int]] = defaultdict(list)
    shown: dict[str, str] = {}
    for k, post in enumerate(posts):
        items = post.urls if kind == "link" else post.hashtags
        for raw in items:
            key = _url_key(raw) if kind == "link" else raw.lstrip("#").lower()
            if not key or key == chat_tag or (uses[key] and uses[key][-1] == k):
                continue
            uses[key].append(k)
            shown.setdefault(key, key if kind == "link" else "#" + raw.lstrip("#"))
    out = []
    for key, ks in uses.items():
        if len(ks) <= need:
            continue
        first = ks[0]
        later = [k for k in ks[1:] if posts[k].author_id != posts[first].author_id
                 and secs[k] - secs[first] >= lag]
        if (a := _adoption(posts, secs, first, later, kind, shown[key], need)) is not None:
            out.append(a)
    return out


def _phrases(posts: list[ChatPost], secs: np.ndarray, author: np.ndarray, tok: np.ndarray, doc: np.ndarray,
             vocab: list[str], need: int, lag: float, drop: tuple[str, ...]) -> list[Adoption]:
    """The first voice of each new 2- or 3-word phrase that ``need`` others use later."""
    n, width = len(posts), len(vocab) + 1
    same = doc[1:] == doc[:-1]
    found: list[tuple[int, tuple[int, ...], int, list[int]]] = []
    for size in (2, 3):
        if size == 3 and width ** 3 >= 2 ** 62:
            break
        at = np.flatnonzero(same if size == 2 else same[:-1] & same[1:])
        key = tok[at] * width + tok[at + 1]
        if size == 3:
            key = key * width + tok[at + 2]
        d = doc[at]
        order = np.lexsort((d, key))
        key, d = key[order], d[order]
        fresh = np.r_[True, (key[1:] != key[:-1]) | (d[1:] != d[:-1])]
        key, d = key[fresh], d[fresh]
        start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        count = np.diff(np.r_[start, len(key)])
        group = np.repeat(np.arange(len(start)), count)
        first = d[start]
        adopter = (author[d] != author[first[group]]) & (secs[d] - secs[first[group]] >= lag)
        pair = np.unique(group[adopter] * (int(author.max()) + 1) + author[d[adopter]])
        people = np.bincount(pair // (int(author.max()) + 1), minlength=len(start))
        expected = (count - 1) / np.maximum(n - first - 1, 1) * first
        for g in np.flatnonzero((people >= need) & (expected >= NOVELTY)).tolist():
            if _QUESTION.search(posts[first[g]].text):  # the room answering a question is not adopting
                continue
            rows = d[start[g]:start[g] + count[g]]
            words = tok[np.searchsorted(doc, first[g]):np.searchsorted(doc, first[g], side="right")].tolist()
            at = next(k for k in range(len(words)) if _key(words[k:k + size], width) == int(key[start[g]]))
            found.append((int(first[g]), tuple(words[at:at + size]), at,
                          rows[adopter[start[g]:start[g] + count[g]]].tolist()))
    out = []
    for first, gram, at, later in found:  # a phrase inside a longer one with the same following is one
        if any(f == first and len(g) > len(gram) and _within(gram, g) and set(lt) >= set(later)
               for f, g, _, lt in found):
            continue
        said = " ".join(tokens(posts[first].text, drop)[at:at + len(gram)])  # as written, not stemmed
        if (a := _adoption(posts, secs, first, later, "phrase", said, need)):
            out.append(a)
    return out


def _key(gram: list[int] | tuple[int, ...], width: int) -> int:
    value = 0
    for word in gram:
        value = value * width + word
    return value


def _within(short: tuple[int, ...], long: tuple[int, ...]) -> bool:
    return any(long[k:k + len(short)] == short for k in range(len(long) - len(short) + 1))


def early_adopters(corpus: Corpus, min_followers_of_idea: int = 3, *, horizon: timedelta | None = HORIZON,
                   min_lag: timedelta = MIN_LAG) -> list[Adoption]:
    """Positions first voiced by one account and taken up later by at least
    ``min_followers_of_idea`` others, most followed first."""
    posts = sorted((p for p in corpus.posts if not p.is_repost), key=lambda p: (p.created_at, p.id))
    if not posts:
        return []
    start = posts[0].created_at
    secs = np.array([(p.created_at - start).total_seconds() for p in posts])
    codes: dict[str, int] = {}
    author = np.array([codes.setdefault(p.author_id, len(codes)) for p in posts])
    handles = {a.handle.lower(): codes[a.id] for a in corpus.authors.values() if a.id in codes}
    handles.update({p.handle.lower(): codes[p.author_id] for p in posts if p.handle.lower() not in handles})
    chat_tag = corpus.chat.lstrip("#").lower()
    tok, doc, vocab = _token_ids([p.text for p in posts], (chat_tag,))
    need, lag = max(1, min_followers_of_idea), min_lag.total_seconds()
    span = horizon.total_seconds() if horizon is not None else math.inf
    out = [a for kind in ("link", "hashtag") for a in _firsts(posts, secs, kind, need, lag, chat_tag)]
    if len(tok):
        out += _echoes(posts, secs, author, tok, doc, handles, need, lag, span)
        out += _phrases(posts, secs, author, tok, doc, vocab, need, lag, (chat_tag,))
    order = {p.id: k for k, p in enumerate(posts)}
    kinds = {"echo": 0, "phrase": 1, "link": 2, "hashtag": 3}
    return sorted(out, key=lambda a: (-len(a.adopters), order[a.post_id], kinds[a.kind], a.item or ""))


def early_adopter_credit(adoptions: list[Adoption]) -> dict[str, float]:
    """Trendsetter credit per account: the sum of log(1 + adopters) over its adoptions,
    so many ideas followed by a few count as much as one followed by a crowd. Best first."""
    credit: dict[str, float] = defaultdict(float)
    for a in adoptions:
        credit[a.account_id] += math.log1p(len(a.adopters))
    return dict(sorted(credit.items(), key=lambda t: (-t[1], t[0])))
