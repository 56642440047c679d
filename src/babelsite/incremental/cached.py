"""A build that starts from the last build's cache when it can, and else runs the cold build and caches it.

The command line runs builds through here; the cold pipeline (`babelsite.build`) knows
nothing of the cache.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..config import read_config
from ..errors import Collector
from ..options import BuildOptions, BuildReport
from ..output.stamps import StampTable
from ..output.write import (check_foreign_files, check_output_dir, folders_of, remove_leftovers, unshared_files,
                            unwritten_files)
from ..parallel import Aside
from .cache import (CachedBuild, PackName, cache_key, forget_cache, forget_pack, new_state_id, racy_after, read_cache,
                    write_cache)
from .inputs import input_stamps

if TYPE_CHECKING:
    from ..build import Prepared
    from ..links.translations import TranslationStatus
    from ..render.pages import PageRenderer
    from .state import StoredState


def build(options: BuildOptions, progress: Callable[[int], None] | None = None) -> BuildReport:
    """Build the site, from the cache when only Markdown changed; raise SiteError with every diagnostic on errors.

    With the build cache of a previous build, an unchanged site is not built again and Markdown
    edits re-render only the pages they reach (rebuild.build_from_cache); else the build is cold.
    """
    started = time.perf_counter()
    config, config_problems = read_config(options.site_dir, options.config_path, options.base_url)
    output_dir = (options.output_dir or config.output_dir).resolve()
    remove_leftovers(output_dir)
    key = cache_key(config, output_dir, (options.base_url, options.drafts, options.strict))
    refused = Collector(config.site_dir)  # checked before a cached build too: a .git folder may have come since
    refused.extend(config_problems)  # site.toml's errors fail the cold build, reported with its content's
    check_output_dir(config, output_dir, options.force, refused)
    cached, cache_warning = read_cache(config, key) if options.use_cache and not refused.has_errors else (None, None)
    with output_checks(output_dir, cached) if cached is not None else nullcontext() as checks:
        # imported once the checks' process is forked, which needs none of them: it starts 0.1 s sooner
        from ..build import build as cold_build
        from .rebuild import build_from_cache
        from .state import BuildState, pack_state

        inputs = input_stamps(config)  # before any input is read: a later change makes the next build look
        if cached is not None:
            report, cache_warning = build_from_cache(options, config, output_dir, cached, inputs, started, checks)
            if report is not None:
                return report
    if not options.force:
        check_foreign_files(config, output_dir, refused)
    forget_cache(config)
    packed: list[tuple[StoredState, PackName | None]] = []

    def pack_parts(prepared: Prepared, status: TranslationStatus, renderer: PageRenderer) -> None:
        """Write the state's parts to the build cache while the workers render (its diagnostics come after)."""
        state = BuildState.after_full_build(prepared.site, prepared.fragments, prepared.files, status, ())
        packed.append(pack_state(config, state, renderer))

    try:
        cold = cold_build(options, config, output_dir, refused, progress, meanwhile=pack_parts)
    except BaseException:
        forget_pack(config, packed[0][1] if packed else None)
        raise
    report = cold.report
    outline, pack = packed[0]
    # stamped as written, without digests: the next build compares the output's sizes and mtimes only
    outputs_written = StampTable.of({name: (size, mtime, "") for name, (size, mtime) in cold.outputs.items()})
    # just written: listed by the next build that checks
    folders = StampTable.of_folders(dict.fromkeys(folders_of(cold.outputs), 0))
    write_cache(config, CachedBuild(key, inputs, outputs_written, report.pages_per_language, report.warnings,
                                    new_state_id(), folders, StampTable.of({})),
                replace(outline, diagnostics=cold.diagnostics), pack)
    return BuildReport(output_dir, report.pages_per_language, len(outputs_written), report.changed,
                       report.warnings + ((cache_warning,) if cache_warning else ()),
                       time.perf_counter() - started, report.stage_seconds)


def output_checks(output_dir: Path, cached: CachedBuild) -> Aside:
    """Start the checks of the output aside: its files as the last build wrote them, then the files it did not write.

    Each stats 100,000 files or folders at 100,000 pages, which a forked process does while
    this one stamps the inputs and applies the edits (rebuild.build_from_cache takes their results).
    """
    return Aside(lambda: unshared_files(output_dir, cached.outputs, set()),
                 lambda: unwritten_files(output_dir, cached.folders, cached.outputs, racy_after()))

