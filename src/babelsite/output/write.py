"""Write the site into a staging folder beside the output, then swap it in atomically."""

from __future__ import annotations

import ctypes
import errno
import os
import posixpath
import re
import shutil
import signal
import stat
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Generator, Iterable, Iterator, Mapping

from ..config import SiteConfig
from ..errors import Collector, SiteError, printable
from ..model import OutputFile, StagedFile
from .stamps import StampTable, holding

MARKER = ".babelsite-output"
SITE_FOLDERS = (("content", "a content/ folder"), ("static", "a static/ folder"), ("templates", "a templates/ folder"))
MARKER_TEXT = b"This folder is written by babelsite build; it replaces it whole.\n"
WRITTEN_HEADER = b"The files it wrote:\n"  # then one path a line: a later build refuses to delete any other
FOREIGN_NAMED = 5  # how many foreign files a refusal names before it counts the rest
AT_FDCWD, RENAME_EXCHANGE = -100, 2  # from Linux's <fcntl.h> and <linux/fs.h>
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
BACK_RECORD = ".babelsite-back-buffer"  # in the back buffer only: removed before it is swapped in
BACK_HEADER = b"babelsite back buffer, beside the output of build "  # then, a line each, where the two differ
# open()'s "xb" less the checks a file object makes (fstat, isatty), binary where the system translates newlines
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: files by path, and how many were new or changed."""

    output_dir: Path
    files: Mapping[str, tuple[int, int]]  # path -> (size, mtime in ns) as written: the build cache's stamps
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
    return sorted(name for name in site_files(output_dir) if name not in names)


def unwritten_files(output_dir: Path, folders: StampTable, written: StampTable,
                    racy_after_ns: int) -> tuple[list[str], dict[str, int]]:
    """Return the files of an output folder that are not `written` (nor its marker), sorted, and the listed folders' stamps.

    Lists only the folders whose mtime is not their stamp's: adding, removing or renaming an
    entry changes a folder's mtime (writing into a file does not: the files' own stamps tell
    that). `folders` stamps every folder of the output (relative, '' for the top) with its mtime,
    or 0 when it changed too recently to be trusted (a change within the same tick of the
    clock keeps the mtime): those are listed, and stamped now if they have not changed since
    racy_after_ns. The other folders keep their stamps: only the listed ones' are returned.
    """
    root = str(output_dir)
    foreign: list[str] = []
    now: dict[str, int] = {}
    known: tuple[set[str], set[str]] | None = None  # the written files and the folders, once a folder is listed
    with opened_folder(output_dir) as top:
        if top is None:
            return [], {}  # gone with its files, whose stamps tell
        for folder, _, mtime in folders.items():
            try:
                current = os.stat(folder or ".", dir_fd=top).st_mtime_ns
                if mtime and current == mtime:
                    continue
                entries = list(os.scandir(f"{root}/{folder}" if folder else root))
            except OSError:
                continue  # gone with its files, whose stamps tell
            if known is None:
                known = set(written.path_list), set(folders.path_list)
            written_names, folder_names = known
            prefix = f"{folder}/" if folder else ""
            for entry in entries:
                name = prefix + entry.name
                if not entry.is_dir():
                    if name not in written_names and (prefix or entry.name != MARKER):
                        foreign.append(name)
                elif name not in folder_names and not entry.is_symlink():  # a link is not walked, as site_files is not
                    foreign.extend(f"{name}/{inner}" for inner in site_files(Path(entry.path), keep_marker=True))
            now[folder] = current if current < racy_after_ns else 0
    return sorted(foreign), now


@contextmanager
def opened_folder(folder: Path) -> Iterator[int | None]:
    """Yield a descriptor of a folder, None when it cannot be opened: what is under it is stat'ed relative to it.

    At 100,000 files, a path relative to the output's descriptor costs a tenth less than a full one.
    """
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield None
        return
    try:
        yield descriptor
    finally:
        os.close(descriptor)


def folders_of(names: Iterable[str]) -> set[str]:
    """Return the folders holding these files of a site, and the folders above them up to its top ('')."""
    found = {""}
    for name in names:
        folder = posixpath.dirname(name)
        while folder not in found:
            found.add(folder)
            folder = posixpath.dirname(folder)
    return found


def marker_of(names: Iterable[str], presorted: bool = False) -> bytes:
    """Return the marker of a site holding these files: what it says, and the files, sorted (unless they are)."""
    listed = names if presorted else sorted(names)
    return MARKER_TEXT + WRITTEN_HEADER + os.fsencode("".join(f"{name}\n" for name in listed))


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
                make_folder(target)
            except OSError:
                return  # the writer meets the same problem and reports it

    def stop(self) -> None:
        """Stop making folders and wait for the one being made."""
        self.stopped.set()
        self.join()


class Stager:
    """Writes files into one build's staging folder, from the build's process or the workers it forks."""

    def __init__(self, output_dir: Path, staging: Path):
        self.staging = staging
        # where the output's files are, to hard-link those whose bytes are the same; None for a first build
        self.previous = str(output_dir) if output_dir.is_dir() else None
        self.made_dirs: set[str] = {str(staging)}  # each forked worker adds to its own copy

    def put(self, file: OutputFile) -> StagedFile:
        """Write a file as a new one, or hard-link the output's when its bytes are the same; say which, with its stamp."""
        target = staged_path(self.staging, file.path, self.made_dirs)
        previous = f"{self.previous}/{file.path}" if self.previous is not None else None
        changed, info = stage_file(previous, target, file.data)
        return StagedFile(file.path, changed, (info.st_size, info.st_mtime_ns))


