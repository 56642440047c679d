"""Japanese, Arabic and Ukrainian pages in Chromium: no English interface text, no sideways scrolling, axe-core clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from babelsite.locale import shipped_strings
from test_browser import browser  # noqa: F401 - the module's Chromium
from test_quality import axe_violations
from test_site_browser import NARROW, build_copy, serve

LANGUAGES = ["ja", "ar", "uk"]
PAGES = ["guide/", "", "categories/basics/", "404.html"]  # article, home, category, not found
# What the theme's typography per script sets on the article page: (selector, CSS property, value).
TYPOGRAPHY = {
    "ja": [("body", "font-synthesis-style", "none"), ("body", "line-break", "strict")],
    "ar": [(".category", "letter-spacing", "normal"), ("body", "line-height", "30.6px")],  # 17px × 1.8
    "uk": [("body", "line-height", "28.05px")],  # 17px × 1.65, as for Latin text
}
# The text a reader meets in the page's own language: visible text (and text hidden for screen readers only),
# placeholders and labels; text marked as another language (a language's name, an English title) is left out.
PAGE_LANGUAGE_TEXT = """() => {
  const lang = document.documentElement.lang;
  const own = element => (element.closest('[lang]') || document.documentElement).lang === lang;
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (node.textContent.trim() && own(element) && element.checkVisibility() && !element.closest('pre, code'))
      texts.push(node.textContent.trim());
  }
  for (const element of document.querySelectorAll('[placeholder], [aria-label], [title]'))
    if (own(element)) for (const name of ['placeholder', 'aria-label', 'title'])
      if (element.getAttribute(name)) texts.push(element.getAttribute(name));
  return texts;
}"""


def english_phrases() -> set[str]:
    """Return the English interface strings as phrases to look for: the parts around their {placeholders}."""
    texts = []
    for text in shipped_strings("en").values():
        texts += [text] if isinstance(text, str) else list(text.values())
    parts = (part.strip(" .,:;“”") for text in texts for part in re.split(r"\{\w+\}", text))
    return {part for part in parts if len(part) >= 3}


@pytest.fixture(scope="module")
def world_url(tmp_path_factory):
    with serve(build_copy("world", tmp_path_factory.mktemp("world"))) as url:
        yield url


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_show_no_english_interface_text_fit_a_phone_and_pass_axe(browser, world_url, lang):  # noqa: F811
    """Article, home, category and 404 page of a language the site gives no strings of its own."""
    phrases = english_phrases()
    context = browser.new_context(viewport=NARROW)
    try:
        page = context.new_page()
        for path in PAGES:
            url = f"{world_url}/{lang}/{path}"
            page.goto(url)
            assert page.evaluate("document.documentElement.lang") == lang
            texts = page.evaluate(PAGE_LANGUAGE_TEXT)
            english = sorted({phrase for phrase in phrases for text in texts
                              if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text)})
            assert english == [], f"{url} shows English interface text: {english}"
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= NARROW["width"], f"{url} is {width}px wide at {NARROW['width']}px"
            assert axe_violations(browser, url, "light", NARROW["width"]) == []
        page.goto(f"{world_url}/{lang}/guide/")
        styles = [(selector, name, page.locator(selector).first.evaluate(
            f"element => getComputedStyle(element).getPropertyValue('{name}')")) for selector, name, _ in TYPOGRAPHY[lang]]
        assert styles == TYPOGRAPHY[lang]
    finally:
        context.close()


def test_the_search_box_counts_results_in_the_page_languages_plural_form(browser, world_url):  # noqa: F811
    """Ukrainian: one result is «1 результат» (the `one` form that Intl.PluralRules picks), not an English count."""
    context = browser.new_context(viewport=NARROW)
    try:
        page = context.new_page()
        page.goto(f"{world_url}/uk/guide/")
        page.get_by_role("searchbox").fill("олівець")
        expect(page.get_by_role("status")).to_have_text("1 результат")
    finally:
        context.close()
