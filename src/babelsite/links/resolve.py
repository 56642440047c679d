"""Resolve how pages link to each other: translations, related pages, fallbacks, URLs.

A page is known by its key, its path under the language root (`guide/install`; a folder's
index page is the folder). References to pages (`related`, `.md` links) may be a path
relative to the file, a key, or a bare file stem that only one page has.
"""

from __future__ import annotations

import functools
import os
import posixpath
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Iterator, Mapping

from ..config import SiteConfig
from ..errors import Collector, did_you_mean
from ..model import Article, Corpus
from .urls import UrlScheme


@dataclass(frozen=True)
class Link:
    """A link to a page as seen from a page in `reader_lang`."""

    key: str
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

    key: str
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
    pages_by_key: Mapping[str, tuple[ArticlePage, ...]]  # in the corpus's slug order, each in language order
    article_paths: Mapping[tuple[str, str], str]  # (slug, lang) -> site path of a real translation
    files: Mapping[str, tuple[str, str]]  # resolved source file path -> (key, lang), for `.md` links
    stems: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # a key's last segment -> the keys ending so
    # (folder, lang) -> site path of the page made for a folder that has no index page in any language
    sections: Mapping[tuple[str, str], str] = field(default_factory=dict)

    @property
    def pages(self) -> tuple[ArticlePage, ...]:
        """Return every article page, in slug then language order."""
        return tuple(page for pages in self.pages_by_key.values() for page in pages)

    @property
    def has_tree(self) -> bool:
        """Tell whether the site has sections (folders of pages), which every page's menu shows."""
        return any(not key or "/" in key for key in self.corpus.groups) or bool(self.index_keys)

    @functools.cached_property
    def index_keys(self) -> frozenset[str]:
        """Return the keys of the section pages (index.md, _index.md), told by file name without reading a page."""
        return frozenset(key for path, (key, _) in self.files.items()  # `in` first: a site has few of them
                         if "index" in path and os.path.basename(path).partition(".")[0] in ("index", "_index"))

    @functools.cached_property
    def real_folders(self) -> dict[str, str]:
        """Return the real paths of the folders `.md` links have named so far, filled by real_folder."""
        return {}

    def real_folder(self, folder: str) -> str:
        """Return a folder's real path, found once per site: realpath costs a system call for every part of a path."""
        real = self.real_folders.get(folder)
        if real is None:
            real = self.real_folders[folder] = os.path.realpath(folder)
        return real

    def tree_path(self, key: str) -> str:
        """Return where a page sits in the tree: its key, or with flat URLs, the section of its original's folder.

        With flat URLs a page's key is its stem, and a folder is a section when it has an index
        page: the page goes in the deepest one its original's folder lies in. A flat site
        without index pages reads no page to tell.
        """
        if "{path}" in self.config.permalink or not self.index_keys or key in self.index_keys \
                or key not in self.corpus.groups:
            return key
        folder = self.original(key).folder
        while folder and folder not in self.index_keys:
            folder = folder.rpartition("/")[0]
        return f"{folder}/{key}" if folder else key

    def has_page(self, key: tuple[str, str]) -> bool:
        """Tell whether page_keys holds this (slug, language), without listing them."""
        slug, code = key
        if self.config.fallback == "notice":
            return slug in self.corpus.groups and code in self.config.language_codes
        return key in self.article_paths

    def page_keys(self) -> Iterator[tuple[str, str]]:
        """Yield the (slug, language) of every article page, in order, without looking at the pages."""
        notice, codes, article_paths = self.config.fallback == "notice", self.config.language_codes, self.article_paths
        for slug in self.corpus.groups:
            for code in codes:
                if notice or (slug, code) in article_paths:
                    yield slug, code

    def section_paths(self, folder: str) -> dict[str, str]:
        """Return the site paths of the page made for a folder without an index page, in language order."""
        return {code: self.sections[folder, code] for code in self.config.language_codes if (folder, code) in self.sections}

    def index_file(self, folder: str, lang: str) -> Path | None:
        """Return the index file a folder would have in `lang`, beside that language's pages under it; None without any."""
        depth = folder.count("/") + 1
        for articles in self.corpus.groups.values():
            article = articles.get(lang)
            if article is None or not (article.folder + "/").startswith(folder + "/"):
                continue
            directory = article.path.parents[article.folder.count("/") + 1 - depth]
            suffixed = article.path.stem.rpartition(".")[2] == lang  # the suffix layout: guide/install.fr.md
            return directory / (f"_index.{lang}.md" if suffixed else "_index.md")
        return None

    def original(self, slug: str) -> Article:
        """Return the version other languages fall back to: the default language's, else the first."""
        group = self.corpus.groups[slug]
        return group.get(self.config.default_language) or next(iter(group.values()))

    def link(self, key: str, reader_lang: str) -> Link | None:
        """Return the link a reader of `reader_lang` follows to the page `key`, honouring `fallback`."""
        group = self.corpus.groups.get(key)
        if group is None:
            return None
        if reader_lang in group:
            article = group[reader_lang]
            return Link(key, self.article_paths[key, reader_lang], article.title, reader_lang, reader_lang)
        original = self.original(key)
        if self.config.fallback == "notice":
            path = page_path(self.urls, self.corpus, original, reader_lang)
        else:
            path = self.article_paths[key, original.lang]
        return Link(key, path, original.title, original.lang, reader_lang)

    def find(self, reference: str, article: Article) -> tuple[str | None, tuple[str, ...]]:
        """Return the key a reference from `article` names, and the candidates when a bare stem is ambiguous.

        A reference is a path relative to the article's file (`../guide/install.md`), a key
        (`guide/install`), or a bare stem (`install`) when only one page's key ends with it.
        """
        reference = reference.strip()
        if reference.endswith(".md") or reference.startswith("."):
            key = key_of_md_link(self, article, reference)
            return key, ()
        key = reference.strip("/")
        if key in self.corpus.groups:
            return key, ()
        candidates = self.stems.get(key, ())
        if len(candidates) == 1:
            return candidates[0], ()
        return None, candidates


