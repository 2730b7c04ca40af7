"""The recap's section "Thought leaders named by participants" and its network picture:
the bundled example against its truth, a chat where an organisation is named, and the
pictures in Markdown (a file of its own) and HTML (links into each account's posts)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib.resources import files

import jsonschema
import pytest
from conftest import run_demo

from chatrecap.analysis.corpus import ChatPost, Corpus, Participant
from chatrecap.analysis.sessions import Session
from chatrecap.recap.build import RecapOptions, recap_of
from chatrecap.recap.model import Recap
from chatrecap.render import html, markdown

TRUTH = json.loads((files("chatrecap") / "examples" / "b2bchat-example.truth.json").read_text())
SCHEMA = json.loads((files("chatrecap") / "schemas" / "recap.schema.json").read_text())
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def recap(demo_dir) -> Recap:
    return Recap.from_json((demo_dir / "recap.json").read_bytes())


def test_every_nominee_of_the_example_with_its_votes_and_voters(recap):
    want: dict[str, set[str]] = defaultdict(set)
    for vote in TRUTH["nominations"]:
        for nominee in vote["nominees"]:
            want[nominee.lower()].add(vote["nominator"].lower())
    leaders = recap.leaders
    named = leaders.people + leaders.organizations + leaders.unsure
    got = {(n.handle or n.name).lower(): n for n in named}
    assert got.keys() == want.keys()
    for key, voters in want.items():
        assert got[key].votes == len(voters), key
        assert {h.lower() for h in got[key].nominators} == voters, key
        assert all(recap.posts[i].author_id for i in got[key].post_ids)
        named_in = " ".join(recap.posts[i].text.lower() for i in got[key].post_ids)
        assert key in named_in or key.split()[-1] in named_in, key
    # Every nominee of the example is a person, plain names included.
    assert leaders.organizations == [] and leaders.unsure == []
    assert {n.kind for n in leaders.people} == {"person"}
    assert [n.votes for n in leaders.people] == sorted((n.votes for n in leaders.people), reverse=True)
    assert leaders.people[0].handle == "MarkoVeldt"


def test_the_most_recognised_leave_out_hosts_and_companies(recap):
    recognised = recap.leaders.recognised
    assert 1 <= len(recognised) <= 5
    handles = [r.handle for r in recognised]
    assert not set(handles) & set(TRUTH["hosts"]) and not set(handles) & set(TRUTH["organizations"])
    assert TRUTH["self_promoter"] not in handles
    assert [r.score for r in recognised] == sorted((r.score for r in recognised), reverse=True)
    assert recognised[0].handle == "DrLenaOkafor" and recognised[0].engagers >= 10


def test_the_network_is_the_most_recognised_and_who_engaged_whom(recap):
    net = recap.leaders.network
    assert 10 <= len(net.nodes) <= 30 + len(recap.leaders.people)
    assert net.accounts > len(net.nodes) and net.interactions > len(net.edges)
    ids = [n.account_id for n in net.nodes]
    assert len(set(ids)) == len(ids)
    for node in net.nodes:
        assert 0 <= node.x <= 1 and 0 <= node.y <= 1
        assert all(recap.posts[i].author_id == node.account_id for i in node.post_ids)
    assert {n.handle for n in net.nodes} >= {"DrLenaOkafor", "MarkoVeldt", "B2BchatHost"}
    linked = set()
    for edge in net.edges:
        assert edge.source != edge.target and edge.weight > 0
        assert set(edge.kinds) <= {"reply", "mention", "repost", "quote"} and min(edge.kinds.values()) >= 1
        linked |= {edge.source, edge.target}
    # Nobody in the picture without a tie, but for the five most recognised.
    assert linked | set(range(5)) == set(range(len(net.nodes)))
    spread = {(round(n.x, 1), round(n.y, 1)) for n in net.nodes}
    assert len(spread) >= len(net.nodes) * 2 // 3  # laid out, not piled up


def test_the_section_follows_the_schema_and_survives_a_round_trip(demo_dir, recap):
    data = json.loads((demo_dir / "recap.json").read_text())
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert Recap.from_dict(data).to_json() == recap.to_json()


def test_markdown_has_the_section_and_the_picture_as_a_file(demo_dir, recap):
    text = (demo_dir / "recap.md").read_text()
    section = text.split("## Thought leaders named by participants\n", 1)[1].split("\n## ", 1)[0]
    assert "**People**" in section and "**Organisations**" not in section
    assert "- **@MarkoVeldt**, named by 10 people: @DrLenaOkafor, " in section
    assert "- **Tobias Wren**, named by 4 people" in section
    assert f"]({markdown.NETWORK_FILE})" in section
    svg = ET.fromstring((demo_dir / markdown.NETWORK_FILE).read_bytes())
    assert svg.get("viewBox") == "0 0 880 440" and svg.get("role") == "img"
    assert len(svg.findall(f".//{SVG}circle")) == len(recap.leaders.network.nodes)
    assert svg.findall(f".//{SVG}a") == []  # an image links nowhere
    titles = " ".join(t.text for t in svg.iter(f"{SVG}title"))
    assert all(f"@{n.handle}" in titles for n in recap.leaders.network.nodes)


def test_html_links_every_circle_to_that_accounts_posts(recap):
    body = html.render_body(recap)
    assert '<a href="#thought-leaders">Thought leaders named by participants</a>' in body
    hrefs = re.findall(r'<a class="net-node" href="#(account-posts-\d+)" data-handle="(\w+)">', body)
    assert len(hrefs) == len(recap.leaders.network.nodes)
    for anchor, handle in hrefs:
        block = body.split(f'<ol id="{anchor}">', 1)[1].split("</ol>", 1)[0]
        node = next(n for n in recap.leaders.network.nodes if n.handle == handle)
        assert block.count("<li>") == min(len(node.post_ids), html.ACCOUNT_POSTS_SHOWN)


def test_an_accounts_posts_say_which_it_only_reposted(demo_dir):
    """Others' words an account passed on must not read as its own in its list of posts."""
    recap = Recap.from_json((demo_dir / "recap.json").read_bytes())  # (changed here: a copy)
    node = next(n for n in recap.leaders.network.nodes if n.post_ids)
    own = recap.posts[node.post_ids[0]]
    original = next(p for p in recap.posts.values() if p.author_id != node.account_id)
    repost = replace(own, id="x:repost-1", kind="repost", repost_of_id=original.id, text=original.text)
    bare = replace(own, id="x:repost-2", kind="repost", repost_of_id=None, text="RT @someone: their words")
    recap.posts |= {p.id: p for p in (repost, bare)}
    node.post_ids[:] = [own.id, repost.id, bare.id]
    body = html.render_body(recap)
    anchor = f"account-posts-{recap.leaders.network.nodes.index(node) + 1}"
    items = body.split(f'<ol id="{anchor}">', 1)[1].split("</ol>", 1)[0].split("<li>")[1:]
    assert "reposted" not in items[0]
    assert f'<span class="meta">reposted @{original.handle}:</span>' in items[1]
    assert '<span class="meta">reposted:</span> RT @someone: their words' in items[2]


