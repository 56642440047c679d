"""Speed without surprises: parallel and cached builds write exactly what a serial cold build writes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

import babelsite.build
import babelsite.content.sources
import babelsite.incremental.cache
import babelsite.incremental.cached
import babelsite.incremental.rebuild
import babelsite.links.resolve
import babelsite.locale
import babelsite.output.write
import babelsite.render.theme
from babelsite import markdown
from babelsite.config import read_config
from babelsite.content.load import load_corpus
from babelsite.content.sources import discover
from babelsite.errors import Collector
from babelsite.links.resolve import resolve
from babelsite.markdown import Fragment

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


def test_a_body_a_worker_converts_is_pickled_there_once_and_spilled_as_it_came(generated, monkeypatch):
    """The Markdown stage's workers pickle each page's Fragment; this process writes the pickle unread, pickling none."""
    config, _ = read_config(generated)
    problems = Collector(generated)
    linked = resolve(config, load_corpus(config, discover(config, problems), problems), problems)
    pickled_here = []  # a forked worker appends to its own copy
    reduce = Fragment.__reduce_ex__
    monkeypatch.setattr(Fragment, "__reduce_ex__",
                        lambda fragment, protocol: (pickled_here.append(fragment), reduce(fragment, protocol))[1])
    spilled = markdown.convert(linked, {}, problems, jobs=2, spill=True)
    assert pickled_here == []
    assert len(spilled) == 360 and dict(spilled) == markdown.convert(linked, {}, Collector(generated))


def test_the_files_beside_pages_are_found_without_a_look_at_each_page(site, monkeypatch):
    """The content folder's other files are published; its Markdown files, the pages, are told apart by name alone."""
    config, _ = read_config(site("docs_hugo"))
    theme = babelsite.render.theme.Theme.for_site(config.site_dir, config.allow_outside, config.content_dir)
    looked = []
    lstat = os.lstat
    monkeypatch.setattr(babelsite.content.sources.os, "lstat",
                        lambda path, *args, **kwargs: (looked.append(os.fspath(path)), lstat(path, *args, **kwargs))[1])
    assert sorted(theme.page_files()) == [f"content/{lang}/docs/getting-started/img/arch.png" for lang in ("de", "en", "fr")]
    assert looked and not [path for path in looked if path.endswith(".md")]


def test_parallel_and_serial_builds_are_byte_identical(generated, tmp_path):
    assert run("build", generated, "--out", tmp_path / "serial", "--jobs", "1") == 0
    assert run("build", generated, "--out", tmp_path / "parallel", "--jobs", "3") == 0
    serial, parallel = tree(tmp_path / "serial"), tree(tmp_path / "parallel")
    assert len(serial) > 360 and serial == parallel


def test_the_workers_write_the_article_pages_they_render(generated, tmp_path, monkeypatch):
    writers = tmp_path / "writers"  # a line per file written: the writing process, then the file
    staging = tmp_path / f".out.staging-{os.getpid()}"
    real_stage = babelsite.output.write.stage_file

    def recorded(previous: str | None, target: str, data: bytes) -> tuple[bool, os.stat_result]:
        with writers.open("a") as record:
            record.write(f"{os.getpid()} {Path(target).relative_to(staging).as_posix()}\n")
        return real_stage(previous, target, data)

    monkeypatch.setattr(babelsite.output.write, "stage_file", recorded)
    options = babelsite.build.BuildOptions(site_dir=generated, jobs=2, use_cache=False)
    babelsite.incremental.cached.build(replace(options, output_dir=tmp_path / "out"))
    written = dict(reversed(line.split(" ", 1)) for line in writers.read_text().splitlines())
    article_pages = {name for name in written if name.startswith(("en/term_", "it/term_", "es/term_"))}
    assert len(article_pages) == 360 and len(written) == len(tree(tmp_path / "out"))  # each file written once
    assert os.getpid() not in {int(written[name]) for name in article_pages}
    assert written["sitemap.xml"] == str(os.getpid())