def page_path(urls: UrlScheme, corpus: Corpus, article: Article, lang: str) -> str:
    """Return the site path of a page in `lang`: its folders renamed by their index pages' `slug:` there, then its slug.

    `article` is the version shown (a fallback shows the original's text at the reader's URL).
    """
    segments = localized_folders(corpus, article.folder, lang)
    if article.is_index:
        if not segments:
            return urls.home(lang)
        segments[-1] = article.slug
    else:
        segments.append(article.slug)
    return urls.article(lang, "/".join(segments), article.slug, article.category)


def localized_folders(corpus: Corpus, folder: str, lang: str) -> list[str]:
    """Return the URL segments of a folder's path in `lang`: each folder renamed by its index page's `slug:` there."""
    segments = []
    parts = folder.split("/") if folder else []
    for depth in range(1, len(parts) + 1):
        index = corpus.groups.get("/".join(parts[:depth]), {}).get(lang)
        segments.append(index.slug if index is not None and index.is_index else parts[depth - 1])
    return segments


def folders_of(keys: Iterable[str]) -> set[str]:
    """Return every folder that holds pages, at any depth (not the language root)."""
    return {key.rsplit("/", depth)[0] for key in keys for depth in range(1, key.count("/") + 1)}


def folders_without_index(keys: Iterable[str]) -> list[str]:
    """Return the folders that hold pages but are no page themselves (no index page in any language), sorted."""
    keys = set(keys)
    return sorted(folders_of(keys) - keys)


def section_paths(urls: UrlScheme, corpus: Corpus, languages: Iterable[str]) -> dict[tuple[str, str], str]:
    """Return the site path, in every language, of the page made for each folder without an index page."""
    return {(folder, lang): urls.article(lang, "/".join(localized_folders(corpus, folder, lang)),
                                         folder.rpartition("/")[2], None)
            for folder in folders_without_index(corpus.groups) for lang in languages}


