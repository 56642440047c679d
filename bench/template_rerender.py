"""Time a template edit's re-render of every page in the preview's LiveSite alone, no server.

    python bench/template_rerender.py SITE_DIR [--jobs 2] [--edits 3]

SITE_DIR must have templates/base.html (bench/corpus.py's site with the theme's base.html
copied in). After a first build, each edit adds a comment to base.html (every page changes),
renders the open page (the language's home) first and then every other page, as the preview
does; prints the median wall and CPU seconds, the workers' CPU included. base.html is restored.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from serve_latency import cpu_seconds  # noqa: E402

from babelsite.build import BuildOptions  # noqa: E402
from babelsite.incremental.rebuild import LiveSite  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site_dir", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args()
    live = LiveSite(BuildOptions(site_dir=args.site_dir, jobs=args.jobs))
    if not live.rebuild().ok:
        raise SystemExit("the first build failed")
    template = args.site_dir / "templates/base.html"
    text = template.read_text()
    walls, cpus = [], []
    try:
        for n in range(args.edits):
            template.write_text(text.replace("</body>", f"<!-- edit {n} --></body>"))
            started, started_cpu = time.perf_counter(), cpu_seconds()
            first = live.rebuild([template], first=["en/index.html"])
            rest = live.finish() if first.partial else first
            if not rest.ok:
                raise SystemExit("\n".join(d.format() for d in rest.diagnostics))
            walls.append(time.perf_counter() - started)
            cpus.append(cpu_seconds() - started_cpu)
    finally:
        template.write_text(text)
    print(f"jobs {args.jobs}: every page rendered, median {statistics.median(walls):.2f} s "
          f"({', '.join(f'{w:.2f}' for w in walls)}), CPU median {statistics.median(cpus):.2f} s")


if __name__ == "__main__":
    main()
