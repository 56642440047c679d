"""The theme's interface strings: every key in every language, fallback chains, plural forms, no silent English."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from babelsite.config import read_config
from babelsite.locale import (count_text, fallback_chain, interface_keys, plural_categories, shipped_codes,
                              shipped_strings, ui_strings)
from conftest import find_all, parse_html, run

# The languages the issue asks for by name; the theme ships more.
REQUIRED = ("ar bn ca cs da de el en es fa fi fr he hi hu id it ja ko nb nl pl pt pt-BR ro ru sk sv sw ta th tr "
            "uk ur vi zh-Hans zh-Hant").split()
PLACEHOLDER = re.compile(r"\{\w+\}")


def test_the_theme_speaks_at_least_forty_languages_including_those_asked_for():
    shipped = set(shipped_codes().values())
    assert set(REQUIRED) <= shipped
    assert len(shipped) >= 40


@pytest.mark.parametrize("code", sorted(shipped_codes().values()))
def test_every_language_has_every_key_and_each_count_has_its_languages_plural_forms(code):
    """Same keys as English (a variant: a subset, the rest from its parent); plural forms as Babel's CLDR rules say."""
    english, table = shipped_strings("en"), shipped_strings(code)
    chain_parents = [form for form in fallback_chain(code)[1:] if form.lower() in shipped_codes()]
    if chain_parents:  # pt-BR: only what differs from pt
        assert set(table) <= set(english), set(table) - set(english)
    else:
        assert list(table) == list(english), (set(english) ^ set(table))
    for key, text in table.items():
        if isinstance(english[key], str):
            assert isinstance(text, str), key
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), key
        else:
            assert set(text) == set(plural_categories(code)), (key, sorted(text), plural_categories(code))
            assert all(set(PLACEHOLDER.findall(form)) <= {"{count}"} for form in text.values()), key
            assert "{count}" in text["other"], key


def test_variants_fall_back_along_their_chain_then_to_the_default_language():
    strings = ui_strings(["pt-BR", "pt-PT", "zh-Hant-TW", "zh-TW", "zh", "sr-Latn", "eo"], {}, "fr")
    assert strings["pt-BR"]["skip_to_content"] == "Pular para o conteúdo"  # pt-BR's own
    assert strings["pt-BR"]["contents"] == shipped_strings("pt")["contents"]  # from pt
    assert strings["pt-PT"]["skip_to_content"] == "Saltar para o conteúdo"
    assert strings["zh-Hant-TW"]["search"] == strings["zh-TW"]["search"] == "搜尋"  # Traditional Chinese
    assert strings["zh"]["search"] == "搜索"  # zh is written in Simplified characters
    assert strings["sr-Latn"]["home"] == "Accueil"  # not the Cyrillic of sr: the default language's
    assert strings["eo"]["search"] == "Rechercher"  # no Esperanto strings: French, the default language's


def test_a_site_override_wins_and_takes_plural_forms(site):
    root = site("world")
    config = root / "site.toml"
    notes = '\n[i18n.en]\narticle_count = { one = "{count} note", other = "{count} notes" }\n'
    config.write_text(config.read_text("utf-8") + notes, "utf-8")
    assert run("build", root, "--no-cache") == 0
    document = parse_html(root / "public/en/categories/basics/index.html")
    assert [p.text for p in find_all(document, "p") if p.get("class") == "article-count"] == ["2 notes"]


@pytest.mark.parametrize(("code", "counts"), [
    ("ru", {1: "1 статья", 2: "2 статьи", 5: "5 статей", 11: "11 статей", 21: "21 статья", 22: "22 статьи"}),
    ("ar", {0: "لا توجد مقالات", 1: "مقالة واحدة", 2: "مقالتان", 3: "3 مقالات", 11: "11 مقالة", 100: "100 مقالة",
            103: "103 مقالات"}),
])
def test_counts_take_the_languages_plural_form(code, counts):
    """Russian's one, few and many; Arabic's zero, one, two, few, many and other."""
    forms = shipped_strings(code)["article_count"]
    assert {count: count_text(code, forms, count) for count in counts} == counts