def keys_by_stem(keys: Iterable[str]) -> Mapping[str, tuple[str, ...]]:
    """Map each key's last segment to the keys that end with it, for references by bare stem."""
    stems: dict[str, list[str]] = {}
    for key in keys:
        if key:
            stems.setdefault(key.rpartition("/")[2], []).append(key)
    return MappingProxyType({stem: tuple(keys) for stem, keys in stems.items()})


def resolve(config: SiteConfig, corpus: Corpus, problems: Collector) -> LinkedSite:
    """Place every page at its URL, resolve `related` lists and report dangling references."""
    urls = UrlScheme.from_config(config)
    article_paths = {
        (article.key, article.lang): page_path(urls, corpus, article, article.lang)
        for article in corpus.articles()
    }
    site = LinkedSite(
        config, corpus, urls, MappingProxyType({}), MappingProxyType(article_paths),
        MappingProxyType(real_files(corpus)),
        keys_by_stem(corpus.groups), MappingProxyType(section_paths(urls, corpus, config.language_codes)),
    )
    pages_by_key = {key: tuple(pages_of(site, key, problems)) for key in corpus.groups}
    site = replace(site, pages_by_key=MappingProxyType(pages_by_key))
    check_collisions(site, site.pages, problems)
    return site


def real_files(corpus: Corpus) -> dict[str, tuple[str, str]]:
    """Map the real path of each article's file to its (key, language), for `.md` links."""
    # One realpath per folder, not per file: it costs a system call for every part of the path.
    real_folder = functools.cache(os.path.realpath)
    files = {}
    for article in corpus.articles():
        path = str(article.path)
        real = os.path.realpath(path) if os.path.islink(path) else \
            os.path.join(real_folder(os.path.dirname(path)), os.path.basename(path))
        files[real] = (article.key, article.lang)
    return files


def pages_of(site: LinkedSite, key: str, problems: Collector) -> list[ArticlePage]:
    """Return the pages of one key: one per language that has it, or that falls back to it."""
    pages = []
    group = site.corpus.groups[key]
    for language in site.config.languages:
        article = group.get(language.code)
        if article is None:
            if site.config.fallback != "notice":
                continue
            article = site.original(key)
        related = resolve_related(site, article, language.code, problems)
        path = site.article_paths.get((key, language.code)) or page_path(site.urls, site.corpus, article, language.code)
        pages.append(ArticlePage(key, language.code, article, path, related))
    return pages


def resolve_related(site: LinkedSite, article: Article, reader_lang: str, problems: Collector) -> tuple[Link, ...]:
    """Turn an article's `related` references into links in the reader's language."""
    links = []
    for ref in article.related:
        key, candidates = site.find(ref.target, article)
        if key == article.key:
            problems.warning(article.path, ref.line, f"related page '{ref.target}' is the page itself",
                             "remove it from related", code="related-self")
            continue
        link = site.link(key, reader_lang) if key is not None else None
        if link is None and candidates:
            problems.error(article.path, ref.line, f"related page '{ref.target}' could be any of "
                           + ", ".join(candidates), "write the key of the one you mean", code="related-ambiguous")
            continue
        if link is None:
            others = (other for other in site.corpus.groups if other != article.key)
            hint = did_you_mean(ref.target, others) or "create the page or remove the reference"
            problems.warning(article.path, ref.line, f"related page '{ref.target}' names no page", hint,
                             code="related-dangling")
            continue
        links.append(link)
    return tuple(links)


def key_of_md_link(site: LinkedSite, article: Article, target: str) -> str | None:
    """Return the key of the page a relative `.md` link names, or None if it names none."""
    folder, name = os.path.split(os.path.normpath(os.path.join(os.path.dirname(article.path), target)))
    # The real path of the link's folder and its file's name: an article's file as site.files
    # holds it, no symbolic link. Anything else gets a realpath of its own, which follows a
    # last link (realpath, unlike Path.resolve on Python 3.11, returns a path for a loop instead of raising).
    candidate = os.path.join(site.real_folder(folder), name)
    found = site.files.get(candidate) or site.files.get(os.path.realpath(candidate))
    key = found[0] if found else None
    if key is None:
        key = key_of_relative_path(site, article, target)
    if key is None:
        stem = Path(target).stem
        stem = stem.rpartition(".")[0] if stem.rpartition(".")[2] in site.config.language_codes else stem
        key = stem if stem in site.corpus.groups else None
        if key is None and len(site.stems.get(stem, ())) == 1:
            key = site.stems[stem][0]
    return key


