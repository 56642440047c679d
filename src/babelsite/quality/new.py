"""Start a new article, or a translation of one, as a draft Markdown file with front matter to fill in.

Drafts are not published (unless `--drafts`), and `status` shows them in progress; the marks
left to replace make a page that is no longer a draft an error until they are gone.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..config import SiteConfig, load_config
from ..errors import ERROR, Collector, did_you_mean
from ..links.resolve import resolve
from ..content.load import INVALID_SLUG, load_corpus, read_body_or_report
from ..model import Article
from ..content.sources import discover
from ..content.unfinished import TRANSLATE_BODY, TRANSLATE_TITLE, WRITE_BODY, WRITE_TITLE
from ..links.translations import recorded_hash

# Strings every YAML reader takes as the same text when unquoted: words starting with a letter.
PLAIN = re.compile(r"[^\W\d_][\w.-]*(?: [\w.-]+)*")
KEYWORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}


class FrontMatterDumper(yaml.SafeDumper):
    """A safe YAML dumper that double-quotes every string a YAML 1.1 or 1.2 reader could take for another value."""


def represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Write a string plain when it is a run of words, else in double quotes (hashes such as 12e4… included)."""
    plain = PLAIN.fullmatch(value) is not None and value.lower() not in KEYWORDS
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=None if plain else '"')


FrontMatterDumper.add_representer(str, represent_text)


def new_article(site_dir: Path, config_path: Path | None, slug: str, lang: str | None,
                source_lang: str | None) -> Path:
    """Write the file of a new article, or of a translation of the `source_lang` version; return its path."""
    config = load_config(site_dir, config_path)
    problems = Collector(config.site_dir)
    lang = lang or config.default_language
    for code in filter(None, (lang, source_lang)):
        if code not in config.language_codes:
            problems.error(config.config_path, 0, f"language '{code}' is not in site.toml",
                           f"use one of {', '.join(config.language_codes)}, or add [languages.{code}] to site.toml")
    slug = slug.strip("/").removesuffix(".md")
    if not slug or any(not part or part.startswith(".") or INVALID_SLUG.search(part) for part in slug.split("/")):
        problems.error(config.content_dir, 0, f"slug {slug!r} cannot be a URL path segment",
                       "use letters, digits, '-' and '_', with '/' between folders (no spaces or '..')")
    if source_lang == lang:
        problems.error(config.content_dir, 0, f"--from and --lang both name '{lang}'",
                       "--from is the language to translate from, --lang the one to translate into")
    problems.raise_if_errors()

    loading = Collector(config.site_dir)  # problems of other files are the build's to report
    files = discover(config, loading)
    site = resolve(config, load_corpus(config, files, loading, drafts=True), loading)
    candidates = site.stems.get(slug, ()) if slug not in site.corpus.groups else ()
    if len(candidates) == 1:
        slug = candidates[0]  # a bare stem names the one page whose key ends with it
    elif candidates and source_lang is not None:
        problems.error(config.content_dir, 0, f"'{slug}' could be any of {', '.join(candidates)}",
                       "write the key of the page to translate")
        problems.raise_if_errors()
    group = site.corpus.groups.get(slug, {})
    if lang in group:
        problems.error(group[lang].path, group[lang].title_line, f"'{slug}' already has a version in {lang} here",
                       "edit this file instead")
    elif source_lang is None and group:
        existing = site.original(slug)
        problems.error(existing.path, existing.title_line, f"'{slug}' already exists in {existing.lang}",
                       f"to translate it, add --from {existing.lang}")
    elif source_lang is not None and source_lang not in group:
        slug_files = {loading.display_path(f.path) for f in files if f.key == slug}
        problems.extend(d for d in loading.items if d.severity == ERROR and d.path in slug_files)
        if problems.has_errors:
            hint = "fix the errors in its file first"
        elif group:
            hint = f"it exists in {', '.join(group)}; pass one of them to --from"
        else:
            hint = did_you_mean(slug, site.corpus.groups) or f"start it with babelsite new {slug} --lang {source_lang}"
        problems.error(config.content_dir, 0, f"no {source_lang} version of '{slug}' to translate from", hint)
    problems.raise_if_errors()

    if source_lang is None:
        target = config.content_dir / lang / f"{slug}.md"
        meta = {"title": WRITE_TITLE.format(slug.rpartition("/")[2]), "draft": True}
        text = front_matter(meta) + "\n" + WRITE_BODY + "\n"
    else:
        source = group[source_lang]
        target = translation_path(config, source, lang)
        body = read_body_or_report(source, problems)
        problems.raise_if_errors()
        text = translation_text(source, body, source.content_hash if source is site.original(slug) else recorded_hash(source))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except FileExistsError:
        problems.error(target, 0, "the file already exists", "babelsite new never overwrites a file; edit it instead")
    except OSError as exc:
        problems.error(target, 0, f"cannot write the file: {exc.strerror}", "check the folder's permissions")
    problems.raise_if_errors()
    return target


def translation_path(config: SiteConfig, source: Article, lang: str) -> Path:
    """Return where the `lang` translation of `source` goes: the same folders under content/<lang>/, or beside it."""
    relative = source.path.relative_to(config.content_dir)
    if len(relative.parts) > 1 and relative.parts[0] in config.language_codes:
        return config.content_dir / lang / relative.parent.relative_to(relative.parts[0]) / source.path.name
    stem = source.path.stem.removesuffix(f".{source.lang}")
    return source.path.parent / f"{stem}.{lang}.md"


def translation_text(source: Article, body: str, translated_from: str | None) -> str:
    """Return a translation to do: the same category, sources and related, the text marked for translating."""
    meta: dict[str, Any] = {"title": TRANSLATE_TITLE.format(source.title)}
    if source.category is not None:
        meta["category"] = source.category
    if source.description:
        meta["description"] = TRANSLATE_TITLE.format(source.description)
    if source.sources:
        meta["sources"] = [{"text": s.text, "url": s.url} for s in source.sources]
    if source.related:
        meta["related"] = [ref.target for ref in source.related]
    if translated_from is not None:
        meta["translated_from"] = translated_from
    meta["draft"] = True
    return front_matter(meta) + "\n" + TRANSLATE_BODY + "\n\n" + body.strip("\n") + "\n"


def front_matter(meta: dict[str, Any]) -> str:
    """Return YAML front matter between '---' lines, keys in the given order."""
    yaml_text = yaml.dump(meta, Dumper=FrontMatterDumper, allow_unicode=True, sort_keys=False, width=10**6)
    return f"---\n{yaml_text}---\n"
