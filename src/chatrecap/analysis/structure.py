"""The shape of a live session: hosts, prompts, which post answers which, and threads.

A host opens topics to the room (prompts); everyone else answers, argues and jokes in
one stream, often late and out of order. Each answer is filed under its prompt with the
evidence used, strongest first: an explicit "A1:" label, a reply (or quote) of the prompt
or of a post already filed, leading @-addressing where the platform has no reply ids,
the window between two prompts, and text similarity as a last resort. Greetings and
logistics stay unattached. Every filing records its reason and a confidence, so a person
can check and correct it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np

from chatrecap.analysis.corpus import ChatPost, Corpus
from chatrecap.analysis.textvec import (
    Folded,
    Vectors,
    cosine,
    joined_texts,
    stem,
    texts_matching,
    tokens,
    whole_words,
    word_counts,
)
from chatrecap.recap.model import ADDRESSING, FOLLOW_UP, LABEL, QUOTE, REPLY, SIMILARITY, WINDOW
from chatrecap.text import WEB_LINK

__all__ = ["ADDRESSING", "FOLLOW_UP", "LABEL", "QUOTE", "REPLY", "SIMILARITY", "WINDOW", "Link",
           "Prompt", "Structure"]


@dataclass(slots=True)
class Prompt:
    post_id: str
    label: str | None  # "Q1"
    number: int | None
    kind: str  # labelled, host, guest
    author_id: str


@dataclass(slots=True)
class Link:
    """Why a post is filed under a prompt."""

    prompt_id: str
    reason: str
    confidence: float


@dataclass
class Structure:
    hosts: list[str]  # author ids, most active first
    prompts: list[Prompt]  # time order
    links: dict[str, Link]  # answer post id -> its prompt
    parents: dict[str, str]  # post id -> the post it replies to (reply id, @-addressing) or carries on
    chatter: set[str] = field(default_factory=set)  # greetings, thanks, logistics
    threads: list[list[str]] = field(default_factory=list)  # root first, time order
    follow_ups: dict[str, str] = field(default_factory=dict)  # the ``parents`` that are the author's own post


#: A handle as written after "@": a Mastodon address ("ann@mastodon.social"), a Bluesky domain
#: ("ann.bsky.social", ending in a lower-case top-level name: "@ann.Thanks" is "@ann" and a
#: word), else an X word, which no "@" follows (the whole word: "@ann@bob" names nobody, not
#: "an"). Atomic: a run of glued handles has one reading. (The first two are tried only where
#: the run of word characters and hyphens ends in "." or "@", as both need: most handles are X
#: words, and each failed try backtracks over the word.)
_DOMAIN = r"[\w-]+(?:\.[\w-]+)*\.(?-i:[a-z]{2,})(?![\w-])"
HANDLE = rf"(?>(?=[\w-]*+[.@])(?:\w+@{_DOMAIN}|{_DOMAIN})|\w++(?!@\w))"
# "Q1:", "Q2 -", "Question 3", "Q4)", "Q5." at the start (after handles, the chat's tag or an emoji).
_QUESTION_LABEL = re.compile(
    rf"^[\W_]*?(?:(?:@{HANDLE}\s+|#\w+\s+)*)(?:\bQ|\bQuestion\s*#?)\s?(\d{{1,2}})(?:[a-z](?=\s*[:.)\-–—]))?\b"
    r"\s*(?:[:.)\-–—]|\s)", re.IGNORECASE)  # ("Q1a:", a first part, is Q1)
# "A1:", "a2 -", "A3)", "A4.", "Answer 1:", "A1/Q1", "A1a:" (a first part) at the start (after
# handles, the chat's tag or an emoji).
_ANSWER_LABEL = re.compile(r"^[^\w@#]*#?(?:A|Answer\s*#?)\s?(\d{1,2})(?:[a-z](?=\s*[:.)\-–—/]))?\b"
                           r"\s*(?:[:.)\-–—/&,]|\s|$)", re.IGNORECASE)  # (not "A1C is", "A11y", "A 3D")
# The handles a post starts with, and each mention: other modules read handles so too.
LEADING_HANDLES = re.compile(rf"^(?:[.\s]*@({HANDLE}))+")
_LEADING_MARKS = re.compile(rf"^(?:[.\s]*(?:@{HANDLE}|#(?![AaQq]\d)\w+(?=\s)))+")  # ("#A1" is a label)
# (The "@" first, its lookbehind after it, not before it: then ``re`` skips ahead to each "@"
# instead of trying the lookbehind at every character; the same matches, a third faster.)
MENTION = re.compile(rf"@(?<!\w@)({HANDLE})")
_TYPED_ASIDE = re.compile(r"https?://\S+|#\w+")
# Thanks that answer the person thanked, not the question their post answered.
_THANKS = re.compile(r"\b(?:thanks?|thank you|thx|ty|cheers|much appreciated)\b", re.IGNORECASE)
# (Laid out as a trie by ``whole_words``: about a third quicker on real posts than the list.)
_CHATTER = re.compile(whole_words([
    "hi", "hello", "hey", "howdy", "greetings", "good morning", "good afternoon", "good evening", "welcome",
    "joining", "here from", "checking in", "glad to be", "happy to be", "thank", "thanks", "thank you",
    "thanks you", "thx", "ty", "bye", "see you", "see ya", "next week", "next month", "next time",
    "same time", "transcript", "transcripts", "reminder", "don't forget", "dont forget", "this tag",
    "this hashtag", "the tag", "the hashtag", *(f"{verb} {when}" for verb in ("start", "starts", "starting")
                                               for when in ("in", "now", "soon")),
    "kick off", "kicking off", "let's get started", "lets get started", "top of the hour", "wrap up",
    "wrapping up", "that's a wrap", "thats a wrap", "last question", "mark your calendar",
    "mark your calendars", "be back", "is back", "lurking", "late to the party", "made it", "paging",
    "you're late", "youre late", "i'm late", "im late", "coming up", "remember to", "off-topic",
    "random one", "what did i miss", "how is everyone"]), re.IGNORECASE)
_CHATTER_QUESTION = re.compile(r"\b(?:what did i miss|how is everyone|how are (?:you|we) all|"
                               r"who'?s (?:here|joining|with us)|anyone else here)\b", re.IGNORECASE)
_LOGISTICS = re.compile(r"\b(?:remember to|reminder|coming up|up next|in a minute|use a\d|"
                        r"(?:use|include) (?:the|this) (?:hash)?tag|recap|transcript|"
                        r"(?:past|previous|earlier) (?:chats?|sessions?)|catch up on)\b",
                        re.IGNORECASE)
# "Welcome" as a host greets, not as anyone answers ("feedback is welcome", "you're welcome").
_NOT_GREETING = "".join(f"(?<!{before} welcome)" for before in (
    r"\bis", r"\bare", "re", r"\bbe", r"\bwas", "always", r"\bmost", "than", r"\bso", r"\bvery"))
_OPENING = re.compile(r"\b(?:welcome" + _NOT_GREETING + r"|let'?s get started|"
                      r"kick(?:ing)? off|starting now|"
                      r"introduce yourselves?|today'?s topic|our topic)\b", re.IGNORECASE)
_CLOSING = re.compile(r"\b(?:thanks? (?:you )?(?:all |everyone |so much )?for (?:joining|coming|"
                      r"hanging|participating|taking|being)|that'?s a wrap|see you next|"
                      r"next (?:week|month)'?s? chat|transcripts?)\b", re.IGNORECASE)
_ROOM_QUESTION = re.compile(r"\b(?:anyone|anybody|everyone|y'?all|you all|folks|people|who|"
                            r"what|which|how|why|when|where|do you|are you|have you|would you|"
                            r"if you|any(?!\s+(?:final\s+|more\s+|other\s+|last\s+|further\s+)?"
                            r"(?:questions?|qs)\b)|are there|is there)\b[^?]*\?",
                            re.IGNORECASE)  # ("Any questions?" opens no topic)
# "Are there any questions?", "Do you have any questions for us?", "Questions, anyone?"
_ASKS_FOR_QUESTIONS = re.compile(
    r"\bany\s+(?:\w+\s+){0,2}?(?:questions?|q'?s)\s*(?:for\s+(?:us|me|him|her|them|our\s+\w+)\s*)?"
    r"(?:,\s*\w+\s*)?(?:\?|$|before\b|so far\b)|\bquestions?,?\s+any(?:one|body)\b", re.IGNORECASE)
# A question without its question mark: "What is the biggest challenge you face with X."
_ROOM_QUESTION_OPENING = re.compile(
    r"^(?:so,?\s+|ok,?\s+|q:\s*)?(?:what|how|who|which|why|anyone|anybody|does anyone|"
    r"do you|is anyone|has anyone|have you|are you|would you|are there any|is there any)\b", re.IGNORECASE)

# ... or asked in passing: "Curious if anyone has kicked its tires."
_ROOM_QUESTION_ANYWHERE = re.compile(
    r"\b(?:curious (?:if|whether|how|what)|wondering (?:if|whether|how|what)|"
    r"(?:does|has|is) any(?:one|body)|any(?:one|body) (?:else )?(?:using|tried|played|seen))\b",
    re.IGNORECASE)

# The same, matched faster on ASCII text (see ``Folded``).
# Each with strings one of which its every match holds (see ``Folded``).
_CHATTER_F = Folded(_CHATTER)
_CHATTER_QUESTION_F = Folded(_CHATTER_QUESTION, ("what did i miss", "how is everyone", "how are", "who",
                                                 "anyone else here"))
_LOGISTICS_F = Folded(_LOGISTICS, ("remember to", "reminder", "coming up", "up next", "in a minute",
                                   "use a", "use th", "include th", "recap", "transcript", "past ",
                                   "previous ", "earlier ", "catch up on"))
_OPENING_F = Folded(_OPENING, ("welcome", "get started", "kick", "starting now", "introduce", "topic"))
_CLOSING_F = Folded(_CLOSING, ("thank", "a wrap", "see you next", "next week", "next month", "transcript"))
_ROOM_QUESTION_F = Folded(_ROOM_QUESTION, ("?",))
_ROOM_QUESTION_OPENING_F = Folded(_ROOM_QUESTION_OPENING)
_ROOM_QUESTION_ANYWHERE_F = Folded(_ROOM_QUESTION_ANYWHERE, ("curious", "wondering", "any"))

CHATTER_MAX_WORDS = 14  # a greeting or a reminder is short
ADDRESS_LOOKBACK = timedelta(minutes=45)  # how far back "@ann ..." looks for ann's post
TYPING_CHARS_PER_SECOND = 10  # a reply's words take time: none answers a post of a moment before
FOLLOW_UP_GAP = timedelta(minutes=2)  # a post this soon after its author's own carries it on
FOLLOW_UP_WORD_SHARE = 0.1  # ... if they share a word at most this share of the session's posts use
FOLLOW_UP_SAMPLE = 2000  # posts whose words tell how common a word is
WINDOW_MIN_SIMILARITY = 0.03  # a post in a prompt's window shares some words with it
SIMILARITY_MIN = 0.25  # cosine to a prompt's words and answers
SIMILARITY_MARGIN = 0.1  # over the window's prompt, to overrule the window


@lru_cache(maxsize=1 << 16)  # (asked of a post by the hosts, the follow-ups and the prompts)
def question_label(text: str) -> int | None:
    if "q" not in text and "Q" not in text:  # (most posts: a label needs its Q)
        return None
    m = _QUESTION_LABEL.match(text)
    return int(m.group(1)) if m else None


@lru_cache(maxsize=1 << 16)  # (asked of a post by the filing, the follow-ups and the nominations)
def answer_label(text: str) -> int | None:
    """The number of an "A1:"-style label near the start of a post."""
    m = _ANSWER_LABEL.match(_LEADING_MARKS.sub("", text).lstrip())
    return int(m.group(1)) if m else None


@lru_cache(maxsize=1 << 16)  # (asked of a post by the threads, the hosts, the prompts and the filing)
def addressed(text: str) -> tuple[str, ...]:
    """Handles a post starts with ("@ann @bob thanks"): whom it replies to on platforms
    or archives without reply ids. Lower-case."""
    m = LEADING_HANDLES.match(text)
    return tuple(h.lower() for h in MENTION.findall(m.group(0))) if m else ()


@lru_cache(maxsize=1 << 16)  # asked of a post by the filing, the prompts and the nominations
def is_chatter(text: str) -> bool:
    """A greeting, thanks or logistics note: short and made of those words."""
    body = LEADING_HANDLES.sub("", text)
    chunks = body.split()  # words besides hashtags, links and handles: counted only if need be
    if len(chunks) > CHATTER_MAX_WORDS and sum(
            not w.startswith(("#", "http", "@")) for w in chunks) > CHATTER_MAX_WORDS:
        return False
    low = body.lower()
    if not _CHATTER_F.search(body, low):
        return False
    return "?" not in body or _CHATTER_QUESTION_F.search(body, low)


def chatter_each(texts: Sequence[str]) -> list[bool]:
    """``is_chatter`` of each text, asked only of those holding a chatter word, found in one
    look at them all (``texts_matching``): a session's thousands of posts, most holding none.
    A word of a post's body is one of its text: the handles it starts with end in a letter or
    digit, and what follows them does not start a word."""
    out = [False] * len(texts)
    for k in texts_matching(texts, _CHATTER_F):
        out[k] = is_chatter(texts[k])
    return out


# What a post quotes rather than says: a block between triple quotes or fences, a line
# Slack or Markdown shows as a quotation ("> ..."), up to its closing quote mark if words
# of the post's own follow it on the line ('>"... a bad metaheuristic" so... what now?').
# (A fence or triple quote left open quotes nothing; a quoted line opening with a question's
# label is a host's way of setting it apart: "> Q2: How do you ...?")
_QUOTED = re.compile(r'"""[\s\S]*?"""|```[\s\S]*?```|'
                     r'^[ \t]*>(?![ \t]*(?:Q|Question\s*)\d)[ \t]*(?:"[^"\n]*"|[^\n]*)', re.M)


def _is_room_question(post: ChatPost) -> bool:
    """An open question to everyone, not a reply to someone; asking whether anyone has
    questions opens no topic, nor does a question the post quotes (a pasted answer from
    elsewhere)."""
    return not post.reply_to_id and not addressed(post.text) and _asks_the_room(post.text)


@lru_cache(maxsize=1 << 16)  # (asked of a post by the hosts, the follow-ups and the prompts)
def _asks_the_room(text: str) -> bool:
    if "://" in text:  # (a "?" in a link asks nothing: "this link will help: https://x.io/?q=1")
        text = WEB_LINK.sub(" ", text)
    if '"""' in text or "```" in text or ">" in text:
        text = _QUOTED.sub(" ", text)
    low = text.lower()
    return ((_ROOM_QUESTION_F.search(text, low)
             or _ROOM_QUESTION_OPENING_F.match(text.lstrip("#").strip())
             or _ROOM_QUESTION_ANYWHERE_F.search(text, low))
            and not is_chatter(text) and not _ASKS_FOR_QUESTIONS.search(text))  # (the rarest last)


