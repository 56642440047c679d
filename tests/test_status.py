"""Translation status: the matrix and its reports, outdated notices, the status page, and babelsite new."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
import yaml

import babelsite.build
import babelsite.incremental.cache
from babelsite.content.frontmatter import parse_file
from babelsite.quality.new import front_matter
from conftest import XHTML, crawl, find_all, parse_html, run, tree

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FRESH_HASH = "f31f3d2a9423"  # content/en/basics/fresh.md, recorded by content/it/basics/fresh.md
STALE_HASH = "33316b274f49"  # content/en/stale.md, recorded by content/fr/stale.md; it/stale.md records another
EXPECTED_STATES = {
    "dated": ["original", "translated", "missing"],
    "fresh": ["original", "translated", "missing"],
    "lonely": ["original", "missing", "missing"],
    "stale": ["original", "outdated", "translated"],
    "tips": ["missing", "missing", "original"],  # only in French: the French text is the original
}


def status_json(site_dir: Path, capsys) -> dict:
    """Run babelsite status --format json and return the parsed document."""
    capsys.readouterr()  # what earlier commands printed
    assert run("status", site_dir, "--format", "json") == 0
    return json.loads(capsys.readouterr().out)


def article(document: dict, slug: str) -> dict:
    return next(a for a in document["articles"] if a["slug"] == slug)


def states(document: dict) -> dict[str, list[str]]:
    return {a["slug"]: [cell["state"] for cell in a["cells"].values()] for a in document["articles"]}


def notices(page: Path) -> list:
    return [a for a in find_all(parse_html(page), "aside") if "outdated-notice" in (a.get("class") or "").split()]


def test_json_gives_every_cell_with_its_hashes_and_coverage(site, capsys):
    document = status_json(site("status"), capsys)
    assert document["languages"] == ["en", "it", "fr"] and document["default_language"] == "en"
    assert states(document) == EXPECTED_STATES
    articles = {a["slug"]: a for a in document["articles"]}
    stale = articles["stale"]
    assert stale["title"] == "Stale" and stale["original_language"] == "en"
    assert stale["cells"]["en"] == {"state": "original", "path": "content/en/stale.md", "original_hash": STALE_HASH,
                                    "url": "/en/stale/"}
    assert stale["cells"]["it"] == {"state": "outdated", "path": "content/it/stale.md", "translated_from": "0123456789ab",
                                    "original_hash": STALE_HASH, "freshness": "hash", "url": "/it/stale/"}
    assert stale["cells"]["fr"]["translated_from"] == STALE_HASH and stale["cells"]["fr"]["freshness"] == "hash"
    assert articles["fresh"]["cells"]["it"]["translated_from"] == FRESH_HASH
    assert articles["fresh"]["cells"]["fr"] == {"state": "missing", "path": None}
    # Not in git and no translated_from: translated, freshness unknown.
    assert articles["dated"]["cells"]["it"] == {"state": "translated", "path": "content/guides/dated.it.md",
                                               "original_hash": articles["dated"]["cells"]["en"]["original_hash"],
                                               "freshness": "unknown", "url": "/it/dated/"}
    assert articles["tips"]["original_language"] == "fr" and articles["tips"]["title"] == "Astuces"
    # Unknown freshness is counted apart, never as up to date.
    assert document["coverage"]["it"] == {"total": 5, "original": 0, "translated": 1, "outdated": 1, "missing": 2,
                                          "unknown": 1, "in_progress": 0, "coverage": 0.6, "up_to_date": 0.2}
    assert document["coverage"]["en"]["coverage"] == 0.8 and document["coverage"]["fr"]["up_to_date"] == 0.4


def test_text_is_an_aligned_table_with_a_coverage_line_per_language(site, capsys):
    assert run("status", site("status")) == 0
    lines = capsys.readouterr().out.splitlines()
    table = lines[:lines.index("")]
    assert table[0].split() == ["slug", "en", "it", "fr"]
    rows = {line.split()[0]: line.split()[1:] for line in table[1:]}
    assert rows == {**EXPECTED_STATES, "dated": ["original", "translated?", "missing"]}
    columns = [[match.start() for match in re.finditer(r"\S+", line)] for line in table]
    assert all(positions == columns[0] for positions in columns), "columns are not aligned"
    coverage = lines[lines.index("") + 1:]
    assert coverage[1].startswith("it: 3/5 available (60%), 1/5 up to date (20%) — 0 original, 1 translated, "
                                  "1 outdated, 1 unknown, 2 missing; interface strings ")
    assert "4 original, 0 translated, 0 outdated, 1 missing; " in coverage[0]  # no unknown: not mentioned
    assert coverage[3].startswith("?: ") and "not as up to date" in coverage[3]


def test_html_dashboard_is_valid_self_contained_and_shows_every_cell(site, tmp_path, capsys):
    out = tmp_path / "status.html"
    assert run("status", site("status"), "--format", "html", "--out", out) == 0
    html5lib.HTMLParser(strict=True).parse(out.read_bytes())  # raises on any parse error
    document = html5lib.parse(out.read_bytes(), namespaceHTMLElements=True)
    assert document.get("lang") == "en"
    assert not list(find_all(document, "script")) and not list(find_all(document, "link"))
    assert not [e for e in document.iter() if e.get("src")]  # no requests
    hrefs = [e.get("href") for e in document.iter() if e.get("href")]
    assert hrefs and all((out.parent / href).is_file() for href in hrefs)  # links to the files, none dead
    assert "noindex" in [m.get("content") for m in find_all(document, "meta") if m.get("name") == "robots"]
    matrix = {row.get("data-slug"): [td.get("data-state") for td in row.iter(f"{XHTML}td") if td.get("data-state")]
              for row in find_all(document, "tr") if row.get("data-slug")}
    assert matrix == EXPECTED_STATES
    stale_it = next(td for td in find_all(document, "td")
                    if td.get("data-lang") == "it" and td.get("data-state") == "outdated")
    assert [a.get("href") for a in stale_it.iter(f"{XHTML}a")] == ["status/content/it/stale.md"]
    [tips_title] = [bdi for bdi in find_all(document, "bdi") if bdi.text == "Astuces"]
    assert tips_title.get("lang") == "fr"
    assert "wrote" in capsys.readouterr().err


def test_content_hash_ignores_yaml_style_and_line_endings_but_not_the_text(site, capsys):
    site_dir = site("status")
    stale = site_dir / "content/en/stale.md"
    stale.write_bytes(b'---\r\ntitle: "Stale"\r\ndescription: >-\r\n  An article whose Italian\r\n'
                      b"  translation lags behind.\r\nrelated:\r\n  - 'fresh'\r\n---\r\n\r\n"
                      b"The English text changed after the Italian translation was made.\r\n")
    assert states(status_json(site_dir, capsys))["stale"] == ["original", "outdated", "translated"]
    stale.write_text(stale.read_text().replace("was made", "was written"))
    document = status_json(site_dir, capsys)
    assert states(document)["stale"] == ["original", "outdated", "outdated"]
    assert article(document, "stale")["cells"]["fr"]["original_hash"] != STALE_HASH


def test_outdated_translation_shows_a_notice_linking_to_the_original(site, tmp_path):
    out = tmp_path / "public"
    assert run("build", site("status"), "--out", out, "--strict") == 0
    [notice] = notices(out / "it/stale/index.html")
    assert notice.get("lang") == "it" and notice.get("role") == "note"
    [link] = notice.iter(f"{XHTML}a")
    assert link.get("href") == "/en/stale/" and link.get("hreflang") == "en"
    assert "".join(link.itertext()) == "Leggi l'originale aggiornato (English)"
    assert "aggiornato" in "".join(notice.itertext())
    for fresh in ("it/fresh", "fr/stale", "en/stale", "it/dated"):
        assert notices(out / fresh / "index.html") == []
    assert crawl(out, "/") == {}


def test_outdated_notice_false_turns_the_notice_off(site, tmp_path):
    site_dir = site("status")
    (site_dir / "site.toml").write_text("outdated_notice = false\n" + (site_dir / "site.toml").read_text())
    assert run("build", site_dir, "--out", tmp_path / "public") == 0
    assert notices(tmp_path / "public/it/stale/index.html") == []


def test_status_page_writes_the_dashboard_outside_the_sitemap(site, tmp_path):
    site_dir = site("status")
    assert run("build", site_dir, "--out", tmp_path / "without") == 0
    assert not (tmp_path / "without/_status").exists()
    (site_dir / "site.toml").write_text("status_page = true\n" + (site_dir / "site.toml").read_text())
    out = tmp_path / "public"
    assert run("build", site_dir, "--out", out, "--strict") == 0
    page = out / "_status/index.html"
    document = parse_html(page)
    assert "noindex" in [m.get("content") for m in find_all(document, "meta") if m.get("name") == "robots"]
    assert {row.get("data-slug") for row in find_all(document, "tr") if row.get("data-slug")} == set(EXPECTED_STATES)
    locs = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iter(f"{SITEMAP}loc")]
    assert locs and not [loc for loc in locs if "_status" in loc]
    assert crawl(out, "/") == {}


def git(site_dir: Path, *args: str, date: str | None = None) -> None:
    """Run git in site_dir, committing at `date` when given."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=site_dir, env=env, check=True, capture_output=True, timeout=60)


