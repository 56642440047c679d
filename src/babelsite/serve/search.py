"""Search in the preview: Pagefind indexes the in-memory site in a thread of its own, so no reload waits for it."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Callable, Iterable, Mapping

from ..config import SiteConfig
from ..errors import SiteError
from ..output.search import BUNDLE, bundles, run_pagefind

PAGES = "**/*.html"


class PreviewSearch:
    """The preview's search bundles, held in memory and indexed again, per language, after the edits that reach it."""

    def __init__(self, log):
        self.log = log
        self.lock = threading.Lock()
        self.files: dict[str, bytes] = {}  # output path (pagefind/en/pagefind.js) -> bytes
        self.wake = threading.Event()
        self.pending: set[str] = set()  # bundle folders to index again
        self.config: SiteConfig | None = None
        self.globs: dict[str, str] = {}  # bundle folder -> the glob of the pages it indexes
        self.passes = 0  # indexing passes finished, for whoever waits for the index (tests)
        self.finished = threading.Condition(self.lock)

    def get(self, path: str) -> bytes | None:
        """Return the bytes of a file of a search bundle, or None."""
        with self.lock:
            return self.files.get(path)

    def request(self, config: SiteConfig, languages: Iterable[str], changed: Iterable[str] | None) -> None:
        """Ask for the bundles of the pages changed (site paths, `en/x/`, or sections, `en/`; None: all) to be indexed."""
        globs = bundles(config, languages) if config.search else {}
        reached = set(globs) if changed is None else \
            {folder for folder, glob in globs.items() for path in changed if path.startswith(glob.removesuffix(PAGES))}
        with self.lock:
            self.config, self.globs = config, globs
            self.files = {path: data for path, data in self.files.items()  # a language no longer searched
                          if any(path.startswith(folder + "/") for folder in globs)}
            self.pending |= reached
        if reached:
            self.wake.set()

    def run(self, outputs: Callable[[], Mapping[str, bytes]], stopping: threading.Event) -> None:
        """Index the requested bundles from the site's latest outputs, one at a time, until the preview stops."""
        while not stopping.is_set():
            if not self.wake.wait(0.2):
                continue
            with self.lock:
                self.wake.clear()
                taken, self.pending = self.pending, set()
                config, globs = self.config, dict(self.globs)
            for folder in sorted(taken):
                if folder in globs and not stopping.is_set():
                    self.index(folder, globs[folder], outputs(), config)
            with self.lock:
                self.passes += 1
                self.finished.notify_all()

    def index(self, folder: str, glob: str, outputs: Mapping[str, bytes], config: SiteConfig) -> None:
        """Write the pages a bundle indexes to a temporary folder, run Pagefind there and keep its files."""
        prefix = glob.removesuffix(PAGES)
        # Ctrl-C ends the preview with this thread mid-index: Python then removes the folder at exit while
        # Pagefind may still write into it, and an error there printed a traceback at every such stop
        with tempfile.TemporaryDirectory(prefix="babelsite-search-", ignore_cleanup_errors=True) as temporary:
            site = Path(temporary) / "site"
            for path, data in outputs.items():
                if path.endswith(".html") and path.startswith(prefix) and not path.startswith(BUNDLE + "/"):
                    (site / path).parent.mkdir(parents=True, exist_ok=True)
                    (site / path).write_bytes(data)
            bundle = Path(temporary) / "bundle"
            try:
                run_pagefind(site, bundle, glob, config, background=True)
                files = {f"{folder}/{p.relative_to(bundle).as_posix()}": p.read_bytes()
                         for p in sorted(bundle.rglob("*")) if p.is_file()}
            except SiteError as exc:
                print("\n".join(d.format() for d in exc.diagnostics), file=self.log, flush=True)
                return
            except OSError as exc:
                print(f"babelsite: search indexing failed: {exc}", file=self.log, flush=True)
                return
        with self.lock:
            self.files = {path: data for path, data in self.files.items() if not path.startswith(folder + "/")}
            self.files.update(files)

    def wait_for(self, passes: int, timeout: float) -> bool:
        """Wait until at least `passes` indexing passes have finished; tell whether they have."""
        with self.lock:
            return self.finished.wait_for(lambda: self.passes >= passes, timeout=timeout)
