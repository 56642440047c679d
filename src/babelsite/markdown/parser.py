"""The MarkdownIt instance: CommonMark, GFM extras, admonitions, heading ids, highlighting."""

from __future__ import annotations

import itertools
import re
from functools import cache
from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from ..urls import slugify
from .citations import citations_plugin

# Ids the default theme's pages use, and those of citations, sources and footnotes: no heading takes them.
THEME_IDS = frozenset({"main", "toc-heading", "sources-heading", "related-heading", "not-translated",
                       "language-homes", "site-search-input", "site-search-status", "site-search-results"})
PAGE_ID = re.compile(r"^(?:source-\d+|cite-\d+-\d+|fn\d+|fnref\d+(?::\d+)?)$")
ADMONITIONS = ("note", "tip", "info", "important", "warning", "caution", "danger")
STATIC_PREFIX = "/static/"  # how Markdown names a file of static/, from the site root
EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|#)")


@cache
def create_parser(html: bool) -> MarkdownIt:
    """Return the shared parser; raw HTML is kept only when the site allows it."""
    md = MarkdownIt("commonmark", {"html": html, "highlight": highlight_code})
    md.enable(["table", "strikethrough"])
    md.use(gfm_autolink_plugin)
    md.use(footnote_plugin)
    md.use(deflist_plugin)
    md.use(tasklists_plugin)
    # One block rule for every kind of admonition: seven rules would each look at every line.
    md.use(container_plugin, "admonition", validate=is_admonition, render=render_admonition)
    md.use(anchors_plugin, min_level=1, max_level=6, slug_func=slugify, permalink=True,
           permalinkSymbol="#", permalinkBefore=False)
    md.core.ruler.push("headings", collect_headings)
    md.core.ruler.after("inline", "article_links", rewrite_article_links)
    md.use(citations_plugin)
    return md


@cache
def _formatter() -> HtmlFormatter:
    return HtmlFormatter(nowrap=True)


def highlight_code(code: str, lang: str, attrs: str) -> str:
    """Highlight a fenced block with Pygments; '' (plain escaped code) for unknown languages."""
    if not lang:
        return ""
    try:
        lexer = get_lexer_by_name(lang)
    except ClassNotFound:
        return ""
    return highlight(code, lexer, _formatter())


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


def collect_headings(state: StateCore) -> None:
    """Record (level, id, text) of each heading in env['toc'] and label its anchor link.

    A heading whose id the page already uses (the theme's `main`, `source-1`, a citation's
    `cite-1-1`) gets another one, so that links to either still land where they should.
    """
    toc = state.env.setdefault("toc", [])
    label = state.env.get("ui", {}).get("anchor_label", "Link to this section")
    headings = [(index, token) for index, token in enumerate(state.tokens) if token.type == "heading_open"]
    taken = {token.attrGet("id") for _, token in headings}
    for index, token in headings:
        children = state.tokens[index + 1].children or []
        ident = token.attrGet("id")
        if ident in THEME_IDS or PAGE_ID.match(ident or ""):
            ident = next(f"{ident}-{n}" for n in itertools.count(1) if f"{ident}-{n}" not in taken)
            taken.add(ident)
            token.attrSet("id", ident)
        text = "".join(c.content for c in children if c.type in ("text", "code_inline"))
        toc.append((int(token.tag[1]), ident, text.strip()))
        for child in children:
            if child.type == "link_open" and child.attrGet("class") == "header-anchor":
                child.attrSet("aria-label", label)
                child.attrSet("href", f"#{ident}")


def rewrite_article_links(state: StateCore) -> None:
    """Rewrite relative links to `.md` files through env['resolve_link'](href, body line).

    Images and links to `/static/…` go through env['resolve_static'](url, body line), which
    gives the file's published, content-hashed name.

    resolve_link returns the new href and, for a page in another language than the reader's,
    (code, direction, name): the link then says its language, and a mark after it names it.
    """
    resolve, resolve_static = state.env.get("resolve_link"), state.env.get("resolve_static")
    if resolve is None:
        return
    line = 0
    for block in state.tokens:
        if block.map:
            line = block.map[0]
        children = block.children or []
        breaks = 0  # line breaks so far in this block: inline tokens carry no line of their own
        for index, token in enumerate(children):
            if token.type in ("softbreak", "hardbreak"):
                breaks += 1
            elif token.type == "html_inline":
                breaks += token.content.count("\n")
            attr = {"image": "src", "link_open": "href"}.get(token.type)
            if attr and resolve_static and (token.attrGet(attr) or "").startswith(STATIC_PREFIX):
                token.attrSet(attr, resolve_static(token.attrGet(attr), line + breaks))
                continue
            if token.type != "link_open":
                continue
            href = token.attrGet("href") or ""
            if EXTERNAL.match(href) or not href.split("#")[0].endswith(".md"):
                continue
            new_href, language = resolve(href, line + breaks)
            token.attrSet("href", new_href)
            if language is not None:
                mark_language(children, index, *language)


def mark_language(children: list[Token], link_index: int, code: str, direction: str, name: str) -> None:
    """Give the link at link_index the language of its target, and name it after the link."""
    link = children[link_index]
    for attr, value in (("hreflang", code), ("lang", code), ("dir", direction)):
        link.attrSet(attr, value)
    depth = 0
    for index in range(link_index, len(children)):
        depth += children[index].nesting if children[index].type.startswith("link_") else 0
        if depth == 0:
            mark = Token("html_inline", "", 0)
            mark.content = f' <span class="language-mark">({escapeHtml(name)})</span>'
            children.insert(index + 1, mark)
            return