def write_site(output_dir: Path, files: Callable[[Stager], Generator[OutputFile | StagedFile, None, None]],
               site_dir: Path, finish: Callable[[Path], None] = lambda staging: None,
               folders: Iterable[str] = ()) -> BuildResult:
    """Write files into a staging folder, reusing unchanged files, let `finish` add to it, then swap it in.

    `files` gets the staging folder's Stager and yields the files to write, or those written with it
    already (by the workers that rendered them). `folders` are folders (relative to the output) that
    the files will need, made ahead by a FolderMaker.
    """
    output_dir = output_dir.resolve()
    written: dict[str, tuple[int, int]] = {}
    changed = 0
    with staged(output_dir, site_dir) as staging:
        stager = Stager(output_dir, staging)
        maker = FolderMaker(str(staging), folders)
        produced = files(stager)
        try:
            for file in produced:
                staged_file = file if isinstance(file, StagedFile) else stager.put(file)
                changed += staged_file.changed
                written[staged_file.path] = staged_file.stamp
        finally:
            produced.close()  # on failure: its workers stop writing before the staging folder is removed
            maker.stop()
        before = set(os.listdir(staging))
        fault_point("after-pages")
        finish(staging)
        added, added_changed = reuse_added(output_dir, staging, sorted(set(os.listdir(staging)) - before))
        written.update((name, stamp_of(staging / name)) for name in added)
        changed += added_changed
        stager.put(OutputFile(MARKER, marker_of(written)))  # from the list: no walk
    return BuildResult(output_dir, written, changed)


