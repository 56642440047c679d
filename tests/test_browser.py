"""The live preview in a real browser: Playwright driving the system Chromium."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from babelsite.build import BuildOptions
from babelsite.locale import shipped_strings
from babelsite.serve.server import PreviewServer
from conftest import SITES
from test_serve import Log, wait_for

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


def previewed(site_dir: Path):
    """Serve a site folder in the live preview until the test ends."""
    preview = PreviewServer(BuildOptions(site_dir=site_dir), port=0, log=Log())
    preview.start()
    yield preview
    preview.stop()


@pytest.fixture
def server(tmp_path):
    site_dir = tmp_path / "multi"
    shutil.copytree(SITES / "multi", site_dir)
    (site_dir / "static/css").mkdir(parents=True)
    (site_dir / "static/css/style.css").write_text("body { color: rgb(0, 0, 0); }\n")
    yield from previewed(site_dir)


@pytest.fixture
def world_server(tmp_path):
    """The preview of a site in English, Japanese, Arabic and Ukrainian."""
    yield from previewed(shutil.copytree(SITES / "world", tmp_path / "world"))


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


def held_requests(page, pattern: str) -> list:
    """Hold a page's requests for a URL pattern until the test continues them; return the list they gather in."""
    held = []
    page.route(pattern, lambda route: held.append(route))
    return held


def wait_until_requested(page, held: list) -> None:
    for _ in range(100):
        if held:
            return
        page.wait_for_timeout(50)
    raise AssertionError("the request never came")


def test_a_tab_whose_stream_connects_after_the_reload_went_out_reloads_all_the_same(server, context):
    """The race of a tab taking over the stream: the edit is rebuilt and its reload sent before its stream connects."""
    context.add_init_script("delete window.SharedWorker;")
    page = context.new_page()
    held = held_requests(page, "**/__babelsite/events")
    page.goto(server.url.rstrip("/") + "/en/beta/")
    wait_until_requested(page, held)
    article = server.options.site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text().replace("Beta article", "Edited before the stream connected"))
    assert wait_for(lambda: server.broadcast.messages[-1][1] == "reload")
    held.pop().continue_()
    expect(page.locator("article")).to_contain_text("Edited before the stream connected")


@pytest.mark.parametrize("shared_worker", [True, False])
def test_a_tab_that_joins_the_shared_stream_after_the_reload_went_out_reloads_all_the_same(server, context,
                                                                                          shared_worker):
    """A tab served before an edit whose reload the shared stream sent before the tab listened to it."""
    if not shared_worker:
        context.add_init_script("delete window.SharedWorker;")
    first = open_page(context, server, "/en/beta/")
    late = context.new_page()
    held = held_requests(late, "**/__babelsite/live.js")
    late.goto(server.url.rstrip("/") + "/en/beta/", wait_until="commit")  # its deferred script is held
    wait_until_requested(late, held)
    article = server.options.site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text().replace("Beta article", "Edited before the tab listened"))
    expect(first.locator("article")).to_contain_text("Edited before the tab listened")  # the stream sent it
    held.pop().continue_()
    expect(late.locator("article")).to_contain_text("Edited before the tab listened")


def test_a_tab_on_a_deleted_page_lands_on_the_language_home(server, context):
    page = open_page(context, server, "/en/gamma/")
    (server.options.site_dir / "content/en/gamma.md").unlink()
    page.wait_for_url("**/en/")
    expect(page.locator("h1")).to_have_text("Glossary")


UNCITED = "sources:\n  - text: A source nobody cites\n    url: https://example.org/\n"
TWO_UNCITED = UNCITED + "  - text: Another source nobody cites\n    url: https://example.org/b\n"


def overlay_style(page, selector: str, prop: str) -> str:
    """Return a computed style of an element inside a preview panel's shadow root."""
    return page.evaluate(f"getComputedStyle(document.querySelector('{selector}').shadowRoot"
                         f".querySelector('section, aside'))['{prop}']")


