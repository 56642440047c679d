"""Reading an article: citations and notes, code blocks, search by keyboard, descriptions; built and in a browser."""

from __future__ import annotations

import re
import shutil
import threading

import pytest
from playwright.sync_api import expect

import babelsite.serve.search
from babelsite.build import BuildOptions
from babelsite.serve.server import PreviewServer
from conftest import SITES, XHTML, find_all, parse_html, run
from test_browser import browser  # noqa: F401 - the module's Chromium
from test_quality import SERIOUS, axe_source, describe_node, nu_errors
from test_serve import Log
from test_site_browser import build_copy, serve

ARTICLE = "/en/guide/diffusion/"
NO_BREAK = ("\u00a0", "\u2060")  # a no-break space or a word joiner between a word and its mark


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    return build_copy("reading", tmp_path_factory.mktemp("reading"))


@pytest.fixture(scope="module")
def url(output):
    with serve(output) as address:
        yield address


def page_of(output, path: str):
    return parse_html(output / path.strip("/") / "index.html")


def by_class(document, tag: str, name: str) -> list:
    return [e for e in find_all(document, tag) if name in (e.get("class") or "").split()]


def text(element) -> str:
    return "".join(element.itertext())


# -- the built HTML ------------------------------------------------------------------------


def test_a_citation_is_named_by_its_source_and_glued_to_its_word(output):
    document = page_of(output, ARTICLE)
    links = [a for sup in by_class(document, "sup", "citation") for a in find_all(sup, "a")]
    assert len(links) > 20
    names = {a.text: a.get("aria-label") for a in links}
    assert names["1"] == ("Source 1: High-Resolution Image Synthesis with Latent Diffusion Models, by Robin "
                          "Rombach…")  # cut at a word, under 80 characters of the source's text
    assert names["3"] == "Source 3: Classifier-Free Diffusion Guidance"
    assert all(a.get("title") == a.get("aria-label") for a in links)  # the tooltip says the same
    italian = [a for sup in by_class(page_of(output, "/it/guide/diffusion/"), "sup", "citation") for a in find_all(sup, "a")]
    assert italian[0].get("aria-label") == "Fonte 1: High-Resolution Image Synthesis with Latent Diffusion Models"
    html = (output / ARTICLE.strip("/") / "index.html").read_text(encoding="utf-8")
    marks = [match.start() for match in re.finditer(r'<sup class="(?:citation|footnote-ref)"', html)]
    assert len(marks) > 30 and [html[at - 8:at] for at in marks if html[at - 1] not in NO_BREAK] == []


@pytest.mark.parametrize(("path", "heading", "backrefs"), [
    (ARTICLE, "Notes", ["Back to note 1a", "Back to note 1b"]),  # a note referred to many times
    ("/it/guide/diffusion/", "Note", ["Torna alla nota 1"]),
])
def test_notes_look_unlike_citations_and_come_under_their_heading_before_the_sources(output, path, heading, backrefs):
    document = page_of(output, path)
    marks = by_class(document, "sup", "footnote-ref")
    assert marks and all(text(m).isdigit() for m in marks)  # a bare number; a citation is bracketed
    section = by_class(document, "section", "footnotes")[0]
    assert section.get("aria-labelledby") == "notes-heading"
    assert [(h.get("id"), text(h)) for h in find_all(section, "h2")] == [("notes-heading", heading)]
    order = [e for e in document.iter() if e in (section, *by_class(document, "section", "sources"))
             or "article-body" in (e.get("class") or "")]
    assert [e.get("class") for e in order] == ["article-body", "footnotes", "sources"]
    assert not by_class(document, "hr", "footnotes-sep")
    first = by_class(section, "li", "footnote-item")[0]
    assert [text(a.find(XHTML + "span")) for a in by_class(first, "a", "footnote-backref")][:2] == backrefs


@pytest.mark.parametrize(("path", "labels", "copy", "copied"), [
    (ARTICLE, ["Python", "Bash", None], "Copy", "Copied"),
    ("/it/guide/diffusion/", ["Python"], "Copia", "Copiato"),
])
def test_a_code_block_names_its_language_and_has_a_copy_button(output, path, labels, copy, copied):
    blocks = by_class(page_of(output, path), "div", "code-block")
    names = [next((text(s) for s in by_class(block, "span", "code-language")), None) for block in blocks]
    assert names == labels
    for block in blocks:
        button = next(find_all(block, "button"))
        assert (button.get("type"), button.text, button.get("data-copied")) == ("button", copy, copied)
        assert button.get("hidden") is not None  # shown by its script only
        assert len(list(find_all(block, "pre"))) == 1


