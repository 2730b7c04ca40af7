"""The session's best moments, Storify-style: the posts a reader should not miss.

A post earns its place by what the room did with it (endorsement), how much conversation
it started (distinct people replying, quoting, or later saying the same thing) and how
much it says. The pick is spread out on purpose: at most two posts per person and MMR
over question, author and wording, so one thread or one prolific account cannot fill the
page. Each pick says in one sentence why it is there, so the selection can be trusted
and argued with.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict

import numpy as np

from chatrecap.analysis.corpus import ChatPost, Corpus
from chatrecap.analysis.endorsement import NONE, Endorsement, disagrees, is_logistics
from chatrecap.analysis.structure import Structure
from chatrecap.analysis.takeaways import MIN_TOKENS
from chatrecap.analysis.textvec import Vectors, cosine, stem, tokens
from chatrecap.recap.model import Highlight

__all__ = ["pick_highlights"]

POSTS_PER_HIGHLIGHT = 20
PER_AUTHOR = 2
#: Content words a pick needs when nothing else recommends it ("A substantial
#: contribution"): "33MB zip file" or "uploaded a file: 100 cities" is none.
SUBSTANTIAL = 8
ECHO, CREDITED_ECHO = 0.35, 0.1  # cosine of a later post saying the same (naming the author: less)
MMR_LAMBDA = 0.7
_ADDRESS = re.compile(r"^(?:[\s.]*@\w+)+")
_CONTRARIAN = re.compile(r"\b(?:disagree|unpopular opinion|hot take|controversial|contrarian|overrated|"
                         r"push back|counterpoint|not everyone|i'?d argue|myth|on the contrary)\b", re.I)


def _question(post: ChatPost | None, label: str | None, chat: str = "") -> str:
    """The question as its label, else its first words as written ("Anyone attending #MSIgnite?"),
    without links, the handles it is addressed to, or the chat's own hashtag."""
    if label:
        return label
    if post is None:
        return "its question"
    tag = re.escape(chat.lstrip("#"))
    text = re.sub(r"https?://\S+" + (rf"|#{tag}\b" if tag else ""), "", _ADDRESS.sub("", post.text),
                  flags=re.IGNORECASE)
    words = text.split()
    return "“" + " ".join(words[:6]) + ("…”" if len(words) > 6 else "”")


def _people(n: int) -> str:
    return f"{n} people" if n != 1 else "1 person"


