"""Write the example archive that ``chatrecap demo`` imports.

The archive is an invented one-hour moderated tweet chat, #B2Bchat on "Thought leadership
in B2B marketing" (Thursday 2024-03-14, 18:00-19:00 UTC), with a few posts before and on
other days. Every person, company, handle, id and link in it is made up; the web links use
the reserved ``.example`` domain.

It is written as twarc2 writes a recent-search harvest: one X API v2 response page per
line, newest tweets first, each page carrying the users and referenced tweets it needs in
``includes``. Tweet ids are snowflakes that encode their ``created_at``.

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

OUT = Path(__file__).resolve().parents[1] / "src" / "chatrecap" / "examples" / "b2bchat-example.jsonl"

TWITTER_EPOCH_MS = 1288834974657
CHAT_DAY = "2024-03-14"
PAGE_SIZE = 100
RETRIEVED = ["2024-03-16T12:05:31+00:00", "2024-03-16T12:05:33+00:00", "2024-03-16T12:05:35+00:00"]
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
    ("ScaleStackIO", "1420095531207016450", "ScaleStack",
     "Done-for-you B2B growth systems. Founded by @GregGrowthHacks.",
     402, 1209, 1388, 2, False, "2021-07-27T18:44:10.000Z", "", "scalestack.example"),
    ("GrowthLoopHQ", "1305512889930866689", "GrowthLoop",
     "Referral programmes for B2B SaaS. Bootstrapped in Bristol.",
     1530, 244, 980, 12, False, "2020-09-14T14:20:51.000Z", "Bristol, UK", "growthloop.example"),
]

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


def T(key: str | None, when: str, handle: str, text: str, **kw: Any) -> Entry:
    return Entry(key, when, handle, text, **kw)


def RT(when: str, handle: str, key: str) -> Entry:
    return Entry(None, when, handle, retweet=key)


CHAT: list[Entry] = [
    # days before
    T("teaser", "03-10 15:20:11", "B2BchatHost",
      "📣 This Thursday on #B2Bchat: Thought leadership in B2B marketing, with guest @DrLenaOkafor. "
      "2pm ET / 18:00 UTC. Bring your hot takes 🔥", likes=31, rts=12),
    T(None, "03-11 09:02:47", "DanielleWrites",
      "Already blocked my calendar for Thursday's #B2Bchat 🙌 Thought leadership is my favourite "
      "thing to argue about", likes=6),
    # warm-up
    T("reminder", "17:45:03", "B2BchatHost",
      "⏰ #B2Bchat starts in 15 minutes! Today: Thought leadership in B2B marketing with "
      "@DrLenaOkafor. Who's joining? 👋", likes=24, rts=9),
    RT("17:45:50", "MiaMarketer", "reminder"),
    T(None, "17:46:31", "PriyaNairB2B", "Wouldn't miss it! 👋 #B2Bchat", reply="reminder", likes=3),
    T(None, "17:47:12", "KenjiSocial", "Joining from Toronto ☕ Who else is here early? #B2Bchat",
      likes=4),
    T("greg_pre", "17:48:40", "GregGrowthHacks",
      "Ready for #B2Bchat 🚀 This topic is literally what I teach in my FREE Authority Engine "
      "webinar → https://scalestack.example/webinar", likes=1),
    T("lena_pre", "17:50:05", "DrLenaOkafor",
      "Excited to be the guest on #B2Bchat today! Thank you @B2BchatHost and @MiaMarketer for "
      "having me. See you in 10 👋", likes=37),
    T(None, "17:50:44", "B2BchatHost", "We're so excited to have you, Lena! 🙌 #B2Bchat",
      reply="lena_pre", likes=8),
    RT("17:52:18", "DanielleWrites", "reminder"),
    T("ravi_first", "17:53:30", "RaviKMarketing", "About to join my first ever #B2Bchat 😬 any tips?",
      likes=9),
    T("mia_tips", "17:54:47", "MiaMarketer",
      "Welcome Ravi! Label answers A1, A2…, always add #B2Bchat, and jump into the replies. "
      "Everyone's friendly 💬", reply="ravi_first", likes=7),
    T(None, "17:55:20", "RaviKMarketing", "Thank you!! 🙏 #B2Bchat", reply="mia_tips", likes=2),
    T(None, "17:57:02", "ZoeContent", "Coffee ☕ Cat on keyboard 🐈 Ready for #B2Bchat", likes=11),
    RT("17:58:10", "AcmeAnalytics", "reminder"),
    # welcome and introductions
    T("welcome", "18:00:04", "B2BchatHost",
      "Welcome to #B2Bchat! 🎉 Today we're talking thought leadership in B2B marketing with our "
      "guest @DrLenaOkafor. Introduce yourself and tell us where you're tuning in from!",
      likes=38, rts=7),
    T("house", "18:00:31", "B2BchatHost",
      "Quick housekeeping: we'll post Q1 to Q6 about every 8 minutes. Answer with A1, A2… and "
      "include #B2Bchat so everyone can follow along 🙏", likes=12, rts=3),
    T(None, "18:00:58", "MiaMarketer",
      "Hi all! Mia here, co-hosting today from Stockholm 🇸🇪 So happy to see so many familiar "
      "faces #B2Bchat", likes=15),
    T(None, "18:01:12", "DrLenaOkafor",
      "Hi everyone! Lena here: researcher, author of Earned Attention, recovering agency "
      "strategist. Tuning in from Lagos 🌍 #B2Bchat", reply="welcome", likes=29),
    T(None, "18:01:25", "PriyaNairB2B",
      "Hi #B2Bchat! Priya, VP Marketing at Acme Analytics, joining from Boston 👋", likes=6),
    T(None, "18:01:40", "JoseMRamirez",
      "¡Hola! José, Head of Brand at @PipelinePro, joining from Austin today 🤠 #B2Bchat", likes=5),
    T(None, "18:01:58", "TomBrandt",
      "Tom from @GrowthLoopHQ here, Bristol UK. Long-time lurker, first-time answerer #B2Bchat",
      likes=4),
    T(None, "18:02:10", "AishaKContent",
      "Aisha, freelance B2B writer, London 🇬🇧 Here for the hot takes #B2Bchat", likes=5),
    T(None, "18:02:22", "ContentForgeHQ",
      "Hi #B2Bchat! The ContentForge team is here and taking notes 📝", likes=3),
    T(None, "18:02:35", "ZoeContent",
      "Zoë here 👋 content strategist in Berlin. Cat is asleep, so I'm all yours #B2Bchat", likes=7),
    T(None, "18:02:49", "MarcusLeeMktg", "Marcus, demand gen in fintech, NYC. Let's go! #B2Bchat",
      reply="welcome", likes=3),
    T(None, "18:03:01", "NiamhPR", "Niamh from Dublin ☘️ B2B PR person. Hello all! #B2Bchat",
      likes=4),
    T(None, "18:03:15", "RachelOnB2B",
      "Rachel, CMO @ContentForgeHQ, Chicago. Always my favourite hour of the week #B2Bchat",
      likes=12),
    T(None, "18:03:30", "HannahLinkedIn", "Hannah, LinkedIn ghostwriter, Munich. Hi friends! #B2Bchat",
      likes=3),
    T(None, "18:03:44", "OliverABM", "Oliver, ABM in Manchester. Evening all 🌙 #B2Bchat", likes=2),
    T(None, "18:03:52", "RevenueRoomPod",
      "The Revenue Room Podcast team tuning in 🎙️ Hi #B2Bchat!", likes=2),
    # Q1
    T("q1", "18:04:05", "B2BchatHost", "Q1: What makes someone a thought leader? 🤔 #B2Bchat",
      likes=41, rts=14),
    RT("18:04:20", "MiaMarketer", "q1"),
    RT("18:04:33", "PriyaNairB2B", "q1"),
    T("lena_a1", "18:05:10", "DrLenaOkafor",
      "A1: Thought leadership is earned, not claimed. You don't get to call yourself one; your "
      "audience decides, based on whether you changed how they think. #B2Bchat", likes=96, rts=27),
    T("priya_a1", "18:05:35", "PriyaNairB2B",
      "A1: An original point of view. If you're repackaging what everyone else already says, "
      "that's content, not leadership. #B2Bchat", likes=34, rts=6),
    T(None, "18:05:58", "ZoeContent",
      "A1 - Consistency! Showing up week after week with ideas, not only when there's a launch to "
      "promote ☕ #B2Bchat", likes=21, rts=3),
    T(None, "18:06:14", "TomBrandt",
      "A1. Generosity. The real ones give their best thinking away for free. #B2Bchat", likes=18),
    RT("18:06:30", "MarcusLeeMktg", "lena_a1"),
    T("marcus_a1", "18:06:41", "MarcusLeeMktg",
      "A1: Earned, not claimed 💯 Anyone with 'thought leader' in their bio probably isn't one. "
      "#B2Bchat", likes=52, rts=8),
    T(None, "18:07:02", "SofiaBrandOps",
      "A1: A clear, original point of view, plus the courage to defend it when it's unpopular. "
      "#B2Bchat", reply="q1", likes=26, rts=4),
    T("greg_a1", "18:07:20", "GregGrowthHacks",
      "A1: Results. I've helped 300+ B2B companies 10x their pipeline. Thought leadership = proof. "
      "Free webinar on exactly this 👉 https://scalestack.example/webinar #B2Bchat", likes=2),
    T(None, "18:07:35", "AishaKContent",
      "A1: Someone whose ideas you'd recognise without seeing their name. That's what an original "
      "POV looks like. #B2Bchat", likes=19),
    T(None, "18:07:51", "DanielleWrites",
      "Generosity with what they know. The best ones even answer DMs from nobodies like me 😅 "
      "#B2Bchat", likes=14),
    T("kenji_r_lena", "18:08:05", "KenjiSocial",
      "So true. The title is given by others, never self-awarded. #B2Bchat", reply="lena_a1", likes=9),
    T(None, "18:08:33", "DrLenaOkafor", "Exactly, and it can be taken away just as fast 😬 #B2Bchat",
      reply="kenji_r_lena", likes=17),
    T(None, "18:08:50", "NiamhPR",
      "A1: Consistency. Same values, same themes, for years. People trust what shows up reliably. "
      "#B2Bchat", likes=13),
    RT("18:09:02", "AcmeAnalytics", "priya_a1"),
    T("rachel_a1", "18:09:15", "RachelOnB2B",
      "A1: Original, consistent, generous. Pick any two and you're a good marketer. All three and "
      "people will start calling you a thought leader. #B2Bchat", likes=47, rts=9),
    T("ben_a1", "18:09:40", "BenCarterSEO",
      "A1: Original research. Data nobody else has is the fastest route to an original point of "
      "view. #B2Bchat", likes=15),
    T(None, "18:10:02", "FatimaInsights",
      "Yes! Original research is so underrated. Even a 50-person survey beats another listicle. "
      "#B2Bchat", reply="ben_a1", likes=11),
    T(None, "18:10:20", "MiaMarketer",
      "A1: Earned trust + a point of view that's actually theirs. Everything else is noise. "
      "#B2Bchat", likes=22),
    T("ravi_a1", "18:10:41", "RaviKMarketing",
      "A1: I'm new to this, but to me it's someone who teaches instead of sells? #B2Bchat",
      likes=16),
    T(None, "18:11:03", "MiaMarketer", "Great way to put it! Teach, don't sell 👏 #B2Bchat",
      reply="ravi_a1", likes=10),
    RT("18:11:20", "ZoeContent", "rachel_a1"),
    T(None, "18:11:36", "ChrisAdeyemi",
      "A1: Someone who makes you see a problem differently. If I think the same after reading, it "
      "wasn't leadership. #B2Bchat", likes=12),
    RT("18:11:52", "B2BchatHost", "lena_a1"),
    # Q2
    T("q2", "18:12:30", "B2BchatHost",
      "Q2: Can a company be a thought leader, or only people? 🏢🙋 #B2Bchat", likes=35, rts=11),
    RT("18:12:44", "MiaMarketer", "q2"),
    T("lena_a2", "18:13:10", "DrLenaOkafor",
      "A2: Companies can, but only through people. Buyers trust humans. The smartest brands build "
      "a stage for their experts instead of hiding them behind a logo. #B2Bchat", likes=88, rts=24),
    T("lena_a2b", "18:13:40", "DrLenaOkafor",
      "A2 (cont.): In our buyer interviews, 7 out of 10 could name a person at a vendor they "
      "trusted. Almost none could name a company's 'point of view'. #B2Bchat",
      reply="lena_a2", likes=41, rts=10),
    T(None, "18:13:58", "ContentForgeHQ",
      "A2: We'd like to think so 😉 Honestly though, our best ideas come from our people. The "
      "brand just amplifies them. #B2Bchat", likes=9),
    T("jose_a2", "18:14:15", "JoseMRamirez",
      "A2 - A company can own a point of view, but people carry it. Nobody quotes a logo over "
      "dinner. #B2Bchat", likes=31, rts=5),
    T(None, "18:14:33", "PriyaNairB2B",
      "A2: Both, but the company version only works when it puts its people front and centre. "
      "#B2Bchat", likes=14),
    T("oliver_a2", "18:14:50", "OliverABM",
      "A2: People. Always people. Buyers follow humans, not brands. #B2Bchat", likes=17),
    RT("18:15:05", "HannahLinkedIn", "lena_a2"),
    T(None, "18:15:18", "HannahLinkedIn",
      "A2: People trust people. That's literally my whole job 😂 Founders > logos. #B2Bchat",
      likes=13),
    RT("18:15:30", "PriyaNairB2B", "lena_a2"),
    T(None, "18:15:40", "ChrisAdeyemi",
      "A2. Companies can lead a category. Think of the brands that named a problem before anyone "
      "else did. That's company-level thought leadership. #B2Bchat", likes=20),
    T(None, "18:16:02", "LucasDemandGen",
      "A1 (late, sorry!): Consistency. Showing up every week beats one viral post. #B2Bchat",
      likes=6),
    T(None, "18:16:20", "PipelinePro",
      "A2: Companies can earn it with original research. Our State of Pipeline report taught us "
      "that data gets cited and opinions get scrolled past. #B2Bchat", likes=16),
    T("rachel_r_oliver", "18:16:45", "RachelOnB2B",
      "Mostly agree, but a company can earn trust the same way a person does: consistency over "
      "years. #B2Bchat", reply="oliver_a2", likes=12),
    T(None, "18:17:10", "OliverABM", "Fair! Even then I think of the people behind it first. #B2Bchat",
      reply="rachel_r_oliver", likes=5),
    T(None, "18:17:25", "EmilyNovak",
      "A2: Yes, but only if employees are allowed to have opinions in public. Most legal teams "
      "would disagree 🙃 #B2Bchat", likes=23),
    RT("18:17:40", "ContentForgeHQ", "lena_a2"),
    T("karen_a2", "18:17:58", "KarenB2BSales",
      "A2: Company = the stage, people = the performers. You need both. #B2Bchat", likes=27, rts=5),
    T(None, "18:18:15", "GregGrowthHacks",
      "A2: Companies AND founders. That's why I built @ScaleStackIO around my personal brand. DM "
      "me 'LEADER' for my free template 📩 https://scalestack.example/template #B2Bchat", likes=1),
    T(None, "18:18:40", "ZoeContent",
      "A2: People, but a company can create the conditions. Give your experts time to think and "
      "write! #B2Bchat", reply="q2", likes=15),
    T(None, "18:19:05", "JoseMRamirez",
      "This. Build a stage for your experts, don't hide them behind a logo 👇 #B2Bchat",
      quote="lena_a2", likes=19),
    T(None, "18:19:30", "KenjiSocial", "A2: Brands can have a voice. Leadership needs a face. #B2Bchat",
      likes=29, rts=4),
    T("sofia_r_jose", "18:19:50", "SofiaBrandOps",
      "Love 'nobody quotes a logo over dinner' 😂 #B2Bchat", reply="jose_a2", likes=6),
    T(None, "18:20:15", "JoseMRamirez", "¡Gracias, Sofía! Se lo robé a mi abuela 😄 #B2Bchat",
      reply="sofia_r_jose", likes=4, lang="es"),
    RT("18:20:40", "AishaKContent", "karen_a2"),
    T(None, "18:20:55", "MiaMarketer",
      "A2: Companies can, when they let their people be visible. Faceless brand = forgettable "
      "brand. #B2Bchat", likes=18),
    # Q3
    T("q3", "18:21:30", "B2BchatHost",
      "Q3: What's the biggest mistake brands make with thought leadership? 🚩 #B2Bchat",
      likes=39, rts=13),
    RT("18:21:45", "MiaMarketer", "q3"),
    RT("18:21:59", "DanielleWrites", "q3"),
    T("lena_a3", "18:22:20", "DrLenaOkafor",
      "A3: Dressing up a sales pitch as thought leadership. If every 'insight' ends with 'book a "
      "demo', buyers notice, and they stop trusting you. #B2Bchat", likes=104, rts=31),
    T(None, "18:22:35", "DanielleWrites",
      "Printing this and taping it to our CEO's monitor 😂 #B2Bchat", reply="lena_a3", likes=20),
    T("marcus_a3", "18:22:45", "MarcusLeeMktg",
      "A3: Self-promotion. Your product is not a point of view. #B2Bchat", likes=61, rts=12),
    T(None, "18:23:05", "TomBrandt",
      "A3 - Making it about themselves. Thought leadership is about the customer's problem, not "
      "your feature list. #B2Bchat", likes=22),
    T("aisha_a3", "18:23:22", "AishaKContent",
      "A3: Committee-written content with every opinion sanded off. If nobody could disagree with "
      "it, it isn't leadership. #B2Bchat", likes=44, rts=7),
    T("greg_a3", "18:23:40", "GregGrowthHacks",
      "A3: Not having a system! My 5-step Authority Engine fixes exactly this. Join my webinar next "
      "Thursday 👉 https://scalestack.example/webinar #B2Bchat", likes=0),
    RT("18:23:50", "TomBrandt", "lena_a3"),
    T(None, "18:24:02", "FatimaInsights",
      "A1: Late to the party, but: generosity. Sharing what you know without expecting anything "
      "back. #B2Bchat", likes=8),
    T(None, "18:24:20", "EmilyNovak", "I think you just answered Q3 for us 😅 #B2Bchat",
      reply="greg_a3", likes=58, rts=2),
    RT("18:24:30", "SofiaBrandOps", "aisha_a3"),
    T(None, "18:24:41", "DanielleWrites",
      "A3: Too much self-promotion!! Teach first, sell (much) later. #B2Bchat", likes=25),
    T(None, "18:24:50", "DrLenaOkafor",
      "Yes! And it's the fastest way to lose the trust you spent years building. #B2Bchat",
      reply="marcus_a3", likes=31),
    T(None, "18:25:00", "NiamhPR",
      "A3. Treating it as a campaign. It's a long game & most brands give up after one quarter. "
      "#B2Bchat", likes=17),
    T(None, "18:25:18", "SofiaBrandOps", "A3: Being afraid to take a stance. Safe = invisible. #B2Bchat",
      likes=33, rts=5),
    T(None, "18:25:35", "KenjiSocial",
      "A3: Gating everything. Nobody wants to trade their email for a 'thought leadership' PDF "
      "that turns out to be a product brochure. #B2Bchat", likes=24),
    T(None, "18:25:55", "KarenB2BSales",
      "A3: Self-promo disguised as insight. Sales can see through it, and so can buyers. #B2Bchat",
      likes=19),
    T(None, "18:26:10", "AcmeAnalytics",
      "A3: Publishing without listening. The best ideas come from customer conversations, not the "
      "boardroom. #B2Bchat", likes=11),
    T(None, "18:26:28", "BenCarterSEO", "A3: Chasing keywords instead of ideas. Ranking ≠ leading. "
      "#B2Bchat", likes=14),
    T("mia_a3", "18:26:45", "MiaMarketer",
      "A3: Outsourcing the thinking. You can outsource the writing, never the point of view. "
      "#B2Bchat", likes=36, rts=6),
    T("hannah_r_mia", "18:27:05", "HannahLinkedIn",
      "As a ghostwriter I feel seen 😂 but 100% agree, the ideas have to be the client's. #B2Bchat",
      reply="mia_a3", likes=15),
    T(None, "18:27:25", "MiaMarketer",
      "Ha! Exactly why good ghostwriters interview first and write second 🙌 #B2Bchat",
      reply="hannah_r_mia", likes=9),
    RT("18:27:40", "MarcusLeeMktg", "lena_a3"),
    RT("18:27:52", "KenjiSocial", "lena_a3"),
    RT("18:28:05", "B2BchatHost", "lena_a3"),
    RT("18:28:15", "PriyaNairB2B", "marcus_a3"),
    T(None, "18:28:30", "LucasDemandGen",
      "A3: Talking about yourself. See also: every 'we're thrilled to announce' post. #B2Bchat",
      likes=13),
    T(None, "18:28:50", "RachelOnB2B",
      "If nobody could disagree with it, it isn't leadership. Putting this on a poster for our "
      "content team. #B2Bchat", quote="aisha_a3", likes=28),
    T(None, "18:29:10", "B2BchatHost",
      "Love these answers! 🔥 Keep them coming, Q4 lands in one minute #B2Bchat", likes=6),
    T(None, "18:29:30", "ChrisAdeyemi",
      "A3: Launching a 'thought leadership program' without a single new thought. #B2Bchat",
      likes=39, rts=4),
    # Q4
    T("q4", "18:30:05", "B2BchatHost", "Q4: How do you measure thought leadership? 📊 #B2Bchat",
      likes=33, rts=10),
    RT("18:30:20", "MiaMarketer", "q4"),
    T("lena_a4", "18:30:58", "DrLenaOkafor",
      "A4: Ask buyers. A free-text 'Where did you first hear about us?' field tells you more than "
      "any dashboard. #B2Bchat", likes=79, rts=22),
    RT("18:31:05", "FatimaInsights", "lena_a4"),
    T("priya_a4", "18:31:20", "PriyaNairB2B",
      "A4: Self-reported attribution. Prospects quoting your ideas back to you on sales calls = "
      "thought leadership working. #B2Bchat", likes=55, rts=9),
    T(None, "18:31:42", "AcmeAnalytics",
      "A4: Self-reported attribution + pipeline influenced. (Shameless plug: we wrote a guide on "
      "this 👉 https://acmeanalytics.example/guides/self-reported-attribution) #B2Bchat", likes=7),
    RT("18:31:50", "AcmeAnalytics", "priya_a4"),
    T(None, "18:32:05", "KarenB2BSales",
      "A4 - When reps tell you prospects arrive already educated. That's the metric. #B2Bchat",
      likes=21),
    T("oliver_a4", "18:32:22", "OliverABM",
      "A4: Invitations. Podcasts, panels, analysts asking for your take. #B2Bchat", likes=12),
    T(None, "18:32:40", "RevenueRoomPod",
      "A4: From our side of the mic: we invite the guests whose ideas our listeners keep quoting "
      "back to us 🎙️ #B2Bchat", likes=10),
    T(None, "18:33:00", "LucasDemandGen", "A4: Not with vanity metrics. Impressions ≠ influence. "
      "#B2Bchat", likes=16),
    T(None, "18:33:18", "BenCarterSEO",
      "A4. Branded search over time. If people search your name + your topic, you're winning. "
      "(h/t @FatimaInsights for this one) #B2Bchat", likes=14),
    T(None, "18:33:40", "ZoeContent",
      "A4: Are people quoting you, disagreeing with you, building on your ideas? Conversations > "
      "clicks. #B2Bchat", likes=27, rts=3),
    T("marcus_a4", "18:34:00", "MarcusLeeMktg",
      "A4: Honestly? It's hard to measure, and that's OK. Some things you have to believe in. "
      "#B2Bchat", likes=11),
    T("lucas_r_marcus", "18:34:25", "LucasDemandGen", "Try telling that to my CFO 😅 #B2Bchat",
      reply="marcus_a4", likes=20),
    T(None, "18:34:50", "MarcusLeeMktg",
      "Ha! Self-reported attribution is the compromise. Your CFO gets a number, you get the truth. "
      "#B2Bchat", reply="lucas_r_marcus", likes=14),
    T(None, "18:35:10", "ChrisAdeyemi",
      "A4: Win rates on deals where the buyer engaged with your POV content vs deals where they "
      "didn't. #B2Bchat", likes=17),
    T("fatima_a4", "18:35:30", "FatimaInsights",
      "A4: Share of voice in customer interviews. When buyers use your language unprompted, you've "
      "led. #B2Bchat", likes=37, rts=6),
    T(None, "18:35:50", "EmilyNovak",
      "A4: Invitations! Speaking slots, podcasts, guest posts. Nobody invites a brochure. #B2Bchat",
      reply="q4", likes=18),
    T(None, "18:36:10", "PipelinePro",
      "A4: Pipeline influenced, obviously 😄 But also how many prospects mention our research on "
      "first calls. #B2Bchat", likes=8),
    T(None, "18:36:30", "GregGrowthHacks",
      "A4: Revenue. Period. My clients see ROI in 30 days or less 👉 https://scalestack.example/results "
      "#B2Bchat", likes=1),
    RT("18:36:50", "B2BchatHost", "lena_a4"),
    T(None, "18:37:05", "RachelOnB2B",
      "Prospects quoting your ideas back to you. Best metric there is 👇 #B2Bchat",
      quote="priya_a4", likes=24),
    T(None, "18:37:25", "NiamhPR",
      "A4: Journalists calling you for comment instead of you pitching them. #B2Bchat", likes=19),
    RT("18:37:45", "DanielleWrites", "priya_a4"),
    T(None, "18:38:00", "RaviKMarketing",
      "Taking notes on all of this 📝 Self-reported attribution is new to me! #B2Bchat", likes=7),
    RT("18:38:20", "KenjiSocial", "fatima_a4"),
    # Q5
    T("q5", "18:39:05", "B2BchatHost", "Q5: Who are your go-to thought leaders? Tag them! 🏷️ #B2Bchat",
      likes=36, rts=12),
    RT("18:39:20", "MiaMarketer", "q5"),
    RT("18:39:30", "HannahLinkedIn", "q5"),
    T("lena_a5", "18:40:02", "DrLenaOkafor",
      "A5: I learn so much from @JaneRivers on writing and @MarkoVeldt on buyer research. And "
      "honestly, from half of this chat 😊 #B2Bchat", likes=64, rts=11),
    T(None, "18:40:25", "PriyaNairB2B",
      "A5: @DrLenaOkafor (and not just because she's our guest!), @JaneRivers and @SofiaBrandOps "
      "#B2Bchat", likes=18),
    RT("18:40:40", "RaviKMarketing", "lena_a5"),
    T(None, "18:40:45", "ZoeContent",
      "A5 - @JaneRivers forever. Also @RachelOnB2B, whose threads I bookmark religiously. #B2Bchat",
      likes=16),
    T("tom_a5", "18:41:05", "TomBrandt",
      "A5: @MarkoVeldt and @SamOduya. As a company, @ContentForgeHQ's blog is genuinely great. "
      "#B2Bchat", likes=12),
    T(None, "18:41:25", "AishaKContent",
      "A5: @DrLenaOkafor, @JaneRivers, and @NiamhPR for anyone in comms 🙌 #B2Bchat", likes=14),
    T(None, "18:41:45", "KenjiSocial",
      "A5: @ZoeContent and @HannahLinkedIn for social. @ContentForgeHQ for content ops. #B2Bchat",
      likes=10),
    T("marcus_a5", "18:42:05", "MarcusLeeMktg",
      "A5: @JaneRivers and @RachelOnB2B. Not @PipelinePro though, a logo can't be my go-to 😉 "
      "#B2Bchat", likes=23),
    T(None, "18:42:30", "JoseMRamirez", "Ouch 😂 Fair enough. We'll earn it. #B2Bchat",
      reply="marcus_a5", likes=15),
    T(None, "18:42:50", "GregGrowthHacks",
      "A5: Humbly... me 😅 @GregGrowthHacks. Kidding! (Not kidding.) Also follow @ScaleStackIO for "
      "daily growth tips 👉 https://scalestack.example #B2Bchat", likes=0),
    T(None, "18:43:10", "FatimaInsights",
      "A5: @MarkoVeldt. His buyer research is the gold standard. #B2Bchat", likes=11),
    T("ravi_a5", "18:43:30", "RaviKMarketing",
      "A5: Honestly everyone in this chat 😅 but @DrLenaOkafor's book is what got me into B2B "
      "marketing #B2Bchat", likes=25),
    T(None, "18:43:55", "DrLenaOkafor", "That genuinely made my day 🥹 #B2Bchat", reply="ravi_a5",
      likes=22),
    T(None, "18:44:10", "SofiaBrandOps", "A5: @JaneRivers, @DrLenaOkafor, @MiaMarketer #B2Bchat",
      likes=9),
    T(None, "18:44:30", "ChrisAdeyemi",
      "A5: @SamOduya (his podcast @RevenueRoomPod is a must-listen) and the research team at "
      "@PipelinePro. #B2Bchat", likes=10),
    T(None, "18:44:50", "EmilyNovak",
      "A5: @SofiaBrandOps and @JaneRivers. Both have a POV you can spot a mile away. #B2Bchat",
      likes=12),
    T(None, "18:45:10", "LucasDemandGen", "A5: @BenCarterSEO, for SEO that's actually about ideas. "
      "#B2Bchat", likes=5),
    T(None, "18:45:30", "BenCarterSEO",
      "A5: @MarkoVeldt and @JaneRivers. And thanks @LucasDemandGen, that's very kind 🙏 #B2Bchat",
      likes=6),
    T(None, "18:45:50", "RevenueRoomPod",
      "A5: We're biased: every guest we've had on. This week's episode is with @DrLenaOkafor 🎙️ "
      "https://revenueroom.example/episodes/112 #B2Bchat", likes=14, rts=3),
    T(None, "18:46:10", "DanielleWrites",
      "A5: @ZoeContent, @AishaKContent, @RachelOnB2B. My daily reading list. #B2Bchat", likes=8),
    T(None, "18:46:30", "HannahLinkedIn",
      "A5: @JaneRivers, and every founder brave enough to write their own posts 😉 #B2Bchat",
      likes=11),
    T("oliver_a5", "18:46:50", "OliverABM",
      "A5: @MarkoVeldt for ABM, @KarenB2BSales for sales enablement. #B2Bchat", likes=7),
    T(None, "18:47:10", "KarenB2BSales", "Aww, thank you Oliver! 🥰 #B2Bchat", reply="oliver_a5",
      likes=3),
    RT("18:47:25", "NiamhPR", "lena_a5"),
    T(None, "18:47:45", "ContentForgeHQ",
      "Thank you, Tom! That means a lot to the whole team 💜 #B2Bchat", reply="tom_a5", likes=6),
    # Q6
    T("q6", "18:48:05", "B2BchatHost",
      "Q6: One thing you'll do differently after today's chat? ✍️ #B2Bchat", likes=30, rts=9),
    RT("18:48:20", "MiaMarketer", "q6"),
    T("lena_a6", "18:49:00", "DrLenaOkafor",
      "A6: I'm adding a free-text 'How did you hear about us?' field to my own site. Practise "
      "what you preach! #B2Bchat", likes=58, rts=8),
    RT("18:49:15", "KarenB2BSales", "lena_a6"),
    T(None, "18:49:25", "PriyaNairB2B",
      "A6: Put our engineers in front of the camera. Less logo, more people. #B2Bchat", likes=33,
      rts=4),
    T("zoe_a6", "18:49:45", "ZoeContent",
      "A6 - Pick ONE point of view and write about it every week for a quarter. Consistency > "
      "virality. #B2Bchat", likes=49, rts=7),
    T(None, "18:50:05", "TomBrandt",
      "A6: Remove 'book a demo' from the end of every blog post. Teach first. #B2Bchat", likes=26),
    RT("18:50:10", "AishaKContent", "zoe_a6"),
    T(None, "18:50:25", "DanielleWrites",
      "A6. Stop sanding the opinions off our content. Take a stance! #B2Bchat", likes=15),
    T(None, "18:50:45", "MarcusLeeMktg",
      "A6: Add self-reported attribution to our forms this sprint. #B2Bchat", likes=19),
    T(None, "18:51:05", "ContentForgeHQ",
      "A6: Give our team more time to think and write, and fewer meetings 😉 #B2Bchat", likes=12),
    T(None, "18:51:25", "AishaKContent",
      "A6: Push my clients to take a real stance, even when legal gets nervous. #B2Bchat", likes=13),
    T(None, "18:51:45", "KenjiSocial",
      "A6: Less self-promo on our social channels. Teach first, sell later. #B2Bchat", likes=10),
    T("ravi_a6", "18:52:05", "RaviKMarketing",
      "A6: Start writing in public! 📝 First post goes up this weekend. #B2Bchat", likes=21),
    T(None, "18:52:20", "MiaMarketer", "Tag me, I'll read it! 🙌 #B2Bchat", reply="ravi_a6", likes=6),
    T(None, "18:52:40", "OliverABM",
      "A6: Ask our buyers where they first heard about us. Manually, if I have to. #B2Bchat",
      likes=9),
    T(None, "18:53:00", "GregGrowthHacks",
      "A6: Launching my new course! Early-bird 50% off for #B2Bchat friends 👉 "
      "https://scalestack.example/course", likes=1),
    T(None, "18:53:20", "NiamhPR", "A6: Pitch our spokespeople with opinions, not product news. "
      "#B2Bchat", likes=14),
    T(None, "18:53:40", "SofiaBrandOps",
      "A6: Help one founder this month find their point of view and commit to it. #B2Bchat",
      likes=12),
    T(None, "18:54:00", "EmilyNovak", "A6: Send this whole chat to our legal team 😂 #B2Bchat",
      likes=22),
    T(None, "18:54:20", "KarenB2BSales",
      "A6: Share Q3 with my sales team. They've been saying this for years! #B2Bchat", likes=8),
    T(None, "18:54:40", "ChrisAdeyemi",
      "A6: Write our POV down in one sentence. If we can't, we don't have one. #B2Bchat", likes=36,
      rts=5),
    T(None, "18:55:00", "PipelinePro", "A6: Put more faces on our research. Thanks for the push, "
      "#B2Bchat! 🙌", likes=7),
    RT("18:55:10", "JoseMRamirez", "zoe_a6"),
    T(None, "18:55:20", "FatimaInsights",
      "A6: Run five buyer interviews before writing the next 'insight' piece. #B2Bchat", likes=11),
    T(None, "18:55:35", "LucasDemandGen", "A6: Kill one vanity metric from our dashboard. #B2Bchat",
      likes=6),
    # wrap-up
    T("host_thanks", "18:56:05", "B2BchatHost",
      "Huge thanks to our guest @DrLenaOkafor for sharing so much wisdom today 🙏 If you're not "
      "following her yet, fix that now! #B2Bchat", likes=45, rts=8),
    RT("18:56:15", "ZoeContent", "host_thanks"),
    T(None, "18:56:30", "DrLenaOkafor",
      "Thank you all, what a generous, smart bunch. This was so much fun! 💛 #B2Bchat",
      reply="host_thanks", likes=40),
    T("mia_shout", "18:57:00", "MiaMarketer",
      "Shout-out to everyone who joined #B2Bchat today, especially first-timers like "
      "@RaviKMarketing 👋 See you next week!", likes=19, rts=2),
    RT("18:57:20", "RaviKMarketing", "mia_shout"),
    T("wrap", "18:58:05", "B2BchatHost",
      "That's a wrap on #B2Bchat! 🎬 Transcript and recap: https://b2bchat.example/recaps/2024-03-14 "
      "Join us next Thursday, same time, when we dig into ABM with @OliverABM!", likes=27, rts=6),
    RT("18:58:20", "MiaMarketer", "wrap"),
    RT("18:58:40", "OliverABM", "wrap"),
    T(None, "18:59:10", "PriyaNairB2B",
      "Thank you @B2BchatHost, @MiaMarketer and @DrLenaOkafor! Best #B2Bchat in a while 🙌", likes=9),
    T(None, "19:01:30", "AishaKContent", "What a #B2Bchat! My notebook is full 📓✨", likes=7),
    T(None, "19:03:05", "ZoeContent",
      "Still thinking about this one. Going on a sticky note above my desk. #B2Bchat",
      quote="lena_a3", likes=13),
    T(None, "19:05:40", "GregGrowthHacks",
      "Great chat #B2Bchat! If you want to go deeper, my webinar is FREE this Thursday 👉 "
      "https://scalestack.example/webinar", likes=0),
    # days after
    T(None, "03-15 09:12:26", "HannahLinkedIn",
      "#FF the brilliant people from yesterday's #B2Bchat: @ZoeContent @AishaKContent "
      "@SofiaBrandOps @ChrisAdeyemi 🙌", likes=10),
    T(None, "03-16 11:40:03", "GregGrowthHacks",
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

    def add(self, entry: Entry) -> None:
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

    def _original(self, tweet: dict[str, Any], entry: Entry) -> None:
        text = entry.text or ""
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
        newest_first = sorted(self.tweets, key=lambda t: int(t["id"]), reverse=True)
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


def _is_retweet(tweet: dict[str, Any]) -> bool:
    return any(r["type"] == "retweeted" for r in tweet.get("referenced_tweets") or ())


def build() -> list[dict[str, Any]]:
    builder = Builder()
    times = [_time(e.when) for e in CHAT]
    assert times == sorted(times), "CHAT must be in time order"
    for entry in CHAT:
        builder.add(entry)
    builder.metrics()
    return builder.pages()


def main() -> None:
    pages = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="\n") as fh:
        for page in pages:
            fh.write(json.dumps(page) + "\n")  # ASCII with \u escapes, as twarc2 writes
    tweets = sum(len(p["data"]) for p in pages)
    authors = {t["author_id"] for p in pages for t in p["data"]}
    print(f"wrote {OUT} ({len(pages)} pages, {tweets} tweets, {len(authors)} authors)")


if __name__ == "__main__":
    main()
