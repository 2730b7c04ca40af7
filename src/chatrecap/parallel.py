"""Work done by a forked process beside this one, where a second core is free.

A forked child starts with this process's memory as it is (the corpus, the analysis so
far) without copying or pickling it, so handing it a part of the work costs a few
milliseconds; only its result comes back, pickled. Used where two parts of a job are
independent: the leaders step of a long series, the leaders section of a recap.

A fork shares pages only until either process writes to them, and in Python reading an
object writes to it (its reference count): a child working for long beside a parent that
reads the corpus ends up with a copy of it. Long work that needs little of the corpus goes
to a ``FreshProcess`` instead, a new interpreter sent just what it needs.
"""

from __future__ import annotations

import gc
import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

_frozen_depth = 0
_shared: Any = None  # what forked children are to run, set before they start

#: Analysis and bulk parsing make millions of small lists, tuples and dicts and no cycles
#: worth collecting often: at the default threshold (700) the collector runs every few
#: posts, each full collection walking every object made since (the caches, the results).
GC_THRESHOLD = (100_000, 50, 100)


@contextmanager
def few_collections() -> Iterator[None]:
    """The garbage collector run at ``GC_THRESHOLD`` meanwhile (a decorator too)."""
    threshold = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


@contextmanager
def frozen() -> Iterator[None]:
    """The objects that exist now (the corpus: tens of millions at a million posts) kept out of
    the garbage collector meanwhile: its full collections would otherwise walk them all again
    and again, and a forked worker's would write to every one, copying the whole corpus. The
    work done meanwhile is collected seldom too (``few_collections``: measured at a million
    posts, the sessions' analysis and the self-promotion a seventh faster), and forked
    workers start so."""
    global _frozen_depth
    if _frozen_depth == 0:
        gc.freeze()
    _frozen_depth += 1
    try:
        with few_collections():
            yield
    finally:
        _frozen_depth -= 1
        if _frozen_depth == 0:
            gc.unfreeze()


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No garbage collection while a big pickle arrives: its hundreds of thousands of new
    objects would set off collection after collection, each walking them all again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def can_fork() -> bool:
    """Linux with two cores or more, in a process with no other thread: forking is cheap
    and safe there (not on macOS, nor in the web server, whose threads may hold locks the
    child would inherit locked). Not in a forked worker: the two cores are busy already
    (and a pool's worker may not have children)."""
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


class ProcessLost(RuntimeError):
    """A worker process ended without giving its result (it could not start, or was killed)."""


