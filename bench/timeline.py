"""When each stage of a cold build runs, in the build's process and in its workers: where a core sits idle.

    python bench/timeline.py SITE_DIR [--jobs 2]

Runs the command line's cold build (`--no-cache`, into a new folder) in this process with
`--jobs` workers, and prints, from the start of the process: each stage of the build's own
process (start and end in wall seconds, and the CPU seconds that process spent in it), then
each worker (when its first span started and its last ended, the wall time it spent in spans
and its CPU). A stage whose wall is not covered by workers' spans runs on one core alone.
Import babelsite from another tree with PYTHONPATH=TREE/src to compare two commits.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

START = time.perf_counter()


SPANS_LOG = ""  # the file the workers append their spans to
run_span = None  # parallel.run_span, which logged_span runs


def logged_span(span: tuple[int, int]) -> list:
    """In a worker: run a span and append its pid, wall span and CPU to the log (the pool sends it by name)."""
    start, cpu = time.perf_counter(), time.process_time()
    results = run_span(span)
    with open(SPANS_LOG, "a") as log:
        log.write(f"{os.getpid()} {start - START} {time.perf_counter() - START} {time.process_time() - cpu}\n")
    return results


def main() -> None:
    """Run one build with its stages timed and print the timeline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    import babelsite.build as build
    import babelsite.parallel as parallel
    from babelsite.incremental import cached
    from babelsite.render.pages import PageRenderer
    from babelsite.render.theme import Theme

    stages: list[tuple[str, float, float, float]] = []  # (name, start, end, CPU of this process)
    spans_log = tempfile.NamedTemporaryFile("w+", suffix=".spans")  # a line per span, appended by the workers

    def timed(name: str, function):
        """Wrap a function so that its wall span and this process's CPU in it are recorded."""
        def wrapper(*args, **kwargs):
            start, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                stages.append((name, start - START, time.perf_counter() - START, time.process_time() - cpu))
        return wrapper

    global run_span, SPANS_LOG
    run_span, SPANS_LOG = parallel.run_span, spans_log.name
    parallel.run_span = logged_span
    for name in ("discover", "load_corpus", "resolve", "check_anchors", "translation_status", "start_rendering",
                 "write_site"):
        setattr(build, name, timed(name, getattr(build, name)))
    build.markdown.convert = timed("markdown", build.markdown.convert)
    Theme.asset_paths = timed("asset_paths", Theme.asset_paths)
    PageRenderer.before_forking = timed("before_forking", PageRenderer.before_forking)
    for name in ("stamps", "store_state", "pack_state", "write_cache"):  # the build cache's, in this tree or older
        if hasattr(cached, name):
            setattr(cached, name, timed(name, getattr(cached, name)))

    with tempfile.TemporaryDirectory(prefix="timeline-") as folder:
        cached.build(build.BuildOptions(args.site.resolve(), output_dir=Path(folder) / "public", jobs=args.jobs,
                                        use_cache=False))
        end = time.perf_counter() - START  # before the output is removed
    times = os.times()
    print(f"{args.site.name}, --jobs {args.jobs}: {end:.2f} s wall; CPU {times.user + times.system:.2f} s in this "
          f"process, {times.children_user + times.children_system:.2f} s in workers; load average "
          f"{os.getloadavg()[0]:.1f}")
    print("| stage | from s | to s | wall s | CPU s here |\n|---|---:|---:|---:|---:|")
    for name, start, stop, cpu in sorted(stages, key=lambda stage: stage[1]):
        print(f"| {name} | {start:.2f} | {stop:.2f} | {stop - start:.2f} | {cpu:.2f} |")
    workers: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for line in Path(spans_log.name).read_text().splitlines():
        pid, start, stop, cpu = line.split()
        workers[pid].append((float(start), float(stop), float(cpu)))
    print("\n| worker | spans | from s | to s | in spans s | CPU s |\n|---|---:|---:|---:|---:|---:|")
    for pid, spans in sorted(workers.items(), key=lambda item: item[1][0][0]):
        print(f"| {pid} | {len(spans)} | {min(s[0] for s in spans):.2f} | {max(s[1] for s in spans):.2f} "
              f"| {sum(s[1] - s[0] for s in spans):.2f} | {sum(s[2] for s in spans):.2f} |")


if __name__ == "__main__":
    sys.exit(main())