def test_the_code_script_loads_only_on_pages_with_code(output):
    def scripts(path):
        return [s.get("src") for s in find_all(page_of(output, path), "script") if s.get("src")]
    assert any("/js/code." in src for src in scripts(ARTICLE))
    assert not any("/js/code." in src for src in scripts("/en/guide/install/"))


def test_homes_and_sections_show_each_page_description(output):
    italian_home = page_of(output, "/it/")  # no index page: the theme's home lists the top sections
    entries = {text(a): text(p) for li in by_class(italian_home, "ul", "section-pages")[0]
               for a in find_all(li, "a") for p in find_all(li, "p")}
    assert entries == {"Guida": "Come i modelli di diffusione disegnano, passo dopo passo.",
                       "Reference": "Every option of the command line, one by one."}
    assert not by_class(italian_home, "section", "category-group")  # a tree's home shows no flat lists
    for path, expected in (("/en/", "How diffusion models draw pictures, step by step."),
                           ("/en/guide/", "Noise in, picture out, in about fifty steps.")):
        contents = by_class(page_of(output, path), "nav", "section-contents")[0]
        assert expected in [text(p) for p in find_all(contents, "p")], path


def test_a_glossary_home_lists_descriptions_under_its_categories(site):
    root = site("search")
    article = root / "content/it/venti.md"
    article.write_text(article.read_text().replace("category: Meteo", "category: Meteo\ndescription: Venti e rose."))
    assert run("build", root) == 0
    lists = by_class(parse_html(root / "public/it/index.html"), "ul", "article-list")
    assert "Venti e rose." in [text(p) for ul in lists for p in find_all(ul, "p")]


def test_every_page_passes_the_nu_html_checker(output):
    errors = nu_errors(sorted(output.rglob("*.html")), output.resolve())
    assert errors == [], "\n".join(errors)


# -- in the browser ------------------------------------------------------------------------


@pytest.fixture
def context(browser):  # noqa: F811 - the imported fixture
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.mark.parametrize("width", [320, 375])
def test_a_mark_never_starts_a_line_and_nothing_overflows(browser, url, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(url + ARTICLE)
        # For each mark: the box of the last character before it, and the mark's own box.
        alone = page.evaluate("""() => [...document.querySelectorAll('.article-body sup')].flatMap(mark => {
            const walker = document.createTreeWalker(mark.closest('p, li'), NodeFilter.SHOW_TEXT);
            let last = null;
            for (let node = walker.nextNode(); node && !(mark.compareDocumentPosition(node) &
                     Node.DOCUMENT_POSITION_FOLLOWING) && !mark.contains(node); node = walker.nextNode()) {
                if (node.textContent.replace(/[\\s\\u2060]/g, '')) last = node;
            }
            if (!last) return [];
            const end = last.textContent.replace(/[\\s\\u00a0\\u2060]+$/, '').length;
            const range = document.createRange();
            range.setStart(last, end - 1);
            range.setEnd(last, end);
            const word = range.getBoundingClientRect(), box = mark.getBoundingClientRect();
            const middle = (box.top + box.bottom) / 2;
            return middle >= word.top && middle <= word.bottom ? [] : [last.textContent.slice(-20) + mark.textContent];
        })""")
        assert alone == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator(".code-block pre").first.evaluate("pre => pre.scrollWidth > pre.clientWidth")
    finally:
        context.close()


@pytest.mark.parametrize(("path", "copied"), [(ARTICLE, "Copied"), ("/it/guide/diffusion/", "Copiato")])
def test_the_copy_button_copies_and_says_so(browser, url, path, copied):  # noqa: F811
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(url + path)
        button = page.locator(".code-copy").first
        button.focus()  # a real button: reached by keyboard, pressed with Enter
        page.keyboard.press("Enter")
        expect(button).to_have_text(copied)
        expect(page.get_by_role("status").filter(has_text=copied)).to_have_count(1)
        code = page.locator(".code-block pre").first.evaluate("pre => pre.textContent")
        assert page.evaluate("navigator.clipboard.readText()") == code.rstrip("\n")
    finally:
        context.close()


def test_without_script_there_is_no_copy_button(context, url):
    page = context.new_page()
    page.route("**/code.*js", lambda route: route.abort())
    page.goto(url + ARTICLE)
    expect(page.locator(".code-copy").first).to_be_hidden()


@pytest.mark.parametrize("keys", ["/", "Control+k"])
def test_a_shortcut_opens_search_and_a_result_lands_on_its_section(context, url, keys):
    page = context.new_page()
    page.goto(url + "/en/guide/install/")
    page.keyboard.press(keys)
    box = page.get_by_role("searchbox", name="Search")
    expect(box).to_be_focused()
    page.keyboard.type("quokka")
    result = page.locator(".site-search-results li").first
    expect(result.locator(".site-search-title")).to_have_text("How diffusion draws")
    expect(result.locator(".site-search-section")).to_have_text("Sampling schedules")
    expect(result.locator(".site-search-excerpt mark")).to_contain_text("quokka")
    box.press("Enter")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + ARTICLE + "#sampling-schedules")
    expect(page.locator("#sampling-schedules")).to_have_text("Sampling schedules #")


