"""Pingback 1.0 received: pingback.ping over real XML-RPC from another blog, verified like a
webmention and shown as "Pingback: <source title>"; the fault codes; XML attacks (entity
expansion, external entities) refused by defusedxml; and answers that never depend on
what the source's network holds."""

from __future__ import annotations

import re
import shutil
import xmlrpc.client

import httpx
import pytest
from other_blog import running, wait_until
from test_web_comments import blog_db, executable_markup  # noqa: F401 - blog_db is a fixture
from test_web_mentions import Site, mentions_section, words

from chatrecap.blog import mentions

RECEIVED = "Pingback received; it will be shown once verified."


@pytest.fixture
def site(tmp_path, blog_db) -> Site:  # noqa: F811
    shutil.copy(blog_db, tmp_path / "w.db")
    return Site(tmp_path / "w.db")


def linking_page(target: str, title: str = "Notes on chat recaps") -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><p>I enjoyed "
            f'<a href="{target}">this recap</a>.</p></body></html>')


def call(site: Site, body: bytes | str, client=None):
    """POST an XML-RPC body to /xmlrpc: the HTTP answer and the parsed result or Fault."""
    answer = (client or site.client).post("/xmlrpc", content=body, headers={"Content-Type": "text/xml"})
    if answer.status_code != 200:
        return answer, None
    try:
        (result,), _ = xmlrpc.client.loads(answer.content)
    except xmlrpc.client.Fault as fault:
        result = fault
    return answer, result


def ping(site: Site, source: str, target: str | None = None, client=None):
    body = xmlrpc.client.dumps((source, site.target if target is None else target), "pingback.ping")
    return call(site, body, client)[1]


def fault_code(result) -> int | None:
    return result.faultCode if isinstance(result, xmlrpc.client.Fault) else None


# --- over real HTTP ---------------------------------------------------------------------------

def test_another_blog_pings_over_xmlrpc_and_the_pingback_is_verified_approved_and_shown(tmp_path,
                                                                                         blog_db,  # noqa: F811
                                                                                         other):
    shutil.copy(blog_db, tmp_path / "w.db")
    site = Site(tmp_path / "w.db")
    source = other.serve("/notes", linking_page(site.target, "Notes on chat recaps"))
    with running(site.app, site.port) as base:
        server = xmlrpc.client.ServerProxy(f"{base}/xmlrpc")
        assert server.pingback.ping(source, site.target) == RECEIVED
        wait_until(lambda: site.mention(source).status == "pending", what="the pingback's verification")
        mention = site.mention(source)
        assert (mention.protocol, mention.title, mention.author_name) == ("pingback", "Notes on chat recaps",
                                                                          "127.0.0.1")
        assert other.requests == ["/notes"]
        with pytest.raises(xmlrpc.client.Fault) as again:
            server.pingback.ping(source, site.target)
        assert again.value.faultCode == 0x30
        queue = site.admin_client.get("/admin/mentions").text
        assert "Pingback" in queue and "Notes on chat recaps" in queue
        assert site.moderate("approve", mention.id).status_code == 303
        page = httpx.get(f"{base}/posts/{site.post.slug}").text
    assert pieces_of_pingbacks(page) == [("Pingback: Notes on chat recaps", source)]
    assert executable_markup(page) == []


def pieces_of_pingbacks(page: str) -> list[tuple[str, str]]:
    section = mentions_section(page) or ""
    return [(words(item), href) for item, href in
            re.findall(r'<li class="pingback"[^>]*>(.*?href="([^"]*)".*?)</li>', section, re.S)]


# --- the faults ---------------------------------------------------------------------------------

def test_each_fault_the_checks_without_a_fetch_can_give(site, other):
    source = other.serve("/notes", linking_page(site.target))
    base = site.settings.site_url
    assert fault_code(ping(site, "ftp://peer.example/notes")) == 0x10
    assert fault_code(ping(site, "not a url")) == 0x10
    assert fault_code(ping(site, source, "https://elsewhere.example/posts/x")) == 0x21
    assert fault_code(ping(site, source, f"{base}/tags/B2Bchat")) == 0x21
    assert fault_code(ping(site, source, "mailto:someone@example.org")) == 0x21
    assert fault_code(ping(site, source, f"{base}/posts/no-such-post")) == 0x20
    assert fault_code(ping(site, site.target)) == 0  # the source is the target
    assert ping(site, source) == RECEIVED
    assert fault_code(ping(site, source)) == 0x30
    assert site.store.query("SELECT COUNT(*) FROM mentions")[0][0] == 1


