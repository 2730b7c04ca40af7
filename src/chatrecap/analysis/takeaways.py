"""What the room said to one question: its answers grouped into themes, the best few named.

Themes are average-linkage clusters cut at a fixed similarity, so their number follows the
answers. Similarity is TF-IDF cosine (words and pairs), with LSA blended in from a few
hundred answers on; below that LSA distorts (short answers have a flat spectrum: at k = n-1
one dropped component moved a real pair from 0.33 to 0.86). A theme many people voiced beats
one many liked; one person's idea ranks below any shared one; MMR keeps two takes on one idea
from crowding out a third. Big questions cluster their most endorsed answers, file the rest.
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from chatrecap.analysis.corpus import ChatPost, Corpus
from chatrecap.analysis.endorsement import NONE, Endorsement, is_logistics
from chatrecap.analysis.structure import Structure
from chatrecap.analysis.textvec import Vectors, stem, tokens
from chatrecap.recap.model import Takeaway

__all__ = ["agglomerate", "find_takeaways", "headline", "lsa"]

MIN_TOKENS = 3  # fewer content words than this is a reaction, not an answer
THRESHOLD = 0.13  # mean TF-IDF cosine within a theme (fits real chats: see module doc)
LSA_THRESHOLD = 0.25  # ... once LSA, whose cosines run higher, has its full share
LSA_SHARE, LSA_FULL_AT, LSA_MIN_DOCS = 0.3, 1000, 200
VECTOR_THRESHOLD = 0.6  # mean cosine of sentence embeddings (all-MiniLM-L6-v2, set on the example)
MAX_CLUSTERED = 2500  # answers clustered directly; the rest join the nearest theme
MAX_TERMS, LSA_DIM, SEED = 20000, 50, 1729
MMR_LAMBDA, SAME_THEME = 0.7, 0.85  # centroids SAME_THEME close are one theme said twice


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms == 0, 1.0, norms)


def lsa(matrix: sparse.csr_matrix, fit: Sequence[int], dim: int = LSA_DIM) -> np.ndarray:
    """Unit rows of ``matrix`` in the LSA space of its ``fit`` rows (seeded, so repeatable)."""
    x = matrix[list(fit)]
    n, v = x.shape
    k = min(dim, n - 1, v - 1)
    if k < 1 or x.nnz == 0:  # one post or one word: every non-empty row points one way
        return _unit(np.asarray(matrix.sum(axis=1)).reshape(-1, 1))
    if n <= 500:  # exact, through the small n x n Gram matrix
        values, vectors = np.linalg.eigh((x @ x.T).toarray())
        top = np.argsort(-values, kind="stable")[:k]
        s = np.sqrt(np.clip(values[top], 0, None))
        top, s = top[s > 1e-9], s[s > 1e-9]
        basis = np.asarray(x.T @ (vectors[:, top] / s))
    else:  # randomized SVD: a seeded range finder with power iterations
        q = np.linalg.qr(x @ np.random.default_rng(SEED).standard_normal((v, k + 10)))[0]
        for _ in range(2):
            q = np.linalg.qr(x @ np.linalg.qr(x.T @ q)[0])[0]
        b = np.asarray(x.T @ q)  # v x (k + 10); its top right singular vectors, via the small Gram
        values, vectors = np.linalg.eigh(b.T @ b)
        top = np.argsort(-values, kind="stable")[:k]
        basis = b @ (vectors[:, top] / np.sqrt(np.clip(values[top], 1e-12, None)))
    return _unit(np.asarray(matrix @ basis))


def agglomerate(sim: np.ndarray, threshold: float = THRESHOLD) -> list[list[int]]:
    """Average-linkage clusters of a similarity matrix (overwritten) with mean similarity
    >= threshold. A nearest-neighbour chain finds the textbook merges in O(n^2), not O(n^3);
    a chain whose best link is below the threshold is closed at once: average linkage can
    never raise a similarity."""
    n = len(sim)
    np.fill_diagonal(sim, -np.inf)
    size, active = np.ones(n), np.ones(n, dtype=bool)
    members: list[list[int]] = [[i] for i in range(n)]
    done: list[list[int]] = []
    chain: list[int] = []
    while True:
        if not chain:
            live = np.flatnonzero(active)
            if not len(live):
                break
            chain = [int(live[0])]
        row = np.where(active, sim[chain[-1]], -np.inf)
        nb = int(np.argmax(row))
        if len(chain) > 1 and row[chain[-2]] >= row[nb]:
            nb = chain[-2]
        if not row[nb] >= threshold:  # also -inf: nothing left to merge with
            active[chain] = False
            done += [members[i] for i in chain]
            chain = []
        elif len(chain) > 1 and nb == chain[-2]:
            a, b = sorted(chain[-2:])
            del chain[-2:]
            merged = (size[a] * sim[a] + size[b] * sim[b]) / (size[a] + size[b])
            sim[a], sim[:, a] = merged, merged
            sim[a, a] = -np.inf
            size[a] += size[b]
            active[b] = False
            members[a] = sorted(members[a] + members[b])
        else:
            chain.append(nb)
    return sorted(done)


def _sims(weights: Sequence[float], left: list, right: list) -> np.ndarray:
    """Similarity of weighted blocks of unit rows: sum of weight * left @ right.T."""
    out: np.ndarray | float = 0.0
    for w, a, b in zip(weights, left, right, strict=True):
        prod = a @ b.T
        out = out + w * (prod.toarray() if sparse.issparse(prod) else np.asarray(prod))
    return np.asarray(out)


def _means(blocks: list, groups: Sequence[Sequence[int]]) -> list:
    """Each group's mean row per block (a sparse averaging matrix keeps TF-IDF means sparse)."""
    sizes = [len(g) for g in groups]
    avg = sparse.csr_matrix((np.repeat([1.0 / k for k in sizes], sizes),
                             (np.repeat(np.arange(len(groups)), sizes), np.concatenate(groups))),
                            shape=(len(groups), blocks[0].shape[0]))
    return [avg @ m for m in blocks]


