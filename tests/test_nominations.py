"""Nominations: who the room names as thought leaders, against the bundled example's truth
and on small hand-made posts for each cue and each exclusion."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta
from importlib.resources import as_file, files

import pytest
from conftest import real_texts

from chatrecap.analysis.corpus import ChatPost, Corpus, Participant, load_corpus
from chatrecap.analysis.leaders import rank_leaders
from chatrecap.analysis.nominations import Nomination, find_nominations, is_nomination_prompt, tally
from chatrecap.analysis.sessions import find_sessions
from chatrecap.analysis.structure import LABEL, REPLY, Link, Prompt, Structure, analyse
from chatrecap.importer import import_file
from chatrecap.sources.base import ReadOptions
from chatrecap.store import open_store

TRUTH = json.loads((files("chatrecap") / "examples" / "b2bchat-example.truth.json").read_text())
T0 = datetime(2024, 3, 14, 18, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    db = tmp_path_factory.mktemp("nominations") / "w.db"
    with as_file(files("chatrecap") / "examples" / "b2bchat-example.jsonl") as path, open_store(db) as store:
        import_file(store, path, "twarc2", ReadOptions(chat="#B2Bchat"))
        session = find_sessions(store, "#B2Bchat")[-1]
        corpus = load_corpus(store, session.chat, *session.window)
    return corpus, find_nominations(corpus, analyse(corpus, hashtag="B2Bchat"))


def pairs(corpus: Corpus, nominations: list[Nomination]) -> set[tuple[str, str]]:
    return {(corpus.authors[n.nominator_id].handle.lower(), n.nominee.lower()) for n in nominations}


def test_example_against_truth(example):
    corpus, nominations = example
    got = pairs(corpus, nominations)
    want = {(t["nominator"].lower(), nominee.lower())
            for t in TRUTH["nominations"] for nominee in t["nominees"]}
    hits = got & want
    precision, recall = len(hits) / max(len(got), 1), len(hits) / len(want)
    report = (f"precision {precision:.3f} recall {recall:.3f} ({len(hits)} of {len(got)} found, "
              f"{len(want)} true); extra {sorted(got - want)}, missed {sorted(want - got)}")
    print(report)
    assert precision >= 0.9 and recall >= 0.9, report


def test_example_nominates_no_company(example):
    _, nominations = example
    companies = {h.lower() for h in TRUTH["organizations"]}
    assert not [n for n in nominations if n.nominee.lower() in companies]


def test_example_plain_names_and_tally(example):
    _, nominations = example
    names = {n.nominee for n in nominations if not n.nominee_is_handle}
    assert names == {"Priya Raman", "Tobias Wren", "Margit Haugen"}
    top = tally(nominations)
    assert top[0].nominee == "MarkoVeldt" and top[0].votes == len({
        t["nominator"] for t in TRUTH["nominations"] if "MarkoVeldt" in t["nominees"]})
    assert [c.votes for c in top] == sorted((c.votes for c in top), reverse=True)


def post(i: int, author: str, text: str, *, reply_to: str | None = None) -> ChatPost:
    return ChatPost(f"p{i}", "x", author, author, T0 + timedelta(seconds=i), text, reply_to, None, None,
                    None, (), (), (), 0, 0, 0, 0, None, True)


def run(*posts: ChatPost, links: dict[str, Link] | None = None, parents: dict[str, str] | None = None,
        prompts: list[Prompt] | None = None) -> list[tuple[str, str, str]]:
    authors = {p.author_id: Participant(p.author_id, p.handle, None, None, None, None, None, None, None)
               for p in posts}
    corpus = Corpus("#chat", list(posts), authors=authors)
    structure = Structure(["host"], prompts or [], links or {}, parents or {})
    return [(n.nominator_id, n.nominee, n.cue) for n in find_nominations(corpus, structure)]


def test_follow_friday_names_every_handle() -> None:
    assert run(post(1, "ann", "Happy Friday! #FF @Bob @cy @DanW")) == [
        ("ann", "Bob", "#FF"), ("ann", "cy", "#FF"), ("ann", "DanW", "#FF")]


def test_hat_tip_and_shout_out() -> None:
    assert run(post(1, "ann", "Great framework, h/t @JaneRivers")) == [("ann", "JaneRivers", "h/t")]
    assert run(post(1, "ann", "Shout-out to @bob for the deck!")) == [("ann", "bob", "shout-out")]
    assert run(post(1, "ann", "Check out @bob's newsletter"),
               post(2, "cy", "I learned so much from @ann")) == [
        ("ann", "bob", "check out"), ("cy", "ann", "learned from")]


def test_kudos_and_check_out_with_words_before_the_handle() -> None:
    """Shout-outs by other names, and a recommendation of someone's work a few words on
    (#DuBoisChallenge: "check out this recent lecture by @Jasonforrestftw")."""
    assert run(post(1, "ann", "Kudos to @bob and @cy!"), post(2, "dan", "Hats off to @bob for the talk"),
               post(3, "eve", "Honorable mention to @fay for pushing through")) == [
        ("ann", "bob", "shout-out"), ("ann", "cy", "shout-out"), ("dan", "bob", "shout-out"),
        ("eve", "fay", "shout-out")]
    assert run(post(1, "ann", "For background, check out this recent lecture by @bob"),
               post(2, "cy", "Check out some of @dan's work!")) == [
        ("ann", "bob", "check out"), ("cy", "dan", "check out")]
    # Thanks for what one learned from someone, not for a retweet or for hosting.
    assert run(post(1, "ann", "Thanks to @bob for great style guide"),
               post(2, "cy", "Thx again to @dan & @eve for the resources"),
               post(3, "fay", "Thanks to @gil for the retweet"),
               post(4, "hal", "thanks to @ivy for hosting")) == [
        ("ann", "bob", "thanks for teaching"), ("cy", "dan", "thanks for teaching"),
        ("cy", "eve", "thanks for teaching")]
    # One's own course is no nomination of whom it is told to.
    assert run(post(1, "ann", "Check out my new course @bob"), post(2, "cy", "Check out this thread")) == []


def test_follow_friday_variants_follow_and_worth_following() -> None:
    """#PSFollowFriday is a #FollowFriday; "Follow @x" opens a sentence; "@x deserves to be
    followed" names them before the cue."""
    assert run(post(1, "ann", "It is #PSFollowFriday @Bob @cy")) == [
        ("ann", "Bob", "#FF"), ("ann", "cy", "#FF")]
    assert run(post(1, "ann", "Follow @bob if you want to know more. Also follow @cy")) == [
        ("ann", "bob", "go follow")]  # (mid-sentence "follow @cy" is no cue: "also" is no order)
    assert run(post(1, "ann", "Thanks all! @bob also deserves to be followed."),
               post(2, "cy", "@dan and @eve are a must-follow")) == [
        ("ann", "bob", "worth following"), ("cy", "dan", "worth following"), ("cy", "eve", "worth following")]
    assert run(post(1, "ann", "I don't follow @bob on this"), post(2, "cy", "Unfollow @dan")) == []
    # (#aect19: "@AnnaRoseLeach @jachutchinson & @lxdify get shoutouts :)")
    assert run(post(1, "ann", "@bob @cy & @dan get shoutouts :)"),
               post(2, "eve", "@fay gets a big shout-out"), post(3, "gus", "@hal didn't get a shoutout")) == [
        ("ann", "bob", "shout-out"), ("ann", "cy", "shout-out"), ("ann", "dan", "shout-out"),
        ("eve", "fay", "shout-out")]
    # ... said outright, not asked or doubted (a review's cases)
    assert run(*(post(k, "ann", text) for k, text in enumerate((
        "Why does @x get a shoutout?", "Should @x get a shout out?", "@x @y get shoutouts? Nope.",
        "Hard to believe @x gets shout-outs", "I can't believe @x and @y get shoutouts and I don't",
        "Not sure @x deserves a shoutout for that mess")))) == []
    assert run(post(1, "ann", "Great hour. @x deserves a shout-out!")) == [("ann", "x", "shout-out")]
    # (#PSTweetChat: the host's "You should be following @pshnuts", "I highly recommend the
    # sessions by @Wired_Pulse and @matrixsurfer128", "Thanks to @JeffHicks, I learned ...")
    assert run(post(1, "ann", "You should be following @pshnuts"),
               post(2, "cy", "I highly recommend the sessions by @Wired_Pulse and @matrix128"),
               post(3, "dan", "Thanks to @JeffHicks, I learned to love the pipeline"),
               post(4, "eve", "Thanks to @bob, the room is booked")) == [
        ("ann", "pshnuts", "go follow"), ("cy", "Wired_Pulse", "go follow"), ("cy", "matrix128", "go follow"),
        ("dan", "JeffHicks", "thanks for teaching")]
    # (#PSTweetChat: the ImportExcel author credits its co-maintainer; thanking a host for
    # hosting names no leader)
    assert run(post(1, "ann", "1,000,000 downloads! Special thanks to @jamesoneill for all his work on it"),
               post(2, "cy", "Special thanks to @host for hosting")) == [
        ("ann", "jamesoneill", "thanks for teaching")]
    assert run(post(1, "ann", "I recommend staying away from @spammer"),
               post(2, "cy", "I would not recommend anything from @acme"),
               post(3, "dan", "I'd recommend a break from @twitter"),
               post(4, "eve", "Thanks to @bob we learned the venue is closed"),
               post(5, "fay", "Thanks to @bob, I learned nothing")) == []


def test_a_reply_prefix_holds_everyone_the_parent_mentions() -> None:
    """Replying to a post addresses its author and everyone it mentions: no votes."""
    first = dataclasses.replace(post(1, "host", "#FF @bob @cy"), mentions=("bob", "cy"))
    reply = post(2, "ann", "@host @bob @cy #FF to you three!")
    assert run(first, reply, parents={"p2": "p1"}) == [("host", "bob", "#FF"), ("host", "cy", "#FF")]


def test_a_reply_prefix_to_an_unknown_post_is_no_vote() -> None:
    """#PSTweetChat 2020-09-04: "@SQLvariant @notaboutthecell So many rules. Don't forget to
    include #PSFollowFriday..." answers a post the archive lacks: an address, not a vote.
    Handles alone before the cue, or going on into a list, are the votes."""
    assert run(post(1, "host", "@sql @cell So many rules. Don't forget to include #PSFollowFriday")) == []
    assert run(post(1, "ann", "@bob @cy #FF"), post(2, "dan", "@eve, @fay and @gus are a must-follow")) == [
        ("ann", "bob", "#FF"), ("ann", "cy", "#FF"), ("dan", "eve", "worth following"),
        ("dan", "fay", "worth following"), ("dan", "gus", "worth following")]
    assert run(post(1, "ann", "@bob @cy are a must-follow"), post(2, "dan", "@eve @fay #FF all")) == [
        ("ann", "bob", "worth following"), ("ann", "cy", "worth following"), ("dan", "eve", "#FF"),
        ("dan", "fay", "#FF")]
    # A comment on a quoted tweet: the quoted words and their handles are not the poster's.
    assert run(post(1, "ann", "#FF @bob, so true RT @cy: @dan recursion is a counting problem")) == [
        ("ann", "bob", "#FF")]


def test_a_welcome_or_thanks_is_no_cue() -> None:
    assert run(post(1, "ann", "Shout-out to everyone who joined today, like @bob and @cy"),
               post(2, "host", "Huge thanks to our guest @bob for sharing so much wisdom")) == []


def test_negations_are_not_votes() -> None:
    assert run(post(1, "ann", "#FF @bob, not @cy"), post(2, "dan", "#FF anyone but @cy, @eve")) == [
        ("ann", "bob", "#FF"), ("dan", "eve", "#FF")]


def test_no_self_nomination_and_one_vote_per_pair() -> None:
    assert run(post(1, "ann", "#FF @ann @Bob"), post(2, "ann", "h/t @bob"), post(3, "cy", "h/t @bob")) == [
        ("ann", "Bob", "#FF"), ("cy", "bob", "h/t")]


QUESTION = post(1, "host", "Q4: Who are your marketing thought leaders? Tag the people you learn from 👇")


def test_prompt_answers_skip_the_reply_addressee() -> None:
    answer = post(2, "ann", "@host A4: @JaneRivers and @MarkoVeldt")
    first = post(3, "lena", "A4: @JaneRivers for writing")
    reply = post(4, "marcus", "@lena Another @MarkoVeldt fan here 🙋", reply_to="p3")
    thanks = post(5, "jane", "@lena Aww, thank you Lena!", reply_to="p3")
    prompt = Prompt("p1", "Q4", 4, "labelled", "host")
    links = {"p2": Link("p1", LABEL, 0.95), "p3": Link("p1", LABEL, 0.95), "p4": Link("p1", REPLY, 0.85),
             "p5": Link("p1", REPLY, 0.85)}
    cue = "answer to a who-do-you-follow prompt"
    assert run(QUESTION, answer, first, reply, thanks, prompts=[prompt], links=links,
               parents={"p4": "p3", "p5": "p3"}) == [
        ("ann", "JaneRivers", cue), ("ann", "MarkoVeldt", cue), ("lena", "JaneRivers", cue),
        ("marcus", "MarkoVeldt", cue)]


def test_plain_names_in_answers_only() -> None:
    answer = post(2, "ann", "A4: Priya Raman. Great Question, and her book Earned Attention is gold")
    aside = post(3, "bob", "Great Question! Tobias Wren would know")  # not a nomination context
    prompt = Prompt("p1", "Q4", 4, "labelled", "host")
    found = run(QUESTION, answer, aside, prompts=[prompt], links={"p2": Link("p1", LABEL, 0.95)})
    assert [(who, nominee) for who, nominee, _ in found] == [("ann", "Priya Raman")]


@pytest.mark.parametrize(("text", "asks"), [
    ("Q4: Who are your marketing thought leaders?", True),
    ("Q5: Who do you follow for content strategy?", True),
    ("Q2: Recommend some people or accounts worth following", True),
    ("Q3: Your favourite B2B voices?", True),
    ("Any must-follow bloggers?", True),
    ("Forgot that this is #PSFollowFriday. Suggest people in the community to follow.", True),
    ("It's #FollowFriday! Go!", True), ("#PSFollowFriday time", True),
    ("Q5: #FollowFriday time! Shout out someone great", True),
    # #PSTweetChat meets on Fridays and tags its topics so: no call for names.
    ("Congrats to @joshduffney on his new gig with Microsoft. #PSFollowFriday #PSTweetChat", False),
    ("Q5: Which game dev creators do you learn from?", True),
    ("Q5: Who should everyone here follow?", True),
    ("Q4: Which tools do you use, and which do you follow up on?", False),
    ("Q1: What makes someone a genuine thought leader in B2B marketing?", False),
    ("Q2: Can a company be a thought leader, or only the people in it?", False),
    ("Q3: What's the biggest mistake brands make with thought leadership?", False),
])
def test_nomination_prompts(text: str, asks: bool) -> None:
    assert is_nomination_prompt(text) is asks


def test_tally_orders_by_votes_then_name() -> None:
    noms = [Nomination("a", "Zed", True, "p1", "#FF"), Nomination("b", "zed", True, "p2", "#FF"),
            Nomination("a", "Amy", True, "p1", "#FF"), Nomination("c", "Priya Raman", False, "p3", "h/t")]
    assert [(c.nominee, c.votes, c.post_ids) for c in tally(noms)] == [
        ("Zed", 2, ["p1", "p2"]), ("Amy", 1, ["p1"]), ("Priya Raman", 1, ["p3"])]


def test_every_cue_match_holds_one_of_its_hints() -> None:
    """The hints only skip the cue patterns on posts none of them can match: on real posts,
    and on strings made of the patterns' own words."""
    import random
    import re

    from chatrecap.analysis.nominations import _CUE_HINTS_SPLIT, _CUES

    rng, texts = random.Random(3), real_texts()
    for (cue, pattern), (hints, cased) in zip(_CUES, _CUE_HINTS_SPLIT, strict=True):
        words = [*re.findall(r"[A-Za-z/'-]+", pattern.pattern), "HT", "Hat", "tip", "@ann", "to", "x", ":"]
        made = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 8))) for _ in range(5000)]
        made += ["Shout-out to @ann", "shoutouts for @x and @y", "h/t: @x", "Hat-tip to @y", "HT @z",
                 "check out @a", "learned so much from @b", "please follow @c", "recommending following @d",
                 "Big thanks to @e for teaching me", "huge thanks to @f and @g for mentoring",
                 "Special thanks to Ann Lee for explaining it", "You should be following @h",
                 "recommend the talks by @i", "Thanks to @j, I learned it"]
        matched = 0
        for text in texts + made:
            if text.isascii() and pattern.search(text):
                matched += 1
                low = text.lower()
                assert any(h in low for h in hints) or any(h in text for h in cased), (cue, text)
        assert matched > 2, cue


