"""The theme: where templates and static files come from, and the content-hashed names static files get."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..errors import Collector
from ..content.sources import Boundary, is_ignored, walk_files
from ..links.urls import UrlScheme


@dataclass(frozen=True)
class Theme:
    """Where templates and static files come from: the site's own folders first, then the theme's."""

    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]
    boundary: Boundary  # where their files may lie: the site's folder, the theme's, the allow_outside folders
    outside: Boundary  # the allow_outside folders
    content_dir: Path | None = None  # whose files other than pages (images beside pages) are published too

    @classmethod
    def for_site(cls, site_dir: Path, allow_outside: tuple[Path, ...] = (), content_dir: Path | None = None) -> Theme:
        """Return the site's own template and static folders, then the theme's."""
        packaged = Path(__file__).parents[1] / "theme"
        theme_root = (packaged if packaged.is_dir() else Path(__file__).parents[3]).resolve()
        site_dir = site_dir.resolve()
        # A site's folder keeps its name (a diagnostic says "static", not where a link leads) but is
        # told from the theme's by its real path: the sample site's folders are the theme's.
        template_dirs: dict[Path, Path] = {}
        static_dirs: dict[Path, Path] = {}
        for root in (site_dir, theme_root):
            for folder, found in ((root / "templates", template_dirs), (root / "static", static_dirs)):
                if folder.is_dir():
                    found.setdefault(folder.resolve(), folder)
        return cls(tuple(template_dirs.values()), tuple(static_dirs.values()),
                   Boundary.around(site_dir, theme_root, *allow_outside), Boundary.around(*allow_outside), content_dir)

    def check_templates(self, problems: Collector) -> None:
        """Report template files a build must not read: outside the site, not UTF-8, pipes and devices."""
        for folder in self.template_dirs:
            walk_files(folder, problems, self.boundary, is_hidden)

    def static_files(self, problems: Collector) -> dict[str, Path]:
        """Map each static file's relative name to the file that wins (site before theme)."""
        files: dict[str, Path] = {}
        for folder in self.static_dirs:
            inside = Boundary.around(folder)
            for path in walk_files(folder, problems, self.boundary, is_hidden):
                if not path.is_file():
                    continue
                if not (inside.holds(path) or self.outside.holds(path)):
                    problems.warning(path, 0, "links to a file outside static/; it is not published",
                                     "copy the file into static/ instead of linking to it", code="static-outside")
                    continue
                files.setdefault(path.relative_to(folder).as_posix(), path)
        return dict(sorted(files.items()))

    def page_files(self) -> dict[str, Path]:
        """Map each file of the content folder that is no page (an image beside a page) to `content/<its path>`."""
        if self.content_dir is None or not self.content_dir.is_dir():
            return {}
        found = Collector(self.content_dir)  # discovery reports these files' problems already
        return {f"content/{path.relative_to(self.content_dir).as_posix()}": path
                for path in walk_files(self.content_dir, found, self.boundary, is_page_or_ignored) if path.is_file()}

    def published_files(self, urls: UrlScheme, problems: Collector) -> Iterator[tuple[str, Path, str, bytes]]:
        """Yield (name, file, site path, bytes) of each static file and file beside a page, named by its content."""
        for name, path in {**self.static_files(problems), **self.page_files()}.items():
            data = path.read_bytes()
            yield name, path, urls.static(hashed_name(name, data)), data

    def asset_paths(self, urls: UrlScheme, problems: Collector) -> dict[str, str]:
        """Map each static file's name (`img/logo.png`) to the site path it is published at."""
        return {name: site_path for name, _, site_path, _ in self.published_files(urls, problems)}


def is_hidden(name: str) -> bool:
    """Tell whether a file in static/ or templates/ is left alone: its name starts with a dot."""
    return name.startswith(".")


def is_page_or_ignored(name: str) -> bool:
    """Tell whether a file in content/ is not published as it is: a page's Markdown (by name, never stat'ed), or ignored."""
    return name.endswith((".md", ".mdx")) or is_ignored(name)


def hashed_name(name: str, data: bytes) -> str:
    """Return `css/style.css` as `css/style.1a2b3c4d.css`, keyed by its content."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{name}.{digest}"
