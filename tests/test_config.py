"""site.toml: languages from Babel, normalised settings, and every mistake reported at its line."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from babelsite.config import find_key_line, load_config, normalise_base_url
from babelsite.errors import SiteError

from conftest import run


def config_errors(site_dir: Path, base_url: str | None = None) -> list[str]:
    """Return the diagnostics that loading a site's site.toml raises."""
    with pytest.raises(SiteError) as caught:
        load_config(site_dir, base_url=base_url)
    return [d.format() for d in caught.value.diagnostics]


def rewrite(site_dir: Path, old: str, new: str) -> Path:
    """Replace one piece of a copied site's site.toml, which must be there."""
    path = site_dir / "site.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return site_dir


def test_sample_site_toml_loads(site):
    config = load_config(site("sample"))
    assert [(l.code, l.name, l.direction) for l in config.languages] == [
        ("en", "English", "ltr"),
        ("it", "Italiano", "ltr"),
        ("es", "Español", "ltr"),
        ("pt", "Português", "ltr"),
        ("fr", "Français", "ltr"),
    ]
    assert [l.title for l in config.languages] == [
        "Diffusion Glossary", "Glossario della Diffusione", "Glosario de Difusión", "Glossário de Difusão",
        "Glossaire de la diffusion",
    ]
    assert config.language_codes == ("en", "it", "es", "pt", "fr")
    assert (config.title, config.base_url, config.default_language) == ("Diffusion Glossary", "/", "en")
    assert (config.permalink, config.fallback, config.default_language_at_root, config.markdown_html) == (
        "/{lang}/{slug}/", "omit", False, False)
    assert config.content_dir == config.site_dir / "content"
    assert config.output_dir == config.site_dir / "public"
    assert dict(config.i18n["it"]) == {
        "System Anatomy": "Anatomia del sistema", "Generation Settings": "Impostazioni di generazione"}
    assert sorted(config.i18n) == ["es", "fr", "it", "pt"]


def test_bcp47_codes_and_text_direction(site):
    config = load_config(site("config_scripts"))
    assert [(l.code, l.name, l.direction, l.title) for l in config.languages] == [
        ("pt-BR", "Português (Brasil)", "ltr", "Scripts"),
        ("zh-Hans", "中文 (简体)", "ltr", "Scripts"),
        ("ar", "العربية", "rtl", "Scripts"),
        ("he", "עברית", "rtl", "תסריטים"),
        ("it", "Italiano", "ltr", "Scripts"),
    ]
    assert config.language("he").direction == "rtl"
    assert config.default_language == "pt-BR"
    assert config.base_url == "https://example.org/docs/"


def test_configured_name_wins_over_babel(site):
    site_dir = rewrite(site("config_scripts"), "[languages.it]", '[languages.it]\nname = "Italiano (Italia)"')
    assert load_config(site_dir).language("it").name == "Italiano (Italia)"


def test_config_is_frozen(site):
    config = load_config(site("config_scripts"))
    with pytest.raises(AttributeError):
        config.title = "Other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.i18n["it"] = {}  # type: ignore[index]


CONFIG_ERRORS = [
    "site.toml:3: error: unknown key 'baseurl'; did you mean 'base_url'?",
    "site.toml:4: error: base_url 'docs' is not a path or an http(s) URL; "
    'use "/", "/docs/" or "https://example.org/docs/"',
    "site.toml:5: error: default_language 'de' is not in [languages]; use one of en, it, or add a [languages.de] table",
    "site.toml:6: error: permalink has unknown token {title}; use {lang}, {path}, {slug} and {category}",
    'site.toml:6: error: permalink must contain {path} or {slug}; e.g. permalink = "/{lang}/{path}/"',
    "site.toml:7: error: unknown key 'colour'; valid keys: allow_outside, base_url, content_dir, default_language, "
    "default_language_at_root, edit_url, exclude, extra_dir, fallback, front_matter, i18n, languages, last_updated, markdown, "
    "outdated_notice, output_dir, permalink, redirect_files, redirects, search, status_page, title",
    "site.toml:10: error: unknown key 'markdown.htm'; did you mean 'html'?",
    "site.toml:13: error: unknown key 'languages.en.nmae'; did you mean 'name'?",
    "site.toml:15: error: 'english' is not a valid BCP 47 language code; use codes such as en, pt-BR or zh-Hans",
]


def test_every_config_error_is_reported_at_its_line_in_one_run(site, tmp_path, capsys):
    out = tmp_path / "out"
    assert run("build", site("config_errors"), "--out", out) == 1
    assert capsys.readouterr().err.splitlines() == CONFIG_ERRORS + [
        f"babelsite: build failed with {len(CONFIG_ERRORS)} errors; nothing was written"
    ]
    assert not out.exists()


