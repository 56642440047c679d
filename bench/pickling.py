"""What crosses between a build's processes: the cost of pickling each stage's result once, per object.

    python bench/pickling.py SITE_DIR [--config FILE]

A build with several processes forks its workers, which inherit the site and every article by
fork (parallel.map_in_processes): nothing is pickled on the way in. On the way back each
result crosses once: the Article of each file (load), the Fragment of each page (Markdown),
the OutputFile of each page (render). This prints, in one process, the microseconds to pickle
and unpickle one of each and its size in bytes.
"""

from __future__ import annotations

import argparse
import pickle
import time
from pathlib import Path

from babelsite.build import BuildOptions, prepare
from babelsite.links.translations import translation_status
from babelsite.render.pages import start_rendering


def cost(objects: list) -> tuple[float, float, float]:
    """Return the microseconds to pickle and to unpickle one object, and its mean size in bytes."""
    start = time.process_time()
    data = [pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL) for item in objects]
    dumped = time.process_time() - start
    start = time.process_time()
    for item in data:
        pickle.loads(item)
    loaded = time.process_time() - start
    return 1e6 * dumped / len(objects), 1e6 * loaded / len(objects), sum(map(len, data)) / len(objects)


def main() -> None:
    """Prepare the site in one process and time pickling what each stage's workers send back."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--config", type=Path)
    args = parser.parse_args()
    prepared = prepare(BuildOptions(args.site.resolve(), config_path=args.config, jobs=1))
    site = prepared.site
    renderer, _ = start_rendering(site, prepared.fragments, prepared.problems, translation_status(site))
    results = {"Article (load)": list(site.corpus.articles()),
               "Fragment (Markdown)": [prepared.fragments[key] for key in prepared.fragments],
               "OutputFile (render)": list(renderer.pages(1))}
    print("| result | pickle µs | unpickle µs | bytes |\n|---|---:|---:|---:|")
    for name, objects in results.items():
        dumped, loaded, size = cost(objects)
        print(f"| {name} | {dumped:.0f} | {loaded:.0f} | {size:,.0f} |")


if __name__ == "__main__":
    main()
