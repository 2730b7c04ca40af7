"""Person or organization: who an account, or an entity named in a post, is.

Thought leadership starts with individuals, so naming a company must not count as naming a
person. Each signal (name, bio, handle, website, how posts talk about the account) casts a
vote in log-odds; their sum with a prior of 0.85 for "person" (nine accounts in ten are
people) gives the guess, and the evidence names every vote, so a user can see why and correct
it. Rules only: no handle is special-cased and the same input always gives the same answer.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import probablepeople
from cleanco import basename, typesources
from cleanco.clean import normalized, strip_tail
from probablepeople.gender import gender_names  # the given-name lexicon probablepeople uses
from probablepeople.ratios import ratios

from chatrecap.analysis.corpus import ChatPost, Corpus
from chatrecap.analysis.textvec import TEXT_END, Folded, chunk_codes, chunks_of, texts_matching, whole_words
from chatrecap.models import ORGANIZATION, PERSON


def human_name(text: str) -> Any:
    """nameparser's reading of a name; imported on first need (~70 ms, and many sessions
    name nobody)."""
    from nameparser import HumanName

    return HumanName(text)


UNKNOWN = "unknown"
PERSON_PRIOR = 0.85
# Accounts known only because posts mention them: brands, institutions, parties, media and
# events are named about as often as people (hand labels of #PSTweetChat: 61% people; of
# #DuBoisChallenge, #aect19 and X samples on Brexit and K-pop: 46%).
MENTIONED_PRIOR = 0.6
Votes = list[tuple[float, str]]  # (log-odds for "person", evidence)

# cleanco's legal terms ("Ltd", "GmbH", "S.A.") as its ``matches`` compares a name's words with
# them: looked up in a set, not normalised again, hundreds of them, for every name.
_LEGAL_TERMS = frozenset(normalized(term) for _, term in typesources())
_ORG_WORDS = frozenset(
    "official team news summit conference conf podcast hq labs lab group community magazine tools app "
    "apps software foundation university college school institute meetup ug psug chat club association "
    "society network media studio studios agency events event project platform daily weekly radio tv store "
    "shop company solutions systems technologies services consulting partners ventures capital council "
    "academy centre center analytics api award awards days learn support help journal review research "
    "zoo museum library gallery department package packages updates press farm".split())
_SURNAME_WORDS = frozenset({"press", "farm"})  # organisation words that are surnames too
_HANDLE_ORG_PARTS = (_ORG_WORDS - _SURNAME_WORDS) | {
    "inc", "org", "teams", "server", "functions", "live", "pod", "tech", "gov", "edu", "congress", "archive",
    "archives", "hospital", "ministry", "embassy"}
# Organisation words long enough to tell at the end of any handle ("R4DScommunity").
_HANDLE_ORG_TAILS = tuple(sorted(w for w in _HANDLE_ORG_PARTS if len(w) >= 6))
_HANDLE_ORG_ENDS = ("hq", "team", "news", "app", "official", "labs", "group", "sug", "conf", "summit",
                    "events", "tools", "project", "award", "podcast", "media", "studio", "dotorg")
_TITLES = frozenset("dr mr mrs ms mx miss prof sir dame rev fr lady lord".split())
_TITLE_WORD = re.compile(r"(?<![^\W\d_])(?:" + "|".join(sorted(_TITLES)) + r")(?![^\W\d_])", re.I)
_PERSON_HANDLE_WORDS = frozenset("guy girl lass lady dad mom mum father mother".split())
_PERSON_HANDLE = re.compile(r"^(?:mrs?|dr)(?=[A-Z_])|(?i:_?jr)$")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_NOT_NAME = re.compile(r"[^\w\s.'\-&,]")  # emoji, hashtags' #, @ and the like
# (Not inside an address: "fb.me/UF.COE", "about.me/ann", "our.site".)
_WE = re.compile(r"(?<![./@])\b(?:we|our|ours|we're|we've|(?-i:us)|"
                 r"nosotros|nuestr[oa]s?|s[ií]guenos|wir|unser\w*|nous|nosso|nossa|siga-nos|"
                 r"nostr[oaie]|seguici|wij)\b(?![./]\w)", re.I)  # (and in Spanish, German, French...)
_I = re.compile(r"(?<![./@])\b(?:(?-i:I)|my|me|mine|myself|I'm|I've|I'll)\b(?![./]\w)", re.I)
_PRONOUNS = re.compile(r"\b(?:she|he|they)\s*/\s*(?:her|him|them)\b", re.I)
_FAMILY = re.compile(r"\b(?:dad|mom|mum|father|mother|husband|wife|grand\w+|daughter|son|married|parent)\b",
                     re.I)
_ROLE = re.compile(r"\b(?:head of|C[ETMIO]O|VP|MVP|DBA|founder|engineer|developer|consultant|author|speaker|"
                  r"\w*writer|blogger|strategist|lead|manager|analyst|architect|\w*admin|administrator|"
                  r"student|teacher|researcher|scientist|designer|evangelist|advocate|enthusiast|geek|nerd|"
                  r"fan|lover|addict|junkie|organi[sz]er|host|marketer|practitioner|specialist|expert|"
                  r"professor|programmer|director|trainer|coach|mentor|freelance\w*|former|"
                  r"ex-\w+|retired|aspiring|learner|technologist|entrepreneur|scripter|automator)\b", re.I)
_ORG_BIO = re.compile(
    r"\b(?:official (?:\w+ )?(?:account|twitter|page|feed|channel)|official|we help|book a demo|our platform|"
    r"platform for|user group|meetup|podcast|conference|founded by|(?:run|ran|managed) by|hosted by|"
    r"created by|brought to you by|follow us|sister account|"
    r"breaking news|latest news|news and|noticias|notícias|nachrichten|schlagzeilen|actualités|"
    r"contact us|dm us|join us|support:|newsletter for|for \w+ teams|for teams|shop now|our mission|"
    r"'s mission|mission is to|nonpartisan nonprofit|non-?profit organi[sz]ation|news tips|"
    r"send (?:us )?(?:your )?tips|official journal|journal of the|"
    r"fan ?base|fan ?club|fan account|fan ?page)\b", re.I)
# A bio that opens with the name of an organisation as its subject ("The Centre for
# Research Informed Teaching (CRIT) supports ...", "AECT Division Exploring ...", "The
# University Of Massachusetts ... Department."): capitalised words, the first part's head or
# the last word the kind of body it is, and then the name ends: the bio ends, a mark, or a
# verb. Not a person's "School Librarian in Ohio" (a role's head), "Harvard University
# alum" or "Society of Professional Journalists member" (the name goes on with their part).
# Or the bio speaks of its account in the third person ("The MakerBit allows ...").
_ORG_NOUN = re.compile(r"(?i:universit(?:y|ies|ät|é)|universidad|universidade|department|departamento|"
                       r"centre|center|institute|instituto|school|college|division|association|"
                       r"asociaci[oó]n|society|foundation|fundaci[oó]n|agency|ministry|council|laboratory|"
                       r"initiative|journal|museum|library|company|club|committee|consortium|alliance|"
                       r"coalition|federation|union|chapter|campaign|podcast|magazine|newspaper)")
_CONNECTOR = r"(?:of|for|and|&|on|in|de|del|la|y|und|et)"
_CONNECTING = re.compile(rf"\s+{_CONNECTOR}\s+")
_NAME_WORD = r"[A-Z0-9](?![\w'’&-]*ing\b)[\w'’&-]*"  # (capitalised, and no verb's "-ing")
_BIO_NAME = re.compile(rf"\W*(?:The\s+)?({_NAME_WORD}(?:\s+(?:{_CONNECTOR}\s+)?{_NAME_WORD})*)")
_THIRD_PERSON_VERB = (r"(?:helps|allows|supports|provides|brings|offers|connects|empowers|works|aims|"
                      r"promotes|serves|enables|makes|creates|shares|publishes|covers|celebrates|hosts|"
                      r"runs|delivers|builds)")
_BIO_NAME_ENDS = re.compile(rf"\s*(?:$|[.,;:!|•·(\-–—]|(?:is|are|was|{_THIRD_PERSON_VERB})\b|[A-Z]\w*ing\b)")
_BIO_THIRD_PERSON = re.compile(rf"^\W*The\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*){{0,3}}\s+{_THIRD_PERSON_VERB}\b")


def _opening_organisation(bio: str) -> str | None:
    """The organisation a bio opens by naming as its subject (see above), or None."""
    m = _BIO_NAME.match(bio)
    if m is None or not _BIO_NAME_ENDS.match(bio, m.end()):
        return None
    name = m.group(1)
    heads = (_CONNECTING.split(name, 1)[0].split()[-1], name.split()[-1])
    return bio[:m.end()].strip() if any(_ORG_NOUN.fullmatch(head) for head in heads) else None
# A street address or a phone number: a shop or an office.
_ADDRESS = re.compile(r"\b\d{2,6}\s+(?:[A-Z][a-z]+\s+){1,3}"
                      r"(?:St|Street|Ave|Avenue|Blvd|Boulevard|Rd|Road|Hwy|Ste|Suite)\b\.?|"
                      r"\(?\b\d{3}\)?[-. ]\d{3}[-. ]\d{4}\b")
# How posts talk about a mention: as a thing ("the @x", "@x meeting") or a person ("by @x",
# "@x who"); a cue word may stand before a list of mentions ("thanks @a, @b and @c").
_LIST = r"(?:\s*@\w+\s*(?:,|&|and)?)*\s*$"
_THING_BEFORE_WORDS = r"the|a|an|on|in|into|using|use|via|at|(?:partner\w*|integrat\w*|works?) with"
_THING_BEFORE = re.compile(rf"(?:\b(?:{_THING_BEFORE_WORDS})|@\w+\s+from){_LIST}",
                           re.I)  # ("@ann from @acme": where she works)
_THING_AFTER_WORDS = (r"team|meeting|meet|meetup|events?|website|site|forums?|extensions?|notebooks?|images?|"
                      r"version|release|client|platform|collection|courses?|app|account|program|programme|"
                      r"community|conference|summit|#?cfp|library|package|tools?|docs|documentation|api|sdk|"
                      r"editor|license|product|services?|store|gallery|repo|channel|integration|plugin|"
                      r"subscription|features?|update|v\d|podcast|episode|webinar")
_THING_AFTER = re.compile(rf"\s+(?:{_THING_AFTER_WORDS})\b", re.I)
_PERSON_BEFORE_WORDS = r"by|with|thanks|thank you|congrats|congratulations|cc|paging|welcome|ask|hey|hi|hello"
_PERSON_BEFORE = re.compile(rf"\b(?:{_PERSON_BEFORE_WORDS})(?:\s+to)?{_LIST}", re.I)
# (A pronoun within the mention's sentence: "from @GeorgiaCollege today. His students" is
# someone else's.)
_PERSON_AFTER_WORDS = r"who|whose|who's|presenting|presents|deserves|also deserves"
_PRONOUNS_AFTER = r"he|she|his|him|her|he's|she's"
_PERSON_AFTER = re.compile(
    rf"\s+(?:{_PERSON_AFTER_WORDS})\b|(?:\s+[^\s.!?]+){{0,3}}?\s+(?:{_PRONOUNS_AFTER})\b", re.I)
# Where the four patterns above may read a mention: a cue right before it or before the
# first handle of a list ending in it, or right after it, or a pronoun up to three words on.
# Most posts hold a cue word ("the", "in") somewhere, few beside a handle, so a post with no
# such place is not read (``_beside_cues``). No match spans a NUL (``texts_matching``): the
# words between a handle and a pronoun hold none here.
_CUE_BESIDE = Folded(re.compile(
    rf"(?:\b(?:{_THING_BEFORE_WORDS}|{_PERSON_BEFORE_WORDS})(?:\s+to)?|@\w+\s+from)\s*@|"
    rf"@(?<![\w@]@)\w+(?:\s+(?:{_THING_AFTER_WORDS}|{_PERSON_AFTER_WORDS})\b|"
    rf"(?:\s+[^\s.!?\x00]+){{0,3}}?\s+(?:{_PRONOUNS_AFTER})\b)", re.I))
# Every word the four patterns above need, whole: a post with none of them reads no mention
# either way, and most posts have none, so they are skipped for one search.
_ANY_CUE = Folded(re.compile(whole_words("""
    the a an on in into using use via at with team meeting meet meetup event events website site forum
    forums extension extensions notebook notebooks image images version release client platform
    collection course courses app account program programme community conference summit cfp library
    package tool tools docs documentation api sdk editor license product service services store gallery
    repo channel integration plugin subscription feature features update podcast episode webinar by
    thanks thank congrats congratulations cc paging welcome ask hey hi hello who whose presenting
    presents deserves he she his him her from""".split(), r"v\d"), re.I))
# The same, matched faster on ASCII text (see ``Folded``).
_THING_BEFORE_F, _THING_AFTER_F, _PERSON_BEFORE_F, _PERSON_AFTER_F = map(
    Folded, (_THING_BEFORE, _THING_AFTER, _PERSON_BEFORE, _PERSON_AFTER))
_WORD = re.compile(r"(?<![\w@/.#])#?(\w+)(?!\w|\.\w)")  # a bare word or hashtag, not in a link
_NOT_LIST = re.compile(r"[^\w\s@,&]")  # what a cue and a list of handles never hold
_ANY_HANDLE = re.compile(r"@(?<![\w@]@)(\w+)")  # (the "@" first: see ``structure.MENTION``)
_PLAIN_WORD_BUT_AND = re.compile(r"(?<![@\w])(?![Aa][Nn][Dd](?!\w))\w+")  # (a word, not a handle)
_PLAIN_HANDLE = re.compile(r"[A-Za-z0-9_]+")
# An automated account says so ("I am a bot", "a bot by @x", "Bot" in its name; not "not a
# bot", "a bot developer"): its "I" is no person. A posting schedule ("every six hours",
# "four times daily") is a weaker sign: a person may say it too.
_NOT_THE_BOT = (r"(?![\s-]+(?:develop|mak|build|creat|enthusias|dev\b|engineer|fan|framework|platform|"
                r"compan|startup|wrangl|network|free|detect))")  # ("a bot developer" is a person)
_BOT_BIO = re.compile(
    rf"(?<!not )\b(?:i'?m|i am|this is|am|is|just)\s+(?:a|an)\s+(?:\w+\s+)?bot\b{_NOT_THE_BOT}|"
    rf"^\W*(?:a|an|the)\s+(?:\w+\s+)?bot\b{_NOT_THE_BOT}|"
    r"\bbots?\s+(?:made\s+|run\s+|built\s+)?by\s+@|"
    r"\bautomated account|\bautomatically (?:tweets|posts|toots)", re.I)
_SCHEDULE_BIO = re.compile(
    r"\b(?:every (?:\d+|one|two|three|four|five|six|few) (?:hours?|minutes?)|every hour|"
    r"(?:one|two|three|four|five|six|\d+) times (?:a |per )?(?:hour|day|daily)|"
    r"\d+\s*x\s*(?:/|a|per)\s*(?:day|hour))\b", re.I)
_BOT_NAME = re.compile(r"\b[Bb]ot\b|[a-z]Bot\b|\bBot(?=[A-Z])")  # (not "Robot")
_BOT_HANDLE = re.compile(r"(?:Bot|_bot)\d*$|^bot_|_bot_|Bot(?=[A-Z_\d])")  # not "marvrobot"
# Hosts of the platforms' own profile pages: a source may give such a page as the account's url.
_PROFILE_HOSTS = frozenset({"bsky.app", "bsky.social", "twitter.com", "x.com", "mobile.twitter.com",
                            "threads.net"})
# Bluesky handles on a shared domain; the rest of a domain handle ends in its own TLD.
_SHARED_DOMAINS = (".bsky.social", ".bsky.team", ".medsky.social")
_ORG_TLDS = {".gov.uk": -3.0, ".gov": -3.0, ".org": -2.0, ".edu": -2.0, ".ac.uk": -2.0}  # (.gov: bodies only)


@dataclass(frozen=True, slots=True)
class KindGuess:
    kind: str  # PERSON, ORGANIZATION or UNKNOWN
    confidence: float  # 0..1: the probability of ``kind``
    evidence: tuple[str, ...]  # the signals used, strongest first


def automated(is_bot: bool | None, bio: str | None) -> bool:
    """Whether an account is a program, not someone: the platform flags it (Slack, Discord,
    Mastodon) or its bio says so ("I am a bot"). Neither person nor company: no leader."""
    return bool(is_bot) or bool(bio and _BOT_BIO.search(bio))


def surname_of_group_words(words: list[str]) -> bool:
    """A given name and a surname that is a group's word too: "Bill Press", "Martin Farm"
    (not "MIT Press")."""
    return len(words) == 2 and words[1].lower() in _SURNAME_WORDS and given_name(words[0])


def given_name(token: str) -> bool:
    """A known given name (the census lexicon probablepeople uses), accents ignored."""
    t = unicodedata.normalize("NFKD", token.strip(".'").lower())
    t = "".join(c for c in t if not unicodedata.combining(c))
    return len(t) > 1 and (t in gender_names or ratios.get(t.upper(), 0) >= 0.5)


_DOMAIN_NAME = re.compile(r"[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}")  # (not "John.Doe": a domain is lower case)
_NAME_LINKS = frozenset("of for and in on at the de del la von van der du".split())  # (inside a name)


def _name_votes(name: str, votes: Votes) -> bool:
    """Votes from a display name or a named entity; True when it reads as a personal name."""
    if m := _PRONOUNS.search(name):
        votes.append((2.5, f'pronouns "{m.group(0)}" in the name'))
    clean = re.sub(r"\([^)]*\)|\"[^\"]*\"|#\w+", " ", unicodedata.normalize("NFKC", name))  # no asides
    clean = " ".join(_NOT_NAME.sub(" ", clean).split())
    words = [w.strip(".,'-&").lower() for w in clean.split() if w.strip(".,'-&")]
    if not words:
        return False
    base = basename(clean)
    suffix = clean[len(base):].strip(" .,") if clean.lower().startswith(base.lower()) else ""
    legal = suffix and (len(suffix) > 2 or suffix.isupper()) and _has_legal_term(clean)
    if legal:
        votes.append((-3.0, f'legal suffix "{suffix}"'))
    if _DOMAIN_NAME.fullmatch(clean):  # ("theGrio.com", "MemoryAcademy.ge": a site's name)
        votes.append((-2.0, f'name is a web address "{clean}"'))
    if _BOT_NAME.search(clean):
        votes.append((-2.5, 'name says "bot"'))
    org = next((w for w in words if w in _ORG_WORDS), None)
    if org == words[-1] and surname_of_group_words(words):
        org = None
    if org and not legal:
        votes.append((-2.0, f'word "{org}" in the name'))
    # A title is one of the name's own words: without one, nameparser has nothing to find.
    title = human_name(clean).title if len(words) > 1 and _TITLE_WORD.search(clean) else ""
    if title and title.split()[0].rstrip(".").lower() in _TITLES:
        votes.append((1.5, f'title "{title}" (nameparser)'))
    if words[0] == "the" and len(words) > 1 and not given_name(words[1]):
        votes.append((-1.0, 'name starts with "The"'))
    try:  # probablepeople's model knows Latin-script names only
        parsed, kind = probablepeople.tag(clean) if re.search(r"[A-Za-z]", clean) else ({}, None)
    except probablepeople.RepeatedLabelError:
        parsed, kind = {}, None
    acronyms = all(w.isupper() and len(w) <= 5 for w in clean.split())  # ("AECT GSA")
    if kind == "Person" and "GivenName" in parsed and "Surname" in parsed and not acronyms:
        known = given_name(parsed["GivenName"].split()[0])
        note = "" if known else ", given name not known"
        votes.append((2.0 if known else 0.8,
                      f'personal name "{parsed["GivenName"]} {parsed["Surname"]}" (probablepeople{note})'))
        return known or not org
    if not org and len(words) <= 3 and given_name(words[0]):
        votes.append((1.0, f'given name "{clean.split()[0]}"'))
        return True
    tokens = clean.split()
    if (not org and len(words) > 3 and given_name(words[0]) and tokens[1].isalpha() and tokens[1][0].isupper()
            and any(w[0].islower() and w not in _NAME_LINKS for w in tokens[2:])):
        # ("Steve Bray It's time we removed this ...": a person's name, then a slogan in
        # words of the sentence's own; not "Grace Hopper Celebration of Women in Computing")
        votes.append((1.0, f'name opens with a personal name "{tokens[0]} {tokens[1]}"'))
        return True
    if kind == "Corporation" and not org:
        votes.append((-1.5, f'company-like name "{clean}" (probablepeople)'))
    elif len(words) == 1:
        parts = _CAMEL.findall(clean)
        if len(parts) > 1 and not given_name(parts[0]) and not any(p.isdigit() for p in parts):
            votes.append((-1.0, f'brand-like name "{clean}"'))
        elif clean.isupper() and len(clean) >= 5:
            votes.append((-1.0, f'acronym name "{clean}"'))
    return False


def _has_legal_term(name: str) -> bool:
    """Whether a word of ``name`` is a legal term: cleanco's ``matches(name, typesources())``
    found one."""
    return any(normalized(part) in _LEGAL_TERMS for part in strip_tail(name).split())


@lru_cache(maxsize=1 << 16)
def _name_reading(name: str) -> tuple[tuple[tuple[float, str], ...], bool]:
    """``_name_votes`` of a name, kept: parsing one costs about half a millisecond, and
    display names repeat (the same person in several archives, common names)."""
    votes: Votes = []
    personal = _name_votes(name, votes)
    return tuple(votes), personal


def _bio_votes(bio: str, votes: Votes) -> None:
    bot = _BOT_BIO.search(bio)
    if bot:
        votes.append((-3.0, f'bio says it is automated ("{bot.group(0)}")'))
    elif schedule := _SCHEDULE_BIO.search(bio):
        votes.append((-1.5, f'bio gives a posting schedule ("{schedule.group(0)}")'))
    for pattern, weight, phrase in ((_WE, -1.8, "bio says"), (_I, 1.2, "bio says"),
                                    (_PRONOUNS, 2.5, "pronouns"), (_FAMILY, 1.5, "bio mentions")):
        if bot and pattern is not _WE:
            continue  # "I am a bot", "DAD: ... ME: ...": a bot's voice
        if m := pattern.search(bio):
            votes.append((weight, f'{phrase} "{m.group(0)}"'))
    roles = list(dict.fromkeys(m.group(0) for m in _ROLE.finditer(bio)))
    if roles:
        votes.append((min(2.0, len(roles)), "job or role words " + ", ".join(f'"{r}"' for r in roles[:3])))
    if m := _ADDRESS.search(bio):
        votes.append((-1.5, f'bio gives an address or phone number ("{m.group(0)}")'))
    if opening := _opening_organisation(bio):
        votes.append((-2.0, f'bio opens by naming an organisation ("{opening}")'))
    elif m := _BIO_THIRD_PERSON.search(bio):
        votes.append((-1.5, f'bio speaks of the account in the third person ("{m.group(0).strip()}")'))
    orgs = list(dict.fromkeys(m.group(0).lower() for m in _ORG_BIO.finditer(bio)))
    if orgs:  # ("The official account of ..." settles it alone)
        weight = -3.0 if any(o.startswith("official ") for o in orgs) else max(-3.0, -2.0 * len(orgs))
        votes.append((weight, "bio says " + ", ".join(f'"{o}"' for o in orgs[:3])))


def _handle_votes(handle: str, votes: Votes) -> None:
    camel = [c for part in re.split(r"[_\W]+", handle) if part for c in _CAMEL.findall(part)]
    lower = handle.lower()
    org = next((c for c in camel if c.lower() in _HANDLE_ORG_PARTS), None)
    org = org or ("IO" if len(camel) > 1 and camel[-1] == "IO" else None)  # ScaleStackIO
    if org is None and len(camel) == 1:  # one lower-case word: only its ending can tell
        org = next((e for e in _HANDLE_ORG_ENDS if lower.endswith(e) and len(lower) > len(e) + 1), None)
    if org is None:  # a word the camel case split hides ("R4DScommunity")
        org = next((e for e in _HANDLE_ORG_TAILS if lower.endswith(e) and len(lower) > len(e) + 1), None)
    if org:
        votes.append((-2.5, f'handle has "{org}"'))
    elif _BOT_HANDLE.search(handle):
        votes.append((-2.0, 'handle ends in "bot"'))
    # A whole part of the handle ("TechDad", "dad_of_3"), not letters of a word ("maxtrinidad").
    word = next((c.lower() for c in camel if c.lower() in _PERSON_HANDLE_WORDS), None) if len(camel) > 1 \
        else None
    if word or (m := _PERSON_HANDLE.search(handle)):
        votes.append((1.0, f'word "{word or m.group(0).strip("_")}" in the handle'))
    alpha = [c for c in camel if c.isalpha()]
    start = 1 if len(alpha) > 2 and alpha[0].lower() in ("the", "its", "iam", "mr", "mrs", "dr") else 0
    # (Not "ASANews", an acronym, nor "GeorgiaCollege", an organisation's name.)
    if (len(alpha) - start >= 2 and len(alpha[start]) > 2 and not org and not alpha[start].isupper()
            and given_name(alpha[start]) and not alpha[start + 1].isupper()):
        votes.append((1.2, f'handle starts with the given name "{alpha[start]}"'))
    elif len(camel) == 1 and lower.isalpha():
        rest = re.sub(r"^(?:the|its|iam|mrs?|dr)(?=[a-z]{6})", "", lower)
        prefix = next((rest[:n] for n in range(min(len(rest) - 3, 8), 2, -1) if given_name(rest[:n])), None)
        if prefix:
            votes.append((0.8, f'handle starts with the given name "{prefix}"'))
    if len(camel) > 1 and len(camel[0]) >= 2 and camel[0].isupper() and camel[1][0].isupper() and not org:
        votes.append((-0.6, f'handle starts with the acronym "{camel[0]}"'))
    elif len(camel) == 1 and handle.isupper() and len(handle) >= 5:
        votes.append((-0.8, f'all-capitals handle "{handle}"'))
    if re.search(r"[a-z]\d+$", lower):
        votes.append((0.5, "handle ends in digits"))


COMMON_WORD = 800_000  # a word at least this frequent in wordsegment's corpus (the ~30,000 commonest)


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    """wordsegment's segmenter with its word counts, loaded on first need (~0.2 s, ~60 MB):
    only accounts known by their handle alone are read with it, and ``account_kinds`` lets it
    go when done. Not its word-pair counts, which take as long again to load and split
    handles no better (measured on the labels in tests/fixtures)."""
    from wordsegment import Segmenter

    segmenter = Segmenter()
    with open(segmenter.UNIGRAMS_FILENAME, encoding="utf-8") as f:
        parts = f.read().split()
    segmenter.unigrams.update(zip(parts[::2], map(float, parts[1::2]), strict=True))
    segmenter.total, segmenter.limit = segmenter.TOTAL, segmenter.LIMIT
    return segmenter


def _handle_words_votes(handle: str, votes: Votes) -> None:
    """A handle that reads as common words and holds no given name ("thecrashcourse",
    "homesengland", "rockstargames", "goldmansachs"): the way brands, institutions and events
    name themselves. People's handles hold a given name, initials or a made-up word
    ("joshduffney", "jhowelluk", "nohwnd"), or a word saying who they are ("oldmetalguy",
    read by ``_handle_votes``); the few made of plain words ("titlerequired") read wrong."""
    ws = _segmenter()
    words = [w for part in re.findall(r"[a-z]+", handle.lower()) for w in ws.segment(part)]
    if not words or any(len(w) > 2 and given_name(w) or w in _PERSON_HANDLE_WORDS or w in _TITLES
                        for w in words):
        return
    # (One word and a number is how people take a handle whose word was gone: "tricky_1".)
    if all(len(w) > 1 and ws.unigrams.get(w, 0) >= COMMON_WORD for w in words) and (
            len(words) > 1 or len(words[0]) >= 4 and not any(c.isdigit() for c in handle)):
        votes.append((-1.5, f'handle reads as the words "{" ".join(words)}"'))


def _url_votes(url: str, handle: str, personal: bool, votes: Votes) -> None:
    parts = urlsplit(url if "//" in url else "//" + url)
    host, path = (parts.hostname or "").removeprefix("www."), parts.path.lower()
    if host in _PROFILE_HOSTS:
        return  # the account's own page on the platform, not a site it chose
    if host.endswith("linkedin.com"):  # /in/ is a member, /company/ an organization
        votes.append((1.5, "LinkedIn profile") if path.startswith("/in/") else (-1.0, "LinkedIn page"))
    elif host and not personal:  # a company's site is named like its account; a person's, like them
        label = re.sub(r"[^a-z0-9]", "", host.split(".")[-2] if "." in host else host)
        key = re.sub(r"[^a-z0-9]", "", handle.lower())
        if len(label) >= 4 and (label in key or label.startswith(key)):
            votes.append((-0.7, f'website "{host}" named like the account'))


def _reading(text: str, start: int, end: int, tail: int, low: str | None = None) -> str | None:
    """How the mention at text[start:end] reads: "thing", "person", "owner" or None. The cue
    before it and the handles in between are words, spaces, "@", "," and "&" only, so the
    search before it starts at ``tail``, after the last other character. ``low``:
    ``text.lower()`` when the text is ASCII (the same positions)."""
    after = text[end:]
    if after[:2] in ("'s", "\u2019s"):
        return "owner"  # an owner: "@ann's module" says nothing either way
    before = text[tail:start]
    low_before, low_after = (low[tail:start], low[end:]) if low is not None else (None, None)
    if _THING_BEFORE_F.search(before, low_before) or _THING_AFTER_F.match(after, low_after):
        return "thing"
    if _PERSON_BEFORE_F.search(before, low_before) or _PERSON_AFTER_F.match(after, low_after):
        return "person"
    return None


def _beside_cues(texts: Sequence[str]) -> list[bool]:
    """For each text, False only where ``_readings`` reads no mention: no cue stands beside a
    handle (``_CUE_BESIDE``, one search of the texts joined; a text holding a NUL is read)."""
    out = [False] * len(texts)
    for k in texts_matching(texts, _CUE_BESIDE):
        out[k] = True
    return out


def _tail(text: str, start: int) -> int:
    return max((m.end() for m in _NOT_LIST.finditer(text, 0, start)), default=0)


def _readings(text: str) -> dict[str, str]:
    """Per handle (lower case) in a post holding a cue word (``ChunkReading`` tells which do), the
    first mention of it read as a thing or a person."""
    out: dict[str, str] = {}
    low = text.lower() if text.isascii() else None
    tails = [m.end() for m in _NOT_LIST.finditer(text)]
    # A cue holds at most three words that are neither handles nor "and" (thank you to @x):
    # a match cannot start before the third such word back.
    plain = [m.start() for m in _PLAIN_WORD_BUT_AND.finditer(text)]
    for m in _ANY_HANDLE.finditer(text):
        key = m.group(1).lower()
        if key in out:
            continue
        at, words = bisect_right(tails, m.start()), bisect_right(plain, m.start())
        reading = _reading(text, m.start(), m.end(), max(tails[at - 1] if at else 0,
                                                         plain[words - 3] if words >= 3 else 0), low)
        if reading in ("thing", "person"):
            out[key] = reading
    return out


def _context_votes(handle: str, said: Collection[tuple[str, bool]], as_word: int, votes: Votes,
                   read: tuple[int, int, int] | None = None) -> None:
    """How posts talk about the account: named as a thing or a person, answered, or its name
    written as a plain word or hashtag (brands and events are; people rarely are).
    ``read``: the (thing, person, answering) counts when the caller has read the posts already."""
    if read is not None:
        thing, person, replied = read
    else:
        replied = sum(addressed for _, addressed in said)
        thing = person = 0
        at = re.compile(r"@(?<![\w@]@)" + re.escape(handle) + r"(?!\w)", re.I)
        for text, _ in said:
            for m in at.finditer(text):
                reading = _reading(text, m.start(), m.end(), _tail(text, m.start()))
                if reading == "thing":
                    thing += 1
                    break
                if reading == "person":
                    person += 1
                    break
    if thing:
        votes.append((-min(2.5, 1.0 + 0.5 * thing), f"posts name it as a thing ({thing}x)"))
    if person or replied:
        votes.append((min(2.5, 0.5 * replied + (1.0 + 0.5 * person if person else 0)),
                      f"posts name it as a person ({person}x) or answer it ({replied}x)"))
    if as_word and not given_name(handle):
        votes.append((-min(2.0, 1.0 + 0.5 * as_word), f'"{handle}" also written as a word or hashtag'))


def _decide(votes: Votes, prior: float, cap: float = 1.0) -> KindGuess:
    score = math.log(prior / (1 - prior)) + sum(w for w, _ in votes)
    p = 1 / (1 + math.exp(-score))
    kind, confidence = (PERSON, p) if p >= 0.5 else (ORGANIZATION, 1 - p)
    evidence = tuple(e for _, e in sorted(votes, key=lambda v: -abs(v[0])))
    return KindGuess(kind, round(min(confidence, cap), 3),
                     evidence or ("nothing tells either way: most accounts are people",))


def classify_account(handle: str, name: str | None, bio: str | None, url: str | None = None, *,
                     said: list[tuple[str, bool]] | None = None, as_word: int = 0,
                     mentioned_only: bool = False) -> KindGuess:
    """Guess whether an account is a person or an organization.

    Context from a corpus is optional: ``said`` is (text of a post mentioning the account,
    whether it answers it), ``as_word`` the posts writing the handle as a word or hashtag.
    A bare handle is thin evidence: its guess says at most 0.6 confidence (0.75 with context);
    ``mentioned_only``: nobody knows the account but from posts naming it (its prior is lower).
    """
    return _classify(handle, name, bio, url, said or [], as_word, None, mentioned_only)


def _classify(handle: str, name: str | None, bio: str | None, url: str | None,
              said: Collection[tuple[str, bool]], as_word: int,
              read: tuple[int, int, int, int] | None, mentioned_only: bool = False) -> KindGuess:
    """``read``: when the posts were read already, the (thing, person, answering) counts of
    ``_context_votes`` and how many posts' texts mention the account (``said`` is then empty)."""
    handle = (handle or "").lstrip("@").strip()
    name, bio, url = (name or "").strip(), (bio or "").strip(), (url or "").strip()
    if not (handle or name or bio):
        return KindGuess(UNKNOWN, 0.0, ("nothing known",))
    votes: Votes = []
    personal = False
    if name:
        found, personal = _name_reading(name)
        votes.extend(found)
    own = handle.split("@")[0] or handle  # (a Mastodon address: its instance is no part of who it is)
    if "." in own:  # a Bluesky handle: a shared domain, or the account's own domain
        low = own.lower()
        shared = next((d for d in _SHARED_DOMAINS if low.endswith(d)), None)
        if shared:
            own = own[:-len(shared)]
        else:
            tld = next((t for t in _ORG_TLDS if low.endswith(t)), None)
            if tld:
                votes.append((_ORG_TLDS[tld], f'domain handle "{tld}"'))
            own = own[:-len(tld)] if tld else own.rsplit(".", 1)[0]
    if own and re.sub(r"\W", "", name).lower() != re.sub(r"\W", "", own).lower():
        _handle_votes(own, votes)  # a name that is the handle says nothing more
    if bio:
        _bio_votes(bio, votes)
    if url:
        _url_votes(url, own or name, personal, votes)
    spoken = bool(said) or (read is not None and read[3] > 0)
    if handle and (spoken or as_word):
        _context_votes(handle, said, as_word, votes, read[:3] if read is not None else None)
    if name or bio or url:
        return _decide(votes, PERSON_PRIOR)
    if own:
        _handle_words_votes(own, votes)
    return _decide([*votes, (0.0, "handle only")], MENTIONED_PRIOR if mentioned_only else PERSON_PRIOR,
                   0.75 if spoken or as_word else 0.6)


