"""Fetching pages other people name: webmention and pingback sources, our links' endpoints.

Anyone on the web can make the server fetch a URL of their choosing (send a webmention with
that source), so every fetch is an SSRF risk: a prober could reach the admin panel of a
router on the server's network, a cloud metadata service at 169.254.169.254, or a database
on loopback, and learn from our answers what is there. Hence:

- only http and https, on any port;
- every address a host name resolves to must be public (``ipaddress``'s ``is_global``,
  not multicast; IPv4 inside IPv6 forms checked as IPv4) unless the configured allowlist
  (``Settings.fetch_allow``, CIDRs) says otherwise. One private address among public ones
  refuses the host: we could not tell which one a later connection would use;
- the name is resolved once per connection, by the connection itself, and the socket
  connects to an address it has just checked: a host whose DNS answer changes between a
  check and the fetch (DNS rebinding) gets no second look-up to change;
- redirects are followed by hand, at most ``MAX_REDIRECTS``, each hop checked again;
- one deadline for the whole fetch (``TIMEOUT`` seconds), held by every read and write of
  its connections, the headers' too: a server trickling a byte a second, or a header line
  every few seconds, cannot hold a worker;
- at most ``MAX_BYTES`` kept, counted after decompression, which we do ourselves a block
  at a time (gzip and deflate only, though we ask for none): a 30 kB zstd answer that
  expands to gigabytes never expands past the cap;
- no proxy from the environment (it would connect where we did not check), no cookies.

httpx does the HTTP; the address check sits in its connection layer (an httpcore network
backend), the one place every connection passes through.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

import httpcore
import httpx

from chatrecap import __version__

TIMEOUT = 5.0
MAX_BYTES = 1_000_000
MAX_REDIRECTS = 5
USER_AGENT = f"chatrecap/{__version__} (webmention and pingback verification)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
WEB_SCHEMES = ("http", "https")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], list[str]]


class FetchError(Exception):
    """The page could not be fetched; ``str()`` is a one-line reason, safe to log."""


class Refused(FetchError):
    """The URL's scheme or one of its host's addresses is not allowed."""


class TooLarge(FetchError):
    """The page is over the size cap: asking again would fetch it again, to no end."""


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses, as the system resolver gives them (an IP literal is itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"{host}: the name does not resolve") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


#: IPv6 forms that carry an IPv4 address in their last 32 bits: NAT64's well-known prefix
#: (RFC 6052) reaches it through the gateway; its local-use prefix (RFC 8215) and the
#: deprecated IPv4-compatible form are never public.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NEVER_PUBLIC = (ipaddress.IPv6Network("64:ff9b:1::/48"), ipaddress.IPv6Network("::/96"))


def is_public(address: Address) -> bool:
    """A globally routable unicast address, looking inside IPv4-mapped, 6to4, Teredo and
    NAT64 forms (``ipaddress`` calls ``64:ff9b::a00:1``, which is 10.0.0.1, global)."""
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in net for net in _NEVER_PUBLIC):
            return False
        inner = [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
        if address.teredo:
            inner.extend(address.teredo)
        if address in _NAT64:
            inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if any(not is_public(a) for a in inner):
            return False
    return address.is_global and not address.is_multicast


@dataclass(frozen=True, slots=True)
class Guard:
    """Which addresses may be connected to: public ones, and those in ``allow``."""

    allow: tuple[Network, ...] = ()
    resolver: Resolver = resolve

    def permits(self, address: Address) -> bool:
        return is_public(address) or any(address in network for network in self.allow)

    def addresses(self, host: str, port: int) -> list[str]:
        """The host's addresses if every one of them is permitted; Refused otherwise."""
        found = self.resolver(host, port)
        if not found:
            raise FetchError(f"{host}: the name does not resolve")
        for text in found:
            address = ipaddress.ip_address(text.split("%", 1)[0])
            if not self.permits(address):
                raise Refused(f"{host}: {address} is not a public address")
        return found


def parse_allow(text: str) -> tuple[Network, ...]:
    """``"127.0.0.0/8, 10.1.0.0/16"`` as networks; ValueError names a bad entry."""
    networks = []
    for item in (part.strip() for part in text.split(",")):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"fetch_allow: {item!r} is not an address or CIDR network") from None
    return tuple(networks)


