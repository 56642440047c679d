"""Keep a built site in memory and rebuild it after changes, re-rendering only what a change touches."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Iterable, Mapping

from .build import BuildOptions, BuildReport, BuildState, Prepared, fail_on_problems, pages_per_language, prepare
from .cache import CachedBuild, compiled_templates_dir, Stamp, changed_files, new_state_id, read_state, stamps, write_cache
from .config import SiteConfig
from .checks import check_anchors
from .errors import Collector, Diagnostic, SiteError, WARNING
from .i18n import known_collation_keys, remember_collation_keys, ui_strings
from .links import ArticlePage, LinkedSite, check_collisions, pages_of, resolve_related
from .load import load_article
from .markdown import convert_page
from .model import Article, Corpus, SourceFile
from .render import PageRenderer, jinja_environment, start_rendering
from .search import BUNDLE, reindex_site
from .sources import describe_file
from .status import TranslationStatus, translation_status, update_status
from .urls import UrlScheme
from .write import output_files, update_site


@dataclass(frozen=True)
class RebuildResult:
    """The outcome of one rebuild: which URLs changed or vanished, or why it failed."""

    ok: bool
    changed: tuple[str, ...] = ()  # URL paths, e.g. /en/vae/
    removed: tuple[str, ...] = ()
    stylesheets: Mapping[str, str] = field(default_factory=dict)  # old URL -> new URL of a changed stylesheet
    css_only: bool = False
    diagnostics: tuple[Diagnostic, ...] = ()
    seconds: float = 0.0
    incremental: bool = False


@dataclass(frozen=True)
class Snapshot:
    """What the last successful build knew, kept to rebuild the next change incrementally."""

    prepared: Prepared
    renderer: PageRenderer
    status: TranslationStatus
    diagnostics: tuple[Diagnostic, ...]
    articles: Mapping[Path, Article]  # by path, as they are in the corpus
    page_indexes: Mapping[str, tuple[int, ...]]  # slug -> where its pages are in site.pages

    @classmethod
    def of(cls, prepared: Prepared, renderer: PageRenderer, status: TranslationStatus,
           diagnostics: tuple[Diagnostic, ...]) -> Snapshot:
        """Take a snapshot of a full build, with the indexes an incremental rebuild looks things up in."""
        indexes: dict[str, list[int]] = {}
        for index, page in enumerate(prepared.site.pages):
            indexes.setdefault(page.slug, []).append(index)
        return cls(prepared, renderer, status, diagnostics,
                   MappingProxyType({a.path: a for a in prepared.site.corpus.articles()}),
                   MappingProxyType({slug: tuple(i) for slug, i in indexes.items()}))


class LiveSite:
    """A site built in memory; `rebuild` replaces its files only when the build succeeds."""

    def __init__(self, options: BuildOptions):
        self.options = options
        self.outputs: dict[str, bytes] = {}
        self.urls: UrlScheme | None = None
        self.languages: tuple[str, ...] = ()
        self.default_language = ""
        self.lock = threading.Lock()
        self.builds = 0
        self.snapshot: Snapshot | None = None

    def rebuild(self, changed_inputs: Iterable[Path] = ()) -> RebuildResult:
        """Rebuild after changes to these files: only the touched pages when it can, else everything."""
        started = time.perf_counter()
        changed_inputs = tuple(changed_inputs)
        self.builds += 1
        try:
            update = self.incremental(changed_inputs) if changed_inputs else None
            incremental = update is not None
            if update is None:
                if any(p.suffix != ".md" for p in changed_inputs):
                    # Jinja's cache would keep a theme template that a new site template now overrides.
                    jinja_environment.cache_clear()
                update = self.full()
        except SiteError as exc:
            self.snapshot = None
            return RebuildResult(False, diagnostics=exc.diagnostics, seconds=time.perf_counter() - started)
        outputs, gone, snapshot = update
        with self.lock:
            previous = self.outputs
            if incremental:
                self.outputs = {path: data for path, data in {**previous, **outputs}.items() if path not in gone}
            else:
                self.outputs = outputs
            self.snapshot = snapshot
        changed = sorted(path for path, data in outputs.items() if previous.get(path) != data)
        removed = sorted(path for path in previous if path not in self.outputs)
        urls = self.urls
        return RebuildResult(
            ok=True,
            changed=tuple(url_of(urls, p) for p in changed),
            removed=tuple(url_of(urls, p) for p in removed),
            stylesheets=replaced_stylesheets(urls, removed, changed),
            css_only=bool(changed_inputs) and all(p.suffix == ".css" for p in changed_inputs),
            diagnostics=tuple(d for d in snapshot.diagnostics if d.severity == WARNING),
            seconds=time.perf_counter() - started,
            incremental=incremental,
        )

    def full(self) -> tuple[dict[str, bytes], set[str], Snapshot]:
        """Build everything, as `babelsite build` does, into memory."""
        prepared = prepare(self.options)
        fail_on_problems(prepared.problems, self.options.strict)
        site = prepared.site
        status = translation_status(site)
        renderer, static = start_rendering(site, prepared.fragments, prepared.problems, status, search=False)
        outputs = {f.path: f.data for f in static}
        outputs.update((f.path, f.data) for f in renderer.pages())
        self.urls = site.urls
        self.languages = site.config.language_codes
        self.default_language = site.config.default_language
        return outputs, set(), Snapshot.of(prepared, renderer, status, prepared.problems.sorted())

    def incremental(self, changed_inputs: tuple[Path, ...]) -> tuple[dict[str, bytes], set[str], Snapshot] | None:
        """Re-render only the pages that edited, new or deleted translations reach.

        A body edit reaches the article's pages in every language (their switchers and
        outdated notices); a new title, category or weight, or a translation that appears or
        goes, also reaches the pages that relate or link to it, the home and category pages
        and the sitemap. Returns None when a change may reach further (a new or deleted slug,
        a new original, a renamed slug, aliases, the set of categories, templates, static
        files, site.toml, or an error): then everything is rebuilt, which reports every problem.
        """
        snapshot = self.snapshot
        if snapshot is None:
            return None
        prepared = snapshot.prepared
        config, old_site = prepared.site.config, prepared.site
        problems = Collector(config.site_dir)
        changes = read_changes(snapshot, changed_inputs, self.options.drafts, problems)
        if changes is None:
            return None
        edited, added_files, deleted = changes
        added = [article for _, article in added_files]
        moved = {a.slug for a in (*added, *deleted)}  # slugs whose set of translations changed
        slugs = {a.slug for a in edited.values()} | moved
        listed = bool(moved) or any(not same_listing(snapshot.articles[path], a) for path, a in edited.items())
        site = with_articles(old_site, edited.values(), added, deleted)
        if site is None or any(site.original(slug).path != old_site.original(slug).path for slug in moved):
            return None  # a duplicate, a slug with no file left, or a new original to fall back to

        pages = replace_pages(old_site, site, snapshot.page_indexes, slugs, moved, problems)
        relating = set()
        if listed:  # related lists show titles, and lead to a translation or its fallback
            for index, page in enumerate(pages):
                if page.slug not in slugs and any(link.slug in slugs for link in page.related):
                    pages[index] = replace(page, related=resolve_related(site, page.article, page.lang, problems))
                    relating.add((page.slug, page.lang))
        site = replace(site, pages=tuple(pages))
        ui = ui_strings(config)
        fragments = {key: f for key, f in prepared.fragments.items() if key[0] not in moved}
        linking = {key for key, fragment in fragments.items() if any(link[0] in slugs for link in fragment.links)}
        rechecked = [page for page in pages if page.slug in slugs or (page.slug, page.lang) in linking]
        for page in rechecked:
            if page.slug in moved or page.article.path in edited or (moved and (page.slug, page.lang) in linking):
                fragments[page.slug, page.lang] = convert_page(site, page, ui[page.lang], snapshot.renderer.assets, problems)
        check_anchors(site, fragments, problems, rechecked)
        if moved:
            check_collisions(site, pages, problems)
        if problems.has_errors:
            return None

        status = update_status(snapshot.status, site, slugs)
        renderer = snapshot.renderer
        categories = [[c["key"] for c in renderer.category_index(code)] for code in config.language_codes]
        renderer.site, renderer.fragments, renderer.status = site, fragments, status
        if listed:
            renderer.listings.clear()
            if categories != [[c["key"] for c in renderer.category_index(code)] for code in config.language_codes]:
                return None  # every page's navigation lists the categories
        rendered = [p for p in pages if p.slug in slugs or (p.slug, p.lang) in relating
                    or (moved and (p.slug, p.lang) in linking)]
        outputs = {f.path: f.data for f in map(renderer.article_page, rendered)}
        if listed:
            outputs.update((f.path, f.data) for code in config.language_codes for f in renderer.language_pages(code))
        extra = ([renderer.sitemap_file()] if moved else []) + ([renderer.status_page()] if config.status_page else [])
        outputs.update((f.path, f.data) for f in extra)
        gone = {site.urls.output_file(p.path) for p in old_site.pages if p.slug in moved} - \
            {site.urls.output_file(p.path) for p in pages if p.slug in moved}

        redone = {a.display_path for a in (*edited.values(), *added, *deleted)}
        anchors_rechecked = {page.article.display_path for page in rechecked}
        kept = [d for d in snapshot.diagnostics if d.path not in redone
                and not (d.code == "anchor-missing" and d.path in anchors_rechecked)]
        diagnostics = tuple(sorted(set(kept) | set(problems.items)))
        gone_paths = {a.path for a in deleted}
        sources = [f for f in prepared.files if f.path not in gone_paths] + [source for source, _ in added_files]
        new_prepared = replace(prepared, site=site, fragments=fragments, files=tuple(sources))
        return outputs, gone, Snapshot.of(new_prepared, renderer, status, diagnostics)

    def get(self, path: str) -> bytes | None:
        """Return the bytes of an output file, or None."""
        with self.lock:
            return self.outputs.get(path)


def read_changes(snapshot: Snapshot, changed_inputs: tuple[Path, ...], drafts: bool, problems: Collector):
    """Load the changed Markdown files as (edited, added, deleted) articles, or None to rebuild all."""
    site = snapshot.prepared.site
    config = site.config
    sources = {f.path: f for f in snapshot.prepared.files}
    edited: dict[Path, Article] = {}
    added: list[tuple[SourceFile, Article]] = []
    deleted: list[Article] = []
    try:
        resolved = {p.resolve() for p in changed_inputs}
    except (OSError, RuntimeError):  # a symlink loop: a full build reports it
        return None
    for path in resolved:
        current = snapshot.articles.get(path)
        if path.suffix != ".md" or config.content_dir not in path.parents:
            return None
        if not path.exists():
            if current is None or current.aliases:
                return None
            deleted.append(current)
            continue
        if (current is None and path in sources) or not path.is_file():
            return None  # a draft, or a file that had errors
        source = sources.get(path) or describe_file(config, path, problems)
        article = load_article(config, source, problems)
        if article is None or (article.draft and not drafts):
            return None
        if current is None:
            if article.slug not in site.corpus.groups or article.aliases:
                return None  # a new slug changes what other pages' related lists find
            added.append((source, article))
        elif same_place(config, current, article):
            edited[path] = article
        else:
            return None
    return edited, added, deleted


def with_articles(site: LinkedSite, edited, added, deleted) -> LinkedSite | None:
    """Return the site with articles replaced, added and removed (pages not yet updated)."""
    order = {code: i for i, code in enumerate(site.config.language_codes)}
    groups = dict(site.corpus.groups)
    for article in edited:
        groups[article.slug] = MappingProxyType({**groups[article.slug], article.lang: article})
    for article in deleted:
        groups[article.slug] = MappingProxyType({k: v for k, v in groups[article.slug].items() if k != article.lang})
    for article in added:
        if article.lang in groups[article.slug]:
            return None
        group = {**groups[article.slug], article.lang: article}
        groups[article.slug] = MappingProxyType(dict(sorted(group.items(), key=lambda item: order[item[0]])))
    if any(not group for group in groups.values()):
        return None
    gone = {(a.slug, a.lang) for a in deleted}
    article_paths = {key: path for key, path in site.article_paths.items() if key not in gone}
    article_paths.update(((a.slug, a.lang), site.urls.article(a.lang, a.slug, a.category)) for a in added)
    files = {path: slug for path, slug in site.files.items() if path not in {a.path for a in deleted}}
    files.update((a.path, a.slug) for a in added)
    return replace(site, corpus=Corpus(MappingProxyType(groups)), article_paths=MappingProxyType(article_paths),
                   files=MappingProxyType(files))


def replace_pages(old_site: LinkedSite, site: LinkedSite, page_indexes: Mapping[str, tuple[int, ...]],
                  slugs: set[str], moved: set[str], problems: Collector) -> list[ArticlePage]:
    """Return the site's pages with those of the edited slugs made anew (all of them where translations moved)."""
    pages: list[ArticlePage] = []
    start = 0
    for slug in sorted(slugs, key=lambda s: page_indexes[s][0]):
        indexes = page_indexes[slug]
        pages.extend(old_site.pages[start:indexes[0]])
        if slug in moved:
            pages.extend(pages_of(site, slug, problems))
        else:
            for index in indexes:
                page = old_site.pages[index]
                article = site.corpus.groups[slug].get(page.lang) or site.original(slug)
                pages.append(ArticlePage(page.slug, page.lang, article, page.path,
                                         resolve_related(site, article, page.lang, problems)))
        start = indexes[-1] + 1
    pages.extend(old_site.pages[start:])
    return pages


