"""Render every page with Jinja from views made for templates; pure: yields OutputFiles."""

from __future__ import annotations

import bisect
import hashlib
import io
import json
import os
import traceback
from functools import cache, cached_property, partial
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterable, Iterator, Mapping, TypeVar
from urllib.parse import quote

import jinja2
from jinja2.sandbox import SandboxedEnvironment, modifies_known_mutable
from markupsafe import Markup

from ..config import user_cache_dir
from ..content.history import Commit, last_commits, repository_root
from ..errors import Collector, SiteError
from ..links.redirects import check_redirects, redirect_moves
from ..locale import collation_key, count_text, ui_strings, written_date
from ..links.resolve import ArticlePage, Link, LinkedSite
from ..markdown import Fragment
from ..markdown.notes import backref_mark
from ..model import Article, LoadedList, OutputFile
from ..parallel import map_in_processes
from ..links.translations import OUTDATED, TranslationStatus
from ..links.tree import LanguageTree, language_tree, section_label, updated_tree
from .dashboard import to_html
from .navigation import Navigation, TreeChange, tree_change
from .templating import SHARED, MacroCodeGenerator, PureMacro, SharedView, as_pure, escape_output, made_once
from .theme import Theme


def compiled_templates_dir(site_dir: Path) -> Path | None:
    """Return this user's private folder of the site's compiled templates; None when it cannot be made.

    Jinja loads compiled templates with marshal, which runs what is stored: they are kept outside
    every site folder, keyed by the site's real path, where no site from anyone can plant them.
    """
    site = hashlib.blake2b(str(site_dir.resolve()).encode("utf-8", "surrogateescape"), digest_size=16)
    try:
        folder = user_cache_dir() / "templates" / site.hexdigest()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)  # fails unless this user owns it
    except (OSError, RuntimeError):  # RuntimeError: no home folder
        return None
    return folder


class QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between processes; one that cannot be stored is compiled again next time."""

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        """Return Jinja's key of a template, apart from those compiled by other code generators (other versions)."""
        return hashlib.sha1(f"{super().get_cache_key(name, filename)}|{CODE_GENERATOR}".encode()).hexdigest()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


ARTICLE_TEMPLATE = "article.html"  # the article and section pages'
SITEMAP_TEMPLATE = "sitemap.xml"
Written = TypeVar("Written")  # what writing a page returns (output.write.Stager.put: a StagedFile)

DICT_ATTRIBUTES = frozenset(dir(dict))  # a read-only mapping's attributes are among them
MAPPINGS = (dict, SharedView, MappingProxyType)  # the views, and the interface strings (`t.menu`)
MACROS = (jinja2.runtime.Macro, PureMacro)  # a template's own macros: nothing for the sandbox to check
CODE_GENERATOR = "babelsite-1"  # what compiled templates hold: new with each change to MacroCodeGenerator