def pick_highlights(corpus: Corpus, structure: Structure, endorsement: dict[str, Endorsement], *,
                    minimum: int = 5, maximum: int = 15) -> list[Highlight]:
    """About one post in twenty (within [minimum, maximum]), diverse, in time order."""
    prompt_ids = {p.post_id for p in structure.prompts}
    drop = (corpus.chat.lstrip("#").lower(),)
    posts: list[ChatPost] = []
    toks: list[list[str]] = []
    for post in corpus.posts:
        if (post.is_repost or not corpus.takes_part(post.author_id, structure.hosts)  # (a bot's commit log)
                or is_logistics(post, structure, prompt_ids)):
            continue
        words = tokens(post.text, drop)
        if len(words) >= MIN_TOKENS:
            posts.append(post)
            toks.append(words)
    count = min(len(posts), max(minimum, min(maximum, round(len(corpus.posts) / POSTS_PER_HIGHLIGHT))))
    if count < 1:
        return []
    repliers: dict[str, set[str]] = defaultdict(set)
    quoters: dict[str, set[str]] = defaultdict(set)
    for child_id, parent_id in structure.parents.items():
        child = corpus.by_id.get(child_id)
        if child is not None and not child.is_repost:
            repliers[parent_id].add(child.author_id)
    for thread in structure.threads:  # replies to replies joined the root's thread too
        repliers[thread[0]].update(p.author_id for i in thread[1:] if (p := corpus.by_id.get(i)) is not None
                                   and not p.is_repost)
    for post in corpus.posts:
        if post.quote_of_id is not None and not post.is_repost:
            quoters[post.quote_of_id].add(post.author_id)
    support = [endorsement.get(p.id, NONE) for p in posts]
    replied = [len(repliers.get(p.id, set()) - {p.author_id}) for p in posts]
    quoted = [len(quoters.get(p.id, set()) - {p.author_id}) for p in posts]
    base = np.array([e.score + 0.8 * math.log1p(r) + 0.8 * math.log1p(q) + 0.5 * min(len(t), 25) / 25
                     for e, r, q, t in zip(support, replied, quoted, toks, strict=True)])
    pool = sorted(sorted(range(len(posts)), key=lambda i: (-base[i], i))[:max(8 * count, 60)])
    vectors = Vectors([[stem(w) for w in t] for t in toks], min_df=1 if len(posts) < 1000 else 2,
                      max_terms=20000)
    sims = (vectors.matrix[pool] @ vectors.matrix.T).tocsr()
    echoes = [0] * len(posts)
    for row, i in enumerate(pool):  # later posts by others saying the same, if it said it first
        span = slice(sims.indptr[row], sims.indptr[row + 1])
        near = [(j, s) for j, s in zip(sims.indices[span].tolist(), sims.data[span].tolist(), strict=True)
                if s >= CREDITED_ECHO and posts[j].author_id != posts[i].author_id]
        if any(j < i and s >= ECHO for j, s in near):
            continue
        credit = re.compile(rf"@{re.escape(posts[i].handle)}\b", re.IGNORECASE)  # not a reply's address
        credited = {j for j, _ in near if structure.parents.get(posts[j].id) != posts[i].id
                    and credit.search(_ADDRESS.sub("", posts[j].text))}
        echoes[i] = len({posts[j].author_id for j, s in near if j > i and (s >= ECHO or j in credited)})
    score = base + np.array([math.log1p(n) for n in echoes])
    prompt_of = {post_id: link.prompt_id for post_id, link in structure.links.items()}
    chosen = _spread(pool, score, posts, prompt_of, cosine(vectors.matrix[pool], vectors.matrix[pool]), count)
    labels = {p.post_id: p.label or (f"Q{p.number}" if p.number else None) for p in structure.prompts}
    top_liked: dict[str, int] = {}
    for i, post in enumerate(posts):
        prompt = prompt_of.get(post.id)
        if prompt is not None and (prompt not in top_liked or post.likes > posts[top_liked[prompt]].likes):
            top_liked[prompt] = i
    out = []
    for i in chosen:
        post, e, prompt = posts[i], support[i], prompt_of.get(posts[i].id)
        question = _question(corpus.get(prompt), labels.get(prompt), corpus.chat) if prompt else None
        reasons = []  # (strength, sentence); the strongest names the pick
        if prompt is not None and top_liked.get(prompt) == i and post.likes > 0:
            likes = f"{post.likes} like" + ("s" if post.likes != 1 else "")
            reasons.append((5 + math.log1p(post.likes), f"Most liked answer to {question} ({likes})"))
        for n, sentence in ((replied[i], f"Started a thread {_people(replied[i])} joined"),
                            (quoted[i], f"Quoted by {_people(quoted[i])}"),
                            (e.agreeing_replies, f"{_people(e.agreeing_replies)} replied to agree")):
            if n >= 2:
                reasons.append((2 + 1.5 * n, sentence))
        if echoes[i] >= 2:
            kind = "contrarian view" if _CONTRARIAN.search(post.text) or disagrees(post.text) else "view"
            reasons.append((2 + 1.5 * echoes[i], f"An early {kind} later echoed by {_people(echoes[i])}"))
        if e.reposts >= 2:
            reasons.append((1 + math.log2(e.reposts), f"Reposted {e.reposts} times"))
        if post.likes > 0:
            liked = "Liked once" if post.likes == 1 else f"Liked {post.likes} times"
            reasons.append((math.log1p(post.likes), liked))
        if replied[i] == 1 or quoted[i] == 1:
            reasons.append((0.5, "Drew a reply" if replied[i] else "Quoted by another participant"))
        if not reasons and len(toks[i]) < SUBSTANTIAL:
            continue  # (fewer highlights, rather than one nothing recommends)
        reasons.append((0, f"A substantial answer to {question}" if question
                        else "A substantial contribution"))
        reason = max(reasons, key=lambda r: r[0])[1]  # max keeps the first of equals
        out.append((post.created_at, post.id, Highlight(post.id, reason, round(float(score[i]), 4))))
    return [h for _, _, h in sorted(out, key=lambda t: (t[0], t[1]))]


def _spread(pool: list[int], score: np.ndarray, posts: list[ChatPost], prompt_of: dict[str, str],
            similar: np.ndarray, count: int) -> list[int]:
    """Greedy MMR: relevance against wording already shown, a crowded question, a repeat author."""
    top = max(float(score[i]) for i in pool) or 1.0
    prompts = {prompt_of.get(posts[i].id) for i in pool}
    quota = max(1, math.ceil(count / max(1, len(prompts))))
    per_author: dict[str, int] = defaultdict(int)
    per_prompt: dict[str, int] = defaultdict(int)
    chosen: list[int] = []  # positions in pool
    left = list(range(len(pool)))
    while left and len(chosen) < count:
        best, best_key = None, None
        for k in left:
            i = pool[k]
            if per_author[posts[i].author_id] >= PER_AUTHOR:
                continue
            near = max((float(similar[k, c]) for c in chosen), default=0.0)
            prompt = prompt_of.get(posts[i].id)  # off-question posts must win on merit alone
            crowd = min(1.0, per_prompt[prompt] / quota) if prompt is not None else 1.0
            penalty = 0.5 * near + 0.3 * crowd + 0.2 * per_author[posts[i].author_id]
            key = (MMR_LAMBDA * float(score[i]) / top - (1 - MMR_LAMBDA) * penalty, -i)
            if best_key is None or key > best_key:
                best, best_key = k, key
        if best is None:
            break
        left.remove(best)
        chosen.append(best)
        per_author[posts[pool[best]].author_id] += 1
        per_prompt[prompt_of.get(posts[pool[best]].id)] += 1
    return [pool[k] for k in chosen]
