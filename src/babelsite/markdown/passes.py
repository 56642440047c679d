"""What babelsite adds to markdown-it's tokens, in one walk as each inline block is parsed.

markdown-it's `inline` core rule is replaced by parse_inline_blocks: it parses each inline
block and, while the block is at hand, numbers its citations, rewrites its links, glues
citation and footnote marks to the word before them and gives a task item its checkbox, in
one walk over the block's tokens (and only in blocks with a `[`, where all of these start).
It also gives headings their ids, once it has seen them all.

Two things happen later in markdown-it's chain and are done here as they will be: text_join
joins runs of text tokens, which the marks' glue and the headings' `{#id}` look at, so those
runs are joined here first, the same way; footnote_tail moves footnote definitions to the end,
so a page with a heading inside one gets its heading ids after that (name_moved_headings).
"""

from __future__ import annotations

import re
from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..links.urls import slugify
from .citations import glue_before_mark, glued, join_last_text, keep_alt_text, number_citation
from .headings import take_explicit_id
from .tasklists import mark_task_item

# Ids the default theme's pages use, and those of citations, sources and footnotes: no heading takes them.
THEME_IDS = frozenset({"main", "toc-heading", "sources-heading", "related-heading", "not-translated",
                       "language-homes", "notes-heading", "site-search-input", "site-search-status", "site-search-results"})
PAGE_ID = re.compile(r"^(?:source-\d+|cite-\d+-\d+|fn\d+|fnref\d+(?::\d+)?)$")
STATIC_PREFIX = "/static/"  # how Markdown names a file of static/, from the site root
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")
HEADING_TEXT = ("text", "text_special", "code_inline")  # what a heading's text is made of
NESTING = frozenset({"bullet_list_open", "ordered_list_open", "bullet_list_close", "ordered_list_close",
                     "footnote_reference_open", "footnote_reference_close"})  # what parse_inline_blocks keeps track of


def page_passes_plugin(md: MarkdownIt, glue_marks: bool = True, headings: bool = True) -> None:
    """Parse inline blocks with parse_inline_blocks; marks stay apart from their word without `glue_marks`, headings unnamed without `headings`."""
    md.core.ruler.at("inline", lambda state: parse_inline_blocks(state, glue_marks, headings))
    if headings:
        md.core.ruler.push("moved_headings", name_moved_headings)
        md.add_render_rule("heading_close", render_heading_close)


def parse_inline_blocks(state: StateCore, glue_marks: bool, name: bool) -> None:
    """Parse each inline block and rework it at once (rework_block); then, with `name`, name the headings, unless footnotes move some."""
    md, env, tokens = state.md, state.env, state.tokens
    lists: list[Token] = []  # the lists open around the current token, innermost last
    headings: list[tuple[Token, Token]] = []  # (heading_open, its inline token)
    in_note = moved = False  # inside a footnote definition, which footnote_tail moves; a heading in one
    line = 0
    for index, token in enumerate(tokens):
        if token.map:
            line = token.map[0]
        kind = token.type
        if kind == "inline":
            if token.children is None:
                token.children = []
            md.inline.parse(token.content, md, env, token.children)
            heading = tokens[index - 1] if name and tokens[index - 1].type == "heading_open" else None
            if heading is not None:
                take_heading_text(heading, token)
                headings.append((heading, token))
                moved = moved or in_note
            if "[" in token.content:
                rework_block(token, line, env, glue_marks)
                mark_task_item(tokens, index, lists)
        elif kind in NESTING:
            if kind == "bullet_list_open" or kind == "ordered_list_open":
                lists.append(token)
            elif kind == "bullet_list_close" or kind == "ordered_list_close":
                lists.pop()
            else:
                in_note = kind == "footnote_reference_open"
    if glue_marks:
        for note in env.get("footnotes", {}).get("list", {}).values():
            if "tokens" in note:  # an inline footnote `^[…]`, whose tokens footnote_tail puts in a block of its own
                note["tokens"] = glued(note["tokens"])
    if moved:
        state.headings_moved = True
    elif headings:
        name_headings(headings, env)


def take_heading_text(heading: Token, inline: Token) -> None:
    """Take a heading's `{#id}` off its text, and keep its text in heading.meta['text'], before marks are glued to it."""
    join_last_text(inline.children)
    take_explicit_id(heading, inline)
    heading.meta["text"] = "".join(c.content for c in inline.children if c.type in HEADING_TEXT)


def rework_block(block: Token, line: int, env, glue_marks: bool) -> None:
    """In one walk over an inline block starting at `line`: number its citations, rewrite its links, glue its marks."""
    children, content = block.children, block.content
    rewrite = env.get("resolve_link") is not None
    reworked: list[Token] = []  # one new list, not an insertion per mark: an insertion moves every token after it
    breaks = 0  # line breaks so far, for links: inline tokens carry no line of their own
    citation_line, counted = line, 0  # for citations, line breaks are counted in the text up to each
    marks: dict[int, Token] = {}  # index of a link's last token -> the mark naming its language, to put after it
    for index, token in enumerate(children):
        kind = token.type
        if kind == "text":
            pass
        elif kind == "softbreak" or kind == "hardbreak":
            breaks += 1
        elif kind == "html_inline":
            breaks += token.content.count("\n")
        elif kind == "citation":
            citation_line += content.count("\n", counted, token.meta["pos"])
            counted = token.meta["pos"]
            number_citation(token, citation_line, env)
            if glue_marks:
                glue_before_mark(reworked)
        elif kind == "footnote_ref":
            if glue_marks:
                glue_before_mark(reworked)
            rework_inline_note(token, line + breaks, env)
        elif kind == "image":
            keep_alt_text(token)
            if rewrite:
                rewrite_link(token, line + breaks, env)
        elif kind == "link_open" and rewrite:
            language = rewrite_link(token, line + breaks, env)
            if language is not None:
                end, mark = mark_language(children, index, *language)
                marks[end] = mark
        reworked.append(token)
        if marks and index in marks:
            reworked.append(marks.pop(index))
    block.children = reworked


