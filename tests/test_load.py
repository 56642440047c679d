"""Loading content/: both layouts, front matter overrides, drafts, and every error at its line."""

from __future__ import annotations

import datetime
import pickle
from pathlib import Path

import pytest

from babelsite.config import load_config
from babelsite.errors import Collector
from babelsite.content.load import load_corpus, read_body, with_shared_values
from babelsite.content.sources import discover

from conftest import run


def load(site_dir: Path, drafts: bool = False):
    """Run config, discovery and loading on a site; return the corpus and the diagnostics."""
    config = load_config(site_dir)
    problems = Collector(config.site_dir)
    corpus = load_corpus(config, discover(config, problems), problems, drafts=drafts)
    return corpus, [d.format() for d in problems.sorted()]


def test_both_layouts_group_into_one_slug_across_languages(site):
    corpus, diagnostics = load(site("load_layouts"))
    assert diagnostics == []
    assert {slug: {lang: a.display_path for lang, a in group.items()} for slug, group in corpus.groups.items()} == {
        "alpha": {
            "en": "content/en/guide/deep/alpha.md",
            "it": "content/it/alpha.md",
            "fr": "content/topics/alpha.fr.md",
        },
        "beta": {"en": "content/topics/sub/beta.en.md", "it": "content/it/nome-del-file.md"},
        "delta": {"it": "content/en/delta.md"},
        "epsilon": {"en": "content/cat/epsilon.en.md"},
        "gamma": {"fr": "content/misc/gamma.md"},
    }
    assert [(a.slug, a.lang) for a in corpus.articles()] == [
        ("alpha", "en"), ("alpha", "it"), ("alpha", "fr"), ("beta", "en"), ("beta", "it"),
        ("delta", "it"), ("epsilon", "en"), ("gamma", "fr"),
    ]


def test_articles_carry_their_front_matter(site):
    corpus, _ = load(site("load_layouts"))
    alpha = corpus.groups["alpha"]
    assert (alpha["en"].title, alpha["it"].title, alpha["fr"].title) == ("Alpha", "Alfa", "L'alpha")
    assert alpha["en"].category == "Basics"
    assert alpha["fr"].category is None
    assert alpha["en"].title_line == 2
    body_lines = read_body(alpha["en"]).splitlines()
    assert body_lines == ["", "English alpha, in nested folders."]
    assert alpha["en"].body_offset + body_lines.index("English alpha, in nested folders.") + 1 == 8


def test_a_file_longer_than_one_read_is_loaded_and_read_again_whole(site):
    site_dir = site("load_layouts")
    path = site_dir / "content" / "en" / "guide" / "deep" / "alpha.md"
    paragraphs = "".join(f"Paragraph {n} of a long article, which takes more than one read.\n\n" for n in range(2000))
    path.write_text(path.read_text() + "\n" + paragraphs + "The last line.\n")
    corpus, diagnostics = load(site_dir)
    assert diagnostics == []
    body = read_body(corpus.groups["alpha"]["en"])  # the digest taken at loading matches: both reads were whole
    assert len(body.encode()) > 100_000
    assert body.endswith("Paragraph 1999 of a long article, which takes more than one read.\n\nThe last line.\n")


def test_articles_from_the_load_workers_share_what_many_repeat(site):
    """An article unpickled from a worker takes its file's Path and names from discovery, and one string per language."""
    site_dir = site("load_layouts")
    config = load_config(site_dir)
    problems = Collector(site_dir)
    files = {source.path: source for source in discover(config, problems)}
    articles = load_corpus(config, tuple(files.values()), problems).articles()
    copies = [with_shared_values(pickle.loads(pickle.dumps(article)), files[article.path]) for article in articles]
    assert copies == list(articles)
    for copy in copies:
        source = files[copy.path]
        assert copy.path is source.path and copy.display_path is source.display_path
        assert copy.key is source.key or copy.key != source.key
    english = [copy for copy in copies if copy.lang == "en"]
    assert len(english) > 1 and all(copy.lang is english[0].lang for copy in english)
    assert len({id(copy.extra) for copy in copies if not copy.extra}) == 1


def test_extra_front_matter_keys_pass_through(site):
    corpus, _ = load(site("load_layouts"))
    alpha = corpus.groups["alpha"]
    assert dict(alpha["en"].extra) == {
        "author": "Ada Lovelace",
        "tags": ["one", "two"],
        "review": {"by": "Grace", "on": datetime.date(2024, 3, 1)},
    }
    assert dict(alpha["it"].extra) == {}
    with pytest.raises(TypeError):
        alpha["en"].extra["author"] = "someone else"


