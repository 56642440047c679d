"""Write the site into a staging folder beside the output, then swap it in atomically."""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

from .config import SiteConfig
from .errors import Collector, SiteError
from .render import OutputFile

MARKER = ".babelsite-output"
SITE_FOLDERS = (("content", "a content/ folder"), ("static", "a static/ folder"), ("templates", "a templates/ folder"))


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


def home_folder() -> list[tuple[Path, str]]:
    """Return the user's home folder with its name, or nothing when it is not known."""
    try:
        return [(Path.home().resolve(), "your home folder")]
    except (RuntimeError, OSError):
        return []


def inputs_of(config: SiteConfig) -> tuple[tuple[Path, str], ...]:
    """Return the folders of the site that a build reads, with their names."""
    site_dir = config.site_dir
    return (config.content_dir, "content"), (site_dir / "templates", "templates"), (site_dir / "static", "static")


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


def write_site(output_dir: Path, files: Iterable[OutputFile], finish: Callable[[Path], None] | None = None,
               folders: Iterable[str] = ()) -> BuildResult:
    """Write files into a staging folder, reusing unchanged files, let `finish` add to it, then swap it in.

    `folders` are folders (relative to the output) that the files will need, made ahead by a FolderMaker.
    """
    output_dir = output_dir.resolve()
    staging = output_dir.with_name(f".{output_dir.name}.staging-{os.getpid()}")
    retired = output_dir.with_name(f".{output_dir.name}.old-{os.getpid()}")
    try:
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
    except OSError as exc:
        problems = Collector(Path.cwd())
        problems.error(output_dir, 0, f"cannot create the output folder: {exc.strerror or exc} ({exc.filename})",
                       "choose an output folder whose parent folders can be created and written",
                       code="output-refused")
        raise SiteError(problems.items) from None
    written: list[str] = []
    changed = 0
    maker = FolderMaker(str(staging), folders)
    try:
        made_dirs: set[str] = {str(staging)}
        inside = str(staging) + os.sep
        for file in files:
            # The staging folder is new and holds no symlinks, so normalising the path is enough
            # to tell whether it stays inside (Path.resolve would cost a system call per part).
            target = os.path.normpath(os.path.join(staging, file.path))
            if not target.startswith(inside):
                raise SiteError([])  # never write outside the output folder; links.py reports the cause
            folder = os.path.dirname(target)
            if folder not in made_dirs:
                os.makedirs(folder, exist_ok=True)
                made_dirs.add(folder)
            changed += not reuse_unchanged(output_dir / file.path, Path(target), file.data)
            written.append(file.path)
        maker.stop()
        (staging / MARKER).write_text("This folder is written by babelsite build; it replaces it whole.\n")
        if finish is not None:
            before = set(os.listdir(staging))
            finish(staging)
            added, added_changed = reuse_added(output_dir, staging, sorted(set(os.listdir(staging)) - before))
            written += added
            changed += added_changed
        if output_dir.exists():
            output_dir.rename(retired)
        staging.rename(output_dir)
    except BaseException:
        maker.stop()
        shutil.rmtree(staging, ignore_errors=True)
        if retired.exists() and not output_dir.exists():
            retired.rename(output_dir)
        raise
    shutil.rmtree(retired, ignore_errors=True)
    return BuildResult(output_dir, tuple(written), changed)


def reuse_unchanged(previous: Path, target: Path, data: bytes) -> bool:
    """Hard-link the previous file when its bytes are the same (keeps its mtime); else write."""
    try:
        if previous.stat().st_size == len(data) and previous.read_bytes() == data:
            os.link(previous, target)
            return True
    except OSError:
        pass
    target.write_bytes(data)
    return False


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


@dataclass
class SiteUpdate:
    """Files replaced in a written site, the previous ones kept aside until the update is committed."""

    output_dir: Path
    changed: list[str]  # relative paths of the files replaced, added or removed
    kept: dict[str, Path | None]  # relative path -> the previous file kept aside, None where there was none

    def commit(self) -> None:
        """Let the previous files go."""
        for previous in self.kept.values():
            if previous is not None:
                previous.unlink(missing_ok=True)

    def roll_back(self) -> None:
        """Put the previous files back where they were, and remove the added ones."""
        for name, previous in self.kept.items():
            if previous is None:
                (self.output_dir / name).unlink(missing_ok=True)
            else:
                os.replace(previous, self.output_dir / name)


def update_site(output_dir: Path, outputs: Mapping[str, bytes], gone: Iterable[str]) -> SiteUpdate:
    """Replace the changed files of a written site one by one, and remove gone ones, keeping the old aside.

    For a build that only re-rendered some pages: each file is swapped in whole (written beside
    it, then renamed over it), and files whose bytes did not change keep their mtime. Until
    commit() or roll_back(), the previous files stay beside the new ones under hidden names.
    """
    update = SiteUpdate(output_dir, [], {})
    try:
        for name, data in sorted(outputs.items()):
            target = output_dir / name
            try:
                if target.stat().st_size == len(data) and target.read_bytes() == data:
                    continue
            except OSError:
                target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.new")
            temporary.write_bytes(data)
            update.kept[name] = keep_aside(target, link=True)
            os.replace(temporary, target)
            update.changed.append(name)
        for name in sorted(gone):
            if (output_dir / name).exists():
                update.kept[name] = keep_aside(output_dir / name, link=False)
                update.changed.append(name)
    except BaseException:
        update.roll_back()
        raise
    return update


def keep_aside(path: Path, link: bool) -> Path | None:
    """Keep a file under a hidden name beside it (a hard link, or the file moved); None when there is none."""
    if not path.exists():
        return None
    aside = path.with_name(f".{path.name}.{os.getpid()}.previous")
    aside.unlink(missing_ok=True)
    os.link(path, aside) if link else os.replace(path, aside)
    return aside
