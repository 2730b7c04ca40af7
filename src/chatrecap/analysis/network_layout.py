"""Which accounts the network picture shows, who engaged whom among them, and where each sits.

A picture of every account of a busy chat is a hairball nobody reads. So it shows the
accounts the ranking recognises most (plus those the room named, when they took part),
the interactions among them summed per pair and per type, and a force-directed layout that
pulls together those who talk to each other: igraph's Kamada-Kawai, stronger ties as
shorter springs, started from a circle in rank order. It draws no random numbers, so the
same session gives the same picture.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import igraph
import numpy as np

from chatrecap.analysis.network import KINDS, InteractionGraph, Recognition, weighted_edges

SHOWN = 30  # accounts in the picture
ALWAYS_SHOWN = 5  # of them, those shown whoever they engaged with (the recap's "most recognised")


@dataclass(slots=True)
class PictureEdge:
    source: int  # index into ``Picture.accounts``
    target: int
    weight: float
    kinds: dict[str, int]


@dataclass(slots=True)
class Picture:
    accounts: list[str]  # account ids, most recognised first
    positions: list[tuple[float, float]]  # (x, y) in 0..1, y downwards
    edges: list[PictureEdge]


def picture(graph: InteractionGraph, ranking: Sequence[Recognition],
            also: Iterable[str] = (), limit: int = SHOWN, always: int = ALWAYS_SHOWN) -> Picture:
    """The ``limit`` most recognised accounts (and those of ``also`` that interacted),
    with the edges among them; an account with no edge inside the picture is left out,
    but for the ``always`` most recognised: on a busy hashtag they are answered by many
    people outside the picture, and a picture of those linked alone left them out."""
    number = {a: i for i, a in enumerate(graph.nodes)}
    wanted = [r.account_id for r in ranking[:limit]]
    wanted += [a for a in also if a in number and a not in wanted]
    index = {number[a]: i for i, a in enumerate(wanted)}

    kinds: dict[tuple[int, int], dict[str, int]] = {}
    for kind in KINDS:
        edges = graph.edges.get(kind)
        if edges is None or not len(edges):
            continue
        inside = np.isin(edges.actors, list(index)) & np.isin(edges.targets, list(index))
        pairs, counts = np.unique(np.column_stack((edges.actors[inside], edges.targets[inside])),
                                  axis=0, return_counts=True)
        for (a, b), n in zip(pairs.tolist(), counts.tolist(), strict=True):
            kinds.setdefault((index[a], index[b]), {})[kind] = n
    actors, targets, weights = weighted_edges(graph)
    weight = {(index[a], index[b]): w
              for a, b, w in zip(actors.tolist(), targets.tolist(), weights.tolist(), strict=True)
              if a in index and b in index}

    linked = {i for pair in kinds for i in pair}
    shown = [i for i in range(len(wanted)) if i < always or i in linked]
    keep = {old: new for new, old in enumerate(shown)}
    accounts = [wanted[i] for i in shown]
    edges = [PictureEdge(keep[a], keep[b], round(weight.get((a, b), 0.0), 4), kinds[(a, b)])
             for a, b in sorted(kinds)]
    return Picture(accounts, _layout(len(accounts), edges), edges)


def _layout(n: int, edges: list[PictureEdge]) -> list[tuple[float, float]]:
    if n == 0:
        return []
    if n == 1:
        return [(0.5, 0.5)]
    # Both directions of a pair pull as one undirected tie.
    ties: dict[tuple[int, int], float] = {}
    for e in edges:
        key = (min(e.source, e.target), max(e.source, e.target))
        ties[key] = ties.get(key, 0.0) + max(e.weight, 0.05)
    g = igraph.Graph(n=n, edges=sorted(ties), directed=False)
    start = [[math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)] for i in range(n)]
    # Kamada-Kawai from a fixed start uses no randomness; stronger ties are shorter springs.
    coords = g.layout_kamada_kawai(seed=start, maxiter=50 * n,
                                   weights=[1 / (1 + ties[k]) for k in sorted(ties)])
    xy = np.asarray(coords.coords, dtype=float)
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = np.where(high - low > 1e-9, high - low, 1.0)
    xy = (xy - low) / span
    return [(round(float(x), 4), round(float(y), 4)) for x, y in xy]
