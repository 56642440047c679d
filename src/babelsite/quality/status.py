"""Translation status reports for the command line: an aligned table grouped by section, or JSON."""

from __future__ import annotations

import unicodedata
from types import MappingProxyType
from typing import Any, Mapping

from ..links.translations import Cell, Coverage, TranslationStatus, cell_label
from ..locale import InterfaceCoverage


def to_json(status: TranslationStatus,
            interface: Mapping[str, InterfaceCoverage] = MappingProxyType({})) -> dict[str, Any]:
    """Return the status as one JSON-ready document; each article names its section; `interface` adds each
    language's interface-string coverage."""
    return {
        "languages": list(status.languages),
        "default_language": status.default_language,
        "sections": [{"section": section.key, "title": section.title, "slugs": [row.key for row in section.rows]}
                     for section in status.sections()],
        "articles": [{"slug": row.key, "title": row.title, "original_language": row.original_lang,
                      "section": row.section, "cells": {code: cell_json(cell) for code, cell in row.cells.items()}}
                     for row in status.rows.values()],
        "coverage": {code: coverage_json(coverage) for code, coverage in status.coverage.items()},
    } | ({"interface": {code: interface_json(c) for code, c in interface.items()}} if interface else {})


def interface_json(c: InterfaceCoverage) -> dict[str, Any]:
    """Return a language's interface-string coverage as JSON: counts, share, source and the keys missing."""
    return {"translated": c.translated, "total": c.total, "coverage": c.share, "source": c.source or None,
            "missing": list(c.missing)}


def cell_json(cell: Cell) -> dict[str, Any]:
    """Return a cell as JSON: state and path, then whichever of the hashes, freshness, lag and page URL it has."""
    optional = {"translated_from": cell.translated_from, "original_hash": cell.original_hash,
                "freshness": cell.freshness, "commits_behind": cell.commits_behind, "url": cell.url}
    return {"state": cell.state, "path": cell.path} | {key: value for key, value in optional.items() if value is not None}


def coverage_json(c: Coverage) -> dict[str, Any]:
    """Return a language's coverage as JSON: counts per state, then shares of all articles from 0 to 1."""
    return {"total": c.total, "original": c.original, "translated": c.translated, "outdated": c.outdated,
            "missing": c.missing, "unknown": c.unknown, "in_progress": c.in_progress,
            "coverage": c.share(c.present), "up_to_date": c.share(c.current)}


def coverage_line(code: str, c: Coverage) -> str:
    """Return one language's coverage as a sentence; unknown and in-progress counts only when there are some."""
    counts = [f"{c.original} original", f"{c.translated} translated", f"{c.outdated} outdated"]
    counts += [f"{c.unknown} unknown"] * bool(c.unknown) + [f"{c.in_progress} in progress"] * bool(c.in_progress)
    return (f"{code}: {c.present}/{c.total} available ({c.share(c.present):.0%}), "
            f"{c.current}/{c.total} up to date ({c.share(c.current):.0%}) — "
            + ", ".join(counts + [f"{c.missing} missing"]))


def interface_text(c: InterfaceCoverage) -> str:
    """Return a language's interface-string coverage as the end of its coverage line."""
    where = {"": "none translated", "site": "from [i18n]"}.get(
        c.source, f"from the theme's {c.source.removeprefix('theme:')}")
    return f"; interface strings {c.translated}/{c.total} ({c.share:.0%}, {where})"


def to_text(status: TranslationStatus, interface: Mapping[str, InterfaceCoverage] = MappingProxyType({})) -> str:
    """Return the status as an aligned table for a terminal, a heading line per section, then the coverage.

    With `interface`, each coverage line ends with the language's interface-string coverage.
    """
    sections = status.sections()
    table: list[list[str] | str] = [["slug", *status.languages]]
    for section in sections:
        if len(sections) > 1:
            table.append(f"{section.key}/ · {section.title}" if section.key else "/")
        table += [[row.key, *map(cell_label, row.cells.values())] for row in section.rows]
    cells = [line for line in table if isinstance(line, list)]
    widths = [max(display_width(line[column]) for line in cells) for column in range(len(cells[0]))]
    lines = [line if isinstance(line, str) else
             "  ".join(text + " " * (width - display_width(text)) for text, width in zip(line, widths)).rstrip()
             for line in table]
    lines.append("")
    lines += [coverage_line(code, coverage) + (interface_text(interface[code]) if code in interface else "")
              for code, coverage in status.coverage.items()]
    if any(c.unknown for c in status.coverage.values()):
        lines.append("?: no translated_from in the front matter and no git history to tell whether it is up to date; "
                     "counted as unknown, not as up to date")
    return "\n".join(lines) + "\n"


def display_width(text: str) -> int:
    """Return how many terminal columns text takes: wide East Asian characters take two, marks none."""
    return sum(0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
               for char in text)
