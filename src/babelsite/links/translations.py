"""Translation status: which language has which article, and which translations lag behind their original.

A translation records the original it was made from as `translated_from: <hash>` in its
front matter; when the original's content hash (content.load.content_hash) differs now, the
translation is outdated. A translation without it is compared with its original by last
commit date when the site is in a git repository, and is otherwise translated with unknown
freshness, which is never counted as up to date. A version with `draft: true` is in progress: not yet available.
Rows are grouped by section, the one the page's original is in.
"""

from __future__ import annotations

import subprocess
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping

from ..content.history import Commit, commit_history
from ..model import Article, with_changes
from .resolve import LinkedSite
from .tree import humanize

ORIGINAL, TRANSLATED, OUTDATED, MISSING = "original", "translated", "outdated", "missing"
IN_PROGRESS = "in-progress"  # a version with draft: true
BY_HASH, BY_GIT, UNKNOWN = "hash", "git", "unknown"  # how a translation's freshness was decided
GIT_TIMEOUT = 10  # seconds for one git command


@dataclass(frozen=True)
class Cell:
    """One language's version of one article in the status matrix."""

    state: str  # original, translated, outdated, in-progress or missing
    path: str | None  # the file, relative to the site folder; None when missing
    translated_from: str | None  # the original's hash the translation records, if any
    original_hash: str | None  # the original's hash now; None when missing
    freshness: str | None  # for a translation: hash, git or unknown
    commits_behind: int | None = None  # outdated by git: the original's commits since the translation's last one
    url: str | None = None  # the published page in its language; None when missing or in progress


@dataclass(frozen=True)
class Row:
    """One page: its key, its original's title, language and section, and a cell per site language."""

    key: str
    title: str
    original_lang: str
    cells: Mapping[str, Cell]
    section: str  # the section the original is in (LinkedSite.tree_path), or is, for an index page ('' at the top)


@dataclass(frozen=True)
class Section:
    """A group of rows: a folder, its title in the default language (its index page's, or the folder's name)."""

    key: str  # '' for the pages at the top
    title: str
    rows: tuple[Row, ...]  # the folder's own page first, then the others in key order


@dataclass(frozen=True)
class Coverage:
    """How much of the site one language has: counts per state and shares of all articles; each article counts once."""

    total: int
    original: int
    translated: int  # translations known to be up to date
    outdated: int
    missing: int
    unknown: int  # translations whose freshness could not be told: neither up to date nor outdated
    in_progress: int  # drafts

    @property
    def present(self) -> int:
        """Articles readable in this language: originals and translations, outdated, unknown or not."""
        return self.original + self.translated + self.outdated + self.unknown

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

    def sections(self) -> tuple[Section, ...]:
        """Return the rows grouped by section, the top first, then the sections in key order."""
        grouped: dict[str, list[Row]] = {}
        for row in self.rows.values():
            grouped.setdefault(row.section, []).append(row)
        return tuple(Section(key, section_title(key, self.rows), tuple(sorted(rows, key=lambda r: r.key != key)))
                     for key, rows in sorted(grouped.items()))


def recorded_hash(article: Article) -> str | None:
    """Return the `translated_from` hash of a translation, or None when it has none."""
    value = article.extra.get("translated_from")
    if value is None or isinstance(value, bool):
        return None
    # YAML reads an all-digit hash written without quotes as a number, dropping leading zeros.
    return f"{value:012d}" if isinstance(value, int) else str(value).strip()


def translation_status(site: LinkedSite, history: Mapping[Path, tuple[Commit, ...]] | None = None) -> TranslationStatus:
    """Compare every translation with its original and count what each language has.

    `history` holds the article files' commits when the build read them already (article_history).
    """
    return assemble(site, make_rows(site, site.corpus.groups, history))


def article_history(site: LinkedSite) -> dict[Path, tuple[Commit, ...]]:
    """Return the commits of every article file that git has, newest first: one git log for the whole site."""
    return commit_history(site.config.site_dir,
                          (article.path for group in site.corpus.groups.values() for article in group.values()))