def restage_site(output_dir: Path, site_dir: Path, previous: StampTable,
                 outputs: Mapping[str, bytes], gone: Iterable[str], finish: Callable[[Path, list[str]], Iterable[str]],
                 live_build: str, new_build: str, unshared: set[str],
                 back_folders: StampTable) -> tuple[list[str], StampTable]:
    """Stage the previous site again with `outputs` written over it and `gone` left out, then swap it in.

    For a build that only re-rendered some pages. `previous` stamps every file of the output
    but its marker, which the build `live_build` wrote; `unshared` names
    those of its files that are not hard-linked exactly twice. The staging folder
    is the back buffer (the site before the output's) brought up to date where it differs,
    when it is fit for reuse; else a new folder into which the output's files are hard-linked.
    Either way unchanged files keep their mtime and cost no space, and the output's previous
    tree becomes the back buffer of the next build, `new_build`. `finish` gets the staging
    folder and the files whose bytes changed or went, to index them again, and returns the
    folders it wrote anew. Returns those files, and the stamps of the new output's folders
    (see unwritten_files): the back buffer's `back_folders`, but for the folders this build
    changed, which are stamped 0.
    """
    output_dir = output_dir.resolve()
    gone = set(gone)
    claimed = claim_back_buffer(output_dir, live_build, previous, unshared)
    differing: set[str] = set()  # the files in which the new site differs from the output's
    previous_names = previous.path_list
    with staged(output_dir, site_dir, claimed[0] if claimed else None,
                lambda retired: keep_back_buffer(retired, output_dir, differing, new_build)) as staging:
        made_dirs: set[str] = {str(staging)}
        if claimed:
            for name in sorted(claimed[1] - outputs.keys() - gone):  # where the back buffer differs from the output
                bring_back(output_dir, staging, name, made_dirs)
        changed = [name for name, data in sorted(outputs.items())
                   if not put_file(output_dir / name, staged_path(staging, name, made_dirs), data)]
        if claimed:
            for name in sorted(gone):
                remove_file(staging, name)
        else:
            for name in previous_names:
                if name not in outputs and name not in gone:
                    link_or_copy(output_dir / name, Path(staged_path(staging, name, made_dirs)))
        changed += sorted(name for name in gone if (output_dir / name).exists())
        fault_point("after-pages")
        rewritten = tuple(finish(staging, changed))
        reindexed = [name for folder in rewritten for name in files_under(staging, folder)]
        if gone or rewritten or any(holding(previous_names, name) is None for name in (*outputs, *reindexed)):
            names = set(previous_names) - gone
            if rewritten:
                names = {name for name in names if not inside_any(name, rewritten)}
            names.update(outputs)
            names.update(reindexed)
            marker = marker_of(names)
        else:
            names = previous_names  # the same files as the output's, which its table lists sorted
            marker = marker_of(names, presorted=True)
        put_file(output_dir / MARKER, str(staging / MARKER), marker)
        differing.update(changed, *(differing_files(output_dir, staging, folder) for folder in rewritten))
        if claimed:
            restamped = dict.fromkeys(folders_of(f"{folder}/" for folder in rewritten), 0)  # replaced whole
            known = back_folders.path_list
            for name in {*claimed[1], *outputs, *gone, *reindexed}:
                restamp_folders(staging, name, restamped, known)
            folders = back_folders.updated({name: (0, 0, "") for name, mtime in restamped.items() if mtime is not None},
                                           {name for name, mtime in restamped.items() if mtime is None})
        else:
            folders = StampTable.of_folders(dict.fromkeys(folders_of(names), 0))
    return changed, folders


def restamp_folders(staging: Path, name: str, restamped: dict[str, int | None], known: list[str]) -> None:
    """Stamp 0 the folders that putting or removing a file changed: its own, and above it those that made or lost one.

    `restamped` takes the folders' new stamps, None for a folder removed; `known` is the sorted
    list of the folders stamped before.
    """
    folder = posixpath.dirname(name)
    while True:
        before = restamped[folder] is not None if folder in restamped else holding(known, folder) is not None
        if os.path.isdir(staging / folder):
            restamped[folder] = 0
        else:
            restamped[folder] = None  # left empty, and removed
        if folder == "" or (before and restamped[folder] is not None):
            return  # there before and still there: the folder above has the same entries
        folder = posixpath.dirname(folder)


