"""A built site in a real browser: language switching, the remembered language, small screens, right to left."""

from __future__ import annotations

import functools
import shutil
import threading
from contextlib import contextmanager
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import REPO, SITES, crawl, run
from test_browser import browser  # noqa: F401 - the module's Chromium, launched as the preview tests launch it

NARROW = {"width": 375, "height": 740}
WIDE = {"width": 1280, "height": 900}
# Article, home, category, root (as readers without script see it) and 404, in Italian and French.
NARROW_PAGES = ["/it/vae/", "/fr/latent_space/", "/it/", "/fr/", "/it/categories/system-anatomy/",
                "/fr/categories/generation-settings/", "/", "/fr/no-such-page/"]


class StaticHandler(SimpleHTTPRequestHandler):
    """Serve a built output folder as a static host does: 404.html for what is not there."""

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def send_error(self, code, message=None, explain=None):
        """Answer a missing file with the site's own 404 page."""
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextmanager
def serve(folder: Path, handler: type[SimpleHTTPRequestHandler] = StaticHandler):
    """Serve a folder on 127.0.0.1 at a free port in a thread; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def build_copy(name: str, tmp: Path) -> Path:
    """Copy the sample site (repository root), an example (`examples/docs`) or a fixture site into tmp, build it and return the output."""
    site_dir = tmp / name.replace("/", "-")
    if name.startswith("examples/"):
        shutil.copytree(REPO / name, site_dir)
    elif name == "sample":
        site_dir.mkdir()
        shutil.copytree(REPO / "content", site_dir / "content")
        shutil.copy(REPO / "site.toml", site_dir / "site.toml")
    else:
        shutil.copytree(SITES / name, site_dir)
    assert run("build", site_dir, "--out", site_dir / "public") == 0
    return site_dir / "public"


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory):
    with serve(build_copy("sample", tmp_path_factory.mktemp("sample"))) as url:
        yield url


@pytest.fixture(scope="module")
def rtl_output(tmp_path_factory):
    return build_copy("rtl", tmp_path_factory.mktemp("rtl"))


@pytest.fixture(scope="module")
def rtl_url(rtl_output):
    with serve(rtl_output) as url:
        yield url


@pytest.fixture
def context(browser):  # noqa: F811 - the imported fixture
    context = browser.new_context(viewport=WIDE)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def open_without_script(context, url: str, script: str = "root.js"):
    """Open a page with one of its scripts blocked, as a reader without script sees it."""
    page = context.new_page()
    page.route(f"**/{script.removesuffix('.js')}.*js", lambda route: route.abort())
    page.goto(url)
    return page


def switcher_link(page, lang: str):
    """Open the language menu and return its entry for `lang`."""
    menu = page.locator(".language-menu")
    if menu.get_attribute("open") is None:
        page.locator(".language-menu-button").click()
    return page.locator(f".language-switcher a[hreflang='{lang}']")


def html_lang(page) -> str:
    return page.evaluate("document.documentElement.lang")


def test_the_switcher_leads_to_the_same_article_and_back(context, sample_url):
    """Italian to French and back on the same article."""
    page = context.new_page()
    page.goto(sample_url + "/it/latent_space/")
    switcher_link(page, "fr").click()
    page.wait_for_url(sample_url + "/fr/latent_space/")
    assert html_lang(page) == "fr"
    expect(page.locator(".language-switcher [aria-current=page] .language-name")).to_have_text("Français")
    switcher_link(page, "it").click()
    page.wait_for_url(sample_url + "/it/latent_space/")
    assert html_lang(page) == "it"


def test_the_root_page_sends_the_reader_to_the_last_language_chosen(context, sample_url):
    """A switcher choice is remembered: / then lands on that language, and on the next one chosen."""
    page = context.new_page()
    page.goto(sample_url + "/it/latent_space/")
    switcher_link(page, "fr").click()
    page.wait_for_url("**/fr/latent_space/")
    page.goto(sample_url + "/")
    page.wait_for_url(sample_url + "/fr/")
    switcher_link(page, "es").click()
    page.wait_for_url(sample_url + "/es/")
    page.goto(sample_url + "/")
    page.wait_for_url(sample_url + "/es/")
    assert html_lang(page) == "es"


@pytest.mark.parametrize(("locale", "home"), [("pt-BR", "/pt/"), ("de-DE", "/en/")])
def test_without_a_choice_the_root_page_follows_the_browser_language(browser, sample_url, locale, home):  # noqa: F811
    """The browser's language when it is a site language, else the default language."""
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        page.goto(sample_url + "/")
        page.wait_for_url(sample_url + home)
    finally:
        context.close()


def test_a_missing_translation_is_marked_and_leads_to_a_home_that_says_so(context, sample_url):
    """/it/vae/ has no French version: the link says so, and the French home shows a French notice."""
    page = context.new_page()
    page.goto(sample_url + "/fr/")
    expect(page.locator("#not-translated")).to_be_hidden()  # a plain visit to the home has no notice
    page.goto(sample_url + "/it/vae/")
    french = switcher_link(page, "fr")
    expect(french).to_have_class("missing")
    expect(french.locator(".language-state")).to_have_text("Non ancora tradotta: apre la pagina iniziale")
    expect(french.locator(".language-state")).to_be_visible()  # said in words, to every reader
    french.click()
    page.wait_for_url(sample_url + "/fr/#not-translated")
    notice = page.locator("#not-translated")
    expect(notice).to_be_visible()
    expect(notice).to_be_in_viewport()
    expect(notice).to_have_text("La page que vous lisiez n'a pas encore été traduite dans cette langue.")
    assert html_lang(page) == "fr"
    assert page.evaluate("localStorage.getItem('babelsite.lang')") == "fr"


