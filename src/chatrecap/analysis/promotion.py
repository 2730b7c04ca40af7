"""Self-promotion: "it is not about you". A post that sells is not thought leadership.

A post counts as promotional when it links to its author's own site or their employer's
(the bio says who that is), names their own company's handle other than to say where they
work, or pitches ("book a demo", "DM me", "my webinar", "20% off"...). A pitch phrase quoted
or argued against ("if every post ends with 'book a demo'") is not a pitch, and saying
what you do for a living is not promotion. Every count comes with the posts and reasons,
so a reader can check the label before it costs anyone their reputation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from operator import attrgetter
from urllib.parse import urlsplit

from chatrecap.analysis.companies import bio_affiliations
from chatrecap.analysis.corpus import Corpus, Participant, own_words
from chatrecap.analysis.textvec import joined_texts, texts_holding

__all__ = ["Promotion", "owners", "promotion_of", "self_promotion"]

# Hosts many people share: only a link under the person's own path there is theirs.
_SHARED_HOSTS = frozenset("""twitter.com x.com t.co linkedin.com lnkd.in facebook.com fb.com
instagram.com youtube.com youtu.be medium.com github.com bsky.app mastodon.social linktr.ee
bit.ly substack.com tiktok.com threads.net google.com docs.google.com""".split())
_BRAND_SUFFIX = re.compile(r"(?:io|hq|app|inc|co|ltd|llc|labs|team|official|global|group|media)$")
_PITCH = re.compile(
    r"\bbook (?:a|your) (?:demo|call)\b|\bsign up\b|\bfree trial\b|\bdm me\b|\blink in (?:my )?bio\b"
    r"|\b(?:my|our)\s+(?:[\w-]+\s+){0,3}?(?:webinar|course|masterclass|e-?book|book|workshop|template|"
    r"newsletter|podcast|bootcamp|cohort|program(?:me)?)s?\b"
    r"|\bdownload (?:our|my|the free)\b|\bregister (?:now|here|today)\b|\blimited (?:time|spots|seats)\b"
    r"|\d+\s?% off\b|\bcheck out (?:my|our)\b"
    # A code given ("use code SAVE20", "promo code SPRING"), not one asked for or spoken of.
    r"|\b(?:use (?:my |the )?|promo |discount |coupon )code:?\s+(?-i:[A-Z0-9][A-Z0-9_-]{2,})\b"
    r"|\bour (?:new )?(?:product|platform|tool|app|software|solution)s?\b|\bhours only\b"
    r"|\bfree (?:webinar|trial|template|guide|e-?book|course|masterclass|audit|consultation|demo)\b",
    re.IGNORECASE)
# "... ends with 'book a demo'", "never push the demo": talking about pitches, not pitching.
_ABOUT_A_PITCH = re.compile(r"(?:\b(?:never|no|not|without|ends?(?:ing)? with|stop|instead of|nobody|"
                            r"don'?t|avoid|than)\W+(?:\w+\W+){0,2}|['‘\"“])$", re.IGNORECASE)
_JOB = re.compile(r"(?:\b(?:at|from|of|with|for|@)|\b(?:ceo|cto|cmo|coo|cfo|cro|vp|founder|co-?founder|"
                  r"head of \w+|lead|manager|director|team))\s*,?\s*$", re.IGNORECASE)
_LEADING_HANDLES = re.compile(r"^(?:[\s.]*@\w+)+")
_OWNED_THING = re.compile(r"^(my|our)\s+(?:[\w-]+\s+)*?(\S+)$")
_AT_HANDLE = re.compile(r"@(\w+)")
_LINK = re.compile(r"\bhttps?://[^\s|,;]+|\bwww\.[^\s|,;]+", re.IGNORECASE)
# Words every pitch above holds: most posts have none, and looking for them is cheaper.
_PITCH_WORDS = ("book", "sign up", "free", "dm me", "link in", "download", "register", "limited",
                "% off", "code", "check out", "hours only")
# Affiliate networks' link hosts: a link that pays its poster (Impact, CJ, Awin, ShareASale,
# Rakuten), as "pluralsight.pxf.io/..." is.
_AFFILIATE_HOSTS = ("pxf.io", "sjv.io", "pntra.com", "anrdoezrs.net", "dpbolvw.net", "jdoqocy.com",
                    "kqzyfj.com", "tkqlhce.com", "awin1.com", "shareasale.com", "linksynergy.com")
_SENTENCE_END = re.compile(r".*[.!?]\s", re.S)  # (up to the last sentence's start)
_OWNED_WORDS = ("webinar", "course", "masterclass", "book", "workshop", "template", "newsletter",
                "podcast", "bootcamp", "cohort", "program", "product", "platform", "tool", "app",
                "software", "solution")
_ANY_PITCH_WORD, _ANY_OWNED_WORD = (re.compile("|".join(map(re.escape, words)))
                                    for words in (_PITCH_WORDS, _OWNED_WORDS))


def _may_pitch(text: str) -> bool:
    """False only when ``_PITCH`` cannot match (ASCII text; other scripts fold case in ways
    ``str.lower`` does not)."""
    if not text.isascii():
        return True
    low = text.lower()
    return (_ANY_PITCH_WORD.search(low) is not None
            or ("my" in low or "our" in low) and _ANY_OWNED_WORD.search(low) is not None)


@dataclass(slots=True)
class Promotion:
    posts: int  # non-repost posts by the account
    promotional: int
    share: float  # promotional / posts, 0..1
    evidence: list[str] = field(default_factory=list)  # the promotional posts' ids, time order
    reasons: dict[str, int] = field(default_factory=dict)  # reason -> posts


@lru_cache(maxsize=1 << 16)  # (links come back: the chat's own, popular articles)
def _host(url: str) -> tuple[str, str]:
    try:
        parts = urlsplit(url if "//" in url else "//" + url)
    except ValueError:
        return "", ""
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, parts.path.rstrip("/").lower()


def _brand(name: str) -> str:
    key = re.sub(r"[\W_]+", "", name.lower())
    return _BRAND_SUFFIX.sub("", key) if len(key) > 6 else key


@dataclass(slots=True)
class _Own:
    sites: list[tuple[str, str]]  # (host, path prefix) of the person's own site
    brands: list[str]  # compact handle / company names a domain of theirs contains
    employers: list[str]  # compact employer names (the employer's domain)
    company_handles: set[str]  # lower-case handles of their company


def _own(author: Participant) -> _Own:
    """The author's own sites: the profile's link and the links in the bio."""
    sites = []
    if author.url:
        host, path = _host(author.url)
        if host and (host not in _SHARED_HOSTS or path):
            sites.append((host, path if host in _SHARED_HOSTS else ""))
    for url in _LINK.findall(author.bio or ""):  # (its path kept: "meetup.com/Chicago-PowerShell")
        host, path = _host(url.rstrip(".)"))
        if host:
            sites.append((host, path))
    found = bio_affiliations(author.bio)
    orgs = [org for org, _ in found]
    handles = {org.lower() for org, text in found if "@" + org.lower() in text.lower()}
    brands = [b for b in {_brand(author.handle)} if len(b) >= 5]
    employers = sorted({b for b in map(_brand, orgs) if len(b) >= 4})
    return _Own(sites, brands, employers, handles)


#: Posts read at a time, their texts searched for the pitches' words at once (memory: their
#: texts joined).
PITCH_BATCH = 1 << 16


def _may_pitch_each(texts: Sequence[str]) -> list[bool]:
    """``_may_pitch`` of each text: each word looked for by ``str.find`` in the texts joined,
    lower-cased, not by a regular expression post by post (which reads every character once
    per word that starts like it: two thirds of the self-promotion's time). ``promotion_of``
    gives them a batch at a time (memory: their texts joined)."""
    out = [not text.isascii() for text in texts]
    low, ends = joined_texts(texts, lower=True)
    for k in texts_holding(low, ends, _PITCH_WORDS):
        out[k] = True
    for k in texts_holding(low, ends, _OWNED_WORDS):
        if not out[k]:
            text = texts[k].lower()
            out[k] = "my" in text or "our" in text
    return out


def _may_name(text: str, handles: set[str]) -> bool:
    """False only when the text names none of the (lower-case) ``handles`` (ASCII text: other
    scripts may lower-case a word otherwise in the text than alone)."""
    if "@" not in text:
        return False
    if not text.isascii():
        return True
    low = text.lower()
    return any("@" + handle in low for handle in handles)


def _reasons(urls: tuple[str, ...], text: str, own: _Own, chat_site: str = "", may_pitch: bool = True,
             ) -> list[str]:
    """Why a post sells (empty when it does not): each reason once. Links to the chat's own
    site (``chat_site`` in the host: recaps, transcripts) serve the room and do not count.
    ``may_pitch``: False when the text holds no pitch's words (``_may_pitch_each``)."""
    reasons: list[str] = []
    for url in urls:
        host, path = _host(url)
        flat = host.replace(".", "").replace("-", "")
        if not host or (chat_site and chat_site in flat):
            continue
        if host.endswith(_AFFILIATE_HOSTS):
            reasons.append("affiliate link")
        elif any(host == h or host.endswith("." + h) for h, p in own.sites if not p) or any(
                host == h and (path == p or path.startswith(p + "/")) for h, p in own.sites if p):
            reasons.append("own site")
        elif host not in _SHARED_HOSTS and any(b in flat for b in own.brands):
            reasons.append("own site")
        elif host not in _SHARED_HOSTS and any(e in flat for e in own.employers):
            reasons.append("employer's site")
    text = own_words(text)  # (a quoted tweet's pitch is not the commenter's)
    lead = _LEADING_HANDLES.match(text)
    body = text[lead.end():] if lead else text
    if own.company_handles:
        for m in _AT_HANDLE.finditer(body):
            if m.group(1).lower() in own.company_handles and not _JOB.search(body[:m.start()]):
                reasons.append("own company named")
    for m in _PITCH.finditer(body) if may_pitch and _may_pitch(body) else ():
        before = body[max(0, m.start() - 40):m.start()]  # (in its own sentence: "no prior
        if not _ABOUT_A_PITCH.search(_SENTENCE_END.sub("", before)):  # knowledge? Check out my...")
            said = re.sub(r"\s+", " ", m.group(0).lower())
            reasons.append("pitch: " + _OWNED_THING.sub(r"\1 \2", said))
    return list(dict.fromkeys(reasons)) if len(reasons) > 1 else reasons


def self_promotion(corpus: Corpus, accounts: Container[str] | None = None, *,
                   but: bool = False) -> dict[str, Promotion]:
    """Per account with posts: how many of its own posts sell, which, and why. Only of
    ``accounts`` (author ids) if given, or with ``but``, of all the others: each account's
    figures are its own, whatever others are counted beside it."""
    posts = sorted((p for p in corpus.posts
                    if not p.is_repost and (accounts is None or (p.author_id in accounts) != but)),
                   key=attrgetter("created_at", "id"))  # (stable: as sorting, then choosing)
    return promotion_of(((p.author_id, p.id, p.urls, p.text) for p in posts),
                        owners(corpus.authors, ((p.author_id, p.handle) for p in posts)), corpus.chat)


def owners(authors: Mapping[str, Participant], posts: Iterable[tuple[str, str]]) -> dict[str, _Own]:
    """What the authors of ``posts`` (author id, handle; in time order) own: sites, brands,
    employers, as ``promotion_of`` needs it. An author missing from ``authors`` is known by
    the handle of their first post."""
    owns: dict[str, _Own] = {}
    for author_id, handle in posts:
        if author_id not in owns:
            owns[author_id] = _own(authors.get(author_id) or Participant(
                author_id, handle, None, None, None, None, None, None, None))
    return owns


def promotion_of(posts: Iterable[tuple[str, str, tuple[str, ...], str]], owns: dict[str, _Own],
                 chat: str) -> dict[str, Promotion]:
    """``self_promotion`` of posts given as (author id, post id, links, text), in time order, by
    the authors of ``owns`` (``owners``), in the chat ``chat``: it reads no corpus, only these."""
    chat_site = re.sub(r"[\W_]+", "", chat.lower())
    chat_site = chat_site if len(chat_site) >= 4 else ""
    out: dict[str, Promotion] = {}
    posts = iter(posts)
    while batch := list(islice(posts, PITCH_BATCH)):  # (memory: a batch's posts at a time)
        for author_id, count in Counter(p[0] for p in batch).items():
            if author_id in out:
                out[author_id].posts += count
            else:
                out[author_id] = Promotion(count, 0, 0.0)
        for (author_id, post_id, urls, text), pitch in zip(batch, _may_pitch_each([p[3] for p in batch]),
                                                           strict=True):
            own = owns[author_id]
            # (most posts: no link, no pitch's word, no handle of their author's company)
            if not (urls or pitch or own.company_handles and _may_name(text, own.company_handles)):
                continue
            reasons = _reasons(urls, text, own, chat_site, pitch)
            if reasons:
                promo = out[author_id]
                promo.promotional += 1
                promo.evidence.append(post_id)
                for reason in reasons:
                    promo.reasons[reason] = promo.reasons.get(reason, 0) + 1
    for promo in out.values():
        promo.share = promo.promotional / promo.posts
        promo.reasons = dict(sorted(promo.reasons.items(), key=lambda t: (-t[1], t[0])))
    return dict(sorted(out.items()))
