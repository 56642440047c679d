"""Outdated translations as warnings for `check`, so that `check --strict` fails a CI run on them."""

from __future__ import annotations

from ..errors import Collector
from ..links.resolve import LinkedSite
from ..links.translations import BY_HASH, OUTDATED, TranslationStatus
from ..model import Article


def check_outdated(site: LinkedSite, status: TranslationStatus, problems: Collector) -> None:
    """Warn at each outdated translation, naming its original and how far behind it is."""
    for row in status.rows.values():
        original = site.original(row.key)
        for code, cell in row.cells.items():
            if cell.state != OUTDATED:
                continue
            article = site.corpus.groups[row.key][code]
            if cell.freshness == BY_HASH:
                problems.warning(article.path, translated_from_line(article),
                                 f"outdated translation: the {original.lang} original {original.display_path} "
                                 f"changed since this translation was made from it (translated_from "
                                 f"{cell.translated_from}, the original is now {cell.original_hash})",
                                 f"bring the translation up to date, then set translated_from: "
                                 f"\"{cell.original_hash}\"", code="outdated")
            else:
                commits = cell.commits_behind or 0
                problems.warning(article.path, article.title_line,
                                 f"outdated translation: the {original.lang} original {original.display_path} has "
                                 f"{commits} commit{'s' * (commits != 1)} since this translation's last one",
                                 f"bring the translation up to date (git log -- {original.display_path} shows "
                                 "what changed), or record translated_from: with the original's hash",
                                 code="outdated")


def translated_from_line(article: Article) -> int:
    """Return the front matter line of `translated_from:`, or the title's when it cannot be found."""
    try:
        lines = article.path.read_text(encoding="utf-8").split("\n")[:article.body_offset]
    except (OSError, UnicodeDecodeError):
        return article.title_line
    return next((number for number, text in enumerate(lines, start=1) if text.startswith("translated_from:")),
                article.title_line)
