"""The default theme's layout in a real browser: columns by width, the drawer, the language menu, the theme control, print, weight."""

from __future__ import annotations

import gzip
import io
import re
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from test_browser import browser  # noqa: F401 - the module's Chromium, launched as the preview tests launch it
from test_quality import axe_source
from test_site_browser import StaticHandler, build_copy, serve

WIDTHS = [1280, 768, 375, 320]
# One article per kind of site: a documentation tree (LTR), the flat glossary (categories, no sections), Arabic (RTL).
ARTICLES = {"docs": "/en/docs/concepts/signals/traces/", "sample": "/en/latent_space/", "rtl": "/ar/latent-space/"}
SITES = {"docs": "examples/docs", "sample": "sample", "rtl": "rtl", "many": "many_languages"}
WEIGHT_BUDGET = 50_000


class CompressingHandler(StaticHandler):
    """Serve text files gzip-compressed, as static hosts do, so the browser reports what a reader downloads."""

    def send_head(self):
        """Answer a text file gzip-compressed when the browser accepts it; anything else as before."""
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in (".css", ".js", ".html", ".svg") \
                or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """Build each site once for the module."""
    return {name: build_copy(site, tmp_path_factory.mktemp(name)) for name, site in SITES.items()}


@pytest.fixture(scope="module")
def urls(outputs):
    """Serve each built site for the module."""
    with ExitStack() as stack:
        yield {name: stack.enter_context(serve(folder)) for name, folder in outputs.items()}


@contextmanager
def opened(browser, url: str | None, width: int, scheme: str = "light", height: int = 800, **options):  # noqa: F811
    """Yield a page of a new browser context at this size and colour scheme, at url if given; close the context after."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme, **options)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        if url is not None:
            page.goto(url)
        yield page
    finally:
        context.close()


def overflow(page) -> list[str]:
    """Return the elements that stick out of the window sideways (empty when the page does not scroll sideways)."""
    if page.evaluate("document.documentElement.scrollWidth <= innerWidth"):
        return []
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => { const r = e.getBoundingClientRect(); return r.right > innerWidth + 0.5 || r.left < -0.5; })
        .filter(e => !e.closest('pre, table, .site-nav'))
        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')).slice(0, 10)""") or ["(scrollWidth)"]


def is_phone(width: int) -> bool:
    """Tell whether the theme shows the tree as a drawer at this width."""
    return width < 768


@pytest.mark.parametrize("site", ARTICLES)
@pytest.mark.parametrize("width", WIDTHS)
def test_no_overflow_and_the_current_page_is_marked_in_the_tree(browser, urls, site, width):  # noqa: F811
    """At every width, light and dark: nothing wider than the window, and the tree shows where the reader is."""
    for scheme in ("light", "dark"):
        with opened(browser, urls[site] + ARTICLES[site], width, scheme) as page:
            assert overflow(page) == [], f"{site} at {width}px ({scheme})"
            if is_phone(width):
                expect(page.locator(".site-nav")).not_to_be_in_viewport()
                header = page.locator(".site-header").bounding_box()
                assert header["height"] < 64, header  # one row
                page.locator(".menu-button").click()
            current = page.locator(".site-nav a[aria-current]")
            expect(current).to_have_count(1)
            expect(current).to_be_in_viewport()
            assert overflow(page) == [], f"{site} at {width}px ({scheme}) with the drawer open"


def column(page, selector: str) -> tuple[float, float]:
    """Return the left and right edges of an element."""
    box = page.locator(selector).first.bounding_box()
    return box["x"], box["x"] + box["width"]


