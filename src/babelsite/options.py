"""What one build is asked to do, and what it reports.

Apart from the pipeline (`build`), which takes a tenth of a second to import: a cached build
starts checking its output before it imports the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .errors import Diagnostic


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
