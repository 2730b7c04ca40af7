"""Recognition from the conversation: who the room replies to, mentions, reposts and quotes."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from chatrecap.analysis.corpus import ChatPost, Corpus, Participant
from chatrecap.analysis.network import build_graph, recognition, weighted_edges
from chatrecap.analysis.structure import Structure, analyse

START = datetime(2025, 3, 7, 18, 0, tzinfo=UTC)


def uid(handle: str) -> str:
    """Author ids that are not the handle, so a mention must be matched to its author."""
    return f"twitter:{sum(map(ord, handle.lower())) * 7919}"


def post(pid: str, handle: str, text: str = "", *, reply_to: str | None = None,
         reply_to_author: str | None = None, quote: str | None = None, repost: str | None = None,
         mentions: tuple[str, ...] = (), in_chat: bool = True) -> ChatPost:
    return ChatPost(pid, "twitter", uid(handle), handle, START + timedelta(minutes=int(pid[1:] or 0)),
                    text, reply_to, reply_to_author, quote, repost, mentions, ("chat",), (),
                    0, 0, 0, 0, None, in_chat)


def corpus(posts: list[ChatPost], referenced: list[ChatPost] = ()) -> Corpus:
    authors = {p.author_id: Participant(p.author_id, p.handle, None, None, None, None, None, None, None)
               for p in [*posts, *referenced]}
    return Corpus("#chat", posts, {p.id: p for p in referenced}, authors)


def by_id(ranking):
    return {r.account_id: r for r in ranking}


def all_triples(graph):
    return {kind: graph.triples(kind) for kind in graph.edges}


def test_a_repost_is_only_a_repost_edge():
    original = post("p1", "Ann", "hello @Carl", mentions=("Carl",), in_chat=False)
    rt = post("p2", "Bob", "RT @Ann: hello @Carl", repost="p1", mentions=("Ann", "Carl"))
    # The original is not in the archive: the "RT @x:" names whom it passes on.
    rt_unknown = post("p3", "Bob", "RT @Dave: news", repost="p99", mentions=("Dave",))
    g = build_graph(corpus([rt, rt_unknown], [original]))
    assert g.triples("repost") == [(uid("Bob"), uid("Ann"), "p2"), (uid("Bob"), "twitter:@dave", "p3")]
    assert g.triples("mention") == [] and g.triples("reply") == []


def test_a_retweets_text_alone_is_a_repost_too(data):
    """TAGS, Twitter Archiver sheets and CSV exports keep a retweet as "RT @ann: her words",
    naming no original: a repost of ann's, not an original post mentioning her (8 of the 10
    rows of the TAGS sample). "comment RT @ann:" is no such text, and a quote keeps its kind."""
    rt = post("p1", "Bob", "RT @Ann: hello @Carl", mentions=("Ann", "Carl"))
    said = post("p2", "Bob", "so true RT @Ann: hello", mentions=("Ann",))
    quoted = post("p3", "Bob", "RT @Ann: see this", quote="p9", mentions=("Ann",))
    assert (rt.is_repost, said.is_repost, quoted.is_repost) == (True, False, False)
    g = build_graph(corpus([rt, said, quoted]))
    assert g.triples("repost") == [(uid("Bob"), "twitter:@ann", "p1")]
    assert {(a, t) for a, t, _ in g.triples("mention")} == {(uid("Bob"), "twitter:@ann")}
    from chatrecap.analysis.corpus import load_corpus
    from chatrecap.importer import import_file
    from chatrecap.store import open_store

    with open_store(":memory:") as store:
        import_file(store, data / "tags" / "tidytags_sample-data_TAGS_aect.csv")
        tags = load_corpus(store, store.chats()[0])
    assert sum(p.is_repost for p in tags.posts) == 8 and len(tags.posts) == 10


def test_a_retweets_text_alone_finds_its_original_when_the_archive_holds_it():
    """The one earlier post of hers that starts with the retweeted words (an archive cuts a
    long one short, with "…"): the repost goes to it, and counts for it."""
    from chatrecap.analysis.corpus import find_retweeted

    q1 = post("p1", "Ann", "Q1: What is the one tool you cannot live without? #chat")
    rt = post("p2", "Bob", "RT @ann: Q1: What is the one tool you cannot live…", mentions=("ann",))
    early = post("p0", "Bob", "RT @Ann: Q2: And the one you would drop tomorrow?", mentions=("Ann",))
    q2 = post("p3", "Ann", "Q2: And the one you would drop tomorrow?")  # (after its "retweet")
    short = post("p4", "Bob", "RT @Ann: Q1", mentions=("Ann",))
    posts = [early, q1, rt, q2, short]
    find_retweeted(posts, {})
    assert (rt.repost_of_id, early.repost_of_id, short.repost_of_id) == ("p1", None, None)
    assert all(p.is_repost for p in (rt, early, short))
    g = build_graph(corpus(posts))
    assert (uid("Bob"), uid("Ann"), "p2") in g.triples("repost")


def test_a_retweets_text_finds_its_original_whatever_spelling_its_links_have():
    """A sheet keeps the retweet's t.co link where the original's is written out (or cut
    short in the middle): the words around the links decide."""
    from chatrecap.analysis.corpus import find_retweeted

    q1 = post("p1", "Ann", "Q1: Which  tool https://example.com/tools/list do you use most? #chat")
    rt = post("p2", "Bob", "RT @ann: Q1: Which tool https://t.co/AbC123 do you use most? #chat",
              mentions=("ann",))
    cut = post("p3", "Cy", "RT @ann: Q1: Which tool https://t.co/Ab…", mentions=("ann",))
    scheme = post("p4", "Dan", "RT @ann: Q1: Which tool htt…", mentions=("ann",))
    find_retweeted([q1, rt, cut, scheme], {})
    assert (rt.repost_of_id, cut.repost_of_id, scheme.repost_of_id) == ("p1", "p1", "p1")


def test_self_mentions_and_self_replies_are_ignored():
    first = post("p1", "Ann", "A1: thread 1/2")
    second = post("p2", "Ann", "@ann 2/2 also @bob", reply_to="p1", mentions=("ann", "Bob"))
    self_quote = post("p3", "Ann", "as I said", quote="p1")
    g = build_graph(corpus([first, second, self_quote]))
    assert g.triples("reply") == [] and g.triples("quote") == []
    assert g.triples("mention") == [(uid("Ann"), "twitter:@bob", "p2")]  # Bob never posts
    assert all(a != b for edges in all_triples(g).values() for a, b, _ in edges)


def test_a_mentioned_only_account_gets_a_node_and_known_handles_their_author():
    ann = post("p1", "Ann", "hi")
    bob = post("p2", "Bob", "@ZED and @ANN should meet", mentions=("ZED", "ANN", "Zed"))
    g = build_graph(corpus([ann, bob]))
    assert "twitter:@zed" in g.nodes and g.handles["twitter:@zed"] == "ZED"
    assert g.nodes == sorted(g.nodes) and uid("Ann") in g.nodes
    assert g.triples("mention") == [(uid("Bob"), "twitter:@zed", "p2"), (uid("Bob"), uid("Ann"), "p2")]
    assert "twitter:@zed" in by_id(recognition(g))


def test_an_account_only_named_is_spelt_as_the_first_post_naming_it_writes_it():
    # A mention written before a reply to the same account (with no parent in the archive)...
    mention = post("p1", "Ann", "ask @DrZed", mentions=("DrZed",))
    reply = post("p2", "Bob", "@drzed agreed", reply_to="p99", reply_to_author="drzed", mentions=("drzed",))
    again = post("p3", "Cy", "@DRZED and @drzed", mentions=("DRZED", "drzed"))
    g = build_graph(corpus([mention, reply, again]))
    assert g.handles["twitter:@drzed"] == "DrZed"
    assert g.triples("reply") == [(uid("Bob"), "twitter:@drzed", "p2")]
    assert g.triples("mention") == [(uid("Ann"), "twitter:@drzed", "p1"), (uid("Cy"), "twitter:@drzed", "p3")]
    # ... and after one: the reply's spelling.
    later = post("p3", "Ann", "ask @DrZed", mentions=("DrZed",))
    assert build_graph(corpus([reply, later])).handles["twitter:@drzed"] == "drzed"
    # A mention written the way a later reply writes it, before a reply spelling it otherwise.
    first = post("p1", "Ann", "ask @zz", mentions=("zz",))
    second = post("p2", "Cy", "@Zz hi", reply_to="p98", reply_to_author="Zz")
    third = post("p3", "Bob", "hi", reply_to="p97", reply_to_author="zz")
    assert build_graph(corpus([first, second, third])).handles["twitter:@zz"] == "zz"
    assert build_graph(corpus([second, third])).handles["twitter:@zz"] == "Zz"


def test_a_handle_named_on_two_platforms_is_two_accounts():
    from dataclasses import replace

    toot = replace(post("p2", "Bob", "@ann @Ann hi", mentions=("ann", "Ann")), platform="mastodon",
                   author_id="mastodon:1")
    tweet = post("p1", "Cy", "@Ann hi", mentions=("Ann",))
    g = build_graph(corpus([tweet, toot]))
    assert g.handles["twitter:@ann"] == "Ann" and g.handles["mastodon:@ann"] == "ann"
    assert g.triples("mention") == [(uid("Cy"), "twitter:@ann", "p1"), ("mastodon:1", "mastodon:@ann", "p2")]


def test_types_are_kept_apart_and_combined_on_request():
    ann = post("p1", "Ann", "Q1: what works?")
    reply = post("p2", "Bob", "@Ann @Carl this", reply_to="p1", mentions=("Ann", "Carl"))
    quote = post("p3", "Dee", "so true", quote="p1")
    addressed = post("p4", "Eve", "@Bob agreed", mentions=("Bob",))  # no reply id: the structure's
    handle_only = post("p5", "Fay", "@Dee yes", reply_to_author="Dee", mentions=("Dee",))
    c = corpus([ann, reply, quote, addressed, handle_only])
    g = build_graph(c, Structure([], [], {}, {"p4": "p2"}))
    assert g.triples("reply") == [(uid("Bob"), uid("Ann"), "p2"), (uid("Eve"), uid("Bob"), "p4"),
                                  (uid("Fay"), uid("Dee"), "p5")]
    carl = "twitter:@carl"  # only mentioned
    assert g.triples("mention") == [(uid("Bob"), carl, "p2")]  # Ann is counted as the reply
    assert g.triples("quote") == [(uid("Dee"), uid("Ann"), "p3")]
    # Without the structure, Eve's "@Bob" is a mention.
    assert (uid("Eve"), uid("Bob"), "p4") in build_graph(c).triples("mention")

    replies_only = by_id(recognition(g, types=("reply",)))
    assert carl not in replies_only and replies_only[uid("Ann")].in_degree == 1
    everything = by_id(recognition(g))
    assert everything[uid("Ann")].in_degree == 2 and carl in everything
    assert carl not in by_id(recognition(g, type_weights={"mention": 0}))
    assert everything[carl].reactions == pytest.approx(0.7)  # a mention weighs 0.7
    with pytest.raises(ValueError):
        recognition(g, types=("like",))


def test_a_quote_that_also_mentions_is_two_edges_and_one_piece_of_evidence():
    ann = post("p1", "Ann", "take")
    quote = post("p2", "Bob", "yes @Ann", quote="p1", mentions=("Ann",))
    g = build_graph(corpus([ann, quote]))
    assert g.triples("quote") == g.triples("mention") == [(uid("Bob"), uid("Ann"), "p2")]
    (ranked,) = recognition(g)
    assert ranked.evidence == ["p2"] and ranked.engagers == (uid("Bob"),)
    assert ranked.reactions == pytest.approx((1.0 + 0.7) / 2 * math.log2(3))
    heavier = recognition(g, type_weights={"mention": 2.0})[0]
    assert heavier.reactions == pytest.approx((1.0 + 2.0) / 2 * math.log2(3))


def test_repeats_from_one_account_have_diminishing_returns():
    posts = [post("p0", "Ann", "hi")]
    posts += [post(f"p{i}", "Bob", "@Ann yes", reply_to="p0", mentions=("Ann",)) for i in (1, 2, 3)]
    posts += [post("p4", "Carl", "@Ann and", reply_to="p0", mentions=("Ann",)),
              post("p5", "Carl", "@Ann again", mentions=("Ann",))]
    g = build_graph(corpus(posts))
    actors, targets, weights = weighted_edges(g)
    w = {(g.nodes[a], g.nodes[b]): x for a, b, x in zip(actors, targets, weights, strict=True)}
    assert w[(uid("Bob"), uid("Ann"))] == pytest.approx(math.log2(4))  # 3 replies count as 2
    assert w[(uid("Carl"), uid("Ann"))] == pytest.approx(0.85 * math.log2(3))  # reply + mention


def test_five_people_outweigh_one_person_five_times():
    posts = [post("p0", "Tia", "take one"), post("p1", "Uma", "take two")]
    posts += [post(f"p{10 + i}", f"fan{i}", "@Tia yes", reply_to="p0") for i in range(5)]
    posts += [post(f"p{20 + i}", "Vic", "@Uma yes", reply_to="p1") for i in range(5)]
    ranking = recognition(build_graph(corpus(posts)))
    assert ranking[0].account_id == uid("Tia")
    tia, uma = by_id(ranking)[uid("Tia")], by_id(ranking)[uid("Uma")]
    assert tia.score > uma.score and tia.reactions > uma.reactions
    assert (tia.in_degree, uma.in_degree) == (5, 1)


def test_an_indiscriminate_reactor_weighs_less_per_reaction():
    posts = [post("p0", "Tia", "take"), post("p1", "Uma", "take")]
    posts += [post(f"p{2 + i}", f"other{i}", "take") for i in range(9)]
    posts.append(post("p20", "Fox", "@Tia yes", reply_to="p0"))  # replies to Tia only
    posts += [post(f"p{30 + i}", "Ivy", "yes", reply_to=f"p{1 + i}") for i in range(10)]  # to all
    posts += [post("p50", "Gus", "yes", reply_to="p2"), post("p51", "Hal", "yes", reply_to="p3")]
    ranking = by_id(recognition(build_graph(corpus(posts))))
    tia, uma = ranking[uid("Tia")], ranking[uid("Uma")]
    assert tia.score > uma.score
    assert tia.reactions == pytest.approx(1.0)
    assert uma.reactions == pytest.approx(1 / math.sqrt(10))  # 10 targets, the median is 1


def test_the_ranking_is_deterministic_and_its_evidence_is_real():
    posts = [post(f"p{i}", f"u{i % 7}", f"@u{(i * 3) % 5} hi", mentions=(f"u{(i * 3) % 5}",),
                  reply_to=f"p{i - 1}" if i % 2 else None) for i in range(60)]
    c = corpus(posts)
    first, second = recognition(build_graph(c)), recognition(build_graph(corpus(list(posts))))
    assert first == second and len(first) >= 5
    scores = [r.score for r in first]
    assert scores == sorted(scores, reverse=True)
    g = build_graph(c)
    edges = {(a, b, p) for triples in all_triples(g).values() for a, b, p in triples}
    for r in first:
        assert 1 <= len(r.evidence) <= 20 and len(set(r.evidence)) == len(r.evidence)
        assert r.in_degree == len(r.engagers) == len(set(r.engagers))
        for pid in r.evidence:
            actor = c.by_id[pid].author_id
            assert actor in r.engagers and (actor, r.account_id, pid) in edges
        # One post from each engager before anyone's second.
        authors = [c.by_id[pid].author_id for pid in r.evidence]
        head = authors[:min(len(r.engagers), len(authors))]
        assert len(set(head)) == len(head)




def test_the_pstweetchat_host_is_recognised_by_the_room(pst_corpus):
    graph = build_graph(pst_corpus, analyse(pst_corpus))
    ranking = recognition(graph)
    assert len(ranking) > 50
    top = [graph.handles[r.account_id].lower() for r in ranking[:2]]
    assert "jeffhicks" in top, [graph.handles[r.account_id] for r in ranking[:5]]
    jeff = next(r for r in ranking if graph.handles[r.account_id].lower() == "jeffhicks")
    assert jeff.in_degree >= 20 and all(pid in pst_corpus.by_id for pid in jeff.evidence)


def test_an_empty_chat_ranks_nobody():
    graph = build_graph(corpus([post("p1", "Ann", "anyone here?")]))
    assert graph.nodes == [uid("Ann")] and recognition(graph) == []