def classify_name(text: str, group: bool = False) -> KindGuess:
    """Guess a plainly named entity in a post ("Priya Raman", "Acme Analytics"), with an even
    prior: posts name people in full, so a lone word ("Forrester") is likelier a company.
    ``group``: a post spoke of it as one ("the folks at X", "the X community")."""
    text = (text or "").strip()
    if not text:
        return KindGuess(UNKNOWN, 0.0, ("nothing known",))
    votes: Votes = list(_name_reading(text)[0])
    if group:
        votes.append((-3.0, 'named as a group ("the folks at ...", "the ... community")'))
    if not votes and len(text.split()) == 1:
        votes.append((-1.0, "a single word, not a known given name"))
    return _decide(votes, 0.5)


class ChunkReading:
    """What each whitespace-separated chunk of the posts holds (see ``textvec.remember``): the
    ``handles`` it writes as plain words or hashtags, and whether it holds a cue word of
    ``_readings``; hence whether each post holds a cue word, and how many posts write each
    handle. Each distinct chunk is read once, when first numbered (``number``: chunk numbers
    from 1, in the order given); the posts are read as their chunks' numbers, a batch at a
    time (``read``: 0 ends a post), told apart as arrays (a million posts hold tens of millions
    of chunks, and the cue words are common ones: "the", "on"); only the chunks writing a
    handle are gone through one by one. ``account_kinds`` numbers the chunks itself
    (``read_all``); a big series' echo search, which splits the same posts, numbers them for
    it (``leaders``)."""

    NOTHING: tuple[frozenset[str], bool] = (frozenset(), False)
    BATCH = 20_000  # posts read at a time by ``read_all`` (memory: their chunks as strings)

    def __init__(self, handles: Collection[str], posts: int) -> None:
        self.handles = set(handles)
        self.cue = np.zeros(posts, dtype=bool)  # whether each post holds a cue word
        self.words: Counter[str] = Counter()  # handle -> posts writing it as a word
        self._forget()

    def _forget(self) -> None:
        self.what = array("i", [0])  # chunk number -> 0 (nothing), else its place in ``held`` + 1
        self.held: list[frozenset[str]] = []  # the handles each chunk holding something writes
        self.cues, self.writes = array("b"), array("b")  # and whether it holds a cue, a handle

    def read_all(self, texts: Sequence[str], lo: int = 0, code: dict[str, int] | None = None) -> None:
        """Read the posts' ``texts`` (the ``lo``-th on), numbering their chunks: after those
        ``code`` numbers already as ``number`` was given them (the search's tokenising), else
        here alone, where memory stays bounded (the numbers are forgotten past CHUNKS)."""
        bounded = code is None
        code = {TEXT_END: 0} if code is None else code

        def number(new: list[str]) -> None:
            code.update(zip(new, range(len(self.what), len(self.what) + len(new)), strict=True))
            self.number(new)

        for start in range(0, len(texts), self.BATCH):
            if bounded and len(code) > CHUNKS:
                code = {TEXT_END: 0}
                self._forget()
            chunks = chunks_of(texts[start:start + self.BATCH])
            codes = chunk_codes(chunks, code, number)
            del chunks
            self.read(codes, lo + start)

    def number(self, chunks: list[str]) -> None:
        """Read the distinct chunks numbered next, in order."""
        for chunk in chunks:
            held = self._held(chunk)
            if held is self.NOTHING:
                self.what.append(0)
            else:
                words, cue = held
                self.held.append(words)
                self.cues.append(bool(cue))
                self.writes.append(bool(words))
                self.what.append(len(self.held))

    def read(self, codes: np.ndarray, lo: int) -> None:
        """Read the posts from the ``lo``-th on, given as their chunks' numbers (``chunks_of``'s
        chunks numbered, 0 after each post's)."""
        text_of = np.cumsum(codes == 0) + lo
        what = np.frombuffer(self.what, dtype=np.int32)[codes]
        at = np.flatnonzero(what > 0)
        held = what[at] - 1
        del what
        self.cue[text_of[at[np.frombuffer(self.cues, dtype=bool)[held]]]] = True
        writing = np.frombuffer(self.writes, dtype=bool)[held]
        written: dict[int, frozenset[str]] = {}
        for code, k in zip(held[writing].tolist(), text_of[at[writing]].tolist(), strict=True):
            written[k] = written.get(k, self.NOTHING[0]) | self.held[code]
        for found in written.values():  # (each post counted once per handle)
            self.words.update(found)

    def _held(self, chunk: str) -> tuple[frozenset[str], bool]:
        written = self.handles.intersection(_WORD.findall(chunk.lower()) if chunk.isascii()
                                            else [w.lower() for w in _WORD.findall(chunk)])
        cue = _ANY_CUE.search(chunk)
        return (frozenset(written), cue) if written or cue else self.NOTHING


