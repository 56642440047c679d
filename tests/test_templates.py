"""Templates render as Jinja renders them: a pure macro's HTML of a shared menu entry made once, never another page's."""

from __future__ import annotations

import filecmp

import jinja2
import pytest
from hypothesis import given, strategies as st
from markupsafe import Markup, escape

from babelsite.render.pages import jinja_environment
from babelsite.render.templating import PureMacro, escape_output, pure_macros
from conftest import REPO, XHTML, find_all, parse_html, run


def macro_names(source: str) -> list[str]:
    """Return the names of the macros pure_macros finds in a template's source."""
    return [macro.name for macro in pure_macros(jinja2.Environment().parse(source))]


def test_the_theme_menu_macros_are_pure():
    names = macro_names((REPO / "templates/macros.html").read_text())
    assert {"nav_tree", "nav_item", "nav_label", "section_list", "article_link"} <= set(names)


@pytest.mark.parametrize("body", [
    "{{ lang }}",  # a page's variable, when imported with context or defined in a page's template
    "{{ range(3) | list }}",  # a global
    "{{ caller() }}",
    "{{ varargs }}",
    "{{ entry.children.append(1) }}",  # a method: calls nothing but macros
    "{{ entry.title | random }}",
    "{{ entry.children | map('random') | list }}",
    "{% if entry is sameas entry %}x{% endif %}",
    "{% set ns = namespace(n=0) %}{% set ns.n = 1 %}{{ ns.n }}",
    "{% for child in entry.children recursive %}{{ loop(child.children) }}{% endfor %}",
    "{% macro inner() %}{% endmacro %}",
    "{% include 'other.html' %}",
    "{{ impure(entry) }}",  # a pure-looking macro calling an impure one
    "{{ twice(entry) }}",  # a name bound twice may be the macro or not
])
def test_a_macro_that_may_read_more_than_its_arguments_is_not_pure(body):
    source = ("{% macro impure(entry) %}{{ lang }}{% endmacro %}{% macro twice(entry) %}{% endmacro %}"
              "{% set twice = 1 %}{% macro shown(entry) %}" + body + "{% endmacro %}")
    assert "shown" not in macro_names(source)


def test_a_macro_reading_its_arguments_and_calling_pure_macros_is_pure():
    source = ("{% macro label(entry) %}<a href=\"{{ entry.href }}\">{{ entry.title | upper }}</a>{% endmacro %}"
              "{% macro shown(entries, depth=1) %}{% for entry in entries if entry.title is string %}"
              "{% set css = 'deep' if depth > 1 else '' %}{{ label(entry) }}{{ css }}{{ loop.index }}"
              "{{ shown(entry.children, depth + 1) }}{% endfor %}{{ entries | selectattr('open') | list | length }}"
              "{% endmacro %}")
    assert macro_names(source) == ["label", "shown"]


@given(st.one_of(st.text(), st.text(alphabet="&<>'\"a é")))
def test_output_is_escaped_as_markupsafe_escapes(text):
    assert escape_output(text) == str(escape(text))


@pytest.mark.parametrize("value", [Markup("<b>x</b>"), 3, None, 1.5, ["<"]])
def test_other_values_are_escaped_as_markupsafe_escapes(value):
    assert escape_output(value) == str(escape(value))


MENU_BASE = """<!DOCTYPE html>
<html lang="{{ lang }}"><head><title>{% block title %}{% endblock %}</title><link rel="canonical" href="{{ canonical }}"></head>
<body>
{% macro page_menu(entries) %}{% for entry in entries %}<a href="{{ entry.href }}" data-page="{{ canonical }}">{{ entry.title }}</a>
{% if entry.children %}{{ page_menu(entry.children) }}{% endif %}{% endfor %}{% endmacro %}
<nav class="own-menu">{% if nav %}{{ page_menu(nav) }}{% endif %}</nav>
<main>{% block main %}{% endblock %}</main>
</body></html>
"""


def test_a_site_menu_macro_reading_the_page_shows_each_page_its_own(site, tmp_path):
    site_dir = site("docs_hugo")
    (site_dir / "templates").mkdir()
    (site_dir / "templates/base.html").write_text(MENU_BASE)
    out = tmp_path / "public"
    jinja_environment.cache_clear()
    assert run("build", site_dir, "--out", out, "--jobs", "1") == 0
    checked = 0
    for path in out.rglob("index.html"):
        document = parse_html(path)
        canonical = [link.get("href") for link in find_all(document, "link") if link.get("rel") == "canonical"]
        menus = [nav for nav in find_all(document, "nav") if nav.get("class") == "own-menu"]
        marks = {a.get("data-page") for nav in menus for a in nav.iter(XHTML + "a")}
        assert marks <= set(canonical[:1]), path
        checked += bool(marks)
    assert checked > 10


