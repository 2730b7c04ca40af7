"""A background thread that runs the due jobs of some kinds from the durable queue.

The web app starts one (``app.state.link_worker``) for the work that talks to other
sites: verifying the webmentions and pingbacks we receive (``chatrecap.blog.mentions``)
and sending ours. Each kind has a handler ``handler(store, settings, job)``: returning
marks the job done; raising records the failure on the job, which ``chatrecap.blog.jobs``
retries later with a growing delay and gives up after its attempts. A handler that knows
a failure is final records it where it belongs and returns. Unlike mail, nothing here
needs a setting to run: the worker always starts, and a route that queues work wakes it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping

from chatrecap.blog import jobs
from chatrecap.store import Store, open_store
from chatrecap.web.settings import Settings

Handler = Callable[[Store, Settings, jobs.Job], None]
POLL_SECONDS = 5.0
BATCH = 100
log = logging.getLogger("chatrecap.worker")


def run_due(store: Store, settings: Settings, handlers: Mapping[str, Handler],
            limit: int = BATCH) -> int:
    """Run the due jobs of the handlers' kinds, one of each kind in turn, at most ``limit``;
    how many ran (done or failed)."""
    ran = 0
    while ran < limit:
        progressed = False
        for kind, handler in handlers.items():
            if ran >= limit:
                break
            job = jobs.claim(store, kind)
            if job is None:
                continue
            progressed, ran = True, ran + 1
            try:
                handler(store, settings, job)
            except Exception as exc:  # noqa: BLE001 - any failure is the job's, retried later
                store.conn.rollback()
                retry = jobs.failed(store, job, f"{type(exc).__name__}: {exc}")
                log.info("%s job %s failed (%s)%s", kind, job.id, exc,
                         "; will retry" if retry else "; gave up")
                continue
            jobs.done(store, job)
        if not progressed:
            break
    return ran


class Worker:
    """A thread that works through due jobs every few seconds, or at once when woken.
    A kind of work says how one round goes (``work``: True when more is due at once),
    and what to do on starting and when idle."""

    name = "chatrecap-jobs"

    def __init__(self, settings: Settings, poll_seconds: float = POLL_SECONDS) -> None:
        self.settings = settings
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def enabled(self) -> bool:
        return True

    def starting(self, store: Store) -> None:
        """Before the first round, in the worker's thread."""

    def work(self, store: Store) -> bool:
        raise NotImplementedError

    def idle(self) -> None:
        """After a round, before waiting: let go of what should not be held meanwhile."""

    def start(self) -> None:
        if self._thread is not None or not self.enabled():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        store = open_store(self.settings.db, migrate=False)
        try:
            self.starting(store)
            while not self._stop.is_set():
                self._wake.clear()  # a wake from now on means another round
                try:
                    while self.work(store) and not self._stop.is_set():
                        pass  # more are due: go on without waiting
                except Exception:  # noqa: BLE001 - the store was busy or gone: try again later
                    log.exception("%s: running jobs failed", self.name)
                    store.conn.rollback()
                self.idle()
                self._wake.wait(self.poll_seconds)
        finally:
            self.idle()
            store.close()


class JobWorker(Worker):
    """Runs due jobs of the handlers' kinds (``run_due``)."""

    def __init__(self, settings: Settings, handlers: Mapping[str, Handler], name: str = "chatrecap-jobs",
                 poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__(settings, poll_seconds)
        self.handlers = dict(handlers)
        self.name = name

    def enabled(self) -> bool:
        return bool(self.handlers)

    def work(self, store: Store) -> bool:
        return run_due(store, self.settings, self.handlers, BATCH) >= BATCH
