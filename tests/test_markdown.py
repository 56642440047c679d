"""The Markdown stage: syntax extensions, heading ids, highlighting, raw HTML, links."""

from __future__ import annotations

import gc
import os

import html5lib
import pytest

from babelsite import markdown
from babelsite.markdown.autolinks import email_rule
from babelsite.markdown.parser import create_parser, parser_for
from conftest import XHTML, find_all, parse_html, run


def render(source: str, html: bool = False, env: dict | None = None):
    """Render Markdown with the site's parser and parse the result as an HTML fragment."""
    text = create_parser(html).render(source, env if env is not None else {})
    return text, html5lib.parseFragment(text, namespaceHTMLElements=True)


def tags(fragment, tag: str):
    return list(fragment.iter(XHTML + tag))


def test_gfm_tables_strikethrough_and_autolinks_without_fuzzy_links():
    text, fragment = render("| a | b |\n|---|---|\n| 1 | ~~2~~ |\n\nSee https://example.org and config.py or README.md.\n")
    assert len(tags(fragment, "table")) == 1 and tags(fragment, "s")[0].text == "2"
    assert [a.get("href") for a in tags(fragment, "a")] == ["https://example.org"]


def test_footnotes_definition_lists_and_task_lists():
    _, fragment = render("Text[^n].\n\n[^n]: The note.\n\nTerm\n: Definition\n\n- [x] done\n- [ ] todo\n")
    assert tags(fragment, "section")[0].get("class") == "footnotes"
    assert tags(fragment, "dt")[0].text == "Term" and tags(fragment, "dd")[0].text.strip() == "Definition"
    boxes = [i for i in tags(fragment, "input") if i.get("type") == "checkbox"]
    assert [b.get("checked") is not None for b in boxes] == [True, False]


def test_admonitions_take_a_translated_or_given_title():
    _, fragment = render("::: warning\nCareful.\n:::\n\n::: note Read this\nBody.\n:::\n", env={"ui": {"admonition_warning": "Attenzione"}})
    asides = tags(fragment, "aside")
    assert [a.get("class") for a in asides] == ["admonition admonition-warning", "admonition admonition-note"]
    assert [a.find(XHTML + "p").text for a in asides] == ["Attenzione", "Read this"]


@pytest.mark.parametrize("heading,expected", [
    ("Perché Lavorare nello Spazio Latente?", "perché-lavorare-nello-spazio-latente"),
    ("Pourquoi travailler dans l'espace latent ?", "pourquoi-travailler-dans-lespace-latent"),
    ("¿Por qué trabajar -- en el espacio?", "por-qué-trabajar-en-el-espacio"),
    ("Пространство `latent`", "пространство-latent"),
    ("潜在 空間", "潜在-空間"),
    ("نظرة عامة", "نظرة-عامة"),
    ("!!!", "section"),
])
def test_heading_ids_are_readable_for_accented_and_non_latin_text(heading, expected):
    _, fragment = render(f"### {heading}\n")
    h3 = tags(fragment, "h3")[0]
    assert h3.get("id") == expected
    anchor = h3.find(XHTML + "a")
    assert anchor.get("href") == f"#{expected}" and anchor.get("aria-label")


def test_heading_ids_are_unique_and_every_level_gets_one():
    env: dict = {}
    _, fragment = render("# Top\n\n##### Deep\n\n### Same\n\n### Same\n", env=env)
    ids = [h.get("id") for level in ("h1", "h5", "h3") for h in tags(fragment, level)]
    assert ids == ["top", "deep", "same", "same-1"]
    assert env["toc"] == [(1, "top", "Top"), (5, "deep", "Deep"), (3, "same", "Same"), (3, "same-1", "Same")]


def test_code_is_highlighted_inside_pre_code_and_unknown_languages_stay_plain():
    text, fragment = render("```python\nx = 1  # <b>\n```\n\n```nosuchlang\na < b\n```\n")
    pres = tags(fragment, "pre")
    assert [p.find(XHTML + "code").get("class") for p in pres] == ["language-python", "language-nosuchlang"]
    assert tags(pres[0], "span") and not tags(pres[0], "div")
    assert not tags(pres[1], "span") and "a &lt; b" in text
    assert "<b>" not in text


