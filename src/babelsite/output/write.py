"""Write the site into a staging folder beside the output, then swap it in atomically."""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import signal
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from ..config import SiteConfig
from ..errors import Collector, SiteError, printable
from ..model import OutputFile

MARKER = ".babelsite-output"
SITE_FOLDERS = (("content", "a content/ folder"), ("static", "a static/ folder"), ("templates", "a templates/ folder"))
MARKER_TEXT = b"This folder is written by babelsite build; it replaces it whole.\n"
WRITTEN_HEADER = b"The files it wrote:\n"  # then one path a line: a later build refuses to delete any other
FOREIGN_NAMED = 5  # how many foreign files a refusal names before it counts the rest
AT_FDCWD, RENAME_EXCHANGE = -100, 2  # from Linux's <fcntl.h> and <linux/fs.h>
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: files by path, and how many were new or changed."""

    output_dir: Path
    files: tuple[str, ...]
    changed: int


def check_output_dir(config: SiteConfig, output_dir: Path, force: bool, problems: Collector) -> None:
    """Refuse an output folder whose replacement would destroy the user's files; --force never overrides that.

    A build replaces its output folder whole: whatever the folder holds is deleted.
    """
    output_dir = output_dir.resolve()
    from_out = output_dir != config.output_dir.resolve()
    refusal = protected_by(config, output_dir) or unsafe_contents(output_dir, force)
    if refusal is None:
        return
    what, hint = refusal
    choose = ("pass --out a folder of its own, such as public/ in the site folder" if from_out
              else 'set output_dir to a folder of its own, such as "public"')
    problems.error(config.config_path, 0 if from_out else config.output_dir_line,
                   f"output folder {output_dir}{' (from --out)' if from_out else ''} {what}",
                   hint.format(choose=choose), code="output-refused")


def protected_by(config: SiteConfig, output_dir: Path) -> tuple[str, str] | None:
    """Return why an output folder may not be replaced, by where it lies, with a hint; None when it may."""
    inputs = [(folder.resolve(), f"the site's {name} folder") for folder, name in inputs_of(config)]
    protected = [*home_folder(), (config.site_dir.resolve(), "the site folder"),
                 (config.config_path.resolve(), f"the site's {config.config_path.name}"), *inputs]
    for folder, name in protected:
        if output_dir == folder or output_dir in folder.parents:
            return f"{'is' if output_dir == folder else 'contains'} {name}, which a build would delete", "{choose}"
    for folder, name in inputs:
        if folder in output_dir.parents:
            return f"is inside {name}", "{choose}: the next build would read the pages as input"
    return None


def unsafe_contents(output_dir: Path, force: bool) -> tuple[str, str] | None:
    """Return why an existing output folder may not be replaced, by what it holds, with a hint; None when it may."""
    if not output_dir.is_dir():
        return ("is a file, not a folder", "{choose}") if output_dir.exists() else None
    written = (output_dir / MARKER).exists()  # babelsite's own output holds a static/ folder, and may a content/ page
    for name, what in (".git", "a .git folder"), ("site.toml", "a site.toml"), *(() if written else SITE_FOLDERS):
        if (output_dir / name).exists():
            return f"holds {what}, which a build would delete", "move it out of the folder, or {choose}"
    if not force and not written and any(output_dir.iterdir()):
        return "holds files babelsite did not write", "empty it, {choose}, or pass --force to replace it"
    return None


def check_foreign_files(config: SiteConfig, output_dir: Path, problems: Collector) -> None:
    """Refuse to replace an output folder that holds files the last build did not write (a CNAME put there by hand)."""
    output_dir = output_dir.resolve()
    foreign = foreign_files(output_dir)
    if not foreign:
        return
    named = ", ".join(printable(name) for name in foreign[:FOREIGN_NAMED])
    more = f" and {len(foreign) - FOREIGN_NAMED} more" if len(foreign) > FOREIGN_NAMED else ""
    problems.error(config.config_path, config.output_dir_line if output_dir == config.output_dir.resolve() else 0,
                   f"output folder {output_dir} holds files babelsite did not write: {named}{more}; "
                   "a build replaces the folder whole and would delete them",
                   f"to publish them, move them into {config.extra_dir}/, whose files every build copies to the "
                   "output as they are; or pass --force to delete them", code="output-refused")


def foreign_files(output_dir: Path) -> list[str]:
    """Return the files of an output folder that are not in its marker's list of what babelsite wrote, sorted."""
    try:
        marker = (output_dir / MARKER).read_bytes()
    except OSError:
        return []
    _, listed, written = marker.partition(WRITTEN_HEADER)
    if not listed:
        return []  # written by a babelsite that kept no list
    names = set(os.fsdecode(written).splitlines())
    return sorted(name for name in (os.path.relpath(path, output_dir).replace(os.sep, "/")
                                    for path in output_files(output_dir)) if name not in names)