def test_bluesky_and_mastodon_handles_are_read_whole() -> None:
    """Bluesky handles are domains ("@erikahall.bsky.social"), a Mastodon address has an
    instance ("@ala@mastodon.social", or shown as "@ala" with the post's mention saying
    where); a dot or dash that ends a sentence is no part of a handle."""
    assert run(post(1, "ann.bsky.social", "h/t @erikahall.bsky.social and @leah-a11y.bsky.social."),
               post(2, "mo-research.bsky.social", "#FF @mo-research.bsky.social @nadia.design")) == [
        ("ann.bsky.social", "erikahall.bsky.social", "h/t"),
        ("ann.bsky.social", "leah-a11y.bsky.social", "h/t"),
        ("mo-research.bsky.social", "nadia.design", "#FF")]  # (not herself)
    shown_short = dataclasses.replace(post(3, "jo", "Shout-out to @ala for the toolkit!"),
                                      mentions=("ala@mastodon.social",))
    assert run(shown_short, post(4, "rosa", "h/t @ken@glammr.us.")) == [
        ("jo", "ala@mastodon.social", "shout-out"), ("rosa", "ken@glammr.us", "h/t")]


def test_answer_labels_after_an_address_of_any_platform() -> None:
    from chatrecap.analysis.structure import addressed, answer_label, question_label

    assert answer_label("@libchat@glammr.us A1: a reading list") == 1
    assert question_label("@host.bsky.social Q2: what now?") == 2
    assert addressed("@ann.bsky.social @bob-x.bsky.social @cy. thanks") == (
        "ann.bsky.social", "bob-x.bsky.social", "cy")


