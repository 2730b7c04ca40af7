"""Rendered public pages kept in this process's memory, each under the key of what it shows.

A page is stored with a key made of what it depends on (a post's id, ``updated_at`` and
``comments_version``; a list page's posts and their times), and served again only while
the workspace still gives the same key, so there is nothing to invalidate: a publish, an
edit or an approved comment changes the key, and the next request renders afresh. Every
server process (and every ``--workers`` process) keeps its own cache, checked against the
same workspace, so they never disagree for longer than one request.

Bounded by bytes, least recently used first out: a site with many posts keeps its busiest.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

DEFAULT_MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CachedPage:
    key: Hashable
    value: Any
    size: int


class PageCache:
    """name -> (key, value): a hit needs the name and the exact key the workspace gives now."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._pages: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._lock = threading.Lock()  # list pages are rendered in the threadpool
        self._rendering: dict[tuple[Hashable, Hashable], asyncio.Future[Any]] = {}

    def get(self, name: Hashable, key: Hashable) -> Any | None:
        with self._lock:
            page = self._pages.get(name)
            if page is None or page.key != key:
                self.misses += 1
                return None
            self._pages.move_to_end(name)
            self.hits += 1
            return page.value

    def put(self, name: Hashable, key: Hashable, value: Any, size: int) -> None:
        with self._lock:
            old = self._pages.pop(name, None)
            if old is not None:
                self.size -= old.size
            if size > self.max_bytes:
                return
            self._pages[name] = CachedPage(key, value, size)
            self.size += size
            while self.size > self.max_bytes:
                _, evicted = self._pages.popitem(last=False)
                self.size -= evicted.size

    async def get_or_render(self, name: Hashable, key: Hashable,
                            render: Callable[[], Awaitable[tuple[Any, int]]]) -> Any:
        """The cached value, or ``render()``'s (value, size), stored under ``key``.

        Requests that miss the same page at the same time wait for one rendering instead
        of each starting their own (the first request after a new comment, under load).
        Call it from the event loop only.
        """
        value = self.get(name, key)
        if value is not None:
            return value
        flight = self._rendering.get((name, key))
        if flight is None:
            flight = asyncio.ensure_future(self._render_and_store(name, key, render))
            self._rendering[(name, key)] = flight
            flight.add_done_callback(lambda _: self._rendering.pop((name, key), None))
        # shield: a visitor who disconnects must not cancel the rendering others wait for.
        return await asyncio.shield(flight)

    async def _render_and_store(self, name: Hashable, key: Hashable,
                                render: Callable[[], Awaitable[tuple[Any, int]]]) -> Any:
        value, size = await render()
        if value is not None:
            self.put(name, key, value, size)
        return value
