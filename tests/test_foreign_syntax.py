"""Another generator's syntax in a body: `check` names each line where it would show raw."""

from __future__ import annotations

from babelsite.build import BuildOptions, prepare
from babelsite.errors import Collector
from babelsite.markdown.foreign import foreign_syntax
from babelsite.quality.checks import check_foreign_syntax

BODY = """\
Intro {{< figure src="a.png" >}} and {{% notice tip %}}.

{% include note.html %}

/// tip
Careful.
///

--8<-- "snippets/intro.md"

import Tabs from '@theme/Tabs';

<Callout type="warning">Text</Callout>

| Term | Use |
|---|---|
| a | {{< ref "x" >}} |

A paragraph.
{: .lead }

<div markdown="1">
"""
CODE = """\
Write `{{< figure >}}` or `{% if %}` or `<Callout>` in code.

```
{{< figure >}}
{% include x %}
import X from 'y'
```

    --8<-- "indented.md"
"""


def test_foreign_syntax_is_found_outside_code_only_once_per_line_and_kind():
    found = [(line, message) for line, message, _ in foreign_syntax(BODY, html=False)]
    assert found == [
        (0, "a Hugo shortcode shows as raw text here"),
        (2, "a Liquid or Jinja tag shows as raw text here"),
        (4, "a MkDocs block shows as raw text here"),
        (8, "a MkDocs snippet include shows as raw text here"),
        (10, "an MDX import shows as raw text here"),
        (12, "a JSX component shows as raw text here"),
        (16, "a Hugo shortcode shows as raw text here"),
        (19, "a kramdown attribute list shows as raw text here"),
        (21, 'a kramdown markdown="1" attribute shows as raw text here'),
    ]
    assert list(foreign_syntax(CODE, html=False)) == list(foreign_syntax(CODE, html=True)) == []


def test_foreign_html_says_what_the_browser_gets():
    found = [(line, message) for line, message, _ in foreign_syntax(BODY, html=True)]
    assert (12, "a JSX component reaches the browser as an unknown HTML element here") in found
    assert (21, 'a kramdown markdown="1" attribute has no effect here: '
                "the Markdown inside this HTML shows as raw text") in found


def test_check_names_the_file_line_counting_front_matter(site):
    site_dir = site("translations")
    page = site_dir / "content/en/target.md"
    page.write_text(page.read_text() + "\n{{< youtube id >}}\n\n```\n{{< kept >}}\n```\n\nimport X from 'y'\n")
    prepared = prepare(BuildOptions(site_dir))
    problems = Collector(site_dir)
    check_foreign_syntax(prepared.site, problems)
    assert [d.format() for d in problems.sorted()] == [
        "content/en/target.md:11: warning: a Hugo shortcode shows as raw text here; "
        "babelsite has no shortcodes: write it as Markdown or remove it",
        "content/en/target.md:17: warning: an MDX import shows as raw text here; "
        "babelsite pages are Markdown, not MDX: remove it",
    ]
    assert {d.code for d in problems.items} == {"foreign-syntax"}
