"""A site folder is untrusted input: nothing in it runs as code, and --force never deletes what it must not."""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2.bccache import bc_magic

from babelsite.build import BuildOptions
from babelsite.incremental.rebuild import LiveSite
from babelsite.render.pages import QuietBytecodeCache, jinja_environment
from babelsite.render.theme import Theme
from conftest import run, tree


class RunsCode:
    """Unpickled, it creates the marker file: proof that a planted file ran."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return open, (str(self.marker), "w")


def jinja_cache_names(site_dir: Path) -> dict[str, str]:
    """Return the file name babelsite's FileSystemBytecodeCache reads for each template, with that template's source."""
    names = {}
    for folder in Theme.for_site(site_dir).template_dirs:
        for path in folder.rglob("*"):
            if path.is_file():
                name = path.relative_to(folder).as_posix()
                key = QuietBytecodeCache("").get_cache_key(name, os.path.normpath(f"{folder}/{name}"))
                names[f"__jinja2_{key}.cache"] = path.read_text()
    return names


def plant(site_dir: Path, marker: Path, kind: str) -> None:
    """Turn every file of the site's cache into a code-running pickle, and plant compiled templates where Jinja looks."""
    cache = site_dir / ".babelsite-cache"
    for path in cache.rglob("*"):
        if path.is_file():
            path.write_bytes(pickle.dumps(RunsCode(marker)))
    (cache / "templates").mkdir(parents=True, exist_ok=True)
    for name, source in jinja_cache_names(site_dir).items():
        if kind == "pickle":  # the checksum Jinja unpickles first
            payload = bc_magic + pickle.dumps(RunsCode(marker))
        else:  # a valid checksum, then the template's module code, which Jinja runs
            checksum = hashlib.sha1(source.encode()).hexdigest()
            payload = bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(compile(f"open({str(marker)!r}, 'w')",
                                                                                   name, "exec"))
        (cache / "templates" / name).write_bytes(payload)


@pytest.mark.parametrize("kind", ["pickle", "marshal"])
def test_no_file_of_the_site_cache_runs_code(site, tmp_path, monkeypatch, kind):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    site_dir = site("multi")
    out, marker = tmp_path / "public", tmp_path / "marker"
    assert run("build", site_dir, "--out", out) == 0
    commands = {
        "build": lambda: run("build", site_dir, "--out", out),
        "build --no-cache": lambda: run("build", site_dir, "--out", out, "--no-cache"),
        "check": lambda: run("check", site_dir),
        "preview": lambda: 0 if LiveSite(BuildOptions(site_dir=site_dir)).rebuild().ok else 1,
    }
    for command, execute in commands.items():
        jinja_environment.cache_clear()  # as in a new process: compiled templates come from the cache folder
        plant(site_dir, marker, kind)
        assert execute() == 0, command
        assert not marker.exists(), command