def test_an_x_handle_ends_where_a_domain_cannot_go_on() -> None:
    """On X "@ann.Thanks" is @ann and a word, "@JeffHicks-style" @JeffHicks; a run of glued
    Mastodon addresses has one reading (no search through every way of cutting it)."""
    assert run(post(1, "zed", "Shout-out to @ann.Thanks for the deck"),
               post(2, "zed2", "h/t @JeffHicks-style thinking")) == [
        ("zed", "ann", "shout-out"), ("zed2", "JeffHicks", "h/t")]
    glued = "@ann@mastodon.social" * 26 + " is worth it"
    assert run(post(3, "cy", glued)) == []


def test_a_mastodon_reply_to_a_remote_account_is_no_vote_for_it() -> None:
    """Mastodon shows "@ala" for ala@x.social: replying to her is addressing, not naming."""
    question = post(1, "host", "Q1: Who do you follow for accessibility news?")
    answer = dataclasses.replace(post(2, "ala@x.social", "A1: @dan and @eve", reply_to="p1"),
                                 mentions=("dan", "eve"))
    reply = dataclasses.replace(post(3, "bob", "@ala great list! I'd add @fay", reply_to="p2"),
                                mentions=("ala@x.social", "fay"))
    cue = "answer to a who-do-you-follow prompt"
    assert run(question, answer, reply, prompts=[Prompt("p1", "Q1", 1, "labelled", "host")],
               links={"p2": Link("p1", REPLY, 0.9), "p3": Link("p1", REPLY, 0.85)},
               parents={"p2": "p1", "p3": "p2"}) == [
        ("ala@x.social", "dan", cue), ("ala@x.social", "eve", cue), ("bob", "fay", cue)]


