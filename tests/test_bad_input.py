"""Bad input: an exact `path:line: message` from build and check, and the previous output untouched.
Unusual but valid input: it just builds."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from babelsite.content import load

from conftest import REPO, SITES, XHTML, find_all, parse_html, run, tree

GAMMA = "content/en/gamma.md"  # the one article of bad_base that nothing links to: breaking it breaks nothing else
SLUG_HINT = "use letters, digits, '-' and '_' (no '/', spaces or '..')"

# Each case copies fixture files (paths under tests/sites/) over a built copy of bad_base; the
# files of load_errors and config_toml_syntax are reused where one of them is the bad file.
CASES = [
    ("yaml-syntax", {GAMMA: "bad_edits/yaml-syntax.md"}, [
        "content/en/gamma.md:3: error: YAML syntax error: mapping values are not allowed in this context; "
        "check quoting and indentation"]),
    ("control-character", {GAMMA: "bad_edits/control-character.md"}, [
        "content/en/gamma.md:3: error: character U+0007 is not allowed in YAML; "
        "remove it, or write it as \\u0007 inside double quotes"]),
    ("line-separator-in-yaml", {GAMMA: "bad_edits/line-separator.md"}, [
        "content/en/gamma.md:3: error: related must be a list of pages, not text: gamma; e.g. related: [vae, guide/unet]"]),
    ("front-matter-list", {GAMMA: "bad_edits/front-matter-list.md"}, [
        "content/en/gamma.md:2: error: front matter is a list, not a mapping of keys; write it as 'key: value' lines"]),
    ("front-matter-scalar", {GAMMA: "bad_edits/front-matter-scalar.md"}, [
        "content/en/gamma.md:2: error: front matter is a single value, not a mapping of keys; "
        "write it as 'key: value' lines"]),
    ("not-closed", {GAMMA: "bad_edits/not-closed.md"}, [
        "content/en/gamma.md:1: error: front matter is not closed; add a '---' line after the last front matter key"]),
    ("empty-file", {GAMMA: "bad_edits/empty.md"}, [
        "content/en/gamma.md:1: error: the file is empty; add front matter with at least a title"]),
    ("missing-title", {GAMMA: "load_errors/content/en/no-title.md"}, [
        "content/en/gamma.md:1: error: missing title; add title: to the front matter, or start the text with a '# Title' heading"]),
    ("empty-title", {GAMMA: "load_errors/content/en/empty-title.md"}, [
        "content/en/gamma.md:3: error: title is empty; write the article's title after title:"]),
    ("sources-not-list", {GAMMA: "load_errors/content/en/sources-not-list.md"}, [
        "content/en/gamma.md:3: error: sources must be a list of {text, url} entries, not text: https://example.org/; "
        "write each source as '- text: ...' with 'url: ...' below it"]),
    ("source-without-url", {GAMMA: "load_errors/content/en/source-without-url.md"}, [
        "content/en/gamma.md:6: error: source 2 has no url; add url: https://..."]),
    ("unsafe-urls", {GAMMA: "load_errors/content/en/unsafe-urls.md"}, [
        "content/en/gamma.md:5: error: source 1 has a javascript: URL; use an http(s) URL or a relative path",
        "content/en/gamma.md:7: error: source 2 has a data: URL; use an http(s) URL or a relative path",
        "content/en/gamma.md:9: error: source 3 has a control character in its url; "
        "remove tabs, line breaks and other invisible characters from it"]),
    ("related-not-list", {GAMMA: "load_errors/content/en/related-not-list.md"}, [
        "content/en/gamma.md:3: error: related must be a list of pages, not text: ok; e.g. related: [vae, guide/unet]"]),
    ("related-not-strings", {GAMMA: "load_errors/content/en/related-not-strings.md"}, [
        "content/en/gamma.md:5: error: related item 2 is not a page; e.g. related: [vae, guide/unet]"]),
    ("latin-1", {GAMMA: "bad_edits/latin1.md"}, [
        "content/en/gamma.md:4: error: not valid UTF-8 at byte 24 (invalid continuation byte); save the file as UTF-8"]),
    ("nul-byte", {GAMMA: "bad_edits/nul.md"}, [
        "content/en/gamma.md:4: error: NUL byte at byte 25; this looks like a binary file; save it as UTF-8 text"]),
    ("duplicate-key", {"content/en/gamma/index.md": "load_errors/content/topics/dup.en.md"}, [
        "content/en/gamma.md:2: error: page 'gamma' in language 'en' is also defined by content/en/gamma/index.md; "
        "keep one of the two files, or set translation_key: in one of them"]),
    ("language-folder", {"content/de/x.md": "load_errors/content/de/x.md"}, [
        "content/de/x.md:1: error: language 'de' from the file's path is not in site.toml; "
        "use one of en, it, or add [languages.de] to site.toml"]),
    ("language-suffix", {"content/topics/y.de.md": "load_errors/content/topics/y.de.md"}, [
        "content/topics/y.de.md:1: error: language 'de' from the file's path is not in site.toml; "
        "use one of en, it, or add [languages.de] to site.toml"]),
    ("slug-slash", {GAMMA: "load_errors/content/en/slash-slug.md"}, [
        f"content/en/gamma.md:3: error: slug 'a/b' cannot be a URL path segment; {SLUG_HINT}"]),
    ("slug-dots", {GAMMA: "load_errors/content/en/dots-slug.md"}, [
        f"content/en/gamma.md:3: error: slug '..' cannot be a URL path segment; {SLUG_HINT}"]),
    ("slug-question-mark", {GAMMA: "bad_edits/slug-question-mark.md"}, [
        f"content/en/gamma.md:3: error: slug 'what?' cannot be a URL path segment; {SLUG_HINT}"]),
    ("aliases-over-pages", {GAMMA: "bad_edits/aliases.md"}, [
        "content/en/gamma.md:2: error: alias '/en/categories/basics/' /en/categories/basics/ is reserved for the "
        "site's own pages; choose another slug or alias",
        "content/en/gamma.md:2: error: alias '/en/gamma/' /en/gamma/ is also this article's page; remove the alias",
        "content/en/gamma.md:2: error: alias '/en/index.html' /en/index.html is reserved for the site's own pages; "
        "choose another slug or alias"]),
    ("alias-over-status-page", {"site.toml": "bad_edits/status-page.toml", GAMMA: "bad_edits/status-alias.md"}, [
        "content/en/gamma.md:2: error: alias '/_status/' /_status/ is reserved for the site's own pages; "
        "choose another slug or alias"]),
    ("category-spelling", {GAMMA: "bad_edits/category-spelling.md"}, [
        "content/en/gamma.md:2: error: category 'basics' would share its page with category 'Basics' of "
        "content/en/alpha.md; spell the category the same way in every article"]),
    ("category-empty", {GAMMA: "bad_edits/category-empty.md"}, [
        "content/en/gamma.md:3: error: category is empty; write the category's name, or remove category:"]),
    ("translated-from-list", {GAMMA: "bad_edits/translated-from-list.md"}, [
        "content/en/gamma.md:4: error: translated_from must be the hash of the original it was translated from; "
        'babelsite status --format json gives each original\'s hash; e.g. translated_from: "1a2b3c4d5e6f"']),
    ("alias-not-a-url-path", {GAMMA: "bad_edits/alias-query.md"}, [
        "content/en/gamma.md:4: error: alias '/old page?/' cannot be a URL path; "
        "use letters, digits, '-', '_', '.' and '/' (no spaces, '?', '#' or '%')"]),
    ("toml-syntax", {"site.toml": "config_toml_syntax/site.toml"}, [
        "site.toml:5: error: TOML syntax error: Illegal character '\\n' (at line 5, column 16); "
        "fix the syntax of site.toml"]),
    ("unknown-key", {"site.toml": "bad_edits/unknown-key.toml"}, [
        "site.toml:3: error: unknown key 'output_directory'; did you mean 'output_dir'?"]),
    ("default-language", {"site.toml": "bad_edits/default-language.toml"}, [
        "site.toml:2: error: default_language 'de' is not in [languages]; use one of en, it, or add a "
        "[languages.de] table"]),
    ("language-code", {"site.toml": "bad_edits/language-code.toml"}, [
        "site.toml:6: error: 'deutsch' is not a valid BCP 47 language code; use codes such as en, pt-BR or zh-Hans"]),
    ("permalink-without-slug", {"site.toml": "bad_edits/permalink-no-slug.toml"}, [
        'site.toml:3: error: permalink must contain {path} or {slug}; e.g. permalink = "/{lang}/{path}/"']),
    ("permalink-collision", {"site.toml": "bad_edits/permalink-html.toml", GAMMA: "bad_edits/slug-index.md"}, [
        "content/en/gamma.md:2: error: page /en/index.html is reserved for the site's own pages; "
        "choose another slug or alias"]),
    ("template-syntax", {"templates/home.html": "bad_edits/template-syntax.html"}, [
        "templates/home.html:5: error: template syntax error: Encountered unknown tag 'endblock'. You probably "
        "made a nesting mistake. Jinja is expecting this tag, but currently looking for 'elif' or 'else' or "
        "'endif'. The innermost block that needs to be closed is 'if'."]),
    ("template-undefined", {"templates/home.html": "bad_edits/template-undefined.html"}, [
        "templates/home.html:4: error: template error: UndefinedError: 'no_such_variable' is undefined"]),
]


@pytest.fixture
def built(site, tmp_path):
    """Copy bad_base into tmp_path and build it into tmp_path/public; return the site folder."""
    site_dir = site("bad_base")
    assert run("build", site_dir, "--out", tmp_path / "public") == 0
    return site_dir


def copy_edits(site_dir: Path, edits: dict[str, str]) -> None:
    """Copy fixture files (paths under tests/sites/) over files of a site (paths in it)."""
    for target, source in edits.items():
        (site_dir / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SITES / source, site_dir / target)


def summary(expected: list[str]) -> str:
    """Return the last line of a failed build that printed `expected`."""
    errors = sum(": error: " in line for line in expected)
    return f"babelsite: build failed with {errors} error{'s' * (errors != 1)}; nothing was written"


def assert_fails_leaving_output(site_dir: Path, expected: list[str], capsys) -> None:
    """Build and check must both print exactly `expected` and exit 1; the previous output stays as it was."""
    out = site_dir.parent / "public"
    before = tree(out)
    capsys.readouterr()
    assert run("build", site_dir, "--out", out) == 1
    assert capsys.readouterr().err.splitlines() == expected + [summary(expected)]
    assert run("check", site_dir) == 1
    # check also notes articles nothing links to; those notes are not about the broken file
    assert [line for line in capsys.readouterr().out.splitlines() if ": info: " not in line] == expected
    assert tree(out) == before
    assert sorted(p.name for p in site_dir.parent.iterdir()) == [site_dir.name, "public"]  # no staging left


def test_base_site_passes_check_strict(site, capsys):
    assert run("check", site("bad_base"), "--strict") == 0
    assert capsys.readouterr().out.splitlines() == [
        "content/en/gamma.md:2: info: no article links to 'gamma'; "
        "add it to the related list of an article on the same subject"]


@pytest.mark.parametrize(("edits", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_bad_input_is_one_exact_diagnostic_and_the_previous_output_stays(built, edits, expected, capsys):
    copy_edits(built, edits)
    assert_fails_leaving_output(built, expected, capsys)


def test_file_deleted_while_the_build_reads_it_is_a_diagnostic(built, monkeypatch, capsys):
    gamma = built / GAMMA
    text = gamma.read_bytes()
    read_article = load.load_article

    def delete_then_read(config, source, problems):
        if source.path == gamma:
            gamma.unlink()  # discovery has listed it; now it is gone
        return read_article(config, source, problems)

    monkeypatch.setattr(load, "load_article", delete_then_read)
    expected = ["content/en/gamma.md: error: cannot read the file: No such file or directory; "
                "check that it still exists and that you may read it, then build again"]
    out = built.parent / "public"
    before = tree(out)
    assert run("build", built, "--out", out, "--no-cache") == 1  # with the cache, nothing changed: no reading
    assert capsys.readouterr().err.splitlines() == expected + [summary(expected)]
    gamma.write_bytes(text)
    assert run("check", built) == 1
    assert capsys.readouterr().out.splitlines() == expected
    assert tree(out) == before


def test_a_site_toml_that_cannot_be_read_is_a_diagnostic(built, capsys):
    config = built / "site.toml"
    config.unlink()
    config.mkdir()
    expected = ["site.toml: error: cannot read the site configuration: Is a directory; "
                "make it a readable TOML file, or pass --config"]
    assert_fails_leaving_output(built, expected, capsys)


def test_an_output_folder_that_cannot_be_made_is_a_diagnostic(built, capsys):
    blocker = built.parent / "a-file"
    blocker.write_text("not a folder")
    assert run("build", built, "--out", blocker / "public") == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{blocker / 'public'}: error: cannot create the output folder: File exists ({blocker}); "
        "choose an output folder whose parent folders can be created and written")
    assert blocker.read_text() == "not a folder"


def cli(*args: str | Path) -> subprocess.CompletedProcess:
    """Run the command line in a child process that may not take more than a minute."""
    return subprocess.run([sys.executable, "-m", "babelsite", *map(str, args)],
                          capture_output=True, text=True, timeout=60, cwd=REPO)


@pytest.mark.parametrize(("link", "target", "expected"), [
    ("content/en/loop", "..", "content/en/loop: error: symlink loop: this folder was already read through "
                              "another path; remove the symlink"),
    ("content/en/self.md", "self.md", "content/en/self.md: error: cannot read the file: Too many levels of "
                                      "symbolic links; check that it still exists and that you may read it, "
                                      "then build again"),
])
def test_symlink_loop_in_content_is_a_diagnostic_not_a_hang(built, link, target, expected):
    out = built.parent / "public"
    before = tree(out)
    (built / link).symlink_to(target)
    result = cli("build", built, "--out", out)
    assert (result.returncode, result.stderr.splitlines()) == (1, [expected, summary([expected])])
    result = cli("check", built)
    assert (result.returncode, [line for line in result.stdout.splitlines() if ": info: " not in line]) == (
        1, [expected])
    assert tree(out) == before


def test_md_link_to_a_symlink_loop_is_a_diagnostic(built, capsys):
    (built / "content/en/loop.md").symlink_to("loop.md")
    (built / GAMMA).write_text("---\ntitle: Gamma\n---\nSee [the loop](loop.md).\n", encoding="utf-8")
    assert_fails_leaving_output(built, [
        "content/en/gamma.md:4: error: link to 'loop.md' names no article; check the file name of the linked article",
        "content/en/loop.md: error: cannot read the file: Too many levels of symbolic links; "
        "check that it still exists and that you may read it, then build again",
    ], capsys)


def test_lines_in_a_file_with_bom_and_crlf_count_like_lf(built, capsys):
    (built / GAMMA).write_bytes(
        b"\xef\xbb\xbf---\r\ntitle: Gamma\r\nsources:\r\n  - text: One\r\n    url: https://example.org/one\r\n"
        b"  - url: javascript:void(0)\r\n---\r\n\r\nCited [1].\r\n\r\nNot a source [9].")
    assert_fails_leaving_output(built, [
        "content/en/gamma.md:6: error: source 2 has a javascript: URL; use an http(s) URL or a relative path",
    ], capsys)
    (built / GAMMA).write_bytes((built / GAMMA).read_bytes().replace(b"javascript:void(0)", b"https://e.org/"))
    assert_fails_leaving_output(built, [
        "content/en/gamma.md:6: warning: source 2 is never cited; cite it as [2] in the text or remove it",
        "content/en/gamma.md:11: error: citation [9] but the article has 2 sources; "
        "add the source to sources: or fix the number",
    ], capsys)


# -- unusual content just works ---------------------------------------------------------------


def build_ok(site_dir: Path, capsys) -> Path:
    """Check and build a site that must have no errors or warnings; return its output folder."""
    assert run("check", site_dir, "--strict") == 0
    assert not [line for line in capsys.readouterr().out.splitlines() if ": error: " in line or ": warning: " in line]
    out = site_dir.parent / "public"
    assert run("build", site_dir, "--out", out, "--strict") == 0, capsys.readouterr().err
    return out


def text_of(element) -> str:
    return "".join(element.itertext())


def test_five_megabyte_article(site, capsys):
    site_dir = site("bad_base")
    paragraph = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor. " * 12).strip()
    count = 5 * 1024 * 1024 // (len(paragraph) + 2) + 1
    body = "".join((f"## Part {i // 500}\n\n" if i % 500 == 0 else "") + f"{paragraph}\n\n" for i in range(count))
    (site_dir / GAMMA).write_text(
        "---\ntitle: Gamma\nsources:\n  - text: One\n    url: https://example.org/one\n---\n"
        f"{body}The last paragraph [1].\n", encoding="utf-8")
    assert (site_dir / GAMMA).stat().st_size > 5 * 1024 * 1024
    document = parse_html(build_ok(site_dir, capsys) / "en/gamma/index.html")
    body_div = next(d for d in find_all(document, "div") if d.get("class") == "article-body")
    paragraphs = list(body_div.iter(f"{XHTML}p"))
    assert len(paragraphs) == count + 1
    assert paragraphs[0].text == paragraph and text_of(paragraphs[-1]) == "The last paragraph\xa0[1]."  # never a line break before a citation
    assert [h.get("id") for h in body_div.iter(f"{XHTML}h2")] == [f"part-{n}" for n in range((count - 1) // 500 + 1)]
    assert [a.get("href") for a in paragraphs[-1].iter(f"{XHTML}a")] == ["#source-1"]


def test_ten_thousand_citations_all_link_both_ways(site, capsys):
    site_dir = site("bad_base")
    sources = "".join(f"  - text: Source {n}\n    url: https://example.org/{n}\n" for n in range(1, 101))
    # 9,000 single citations, then 500 pairs: every source is cited 100 times, in 100 paragraphs
    singles = [f"[{i % 100 + 1}]" for i in range(9000)]
    pairs = [f"[{i % 100 + 1}, {(i + 50) % 100 + 1}]" for i in range(500)]
    citations = singles + pairs
    paragraphs = "\n\n".join(" ".join(f"Claim {citation}." for citation in citations[i:i + 95])
                             for i in range(0, len(citations), 95))
    (site_dir / GAMMA).write_text(f"---\ntitle: Gamma\nsources:\n{sources}---\n{paragraphs}\n", encoding="utf-8")
    document = parse_html(build_ok(site_dir, capsys) / "en/gamma/index.html")
    links = [a for sup in find_all(document, "sup") if sup.get("class") == "citation" for a in sup.iter(f"{XHTML}a")]
    assert len(links) == 10_000
    items = {li.get("id"): li for section in find_all(document, "section") if section.get("class") == "sources"
             for li in section.iter(f"{XHTML}li")}
    assert list(items) == [f"source-{n}" for n in range(1, 101)]
    assert {a.get("href")[1:] for a in links} == set(items)
    backrefs = {a.get("href")[1:]: li_id for li_id, li in items.items()
                for a in li.iter(f"{XHTML}a") if a.get("class") == "backref"}
    assert len(backrefs) == 10_000
    assert {a.get("id"): a.get("href")[1:] for a in links} == backrefs  # each citation and its source's back-link
    marks = [sup.text for sup in items["source-1"].iter(f"{XHTML}sup")]
    assert marks[:3] == ["a", "b", "c"] and marks[26:28] == ["aa", "ab"] and len(set(marks)) == 100


TITLE = "<script>alert(\"x\")</script> \"Quotes\" & 'apostrophes' 🚀 مرحبا بالعالم"


def test_title_with_markup_quotes_emoji_and_rtl_text_is_escaped(site, capsys):
    site_dir = site("bad_base")
    source = "<script>alert(1)</script> & \"friends\""
    url = "https://example.org/?q=\"x\"&r=<y>"
    (site_dir / GAMMA).write_text(
        f"---\ntitle: '{TITLE.replace(chr(39), chr(39) * 2)}'\ncategory: Basics\nsources:\n"
        f"  - text: '{source}'\n    url: '{url}'\n---\n# <script>alert(2)</script>\n\nCited [1].\n", encoding="utf-8")
    out = build_ok(site_dir, capsys)
    for page in ("en/gamma/index.html", "en/categories/basics/index.html"):
        document = parse_html(out / page)
        scripts = list(find_all(document, "script"))
        assert scripts and all(s.get("src", "").startswith("/static/js/") or "alert" not in (s.text or "")
                               for s in scripts), page  # the theme's own inline script (theme choice) aside
    document = parse_html(out / "en/gamma/index.html")
    assert next(find_all(document, "title")).text == f"{TITLE} · Bad input"
    assert text_of(next(find_all(document, "h1"))) == TITLE
    assert text_of(list(find_all(document, "h1"))[1]).startswith("<script>alert(2)</script>")
    source_link = next(a for a in find_all(document, "a") if a.get("rel") == "external noopener")
    assert (source_link.text, source_link.get("href")) == (source, url)
    category = parse_html(out / "en/categories/basics/index.html")
    assert TITLE in [a.text for a in find_all(category, "a")]


@pytest.mark.parametrize("encode", [
    lambda text: b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode(),
    lambda text: text.replace("\n", "\r").encode(),
    lambda text: b"\xef\xbb\xbf" + text.encode(),
], ids=["bom-crlf", "cr", "bom-lf"])
def test_bom_crlf_and_no_final_newline_read_like_plain_lf(site, encode, capsys):
    site_dir = site("bad_base")
    text = ("---\ntitle: Gamma\nsources:\n  - text: One\n    url: https://example.org/one\n---\n"
            "## A heading\n\n- one\n- two\n\nA line\nand its continuation [1].\n\n```python\nx = 1\n```\n\nLast line")
    (site_dir / GAMMA).write_bytes(encode(text))
    document = parse_html(build_ok(site_dir, capsys) / "en/gamma/index.html")
    body = next(d for d in find_all(document, "div") if d.get("class") == "article-body")
    assert [(h.get("id"), h.text) for h in body.iter(f"{XHTML}h2")] == [("a-heading", "A heading ")]  # then "#"
    assert [li.text for li in body.iter(f"{XHTML}li")] == ["one", "two"]
    assert [text_of(p) for p in body.iter(f"{XHTML}p")] == ["A line\nand its continuation\xa0[1].", "Last line"]
    assert text_of(next(body.iter(f"{XHTML}pre"))) == "x = 1\n"
    assert next(find_all(document, "title")).text == "Gamma · Bad input"
