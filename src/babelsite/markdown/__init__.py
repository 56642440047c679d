"""The Markdown stage: each article page's body to HTML, with its headings and citations."""

from __future__ import annotations

import gc
import os
import pickle
import posixpath
import tempfile
from dataclasses import dataclass
from urllib.parse import unquote
from typing import Iterable, Iterator, Mapping

from ..content.load import read_body_or_report
from ..errors import Collector, Diagnostic, plural
from ..locale import ui_strings
from ..links.resolve import ArticlePage, LinkedSite, key_of_md_link
from ..parallel import map_in_processes
from .parser import parser_for
from .passes import STATIC_PREFIX


@dataclass(frozen=True)
class Fragment:
    """An article body as HTML, with its table of contents and where each source is cited."""

    html: str
    toc: tuple[tuple[int, str, str], ...]  # (level, id, text)
    citation_ids: Mapping[int, tuple[str, ...]]  # source number -> ids of the citing places
    citations: tuple[tuple[int, int], ...]  # (source number, file line) in the order the text cites them
    links: tuple[tuple[str, str, int], ...]  # (slug, anchor, file line) of each link to an article


PageKey = tuple[str, str]  # (slug, page language)


class SpilledFragments(Mapping[PageKey, Fragment]):
    """Page bodies that wait in a temporary file, each read back when it is asked for.

    A build holds every body from the Markdown stage until the pages are written: on disk, their
    HTML, tables of contents, citations and links take no memory as the site grows. Forked
    workers read the same file. It is this build's own (an unnamed temporary file): unpickling
    from it runs nothing anyone else wrote. Each body comes pickled by the process that converted
    it, and is written as it comes: a worker's crosses to this process once, never unpickled here.
    """

    def __init__(self, pickled: Iterable[tuple[PageKey, bytes]]):
        self._file = tempfile.TemporaryFile()
        self._fragments: dict[PageKey, tuple[int, int]] = {}  # where each body's pickle is in the file
        offset = 0
        for key, data in pickled:
            self._file.write(data)
            self._fragments[key] = (offset, len(data))
            offset += len(data)
        self._file.flush()  # before any worker is forked: a buffer left to flush would be flushed by each

    def __getitem__(self, key: PageKey) -> Fragment:
        offset, length = self._fragments[key]
        return pickle.loads(os.pread(self._file.fileno(), length, offset))

    def __iter__(self) -> Iterator[PageKey]:
        return iter(self._fragments)

    def __len__(self) -> int:
        return len(self._fragments)


def convert(site: LinkedSite, assets: Mapping[str, str], problems: Collector,
            jobs: int = 1, spill: bool = False) -> Mapping[PageKey, Fragment]:
    """Render the body of every page, keyed by (slug, page language), in `jobs` processes.

    `assets` maps each static file's name to the site path it is published at. With `spill`,
    the bodies are kept in a temporary file rather than in memory (SpilledFragments).
    """
    ui = ui_strings(site.config.language_codes, site.config.i18n, site.config.default_language)

    def convert_one(page: ArticlePage) -> tuple[Fragment | bytes, list[Diagnostic]]:
        """Convert a page's body; spilled, the Fragment comes pickled, as the file keeps it (a worker's, pickled once)."""
        found = Collector(problems.site_dir)
        fragment = convert_page(site, page, ui[page.lang], assets, found)
        return pickle.dumps(fragment, protocol=pickle.HIGHEST_PROTOCOL) if spill else fragment, found.items

    def converted() -> Iterator[tuple[PageKey, Fragment | bytes]]:
        for page, (fragment, found) in zip(site.pages, map_in_processes(convert_one, site.pages, jobs)):
            problems.extend(found)
            yield (page.key, page.lang), fragment

    # The linked site lives as long as the build: frozen, the collector no longer walks all of it
    # at each full collection while pages are converted (forked workers have it frozen already).
    gc.freeze()
    try:
        return SpilledFragments(converted()) if spill else dict(converted())
    finally:
        gc.unfreeze()


