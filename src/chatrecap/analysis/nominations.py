"""Who the room names as its thought leaders.

Thought leadership is bestowed, not claimed: it shows where participants name someone as
a person to follow or learn from. That happens in answers to a prompt that asks for such
people ("Who are your thought leaders? Tag the people you learn from"), and anywhere in
a session through set phrases: #FF (#FollowFriday, #PSFollowFriday...), "shout-out to @x",
"h/t @x", "check out @x", "learned so much from @x", "follow @x", "@x deserves a follow".
A nominee is a handle or, for people without an account in the chat, a plain name ("Priya
Raman"); an organisation is named in words too ("the folks at Nielsen Norman Group", "the
Locally Optimistic community", "the Society of American Archivists"), and is then an
organisation whatever its name looks like. Each nominator gives each nominee one vote.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import probablepeople
from cleanco import basename

from chatrecap.analysis.corpus import ChatPost, Corpus, own_words
from chatrecap.analysis.kinds import given_name, human_name, surname_of_group_words
from chatrecap.analysis.structure import (
    HANDLE,
    MENTION,
    SIMILARITY,
    WINDOW,
    Prompt,
    Structure,
    addressed,
    answer_label,
    is_chatter,
)
from chatrecap.analysis.textvec import joined_texts, texts_holding

PROMPT_CUE = "answer to a who-do-you-follow prompt"

# A prompt that asks the room to name people, not one that talks about thought leadership.
_PEOPLE = (r"(?:people|persons?|folks|accounts|voices|experts|thinkers|creators|leaders|writers|follows|"
           r"mentors)")
_NOMINATION_PROMPT = re.compile(
    r"\b(?:who|your|name|tag|share|favou?rite|top|which)\b[^.?!]{0,40}\bthought[- ]leaders\b"
    r"|\bwho\s+(?:do|should|would|will|did)\s+(?:you|we|y'?all|people|everyone|everybody|folks)\s+"
    r"(?:\w+\s+)?(?:follow|learn from|read|listen to|admire|look up to|recommend|trust|turn to)\b"
    rf"|\bwhich\s+(?:[\w-]+\s+){{0,3}}?{_PEOPLE}\s+(?:do|should|would|did)\s+(?:you|we|y'?all|everyone)\s+"
    r"(?:\w+\s+)?(?:follow|learn from|read|listen to|admire|look up to|recommend|trust|turn to)\b"
    r"|\bwho\s+(?:inspires|inspired|influences|influenced|taught|teaches|mentored)\b"
    rf"|\brecommend\w*\s+(?:[\w-]+\s+){{0,3}}?{_PEOPLE}\b"
    rf"|\btag\s+(?:the\s+|a\s+|some\s+|your\s+)?(?:\w+\s+)?{_PEOPLE}\b"
    rf"|\bfavou?rite\s+(?:[\w-]+\s+){{0,2}}?{_PEOPLE}\b"
    r"|\b(?:people|accounts|voices|folks|experts)\s+(?:you|to)\s+(?:\w+\s+)?"
    r"(?:follow|learn from|read|admire)\b"
    rf"|\bsuggest\w*\s+(?:[\w#-]+\s+){{0,3}}?{_PEOPLE}\b|\bmust-follows?\b"
    # A prompt opening on #FollowFriday asks for names; one that only carries the tag (a
    # Friday chat tags everything with it) does not.
    r"|^[^\w#]*(?:Q\d{1,2}[a-z]?\s*[:.)\-–—]?\s*)?(?:[\w'’]+\s+){0,3}#\w*FollowFriday\b",
    re.IGNORECASE)

# Set phrases that name someone anywhere in a session; the nominees follow the phrase.
_CUES: list[tuple[str, re.Pattern[str]]] = [(cue, re.compile(pattern, re.IGNORECASE)) for cue, pattern in (
    ("shout-out", r"\bshout[- ]?outs?\s+(?:to|for)\s+(?:(?:the|my|our)\s+)?"
                  r"(?:(?:amazing|awesome|brilliant|great)\s+)?"),
    ("h/t", r"(?:\bh/t|\bhat[- ]?tips?(?:\s+to)?|(?-i:\bHT))\s*:?\s*"),
    ("shout-out", r"\b(?:hats?[ ]off|kudos|props)\s+to\s+|\bhonou?rable\s+mentions?\s+(?:to|for)\s+"),
    # ("Check out @ann's deck"; and a few words before the handles: "check out some of @ann's
    # work", "check out this recent lecture by @bob"; not "check out my course, @ann")
    ("check out", r"\bcheck\s+out\s+(?:(?!(?:my|our|me|us)\b)(?:[#\w'’-]+\s+){1,4}?(?=@))?"),
    ("learned from", r"\blearn(?:ed|t|ing)?\s+(?:so\s+much|a\s+lot|tons|loads|everything|most|heaps)?"
                     r"\s*from\s+"),
    ("go follow", r"\b(?:go|must|should|please)\s+follow\s+|(?:^|(?<=[.!?:]\s))follow\s+(?=@)"
                  r"|\b(?:should|must)\s+(?:all\s+)?be\s+following\s+"  # ("You should be following @x")
                  # ("I highly recommend the sessions by @x"; not "would not recommend anything from")
                  r"|(?<!\bnot\s)(?<!n't\s)(?<!never\s)\brecommend(?:ing)?\s+"
                  r"(?:following\s+|(?:the\s+)?(?:\w+\s+){1,2}?by\s+(?=@))?"),
    ("thanks for teaching", r"\b(?:(?:big|huge|special|many)\s+)?(?:thanks|thx)\s+(?:again\s+)?to\s+"
                            r"(?=[^.!?]{0,60}\bfor\s+(?:teaching|mentoring|explaining|showing\s+me|inspiring|"
                            r"all\s+(?:(?:his|her|their|the)\s+)?(?:hard\s+)?(?:work|contributions)|"
                            # ("Thanks to @x for the great style guide", "... for the inspiration")
                            r"(?:(?:the|your|their|his|her)\s+)?(?:(?:great|amazing|awesome)\s+)?"
                            r"(?:inspiration|tutorials?|resources|guidance|style\s+guide)\b))"
                            # ("Thanks to @JeffHicks, I learned ...")
                            r"|\bthanks\s+to\s+(?=(?:@\w+\s*(?:,|&|and)?\s*)+?,\s*I\s+(?:learned|learnt)\b(?!\s+nothing))"),
)]
# A string every match of each cue holds: in the lower-cased text, or as written if it has
# capitals ("HT" is a hat tip in capitals only).
_CUE_HINTS = (("shout",), ("h/t", "hattip", "hat-tip", "hat tip", "HT"),
              ("hats off", "hat off", "kudos", "props", "mention"),  # (not "hat": "that", "chat")
              ("check",), ("learn",), ("follow", "recommend"),  # ("following" holds "follow")
              ("thanks", "thx"))
_CUE_HINTS_SPLIT = [(tuple(h for h in hints if h == h.lower()), tuple(h for h in hints if h != h.lower()))
                    for hints in _CUE_HINTS]
_ANY_HINT = tuple(h for hints, _ in _CUE_HINTS_SPLIT for h in hints)  # (most posts hold none)
_ANY_CASED_HINT = tuple(h for _, cased in _CUE_HINTS_SPLIT for h in cased)
_FOLLOW_FRIDAY = re.compile(r"#(?:FF|\w*FollowFriday)\b", re.IGNORECASE)  # and #PSFollowFriday...
# Cues after the nominees: "@ann also deserves to be followed", "@bob is a must-follow",
# "@ann @bob & @cy get shoutouts".
_WORTH_FOLLOWING = re.compile(
    rf"((?:@{HANDLE}(?:\s*(?:,|&|\+|\band\b))*\s*)+)(?:also\s+|too\s+)?(?:deserves?\s+(?:a\s+)?"
    r"(?:follow|to\s+be\s+followed)|(?:is|are)\s+(?:a\s+)?must[- ]follows?|(?:is|are)\s+(?:so\s+|well\s+|"
    r"really\s+)?worth\s+(?:a\s+)?follow(?:ing)?|(?:gets?|deserves?)\s+(?:a\s+)?(?:(?:big|huge|special)\s+)?"
    r"shout[- ]?outs?)\b", re.IGNORECASE)
_WORTH_FOLLOWING_HINTS = ("deserve", "must", "worth", "shout")  # as _CUE_HINTS: one is in every match
# Any of the strings one of which every cue, #FF and cue after the nominees holds (lower case).
_HINTS = frozenset({*_ANY_HINT, *_WORTH_FOLLOWING_HINTS, "#ff", "followfriday"})
_HINT = re.compile("|".join(re.escape(h) for h in sorted(_HINTS, key=lambda h: (-len(h), h))))
# A word of a name after a cue: initials ("R.D."), a title ("Dr."), a capitalised word; a
# full stop after anything else ends the sentence, and the name.
_NAME_WORD = r"(?:(?:[A-Z]\.){1,3}|(?:Dr|Mr|Mrs|Ms|Mx|Prof|Rev)\.|[A-Z][\w'’-]*)"
# The nominees right after a cue: handles and names joined by commas, "and", "&" or "+".
_ITEMS = re.compile(r"(?:(?:\s*(?:,|&|\+|\band\b))*\s*"
                    rf"(?:@{HANDLE}(?:['’]s)?|{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}))+")
_NOISE = re.compile(rf"https?://\S+|#\w+|@{HANDLE}")
# After leading handles, what makes them the post's subject, not its address: more of the
# list, a #FF, or words about them ("@ann @bob are a must-follow").
_LIST_GOES_ON = re.compile(r"\s*(?:(?:,|&|\band\b)\s*@|#(?:FF|\w*FollowFriday)\b|(?:are|is|deserves?)\b|"
                           r"gets?\s+(?:a\s+)?(?:(?:big|huge|special)\s+)?shout)", re.IGNORECASE)
_NEGATED_BEFORE = re.compile(
    r"(?:\bnot|\bnever|\bexcept|\bunlike|\bother\s+than|\binstead\s+of|\bexcluding|"
    r"\b(?:anyone|anybody|everyone|anything|all)\s+but)\s+(?:for\s+)?$", re.IGNORECASE)
# Named for a point made, or dismissed: "@x was right", "@x said it", "@x is overrated".
_NOT_NOMINATED_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:(?:is|are|was|were|had\s+it|has\s+it|got\s+it)\s+(?:so\s+|totally\s+|dead\s+|absolutely\s+)?"
    r"right\b|said\b|(?:made|makes)\s+(?:a|the|that|this)\s+(?:\w+\s+)?point|nailed\s+it|asked\b|mentioned\b|"
    r"(?:is|are|'s)\s+(?:so\s+|totally\s+|way\s+|really\s+)?(?:overrated|overhyped|not\b|a\s+fraud|wrong))",
    re.IGNORECASE)
_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:['’-][^\W\d_]+)*(?!\w)")  # "B2B", "A4" are no words
_PARTICLES = {"van", "de", "der", "den", "von", "da", "di", "du", "le", "la", "del", "bin", "al", "el", "ter"}
# Capitalised words that start sentences or name things (and dates), not people.
_STOP = set("""a about above adding after again all also always an and another any anyone anything are as
at aww awesome bad be because been before being best better big both but by can check congrats could dear did
do does done dont easy even ever every everyone everything exactly first follow for from fun gold good great
guilty had happy hard has have he hello her here hers hey hi him his honestly how huge i i'd i'll i'm i've if
in is it its just last lets like love made make many me more most much my never new next no nobody not nothing
now of oh ok okay on once one only or other our out over please plus pro real really right same second
seconding she should since so some still stop such sure thank thanks that thats the their them then there
these they this those though thought through to today together too top true truly up very via was we well were
what when where which while who why will with without wow yes yet you your yours
mon tue tues thu thur thurs fri feb apr jul aug sep sept oct nov dec""".split())  # (not Jun, Sun, Mar...)
_NOT_A_SURNAME = set("""monday tuesday wednesday thursday friday saturday sunday january february march april
may june july august september october november december summit conference podcast show webinar book
newsletter review group labs media agency awards inc ltd llc co academy institute university school team
club""".split())
# "her book Earned Attention", "my Authority Engine", "at Acme Corp": a title or a thing.
_THING_BEFORE = {"book", "books", "podcast", "newsletter", "talk", "keynote", "course", "show", "blog",
                 "article", "report", "series", "film", "movie", "conference", "summit", "event", "webinar",
                 "company", "agency", "brand", "at", "called", "titled", "the", "a", "an", "my", "our",
                 "their", "this"}


# An organisation named in words: what a group's name ends with ("Nielsen Norman Group", "MIT
# Press"; a given name before it is a person's: "Joy Press"), or opens with before "of"/"for"
# ("Society of American Archivists")...
_ORG_TAILS = frozenset("""group labs lab institute society association foundation podcast university
college academy agency studios collective council alliance consortium partners ventures digital
company inc llc ltd gmbh corp corporation federation magazine journal press""".split())
_ORG_HEADS = frozenset("""society institute association university museum library center centre council
school college academy federation league foundation""".split())
# ... or how the post speaks of it: "the folks at X", "the X community".
_GROUP_WORDS = r"(?:folks|people|team|crew|gang|staff)\s+(?:over\s+)?(?:at|from|behind)"
_GROUP_BEFORE = re.compile(rf"\b{_GROUP_WORDS}\s+(?:the\s+)?$", re.IGNORECASE)
_GROUP_AFTER = re.compile(r"^\s+(?:community|team|crew|gang|folks)\b", re.IGNORECASE)
# Right after a cue (or after the handles it names, joined by "and"): the organisation
# itself, or the group words before it.
_GROUP_LEAD = re.compile(rf"\s*(?:(?:,\s*)?(?:and|&)\s+)?(?:the\s+)?(?:{_GROUP_WORDS}\s+(?:the\s+)?)?",
                         re.IGNORECASE)
# Any word an organisation's name or its group words need: most posts hold none.
_ORG_HINT = re.compile(r"\b(?:folks|people|team|crew|gang|staff|community|"
                       + "|".join(sorted(_ORG_TAILS | _ORG_HEADS)) + r")\b")
# Where one goes rather than whom one learns from: "I went to Boston University".
_PLACE_BEFORE = frozenset("""to in into went visit visited visiting attend attended attending joined studied
study""".split())


@dataclass(frozen=True, slots=True)
class Nomination:
    nominator_id: str  # the author id of whoever named the nominee
    nominee: str  # a handle without @ (original case) or a plain name ("Priya Raman")
    nominee_is_handle: bool
    post_id: str  # the first post that shows the vote
    cue: str  # what made it a nomination
    organization: bool = False  # a plain name the post itself speaks of as a group


@dataclass(slots=True)
class NomineeCount:
    nominee: str
    nominee_is_handle: bool
    votes: int  # distinct nominators
    post_ids: list[str] = field(default_factory=list)
    nominator_ids: list[str] = field(default_factory=list)  # in the order they voted
    organization: bool = False  # a plain name some post spoke of as a group


def is_nomination_prompt(text: str) -> bool:
    """A prompt that asks the room to name people to follow or learn from."""
    return bool(_NOMINATION_PROMPT.search(text))


def nomination_prompts(corpus: Corpus, prompts: Iterable[Prompt]) -> set[str]:
    """The ids of the ``prompts`` that ask the room to name people: the answers to them are
    the only ones whose filing ``find_nominations`` reads."""
    return {p.post_id for p in prompts
            if (q := corpus.get(p.post_id)) is not None and is_nomination_prompt(q.text)}


def find_nominations(corpus: Corpus, structure: Structure,
                     names: AuthorNames | None = None) -> list[Nomination]:
    """Every (nominator, nominee) vote of a session, first evidence kept, in time order.
    ``names``: an ``AuthorNames`` of these authors to reuse (the sessions of a series share one)."""
    prompts = nomination_prompts(corpus, structure.prompts)
    hosts = set(structure.hosts)
    names = names if names is not None else AuthorNames(corpus)
    handles = names.handles
    seen: set[tuple[str, str]] = set()
    out: list[Nomination] = []
    posts = [p for p in corpus.posts if not p.is_repost]
    for post, hinted in zip(posts, _may_nominate_each([p.text for p in posts]), strict=True):
        link = structure.links.get(post.id)
        if not hinted and (link is None or link.prompt_id not in prompts):
            continue  # (most posts: no cue's word, and no answer to a who-do-you-follow prompt)
        # A host's remark or a greeting filed only by time is no answer.
        weak = link is not None and link.reason in (WINDOW, SIMILARITY) and (
            post.author_id in hosts or is_chatter(post.text))
        answers = link is not None and link.prompt_id in prompts and post.id not in prompts and not weak
        found = _nominees(post, corpus, structure, answers)
        if not found:
            continue
        own = corpus.authors.get(post.author_id)
        me = {post.handle.lower()} | ({_name_key(own.name)} if own and own.name else set())
        for nominee, is_handle, cue, group in found:
            if is_handle:
                nominee = handles.get(nominee.lower(), nominee)
            elif (handle := names.get(_name_key(nominee))) is not None:
                nominee, is_handle, group = handle, True, False
            key = nominee.lower() if is_handle else _name_key(nominee)
            if key in me:
                continue  # nobody bestows leadership on themselves
            if (post.author_id, key) not in seen:
                seen.add((post.author_id, key))
                out.append(Nomination(post.author_id, nominee, is_handle, post.id, cue, group))
    return out


#: The strings ``_HINT`` looks for, but any holding another ("followfriday" holds "follow").
_HINT_WORDS = tuple(sorted(w for w in _HINTS if not any(o != w and o in w for o in _HINTS)))


def _may_nominate_each(texts: list[str]) -> list[bool]:
    """For each text, False only where ``_nominees`` finds nothing unless it answers a
    who-do-you-follow prompt: ASCII, and none of ``_HINT``'s words in its lower case nor a
    cased hint as written. Each word is looked for by ``str.find`` in the texts joined, not
    by a search a post (a session's thousands, most holding none)."""
    out = [not text.isascii() for text in texts]
    for (joined, ends), words in ((joined_texts(texts, lower=True), _HINT_WORDS),
                                  (joined_texts(texts), _ANY_CASED_HINT)):
        for k in texts_holding(joined, ends, words):
            out[k] = True
    return out


class AuthorNames:
    """Handle of the (last) author whose full name has a given ``_name_key``. Parsing every
    author's name costs about a millisecond, so only names sharing the key's last word are
    parsed, when a plain name with that last word is first looked up (a key's words are
    words of the name), and their keys are kept for the next look-up. Built on the first
    look-up from the authors as they are then: reuse it only while they stay the same."""

    def __init__(self, corpus: Corpus) -> None:
        self.authors = corpus.authors
        self.index: dict[str, list[tuple[str, str]]] | None = None
        self.keys: dict[str, dict[str, str]] = {}  # last word -> {name key: handle}

    @cached_property
    def handles(self) -> dict[str, str]:
        """Each author's handle by its lower case (a series' sessions share the one dict)."""
        return {a.handle.lower(): a.handle for a in self.authors.values()}

    def get(self, key: str) -> str | None:
        if self.index is None:
            self.index = {}
            for a in self.authors.values():
                if a.name and " " in a.name.strip():
                    for word in set(_folded_words(a.name)):
                        self.index.setdefault(word, []).append((a.name, a.handle))
        words = key.split()
        if not words:  # a key of no Latin letters
            found = None
            for a in self.authors.values():
                if a.name and " " in a.name.strip() and _name_key(a.name) == key:
                    found = a.handle
            return found
        keys = self.keys.get(words[-1])
        if keys is None:
            keys = self.keys[words[-1]] = {}
            for name, handle in self.index.get(words[-1], ()):
                keys[_name_key(name)] = handle  # in authors' order: the last one stays
        return keys.get(key)


@lru_cache(maxsize=1 << 17)
def _folded_words(name: str) -> tuple[str, ...]:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return tuple(w for w in (re.sub(r"[^a-z]+", "", t) for t in re.split(r"[\s,]+", ascii_.lower())) if w)


def tally(nominations: list[Nomination]) -> list[NomineeCount]:
    """Votes per nominee (distinct nominators), most first, ties by name."""
    counts: dict[tuple[bool, str], NomineeCount] = {}
    voters: dict[tuple[bool, str], set[str]] = {}
    shown: set[tuple[tuple[bool, str], str]] = set()  # (nominee, post): a popular one has thousands
    for n in nominations:  # (a series' hundreds of thousands)
        key = (n.nominee_is_handle, n.nominee.lower() if n.nominee_is_handle else _name_key(n.nominee))
        count = counts.get(key)
        if count is None:
            count = counts[key] = NomineeCount(n.nominee, n.nominee_is_handle, 0)
            voters[key] = set()
        if not count.organization:
            count.organization = n.organization
        if n.nominator_id not in (voted := voters[key]):
            voted.add(n.nominator_id)
            count.nominator_ids.append(n.nominator_id)
            count.votes = len(voted)
        if (key, n.post_id) not in shown:
            shown.add((key, n.post_id))
            count.post_ids.append(n.post_id)
    return sorted(counts.values(), key=lambda c: (-c.votes, c.nominee.lower()))


def _nominees(post: ChatPost, corpus: Corpus, structure: Structure,
              answers: bool) -> list[tuple[str, bool, str, bool]]:
    """(nominee, is handle, cue, named as a group) in text order: every name in an answer to
    a nomination prompt, else the names right after a cue, and every handle of a #FF post.
    A comment's quoted tweet ("... RT @ann: her words") is her words, not the post's."""
    text = own_words(post.text)
    # Each cue holds a word most posts lack (ASCII text: other scripts fold case in ways
    # str.lower does not), and looking for the word first is much cheaper.
    low = text.lower() if text.isascii() else None
    if not answers and low is not None and _HINT.search(low) is None and not any(
            map(text.__contains__, _ANY_CASED_HINT)):
        return []  # (most posts: no cue's word, no #FF, no "deserves" or "must")
    found: list[tuple[int, str, bool, str]] = []
    groups: set[int] = set()  # where the names the post speaks of as groups start
    if answers or (low is None or "#ff" in low or "followfriday" in low) and _FOLLOW_FRIDAY.search(text):
        cue = PROMPT_CUE if answers else "#FF"
        found += [(m.start(), m.group(1), True, cue) for m in MENTION.finditer(text)]
        if answers:
            orgs = _organizations(text)
            found += [(start, name, False, cue) for start, name, _ in orgs]
            groups |= {start for start, _, group in orgs if group}
            found += [(start, name, False, cue) for start, name in _names(text) if _apart(start, name, orgs)]
    elif low is None or any(map(low.__contains__, _ANY_HINT)) or any(map(text.__contains__, _ANY_CASED_HINT)):
        for (cue, pattern), (hints, cased) in zip(_CUES, _CUE_HINTS_SPLIT, strict=True):
            if low is not None and not (any(map(low.__contains__, hints))
                                        or cased and any(map(text.__contains__, cased))):
                continue
            for m in pattern.finditer(text):
                # An organisation right after the cue ("h/t the Society of American Archivists",
                # "shout-out to the team at Acme Analytics"), read in the words that follow.
                items = _ITEMS.match(text, m.end())
                # The words after the cue, cut at a space (a post with none is read no further).
                segment = text[m.end():m.end() + 160]
                if m.end() + 160 < len(text) and (cut := segment.rfind(" ", 120)) > 0:
                    segment = segment[:cut]
                heads = (m.end(), items.end() if items is not None else m.end())
                orgs = [(m.end() + at, name, group) for at, name, group in _organizations(segment)
                        if any(head <= m.end() + at and _GROUP_LEAD.fullmatch(text[head:m.end() + at])
                               for head in heads)][:1]
                found += [(start, name, False, cue) for start, name, _ in orgs]
                groups |= {start for start, _, group in orgs if group}
                if items is None:
                    continue
                span = items.group(0)
                found += [(m.end() + h.start(), h.group(1), True, cue) for h in MENTION.finditer(span)]
                found += [(m.end() + start, name, False, cue) for start, name in _names(span)
                          if _apart(m.end() + start, name, orgs)]
    if not answers and (low is None or any(map(low.__contains__, _WORTH_FOLLOWING_HINTS))):
        for m in _WORTH_FOLLOWING.finditer(text):
            cue = "shout-out" if "shout" in m.group(0)[len(m.group(1)):].lower() else "worth following"
            if cue == "shout-out" and not _says_outright(text, m.start(1), m.end()):
                continue
            found += [(m.start(1) + h.start(), h.group(1), True, cue) for h in MENTION.finditer(m.group(1))]
    if not found:
        return []
    skip = _reply_circle(post, corpus, structure)
    # Mastodon shows a remote account by its name alone ("@ala"): the post's mention says where.
    remote = {m.split("@")[0].lower(): m for m in post.mentions if "@" in m.strip("@")}
    result: list[tuple[str, bool, str, bool]] = []
    for start, nominee, is_handle, cue in sorted(found, key=lambda f: f[0]):
        end = start + len(nominee) + is_handle
        if is_handle and start in skip:
            continue
        if _negated(text, start, end, start in groups):
            continue
        result.append((remote.get(nominee.lower(), nominee) if is_handle else nominee, is_handle, cue,
                       start in groups))
    return result


def _says_outright(text: str, start: int, end: int) -> bool:
    """Whether the names at ``start`` open their sentence, which asks nothing: "@ann @bob get
    shoutouts", not "Why does @ann get a shoutout?", "Not sure @ann deserves a shout-out"
    or "@ann gets shoutouts? Nope"."""
    before = text[:start].rstrip()
    stop = _SENTENCE_STOP.search(text, end)
    return (not before or before[-1] in ".!?:\n") and not (stop and stop.group(0) == "?")


_SENTENCE_STOP = re.compile(r"[.!?\n]")


def _apart(start: int, name: str, orgs: list[tuple[int, str, bool]]) -> bool:
    """Whether a person's name found at ``start`` lies outside every organisation's name
    ("Nielsen Norman Group" holds no "Nielsen Norman")."""
    return not any(at < start + len(name) and start < at + len(org) for at, org, _ in orgs)


def _reply_circle(post: ChatPost, corpus: Corpus, structure: Structure) -> set[int]:
    """Where the leading handles that only address the post's reply target start: the
    replied-to author and whoever they addressed or mentioned (a reply is addressed to all
    of them at once), or all of them before an "A4:" label, or when the post they answer
    is unknown ("@ann @bob So many rules..."; but "@ann @bob #FF" and "@ann and @bob are a
    must-follow" list them)."""
    lead = re.match(rf"^(?:[.\s]*@{HANDLE})+", post.text)
    if lead is None:
        return set()
    circle = {h.lower() for h in (post.reply_to_author,) if h}
    parent = corpus.get(structure.parents.get(post.id))
    if parent is not None:
        circle |= {parent.handle.lower(), *addressed(parent.text), *(m.lower() for m in parent.mentions)}
    circle |= {h.split("@")[0] for h in circle if "@" in h}  # (Mastodon shows "@ala" for ala@x.social)
    rest = post.text[lead.end():]
    address = answer_label(post.text) is not None or parent is None and (post.reply_to_id is not None or (
        _WORD.search(_NOISE.sub(" ", rest)) is not None and not _LIST_GOES_ON.match(rest)))
    return {m.start() for m in MENTION.finditer(lead.group(0)) if address or m.group(1).lower() in circle}


def _names(text: str) -> list[tuple[int, str]]:
    """Plain personal names: runs of two or three capitalised words that are not a
    sentence opener, a title or an organisation, and that probablepeople reads as a person."""
    clean = _NOISE.sub(lambda m: "|" * len(m.group(0)), text)  # handles and tags break runs
    words = list(_WORD.finditer(clean))
    found: list[tuple[int, str]] = []
    i = 0
    while i < len(words):
        if not _capitalised(words[i].group(0)):
            i += 1
            continue
        run = [words[i]]
        while (i + len(run) < len(words) and _joins(clean, run, words[i + len(run)])
               and (_capitalised(words[i + len(run)].group(0))
                    or words[i + len(run)].group(0) in _PARTICLES)):
            run.append(words[i + len(run)])
        joined = i and clean[words[i - 1].end():words[i].start()] == " "
        before = words[i - 1].group(0).lower() if joined else ""
        after = words[i + len(run)].group(0).lower() if i + len(run) < len(words) else ""
        name = _person(run, before, after, clean)
        lead = next((k for k, m in enumerate(run) if not _initial(m.group(0))), 0)
        if name is None and lead:  # the name without initials it could not read ("W.E.B. Du Bois")
            name = _person(run[lead:], "", after, clean)
        if name is not None:
            found.append(name)
        i += len(run)
    return found


def _joins(clean: str, run: list[re.Match[str]], following: re.Match[str]) -> bool:
    """Whether ``following`` goes on with ``run``: one space between, or an initial's full
    stop ("R. David Lankes", "Mary K. Smith", "W.E.B. Du Bois"; not "Plan B. Karen")."""
    last = run[-1]
    gap = clean[last.end():following.start()]
    if gap == " ":
        return True
    if not _initial(last.group(0)):
        return False
    if gap == "." and _initial(following.group(0)):
        return True
    before = run[-2].group(0) if len(run) > 1 else ""
    return gap == ". " and (not before or given_name(before) or _initial(before))


def _initial(word: str) -> bool:
    return len(word) == 1 and word.isupper()


def _organizations(text: str) -> list[tuple[int, str, bool]]:
    """(where, name, spoken of as a group) of the organisations a post names in words: a run
    of capitalised words ending in a group's word ("Nielsen Norman Group", "dbt Labs") or
    with one before "of"/"for" ("Society of American Archivists"), or any run the post
    speaks of as a group ("the folks at Devolver Digital", "the Locally Optimistic
    community"). Not the title of a work ("her book Earned Attention Press"), an employer
    ("at Acme Group", "Kim Goodwin of Cooper Group") or a place one goes to ("went to Boston
    University")."""
    if not _ORG_HINT.search(text.lower()):
        return []
    clean = _NOISE.sub(lambda m: "|" * len(m.group(0)), text)
    words = list(_WORD.finditer(clean))
    found: list[tuple[int, str, bool]] = []
    i = 0
    while i < len(words):
        run = [words[i]]  # capitalised words joined by single spaces (or " & "); "of"/"for" after a head
        while i + len(run) < len(words) and clean[run[-1].end():words[i + len(run)].start()] in (" ", " & "):
            following = words[i + len(run)].group(0)
            if not (_capitalised(following) or following.lower() in ("of", "for")
                    and run[-1].group(0).lower() in _ORG_HEADS):
                break
            run.append(words[i + len(run)])
        i += len(run)
        while run and run[-1].group(0).lower() in ("of", "for"):
            run.pop()
        while run and _bare(run[0].group(0)).lower() in _STOP:
            run = run[1:]
        lower_brand = len(run) == 2 and not _capitalised(run[0].group(0))  # "dbt Labs"
        while run and not lower_brand and not _capitalised(run[0].group(0)):
            run = run[1:]
        if not run or not _capitalised(run[-1].group(0)):
            continue
        tokens = [m.group(0).lower() for m in run]
        before = clean[max(0, run[0].start() - 40):run[0].start()]
        group = (_GROUP_BEFORE.search(before) is not None or (
            before.lower().endswith("the ") and _GROUP_AFTER.match(clean[run[-1].end():]) is not None))
        named = tokens[-1] in _ORG_TAILS or any(
            a in _ORG_HEADS and b in ("of", "for") for a, b in zip(tokens, tokens[1:], strict=False))
        if not (group or (named and len(run) >= 2)):
            continue
        if not group and surname_of_group_words([m.group(0) for m in run]):
            continue  # a person whose surname is a group's word ("Joy Press"; not "Howard University")
        lead = before.split()[-2:]
        low_lead = [w.lower() for w in lead]
        if not group and (low_lead[-1:] and low_lead[-1] in _THING_BEFORE - {"the"} | {"of"}
                          or any(w in _PLACE_BEFORE for w in low_lead)
                          or len(lead) == 2 and low_lead[1] == "from" and _capitalised(lead[0])):
            continue  # (and "Jakob Nielsen of/from Nielsen Norman Group" names him, not his firm)
        if not group and clean[max(0, run[0].start() - 2):run[0].start()] == "| ":
            continue  # the end of a name a tag or handle begins ("the Brisbane #DevOps User Group")
        found.append((run[0].start(), _bare(text[run[0].start():run[-1].end()]), group))
    return found


def _negated(text: str, start: int, end: int, group: bool) -> bool:
    """Whether a nominee is named to be set aside ("not @x", "anyone but the folks at X")
    or for a point made ("@x was right")."""
    before = text[max(0, start - 60):start]
    if group and (m := _GROUP_BEFORE.search(before)):
        before = before[:m.start()]
    before = before[-30:]
    if before.lower().endswith("the "):
        before = before[:-4]
    return bool(_NEGATED_BEFORE.search(before) or _NOT_NOMINATED_AFTER.match(text[end:end + 60]))


def _person(run: list[re.Match[str]], before: str, after: str, clean: str) -> tuple[int, str] | None:
    while run and _bare(run[0].group(0)).lower() in _STOP:
        before, run = run[0].group(0).lower(), run[1:]
    while run and (run[-1].group(0).lower() in _STOP or run[-1].group(0) in _PARTICLES):
        run = run[:-1]
    names = [m for m in run if not _initial(m.group(0))]  # (initials aside: "W. E. B. Du Bois")
    if not names or len(names) > 3 or not 2 <= len(run) <= 5 or before in _THING_BEFORE:
        return None
    if any(_initial(m.group(0)) and clean[m.end():m.end() + 1] != "." for m in run):
        return None  # a lone capital is an initial only with its stop ("G Suite" is no name)
    tokens = [_bare(m.group(0)) for m in run]
    possessive = tokens[-1] != run[-1].group(0)  # "Priya Raman's book" is hers, not a book title
    if (tokens[-1].lower() in _NOT_A_SURNAME or (after in _NOT_A_SURNAME and not possessive)
            or len(tokens[-1]) == 1 or any(len(t) > 1 and t.isupper() for t in tokens)):
        return None
    name = " ".join(t + "." if len(t) == 1 else t for t in tokens)  # (an initial keeps its stop)
    return (run[0].start(), name) if _reads_as_person(name) else None


@lru_cache(maxsize=1 << 16)
def _reads_as_person(name: str) -> bool:
    """No legal form ("Acme Analytics Inc"), and both libraries read a given name (or its
    initial) and a surname. Names recur across a series, and each reading costs about a
    millisecond."""
    if basename(name) != name:
        return False
    try:
        parts, kind = probablepeople.tag(name)
    except probablepeople.RepeatedLabelError:
        return False
    human = human_name(name)
    initial = "FirstInitial" in parts and name[:1].isupper() and name[1:3] == ". "  # ("I’m Late" is none)
    return (kind == "Person" and "Surname" in parts and ("GivenName" in parts or initial)
            and bool(human.first and human.last))


def _bare(word: str) -> str:
    return re.sub(r"['’]s$", "", word)


def _capitalised(word: str) -> bool:
    return word[0].isupper() and not word[1:].isupper()


@lru_cache(maxsize=1 << 17)
def _name_key(name: str) -> str:
    """"Dr. Léna Okafor" and "lena okafor" are one person: no title, accents or case. An
    organisation's name ("Nielsen Norman Group") is kept whole: its first and last words
    are not a given name and a surname."""
    words = name.lower().split()
    if any(w in _ORG_TAILS for w in words[1:]) or (words and words[0] in _ORG_HEADS):
        core = name
    else:
        human = human_name(name)
        core = " ".join(p for p in (human.first, human.last) if p) or name
    ascii_ = unicodedata.normalize("NFKD", core).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z ]+", "", ascii_.lower()).split())
