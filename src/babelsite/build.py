"""The build pipeline: site.toml and content/ in, a complete static site per language out."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from . import markdown
from .config import load_config
from .checks import check_anchors, check_orphans, check_translations
from .errors import ERROR, INFO, WARNING, Collector, Diagnostic, SiteError
from .links import LinkedSite, resolve
from .markdown import Fragment
from .model import SourceFile
from .load import load_corpus
from .render import OutputFile, render_site
from .search import index_site
from .sources import discover
from .status import translation_status
from .write import check_output_dir, write_site


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
    output_dir: Path
    timings: dict[str, float]


def prepare(options: BuildOptions) -> Prepared:
    """Run the pipeline up to rendering, collecting every problem; SiteError only for site.toml."""
    timings: dict[str, float] = {}
    t = time.perf_counter()

    def timed(stage: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[stage], t = now - t, now

    config = load_config(options.site_dir, options.config_path, options.base_url)
    problems = Collector(config.site_dir)
    output_dir = (options.output_dir or config.output_dir).resolve()
    timed("config")
    files = discover(config, problems)
    timed("discover")
    corpus = load_corpus(config, files, problems, drafts=options.drafts, jobs=options.jobs)
    timed("load")
    site = resolve(config, corpus, problems)
    timed("links")
    fragments = markdown.convert(site, problems, options.jobs)
    check_anchors(site, fragments, problems)
    timed("markdown")
    return Prepared(files, site, fragments, problems, output_dir, timings)


def build(options: BuildOptions, progress: Callable[[int], None] | None = None) -> BuildReport:
    """Run the pipeline; raise SiteError with every diagnostic when the site has errors."""
    started = time.perf_counter()
    prepared = prepare(options)
    site, problems = prepared.site, prepared.problems
    check_output_dir(site.config, prepared.output_dir, options.force, problems)
    fail_on_problems(problems, options.strict)
    t = time.perf_counter()
    status = translation_status(site)
    prepared.timings["status"] = time.perf_counter() - t
    t = time.perf_counter()
    outputs = render_site(site, prepared.fragments, problems, status=status, jobs=options.jobs)
    result = write_site(prepared.output_dir, counted(outputs, progress),
                        finish=lambda staging: index_site(staging, site.config))
    prepared.timings["render+write"] = time.perf_counter() - t
    pages: dict[str, int] = {code: 0 for code in site.config.language_codes}
    for page in site.pages:
        pages[page.lang] += 1
    warnings = tuple(d for d in problems.sorted() if d.severity == WARNING)
    return BuildReport(prepared.output_dir, pages, len(result.files), result.changed, warnings,
                       time.perf_counter() - started, prepared.timings)


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
