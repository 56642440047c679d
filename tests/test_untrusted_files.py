"""Files a site folder may hold that a build must not trust: links out of the site, named pipes and
sockets, names that are not UTF-8 or hold control characters; and site.toml values Python cannot convert."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pytest

from conftest import run, tree
from test_bad_input import GAMMA, assert_fails_leaving_output, built, cli, summary  # noqa: F401 (a fixture)

MARKER = b"SECRET-7f3a9c"  # in every file outside the site: no output file may hold it
OUTSIDE_HINT = "copy it into the site folder, or name the folder it lies in under allow_outside in site.toml"
NAME_HINT = "rename it using UTF-8 characters"
SPECIAL_HINT = "remove it, or put a regular file in its place"


@pytest.fixture
def outside(tmp_path_factory) -> Path:
    """Return a folder beside no site, holding a private key, an article and a folder of articles."""
    folder = tmp_path_factory.mktemp("outside")
    (folder / "id_rsa").write_bytes(b"-----BEGIN KEY-----\n" + MARKER + b"\n")
    article = b"---\ntitle: Leaked\n---\n" + MARKER + b"\n"
    (folder / "leak.md").write_bytes(article)
    (folder / "articles").mkdir()
    (folder / "articles/more.md").write_bytes(article)
    return folder


def refused(name: str, target: Path) -> str:
    """Return the error for a file or folder of the site whose real path is target, outside the site."""
    return f"{name}: error: lies outside the site folder, at {target}; {OUTSIDE_HINT}"


def assert_published_nowhere(site_dir: Path) -> None:
    """Check that no file of the output folder holds the outside files' marker."""
    files = tree(site_dir.parent / "public")
    assert files and not [name for name, data in files.items() if MARKER in data]


@pytest.mark.parametrize(("link", "target", "shown"), [
    ("static", ".", "static"),  # ln -s ~/.ssh static
    ("static/img", ".", "static/img"),
    ("static/key.txt", "id_rsa", "static/key.txt"),
    ("content/en/leak.md", "leak.md", "content/en/leak.md"),
    ("content/en/more", "articles", "content/en/more"),
    ("templates/key.html", "id_rsa", "templates/key.html"),
])
def test_a_link_out_of_the_site_is_refused_and_nothing_of_it_published(built, outside, link, target, shown, capsys):
    (built / link).parent.mkdir(exist_ok=True)
    (built / link).symlink_to(outside / target)
    assert_fails_leaving_output(built, [refused(shown, (outside / target))], capsys)
    assert_published_nowhere(built)


def test_a_content_folder_outside_the_site_is_refused(built, outside, capsys):
    (built / "site.toml").write_text('content_dir = "../elsewhere"\n' + (built / "site.toml").read_text())
    (built.parent / "elsewhere").symlink_to(outside)
    expected = [refused(str(built / "../elsewhere"), outside)]
    out = built.parent / "public"
    assert run("build", built, "--out", out) == 1
    assert capsys.readouterr().err.splitlines() == expected + [summary(expected)]
    assert_published_nowhere(built)


def test_allow_outside_lets_the_site_use_the_folders_it_names(built, outside, capsys):
    (built / "site.toml").write_text(f'allow_outside = ["{os.path.relpath(outside, built)}"]\n'
                                     + (built / "site.toml").read_text())
    (built / "static").symlink_to(outside)
    (built / "content/en/more").symlink_to(outside / "articles")
    assert run("build", built, "--out", built.parent / "public") == 0
    files = tree(built.parent / "public")
    assert [name for name in files if name.startswith("static/id_rsa.")]
    assert MARKER in files["en/more/more/index.html"]


@pytest.mark.parametrize("entry", ["42", '"../no-such-folder"'])
def test_allow_outside_names_folders(built, entry, capsys):
    (built / "site.toml").write_text(f"allow_outside = [{entry}]\n" + (built / "site.toml").read_text())
    problem = ("allow_outside has 42, not a folder path in quotes; e.g. allow_outside = [\"../shared-images\"]"
               if entry == "42" else "allow_outside names '../no-such-folder', which is not a folder; "
               "write paths from the site folder to folders that exist, or remove it")
    assert_fails_leaving_output(built, [f"site.toml:1: error: {problem}"], capsys)


def special_files(site_dir: Path) -> list[str]:
    """Put a named pipe where an article, a static file and a template would be, and a socket in static/."""
    for name in ("content/en/x.md", "static/pipe.css", "templates/pipe.html"):
        (site_dir / name).parent.mkdir(exist_ok=True)
        os.mkfifo(site_dir / name)
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(site_dir / "static/socket"))
    listening.close()
    return [f"content/en/x.md: warning: is a named pipe, not a file; it is skipped without being read; {SPECIAL_HINT}",
            f"static/pipe.css: warning: is a named pipe, not a file; it is skipped without being read; {SPECIAL_HINT}",
            f"static/socket: warning: is a socket, not a file; it is skipped without being read; {SPECIAL_HINT}",
            f"templates/pipe.html: warning: is a named pipe, not a file; it is skipped without being read; "
            f"{SPECIAL_HINT}"]


