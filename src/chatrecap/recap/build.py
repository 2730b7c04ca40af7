"""build_recap: run the analyses over one session and assemble the Recap document."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chatrecap import __version__
from chatrecap.analysis.corpus import ChatPost, Corpus, chat_kinds, load_corpus
from chatrecap.analysis.endorsement import endorsements
from chatrecap.analysis.highlights import pick_highlights
from chatrecap.analysis.metrics import session_stats
from chatrecap.analysis.sessions import Session
from chatrecap.analysis.structure import Structure, analyse
from chatrecap.analysis.takeaways import find_takeaways
from chatrecap.parallel import soon
from chatrecap.recap.model import (
    Attachment,
    Credit,
    Leaders,
    Question,
    Recap,
    RecapPost,
    SessionInfo,
    Thread,
)
from chatrecap.store import Store, zulu

if TYPE_CHECKING:
    from chatrecap.analysis.kinds import KindGuess

_TOPIC_END = r"\s*(?:[.!?\n#@(]|[,;:–—]\s*(?:with|featuring|feat\.|hosted by|and our)\b|https?://|$)"
_TOPIC = re.compile(
    r"(?:today'?s|tonight'?s|this (?:week|month)'?s|our)\s+(?:topic|theme|subject)(?:\s+is)?"
    r"\s*[:\-–—]?\s*[\"“']?(?P<topic>[^\n\"”.!?#@]{4,90}?)[\"”']?" + _TOPIC_END +
    r"|(?:we'?re|we are|we'?ll be)\s+(?:talking|chatting)\s+about\s+"
    r"(?P<about>[^\n\"”.!?#@]{4,90}?)" + _TOPIC_END, re.IGNORECASE)


MIN_ANSWERS_FOR_TAKEAWAYS = 3
#: Posts from which the leaders section is worked out by a forked process while this one
#: does the rest: it needs only the structure, and its imports (igraph, probablepeople)
#: and ranking are a quarter of a recap's time.
BACKGROUND_LEADERS_POSTS = 500


@dataclass(frozen=True, slots=True)
class RecapOptions:
    hosts: tuple[str, ...] = ()  # handles given with --host; detected when empty
    title: str | None = None
    max_takeaways: int = 3
    embeddings: bool = False  # sentence embeddings for themes (the optional extra)


def build_recap(store: Store, session: Session, options: RecapOptions | None = None,
                series: Sequence[Session] = ()) -> Recap:
    """The recap of one session (deterministic for the same workspace and options).

    ``series`` are the chat's sessions (`find_sessions`): the people of those before this
    one are its returning participants; without earlier sessions nobody is counted as
    first-time or returning.
    """
    options = options or RecapOptions()
    corpus = load_corpus(store, session.chat, *session.window)
    earlier: set[str] | None = None
    for before in series:
        if before.end < session.start:
            earlier = (earlier or set()) | store.chat_authors_between(before.chat, *before.window)
    corrections = store.kind_corrections()  # (the kinds: else the leaders' process reads the corpus's)
    return recap_of(corpus, session, options, earlier, corrections, chat_kinds(store, corpus, corrections))


def recap_of(corpus: Corpus, session: Session, options: RecapOptions,
             earlier_authors: set[str] | None = None,
             kind_corrections: dict[str, str] | None = None,
             kinds: dict[str, KindGuess] | None = None) -> Recap:
    """``kinds``: the accounts' kinds read over the whole chat, when the corpus is less."""
    hashtag = _hashtag(corpus)
    structure = analyse(corpus, options.hosts, hashtag)
    leaders = soon(_leaders, corpus, structure, kind_corrections, kinds,
                   background=len(corpus.posts) >= BACKGROUND_LEADERS_POSTS)
    endorsed = endorsements(corpus, structure)
    drop = [hashtag] if hashtag else []
    vectorize = None
    if options.embeddings:
        from chatrecap.analysis.embeddings import sentence_vectorizer

        vectorize = sentence_vectorizer()
    filed: dict[str, list[str]] = {p.post_id: [] for p in structure.prompts}
    for post_id, link in structure.links.items():
        filed[link.prompt_id].append(post_id)
    questions = []
    for number, prompt in enumerate(structure.prompts, 1):
        answer_ids = sorted(filed[prompt.post_id], key=lambda i: (corpus.by_id[i].created_at, i))
        answers = [corpus.by_id[i] for i in answer_ids]
        text = corpus.by_id[prompt.post_id].text
        questions.append(Question(
            prompt_id=prompt.post_id,
            label=prompt.label,
            number=prompt.number if prompt.number is not None else number,
            text=text,
            author=corpus.authors[prompt.author_id].handle,
            kind=prompt.kind,
            answer_ids=answer_ids,
            attachments=[Attachment(i, structure.links[i].reason, structure.links[i].confidence)
                         for i in answer_ids],
            takeaways=find_takeaways(text, answers, corpus, structure, endorsed,
                                     drop_words=drop, max_takeaways=options.max_takeaways,
                                     vectorize=vectorize) if _discussed(answers) else [],
        ))
    prompt_ids = {p.post_id for p in structure.prompts}
    unattached = [p.id for p in corpus.posts
                  if not p.is_repost and p.id not in prompt_ids and p.id not in structure.links]
    topic = _topic(corpus, structure)
    tag = f"#{hashtag}" if hashtag else session.chat
    title = options.title or f"{topic or f'Chat of {session.start.day} {session.start:%B %Y}'} [{tag} Recap]"
    stats = session_stats(corpus, structure, hashtag, earlier_authors)
    return Recap(
        title=title,
        topic=topic,
        hashtag=hashtag,
        session=SessionInfo(session.id, session.chat, zulu(session.start), zulu(session.end)),
        hosts=[corpus.authors[a].handle for a in structure.hosts],
        questions=questions,
        unattached_ids=unattached,
        highlights=pick_highlights(corpus, structure, endorsed),
        threads=[Thread(ids[0], ids) for ids in structure.threads],
        stats=stats,
        participants=_credits(corpus, structure, earlier_authors),
        posts=_posts(corpus, structure),
        leaders=leaders(),
        options={"hosts": list(options.hosts), "title": options.title,
                 "max_takeaways": options.max_takeaways, "embeddings": options.embeddings},
        generator=f"chatrecap {__version__}",
    )