def same_place(config, old: Article, new: Article) -> bool:
    """Tell whether an edit left an article's URLs and redirects where they were."""
    moved_category = old.category != new.category and "{category}" in config.permalink
    return (old.lang, old.slug, old.aliases, old.draft) == (new.lang, new.slug, new.aliases, new.draft) \
        and not moved_category


def same_listing(old: Article, new: Article) -> bool:
    """Tell whether an edit left what home, category and related lists show of an article."""
    return (old.title, old.category, old.weight) == (new.title, new.category, new.weight)


def url_of(urls: UrlScheme, output_path: str) -> str:
    """Return the URL path that serves an output file (`en/x/index.html` -> `/en/x/`)."""
    if output_path == "index.html" or output_path.endswith("/index.html"):
        output_path = output_path[: -len("index.html")]
    return urls.href(output_path)


def replaced_stylesheets(urls: UrlScheme, removed: list[str], added: list[str]) -> dict[str, str]:
    """Pair each removed content-hashed stylesheet with the new one of the same name."""
    def unhashed(path: str) -> str:
        parts = PurePosixPath(path).name.split(".")
        return str(PurePosixPath(path).parent / ".".join(parts[:-2] + parts[-1:]))

    new = {unhashed(p): p for p in added if p.endswith(".css")}
    return {urls.href(old): urls.href(new[unhashed(old)]) for old in removed
            if old.endswith(".css") and unhashed(old) in new}


