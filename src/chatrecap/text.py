"""Text clean-up shared by every source: entities, mojibake, HTML, invisible junk.

ftfy does the mojibake repair, but costs tens of microseconds a call, so it only runs on
text that shows a mojibake signature (a UTF-8 lead byte read as a one-byte code page,
followed by a continuation byte read the same way). ftfy 6.3 leaves UTF-8 read as the
Thai code page cp874 (with cp1252 for the bytes cp874 lacks) alone, as in "๐Ÿ™‚" for
"🙂"; :func:`fix_thai_mojibake` repairs that case.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache, lru_cache
from html.parser import HTMLParser
from typing import Any

# The characters that cp1252 / latin-1 give for UTF-8 continuation bytes 0x80-0xBF.
_CONTINUATION = (
    "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
    "\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_LATIN_MOJIBAKE = re.compile(f"[\xc2-\xf4][{_CONTINUATION}]")
# cp874 decodes 0xA1-0xFB as Thai; cp1252 fills 0x80-0x9F where cp874 has holes.
_THAI_RUN = re.compile(f"[\u0e01-\u0e5b{_CONTINUATION}]{{2,}}")
# Only a Thai character can stand for a UTF-8 lead byte there (the others are continuation
# bytes), so text without one has nothing to repair; finding that out is a quick scan.
_THAI = re.compile("[\u0e01-\u0e5b]")
_CP1252_ONLY = re.compile(
    "[\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
)
# One scan says whether a text needs any of the work below; most texts need none.
_SUSPECT = re.compile("[\x00-\x08\x0b-\x1f\x7f\xc2-\xf4\u200b\ufeff\t\u00a0\u0e01-\u0e5b]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff]")
_BLANK_LINES = re.compile(r"\n{3,}")
_TAG = re.compile(r"<[^>]*>?")
_SPACES = re.compile(r"[ \t\u00a0]+")



@cache
def _ftfy() -> tuple[Callable[..., str], Any]:
    """ftfy and our settings of it, imported on first need: importing it costs every
    command a tenth of a second, and only texts with mojibake's signature need it."""
    import ftfy

    return ftfy.fix_text, ftfy.TextFixerConfig(
        uncurl_quotes=False,  # curly quotes are the author's, not damage
        fix_character_width=False,  # full-width text is legitimate in CJK posts
        fix_latin_ligatures=False,
        unescape_html=False,  # done by clean_text, before ftfy sees the text
        explain=False,
    )


def _encode_thai_char(ch: str) -> bytes:
    try:
        return ch.encode("cp874")
    except UnicodeEncodeError:
        return ch.encode("cp1252")


def _fix_thai_run(match: re.Match[str]) -> str:
    run = match.group(0)
    if not _CP1252_ONLY.search(run) and not any("\u0e01" <= c <= "\u0e5b" for c in run):
        return run
    try:
        decoded = b"".join(_encode_thai_char(c) for c in run).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run
    # Real Thai text can occasionally re-encode into valid UTF-8; accept the repair only
    # when the run carried a cp1252-only character or decodes to symbols/emoji.
    if _CP1252_ONLY.search(run) or any(ord(c) >= 0x2000 for c in decoded):
        return decoded
    return run


def fix_thai_mojibake(text: str) -> str:
    """Repair UTF-8 that was decoded as cp874 with cp1252 for the missing bytes."""
    return _THAI_RUN.sub(_fix_thai_run, text)


def fix_mojibake(text: str) -> str:
    """Repair mojibake when the text shows its signature; otherwise return it untouched."""
    if text.isascii():
        return text
    if _LATIN_MOJIBAKE.search(text):
        fix_text, config = _ftfy()
        text = fix_text(text, config)
    if _THAI.search(text) and _THAI_RUN.search(text):
        text = fix_thai_mojibake(text)
    return text


def _suspect(text: str) -> bool:
    """Whether ``text`` holds a character the clean-up may change (``_SUSPECT``). In ASCII
    text (CPython knows it without looking) those are the control characters but the
    newline, which ``isprintable`` finds many times faster than the pattern."""
    if text.isascii():
        return not text.replace("\n", " ").isprintable()
    return _SUSPECT.search(text) is not None


def unescape(text: str) -> str:
    """``html.unescape``; text whose every "&" begins one of the three entities X escapes
    (``&amp;`` ``&lt;`` ``&gt;``, one in eight tweets) is decoded by plain replacement, in
    an order that decodes each once as ``html.unescape`` does ("&amp;lt;" is "&lt;")."""
    if text.count("&") == text.count("&amp;") + text.count("&lt;") + text.count("&gt;"):
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return html.unescape(text)


