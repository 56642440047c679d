"""Speed without surprises: parallel and cached builds write exactly what a serial cold build writes."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from conftest import REPO, run, tree

sys.path.insert(0, str(REPO / "bench"))
from corpus import generate  # noqa: E402 - the benchmark's corpus generator, at test size


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated site of 120 articles in 3 languages (360 pages), without search to keep it quick."""
    site_dir = tmp_path_factory.mktemp("generated") / "site"
    generate(site_dir, articles=120, languages=3, seed=7)
    config = site_dir / "site.toml"
    config.write_text("search = false\n" + config.read_text())
    return site_dir


def test_parallel_and_serial_builds_are_byte_identical(generated, tmp_path):
    assert run("build", generated, "--out", tmp_path / "serial", "--jobs", "1") == 0
    assert run("build", generated, "--out", tmp_path / "parallel", "--jobs", "3") == 0
    serial, parallel = tree(tmp_path / "serial"), tree(tmp_path / "parallel")
    assert len(serial) > 360 and serial == parallel


def copy_site(generated: Path, tmp_path: Path) -> Path:
    """Copy the generated site, to change it."""
    site_dir = tmp_path / "site"
    shutil.copytree(generated, site_dir)
    return site_dir


def test_an_error_found_in_a_worker_is_reported_with_its_line(generated, tmp_path, capsys):
    site_dir = copy_site(generated, tmp_path)
    article = next((site_dir / "content/it").rglob("term_00077.md"))
    article.write_text(article.read_text() + "\nA citation with no source [9].\n")
    line = len(article.read_text().splitlines())
    assert run("build", site_dir, "--out", tmp_path / "out", "--jobs", "2") == 1
    err = capsys.readouterr().err
    assert f"content/it/part000/term_00077.md:{line}: error: citation [9] but the article has" in err
    assert not (tmp_path / "out").exists()


def test_a_template_error_in_a_worker_names_the_template_and_line(generated, tmp_path, capsys):
    site_dir = copy_site(generated, tmp_path)
    (site_dir / "templates").mkdir()
    (site_dir / "templates/article.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{{ page.title.nope.deeper }}\n{% endblock %}\n')
    assert run("build", site_dir, "--out", tmp_path / "out", "--jobs", "2") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("templates/article.html:3: error: template error: UndefinedError")
    assert err[-1] == "babelsite: build failed with 1 error; nothing was written"
