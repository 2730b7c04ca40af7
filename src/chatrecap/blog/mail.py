"""Outgoing mail: messages queued as jobs, handed to an SMTP server by a worker thread,
never twice.

Nothing is sent while a request waits: a comment queues its notifications, a publish its
mail-out to subscribers (``chatrecap.blog.jobs``), and the worker that the web app starts
sends the due ones to the server named by ``settings.smtp`` (``smtp://host:port``,
``smtps://`` for TLS from the start, ``smtp+starttls://`` to upgrade, ``user:password@``
to log in). Without an SMTP server no worker runs and the messages wait in the queue: a
later start with ``--smtp`` sends them. A message is written when it is sent (with the
site's current address), but its Message-ID is fixed when it is queued, so a retry is
recognisably the same message.

Never sent twice, even after a crash. A plain queue sends at least once: a worker that
dies between the server's "250 accepted" and marking the job done sends the message
again after a restart. Here the SMTP conversation is split where the hand-off happens:

1. MAIL FROM, RCPT TO, DATA, and the whole message except the final "." line. Any
   failure here (no connection, a 4xx/5xx reply, the connection dropped) means the
   server has not accepted anything: the job goes back to the queue (a 5xx gives up).
2. The job is marked ``sending`` and that is committed (``jobs.begin_handover``, a
   compare-and-set on this worker's claim: a claim lost to another worker stops here,
   and the connection is dropped so the server discards the message).
3. The final "." is written; the server's reply is read. 250: done. A 4xx/5xx reply: the
   server said no, back to the queue. No reply (the connection broke, a timeout, or the
   worker was killed): the server may or may not have taken it, so the job stays
   ``sending``, "in doubt", and is never retried; the admin sees how many.

The ambiguous window is therefore the time between the commit of step 2 and the
server's reply in step 3: one write of three bytes and one round trip. A crash before
the commit resends (nothing was accepted); a crash inside the window loses at most that
one message rather than sending it twice. A worker that starts releases the claims the
dead one held (``jobs.release_claims``), so a restart resumes at once; the
compare-and-set keeps that safe while other server processes are sending too. The mark
is as durable as a commit: on SQLite (WAL, ``synchronous=NORMAL``) it survives the
process being killed but not a power cut, on PostgreSQL both.

Throughput: jobs are claimed in batches, one connection carries every message of a run
(opened again when the server drops it), and a message costs one commit: the done marks
of the previous messages ride along with the next ``sending`` mark.
"""

from __future__ import annotations

import binascii
import logging
import re
import secrets
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from email.header import Header
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urlsplit

from chatrecap.blog import jobs
from chatrecap.blog.worker import POLL_SECONDS, Worker
from chatrecap.store import Store
from chatrecap.web.settings import Settings

MAIL = "mail"  # the job kind
SMTP_TIMEOUT = 30.0
BATCH = 50  # jobs claimed at once
LOCK_SECONDS = 600  # a batch's claim; a crash frees it at the next start, not at the end of this
log = logging.getLogger("chatrecap.mail")
_LEADING_DOT = re.compile(rb"(?m)^\.")
_BARE_BREAK = re.compile(r"\r\n(?![ \t])|\r(?!\n)|(?<!\r)\n")


@dataclass(frozen=True, slots=True)
class Letter:
    """One message's content: plain text and HTML parts of the same words."""

    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def queue(store: Store, settings: Settings, letter: str, to: str | None, dedupe_key: str, *,
          commit: bool = True, **ids: int) -> int | None:
    """Queue the message ``letter`` (a kind that ``compose`` knows) for ``to`` (None when
    ``compose`` reads the address when it writes the message, as subscriptions do)."""
    payload: dict[str, Any] = {"letter": letter, "message_id": make_msgid(domain=message_domain(settings))}
    if to is not None:
        payload["to"] = to
    return jobs.enqueue(store, MAIL, {**payload, **ids}, dedupe_key, commit=commit)


def message_domain(settings: Settings) -> str:
    """The right-hand side of our Message-IDs: the site's host name."""
    return urlsplit(settings.site_url).hostname or "localhost"


def compose(store: Store, settings: Settings, payload: dict, memo: dict | None = None) -> Letter | None:
    """The message a mail job stands for, written now; None when it no longer applies
    (the comment was deleted, the reader unsubscribed). ``memo`` keeps what many
    messages of one batch share (a post's mail-out)."""
    from chatrecap.blog import comments, subscriptions

    kind = payload.get("letter")
    if kind in comments.LETTERS:
        return comments.write_letter(store, settings, payload)
    if kind in subscriptions.LETTERS:
        return subscriptions.write_letter(store, settings, payload, {} if memo is None else memo)
    raise ValueError(f"unknown kind of message {kind!r}")


def message(letter: Letter, settings: Settings, message_id: str) -> EmailMessage:
    """The message as ``email``'s modern API builds it: any address, any header."""
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


