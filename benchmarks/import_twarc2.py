"""Import speed and memory on a large twarc2 archive built from the real API pages.

    python benchmarks/import_twarc2.py [--tweets 100000] [--repeat 3] [--new-crowd] [--keep]

Builds a JSONL of API pages (the real pages of ../shared/data/twarc2, repeated with fresh
tweet ids so nothing is a duplicate), then measures in the same run: a bare
``orjson.loads`` pass over the file, and ``chatrecap import`` of it into a new SQLite
workspace in a child process (its peak resident memory is read from the OS). Prints a
table; targets: >= 20,000 posts/s, <= 3x the orjson pass, peak memory < 300 MB.

With ``--new-crowd`` each copy of the pages also gets new user ids, so no account comes back
from one copy to the next (an archive of hundreds of thousands of accounts, as a busy
conference hashtag over months): the memory must stay flat there too.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

import chatrecap
from chatrecap.importer import default_workers

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "twarc2"
PAGES = ("2sets.jsonl", "brexit.jsonl", "kpop.jsonl", "noflat.jsonl", "cotweet.jsonl",
         "mentions_tweet.jsonl", "two_tweets.jsonl")
ID_STEP = 1 << 23  # keeps ids valid snowflakes, a few ms apart per copy


def _shift(tweet: dict, offset: int) -> None:
    tweet["id"] = str(int(tweet["id"]) + offset)
    if "conversation_id" in tweet:
        tweet["conversation_id"] = str(int(tweet["conversation_id"]) + offset)
    for ref in tweet.get("referenced_tweets") or ():
        ref["id"] = str(int(ref["id"]) + offset)


def _new_user(user_id: str, copy: int) -> str:
    return str(int(user_id) + copy * 10**12)


def _new_crowd(page: dict, copy: int) -> None:
    """The page's accounts as other people: new ids for its users and everything naming them."""
    for tweet in (*page["data"], *page.get("includes", {}).get("tweets", ())):
        for field in ("author_id", "in_reply_to_user_id"):
            if tweet.get(field):
                tweet[field] = _new_user(tweet[field], copy)
    for user in page.get("includes", {}).get("users", ()):
        user["id"] = _new_user(user["id"], copy)


def build(path: Path, tweets: int, new_crowd: bool = False) -> int:
    """Write pages until at least ``tweets`` chat tweets; returns the count written."""
    pages, seen = [], set()
    for name in PAGES:  # some files repeat others' tweets: keep pages of new tweets only
        for line in (DATA / name).open("rb"):
            page = orjson.loads(line) if line.strip() else None
            if page and not seen & {t["id"] for t in page["data"]}:
                seen |= {t["id"] for t in page["data"]}
                pages.append(page)
    written = copy = 0
    with path.open("wb") as out:
        while written < tweets:
            copy += 1
            for page in pages:
                page = orjson.loads(orjson.dumps(page))
                offset = copy * ID_STEP
                for tweet in page["data"]:
                    _shift(tweet, offset)
                for tweet in page.get("includes", {}).get("tweets", ()):
                    _shift(tweet, offset)
                if new_crowd:
                    _new_crowd(page, copy)
                out.write(orjson.dumps(page) + b"\n")
                written += len(page["data"])
                if written >= tweets:
                    break
    return written


def orjson_pass(path: Path) -> float:
    started = time.perf_counter()
    with path.open("rb") as fh:
        for line in fh:
            orjson.loads(line)
    return time.perf_counter() - started


def _tree_pss_kb(root: int) -> int:
    """Memory of a process and all its descendants (import workers), in kB: the sum of
    their proportional set sizes, so pages the forked workers share count once. Only the
    import's own processes are read (their children lists, then each one's PSS), so that
    sampling every 50 ms costs the import's two cores next to nothing."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        proc = Path(f"/proc/{pid}")
        try:
            for task in (proc / "task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
            rollup = (proc / "smaps_rollup").read_text()
        except (OSError, ValueError):
            continue  # the process ended meanwhile
        total += int(next((line.split()[1] for line in rollup.splitlines()
                           if line.startswith("Pss:")), "0"))
    return total


def stored_counts(db: Path) -> tuple[int, int]:
    """Posts and accounts in the workspace."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT COUNT(*) FROM posts").fetchone()[0],
                conn.execute("SELECT COUNT(*) FROM authors").fetchone()[0])


