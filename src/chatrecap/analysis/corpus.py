"""The posts an analysis works on, read once from the workspace.

The analysis never sees where a post came from: a :class:`ChatPost` has what every
platform can give (ids, author, time, text, links between posts, counts), and a missing
count is 0 here because every use of it is a sum or a ranking.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING, Any

import orjson

from chatrecap.store import ANALYSIS_FIELDS, Store, newer_id, shown_handle

if TYPE_CHECKING:
    from chatrecap.analysis.kinds import KindGuess

_RETWEET_TEXT = re.compile(r"RT @(\w+):\s*")
_LINK = re.compile(r"\bhttps?://\S*")
_CUT_LINK = re.compile(r"\s+h(?:t(?:t(?:ps?)?)?)?:?/{0,2}$")  # a link cut short in its scheme: "htt…"
_SAID = 10  # characters a retweet's words must hold to be looked for
_QUOTED_RETWEET = re.compile(r"\s(?:RT|MT)\s+@\w+:")


def own_words(text: str) -> str:
    """A post's own words: a comment's quoted tweet ("Agreed! RT @ann: her words") is hers,
    not the commenter's (her links, tags, cues and pitches are none of theirs)."""
    if "RT" not in text and "MT" not in text:  # (most posts: two substring looks, not a regex's scan)
        return text
    quoted = _QUOTED_RETWEET.search(text)
    return text if quoted is None else text[:quoted.start()]


@dataclass(slots=True)
class Participant:
    id: str
    handle: str
    name: str | None
    bio: str | None
    followers: int | None
    url: str | None
    kind: str | None
    verified: bool | None
    avatar_url: str | None
    is_bot: bool | None = None  # (an archive that flags bots: Slack, Discord, Mastodon)


@dataclass(slots=True)
class ChatPost:
    id: str
    platform: str
    author_id: str
    handle: str  # the author's handle, no @
    created_at: datetime
    text: str
    reply_to_id: str | None
    reply_to_author: str | None
    quote_of_id: str | None
    repost_of_id: str | None
    mentions: tuple[str, ...]
    hashtags: tuple[str, ...]
    urls: tuple[str, ...]
    likes: int
    reposts: int
    replies: int
    quotes: int
    url: str | None
    in_chat: bool  # False: only here because a chat post reposts, quotes or answers it
    # An "RT @ann: her words" that names no original (TAGS, Twitter Archiver sheets and CSV
    # exports keep a retweet's text alone): a repost of ann's post all the same.
    retweet_text: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        if (self.repost_of_id is None and self.quote_of_id is None and self.text.startswith("RT @")
                and _RETWEET_TEXT.match(self.text) is not None):
            self.retweet_text = True

    @property
    def is_repost(self) -> bool:
        return self.repost_of_id is not None or self.retweet_text

    @property
    def engagement(self) -> int:
        return self.likes + 2 * self.reposts + 2 * self.quotes + self.replies


@dataclass
class Corpus:
    """A chat's posts in a time window (time order) and the posts they point at."""

    chat: str
    posts: list[ChatPost]
    referenced: dict[str, ChatPost] = field(default_factory=dict)
    authors: dict[str, Participant] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id: dict[str, ChatPost] = {p.id: p for p in self.posts}

    def get(self, post_id: str | None) -> ChatPost | None:
        if post_id is None:
            return None
        return self.by_id.get(post_id) or self.referenced.get(post_id)

    def takes_part(self, author_id: str, hosts: Collection[str] = ()) -> bool:
        """Whether an author is a participant: no bot (as Slack, Discord and Mastodon flag
        them), unless it hosts (a workflow posting the questions)."""
        return not self.authors[author_id].is_bot or author_id in hosts


def load_corpus(store: Store, chat: str, start: datetime | None = None,
                end: datetime | None = None) -> Corpus:
    """Read a chat's posts in [start, end) with their authors and referenced posts."""
    index = {name: i for i, name in enumerate(ANALYSIS_FIELDS)}
    posts: list[ChatPost] = []
    referenced: dict[str, ChatPost] = {}
    authors: dict[str, Participant] = {}
    shared: dict[str, str] = {}  # one string for the platform and each replied-to handle
    loads = orjson.loads
    i_author = index["author_id"]
    author_slice = [index[f"author_{f}"] for f in
                    ("handle", "display_name", "bio", "followers", "url", "kind", "verified",
                     "avatar_url", "is_bot")]
    for row in store.chat_window_rows(chat, start, end):
        author_id = row[i_author]
        author = authors.get(author_id)
        if author is None:
            values = [row[i] for i in author_slice]
            values[0] = shown_handle(values[0], author_id)
            for flag in (6, 8):  # (verified, is_bot: stored as integers)
                if values[flag] is not None:
                    values[flag] = bool(values[flag])
            author = authors[author_id] = Participant(author_id, *values)
        # The author's own id string, not the row's copy: a million posts hold a few
        # thousand distinct ids, names and platforms, and the corpus is most of the memory.
        reply_author = row[6] if row[6] is None else shared.setdefault(row[6], row[6])
        post = ChatPost(
            row[0], shared.setdefault(row[1], row[1]), author.id, author.handle,
            datetime.fromisoformat(row[3]), row[4], row[5], reply_author,
            row[7], row[8], tuple(loads(row[9])), tuple(loads(row[10])), tuple(loads(row[11])),
            row[12] or 0, row[13] or 0, row[14] or 0, row[15] or 0, row[16], bool(row[-1]))
        if post.in_chat:
            posts.append(post)
        else:
            referenced[post.id] = post
    versions = store.newer_versions(chat)
    if versions:
        posts = _newest_versions(posts, referenced, versions)
    find_retweeted(posts, referenced)
    return Corpus(chat, posts, referenced, authors)


