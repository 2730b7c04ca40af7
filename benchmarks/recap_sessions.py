"""Recap speed and memory: a 2,000-post session, every #PSTweetChat session, 100,000 posts.

    python benchmarks/recap_sessions.py [--repeat 3] [--big 100000]

Each measurement is a cold ``chatrecap recap`` process with default options (every
format), timed from start to exit; its peak resident memory is read from the OS. The
package's bytecode is compiled first, as installing a package does: an editable install
under ``PYTHONDONTWRITEBYTECODE`` would otherwise compile every module on every run. The
synthetic sessions are moderated chats written as canonical JSONL (a host asking Q1..Qn,
labelled answers, replies, reposts, likes) with a fixed seed, imported before timing.
Targets: 2,000 posts <= 2 s; all #PSTweetChat sessions <= 5 s; 100,000 posts <= 60 s
and <= 1 GB.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data"
CLI = [sys.executable, "-m", "chatrecap"]
THEMES = [
    "original research data buyers trust insight study survey numbers",
    "earned attention recognition community audience credibility reputation",
    "helping teaching generous sharing advice practical examples templates",
    "consistency weekly newsletter showing up habit cadence long game",
    "point of view opinion contrarian argue debate stance brave",
    "sales alignment pipeline revenue buyers journey enablement",
]


def synthetic_chat(path: Path, posts: int, seed: int = 11) -> None:
    """A moderated chat of ``posts`` posts in one unbroken session."""
    rng = random.Random(seed)
    people = max(40, posts // 12)
    questions = max(4, min(12, posts // 250))
    start = datetime(2025, 5, 1, 17, 0, tzinfo=UTC)
    step = timedelta(seconds=min(1.8, 10800 / posts))  # 2,000 posts an hour, at most 3 h
    ids: list[str] = []
    with path.open("wb") as out:
        def emit(i: int, author: int, text: str, **extra: object) -> None:
            native = str(10**15 + i)
            ids.append(f"bench:{native}")
            record = {
                "platform": "bench", "native_id": native,
                "created_at": (start + step * i).isoformat(),
                "text": text, "hashtags": ["Bench"], "like_count": rng.randrange(0, 30),
                "author": {"native_id": str(author), "handle": f"user{author}",
                           "display_name": f"User {author}", "followers": 100 + author},
                **extra,
            }
            out.write(orjson.dumps(record) + b"\n")

        every = posts // questions
        asked = 0
        for i in range(posts):
            if i % every == 0 and asked < questions:
                asked += 1
                emit(i, 0, f"Q{asked}: What do you think about topic {asked}? #Bench")
                continue
            author = rng.randrange(1, people)
            roll = rng.random()
            if roll < 0.12 and ids:
                emit(i, author, "RT #Bench", repost_of_id=ids[rng.randrange(len(ids))])
            elif roll < 0.35 and ids:
                parent = ids[max(0, len(ids) - rng.randrange(1, 30))]
                words = rng.sample(THEMES[rng.randrange(len(THEMES))].split(), 4)
                emit(i, author, f"Agreed, {' '.join(words)} #Bench", reply_to_id=parent)
            else:
                words = rng.sample(THEMES[rng.randrange(len(THEMES))].split(), 5)
                emit(i, author, f"A{max(1, asked)}: {' '.join(words)} matters most #Bench")


def run(args: list[str]) -> tuple[float, float]:
    """Seconds and peak MB of one cold process (its own peak, read with wait4)."""
    began = time.perf_counter()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"{' '.join(args)} failed with exit code {child.returncode}")
    return seconds, usage.ru_maxrss / 1024


def measure(name: str, args: list[str], repeat: int, target_s: float,
            target_mb: float | None) -> list[str]:
    runs = [run(args) for _ in range(repeat)]
    seconds = statistics.median(r[0] for r in runs)
    mb = max(r[1] for r in runs)
    ok = seconds <= target_s and (target_mb is None or mb <= target_mb)
    target = f"<= {target_s:g} s" + (f", <= {target_mb:g} MB" if target_mb else "")
    return [name, f"{seconds:.2f} s", f"{mb:.0f} MB", target, "met" if ok else "NOT met"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=int, default=100_000)
    args = parser.parse_args()
    import compileall

    import chatrecap

    compileall.compile_dir(Path(chatrecap.__file__).parent, quiet=1)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for posts, target_s, target_mb, repeat in ((2000, 2.0, None, args.repeat),
                                                   (args.big, 60.0, 1024.0, 1)):
            source = base / f"chat-{posts}.jsonl"
            synthetic_chat(source, posts)
            db = str(base / f"w{posts}.db")
            subprocess.run([*CLI, "--db", db, "import", str(source), "--format", "jsonl",
                            "--chat", "#Bench"], check=True, stdout=subprocess.DEVNULL)
            rows.append(measure(f"{posts:,}-post session", [
                *CLI, "--db", db, "recap", "--latest", "-o", str(base / f"out{posts}")],
                repeat, target_s, target_mb))
            print(" | ".join(rows[-1]), flush=True)
        db = str(base / "pst.db")
        subprocess.run([*CLI, "--db", db, "import", "--tz", "America/New_York",
                        str(DATA / "twitter-archiver" / "pstweetchat-2020-2021.csv")],
                       check=True, stdout=subprocess.DEVNULL)
        rows.append(measure("all 23 #PSTweetChat sessions", [
            *CLI, "--db", db, "recap", "--all", "-o", str(base / "pst")],
            args.repeat, 5.0, None))
    print()
    print("| measurement | median time | peak memory | target | result |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