def import_run(path: Path, db: Path) -> tuple[float, float, float]:
    """Seconds, peak RSS of the largest process, and peak memory of all its processes
    (summed PSS) in MB, of `chatrecap import` in a child process."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "chatrecap", "--db", str(db), "import",
                             str(path), "--format", "twarc2", "--chat", "bench"],
                            stdout=subprocess.DEVNULL)
    peak_tree = 0
    while proc.poll() is None:
        peak_tree = max(peak_tree, _tree_pss_kb(proc.pid))
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    if proc.returncode:
        raise SystemExit(f"the import failed with exit code {proc.returncode}")
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kb / 1024, peak_tree / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tweets", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated archive")
    parser.add_argument("--new-crowd", action="store_true",
                        help="new user ids in every copy of the pages: no account repeats")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each measurement; the median is reported (this "
                        "machine's speed varies from run to run)")
    args = parser.parse_args()
    cache = HERE / ".cache"
    cache.mkdir(exist_ok=True)
    archive = cache / f"twarc2-{args.tweets}{'-crowd' if args.new_crowd else ''}.jsonl"
    if not archive.exists():
        count = build(archive, args.tweets, args.new_crowd)
    else:
        count = sum(len(orjson.loads(line)["data"]) for line in archive.open("rb"))
    size_mb = archive.stat().st_size / 1e6
    # The command as installed: pip compiles an installed package's modules; an editable
    # install (or PYTHONDONTWRITEBYTECODE) would otherwise compile them on every run.
    compileall.compile_dir(Path(chatrecap.__file__).parent, quiet=1)
    bares, runs = [], []
    for _ in range(args.repeat):  # interleaved, so both see the same machine
        bares.append(orjson_pass(archive))
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "bench.db"
            runs.append(import_run(archive, db))
            stored, accounts = stored_counts(db)
            db_mb = sum(f.stat().st_size for f in Path(tmp).iterdir()) / 1e6
    bare = statistics.median(bares)
    elapsed = statistics.median(run[0] for run in runs)
    peak = max(run[1] for run in runs)
    peak_all = max(run[2] for run in runs)
    rate = count / elapsed
    rows = [
        ("chat tweets in the archive", f"{count:,}", ""),
        ("archive size", f"{size_mb:,.0f} MB", ""),
        ("bare orjson.loads pass", f"{bare:.2f} s",
         f"median of {args.repeat}: " + ", ".join(f"{b:.2f}" for b in bares)),
        ("chatrecap import (whole command)", f"{elapsed:.2f} s",
         f"median of {args.repeat}: " + ", ".join(f"{r[0]:.2f}" for r in runs)),
        ("import rate, chat posts", f"{rate:,.0f} posts/s", "target >= 20,000"),
        ("posts stored (with referenced)", f"{stored:,}", ""),
        ("import rate, all posts stored", f"{stored / elapsed:,.0f} posts/s", ""),
        ("accounts stored", f"{accounts:,}", ""),
        ("import / orjson pass", f"{elapsed / bare:.2f} x", "target <= 3"),
        ("peak memory, largest process", f"{peak:,.0f} MB", "target < 300"),
        ("peak memory, all processes", f"{peak_all:,.0f} MB", "summed PSS, every 50 ms"),
        ("workspace size", f"{db_mb:,.0f} MB", ""),
        ("cores", str(os.cpu_count()), ""),
        ("import workers", str(default_workers()), ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>16}  note")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>16}  {note}")
    if not args.keep:
        archive.unlink()


if __name__ == "__main__":
    main()
