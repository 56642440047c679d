"""A markdown-it plugin for numbered citations: `[1]` and `[1, 2]` link to the numbered sources.

It runs after the `link` and `image` rules, so real links and reference-style links whose
label is a number win. Per-document data lives in `env`:

- in: `env["source_count"]`, how many sources the article has: with none, `[1]` is plain text
  (hand-written table footnotes, `hl[18,22]`), neither a link nor a citation to report;
  `env["source_texts"]`, their texts, and `env["citation_title"]` ("Source {name}: {text}"),
  which name each marker to screen readers and in its tooltip;
- out: `env["citations"]`, a list of (number, body line) in document order, and
  `env["citation_ids"]`, source number -> ids of the places that cite it.
"""

from __future__ import annotations

import re
from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, normalizeReference
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

CITATION = re.compile(r"\[(\d{1,6}(?:\s*,\s*\d{1,6})*)\]")
MARKERS = ("citation", "footnote_ref")
NO_BREAK_SPACE, WORD_JOINER = "\u00a0", "\u2060"
TITLE_LENGTH = 80  # a source's text is cut to about this many characters in a marker's name and tooltip


def citations_plugin(md: MarkdownIt) -> None:
    """Register the citation inline rule, its line-number pass and its renderer."""
    md.inline.ruler.after("image", "citation", citation_rule)
    md.core.ruler.after("inline", "citation_lines", citation_lines)
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
    if normalizeReference(label) in state.env.get("references", {}):
        return False
    token = state.push("citation", "sup", 0)
    token.meta = {"numbers": [int(n) for n in label.split(",")], "pos": state.pos}
    token.markup = match.group(0)
    state.pos = match.end()
    return True


def citation_lines(state: StateCore) -> None:
    """Number each citation's uses and record its line, which inline tokens do not carry."""
    citations = state.env.setdefault("citations", [])
    ids: dict[int, list[str]] = state.env.setdefault("citation_ids", {})
    line = 0
    for block in state.tokens:
        if block.map:
            line = block.map[0]
        if block.type != "inline" or not block.children:
            continue
        token_line, counted = line, 0  # line breaks are counted once per block, up to each citation
        for token in block.children:
            if token.type == "image":
                keep_alt_text(token)
            if token.type != "citation":
                continue
            token_line += block.content.count("\n", counted, token.meta["pos"])
            counted = token.meta["pos"]
            token.meta["ids"] = []
            for number in token.meta["numbers"]:
                citations.append((number, token_line))
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
    links = []
    for number, anchor in zip(token.meta["numbers"], token.meta.get("ids", [])):
        if 1 <= number <= count:
            title = escapeHtml(citation_title(env, number))
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


def glue_markers_plugin(md: MarkdownIt) -> None:
    """Keep every citation and footnote mark on the line of the word before it."""
    md.core.ruler.push("glue_markers", glue_markers)


def glue_markers(state: StateCore) -> None:
    """Join each mark to the text before it: the space between becomes a no-break space, else a word joiner follows.

    `text [1]` would otherwise let the line break before `[1]`, and `text.[1]` after the full stop;
    a line break the author wrote (a hard break) stays.
    """
    for block in state.tokens:
        children = block.children
        if block.type != "inline" or not children or not any(t.type in MARKERS for t in children[1:]):
            continue
        glued: list[Token] = []
        for token in children:
            before = glued[-1] if glued else None
            if token.type in MARKERS and before is not None and before.type != "hardbreak":
                if before.type == "softbreak":
                    glued[-1] = Token("text", "", 0, content=NO_BREAK_SPACE)
                elif before.type == "text" and before.content.rstrip(" \t") != before.content:
                    before.content = before.content.rstrip(" \t") + NO_BREAK_SPACE
                elif before.type == "text":
                    before.content += WORD_JOINER
                else:  # the end of emphasis, a link or inline code
                    glued.append(Token("text", "", 0, content=WORD_JOINER))
            glued.append(token)
        block.children = glued
