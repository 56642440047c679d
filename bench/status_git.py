"""Time how `status` dates translations by git: commit_history over every file of a corpus in a git repository.

    python bench/status_git.py WORK_DIR [--articles 2000] [--languages 5] [--commits 20] [--repeat 3] [--src SRC]

Generates the corpus (bench/corpus.py) in WORK_DIR, commits it, then commits one article at
a time `--commits` times, and times `content.history.commit_history` on every Markdown file
(what `status` and `check` ask of git for translations without translated_from). `--src`
times another checkout's `src/` (e.g. an older commit's, from `git archive REV src | tar -x`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org"}


def git(work: Path, *args: str) -> None:
    """Run git in the corpus folder."""
    subprocess.run(["git", *args], cwd=work, env=GIT_ENV, check=True, capture_output=True)


def main() -> None:
    """Make the repository once, then print the median time of commit_history over its files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--languages", type=int, default=5)
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--src", type=Path, default=HERE.parent / "src")
    args = parser.parse_args()
    if not (args.work / ".git").is_dir():
        subprocess.run([sys.executable, HERE / "corpus.py", args.work, "--articles", str(args.articles),
                        "--languages", str(args.languages)], check=True, capture_output=True)
        git(args.work, "init", "-q")
        git(args.work, "add", "-A")
        git(args.work, "commit", "-q", "--no-gpg-sign", "-m", "corpus")
        for number, path in enumerate(sorted((args.work / "content").rglob("*.md"))[:args.commits]):
            path.write_text(path.read_text() + f"\nEdit {number}.\n")
            git(args.work, "commit", "-q", "--no-gpg-sign", "-am", f"edit {number}")
    sys.path.insert(0, str(args.src.resolve()))
    from babelsite.content.history import commit_history

    paths = sorted((args.work / "content").rglob("*.md"))
    runs = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        dated = commit_history(args.work, paths)
        runs.append(time.perf_counter() - started)
    print(f"{args.src}: {len(paths)} files, {sum(1 for times in dated.values() if times)} dated, "
          f"median of {args.repeat}: {statistics.median(runs):.2f} s")


if __name__ == "__main__":
    main()
