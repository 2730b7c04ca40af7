"""Blog posts: a session's recap as a draft, the host's edits on it, published and unpublished.

A post row keeps the analysis's Recap (``recap``, JSON) as it was built; the host's edits
live in ``recap_overrides`` and are applied on top (`chatrecap.recap.overrides`), so
"Re-run the analysis" replaces the recap and keeps every edit. Publishing renders the
edited recap's body once, with the same templates as the HTML export, and the public page
serves that until the next publish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

import orjson

from chatrecap.analysis.sessions import Session, find_sessions, slug
from chatrecap.errors import OptionError
from chatrecap.recap.build import RecapOptions, build_recap
from chatrecap.recap.model import Recap
from chatrecap.recap.overrides import Overrides, apply_overrides
from chatrecap.render import _common as c
from chatrecap.store import Store, iso

DRAFT, PUBLISHED, UNPUBLISHED = "draft", "published", "unpublished"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COLUMNS = ("id, session_id, chat, slug, title, tags, status, summary, published_at, updated_at, "
            "created_at, comments_version")


@dataclass(slots=True)
class BlogPost:
    id: int
    session_id: str
    chat: str
    slug: str
    title: str
    tags: list[str]
    status: str
    summary: str | None
    published_at: str | None  # ISO 8601 UTC (storage form)
    updated_at: str
    created_at: str
    comments_version: int

    @property
    def is_public(self) -> bool:
        return self.status == PUBLISHED


def _post(row: tuple) -> BlogPost:
    values = list(row)
    values[5] = orjson.loads(values[5])
    return BlogPost(*values)


def _now() -> str:
    return iso(datetime.now(UTC))


def find_session(store: Store, session_id: str, sessions: list[Session] | None = None) -> Session:
    """A session by its id (`chatrecap sessions`), in whichever chat it belongs to (among
    ``sessions`` when the caller has them)."""
    if sessions is None:  # (an id begins with its chat's slug: only those chats are searched)
        sessions = [session for chat in store.chats() if session_id.startswith(slug(chat) + "-")
                    for session in find_sessions(store, chat)]
    for session in sessions:
        if session.id == session_id:
            return session
    raise OptionError(f"No session {session_id!r}: `chatrecap sessions` lists them.")


def get_post(store: Store, *, slug: str | None = None, session_id: str | None = None,
             post_id: int | None = None) -> BlogPost | None:
    column, value = (("slug", slug) if slug is not None else ("session_id", session_id)
                     if session_id is not None else ("id", post_id))
    rows = store.query(f"SELECT {_COLUMNS} FROM blog_posts WHERE {column} = ?", (value,))
    return _post(rows[0]) if rows else None


def base_recap(store: Store, post: BlogPost) -> Recap:
    """The analysis's recap of the post's session, as last built."""
    [(data,)] = store.query("SELECT recap FROM blog_posts WHERE id = ?", (post.id,))
    return Recap.from_json(data)


def get_overrides(store: Store, session_id: str) -> Overrides:
    rows = store.query("SELECT overrides FROM recap_overrides WHERE session_id = ?", (session_id,))
    return Overrides.from_json(rows[0][0] if rows else None)


def save_overrides(store: Store, post: BlogPost, edits: Overrides, base: Recap | None = None) -> None:
    """Store the host's edits; a new title, slug or tags show on the post at once.
    ``base``: the post's ``base_recap``, when the caller has read it already."""
    slug = post.slug
    if edits.slug and edits.slug != post.slug:
        slug = _checked_slug(store, edits.slug, post.id)  # before anything is written
    now = _now()
    store.execute("INSERT INTO recap_overrides (session_id, chat, overrides, updated_at) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT (session_id) DO UPDATE SET overrides = excluded.overrides, "
                  "updated_at = excluded.updated_at", (post.session_id, post.chat, edits.to_json(), now))
    title = edits.title or (base or base_recap(store, post)).title
    tags = post.tags if edits.tags is None else _tags(edits.tags)
    store.execute("UPDATE blog_posts SET title = ?, slug = ?, tags = ?, updated_at = ? WHERE id = ?",
                  (title, slug, orjson.dumps(tags).decode(), now, post.id))
    store.commit()


def edited_recap(store: Store, post: BlogPost) -> Recap:
    """The recap as the host edited it: what the preview and the published page show."""
    return apply_overrides(base_recap(store, post), get_overrides(store, post.session_id))


def draft(store: Store, session: Session, options: RecapOptions | None = None) -> BlogPost:
    """The session's post, created as a draft with a fresh recap when it has none yet."""
    existing = get_post(store, session_id=session.id)
    if existing is not None:
        return existing
    recap = build_recap(store, session, options, find_sessions(store, session.chat))
    now = _now()
    slug = _free_slug(store, c.slug(recap.title))
    store.execute(
        "INSERT INTO blog_posts (session_id, chat, slug, title, tags, status, recap, summary, "
        "updated_at, created_at, comments_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        (session.id, session.chat, slug, recap.title, orjson.dumps(_default_tags(recap)).decode(),
         DRAFT, recap.to_json().decode(), _summary(recap), now, now))
    store.commit()
    post = get_post(store, session_id=session.id)
    assert post is not None
    return post


