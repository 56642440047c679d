"""Properties over arbitrary input: a build succeeds or says where the problem is; citations touch nothing else."""

from __future__ import annotations

import contextlib
import io
import json
import re
import signal
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings, strategies as st

from babelsite.cli import main
from babelsite.markdown.citations import CITATION
from babelsite.markdown.parser import create_parser

DIAGNOSTIC = re.compile(r"^[^:]+:\d+: (error|warning): ")
FAILED = re.compile(r"^babelsite: build failed with \d+ errors?; nothing was written$")
SITE_TOML = 'title = "Properties"\ndefault_language = "en"\n\n[languages.en]\n[languages.it]\n'
ALPHA = "---\ntitle: Alpha\ncategory: Basics\nrelated: [prop]\n---\nAlpha.\n"
PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Hang(BaseException):
    """Raised when a build takes too long; a BaseException so no `except Exception` can swallow it."""


@contextlib.contextmanager
def time_limit(seconds: int):
    """Fail the example with Hang when its body runs longer than `seconds`."""
    def hang(signum, frame):
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# -- arbitrary front matter and body -------------------------------------------------------------

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)
urls = st.one_of(st.sampled_from(["https://example.org/a", "/local/path/", "../up/", "javascript:alert(1)",
                                  "DATA:text/html,x", "java\tscript:x", " ", "mailto:a@b.c", "//host/x"]),
                 st.text(max_size=20))
source_entries = st.one_of(values, st.fixed_dictionaries({}, optional={"text": values, "url": urls}))
slugs = st.one_of(st.sampled_from(["alpha", "prop", "nowhere", "alpa", ""]), values)


def yaml_value(strategy):
    """Write a value as YAML: as JSON (a subset of YAML) or as raw text, which may be anything at all."""
    return st.one_of(strategy.map(lambda value: json.dumps(value, ensure_ascii=False)), st.text(max_size=30))


front_matter = st.fixed_dictionaries({}, optional={
    "title": yaml_value(values),
    "category": yaml_value(values),
    "sources": yaml_value(st.one_of(values, st.lists(source_entries, max_size=4))),
    "related": yaml_value(st.one_of(values, st.lists(slugs, max_size=4))),
    "slug": yaml_value(st.one_of(slugs, st.sampled_from(["a/b", "..", "x y", "index", "ok-slug"]))),
    "lang": yaml_value(st.one_of(values, st.sampled_from(["en", "it", "fr", "EN", "pt-BR"]))),
    "aliases": yaml_value(st.one_of(values, st.lists(st.sampled_from(["/old/", "old", "../x", "/en/alpha/", ""]),
                                                     max_size=3))),
    "date": yaml_value(st.one_of(values, st.dates().map(str))),
    "updated": st.one_of(st.dates().map(str), st.text(max_size=12)),
    "weight": yaml_value(values),
    "draft": yaml_value(values),
    "description": yaml_value(values),
    "translated_from": yaml_value(values),
})
MARKDOWN_PIECES = ["[1]", "[2, 3]", "[0]", "[1,", "]", "[", "[x](alpha.md)", "[y](nowhere.md#a)", "[z](alpha.md#no)",
                   "\n", "\n\n", "# ", "## Title\n", "> ", "- ", "1. ", "`", "```\n", "*", "_", "|", "---\n",
                   "[^1]", "[^1]: note\n", "::: note\n", ":::\n", "<b>", "&amp;", "\\", "\r\n", "\t", "  "]
bodies = st.lists(st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=10)), max_size=30).map("".join)


def make_site(root: Path, meta: dict[str, str], body: str) -> Path:
    """Write a two-language site whose content/en/prop.md has the given front matter lines and body."""
    (root / "content/en").mkdir(parents=True)
    (root / "site.toml").write_text(SITE_TOML, encoding="utf-8")
    (root / "content/en/alpha.md").write_text(ALPHA, encoding="utf-8")
    lines = "".join(f"{key}: {value}\n" for key, value in meta.items())
    (root / "content/en/prop.md").write_bytes(f"---\n{lines}---\n{body}".encode("utf-8"))
    return root


@PROPERTIES
@given(meta=front_matter, body=bodies)
def test_any_article_builds_or_fails_with_located_diagnostics(meta, body):
    with tempfile.TemporaryDirectory() as folder:
        site_dir = make_site(Path(folder) / "site", meta, body)
        out = Path(folder) / "public"
        stdout, stderr = io.StringIO(), io.StringIO()
        with time_limit(60), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            status = main(["build", str(site_dir), "--out", str(out)])  # any exception fails the test
        lines = stderr.getvalue().splitlines()
        if status == 1:
            assert lines and FAILED.match(lines[-1]), lines
            assert any(": error: " in line for line in lines[:-1]), lines
            diagnostics = lines[:-1]
            assert not out.exists()
        else:
            assert status == 0
            diagnostics = lines
            assert (out / "index.html").is_file()
        for line in diagnostics:
            assert DIAGNOSTIC.match(line), line
        stdout = io.StringIO()
        with time_limit(60), contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(io.StringIO()):
            assert main(["check", str(site_dir), "--format", "json"]) == status
        for record in map(json.loads, stdout.getvalue().splitlines()):
            assert record["path"] and isinstance(record["line"], int) and record["line"] >= 1, record


# -- the citation rule and text without citations -------------------------------------------------


def parser_without_citations():
    """Return a fresh parser configured like the site's, with the citation rule turned off."""
    md = create_parser.__wrapped__(False)  # not the cached instance the build uses
    md.inline.ruler.disable("citation")
    return md


WITHOUT_CITATIONS = parser_without_citations()
texts = st.one_of(st.text(), st.lists(st.one_of(
    st.sampled_from(["[", "]", "[]", "[a]", "[1a]", "[ 1]", "[1,]", "[1, x]", "[-1]", "[1.5]", "(url)",
                     "[x]: /u\n", "![i](p.png)", "`[", "\\[", "> ", "\n", "\n\n", "    ", "- ", "# ", "*", "|",
                     "[^n]", "&#91;1]", "1", ",", " "]),
    st.text(max_size=5)), max_size=40).map("".join))


@PROPERTIES
@given(text=texts)
def test_citation_rule_leaves_text_without_citations_unchanged(text):
    # block markers (here '>') are stripped from inline text, so "[1,\n> 2]" is a citation in a quote
    assume(not CITATION.search(text.replace(">", "")))
    assert create_parser(False).render(text, {}) == WITHOUT_CITATIONS.render(text, {})