def test_organisations_named_in_words_are_nominees() -> None:
    """An answer names an organisation by its name ("Nielsen Norman Group", "the Society of
    American Archivists") or as a group ("the folks at Devolver Digital", "the Locally
    Optimistic community"); a book's title, an employer and a negated group are no votes."""
    prompt = Prompt("p1", "Q4", 4, "labelled", "host")
    answers = [
        post(2, "ann", "A4 Erika Hall and the folks at Nielsen Norman Group #UXchat"),
        post(3, "bob", "A4: Rami Ismail and the folks at Devolver Digital"),
        post(4, "cy", "A4 the folks at dbt Labs, their blog is gold"),
        post(5, "dee", "A4: I learn a lot from the Locally Optimistic community"),
        post(6, "eve", "A4 Karen Coyle, and the Society of American Archivists"),
        post(7, "fay", "A4: Priya Raman. Her book Earned Attention Press edition is gold. "
                       "I work at Acme Group"),
        post(8, "gus", "A4: anyone but the folks at Hype Labs. Tobias Wren!"),
    ]
    links = {p.id: Link("p1", LABEL, 0.95) for p in answers}
    found = [(who, nominee) for who, nominee, _ in run(QUESTION, *answers, prompts=[prompt], links=links)]
    assert found == [
        ("ann", "Erika Hall"), ("ann", "Nielsen Norman Group"), ("bob", "Rami Ismail"),
        ("bob", "Devolver Digital"), ("cy", "dbt Labs"), ("dee", "Locally Optimistic"),
        ("eve", "Karen Coyle"), ("eve", "Society of American Archivists"), ("fay", "Priya Raman"),
        ("gus", "Tobias Wren")]
    # After a cue too, and what the post said of it decides its kind.
    shout = post(9, "hal", "Huge shout-out to the team at Acme Analytics for the data!")
    corpus_posts = (QUESTION, *answers, shout)
    authors = {p.author_id: Participant(p.author_id, p.handle, None, None, None, None, None, None, None)
               for p in corpus_posts}
    corpus = Corpus("#chat", list(corpus_posts), authors=authors)
    nominations = find_nominations(corpus, Structure(["host"], [prompt], links, {}))
    assert ("hal", "Acme Analytics", "shout-out") in {(n.nominator_id, n.nominee, n.cue) for n in nominations}
    groups = {n.nominee for n in nominations if n.organization}
    assert groups == {"Nielsen Norman Group", "Devolver Digital", "dbt Labs", "Locally Optimistic",
                      "Acme Analytics"}
    leaders = {leader.name: leader.kind for leader in rank_leaders(corpus, None, nominations)
               if leader.account_id is None}
    assert {name for name, kind in leaders.items() if kind == "organization"} == {
        "Nielsen Norman Group", "Devolver Digital", "dbt Labs", "Locally Optimistic",
        "Society of American Archivists", "Acme Analytics"}
    assert leaders["Karen Coyle"] == leaders["Tobias Wren"] == "person"


