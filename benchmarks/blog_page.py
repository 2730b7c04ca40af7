"""Blog: the public page of a post with 200 approved comments, under 50 concurrent connections.

    python benchmarks/blog_page.py [--comments 200] [--connections 50] [--seconds 15] [--repeat 3]
                                   [--workers 1 2] [--isso /tmp/isso-venv] [--keep]

Builds a workspace in a temporary folder (the bundled example imported, its recap
published, ``--comments`` approved comments written through the comments library: nested
replies, Markdown of realistic lengths), starts ``chatrecap serve`` (the real command, a
child process) once per ``--workers`` value on free loopback ports, and drives
``/posts/SLUG`` with ``--connections`` keep-alive connections for ``--seconds``, each
server ``--repeat`` times, interleaved; the medians are printed. The load comes from wrk
(``apt-get install wrk``) when it is on the PATH, else from a lean asyncio client on raw
sockets run in its own process (``--client asyncio`` forces it); the client's own CPU use
is reported beside the server's, since both share this machine's cores.

With ``--isso VENV`` (a virtualenv where ``pip install isso`` worked), the same comments
are posted to Isso through its API and its comment-fetch endpoint ``GET /?uri=/posts/SLUG``
is measured in the same run: with its own server (``isso run``) and, when the venv has
gunicorn, under ``gunicorn -w 2``. Target: >= 300 requests/s with p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path
from urllib.parse import urlsplit

from _serve import free_port, tree_cpu_seconds, wait_until_up

TARGET_RPS, TARGET_P99_MS = 300, 100

# --- the comments ---------------------------------------------------------------------

WORDS = ("thought leadership buyers trust original research numbers survey data insight earned "
         "attention community audience credibility reputation teaching generous advice practical "
         "examples templates consistency weekly newsletter habit cadence point of view opinion "
         "debate stance sales alignment pipeline revenue journey enablement podcast webinar "
         "framework playbook story customer proof case study brand voice expertise").split()
OPENERS = ("Great recap!", "Thanks for pulling this together.", "I missed the live chat, so this helps.",
           "Interesting point about Q2.", "Respectfully, I disagree with the second takeaway.",
           "This matches what we saw last quarter.", "One thing missing here:", "Agreed.",
           "Has anyone measured this?", "Bookmarking this one.")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    if rng.random() < 0.25:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    return " ".join(words).capitalize() + rng.choice(".!?.")


def comment_text(rng: random.Random, n: int) -> str:
    """Markdown as people write it in a comment box: 1-4 paragraphs, sometimes a link,
    a list, a quote or code."""
    paragraphs = [rng.choice(OPENERS) + " " + " ".join(_sentence(rng) for _ in range(rng.randint(1, 3)))]
    for _ in range(rng.choices((0, 1, 2, 3), (45, 30, 17, 8))[0]):
        paragraphs.append(" ".join(_sentence(rng) for _ in range(rng.randint(1, 4))))
    roll = rng.random()
    if roll < 0.2:
        paragraphs.append(f"We wrote it up here: [our notes](https://example.org/notes/{n}).")
    elif roll < 0.3:
        paragraphs.append("\n".join(f"- {_sentence(rng)}" for _ in range(rng.randint(2, 4))))
    elif roll < 0.4:
        paragraphs.insert(0, f"> {_sentence(rng)}")
    elif roll < 0.45:
        paragraphs.append("The formula we use: `pipeline = reach x trust x timing`.")
    return "\n\n".join(paragraphs)


@dataclass
class Comment:
    n: int
    name: str
    email: str
    website: str | None
    text: str
    parent: int | None  # index of the comment answered


def comment_plan(count: int, seed: int = 5) -> list[Comment]:
    """``count`` comments by about a third as many people; about half are replies."""
    rng = random.Random(seed)
    people = max(3, count // 3)
    plan = []
    for n in range(count):
        who = rng.randrange(people)
        parent = rng.randrange(n) if n and rng.random() < 0.55 else None
        plan.append(Comment(n, f"Reader {who}", f"reader{who}@example.org",
                            f"https://example.org/~reader{who}" if who % 4 == 0 else None,
                            comment_text(rng, n), parent))
    return plan


# --- the workspace ----------------------------------------------------------------------

def build_workspace(db: Path, plan: list[Comment]) -> str:
    """The example imported and published, with the planned comments approved; its slug."""
    from chatrecap.analysis.sessions import find_sessions
    from chatrecap.blog import comments, posts
    from chatrecap.importer import import_file
    from chatrecap.sources.base import ReadOptions
    from chatrecap.store import open_store

    with as_file(files("chatrecap") / "examples" / "b2bchat-example.jsonl") as path, open_store(db) as store:
        import_file(store, Path(path), "twarc2", ReadOptions(chat="#B2Bchat"))
        post = posts.publish(store, posts.draft(store, find_sessions(store, "#B2Bchat")[-1]))
        ids: list[int] = []
        for c in plan:
            post = posts.get_post(store, post_id=post.id)
            added = comments.add_comment(
                store, post, c.name, c.email, c.website, c.text,
                ids[c.parent] if c.parent is not None else None,
                f"10.0.{c.n // 250}.{c.n % 250 + 1}", "benchmark", False)
            if added.status != comments.APPROVED:
                comments.approve(store, [added.id])
            ids.append(added.id)
        approved = store.query("SELECT COUNT(*) FROM comments WHERE post_id = ? AND status = ?",
                               (post.id, comments.APPROVED))[0][0]
        assert approved == len(plan), approved
        return post.slug


# --- servers ------------------------------------------------------------------------------

@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen
    body_bytes: int = 0
    alone_ms: float = 0.0  # one request with nothing else running
    runs: list[dict] = field(default_factory=list)


def start_chatrecap(db: Path, slug: str, workers: int, log: Path) -> Server:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "chatrecap", "--db", str(db), "serve", "--port", str(port),
         "--workers", str(workers), "--base-url", base],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
    url = f"{base}/posts/{slug}"
    page = wait_until_up(url, process)
    return Server(f"chatrecap serve --workers {workers}", url, process, len(page))


ISSO_CONFIG = """[general]
dbpath = {db}
host = {host}
max-age = 15m
notify = stdout
gravatar = false
[moderation]
enabled = false
[server]
listen = http://127.0.0.1:{port}/
[guard]
enabled = false
"""


def start_isso(venv: Path, folder: Path, host: str, slug: str, title: str, plan: list[Comment],
               log: Path, servers: list[Server]) -> None:
    """Isso with the same comments, posted through its API; its own server, then gunicorn.
    Each server is added to ``servers`` as soon as it runs, so it is stopped whatever happens."""
    port = free_port()
    config = folder / "isso.cfg"
    config.write_text(ISSO_CONFIG.format(db=folder / "isso.db", host=host, port=port))
    base = f"http://127.0.0.1:{port}"
    uri = f"/posts/{slug}"
    own = Server("isso run (its own server)", f"{base}/?uri={uri}", subprocess.Popen(
        [str(venv / "bin" / "isso"), "-c", str(config), "run"],
        stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True))
    servers.append(own)
    wait_until_up(f"{base}/info", own.process)
    ids: list[int] = []
    for c in plan:
        data = {"text": c.text, "author": c.name, "email": c.email, "website": c.website, "title": title,
                "parent": ids[c.parent] if c.parent is not None else None}
        request = urllib.request.Request(f"{base}/new?uri={uri}", data=json.dumps(data).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            ids.append(json.loads(response.read())["id"])
    fetched = wait_until_up(own.url, own.process)
    replies = json.loads(fetched)["replies"]
    shown = len(replies) + sum(len(r.get("replies", [])) for r in replies)  # Isso nests one level
    assert shown == len(plan), f"Isso shows {shown} of the {len(plan)} comments"
    own.body_bytes = len(fetched)
    gunicorn = venv / "bin" / "gunicorn"
    if gunicorn.exists():
        gport = free_port()
        served = Server("isso under gunicorn -w 2", f"http://127.0.0.1:{gport}/?uri={uri}", subprocess.Popen(
            [str(gunicorn), "-b", f"127.0.0.1:{gport}", "-w", "2", "--preload", "isso.run"],
            env={**os.environ, "ISSO_SETTINGS": str(config)},
            stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True))
        servers.append(served)
        served.body_bytes = len(wait_until_up(served.url, served.process))


def time_alone(server: Server, times: int = 5) -> float:
    """The median time of one request at a time, in ms (what a single reader waits)."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        with urllib.request.urlopen(server.url, timeout=60) as response:
            response.read()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def wait_until_idle(server: Server, limit: float = 300) -> float:
    """Seconds until the server stops working on requests whose client has gone (Isso goes
    on rendering a timed-out request): the next measurement must have the machine to itself."""
    started = time.monotonic()
    before = tree_cpu_seconds(server.process.pid)
    while time.monotonic() - started < limit:
        time.sleep(1)
        now = tree_cpu_seconds(server.process.pid)
        if now - before < 0.05:
            break
        before = now
    return time.monotonic() - started - 1