def read_posts(corpus: Corpus) -> list[ChatPost]:
    """The posts ``account_kinds`` reads, in its order: the corpus's, then those they point at."""
    return [*corpus.posts, *corpus.referenced.values()]


def read_handles(corpus: Corpus) -> set[str]:
    """The handles ``account_kinds`` counts the posts writing as words: the authors' and the
    mentioned, lower case."""
    return {a.handle.lower() for a in corpus.authors.values()} | {
        m.lstrip("@").lower() for m in dict.fromkeys(chain.from_iterable(map(attrgetter("mentions"),
                                                                          read_posts(corpus))))}


class _Heard:
    """How a corpus's posts speak of each handle they mention, read in one pass over its
    millions of mentions as arrays: for each distinct (handle, text) pair, whether one of its
    posts answers the handle and how its first post reads it (``_readings``); per handle, the
    spellings of a mentioned-only one and, for a handle ``_readings`` does not read (not plain:
    "ann@mastodon.social"), its texts; and the posts writing it as a word (``ChunkReading``;
    ``chunks``: the posts read so already, for the handles ``read_handles`` gives)."""

    def __init__(self, corpus: Corpus, authors: set[str], chunks: ChunkReading | None = None) -> None:
        posts = read_posts(corpus)
        n = len(posts)
        self.handles: dict[str, int] = {}  # mentioned handle (lower case, no "@") -> its number
        # Each spelling numbered once (a million posts' millions of mentions spell tens of
        # thousands of handles), in the order they first come, as the handles they spell.
        numbers = {m: self.handles.setdefault(m.lstrip("@").lower(), len(self.handles))
                   for m in dict.fromkeys(chain.from_iterable(map(attrgetter("mentions"), posts)))}
        code = np.fromiter(map(numbers.__getitem__, chain.from_iterable(map(attrgetter("mentions"), posts))),
                           dtype=np.int32)
        del numbers
        names = list(self.handles)
        texts = [p.text for p in posts]
        if chunks is None:
            chunks = ChunkReading(authors | self.handles.keys(), n)
            chunks.read_all(texts)
        cue = chunks.cue
        self.words = chunks.words  # handle -> posts writing it as a plain word or hashtag
        del chunks
        # Each mention's post, its text (as the first post with that text) and whether the post
        # answers the handle: an answer says its target is someone one talks to; a post that
        # only starts with a handle (the addressee an archive without reply ids guesses) may be
        # about a product.
        each = np.fromiter(map(len, map(attrgetter("mentions"), posts)), dtype=np.int64, count=n)
        at, offset = np.repeat(np.arange(n, dtype=np.int32), each), np.cumsum(each) - each
        text = _first_alike(texts)
        del texts
        target = np.fromiter((self.handles.get((p.reply_to_author or "").lstrip("@").lower() if p.reply_to_id
                                               else "", -1) for p in posts), dtype=np.int64, count=n)
        # The distinct (handle, text) pairs, by sorting (stably: each group's first is the pair's
        # first mention), and whether one of a pair's posts answers the handle.
        pair = code.astype(np.int64) * max(n, 1) + text[at]
        order = np.argsort(pair, kind="stable")
        pair = pair[order]
        starts = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]] if len(pair) else pair)
        del pair, text
        answered = (np.logical_or.reduceat((code == target[at])[order], starts) if len(starts)
                    else np.zeros(0, dtype=bool))
        start = order[starts]
        del order, starts, target
        first = np.argsort(start, kind="stable")  # each text read once per handle, where it first comes
        start, answered = start[first], answered[first]
        pair_handle, pair_post = code[start], at[start]
        size = len(names)
        self._replied = np.bincount(pair_handle[answered], minlength=size).tolist()
        self._texts = np.bincount(pair_handle, minlength=size).tolist()
        self._thing, self._person = [0] * size, [0] * size
        post, readings = -1, {}
        read = cue[pair_post]
        if read.any():  # (of those, the posts with a cue beside a handle)
            held = np.unique(pair_post[read])
            near = np.zeros(n, dtype=bool)
            near[held] = _beside_cues([posts[k].text for k in held.tolist()])
            read = near[pair_post]
        for h, k in zip(pair_handle[read].tolist(), pair_post[read].tolist(), strict=True):
            if k != post:  # (a post's pairs come together)
                post, readings = k, _readings(posts[k].text)
            reading = readings.get(names[h])
            if reading == "thing":
                self._thing[h] += 1
            elif reading == "person":
                self._person[h] += 1
        self.texts: dict[str, list[tuple[str, bool]]] = {}  # a handle not plain -> (text, answers it)
        plain = np.array([_PLAIN_HANDLE.fullmatch(name) is not None for name in names], dtype=bool)
        for j in np.flatnonzero(~plain[pair_handle]).tolist():
            self.texts.setdefault(names[int(pair_handle[j])], []).append(
                (posts[int(pair_post[j])].text, bool(answered[j])))
        # A mentioned-only handle's spellings, each with the platform of its first post.
        self.spellings: dict[str, dict[str, str]] = defaultdict(dict)
        known = np.array([name in authors for name in names], dtype=bool)
        for j in np.flatnonzero(~known[code]).tolist():
            k = int(at[j])
            spelled = posts[k].mentions[j - int(offset[k])].lstrip("@")
            self.spellings[spelled.lower()].setdefault(spelled, posts[k].platform)

    def counts(self, key: str) -> tuple[int, int, int, int]:
        """(posts reading it as a thing, as a person, answering it, mentioning it), by text."""
        h = self.handles.get(key)
        if h is None:
            return 0, 0, 0, 0
        return self._thing[h], self._person[h], self._replied[h], self._texts[h]


