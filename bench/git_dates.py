"""Time "Last updated" from git on a site in a repository with history, and the output folder's list of files.

    python bench/git_dates.py [--articles 2000] [--languages 5] [--commits 50] [--repeat 5] [--builds 5] [--per-file]

Generates a corpus (bench/corpus.py, flat shape) in a new git repository: a first commit
with every file, then `--commits - 1` commits that each edit 100 files, at fixed dates. Then
times, median of `--repeat` runs each:

- the git pass (content.history.last_commits over every page file), with every file
  committed, and with one more file never committed (git then reads the whole history);
- with `--per-file`, the same dates asked one `git log -1` per file, as the status check did
  before (one run: it is the point of comparison, not a mode babelsite has);
- listing the output's files into its marker and finding files a build did not write;
- cold builds (search = false, `--no-cache`), `last_updated` off and on, `--builds` each, alternately.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import generate  # noqa: E402

from babelsite.content.history import last_commits  # noqa: E402
from babelsite.output.write import foreign_files, marker_of, site_files  # noqa: E402

EDITS_PER_COMMIT = 100


def git(repo: Path, *args: str, day: int = 0) -> str:
    """Run git in the benchmark's repository as a fixed author, `day` days after a fixed date."""
    date = f"{1767268800 + day * 86400} +0000"  # 2026-01-01 12:00 UTC, as seconds
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-c", "user.name=Bench", "-c", "user.email=bench@example.org", *args], cwd=repo,
                          env=env, check=True, capture_output=True, text=True).stdout


def make_repository(repo: Path, articles: int, languages: int, commits: int) -> list[Path]:
    """Generate the corpus in a new repository with `commits` commits; return its Markdown files."""
    generate(repo, articles, languages)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "All pages", day=0)
    files = sorted((repo / "content").rglob("*.md"))
    rng = random.Random(1)
    for number in range(1, commits):
        for path in rng.sample(files, EDITS_PER_COMMIT):
            with open(path, "a") as page:
                page.write(f"\nEdited in commit {number}.\n")
        git(repo, "commit", "-qam", f"Edit {number}", day=number)
    return files


def timed(function, repeat: int) -> tuple[float, object]:
    """Return the median wall time of `repeat` calls, and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def one_process_per_file(repo: Path, files: list[Path]) -> dict[Path, str]:
    """Ask git for each file's last commit with a process of its own, eight at a time."""
    def ask(path: Path) -> str:
        return git(path.parent, "log", "-1", "--format=%ct", "--", path.name).strip()

    with ThreadPoolExecutor(max_workers=8) as pool:
        return dict(zip(files, pool.map(ask, files)))


def build(repo: Path, out: Path) -> float:
    """Run one cold build in its own process; return its wall time."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "babelsite", "build", str(repo), "--out", str(out), "--no-cache", "--force"],
                   check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--languages", type=int, default=5)
    parser.add_argument("--commits", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--builds", type=int, default=5)
    parser.add_argument("--per-file", action="store_true", help="also time one git process per file (minutes)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="babelsite-git-bench-"))
    try:
        repo = work / "site"
        files = make_repository(repo, args.articles, args.languages, args.commits)
        print(f"{len(files)} page files, {args.commits} commits; medians of {args.repeat} runs")
        seconds, found = timed(lambda: last_commits(repo, files), args.repeat)
        print(f"one git log, every file committed: {seconds:.3f} s ({len(found)} files dated)")
        extra = repo / "content/en/never-committed.md"
        extra.write_text("---\ntitle: New\n---\nText.\n")
        seconds, found = timed(lambda: last_commits(repo, [*files, extra]), args.repeat)
        print(f"one git log, one file never committed (the whole history read): {seconds:.3f} s "
              f"({len(found)} files dated)")
        extra.unlink()
        if args.per_file:
            seconds, _ = timed(lambda: one_process_per_file(repo, files), 1)
            print(f"one git log -1 per file, 8 at a time (one run): {seconds:.3f} s")

        out = work / "public"
        config = repo / "site.toml"
        plain = config.read_text()
        builds: dict[str, list[float]] = {"off": [], "on": []}
        for _ in range(args.builds):
            for mode in ("off", "on"):
                # top-level keys must come before the tables
                config.write_text("search = false\n" + ("last_updated = true\n" if mode == "on" else "") + plain)
                builds[mode].append(build(repo, out))
        config.write_text(plain)
        for mode, times in builds.items():
            print(f"cold build, last_updated {mode}: {statistics.median(times):.3f} s (median of {len(times)})")
        seconds, listing = timed(lambda: marker_of(site_files(out)), args.repeat)
        print(f"listing the output's {sum(1 for _ in out.rglob('*') if _.is_file())} files into its marker "
              f"({len(listing) / 1e6:.2f} MB): {seconds:.3f} s")
        seconds, _ = timed(lambda: foreign_files(out), args.repeat)
        print(f"finding files a build did not write: {seconds:.3f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
