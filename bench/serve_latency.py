"""Measure the preview server's edit-to-reload latency.

    python bench/serve_latency.py [--articles 2000] [--languages 5] [--shape flat|tree] [--edits 20] [--sample]
                                  [--jobs N]

From writing a changed article to the reload event leaving the server (the moment the
server publishes it to the event stream), median over N edits, for body edits, title
edits and template edits; and, for body edits, to the search index holding the edit (the
preview indexes in the background, after the reload event). `--sample` measures the repository's sample site instead of
a generated corpus.

A template edit changes base.html, so every page: it is timed to the reload event naming a page a
browser opened just before (fetched over HTTP, as a tab does), then to the reload event after which
every page is rendered (the same event when the preview renders them all before its reload), with the
CPU seconds of the preview's process and of its workers to that point. `--jobs` is the preview's number
of processes (`babelsite serve` takes one per core).
"""

from __future__ import annotations

import argparse
import queue
import re
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate  # noqa: E402

from babelsite.build import BuildOptions  # noqa: E402
from babelsite.parallel import default_jobs  # noqa: E402
from babelsite.serve.server import PreviewServer  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


class Quiet:
    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass


def measure(server: PreviewServer, edit, edits: int) -> list[float]:
    """Apply `edit(n)` N times; return the seconds from each write to its reload event."""
    published = threading.Event()
    original = server.broadcast.publish

    def publish(event: str, data: dict) -> None:
        original(event, data)
        if event == "reload":
            published.set()

    server.broadcast.publish = publish
    latencies = []
    for n in range(edits):
        published.clear()
        started = time.perf_counter()
        edit(n)
        if not published.wait(120):
            raise RuntimeError("no reload event within 120 s")
        latencies.append(time.perf_counter() - started)
        time.sleep(0.1)  # let the watcher settle before the next edit
    server.broadcast.publish = original
    return latencies


def measure_template(server: PreviewServer, edit, edits: int, page: str) -> tuple[list[float], ...]:
    """Apply `edit(n)` N times with `page` open; return the seconds to its reload, to every page rendered, and that CPU."""
    reloads: queue.Queue = queue.Queue()
    original = server.broadcast.publish

    def publish(event: str, data: dict) -> None:
        original(event, data)
        if event == "reload":  # every page is rendered when none waits (a preview without PendingPages has none)
            reloads.put((time.perf_counter(), cpu_seconds(), data, getattr(server.site, "pending", None) is None))

    server.broadcast.publish = publish
    shown, rendered, cpu = [], [], []
    for n in range(edits):
        fetch(server, page)  # the page a browser shows
        started, started_cpu = time.perf_counter(), cpu_seconds()
        edit(n)
        complete = False
        while not complete:
            at, at_cpu, data, complete = reloads.get(timeout=600)
            if page in data["changed"]:
                shown.append(at - started)
                if f"<!-- edit {n} -->".encode() not in fetch(server, page):
                    raise RuntimeError(f"{page} does not show the edit after its reload event")
        rendered.append(at - started)
        cpu.append(at_cpu - started_cpu)
        time.sleep(0.1)
    server.broadcast.publish = original
    return shown, rendered, cpu


