"""What every renderer says the same way: times, the intro, the numbers, the credits.

Kept in one place so the Markdown draft, the HTML page and the WordPress export never
disagree about a figure or an order. Nothing here reads the clock or the locale: the same
recap must give the same bytes.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from chatrecap.recap.model import Credit, Leaders, Nominee, Question, Recap, RecapPost

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
# (without a mark after it, a label is followed by a capital: "Q1 What...", not "Q1 2024 plans")
_LABEL_PREFIX = re.compile(r"^\s*(?:Q|Question\s*#?)\s?(\d{1,2})\b(?:\s*[:.)\-–—]\s*|\s+(?=(?-i:[A-Z])))",
                           re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"']+")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
# Characters XML 1.0 cannot carry at all, not even inside CDATA.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def parse_time(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(UTC)


#: The zone a recap shows its times in (``chatrecap recap --tz``): the chat's own hour reads
#: as its host announced it. Stored times, the JSON and the feeds stay UTC.
_SHOWN_ZONE: ContextVar[tzinfo] = ContextVar("shown_zone", default=UTC)


@contextmanager
def shown_in(zone: tzinfo | None) -> Iterator[None]:
    """Recaps rendered meanwhile show their times in ``zone`` (None: UTC)."""
    token = _SHOWN_ZONE.set(zone or UTC)
    try:
        yield
    finally:
        _SHOWN_ZONE.reset(token)


def shown_time(iso: str) -> datetime:
    return parse_time(iso).astimezone(_SHOWN_ZONE.get())


def zone_of(iso: str) -> str:
    """The shown zone's name at that time: "UTC", or "EST" / "EDT" for America/New_York."""
    zone = _SHOWN_ZONE.get()
    return "UTC" if zone is UTC else shown_time(iso).tzname() or str(zone)


def zone_name() -> str:
    """The shown zone as a place: "UTC" or "America/New_York"."""
    zone = _SHOWN_ZONE.get()
    return "UTC" if zone is UTC else str(zone)


def shared(item: dict[str, Any]) -> str:
    """How widely a link or tag was shared: "4 accounts, 16 posts", or "3" when each account
    posted it once (a recap from before accounts were counted says its posts alone)."""
    posts, accounts = item.get("count") or 0, item.get("accounts")
    if accounts is None or accounts == posts:
        return number(posts)
    return f"{number(accounts)} {plural(accounts, 'account')}, {number(posts)} {plural(posts, 'post')}"


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry (they are dropped)."""
    return _NOT_XML.sub("", text)


#: Whether the times shown meanwhile carry their day: those of a recap over several days
#: (a conference's week) do, or "14:01" would not say which day it was.
_DATED: ContextVar[bool] = ContextVar("dated", default=False)


@contextmanager
def times_of(recap: Recap) -> Iterator[None]:
    """The recap's times are shown meanwhile with their day when its session spans days
    (in the shown zone)."""
    token = _DATED.set(spans_days(recap.session.start, recap.session.end))
    try:
        yield
    finally:
        _DATED.reset(token)


def spans_days(start: str, end: str) -> bool:
    return shown_time(start).date() != shown_time(end).date()


def hhmm(iso: str) -> str:
    """"14:01", or "12 Nov 14:01" in a recap over several days."""
    t = shown_time(iso)
    return f"{short_day(t)} {t:%H:%M}" if _DATED.get() else f"{t:%H:%M}"


def short_day(t: datetime) -> str:
    """"12 Nov", spelled without the locale."""
    return f"{t.day} {_MONTHS[t.month - 1][:3]}"


def clock(iso: str) -> str:
    """"19:05 UTC", or "14:05 EST" with a zone to show."""
    return f"{hhmm(iso)} {zone_of(iso)}"


def long_date(iso: str) -> str:
    """"Thursday 14 March 2024", spelled without the locale."""
    t = shown_time(iso)
    return f"{_DAYS[t.weekday()]} {t.day} {_MONTHS[t.month - 1]} {t.year}"


def window(start: str, end: str) -> str:
    """"19:00–20:00 UTC" within a day; across midnight (in the shown zone), the end's day
    too: "23:30 UTC to Saturday 4 May 2024, 00:30 UTC"."""
    first, last = shown_time(start), shown_time(end)
    if first.date() == last.date():
        return f"{first:%H:%M}–{last:%H:%M} {zone_of(start)}"
    return f"{first:%H:%M} {zone_of(start)} to {long_date(end)}, {last:%H:%M} {zone_of(end)}"


def date_time(iso: str) -> str:
    """"14 March 2024, 19:05 UTC" (a comment's or a mention's time), without the locale."""
    t = parse_time(iso)
    return f"{t.day} {_MONTHS[t.month - 1]} {t.year}, {t:%H:%M} UTC"


def number(n: Any) -> str:
    return f"{int(n):,}"


def plural(n: int, one: str, many: str | None = None) -> str:
    """The noun for ``n`` of a thing: "post" for one, "posts" (or ``many``) otherwise."""
    return one if n == 1 else many or f"{one}s"


def safe_url(url: str | None) -> str | None:
    """The url if it is a plain http(s) link; a recap never links anything else."""
    return url if url and _SAFE_URL.match(url) else None


def split_urls(text: str) -> list[tuple[bool, str]]:
    """Text as (is_url, piece) runs; trailing punctuation stays outside the link."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _URL.finditer(text):
        url = m.group().rstrip(".,;:!?)]}")
        if m.start() > pos:
            out.append((False, text[pos:m.start()]))
        out.append((True, url))
        pos = m.start() + len(url)
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