def test_toml_syntax_error_names_its_line(site, tmp_path, capsys):
    assert run("build", site("config_toml_syntax"), "--out", tmp_path / "out") == 1
    assert capsys.readouterr().err.splitlines() == [
        "site.toml:5: error: TOML syntax error: Illegal character '\\n' (at line 5, column 16); "
        "fix the syntax of site.toml",
        "babelsite: build failed with 1 error; nothing was written",
    ]
    assert not (tmp_path / "out").exists()


def test_toml_error_at_end_of_document_names_the_last_line(site):
    site_dir = rewrite(site("config_scripts"), "[languages.it]\n", '[languages.it]\ntitle = """open\n\n')
    assert config_errors(site_dir) == [
        "site.toml:13: error: TOML syntax error: Unterminated string (at end of document); "
        "fix the syntax of site.toml"
    ]


@pytest.mark.parametrize(
    ("old", "new", "diagnostics"),
    [
        ('title = "Scripts"', "title = 5", ["site.toml:2: error: 'title' must be a string in quotes; "
                                            'e.g. title = "..."']),
        ('title = "Scripts"', 'title = " "', ["site.toml:2: error: 'title' is required; add title = \"My site\""]),
        ('title = "Scripts"\n', "", ["site.toml:1: error: 'title' is required; add title = \"My site\""]),
        ('default_language = "pt-BR"\n', "", ["site.toml:1: error: 'default_language' is required; "
                                              'add default_language = "pt-BR"']),
        ('default_language = "pt-BR"', 'default_language = ["pt-BR"]',
         ["site.toml:4: error: 'default_language' must be a string in quotes; e.g. default_language = \"...\""]),
        ('title = "Scripts"', 'title = "Scripts"\nmarkdown = 5',
         ["site.toml:3: error: 'markdown' must be a table; write it as a [markdown] table"]),
        ('title = "Scripts"', 'title = "Scripts"\ni18n = "it"',
         ["site.toml:3: error: 'i18n' must be a table; write it as a [i18n] table"]),
        ('title = "Scripts"', 'title = "Scripts"\npermalink = 5',
         ["site.toml:3: error: 'permalink' must be a string in quotes; e.g. permalink = \"...\""]),
        ('title = "Scripts"', 'title = "Scripts"\ncontent_dir = true',
         ["site.toml:3: error: 'content_dir' must be a string in quotes; e.g. content_dir = \"...\""]),
        ('title = "Scripts"', 'title = "Scripts"\ndefault_language_at_root = "yes"',
         ["site.toml:3: error: 'default_language_at_root' must be true or false; "
          "e.g. default_language_at_root = true"]),
        ('title = "Scripts"', 'title = "Scripts"\nfallback = "hide"',
         ["site.toml:3: error: fallback must be \"omit\" or \"notice\", not 'hide'; "
          "omit leaves untranslated articles out; notice shows them with a note"]),
        ('title = "Scripts"', 'title = "Scripts"\npermalink = "/{slug}/"',
         ["site.toml:3: error: permalink must contain {lang}; translations of one slug would share a URL"]),
        ('title = "Scripts"', 'title = "Scripts"\npermalink = "{lang}/{slug}"',
         ["site.toml:3: error: permalink must start with '/' and end with '/' or '.html'; "
          'e.g. "/{lang}/{slug}/" or "/{lang}/{slug}.html"']),
        ("[languages.it]", "[languages.it]\ntitle = 1",
         ["site.toml:12: error: 'languages.it.title' must be a string in quotes; e.g. title = \"...\""]),
        ("[languages.it]", "[languages.xx]", [
            "site.toml:11: error: 'xx' is not a valid BCP 47 language code; use codes such as en, pt-BR or zh-Hans"]),
        ("[languages.it]", "[languages.en_US]", [
            "site.toml:11: error: 'en_US' is not how BCP 47 writes this language code; "
            "did you mean 'en-US'? write [languages.en-US]"]),
        ("[languages.it]", "[languages.IT]", [
            "site.toml:11: error: 'IT' is not how BCP 47 writes this language code; "
            "did you mean 'it'? write [languages.it]"]),
        ("[languages.it]", "[i18n.it]\nx = 1", ["site.toml:11: error: [i18n.it] names a language not in [languages]"]),
        ("[languages.it]", "[languages.it]\n[i18n.it]\nx = 1",
         ['site.toml:12: error: [i18n.it] must map strings to strings; e.g. "Basics" = "Fondamenti"; '
          'a string with a count maps plural forms, e.g. { one = "{count} articolo", other = "{count} articoli" }']),
    ],
)
def test_setting_errors(site, old, new, diagnostics):
    assert config_errors(rewrite(site("config_scripts"), old, new)) == diagnostics


