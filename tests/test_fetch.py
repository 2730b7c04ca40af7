"""The guarded fetcher: only public addresses unless allowed, each redirect hop checked,
one DNS answer per connection, a deadline and a size cap. Real HTTP servers on loopback."""

from __future__ import annotations

import http.server
import ipaddress
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest

from chatrecap.blog.fetch import (
    FetchError,
    Guard,
    Refused,
    TooLarge,
    fetch,
    guard_for,
    is_public,
    parse_allow,
    parse_link_header,
)
from chatrecap.errors import OptionError
from chatrecap.web.settings import Settings, load_settings

LOOPBACK = Guard(allow=parse_allow("127.0.0.1/32"))


class Peer(http.server.ThreadingHTTPServer):
    """A small site on 127.0.0.1 that counts the requests it gets."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that stops reading (the size cap, the deadline) is what these tests do."""


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Peer

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.server.requests.append(self.path)
        path, _, query = self.path.partition("?")
        if path == "/page":
            self._answer(200, b"<p>hello</p>", {"Link": '</endpoint?a=1>; rel="webmention"'})
        elif path == "/to":  # /to?<location>: a redirect there
            self._answer(302, b"", {"Location": query})
        elif path.startswith("/hops/"):  # /hops/N: N more redirects, then the page
            left = int(path.rsplit("/", 1)[1])
            self._answer(302, b"", {"Location": f"/hops/{left - 1}" if left else "/page"})
        elif path == "/big":
            self._answer(200, b"x" * 2_000_000)
        elif path == "/big-chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"%x\r\n%s\r\n" % (50_000, b"y" * 50_000))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/slow":
            time.sleep(3)
            self._answer(200, b"late")
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b".")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/slow-headers":  # a header line now and then, never the body
            self.send_response(200)
            for n in range(30):
                self.send_header(f"X-Wait-{n}", "1")
                self.flush_headers()
                time.sleep(0.2)
            self.end_headers()
        elif path == "/deflate-in-two":  # a zlib stream whose first byte comes alone
            body = _packed("deflate", 1000)
            self.send_response(200)
            self.send_header("Content-Encoding", "deflate")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:1])
            self.wfile.flush()
            time.sleep(0.2)
            self.wfile.write(body[1:])
        elif path.startswith("/encoded/"):  # /encoded/<coding>/<bytes of zeros>
            _, _, coding, size = path.split("/")
            self._answer(200, _packed(coding, int(size)), {"Content-Encoding": coding.removeprefix("raw-")})
        else:
            self._answer(404, b"no")

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _packed(coding: str, zeros: int) -> bytes:
    """"<p>000...</p>" compressed a megabyte at a time (a bomb is never whole in memory)."""
    wbits = {"gzip": 31, "deflate": 15, "raw-deflate": -15}.get(coding)
    if wbits is None:  # (a coding we do not read: the bytes are never looked at)
        return b"<p>" + b"0" * zeros + b"</p>"
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    parts = [packer.compress(b"<p>")]
    for start in range(0, zeros, 1 << 20):
        parts.append(packer.compress(b"0" * min(1 << 20, zeros - start)))
    return b"".join([*parts, packer.compress(b"</p>"), packer.flush()])