def cpu_seconds() -> float:
    """Return the CPU seconds of this process and of its children that ended (the workers end with each render)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def fetch(server: PreviewServer, path: str) -> bytes:
    """Return the body the preview sends for a path."""
    with urllib.request.urlopen(server.url.rstrip("/") + path, timeout=60) as response:
        return response.read()


def measure_indexed(server: PreviewServer, edit, edits: int) -> list[float]:
    """Apply `edit(n)` N times; return the seconds from each write to the end of the indexing it causes."""
    latencies = []
    for n in range(edits):
        passes = server.search.passes
        started = time.perf_counter()
        edit(n)
        if not server.search.wait_for(passes + 1, 600):
            raise RuntimeError("no indexing within 600 s")
        latencies.append(time.perf_counter() - started)
        time.sleep(0.1)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--languages", type=int, default=5)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--title-edits", type=int, default=None, help="default: as many as --edits")
    parser.add_argument("--template-edits", type=int, default=3)
    parser.add_argument("--shape", choices=("flat", "tree"), default="flat", help="of the generated corpus")
    parser.add_argument("--sample", action="store_true", help="measure the repository's sample site")
    parser.add_argument("--no-search", action="store_true", help="with search = false: no index to wait for or time")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="the preview's processes (default: one per core)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        site_dir = Path(scratch) / "site"
        if args.sample:
            site_dir.mkdir()
            shutil.copytree(REPO / "content", site_dir / "content")
            shutil.copy(REPO / "site.toml", site_dir / "site.toml")
            article = site_dir / "content/en/system-anatomy/vae.md"
        else:
            generate(site_dir, args.articles, args.languages, shape=args.shape)
            # a page, not a section's _index.md: deleting that one rebuilds everything, by design
            article = next(p for p in sorted((site_dir / "content/en").rglob("*.md")) if p.stem != "_index")
        within = article.relative_to(site_dir / "content/en")  # a translation: the same path under another language
        translation = next(p for p in sorted((site_dir / "content").glob(f"*/{within}")) if p != article)
        if args.no_search:
            config = site_dir / "site.toml"
            config.write_text("search = false\n" + config.read_text())
        (site_dir / "templates").mkdir(exist_ok=True)
        template = site_dir / "templates/base.html"
        theme_template = (REPO / "templates/base.html").read_text()
        template.write_text(theme_template)

        server = PreviewServer(BuildOptions(site_dir=site_dir, jobs=args.jobs), port=0, log=Quiet())
        started = time.perf_counter()
        server.start()
        pages = sum(1 for path in server.site.outputs if path.endswith(".html"))
        built = time.perf_counter()
        print(f"site: {pages} HTML pages, first build {built - started:.2f} s")
        if not args.no_search:
            if not server.search.wait_for(1, 600):
                raise RuntimeError("no search index within 600 s")
            print(f"search index of every language {time.perf_counter() - built:.2f} s after the first build")
        text = article.read_text()
        translated = translation.read_text()

        def toggle_translation(n: int) -> None:
            if n % 2 == 0:
                translation.unlink()
            else:
                translation.write_text(translated)

        try:
            results = {
                "body edit": measure(server, lambda n: article.write_text(text + f"\nEdit number {n}.\n"), args.edits),
                "body edit, indexed": [] if args.no_search else measure_indexed(
                    server, lambda n: article.write_text(text + f"\nIndexed {n}.\n"), args.edits),
                "title edit": measure(server, lambda n: article.write_text(
                    re.sub(r"(?m)^title: .*$", f"title: 'Edited title {n}'", text, count=1)),
                    args.edits if args.title_edits is None else args.title_edits),
                "translation gone/back": measure(server, toggle_translation, args.edits),
            }
            site = server.site.state.site
            page = site.urls.href(site.article_paths[site.files[str(article.resolve())]])  # open in a browser
            results["template edit: open page"], results["template edit: all pages"], template_cpu = measure_template(
                server, lambda n: template.write_text(theme_template.replace("</body>", f"<!-- edit {n} --></body>")),
                args.template_edits, page)
        finally:
            server.stop()
    print(f"{'change':<26} {'median ms':>10} {'min ms':>8} {'max ms':>8}  edits")
    for name, latencies in results.items():
        if not latencies:
            continue
        ms = [s * 1000 for s in latencies]
        print(f"{name:<26} {statistics.median(ms):>10.0f} {min(ms):>8.0f} {max(ms):>8.0f}  {len(ms)}")
    print(f"template edit: CPU to all pages (the process and its workers), median {statistics.median(template_cpu):.2f} s")


if __name__ == "__main__":
    main()