_URL = re.compile(r"https?://\S+|www\.\S+|\b\S+\.(?:com|org|net|io|co)/\S*")
# "A1:", "@ann A2 (late):", "#chat A3 -", "A1 & A2:", "A1/Q1" at the start: not the headline.
_LABELLED = re.compile(r"^(?:\s*(?:\.?@\w+|#\w+(?=\s))[,:]?)*\s*[AQ]\s?\d+[a-z]?\b"
                       r"(?:\s*(?:&|and|/|,|\+)\s*(?:[AQ]\s?\d+[a-z]?\b|\d+[a-z]?(?=\s*[:.)\-–—])))*"
                       r"(?:\s*\([^)]{0,30}\))?\s*[:.)\-–—]*\s*", re.IGNORECASE)
_HANDLES, _TAIL = re.compile(r"^(?:\s*\.?@\w+[,:]?)+\s*"), re.compile(r"(?:\s*[#@]\w+[,.!]?)+\s*$")
_OPENER = re.compile(r"^(?:(?:but|and|so|also|plus|or|then)\s+|(?:yes|no|yeah|yep|honestly|well|ha+|lol"
                     r"|ok|okay|oh|hmm+|this|agreed?|exactly|totally|absolutely|true|same|wow|cont)\b"
                     r"\s*[,.!:;)]+\s*|(?:love|loving|seconding|stealing)\s+(?=[\x22\x27\u2018\u201c]))+",
                     re.IGNORECASE)