def test_named_pipes_and_sockets_are_skipped_never_opened(built):
    expected = special_files(built)
    out = built.parent / "public"
    result = cli("build", built, "--out", out)  # a child process with a timeout: a read of a pipe waits forever
    assert (result.returncode, result.stderr.splitlines()) == (0, expected)
    assert not [name for name in tree(out) if "pipe" in name or "socket" in name]
    result = cli("check", built)
    assert (result.returncode, [line for line in result.stdout.splitlines() if ": info: " not in line]) == (0, expected)
    (built / GAMMA).write_text((built / GAMMA).read_text() + "\nAn edit.\n")  # a cached build
    result = cli("build", built, "--out", out)
    assert (result.returncode, result.stderr.splitlines()) == (0, expected)


def test_a_site_toml_that_is_a_pipe_is_a_diagnostic(built):
    (built / "site.toml").unlink()
    os.mkfifo(built / "site.toml")
    expected = ["site.toml: error: cannot read the site configuration: it is a named pipe, socket or device, "
                "not a file; make it a readable TOML file, or pass --config"]
    result = cli("build", built, "--out", built.parent / "public")
    assert (result.returncode, result.stderr.splitlines()) == (1, expected + [summary(expected)])


def test_names_that_are_not_utf8_are_errors_shown_with_escapes(built, capsys):
    root = os.fsencode(built)
    (built / "static/img").mkdir(parents=True)
    for name in (b"/content/en/bad\xff.md", b"/content/\xfe\xfd/ok.en.md", b"/static/img/logo\xe9.png"):
        os.makedirs(os.path.dirname(root + name), exist_ok=True)
        with open(root + name, "wb") as file:
            file.write(b"---\ntitle: Named\n---\nText.\n")
    expected = [f"content/\\xfe\\xfd: error: the folder name is not valid UTF-8; {NAME_HINT}",
                f"content/en/bad\\xff.md: error: the file name is not valid UTF-8; {NAME_HINT}",
                f"static/img/logo\\xe9.png: error: the file name is not valid UTF-8; {NAME_HINT}"]
    assert_fails_leaving_output(built, expected, capsys)
    assert run("check", built, "--format", "json") == 1
    paths = [json.loads(line)["path"] for line in capsys.readouterr().out.splitlines()]
    assert paths[:2] + paths[-1:] == ["content/\\xfe\\xfd", "content/en/bad\\xff.md", "static/img/logo\\xe9.png"]


def test_control_characters_in_names_keep_each_diagnostic_on_one_line(built, capsys):
    for name in ("new\nline.md", "tab\tand\x1b[31mescape.md"):
        (built / "content/en" / name).write_text("---\ntitle: Named\n---\nText.\n")
    (built / "content/en/over\u202eride.md").write_text("---\ndescription: No title\n---\nText.\n")
    hint = "use letters, digits, '-' and '_' (no '/', spaces or '..')"
    assert_fails_leaving_output(built, [
        f"content/en/new\\nline.md:1: error: slug 'new\\nline' cannot be a URL path segment; {hint}",
        "content/en/over\\u202eride.md:1: error: missing title; add title: to the front matter, or start the text with a '# Title' heading",
        f"content/en/tab\\tand\\x1b[31mescape.md:1: error: slug 'tab\\tand\\x1b[31mescape' cannot be a URL "
        f"path segment; {hint}",
    ], capsys)


@pytest.mark.parametrize(("line", "expected"), [
    ("weight = 1" + "0" * 5000, "site.toml:1: error: an integer with more than 4300 digits; "
                                "write a smaller number, or put it in quotes to make it a string"),
    ('base_url = "http://[::1"', "site.toml:1: error: base_url 'http://[::1' is not a path or an http(s) URL; "
                                 'use "/", "/docs/" or "https://example.org/docs/"'),
])
def test_site_toml_values_python_cannot_convert_are_diagnostics(built, line, expected, capsys):
    (built / "site.toml").write_text(line + "\n" + (built / "site.toml").read_text())
    assert_fails_leaving_output(built, [expected], capsys)


def test_a_base_url_flag_python_cannot_parse_is_a_diagnostic(built, capsys):
    expected = ["site.toml: error: --base-url 'http://[::1' is not a path or an http(s) URL; "
                'use "/", "/docs/" or "https://example.org/docs/"']
    before = tree(built.parent / "public")
    assert run("build", built, "--out", built.parent / "public", "--base-url", "http://[::1") == 1
    assert capsys.readouterr().err.splitlines() == expected + [summary(expected)]
    assert tree(built.parent / "public") == before