def build_from_cache(options: BuildOptions, config: SiteConfig, output_dir: Path, cached: CachedBuild,
                     inputs: Mapping[str, Stamp], started: float) -> tuple[BuildReport | None, Diagnostic | None]:
    """Build from the last build's cache; None when the changes need a cold build, and any warning about the cache.

    Nothing changed and the output is as it was written: nothing to do. Only Markdown files
    changed: the previous build's state, loaded from the cache, is updated as the preview does,
    only the pages the edits reach are rendered, and only files whose bytes changed are replaced.
    """
    changed = changed_files(cached.inputs, inputs)
    paths = tuple(Path(name) for name in changed)
    if any(path.suffix != ".md" or config.content_dir not in path.parents for path in paths):
        return None, None
    if not outputs_intact(output_dir, cached.outputs):
        return None, None
    if not changed:
        return BuildReport(output_dir, dict(cached.pages), len(cached.outputs), 0, cached.warnings,
                           time.perf_counter() - started), None
    state, warning = read_state(config, cached)
    if not isinstance(state, BuildState):
        return None, warning
    prepared = state.prepared
    renderer, _ = start_rendering(prepared.site, prepared.fragments, prepared.problems, state.status,
                                  compiled_dir=compiled_templates_dir(config))
    renderer.listings.update(state.listings)
    remember_collation_keys(state.collation_keys)
    live = LiveSite(options)
    live.snapshot = Snapshot.of(prepared, renderer, state.status, state.diagnostics)
    update = live.incremental(paths)
    if update is None:
        return None, None
    outputs, gone, snapshot = update
    site = snapshot.prepared.site
    if {page.lang for page in site.pages if not page.is_fallback} != renderer.searchable and config.search:
        return None, None  # a language gained or lost its search index, which every page of it links to
    if options.strict and any(d.severity == WARNING for d in snapshot.diagnostics):
        return None, None  # the cold build reports them as errors
    update = update_site(output_dir, outputs, gone)
    written = update.changed
    try:
        reindex_site(output_dir, config, renderer.searchable, written)
    except BaseException:
        update.roll_back()  # a failed build leaves the previous output as it was
        raise
    update.commit()
    stamped = {name: stamp for name, stamp in cached.outputs.items()
               if name not in gone and not name.startswith(BUNDLE + "/")}
    stamped.update(stamps((str(output_dir / name) for name in written if name not in gone), output_dir))
    stamped.update(stamps(output_files(output_dir / BUNDLE), output_dir))
    new_state = BuildState(snapshot.prepared, snapshot.status, snapshot.diagnostics, dict(renderer.listings),
                           known_collation_keys())
    warnings = tuple(d for d in snapshot.diagnostics if d.severity == WARNING)
    pages = pages_per_language(site)
    write_cache(config, CachedBuild(cached.key, inputs, stamped, pages, warnings, new_state_id()), new_state)
    return BuildReport(output_dir, pages, len(stamped), len(written), warnings, time.perf_counter() - started), None


def outputs_intact(output_dir: Path, written: Mapping[str, Stamp]) -> bool:
    """Tell whether every file a build wrote is still there as it was written."""
    for name, (size, mtime, _) in written.items():
        try:
            info = os.stat(output_dir / name)
        except OSError:
            return False
        if (info.st_size, info.st_mtime_ns) != (size, mtime):
            return False
    return True
