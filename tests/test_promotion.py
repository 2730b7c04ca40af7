"""Self-promotion ("it is not about you"): the example's pitcher, and each rule by hand."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from importlib.resources import files

import pytest

from chatrecap.analysis.corpus import ChatPost, Corpus, Participant
from chatrecap.analysis.promotion import self_promotion

TRUTH = json.loads((files("chatrecap") / "examples" / "b2bchat-example.truth.json").read_text())
T0 = datetime(2024, 5, 2, 17, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def example(example_corpus) -> Corpus:
    return example_corpus


def test_the_example_self_promoter_stands_out(example):
    promo = self_promotion(example)
    ids = {a.handle: a.id for a in example.authors.values()}
    pitcher = promo[ids[TRUTH["self_promoter"]]]
    assert pitcher.share >= 0.8
    assert max(promo.values(), key=lambda p: (p.share, p.promotional)) is pitcher
    assert pitcher.evidence and pitcher.reasons["own site"] == pitcher.promotional
    people = {ids[h] for h in TRUTH["people"] if h in ids} - {ids[TRUTH["self_promoter"]]}
    posts = Counter(p.author_id for p in example.posts if not p.is_repost and p.author_id in people)
    for author_id, _ in posts.most_common(10):  # the busiest answerers are not selling
        assert promo[author_id].share <= 0.3, example.authors[author_id].handle


class Chat:
    def __init__(self, chat: str = "#GardenChat") -> None:
        self.chat, self.posts, self.people = chat, [], {}

    def person(self, handle: str, bio: str | None = None, url: str | None = None) -> None:
        self.people[f"x:{handle}"] = Participant(f"x:{handle}", handle, None, bio, 100, url, None, None, None)

    def post(self, handle: str, text: str, urls: tuple[str, ...] = (), repost_of: str | None = None) -> str:
        pid = f"p{len(self.posts) + 1:03d}"
        if f"x:{handle}" not in self.people:
            self.person(handle)
        self.posts.append(ChatPost(pid, "x", f"x:{handle}", handle, T0 + timedelta(minutes=len(self.posts)),
                                   text, None, None, None, repost_of, (), (), urls, 0, 0, 0, 0, None, True))
        return pid

    def promotion(self):
        return self_promotion(Corpus(self.chat, self.posts, {}, self.people))


def promoted(chat: Chat) -> set[str]:
    """Ids of the posts found to sell."""
    return {pid for promo in chat.promotion().values() for pid in promo.evidence}


def test_a_link_to_ones_own_site_sells():
    chat = Chat()
    chat.person("jane", "Writer.", "https://www.janedoe.example")
    own = chat.post("jane", "A1: Write for one reader.", ("https://janedoe.example/blog/one-reader",))
    other = chat.post("jane", "A2: This study changed my mind", ("https://research.example/trust",))
    chat.person("lin", "Analyst", "https://linkedin.com/in/lin")
    profile = chat.post("lin", "A1: My notes", ("https://www.linkedin.com/in/lin/recent-activity",))
    elsewhere = chat.post("lin", "A2: Great post by a friend", ("https://linkedin.com/in/someone-else",))
    assert promoted(chat) == {own, profile}
    assert other not in promoted(chat) and elsewhere not in promoted(chat)
    promo = chat.promotion()
    assert promo["x:jane"].reasons == {"own site": 1} and promo["x:jane"].share == 0.5


def test_a_link_in_the_bio_is_ones_own_site():
    """#PSTweetChat's @PSJamesP: "CEO and Executive Director @DevOpsOrg and @PSHorg |
    http://PowerShell.org", whose posts link to powershell.org, sold 0% of the time."""
    chat = Chat()
    chat.person("james", "CEO @DevOpsOrg and @PSHorg | http://PowerShell.org | MVP", "http://www.scripts.example")
    calendar = chat.post("james", "Checkout the new community calendar", ("https://powershell.org/calendar",))
    named = chat.post("james", "Big news: @pshorg opens the Summit call for papers", ())
    other = chat.post("james", "Great read", ("https://research.example/trust",))
    assert promoted(chat) == {calendar, named} and other not in promoted(chat)
    # A bio link on a site many share is the person's own path there, not the whole site.
    chat.person("jane", "Organizer https://www.meetup.com/Chicago-PowerShell | Talks: https://sessionize.com/jane")
    group = chat.post("jane", "Next meetup", ("https://meetup.com/Chicago-PowerShell/events/1",))
    elsewhere = chat.post("jane", "Great group", ("https://www.meetup.com/Other-Group/",))
    assert group in promoted(chat) and elsewhere not in promoted(chat)


def test_a_domain_with_the_handle_or_brand_is_ones_own():
    chat = Chat()
    chat.person("growthguru", "Founder @ScaleStackIO | 10x pipeline")
    a = chat.post("growthguru", "Read this", ("https://growthguru.example/post",))
    b = chat.post("growthguru", "And this", ("https://scalestack.example/webinar",))
    assert promoted(chat) == {a, b}


def test_the_employer_from_the_bio():
    chat = Chat()
    chat.person("priya", "VP Marketing at Acme Analytics. Opinions my own.")
    chat.person("rachel", "CMO at @ContentForgeHQ. Board advisor.")
    site = chat.post("priya", "Our new benchmark", ("https://acmeanalytics.example/benchmark-2024",))
    named = chat.post("rachel", "Big week: @ContentForgeHQ just shipped the planning board you asked for")
    intro = chat.post("rachel", "Rachel, CMO @ContentForgeHQ, Chicago. Hi all!")
    job = chat.post("priya", "A2: As VP Marketing at Acme Analytics I learned that trust compounds slowly")
    assert promoted(chat) == {site, named}
    assert intro not in promoted(chat) and job not in promoted(chat)
    promo = chat.promotion()
    assert promo["x:priya"].reasons == {"employer's site": 1}
    assert promo["x:rachel"].reasons == {"own company named": 1}