def stop(server: Server) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, 15)
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, 9)


# --- load ---------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def run_wrk(url: str, connections: int, seconds: float) -> dict:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "10s", url]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests, elapsed = re.search(r"(\d+) requests in ([\d.]+\w+),", out).groups()
    percentiles = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    errors += int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    return {"requests": int(requests), "seconds": _ms(elapsed) / 1000, "p50": _ms(percentiles["50"]),
            "p90": _ms(percentiles["90"]), "p99": _ms(percentiles["99"]), "errors": errors}


async def _connection(host: str, port: int, path: str, deadline: float, latencies: list[float],
                      counts: dict[str, int]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: bench\r\n\r\n".encode()
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            await reader.readexactly(int(length.group(1)) if length else 0)
            latencies.append(time.perf_counter() - started)
            counts["errors" if head[9:10] not in (b"2", b"3") else "ok"] += 1
    except (OSError, asyncio.IncompleteReadError):
        counts["errors"] += 1
    finally:
        writer.close()


async def _asyncio_load(url: str, connections: int, seconds: float) -> dict:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}
    started = time.perf_counter()
    await asyncio.gather(*(_connection(parts.hostname, parts.port, path, started + seconds, latencies, counts)
                           for _ in range(connections)))
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {"requests": counts["ok"] + counts["errors"], "seconds": elapsed, "p50": q[49] * 1000,
            "p90": q[89] * 1000, "p99": q[98] * 1000, "errors": counts["errors"]}