def _closes(text: str) -> bool:
    return _CLOSING_F.search(text)


def _is_housekeeping(text: str) -> bool:
    """A host's reminder or sign-off ("use the tag for the transcript", "mark your calendar...
    thanks for hanging out"): replies to it are thanks, not a topic taken up."""
    low = text.lower()
    return _LOGISTICS_F.search(text, low) or _CLOSING_F.search(text, low)


def detect_hosts(corpus: Corpus, given: Sequence[str] = ()) -> list[str]:
    """Author ids of the moderators: ``given`` handles, else whoever labels questions,
    opens, closes and asks the room, well above everyone else."""
    if given:
        by_handle = {a.handle.lower(): a.id for a in corpus.authors.values()}
        return [by_handle[h.lower().lstrip("@")] for h in given
                if h.lower().lstrip("@") in by_handle]
    posts = [p for p in corpus.posts if not p.is_repost]
    if not posts:
        return []
    score: Counter[str] = Counter()
    count = Counter(p.author_id for p in posts)
    first = posts[0].created_at
    span = max((posts[-1].created_at - first).total_seconds(), 1.0)
    texts = [p.text for p in posts]
    joined = joined_texts(texts, lower=True)
    may_open, may_close, may_remind = (cue.holders(texts, joined)
                                       for cue in (_OPENING_F, _CLOSING_F, _LOGISTICS_F))
    for p, opens, closes, reminds in zip(posts, may_open, may_close, may_remind, strict=True):
        at = (p.created_at - first).total_seconds() / span
        low = p.text.lower() if opens or closes or reminds else None
        if question_label(p.text) is not None:
            score[p.author_id] += 3
        if opens and at <= 0.2 and _OPENING_F.search(p.text, low):
            score[p.author_id] += 2
        if closes and at >= 0.7 and _CLOSING_F.search(p.text, low):
            score[p.author_id] += 2
        if _is_room_question(p):
            score[p.author_id] += 1
        if reminds and _LOGISTICS_F.search(p.text, low):
            score[p.author_id] += 1.5  # reminders and announcements are a moderator's job
    for author, n in count.items():
        score[author] += 4 * n / len(posts)  # the host talks most
    # One post hosts nothing, however much it reads like a host's ("Reminder: call for
    # chapter proposals", the only post of its author in a conference's afternoon).
    ranked = sorted(((a, s) for a, s in score.items() if count[a] >= 2), key=lambda kv: (-kv[1], kv[0]))
    top = ranked[0][1] if ranked else 0.0
    if top < 3:
        return []
    return [author for author, s in ranked if s >= max(3.0, 0.35 * top)][:3]