T0 = datetime(2025, 5, 2, 17, 0, tzinfo=UTC)


def chat_post(i: int, author: str, text: str, *, reply_to: ChatPost | None = None,
              mentions: tuple[str, ...] = ()) -> ChatPost:
    return ChatPost(f"x:{i}", "x", f"x:{author}", author, T0 + timedelta(minutes=i), text,
                    reply_to.id if reply_to else None, reply_to.handle if reply_to else None,
                    None, None, mentions or tuple(re.findall(r"@(\w+)", text)), ("DevChat",), (),
                    0, 0, 0, 0, None, True)


def test_organisations_are_listed_apart_from_people():
    people = {"host": ("DevChat", "The official #DevChat account. News, events and our community."),
              "ann": ("Ann Lee", "I write about platform teams. Staff engineer."),
              "bob": ("Bob Stone", "My views. Engineering manager, father of two."),
              "cy": ("Cy Park", "SRE. I break things so you don't."),
              "dan": ("Dan Wu", "Developer advocate. I talk too much about Kubernetes."),
              "acme": ("Acme Cloud Inc.", "We build the cloud platform teams love. Official account.")}
    authors = {f"x:{h}": Participant(f"x:{h}", h, name, bio, None, None, None, None, None)
               for h, (name, bio) in people.items()}
    q = chat_post(0, "host", "Q1: Who do you learn from about platform engineering? Tag them! #DevChat")
    posts = [q,
             chat_post(1, "ann", "A1: @bob and @acme, their docs taught me everything #DevChat", reply_to=q),
             chat_post(2, "bob", "A1: I learn most from @acme and from @ann #DevChat", reply_to=q),
             chat_post(3, "cy", "A1: @ann for sure, and @acme's engineering blog #DevChat", reply_to=q),
             chat_post(4, "dan", "A1: @ann! Her talks on golden paths #DevChat", reply_to=q),
             chat_post(5, "acme", "Thanks all! Try our new platform at https://acme.example #DevChat")]
    corpus = Corpus("#DevChat", posts, authors=authors)
    session = Session("devchat-20250502-1700", "#DevChat", T0, T0 + timedelta(minutes=5), len(posts),
                      len(people))
    leaders = recap_of(corpus, session, RecapOptions(hosts=("host",))).leaders
    assert [(n.handle, n.votes) for n in leaders.people] == [("ann", 3), ("bob", 1)]
    assert [(n.handle, n.votes, n.nominators) for n in leaders.organizations] == [
        ("acme", 3, ["ann", "bob", "cy"])]
    assert leaders.organizations[0].kind == "organization" and leaders.organizations[0].kind_evidence
    assert "acme" not in [r.handle for r in leaders.recognised]  # people, not companies

    corrected = recap_of(corpus, session, RecapOptions(hosts=("host",)),
                         kind_corrections={"x:acme": "person"}).leaders
    assert "acme" in [n.handle for n in corrected.people] and corrected.organizations == []


