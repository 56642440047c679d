"""Another generator's syntax left in a page body: Hugo shortcodes, Liquid tags, MkDocs blocks, MDX, kramdown.

babelsite renders none of these: they reach the reader as raw text (or unknown HTML). `foreign_syntax`
finds them from the markdown-it tokens, so code blocks and inline code, where they are meant literally,
are left out.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

from markdown_it.token import Token

from .parser import parser_for


class Kind(NamedTuple):
    """One foreign syntax: what it is called and what to do about it."""

    name: str
    pattern: re.Pattern[str]
    hint: str
    as_html: str = "shows as raw text here"  # what becomes of it inside raw HTML the site lets through


AS_MARKDOWN = "write it as Markdown or remove it"
KINDS = (
    Kind("a Hugo shortcode", re.compile(r"\{\{[<%].*?[%>]\}\}"), f"babelsite has no shortcodes: {AS_MARKDOWN}"),
    Kind("a Liquid or Jinja tag", re.compile(r"(?<!\{)\{%.*?%\}(?!\})"),
         f"babelsite runs no template tags in pages: {AS_MARKDOWN}"),
    Kind("a MkDocs block", re.compile(r"^/{3}\s*[\w-]"),
         "write it as an admonition (`::: note` … `:::`) or remove it"),
    Kind("a MkDocs snippet include", re.compile(r"--8<--"),
         "babelsite includes no files: copy the text in or link to the file"),
    Kind("an MDX import", re.compile(r"^import\s.*\sfrom\s+['\"]"), "babelsite pages are Markdown, not MDX: remove it"),
    Kind("a JSX component", re.compile(r"<[A-Z][\w.]+(?=[\s/>]|$)"), f"babelsite pages are Markdown, not MDX: {AS_MARKDOWN}",
         "reaches the browser as an unknown HTML element here"),
    Kind("a kramdown attribute list", re.compile(r"\{:[^}]*\}"),
         "for a heading id write `{#id}` at the end of the heading; otherwise remove it"),
    Kind('a kramdown markdown="1" attribute', re.compile(r"""\bmarkdown\s*=\s*["']?1"""),
         "Markdown inside HTML is not rendered: write the block in Markdown, or in HTML without it",
         "has no effect here: the Markdown inside this HTML shows as raw text"),
)
# Any of them anywhere, code included: a body without a match is not parsed at all.
ANYWHERE = re.compile("|".join(kind.pattern.pattern.lstrip("^") for kind in KINDS), re.MULTILINE)
CODE = "\0"  # stands for inline code in a rebuilt line, so that no pattern matches across it


def foreign_syntax(body: str, html: bool) -> Iterator[tuple[int, str, str]]:
    """Yield (body line, message, hint) once per line and kind of foreign syntax found outside code."""
    if not ANYWHERE.search(body):
        return
    for line, text, is_html in text_lines(parser_for(body, html).parse(body, {})):
        for kind in KINDS:
            if kind.pattern.search(text):
                yield line, f"{kind.name} {kind.as_html if is_html else 'shows as raw text here'}", kind.hint


def text_lines(tokens: list[Token]) -> Iterator[tuple[int, str, bool]]:
    """Yield (body line, text, is raw HTML) for each line of text or HTML, with inline code blanked out."""
    for block in tokens:
        if block.type == "html_block" and block.map:
            for offset, text in enumerate(block.content.splitlines()):
                yield block.map[0] + offset, text, True
        elif block.type == "inline" and block.map:
            yield from inline_lines(block.map[0], block.children or [])


def inline_lines(first: int, children: list[Token]) -> Iterator[tuple[int, str, bool]]:
    """Rebuild an inline block's lines from its tokens: text and markup as written, code as a placeholder."""
    line, parts, is_html = first, [], False
    for token in children:
        if token.type in ("softbreak", "hardbreak"):
            yield line, "".join(parts), is_html
            line, parts, is_html = line + 1, [], False
        elif token.type == "code_inline":
            parts.append(CODE)
        elif token.type == "html_inline":
            *ended, last = token.content.split("\n")
            for piece in ended:
                yield line, "".join(parts) + piece, True
                line, parts = line + 1, []
            parts.append(last)
            is_html = True
        else:
            parts.append(token.content if token.type == "text" else token.markup)
    yield line, "".join(parts), is_html
