"""Keep a built site in memory and rebuild it after changes, re-rendering only what a change touches."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Callable, Collection, Iterable, Mapping

from ..build import BuildOptions, BuildReport, fail_on_problems, pages_per_language, prepare
from .cache import CachedBuild, DamagedCache, changed_files, new_state_id, read_state, stamps
from ..config import SiteConfig
from ..quality.checks import check_anchors
from ..errors import Collector, Diagnostic, SiteError, WARNING
from ..locale import ui_strings
from ..links.resolve import ArticlePage, LinkedSite, check_collisions, page_path, pages_of, resolve_related
from ..content.load import load_article
from ..markdown import Fragment, convert_page
from ..model import Article, Corpus, OutputFile, SourceFile, with_changes
from ..render.pages import PageRenderer, compiled_templates_dir, jinja_environment, searchable_languages, start_rendering
from ..output.hosts import host_files
from ..output.search import BUNDLE, reindex_site
from ..output.verbatim import with_verbatim_files
from ..content.sources import describe_file
from .rerender import PendingPages
from .state import BuildState, StoredState, linked_slugs, referring, related_slugs, rereferred, store_state
from ..content.history import Commit
from ..links.translations import TranslationStatus, article_history, translation_status, update_status
from ..render.theme import Theme
from ..links.urls import UrlScheme
from ..output.stamps import StampTable
from ..output.write import output_files, restage_site
from ..parallel import Aside


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
    partial: bool = False  # a template edit's first pages only: LiveSite.finish renders the others


class LiveSite:
    """A site built in memory; `rebuild` replaces its files only when the build succeeds."""

    def __init__(self, options: BuildOptions):
        self.options = options
        self.outputs: dict[str, bytes] = {}
        self.urls: UrlScheme | None = None
        self.languages: tuple[str, ...] = ()
        self.default_language = ""
        self.i18n: Mapping[str, Mapping[str, str]] = {}  # site.toml's [i18n.xx] overrides of interface strings
        self.lock = threading.Lock()
        self.builds = 0
        self.state: BuildState | None = None  # what the last successful build knew, to apply the next edits to
        self.renderer: PageRenderer | None = None
        self.pending: PendingPages | None = None  # a template edit's pages not all rendered yet

    def rebuild(self, changed_inputs: Iterable[Path] = (), first: Collection[str] | None = None) -> RebuildResult:
        """Rebuild after changes to these files: only the touched pages when it can, else everything.

        With `first` (output paths), a template edit renders only those pages before it returns
        (a partial result) and leaves the others to `finish`; meanwhile `get` renders a page when
        it is asked for. Another template edit may replace it before it finishes; any other change
        finishes it first (the preview does so itself, to tell the tabs).
        """
        started = time.perf_counter()
        changed_inputs = tuple(changed_inputs)
        self.builds += 1
        if self.pending is not None and not self.only_templates(changed_inputs):
            self.finish()
        try:
            update = self.incremental(changed_inputs) if changed_inputs else None
            incremental = update is not None
            if update is None:
                if any(p.suffix != ".md" for p in changed_inputs):
                    # Jinja's cache would keep a theme template that a new site template now overrides.
                    jinja_environment.cache_clear()
                pending = self.rerendering(changed_inputs)
                if pending is not None and first is not None:
                    outputs = pending.render_first(first)
                    with self.lock:
                        self.pending = pending
                    return self.reported(self.outputs, outputs, changed_inputs, started, partial=True,
                                         shown=pending.shown)
                update = (pending.remaining(), set(), self.state) if pending is not None else self.full()
        except SiteError as exc:
            return self.failed(exc, started)
        outputs, gone, state = update
        with self.lock:
            previous, replaced = self.outputs, self.pending
            if incremental:
                self.outputs = {path: data for path, data in {**previous, **outputs}.items() if path not in gone}
            else:
                self.outputs = outputs
            self.state, self.pending = state, None
        shown = replaced.tab_pages() if replaced is not None else []
        return self.reported(previous, outputs, changed_inputs, started, incremental=incremental, shown=shown)

    def finish(self, stop: Callable[[], bool] | None = None) -> RebuildResult | None:
        """Render the pages a template edit left for later and serve them all; None when `stop()` said so first.

        The result names the pages that changed, but for those the first result named.
        """
        pending = self.pending
        try:
            outputs = pending.remaining(stop)
        except SiteError as exc:
            return self.failed(exc, pending.started)
        if outputs is None:
            return None
        with self.lock:
            previous, self.outputs, self.pending = self.outputs, outputs, None
        unnamed = {path: data for path, data in outputs.items() if path not in pending.announced}
        return self.reported(previous, unnamed, (), pending.started, shown=pending.shown)

    def failed(self, exc: SiteError, started: float) -> RebuildResult:
        """Forget the last build's state and any unfinished template edit, and return the failure with its problems."""
        with self.lock:
            self.pending = None
        self.state = None
        return RebuildResult(False, diagnostics=exc.diagnostics, seconds=time.perf_counter() - started)

    def reported(self, previous: Mapping[str, bytes], outputs: Mapping[str, bytes], changed_inputs: tuple[Path, ...],
                 started: float, incremental: bool = False, partial: bool = False,
                 shown: Iterable[Mapping[str, bytes]] = ()) -> RebuildResult:
        """Return a successful rebuild's result: the URLs whose files differ from `previous` (or `shown`), and those gone.

        `shown` holds the pages of template edits replaced before they were all rendered: a tab may show those.
        """
        changed = sorted(path for path, data in outputs.items()
                         if previous.get(path) != data or any(pages.get(path, data) != data for pages in shown))
        removed = sorted(path for path in previous if path not in self.outputs)
        urls = self.urls
        return RebuildResult(
            ok=True,
            changed=tuple(url_of(urls, p) for p in changed),
            removed=tuple(url_of(urls, p) for p in removed),
            stylesheets=replaced_stylesheets(urls, removed, changed),
            css_only=bool(changed_inputs) and all(p.suffix == ".css" for p in changed_inputs),
            diagnostics=tuple(d for d in self.state.diagnostics if d.severity == WARNING),
            seconds=time.perf_counter() - started,
            incremental=incremental,
            partial=partial,
        )

    def full(self) -> tuple[dict[str, bytes], set[str], BuildState]:
        """Build everything, as `babelsite build` does, into memory."""
        prepared = prepare(self.options)
        fail_on_problems(prepared.problems, self.options.strict)
        site = prepared.site
        history = article_history(site) if site.config.last_updated else None  # one git log for both
        commits = {path: commits[0] for path, commits in history.items()} if history is not None else None
        status = translation_status(site, history)
        outputs = self.render_everything(site, prepared.fragments, prepared.problems, status, commits)
        self.urls = site.urls
        self.languages = site.config.language_codes
        self.default_language = site.config.default_language
        self.i18n = site.config.i18n
        diagnostics = prepared.problems.sorted()
        return outputs, set(), BuildState.after_full_build(site, prepared.fragments, prepared.files, status, diagnostics)

    def rerendering(self, changed_inputs: tuple[Path, ...]) -> PendingPages | None:
        """Return every page to render again with the bodies already converted, when only templates changed; else None.

        Templates change what pages look like, never what the articles say or where they go:
        the Markdown stage, most of a full build, need not run again.
        """
        if self.state is None or not self.only_templates(changed_inputs):
            return None
        site = self.state.site
        # a template edit commits nothing, nor changes static files: the dates read and the files found hold
        previous = self.renderer
        commits = previous.commits if previous.commits_asked else None
        theme = Theme.for_site(site.config.site_dir, site.config.allow_outside, site.config.content_dir)
        self.renderer = PageRenderer(site, self.state.fragments, theme, previous.assets, Collector(site.config.site_dir),
                                     self.state.status, commits=commits)
        static = [OutputFile(path, self.outputs[path]) for path in previous.assets.values()]
        # the pages of an earlier template edit that this one replaces before it was all rendered may be open
        shown = self.pending.tab_pages() if self.pending is not None else []
        # the previous outputs are from before that earlier edit too
        edited = self.edited_templates(changed_inputs)
        if self.pending is not None:
            edited = None if edited is None or self.pending.edited is None else edited | self.pending.edited
        return PendingPages(self.renderer, static, host_files(site), self.outputs, shown, self.options.jobs, edited)

    def template_folders(self) -> list[Path]:
        """Return the folders of the site's templates and its theme's."""
        return [self.options.site_dir.resolve() / "templates", *Theme.for_site(self.options.site_dir).template_dirs]

    def only_templates(self, changed_inputs: Iterable[Path]) -> bool:
        """Tell whether some files changed and all of them are templates, the site's or its theme's."""
        template_dirs = self.template_folders()
        try:
            changed = [path.resolve() for path in changed_inputs]
        except (OSError, RuntimeError):  # a symlink loop: a full build reports it
            return False
        return bool(changed) and all(any(path == folder or folder in path.parents for folder in template_dirs)
                                     for path in changed)

    def edited_templates(self, changed_inputs: Iterable[Path]) -> frozenset[str] | None:
        """Return the template names of changed template files or folders; None when a template folder itself changed."""
        template_dirs = self.template_folders()
        names = set()
        for path in changed_inputs:
            path = path.resolve()  # only_templates resolved it already
            if path in template_dirs:
                return None
            names.update(path.relative_to(folder).as_posix() for folder in template_dirs if folder in path.parents)
        return frozenset(names)

    def render_everything(self, site: LinkedSite, fragments: Mapping[tuple[str, str], Fragment], problems: Collector,
                          status: TranslationStatus, commits: Mapping[Path, Commit] | None = None) -> dict[str, bytes]:
        """Render the static files and every page into memory, keeping the renderer for the next edits."""
        self.renderer, static = start_rendering(site, fragments, problems, status, commits=commits)
        generated = itertools.chain(static, self.renderer.pages(), host_files(site))
        return {f.path: f.data for f in with_verbatim_files(generated, site.config, problems)}

    def incremental(self, changed_inputs: tuple[Path, ...]) -> tuple[dict[str, bytes], set[str], BuildState] | None:
        """Re-render only the pages that edited, new or deleted translations reach.

        A body edit reaches the article's pages in every language (their switchers and
        outdated notices); a new title, category or weight, or a translation that appears or
        goes, also reaches the pages that relate or link to it, the home and category pages
        and the sitemap. In a documentation tree, such a change (or a new description) that
        changes a language's tree reaches every page of that language, whose menu shows it:
        they are rendered again from the bodies already converted. Returns None when a change
        may reach further (a new or deleted slug, a new original, a renamed slug, aliases, a
        deleted index page, the set of categories, templates, static files, site.toml, or an
        error): then everything is rebuilt, which reports every problem.
        Looks only at the slugs a change reaches, found in the state's indexes of who refers to whom.
        """
        state, renderer = self.state, self.renderer
        if state is None or renderer is None:
            return None
        old_site = state.site
        config = old_site.config
        problems = Collector(config.site_dir)
        changes = read_changes(state, changed_inputs, self.options.drafts, problems)
        if changes is None:
            return None
        edited, added_files, deleted = changes
        added = [article for _, article in added_files]
        moved = {a.key for a in (*added, *deleted)}  # slugs whose set of translations changed
        slugs = {new.key for _, new in edited} | moved
        listed = bool(moved) or any(not same_listing(old, new) for old, new in edited)
        site = with_articles(old_site, [new for _, new in edited], added, deleted)
        if site is None or any(site.original(slug).path != old_site.original(slug).path for slug in moved):
            return None  # a duplicate, a slug with no file left, or a new original to fall back to
        if config.search and searchable_languages(site) != renderer.searchable:
            return None  # a language gained or lost its search index, which every page of it links to

        new_pages = {slug: remade_pages(old_site, site, slug, slug in moved, problems) for slug in slugs}
        # related lists show titles, and lead to a translation or its fallback
        relating = {key for key in referring(state.relating, slugs) if key[0] not in slugs} if listed else set()
        for slug in {key[0] for key in relating}:
            new_pages[slug] = tuple(
                replace(page, related=resolve_related(site, page.article, page.lang, problems))
                if (page.key, page.lang) in relating else page for page in old_site.pages_by_key[slug])
        site = replace(site, pages_by_key=with_changes(old_site.pages_by_key, new_pages))

        linking = referring(state.linking, slugs)
        reached = sorted(slugs | {slug for slug, _ in linking | relating})
        rechecked = [page for slug in reached for page in site.pages_by_key[slug]
                     if slug in slugs or (slug, page.lang) in linking]
        edited_paths = {new.path for _, new in edited}
        ui = ui_strings(config.language_codes, config.i18n, config.default_language)
        new_fragments = {
            (page.key, page.lang): convert_page(site, page, ui[page.lang], renderer.assets, problems)
            for page in rechecked
            if page.key in moved or page.article.path in edited_paths or (moved and (page.key, page.lang) in linking)
        }
        old_keys = {(page.key, page.lang) for slug in moved for page in old_site.pages_by_key[slug]}
        new_keys = {(page.key, page.lang) for slug in moved for page in site.pages_by_key[slug]}
        fragments = with_changes(state.fragments, new_fragments, old_keys - new_keys)
        check_anchors(site, fragments, problems, rechecked)
        if moved:
            check_collisions(site, site.pages, problems)
        if problems.has_errors:
            return None

        status = update_status(state.status, site, slugs)
        categories = [[c["key"] for c in renderer.category_index(code)] for code in config.language_codes]
        renderer.site, renderer.fragments, renderer.status = site, fragments, status
        relisted = renderer.relist(slugs) if listed else set()
        if relisted:
            if categories != [[c["key"] for c in renderer.category_index(code)] for code in config.language_codes]:
                return None  # every page's navigation lists the categories
        # pages show their language's tree: a new title, weight or description there renders the pages that show it
        retreed = renderer.retree(slugs) if site.has_tree else {}
        rendered = [page for slug in reached for page in site.pages_by_key[slug]
                    if slug in slugs or (slug, page.lang) in relating or (moved and (slug, page.lang) in linking)]
        renderer.read_commits(page.article.path for page in rendered)  # these files only, not the whole site's
        outputs = {f.path: f.data for f in map(renderer.article_page, rendered)}
        outputs.update((f.path, f.data) for f in renderer.reached_pages(retreed, relisted, rendered, self.options.jobs))
        extra = ([renderer.sitemap_file()] if moved else []) + ([renderer.status_page()] if config.status_page else [])
        outputs.update((f.path, f.data) for f in extra)
        gone = {site.urls.output_file(p.path) for slug in moved for p in old_site.pages_by_key[slug]} - \
            {site.urls.output_file(p.path) for slug in moved for p in site.pages_by_key[slug]}

        redone = {a.display_path for a in (*(new for _, new in edited), *added, *deleted)}
        anchors_rechecked = {page.article.display_path for page in rechecked}
        kept = [d for d in state.diagnostics if d.path not in redone
                and not (d.code == "anchor-missing" and d.path in anchors_rechecked)]
        diagnostics = tuple(sorted(set(kept) | set(problems.items)))
        relating_index = rereferred(
            state.relating,
            {(p.key, p.lang): related_slugs(p) for slug in new_pages for p in old_site.pages_by_key[slug]},
            {(p.key, p.lang): related_slugs(p) for pages in new_pages.values() for p in pages})
        linking_index = rereferred(
            state.linking,
            {key: linked_slugs(state.fragments[key])
             for key in new_fragments.keys() | old_keys if key in state.fragments},
            {key: linked_slugs(fragment) for key, fragment in new_fragments.items()})
        # added files were no unpublished ones (read_changes), deleted ones were articles: unpublished stays
        return outputs, gone, BuildState(site, fragments, status, diagnostics, state.unpublished, relating_index,
                                         linking_index)

    def get(self, path: str) -> bytes | None:
        """Return the bytes of an output file, or None; a page a template edit left for later is rendered now."""
        with self.lock:
            pending, outputs = self.pending, self.outputs
        data = pending.get(path) if pending is not None else None
        return data if data is not None else outputs.get(path)


