"""Compare two babelsite source trees on edits of already-built sites, alternating in one run.

    python bench/alternate_edits.py BEFORE_SRC BEFORE_DIR AFTER_SRC AFTER_DIR [--repeat 3]

Each DIR holds a corpus of bench/corpus.py in DIR/site, built into DIR/out by the source tree
it goes with (PYTHONPATH=SRC): at 100,000 pages a cold build takes minutes, so it is built
once, and each side keeps its own build cache. `--repeat` rounds of a body edit, a title edit
and a build with nothing changed, each side in turn, each build a separate process, editing
the first article of the default language as bench/edits.py does. Prints every run and the
medians of wall and CPU seconds (user + system) and peak RSS.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tomllib
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).parent))
from compare import ArticleEditor, run_measured  # noqa: E402

SCENARIOS = ("body edit", "title edit", "nothing changed")


def main() -> None:
    sides, repeat = parse_sides(__doc__)
    runs: dict[tuple[str, str], list] = {(side, scenario): [] for side in sides for scenario in SCENARIOS}
    for side, scenario, source, folder in edited_runs(sides, repeat):
        os.environ["PYTHONPATH"] = str(source.resolve())
        run = run_measured([sys.executable, "-m", "babelsite", "build", str(folder / "site"),
                            "--out", str(folder / "out")])
        runs[side, scenario].append(run)
        print(f"{side} {scenario}: {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, {run.rss_mb:.0f} MB", flush=True)
    for (side, scenario), measured in runs.items():
        print(f"{side} {scenario}: median {statistics.median(r.wall for r in measured):.2f} s wall, "
              f"{statistics.median(r.cpu for r in measured):.2f} s CPU, "
              f"{statistics.median(r.rss_mb for r in measured):.0f} MB peak")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


def parse_sides(description: str) -> tuple[dict[str, tuple[Path, Path]], int]:
    """Parse BEFORE_SRC BEFORE_DIR AFTER_SRC AFTER_DIR [--repeat N]: the source tree and folder of each side, the rounds."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("before_src", type=Path)
    parser.add_argument("before_dir", type=Path)
    parser.add_argument("after_src", type=Path)
    parser.add_argument("after_dir", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    return {"before": (args.before_src, args.before_dir), "after": (args.after_src, args.after_dir)}, args.repeat


def edited_runs(sides: dict[str, tuple[Path, Path]], repeat: int) -> Iterator[tuple[str, str, Path, Path]]:
    """Yield each run's side, scenario, source tree and folder, in turn, `repeat` rounds, its edit made first."""
    editors = {side: ArticleEditor(first_article(folder / "site")) for side, (_, folder) in sides.items()}
    print(f"load average at the start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for _ in range(repeat):
        for scenario in SCENARIOS:
            for side, (source, folder) in sides.items():
                if scenario == "body edit":
                    editors[side].edit_body()
                elif scenario == "title edit":
                    editors[side].edit_title()
                yield side, scenario, source, folder


def first_article(site: Path) -> Path:
    """Return the first page of the default language that is not a section page, as bench/edits.py edits."""
    default_language = tomllib.loads((site / "site.toml").read_text(encoding="utf-8"))["default_language"]
    return min(path for path in (site / "content" / default_language).rglob("*.md") if path.name != "_index.md")


if __name__ == "__main__":
    main()