def marker_text(staging: Path) -> bytes:
    """Return the marker of a staged site: what it says, and every file it holds."""
    names = sorted(os.path.relpath(path, staging).replace(os.sep, "/") for path in output_files(staging))
    return MARKER_TEXT + WRITTEN_HEADER + os.fsencode("".join(f"{name}\n" for name in names))


def home_folder() -> list[tuple[Path, str]]:
    """Return the user's home folder with its name, or nothing when it is not known."""
    try:
        return [(Path.home().resolve(), "your home folder")]
    except (RuntimeError, OSError):
        return []


def inputs_of(config: SiteConfig) -> tuple[tuple[Path, str], ...]:
    """Return the folders of the site that a build reads, with their names."""
    site_dir = config.site_dir
    return ((config.content_dir, "content"), (site_dir / "templates", "templates"), (site_dir / "static", "static"),
            (config.extra_folder, config.extra_dir))


class FolderMaker(threading.Thread):
    """Makes folders in a thread of its own, so that the disk makes them while pages are rendered and written.

    On a slow disk, making a folder for each page costs as much as writing the pages.
    """

    def __init__(self, root: str, folders: Iterable[str]):
        super().__init__(name="babelsite-folders", daemon=True)
        self.root, self.folders, self.stopped = root, folders, threading.Event()
        self.start()

    def run(self) -> None:
        inside = self.root + os.sep
        for folder in self.folders:
            target = os.path.normpath(os.path.join(self.root, folder))
            if self.stopped.is_set() or not target.startswith(inside):
                return  # the writer makes what is left, and refuses what would be outside
            try:
                os.makedirs(target, exist_ok=True)
            except OSError:
                return  # the writer meets the same problem and reports it

    def stop(self) -> None:
        """Stop making folders and wait for the one being made."""
        self.stopped.set()
        self.join()


def write_site(output_dir: Path, files: Iterable[OutputFile], site_dir: Path,
               finish: Callable[[Path], None] = lambda staging: None, folders: Iterable[str] = ()) -> BuildResult:
    """Write files into a staging folder, reusing unchanged files, let `finish` add to it, then swap it in.

    `folders` are folders (relative to the output) that the files will need, made ahead by a FolderMaker.
    """
    output_dir = output_dir.resolve()
    written: list[str] = []
    changed = 0
    with staged(output_dir, site_dir) as staging:
        maker = FolderMaker(str(staging), folders)
        try:
            made_dirs: set[str] = {str(staging)}
            for file in files:
                target = staged_path(staging, file.path, made_dirs)
                changed += not reuse_unchanged(output_dir / file.path, Path(target), file.data)
                written.append(file.path)
        finally:
            maker.stop()
        before = set(os.listdir(staging)) | {MARKER}
        finish_staging(output_dir, staging, lambda: finish(staging))
        added, added_changed = reuse_added(output_dir, staging, sorted(set(os.listdir(staging)) - before))
        written += added
        changed += added_changed
    return BuildResult(output_dir, tuple(written), changed)


