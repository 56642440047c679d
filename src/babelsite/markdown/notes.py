"""Footnotes (`[^fn]`) as notes: a bare superscript number, unlike a `[1]` citation, and a "Notes" heading.

mdit-py-plugins' footnote plugin parses them; this changes only how they are written. The notes
come at the end of the body, before the theme's "Sources". Labels come from `env["ui"]`.
"""

from __future__ import annotations

from typing import Sequence

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token


def notes_plugin(md: MarkdownIt) -> None:
    """Replace the footnote plugin's reference, list and back-link renderers."""
    md.add_render_rule("footnote_ref", render_note_ref)
    md.add_render_rule("footnote_block_open", render_notes_open)
    md.add_render_rule("footnote_anchor", render_note_backref)


def note_number(tokens: Sequence[Token], idx: int) -> tuple[str, str]:
    """Return a note's number as shown and its reference's id suffix (`1`, or `1:2` for its second use)."""
    meta = tokens[idx].meta
    number = str(meta["id"] + 1)
    return number, number + (f":{meta['subId']}" if meta.get("subId", -1) > 0 else "")


def render_note_ref(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """Write a note's mark: a superscript number linking to the note, named "Note 1" for screen readers."""
    number, ref = note_number(tokens, idx)
    label = escapeHtml(env.get("ui", {}).get("note", "Note {name}").replace("{name}", number))
    return (f'<sup class="footnote-ref"><a href="#fn{number}" id="fnref{ref}" aria-label="{label}" '
            f'title="{label}">{number}</a></sup>')


def render_notes_open(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """Open the notes: a section under its own heading, in the page's language."""
    heading = escapeHtml(env.get("ui", {}).get("notes", "Notes"))
    return (f'<section class="footnotes" aria-labelledby="notes-heading">\n<h2 id="notes-heading">{heading}</h2>\n'
            '<ol class="footnotes-list">\n')


def render_note_backref(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    """Write the link from a note back to a place that refers to it, marked a, b, c… when there are several."""
    number, ref = note_number(tokens, idx)
    meta = tokens[idx].meta
    several = env.get("footnotes", {}).get("list", {}).get(meta["id"], {}).get("count", 1) > 1
    mark = backref_mark(max(meta.get("subId", 0), 0)) if several else ""
    label = escapeHtml(env.get("ui", {}).get("back_to_note", "Back to note {name}").replace("{name}", number + mark))
    shown = f'\u21a9\ufe0e<sup>{mark}</sup>' if mark else "\u21a9\ufe0e"
    return (f' <a href="#fnref{ref}" class="footnote-backref"><span class="visually-hidden">{label}</span>'
            f'<span aria-hidden="true" dir="ltr">{shown}</span></a>')


def backref_mark(index: int) -> str:
    """Return a, b, … z, aa, ab, … for the index-th place citing a source or referring to a note."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return backref_mark(index // 26 - 1) + letters[index % 26] if index >= 26 else letters[index]
