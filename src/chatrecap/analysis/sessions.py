"""Split a chat's archive into its live sessions.

A recurring chat's archive holds each live hour as a dense burst of posts and, between
them, stray posts: announcements days before, a late answer, a transcript link hours later.
A session is a run of posts with no silence longer than ``gap`` that is a conversation:
at least ``min_posts`` posts by at least ``min_participants`` people, no one of whom wrote
more than ``MAX_ONE_AUTHOR_SHARE`` of them (a burst by one account is a late reader
replying to everything at once, or a bot, not a live session). Bots (as the archive flags
them) are no participants: their posts count, they do not. The rest is left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from chatrecap.errors import OptionError
from chatrecap.store import Store

DEFAULT_GAP_MINUTES = 20
DEFAULT_GAP = timedelta(minutes=DEFAULT_GAP_MINUTES)
DEFAULT_MIN_POSTS = 10
DEFAULT_MIN_PARTICIPANTS = 3
MAX_ONE_AUTHOR_SHARE = 0.75
RUN_UP_GAP = timedelta(minutes=2)  # posts further apart than this (and the usual pace) before the start


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    chat: str
    start: datetime  # first post
    end: datetime  # last post
    posts: int
    participants: int

    @property
    def window(self) -> tuple[datetime, datetime]:
        """[start, end) bounds that hold every post of the session."""
        return self.start, self.end + timedelta(microseconds=1)


def slug(text: str) -> str:
    """'#PSTweetChat' -> 'pstweetchat': a name safe in ids, file names and URLs."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chat"


def session_id(chat: str, start: datetime) -> str:
    return f"{slug(chat)}-{start:%Y%m%d-%H%M}"


def find_sessions(store: Store, chat: str, gap: timedelta = DEFAULT_GAP,
                  min_posts: int = DEFAULT_MIN_POSTS,
                  min_participants: int = DEFAULT_MIN_PARTICIPANTS) -> list[Session]:
    """The live sessions of a chat, in time order."""
    rows = store.chat_times(chat)
    bots = store.bots(sorted({author for _, _, author, _ in rows}))
    sessions: list[Session] = []
    run: list[tuple[datetime, str, str, str | None]] = []

    def close() -> None:
        _trim(run, gap)
        per_author = Counter(author for _, author, _, _ in run)
        people = len(per_author.keys() - bots)
        if (len(run) >= min_posts and people >= min_participants
                and max(per_author.values()) <= MAX_ONE_AUTHOR_SHARE * len(run)):
            start, end = run[0][0], run[-1][0]
            sessions.append(Session(session_id(chat, start), chat, start, end, len(run), people))

    previous: datetime | None = None
    for created, post_id, author_id, reply_to_id in rows:
        when = datetime.fromisoformat(created)
        if previous is not None and when - previous > gap:
            close()
            run = []
        run.append((when, author_id, post_id, reply_to_id))
        previous = when
    close()
    return sessions


def _trim(run: list[tuple[datetime, str, str, str | None]], gap: timedelta) -> None:
    """Leave out the run-up and a late straggler: posts trickling in before the chat
    starts (announcements, "ready for #chat!") come minutes apart while the live hour's
    come seconds apart, so leading posts spaced far wider than the session's usual pace
    are dropped; after the end only an isolated last post is (late answers stay: a reply
    to a post of the session, however late, is one). Rows: (time, author, post id,
    reply-to id)."""
    if len(run) < 3:
        return
    gaps = sorted(b[0] - a[0] for a, b in zip(run, run[1:], strict=False))
    wide = max(RUN_UP_GAP, 4 * gaps[len(gaps) // 2])
    start = 0
    while start < len(run) - 1 and run[start + 1][0] - run[start][0] > wide:
        start += 1
    del run[:start]
    end = len(run)  # the stragglers, each over gap/2 after the one before, are run[end:]
    while end > 1 and run[end - 1][0] - run[end - 2][0] > gap / 2:
        end -= 1
    if end == len(run):
        return
    keep, ids = end, {row[2] for row in run[:end]}
    for k in range(end, len(run)):  # the last that answers the session, with those before it
        if run[k][3] is not None and run[k][3] in ids:
            ids.update(row[2] for row in run[keep:k + 1])
            keep = k + 1
    del run[keep:]


def window_session(store: Store, chat: str, start: datetime, end: datetime) -> Session:
    """A session given by its bounds (``--from/--to``) instead of found."""
    if end <= start:
        raise OptionError("--to must be later than --from.")
    rows = [(datetime.fromisoformat(c), a) for c, _, a, _ in store.chat_times(chat)]
    inside = [(when, author) for when, author in rows if start <= when < end]
    if not inside:
        raise OptionError(f"Chat {chat!r} has no posts between {start:%Y-%m-%d %H:%M} and "
                          f"{end:%Y-%m-%d %H:%M} UTC.")
    first, last = inside[0][0], inside[-1][0]
    authors = {author for _, author in inside}
    return Session(session_id(chat, first), chat, first, last, len(inside),
                   len(authors - store.bots(sorted(authors))))


def pick_session(sessions: list[Session], wanted: str | None) -> Session:
    """The session a user named: its id, a unique id prefix or a date, or the latest."""
    if not sessions:
        again = (f" ({wanted!r} may be a session given by its bounds: give the same --from "
                 "and --to again)") if wanted else ""
        raise OptionError("No session found: the chat has no burst of posts big enough "
                          "(see --gap and --min-posts, or use --from/--to to give the session's "
                          f"bounds){again}.")
    if wanted is None:
        return sessions[-1]
    for session in sessions:
        if session.id == wanted:
            return session
    matches = [s for s in sessions if s.id.startswith(wanted)
               or s.start.strftime("%Y-%m-%d").startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(s.id for s in sessions[-5:])
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", wanted):
        try:
            datetime.strptime(wanted, "%Y-%m-%d")
        except ValueError:
            raise OptionError(f"{wanted!r} is no date (YYYY-MM-DD); `chatrecap sessions` lists "
                              f"the sessions (the latest: {known}).") from None
    if matches:
        raise OptionError(f"{wanted!r} names {len(matches)} sessions; give one of: "
                          + ", ".join(s.id for s in matches[:10]) + ".")
    raise OptionError(f"No session {wanted!r}; `chatrecap sessions` lists them "
                      f"(the latest: {known}); a session found with another --gap or --min-posts "
                      "is found again with the same, and one given by its bounds with the same "
                      "--from/--to.")
