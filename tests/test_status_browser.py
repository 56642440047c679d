"""The status dashboard in a real browser: no sideways scrolling on a phone, contrast in both schemes, links."""

from __future__ import annotations

import shutil

import pytest

from conftest import REPO, SITES, run
from test_browser import browser  # noqa: F401 - the module's Chromium, launched as the preview tests launch it
from test_quality import axe_violations, nu_errors
from test_site_browser import serve

MODES = [("light", 375), ("dark", 375), ("light", 1280), ("dark", 1280)]


@pytest.fixture(scope="module")
def dashboards(tmp_path_factory):
    """Write the dashboards of the sample site (five languages) and of a documentation tree, in English and in
    Arabic (right to left); return their folder."""
    tmp = tmp_path_factory.mktemp("dashboards")
    sample = tmp / "sample"
    sample.mkdir()
    shutil.copytree(REPO / "content", sample / "content")
    shutil.copy(REPO / "site.toml", sample / "site.toml")
    shutil.copytree(SITES / "status_tree", tmp / "status_tree")
    for name in ("sample", "status_tree"):
        assert run("status", tmp / name, "--format", "html", "--out", tmp / f"{name}.html") == 0
    assert run("status", tmp / "status_tree", "--format", "html", "--lang", "ar", "--out", tmp / "status_tree_ar.html") == 0
    return tmp


@pytest.fixture(scope="module")
def dashboards_url(dashboards):
    with serve(dashboards) as url:
        yield url


@pytest.mark.parametrize("name", ["sample", "status_tree", "status_tree_ar"])
@pytest.mark.parametrize("scheme, width", MODES)
def test_dashboard_fits_the_screen_and_passes_axe(browser, dashboards_url, name, scheme, width):  # noqa: F811
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{dashboards_url}/{name}.html")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        cells = page.locator("td.state")
        assert cells.count() > 0
        # Right to left in Arabic: each row starts at the right with its page, and the page header stays there.
        row_header, first_cell = page.locator("tbody th[scope=row]").first, cells.first
        starts_right = row_header.bounding_box()["x"] > first_cell.bounding_box()["x"]
        assert starts_right == name.endswith("_ar")
        assert page.evaluate("getComputedStyle(document.body).direction") == ("rtl" if name.endswith("_ar") else "ltr")
        for index in range(cells.count()):
            cell = cells.nth(index)
            if cell.get_attribute("data-state") == "missing":
                assert cell.locator("code.command").inner_text().startswith("babelsite new ")
            else:
                href = cell.locator("a.file").get_attribute("href")
                assert page.request.get(f"{dashboards_url}/{href}").ok, href
    finally:
        context.close()
    report = axe_violations(browser, f"{dashboards_url}/{name}.html", scheme, width)
    assert report == [], "axe-core violations:\n" + "\n".join(report)


def test_dashboards_pass_the_nu_html_checker(dashboards):
    pages = sorted(dashboards.glob("*.html"))
    assert len(pages) == 3
    assert nu_errors(pages, dashboards.resolve()) == []
