"""The MarkdownIt instance: CommonMark, GFM extras, admonitions, heading ids, highlighting."""

from __future__ import annotations

from functools import cache
from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import strikethrough
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .autolinks import autolinks_plugin
from .citations import citations_plugin
from .codeblocks import code_blocks_plugin, highlight_code
from .notes import notes_plugin
from .passes import page_passes_plugin

ADMONITIONS = ("note", "tip", "info", "important", "warning", "caution", "danger")
BLOCK_MARKS = " \t>*+-.)0123456789"  # what may come before a line's text: indentation, quotes' and list items' marks
LINE_STARTS = BLOCK_MARKS + "\r\n"


def parser_for(body: str, html: bool) -> MarkdownIt:
    """Return the parser for one body: the shared one, less the plugins for syntax the body does not hold.

    Their rules are tried at nearly every line and every `[` whether or not a page uses them;
    each is left out only when its marker is nowhere in the body, where it could never match.
    A single character is looked for first: that search is many times faster than a longer one.
    """
    colons = ":" in body
    return create_parser(html, admonitions=colons and ":::" in body,
                         notes="^" in body and ("[^" in body or "^[" in body),
                         definitions=(colons or "~" in body) and may_hold_definition(body))


def may_hold_definition(body: str) -> bool:
    """Tell whether a line of the body may be a definition: `: ` or `~ ` first but for BLOCK_MARKS, where deflist looks."""
    for marker in ":~":
        at = body.find(marker)
        while at >= 0:
            if (at == 0 or body[at - 1] in LINE_STARTS) and body[at + 1:at + 2] in (" ", "\t"):
                line_start = max(body.rfind("\n", 0, at), body.rfind("\r", 0, at)) + 1
                if not body[line_start:at].strip(BLOCK_MARKS):
                    return True
            at = body.find(marker, at + 1)
    return False


@cache
def create_parser(html: bool, admonitions: bool = True, notes: bool = True, definitions: bool = True) -> MarkdownIt:
    """Return the shared parser; raw HTML is kept only when the site allows it.

    Without `admonitions`, `notes` or `definitions` it leaves out the plugin for `:::`
    containers, footnotes or definition lists (see parser_for). What babelsite adds to the
    tokens is done as each inline block is parsed (passes.py), not by a rule per feature
    walking all tokens again.
    """
    md = MarkdownIt("commonmark", {"html": html, "highlight": highlight_code})
    md.enable(["table", "strikethrough"])
    md.inline.ruler2.at("strikethrough", strikethrough_where_tildes)
    md.use(autolinks_plugin)
    if notes:
        md.use(footnote_plugin)
        md.use(notes_plugin)
    md.use(code_blocks_plugin)
    if definitions:
        md.use(deflist_plugin)
    if admonitions:
        # One block rule for every kind of admonition: seven rules would each look at every line.
        md.use(container_plugin, "admonition", validate=is_admonition, render=render_admonition)
    md.use(citations_plugin)
    md.use(page_passes_plugin)
    return md


def strikethrough_where_tildes(state: StateInline) -> None:
    """Turn `~~` delimiters into strikethrough, in text that has a `~`: the rule walks every token."""
    if "~" in state.src:
        strikethrough.postProcess(state)


def is_admonition(params: str, markup: str) -> bool:
    """Tell whether a `:::` line opens an admonition: `::: note` or `::: warning Title`."""
    return params.strip().split(" ", 1)[0] in ADMONITIONS


def render_admonition(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """Render `::: note [title]` as an aside with a title in the page's language."""
    token = tokens[idx]
    if token.nesting == -1:
        return "</aside>\n"
    name, _, title = token.info.strip().partition(" ")
    title = title.strip() or env.get("ui", {}).get(f"admonition_{name}", name.capitalize())
    return (f'<aside class="admonition admonition-{name}">\n'
            f'<p class="admonition-title">{escapeHtml(title)}</p>\n')


def heading_lines(body: str, html: bool) -> list[int]:
    """Return the body line of each heading, in the order of the table of contents."""
    return [token.map[0] for token in parser_for(body, html).parse(body, {}) if token.type == "heading_open" and token.map]