def test_a_template_cannot_change_a_menu_entry_other_pages_show(site, tmp_path, capsys):
    site_dir = site("docs_hugo")
    (site_dir / "templates").mkdir()
    (site_dir / "templates/base.html").write_text(
        MENU_BASE.replace("<body>", "<body>{% for entry in nav or [] %}{{ entry.update(title='x') }}{% endfor %}"))
    jinja_environment.cache_clear()
    assert run("build", site_dir, "--out", tmp_path / "public", "--jobs", "1") == 1
    assert ("templates/base.html:3: error: template error: SecurityError: access to attribute 'update' of "
            "'SharedView' object is unsafe.") in capsys.readouterr().err
    assert not (tmp_path / "public").exists()


def test_the_menus_made_once_are_the_menus_made_for_each_page(site, tmp_path, monkeypatch):
    site_dir = site("docs_hugo")
    once, each = tmp_path / "once", tmp_path / "each"
    jinja_environment.cache_clear()
    assert run("build", site_dir, "--out", once, "--no-cache", "--jobs", "1") == 0
    monkeypatch.setattr("babelsite.render.pages.made_once", lambda macro, args, kwargs: False)
    assert run("build", site_dir, "--out", each, "--no-cache", "--jobs", "1") == 0
    assert not differing(filecmp.dircmp(once, each))


def test_a_pure_macro_of_the_interface_strings_alone_is_made_once_per_language(site, tmp_path, monkeypatch):
    """The theme's `theme_control(t)`, twice on every page, renders once for each language: its strings are a shared view."""
    made = []
    invoke = PureMacro._invoke
    monkeypatch.setattr(PureMacro, "_invoke",
                        lambda macro, arguments, autoescape: (made.append(macro.name), invoke(macro, arguments, autoescape))[1])
    jinja_environment.cache_clear()
    assert run("build", site("docs_hugo"), "--out", tmp_path / "public", "--no-cache", "--jobs", "1") == 0
    assert made.count("theme_control") == 3  # en, de, fr


def test_macros_are_called_as_jinja_calls_them_without_its_checks_for_other_callables(site, tmp_path, monkeypatch):
    """A template's macros are always safe to call: the pages are those Jinja's Context.call makes, which is left to the rest."""
    site_dir = site("docs_hugo")
    direct, through_jinja = tmp_path / "direct", tmp_path / "jinja"
    called = []
    call = jinja2.runtime.Context.call
    monkeypatch.setattr(jinja2.runtime.Context, "call",
                        lambda context, obj, *args, **kwargs: (called.append(obj), call(context, obj, *args, **kwargs))[1])
    jinja_environment.cache_clear()
    assert run("build", site_dir, "--out", direct, "--no-cache", "--jobs", "1") == 0
    assert called and not any(isinstance(obj, jinja2.runtime.Macro) for obj in called)  # asset() goes through it
    monkeypatch.setattr("babelsite.render.pages.MACROS", ())
    assert run("build", site_dir, "--out", through_jinja, "--no-cache", "--jobs", "1") == 0
    assert any(isinstance(obj, jinja2.runtime.Macro) for obj in called)
    assert not differing(filecmp.dircmp(direct, through_jinja))


def test_a_template_cannot_change_the_interface_strings_other_pages_show(site, tmp_path, capsys):
    site_dir = site("docs_hugo")
    (site_dir / "templates").mkdir()
    (site_dir / "templates/base.html").write_text(MENU_BASE.replace("<body>", "<body>{{ t.update(menu='x') }}"))
    jinja_environment.cache_clear()
    assert run("build", site_dir, "--out", tmp_path / "public", "--jobs", "1") == 1
    assert ("templates/base.html:3: error: template error: SecurityError: access to attribute 'update' of "
            "'SharedView' object is unsafe.") in capsys.readouterr().err


def differing(compared: filecmp.dircmp) -> list[str]:
    """Return the files that differ between two folders, or are in one only, all the way down."""
    found = [*compared.diff_files, *compared.left_only, *compared.right_only]
    for sub in compared.subdirs.values():
        found += differing(sub)
    return found