def test_raw_html_is_escaped_unless_the_site_allows_it():
    source = "<script>alert(1)</script>\n\nText <em class=x>inline</em>.\n"
    escaped, fragment = render(source, html=False)
    assert not tags(fragment, "script") and not tags(fragment, "em") and "&lt;script&gt;" in escaped
    _, fragment = render(source, html=True)
    assert tags(fragment, "script") and tags(fragment, "em")


def test_headings_inside_list_items_and_lists_right_after_a_paragraph():
    _, fragment = render("Intro line\n- one\n- two\n\n1. ### Step\n   text\n")
    assert len(tags(fragment, "li")) == 3
    assert tags(fragment, "h3")[0].get("id") == "step"


def test_link_to_missing_article_is_an_error_with_its_line(site, tmp_path, capsys):
    site_dir = site("multi")
    page = site_dir / "content/topics/beta.en.md"
    page.write_text(page.read_text() + "\nAnd [nowhere](nowhere.md).\n")
    assert run("build", site_dir, "--out", tmp_path / "out") == 1
    assert "content/topics/beta.en.md:9: error: link to 'nowhere.md' names no article" in capsys.readouterr().err


def test_sample_code_block_and_table_render(site, tmp_path):
    out = tmp_path / "out"
    assert run("build", site("sample"), "--out", out) == 0
    document = parse_html(out / "fr/cfg_scale/index.html")
    assert list(find_all(document, "table"))
    code = [c for c in find_all(document, "code") if (c.get("class") or "").startswith("language-")]
    assert code and list(code[0].iter(XHTML + "span"))


def test_link_errors_name_the_line_of_the_link_inside_a_paragraph(site, tmp_path, capsys):
    site_dir = site("multi")
    page = site_dir / "content/topics/beta.en.md"
    lines = len(page.read_text().splitlines())
    page.write_text(page.read_text() + "\nFirst line,\nthen *a* line\nwith [nowhere](nowhere.md).\n")
    assert run("build", site_dir, "--out", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"content/topics/beta.en.md:{lines + 4}: error: link to 'nowhere.md' names no article" in err


def test_a_link_to_an_article_missing_in_the_readers_language_says_its_language(site, tmp_path):
    site_dir = site("multi")
    page = site_dir / "content/topics/beta.it.md"
    page.write_text(page.read_text() + "\nVedi anche [gamma](../en/gamma.md) e [alfa](../it/guide/nested/alpha.md).\n")
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out) == 0
    document = parse_html(out / "it/beta/index.html")
    body = next(d for d in find_all(document, "div") if d.get("class") == "article-body")
    links = {a.text: a for a in body.iter(XHTML + "a") if a.text in ("gamma", "alfa")}
    assert links["gamma"].get("href") == "/en/gamma/"
    assert (links["gamma"].get("hreflang"), links["gamma"].get("lang")) == ("en", "en")
    marks = [s.text for s in body.iter(XHTML + "span") if s.get("class") == "language-mark"]
    assert marks == ["(English)"]
    assert links["alfa"].get("hreflang") is None and links["alfa"].get("href") == "/it/alpha/"


def test_links_through_symbolic_links_lead_where_the_links_lead(site, tmp_path, capsys):
    site_dir = site("multi")
    (site_dir / "real-links").mkdir()
    (site_dir / "real-links/g.md").symlink_to("../content/en/gamma.md")
    (site_dir / "links").symlink_to("real-links")
    page = site_dir / "content/topics/beta.en.md"
    page.write_text(page.read_text() + "\nSee [by file](../../real-links/g.md), [by folder](../../links/g.md) "
                    "and [nothing](../../links/none.md).\n")
    assert run("build", site_dir, "--out", tmp_path / "out") == 1
    assert "content/topics/beta.en.md:9: error: link to '../../links/none.md' names no article" in capsys.readouterr().err
    page.write_text(page.read_text().replace(" and [nothing](../../links/none.md)", ""))
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    body = next(d for d in find_all(parse_html(tmp_path / "out/en/beta/index.html"), "div") if d.get("class") == "article-body")
    assert {a.text: a.get("href") for a in body.iter(XHTML + "a")} == {
        "alpha": "/en/alpha/", "by file": "/en/gamma/", "by folder": "/en/gamma/"}


