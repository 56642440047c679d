"""Index the staged site for full-text search with Pagefind: one index per `<html lang>`, before the swap."""

from __future__ import annotations

import errno
import importlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterable, NoReturn

from ..config import SiteConfig
from ..errors import Collector, SiteError
from ..links.urls import UrlScheme
from .write import fault_point, reuse_added

# Languages written without spaces between words: only Pagefind's extended build splits them into words.
EXTENDED_LANGUAGES = frozenset({"zh", "ja"})
CJK_INSTALL = "pip install 'babelsite[cjk]'"
TURN_OFF = "or set search = false in site.toml to build without search"
# Less free space than this after Pagefind left empty files means it could not write them: it does not say so.
LOW_SPACE = 1 << 20
# What the Markdown adds to article text that would only clutter search excerpts: heading anchors, [1] citations,
# note marks and their back links, code blocks' language label and copy button.
NOT_TEXT = ".header-anchor, sup.citation, .footnote-ref, .footnote-backref, .code-header"
BACKGROUND_NICENESS = 10  # how much lower than the preview itself its background Pagefind runs


BUNDLE = UrlScheme.search_bundle.strip("/")


def bundles(config: SiteConfig, languages: Iterable[str]) -> dict[str, str]:
    """Map the folder of each search bundle to the glob of the pages it indexes, for these languages.

    Each language gets a bundle of its own, so that an edit indexes its own language again and a
    reader loads only that index; with a language at the root, one bundle holds them all.
    """
    urls = UrlScheme.from_config(config)
    languages = sorted(languages)
    if config.default_language_at_root:
        return {urls.search_index(config.default_language).strip("/"): "**/*.html"} if languages else {}
    return {urls.search_index(code).strip("/"): f"{urls.lang_prefix(code)}**/*.html" for code in languages}


def index_site(staging: Path, config: SiteConfig, languages: Iterable[str]) -> None:
    """Run Pagefind over the staged site into a bundle per language; raise SiteError when it fails."""
    if not config.search:
        return
    if (staging / BUNDLE).exists():
        fail(config, f"the site already has a /{BUNDLE}/ path, where the search index goes",
             f"rename the article, alias or redirect that uses it, {TURN_OFF}")
    for folder, glob in bundles(config, languages).items():
        run_pagefind(staging, staging / folder, glob, config)


def reindex_site(staging: Path, config: SiteConfig, languages: Iterable[str], changed: Iterable[str]) -> list[str]:
    """Index the bundles of the staged site whose pages changed again, keeping the unchanged index files' mtime.

    Returns the bundles' folders, which it wrote anew.
    """
    if not config.search:
        return []
    indexed = []
    changed_pages = [name for name in changed if name.endswith(".html")]
    for folder, glob in bundles(config, languages).items():
        prefix = glob.removesuffix("**/*.html")
        if not any(name.startswith(prefix) for name in changed_pages):
            continue
        indexed.append(folder)
        bundle = staging / folder
        previous = bundle.with_name(f".{bundle.name}.previous")  # hard links to the previous site's files
        if bundle.exists():
            bundle.rename(previous)
        run_pagefind(staging, bundle, glob, config)
        if previous.exists():
            reuse_added(previous, bundle, sorted(os.listdir(bundle)))
            shutil.rmtree(previous)
    return indexed