def restage_site(output_dir: Path, site_dir: Path, previous: Iterable[str], outputs: Mapping[str, bytes],
                 gone: Iterable[str], finish: Callable[[Path, list[str]], None]) -> list[str]:
    """Stage the previous site again with `outputs` written over it and `gone` left out, then swap it in.

    For a build that only re-rendered some pages: the `previous` files of the output are
    hard-linked into the staging folder (unchanged files keep their mtime and cost no space),
    `finish` gets the staging folder and the files whose bytes changed or went, to index
    them again. Returns those files.
    """
    output_dir = output_dir.resolve()
    gone = set(gone)
    with staged(output_dir, site_dir) as staging:
        made_dirs: set[str] = {str(staging)}
        changed = [name for name, data in sorted(outputs.items())
                   if not reuse_unchanged(output_dir / name, Path(staged_path(staging, name, made_dirs)), data)]
        for name in previous:
            if name not in outputs and name not in gone:
                link_or_copy(output_dir / name, Path(staged_path(staging, name, made_dirs)))
        changed += sorted(name for name in gone if (output_dir / name).exists())
        finish_staging(output_dir, staging, lambda: finish(staging, changed))
    return changed


@contextmanager
def staged(output_dir: Path, site_dir: Path) -> Iterator[Path]:
    """Yield a new staging folder beside the output; swap it in whole when the block succeeds, else remove it.

    An OSError meanwhile, such as a full disk, becomes a diagnostic on the output folder.
    """
    staging = output_dir.with_name(f".{output_dir.name}.staging-{os.getpid()}")
    try:
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise write_failure(exc, staging, output_dir, site_dir) from None
        problems = Collector(site_dir)
        problems.error(output_dir, 0, f"cannot create the output folder: {exc.strerror or exc} ({exc.filename})",
                       "choose an output folder whose parent folders can be created and written",
                       code="output-refused")
        raise SiteError(problems.items) from None
    try:
        yield staging
        previous = swap(staging, output_dir)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise write_failure(exc, staging, output_dir, site_dir) from None
        raise
    shutil.rmtree(previous, ignore_errors=True)


def staged_path(staging: Path, name: str, made_dirs: set[str]) -> str:
    """Return where a file of the site goes in the staging folder, making its folder; refuse a path outside."""
    # The staging folder is new and holds no symlinks, so normalising the path is enough
    # to tell whether it stays inside (Path.resolve would cost a system call per part).
    target = os.path.normpath(os.path.join(staging, name))
    if not target.startswith(str(staging) + os.sep):
        raise SiteError([])  # never write outside the output folder; links.py reports the cause
    folder = os.path.dirname(target)
    if folder not in made_dirs:
        os.makedirs(folder, exist_ok=True)
        made_dirs.add(folder)
    return target


def finish_staging(output_dir: Path, staging: Path, finish: Callable[[], None]) -> None:
    """Let `finish` add to the staged pages (the search index), then mark them as babelsite's, listing them."""
    fault_point("after-pages")
    finish()
    reuse_unchanged(output_dir / MARKER, staging / MARKER, marker_text(staging))


def swap(staging: Path, output_dir: Path) -> Path:
    """Put the staging folder in the output's place; return where the previous site went, to remove.

    Where the system can (Linux), both folders are exchanged in one step, so that the output
    folder is always a whole site; elsewhere the previous site is renamed aside first.
    """
    if output_dir.exists() and exchange(staging, output_dir):
        fault_point("during-swap")
        return staging
    retired = output_dir.with_name(f".{output_dir.name}.old-{os.getpid()}")
    if output_dir.exists():
        output_dir.rename(retired)
    fault_point("during-swap")
    try:
        staging.rename(output_dir)
    except BaseException:
        if retired.exists():
            retired.rename(output_dir)
        raise
    return retired


