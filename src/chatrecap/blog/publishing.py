"""Publishing a post and what that sets going, in one transaction.

A publish queues the webmentions (or pingbacks) to the pages the post links to
(``chatrecap.blog.outgoing``) and, the first time only, the post's mail to the confirmed
subscribers (``chatrecap.blog.subscriptions``); unpublishing queues the webmentions that
tell those pages the post is gone. The post's new state and the jobs are committed
together: a process that dies in between leaves neither, so a later publish is still the
first and still mails the post. The admin's buttons and `chatrecap publish` both come here;
the running server's workers send what is queued.
"""

from __future__ import annotations

from chatrecap.blog import outgoing, posts, subscriptions
from chatrecap.blog.posts import BlogPost
from chatrecap.store import Store
from chatrecap.web.settings import Settings
from chatrecap.zones import named_zone


def publish(store: Store, settings: Settings, post: BlogPost,
            slug: str | None = None) -> tuple[BlogPost, int]:
    """The post published, and how many subscribers it was queued for (0 after the first publish)."""
    first = post.published_at is None
    try:
        published = posts.publish(store, post, slug, commit=False, zone=named_zone(settings.time_zone))
        outgoing.queue_for_post(store, published, commit=False)
        mailed = subscriptions.mail_out(store, settings, published, commit=False) if first else 0
        store.commit()
    except BaseException:
        store.conn.rollback()
        raise
    return published, mailed


def unpublish(store: Store, post: BlogPost) -> BlogPost:
    """The post withdrawn (its page answers 410), the pages it linked to to be told."""
    try:
        gone = posts.unpublish(store, post, commit=False)
        outgoing.queue_for_post(store, gone, commit=False)
        store.commit()
    except BaseException:
        store.conn.rollback()
        raise
    return gone
