"""The recap's thought-leaders section: who participants named, who the room recognised.

Named first, because leadership is bestowed: the people (and, apart, the organisations)
participants named as someone to follow or learn from, with every vote's post. Then the
accounts the conversation itself recognised most, with the parts of their leader score;
the hosts are left out of that list (everyone answers the host: that is the format, not
recognition). Then the network picture those figures come from.
"""

from __future__ import annotations

from collections.abc import Sequence

from chatrecap.analysis.corpus import Corpus
from chatrecap.analysis.kinds import ORGANIZATION, PERSON, KindGuess
from chatrecap.analysis.leaders import Leader, LeaderWeights, rank_leaders
from chatrecap.analysis.network import InteractionGraph, Recognition, build_graph, recognition
from chatrecap.analysis.network_layout import picture
from chatrecap.analysis.nominations import Nomination, tally
from chatrecap.analysis.structure import Structure
from chatrecap.recap.model import Leaders, Network, NetworkEdge, NetworkNode, Nominee, Recognised

RECOGNISED_SHOWN = 5
SURE = 0.6  # a nominee is filed as a person or an organisation from this confidence up

METHOD = ("Named: distinct people who named someone to follow or learn from (answers to a "
          "who-do-you-follow question, #FF, shout-outs, h/t), one vote each, never for "
          "themselves. Recognised: weighted PageRank of the replies, quotes, mentions and reposts "
          "an account received, plus nominations and ideas others took up, minus the share of "
          "its posts that promote itself; hosts are not listed.")


def leaders_section(corpus: Corpus, structure: Structure, nominations: Sequence[Nomination],
                    corrections: dict[str, str] | None = None,
                    weights: LeaderWeights | None = None,
                    kinds: dict[str, KindGuess] | None = None) -> Leaders:
    """``kinds``: the accounts' kinds read over the whole chat (``chat_kinds``), if known."""
    graph = build_graph(corpus, structure)  # one graph and ranking for the leaders and the picture
    ranking = recognition(graph)
    ranked = rank_leaders(corpus, structure, nominations, weights, corrections, graph=graph,
                          ranking=ranking, kinds=kinds)
    by_account = {x.account_id: x for x in ranked if x.account_id}
    by_handle = {x.handle.lower(): x for x in ranked if x.handle}
    by_name = {x.name.lower(): x for x in ranked if x.account_id is None and x.name}

    def handle_of(account_id: str) -> str:
        author = corpus.authors.get(account_id)
        return author.handle if author else account_id.split(":@", 1)[-1]

    groups: dict[str, list[Nominee]] = {PERSON: [], ORGANIZATION: [], "unsure": []}
    for count in tally(list(nominations)):
        leader = (by_handle.get(count.nominee.lower()) if count.nominee_is_handle
                  else by_name.get(count.nominee.lower()))
        kind = leader.kind if leader else "unknown"
        confidence = leader.kind_confidence if leader else 0.0
        nominee = Nominee(
            handle=count.nominee if count.nominee_is_handle else None,
            name=leader.name if leader else (None if count.nominee_is_handle else count.nominee),
            account_id=leader.account_id if leader else None,
            kind=kind, kind_confidence=confidence,
            kind_evidence=list(leader.kind_evidence) if leader else [],
            votes=count.votes, nominators=[handle_of(a) for a in count.nominator_ids],
            post_ids=sorted(count.post_ids, key=lambda i: (corpus.by_id[i].created_at, i)))
        sure = kind in (PERSON, ORGANIZATION) and confidence >= SURE
        groups[kind if sure else "unsure"].append(nominee)

    hosts = set(structure.hosts)
    recognised = [Recognised(
        handle=x.handle or "", name=x.name, account_id=x.account_id or "", kind=x.kind,
        score=x.score, recognition=x.recognition, engagers=x.engagers, nominations=x.nominations,
        self_promotion=x.self_promotion, evidence=x.evidence[:10])
        for x in ranked if x.account_id and x.account_id not in hosts and x.score > 0
        and x.kind != ORGANIZATION][:RECOGNISED_SHOWN]

    named = [n.account_id for group in groups.values() for n in group if n.account_id]
    return Leaders(people=groups[PERSON], organizations=groups[ORGANIZATION],
                   unsure=groups["unsure"], recognised=recognised,
                   network=_network(corpus, graph, ranking, by_account, named), method=METHOD)


def _network(corpus: Corpus, graph: InteractionGraph, ranking: Sequence[Recognition],
             leaders: dict[str, Leader], named: list[str]) -> Network | None:
    shown = picture(graph, ranking, also=named)
    if len(shown.accounts) < 2 or not shown.edges:  # (nobody engaged anybody it shows: no picture)
        return None
    posts: dict[str, list[str]] = {}
    for post in corpus.posts:
        posts.setdefault(post.author_id, []).append(post.id)
    nodes = []
    for account, (x, y) in zip(shown.accounts, shown.positions, strict=True):
        leader = leaders.get(account)  # its recognition and engagers: the ranking's, rounded alike
        author = corpus.authors.get(account)
        nodes.append(NetworkNode(
            account_id=account, handle=graph.handles.get(account, account),
            name=author.name if author else None, kind=leader.kind if leader else "unknown",
            x=x, y=y, recognition=leader.recognition if leader else 0.0,
            engagers=leader.engagers if leader else 0, post_ids=posts.get(account, [])))
    edges = [NetworkEdge(e.source, e.target, e.weight, e.kinds) for e in shown.edges]
    return Network(nodes, edges, accounts=len(graph.nodes),
                   interactions=sum(len(e) for e in graph.edges.values()))