def commit(site_dir: Path, path: str, date: str) -> None:
    git(site_dir, "add", path)
    git(site_dir, "commit", "-q", "--no-gpg-sign", "-m", f"Add {path}", date=date)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("first, then, state", [
    ("content/guides/dated.it.md", "content/guides/dated.en.md", "outdated"),  # the original changed after the translation
    ("content/guides/dated.en.md", "content/guides/dated.it.md", "translated"),
])
def test_without_translated_from_git_commit_dates_decide(site, tmp_path, capsys, first, then, state):
    site_dir = site("status")
    git(site_dir, "init", "-q")
    commit(site_dir, first, "2024-01-01T10:00:00Z")
    commit(site_dir, then, "2024-03-01T10:00:00Z")
    git(site_dir, "add", ".")
    git(site_dir, "commit", "-q", "--no-gpg-sign", "-m", "The rest", date="2024-05-01T10:00:00Z")
    document = status_json(site_dir, capsys)
    cell = article(document, "dated")["cells"]["it"]
    assert (cell["state"], cell["freshness"]) == (state, "git")
    assert states(document)["stale"] == EXPECTED_STATES["stale"]  # translated_from wins over dates
    assert run("build", site_dir, "--out", tmp_path / "public") == 0
    assert len(notices(tmp_path / "public/it/dated/index.html")) == (state == "outdated")


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_untracked_translation_or_no_git_leaves_freshness_unknown(site, tmp_path, capsys, monkeypatch):
    site_dir = site("status")
    git(site_dir, "init", "-q")
    commit(site_dir, "content/guides/dated.en.md", "2024-03-01T10:00:00Z")
    assert freshness(site_dir, capsys) == ("translated", "unknown")  # content/guides/dated.it.md is untracked
    commit(site_dir, "content/guides/dated.it.md", "2024-01-01T10:00:00Z")
    assert freshness(site_dir, capsys) == ("outdated", "git")
    empty = tmp_path / "no-git"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert freshness(site_dir, capsys) == ("translated", "unknown")


