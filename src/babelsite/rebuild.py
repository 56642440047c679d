"""Keep a built site in memory and rebuild it after changes, reporting what changed."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable, Mapping

from .build import BuildOptions, fail_on_problems, prepare
from .errors import Diagnostic, SiteError, WARNING
from .render import render_site
from .urls import UrlScheme


@dataclass(frozen=True)
class RebuildResult:
    """The outcome of one rebuild: which URLs changed or vanished, or why it failed."""

    ok: bool
    changed: tuple[str, ...] = ()  # URL paths, e.g. /en/vae/
    removed: tuple[str, ...] = ()
    stylesheets: Mapping[str, str] = field(default_factory=dict)  # old URL -> new URL of a changed stylesheet
    css_only: bool = False
    diagnostics: tuple[Diagnostic, ...] = ()
    seconds: float = 0.0


class LiveSite:
    """A site built in memory; `rebuild` replaces its files only when the build succeeds."""

    def __init__(self, options: BuildOptions):
        self.options = options
        self.outputs: dict[str, bytes] = {}
        self.urls: UrlScheme | None = None
        self.languages: tuple[str, ...] = ()
        self.default_language = ""
        self.lock = threading.Lock()
        self.builds = 0
        self.last: RebuildResult | None = None

    def rebuild(self, changed_inputs: Iterable[Path] = ()) -> RebuildResult:
        """Build the whole site again; on success swap in the new files and report the difference."""
        started = time.perf_counter()
        changed_inputs = tuple(changed_inputs)
        self.builds += 1
        try:
            prepared = prepare(self.options)
            fail_on_problems(prepared.problems, self.options.strict)
            outputs = {f.path: f.data for f in render_site(prepared.site, prepared.fragments, prepared.problems)}
        except SiteError as exc:
            self.last = RebuildResult(False, diagnostics=exc.diagnostics, seconds=time.perf_counter() - started)
            return self.last
        urls = prepared.site.urls
        self.languages = prepared.site.config.language_codes
        self.default_language = prepared.site.config.default_language
        diagnostics = tuple(d for d in prepared.problems.sorted() if d.severity == WARNING)
        with self.lock:
            previous, self.outputs, self.urls = self.outputs, outputs, urls
        changed = sorted(path for path, data in outputs.items() if previous.get(path) != data)
        removed = sorted(path for path in previous if path not in outputs)
        self.last = RebuildResult(
            ok=True,
            changed=tuple(url_of(urls, p) for p in changed),
            removed=tuple(url_of(urls, p) for p in removed),
            stylesheets=replaced_stylesheets(urls, removed, changed),
            css_only=bool(changed_inputs) and all(p.suffix == ".css" for p in changed_inputs),
            diagnostics=diagnostics,
            seconds=time.perf_counter() - started,
        )
        return self.last

    def get(self, path: str) -> bytes | None:
        """Return the bytes of an output file, or None."""
        with self.lock:
            return self.outputs.get(path)


def url_of(urls: UrlScheme, output_path: str) -> str:
    """Return the URL path that serves an output file (`en/x/index.html` -> `/en/x/`)."""
    if output_path == "index.html" or output_path.endswith("/index.html"):
        output_path = output_path[: -len("index.html")]
    return urls.href(output_path)


def replaced_stylesheets(urls: UrlScheme, removed: list[str], added: list[str]) -> dict[str, str]:
    """Pair each removed content-hashed stylesheet with the new one of the same name."""
    def unhashed(path: str) -> str:
        parts = PurePosixPath(path).name.split(".")
        return str(PurePosixPath(path).parent / ".".join(parts[:-2] + parts[-1:]))

    new = {unhashed(p): p for p in added if p.endswith(".css")}
    return {urls.href(old): urls.href(new[unhashed(old)]) for old in removed
            if old.endswith(".css") and unhashed(old) in new}
