"""How strongly the room endorsed each post: likes, reposts, quotes and agreeing replies.

Platform counters are taken as given (they include people outside the archive), and
what the archive itself shows is counted too: a repost or quote inside the corpus is
counted when the platform's counter was missing or lagged. A reply counts as an
endorsement only when it says it agrees ("So true!", "+1", "💯") and is not a "yes, but".
Nobody endorses their own post. The score grows with the log of the weighted sum so
one viral post does not drown every other signal of a session. ``is_logistics`` marks
the posts that are nobody's take on the topic (greetings, reminders, the prompts).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from chatrecap.analysis.corpus import ChatPost, Corpus
from chatrecap.analysis.structure import Structure

__all__ = ["Endorsement", "agrees", "disagrees", "endorsements", "is_logistics"]

_LEAD = re.compile(r"^(?:\s*(?:@\w+|\.@\w+|[AQ]\d+\s*[:.)-]?))+\s*", re.IGNORECASE)
_URL = re.compile(r"https?://\S+|www\.\S+")
_DISAGREE = re.compile(
    r"\bdisagree|\bnot sure\b|\b(?:don'?t|do not|can'?t|cannot|wouldn'?t) agree\b|\bpush back\b"
    r"|\bnot convinced\b|\bnot really\b|\bunpopular opinion\b|\bnope\b"
    r"|^(?:but|however|hmm+|nah|actually|counterpoint)\b|^(?:no|well),", re.IGNORECASE)
_AGREE = re.compile(
    r"\bagree[ds]?\b|\bagreed\b|\bexactly\b|\bso true\b|\bthis!|^this\b|\byes+!|^yes\b|\b100\s?%"
    r"|💯|\bwell said\b|\bspot on\b|\b(?:great|good|excellent|fair) point\b|\blove (?:this|that)\b"
    r"|\bsame here\b|^same\b|\btotally\b|\babsolutely\b|\bpreach\b|\bnailed it\b|\bthis is it\b"
    r"|\b(?:true|truth)!|\bso much this\b|\bcan'?t argue\b|\bhard agree\b|\bnot wrong\b"
    r"|(?:^|\s)\+1\b|👏|🙌|☝️|👆|🎯|🔥", re.IGNORECASE)


def _opening(text: str) -> str:
    return _LEAD.sub("", _URL.sub(" ", text)).strip()


def disagrees(text: str) -> bool:
    """A reply or quote that pushes back ("I disagree", "Not sure…", "But…")."""
    return _DISAGREE.search(_opening(text)) is not None


def agrees(text: str) -> bool:
    """A reply that says it agrees, and does not take it back."""
    body = _opening(text)
    return _AGREE.search(body) is not None and _DISAGREE.search(body) is None


_LOGISTICS = re.compile(
    r"\b(?:welcome|thanks?|thank you|reminder|remember to|don'?t forget|next (?:question|week|time)"
    r"|coming up|in \d+ min|keep (?:them|'em|it) coming|that'?s a wrap|wrap(?:ping)? up|see you"
    r"|join us|housekeeping|introduce yourselves?|say hi|transcript|q\d+ (?:is )?(?:coming|up|lands|next))",
    re.IGNORECASE)
_GREETING = re.compile(r"^(?:\W*@\w+\W*)*(?:hi|hello|hey|hiya|welcome|thanks|thank you|ty|good "
                       r"(?:morning|evening|afternoon)|shout-?out|see you|bye|that'?s a wrap)\b", re.I)


def is_logistics(post: ChatPost, structure: Structure, prompt_ids: Collection[str] | None = None) -> bool:
    """Greetings, thanks, reminders and the host's prompts: nobody's contribution to the
    topic, so never part of a theme or a highlight (pass ``prompt_ids`` when calling often)."""
    if prompt_ids is None:
        prompt_ids = {p.post_id for p in structure.prompts}
    if post.id in structure.chatter or post.id in prompt_ids:
        return True
    if post.author_id in structure.hosts:
        return post.id not in structure.links or _LOGISTICS.search(post.text) is not None
    return len(post.text.split()) <= 20 and _GREETING.search(post.text) is not None


@dataclass(frozen=True, slots=True)
class Endorsement:
    likes: int = 0
    reposts: int = 0
    quotes: int = 0
    agreeing_replies: int = 0
    endorsers: frozenset[str] = frozenset()  # author ids seen endorsing it in the corpus
    score: float = 0.0

    @property
    def count(self) -> int:
        """Every endorsement, unweighted (what a reader would add up)."""
        return self.likes + self.reposts + self.quotes + self.agreeing_replies


NONE = Endorsement()


def endorsements(corpus: Corpus, structure: Structure) -> dict[str, Endorsement]:
    """Endorsement of every post of the corpus and of every post it references."""
    posts: dict[str, ChatPost] = dict(corpus.referenced)
    posts.update(corpus.by_id)
    reposters: dict[str, set[str]] = defaultdict(set)
    repost_count: dict[str, int] = defaultdict(int)
    quoters: dict[str, set[str]] = defaultdict(set)
    quote_count: dict[str, int] = defaultdict(int)
    for post in corpus.posts:
        if post.repost_of_id is not None:
            original = posts.get(post.repost_of_id)
            if original is None or original.author_id != post.author_id:
                repost_count[post.repost_of_id] += 1
                reposters[post.repost_of_id].add(post.author_id)
        elif post.quote_of_id is not None:
            original = posts.get(post.quote_of_id)
            if (original is None or original.author_id != post.author_id) and not disagrees(post.text):
                quote_count[post.quote_of_id] += 1
                quoters[post.quote_of_id].add(post.author_id)
    agreeing: dict[str, set[str]] = defaultdict(set)
    agree_count: dict[str, int] = defaultdict(int)
    for child_id, parent_id in structure.parents.items():
        child, parent = corpus.by_id.get(child_id), posts.get(parent_id)
        if child is None or child.is_repost or child.author_id == (parent.author_id if parent else None):
            continue
        if agrees(child.text):
            agree_count[parent_id] += 1
            agreeing[parent_id].add(child.author_id)
    out: dict[str, Endorsement] = {}
    for post_id, post in posts.items():
        reposts = max(post.reposts, repost_count.get(post_id, 0))
        quotes = max(post.quotes, quote_count.get(post_id, 0))
        agree = agree_count.get(post_id, 0)
        if not (post.likes or reposts or quotes or agree):
            out[post_id] = NONE
            continue
        who = reposters.get(post_id, set()) | quoters.get(post_id, set()) | agreeing.get(post_id, set())
        who.discard(post.author_id)
        weighted = post.likes + 2 * reposts + 2 * quotes + 3 * agree
        out[post_id] = Endorsement(post.likes, reposts, quotes, agree, frozenset(who),
                                   round(math.log1p(weighted), 6))
    return out
