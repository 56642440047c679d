"""Time Jinja rendering the article pages in one process: as built, with no pure macro's HTML made once, with no menu.

    python bench/render_pages.py SITE_DIR [--pages 2000] [--repeat 5]

SITE_DIR is a site such as bench/corpus.py writes (`--shape tree` for the documentation tree,
whose pages show a menu). The site is loaded and its Markdown converted once; then the first
`--pages` article pages are rendered (nothing written) in turn: as a build renders them; with
every pure macro rendered anew on each page (render.templating's HTML made once, off); and with
an empty menu (what the menu costs). Prints the CPU milliseconds per page, the least and the
median of the repeats.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from babelsite.build import BuildOptions, prepare
from babelsite.config import read_config
from babelsite.links.translations import translation_status
from babelsite.render import pages as pages_module
from babelsite.render.pages import PageRenderer, start_rendering


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site_dir", type=Path)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    config, _ = read_config(args.site_dir, None, None)
    prepared = prepare(BuildOptions(args.site_dir, jobs=1), config)
    renderer, _ = start_rendering(prepared.site, prepared.fragments, prepared.problems,
                                  translation_status(prepared.site, None), watch_templates=False)
    renderer.before_forking([])
    pages = list(prepared.site.pages)[:args.pages]
    made_once, render = pages_module.made_once, PageRenderer.render

    def without_menu(self: PageRenderer, template: str, path: str, context: dict):
        return render(self, template, path, {**context, "nav": []})

    ways = {"as built": (made_once, render), "no HTML made once": (lambda *_: False, render),
            "no menu": (made_once, without_menu)}
    spent: dict[str, list[float]] = {way: [] for way in ways}
    for _ in range(args.repeat):
        for way, (pages_module.made_once, PageRenderer.render) in ways.items():
            started = time.process_time()
            for page in pages:
                renderer.article_page(page)
            spent[way].append((time.process_time() - started) * 1000 / len(pages))
    pages_module.made_once, PageRenderer.render = made_once, render
    print(f"{len(pages)} article pages of {args.site_dir}, {args.repeat} repeats, CPU ms per page:")
    for way, times in spent.items():
        print(f"  {way:20} least {min(times):.3f}  median {statistics.median(times):.3f}")


if __name__ == "__main__":
    main()