def message_bytes(letter: Letter, settings: Settings, message_id: str) -> bytes:
    """The message as sent (CRLF line ends): multipart/alternative, text then HTML, each
    UTF-8 in quoted-printable (binascii's encoder). Written here rather than by ``email``'s
    generator, which took four fifths of the sender's time per message in a mail-out;
    the tests read every message back with ``email``. Headers are not folded but for the
    Subject (RFC 2047 words): a folded List-Unsubscribe URL is one more thing for a mail
    client to get wrong. An address that needs SMTPUTF8 goes through ``message``."""
    if not (letter.to + settings.mail_from).isascii():
        msg = message(letter, settings, message_id)
        return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n", utf8=True))
    boundary = f"=_{secrets.token_hex(12)}"  # "=_" never occurs in quoted-printable text
    headers = [("From", settings.mail_from), ("To", letter.to), ("Subject", _encoded_words(letter.subject)),
               ("Date", formatdate(usegmt=True)), ("Message-ID", message_id), ("MIME-Version", "1.0"),
               *((name, value if value.isascii() else _encoded_words(value))
                 for name, value in letter.headers.items()),
               ("Content-Type", f'multipart/alternative; boundary="{boundary}"')]
    out = [f"{name}: {_one_line(value)}\r\n" for name, value in headers]
    out.append("\r\n")
    for subtype, body in (("plain", letter.text), ("html", letter.html)):
        out.append(f'--{boundary}\r\nContent-Type: text/{subtype}; charset="utf-8"\r\n'
                   f"Content-Transfer-Encoding: quoted-printable\r\n\r\n{_quoted_printable(body)}\r\n")
    out.append(f"--{boundary}--\r\n")
    return "".join(out).encode("ascii")


@lru_cache(maxsize=256)
def _encoded_words(value: str) -> str:
    """A header value as RFC 2047 encoded words where it is not ASCII, folded at 76."""
    return Header(value, "us-ascii" if value.isascii() else "utf-8").encode(linesep="\r\n", maxlinelen=76)


def _one_line(value: str) -> str:
    """No header value may start a header of its own (folding, \\r\\n + space, is kept)."""
    return _BARE_BREAK.sub(" ", value)


def _quoted_printable(text: str) -> str:
    encoded = binascii.b2a_qp(text.replace("\r\n", "\n").replace("\r", "\n").encode(), istext=True)
    return encoded.decode("ascii").replace("\n", "\r\n")


# --- one SMTP conversation per message, on a connection kept for many -----------------

class NotAccepted(Exception):
    """The server did not take the message (it said so, or the conversation broke before
    the hand-off): safe to send again later, unless ``permanent`` (a 5xx reply)."""

    def __init__(self, reason: str, permanent: bool = False, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.unreachable = unreachable  # no connection at all: the rest of the batch too


class InDoubt(Exception):
    """The connection broke after the message's last line: it may have been accepted."""


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class Courier:
    """One connection to the SMTP server, opened when first needed, kept for the messages
    that follow and opened again when the server has dropped it."""

    def __init__(self, smtp_url: str, timeout: float = SMTP_TIMEOUT) -> None:
        self.url = smtp_url
        self.timeout = timeout
        self._client: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        parts = urlsplit(self.url)
        host = parts.hostname or "localhost"
        if parts.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=self.timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, parts.port or (587 if parts.scheme == "smtp+starttls" else 25),
                                  timeout=self.timeout)
        try:
            client.ehlo_or_helo_if_needed()
            if parts.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            if client.sock is not None:  # many small writes: do not wait to fill a packet
                client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except BaseException:
            client.close()
            raise
        return client

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()

    def _drop(self) -> None:
        """Close without a word: in the middle of DATA this makes the server discard it."""
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def hand_over(self, sender: str, recipient: str, data: bytes, commit_point: Callable[[], bool]) -> bool:
        """Send one message; ``commit_point`` runs right before its last line and says
        whether to go on. True: accepted. False: ``commit_point`` said no (nothing sent).
        Raises NotAccepted or InDoubt (see the module's docstring)."""
        international = not (sender + recipient).isascii()
        options = ["SMTPUTF8", "BODY=8BITMIME"] if international else []
        client = self._open_for(sender, options)
        try:
            code, reply = client.rcpt(recipient)
            if code not in (250, 251):
                self._refused("RCPT TO", code, reply)
            client.putcmd("data")
            code, reply = client.getreply()
            if code != 354:
                self._refused("DATA", code, reply)
            body = _LEADING_DOT.sub(b"..", data)
            client.send(body if body.endswith(b"\r\n") else body + b"\r\n")
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise NotAccepted(_reason(exc)) from exc
        try:
            go_on = commit_point()
        except BaseException:
            self._drop()
            raise
        if not go_on:
            self._drop()
            return False
        try:
            client.send(b".\r\n")
            code, reply = client.getreply()
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise InDoubt(f"the connection broke after the message's last line ({_reason(exc)}): "
                          "the server may have accepted it, so it is not sent again") from exc
        if code != 250:
            raise NotAccepted(f"the server refused the message: {code} {reply.decode(errors='replace')}",
                              permanent=500 <= code < 600)
        return True

    def _open_for(self, sender: str, options: list[str]) -> smtplib.SMTP:
        """A connection on which MAIL FROM was accepted; a kept connection the server has
        dropped meanwhile is opened again once."""
        for attempt in (1, 2):
            reused = self._client is not None
            try:
                if self._client is None:
                    self._client = self._connect()
                client = self._client
                if options and not client.has_extn("smtputf8"):
                    raise NotAccepted("the mail server does not take non-ASCII addresses (no SMTPUTF8)",
                                      permanent=True)
                code, reply = client.mail(sender, options)
                if code == 421 and reused and attempt == 1:  # the server is closing this connection
                    self._drop()
                    continue
                if code != 250:
                    self._refused("MAIL FROM", code, reply)
                return client
            except smtplib.SMTPServerDisconnected as exc:
                self._drop()
                if not reused or attempt == 2:
                    raise NotAccepted(_reason(exc), unreachable=not reused) from exc
            except NotAccepted:
                raise
            except (smtplib.SMTPException, OSError) as exc:
                self._drop()
                if reused and attempt == 1 and isinstance(exc, OSError):
                    continue
                raise NotAccepted(_reason(exc), unreachable=not reused) from exc
        raise NotAccepted("the mail server keeps closing the connection", unreachable=True)

    def _refused(self, step: str, code: int, reply: bytes) -> None:
        try:
            if self._client is not None:
                self._client.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()
        raise NotAccepted(f"the server refused {step}: {code} {reply.decode(errors='replace')}",
                          permanent=500 <= code < 600)