def freshness(site_dir: Path, capsys) -> tuple[str, str]:
    """Return the state and freshness of the Italian translation of `dated`."""
    cell = article(status_json(site_dir, capsys), "dated")["cells"]["it"]
    return cell["state"], cell["freshness"]


def test_status_exits_1_with_the_build_errors_when_the_site_does_not_load(site, capsys):
    site_dir = site("status")
    (site_dir / "content/it/stale.md").write_text("---\ndescription: No title.\n---\n")
    assert run("status", site_dir) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "content/it/stale.md:1: error: missing title; add title: to the front matter, or start the text with a '# Title' heading" in captured.err
    assert "babelsite: the site has 1 error; fix them to see its status" in captured.err


def test_new_translation_copies_front_matter_and_records_the_original_hash(site, tmp_path, capsys):
    site_dir = site("status")
    original_hash = article(status_json(site_dir, capsys), "lonely")["cells"]["en"]["original_hash"]
    assert run("new", "lonely", site_dir, "--lang", "it", "--from", "en") == 0
    created = site_dir / "content/it/basics/lonely.md"  # the original is content/en/basics/lonely.md
    assert capsys.readouterr().out == f"{created}\n"
    parsed = parse_file(created.read_bytes())
    assert dict(parsed.metadata) == {
        "title": "TODO translate: Lonely: Only in English",
        "category": "Basics",
        "description": "TODO translate: Nobody has translated this yet.",
        "sources": [{"text": "Two: a source", "url": "https://example.org/two"},
                    {"text": "Three", "url": "https://example.org/three"}],
        "related": ["fresh", "stale"],
        "translated_from": original_hash,
        "draft": True,
    }
    assert parsed.body.lstrip().startswith("TODO: translate this text")
    assert "Only English [1], for now [1, 2]." in parsed.body

    # A draft: never published by accident, in progress in the status.
    assert run("build", site_dir, "--out", tmp_path / "public", "--strict") == 0
    assert "0 warnings" in capsys.readouterr().out
    assert not (tmp_path / "public/it/lonely").exists()
    assert run("check", site_dir) == 0
    assert "content/it/basics/lonely.md" not in capsys.readouterr().out
    document = status_json(site_dir, capsys)
    cell = article(document, "lonely")["cells"]["it"]
    assert (cell["state"], cell["path"], cell["translated_from"]) == ("in-progress", "content/it/basics/lonely.md",
                                                                      original_hash)
    assert document["coverage"]["it"]["in_progress"] == 1 and document["coverage"]["it"]["coverage"] == 0.6


