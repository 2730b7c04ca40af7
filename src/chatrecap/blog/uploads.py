"""Archives uploaded in the admin area: saved beside the workspace, imported in the background.

The web request only saves the file and records a row in ``uploads``; the import runs in a
thread with its own store connection, so the page answers at once and a long archive does
not hold a request open. The row carries the progress (bytes read of the file) while it
runs, then what the import did and every per-line problem (the first ``PROBLEMS_KEPT``
of them, with the total), which is what the upload's page shows.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from chatrecap.errors import ChatrecapError, OptionError, RecordError
from chatrecap.sources.base import ReadOptions
from chatrecap.store import Store, iso, open_store

MAX_UPLOAD_BYTES = 512 << 20
PROBLEMS_KEPT = 200
PROGRESS_EVERY_SECONDS = 0.5  # how often a running import writes its progress
QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
_COLUMNS = ("id, filename, chat, status, done_bytes, total_bytes, posts_new, report, created_at, "
            "finished_at")
_COPY_BLOCK = 1 << 20


class UploadTooLarge(OptionError):
    """The file is over the admin area's limit (the web answers 413)."""


@dataclass(slots=True)
class Upload:
    id: str
    filename: str
    chat: str | None
    status: str
    done_bytes: int
    total_bytes: int
    posts_new: int | None
    report: dict[str, Any]
    created_at: str
    finished_at: str | None

    @property
    def running(self) -> bool:
        return self.status in (QUEUED, RUNNING)

    @property
    def percent(self) -> int:
        return min(100, self.done_bytes * 100 // self.total_bytes) if self.total_bytes else 0


def _upload(row: tuple) -> Upload:
    values = list(row)
    values[7] = orjson.loads(values[7]) if values[7] else {}
    return Upload(*values)


def _now() -> str:
    return iso(datetime.now(UTC)) or ""


def upload_root(db: str) -> Path:
    """``uploads/`` beside a SQLite workspace; in the working folder for a PostgreSQL one."""
    if db.startswith(("postgresql://", "postgres://")):
        return Path.cwd() / "uploads"
    return Path(db).resolve().parent / "uploads"


def safe_filename(name: str | None) -> str:
    """The uploaded file's own name, refused when it could point anywhere else."""
    name = (name or "").strip()
    if not name:
        raise OptionError("Choose an archive file to upload.")
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith("."):
        raise OptionError(f"The file name {name!r} is not a plain file name; rename the file and "
                          "upload it again.")
    if any(ord(ch) < 32 for ch in name) or len(name) > 200:
        raise OptionError("The file name has control characters or is longer than 200 characters; "
                          "rename the file and upload it again.")
    return name


def size_text(n: int) -> str:
    """512 MB, 64 KB, 900 bytes: sizes as the upload form states its limit."""
    if n >= 1 << 20:
        return f"{n / (1 << 20):,.0f} MB"
    return f"{n / 1024:,.0f} KB" if n >= 1024 else f"{n:,} bytes"


def too_large_message(limit: int = MAX_UPLOAD_BYTES) -> str:
    return (f"The file is larger than {size_text(limit)}, the most the admin area accepts; "
            "import it with `chatrecap import` on the server instead.")


def save_upload(store: Store, root: Path, filename: str, data: BinaryIO, chat: str | None,
                limit: int = MAX_UPLOAD_BYTES) -> tuple[Upload, Path]:
    """Copy the uploaded file to ``root/<id>/<filename>`` and record it as queued."""
    filename = safe_filename(filename)
    upload_id = secrets.token_hex(8)
    folder = root / upload_id
    root.mkdir(mode=0o700, parents=True, exist_ok=True)  # (uploaded archives: their owner's only)
    folder.mkdir(mode=0o700, exist_ok=False)
    path = folder / filename
    size = 0
    try:
        with open(path, "wb") as out:
            while block := data.read(_COPY_BLOCK):
                size += len(block)
                if size > limit:
                    raise UploadTooLarge(too_large_message(limit))
                out.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        folder.rmdir()
        raise
    if size == 0:
        path.unlink()
        folder.rmdir()
        raise OptionError(f"{filename} is empty; choose the archive file itself.")
    store.execute(f"INSERT INTO uploads ({_COLUMNS}) VALUES (?, ?, ?, ?, 0, ?, NULL, NULL, ?, NULL)",
                  (upload_id, filename, chat or None, QUEUED, size, _now()))
    store.commit()
    upload = get_upload(store, upload_id)
    assert upload is not None
    return upload, path


def get_upload(store: Store, upload_id: str) -> Upload | None:
    rows = store.query(f"SELECT {_COLUMNS} FROM uploads WHERE id = ?", (upload_id,))
    return _upload(rows[0]) if rows else None


def recent_uploads(store: Store, limit: int = 10) -> list[Upload]:
    return [_upload(r) for r in store.query(
        f"SELECT {_COLUMNS} FROM uploads ORDER BY created_at DESC, id LIMIT ?", (limit,))]


def start_import(db: str, upload: Upload, path: Path, fmt: str | None,
                 options: ReadOptions) -> threading.Thread:
    """Run the upload's import in a background thread (its own connection to the workspace)."""
    thread = threading.Thread(target=run_import, args=(db, upload.id, path, fmt, options),
                              name=f"upload-{upload.id}", daemon=True)
    thread.start()
    return thread


def run_import(db: str, upload_id: str, path: Path, fmt: str | None, options: ReadOptions) -> None:
    """Import the saved file, writing progress, then the result, into the upload's row.

    One worker (this thread): forking import processes out of a threaded web server
    is not safe, and the page does not wait for the import anyway."""
    from chatrecap.importer import import_file

    try:
        store = open_store(db, migrate=False)
    except ChatrecapError:
        return  # the workspace is gone: nowhere to report to
    with store:
        problems: list[dict[str, Any]] = []
        total = [0, 0]  # problems seen, records read
        last = [0.0]
        folder = str(path.parent) + "/"

        def on_problem(problem: RecordError) -> None:
            total[0] += 1
            if len(problems) < PROBLEMS_KEPT:
                problems.append({"file": problem.file.removeprefix(folder), "line": problem.line,
                                 "reason": problem.reason, "skipped": problem.skipped})

        def on_progress(records: int, end: int | None) -> None:
            total[1] += records
            if time.monotonic() - last[0] < PROGRESS_EVERY_SECONDS:
                return
            last[0] = time.monotonic()
            _progress(store, upload_id, end, {"records": total[1], "problems_total": total[0]})

        _progress(store, upload_id, 0, {"records": 0, "problems_total": 0}, RUNNING)
        try:
            result = import_file(store, path, fmt, options, on_problem=on_problem,
                                 on_progress=on_progress, workers=1)
        except Exception as exc:  # anything: the page must say the import stopped, not spin forever
            store.conn.rollback()
            _finish(store, upload_id, FAILED, None, {
                "error": f"The import stopped: {' '.join(str(exc).split()) or type(exc).__name__}.",
                "problems": problems, "problems_total": total[0], "records": total[1]})
            return
        error = result.error
        if error is None and result.failed:
            error = "No posts could be read from the file; the problems below say why."
        _finish(store, upload_id, FAILED if result.failed else DONE, result.new, {
            "format": result.format, "records": result.records, "new": result.new,
            "duplicates": result.duplicates, "referenced": result.referenced,
            "skipped": dict(sorted(result.skipped.items())), "warnings": result.warnings,
            "error": error.removeprefix(folder) if error else None,
            "problems": problems, "problems_total": total[0]})


def _progress(store: Store, upload_id: str, done: int | None, report: dict[str, Any],
              status: str = RUNNING) -> None:
    store.execute("UPDATE uploads SET status = ?, done_bytes = COALESCE(?, done_bytes), report = ? "
                  "WHERE id = ?", (status, done, orjson.dumps(report).decode(), upload_id))
    store.commit()


def _finish(store: Store, upload_id: str, status: str, posts_new: int | None,
            report: dict[str, Any]) -> None:
    store.execute("UPDATE uploads SET status = ?, done_bytes = total_bytes, posts_new = ?, report = ?, "
                  "finished_at = ? WHERE id = ?",
                  (status, posts_new, orjson.dumps(report).decode(), _now(), upload_id))
    store.commit()


def problem_lines(upload: Upload) -> list[str]:
    """The import's problems as "file:line: reason", as the CLI prints them."""
    return [f"{p['file']}:{p['line']}: {p['reason']}" if p.get("line") is not None
            else f"{p['file']}: {p['reason']}" for p in upload.report.get("problems", [])]
