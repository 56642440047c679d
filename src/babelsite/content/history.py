"""When each file was last committed, by git: one `git log` over the whole site, never a process per file."""

from __future__ import annotations

import os
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Mapping

GIT_TIMEOUT = 60  # seconds for the whole log: a git that hangs is stopped, and the files have no date
CHUNK = 1 << 16
NAMED_FILES = 200  # up to this many files are named to git; more, and it reads the log of the whole site folder


@dataclass(frozen=True)
class Commit:
    """The last commit of a file: its time (seconds since 1970) and its day as the committer wrote it."""

    time: int
    day: str  # YYYY-MM-DD


def repository_root(folder: Path) -> Path | None:
    """Return the top folder of the git repository holding a folder (where .git is), or None outside git."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():  # a folder, or a file in a worktree or submodule
            return candidate
    return None


def last_commits(site_dir: Path, paths: Iterable[Path]) -> dict[Path, Commit]:
    """Return the last commit of each file of the site that git has; a file outside git or never committed has none.

    One `git log`, newest commit first, read only until every file has its commit.
    """
    wanted = names_in_site(site_dir, paths)
    found: dict[Path, Commit] = {}
    for path, commit in file_commits(site_dir, wanted):
        if path not in found:
            found[path] = commit
            if len(found) == len(wanted):
                break
    return found


def commit_history(site_dir: Path, paths: Iterable[Path]) -> dict[Path, tuple[Commit, ...]]:
    """Return each file's commits, newest first, from one `git log` read whole; a file git lacks is left out."""
    history: dict[Path, list[Commit]] = {}
    for path, commit in file_commits(site_dir, names_in_site(site_dir, paths)):
        history.setdefault(path, []).append(commit)
    return {path: tuple(commits) for path, commits in history.items()}


def names_in_site(site_dir: Path, paths: Iterable[Path]) -> dict[str, Path]:
    """Return the files inside the site folder by their path from it, as `git log --relative` names them."""
    site_dir = site_dir.resolve()
    wanted: dict[str, Path] = {}
    for path in paths:
        relative = os.path.relpath(path, site_dir).replace(os.sep, "/")
        if not relative.startswith("../"):
            wanted[relative] = path
    return wanted


def file_commits(site_dir: Path, wanted: Mapping[str, Path]) -> Iterator[tuple[Path, Commit]]:
    """Yield (file, commit) for each commit of the wanted files, newest first, from one `git log` of the site folder.

    Nothing when there are no files, or git or a repository is missing. The log is read as it
    comes; closing the iterator early stops git.
    """
    site_dir = site_dir.resolve()
    if not wanted or repository_root(site_dir) is None:
        return
    # a few files (the pages an edit re-renders) are named, so that git looks at their changes alone
    pathspecs = [f":(literal){name}" for name in sorted(wanted)] if len(wanted) <= NAMED_FILES else ["."]
    command = ["git", "log", "--format=%x00%ct %cs", "--name-only", "-z", "--relative", "--no-renames", "--",
               *pathspecs]
    try:
        process = subprocess.Popen(command, cwd=site_dir, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   stdin=subprocess.DEVNULL)
    except OSError:
        return  # no git
    timer = threading.Timer(GIT_TIMEOUT, process.kill)
    timer.start()
    try:
        for commit, name in log_entries(process.stdout):
            path = wanted.get(name)
            if path is not None:
                yield path, commit
    finally:
        timer.cancel()
        process.kill()
        process.wait()


def log_entries(stream: BinaryIO) -> Iterator[tuple[Commit, str]]:
    """Read `git log --format=%x00%ct %cs --name-only -z` as (commit, file name) pairs, newest first.

    A commit's header follows an empty field (two NULs in a row: a file name is never empty);
    the names after it are that commit's files, the first one after a newline.
    """
    commit: Commit | None = None
    expect_header = False
    for field in nul_fields(stream):
        if field == b"":
            expect_header = True
        elif expect_header:
            expect_header = False
            seconds, _, day = field.decode("ascii", "replace").partition(" ")
            commit = Commit(int(seconds), day) if seconds.isdigit() else None
        elif commit is not None:
            yield commit, os.fsdecode(field.removeprefix(b"\n"))


def nul_fields(stream: BinaryIO) -> Iterator[bytes]:
    """Split a stream at NUL bytes as it comes, without reading it whole."""
    pending = b""
    while chunk := stream.read1(CHUNK):
        fields = (pending + chunk).split(b"\0")
        pending = fields.pop()
        yield from fields
    if pending:
        yield pending
