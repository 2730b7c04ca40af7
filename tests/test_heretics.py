"""Early adopters: the example's contrarian, first-voice credit, hashtags, links and phrases."""

from __future__ import annotations

import json
import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from importlib.resources import files

import numpy as np
import pytest

from chatrecap.analysis import heretics
from chatrecap.analysis.corpus import ChatPost, Corpus, Participant
from chatrecap.analysis.heretics import _token_ids, early_adopter_credit, early_adopters
from chatrecap.analysis.textvec import stem, tokens

TRUTH = json.loads((files("chatrecap") / "examples" / "b2bchat-example.truth.json").read_text())
T0 = datetime(2024, 5, 2, 17, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def example(example_corpus) -> Corpus:
    return example_corpus


def test_the_contrarian_is_an_early_adopter(example):
    adoptions = early_adopters(example)
    truth = TRUTH["contrarian"]
    echo = next(a for a in adoptions if a.kind == "echo" and a.post_id == truth["post_id"])
    assert len(echo.adopters) >= 5
    assert len(set(echo.adopter_post_ids) & set(truth["echo_ids"])) >= 5  # measured: all 7
    assert echo.lead_minutes > 10
    credit = early_adopter_credit(adoptions)
    author = next(a.id for a in example.authors.values() if a.handle == truth["author"])
    assert author in list(credit)[:3]
    assert list(credit.values()) == sorted(credit.values(), reverse=True)


def test_working_in_small_steps_changes_nothing(example, monkeypatch):
    """The steps that bound memory at a million posts (texts tokenised, naming posts and
    pairs judged, phrases sought a part at a time) leave the result as it is in one go."""
    monkeypatch.setattr(heretics, "PHRASE_PARTS", 1)
    corpora = [example, hedgehog_corridor()[0].corpus()]
    whole = [early_adopters(corpus) for corpus in corpora]
    assert {"echo", "phrase"} <= {a.kind for found in whole for a in found}
    monkeypatch.setattr(heretics, "PHRASE_PARTS", 7)
    monkeypatch.setattr(heretics, "TOKEN_BATCH", 3)
    monkeypatch.setattr(heretics, "NAMED_STEP", 2)
    monkeypatch.setattr(heretics, "_cosines", lambda x, i, j, step=5, f=heretics._cosines: f(x, i, j, step))
    assert [early_adopters(corpus) for corpus in corpora] == whole


@pytest.mark.parametrize("batch", [heretics.TOKEN_BATCH, 7])  # one batch, and many
def test_the_one_pass_tokeniser_matches_textvec(example, monkeypatch, batch):
    monkeypatch.setattr(heretics, "TOKEN_BATCH", batch)
    texts = [p.text for p in example.posts] + ["Σίσυφος ΣΑΣ’s www.x.example/a @ann a-b-c", "\x01odd\x01", ""]
    tok, doc, vocab = _token_ids(texts, ("b2bchat",))
    assert tok.dtype == doc.dtype == np.int32 and len(tok) == len(doc)
    bounds = np.searchsorted(doc, np.arange(len(texts) + 1))
    for k, text in enumerate(texts):
        words = [vocab[t] for t in tok[bounds[k]:bounds[k + 1]]]
        assert words == [stem(w) for w in tokens(text.replace("\x01", " "), ("b2bchat",))], text


class Series:
    """Hand-made posts; ``at`` in minutes from T0."""

    def __init__(self) -> None:
        self.posts: list[ChatPost] = []

    def post(self, handle: str, text: str, at: float, *, reply_to: str | None = None,
             tags: tuple[str, ...] = (), urls: tuple[str, ...] = (), mentions: tuple[str, ...] = ()) -> str:
        pid = f"p{len(self.posts) + 1:04d}"
        self.posts.append(ChatPost(pid, "x", f"x:{handle}", handle, T0 + timedelta(minutes=at), text,
                                   reply_to, None, None, None, mentions, ("GardenChat", *tags), urls,
                                   0, 0, 0, 0, None, True))
        return pid

    def corpus(self) -> Corpus:
        people = {p.author_id: Participant(p.author_id, p.handle, None, None, None, None, None, None, None)
                  for p in self.posts}
        return Corpus("#GardenChat", sorted(self.posts, key=lambda p: (p.created_at, p.id)), {}, people)


IDEA = "Compost tea does nothing for clay soil; only deep mulching fixes drainage"


def test_echo_credit_goes_to_the_first_voice_only():
    s = Series()
    s.post("host", "Q1: What fixes clay soil? #GardenChat", 0)
    first = s.post("ann", IDEA, 1)
    second = s.post("bob", "Compost tea does nothing for clay soil, only deep mulching fixes drainage", 2)
    later = [s.post(h, f"{IDEA} honestly", 10 + k) for k, h in enumerate(["cat", "dan", "eve"])]
    adoptions = early_adopters(s.corpus())
    echoes = [a for a in adoptions if a.kind == "echo"]
    assert [(a.post_id, a.account_id) for a in echoes] == [(first, "x:ann")]
    assert echoes[0].adopters == ["x:cat", "x:dan", "x:eve"]  # bob spoke in the same breath, not later
    assert echoes[0].adopter_post_ids == later and second not in echoes[0].adopter_post_ids
    assert echoes[0].lead_minutes == 10.0
    assert early_adopter_credit(adoptions) == {"x:ann": pytest.approx(math.log1p(3))}


def test_nobody_is_first_to_say_what_was_said_before():
    s = Series()
    s.post("old", IDEA, 0)
    s.post("ann", IDEA + " indeed", 60)
    for k, h in enumerate(["cat", "dan", "eve"]):
        s.post(h, IDEA, 120 + k)
    echoes = [a for a in early_adopters(s.corpus()) if a.kind == "echo"]
    assert [a.account_id for a in echoes] == ["x:old"]
    assert echoes[0].adopters == ["x:ann", "x:cat", "x:dan", "x:eve"]


def test_naming_the_first_voice_counts_arguing_with_it_does_not():
    s = Series()
    first = s.post("ann", IDEA, 0)
    s.post("bob", "@ann I disagree: compost tea does nothing for clay soil. Mulching is slow", 5,
           reply_to=first, mentions=("ann",))
    s.post("cat", "As @ann said, sprays never fix clay drainage", 10, mentions=("ann",))
    s.post("dan", "@ann Agree, deep mulching over years fixed my garden beds", 12, reply_to=first,
           mentions=("ann",))
    s.post("eve", "Deep mulching fixes drainage in clay soil, compost tea does nothing", 15)
    echoes = [a for a in early_adopters(s.corpus(), min_followers_of_idea=2) if a.kind == "echo"]
    assert [a.post_id for a in echoes] == [first]
    assert echoes[0].adopters == ["x:cat", "x:dan", "x:eve"]


def test_the_first_to_bring_a_hashtag_or_a_link():
    s = Series()
    for k in range(40):  # weeks of the chat before: neither the tag nor the link came up
        s.post(f"u{k % 5}", f"Week {k}: mulch, beds and #Soil", -60 * (40 - k), tags=("Soil",))
    s.post("ann", "Trying a new tag #NoDig for beds that stay put", 0, tags=("NoDig",))
    s.post("bob", "Me too #nodig", 1, tags=("nodig",))  # same breath: not an adoption
    for k, h in enumerate(["cat", "dan", "eve"]):
        s.post(h, f"Week {k} of #NoDig and #Soil", 60 * (k + 1), tags=("NoDig", "Soil"))
    s.post("zed", "Worth a read https://www.soil.example/clay/?utm_source=x", 5,
           urls=("https://www.soil.example/clay/?utm_source=x",))
    for k, h in enumerate(["cat", "dan", "eve"]):
        s.post(h, "This one", 30 + k, urls=("http://soil.example/clay",))
    adoptions = early_adopters(s.corpus())
    # #Soil was everyone's tag from the first week on: nobody brought it.
    assert not [a for a in adoptions if a.item == "#Soil"]
    tag = next(a for a in adoptions if a.kind == "hashtag")
    assert (tag.account_id, tag.item, tag.adopters) == ("x:ann", "#NoDig", ["x:cat", "x:dan", "x:eve"])
    assert tag.lead_minutes == 120.0
    link = next(a for a in adoptions if a.kind == "link")
    assert (link.account_id, link.item, len(link.adopters)) == ("x:zed", "https://soil.example/clay", 3)
    assert not [a for a in adoptions if a.item and a.item.lower() == "#gardenchat"]
    stricter = early_adopters(s.corpus(), min_followers_of_idea=4)
    assert not [a for a in stricter if a.kind in ("hashtag", "link")]


def test_a_link_brought_early_in_a_session_is_credited():
    """A link is something brought, whenever: only tags must have been absent a while."""
    s = Series()
    s.post("host", "Q1: What do you grow in clay?", 0)
    for k in range(4):
        s.post(f"u{k}", f"Answer {k}: beans and brassicas", k + 1)
    s.post("ann", "This guide on clay beds is great", 5, urls=("https://soil.example/clay",))
    for k, h in enumerate(["cat", "dan", "eve"]):
        s.post(h, f"Read it {k}", 20 + k, urls=("https://soil.example/clay",))
    for k in range(30):
        s.post(f"v{k}", f"More answers {k}: squash", 30 + k)
    assert [a.account_id for a in early_adopters(s.corpus()) if a.kind == "link"] == ["x:ann"]


def test_a_question_ending_in_a_link_asks():
    assert heretics._asks("Has anyone tried https://beds.example/guide?")
    assert not heretics._asks("This link will help: https://x.io/?q=1")


@pytest.mark.parametrize(("text", "asks"), [
    ("Q3: which beds drain best", True), ("q3 which beds", True), ("  -- Q12) mulch", True),
    ("Q3", True), ("Quick tip: mulch", False), ("Q123 is a part number", False), ("aQ3 beds", False),
    ("\uff313 beds", False), ("", False), ("qq3", False)])
def test_a_question_label_asks(text, asks):
    assert heretics._asks(text) is asks


def test_no_credit_for_a_tag_a_question_asks_about_or_a_quoted_tweet_holds():
    s = Series()
    for k in range(40):
        s.post(f"u{k % 5}", f"Week {k}: mulch and beds", -60 * (40 - k))
    s.post("ann", "Anyone going to #RHSChelsea this year?", 0, tags=("RHSChelsea",))
    s.post("bob", "Lovely RT @kew: our #SeedBank turns 25 https://kew.example/bank", 1,
           tags=("SeedBank",), urls=("https://kew.example/bank",))
    for k, h in enumerate(["cat", "dan", "eve"]):
        s.post(h, f"At #RHSChelsea with #SeedBank friends https://kew.example/bank {k}", 60 * (k + 1),
               tags=("RHSChelsea", "SeedBank"), urls=("https://kew.example/bank",))
    items = {a.item for a in early_adopters(s.corpus())}
    assert not items & {"#RHSChelsea", "#SeedBank", "https://kew.example/bank"}, items


def test_a_chat_post_outside_the_series_was_first():
    """#PSTweetChat: @WindosNZ tagged #PS7Now between two sessions, two days before @PSJamesP
    used it in one. The series holds the sessions; the stray post still says who was first."""
    s = Series()
    for k in range(40):
        s.post(f"u{k % 5}", f"Week {k}: mulch and beds", -60 * (40 - k))
    early = s.post("zoe", "Trying #NoDig beds this spring", -30, tags=("NoDig",))
    s.post("ann", "Trying a new tag #NoDig for beds that stay put", 0, tags=("NoDig",))
    for k, h in enumerate(["cat", "dan", "eve"]):
        s.post(h, f"Week {k} of #NoDig", 60 * (k + 1), tags=("NoDig",))
    whole = s.corpus()
    assert [a.account_id for a in early_adopters(whole) if a.item == "#NoDig"] == ["x:zoe"]
    stray = {early: next(p for p in whole.posts if p.id == early)}
    series = Corpus(whole.chat, [p for p in whole.posts if p.id != early], stray, whole.authors)
    assert not [a for a in early_adopters(series) if a.item == "#NoDig"]


def hedgehog_corridor() -> tuple[Series, str]:
    """A long series in which nobody said "hedgehog corridor" until ann; then three others do."""
    s = Series()
    for k in range(300):
        s.post(f"u{k % 7}", f"plain{k} ordinary{k} update{k} chatter{k}", k)
    first = s.post("ann", "My bet: the hedgehog corridor idea will beat any pesticide budget", 400)
    for k, h in enumerate(["cat", "dan", "eve"]):
        s.post(h, f"Built a hedgehog corridor this spring, finally{k}", 400 + 60 * 24 * (k + 2))
    return s, first


def idea_of_every_kind() -> Corpus:
    """A series where someone brings a phrase, then a hashtag, a link and a position others
    take up, and one that others credit by naming her."""
    s, _ = hedgehog_corridor()
    at = 10_000  # (the tag late in the series: in use before, it would be nobody's)
    for k in range(40):
        s.post(f"u{k % 5}", f"Week {k}: mulch, beds and #Soil", at + 60 * k, tags=("Soil",))
    s.post("ann", "Trying a new tag #NoDig for beds that stay put", at + 2400, tags=("NoDig",))
    for k, h in enumerate(["cat", "dan", "eve"]):
        s.post(h, f"Week {k} of #NoDig and #Soil", at + 2400 + 60 * (k + 1), tags=("NoDig", "Soil"))
    s.post("zed", "Worth a read https://www.soil.example/clay/", at + 2405, urls=("https://www.soil.example/clay/",))
    for k, h in enumerate(["cat", "dan", "eve"]):
        s.post(h, "This one", at + 2430 + k, urls=("http://soil.example/clay",))
    s.post("host", "Q1: What fixes clay soil? #GardenChat", at + 2600)
    s.post("bob", IDEA, at + 2601)
    for k, h in enumerate(["cat", "dan", "eve"]):
        s.post(h, f"{IDEA} honestly", at + 2610 + k)
    s.post("fay", "Raised beds warm faster in spring and drain better after heavy rain", at + 2700)
    for k, (h, said) in enumerate([("cat", "As @fay said: heavy clay needs patience"),
                                   ("dan", "Like @fay says, spring planting starts early"),
                                   ("eve", "Thanks @fay, rain gardens come next for us")]):
        s.post(h, said, at + 2710 + k, mentions=("fay",))  # (too few words alike without her name)
    return s.corpus()


def test_a_new_phrase_that_lives_on():
    s, first = hedgehog_corridor()
    phrases = [a for a in early_adopters(s.corpus()) if a.kind == "phrase"]
    assert [(a.post_id, a.item, a.adopters) for a in phrases] == [
        (first, "hedgehog corridor", ["x:cat", "x:dan", "x:eve"])]


def test_scales_to_a_series():
    rng = np.random.default_rng(5)
    words = np.array([f"w{k}x" for k in range(3000)])
    s = Series()
    for k in range(20_000):
        s.post(f"u{rng.integers(500)}", " ".join(rng.choice(words, 8)), k * 0.5)
    idea = s.post("ann", "glasshouse bumblebee pollination doubles tomato yields", 10_001)
    for k, h in enumerate(["cat", "dan", "eve", "fay"]):
        s.post(h, "bumblebee pollination doubles glasshouse tomato yields", 10_100 + k)
    echoes = [a for a in early_adopters(s.corpus()) if a.kind == "echo" and a.post_id == idea]
    assert len(echoes) == 1 and len(echoes[0].adopters) == 4


def test_the_handles_a_post_names_are_found_in_one_search_as_post_by_post(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """``_naming`` reads all the posts' texts joined in one search: the same (post, author)
    pairs as reading each post after its reply address, on real posts and on texts built to
    sit at the edges (a NUL in a text, which the joining needs, is read post by post)."""
    from conftest import real_texts

    texts = real_texts() + ["@ann @bob thanks @cy", ". @ann@bob.social hi @Bob", "@ann", "x@ann @ann", "",
                            "@an@bob", "@@cy", "@ann. @bob! and @ann.bsky.social", "@bob\n@cy see @ann"]
    handles: dict[str, int] = {}
    for text in texts:
        for h in heretics.MENTION.findall(text):
            handles.setdefault(h.lower(), len(handles) % 97)
    rows = np.arange(len(texts))

    def one_by_one(texts: list[str]) -> Counter[tuple[int, int]]:  # (two handles may be one author's)
        return Counter((k, handles[h]) for k in rows.tolist()
                       for h in {h.lower() for h in heretics._named_in(texts[k])} if h in handles)

    nul = texts[:-1] + ["@bob hi\x00 @cy"]
    for case, batch in ((texts, heretics.NAMING_BATCH), (texts, 777), (nul, 777)):
        monkeypatch.setattr(heretics, "NAMING_BATCH", batch)
        post, author = heretics._naming(rows, case, handles)
        pairs = Counter(zip(post.tolist(), author.tolist(), strict=True))
        assert pairs == one_by_one(case) and len(pairs) > 1000


def test_the_posts_sent_to_a_fresh_process_arrive_as_they_left(example):
    """``Posts`` pickles its ids and texts joined, one string each: the same lists come back,
    a text holding a NUL (which the joining needs) among them, and none at all."""
    import dataclasses
    import pickle

    def fields_of(posts: heretics.Posts) -> list:
        return [(f.name, v.tolist() if isinstance(v := getattr(posts, f.name), np.ndarray) else v)
                for f in dataclasses.fields(posts)]

    posts = heretics.early_posts(example)
    assert posts is not None and len(posts) > 100
    nul = dataclasses.replace(posts, texts=[*posts.texts[:-1], "@bob hi\x00 @cy"])
    empty = dataclasses.replace(posts, ids=[], texts=[], author_ids=[], handles=[], urls=[], hashtags=[],
                                mentions=posts.mentions[:0], secs=posts.secs[:0], reply_ids=[], quote_ids=[])
    one = dataclasses.replace(posts, ids=posts.ids[:1], texts=[""])
    for case in (posts, nul, empty, one):
        back = pickle.loads(pickle.dumps(case, protocol=pickle.HIGHEST_PROTOCOL))
        assert fields_of(back) == fields_of(case)
        assert back.reply.tolist() == case.reply.tolist()  # (worked out where it arrives)
    assert len(pickle.dumps(posts)) < len(pickle.dumps(fields_of(posts)))


def test_the_posts_number_authors_handles_and_answered_posts_as_they_come(example):
    """Authors numbered in the order they first post; a handle two accounts had (a rename,
    a reused name) is the last post's author's; a reply to a post outside the search, or none,
    is -1. Checked against the posts one by one."""
    import dataclasses

    posts = heretics.early_posts(example)
    assert posts is not None
    n = len(posts)
    swapped = dataclasses.replace(posts, handles=[*posts.handles[:-1], posts.handles[0].upper()],
                                  reply_ids=[*posts.reply_ids[:-1], "not-a-post"])
    for case in (posts, swapped):
        codes: dict[str, int] = {}
        for author_id in case.author_ids:
            codes.setdefault(author_id, len(codes))
        assert case.author.tolist() == [codes[a] for a in case.author_ids]
        assert case.author.dtype == np.int64
        assert case.handle_numbers == {h.lower(): codes[a] for h, a in zip(case.handles, case.author_ids,
                                                                            strict=True)}
        at = {i: k for k, i in enumerate(case.ids)}
        assert case.reply.tolist() == [at.get(i, -1) if i else -1 for i in case.reply_ids]
        assert case.quote.tolist() == [at.get(i, -1) if i else -1 for i in case.quote_ids]
    assert swapped.handle_numbers[posts.handles[0].lower()] == codes[posts.author_ids[-1]]
    assert swapped.reply[n - 1] == -1 and max(posts.reply) >= 0
