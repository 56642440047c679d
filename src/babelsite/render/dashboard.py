"""The translation status dashboard: one self-contained HTML page, for `status --format html` and the site.

Each cell links to its page (where the page is published at a URL that opens from the
dashboard) and, in the dashboard `status` writes, to its source file; a missing cell shows
the `babelsite new` command that starts the translation. The matrix has a table body per
section. The colours keep a contrast of at least 4.5:1 in the light and the dark scheme. Every text
is an interface string (`status_*` keys) in the reader's language; the page is left to right or right
to left as that language is written, and its CSS sets each side for both directions (physical
properties, which the Nu HTML Checker knows). Commands, keys and paths stay left to right, isolated.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping
from urllib.parse import quote

import jinja2
from babel.numbers import format_percent
from markupsafe import Markup, escape

from ..links.translations import UNKNOWN, Cell, TranslationStatus
from ..locale import count_text, describe_language, parse_locale, written_date

if TYPE_CHECKING:
    from ..links.diff import OriginalDiff


def heading(text: str) -> str:
    """Return a state word as a column heading: its first letter in capitals, where the script has them."""
    return text[:1].upper() + text[1:]


DASHBOARD = """\
{% macro state_cell(row, code, cell) %}
<td class="state {{ cell.state }}{% if cell.freshness == 'unknown' %} unknown{% endif %}" data-lang="{{ code }}" data-state="{{ cell.state }}"{% if cell.freshness %} data-freshness="{{ cell.freshness }}"{% endif %}>
{% if cell.state == 'missing' %}
<span class="label">{{ t.status_missing }}</span>
{% if row.key %}<code class="command" dir="ltr">babelsite new <span class="key">{{ quote(row.key) }}</span> <span>--lang {{ code }}</span> <span>--from {{ row.original_lang }}</span></code>{% endif %}
{% else %}
{% if page_links and cell.url %}<a class="label" href="{{ cell.url }}" hreflang="{{ code }}">{{ label(cell) }}</a>{% else %}<span class="label">{{ label(cell) }}</span>{% endif %}
{% if cell.commits_behind %}<span class="behind">{{ count("status_commits_behind", cell.commits_behind) }}</span>{% endif %}
{% if source_href %}<a class="file" dir="ltr" href="{{ source_href(cell.path) }}">{{ cell.path }}</a>{% endif %}
{% endif %}
</td>
{% endmacro %}
<!DOCTYPE html>
<html lang="{{ lang }}" dir="{{ direction }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="color-scheme" content="light dark">
<title>{{ t.status_title }} · {{ status.title }}</title>
<style>
:root { --text: #1f2328; --bg: #ffffff; --muted: #59636e; --link: #0550ae;
  --ok: #1a7f37; --old: #9a6700; --none: #cf222e; --draft: #8250df; --line: #d0d7de; }
@media (prefers-color-scheme: dark) {
  :root { --text: #e6edf3; --bg: #0d1117; --muted: #9198a1; --link: #58a6ff;
    --ok: #3fb950; --old: #d29922; --none: #ff7b72; --draft: #bc8cff; --line: #3d444d; }
}
html { color: var(--text); background: var(--bg); }
body { margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; font: 15px/1.5 system-ui, sans-serif; }
h1 { font-size: 1.5rem; overflow-wrap: anywhere; }
a { color: var(--link); }
.scroll { max-width: 100%; overflow-x: auto; margin: 1rem 0 2rem; }
.scroll:focus-visible { outline: 2px solid var(--link); }
table { border-collapse: collapse; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
tbody th[scope=row] { position: sticky; left: 0; background: var(--bg); min-width: 8rem; max-width: 14rem; }
/* Right to left (Arabic, Hebrew, Persian, Urdu): the same sides, mirrored */
[dir=rtl] th, [dir=rtl] td { text-align: right; }
[dir=rtl] tbody th[scope=row] { left: auto; right: 0; }
th .key, .file, .behind { display: block; font-size: 0.8rem; font-weight: normal; color: var(--muted); overflow-wrap: anywhere; }
tr.section th { padding-top: 1.2rem; font-size: 1.05rem; }
tr.section code { font-weight: normal; color: var(--muted); }
td.state { font-weight: 600; min-width: 6rem; max-width: 11rem; }
td.state a.label { color: inherit; }
.original { color: var(--text); }
.translated { color: var(--ok); }
.outdated { color: var(--old); }
.missing { color: var(--none); }
.in-progress { color: var(--draft); }
.unknown { color: var(--muted); font-style: italic; }
code { font-size: 0.85em; }
code.command { display: block; font-weight: normal; color: var(--text); user-select: all; }
code.command span { white-space: nowrap; }
code.command span.key { white-space: normal; overflow-wrap: anywhere; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 0.2rem 1rem; }
dd { margin: 0; }
/* What changed in the originals: a unified diff per section, removed and added lines marked */
details.diff pre { overflow-x: auto; padding: 0.5rem; border: 1px solid var(--line); }
details.diff del, details.diff ins { display: block; text-decoration: none; }
details.diff del { color: var(--none); }
details.diff ins { color: var(--ok); }
</style>
</head>
<body>
<main>
<h1>{{ t.status_title }} · <bdi>{{ status.title }}</bdi></h1>
<h2 id="coverage">{{ t.status_coverage }}</h2>
<div class="scroll" role="region" aria-labelledby="coverage" tabindex="0">
<table class="coverage">
<thead><tr><th scope="col">{{ t.status_language }}</th><th scope="col">{{ t.status_available }}</th><th scope="col">{{ t.status_up_to_date }}</th>
{%- for key in ("status_original", "status_translated", "status_outdated", "status_unknown", "status_in_progress", "status_missing") %}<th scope="col">{{ t[key] | heading }}</th>{% endfor %}</tr></thead>
<tbody>
{% for code, c in status.coverage.items() %}
<tr data-lang="{{ code }}"><th scope="row">{{ code }}</th>
<td><meter min="0" max="1" value="{{ c.share(c.present) }}"></meter> {{ percent(c.share(c.present)) }}</td>
<td><meter min="0" max="1" value="{{ c.share(c.current) }}"></meter> {{ percent(c.share(c.current)) }}</td>
<td>{{ c.original }}</td><td>{{ c.translated }}</td><td>{{ c.outdated }}</td><td>{{ c.unknown }}</td><td>{{ c.in_progress }}</td><td>{{ c.missing }}</td></tr>
{% endfor %}
</tbody>
</table>
</div>
<h2 id="pages">{{ t.status_pages }}</h2>
<div class="scroll" role="region" aria-labelledby="pages" tabindex="0">
<table class="matrix">
<thead><tr><th scope="col">{{ t.status_page }}</th>{% for code in status.languages %}<th scope="col">{{ code }}</th>{% endfor %}</tr></thead>
{% for section in sections %}
<tbody data-section="{{ section.key }}">
{% if sections | length > 1 %}
<tr class="section"><th scope="rowgroup" colspan="{{ status.languages | length + 1 }}"><bdi>{{ section.title or t.status_top }}</bdi> <code dir="ltr">/{{ section.key }}</code></th></tr>
{% endif %}
{% for row in section.rows %}
<tr data-slug="{{ row.key }}"><th scope="row"><bdi lang="{{ row.original_lang }}">{{ row.title }}</bdi> <code class="key" dir="ltr">{{ row.key or "/" }}</code></th>
{% for code, cell in row.cells.items() %}
{{ state_cell(row, code, cell) }}
{% endfor %}
</tr>
{% endfor %}
</tbody>
{% endfor %}
</table>
</div>
{% if diffs %}
<h2>{{ t.status_changes }}</h2>
{% for (slug, code), d in diffs.items() %}
{% set original_lang = status.rows[slug].original_lang %}
<details class="diff" data-slug="{{ slug }}" data-lang="{{ code }}">
<summary><code dir="ltr">{{ d.translation }}</code>: {% if d.problem %}{{ d.problem.message }}{% else %}{{ fill("status_changes_since" if d.base else "status_changes_in",
  file=path(d.original), fields=count("status_fields_count", d.fields | length), sections=count("status_sections_count", d.sections | length),
  commit=path(d.base.id[:12]) if d.base else "", date=written_date(d.base.date, lang)[0] if d.base else "") }}{% endif %}</summary>
{% if d.fields %}
<ul>{% for f in d.fields %}<li><code dir="ltr">{{ f.key }}</code>: <bdi>{{ f.old if f.old is not none else t.status_absent }}</bdi> → <bdi>{{ f.new if f.new is not none else t.status_absent }}</bdi></li>{% endfor %}</ul>
{% endif %}
{% for s in d.sections %}
<h3>{% if s.heading %}<bdi lang="{{ original_lang }}">{{ s.heading }}</bdi>{% else %}{{ t.status_before_first_heading }}{% endif %} <small>{{ fill("status_change_" + s.change, line=s.line) }}</small></h3>
<pre lang="{{ original_lang }}" dir="{{ text_direction(original_lang) }}">{% for line in s.diff %}{% if line[:1] == "-" %}<del>{{ line }}</del>{% elif line[:1] == "+" %}<ins>{{ line }}</ins>{% else %}{{ line }}
{% endif %}{% endfor %}</pre>
{% endfor %}
</details>
{% endfor %}
{% endif %}
<h2 id="legend">{{ t.status_states }}</h2>
<dl>
<dt class="original">{{ t.status_original }}</dt><dd>{{ t.status_original_text }}</dd>
<dt class="translated">{{ t.status_translated }}</dt><dd>{{ fill("status_translated_text", key=path("translated_from")) }}</dd>
<dt class="outdated">{{ t.status_outdated }}</dt><dd>{{ t.status_outdated_text }}</dd>
<dt class="unknown">{{ t.status_unknown }}</dt><dd>{{ fill("status_unknown_text", key=path("translated_from")) }}</dd>
<dt class="in-progress">{{ t.status_in_progress }}</dt><dd>{{ fill("status_in_progress_text", key=path("draft: true")) }}</dd>
<dt class="missing">{{ t.status_missing }}</dt><dd>{{ t.status_missing_text }}</dd>
</dl>
</main>
</body>
</html>
"""


@functools.cache
def dashboard_template() -> jinja2.Template:
    """Return the dashboard's template, compiled when first asked for: a build that shows no dashboard never is."""
    environment = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    environment.filters["heading"] = heading
    return environment.from_string(DASHBOARD)


STATE_KEYS = {state: "status_" + state.replace("-", "_") for state in (
    "original", "translated", "outdated", "in-progress", "missing")}
PLACEHOLDER = re.compile(r"(\{\w+\})")


def text_direction(code: str) -> str:
    """Return 'rtl' for a language written right to left, else 'ltr'."""
    return (describe_language(code) or ("", "ltr"))[1]


def to_html(status: TranslationStatus, lang: str, strings: Mapping[str, str | Mapping[str, str]],
            diffs: Mapping[tuple[str, str], OriginalDiff] | None = None,
            page_links: bool = True, source_href: Callable[[str], str] | None = None) -> str:
    """Return the status as a self-contained HTML dashboard page in `lang`, with what changed under each outdated translation.

    `strings`: the interface strings of `lang`; `page_links`: link each published cell to its page;
    `source_href`: link each present cell to its file, given the file's path relative to the site folder.
    """
    def count(key: str, number: int) -> str:
        """Return a string with a count in the plural form `lang` takes for `number`."""
        return count_text(lang, strings[key], number)

    def fill(key: str, /, **values: object) -> Markup:
        """Return an interface string, escaped, with its {placeholders} filled (markup kept, text escaped)."""
        return Markup("").join(escape(values[part[1:-1]]) if PLACEHOLDER.fullmatch(part) and part[1:-1] in values
                               else escape(part) for part in PLACEHOLDER.split(strings[key]))

    def label(cell: Cell) -> str:
        """Return the word a cell shows, `status_unknown` when a translation's freshness is unknown."""
        return strings["status_unknown" if cell.freshness == UNKNOWN else STATE_KEYS[cell.state]]

    return dashboard_template().render(
        status=status, sections=status.sections(), label=label, diffs=diffs or {}, t=strings, lang=lang,
        direction=text_direction(lang), text_direction=text_direction, count=count, fill=fill, written_date=written_date,
        percent=lambda share: format_percent(share, locale=parse_locale(lang) or "en"),
        path=lambda text: Markup('<code dir="ltr">{}</code>').format(text),
        page_links=page_links, source_href=source_href, quote=shlex.quote)


def source_links(site_dir: Path, folder: Path) -> Callable[[str], str]:
    """Return what links a file, given by its path relative to the site folder, from a dashboard in `folder`."""
    site_dir, folder = site_dir.resolve(), folder.resolve()
    return lambda path: quote(Path(os.path.relpath(site_dir / path, folder)).as_posix())