def test_a_page_that_is_no_draft_but_holds_the_marks_of_new_is_an_error(site, tmp_path, capsys):
    site_dir = site("status")
    assert run("new", "lonely", site_dir, "--lang", "it", "--from", "en") == 0
    created = site_dir / "content/it/basics/lonely.md"
    text = created.read_text().replace("draft: true\n", "")
    created.write_text(text)
    lines = text.split("\n")
    body_line = lines.index("TODO: translate this text, then delete this line.") + 1
    expected = [
        "content/it/basics/lonely.md:2: error: 'TODO translate: Lonely: Only in English' is a mark babelsite new "
        "left to replace, and the page is not a draft; finish the text and remove the mark, or keep draft: true "
        "until it is done",
        "content/it/basics/lonely.md:4: error: 'TODO translate: Nobody has translated this yet.' is a mark",
        f"content/it/basics/lonely.md:{body_line}: error: 'TODO: translate this text, then delete this line.' is a mark"]
    capsys.readouterr()
    assert run("build", site_dir, "--out", tmp_path / "public") == 1
    err = capsys.readouterr().err
    assert all(any(line.startswith(message) for line in err.splitlines()) for message in expected), err
    assert not (tmp_path / "public").exists()
    assert run("check", site_dir) == 1
    out = capsys.readouterr().out
    assert all(any(line.startswith(message) for line in out.splitlines()) for message in expected), out
    created.write_text(text.replace("TODO translate: ", "").replace("TODO: translate this text, then delete this line.\n", ""))
    assert run("build", site_dir, "--out", tmp_path / "public", "--strict") == 0
    assert (tmp_path / "public/it/lonely/index.html").is_file()