def test_md_links_into_one_folder_resolve_its_real_path_once(site, tmp_path, monkeypatch):
    # realpath costs a system call for every part of a path: once per folder, not once per link.
    site_dir = site("multi")
    page = site_dir / "content/topics/beta.en.md"
    calls = []
    realpath = os.path.realpath
    monkeypatch.setattr(os.path, "realpath", lambda path, **kw: calls.append(path) or realpath(path, **kw))
    for links in (1, 4):
        page.write_text(page.read_text() + "\nSee [gamma](../en/gamma.md)." * links)
        calls.clear()
        assert run("build", site_dir, "--out", tmp_path / "out", "--no-cache") == 0
        if links == 1:
            one_link = len(calls)
    assert len(calls) == one_link


def test_headings_never_take_the_ids_of_the_page_around_them(site, tmp_path):
    env: dict = {}
    _, fragment = render("## Main\n\n## Source 1\n\n## Source 1-1\n\n## Usage\n", env=env)
    ids = [h.get("id") for h in tags(fragment, "h2")]
    assert ids == ["main-1", "source-1-2", "source-1-1", "usage"]
    assert [a.get("href") for a in tags(fragment, "a")] == ["#main-1", "#source-1-2", "#source-1-1", "#usage"]
    assert [entry[1] for entry in env["toc"]] == ids
    site_dir = site("multi")
    page = site_dir / "content/en/gamma.md"
    page.write_text(page.read_text() + "\n## Main\n\nText.\n")
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    document = parse_html(tmp_path / "out/en/gamma/index.html")
    all_ids = [e.get("id") for e in document.iter() if e.get("id")]
    assert len(all_ids) == len(set(all_ids)) and "main-1" in all_ids


