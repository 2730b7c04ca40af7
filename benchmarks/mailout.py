"""Mail-out: a new post mailed to 10,000 confirmed subscribers through aiosmtpd on loopback.

    python benchmarks/mailout.py [--subscribers 10000] [--repeat 3] [--keep]

Builds a workspace in a temporary folder: the bundled example imported, its recap a
draft, and ``--subscribers`` confirmed subscribers written through the subscriptions
library (a subscribe request and its confirmation each, consent records included) in one
transaction. Each run starts from a copy of it: aiosmtpd listens in this process (its
handler reads each message's headers and records the recipient and Message-ID), ``chatrecap
serve --smtp`` (the real command, a child process) sends, and the post is published with
the admin's Publish button over HTTP, which queues one mail job per subscriber in the
request and wakes the mail worker. The run ends when the mail server holds every message.
Checked, not assumed: exactly one message per subscriber, no Message-ID twice, every job
done. "Queueing" is the publish request (rendering the post and queueing the jobs),
"messages/s" counts from the click to the last message, "delivery" from the first message
to the last; CPU is per second of the run (1.00 = one core). Target: >= 200 messages/s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from email.parser import BytesHeaderParser
from importlib.resources import as_file, files
from pathlib import Path

from _serve import free_port, tree_cpu_seconds, wait_until_up

TARGET = 200  # messages/s


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def build_workspace(db: Path, subscribers: int) -> tuple[int, float]:
    """The example's recap as a draft and the subscribers; (the post's id, seconds to seed)."""
    from chatrecap.analysis.sessions import find_sessions
    from chatrecap.blog import posts, subscriptions
    from chatrecap.blog.auth import Signer, create_admin, secret_key
    from chatrecap.blog.mail import MAIL
    from chatrecap.importer import import_file
    from chatrecap.sources.base import ReadOptions
    from chatrecap.store import open_store
    from chatrecap.web.settings import load_settings

    settings = load_settings(db=str(db))
    with as_file(files("chatrecap") / "examples" / "b2bchat-example.jsonl") as path, open_store(db) as store:
        import_file(store, Path(path), "twarc2", ReadOptions(chat="#B2Bchat"))
        post = posts.draft(store, find_sessions(store, "#B2Bchat")[-1])
        create_admin(store, "host", "a long enough password")
        signer = Signer(secret_key(store))
        started = time.perf_counter()
        for n in range(subscribers):  # each asks, then follows the link in the message
            address = f"reader{n:05d}@example.org"
            sid = subscriptions.subscribe(store, settings, address, form="benchmark", ip="192.0.2.1",
                                          user_agent="benchmark", commit=False)
            [(request,)] = store.query("SELECT MAX(id) FROM consents WHERE subscriber_id = ?", (sid,))
            link = subscriptions.LinkHolder(sid, subscriptions.address_digest(signer, address), request)
            subscriptions.confirm(store, link, signer, form="benchmark", text_shown="benchmark",
                                  ip="192.0.2.1", user_agent="benchmark", commit=False)
        store.execute("DELETE FROM jobs WHERE kind = ?", (MAIL,))  # the confirmation messages, sent long ago
        store.commit()
        seeded = time.perf_counter() - started
        assert subscriptions.counts(store)["confirmed"] == subscribers
        return post.id, seeded


class Inbox:
    """aiosmtpd's handler: the recipient and Message-ID of every message taken."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str, float]] = []
        self.lock = threading.Lock()
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        headers = self.parser.parsebytes(envelope.original_content or envelope.content)
        with self.lock:
            self.received.append((envelope.rcpt_tos[0], headers["Message-ID"], time.perf_counter()))
        return "250 OK"


