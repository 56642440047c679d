"""Full-text search: Pagefind indexes each language of the built site before the swap."""

from __future__ import annotations

import json
import shutil
import sys
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import html5lib
import pytest
from playwright.sync_api import expect

import babelsite.output.search
from babelsite.build import BuildOptions
from babelsite.incremental.cached import build
from babelsite.config import load_config
from babelsite.incremental.rebuild import LiveSite
from conftest import SITES, XHTML, find_all, parse_html, run, tree
from test_browser import browser  # noqa: F401 - the shared Chromium fixture


def entry(output: Path, lang: str) -> dict:
    """Return the pagefind-entry.json Pagefind wrote into a language's bundle of a built site."""
    return json.loads((output / f"pagefind/{lang}/pagefind-entry.json").read_text(encoding="utf-8"))


def search_form(path: Path):
    """Return the search form of a built page, or None."""
    return search_form_of(path.read_bytes())


def scripts(path: Path) -> list[str]:
    """Return the src of every script a built page loads."""
    return [s.get("src") for s in find_all(parse_html(path), "script") if s.get("src")]


def test_sample_site_gets_one_index_per_language_of_its_articles(site, capsys):
    root = site("sample")
    report = build(BuildOptions(site_dir=root))
    output = root / "public"
    assert sorted(p.name for p in (output / "pagefind").iterdir()) == ["en", "es", "fr", "it", "pt"]
    for code, count in report.pages_per_language.items():
        languages = entry(output, code)["languages"]
        # Only article bodies in that language: one entry per article page, none for homes and category pages.
        assert {name: lang["page_count"] for name, lang in languages.items()} == {code: count}
        assert (output / f"pagefind/{code}/pagefind.{languages[code]['hash']}.pf_meta").is_file()
        assert (output / f"pagefind/{code}/wasm.{languages[code]['wasm']}.pagefind").is_file()
        assert (output / f"pagefind/{code}/pagefind.js").is_file()
    assert "Pagefind" not in "".join(capsys.readouterr())  # its own output is kept quiet


def test_pages_link_the_search_box_to_the_bundle_under_the_base_path(site, tmp_path):
    root = site("search")
    assert run("build", root, "--base-url", "https://example.org/docs/") == 0
    page = root / "public/it/venti/index.html"
    form = search_form(page)
    assert form is not None and form.get("data-bundle") == "/docs/pagefind/it/" and form.get("data-base") == "/docs/"
    field = next(i for i in form.iter(XHTML + "input") if i.get("type") == "search")
    label = next(form.iter(XHTML + "label"))
    assert label.get("for") == field.get("id") and label.text == "Cerca"
    assert field.get("placeholder") == "Cerca nel sito"
    assert form.get("data-no-results") == "Nessun risultato per «{name}»"
    assert any("/docs/static/js/search." in src for src in scripts(page))
    assert search_form(root / "public/en/venti/index.html").find(XHTML + "label").text == "Search"


def test_fallback_pages_are_left_out_of_the_index(site, tmp_path):
    root = site("search")
    assert run("build", root) == 0
    output = root / "public"
    # maestrale has no English text: its English page shows the Italian original and is not indexed as English.
    counts = {code: lang["page_count"] for bundle in ("en", "it") for code, lang in entry(output, bundle)["languages"].items()}
    assert counts == {"en": 1, "it": 2}
    bodies = {path: [d for d in find_all(parse_html(output / path), "div") if d.get("data-pagefind-body") is not None]
              for path in ("en/maestrale/index.html", "it/maestrale/index.html", "en/venti/index.html")}
    assert bodies["en/maestrale/index.html"] == []
    assert len(bodies["it/maestrale/index.html"]) == len(bodies["en/venti/index.html"]) == 1
    assert "article-body" in bodies["en/venti/index.html"][0].get("class")


def test_search_false_writes_no_index_and_renders_no_box(site, tmp_path):
    root = site("search")
    config = root / "site.toml"
    config.write_text(config.read_text().replace('fallback = "notice"', 'fallback = "notice"\nsearch = false'))
    assert run("build", root) == 0
    output = root / "public"
    assert not (output / "pagefind").exists()
    for page in output.rglob("*.html"):
        assert search_form(page) is None, page
        assert not any("search." in src for src in scripts(page)), page