def analyse(corpus: Corpus, hosts: Sequence[str] = (), hashtag: str | None = None, *,
            threads: bool = True, filing: Callable[[list[Prompt]], bool] | None = None) -> Structure:
    """Hosts, prompts, answer filing and threads of one session (``threads``: False where
    nothing reads them, the sessions of a series' leaders; ``filing``: whether the answers
    to these prompts are read at all, else none is filed: a series' leaders read only the
    answers to a who-do-you-follow prompt)."""
    host_ids = detect_hosts(corpus, hosts)
    hosts_set = set(host_ids)
    posts = [p for p in corpus.posts if not p.is_repost]
    chatter = {p.id for p, said in zip(posts, chatter_each([p.text for p in posts]), strict=True) if said}
    parents = _parents(corpus, posts, chatter)
    follow_ups = _follow_ups(posts, parents, chatter, [hashtag] if hashtag else [])
    parents.update(follow_ups)
    prompts = _prompts(posts, hosts_set, parents, chatter, follow_ups)
    links = (_file_answers(corpus, posts, prompts, parents, chatter, hashtag)
             if filing is None or filing(prompts) else {})
    return Structure(host_ids, prompts, links, parents, chatter, _threads(posts, parents) if threads else [],
                     follow_ups)


#: A post as a possible parent: the post, its author and addressees, not chatter.
_Candidate = tuple[ChatPost, frozenset[str], bool]