def test_images_and_links_to_static_files_use_their_published_names(site, tmp_path, capsys):
    site_dir = site("multi")
    (site_dir / "static/img").mkdir(parents=True)
    (site_dir / "static/img/diagram.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    page = site_dir / "content/en/gamma.md"
    page.write_text(page.read_text() + "\n![A diagram](/static/img/diagram.svg)\n"
                    "[the file](/static/img/diagram.svg#top)\n")
    out = tmp_path / "out"
    assert run("build", site_dir, "--out", out, "--base-url", "/docs/") == 0
    body = next(d for d in find_all(parse_html(out / "en/gamma/index.html"), "div")
                if d.get("class") == "article-body")
    src = next(body.iter(XHTML + "img")).get("src")
    href = [a.get("href") for a in body.iter(XHTML + "a") if a.text == "the file"][0]
    assert src.startswith("/docs/static/img/diagram.") and src.endswith(".svg") and src != "/docs/static/img/diagram.svg"
    assert href == src + "#top" and (out / src.removeprefix("/docs/")).is_file()
    lines = len(page.read_text().splitlines())
    page.write_text(page.read_text() + "\n![Missing](/static/img/nowhere.png)\n")
    assert run("build", site_dir, "--out", out) == 1
    assert (f"content/en/gamma.md:{lines + 2}: error: '/static/img/nowhere.png' names no file in static/; "
            "put the file at static/img/nowhere.png, or fix the path") in capsys.readouterr().err


def test_a_citation_in_image_alt_text_keeps_its_text(site, tmp_path):
    site_dir = site("multi")
    page = site_dir / "content/en/alpha.md"
    page.write_text(page.read_text() + "\n![see [1]](https://example.org/x.png) ![see [1, 2]](https://example.org/y.png)\n")
    assert run("build", site_dir, "--out", tmp_path / "out") == 0
    body = next(d for d in find_all(parse_html(tmp_path / "out/en/alpha/index.html"), "div")
                if d.get("class") == "article-body")
    assert [img.get("alt") for img in body.iter(XHTML + "img")] == ["see [1]", "see [1, 2]"]
    assert [a.get("id") for a in body.iter(XHTML + "a") if a.get("href", "").startswith("#source-")] == ["cite-1-1", "cite-2-1"]


@pytest.mark.parametrize("headings,expected", [
    ("# x\n\n# x\n\n# x\n", ["x", "x-1", "x-2"]),
    ("# x\n\n# x-1\n\n# x\n", ["x", "x-1", "x-2"]),
    ("# x\n\n# x\n\n# x-1\n\n# x-1\n", ["x", "x-1", "x-1-1", "x-1-2"]),
    ("# Main\n\n# Main\n\n# Main 1\n", ["main-2", "main-1", "main-1-1"]),
])
def test_repeated_and_colliding_headings_get_distinct_ids(headings, expected):
    _, fragment = render(headings)
    assert [h.get("id") for h in tags(fragment, "h1")] == expected
    assert [h.find(XHTML + "a").get("href") for h in tags(fragment, "h1")] == [f"#{i}" for i in expected]


@pytest.mark.parametrize("source,links", [
    ("Visit www.commonmark.org/help.", [("http://www.commonmark.org/help", "www.commonmark.org/help")]),
    ("(See https://en.wikipedia.org/wiki/Foo_(bar)).", [("https://en.wikipedia.org/wiki/Foo_(bar)",) * 2]),
    ("www.a.org/search?q=(business)))", [("http://www.a.org/search?q=(business)", "www.a.org/search?q=(business)")]),
    ("www.a.org/x&hl; and *http://localhost:5000/p*", [("http://www.a.org/x", "www.a.org/x"),
                                                      ("http://localhost:5000/p",) * 2]),
    ("Mail user.name+tag@example.net, or mailto:a@b.org.", [("mailto:user.name+tag@example.net", "user.name+tag@example.net"),
                                                            ("mailto:a@b.org",) * 2]),
    ("xmpp:me@example.org/phone", [("xmpp:me@example.org/phone",) * 2]),
    ("None: a.www.b.org, x@y, http://a_b.c_d, http://, config.py, www.a, [www.a.org](/x)", [("/x", "www.a.org")]),
])
def test_gfm_autolinks(source, links):
    _, fragment = render(source + "\n")
    assert [(a.get("href"), a.text) for a in tags(fragment, "a")] == links


@pytest.mark.parametrize("source,ids,texts", [
    ("## Install {#setup}\n\n## Usage { #use .wide data-x=1 }\n", ["setup", "use"], ["Install", "Usage"]),
    ("## A *b* {#a-b_c}\n", ["a-b_c"], ["A b"]),
    ("## Setup\n\n## Install {#setup}\n\n## Again {#setup}\n", ["setup-2", "setup", "setup-1"],
     ["Setup", "Install", "Again"]),
    ("## Use `{#code}`\n", ["use-code"], ["Use {#code}"]),
    ("## {#only}\n", ["only"], ["{#only}"]),
    ("## Main {#main}\n", ["main-1"], ["Main"]),
])
def test_explicit_heading_ids_win_and_leave_the_heading_text(source, ids, texts):
    env: dict = {}
    text, fragment = render(source, env=env)
    headings = tags(fragment, "h2")
    assert [h.get("id") for h in headings] == ids
    assert [h.find(XHTML + "a").get("href") for h in headings] == [f"#{i}" for i in ids]
    assert [(level, ident, words) for level, ident, words in env["toc"]] == [(2, i, t) for i, t in zip(ids, texts)]
    assert [("".join(h.itertext()).removesuffix(" #")) for h in headings] == texts
    assert "{#" not in text.replace("{#code}", "").replace("{#only}", "")


def test_what_babelsite_adds_is_done_as_each_block_is_parsed_not_by_a_rule_per_feature():
    # Citations, links, marks, task items and headings are reworked within markdown-it's `inline`
    # rule: a core rule of their own would walk every token of the page once more each.
    md = create_parser(False)
    assert md.core.ruler.get_active_rules() == ["normalize", "block", "inline", "footnote_tail", "text_join",
                                                "moved_headings"]


def test_plain_text_is_not_cut_at_every_w_to_look_for_www_links():
    md = create_parser.__wrapped__(False)  # a parser of its own, to count where its last inline rule is tried
    tried = []
    md.inline.ruler.at("autolink_email", lambda state, silent: tried.append(state.pos) or email_rule(state, silent))
    text = md.render("Wow, we went west with www.example.org in view.\n")
    assert 'href="http://www.example.org"' in text
    assert tried == []  # text runs on to `www.` and the line's end: no rule was tried at any `w`


# Bodies where a plugin's syntax starts after a quote's or a list item's mark, a tab, a lone
# carriage return or the end of a link: the parser chosen for the body must still hold its plugin.
PLUGIN_SYNTAX = [
    "Term\n: Definition\n", "Term\n\n~ Definition\n", "> Term\n> : Definition\n", "- Term\n\n  : Definition\n",
    "1. Term\n   ~\tDefinition\n", "2) > Term\n   > : Definition\n", "Term\r: Definition\r", "* Term\n  : Definition\n",
    "Text[^n].\n\n[^n]: The note.\n", "Text^[inline note].\n", "> Quoted[^a]\n>\n> [^a]: Note.\n",
    "::: note\nBody.\n:::\n", "- ::: warning\n  Careful.\n  :::\n", "> ::: tip Title\n> Body.\n",
]
NO_PLUGIN_SYNTAX = ["Plain: text with a colon.\n", "Term\nnot: a definition\n", "A ~ tilde, and https://a.org.\n",
                    "Caret ^ and [brackets] and [1].\n", "Two colons :: here.\n", "x: y\n\n:x\n"]


@pytest.mark.parametrize("body", PLUGIN_SYNTAX + NO_PLUGIN_SYNTAX)
@pytest.mark.parametrize("html", [False, True])
def test_the_parser_chosen_for_a_body_renders_it_as_the_parser_with_every_plugin(body, html):
    full_env, chosen_env = {"source_count": 1}, {"source_count": 1}
    assert parser_for(body, html).render(body, chosen_env) == create_parser(html).render(body, full_env)
    assert chosen_env.get("toc") == full_env.get("toc")


def test_a_body_without_their_syntax_is_parsed_without_the_footnote_definition_and_admonition_plugins():
    # Their block rules would otherwise be tried at nearly every line, and footnotes' inline rules at every `[`.
    bodies = {body: parser_for(body, False) for body in PLUGIN_SYNTAX + NO_PLUGIN_SYNTAX}
    for body in NO_PLUGIN_SYNTAX:
        md = bodies[body]
        assert not {"footnote_def", "deflist", "container_admonition"} & set(md.block.ruler.get_active_rules()), body
        assert not {"footnote_ref", "footnote_inline"} & set(md.inline.ruler.get_active_rules()), body
    for body in PLUGIN_SYNTAX:
        md = bodies[body]
        assert {"footnote_def", "deflist", "container_admonition"} & set(md.block.ruler.get_active_rules()), body


def test_the_linked_site_is_out_of_the_collectors_sight_while_pages_are_converted(site, tmp_path, monkeypatch):
    # A full collection would otherwise walk every object of the site again, as one process
    # converts page after page; forked workers have it frozen already.
    frozen = []
    convert_page = markdown.convert_page
    monkeypatch.setattr(markdown, "convert_page", lambda *args: frozen.append(gc.get_freeze_count()) or convert_page(*args))
    assert run("build", site("multi"), "--out", tmp_path / "out", "--jobs", "1") == 0
    assert frozen and min(frozen) > 0
    assert gc.get_freeze_count() == 0
