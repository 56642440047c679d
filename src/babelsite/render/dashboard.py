"""The translation status dashboard: one self-contained HTML page, for `status --format html` and the site.

Each cell links to its page (where the page is published at a URL that opens from the
dashboard) and, in the dashboard `status` writes, to its source file; a missing cell shows
the `babelsite new` command that starts the translation. The matrix has a table body per
section. The colours keep a contrast of at least 4.5:1 in the light and the dark scheme; the page is
in English, left to right, so its CSS uses physical properties, which the Nu HTML Checker knows.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import quote

import jinja2

from ..links.diff import OriginalDiff
from ..links.translations import TranslationStatus, cell_label

DASHBOARD = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string("""\
{% macro state_cell(row, code, cell) %}
<td class="state {{ cell.state }}{% if cell.freshness == 'unknown' %} unknown{% endif %}" data-lang="{{ code }}" data-state="{{ cell.state }}"{% if cell.freshness %} data-freshness="{{ cell.freshness }}"{% endif %}>
{% if cell.state == 'missing' %}
<span class="label">missing</span>
{% if row.key %}<code class="command">babelsite new <span class="key">{{ quote(row.key) }}</span> <span>--lang {{ code }}</span> <span>--from {{ row.original_lang }}</span></code>{% endif %}
{% else %}
{% if page_links and cell.url %}<a class="label" href="{{ cell.url }}" hreflang="{{ code }}">{{ label(cell) }}</a>{% else %}<span class="label">{{ label(cell) }}</span>{% endif %}
{% if cell.commits_behind %}<span class="behind">{{ cell.commits_behind }} commit{{ "s" if cell.commits_behind != 1 }} behind</span>{% endif %}
{% if source_href %}<a class="file" href="{{ source_href(cell.path) }}">{{ cell.path }}</a>{% endif %}
{% endif %}
</td>
{% endmacro %}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="color-scheme" content="light dark">
<title>Translation status · {{ status.title }}</title>
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
<h1>Translation status · {{ status.title }}</h1>
<h2 id="coverage">Coverage</h2>
<div class="scroll" role="region" aria-labelledby="coverage" tabindex="0">
<table class="coverage">
<thead><tr><th scope="col">Language</th><th scope="col">Available</th><th scope="col">Up to date</th><th scope="col">Original</th><th scope="col">Translated</th><th scope="col">Outdated</th><th scope="col">Unknown</th><th scope="col">In progress</th><th scope="col">Missing</th></tr></thead>
<tbody>
{% for code, c in status.coverage.items() %}
<tr data-lang="{{ code }}"><th scope="row">{{ code }}</th>
<td><meter min="0" max="1" value="{{ c.share(c.present) }}"></meter> {{ "%.0f" | format(c.share(c.present) * 100) }}%</td>
<td><meter min="0" max="1" value="{{ c.share(c.current) }}"></meter> {{ "%.0f" | format(c.share(c.current) * 100) }}%</td>
<td>{{ c.original }}</td><td>{{ c.translated }}</td><td>{{ c.outdated }}</td><td>{{ c.unknown }}</td><td>{{ c.in_progress }}</td><td>{{ c.missing }}</td></tr>
{% endfor %}
</tbody>
</table>
</div>
<h2 id="pages">Pages</h2>
<div class="scroll" role="region" aria-labelledby="pages" tabindex="0">
<table class="matrix">
<thead><tr><th scope="col">Page</th>{% for code in status.languages %}<th scope="col">{{ code }}</th>{% endfor %}</tr></thead>
{% for section in sections %}
<tbody data-section="{{ section.key }}">
{% if sections | length > 1 %}
<tr class="section"><th scope="rowgroup" colspan="{{ status.languages | length + 1 }}">{{ section.title or "Top" }} <code>/{{ section.key }}</code></th></tr>
{% endif %}
{% for row in section.rows %}
<tr data-slug="{{ row.key }}"><th scope="row"><span lang="{{ row.original_lang }}">{{ row.title }}</span> <code class="key">{{ row.key or "/" }}</code></th>
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
<h2>What changed in the originals</h2>
{% for (slug, code), d in diffs.items() %}
<details class="diff" data-slug="{{ slug }}" data-lang="{{ code }}">
<summary><code>{{ d.translation }}</code>: {% if d.problem %}{{ d.problem.message }}{% else %}{{ d.fields | length }} front matter key(s) and {{ d.sections | length }} section(s) changed in <code>{{ d.original }}</code>{% if d.base %} since {{ d.base.id[:12] }} ({{ d.base.date }}){% endif %}{% endif %}</summary>
{% if d.fields %}
<ul>{% for f in d.fields %}<li><code>{{ f.key }}</code>: <code>{{ f.old if f.old is not none else "(absent)" }}</code> → <code>{{ f.new if f.new is not none else "(absent)" }}</code></li>{% endfor %}</ul>
{% endif %}
{% for s in d.sections %}
<h3>{{ s.heading or "(before the first heading)" }} <small>{{ s.change }}, line {{ s.line }}</small></h3>
<pre>{% for line in s.diff %}{% if line[:1] == "-" %}<del>{{ line }}</del>{% elif line[:1] == "+" %}<ins>{{ line }}</ins>{% else %}{{ line }}
{% endif %}{% endfor %}</pre>
{% endfor %}
</details>
{% endfor %}
{% endif %}
<h2 id="legend">States</h2>
<dl>
<dt class="original">original</dt><dd>the text the other languages translate</dd>
<dt class="translated">translated</dt><dd>made from the original as it is now (by its <code>translated_from</code> hash, or else by git commit dates)</dd>
<dt class="outdated">outdated</dt><dd>the original changed after the translation was made</dd>
<dt class="unknown">translated?</dt><dd>freshness unknown: no <code>translated_from</code> and no git history; not counted as up to date</dd>
<dt class="in-progress">in-progress</dt><dd>a draft (<code>draft: true</code>), not published</dd>
<dt class="missing">missing</dt><dd>not written yet; the command shown starts it, run in the site's folder</dd>
</dl>
</main>
</body>
</html>
""")


def to_html(status: TranslationStatus, diffs: Mapping[tuple[str, str], OriginalDiff] | None = None,
            page_links: bool = True, source_href: Callable[[str], str] | None = None) -> str:
    """Return the status as a self-contained HTML dashboard page, with what changed under each outdated translation.

    `page_links`: link each published cell to its page; `source_href`: link each present cell to
    its file, given the file's path relative to the site folder.
    """
    return DASHBOARD.render(status=status, sections=status.sections(), label=cell_label, diffs=diffs or {},
                            page_links=page_links, source_href=source_href, quote=shlex.quote)


def source_links(site_dir: Path, folder: Path) -> Callable[[str], str]:
    """Return what links a file, given by its path relative to the site folder, from a dashboard in `folder`."""
    site_dir, folder = site_dir.resolve(), folder.resolve()
    return lambda path: quote(Path(os.path.relpath(site_dir / path, folder)).as_posix())
