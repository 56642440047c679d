"""Where a cold build's memory goes: tracemalloc snapshots by line at its stages, and the peak between them.

    python bench/memory_trace.py build SITE --out OUT --jobs 1 [--no-cache]

Prints, when rendering starts, when the site is written and when the build cache's state is
stored, the memory Python holds, the peak since the last point and the 25 lines that
allocated most of what is held. Runs the command line in this process (use --jobs 1: workers'
memory is not traced).
"""

from __future__ import annotations

import sys
import tracemalloc

import babelsite.build as cold
import babelsite.incremental.cached as cached
from babelsite import cli


def show(label: str) -> None:
    """Print what is held now and the peak since the last point, with the lines that allocated most."""
    current, peak = tracemalloc.get_traced_memory()
    print(f"== {label}: held {current / 1e6:.1f} MB, peak since the last point {peak / 1e6:.1f} MB", flush=True)
    for stat in tracemalloc.take_snapshot().statistics("lineno")[:25]:
        frame = stat.traceback[0]
        print(f"  {stat.size / 1e6:8.2f} MB {stat.count:8d}  {frame.filename}:{frame.lineno}")
    tracemalloc.reset_peak()


def traced(module, name: str, label: str, after: bool = False) -> None:
    """Replace module.name by a function that shows the memory before (or after) it runs."""
    function = getattr(module, name)

    def wrapper(*args, **kwargs):
        if not after:
            show(label)
        result = function(*args, **kwargs)
        if after:
            show(label)
        return result

    setattr(module, name, wrapper)


if __name__ == "__main__":
    tracemalloc.start()
    traced(cold, "start_rendering", "rendering starts")
    traced(cold, "write_site", "the site is written", after=True)
    traced(cached, "pack_state", "the build cache's state is stored")
    status = cli.main(sys.argv[1:])
    show("the end")
    sys.exit(status)
