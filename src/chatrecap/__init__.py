"""chatrecap: recaps of moderated hashtag chats.

The library is usable without the command line::

    from chatrecap import ReadOptions, import_file, open_store

Names are loaded on first use, so a command that never imports an archive does not pay
for loading every source.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_WHERE = {
    "ChatrecapError": "chatrecap.errors", "InputError": "chatrecap.errors",
    "OptionError": "chatrecap.errors", "RecordError": "chatrecap.errors",
    "StoreError": "chatrecap.errors",
    "FileReport": "chatrecap.importer", "import_file": "chatrecap.importer",
    "import_files": "chatrecap.importer",
    "Author": "chatrecap.models", "Post": "chatrecap.models",
    "ReadOptions": "chatrecap.sources.base",
    "Store": "chatrecap.store", "open_store": "chatrecap.store",
    "Recap": "chatrecap.recap.model", "RecapOptions": "chatrecap.recap.build",
    "build_recap": "chatrecap.recap.build", "find_sessions": "chatrecap.analysis.sessions",
    "Session": "chatrecap.analysis.sessions", "write_recap": "chatrecap.render",
}

__all__ = [
    "Author",
    "ChatrecapError",
    "FileReport",
    "InputError",
    "OptionError",
    "Post",
    "ReadOptions",
    "Recap",
    "RecapOptions",
    "RecordError",
    "Session",
    "Store",
    "StoreError",
    "build_recap",
    "find_sessions",
    "import_file",
    "import_files",
    "open_store",
    "write_recap",
]

if TYPE_CHECKING:
    from chatrecap.analysis.sessions import Session, find_sessions
    from chatrecap.errors import ChatrecapError, InputError, OptionError, RecordError, StoreError
    from chatrecap.importer import FileReport, import_file, import_files
    from chatrecap.models import Author, Post
    from chatrecap.recap.build import RecapOptions, build_recap
    from chatrecap.recap.model import Recap
    from chatrecap.render import write_recap
    from chatrecap.sources.base import ReadOptions
    from chatrecap.store import Store, open_store


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'chatrecap' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