def test_a_cold_build_lists_what_it_wrote_in_its_marker_without_walking_it(generated, tmp_path, monkeypatch):
    monkeypatch.setattr(babelsite.output.write, "site_files",
                        lambda *args, **kwargs: pytest.fail("the staged site walked"))
    assert run("build", generated, "--out", tmp_path / "out", "--jobs", "2", "--no-cache") == 0
    written = tree(tmp_path / "out")
    marker = written.pop(".babelsite-output").decode()
    assert marker.partition("The files it wrote:\n")[2].splitlines() == sorted(written)


def test_a_cold_build_stamps_its_output_as_written_and_stores_its_state_while_rendering(generated, tmp_path,
                                                                                         monkeypatch):
    site_dir, out = copy_site(generated, tmp_path), tmp_path / "out"
    packed_before_swap, real_write_pack, real_stat = [], babelsite.incremental.cache.write_pack, os.stat
    monkeypatch.setattr(babelsite.incremental.cache, "write_pack",
                        lambda *args: packed_before_swap.append(not out.exists()) or real_write_pack(*args))
    stated = []  # the output's files stat'ed, as the build cache stamped them after the build

    def stat(path, *args, **kwargs):
        if str(path).startswith(f"{out}/"):
            stated.append(path)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    assert run("build", site_dir, "--out", out, "--jobs", "2") == 0
    monkeypatch.setattr(os, "stat", real_stat)
    assert packed_before_swap == [True] and stated == []
    cached, _ = babelsite.incremental.cache.read_pickle(site_dir / ".babelsite-cache/build.pickle")
    written = {name: (info.st_size, info.st_mtime_ns, "") for name in tree(out) if name != ".babelsite-output"
               for info in [os.stat(out / name)]}
    assert len(written) > 360 and cached.outputs.as_dict() == written
    monkeypatch.setattr(babelsite.build, "build", lambda *args, **kwargs: pytest.fail("built again"))
    assert run("build", site_dir, "--out", out, "--jobs", "2") == 0  # the cache stands for the site as built


def test_a_cold_build_failing_while_rendering_leaves_no_state_in_the_cache(generated, tmp_path):
    site_dir = copy_site(generated, tmp_path)
    (site_dir / "templates").mkdir()
    (site_dir / "templates/article.html").write_text('{% extends "base.html" %}{% block main %}{{ 1 / 0 }}{% endblock %}')
    before = set((site_dir / ".babelsite-cache").glob("state-*.pack"))  # an earlier build's, copied with the site
    assert run("build", site_dir, "--out", tmp_path / "out", "--jobs", "2") == 1  # once the state's parts are written
    assert set((site_dir / ".babelsite-cache").glob("state-*.pack")) == before


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