def _outcome(run: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    """What a worker sends back: ``run(*args)`` pickled as (True, its result), or (False, the
    exception it raised), which the caller raises (``_result``); one that does not pickle is
    sent as a RuntimeError naming it."""
    try:
        out: tuple[bool, Any] = (True, run(*args))
    except Exception as error:  # noqa: BLE001 (given back to the caller, who raises it)
        out = (False, error)
    try:
        return pickle.dumps(out, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # noqa: BLE001
        return pickle.dumps((False, RuntimeError(f"{type(error).__name__}: {error}")))


def _result(out: tuple[bool, Any]) -> Any:
    ok, value = out
    if not ok:
        raise value
    return value


def _send_result(send: Any) -> None:
    """A background child's work: its ``_outcome`` sent back, after which the child ends,
    freeing the memory it copied."""
    assert _shared is not None
    send.send_bytes(_outcome(*_shared))


def in_background(run: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    """Start ``run(*args)`` in a forked process now; the function returned waits for its
    result (and raises what the child raised). The result is taken as soon as it is sent
    (by a thread here), so the child ends then rather than when it is asked for."""
    import multiprocessing
    import threading

    global _shared
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    _shared = (run, args)
    try:
        _trim_heap()
        with frozen():
            child = context.Process(target=_send_result, args=(send,), daemon=True)
            child.start()
    finally:
        _shared = None
        send.close()
    got: list[tuple[bool, Any]] = []

    def take() -> None:
        try:
            got.append(pickle.loads(receive.recv_bytes()))
        except EOFError:  # the child died without a word
            pass
        finally:
            receive.close()

    taker = threading.Thread(target=take, daemon=True)
    taker.start()

    def wait() -> Any:
        taker.join()
        child.join()
        if not got:
            raise ProcessLost(f"the background process ended with status {child.exitcode} without a result")
        return _result(got[0])
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


class FreshProcess:
    """A new Python interpreter beside this one, started (not forked): it shares no memory
    with this process. It is given one call (``send``, pickled) and works meanwhile; its
    result is taken with ``result``. ``modules`` are imported as soon as it starts, while this
    process gets the call ready. Data this process works out meanwhile can follow the call
    (``post``), for the call to take when it needs it (``posted``); the call can send data
    back before its result (``tell``), for this process to take (``told``)."""

    def __init__(self, *modules: str) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}  # (as this one imports)
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from chatrecap.parallel import _serve; _serve()", *modules],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        for pipe in (self._process.stdin, self._process.stdout):
            _widen(pipe)
        self._writer: Any = None  # (the thread writing the call and what follows it, once sent)
        self._outbox: Any = None  # (what it is to write, in order; None: the end)
        self._outcome: tuple[bool, Any] | None = None  # (the call's, once read by ``told``)

    def send(self, run: Callable[..., Any], *args: Any) -> None:
        """Have the interpreter run ``run(*args)`` (both pickled: a module's function, plain
        data). Pickled here, written by a thread as the interpreter reads it: this process
        goes on meanwhile."""
        import queue
        import threading

        stdin = self._process.stdin
        assert stdin is not None
        try:
            data = pickle.dumps((run, args), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            stdin.close()  # (the interpreter sees nothing come and ends)
            raise
        outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        outbox.put(data)
        del data

        def write() -> None:
            try:
                with stdin:
                    while (data := outbox.get()) is not None:
                        stdin.write(data)
                        stdin.flush()  # (the interpreter may wait for it: more may come later)
                        del data
            except OSError:  # the interpreter ended early: ``result`` says how
                pass

        self._outbox = outbox
        self._writer = threading.Thread(target=write, daemon=True)
        self._writer.start()

    def post(self, value: Any) -> None:
        """Send ``value`` after the call (pickled here, written meanwhile): the call takes the
        values posted, in order, with ``posted``."""
        assert self._outbox is not None, "post follows send"
        self._outbox.put(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def _close(self) -> None:
        """Nothing more to send: the interpreter's input ends once all is written."""
        if self._outbox is not None:
            self._outbox.put(None)
            self._outbox = None

    def told(self) -> Any:
        """The next value the call sent back with ``tell``, ahead of its result (waiting for it).
        Raises what the call raised, or ProcessLost, if it ended without telling."""
        out = self._outcome if self._outcome is not None else self._read()
        if out[0] is None:
            return out[1]
        self._outcome = out  # (for ``result``)
        _result(out)
        raise ProcessLost("the worker process ended without telling what was asked")

    def result(self) -> Any:
        """What the call returned (raises what it raised); what it told and was not asked for
        is passed over."""
        assert self._process.stdout is not None
        self._close()
        if self._writer is not None:
            self._writer.join()
        try:
            out = self._outcome
            while out is None or out[0] is None:
                out = self._read()
        finally:
            self._process.stdout.close()
        self._process.wait()
        return _result(out)

    def _read(self) -> tuple[bool | None, Any]:
        """The next thing the interpreter wrote: a told value (None, value), or the outcome."""
        assert self._process.stdout is not None
        try:
            with _collection_paused():
                return pickle.load(self._process.stdout)
        except (EOFError, pickle.UnpicklingError):  # (nothing, or a result cut short)
            self._process.kill()
            self._process.wait()
            raise ProcessLost(f"the worker process ended with status {self._process.returncode} "
                              "without a result") from None

    def stop(self) -> None:
        """End the interpreter if it still runs (the work it was to do is no longer wanted)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        self._close()
        if self._writer is not None:
            self._writer.join()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                pipe.close()


#: Bytes a pipe to a fresh process holds (Linux's most for a user, unless raised): a call of
#: a hundred megabytes goes through a 64 KB pipe in thousands of writes, each waiting for the
#: main thread to let the writing thread run again (at a million posts the search started
#: 1.85 s after the send was done, 1.2 s with this; the unpickling takes 0.5 s).
PIPE_SIZE = 1 << 20


def _widen(pipe: Any) -> None:
    """The pipe made PIPE_SIZE bytes long where the system allows it (Linux), else left as it is."""
    if not sys.platform.startswith("linux"):
        return
    import fcntl

    try:
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except OSError:  # (a smaller limit set: the pipe stays as it is)
        pass


_given: Any = None  # a fresh process's input, where what is posted to its call follows the call
_answer: Any = None  # and its output, where what the call tells goes before its outcome


def posted() -> Any:
    """In a ``FreshProcess``'s call: the next value ``FreshProcess.post`` sent (waiting for it
    to come). EOFError if nothing more was sent."""
    if _given is None:
        raise RuntimeError("posted() is for a call a FreshProcess runs")
    with _collection_paused():
        return pickle.load(_given)


def tell(value: Any) -> None:
    """In a ``FreshProcess``'s call: send ``value`` back now, ahead of the result (taken by
    ``FreshProcess.told``). It waits while the pipe is full: keep it small, or it waits for
    the other process to ask."""
    if _answer is None:
        raise RuntimeError("tell() is for a call a FreshProcess runs")
    _answer.write(pickle.dumps((None, value), protocol=pickle.HIGHEST_PROTOCOL))
    _answer.flush()


def _serve() -> None:
    """A ``FreshProcess``'s interpreter: the modules named on its command line imported, one
    call read from standard input (what is posted to it follows), its result (or the exception
    it raised) written to standard output (after what it tells), where nothing else may write."""
    import importlib

    global _given, _answer
    for module in sys.argv[1:]:
        importlib.import_module(module)
    given, answer = sys.stdin.buffer, sys.stdout.buffer
    _given, _answer = given, answer
    sys.stdout = sys.stderr
    try:
        with _collection_paused():  # (millions of objects arrive)
            run, args = pickle.load(given)
    except (EOFError, pickle.UnpicklingError):  # nothing (whole) sent: the sender failed, and says so
        return
    with frozen():  # (what was sent stays as it is: no collection need walk it)
        data = _outcome(run, args)
    answer.write(data)
    answer.flush()
