"""The renderers: every format from one hand-made recap, safe against hostile post text, and
byte-for-byte reproducible."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from markdown_it import MarkdownIt

from chatrecap.errors import OptionError
from chatrecap.recap.model import (
    LABEL,
    REPLY,
    Attachment,
    Credit,
    Highlight,
    Question,
    Recap,
    RecapPost,
    SessionInfo,
    Takeaway,
    Thread,
)
from chatrecap.render import RENDERERS, html, markdown, write_recap, wxr

HOSTILE = "# not a heading <script>alert(1)</script> and *stars* [a](javascript:alert(1))"
WP = {"wp": "http://wordpress.org/export/1.2/", "content": "http://purl.org/rss/1.0/modules/content/",
      "dc": "http://purl.org/dc/elements/1.1/", "excerpt": "http://wordpress.org/export/1.2/excerpt/"}


def _post(n: int, handle: str, name: str | None, minute: str, text: str, *, kind: str = "answer",
          likes: int = 0, reposts: int = 0, url: bool = True, reply_to: int | None = None) -> RecapPost:
    pid = f"twitter:17683344556677889{n:02d}"
    return RecapPost(
        id=pid, author_id=f"u-{handle}", handle=handle, name=name,
        created_at=f"2024-03-14T18:{minute}Z", text=text,
        url=f"https://twitter.com/{handle}/status/17683344556677889{n:02d}" if url else None,
        likes=likes, reposts=reposts, replies=0, quotes=0,
        reply_to_id=f"twitter:17683344556677889{reply_to:02d}" if reply_to is not None else None,
        quote_of_id=None, repost_of_id=None, kind=kind)


def sample_recap() -> Recap:
    """Two questions, a few answers (one hostile, one without a url), highlights, full stats."""
    posts = [
        _post(1, "B2Bchat", "B2B Chat", "02:00", "Q1: What makes thought leadership worth reading? #B2Bchat",
              kind="prompt", likes=12, reposts=4),
        _post(2, "DrLenaOkafor", "Dr. Lena Okafor", "03:10",
              "A1: Original data. If you ran the survey yourself, people listen.\n"
              "Our report: https://example.com/report_2024?x=1&y=2 #B2Bchat", likes=31, reposts=9),
        _post(3, "sam_markets", "Sam <Markets>", "04:05", HOSTILE, likes=3, reply_to=1),
        _post(4, "first_timer", None, "04:40",
              "A1: A point of view you can disagree with. Safe takes are wallpaper. ]]> #B2Bchat",
              likes=8, reposts=2, url=False),
        _post(5, "B2Bchat", "B2B Chat", "20:00", "Q2: Where should a small team start? #B2Bchat",
              kind="prompt", likes=9, reposts=3),
        _post(6, "DrLenaOkafor", "Dr. Lena Okafor", "21:30",
              "A2: Start with the questions your sales team hears every week. Answer them in public.",
              likes=27, reposts=11),
        _post(7, "priya_ops", "Priya Raman", "23:15",
              "A2: One flagship piece a quarter beats a blog post a day. Depth > volume. "
              "#OneFlagshipPieceAQuarterBeatsABlogPostADayEveryTimeAndEveryoneKnowsIt", likes=15),
    ]
    by_id = {p.id: p for p in posts}
    ids = [p.id for p in posts]
    q1 = Question(
        prompt_id=ids[0], label="Q1", number=1, text=posts[0].text, author="B2Bchat", kind="labelled",
        answer_ids=[ids[1], ids[2], ids[3]],
        attachments=[Attachment(ids[1], LABEL, 1.0), Attachment(ids[2], REPLY, 0.9),
                     Attachment(ids[3], LABEL, 1.0)],
        takeaways=[Takeaway("Original research earns attention", [ids[1]], 3, 40, 0.92, [ids[1], ids[3]]),
                   Takeaway("Take a position people can argue with", [ids[3], ids[2]], 2, 11, 0.61)])
    q2 = Question(
        prompt_id=ids[4], label="Q2", number=2, text="Where should a small team start? #B2Bchat",
        author="B2Bchat", kind="labelled", answer_ids=[ids[5], ids[6]],
        attachments=[Attachment(ids[5], LABEL, 1.0), Attachment(ids[6], LABEL, 1.0)],
        takeaways=[Takeaway("Answer the questions sales hears every week", [ids[5], ids[6]], 2, 53, 0.88)])
    activity = [{"minute": f"2024-03-14T18:{m:02d}:00Z", "posts": (m * 7) % 5 + (9 if m == 4 else 0)}
                for m in range(60)]
    stats = {
        "posts": 212, "originals": 150, "reposts": 40, "replies": 20, "quotes": 2,
        "participants": 35, "first_time": 9, "returning": 26,
        "duration_minutes": 60.0, "posts_per_minute": 3.53,
        "peak_minute": {"minute": "2024-03-14T18:04:00Z", "posts": 13},
        "activity": activity,
        "top_contributors": [{"handle": "DrLenaOkafor", "name": "Dr. Lena Okafor", "posts": 14},
                             {"handle": "B2Bchat", "name": "B2B Chat", "posts": 11},
                             {"handle": "priya_ops", "name": "Priya Raman", "posts": 7},
                             {"handle": "sam_markets", "name": "Sam <Markets>", "posts": 4},
                             {"handle": "first_timer", "name": None, "posts": 2}],
        "most_engaged": [{"post_id": ids[1], "engagement": 49}, {"post_id": ids[5], "engagement": 38}],
        "reach_estimate": {"value": 48250, "label": "Estimated reach",
                           "method": "Sum of the followers of everyone who posted, each counted once."},
        "links": [{"url": "https://example.com/report_2024?x=1&y=2", "count": 5}],
        "hashtags": [{"tag": "#B2Bchat", "count": 198}, {"tag": "#contentmarketing", "count": 12}],
    }
    credits = [
        Credit("priya_ops", "Priya Raman", "u-priya_ops", 7, 1, False, "https://twitter.com/priya_ops",
               False),
        Credit("B2Bchat", "B2B Chat", "u-B2Bchat", 11, 0, True, "https://twitter.com/B2Bchat", False),
        Credit("DrLenaOkafor", "Dr. Lena Okafor", "u-DrLenaOkafor", 14, 2, False,
               "https://twitter.com/DrLenaOkafor", False),
        Credit("sam_markets", "Sam <Markets>", "u-sam_markets", 4, 1, False, None, False),
        Credit("first_timer", None, "u-first_timer", 2, 1, False, None, True),
    ]
    return Recap(
        title="Thought leadership that earns trust [#B2Bchat Recap]", topic="thought leadership",
        hashtag="#B2Bchat",
        session=SessionInfo(id="b2bchat-2024-03-14", chat="#B2Bchat", start="2024-03-14T18:00:00Z",
                            end="2024-03-14T19:00:00Z"),
        hosts=["B2Bchat"], questions=[q1, q2], unattached_ids=[],
        highlights=[Highlight(ids[1], "Most liked answer", 0.95), Highlight(ids[5], "Most reposted", 0.81),
                    Highlight(ids[3], "A first-timer's take", 0.5)],
        threads=[Thread(ids[0], [ids[0], ids[2]])], stats=stats, participants=credits, posts=by_id)


@pytest.fixture(scope="module")
def recap() -> Recap:
    return sample_recap()


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_every_format_renders_the_same_bytes_twice(recap, fmt):
    first = RENDERERS[fmt].render(recap)
    assert isinstance(first, bytes) and len(first) > 500
    assert RENDERERS[fmt].render(sample_recap()) == first


def test_output_does_not_depend_on_hash_seeds(tmp_path):
    """Set or dict order must never leak into the bytes: two interpreters, two seeds."""
    code = ("import hashlib, sys; sys.path.insert(0, sys.argv[1]); from test_render import sample_recap;"
            "from chatrecap.render import RENDERERS; r = sample_recap();"
            "print(hashlib.sha256(b''.join(x.render(r) for x in RENDERERS.values())).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)], check=True,
                              capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout
               for seed in ("1", "2")}
    assert len(digests) == 1


def test_json_round_trips(recap):
    assert Recap.from_json(RENDERERS["json"].render(recap)) == recap


def test_wxr_is_one_draft_post_with_the_recap_body(recap):
    root = ET.fromstring(wxr.render(recap))
    items = root.findall("channel/item")
    assert len(items) == 1
    item = items[0]
    assert item.findtext("wp:status", namespaces=WP) == "draft"
    assert item.findtext("wp:post_type", namespaces=WP) == "post"
    assert item.findtext("wp:post_name", namespaces=WP) == "thought-leadership-that-earns-trust-b2bchat-recap"
    assert item.findtext("dc:creator", namespaces=WP) == "B2Bchat"
    assert item.findtext("wp:post_date_gmt", namespaces=WP) == "2024-03-14 19:00:00"
    assert item.findtext("title") == recap.title
    body = item.findtext("content:encoded", namespaces=WP)
    assert body == html.render_body(recap)
    assert "<html" not in body and 'class="post-card highlight"' in body
    terms = {(c.get("domain"), c.text) for c in item.findall("category")}
    assert terms == {("category", "B2Bchat"), ("post_tag", "B2Bchat")}


def test_wxr_cdata_survives_a_closing_sequence_in_the_text():
    assert ET.fromstring(f"<a>{wxr.cdata('x]]>y]]>')}</a>").text == "x]]>y]]>"
    bell = wxr.cdata("bell\x07")
    assert ET.fromstring(f"<a>{bell}</a>").text == "bell"


def test_markdown_has_every_question_and_takeaway(recap):
    md = markdown.render(recap).decode()
    assert md.startswith(f"# {markdown.escape(recap.title)}\n")
    for q in recap.questions:
        assert q.text.removeprefix(f"{q.label}: ") in md
        assert f"### {q.label}: " in md
        for t in q.takeaways:
            assert t.headline in md
    for section in ("## Key takeaways", "## Questions and answers", "## Highlights", "## By the numbers",
                    "## Participants"):
        assert section in md
    assert "— [Dr. Lena Okafor (@DrLenaOkafor)](https://twitter.com/DrLenaOkafor/status/" in md
    assert "Estimated reach:** ~48,250" in md
    host = md.index("- [B2B Chat (@B2Bchat)](https://twitter.com/B2Bchat) — host")
    assert host < md.index("- [Dr. Lena Okafor (@DrLenaOkafor)](https://twitter.com/DrLenaOkafor) —")


def test_markdown_post_text_cannot_inject_markup(recap):
    md = markdown.render(recap).decode()
    assert not any(line.lstrip("> ").startswith("# not a heading") for line in md.splitlines())
    assert "<script>" not in md
    rendered = MarkdownIt("commonmark").render(md)
    assert "<script>" not in rendered
    assert "&lt;script&gt;" in rendered
    assert '<a href="javascript' not in rendered
    assert "<h1>not a heading" not in rendered and "<em>stars</em>" not in rendered
    assert rendered.count("<h1>") == 1


def test_markdown_escape_keeps_plain_text_readable():
    assert markdown.escape("Depth > volume, Q&A at 5") == "Depth \\> volume, Q&A at 5"
    assert markdown.escape("1. first") == "1\\. first"
    assert markdown.escape("see https://x.com/a_b.") == "see <https://x.com/a_b>."


def test_html_escapes_post_text(recap):
    page = html.render(recap).decode()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Sam &lt;Markets&gt;" in page
    assert 'href="javascript' not in page
    assert page.count('class="post-card highlight"') == len(recap.highlights)
    assert 'rel="icon" href="data:' in page
    for attr in ("src=", "@import", "url(http"):
        assert attr not in page


def test_missing_stats_and_texts_render(recap):
    bare = replace(recap, stats={}, intro=None, closing=None, highlights=[], participants=[])
    for r in RENDERERS.values():
        assert r.render(bare)
    assert "7 posts from 5 participants" in markdown.render(bare).decode()
    custom = replace(recap, intro="Our own intro.", closing="See you next week!")
    md = markdown.render(custom).decode()
    assert "Our own intro." in md and md.endswith("See you next week!\n")


def test_write_recap_writes_the_files(recap, tmp_path):
    paths = write_recap(recap, tmp_path / "out", ["md", "html", "json", "wxr"])
    assert [p.name for p in paths] == ["recap.md", "recap.html", "recap.json", "recap.wxr.xml"]
    for path, fmt in zip(paths, ["md", "html", "json", "wxr"], strict=True):
        assert path.read_bytes() == RENDERERS[fmt].render(recap)


def test_an_unknown_format_is_an_option_error(recap, tmp_path):
    with pytest.raises(OptionError, match="md, html, json, wxr") as err:
        write_recap(recap, tmp_path / "out", ["md", "pdf"])
    assert "\n" not in str(err.value)
    assert not (tmp_path / "out").exists()


def test_a_session_across_midnight_and_one_without_questions(recap):
    """The end's day is said when it is not the start's; no questions is said, not left blank."""
    late = replace(recap, questions=[], session=replace(recap.session, start="2024-03-14T23:30:00Z",
                                                        end="2024-03-15T00:30:00Z"))
    md = markdown.render(late).decode()
    assert "held on Thursday 14 March 2024, 23:30 UTC to Friday 15 March 2024, 00:30 UTC." in md
    assert "No questions were found in this session" in md
    page = html.render(late).decode()
    assert "23:30 UTC to Friday 15 March 2024, 00:30 UTC" in page and "No questions were found" in page
    md = markdown.render(recap).decode()
    assert "held on Thursday 14 March 2024, 18:00–19:00 UTC." in md and "No questions" not in md


@pytest.mark.parametrize("label", ["Q2:", "Q2", "Q2 -", "Question 2."])
def test_a_questions_own_label_is_not_said_twice(recap, label):
    from chatrecap.render import _common

    asked = replace(recap.questions[1], text=f"{label} Where should a small team start?")
    assert _common.question_parts(asked) == ("Q2", "Where should a small team start?")


def test_a_number_after_a_label_is_the_questions_own(recap):
    from chatrecap.render import _common

    for text in ("Q2 2024 plans?", "Question 2 of 5 - what next?"):
        assert _common.question_parts(replace(recap.questions[1], text=text)) == ("Q2", text)


def test_one_of_a_kind_is_singular(recap):
    from chatrecap.render._common import facts

    one = replace(recap, stats={**recap.stats, "originals": 1, "reposts": 1, "replies": 1, "quotes": 1})
    posts = next(f for f in facts(one) if f.label == "Posts")
    assert posts.note == "1 original, 1 repost, 1 reply; 1 of them a quote"  # (the parts add up)
    from chatrecap.render.charts import contributors

    bars = contributors([{"handle": "ann", "posts": 1}, {"handle": "bob", "posts": 2}])
    assert "@ann: 1 post</title>" in bars and "@bob: 2 posts</title>" in bars  # (the charts' tooltips)
    many = next(f for f in facts(recap) if f.label == "Posts")
    assert many.note == "150 original, 40 reposts, 20 replies; 2 of them quotes"


def test_most_engaged_posts_show_what_they_got_not_the_ranking_score(recap):
    """The ranking weighs reposts and quotes double: "(49)" for 7 likes and 5 reposts read
    as a count nobody could find."""
    post = recap.posts[recap.stats["most_engaged"][0]["post_id"]]
    got = [f"{n} {word}" for n, word in ((post.likes, "likes"), (post.reposts, "reposts")) if n]
    md = RENDERERS["md"].render(recap).decode()
    assert got and " (49)" not in md and f"({', '.join(got)})" in md
    assert f"({', '.join(got)})" in RENDERERS["html"].render(recap).decode()


def test_the_hosts_own_introduction_keeps_its_links_to_the_blogs_pages(recap):
    """Relative links are dropped from what visitors write, not from the host's text."""
    from chatrecap.render.markup import markdown_to_html

    page = RENDERERS["html"].render(replace(recap, intro="See [last month](/recaps/2024-04/).")).decode()
    assert 'href="/recaps/2024-04/"' in page
    assert "href" not in markdown_to_html("See [last month](/recaps/2024-04/).")