def test_a_worker_template_error_is_reported_before_one_in_the_pages_rendered_meanwhile(generated, tmp_path, capsys):
    site_dir = copy_site(generated, tmp_path)
    (site_dir / "templates").mkdir()
    (site_dir / "templates/article.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{{ page.title.nope.deeper }}\n{% endblock %}\n')
    (site_dir / "templates/home.html").write_text(
        '{% extends "base.html" %}\n{% block main %}{{ nope.deeper }}{% endblock %}\n')
    assert run("build", site_dir, "--out", tmp_path / "out", "--jobs", "2") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("templates/article.html:3: error: template error: UndefinedError")  # as in page order


# -- the build cache ------------------------------------------------------------------------------


def article_file(site_dir: Path, slug: str, lang: str) -> Path:
    return next((site_dir / "content" / lang).rglob(f"{slug}.md"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def title_of(path: Path) -> str:
    return next(line for line in path.read_text().splitlines() if line.startswith("title: "))


EDITS = {  # each changes what some page shows: the cached build must show it as a cold build does
    "body": lambda s: edit(article_file(s, "term_00003", "en"), "\n\n", "\n\nA new first paragraph.\n\n"),
    "translation body": lambda s: edit(article_file(s, "term_00003", "it"), "\n\n", "\n\nUn nuovo paragrafo.\n\n"),
    "related title": lambda s: edit(article_file(s, "term_00010", "es"), title_of(article_file(s, "term_00010", "es")),
                                    "title: 'A title every related list shows'"),
    "category": lambda s: edit(article_file(s, "term_00011", "en"), "category: ", "category: Extras\nx_old_category: "),
    "new translation gone": lambda s: article_file(s, "term_00012", "es").unlink(),
    "template": lambda s: (s / "templates").mkdir() or (s / "templates/article.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1 class="mine">{{ page.title }}</h1>{% endblock %}\n'),
    "static file": lambda s: (s / "static/css").mkdir(parents=True) or (s / "static/css/style.css").write_text(
        "body { color: teal; }\n"),
    "site.toml": lambda s: edit(s / "site.toml", 'title = "Benchmark"', 'title = "Another title"'),
}


@pytest.mark.parametrize("change", list(EDITS))
def test_a_cached_build_after_a_change_writes_what_a_cold_build_writes(generated, tmp_path, change):
    site_dir = copy_site(generated, tmp_path)
    cached, cold = tmp_path / "cached", tmp_path / "cold"
    assert run("build", site_dir, "--out", cached) == 0
    before = tree(cached)
    EDITS[change](site_dir)
    assert run("build", site_dir, "--out", cached) == 0
    assert run("build", site_dir, "--out", cold, "--no-cache") == 0
    after = tree(cached)
    assert after == tree(cold) and after != before


def test_a_sequence_of_cached_builds_stays_identical_to_cold_builds(generated, tmp_path, monkeypatch):
    site_dir = copy_site(generated, tmp_path)
    assert run("build", site_dir, "--out", tmp_path / "cached") == 0
    cold_builds = []
    real_cold_build = babelsite.build.build
    monkeypatch.setattr(babelsite.build, "build", lambda options, *args, **kwargs: cold_builds.append(options.site_dir)
                        or real_cold_build(options, *args, **kwargs))
    for step, change in enumerate(["body", "translation body", "related title", "new translation gone", "category"]):
        EDITS[change](site_dir)
        assert run("build", site_dir, "--out", tmp_path / "cached") == 0
        # from a copy: a build into another folder replaces the site's cache, and the next step would be cold
        cold_site = shutil.copytree(site_dir, tmp_path / f"site{step}", ignore=shutil.ignore_patterns(".babelsite-cache"))
        assert run("build", cold_site, "--out", tmp_path / f"cold{step}", "--no-cache") == 0
        assert tree(tmp_path / "cached") == tree(tmp_path / f"cold{step}"), change
    # the site itself was built from the cache at every step but the last: a new category is in every page's menu
    assert cold_builds == [*(tmp_path / f"site{step}" for step in range(4)), site_dir, tmp_path / "site4"]


def test_a_cached_build_counts_the_pages_a_translation_left(generated, tmp_path, capsys):
    site_dir = copy_site(generated, tmp_path)
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0
    EDITS["new translation gone"](site_dir)
    capsys.readouterr()
    assert run("build", site_dir, "--out", out) == 0
    assert "pages: en 120, it 120, es 119;" in capsys.readouterr().out


def test_an_unchanged_site_is_not_built_again_and_keeps_every_mtime(generated, tmp_path, monkeypatch, capsys):
    site_dir = copy_site(generated, tmp_path)
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    prepared = []
    monkeypatch.setattr(babelsite.build, "prepare", lambda *args, **kwargs: prepared.append(args))
    capsys.readouterr()
    assert run("build", site_dir, "--out", out) == 0
    assert prepared == [] and "(0 changed)" in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == mtimes


def test_an_edit_rewrites_only_the_files_it_changes(generated, tmp_path):
    site_dir = copy_site(generated, tmp_path)
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0
    mtimes = {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    EDITS["body"](site_dir)
    assert run("build", site_dir, "--out", out) == 0
    changed = {p.relative_to(out).as_posix() for p in out.rglob("*")
               if p.is_file() and p.stat().st_mtime_ns != mtimes.get(p.relative_to(out).as_posix())}
    assert changed == {"en/term_00003/index.html"}


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_a_damaged_cache_is_ignored_with_a_warning(generated, tmp_path, capsys, damage):
    site_dir = copy_site(generated, tmp_path)
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0
    cache = site_dir / ".babelsite-cache/build.pickle"
    data = cache.read_bytes()
    cache.write_bytes({"truncated": data[: len(data) // 2], "garbage": b"\x80\x05garbage", "empty": b""}[damage])
    EDITS["body"](site_dir)
    capsys.readouterr()
    assert run("build", site_dir, "--out", out, "--strict") == 0  # about the cache, not the site: never fatal
    err = capsys.readouterr().err
    assert ".babelsite-cache/build.pickle: warning: the build cache file " in err
    assert run("build", site_dir, "--out", tmp_path / "cold", "--no-cache") == 0
    assert tree(out) == tree(tmp_path / "cold")
    capsys.readouterr()
    assert run("build", site_dir, "--out", out) == 0
    assert "warning" not in capsys.readouterr().err  # the build wrote a good cache again


def test_a_damaged_state_file_means_a_cold_build(generated, tmp_path, capsys):
    site_dir = copy_site(generated, tmp_path)
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0
    state = site_dir / ".babelsite-cache/state.pickle"
    state.write_bytes(state.read_bytes()[:1000])
    EDITS["related title"](site_dir)
    capsys.readouterr()
    assert run("build", site_dir, "--out", out) == 0
    assert ".babelsite-cache/state.pickle: warning: the build cache file " in capsys.readouterr().err
    assert run("build", site_dir, "--out", tmp_path / "cold", "--no-cache") == 0
    assert tree(out) == tree(tmp_path / "cold")


def test_another_babelsite_version_or_options_do_not_use_the_cache(generated, tmp_path, monkeypatch):
    site_dir = copy_site(generated, tmp_path)
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0
    calls = []
    real_prepare = babelsite.build.prepare
    monkeypatch.setattr(babelsite.build, "prepare",
                        lambda *args, **kwargs: calls.append(1) or real_prepare(*args, **kwargs))
    monkeypatch.setattr(babelsite.incremental.cache, "__version__", "99.0")
    assert run("build", site_dir, "--out", out) == 0
    assert calls == [1]
    assert run("build", site_dir, "--out", out) == 0
    assert calls == [1]  # the new version's cache
    assert run("build", site_dir, "--out", out, "--base-url", "https://example.org/docs/") == 0
    assert calls == [1, 1]


def test_an_output_folder_changed_by_hand_is_built_again(generated, tmp_path):
    site_dir = copy_site(generated, tmp_path)
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0
    expected = tree(out)
    (out / "en/term_00001/index.html").unlink()
    (out / "it/index.html").write_text("changed by hand")
    assert run("build", site_dir, "--out", out) == 0
    assert tree(out) == expected


@pytest.mark.parametrize("change", ["body", "translation body", "related title"])
def test_markdown_edits_are_built_from_the_cache_without_reading_the_whole_site(generated, tmp_path, monkeypatch,
                                                                                 change):
    site_dir = copy_site(generated, tmp_path)
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    prepared = []
    monkeypatch.setattr(babelsite.build, "prepare", lambda *args, **kwargs: prepared.append(args))
    EDITS[change](site_dir)
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    assert prepared == []


def test_an_edit_that_keeps_a_recent_files_size_and_mtime_is_still_built(generated, tmp_path):
    site_dir = copy_site(generated, tmp_path)
    out = tmp_path / "out"
    article = article_file(site_dir, "term_00003", "en")
    later = time.time_ns() + 3600 * 10**9  # recent when stamped, however slow the machine: stamped with its digest
    os.utime(article, ns=(later, later))
    assert run("build", site_dir, "--out", out) == 0
    stamp = article.stat()
    text = article.read_text()
    body = text.index("\n\n", text.index("---", 3)) + 2
    article.write_text(text[:body] + "EDITED" + text[body + 6:])  # the same size, the mtime set back: only the bytes tell
    assert article.stat().st_size == stamp.st_size
    os.utime(article, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert run("build", site_dir, "--out", out) == 0
    assert "EDITED" in (out / "en/term_00003/index.html").read_text()


def test_a_theme_that_shows_every_categorys_articles_on_each_page_gets_them_after_an_edit(generated, tmp_path):
    site_dir = copy_site(generated, tmp_path)
    (site_dir / "templates").mkdir()
    (site_dir / "templates/article.html").write_text(
        '{% extends "base.html" %}{% block main %}<h1>{{ page.title }}</h1><ul>{% for category in categories %}'
        '<li>{{ category.label }}: {{ category.articles | length }}, {{ (category.articles | first).title }}</li>'
        '{% endfor %}</ul>{% endblock %}\n')
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0
    EDITS["body"](site_dir)
    assert run("build", site_dir, "--out", out) == 0
    assert run("build", site_dir, "--out", tmp_path / "cold", "--no-cache") == 0
    assert tree(out) == tree(tmp_path / "cold")
    counts = re.findall(r"<li>[^<:]+: (\d+), ", (out / "en/term_00003/index.html").read_text())
    assert sum(map(int, counts)) == 120  # every English article, in one category each


def test_a_file_added_to_the_content_is_built_from_the_cache(generated, tmp_path, monkeypatch):
    site_dir = copy_site(generated, tmp_path)
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0
    article = article_file(site_dir, "term_00003", "en")
    (article.parent / "term_09999.md").write_text(article.read_text().replace("title: ", "title: Added ", 1))
    assert run("build", site_dir, "--out", out) == 0
    assert run("build", site_dir, "--out", tmp_path / "cold", "--no-cache") == 0
    assert (out / "en/term_09999/index.html").is_file() and tree(out) == tree(tmp_path / "cold")


def test_editor_lock_and_backup_files_in_content_change_nothing(generated, tmp_path, monkeypatch):
    site_dir = copy_site(generated, tmp_path)
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    before = tree(tmp_path / "out")
    folder = article_file(site_dir, "term_00003", "en").parent
    (folder / ".#term_00003.md").write_text("---\ntitle: Not an article\n---\n")
    (folder / "term_00003.md~").write_text("a backup")
    prepared = []
    monkeypatch.setattr(babelsite.build, "prepare", lambda *args, **kwargs: prepared.append(args))
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    assert prepared == [] and tree(tmp_path / "out") == before


def test_a_cache_signed_by_someone_else_is_never_unpickled(generated, tmp_path, monkeypatch, capsys):
    site_dir = copy_site(generated, tmp_path)
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0  # signed with this user's key
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-user"))  # as a CI machine building a pull request
    unpickled = []
    # Jinja too unpickles with it, from this user's own folder of compiled templates: only the site's files count
    monkeypatch.setattr(babelsite.incremental.cache.pickle, "load", lambda file, *args: unpickled.append(file.name))
    EDITS["body"](site_dir)
    capsys.readouterr()
    assert run("build", site_dir, "--out", out) == 0
    assert [name for name in unpickled if not name.startswith(str(tmp_path / "another-user"))] == []
    assert "the build cache file was not written by this user's babelsite" in capsys.readouterr().err
    assert (tmp_path / "another-user/babelsite/cache-key").stat().st_mode & 0o077 == 0


def stored_index(site_dir: Path) -> tuple[str, dict]:
    """Return the pack file the build cache's state names, and its index: slug -> (offset, length, signature)."""
    stored, warning = babelsite.incremental.cache.read_pickle(site_dir / ".babelsite-cache/state.pickle")
    assert warning is None
    return stored[2], stored[3]


def test_an_edit_reads_and_writes_only_the_parts_of_the_state_it_reaches(generated, tmp_path, monkeypatch):
    site_dir = copy_site(generated, tmp_path)
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    pack_before, index_before = stored_index(site_dir)
    loaded = []
    real_load = babelsite.incremental.cache.Pack.load
    monkeypatch.setattr(babelsite.incremental.cache.Pack, "load", lambda pack, name: loaded.append(name) or real_load(pack, name))
    listed = []  # every page's key, listed: it costs with the site
    real_keys = babelsite.links.resolve.LinkedSite.page_keys
    monkeypatch.setattr(babelsite.links.resolve.LinkedSite, "page_keys", lambda site: listed.append(1) or real_keys(site))
    EDITS["body"](site_dir)
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    assert listed == []
    related = set(yaml.safe_load(article_file(site_dir, "term_00003", "en").read_text().split("---\n")[1])["related"])
    slugs = [name for name in index_before if not name.startswith("\0")]  # the others are the outline's values
    # its related lists show their titles
    assert len(slugs) == 120 and {name for name in loaded if name in slugs} == {"term_00003"} | related
    assert {name for name in loaded if name.startswith("\0row\0")} == {"\0row\0term_00003"}  # its status row alone
    assert "\0relating" not in loaded  # the pages whose related lists name others: a body edit changes none
    assert not [name for name in loaded if name.startswith("\0listings")]  # its menu names the categories alone
    pack_after, index_after = stored_index(site_dir)
    assert pack_after == pack_before  # appended to, not written again
    rewritten = {name for name in index_after if index_after[name] != index_before[name]}
    assert rewritten == {"term_00003", "\0row\0term_00003"}  # its status row; the outline's values a body edit leaves are kept
    assert (site_dir / ".babelsite-cache" / pack_after).stat().st_size == \
        max(offset + length for offset, length, _ in index_after.values())


def test_a_damaged_part_of_the_state_means_a_cold_build(generated, tmp_path, capsys):
    site_dir = copy_site(generated, tmp_path)
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0
    pack_name, index = stored_index(site_dir)
    offset, length, _ = index["term_00003"]
    with (site_dir / ".babelsite-cache" / pack_name).open("r+b") as pack:
        pack.seek(offset + length // 2)
        pack.write(b"\x00garbage\x00")
    EDITS["body"](site_dir)
    capsys.readouterr()
    assert run("build", site_dir, "--out", out) == 0
    assert f".babelsite-cache/{pack_name}: warning: the build cache file is damaged" in capsys.readouterr().err
    assert run("build", site_dir, "--out", tmp_path / "cold", "--no-cache") == 0
    assert tree(out) == tree(tmp_path / "cold")


def test_the_state_pack_is_written_anew_once_it_is_mostly_replaced_parts(tmp_path):
    site_dir = tmp_path / "site"
    generate(site_dir, articles=6, languages=2, seed=3)
    (site_dir / "site.toml").write_text("search = false\n" + (site_dir / "site.toml").read_text())
    article = article_file(site_dir, "term_00001", "en")
    packs = []
    for step in range(8):
        article.write_text(article.read_text() + f"\nEdit number {step}.\n")
        assert run("build", site_dir, "--out", tmp_path / "cached") == 0
        packs.append(sorted(p.name for p in (site_dir / ".babelsite-cache").glob("state-*.pack")))
        assert len(packs[-1]) == 1  # the old one is gone
    assert len({names[0] for names in packs}) >= 2
    assert run("build", site_dir, "--out", tmp_path / "cold", "--no-cache") == 0
    assert tree(tmp_path / "cached") == tree(tmp_path / "cold")


def test_a_build_keeps_page_bodies_on_disk_until_pages_are_rendered(generated):
    options = babelsite.build.BuildOptions(site_dir=generated, jobs=2)
    in_memory = babelsite.build.prepare(options).fragments
    spilled = babelsite.build.prepare(options, spill=True).fragments
    assert len(in_memory) == 360 and dict(spilled) == in_memory  # read back as they were rendered
    # in memory, only where each body is in the file: none of its HTML, table of contents, citations or links
    assert all(type(offset) is type(length) is int for offset, length in spilled._fragments.values())


def test_a_body_edit_built_from_the_cache_sorts_nothing_again(generated, tmp_path, monkeypatch):
    site_dir = copy_site(generated, tmp_path)
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    collators = []
    monkeypatch.setattr(babelsite.locale, "_collation_keys", {})  # as in a new process
    monkeypatch.setattr(babelsite.locale, "collator", lambda lang: collators.append(1) or pytest.fail("collator loaded"))
    EDITS["body"](site_dir)
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    assert collators == []  # loading a language's collation alone takes time


def test_the_cache_key_covers_every_part_of_babelsite(site, tmp_path):
    from babelsite.config import load_config

    key = babelsite.incremental.cache.cache_key(load_config(site("docs_hugo")), tmp_path / "public", ())
    files = {entry[0] for entry in key[3]}  # a change in any of them makes the next build cold
    assert {"render/pages.py", "links/tree.py", "incremental/cache.py", "ui_strings/en.toml"} <= files


# -- an edit's checks of the output, which must not cost with the site --------------------------------------------------


def age(folder: Path) -> None:
    """Set back the mtime of a folder and of every folder under it, as if written a minute ago."""
    past = time.time_ns() - 60 * 10**9
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        os.utime(path, ns=(past, past))


@pytest.fixture
def stamped(generated, tmp_path) -> tuple[Path, Path]:
    """A copy of the generated site built cold, then twice after edits, its output's folders old enough to be trusted.

    The first edit stages a new tree (there is no back buffer yet), which the second checks;
    the second swaps in the cold build's tree, whose folders the first had listed and stamped.
    """
    site_dir = copy_site(generated, tmp_path)
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0
    article = article_file(site_dir, "term_00003", "en")
    for step in range(2):
        age(out)
        article.write_text(article.read_text() + f"\nEdit number {step}.\n")
        assert run("build", site_dir, "--out", out) == 0
    return site_dir, out


def recording(record: Path, function):
    """Return `function` that first appends this process's id and its first argument to a file, from any process."""
    def recorded(first, *args, **kwargs):
        with record.open("a") as lines:
            lines.write(f"{os.getpid()} {first}\n")
        return function(first, *args, **kwargs)
    return recorded


def recorded_calls(record: Path) -> list[tuple[int, str]]:
    """Return the (process id, first argument) of each call `recording` saw, in order."""
    lines = record.read_text().splitlines() if record.exists() else []
    return [(int(pid), first) for pid, first in (line.split(" ", 1) for line in lines)]


def test_an_edit_lists_only_the_output_folders_the_last_build_changed(stamped, tmp_path, monkeypatch):
    site_dir, out = stamped
    record = tmp_path / "listed"
    monkeypatch.setattr(os, "scandir", recording(record, os.scandir))  # the checks list them in a process of their own
    EDITS["body"](site_dir)
    assert run("build", site_dir, "--out", out) == 0
    listed = [Path(path) for _, path in recorded_calls(record)]
    listed = [path for path in listed if out in (path, *path.parents) and path.is_dir()]
    # the top (its marker is written anew) and the folders of the article's pages, of 400
    assert 0 < len(listed) <= 4 and all(path == out or path.name == "term_00003" for path in listed), listed
    assert run("build", site_dir, "--out", tmp_path / "cold", "--no-cache") == 0
    assert tree(out) == tree(tmp_path / "cold")


@pytest.mark.parametrize("foreign", ["en/term_00001/notes.txt", "en/term_00001/more/notes.txt", "en/notes.txt"])
def test_a_file_put_by_hand_into_a_stamped_output_folder_is_found(stamped, capsys, foreign):
    site_dir, out = stamped
    (out / foreign).parent.mkdir(exist_ok=True)
    (out / foreign).write_text("put here by hand")
    EDITS["body"](site_dir)
    capsys.readouterr()
    assert run("build", site_dir, "--out", out) == 1
    assert f"holds files babelsite did not write: {foreign}" in capsys.readouterr().err


def test_a_page_changed_in_place_in_a_stamped_output_folder_is_built_again(stamped, tmp_path):
    site_dir, out = stamped
    page = out / "it/term_00001/index.html"
    folder_mtime = page.parent.stat().st_mtime_ns
    page.write_text("changed by hand")  # in place: the folder's mtime stays, the file's changes
    os.utime(page.parent, ns=(folder_mtime, folder_mtime))
    EDITS["body"](site_dir)
    assert run("build", site_dir, "--out", out) == 0
    assert run("build", site_dir, "--out", tmp_path / "cold", "--no-cache") == 0
    assert tree(out) == tree(tmp_path / "cold")


def test_an_edit_reads_no_static_file_and_stats_no_file_of_the_back_buffer(stamped, tmp_path, monkeypatch):
    site_dir, out = stamped
    record, real_check = tmp_path / "checked", babelsite.output.write.unshared_files
    monkeypatch.setattr(babelsite.output.write, "unshared_files", recording(record, real_check))
    monkeypatch.setattr(babelsite.incremental.cached, "unshared_files", recording(record, real_check))
    monkeypatch.setattr(babelsite.render.theme.Theme, "published_files", lambda *args: pytest.fail("static files read"))
    EDITS["body"](site_dir)
    assert run("build", site_dir, "--out", out) == 0
    # the output's files, hard-linked twice: the back buffer's are theirs
    assert [folder for _, folder in recorded_calls(record)] == [str(out.resolve())]


def test_an_edit_checks_the_output_in_a_process_of_its_own(stamped, tmp_path, monkeypatch):
    site_dir, out = stamped
    record = tmp_path / "checked"
    for name in ("unshared_files", "unwritten_files"):
        monkeypatch.setattr(babelsite.incremental.cached, name,
                            recording(record, getattr(babelsite.incremental.cached, name)))
    EDITS["body"](site_dir)
    assert run("build", site_dir, "--out", out) == 0
    calls = recorded_calls(record)
    assert len(calls) == 2 and all(pid != os.getpid() for pid, _ in calls)  # stat'ing while this process renders
    assert run("build", site_dir, "--out", tmp_path / "cold", "--no-cache") == 0
    assert tree(out) == tree(tmp_path / "cold")


def failing_aside(function, how: str):
    """Return `function`, which in any other process than this one raises, or kills its process, as `how` says."""
    parent = os.getpid()

    def checked(*args):
        if os.getpid() != parent:
            if how == "raises":
                raise OSError("the check failed")
            os.kill(os.getpid(), signal.SIGKILL)
        return function(*args)
    return checked


@pytest.mark.parametrize("how", ["raises", "dies"])
@pytest.mark.parametrize("by_hand", ["a page changed in place", "a file added"])
def test_output_checks_that_fail_aside_are_done_in_the_build_process(stamped, tmp_path, monkeypatch, how, by_hand):
    site_dir, out = stamped
    record = tmp_path / "checked"
    for name in ("unshared_files", "unwritten_files"):
        real = getattr(babelsite.incremental.cached, name)
        monkeypatch.setattr(babelsite.incremental.cached, name, recording(record, failing_aside(real, how)))
    if by_hand == "a file added":
        (out / "en/term_00001/notes.txt").write_text("put here by hand")
    else:
        page = out / "it/term_00001/index.html"
        folder_mtime = page.parent.stat().st_mtime_ns
        page.write_text("changed by hand")  # in place: the folder's mtime stays, the file's changes
        os.utime(page.parent, ns=(folder_mtime, folder_mtime))
    EDITS["body"](site_dir)
    status = run("build", site_dir, "--out", out)
    # tried aside first, then done here
    assert {pid == os.getpid() for pid, _ in recorded_calls(record)} == {True, False}
    if by_hand == "a file added":
        assert status == 1 and (out / "en/term_00001/notes.txt").exists()
    else:
        assert status == 0 and run("build", site_dir, "--out", tmp_path / "cold", "--no-cache") == 0
        assert tree(out) == tree(tmp_path / "cold")


def test_an_aside_call_that_dies_is_made_again_here_and_none_is_a_result(tmp_path):
    from babelsite.parallel import Aside

    record = tmp_path / "calls"
    listing = recording(record, lambda folder: sorted(os.listdir(folder)))
    dying = recording(record, failing_aside(lambda name: f"made {name}", "dies"))
    with Aside(lambda: listing(tmp_path), lambda: None, lambda: dying("here")) as aside:
        results = [aside.result(0), aside.result(1), aside.result(2)]
    assert results == [["calls"], None, "made here"]
    calls = recorded_calls(record)
    assert [pid == os.getpid() for pid, _ in calls] == [False, False, True] and calls[2][1] == "here"


def test_a_stamp_table_updated_in_place_or_anew_holds_the_stamps_a_mapping_would():
    from babelsite.output.stamps import StampTable

    stamps = {"en/a/index.html": (1, 10, ""), "en/b/index.html": (2, 20, "d1"), "pagefind/x.js": (3, 30, ""),
              "pagefind/y.js": (4, 40, ""), "pagefind0": (5, 50, "")}
    table = StampTable.of(stamps)
    assert table.as_dict() == stamps and table.under("pagefind") == ["pagefind/x.js", "pagefind/y.js"]
    for changed, gone in [({"en/b/index.html": (6, 60, "")}, set()),  # the same files: arrays changed in place
                          ({"pagefind/x.js": (7, 70, "d2")}, {"pagefind/x.js"}),
                          ({"en/c/index.html": (8, 80, "")}, {"pagefind/y.js"})]:  # files come and go: made anew
        expected = {name: stamp for name, stamp in stamps.items() if name not in gone} | changed
        updated = table.updated(changed, gone)
        assert updated.as_dict() == expected and updated.path_list == sorted(expected)
    assert table.as_dict() == stamps  # left as it was
