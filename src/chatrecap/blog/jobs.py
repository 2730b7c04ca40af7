"""A durable job queue in the workspace's ``jobs`` table: work that must survive a restart.

Mail is the first kind of job: a comment queues its notifications here, and a worker
(``chatrecap.blog.mail``) sends them when it can. A job is claimed by locking it for a
while (so two server processes never work on the same one, and a worker that dies frees
it when the lock runs out), then marked done, or failed and retried later with a growing
delay, and given up after ``MAX_ATTEMPTS``. A ``dedupe_key`` names what a job does ("mail
the author about comment 12"): enqueueing the same key again adds nothing, so the same
message is never queued, nor sent, twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from chatrecap.store import Store, iso

QUEUED, DONE, FAILED = "queued", "done", "failed"
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


def claim(store: Store, kind: str | None = None, lock: timedelta = LOCK) -> Job | None:
    """The next due job, locked for ``lock`` and counted as one more attempt; None when
    nothing is due. Safe with several workers: the UPDATE re-checks the lock, so only one
    of two racing claimers gets the row."""
    now = iso(_now())
    free = "status = ? AND run_after <= ? AND (locked_until IS NULL OR locked_until < ?)"
    params: tuple[Any, ...] = (QUEUED, now, now)
    of_kind = ""
    if kind is not None:
        of_kind, params = " AND kind = ?", (*params, kind)
    rows = store.query(
        f"UPDATE jobs SET locked_until = ?, attempts = attempts + 1 WHERE id = "
        f"(SELECT id FROM jobs WHERE {free}{of_kind} ORDER BY run_after, id LIMIT 1) AND {free} "
        "RETURNING id, kind, payload, attempts",
        (iso(_now() + lock), *params, QUEUED, now, now))
    store.commit()
    if not rows:
        return None
    job_id, job_kind, payload, attempts = rows[0]
    return Job(int(job_id), job_kind, orjson.loads(payload), int(attempts))


def done(store: Store, job: Job) -> None:
    store.execute("UPDATE jobs SET status = ?, locked_until = NULL, last_error = NULL, finished_at = ? "
                  "WHERE id = ?", (DONE, iso(_now()), job.id))
    store.commit()


def failed(store: Store, job: Job, error: str, max_attempts: int = MAX_ATTEMPTS) -> bool:
    """Record a failed attempt: retried after a delay that doubles each time, or given up
    after ``max_attempts``. True when it will be retried."""
    now = _now()
    if job.attempts >= max_attempts:
        store.execute("UPDATE jobs SET status = ?, locked_until = NULL, last_error = ?, finished_at = ? "
                      "WHERE id = ?", (FAILED, error[:2000], iso(now), job.id))
        store.commit()
        return False
    delay = min(FIRST_RETRY * 2 ** (job.attempts - 1), RETRY_CAP)
    store.execute("UPDATE jobs SET locked_until = NULL, last_error = ?, run_after = ? WHERE id = ?",
                  (error[:2000], iso(now + delay), job.id))
    store.commit()
    return True


def counts(store: Store, kind: str | None = None) -> dict[str, int]:
    """How many jobs are queued, done and failed (for the admin area and tests)."""
    where, params = ("WHERE kind = ?", (kind,)) if kind else ("", ())
    found = dict(store.query(f"SELECT status, COUNT(*) FROM jobs {where} GROUP BY status", params))
    return {status: int(found.get(status, 0)) for status in (QUEUED, DONE, FAILED)}