# --- the worker ------------------------------------------------------------------------

def deliver_due(store: Store, settings: Settings, limit: int = 100, courier: Courier | None = None) -> int:
    """Send the mail jobs that are due (at most ``limit``); how many the server accepted.
    A failure is recorded on its job, which is retried later (or, in doubt, never)."""
    return _deliver(store, settings, limit, courier)[1]


def _deliver(store: Store, settings: Settings, limit: int, courier: Courier | None) -> tuple[int, int]:
    """(jobs handled, messages accepted)."""
    if not settings.smtp:
        return 0, 0
    own = courier is None
    courier = courier or Courier(settings.smtp)
    handled = sent = 0
    try:
        while handled < limit:
            batch = jobs.claim_batch(store, MAIL, min(BATCH, limit - handled),
                                     lock=timedelta(seconds=LOCK_SECONDS))
            if not batch:
                break
            handled += len(batch)
            sent += _deliver_batch(store, settings, courier, batch)
    finally:
        if own:
            courier.close()
    return handled, sent


def _deliver_batch(store: Store, settings: Settings, courier: Courier, batch: list[jobs.Job]) -> int:
    sender = parseaddr(settings.mail_from)[1] or settings.mail_from
    finished: list[jobs.Job] = []  # accepted, marked done with the next commit
    memo: dict = {}
    sent = 0
    for n, job in enumerate(batch):
        try:
            letter = compose(store, settings, job.payload, memo)
            if letter is None:  # no longer applies: nothing to send
                jobs.done(store, job)
                continue
            data = message_bytes(letter, settings, job.payload["message_id"])
            def commit_point(job: jobs.Job = job) -> bool:
                return jobs.begin_handover(store, job, finished)

            if courier.hand_over(sender, letter.to, data, commit_point):
                finished.append(job)
                sent += 1
        except InDoubt as exc:
            store.conn.rollback()
            jobs.in_doubt(store, job, str(exc))
            log.error("mail job %s is in doubt: %s", job.id, exc)
        except NotAccepted as exc:
            store.conn.rollback()
            for failed_job in batch[n:] if exc.unreachable else [job]:
                retry = jobs.failed(store, failed_job, str(exc),
                                    failed_job.attempts if exc.permanent else jobs.MAX_ATTEMPTS)
                log.warning("mail job %s failed (%s)%s", failed_job.id, exc,
                            "; will retry" if retry else "; gave up")
            if exc.unreachable:
                break
        except Exception as exc:  # noqa: BLE001 - any other failure is the job's, retried later
            store.conn.rollback()
            retry = jobs.failed(store, job, _reason(exc))
            log.warning("mail job %s failed (%s)%s", job.id, exc, "; will retry" if retry else "; gave up")
    jobs.handed_over(store, finished)
    return sent


class MailWorker(Worker):
    """Sends due mail; nothing runs without an SMTP server (the messages wait in the queue)."""

    name = "chatrecap-mail"

    def __init__(self, settings: Settings, poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__(settings, poll_seconds)
        self._courier: Courier | None = None

    def enabled(self) -> bool:
        return bool(self.settings.smtp)

    def starting(self, store: Store) -> None:
        assert self.settings.smtp
        self._courier = Courier(self.settings.smtp)
        released = jobs.release_claims(store, MAIL)
        if released:
            log.info("took up %s mail jobs claimed before a restart", released)

    def work(self, store: Store) -> bool:
        """One batch; a full one means more may be due."""
        return _deliver(store, self.settings, BATCH, self._courier)[0] == BATCH

    def idle(self) -> None:
        if self._courier is not None:
            self._courier.close()  # keep no connection open meanwhile
