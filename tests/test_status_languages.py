"""The status dashboard in the reader's language: its texts from the interface strings, plural forms, direction."""

from __future__ import annotations

import re

import html5lib
import pytest

from babelsite.locale import shipped_strings
from conftest import XHTML, find_all, parse_html, run
from test_diff import repo  # noqa: F401 - a site in git: Italian 2 commits behind its original, French 1

# What the Italian (pinned by hash: 2 front matter keys and 2 sections changed) and the French (pinned by
# commit: 1 commit behind, no key and 1 section changed) translations say, in the plural forms the language takes.
COUNTS = {
    "ru": {"behind": {"fr": "отстаёт на 1 коммит"},
           "it": ("2 ключа front matter", "2 раздела"), "fr": ("0 ключей front matter", "1 раздел")},
    "ar": {"behind": {"fr": "متأخرة بإيداع واحد"},
           "it": ("مفتاحا بيانات وصفية", "قسمان"), "fr": ("لا مفاتيح بيانات وصفية", "قسم واحد")},
}


def text_of(element) -> str:
    """Return an element's text with its descendants', spaces collapsed."""
    return " ".join("".join(element.itertext()).split())


def english_phrases() -> set[str]:
    """Return the dashboard's English strings as phrases to look for: the parts around their {placeholders}."""
    texts = []
    for key, text in shipped_strings("en").items():
        if key.startswith("status_"):
            texts += [text] if isinstance(text, str) else list(text.values())
    parts = (part.strip(" .,:;()?") for text in texts for part in re.split(r"\{\w+\}", text))
    return {part for part in parts if len(part) >= 3}


def visible_text(document) -> str:
    """Return the text a reader sees outside code (commands, keys, paths), which stays as written."""
    def walk(element):
        if element.tag in (XHTML + "code", XHTML + "pre", XHTML + "style", XHTML + "title"):
            return
        yield element.text or ""
        for child in element:
            yield from walk(child)
            yield child.tail or ""
    return " ".join("".join(walk(document)).split())


@pytest.mark.parametrize(("code", "direction"), [("ru", "ltr"), ("ar", "rtl")])
def test_the_dashboard_speaks_the_language_asked_for_with_its_plural_forms(repo, tmp_path, code, direction):  # noqa: F811
    out = tmp_path / f"status.{code}.html"
    assert run("status", repo["root"], "--format", "html", "--lang", code, "--out", out) == 0
    html5lib.HTMLParser(strict=True).parse(out.read_bytes())
    document, t = parse_html(out), shipped_strings(code)
    assert (document.get("lang"), document.get("dir")) == (code, direction)
    [h1] = find_all(document, "h1")
    assert text_of(h1) == f"{t['status_title']} · T"
    assert [text_of(h2) for h2 in find_all(document, "h2")] == [
        t["status_coverage"], t["status_pages"], t["status_changes"], t["status_states"]]
    [coverage, matrix] = find_all(document, "table")
    headings = [text_of(th) for th in coverage.iter(XHTML + "th") if th.get("scope") == "col"]
    assert headings[:3] == [t["status_language"], t["status_available"], t["status_up_to_date"]]
    assert [text_of(th) for th in matrix.iter(XHTML + "th") if th.get("scope") == "col"][0] == t["status_page"]
    cells = {td.get("data-lang"): td for td in matrix.iter(XHTML + "td")}
    labels = {lang: text_of(next(e for e in td.iter() if e.get("class") == "label")) for lang, td in cells.items()}
    assert labels == {"en": t["status_original"], "it": t["status_outdated"], "fr": t["status_outdated"]}
    behind = {lang: text_of(span) for lang, td in cells.items() for span in td.iter(XHTML + "span")
              if span.get("class") == "behind"}
    assert behind == COUNTS[code]["behind"]
    # Paths stay as written, left to right, inside the right-to-left page.
    assert {a.get("dir") for td in cells.values() for a in td.iter(XHTML + "a")} == {"ltr"}
    summaries = {d.get("data-lang"): next(d.iter(XHTML + "summary")) for d in find_all(document, "details")}
    for lang in ("it", "fr"):
        summary = text_of(summaries[lang])
        assert all(count in summary for count in COUNTS[code][lang]), summary
        assert f"content/{lang}/vae.md" in summary and "content/en/vae.md" in summary
    legend = [text_of(dt) for dt in find_all(document, "dt")]
    assert legend == [t[key] for key in ("status_original", "status_translated", "status_outdated", "status_unknown",
                                         "status_in_progress", "status_missing")]
    shown = visible_text(document)
    assert [phrase for phrase in english_phrases() if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", shown)] == []


def test_the_dashboard_is_in_the_default_language_unless_asked_and_a_bad_code_is_an_error(site, tmp_path, capsys):
    site_dir = site("status_ar")
    assert run("status", site_dir, "--format", "html", "--out", tmp_path / "default.html") == 0
    document = parse_html(tmp_path / "default.html")
    assert (document.get("lang"), document.get("dir")) == ("ar", "rtl")
    missing = next(td for td in find_all(document, "td") if td.get("data-state") == "missing")
    [command] = [c for c in missing.iter(XHTML + "code") if c.get("class") == "command"]
    assert command.get("dir") == "ltr" and text_of(command) == "babelsite new sampling --lang en --from ar"
    unknown = next(td for td in find_all(document, "td") if td.get("data-freshness") == "unknown")
    assert text_of(next(e for e in unknown.iter() if e.get("class") == "label")) == shipped_strings("ar")["status_unknown"]
    # The English title of the page inside the Arabic one is isolated, in its own language.
    assert [(b.get("lang"), b.text) for b in find_all(document, "bdi") if b.get("lang")] == [
        ("ar", "الضوضاء"), ("ar", "أخذ العينات")]
    capsys.readouterr()
    assert run("status", site_dir, "--format", "html", "--lang", "EN", "--out", tmp_path / "en.html") == 0
    assert (parse_html(tmp_path / "en.html").get("lang"), parse_html(tmp_path / "en.html").get("dir")) == ("en", "ltr")
    capsys.readouterr()
    assert run("status", site_dir, "--format", "html", "--lang", "not a language") == 1
    assert capsys.readouterr().err == ("babelsite: error: --lang not a language is not a language code; "
                                       "give a BCP 47 code such as ar\n")


def test_the_sites_status_page_speaks_its_default_language(site, tmp_path):
    site_dir = site("status_ar")
    (site_dir / "site.toml").write_text("status_page = true\n" + (site_dir / "site.toml").read_text("utf-8"), "utf-8")
    assert run("build", site_dir, "--out", tmp_path / "public") == 0
    document = parse_html(tmp_path / "public/_status/index.html")
    assert (document.get("lang"), document.get("dir")) == ("ar", "rtl")
    [h1] = find_all(document, "h1")
    assert text_of(h1) == f"{shipped_strings('ar')['status_title']} · دليل الانتشار"
