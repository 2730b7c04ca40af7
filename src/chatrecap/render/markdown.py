"""The recap as a Markdown blog-post draft, to paste into any editor and polish.

Post text is escaped so that no post can turn into a heading, a list, a link or raw HTML
in the draft; links in posts stay clickable as <autolinks>.
"""

from __future__ import annotations

import re

from chatrecap.recap.model import Recap, RecapPost
from chatrecap.render import _common as c
from chatrecap.render import charts

_INLINE = re.compile(r"([\\`*_\[\]<>~|])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_LINE_START = re.compile(r"^([#+=\-])|^(\d+)([.)])")


def escape_inline(text: str) -> str:
    """Escape text inside a line so Markdown shows it literally; URLs become <autolinks>."""
    out = []
    for is_url, piece in c.split_urls(text):
        if is_url:
            out.append(f"<{piece}>")
        else:
            out.append(_ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", piece)))
    return "".join(out)


def escape(text: str) -> str:
    """escape_inline, and a line start that cannot open a heading, list or code block."""
    line = escape_inline(text).lstrip()
    return _LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}",
                           line)


def _heading(text: str) -> str:
    text = escape(" ".join(text.split()))
    return text[:-1] + "\\#" if text.endswith("#") else text


def _url(url: str) -> str:
    """A link destination that cannot break out of its parentheses."""
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C") \
        .replace(">", "%3E")


def _link(label: str, url: str | None) -> str:
    url = c.safe_url(url)
    return f"[{label}]({_url(url)})" if url else label


def _quote(post: RecapPost, attribution: str, indent: str = "") -> list[str]:
    lines = []
    for i, para in enumerate(c.paragraphs(post.text) or [""]):
        if i:
            lines.append(f"{indent}>")
        lines.extend(f"{indent}> {_indented(line)}".rstrip() for line in para.splitlines())
    lines += [f"{indent}>", f"{indent}> {attribution}"]
    return lines


def _indented(line: str) -> str:
    """A quoted line, escaped, keeping its indentation (code's meaning: Python's blocks) as
    no-break spaces, which Markdown neither strips nor reads as a code block."""
    text = escape(line)
    lead = len(line) - len(line.lstrip(" "))
    return "\u00a0" * lead + text if lead and text else text


def _who(post: RecapPost) -> str:
    name = escape(c.display_name(post))
    return name if not post.name else f"{name} (@{escape(post.handle)})"


def _takeaways(recap: Recap) -> list[str]:
    out = ["## Key takeaways", ""]
    for q in recap.questions:
        if not q.takeaways:
            continue
        label, text = c.question_parts(q)
        out += [f"**{label}: {_heading(text)}**", ""]
        for t in q.takeaways:
            people = f"{t.people} {'person' if t.people == 1 else 'people'}"
            liked = f"{t.endorsements} endorsement{'' if t.endorsements == 1 else 's'}"
            out += [f"- **{_heading(t.headline)}** ({people}, {liked})", ""]
            for post in c.posts(recap, t.post_ids):
                out += _quote(post, f"— {_link('@' + escape(post.handle), post.url)}", indent="  ")
                out.append("")
    return out if len(out) > 2 else []


def _questions(recap: Recap) -> list[str]:
    out = ["## Questions and answers", ""]
    if not recap.questions:
        out += [c.NO_QUESTIONS, ""]
    for q in recap.questions:
        label, text = c.question_parts(q)
        out += [f"### {label}: {_heading(text)}", ""]
        answers = c.posts(recap, q.answer_ids)
        out += [f"*Asked by @{escape(q.author)} · {len(answers)} {c.plural(len(answers), 'answer')}*", ""]
        for post in answers:
            out += _quote(post, f"— {_link(_who(post), post.url)}, {c.clock(post.created_at)}")
            out.append("")
    return out


def _highlights(recap: Recap) -> list[str]:
    out = ["## Highlights", ""]
    for h in recap.highlights:
        post = recap.posts.get(h.post_id)
        if post is None:
            continue
        out += [f"**{_heading(h.reason)}**", ""]
        out += _quote(post, f"— {_link(_who(post), post.url)}, {c.clock(post.created_at)}")
        out.append("")
    return out if len(out) > 2 else []


NETWORK_FILE = "recap-network.svg"  # written beside the Markdown, which shows it as an image


def network_svg(recap: Recap) -> bytes | None:
    """The network picture as a file of its own: Markdown shows SVG only as an image."""
    net = recap.leaders.network if recap.leaders else None
    svg = charts.network(net, width=880)
    return (svg + "\n").encode() if svg else None


def _leaders(recap: Recap) -> list[str]:
    leaders = recap.leaders
    if leaders is None:
        return []
    out = ["## Thought leaders named by participants", ""]
    groups = c.leader_groups(leaders)
    for title, group in groups:
        out += [f"**{title}**", ""]
        for n in group:
            who = f"@{escape(n.handle)}" if n.handle else escape(n.name or "")
            if n.handle and n.name:
                who += f" ({escape(n.name)})"
            by = ", ".join(f"@{escape(h)}" for h in n.nominators)
            posts = [_link(f"{c.hhmm(p.created_at)} @{escape(p.handle)}", p.url)
                     for p in c.posts(recap, n.post_ids)]
            out.append(f"- **{who}**, named by {n.votes} {'person' if n.votes == 1 else 'people'}: "
                       f"{by} (posts: {', '.join(posts)})")
        out.append("")
    if not groups:
        out += ["Nobody was named as a person to follow or learn from in this session.", ""]
    if leaders.recognised:
        out += ["**Most recognised by the conversation**", ""]
        for r in leaders.recognised:
            parts = [f"engaged by {r.engagers} {'account' if r.engagers == 1 else 'accounts'}"]
            if r.nominations:
                parts.append(f"named by {r.nominations}")
            if r.self_promotion:
                parts.append(f"{r.self_promotion:.0%} self-promotion")
            name = f" ({escape(r.name)})" if r.name else ""
            out.append(f"- **@{escape(r.handle)}**{name}: {', '.join(parts)}; score {r.score:.2f}")
        out.append("")
    net = leaders.network
    if net is not None and net.nodes:
        out += [f"![Who engaged whom: {len(net.nodes)} of the most recognised of {net.accounts} accounts]"
                f"({NETWORK_FILE})", "",
                f"*Who replied to, quoted, mentioned or reposted whom among {len(net.nodes)} of the most "
                f"recognised accounts (the five most of all, and those who engaged with one another; "
                f"{net.interactions} interactions in all); circle size is recognition.*", ""]
    out += [f"*{escape(leaders.method)}*", ""]
    return out


def _numbers(recap: Recap) -> list[str]:
    s = recap.stats or {}
    out = ["## By the numbers", ""]
    for f in c.facts(recap):
        note = f" ({escape(f.note)})" if f.note else ""
        out.append(f"- **{escape(f.label)}:** {f.value}{note}")
    top = s.get("top_contributors") or []
    if top:
        people = [f"@{escape(t['handle'])} ({c.number(t['posts'])})" for t in top[:5]]
        out.append(f"- **Most active:** {', '.join(people)}")
    engaged = c.most_engaged(recap)
    if engaged:
        items = [f"{_link('@' + escape(p.handle), p.url)} ({got})" for p, got in engaged]
        out.append(f"- **Most engaged posts:** {', '.join(items)}")
    links = [f"{escape_inline(link['url'])} ({c.shared(link)})" for link in (s.get("links") or [])[:5]]
    if links:
        out.append(f"- **Most shared links:** {', '.join(links)}")
    tags = [f"{escape_inline(t['tag'])} ({c.shared(t)})" for t in (s.get("hashtags") or [])[:8]]
    if tags:
        out.append(f"- **Hashtags:** {', '.join(tags)}")
    return out + [""] if len(out) > 2 else []


def _participants(recap: Recap) -> list[str]:
    out = ["## Participants", ""]
    for p in c.credits(recap):
        who = f"{escape(p.name)} (@{escape(p.handle)})" if p.name else f"@{escape(p.handle)}"
        role = ["host"] if p.is_host else []
        role.append(f"{p.posts} posts" if p.posts != 1 else "1 post")
        if p.answers:
            role.append(f"{p.answers} answers" if p.answers != 1 else "1 answer")
        if p.first_time:
            role.append("first time")
        out.append(f"- {_link(who, p.profile_url)} — {', '.join(role)}")
    return out + [""] if len(out) > 2 else []


def render(recap: Recap) -> bytes:
    with c.times_of(recap):
        return _render(recap)


def _render(recap: Recap) -> bytes:
    lines = [f"# {_heading(recap.title)}", ""]
    if recap.intro:  # the host's own Markdown: kept as written
        lines += [recap.intro.strip(), ""]
    else:
        for para in c.paragraphs(c.intro(recap)):
            lines += [escape(line) for line in para.splitlines()] + [""]
    lines += _takeaways(recap) + _questions(recap) + _highlights(recap) + _leaders(recap)
    lines += _numbers(recap)
    lines += _participants(recap)
    if recap.closing:
        lines += [recap.closing.strip(), ""]
    return ("\n".join(lines).rstrip() + "\n").encode()