def test_names_with_initials() -> None:
    prompt = Prompt("p1", "Q4", 4, "labelled", "host")
    answers = [post(2, "ann", "A4: @mara and R. David Lankes"),
               post(3, "bob", "A4 Mary K. Smith, J. K. Rowling"),
               post(4, "cy", "A4: Plan B. Karen Coyle is my answer")]
    links = {p.id: Link("p1", LABEL, 0.95) for p in answers}
    assert [n for _, n, _ in run(QUESTION, *answers, prompts=[prompt], links=links)] == [
        "mara", "R. David Lankes", "Mary K. Smith", "J. K. Rowling", "Karen Coyle"]


def _answers(*texts: str) -> list[tuple[str, str]]:
    prompt = Prompt("p1", "Q4", 4, "labelled", "host")
    answers = [post(k + 2, f"u{k}", text) for k, text in enumerate(texts)]
    links = {p.id: Link("p1", LABEL, 0.95) for p in answers}
    return [(who, nominee) for who, nominee, _ in run(QUESTION, *answers, prompts=[prompt], links=links)]


def test_names_in_a_list_stay_apart() -> None:
    """Two names joined by "&", a dash or an emoji are two people, not one run of words."""
    assert _answers("A4 Jane Smith & Priya Raman", "A4: Karen Coyle - Tobias Wren",
                    "A4 Erika Hall 👏 Rami Ismail") == [
        ("u0", "Jane Smith"), ("u0", "Priya Raman"), ("u1", "Karen Coyle"), ("u1", "Tobias Wren"),
        ("u2", "Erika Hall"), ("u2", "Rami Ismail")]
    assert [n for _, n, _ in run(post(2, "ann", "Shout-out to Jane Smith & Priya Raman for the slides"))] == [
        "Jane Smith", "Priya Raman"]


