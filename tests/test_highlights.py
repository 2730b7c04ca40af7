"""Session highlights: what is eligible, how many, how spread out, and why each one."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from chatrecap.analysis.corpus import ChatPost, Corpus, Participant
from chatrecap.analysis.endorsement import endorsements
from chatrecap.analysis.highlights import pick_highlights
from chatrecap.analysis.structure import Link, Prompt, Structure

T0 = datetime(2024, 5, 2, 17, 0, tzinfo=UTC)
HOST = "x:host"


class Chat:
    """A hand-made session: posts in the order written, 20 s apart."""

    def __init__(self) -> None:
        self.posts: list[ChatPost] = []
        self.links: dict[str, Link] = {}
        self.parents: dict[str, str] = {}
        self.prompts: list[Prompt] = []
        self.chatter: set[str] = set()
        self.current: str | None = None

    def post(self, author: str, text: str, *, likes: int = 0, reply_to: str | None = None,
             quote_of: str | None = None, repost_of: str | None = None, chatter: bool = False) -> str:
        pid = f"p{len(self.posts) + 1:03d}"
        self.posts.append(ChatPost(
            pid, "x", f"x:{author}", author, T0 + timedelta(seconds=20 * len(self.posts)),
            f"{text} #GardenChat", reply_to, None, quote_of, repost_of, (), (), (), likes, 0, 0, 0, None,
            True))
        if reply_to:
            self.parents[pid] = reply_to
        if chatter:
            self.chatter.add(pid)
        elif self.current and not repost_of and author != "host":
            self.links[pid] = Link(self.current, "window", 0.6)
        return pid

    def ask(self, number: int, text: str) -> str:
        pid = self.post("host", f"Q{number}: {text}", likes=10)
        self.prompts.append(Prompt(pid, f"Q{number}", number, "labelled", HOST))
        self.current = pid
        return pid

    def build(self) -> tuple[Corpus, Structure]:
        authors = {p.author_id: Participant(p.author_id, p.handle, None, None, None, None, None, None, None)
                   for p in self.posts}
        structure = Structure([HOST], list(self.prompts), dict(self.links), dict(self.parents),
                              set(self.chatter))
        roots: dict[str, list[str]] = {}
        for post in self.posts:  # threads: every reply under its root, root first
            root = post.id
            while root in self.parents:
                root = self.parents[root]
            if root != post.id:
                roots.setdefault(root, [root]).append(post.id)
        structure.threads = list(roots.values())
        return Corpus("#GardenChat", list(self.posts), {}, authors), structure


def garden_session() -> tuple[Chat, dict[str, str]]:
    chat, ids = Chat(), {}
    chat.post("host", "Welcome to GardenChat! Introduce yourselves 🌱", likes=12, chatter=True)
    chat.post("sam", "Hi all! Sam here from Leeds, first time joining", likes=3)
    chat.post("host", "Reminder: answer with A1, A2 and keep the hashtag", likes=4)
    chat.ask(1, "What is the one vegetable every beginner should grow?")
    ids["star1"] = chat.post("star", "A1: Courgettes. Two plants feed a family all summer long", likes=40)
    ids["thread"] = chat.post("theo", "A1: Radishes, ready in four weeks so kids stay interested", likes=6)
    for who, text in (("ana", "Radishes worked for my daughter, she checks them every morning"),
                      ("ben", "Four weeks is perfect, we sow a new row every fortnight")):
        reply = chat.post(who, f"@theo {text}", reply_to=ids["thread"], likes=1)
    chat.post("cy", "@ben Radishes also break up clay soil nicely for later crops", reply_to=reply, likes=1)
    chat.post("dan", "A1: Runner beans climbing up a bamboo wigwam look great", likes=5)
    chat.post("eve", "", repost_of=ids["star1"])
    chat.post("fay", "", repost_of=ids["star1"])
    chat.ask(2, "How do you deal with slugs without chemicals?")
    ids["contrarian"] = chat.post("ada", "A2: Unpopular opinion: leave the slugs alone and grow "
                                         "sacrificial lettuce for them", likes=4)
    chat.post("star", "A2: Beer traps. Sink a jar of cheap lager level with the soil", likes=35)
    ids["maya"] = chat.post("maya", "A2: Nematodes watered in during spring clear slugs for weeks", likes=48)
    chat.post("gus", "A2: Copper tape around the raised bed edges keeps them out", likes=8)
    chat.post("hal", "A2: Sacrificial lettuce for the slugs away from the beds, they leave the rest", likes=1)
    chat.post("ivy", "A2: Grow extra sacrificial lettuce so slugs leave the good beds alone", likes=1)
    chat.post("star", "A2: Night patrols with a torch, collect slugs into a bucket", likes=30)
    chat.post("jo", "", repost_of=ids["maya"])
    chat.ask(3, "Which tool could you not garden without?")
    chat.post("star", "A3: A hori hori knife. Digs, cuts, measures planting depth", likes=33)
    chat.post("kim", "A3: A good pair of secateurs, cleaned and sharpened every month", likes=9)
    chat.post("lou", "A3: My grandmother's old hand trowel, still going after forty years", likes=12)
    chat.post("star", "A3: A kneeling pad, my knees thank me every evening", likes=31)
    chat.post("host", "Thanks everyone, that's a wrap! Transcript tomorrow", likes=20, chatter=True)
    chat.post("theo", "Thank you all, what a lovely hour. See you next month!", likes=15)
    return chat, ids


def test_selection_rules() -> None:
    chat, ids = garden_session()
    corpus, structure = chat.build()
    picked = pick_highlights(corpus, structure, endorsements(corpus, structure))
    assert 5 <= len(picked) <= 15  # 32 posts: one per 20 would be 2, raised to the minimum
    posts = [corpus.by_id[h.post_id] for h in picked]
    prompts = {p.post_id for p in structure.prompts}
    assert not any(p.is_repost or p.id in structure.chatter or p.id in prompts for p in posts)
    assert not any(p.author_id == HOST or "Thank you all" in p.text or "Hi all" in p.text for p in posts)
    assert max(Counter(p.author_id for p in posts).values()) <= 2
    assert all(h.reason.strip() and h.reason[0].isupper() for h in picked)
    assert [p.created_at for p in posts] == sorted(p.created_at for p in posts)
    assert len({structure.links[p.id].prompt_id for p in posts if p.id in structure.links}) == 3
    assert picked == pick_highlights(corpus, structure, endorsements(corpus, structure))


def test_a_bots_posts_are_no_highlight() -> None:
    """A Slack channel's GitHub bot posts commit messages that read like long answers."""
    chat, _ = garden_session()
    bot = chat.post("github", "[gardenchat:main] 3 new commits pushed: seed planner, slug tracker and "
                              "watering schedule reminders for raised beds", likes=50)
    corpus, structure = chat.build()
    corpus.authors["x:github"].is_bot = True
    assert bot not in {h.post_id for h in pick_highlights(corpus, structure, endorsements(corpus, structure))}
    corpus.authors["x:github"].is_bot = False  # (a person's post the same would be one)
    assert bot in {h.post_id for h in pick_highlights(corpus, structure, endorsements(corpus, structure))}


