"""Where a cold build's CPU goes: per stage, per article page, one process (--jobs 1), medians of several builds.

    python bench/stages.py SITE_DIR [--repeat 3] [--no-search] [--against SRC_DIR] [--markdown FILE]

SITE_DIR is a site such as bench/corpus.py writes (`python bench/corpus.py /tmp/flat`, add
`--shape tree` for the documentation tree). Each build is the command line's cold build
(`babelsite build --no-cache --jobs 1` into a new output folder), run in a process of its own;
in it, the pipeline's stage functions are wrapped with CPU clocks (user + system of the
process, its threads included; Pagefind's, a child process, counted as search):

    load      discovering the files, reading them, front matter, collation keys of titles
    links     resolving URLs, translations, related articles, fallbacks
    Markdown  the bodies to HTML, and the anchor check
    render    static files and every page with Jinja (the time spent producing each file)
    write     staging folder, folders, files, marker, swap (write_site less render and search)
    search    Pagefind indexing the staged site
    cache     stamping inputs and outputs, writing the build cache (its state's pack while pages render)
    other     the rest: start-up, site.toml, templates' check, translation status

With `--against SRC_DIR` (an export of another commit's tree, e.g. `git archive main`), the
builds alternate between that source (PYTHONPATH=SRC_DIR/src) and this checkout's, and both
tables are printed. `--no-search` builds with search = false in a copy of site.toml's settings.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

STAGES = ("load", "links", "Markdown", "render", "write", "search", "cache", "other")
HERE_SRC = Path(__file__).resolve().parent.parent / "src"


def cpu() -> float:
    """Return this process's CPU seconds so far (user + system, every thread)."""
    return time.process_time()


def children_cpu() -> float:
    """Return the CPU seconds of the child processes waited for so far."""
    times = os.times()
    return times.children_user + times.children_system


def without_search(site_toml: str) -> str:
    """Return a site.toml's text with search = false: its own top-level setting replaced, or one added first."""
    if "search" in tomllib.loads(site_toml):  # top-level keys come before the first table: the first match is it
        return re.sub(r"(?m)^search\s*=.*$", "search = false", site_toml, count=1)
    return "search = false\n" + site_toml


def measure_one(site: Path, output: Path, no_search: bool) -> dict:
    """In this process: run one cold build with every stage timed; return the CPU seconds by stage."""
    from babelsite import build as build_module
    from babelsite.build import BuildOptions
    from babelsite.incremental import cached
    from babelsite.incremental import state as state_module
    from babelsite.output import write

    spent = dict.fromkeys(STAGES, 0.0)

    def timed(stage: str, function):
        """Wrap a function so that its CPU time counts for `stage`."""
        def wrapper(*args, **kwargs):
            start = cpu()
            try:
                return function(*args, **kwargs)
            finally:
                spent[stage] += cpu() - start
        return wrapper

    def timed_iterator(stage: str, iterator):
        """Yield from an iterator, counting the CPU time of producing each item for `stage`.

        Less the pages written meanwhile (Stager.put, which counts as write): a page is written
        by whoever renders it; and less the build cache's state, packed while the workers render.
        """
        iterator = iter(iterator)
        while True:
            start, elsewhere = cpu(), spent["write"] + spent["cache"]
            try:
                item = next(iterator)
            except StopIteration:
                spent[stage] += cpu() - start - (spent["write"] + spent["cache"] - elsewhere)
                return
            spent[stage] += cpu() - start - (spent["write"] + spent["cache"] - elsewhere)
            yield item

    write_site = build_module.write_site

    def timed_write(output_dir, files, site_dir, finish=lambda staging: None, folders=()):
        """Run write_site with its files' production counted as render and its finish as search."""
        searched = 0.0  # of this process's CPU: Pagefind's own is not in write_site's

        def timed_finish(staging):
            nonlocal searched
            start, start_children = cpu(), children_cpu()
            try:
                return finish(staging)
            finally:
                searched = cpu() - start
                spent["search"] += searched + children_cpu() - start_children
        start = cpu()
        others_before = spent["render"] + spent["write"] + spent["cache"]
        try:
            # files: what makes the files given the staging folder's Stager (before it, the files themselves)
            produced = (lambda stager: timed_iterator("render", files(stager))) if callable(files) else \
                timed_iterator("render", files)
            return write_site(output_dir, produced, site_dir, timed_finish, folders)
        finally:
            spent["write"] += ((cpu() - start) - (spent["render"] + spent["write"] + spent["cache"] - others_before)
                               - searched)

    # cached.py imports the cold build, and pack_state, when a build runs (in trees from before that, when imported)
    imported_late = not hasattr(cached, "cold_build")
    cold_build = build_module.build if imported_late else cached.cold_build

    def timed_cold(*args, **kwargs):
        """Run the cold build, so that what the cached build does after it counts as cache."""
        start = cpu()
        try:
            return cold_build(*args, **kwargs)
        finally:
            spent["cache"] -= cpu() - start  # whole: the state packed within it is counted as cache by its own clock

    build_module.discover = timed("load", build_module.discover)
    build_module.load_corpus = timed("load", build_module.load_corpus)
    build_module.resolve = timed("links", build_module.resolve)
    build_module.markdown.convert = timed("Markdown", build_module.markdown.convert)
    build_module.check_anchors = timed("Markdown", build_module.check_anchors)
    build_module.write_site = timed_write
    if hasattr(write, "Stager"):  # not in a tree from before it
        write.Stager.put = timed("write", write.Stager.put)
    if imported_late:
        build_module.build = timed_cold
        state_module.pack_state = timed("cache", state_module.pack_state)
    else:
        cached.cold_build = timed_cold
        if hasattr(cached, "pack_state"):  # not in a tree from before it
            cached.pack_state = timed("cache", cached.pack_state)

    if no_search:
        copy = output.parent / "site.toml"
        copy.write_text(without_search((site / "site.toml").read_text(encoding="utf-8")), encoding="utf-8")
        config_path = copy
    else:
        config_path = None
    start = cpu()
    report = cached.build(BuildOptions(site, config_path=config_path, output_dir=output, jobs=1, use_cache=False))
    spent["cache"] += cpu() - start  # the whole cached build, less the cold build (subtracted above)
    pages = sum(report.pages_per_language.values())
    # everything not in a stage, since the interpreter started: start-up, imports, site.toml, status...
    spent["other"] = cpu() + children_cpu() - sum(spent.values())
    return {"pages": pages, "seconds": spent}


