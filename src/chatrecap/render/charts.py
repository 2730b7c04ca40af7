"""Inline SVG charts drawn in Python: no JavaScript, no external assets, same bytes every time.

The charts have no viewBox: x positions are percentages of the chart's width and sizes
are pixels, so bars stretch to any column while labels stay at a readable 12px on a phone
and on a desktop alike. Colours and fonts are presentation attributes, not CSS, so a chart
looks the same wherever the recap body is pasted (the page, the blog, a WordPress draft).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from chatrecap.recap.model import Network
from chatrecap.render._common import parse_time, plural, short_day, shown_time, spans_days, zone_of

ACCENT, PEAK, GRID, INK, MUTED = "#4f46e5", "#db2777", "#e5e7eb", "#1f2937", "#6b7280"
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'


def _pct(x: float) -> str:
    """A percentage with fixed precision: deterministic and compact."""
    return f"{x:.3f}".rstrip("0").rstrip(".") + "%"


def _px(x: float) -> str:
    return f"{x:.1f}".removesuffix(".0")


def _scale(peak: int) -> tuple[int, int]:
    """(top of the axis, tick step): a 1-2-2.5-5 step giving at most four ticks above zero."""
    step = 1
    while True:
        for m in (1, 2, 2.5, 5):
            size = step * m
            if size == int(size) and peak <= 4 * size:
                size = int(size)
                return max(size, -(-peak // size) * size), size
        step *= 10


def _svg(height: int, title: str, desc: str, body: list[str], role: str = "img",
         width: int | None = None) -> str:
    """The chart's frame: as wide as its column, or ``width`` pixels for a file of its own."""
    size = (f'width="{width}" height="{height}" viewBox="0 0 {width} {height}"' if width else
            f'width="100%" height="{height}" style="display:block;width:100%;height:{height}px"')
    return (f'<svg class="chart" role="{role}" xmlns="http://www.w3.org/2000/svg" {size} {FONT}>'
            f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>")


#: How a bar's width reads in the chart's title ("Posts per hour").
_PER = {1: "minute", 60: "hour", 1440: "day", 10080: "week"}
#: Steps between the x axis's labels, in minutes: the first that is a whole number of bars
#: and gives at most six labels.
_LABEL_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 720, 1440, 2880, 10080, 20160, 40320)


def _per(minutes: int) -> str:
    if minutes in _PER:
        return _PER[minutes]
    return f"{minutes // 1440} days" if minutes % 1440 == 0 else (
        f"{minutes // 60} hours" if minutes % 60 == 0 else f"{minutes} minutes")


def activity(rows: list[dict], minutes: int = 1) -> str:
    """Posts per bar of ``minutes`` (a minute for a chat hour, an hour or a day over longer
    spans), the busiest bar in a second colour; '' without data."""
    rows = [r for r in rows if r.get("minute")]
    if not rows:
        return ""
    height, top, bottom, left = 230, 30, 42, 7.0  # left: a gutter (in %) for the axis numbers
    plot_h = height - top - bottom
    counts = [int(r.get("posts") or 0) for r in rows]
    peak = max(counts)
    y_max, y_step = _scale(max(peak, 1))
    slot = (100 - left) / len(rows)
    per = _per(minutes)
    daily = minutes >= 1440  # (bars of days are days of UTC: named, and told, so in any zone)
    days = spans_days(rows[0]["minute"], rows[-1]["minute"])
    body = [f'<text x="0" y="12" font-size="12" fill="{MUTED}">Posts per {per}</text>']
    for tick in range(0, y_max + 1, y_step):
        y = top + plot_h - plot_h * tick / y_max
        body.append(f'<line x1="{_pct(left)}" x2="100%" y1="{_px(y)}" y2="{_px(y)}" stroke="{GRID}"/>')
        body.append(f'<text x="0" y="{_px(y + 4)}" font-size="12" fill="{MUTED}">{tick}</text>')
    for i, n in enumerate(counts):
        if n <= 0:
            continue
        h = plot_h * n / y_max
        body.append(f'<rect x="{_pct(left + (i + 0.1) * slot)}" y="{_px(top + plot_h - h)}" '
                    f'width="{_pct(slot * 0.8)}" height="{_px(h)}" fill="{PEAK if n == peak else ACCENT}">'
                    f"<title>{_when(rows[i]['minute'], daily, days)}: {n} {plural(n, 'post')}"
                    "</title></rect>")
    base = top + plot_h
    body.append(f'<line x1="{_pct(left)}" x2="100%" y1="{base}" y2="{base}" stroke="{MUTED}"/>')
    for i in _labelled(rows, minutes):
        x = left + (i + 0.5) * slot
        anchor = "end" if x > 97 else "middle"
        body.append(f'<line x1="{_pct(x)}" x2="{_pct(x)}" y1="{base}" y2="{base + 4}" stroke="{MUTED}"/>')
        body.append(f'<text x="{_pct(x)}" y="{base + 18}" font-size="12" fill="{MUTED}" '
                    f'text-anchor="{anchor}">{_label(rows[i]["minute"], daily, days)}</text>')
    axis = "Day (UTC)" if daily else f"Time ({zone_of(rows[0]['minute'])})"
    body.append(f'<text x="{_pct(left + (100 - left) / 2)}" y="{height - 4}" font-size="12" fill="{INK}" '
                f'text-anchor="middle">{axis}</text>')
    first, last = (_label(rows[k]["minute"], daily, days) for k in (0, -1))
    zone = "UTC" if daily else zone_of(rows[-1]["minute"])
    return _svg(height, f"Posts per {per}",
                f"Posts per {per} from {first} to {last} {zone}; the busiest "
                f"{per} had {peak} {plural(peak, 'post')}.", body)


