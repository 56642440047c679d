"""A template edit's pages rendered as they are asked for: the preview renders the pages open in browsers first."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Callable, Collection, Mapping

import jinja2
from jinja2 import meta

from ..errors import Collector, SiteError
from ..model import OutputFile
from ..output.verbatim import verbatim_files, with_verbatim_files
from ..parallel import map_in_processes
from ..render.pages import ARTICLE_TEMPLATE, PageRenderer

STOP_CHECKS = 32  # pages rendered between two questions whether to stop
# pages a worker renders at a time: with 32, the workers ran out of work while this process rendered a home page
CHUNK_SIZE = 128


class PendingPages:
    """Every page of a site rendered again with edited templates, each one the first time it is asked for.

    Templates change what pages look like, never which files a site has, nor its static, host or
    extra files: those are the previous build's. In this process one page renders at a time, whichever
    thread asks; `remaining` has the article and section pages rendered by `jobs` forked processes, and
    keeps the previous bytes of the pages whose templates use none of the `edited` ones (their names; None
    when any template may have changed).
    """

    def __init__(self, renderer: PageRenderer, static: list[OutputFile], hosts: list[OutputFile],
                 previous: Mapping[str, bytes], shown: list[Mapping[str, bytes]], jobs: int = 1,
                 edited: frozenset[str] | None = None):
        site, urls = renderer.site, renderer.urls
        self.renderer, self.static, self.hosts, self.jobs = renderer, static, hosts, jobs
        self.previous, self.edited = previous, edited
        self.unchanged_templates: dict[str, bool] = {}
        self.started = time.perf_counter()
        self.articles = {urls.output_file(page.path): page for page in site.pages}
        self.sections = {urls.output_file(path): key for key, path in site.sections.items()}
        renderer.before_forking(renderer.article_files())
        self.others = renderer.other_pages()  # homes, categories, redirects, 404 pages, sitemap…
        kept = {f.path for f in (*static, *hosts)} | verbatim_files(site.config, Collector(site.config.site_dir)).keys()
        self.other_paths = set(previous) - kept - self.articles.keys() - self.sections.keys()
        self.rendered: dict[str, bytes] = {}
        self.announced: set[str] = set()  # the pages rendered first, which the first reload event names
        self.shown = shown  # the pages of earlier template edits this one replaced before they were all rendered
        self.lock = threading.Lock()

    def tab_pages(self) -> list[Mapping[str, bytes]]:
        """Return the pages a tab may show when another template edit replaces this one: those it replaced, then its own."""
        return [*self.shown, self.rendered]

    def render_first(self, paths: Collection[str]) -> dict[str, bytes]:
        """Render these output paths now and return those that are pages; raise SiteError when a template fails."""
        with self.lock:
            for path in paths:
                self.render_one(path)
            first = {path: self.rendered[path] for path in paths if path in self.rendered}
        self.announced.update(first)
        return first

    def get(self, path: str) -> bytes | None:
        """Return a page's new bytes, rendering it now if needed; None for a file that is no page, or a failing one.

        A template that fails here fails again when `remaining` renders the page, which reports it.
        """
        if path in self.rendered:  # without waiting for the page being rendered now
            return self.rendered[path]
        try:
            with self.lock:
                self.render_one(path)
        except SiteError:
            return None
        return self.rendered.get(path)

    def render_one(self, path: str) -> None:
        """Render the page an output path holds, unless done (the caller holds the lock)."""
        if path in self.rendered:
            return
        if path in self.articles or path in self.sections:
            self.rendered[path] = self.page(path)
        elif path in self.other_paths:
            for output in self.others:  # in their order, up to the one asked for
                self.rendered[output.path] = output.data
                if output.path == path:
                    break

    def page(self, path: str) -> bytes:
        """Return the bytes of the article or section page an output path holds, rendered now."""
        if path in self.articles:
            return self.renderer.article_page(self.articles[path]).data
        return self.renderer.section_page(*self.sections[path]).data

    def render_other(self) -> bool:
        """Render the next of the pages that are neither an article's nor a section's; False when none is left."""
        with self.lock:  # one page at a time, so that a request waits for one page at most
            output = next(self.others, None)
            if output is not None:
                self.rendered.setdefault(output.path, output.data)
        return output is not None

    def unchanged(self, template: str) -> bool:
        """Tell whether a template and every one it uses are as they were before the edit."""
        if template not in self.unchanged_templates:
            used = None if self.edited is None else used_templates(self.renderer.env, template)
            self.unchanged_templates[template] = used is not None and not any(
                name == edited or name.startswith(edited + "/") for name in used for edited in self.edited)
        return self.unchanged_templates[template]

    def kept(self, template: str, path: str) -> bytes | None:
        """Return a file's previous bytes when the template rendering it is unchanged, else None."""
        return self.previous.get(path) if self.unchanged(template) else None

    def remaining(self, stop: Callable[[], bool] | None = None) -> dict[str, bytes] | None:
        """Render every page not rendered yet and return all the site's files; None when `stop()` says so first.

        While the workers render the article and section pages, this thread renders the others.
        """
        self.renderer.kept = self.kept
        waiting = [path for path in itertools.chain(self.articles, self.sections) if path not in self.rendered]
        if self.unchanged(ARTICLE_TEMPLATE):
            with self.lock:
                for path in waiting:
                    self.rendered.setdefault(path, self.previous[path])
            waiting = []
        # The lock keeps the threads answering requests from rendering while the workers fork.
        rendering = map_in_processes(self.page, waiting, self.jobs, CHUNK_SIZE, self.lock)
        try:
            for index, (path, data) in enumerate(zip(waiting, rendering)):
                if index % STOP_CHECKS == 0:
                    if stop is not None and stop():
                        return None
                    self.render_other()
                with self.lock:
                    self.rendered.setdefault(path, data)  # unless a request had it rendered meanwhile
        finally:
            rendering.close()  # stops the workers when this ends early
        while self.render_other():
            pass
        with self.lock:
            pages = [OutputFile(path, data) for path, data in self.rendered.items()]
        self.renderer.kept = None  # the next edits render with this renderer: what they change shows anywhere
        generated = itertools.chain(self.static, pages, self.hosts)
        return {f.path: f.data for f in with_verbatim_files(generated, self.renderer.config, self.renderer.problems)}


def used_templates(env: jinja2.Environment, name: str) -> frozenset[str] | None:
    """Return a template's name and those of every template it extends, includes or imports, all the way down.

    None when one of them is named by a variable, missing, unreadable or broken: it may use any.
    """
    found, waiting = set(), [name]
    while waiting:
        current = waiting.pop()
        if current in found:
            continue
        found.add(current)
        try:
            source = env.loader.get_source(env, current)[0]
            referenced = list(meta.find_referenced_templates(env.parse(source)))
        except (jinja2.TemplateError, OSError, UnicodeError):
            return None
        if None in referenced:
            return None
        waiting.extend(referenced)
    return frozenset(found)
