"""GFM autolinks (`www.`, `http(s)://`, `mailto:`, `xmpp:` and bare emails) in linear time.

Each rule scans forward from where it is triggered only as far as the link could reach, and
the end of the current run of non-space text is found once per run, not once per trigger:
the time stays proportional to the paragraph's length, whatever it holds.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

LINK_STARTS_AFTER = frozenset(" \t\r\n*_~(")  # what may come right before a link
TRAILING = frozenset("?!.,:*_~'\"[]")  # punctuation at a link's end that stays outside it
RUN_END = re.compile(r"[\s<]")  # whitespace or `<` ends a link
EMAIL_LOCAL = re.compile(r"[a-zA-Z0-9.+\-_]")
PROTOCOLS = ("https", "http", "mailto", "xmpp")


def autolinks_plugin(md: MarkdownIt) -> None:
    """Register the three rules: at `www.`, at `:` (protocols) and at `@` (bare emails)."""
    md.inline.ruler.at("text", text_rule)
    md.inline.ruler.push("autolink_www", www_rule)
    md.inline.ruler.push("autolink_protocol", protocol_rule)
    md.inline.ruler.push("autolink_email", email_rule)


def text_rule(state: StateInline, silent: bool) -> bool:
    """Take plain text up to where an inline rule may start: a terminator character, or `www.` in a block that has one.

    `:` and `@` already end a run of plain text. Ending one at every `w` instead of `www.` would
    try every inline rule there; searching every block for `www.` too makes each search slower.
    """
    ends = getattr(state, "text_ends", None)
    if ends is None:
        ends = state.text_ends = state.md.inline.terminator_re
        if "www." in state.src:
            ends = state.text_ends = with_www(ends)
    found = ends.search(state.src, state.pos)
    end = found.start() if found else state.posMax
    if end == state.pos:
        return False
    if not silent:
        state.append_pending(state.src[state.pos:end])
    state.pos = end
    return True


@cache
def with_www(terminators: re.Pattern[str]) -> re.Pattern[str]:
    """Return a pattern of what ends plain text that also stops at `www.`."""
    return re.compile(terminators.pattern + r"|www\.")


def www_rule(state: StateInline, silent: bool) -> bool:
    """Link `www.example.org/path` to http://www.example.org/path."""
    pos, src = state.pos, state.src
    if silent or state.linkLevel > 0 or not src.startswith("www.", pos, state.posMax):
        return False
    before = state.pending[-1:] or src[pos - 1:pos]
    if before and before not in LINK_STARTS_AFTER:
        return False
    end = url_end(state, pos, pos + 4, need_period=True)
    return end > 0 and push_link(state, 0, "http://" + src[pos:end], src[pos:end])


def protocol_rule(state: StateInline, silent: bool) -> bool:
    """Link `http://…`, `https://…`, `mailto:a@b.c` and `xmpp:a@b.c/res`, the scheme being pending text."""
    pos, src = state.pos, state.src
    if silent or state.linkLevel > 0 or src[pos] != ":":
        return False
    pending = state.pending
    scheme = next((p for p in PROTOCOLS if pending.endswith(p)), None)
    if scheme is None:
        return False
    start = pos - len(scheme)
    if start > 0 and src[start - 1] not in LINK_STARTS_AFTER:
        return False
    if scheme in ("mailto", "xmpp"):
        at = local_part_end(src, pos + 1, state.posMax)
        end = email_end(src, at, state.posMax, xmpp=scheme == "xmpp") if at > pos + 1 else -1
    elif src.startswith("//", pos + 1, state.posMax):
        end = url_end(state, start, pos + 3, need_period=False)
    else:
        end = -1
    return end > 0 and push_link(state, len(scheme), src[start:end], src[start:end])


def email_rule(state: StateInline, silent: bool) -> bool:
    """Link `name@example.org`, the local part being pending text, to mailto:name@example.org."""
    pos, src = state.pos, state.src
    if silent or state.linkLevel > 0 or src[pos] != "@":
        return False
    pending = state.pending
    local = len(pending)
    while local > 0 and EMAIL_LOCAL.match(pending[local - 1]):
        local -= 1
    local = len(pending) - local
    start = pos - local
    if not local or (start > 0 and src[start - 1] not in LINK_STARTS_AFTER):
        return False
    end = email_end(src, pos, state.posMax, xmpp=False)
    if end < 0:
        return False
    address = pending[-local:] + src[pos:end]
    return push_link(state, local, "mailto:" + address, address)


