"""Mistakes authors make that once passed in silence or misled: front matter keys and kinds, [i18n] keys,
untranslated labels, site.toml errors beside content errors, language codes, tabs, counts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from babelsite.build import BuildOptions
from babelsite.config import load_config
from babelsite.content.load import load_corpus
from babelsite.content.sources import discover
from babelsite.errors import Collector, SiteError
from babelsite.incremental.rebuild import LiveSite
from babelsite.serve.server import PreviewServer
from conftest import run
from test_serve import Log, wait_for

KEYS_WARNINGS = [
    "content/en/cited.md:4: warning: source 1 has an unknown key 'txt'; did you mean 'text'?",
    "content/en/vae.md:3: warning: unknown front matter key 'categroy'; did you mean 'category'?",
    "content/en/vae.md:4: warning: unknown front matter key 'relatd'; did you mean 'related'?",
    "content/en/vae.md:10: warning: babelsite does not read 'lastmod'; it reads 'updated' for the same thing: "
    "rename the key",
]
TYPE_ERRORS = [
    "content/en/category-list.md:3: error: category must be text, not a list: [diffusion_model, unet]; "
    "an article has one category, e.g. category: System Anatomy",
    "content/en/extra-text.md:3: error: extra must be a mapping, not text: banner; "
    "write the keys your templates read under it, e.g. extra: {hero: wide}",
    "content/en/related-text.md:3: error: related must be a list of pages, not text: unet; "
    "e.g. related: [vae, guide/unet]",
    "content/en/tabbed.md:4: error: YAML indents with spaces; line 4 has a tab; "
    "replace the tab at the start of the line with spaces",
    "content/en/title-mapping.md:2: error: title must be text, not a mapping: {en: A title in a mapping}; "
    "put it in quotes",
    "content/en/weight-text.md:3: error: weight must be a whole number, not text: heavy; "
    "lower weights come first, e.g. weight: 10",
]
SYTEM = ("site.toml:10: warning: [i18n.it] has 'Sytem Anatomy', which names no interface string, category or "
         "section; did you mean 'System Anatomy'?")
CONFIG_AND_CONTENT = [
    "content/en/heavy.md:3: error: weight must be a whole number, not text: heavy; "
    "lower weights come first, e.g. weight: 10",
    "content/en/typo.md:3: warning: unknown front matter key 'categroy'; did you mean 'category'?",
    "site.toml:4: error: unknown key 'colour'; valid keys: allow_outside, base_url, content_dir, default_language, "
    "default_language_at_root, edit_url, exclude, extra_dir, fallback, front_matter, i18n, languages, last_updated, "
    "markdown, outdated_notice, output_dir, permalink, redirect_files, redirects, search, status_page, title",
    "site.toml:5: error: fallback must be \"omit\" or \"notice\", not 'hidden'; "
    "omit leaves untranslated articles out; notice shows them with a note",
]
LANGUAGE_CASE = [
    "content/EN/alpha.md:1: error: language 'EN' from the file's path is not in site.toml; "
    "did you mean 'en'? rename it to en in the file's path",
    "site.toml:7: error: 'es_ES' is not how BCP 47 writes this language code; "
    "did you mean 'es-ES'? write [languages.es-ES]",
]


def diagnostics_of(text: str) -> list[str]:
    """Return the `path:line: severity:` lines of a command's output, without summaries and notes."""
    return [line for line in text.splitlines() if not line.startswith("babelsite:") and ": info: " not in line]


def preview_diagnostics(site_dir: Path) -> list[str]:
    """Return what the preview's first build reports, as `babelsite serve` prints it."""
    return [d.format() for d in LiveSite(BuildOptions(site_dir=site_dir)).rebuild().diagnostics]


def assert_every_command_fails_with(site_dir: Path, out: Path, capsys, expected: list[str]) -> None:
    """Check that build and check exit 1 and, with the preview, report exactly these diagnostics."""
    assert run("build", site_dir, "--out", out) == 1
    assert diagnostics_of(capsys.readouterr().err) == expected
    assert not out.exists()
    assert run("check", site_dir) == 1
    assert diagnostics_of(capsys.readouterr().out) == expected
    assert preview_diagnostics(site_dir) == expected


def test_unknown_front_matter_keys_warn_on_a_one_language_site(site, tmp_path, capsys):
    site_dir = site("frontmatter_keys")
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert diagnostics_of(err) == KEYS_WARNINGS
    assert run("check", site_dir) == 0
    assert diagnostics_of(capsys.readouterr().out) == KEYS_WARNINGS
    assert run("check", site_dir, "--strict") == 1
    assert diagnostics_of(capsys.readouterr().out) == [line.replace(": warning: ", ": error: ")
                                                       for line in KEYS_WARNINGS]
    assert run("build", site_dir, "--strict", "--out", tmp_path / "strict") == 1
    assert not (tmp_path / "strict").exists()
    assert preview_diagnostics(site_dir) == KEYS_WARNINGS


def test_declared_keys_extra_and_other_generators_keys_reach_templates_without_a_warning(site):
    config = load_config(site("frontmatter_keys"))
    assert config.front_matter_extra == {"hero"}
    problems = Collector(config.site_dir)
    vae = load_corpus(config, discover(config, problems), problems).groups["vae"]["en"]
    assert vae.category is None and vae.related == ()  # the misspelled keys are not read as the right ones
    assert {key: vae.extra[key] for key in ("hero", "banner", "nav_order", "tags")} == {
        "hero": "wide.png", "banner": "blue", "nav_order": 2, "tags": ["models"]}


