"""Building whole sites: pages, links, languages, base URLs, atomic and deterministic output."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import jinja2
import pytest

from conftest import XHTML, crawl, find_all, parse_html, run, tree

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XLINK = "{http://www.w3.org/1999/xhtml}"


def build(site_dir: Path, out: Path, *args: str) -> int:
    return run("build", site_dir, "--out", out, *args)


@pytest.fixture
def sample(site, tmp_path):
    """The repository's sample site, built once into tmp_path/public."""
    site_dir = site("sample")
    out = tmp_path / "public"
    assert build(site_dir, out) == 0
    return out


def head_links(document, rel: str) -> dict[str, str]:
    return {link.get("hreflang") or "": link.get("href")
            for link in find_all(document, "link") if link.get("rel") == rel}


def test_sample_site_builds_every_page_without_warnings(site, tmp_path, capsys):
    out = tmp_path / "public"
    assert build(site("sample"), out, "--strict") == 0
    assert "0 warnings" in capsys.readouterr().out
    for lang in ("en", "it", "es", "pt", "fr"):
        assert (out / lang / "latent_space" / "index.html").is_file()
        assert (out / lang / "index.html").is_file()
    assert (out / "en/vae/index.html").is_file() and not (out / "pt/vae/index.html").exists()
    assert (out / "en/categories/system-anatomy/index.html").is_file()
    assert (out / "fr/categories/generation-settings/index.html").is_file()
    for name in ("index.html", "404.html", "sitemap.xml", "robots.txt"):
        assert (out / name).is_file()


@pytest.mark.parametrize("base_url", ["/", "https://example.org/sub/"])
def test_crawl_finds_no_broken_internal_link(site, tmp_path, base_url):
    out = tmp_path / "public"
    assert build(site("sample"), out, "--base-url", base_url) == 0
    assert crawl(out, base_url) == {}
    root_links = [a.get("href") for a in find_all(parse_html(out / "index.html"), "a")]
    assert root_links and all(href.startswith("/sub/" if "sub" in base_url else "/") for href in root_links)


def test_sitemap_urls_and_alternates_land_on_files(site, tmp_path):
    out = tmp_path / "public"
    base = "https://example.org/sub/"
    assert build(site("sample"), out, "--base-url", base) == 0
    sitemap = ET.parse(out / "sitemap.xml").getroot()
    urls = sitemap.findall(f"{SITEMAP}url")
    locs = [url.find(f"{SITEMAP}loc").text for url in urls]
    assert base + "en/latent_space/" in locs and base + "pt/latent_space/" in locs
    assert base + "pt/vae/" not in locs  # no page for a missing translation
    for url in urls:
        for href in [url.find(f"{SITEMAP}loc").text] + [a.get("href") for a in url.findall(f"{XLINK}link")]:
            assert href.startswith(base)
            relative = href[len(base):]
            assert (out / relative / "index.html").is_file() or (out / relative).is_file(), href
    latent = next(u for u in urls if u.find(f"{SITEMAP}loc").text == base + "it/latent_space/")
    assert {a.get("hreflang") for a in latent.findall(f"{XLINK}link")} == {"en", "it", "es", "pt", "fr"}
    assert (out / "robots.txt").read_text().strip().endswith(f"Sitemap: {base}sitemap.xml")


def test_hreflang_alternates_are_reciprocal_and_canonical_is_self(sample):
    alternates = {}
    for page in sample.rglob("index.html"):
        document = parse_html(page)
        canonical = [l.get("href") for l in find_all(document, "link") if l.get("rel") == "canonical"]
        links = head_links(document, "alternate")
        if links:
            assert "x-default" in links
            alternates[canonical[0]] = links
    assert alternates["/it/latent_space/"]["fr"] == "/fr/latent_space/"
    assert alternates["/it/"]["x-default"] == "/" and alternates["/"]["it"] == "/it/"
    for url, links in alternates.items():
        assert url in links.values(), f"{url} does not list itself"
        for other in links.values():
            assert alternates[other] == links, f"{url} and {other} disagree"


