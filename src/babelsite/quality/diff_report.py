"""What changed in an original since its translation, as text for a terminal (coloured on a tty)."""

from __future__ import annotations

from pathlib import Path

from ..config import load_config
from ..content.load import load_corpus
from ..content.sources import discover
from ..errors import Collector
from ..links.diff import BY_GIT, BY_HASH, FieldChange, OriginalDiff, SectionChange, original_diff
from ..links.resolve import resolve

COLOURS = {"-": "31", "+": "32", "@": "36", "#": "1"}  # removed red, added green, hunk headers cyan, headings bold


def diff_translation(site_dir: Path, config_path: Path | None, key: str, lang: str) -> OriginalDiff:
    """Read the site, drafts included, as far as its links (no Markdown), and compare one translation's original."""
    config = load_config(site_dir, config_path)
    loading = Collector(config.site_dir)  # problems of the site's files are the build's to report
    files = discover(config, loading)
    site = resolve(config, load_corpus(config, files, loading, drafts=True), loading)
    return original_diff(site, files, key, lang)


def to_text(diff: OriginalDiff, colour: bool = False) -> str:
    """Return the report of one translation: which version it was made from, then what changed by section."""

    def paint(line: str, kind: str) -> str:
        return f"\033[{COLOURS[kind]}m{line}\033[0m" if colour and kind in COLOURS else line

    lines = [f"{diff.translation} translates {diff.original}"]
    if diff.problem is not None:
        lines += ["", "the original's sections now:"]
        lines += [f"  line {section.line}: {section.heading or '(before the first heading)'}" for section in diff.outline]
        return "\n".join(lines) + "\n"
    if diff.base is None:
        lines.append("the original is as it was translated (its hash is still translated_from): nothing to update")
        return "\n".join(lines) + "\n"
    lines.append(f"made from the original's commit {diff.base.id[:12]} ({diff.base.date}, {diff.base.subject}), "
                 f"{found_by(diff)}")
    count = len(diff.since)
    lines.append(f"the original changed since in {count} commit{'s' * (count != 1)}:" if count
                 else "the original has no commit since")
    lines += [f"  {commit.id[:12]} {commit.date} {commit.subject}" for commit in diff.since]
    if diff.unchanged:
        lines.append("nothing a translation translates changed: nothing to update")
    if diff.fields:
        lines += ["", paint("front matter:", "#")]
        lines += [line for field in diff.fields for line in field_lines(field, paint)]
    for section in diff.sections:
        lines += ["", paint(section_title(section), "#")]
        lines += [paint(line, line[:1]) for line in section.diff]
    return "\n".join(lines) + "\n"


def found_by(diff: OriginalDiff) -> str:
    """Say how the version translated was found."""
    if diff.found_by == BY_HASH:
        return "the one whose content hash is the translation's translated_from"
    if diff.found_by == BY_GIT:
        return "the one committed when the translation last was (it has no translated_from)"
    return f"named by the translation's {diff.found_by}"


def field_lines(field: FieldChange, paint) -> list[str]:
    """Return a changed front matter key as `key: old → new`, or its lines before and now when they are many."""
    old, new = field.old, field.new
    if "\n" not in (old or "") + (new or ""):
        return [f"  {field.key}: {absent(old)} → {absent(new)}"]
    return ([f"  {field.key}:"] + [paint(f"-   {line}", "-") for line in (old or "(absent)").split("\n")]
            + [paint(f"+   {line}", "+") for line in (new or "(absent)").split("\n")])


def absent(value: str | None) -> str:
    """Return a value as written, or says that the key was not there."""
    return "(absent)" if value is None else value or "(empty)"


def section_title(section: SectionChange) -> str:
    """Return the line that introduces a section's diff: its heading, what happened to it, and where."""
    heading = section.heading or "(before the first heading)"
    renamed = f", was {section.old_heading}" if section.old_heading is not None else ""
    where = "was at line" if section.change == "removed" else "line"
    return f"{heading} — {section.change}{renamed} ({where} {section.line})"