def read_changes(state: BuildState, changed_inputs: tuple[Path, ...], drafts: bool, problems: Collector):
    """Load the changed Markdown files as (edited as (old, new), added, deleted) articles, or None to rebuild all."""
    site = state.site
    config = site.config
    edited: list[tuple[Article, Article]] = []
    added: list[tuple[SourceFile, Article]] = []
    deleted: list[Article] = []
    try:
        resolved = {p.resolve() for p in changed_inputs}
    except (OSError, RuntimeError):  # a symlink loop: a full build reports it
        return None
    for path in resolved:
        key = site.files.get(str(path))
        current = site.corpus.groups[key[0]][key[1]] if key else None
        if path.suffix != ".md" or config.content_dir not in path.parents:
            return None
        if not path.exists():
            if current is None or current.aliases or current.is_index:
                return None  # an index page's slug: names its folder in the URLs of the pages under it
            deleted.append(current)
            continue
        if (current is None and str(path) in state.unpublished) or not path.is_file():
            return None  # a draft, or a file that had errors
        source = describe_file(config, path, problems)
        article = load_article(config, source, problems)
        if article is None or (article.draft and not drafts):
            return None
        if current is None:
            if article.key not in site.corpus.groups or article.aliases or article.is_index:
                return None  # a new slug changes what other pages' related lists find
            added.append((source, article))
        elif same_place(config, current, article):
            edited.append((current, article))
        else:
            return None
    return edited, added, deleted


