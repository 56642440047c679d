"""A markdown-it plugin for numbered citations: `[1]` and `[1, 2]` link to the numbered sources.

It runs after the `link` and `image` rules, so real links and reference-style links whose
label is a number win. Per-document data lives in `env`:

- in: `env["source_count"]`, how many sources the article has: with none, `[1]` is plain text
  (hand-written table footnotes, `hl[18,22]`), neither a link nor a citation to report;
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
    """Render a citation as superscript links; a number with no source stays plain text."""
    token = tokens[idx]
    count = env.get("source_count", 0)
    label = env.get("citation_label", "Source {name}")
    links = []
    for number, anchor in zip(token.meta["numbers"], token.meta.get("ids", [])):
        if 1 <= number <= count:
            title = escapeHtml(label.replace("{name}", str(number)))
            links.append(f'<a href="#source-{number}" id="{anchor}" title="{title}">{number}</a>')
        else:
            links.append(str(number))
    return f'<sup class="citation">[{", ".join(links)}]</sup>'
