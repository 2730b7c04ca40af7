"""Affiliations from bios and posts, and how much of an organisation's standing is its people's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from chatrecap.analysis.companies import (
    Affiliation,
    affiliations,
    bio_affiliations,
    company_dependence,
    org_accounts,
)
from chatrecap.analysis.corpus import ChatPost, Corpus, Participant, load_corpus
from chatrecap.importer import import_file
from chatrecap.sources.base import ReadOptions
from chatrecap.store import open_store

T0 = datetime(2024, 5, 2, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize("bio, orgs", [
    ("CEO @DevOpsOrg", ["DevOpsOrg"]),
    ("CMO at Acme Analytics. Opinions my own.", ["Acme Analytics"]),
    ("Principal analyst at @Forrester", ["Forrester"]),
    ("Founder, Acme Labs | Dad of two", ["Acme Labs"]),
    ("Globex employee, views my own", ["Globex"]),
    ("Working at Initech Systems since 2019", ["Initech Systems"]),
    ("Writer | Hooli Cloud | Cats", ["Hooli Cloud"]),
    ("I lead marketing at @Acme, sometimes I write", ["Acme"]),
    ("@Acme founder. Dog person.", ["Acme"]),
    ("Head of Brand @PipelinePro. Ex-journalist.", ["PipelinePro"]),
    ("Demand gen lead at @NorthbeamMedia. Co-host of #B2Bchat.", ["NorthbeamMedia"]),
    ("Former CMO @OldCo. Now CEO @NewCo", ["NewCo"]),
    ("ex-@Google, now lead at @Meta", ["Meta"]),
    ("Previously at Hooli. Engineer at Pied Piper", ["Pied Piper"]),
    ("@Google alum. Building things.", []),
    ("Formerly VP Sales at Initech", []),
    ("CMO at a logistics SaaS", []),
    ("Brand strategist | Speaker | I help founders find their point of view.", []),
    ("Hosted by @SamOduya. Support: @PipelineProHelp", []),
    # One role, several handles (#PSTweetChat's @PSJamesP); a list after another sentence is not.
    ("CEO and Executive Director @DevOpsOrg and @PSHorg | http://PowerShell.org", ["DevOpsOrg", "PSHorg"]),
    ("Engineer at @Acme & @Beta, @Gamma", ["Acme", "Beta", "Gamma"]),
    ("CMO at @Acme. Love @cats and @dogs", ["Acme"]),
    ("ex-CMO at @Old and @Older, now at @New", ["New"]),
    ("CTO @Acme and @OldCo (former)", ["Acme"]), ("CTO @Acme / @Beta alum", ["Acme"]),
    ("Dev at @Acme, @wife's husband", ["Acme"]),
    # Newsrooms, fellowships and boards (bios of #aect19 and of X samples on Brexit).
    ("@CNN Anchor and Correspondent, Mom", ["CNN"]),
    ("White House Correspondent @theGrio | Political Analyst for @CNN", ["theGrio", "CNN"]),
    ("Senior Fellow @BulletinAtomic • Fellow @NSquareCollab", ["BulletinAtomic", "NSquareCollab"]),
    ("Columnist. I write for the newspaper @Nettavisen.", ["Nettavisen"]),
    ("Co-directs @CEEJoburg", ["CEEJoburg"]), ("Ex-reporter @BBC", []),
    (None, []),
])
def test_bio_affiliations(bio, orgs):
    assert [org for org, _ in bio_affiliations(bio)] == orgs


def test_bio_evidence_is_the_text_matched():
    assert bio_affiliations("Runner. CMO at @ContentForgeHQ. Board advisor.") == (
        ("ContentForgeHQ", "CMO at @ContentForgeHQ"),)


def person(handle: str, bio: str | None, kind: str | None = None) -> Participant:
    return Participant(f"x:{handle}", handle, handle.title(), bio, None, None, kind, None, None)


def post(k: int, handle: str, text: str) -> ChatPost:
    return ChatPost(f"p{k}", "x", f"x:{handle}", handle, T0 + timedelta(minutes=k), text,
                    None, None, None, None, (), (), (), 0, 0, 0, 0, None, True)


def test_affiliations_from_bios_and_from_speaking_for_an_org():
    people = [person("ann", "VP Marketing at Acme Analytics"), person("bob", "Writer. Cyclist."),
              person("cat", None), person("AcmeAnalytics", "Answers for B2B teams. CEO @Somebody",
                                          "organization"),
              person("dan", "Former CMO @Globex"), person("eve", None)]
    posts = [post(1, "bob", "Our team at @Globex shipped the new planner today"),
             post(2, "cat", "We just published our survey @Initech"),
             post(3, "cat", "At @Initech we read every reply, our inbox is open"),
             post(4, "eve", "We love what @ann writes"), post(5, "eve", "Our favourite: @ann on trust"),
             post(6, "dan", "@Globex we miss you")]
    corpus = Corpus("#GardenChat", posts, {}, {p.id: p for p in people})
    found = affiliations(corpus)
    assert found["x:ann"] == [Affiliation("Acme Analytics", "bio", "VP Marketing at Acme Analytics")]
    assert found["x:bob"] == [Affiliation("Globex", "co-mention", ["p1"])]  # explicit, once is enough
    assert found["x:cat"] == [Affiliation("Initech", "co-mention", ["p2", "p3"])]  # "we" twice
    assert "x:AcmeAnalytics" not in found  # an organisation's account is nobody's employee
    assert "x:dan" not in found  # a former employer, and an address is no co-mention
    assert "x:eve" not in found  # a person is not an organisation
    assert org_accounts(corpus, found) == {"acme analytics": "x:AcmeAnalytics", "globex": None,
                                           "initech": None}


def test_the_example_names_its_people_employers(tmp_path):
    example = files("chatrecap") / "examples" / "b2bchat-example.jsonl"
    with as_file(example) as path, open_store(tmp_path / "w.db") as store:
        import_file(store, Path(path), "twarc2", ReadOptions(chat="#B2Bchat"))
        corpus = load_corpus(store, "#B2Bchat")
    found = affiliations(corpus)
    by_handle = {corpus.authors[a].handle: [f.org for f in fs] for a, fs in found.items()}
    assert by_handle["RachelOnB2B"] == ["ContentForgeHQ"]
    assert by_handle["TomBrandt"] == ["GrowthLoopHQ"]
    assert by_handle["JoseMRamirez"] == ["PipelinePro"]
    assert by_handle["PriyaNairB2B"] == ["Acme Analytics"]
    assert by_handle["MiaMarketer"] == ["NorthbeamMedia"]
    assert by_handle["GregGrowthHacks"] == ["ScaleStackIO"]
    assert "ElenaVossCMO" not in by_handle and "BenCarterSEO" not in by_handle  # no company named
    ids = org_accounts(corpus, found)
    handle = {a.id: a.handle for a in corpus.authors.values()}
    assert {org: handle.get(i) for org, i in ids.items() if i} == {
        "contentforgehq": "ContentForgeHQ", "pipelinepro": "PipelinePro", "acme analytics": "AcmeAnalytics"}


def bio(org: str) -> list[Affiliation]:
    return [Affiliation(org, "bio", f"CMO at {org}")]


def test_dependence_on_people_with_known_numbers():
    affs = {"a": bio("Acme"), "b": bio("Acme"), "c": bio("Acme")}
    [acme] = company_dependence(affs, {"a": 5.0, "b": 3.0, "c": 2.0}, {"acme": None})
    assert (acme.org, acme.account_id, acme.own_recognition, acme.people_recognition) == ("Acme", None, 0, 10)
    assert acme.people == [("a", 5.0), ("b", 3.0), ("c", 2.0)]
    assert acme.top1_share == pytest.approx(0.5)
    assert acme.hhi == pytest.approx(0.38)
    assert (acme.key_people, acme.key_people_ids) == (1, ["a"])  # 5 is half of 10


def test_an_org_that_stands_on_its_own_account():
    affs = {"a": bio("Acme"), "b": bio("Acme"), "c": bio("Acme"), "d": bio("Globex"), "e": bio("Globex"),
            "acme-account": bio("Acme")}
    recognition = {"a": 5.0, "b": 3.0, "c": 2.0, "d": 2.0, "e": 1.0, "org": 10.0, "globex": 15.0}
    acme, globex = company_dependence(affs, recognition, {"acme": "org", "globex": "globex"})
    assert (globex.org, globex.total, globex.own_recognition) == ("Globex", 18.0, 15.0)
    assert globex.key_people is None and globex.key_people_ids == []  # people hold a sixth
    assert globex.hhi == pytest.approx((2 / 3) ** 2 + (1 / 3) ** 2)
    assert (acme.total, acme.key_people, acme.key_people_ids) == (20.0, 3, ["a", "b", "c"])
    assert [p for p, _ in acme.people] == ["a", "b", "c", "acme-account"]


def test_ties_and_nobody_recognised():
    affs = {"a": bio("Zeta"), "b": bio("Alpha"), "c": bio("Beta") + bio("Alpha")}
    out = company_dependence(affs, {"a": 1.0, "b": 1.0}, {})
    assert [s.org for s in out] == ["Alpha", "Zeta", "Beta"]
    beta = out[-1]
    assert (beta.total, beta.top1_share, beta.hhi, beta.key_people) == (0.0, 0.0, 0.0, None)
