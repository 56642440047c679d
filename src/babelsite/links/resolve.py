"""Resolve how articles link to each other: translations, related articles, fallbacks, URLs."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Iterator, Mapping

from ..config import SiteConfig
from ..errors import Collector, did_you_mean
from ..model import Article, Corpus
from .urls import UrlScheme


@dataclass(frozen=True)
class Link:
    """A link to an article as seen from a page in `reader_lang`."""

    slug: str
    path: str  # site path of the target page
    title: str
    lang: str  # language of the text found there
    reader_lang: str

    @property
    def is_other_language(self) -> bool:
        return self.lang != self.reader_lang


@dataclass(frozen=True)
class ArticlePage:
    """An article page: the text of `article`, in the chrome of language `lang`."""

    slug: str
    lang: str
    article: Article
    path: str
    related: tuple[Link, ...]

    @property
    def is_fallback(self) -> bool:
        """True when the page shows another language's text because `lang` lacks the article."""
        return self.article.lang != self.lang


@dataclass(frozen=True)
class LinkedSite:
    """The corpus with every page placed at its URL and every cross-reference resolved."""

    config: SiteConfig
    corpus: Corpus
    urls: UrlScheme
    pages_by_slug: Mapping[str, tuple[ArticlePage, ...]]  # in the corpus's slug order, each in language order
    article_paths: Mapping[tuple[str, str], str]  # (slug, lang) -> site path of a real translation
    files: Mapping[str, tuple[str, str]]  # resolved source file path -> (slug, lang), for `.md` links

    @property
    def pages(self) -> tuple[ArticlePage, ...]:
        """Return every article page, in slug then language order."""
        return tuple(page for pages in self.pages_by_slug.values() for page in pages)

    def page_keys(self) -> Iterator[tuple[str, str]]:
        """Yield the (slug, language) of every article page, in order, without looking at the pages."""
        notice = self.config.fallback == "notice"
        for slug in self.corpus.groups:
            for code in self.config.language_codes:
                if notice or (slug, code) in self.article_paths:
                    yield slug, code

    def original(self, slug: str) -> Article:
        """Return the version other languages fall back to: the default language's, else the first."""
        group = self.corpus.groups[slug]
        return group.get(self.config.default_language) or next(iter(group.values()))

    def link(self, slug: str, reader_lang: str) -> Link | None:
        """Return the link a reader of `reader_lang` follows to `slug`, honouring `fallback`."""
        group = self.corpus.groups.get(slug)
        if group is None:
            return None
        if reader_lang in group:
            article = group[reader_lang]
            return Link(slug, self.article_paths[slug, reader_lang], article.title, reader_lang, reader_lang)
        original = self.original(slug)
        if self.config.fallback == "notice":
            path = self.urls.article(reader_lang, slug, original.category)
        else:
            path = self.article_paths[slug, original.lang]
        return Link(slug, path, original.title, original.lang, reader_lang)


def resolve(config: SiteConfig, corpus: Corpus, problems: Collector) -> LinkedSite:
    """Place every page at its URL, resolve `related` lists and report dangling slugs."""
    urls = UrlScheme.from_config(config)
    article_paths = {
        (article.slug, article.lang): urls.article(article.lang, article.slug, article.category)
        for article in corpus.articles()
    }
    site = LinkedSite(
        config, corpus, urls, MappingProxyType({}), MappingProxyType(article_paths),
        MappingProxyType({str(a.path.resolve()): (a.slug, a.lang) for a in corpus.articles()}),
    )
    pages_by_slug = {slug: tuple(pages_of(site, slug, problems)) for slug in corpus.groups}
    site = replace(site, pages_by_slug=MappingProxyType(pages_by_slug))
    check_collisions(site, site.pages, problems)
    return site


def pages_of(site: LinkedSite, slug: str, problems: Collector) -> list[ArticlePage]:
    """Return the pages of one slug: one per language that has it, or that falls back to it."""
    pages = []
    group = site.corpus.groups[slug]
    for language in site.config.languages:
        article = group.get(language.code)
        if article is None:
            if site.config.fallback != "notice":
                continue
            article = site.original(slug)
        related = resolve_related(site, article, language.code, problems)
        path = site.article_paths.get((slug, language.code)) or site.urls.article(language.code, slug, article.category)
        pages.append(ArticlePage(slug, language.code, article, path, related))
    return pages