@pytest.mark.parametrize("text", [
    "Book a demo and see it live", "Sign up before Friday", "Start your free trial", "DM me 'LEADER' for it",
    "Link in bio 👆", "My free Authority Engine webinar is on Thursday", "Join our webinar next week",
    "My new book is out today", "Download our 2024 report", "Register now, seats are limited",
    "Limited time: 30% off", "Use code LEAD20 at checkout", "Check out my latest course",
    "Our platform does exactly this", "Promo code SPRING at checkout",
    # (#PSTweetChat: a negation in the sentence before does not clear the pitch)
    "Works with no prior knowledge? Check out my blog post: it starts from zero"])
def test_pitches_sell(text):
    chat = Chat()
    pid = chat.post("seller", text)
    assert promoted(chat) == {pid}


@pytest.mark.parametrize("text", [
    "A3: If every 'insight' ends with 'book a demo', buyers notice and stop trusting you",
    "A3: Every insight ends with book a demo. Your sales pitch is showing.",
    "A1: Helping, not selling. The real ones never push the demo.",
    "A1: I lead marketing at a SaaS company, and research beats opinions every time",
    "About to join my first ever chat, any tips?",
    # (#PSTweetChat: code is no promo code, and a quoted tweet's pitch is its author's)
    "I use code from the PowerShell Gallery in most scripts",
    "Worth a look RT @ThomasMaurer: Check out my new Azure course",
    "Does anyone have a promo code for the summit?", "The discount code didn't work for me"])
def test_talking_about_pitches_or_ones_job_is_not_promotion(text):
    chat = Chat()
    chat.post("someone", text)
    assert promoted(chat) == set()


def test_an_affiliate_link_sells():
    """A link through an affiliate network pays its poster (a course link on pluralsight.pxf.io)."""
    chat = Chat()
    pid = chat.post("author", "Here is the course, it covers all of it", urls=("https://pluralsight.pxf.io/c/1/2",))
    assert chat.promotion()["x:author"].reasons == {"affiliate link": 1} and promoted(chat) == {pid}


def test_reposts_and_the_chats_own_site_do_not_count():
    chat = Chat()
    chat.person("host", "The weekly #GardenChat", "https://gardenchat.example")
    recap = chat.post("host", "That's a wrap! Recap", ("https://gardenchat.example/recaps/2024-05-02",))
    chat.post("host", "Book a demo", repost_of="elsewhere")
    promo = chat.promotion()
    assert promo["x:host"].posts == 1 and promo["x:host"].promotional == 0
    assert recap not in promo["x:host"].evidence


def test_the_shares_of_some_accounts_and_of_the_others_make_the_whole(example):
    """Each account's figures are its own: counted for half the accounts and then for the
    others, they are those counted for all at once."""
    whole = self_promotion(example)
    some = set(sorted(whole)[::2])
    assert some and some != set(whole)
    apart = self_promotion(example, some)
    apart.update(self_promotion(example, some, but=True))
    assert set(apart) == set(whole)
    assert all(apart[a] == whole[a] for a in whole)
    assert set(self_promotion(example, some)) == some


def test_the_pitches_words_found_in_texts_joined_as_text_by_text():
    """``_may_pitch_each`` looks for the pitches' words in many texts joined, lower-cased: the
    same answer as ``_may_pitch`` text by text, on real posts and on texts built to sit at the
    edges (a word at a text's end or start, one cut by the joining, other scripts, a NUL)."""
    from conftest import real_texts

    from chatrecap.analysis import promotion

    edges = ["book", "BOOK", "a book", "boo", "k free", "Of course it works", "your course", "my app",
             "happy", "our tool", "% off", "20%", " off", "sign\nup", "sign up", "ÖUR COURSE", "İ book",
             "Σ my app", "", "\x00", "my\x00app", "dm me", "DM ME", "Link in bio", "check out", "checkout"]
    texts = real_texts() + edges + edges[::-1]
    assert sum(map(promotion._may_pitch, texts)) > 100
    for some in (texts, texts[:1], texts[-7:], texts[1000:2000]):
        assert promotion._may_pitch_each(some) == list(map(promotion._may_pitch, some))
    assert promotion._may_pitch_each([]) == []


def test_posts_read_a_batch_at_a_time_come_out_as_all_at_once(example, monkeypatch):
    from chatrecap.analysis import promotion

    whole = self_promotion(example)
    assert sum(p.promotional for p in whole.values()) >= 5
    monkeypatch.setattr(promotion, "PITCH_BATCH", 7)
    assert self_promotion(example) == whole


def test_a_post_naming_no_company_of_its_author_is_passed_over():
    """``_may_name`` is False only where the post's reasons could hold no "own company named"."""
    from chatrecap.analysis.promotion import _may_name

    handles = {"contentforgehq"}
    assert _may_name("Big week: @ContentForgeHQ shipped", handles)
    assert _may_name("so @contentforgehqx", handles)  # (a longer handle: the reasons tell)
    assert _may_name("Σ @ContentForgeHQ", handles)  # (another script: read in full)
    assert not _may_name("Big week: @ann shipped", handles) and not _may_name("ContentForgeHQ", handles)
