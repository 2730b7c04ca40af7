"""Inline SVG charts drawn in Python: no JavaScript, no external assets, same bytes every time.

The charts have no viewBox: x positions are percentages of the chart's width and sizes
are pixels, so bars stretch to any column while labels stay at a readable 12px on a phone
and on a desktop alike. Colours and fonts are presentation attributes, not CSS, so a chart
looks the same wherever the recap body is pasted (the page, the blog, a WordPress draft).
"""

from __future__ import annotations

from html import escape

from chatrecap.render._common import hhmm

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


def _svg(height: int, title: str, desc: str, body: list[str]) -> str:
    return (f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" width="100%" '
            f'height="{height}" style="display:block;width:100%;height:{height}px" {FONT}>'
            f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>" + "".join(body) + "</svg>")


def activity(rows: list[dict]) -> str:
    """Posts per minute as bars, the busiest minute in a second colour; '' without data."""
    rows = [r for r in rows if r.get("minute")]
    if not rows:
        return ""
    height, top, bottom, left = 230, 30, 42, 7.0  # left: a gutter (in %) for the axis numbers
    plot_h = height - top - bottom
    counts = [int(r.get("posts") or 0) for r in rows]
    peak = max(counts)
    y_max, y_step = _scale(max(peak, 1))
    slot = (100 - left) / len(rows)
    body = [f'<text x="0" y="12" font-size="12" fill="{MUTED}">Posts per minute</text>']
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
                    f"<title>{hhmm(rows[i]['minute'])} UTC: {n} posts</title></rect>")
    base = top + plot_h
    body.append(f'<line x1="{_pct(left)}" x2="100%" y1="{base}" y2="{base}" stroke="{MUTED}"/>')
    step = next((s for s in (1, 2, 5, 10, 15, 30, 60, 120, 240, 480) if len(rows) / s <= 6), 1440)
    for i, r in enumerate(rows):
        t = hhmm(r["minute"])
        if (int(t[:2]) * 60 + int(t[3:])) % step:
            continue
        x = left + (i + 0.5) * slot
        anchor = "end" if x > 97 else "middle"
        body.append(f'<line x1="{_pct(x)}" x2="{_pct(x)}" y1="{base}" y2="{base + 4}" stroke="{MUTED}"/>')
        body.append(f'<text x="{_pct(x)}" y="{base + 18}" font-size="12" fill="{MUTED}" '
                    f'text-anchor="{anchor}">{t}</text>')
    body.append(f'<text x="{_pct(left + (100 - left) / 2)}" y="{height - 4}" font-size="12" fill="{INK}" '
                f'text-anchor="middle">Time (UTC)</text>')
    first, last = hhmm(rows[0]["minute"]), hhmm(rows[-1]["minute"])
    return _svg(height, "Posts per minute",
                f"Posts per minute from {first} to {last} UTC; the busiest minute had {peak} posts.", body)


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
                    f"<title>{escape(handle)}: {n} posts</title></rect>")
        body.append(f'<text x="{_pct(w)}" dx="6" y="{y + 32}" font-size="12" fill="{MUTED}">{n}</text>')
    return _svg(height, "Most active participants",
                f"Posts by the {len(rows)} most active participants.", body)
