"""Who the room recognises: an interaction graph of a chat and a ranking over it.

Thought leadership is earned and bestowed: the audience must recognise it. So the ranking
only counts what other people did towards an account (replied to it, mentioned it,
reposted or quoted it), never what the account says or how much it posts, and it keeps
the posts behind every edge so each place in the ranking can be checked.

Accounts are nodes (author ids; an account only mentioned gets ``platform:@handle``). Each
interaction type keeps its own multi-edge list, one edge per post and target, so callers
can rank on any mix of types. Node and post numbers (not strings) keep a million-post
series within memory.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any

import igraph
import numpy as np

from chatrecap.analysis.corpus import Corpus
from chatrecap.analysis.structure import Structure
from chatrecap.parallel import few_collections

__all__ = ["DEFAULT_TYPE_WEIGHTS", "KINDS", "EdgeList", "InteractionGraph", "Recognition",
           "build_graph", "recognition", "weighted_edges"]

KINDS = ("reply", "mention", "repost", "quote")
# A reply or a quote is written to someone; a mention names them in passing; a repost
# passes them on with no word of one's own.
DEFAULT_TYPE_WEIGHTS = {"reply": 1.0, "quote": 1.0, "mention": 0.7, "repost": 0.5}
EVIDENCE_MAX = 20
_RT = re.compile(r"^RT @(\w+)")


@dataclass(slots=True)
class EdgeList:
    """One interaction type: edge i goes from node ``actors[i]`` to node ``targets[i]``
    because of the post ``InteractionGraph.post_ids[posts[i]]``; corpus order."""

    actors: np.ndarray  # int32 node numbers
    targets: np.ndarray
    posts: np.ndarray  # int32 positions in corpus.posts

    def __len__(self) -> int:
        return len(self.posts)


@dataclass
class InteractionGraph:
    nodes: list[str]  # account ids, sorted: node number i is nodes[i]
    handles: dict[str, str]  # account id -> handle as seen
    post_ids: list[str]  # the corpus's chat posts, in order
    edges: dict[str, EdgeList] = field(default_factory=dict)  # kind -> its multi-edges

    def triples(self, kind: str) -> list[tuple[str, str, str]]:
        """The (actor id, target id, post id) edges of one kind, for reading and tests."""
        el = self.edges[kind]
        return [(self.nodes[a], self.nodes[b], self.post_ids[p])
                for a, b, p in zip(el.actors.tolist(), el.targets.tolist(), el.posts.tolist(),
                                   strict=True)]


@few_collections()  # (millions of small lists and tuples: 3 s of 7 at a million posts otherwise)
def build_graph(corpus: Corpus, structure: Structure | None = None) -> InteractionGraph:
    """Every account-to-account interaction of the corpus's chat posts, by type.

    A reply goes to the author of the post it answers (its reply id, else the parent the
    structure found by @-addressing, else the handle it says it replies to). A repost
    makes only a repost edge: its "RT @x:" is the repost, not a mention. Mentions of the
    reply's target, of oneself, and repeats within a post are not counted again."""
    parents = structure.parents if structure is not None else {}
    known: dict[tuple[str, str], str] = {}  # (platform, lower-case handle) -> author id
    for author in sorted(corpus.authors.values(), key=lambda a: a.id, reverse=True):
        known[(author.id.split(":", 1)[0], author.handle.lower())] = author.id
    handles = {a.id: a.handle for a in corpus.authors.values()}
    for post in chain(corpus.referenced.values(), corpus.posts):
        known.setdefault((post.platform, post.handle.lower()), post.author_id)
        handles.setdefault(post.author_id, post.handle)

    number: dict[str, int] = {}  # account id -> provisional node number, first seen

    def node(account: str) -> int:
        n = number.get(account)
        if n is None:
            n = number[account] = len(number)
        return n

    made: dict[str, int] = {}  # an account only named (no author's) -> the post first naming it

    def by_handle(platform: str, handle: str, at: int) -> int:
        """The node of a handle as written in the post ``at``: an account only named is spelt
        as the first post naming it writes it (mentions are read after the other posts: an
        earlier mention's spelling wins over a later reply's)."""
        key = (platform, handle.lower())
        account = known.get(key)
        if account is None:
            account = known[key] = f"{platform}:@{key[1]}"
            if account not in handles:
                handles[account], made[account] = handle, at
        elif made.get(account, at) > at:
            handles[account], made[account] = handle, at
        return node(account)

    cols = {kind: array("i") for kind in KINDS}  # (actor, target, post) triples, flat
    reposts, replies, quotes = cols["repost"].extend, cols["reply"].extend, cols["quote"].extend
    # The posts that mention someone, as (post, its author's node, the replied one's or -1),
    # platforms and handles: their millions of mentions are read after the loop, as arrays.
    mentioning, platforms, mentions = array("i"), [], []
    get = corpus.get
    for at, post in enumerate(corpus.posts):
        me = node(post.author_id)
        if post.is_repost:  # (an "RT @x:" text without the original's id too)
            original = get(post.repost_of_id)
            if original is not None:
                target = node(original.author_id)
            elif (m := _RT.match(post.text)) is not None:
                target = by_handle(post.platform, m.group(1), at)
            else:
                continue
            if target != me:
                reposts((me, target, at))
            continue
        replied = -1
        parent = None
        if post.reply_to_id is not None:
            parent = get(post.reply_to_id)
        if parent is None and parents:
            parent = get(parents.get(post.id))
        if parent is not None:
            replied = node(parent.author_id)
        elif post.reply_to_author:
            replied = by_handle(post.platform, post.reply_to_author, at)
        if replied == me:
            replied = -1
        elif replied >= 0:
            replies((me, replied, at))
        if post.quote_of_id is not None and (quoted := get(post.quote_of_id)) is not None:
            target = node(quoted.author_id)
            if target != me:
                quotes((me, target, at))
        if post.mentions:
            mentioning.extend((at, me, replied))
            platforms.append(post.platform)
            mentions.append(post.mentions)

    mentioned = _mention_edges(np.frombuffer(mentioning, dtype=np.int32).reshape(-1, 3), platforms, mentions,
                               by_handle)
    del mentioning, platforms, mentions
    nodes = sorted(number)
    remap = np.empty(len(nodes), dtype=np.int32)  # provisional number -> sorted number
    remap[[number[account] for account in nodes]] = np.arange(len(nodes), dtype=np.int32)
    edges = {}
    for kind, flat in cols.items():
        triples = mentioned if kind == "mention" else np.frombuffer(flat, dtype=np.int32).reshape(-1, 3)
        edges[kind] = EdgeList(remap[triples[:, 0]], remap[triples[:, 1]], triples[:, 2].copy())
    return InteractionGraph(nodes, {n: handles.get(n, n) for n in nodes},
                            [p.id for p in corpus.posts], edges)