def test_switcher_links_to_the_article_or_the_marked_language_home(sample):
    document = parse_html(sample / "it/vae/index.html")
    html = document.find(f"{XHTML}html") if document.tag != f"{XHTML}html" else document
    assert html.get("lang") == "it" and html.get("dir") == "ltr"
    nav = next(n for n in find_all(document, "nav") if "language-switcher" in (n.get("class") or ""))
    links = {a.get("hreflang"): a for a in nav.iter(f"{XHTML}a")}
    assert links["en"].get("href") == "/en/vae/" and links["en"].find(f"{XHTML}span").get("lang") == "en"
    assert links["pt"].get("href") == "/pt/#not-translated" and "missing" in links["pt"].get("class")
    assert links["fr"].get("href") == "/fr/#not-translated"
    assert links["it"].get("aria-current") == "page" and links["it"].get("href") == "/it/vae/"
    names = {a.get("hreflang"): "".join(a.itertext()) for a in links.values()}
    assert names["it"] == "Italiano Lingua attuale" and names["en"] == "English Tradotta"
    assert names["pt"] == "Português Non ancora tradotta: apre la pagina iniziale"


def test_every_switcher_link_lands_on_same_article_or_home(sample):
    for page in (sample / "it").rglob("index.html"):
        document = parse_html(page)
        slug = page.parent.name
        nav = next(n for n in find_all(document, "nav") if "language-switcher" in (n.get("class") or ""))
        for link in nav.iter(f"{XHTML}a"):
            lang, href = link.get("hreflang"), link.get("href")
            assert href in (f"/{lang}/{slug}/", f"/{lang}/#not-translated", f"/{lang}/", f"/{lang}/categories/{slug}/"), href


def article_section(document, class_name: str):
    return next(s for s in find_all(document, "section") if s.get("class") == class_name)


def test_citations_link_to_sources_and_back(sample):
    document = parse_html(sample / "en/latent_space/index.html")
    sups = [s for s in find_all(document, "sup") if s.get("class") == "citation"]
    targets = [a.get("href") for sup in sups for a in sup.iter(f"{XHTML}a")]
    assert targets == ["#source-1", "#source-2", "#source-3", "#source-1", "#source-1", "#source-3"]
    sources = article_section(document, "sources")
    items = list(sources.iter(f"{XHTML}li"))
    assert [li.get("id") for li in items] == ["source-1", "source-2", "source-3"]
    backrefs = [a.get("href") for a in items[0].iter(f"{XHTML}a") if a.get("class") == "backref"]
    assert backrefs == ["#cite-1-1", "#cite-1-2", "#cite-1-3"]
    external = [a.get("href") for a in items[0].iter(f"{XHTML}a") if a.get("class") != "backref"]
    assert external == ["https://arxiv.org/abs/2112.10752"]
    citing_ids = {a.get("id") for sup in sups for a in sup.iter(f"{XHTML}a")}
    assert {"cite-1-1", "cite-1-2", "cite-1-3"} <= citing_ids


def test_related_links_use_reader_language_and_fall_back_to_default(sample):
    document = parse_html(sample / "it/diffusion_model/index.html")
    related = article_section(document, "related")
    links = {a.get("href"): a for a in related.iter(f"{XHTML}a")}
    assert "/it/latent_space/" in links and "/it/vae/" in links
    fallback = links["/en/cfg_scale/"]  # cfg_scale has no Italian version: omit mode links to English
    assert fallback.get("lang") == "en" and fallback.get("hreflang") == "en"
    assert links["/it/vae/"].text.startswith("VAE")


def test_home_groups_by_translated_category_sorted_by_weight_then_title(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("multi"), out) == 0
    document = parse_html(out / "it/index.html")
    groups = {s.find(f"{XHTML}h2").findtext(f"{XHTML}a"): [a.text for a in s.iter(f"{XHTML}a")][1:]
              for s in find_all(document, "section")}
    assert list(groups) == ["Fondamenti", "Other"]
    assert groups["Fondamenti"] == ["Beta", "Alfa: l'inizio"]  # weight 1 before weight 2
    assert groups["Other"] == ["Gamma 'quoted'"]


def test_fallback_omit_links_missing_translations_to_the_default_language(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("multi"), out) == 0
    assert not (out / "fr/alpha/index.html").exists()
    document = parse_html(out / "fr/index.html")
    hrefs = {a.get("href"): a.get("lang") for a in find_all(document, "a") if a.get("href", "").count("/") == 3}
    assert hrefs["/it/alpha/"] == "it" and hrefs["/it/beta/"] == "it" and hrefs["/en/gamma/"] == "en"


