"""Translation status: which language has which article, and which translations lag behind their original.

A translation records the original it was made from as `translated_from: <hash>` in its
front matter; when the original's `content_hash` differs now, the translation is outdated.
A translation without it is compared with its original by last commit date when the site
is in a git repository, and is otherwise translated with unknown freshness.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping

from ..content.history import Commit, last_commits
from ..model import Article
from .resolve import LinkedSite

ORIGINAL, TRANSLATED, OUTDATED, MISSING = "original", "translated", "outdated", "missing"
BY_HASH, BY_GIT, UNKNOWN = "hash", "git", "unknown"  # how a translation's freshness was decided


@dataclass(frozen=True)
class Cell:
    """One language's version of one article in the status matrix."""

    state: str  # original, translated, outdated or missing
    path: str | None  # the file, relative to the site folder; None when missing
    translated_from: str | None  # the original's hash the translation records, if any
    original_hash: str | None  # the original's hash now; None when missing
    freshness: str | None  # for a translation: hash, git or unknown


@dataclass(frozen=True)
class Row:
    """One page: its key, its original's title and language, and a cell per site language."""

    key: str
    title: str
    original_lang: str
    cells: Mapping[str, Cell]


@dataclass(frozen=True)
class Coverage:
    """How much of the site one language has: counts per state and shares of all articles."""

    total: int
    original: int
    translated: int
    outdated: int
    missing: int
    unknown: int  # translations whose freshness could not be told

    @property
    def present(self) -> int:
        """Articles readable in this language: originals and translations, outdated or not."""
        return self.original + self.translated + self.outdated

    @property
    def current(self) -> int:
        """Articles whose text in this language is the original or an up-to-date translation."""
        return self.original + self.translated

    def share(self, count: int) -> float:
        """Return count as a share of all articles, 0 for an empty site."""
        return round(count / self.total, 4) if self.total else 0.0


@dataclass(frozen=True)
class TranslationStatus:
    """The state of every article in every language, with coverage per language."""

    title: str
    languages: tuple[str, ...]
    default_language: str
    rows: Mapping[str, Row]  # by slug, in slug order
    coverage: Mapping[str, Coverage]

    def cell(self, slug: str, lang: str) -> Cell:
        """Return the cell of one article in one language."""
        return self.rows[slug].cells[lang]


def content_hash(article: Article) -> str:
    """Return a short hash of what a translation translates: the text and its front matter, not YAML style."""
    canonical = {
        "title": article.title,
        "category": article.category,
        "description": article.description,
        "sources": [{"text": source.text, "url": source.url} for source in article.sources],
        "related": [ref.target for ref in article.related],
        "body": article.body.strip("\n"),
    }
    data = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:12]


def recorded_hash(article: Article) -> str | None:
    """Return the `translated_from` hash of a translation, or None when it has none."""
    value = article.extra.get("translated_from")
    if value is None or isinstance(value, bool):
        return None
    # YAML reads an all-digit hash written without quotes as a number, dropping leading zeros.
    return f"{value:012d}" if isinstance(value, int) else str(value).strip()


def translation_status(site: LinkedSite, commits: Mapping[Path, Commit] | None = None) -> TranslationStatus:
    """Compare every translation with its original and count what each language has.

    `commits` are the article files' last commits when the build read them already (article_commits).
    """
    return assemble(site, make_rows(site, site.corpus.groups, commits))


def article_commits(site: LinkedSite) -> dict[Path, Commit]:
    """Return the last commit of every article file that git has: one git log for the whole site."""
    return last_commits(site.config.site_dir,
                        (article.path for group in site.corpus.groups.values() for article in group.values()))


def update_status(status: TranslationStatus, site: LinkedSite, slugs: Iterable[str]) -> TranslationStatus:
    """Recompute the rows of some slugs after their articles changed; keep every other row."""
    rows = dict(status.rows)
    rows.update(make_rows(site, slugs))
    return assemble(site, rows)


def make_rows(site: LinkedSite, slugs: Iterable[str], commits: Mapping[Path, Commit] | None = None) -> dict[str, Row]:
    """Return the status row of each slug, asking git (unless `commits` says) only about translations without a hash."""
    slugs = list(slugs)
    articles = [a for slug in slugs for a in site.corpus.groups[slug].values()]
    undated = [a for a in articles if recorded_hash(a) is None and a is not site.original(a.key)]
    if commits is None:
        commits = last_commits(site.config.site_dir, {p for a in undated for p in (a.path, site.original(a.key).path)})
    times = {path: commit.time for path, commit in commits.items()}
    rows = {}
    for slug in slugs:
        group, original = site.corpus.groups[slug], site.original(slug)
        original_hash = content_hash(original)
        cells = {code: make_cell(group.get(code), original, original_hash, times) for code in site.config.language_codes}
        rows[slug] = Row(slug, original.title, original.lang, MappingProxyType(cells))
    return rows


def assemble(site: LinkedSite, rows: Mapping[str, Row]) -> TranslationStatus:
    """Put rows in slug order and count each language's coverage."""
    codes = site.config.language_codes
    rows = {slug: rows[slug] for slug in site.corpus.groups}
    coverage = {code: count_states([row.cells[code] for row in rows.values()]) for code in codes}
    return TranslationStatus(site.config.language(site.config.default_language).title, codes,
                             site.config.default_language, MappingProxyType(rows), MappingProxyType(coverage))


def make_cell(article: Article | None, original: Article, original_hash: str, times: Mapping[Path, int | None]) -> Cell:
    """Decide the state of one language's version of an article."""
    if article is None:
        return Cell(MISSING, None, None, None, None)
    if article is original:
        return Cell(ORIGINAL, article.display_path, None, original_hash, None)
    recorded = recorded_hash(article)
    if recorded is not None:
        state = TRANSLATED if recorded == original_hash else OUTDATED
        return Cell(state, article.display_path, recorded, original_hash, BY_HASH)
    translated_at, changed_at = times.get(article.path), times.get(original.path)
    if translated_at is None or changed_at is None:
        return Cell(TRANSLATED, article.display_path, None, original_hash, UNKNOWN)
    state = OUTDATED if changed_at > translated_at else TRANSLATED
    return Cell(state, article.display_path, None, original_hash, BY_GIT)


def count_states(cells: list[Cell]) -> Coverage:
    """Count one language's cells by state."""
    states = [cell.state for cell in cells]
    return Coverage(len(cells), states.count(ORIGINAL), states.count(TRANSLATED), states.count(OUTDATED),
                    states.count(MISSING), sum(cell.freshness == UNKNOWN for cell in cells))


def cell_label(cell: Cell) -> str:
    """Return the word a cell shows, marked with '?' when a translation's freshness is unknown."""
    return cell.state + ("?" if cell.freshness == UNKNOWN else "")