def update_status(status: TranslationStatus, site: LinkedSite, slugs: Iterable[str]) -> TranslationStatus:
    """Recompute the rows of some slugs after their articles changed; keep every other row.

    The other rows are neither read nor counted again (the build cache reads each when asked):
    each language's coverage loses the old rows' cells and gains the new ones'.
    """
    new_rows = make_rows(site, slugs)
    if any(slug not in status.rows for slug in new_rows) or len(status.rows) != len(site.corpus.groups):
        return assemble(site, {**status.rows, **new_rows})  # a slug came or went: every row in its place again
    coverage = {}
    for code, counted in status.coverage.items():
        gone = count_states([status.rows[slug].cells[code] for slug in new_rows])
        came = count_states([row.cells[code] for row in new_rows.values()])
        coverage[code] = Coverage(*(total - before + after for total, before, after in
                                    zip(astuple(counted), astuple(gone), astuple(came))))
    return replace(status, rows=with_changes(status.rows, new_rows), coverage=MappingProxyType(coverage))


def make_rows(site: LinkedSite, slugs: Iterable[str],
              history: Mapping[Path, tuple[Commit, ...]] | None = None) -> dict[str, Row]:
    """Return the status row of each slug, asking git (unless `history` says) only about translations without a hash."""
    slugs = list(slugs)
    articles = [a for slug in slugs for a in site.corpus.groups[slug].values()]
    undated = [a for a in articles if recorded_hash(a) is None and a is not site.original(a.key)]
    if history is None:
        history = commit_history(site.config.site_dir, {p for a in undated for p in (a.path, site.original(a.key).path)})
    times = {path: tuple(commit.time for commit in commits) for path, commits in history.items()}
    rows = {}
    for slug in slugs:
        group, original = site.corpus.groups[slug], site.original(slug)
        original_hash = original.content_hash
        cells = {}
        for code in site.config.language_codes:
            cell = make_cell(group.get(code), original, original_hash, times)
            published = cell.path is not None and cell.state != IN_PROGRESS
            cells[code] = replace(cell, url=site.urls.absolute(site.article_paths[slug, code])) if published else cell
        section = slug if original.is_index else site.tree_path(slug).rpartition("/")[0]
        rows[slug] = Row(slug, original.title, original.lang, MappingProxyType(cells), section)
    return rows


def assemble(site: LinkedSite, rows: Mapping[str, Row]) -> TranslationStatus:
    """Put rows in slug order and count each language's coverage."""
    codes = site.config.language_codes
    rows = {slug: rows[slug] for slug in site.corpus.groups}
    coverage = {code: count_states([row.cells[code] for row in rows.values()]) for code in codes}
    return TranslationStatus(site.config.language(site.config.default_language).title, codes,
                             site.config.default_language, MappingProxyType(rows), MappingProxyType(coverage))


def section_title(section: str, rows: Mapping[str, Row]) -> str:
    """Return a section's title: its index page's (the row keyed by the folder), else its folder's name, humanized."""
    if section in rows:
        return rows[section].title
    return humanize(section.rpartition("/")[2]) if section else ""


def make_cell(article: Article | None, original: Article, original_hash: str,
              history: Mapping[Path, tuple[int, ...]]) -> Cell:
    """Decide the state of one language's version of an article."""
    if article is None:
        return Cell(MISSING, None, None, None, None)
    if article.draft:
        return Cell(IN_PROGRESS, article.display_path, recorded_hash(article), original_hash, None)
    if article is original:
        return Cell(ORIGINAL, article.display_path, None, original_hash, None)
    recorded = recorded_hash(article)
    if recorded is not None:
        state = TRANSLATED if recorded == original_hash else OUTDATED
        return Cell(state, article.display_path, recorded, original_hash, BY_HASH)
    translated, changed = history.get(article.path), history.get(original.path)
    if not translated or not changed:
        return Cell(TRANSLATED, article.display_path, None, original_hash, UNKNOWN)
    behind = sum(time > translated[0] for time in changed)
    return Cell(OUTDATED if behind else TRANSLATED, article.display_path, None, original_hash, BY_GIT,
                behind or None)


def count_states(cells: list[Cell]) -> Coverage:
    """Count one language's cells by state, a translation of unknown freshness as unknown only."""
    states = [UNKNOWN if cell.freshness == UNKNOWN else cell.state for cell in cells]
    return Coverage(len(cells), states.count(ORIGINAL), states.count(TRANSLATED), states.count(OUTDATED),
                    states.count(MISSING), states.count(UNKNOWN), states.count(IN_PROGRESS))


def git(cwd: Path, *args: str, timeout: float = GIT_TIMEOUT) -> str | None:
    """Run one git command and return its output, or None when git is missing, fails or hangs."""
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, encoding="utf-8",
                                errors="surrogateescape", timeout=timeout, check=False)  # file names as Path has them
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def cell_label(cell: Cell) -> str:
    """Return the word a cell shows, marked with '?' when a translation's freshness is unknown."""
    return cell.state + ("?" if cell.freshness == UNKNOWN else "")
