"""Languages: BCP 47 codes, text direction, dangling related slugs and --strict."""

from __future__ import annotations

from conftest import XHTML, crawl, find_all, parse_html, run


def html_element(document):
    return document if document.tag == XHTML + "html" else document.find(XHTML + "html")


def test_bcp47_codes_and_right_to_left_languages(site, tmp_path):
    out = tmp_path / "out"
    assert run("build", site("scripts"), "--out", out) == 0
    arabic = html_element(parse_html(out / "ar/intro/index.html"))
    assert (arabic.get("lang"), arabic.get("dir")) == ("ar", "rtl")
    chinese = parse_html(out / "zh-Hans/guide/index.html")
    assert html_element(chinese).get("lang") == "zh-Hans"
    switcher = {a.get("hreflang"): a for a in find_all(chinese, "a") if a.get("data-lang")}
    names = {code: link.find(f"{XHTML}span") for code, link in switcher.items()}  # the native name, in its language
    assert names["ar"].get("dir") == "rtl" and names["ar"].text == "العربية"
    assert names["pt-BR"].get("lang") == "pt-BR" and names["pt-BR"].text == "Português (Brasil)"
    assert crawl(out, "/docs/") == {}


def test_left_to_right_fallback_inside_a_right_to_left_page_keeps_its_direction(site, tmp_path):
    out = tmp_path / "out"
    assert run("build", site("scripts"), "--out", out) == 0
    document = parse_html(out / "ar/guide/index.html")
    assert html_element(document).get("dir") == "rtl"
    article = next(find_all(document, "article"))
    assert (article.get("lang"), article.get("dir")) == ("zh-Hans", "ltr")


def test_dangling_related_slugs_are_warnings_with_a_suggestion(site, tmp_path, capsys):
    out = tmp_path / "out"
    assert run("build", site("scripts"), "--out", out) == 0
    err = capsys.readouterr().err.splitlines()
    assert "content/pt-BR/intro.md:4: warning: related page 'intr' names no page; did you mean 'intro'?" not in err
    assert any(line.startswith("content/pt-BR/intro.md:4: warning: related page 'intr' names no page") for line in err)
    assert any("related page 'missing' names no page" in line for line in err)
    related = [s for s in find_all(parse_html(out / "pt-BR/intro/index.html"), "section") if s.get("class") == "related"]
    assert related == []  # nothing to link to, and no broken link written


def test_strict_turns_warnings_into_errors_and_writes_nothing(site, tmp_path, capsys):
    out = tmp_path / "out"
    assert run("build", site("scripts"), "--out", out, "--strict") == 1
    err = capsys.readouterr().err
    assert "content/pt-BR/intro.md:4: error: related page 'missing' names no page" in err
    assert not out.exists()


def test_dangling_related_suggests_the_closest_other_slug(site, tmp_path, capsys):
    site_dir = site("multi")
    article = site_dir / "content/en/gamma.md"
    article.write_bytes(article.read_bytes().replace(b"category: Other", b"category: Other\r\nrelated: [alpah]"))
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    assert "content/en/gamma.md:4: warning: related page 'alpah' names no page; did you mean 'alpha'?" in capsys.readouterr().err
    assert run("check", site_dir) == 0
    assert "content/en/gamma.md:4: warning: related page 'alpah' names no page; did you mean 'alpha'?" in capsys.readouterr().out
