"""A markdown-it plugin for numbered citations: `[1]` and `[1, 2]` link to the numbered sources.

It runs after the `link` and `image` rules, so real links and reference-style links whose
label is a number win. passes.py numbers them (number_citation) and glues them to the word
before them (glue_before_mark) as each block is parsed. Per-document data lives in `env`:

- in: `env["source_count"]`, how many sources the article has: with none, `[1]` is plain text
  (hand-written table footnotes, `hl[18,22]`), neither a link nor a citation to report;
  `env["source_texts"]`, their texts, and `env["citation_title"]` ("Source {name}: {text}"),
  which name each marker to screen readers and in its tooltip;
- out: `env["citations"]`, a list of (number, body line) in document order, and
  `env["citation_ids"]`, source number -> ids of the places that cite it (both absent when
  no block has a `[`).
"""

from __future__ import annotations

import re
from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, normalizeReference
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

CITATION = re.compile(r"\[(\d{1,6}(?:\s*,\s*\d{1,6})*)\]")
MARKERS = ("citation", "footnote_ref")
TEXT = ("text", "text_special")  # text, and the entities and escapes that text_join joins into it
NO_BREAK_SPACE, WORD_JOINER = "\u00a0", "\u2060"
TITLE_LENGTH = 80  # a source's text is cut to about this many characters in a marker's name and tooltip


def citations_plugin(md: MarkdownIt) -> None:
    """Register the citation inline rule and its renderer."""
    md.inline.ruler.after("image", "citation", citation_rule)
    md.add_render_rule("citation", render_citation)


def citation_rule(state: StateInline, silent: bool) -> bool:
    """Match `[n]` or `[n, m]` that is not a link, inside a link, or a defined reference, in an article with sources."""
    # Silent mode only runs while a link label is being measured: there a citation must
    # count as plain brackets, or `[see [1]](url)` would stop being a link.
    if silent or state.src[state.pos] != "[" or state.linkLevel > 0 or not state.env.get("source_count"):
        return False
    match = CITATION.match(state.src, state.pos)
    if not match:
        return False
    label = match.group(1)
    references = state.env.get("references")
    if references and normalizeReference(label) in references:
        return False
    token = state.push("citation", "sup", 0)
    token.meta = {"numbers": list(map(int, label.split(","))), "pos": state.pos}
    token.markup = match.group(0)
    state.pos = match.end()
    return True


def number_citation(token: Token, line: int, env) -> None:
    """Give a citation on `line` the ids of its places, numbering each source's uses, and record (number, line)."""
    citations = env.setdefault("citations", [])
    ids: dict[int, list[str]] = env.setdefault("citation_ids", {})
    token.meta["ids"] = []
    for number in token.meta["numbers"]:
        citations.append((number, line))
        uses = ids.setdefault(number, [])
        uses.append(f"cite-{number}-{len(uses) + 1}")
        token.meta["ids"].append(uses[-1])


def keep_alt_text(image: Token) -> None:
    """Turn citations in an image's alt text back into their text: alt text holds no links."""
    for index, child in enumerate(image.children or []):
        if child.type == "citation":
            image.children[index] = Token("text", "", 0, content=child.markup)
        elif child.type == "image":
            keep_alt_text(child)


def render_citation(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """Render a citation as superscript links named by their sources; a number with no source stays plain text."""
    token = tokens[idx]
    count = env.get("source_count", 0)
    titles = env.setdefault("citation_titles", {})  # source number -> its escaped name, made once a page
    links = []
    for number, anchor in zip(token.meta["numbers"], token.meta.get("ids", [])):
        if 1 <= number <= count:
            title = titles.get(number)
            if title is None:
                title = titles[number] = escapeHtml(citation_title(env, number))
            links.append(f'<a href="#source-{number}" id="{anchor}" aria-label="{title}" title="{title}">{number}</a>')
        else:
            links.append(str(number))
    return f'<sup class="citation">[{", ".join(links)}]</sup>'


def citation_title(env, number: int) -> str:
    """Return what names a citation of a source: "Source 1: High-Resolution Image Synthesis…"."""
    texts = env.get("source_texts", ())
    label = env.get("citation_label", "Source {name}").replace("{name}", str(number))
    if number > len(texts):
        return label
    title = env.get("citation_title", "Source {name}: {text}")
    return title.replace("{name}", str(number)).replace("{text}", shorten(texts[number - 1]))


def shorten(text: str, limit: int = TITLE_LENGTH) -> str:
    """Cut a text to at most about `limit` characters at a word's end, marked with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if " " in cut:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


def glued(children: list[Token]) -> list[Token]:
    """Return an inline block's tokens with each citation or footnote mark glued to the word before it."""
    joined: list[Token] = []
    for token in children:
        if token.type in MARKERS:
            glue_before_mark(joined)
        joined.append(token)
    return joined


def glue_before_mark(tokens: list[Token]) -> None:
    """Join a mark about to follow `tokens` to the text before it: a space between becomes a no-break space, else a word joiner follows.

    `text [1]` would otherwise let the line break before `[1]`, and `text.[1]` after the full stop;
    a line break the author wrote (a hard break) stays. The text before is taken whole, as
    markdown-it's text_join will join it later (an entity or escape is a token of its own until then).
    """
    before = tokens[-1] if tokens else None
    if before is None or before.type == "hardbreak":
        return
    if before.type == "softbreak":
        tokens[-1] = Token("text", "", 0, content=NO_BREAK_SPACE)
    elif before.type in TEXT:
        before = join_last_text(tokens)
        text = before.content.rstrip(" \t")
        before.content = text + NO_BREAK_SPACE if text != before.content else text + WORD_JOINER
    else:  # the end of emphasis, a link or inline code
        tokens.append(Token("text", "", 0, content=WORD_JOINER))


def join_last_text(tokens: list[Token]) -> Token | None:
    """Join the run of text tokens at the end of `tokens` into its first, as markdown-it's text_join does; return it."""
    start = len(tokens)
    while start > 0 and tokens[start - 1].type in TEXT:
        start -= 1
    if start == len(tokens):
        return None
    first = tokens[start]
    first.type = "text"
    if start + 1 < len(tokens):
        first.content = "".join([token.content for token in tokens[start:]])
        del tokens[start + 1:]
    return first