def clean_text(text: str | None, entities: bool = True) -> str:
    """Entities decoded (unless already done), mojibake repaired, control characters and
    extra blanks removed. Cleaning clean text changes nothing (except entities, which are
    decoded once per call: "&amp;lt;" is the text "&lt;")."""
    if not text:
        return ""
    if entities and "&" in text:
        text = unescape(text)
    if not _suspect(text) and "  " not in text and "\n\n\n" not in text:
        return text.strip()  # what the rounds below would give
    # Removing blanks can bring mojibake together and repairing it can leave blanks, so
    # the steps repeat until the text is stable (at most a few rounds).
    for _ in range(4):
        cleaned = _clean_once(text)
        if cleaned == text:
            break
        text = cleaned
    return text


def _clean_once(text: str) -> str:
    text = _repaired(text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "  " in text or "\t" in text or "\u00a0" in text:
        text = _SPACES.sub(" ", text)
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _repaired(text: str) -> str:
    """Mojibake repaired and control characters gone. Invisible characters go first: inside a
    mojibake sequence they hide it from repair."""
    text = _CONTROL.sub("", text)
    repaired = fix_mojibake(text)
    return _CONTROL.sub("", repaired) if repaired is not text else text


class _Links(HTMLParser):
    """The hrefs of the links of fediverse HTML, minus its mention and hashtag links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        attr = dict(attrs)
        classes = (attr.get("class") or "").split()
        if ("mention" in classes or "hashtag" in classes or attr.get("rel") == "tag"
                or "data-user" in attr):  # (older Pleroma marks a mention so)
            return
        if attr.get("href"):
            self.urls.append(attr["href"])


def html_links(markup: str) -> list[str]:
    """The links a post's HTML holds (Mastodon, Pleroma and ActivityPub mark the links of
    mentions and hashtags with their class or rel, and those are not links)."""
    if "<a" not in markup:
        return []
    parser = _Links()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError:  # html.parser gives up on some malformed markup
        pass
    return parser.urls


class _HTMLToText(HTMLParser):
    """Paragraphs and line breaks become newlines, everything else its text."""

    _BLOCK = {"p", "div", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
    _SKIP = {"script", "style"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0
        self._invisible = 0
        self._link = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in self._BLOCK and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            self._link += 1
        elif tag == "span" and ("class", "invisible") in attrs and not self._link:
            # (Mastodon hides a link's "https://" and the tail of a long one in invisible spans:
            # inside a link they are kept, so it reads as its whole address, not a cut one.)
            self._invisible += 1
        elif self._invisible and tag == "span":
            self._invisible += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip:
            self._skip -= 1
        elif tag == "span" and self._invisible:
            self._invisible -= 1
        elif tag == "a" and self._link:
            self._link -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and not self._invisible:
            self.parts.append(data)


def html_to_text(markup: str | None) -> str:
    """Plain text of an HTML fragment (Mastodon content, Slack/Discord rich text)."""
    if not markup:
        return ""
    if "<" not in markup:
        return clean_text(markup)
    parser = _HTMLToText()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError:  # html.parser gives up on some malformed markup ("<![x[")
        return clean_text(_TAG.sub("", markup))
    return clean_text("".join(parser.parts), entities=False)  # the parser decoded them


# Chat markup (Discord's Markdown, Slack's mrkdwn): the emphasis marks, spoilers, code
# marks and headings a client shows as styling, not as text. Links are left whole.
WEB_LINK = re.compile(r"https?://\S+")  # (a web address as chats write one: up to the next blank)
_LINK_TAIL = ")*_~|"  # marks or a bracket right after a link are the text's: "**see https://x.org/a**"
# Code, fenced, in double or in single backticks: shown as written, marks and all
# (`__init__`, ``a `b` c``), while marks around it still go (**bold `code`**).
_FENCE = re.compile(r"```(?:[\w+#.-]*\n)?(.*?)```", re.S)
_CODE = re.compile(r"``(.+?)``|`([^`\n]+)`")


def _pair(mark: str, single: bool = False) -> re.Pattern[str]:
    """Text between a pair of marks, which hug it (no space inside); a single-character mark
    (``*``, ``_``, ``~``) only outside a word, as the clients read it (snake_case stays)."""
    m = re.escape(mark)
    if single:
        return re.compile(rf"(?<![\w{m}]){m}(?=[^\s{m}])([^{m}\n]*?[^\s{m}]){m}(?![\w{m}])")
    return re.compile(rf"{m}(?=\S)(.+?)(?<=\S){m}", re.S)


_DISCORD_MARKS = (_pair("**"), _pair("__"), _pair("~~"), _pair("||"), _pair("*", True), _pair("_", True))
_SLACK_MARKS = (_pair("*", True), _pair("_", True), _pair("~", True))
_DISCORD_HEADING = re.compile(r"^(?:#{1,3}|-#) (?=\S)", re.M)  # headings and subtext, at a line's start


def plain_markup(text: str, flavour: str) -> str:
    """``text`` without the styling marks of a chat's markup: ``flavour`` "discord"
    (**bold**, __underline__, ~~strike~~, ||spoiler||, `code`, headings) or "slack"
    (*bold*, _italic_, ~strike~, `code`). Marks inside a link are the link's, and inside
    code the code's."""
    return _markup(text, flavour, None)


