"""Leaders-step speed and memory on a year-long series: the whole ``chatrecap leaders --series``.

    python benchmarks/leaders_graph.py [--posts 1000000] [--seed 7] [--pss-every 0.5] [--profile FILE]

A synthetic series (fixed seed) is built in memory as a Corpus, no database: 52 weekly
one-hour sessions, ~30,000 accounts per million posts whose activity is heavy-tailed (a few
talk a lot), replies to recent posts, reposts and quotes of earlier ones (some from before
the window), and 1-3 mentions per post besides a reply's target, about 3 million interaction
edges in all. Texts are drawn from a Zipf vocabulary, so the early-idea search meets words of
every frequency; some posts share popular links and hashtags. Each session has a host asking
Q1..Q8, answers labelled "A<n>:", and a "who do you learn from?" question whose answers name
handles and people by name; elsewhere #FF, "shout-out to", "h/t" and "learned so much from"
posts. Accounts have display names and bios: organisations ("Official account of X Inc. We
help..."), employees ("CMO at @x", "Founder of X Labs", "ex-@y"), and a few people whose posts
link to their own site or pitch ("check out my course").

Timed separately: per session (as ``series_inputs`` does after reading the store) the
structure analysis and ``find_nominations``; then ``rank_leaders`` end to end, and each of
its stages again on its own (``build_graph``, ``recognition``, ``account_kinds``,
``early_adopters``, companies, ``self_promotion``; with the corpus frozen out of the garbage
collector, as ``rank_leaders`` runs them). From 50,000 posts the leaders step works on two
cores: two forked workers for the sessions, then a fresh process (started, not forked: it is
sent the posts' words) for the early-idea search, while this one does the rest; CPU time
counts theirs too. Peak RSS is the process's (getrusage); the workers' is printed beside it,
and the peak PSS of the process and its workers together, sampled from /proc every
--pss-every seconds, which counts the shared corpus once (the sampler's own CPU is printed:
it slows the step a little; 0 turns it off). Then PageRank
alone on the same weighted directed graph by igraph and by networkx (graph construction not
timed; best of --repeat runs). Targets: the leaders step (nominations + rank_leaders)
<= 60 s and <= 2 GB; the ranking (PageRank) >= 10x faster than networkx's. Before and after,
a fixed pure-Python loop is timed alone and on both cores at once: the machine's speed just
then, so that runs of different hours compare (docs/benchmarks.md keeps the figures); the
interpreter is printed too (two builds of one Python version differ here by 11 to 26%).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import sysconfig
import time
from datetime import UTC, datetime, timedelta

import numpy as np

from chatrecap.analysis.corpus import ChatPost, Corpus, Participant

REPLY, REPOST, QUOTE, ORIGINAL = 0, 1, 2, 3
SESSIONS, QUESTIONS, NOMINATION_Q = 52, 8, 4
GIVEN = """Ann Priya Maria Laura Sarah Emma Olivia Sofia Grace Chloe Hannah Julia Nina Rachel Ruth
Clara Alice Helen Irene Diana James John Robert Michael David Daniel Thomas Mark Paul Peter Kevin
Brian George Edward Henry Samuel Oliver Lucas Carlos Miguel Ahmed Omar Ravi Arjun Wei Kenji Tomas
Erik""".split()
SURNAMES = """Smith Raman Garcia Jones Brown Miller Davis Wilson Moore Taylor Anderson Thomas Jackson
White Harris Martin Thompson Clarke Lewis Walker Hall Young Allen King Wright Scott Green Baker
Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Torres Parker Collins
Edwards Stewart Morris Murphy Cook Rogers Morgan Patel Cooper Reed""".split()
ROLES = ["Data engineer", "Developer advocate", "Product manager", "Analyst", "Designer",
         "Researcher", "Consultant", "Architect", "Writer and speaker", "Teacher"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def workers_peak_mb() -> float:
    """The largest peak RSS of the worker processes (pages shared with this one included)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU time of this process and of its finished workers (the leaders step's forked and
    fresh ones)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