def _parents(corpus: Corpus, posts: list[ChatPost], chatter: set[str]) -> dict[str, str]:
    """The post each post replies to: its reply id when that post is known, else a recent
    post by an account it addresses. A reply addresses its parent's author and whoever
    the parent addressed, so a candidate whose author and addressees are exactly this
    post's addressees is preferred; greetings and logistics are passed over if possible."""
    parents: dict[str, str] = {}
    recent: dict[str, list[_Candidate]] = {}  # handle -> their posts so far, oldest first
    for post in posts:
        handles = addressed(post.text)
        parent = corpus.get(post.reply_to_id)
        if parent is not None:
            parents[post.id] = parent.id
        elif post.reply_to_id is None and handles:
            found = _addressed_parent(post, handles, recent)
            if found is not None:
                parents[post.id] = found.id
        me = post.handle.lower()
        recent.setdefault(me, []).append((post, frozenset((me, *handles)), post.id not in chatter))
    return parents


def _follow_ups(posts: list[ChatPost], parents: dict[str, str], chatter: set[str],
                drop: list[str]) -> dict[str, str]:
    """Posts that carry on their author's post of a moment before (a thought split over two
    or three posts, a host adding to the topic they opened), each with the first of its run.
    A word of that post comes back, one the session seldom uses (a host's run of
    announcements shares only the chat's subject); not a reply, a question, a label or
    chatter, and not after a reply or chatter: those start something of their own."""
    last: dict[str, ChatPost] = {}
    pairs: list[tuple[ChatPost, ChatPost]] = []
    for post in posts:
        before, last[post.author_id] = last.get(post.author_id), post
        if (before is not None and post.created_at - before.created_at <= FOLLOW_UP_GAP
                and before.id not in chatter
                and post.id not in parents and post.reply_to_id is None and post.quote_of_id is None
                and post.id not in chatter and not addressed(post.text) and question_label(post.text) is None
                and answer_label(post.text) is None and not _is_room_question(post)):
            pairs.append((before, post))
    heads: dict[str, str] = {}
    if not pairs:
        return heads

    known: dict[str, frozenset[str]] = {}  # (a post is the second of a pair, then the first of the next)

    def words(post: ChatPost) -> frozenset[str]:
        found = known.get(post.id)
        if found is None:
            found = known[post.id] = frozenset(stem(w) for w in tokens(post.text, drop))
        return found

    # How many posts use a word, counted on every post of a session of up to
    # FOLLOW_UP_SAMPLE posts, else on an even sample of that many (a share is all it asks).
    step = max(1, len(posts) // FOLLOW_UP_SAMPLE)
    used = Counter(w for p in posts[::step] for w in words(p))
    rare = max(3, FOLLOW_UP_WORD_SHARE * len(posts))  # (the two posts and one more, in a small session)
    for before, post in pairs:
        if (before.id not in parents or before.id in heads) and any(
                used[w] * step <= rare for w in words(post) & words(before)):
            heads[post.id] = heads.get(before.id, before.id)
    return heads


def _addressed_parent(post: ChatPost, handles: list[str],
                      recent: dict[str, list[_Candidate]]) -> ChatPost | None:
    """The addressees' recent post it answers: one whose circle is the reply's and that is
    not chatter; then one written long enough before to have been read and answered in these
    words; of the first addressee; the latest."""
    me = post.handle.lower()
    wanted = set(handles) - {me}
    written = _TYPED_ASIDE.sub("", LEADING_HANDLES.sub("", post.text))  # (links are pasted, tags added)
    typing = timedelta(seconds=len(written) / TYPING_CHARS_PER_SECOND)
    best: tuple[tuple[int, bool, int, datetime], ChatPost] | None = None
    for rank, handle in enumerate(handles):
        for candidate, circle, talk in reversed(recent.get(handle, ())):
            if post.created_at - candidate.created_at > ADDRESS_LOOKBACK:
                break
            if candidate.handle.lower() == me:
                continue
            # (a sign-off is answered at once: the goodbyes were being written as it came)
            typed = post.created_at - candidate.created_at >= typing or _closes(candidate.text)
            key = (int(circle - {me} == wanted) * 2 + int(talk), typed, -rank, candidate.created_at)
            if best is None or key > best[0]:
                best = (key, candidate)
    return best[1] if best else None


def _prompts(posts: list[ChatPost], hosts: set[str], parents: dict[str, str],
             chatter: set[str], follow_ups: dict[str, str]) -> list[Prompt]:
    """Labelled questions by a host; without labels, the host's open questions and
    topics others take up (but not reminders and sign-offs); and a participant's question to
    the room that several answer, or (without labels) a topic two others take up. Replies
    to a post's follow-ups take up the post."""
    children: dict[str, set[str]] = {}
    for post in posts:
        parent = parents.get(post.id)
        if parent is not None:
            children.setdefault(follow_ups.get(parent, parent), set()).add(post.author_id)
    # Per number, the host's post that asks it ("Q4: Who...?") over one that announces it
    # ("Q4 in a minute!"); among equals the first.
    best: dict[int, tuple[tuple[int, int], ChatPost]] = {}
    for order, post in enumerate(posts):
        number = question_label(post.text)
        if number is not None and post.author_id in hosts:
            key = (("?" in post.text) + (post.id not in chatter), -order)
            if number not in best or key > best[number][0]:
                best[number] = (key, post)
    prompts = [Prompt(post.id, f"Q{number}", number, "labelled", post.author_id)
               for number, (_, post) in best.items()]
    labelled = bool(prompts)
    taken = {p.post_id for p in prompts}
    for post in posts:
        if post.id in taken or post.id in chatter or post.id in parents:
            continue
        repliers = children.get(post.id, set()) - {post.author_id}
        if post.author_id in hosts:
            if labelled:
                continue  # with labels, the host's other posts are not prompts
            if _is_room_question(post) or (len(repliers) >= 1 and not addressed(post.text)
                                           and not _is_housekeeping(post.text)):
                prompts.append(Prompt(post.id, None, None, "host", post.author_id))
        elif _is_room_question(post) and len(repliers) >= (2 if labelled else 1):
            prompts.append(Prompt(post.id, None, None, "guest", post.author_id))
        elif not labelled and len(repliers - hosts) >= 2 and not addressed(post.text):
            prompts.append(Prompt(post.id, None, None, "guest", post.author_id))  # a topic taken up
    order = {post.id: i for i, post in enumerate(posts)}
    prompts.sort(key=lambda p: order[p.post_id])
    return prompts


def _file_answers(corpus: Corpus, posts: list[ChatPost], prompts: list[Prompt],
                  parents: dict[str, str], chatter: set[str],
                  hashtag: str | None) -> dict[str, Link]:
    by_id = {p.post_id: p for p in prompts}
    by_number = {p.number: p.post_id for p in prompts if p.number is not None}
    labelled = bool(by_number)
    hosts = {p.author_id for p in prompts if p.kind != "guest"}
    links: dict[str, Link] = {}
    pending: list[ChatPost] = []
    # ("@ann thanks!" answers her, not the question hers answered)
    thanks = {p.id for p in posts
              if p.id in chatter and _THANKS.search(p.text) and answer_label(p.text) is None}
    for post in posts:
        if post.id in by_id or not corpus.takes_part(post.author_id):  # (a bot's post answers nothing)
            continue
        if post.id in thanks and parents.get(post.id) not in by_id:
            continue
        link = _explicit_link(post, parents, by_id, by_number, links)
        if link is not None:
            links[post.id] = link
        elif post.id not in chatter and post.id not in parents:
            pending.append(post)
    if prompts and pending:
        _file_by_window(corpus, pending, prompts, links, labelled, hosts, hashtag)
    for post in posts:  # replies to posts the window or similarity filed follow them
        parent = parents.get(post.id)
        if (post.id not in links and post.id not in by_id and parent in links and post.id not in thanks
                and corpus.takes_part(post.author_id)):
            link = links[parent]
            links[post.id] = Link(link.prompt_id, _via(post, parent),
                                  round(min(link.confidence, 0.6), 2))
    return links


def _via(post: ChatPost, parent_id: str) -> str:
    """How a post says which post it answers (``parents`` holds nothing else)."""
    if post.reply_to_id == parent_id:
        return REPLY
    return ADDRESSING if addressed(post.text) else FOLLOW_UP


def _explicit_link(post: ChatPost, parents: dict[str, str], prompts: dict[str, Prompt],
                   by_number: dict[int, str], links: dict[str, Link]) -> Link | None:
    """Filing by a label, a reply or a quote: what the post itself says it answers."""
    number = answer_label(post.text)
    if number is not None and number in by_number:
        return Link(by_number[number], LABEL, 0.95)
    parent = parents.get(post.id)
    if parent is not None and parent in prompts:
        via = _via(post, parent)
        return Link(parent, via, 0.9 if via == REPLY else 0.75)
    if post.quote_of_id in prompts:
        return Link(post.quote_of_id, QUOTE, 0.9)  # type: ignore[arg-type]
    if parent is not None and parent in links:
        via = _via(post, parent)
        return Link(links[parent].prompt_id, via,
                    round(min(links[parent].confidence, 0.85 if via == REPLY else 0.7), 2))
    if post.quote_of_id is not None and post.quote_of_id in links:
        return Link(links[post.quote_of_id].prompt_id, QUOTE,
                    round(min(links[post.quote_of_id].confidence, 0.75), 2))
    return None


def _file_by_window(corpus: Corpus, pending: list[ChatPost], prompts: list[Prompt],
                    links: dict[str, Link], labelled: bool, hosts: set[str],
                    hashtag: str | None) -> None:
    """Posts that name no prompt: the prompt whose window they fall in, unless their
    words match another prompt's clearly better; in a chat without labels, words only."""
    drop = [hashtag.lstrip("#")] if hashtag else []
    prompt_ids = [p.post_id for p in prompts]
    # Each prompt's words and its answers': thousands in a big session, so counted.
    said: dict[str, list[str]] = {pid: [corpus.by_id[pid].text] for pid in prompt_ids}
    for post_id, link in links.items():
        if link.reason in (LABEL, REPLY, QUOTE):
            said[link.prompt_id].append(corpus.by_id[post_id].text)
    docs = [tokens(p.text, drop) for p in pending]
    vectors = Vectors([word_counts(said[pid], drop) for pid in prompt_ids] + docs)
    sims = cosine(vectors.matrix[len(prompt_ids):], vectors.matrix[:len(prompt_ids)])
    window_prompts = [p for p in prompts if p.kind != "guest"] or prompts
    times = [corpus.by_id[p.post_id].created_at for p in window_prompts]
    column = {pid: i for i, pid in enumerate(prompt_ids)}
    asked = [corpus.by_id[pid].created_at for pid in prompt_ids]
    # Each post's window and the prompts already asked (an answer cannot come before its
    # question: only those compete), then every row's best and window similarity at once.
    windows = [window_prompts[at].post_id if (at := bisect_right(times, post.created_at) - 1) >= 0 else None
               for post in pending]
    opened = np.array([bisect_right(asked, post.created_at) for post in pending], dtype=np.int64)
    rows = np.arange(len(pending))
    best_of = np.where(np.arange(len(prompt_ids))[None, :] < opened[:, None], sims, -np.inf).argmax(axis=1)
    best_sims = sims[rows, best_of].tolist()
    window_of = np.array([column[w] if w is not None else -1 for w in windows], dtype=np.int64)
    window_sims = np.where(window_of >= 0, sims[rows, np.maximum(window_of, 0)], 0.0).tolist()
    for post, doc, window, n_open, best, best_sim, window_sim in zip(
            pending, docs, windows, opened.tolist(), best_of.tolist(), best_sims, window_sims, strict=True):
        if n_open == 0:
            continue
        if best_sim >= SIMILARITY_MIN and (
                (prompt_ids[best] == window and not labelled)
                or (prompt_ids[best] != window and best_sim >= window_sim + SIMILARITY_MARGIN)):
            links[post.id] = Link(prompt_ids[best], SIMILARITY, round(min(0.6, best_sim), 2))
        elif (window is not None and labelled and post.author_id not in hosts
              and len(doc) >= 2 and window_sim >= WINDOW_MIN_SIMILARITY):
            links[post.id] = Link(window, WINDOW, 0.5)


def _threads(posts: list[ChatPost], parents: dict[str, str]) -> list[list[str]]:
    """Conversations: each reply chain from its first post, in time order."""
    root: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for post in posts:
        parent = parents.get(post.id)
        top = root.get(parent, parent) if parent is not None else post.id
        root[post.id] = top
        members.setdefault(top, []).append(post.id)
    threads = []
    for top, ids in members.items():
        if len(ids) < 2:
            continue
        threads.append(ids if ids[0] == top else [top, *ids])
    return threads