def test_preview_pages_have_the_search_box(site):
    """The preview indexes in the background (test_reading.py); its pages link the box to the bundles as a build's do."""
    live = LiveSite(BuildOptions(site_dir=site("search")))
    assert live.rebuild().ok
    bundles = {search_form_of(live.outputs[path]).get("data-bundle") for path in ("it/venti/index.html", "en/venti/index.html")}
    assert bundles == {"/pagefind/it/", "/pagefind/en/"}
    assert not any(path.startswith("pagefind/") for path in live.outputs)  # the index is not part of the build


def search_form_of(html: bytes):
    """Return the search form of a page's HTML, or None."""
    document = html5lib.parse(html, namespaceHTMLElements=True)
    return next((f for f in find_all(document, "form") if f.get("role") == "search"), None)


def test_a_failing_pagefind_leaves_the_previous_output_untouched(site, tmp_path, monkeypatch, capsys):
    root = site("search")
    assert run("build", root) == 0
    before = tree(root / "public")
    (root / "content/it/venti.md").write_text((root / "content/it/venti.md").read_text() + "\nNuovo testo.\n")
    failing = [sys.executable, "-c", "import sys; print('Error: the index is on fire', file=sys.stderr); sys.exit(3)"]
    monkeypatch.setattr(babelsite.output.search, "pagefind_command", lambda config: failing)
    capsys.readouterr()
    assert run("build", root) == 1
    err = capsys.readouterr().err
    assert ("site.toml: error: search indexing failed: Pagefind exited with status 3: Error: the index is on fire; "
            "fix what Pagefind reports, or set search = false in site.toml to build without search") in err
    assert "Traceback" not in err and "build failed with 1 error" in err
    assert tree(root / "public") == before
    assert sorted(p.name for p in root.iterdir()) == [".babelsite-cache", "content", "public", "site.toml"]  # no staging


def test_a_missing_pagefind_binary_is_a_diagnostic(site, tmp_path, monkeypatch, capsys):
    root = site("search")
    monkeypatch.setattr(babelsite.output.search, "pagefind_command", lambda config: [str(tmp_path / "no-such-pagefind")])
    assert run("build", root) == 1
    err = capsys.readouterr().err
    assert "site.toml: error: search indexing failed: cannot run Pagefind" in err and "Traceback" not in err
    assert not (root / "public").exists()


def test_a_page_at_the_bundle_path_is_an_error(site, capsys):
    root = site("search")
    article = root / "content/it/maestrale.md"
    article.write_text(article.read_text().replace("category: Meteo", "category: Meteo\naliases: [/pagefind/]"))
    assert run("build", root) == 1
    assert "site.toml: error: the site already has a /pagefind/ path, where the search index goes" in \
        capsys.readouterr().err


def test_unchanged_index_files_keep_their_mtime(site):
    root = site("search")
    assert run("build", root) == 0
    output = root / "public"
    before = {p: p.stat().st_mtime_ns for p in (output / "pagefind").rglob("*") if p.is_file()}
    (root / "content/en/venti.md").write_text((root / "content/en/venti.md").read_text() + "\nA new line.\n")
    assert run("build", root) == 0
    after = {p: p.stat().st_mtime_ns for p in (output / "pagefind").rglob("*") if p.is_file()}
    kept = {p.relative_to(output).as_posix() for p in after if after[p] == before.get(p)}
    italian = {p.relative_to(output).as_posix() for p in (output / "pagefind/it").rglob("*") if p.is_file()}
    assert italian and italian <= kept  # the Italian bundle was not indexed again
    assert "pagefind/en/pagefind.js" in kept  # unchanged files of the English bundle keep their mtime
    assert not any(name.startswith("pagefind/en/pagefind.en_") for name in kept)  # its index did change


def test_chinese_or_japanese_sites_use_the_extended_pagefind(tmp_path):
    (tmp_path / "site.toml").write_text('title = "T"\ndefault_language = "en"\n[languages.en]\n[languages.zh-Hans]\n')
    assert Path(babelsite.output.search.pagefind_command(load_config(tmp_path))[0]).name.startswith("pagefind_extended")
    (tmp_path / "site.toml").write_text('title = "T"\ndefault_language = "en"\n[languages.en]\n[languages.it]\n')
    assert Path(babelsite.output.search.pagefind_command(load_config(tmp_path))[0]).name in ("pagefind", "pagefind.exe")


