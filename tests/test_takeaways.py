"""Themes of one question's answers: grouping, ranking, headlines, representatives."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from chatrecap.analysis import takeaways as tk
from chatrecap.analysis.corpus import ChatPost, Corpus, Participant
from chatrecap.analysis.endorsement import endorsements
from chatrecap.analysis.structure import Link, Prompt, Structure
from chatrecap.analysis.takeaways import agglomerate, find_takeaways, headline

T0 = datetime(2024, 3, 14, 18, 0, tzinfo=UTC)
HOST = "x:host"


class Chat:
    """A hand-made session: posts in the order written, 30 s apart."""

    def __init__(self, tag: str = "#NewsChat") -> None:
        self.tag = tag
        self.posts: list[ChatPost] = []
        self.links: dict[str, Link] = {}
        self.parents: dict[str, str] = {}
        self.prompts: list[Prompt] = []
        self.chatter: set[str] = set()

    def post(self, author: str, text: str, *, likes: int = 0, reposts: int = 0, reply_to: str | None = None,
             quote_of: str | None = None, repost_of: str | None = None, prompt: str | None = None) -> str:
        pid = f"p{len(self.posts) + 1:03d}"
        self.posts.append(ChatPost(
            pid, "x", f"x:{author}", author, T0 + timedelta(seconds=30 * len(self.posts)), text, reply_to,
            None, quote_of, repost_of, (), (), (), likes, reposts, 0, 0, None, True))
        if reply_to:
            self.parents[pid] = reply_to
        if prompt and not repost_of:
            self.links[pid] = Link(prompt, "label", 1.0)
        return pid

    def ask(self, number: int, text: str) -> str:
        pid = self.post("host", f"Q{number}: {text} {self.tag}")
        self.prompts.append(Prompt(pid, f"Q{number}", number, "labelled", HOST))
        return pid

    def build(self) -> tuple[Corpus, Structure]:
        authors = {p.author_id: Participant(p.author_id, p.handle, None, None, None, None, None, None, None)
                   for p in self.posts}
        corpus = Corpus(self.tag, list(self.posts), {}, authors)
        return corpus, Structure([HOST], list(self.prompts), dict(self.links), dict(self.parents),
                                 set(self.chatter), [])


CROSS = ["A1: Swap recommendations with other newsletters in your niche. Cross-promotion works! #NewsChat",
         "A1: Cross-promotion with newsletters your readers already love: recommend each other, swap "
         "shout-outs #NewsChat https://ex.com/x",
         "A1 - Newsletter swaps: recommend other newsletters and they recommend you back #NewsChat",
         "@host A1: Partner with similar newsletters in your niche for cross-promotion swaps #NewsChat",
         "A1: Recommendation swaps with newsletters in the same niche, every time #NewsChat"]
SCHEDULE = ["A1: Publish on a consistent weekly schedule. Readers trust a newsletter that shows up #NewsChat",
            "A1: Consistency! Same day, same time, every week. The schedule builds the habit #NewsChat",
            "A1: A consistent weekly publishing schedule beats any growth hack #NewsChat @someone",
            "A1: Show up weekly on a consistent schedule, even when it feels quiet #NewsChat"]
REFERRAL = ["A1: A referral program with small rewards for readers who share #NewsChat",
            "A1: Referral rewards! Stickers for 3 referrals, a call for 10 #NewsChat",
            "A1: Our referral program brought half our subscribers. Reward readers who refer friends "
            "#NewsChat"]
SOLO = ["A1: Get featured as a podcast guest, podcast audiences convert well #NewsChat",
        "A1: Podcast guest spots again and again, podcasts are underrated #NewsChat"]


def newsletter_chat(solo: bool = False) -> tuple[Chat, str]:
    chat = Chat()
    chat.chatter.add(chat.post("host", "Welcome to #NewsChat! Introduce yourselves 👋"))
    q1 = chat.ask(1, "What's the best way to grow a newsletter?")
    people = itertools.count(1)
    for texts, likes in ((CROSS, 2), (SCHEDULE, 5), (REFERRAL, 30)):  # the smallest theme is most liked
        for text in texts:
            chat.post(f"user{next(people)}", text, likes=likes, prompt=q1)
    if solo:
        for text in SOLO:
            chat.post("solo", text, likes=90, prompt=q1)
    chat.post("user2", "", repost_of=chat.posts[3].id, prompt=q1)
    chat.post("user9", "RT @user1: " + CROSS[0], repost_of=chat.posts[2].id, prompt=q1)
    chat.post("host", "Keep them coming! Q2 lands in two minutes #NewsChat", prompt=q1)
    chat.post("user7", "So true! #NewsChat", reply_to=chat.posts[2].id, prompt=q1)
    return chat, q1


def run(chat: Chat, q1: str, **options) -> list:
    corpus, structure = chat.build()
    answers = [p for p in corpus.posts if p.id in structure.links or p.repost_of_id]
    return find_takeaways("What's the best way to grow a newsletter?", answers, corpus, structure,
                          endorsements(corpus, structure), **options)


def test_three_clear_themes_most_voiced_first() -> None:
    chat, q1 = newsletter_chat()
    found = run(chat, q1)
    assert [t.people for t in found] == [5, 4, 3]
    corpus, _ = chat.build()
    texts = [{corpus.by_id[i].text for i in t.theme_post_ids} for t in found]
    assert texts == [set(CROSS), set(SCHEDULE), set(REFERRAL)]
    answer_ids = {p.id for p in corpus.posts if p.text in CROSS + SCHEDULE + REFERRAL}
    for t in found:
        assert t.headline and t.headline[0].isupper() and 2 <= len(t.headline.split()) <= 8
        assert not any(bad in t.headline for bad in ("#", "@", "http", "A1"))
        assert 1 <= len(t.post_ids) <= 3 and set(t.post_ids) <= answer_ids
        assert len({corpus.by_id[i].author_id for i in t.post_ids}) == len(t.post_ids)
        assert not any(corpus.by_id[i].is_repost for i in t.post_ids + t.theme_post_ids)
    assert found[0].score > found[1].score > found[2].score
    assert found[0].endorsements >= 5 * 2  # likes, plus the reposts inside the corpus


def test_deterministic() -> None:
    chat, q1 = newsletter_chat(solo=True)
    assert run(chat, q1) == run(chat, q1)


def test_one_person_theme_ranks_last_however_liked() -> None:
    chat, q1 = newsletter_chat(solo=True)
    found = run(chat, q1)
    assert [t.people for t in found] == [5, 4, 3, 1]
    assert "odcast" in found[-1].headline
    assert [t.people for t in run(chat, q1, max_takeaways=3)] == [5, 4, 3]


def test_logistics_reactions_and_reposts_are_left_out() -> None:
    chat, q1 = newsletter_chat()
    corpus, _ = chat.build()
    themed = {i for t in run(chat, q1) for i in t.theme_post_ids}
    left_out = {p.id for p in corpus.posts if p.repost_of_id or p.author_id == HOST or "So true" in p.text}
    assert left_out and not themed & left_out


def test_few_or_no_answers() -> None:
    chat = Chat()
    q1 = chat.ask(1, "What's the best way to grow a newsletter?")
    assert run(chat, q1) == []
    chat.post("a", SCHEDULE[0], prompt=q1)
    chat.post("b", REFERRAL[0], prompt=q1)
    found = run(chat, q1)
    assert len(found) == 1 and found[0].people == 1 and found[0].headline


def test_vectorize_replaces_tfidf() -> None:
    chat, q1 = newsletter_chat()
    seen: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        seen.append(texts)
        keys = (("wap", "ecommend"), ("chedule", "onsisten"), ("eferral",))
        return np.array([[float(any(k in t for k in group)) for group in keys] + [0.1] for t in texts])

    found = run(chat, q1, vectorize=embed)
    assert seen and [t.people for t in found] == [5, 4, 3]


def test_large_question_clusters_a_core_and_files_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tk, "MAX_CLUSTERED", 150)
    chat = Chat()
    q1 = chat.ask(1, "What's the best way to grow a newsletter?")
    theme_of = {}
    for i in range(360):  # LSA is blended in from 200 answers; 5:4:3 as above
        theme = 0 if i % 12 < 5 else 1 if i % 12 < 9 else 2
        texts = (CROSS, SCHEDULE, REFERRAL)[theme]
        theme_of[chat.post(f"user{i}", texts[i % len(texts)], likes=i % 7, prompt=q1)] = theme
    found = run(chat, q1)
    assert [t.people for t in found[:3]] == [150, 120, 90]
    for t, theme in zip(found, range(3), strict=False):
        assert {theme_of[i] for i in t.theme_post_ids} == {theme}
    assert found == run(chat, q1)


def _naive_average_linkage(sim: np.ndarray, threshold: float) -> list[list[int]]:
    clusters = [[i] for i in range(len(sim))]
    while len(clusters) > 1:
        best, pair = -np.inf, None
        for a, b in itertools.combinations(range(len(clusters)), 2):
            s = sim[np.ix_(clusters[a], clusters[b])].mean()
            if s > best:
                best, pair = s, (a, b)
        if best < threshold:
            break
        a, b = pair
        clusters[a] = sorted(clusters[a] + clusters[b])
        del clusters[b]
    return sorted(clusters)


@pytest.mark.parametrize("seed", range(12))
def test_agglomerate_matches_textbook_average_linkage(seed: int) -> None:
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((25, 4))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    sim = z @ z.T
    for threshold in (0.2, 0.5):
        assert agglomerate(sim.copy(), threshold) == _naive_average_linkage(sim, threshold)


def test_headline_reads_like_a_headline() -> None:
    weights = {"consistency": 1.0, "week": 1.0, "viral": 0.5, "post": 0.5}
    title = headline(["@host A1 (late, sorry!): Consistency. Showing up every week beats one viral post. "
                      "#NewsChat #growth https://t.co/x @bob"], weights, "newschat")
    assert title == "Showing up every week beats one viral post"
    long = headline(["A2: Pick ONE point of view and write about it every week for a quarter, come what may"],
                    {"point": 1.0, "view": 1.0, "week": 1.0}, "")
    assert long.startswith("Pick ONE point of view") and len(long.split()) <= 8
    quoted = headline(["@ann Love 'nobody quotes a logo over dinner' 😂 #NewsChat"], {"logo": 1.0}, "")
    assert quoted == "Nobody quotes a logo over dinner"
    both = headline(["#NewsChat A1 & A2: feedback and reflection go together"], {"feedback": 1.0}, "newschat")
    assert both == "Feedback and reflection go together"
    part = headline(["#growth A3b: small teams ship weekly"], {"teams": 1.0}, "newschat")
    assert part == "Small teams ship weekly"
    # A number after a label is the sentence's, and the chat's tag as the subject stays.
    assert headline(["A3 and 4 year olds learn through play"], {"olds": 1.0}, "") == (
        "4 year olds learn through play")
    assert headline(["#NewsChat @host A1: Pester makes refactoring safe"], {"pester": 1.0},
                    "newschat") == "Pester makes refactoring safe"
    both = headline(["A1 & 3D printing is fun for kids"], {"printing": 1.0}, "")
    assert both == "3D printing is fun for kids"
    assert headline(["#NewsChat is a great way to meet the community"], {"community": 1.0},
                    "newschat").startswith("NewsChat is a great way")


def test_headlines_of_pstweetchat_2021_read_as_written() -> None:
    """An ellipsis goes on, an exclamation is no label, a path keeps its backslash, and the
    chat's tag opening a post is a prefix unless it is the subject."""
    chat = "pstweetchat"
    assert headline(["@MikeKanakos @JeffHicks Not... that I can recall. Generally, I'm not touching anything "
                     "prod directly from my workstation. #PSTweetChat"], {"recall": 1.0}, chat) == (
        "Not... that I can recall")
    assert headline(["@pehjrpcb Nice! Don't forget to add the #PSTweetChat tag."], {"tag": 1.0, "nice": 1.0},
                    chat) == "Don't forget to add the PSTweetChat tag"
    assert headline(["A1 - Consistency! Showing up week after week"], {"consistency": 1.0, "week": 1.0},
                    chat) == "Consistency: Showing up week after week"  # (a word of its own leads in)
    assert headline(["I keep a sample\\example folder for demos #PSTweetChat"], {"sample": 1.0},
                    chat) == "I keep a sample\\example folder for demos"
    assert headline(["#PSTweetchat trying to reduce scripts to one module"], {"scripts": 1.0},
                    chat) == "Trying to reduce scripts to one module"


def test_a_headline_does_not_end_on_a_list_marker_or_what_joined_it():
    from chatrecap.analysis.takeaways import _fit

    assert _fit("the dll versions might differ AND b".split())[0] == "the dll versions might differ".split()
    assert _fit("moving everything to PowerShell 7 and I".split())[0][-1] == "I"  # a word, not a marker
