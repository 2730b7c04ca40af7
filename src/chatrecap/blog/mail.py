"""Outgoing mail: messages queued as jobs, sent over SMTP by a worker thread.

Nothing is sent while a request waits: a comment queues its notifications
(``chatrecap.blog.jobs``), and the worker that the web app starts sends the due ones to the
server named by ``settings.smtp`` (``smtp://host:port``, ``smtps://`` for TLS from the
start, ``smtp+starttls://`` to upgrade, ``user:password@`` to log in). Without an SMTP
server no worker runs and the messages wait in the queue: a later start with ``--smtp``
sends them. A message is written when it is sent (with the site's current address), but
its Message-ID is fixed when it is queued, so a retry is recognisably the same message.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from chatrecap.blog import jobs
from chatrecap.store import Store, open_store
from chatrecap.web.settings import Settings

MAIL = "mail"  # the job kind
POLL_SECONDS = 5.0
SMTP_TIMEOUT = 30.0
log = logging.getLogger("chatrecap.mail")


@dataclass(frozen=True, slots=True)
class Letter:
    """One message's content: plain text and HTML parts of the same words."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def queue(store: Store, settings: Settings, letter: str, to: str, dedupe_key: str, *,
          commit: bool = True, **ids: int) -> int | None:
    """Queue the message ``letter`` (a kind that ``compose`` knows) for ``to``."""
    domain = urlsplit(settings.site_url).hostname or "localhost"
    payload = {"letter": letter, "to": to, "message_id": make_msgid(domain=domain), **ids}
    return jobs.enqueue(store, MAIL, payload, dedupe_key, commit=commit)


def compose(store: Store, settings: Settings, payload: dict) -> Letter | None:
    """The message a mail job stands for, written now; None when it no longer applies
    (the comment was deleted, the reader unsubscribed)."""
    from chatrecap.blog import comments

    if payload.get("letter") in comments.LETTERS:
        return comments.write_letter(store, settings, payload)
    raise ValueError(f"unknown kind of message {payload.get('letter')!r}")


def message(letter: Letter, settings: Settings, message_id: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = letter.to
    msg["Subject"] = letter.subject
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = message_id
    for name, value in letter.headers.items():
        msg[name] = value
    msg.set_content(letter.text)
    msg.add_alternative(letter.html, subtype="html")
    return msg


def send(smtp_url: str, msg: EmailMessage) -> None:
    """Hand one message to the SMTP server at ``smtp_url``."""
    parts = urlsplit(smtp_url)
    host = parts.hostname or "localhost"
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=SMTP_TIMEOUT,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(host, parts.port or (587 if parts.scheme == "smtp+starttls" else 25),
                              timeout=SMTP_TIMEOUT)
    with client:
        if parts.scheme == "smtp+starttls":
            client.starttls(context=ssl.create_default_context())
        if parts.username:
            client.login(unquote(parts.username), unquote(parts.password or ""))
        client.send_message(msg)


def deliver_due(store: Store, settings: Settings, limit: int = 100) -> int:
    """Send the mail jobs that are due (at most ``limit``); how many were sent. A failure
    is recorded on its job, which is retried later."""
    if not settings.smtp:
        return 0
    sent = 0
    for _ in range(limit):
        job = jobs.claim(store, MAIL)
        if job is None:
            break
        try:
            letter = compose(store, settings, job.payload)
            if letter is not None:
                send(settings.smtp, message(letter, settings, job.payload["message_id"]))
                sent += 1
        except Exception as exc:  # noqa: BLE001 - any failure is the job's, retried later
            store.conn.rollback()
            retry = jobs.failed(store, job, f"{type(exc).__name__}: {exc}")
            log.warning("mail job %s failed (%s)%s", job.id, exc, "; will retry" if retry else "; gave up")
            continue
        jobs.done(store, job)
    return sent


class MailWorker:
    """A thread that sends due mail every few seconds, or at once when woken."""

    def __init__(self, settings: Settings, poll_seconds: float = POLL_SECONDS) -> None:
        self.settings = settings
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if not self.settings.smtp or self._thread is not None:
            return  # no SMTP server: the messages wait in the queue
        self._thread = threading.Thread(target=self._run, name="chatrecap-mail", daemon=True)
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
            while not self._stop.is_set():
                try:
                    deliver_due(store, self.settings)
                except Exception:  # noqa: BLE001 - the store was busy or gone: try again later
                    log.exception("sending mail failed")
                    store.conn.rollback()
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
        finally:
            store.close()
