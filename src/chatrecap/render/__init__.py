"""Renderers: one module per output format, each ``render(recap) -> bytes``.

Every renderer is deterministic (the same recap gives the same bytes), so a recap can be
rebuilt and diffed, and published files only change when the recap does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chatrecap.errors import OptionError
from chatrecap.recap.model import Recap
from chatrecap.render import html, json, markdown, wxr


@dataclass(frozen=True, slots=True)
class Renderer:
    render: Callable[..., bytes]  # (recap) -> bytes; (recap, body) when it shows the HTML body
    filename: str
    shows_body: bool = False  # the HTML recap body: rendered once for every such format
    # Files the format refers to, written beside it: (recap) -> {file name: bytes or None}
    companions: Callable[[Recap], dict[str, bytes | None]] | None = None


RENDERERS: dict[str, Renderer] = {
    "md": Renderer(markdown.render, "recap.md",
                   companions=lambda recap: {markdown.NETWORK_FILE: markdown.network_svg(recap)}),
    "html": Renderer(html.render, "recap.html", shows_body=True),
    "json": Renderer(json.render, "recap.json"),
    "wxr": Renderer(wxr.render, "recap.wxr.xml", shows_body=True),
}


def renderer(fmt: str) -> Renderer:
    try:
        return RENDERERS[fmt]
    except KeyError:
        raise OptionError(f"Unknown recap format {fmt!r}: use one of {', '.join(RENDERERS)}.") from None


def write_recap(recap: Recap, out_dir: Path, formats: list[str]) -> list[Path]:
    """Write one file per format into out_dir (created if needed); returns their paths."""
    chosen = [renderer(f) for f in dict.fromkeys(formats)]  # check them all before writing
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    body = html.render_body(recap) if sum(r.shows_body for r in chosen) > 1 else None
    for r in chosen:
        path = out_dir / r.filename
        path.write_bytes(r.render(recap, body) if r.shows_body else r.render(recap))
        paths.append(path)
        for name, data in (r.companions(recap) if r.companions else {}).items():
            if data is not None:
                (out_dir / name).write_bytes(data)
                paths.append(out_dir / name)
    return paths
