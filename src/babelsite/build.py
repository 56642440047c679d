"""The cold build: site.toml and content/ in, a complete static site per language out, stage by stage.

It knows nothing of the build cache: whoever runs a build (the command line, the preview)
picks a cached one (`incremental`) or this one.
"""

from __future__ import annotations

import itertools
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from . import markdown
from .config import SiteConfig, read_config
from .quality.checks import (check_anchors, check_foreign_syntax, check_orphans, check_section_pages,
                             check_translations)
from .quality.labels import check_i18n_keys, check_label_translations
from .quality.freshness import check_outdated
from .errors import ERROR, INFO, WARNING, Collector, Diagnostic, SiteError
from .links.resolve import LinkedSite, resolve
from .markdown import Fragment
from .content.load import load_corpus
from .model import OutputFile, SourceFile, StagedFile
from .render.pages import PageRenderer, compiled_templates_dir, render_site, start_rendering
from .output.hosts import host_files
from .output.search import check_pagefind, index_site
from .content.sources import discover
from .links.translations import TranslationStatus, article_history, translation_status
from .render.theme import Theme
from .output.verbatim import with_verbatim_files
from .output.write import Stager, write_site
from .options import BuildOptions, BuildReport


@dataclass(frozen=True)
class Prepared:
    """Everything a build knows before it renders: the linked site and every page's body."""

    files: tuple[SourceFile, ...]
    site: LinkedSite
    fragments: Mapping[tuple[str, str], Fragment]
    problems: Collector
    timings: dict[str, float]


@dataclass(frozen=True)
class ColdBuild:
    """What a cold build wrote and knew: its report, and what a later build may start from."""

    report: BuildReport
    prepared: Prepared
    status: TranslationStatus
    renderer: PageRenderer
    diagnostics: tuple[Diagnostic, ...]
    outputs: Mapping[str, tuple[int, int]]  # every file written (but the marker) -> its size and mtime in ns


def prepare(options: BuildOptions, config: SiteConfig | None = None, spill: bool = False) -> Prepared:
    """Run the pipeline up to rendering, collecting every problem; SiteError only for a site.toml no build can start from.

    With `spill`, the bodies wait on disk rather than in memory (markdown.SpilledFragments).
    """
    timings: dict[str, float] = {}
    t = time.perf_counter()

    def timed(stage: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[stage], t = now - t, now

    config_problems: tuple[Diagnostic, ...] = ()
    if config is None:
        config, config_problems = read_config(options.site_dir, options.config_path, options.base_url)
    problems = Collector(config.site_dir)
    problems.extend(config_problems)  # reported with the content's: a bad setting has stood in a default
    timed("config")
    before = len(problems.items)
    files = discover(config, problems)
    all_found = not any(d.severity == ERROR for d in problems.items[before:])
    timed("discover")
    corpus = load_corpus(config, files, problems, drafts=options.drafts, jobs=options.jobs)
    timed("load")
    site = resolve(config, corpus, problems)
    timed("links")
    theme = Theme.for_site(config.site_dir, config.allow_outside, config.content_dir)
    theme.check_templates(problems)
    if all_found:  # else its categories and sections are not all known, and every label would look unknown
        check_i18n_keys(config, corpus, theme.template_dirs, theme.boundary, problems)
    assets = theme.asset_paths(site.urls, problems)
    fragments = markdown.convert(site, assets, problems, options.jobs, spill)
    check_anchors(site, fragments, problems)
    timed("markdown")
    return Prepared(files, site, fragments, problems, timings)


def build(options: BuildOptions, config: SiteConfig, output_dir: Path, refused: Collector,
          progress: Callable[[int], None] | None = None,
          meanwhile: Callable[[Prepared, TranslationStatus, PageRenderer], None] = lambda *known: None) -> ColdBuild:
    """Run the whole pipeline and write the site; raise SiteError with every diagnostic when the site has errors.

    `refused` holds what the caller found wrong with the output folder: reported with the rest.
    `meanwhile` runs in this process while the workers render the article pages, with what the
    build knows by then (all but the diagnostics of rendering): the caller's work on it costs no wall
    time of its own there, where it would after the build.
    """
    started = time.perf_counter()
    prepared = prepare(options, config, spill=True)
    site, problems = prepared.site, prepared.problems
    problems.extend(refused.items)
    check_pagefind(config, problems)
    fail_on_problems(problems, options.strict)
    t = time.perf_counter()
    history = article_history(site) if config.last_updated else None  # one git log for the status and the dates
    commits = {path: commits[0] for path, commits in history.items()} if history is not None else None
    status = translation_status(site, history)
    prepared.timings["status"] = time.perf_counter() - t
    t = time.perf_counter()
    renderer, static = start_rendering(site, prepared.fragments, problems, status,
                                       compiled_dir=compiled_templates_dir(config.site_dir), commits=commits,
                                       watch_templates=False)

    def outputs(stager: Stager) -> Iterator[OutputFile | StagedFile]:
        """Yield every file of the site, the article pages written by the workers that render them."""
        pages = renderer.pages(options.jobs, write=stager.put, meanwhile=lambda: meanwhile(prepared, status, renderer))
        yield from counted(with_verbatim_files(itertools.chain(static, pages, host_files(site)), config, problems),
                           progress)

    result = write_site(output_dir, outputs, config.site_dir,
                        finish=lambda staging: index_site(staging, config, renderer.searchable),
                        folders=[os.path.dirname(site.urls.output_file(path))
                                 for path in itertools.chain((page.path for page in site.pages), site.sections.values())])
    prepared.timings["render+write"] = time.perf_counter() - t
    diagnostics = problems.sorted()
    warnings = tuple(d for d in diagnostics if d.severity == WARNING)
    report = BuildReport(output_dir, pages_per_language(site), len(result.files), result.changed, warnings,
                         time.perf_counter() - started, prepared.timings)
    return ColdBuild(report, prepared, status, renderer, diagnostics, result.files)


def pages_per_language(site: LinkedSite) -> dict[str, int]:
    """Count the article pages of each language, for the summary line."""
    pages: dict[str, int] = {code: 0 for code in site.config.language_codes}
    for _, lang in site.page_keys():
        pages[lang] += 1
    return pages


def check(options: BuildOptions) -> tuple[Diagnostic, ...]:
    """Run every validation of a build and the cross-language checks, writing nothing."""
    try:
        prepared = prepare(options)
    except SiteError as exc:
        return exc.diagnostics
    site, fragments, problems = prepared.site, prepared.fragments, prepared.problems
    check_translations(site, fragments, problems)
    check_orphans(site, fragments, problems)
    check_foreign_syntax(site, problems)
    check_section_pages(site, problems)
    check_pagefind(site.config, problems)
    check_label_translations(site, problems, options.strict)
    status = translation_status(site)
    check_outdated(site, status, problems)
    try:
        for _ in with_verbatim_files(render_site(site, fragments, problems, status=status),
                                     site.config, problems):
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