@pytest.fixture
def peer() -> Iterator[Peer]:
    server = Peer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("address, public", [
    ("8.8.8.8", True), ("2606:4700:4700::1111", True),
    ("127.0.0.1", False), ("127.9.9.9", False), ("10.1.2.3", False), ("172.16.0.1", False),
    ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False),
    ("224.0.0.1", False), ("255.255.255.255", False), ("192.0.2.1", False),
    ("::1", False), ("::", False), ("fe80::1", False), ("fc00::1", False), ("ff02::1", False),
    ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False), ("2002:7f00:1::1", False),
    ("2002:a00:1::1", False), ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),
    # NAT64 (10.0.0.1, 127.0.0.1 through the gateway; 8.8.8.8 is fine), its local-use prefix,
    # and the deprecated IPv4-compatible form, which ipaddress calls global
    ("64:ff9b::a00:1", False), ("64:ff9b::7f00:1", False), ("64:ff9b::808:808", True),
    ("64:ff9b:1::a00:1", False), ("::10.0.0.1", False), ("::127.0.0.1", False), ("::8.8.8.8", False),
])
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_a_public_page_is_fetched_when_its_network_is_allowed(peer: Peer) -> None:
    page = fetch(f"{peer.base}/page", LOOPBACK)
    assert (page.status, page.content, page.url) == (200, b"<p>hello</p>", f"{peer.base}/page")
    assert page.links == [(f"{peer.base}/endpoint?a=1", frozenset({"webmention"}))]
    missing = fetch(f"{peer.base}/nothing", LOOPBACK)
    assert missing.status == 404  # an answer, not an error


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "0x7f.1", "[::ffff:127.0.0.1]"])
def test_loopback_is_refused_by_default(peer: Peer, host: str) -> None:
    with pytest.raises(Refused, match="not a public address"):
        fetch(f"http://{host}:{peer.server_port}/page", Guard())
    assert peer.requests == []


@pytest.mark.parametrize("url", ["http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/",
                                 "http://[::1]/", "http://[fe80::1]/", "http://0.0.0.0/"])
def test_private_and_link_local_addresses_are_refused_before_connecting(url: str) -> None:
    started = time.monotonic()
    with pytest.raises(Refused):
        fetch(url, Guard())
    assert time.monotonic() - started < 1


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/", "gopher://127.0.0.1:25/",
                                 "javascript:alert(1)", "http:///path", "http://example.org:99999/"])
def test_only_http_and_https_urls_are_fetched(url: str) -> None:
    with pytest.raises(Refused):
        fetch(url, Guard())


@pytest.mark.parametrize("location", ["http://127.0.0.2:{port}/page", "http://10.0.0.1/",
                                      "http://169.254.169.254/", "http://[::1]:{port}/page",
                                      "file:///etc/passwd", "http://[::ffff:10.0.0.1]/"])
def test_a_redirect_into_a_private_address_is_refused(peer: Peer, location: str) -> None:
    # 127.0.0.1 is allowed here, so the first hop is fetched; the second must be checked again.
    with pytest.raises(Refused):
        fetch(f"{peer.base}/to?{location.format(port=peer.server_port)}", LOOPBACK)
    assert peer.requests == [f"/to?{location.format(port=peer.server_port)}"]


def test_redirects_are_followed_up_to_five(peer: Peer) -> None:
    page = fetch(f"{peer.base}/hops/4", LOOPBACK)  # 5 redirects: /hops/4 .. /hops/0
    assert page.content == b"<p>hello</p>" and len(page.redirects) == 5
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(f"{peer.base}/hops/5", LOOPBACK)


def test_a_dns_answer_that_changes_after_the_check_is_never_used(peer: Peer) -> None:
    """The name is resolved once per connection and the socket connects to the address
    just checked: a rebinding resolver (public first, loopback after) gets no second ask."""
    answers: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        answers.append(host)
        return ["203.0.114.1"] if len(answers) == 1 else ["127.0.0.1"]

    with pytest.raises(FetchError):
        fetch(f"http://rebind.example:{peer.server_port}/page", Guard(resolver=rebinding), timeout=1.0)
    assert answers == ["rebind.example"]
    assert peer.requests == []


def test_a_name_with_one_private_address_among_public_ones_is_refused(peer: Peer) -> None:
    mixed = Guard(resolver=lambda host, port: ["203.0.114.1", "127.0.0.1"])
    with pytest.raises(Refused, match="127.0.0.1 is not a public address"):
        fetch(f"http://mixed.example:{peer.server_port}/page", mixed)
    assert peer.requests == []


def test_a_name_that_resolves_to_loopback_is_refused_by_default(peer: Peer) -> None:
    with pytest.raises(Refused):
        fetch(f"http://blog.example:{peer.server_port}/page", Guard(resolver=lambda h, p: ["127.0.0.1"]))
    assert peer.requests == []


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_more_than_a_megabyte_is_refused(peer: Peer, path: str) -> None:
    with pytest.raises(FetchError, match="larger than 1000000 bytes"):
        fetch(f"{peer.base}{path}", LOOPBACK)