def test_a_site_template_cannot_reach_python(site, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    site_dir = site("multi")
    marker = tmp_path / "marker"
    (site_dir / "templates").mkdir()
    (site_dir / "templates/404.html").write_text(
        f"{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}\n")
    expected = ("templates/404.html:1: error: template error: SecurityError: "
                "access to attribute '__init__' of 'type' object is unsafe.")
    jinja_environment.cache_clear()
    assert run("build", site_dir, "--out", tmp_path / "public") == 1
    assert run("check", site_dir) == 1
    result = LiveSite(BuildOptions(site_dir=site_dir)).rebuild()
    assert not result.ok and [d.format() for d in result.diagnostics] == [expected]
    assert not marker.exists() and not (tmp_path / "public").exists()


def test_compiled_templates_are_kept_privately_outside_the_site(site, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    site_dir = site("multi")
    assert run("build", site_dir, "--out", tmp_path / "public") == 0
    assert not (site_dir / ".babelsite-cache/templates").exists()
    (folder,) = (tmp_path / "user-cache/babelsite/templates").iterdir()
    assert folder.stat().st_mode & 0o777 == 0o700
    assert any(folder.glob("__jinja2_*.cache"))


def test_without_a_private_cache_folder_the_build_compiles_templates_anew(site, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    site_dir = site("multi")
    assert run("build", site_dir, "--out", tmp_path / "public") == 0
    assert (tmp_path / "public/index.html").is_file()
    assert not (site_dir / ".babelsite-cache/templates").exists()


def test_python_m_babelsite_in_a_site_folder_imports_nothing_from_it(site, tmp_path):
    site_dir = site("multi")
    marker = tmp_path / "marker"
    for module in ("pagefind_bin", "pagefind_bin_extended", "icu"):  # imported when the build indexes, sorts
        (site_dir / f"{module}.py").write_text(f"open({str(marker)!r}, 'w')\n")
    result = subprocess.run([sys.executable, "-m", "babelsite", "build", ".", "--out", str(tmp_path / "public")],
                            cwd=site_dir, capture_output=True, text=True,
                            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "user-cache")})
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
    assert (tmp_path / "public/pagefind").is_dir()


def site_with_output_dir(site, value: str | None) -> Path:
    """Return the multi site with static/ and templates/ folders, and output_dir on line 1 of site.toml."""
    site_dir = site("multi")
    for name in ("static/style.css", "templates/extra.html"):
        (site_dir / name).parent.mkdir()
        (site_dir / name).write_text("mine\n")
    if value is not None:
        config = site_dir / "site.toml"
        config.write_text(f"output_dir = {value!r}\n" + config.read_text())
    return site_dir


HINT = 'set output_dir to a folder of its own, such as "public"'
OUT_HINT = "pass --out a folder of its own, such as public/ in the site folder"


@pytest.mark.parametrize("value, folder, what", [
    ("static", "static", "is the site's static folder"),
    ("templates", "templates", "is the site's templates folder"),
    ("content", "content", "is the site's content folder"),
    (".", ".", "is the site folder"),
    ("..", "..", "contains the site folder"),
])
def test_force_never_replaces_the_site_or_its_folders(site, tmp_path, capsys, value, folder, what):
    site_dir = site_with_output_dir(site, value)
    before = tree(tmp_path)
    assert run("build", site_dir, "--force") == 1
    output = (site_dir / folder).resolve()
    expected = f"site.toml:1: error: output folder {output} {what}, which a build would delete; {HINT}"
    assert expected in capsys.readouterr().err.splitlines()
    assert tree(tmp_path) == before


def test_force_never_replaces_the_home_folder(site, tmp_path, capsys, monkeypatch):
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    (home / "notes/todo.txt").write_text("keep")
    monkeypatch.setenv("HOME", str(home))
    site_dir = site_with_output_dir(site, None)
    for out, what in (home, "is your home folder"), (tmp_path, "contains your home folder"):
        before = tree(tmp_path)
        assert run("build", site_dir, "--out", out, "--force") == 1
        expected = f"site.toml: error: output folder {out} (from --out) {what}, which a build would delete; {OUT_HINT}"
        assert expected in capsys.readouterr().err.splitlines()
        assert tree(tmp_path) == before


@pytest.mark.parametrize("held, what", [
    ("site.toml", "a site.toml"), ("content/a.md", "a content/ folder"), ("static/a.css", "a static/ folder"),
    ("templates/a.html", "a templates/ folder"), (".git/HEAD", "a .git folder"),
])
def test_force_never_replaces_a_folder_holding_a_site_or_a_repository(site, tmp_path, capsys, held, what):
    site_dir = site_with_output_dir(site, None)
    out = tmp_path / "elsewhere"
    (out / held).parent.mkdir(parents=True, exist_ok=True)
    (out / held).write_text("keep")
    before = tree(tmp_path)
    assert run("build", site_dir, "--out", out, "--force") == 1
    expected = (f"site.toml: error: output folder {out} (from --out) holds {what}, which a build would delete; "
                f"move it out of the folder, or {OUT_HINT}")
    assert expected in capsys.readouterr().err.splitlines()
    assert tree(tmp_path) == before


def test_a_git_folder_added_to_the_output_is_never_deleted(site, capsys):
    site_dir = site_with_output_dir(site, "public")
    assert run("build", site_dir) == 0
    (site_dir / "public/.git").mkdir()
    (site_dir / "public/.git/HEAD").write_text("ref: refs/heads/gh-pages\n")
    (site_dir / "content/it/nuovo.md").write_text("---\ntitle: Nuovo\n---\nTesto.\n")  # an edit a cached build applies
    capsys.readouterr()
    for force in ((), ("--force",)):
        assert run("build", site_dir, *force) == 1
        expected = (f"site.toml:1: error: output folder {site_dir.resolve() / 'public'} holds a .git folder, "
                    f"which a build would delete; move it out of the folder, or {HINT}")
        assert expected in capsys.readouterr().err.splitlines()
        assert (site_dir / "public/.git/HEAD").read_text() == "ref: refs/heads/gh-pages\n"
