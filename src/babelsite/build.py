"""The build pipeline: site.toml and content/ in, a complete static site per language out."""

from __future__ import annotations

import itertools
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from . import markdown
from .incremental.cache import CachedBuild, cache_key, compiled_templates_dir, forget_cache, new_state_id, read_cache, stamps
from .config import SiteConfig, load_config
from .quality.checks import check_anchors, check_orphans, check_translations
from .errors import ERROR, INFO, WARNING, Collector, Diagnostic, SiteError
from .links.resolve import LinkedSite, resolve
from .markdown import Fragment
from .content.load import load_corpus
from .model import OutputFile, SourceFile
from .render.pages import render_site, start_rendering
from .output.hosts import host_files
from .output.search import index_site
from .incremental.state import BuildState, store_state
from .content.sources import discover, is_ignored, walk_once
from .links.translations import translation_status
from .render.theme import Theme
from .output.write import check_output_dir, output_files, remove_leftovers, write_site


@dataclass(frozen=True)
class BuildOptions:
    """What the command line asks of one build."""

    site_dir: Path
    config_path: Path | None = None
    output_dir: Path | None = None
    base_url: str | None = None
    strict: bool = False
    drafts: bool = False
    force: bool = False
    jobs: int = 1  # processes for Markdown and article pages; the command line gives one per core
    use_cache: bool = True  # False: build everything, as if .babelsite-cache/ were not there


@dataclass(frozen=True)
class BuildReport:
    """The outcome of a successful build, for the summary line."""

    output_dir: Path
    pages_per_language: dict[str, int]
    files: int
    changed: int
    warnings: tuple[Diagnostic, ...]
    seconds: float
    stage_seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Prepared:
    """Everything a build knows before it renders: the linked site and every page's body."""

    files: tuple[SourceFile, ...]
    site: LinkedSite
    fragments: Mapping[tuple[str, str], Fragment]
    problems: Collector
    timings: dict[str, float]