@pytest.mark.parametrize("path", ["/slow", "/trickle"])
def test_one_deadline_for_the_whole_fetch(peer: Peer, path: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(f"{peer.base}{path}", LOOPBACK, timeout=1.0)
    assert time.monotonic() - started < 2.5


def test_a_header_line_now_and_then_does_not_hold_the_fetch(peer: Peer) -> None:
    """Each read had its own timeout: a header line every few seconds held a worker for as
    long as the other side liked."""
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        fetch(f"{peer.base}/slow-headers", LOOPBACK, timeout=1.0)
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("coding", ["gzip", "deflate", "raw-deflate"])
def test_a_compressed_answer_is_expanded_only_up_to_the_cap(peer: Peer, coding: str) -> None:
    """A server may compress though we asked for identity: the page reads as it should, and
    a small body that expands to a gigabyte stops at the cap, not in memory."""
    assert fetch(f"{peer.base}/encoded/{coding}/1000", LOOPBACK).content == b"<p>" + b"0" * 1000 + b"</p>"
    assert fetch(f"{peer.base}/deflate-in-two", LOOPBACK).content == b"<p>" + b"0" * 1000 + b"</p>"
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            fetch(f"{peer.base}/encoded/{coding}/200000000", LOOPBACK)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000  # (bytes: the 200 MB it expands to are never held)


def test_a_coding_we_did_not_ask_for_is_refused(peer: Peer) -> None:
    """httpx expands zstd (and brotli) a whole network read at a time: 32 kB became 1 GB.
    A word that is no coding ("none", "UTF-8"), as some servers write, is no coding."""
    with pytest.raises(FetchError, match="zstd-encoded, which we did not ask for"):
        fetch(f"{peer.base}/encoded/zstd/1000", LOOPBACK)
    for word in ("none", "UTF-8", "identity"):
        assert fetch(f"{peer.base}/encoded/{word}/10", LOOPBACK).content == b"<p>0000000000</p>"


@pytest.mark.parametrize("url", ["http://0177.0.0.1:8099/", "http://\u2460\u2461\u2466.0.0.1:8099/"])
def test_a_host_httpx_cannot_read_is_refused(url: str) -> None:
    with pytest.raises(FetchError):
        fetch(url, Guard())


def test_a_proxy_in_the_environment_is_not_used(peer: Peer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.1:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.0.0.1:3128")
    assert fetch(f"{peer.base}/page", LOOPBACK).status == 200


def test_the_allowlist_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    assert guard_for(Settings()).allow == ()
    assert not guard_for(Settings()).permits(ipaddress.ip_address("127.0.0.1"))
    monkeypatch.setenv("CHATRECAP_FETCH_ALLOW", "127.0.0.0/8, 10.1.0.0/16")
    settings = load_settings(db=str(tmp_path / "w.db"))
    guard = guard_for(settings)
    assert guard.permits(ipaddress.ip_address("127.0.0.5"))
    assert guard.permits(ipaddress.ip_address("10.1.2.3"))
    assert not guard.permits(ipaddress.ip_address("10.2.0.1"))
    monkeypatch.setenv("CHATRECAP_FETCH_ALLOW", "127.0.0.0/8, intranet")
    with pytest.raises(OptionError, match="'intranet' is not an address or CIDR network"):
        load_settings(db=str(tmp_path / "w.db"))


@pytest.mark.parametrize("value, expected", [
    ('<https://a.example/wm>; rel="webmention"', [("https://a.example/wm", {"webmention"})]),
    ("<wm>; rel=webmention", [("wm", {"webmention"})]),
    ('<a>; rel="webmention other", <b>; rel=next', [("a", {"webmention", "other"}), ("b", {"next"})]),
    ('<a,b>; title="x, y; z"; rel="WebMention"', [("a,b", {"webmention"})]),
    ("<a>; rel=not-webmention", [("a", {"not-webmention"})]),
    ("<a>", [("a", set())]),
])
def test_link_headers(value: str, expected: list) -> None:
    assert [(url, set(rels)) for url, rels in parse_link_header(value)] == expected