def test_a_recap_over_days_dates_its_times_and_its_chart(recap):
    """A conference week's recap said "14:01 UTC" for posts of different days, and its chart
    labelled every bar "00:00"."""
    days = [{"minute": f"2024-03-{14 + d // 24}T{d % 24:02d}:00:00Z", "posts": d % 7} for d in range(96)]
    week = replace(recap, session=replace(recap.session, end="2024-03-17T23:59:00Z"),
                   stats={**recap.stats, "activity": days, "activity_minutes": 60})
    md = markdown.render(week).decode()
    assert "14 Mar 18:0" in md and not re.search(r", \d\d:\d\d UTC$", md, re.M)
    page = html.render(week).decode()
    chart = page.split('<svg class="chart"', 2)[1]
    assert "Posts per hour" in chart and "<title>14 Mar 06:00 UTC: 6 posts</title>" in chart
    labels = re.findall(r'text-anchor="(?:middle|end)">([^<]+)</text>', chart)[:-1]
    assert labels == ["14 Mar 00:00", "15 Mar 00:00", "16 Mar 00:00", "17 Mar 00:00"]
    assert "14 Mar 1" not in markdown.render(recap).decode()  # (a chat hour's times stay short)


def test_a_post_of_a_platform_without_reposts_says_nothing_of_them(recap):
    """A Slack or Discord message cannot be reposted: its card said "0 reposts"."""
    assert "reposts</span>" in html.render_body(recap)
    slack = replace(recap, posts={k: replace(p, id=f"slack:C1/{k}") for k, p in recap.posts.items()})
    body = html.render_body(slack)
    assert "repost</span>" not in body and "reposts</span>" not in body and "likes</span>" in body