def test_what_is_no_organisation_named() -> None:
    """A person's employer ("of", "from"), a place one goes to, friends at church, a name a
    tag cuts short, and surnames that are organisation words too."""
    assert _answers("A4: Kim Goodwin of Cooper Group", "A4 Jakob Nielsen from Nielsen Norman Group",
                    "A4 Friends at Church and friends from College", "A4 I went to Boston University",
                    "A4 I am going to the Museum of Modern Art next week",
                    "A4: I always learn from Bill Press and Joy Press",
                    "A4 the Brisbane #DevOps User Group") == [
        ("u0", "Kim Goodwin"), ("u1", "Jakob Nielsen")]  # (probablepeople reads "Bill Press" as a firm)


def test_a_cue_keeps_its_handles_and_takes_only_the_organisation_right_after_it() -> None:
    assert [n for _, n, _ in run(
        post(2, "ann", "Shout-out to @bob and @cy, and thanks to the folks at Acme Labs"),
        post(3, "dan", "Check out this video. I really dislike the folks at Fox News."),
        post(4, "eve", "h/t @jane. Bad news from the team at Meta today"),
        post(5, "fay", "Check out the " + "very " * 30 + "folks at Nielsen Norman Group"))] == [
        "bob", "cy", "jane"]


def test_after_a_cue_an_organisation_with_the_and_names_with_initials_or_titles() -> None:
    found = [n for _, n, _ in run(
        post(2, "ann", "h/t the Society of American Archivists"),
        post(3, "bob", "Check out the London PowerShell User Group"),
        post(4, "cy", "Shout out to @ann and the team at Acme Labs!"),
        post(5, "dan", "Shoutout to Dr. Jane Smith"), post(6, "eve", "h/t R.D. Lankes"),
        post(7, "fay", "Shout out to J. K. Rowling"))]
    assert found == ["Society of American Archivists", "London PowerShell User Group", "ann", "Acme Labs",
                     "Jane Smith", "R. D. Lankes", "J. K. Rowling"]