def test_slash_in_a_text_field_types_a_slash(context, url):
    page = context.new_page()
    page.goto(url + ARTICLE)
    page.evaluate("document.querySelector('main').prepend(Object.assign(document.createElement('textarea'), {id: 'notes'}))")
    page.locator("#notes").press("/")
    expect(page.locator("#notes")).to_have_value("/")
    expect(page.get_by_role("searchbox")).not_to_be_focused()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_code_blocks_and_open_search_have_no_serious_accessibility_violation(browser, url, scheme):  # noqa: F811
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(url + ARTICLE)
        page.keyboard.press("/")
        page.keyboard.type("quokka")
        expect(page.locator(".site-search-results a").first).to_be_visible()
        page.evaluate(axe_source())
        # The article and the search box; the tree menu and the header are test_quality.py's.
        violations = page.evaluate("""async () => (await axe.run({include: [['main'], ['form.site-search']]},
                                                                 {resultTypes: ['violations']})).violations""")
    finally:
        context.close()
    report = [f"{v['impact']} {v['id']}: " + "; ".join(map(describe_node, v["nodes"][:5]))
              for v in violations if v["impact"] in SERIOUS]
    assert not report, "\n".join(report)


# -- search in the preview -----------------------------------------------------------------


def test_the_preview_indexes_and_indexes_an_edit_again_without_holding_the_reload(tmp_path, context, monkeypatch):
    site_dir = tmp_path / "reading"
    shutil.copytree(SITES / "reading", site_dir)
    config = site_dir / "site.toml"  # English-only pages get Italian pages too, with the English text (not indexed)
    config.write_text(config.read_text().replace('default_language = "en"', 'default_language = "en"\nfallback = "notice"'))
    held, release = threading.Event(), threading.Event()
    index = babelsite.serve.search.run_pagefind

    def slow_index(*args, **kwargs):
        if held.is_set():
            release.wait(20)
        index(*args, **kwargs)

    monkeypatch.setattr(babelsite.serve.search, "run_pagefind", slow_index)
    preview = PreviewServer(BuildOptions(site_dir=site_dir), port=0, log=Log())
    preview.start()
    try:
        assert preview.search.wait_for(1, timeout=30)
        page = context.new_page()
        page.goto(preview.url.rstrip("/") + "/en/guide/install/")
        page.get_by_role("searchbox").fill("quokka")
        expect(page.locator(".site-search-results a").first).to_have_attribute("href", ARTICLE + "#sampling-schedules")
        page.evaluate("window.beforeReload = true")
        italian = preview.search.get("pagefind/it/pagefind-entry.json")
        held.set()  # the next indexing waits until released
        article = site_dir / "content/en/guide/install.md"  # its Italian page changes too
        article.write_text(article.read_text().replace("Install it", "A wombat can install it"))
        expect(page.locator("article")).to_contain_text("A wombat can")  # reloaded while indexing waits
        assert page.evaluate("window.beforeReload === undefined") and preview.search.passes == 1
        release.set()
        assert preview.search.wait_for(2, timeout=30)
        assert preview.search.get("pagefind/it/pagefind-entry.json") is italian  # only English was indexed again
        page.get_by_role("searchbox").fill("wombat")
        expect(page.locator(".site-search-results a").first).to_have_attribute("href", "/en/guide/install/")
    finally:
        release.set()
        preview.stop()
