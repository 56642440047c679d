"""Find the Markdown files under content/ and tell each one's language and key from its path."""

from __future__ import annotations

import fnmatch
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ..config import SiteConfig
from ..errors import Collector, printable
from ..locale import parse_locale
from ..model import SourceFile

SPECIAL_KINDS = {stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
                 stat.S_IFBLK: "a block device"}


def looks_like_language(name: str) -> bool:
    """Tell whether a folder name or file suffix is meant as a language code."""
    return 2 <= len(name.split("-")[0]) <= 3 and parse_locale(name) is not None


@dataclass(frozen=True)
class Boundary:
    """The real folders a site's files may lie in: the site's own and those site.toml allows outside it."""

    roots: tuple[str, ...]  # real paths, each ending with a separator

    @classmethod
    def around(cls, *folders: Path | str) -> Boundary:
        """Return the boundary holding these folders, as their real paths."""
        return cls(tuple(os.path.join(os.path.realpath(folder), "") for folder in folders))

    @classmethod
    def of_site(cls, config: SiteConfig) -> Boundary:
        """Return the boundary of a site: its folder and the allow_outside folders of site.toml."""
        return cls.around(config.site_dir, *config.allow_outside)

    def holds(self, path: Path | str) -> bool:
        """Tell whether a path's real path, symlinks followed, lies in one of the folders."""
        return os.path.join(os.path.realpath(path), "").startswith(self.roots)


def discover(config: SiteConfig, problems: Collector) -> tuple[SourceFile, ...]:
    """Walk content/ and return its pages' Markdown files in a deterministic order.

    Files and folders whose names begin with `_` (but `_index.md`) are no pages: partials and
    includes; neither are the files site.toml's `exclude` names. Other files are left for the
    pages that refer to them; an `.mdx` file is reported, as babelsite cannot build it.
    """
    found: list[SourceFile] = []
    content_dir = config.content_dir
    if not content_dir.is_dir():
        problems.error(config.config_path, 0, f"content folder {problems.display_path(content_dir)} does not exist",
                       "create it or set content_dir in site.toml", code="content-folder")
        return ()
    for path in walk_files(content_dir, problems, Boundary.of_site(config)):
        relative = path.relative_to(content_dir).as_posix()
        if excluded(relative, config.exclude) or any(part.startswith("_") for part in relative.split("/")[:-1]):
            continue
        if path.suffix == ".mdx":
            problems.warning(path, 0, "MDX is not Markdown: this file is not built",
                             "rename it to .md and remove its import lines and components, or add it to exclude "
                             "in site.toml", code="mdx")
        elif path.suffix == ".md" and (not path.name.startswith("_") or path.stem.partition(".")[0] == "_index"):
            found.append(describe_file(config, path, problems))
    return tuple(found)


def excluded(relative: str, patterns: tuple[str, ...]) -> bool:
    """Tell whether a path under content/ matches an exclude glob: with a '/' from the top, else at any depth."""
    name = relative.rpartition("/")[2]
    for pattern in patterns:
        if "/" not in pattern.strip("/"):
            if fnmatch.fnmatchcase(name, pattern.strip("/")):
                return True
        elif fnmatch.fnmatchcase(relative, pattern.lstrip("/")) or (
                pattern.startswith("**/") and fnmatch.fnmatchcase(relative, pattern[3:])):
            return True
    return False


def describe_file(config: SiteConfig, path: Path, problems: Collector) -> SourceFile:
    """Tell a Markdown file's language and key from its path under content/."""
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
    # With flat URLs (a permalink without {path}), a page is known by its stem, and a folder is a
    # section only when it has an index page; other folders only organise.
    folders = list(relative.parts[1 if folder_lang else 0:-1])
    is_index = stem in ("index", "_index")
    if is_index:
        key = "/".join(folders)
    else:
        key = "/".join([*folders, stem]) if "{path}" in config.permalink else stem
    own_name = (folders[-1] if folders else "") if is_index else stem
    return SourceFile(path, problems.display_path(path), suffix_lang or folder_lang, key, own_name, is_index,
                      "/".join(folders))


def is_ignored(name: str) -> bool:
    """Tell whether a file in content/ is left alone: hidden, or an editor's backup or lock file."""
    return name.startswith(".") or name.endswith("~")


def is_hidden_folder(name: str) -> bool:
    """Tell whether a folder is left out of a walk: its name starts with a dot."""
    return name.startswith(".")


def walk_files(root: Path, problems: Collector, boundary: Boundary, ignored: Callable[[str], bool] = is_ignored,
               ignored_folder: Callable[[str], bool] = is_hidden_folder) -> list[Path]:
    """List the files under root, sorted, following symlinks that stay within boundary, never around a loop.

    What is refused is reported: links out of the boundary, names that are not UTF-8, named pipes,
    sockets and devices (never opened: reading a pipe waits forever).
    """
    if not usable(root, problems, boundary, is_root=True):
        return []
    files: list[Path] = []
    for folder, dirs, names in walk_once(root):
        if names is None:
            problems.error(folder, 0, "symlink loop: this folder was already read through another path",
                           "remove the symlink", code="symlink-loop")
            continue
        dirs[:] = [d for d in sorted(dirs) if not ignored_folder(d) and usable(Path(folder, d), problems, boundary)]
        files.extend(path for path in (Path(folder, name) for name in sorted(names) if not ignored(name))
                     if usable(path, problems, boundary))
    return sorted(files)


def usable(path: Path, problems: Collector, boundary: Boundary, is_root: bool = False) -> bool:
    """Tell whether a file or folder may be read, reporting why not: its name, where it lies, what it is."""
    if not is_utf8(path.name):
        problems.error(path, 0, f"the {'folder' if path.is_dir() else 'file'} name is not valid UTF-8",
                       "rename it using UTF-8 characters", code="file-name")
        return False
    try:
        mode = os.lstat(path).st_mode
        # Only a symlink can lead out of a folder already known to lie inside; the walk's root may be anywhere.
        if stat.S_ISLNK(mode) or is_root:
            if not boundary.holds(path):
                problems.error(path, 0, f"lies outside the site folder, at {printable(os.path.realpath(path))}",
                               "copy it into the site folder, or name the folder it lies in under allow_outside "
                               "in site.toml", code="outside-site")
                return False
            mode = os.stat(path).st_mode
    except OSError:
        return True  # a broken link, a loop, or gone since listed: whoever reads it says so
    kind = SPECIAL_KINDS.get(stat.S_IFMT(mode))
    if kind is not None:
        problems.warning(path, 0, f"is {kind}, not a file; it is skipped without being read",
                         "remove it, or put a regular file in its place", code="special-file")
        return False
    return True


def is_utf8(name: str) -> bool:
    """Tell whether a file name read from the disk was valid UTF-8 (Python keeps other bytes as surrogates)."""
    return name.isascii() or not any("\udc80" <= char <= "\udcff" for char in name)


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