def test_a_chinese_site_without_the_extended_pagefind_names_the_cjk_extra(site, monkeypatch, capsys):
    root = site("scripts")
    monkeypatch.setitem(sys.modules, "pagefind_bin_extended", None)  # as when the cjk extra is not installed
    expected = ("site.toml: error: search in zh-Hans needs Pagefind's extended binary, which splits Chinese and "
                "Japanese text into words, and it is not installed; install babelsite's cjk extra with: "
                "pip install 'babelsite[cjk]'; or set search = false in site.toml to build without search")
    assert run("build", root) == 1
    err = capsys.readouterr().err
    assert expected in err.splitlines() and "Traceback" not in err
    assert sorted(p.name for p in root.iterdir()) == ["content", "site.toml"]  # nothing written, not even staging
    assert run("check", root) == 1
    assert expected in capsys.readouterr().out.splitlines()
    (root / "site.toml").write_text("search = false\n" + (root / "site.toml").read_text(encoding="utf-8"),
                                    encoding="utf-8")
    assert run("build", root) == 0  # a site without search needs no Pagefind


# -- in a real browser ---------------------------------------------------------------------


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve a folder over HTTP on a free loopback port, as a static host would; yield its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the search fixture once and serve its output folder."""
    root = tmp_path_factory.mktemp("search") / "search"
    shutil.copytree(SITES / "search", root)
    assert run("build", root) == 0
    with serving(root / "public") as url:
        yield url


@pytest.fixture(scope="module")
def built_under_docs(tmp_path_factory):
    """Build the search fixture for base_url /docs/ and serve it there."""
    root = tmp_path_factory.mktemp("search-docs") / "search"
    shutil.copytree(SITES / "search", root)
    www = root.parent / "www"
    assert run("build", root, "--base-url", "/docs/", "--out", www / "docs") == 0
    with serving(www) as url:
        yield url


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, format, *args):  # noqa: A002 - the signature is the standard library's
        pass


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def result_links(page) -> list[str]:
    """Return the href of every search result shown on the page."""
    return page.locator(".site-search-results a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def test_an_italian_word_finds_the_italian_article_on_an_italian_page(page, built):
    page.goto(built + "/it/venti/")
    box = page.get_by_role("searchbox", name="Cerca")
    box.fill("scirocco")
    expect(page.locator(".site-search-results a").first).to_be_visible()
    links = result_links(page)
    assert "/it/venti/" in links and all(link.startswith("/it/") for link in links)
    expect(page.locator(".site-search-results")).to_contain_text("I venti del Mediterraneo")
    expect(page.locator(".site-search-results mark").first).to_contain_text("scirocco")
    # Keyboard: ArrowDown moves to the first result, Enter follows it.
    box.press("ArrowDown")
    expect(page.locator(".site-search-results a").first).to_be_focused()
    target = page.locator(".site-search-results a").first.get_attribute("href")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + target)


def test_the_italian_word_finds_nothing_on_an_english_page(page, built):
    page.goto(built + "/en/venti/")
    box = page.get_by_role("searchbox", name="Search")
    box.fill("windrose")  # the English index works on this page...
    expect(page.locator(".site-search-results a")).to_have_count(1)
    assert result_links(page) == ["/en/venti/#the-compass-rose"]  # the section the word is in
    box.fill("scirocco")  # ...and holds no Italian text, not even the fallback page's
    # the query isolated, as it may run the other way
    expect(page.get_by_role("status")).to_have_text("No results for “\u2068scirocco\u2069”")
    expect(page.locator(".site-search-results a")).to_have_count(0)
    box.press("Enter")
    expect(box).to_be_focused()


def test_results_link_under_the_base_path(page, built_under_docs):
    page.goto(built_under_docs + "/docs/it/venti/")
    page.get_by_role("searchbox", name="Cerca").fill("rosa dei venti")
    expect(page.locator(".site-search-results a")).to_have_count(1)
    assert result_links(page) == ["/docs/it/venti/#la-rosa-dei-venti"]


def test_with_a_language_at_the_root_one_bundle_holds_every_language(site):
    root = site("search")
    config = root / "site.toml"
    config.write_text(config.read_text().replace('fallback = "notice"', 'fallback = "notice"\ndefault_language_at_root = true'))
    assert run("build", root) == 0
    output = root / "public"
    languages = json.loads((output / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
    assert {code: lang["page_count"] for code, lang in languages.items()} == {"en": 1, "it": 2}
    assert search_form(output / "venti/index.html").get("data-bundle") == "/pagefind/"
    assert search_form(output / "en/venti/index.html").get("data-bundle") == "/pagefind/"
