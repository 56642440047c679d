"""Explicit heading ids: `## Heading {#id}` and `## Heading { #id .class }`, as MkDocs, Hugo and Pandoc write them.

`collect_headings` takes the trailing attribute list off each heading's last text, puts the id in
the heading_open token's meta["explicit_id"] and gives it precedence.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

# A trailing `{ ... }` of `#id`, `.class` and `key=value` items, one of them an id.
ATTRIBUTES = re.compile(r'\s*\{\s*((?:(?:[#.][\w:-]+|[\w:-]+=(?:"[^"]*"|[^\s"}]+))\s*)+)\}\s*$')
IDENT = re.compile(r"(?:^|\s)#([\w:-]+)")


def take_explicit_id(heading_open: Token, inline: Token) -> None:
    """Move a heading's trailing `{#id ...}` from its text to heading_open.meta["explicit_id"]."""
    children = inline.children or []
    if not children or children[-1].type != "text":
        return  # `{#id}` inside inline code, or no text at all
    last = children[-1]
    match = ATTRIBUTES.search(last.content)
    ident = IDENT.search(match.group(1)) if match else None
    if ident is None:
        return
    text = last.content[:match.start()]
    if not text.strip() and len(children) == 1:
        return  # a heading that is only `{#x}` keeps its text: it would otherwise be empty
    last.content = text
    inline.content = ATTRIBUTES.sub("", inline.content)
    heading_open.meta["explicit_id"] = ident.group(1)
