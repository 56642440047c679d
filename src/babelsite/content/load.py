"""Validate each file's front matter into an Article and group articles by key."""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from ..config import SiteConfig
from ..errors import Collector, Diagnostic
from .frontmatter import FrontMatterError, ParsedFile, parse_file
from ..locale import collation_key, remember_collation_keys
from ..model import Article, Corpus, RelatedRef, Source, SourceFile
from ..parallel import map_in_processes
from .sources import is_utf8
from .unfinished import unfinished_marks

KNOWN_KEYS = {
    "title", "category", "sources", "related", "description", "date", "updated",
    "draft", "weight", "aliases", "slug", "lang", "translation_key",
}
# An ATX level-1 heading, its closing #s and a trailing `{#id}` left out of the title.
FIRST_HEADING = re.compile(r"^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?(?:[ \t]*\{[^}]*\})?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A slug is one URL path segment: no separators, no characters that need escaping in a path.
INVALID_SLUG = re.compile(r"[\s/\\?#%\"'<>|*:\x00-\x1f\x7f]")
URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
# Browsers drop these from URLs, so `java\tscript:` would run as `javascript:`.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def load_corpus(
    config: SiteConfig, files: tuple[SourceFile, ...], problems: Collector, drafts: bool = False, jobs: int = 1
) -> Corpus:
    """Read and validate every file in `jobs` processes, then group the articles by key and language."""

    def load_one(source: SourceFile) -> tuple[Article | None, list[Diagnostic], tuple[int, ...] | None]:
        found = Collector(problems.site_dir)
        article = load_article(config, source, found)
        # The title's collation key, which listings sort by, is computed here to use every core.
        return article, found.items, collation_key(article.title) if article is not None else None

    articles = []
    for source, (article, found, key) in zip(files, map_in_processes(load_one, files, jobs, chunk_size=256)):
        problems.extend(found)
        if key is not None:
            remember_collation_keys({article.title: key})
        if article is not None and (drafts or not article.draft):
            # One Path object per file, not a copy from each worker: the build cache stores it once.
            articles.append(article if article.path is source.path else replace(article, path=source.path))
    groups: dict[str, dict[str, Article]] = {}
    for article in articles:
        group = groups.setdefault(article.key, {})
        if article.lang in group:
            first = group[article.lang]
            problems.error(
                article.path, article.title_line,
                f"page '{article.key or '/'}' in language '{article.lang}' is also defined by {first.display_path}",
                "keep one of the two files, or set translation_key: in one of them", code="duplicate-key")
            continue
        group[article.lang] = article
    order = {code: index for index, code in enumerate(config.language_codes)}
    return Corpus(MappingProxyType({
        key: MappingProxyType(dict(sorted(groups[key].items(), key=lambda item: order[item[0]])))
        for key in sorted(groups)
    }))


def load_article(config: SiteConfig, source: SourceFile, problems: Collector) -> Article | None:
    """Parse one file into an Article, recording its problems; None when it is unusable."""
    try:
        parsed = parse_file(source.path.read_bytes())
    except FrontMatterError as exc:
        problems.error(source.path, exc.line, exc.message, exc.hint, code=exc.code)
        return None
    except OSError as exc:
        problems.error(source.path, 0, f"cannot read the file: {exc.strerror}",
                       "check that it still exists and that you may read it, then build again", code="unreadable-file")
        return None
    return validate(config, source, parsed, problems)