def test_a_sessions_accounts_are_of_the_kind_the_whole_chat_says(pst_db, monkeypatch, capsys):
    """A session alone says little of an account it mentions once: `leaders SESSION` called
    @PWSHChicago, @github and @pshorg persons in #PSTweetChat's March 2020 session, which
    `chatrecap accounts` (the whole chat) calls organisations. The recap and the leaders of
    a session read the kinds over the whole chat now."""
    from test_cli import run_main

    from chatrecap.analysis.sessions import find_sessions
    from chatrecap.recap.build import build_recap
    from chatrecap.store import open_store

    assert run_main(monkeypatch, "--db", str(pst_db), "accounts", "--format", "json") in (0, None)
    whole = {row["account_id"]: row["kind"] for row in json.loads(capsys.readouterr().out)}
    code = run_main(monkeypatch, "--db", str(pst_db), "leaders", "pstweetchat-20200306-1800", "-f", "json")
    assert code in (0, None)
    ranked = {row["handle"]: row["kind"] for row in json.loads(capsys.readouterr().out)}
    assert ranked["PWSHChicago"] == ranked["github"] == ranked["pshorg"] == "organization"
    with open_store(pst_db) as store:
        leaders = build_recap(store, find_sessions(store, "#PSTweetChat")[1]).leaders
    shown = [(x.account_id, x.kind) for x in [*leaders.recognised, *leaders.people, *leaders.organizations]
             if x.account_id]
    assert shown and all(kind == whole[account] for account, kind in shown)


def test_a_session_that_only_mentions_an_author_of_the_chat_reads_their_kind(data, tmp_path, monkeypatch,
                                                                             capsys):
    """A session that only mentions an author of the chat knows them as "twitter:@handle",
    the whole chat by their id: such accounts came out "unknown" in a session's recap."""
    from test_cli import run_main

    db = str(tmp_path / "w.db")
    source = data / "twitter_v1" / "tidytags_different_tweet_types_0.json"
    assert run_main(monkeypatch, "--db", db, "import", str(source)) in (0, None)
    capsys.readouterr()
    window = ("--from", "2019-11-15T14:50", "--to", "2019-11-15T15:20")
    assert run_main(monkeypatch, "--db", db, "leaders", *window, "-f", "json") in (0, None)
    kinds = {row["handle"].lower(): row["kind"] for row in json.loads(capsys.readouterr().out)}
    assert (kinds["nicolapallitt"], kinds["aect"], kinds["emergeafrica"]) == ("person", "organization",
                                                                                 "organization")
    assert "unknown" not in kinds.values()


def test_a_program_is_nobodys_thought_leader():
    """Slack's GitHub app (three installs, three "@github" rows) and an account whose bio
    says "I am a bot" were ranked, as organisations; a user who says one is a person wins."""
    from chatrecap.analysis.leaders import rank_leaders

    bios = {"ann": (None, "Staff engineer."), "bob": (None, "Engineering manager."),
            "github": (True, None), "poll": (None, "I am a bot that counts the votes."),
            "gus": (True, "Our build robot.")}
    authors = {f"x:{h}": Participant(f"x:{h}", h, None, bio, None, None, None, None, None, is_bot=bot)
               for h, (bot, bio) in bios.items()}
    posts = [chat_post(0, "github", "New commit pushed by ann"), chat_post(1, "poll", "3 votes so far")]
    posts += [chat_post(2 + k, who, f"@github @poll @gus thanks {k}")
              for k, who in enumerate(["ann", "bob"] * 3)]
    corpus = Corpus("#DevChat", posts, authors=authors)
    assert {x.handle for x in rank_leaders(corpus, None, [])} == {"ann", "bob"}
    ranked = rank_leaders(corpus, None, [], corrections={"x:gus": "person"})
    assert {x.handle for x in ranked} == {"ann", "bob", "gus"} and ranked[0].handle == "gus"


def test_the_most_recognised_are_in_the_picture_whoever_engaged_them():
    """#brexit: the account most replied to (by people outside the picture) was missing from
    a picture captioned "the most recognised", which showed four little-known accounts that
    happened to answer one another."""
    from chatrecap.analysis.network import build_graph, recognition
    from chatrecap.analysis.network_layout import picture

    star = chat_post(0, "star", "Big news today")
    posts = [star] + [chat_post(1 + k, f"fan{k}", f"@star so true {k}", reply_to=star) for k in range(12)]
    ann = chat_post(20, "ann", "Anyone here?")
    bob = chat_post(21, "bob", "@ann yes", reply_to=ann)
    posts += [ann, bob, chat_post(22, "ann", "@bob hi", reply_to=bob)]
    graph = build_graph(Corpus("#brexit", posts), None)
    ranking = recognition(graph)
    assert ranking[0].account_id == "x:star"
    shown = picture(graph, ranking, limit=3, always=1)
    assert shown.accounts[0] == "x:star" and not any(0 in (e.source, e.target) for e in shown.edges)
    assert picture(graph, ranking, limit=3, always=0).accounts[:1] != ["x:star"]
