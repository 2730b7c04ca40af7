"""A host's edits of a recap, kept apart from it and applied on top.

The analysis can be run again (new posts imported, a better version of chatrecap) and
the host's work must survive it: so edits are never written into the Recap document but
stored as ``Overrides`` (by post and prompt ids, which do not change between runs) and
applied to each freshly built recap. An edit whose post is gone is skipped, not an error.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, fields

import orjson

from chatrecap.recap.model import HOST, Attachment, Highlight, Recap

PINNED = "Pinned by the host"


@dataclass(slots=True)
class Overrides:
    title: str | None = None
    slug: str | None = None  # the blog post's address
    tags: list[str] | None = None  # None: the post keeps the tags it has
    intro: str | None = None  # Markdown, shown instead of the generated introduction
    closing: str | None = None  # Markdown
    pinned: list[str] = field(default_factory=list)  # highlight post ids, shown first, in order
    unpinned: list[str] = field(default_factory=list)  # highlights the analysis chose, removed
    hidden: list[str] = field(default_factory=list)  # posts shown nowhere in the recap
    moved: dict[str, str] = field(default_factory=dict)  # answer post id -> prompt post id
    headlines: dict[str, str] = field(default_factory=dict)  # takeaway key -> headline

    def to_json(self) -> str:
        return orjson.dumps(asdict(self), option=orjson.OPT_SORT_KEYS).decode()

    @classmethod
    def from_json(cls, text: str | bytes | None) -> Overrides:
        data = orjson.loads(text) if text else {}
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def takeaway_key(prompt_id: str, index: int) -> str:
    """A takeaway by its question and place: themes have no id of their own."""
    return f"{prompt_id}#{index}"


def apply_overrides(recap: Recap, edits: Overrides) -> Recap:
    """The recap as the host edited it (a new document; ``recap`` is left as it was)."""
    out = copy.deepcopy(recap)
    if edits.title:
        out.title = edits.title
    if edits.intro is not None:
        out.intro = edits.intro
    if edits.closing is not None:
        out.closing = edits.closing
    hidden = set(edits.hidden)
    by_prompt = {q.prompt_id: q for q in out.questions}
    for post_id, prompt_id in edits.moved.items():
        target = by_prompt.get(prompt_id)
        if target is None or post_id not in out.posts or post_id in target.answer_ids:
            continue
        for q in out.questions:
            if post_id in q.answer_ids:
                q.attachments = [a for a in q.attachments if a.post_id != post_id]
                q.answer_ids.remove(post_id)
        out.unattached_ids = [i for i in out.unattached_ids if i != post_id]
        target.attachments.append(Attachment(post_id, HOST, 1.0))
        order = sorted(target.attachments, key=lambda a: (out.posts[a.post_id].created_at, a.post_id)
                       if a.post_id in out.posts else ("", a.post_id))
        target.attachments = order
        target.answer_ids = [a.post_id for a in order]
    for q in out.questions:
        q.answer_ids = [i for i in q.answer_ids if i not in hidden]
        q.attachments = [a for a in q.attachments if a.post_id not in hidden]
        for index, t in enumerate(q.takeaways):
            t.headline = edits.headlines.get(takeaway_key(q.prompt_id, index), t.headline)
            t.post_ids = [i for i in t.post_ids if i not in hidden]
            t.theme_post_ids = [i for i in t.theme_post_ids if i not in hidden]
        q.takeaways = [t for t in q.takeaways if t.post_ids]
    out.unattached_ids = [i for i in out.unattached_ids if i not in hidden]
    chosen = {h.post_id: h for h in out.highlights}
    pinned = [chosen.get(i) or Highlight(i, PINNED, 1.0) for i in dict.fromkeys(edits.pinned)
              if i in out.posts and i not in hidden]
    rest = [h for h in out.highlights
            if h.post_id not in hidden and h.post_id not in set(edits.unpinned) | set(edits.pinned)]
    out.highlights = pinned + rest
    for thread in out.threads:
        thread.post_ids = [i for i in thread.post_ids if i not in hidden]
    out.threads = [t for t in out.threads if t.post_ids]
    if out.leaders is not None:
        _hide_in_leaders(out, hidden)
    for post_id in hidden:
        out.posts.pop(post_id, None)
    return out


def _hide_in_leaders(recap: Recap, hidden: set[str]) -> None:
    leaders = recap.leaders
    assert leaders is not None
    for group in (leaders.people, leaders.organizations, leaders.unsure):
        for n in group:
            n.post_ids = [i for i in n.post_ids if i not in hidden]
    for r in leaders.recognised:
        r.evidence = [i for i in r.evidence if i not in hidden]
    if leaders.network is not None:
        for node in leaders.network.nodes:
            node.post_ids = [i for i in node.post_ids if i not in hidden]

