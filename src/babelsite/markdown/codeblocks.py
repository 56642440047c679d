"""Fenced code: Pygments highlighting, a label naming the language and a copy button.

The button is written with `hidden`: static/js/code.js shows it and copies, so a reader without
script sees no button that does nothing. Its texts come from `env["ui"]`, in the page's language.
"""

from __future__ import annotations

from functools import cache
from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, unescapeAll
from markdown_it.token import Token
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound


def code_blocks_plugin(md: MarkdownIt) -> None:
    """Wrap every fenced block's `<pre>` in a box with its language's name and a copy button."""
    plain_fence = md.renderer.rules["fence"]

    def render_fence(self, tokens: Sequence[Token], idx: int, options, env) -> str:
        return code_box(tokens[idx].info, plain_fence(tokens, idx, options, env), env.get("ui", {}))

    md.add_render_rule("fence", render_fence)


@cache
def lexer_for(lang: str) -> Lexer | None:
    """Return the Pygments lexer a fence's language names, or None when Pygments knows no such language."""
    try:
        return get_lexer_by_name(lang)
    except ClassNotFound:
        return None


@cache
def _formatter() -> HtmlFormatter:
    return HtmlFormatter(nowrap=True)


def highlight_code(code: str, lang: str, attrs: str) -> str:
    """Highlight a fenced block with Pygments; '' (plain escaped code) for unknown languages."""
    lexer = lexer_for(lang) if lang else None
    return highlight(code, lexer, _formatter()) if lexer is not None else ""


def code_box(info: str, pre: str, ui) -> str:
    """Return a rendered `<pre>` inside its box: the language's name (Pygments', else as written) and the button."""
    lang = unescapeAll(info).strip().split(maxsplit=1)[0] if info.strip() else ""
    lexer = lexer_for(lang) if lang else None
    name = lexer.name if lexer is not None else lang
    label = f'<span class="code-language">{escapeHtml(name)}</span>' if name else ""
    copy, copied = escapeHtml(ui.get("copy_code", "Copy")), escapeHtml(ui.get("code_copied", "Copied"))
    button = f'<button type="button" class="code-copy" data-copied="{copied}" hidden>{copy}</button>'
    return f'<div class="code-block">\n<div class="code-header">{label}{button}</div>\n{pre}</div>\n'