def run_pagefind(site: Path, bundle: Path, glob: str, config: SiteConfig, background: bool = False) -> None:
    """Index the HTML pages under `site` that match `glob` into the folder `bundle`; raise SiteError on failure.

    `background` runs Pagefind at a lower priority, so that it slows no rebuild running beside it (the preview).
    """
    bundle.parent.mkdir(parents=True, exist_ok=True)
    command = [*pagefind_command(config), "--site", str(site), "--glob", glob, "--output-path", str(bundle),
               "--exclude-selectors", NOT_TEXT, "--quiet"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace",
                                stdin=subprocess.DEVNULL, check=False,
                                preexec_fn=lower_priority if background and hasattr(os, "nice") else None)
    except OSError as exc:
        fail(config, f"search indexing failed: cannot run Pagefind ({command[0]}): {exc.strerror or exc}",
             f"reinstall babelsite so that its pagefind dependency is complete, {TURN_OFF}")
    fault_point("during-index")
    if (result.returncode != 0 or incomplete(bundle)) and low_space(bundle):
        # Pagefind leaves files empty on a full disk, and may even exit with status 0
        raise OSError(errno.ENOSPC, "No space left on device for the search index", str(bundle))
    if result.returncode != 0:
        fail(config, f"search indexing failed: Pagefind {exit_reason(result.returncode)}{last_lines(result)}",
             f"fix what Pagefind reports, {TURN_OFF}")
    sort_entry(bundle / "pagefind-entry.json", config)


def lower_priority() -> None:
    """Make the calling process yield the processor to others (in the child, before Pagefind starts)."""
    os.nice(BACKGROUND_NICENESS)


def incomplete(bundle: Path) -> bool:
    """Tell whether Pagefind left a bundle without its entry file or with empty files, as on a full disk."""
    entry = bundle / "pagefind-entry.json"
    return not entry.is_file() or any(path.is_file() and path.stat().st_size == 0 for path in bundle.rglob("*"))


def low_space(folder: Path) -> bool:
    """Tell whether the disk holding a folder has almost no space left."""
    try:
        return shutil.disk_usage(folder.parent).free < LOW_SPACE
    except OSError:
        return False


def pagefind_command(config: SiteConfig) -> list[str]:
    """Return the command of the Pagefind binary from its wheel: the extended build for Chinese or Japanese."""
    extended = [code for code in config.language_codes if code.split("-")[0].lower() in EXTENDED_LANGUAGES]
    package = "pagefind_bin_extended" if extended else "pagefind_bin"
    try:
        return [str(importlib.import_module(package).get_executable())]
    except (ImportError, OSError) as exc:
        if extended:
            fail(config, f"search in {', '.join(extended)} needs Pagefind's extended binary, which splits Chinese and "
                         f"Japanese text into words, and it is not installed",
                 f"install babelsite's cjk extra with: {CJK_INSTALL}; {TURN_OFF}")
        fail(config, f"search indexing needs the Pagefind binary, which is not installed ({package}: {exc})",
             f"pip install 'pagefind[bin]' (babelsite's dependencies include it), {TURN_OFF}")


def check_pagefind(config: SiteConfig, problems: Collector) -> None:
    """Record a missing Pagefind binary among a build's problems, so that the build stops before writing."""
    if config.search:
        try:
            pagefind_command(config)
        except SiteError as exc:
            problems.extend(exc.diagnostics)


def sort_entry(path: Path, config: SiteConfig) -> None:
    """Rewrite pagefind-entry.json with its languages in sorted order, which Pagefind leaves random."""
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        entry["languages"] = dict(sorted(entry["languages"].items()))
        path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        fail(config, f"search indexing failed: Pagefind wrote no readable {path.name} ({exc})",
             f"check that babelsite's pagefind dependency is a 1.x release, {TURN_OFF}")


def exit_reason(returncode: int) -> str:
    """Describe how a process ended: its exit status, or the signal that stopped it."""
    return f"was stopped by signal {-returncode}" if returncode < 0 else f"exited with status {returncode}"


def last_lines(result: subprocess.CompletedProcess[str], count: int = 5) -> str:
    """Return the last lines Pagefind printed, joined for a one-line diagnostic, or ''."""
    lines = [line.strip() for line in (result.stderr or result.stdout or "").splitlines() if line.strip()]
    return ": " + " | ".join(lines[-count:]) if lines else ""


def fail(config: SiteConfig, message: str, hint: str) -> NoReturn:
    """Raise SiteError with one diagnostic about search, placed on site.toml."""
    problems = Collector(config.site_dir)
    problems.error(config.config_path, 0, message, hint, code="search")
    raise SiteError(problems.items)