def exchange(first: Path, second: Path) -> bool:
    """Exchange two folders in one step with renameat2(RENAME_EXCHANGE); False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False  # a C library without it
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EPERM):
        return False  # an old kernel, or a file system that cannot exchange
    raise OSError(error, os.strerror(error), str(second))


def write_failure(exc: OSError, staging: Path, output_dir: Path, site_dir: Path) -> SiteError:
    """Describe an OSError met while staging the site (a full disk above all) as a diagnostic on the output."""
    problems = Collector(site_dir)
    where = str(exc.filename or staging).replace(str(staging), str(output_dir), 1)
    reason = f"{exc.strerror or exc}: {problems.display_path(where)}"
    if exc.errno in DISK_FULL:
        problems.error(output_dir, 0, f"the disk is full while writing the site ({reason})",
                       "free space or choose another output_dir", code="disk-full")
    else:
        problems.error(output_dir, 0, f"cannot write the site ({reason})",
                       "check that the output folder's disk can be written, or choose another output_dir",
                       code="output-failed")
    return SiteError(problems.items)


def remove_leftovers(output_dir: Path) -> None:
    """Remove the staging and previous-site folders that killed builds left beside the output folder.

    A build killed between the two renames of a swap left no output folder: the previous site
    goes back in its place.
    """
    output_dir = output_dir.resolve()
    try:
        entries = sorted(os.listdir(output_dir.parent))
    except OSError:
        return
    pattern = re.compile(rf"\.{re.escape(output_dir.name)}\.(staging|old)-(\d+)")
    for entry in entries:
        found = pattern.fullmatch(entry)
        if found is None or running(int(found[2])):
            continue
        leftover = output_dir.with_name(entry)
        if found[1] == "old" and not output_dir.exists():
            leftover.rename(output_dir)
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def running(pid: int) -> bool:
    """Tell whether another process with this id runs (a build of this process is never left running)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it runs, as another user
    return True


def fault_point(step: str) -> None:
    """Kill this process at `step` when BABELSITE_FAULT names it: a testing hook for crash safety.

    The steps are after-pages (pages staged, not yet indexed), during-index (after Pagefind
    indexed one bundle) and during-swap (the staging folder in the output's place, the
    previous site not yet removed). tests/test_atomic.py checks that the output is then
    still a whole site.
    """
    if os.environ.get("BABELSITE_FAULT") == step:
        os.kill(os.getpid(), signal.SIGKILL)


def reuse_unchanged(previous: Path, target: Path, data: bytes) -> bool:
    """Hard-link the previous file when its bytes are the same (keeps its mtime); else write."""
    try:
        if previous.stat().st_size == len(data) and previous.read_bytes() == data:
            os.link(previous, target)
            return True
    except OSError:
        pass
    try:
        with open(target, "xb") as file:  # a new file: never written through a hard link to the previous site
            file.write(data)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(target)) from None  # a failed write() names no file
    return False


def link_or_copy(previous: Path, target: Path) -> None:
    """Hard-link a file of the previous site into the staging folder, or copy it with its mtime."""
    try:
        os.link(previous, target)
    except OSError as exc:
        if exc.errno in DISK_FULL:
            raise
        shutil.copy2(previous, target)  # another device, or a file system without hard links


def reuse_added(output_dir: Path, staging: Path, entries: list[str]) -> tuple[list[str], int]:
    """Hard-link the files `finish` added that the previous output holds unchanged; return them and how many changed."""
    added: list[str] = []
    changed = 0
    for entry in entries:
        top = staging / entry
        paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
        for path in paths:
            name = path.relative_to(staging).as_posix()
            added.append(name)
            previous = output_dir / name
            try:
                if previous.stat().st_size == path.stat().st_size and previous.read_bytes() == path.read_bytes():
                    link = path.with_name(f".{path.name}.link")
                    os.link(previous, link)
                    os.replace(link, path)
                    continue
            except OSError:
                pass
            changed += 1
    return added, changed


def output_files(output_dir: Path) -> Iterator[str]:
    """Yield the path of every file of a written site but the marker that says babelsite wrote it."""
    for folder, _, names in os.walk(output_dir):
        for name in names:
            if name != MARKER or folder != str(output_dir):
                yield os.path.join(folder, name)
