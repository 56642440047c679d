"""Start a new site: site.toml with two languages, one article and its translation, a .gitignore."""

from __future__ import annotations

from pathlib import Path

from ..config import load_config
from ..errors import Collector, SiteError
from ..content.load import load_corpus
from ..content.sources import discover

IGNORED_ENTRIES = {".git"}  # what a new site's folder may already hold: `git init` first is fine
ARTICLE = Path("getting-started/welcome.md")  # under content/<lang>/

SITE_TOML = '''\
# A multilingual site started by `babelsite init`; the babelsite README explains every key.
title = "My Documentation"
base_url = "/"                      # where the site lives, e.g. "https://example.org/docs/"
default_language = "en"
# redirect_files = ["netlify"]      # also write the host's redirects: "netlify" (_redirects), "nginx"

[languages.en]                      # the order here is the order of the language switcher
[languages.fr]
title = "Ma documentation"

[i18n.fr]                           # category labels and interface strings in French
"Getting started" = "Premiers pas"  # the category and the section of getting-started/

# Old URLs that should lead to new ones, from the site root without the base path:
# [redirects]
# "/old/path/" = "/en/welcome/"
'''

ENGLISH = '''\
---
title: Welcome
category: Getting started
description: How this site is made and how to grow it.
sources:
  - text: CommonMark Spec
    url: https://spec.commonmark.org/
related: []
---

This site is built by babelsite from one Markdown file per article and per language. This
article is `content/en/getting-started/welcome.md`; its French translation is the file of
the same name under `content/fr/`.

### Writing

Articles are Markdown as CommonMark defines it [1]. A number in brackets cites the source
with that number in the front matter's `sources`, and `related` lists the slugs of other
articles to link to.

### Next steps

- `babelsite serve` shows the site and reloads it as you edit.
- `babelsite new SLUG` starts an article; `babelsite new SLUG --lang fr --from en` its translation.
- `babelsite build` writes the site into `public/`, and `babelsite check` reviews the translations.
'''

FRENCH = '''\
---
title: Bienvenue
category: Getting started
description: Comment ce site est fait et comment le faire grandir.
sources:
  - text: CommonMark Spec
    url: https://spec.commonmark.org/
related: []
translated_from: "{translated_from}"
---

Ce site est construit par babelsite à partir d'un fichier Markdown par article et par
langue. Cet article est `content/fr/getting-started/welcome.md` ; l'original anglais est le
fichier du même nom sous `content/en/`.

### Écrire

Les articles sont écrits en Markdown, tel que CommonMark le définit [1]. Un numéro entre
crochets cite la source de ce numéro dans les `sources` de l'en-tête, et `related` donne les
slugs d'autres articles vers lesquels pointer.

### Et ensuite

- `babelsite serve` affiche le site et le recharge à chaque modification.
- `babelsite new SLUG` commence un article ; `babelsite new SLUG --lang fr --from en` sa traduction.
- `babelsite build` écrit le site dans `public/`, et `babelsite check` passe les traductions en revue.
'''

GITIGNORE = ("# The built site: babelsite build writes it again.\npublic/\n"
             "# The site before it, kept so that an edit rebuilds fast.\n.public.previous/\n")


def init_site(site_dir: Path) -> list[Path]:
    """Write a new site into a new or empty folder; return the files written, relative to it."""
    problems = Collector(Path.cwd())
    if site_dir.exists() and not site_dir.is_dir():
        problems.error(site_dir, 0, "is a file, not a folder", "give the path of a new or empty folder")
    elif site_dir.is_dir() and any(entry.name not in IGNORED_ENTRIES for entry in site_dir.iterdir()):
        problems.error(site_dir, 0, "the folder is not empty",
                       "give a new or empty folder; babelsite init never writes among existing files")
    problems.raise_if_errors()
    files = {
        Path("site.toml"): SITE_TOML,
        Path(".gitignore"): GITIGNORE,
        Path("content/en") / ARTICLE: ENGLISH,
    }
    try:
        for path, text in files.items():
            write_new(site_dir / path, text)
        french = Path("content/fr") / ARTICLE
        write_new(site_dir / french, FRENCH.format(translated_from=english_hash(site_dir)))
    except OSError as exc:
        problems.error(exc.filename or site_dir, 0, f"cannot write the file: {exc.strerror}",
                       "check that you may write in that folder")
        raise SiteError(problems.items) from None
    return [*files, french]


def write_new(path: Path, text: str) -> None:
    """Write a text file that must not exist yet, making its folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as file:
        file.write(text)


def english_hash(site_dir: Path) -> str:
    """Return the content hash of the English article just written, which its translation records."""
    config = load_config(site_dir)
    problems = Collector(config.site_dir)
    corpus = load_corpus(config, discover(config, problems), problems)
    problems.raise_if_errors()
    return corpus.groups[ARTICLE.with_suffix("").as_posix()]["en"].content_hash
