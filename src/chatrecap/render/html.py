"""The recap as one standalone HTML page, and the recap body the blog reuses.

Jinja2 with autoescaping on: post text comes from strangers on the internet. The page
loads nothing from anywhere (styles inline, charts inline SVG, no avatars, a data: favicon)
so it works offline and leaks no reader to a third party.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from markupsafe import Markup

from chatrecap.recap.model import Attachment, Recap, RecapPost
from chatrecap.render import _common as c
from chatrecap.render import charts
from chatrecap.render.markup import markdown_to_html


@cache
def environment() -> Any:
    """Built on first use: importing jinja2 costs time the CLI rarely needs to spend.
    Compiled templates are kept in Jinja's bytecode cache (a folder of the user's own in
    the temporary directory, checked by Jinja): compiling them costs every recap ~0.1 s."""
    from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined

    env = Environment(loader=PackageLoader("chatrecap.render", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined,
                      bytecode_cache=FileSystemBytecodeCache())
    env.filters.update(hhmm=c.hhmm, clock=c.clock, number=c.number, hue=c.avatar_hue, initial=_initial,
                       pieces=c.split_urls, short_url=_short_url, safe_url=c.safe_url, shared=c.shared)
    env.globals.update(display_name=c.display_name)
    env.tests.update(reposted_there=_reposted_there)
    return env


#: Platforms with no reposts (a message is shared by quoting or linking it): their posts'
#: cards say nothing of reposts rather than "0 reposts".
NO_REPOSTS = frozenset({"slack", "discord"})


def _reposted_there(post: RecapPost) -> bool:
    """Whether the post's platform has reposts (its id is "platform:native id")."""
    return post.id.split(":", 1)[0] not in NO_REPOSTS


def _initial(name: str) -> str:
    return next((ch.upper() for ch in name if ch.isalnum()), "?")


def _short_url(url: str) -> str:
    bare = url.split("://", 1)[-1].removeprefix("www.").rstrip("/")
    return bare if len(bare) <= 40 else bare[:39] + "…"


_FILED = {"reply": "filed by reply", "quote": "filed by quote",
          "addressing": "filed by @-addressing", "follow-up": "filed as its author's follow-up",
          "window": "filed by timing", "similarity": "filed by similar words",
          "host": "filed by the host"}


def _filed(attachment: Attachment) -> str:
    """How an answer without an "A1:" label got here, for a reviewer to check."""
    return f"{_FILED.get(attachment.reason, attachment.reason)} · {attachment.confidence:.0%} sure"


def context(recap: Recap) -> dict[str, Any]:
    """Everything the templates show, worked out in Python so they stay simple."""
    s = recap.stats or {}
    questions = []
    for i, q in enumerate(recap.questions, 1):
        label, text = c.question_parts(q)
        takeaways = [{"t": t, "posts": c.posts(recap, t.post_ids)} for t in q.takeaways]
        questions.append({"q": q, "label": label, "text": text, "anchor": f"question-{i}",
                          "answers": c.posts(recap, q.answer_ids), "takeaways": takeaways,
                          "filed": {a.post_id: _filed(a) for a in q.attachments
                                    if a.reason != "label"},
                          "asked_at": recap.posts[q.prompt_id].created_at
                          if q.prompt_id in recap.posts else None})
    highlights = [(h, recap.posts[h.post_id]) for h in recap.highlights if h.post_id in recap.posts]
    start, end = recap.session.start, recap.session.end
    return {
        "recap": recap,
        "chat": c.chat_name(recap),
        "when": f"{c.long_date(start)} · {c.window(start, end)}",
        "shown_zone": c.zone_name(),
        # The generated introduction is plain text; one a host wrote is Markdown.
        "intro": (Markup(markdown_to_html(recap.intro, relative_links=True)) if recap.intro
                  else c.paragraphs(c.intro(recap))),
        "closing": Markup(markdown_to_html(recap.closing, relative_links=True)) if recap.closing else [],
        "questions": questions,
        "no_questions": c.NO_QUESTIONS,
        "has_takeaways": any(q["takeaways"] for q in questions),
        "highlights": highlights,
        "facts": c.facts(recap),
        "activity_chart": Markup(charts.activity(s.get("activity") or [], s.get("activity_minutes") or 1)),
        "contributors_chart": Markup(charts.contributors(s.get("top_contributors") or [])),
        "engaged": c.most_engaged(recap),
        "links": [link for link in (s.get("links") or [])[:8] if c.safe_url(link.get("url"))],
        "hashtags": (s.get("hashtags") or [])[:12],
        "credits": c.credits(recap),
        "leaders": _leaders(recap),
    }


ACCOUNT_POSTS_SHOWN = 10


def _leaders(recap: Recap) -> dict[str, Any] | None:
    """The thought-leaders section: named people and organisations with their votes'
    posts, the most recognised, and the network picture whose circles open each
    account's posts (a link to a closed <details>, which the browser opens)."""
    leaders = recap.leaders
    if leaders is None:
        return None
    groups = [(title, [{"n": n, "posts": c.posts(recap, n.post_ids)} for n in group])
              for title, group in c.leader_groups(leaders)]
    net = leaders.network
    accounts = []
    if net is not None:
        for i, node in enumerate(net.nodes, 1):
            shown = [{"post": p, "reposted": _reposted(recap, p)}
                     for p in c.posts(recap, node.post_ids[:ACCOUNT_POSTS_SHOWN])]
            accounts.append({"node": node, "anchor": f"account-posts-{i}", "posts": shown,
                             "more": len(node.post_ids) - len(shown)})
    if not groups and not leaders.recognised and not accounts:
        return None
    chart = charts.network(net, link=lambda i: f"#account-posts-{i + 1}")
    return {"groups": groups, "recognised": leaders.recognised, "method": leaders.method,
            "network_chart": Markup(chart), "network": net, "accounts": accounts}


def _reposted(recap: Recap, post: RecapPost) -> str | None:
    """For a repost, whose post it passes on ("@ann"; "" when the recap does not know, as
    for a bare "RT @ann: ..." whose text says it): an account's posts list others' words
    too, and they must not read as its own. None for a post of its own."""
    if post.kind != "repost":
        return None
    original = recap.posts.get(post.repost_of_id) if post.repost_of_id else None
    return f"@{original.handle}" if original is not None else ""


def render_body(recap: Recap) -> str:
    """The recap body alone (no page shell): for the blog and the WordPress export."""
    with c.times_of(recap):
        return environment().get_template("recap_body.html").render(context(recap))


def render(recap: Recap, body: str | None = None) -> bytes:
    """The whole page; ``body`` is the recap body when it was rendered already."""
    if body is None:
        body = render_body(recap)
    return environment().get_template("page.html").render(
        recap=recap, body=Markup(body)).encode()
