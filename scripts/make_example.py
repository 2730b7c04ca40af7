"""Write the example archive that ``chatrecap demo`` imports, and the truth about it.

The archive is an invented one-hour moderated tweet chat, #B2Bchat on "Thought Leadership in
B2B Marketing" (Thursday 2024-03-14, 18:00-19:00 UTC). The host @B2BchatHost, with co-host
@MiaMarketer and guest @DrLenaOkafor, welcomes everyone, asks four questions (Q1-Q4, about
every 13 minutes) and closes with thanks and next week's chat. About 40 invented people and
companies answer with A1-A4 labels in every style (``A1:``, ``a2.``, ``A3 -``, ``a4)``),
reply to the questions and to each other's answers, quote, retweet and like; some answers
come late, some greet, post logistics or go off-topic. @GregGrowthHacks only ever promotes
his own company. One early contrarian post in Q1 (original research is the only real thought
leadership) is echoed by several others later. One post is mojibake (UTF-8 read as cp1252).
Q4 asks "who are your marketing thought leaders?" and its answers name people, never
companies. A few posts come before the hour (the "starts in 1 hour" announcement) and on
other days, and three tweets are only referenced (quoted or replied to, without #B2Bchat).
Every person, company, handle, id and link is made up; the web links use the reserved
``.example`` domain.

The archive is written as twarc2 writes a recent-search harvest: one X API v2 response page
per line, newest tweets first, each page carrying the users and referenced tweets it needs in
``includes``. Tweet ids are snowflakes that encode their ``created_at``.

Beside it goes ``b2bchat-example.truth.json`` for the tests: the live hour, the hosts, each
question's prompt and answers (replies in an answer's thread belong to its question), the late
answers, the unattached posts, reposts, strays, the mojibake post with its repaired text, the
self-promoter, the contrarian post and its echoes, the Q4 nominations, and which accounts are
people and which organisations. Post ids there are ``twitter:<tweet id>``.

The content is fixed below; the few numbers not given (milliseconds, small like counts,
t.co codes, avatar paths) come from ``random.Random(7)``, so the output is identical on
every run. Regenerate with::

    .venv/bin/python scripts/make_example.py
"""

from __future__ import annotations

import json
import random
import re
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "chatrecap" / "examples"
OUT = EXAMPLES / "b2bchat-example.jsonl"
TRUTH = EXAMPLES / "b2bchat-example.truth.json"

TWITTER_EPOCH_MS = 1288834974657
CHAT_TAG = "#B2Bchat"
CHAT_DAY = "2024-03-14"
LIVE_HOUR = ("18:00:00", "19:00:00")  # on CHAT_DAY, start inclusive, end exclusive
PAGE_SIZE = 100
RETRIEVED = ["2024-03-18T09:12:31+00:00", "2024-03-18T09:12:33+00:00", "2024-03-18T09:12:35+00:00",
             "2024-03-18T09:12:37+00:00"]
TWARC_VERSION = "2.14.0"
SEARCH_URL = (
    "https://api.twitter.com/2/tweets/search/recent?expansions=author_id%2Cin_reply_to_user_id"
    "%2Creferenced_tweets.id%2Creferenced_tweets.id.author_id%2Centities.mentions.username"
    "%2Cattachments.poll_ids%2Cattachments.media_keys%2Cgeo.place_id%2Cedit_history_tweet_ids"
    "&tweet.fields=attachments%2Cauthor_id%2Ccontext_annotations%2Cconversation_id%2Ccreated_at"
    "%2Cedit_controls%2Cedit_history_tweet_ids%2Centities%2Cgeo%2Cid%2Cin_reply_to_user_id%2Clang"
    "%2Cpublic_metrics%2Ctext%2Cpossibly_sensitive%2Creferenced_tweets%2Creply_settings%2Cwithheld"
    "&user.fields=created_at%2Cdescription%2Centities%2Cid%2Clocation%2Cname%2Cpinned_tweet_id"
    "%2Cprofile_image_url%2Cprotected%2Cpublic_metrics%2Curl%2Cusername%2Cverified%2Cwithheld"
    "&media.fields=alt_text%2Cduration_ms%2Cheight%2Cmedia_key%2Cpreview_image_url%2Ctype%2Curl"
    "%2Cwidth%2Cpublic_metrics&poll.fields=duration_minutes%2Cend_datetime%2Cid%2Coptions"
    "%2Cvoting_status&place.fields=contained_within%2Ccountry%2Ccountry_code%2Cfull_name%2Cgeo"
    "%2Cid%2Cname%2Cplace_type&query=%23B2Bchat&max_results=100"
)

# --- accounts ---------------------------------------------------------------------------
# handle, user id, name, bio, followers, following, tweets, listed, verified, joined,
# location, website (or "")

USERS: list[tuple[str, str, str, str, int, int, int, int, bool, str, str, str]] = [
    # hosts and guest
    ("B2BchatHost", "2847561093", "B2B Chat",
     "The weekly #B2Bchat for B2B marketers. Thursdays 2pm ET / 18:00 UTC. Run by the team at "
     "@NorthbeamMedia. Transcripts at the link 👇",
     12480, 1893, 23911, 402, False, "2014-09-26T15:02:11.000Z", "Everywhere", "b2bchat.example"),
    ("MiaMarketer", "381920457", "Mia Lindqvist",
     "Co-host of #B2Bchat. Demand gen lead at @NorthbeamMedia. Runner, reader, recovering agency "
     "person. She/her.",
     8734, 1422, 31207, 266, False, "2011-09-28T08:41:53.000Z", "Stockholm, Sweden", ""),
    ("DrLenaOkafor", "1092837465019281408", "Dr. Lena Okafor",
     "I study how B2B buyers decide whom to trust. Author of 'Earned Attention' (2023). Speaker, "
     "researcher, recovering agency strategist. Views mine.",
     48215, 912, 9876, 1204, True, "2019-02-05T17:20:44.000Z", "Lagos · London", "lenaokafor.example"),
    # companies
    ("AcmeAnalytics", "907312845561352192", "Acme Analytics",
     "We help B2B teams turn data into pipeline. Attribution, dashboards and answers. Book a demo 👇",
     15302, 611, 4420, 188, True, "2017-09-11T19:03:27.000Z", "Boston, MA",
     "acmeanalytics.example"),
    ("ContentForgeHQ", "1187456023980261376", "ContentForge",
     "The content operations platform for B2B marketing teams. Plan, create, measure. #ContentOps",
     9871, 1204, 6733, 151, False, "2019-10-24T13:12:09.000Z", "Chicago, IL", "contentforge.example"),
    ("PipelinePro", "1256690712333029376", "PipelinePro",
     "Official account of PipelinePro, revenue intelligence for B2B teams. Support: "
     "@PipelineProHelp",
     27554, 318, 3105, 244, True, "2020-05-02T20:41:55.000Z", "Austin, TX", "pipelinepro.example"),
    ("RevenueRoomPod", "1321047789564256257", "The Revenue Room Podcast",
     "A weekly podcast on B2B marketing and sales. New episodes every Tuesday 🎙️ Hosted by @SamOduya.",
     4380, 702, 2894, 77, False, "2020-10-27T10:55:01.000Z", "", "revenueroom.example"),
    # the one who keeps pitching
    ("GregGrowthHacks", "1402857719464005634", "Greg Pollard 🚀",
     "Founder @ScaleStackIO | 10x your B2B pipeline in 30 days | 300+ clients | FREE webinar 👇",
     3214, 4977, 15530, 19, False, "2021-06-10T05:33:40.000Z", "Miami, FL", "scalestack.example/webinar"),
    # people
    ("PriyaNairB2B", "2205118842", "Priya Nair",
     "VP Marketing at Acme Analytics. Opinions my own. Mum of two, amateur potter.",
     6120, 988, 11240, 143, False, "2013-11-29T21:10:37.000Z", "Boston, MA", ""),
    ("ZoeContent", "1033580229478125568", "Zoë Hartmann",
     "Content strategist. Coffee. Cats. ☕🐈 Writing about B2B storytelling.",
     3410, 1122, 18452, 61, False, "2018-08-26T11:47:19.000Z", "Berlin", "zoehartmann.example"),
    ("JoseMRamirez", "456098321", "José Ramírez",
     "Head of Brand @PipelinePro. Ex-journalist. Barcelona ↔ Austin.",
     5092, 1540, 20114, 98, False, "2012-01-20T16:28:02.000Z", "Austin, TX", ""),
    ("TomBrandt", "1161943271009845248", "Tom Brandt",
     "Founder @GrowthLoopHQ. B2B SaaS growth, bootstrapped. Dad jokes on weekends.",
     2218, 845, 6012, 35, False, "2019-08-15T09:00:48.000Z", "Bristol, UK", ""),
    ("AishaKContent", "1274391108256702464", "Aisha Khan",
     "Freelance B2B writer for cybersecurity & fintech brands. She/her.",
     1870, 934, 7741, 42, False, "2020-06-20T18:22:31.000Z", "London", "aishakhan.example"),
    ("DanielleWrites", "771053962", "Danielle Price",
     "Content marketing manager. Turning subject-matter experts into storytellers. #B2Bchat regular",
     2456, 2011, 25890, 57, False, "2012-08-21T14:15:26.000Z", "Leeds, UK", ""),
    ("MarcusLeeMktg", "3190427718", "Marcus Lee",
     "Demand gen @ a fintech. Data nerd. Lifting heavy things.",
     1633, 702, 5420, 22, False, "2015-05-09T23:51:04.000Z", "New York, NY", ""),
    ("SofiaBrandOps", "1503318862249476097", "Sofía Castellanos",
     "Brand strategist | Speaker | I help founders find their point of view.",
     7704, 1311, 4109, 118, False, "2022-03-14T12:30:16.000Z", "Madrid", "sofiacastellanos.example"),
    ("KenjiSocial", "2730551904", "Kenji Watanabe",
     "Social media lead, enterprise software. Tokyo → Toronto.",
     2981, 1507, 14206, 48, False, "2014-08-14T02:17:50.000Z", "Toronto, ON", ""),
    ("RachelOnB2B", "18340957", "Rachel Goldberg",
     "CMO at @ContentForgeHQ. Board advisor. Thinking out loud about B2B brand.",
     21870, 1780, 40211, 655, True, "2008-12-23T17:44:12.000Z", "Chicago, IL", ""),
    ("OliverABM", "1120468290233913345", "Oliver Grant",
     "ABM practitioner. Account-based everything. Manchester.",
     1407, 690, 3378, 29, False, "2019-04-22T20:19:39.000Z", "Manchester, UK", ""),
    ("NiamhPR", "864209117630681088", "Niamh O'Sullivan",
     "PR and comms for B2B tech. Dublin. Reformed journalist.",
     3893, 2204, 16674, 90, False, "2017-05-15T20:02:57.000Z", "Dublin, Ireland", ""),
    ("BenCarterSEO", "1351877902261501953", "Ben Carter",
     "SEO and content @ a martech startup. I read Search Console for fun.",
     1109, 508, 2950, 17, False, "2021-01-20T13:41:22.000Z", "Cardiff", ""),
    ("FatimaInsights", "1069027413862400001", "Fatima Al-Sayed",
     "Market research and customer insights. Buyers > personas.",
     2760, 640, 4388, 73, False, "2018-12-02T00:30:05.000Z", "Dubai", ""),
    ("LucasDemandGen", "1441763502915977220", "Lucas Moreau",
     "Marketing ops. Making HubSpot do things it was never designed for.",
     842, 911, 2208, 9, False, "2021-09-25T15:06:44.000Z", "Lyon, France", ""),
    ("HannahLinkedIn", "1216690340585263104", "Hannah Becker",
     "LinkedIn ghostwriter for B2B founders. Your voice, just louder.",
     4120, 1833, 9047, 66, False, "2020-01-13T10:48:31.000Z", "Munich", "hannahbecker.example"),
    ("ChrisAdeyemi", "2401789563", "Chris Adeyemi",
     "Product marketing @ a devtools company. Positioning nerd.",
     1955, 1010, 8310, 38, False, "2014-03-21T19:12:58.000Z", "Toronto, ON", ""),
    ("EmilyNovak", "1582044410037514240", "Emily Novak",
     "Agency strategist, B2B brand and content. Ask me about my dogs.",
     689, 702, 1906, 6, False, "2022-10-17T16:09:13.000Z", "Prague", ""),
    ("RaviKMarketing", "1698120977213562880", "Ravi Kapoor",
     "Marketing student @ Uni of Leeds. Learning in public 📚",
     212, 488, 301, 0, False, "2023-09-03T08:21:40.000Z", "Leeds, UK", ""),
    ("KarenB2BSales", "2981044172", "Karen Whitfield",
     "Sales enablement leader. Marketing and sales, finally friends.",
     3322, 1276, 7654, 81, False, "2015-01-16T22:37:19.000Z", "Denver, CO", ""),
    ("SamHollisLeeds", "1130586470925615104", "Sam Hollis",
     "Content marketer at a Leeds SaaS scale-up. Tea, rugby league, long-form.",
     731, 866, 3105, 8, False, "2019-05-20T18:04:37.000Z", "Leeds, UK", ""),
    ("CallumReidB2B", "3349021876", "Callum Reid",
     "Independent B2B strategist. Allergic to buzzwords. I run surveys so you can stop guessing.",
     5240, 611, 8871, 104, False, "2015-07-01T11:26:45.000Z", "Glasgow", "callumreid.example"),
    ("NoraQuinnMktg", "1294409856314175489", "Nora Quinn",
     "Field & event marketing, B2B healthtech. Always on a train.",
     964, 1021, 2740, 11, False, "2020-08-14T23:05:10.000Z", "Boston, MA", ""),
    ("DiegoFerrazPMM", "1457730961245814786", "Diego Ferraz",
     "Product marketing for B2B payments. Category design enthusiast. São Paulo.",
     1388, 743, 2215, 19, False, "2021-11-08T16:47:52.000Z", "São Paulo", ""),
    ("ElenaVossCMO", "2916630482", "Elena Voss",
     "CMO at a logistics SaaS. Building a team of experts the market listens to.",
     4477, 930, 6120, 97, False, "2014-12-30T08:13:29.000Z", "Hamburg", ""),
    ("OwenGallagherCX", "1179908842617008128", "Owen Gallagher",
     "Customer marketing. Case studies, advocacy, and letting customers do the talking.",
     1205, 1099, 3930, 21, False, "2019-10-04T00:29:03.000Z", "Cork, Ireland", ""),
    ("GraceAdebayoB2B", "1539071126904578049", "Grace Adebayo",
     "Content lead, B2B fintech. Writing about writing. Lagos ↔ London.",
     2089, 1410, 4876, 30, False, "2022-06-21T10:40:18.000Z", "London", ""),
    ("LiamOrtegaOps", "1067554290120785920", "Liam Ortega",
     "RevOps lead. I make the funnel add up. Denver.",
     877, 640, 1765, 10, False, "2018-11-27T21:55:48.000Z", "Denver, CO", ""),
    ("MeganStroudPR", "3019452218", "Megan Stroud",
     "B2B PR and analyst relations. Coffee-powered.",
     1530, 1320, 9024, 36, False, "2015-02-13T15:08:02.000Z", "Toronto, ON", ""),
    ("AnanyaIyerData", "1624577713029234688", "Ananya Iyer",
     "Marketing analyst. Surveys, stats and sample sizes. Bengaluru.",
     1146, 505, 1982, 14, False, "2023-02-12T05:51:33.000Z", "Bengaluru", ""),
    ("BramKooistra", "1240032519683284993", "Bram Kooistra",
     "Brand & research at a B2B software company. Utrecht. Cyclist, obviously.",
     693, 580, 1540, 7, False, "2020-03-17T20:02:14.000Z", "Utrecht", ""),
    ("IsaMarchandB2B", "1370815027738632195", "Isabelle Marchand",
     "Copywriter for B2B brands that would rather teach than sell. Montréal.",
     1822, 1133, 5298, 25, False, "2021-03-13T19:36:51.000Z", "Montréal, QC", "isamarchand.example"),
    # mentioned, never posting in the chat
    ("JaneRivers", "95341207", "Jane Rivers",
     "Writer. Author of three books on writing for business. Newsletter every Sunday.",
     118430, 402, 28855, 2690, True, "2009-12-08T03:14:22.000Z", "Vermont", "janerivers.example"),
    ("MarkoVeldt", "296614058", "Marko Veldt",
     "B2B buyer research. I interview buyers so you don't have to guess. Rotterdam.",
     36702, 533, 12040, 871, False, "2011-05-11T07:58:36.000Z", "Rotterdam", ""),
    ("SamOduya", "1012345678901235712", "Sam Oduya",
     "Host of @RevenueRoomPod. Former SDR, forever curious.",
     6120, 1404, 7703, 102, False, "2018-06-28T12:00:03.000Z", "Atlanta, GA", ""),
    ("TheaMorrow", "1105562794418753536", "Thea Morrow",
     "I write The Margin, a weekly newsletter on B2B marketing that respects your time.",
     27304, 388, 6671, 540, False, "2019-03-12T18:31:07.000Z", "Portland, OR", "themargin.example"),
    ("CasparLundB2B", "1189260035711639552", "Caspar Lund",
     "LinkedIn craft for B2B people. Hooks, stories, no bro-etry.",
     15870, 720, 5503, 212, False, "2019-10-29T19:42:26.000Z", "Copenhagen", ""),
    ("ScaleStackIO", "1420095531207016450", "ScaleStack",
     "Done-for-you B2B growth systems. Founded by @GregGrowthHacks.",
     402, 1209, 1388, 2, False, "2021-07-27T18:44:10.000Z", "", "scalestack.example"),
    ("GrowthLoopHQ", "1305512889930866689", "GrowthLoop",
     "Referral programmes for B2B SaaS. Bootstrapped in Bristol.",
     1530, 244, 980, 12, False, "2020-09-14T14:20:51.000Z", "Bristol, UK", "growthloop.example"),
]

