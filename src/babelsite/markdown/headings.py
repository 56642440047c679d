"""Explicit heading ids: `## Heading {#id}` and `## Heading { #id .class }`, as MkDocs, Hugo and Pandoc write them.

A core rule takes the trailing attribute list off the heading's last text and puts the id in
the heading_open token's meta["explicit_id"], where `collect_headings` gives it precedence.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

# A trailing `{ ... }` of `#id`, `.class` and `key=value` items, one of them an id.
ATTRIBUTES = re.compile(r'\s*\{\s*((?:(?:[#.][\w:-]+|[\w:-]+=(?:"[^"]*"|[^\s"}]+))\s*)+)\}\s*$')
IDENT = re.compile(r"(?:^|\s)#([\w:-]+)")


def heading_attrs_plugin(md: MarkdownIt) -> None:
    """Register the rule before the one that gives headings their ids."""
    md.core.ruler.before("headings", "heading_attrs", take_heading_attrs)


def take_heading_attrs(state: StateCore) -> None:
    """Move each heading's trailing `{#id ...}` from its text to its heading_open token's meta."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or index + 1 >= len(tokens):
            continue
        inline = tokens[index + 1]
        children = inline.children or []
        if not children or children[-1].type != "text":
            continue  # `{#id}` inside inline code, or no text at all
        last = children[-1]
        match = ATTRIBUTES.search(last.content)
        ident = IDENT.search(match.group(1)) if match else None
        if ident is None:
            continue
        text = last.content[:match.start()]
        if not text.strip() and len(children) == 1:
            continue  # a heading that is only `{#x}` keeps its text: it would otherwise be empty
        last.content = text
        inline.content = ATTRIBUTES.sub("", inline.content)
        token.meta["explicit_id"] = ident.group(1)