def _mention_edges(mentioning: np.ndarray, platforms: list[str], handles: list[tuple[str, ...]],
                   by_handle: Callable[[str, str, int], int]) -> np.ndarray:
    """The (actor, target, post) mention edges, in post order, of the ``mentioning`` posts
    (rows of post, author's node, replied node or -1; their platforms and handles as
    written): each handle as written numbered once, by ``by_handle`` with the first post
    writing it, then each post's targets but its author, the account it replies to and
    repeats, all at once as arrays."""
    if not len(mentioning):
        return np.zeros((0, 3), dtype=np.int32)
    sizes = np.fromiter(map(len, handles), dtype=np.int64, count=len(handles))
    one = platforms[0] if len(set(platforms)) == 1 else None  # (a chat's usual case: handles alone)
    keys: list[Any] = list(chain.from_iterable(handles)) if one is not None else list(
        zip(chain.from_iterable(map(repeat, platforms, sizes.tolist())), chain.from_iterable(handles),
            strict=True))
    number = {key: k for k, key in enumerate(dict.fromkeys(keys))}  # in the order they first come
    code = np.fromiter(map(number.__getitem__, keys), dtype=np.int64, count=len(keys))
    del keys
    post = np.repeat(mentioning[:, 0], sizes)
    most = np.maximum.accumulate(code)  # (numbered as they first come: a new one tops the rest)
    first = post[np.flatnonzero(np.r_[True, most[1:] > most[:-1]])]  # each one's first post
    del most
    written = zip(repeat(one), number) if one is not None else number  # (platform, handle), each once
    target = np.array([by_handle(platform, handle, k) for (platform, handle), k
                       in zip(written, first.tolist(), strict=True)], dtype=np.int32)[code]
    del code, first, number
    actor = np.repeat(mentioning[:, 1], sizes)
    kept = np.flatnonzero((target != actor) & (target != np.repeat(mentioning[:, 2], sizes)))
    pairs = post[kept].astype(np.int64) * (int(target.max()) + 1) + target[kept]
    _, once = np.unique(pairs, return_index=True)
    del pairs
    kept = kept[np.sort(once)]  # (a handle a post repeats counts once, where it first comes)
    out = np.empty((len(kept), 3), dtype=np.int32)
    out[:, 0], out[:, 1], out[:, 2] = actor[kept], target[kept], post[kept]
    return out


