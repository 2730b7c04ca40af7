"""Admins, their login sessions, signed tokens and rate limits, kept in the workspace.

Passwords are argon2id hashes (argon2-cffi). A login session is a random token in an
HttpOnly cookie; the store keeps only its SHA-256, so a leaked database opens no session.
Each session carries its own CSRF token. Signed tokens (itsdangerous, with a key the
workspace keeps) serve forms without a session, such as a visitor's comment, and links
sent by mail. Rate limits count events in the store, so every server process shares them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from chatrecap.errors import OptionError
from chatrecap.store import Store, iso

SESSION_DAYS = 14
_hasher = PasswordHasher()
# Checked when a username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


@dataclass(frozen=True, slots=True)
class LoginSession:
    username: str
    csrf_token: str
    expires_at: str


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_admin(store: Store, username: str, password: str, email: str | None = None,
                 display_name: str | None = None) -> None:
    username = username.strip()
    if not username or len(username) > 64 or not username.replace("-", "").replace("_", "").replace(
            ".", "").isalnum():
        raise OptionError("The admin's username must be 1-64 letters, digits, '.', '-' or '_'.")
    if len(password) < 10:
        raise OptionError("The admin's password must be at least 10 characters long.")
    if store.query("SELECT 1 FROM admins WHERE username = ?", (username,)):
        raise OptionError(f"An admin {username!r} exists already.")
    store.execute("INSERT INTO admins (username, password_hash, display_name, email, created_at) "
                  "VALUES (?, ?, ?, ?, ?)",
                  (username, _hasher.hash(password), display_name or username, email, iso(_now())))
    store.commit()


def admin_count(store: Store) -> int:
    return int(store.query("SELECT COUNT(*) FROM admins")[0][0])


def admin_emails(store: Store) -> list[str]:
    """Where the post author's notifications go."""
    return [e for (e,) in store.query("SELECT email FROM admins WHERE email IS NOT NULL ORDER BY username")
            if e]


def check_password(store: Store, username: str, password: str) -> bool:
    rows = store.query("SELECT password_hash FROM admins WHERE username = ?", (username,))
    stored = rows[0][0] if rows else _DUMMY_HASH
    try:
        ok = _hasher.verify(stored, password) and bool(rows)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if ok and _hasher.check_needs_rehash(stored):
        store.execute("UPDATE admins SET password_hash = ? WHERE username = ?",
                      (_hasher.hash(password), username))
        store.commit()
    return ok


def start_session(store: Store, username: str) -> tuple[str, LoginSession]:
    """A new login: the cookie's token and the session it opens."""
    token = secrets.token_urlsafe(32)
    now = _now()
    session = LoginSession(username, secrets.token_urlsafe(32), iso(now + timedelta(days=SESSION_DAYS)))
    store.execute("DELETE FROM web_sessions WHERE expires_at < ?", (iso(now),))
    store.execute("INSERT INTO web_sessions (token_hash, username, csrf_token, created_at, expires_at) "
                  "VALUES (?, ?, ?, ?, ?)",
                  (_digest(token), username, session.csrf_token, iso(now), session.expires_at))
    store.commit()
    return token, session


def find_session(store: Store, token: str | None) -> LoginSession | None:
    if not token:
        return None
    rows = store.query("SELECT username, csrf_token, expires_at FROM web_sessions "
                       "WHERE token_hash = ? AND expires_at > ?", (_digest(token), iso(_now())))
    return LoginSession(*rows[0]) if rows else None


def end_session(store: Store, token: str | None) -> None:
    if token:
        store.execute("DELETE FROM web_sessions WHERE token_hash = ?", (_digest(token),))
        store.commit()


def same_token(given: str | None, expected: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given), expected)


def secret_key(store: Store) -> str:
    """The workspace's signing key, made on first use and kept across restarts."""
    rows = store.query("SELECT value FROM web_settings WHERE key = 'secret_key'")
    if rows:
        return rows[0][0]
    key = secrets.token_urlsafe(48)
    store.execute("INSERT INTO web_settings (key, value) VALUES ('secret_key', ?) "
                  "ON CONFLICT (key) DO NOTHING", (key,))
    store.commit()
    return store.query("SELECT value FROM web_settings WHERE key = 'secret_key'")[0][0]


class Signer:
    """Signed, expiring tokens for one purpose ("comment-form", "comment-edit", ...)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._serializers: dict[str, URLSafeTimedSerializer] = {}  # one per purpose: they derive keys

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        found = self._serializers.get(purpose)
        if found is None:
            found = self._serializers[purpose] = URLSafeTimedSerializer(self.key, salt=purpose)
        return found

    def sign(self, purpose: str, value: Any) -> str:
        return self._serializer(purpose).dumps(value)

    def digest(self, text: str) -> str:
        """A keyed digest of ``text`` (an email address's key) for signed links: it ties a link
        to the address without writing the address in it (a token's content is readable)."""
        return hmac.new(self.key.encode(), text.encode(), hashlib.sha256).hexdigest()[:20]

    def unsign(self, purpose: str, token: str | None, max_age: float) -> Any | None:
        """The signed value, or None when the token is forged, for another purpose or expired."""
        if not token:
            return None
        try:
            return self._serializer(purpose).loads(token, max_age=max_age)
        except (BadSignature, SignatureExpired):
            return None


def rate_limited(store: Store, bucket: str, limit: int, window: timedelta, *, count: bool = True) -> bool:
    """True when ``bucket`` had ``limit`` events within ``window``; else (with ``count``)
    record this one. Old events are forgotten as they age out."""
    now = _now()
    since = iso(now - window)
    store.execute("DELETE FROM rate_events WHERE bucket = ? AND at < ?", (bucket, since))
    used = int(store.query("SELECT COUNT(*) FROM rate_events WHERE bucket = ? AND at >= ?",
                           (bucket, since))[0][0])
    if used >= limit:
        store.commit()
        return True
    if count:
        store.execute("INSERT INTO rate_events (bucket, at) VALUES (?, ?)", (bucket, iso(now)))
    store.commit()
    return False


def spend_once(store: Store, token: str, lifetime: timedelta) -> bool:
    """Record ``token`` (a form's own random part, with its purpose) as used: True the first
    time, False when it was spent before within ``lifetime`` (a form sent twice, or a token
    a script took once and sends again and again). Tokens past their lifetime are forgotten."""
    now = _now()
    store.execute("DELETE FROM spent_tokens WHERE expires_at < ?", (iso(now),))
    added = store.execute("INSERT INTO spent_tokens (token, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                          (token, iso(now + lifetime))).rowcount
    store.commit()
    return added == 1


def release(store: Store, token: str) -> None:
    """Give back a token ``spend_once`` took, for a form refused without effect (a field to
    mend, a limit reached): sent again, it is taken then."""
    store.execute("DELETE FROM spent_tokens WHERE token = ?", (token,))
    store.commit()


def clear_rate(store: Store, bucket: str) -> None:
    store.execute("DELETE FROM rate_events WHERE bucket = ?", (bucket,))
    store.commit()