def run_once(template: Path, folder: Path, post_id: int, subscribers: int) -> dict:
    from aiosmtpd.controller import Controller

    from chatrecap.blog import jobs
    from chatrecap.blog.auth import start_session
    from chatrecap.blog.mail import MAIL
    from chatrecap.store import open_store

    db = folder / "run.db"
    shutil.copy(template, db)
    with open_store(db) as store:
        cookie, admin = start_session(store, "host")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "chatrecap", "--db", str(db), "serve", "--port", str(port),
         "--smtp", f"smtp://127.0.0.1:{controller.port}"],
        stdout=subprocess.DEVNULL, stderr=(folder / "server.log").open("ab"))
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", server)
        cpu_server, cpu_self = tree_cpu_seconds(server.pid), own_cpu_seconds()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/admin/posts/{post_id}/publish",
            data=f"csrf={admin.csrf_token}".encode(),
            headers={"Cookie": f"chatrecap_session={cookie}",
                     "Content-Type": "application/x-www-form-urlencoded"}, method="POST")
        clicked = time.perf_counter()
        opener = urllib.request.build_opener(NoRedirect)
        with opener.open(request, timeout=120) as answer:
            assert answer.status == 303, answer.status
        queued = time.perf_counter()
        deadline = time.monotonic() + 600
        while len(inbox.received) < subscribers and time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(f"the server stopped (exit {server.returncode})")
            time.sleep(0.02)
        time.sleep(1.0)  # anything sent twice would arrive now
        cpu_server = tree_cpu_seconds(server.pid) - cpu_server
        cpu_self = own_cpu_seconds() - cpu_self
    finally:
        server.terminate()
        server.wait(timeout=30)
        controller.stop()
    received = inbox.received
    recipients = {r for r, _, _ in received}
    ids = {m for _, m, _ in received}
    with open_store(db) as store:
        counts = jobs.counts(store, MAIL)
    ok = (len(received) == subscribers == len(recipients) == len(ids)
          and recipients == {f"reader{n:05d}@example.org" for n in range(subscribers)}
          and counts == {"queued": 0, "done": subscribers, "failed": 0})
    first, last = received[0][2], received[-1][2]
    seconds = last - clicked
    return {"delivered": len(received), "distinct": len(recipients), "ids": len(ids), "ok": ok,
            "counts": counts,
            "queueing": queued - clicked, "seconds": seconds, "rate": len(received) / seconds,
            "delivery": (len(received) - 1) / (last - first), "cpu_server": cpu_server / seconds,
            "cpu_smtp": cpu_self / seconds}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the 303 is the answer we want to see
        return None

    def http_error_303(self, req, fp, code, msg, headers):
        return fp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="chatrecap-mailout-bench-"))
    try:
        started = time.perf_counter()
        post_id, seeded = build_workspace(folder / "w.db", args.subscribers)
        print(f"workspace with the example's draft and {args.subscribers:,} confirmed subscribers: "
              f"{time.perf_counter() - started:.1f} s (subscribers {seeded:.1f} s; {folder})", flush=True)
        runs = []
        for n in range(args.repeat):
            result = run_once(folder / "w.db", folder, post_id, args.subscribers)
            runs.append(result)
            verdict = "exactly once each" if result["ok"] else "WRONG"
            print(f"run {n + 1}: {result['delivered']:,} delivered ({verdict}, jobs {result['counts']}), "
                  f"{result['rate']:,.0f} messages/s, queueing "
                  f"{result['queueing']:.2f} s; load average {os.getloadavg()[0]:.2f}", flush=True)
        median = {key: statistics.median(r[key] for r in runs)
                  for key in ("queueing", "seconds", "rate", "delivery", "cpu_server", "cpu_smtp")}
        print(f"\n{args.subscribers:,} confirmed subscribers, {args.repeat} runs, medians:\n")
        print("| delivered | exactly once | publish + queueing, s | all delivered after, s | messages/s "
              "| delivery, messages/s | server CPU | aiosmtpd CPU | target |")
        print("|---|---|---|---|---|---|---|---|---|")
        every_ok = all(r["ok"] for r in runs)
        print(f"| {runs[0]['delivered']:,} | {'yes' if every_ok else 'NO'} | {median['queueing']:.2f} | "
              f"{median['seconds']:.1f} | {median['rate']:,.0f} | {median['delivery']:,.0f} | "
              f"{median['cpu_server']:.2f} | {median['cpu_smtp']:.2f} | "
              f"{'met' if median['rate'] >= TARGET and every_ok else 'not met'} |")
        print("\nEvery run (messages/s): " + ", ".join(f"{r['rate']:,.0f}" for r in runs))
        if not every_ok:
            sys.exit(1)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
