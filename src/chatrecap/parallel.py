"""Work done by a forked process beside this one, where a second core is free.

A forked child starts with this process's memory as it is (the corpus, the analysis so
far) without copying or pickling it, so handing it a part of the work costs a few
milliseconds; only its result comes back, pickled. Used where two parts of a job are
independent: the leaders step of a long series, the leaders section of a recap.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

_frozen_depth = 0
_shared: Any = None  # what forked children are to run, set before they start


@contextmanager
def frozen() -> Iterator[None]:
    """The objects that exist now (the corpus: tens of millions at a million posts) kept out of
    the garbage collector meanwhile: its full collections would otherwise walk them all again
    and again, and a forked worker's would write to every one, copying the whole corpus."""
    global _frozen_depth
    if _frozen_depth == 0:
        gc.freeze()
    _frozen_depth += 1
    try:
        yield
    finally:
        _frozen_depth -= 1
        if _frozen_depth == 0:
            gc.unfreeze()


def can_fork() -> bool:
    """Linux with two cores or more, in a process with no other thread: forking is cheap
    and safe there (not on macOS, nor in the web server, whose threads may hold locks the
    child would inherit locked). Not in a forked worker: the two cores are busy already
    (and a pool's worker may not have children)."""
    import os
    import sys
    import threading
    from multiprocessing import parent_process

    return (sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1
            and threading.active_count() == 1 and parent_process() is None)


def _trim_heap() -> None:
    """Hand the free pages of the C heap back to the system before forking (glibc keeps
    them for reuse): a child would otherwise inherit them, and at a million posts the
    garbage of reading the corpus is a tenth of the process."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _shared_call() -> Any:
    assert _shared is not None
    run, args = _shared
    return run(*args)


def in_background(run: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    """Start ``run(*args)`` in a forked process now; the function returned waits for its
    result (and raises what the child raised)."""
    import multiprocessing

    global _shared
    _shared = (run, args)
    try:
        _trim_heap()
        with frozen():
            pool = multiprocessing.get_context("fork").Pool(1)
        result = pool.apply_async(_shared_call)
    finally:
        _shared = None

    def wait() -> Any:
        try:
            return result.get()
        finally:
            pool.terminate()
            pool.join()
    return wait


def _shared_item(k: int) -> Any:
    assert _shared is not None
    run, items = _shared
    return run(items[k])


def forked_imap(run: Callable[[Any], Any], items: Sequence[Any], processes: int = 2) -> Iterator[Any]:
    """``run(item)`` for each item, in order, from ``processes`` forked workers: they share
    this process's memory (``run``, ``items`` and what they reach are not pickled, only the
    results). Iterate it where ``can_fork()``."""
    import multiprocessing

    global _shared
    _shared = (run, items)
    _trim_heap()
    try:
        with frozen(), multiprocessing.get_context("fork").Pool(processes) as pool:
            yield from pool.imap(_shared_item, range(len(items)))
    finally:
        _shared = None


def soon(run: Callable[..., Any], *args: Any, background: bool) -> Callable[[], Any]:
    """``run(*args)`` in a forked process when ``background`` and forking is safe here,
    else now; either way the function returned gives the result."""
    if background and can_fork():
        return in_background(run, *args)
    result = run(*args)
    return lambda: result