def test_drafts_are_left_out_unless_asked_for(site):
    site_dir = site("load_layouts")
    corpus, _ = load(site_dir)
    assert "draft-one" not in corpus.groups
    corpus, _ = load(site_dir, drafts=True)
    assert corpus.groups["draft-one"]["en"].draft is True


def test_drafts_flag_on_the_command_line(site, tmp_path, capsys):
    site_dir = site("load_layouts")
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    assert not (tmp_path / "out" / "en" / "draft-one").exists()
    assert (tmp_path / "out" / "en" / "alpha" / "index.html").is_file()
    assert run("build", site_dir, "--out", tmp_path / "with-drafts", "--drafts") == 0
    assert (tmp_path / "with-drafts" / "en" / "draft-one" / "index.html").is_file()
    assert "pages: en 4, it 3, fr 2;" in capsys.readouterr().out


def test_build_writes_every_language_of_a_mixed_layout(site, tmp_path):
    assert run("build", site("load_layouts"), "--out", tmp_path / "out") == 0
    pages = sorted(p.parent.relative_to(tmp_path / "out").as_posix()
                   for p in (tmp_path / "out").glob("*/*/index.html") if p.parent.parent.name != "categories")
    assert pages == ["en/alpha", "en/beta", "en/epsilon", "fr/alpha", "fr/gamma", "it/alpha", "it/beta", "it/delta"]


LOAD_ERRORS = [
    "content/de/x.md:1: error: language 'de' from the file's path is not in site.toml; "
    "use one of en, it, or add [languages.de] to site.toml",
    "content/en/dots-slug.md:3: error: slug '..' cannot be a URL path segment; "
    "use letters, digits, '-' and '_' (no '/', spaces or '..')",
    "content/en/empty-title.md:3: error: title is empty; write the article's title after title:",
    "content/en/has space.md:1: error: slug 'has space' cannot be a URL path segment; "
    "use letters, digits, '-' and '_' (no '/', spaces or '..')",
    "content/en/no-title.md:1: error: missing title; "
    "add title: to the front matter, or start the text with a '# Title' heading",
    "content/en/related-not-list.md:3: error: related must be a list of pages, not text: ok; e.g. related: [vae, guide/unet]",
    "content/en/related-not-strings.md:5: error: related item 2 is not a page; e.g. related: [vae, guide/unet]",
    "content/en/slash-slug.md:3: error: slug 'a/b' cannot be a URL path segment; "
    "use letters, digits, '-' and '_' (no '/', spaces or '..')",
    "content/en/source-without-url.md:6: error: source 2 has no url; add url: https://...",
    "content/en/sources-not-list.md:3: error: sources must be a list of {text, url} entries, "
    "not text: https://example.org/; "
    "write each source as '- text: ...' with 'url: ...' below it",
    "content/en/unsafe-urls.md:5: error: source 1 has a javascript: URL; use an http(s) URL or a relative path",
    "content/en/unsafe-urls.md:7: error: source 2 has a data: URL; use an http(s) URL or a relative path",
    "content/en/unsafe-urls.md:9: error: source 3 has a control character in its url; "
    "remove tabs, line breaks and other invisible characters from it",
    "content/loose.md:1: error: cannot tell the language of this file; "
    "put it under content/<lang>/, name it loose.<lang>.md, or add lang: to the front matter",
    "content/topics/dup.en.md:3: error: page 'dup' in language 'en' is also defined by content/en/dup.md; "
    "keep one of the two files, or set translation_key: in one of them",
    "content/topics/y.de.md:1: error: language 'de' from the file's path is not in site.toml; "
    "use one of en, it, or add [languages.de] to site.toml",
]


def test_every_load_error_is_reported_in_one_run_and_nothing_is_written(site, tmp_path, capsys):
    out = tmp_path / "out"
    assert run("build", site("load_errors"), "--out", out) == 1
    assert capsys.readouterr().err.splitlines() == LOAD_ERRORS + [
        f"babelsite: build failed with {len(LOAD_ERRORS)} errors; nothing was written"
    ]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "load_errors"]


def test_load_errors_leave_only_the_good_article(site):
    corpus, diagnostics = load(site("load_errors"))
    assert diagnostics == LOAD_ERRORS
    assert {slug: list(group) for slug, group in corpus.groups.items()} == {"dup": ["en"], "ok": ["en"]}
    assert corpus.groups["dup"]["en"].display_path == "content/en/dup.md"