# Company (and chat brand) accounts; every other account is a person.
ORGANIZATIONS = {"B2BchatHost", "AcmeAnalytics", "ContentForgeHQ", "PipelinePro", "RevenueRoomPod",
                 "ScaleStackIO", "GrowthLoopHQ"}
HOSTS = ["B2BchatHost", "MiaMarketer"]  # the host asks; the co-host welcomes and keeps order
SELF_PROMOTER = "GregGrowthHacks"

# --- the chat -------------------------------------------------------------------------


@dataclass
class Entry:
    key: str | None
    when: str  # "HH:MM:SS" on the chat day, or "MM-DD HH:MM:SS"
    handle: str
    text: str | None = None
    likes: int | None = None
    rts: int | None = None
    reply: str | None = None  # key of the tweet replied to
    quote: str | None = None  # key of the tweet quoted
    retweet: str | None = None  # key of the tweet retweeted
    lang: str = "en"
    extra: dict[str, Any] = field(default_factory=dict)
    # the truth about the entry
    prompt: str | None = None  # "Q1".."Q4" for the host's questions
    answers: str | None = None  # the question answered; "" = the question of the replied-to answer
    echo: bool = False  # agrees with the early contrarian post
    contrarian: bool = False
    nominees: list[str] = field(default_factory=list)  # handles or plain full names (Q4)
    mojibake: bool = False  # written UTF-8, archived as if read as cp1252
    referenced_only: bool = False  # no #B2Bchat: only in includes, as quoted / replied-to tweet


def T(key: str | None, when: str, handle: str, text: str, **kw: Any) -> Entry:
    """A post that answers no question (or one outside the live hour)."""
    return Entry(key, when, handle, text, **kw)


def A(q: str, key: str | None, when: str, handle: str, text: str, **kw: Any) -> Entry:
    """An answer to question q; q="" takes the question of the answer it replies to."""
    return Entry(key, when, handle, text, answers=q, **kw)


def Q(label: str, when: str, text: str, **kw: Any) -> Entry:
    """A question asked by the host."""
    return Entry(label.lower(), when, "B2BchatHost", text, prompt=label, **kw)


def REF(key: str, when: str, handle: str, text: str, **kw: Any) -> Entry:
    """A tweet without the hashtag, in the archive only because a chat post references it."""
    return Entry(key, when, handle, text, referenced_only=True, **kw)


def RT(when: str, handle: str, key: str) -> Entry:
    return Entry(None, when, handle, retweet=key)


