"""The MarkdownIt instance: CommonMark, GFM extras, admonitions, heading ids, highlighting."""

from __future__ import annotations

import re
from functools import cache
from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ..links.urls import slugify
from .autolinks import autolinks_plugin
from .citations import citations_plugin, glue_markers_plugin
from .codeblocks import code_blocks_plugin, highlight_code
from .headings import heading_attrs_plugin
from .notes import notes_plugin
from .tasklists import tasklists_plugin

# Ids the default theme's pages use, and those of citations, sources and footnotes: no heading takes them.
THEME_IDS = frozenset({"main", "toc-heading", "sources-heading", "related-heading", "not-translated",
                       "language-homes", "notes-heading", "site-search-input", "site-search-status", "site-search-results"})
PAGE_ID = re.compile(r"^(?:source-\d+|cite-\d+-\d+|fn\d+|fnref\d+(?::\d+)?)$")
ADMONITIONS = ("note", "tip", "info", "important", "warning", "caution", "danger")
STATIC_PREFIX = "/static/"  # how Markdown names a file of static/, from the site root
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")


@cache
def create_parser(html: bool) -> MarkdownIt:
    """Return the shared parser; raw HTML is kept only when the site allows it."""
    md = MarkdownIt("commonmark", {"html": html, "highlight": highlight_code})
    md.enable(["table", "strikethrough"])
    md.use(autolinks_plugin)
    md.use(footnote_plugin)
    md.use(notes_plugin)
    md.use(code_blocks_plugin)
    md.use(deflist_plugin)
    md.use(tasklists_plugin)
    # One block rule for every kind of admonition: seven rules would each look at every line.
    md.use(container_plugin, "admonition", validate=is_admonition, render=render_admonition)
    md.core.ruler.push("headings", collect_headings)
    md.use(heading_attrs_plugin)
    md.core.ruler.after("inline", "article_links", rewrite_article_links)
    md.use(citations_plugin)
    md.use(glue_markers_plugin)
    return md


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


def collect_headings(state: StateCore) -> None:
    """Give each heading a unique id and an anchor link, and record (level, id, text) in env['toc'].

    An explicit `{#id}` (see headings.py) wins over the id made from the text.

    A heading whose id the page already uses (the theme's `main`, `source-1`, a citation's
    `cite-1-1`) gets another one, so that links to either still land where they should.
    """
    toc = state.env.setdefault("toc", [])
    label = state.env.get("ui", {}).get("anchor_label", "Link to this section")
    headings = [(token, state.tokens[index + 1].children or [])
                for index, token in enumerate(state.tokens) if token.type == "heading_open"]
    texts = ["".join(c.content for c in children if c.type in ("text", "code_inline")) for _, children in headings]
    idents = heading_ids([token.meta.get("explicit_id") for token, _ in headings], texts)
    for (token, children), ident, text in zip(headings, idents, texts):
        token.attrSet("id", ident)
        children.extend(anchor_link(ident, label))
        toc.append((int(token.tag[1]), ident, text.strip()))


def heading_ids(explicit: list[str | None], texts: list[str]) -> list[str]:
    """Return unique ids: explicit ones first, so no generated id takes them, then ids from the texts."""
    ids = UniqueIds()
    chosen = {index: ids.take(ident) for index, ident in enumerate(explicit) if ident}
    idents = [chosen[index] if index in chosen else ids.take(slugify(text)) for index, text in enumerate(texts)]
    return [ids.take(i) if i in THEME_IDS or PAGE_ID.match(i) else i for i in idents]


def heading_lines(body: str, html: bool) -> list[int]:
    """Return the body line of each heading, in the order of the table of contents."""
    return [token.map[0] for token in create_parser(html).parse(body, {}) if token.type == "heading_open" and token.map]


def anchor_link(ident: str, label: str) -> list[Token]:
    """Return the tokens of a heading's ` #` link to itself."""
    link_open = Token("link_open", "a", 1)
    for attr, value in (("class", "header-anchor"), ("href", f"#{ident}"), ("aria-label", label)):
        link_open.attrSet(attr, value)
    return [Token("text", "", 0, content=" "), link_open, Token("html_block", "", 0, content="#"),
            Token("link_close", "a", -1)]


def rewrite_article_links(state: StateCore) -> None:
    """Rewrite relative links to `.md` files through env['resolve_link'](href, body line).

    Images and links to `/static/…` go through env['resolve_static'](url, body line), which
    gives the file's published, content-hashed name; other relative or root-relative ones
    through env['resolve_file'](url, body line, is_image): a file beside the page or in
    static/, or None to leave the link as written.

    resolve_link returns the new href and, for a page in another language than the reader's,
    (code, direction, name): the link then says its language, and a mark after it names it.
    """
    resolve, resolve_static = state.env.get("resolve_link"), state.env.get("resolve_static")
    resolve_file = state.env.get("resolve_file")
    if resolve is None:
        return
    line = 0
    for block in state.tokens:
        if block.map:
            line = block.map[0]
        children = block.children or []
        breaks = 0  # line breaks so far in this block: inline tokens carry no line of their own
        marks: dict[int, Token] = {}  # index of a link's last token -> the mark to put after it
        for index, token in enumerate(children):
            if token.type in ("softbreak", "hardbreak"):
                breaks += 1
            elif token.type == "html_inline":
                breaks += token.content.count("\n")
            attr = {"image": "src", "link_open": "href"}.get(token.type)
            if attr and resolve_static and (token.attrGet(attr) or "").startswith(STATIC_PREFIX):
                token.attrSet(attr, resolve_static(token.attrGet(attr), line + breaks))
                continue
            target = token.attrGet(attr) or "" if attr else ""
            if attr and resolve_file and target and not EXTERNAL.match(target) and not target.startswith(("#", "//")) \
                    and not target.split("#")[0].endswith(".md"):
                published = resolve_file(target, line + breaks, token.type == "image")
                if published is not None:
                    token.attrSet(attr, published)
                continue
            if token.type != "link_open":
                continue
            href = token.attrGet("href") or ""
            if EXTERNAL.match(href) or not href.split("#")[0].endswith(".md"):
                continue
            new_href, language = resolve(href, line + breaks)
            token.attrSet("href", new_href)
            if language is not None:
                marks.update([mark_language(children, index, *language)])
        if marks:  # one pass, not an insertion per link: a list insertion moves every token after it
            block.children = [t for i, token in enumerate(children) for t in (token, marks.get(i)) if t is not None]


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
