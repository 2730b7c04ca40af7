"""A mail-out survives a crash without sending anything twice: `chatrecap serve` (a real
process) mails a new post to 1,000 subscribers through aiosmtpd on loopback, is killed
with SIGKILL while the mail server holds the 400th message and has not answered it yet
(the ambiguous moment of the hand-off), is started again, and the mail server ends with
exactly 1,000 messages: one per subscriber, no Message-ID twice, none missing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes, policy

from conftest import smtp_server
from test_subscriptions import new_post, wait_for
from test_web_comments import blog_db, free_port  # noqa: F401 - blog_db is a fixture

from chatrecap.blog import jobs, publishing, subscriptions
from chatrecap.blog.mail import MAIL
from chatrecap.store import open_store
from chatrecap.web.settings import load_settings

CLI = [sys.executable, "-c", "from chatrecap.cli import main; main()"]
SUBSCRIBERS = 1_000
KILL_AT = 400


class KillingInbox:
    """Takes messages; at the ``kill_at``-th it kills the sending server before answering."""

    def __init__(self, kill_at: int) -> None:
        self.kill_at = kill_at
        self.victim: subprocess.Popen | None = None
        self.received: list[tuple[str, str]] = []  # (recipient, Message-ID)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append((envelope.rcpt_tos[0], message["Message-ID"]))
            count = len(self.received)
        if count == self.kill_at and self.victim is not None:
            os.kill(self.victim.pid, signal.SIGKILL)  # the message is here; its "250" will never arrive
            self.victim.wait(timeout=10)
        return "250 OK"


def serve(db: str, port: int, smtp_url: str) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "--db", db, "serve", "--port", str(port), "--smtp", smtp_url],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_a_mail_out_killed_half_way_and_restarted_delivers_each_message_exactly_once(tmp_path, blog_db):  # noqa: F811
    started = time.monotonic()
    shutil.copy(blog_db, tmp_path / "w.db")
    db = str(tmp_path / "w.db")
    settings = load_settings(db=db, base_url="https://recaps.example.org")
    addresses = [f"reader{n:04d}@example.org" for n in range(SUBSCRIBERS)]
    with open_store(db) as store:
        store.execute("UPDATE admins SET email = NULL")
        for address in addresses:  # seeded through the library, in one transaction
            sid = subscriptions.subscribe(store, settings, address, form="test", ip=None, user_agent=None,
                                          commit=False)
            store.execute("UPDATE subscribers SET status = ? WHERE id = ?", (subscriptions.CONFIRMED, sid))
        store.execute("DELETE FROM jobs WHERE kind = ?", (MAIL,))  # not the confirmation messages
        store.commit()
        draft = new_post(store, 1)
        assert publishing.publish(store, settings, draft)[1] == SUBSCRIBERS
    inbox = KillingInbox(KILL_AT)
    with smtp_server(inbox) as smtp_url:
        first = inbox.victim = serve(db, free_port(), smtp_url)
        assert first.wait(timeout=40) == -signal.SIGKILL, first.stderr.read()
        with open_store(db) as store:
            at_crash = jobs.counts(store, MAIL)
        assert len(inbox.received) == KILL_AT
        assert at_crash["sending"] == 1  # the 400th: handed over, its answer never came back
        assert at_crash["done"] == KILL_AT - 1

        second = serve(db, free_port(), smtp_url)
        try:
            def finished() -> bool:
                assert second.poll() is None, second.stderr.read()
                with open_store(db, migrate=False) as store:
                    return jobs.counts(store, MAIL)["queued"] == 0
            wait_for(finished, seconds=40, what="the rest of the mail-out")
            time.sleep(1.0)  # anything sent twice would arrive now
        finally:
            second.terminate()
            second.wait(timeout=20)

    received = inbox.received
    assert len(received) == SUBSCRIBERS
    assert Counter(r for r, _ in received) == Counter(addresses)  # each subscriber once, nobody missing
    assert len({m for _, m in received}) == SUBSCRIBERS  # no Message-ID twice
    with open_store(db) as store:
        assert jobs.counts(store, MAIL) == {"queued": 0, "done": SUBSCRIBERS - 1, "failed": 0, "sending": 1}
    assert time.monotonic() - started < 60
