"""Measure babelsite's edits alone: the whole CLI run of a body edit and of a title edit, after one cold build.

    python bench/edits.py DIR [--articles 2000] [--languages 5] [--shape flat|tree] [--repeat 5] [--search]

Writes the corpus of bench/corpus.py to DIR/site (search off unless --search), builds it cold
into DIR/out, then `--repeat` times edits one article's body and builds, then its title and
builds, each build a separate `babelsite build` process, as `compare.py` does for babelsite
without Hugo (which takes minutes a run). Prints the median and every run's wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from compare import ArticleEditor, compile_babelsite, run_measured, turn_off_search  # noqa: E402
from corpus import SHAPES, generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to write the corpus (DIR/site) and the output (DIR/out)")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--languages", type=int, default=5)
    parser.add_argument("--shape", choices=SHAPES, default="flat")
    parser.add_argument("--repeat", type=int, default=5, help="edits of each kind; the table shows medians")
    parser.add_argument("--search", action="store_true", help="build with the Pagefind index (off by default)")
    args = parser.parse_args()
    site, out = args.folder / "site", args.folder / "out"
    shutil.rmtree(args.folder, ignore_errors=True)
    generate(site, args.articles, args.languages, 1, args.shape)
    if not args.search:
        turn_off_search(site / "site.toml")
    compile_babelsite()
    command = [sys.executable, "-m", "babelsite", "build", str(site), "--out", str(out)]
    default_language = tomllib.loads((site / "site.toml").read_text(encoding="utf-8"))["default_language"]
    # the first page that is not a section page, as compare.py edits
    editor = ArticleEditor(min(path for path in (site / "content" / default_language).rglob("*.md")
                               if path.name != "_index.md"))
    cold = run_measured(command)
    print(f"cold build: {cold.wall:.2f} s wall, {cold.cpu:.2f} s CPU (load {os.getloadavg()[0]:.2f})")
    runs: dict[str, list] = {"body edit": [], "title edit": []}
    for _ in range(args.repeat):
        for scenario, edit in (("body edit", editor.edit_body), ("title edit", editor.edit_title)):
            edit()
            runs[scenario].append(run_measured(command))
    for scenario, measured in runs.items():
        walls, cpus = [run.wall for run in measured], [run.cpu for run in measured]
        print(f"{scenario}: median {statistics.median(walls):.3f} s wall, {statistics.median(cpus):.3f} s CPU; "
              f"runs {', '.join(f'{w:.2f}' for w in walls)} s wall")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