def guard_for(settings: Any) -> Guard:
    """The guard a server's settings ask for (``fetch_allow``, empty by default)."""
    return Guard(allow=parse_allow(getattr(settings, "fetch_allow", "") or ""))


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses the guard permits, resolving the name exactly once; every
    read and write of the connection ends by ``deadline`` (time.monotonic)."""

    def __init__(self, guard: Guard, deadline: float) -> None:
        self.guard = guard
        self.deadline = deadline

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: Any = None) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in self.guard.addresses(host, port):
            try:
                stream = super().connect_tcp(address, port, timeout=_left(self.deadline, timeout),
                                             local_address=local_address, socket_options=socket_options)
                return _DeadlineStream(stream, self.deadline)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        raise FetchError(f"{host}:{port}: cannot connect ({last})")


def _left(deadline: float, timeout: float | None) -> float:
    """The time an operation may take: its own timeout, but never past the deadline."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the fetch's time is up")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the fetch's deadline (httpx's timeouts are
    per operation: a header line every few seconds would never time out)."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float) -> None:
        self._stream = stream
        self._deadline = deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(self._deadline, timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(self._deadline, timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname,
                                                      _left(self._deadline, timeout)), self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Body(httpx.SyncByteStream):
    def __init__(self, stream: Any, host: str) -> None:
        self._stream = stream
        self._host = host

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._stream
        except httpcore.TimeoutException as exc:
            raise FetchError(f"{self._host}: timed out") from exc
        except (httpcore.ProtocolError, httpcore.NetworkError) as exc:
            raise FetchError(f"{self._host}: the answer broke off ({exc})") from exc

    def close(self) -> None:
        if hasattr(self._stream, "close"):
            self._stream.close()


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every fetch: making one loads the CA bundle (~0.1 s)."""
    return httpx.create_ssl_context()


class _GuardedTransport(httpx.BaseTransport):
    """httpx over an httpcore pool whose every connection goes through the guard."""

    def __init__(self, guard: Guard, deadline: float) -> None:
        backend = _GuardedBackend(guard, deadline)
        self._pool = httpcore.ConnectionPool(ssl_context=_tls(), network_backend=backend, max_connections=4)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
            headers=request.headers.raw, content=request.stream, extensions=request.extensions)
        try:
            answer = self._pool.handle_request(core)
        except httpcore.TimeoutException as exc:
            raise FetchError(f"{url.host}: timed out") from exc
        except httpcore.ProtocolError as exc:
            raise FetchError(f"{url.host}: not a valid HTTP answer ({exc})") from exc
        except httpcore.NetworkError as exc:
            raise FetchError(f"{url.host}: connection failed ({exc})") from exc
        return httpx.Response(status_code=answer.status, headers=answer.headers,
                              stream=_Body(answer.stream, str(url.host)), extensions=answer.extensions)

    def close(self) -> None:
        self._pool.close()


@dataclass(slots=True)
class Fetched:
    """The final answer after redirects: its URL, status, headers and (capped) body."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes
    redirects: list[str] = field(default_factory=list)  # the URLs that redirected, in order

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def text(self) -> str:
        match = re.search(r'charset="?([\w.:-]+)', self.headers.get("content-type", ""), re.I)
        try:
            return self.content.decode(match.group(1) if match else "utf-8", errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    @property
    def links(self) -> list[tuple[str, frozenset[str]]]:
        """The HTTP Link headers' targets (absolute) with their rel values, in order."""
        return [(urljoin(self.url, target), rels)
                for value in self.headers.get_list("link") for target, rels in parse_link_header(value)]


_LINK = re.compile(r'\s*<([^>]*)>((?:\s*;\s*[^;,=\s]+\s*(?:=\s*(?:"(?:[^"\\]|\\.)*"|[^;,]*))?)*)\s*(?:,|$)')
_PARAM = re.compile(r';\s*([^;,=\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;,]*))?')


def parse_link_header(value: str) -> list[tuple[str, frozenset[str]]]:
    """RFC 8288 ``Link`` values: ``<url>; rel="a b"`` pairs, rel values lower-cased."""
    found = []
    for match in _LINK.finditer(value):
        if not match.group(0).strip():
            continue
        rels: frozenset[str] = frozenset()
        for name, raw in _PARAM.findall(match.group(2)):
            if name.lower() == "rel" and not rels:
                rels = frozenset(raw.strip().strip('"').lower().split())
        found.append((match.group(1).strip(), rels))
    return found


def split_url(url: str) -> SplitResult | None:
    """``url`` split (its scheme lower-cased); None when it does not parse: a bad IPv6
    literal, a port that is not a number or out of range."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return None
    return parts


def web_parts(url: str) -> SplitResult | None:
    """``url`` split if it is an absolute http(s) URL with a host and a valid port; else None."""
    parts = split_url(url)
    return parts if parts is not None and parts.scheme in WEB_SCHEMES and parts.hostname else None


def check_url(url: str) -> str:
    """The URL if it is an absolute http(s) URL with a host; Refused otherwise."""
    parts = split_url(url)
    if parts is None:
        raise Refused(f"{url[:200]}: not a valid URL")
    if parts.scheme not in WEB_SCHEMES:
        raise Refused(f"{url[:200]}: only http and https URLs are fetched")
    if not parts.hostname:
        raise Refused(f"{url[:200]}: the URL has no host")
    return url


def fetch(url: str, guard: Guard, *, method: str = "GET", data: dict[str, str] | bytes | None = None,
          headers: dict[str, str] | None = None, follow_redirects: bool = True,
          max_redirects: int = MAX_REDIRECTS, timeout: float = TIMEOUT,
          max_bytes: int = MAX_BYTES) -> Fetched:
    """Fetch ``url`` under the guard: the final answer, whatever its status (4xx and 5xx
    are answers too). FetchError (Refused for a forbidden address) otherwise."""
    deadline = time.monotonic() + timeout
    redirects: list[str] = []
    sent_headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", **(headers or {})}
    with httpx.Client(transport=_GuardedTransport(guard, deadline), trust_env=False,
                      follow_redirects=False) as client:
        while True:
            check_url(url)
            left = deadline - time.monotonic()
            if left <= 0:
                raise FetchError(f"{urlsplit(url).hostname}: timed out")
            content = data if isinstance(data, bytes) else None
            form = data if isinstance(data, dict) else None
            try:
                with client.stream(method, url, headers=sent_headers, content=content, data=form,
                                   timeout=httpx.Timeout(left)) as answer:
                    if follow_redirects and answer.status_code in _REDIRECTS and "location" in answer.headers:
                        if len(redirects) >= max_redirects:
                            raise FetchError(f"{url[:200]}: more than {max_redirects} redirects")
                        redirects.append(url)
                        url = urljoin(url, answer.headers["location"])
                        status = answer.status_code
                        if status == 303 or (status in (301, 302) and method == "POST"):
                            method, data = "GET", None  # as browsers do
                        continue
                    body = _read(answer, deadline, max_bytes, url)
                    return Fetched(url=str(answer.url), status=answer.status_code, headers=answer.headers,
                                   content=body, redirects=redirects)
            except httpx.InvalidURL as exc:  # ("http://①②⑦.0.0.1/": no host httpx takes)
                raise Refused(f"{url[:200]}: not a valid URL") from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"{url[:200]}: {type(exc).__name__}") from exc


def _read(answer: httpx.Response, deadline: float, max_bytes: int, url: str) -> bytes:
    declared = answer.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"{url[:200]}: larger than {max_bytes} bytes")
    expand = _expander(answer.headers.get("content-encoding", ""), url)
    chunks, size = [], 0
    for raw in answer.iter_raw():  # as sent: expanded here, a block at a time
        chunk = expand(raw, max_bytes + 1 - size)
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"{url[:200]}: larger than {max_bytes} bytes")
        if time.monotonic() > deadline:
            raise FetchError(f"{urlsplit(url).hostname}: timed out")
        chunks.append(chunk)
    return b"".join(chunks)


#: Codings that expand what is sent and that we do not read (we ask for none); any other
#: word a server writes there ("none", "UTF-8", "binary") is taken for identity, as httpx does.
_REFUSED_CODINGS = frozenset({"br", "zstd", "compress", "x-compress", "x-bzip2", "bzip2", "xz"})


def _expander(encoding: str, url: str) -> Callable[[bytes, int], bytes]:
    """What turns the body's bytes as sent into at most ``limit`` bytes of content: nothing
    for identity, zlib for gzip and deflate (a server may send them though we asked for
    neither), a FetchError for the codings that expand in ways we do not read."""
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
    if any(c in _REFUSED_CODINGS for c in codings):
        raise FetchError(f"{url[:200]}: the answer is {encoding.strip()}-encoded, which we did not ask for")
    codings = [c for c in codings if c in ("gzip", "x-gzip", "deflate")]
    if not codings:
        return lambda data, limit: data
    if len(codings) > 1:
        raise FetchError(f"{url[:200]}: the answer is encoded twice ({encoding.strip()})")
    decompressors: list[Any] = []  # made on the first bytes: deflate may come without its zlib header
    waiting = bytearray()  # (until two bytes tell which)

    def expand(data: bytes, limit: int) -> bytes:
        if not decompressors:
            waiting.extend(data)
            if len(waiting) < 2 and data:
                return b""
            data = bytes(waiting)
            if not data:
                return b""
            wrapped = codings[0] != "deflate" or (len(data) > 1 and data[0] & 0x0F == 8
                                                  and int.from_bytes(data[:2], "big") % 31 == 0)
            decompressors.append(zlib.decompressobj(zlib.MAX_WBITS | 32 if wrapped else -zlib.MAX_WBITS))
        z = decompressors[0]
        try:
            out = z.decompress(data, limit)
        except zlib.error as exc:
            raise FetchError(f"{url[:200]}: the answer's encoding is broken") from exc
        return out + b"\0" if z.unconsumed_tail else out  # (more than the limit from this block alone)

    return expand
