"""The registry of sources: built-ins and plugins register the same way.

A third-party package adds a format by exposing a :class:`Source` subclass under the
``chatrecap.sources`` entry-point group; ``chatrecap formats`` lists what is registered.
"""

from __future__ import annotations

import re
from importlib import import_module
from pathlib import Path

from chatrecap.errors import EmptyArchive, InputError, OptionError
from chatrecap.sources.base import ReadOptions, Sample, Source, take_sample

__all__ = ["ReadOptions", "Sample", "Source", "all_sources", "detect", "get_source", "register"]

_BUILTIN_MODULES = (
    "twarc2", "twitter_v1", "snscrape", "tags", "twitter_archiver", "mastodon", "bluesky",
    "slack", "discord", "csv_generic", "twarc_csv", "jsonl",
)
_registry: dict[str, Source] = {}
_EMPTY = re.compile(r"\s*(?:\[\s*\]|\{\s*\})?\s*")  # an empty file, JSON list or object
_loaded = False


def register(source: Source) -> Source:
    """Add a source to the registry (its id must be new)."""
    if source.id in _registry and type(_registry[source.id]) is not type(source):
        raise ValueError(f"a source with id {source.id!r} is already registered")
    _registry[source.id] = source
    return source


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    builtins = [import_module(f"chatrecap.sources.{name}").SOURCE for name in _BUILTIN_MODULES]
    for source in builtins:  # one that get_source imported alone goes back to its place
        if _registry.get(source.id) is source:
            del _registry[source.id]
    for source in builtins:
        register(source)
    from importlib.metadata import entry_points  # (slow to import: only when all are listed)

    for entry in entry_points(group="chatrecap.sources"):
        loaded = entry.load()
        register(loaded() if isinstance(loaded, type) else loaded)


def all_sources() -> list[Source]:
    _load()
    return list(_registry.values())


def get_source(source_id: str) -> Source:
    """The source of that id. A built-in one is imported alone, so that an import with its
    format given does not first import every other reader and look through the installed
    packages for plugins (a twentieth of a second, every time)."""
    if source_id not in _registry and not _loaded:
        module = source_id.replace("-", "_")
        if module in _BUILTIN_MODULES:
            register(import_module(f"chatrecap.sources.{module}").SOURCE)
    if source_id in _registry:
        return _registry[source_id]
    _load()
    try:
        return _registry[source_id]
    except KeyError:
        known = ", ".join(sorted(_registry))
        raise OptionError(f"Unknown format {source_id!r}; use one of: {known}.") from None


def detect(path: Path, sample: Sample | None = None) -> Source:
    """The source whose sniff is most confident about this file's contents."""
    sample = sample or take_sample(path)
    if sample.zip_names is None and _EMPTY.fullmatch(sample.text):
        what = {"": "is empty", "[": "is an empty JSON list", "{": "is an empty JSON object"}
        raise EmptyArchive(f"{path}: the file {what[sample.text.strip()[:1]]}: no posts to import.")
    best_score, best_id = recognised(sample)
    if best_score <= 0:
        hint = next(filter(None, (src.part_of(sample) for src in _registry.values())), None)
        if hint is None and sample.zip_names is None and _WEB_PAGE.match(sample.text):
            hint = ("this is a web page (HTML), not an archive chatrecap reads: save or export the "
                    "JSON itself (a browser's \"Save page\" of an API response wraps it in HTML; "
                    "DiscordChatExporter and Slack export JSON too).")
        raise InputError(f"{path}: {hint}" if hint else
                         f"{path}: the format was not recognised from its contents; "
                         "name it with --format (see `chatrecap formats`).")
    return _registry[best_id]


_WEB_PAGE = re.compile(r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)


def recognised(sample: Sample) -> tuple[float, str]:
    """How sure the most confident source is of a file (0: none is), and its id."""
    _load()
    return max((src.sniff(sample), src.id) for src in _registry.values())