def test_how_widely_a_link_or_tag_was_shared():
    from chatrecap.render._common import shared

    assert shared({"tag": "x", "count": 3, "accounts": 3}) == "3"
    assert shared({"tag": "x", "count": 10, "accounts": 1}) == "1 account, 10 posts"
    assert shared({"url": "https://x.org", "count": 2}) == "2"  # (a recap.json of before)


def test_bars_of_days_are_named_by_their_own_day_in_any_zone(recap):
    """A review's case: a day's bar (a day of UTC) shown in New York was named by the evening
    before, "29 Feb" for data of 1 March."""
    from chatrecap.render import charts
    from chatrecap.render._common import shown_in

    days = [{"minute": f"2024-03-{d + 1:02d}T00:00:00Z", "posts": d} for d in range(20)]
    with shown_in(ZoneInfo("America/New_York")):
        chart = charts.activity(days, 1440)
    labels = re.findall(r'text-anchor="(?:middle|end)">([^<]+)</text>', chart)
    assert labels[-1] == "Day (UTC)" and "Feb" not in chart
    assert labels[:-1] and set(labels[:-1]) <= {f"{d} Mar" for d in range(1, 21)}
    assert "<title>2 Mar: 1 post</title>" in chart


def test_a_posts_code_keeps_its_indentation(recap):
    """A Discord answer's Python lost its indentation: the Markdown quote stripped it and the
    page's pre-line collapsed it, so the published code was invalid."""
    shown = recap.highlights[0].post_id
    code = 'Here:\ndef main():\n    print("Hello World!")'
    changed = replace(recap, posts={**recap.posts, shown: replace(recap.posts[shown], text=code)})
    md = markdown.render(changed).decode()
    assert '> \u00a0\u00a0\u00a0\u00a0print("Hello World!")' in md and "> def main():" in md
    page = html.render(changed).decode()
    assert "def main():\n    print(&#34;Hello World!&#34;)" in page
    assert ".post-text { margin: 0; white-space: pre-wrap;" in page
