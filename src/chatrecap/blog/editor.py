"""What each control of the recap editor does to the host's edits (``Overrides``).

Every action is checked against the recap as the analysis built it, so an edit can only
name posts and questions the recap has; a stale form (a post gone after a re-run) gets a
one-line message instead of a silent no-op. The functions change ``edits`` in place.
"""

from __future__ import annotations

from chatrecap.errors import OptionError
from chatrecap.recap.model import Recap
from chatrecap.recap.overrides import Overrides, takeaway_key

MAX_HEADLINE = 200
MAX_TITLE = 200
MAX_MARKDOWN = 20_000


def _known_post(recap: Recap, post_id: str) -> None:
    if post_id not in recap.posts:
        raise OptionError("That post is not in this recap (any more): reload the editor.")


def _question_of(recap: Recap, post_id: str) -> str | None:
    return next((q.prompt_id for q in recap.questions if post_id in q.answer_ids), None)


def pin(edits: Overrides, base: Recap, post_id: str) -> None:
    """Show a post among the highlights, after the ones pinned before it."""
    _known_post(base, post_id)
    if post_id not in edits.pinned:
        edits.pinned.append(post_id)
    edits.unpinned = [i for i in edits.unpinned if i != post_id]


def unpin(edits: Overrides, base: Recap, post_id: str) -> None:
    """Take a post out of the highlights, whether the host or the analysis chose it."""
    _known_post(base, post_id)
    edits.pinned = [i for i in edits.pinned if i != post_id]
    if any(h.post_id == post_id for h in base.highlights) and post_id not in edits.unpinned:
        edits.unpinned.append(post_id)


def move_highlight(edits: Overrides, edited: Recap, post_id: str, step: int) -> None:
    """Move a highlight up (-1) or down (+1); the whole order shown becomes the pinned order,
    so it holds whatever the analysis ranks next time."""
    order = [h.post_id for h in edited.highlights]
    if post_id not in order:
        raise OptionError("That post is not among the highlights (any more): reload the editor.")
    at = order.index(post_id)
    to = max(0, min(len(order) - 1, at + step))
    order.insert(to, order.pop(at))
    edits.pinned = order
    edits.unpinned = [i for i in edits.unpinned if i not in order]


def hide(edits: Overrides, base: Recap, post_id: str) -> None:
    _known_post(base, post_id)
    if post_id in {q.prompt_id for q in base.questions}:
        raise OptionError("A question's own post cannot be hidden; hide its answers instead.")
    if post_id not in edits.hidden:
        edits.hidden.append(post_id)


def show(edits: Overrides, post_id: str) -> None:
    edits.hidden = [i for i in edits.hidden if i != post_id]


def move_answer(edits: Overrides, base: Recap, post_id: str, prompt_id: str) -> None:
    """File an answer under another question; back under its own, the edit is dropped."""
    _known_post(base, post_id)
    if prompt_id not in {q.prompt_id for q in base.questions}:
        raise OptionError("Choose one of the recap's questions to move the answer to.")
    if post_id == prompt_id or post_id in {q.prompt_id for q in base.questions}:
        raise OptionError("A question cannot be filed as an answer.")
    if _question_of(base, post_id) == prompt_id:
        edits.moved.pop(post_id, None)
    else:
        edits.moved[post_id] = prompt_id


def set_headline(edits: Overrides, base: Recap, prompt_id: str, index: int, headline: str) -> None:
    """Rename a takeaway; an empty headline brings the generated one back."""
    question = next((q for q in base.questions if q.prompt_id == prompt_id), None)
    if question is None or not 0 <= index < len(question.takeaways):
        raise OptionError("That takeaway is not in this recap (any more): reload the editor.")
    headline = " ".join(headline.split())
    if len(headline) > MAX_HEADLINE:
        raise OptionError(f"A takeaway's headline can be at most {MAX_HEADLINE} characters.")
    key = takeaway_key(prompt_id, index)
    if headline and headline != question.takeaways[index].headline:
        edits.headlines[key] = headline
    else:
        edits.headlines.pop(key, None)


def set_details(edits: Overrides, *, title: str, slug: str, tags: str, intro: str, closing: str) -> None:
    """The post's title, address and tags, and the host's introduction and closing
    (Markdown); an empty field brings back what the analysis wrote."""
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise OptionError(f"The title can be at most {MAX_TITLE} characters.")
    if len(intro) > MAX_MARKDOWN or len(closing) > MAX_MARKDOWN:
        raise OptionError(f"The introduction and the closing can be at most {MAX_MARKDOWN:,} "
                          "characters each.")
    edits.title = title or None
    edits.slug = slug.strip() or None
    edits.tags = [t.strip() for t in tags.split(",") if t.strip()]
    edits.intro = intro.strip().replace("\r\n", "\n") or None
    edits.closing = closing.strip().replace("\r\n", "\n") or None
