"""chatrecap: recaps of moderated hashtag chats.

The library is usable without the command line::

    from chatrecap import ReadOptions, import_file, open_store
"""

from chatrecap.errors import ChatrecapError, InputError, OptionError, RecordError, StoreError
from chatrecap.importer import FileReport, import_file, import_files
from chatrecap.models import Author, Post
from chatrecap.sources.base import ReadOptions
from chatrecap.store import Store, open_store

__version__ = "0.1.0"

__all__ = [
    "Author", "ChatrecapError", "FileReport", "InputError", "OptionError", "Post", "ReadOptions",
    "RecordError", "Store", "StoreError", "import_file", "import_files", "open_store",
]