_QUOTES = re.compile(r"[\x22\u201c\u201d\u2018()]|(?<!\w)'|'(?!\w)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
# The chat's tag opening a post as its subject ("#NewsChat is a great way..."), not a prefix.
_TAG_AS_SUBJECT = r"(?=\s+(?:is|was|has|had|will|rocks|returns|starts|turns|keeps|makes)\b)"
_CLAUSE = re.compile(r"\s*(?:[;:=(){}\[\]]|,\s|\s[-–—]\s|—|–|\s&\s|\s\+\s)\s*")
_CUT = frozenset("and but or because so when while which that with for on in by if since than as where "
                 "who whose like".split())
_JOINED = frozenset("and or but".split())
_INTERJECTIONS = frozenset("""nice wow yes yeah yep thanks thank you cool great awesome agreed exactly true
same lol haha ha hi hello hey ok okay sure absolutely definitely indeed amen boom oh ah yay congrats
welcome sorry ugh hmm oops love this that""".split())
_DANGLING = frozenset("a an the and or but of to for with in on at by from as into about your my our "
                      "their his her its is are was were be been that which who when if so than not no "
                      "very more most every some any i we you they he she just really one out".split())


def _clean(text: str, chat: str) -> str:
    text = _TAIL.sub("", html.unescape(_URL.sub(" ", text)).strip())
    if chat:  # trailing tags are gone; one inside a sentence is a word of it ("the #X is fun")
        # (a tag that opens the post is a prefix, before a label or words, "#PSTweetChat trying
        # to..."; one that is the sentence's subject stays, "#NewsChat is a great way...")
        text = re.sub(rf"^\s*#{re.escape(chat)}\b(?!{_TAG_AS_SUBJECT})[\s:,\-–—]*", "", text,
                      flags=re.IGNORECASE)
        text = re.sub(rf"#({re.escape(chat)})\b", r"\1", text, flags=re.IGNORECASE)
    if _LABELLED.match(text):  # (and what joined a second label: "A1 & 3D printing")
        text = re.sub(r"^[&/+,]\s*", "", _LABELLED.sub("", text, count=1))
    else:
        text = _HANDLES.sub("", text)
    text = "".join(ch for ch in re.sub(r"[#@](\w)", r"\1", text)
                   if ch.isalnum() or ch.isspace() or ch in ".,;:!?'’\"-–—()=&+%/$\\")
    return re.sub(r"[ \t]+", " ", text).strip()


def _fit(words: list[str]) -> tuple[list[str], float]:
    """At most eight words, cut before a joining word if there is one; how natural it reads."""
    fit = 1.0
    if len(words) > 8:
        cuts = [p for p in range(4, 9) if words[p].lower() in _CUT or words[p - 1].endswith((",", ";"))]
        words, fit = (words[:cuts[-1]], 0.8) if cuts else (words[:8], 0.5)
    while fit < 1 and len(words) > 3 and (words[-1].lower().strip(".,;:!?'\"") in _DANGLING
                                          or words[-1].isdigit()):
        words = words[:-1]
    # A list's next marker, cut off with its bracket ("...might differ AND b"), and what joined it.
    while len(words) > 3 and (words[-1].lower() in _JOINED or len(words[-1]) == 1 and words[-1] not in "IiAa"
                              and words[-1].isalnum()):
        words = words[:-1]
    return words, fit if len(words) >= 3 else 0.35


def headline(texts: Sequence[str], weights: dict[str, float], chat: str = "",
             skip: frozenset[str] = frozenset()) -> str:
    """The span of the theme's best posts that carries most of its words, as a headline."""
    found: list[tuple[float, int, list[str]]] = []  # score, -position (earlier wins ties), words
    for rank, text in enumerate(texts):
        sentences = [s for s in _SENTENCE.split(_clean(text, chat)) if s.strip()]
        spans = [(s, i == 0) for i, s in enumerate(sentences)]
        for i, sentence in enumerate(sentences):
            clauses = [c for c in _CLAUSE.split(sentence) if c.strip()]
            spans += [(c, i == 0 and j == 0) for j, c in enumerate(clauses)] if len(clauses) > 1 else []
            # A short sentence leads into the next ("Consistency! Showing up..." reads
            # "Consistency: Showing up..."), but not a question or an interjection ("Nice!"),
            # and one that trails off goes on as written ("Not... that I can recall").
            if (len(sentence.split()) < 3 and i + 1 < len(sentences) and not sentence.endswith("?")
                    and not set(re.findall(r"[a-z']+", sentence.lower())) <= _INTERJECTIONS):
                lead = f"{sentence} " if sentence.endswith("..") else f"{sentence.rstrip('.!')}: "
                spans.append((lead + sentences[i + 1], i == 0))
        for span, first in spans:
            span = _OPENER.sub("", span.strip(" ,;:-–—'\"()\\"))  # then quotes and brackets, not apostrophes
            words, fit = _fit(_QUOTES.sub("", span).split())
            content = {stem(t) for t in tokens(" ".join(words), (chat,))} - skip
            gain = math.fsum(weights.get(t, 0.0) for t in content) / max(len(content), 1) ** 0.5
            score = gain * fit * (1.25 if first else 1.0) * (0.85 if rank else 1.0)
            found += [(score, -len(found), words)] if words else []
    phrase = " ".join(max(found)[2] if found else []).strip(" .,;:-–—'\"")
    return phrase[:1].upper() + phrase[1:]


def _terms_headline(token_lists: Sequence[Sequence[str]]) -> str:
    """The words most of the theme's posts use, "a, b and c": when no span reads well."""
    counts = Counter(t for toks in token_lists for t in set(toks))
    top = [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]]
    phrase = ", ".join(top[:-1]) + " and " + top[-1] if len(top) > 1 else top[0]
    return phrase[:1].upper() + phrase[1:]