@pytest.mark.parametrize("site", ["docs", "rtl"])
def test_three_columns_at_1280_two_at_768(browser, urls, site):  # noqa: F811
    """Wide: tree, text, contents side by side in reading order; medium: tree beside the text, the contents inline."""
    rtl = site == "rtl"
    with opened(browser, urls[site] + ARTICLES[site], 1280) as page:
        tree, text, toc = column(page, ".site-nav"), column(page, ".article-body"), column(page, ".toc")
        order = [toc, text, tree] if rtl else [tree, text, toc]
        assert order[0][1] <= order[1][0] and order[1][1] <= order[2][0], order
        measure = page.evaluate("""() => { const p = document.querySelector('.article-body p');
            return p.getBoundingClientRect().width / parseFloat(getComputedStyle(p).fontSize); }""")
        assert 30 < measure < 45, measure  # about 70 characters (a character is about half an em)
        page.set_viewport_size({"width": 768, "height": 800})
        tree, text, toc = column(page, ".site-nav"), column(page, ".article-body"), column(page, ".toc")
        assert (tree[0] >= text[1]) if rtl else (tree[1] <= text[0])
        assert toc == pytest.approx(text, abs=1)  # in the text's column
        assert page.locator(".toc").bounding_box()["y"] < page.locator(".article-body").bounding_box()["y"]
        if rtl:  # a left-to-right fallback text in the right-to-left page keeps the text's column
            page.set_viewport_size({"width": 1280, "height": 800})
            page.goto(urls[site] + "/ar/sampler/")
            tree, text = column(page, ".site-nav"), column(page, ".article-body")
            assert text[1] <= tree[0] and text[1] - text[0] > 500, (tree, text)


@pytest.mark.parametrize("site", ["docs", "sample", "rtl"])
def test_the_contents_and_the_tree_stay_in_view_and_mark_the_section_read(browser, urls, site):  # noqa: F811
    """Scrolled to each heading, 'On this page' marks its link (and only it); the tree and the contents stay on screen."""
    with opened(browser, urls[site] + ARTICLES[site], 1280, height=500) as page:
        links = page.locator(".toc a")
        assert links.count() >= 2
        current = page.locator(".toc a[aria-current]")
        expect(current).to_have_attribute("href", links.first.get_attribute("href"))
        for index in reversed(range(links.count())):
            links.nth(index).click()
            expect(current).to_have_attribute("href", links.nth(index).get_attribute("href"))
            expect(current).to_have_count(1)
            assert page.evaluate("scrollY") > 0
            expect(page.locator(".toc h2")).to_be_in_viewport()
            expect(page.locator(".site-nav .nav-heading")).to_be_in_viewport()
        page.mouse.wheel(0, -10_000)  # scrolled back up: the first section again
        expect(current).to_have_attribute("href", links.first.get_attribute("href"))


@pytest.mark.parametrize("site", ["docs", "rtl"])
def test_the_drawer_opens_keeps_focus_and_closes_by_keyboard(browser, urls, site):  # noqa: F811
    with opened(browser, urls[site] + ARTICLES[site], 375) as page:
        button = page.locator(".menu-button")
        button.focus()
        page.keyboard.press("Enter")
        expect(button).to_have_attribute("aria-expanded", "true")
        nav = page.locator(".site-nav")
        expect(nav).to_be_in_viewport()
        expect(page.locator(".site-nav a[aria-current]")).to_be_focused()
        for _ in range(page.locator(".site-nav a, .site-nav button, .site-nav summary, .site-nav select").count() + 2):
            page.keyboard.press("Tab")
            assert page.evaluate("document.getElementById('site-nav').contains(document.activeElement)")
        page.keyboard.press("Shift+Tab")
        assert page.evaluate("document.getElementById('site-nav').contains(document.activeElement)")
        page.keyboard.press("Escape")
        expect(button).to_have_attribute("aria-expanded", "false")
        expect(button).to_be_focused()
        expect(nav).not_to_be_in_viewport()
        expect(page.locator(".site-nav a").first).to_have_css("visibility", "hidden")  # once its transition ends


def test_without_script_the_menu_link_leads_to_the_tree_as_a_plain_list(browser, urls):  # noqa: F811
    with opened(browser, urls["docs"] + ARTICLES["docs"], 375, java_script_enabled=False) as page:
        expect(page.locator(".menu-button")).to_be_hidden()
        link = page.locator(".menu-link")
        expect(link).to_be_visible()
        link.click()
        nav = page.locator(".site-nav")
        expect(nav).to_be_in_viewport()
        assert nav.bounding_box()["y"] > page.locator("main").bounding_box()["y"]  # after the text
        expect(page.locator(".site-nav a[aria-current]")).to_be_visible()
        page.locator(".language-menu-button").click()  # <details> opens without script
        expect(page.locator(".language-menu-list a[hreflang=fr]")).to_be_visible()