def test_front_matter_extra_in_site_toml_is_validated(site):
    site_dir = site("frontmatter_keys")
    toml = site_dir / "site.toml"
    toml.write_text(toml.read_text().replace('extra = ["hero"]', 'extra = "hero"\nhidden = true'))
    assert run("check", site_dir) == 1
    with pytest.raises(SiteError) as caught:
        load_config(site_dir)
    assert [d.format() for d in caught.value.diagnostics] == [
        "site.toml:7: error: 'front_matter.extra' must be a list; e.g. extra = [\"hero\"]",
        "site.toml:8: error: unknown key 'front_matter.hidden'; valid keys: extra",
    ]


def test_values_of_the_wrong_kind_are_errors_at_their_line_shown_as_written(site, tmp_path, capsys):
    assert_every_command_fails_with(site("frontmatter_types"), tmp_path / "out", capsys, TYPE_ERRORS)


def test_a_translation_mismatch_names_original_and_translation_and_which_to_fix(site, capsys):
    assert run("check", site("frontmatter_translations")) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "differs" in line]
    assert lines == [
        "content/it/noise.md:4: warning: related list differs from the en original content/en/noise.md: "
        "[unet] in this translation, [vae] in the original; "
        "the original has not changed since this translation was made from it: fix the translation",
        "content/it/unet.md:2: warning: related list differs from the en original content/en/unet.md: "
        "(none) in this translation, [noise, vae] in the original; "
        "this translation has 'relatd:', which babelsite does not read, instead of 'related:': fix this translation",
        "content/it/vae.md:2: warning: category differs from the en original content/en/vae.md: "
        "System Anatomy in this translation, (none) in the original; "
        "the original has 'categroy:', which babelsite does not read, instead of 'category:': fix the original",
    ]


def test_i18n_key_that_names_nothing_warns_with_did_you_mean(site, tmp_path, capsys):
    site_dir = site("i18n_labels")
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    captured = capsys.readouterr()
    assert diagnostics_of(captured.err) == [SYTEM]  # Guide, sources and the template's hero_caption are known
    assert "; 1 warning;" in captured.out
    assert run("check", site_dir) == 0
    out, err = capsys.readouterr()
    assert diagnostics_of(out) == [SYTEM]
    assert err == "babelsite: 0 errors, 1 warning, 5 notes\n"
    assert preview_diagnostics(site_dir) == [SYTEM]


def test_labels_without_a_translation_are_notes_and_warnings_under_strict(site, capsys):
    site_dir = site("i18n_labels")
    untranslated = [
        "site.toml:9: {}: category 'System Anatomy' has no label in it: readers of it see 'System Anatomy'; "
        'add "System Anatomy" = "..." under [i18n.it] in site.toml',
        "site.toml:9: {}: section 'Reference' has no label in it: readers of it see 'Reference'; "
        'add "Reference" = "..." under [i18n.it] in site.toml',
    ]
    assert run("check", site_dir) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if "has no label" in line] == [line.format("info") for line in untranslated]
    assert run("check", site_dir, "--strict") == 1
    out = capsys.readouterr().out.splitlines()
    assert [line for line in out if "has no label" in line] == [line.format("error") for line in untranslated]


def test_site_toml_errors_do_not_hide_content_errors(site, tmp_path, capsys):
    site_dir = site("config_and_content")
    assert_every_command_fails_with(site_dir, tmp_path / "out", capsys, CONFIG_AND_CONTENT)
    (site_dir / "site.toml").write_text('title = "Both\n')  # no config to read the content with: it stops there
    assert run("check", site_dir) == 1
    assert diagnostics_of(capsys.readouterr().out) == [
        "site.toml:1: error: TOML syntax error: Illegal character '\\n' (at line 1, column 14); "
        "fix the syntax of site.toml"]


def test_language_codes_in_the_wrong_form_suggest_the_valid_code(site, tmp_path, capsys):
    assert_every_command_fails_with(site("language_case"), tmp_path / "out", capsys, LANGUAGE_CASE)


def test_serve_without_a_site_exits_1_with_the_message_build_gives(tmp_path, capsys):
    assert run("build", tmp_path) == 1
    built = capsys.readouterr().err.splitlines()
    assert built[0] == "site.toml: error: no site.toml here; run babelsite in a site folder or pass --config"
    # in a process of its own: a preview that started anyway would run until stopped
    served = subprocess.run([sys.executable, "-m", "babelsite", "serve", str(tmp_path), "--port", "0"],
                            capture_output=True, text=True, timeout=60)
    assert served.returncode == 1
    assert served.stderr.splitlines()[0] == built[0]


def test_the_preview_says_1_page_changed(site):
    site_dir = site("frontmatter_keys")
    server = PreviewServer(BuildOptions(site_dir=site_dir), port=0, log=Log())
    server.start()
    try:
        page = site_dir / "content/en/unet.md"
        page.write_text(page.read_text() + "\nOne more sentence.\n")
        assert wait_for(lambda: any("rebuilt in" in line for line in server.log.lines))
        rebuilt = next(line for line in server.log.lines if "rebuilt in" in line)
        assert rebuilt.endswith(" ms, 1 page changed")
    finally:
        server.stop()
