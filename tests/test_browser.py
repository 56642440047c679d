"""The live preview in a real browser: Playwright driving the system Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from babelsite.build import BuildOptions
from babelsite.serve.server import PreviewServer
from conftest import SITES
from test_serve import Log

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "install Debian's chromium package (.ci/run does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def server(tmp_path):
    site_dir = tmp_path / "multi"
    shutil.copytree(SITES / "multi", site_dir)
    (site_dir / "static/css").mkdir(parents=True)
    (site_dir / "static/css/style.css").write_text("body { color: rgb(0, 0, 0); }\n")
    preview = PreviewServer(BuildOptions(site_dir=site_dir), port=0, log=Log())
    preview.start()
    yield preview
    preview.stop()


@pytest.fixture
def context(browser):
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context
    context.close()


def open_page(context, server: PreviewServer, path: str):
    page = context.new_page()
    page.goto(server.url.rstrip("/") + path)
    page.wait_for_function("() => document.querySelector('script[src$=\"live.js\"]') !== null")
    page.wait_for_timeout(300)  # let the shared worker connect its event stream
    return page


def test_an_edit_on_disk_shows_in_the_page_without_any_action(server, context):
    page = open_page(context, server, "/en/beta/")
    page.evaluate("window.beforeReload = true")
    article = server.options.site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text().replace("Beta article", "Freshly edited article"))
    expect(page.locator("article")).to_contain_text("Freshly edited article")
    assert page.evaluate("window.beforeReload === undefined")  # it reloaded


def test_broken_front_matter_shows_an_overlay_and_fixing_it_reloads(server, context):
    page = open_page(context, server, "/en/beta/")
    article = server.options.site_dir / "content/topics/beta.en.md"
    good = article.read_text()
    article.write_text(good.replace("title: Beta", "title: [Beta"))
    overlay = page.locator("#babelsite-overlay")
    expect(overlay).to_contain_text("content/topics/beta.en.md:3: error: YAML syntax error")
    article.write_text(good.replace("Beta article", "Repaired article"))
    expect(overlay).to_have_count(0)
    expect(page.locator("article")).to_contain_text("Repaired article")


def test_a_css_change_swaps_the_stylesheet_without_a_reload(server, context):
    page = open_page(context, server, "/it/alpha/")
    page.evaluate("window.stillHere = true")
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    (server.options.site_dir / "static/css/style.css").write_text("body { color: rgb(200, 0, 0); }\n")
    page.wait_for_function("getComputedStyle(document.body).color === 'rgb(200, 0, 0)'")
    assert page.evaluate("window.stillHere === true")


def test_ten_tabs_all_reload(server, context):
    pages = [open_page(context, server, "/en/beta/") for _ in range(10)]
    article = server.options.site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text().replace("Beta article", "Seen by every tab"))
    for page in pages:
        expect(page.locator("article")).to_contain_text("Seen by every tab")


def test_without_shared_worker_ten_tabs_share_one_stream_and_all_reload(server, context):
    context.add_init_script("delete window.SharedWorker;")
    pages = [open_page(context, server, "/en/beta/") for _ in range(10)]  # a stream each: the 7th would hang
    assert pages[0].evaluate("typeof SharedWorker") == "undefined"
    article = server.options.site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text().replace("Beta article", "Seen by every tab"))
    for page in pages:
        expect(page.locator("article")).to_contain_text("Seen by every tab")
    pages[0].close()  # the tab holding the stream: another one takes it over
    article.write_text(article.read_text().replace("Seen by every tab", "Seen after the first tab went"))
    for page in pages[1:]:
        expect(page.locator("article")).to_contain_text("Seen after the first tab went")


def test_a_tab_on_a_deleted_page_lands_on_the_language_home(server, context):
    page = open_page(context, server, "/en/gamma/")
    (server.options.site_dir / "content/en/gamma.md").unlink()
    page.wait_for_url("**/en/")
    expect(page.locator("h1")).to_have_text("Glossary")
