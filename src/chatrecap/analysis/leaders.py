"""The leader score: who the community itself recognises, with the evidence for each part.

Influencer tools sell an opaque reach score. This one is a sum anyone can check: earned
recognition (weighted PageRank of the replies, quotes, mentions and reposts an account
receives), bestowed nominations (how many people named it as someone to follow or learn
from), early-adopter credit (ideas it voiced first that others took up), minus the share
of its posts that promote itself. Each part is scaled to 0..1 over the accounts ranked,
weighted (``LeaderWeights``, configurable) and shown beside the score with its posts.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, repeat, zip_longest
from operator import attrgetter
from typing import Any

import numpy as np

from chatrecap.analysis.companies import Affiliation, affiliations, company_dependence, org_accounts
from chatrecap.analysis.corpus import ChatKinds, ChatPost, Corpus, load_corpus
from chatrecap.analysis.heretics import (
    Adoption,
    Posts,
    brought_in,
    early_adopter_credit,
    early_adopters,
    early_posts,
    in_order,
    namings,
    said_in,
)
from chatrecap.analysis.kinds import (
    ChunkReading,
    KindGuess,
    account_kinds,
    automated,
    classify_name,
    read_handles,
    read_posts,
)
from chatrecap.analysis.network import InteractionGraph, Recognition, build_graph, recognition
from chatrecap.analysis.nominations import (
    AuthorNames,
    Nomination,
    find_nominations,
    nomination_prompts,
    tally,
)
from chatrecap.analysis.promotion import self_promotion
from chatrecap.analysis.sessions import Session
from chatrecap.analysis.structure import Structure, analyse
from chatrecap.parallel import FreshProcess, ProcessLost, can_fork, forked_imap, frozen, posted, tell
from chatrecap.store import Store

PEOPLE, ORGANIZATIONS = "person", "organization"


@dataclass(frozen=True, slots=True)
class LeaderWeights:
    recognition: float = 0.4
    nominations: float = 0.4
    early: float = 0.2
    promotion: float = 0.5  # subtracted, times the share of self-promoting posts

    @classmethod
    def parse(cls, text: str) -> LeaderWeights:
        """'recognition=0.5,nominations=0.3' (the names above; the rest keep defaults)."""
        values: dict[str, float] = {}
        for part in filter(None, (p.strip() for p in text.split(","))):
            name, _, number = part.partition("=")
            name = name.strip()
            if name not in cls.__dataclass_fields__:
                raise ValueError(f"unknown weight {name!r}; use " + ", ".join(cls.__dataclass_fields__))
            if name in values:
                raise ValueError(f"{name} is given twice")
            try:
                values[name] = float(number)
            except ValueError:
                values[name] = math.nan
            if not math.isfinite(values[name]):
                raise ValueError(f"{name} takes a number, not {number.strip()!r}")
            if values[name] < 0:  # (a negative one turns a part around: self-promotion a bonus)
                raise ValueError(f"{name} takes a weight of 0 or more, not {number.strip()}")
        weights = cls(**values)
        if not (weights.recognition or weights.nominations or weights.early):
            raise ValueError("recognition, nominations and early are all 0: nothing would rank anyone")
        return weights


@dataclass(slots=True)
class Leader:
    account_id: str | None  # None: a plain-named nominee with no account in the chat
    handle: str | None
    name: str | None
    kind: str  # person, organization or unknown
    kind_confidence: float
    kind_evidence: tuple[str, ...]
    score: float
    recognition: float  # PageRank share, 0..1 over all accounts
    engagers: int  # distinct accounts that replied to, quoted, mentioned or reposted it
    nominations: int  # distinct people who named it
    early_adopter: float  # credit for ideas first voiced and then taken up
    self_promotion: float  # share of its posts that promote itself, 0..1
    evidence: list[str] = field(default_factory=list)  # post ids behind the numbers
    # The same by part of the score: "nominations", "recognition", "early", "promotion".
    evidence_by: dict[str, list[str]] = field(default_factory=dict)
    components: dict[str, float] = field(default_factory=dict)  # weighted parts of the score
    company: dict[str, Any] | None = None  # an organisation's standing through its people


#: Posts of no promotion every account is taken to have besides its own, in the score: a
#: quiet account's one link to its blog is not the verdict 23 of a busy account's are.
QUIET_POSTS = 2

#: Votes that count as full marks even when nobody got that many: one shout-out in a
#: chat where nobody else was named is a vote, not the community's verdict.
FULL_VOTES = 5
#: Early-idea credit that counts as full marks likewise: two ideas each taken up by ten
#: people. (A series whose one credited idea is a joke three people repeated gives it no
#: full marks.)
FULL_EARLY = 2 * math.log1p(10)


def _scaled(values: dict[str, float], floor: float = 0.0) -> dict[str, float]:
    top = max(max(values.values(), default=0.0), floor)
    return {k: v / top for k, v in values.items()} if top > 0 else dict.fromkeys(values, 0.0)


def rank_leaders(corpus: Corpus, structure: Structure | None, nominations: Sequence[Nomination],
                 weights: LeaderWeights | None = None,
                 corrections: dict[str, str] | None = None, *,
                 graph: InteractionGraph | None = None,
                 ranking: Sequence[Recognition] | None = None,
                 kinds: dict[str, KindGuess] | None = None) -> list[Leader]:
    """Every account recognised, named or credited, best first (ties by handle), but
    programs (``kinds.automated``: a bot is nobody's thought leader). ``graph``: the
    corpus's ``build_graph``, when the caller has built it already; ``ranking``: that
    graph's ``recognition``, likewise; ``kinds``: the accounts' kinds read over more than
    the corpus (``corpus.chat_kinds``), else the corpus's own."""
    # On a big series the early-idea search, the longest part, runs meanwhile in a fresh
    # process: a forked one working that long beside this one would end up with a copy of the
    # corpus (see ``parallel``; measured at a million posts, the two processes' peak went from
    # about 2.0 GB to 1.75 GB). It is sent the posts' words as lists and arrays (about 3 s here
    # at a million posts), then both take about as long. Meanwhile the handles the posts name
    # (sent on to it), and the links and hashtags first brought, are found here and the leaders
    # put together; only those with early ideas are made again once the search is done.
    big = len(corpus.posts) >= PARALLEL_POSTS and can_fork()
    try:
        search = FreshProcess(__name__) if big else None
    except OSError:  # (no interpreter to start here: the search is done in this process)
        search = None
    try:
        with frozen():
            return _rank_leaders(corpus, structure, nominations, weights, corrections, graph, ranking,
                                 kinds, search)
    finally:
        if search is not None:
            search.stop()


def _rank_leaders(corpus: Corpus, structure: Structure | None, nominations: Sequence[Nomination],
                  weights: LeaderWeights | None, corrections: dict[str, str] | None,
                  graph: InteractionGraph | None, ranking: Sequence[Recognition] | None,
                  kinds: dict[str, KindGuess] | None, search: FreshProcess | None) -> list[Leader]:
    weights = weights or LeaderWeights()
    brought: list[Adoption] = []
    ids: list[str] = []
    read_at: np.ndarray | None = None  # where the search read each post the kinds read
    if search is not None:
        posts = early_posts(corpus)
        search.send(_search, posts)
        # The search splits the posts into chunks, as the kinds do: it reads them for the kinds
        # too (the handles they count and the posts it lacks are posted to it), and tells what
        # it read once done. The handles the posts name (which it reads once it has the words'
        # pairs), and the links and hashtags first brought, are found here meanwhile: the search
        # of the words is the longer half (only the posts' ids are kept, to put them in order).
        if posts is not None:
            if kinds is None:
                handles = sorted(read_handles(corpus))
                extra, read_at = _kinds_texts(corpus, posts)
                search.post((handles, extra))
                del extra
            else:
                search.post(None)
            search.post(namings(posts))
            brought, ids = brought_in(posts), posts.ids
        del posts
    graph = graph if graph is not None else build_graph(corpus, structure)
    ranked = {r.account_id: r for r in (ranking if ranking is not None else recognition(graph))}
    by_handle = {h.lower(): a for a, h in graph.handles.items()}
    by_handle.update({p.handle.lower(): p.id for p in corpus.authors.values()})
    votes: dict[str, int] = {}
    vote_posts: dict[str, list[str]] = {}
    names: dict[str, str] = {}  # plain-named nominees without an account
    groups: set[str] = set()  # of those, the ones a post spoke of as a group
    platform = corpus.posts[0].platform if corpus.posts else "unknown"
    for count in tally(list(nominations)):
        if count.nominee_is_handle:
            key = by_handle.get(count.nominee.lower()) or f"{platform}:@{count.nominee.lower()}"
        else:
            key = "name:" + count.nominee.lower()
            names[key] = count.nominee
            if count.organization:
                groups.add(key)
        votes[key] = votes.get(key, 0) + count.votes
        vote_posts.setdefault(key, []).extend(count.post_ids)
    if kinds is None:
        read = None
        if read_at is not None and search is not None:
            try:
                read = _told_reading(search.told(), handles, read_at)
            except ProcessLost:  # (the search is done here instead, later: so are the kinds' posts)
                pass
        kinds = account_kinds(corpus, corrections, read=read)
        del read, read_at
    chat_names = kinds.names if isinstance(kinds, ChatKinds) else {}  # (read over the whole chat)
    promotion = self_promotion(corpus)
    affs = affiliations(corpus)
    companies = _companies(corpus, affs, {a: r.score for a, r in ranked.items()}, graph.handles)
    people_said = {a for a, kind in (corrections or {}).items() if kind == PEOPLE}
    programs = {a for a, p in corpus.authors.items() if automated(p.is_bot, p.bio) and a not in people_said}
    # Every leader but for the early ideas, while the search goes on (of a million-post
    # series' 30,000, those with early ideas are made again once it is done): the other
    # parts' scales do not depend on it.
    accounts = sorted((set(ranked) | set(votes) | set(corpus.authors)) - programs)
    rec = _scaled({a: ranked[a].score if a in ranked else 0.0 for a in accounts})
    nom = _scaled({a: float(votes.get(a, 0)) for a in accounts}, FULL_VOTES)

    def leader(a: str, credit: float, early: float, first: list[str] | None) -> Leader:
        """The account ``a``'s row: its parts weighted and scaled (``early``: its early-idea
        ``credit`` scaled), with the posts behind each (``first``: its posts that brought ideas)."""
        mark, sold, author, plain = ranked.get(a), promotion.get(a), corpus.authors.get(a), a in names
        share = sold.share if sold is not None else 0.0
        # (shrunk toward none for a quiet account: 1 post of 1 linking to one's blog is no verdict)
        selling = sold.promotional / (sold.posts + QUIET_POSTS) if sold is not None else 0.0
        parts = {"recognition": weights.recognition * rec.get(a, 0.0),
                 "nominations": weights.nominations * nom.get(a, 0.0),
                 "early": weights.early * early,
                 "promotion": -weights.promotion * selling}
        guess = kinds.get(a) or (classify_name(names[a], a in groups) if plain else
                                 KindGuess("unknown", 0.0, ()))
        handle = None if plain else (
            graph.handles.get(a) or (author.handle if author is not None else a.split(":@", 1)[-1]))
        by: dict[str, list[str]] = {}
        if voted := vote_posts.get(a):
            by["nominations"] = list(dict.fromkeys(voted))
        if mark is not None and mark.evidence:
            by["recognition"] = mark.evidence
        if first:
            by["early"] = first
        if sold is not None and sold.evidence:
            by["promotion"] = sold.evidence
        return Leader(
            account_id=None if plain else a, handle=handle,
            name=names.get(a) or (author.name if author else None) or chat_names.get(a),
            kind=guess.kind, kind_confidence=round(guess.confidence, 3), kind_evidence=tuple(guess.evidence),
            score=round(sum(parts.values()), 4),
            recognition=round(mark.score, 5) if mark is not None else 0.0,
            engagers=mark.in_degree if mark is not None else 0,
            nominations=votes.get(a, 0), early_adopter=round(credit, 3),
            self_promotion=round(share, 3), evidence=_evidence(by),
            evidence_by={part: ids[:EVIDENCE] for part, ids in by.items()},
            components={k: round(v, 4) for k, v in parts.items()},
            company=companies.get(a))

    leaders = {a: leader(a, 0.0, 0.0, None) for a in accounts}
    if search is None:
        adoptions = early_adopters(corpus)
    else:
        try:
            adoptions = in_order(brought + search.result(), ids)
        except ProcessLost:  # (it could not start, or was killed: the work is done here instead)
            adoptions = early_adopters(corpus)
    credit, firsts = early_adopter_credit(adoptions), _firsts(adoptions)
    early = _scaled({a: v for a, v in credit.items() if a not in programs}, FULL_EARLY)
    for a, scaled in early.items():
        leaders[a] = leader(a, credit[a], scaled, firsts.get(a))
    return sorted((leaders[a] for a in sorted(leaders)),  # (ties in account order)
                  key=lambda x: (-x.score, (x.handle or x.name or "").lower()))


#: Posts shown per part of the score (``evidence_by``), and in all (``evidence``): a
#: million-post series ranks 30,000 accounts, each with its lists.
EVIDENCE, ALL_EVIDENCE = 10, 30


def _evidence(by: dict[str, list[str]]) -> list[str]:
    """Posts behind every part of the score, in one list: each part's first ones before
    any part's later ones, so that no part goes unshown (a leader's 40 engagers do not
    push out the post that earned their early-idea credit)."""
    if len(by) == 1:  # (most accounts: only their recognition)
        return list(dict.fromkeys(next(iter(by.values()))[:ALL_EVIDENCE]))
    out = dict.fromkeys(chain.from_iterable(zip_longest(*(ids[:ALL_EVIDENCE] for ids in by.values()))))
    out.pop(None, None)  # (a shorter list's gaps)
    return list(out)[:ALL_EVIDENCE]


def _search(posts: Posts | None) -> list[Adoption]:
    """The fresh process's work: the echoes and phrases in ``posts`` (``early_posts``), if any,
    with the handles they name as this process posts them (``namings``); and the kinds' reading
    of the posts' chunks, if this process posts what it needs (``_KindsReading``)."""
    if posts is None:
        return []
    kinds = posted()  # (None: the kinds were read already)
    also = _KindsReading(*kinds, len(posts)) if kinds is not None else None
    del kinds  # (the texts are let go once read)
    return said_in(posts, naming=posted, also=also)


def _kinds_texts(corpus: Corpus, posts: Posts) -> tuple[list[str], np.ndarray]:
    """The texts of the posts ``account_kinds`` reads (``read_posts``) that the search's ``posts``
    lack (reposts, posts outside the chat), and where each post it reads is among the search's
    texts followed by those."""
    read = read_posts(corpus)
    place = dict(zip(posts.ids, range(len(posts)), strict=True)).get  # (gone once done: 1M ids)
    at = np.fromiter(map(place, map(attrgetter("id"), read), repeat(-1)), dtype=np.int64, count=len(read))
    lacking = np.flatnonzero(at < 0)
    extra = [read[k].text for k in lacking.tolist()]
    at[lacking] = np.arange(len(posts), len(posts) + len(extra))
    return extra, at


class _KindsReading(ChunkReading):
    """The kinds' reading of the posts' chunks (``account_kinds``), done in the search's pass
    over them and told back: whether each post holds a cue word, as bits, and how many write
    each handle (in the order given: a few hundred kilobytes at a million posts, which the pipe
    holds until asked for)."""

    def __init__(self, handles: list[str], texts: list[str], searched: int) -> None:
        super().__init__(handles, searched + len(texts))
        self.order, self.texts = handles, texts

    def finish(self, index: dict[str, int], lo: int) -> None:
        """Read the texts the search lacks, tell what was read, and keep none of it: the search
        goes on for long."""
        self.read_all(self.texts, lo, index)
        tell((np.packbits(self.cue), len(self.cue),
              np.array([self.words.get(h, 0) for h in self.order], dtype=np.int32)))
        self.texts, self.order, self.handles, self.words = [], [], set(), Counter()
        self.cue = np.zeros(0, dtype=bool)
        self._forget()


def _told_reading(told: tuple[np.ndarray, int, np.ndarray], handles: list[str],
                  at: np.ndarray) -> ChunkReading:
    """What ``_KindsReading`` told, for the posts ``account_kinds`` reads (``at``: ``_kinds_texts``'s)."""
    bits, size, counts = told
    read = ChunkReading((), 0)
    read.cue = np.unpackbits(bits, count=size).astype(bool)[at]
    read.words = Counter({h: c for h, c in zip(handles, counts.tolist(), strict=True) if c})
    return read


def _firsts(adoptions: list[Adoption]) -> dict[str, list[str]]:
    """Each account's posts that brought ideas, most taken up first."""
    firsts: dict[str, dict[str, None]] = {}
    for adoption in adoptions:  # (a post that brought a link and a tag is shown once)
        firsts.setdefault(adoption.account_id, {})[adoption.post_id] = None
    return {account: list(posts) for account, posts in firsts.items()}


def _companies(corpus: Corpus, affs: dict[str, list[Affiliation]], scores: dict[str, float],
               handles: dict[str, str]) -> dict[str, dict[str, Any]]:
    """For each organisation with an account: its own recognition against its people's
    (``affs``, from their bios and posts), how concentrated that is, and the key people it
    depends on."""
    out = {}
    for standing in company_dependence(affs, scores, org_accounts(corpus, affs)):
        if standing.account_id is None:
            continue

        def handle(account: str) -> str:
            author = corpus.authors.get(account)
            return author.handle if author else handles.get(account, account)

        out[standing.account_id] = {
            "people": [handle(p) for p, _ in standing.people],
            "own_recognition": round(standing.own_recognition, 5),
            "people_recognition": round(standing.people_recognition, 5),
            "top1_share": round(standing.top1_share, 3),
            "hhi": round(standing.hhi, 3),
            "key_people": standing.key_people,
            "key_people_handles": [handle(p) for p in standing.key_people_ids],
        }
    return out


def series_inputs(store: Store, chat: str, sessions: Sequence[Session],
                  hosts: Sequence[str] = ()) -> tuple[Corpus, Structure, list[Nomination]]:
    """A whole chat's sessions as one corpus; replies and nominations read session by
    session (a prompt of one session is not answered in the next). ``hosts``: handles of the
    moderators, else found in each session."""
    corpus = in_sessions(load_corpus(store, chat), sessions)
    return (corpus, *series_structure(corpus, sessions, hosts))


def in_sessions(corpus: Corpus, sessions: Sequence[Session]) -> Corpus:
    """The corpus of the sessions' posts: a stray post between them (a reminder, a link shared
    on another day) stays only as a post theirs may answer, quote or repost."""
    windows = sorted(s.window for s in sessions)
    kept: list[ChatPost] = []
    stray: dict[str, ChatPost] = {}
    at = 0
    for post in corpus.posts:  # (both in time order)
        while at < len(windows) and post.created_at >= windows[at][1]:
            at += 1
        if at < len(windows) and post.created_at >= windows[at][0]:
            kept.append(post)
        else:
            stray[post.id] = post
    if not stray:
        return corpus
    return Corpus(corpus.chat, kept, {**corpus.referenced, **stray}, corpus.authors)


#: Posts from which a series is analysed by two processes (the sessions are independent).
PARALLEL_POSTS = 50_000


def series_structure(corpus: Corpus, sessions: Sequence[Session],
                     hosts: Sequence[str] = ()) -> tuple[Structure, list[Nomination]]:
    """The replies and nominations of a series already read, found session by session; on a
    big series by two processes, merged in session order (the same result)."""
    with frozen():
        return _series_structure(corpus, sessions, tuple(hosts))


def _series_structure(corpus: Corpus, sessions: Sequence[Session],
                      hosts: tuple[str, ...]) -> tuple[Structure, list[Nomination]]:
    times = [p.created_at for p in corpus.posts]  # a corpus is in time order: slices, no filtering
    parts = [(bisect_left(times, s.window[0]), bisect_left(times, s.window[1])) for s in sessions]
    del times
    names = AuthorNames(corpus)  # the sessions share the authors, so their index too
    parents: dict[str, str] = {}
    nominations: list[Nomination] = []
    if len(corpus.posts) >= PARALLEL_POSTS and len(parts) > 1 and can_fork():
        # A forked worker fills its own copy of ``names``; tuples are cheap to send back.
        sent = forked_imap(partial(_session_rows, corpus, names, hosts), parts)
        found: Iterable[tuple[dict[str, str], list[Nomination]]] = (
            (session_parents, [Nomination(*n) for n in rows]) for session_parents, rows in sent)
    else:
        found = (_session(corpus, part, names, hosts) for part in parts)
    for session_parents, session_nominations in found:
        parents.update(session_parents)
        nominations += session_nominations
    return Structure([], [], {}, parents), nominations


def _session(corpus: Corpus, part: tuple[int, int], names: AuthorNames,
             hosts: tuple[str, ...] = ()) -> tuple[dict[str, str], list[Nomination]]:
    """The parents and nominations of one session, the posts ``corpus.posts[start:end]``."""
    session = Corpus(corpus.chat, corpus.posts[part[0]:part[1]], corpus.referenced, corpus.authors)
    chat = corpus.chat
    # (Nominations read the filing only for the answers to a who-do-you-follow prompt: most
    # sessions of a real series have none, and their answers go unfiled.)
    structure = analyse(session, hosts, chat.lstrip("#") if chat.startswith("#") else None, threads=False,
                        filing=lambda prompts: bool(nomination_prompts(session, prompts)))
    return structure.parents, find_nominations(session, structure, names)


def _session_rows(corpus: Corpus, names: AuthorNames, hosts: tuple[str, ...],
                  part: tuple[int, int]) -> tuple[dict[str, str], list[tuple]]:
    """``_session`` in a forked worker: the nominations as tuples, cheap to send back."""
    parents, found = _session(corpus, part, names, hosts)
    return parents, [(n.nominator_id, n.nominee, n.nominee_is_handle, n.post_id, n.cue, n.organization)
                     for n in found]


def session_inputs(store: Store, session: Session,
                   hosts: Sequence[str] = ()) -> tuple[Corpus, Structure, list[Nomination]]:
    corpus = load_corpus(store, session.chat, *session.window)
    chat = session.chat
    structure = analyse(corpus, hosts, chat.lstrip("#") if chat.startswith("#") else None)
    return corpus, structure, find_nominations(corpus, structure)
