"""A host's edits (Overrides) applied to the example's recap, and kept across a re-run."""

from __future__ import annotations

import pytest
from conftest import run_demo

from chatrecap.recap.model import Recap
from chatrecap.recap.overrides import PINNED, Overrides, apply_overrides, takeaway_key
from chatrecap.render import html, markdown


@pytest.fixture(scope="module")
def recap(tmp_path_factory) -> Recap:
    return Recap.from_json((run_demo(tmp_path_factory.mktemp("demo")) / "recap.json").read_bytes())


def test_no_edits_change_nothing(recap):
    assert apply_overrides(recap, Overrides()).to_json() == recap.to_json()


def test_title_intro_closing_and_headlines(recap):
    q = next(q for q in recap.questions if q.takeaways)
    edits = Overrides(title="Our best chat yet", intro="Thanks to **everyone** who came.",
                      closing="See you [next month](https://example.org/next).",
                      headlines={takeaway_key(q.prompt_id, 0): "Trust is earned slowly"})
    out = apply_overrides(recap, edits)
    assert out.title == "Our best chat yet"
    assert next(x for x in out.questions if x.prompt_id == q.prompt_id).takeaways[0].headline == \
        "Trust is earned slowly"
    body = html.render_body(out)
    assert "<strong>everyone</strong>" in body and "Trust is earned slowly" in body
    assert '<a href="https://example.org/next" rel="nofollow ugc noopener">next month</a>' in body
    text = markdown.render(out).decode()
    assert "Thanks to **everyone** who came." in text and "[next month](https://example.org/next)" in text
    assert recap.title != out.title  # the original is left as it was


def test_pin_unpin_reorder_and_hide_highlights(recap):
    auto = [h.post_id for h in recap.highlights]
    extra = next(i for q in recap.questions for i in q.answer_ids if i not in auto)
    edits = Overrides(pinned=[extra, auto[2]], unpinned=[auto[0]], hidden=[auto[1]])
    out = apply_overrides(recap, edits)
    ids = [h.post_id for h in out.highlights]
    assert ids[:2] == [extra, auto[2]] and auto[0] not in ids and auto[1] not in ids
    assert out.highlights[0].reason == PINNED
    assert out.highlights[1].reason == recap.highlights[2].reason  # its own reason kept
    assert ids[2:] == auto[3:]
    assert auto[1] not in out.posts and all(auto[1] not in q.answer_ids for q in out.questions)
    assert f'data-post-id="{auto[1]}"' not in html.render_body(out)


def test_move_an_answer_to_another_question(recap):
    first, second = recap.questions[0], recap.questions[1]
    moved = first.answer_ids[0]
    out = apply_overrides(recap, Overrides(moved={moved: second.prompt_id}))
    a, b = out.questions[0], out.questions[1]
    assert moved not in a.answer_ids and moved in b.answer_ids
    assert [x.post_id for x in b.attachments] == b.answer_ids
    assert next(x for x in b.attachments if x.post_id == moved).reason == "host"
    times = [out.posts[i].created_at for i in b.answer_ids]
    assert times == sorted(times)
    assert "filed by the host" in html.render_body(out)


def test_edits_of_posts_that_are_gone_are_skipped(recap):
    edits = Overrides(pinned=["x:none"], hidden=["x:gone"], moved={"x:none": recap.questions[0].prompt_id,
                                                                  recap.questions[0].answer_ids[0]: "x:no"},
                      headlines={"x:no#0": "nothing"})
    assert apply_overrides(recap, edits).to_json() == recap.to_json()


def test_overrides_round_trip_as_json():
    edits = Overrides(title="T", tags=["b2b"], pinned=["a"], moved={"b": "c"}, headlines={"p#0": "h"})
    assert Overrides.from_json(edits.to_json()) == edits
    assert Overrides.from_json(None) == Overrides()
    assert Overrides.from_json('{"title": "T", "unknown_later_field": 1}').title == "T"