def test_russian_and_arabic_category_pages_show_counts_in_their_plural_forms(tmp_path):
    """Categories of 1, 3 and 5 Russian articles, and of 1, 2, 3 and 11 Arabic ones, say so in each form."""
    sizes = {"ru": {"Один": 1, "Три": 3, "Пять": 5}, "ar": {"واحد": 1, "اثنان": 2, "ثلاثة": 3, "أحد-عشر": 11}}
    (tmp_path / "site.toml").write_text('title = "Counts"\ndefault_language = "ru"\nsearch = false\n\n'
                                        '[languages.ru]\n[languages.ar]\n', "utf-8")
    for code, categories in sizes.items():
        for category, size in categories.items():
            for number in range(size):
                page = tmp_path / "content" / code / f"{code}-{category}-{number}.md"
                page.parent.mkdir(parents=True, exist_ok=True)
                page.write_text(f"---\ntitle: {category} {number}\ncategory: {category}\n---\n\n{category}\n", "utf-8")
    assert run("build", tmp_path, "--no-cache") == 0
    shown = {}
    for code, categories in sizes.items():
        for index in tmp_path.glob(f"public/{code}/categories/*/index.html"):
            document = parse_html(index)
            title = next(find_all(document, "h1")).text
            if title in categories:  # not the categories of the other language's articles, listed too
                shown[title] = [p.text for p in find_all(document, "p") if p.get("class") == "article-count"]
    assert shown == {"Один": ["1 статья"], "Три": ["3 статьи"], "Пять": ["5 статей"],
                     "واحد": ["مقالة واحدة"], "اثنان": ["مقالتان"], "ثلاثة": ["3 مقالات"], "أحد-عشر": ["11 مقالة"]}


def test_a_language_without_strings_is_a_warning_with_the_lines_to_add(site, capsys):
    """Esperanto (two strings in [i18n.eo]) and Cornish (none): each warning names the language and prints what to paste."""
    root = site("no_strings")
    assert run("build", root, "--no-cache") == 0
    printed = capsys.readouterr()
    err, out = printed.err, printed.out
    english = shipped_strings("en")
    eo_missing = [key for key in interface_keys() if key not in ("contents", "search")]
    assert (f"site.toml:10: warning: the theme has no interface strings in Esperanto (eo) and [i18n.eo] lacks {len(eo_missing)} of them, "
            "so eo pages show these in English; add these lines to [i18n.eo], translated:\n"
            f'breadcrumbs = "Breadcrumbs"\n') in err
    assert ("site.toml:8: warning: the theme has no interface strings in Kernewek (kw) and site.toml has no [i18n.kw] table, "
            f"so kw pages show all {len(interface_keys())} in English; add this table to site.toml, translated:\n[i18n.kw]\n"
            'contents = "Contents"\n') in err
    # Cornish counts have six forms (CLDR): the table offers each, filled with the nearest English one.
    assert ('article_count = { zero = "{count} articles", one = "{count} article", two = "{count} articles", '
            'few = "{count} articles", many = "{count} articles", other = "{count} articles" }\n') in err
    assert "; 2 warnings;" in out
    warnings = read_config(root)[1]
    assert [w.code for w in warnings] == ["i18n-missing", "i18n-missing"]
    eo_lines = warnings[1].hint.split("\n")[1:]
    assert [line.split(" = ")[0] for line in eo_lines] == eo_missing
    assert eo_lines[0] == f"breadcrumbs = {json.dumps(english['breadcrumbs'])}"


def test_the_printed_lines_once_pasted_silence_the_warning(site):
    root = site("no_strings")
    config = root / "site.toml"
    warnings = read_config(root)[1]
    kw_table = warnings[0].hint.partition("\n")[2]
    eo_lines = warnings[1].hint.partition("\n")[2]
    config.write_text(config.read_text("utf-8") + eo_lines + "\n\n" + kw_table + "\n", "utf-8")
    tomllib.loads(config.read_text("utf-8"))  # still TOML
    assert read_config(root)[1] == ()


def test_status_shows_interface_string_coverage_beside_page_coverage(site, capsys):
    root = site("no_strings")
    assert run("status", root) == 0
    lines = capsys.readouterr().out.splitlines()
    total = len(interface_keys())
    assert next(line for line in lines if line.startswith("en:")).endswith(
        f"; interface strings {total}/{total} (100%, from the theme's en)")
    assert next(line for line in lines if line.startswith("eo:")).endswith(f"; interface strings 2/{total} ({2 / total:.0%}, from [i18n])")
    assert next(line for line in lines if line.startswith("kw:")).endswith(f"; interface strings 0/{total} (0%, none translated)")
    assert run("status", root, "--format", "json") == 0
    interface = json.loads(capsys.readouterr().out)["interface"]
    assert interface["en"] == {"translated": total, "total": total, "coverage": 1.0, "source": "theme:en", "missing": []}
    assert interface["eo"]["translated"] == 2 and interface["eo"]["source"] == "site"
    assert interface["kw"]["missing"] == list(interface_keys()) and interface["kw"]["source"] is None


def test_i18n_values_are_strings_or_plural_forms_with_other(site, capsys):
    root = site("no_strings")
    config = root / "site.toml"
    config.write_text(config.read_text("utf-8") + 'article_count = { one = "{count} artikolo" }\n', "utf-8")
    assert run("check", root) == 1
    assert "site.toml:10: error: [i18n.eo] must map strings to strings" in capsys.readouterr().out


def test_the_search_box_gets_the_plural_forms_of_its_language(site):
    root = site("world")
    assert run("build", root, "--no-cache") == 0
    form = next(f for f in find_all(parse_html(root / "public/uk/guide/index.html"), "form"))
    assert json.loads(form.get("data-results")) == shipped_strings("uk")["search_results"]