def test_fallback_notice_page_carries_original_text_notice_and_canonical(site, tmp_path):
    site_dir = site("multi")
    out = tmp_path / "public"
    assert build(site_dir, out, "--config", site_dir / "site-notice.toml") == 0
    document = parse_html(out / "fr/alpha/index.html")
    html = document if document.tag == f"{XHTML}html" else document.find(f"{XHTML}html")
    assert html.get("lang") == "fr"
    article = next(find_all(document, "article"))
    assert article.get("lang") == "it" and article.get("dir") == "ltr"
    notice = [a for a in find_all(document, "aside") if "fallback-notice" in (a.get("class") or "")]
    assert notice and notice[0].get("lang") == "fr"
    assert head_links(document, "canonical")[""] == "https://docs.example.org/it/alpha/"
    assert head_links(document, "alternate") == {}
    locs = (out / "sitemap.xml").read_text()
    assert "https://docs.example.org/fr/alpha/" not in locs
    real = head_links(parse_html(out / "it/alpha/index.html"), "alternate")
    assert set(real) == {"it", "en", "x-default"} and real["x-default"] == "https://docs.example.org/it/alpha/"
    assert crawl(out, "https://docs.example.org/") == {}


def test_md_links_are_rewritten_to_the_reader_language(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("multi"), out) == 0
    it_alpha = {a.text: a.get("href") for a in find_all(parse_html(out / "it/alpha/index.html"), "a")}
    assert it_alpha["beta"] == "/it/beta/"
    en_beta = {a.text: a.get("href") for a in find_all(parse_html(out / "en/beta/index.html"), "a")}
    assert en_beta["alpha"] == "/en/alpha/"  # the Italian file's article, in English
    it_beta = {a.text: a.get("href") for a in find_all(parse_html(out / "it/beta/index.html"), "a")}
    assert unquote(it_beta["alfa"]) == "/it/alpha/#sezione-àccentata"
    assert crawl(out, "https://docs.example.org/") == {}


def test_alias_writes_a_redirect_page(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("multi"), out) == 0
    document = parse_html(out / "old/alfa/index.html")
    refresh = [m.get("content") for m in find_all(document, "meta") if m.get("http-equiv") == "refresh"]
    assert refresh == ["0; url=/it/alpha/"]


def test_default_language_at_root(site, tmp_path):
    site_dir = site("multi")
    config = site_dir / "site.toml"
    config.write_text(config.read_text().replace('default_language = "it"', 'default_language = "it"\ndefault_language_at_root = true'))
    out = tmp_path / "public"
    assert build(site_dir, out) == 0
    assert (out / "alpha/index.html").is_file() and (out / "en/alpha/index.html").is_file()
    assert not (out / "it").exists()
    assert parse_html(out / "index.html").find(f".//{XHTML}h1").text == "Glossario"
    assert crawl(out, "https://docs.example.org/") == {}


def test_html_permalink_writes_files(site, tmp_path):
    site_dir = site("multi")
    config = site_dir / "site.toml"
    config.write_text(config.read_text() + "")
    text = config.read_text().replace('permalink = "/{lang}/{slug}/"', 'permalink = "/{lang}/{category}/{slug}.html"')
    config.write_text(text)
    out = tmp_path / "public"
    assert build(site_dir, out) == 0
    assert (out / "it/basics/alpha.html").is_file()
    assert crawl(out, "https://docs.example.org/") == {}


def test_two_builds_are_byte_identical(site, tmp_path):
    site_dir = site("sample")
    assert build(site_dir, tmp_path / "a") == 0
    assert build(site_dir, tmp_path / "b") == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_unchanged_files_keep_their_mtime_on_rebuild(site, tmp_path):
    site_dir = site("sample")
    out = tmp_path / "public"
    assert build(site_dir, out) == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    article = site_dir / "content/en/system-anatomy/vae.md"
    article.write_text(article.read_text() + "\nOne more sentence.\n")
    assert build(site_dir, out) == 0
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*.html")}
    changed = {p.relative_to(out).as_posix() for p in after if after[p] != before.get(p)}
    assert "en/vae/index.html" in changed
    assert "it/latent_space/index.html" not in changed


def test_failed_build_leaves_previous_output_byte_identical(site, tmp_path, capsys):
    site_dir = site("sample")
    out = tmp_path / "public"
    assert build(site_dir, out) == 0
    before = tree(out)
    broken = site_dir / "content/en/system-anatomy/latent_space.md"
    broken.write_text(broken.read_text().replace("[2]", "[7]"))
    assert build(site_dir, out) == 1
    err = capsys.readouterr().err
    assert "content/en/system-anatomy/latent_space.md:21: error: citation [7] but the article has 3 sources" in err
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["public", "sample"]  # no staging left behind