CHAT: list[Entry] = [
    # --- days before -------------------------------------------------------------------
    REF("jane_clear", "03-10 13:20:41", "JaneRivers",
        "Clear writing is clear thinking made visible. If you can't explain it simply, you haven't "
        "finished thinking about it.", likes=2140, rts=388),
    T("teaser", "03-12 10:15:11", "B2BchatHost",
      "📣 This Thursday on #B2Bchat: Thought leadership in B2B marketing, with guest @DrLenaOkafor. "
      "2pm ET / 18:00 UTC. Bring your hot takes 🔥", likes=31, rts=12),
    T(None, "03-12 16:40:27", "DanielleWrites",
      "Already blocked my calendar for Thursday's #B2Bchat 🙌 Thought leadership is my favourite "
      "thing to argue about", likes=6),
    REF("lena_report", "03-13 14:02:09", "DrLenaOkafor",
        "New research: we interviewed 212 B2B buyers about whom they trust, and why. Short version: "
        "people, not logos. Full report 👇 https://lenaokafor.example/trust-report",
        likes=612, rts=140),
    # --- before the hour ---------------------------------------------------------------
    T("announce", "17:00:05", "B2BchatHost",
      "⏰ #B2Bchat starts in 1 hour! Today's topic: Thought Leadership in B2B Marketing, with guest "
      "@DrLenaOkafor. Four questions, one hour. Who's joining? 👋", likes=24, rts=9),
    T(None, "17:05:40", "B2BchatHost",
      "Homework before today's #B2Bchat: our guest's new research on whom B2B buyers trust 👇",
      quote="lena_report", likes=18, rts=6),
    T(None, "17:20:13", "GregGrowthHacks",
      "Ready for #B2Bchat 🚀 This topic is literally what I teach in my FREE Authority Engine "
      "webinar → https://scalestack.example/webinar", likes=1),
    T("ravi_first", "17:40:30", "RaviKMarketing", "About to join my first ever #B2Bchat 😬 any tips?",
      likes=9),
    T(None, "17:42:47", "MiaMarketer",
      "Welcome Ravi! Label answers A1, A2…, always add #B2Bchat, and jump into the replies. "
      "Everyone's friendly 💬", reply="ravi_first", likes=7),
    T(None, "17:50:05", "DrLenaOkafor",
      "Excited to be the guest on #B2Bchat today! Thank you @B2BchatHost and @MiaMarketer for "
      "having me. See you in 10 👋", likes=37),
    T(None, "17:55:02", "ZoeContent", "Coffee ☕ Cat on keyboard 🐈 Ready for #B2Bchat", likes=11),
    # --- welcome and introductions -----------------------------------------------------
    T("welcome", "18:00:04", "B2BchatHost",
      "Welcome to #B2Bchat! 🎉 Today's topic: Thought Leadership in B2B Marketing, with our guest "
      "@DrLenaOkafor. Introduce yourself and tell us where you're tuning in from!",
      likes=38, rts=7),
    T(None, "18:00:20", "B2BchatHost",
      "Quick housekeeping: four questions today, roughly every 13 minutes. Answer Q1 with A1, Q2 "
      "with A2 and so on, and include #B2Bchat so everyone can follow along 🙏", likes=12, rts=3),
    T(None, "18:00:35", "MiaMarketer",
      "Hi all! Mia here, co-hosting today from Stockholm 🇸🇪 So happy to see so many familiar "
      "faces #B2Bchat", likes=15),
    RT("18:00:41", "MiaMarketer", "welcome"),
    T(None, "18:00:48", "DrLenaOkafor",
      "Hi everyone! Lena here: researcher, author of Earned Attention, recovering agency "
      "strategist. Tuning in from Lagos 🌍 #B2Bchat", reply="welcome", likes=29),
    T(None, "18:00:58", "PriyaNairB2B",
      "Hi #B2Bchat! Priya, VP Marketing at Acme Analytics, joining from Boston 👋", likes=6),
    T(None, "18:01:08", "SamHollisLeeds",
      "Hi all, Sam from Leeds joining #B2Bchat 👋 Content marketer, first time actually answering!",
      likes=5),
    T(None, "18:01:18", "JoseMRamirez",
      "¡Hola! José, Head of Brand at @PipelinePro, joining from Austin today 🤠 #B2Bchat", likes=5),
    T(None, "18:01:28", "TomBrandt",
      "Tom from @GrowthLoopHQ here, Bristol UK. Long-time lurker, first-time answerer #B2Bchat",
      likes=4),
    T(None, "18:01:38", "AishaKContent",
      "Aisha, freelance B2B writer, London 🇬🇧 Here for the hot takes #B2Bchat", likes=5),
    T(None, "18:01:48", "ContentForgeHQ",
      "Hi #B2Bchat! The ContentForge team is here and taking notes 📝", likes=3),
    T(None, "18:01:58", "ZoeContent",
      "Zoë here 👋 content strategist in Berlin. Cat is asleep, so I'm all yours #B2Bchat", likes=7),
    T(None, "18:02:08", "MarcusLeeMktg", "Marcus, demand gen in fintech, NYC. Let's go! #B2Bchat",
      reply="welcome", likes=3),
    T(None, "18:02:13", "MeganStroudPR", "Megan, B2B PR in Toronto. Hi all! #B2Bchat", likes=2),
    T(None, "18:02:18", "GregGrowthHacks",
      "Hey #B2Bchat 👋 Greg, founder of @ScaleStackIO. We turn B2B founders into thought leaders in "
      "90 days 🚀 https://scalestack.example", likes=0),
    T(None, "18:02:28", "NiamhPR", "Niamh from Dublin ☘️ B2B PR person. Hello all! #B2Bchat",
      likes=4),
    T(None, "18:02:38", "RachelOnB2B",
      "Rachel, CMO @ContentForgeHQ, Chicago. Always my favourite hour of the week #B2Bchat",
      likes=12),
    T(None, "18:02:43", "ChrisAdeyemi", "Chris, product marketing, Toronto 👋 #B2Bchat", likes=3),
    T(None, "18:02:48", "HannahLinkedIn", "Hannah, LinkedIn ghostwriter, Munich. Hi friends! #B2Bchat",
      likes=3),
    T(None, "18:02:58", "OliverABM", "Oliver, ABM in Manchester. Evening all 🌙 #B2Bchat", likes=2),
    T(None, "18:03:05", "RevenueRoomPod",
      "The Revenue Room Podcast team tuning in 🎙️ Hi #B2Bchat!", likes=2),
    T(None, "18:03:12", "CallumReidB2B",
      "Callum, independent B2B strategist, Glasgow. Here to be contrary 😇 #B2Bchat", likes=6),
    T(None, "18:03:19", "NoraQuinnMktg", "Nora, field marketing in healthtech, on a train as always 🚆 "
      "#B2Bchat", likes=2),
    T(None, "18:03:26", "DiegoFerrazPMM", "Olá #B2Bchat! Diego, product marketing, São Paulo 🇧🇷",
      likes=3),
    T(None, "18:03:33", "ElenaVossCMO", "Elena, CMO in logistics tech, Hamburg. Hello! #B2Bchat",
      likes=4),
    T(None, "18:03:36", "BramKooistra", "Goedenavond from Utrecht 🚲 Bram, brand & research. #B2Bchat",
      likes=2),
    T(None, "18:03:40", "OwenGallagherCX",
      "Owen from Cork, customer marketing. Delighted to be here #B2Bchat", likes=2),
    T(None, "18:03:45", "GraceAdebayoB2B",
      "Grace, content lead in fintech, London. Hi everyone! #B2Bchat #ContentMarketing", likes=3),
    T(None, "18:03:50", "AnanyaIyerData", "Ananya, marketing analyst in Bengaluru. Late-night "
      "#B2Bchat for me 🌙", reply="welcome", likes=4),
    T(None, "18:03:55", "IsaMarchandB2B", "Bonjour! Isabelle, copywriter in Montréal ✍️ #B2Bchat",
      likes=2),
    T(None, "18:03:58", "KenjiSocial", "Kenji, social lead in Toronto, coffee in hand ☕ #B2Bchat",
      likes=3),
    # --- Q1 ----------------------------------------------------------------------------
    Q("Q1", "18:04:00",
      "Q1: What makes someone a genuine thought leader in B2B marketing? 🤔 #B2Bchat "
      "#ThoughtLeadership", likes=41, rts=14),
    RT("18:04:12", "MiaMarketer", "q1"),
    RT("18:04:25", "PriyaNairB2B", "q1"),
    T(None, "18:04:40", "MiaMarketer",
      "Remember to use A1 when you answer Q1, and keep #B2Bchat in every tweet so we can all find "
      "you 🙏", likes=8),
    A("Q1", "lena_a1", "18:05:02", "DrLenaOkafor",
      "A1: Thought leadership is earned, not claimed. You don't get to call yourself one; your "
      "audience decides, based on whether you changed how they think. #B2Bchat", likes=96, rts=27),
    A("Q1", "priya_a1", "18:05:20", "PriyaNairB2B",
      "A1: An original point of view. If you're repackaging what everyone else already says, "
      "that's content, not leadership. #B2Bchat #ThoughtLeadership", likes=34, rts=6),
    A("Q1", "callum_contra", "18:05:41", "CallumReidB2B",
      "Unpopular opinion: most 'thought leadership' is just content marketing with a tie on. The "
      "real thing is original research nobody else has. Everything else is opinion. #B2Bchat",
      contrarian=True, likes=73, rts=15),
    A("Q1", "zoe_a1", "18:05:58", "ZoeContent",
      "A1 - Consistency! Showing up week after week with ideas, not only when there's a launch to "
      "promote ☕ #B2Bchat", likes=21, rts=3),
    T(None, "18:06:03", "EmilyNovak", "Joining a bit late from Prague 👋 What did I miss? #B2Bchat",
      likes=2),
    A("Q1", None, "18:06:10", "TomBrandt",
      "a1. Helping, not selling. The real ones give their best thinking away for free and never "
      "push the demo. #B2Bchat", likes=18),
    RT("18:06:22", "MarcusLeeMktg", "lena_a1"),
    A("Q1", "marcus_a1", "18:06:35", "MarcusLeeMktg",
      "A1: Earned, not claimed 💯 Anyone with 'thought leader' in their bio probably isn't one. "
      "#B2Bchat", likes=52, rts=8),
    A("Q1", "emily_r_callum", "18:06:50", "EmilyNovak",
      "Hard disagree! Research is one route, but a sharp point of view counts too. Not everyone "
      "has a research budget. #B2Bchat", reply="callum_contra", likes=12),
    T(None, "18:06:58", "LiamOrtegaOps", "Sorry I'm late! Liam, RevOps in Denver 👋 #B2Bchat",
      likes=2),
    A("Q1", None, "18:07:02", "SofiaBrandOps",
      "A clear point of view, plus the courage to defend it when it's unpopular. #B2Bchat",
      reply="q1", likes=26, rts=4),
    RT("18:07:05", "SamHollisLeeds", "q1"),
    A("Q1", "greg_a1", "18:07:15", "GregGrowthHacks",
      "A1: Results. I've helped 300+ B2B companies 10x their pipeline. Thought leadership = proof. "
      "Free webinar on exactly this 👉 https://scalestack.example/webinar #B2Bchat", likes=2),
    A("Q1", None, "18:07:28", "AishaKContent",
      "A1: Someone whose ideas you'd recognise without seeing their name. That's what an original "
      "point of view looks like. #B2Bchat", likes=19),
    A("Q1", None, "18:07:34", "HannahLinkedIn",
      "Consistency is so underrated. Nobody wants to hear it because it sounds boring 😅 #B2Bchat",
      reply="zoe_a1", likes=8),
    A("Q1", None, "18:07:40", "DanielleWrites",
      "Generosity with what they know. The best ones help people for free and even answer DMs "
      "from nobodies like me 😅 #B2Bchat", likes=14),
    A("Q1", "kenji_r_lena", "18:07:52", "KenjiSocial",
      "So true. The title is earned from the audience, never self-awarded. #B2Bchat",
      reply="lena_a1", likes=9),
    A("Q1", None, "18:08:05", "DrLenaOkafor", "Exactly, and it can be taken away just as fast 😬 "
      "#B2Bchat", reply="kenji_r_lena", likes=17),
    A("Q1", None, "18:08:18", "NiamhPR",
      "A1: Consistency. Same values, same themes, showing up for years. People trust what shows "
      "up reliably. #B2Bchat", likes=13),
    RT("18:08:30", "AcmeAnalytics", "priya_a1"),
    A("Q1", "rachel_a1", "18:08:42", "RachelOnB2B",
      "A1: Original, consistent, generous. Pick any two and you're a good marketer. All three and "
      "people will start calling you a thought leader. #B2Bchat", likes=47, rts=9),
    A("Q1", "ben_a1", "18:08:55", "BenCarterSEO",
      "A1) Original research. Data nobody else has is the fastest route to an original point of "
      "view. #B2Bchat #ContentMarketing", likes=15),
    A("Q1", None, "18:09:08", "FatimaInsights",
      "Yes! Original research is so underrated. Even a 50-person survey beats another listicle. "
      "#B2Bchat", reply="ben_a1", likes=11),
    A("Q1", None, "18:09:20", "MiaMarketer",
      "A1: Earned trust + a point of view that's actually theirs. Everything else is noise. "
      "#B2Bchat", likes=22),
    A("Q1", "ravi_a1", "18:09:33", "RaviKMarketing",
      "@B2BchatHost I'm new to this, but I think it's someone who teaches instead of sells? "
      "#B2Bchat", likes=16),
    A("Q1", None, "18:09:45", "MiaMarketer", "Great way to put it! Teach, don't sell 👏 #B2Bchat",
      reply="ravi_a1", likes=10),
    A("Q1", None, "18:09:58", "SamHollisLeeds",
      "A1: Helping people do their jobs better, with no pitch attached. That's it. #B2Bchat",
      likes=7),
    RT("18:10:10", "ZoeContent", "rachel_a1"),
    A("Q1", None, "18:10:22", "ChrisAdeyemi",
      "A1: Someone who makes you see a problem differently. If I think the same after reading, it "
      "wasn't leadership. #B2Bchat", likes=12),
    A("Q1", None, "18:10:35", "NoraQuinnMktg",
      "Consistency over virality, every time. One good idea repeated for years beats one viral "
      "post. #B2Bchat", quote="q1", likes=9),
    A("Q1", None, "18:10:48", "ElenaVossCMO",
      "A1: Being useful before being known. Help first, sell never (well, later) 😄 #B2Bchat",
      likes=10),
    A("Q1", None, "18:11:00", "DiegoFerrazPMM",
      "A1: the earned part. You can't buy the title, only the audience's trust, one useful idea at "
      "a time. #B2Bchat", likes=6),
    A("Q1", None, "18:11:12", "JoseMRamirez",
      "A1: Original thinking + the receipts. Opinions are cheap; a point of view backed by your own "
      "data is not. #B2Bchat", likes=11),
    A("Q1", None, "18:11:25", "AnanyaIyerData",
      "Agree with this. If your 'insight' could be written by anyone, it isn't one. Original "
      "research or it didn't happen 📊 #B2Bchat", reply="callum_contra", echo=True, likes=14),
    A("Q1", None, "18:11:38", "CallumReidB2B",
      "A sharp POV is great, but without research nobody else has, it's just content marketing "
      "with a tie on 👔 #B2Bchat", reply="emily_r_callum", likes=19),
    RT("18:11:50", "FatimaInsights", "callum_contra"),
    A("Q1", None, "18:12:02", "OwenGallagherCX",
      "A1: They share what didn't work too. Honest teaching beats polished selling. #B2Bchat",
      likes=8),
    A("Q1", None, "18:12:15", "GraceAdebayoB2B",
      "a1: consistency + generosity. Show up every week and give the good stuff away. #B2Bchat",
      likes=9),
    A("Q1", None, "18:12:20", "DrLenaOkafor",
      "Research is a strong signal, but so is a point of view people can argue with. Both, "
      "ideally 🙂 #B2Bchat", reply="emily_r_callum", likes=21),
    T(None, "18:12:28", "KenjiSocial",
      "Off-topic, but is anyone else's Wi-Fi melting today? Tweets are arriving in batches 🐢 "
      "#B2Bchat", likes=3),
    A("Q1", None, "18:12:40", "LiamOrtegaOps",
      "A1: Earned authority. Your peers cite you without being asked. #B2Bchat", likes=5),
    A("Q1", None, "18:12:52", "MeganStroudPR",
      "A1 - A point of view you'll still defend in five years. Consistency of ideas, not just of "
      "posting schedule. #B2Bchat", likes=10),
    A("Q1", None, "18:13:05", "LucasDemandGen",
      "A1: They help you do the job, not buy the product. #B2Bchat", likes=4),
    RT("18:13:18", "HannahLinkedIn", "lena_a1"),
    A("Q1", None, "18:13:30", "HannahLinkedIn",
      "A1: Consistency. My founders who post every week for a year get called thought leaders. "
      "The ones who post once a quarter don't. #B2Bchat", likes=13),
    A("Q1", None, "18:13:43", "KarenB2BSales",
      "A1: When sales reps forward your content to prospects without being asked, you've earned "
      "it. #B2Bchat", likes=17),
    A("Q1", None, "18:13:55", "BramKooistra",
      "A1: A point of view of your own, and the nerve to publish the uncomfortable findings. "
      "#B2Bchat", likes=5),
    RT("18:14:00", "RaviKMarketing", "lena_a1"),
    T(None, "18:14:08", "B2BchatHost",
      "Loving these answers! Keep them coming, Q2 is in a few minutes ⏳ #B2Bchat", likes=6),
    A("Q1", None, "18:14:20", "IsaMarchandB2B",
      "A1. Teaching generously. If it reads like a brochure, it's not leadership. #B2Bchat",
      likes=7),
    A("Q1", None, "18:14:33", "OliverABM",
      "A1: Earned, not claimed, and earned account by account 😉 #B2Bchat", likes=6),
    A("Q1", None, "18:14:45", "PipelinePro",
      "A1: Proof over claims. Show your work, and let the market decide whether it's leadership. "
      "#B2Bchat", likes=9),
    A("Q1", "danielle_r_rachel", "18:15:00", "DanielleWrites",
      "Original, consistent, generous. Screenshotting this 📸 #B2Bchat", reply="rachel_a1", likes=8),
    A("Q1", None, "18:15:12", "RachelOnB2B",
      "Ha! Credit to every editor who ever pushed back on me 😄 #B2Bchat",
      reply="danielle_r_rachel", likes=11),
    RT("18:15:25", "KenjiSocial", "marcus_a1"),
    A("Q1", None, "18:15:40", "RevenueRoomPod",
      "A1: We ask every podcast guest this. Best answer so far: 'someone who makes their audience "
      "smarter, even if they never buy'. #B2Bchat", likes=12),
    A("Q1", None, "18:15:55", "EmilyNovak",
      "A1: Earned, over years. Nobody wakes up a thought leader. #B2Bchat", likes=4),
    RT("18:16:10", "B2BchatHost", "lena_a1"),
    T(None, "18:16:25", "MiaMarketer",
      "Q2 coming up in 30 seconds! Still time to get your A1 in 👀 #B2Bchat", likes=5),
    A("Q1", None, "18:16:40", "AcmeAnalytics",
      "A1: Generosity with insight. Give away the playbook, people come back for the help. "
      "#B2Bchat", likes=6),
    # --- Q2 ----------------------------------------------------------------------------
    Q("Q2", "18:17:00",
      "Q2: Can a company be a thought leader, or only the people in it? 🏢🙋 #B2Bchat",
      likes=35, rts=11),
    RT("18:17:12", "MiaMarketer", "q2"),
    RT("18:17:25", "DanielleWrites", "q2"),
    A("Q2", "lena_a2", "18:17:40", "DrLenaOkafor",
      "A2: Companies can, but only through people. Buyers trust humans. The smartest brands build "
      "a stage for their experts instead of hiding them behind a logo. #B2Bchat", likes=88, rts=24),
    A("Q2", "lena_a2b", "18:18:00", "DrLenaOkafor",
      "A2 (cont.): In our buyer interviews, 7 out of 10 could name a person at a vendor they "
      "trusted. Almost none could name a company's 'point of view'. #B2Bchat",
      reply="lena_a2", likes=41, rts=10),
    A("Q2", None, "18:18:15", "ContentForgeHQ",
      "A2: We'd like to think so 😉 Honestly though, our best ideas come from our people. The "
      "brand just amplifies its experts. #B2Bchat", likes=9),
    A("Q2", "jose_a2", "18:18:28", "JoseMRamirez",
      "A2 - A company can own a point of view, but people carry it. Nobody quotes a logo over "
      "dinner. #B2Bchat", likes=31, rts=5),
    A("Q1", None, "18:18:40", "LucasDemandGen",
      "A1 (late, sorry!): Consistency. Showing up every week beats one viral post. #B2Bchat",
      likes=6),
    A("Q2", "oliver_a2", "18:18:52", "OliverABM",
      "A2: People. Always people. Buyers follow humans, not logos. #B2Bchat", likes=17),
    A("Q2", "ben_echo", "18:19:05", "BenCarterSEO",
      "A2: @CallumReidB2B was right earlier: original research is how a company earns it. Publish "
      "data nobody else has and people will cite the brand. #B2Bchat", echo=True, likes=24, rts=3),
    A("Q2", None, "18:19:12", "SofiaBrandOps", "The stage metaphor is perfect. Stealing it 🎭 "
      "#B2Bchat", reply="lena_a2", likes=7),
    RT("18:19:18", "HannahLinkedIn", "lena_a2"),
    A("Q2", None, "18:19:30", "HannahLinkedIn",
      "A2: People trust people. That's literally my whole job 😂 Founders' faces > logos. #B2Bchat",
      likes=13),
    A("Q2", None, "18:19:36", "CallumReidB2B", "Glad someone was listening 😄 #B2Bchat",
      reply="ben_echo", likes=9),
    A("Q2", "chris_a2", "18:19:42", "ChrisAdeyemi",
      "A2. Companies can lead a category. Think of the brands that named a problem before anyone "
      "else did. That's company-level thought leadership. #B2Bchat", likes=20),
    A("Q2", None, "18:19:55", "NiamhPR",
      "A2: It’s people. Always. Brands don’t have opinions, their experts do 💯 #B2Bchat",
      mojibake=True, likes=15),
    A("Q2", None, "18:20:08", "PipelinePro",
      "A2: Companies can, if they commit to one idea for years. We've banged the 'pipeline over "
      "leads' drum since 2020 and now the market repeats it back to us. #B2Bchat", likes=16),
    A("Q2", "rachel_r_oliver", "18:20:20", "RachelOnB2B",
      "Mostly agree, but a company can earn trust the same way a person does: consistency over "
      "years. #B2Bchat", reply="oliver_a2", likes=12),
    A("Q2", None, "18:20:33", "OliverABM",
      "Fair! Even then I think of the people behind it first. #B2Bchat", reply="rachel_r_oliver",
      likes=5),
    A("Q2", None, "18:20:45", "EmilyNovak",
      "A2: Yes, but only if employees are allowed to have opinions in public. Most legal teams "
      "would disagree 🙃 #B2Bchat", likes=23),
    RT("18:20:58", "ContentForgeHQ", "lena_a2"),
    A("Q2", "karen_a2", "18:21:10", "KarenB2BSales",
      "A2: Company = the stage, people = the performers. You need both. #B2Bchat", likes=27, rts=5),
    RT("18:21:16", "LiamOrtegaOps", "lena_a2b"),
    T(None, "18:21:22", "GregGrowthHacks",
      "Quick one: my Authority Engine template is FREE for the next 24 hours only ⏰ DM me "
      "'LEADER' 📩 https://scalestack.example/template #B2Bchat", likes=1),
    A("Q2", None, "18:21:35", "ZoeContent",
      "People, but a company can create the conditions. Give your experts time to think and "
      "write! #B2Bchat", reply="q2", likes=15),
    A("Q2", None, "18:21:48", "JoseMRamirez",
      "This. Build a stage for your experts, don't hide them behind a logo 👇 #B2Bchat",
      quote="lena_a2", likes=19),
    A("Q2", None, "18:22:00", "KenjiSocial",
      "A2: Brands can have a voice. Leadership needs a face. #B2Bchat", likes=29, rts=4),
    A("Q2", "sofia_r_jose", "18:22:12", "SofiaBrandOps",
      "Love 'nobody quotes a logo over dinner' 😂 #B2Bchat", reply="jose_a2", likes=6),
    A("Q2", None, "18:22:25", "JoseMRamirez", "¡Gracias, Sofía! Se lo robé a mi abuela 😄 #B2Bchat",
      reply="sofia_r_jose", likes=4, lang="es"),
    RT("18:22:38", "AishaKContent", "karen_a2"),
    A("Q2", None, "18:22:50", "MiaMarketer",
      "A2: Companies can, when they let their people be visible. Faceless brand = forgettable "
      "brand. #B2Bchat", likes=18),
    A("Q2", None, "18:23:02", "FatimaInsights",
      "A2: The data backs it up: buyers trust named experts far more than brand accounts. Lena's "
      "report is worth your coffee break ☕ #B2Bchat", quote="lena_report", likes=14),
    A("Q2", None, "18:23:15", "GraceAdebayoB2B",
      "A2: Coming round to @CallumReidB2B's take. A company with original research nobody else has "
      "is a thought leader; a company with opinions is just a content calendar. #B2Bchat",
      echo=True, likes=21),
    A("Q2", None, "18:23:28", "DiegoFerrazPMM",
      "A2: Category creation is the company version. Name the problem, own the language, and the "
      "market follows. #B2Bchat", likes=12),
    A("Q2", None, "18:23:40", "SamHollisLeeds",
      "Only people, but companies decide whether those people get a microphone 🎤 #B2Bchat",
      quote="q2", likes=8),
    A("Q2", None, "18:23:52", "LiamOrtegaOps",
      "@B2BchatHost I think companies can, but it's rare. It takes a category-defining idea and a "
      "decade of patience. #B2Bchat", likes=6),
    A("Q2", None, "18:24:05", "PriyaNairB2B",
      "A2: Both, but the company version only works when it puts its people front and centre. "
      "#B2Bchat", likes=14),
    RT("18:24:18", "MeganStroudPR", "lena_a2"),
    A("Q2", None, "18:24:30", "MeganStroudPR",
      "a2. People. A logo can't show up on a podcast, a panel or in a DM. #B2Bchat", likes=9),
    A("Q2", None, "18:24:42", "IsaMarchandB2B",
      "A2 - The company builds the stage, gives its experts the mic, then gets out of the way. "
      "#B2Bchat", likes=10),
    A("Q2", None, "18:24:55", "ElenaVossCMO",
      "A2: As a CMO my job is to make our experts famous, not our logo. #B2Bchat", likes=25, rts=3),
    A("Q2", None, "18:25:08", "OwenGallagherCX",
      "A2: Customers are the best thought leaders a company has. Put them on stage too. #B2Bchat",
      likes=11),
    T(None, "18:25:20", "ZoeContent",
      "Cat has woken up and is now sitting on my notes 🐈 Send help #B2Bchat", likes=14),
    T(None, "18:25:26", "RaviKMarketing",
      "Random one: any reading list for a marketing student? Asking for me 😅 #B2Bchat", likes=5),
    A("Q2", None, "18:25:33", "BramKooistra",
      "A2: Companies can name a category. Naming the problem first is the most underrated form of "
      "thought leadership. #B2Bchat", likes=7),
    A("Q2", None, "18:25:45", "AcmeAnalytics",
      "A2: We try! Most of our best content starts with a question one of our experts can't stop "
      "thinking about. We just give them the stage. #B2Bchat", likes=5),
    A("Q2", None, "18:25:58", "TomBrandt",
      "A2: Only people. A brand is a promise, not a thinker. #B2Bchat", likes=10),
    A("Q2", "marcus_r_lena", "18:26:10", "MarcusLeeMktg",
      "7 out of 10! That stat is going straight into my next budget deck 📈 #B2Bchat",
      reply="lena_a2b", likes=9),
    A("Q2", None, "18:26:22", "DrLenaOkafor",
      "Please do, and tell finance I said hi 😄 #B2Bchat", reply="marcus_r_lena", likes=14),
    A("Q2", None, "18:26:35", "NoraQuinnMktg",
      "A2: People. But the brands that win give their experts time, budget and permission to "
      "speak. #B2Bchat", likes=8),
    RT("18:26:48", "DiegoFerrazPMM", "chris_a2"),
    A("Q1", None, "18:27:00", "RaviKMarketing",
      "A1 (catching up!): being helpful without selling. Like everyone here tonight, honestly 🙂 "
      "#B2Bchat", likes=7),
    A("Q2", "callum_a2", "18:27:12", "CallumReidB2B",
      "A2: Companies can, if they fund the research. Otherwise it's a logo with opinions. #B2Bchat",
      likes=26, rts=4),
    A("Q2", None, "18:27:25", "AishaKContent",
      "A2: People. Companies can earn a reputation, but thought leadership needs a human voice. "
      "#B2Bchat", likes=8),
    A("Q2", None, "18:27:40", "DanielleWrites",
      "Stage and performers! Stealing this for our content strategy deck 🎭 #B2Bchat",
      reply="karen_a2", likes=6),
    T(None, "18:27:55", "B2BchatHost",
      "Great stuff, #B2Bchat! Q3 is coming up in 2 minutes. Grab a coffee ☕", likes=4),
    A("Q2", None, "18:28:10", "SofiaBrandOps",
      "A2: A company can hold a point of view if its leaders actually believe it. Most just "
      "borrow one for a campaign. #B2Bchat", likes=13),
    A("Q2", None, "18:28:25", "RevenueRoomPod",
      "A2: From 200 episodes: listeners remember the guests, not their employers. People every "
      "time. #B2Bchat", likes=10),
    RT("18:28:40", "ZoeContent", "jose_a2"),
    A("Q2", None, "18:28:55", "KarenB2BSales",
      "Or fund the people! Research without a face still gets ignored 🎟️ #B2Bchat",
      reply="callum_a2", likes=5),
    A("Q2", None, "18:29:15", "FatimaInsights",
      "Exactly. We did the maths once: brand posts get a fraction of the replies our experts get. "
      "#B2Bchat", reply="oliver_a2", likes=4),
    # --- Q3 ----------------------------------------------------------------------------
    Q("Q3", "18:30:00",
      "Q3: What's the biggest mistake brands make with thought leadership? 🚩 #B2Bchat",
      likes=39, rts=13),
    RT("18:30:12", "MiaMarketer", "q3"),
    RT("18:30:24", "NoraQuinnMktg", "q3"),
    A("Q3", "lena_a3", "18:30:40", "DrLenaOkafor",
      "A3: Dressing up a sales pitch as thought leadership. If every 'insight' ends with 'book a "
      "demo', buyers notice, and they stop trusting you. #B2Bchat", likes=104, rts=31),
    A("Q3", None, "18:30:55", "DanielleWrites",
      "Printing this and taping it to our CEO's monitor 😂 #B2Bchat", reply="lena_a3", likes=20),
    A("Q3", "marcus_a3", "18:31:08", "MarcusLeeMktg",
      "A3: Self-promotion. Your product is not a point of view. #B2Bchat", likes=61, rts=12),
    A("Q3", None, "18:31:20", "TomBrandt",
      "A3 - Making it about themselves. Thought leadership is about the customer's problem, not "
      "your feature list or your demo. #B2Bchat", likes=22),
    A("Q3", "aisha_a3", "18:31:33", "AishaKContent",
      "A3: Committee-written content with every opinion sanded off. If nobody could disagree with "
      "it, it isn't leadership. #B2Bchat", likes=44, rts=7),
    A("Q3", None, "18:31:45", "GregGrowthHacks",
      "A3: Not having a system! My 5-step Authority Engine fixes exactly this. Join my webinar next "
      "Thursday 👉 https://scalestack.example/webinar #B2Bchat", likes=0),
    RT("18:31:50", "GraceAdebayoB2B", "lena_a3"),
    RT("18:31:58", "TomBrandt", "lena_a3"),
    A("Q1", None, "18:32:10", "FatimaInsights",
      "A1: Late to the party, but: generosity. Sharing what you know without expecting anything "
      "back. #B2Bchat", likes=8),
    A("Q3", None, "18:32:22", "EmilyNovak",
      "A3: Opinions with no data behind them. I argued in Q1, but @CallumReidB2B had a point: "
      "without original research it's content marketing with a tie on. #B2Bchat",
      quote="callum_contra", echo=True, likes=33, rts=4),
    A("Q3", "hannah_a3", "18:32:35", "HannahLinkedIn",
      "A3: Ghostwriting with zero input from the exec. I'm a ghostwriter and even I'll say it: if "
      "it isn't their thinking, it isn't their leadership. #B2Bchat", likes=26),
    A("Q3", "rachel_a3", "18:32:48", "RachelOnB2B",
      "A3: Measuring it like demand gen. Thought leadership builds trust over years; judging it on "
      "this quarter's MQLs kills it. #B2Bchat", likes=38, rts=6),
    A("Q3", "karen_r_rachel", "18:33:00", "KarenB2BSales",
      "Yes! Our CFO wanted leads from a research report in week two 🙃 #B2Bchat", reply="rachel_a3",
      likes=9),
    A("Q3", None, "18:33:12", "RachelOnB2B",
      "Classic. Trust compounds slowly, then all at once. #B2Bchat", reply="karen_r_rachel",
      likes=15),
    A("Q3", None, "18:33:25", "ChrisAdeyemi",
      "A3: Playing it safe. Bland, consensus content that any competitor could publish. #B2Bchat",
      likes=16),
    A("Q3", None, "18:33:38", "SofiaBrandOps",
      "Borrowing a point of view instead of having one. Bland trend-chasing isn't leadership. "
      "#B2Bchat", reply="q3", likes=12),
    RT("18:33:45", "BenCarterSEO", "marcus_a3"),
    REF("tom_frame", "18:33:50", "TomBrandt", "Framing this one 🖼️", reply="marcus_a3", likes=3),
    A("Q3", None, "18:34:02", "BenCarterSEO",
      "A3: Pumping out AI-written listicles and calling it thought leadership. Volume isn't a "
      "point of view. #B2Bchat", likes=18),
    A("Q3", None, "18:34:15", "JoseMRamirez",
      "A3: Letting legal and five VPs edit the opinion out of it. Committee content is nobody's "
      "content. #B2Bchat", likes=21),
    A("Q3", None, "18:34:30", "MarcusLeeMktg",
      "Frame it next to the feature list nobody asked for 😂 #B2Bchat", reply="tom_frame", likes=7),
    RT("18:34:42", "OwenGallagherCX", "aisha_a3"),
    A("Q3", None, "18:34:55", "ZoeContent",
      "a3: expecting leads next quarter. Thought leadership is a long game, measured in trust, not "
      "MQLs ☕ #B2Bchat", likes=19),
    A("Q3", None, "18:35:08", "KenjiSocial",
      "A3: Outsourcing the voice to an agency that has never spoken to a customer. #B2Bchat",
      likes=14),
    T(None, "18:35:20", "MiaMarketer",
      "Reminder: use A3 for Q3, and reply to each other, that's where the good stuff is 💬 "
      "#B2Bchat", likes=4),
    A("Q3", None, "18:35:33", "NiamhPR",
      "A3: Hiding behind the logo. No named experts, no faces, no opinions. #B2Bchat", likes=10),
    A("Q3", None, "18:35:45", "DiegoFerrazPMM",
      "A3: Mistaking content volume for leadership. @CallumReidB2B said it in Q1: the real thing "
      "is original research nobody else has. #B2Bchat", echo=True, likes=17),
    A("Q3", None, "18:35:58", "ElenaVossCMO",
      "Chasing virality, then measuring it on MQLs. One viral post isn't leadership; a year of "
      "useful ideas is. #B2Bchat", quote="q3", likes=13),
    A("Q3", None, "18:36:10", "OwenGallagherCX",
      "A3: Making the CEO the 'thought leader' when they have no time and no opinions. "
      "Ghostwritten fluff fools nobody. #B2Bchat", likes=12),
    A("Q3", None, "18:36:22", "GraceAdebayoB2B",
      "A3: Writing for the algorithm instead of the buyer. Bland and safe doesn't build trust. "
      "#B2Bchat", likes=9),
    RT("18:36:35", "KarenB2BSales", "rachel_a3"),
    A("Q3", None, "18:36:48", "PriyaNairB2B",
      "A3: Gating everything behind a form and scoring the downloads as leads. You can't lead "
      "people who can't read you. #B2Bchat", likes=15),
    A("Q3", "liam_a3", "18:37:00", "LiamOrtegaOps",
      "A3: Judging it on last-touch attribution. It never shows up there, so it gets cut. "
      "#B2Bchat", likes=11),
    A("Q3", None, "18:37:12", "LucasDemandGen",
      "As the ops person: 100%. Our dashboards can't see trust, so finance can't either 📉 "
      "#B2Bchat", reply="liam_a3", likes=6),
    A("Q3", None, "18:37:25", "IsaMarchandB2B",
      "A3: Pitching in disguise. Readers can smell a sales pitch from the first paragraph. "
      "#B2Bchat", likes=10),
    A("Q3", "sam_a3", "18:37:38", "SamHollisLeeds",
      "@B2BchatHost the biggest mistake? Asking an AI tool for 'thought leadership' and "
      "publishing whatever comes out 🤖 #B2Bchat", likes=16),
    A("Q3", None, "18:37:50", "MeganStroudPR",
      "A3: No opinion. If your post wouldn't start a debate in the comments, it's a brochure. "
      "#B2Bchat", likes=12),
    A("Q3", None, "18:38:02", "BramKooistra",
      "A3: Every 'insight' ends with book a demo. Your sales pitch is showing. #B2Bchat", likes=8),
    RT("18:38:10", "B2BchatHost", "lena_a3"),
    A("Q3", None, "18:38:18", "KenjiSocial", "Guilty as charged. We tried it once. Never again 🙈 "
      "#B2Bchat", reply="sam_a3", likes=10),
    A("Q3", None, "18:38:28", "NoraQuinnMktg",
      "A3: Stopping after three posts because 'it didn't generate pipeline'. Patience is the whole "
      "strategy. #B2Bchat", likes=10),
    A("Q3", None, "18:38:40", "ContentForgeHQ",
      "A3: Publishing without a point of view. We've been guilty of this ourselves. #B2Bchat",
      likes=7),
    A("Q3", "callum_a3", "18:39:05", "CallumReidB2B",
      "A3: Surveys of 12 people dressed up as 'research'. If you're going to do original "
      "research, do it properly. #B2Bchat", likes=22),
    A("Q3", None, "18:39:18", "AnanyaIyerData",
      "Sample size matters! Bad research is worse than no research. #B2Bchat", reply="callum_a3",
      likes=9),
    RT("18:39:30", "RaviKMarketing", "marcus_a3"),
    A("Q3", None, "18:39:42", "RaviKMarketing",
      "A3: As a student, the biggest turn-off is content that's obviously a sales pitch. We can "
      "tell! #B2Bchat", likes=13),
    A("Q3", None, "18:39:55", "OliverABM",
      "A3: Treating it as a campaign with an end date. It's a commitment, not a quarter. #B2Bchat",
      likes=8),
    A("Q3", None, "18:40:08", "MiaMarketer",
      "A3: Outsourcing the thinking. You can outsource the writing, never the point of view. "
      "#B2Bchat", likes=36, rts=6),
    A("Q3", "lena_r_aisha", "18:40:20", "DrLenaOkafor",
      "So much this. The sanding-off happens in review, so fix the review process, not the "
      "writers. #B2Bchat", reply="aisha_a3", likes=31),
    A("Q3", None, "18:40:28", "AishaKContent",
      "Yes! Give every reviewer one question: does it still have an opinion? 😄 #B2Bchat",
      reply="lena_r_aisha", likes=12),
    T("aisha_summit", "18:40:35", "AishaKContent",
      "Slightly off-topic: anyone going to the Pipeline Summit in Leeds next month? Would love to "
      "meet some of you IRL ☕ #B2Bchat", likes=6),
    T(None, "18:40:50", "SamHollisLeeds", "Yes! It's on my doorstep, count me in 🙋 #B2Bchat",
      reply="aisha_summit", likes=3),
    A("Q3", None, "18:41:05", "PipelinePro",
      "A3: Gating our research for years. Ungating it tripled the citations. #B2Bchat", likes=11),
    A("Q3", None, "18:41:20", "HannahLinkedIn",
      "And the founders who do give input are the ones people actually follow. #B2Bchat",
      reply="hannah_a3", likes=5),
    T(None, "18:41:35", "B2BchatHost", "Q4 in a minute, and it's a fun one! 👀 #B2Bchat", likes=7),
    RT("18:42:00", "HannahLinkedIn", "aisha_a3"),
    A("Q3", None, "18:42:20", "FatimaInsights",
      "A3: Skipping the buyer interviews and guessing what the market thinks. #B2Bchat", likes=7),
    # --- Q4 ----------------------------------------------------------------------------
    Q("Q4", "18:43:00",
      "Q4: Who are your marketing thought leaders? Tag the people you learn from 👇 (people, not "
      "brands!) #B2Bchat", likes=52, rts=18),
    RT("18:43:12", "MiaMarketer", "q4"),
    RT("18:43:25", "PriyaNairB2B", "q4"),
    A("Q4", "lena_a4", "18:43:50", "DrLenaOkafor",
      "A4: @JaneRivers taught me that clear writing is clear thinking, and @MarkoVeldt does the "
      "buyer research I wish I'd done. #B2Bchat", nominees=["JaneRivers", "MarkoVeldt"],
      likes=58, rts=11),
    A("Q4", "priya_a4", "18:44:05", "PriyaNairB2B",
      "A4: @DrLenaOkafor (obviously!), @RachelOnB2B, and @TheaMorrow's newsletter every single "
      "week #B2Bchat", nominees=["DrLenaOkafor", "RachelOnB2B", "TheaMorrow"], likes=19),
    A("Q4", "zoe_a4", "18:44:18", "ZoeContent",
      "A4: @JaneRivers for writing, @SofiaBrandOps for positioning ☕ #B2Bchat",
      nominees=["JaneRivers", "SofiaBrandOps"], likes=14),
    A("Q4", "marcus_a4", "18:44:30", "MarcusLeeMktg",
      "A4: @MarkoVeldt. Nobody knows B2B buyers better. #B2Bchat", nominees=["MarkoVeldt"],
      likes=44, rts=7),
    RT("18:44:40", "RachelOnB2B", "lena_a4"),
    A("Q2", None, "18:44:43", "AnanyaIyerData",
      "A2 (late to the party): companies can, but only by making their experts visible. Nobody "
      "follows a logo. #B2Bchat", likes=5),
    A("Q4", None, "18:44:55", "AishaKContent",
      "A4: @TheaMorrow. Her newsletter made me a better writer and a better marketer. #B2Bchat",
      nominees=["TheaMorrow"], likes=16),
    A("Q4", None, "18:45:08", "JoseMRamirez",
      "a4: Priya Raman. Her talks on brand and buyer trust changed how I run our team. Not on here "
      "much, sadly! #B2Bchat", nominees=["Priya Raman"], likes=12),
    A("Q4", None, "18:45:20", "KenjiSocial",
      "Easy: @SamOduya and every guest on his podcast. My commute university 🎧 #B2Bchat",
      reply="q4", nominees=["SamOduya"], likes=11),
    A("Q4", "rachel_a4", "18:45:33", "RachelOnB2B",
      "A4: @DrLenaOkafor, @MarkoVeldt and Tobias Wren, who has forgotten more about B2B brand than "
      "I'll ever know. #B2Bchat", nominees=["DrLenaOkafor", "MarkoVeldt", "Tobias Wren"],
      likes=29, rts=4),
    RT("18:45:45", "DanielleWrites", "marcus_a4"),
    A("Q4", None, "18:45:50", "MarcusLeeMktg",
      "Another @MarkoVeldt fan here 🙋 His buyer interviews are the best research out there. "
      "#B2Bchat", reply="lena_a4", nominees=["MarkoVeldt"], likes=8),
    A("Q4", None, "18:45:58", "HannahLinkedIn",
      "A4: @CasparLundB2B for LinkedIn craft, @JaneRivers for everything else ✍️ #B2Bchat",
      nominees=["CasparLundB2B", "JaneRivers"], likes=10),
    A("Q4", None, "18:46:10", "BenCarterSEO",
      "A4: @MarkoVeldt and @CallumReidB2B (after tonight, definitely!) #B2Bchat",
      nominees=["MarkoVeldt", "CallumReidB2B"], likes=13),
    T(None, "18:46:23", "GregGrowthHacks",
      "Want to be the one people tag in threads like this? 👀 My Authority Engine webinar shows you "
      "how. FREE 👉 https://scalestack.example/webinar #B2Bchat", likes=0),
    A("Q4", "danielle_a4", "18:46:35", "DanielleWrites",
      "A4: @AishaKContent and @ZoeContent, two writers I learn from every week. And Margit "
      "Haugen's talks on editing. #B2Bchat",
      nominees=["AishaKContent", "ZoeContent", "Margit Haugen"], likes=15),
    A("Q4", None, "18:46:48", "AishaKContent", "Stop it, you're making me blush 🙈 #B2Bchat",
      reply="danielle_a4", likes=7),
    A("Q4", None, "18:47:00", "SofiaBrandOps",
      "A4: @DrLenaOkafor for research, @RachelOnB2B for brand, and Tobias Wren for positioning. "
      "#B2Bchat", nominees=["DrLenaOkafor", "RachelOnB2B", "Tobias Wren"], likes=12),
    A("Q4", "chris_a4", "18:47:13", "ChrisAdeyemi",
      "A4: Anyone who publishes original research nobody else has. For me that's @MarkoVeldt and "
      "@FatimaInsights. @CallumReidB2B was right earlier. #B2Bchat",
      nominees=["MarkoVeldt", "FatimaInsights"], echo=True, likes=27, rts=3),
    RT("18:47:25", "GraceAdebayoB2B", "lena_a4"),
    A("Q4", "oliver_a4", "18:47:38", "OliverABM",
      "A4: @KarenB2BSales, who taught me that sales and marketing can actually be friends 🤝 "
      "#B2Bchat", nominees=["KarenB2BSales"], likes=9),
    A("Q4", None, "18:47:50", "KarenB2BSales", "Aww, thank you Oliver! 🥹 #B2Bchat",
      reply="oliver_a4", likes=4),
    A("Q4", None, "18:48:03", "NiamhPR",
      "A4: @TheaMorrow and Priya Raman. Both write like humans, which is rarer than it should be. "
      "#B2Bchat", nominees=["TheaMorrow", "Priya Raman"], likes=11),
    A("Q4", None, "18:48:15", "EmilyNovak",
      "A4: @JaneRivers, always. This one lives rent-free in my head #B2Bchat", quote="jane_clear",
      nominees=["JaneRivers"], likes=17),
    A("Q4", None, "18:48:28", "MiaMarketer",
      "A4: So many! @DrLenaOkafor, @MarkoVeldt, @SamOduya… and everyone in this chat, honestly 💛 "
      "#B2Bchat", nominees=["DrLenaOkafor", "MarkoVeldt", "SamOduya"], likes=21),
    A("Q3", None, "18:48:40", "LucasDemandGen",
      "A3 (late!): measuring thought leadership like a lead-gen campaign and killing it after one "
      "quarter. #B2Bchat", likes=6),
    A("Q4", None, "18:48:53", "ElenaVossCMO",
      "@B2BchatHost A4: @RachelOnB2B. Best CMO I've never worked with 😄 #B2Bchat",
      nominees=["RachelOnB2B"], likes=10),
    A("Q4", None, "18:49:05", "DiegoFerrazPMM",
      "A4: Margit Haugen and @ChrisAdeyemi for positioning, @MarkoVeldt for buyers. #B2Bchat",
      nominees=["Margit Haugen", "ChrisAdeyemi", "MarkoVeldt"], likes=8),
    A("Q4", None, "18:49:18", "GraceAdebayoB2B",
      "A4: @DrLenaOkafor. Her book Earned Attention is on my desk right now 📚 #B2Bchat",
      nominees=["DrLenaOkafor"], likes=14),
    RT("18:49:30", "FatimaInsights", "marcus_a4"),
    A("Q4", None, "18:49:43", "LiamOrtegaOps",
      "A4: @OliverABM for ABM and @LucasDemandGen for making ops less scary. #B2Bchat",
      nominees=["OliverABM", "LucasDemandGen"], likes=7),
    A("Q4", None, "18:49:55", "MeganStroudPR",
      "A4: @NiamhPR taught me half of what I know about B2B PR. And @JaneRivers, of course. "
      "#B2Bchat", nominees=["NiamhPR", "JaneRivers"], likes=9),
    A("Q4", None, "18:50:08", "SamHollisLeeds",
      "a4) @SamOduya (no relation, great name though) and @TheaMorrow #B2Bchat",
      nominees=["SamOduya", "TheaMorrow"], likes=12),
    A("Q4", None, "18:50:20", "IsaMarchandB2B",
      "A4: Tobias Wren. Not online much, but his talks are gold. #B2Bchat",
      nominees=["Tobias Wren"], likes=6),
    T(None, "18:50:33", "AcmeAnalytics",
      "Taking notes on all these names, our reading list just got longer 📝 #B2Bchat", likes=4),
    RT("18:50:40", "ZoeContent", "chris_a4"),
    A("Q4", None, "18:50:45", "FatimaInsights",
      "Oh wow, thank you Chris! 🙏 Buyer interviews forever. #B2Bchat", reply="chris_a4", likes=6),
    A("Q4", None, "18:50:58", "OwenGallagherCX",
      "A4: @KarenB2BSales and @DrLenaOkafor. Trust, research, and zero fluff. #B2Bchat",
      nominees=["KarenB2BSales", "DrLenaOkafor"], likes=8),
    A("Q4", None, "18:51:10", "BramKooistra",
      "A4: @MarkoVeldt for buyer research, Priya Raman for brand. #B2Bchat",
      nominees=["MarkoVeldt", "Priya Raman"], likes=5),
    A("Q4", None, "18:51:23", "NoraQuinnMktg",
      "A4: People who do original research nobody else has, like @MarkoVeldt. Turns out "
      "@CallumReidB2B had it right from the start. #B2Bchat",
      nominees=["MarkoVeldt"], echo=True, likes=15),
    A("Q4", None, "18:51:35", "RaviKMarketing",
      "A4: Honestly, everyone in this chat tonight. But @MiaMarketer for making a first-timer feel "
      "welcome 💛 #B2Bchat", nominees=["MiaMarketer"], likes=18),
    A("Q4", None, "18:51:48", "TomBrandt",
      "A4: @RachelOnB2B and @ZoeContent. Always generous, never selling. #B2Bchat",
      nominees=["RachelOnB2B", "ZoeContent"], likes=9),
    RT("18:52:00", "SofiaBrandOps", "lena_a4"),
    A("Q4", None, "18:52:13", "CallumReidB2B",
      "A4: @FatimaInsights. Real research, properly done, every time. #B2Bchat",
      nominees=["FatimaInsights"], likes=11),
    A("Q4", None, "18:52:25", "AnanyaIyerData",
      "A4: @FatimaInsights and @MarkoVeldt. The buyer research crowd 📊 #B2Bchat",
      nominees=["FatimaInsights", "MarkoVeldt"], likes=7),
    A("Q4", None, "18:52:38", "DrLenaOkafor", "That's so kind, thank you Priya 🥹 #B2Bchat",
      reply="priya_a4", likes=9),
    T(None, "18:53:05", "B2BchatHost",
      "A few minutes left! Last call for your A4s: tag the people you learn from 👇 #B2Bchat",
      likes=5),
    A("Q4", None, "18:53:20", "OwenGallagherCX",
      "Seconding Tobias Wren. His brand workshop changed my career. #B2Bchat",
      reply="rachel_a4", nominees=["Tobias Wren"], likes=6),
    A("Q4", None, "18:53:40", "ZoeContent",
      "Aww, thank you Danielle 🥰 Made my evening! #B2Bchat", reply="danielle_a4", likes=5),
    A("Q4", None, "18:54:00", "ChrisAdeyemi",
      "A4 part 2: @SofiaBrandOps, whose positioning threads I bookmark every week. #B2Bchat",
      nominees=["SofiaBrandOps"], likes=7),
    RT("18:54:10", "MiaMarketer", "chris_a4"),
    T(None, "18:54:30", "MiaMarketer",
      "Wow, what a list. We'll share all the names in the recap 📚 #B2Bchat", likes=9),
    RT("18:55:00", "JoseMRamirez", "zoe_a4"),
    A("Q4", None, "18:55:20", "KenjiSocial",
      "Adding @CasparLundB2B to this list. His hooks are annoyingly good. #B2Bchat",
      quote="q4", nominees=["CasparLundB2B"], likes=6),
    # --- wrap-up -----------------------------------------------------------------------
    T("host_thanks", "18:56:00", "B2BchatHost",
      "Huge thanks to our guest @DrLenaOkafor for sharing so much wisdom today 🙏 If you're not "
      "following her yet, fix that now! #B2Bchat", likes=45, rts=8),
    RT("18:56:12", "ZoeContent", "host_thanks"),
    T(None, "18:56:25", "DrLenaOkafor",
      "Thank you all, what a generous, smart bunch. This was so much fun! 💛 #B2Bchat",
      reply="host_thanks", likes=40),
    T("mia_shout", "18:56:40", "MiaMarketer",
      "Shout-out to everyone who joined #B2Bchat today, especially first-timers like "
      "@RaviKMarketing and @SamHollisLeeds 👋 See you next week!", likes=19, rts=2),
    RT("18:56:55", "RaviKMarketing", "mia_shout"),
    T(None, "18:57:00", "KenjiSocial", "Thanks everyone, great chat! 👏 #B2Bchat", likes=4),
    T("wrap", "18:57:10", "B2BchatHost",
      "That's a wrap on #B2Bchat! 🎬 Recap: https://b2bchat.example/recaps/2024-03-14 Join us next "
      "Thursday, same time, when we dig into ABM with @OliverABM!", likes=27, rts=6),
    RT("18:57:22", "MiaMarketer", "wrap"),
    RT("18:57:35", "OliverABM", "wrap"),
    T(None, "18:57:50", "PriyaNairB2B",
      "Thank you @B2BchatHost, @MiaMarketer and @DrLenaOkafor! Best #B2Bchat in a while 🙌", likes=9),
    T(None, "18:58:05", "AishaKContent", "What a #B2Bchat! My notebook is full 📓✨", likes=7),
    RT("18:58:10", "SamHollisLeeds", "wrap"),
    T(None, "18:58:20", "CallumReidB2B",
      "Thanks for the debate, #B2Bchat. Nice to be unpopular in such good company 😄", likes=16),
    T(None, "18:58:35", "SamHollisLeeds",
      "Thanks all! First time answering, won't be the last. See you next week #B2Bchat", likes=4),
    T(None, "18:58:50", "GregGrowthHacks",
      "Great chat #B2Bchat! If you want to go deeper, my webinar is FREE this Thursday 👉 "
      "https://scalestack.example/webinar", likes=0),
    T(None, "18:59:10", "RaviKMarketing",
      "Thank you so much for having me! Best first #B2Bchat ever 🙏", reply="mia_shout", likes=6),
    T(None, "18:59:30", "NoraQuinnMktg",
      "Thank you @B2BchatHost! Already looking forward to the ABM chat next week 🙌 #B2Bchat",
      likes=3),
    # --- days after --------------------------------------------------------------------
    T(None, "03-15 09:12:26", "HannahLinkedIn",
      "#FF the brilliant people from yesterday's #B2Bchat: @ZoeContent @AishaKContent "
      "@SofiaBrandOps @ChrisAdeyemi 🙌", likes=10),
    T(None, "03-17 11:40:03", "GregGrowthHacks",
      "Missed #B2Bchat on thought leadership? My Authority Engine masterclass replay is live 👉 "
      "https://scalestack.example/masterclass", likes=0),
]