def chat_kinds(store: Store, corpus: Corpus,
               corrections: dict[str, str] | None = None) -> ChatKinds | None:
    """The kinds of a session's accounts read over its whole chat, as ``chatrecap accounts``
    reads them (a brand a session mentions once reads as a person there); None when the
    corpus is the whole chat already, and its own reading is the same, or when the chat is
    over CHAT_KINDS_POSTS posts (reading it all would cost more than the session's recap).
    (The kinds' module, slow to import, is imported only when the chat is read.)"""
    count = store.chat_post_count(corpus.chat)
    if not 0 < len(corpus.posts) < count <= CHAT_KINDS_POSTS:
        return None
    # The recaps of a chat's sessions (`recap --all`, the blog's drafts) ask in turn: the
    # chat is read once while no import has run and the corrections stay the same.
    imports = tuple(store.query("SELECT COUNT(*), MAX(started_at) FROM imports")[0])
    key = (store.url, corpus.chat, count, imports, tuple(sorted((corrections or {}).items())))
    if _CHAT_KINDS[0] != key:
        from chatrecap.analysis.kinds import account_kinds

        whole = load_corpus(store, corpus.chat)
        kinds = ChatKinds(account_kinds(whole, corrections))
        # A session that only mentions an author of the chat knows them as "platform:@handle".
        for author in whole.authors.values():
            mentioned = f"{author.id.split(':', 1)[0]}:@{author.handle.lower()}"
            if author.id in kinds:
                kinds.setdefault(mentioned, kinds[author.id])
            if author.name:
                kinds.names[author.id] = kinds.names.setdefault(mentioned, author.name)
        _CHAT_KINDS[:] = [key, kinds]
    return _CHAT_KINDS[1]


class ChatKinds(dict[str, "KindGuess"]):
    """The kinds of a chat's accounts by id, and ``names``: their display names, which a
    session's leaders give the people it only mentions ("@fuselamb", named in another month)."""

    def __init__(self, kinds: dict[str, KindGuess]) -> None:
        super().__init__(kinds)
        self.names: dict[str, str] = {}


#: Posts up to which a session's accounts are read over their whole chat (``chat_kinds``).
CHAT_KINDS_POSTS = 200_000
_CHAT_KINDS: list[Any] = [None, None]  # the last chat's (key, kinds)


def find_retweeted(posts: list[ChatPost], referenced: dict[str, ChatPost]) -> None:
    """A retweet kept as its text alone ("RT @ann: her words") reposts ann's post that says
    those words, when the archive holds it: the one earlier post of hers that starts so (an
    archive cuts a long retweet short, with "…"). Its id becomes the retweet's original.
    Links are left out of the comparison: one copy may keep the t.co link that the other
    has written out."""
    wanted = [p for p in posts if p.retweet_text]
    if not wanted:
        return
    # Each author's posts in the order of their texts: those starting with the words are
    # found by bisection, not by reading a host's thousand posts for each retweet.
    theirs: dict[str, list[tuple[str, str, ChatPost]]] = {}
    for post in (*posts, *referenced.values()):
        if not post.is_repost:
            theirs.setdefault(post.handle.lower(), []).append((_words(post.text), post.id, post))
    for entries in theirs.values():
        entries.sort(key=lambda e: (e[0], e[1]))
    for retweet in wanted:
        m = _RETWEET_TEXT.match(retweet.text)
        assert m is not None  # (what retweet_text says)
        said = retweet.text[m.end():].rstrip().removesuffix("…").removesuffix("...")
        said = _words(_CUT_LINK.sub("", said))
        if len(said) < _SAID:  # (too short to tell one post of hers from another)
            continue
        entries = theirs.get(m.group(1).lower(), [])
        found = []
        for text, _, post in islice(entries, bisect_left(entries, (said,)), None):
            if not text.startswith(said):
                break
            if post.created_at <= retweet.created_at:
                found.append(post)
        if len(found) == 1:
            retweet.repost_of_id = found[0].id


def _words(text: str) -> str:
    """A text without its links, one space between words."""
    return " ".join(_LINK.sub(" ", text).split())


def _newest_versions(posts: list[ChatPost], referenced: dict[str, ChatPost],
                     versions: list[tuple[str, str]]) -> list[ChatPost]:
    """One post per edited post: an earlier version (of the (earlier, later) ``versions``)
    is left out where a later one is among ``posts``; the newest read stands where the
    post was first written (the earliest version's time, if read), and what pointed at an
    earlier version (a chat post or a referenced one) points at it."""
    held = {p.id: p for p in posts}
    gone: dict[str, str] = {}
    for old, new in versions:  # (each new is later than its old: ``Store.newer_versions``)
        if new in held and (old not in gone or newer_id(new, gone[old])):
            gone[old] = new
    if not gone:
        return posts
    for old, new in gone.items():
        first = held.get(old) or referenced.get(old)
        if first is not None and first.created_at < held[new].created_at:
            held[new].created_at = first.created_at
    kept = [post for post in posts if post.id not in gone]
    for post in (*kept, *referenced.values()):
        if post.reply_to_id in gone:
            post.reply_to_id = gone[post.reply_to_id]
        if post.quote_of_id in gone:
            post.quote_of_id = gone[post.quote_of_id]
        if post.repost_of_id in gone:
            post.repost_of_id = gone[post.repost_of_id]
    kept.sort(key=lambda p: (p.created_at, p.id))  # (a corpus is in time order, as read)
    return kept