def with_articles(site: LinkedSite, edited, added, deleted) -> LinkedSite | None:
    """Return the site with articles replaced, added and removed (pages not yet updated)."""
    order = {code: i for i, code in enumerate(site.config.language_codes)}
    groups: dict[str, Mapping[str, Article]] = {}

    def group(slug: str) -> Mapping[str, Article]:
        return groups.get(slug) or site.corpus.groups[slug]

    for article in edited:
        groups[article.key] = MappingProxyType({**group(article.key), article.lang: article})
    for article in deleted:
        groups[article.key] = MappingProxyType({k: v for k, v in group(article.key).items() if k != article.lang})
    for article in added:
        if article.lang in group(article.key):
            return None
        ordered = sorted({**group(article.key), article.lang: article}.items(), key=lambda item: order[item[0]])
        groups[article.key] = MappingProxyType(dict(ordered))
    if any(not group for group in groups.values()):
        return None
    corpus = Corpus(with_changes(site.corpus.groups, groups))
    if not added and not deleted:
        return replace(site, corpus=corpus)  # the same files at the same paths: not copied, which costs with the site
    gone = {(a.key, a.lang) for a in deleted}
    article_paths = {key: path for key, path in site.article_paths.items() if key not in gone}
    article_paths.update(((a.key, a.lang), page_path(site.urls, site.corpus, a, a.lang)) for a in added)
    files = {path: key for path, key in site.files.items() if key not in gone}
    files.update((str(a.path), (a.key, a.lang)) for a in added)
    return replace(site, corpus=corpus, article_paths=MappingProxyType(article_paths), files=MappingProxyType(files))