def test_template_error_names_template_file_and_line(site, tmp_path, capsys):
    site_dir = site("multi")
    (site_dir / "templates").mkdir()
    (site_dir / "templates/home.html").write_text('{% extends "base.html" %}\n{% block main %}\n{{ no_such_thing }}\n{% endblock %}\n')
    assert build(site_dir, tmp_path / "public") == 1
    err = capsys.readouterr().err
    assert "templates/home.html:3: error: template error: UndefinedError" in err
    assert not (tmp_path / "public").exists()


def test_site_templates_override_theme_file_by_file(site, tmp_path):
    site_dir = site("multi")
    (site_dir / "templates").mkdir()
    (site_dir / "templates/category.html").write_text('{% extends "base.html" %}{% block main %}<p id="mine">{{ category.label }}</p>{% endblock %}')
    (site_dir / "static/css").mkdir(parents=True)
    (site_dir / "static/css/style.css").write_text("body { color: red }")
    out = tmp_path / "public"
    assert build(site_dir, out) == 0
    document = parse_html(out / "it/categories/basics/index.html")
    assert document.find(f".//{XHTML}p[@id='mine']").text == "Fondamenti"
    assert parse_html(out / "it/index.html").find(f".//{XHTML}h1") is not None  # theme's home.html
    css = [l.get("href") for l in find_all(document, "link") if l.get("rel") == "stylesheet"]
    assert (out / css[0].lstrip("/")).read_text() == "body { color: red }"


@pytest.mark.parametrize("make_out", [
    lambda site_dir: site_dir,
    lambda site_dir: site_dir.parent,
    lambda site_dir: site_dir / "content",
    lambda site_dir: site_dir / "content/en/public",
    lambda site_dir: site_dir / "static/site",
])
def test_refuses_output_folder_that_holds_the_site(site, make_out, capsys):
    site_dir = site("multi")
    before = tree(site_dir)
    assert build(site_dir, make_out(site_dir)) == 1
    assert "error: output folder" in capsys.readouterr().err
    assert tree(site_dir) == before


def test_refuses_foreign_output_folder_unless_forced(site, tmp_path, capsys):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.txt").write_text("do not delete")
    site_dir = site("multi")
    assert build(site_dir, out) == 1
    assert "holds files babelsite did not write" in capsys.readouterr().err
    assert (out / "thesis.txt").read_text() == "do not delete"
    assert build(site_dir, out, "--force") == 0
    assert not (out / "thesis.txt").exists() and (out / "index.html").is_file()
    assert build(site_dir, out) == 0  # its own output is replaced without --force


def test_root_page_lists_every_language_with_hreflang(sample):
    document = parse_html(sample / "index.html")
    links = [(a.get("hreflang"), a.get("href"), a.text) for a in find_all(document, "a")]
    assert links == [("en", "/en/", "English"), ("it", "/it/", "Italiano"), ("es", "/es/", "Español"),
                     ("pt", "/pt/", "Português"), ("fr", "/fr/", "Français")]
    scripts = [s.get("src") for s in find_all(document, "script") if s.get("src")]
    assert scripts and (sample / scripts[0].lstrip("/")).is_file()


def test_not_found_page_uses_absolute_links(site, tmp_path):
    out = tmp_path / "public"
    assert build(site("sample"), out, "--base-url", "https://example.org/sub/") == 0
    document = parse_html(out / "404.html")
    hrefs = [a.get("href") for a in find_all(document, "a")] + [l.get("href") for l in find_all(document, "link")]
    assert all(h.startswith(("/sub/", "https://example.org/sub/", "#")) for h in hrefs), hrefs
    homes = {a.get("hreflang") for a in find_all(document, "a") if a.get("hreflang")}
    assert {"en", "it", "es", "pt", "fr"} <= homes


def test_each_language_has_a_404_page_in_its_own_language(sample):
    document = parse_html(sample / "fr/404.html")
    assert document.get("lang") == "fr"
    assert next(find_all(document, "h1")).text == "Page introuvable"
    homes = [a.get("href") for a in next(find_all(document, "main")).iter(f"{XHTML}a")]
    assert homes == ["/fr/"]
    assert [m.get("content") for m in find_all(document, "meta") if m.get("name") == "robots"] == ["noindex"]
    root = parse_html(sample / "404.html")
    assert {a.get("hreflang") for a in next(find_all(root, "main")).iter(f"{XHTML}a")} == {"en", "it", "es", "pt", "fr"}