def _first_alike(texts: list[str]) -> np.ndarray:
    """For each text, the index of the first one equal to it: found by their hashes, sorted
    (a dict of a million texts would take a hundred megabytes), texts that share a hash but
    differ told apart one by one."""
    n = len(texts)
    if not n:
        return np.zeros(0, dtype=np.int64)
    hashes = np.fromiter(map(hash, texts), dtype=np.int64, count=n)
    order = np.argsort(hashes, kind="stable")
    hashes = hashes[order]
    starts = np.r_[True, hashes[1:] != hashes[:-1]]
    first = np.empty(n, dtype=np.int64)
    first[order] = order[np.flatnonzero(starts)[np.cumsum(starts) - 1]]  # (sorted stably: the first)
    for k in order[~starts].tolist():  # the same hash as the text before it: the same text, mostly
        if texts[k] != texts[first[k]]:
            alike = np.flatnonzero(first == first[k]).tolist()  # (a clash of hashes: read the group)
            seen: dict[str, int] = {}
            for j in alike:
                first[j] = seen.setdefault(texts[j], j)
    return first


CHUNKS = 1 << 18  # chunks whose reading account_kinds keeps, and a batch's (~40 MB; most hold nothing)


def account_kinds(corpus: Corpus, corrections: dict[str, str] | None = None, *,
                  read: ChunkReading | None = None) -> dict[str, KindGuess]:
    """A kind for every author and every mentioned-only handle, keyed by account id.

    A user's correction wins, then a kind recorded in the archive, then the guess. ``read``:
    the ``read_posts`` read already for the ``read_handles`` (else they are read here).
    """
    corrections = corrections or {}
    authors = {a.handle.lower() for a in corpus.authors.values()}
    heard = _Heard(corpus, authors, read)
    accounts = [(a.id, a.handle, a.name, a.bio, a.url, a.kind, a.is_bot, False)
                for a in corpus.authors.values()]
    for key in sorted(heard.handles.keys() - authors):
        spellings = heard.spellings[key]
        spelled = max(sorted(spellings), key=lambda s: sum(c.isupper() for c in s))  # "PSHSummit"
        accounts.append((f"{spellings[spelled]}:@{key}", spelled, None, None, None, None, None, True))
    result: dict[str, KindGuess] = {}
    for account_id, handle, name, bio, url, stored, bot, mentioned_only in accounts:
        if account_id in corrections:
            kind = corrections[account_id]
            if kind not in (PERSON, ORGANIZATION):
                raise ValueError(f"the kind set for {account_id} is {kind!r}, not person or organization")
            result[account_id] = KindGuess(kind, 1.0, ("set by a user",))
        elif stored in (PERSON, ORGANIZATION):
            result[account_id] = KindGuess(stored, 1.0, ("recorded in the archive",))
        elif bot:  # (Slack, Discord and Mastodon flag apps and bots: no person speaks)
            result[account_id] = KindGuess(ORGANIZATION, 0.95, ("the platform flags it as a bot",))
        else:
            key = handle.lower()
            # The counts were read for handles as ``_readings`` finds them: plain ones only.
            if _PLAIN_HANDLE.fullmatch(handle):
                said, counts = (), heard.counts(key)
            else:
                said, counts = heard.texts.get(key, ()), None
            result[account_id] = _classify(handle, name, bio, url, said, heard.words[key], counts,
                                           mentioned_only)
    _segmenter.cache_clear()  # (its memory back: the rest of a big series' leaders step needs it)
    return result
