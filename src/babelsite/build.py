"""The build pipeline: site.toml and content/ in, a complete static site per language out."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from . import markdown
from .config import load_config
from .errors import Collector, Diagnostic, SiteError, WARNING
from .links import resolve
from .load import load_corpus
from .render import OutputFile, render_site
from .sources import discover
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


def build(options: BuildOptions, progress: Callable[[int], None] | None = None) -> BuildReport:
    """Run the pipeline; raise SiteError with every diagnostic when the site has errors."""
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def timed(stage: str, start: float) -> float:
        now = time.perf_counter()
        timings[stage] = now - start
        return now

    t = started
    config = load_config(options.site_dir, options.config_path, options.base_url)
    problems = Collector(config.site_dir)
    output_dir = (options.output_dir or config.output_dir).resolve()
    check_output_dir(config, output_dir, options.force, problems)
    t = timed("config", t)
    files = discover(config, problems)
    t = timed("discover", t)
    corpus = load_corpus(config, files, problems, drafts=options.drafts)
    t = timed("load", t)
    site = resolve(config, corpus, problems)
    t = timed("links", t)
    fragments = markdown.convert(site, problems)
    t = timed("markdown", t)
    fail_on_problems(problems, options.strict)
    outputs = render_site(site, fragments, problems)
    result = write_site(output_dir, counted(outputs, progress))
    t = timed("render+write", t)
    pages: dict[str, int] = {code: 0 for code in config.language_codes}
    for page in site.pages:
        pages[page.lang] += 1
    return BuildReport(output_dir, pages, len(result.files), result.changed, problems.sorted(),
                       time.perf_counter() - started, timings)


def fail_on_problems(problems: Collector, strict: bool) -> None:
    """Stop before writing when there are errors, or warnings under --strict."""
    if problems.has_errors or (strict and problems.items):
        diagnostics = problems.sorted()
        if strict:
            diagnostics = tuple(
                Diagnostic(d.path, d.line, "error", d.message, d.hint) if d.severity == WARNING else d
                for d in diagnostics
            )
        raise SiteError(diagnostics)


def counted(outputs: Iterable[OutputFile], progress: Callable[[int], None] | None) -> Iterator[OutputFile]:
    """Pass files through, reporting how many have gone by."""
    for count, output in enumerate(outputs, start=1):
        if progress is not None:
            progress(count)
        yield output
