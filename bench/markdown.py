"""Time babelsite's Markdown stage against plain markdown-it-py on the same page bodies.

    python bench/markdown.py DIR [--articles 400] [--languages 5] [--shape flat|tree] [--repeat 7]

Writes the corpus of bench/corpus.py to DIR, loads and links it as a build does (one process),
then alternately converts every page's body `--repeat` times with plain markdown-it-py (the
CommonMark preset plus tables, `render` alone) and with babelsite's Markdown stage as a build
runs it in one process (`markdown.convert`, jobs=1: its parser, plugins, heading ids, links,
citations, diagnostics and the pages' Fragments).
Prints the medians in milliseconds per page, of CPU (process time) and wall, and their ratio.
The issue's target: babelsite at most 1.3x plain markdown-it-py.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

from markdown_it import MarkdownIt

sys.path.insert(0, str(Path(__file__).parent))
from corpus import SHAPES, generate  # noqa: E402

from babelsite.config import read_config  # noqa: E402
from babelsite.content.load import load_corpus, read_body  # noqa: E402
from babelsite.content.sources import discover  # noqa: E402
from babelsite.errors import Collector  # noqa: E402
from babelsite.links.resolve import resolve  # noqa: E402
from babelsite.markdown import convert  # noqa: E402
from babelsite.render.theme import Theme  # noqa: E402


def linked_site(site_dir: Path):
    """Return the linked site and its static files' published paths, as a build has them."""
    config, _ = read_config(site_dir)
    problems = Collector(config.site_dir)
    site = resolve(config, load_corpus(config, discover(config, problems), problems), problems)
    assets = Theme.for_site(config.site_dir, config.allow_outside, config.content_dir).asset_paths(site.urls, problems)
    return site, assets


def timed(convert: Callable[[], None]) -> tuple[float, float]:
    """Return the CPU and wall seconds of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    convert()
    return time.process_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the corpus")
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--languages", type=int, default=5)
    parser.add_argument("--shape", choices=SHAPES, default="flat")
    parser.add_argument("--repeat", type=int, default=7, help="conversions of the whole corpus by each; medians shown")
    args = parser.parse_args()
    generate(args.folder, args.articles, args.languages, 1, args.shape)
    site, assets = linked_site(args.folder)
    pages = site.pages
    plain = MarkdownIt("commonmark").enable("table")

    def convert_plain() -> None:
        for page in pages:
            plain.render(read_body(page.article))  # from the file, as babelsite's stage reads it

    def convert_babelsite() -> None:
        convert(site, assets, Collector(args.folder))

    convert_plain(), convert_babelsite()  # warm up: parsers built, lexers and caches loaded
    runs: dict[str, list[tuple[float, float]]] = {"markdown-it-py": [], "babelsite": []}
    for _ in range(args.repeat):
        runs["markdown-it-py"].append(timed(convert_plain))
        runs["babelsite"].append(timed(convert_babelsite))
    per_page = {name: [statistics.median(t[i] for t in times) * 1000 / len(pages) for i in (0, 1)]
                for name, times in runs.items()}
    print(f"{len(pages)} pages ({args.shape}, {args.articles} articles x {args.languages} languages), "
          f"medians of {args.repeat} alternating runs, ms per page")
    print("| converter | CPU ms | wall ms |\n|---|---:|---:|")
    for name, (cpu, wall) in per_page.items():
        print(f"| {name} | {cpu:.3f} | {wall:.3f} |")
    ratio = [b / p for b, p in zip(per_page["babelsite"], per_page["markdown-it-py"])]
    print(f"| babelsite / markdown-it-py | {ratio[0]:.2f}x | {ratio[1]:.2f}x |")


if __name__ == "__main__":
    main()