def run_child(src: Path, site: Path, no_search: bool) -> dict:
    """Run one measured build in a new process importing babelsite from `src`; return its figures."""
    with tempfile.TemporaryDirectory(prefix="stages-") as folder:
        output = Path(folder) / "public"
        command = [sys.executable, __file__, str(site), "--child", str(output)] + ["--no-search"] * no_search
        result = subprocess.run(command, env={**os.environ, "PYTHONPATH": str(src)}, check=True,
                                stdout=subprocess.PIPE, text=True)
        return json.loads(result.stdout.strip().splitlines()[-1])


def compile_sources(src: Path) -> None:
    """Compile a source tree to bytecode once, so that no build pays for it (the machine may forbid writing it)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})


def table(runs: list[dict]) -> str:
    """Return a Markdown table of the median CPU per stage: ms per page and seconds in all."""
    pages = runs[0]["pages"]
    medians = {stage: statistics.median(run["seconds"][stage] for run in runs) for stage in STAGES}
    total = statistics.median(sum(run["seconds"].values()) for run in runs)
    lines = ["| stage | CPU ms per page | CPU s | share |", "|---|---:|---:|---:|"]
    for stage in STAGES:
        lines.append(f"| {stage} | {1000 * medians[stage] / pages:.2f} | {medians[stage]:.2f} "
                     f"| {100 * medians[stage] / total:.0f}% |")
    lines.append(f"| total | {1000 * total / pages:.2f} | {total:.2f} | |")
    return "\n".join(lines)


def main() -> None:
    """Measure, alternating the sources when there are two, and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-search", action="store_true", help="build with search = false")
    parser.add_argument("--against", type=Path, metavar="SRC_DIR", help="also measure this exported tree, alternating")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the tables to FILE")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    site = args.site.resolve()
    if args.child:
        print(json.dumps(measure_one(site, args.child, args.no_search)))
        return
    sources = {"this checkout": HERE_SRC}
    if args.against:
        sources = {f"{args.against}": args.against.resolve() / "src", **sources}
    for src in sources.values():
        compile_sources(src)
    runs: dict[str, list[dict]] = {name: [] for name in sources}
    order = list(sources)
    for repeat in range(args.repeat):
        for name in order if repeat % 2 == 0 else reversed(order):
            run = run_child(sources[name], site, args.no_search)
            runs[name].append(run)
            total = sum(run["seconds"].values())
            print(f"{name}: {total:.1f} s CPU, {run['pages']} article pages", file=sys.stderr)
    load = os.getloadavg()
    text = []
    for name, measured in runs.items():
        text.append(f"{name}: {site.name}, {measured[0]['pages']:,} article pages, medians of {len(measured)} "
                    f"builds (--jobs 1{', no search' if args.no_search else ''}), load average "
                    f"{load[0]:.1f} at the end\n\n{table(measured)}\n")
    print("\n".join(text))
    if args.markdown:
        args.markdown.write_text("\n".join(text), encoding="utf-8")


if __name__ == "__main__":
    main()