def convert_page(site: LinkedSite, page: ArticlePage, ui: Mapping[str, str], assets: Mapping[str, str],
                 problems: Collector) -> Fragment:
    """Render one page's body and report bad citations and links at their file lines."""
    article = page.article
    body = read_body_or_report(article, problems)
    if body is None:
        return Fragment(html="", toc=(), citation_ids={}, citations=(), links=())
    md = parser_for(body, site.config.markdown_html)

    def file_line(body_line: int) -> int:
        return article.body_offset + body_line + 1

    links: list[tuple[str, str, int]] = []

    def resolve_link(href: str, body_line: int) -> tuple[str, tuple[str, str, str] | None]:
        """Return the page a `.md` link leads to, and its language when that is not the reader's."""
        target, _, anchor = href.partition("#")
        slug = key_of_md_link(site, article, target)
        link = site.link(slug, page.lang) if slug else None
        if link is None:
            problems.error(article.path, file_line(body_line), f"link to '{href}' names no article",
                           "check the file name of the linked article", code="link-missing")
            return "#", None
        links.append((slug, unquote(anchor), file_line(body_line)))  # markdown-it percent-encodes hrefs
        language = site.config.language(link.lang)
        mark = (link.lang, language.direction, language.name) if link.is_other_language else None
        return site.urls.href(link.path) + (f"#{anchor}" if anchor else ""), mark

    def resolve_static(url: str, body_line: int) -> str:
        """Return the link to a file of static/ under its published, content-hashed name."""
        name, mark, rest = url[len(STATIC_PREFIX):].partition("?") if "?" in url else \
            url[len(STATIC_PREFIX):].partition("#")
        site_path = assets.get(unquote(name))  # markdown-it percent-encodes URLs
        if site_path is None:
            problems.error(article.path, file_line(body_line), f"'{url}' names no file in static/",
                           f"put the file at static/{unquote(name)}, or fix the path", code="static-missing")
            return url
        return site.urls.href(site_path) + mark + rest

    def resolve_file(url: str, body_line: int, is_image: bool) -> str | None:
        """Return the published link to a file beside the page (`img/a.png`) or in static/ (`/img/a.png`)."""
        path, mark, rest = url.partition("?") if "?" in url else url.partition("#")
        path = unquote(path)
        if path.startswith("/"):
            name = path.lstrip("/")
        else:
            folder = posixpath.dirname(article.path.relative_to(site.config.content_dir).as_posix())
            name = "content/" + posixpath.normpath(posixpath.join(folder, path))
        site_path = assets.get(name)
        if site_path is not None:
            return site.urls.href(site_path) + mark + rest
        if is_image:
            problems.error(article.path, file_line(body_line), f"image '{url}' names no file",
                           "put the file beside the page (a path relative to it) or in static/ (a path from /)",
                           code="static-missing")
        return None

    env = {
        "resolve_file": resolve_file,
        "source_count": len(article.sources),
        "citation_label": ui["citation"],
        "citation_title": ui["citation_source"],
        "source_texts": [source.text for source in article.sources],
        "ui": ui,
        "resolve_link": resolve_link,
        "resolve_static": resolve_static,
    }
    html = md.render(body, env)
    cited = set()
    for number, body_line in env.get("citations", []):
        cited.add(number)
        if not 1 <= number <= len(article.sources):
            count = len(article.sources)
            problems.error(article.path, file_line(body_line),
                           f"citation [{number}] but the article has {plural(count, 'source')}",
                           "add the source to sources: or fix the number", code="citation-range")
    for source in article.sources:
        if source.number not in cited:
            problems.warning(article.path, source.line, f"source {source.number} is never cited",
                             f"cite it as [{source.number}] in the text or remove it", code="source-uncited")
    return Fragment(
        html=html,
        toc=tuple(env.get("toc", ())),
        citation_ids={n: tuple(ids) for n, ids in env.get("citation_ids", {}).items()},
        citations=tuple([(number, file_line(line)) for number, line in env.get("citations", ())]),
        links=tuple(links),
    )
