"""The citation rule, from a fixture file of input/expected pairs."""

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.utils import read_fixture_file

from babelsite.markdown.citations import citations_plugin
from babelsite.markdown.passes import page_passes_plugin
from mdit_py_plugins.footnote import footnote_plugin

from conftest import XHTML, find_all, parse_html, run

FIXTURES = Path(__file__).parent / "markdown" / "citations.md"


def make_parser() -> MarkdownIt:
    return (MarkdownIt("commonmark").enable("table").use(footnote_plugin).use(citations_plugin)
            .use(page_passes_plugin, glue_marks=False, headings=False))


@pytest.mark.parametrize("line,title,source,expected", read_fixture_file(FIXTURES), ids=lambda v: v if isinstance(v, str) and "\n" not in v else None)
def test_citation_fixture(line, title, source, expected):
    html = make_parser().render(source, {"source_count": 3})
    assert html == expected, f"{FIXTURES.name}:{line}: {title}"


def test_citations_record_body_lines():
    env = {"source_count": 3}
    make_parser().render("First line.\n\nPara one\ncontinues [2]\n\n- item\n- item [3] and [1, 2]\n", env)
    assert env["citations"] == [(2, 3), (3, 6), (1, 6), (2, 6)]
    assert env["citation_ids"] == {2: ["cite-2-1", "cite-2-2"], 3: ["cite-3-1"], 1: ["cite-1-1"]}


def test_text_without_citations_renders_as_plain_commonmark():
    source = "Some *text* with [a link](x) and [ref]\n\n[ref]: /y\n"
    assert make_parser().render(source, {}) == MarkdownIt("commonmark").enable("table").use(footnote_plugin).render(source)


def test_without_sources_numbers_in_brackets_stay_text():
    source = "Claim [1] and hl[18,22].\n\n| a | b |\n|---|---|\n| x [2] | y |\n"
    html = make_parser().render(source, {"source_count": 0})
    assert html == MarkdownIt("commonmark").enable("table").render(source)
    assert "<sup" not in html and "<td>x [2]</td>" in html


def test_a_page_without_sources_builds_its_brackets_as_text(site, tmp_path, capsys):
    site_dir = site("translations")
    page = site_dir / "content/en/target.md"
    page.write_text(page.read_text() + "\nSee [3].\n\n| Term | Note |\n|---|---|\n| one | [1] |\n")
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    assert "citation" not in capsys.readouterr().err
    document = parse_html(tmp_path / "out/en/target/index.html")
    body = next(d for d in find_all(document, "div") if d.get("class") == "article-body")
    assert not list(body.iter(XHTML + "sup"))
    assert [td.text for td in body.iter(XHTML + "td")] == ["one", "[1]"]
    assert [p.text for p in body.iter(XHTML + "p")][-1] == "See [3]."


def test_a_citation_in_an_inline_footnote_is_numbered_where_the_note_stands():
    env = {"source_count": 3}
    html = make_parser().render("Claim^[as [2] says,\nand [3]] and [1].\n", env)
    assert env["citation_ids"] == {2: ["cite-2-1"], 3: ["cite-3-1"], 1: ["cite-1-1"]}
    assert env["citations"] == [(2, 0), (3, 1), (1, 1)]
    assert '<a href="#source-2" id="cite-2-1"' in html and '<a href="#source-3" id="cite-3-1"' in html


def test_an_inline_footnote_links_to_articles_and_sources_like_the_text(site, tmp_path):
    site_dir = site("multi")
    page = site_dir / "content/en/alpha.md"
    page.write_text(page.read_text() + "\nNoted.^[See [beta](../topics/beta.en.md), as [2] says.]\n")
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    document = parse_html(tmp_path / "out/en/alpha/index.html")
    note = next(li for li in find_all(document, "li") if li.get("id") == "fn1")
    assert [a.get("href") for a in note.iter(XHTML + "a")][:2] == ["/en/beta/", "#source-2"]
    citation = next(sup for sup in note.iter(XHTML + "sup") if sup.get("class") == "citation")
    assert "".join(citation.itertext()) == "[2]"