def slug(text: str, default: str = "chat-recap") -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:90].strip("-") or default


def avatar_hue(handle: str) -> int:
    """A stable colour per person (crc32, not hash(): that changes between runs)."""
    return zlib.crc32(handle.lower().encode()) % 360


def display_name(post_or_credit: RecapPost | Credit) -> str:
    return post_or_credit.name or f"@{post_or_credit.handle}"


def question_parts(q: Question) -> tuple[str, str]:
    """("Q1", "What ...?"), without repeating a label the prompt's text already starts with."""
    label = q.label or (f"Q{q.number}" if q.number is not None else
                        "Guest question" if q.kind == "guest" else "Question")
    text = " ".join(q.text.split())
    m = _LABEL_PREFIX.match(text)
    if m and q.number is not None and int(m.group(1)) == q.number:
        text = text[m.end():]
    return label, text


def posts(recap: Recap, ids: list[str]) -> list[RecapPost]:
    """The posts the recap names, skipping any id it has no post for."""
    return [recap.posts[i] for i in ids if i in recap.posts]


def leader_groups(leaders: Leaders) -> list[tuple[str, list[Nominee]]]:
    """The named leaders as (title, nominees): people, organisations, then the unsure; an
    empty group is left out."""
    return [(title, group) for title, group in (("People", leaders.people),
                                                ("Organisations", leaders.organizations),
                                                ("Person or organisation?", leaders.unsure)) if group]


NO_QUESTIONS = ("No questions were found in this session: no post asked the room something "
                "that others then answered.")


def chat_name(recap: Recap) -> str:
    tag = recap.hashtag or recap.session.chat
    return tag if not tag or tag.startswith("#") or " " in tag else f"#{tag}"


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def intro(recap: Recap) -> str:
    """recap.intro, or two or three plain sentences: when, how many, who hosted."""
    if recap.intro:
        return recap.intro
    s = recap.stats or {}
    start, end = recap.session.start, recap.session.end
    when = f"{long_date(start)}, {window(start, end)}"
    topic = f" on {recap.topic}" if recap.topic else ""
    sentences = [f"This is the recap of the {chat_name(recap)} session{topic}, held on {when}."]
    in_chat = [p for p in recap.posts.values() if p.in_chat]
    n_posts = s["posts"] if s.get("posts") is not None else len(in_chat)
    n_people = s.get("participants")
    if n_people is None:
        n_people = len(recap.participants) or len({p.author_id for p in in_chat})
    counted = f"{number(n_posts)} posts from {number(n_people)} participants"
    first = s.get("first_time")
    if first:
        counted += f" ({number(first)} of them here for the first time)"
    if recap.questions:
        n = len(recap.questions)
        counted += f" across {n} question{'s' if n != 1 else ''}"
    sentences.append(counted[0].upper() + counted[1:] + ".")
    if recap.hosts:
        sentences.append(f"Hosted by {join_words(['@' + h for h in recap.hosts])}.")
    return " ".join(sentences)


