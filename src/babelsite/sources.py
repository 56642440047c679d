"""Find the Markdown files under content/ and tell each one's language and slug from its path."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from .config import SiteConfig
from .errors import Collector
from .i18n import parse_locale
from .model import SourceFile


def looks_like_language(name: str) -> bool:
    """Tell whether a folder name or file suffix is meant as a language code."""
    return 2 <= len(name.split("-")[0]) <= 3 and parse_locale(name) is not None


def discover(config: SiteConfig, problems: Collector) -> tuple[SourceFile, ...]:
    """Walk content/ and return its Markdown files in a deterministic order."""
    found: list[SourceFile] = []
    content_dir = config.content_dir
    if not content_dir.is_dir():
        problems.error(config.config_path, 0, f"content folder {problems.display_path(content_dir)} does not exist",
                       "create it or set content_dir in site.toml", code="content-folder")
        return ()
    for path in walk_files(content_dir, problems):
        if path.suffix != ".md":
            problems.warning(path, 0, "not a Markdown file, ignored", "keep images and other files in static/", code="not-markdown")
            continue
        found.append(describe_file(config, path, problems))
    return tuple(found)


def describe_file(config: SiteConfig, path: Path, problems: Collector) -> SourceFile:
    """Tell a Markdown file's language and slug from its path under content/."""
    codes = config.language_codes
    relative = path.relative_to(config.content_dir)
    stem = path.stem
    suffix_lang = None
    if "." in stem:
        base, _, suffix = stem.rpartition(".")
        if suffix in codes or looks_like_language(suffix):
            stem, suffix_lang = base, suffix
    # A folder only counts as a language when it is one of the site's, or when it looks
    # like one and the name does not say the language (content/cat/x.en.md is English).
    folder_lang = relative.parts[0] if len(relative.parts) > 1 else None
    if folder_lang not in codes and (suffix_lang is not None or not looks_like_language(folder_lang or "")):
        folder_lang = None
    if folder_lang and suffix_lang and folder_lang != suffix_lang:
        problems.error(path, 1, f"the folder says language '{folder_lang}' but the name says '{suffix_lang}'",
                       "keep one of the two", code="language-conflict")
    return SourceFile(path, problems.display_path(path), suffix_lang or folder_lang, stem)


def walk_files(root: Path, problems: Collector) -> list[Path]:
    """List files under root, sorted, following symlinks but never around a loop."""
    files: list[Path] = []
    for folder, dirs, names in walk_once(root):
        if names is None:
            problems.error(folder, 0, "symlink loop: this folder was already read through another path",
                           "remove the symlink", code="symlink-loop")
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(Path(folder) / name for name in sorted(names) if not is_ignored(name))
    return sorted(files)


def is_ignored(name: str) -> bool:
    """Tell whether a file in content/ is left alone: hidden, or an editor's backup or lock file."""
    return name.startswith(".") or name.endswith("~")


def walk_once(root: Path | str) -> Iterator[tuple[str, list[str], list[str] | None]]:
    """Walk a folder as os.walk does, following symlinks; a folder seen before comes once with names None."""
    seen: set[str] = set()
    for folder, dirs, names in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            dirs.clear()
            yield folder, dirs, None
            continue
        seen.add(real)
        yield folder, dirs, names