def test_new_translation_beside_a_file_named_with_its_language(site, capsys):
    site_dir = site("status")
    assert run("new", "dated", site_dir, "--lang", "fr", "--from", "en") == 0
    assert capsys.readouterr().out == f"{site_dir}/content/guides/dated.fr.md\n"
    created = site_dir / "content/guides/dated.fr.md"
    assert parse_file(created.read_bytes()).metadata["title"] == "TODO translate: Dated"
    cell = article(status_json(site_dir, capsys), "dated")["cells"]["fr"]
    assert cell["state"] == "in-progress" and cell["path"] == "content/guides/dated.fr.md"


def test_new_article_starts_in_the_default_language(site, tmp_path, capsys):
    site_dir = site("status")
    assert run("new", "brand-new", site_dir) == 0
    assert capsys.readouterr().out == f"{site_dir}/content/en/brand-new.md\n"
    created = site_dir / "content/en/brand-new.md"
    assert dict(parse_file(created.read_bytes()).metadata) == {"title": "TODO: brand-new", "draft": True}
    assert run("build", site_dir, "--out", tmp_path / "public", "--strict") == 0
    assert not (tmp_path / "public/en/brand-new").exists()
    assert states(status_json(site_dir, capsys))["brand-new"] == ["in-progress", "missing", "missing"]
    created.write_text(created.read_text().replace("draft: true\n", ""))
    assert run("check", site_dir) == 1
    assert "content/en/brand-new.md:2: error: 'TODO: brand-new' is a mark babelsite new left" in capsys.readouterr().out


def test_new_never_overwrites_a_file(site, capsys):
    site_dir = site("status")
    assert run("new", "lonely", site_dir, "--lang", "it", "--from", "en") == 0
    created = site_dir / "content/it/basics/lonely.md"
    assert run("new", "lonely", site_dir, "--lang", "it", "--from", "en") == 1
    assert "content/it/basics/lonely.md:2: error: 'lonely' already has a version in it here" in capsys.readouterr().err
    created.write_text("not front matter at all\n")  # a broken file that does not load is still not replaced
    assert run("new", "lonely", site_dir, "--lang", "it", "--from", "en") == 1
    assert "content/it/basics/lonely.md: error: the file already exists" in capsys.readouterr().err
    assert created.read_text() == "not front matter at all\n"


@pytest.mark.parametrize("args, message", [
    (["a b", "--lang", "it", "--from", "en"], "content: error: slug 'a b' cannot be a URL path segment"),
    (["../up", "--lang", "it", "--from", "en"], "content: error: slug '../up' cannot be a URL path segment"),
    (["lonely", "--lang", "de", "--from", "en"], "site.toml: error: language 'de' is not in site.toml"),
    (["lonely", "--lang", "it", "--from", "it"], "content: error: --from and --lang both name 'it'"),
    (["lonley", "--lang", "it", "--from", "en"],
     "content: error: no en version of 'lonley' to translate from; did you mean 'lonely'?"),
    (["fresh", "--lang", "fr"], "content/en/basics/fresh.md:2: error: 'fresh' already exists in en; "
                                "to translate it, add --from en"),
])
def test_new_refuses_with_a_located_message(site, capsys, args, message):
    site_dir = site("status")
    before = sorted(site_dir.rglob("*"))
    assert run("new", args[0], site_dir, *args[1:]) == 1
    assert message in capsys.readouterr().err
    assert sorted(site_dir.rglob("*")) == before


@pytest.mark.parametrize("value", ["12e456789012", "123456789012", "012345678901", "yes", "no", "on", "null",
                                   "x: y", "it's", '"quoted"', "#tag", "- item", "Spazio latente", "", " padded "])
