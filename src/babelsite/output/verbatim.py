"""Files published as they are: the site's extra/ folder, copied to the output root (CNAME, favicon.ico, .well-known/)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from ..config import SiteConfig
from ..content.sources import Boundary, walk_files
from ..errors import Collector, SiteError
from ..model import OutputFile
from .search import BUNDLE

# Hidden names that hosts read: other names starting with a dot (.DS_Store, .git) are left out, as in static/.
PUBLISHED_HIDDEN = frozenset({".well-known", ".nojekyll", ".htaccess"})


def is_left_out(name: str) -> bool:
    """Tell whether a file or folder of extra/ is not published: hidden (but what hosts read), or an editor's backup."""
    return (name.startswith(".") and name not in PUBLISHED_HIDDEN) or name.endswith("~")


def verbatim_files(config: SiteConfig, problems: Collector) -> dict[str, Path]:
    """Map each file of the extra folder to its path at the output root, reporting what may not be read."""
    folder = config.extra_folder
    if not folder.is_dir():
        return {}
    found = walk_files(folder, problems, Boundary.of_site(config), is_left_out, is_left_out)
    return {path.relative_to(folder).as_posix(): path for path in found if path.is_file()}


def with_verbatim_files(outputs: Iterable[OutputFile], config: SiteConfig, problems: Collector) -> Iterator[OutputFile]:
    """Yield the generated files, then the extra folder's; a file that would take a generated one's place is an error.

    The extra files come last so that every generated path is known when they are checked.
    """
    files = verbatim_files(config, problems)
    generated: set[str] = set()
    folders: set[str] = {BUNDLE} if config.search else set()  # Pagefind writes its bundle after the pages
    for output in outputs:
        generated.add(output.path)
        folders.update(parents(output.path))
        yield output
    for name, path in files.items():
        taken = clash(name, generated, folders, config.search)
        if taken:
            problems.error(path, 0, f"is published at {name}, where the build writes {taken}",
                           f"rename or remove {problems.display_path(path)}, or change what the build writes there",
                           code="extra-clash")
    problems.raise_if_errors()
    for name, path in files.items():
        yield OutputFile(name, path.read_bytes())


def clash(name: str, generated: set[str], folders: set[str], search: bool) -> str:
    """Return what the build writes at or around an extra file's path ('' when nothing): a file, or a folder of files."""
    if name in generated:
        return f"its own {name}"
    if name in folders:
        return f"the folder {name}/"
    taken = next((folder for folder in parents(name) if folder in generated), None)
    if taken:
        return f"the file {taken}"
    if search and name.split("/")[0] == BUNDLE:
        return f"the search index {BUNDLE}/"
    return ""


def parents(path: str) -> Iterator[str]:
    """Yield the folders a relative path lies in: `a/b/c` gives `a` and `a/b`."""
    parts = path.split("/")
    for end in range(1, len(parts)):
        yield "/".join(parts[:end])
