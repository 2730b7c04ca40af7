"""Endorsement: counters, what the archive shows, agreeing replies, nobody endorsing themselves."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from chatrecap.analysis.corpus import ChatPost, Corpus
from chatrecap.analysis.endorsement import agrees, disagrees, endorsements, is_logistics
from chatrecap.analysis.structure import Link, Prompt, Structure

T0 = datetime(2024, 1, 5, 18, 0, tzinfo=UTC)


def post(pid: str, author: str, text: str = "A take on things", *, likes: int = 0, reposts: int = 0,
         quotes: int = 0, repost_of: str | None = None, quote_of: str | None = None,
         in_chat: bool = True) -> ChatPost:
    return ChatPost(pid, "x", author, author, T0 + timedelta(seconds=int(pid.strip("p") or 0)), text, None,
                    None, quote_of, repost_of, (), (), (), likes, reposts, 0, quotes, None, in_chat)


@pytest.mark.parametrize("text", ["@ann So true!", "Agree 100%", "+1 #chat", "This!", "💯💯",
                                  "Well said, Ann", "Spot on", "Great point", "@a @b couldn't agree more",
                                  "Yes! Exactly this"])
def test_agreeing_replies(text: str) -> None:
    assert agrees(text)


@pytest.mark.parametrize("text", ["@ann I disagree", "Not sure I agree", "But what about cost?",
                                  "Great point, but I'd push back on the timing", "Interesting, tell me more",
                                  "Hmm, agree only partly", "I don't agree"])
def test_not_agreeing(text: str) -> None:
    assert not agrees(text)


def test_disagrees() -> None:
    assert disagrees("@bob Hard disagree! Research is one route") and not disagrees("@bob Exactly right")


def test_counts_and_score() -> None:
    original = post("p1", "ann", likes=10, reposts=1)
    posts = [original,
             post("p2", "bob", repost_of="p1"), post("p3", "cy", repost_of="p1"),
             post("p4", "ann", repost_of="p1"),  # her own repost: no endorsement
             post("p5", "dan", "So true, Ann!"), post("p6", "eve", "I disagree, it depends"),
             post("p7", "ann", "Agreed, me too"),  # agreeing with herself
             post("p8", "fay", "Love this framing", quote_of="p1"),
             post("p9", "gus", "Nope, wrong on every count", quote_of="p1")]
    corpus = Corpus("#chat", posts)
    structure = Structure([], [], {}, {"p5": "p1", "p6": "p1", "p7": "p1"})
    e = endorsements(corpus, structure)["p1"]
    assert (e.likes, e.reposts, e.quotes, e.agreeing_replies) == (10, 2, 1, 1)
    assert e.endorsers == frozenset({"bob", "cy", "dan", "fay"})
    assert e.score == pytest.approx(math.log1p(10 + 2 * 2 + 2 * 1 + 3 * 1), abs=1e-6)
    assert e.count == 14
    assert endorsements(corpus, structure)["p6"].score == 0


def test_referenced_posts_get_endorsed_too() -> None:
    outside = post("p0", "guest", likes=3, in_chat=False)
    corpus = Corpus("#chat", [post("p1", "ann", repost_of="p0")], {"p0": outside})
    e = endorsements(corpus, Structure([], [], {}, {}))
    assert e["p0"].reposts == 1 and e["p0"].endorsers == {"ann"}


def test_is_logistics() -> None:
    posts = [post("p1", "host", "Welcome everyone! Introduce yourselves"),
             post("p2", "host", "Q1: What is your favourite tool?"),
             post("p3", "host", "A1: Mine is a notebook, always"),
             post("p4", "host", "Keep them coming! Q2 in two minutes"),
             post("p5", "ann", "Hi all, Ann from Leeds here"),
             post("p6", "bob", "A1: A notebook and a good pen")]
    structure = Structure(["host"], [Prompt("p2", "Q1", 1, "labelled", "host")],
                          {i: Link("p2", "label", 1.0) for i in ("p3", "p4", "p6")}, {})
    assert [is_logistics(p, structure) for p in posts] == [True, True, False, True, True, False]
