"""babelsite check: build validations plus cross-language consistency, anchors and orphans."""

from __future__ import annotations

import json

from conftest import run, tree

EXPECTED = [
    "content/en/hermit.md:2: info: no article links to 'hermit'",
    "content/fr/origin.md:5: warning: number of sources differs from the en original content/en/origin.md: 1 in this translation, 2 in the original",
    "content/fr/origin.md:10: warning: sequence of citations differs from the en original content/en/origin.md: [1] in this translation, [1, 2] in the original",
    "content/fr/target.md:7: warning: no heading has the id 'the-details', which content/en/origin.md:16 links to (and 1 other link): the heading 'The details' of the en original content/en/target.md",
    "content/it/origin.md:2: warning: category differs from the en original content/en/origin.md: Fondamenti in this translation, Basics in the original",
    "content/it/origin.md:5: warning: source 1 URL differs from the en original content/en/origin.md: https://example.org/uno in this translation, https://example.org/one in the original",
    "content/it/origin.md:9: warning: related list differs from the en original content/en/origin.md: [lonely] in this translation, [target] in the original",
    "content/it/origin.md:12: warning: number of headings differs from the en original content/en/origin.md: 1 in this translation, 2 in the original",
    "content/it/origin.md:12: warning: sequence of citations differs from the en original content/en/origin.md: [2, 1] in this translation, [1, 2] in the original",
    "content/it/origin.md:16: warning: link to 'target#the-details': 'Bersaglio' has no heading with that id",
    "content/it/target.md:7: warning: no heading has the id 'the-details', which content/en/origin.md:16 links to (and 1 other link): the heading 'The details' of the en original content/en/target.md",
    "site.toml:1: info: category 'Basics' has no label in fr: readers of fr see 'Basics'",
    "site.toml:1: info: category 'Basics' has no label in it: readers of it see 'Basics'",
    "site.toml:1: info: category 'Fondamenti' has no label in fr: readers of fr see 'Fondamenti'",
    "site.toml:1: info: category 'Fondamenti' has no label in it: readers of it see 'Fondamenti'",
]


def test_check_reports_every_inconsistency_naming_both_files(site, capsys):
    site_dir = site("translations")
    before = tree(site_dir)
    assert run("check", site_dir) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("; ")[0] for line in lines] == EXPECTED
    anchor = lines[-6]
    assert "the heading is 'the-details' in en, but its translation here has the id 'i-dettagli'" in anchor
    assert tree(site_dir) == before  # nothing written


def test_check_strict_fails_on_warnings_but_not_on_notes(site, capsys):
    assert run("check", site("translations"), "--strict") == 1
    out = capsys.readouterr().out
    assert "content/it/origin.md:2: error: category differs" in out
    assert "content/en/hermit.md:2: info: no article links to 'hermit'" in out


def test_check_json_gives_one_object_per_diagnostic(site, capsys):
    assert run("check", site("translations"), "--format", "json") == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == len(EXPECTED)
    first = records[1]
    assert set(first) == {"path", "line", "severity", "code", "message", "hint"}
    assert (first["path"], first["line"], first["severity"], first["code"]) == (
        "content/fr/origin.md", 5, "warning", "translation-mismatch")
    assert {r["code"] for r in records} == {"orphan", "translation-mismatch", "anchor-missing", "anchor-untranslated",
                                            "label-untranslated"}


def test_check_reports_build_errors_and_exits_1(site, capsys):
    site_dir = site("translations")
    broken = site_dir / "content/en/origin.md"
    broken.write_text(broken.read_text().replace("then [2].", "then [3]."))
    assert run("check", site_dir) == 1
    out = capsys.readouterr().out
    assert "content/en/origin.md:12: error: citation [3] but the article has 2 sources" in out
    assert "content/it/origin.md:16: warning: link to 'target#the-details'" in out  # still all at once


def test_build_warns_about_broken_anchors_but_not_about_consistency(site, tmp_path, capsys):
    assert run("build", site("translations"), "--out", tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert "content/it/origin.md:16: warning: link to 'target#the-details'" in err
    assert "differs from" not in err and "info:" not in err


def test_sample_site_passes_check_strict(site, capsys):
    assert run("check", site("sample"), "--strict") == 0
    assert capsys.readouterr().out == ""


def test_an_explicit_id_in_the_translation_keeps_the_originals_anchor(site, capsys):
    site_dir = site("translations")
    assert run("check", site_dir) == 0
    out = capsys.readouterr().out
    assert ("content/it/target.md:7: warning: no heading has the id 'the-details', which content/en/origin.md:16 "
            "links to (and 1 other link): the heading 'The details' of the en original content/en/target.md; "
            "add {#the-details} to the matching heading, 'I dettagli'") in out
    page = site_dir / "content/it/target.md"
    page.write_text(page.read_text().replace("### I dettagli", "### I dettagli {#the-details}"))
    assert run("check", site_dir) == 0
    out = capsys.readouterr().out
    assert "content/it/target.md" not in out and "content/it/origin.md:16: warning: link to" not in out
    assert "content/fr/target.md:7: warning: no heading has the id 'the-details'" in out
