"""Frozen data passed between the stages of the pipeline; no I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping


@dataclass(frozen=True)
class SourceFile:
    """A Markdown file under content/, with what its path says about it."""

    path: Path
    display_path: str  # relative to the site folder, for messages
    lang: str | None  # from the language folder or the `.xx.md` suffix
    slug: str  # the file stem without a language suffix


@dataclass(frozen=True)
class Source:
    """One entry of an article's `sources`, numbered from 1."""

    number: int
    text: str
    url: str
    line: int


@dataclass(frozen=True)
class RelatedRef:
    """One slug of an article's `related` list, with its line."""

    slug: str
    line: int


@dataclass(frozen=True)
class Article:
    """One language version of an article, validated."""

    path: Path
    display_path: str
    lang: str
    slug: str
    title: str
    category: str | None
    description: str
    date: str
    updated: str
    draft: bool
    weight: int
    aliases: tuple[str, ...]
    sources: tuple[Source, ...]
    related: tuple[RelatedRef, ...]
    extra: Mapping[str, Any]
    body: str
    body_offset: int  # file lines before the body, to turn body lines into file lines
    title_line: int


@dataclass(frozen=True)
class Corpus:
    """Every article, grouped by slug, then by language in site order."""

    groups: Mapping[str, Mapping[str, Article]]  # slug -> lang -> article, sorted by slug

    def articles(self) -> tuple[Article, ...]:
        """Return every article in slug, then language order."""
        return tuple(a for group in self.groups.values() for a in group.values())
