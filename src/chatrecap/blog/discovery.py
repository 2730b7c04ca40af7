"""Where a page we link to takes notifications: Webmention and Pingback endpoint discovery.

Webmention (W3C Recommendation, §3.1.2): fetch the target, following redirects; the first
HTTP ``Link`` header with the rel value ``webmention`` wins, else, in an HTML document, the
first ``<link>`` or ``<a>`` element in document order whose rel values include
``webmention`` and that has an ``href`` (an empty one names the page itself). A relative
URL is resolved against the page's final URL after redirects (webmention.rocks test 23),
or in HTML against the document's base URL, which is that same URL unless a ``<base
href>`` says otherwise, as a browser would resolve the link. The query string is kept as
it is. The HTML is parsed, never searched as text, so markup inside comments or written
as escaped text (``&lt;a rel="webmention"&gt;``) is not an endpoint.

Pingback 1.0 is the fallback for a page without a webmention endpoint: its ``X-Pingback``
header, else its first ``<link rel="pingback" href>``.

Every fetch goes through ``chatrecap.blog.fetch`` and its guard, so a link into a private
network is refused, not followed (FetchError, Refused).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup
from bs4.element import Tag

from chatrecap.blog.fetch import Fetched, Guard, fetch

WEBMENTION, PINGBACK = "webmention", "pingback"
HTML_TYPES = ("text/html", "application/xhtml+xml")
ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True, slots=True)
class Endpoint:
    protocol: str  # WEBMENTION or PINGBACK
    url: str  # absolute


@dataclass(frozen=True, slots=True)
class Discovery:
    """What fetching a target found: its final URL and status, and the endpoint, if any."""

    target: str
    url: str  # after redirects
    status: int
    endpoint: Endpoint | None


def discover(target: str, guard: Guard) -> Discovery:
    """Fetch ``target`` and find where it takes webmentions (or else pingbacks). Only a
    2xx page is searched. FetchError (Refused included) when it cannot be fetched."""
    page = fetch(target, guard, headers={"Accept": ACCEPT})
    endpoint = find_endpoint(page) if 200 <= page.status < 300 else None
    return Discovery(target, page.url, page.status, endpoint)


def find_endpoint(page: Fetched) -> Endpoint | None:
    """The page's webmention endpoint, else its pingback server, else None."""
    for url, rels in page.links:
        if WEBMENTION in rels:
            return Endpoint(WEBMENTION, url)
    html = _parse(page) if page.content_type in HTML_TYPES else None
    if html is not None:
        found = first_rel(html, page.url, WEBMENTION, ("link", "a"))
        if found is not None:
            return Endpoint(WEBMENTION, found)
    server = page.headers.get("x-pingback", "").strip()
    if server:
        return Endpoint(PINGBACK, urljoin(page.url, server))
    if html is not None:
        found = first_rel(html, page.url, PINGBACK, ("link",))
        if found is not None:
            return Endpoint(PINGBACK, found)
    return None


def first_rel(html: BeautifulSoup, page_url: str, rel: str, names: tuple[str, ...]) -> str | None:
    """The absolute href of the first element named in ``names`` (document order) whose
    rel values include ``rel`` and that has an href attribute."""
    for element in html.find_all(names):
        if rel in _rels(element) and element.has_attr("href"):
            return urljoin(base_url(html, page_url), _attr(element, "href").strip())
    return None


def base_url(html: BeautifulSoup, page_url: str) -> str:
    """The document's base URL: the first ``<base href>`` resolved against the page's URL,
    else the page's URL."""
    base = html.find("base", href=True)
    return urljoin(page_url, _attr(base, "href").strip()) if isinstance(base, Tag) else page_url


def _parse(page: Fetched) -> BeautifulSoup:
    return BeautifulSoup(page.text, "html.parser")


def _rels(element: Tag) -> set[str]:
    value = element.get("rel") or []
    words = value.split() if isinstance(value, str) else [w for part in value for w in part.split()]
    return {word.lower() for word in words}


def _attr(element: Tag, name: str) -> str:
    value = element.get(name)
    return " ".join(value) if isinstance(value, list) else (value or "")
