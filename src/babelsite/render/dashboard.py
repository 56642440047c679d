"""The translation status dashboard: one self-contained HTML page, for `status --format html` and the site."""

from __future__ import annotations

import jinja2

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
<p>Outdated: the original changed after the translation was made (by its <code>translated_from</code> hash, or else by git commit dates). A <em>?</em> marks a translation whose freshness is unknown.</p>
</body>
</html>
""")


def to_html(status: TranslationStatus) -> str:
    """Return the status as a self-contained HTML dashboard page."""
    return DASHBOARD.render(status=status, label=cell_label)