# --- building ---------------------------------------------------------------------------

_URL = re.compile(r"https?://[^\s)]+")
_MENTION = re.compile(r"(?<![\w@])@(\w{1,15})")
_HASHTAG = re.compile(r"(?<![\w&#])#(\w*[^\W\d]\w*)")
_ALNUM = string.ascii_letters + string.digits


def _time(when: str) -> str:
    if " " in when:
        day, clock = when.split()
        return f"2024-{day}T{clock}"
    return f"{CHAT_DAY}T{when}"


def _escape(text: str) -> str:
    """The API sends &, < and > as HTML entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Builder:
    def __init__(self) -> None:
        self.rng = random.Random(7)
        self.users: dict[str, dict[str, Any]] = {}
        self.by_handle_lower: dict[str, str] = {}
        for row in USERS:
            self.users[row[0]] = self._user(*row)
            self.by_handle_lower[row[0].lower()] = row[0]
        self.tweets: list[dict[str, Any]] = []
        self.by_key: dict[str, dict[str, Any]] = {}
        self.handle_of: dict[str, str] = {}  # tweet id -> author handle
        self.given: dict[str, tuple[int | None, int | None]] = {}  # tweet id -> (likes, rts)
        self.used_ids: set[int] = set()
        self.referenced_only: set[str] = set()  # ids of tweets only in includes
        self.ids: list[str] = []  # the tweet id of each CHAT entry, in order

    def tco(self) -> str:
        return "https://t.co/" + "".join(self.rng.choice(_ALNUM) for _ in range(10))

    def _user(self, handle: str, uid: str, name: str, bio: str, followers: int, following: int,
              tweets: int, listed: int, verified: bool, joined: str, location: str,
              website: str) -> dict[str, Any]:
        assert len(handle) <= 15 and uid.isdigit(), handle
        avatar = (f"https://pbs.twimg.com/profile_images/{self.rng.randrange(10**18, 10**19)}/"
                  + "".join(self.rng.choice(_ALNUM) for _ in range(8)) + "_normal.jpg")
        user: dict[str, Any] = {
            "id": uid, "username": handle, "name": name, "description": bio,
            "created_at": joined, "protected": False, "verified": verified,
            "profile_image_url": avatar,
            "public_metrics": {"followers_count": followers, "following_count": following,
                               "tweet_count": tweets, "listed_count": listed},
        }
        if location:
            user["location"] = location
        if website:
            short = self.tco()
            user["url"] = short
            user["entities"] = {"url": {"urls": [{"start": 0, "end": len(short), "url": short,
                                                 "expanded_url": f"https://{website}",
                                                 "display_url": website}]}}
        else:
            user["url"] = ""
        return user

    def snowflake(self, created: str) -> tuple[str, str]:
        """A snowflake id for a time 'YYYY-MM-DDTHH:MM:SS' and the matching created_at."""
        dt = datetime.fromisoformat(created).replace(tzinfo=UTC)
        ms = int(dt.timestamp()) * 1000 + self.rng.randrange(1000)
        value = ((ms - TWITTER_EPOCH_MS) << 22) + self.rng.randrange(1, 64)
        assert value not in self.used_ids
        self.used_ids.add(value)
        return str(value), created + ".000Z"

    def entities(self, text: str, urls: list[tuple[str, str, str]]) -> dict[str, Any]:
        ents: dict[str, Any] = {}
        mentions = []
        for m in _MENTION.finditer(text):
            handle = self.by_handle_lower[m.group(1).lower()]
            mentions.append({"start": m.start(), "end": m.end(), "username": handle,
                             "id": self.users[handle]["id"]})
        hashtags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)}
                    for m in _HASHTAG.finditer(text)]
        links = []
        pos = 0
        for short, expanded, display in urls:
            start = text.index(short, pos)
            pos = start + len(short)
            links.append({"start": start, "end": pos, "url": short, "expanded_url": expanded,
                          "display_url": display})
        if mentions:
            ents["mentions"] = mentions
        if hashtags:
            ents["hashtags"] = hashtags
        if links:
            ents["urls"] = links
        return ents

    def add(self, entry: Entry) -> str:
        author = self.users[entry.handle]
        tid, created = self.snowflake(_time(entry.when))
        tweet: dict[str, Any] = {
            "edit_history_tweet_ids": [tid], "author_id": author["id"], "lang": entry.lang,
            "created_at": created, "conversation_id": tid, "possibly_sensitive": False,
            "reply_settings": "everyone", "id": tid,
        }
        if entry.retweet:
            self._retweet(tweet, self.by_key[entry.retweet])
        else:
            self._original(tweet, entry)
        self.tweets.append(tweet)
        self.handle_of[tid] = entry.handle
        if entry.key:
            assert entry.key not in self.by_key, entry.key
            self.by_key[entry.key] = tweet
        self.given[tid] = (entry.likes, entry.rts)
        if entry.referenced_only:
            self.referenced_only.add(tid)
        self.ids.append(tid)
        return tid

    def _original(self, tweet: dict[str, Any], entry: Entry) -> None:
        text = entry.text or ""
        if entry.mojibake:
            text = mojibake(text)
        refs = []
        if entry.reply:
            target = self.by_key[entry.reply]
            target_handle = self.handle_of[target["id"]]
            if target_handle != entry.handle and not text.startswith("@"):
                text = f"@{target_handle} {text}"
            tweet["conversation_id"] = target["conversation_id"]
            tweet["in_reply_to_user_id"] = target["author_id"]
            refs.append({"type": "replied_to", "id": target["id"]})
        urls: list[tuple[str, str, str]] = []

        def shorten(m: re.Match[str]) -> str:
            expanded = m.group(0)
            display = expanded.split("://", 1)[1]
            if len(display) > 27:
                display = display[:26] + "…"
            short = self.tco()
            urls.append((short, expanded, display))
            return short

        text = _URL.sub(shorten, text)
        if entry.quote:
            quoted = self.by_key[entry.quote]
            handle = self.handle_of[quoted["id"]]
            short = self.tco()
            status = f"https://twitter.com/{handle}/status/{quoted['id']}"
            urls.append((short, status, f"twitter.com/{handle}/stat…"))
            text = f"{text} {short}"
            refs.append({"type": "quoted", "id": quoted["id"]})
        text = _escape(text)
        assert len(text) <= 280, text
        tweet["text"] = text
        ents = self.entities(text, urls)
        if ents:
            tweet["entities"] = ents
        if refs:
            tweet["referenced_tweets"] = refs

    def _retweet(self, tweet: dict[str, Any], original: dict[str, Any]) -> None:
        handle = self.handle_of[original["id"]]
        prefix = f"RT @{handle}: "
        text = prefix + original["text"]
        limit = len(text)
        if len(text) > 140:
            text = text[:139].rstrip() + "…"
            limit = len(text) - 1  # entities cut by the ellipsis are dropped
        tweet["text"] = text
        shift = len(prefix)
        ents: dict[str, Any] = {"mentions": [{"start": 3, "end": 4 + len(handle), "username": handle,
                                              "id": original["author_id"]}]}
        for kind, items in (original.get("entities") or {}).items():
            moved = [{**item, "start": item["start"] + shift, "end": item["end"] + shift}
                     for item in items if item["end"] + shift <= limit]
            if moved:
                ents.setdefault(kind, []).extend(moved)
        tweet["entities"] = {k: ents[k] for k in ("mentions", "hashtags", "urls") if k in ents}
        tweet["referenced_tweets"] = [{"type": "retweeted", "id": original["id"]}]

    def metrics(self) -> None:
        """Counts consistent with the archive: an original has at least the retweets, replies
        and quotes it gets here; a retweet shows the original's retweet count, as the API does."""
        counts: dict[str, dict[str, int]] = {t["id"]: {"retweeted": 0, "replied_to": 0, "quoted": 0}
                                             for t in self.tweets}
        for t in self.tweets:
            for ref in t.get("referenced_tweets") or ():
                counts[ref["id"]][ref["type"]] += 1
        originals = [t for t in self.tweets if not _is_retweet(t)]
        for t in originals:
            likes, rts = self.given[t["id"]]
            c = counts[t["id"]]
            if likes is None:
                likes = self.rng.randint(1, 9)
            if rts is None:
                rts = self.rng.choice((0, 0, 0, 1, 1, 2)) if likes > 4 else 0
            followers = self.users[self.handle_of[t["id"]]]["public_metrics"]["followers_count"]
            t["public_metrics"] = {
                "retweet_count": max(rts, c["retweeted"]),
                "reply_count": c["replied_to"] + (self.rng.choice((0, 0, 1)) if likes > 20 else 0),
                "like_count": likes,
                "quote_count": c["quoted"],
                "bookmark_count": likes // 12,
                "impression_count": likes * 31 + followers // 40 + self.rng.randrange(60),
            }
        for t in self.tweets:
            if _is_retweet(t):
                original = self.by_id(t["referenced_tweets"][0]["id"])
                t["public_metrics"] = {"retweet_count": original["public_metrics"]["retweet_count"],
                                       "reply_count": 0, "like_count": 0, "quote_count": 0,
                                       "bookmark_count": 0, "impression_count": 0}

    def by_id(self, tid: str) -> dict[str, Any]:
        return next(t for t in self.tweets if t["id"] == tid)

    def pages(self) -> list[dict[str, Any]]:
        posts = [t for t in self.tweets if t["id"] not in self.referenced_only]
        newest_first = sorted(posts, key=lambda t: int(t["id"]), reverse=True)
        out = []
        next_token = None
        for number, start in enumerate(range(0, len(newest_first), PAGE_SIZE)):
            data = newest_first[start:start + PAGE_SIZE]
            included: dict[str, dict[str, Any]] = {}
            for t in data:
                for ref in t.get("referenced_tweets") or ():
                    included.setdefault(ref["id"], self.by_id(ref["id"]))
            user_ids: list[str] = []
            for t in [*data, *included.values()]:
                user_ids.append(t["author_id"])
            for t in data:
                if "in_reply_to_user_id" in t:
                    user_ids.append(t["in_reply_to_user_id"])
                user_ids.extend(m["id"] for m in (t.get("entities") or {}).get("mentions") or ())
            by_uid = {u["id"]: u for u in self.users.values()}
            users = [by_uid[uid] for uid in dict.fromkeys(user_ids)]
            url = SEARCH_URL + (f"&next_token={next_token}" if next_token else "")
            last = start + PAGE_SIZE >= len(newest_first)
            meta: dict[str, Any] = {"newest_id": data[0]["id"], "oldest_id": data[-1]["id"],
                                    "result_count": len(data)}
            if not last:
                next_token = "b26v89c19zqg8o3fo" + "".join(
                    self.rng.choice(string.ascii_lowercase + string.digits) for _ in range(28))
                meta["next_token"] = next_token
            out.append({
                "data": data,
                "includes": {"users": users, "tweets": list(included.values())},
                "meta": meta,
                "__twarc": {"url": url, "version": TWARC_VERSION, "retrieved_at": RETRIEVED[number]},
            })
        return out