def test_a_category_spelled_differently_in_one_language_writes_no_broken_link(site, tmp_path):
    site_dir = site("sample")
    for page in (site_dir / "content/it").rglob("*.md"):
        text = page.read_text().replace('"System Anatomy"', "System Anatomy")
        page.write_text(text.replace("category: System Anatomy", "category: Anatomia del sistema"))
    out = tmp_path / "public"
    assert build(site_dir, out) == 0
    assert (out / "it/categories/anatomia-del-sistema/index.html").is_file()
    assert not (out / "it/categories/system-anatomy").exists()
    assert crawl(out, "/") == {}
    alternates = head_links(parse_html(out / "en/categories/system-anatomy/index.html"), "alternate")
    assert "it" not in alternates and "fr" in alternates
    sitemap = (out / "sitemap.xml").read_text()
    assert "/it/categories/system-anatomy/" not in sitemap and "/en/categories/anatomia-del-sistema/" not in sitemap


def test_template_views_are_looked_up_by_key_and_dict_methods_stay_methods():
    from babelsite.render.pages import ViewEnvironment

    template = ViewEnvironment(undefined=jinja2.StrictUndefined).from_string(
        "{{ v.title }}|{% for key, _ in v.items() %}{{ key }},{% endfor %}|{{ v.get('title') }}|{{ v.missing is defined }}")
    # a front matter key named like a dict method must not shadow the method a theme calls
    assert template.render(v={"title": "T", "items": "not the method"}) == "T|title,items,|T|False"


def menu(document) -> list[tuple[str, str | None, str | None]]:
    """Return the (text, href, aria-current) of every link in the tree menu, in document order."""
    [nav] = [e for e in find_all(document, "nav") if "tree-nav" in (e.get("class") or "").split()]
    return [("".join(a.itertext()).strip(), a.get("href"), a.get("aria-current")) for a in nav.iter(XHTML + "a")]


def test_sample_sections_make_a_menu_while_urls_stay_flat(sample):
    """A folder with an index page is a section even with permalink /{lang}/{slug}/: pages keep their URLs."""
    links = menu(parse_html(sample / "it/vae/index.html"))
    assert links[0] == ("Anatomia del sistema", "/it/system-anatomy/", None)
    assert [href for _, href, _ in links[1:5]] == ["/it/latent_space/", "/it/diffusion_model/", "/it/unet/", "/it/vae/"]
    assert [current for _, _, current in links].count("page") == 1 and links[4][2] == "page"
    assert links[5] == ("Impostazioni di generazione", "/it/generation-settings/", None)
    assert links[6][1] == "/en/cfg_scale/"  # not in Italian: omit mode links to the original
    section = parse_html(sample / "fr/system-anatomy/index.html")
    assert "Anatomie du système" in "".join(next(find_all(section, "h1")).itertext())
    assert crawl(sample, "/") == {}


def test_moving_an_original_to_another_section_rebuilds_the_menu_as_a_cold_build(site, tmp_path):
    site_dir = site("sample")
    assert build(site_dir, tmp_path / "cached") == 0
    (site_dir / "content/en/system-anatomy/vae.md").rename(site_dir / "content/generation-settings/vae.en.md")
    assert build(site_dir, tmp_path / "cached") == 0
    assert build(site_dir, tmp_path / "cold", "--no-cache") == 0
    assert tree(tmp_path / "cached") == tree(tmp_path / "cold")
    links = menu(parse_html(tmp_path / "cold/it/vae/index.html"))
    assert links[0][0] == "Anatomia del sistema" and "/it/vae/" in [href for _, href, _ in links[5:]]


@pytest.mark.parametrize("edit", [('title: "', 'title: "Aaa '), ("title: ", "weight: -5\ntitle: ")])
def test_retitling_a_page_of_a_flat_site_section_resorts_its_menu_as_a_cold_build_does(site, tmp_path, edit):
    site_dir = site("sample")
    assert build(site_dir, tmp_path / "cached") == 0
    page = site_dir / "content/it/system-anatomy/vae.md"
    page.write_text(page.read_text().replace(*edit, 1))
    assert build(site_dir, tmp_path / "cached") == 0
    assert build(site_dir, tmp_path / "cold", "--no-cache") == 0
    assert tree(tmp_path / "cached") == tree(tmp_path / "cold")
    links = menu(parse_html(tmp_path / "cached/it/unet/index.html"))
    assert links[1][1] == "/it/vae/"  # first in its section now