def resolve_related(site: LinkedSite, article: Article, reader_lang: str, problems: Collector) -> tuple[Link, ...]:
    """Turn an article's `related` slugs into links in the reader's language."""
    links = []
    for ref in article.related:
        if ref.slug == article.slug:
            problems.warning(article.path, ref.line, f"related slug '{ref.slug}' is the article itself",
                             "remove it from related", code="related-self")
            continue
        link = site.link(ref.slug, reader_lang)
        if link is None:
            others = (slug for slug in site.corpus.groups if slug != article.slug)
            hint = did_you_mean(ref.slug, others) or "create the article or remove the slug"
            problems.warning(article.path, ref.line, f"related slug '{ref.slug}' names no article", hint, code="related-dangling")
            continue
        links.append(link)
    return tuple(links)


def slug_of_md_link(site: LinkedSite, article: Article, target: str) -> str | None:
    """Return the slug of the article a relative `.md` link names, or None if it names none."""
    # realpath, unlike Path.resolve on Python 3.11, returns a path for a symlink loop instead of raising.
    candidate = Path(os.path.realpath(posixpath.normpath((article.path.parent / target).as_posix())))
    slug = site.files.get(str(candidate), (None,))[0]
    if slug is None:
        stem = Path(target).stem
        stem = stem.rpartition(".")[0] if stem.rpartition(".")[2] in site.config.language_codes else stem
        slug = stem if stem in site.corpus.groups else None
    return slug


def check_collisions(site: LinkedSite, pages: Iterable[ArticlePage], problems: Collector) -> None:
    """Report two pages, aliases or categories that would be written to one output file."""
    urls = site.urls
    reserved = {urls.output_file(path) for path in (urls.not_found, urls.sitemap, urls.robots, urls.root)}
    reserved.update(urls.output_file(urls.home(code)) for code in site.config.language_codes)
    reserved.update(urls.language_not_found(code) for code in site.config.language_codes)
    if site.config.status_page:
        reserved.add(urls.output_file(urls.status))
    reserved.update(category_files(site, problems))
    owners: dict[str, tuple[Article, str]] = {}
    for page in pages:
        if page.is_fallback:
            continue
        line = page.article.title_line
        for path, what in [(page.path, "page")] + [
            (urls.alias(page.lang, alias), f"alias '{alias}'") for alias in page.article.aliases
        ]:
            if ".." in path.split("/") or path.startswith("/"):
                problems.error(page.article.path, line, f"{what} would be written outside the output folder", code="output-path")
                continue
            output = urls.output_file(path)
            if output in reserved or path.startswith("static/"):
                problems.error(page.article.path, line, f"{what} /{path} is reserved for the site's own pages",
                               "choose another slug or alias", code="url-collision")
            elif output in owners:
                owner, owner_what = owners[output]
                if owner is page.article:
                    problems.error(page.article.path, line, f"{what} /{path} is also this article's {owner_what}",
                                   "remove the alias", code="url-collision")
                else:
                    problems.error(page.article.path, line, f"{what} /{path} is also used by {owner.display_path}",
                                   "change the permalink pattern, the slug or the alias", code="url-collision")
            owners.setdefault(output, (page.article, what))


def category_files(site: LinkedSite, problems: Collector) -> set[str]:
    """Return the output files of the category pages; report two categories that would share one."""
    owners: dict[str, Article] = {}
    reported: set[Path] = set()
    for code in site.config.language_codes:
        for slug, group in site.corpus.groups.items():
            article = group.get(code) or site.original(slug)  # the category a reader of `code` sees
            if article.category is None:
                continue
            first = owners.setdefault(site.urls.output_file(site.urls.category(code, article.category)), article)
            if first.category != article.category and article.path not in reported:
                reported.add(article.path)
                problems.error(article.path, article.title_line,
                               f"category '{article.category}' would share its page with category "
                               f"'{first.category}' of {first.display_path}",
                               "spell the category the same way in every article", code="url-collision")
    return set(owners)