def write(site_dir: Path, relative: str, text: str) -> None:
    """Write one content file of a copied fixture site."""
    path = site_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_front_matter_errors_are_reported_with_the_other_files(site, tmp_path, capsys):
    site_dir = site("load_layouts")
    write(site_dir, "content/en/broken.md", "---\ntitle: Broken\nrelated: [a, b\n---\n")
    write(site_dir, "content/it/binary.md", "---\ntitle: x\n---\n\x00")
    write(site_dir, "content/fr/bad-date.md", "---\ntitle: Date\ndate: 2024-02-30\n---\n")
    write(site_dir, "content/fr/twice.md", "---\ntitle: One\ntitle: Two\n---\n")
    assert run("build", site_dir, "--out", tmp_path / "out") == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("content/en/broken.md:4: error: YAML syntax error: ")
    assert err[1:] == [
        "content/fr/bad-date.md:3: error: '2024-02-30' is not a valid date (day is out of range for month); "
        "correct it, or put it in quotes to keep it as text",
        "content/fr/twice.md:3: error: key 'title' appears twice; remove one of the two",
        "content/it/binary.md:4: error: NUL byte at byte 17; this looks like a binary file; save it as UTF-8 text",
        "babelsite: build failed with 4 errors; nothing was written",
    ]
    assert not (tmp_path / "out").exists()


def test_front_matter_lang_not_in_site_toml_points_at_the_lang_line(site):
    site_dir = site("load_layouts")
    write(site_dir, "content/misc/gamma.md", "---\ntitle: Gamma\ncategory: x\nlang: de\n---\n")
    _, diagnostics = load(site_dir)
    assert diagnostics == [
        "content/misc/gamma.md:4: error: language 'de' from lang: is not in site.toml; "
        "use one of en, it, fr, or add [languages.de] to site.toml"
    ]


def test_folder_and_suffix_that_disagree(site):
    site_dir = site("load_layouts")
    write(site_dir, "content/it/zeta.fr.md", "---\ntitle: Zeta\n---\n")
    _, diagnostics = load(site_dir)
    assert diagnostics == [
        "content/it/zeta.fr.md:1: error: the folder says language 'it' but the name says 'fr'; keep one of the two"
    ]


@pytest.mark.parametrize(
    ("front_matter", "diagnostic"),
    [
        ("title: [a, b]", "2: error: title must be text, not a list: [a, b]; put it in quotes"),
        ("title: true", "2: error: title must be text, not true or false: true; put it in quotes"),
        ("title: x\ncategory: {a: b}", "3: error: category must be text, not a mapping: {a: b}; "
                                          "an article has one category, e.g. category: System Anatomy"),
        ("title: x\nslug: 2024", "3: error: slug must be text; put it in quotes"),
        ("title: x\nslug: .hidden", "3: error: slug '.hidden' cannot be a URL path segment; "
                                    "use letters, digits, '-' and '_' (no '/', spaces or '..')"),
        ("title: x\nsources:\n  - just text", "4: error: source 1 must have text: and url:"),
        ("title: x\nsources:\n  - text: [a]\n    url: https://e.org/", "4: error: source 1 text must be text; "
                                                                       "put it in quotes"),
        ("title: x\nsources:\n  - url: '  JavaScript:alert(1)'", "4: error: source 1 has a JavaScript: URL; "
                                                                 "use an http(s) URL or a relative path"),
        ("title: x\nsources:\n  - url: \"\\x01javascript:alert(1)\"",
         "4: error: source 1 has a control character in its url; "
         "remove tabs, line breaks and other invisible characters from it"),
        ("title: x\nrelated: [a, '']", "3: error: related item 2 is not a page; e.g. related: [vae, guide/unet]"),
        ("title: x\ndraft: yes", "3: error: draft must be true or false, not text: yes"),
        ("title: x\nweight: 1.5", "3: error: weight must be a whole number, not a decimal number: 1.5; "
                                  "lower weights come first, e.g. weight: 10"),
    ],
)
def test_field_errors_point_at_their_line(site, front_matter, diagnostic):
    site_dir = site("load_layouts")
    write(site_dir, "content/en/omega.md", f"---\n{front_matter}\n---\nBody\n")
    _, diagnostics = load(site_dir)
    assert diagnostics == ["content/en/omega.md:" + diagnostic]


def test_valid_sources_are_numbered_with_their_lines(site):
    site_dir = site("load_layouts")
    write(site_dir, "content/en/omega.md",
          "---\ntitle: x\nsources:\n  - text: One\n    url: https://e.org/1\n  - url: ../local/path/\n---\n")
    corpus, diagnostics = load(site_dir)
    assert diagnostics == []
    assert [(s.number, s.text, s.url, s.line) for s in corpus.groups["omega"]["en"].sources] == [
        (1, "One", "https://e.org/1", 4),
        (2, "../local/path/", "../local/path/", 6),
    ]