@pytest.mark.parametrize("site", ["sample", "rtl"])
def test_the_language_menu_opens_moves_and_closes_by_keyboard(browser, urls, site):  # noqa: F811
    with opened(browser, urls[site] + ARTICLES[site], 375) as page:
        summary = page.locator(".language-menu-button")
        links = page.locator(".language-menu-list a")
        expect(links.first).to_be_hidden()
        summary.focus()
        page.keyboard.press("Enter")
        expect(links.first).to_be_visible()
        page.keyboard.press("ArrowDown")
        expect(links.nth(0)).to_be_focused()
        page.keyboard.press("ArrowDown")
        expect(links.nth(1)).to_be_focused()
        page.keyboard.press("End")
        expect(links.last).to_be_focused()
        page.keyboard.press("ArrowUp")
        expect(links.nth(links.count() - 2)).to_be_focused()
        assert overflow(page) == []
        page.keyboard.press("Escape")
        expect(links.first).to_be_hidden()
        expect(summary).to_be_focused()


def test_the_language_menu_lists_thirty_languages_in_a_scrolling_column_saying_which_have_the_page(browser, urls):  # noqa: F811
    """Every language by its native name, one per row, inside the window; a missing page says so in words."""
    with opened(browser, urls["many"] + "/fr/welcome/", 375, height=640) as page:
        expect(page.locator(".language-menu-code")).to_have_text("fr")  # "FR" on a phone, the native name wider
        expect(page.locator(".language-menu-button")).to_have_accessible_name(re.compile("Langues: Français"))
        page.locator(".language-menu-button").click()
        menu = page.locator(".language-menu-list")
        entries = menu.locator("a")
        expect(entries).to_have_count(30)
        box = menu.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["y"] + box["height"] <= 640, box
        assert menu.evaluate("m => m.scrollHeight > m.clientHeight")  # it scrolls rather than running off the screen
        lefts = {round(entries.nth(i).bounding_box()["x"]) for i in range(30)}
        assert len(lefts) == 1, lefts  # a column, not a wrapped row
        names = {entry.get_attribute("hreflang"): entry.locator(".language-name").inner_text() for entry in entries.all()}
        assert (names["ja"], names["de"], names["ar"], names["en"]) == ("日本語", "Deutsch", "العربية", "English")
        states = {entry.get_attribute("hreflang"): entry.locator(".language-state").inner_text() for entry in entries.all()}
        assert states["fr"] == "Langue actuelle" and states["en"] == "Traduite"
        assert states["de"] == "Pas encore traduite : ouvre la page d'accueil"
        missing = menu.locator("a[hreflang=de]")
        expect(missing).to_have_class("missing")
        expect(missing).to_have_attribute("href", "/de/#not-translated")
        page.keyboard.press("End")
        expect(entries.last).to_be_focused()
        expect(entries.last).to_be_in_viewport()


def test_with_fallback_notice_a_missing_language_leads_to_the_page_in_its_original_text(browser, urls):  # noqa: F811
    with opened(browser, urls["rtl"] + "/en/sampler/", 1280) as page:
        page.locator(".language-menu-button").click()
        arabic = page.locator(".language-menu-list a[hreflang=ar]")
        expect(arabic).to_have_class("missing")
        expect(arabic.locator(".language-state")).to_have_text("Not translated yet: shown in the original language")
        arabic.click()
        page.wait_for_url(urls["rtl"] + "/ar/sampler/")
        expect(page.locator(".fallback-notice")).to_be_visible()


