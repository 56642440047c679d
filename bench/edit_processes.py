"""Split an edit's CPU between the build's own process and the processes it forks, before and after, alternating.

    python bench/edit_processes.py BEFORE_SRC BEFORE_DIR AFTER_SRC AFTER_DIR [--repeat 3]

The same sides and edits as bench/alternate_edits.py (each DIR holds DIR/site, built into
DIR/out by its source tree). On a machine whose other core is busy, wall times say little of
what a quiet machine would show when the build hands work to a child process (the output's
checks): the build's own CPU, user + system, is then the wall time's floor on a quiet machine
with a core free, and the children's CPU what ran beside it. Prints every run and the medians.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from alternate_edits import SCENARIOS, edited_runs, parse_sides  # noqa: E402

# run in the measured process: the build's own CPU and its reaped children's, from os.times
MEASURE = """
import os, sys
from babelsite.cli import main
status = main(["build", sys.argv[1], "--out", sys.argv[2]])
times = os.times()
print(f"{times.user + times.system} {times.children_user + times.children_system}")
sys.exit(status)
"""


def main() -> None:
    sides, repeat = parse_sides(__doc__)
    runs: dict[tuple[str, str], list[tuple[float, float]]] = {(s, c): [] for s in sides for c in SCENARIOS}
    for side, scenario, source, folder in edited_runs(sides, repeat):
        done = subprocess.run([sys.executable, "-c", MEASURE, str(folder / "site"), str(folder / "out")],
                              env={**os.environ, "PYTHONPATH": str(source.resolve())},
                              capture_output=True, text=True, check=True)
        own, children = map(float, done.stdout.splitlines()[-1].split())
        runs[side, scenario].append((own, children))
        print(f"{side} {scenario}: {own:.2f} s CPU in the build's process, {children:.2f} s in its children", flush=True)
    for (side, scenario), measured in runs.items():
        print(f"{side} {scenario}: median {statistics.median(own for own, _ in measured):.2f} s CPU own, "
              f"{statistics.median(children for _, children in measured):.2f} s children")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
