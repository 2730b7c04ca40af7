"""The numbers of a session: volume, kinds of posts, people, pace, engagement, links, tags.

Counts are of the session's own posts; a post outside the session that one of them
reposts or quotes is not counted. The reach figure is an estimate and says so.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from chatrecap.analysis.corpus import Corpus
from chatrecap.analysis.structure import Structure, addressed
from chatrecap.store import zulu

TOP = 10
_BROADCAST = frozenset({"here", "channel", "everyone"})  # Slack's and Discord's pings of all
REACH_METHOD = ("The sum of the distinct participants' follower counts as the archive "
                "recorded them: how many accounts could have seen a post, not how many did.")


#: Widths of the activity chart's bars, in minutes: the narrowest that gives at most
#: ACTIVITY_BARS bars (a chat hour: sixty bars of a minute; a conference's week: hours).
ACTIVITY_WIDTHS = (1, 5, 15, 30, 60, 180, 360, 720, 1440, 10080)
ACTIVITY_BARS = 240


def activity_minutes(minutes: float) -> int:
    """The width of the activity chart's bars for a session of ``minutes`` (a bar more or
    less, as its ends fall: ``session_stats`` widens them if its first bar starts early)."""
    return next((w for w in ACTIVITY_WIDTHS if minutes / w <= ACTIVITY_BARS),
                1440 * math.ceil(minutes / 1440 / ACTIVITY_BARS))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _bars(start: datetime, end: datetime, width: int) -> int:
    return int((end - _bar_start(start, width)).total_seconds() // 60) // width + 1


def _bar_start(minute: datetime, width: int) -> datetime:
    """The start of the bar a minute falls in: bars start at whole multiples of their
    width since the epoch (UTC), so an hour's bar starts on the hour."""
    since = int((minute - _EPOCH).total_seconds()) // 60
    return _EPOCH + timedelta(minutes=since - since % width)


def session_stats(corpus: Corpus, structure: Structure, hashtag: str | None,
                  earlier_authors: set[str] | None) -> dict[str, Any]:
    posts = corpus.posts
    if not posts:
        return {"posts": 0}
    reposts = sum(1 for p in posts if p.is_repost)
    # A reply: its reply id, the post found by its addressing, or, in an archive without
    # reply ids (a sheet), a leading @handle whose addressee wrote nothing the session holds.
    by_address = not any(p.reply_to_id for p in posts)
    replies = sum(1 for p in posts if not p.is_repost and (
        p.reply_to_id or (p.id in structure.parents and p.id not in structure.follow_ups)
        or by_address and set(addressed(p.text)) - _BROADCAST))
    quotes = sum(1 for p in posts if p.quote_of_id and not p.is_repost)
    authors = {p.author_id for p in posts if corpus.takes_part(p.author_id, structure.hosts)}
    start, end = posts[0].created_at, posts[-1].created_at
    minutes = max((end - start).total_seconds() / 60, 1.0)
    per_minute = Counter(p.created_at.replace(second=0, microsecond=0) for p in posts)
    peak_at, peak_posts = min(per_minute.items(), key=lambda kv: (-kv[1], kv[0]))
    width = activity_minutes(minutes)
    while _bars(start, end, width) > ACTIVITY_BARS:  # (bars start on round times: one more may not fit)
        width = next((w for w in ACTIVITY_WIDTHS if w > width), width + 1440)
    per_bar = Counter(_bar_start(minute, width) for minute in per_minute.elements())
    activity = []
    bar = _bar_start(start.replace(second=0, microsecond=0), width)
    while bar <= end:
        activity.append({"minute": zulu(bar, True), "posts": per_bar.get(bar, 0)})
        bar += timedelta(minutes=width)
    contributors = Counter(p.author_id for p in posts if p.author_id in authors)
    engaged = sorted((p for p in posts if not p.is_repost and p.engagement > 0),
                     key=lambda p: (-p.engagement, p.id))[:TOP]
    own_tag = (hashtag or "").lstrip("#").lower()
    # Links and tags by the distinct accounts that shared them (a repost shares them too),
    # then by posts: one account posting the same link ten times is not what the room shared.
    links: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    link_people: dict[str, set[str]] = {}
    tag_people: dict[str, set[str]] = {}
    spelled: dict[str, str] = {}
    for p in posts:
        for url in set(p.urls):
            links[url] += 1
            link_people.setdefault(url, set()).add(p.author_id)
        for tag in {t.lower(): t for t in p.hashtags}.values():
            key = tag.lower()
            if key != own_tag:
                tags[key] += 1
                tag_people.setdefault(key, set()).add(p.author_id)
                spelled.setdefault(key, tag)
    followers = [corpus.authors[a].followers for a in sorted(authors)]
    first_time = returning = None
    if earlier_authors is not None:
        returning = len(authors & earlier_authors)
        first_time = len(authors) - returning
    return {
        "posts": len(posts),
        "originals": len(posts) - reposts - replies,
        "reposts": reposts,
        "replies": replies,
        "quotes": quotes,
        "participants": len(authors),
        "first_time": first_time,
        "returning": returning,
        "hosts": len(structure.hosts),
        "prompts": len(structure.prompts),
        "answers": len(structure.links),
        "duration_minutes": round(minutes, 1),
        "posts_per_minute": round(len(posts) / minutes, 2),
        "peak_minute": {"minute": zulu(peak_at, True), "posts": peak_posts},
        "activity": activity,
        "activity_minutes": width,
        "top_contributors": [
            {"handle": corpus.authors[a].handle, "name": corpus.authors[a].name, "posts": n}
            for a, n in sorted(contributors.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]],
        "most_engaged": [{"post_id": p.id, "engagement": p.engagement} for p in engaged],
        "reach_estimate": {  # (unknown, not 0, when no profile says: Slack and Discord have none)
            "value": sum(f for f in followers if f) if any(f is not None for f in followers) else None,
            "label": "Estimated reach",
            "method": REACH_METHOD,
            "known_for": sum(1 for f in followers if f is not None),
        },
        "links": [{"url": u, "count": n, "accounts": len(link_people[u])} for u, n in
                  sorted(links.items(), key=lambda kv: (-len(link_people[kv[0]]), -kv[1], kv[0]))[:TOP]],
        "hashtags": [{"tag": spelled[t], "count": n, "accounts": len(tag_people[t])} for t, n in
                     sorted(tags.items(), key=lambda kv: (-len(tag_people[kv[0]]), -kv[1], kv[0]))[:TOP]],
    }
