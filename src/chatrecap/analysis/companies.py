"""Whom people work for, and how much of a company's standing is really its people's.

"A company gains from the people it employs and can lose that standing when they leave":
so an organisation's recognition is read as its own account's plus its people's, and the
report says how concentrated that is (largest person's share, Herfindahl index) and how
few departures would take half of it away. Employers come from bios ("CMO at @Acme",
"Founder, Acme Labs"; past jobs are skipped) and, weakly, from posts that speak for an
org ("our team at @Acme"). Every affiliation keeps its evidence, so it can be checked.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from chatrecap.analysis.corpus import Corpus
from chatrecap.analysis.textvec import Folded
from chatrecap.models import ORGANIZATION

__all__ = ["Affiliation", "OrgStanding", "affiliations", "bio_affiliations", "company_dependence",
           "org_accounts"]

_ROLE = (r"(?i:ceo|cto|cmo|coo|cfo|cro|cpo|cio|ciso|[se]?vp|president|(?:co-?)?founder|owner|partner|"
         r"director|head|lead|leader|manager|principal|chief|engineer|developer|designer|marketer|"
         r"strategist|analyst|consultant|advis[eo]r|editor|producer|(?:co-?)?host|researcher|scientist|"
         r"professor|student|intern|evangelist|advocate|specialist|executive|officer|chair|member|team|"
         r"fellow|trustee|co-?directs?|correspondent|reporter|anchor|columnist|journalist|writes? for|"
         r"work|works|working|employed|employee|staff|i lead|i run|building)")
_NAME = r"[A-Z0-9][\w&'’-]*(?:\.[A-Za-z]\w*)*(?:\s+(?:(?:&|and|of|de|for)\s+)?[A-Z0-9][\w&'’-]*)*"
_HANDLE_AFTER_ROLE = re.compile(rf"\b{_ROLE}\b[^.|;•\n@]{{0,40}}?@(\w+)")
_AT_HANDLE = re.compile(r"(?:\bat|@)\s*@(\w+)", re.I)
_NAME_AFTER_ROLE = re.compile(rf"\b{_ROLE}\b[^.|;•\n@]{{0,40}}?\s(?i:at|@)\s+({_NAME})")
_CSUITE_OF = re.compile(rf"\b(?i:ceo|cto|cmo|coo|cfo|cro|president|(?:co-?)?founder|owner)\s+(?i:of)\s+"
                        rf"(@\w+|{_NAME})")
_FOUNDER_COMMA = re.compile(rf"\b(?i:(?:co-?)?founder),\s+(@\w+|{_NAME})")
_EMPLOYEE = re.compile(rf"(@\w+|{_NAME})\s+(?:employee|staffer|team member|alum(?:na|nus|ni)?)\b"
                       r"|(@\w+)\s+(?i:(?:co-?)?founder|ceo|cto|cmo|coo|cfo|cro|anchor|correspondent|reporter|"
                       r"columnist|editor|producer)\b")
_MORE_HANDLES = re.compile(r"\s*(?:,|&|\+|/|\band\b)\s*@(\w+)")  # "@DevOpsOrg and @PSHorg"
_PIPE_SEGMENT = re.compile(r"(?:^|\|)\s*([^|]+?)\s*(?=\||$)")
_PAST = re.compile(r"\b(?:ex|former(?:ly)?|previously|prev|past|retired|once|alum(?:na|nus|ni)?)\b|\bex-",
                   re.I)
_PAST_AFTER = re.compile(r"^\W{0,3}(?:(?:alum(?:na|nus|ni)?|emeritus)\b|\(former\)|\(ex\))", re.I)
_CLAUSE_END = re.compile(r"[.,|;•\n!?]")
_NOT_ORG = frozenset("""a an the my our their his her b2b saas dad mum mom husband wife parent runner
cyclist reader writer author speaker views opinions""".split())
_CASE_SENSITIVE_CAPITAL = re.compile(rf"^{_NAME}$")
_SPEAKING_FOR = Folded(re.compile(r"\b(?:we|our|us)\b", re.I), ("we", "our", "us"))
_EXPLICIT_FOR = re.compile(r"\b(?:we|our team|my team|us)\s+(?:here\s+)?at\s+@(\w+)", re.I)
_LEADING_HANDLES = re.compile(r"^(?:[\s.]*@\w+)+")
_HANDLE = re.compile(r"@(\w+)")


@dataclass(slots=True)
class Affiliation:
    org: str  # the handle without "@" when the evidence names one, else the name as written
    source: str  # "bio" | "co-mention"
    evidence: str | list[str]  # the bio text matched, or the posts' ids


@dataclass(slots=True)
class OrgStanding:
    org: str
    account_id: str | None
    own_recognition: float
    people_recognition: float
    total: float
    people: list[tuple[str, float]]  # best first
    top1_share: float  # of the people's recognition
    hhi: float  # Herfindahl index over the people's shares, 0..1
    key_people: int | None  # fewest departures removing half the total; None: not possible
    key_people_ids: list[str] = field(default_factory=list)


def _org(raw: str) -> str | None:
    name = raw.strip().rstrip(".,;:!'’").strip()
    if name.startswith("@"):
        return name[1:] or None
    if len(name) < 2 or name.lower() in _NOT_ORG or name.split()[0].lower() in _NOT_ORG:
        return None
    return name if _CASE_SENSITIVE_CAPITAL.match(name) else None


def _is_past(bio: str, start: int, end: int) -> bool:
    """The clause before the match says "ex-", "former", "previously"; or "alum" follows."""
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(bio, 0, start)), default=0)
    return bool(_PAST.search(bio[clause_start:end]) or _PAST_AFTER.search(bio[end:end + 16]))


@lru_cache(maxsize=1 << 16)  # (read of each author by the companies and by self-promotion)
def bio_affiliations(bio: str | None) -> tuple[tuple[str, str], ...]:
    """Current employers a bio names, as (org, the text matched), in bio order."""
    if not bio:
        return ()
    found: dict[str, tuple[int, str, str]] = {}
    patterns = (_HANDLE_AFTER_ROLE, _AT_HANDLE, _NAME_AFTER_ROLE, _CSUITE_OF, _FOUNDER_COMMA, _EMPLOYEE)
    for pattern in patterns:
        for m in pattern.finditer(bio):
            raw = m.group(1) or m.group(2)
            org = _org(raw if pattern not in (_HANDLE_AFTER_ROLE, _AT_HANDLE) else "@" + raw)
            if org is None or _is_past(bio, m.start(), m.end()):  # "ex-", "former", "... alum"
                continue
            found.setdefault(org.lower(), (m.start(), org, m.group(0).strip()))
            if m.group(0).rstrip().endswith("@" + raw.lstrip("@")):  # handles listed after it: one role
                more = _MORE_HANDLES.match(bio, m.end())
                while more is not None and not bio.startswith(("'s", "’s"), more.end()):  # (not "@wife's")
                    if not _is_past(bio, more.start(1), more.end()):  # ("... and @OldCo (former)")
                        found.setdefault(more.group(1).lower(),
                                         (more.start(1), more.group(1), bio[m.start():more.end()].strip()))
                    more = _MORE_HANDLES.match(bio, more.end())
    if "|" in bio:
        for m in _PIPE_SEGMENT.finditer(bio):
            segment = m.group(1)
            if re.fullmatch(r"@\w+", segment):
                org = segment[1:]
            elif (_CASE_SENSITIVE_CAPITAL.match(segment) and len(segment.split()) >= 2
                  and not re.search(rf"\b{_ROLE}\b", segment, re.I)):
                org = _org(segment)
            else:
                continue
            if org and not _is_past(bio, m.start(1), m.end(1)):
                found.setdefault(org.lower(), (m.start(1), org, segment))
    return tuple((org, text) for _, org, text in sorted(found.values()))


def affiliations(corpus: Corpus) -> dict[str, list[Affiliation]]:
    """Each person's current organisations: from the bio, else weakly from posts that speak
    for an org's handle ("we"/"our" twice, or "our team at @X" once)."""
    out: dict[str, list[Affiliation]] = {}
    for author in sorted(corpus.authors.values(), key=lambda a: a.id):
        if author.kind == ORGANIZATION:
            continue
        found = [Affiliation(org, "bio", text) for org, text in bio_affiliations(author.bio)]
        if found:
            out[author.id] = found
    orgs = {a.org.lower() for found in out.values() for a in found}
    people = {a.handle.lower() for a in corpus.authors.values()  # an author is a person unless known
              if a.kind != ORGANIZATION and a.handle.lower() not in orgs}
    spoken: dict[tuple[str, str], list[str]] = defaultdict(list)  # (person, org lower) -> posts
    spelling: dict[tuple[str, str], str] = {}
    explicit: set[tuple[str, str]] = set()
    for post in corpus.posts:
        if post.is_repost or post.author_id not in corpus.authors:
            continue
        if corpus.authors[post.author_id].kind == ORGANIZATION:
            continue
        body = _LEADING_HANDLES.sub("", post.text)
        if "@" not in body or not _SPEAKING_FOR.search(body):  # (the cheaper checks first)
            continue
        named = {h.lower(): h for h in _HANDLE.findall(body)}
        if not named:
            continue
        for m in _EXPLICIT_FOR.finditer(body):
            explicit.add((post.author_id, m.group(1).lower()))
        for low, handle in named.items():
            if low != post.handle.lower() and low not in people:
                spoken[(post.author_id, low)].append(post.id)
                spelling.setdefault((post.author_id, low), handle)
    for (person, low), ids in sorted(spoken.items()):
        known = {a.org.lower() for a in out.get(person, [])}
        if low in known or (len(ids) < 2 and (person, low) not in explicit):
            continue
        out.setdefault(person, []).append(Affiliation(spelling[(person, low)], "co-mention", ids))
    return out


