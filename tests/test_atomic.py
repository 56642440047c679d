"""A killed build leaves the previous site or the new one, whole; a full disk is a diagnostic, not a traceback."""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, SITES

# Where each fault kills the build, and which site the output folder holds afterwards: the swap
# exchanges both folders in one step, so a build killed after it leaves the new site, whole.
FAULTS = {"after-pages": "old", "during-index": "old", "during-swap": "new"}
BACK = ".public.previous"  # the output's previous tree, kept for the next cached build to bring up to date
RECORD = ".babelsite-back-buffer"  # in the back buffer: the build whose output it follows, and where they differ


def listing(output: Path) -> dict[str, str]:
    """Return the sha256 of every file under a folder, hidden ones too, by path (but a back buffer's record)."""
    return {p.relative_to(output).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(output.rglob("*")) if p.is_file() and p.relative_to(output).as_posix() != RECORD}


def build(*args: str | Path, fault: str = "", **kwargs) -> subprocess.CompletedProcess:
    """Run `babelsite build` in a child process, killing itself at the step `fault` names."""
    env = {**os.environ, "BABELSITE_FAULT": fault}
    return subprocess.run([sys.executable, "-m", "babelsite", "build", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=120, cwd=REPO, **kwargs)


def beside(root: Path) -> list[str]:
    """Return the names of the site folder's entries, where staging folders would be left."""
    return sorted(p.name for p in root.iterdir())


def edit(root: Path, paragraph: str = "Un paragrafo nuovo: tramontana.", languages: str = "en it") -> None:
    """Add a paragraph to an article in these languages (both by default: both search bundles are indexed again)."""
    for lang in languages.split():
        article = root / f"content/{lang}/venti.md"
        article.write_text(article.read_text(encoding="utf-8") + f"\n{paragraph}\n", encoding="utf-8")


@pytest.fixture
def sites(tmp_path):
    """Return the search fixture built once and then edited, with its old listing and a cold build's new one."""
    root = tmp_path / "search"
    shutil.copytree(SITES / "search", root)
    assert build(root).returncode == 0
    old = listing(root / "public")
    edit(root)
    fresh = tmp_path / "fresh"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("public", ".babelsite-cache"))
    assert build(fresh, "--no-cache").returncode == 0
    new = listing(fresh / "public")
    assert new != old
    return root, old, new


@pytest.mark.parametrize("cold", [True, False], ids=["cold", "cached"])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_killed_build_leaves_a_whole_site_and_the_next_build_cleans_up(sites, fault, cold):
    root, old, new = sites
    expected_entries = beside(root)
    killed = build(root, *(["--no-cache"] if cold else []), fault=fault)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert listing(root / "public") == {"old": old, "new": new}[FAULTS[fault]]
    assert len(beside(root)) == len(expected_entries) + 1  # the killed build's staging folder, or the previous site
    finished = build(root)
    assert finished.returncode == 0, finished.stderr
    assert listing(root / "public") == new
    # a cached build keeps the previous tree as the next one's back buffer; a cold one does not (the cache forgotten,
    # or the output no longer the cached build's after a swap)
    assert beside(root) == sorted(expected_entries + ([] if cold or FAULTS[fault] == "new" else [BACK]))


@pytest.fixture
def back_buffered(sites, tmp_path):
    """Return the search fixture after a cached build (which keeps a back buffer), edited again, with both listings."""
    root, _, _ = sites
    assert build(root).returncode == 0 and (root / BACK).is_dir()
    old = listing(root / "public")
    edit(root, "Un altro paragrafo: maestrale.")
    fresh = tmp_path / "fresh2"
    shutil.copytree(root, fresh, ignore=shutil.ignore_patterns("public", ".babelsite-cache", BACK))
    assert build(fresh, "--no-cache").returncode == 0
    return root, old, listing(fresh / "public")


def test_a_cached_build_brings_the_back_buffer_up_to_date_and_swaps_it_in(back_buffered):
    root, old, new = back_buffered
    back_folder = (root / BACK).stat().st_ino
    unchanged = root / "public/en/index.html"
    unchanged_stat = unchanged.stat()
    assert build(root).returncode == 0
    assert (root / "public").stat().st_ino == back_folder  # the back buffer itself, not a new staging folder
    assert listing(root / "public") == new
    assert listing(root / BACK) == old  # the site before, kept for the next build
    after = unchanged.stat()
    assert (after.st_mtime_ns, after.st_ino) == (unchanged_stat.st_mtime_ns, unchanged_stat.st_ino)
    edit(root, "Ancora: libeccio.")
    assert build(root).returncode == 0
    assert listing(root / BACK) == new


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_build_killed_while_updating_the_back_buffer_leaves_a_whole_site(back_buffered, fault):
    root, old, new = back_buffered
    entries = beside(root)
    killed = build(root, fault=fault)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert listing(root / "public") == {"old": old, "new": new}[FAULTS[fault]]
    assert BACK not in beside(root)  # claimed by the killed build, as its staging folder
    finished = build(root)
    assert finished.returncode == 0, finished.stderr
    assert listing(root / "public") == new
    # killed after its swap, the output is no longer the cached build's: the next build is cold, and keeps none
    assert beside(root) == [entry for entry in entries if FAULTS[fault] == "old" or entry != BACK]