def prepare(options: BuildOptions, config: SiteConfig | None = None, spill: bool = False) -> Prepared:
    """Run the pipeline up to rendering, collecting every problem; SiteError only for site.toml.

    With `spill`, the bodies' HTML waits on disk rather than in memory (markdown.SpilledFragments).
    """
    timings: dict[str, float] = {}
    t = time.perf_counter()

    def timed(stage: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[stage], t = now - t, now

    config = config or load_config(options.site_dir, options.config_path, options.base_url)
    problems = Collector(config.site_dir)
    timed("config")
    files = discover(config, problems)
    timed("discover")
    corpus = load_corpus(config, files, problems, drafts=options.drafts, jobs=options.jobs)
    timed("load")
    site = resolve(config, corpus, problems)
    timed("links")
    theme = Theme.for_site(config.site_dir, config.allow_outside)
    theme.check_templates(problems)
    assets = theme.asset_paths(site.urls, problems)
    fragments = markdown.convert(site, assets, problems, options.jobs, spill)
    check_anchors(site, fragments, problems)
    timed("markdown")
    return Prepared(files, site, fragments, problems, timings)


def build(options: BuildOptions, progress: Callable[[int], None] | None = None) -> BuildReport:
    """Run the pipeline; raise SiteError with every diagnostic when the site has errors.

    With the build cache of a previous build, an unchanged site is not built again and Markdown
    edits re-render only the pages they reach (rebuild.build_from_cache); else the build is cold.
    """
    started = time.perf_counter()
    config = load_config(options.site_dir, options.config_path, options.base_url)
    output_dir = (options.output_dir or config.output_dir).resolve()
    remove_leftovers(output_dir)
    key = cache_key(config, output_dir, (options.base_url, options.drafts, options.strict))
    inputs = stamps(input_files(config))  # before anything is read: a later change makes the next build look
    refused = Collector(config.site_dir)  # checked before a cached build too: a .git folder may have come since
    check_output_dir(config, output_dir, options.force, refused)
    cached, cache_warning = read_cache(config, key) if options.use_cache and not refused.has_errors else (None, None)
    if cached is not None:
        from .incremental.rebuild import build_from_cache  # rebuild.py builds on this module

        report, cache_warning = build_from_cache(options, config, output_dir, cached, inputs, started)
        if report is not None:
            return report
    forget_cache(config)
    prepared = prepare(options, config, spill=True)
    site, problems = prepared.site, prepared.problems
    problems.extend(refused.items)
    fail_on_problems(problems, options.strict)
    t = time.perf_counter()
    status = translation_status(site)
    prepared.timings["status"] = time.perf_counter() - t
    t = time.perf_counter()
    renderer, static = start_rendering(site, prepared.fragments, problems, status,
                                       compiled_dir=compiled_templates_dir(config))
    outputs = itertools.chain(static, renderer.pages(options.jobs), host_files(site))
    result = write_site(output_dir, counted(outputs, progress), config.site_dir,
                        finish=lambda staging: index_site(staging, config, renderer.searchable),
                        folders=[os.path.dirname(site.urls.output_file(page.path)) for page in site.pages])
    prepared.timings["render+write"] = time.perf_counter() - t
    diagnostics = problems.sorted()
    state = BuildState.after_full_build(site, prepared.fragments, prepared.files, status, diagnostics)
    warnings = tuple(d for d in diagnostics if d.severity == WARNING)
    outputs_written = stamps(output_files(output_dir), output_dir)
    pages = pages_per_language(site)
    store_state(config, CachedBuild(key, inputs, outputs_written, pages, warnings, new_state_id()), state, renderer)
    return BuildReport(output_dir, pages, len(outputs_written), result.changed,
                       warnings + ((cache_warning,) if cache_warning else ()),
                       time.perf_counter() - started, prepared.timings)


def pages_per_language(site: LinkedSite) -> dict[str, int]:
    """Count the article pages of each language, for the summary line."""
    pages: dict[str, int] = {code: 0 for code in site.config.language_codes}
    for _, lang in site.page_keys():
        pages[lang] += 1
    return pages


def input_files(config: SiteConfig) -> Iterator[str]:
    """Yield every file a build reads: site.toml, content, and the site's and theme's templates and static files."""
    yield str(config.config_path)
    theme = Theme.for_site(config.site_dir, config.allow_outside)
    for root in (config.content_dir, *theme.template_dirs, *theme.static_dirs):
        if not theme.boundary.holds(root):
            yield str(root)  # refused by the build, which reads nothing of it: neither is it walked
            continue
        for folder, dirs, names in walk_once(root):
            if names is None:
                yield folder  # a symlink loop: its appearance must make the next build look
                continue
            # what discovery and the theme leave out is no input: an editor's lock file changes nothing
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            # a link out of the site is refused, not walked (a link to / would have the whole disk walked)
            refused = [d for d in dirs if outside(os.path.join(folder, d), theme)]
            yield from (os.path.join(folder, d) for d in refused)
            dirs[:] = [d for d in dirs if d not in refused]
            ignored = is_ignored if root == config.content_dir else (lambda name: name.startswith("."))
            yield from (os.path.join(folder, name) for name in names if not ignored(name))
    yield from map(str, git_state_files(config.site_dir))


def outside(folder: str, theme: Theme) -> bool:
    """Tell whether a folder is a link out of the folders a site's files may lie in."""
    return os.path.islink(folder) and not theme.boundary.holds(folder)


def git_state_files(site_dir: Path) -> Iterator[Path]:
    """Yield the files of the enclosing git repository that a commit or checkout changes.

    Translations without translated_from are dated by their last commits, so those are inputs
    too; not the index, which `git status` rewrites without changing any commit.
    """
    for folder in (site_dir, *site_dir.parents):
        git = folder / ".git"
        if git.is_dir():
            yield from (path for path in (git / "HEAD", git / "packed-refs") if path.exists())
            # is_file: a named pipe in its place would make the read wait forever
            head = (git / "HEAD").read_text(errors="replace").strip() if (git / "HEAD").is_file() else ""
            if head.startswith("ref: ") and (git / head[5:]).is_file():
                yield git / head[5:]
            return


def check(options: BuildOptions) -> tuple[Diagnostic, ...]:
    """Run every validation of a build and the cross-language checks, writing nothing."""
    try:
        prepared = prepare(options)
    except SiteError as exc:
        return exc.diagnostics
    site, fragments, problems = prepared.site, prepared.fragments, prepared.problems
    check_translations(site, fragments, problems)
    check_orphans(site, fragments, problems)
    try:
        for _ in render_site(site, fragments, problems, status=translation_status(site)):
            pass
    except SiteError:
        pass  # the template problem is already among the diagnostics
    return strict_diagnostics(problems.sorted(), options.strict)


def fail_on_problems(problems: Collector, strict: bool) -> None:
    """Stop before writing when there are errors, or warnings under --strict."""
    diagnostics = strict_diagnostics(tuple(d for d in problems.sorted() if d.severity != INFO), strict)
    if any(d.severity == ERROR for d in diagnostics):
        raise SiteError(diagnostics)


def strict_diagnostics(diagnostics: tuple[Diagnostic, ...], strict: bool) -> tuple[Diagnostic, ...]:
    """Return the diagnostics with warnings raised to errors under --strict."""
    if not strict:
        return diagnostics
    return tuple(replace(d, severity=ERROR) if d.severity == WARNING else d for d in diagnostics)


def counted(outputs: Iterable[OutputFile], progress: Callable[[int], None] | None) -> Iterator[OutputFile]:
    """Pass files through, reporting how many have gone by."""
    for count, output in enumerate(outputs, start=1):
        if progress is not None:
            progress(count)
        yield output