def clean_markup(text: str, flavour: str) -> str:
    """``plain_markup``'s text, cleaned as ``clean_text`` cleans it, but for its code, whose
    spaces and blank lines are kept as written (Python's indentation is its meaning).
    Entities are decoded first (Slack escapes & < > in code too; "&#xe000;" is a character
    the code's place-holders use). Slack's emoji codes (":tada:") become their emoji, but in
    code and links: Slack stores every emoji so, even one typed as a character."""
    if "&" in text:
        text = unescape(text)
    return _markup(text, flavour, lambda rest: clean_text(rest, entities=False))


def _markup(text: str, flavour: str, clean: Callable[[str], str] | None) -> str:
    # (Slack's emoji codes become emoji in the clean text only: ``plain_markup`` takes marks away.)
    emoji_codes = clean is not None and flavour == "slack" and _SLACK_EMOJI.search(text) is not None
    if not emoji_codes and not any(mark in text for mark in "*_~|`#"):
        return clean(text) if clean else text
    # Code first, links in it too ("`pip install https://x.io/a_b_`"), then links, so that
    # marks around one go ("*see https://x.org/a_b*") and those inside stay: each piece is
    # set apart as its number between two of a private-use character the text does not
    # hold, one for code and one for links (none free: a text of every one of them, which
    # no chat writes, has its code and links read as text).
    code: list[str] = []
    links: list[str] = []
    code_mark = _unused(text)
    link_mark = _unused(text + code_mark) if code_mark is not None else None

    def unwrapped(m: re.Match[str]) -> str:
        return next(g for g in m.groups() if g is not None)

    def set_apart(m: re.Match[str]) -> str:
        code.append(unwrapped(m))
        return f"{code_mark}{len(code) - 1}{code_mark}"

    def hold(m: re.Match[str]) -> str:
        link = m.group(0).rstrip(_LINK_TAIL)
        links.append(link)
        return f"{link_mark}{len(links) - 1}{link_mark}{m.group(0)[len(link):]}"

    keep = set_apart if code_mark is not None else unwrapped
    text = _CODE.sub(keep, _FENCE.sub(keep, text))
    if link_mark is not None:
        text = WEB_LINK.sub(hold, text)
    if emoji_codes:  # (not in code, nor in a link)
        text = _SLACK_EMOJI.sub(_emoji, text)
    for pattern in _DISCORD_MARKS if flavour == "discord" else _SLACK_MARKS:
        text = pattern.sub(r"\1", text)
    if flavour == "discord":
        text = _DISCORD_HEADING.sub("", text)
    text = _put_back(text, link_mark, links)
    if clean is not None:
        text = clean(text)
        code = [_clean_code(piece) for piece in code]
    return _put_back(text, code_mark, code)


#: An emoji as Slack writes it in a message's text, every one typed as a character included:
#: its name between colons, and a skin tone after it (":+1::skin-tone-3:").
_SLACK_EMOJI = re.compile(r":([a-z0-9_+'-]+):(?::skin-tone-([2-6]):)?")
#: Slack's skin tones 2 to 6: the Fitzpatrick modifiers.
_SKIN_TONES = {str(n): chr(0x1F3FB + n - 2) for n in range(2, 7)}


def _emoji(m: re.Match[str]) -> str:
    """The character of a Slack emoji code, with its skin tone; a code no emoji has (the
    workspace's own emoji, "10:57:30") stays as written."""
    found = _emoji_named(m.group(1))
    if found is None:
        return m.group(0)
    return found.replace("\ufe0f", "") + _SKIN_TONES[m.group(2)] if m.group(2) else found


@lru_cache(maxsize=1 << 12)
def _emoji_named(name: str) -> str | None:
    """The emoji a Slack short name stands for, by the emoji library's names and aliases
    (Slack's names are GitHub's, but for a hyphen where the library has an underscore, and
    "male-"/"female-" for "man_"/"woman_"), or None."""
    import emoji  # (here: its tables take 0.09 s to load, and only Slack's texts need them)

    under = name.replace("-", "_")
    gendered = re.sub(r"^male_", "man_", re.sub(r"^female_", "woman_", under))
    for each in dict.fromkeys((name, under, gendered)):
        found = emoji.emojize(f":{each}:", language="alias")
        if found != f":{each}:":
            return found
    return None


def _unused(text: str) -> str | None:
    """A private-use character ``text`` does not hold (None: it holds every one)."""
    return next((c for c in map(chr, range(0xE000, 0xF900)) if c not in text), None)


def _put_back(text: str, mark: str | None, pieces: list[str]) -> str:
    """``text`` with each piece set apart as ``mark``, its number, ``mark`` back in its place."""
    if not pieces:
        return text
    parts = text.split(mark)  # (text, piece number, text, ...)
    return "".join(pieces[int(p)] if k % 2 else p for k, p in enumerate(parts))


def _clean_code(code: str) -> str:
    """Code as ``clean_text`` would clean it, its blanks aside."""
    return _repaired(code).replace("\r\n", "\n")
