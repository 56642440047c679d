"""The stamps of every file a build reads, taken before any is read: what the next build compares to tell what changed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator

from ..config import SiteConfig
from ..content.sources import is_hidden_folder, is_ignored
from ..output.verbatim import is_left_out
from ..render.theme import Theme
from .cache import StampRecorder, StampTable


def input_stamps(config: SiteConfig) -> StampTable:
    """Stamp every file a build reads: site.toml, content, and the site's and theme's templates and static files."""
    recorder = StampRecorder()
    recorder.stat_and_add(str(config.config_path))
    theme = Theme.for_site(config.site_dir, config.allow_outside)
    for root in (config.content_dir, *theme.template_dirs, *theme.static_dirs, config.extra_folder):
        if not theme.boundary.holds(root):
            recorder.stat_and_add(str(root))  # refused by the build, which reads nothing of it: neither is it walked
            continue
        # what discovery and the theme leave out is no input: an editor's lock file changes nothing
        ignored = {config.content_dir: is_ignored, config.extra_folder: is_left_out}.get(
            root, lambda name: name.startswith("."))
        ignored_folder = is_left_out if root == config.extra_folder else is_hidden_folder
        stamp_tree(str(root), ignored, ignored_folder, theme, recorder)
    for path in git_state_files(config.site_dir):
        recorder.stat_and_add(str(path))
    return recorder.table()


def stamp_tree(root: str, ignored: Callable[[str], bool], ignored_folder: Callable[[str], bool], theme: Theme,
               recorder: StampRecorder) -> None:
    """Record the stamp of every file under root that is not ignored, following symlinks, never around a loop.

    Each folder is listed by a descriptor and its files stat'ed relative to it: at 100,000
    files, walking and stat'ing by full paths took a third longer. A folder that cannot be
    listed, a symlink loop and a link out of the site are recorded themselves, not walked.
    """
    record, recent = recorder.add, recorder.recent
    # a file stamped long enough ago is appended here: a call per file costs a tenth of the walk
    paths, sizes, mtimes = recorder.paths.append, recorder.sizes.append, recorder.mtimes.append
    seen: set[tuple[int, int]] = set()
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            record(folder, None)  # its becoming readable must make the next build look
            continue
        try:
            info = os.fstat(descriptor)
            if (info.st_dev, info.st_ino) in seen:
                record(folder, info)  # a symlink loop: its appearance must make the next build look
                continue
            seen.add((info.st_dev, info.st_ino))
            prefix = folder + os.sep  # not os.path.join: at 100,000 files its calls cost more than the listing
            with os.scandir(descriptor) as entries:
                for entry in entries:
                    name = entry.name
                    try:
                        is_folder = entry.is_dir()
                    except OSError:
                        is_folder = False
                    if not is_folder:
                        if not ignored(name):
                            try:
                                info = entry.stat()
                            except OSError:
                                info = None
                            if info is not None and info.st_mtime_ns < recent:
                                paths(prefix + name)
                                sizes(info.st_size)
                                mtimes(info.st_mtime_ns)
                            else:
                                record(prefix + name, info)
                    elif ignored_folder(name):
                        continue
                    elif outside(prefix + name, theme):
                        # a link out of the site is refused, not walked (a link to / would have the whole disk walked)
                        recorder.stat_and_add(prefix + name)
                    else:
                        folders.append(prefix + name)
        finally:
            os.close(descriptor)


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