def test_front_matter_reads_back_every_string_unchanged(value):
    text = front_matter({"title": value, "translated_from": value}) + "\nBody.\n"
    assert dict(parse_file(text.encode()).metadata) == {"title": value, "translated_from": value}
    assert yaml.safe_load(text.split("---\n")[1]) == {"title": value, "translated_from": value}  # YAML 1.1 too


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_commit_that_dates_a_translation_reaches_the_cached_build(site, tmp_path):
    site_dir = site("status")
    git(site_dir, "init", "-q")
    out = tmp_path / "public"
    assert run("build", site_dir, "--out", out) == 0  # untracked: freshness unknown, no notice
    assert notices(out / "it/dated/index.html") == []
    commit(site_dir, "content/guides/dated.it.md", "2024-01-01T10:00:00Z")
    commit(site_dir, "content/guides/dated.en.md", "2024-03-01T10:00:00Z")  # no file changed, only history
    assert run("build", site_dir, "--out", out) == 0
    assert len(notices(out / "it/dated/index.html")) == 1
    assert run("build", site_dir, "--out", tmp_path / "cold", "--no-cache") == 0
    assert tree(out) == tree(tmp_path / "cold")


def coverage_counts(page: Path) -> dict[str, list[str]]:
    """Return each language's row of the dashboard's coverage table: its cells' text."""
    table = next(t for t in find_all(parse_html(page), "table") if t.get("class") == "coverage")
    return {row.get("data-lang"): ["".join(cell.itertext()).strip() for cell in find_all(row, "td")]
            for row in find_all(table, "tr") if row.get("data-lang")}


def test_edits_built_from_the_cache_count_the_coverage_as_a_cold_build(site, tmp_path, monkeypatch):
    site_dir = site("status")
    (site_dir / "site.toml").write_text("status_page = true\n" + (site_dir / "site.toml").read_text())
    out = tmp_path / "public"
    assert run("build", site_dir, "--out", out) == 0
    prepared, real_prepare = [], babelsite.build.prepare
    monkeypatch.setattr(babelsite.build, "prepare", lambda *args, **kwargs: prepared.append(1) or real_prepare(*args, **kwargs))
    edits = [  # the Italian stale.md brought up to date, then fresh.md's original changed under its translation
        (site_dir / "content/it/stale.md", "translated_from: 0123456789ab", f"translated_from: {STALE_HASH}"),
        (site_dir / "content/en/basics/fresh.md", "\n\n", "\n\nA new first paragraph.\n\n"),
    ]
    counts = [coverage_counts(out / "_status/index.html")]
    loaded, real_load = [], babelsite.incremental.cache.Pack.load
    monkeypatch.setattr(babelsite.incremental.cache.Pack, "load", lambda pack, name: loaded.append(name) or real_load(pack, name))
    for step, (path, old, new) in enumerate(edits):
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
        assert run("build", site_dir, "--out", out) == 0
        assert prepared == [1] * step  # from the cache: only the cold builds beside it ran the whole pipeline
        # the status page shows every row, read alone: not every article's part with its bodies
        assert {name for name in loaded if not name.startswith("\0")} <= {"stale", "fresh"}
        assert {name for name in loaded if name.startswith("\0row\0")} == {f"\0row\0{slug}" for slug in EXPECTED_STATES}
        loaded.clear()
        cold_site = shutil.copytree(site_dir, tmp_path / f"cold-site{step}")  # a cold build keeps its own cache
        assert run("build", cold_site, "--out", tmp_path / f"cold{step}", "--no-cache") == 0
        assert tree(out) == tree(tmp_path / f"cold{step}")
        counts.append(coverage_counts(out / "_status/index.html"))
    assert [c["it"][4] for c in counts] == ["1", "0", "1"]  # Italian outdated translations
    assert [c["it"][3] for c in counts] == ["1", "2", "1"]  # and up-to-date ones (dated.it.md: unknown, no git)


