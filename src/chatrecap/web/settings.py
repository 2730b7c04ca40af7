"""Server settings: command-line options over environment variables over a config file.

The config file is TOML (``--config chatrecap.toml``), the same names as the options:

    db = "/srv/chatrecap/chatrecap.db"     # or a postgresql:// URL
    base_url = "https://recaps.example.org"
    smtp = "smtp://127.0.0.1:2525"          # smtp://, smtps:// or smtp+starttls://, user:pass@ allowed
    mail_from = "Recaps <recaps@example.org>"
    site_title = "#B2Bchat recaps"
    forwarded_allow_ips = "127.0.0.1"       # the proxy whose X-Forwarded-* headers are trusted
    fetch_allow = ""                        # private networks the server may fetch from, e.g. "10.0.0.0/8"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from chatrecap.errors import OptionError
from chatrecap.store import resolve_db
from chatrecap.zones import EXAMPLES, named_zone

ENV = {"db": "CHATRECAP_DB", "base_url": "CHATRECAP_BASE_URL", "smtp": "CHATRECAP_SMTP_URL",
       "mail_from": "CHATRECAP_MAIL_FROM", "site_title": "CHATRECAP_SITE_TITLE",
       "time_zone": "CHATRECAP_TIME_ZONE",
       "forwarded_allow_ips": "FORWARDED_ALLOW_IPS", "fetch_allow": "CHATRECAP_FETCH_ALLOW"}
SETTINGS_ENV = "CHATRECAP_SETTINGS"  # how `chatrecap serve` hands its settings to its workers


@dataclass(frozen=True, slots=True)
class Settings:
    db: str = "chatrecap.db"
    host: str = "127.0.0.1"
    port: int = 8000
    base_url: str | None = None  # https://example.org: absolute links, canonical URLs, mail
    smtp: str | None = None  # where outgoing mail goes; None: mail is kept queued
    mail_from: str = "chatrecap <chatrecap@localhost>"
    site_title: str = "Chat recaps"
    time_zone: str = "UTC"  # the zone published recaps show their times in ("America/New_York")
    forwarded_allow_ips: str = "127.0.0.1"  # proxies trusted for X-Forwarded-For/Proto
    workers: int = 1
    # Networks (CIDR, comma-separated) that fetching webmention and pingback sources, and
    # sending ours, may reach although they are not public: none unless configured.
    fetch_allow: str = ""
    # Cookies are Secure unless the site is plain http on loopback (a browser keeps a
    # Secure cookie for http://127.0.0.1 and http://localhost too, so this stays on).
    secure_cookies: bool = True
    comment_edit_minutes: int = 15
    min_fill_seconds: float = 3.0  # a comment form sent faster than this is a script's
    comment_max_links: int = 3
    comments_per_ip_per_hour: int = 20
    login_attempts_per_15_minutes: int = 5

    @property
    def site_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    def to_json(self) -> str:
        return orjson.dumps(asdict(self)).decode()

    @classmethod
    def from_json(cls, text: str) -> Settings:
        return cls(**orjson.loads(text))


def load_settings(config: Path | None = None, **given: Any) -> Settings:
    """Settings from the config file, then the environment, then ``given`` (non-None wins)."""
    values: dict[str, Any] = {}
    names = {f.name for f in fields(Settings)}
    if config is not None:
        try:
            data = tomllib.loads(Path(config).read_text(encoding="utf-8"))
        except OSError as exc:
            raise OptionError(f"{config}: cannot read the config file ({exc.strerror}).") from exc
        except tomllib.TOMLDecodeError as exc:
            raise OptionError(f"{config}: not valid TOML ({exc}).") from exc
        unknown = sorted(set(data) - names)
        if unknown:
            raise OptionError(f"{config}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(names))}.")
        values.update(data)
    for name, variable in ENV.items():
        if os.environ.get(variable):
            values[name] = os.environ[variable]
    values.update({k: v for k, v in given.items() if v is not None})
    settings = replace(Settings(), **values)
    settings = replace(settings, db=resolve_db(settings.db))
    if settings.base_url and urlsplit(settings.base_url).scheme not in ("http", "https"):
        raise OptionError(f"--base-url {settings.base_url!r} must start with http:// or https://.")
    if settings.smtp and urlsplit(settings.smtp).scheme not in ("smtp", "smtps", "smtp+starttls"):
        raise OptionError(f"--smtp {settings.smtp!r} must be smtp://host:port (or smtps://, "
                          "smtp+starttls://).")
    if named_zone(settings.time_zone, "time_zone") is None:
        raise OptionError(f"time_zone is empty; use an IANA name such as {EXAMPLES}.")
    if settings.fetch_allow:
        from chatrecap.blog.fetch import parse_allow

        try:
            parse_allow(settings.fetch_allow)
        except ValueError as exc:
            raise OptionError(f"{exc}.") from None
    return settings