def rework_inline_note(reference: Token, line: int, env) -> None:
    """Rework the tokens of an inline footnote `^[…]` where its mark stands: its citations and links are the page's too.

    Its marks are glued with the other notes' by parse_inline_blocks.
    """
    note = env["footnotes"]["list"].get(reference.meta["id"], {})
    if "tokens" in note and "[" in note["content"]:
        block = Token("inline", "", 0, content=note["content"], children=note["tokens"])
        rework_block(block, line, env, glue_marks=False)
        note["tokens"] = block.children


def rewrite_link(token: Token, line: int, env) -> tuple[str, str, str] | None:
    """Point a link or an image at what it names once published; return the language of a page in another one.

    Relative links to `.md` files go through env['resolve_link'](href, body line), which returns
    the new href and, for a page in another language than the reader's, (code, direction, name).
    Images and links to `/static/…` go through env['resolve_static'](url, body line), which
    gives the file's published, content-hashed name; other relative or root-relative ones
    through env['resolve_file'](url, body line, is_image): a file beside the page or in
    static/, or None to leave the link as written.
    """
    attr = "href" if token.type == "link_open" else "src"
    url = token.attrGet(attr) or ""
    resolve_static, resolve_file = env.get("resolve_static"), env.get("resolve_file")
    if resolve_static and url.startswith(STATIC_PREFIX):
        token.attrSet(attr, resolve_static(url, line))
        return None
    is_page = url.split("#")[0].endswith(".md")
    if resolve_file and url and not EXTERNAL.match(url) and not is_page:
        published = resolve_file(url, line, attr == "src")
        if published is not None:
            token.attrSet(attr, published)
        return None
    if attr == "src" or EXTERNAL.match(url) or not is_page:
        return None
    href, language = env["resolve_link"](url, line)
    token.attrSet("href", href)
    return language


def mark_language(children: list[Token], link_index: int, code: str, direction: str,
                  name: str) -> tuple[int, Token]:
    """Give the link at link_index the language of its target; return where it ends and the mark naming it."""
    link = children[link_index]
    for attr, value in (("hreflang", code), ("lang", code), ("dir", direction)):
        link.attrSet(attr, value)
    mark = Token("html_inline", "", 0)
    mark.content = f' <span class="language-mark">({escapeHtml(name)})</span>'
    depth = 0
    for index in range(link_index, len(children)):
        depth += children[index].nesting if children[index].type.startswith("link_") else 0
        if depth == 0:
            return index, mark
    return len(children) - 1, mark


def name_moved_headings(state: StateCore) -> None:
    """Name the headings of a page with a heading in a footnote definition, now that footnote_tail has moved it."""
    if getattr(state, "headings_moved", False):
        tokens = state.tokens
        name_headings([(token, tokens[index + 1]) for index, token in enumerate(tokens) if token.type == "heading_open"],
                      state.env)


def name_headings(headings: list[tuple[Token, Token]], env) -> None:
    """Give each heading a unique id (render_heading_close adds its anchor link), and record (level, id, text) in env['toc'].

    An explicit `{#id}` (see headings.py) wins over the id made from the text. A heading whose
    id the page already uses (the theme's `main`, `source-1`, a citation's `cite-1-1`) gets
    another one, so that links to either still land where they should.
    """
    toc = env.setdefault("toc", [])
    idents = heading_ids([heading.meta.get("explicit_id") for heading, _ in headings],
                         [heading.meta["text"] for heading, _ in headings])
    for (heading, _), ident in zip(headings, idents):
        heading.attrSet("id", ident)
        toc.append((int(heading.tag[1]), ident, heading.meta["text"].strip()))


class UniqueIds:
    """Hands out ids never handed out before: `x`, then `x-1`, `x-2`, … in constant time each."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.next_suffix: dict[str, int] = {}  # for each id asked for: the first suffix not yet tried

    def take(self, ident: str) -> str:
        """Return ident if it is free, else ident-n with the smallest free n, and mark it used."""
        if ident in self.used:
            n = self.next_suffix.get(ident, 1)
            while f"{ident}-{n}" in self.used:
                n += 1
            self.next_suffix[ident] = n + 1
            ident = f"{ident}-{n}"
        self.used.add(ident)
        return ident


def heading_ids(explicit: list[str | None], texts: list[str]) -> list[str]:
    """Return unique ids: explicit ones first, so no generated id takes them, then ids from the texts."""
    ids = UniqueIds()
    chosen = {index: ids.take(ident) for index, ident in enumerate(explicit) if ident}
    idents = [chosen[index] if index in chosen else ids.take(slugify(text)) for index, text in enumerate(texts)]
    return [ids.take(i) if i in THEME_IDS or PAGE_ID.match(i) else i for i in idents]


def render_heading_close(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """Close a heading after its ` #` link to itself, named for screen readers in the page's language.

    A heading without text gets no link.
    """
    heading, inline = tokens[idx - 2], tokens[idx - 1]
    ident = heading.attrGet("id")
    if ident is None or not inline.children:
        return self.renderToken(tokens, idx, options, env)
    label = env.get("ui", {}).get("anchor_label", "Link to this section")
    return (f' <a class="header-anchor" href="#{escapeHtml(ident)}" aria-label="{escapeHtml(label)}">#</a>'
            + self.renderToken(tokens, idx, options, env))
