"""A chat over time: who comes, who comes back, and whose voice is rising.

A host's question after a year of weekly chats is not "who posted most" but whether the
community holds together: how many people each session brings for the first time, how
many of last session's people came back, and who has lately become a regular voice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from chatrecap.analysis.sessions import Session
from chatrecap.store import Store, zulu

#: Rising voices compare the latest third of the sessions (at least this many) with the rest.
RECENT_MIN = 3
RISING_MIN_POSTS = 3  # in the recent sessions, over at least two of them


@dataclass(slots=True)
class SessionPeople:
    session_id: str
    start: str  # ISO 8601 UTC
    posts: int
    participants: int
    new: int  # never seen in an earlier session
    returning: int
    retention: float | None  # share of the previous session's people who came back


@dataclass(slots=True)
class RisingVoice:
    account_id: str
    handle: str
    recent_posts: int
    recent_sessions: int
    earlier_posts: int
    earlier_sessions: int
    change: float  # posts per session, recent minus earlier


@dataclass
class SeriesView:
    sessions: list[SessionPeople]
    rising: list[RisingVoice] = field(default_factory=list)


def series_view(store: Store, chat: str, sessions: Sequence[Session], top: int = 10) -> SeriesView:
    """Posts of each session (all of them) and its people: a bot (a poll, a reminder
    workflow) is no participant, so it neither comes back nor rises."""
    every = [store.chat_author_counts(chat, *s.window) for s in sessions]
    bots = store.bots(sorted({a for c in every for a in c}))
    counts = [{a: n for a, n in c.items() if a not in bots} for c in every]
    rows: list[SessionPeople] = []
    seen: set[str] = set()
    previous: set[str] | None = None
    for session, people, posts in zip(sessions, counts, every, strict=True):
        here = set(people)
        rows.append(SessionPeople(
            session.id, zulu(session.start, True), sum(posts.values()),
            len(here), len(here - seen), len(here & seen),
            round(len(previous & here) / len(previous), 3) if previous else None))
        seen |= here
        previous = here
    return SeriesView(rows, _rising(store, counts, top))


def _rising(store: Store, counts: list[dict[str, int]], top: int) -> list[RisingVoice]:
    """Accounts posting more per session lately than before, regulars of the recent sessions."""
    if len(counts) < 2 * RECENT_MIN:
        return []
    recent_n = max(RECENT_MIN, len(counts) // 3)
    recent, earlier = counts[-recent_n:], counts[:-recent_n]
    authors = sorted({a for c in recent for a in c})
    rising = []
    for author in authors:
        r_posts = sum(c.get(author, 0) for c in recent)
        r_sessions = sum(1 for c in recent if author in c)
        if r_posts < RISING_MIN_POSTS or r_sessions < 2:
            continue
        e_posts = sum(c.get(author, 0) for c in earlier)
        e_sessions = sum(1 for c in earlier if author in c)
        change = r_posts / len(recent) - e_posts / len(earlier)
        if change > 0:
            rising.append((change, author, r_posts, r_sessions, e_posts, e_sessions))
    rising.sort(key=lambda t: (-t[0], t[1]))
    handles = store.author_handles([t[1] for t in rising[:top]])
    return [RisingVoice(a, handles.get(a, a), rp, rs, ep, es, round(ch, 3))
            for ch, a, rp, rs, ep, es in rising[:top]]