def test_check_warns_at_an_outdated_translation_by_hash_so_strict_fails(site, capsys):
    site_dir = site("status")
    assert run("check", site_dir) == 0
    out = capsys.readouterr().out.splitlines()
    assert (f"content/it/stale.md:5: warning: outdated translation: the en original content/en/stale.md changed "
            f"since this translation was made from it (translated_from 0123456789ab, the original is now "
            f"{STALE_HASH}); bring the translation up to date, then set translated_from: \"{STALE_HASH}\"") in out
    assert [line for line in out if "outdated" in line] == [line for line in out if line.startswith("content/it/stale.md:5")]
    assert run("check", site_dir, "--strict") == 1
    assert "content/it/stale.md:5: error: outdated translation" in capsys.readouterr().out


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_check_counts_the_commits_of_the_original_since_the_translation(site, capsys):
    site_dir = site("status")
    git(site_dir, "init", "-q")
    commit(site_dir, "content/guides/dated.it.md", "2024-01-01T10:00:00Z")
    commit(site_dir, "content/guides/dated.en.md", "2024-02-01T10:00:00Z")
    original = site_dir / "content/guides/dated.en.md"
    original.write_text(original.read_text() + "\nOne more paragraph.\n")
    commit(site_dir, "content/guides/dated.en.md", "2024-03-01T10:00:00Z")
    assert run("check", site_dir) == 0
    assert ("content/guides/dated.it.md:2: warning: outdated translation: the en original content/guides/dated.en.md "
            "has 2 commits since this translation's last one") in capsys.readouterr().out
    assert article(status_json(site_dir, capsys), "dated")["cells"]["it"]["commits_behind"] == 2


TREE_SECTIONS = {"": ["intro"], "guide": ["guide", "guide/install"], "guide/advanced": ["guide/advanced/tuning"]}


def test_text_groups_rows_by_section_under_a_line_naming_it(site, capsys):
    assert run("status", site("status_tree")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:lines.index("")] == [
        "slug                   en        fr           de",
        "/",
        "intro                  original  translated?  missing",
        "guide/ · Guide",
        "guide                  original  translated?  missing",
        "guide/install          original  in-progress  translated?",
        "guide/advanced/ · Advanced",
        "guide/advanced/tuning  original  missing      missing"]
    coverage = lines[lines.index("") + 1:]
    assert coverage[1].startswith("fr: 2/4 available (50%), 0/4 up to date (0%) — 0 original, 0 translated, "
                                  "0 outdated, 2 unknown, 1 in progress, 1 missing; interface strings ")


def test_json_names_each_article_s_section_and_lists_the_sections(site, capsys):
    document = status_json(site("status_tree"), capsys)
    assert [(s["section"], s["title"], s["slugs"]) for s in document["sections"]] == [
        ("", "", ["intro"]), ("guide", "Guide", ["guide", "guide/install"]),
        ("guide/advanced", "Advanced", ["guide/advanced/tuning"])]
    assert {a["slug"]: a["section"] for a in document["articles"]} == {
        slug: section for section, slugs in TREE_SECTIONS.items() for slug in slugs}
    install = article(document, "guide/install")["cells"]
    assert install["fr"]["state"] == "in-progress" and "url" not in install["fr"]  # a draft is not published
    assert install["de"] == {"state": "translated", "path": "content/de/guide/install.md", "freshness": "unknown",
                             "original_hash": install["en"]["original_hash"], "url": "/de/guide/install/"}
    assert document["coverage"]["fr"]["in_progress"] == 1 and document["coverage"]["fr"]["up_to_date"] == 0


def dashboard(path: Path):
    """Parse a dashboard; return the document and its state cells by (slug, language)."""
    document = parse_html(path)
    cells = {(row.get("data-slug"), td.get("data-lang")): td for row in find_all(document, "tr") if row.get("data-slug")
             for td in row.iter(f"{XHTML}td")}
    return document, cells