def test_a_name_after_a_cue_ends_with_its_sentence() -> None:
    """The next sentence's words are neither part of the name nor nominees ("Podcast episode
    is up" is no surname, "Bob Jones disagreed" no vote); names that are dates and people
    or places an organisation is named after are read as they are."""
    found = [(who, n) for who, n, _ in run(
        post(2, "ann", "h/t Jane Smith. Podcast episode is up"),
        post(3, "bob", "h/t Priya Raman. Bob Jones disagreed though"),
        post(4, "cy", "h/t Tobias Wren. Hated the Acme Group report"),
        post(5, "dan", "shout out to Jun Wang"), post(6, "eve", "check out Howard University"))]
    assert found == [("ann", "Jane Smith"), ("bob", "Priya Raman"), ("cy", "Tobias Wren"),
                     ("dan", "Jun Wang"), ("eve", "Howard University")]


def test_initials_stop_and_names_cut_by_them() -> None:
    assert [n for _, n in _answers("A4: R.D. Lankes and G Suite", "A4 W.E.B. Du Bois, and I’m Late")] == [
        "R. D. Lankes", "Du Bois"]



def test_posts_passed_over_at_once_are_those_the_cues_never_read():
    """``find_nominations`` skips, without reading them one by one, the posts that answer no
    who-do-you-follow prompt and hold none of the cues' words: exactly the posts ``_nominees``
    itself gives up on at once (real posts; a cased "HT"; a cue only in a quoted tweet;
    scripts whose lower case is longer; a NUL in a text)."""
    from chatrecap.analysis.corpus import own_words
    from chatrecap.analysis.nominations import _ANY_CASED_HINT, _HINT, _may_nominate_each

    texts = real_texts() + ["HT @ann for this", "ht to the room", "Great point RT @ann: thanks @bob",
                            "İstanbul thanks @ann", "İİİ then shout-out to @bob", "a\x00shout-out @x",
                            "#FF @ann @bob", "#ff", "plain words only", "", "Must-follow: @cy"]

    def read_further(text: str) -> bool:  # (``_nominees``' own test, for a post that answers nothing)
        own = own_words(text)
        return not own.isascii() or _HINT.search(own.lower()) is not None or any(
            map(own.__contains__, _ANY_CASED_HINT))

    may = _may_nominate_each(texts)
    assert [k for k, text in enumerate(texts) if read_further(text) and not may[k]] == []
    assert sum(may) < len(texts) / 2  # (most real posts are passed over)
    assert may[-11:] == [True, False, True, True, True, True, True, True, False, False, True]
