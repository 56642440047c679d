"""The architecture as tests: import-linter's contracts in pyproject.toml hold, and no module imports itself back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parents[1]


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the package under root/src with root's pyproject.toml, in a process of its own."""
    code = ("import sys; from importlinter.cli import lint_imports; "
            "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True))")
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(root / "src"), "PATH": ""})


def copy_of_project(tmp_path: Path) -> Path:
    """Copy pyproject.toml and the package to tmp_path, so that a test may break it."""
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(REPO / "src" / "babelsite", tmp_path / "src" / "babelsite",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def test_the_contracts_hold():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_broken_contract_fails_the_check(tmp_path):
    root = copy_of_project(tmp_path)
    build = root / "src" / "babelsite" / "build.py"
    build.write_text(build.read_text() + "\nfrom .incremental import cache  # noqa: E402,F401\n")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "The cold pipeline picks neither the cache nor the preview BROKEN" in result.stdout
    assert "babelsite.build -> babelsite.incremental.cache" in result.stdout


def test_a_stage_importing_upwards_breaks_the_layers(tmp_path):
    root = copy_of_project(tmp_path)
    load = root / "src" / "babelsite" / "content" / "load.py"
    load.write_text(load.read_text() + "\nfrom ..links import urls  # noqa: E402,F401\n")
    result = lint_imports(root)
    assert result.returncode == 1
    assert "babelsite.content.load -> babelsite.links.urls" in result.stdout


def import_circles(package: str) -> list[list[str]]:
    """Return the circles among a package's modules (strongly connected groups of more than one), each sorted."""
    graph = grimp.build_graph(package, cache_dir=None)
    imports = {module: sorted(graph.find_modules_directly_imported_by(module)) for module in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's algorithm; the package is small enough for recursion
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in imports.get(module, ()):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for module in imports:
        if module not in index:
            visit(module)
    return circles


def test_no_module_imports_itself_back():
    assert import_circles("babelsite") == []


def test_the_circle_finder_finds_a_circle(tmp_path, monkeypatch):
    root = tmp_path / "src"
    (root / "circular").mkdir(parents=True)
    (root / "circular" / "__init__.py").write_text("")
    (root / "circular" / "a.py").write_text("from . import b\n")
    (root / "circular" / "b.py").write_text("from . import a\n")
    monkeypatch.syspath_prepend(str(root))
    assert import_circles("circular") == [["circular.a", "circular.b"]]
