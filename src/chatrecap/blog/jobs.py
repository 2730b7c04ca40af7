"""A durable job queue in the workspace's ``jobs`` table: work that must survive a restart.

Mail is the first kind of job: a comment queues its notifications here, and a worker
(``chatrecap.blog.mail``) sends them when it can. A job is claimed by locking it for a
while (so two server processes never work on the same one, and a worker that dies frees
it when the lock runs out), then marked done, or failed and retried later with a growing
delay, and given up after ``MAX_ATTEMPTS``. A ``dedupe_key`` names what a job does ("mail
the author about comment 12"): enqueueing the same key again adds nothing, so the same
message is never queued, nor sent, twice.

Mail needs more than that (``chatrecap.blog.mail``): a job whose hand-off to the mail
server may have happened must never run again, even after a crash. Its worker claims
jobs in batches (``claim_batch``), and right before the irreversible step marks the one
at hand ``sending`` (``begin_handover``), a compare-and-set on the claim: it fails when
the claim was lost (the lock ran out, or a restarted worker released it, and another
worker claimed the job again, which counted one more attempt). A job left ``sending`` is
never claimed again: after a crash it is "in doubt", and the admin sees it as such.
Finished hand-offs are marked done together with the next one's mark (``handed_over``),
so a message costs one commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from chatrecap.store import Store, iso

QUEUED, DONE, FAILED = "queued", "done", "failed"
SENDING = "sending"  # handed over, or about to be: never run again (in doubt after a crash)
HANDOVER = timedelta(minutes=2)  # longer than one hand-off takes: a "sending" mark older is in doubt
MAX_ATTEMPTS = 8
LOCK = timedelta(minutes=5)  # longer than any one job takes (an SMTP conversation)
FIRST_RETRY = timedelta(minutes=1)  # then 2, 4, 8 ... minutes, at most RETRY_CAP
RETRY_CAP = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int  # including the one that claimed it


def _now() -> datetime:
    return datetime.now(UTC)


def enqueue(store: Store, kind: str, payload: dict[str, Any], dedupe_key: str | None = None,
            *, delay: timedelta = timedelta(0), commit: bool = True) -> int | None:
    """Queue a job; its id, or None when a job with the same ``dedupe_key`` exists already."""
    now = _now()
    rows = store.query(
        "INSERT INTO jobs (kind, payload, dedupe_key, status, attempts, run_after, created_at) "
        "VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
        (kind, orjson.dumps(payload).decode(), dedupe_key, QUEUED, iso(now + delay), iso(now)))
    if commit:
        store.commit()
    return int(rows[0][0]) if rows else None


def claim(store: Store, kind: str, lock: timedelta = LOCK) -> Job | None:
    """The next due job of ``kind``, locked for ``lock`` and counted as one more attempt;
    None when nothing is due (``claim_batch`` of one)."""
    batch = claim_batch(store, kind, 1, lock)
    return batch[0] if batch else None


def done(store: Store, job: Job) -> None:
    store.execute("UPDATE jobs SET status = ?, locked_until = NULL, last_error = NULL, finished_at = ? "
                  "WHERE id = ?", (DONE, iso(_now()), job.id))
    store.commit()


def failed(store: Store, job: Job, error: str, max_attempts: int = MAX_ATTEMPTS) -> bool:
    """Record a failed attempt: retried after a delay that doubles each time, or given up
    after ``max_attempts``. True when it will be retried. Only this claim's attempt
    counts: a job claimed again since (its lock ran out) is left to its new claimer."""
    now = _now()
    mine = "id = ? AND attempts = ? AND status IN (?, ?)"
    this_claim = (job.id, job.attempts, QUEUED, SENDING)
    if job.attempts >= max_attempts:
        store.execute(f"UPDATE jobs SET status = ?, locked_until = NULL, last_error = ?, finished_at = ? "
                      f"WHERE {mine}", (FAILED, error[:2000], iso(now), *this_claim))
        store.commit()
        return False
    delay = min(FIRST_RETRY * 2 ** (job.attempts - 1), RETRY_CAP)
    store.execute(f"UPDATE jobs SET status = ?, locked_until = NULL, last_error = ?, run_after = ? "
                  f"WHERE {mine}", (QUEUED, error[:2000], iso(now + delay), *this_claim))
    store.commit()
    return True


def counts(store: Store, kind: str | None = None) -> dict[str, int]:
    """How many jobs are queued, done and failed (for the admin area and tests), and,
    when there are any, how many are ``sending`` (being handed over, or in doubt)."""
    where, params = ("WHERE kind = ?", (kind,)) if kind else ("", ())
    found = dict(store.query(f"SELECT status, COUNT(*) FROM jobs {where} GROUP BY status", params))
    shown = {status: int(found.get(status, 0)) for status in (QUEUED, DONE, FAILED)}
    if found.get(SENDING):
        shown[SENDING] = int(found[SENDING])
    return shown


# --- at most once: for work that cannot be undone once handed over ----------------------

def claim_batch(store: Store, kind: str, size: int, lock: timedelta = LOCK) -> list[Job]:
    """Up to ``size`` due jobs of ``kind``, oldest first, claimed in one statement (each
    counted as one more attempt). Safe with several workers, like ``claim``."""
    now = iso(_now())
    free = "status = ? AND run_after <= ? AND (locked_until IS NULL OR locked_until < ?)"
    rows = store.query(
        f"UPDATE jobs SET locked_until = ?, attempts = attempts + 1 WHERE id IN "
        f"(SELECT id FROM jobs WHERE kind = ? AND {free} ORDER BY run_after, id LIMIT {int(size)}) "
        f"AND {free} RETURNING id, kind, payload, attempts",
        (iso(_now() + lock), kind, QUEUED, now, now, QUEUED, now, now))
    store.commit()
    return sorted((Job(int(i), k, orjson.loads(p), int(a)) for i, k, p, a in rows), key=lambda j: j.id)


def release_claims(store: Store, kind: str) -> int:
    """Free every claimed, not yet handed-over job of ``kind`` (a worker starting after a
    crash takes up what the dead one had claimed at once, not when its lock runs out).
    Safe while another worker runs: it loses those claims (``begin_handover`` says so)."""
    cur = store.execute("UPDATE jobs SET locked_until = NULL WHERE kind = ? AND status = ? "
                        "AND locked_until IS NOT NULL", (kind, QUEUED))
    store.commit()
    return max(cur.rowcount, 0)


def begin_handover(store: Store, job: Job, finished: list[Job] | None = None) -> bool:
    """Mark ``job`` as being handed over, if its claim still holds; committed before the
    irreversible step. ``finished`` (jobs handed over since the last commit) are marked
    done in the same transaction. False: the claim was lost, do not hand the job over."""
    if finished:
        _mark_done(store, finished)
    cur = store.execute("UPDATE jobs SET status = ?, locked_until = ? WHERE id = ? AND status = ? "
                        "AND attempts = ?", (SENDING, iso(_now() + HANDOVER), job.id, QUEUED, job.attempts))
    store.commit()
    if finished:
        finished.clear()
    return cur.rowcount == 1


def handed_over(store: Store, finished: list[Job]) -> None:
    """Mark jobs done whose hand-off was confirmed (``begin_handover`` does it for the
    ones before each next job)."""
    if finished:
        _mark_done(store, finished)
        store.commit()
        finished.clear()


def _mark_done(store: Store, finished: list[Job]) -> None:
    ids = [j.id for j in finished]
    store.execute(f"UPDATE jobs SET status = ?, finished_at = ? WHERE status = ? "
                  f"AND id IN ({', '.join('?' * len(ids))})", (DONE, iso(_now()), SENDING, *ids))


def in_doubt(store: Store, job: Job, error: str) -> None:
    """The hand-off of a ``sending`` job may or may not have happened (the connection
    broke after its last step): it stays ``sending``, never retried, with the reason."""
    store.execute("UPDATE jobs SET last_error = ?, finished_at = ?, locked_until = NULL WHERE id = ? "
                  "AND status = ?", (error[:2000], iso(_now()), job.id, SENDING))
    store.commit()


def settle_in_doubt(store: Store, kind: str, resend: bool) -> int:
    """The admin's decision on the jobs in doubt (``sending``, no hand-off going on: the
    mark's ``locked_until`` has passed, or the worker saw the connection break): ``resend``
    queues them again, accepting that someone may get a message twice (the admin knows the
    mail server lost them); otherwise they count as done. How many were settled."""
    now = iso(_now())
    doubtful = "kind = ? AND status = ? AND (locked_until IS NULL OR locked_until < ?)"
    if resend:
        cur = store.execute(f"UPDATE jobs SET status = ?, locked_until = NULL, run_after = ?, "
                            f"finished_at = NULL WHERE {doubtful}", (QUEUED, now, kind, SENDING, now))
    else:
        cur = store.execute(f"UPDATE jobs SET status = ?, locked_until = NULL, finished_at = ? "
                            f"WHERE {doubtful}", (DONE, now, kind, SENDING, now))
    store.commit()
    return max(cur.rowcount, 0)