@dataclass(slots=True)
class Recognition:
    account_id: str
    score: float  # weighted PageRank: recognition from the recognised weighs more
    in_degree: int  # distinct accounts that engaged with this one
    reactions: float  # the weighted reactions received (see weighted_edges)
    engagers: tuple[str, ...]  # those accounts, strongest first
    evidence: list[str]  # post ids, one per engager first, most direct reaction first


@dataclass(slots=True)
class _Weights:
    targets: np.ndarray  # per edge (every post of every kind kept)
    posts: np.ndarray
    pair: np.ndarray  # per edge: its pair's number
    pair_actors: np.ndarray  # per distinct actor->target pair, sorted by (actor, target)
    pair_targets: np.ndarray
    weights: np.ndarray


def _weights(graph: InteractionGraph, types: tuple[str, ...],
             type_weights: dict[str, float] | None) -> _Weights:
    unknown = set(types) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown interaction types: {sorted(unknown)}; known: {KINDS}")
    tw = {**DEFAULT_TYPE_WEIGHTS, **(type_weights or {})}
    # Most direct kind first: a stable sort by pair then leaves each pair's edges in
    # (type weight desc, time) order, which the evidence needs.
    kinds = sorted((k for k in dict.fromkeys(types) if tw[k] > 0), key=lambda k: -tw[k])
    parts = [graph.edges[k] for k in kinds]
    actors = np.concatenate([e.actors for e in parts] or [np.empty(0, np.int32)])
    targets = np.concatenate([e.targets for e in parts] or [np.empty(0, np.int32)])
    posts = np.concatenate([e.posts for e in parts] or [np.empty(0, np.int32)])
    type_weight = np.concatenate([np.full(len(e), tw[k]) for k, e in zip(kinds, parts, strict=True)]
                                 or [np.empty(0)])
    n_nodes = len(graph.nodes)
    keys, pair, counts = np.unique(actors.astype(np.int64) * n_nodes + targets,
                                   return_inverse=True, return_counts=True)
    pair_actors = (keys // max(n_nodes, 1)).astype(np.int32)
    pair_targets = (keys % max(n_nodes, 1)).astype(np.int32)
    # n reactions of one actor to one target count as log2(1 + n), at their mean type weight.
    mean_type = np.bincount(pair, weights=type_weight, minlength=len(keys)) / np.maximum(counts, 1)
    base = mean_type * np.log2(1 + counts)
    # An actor who reacts to many more accounts than the median actor weighs less per
    # reaction. (PageRank normalises each actor's out-weights, so there the same holds by
    # the split of its vote; the discount shows in ``reactions`` and weighted_edges.)
    reach = np.bincount(pair_actors, minlength=n_nodes)
    median = float(np.median(reach[reach > 0])) if len(keys) else 1.0
    discount = 1 / np.sqrt(np.maximum(1.0, reach / median))
    return _Weights(targets, posts, pair.ravel(), pair_actors, pair_targets,
                    base * discount[pair_actors])


def weighted_edges(graph: InteractionGraph, types: tuple[str, ...] = KINDS,
                   type_weights: dict[str, float] | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The weighted simple graph the ranking runs on: (actor, target, weight) arrays over
    node numbers, one entry per distinct actor->target pair, sorted by (actor, target).

    weight = mean type weight x log2(1 + n reactions of the pair)
             / sqrt(max(1, distinct targets of the actor / median over actors))."""
    w = _weights(graph, tuple(types), type_weights)
    return w.pair_actors, w.pair_targets, w.weights


@few_collections()
def recognition(graph: InteractionGraph, types: tuple[str, ...] = KINDS,
                type_weights: dict[str, float] | None = None) -> list[Recognition]:
    """Accounts others engaged with, most recognised first (ties by id).

    The score is PageRank on ``weighted_edges``: being engaged by accounts the room itself
    engages with counts more, and an actor's vote is split over everyone it engages, so
    reacting to everything spreads it thin. ``reactions`` is the plain weighted sum."""
    w = _weights(graph, tuple(types), type_weights)
    n_nodes, n_pairs = len(graph.nodes), len(w.weights)
    if n_pairs == 0:
        return []
    score = _pagerank(n_nodes, w)
    reactions = np.bincount(w.pair_targets, weights=w.weights, minlength=n_nodes)
    in_degree = np.bincount(w.pair_targets, minlength=n_nodes)
    first_pair = np.concatenate(([0], np.cumsum(in_degree)))  # per target, in by_target
    # Engagers of each target, strongest first.
    by_target = np.lexsort((w.pair_actors, -w.weights, w.pair_targets))
    engager_ids = list(map(graph.nodes.__getitem__, w.pair_actors[by_target].tolist()))  # (sliced below)
    evidence, first_ev = _evidence_posts(graph, w, by_target, first_pair)
    del w, by_target  # (a million posts' edges: gone before the accounts' lists are made)
    rounded = np.round(score, 12)  # equal in theory, equal here: the tie goes to the id
    ranked = [i for i in np.lexsort((np.arange(n_nodes), -rounded)).tolist() if in_degree[i] > 0]
    return [Recognition(graph.nodes[i], float(score[i]), int(in_degree[i]),
                        round(float(reactions[i]), 6),
                        tuple(engager_ids[first_pair[i]:first_pair[i + 1]]),
                        evidence[first_ev[i]:first_ev[i + 1]])
            for i in ranked]


def _pagerank(n_nodes: int, w: _Weights) -> np.ndarray:
    """Weighted PageRank of the pairs (the igraph graph, tens of megabytes, gone on return)."""
    # (Pairs of ints zipped as igraph reads them: a list of 1.7 million two-item lists, or a
    # NumPy array, which igraph reads item by item, takes longer at a million posts.)
    g = igraph.Graph(n=n_nodes, edges=zip(w.pair_actors.tolist(), w.pair_targets.tolist(), strict=True),
                     directed=True)
    return np.asarray(g.pagerank(weights=w.weights.tolist(), directed=True, damping=0.85))


def _evidence_posts(graph: InteractionGraph, w: _Weights, by_target: np.ndarray,
                    first_pair: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Each target's evidence, target after target, and where each one's starts: each engager's
    best post, then each one's second, and so on (its arrays, an entry per edge, gone on return)."""
    n_nodes, n_pairs = len(graph.nodes), len(w.weights)
    # Each pair's rank among its target's engagers (``by_target`` puts them strongest first).
    pair_rank = np.empty(n_pairs, dtype=np.int64)
    pair_rank[by_target] = np.arange(n_pairs) - first_pair[w.pair_targets[by_target]]
    # Within a pair, the most direct reaction (highest type weight) first, then earliest.
    first_edge = np.concatenate(([0], np.cumsum(np.bincount(w.pair, minlength=n_pairs))))
    by_pair = np.argsort(w.pair, kind="stable")
    turn = np.empty(len(by_pair), dtype=np.int64)
    turn[by_pair] = np.arange(len(by_pair)) - first_edge[w.pair[by_pair]]
    # An edge past the first k of its pair, or of a pair past the first k engagers, has k edges
    # before it, so only the rest are sorted. A post both quoting and mentioning someone is
    # shown once.
    k = 2 * EVIDENCE_MAX
    rank = pair_rank[w.pair]
    cand = np.flatnonzero((turn < k) & (rank < k))
    key = (w.targets[cand].astype(np.int64) * k + turn[cand]) * k + rank[cand]
    keep = cand[np.argsort(key)]
    first_ev = np.concatenate(([0], np.cumsum(np.bincount(w.targets[keep], minlength=n_nodes))))
    keep = keep[np.arange(len(keep)) - first_ev[w.targets[keep]] < k]
    _, once = np.unique(w.targets[keep].astype(np.int64) * len(graph.post_ids) + w.posts[keep],
                        return_index=True)
    keep = keep[np.sort(once)]
    first_ev = np.concatenate(([0], np.cumsum(np.bincount(w.targets[keep], minlength=n_nodes))))
    keep = keep[np.arange(len(keep)) - first_ev[w.targets[keep]] < EVIDENCE_MAX]
    first_ev = np.concatenate(([0], np.cumsum(np.bincount(w.targets[keep], minlength=n_nodes))))
    return list(map(graph.post_ids.__getitem__, w.posts[keep].tolist())), first_ev