def test_the_theme_control_is_labelled_kept_and_applied_before_the_first_paint(browser, urls):  # noqa: F811
    url = urls["docs"] + ARTICLES["docs"]
    with opened(browser, url, 1280, "light") as page:
        select = page.get_by_label("Theme").first
        expect(select).to_have_value("auto")
        assert [o.inner_text() for o in select.locator("option").all()] == ["Auto", "Light", "Dark"]
        select.select_option("dark")
        assert page.evaluate("[document.documentElement.dataset.theme, localStorage.getItem('babelsite.theme')]") == ["dark", "dark"]
        # Without site.js (deferred), the saved theme is already applied: no flash of the light page.
        page.route("**/site.*js", lambda route: route.abort())
        page.goto(url)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(22, 24, 29)"
        page.unroute("**/site.*js")
        page.goto(url)
        expect(page.get_by_label("Theme").first).to_have_value("dark")
        page.get_by_label("Theme").first.select_option("auto")
        assert page.evaluate("[document.documentElement.hasAttribute('data-theme'), localStorage.getItem('babelsite.theme')]") == [False, None]


def test_no_request_fails_and_the_favicon_is_an_svg(browser, urls):  # noqa: F811
    with opened(browser, None, 1280) as page:
        failed, errors = [], []
        page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(urls["docs"] + ARTICLES["docs"])
        page.wait_for_load_state("networkidle")
        icon = page.locator("link[rel=icon]")
        assert icon.get_attribute("type") == "image/svg+xml"
        assert page.request.get(urls["docs"] + icon.get_attribute("href")).status == 200
        assert (failed, errors) == ([], [])


def test_print_leaves_out_the_chrome_and_prints_the_sources_addresses(browser, urls):  # noqa: F811
    with opened(browser, urls["sample"] + ARTICLES["sample"], 1280) as page:
        page.emulate_media(media="print")
        for selector in (".site-header", ".site-nav", ".site-footer", ".toc", ".prev-next, .breadcrumbs", "button"):
            for element in page.locator(selector).all():
                assert element.evaluate("e => getComputedStyle(e).display") == "none", selector
        expect(page.locator(".article-body")).to_be_visible()
        source = page.locator(".sources a[rel~=external]").first
        after = source.evaluate("a => getComputedStyle(a, '::after').content")
        assert source.get_attribute("href") in after


def css_and_script_bytes(page) -> dict[str, int]:
    """Return the bytes each stylesheet and script of the page took over the network (search index excluded)."""
    return page.evaluate("""() => Object.fromEntries(performance.getEntriesByType('resource')
        .filter(r => /\\.(css|js)(\\?|$)/.test(r.name) && !r.name.includes('/pagefind/'))
        .map(r => [new URL(r.name).pathname, r.encodedBodySize]))""")


def test_the_first_visit_of_an_article_downloads_under_50_kb_of_css_and_script(browser, outputs):  # noqa: F811
    """Measured as a host serves the files (gzip); the figure goes into docs/performance.md."""
    with serve(outputs["docs"], CompressingHandler) as url, opened(browser, url + ARTICLES["docs"], 1280) as page:
        page.wait_for_load_state("networkidle")
        sizes = css_and_script_bytes(page)
        assert any(name.endswith(".css") for name in sizes) and any(name.endswith(".js") for name in sizes), sizes
        total = sum(sizes.values())
        print(f"\ncss+js on the first visit of an article: {total} bytes (gzip) {sizes}")
        assert 0 < total < WEIGHT_BUDGET, sizes


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violations_with_the_menus_open(browser, urls, scheme):  # noqa: F811
    """axe-core, colour contrast included, on the docs tree and the Arabic page, with the drawer and the language menu open."""
    report = []
    for site in ("docs", "rtl"):
        for width, opener in ((1280, ".language-menu-button"), (375, ".menu-button"), (375, ".language-menu-button")):
            with opened(browser, urls[site] + ARTICLES[site], width, scheme) as page:
                page.locator(opener).click()
                page.wait_for_timeout(250)  # the drawer's slide
                page.evaluate(axe_source())
                violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
                report += [f"{site} {width} {opener} {v['impact']} {v['id']}: {[n['target'] for n in v['nodes'][:3]]}"
                           for v in violations if v["impact"] in ("serious", "critical")]
    assert report == [], "\n".join(report)