def remade_pages(old_site: LinkedSite, site: LinkedSite, slug: str, moved: bool,
                 problems: Collector) -> tuple[ArticlePage, ...]:
    """Return the pages of an edited slug made anew: all of them when its translations moved, else the same ones."""
    if moved:
        return tuple(pages_of(site, slug, problems))
    pages = []
    for page in old_site.pages_by_key[slug]:
        article = site.corpus.groups[slug].get(page.lang) or site.original(slug)
        pages.append(ArticlePage(page.key, page.lang, article, page.path,
                                 resolve_related(site, article, page.lang, problems)))
    return tuple(pages)


def same_place(config, old: Article, new: Article) -> bool:
    """Tell whether an edit left an article's URLs and redirects where they were."""
    moved_category = old.category != new.category and "{category}" in config.permalink
    return (old.lang, old.key, old.slug, old.aliases, old.draft) == (new.lang, new.key, new.slug, new.aliases, new.draft) \
        and not moved_category


def same_listing(old: Article, new: Article) -> bool:
    """Tell whether an edit left what home, category and related lists show of an article."""
    return (old.title, old.category, old.weight, old.description) == (new.title, new.category, new.weight,
                                                                      new.description)


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
                     inputs: StampTable, started: float,
                     checks: Aside) -> tuple[BuildReport | None, Diagnostic | None]:
    """Build from the last build's cache; None when the changes need a cold build, and any warning about the cache.

    Nothing changed and the output is as it was written: nothing to do. Only Markdown files
    changed: the previous build's state, read from the cache as far as the edits reach, is
    updated as the preview does, only the pages the edits reach are rendered, and the site is
    staged anew from the previous output's files (hard links) and those whose bytes changed.
    Nothing is written before `checks` (output_checks) found every file of the output as the
    last build wrote it and none it did not write.
    """
    changed_names = changed_files(cached.inputs, inputs)
    paths = tuple(Path(name) for name in changed_names)
    if any(path.suffix != ".md" or config.content_dir not in path.parents for path in paths):
        return None, None
    if not changed_names:
        if checks.result(0) is None:
            return None, None
        return BuildReport(output_dir, dict(cached.pages), len(cached.outputs), 0, cached.warnings,
                           time.perf_counter() - started), None
    loaded, warning = read_state(config, cached)
    if loaded is None or not isinstance(loaded[0], StoredState):
        return None, warning
    outline, pack = loaded
    try:
        stored = outline.unpacked(pack)
    except DamagedCache as exc:
        return None, exc.warning
    state = stored.joined(pack)
    live = LiveSite(options)
    live.state = state
    # only Markdown changed: the static files and the files beside pages, and so their hashed names, are the last
    # build's (listing and hashing them again would walk the whole content folder)
    theme = Theme.for_site(config.site_dir, config.allow_outside, config.content_dir)
    live.renderer = PageRenderer(state.site, state.fragments, theme, stored.assets, Collector(config.site_dir),
                                 state.status, compiled_templates_dir(config.site_dir))
    renderer = live.renderer
    renderer.listings.update(stored.listings)
    renderer.keep_trees(stored.trees)  # an edit that changes a tree updates it (PageRenderer.retree)
    try:
        update = live.incremental(paths)
    except DamagedCache as exc:
        return None, exc.warning
    if update is None:
        return None, None
    outputs, gone, new_state = update
    site = new_state.site
    if options.strict and any(d.severity == WARNING for d in new_state.diagnostics):
        return None, None  # the cold build reports them as errors
    unshared = checks.result(0)  # the output's files not hard-linked twice; None when one is not as written
    if unshared is None or checks.result(1)[0]:
        # staged anew, the site would lose foreign files: the cold build refuses, or with --force removes them (a
        # cached build would keep them in the back buffer, to publish them again with its next swap)
        return None, None
    listed = checks.result(1)[1]  # the stamps of the output's folders that changed since they were stamped
    state_id = new_state_id()
    written, new_folders = restage_site(
        output_dir, config.site_dir, cached.outputs, outputs, gone,
        lambda staging, changed: reindex_site(staging, config, renderer.searchable, changed),
        cached.state_id, state_id, unshared, cached.back_folders)
    renewed = stamps((str(output_dir / name) for name in written if name not in gone), output_dir)
    renewed.update(stamps(output_files(output_dir / BUNDLE), output_dir))  # the search index, written anew
    stamped = cached.outputs.updated(renewed, {*gone, *cached.outputs.under(BUNDLE)})
    warnings = tuple(d for d in new_state.diagnostics if d.severity == WARNING)
    # the same object when no article came or went (with_articles): the same pages, not counted again one by one
    pages = dict(cached.pages) if site.article_paths is state.site.article_paths else pages_per_language(site)
    # the output's, now the back buffer, whose record is at its top
    back_folders = cached.folders.updated({name: (0, mtime, "") for name, mtime in {**listed, "": 0}.items()})
    store_state(config, CachedBuild(cached.key, inputs, stamped, pages, warnings, state_id, new_folders, back_folders),
                new_state, renderer, (stored, pack))
    return BuildReport(output_dir, pages, len(stamped), len(written), warnings, time.perf_counter() - started), None