def key_of_relative_path(site: LinkedSite, article: Article, target: str) -> str | None:
    """Return the key a relative `.md` path names from the article's folder, whatever language has the file.

    A translation links to `../admin/install.md` as its original does, even when that page
    is not translated yet: the link then follows `fallback` like any other.
    """
    path = posixpath.normpath(posixpath.join(article.folder, target))
    if path.startswith(".."):
        return None
    stem = path.removesuffix(".md")
    folder, _, name = stem.rpartition("/")
    base, _, suffix = name.rpartition(".")
    if base and suffix in site.config.language_codes:
        name = base
    key = folder if name in ("index", "_index") else "/".join(filter(None, (folder, name)))
    return key if key in site.corpus.groups else None


def check_collisions(site: LinkedSite, pages: Iterable[ArticlePage], problems: Collector) -> None:
    """Report two pages, aliases or categories that would be written to one output file."""
    urls = site.urls
    reserved = {urls.output_file(path) for path in (urls.not_found, urls.sitemap, urls.robots)}
    if not site.config.default_language_at_root:
        reserved.add(urls.output_file(urls.root))  # the page that chooses a language
    reserved.update(urls.output_file(urls.home(code)) for code in site.config.language_codes
                    if ("", code) not in site.article_paths)  # a language's own index page is its home
    reserved.update(urls.language_not_found(code) for code in site.config.language_codes)
    if site.config.status_page:
        reserved.add(urls.output_file(urls.status))
    reserved.update(category_files(site, problems))
    made = made_section_files(site, reserved, problems)
    owners: dict[str, tuple[Article, str]] = {}
    for page in pages:
        if page.is_fallback:
            continue
        line = page.article.title_line
        for path, what in [(page.path, "page")] + [
            (urls.alias(page.lang, alias, page.path), f"alias '{alias}'") for alias in page.article.aliases
        ]:
            if ".." in path.split("/") or path.startswith("/"):
                problems.error(page.article.path, line, f"{what} would be written outside the output folder", code="output-path")
                continue
            output = urls.output_file(path)
            if output in reserved or path.startswith("static/"):
                problems.error(page.article.path, line, f"{what} /{path} is reserved for the site's own pages",
                               "choose another slug or alias", code="url-collision")
            elif output in made:
                problems.error(page.article.path, line, f"{what} /{path} is also the page made for section "
                               f"'{made[output]}', which has no index page",
                               "give that folder an index page with a slug:, or change this slug", code="url-collision")
            elif output in owners:
                owner, owner_what = owners[output]
                if owner is page.article:
                    problems.error(page.article.path, line, f"{what} /{path} is also this article's {owner_what}",
                                   "remove the alias", code="url-collision")
                else:
                    problems.error(page.article.path, line, f"{what} /{path} is also used by {owner.display_path}",
                                   "change the permalink pattern, the slug or the alias", code="url-collision")
            owners.setdefault(output, (page.article, what))


def made_section_files(site: LinkedSite, reserved: set[str], problems: Collector) -> dict[str, str]:
    """Return the output files of the pages made for folders without an index page; report those that collide."""
    made: dict[str, str] = {}  # output file -> folder
    for (folder, lang), path in site.sections.items():
        output = site.urls.output_file(path)
        if output in reserved or output in made:
            index = site.index_file(folder, lang) or site.config.content_dir
            other = f"the page made for section '{made[output]}'" if output in made else "reserved for the site's own pages"
            problems.error(index, 0, f"section '{folder}' has no index page, and the page made for it, /{path}, "
                           f"is also {other}", f"add {problems.display_path(index)} with a slug:", code="url-collision")
        made.setdefault(output, folder)
    return made


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