@contextmanager
def staged(output_dir: Path, site_dir: Path, reused: Path | None = None,
           retire: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """Yield a staging folder beside the output; swap it in whole when the block succeeds, else remove it.

    The staging folder is new, or `reused` (a claimed back buffer). After the swap `retire`
    gets the output's previous tree; without it, that tree and any back buffer are removed.
    An OSError meanwhile, such as a full disk, becomes a diagnostic on the output folder.
    """
    staging = reused or staging_folder(output_dir)
    try:
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        if reused is None:
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
    if retire is None:
        discard(back_buffer(output_dir))  # it follows a site this build did not start from
        shutil.rmtree(previous, ignore_errors=True)
    else:
        retire(previous)


def staging_folder(output_dir: Path) -> Path:
    """Return this process's staging folder beside the output (remove_leftovers removes a killed build's)."""
    return output_dir.with_name(f".{output_dir.name}.staging-{os.getpid()}")


def back_buffer(output_dir: Path) -> Path:
    """Return where the output's previous tree is kept, for the next cached build to bring up to date."""
    return output_dir.with_name(f".{output_dir.name}.previous")


def claim_back_buffer(output_dir: Path, live_build: str, previous: StampTable, unshared: set[str]) -> tuple[Path, set[str]] | None:
    """Take the back buffer as this build's staging folder, with the files it differs in from the output.

    None, having removed it if it is babelsite's, when it is not fit for reuse: missing, not a
    folder of this user's, without babelsite's marker, kept beside another build's output than
    `live_build`'s, or with a file that should be the output's (a hard link to it) changed. Its
    record goes first, so that a build killed while bringing it up to date leaves nothing that
    looks reusable. When every file of the output it should share (all but those it differs
    in) is hard-linked exactly twice, the other link is taken to be the back buffer's, and its
    files are not looked at one by one: one replaced by hand would have left the output's
    file with one link.
    """
    back = back_buffer(output_dir)
    try:
        info = os.lstat(back)
        record = (back / BACK_RECORD).read_bytes()
        marker = (back / MARKER).read_bytes()
    except OSError:
        discard(back)
        return None
    header, _, listed = record.partition(b"\n")
    differing = set(os.fsdecode(listed).splitlines())
    if (not stat.S_ISDIR(info.st_mode) or info.st_uid != getattr(os, "getuid", lambda: info.st_uid)()
            or header != BACK_HEADER + live_build.encode() or not marker.startswith(MARKER_TEXT)
            or not (unshared <= differing or unshared_files(back, previous, differing) is not None)):
        discard(back)
        return None
    staging = staging_folder(output_dir)
    try:
        shutil.rmtree(staging, ignore_errors=True)
        os.rename(back, staging)  # claimed: a build running beside this one finds no back buffer
        os.unlink(staging / BACK_RECORD)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)
        return None
    return staging, differing


def unshared_files(folder: Path, stamps: StampTable, skipped: set[str]) -> set[str] | None:
    """Return the stamped files but the skipped ones not hard-linked exactly twice; None when one is not as stamped.

    As stamped: there, with the stamp's size and mtime.
    """
    unshared = set()
    with opened_folder(folder) as top:
        if top is None:
            return None if len(stamps) else unshared
        for name, size, mtime in stamps.items():
            if name in skipped:
                continue
            try:
                info = os.stat(name, dir_fd=top)
            except OSError:
                return None
            if info.st_size != size or info.st_mtime_ns != mtime:
                return None
            if info.st_nlink != 2:
                unshared.add(name)
    return unshared


def keep_back_buffer(retired: Path, output_dir: Path, differing: set[str], build: str) -> None:
    """Keep the output's previous tree as the back buffer, recording the build it follows and where it differs."""
    back = back_buffer(output_dir)
    try:
        if not discard(back):
            raise FileExistsError(errno.EEXIST, "not babelsite's", str(back))
        os.rename(retired, back)
        record = back / f"{BACK_RECORD}.new"
        listed = os.fsencode("".join(f"{name}\n" for name in sorted(differing)))
        record.write_bytes(BACK_HEADER + build.encode() + b"\n" + listed)
        os.replace(record, back / BACK_RECORD)  # whole or not at all: a killed build leaves no half list
    except OSError:
        shutil.rmtree(retired, ignore_errors=True)
        discard(back)


def discard(back: Path) -> bool:
    """Remove a back buffer if it is babelsite's; tell whether its name is free (what else took it stays)."""
    try:
        info = os.lstat(back)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    ours = (stat.S_ISDIR(info.st_mode) and info.st_uid == getattr(os, "getuid", lambda: info.st_uid)()
            and any((back / name).is_file() for name in (MARKER, BACK_RECORD)))
    if ours:
        shutil.rmtree(back, ignore_errors=True)
    return not os.path.lexists(back)


def bring_back(output_dir: Path, staging: Path, name: str, made_dirs: set[str]) -> None:
    """Make a file of the staging folder the output's: a hard link to it, or gone when the output has none."""
    source = output_dir / name
    if not source.exists():
        remove_file(staging, name)
        return
    target = Path(staged_path(staging, name, made_dirs))
    target.unlink(missing_ok=True)
    link_or_copy(source, target)


def put_file(previous: Path, target: str, data: bytes) -> bool:
    """Put `data` at `target` as a new file, or a hard link to `previous` when its bytes are the same; say which.

    The target's old file goes first: in a reused staging folder it may be a hard link to the
    output's file, which must never be written through.
    """
    Path(target).unlink(missing_ok=True)
    return reuse_unchanged(previous, Path(target), data)


