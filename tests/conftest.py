"""Shared helpers: copy a fixture site, build it, parse and crawl its HTML."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import html5lib
import pytest

from babelsite.cli import main

SITES = Path(__file__).parent / "sites"
REPO = Path(__file__).resolve().parents[1]
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture
def site(tmp_path):
    """Return a function that copies a fixture site (or the sample site) into tmp_path."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        if name == "sample":
            target.mkdir()
            shutil.copytree(REPO / "content", target / "content")
            shutil.copy(REPO / "site.toml", target / "site.toml")
        else:
            shutil.copytree(SITES / name, target)
        return target

    return copy


def run(*args: str | Path) -> int:
    """Run the babelsite command line in-process and return its exit status."""
    return main([str(a) for a in args])


def parse_html(path: Path):
    """Parse an HTML file with html5lib; return the document element."""
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=True)


def find_all(document, tag: str):
    return document.iter(XHTML + tag)


def page_file(output: Path, base_path: str, url_path: str) -> Path | None:
    """Return the output file a root-relative URL path is served from, or None."""
    if not url_path.startswith(base_path):
        return None
    relative = unquote(url_path[len(base_path):])
    candidate = output / relative
    if relative == "" or relative.endswith("/"):
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def tree(output: Path) -> dict[str, bytes]:
    """Return every file of an output folder by relative path."""
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def crawl(output: Path, base_url: str) -> dict[str, list[str]]:
    """Check that every internal href and src of every HTML page lands on a file; return broken ones."""
    base_path = urlsplit(base_url).path
    broken: dict[str, list[str]] = {}
    for page in sorted(output.rglob("*.html")):
        relative = page.relative_to(output).as_posix()
        page_url = base_path + (relative[: -len("index.html")] if relative.endswith("index.html") else relative)
        document = parse_html(page)
        for element in document.iter():
            for attribute in ("href", "src"):
                value = element.get(attribute)
                if not value or value.startswith(("mailto:", "javascript:")):
                    continue
                absolute = urljoin("https://host" + page_url, value)
                parts = urlsplit(absolute)
                if value.startswith(("http://", "https://")) and not value.startswith(base_url):
                    continue  # an external link
                if parts.netloc not in ("host", urlsplit(base_url).netloc):
                    continue
                target = page_file(output, base_path, parts.path)
                if target is None:
                    broken.setdefault(relative, []).append(value)
                elif parts.fragment and target.suffix == ".html":
                    ids = {e.get("id") for e in parse_html(target).iter() if e.get("id")}
                    if unquote(parts.fragment) not in ids:
                        broken.setdefault(relative, []).append(value)
    return broken
