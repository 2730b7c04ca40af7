"""The Recap document: everything a renderer or the web app shows of one session.

It is the contract between the analysis and everything after it: renderers and the web
app read only this, never the workspace, and every claim in it names the posts it rests
on by their canonical ids (those of ``chatrecap export``). It serialises to versioned JSON
(``schemas/recap.schema.json``); ``RECAP_SCHEMA_VERSION`` changes when a field changes
meaning or goes away, not when one is added.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

import orjson

RECAP_SCHEMA_VERSION = 1

# Why a post is filed under a question (FOLLOW_UP: its author's post of a moment before is
# there; HOST: the host moved it there by hand).
LABEL, REPLY, QUOTE, ADDRESSING, FOLLOW_UP, WINDOW, SIMILARITY, HOST = (
    "label", "reply", "quote", "addressing", "follow-up", "window", "similarity", "host")
REASONS = (LABEL, REPLY, QUOTE, ADDRESSING, FOLLOW_UP, WINDOW, SIMILARITY, HOST)


@dataclass(slots=True)
class RecapPost:
    """A post as the recap shows it; ``kind`` is prompt, answer, repost or post."""

    id: str
    author_id: str
    handle: str
    name: str | None
    created_at: str  # ISO 8601 UTC with Z
    text: str
    url: str | None
    likes: int
    reposts: int
    replies: int
    quotes: int
    reply_to_id: str | None
    quote_of_id: str | None
    repost_of_id: str | None
    kind: str
    in_chat: bool = True  # False: a post from outside the session a chat post points at


@dataclass(slots=True)
class Attachment:
    post_id: str
    reason: str  # one of REASONS
    confidence: float  # 0..1


@dataclass(slots=True)
class Takeaway:
    headline: str
    post_ids: list[str]  # 1-3 representative posts, best first
    people: int  # distinct people who voiced the theme
    endorsements: int  # likes, reposts and agreeing replies the theme's posts received
    score: float
    theme_post_ids: list[str] = field(default_factory=list)  # every post of the theme


@dataclass(slots=True)
class Question:
    prompt_id: str
    label: str | None  # "Q1" when the host labelled it
    number: int | None
    text: str
    author: str  # handle
    kind: str  # labelled, host (an unlabelled host question), guest (a participant's)
    answer_ids: list[str]  # time order
    attachments: list[Attachment]  # one per answer, same order
    takeaways: list[Takeaway] = field(default_factory=list)


@dataclass(slots=True)
class Highlight:
    post_id: str
    reason: str
    score: float


@dataclass(slots=True)
class Thread:
    root_id: str
    post_ids: list[str]  # time order, root first


@dataclass(slots=True)
class Credit:
    """A participant and what they contributed."""

    handle: str
    name: str | None
    author_id: str
    posts: int
    answers: int
    is_host: bool
    profile_url: str | None
    first_time: bool | None  # None when the series has no earlier session


@dataclass(slots=True)
class Nominee:
    """Someone participants named as a person (or organisation) to follow or learn from."""

    handle: str | None  # None: named in plain words, with no account in the chat
    name: str | None
    account_id: str | None
    kind: str  # person, organization or unknown
    kind_confidence: float  # 0..1
    kind_evidence: list[str]  # the signals the kind rests on, strongest first
    votes: int  # distinct people who named them
    nominators: list[str]  # their handles, in the order they voted
    post_ids: list[str]  # the posts that name them, time order


@dataclass(slots=True)
class Recognised:
    """An account the conversation itself recognised, with the parts of its leader score."""

    handle: str
    name: str | None
    account_id: str
    kind: str
    score: float  # the leader score (``chatrecap leaders``)
    recognition: float  # weighted PageRank share, 0..1
    engagers: int  # distinct accounts that replied to, quoted, mentioned or reposted it
    nominations: int
    self_promotion: float  # share of its posts that promote itself, 0..1
    evidence: list[str]  # post ids behind the numbers


@dataclass(slots=True)
class NetworkNode:
    account_id: str
    handle: str
    name: str | None
    kind: str
    x: float  # 0..1, left to right
    y: float  # 0..1, top to bottom
    recognition: float  # weighted PageRank share, 0..1
    engagers: int
    post_ids: list[str]  # the account's own posts in the session, time order


@dataclass(slots=True)
class NetworkEdge:
    source: int  # index into ``Network.nodes``: who replied, quoted, mentioned or reposted
    target: int
    weight: float  # the weight the recognition ranking gives the pair
    kinds: dict[str, int]  # interactions of the pair by type (reply, mention, repost, quote)


@dataclass(slots=True)
class Network:
    """Who engaged whom among the most recognised accounts, laid out for a picture."""

    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
    accounts: int  # accounts in the session's whole interaction graph
    interactions: int  # its interactions (edges of every type)


@dataclass(slots=True)
class Leaders:
    """Thought leaders: those named by participants (people and organisations apart), the
    most recognised by the conversation, and the network they stand in."""

    people: list[Nominee]
    organizations: list[Nominee]
    unsure: list[Nominee]  # named, but neither person nor organisation is likely enough
    recognised: list[Recognised]
    network: Network | None
    method: str  # one sentence on how the figures are made


@dataclass(slots=True)
class SessionInfo:
    id: str
    chat: str
    start: str  # ISO 8601 UTC with Z
    end: str


@dataclass
class Recap:
    title: str
    topic: str | None
    hashtag: str | None
    session: SessionInfo
    hosts: list[str]  # handles
    questions: list[Question]
    unattached_ids: list[str]
    highlights: list[Highlight]
    threads: list[Thread]
    stats: dict[str, Any]
    participants: list[Credit]
    posts: dict[str, RecapPost]  # every post the recap names, by id, time order
    leaders: Leaders | None = None
    intro: str | None = None  # Markdown a host wrote; None: the renderers write one
    closing: str | None = None  # Markdown a host wrote
    options: dict[str, Any] = field(default_factory=dict)  # what produced it
    generator: str = "chatrecap"
    schema_version: int = RECAP_SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> bytes:
        """Deterministic JSON: the same recap gives the same bytes (orjson writes the
        dataclasses itself, in field order, several times faster than asdict)."""
        return orjson.dumps(self, option=orjson.OPT_INDENT_2) + b"\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Recap:
        def build(kind: type, value: dict[str, Any]) -> Any:
            names = {f.name for f in fields(kind)}
            return kind(**{k: v for k, v in value.items() if k in names})

        questions = []
        for q in data["questions"]:
            q = dict(q)
            q["attachments"] = [build(Attachment, a) for a in q.get("attachments", [])]
            q["takeaways"] = [build(Takeaway, t) for t in q.get("takeaways", [])]
            questions.append(build(Question, q))
        rest = {k: v for k, v in data.items() if k in {f.name for f in fields(cls)}}
        rest.update(
            session=build(SessionInfo, data["session"]),
            questions=questions,
            highlights=[build(Highlight, h) for h in data["highlights"]],
            threads=[build(Thread, t) for t in data.get("threads", [])],
            participants=[build(Credit, c) for c in data.get("participants", [])],
            posts={k: build(RecapPost, v) for k, v in data["posts"].items()},
            leaders=_leaders(data.get("leaders"), build),
        )
        return cls(**rest)

    @classmethod
    def from_json(cls, raw: bytes | str) -> Recap:
        return cls.from_dict(orjson.loads(raw))


def _leaders(data: dict[str, Any] | None, build: Any) -> Leaders | None:
    if not data:
        return None
    net = data.get("network")
    network = None if not net else Network(
        nodes=[build(NetworkNode, n) for n in net["nodes"]],
        edges=[build(NetworkEdge, e) for e in net["edges"]],
        accounts=net["accounts"], interactions=net["interactions"])
    return Leaders(
        people=[build(Nominee, n) for n in data.get("people", [])],
        organizations=[build(Nominee, n) for n in data.get("organizations", [])],
        unsure=[build(Nominee, n) for n in data.get("unsure", [])],
        recognised=[build(Recognised, r) for r in data.get("recognised", [])],
        network=network, method=data.get("method", ""))