def join_words(items: list[str]) -> str:
    if len(items) < 3:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def credits(recap: Recap) -> list[Credit]:
    """Everyone: hosts first (in the recap's host order), then by posts."""
    host_rank = {h.lower(): i for i, h in enumerate(recap.hosts)}

    def key(c: Credit) -> tuple:
        rank = host_rank.get(c.handle.lower(), len(host_rank) if c.is_host else len(host_rank) + 1)
        return (rank, -c.posts, -c.answers, c.handle.lower())

    return sorted(recap.participants, key=key)


@dataclass(frozen=True, slots=True)
class Fact:
    label: str
    value: str
    note: str | None = None


def _duration(minutes: float) -> str:
    m = round(minutes)
    return f"{m} min" if m < 120 else f"{m // 60} h {m % 60} min"


def facts(recap: Recap) -> list[Fact]:
    """The headline figures of stats, in a fixed order; missing keys are left out."""
    s = recap.stats or {}
    out: list[Fact] = []
    if s.get("posts") is not None:
        parts = [f"{number(s[k])} {plural(s[k], one, many)}"
                 for k, one, many in (("originals", "original", "original"), ("reposts", "repost", None),
                                      ("replies", "reply", "replies"))
                 if s.get(k) is not None]
        note = ", ".join(parts)
        if s.get("quotes"):  # (a quote is an original or a reply too: the parts add up without it)
            quotes = f"{number(s['quotes'])} of them {plural(s['quotes'], 'a quote', 'quotes')}"
            note = f"{note}; {quotes}" if note else quotes
        out.append(Fact("Posts", number(s["posts"]), note or None))
    if s.get("participants") is not None:
        parts = [f"{number(s[k])} {word}" for k, word in (("first_time", "first-time"),
                                                          ("returning", "returning"))
                 if s.get(k) is not None]
        out.append(Fact("Participants", number(s["participants"]), ", ".join(parts) or None))
    if s.get("duration_minutes") is not None:
        out.append(Fact("Duration", _duration(float(s["duration_minutes"])),
                        window(recap.session.start, recap.session.end)))
    if s.get("posts_per_minute") is not None:
        peak = s.get("peak_minute") or {}
        note = "on average"
        if peak.get("minute") and peak.get("posts") is not None:
            note += f"; peak {number(peak['posts'])} at {clock(peak['minute'])}"
        out.append(Fact("Posts per minute", f"{float(s['posts_per_minute']):.1f}", note))
    reach = s.get("reach_estimate") or {}
    if reach.get("value") is not None:
        label = reach.get("label") or "Estimated reach"
        if "estimat" not in label.lower():
            label = f"{label} (estimate)"
        out.append(Fact(label, f"~{number(reach['value'])}", reach.get("method") or None))
    return out


def most_engaged(recap: Recap, limit: int = 3) -> list[tuple[RecapPost, str]]:
    """The posts most engaged with, each with what it got ("7 likes, 5 reposts"): the
    ranking's score weighs reposts and quotes double, so it is no count to show."""
    rows = (recap.stats or {}).get("most_engaged") or []
    found = [(post, ", ".join(f"{number(n)} {plural(n, *words)}" for n, words in (
        (post.likes, ("like",)), (post.reposts, ("repost",)), (post.quotes, ("quote",)),
        (post.replies, ("reply", "replies"))) if n) or number(r.get("engagement") or 0))
        for r in rows if (post := recap.posts.get(r.get("post_id"))) is not None]
    return found[:limit]
