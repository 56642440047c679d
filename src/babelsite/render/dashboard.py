"""The translation status dashboard: one self-contained HTML page, for `status --format html` and the site."""

from __future__ import annotations

import jinja2

from typing import Mapping

from ..links.diff import OriginalDiff
from ..links.translations import TranslationStatus, cell_label


DASHBOARD = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string("""\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Translation status · {{ status.title }}</title>
<style>
:root { color-scheme: light dark; --ok: #1a7f37; --old: #9a6700; --none: #cf222e; --line: #d0d7de; }
body { margin: 2rem auto; max-width: 72rem; padding: 0 1rem; font: 15px/1.5 system-ui, sans-serif; }
table { border-collapse: collapse; margin-block: 1rem 2rem; }
th, td { padding: 0.3rem 0.7rem; border-block-end: 1px solid var(--line); text-align: start; }
td.state { font-weight: 600; }
.translated { color: var(--ok); }
.outdated { color: var(--old); }
.missing { color: var(--none); }
.unknown { font-style: italic; }
code { font-size: 0.9em; }
/* What changed in the originals: a unified diff per section, removed and added lines marked */
details.diff pre { overflow-x: auto; padding: 0.5rem; border: 1px solid var(--line); }
details.diff del, details.diff ins { display: block; text-decoration: none; }
details.diff del { color: var(--none); }
details.diff ins { color: var(--ok); }
</style>
</head>
<body>
<h1>Translation status · {{ status.title }}</h1>
<h2>Coverage</h2>
<table class="coverage">
<thead><tr><th scope="col">Language</th><th scope="col">Available</th><th scope="col">Up to date</th><th scope="col">Original</th><th scope="col">Translated</th><th scope="col">Outdated</th><th scope="col">Missing</th></tr></thead>
<tbody>
{% for code, c in status.coverage.items() %}
<tr data-lang="{{ code }}"><th scope="row">{{ code }}</th>
<td><meter min="0" max="1" value="{{ c.share(c.present) }}"></meter> {{ "%.0f" | format(c.share(c.present) * 100) }}%</td>
<td><meter min="0" max="1" value="{{ c.share(c.current) }}"></meter> {{ "%.0f" | format(c.share(c.current) * 100) }}%</td>
<td>{{ c.original }}</td><td>{{ c.translated }}</td><td>{{ c.outdated }}</td><td>{{ c.missing }}</td></tr>
{% endfor %}
</tbody>
</table>
<h2>Articles</h2>
<table class="matrix">
<thead><tr><th scope="col">Slug</th><th scope="col">Title</th>{% for code in status.languages %}<th scope="col">{{ code }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in status.rows.values() %}
<tr data-slug="{{ row.key }}"><th scope="row"><code>{{ row.key }}</code></th><td lang="{{ row.original_lang }}">{{ row.title }}</td>
{% for code, cell in row.cells.items() %}
<td class="state {{ cell.state }}{% if cell.freshness == 'unknown' %} unknown{% endif %}" data-lang="{{ code }}" data-state="{{ cell.state }}"{% if cell.path %} title="{{ cell.path }}"{% endif %}>{{ label(cell) }}</td>
{% endfor %}
</tr>
{% endfor %}
</tbody>
</table>
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
<p>Outdated: the original changed after the translation was made (by its <code>translated_from</code> hash, or else by git commit dates). A <em>?</em> marks a translation whose freshness is unknown.</p>
</body>
</html>
""")


def to_html(status: TranslationStatus, diffs: Mapping[tuple[str, str], OriginalDiff] | None = None) -> str:
    """Return the status as a self-contained HTML dashboard page, with what changed under each outdated translation."""
    return DASHBOARD.render(status=status, label=cell_label, diffs=diffs or {})
