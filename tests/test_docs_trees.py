"""Documentation trees as Hugo, MkDocs, Jekyll and Next.js users keep them: built as they are, crawled, navigated."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import REPO, XHTML, crawl, find_all, parse_html, run, tree

SHAPES = ["docs_hugo", "docs_mkdocs", "docs_jekyll", "docs_nextjs"]


def build(site_dir, out, *args) -> int:
    return run("build", site_dir, "--out", out, *args)


def text_of(element) -> str:
    return "".join(element.itertext()).strip()


def by_class(document, tag: str, name: str):
    return [e for e in find_all(document, tag) if name in (e.get("class") or "").split()]


def menu_links(document) -> list[tuple[str, str | None]]:
    """Return the (text, aria-current) of every link in the tree menu, in document order."""
    nav = by_class(document, "nav", "tree-nav")[0]
    return [(text_of(a), a.get("aria-current")) for a in nav.iter(XHTML + "a")]


# The one link that does not land is the one the build warns about: the Japanese translation
# dropped the heading id the link names (docs/ja/index.md:5).
WARNED = {"docs_mkdocs": {"ja/index.html": ["/ja/user-guide/install/#steps"]}}


@pytest.mark.parametrize("shape", SHAPES)
def test_each_shape_builds_as_it_is_and_every_link_lands(site, tmp_path, shape):
    out = tmp_path / "public"
    assert build(site(shape), out) == 0
    assert crawl(out, "/") == WARNED.get(shape, {})


def test_hugo_tree_publishes_nested_pages_at_their_folder_paths(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_hugo"), out) == 0
    for path in ["en/docs/concepts/signals/traces", "en/docs/concepts/overview", "en/docs/reference/overview",
                 "fr/docs/getting-started/installer", "fr/docs/notions/signals/traces", "de/docs/getting-started/install"]:
        assert (out / path / "index.html").is_file(), path
    assert not (out / "en/docs/_shared").exists()  # a folder starting with _ holds no pages


def test_localized_urls_are_reached_from_the_switcher_and_hreflang(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_hugo"), out) == 0
    document = parse_html(out / "en/docs/getting-started/install/index.html")
    switcher = {a.get("hreflang"): a.get("href") for a in by_class(document, "nav", "language-switcher")[0].iter(XHTML + "a")}
    assert switcher["fr"] == "/fr/docs/getting-started/installer/"
    alternates = {link.get("hreflang"): link.get("href") for link in find_all(document, "link")
                  if link.get("rel") == "alternate"}
    assert alternates["fr"].endswith("/fr/docs/getting-started/installer/")
    french = parse_html(out / "fr/docs/notions/signals/traces/index.html")
    canonical = [link.get("href") for link in find_all(french, "link") if link.get("rel") == "canonical"]
    assert canonical[0].endswith("/fr/docs/notions/signals/traces/")


def test_the_menu_marks_the_current_page_and_opens_its_sections(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_hugo"), out) == 0
    document = parse_html(out / "fr/docs/notions/signals/traces/index.html")
    current = [text for text, mark in menu_links(document) if mark == "page"]
    assert current == ["Traces"]
    nav = by_class(document, "nav", "tree-nav")[0]
    opened = [text_of(d.find(XHTML + "summary")) for d in nav.iter(XHTML + "details") if d.get("open") is not None]
    assert opened == ["Documentation", "Notions", "Signaux"]


def test_breadcrumbs_and_their_json_ld_follow_the_tree(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_hugo"), out) == 0
    document = parse_html(out / "fr/docs/notions/signals/traces/index.html")
    crumbs = by_class(document, "nav", "breadcrumbs")[0]
    items = [(text_of(li), (li.find(XHTML + "a").get("href") if li.find(XHTML + "a") is not None else None))
             for li in crumbs.iter(XHTML + "li")]
    assert [title for title, _ in items][1:] == ["Documentation", "Notions", "Signaux", "Traces"]
    assert items[2][1] == "/fr/docs/notions/" and items[-1][1] is None
    scripts = [s for s in find_all(document, "script") if s.get("type") == "application/ld+json"]
    data = json.loads(scripts[0].text)
    assert data["@type"] == "BreadcrumbList"
    assert [item["name"] for item in data["itemListElement"]][1:] == ["Documentation", "Notions", "Signaux", "Traces"]
    assert data["itemListElement"][-1]["item"] == "https://lumen.example.org/fr/docs/notions/signals/traces/"


def test_previous_and_next_follow_the_tree_order(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_hugo"), out) == 0
    document = parse_html(out / "en/docs/concepts/signals/metrics/index.html")
    nav = by_class(document, "nav", "prev-next")[0]
    links = {a.get("rel"): a.get("href") for a in nav.iter(XHTML + "a")}
    assert links == {"prev": "/en/docs/concepts/signals/", "next": "/en/docs/concepts/signals/traces/"}


def test_a_section_page_lists_its_pages_with_descriptions(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_hugo"), out) == 0
    document = parse_html(out / "en/docs/concepts/signals/index.html")
    listing = by_class(document, "ul", "section-pages")[0]
    entries = [(text_of(li.find(XHTML + "a")), text_of(li.find(XHTML + "p"))) for li in listing.iter(XHTML + "li")]
    assert [title for title, _ in entries] == ["Metrics", "Traces"]
    assert all(description for _, description in entries)


def test_a_page_missing_in_a_language_is_marked_in_the_menu(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_hugo"), out) == 0
    document = parse_html(out / "de/docs/concepts/overview/index.html")  # its section open: Signals is English only
    nav = by_class(document, "nav", "tree-nav")[0]
    fallbacks = [a for a in nav.iter(XHTML + "a") if a.get("hreflang") == "en"]
    assert fallbacks and all(a.get("href").startswith("/en/") for a in fallbacks)


def test_citations_in_a_page_without_sources_are_text(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_hugo"), out) == 0
    document = parse_html(out / "en/docs/concepts/signals/metrics/index.html")
    body = by_class(document, "div", "article-body")[0]
    assert "[1]" in text_of(body)
    assert not [a for a in body.iter(XHTML + "a") if (a.get("href") or "").startswith("#source-")]


def test_an_image_beside_a_page_is_published_and_linked(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_hugo"), out) == 0
    document = parse_html(out / "fr/docs/getting-started/installer/index.html")
    sources = [img.get("src") for img in find_all(document, "img")]
    assert len(sources) == 1 and sources[0].startswith("/static/content/fr/docs/getting-started/img/arch.")
    assert (out / sources[0].lstrip("/")).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_relative_aliases_live_beside_the_page_in_each_language(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_hugo"), out) == 0
    files = tree(out)
    assert "en/docs/getting-started/old-install/index.html" in files
    assert "docs/legacy/index.html" in files  # an absolute alias stays where it says
    assert b"/en/docs/getting-started/install/" in files["en/docs/getting-started/old-install/index.html"]


def test_mkdocs_pages_take_their_title_from_the_first_heading_and_keep_their_ids(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_mkdocs"), out) == 0
    document = parse_html(out / "es/user-guide/install/index.html")
    titles = [text_of(h) for h in find_all(document, "h1")]
    assert len(titles) == 1  # the heading became the title and is not repeated in the body
    ids = {h.get("id") for h in find_all(document, "h2")}
    assert "requirements" in ids
    assert (out / "en/admin/install/index.html").is_file() and (out / "en/user-guide/install/index.html").is_file()
    assert not (out / "README").exists() and not (out / "en/README").exists()


def test_jekyll_guide_keeps_the_default_language_at_the_top(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_jekyll"), out) == 0
    assert (out / "index.html").is_file() and (out / "usage/filters/index.html").is_file()
    assert (out / "fr/usage/filters/index.html").is_file()
    document = parse_html(out / "setup/index.html")
    switcher = {a.get("hreflang"): a.get("href") for a in by_class(document, "nav", "language-switcher")[0].iter(XHTML + "a")}
    assert switcher["fr"] == "/fr/installation/"  # translation_key pairs files whose names differ


def test_check_reports_other_generators_syntax_and_mdx_files(site, capsys):
    assert run("check", site("docs_nextjs")) == 0
    assert "pages/en/docs/guide/data.mdx: warning: MDX is not Markdown" in capsys.readouterr().out
    assert run("check", site("docs_jekyll")) == 0
    out = capsys.readouterr().out
    assert "content/setup.md:9: warning: a kramdown attribute list" in out
    assert "content/usage/filters.md:9: warning: a Liquid or Jinja tag" in out


def test_every_problem_of_a_bad_tree_is_reported_at_once(site, tmp_path, capsys):
    assert build(site("docs_bad"), tmp_path / "public") == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "content/en/guide.md:2: error: page 'guide' in language 'en' is also defined by content/en/guide/index.md; "
        "keep one of the two files, or set translation_key: in one of them",
        "content/en/notes.md:1: error: missing title; "
        "add title: to the front matter, or start the text with a '# Title' heading",
        "content/en/overview.md:3: error: related page 'install' could be any of admin/install, setup/install; "
        "write the key of the one you mean",
        "content/en/scratch.md:1: error: missing title; "
        "add title: to the front matter, or start the text with a '# Title' heading",
        "babelsite: build failed with 4 errors; nothing was written",
    ]


def edit_front_matter(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


TREE_EDITS = ["add", "move", "retitle", "describe", "reweigh", "add-unindexed", "move-unindexed", "delete-unindexed",
              "retitle-unindexed", "translate", "untranslate", "retitle-section"]


@pytest.mark.parametrize("change", TREE_EDITS)
def test_cached_and_cold_builds_agree_after_tree_edits(site, tmp_path, change):
    site_dir = site("docs_hugo")
    cached, cold = tmp_path / "cached", tmp_path / "cold"
    assert build(site_dir, cached) == 0
    content = site_dir / "content"
    docs = content / "en/docs"
    if change == "add":
        (docs / "concepts/signals/logs.md").write_text("---\ntitle: Logs\nweight: 30\n---\nLines.\n")
    elif change == "move":
        (docs / "concepts/overview.md").rename(docs / "reference/concepts-overview.md")
    elif change == "retitle":
        edit_front_matter(docs / "concepts/signals/traces.md", "title: Traces", "title: Spans and traces")
    elif change == "describe":  # the section page lists its pages' descriptions
        edit_front_matter(docs / "concepts/signals/traces.md", "description: ", "description: Newly, ")
    elif change == "reweigh":
        edit_front_matter(docs / "concepts/signals/traces.md", "title: Traces", "title: Traces\nweight: -5")
    elif change == "add-unindexed":  # docs/reference has no index page: babelsite makes it, listing this one
        (docs / "reference/api.md").write_text("---\ntitle: API\ndescription: Every call.\n---\nCalls.\n")
    elif change == "move-unindexed":
        (docs / "reference/overview.md").rename(docs / "concepts/reference-overview.md")
    elif change == "delete-unindexed":
        (content / "fr/docs/reference/overview.md").unlink()
    elif change == "retitle-unindexed":
        edit_front_matter(docs / "reference/overview.md", "Weight: 1", "Weight: 30")
    elif change == "translate":
        (content / "de/docs/reference").mkdir()
        (content / "de/docs/reference/overview.md").write_text("---\ntitle: Überblick\n---\nAlles.\n")
    elif change == "untranslate":
        (content / "fr/docs/concepts/signals/traces.md").unlink()
    else:
        edit_front_matter(docs / "concepts/_index.md", "title: ", "title: Core ")
    assert build(site_dir, cached) == 0
    assert build(site_dir, cold, "--no-cache") == 0
    assert tree(cached) == tree(cold)


def test_the_documentation_example_builds_and_every_link_lands(tmp_path):
    example = tmp_path / "docs"
    shutil.copytree(REPO / "examples" / "docs", example)
    assert build(example, tmp_path / "public", "--strict") == 0
    assert crawl(tmp_path / "public", "/") == {}
    assert (tmp_path / "public/fr/docs/getting-started/installer/index.html").is_file()


def test_check_names_the_index_page_a_section_lacks(site, capsys):
    assert run("check", site("docs_hugo")) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if "section-index" in line or "no index page" in line]
    assert notes == [
        "content/en/docs/reference/_index.md: info: section 'docs/reference' has no index page in en; babelsite makes "
        "its page, titled from [i18n.en] or its folder's name; add content/en/docs/reference/_index.md with its title: "
        "and description:",
        "content/fr/docs/reference/_index.md: info: section 'docs/reference' has no index page in fr; babelsite makes "
        "its page, titled from [i18n.fr] or its folder's name; add content/fr/docs/reference/_index.md with its title: "
        "and description:",
    ]


def test_new_takes_keys_and_unique_stems_and_lists_an_ambiguous_one(site, capsys):
    site_dir = site("docs_hugo")
    assert run("new", "docs/concepts/signals/logs", site_dir) == 0
    assert (site_dir / "content/en/docs/concepts/signals/logs.md").is_file()
    assert run("new", "traces", site_dir, "--lang", "de", "--from", "en") == 0
    assert (site_dir / "content/de/docs/concepts/signals/traces.md").is_file()
    capsys.readouterr()
    assert run("new", "overview", site_dir, "--lang", "de", "--from", "en") == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "content: error: 'overview' could be any of docs/concepts/overview, docs/reference/overview; "
        "write the key of the page to translate")


def test_a_body_edit_in_a_tree_reads_only_its_own_page_from_the_cache(site, tmp_path, monkeypatch):
    from babelsite.incremental.cache import Pack

    site_dir, out = site("docs_hugo"), tmp_path / "public"
    assert build(site_dir, out) == 0
    traces = site_dir / "content/en/docs/concepts/signals/traces.md"
    traces.write_text(traces.read_text().replace("\n\n", "\n\nA new first paragraph.\n\n", 1))
    loaded: list[str] = []
    real_load = Pack.load
    monkeypatch.setattr(Pack, "load", lambda pack, name: loaded.append(name) or real_load(pack, name))
    assert build(site_dir, out) == 0
    # the page and the two that link to it (their anchors may have moved); the menu comes from the cached tree
    slugs = {name for name in loaded if not name.startswith("\0")}  # the others are the outline's values
    assert slugs == {"docs/concepts/signals/traces", "docs/concepts/overview", "docs/concepts/signals/metrics"}
    assert b"A new first paragraph." in (out / "en/docs/concepts/signals/traces/index.html").read_bytes()


def test_a_folder_without_index_page_gets_a_page_listing_its_pages_in_each_language(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("docs_hugo"), out) == 0
    # docs/reference has no _index.md in any language: its title comes from [i18n.xx] or the folder's name
    for lang, title in [("en", "Reference"), ("fr", "Référence"), ("de", "Referenz")]:
        document = parse_html(out / lang / "docs/reference/index.html")
        assert [text_of(h) for h in find_all(document, "h1")] == [title]
        listing = by_class(document, "ul", "section-pages")[0]
        entries = [(a.get("href"), a.get("hreflang")) for a in listing.iter(XHTML + "a")]
        # German has no page there: the listing leads to the English one, marked as such
        assert entries == [(f"/{'en' if lang == 'de' else lang}/docs/reference/overview/", "en" if lang == "de" else None)]
        switcher = {a.get("hreflang"): a.get("href")
                    for a in by_class(document, "nav", "language-switcher")[0].iter(XHTML + "a")}
        assert switcher == {other: f"/{other}/docs/reference/" for other in ("en", "fr", "de")}  # the current one too
        alternates = {link.get("hreflang") for link in find_all(document, "link") if link.get("rel") == "alternate"}
        assert alternates == {"en", "fr", "de", "x-default"}
    page = parse_html(out / "fr/docs/reference/overview/index.html")
    crumbs = [a.get("href") for a in by_class(page, "nav", "breadcrumbs")[0].iter(XHTML + "a")]
    assert crumbs[-1] == "/fr/docs/reference/"
    links = {a.get("rel"): a.get("href") for a in by_class(page, "nav", "prev-next")[0].iter(XHTML + "a")}
    assert links["prev"] == "/fr/docs/reference/"
    menu = [a.get("href") for a in by_class(page, "nav", "tree-nav")[0].iter(XHTML + "a")]
    assert "/fr/docs/reference/" in menu
    sitemap = (out / "sitemap.xml").read_text()
    assert "https://lumen.example.org/de/docs/reference/</loc>" in sitemap


def test_a_title_weight_or_description_edit_in_a_tree_reparses_only_that_page(site, tmp_path, monkeypatch):
    import babelsite.build
    from babelsite.incremental import rebuild

    site_dir, out, cold = site("docs_hugo"), tmp_path / "public", tmp_path / "cold"
    assert build(site_dir, out) == 0
    traces = site_dir / "content/en/docs/concepts/signals/traces.md"
    edit_front_matter(traces, "title: Traces", "title: Spans\nweight: -5")
    monkeypatch.setattr(babelsite.build, "build", lambda *args, **kwargs: pytest.fail("a cold build"))
    converted: list[tuple[str, str]] = []
    real_convert = rebuild.convert_page
    monkeypatch.setattr(rebuild, "convert_page",
                        lambda site, page, *args: converted.append((page.key, page.lang)) or real_convert(site, page, *args))
    assert build(site_dir, out) == 0
    assert converted == [("docs/concepts/signals/traces", "en")]
    monkeypatch.undo()
    assert build(site_dir, cold, "--no-cache") == 0
    assert tree(out) == tree(cold)
    assert ("Spans", None) in menu_links(parse_html(out / "en/docs/concepts/signals/metrics/index.html"))
    listing = by_class(parse_html(out / "en/docs/concepts/signals/index.html"), "ul", "section-pages")[0]
    assert [text_of(a) for a in listing.iter(XHTML + "a")] == ["Spans", "Metrics"]


# The parts of the cache read: the pages rendered, and the pages whose bodies link to the edited
# one with the pages those link to (their anchors are checked again); never the whole site's.
@pytest.mark.parametrize(("edited", "old", "new", "shown_on", "read"), [
    # a page's title is in its section's list, which only the pages under the section open in their menu
    # (the edited page is rendered in every language: its translations' switchers)
    ("docs/concepts/signals/traces.md", "title: Traces", "title: Spans",
     {"en/docs/concepts/signals/", "en/docs/concepts/signals/metrics/", "en/docs/concepts/signals/traces/",
      "fr/docs/notions/signals/traces/"},
     {"docs/concepts/signals", "docs/concepts/signals/metrics", "docs/concepts/signals/traces", "docs/concepts/overview"}),
    # and in the previous/next links of the pages beside it, here the next section's
    ("docs/getting-started/install.md", "title: Install Lumen", "title: Installing",
     {"en/docs/getting-started/", "en/docs/getting-started/install/", "en/docs/concepts/",
      "fr/docs/getting-started/installer/", "de/docs/getting-started/install/"},
     {"docs/getting-started", "docs/getting-started/install", "docs/concepts", "", "docs/concepts/overview",
      "docs/concepts/signals/traces"}),
])
def test_a_title_edit_deep_in_a_tree_renders_only_the_pages_that_show_it(site, tmp_path, monkeypatch, edited, old,
                                                                           new, shown_on, read):
    from babelsite.incremental.cache import Pack
    from babelsite.render.pages import PageRenderer

    site_dir, out, cold = site("docs_hugo"), tmp_path / "public", tmp_path / "cold"
    assert build(site_dir, out) == 0
    edit_front_matter(site_dir / "content/en" / edited, old, new)
    rendered: list[str] = []
    real_render = PageRenderer.render
    monkeypatch.setattr(PageRenderer, "render",
                        lambda renderer, template, path, context: rendered.append(path) or
                        real_render(renderer, template, path, context))
    loaded: list[str] = []
    real_load = Pack.load
    monkeypatch.setattr(Pack, "load", lambda pack, name: loaded.append(name) or real_load(pack, name))
    assert build(site_dir, out) == 0
    assert sorted(rendered) == sorted(shown_on)
    assert {name for name in loaded if not name.startswith("\0")} == read  # the others are the outline's values
    monkeypatch.undo()
    assert build(site_dir, cold, "--no-cache") == 0
    assert tree(out) == tree(cold)


def test_the_preview_applies_title_edits_in_a_tree_as_a_full_build_would(site):
    from babelsite.build import BuildOptions
    from babelsite.incremental.rebuild import LiveSite

    site_dir = site("docs_hugo")
    live = LiveSite(BuildOptions(site_dir=site_dir))
    assert live.rebuild().ok
    assert "de/docs/reference/index.html" in live.outputs
    edited = [site_dir / "content/en/docs/concepts/signals/traces.md", site_dir / "content/fr/docs/reference/overview.md"]
    edit_front_matter(edited[0], "title: Traces", "title: Spans\nweight: -5")
    edit_front_matter(edited[1], "title: Vue d'ensemble de la référence", "title: Vue d'ensemble")
    result = live.rebuild(edited)
    assert result.ok and result.incremental
    assert {"/en/docs/concepts/signals/metrics/", "/fr/docs/reference/"} <= set(result.changed)
    fresh = LiveSite(BuildOptions(site_dir=site_dir))
    assert fresh.rebuild().ok
    assert live.outputs == fresh.outputs


def test_a_page_at_the_url_of_a_made_section_page_is_an_error_naming_the_section(site, tmp_path, capsys):
    site_dir = site("docs_hugo")
    (site_dir / "content/en/docs/api.md").write_text("---\ntitle: API\nslug: reference\n---\nCalls.\n")
    assert build(site_dir, tmp_path / "public") == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "content/en/docs/api.md:2: error: page /en/docs/reference/ is also the page made for section 'docs/reference', "
        "which has no index page; give that folder an index page with a slug:, or change this slug")