def mojibake(text: str) -> str:
    """The text as a program shows it after reading its UTF-8 bytes as cp1252."""
    garbled = text.encode("utf-8").decode("cp1252")
    assert garbled != text and garbled.encode("cp1252").decode("utf-8") == text
    return garbled


def _is_retweet(tweet: dict[str, Any]) -> bool:
    return any(r["type"] == "retweeted" for r in tweet.get("referenced_tweets") or ())


def _live(entry: Entry) -> bool:
    when = _time(entry.when)
    return f"{CHAT_DAY}T{LIVE_HOUR[0]}" <= when < f"{CHAT_DAY}T{LIVE_HOUR[1]}"


_LABEL = re.compile(r"^(?:@\w+ )*A([1-4])\b", re.I)
_ORG_MENTION = re.compile(r"@(" + "|".join(sorted(ORGANIZATIONS)) + r")\b", re.I)


def truth(builder: Builder, pages: list[dict[str, Any]]) -> dict[str, Any]:
    """What the archive holds, checked against the invariants the tests rely on."""
    def pid(tid: str) -> str:
        return f"twitter:{tid}"

    entries = {e.key: e for e in CHAT if e.key}
    thread: dict[str, str] = {}  # entry key -> the question its answer thread belongs to
    questions: dict[str, dict[str, Any]] = {}
    asked: dict[str, str] = {}  # label -> time asked
    late: list[str] = []
    unattached: list[str] = []
    reposts: list[str] = []
    strays: list[str] = []
    echoes: list[tuple[Entry, str]] = []
    nominations: list[dict[str, Any]] = []
    contrarian: tuple[Entry, str] | None = None
    garbled: tuple[Entry, str] | None = None
    live_times: list[str] = []
    for entry, tid in zip(CHAT, builder.ids, strict=True):
        tweet = builder.by_id(tid)
        parent = entries[entry.reply] if entry.reply else None
        parent_q = thread.get(entry.reply or "")
        q: str | None = None
        if entry.answers is not None:
            q = entry.answers or parent_q
            assert q, f"an answer needs its question: {entry.text}"
            assert parent_q in (None, q), f"a reply in a {parent_q} thread answers {parent_q}: {entry.text}"
            assert not (parent and parent.prompt and parent.prompt != q), entry.text
            assert not (entry.quote and entries[entry.quote].prompt not in (None, q)), entry.text
        elif entry.referenced_only:
            q = parent_q
        else:
            assert parent_q is None, f"a reply in an answer's thread is an answer: {entry.text}"
            assert not (parent and parent.prompt), f"a reply to a question is an answer: {entry.text}"
        if entry.key and q:
            thread[entry.key] = q
        if entry.referenced_only:
            assert entry.answers is None and not entry.prompt and "#b2bchat" not in entry.text.lower()
            continue
        assert entry.retweet or CHAT_TAG.lower() in (entry.text or "").lower(), entry.text
        if entry.handle == SELF_PROMOTER:
            assert re.search(r"scalestack|@ScaleStackIO", entry.text or "", re.I), entry.text
            assert not entry.nominees
        if not _live(entry):
            assert entry.answers is None and not entry.prompt and not entry.retweet, entry.text
            strays.append(pid(tid))
            continue
        live_times.append(tweet["created_at"])
        if entry.retweet:
            reposts.append(pid(tid))
        elif entry.prompt:
            label = entry.prompt
            assert entry.handle in HOSTS and entry.text and entry.text.startswith(f"{label}:")
            assert label == f"Q{len(questions) + 1}", label
            questions[label] = {"label": label, "prompt_id": pid(tid), "text": entry.text,
                                "answer_ids": []}
            asked[label] = entry.when
        elif q:
            assert q in asked, f"answer before its question: {entry.text}"
            questions[q]["answer_ids"].append(pid(tid))
            if any(label > q and when < entry.when for label, when in asked.items()):
                late.append(pid(tid))
            if entry.nominees:
                assert q == "Q4", entry.text
                nominations.append({"post_id": pid(tid), "nominator": entry.handle,
                                    "nominees": entry.nominees})
            if q == "Q4":
                rest = re.sub(r"^@B2BchatHost ", "", entry.text or "")
                assert not _ORG_MENTION.search(rest), f"Q4 answers name people: {entry.text}"
                if _LABEL.match(entry.text or ""):
                    assert entry.nominees, entry.text
        else:
            unattached.append(pid(tid))
        if entry.contrarian:
            assert contrarian is None and q == "Q1"
            contrarian = (entry, tid)
        if entry.echo:
            assert contrarian and entry.handle != contrarian[0].handle, entry.text
            assert "original research" in (entry.text or "").lower(), entry.text
            echoes.append((entry, tid))
        if entry.mojibake:
            assert garbled is None and q
            garbled = (entry, tid)
        for nominee in entry.nominees:
            if " " in nominee:  # a plain full name
                assert nominee in (entry.text or "") and nominee.lower() not in builder.by_handle_lower
            else:
                assert f"@{nominee}" in (entry.text or "") and nominee in builder.users, nominee
                assert nominee not in ORGANIZATIONS, nominee

    # the invariants
    assert list(questions) == ["Q1", "Q2", "Q3", "Q4"]
    assert "thought leaders?" in questions["Q4"]["text"]
    gaps = [(datetime.fromisoformat(_time(b)) - datetime.fromisoformat(_time(a))).seconds / 60
            for a, b in zip(list(asked.values()), list(asked.values())[1:], strict=False)]
    assert all(12 <= g <= 14 for g in gaps), gaps
    live = {pid(tid) for e, tid in zip(CHAT, builder.ids, strict=True)
            if _live(e) and not e.referenced_only and not e.retweet}
    placed = [*(q["prompt_id"] for q in questions.values()),
              *(a for q in questions.values() for a in q["answer_ids"]), *unattached]
    assert len(placed) == len(set(placed)) and set(placed) == live
    assert len(late) >= 4, late
    assert contrarian and garbled
    assert len({e.handle for e, _ in echoes}) >= 3
    answered = {a: q["label"] for q in questions.values() for a in q["answer_ids"]}
    assert {answered[pid(tid)] for _, tid in echoes} >= {"Q2", "Q3", "Q4"}
    assert nominations and all(n["nominator"] != SELF_PROMOTER for n in nominations)
    posts = [t for t in builder.tweets if t["id"] not in builder.referenced_only]
    assert 280 <= len(posts) <= 330, len(posts)
    assert 36 <= len({t["author_id"] for t in posts}) <= 44
    seen = {u["username"] for p in pages for u in p["includes"]["users"]}
    assert seen == set(builder.users), set(builder.users) - seen

    return {
        "chat": CHAT_TAG,
        "session": {"start": live_times[0], "end": live_times[-1]},
        "hosts": HOSTS,
        "questions": list(questions.values()),
        "late_answer_ids": late,
        "unattached_ids": unattached,
        "reposts": reposts,
        "stray_ids": strays,
        "mojibake": {"post_id": pid(garbled[1]), "text": garbled[0].text},
        "self_promoter": SELF_PROMOTER,
        "contrarian": {"post_id": pid(contrarian[1]), "author": contrarian[0].handle,
                       "echo_ids": [pid(tid) for _, tid in echoes]},
        "nominations": nominations,
        "people": sorted(h for h in builder.users if h not in ORGANIZATIONS),
        "organizations": sorted(ORGANIZATIONS),
    }