def test_languages_missing_or_not_a_table(site):
    site_dir = site("config_scripts")
    text = (site_dir / "site.toml").read_text(encoding="utf-8")
    (site_dir / "site.toml").write_text(text[: text.index("[languages.pt-BR]")], encoding="utf-8")
    assert config_errors(site_dir) == [
        "site.toml:1: error: no [languages] table; add one table per language, e.g. [languages.en]"
    ]
    (site_dir / "site.toml").write_text(text[: text.index("[languages.pt-BR]")] + 'languages = ["pt-BR"]\n',
                                        encoding="utf-8")
    assert config_errors(site_dir) == [
        "site.toml:6: error: 'languages' must be a table; write it as a [languages] table"
    ]


def test_unknown_keys_written_as_dotted_keys_or_inline_tables_still_name_their_line(site):
    site_dir = rewrite(site("config_scripts"), "[languages.pt-BR]\n[languages.zh-Hans]",
                       'languages.pt-BR.nmae = "Brasil"\nmarkdown = { htm = true }\n[languages."zh-Hans"]\ntitel = "x"')
    assert config_errors(site_dir) == [
        "site.toml:6: error: unknown key 'languages.pt-BR.nmae'; did you mean 'name'?",
        "site.toml:7: error: unknown key 'markdown.htm'; did you mean 'html'?",
        "site.toml:9: error: unknown key 'languages.zh-Hans.titel'; did you mean 'title'?",
    ]


def test_site_toml_that_is_not_utf8_names_the_line_and_byte(site):
    site_dir = site("config_scripts")
    (site_dir / "site.toml").write_bytes(b'title = "x"\n# caf\xe9\n')
    assert config_errors(site_dir) == [
        "site.toml:2: error: not valid UTF-8 at byte 17 (invalid continuation byte); save site.toml as UTF-8"
    ]


def test_missing_site_toml(tmp_path):
    assert config_errors(tmp_path) == [
        "site.toml: error: no site.toml here; run babelsite in a site folder or pass --config"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/", "/"),
        ("/docs", "/docs/"),
        ("/docs/", "/docs/"),
        ("https://example.org", "https://example.org/"),
        ("http://example.org/docs", "http://example.org/docs/"),
        ("docs", None),
        ("docs/", None),
        ("", None),
        ("//example.org/", None),
        ("ftp://example.org/", None),
        ("https:///docs/", None),
        ("https://example.org/docs?lang=en", None),
        ("https://example.org/docs#top", None),
        ("javascript:alert(1)", None),
        (5, None),
    ],
)
def test_normalise_base_url(value, expected):
    assert normalise_base_url(value) == expected


def test_bad_base_url_in_site_toml_names_its_line(site):
    site_dir = rewrite(site("config_scripts"), 'base_url = "https://example.org/docs"',
                       'base_url = "ftp://example.org/"')
    assert config_errors(site_dir) == [
        "site.toml:3: error: base_url 'ftp://example.org/' is not a path or an http(s) URL; "
        'use "/", "/docs/" or "https://example.org/docs/"'
    ]


def test_base_url_option_overrides_site_toml_with_a_trailing_slash(site):
    site_dir = site("config_scripts")
    assert load_config(site_dir, base_url="https://cdn.example.net/guide").base_url == "https://cdn.example.net/guide/"
    assert load_config(site_dir, base_url="/preview").base_url == "/preview/"
    assert config_errors(site_dir, base_url="preview") == [
        "site.toml: error: --base-url 'preview' is not a path or an http(s) URL; "
        'use "/", "/docs/" or "https://example.org/docs/"'
    ]


def test_base_url_option_reaches_the_built_site(site, tmp_path):
    out = tmp_path / "out"
    assert run("build", site("config_scripts"), "--out", out, "--base-url", "https://cdn.example.net/guide") == 0
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iterfind("s:url/s:loc", namespace)]
    assert "https://cdn.example.net/guide/pt-BR/ola/" in locations
    assert all(loc.startswith("https://cdn.example.net/guide/") for loc in locations)


def test_find_key_line():
    text = (
        'title = "x"\n'                       # 1
        "[languages.en]\n"                    # 2
        'title = "English"\n'                 # 3
        '[languages."pt-BR"]  # Brazil\n'     # 4
        "  name = 'Brasil'\n"                 # 5
        "[markdown]\n"                        # 6
        "html = true\n"                       # 7
    )
    assert find_key_line(text, (), "title") == 1
    assert find_key_line(text, ("languages",), "en") == 2
    assert find_key_line(text, ("languages", "en"), "title") == 3
    assert find_key_line(text, ("languages",), "pt-BR") == 4
    assert find_key_line(text, ("languages", "pt-BR"), "name") == 5
    assert find_key_line(text, ("markdown",), "html") == 7
    assert find_key_line(text, ("languages", "pt-BR"), "title") == 4
    assert find_key_line(text, (), "base_url") == 0