_SAMPLER = """
import os, select, sys

def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next((int(line.split()[1]) for line in f if line.startswith("Pss:")), 0)
    except OSError:
        return 0

watched, every, me, peak = sys.argv[1], float(sys.argv[2]), str(os.getpid()), 0.0
while not select.select([sys.stdin], [], [], every)[0]:
    try:
        with open(f"/proc/{watched}/task/{watched}/children") as f:
            pids = [watched, *(p for p in f.read().split() if p != me)]
    except OSError:
        break
    peak = max(peak, sum(map(pss_kb, pids)) / 1024)
print(peak)
"""


class PssPeak:
    """The highest proportional set size of this process and its workers together, sampled
    every ``every`` seconds from /proc: RSS counts the corpus pages a forked worker shares
    with this process twice, PSS splits them. Linux only; 0 elsewhere. The sampler is a small
    separate process, not a thread: the leaders step forks its workers only from a process
    with no other thread, and a sampling thread here would turn them off. Reading a big
    process's page tables costs CPU (about 17 s over the step at 0.2 s, on two cores: a tenth
    more wall time), so its own CPU time is reported, and ``every=0`` turns it off."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.peak = self.cpu = 0.0
        self._sampler: subprocess.Popen | None = None

    def __enter__(self) -> PssPeak:
        if self.every > 0:
            self._sampler = subprocess.Popen(
                [sys.executable, "-S", "-c", _SAMPLER, str(os.getpid()), str(self.every)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        return self

    def __exit__(self, *exc) -> None:
        if self._sampler is None:
            return
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out, _ = self._sampler.communicate("stop\n")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the sampler's, reaped just now
        self.cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        self.peak = float(out.strip() or 0)


def _reference_loop(_: object = None) -> float:
    """Seconds a fixed pure-Python loop takes here: how fast this machine is just now."""
    t0 = time.perf_counter()
    total = 0
    for k in range(30_000_000):
        total += k * k
    return time.perf_counter() - t0


def machine_speed() -> tuple[float, float]:
    """The reference loop alone, and the slower of two run at once on two processes. This
    machine's speed changes through the day by up to half again (other work on its host), the
    more so with both cores busy: figures of different hours compare through these two."""
    import multiprocessing

    alone = _reference_loop()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        both = max(pool.map(_reference_loop, range(2)))
    return alone, both


def interpreter() -> str:
    """Which Python ran the step: two builds of 3.11 on this machine differ by 11 to 26%
    (docs/benchmarks.md), so runs compare only with the same one."""
    try:
        with open("/proc/self/maps") as maps:  # (what is loaded, whatever the build was configured with)
            shared = "libpython shared" if "libpython" in maps.read() else "libpython linked in"
    except OSError:
        shared = "libpython shared" if sysconfig.get_config_var("Py_ENABLE_SHARED") else "libpython linked in"
    return f"{platform.python_implementation()} {platform.python_version()} ({sys.executable}, {shared})"


def best_of(repeat: int, run):
    """The fastest of ``repeat`` runs (the machine's noise only ever adds time) and a result."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - t0)
    return min(times), result


def _vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    """Made-up words of two to four syllables: no stop words, no real topic."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    out, seen = [], set()
    while len(out) < size:
        n = int(rng.integers(2, 5))
        word = "".join(syllables[k] for k in rng.integers(len(syllables), size=n))
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


def _people(rng: np.random.Generator, handles: list[str], accounts: int,
            orgs: list[int], brands: dict[int, str]) -> dict[str, Participant]:
    """Display names, bios and sites: organisations, their staff, and everyone else."""
    out = {}
    org_handles = [handles[o] for o in orgs]
    for a in range(accounts):
        h = handles[a]
        if a in brands:
            b = brands[a]
            out[f"bench:@{h}"] = Participant(
                f"bench:@{h}", h, f"{b} Inc", f"Official account of {b} Inc. We help data teams "
                "ship faster. Book a demo!", None, f"https://{b.lower()}.com", None, None, None)
            continue
        r = int(rng.integers(100))
        name = f"{GIVEN[a % len(GIVEN)]} {SURNAMES[(7 * a + a // len(GIVEN)) % len(SURNAMES)]}"
        org = org_handles[int(rng.integers(len(org_handles)))]
        role = ROLES[a % len(ROLES)]
        if r < 12:
            bio = f"{role} at @{org} | speaker | she/her"
        elif r < 18:
            bio = f"CMO at @{org}. Views my own."
        elif r < 22:
            bio = f"Founder of {brands[orgs[int(rng.integers(len(orgs)))]]} Labs. Dad, runner."
        elif r < 27:
            bio = f"ex-@{org}, now independent {role.lower()}."
        elif r < 60:
            bio = f"{role}. I write about data, teams and tools."
        else:
            bio = None
        url = f"https://{h}.dev" if r % 5 == 0 else None
        out[f"bench:@{h}"] = Participant(f"bench:@{h}", h, name if r < 85 else None, bio, None, url,
                                         None, None, None)
    return out


def synthetic_series(posts: int, seed: int) -> tuple[Corpus, list[tuple[datetime, datetime]]]:
    """A chat series of ``posts`` posts whose shape is fixed by ``seed``, and its sessions'
    [start, end) windows."""
    rng = np.random.default_rng(seed)
    accounts = max(100, posts * 3 // 100)
    lurkers = accounts // 20  # mentioned, never posting
    weight = 1 / (np.arange(accounts + lurkers) + 10.0) ** 1.1  # Zipf-like: heavy tail
    activity = weight[:accounts] / weight[:accounts].sum()
    fame = weight / weight.sum()
    # One account in 40 is an organisation, named like one; account 0, the busiest, hosts.
    orgs = list(range(7, accounts, 40))
    vocab = _vocabulary(rng, 60_000)
    brands = {o: vocab[-1 - k].capitalize() for k, o in enumerate(orgs)}
    handles = [f"{brands[i]}HQ" if i in brands else f"user{i}" for i in range(accounts + lurkers)]
    ids = [f"bench:@{handle}" for handle in handles]  # shared by each author's posts, as load_corpus does
    people = _people(rng, handles, accounts, orgs, brands)

    authors = rng.choice(accounts, size=posts, p=activity)
    kind = rng.choice(4, size=posts, p=[0.45, 0.12, 0.08, 0.35])
    back = rng.geometric(1 / 150, size=posts)  # a reply answers a recent post
    far = rng.geometric(1 / 3000, size=posts)  # a repost or quote passes on an older one
    n_mentions = rng.choice([1, 2, 3], size=posts, p=[0.1, 0.3, 0.6])
    mentioned = rng.choice(accounts + lurkers, size=int(n_mentions.sum()), p=fame)
    n_words = rng.integers(4, 13, size=posts)
    zipf = 1 / np.arange(1, len(vocab) + 1) ** 1.05
    words = rng.choice(len(vocab), size=int(n_words.sum()), p=zipf / zipf.sum())
    extra = rng.random(posts)  # what else a post does: link, hashtag, nomination, pitch
    links = rng.choice(3000, size=posts, p=(w := 1 / np.arange(1, 3001)) / w.sum())
    tags = rng.choice(300, size=posts, p=(w := 1 / np.arange(1, 301)) / w.sum())
    referenced_n = max(10, posts // 500)
    ref_authors = rng.choice(accounts, size=referenced_n, p=activity)

    first = datetime(2025, 1, 2, 17, 0, tzinfo=UTC)
    per = -(-posts // SESSIONS)
    step = timedelta(seconds=3600 / per)
    windows = [(first + timedelta(weeks=s), first + timedelta(weeks=s, hours=1))
               for s in range(-(-posts // per))]
    referenced = [
        ChatPost(f"bench:r{j}", "bench", ids[a], handles[a], first - timedelta(days=1),
                 "an older post", None, None, None, None, (), (), (), 0, 0, 0, 0, None, False)
        for j, a in enumerate(ref_authors.tolist())]
    out: list[ChatPost] = []
    cursor = wcursor = 0
    for i, (a, k, b, f, m, nw, x, link, tag) in enumerate(zip(
            authors.tolist(), kind.tolist(), back.tolist(), far.tolist(), n_mentions.tolist(),
            n_words.tolist(), extra.tolist(), links.tolist(), tags.tolist(), strict=True)):
        session, at = divmod(i, per)
        question = at * QUESTIONS // per + 1
        asks = at == 0 or (at - 1) * QUESTIONS // per + 1 != question
        if asks:
            a, k = 0, ORIGINAL  # the host asks the next question
        handle = handles[a]
        names = tuple(handles[y] for y in mentioned[cursor:cursor + m].tolist())
        cursor += m
        said = " ".join(vocab[w] for w in words[wcursor:wcursor + nw].tolist())
        wcursor += nw
        reply_to = quote = repost = reply_author = None
        urls: tuple[str, ...] = ()
        hashtags: tuple[str, ...] = ("bench",)
        if asks:
            names = ()
            text = (f"Q{question}: Who do you learn from? Tag the people you follow and learn from."
                    if question == NOMINATION_Q else f"Q{question}: what about {said}?")
        elif k == REPOST or k == QUOTE:
            target = out[i - f] if i - f >= 0 else referenced[(i + f) % referenced_n]
            if k == REPOST:
                repost, names = target.id, (target.handle,)
                text = f"RT @{target.handle}: {target.text[:40]}"
            else:
                quote, text = target.id, f"Worth a read @{' @'.join(names)}: {said}"
        elif k == REPLY and i > 0:
            target = out[max(0, i - b)]
            reply_to, reply_author = target.id, target.handle
            names = (target.handle, *names)
            text = f"@{' @'.join(names)} A{question}: agreed, {said}"
        elif question == NOMINATION_Q and x < 0.3:
            famous = people.get(f"bench:@{names[0]}")
            plain = f" and {famous.name}" if famous and famous.name and x < 0.1 else ""
            text = f"A{question}: I learn so much from @{' @'.join(names)}{plain}. {said}"
        elif x < 0.01:
            text = f"#FF @{' @'.join(names)} for {said}"
        elif x < 0.02:
            text = f"Shout-out to @{' and @'.join(names)} for {said}"
        elif x < 0.025:
            text = f"{said} h/t @{names[0]}"
        elif x < 0.03:
            famous = people.get(f"bench:@{names[-1]}")
            who = famous.name if famous and famous.name else "@" + names[-1]
            text = f"Learned so much from {who} this week: {said}"
        elif x < 0.06 and (a in brands or (people[f"bench:@{handle}"].url and a % 3 == 0)):
            site = people[f"bench:@{handle}"].url
            pitch = "Book a demo of our platform" if a in brands else "Check out my new course on"
            urls = (f"{site}/p/{i}",)
            text = f"{pitch} {said} {urls[0]}"
        else:
            text = f"A{question}: {said} for @{' @'.join(names)}"
        if x > 0.93:
            urls = (*urls, f"https://site{link}.org/read/{link}")
            text = f"{text} {urls[-1]}"
        if x > 0.85:
            hashtags = ("bench", f"topic{tag}")
            text = f"{text} #topic{tag}"
        when = windows[session][0] + step * at
        out.append(ChatPost(f"bench:{i}", "bench", ids[a], handle, when, f"{text} #bench",
                            reply_to, reply_author, quote, repost, names, hashtags, urls,
                            0, 0, 0, 0, None, True))
    return Corpus("#bench", out, {p.id: p for p in referenced}, people), windows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="PageRank runs to take the best of")
    parser.add_argument("--stages", action=argparse.BooleanOptionalAction, default=True,
                        help="also time rank_leaders' stages one by one")
    parser.add_argument("--profile", help="write a cProfile of the leaders step here")
    parser.add_argument("--pss-every", type=float, default=0.5, metavar="SECONDS",
                        help="sample the processes' PSS this often (0: not at all, for the time alone)")
    args = parser.parse_args(argv)
    # igraph's PageRank (PRPACK) runs OpenMP threads, networkx's one: compare one with one.
    # On a busy machine idle-spinning threads also make the figures jump. Read when igraph
    # loads, so set before the import; OMP_NUM_THREADS=2 python ... to see the threaded one.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import igraph

    from chatrecap.analysis.companies import affiliations, company_dependence, org_accounts
    from chatrecap.analysis.heretics import early_adopter_credit, early_adopters
    from chatrecap.analysis.kinds import account_kinds
    from chatrecap.analysis.leaders import rank_leaders, series_structure
    from chatrecap.analysis.network import build_graph, recognition, weighted_edges
    from chatrecap.analysis.promotion import self_promotion
    from chatrecap.analysis.sessions import Session

    speed_before = machine_speed()
    t0 = time.perf_counter()
    corpus, windows = synthetic_series(args.posts, args.seed)
    t_corpus, rss_corpus = time.perf_counter() - t0, peak_mb()
    sessions = [Session(f"bench-{k}", corpus.chat, start, end - timedelta(microseconds=1), 0, 0)
                for k, (start, end) in enumerate(windows)]

    rows: list[tuple[str, str]] = []
    times: dict[str, tuple[float, float]] = {}

    def timed(label: str, run):
        c0, t0 = cpu_s(), time.perf_counter()
        result = run()
        times[label] = (time.perf_counter() - t0, cpu_s() - c0)
        return result

    profiler = None
    if args.profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    with PssPeak(args.pss_every) as pss:
        structure, nominations = timed("structure + nominations, per session",
                                       lambda: series_structure(corpus, sessions))
        leaders = timed("rank_leaders", lambda: rank_leaders(corpus, structure, nominations))
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    rss_leaders, rss_workers = peak_mb(), workers_peak_mb()
    step = (times["structure + nominations, per session"][0] + times["rank_leaders"][0],
            times["structure + nominations, per session"][1] + times["rank_leaders"][1])

    graph = None
    if args.stages:  # with the corpus out of the garbage collector's way, as rank_leaders runs them
        import gc
        gc.freeze()
        graph = timed("  build_graph", lambda: build_graph(corpus, structure))
        ranked = timed("  recognition", lambda: recognition(graph))
        timed("  account_kinds", lambda: account_kinds(corpus))
        adoptions = timed("  early_adopters", lambda: early_adopters(corpus))
        timed("  early_adopter_credit", lambda: early_adopter_credit(adoptions))
        scores = {r.account_id: r.score for r in ranked}

        def companies():
            affs = affiliations(corpus)
            return company_dependence(affs, scores, org_accounts(corpus, affs))
        standings = timed("  companies", companies)
        promotion = timed("  self_promotion", lambda: self_promotion(corpus))
        gc.unfreeze()
    graph = graph or build_graph(corpus, structure)
    edges = sum(len(e) for e in graph.edges.values())

    # The same weighted graph, ranked by igraph's PageRank alone and by networkx's.
    import networkx as nx
    actors, targets, weights = weighted_edges(graph)
    g = igraph.Graph(n=len(graph.nodes), edges=zip(actors.tolist(), targets.tolist(), strict=True),
                     directed=True)
    w = weights.tolist()
    t_igraph, ig_scores = best_of(args.repeat, lambda: g.pagerank(weights=w, directed=True,
                                                                  damping=0.85))
    nxg = nx.DiGraph()
    nxg.add_nodes_from(range(len(graph.nodes)))
    nxg.add_weighted_edges_from(zip(actors.tolist(), targets.tolist(), w, strict=True))
    t_nx, nx_scores = best_of(args.repeat, lambda: nx.pagerank(nxg, alpha=0.85, weight="weight"))
    top_ig = [graph.nodes[i] for i in np.argsort(-np.asarray(ig_scores), kind="stable")[:20]]
    top_nx = [graph.nodes[i] for i, _ in sorted(nx_scores.items(), key=lambda kv: (-kv[1], kv[0]))[:20]]

    kinds = {}
    for leader in leaders:
        kinds[leader.kind] = kinds.get(leader.kind, 0) + 1
    rows += [
        ("posts, sessions", f"{len(corpus.posts):,}, {len(sessions)}"),
        ("interaction edges", f"{edges:,}  " + ", ".join(f"{k} {len(e):,}"
                                                        for k, e in graph.edges.items())),
        ("distinct actor->target pairs", f"{len(weights):,}"),
        ("nodes (accounts)", f"{len(graph.nodes):,}"),
        ("nominations (votes)", f"{len(nominations):,}"),
        ("leaders", f"{len(leaders):,}  " + ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items()))),
        ("with early-idea credit, self-promoting, companies",
         f"{sum(1 for x in leaders if x.early_adopter):,}, "
         f"{sum(1 for x in leaders if x.self_promotion):,}, "
         f"{sum(1 for x in leaders if x.company):,}"),
        ("synthetic corpus (not timed)", f"{t_corpus:.1f} s, peak RSS {rss_corpus:,.0f} MB"),
    ]
    rows += [(label, f"{wall:6.2f} s wall  {cpu:6.2f} s CPU") for label, (wall, cpu) in times.items()]
    rows += [
        ("leaders step (nominations + rank_leaders)",
         f"{step[0]:6.2f} s wall  {step[1]:6.2f} s CPU   target <= 60 s   "
         f"{'OK' if step[0] <= 60 else 'MISSED'}"),
        ("peak RSS after leaders step", f"{rss_leaders:,.0f} MB   target <= 2048 MB   "
                                        f"{'OK' if rss_leaders <= 2048 else 'MISSED'}"),
        ("  workers' peak RSS (shared pages counted)", f"{rss_workers:,.0f} MB"),
        ("  peak PSS, process and workers together",
         f"{pss.peak:,.0f} MB   target <= 2048 MB   {'OK' if pss.peak <= 2048 else 'MISSED'}"
         if args.pss_every > 0 else "not sampled (--pss-every 0)"),
        ("  CPU taken by the PSS sampler meanwhile", f"{pss.cpu:.1f} s, sampling every {args.pss_every} s"),
        ("igraph pagerank alone (best of n)", f"{t_igraph:.3f} s"),
        ("networkx pagerank (best of n)", f"{t_nx:.2f} s"),
        ("networkx / igraph pagerank", f"{t_nx / t_igraph:.1f}x   target >= 10x   "
                                       f"{'OK' if t_nx / t_igraph >= 10 else 'MISSED'}"),
        ("OpenMP threads for igraph", os.environ["OMP_NUM_THREADS"]),
        ("top-20 overlap igraph/networkx", f"{len(set(top_ig) & set(top_nx))}/20"),
        ("peak RSS at the end (with networkx)", f"{peak_mb():,.0f} MB"),
    ]
    speed_after = machine_speed()
    rows.append(("interpreter", interpreter()))
    rows.append(("machine: reference loop alone, two at once",
                 f"{speed_before[0]:.2f} s, {speed_before[1]:.2f} s before; {speed_after[0]:.2f} s, "
                 f"{speed_after[1]:.2f} s after"))
    if args.stages:
        del standings, promotion
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