def run_asyncio_client(url: str, connections: int, seconds: float) -> dict:
    """The lean client in its own process, so its CPU is its own and it has a whole GIL."""
    out = subprocess.run([sys.executable, __file__, "--load-once", url, str(connections), str(seconds)],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def _children_cpu() -> float:
    """CPU seconds of this process's finished children: the load client of each run."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(server: Server, client: str, connections: int, seconds: float) -> dict:
    before_server = tree_cpu_seconds(server.process.pid)
    before_client = _children_cpu()
    result = (run_wrk if client == "wrk" else run_asyncio_client)(server.url, connections, seconds)
    server_cpu = tree_cpu_seconds(server.process.pid) - before_server
    client_cpu = _children_cpu() - before_client
    result["rps"] = result["requests"] / result["seconds"]
    result["server_cpu"] = server_cpu / result["seconds"]
    result["client_cpu"] = client_cpu / result["seconds"]
    return result


# --- the report ---------------------------------------------------------------------------

def report(servers: list[Server], args: argparse.Namespace, client: str) -> None:
    print(f"\n{args.comments} approved comments, {args.connections} connections, {args.seconds:g} s a run, "
          f"{args.repeat} runs each (medians), load from {client}; "
          f"load average now {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores\n")
    print("| server | requests/s | p50 ms | p90 ms | p99 ms | errors | one request alone, ms "
          "| bytes per response | server CPU | client CPU | target |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for s in servers:
        m = {k: statistics.median(r[k] for r in s.runs) for k in ("rps", "p50", "p90", "p99", "server_cpu",
                                                                   "client_cpu")}
        finished = [r for r in s.runs if r["requests"]]  # latencies of runs where some request finished
        p = {k: f"{statistics.median(r[k] for r in finished):.1f}" if finished else "none finished"
             for k in ("p50", "p90", "p99")}
        errors = sum(r["errors"] for r in s.runs)
        verdict = ("met" if m["rps"] >= TARGET_RPS and m["p99"] < TARGET_P99_MS else "**not met**") \
            if s.name.startswith("chatrecap") else ""
        print(f"| {s.name} | {m['rps']:,.1f} | {p['p50']} | {p['p90']} | {p['p99']} | {errors} "
              f"| {s.alone_ms:.1f} | {s.body_bytes:,} | {m['server_cpu']:.0%} | {m['client_cpu']:.0%} "
              f"| {verdict} |")
    print("\nEvery run (requests/s, p99 ms, seconds the server kept working after the client stopped):")
    for s in servers:
        print(f"  {s.name}: " + ", ".join(f"{r['rps']:,.1f} / {r['p99']:.1f} / {r['busy_after']:.0f}"
                                          for r in s.runs))


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--load-once":
        try:
            import uvloop
            uvloop.install()
        except ImportError:
            pass
        print(json.dumps(asyncio.run(_asyncio_load(sys.argv[2], int(sys.argv[3]), float(sys.argv[4])))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comments", type=int, default=200)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--client", choices=("wrk", "asyncio"),
                        default="wrk" if shutil.which("wrk") else "asyncio")
    parser.add_argument("--isso", type=Path, help="a virtualenv with isso installed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="chatrecap-blog-bench-"))
    log = folder / "servers.log"
    servers: list[Server] = []
    try:
        plan = comment_plan(args.comments)
        started = time.perf_counter()
        slug = build_workspace(folder / "w.db", plan)
        print(f"workspace with the published example and {len(plan)} approved comments: "
              f"{time.perf_counter() - started:.1f} s ({folder})")
        for workers in args.workers:
            servers.append(start_chatrecap(folder / "w.db", slug, workers, log))
        if args.isso:
            from chatrecap.blog import posts
            from chatrecap.store import open_store

            with open_store(folder / "w.db") as store:
                title = posts.get_post(store, slug=slug).title
            host = servers[0].url.rsplit("/posts/", 1)[0]
            isso: list[Server] = []
            try:
                start_isso(args.isso, folder, host, slug, title, plan, log, isso)
            except Exception as exc:  # recorded, not hidden: why Isso could not be measured
                print(f"Isso could not be measured: {exc!r} (see {log})")
                for server in isso:
                    stop(server)
                isso = []
            servers += isso
        for server in servers:  # warm up: caches filled, every worker started
            server.alone_ms = time_alone(server)
            if server.name.startswith("chatrecap"):
                measure(server, args.client, args.connections, 2)
        for run in range(args.repeat):
            for server in servers:
                result = measure(server, args.client, args.connections, args.seconds)
                result["busy_after"] = wait_until_idle(server)
                server.runs.append(result)
                print(f"run {run + 1}, {server.name}: {result['rps']:,.1f} requests/s, p99 "
                      f"{result['p99']:.1f} ms, {result['errors']} errors, busy {result['busy_after']:.0f} s "
                      f"after the run; load average {os.getloadavg()[0]:.2f}", flush=True)
        report(servers, args, args.client)
    finally:
        for server in servers:
            stop(server)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
