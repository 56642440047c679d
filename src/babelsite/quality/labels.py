"""Interface strings and labels: `[i18n.xx]` keys that name nothing, and labels a language has no translation of."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

from ..config import SiteConfig, find_key_line
from ..content.sources import Boundary, walk_files
from ..errors import Collector, did_you_mean
from ..links.resolve import LinkedSite
from ..links.tree import humanize
from ..locale import interface_keys
from ..model import Corpus

# `t.name` or `t["name"]` in a template: the interface strings a site's own templates use.
TEMPLATE_STRING = re.compile(r"""\bt\s*(?:\.\s*([A-Za-z_]\w*)|\[\s*(['"])(.+?)\2\s*\])""")


def check_i18n_keys(config: SiteConfig, corpus: Corpus, template_dirs: Iterable[Path], boundary: Boundary,
                    problems: Collector) -> None:
    """Warn at each `[i18n.xx]` key that names no interface string, category or section label."""
    if not any(config.i18n.values()):
        return
    names = set(interface_keys())
    names |= categories(corpus) | section_labels(corpus) | template_strings(template_dirs, boundary)
    text = site_toml_text(config)
    for code, strings in config.i18n.items():
        for key in strings:
            if key not in names:
                problems.warning(
                    config.config_path, find_key_line(text, ("i18n", code), key) or 1,
                    f"[i18n.{code}] has '{key}', which names no interface string, category or section",
                    did_you_mean(key, sorted(names)) or "its keys are interface strings (see src/babelsite/ui_strings/en.toml), "
                    "category names and section labels as the default language writes them", code="i18n-unknown-key")


def check_label_translations(site: LinkedSite, problems: Collector, strict: bool = False) -> None:
    """Note each category or section label that a language shows untranslated (a warning under --strict)."""
    config = site.config
    labels = [("category", name) for name in sorted(categories(site.corpus))]
    if site.has_tree:  # a folder without an index page in any language is labelled by its humanized name
        labels += [("section", name) for name in sorted(section_labels(site.corpus, untitled_only=True))]
    report = problems.warning if strict else problems.info
    text = site_toml_text(config) if labels else ""
    for code in config.language_codes:
        if code == config.default_language:
            continue  # the labels are written in it
        for kind, name in labels:
            if name not in config.i18n.get(code, {}):
                report(config.config_path, (find_key_line(text, ("i18n",), code) if code in config.i18n else 0) or 1,
                       f"{kind} '{name}' has no label in {code}: readers of {code} see '{name}'",
                       f'add "{name}" = "..." under [i18n.{code}] in site.toml', code="label-untranslated")


def categories(corpus: Corpus) -> set[str]:
    """Return every category an article names."""
    return {article.category for article in corpus.articles() if article.category}


def section_labels(corpus: Corpus, untitled_only: bool = False) -> set[str]:
    """Return the humanized names of the folders pages sit in (only those without an index page, if asked)."""
    folders = {"/".join(parts[:depth]) for parts in (key.split("/") for key in corpus.groups)
               for depth in range(1, len(parts))}
    return {humanize(folder.rpartition("/")[2]) for folder in folders
            if not (untitled_only and folder in corpus.groups)}


def template_strings(template_dirs: Iterable[Path], boundary: Boundary) -> set[str]:
    """Return the names of the interface strings the templates use, as `t.name` or `t["name"]`."""
    names: set[str] = set()
    unreported = Collector(Path("."))  # the build reports the templates it refuses; this only reads
    for folder in template_dirs:
        for path in walk_files(folder, unreported, boundary):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # reported by the build, which reads every template
            names.update(match.group(1) or match.group(3) for match in TEMPLATE_STRING.finditer(text))
    return names


def site_toml_text(config: SiteConfig) -> str:
    """Return site.toml's text, to find the line of a key in it; '' when it cannot be read again."""
    try:
        return config.config_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
