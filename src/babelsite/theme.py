"""The theme: where templates and static files come from, and the content-hashed names static files get."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import Collector
from .urls import UrlScheme


@dataclass(frozen=True)
class Theme:
    """Where templates and static files come from: the site's own folders first, then the theme's."""

    template_dirs: tuple[Path, ...]
    static_dirs: tuple[Path, ...]

    @classmethod
    def for_site(cls, site_dir: Path) -> Theme:
        packaged = Path(__file__).parent / "theme"
        theme_root = packaged if packaged.is_dir() else Path(__file__).resolve().parents[2]
        template_dirs = dict.fromkeys(d.resolve() for d in (site_dir / "templates", theme_root / "templates") if d.is_dir())
        static_dirs = dict.fromkeys(d.resolve() for d in (site_dir / "static", theme_root / "static") if d.is_dir())
        return cls(tuple(template_dirs), tuple(static_dirs))

    def static_files(self, problems: Collector) -> dict[str, Path]:
        """Map each static file's relative name to the file that wins (site before theme)."""
        files: dict[str, Path] = {}
        for folder in self.static_dirs:
            for path in sorted(folder.rglob("*")):
                name = path.relative_to(folder).as_posix()
                if not path.is_file() or any(p.startswith(".") for p in name.split("/")):
                    continue
                if folder not in path.resolve().parents:
                    problems.warning(path, 0, "links to a file outside static/; it is not published",
                                     "copy the file into static/ instead of linking to it", code="static-outside")
                    continue
                files.setdefault(name, path)
        return dict(sorted(files.items()))

    def published_files(self, urls: UrlScheme, problems: Collector) -> Iterator[tuple[str, Path, str, bytes]]:
        """Yield (name, file, site path, bytes) of each static file, its site path named by its content."""
        for name, path in self.static_files(problems).items():
            data = path.read_bytes()
            yield name, path, urls.static(hashed_name(name, data)), data

    def asset_paths(self, urls: UrlScheme, problems: Collector) -> dict[str, str]:
        """Map each static file's name (`img/logo.png`) to the site path it is published at."""
        return {name: site_path for name, _, site_path, _ in self.published_files(urls, problems)}


def hashed_name(name: str, data: bytes) -> str:
    """Return `css/style.css` as `css/style.1a2b3c4d.css`, keyed by its content."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and "/" not in suffix else f"{name}.{digest}"