def test_html_groups_rows_by_section_links_files_and_shows_the_command_to_start_a_translation(site, tmp_path, capsys):
    site_dir = site("status_tree")
    out = tmp_path / "reports/status.html"
    out.parent.mkdir()
    assert run("status", site_dir, "--format", "html", "--out", out) == 0
    html5lib.HTMLParser(strict=True).parse(out.read_bytes())
    document, cells = dashboard(out)
    bodies = [body for body in find_all(document, "tbody") if body.get("data-section") is not None]
    assert {body.get("data-section"): [row.get("data-slug") for row in body.iter(f"{XHTML}tr") if row.get("data-slug")]
            for body in bodies} == TREE_SECTIONS
    assert ["".join(th.itertext()) for body in bodies for th in body.iter(f"{XHTML}th")
            if th.get("scope") == "rowgroup"] == ["Top /", "Guide /guide", "Advanced /guide/advanced"]
    # Present cells link to their file, relative to the dashboard; base_url "/" gives no page a URL that opens here.
    for (slug, lang), td in cells.items():
        links = [a.get("href") for a in td.iter(f"{XHTML}a")]
        if td.get("data-state") == "missing":
            assert links == []
        else:
            [href] = links
            assert (out.parent / href).resolve().is_file()
    assert [a.get("href") for a in cells["guide/install", "fr"].iter(f"{XHTML}a")] == [
        f"../{site_dir.name}/content/fr/guide/install.md"]
    assert cells["guide/install", "de"].get("data-freshness") == "unknown"
    assert [span.text for span in cells["guide/install", "fr"].iter(f"{XHTML}span")] == ["in-progress"]
    [fr] = [row for row in find_all(document, "tr") if row.get("data-lang") == "fr"]
    # Available, up to date, original, translated, outdated, unknown, in progress, missing: unknown is not up to date.
    assert ["".join(td.itertext()).strip() for td in fr.iter(f"{XHTML}td")] == ["50%", "0%", "0", "0", "0", "2", "1", "1"]
    [code] = [c for c in cells["guide/advanced/tuning", "fr"].iter(f"{XHTML}code")]
    command = "".join(code.itertext())
    assert command == "babelsite new guide/advanced/tuning --lang fr --from en"
    assert run(*command.split()[1:3], site_dir, *command.split()[3:]) == 0  # the command works
    assert (site_dir / "content/fr/guide/advanced/tuning.md").is_file()


def test_html_links_each_published_cell_to_its_page_where_the_site_has_a_full_url(site, tmp_path):
    site_dir = site("status_tree")
    (site_dir / "site.toml").write_text('base_url = "https://example.org/docs/"\n' + (site_dir / "site.toml").read_text())
    assert run("status", site_dir, "--format", "html", "--out", tmp_path / "status.html") == 0
    _, cells = dashboard(tmp_path / "status.html")
    assert [a.get("href") for a in cells["guide/install", "de"].iter(f"{XHTML}a")] == [
        "https://example.org/docs/de/guide/install/", "status_tree/content/de/guide/install.md"]
    assert len(list(cells["guide/install", "fr"].iter(f"{XHTML}a"))) == 1  # a draft has no page yet


def test_status_page_of_the_site_links_each_cell_to_its_page(site, tmp_path):
    site_dir = site("status_tree")
    (site_dir / "site.toml").write_text("status_page = true\n" + (site_dir / "site.toml").read_text())
    out = tmp_path / "public"
    assert run("build", site_dir, "--out", out) == 0
    _, cells = dashboard(out / "_status/index.html")
    assert [a.get("href") for a in cells["guide/install", "de"].iter(f"{XHTML}a")] == ["/de/guide/install/"]
    assert [a.get("href") for a in cells["guide", "en"].iter(f"{XHTML}a")] == ["/en/guide/"]
    assert crawl(out, "/") == {}