def rebuild(store: Store, post: BlogPost, options: RecapOptions | None = None) -> None:
    """Run the analysis again (new posts imported, a newer chatrecap); edits are kept."""
    sessions = find_sessions(store, post.chat)
    recap = build_recap(store, find_session(store, post.session_id, sessions), options, sessions)
    store.execute("UPDATE blog_posts SET recap = ?, updated_at = ? WHERE id = ?",
                  (recap.to_json().decode(), _now(), post.id))
    store.commit()


def publish(store: Store, post: BlogPost, slug: str | None = None, *, commit: bool = True,
            zone: tzinfo | None = None) -> BlogPost:
    """Render the edited recap (its times shown in ``zone``, else UTC) and make the post public
    (again, after an edit). What a publish sets going besides (webmentions, the mail-out) is
    ``chatrecap.blog.publishing``'s."""
    from chatrecap.render import html

    recap = edited_recap(store, post)
    with c.shown_in(zone):
        body = html.render_body(recap)
    now = _now()
    new_slug = _checked_slug(store, slug, post.id) if slug else post.slug
    store.execute(
        "UPDATE blog_posts SET status = ?, slug = ?, title = ?, body_html = ?, summary = ?, "
        "published_at = COALESCE(published_at, ?), updated_at = ? WHERE id = ?",
        (PUBLISHED, new_slug, recap.title, body, _summary(recap), now, now, post.id))
    if commit:
        store.commit()
    published = get_post(store, post_id=post.id)
    assert published is not None
    return published


def unpublish(store: Store, post: BlogPost, *, commit: bool = True) -> BlogPost:
    store.execute("UPDATE blog_posts SET status = ?, updated_at = ? WHERE id = ?",
                  (UNPUBLISHED, _now(), post.id))
    if commit:
        store.commit()
    return get_post(store, post_id=post.id) or post


def published_body(store: Store, post: BlogPost) -> str:
    [(body,)] = store.query("SELECT body_html FROM blog_posts WHERE id = ?", (post.id,))
    return body or ""


def published_posts(store: Store, page: int = 1, per_page: int = 10,
                    tag: str | None = None) -> tuple[list[BlogPost], int]:
    """One page of public posts, newest first, and how many there are in all.

    Only the page's rows are read whole: a row holds its recap and body (hundreds of KB),
    and the columns stored after them cost a walk through those pages to reach.
    """
    listed = store.query("SELECT id, tags FROM blog_posts WHERE status = ? "
                         "ORDER BY published_at DESC, id DESC", (PUBLISHED,))
    if tag is not None:
        wanted = tag.lower()
        listed = [(i, tags) for i, tags in listed if wanted in (t.lower() for t in orjson.loads(tags))]
    start = (max(page, 1) - 1) * per_page
    ids = [i for i, _ in listed[start:start + per_page]]
    rows = {r[0]: _post(r) for r in store.query_in(
        f"SELECT {_COLUMNS} FROM blog_posts WHERE id IN ({{marks}})", ids)} if ids else {}
    return [rows[i] for i in ids if i in rows], len(listed)


def all_posts(store: Store) -> list[BlogPost]:
    """Every post, drafts included, newest first: for the admin area."""
    return [_post(r) for r in store.query(
        f"SELECT {_COLUMNS} FROM blog_posts ORDER BY updated_at DESC, id DESC")]


def bump_comments(store: Store, post_id: int) -> None:
    """Note that the post's comments changed: cached pages of it are stale."""
    store.execute("UPDATE blog_posts SET comments_version = comments_version + 1 WHERE id = ?", (post_id,))


def _summary(recap: Recap) -> str:
    text = " ".join(c.intro(recap).split())
    return text if len(text) <= 280 else text[:279].rsplit(" ", 1)[0] + "…"


def _default_tags(recap: Recap) -> list[str]:
    return [c.chat_name(recap).lstrip("#")] if c.chat_name(recap) else []


def _tags(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(t.strip().lstrip("#") for t in tags if t.strip().lstrip("#")))


def _free_slug(store: Store, wanted: str) -> str:
    slug, n = wanted, 1
    while store.query("SELECT 1 FROM blog_posts WHERE slug = ?", (slug,)):
        n += 1
        slug = f"{wanted}-{n}"
    return slug


def _checked_slug(store: Store, slug: str, post_id: int) -> str:
    if not _SLUG.match(slug) or len(slug) > 120:
        raise OptionError(f"The slug {slug!r} must be lower-case letters, digits and single "
                          "hyphens (at most 120 characters).")
    rows = store.query("SELECT id FROM blog_posts WHERE slug = ?", (slug,))
    if rows and rows[0][0] != post_id:
        raise OptionError(f"The slug {slug!r} is taken by another post.")
    return slug