def find_takeaways(question_text: str, answers: list[ChatPost], corpus: Corpus, structure: Structure,
                   endorsement: dict[str, Endorsement], *, drop_words: Sequence[str] = (),
                   max_takeaways: int = 4,
                   vectorize: Callable[[list[str]], np.ndarray] | None = None) -> list[Takeaway]:
    """The question's main themes, most widely voiced first, each with 1-3 example posts."""
    chat = corpus.chat.lstrip("#").lower()
    drop = (chat, *(w.lstrip("#").lower() for w in drop_words))
    prompt_ids = {p.post_id for p in structure.prompts}
    unique = {p.id: p for p in answers if not p.is_repost and not is_logistics(p, structure, prompt_ids)}
    posts = sorted(unique.values(), key=lambda p: (p.created_at, p.id))
    kept = [(p, t) for p in posts if len(t := tokens(p.text, drop)) >= MIN_TOKENS]
    posts, toks = [p for p, _ in kept], [t for _, t in kept]
    n = len(posts)
    if not n or max_takeaways < 1:
        return []
    asked = {stem(w) for w in tokens(question_text, drop)}
    feats = [[s for s in stems if s not in asked] or stems for stems in ([*map(stem, t)] for t in toks)]
    vectors = Vectors(feats, min_df=1 if n < 1000 else 2, max_terms=MAX_TERMS, bigrams=True)
    support = [endorsement.get(p.id, NONE) for p in posts]
    core = sorted(sorted(range(n), key=lambda i: (-support[i].score, i))[:MAX_CLUSTERED])
    share = LSA_SHARE * min(1.0, len(core) / LSA_FULL_AT)
    if vectorize is not None:
        blocks = [_unit(np.asarray(vectorize([p.text for p in posts]), dtype=np.float64))]
        shares, threshold = [1.0], VECTOR_THRESHOLD
    elif len(core) >= LSA_MIN_DOCS:
        blocks, shares = [vectors.matrix, lsa(vectors.matrix, core)], [1.0 - share, share]
        threshold = THRESHOLD + (LSA_THRESHOLD - THRESHOLD) * share / LSA_SHARE
    else:
        blocks, shares, threshold = [vectors.matrix], [1.0], THRESHOLD
    rows = [b[core] for b in blocks]
    groups = [[core[i] for i in g] for g in agglomerate(_sims(shares, rows, rows), threshold)]
    rest, shared = np.setdiff1d(np.arange(n), core), [g for g in groups if len(g) > 1]
    if len(rest) and shared:  # file the rest under the nearest shared theme, in bounded chunks
        means = _means(blocks, shared)
        for start in range(0, len(rest), 4096):
            chunk = rest[start:start + 4096]
            sims = _sims(shares, [b[chunk] for b in blocks], means)
            best = np.argmax(sims, axis=1)
            near = sims[np.arange(len(chunk)), best] >= threshold
            for i, j in zip(chunk[near].tolist(), best[near].tolist(), strict=True):
                shared[j].append(i)  # themes stay in time order but for these: sorted on output
    themes = []
    for g in groups:
        people, weight = len({posts[i].author_id for i in g}), sum(support[i].score for i in g)
        themes.append((people + weight / (weight + 10.0), people, g))
    themes.sort(key=lambda t: (-t[0], t[2][0]))
    themes = themes[:max(8 * max_takeaways, 32)]  # MMR needs only the front runners
    means = _means(blocks, [t[2] for t in themes])
    gram = _sims(shares, means, means)
    norms = np.sqrt(np.clip(np.diag(gram), 1e-12, None))
    similar = gram / np.outer(norms, norms)
    picked = _mmr(themes, similar, max_takeaways if n >= 3 else 1)
    out = []
    for k in picked:
        score, people, g = themes[k]
        central = _sims(shares, [b[g] for b in blocks], [m[k:k + 1] for m in means])[:, 0]
        top_e = max(support[i].score for i in g) or 1.0
        merit = 0.6 * central + 0.4 * np.array([support[i].score for i in g]) / top_e
        by_author: dict[str, int] = {}  # each author's best post, best first
        for j in sorted(range(len(g)), key=lambda j: (-merit[j], j)):
            by_author.setdefault(posts[g[j]].author_id, g[j])
        reps = list(by_author.values())[:3]
        share_of = np.asarray((vectors.matrix[g] > 0).mean(axis=0)).ravel()  # how many posts use it
        weights = dict(zip(vectors.terms, share_of, strict=True))
        title = headline([posts[i].text for i in reps], weights, chat, frozenset(asked))
        if len(title.split()) < 2:
            title = _terms_headline([[w for w in toks[i] if stem(w) not in asked] or toks[i] for i in g])
        out.append(Takeaway(title, [posts[i].id for i in reps], people, sum(support[i].count for i in g),
                            round(score, 4), [posts[i].id for i in sorted(g)]))
    return out


def _mmr(themes: list[tuple[float, int, list[int]]], similar: np.ndarray, cap: int) -> list[int]:
    """Shared themes first, then one person's ideas to fill in; each tier by MMR."""
    top = themes[0][0] if themes else 1.0
    chosen: list[int] = []
    for tier in (True, False):
        pool = [k for k, t in enumerate(themes) if (t[1] > 1) == tier]
        while pool and len(chosen) < cap:
            near = [max((float(similar[k, c]) for c in chosen), default=0.0) for k in pool]
            gain = [MMR_LAMBDA * themes[k][0] / top - (1 - MMR_LAMBDA) * s
                    for k, s in zip(pool, near, strict=True)]
            j = max(range(len(pool)), key=lambda i: (gain[i], -pool[i]))
            k = pool.pop(j)
            if near[j] < SAME_THEME:
                chosen.append(k)
    return chosen