def test_the_404_page_links_each_language_home_unmarked(context, sample_url):
    """A missing URL gets the 404 page, whose switcher leads to each home without a 'not translated' mark."""
    page = context.new_page()
    response = page.goto(sample_url + "/fr/no-such-page/")
    assert response.status == 404
    assert page.locator(".language-switcher a").count() == 5
    assert page.locator(".language-switcher a.missing").count() == 0
    page.locator(".not-found a[hreflang=fr]").click()
    page.wait_for_url(sample_url + "/fr/")


@pytest.mark.parametrize("path", NARROW_PAGES)
def test_pages_fit_a_375_pixel_wide_screen(browser, sample_url, tmp_path, path):  # noqa: F811
    """No horizontal scrolling on a phone, in light and dark; screenshots go to tmp_path."""
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport=NARROW, color_scheme=scheme)
        try:
            page = open_without_script(context, sample_url + path)
            expect(page.locator("h1")).to_be_visible()
            width = page.evaluate("document.documentElement.scrollWidth")
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5 && !e.closest('pre, table'))
                .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""")
            assert width <= NARROW["width"], f"{path} ({scheme}) is {width}px wide; too wide: {wide[:10]}"
            page.screenshot(path=tmp_path / f"{scheme}{path.replace('/', '_')}.png", full_page=True)
        finally:
            context.close()


def box(page, selector: str) -> dict[str, float]:
    return page.locator(selector).first.bounding_box()


def text_box(page, selector: str) -> dict[str, float]:
    """Return the left and right of the text of an element (not of its box)."""
    return page.evaluate("""selector => {
        const range = document.createRange();
        range.selectNodeContents(document.querySelector(selector));
        const rect = range.getBoundingClientRect();
        return {left: rect.left, right: rect.right};
    }""", selector)


def test_a_right_to_left_page_is_mirrored(context, rtl_url, tmp_path):
    """Arabic: dir=rtl, the sidebar on the right, headings and list items start at the right edge."""
    page = context.new_page()
    page.goto(rtl_url + "/ar/latent-space/")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    nav, main = box(page, "nav.site-nav"), box(page, "main")
    assert nav["x"] >= main["x"] + main["width"], (nav, main)
    title, heading = box(page, ".site-title"), text_box(page, "main h1")
    assert title["x"] > WIDE["width"] / 2  # the site title starts the header, at the right
    assert abs(heading["right"] - (main["x"] + main["width"])) < 2
    items = page.evaluate("""() => {
        const ul = document.querySelector('.article-body ul'), style = getComputedStyle(ul);
        const range = document.createRange();
        range.selectNodeContents(ul.querySelector('li'));
        return {left: parseFloat(style.paddingLeft), right: parseFloat(style.paddingRight),
                start: ul.getBoundingClientRect().right - parseFloat(style.paddingRight),
                text: range.getBoundingClientRect().right, direction: getComputedStyle(ul.firstElementChild).direction};
    }""")
    assert items["left"] == 0 and items["right"] > 0, items  # the markers hang in the right-hand padding
    assert abs(items["text"] - items["start"]) < 2 and items["direction"] == "rtl", items
    source, backref = box(page, ".sources a[rel~=external]"), box(page, ".sources .backref")
    assert source["x"] + source["width"] <= backref["x"]  # a left-to-right source title stays whole, after the ↑ links
    page.screenshot(path=tmp_path / "ar-latent-space.png", full_page=True)


def test_a_left_to_right_fallback_keeps_its_direction_inside_a_right_to_left_page(context, rtl_url, tmp_path):
    """The English-only article in the Arabic chrome: the chrome mirrors, the English text runs left to right."""
    page = context.new_page()
    page.goto(rtl_url + "/ar/sampler/")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    article = page.locator("main article")
    assert (article.get_attribute("lang"), article.get_attribute("dir")) == ("en", "ltr")
    nav, main = box(page, "nav.site-nav"), box(page, "main")
    assert nav["x"] >= main["x"] + main["width"]
    notice = page.locator(".fallback-notice")
    expect(notice).to_be_visible()
    assert notice.evaluate("n => getComputedStyle(n).direction") == "rtl"
    assert notice.evaluate("n => parseFloat(getComputedStyle(n).borderRightWidth)") > 1  # the accent on its start side
    article_box, heading = box(page, "main article .article-body"), text_box(page, "main article h1")  # its text column
    assert abs(heading["left"] - article_box["x"]) < 2
    for selector in (".article-body p", ".article-body li", ".article-body pre"):
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).direction") == "ltr", selector
    page.screenshot(path=tmp_path / "ar-sampler.png", full_page=True)


@pytest.mark.parametrize("path", ["/ar/latent-space/", "/ar/sampler/", "/ar/"])
def test_right_to_left_pages_fit_a_375_pixel_wide_screen(browser, rtl_url, tmp_path, path):  # noqa: F811
    """No horizontal scrolling in Arabic either."""
    context = browser.new_context(viewport=NARROW)
    try:
        page = context.new_page()
        page.goto(rtl_url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
        page.screenshot(path=tmp_path / f"narrow{path.replace('/', '_')}.png", full_page=True)
    finally:
        context.close()


def test_the_right_to_left_site_has_no_broken_links(rtl_output):
    """Every internal link of the fixture lands on a file."""
    assert crawl(rtl_output, "/") == {}