def org_accounts(corpus: Corpus, affs: Mapping[str, list[Affiliation]]) -> dict[str, str | None]:
    """Each affiliated org (lower-case) -> its own account in the corpus, matched by handle or
    by name written without spaces ("Acme Analytics" -> @AcmeAnalytics)."""
    def compact(text: str | None) -> str:
        return re.sub(r"[\W_]+", "", (text or "").lower())

    by_key: dict[str, str] = {}
    for author in sorted(corpus.authors.values(), key=lambda a: a.id):
        for key in (compact(author.handle), compact(author.name) if author.kind == ORGANIZATION else ""):
            if key:
                by_key.setdefault(key, author.id)
    return {a.org.lower(): by_key.get(compact(a.org)) for found in affs.values() for a in found}


def company_dependence(affs: Mapping[str, list[Affiliation]], recognition: Mapping[str, float],
                       org_ids: Mapping[str, str | None]) -> list[OrgStanding]:
    """Per organisation, its own and its people's recognition and how concentrated the latter
    is, most recognised first (ties by name)."""
    members: dict[str, set[str]] = defaultdict(set)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for person, found in affs.items():
        for a in found:
            members[a.org.lower()].add(person)
            names[a.org.lower()][a.org] += 1
    out = []
    for key, persons in members.items():
        account = org_ids.get(key)
        own = float(recognition.get(account, 0.0)) if account else 0.0
        people = sorted(((p, float(recognition.get(p, 0.0))) for p in persons if p != account),
                        key=lambda t: (-t[1], t[0]))
        people_total = sum(r for _, r in people)
        shares = [r / people_total for _, r in people] if people_total > 0 else []
        total = own + people_total
        removed, key_ids = 0.0, []
        for person, r in people:
            if total <= 0 or removed >= total / 2:
                break
            removed += r
            key_ids.append(person)
        reached = total > 0 and removed >= total / 2 - 1e-12
        name = min(names[key].items(), key=lambda t: (-t[1], t[0]))[0]
        out.append(OrgStanding(name, account, own, people_total, total, people,
                               max(shares, default=0.0), sum(s * s for s in shares),
                               len(key_ids) if reached else None, key_ids if reached else []))
    return sorted(out, key=lambda s: (-s.total, s.org.lower(), s.org))
