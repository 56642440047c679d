"""The command line and the installed package: entry points, exit codes, the packaged theme."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

from conftest import REPO, SITES, XHTML, parse_html, run


def test_bad_usage_exits_2(capsys):
    try:
        run("build", "--no-such-option")
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("argparse did not exit")
    assert "unrecognized arguments" in capsys.readouterr().err


def test_missing_site_toml_is_an_error_not_a_traceback(tmp_path, capsys):
    assert run("build", tmp_path) == 1
    err = capsys.readouterr().err
    assert "site.toml: error: no site.toml here" in err and "Traceback" not in err


def test_python_dash_m_builds_and_prints_a_summary(tmp_path):
    site_dir = tmp_path / "site"
    shutil.copytree(SITES / "multi", site_dir)
    result = subprocess.run([sys.executable, "-m", "babelsite", "build", str(site_dir)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "pages: it 2, en 3, fr 0" in result.stdout and "0 warnings" in result.stdout
    assert (site_dir / "public/it/alpha/index.html").is_file()


def test_wheel_carries_the_theme_and_builds_a_site_without_the_repository(tmp_path):
    source = tmp_path / "source"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split("\0")[:-1]
    for name in tracked:
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "dist"), str(source)], check=True, capture_output=True, timeout=300)
    wheel = next((tmp_path / "dist").glob("babelsite-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "babelsite/theme/templates/base.html" in names
    assert "babelsite/theme/static/css/style.css" in names
    assert {"babelsite/ui_strings/en.toml", "babelsite/ui_strings/ja.toml", "babelsite/ui_strings/pt-BR.toml"} <= set(names)
    installed = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(installed)

    site_dir = tmp_path / "site"
    shutil.copytree(SITES / "multi", site_dir)
    assert not (site_dir / "templates").exists()
    result = subprocess.run(
        [sys.executable, "-c", "import sys, babelsite.cli as c; print(c.__file__, file=sys.stderr); sys.exit(c.main())",
         "build", str(site_dir)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env={"PYTHONPATH": str(installed), "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(str(installed))  # the unpacked wheel ran, not the checkout
    document = parse_html(site_dir / "public/it/alpha/index.html")
    css = [l.get("href") for l in document.iter(XHTML + "link") if l.get("rel") == "stylesheet"]
    assert (site_dir / "public" / css[0].lstrip("/")).read_bytes() == (REPO / "static/css/style.css").read_bytes()