def _labelled(rows: list[dict], minutes: int) -> list[int]:
    """The bars the x axis labels: those starting on a round time (in the shown zone; for
    bars of days, which are days of UTC, in UTC) a step apart, else (bars of hours in a
    zone a half hour off) every so many bars from the first."""
    span = len(rows) * minutes
    step = next((s for s in _LABEL_STEPS if s % minutes == 0 and span / s <= 6),
                minutes * math.ceil(len(rows) / 6))
    local = [(parse_time if minutes >= 1440 else shown_time)(r["minute"]) for r in rows]
    on_time = [i for i, t in enumerate(local)
               if (t.toordinal() * 1440 + t.hour * 60 + t.minute) % step == 0]
    return on_time or list(range(0, len(rows), max(1, step // minutes)))


def _label(iso: str, daily: bool, days: bool) -> str:
    """A bar's time: "18:40"; over days, "12 Nov 06:00"; "12 Nov" for a bar of a day (a day
    of UTC, so named by its UTC date in any zone)."""
    if daily:
        return short_day(parse_time(iso))
    t = shown_time(iso)
    day = short_day(t)
    return f"{day} {t:%H:%M}" if days else f"{t:%H:%M}"


def _when(iso: str, daily: bool, days: bool) -> str:
    """A bar's time in its tooltip, with its zone (a bar of a day's is UTC's)."""
    return _label(iso, daily, days) if daily else f"{_label(iso, daily, days)} {zone_of(iso)}"


def contributors(rows: list[dict], limit: int = 10) -> str:
    """The most active participants as horizontal bars, each labelled above; '' without data."""
    rows = [r for r in rows if r.get("handle")][:limit]
    if not rows:
        return ""
    row_h, top = 44, 2
    height = top + row_h * len(rows)
    most = max(int(r.get("posts") or 0) for r in rows) or 1
    body = []
    for i, r in enumerate(rows):
        n = int(r.get("posts") or 0)
        y = top + i * row_h
        handle = "@" + r["handle"]
        name = r.get("name")
        label = f"{handle} · {name}" if name and name != r["handle"] else handle
        label = label if len(label) <= 36 else label[:35] + "…"  # fits a 320px-wide phone
        w = max(88 * n / most, 0.5)  # percent: room is left for the number after the bar
        body.append(f'<text x="0" y="{y + 14}" font-size="13" fill="{INK}">{escape(label)}</text>')
        body.append(f'<rect x="0" y="{y + 20}" width="{_pct(w)}" height="14" rx="3" fill="{ACCENT}">'
                    f"<title>{escape(handle)}: {n} {plural(n, 'post')}</title></rect>")
        body.append(f'<text x="{_pct(w)}" dx="6" y="{y + 32}" font-size="12" fill="{MUTED}">{n}</text>')
    return _svg(height, "Most active participants",
                f"Posts by the {len(rows)} most active participants.", body)


KIND_COLOURS = {"person": ACCENT, "organization": "#d97706"}
OTHER_COLOUR = "#9ca3af"
_PLURAL = {"reply": "replies", "mention": "mentions", "repost": "reposts", "quote": "quotes"}
LABELLED = 8  # accounts whose handle is always written; the others show theirs on hover


def network(net: Network | None, height: int = 440, link: Callable[[int], str] | None = None,
            width: int | None = None) -> str:
    """Who engaged whom: circles sized by recognition, coloured person or organisation, lines
    as thick as the pair's interactions; '' without a network.

    With ``link`` (node index -> href) each circle is a link and every handle appears on
    hover (inline CSS: the recap's page); without it the picture stands alone, an image in
    Markdown (``width`` pixels wide), with the most recognised handles written."""
    if net is None or not net.nodes:
        return ""
    pad_x, top, bottom = 6.0, 26, 30
    plot_h = height - top - bottom
    most = max((n.recognition for n in net.nodes), default=0.0) or 1.0
    strongest = max((e.weight for e in net.edges), default=0.0) or 1.0

    def at(i: int) -> tuple[str, str]:
        n = net.nodes[i]
        return _pct(pad_x + (100 - 2 * pad_x) * n.x), _px(top + plot_h * n.y)

    body = [f'<text x="0" y="14" font-size="12" fill="{MUTED}">Who engaged whom</text>']
    if width is not None:  # a file of its own is shown on any background: give it one
        body.insert(0, '<rect width="100%" height="100%" fill="#fff"/>')
    if link is not None:
        body.append("<style>.net-node .net-hover{visibility:hidden}.net-node:hover .net-hover,"
                    ".net-node:focus .net-hover{visibility:visible}"
                    ".net-node:hover circle,.net-node:focus circle{stroke:#111827;stroke-width:2.5}</style>")
    for e in net.edges:
        (x1, y1), (x2, y2) = at(e.source), at(e.target)
        kinds = ", ".join(f"{n} {_PLURAL[k] if n != 1 else k}" for k, n in sorted(e.kinds.items()))
        src, dst = net.nodes[e.source].handle, net.nodes[e.target].handle
        body.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{MUTED}" '
                    f'stroke-opacity="0.35" stroke-width="{_px(0.8 + 3.2 * e.weight / strongest)}">'
                    f"<title>@{escape(src)} → @{escape(dst)}: {escape(kinds)}</title></line>")
    order = sorted(range(len(net.nodes)), key=lambda i: net.nodes[i].recognition)  # big ones on top
    labelled = set(sorted(range(len(net.nodes)), key=lambda i: -net.nodes[i].recognition)[:LABELLED])
    for i in order:
        n = net.nodes[i]
        x, y = at(i)
        r = 4 + 14 * math.sqrt(n.recognition / most)
        who = f"{n.name} (@{n.handle})" if n.name and n.name != n.handle else f"@{n.handle}"
        tip = (f"{who}: {n.kind if n.kind != 'unknown' else 'person or organisation unsure'}, "
               f"engaged by {n.engagers} {'account' if n.engagers == 1 else 'accounts'}, "
               f"{len(n.post_ids)} {'post' if len(n.post_ids) == 1 else 'posts'}")
        label_class = "net-label" if i in labelled else "net-label net-hover"
        if link is None and i not in labelled:
            label = ""
        else:
            label = (f'<text class="{label_class}" x="{x}" y="{_px(float(y) - r - 4)}" font-size="12" '
                     f'fill="{INK}" text-anchor="middle" paint-order="stroke" stroke="#fff" '
                     f'stroke-width="3">@{escape(n.handle)}</text>')
        fill = KIND_COLOURS.get(n.kind, OTHER_COLOUR)
        circle = (f'<circle cx="{x}" cy="{y}" r="{_px(r)}" fill="{fill}" fill-opacity="0.85" '
                  f'stroke="#fff" stroke-width="1.5"><title>{escape(tip)}</title></circle>')
        if link is None:
            body.append(circle + label)
        else:
            body.append(f'<a class="net-node" href="{escape(link(i))}" data-handle="{escape(n.handle)}">'
                        f"{circle}{label}</a>")
    people = sum(n.kind == "person" for n in net.nodes)
    orgs = sum(n.kind == "organization" for n in net.nodes)
    body.append(f'<text x="0" y="{height - 8}" font-size="12" fill="{MUTED}">'
                f'<tspan fill="{KIND_COLOURS["person"]}">●</tspan> person ({people}) '
                f'<tspan fill="{KIND_COLOURS["organization"]}">●</tspan> organisation ({orgs}) '
                f'<tspan fill="{OTHER_COLOUR}">●</tspan> unsure · size: recognition</text>')
    return _svg(height, "Who engaged whom",
                f"{len(net.nodes)} of the most recognised of {net.accounts} accounts and the "
                f"{len(net.edges)} reply, quote, mention and repost ties among them; "
                f"the largest circle is @{max(net.nodes, key=lambda n: n.recognition).handle}.", body,
                role="img" if link is None else "group", width=width)