def build() -> tuple[list[dict[str, Any]], dict[str, Any]]:
    builder = Builder()
    times = [_time(e.when) for e in CHAT]
    assert times == sorted(times), "CHAT must be in time order"
    for entry in CHAT:
        builder.add(entry)
    builder.metrics()
    pages = builder.pages()
    return pages, truth(builder, pages)


def main() -> None:
    pages, facts = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as fh:
        for page in pages:
            fh.write(json.dumps(page) + "\n")  # ASCII with \u escapes, as twarc2 writes
    with open(TRUTH, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(json.dumps(facts, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    tweets = sum(len(p["data"]) for p in pages)
    referenced = {t["id"] for p in pages for t in p["includes"]["tweets"]}
    referenced -= {t["id"] for p in pages for t in p["data"]}
    authors = {t["author_id"] for p in pages for t in p["data"]}
    answers = ", ".join(f"{q['label']} {len(q['answer_ids'])}" for q in facts["questions"])
    print(f"wrote {OUT} ({len(pages)} pages, {tweets} tweets, {len(referenced)} referenced only, "
          f"{len(authors)} authors)")
    print(f"wrote {TRUTH} (answers: {answers}; {len(facts['late_answer_ids'])} late, "
          f"{len(facts['unattached_ids'])} unattached, {len(facts['reposts'])} reposts, "
          f"{len(facts['stray_ids'])} strays, {len(facts['nominations'])} nominations)")


if __name__ == "__main__":
    main()