def _leaders(corpus: Corpus, structure: Structure, kind_corrections: dict[str, str] | None,
             kinds: dict[str, KindGuess] | None) -> Leaders:
    from chatrecap.analysis.nominations import find_nominations
    from chatrecap.recap.leaders import leaders_section

    return leaders_section(corpus, structure, find_nominations(corpus, structure), kind_corrections,
                           kinds=kinds)


def _discussed(answers: list[ChatPost]) -> bool:
    """Enough said to draw a takeaway from: a few answers by more than one person."""
    return len(answers) >= MIN_ANSWERS_FOR_TAKEAWAYS and len({a.author_id for a in answers}) >= 2


def _hashtag(corpus: Corpus) -> str | None:
    """The chat's tag: its name when that is a hashtag, else the tag at least half the
    session's posts carry (a Slack channel or a file name has none)."""
    if corpus.chat.startswith("#") and len(corpus.chat) > 1:
        return corpus.chat[1:]
    counts = Counter(t.lower() for p in corpus.posts for t in {h.lower() for h in p.hashtags})
    if not counts:
        return None
    best, used = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if used * 2 < len(corpus.posts):
        return None
    return next(t for p in corpus.posts for t in p.hashtags if t.lower() == best)


def _topic(corpus: Corpus, structure: Structure) -> str | None:
    """What the hosts announced as the topic ("Today's topic: ...")."""
    hosts = set(structure.hosts)
    for post in corpus.posts:
        if post.author_id in hosts and not post.is_repost:
            m = _TOPIC.search(post.text)
            if m:
                topic = (m.group("topic") or m.group("about")).strip(" :-–—")
                return topic[0].upper() + topic[1:] if topic else None
    return None


def _profile_url(post: ChatPost) -> str | None:
    """The author's page, from a post link that names the handle (x.com/h/status/1,
    mastodon.social/@h/1, bsky.app/profile/h/post/1)."""
    if not post.url:
        return None
    i = post.url.lower().find(post.handle.lower())
    return post.url[:i + len(post.handle)] if i > 0 else None


def _credits(corpus: Corpus, structure: Structure,
             earlier_authors: set[str] | None) -> list[Credit]:
    counts = Counter(p.author_id for p in corpus.posts if corpus.takes_part(p.author_id, structure.hosts))
    answers = Counter(corpus.by_id[i].author_id for i in structure.links)
    profile: dict[str, str] = {}
    for post in corpus.posts:
        if post.author_id not in profile and (url := _profile_url(post)):
            profile[post.author_id] = url
    hosts = structure.hosts
    order = sorted(counts, key=lambda a: (a not in hosts, hosts.index(a) if a in hosts else 0,
                                          -counts[a], corpus.authors[a].handle.lower(), a))
    return [Credit(
        handle=corpus.authors[a].handle, name=corpus.authors[a].name, author_id=a,
        posts=counts[a], answers=answers[a], is_host=a in hosts,
        profile_url=profile.get(a),
        first_time=None if earlier_authors is None else a not in earlier_authors,
    ) for a in order]


def _posts(corpus: Corpus, structure: Structure) -> dict[str, RecapPost]:
    prompts = {p.post_id for p in structure.prompts}
    named: list[ChatPost] = list(corpus.posts)
    for post in corpus.posts:
        for ref in (post.repost_of_id, post.quote_of_id, post.reply_to_id):
            target = corpus.referenced.get(ref) if ref else None
            if target is not None:
                named.append(target)
    out: dict[str, RecapPost] = {}
    for post in sorted(named, key=lambda p: (p.created_at, p.id)):
        if post.id in out:
            continue
        kind = ("prompt" if post.id in prompts else "answer" if post.id in structure.links
                else "repost" if post.is_repost else "post")
        author = corpus.authors[post.author_id]
        out[post.id] = RecapPost(
            id=post.id, author_id=post.author_id, handle=post.handle, name=author.name,
            created_at=zulu(post.created_at), text=post.text, url=post.url, likes=post.likes,
            reposts=post.reposts, replies=post.replies, quotes=post.quotes,
            reply_to_id=post.reply_to_id, quote_of_id=post.quote_of_id,
            repost_of_id=post.repost_of_id, kind=kind, in_chat=post.in_chat)
    return out