def replace_file(root: Path) -> None:
    """Put other bytes in place of a file of the back buffer that the next build does not touch."""
    page = root / BACK / "it/index.html"
    text = page.read_text(encoding="utf-8")
    page.unlink()
    page.write_text(text.replace("</body>", "<p>not written by babelsite</p></body>"), encoding="utf-8")


def link_elsewhere(root: Path) -> None:
    """Put a symlink to another folder in the back buffer's place."""
    elsewhere = root.parent / "elsewhere"
    shutil.move(root / BACK, elsewhere)
    (root / BACK).symlink_to(elsewhere)


TAMPERINGS = {
    "missing": lambda root: shutil.rmtree(root / BACK),
    "unrecorded": lambda root: (root / BACK / RECORD).unlink(),
    "unmarked": lambda root: (root / BACK / ".babelsite-output").unlink(),
    "another build's": lambda root: (root / BACK / RECORD).write_text(
        "babelsite back buffer, beside the output of build 0123\n"),
    "a file replaced": replace_file,
    "a symlink": link_elsewhere,
}


@pytest.mark.parametrize("tampering", list(TAMPERINGS))
def test_a_back_buffer_unfit_for_reuse_is_staged_anew(back_buffered, tampering):
    root, old, new = back_buffered
    kept = listing(root / BACK)
    TAMPERINGS[tampering](root)
    finished = build(root)
    assert finished.returncode == 0, finished.stderr
    assert listing(root / "public") == new
    if tampering == "a symlink":  # not babelsite's: left alone, and no back buffer kept
        assert (root / BACK).is_symlink() and listing(root.parent / "elsewhere") == kept
        return
    assert (root / BACK).is_dir() and not (root / BACK).is_symlink() and listing(root / BACK) == old


def test_leftovers_of_a_running_build_are_left_alone(sites):
    root, old, new = sites
    running = root / f".public.staging-{os.getpid()}"  # this test's process runs while the build does
    dead = root / ".public.old-999999999"  # beyond any process id Linux gives
    for folder in (running, dead):
        folder.mkdir()
        (folder / "index.html").write_text("left by a build")
    assert build(root).returncode == 0
    assert running.is_dir() and not dead.exists()


def test_a_build_killed_between_two_renames_gets_the_previous_site_back(sites):
    root, old, new = sites
    entries = beside(root)
    (root / "public").rename(root / ".public.old-999999999")  # where a swap without renameat2 puts it first
    assert build(root, fault="after-pages").returncode == -signal.SIGKILL  # the next build, killed before its swap
    assert listing(root / "public") == old and ".public.old-999999999" not in beside(root)
    assert build(root).returncode == 0
    assert listing(root / "public") == new and beside(root) == sorted([*entries, BACK])


@pytest.fixture
def small_disk(tmp_path):
    """Mount a 4 MB tmpfs and return its folder; skip where mounting needs rights the tests lack."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here: " + mounted.stderr.decode(errors="replace").strip())
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


def fill(disk: Path, leave: int) -> None:
    """Fill the disk with a file until `leave` bytes are free."""
    free = shutil.disk_usage(disk).free - leave
    with open(disk / "filler", "wb") as filler:
        while free > 0:
            free -= filler.write(b"\0" * min(free, 1 << 16))


# An edit, the languages it is made in, and what the build then reports with 64 KB left on the disk.
FULL_DISK = {
    "pages": ("tramontana " * 20_000, "en", "No space left on device: {output}/en/venti/index.html"),
    "index": ("tramontana", "en it", "No space left on device for the search index: {output}/pagefind/en"),
}


@pytest.mark.parametrize("cold", [True, False], ids=["cold", "cached"])
@pytest.mark.parametrize("step", list(FULL_DISK))
def test_a_full_disk_is_a_diagnostic_and_the_previous_output_stays(tmp_path, small_disk, cold, step):
    root, output = tmp_path / "search", small_disk / "public"
    shutil.copytree(SITES / "search", root)
    assert build(root, "--out", output).returncode == 0
    before = listing(output)
    paragraph, languages, reason = FULL_DISK[step]
    edit(root, paragraph, languages)
    fill(small_disk, 64 << 10)
    failed = build(root, "--out", output, *(["--no-cache"] if cold else []))
    assert (failed.returncode, failed.stderr.splitlines()[0]) == (1, (
        f"{output}: error: the disk is full while writing the site ({reason.format(output=output)}); "
        "free space or choose another output_dir"))
    assert listing(output) == before and beside(small_disk) == ["filler", "public"]


def test_another_write_error_is_a_diagnostic(sites):
    root, old, new = sites

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))  # the edited pages are larger

    failed = build(root, preexec_fn=limit_file_size)
    assert (failed.returncode, failed.stderr.splitlines()[0]) == (1, (
        "public: error: cannot write the site (File too large: public/en/venti/index.html); "
        "check that the output folder's disk can be written, or choose another output_dir"))
    assert listing(root / "public") == old