def validate(config: SiteConfig, source: SourceFile, parsed: ParsedFile, problems: Collector) -> Article | None:
    """Check front matter fields and build the Article; None when it has errors."""
    meta, lines = parsed.metadata, parsed.lines
    before = len(problems.items)

    def line(*key: Any) -> int:
        return (lines.get(key) or lines.get(key[:1]) or 1) if key else 1

    def error(key: tuple, message: str, hint: str = "", code: str = "front-matter-field") -> None:
        problems.error(source.path, line(*key), message, hint, code=code)

    # With the default language at the root, its files may sit at the top of content/ too.
    lang = meta.get("lang", source.lang or (config.default_language if config.default_language_at_root else None))
    if lang is None:
        error((), "cannot tell the language of this file", code="unknown-language", hint=
              f"put it under content/<lang>/, name it {source.stem}.<lang>.md, or add lang: to the front matter")
    elif not isinstance(lang, str) or lang not in config.language_codes:
        where, said_by = (("lang",), "lang:") if "lang" in meta else ((), "the file's path")
        error(where, f"language '{lang}' from {said_by} is not in site.toml",
              f"use one of {', '.join(config.language_codes)}, or add [languages.{lang}] to site.toml",
              code="unknown-language")

    if not is_utf8(str(source.path.relative_to(config.content_dir))):
        # Discovery leaves such a file out (sources.usable); a cached build meets it among its changes.
        error((), "the path is not valid UTF-8", "rename it using UTF-8 characters", code="file-name")

    slug = meta.get("slug", source.stem)
    where = ("slug",) if "slug" in meta else ()
    if not source.key and "slug" not in meta:
        pass  # the language's own index page: its URL is the language's home
    elif not isinstance(slug, str):
        error(where, "slug must be text", "put it in quotes")
    elif not slug or slug in (".", "..") or slug.startswith(".") or INVALID_SLUG.search(slug):
        error(where, f"slug {slug!r} cannot be a URL path segment",
              "use letters, digits, '-' and '_' (no '/', spaces or '..')", code="invalid-slug")

    title, body, title_line = meta.get("title"), parsed.body, None
    if "title" not in meta:
        title, body, title_line = title_from_heading(parsed.body, parsed.body_offset)
    if title is None:
        error((), "missing title", "add title: to the front matter, or start the text with a '# Title' heading")
    elif title is None or (isinstance(title, str) and not title.strip()):
        error(("title",), "title is empty", "write the article's title after title:")
    elif not is_text(title):
        error(("title",), "title must be text", "put it in quotes")

    category = meta.get("category")
    if category is not None and not is_text(category):
        error(("category",), "category must be text", "put it in quotes")
    elif category is not None and not str(category).strip():
        error(("category",), "category is empty", "write the category's name, or remove category:")
    translated_from = meta.get("translated_from")
    if translated_from is not None and not is_text(translated_from):
        error(("translated_from",), "translated_from must be the hash of the original it was translated from",
              "babelsite status --format json gives each original's hash; e.g. translated_from: \"1a2b3c4d5e6f\"")

    sources = validate_sources(meta.get("sources"), line, error)
    related = validate_related(meta.get("related"), line, error)
    aliases = meta.get("aliases", [])
    if isinstance(aliases, str):
        aliases = [aliases]
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        error(("aliases",), "aliases must be a list of paths", 'e.g. aliases: ["/old/path/"]')
        aliases = []
    for alias in aliases:
        if any(INVALID_SLUG.search(part) for part in alias.strip("/").split("/")):
            error(("aliases",), f"alias {alias!r} cannot be a URL path",
                  "use letters, digits, '-', '_', '.' and '/' (no spaces, '?', '#' or '%')", code="invalid-alias")
    weight = meta.get("weight", 0)
    if isinstance(weight, bool) or not isinstance(weight, int):
        error(("weight",), "weight must be a whole number")
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        error(("draft",), "draft must be true or false")
    elif not draft:
        for mark_line, mark in unfinished_marks(meta, source.stem, parsed.body, parsed.body_offset, line):
            problems.error(source.path, mark_line, f"'{mark}' is a mark babelsite new left to replace, "
                           "and the page is not a draft", "finish the text and remove the mark, or keep "
                           "draft: true until it is done", code="unfinished")
    for key in ("description", "date", "updated"):
        if key in meta and not isinstance(meta[key], (str, int, float, datetime.date)):
            error((key,), f"{key} must be text or a date")

    key = meta.get("translation_key", source.key)
    if not isinstance(key, str) or key.startswith("/") or ".." in key.split("/"):
        error(("translation_key",), "translation_key must be a page key such as guide/install",
              "use the path under the language folder of the page it translates, without .md")

    if len(problems.items) > before:
        return None
    return Article(
        path=source.path,
        display_path=source.display_path,
        lang=lang,
        key=key.strip("/"),
        slug=slug,
        title=str(title).strip(),
        category=str(category).strip() if category is not None else None,
        description=str(meta.get("description") or ""),
        date=text_of(meta.get("date")),
        updated=text_of(meta.get("updated")),
        draft=draft,
        weight=weight,
        aliases=tuple(aliases),
        sources=sources,
        related=related,
        extra=MappingProxyType({k: v for k, v in meta.items() if k not in KNOWN_KEYS}),
        body=body,
        body_offset=parsed.body_offset,
        title_line=title_line or line("title"),
        folder=source.folder,
        is_index=source.is_index,
    )


