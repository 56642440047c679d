"""Task lists: a list item starting with `[ ]` or `[x]` shows a disabled checkbox, in one pass."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

TODO = re.compile(r"\[([ xX])\][ \t\n\v\f\r]+")
CHECKBOX = '<input class="task-list-item-checkbox" {}disabled="disabled" type="checkbox">'


def tasklists_plugin(md: MarkdownIt) -> None:
    """Register the task list pass after inline parsing."""
    md.core.ruler.after("inline", "tasklists", mark_task_items)


def mark_task_items(state: StateCore) -> None:
    """Give each `[ ]`/`[x]` item a checkbox, its class, and its list the class `contains-task-list`.

    The lists open around each token are kept on a stack, so finding an item's list takes no search.
    """
    tokens = state.tokens
    lists: list[Token] = []
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            lists.append(token)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif (token.type == "inline" and index >= 2 and tokens[index - 1].type == "paragraph_open"
              and tokens[index - 2].type == "list_item_open" and TODO.match(token.content)):
            add_checkbox(token)
            tokens[index - 2].attrSet("class", "task-list-item")
            lists[-1].attrSet("class", "contains-task-list")


def add_checkbox(inline: Token) -> None:
    """Replace the `[ ] ` at the start of an item's text with a checkbox."""
    checked = 'checked="checked" ' if inline.content[1] in "xX" else ""
    inline.children = inline.children or []
    inline.children.insert(0, Token("html_inline", "", 0, content=CHECKBOX.format(checked)))
    inline.children[1].content = inline.children[1].content[3:]
    inline.content = inline.content[3:]