def push_link(state: StateInline, pending_part: int, url: str, text: str) -> bool:
    """Emit a link whose text began `pending_part` characters back in the pending text."""
    href = state.md.normalizeLink(url)
    if not state.md.validateLink(href):
        return False
    if pending_part:
        state.pending = state.pending[:-pending_part]
    token = state.push("link_open", "a", 1)
    token.attrs = {"href": href}
    token.markup, token.info = "autolink", "auto"
    state.push("text", "", 0).content = state.md.normalizeLinkText(text)
    token = state.push("link_close", "a", -1)
    token.markup, token.info = "autolink", "auto"
    state.pos += len(text) - pending_part
    return True


def run_end(state: StateInline, pos: int) -> int:
    """Return where the run of non-space text around pos ends, searching once per run."""
    known = getattr(state, "autolink_run", None)  # (searched from, run end, posMax)
    if known and known[0] <= pos <= known[1] and known[2] == state.posMax:
        return known[1]
    found = RUN_END.search(state.src, pos, state.posMax)
    end = found.start() if found else state.posMax
    state.autolink_run = (pos, end, state.posMax)
    return end


def url_end(state: StateInline, start: int, host: int, need_period: bool) -> int:
    """Return the end of a URL starting at `start` with its domain at `host`, or -1."""
    end = run_end(state, host)
    if not valid_domain(state.src, host, end, need_period):
        return -1
    return trim_end(state.src, start, end)


def valid_domain(src: str, pos: int, end: int, need_period: bool) -> bool:
    """Tell whether a domain starts at pos: no `_` in its last two labels, a period if needed."""
    start, periods = pos, 0
    underscores = [0, 0]  # in the label before the last one, in the last one
    while pos < end:
        char = src[pos]
        if char == ".":
            periods += 1
            underscores = [underscores[1], 0]
        elif char == "_":
            underscores[1] += 1
        elif char != "-" and not is_host_char(char):
            break
        pos += 1
    return pos > start and not any(underscores) and (periods > 0 or not need_period)


def is_host_char(char: str) -> bool:
    """Tell whether a character may be part of a domain label: no space, no punctuation."""
    return not char.isspace() and not unicodedata.category(char).startswith("P")


def trim_end(src: str, start: int, end: int) -> int:
    """Move a link's end back over trailing punctuation, unmatched `)` and an entity-like `&name;`."""
    opened, closed = src.count("(", start, end), src.count(")", start, end)
    while end > start:
        last = src[end - 1]
        if last in TRAILING:
            end -= 1
        elif last == ";":
            name = end - 2
            while name > start and src[name].isalpha():
                name -= 1
            end = name if name < end - 2 and src[name] == "&" else end - 1
        elif last == ")" and closed > opened:
            closed -= 1
            end -= 1
        else:
            break
    return end


def local_part_end(src: str, pos: int, limit: int) -> int:
    """Return where the local part of `mailto:`/`xmpp:` starting at pos meets its `@`, or -1."""
    while pos < limit and EMAIL_LOCAL.match(src[pos]):
        pos += 1
    return pos if pos < limit and src[pos] == "@" else -1


def email_end(src: str, at: int, limit: int, xmpp: bool) -> int:
    """Return the end of the domain after the `@` at `at`, or -1 if it is no email domain."""
    pos, periods, slashes = at + 1, 0, 0
    while pos < limit:
        char = src[pos]
        if char == "@" and not xmpp:
            return -1
        if char == "." and pos + 1 < limit and src[pos + 1].isascii() and src[pos + 1].isalnum():
            periods += 1
        elif char == "/" and xmpp and not slashes:
            slashes += 1
        elif not (char.isascii() and char.isalnum()) and char not in "-_@":
            break
        pos += 1
    if pos == at + 1 or not periods or not (src[pos - 1].isascii() and src[pos - 1].isalnum()):
        return -1
    return pos