def title_from_heading(body: str, body_offset: int) -> tuple[str | None, str, int | None]:
    """Return the first `# ` heading's text, the body without that heading, and its file line; None when there is none."""
    lines = body.split("\n")
    fence = ""
    for number, text in enumerate(lines):
        opening = FENCE.match(text)
        if opening and (not fence or opening.group(1).startswith(fence)):
            fence = "" if fence else opening.group(1)[0] * 3
            continue
        heading = None if fence else FIRST_HEADING.match(text)
        if heading and heading.group(1).strip():
            lines[number] = ""  # kept as an empty line, so that body lines stay file lines
            return heading.group(1).strip(), "\n".join(lines), body_offset + number + 1
    return None, body, None


def is_text(value: Any) -> bool:
    """Tell whether a front matter value reads as text (a string or a number, not true/false)."""
    return isinstance(value, (str, int, float)) and not isinstance(value, bool)


def text_of(value: Any) -> str:
    """Return a date or text field as ISO text ('' when absent)."""
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return "" if value is None else str(value)


def validate_sources(value: Any, line, error) -> tuple[Source, ...]:
    """Check `sources` is a list of {text, url} with safe URLs."""
    if value is None:
        return ()
    if not isinstance(value, list):
        error(("sources",), "sources must be a list of {text, url} entries",
              "write each source as '- text: ...' with 'url: ...' below it")
        return ()
    sources = []
    for index, entry in enumerate(value):
        number = index + 1
        if not isinstance(entry, dict):
            error(("sources", index), f"source {number} must have text: and url:")
            continue
        url, text = entry.get("url"), entry.get("text")
        if not isinstance(url, str) or not url.strip():
            error(("sources", index), f"source {number} has no url", "add url: https://...")
            continue
        url = url.strip()
        if CONTROL.search(url):
            error(("sources", index, "url"), f"source {number} has a control character in its url",
                  "remove tabs, line breaks and other invisible characters from it")
            continue
        scheme = URL_SCHEME.match(url)
        if scheme and scheme.group(1).lower() not in ("http", "https"):
            error(("sources", index, "url"), f"source {number} has a {scheme.group(1)}: URL",
                  "use an http(s) URL or a relative path")
            continue
        if text is not None and not is_text(text):
            error(("sources", index, "text"), f"source {number} text must be text", "put it in quotes")
            continue
        sources.append(Source(number, str(text).strip() if text is not None else url, url, line("sources", index)))
    return tuple(sources)


def validate_related(value: Any, line, error) -> tuple[RelatedRef, ...]:
    """Check `related` is a list of page references (keys, bare stems or relative paths)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        error(("related",), "related must be a list of pages", "e.g. related: [vae, guide/unet]")
        return ()
    wrong = [index for index, item in enumerate(value) if not isinstance(item, str) or not item]
    if wrong:
        error(("related", wrong[0]), f"related item {wrong[0] + 1} is not a page", "e.g. related: [vae, guide/unet]")
        return ()
    return tuple(RelatedRef(slug, line("related", index)) for index, slug in enumerate(value))