def test_reasons_name_what_happened() -> None:
    chat, ids = garden_session()
    corpus, structure = chat.build()
    picked = pick_highlights(corpus, structure, endorsements(corpus, structure), minimum=8)
    reasons = {h.post_id: h.reason for h in picked}
    assert reasons[ids["maya"]] == "Most liked answer to Q2 (48 likes)"
    assert reasons[ids["thread"]] == "Started a thread 3 people joined"
    assert reasons[ids["contrarian"]] == "An early contrarian view later echoed by 2 people"


def test_count_follows_size_and_bounds() -> None:
    chat, _ = garden_session()
    corpus, structure = chat.build()
    support = endorsements(corpus, structure)
    assert len(pick_highlights(corpus, structure, support, minimum=2, maximum=3)) == 2  # 32 posts / 20
    assert len(pick_highlights(corpus, structure, support, minimum=7)) == 7
    big = Chat()
    big.ask(1, "Favourite seed catalogue?")
    for i in range(400):
        big.post(f"user{i}", f"A1: Catalogue {i} has wonderful heirloom tomato varieties {i}", likes=i % 9)
    corpus, structure = big.build()
    assert len(pick_highlights(corpus, structure, endorsements(corpus, structure))) == 15
    small = Chat()
    small.ask(1, "Favourite seed catalogue?")
    small.post("a", "A1: The heirloom one with hand drawn tomato pictures", likes=3)
    small.post("b", "A1: Anything with open pollinated bean varieties", likes=1)
    small.post("c", "+1")
    corpus, structure = small.build()
    assert [h.post_id for h in pick_highlights(corpus, structure, endorsements(corpus, structure))] == \
        ["p002", "p003"]


def test_empty_session() -> None:
    chat = Chat()
    chat.post("host", "Welcome! We start in five minutes", chatter=True)
    corpus, structure = chat.build()
    assert pick_highlights(corpus, structure, endorsements(corpus, structure)) == []


def test_an_unlabelled_question_is_quoted_as_written_without_address_links_or_the_chat_tag():
    from chatrecap.analysis.highlights import _question

    chat = Chat()
    asked = chat.post("host", "@ann @bob Anyone attending #MSIgnite? https://example.org/x")
    corpus, _ = chat.build()
    assert _question(corpus.get(asked), None, corpus.chat) == "“Anyone attending #MSIgnite?”"


def test_a_short_post_nothing_recommends_is_no_highlight() -> None:
    """Slack's "33MB zip file" and "uploaded a file: 100 cities" were highlights, labelled "A
    substantial contribution", to reach the five a recap shows at least: fewer is better."""
    chat = Chat()
    chat.post("ann", "33MB zip file of the city data")
    chat.post("bob", "uploaded a file: 100 cities")
    long = chat.post("cy", "The ten city sample runs in two minutes while the hundred city one needs "
                           "a better heuristic than simulated annealing")
    corpus, structure = chat.build()
    picked = pick_highlights(corpus, structure, endorsements(corpus, structure), minimum=5)
    assert [(h.post_id, h.reason) for h in picked] == [(long, "A substantial contribution")]