def test_a_rejected_pingback_may_be_sent_again(site, other):
    source = other.serve("/notes", "<html><body>No link yet.</body></html>")
    assert ping(site, source) == RECEIVED
    site.verify()
    assert site.mention(source).status == "rejected"
    other.serve("/notes", linking_page(site.target))
    assert ping(site, source) == RECEIVED
    site.verify()
    assert site.mention(source).status == "pending"


def _call(method: str, params: str) -> str:
    return (f"<?xml version='1.0'?><methodCall><methodName>{method}</methodName>"
            f"<params>{params}</params></methodCall>")


def _param(value: str) -> str:
    return f"<param><value>{value}</value></param>"


@pytest.mark.parametrize("body, code", [
    ("this is not XML", -32700),
    ("<methodCall><methodName>pingback.ping</methodName>", -32700),
    ("<?xml version='1.0'?><methodResponse><params/></methodResponse>", -32600),
    ('<?xml version="1.0" encoding="utf-7"?><methodCall><methodName>x</methodName></methodCall>', -32700),
    ('<?xml version="1.0" encoding="klingon"?><methodCall><methodName>x</methodName></methodCall>', -32700),
    (_call("system.listMethods", ""), -32601),
    (_call("weblogUpdates.ping", _param("<string>a</string>") * 2), -32601),
    (_call("pingback.ping", _param("<string>https://peer.example/a</string>")), -32602),
    (_call("pingback.ping", _param("<string>https://peer.example/a</string>") + _param("<int>3</int>")),
     -32602),
    (_call("pingback.ping", _param("<string>a</string>") * 3), -32602),
])
def test_malformed_calls_get_the_xmlrpc_faults(site, body, code):
    answer, result = call(site, body)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/xml")
    assert fault_code(result) == code, result
    assert site.store.query("SELECT COUNT(*) FROM mentions")[0][0] == 0


def test_untyped_values_are_strings(site, other):
    source = other.serve("/notes", linking_page(site.target))
    _, result = call(site, _call("pingback.ping", _param(source) + _param(site.target)))
    assert result == RECEIVED


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<methodCall><methodName>pingback.ping</methodName><params>
<param><value><string>&lol9;</string></value></param>
<param><value><string>TARGET</string></value></param>
</params></methodCall>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE call [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<methodCall><methodName>pingback.ping</methodName><params>
<param><value><string>https://peer.example/&secret;</string></value></param>
<param><value><string>TARGET</string></value></param>
</params></methodCall>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entity_expansion_and_external_entities_are_refused_before_reading_them(site, body):
    answer, result = call(site, body.replace("TARGET", site.target))
    assert fault_code(result) == -32700
    assert "DTDs and entities are not accepted" in result.faultString
    assert "root:" not in answer.text
    assert site.store.query("SELECT COUNT(*) FROM mentions")[0][0] == 0


def test_a_body_over_the_cap_is_refused_and_get_is_not_allowed(site):
    answer, _ = call(site, _call("pingback.ping", _param("x" * 70_000) * 2))
    assert answer.status_code == 413
    assert site.client.get("/xmlrpc").status_code == 405


def test_the_answer_never_depends_on_the_source_network(tmp_path, blog_db, other):  # noqa: F811
    """A prober learns nothing from the answer: a loopback page, an unroutable private
    address and a name that does not resolve all get the same success, with no fetch made."""
    shutil.copy(blog_db, tmp_path / "w.db")
    site = Site(tmp_path / "w.db", fetch_allow="")
    probes = [other.serve("/admin", linking_page(site.target)), "http://10.255.255.1/router",
              "http://no-such-host.invalid/", "http://169.254.169.254/latest/meta-data/"]
    assert [ping(site, probe) for probe in probes] == [RECEIVED] * 4
    assert other.requests == []
    site.verify()
    assert other.requests == []  # refused by the guard: never connected to
    checked = {p: (site.mention(p).status, site.mention(p).error) for p in probes}
    assert checked == {
        probes[0]: ("rejected", "refused: 127.0.0.1: 127.0.0.1 is not a public address"),
        probes[1]: ("rejected", "refused: 10.255.255.1: 10.255.255.1 is not a public address"),
        probes[2]: ("received", "no-such-host.invalid: the name does not resolve; will try again"),
        probes[3]: ("rejected", "refused: 169.254.169.254: 169.254.169.254 is not a public address")}
    assert mentions_section(site.page()) is None


def test_pingbacks_share_the_rate_limit_of_webmentions(site, other):
    source = other.serve("/notes", linking_page(site.target))
    for n in range(mentions.PER_IP_PER_HOUR - 1):
        assert site.send(f"https://peer.example/{n}").status_code == 201
    assert ping(site, source) == RECEIVED
    assert fault_code(ping(site, other.url("/other"))) == 0x31