def remove_file(staging: Path, name: str) -> None:
    """Remove a file from the staging folder, and the folders it leaves empty."""
    target = os.path.normpath(os.path.join(staging, name))
    root = str(staging)
    if not target.startswith(root + os.sep):
        return
    try:
        os.unlink(target)
    except FileNotFoundError:
        return
    folder = os.path.dirname(target)
    while folder != root and not os.listdir(folder):
        os.rmdir(folder)
        folder = os.path.dirname(folder)


def inside_any(name: str, folders: Iterable[str]) -> bool:
    """Tell whether a file's path lies under one of these folders (relative paths of the site)."""
    return any(name.startswith(folder.rstrip("/") + "/") for folder in folders)


def files_under(site: Path, folder: str) -> list[str]:
    """Return the paths, relative to the site, of the files under one of its folders."""
    return [f"{folder.strip('/')}/{name}" for name in site_files(site / folder)]


def differing_files(output_dir: Path, staging: Path, folder: str) -> set[str]:
    """Return the files under a folder that differ between the output and the staging folder (not the same inode)."""
    differing = set()
    for name in set(files_under(output_dir, folder)) | set(files_under(staging, folder)):
        try:
            if os.stat(output_dir / name).st_ino == os.stat(staging / name).st_ino:
                continue
        except OSError:
            pass
        differing.add(name)
    return differing


def staged_path(staging: Path, name: str, made_dirs: set[str]) -> str:
    """Return where a file of the site goes in the staging folder, making its folder; refuse a path outside."""
    # The staging folder is babelsite's (new, or a back buffer it made) and holds no symlinks, so normalising is enough
    # to tell whether it stays inside (Path.resolve would cost a system call per part).
    target = os.path.normpath(os.path.join(staging, name))
    if not target.startswith(str(staging) + os.sep):
        raise SiteError([])  # never write outside the output folder; links.py reports the cause
    folder = os.path.dirname(target)
    if folder not in made_dirs:
        make_folder(folder)
        made_dirs.add(folder)
    return target


def make_folder(folder: str) -> None:
    """Make a folder, and the folders above it that are missing: one system call when only it is."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass  # made by another process of the build, or ahead (FolderMaker); a file in its place fails the write
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


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
    return not stage_file(str(previous), str(target), data)[0]


def stage_file(previous: str | None, target: str, data: bytes) -> tuple[bool, os.stat_result]:
    """Hard-link the previous file, if any, when its bytes are the same, else write a new one; say if it changed, with its stat."""
    if previous is not None:
        try:
            info = os.stat(previous)
            if info.st_size == len(data) and Path(previous).read_bytes() == data:
                os.link(previous, target)
                return False, info  # the same inode: a link changes neither its size nor its mtime
        except OSError:
            pass
    return True, write_new(target, data)


def write_new(target: str, data: bytes) -> os.stat_result:
    """Write a new file (never through a hard link to the previous site) and return its stat, in four system calls."""
    try:
        fd = os.open(target, NEW_FILE, 0o666)
        try:
            view, done = memoryview(data), 0
            while done < len(data):
                done += os.write(fd, view[done:])
            return os.fstat(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, target) from None  # a failed write() names no file


def stamp_of(path: Path) -> tuple[int, int]:
    """Return a file's size and modification time in ns."""
    info = os.stat(path)
    return info.st_size, info.st_mtime_ns


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


def site_files(site: Path, keep_marker: bool = False) -> Iterator[str]:
    """Yield the path relative to a written site, with slashes, of every file but its marker (a walk, cheaply)."""
    root = str(site)
    start = len(root) + 1
    for folder, _, names in os.walk(root):
        prefix = folder[start:].replace(os.sep, "/") + "/" if folder != root else ""
        yield from (prefix + name for name in names if name != MARKER or prefix or keep_marker)


def output_files(output_dir: Path) -> Iterator[str]:
    """Yield the path of every file of a written site but the marker that says babelsite wrote it."""
    for folder, _, names in os.walk(output_dir):
        for name in names:
            if name != MARKER or folder != str(output_dir):
                yield os.path.join(folder, name)