def test_the_error_overlay_is_opaque_shows_the_lines_and_keeps_warnings_apart(server, context):
    page = open_page(context, server, "/en/beta/")
    gamma = server.options.site_dir / "content/en/gamma.md"
    gamma.write_text(gamma.read_text().replace("---\n", "---\n" + UNCITED, 1))  # a warning
    article = server.options.site_dir / "content/topics/beta.en.md"
    article.write_text(article.read_text().replace("title: Beta", "title: [Beta"))  # an error
    overlay = page.locator("#babelsite-overlay section")
    expect(overlay).to_contain_text("content/topics/beta.en.md:3: error: YAML syntax error")
    assert overlay_style(page, "#babelsite-overlay", "backgroundColor") == "rgb(24, 24, 27)"  # opaque
    box = page.locator("#babelsite-overlay section").bounding_box()
    assert box["x"] == 0 and box["y"] == 0 and box["width"] == page.viewport_size["width"]
    expect(page.locator("#babelsite-overlay h2")).to_have_text(
        "babelsite: the last change broke the build (1 error)")
    error = page.locator("#babelsite-overlay li.error")
    expect(error).to_have_count(1)
    # the line the diagnostic names (YAML says where it noticed) and the ones around it
    expect(error.locator("pre span")).to_have_text(["  2 | title: [Beta", "> 3 | category: Basics", "  4 | weight: 1"])
    expect(error.locator("pre span.current")).to_have_count(1)
    # the warning comes apart, under its own heading
    expect(page.locator("#babelsite-overlay h3")).to_have_text("1 warning")
    expect(page.locator("#babelsite-overlay li.warning")).to_contain_text("content/en/gamma.md")


def test_warnings_alone_show_a_dismissible_notice_not_a_broken_build(server, context):
    page = open_page(context, server, "/en/beta/")
    gamma = server.options.site_dir / "content/en/gamma.md"
    gamma.write_text(gamma.read_text().replace("---\n", "---\n" + UNCITED, 1))
    notice = page.locator("#babelsite-warnings aside")
    expect(notice).to_contain_text("babelsite: 1 warning")
    expect(page.locator("#babelsite-overlay")).to_have_count(0)
    assert "broke" not in notice.inner_text()
    assert page.locator("#babelsite-warnings").evaluate("e => e.shadowRoot.querySelector('aside').getAttribute('role')") \
        == "status"
    page.locator("#babelsite-warnings summary").click()
    expect(page.locator("#babelsite-warnings li.warning")).to_contain_text("warning:")
    box = page.locator("#babelsite-warnings aside").bounding_box()
    assert box["width"] < page.viewport_size["width"] / 2  # a corner, not over the text
    page.locator("#babelsite-warnings button").click()
    expect(page.locator("#babelsite-warnings")).to_have_count(0)
    page.reload()  # dismissed, it stays so while the warnings are the same
    page.wait_for_timeout(500)
    expect(page.locator("#babelsite-warnings")).to_have_count(0)
    other = open_page(context, server, "/it/alpha/")  # a tab that opens later is told of them, in its language
    expect(other.locator("#babelsite-warnings summary")).to_have_text("babelsite: 1 avviso")


def test_the_overlay_and_the_notice_speak_the_pages_language(world_server, context):
    """Three errors on a Ukrainian page take Ukrainian's "few" form; two warnings on an Arabic page its "two" form."""
    uk, ar = shipped_strings("uk"), shipped_strings("ar")
    page = open_page(context, world_server, "/uk/guide/")
    content = world_server.options.site_dir / "content"
    originals = {path: path.read_text("utf-8") for path in (content / "uk/guide.md", content / "ja/guide.md",
                                                            content / "ar/guide.md")}
    for path, text in originals.items():
        path.write_text(text.replace("title: ", "title: [", 1), "utf-8")
    overlay = page.locator("#babelsite-overlay section")
    expect(overlay.locator("h2")).to_have_text(f"{uk['preview_failed']} ({uk['preview_error_count']['few']})"
                                               .replace("{count}", "3"))
    expect(overlay.locator("h2 + p")).to_have_text(uk["preview_fix_hint"])
    assert (overlay.get_attribute("lang"), overlay.get_attribute("dir")) == ("uk", "ltr")
    assert overlay.locator("ol").get_attribute("lang") == "en"  # the diagnostics themselves stay English
    setup = content / "en/setup.md"
    setup.write_text(setup.read_text("utf-8").replace("---\n", "---\n" + TWO_UNCITED, 1), "utf-8")
    for path, text in originals.items():
        path.write_text(text, "utf-8")
    notice = page.locator("#babelsite-warnings aside")
    expect(notice.locator("summary")).to_have_text("babelsite: " + uk["preview_warning_count"]["few"]
                                                   .replace("{count}", "2"))
    expect(notice.locator("button")).to_have_attribute("aria-label", uk["preview_dismiss"])
    arabic = open_page(context, world_server, "/ar/guide/").locator("#babelsite-warnings aside")
    expect(arabic.locator("summary")).to_have_text("babelsite: " + ar["preview_warning_count"]["two"])
    expect(arabic.locator("button")).to_have_attribute("aria-label", ar["preview_dismiss"])
    assert (arabic.get_attribute("lang"), arabic.get_attribute("dir")) == ("ar", "rtl")
