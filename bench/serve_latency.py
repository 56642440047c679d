"""Measure the preview server's edit-to-reload latency.

    python bench/serve_latency.py [--articles 2000] [--languages 5] [--edits 20] [--sample]

From writing a changed article to the reload event leaving the server (the moment the
server publishes it to the event stream), median over N edits, for body edits, title
edits and template edits; and, for body edits, to the search index holding the edit (the
preview indexes in the background, after the reload event). `--sample` measures the repository's sample site instead of
a generated corpus.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import generate  # noqa: E402

from babelsite.build import BuildOptions  # noqa: E402
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
    parser.add_argument("--sample", action="store_true", help="measure the repository's sample site")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        site_dir = Path(scratch) / "site"
        if args.sample:
            site_dir.mkdir()
            shutil.copytree(REPO / "content", site_dir / "content")
            shutil.copy(REPO / "site.toml", site_dir / "site.toml")
            article = site_dir / "content/en/system-anatomy/vae.md"
        else:
            generate(site_dir, args.articles, args.languages)
            article = next((site_dir / "content/en").rglob("*.md"))
        translation = next(p for p in sorted((site_dir / "content").rglob("*.md")) if p.parent.parts[-2:] != article.parent.parts[-2:]
                           and p.stem == article.stem)
        (site_dir / "templates").mkdir(exist_ok=True)
        template = site_dir / "templates/category.html"
        theme_template = (REPO / "templates/category.html").read_text()
        template.write_text(theme_template)

        server = PreviewServer(BuildOptions(site_dir=site_dir), port=0, log=Quiet())
        started = time.perf_counter()
        server.start()
        pages = sum(1 for path in server.site.outputs if path.endswith(".html"))
        built = time.perf_counter()
        print(f"site: {pages} HTML pages, first build {built - started:.2f} s")
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
                "body edit, indexed": measure_indexed(server, lambda n: article.write_text(text + f"\nIndexed {n}.\n"),
                                                      args.edits),
                "title edit": measure(server, lambda n: article.write_text(
                    re.sub(r"(?m)^title: .*$", f"title: 'Edited title {n}'", text, count=1)),
                    args.edits if args.title_edits is None else args.title_edits),
                "translation gone/back": measure(server, toggle_translation, args.edits),
                "template edit": measure(server, lambda n: template.write_text(
                    theme_template + f"\n{{# edit {n} #}}<!-- {n} -->\n"), args.template_edits),
            }
        finally:
            server.stop()
    print(f"{'change':<22} {'median ms':>10} {'min ms':>8} {'max ms':>8}  edits")
    for name, latencies in results.items():
        ms = [s * 1000 for s in latencies]
        print(f"{name:<22} {statistics.median(ms):>10.0f} {min(ms):>8.0f} {max(ms):>8.0f}  {len(ms)}")


if __name__ == "__main__":
    main()