class ViewEnvironment(SandboxedEnvironment):
    """A sandboxed Jinja environment that looks `view.name` up as a key first when the view is a dict.

    Sandboxed: templates come from the site folder, which may come from anyone, and a plain
    Jinja template reaches Python's internals (`cycler.__init__.__globals__.os`) and runs code.

    Every view the renderer passes is a dict (or a read-only mapping), and Jinja tries the
    attribute first: an exception for each of the thousands of lookups in a page. A name that
    is also a dict method (`items`, `get`…) keeps meaning the method, as in plain Jinja.

    Views shared by many pages (render.templating) are read-only here, and pure macros make their
    HTML of each once.
    """

    code_generator_class = MacroCodeGenerator
    pure_macro = staticmethod(as_pure)  # what MacroCodeGenerator's code calls
    escape_output = staticmethod(escape_output)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) in MAPPINGS and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's names
        """Call from a template; a pure macro's HTML of a shared view comes from that view once made."""
        if made_once(__obj, args, kwargs):
            return __obj.made(__context.eval_ctx, *args)
        if type(__obj) in MACROS:  # a template's own macro, always safe: called as Jinja's Context.call calls it
            kwargs.pop("_block_vars", None)
            kwargs.pop("_loop_vars", None)
            return __obj(__context.eval_ctx, *args, **kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Refuse what changes a shared view (`entry.update`, `children.append`), besides what the sandbox refuses."""
        return not (type(obj) in SHARED and modifies_known_mutable(obj, attr)) and super().is_safe_attribute(obj, attr, value)


@cache
def jinja_environment(template_dirs: tuple[Path, ...], compiled_dir: Path | None = None) -> jinja2.Environment:
    """Return the Jinja environment for these template folders, shared by rebuilds in one process.

    Jinja recompiles a template only when its file changed, which keeps preview rebuilds fast.
    """
    return new_environment(template_dirs, compiled_dir)


def new_environment(template_dirs: tuple[Path, ...], compiled_dir: Path | None = None,
                    auto_reload: bool = True) -> jinja2.Environment:
    """Return a new Jinja environment for these template folders; `auto_reload` checks their files at each page.

    Compiled templates are kept in `compiled_dir`, keyed by their source, for the next build.
    Jinja runs what it loads from there: it must be a private folder outside any site
    (compiled_templates_dir).
    """
    return ViewEnvironment(
        auto_reload=auto_reload,
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs]),
        bytecode_cache=QuietBytecodeCache(str(compiled_dir)) if compiled_dir is not None else None,
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_site(site: LinkedSite, fragments: Mapping[tuple[str, str], Fragment], problems: Collector,
                status: TranslationStatus | None = None, jobs: int = 1) -> Iterator[OutputFile]:
    """Yield every file of the site: static files, pages, sitemap and robots.txt; a status adds its notices and page.

    Article pages are rendered in `jobs` processes; the files come in the same order either way.
    """
    renderer, static = start_rendering(site, fragments, problems, status)
    yield from static
    yield from renderer.pages(jobs)


def start_rendering(site: LinkedSite, fragments: Mapping[tuple[str, str], Fragment], problems: Collector,
                    status: TranslationStatus | None, compiled_dir: Path | None = None,
                    commits: Mapping[Path, Commit] | None = None,
                    watch_templates: bool = True) -> tuple[PageRenderer, list[OutputFile]]:
    """Read the static files (named by content hash) and return a page renderer that links to them.

    `compiled_dir` keeps compiled templates for the next build: this user's, never in a site folder.
    `commits` are the article files' last commits, when the build read them already. Without
    `watch_templates` (a build that renders once), the templates are read once for this renderer
    and not checked for changes at each page.
    """
    theme = Theme.for_site(site.config.site_dir, site.config.allow_outside, site.config.content_dir)
    assets = {}
    static = []
    for name, path, site_path, data in theme.published_files(site.urls, problems):
        assets[name] = site_path
        static.append(OutputFile(site_path, data))
    return PageRenderer(site, fragments, theme, assets, problems, status, compiled_dir, commits, watch_templates), static


class PageRenderer:
    """Builds template views and renders them; keeps the Jinja environment for one build."""

    def __init__(self, site: LinkedSite, fragments, theme: Theme, assets: Mapping[str, str], problems: Collector,
                 status: TranslationStatus | None, compiled_dir: Path | None = None,
                 commits: Mapping[Path, Commit] | None = None, watch_templates: bool = True):
        self.site, self.fragments, self.assets, self.problems, self.status = site, fragments, assets, problems, status
        # the last commits of the article files asked for so far (all of them when the build read them already)
        self.commits: dict[Path, Commit] = dict(commits or {})
        self.commits_asked: set[Path] = set(self.article_files()) if commits is not None else set()
        self.config, self.urls = site.config, site.urls
        self.searchable = searchable_languages(site) if self.config.search else set()
        # shared views: the HTML a pure macro makes of a language's strings alone (`theme_control(t)`) is made once
        self.ui = {code: SharedView(strings) for code, strings in
                   ui_strings(site.config.language_codes, site.config.i18n, site.config.default_language).items()}
        self.env = jinja_environment(theme.template_dirs, compiled_dir) if watch_templates else \
            new_environment(theme.template_dirs, compiled_dir, auto_reload=False)
        # each language's listing: category -> (weight, slug, link view) of its articles, sorted
        self.listings: dict[str, dict[str | None, list[ListEntry]]] = {}
        self.category_indexes: dict[str, list[dict[str, Any]]] = {}
        self.navigations: dict[str, Navigation | None] = {}
        self.language_views: dict[str, dict[str, Any]] = {}  # shared: whoever adds to one copies it
        # while a template edit renders the pages again: (template, output path) -> the file's bytes when
        # that template, and every one it uses, is as it was; else None
        self.kept: Callable[[str, str], bytes | None] | None = None

    def asset(self, name: str) -> str:
        """Return the link to a static file by its name, with its content hash."""
        if name not in self.assets:
            raise jinja2.TemplateRuntimeError(f"no static file '{name}' in static/")
        return self.urls.href(self.assets[name])

    def render(self, template: str, path: str, context: dict[str, Any]) -> OutputFile:
        """Render a template to the file serving a site path; template errors name file and line."""
        if self.kept is not None and (kept := self.kept(template, self.urls.output_file(path))) is not None:
            return OutputFile(self.urls.output_file(path), kept)
        try:
            html = self.env.get_template(template).render(context, asset=self.asset)
        except jinja2.TemplateSyntaxError as exc:
            self.problems.error(exc.filename or template, exc.lineno, f"template syntax error: {exc.message}", code="template")
            raise SiteError(self.problems.sorted()) from None
        except Exception as exc:  # noqa: BLE001 - any template failure is the template author's to fix
            filename, line = template_location(exc, template)
            self.problems.error(filename, line, f"template error: {type(exc).__name__}: {exc}", code="template")
            raise SiteError(self.problems.sorted()) from None
        return OutputFile(self.urls.output_file(path), html.encode("utf-8"))

    # -- views -------------------------------------------------------------------------

    def language_view(self, code: str) -> dict[str, Any]:
        """Return a language's name, direction, title and home, made once: every page's switcher shows them all."""
        if code not in self.language_views:
            language = self.config.language(code)
            self.language_views[code] = {"code": code, "name": language.name, "dir": language.direction,
                                         "title": language.title, "home": self.urls.href(self.urls.home(code))}
        return self.language_views[code]

    def navigation(self, lang: str) -> Navigation | None:
        """Return the views of a language's tree, made once per build; None for a site without sections."""
        if lang not in self.navigations:
            self.navigations[lang] = Navigation(language_tree(self.site, lang), lang, self.config, self.urls) \
                if self.site.has_tree else None
        return self.navigations[lang]

    def trees(self) -> dict[str, LanguageTree]:
        """Return the languages' trees made so far, for the build cache."""
        return {lang: navigation.tree for lang, navigation in self.navigations.items() if navigation is not None}

    def retree(self, keys: set[str]) -> dict[str, TreeChange]:
        """Update the trees after the articles of these keys changed; return which pages show it, by language."""
        retreed = {}
        for lang in self.config.language_codes:
            navigation = self.navigation(lang)
            if navigation is None:
                continue
            tree = updated_tree(navigation.tree, self.site, lang, keys)
            if tree is not navigation.tree:
                self.navigations[lang] = Navigation(tree, lang, self.config, self.urls)
                retreed[lang] = tree_change(navigation.tree, tree)
        return retreed

    def keep_trees(self, trees: Mapping[str, LanguageTree]) -> None:
        """Take the trees of the build an edit applies to, so that a body edit reads no other page."""
        self.navigations.update((lang, Navigation(tree, lang, self.config, self.urls)) for lang, tree in trees.items())

    def common(self, lang: str, path: str, translations: Mapping[str, str], canonical: str | None = None,
               x_default: str | None = None) -> dict[str, Any]:
        """Return what every page shows: language, switcher, alternates and canonical URL."""
        language = self.config.language(lang)
        switcher = []
        for other in self.config.languages:
            target = translations.get(other.code)
            switcher.append({
                **self.language_view(other.code),
                "href": self.urls.href(target if target is not None else self.urls.home(other.code)),
                "exists": target is not None,
                "fallback_page": False,  # a missing page's link leads to the language's home
                "current": other.code == lang,
            })
        alternates = [{"hreflang": code, "href": self.urls.absolute(p)} for code, p in translations.items()]
        if alternates:
            if x_default is None:
                x_default = translations.get(self.config.default_language, next(iter(translations.values())))
            alternates.append({"hreflang": "x-default", "href": self.urls.absolute(x_default)})
        return {
            "lang": lang,
            "dir": language.direction,
            "site_title": language.title,
            "t": self.ui[lang],
            "count": partial(count_text, lang),
            "home": self.urls.href(self.urls.home(lang)),
            "root": self.urls.href(self.urls.root),
            "switcher": switcher,
            "alternates": alternates,
            "canonical": canonical or self.urls.absolute(path),
            "categories": self.category_index(lang),
            "search": self.search_view(lang),
            "nav": navigation.unmarked_menu if (navigation := self.navigation(lang)) else None,
        }

    def search_view(self, lang: str) -> dict[str, str] | None:
        """Return where the search box of a `lang` page finds Pagefind, or None when that page has no search."""
        if lang not in self.searchable:
            return None
        return {"bundle": self.urls.href(self.urls.search_index(lang)), "base": self.urls.base_path}

    def link_view(self, link: Link) -> dict[str, Any]:
        language = self.config.language(link.lang)
        return {"title": link.title, "href": self.urls.href(link.path), "lang": link.lang,
                "dir": language.direction, "lang_name": language.name, "other_language": link.is_other_language}

    def category_label(self, lang: str, category: str | None) -> str:
        return self.ui[lang].get(category, category) if category else self.ui[lang]["articles"]

    def listing_entry(self, slug: str, lang: str) -> tuple[str | None, ListEntry]:
        """Return the category under which a reader of `lang` finds an article, and its entry there."""
        link = self.site.link(slug, lang)
        article = self.site.corpus.groups[slug].get(lang) or self.site.original(slug)
        return article.category, (article.weight, slug, {**self.link_view(link), "description": article.description})

    def listing(self, lang: str) -> dict[str | None, list[ListEntry]]:
        """Return the articles a reader of `lang` can reach, grouped by category, sorted."""
        categories: dict[str | None, list[ListEntry]] = {}
        for slug in self.site.corpus.groups:
            category, entry = self.listing_entry(slug, lang)
            categories.setdefault(category, []).append(entry)
        return {category: sorted(entries, key=partial(listing_order, lang)) for category, entries in categories.items()}

    def relist(self, slugs: set[str]) -> set[str]:
        """Update the listings after the articles of these slugs changed; return the languages whose listing changed."""
        relisted = set()
        for lang, listing in self.listings.items():
            old = sorted(((entry[1], category, entry) for category, entries in listing.items()
                          for entry in entries if entry[1] in slugs), key=lambda item: item[0])
            new = [(slug, *self.listing_entry(slug, lang)) for slug in sorted(slugs)]
            if old == new:
                continue
            updated: dict[str | None, list[ListEntry]] = {}
            for category, entries in listing.items():
                kept = [entry for entry in entries if entry[1] not in slugs]
                if kept:
                    updated[category] = kept
            for _, category, entry in new:
                bisect.insort(updated.setdefault(category, []), entry, key=partial(listing_order, lang))
            self.listings[lang] = updated
            self.category_indexes.pop(lang, None)
            relisted.add(lang)
        return relisted

    def category_index(self, lang: str) -> list[dict[str, Any]]:
        """Return the categories of `lang`, sorted by label, with their links."""
        if lang not in self.category_indexes:
            if lang not in self.listings:
                self.listings[lang] = self.listing(lang)
            listing = self.listings[lang]
            # made when a template asks: the build cache reads a listing's articles only then (state.lazy_listing)
            categories = [
                {"key": key, "label": self.category_label(lang, key),
                 "articles": LoadedList(partial(article_views, listing, key)),
                 "href": self.urls.href(self.urls.category(lang, key)) if key else None}
                for key in listing
            ]
            self.category_indexes[lang] = sorted(categories, key=lambda c: (c["key"] is None, collation_key(c["label"], lang)))
        return self.category_indexes[lang]

    def category_label_keys(self) -> dict[tuple[str, str], bytes]:
        """Return the collation keys of the category labels of every listed language, by language and label."""
        return {(lang, category["label"]): collation_key(category["label"], lang)
                for lang in self.listings for category in self.category_index(lang)}

    # -- pages -------------------------------------------------------------------------

    def pages(self, jobs: int = 1, write: Callable[[OutputFile], Written] | None = None,
              meanwhile: Callable[[], None] = lambda: None) -> Iterator[OutputFile | Written]:
        """Yield every page of the site in a deterministic order, article pages from `jobs` processes.

        With `write`, the process rendering an article page writes it, and what `write` returns
        comes back instead of the page: the build's process no longer writes them one by one; it
        renders and writes the other pages, then runs `meanwhile`, while the workers render.
        """
        self.before_forking(self.article_files())
        if write is None:
            yield from map_in_processes(self.article_page, self.site.pages, jobs)
            yield from self.later_pages()
            return
        later: list[Written] = []  # rendered and written here while the workers render the articles
        yield from map_in_processes(lambda page: write(self.article_page(page)), self.site.pages, jobs,
                                    meanwhile=lambda: (later.extend(map(write, self.later_pages())), meanwhile()))
        yield from later

    def later_pages(self) -> Iterator[OutputFile]:
        """Yield the pages after the articles': sections, then homes, categories, status, sitemap…"""
        for folder, lang in self.site.sections:
            yield self.section_page(folder, lang)
        yield from self.other_pages()

    def other_pages(self) -> Iterator[OutputFile]:
        """Yield the files that are neither an article's nor a section's page: homes, categories, status, sitemap…"""
        yield from self.unmarked_pages()
        if self.status is not None and self.config.status_page:
            yield self.status_page()
        yield self.sitemap_file()
        yield OutputFile(self.urls.robots, self.robots())

    def before_forking(self, files: Iterable[Path]) -> None:
        """Make what every page shows once, before the workers fork: listings, trees, these files' last commits."""
        for code in self.config.language_codes:
            self.category_index(code)
            self.navigation(code)
        self.read_commits(files)

    def reached_pages(self, changes: Mapping[str, TreeChange], relisted: set[str], rendered: Iterable[ArticlePage],
                      jobs: int = 1) -> Iterator[OutputFile]:
        """Yield the pages an edit's new trees and listings reach, but for these article pages already rendered.

        The article and section pages whose views of the tree changed; every page with no current
        page when their menu changed, else the home and category pages of the relisted languages.
        """
        done = {(page.key, page.lang) for page in rendered}
        articles = [page for lang, change in changes.items() for key in sorted(change.keys)
                    for page in self.site.pages_by_key.get(key, ()) if page.lang == lang and (key, lang) not in done]
        self.before_forking(page.article.path for page in articles)
        yield from map_in_processes(self.article_page, articles, jobs)
        for lang, change in changes.items():
            for folder in sorted(change.keys):
                if (folder, lang) in self.site.sections:
                    yield self.section_page(folder, lang)
        if any(change.unmarked for change in changes.values()):
            yield from self.unmarked_pages()
        else:
            for code in sorted(relisted):
                yield from self.language_pages(code)

    def unmarked_pages(self) -> Iterator[OutputFile]:
        """Yield the pages with no current page in their menu: homes, categories, redirects, the root and 404 pages."""
        for language in self.config.languages:
            yield from self.language_pages(language.code)
        yield from self.alias_pages()
        yield from self.redirect_pages()
        if not (self.config.default_language_at_root):
            yield self.root_page()
        yield from self.not_found_pages()

    @property
    def language_chooser(self) -> str:
        """The page for readers of no particular language: the root page, or the default home."""
        return self.urls.home(self.config.default_language) if self.config.default_language_at_root else self.urls.root

    def translations(self, slug: str) -> dict[str, str]:
        """Return the site paths of the real translations of `slug`, in language order."""
        return {code: self.site.article_paths[slug, code] for code in self.config.language_codes
                if (slug, code) in self.site.article_paths}

    def article_page(self, page: ArticlePage) -> OutputFile:
        article = page.article
        fragment = self.fragments[page.key, page.lang]
        translations = self.translations(page.key)
        canonical = None
        context_translations = translations
        fallback = None
        if page.is_fallback:
            original_path = translations[article.lang]
            canonical = self.urls.absolute(original_path)
            context_translations = {}
            fallback = {**self.language_view(article.lang), "href": self.urls.href(original_path)}
        context = self.common(page.lang, page.path, context_translations, canonical)
        # A fallback page's switcher still leads to the real translations.
        if page.is_fallback:
            for entry in context["switcher"]:
                if entry["code"] in translations:
                    entry["href"], entry["exists"] = self.urls.href(translations[entry["code"]]), True
        # With fallback = "notice", a language missing this page still has it, in the original's text.
        if self.config.fallback == "notice":
            for entry in context["switcher"]:
                if not entry["exists"]:
                    entry["href"] = self.urls.href(self.site.link(page.key, entry["code"]).path)
                    entry["fallback_page"] = True
        context.update({
            "page": {
                "title": article.title,
                "text_lang": article.lang,
                "text_dir": self.config.language(article.lang).direction,
                "description": article.description,
                "date": article.date,
                "updated": article.updated,
                "published": self.date_view(article.date, page.lang),
                "last_updated": self.date_view(article.updated or self.commit_day(article), page.lang),
                "edit_url": None if page.is_fallback else self.edit_url(article),
                "category": {"label": self.category_label(page.lang, article.category),
                             "href": self.urls.href(self.urls.category(page.lang, article.category))}
                if article.category else None,
                "body": Markup(fragment.html),
                "toc": [{"level": level, "id": anchor, "text": text} for level, anchor, text in fragment.toc],
                "sources": [{"number": s.number, "text": s.text, "url": s.url,
                             "backrefs": self.backrefs(page.lang, s.number, fragment.citation_ids.get(s.number, ()))}
                            for s in article.sources],
                "related": [self.link_view(link) for link in page.related],
                "fallback": fallback,
                "outdated": self.outdated_view(page),
                "extra": dict(article.extra),
                "is_home": page.key == "",
            },
        })
        self.add_tree_views(context, page.key, page.lang, article.title, page.path, article.is_index)
        return self.render(ARTICLE_TEMPLATE, page.path, context)

    def add_tree_views(self, context: dict[str, Any], key: str, lang: str, title: str, path: str,
                       is_section: bool) -> None:
        """Add the menu with this page marked, the breadcrumbs, previous/next and a section's own pages."""
        navigation = self.navigation(lang)
        context.update({"breadcrumbs": [], "breadcrumbs_json_ld": None, "prev": None, "next": None, "section_pages": []})
        if navigation is None:
            return
        trail = navigation.breadcrumbs(key, title) if key else []
        before, after = navigation.neighbours(key)
        context.update({
            "nav": navigation.menu(key),
            "breadcrumbs": trail,
            "breadcrumbs_json_ld": navigation.breadcrumbs_json_ld(trail, path) if trail else None,
            "prev": before,
            "next": after,
            "section_pages": navigation.section_pages(key) if is_section else [],
        })

    def section_page(self, folder: str, lang: str) -> OutputFile:
        """Render the page made for a folder without an index page: its title, then its pages and subsections."""
        path = self.site.sections[folder, lang]
        title = section_label(self.site, folder, lang)
        context = self.common(lang, path, self.site.section_paths(folder))
        context["page"] = {"title": title, "text_lang": lang, "text_dir": self.config.language(lang).direction,
                           "description": "", "date": "", "updated": "", "published": None, "last_updated": None,
                           "edit_url": None, "category": None, "body": Markup(""), "toc": [], "sources": [],
                           "related": [], "fallback": None, "outdated": None, "extra": {}, "is_home": False}
        self.add_tree_views(context, folder, lang, title, path, is_section=True)
        return self.render(ARTICLE_TEMPLATE, path, context)

    def date_view(self, value: str, lang: str) -> dict[str, str] | None:
        """Return a date as the reader's language writes it, with its ISO form ('' for text that is no date)."""
        if not value:
            return None
        text, iso = written_date(value, lang)
        return {"text": text, "iso": iso}

    def article_files(self) -> Iterator[Path]:
        """Return the files of every article of the site, one by one."""
        return (article.path for group in self.site.corpus.groups.values() for article in group.values())

    def read_commits(self, paths: Iterable[Path]) -> None:
        """Read the last commits of the files not asked for yet, in one git log, when pages show them."""
        if not self.config.last_updated:
            return  # without reading `paths`: listing every article file reads every part of a cached build's state
        paths = set(paths) - self.commits_asked
        if paths:
            self.commits.update(last_commits(self.config.site_dir, paths))
        self.commits_asked |= paths

    def commit_day(self, article: Article) -> str:
        """Return the day of an article file's last commit, or '' (not committed, outside git, or not asked for)."""
        if article.path not in self.commits_asked:
            self.read_commits(self.article_files())
        commit = self.commits.get(article.path)
        return commit.day if commit else ""

    @cached_property
    def repository(self) -> Path:
        """The folder edit_url's {path} starts from: the git repository's top, else the site folder."""
        return repository_root(self.config.site_dir) or self.config.site_dir

    def edit_url(self, article: Article) -> str | None:
        """Return where an article's file is edited, from site.toml's edit_url pattern; None without one."""
        if not self.config.edit_url:
            return None
        path = os.path.relpath(article.path, self.repository).replace(os.sep, "/")
        return self.config.edit_url.replace("{path}", quote(path, safe="/"))

    def outdated_view(self, page: ArticlePage) -> dict[str, str] | None:
        """Return the updated original an outdated translation's notice links to, or None."""
        if (self.status is None or not self.config.outdated_notice or page.is_fallback
                or self.status.cell(page.key, page.lang).state != OUTDATED):
            return None
        original = self.site.original(page.key)
        return {"href": self.urls.href(self.site.article_paths[page.key, original.lang]), "lang": original.lang,
                "name": self.config.language(original.lang).name}

    def backrefs(self, lang: str, number: int, ids: tuple[str, ...]) -> list[dict[str, str]]:
        """Return the links from a source back to each place citing it, marked a, b, c… when many."""
        marks = [backref_mark(index) if len(ids) > 1 else "" for index in range(len(ids))]
        label = self.ui[lang]["back_to_citation"]
        return [{"id": ident, "mark": mark, "label": label.replace("{name}", f"{number}{mark}")}
                for ident, mark in zip(ids, marks)]

    def language_pages(self, lang: str) -> Iterator[OutputFile]:
        """Yield the home page and the category pages of one language."""
        homes = {code: self.urls.home(code) for code in self.config.language_codes}
        home = self.urls.home(lang)
        if ("", lang) not in self.site.article_paths and not (self.config.fallback == "notice" and "" in self.site.corpus.groups):
            context = self.common(lang, home, homes, x_default=self.language_chooser)
            navigation = self.navigation(lang)
            context["section_pages"] = navigation.section_pages("") if navigation else []
            yield self.render("home.html", home, context)
        else:
            context = self.common(lang, home, homes)  # the language's own index page is its home
        for category in context["categories"]:
            if category["key"] is None:
                continue
            paths = self.category_paths(category["key"])
            category_context = self.common(lang, paths[lang], paths)
            category_context["category"] = category
            yield self.render("category.html", paths[lang], category_context)

    def category_paths(self, key: str) -> dict[str, str]:
        """Return the site paths of a category's pages, in the languages whose articles use that category."""
        return {code: self.urls.category(code, key) for code in self.config.language_codes
                if any(category["key"] == key for category in self.category_index(code))}

    def alias_pages(self) -> Iterator[OutputFile]:
        """Yield a redirect page for every alias of every real article page."""
        for page in self.site.pages:
            for alias in () if page.is_fallback else page.article.aliases:
                path = self.urls.alias(page.lang, alias, page.path)
                context = self.common(page.lang, path, {}, self.urls.absolute(page.path))
                context["target"] = self.urls.href(page.path)
                yield self.render("redirect.html", path, context)

    def redirect_pages(self) -> Iterator[OutputFile]:
        """Yield a redirect page for every [redirects] entry of site.toml; stop when one collides or leads nowhere."""
        if check_redirects(self.site, self.problems):
            raise SiteError(self.problems.sorted())
        for move in redirect_moves(self.site):
            context = self.common(move.lang, move.source, {}, move.canonical)
            context["target"] = move.target
            yield self.render("redirect.html", move.source, context)

    def root_page(self) -> OutputFile:
        homes = {code: self.urls.home(code) for code in self.config.language_codes}
        context = self.common(self.config.default_language, self.urls.root, homes, x_default=self.urls.root)
        context["languages"] = [self.language_view(code) for code in self.config.language_codes]
        context["language_homes"] = Markup(json.dumps(
            {code: self.urls.href(path) for code, path in homes.items()}, ensure_ascii=True).replace("<", "\\u003c"))
        context["default_language"] = self.config.default_language
        return self.render("root.html", self.urls.root, context)

    def not_found_pages(self) -> Iterator[OutputFile]:
        """Yield the root 404 page, in every language, and one in each language for its own section."""
        languages = [{**self.language_view(code), "t": self.ui[code]} for code in self.config.language_codes]
        context = self.common(self.config.default_language, self.urls.not_found, {})
        context["languages"] = languages
        yield self.render("404.html", self.urls.not_found, context)
        for language in languages:
            path = self.urls.language_not_found(language["code"])
            if path != self.urls.not_found:
                context = self.common(language["code"], path, {})
                context["languages"] = [language]
                yield self.render("404.html", path, context)

    def status_page(self) -> OutputFile:
        lang = self.config.default_language
        return OutputFile(self.urls.output_file(self.urls.status), to_html(self.status, lang, self.ui[lang]).encode("utf-8"))

    def sitemap_pages(self) -> Iterator[tuple[str, Mapping[str, str]]]:
        """Yield (site path, translations' site paths) of every real page: articles, sections, homes, categories."""
        for page in self.site.pages:
            if not page.is_fallback:
                yield page.path, self.translations(page.key)
        for folder, lang in self.site.sections:
            yield self.site.sections[folder, lang], self.site.section_paths(folder)
        homes = {code: self.urls.home(code) for code in self.config.language_codes}
        for lang in self.config.language_codes:
            yield homes[lang], homes
            for category in self.category_index(lang):
                if category["key"] is not None:
                    paths = self.category_paths(category["key"])
                    yield paths[lang], paths

    def sitemap_file(self) -> OutputFile:
        """Return sitemap.xml, its entries made and its text encoded as the template goes.

        At 100,000 pages the sitemap lists a million alternates: as a list of entries and one
        string, it took more memory than the rest of the build's peak.
        """
        if self.kept is not None and (kept := self.kept(SITEMAP_TEMPLATE, self.urls.sitemap)) is not None:
            return OutputFile(self.urls.sitemap, kept)
        entries = ({"loc": self.urls.absolute(path),
                    "alternates": [{"hreflang": code, "href": self.urls.absolute(other)}
                                   for code, other in translations.items()]
                    if len(translations) > 1 else []}
                   for path, translations in self.sitemap_pages())
        xml, pending = io.BytesIO(), []
        for chunk in self.env.get_template(SITEMAP_TEMPLATE).generate(entries=entries):
            pending.append(chunk)
            if len(pending) == SITEMAP_CHUNKS:
                xml.write("".join(pending).encode("utf-8"))
                pending.clear()
        xml.write("".join(pending).encode("utf-8"))
        return OutputFile(self.urls.sitemap, xml.getvalue())

    def robots(self) -> bytes:
        return f"User-agent: *\nAllow: /\nSitemap: {self.urls.absolute(self.urls.sitemap)}\n".encode()


SITEMAP_CHUNKS = 4096  # template output pieces encoded at a time

ListEntry = tuple[int, str, dict[str, Any]]  # (weight, slug, link view) of an article in a listing


def article_views(listing: Mapping[str | None, list[ListEntry]], category: str | None) -> list[dict[str, Any]]:
    """Return the link views of a category's articles in a listing, in its order."""
    return [entry[2] for entry in listing[category]]


def listing_order(lang: str, entry: ListEntry) -> tuple:
    """Sort the listings of `lang` by weight, then title as the reader's alphabet has it, then slug."""
    return entry[0], collation_key(entry[2]["title"], lang), entry[1]


def searchable_languages(site: LinkedSite) -> set[str]:
    """Return the languages with real article pages: Pagefind indexes only those, so others have no search."""
    return {lang for _, lang in site.article_paths}


def template_location(exc: BaseException, fallback: str) -> tuple[str, int]:
    """Find the template file and line where a rendering error happened."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml")) and Path(frame.filename).exists():
            return frame.filename, frame.lineno or 0
    return fallback, 0
