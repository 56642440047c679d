"""Keep a built site in memory and rebuild it after changes, re-rendering only what a change touches."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Iterable, Mapping

from .build import BuildOptions, Prepared, fail_on_problems, prepare
from .checks import check_anchors
from .errors import Collector, Diagnostic, SiteError, WARNING
from .i18n import ui_strings
from .links import ArticlePage, resolve_related
from .load import load_article
from .markdown import convert_page
from .model import Article, Corpus, SourceFile
from .render import PageRenderer, start_rendering
from .status import TranslationStatus, translation_status, update_status
from .urls import UrlScheme


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
    sources: Mapping[Path, SourceFile]  # by path, for reloading one file
    articles: Mapping[Path, Article]  # by path, as they are in the corpus
    page_indexes: Mapping[str, tuple[int, ...]]  # slug -> where its pages are in site.pages
    related_in: Mapping[str, frozenset[int]]  # slug -> pages whose related lists show it

    @classmethod
    def of(cls, prepared: Prepared, renderer: PageRenderer, status: TranslationStatus,
           diagnostics: tuple[Diagnostic, ...]) -> Snapshot:
        """Take a snapshot of a full build, with the indexes an incremental rebuild looks things up in."""
        indexes: dict[str, list[int]] = {}
        related_in: dict[str, set[int]] = {}
        for index, page in enumerate(prepared.site.pages):
            indexes.setdefault(page.slug, []).append(index)
            for link in page.related:
                related_in.setdefault(link.slug, set()).add(index)
        return cls(prepared, renderer, status, diagnostics,
                   MappingProxyType({f.path: f for f in prepared.files}),
                   MappingProxyType({a.path: a for a in prepared.site.corpus.articles()}),
                   MappingProxyType({slug: tuple(i) for slug, i in indexes.items()}),
                   MappingProxyType({slug: frozenset(i) for slug, i in related_in.items()}))


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
                update = self.full()
        except SiteError as exc:
            self.snapshot = None
            return RebuildResult(False, diagnostics=exc.diagnostics, seconds=time.perf_counter() - started)
        outputs, snapshot = update
        with self.lock:
            previous = self.outputs
            self.outputs = {**previous, **outputs} if incremental else outputs
            self.snapshot = snapshot
        changed = sorted(path for path, data in outputs.items() if previous.get(path) != data)
        removed = [] if incremental else sorted(path for path in previous if path not in outputs)
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

    def full(self) -> tuple[dict[str, bytes], Snapshot]:
        """Build everything, as `babelsite build` does, into memory."""
        prepared = prepare(self.options)
        fail_on_problems(prepared.problems, self.options.strict)
        site = prepared.site
        status = translation_status(site)
        renderer, static = start_rendering(site, prepared.fragments, prepared.problems, status)
        outputs = {f.path: f.data for f in static}
        outputs.update((f.path, f.data) for f in renderer.pages())
        self.urls = site.urls
        self.languages = site.config.language_codes
        self.default_language = site.config.default_language
        return outputs, Snapshot.of(prepared, renderer, status, prepared.problems.sorted())

    def incremental(self, changed_inputs: tuple[Path, ...]) -> tuple[dict[str, bytes], Snapshot] | None:
        """Re-render only the pages an edit of existing articles reaches.

        A body edit reaches the article's pages in every language (their outdated notices);
        a new title, category or weight also reaches the pages that relate to it and every
        home and category page. Returns None when a change may reach further (new, deleted
        or renamed files, slugs, aliases, the set of categories, templates, static files,
        site.toml, or an error): then everything is rebuilt, which reports every problem.
        """
        snapshot = self.snapshot
        if snapshot is None:
            return None
        prepared = snapshot.prepared
        config, site = prepared.site.config, prepared.site
        problems = Collector(config.site_dir)
        edited: dict[Path, Article] = {}
        listed = False  # whether an edit changed what listings show
        for path in {p.resolve() for p in changed_inputs}:
            current = snapshot.articles.get(path)
            if path.suffix != ".md" or current is None or path not in snapshot.sources or not path.is_file():
                return None
            article = load_article(config, snapshot.sources[path], problems)
            if article is None or (article.draft and not self.options.drafts) or not same_place(config, current, article):
                return None
            listed = listed or not same_listing(current, article)
            edited[path] = article

        groups = dict(site.corpus.groups)
        for article in edited.values():
            groups[article.slug] = MappingProxyType({**groups[article.slug], article.lang: article})
        site = replace(site, corpus=Corpus(MappingProxyType(groups)))
        slugs = {a.slug for a in edited.values()}
        touched = {i for slug in slugs for i in snapshot.page_indexes[slug]}
        relating = {i for slug in slugs for i in snapshot.related_in.get(slug, ())} if listed else set()
        ui = ui_strings(config)
        fragments = dict(prepared.fragments)
        pages = list(site.pages)
        related_in = {slug: set(indexes) for slug, indexes in snapshot.related_in.items()} \
            if any(edited[p].related != snapshot.articles[p].related for p in edited) else None
        for index in sorted(touched | relating):
            page = pages[index]
            article = edited.get(page.article.path, page.article)
            if page.article.path not in edited and index not in relating:
                continue
            new = ArticlePage(page.slug, page.lang, article, page.path, resolve_related(site, article, page.lang, problems))
            if related_in is not None:
                for link in page.related:
                    related_in[link.slug].discard(index)
                for link in new.related:
                    related_in.setdefault(link.slug, set()).add(index)
            pages[index] = new
            if page.article.path in edited:
                fragments[new.slug, new.lang] = convert_page(site, new, ui[new.lang], problems)
        site = replace(site, pages=tuple(pages))
        # Headings may have changed: recheck the anchors of the edited pages and of pages linking to them.
        linking = {key for key, fragment in fragments.items() if any(link[0] in slugs for link in fragment.links)}
        rechecked = [page for page in site.pages if page.slug in slugs or (page.slug, page.lang) in linking] \
            if linking else [pages[i] for i in sorted(touched)]
        check_anchors(site, fragments, problems, rechecked)
        if problems.has_errors:
            return None
        status = update_status(snapshot.status, site, slugs)
        renderer = snapshot.renderer
        categories = {lang: [c["key"] for c in renderer.category_index(lang)] for lang in config.language_codes} \
            if listed else {}
        renderer.site, renderer.fragments, renderer.status = site, fragments, status
        if listed:
            renderer.listings.clear()
            if any([c["key"] for c in renderer.category_index(lang)] != keys for lang, keys in categories.items()):
                return None  # every page's navigation lists the categories
        # An edit also changes whether the other languages' versions are outdated.
        outputs = {f.path: f.data for f in (renderer.article_page(pages[i]) for i in sorted(touched | relating))}
        if listed:
            outputs.update((f.path, f.data) for lang in config.language_codes for f in renderer.language_pages(lang))
        if config.status_page:
            page = renderer.status_page()
            outputs[page.path] = page.data
        redone = {a.display_path for a in edited.values()}
        rechecked_paths = {page.article.display_path for page in rechecked}
        kept = [d for d in snapshot.diagnostics if d.path not in redone
                and not (d.code == "anchor-missing" and d.path in rechecked_paths)]
        diagnostics = tuple(sorted(set(kept) | set(problems.items)))
        articles = {**snapshot.articles, **edited}
        return outputs, replace(
            snapshot, prepared=replace(prepared, site=site, fragments=fragments), status=status,
            diagnostics=diagnostics, articles=MappingProxyType(articles),
            related_in=snapshot.related_in if related_in is None
            else MappingProxyType({slug: frozenset(i) for slug, i in related_in.items()}))

    def get(self, path: str) -> bytes | None:
        """Return the bytes of an output file, or None."""
        with self.lock:
            return self.outputs.get(path)


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
