"""Task lists: a list item starting with `[ ]` or `[x]` shows a disabled checkbox."""

from __future__ import annotations

import re

from markdown_it.token import Token

TODO = re.compile(r"\[([ xX])\][ \t\n\v\f\r]+")
CHECKBOX = '<input class="task-list-item-checkbox" {}disabled="disabled" type="checkbox">'


def mark_task_item(tokens: list[Token], index: int, lists: list[Token]) -> None:
    """Give the inline token at `index` a checkbox if it starts a list item with `[ ]`/`[x]`, and classes to its item and list.

    `lists` holds the lists open around it, innermost last, so finding the item's list takes no search.
    """
    if (index >= 2 and tokens[index - 1].type == "paragraph_open" and tokens[index - 2].type == "list_item_open"
            and TODO.match(tokens[index].content)):
        add_checkbox(tokens[index])
        tokens[index - 2].attrSet("class", "task-list-item")
        lists[-1].attrSet("class", "contains-task-list")


def add_checkbox(inline: Token) -> None:
    """Replace the `[ ] ` at the start of an item's text with a checkbox."""
    checked = 'checked="checked" ' if inline.content[1] in "xX" else ""
    inline.children = inline.children or []
    inline.children.insert(0, Token("html_inline", "", 0, content=CHECKBOX.format(checked)))
    inline.children[1].content = inline.children[1].content[3:]
    inline.content = inline.content[3:]
