"""Validate each file's front matter into an Article and group articles by key."""

from __future__ import annotations

import datetime
import difflib
import hashlib
import json
import os
import re
import sys
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..config import SiteConfig
from ..errors import ERROR, Collector, Diagnostic, did_you_mean
from .frontmatter import FrontMatterError, ParsedFile, as_written, decode, kind_of, parse_file, split_text
from ..locale import canonical_language_code, collation_key, remember_collation_keys
from ..model import Article, Corpus, RelatedRef, Source, SourceFile
from ..parallel import map_in_processes
from .sources import is_utf8
from .unfinished import unfinished_marks

KNOWN_KEYS = {
    "title", "category", "sources", "related", "description", "date", "updated",
    "draft", "weight", "aliases", "slug", "lang", "translation_key",
}
# Every key babelsite reads; translated_from is left in `extra` too, for translation status.
READ_KEYS = KNOWN_KEYS | {"translated_from", "translated_from_commit", "default_lang_commit", "extra"}  # the last two: babelsite diff
# Keys other generators' documentation trees carry (Hugo, Jekyll and Just the Docs, MkDocs Material,
# Docusaurus, Nextra): accepted without a warning and passed to templates in `page.extra`.
GENERATOR_KEYS = frozenset({
    "author", "authors", "build", "cascade", "categories", "comments", "custom_edit_url",
    "excerpt", "expirydate", "grand_parent", "has_children", "has_toc", "headless", "hide", "hide_table_of_contents",
    "hide_title", "icon", "id", "image", "images", "keywords", "layout", "linktitle", "markup", "menu", "nav_exclude",
    "nav_order", "outputs", "pagination_label", "params", "parent", "permalink", "publishdate", "published",
    "resources", "search", "series", "sidebar_class_name", "sidebar_label", "sidebar_position", "sidebartitle",
    "sitemap", "status", "subtitle", "summary", "tags", "template", "toc", "type", "url",
})
SOURCE_KEYS = ("text", "url")  # the keys of an entry of `sources`
# Other generators' names for keys babelsite reads under its own name: kept, they would be lost in silence.
OTHER_NAMES = {"lastmod": "updated", "last_modified_at": "updated", "translationkey": "translation_key",
               "redirect_from": "aliases"}
# An ATX level-1 heading, its closing #s and a trailing `{#id}` left out of the title.
FIRST_HEADING = re.compile(r"^ {0,3}#[ \t]+(.*?)(?:[ \t]+#+)?(?:[ \t]*\{[^}]*\})?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
# A slug is one URL path segment: no separators, no characters that need escaping in a path.
INVALID_SLUG = re.compile(r"[\s/\\?#%\"'<>|*:\x00-\x1f\x7f]")
URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
NO_EXTRA: Mapping[str, Any] = MappingProxyType({})  # shared by the many articles without extra keys
READ_SIZE = 1 << 16  # bytes asked for at each read: most Markdown files come whole in one
CANONICAL_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))  # made once, not per file
# Browsers drop these from URLs, so `java\tscript:` would run as `javascript:`.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def load_corpus(
    config: SiteConfig, files: tuple[SourceFile, ...], problems: Collector, drafts: bool = False, jobs: int = 1
) -> Corpus:
    """Read and validate every file in `jobs` processes, then group the articles by key and language."""

    def load_one(source: SourceFile) -> tuple[Article | None, list[Diagnostic], bytes | None]:
        found = Collector(problems.site_dir)
        article = load_article(config, source, found)
        # The title's collation key, which listings sort by, is computed here to use every core.
        return article, found.items, collation_key(article.title, article.lang) if article is not None else None

    articles = []
    for source, (article, found, key) in zip(files, map_in_processes(load_one, files, jobs, chunk_size=256)):
        problems.extend(found)
        if key is not None:
            remember_collation_keys({(article.lang, article.title): key})
        if article is not None and (drafts or not article.draft):
            articles.append(article if article.path is source.path else with_shared_values(article, source))
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


def with_shared_values(article: Article, source: SourceFile) -> Article:
    """Return an article unpickled from a worker with what it repeats shared, not its own copies.

    Its file's Path and names are those discovery found; its language, category, dates and
    folder, which many articles have, are one string each (the copies took 3.5 MB at 10,000 pages).
    """
    return replace(article, path=source.path, display_path=source.display_path,
                   key=source.key if article.key == source.key else article.key,
                   slug=source.stem if article.slug == source.stem else article.slug,
                   lang=sys.intern(article.lang), folder=sys.intern(article.folder),
                   category=sys.intern(article.category) if article.category is not None else None,
                   date=sys.intern(article.date), updated=sys.intern(article.updated),
                   extra=article.extra or NO_EXTRA)


def load_article(config: SiteConfig, source: SourceFile, problems: Collector) -> Article | None:
    """Parse one file into an Article, recording its problems; None when it is unusable."""
    try:
        parsed = parse_file(read_file(source.path))
    except FrontMatterError as exc:
        problems.error(source.path, exc.line, exc.message, exc.hint, code=exc.code)
        return None
    except OSError as exc:
        problems.error(source.path, 0, f"cannot read the file: {exc.strerror}",
                       "check that it still exists and that you may read it, then build again", code="unreadable-file")
        return None
    return validate(config, source, parsed, problems)


def read_file(path: Path) -> bytes:
    """Return a file's bytes; each file is read twice a build (loading, Markdown), here in half the time of Path.read_bytes.

    Path.read_bytes makes a buffered file object, asks for the file's size and reads until the end;
    reading the descriptor until the end is all a Markdown file needs.
    """
    descriptor = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(descriptor, READ_SIZE):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


def validate(config: SiteConfig, source: SourceFile, parsed: ParsedFile, problems: Collector) -> Article | None:
    """Check front matter fields and build the Article; None when it has errors."""
    meta, lines = parsed.metadata, parsed.lines
    before = len(problems.items)

    def line(*key: Any) -> int:
        return (lines.get(key) or lines.get(key[:1]) or 1) if key else 1

    def error(key: tuple, message: str, hint: str = "", code: str = "front-matter-field") -> None:
        problems.error(source.path, line(*key), message, hint, code=code)

    def wrong_kind(key: str, expected: str, hint: str = "") -> None:
        value = meta[key]
        error((key,), f"{key} must be {expected}, not {kind_of(value)}: {as_written(value)}", hint)

    def unknown_key(key: tuple, message: str, hint: str) -> None:
        problems.warning(source.path, line(*key), message, hint, code="unknown-front-matter-key")

    check_unknown_keys(config, meta, unknown_key)

    # With the default language at the root, its files may sit at the top of content/ too.
    lang = meta.get("lang", source.lang or (config.default_language if config.default_language_at_root else None))
    if lang is None:
        error((), "cannot tell the language of this file", code="unknown-language", hint=
              f"put it under content/<lang>/, name it {source.stem}.<lang>.md, or add lang: to the front matter")
    elif not isinstance(lang, str) or lang not in config.language_codes:
        where, said_by = (("lang",), "lang:") if "lang" in meta else ((), "the file's path")
        code = canonical_language_code(lang) if isinstance(lang, str) else None
        fix = f"write lang: {code}" if "lang" in meta else f"rename it to {code} in the file's path"
        hint = (f"did you mean '{code}'? {fix}" if code in config.language_codes else
                f"use one of {', '.join(config.language_codes)}, or add [languages.{code or lang}] to site.toml")
        error(where, f"language '{lang}' from {said_by} is not in site.toml", hint, code="unknown-language")

    if not is_utf8(str(source.path)) and not is_utf8(str(source.path.relative_to(config.content_dir))):
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
        wrong_kind("title", "text", "put it in quotes")

    category = meta.get("category")
    if category is not None and not is_text(category):
        wrong_kind("category", "text", "an article has one category, e.g. category: System Anatomy")
    elif category is not None and not str(category).strip():
        error(("category",), "category is empty", "write the category's name, or remove category:")
    translated_from = meta.get("translated_from")
    if translated_from is not None and not is_text(translated_from):
        error(("translated_from",), "translated_from must be the hash of the original it was translated from",
              "babelsite status --format json gives each original's hash; e.g. translated_from: \"1a2b3c4d5e6f\"")

    sources = validate_sources(meta.get("sources"), line, error, wrong_kind, unknown_key)
    related = validate_related(meta.get("related"), line, error, wrong_kind)
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
        wrong_kind("weight", "a whole number", "lower weights come first, e.g. weight: 10")
    draft = meta.get("draft", False)
    if not isinstance(draft, bool):
        wrong_kind("draft", "true or false")
    elif not draft:
        for mark_line, mark in unfinished_marks(meta, source.stem, parsed.body, parsed.body_offset, line):
            problems.error(source.path, mark_line, f"'{mark}' is a mark babelsite new left to replace, "
                           "and the page is not a draft", "finish the text and remove the mark, or keep "
                           "draft: true until it is done", code="unfinished")
    for key in ("description", "date", "updated"):
        if key in meta and not isinstance(meta[key], (str, int, float, datetime.date)):
            wrong_kind(key, "text or a date")
    extra = meta.get("extra", {})
    if not isinstance(extra, dict):
        wrong_kind("extra", "a mapping", "write the keys your templates read under it, e.g. extra: {hero: wide}")
        extra = {}

    extra = {**extra, **{k: v for k, v in meta.items() if k not in KNOWN_KEYS and k != "extra"}}
    key = meta.get("translation_key", source.key)
    if not isinstance(key, str) or key.startswith("/") or ".." in key.split("/"):
        error(("translation_key",), "translation_key must be a page key such as guide/install",
              "use the path under the language folder of the page it translates, without .md")

    if any(problem.severity == ERROR for problem in problems.items[before:]):
        return None
    title, description = str(title).strip(), str(meta.get("description") or "")
    category = str(category).strip() if category is not None else None
    return Article(
        path=source.path,
        display_path=source.display_path,
        lang=lang,
        key=key.strip("/"),
        slug=slug,
        title=title,
        category=category,
        description=description,
        date=text_of(meta.get("date")),
        updated=text_of(meta.get("updated")),
        draft=draft,
        weight=weight,
        aliases=tuple(aliases),
        sources=sources,
        related=related,
        extra=MappingProxyType(extra) if extra else NO_EXTRA,
        body_digest=body_digest(body),
        content_hash=content_hash(title, category, description, sources, related, body),
        body_offset=parsed.body_offset,
        title_line=title_line or line("title"),
        folder=source.folder,
        is_index=source.is_index,
    )


def body_digest(body: str) -> bytes:
    """Return the digest by which a body read again is known to be the one loaded."""
    return hashlib.blake2b(body.encode("utf-8"), digest_size=16).digest()


def content_hash(title: str, category: str | None, description: str, sources: tuple[Source, ...],
                 related: tuple[RelatedRef, ...], body: str) -> str:
    """Return a short hash of what a translation translates: the text and its front matter, not YAML style."""
    canonical = {
        "title": title,
        "category": category,
        "description": description,
        "sources": [{"text": source.text, "url": source.url} for source in sources],
        "related": [ref.target for ref in related],
        "body": body.strip("\n"),
    }
    return hashlib.sha256(CANONICAL_JSON.encode(canonical).encode("utf-8")).hexdigest()[:12]


class ChangedFile(Exception):
    """An article's file no longer holds the body it was loaded with, or cannot be read any more."""


def read_body(article: Article) -> str:
    """Return an article's Markdown body, read again from its file; ChangedFile when the file changed since it was loaded."""
    try:
        body = split_text(decode(read_file(article.path)))[2]
    except (OSError, FrontMatterError):
        raise ChangedFile(article.path) from None
    if article.title_line > article.body_offset:  # the title is the body's first heading, left out of it
        body = title_from_heading(body, article.body_offset)[1]
    if body_digest(body) != article.body_digest:
        raise ChangedFile(article.path)
    return body


def read_body_or_report(article: Article, problems: Collector) -> str | None:
    """Return an article's body read again from its file; None, with an error, when the file changed since it was loaded."""
    try:
        return read_body(article)
    except ChangedFile:
        problems.error(article.path, 0, "the file changed while babelsite was building", "build again",
                       code="changed-file")
        return None


def check_unknown_keys(config: SiteConfig, meta: dict, warn) -> None:
    """Warn at each top-level key that babelsite, the site's templates and other generators do not read."""
    for key in meta:
        name = str(key)
        if name in READ_KEYS or name in GENERATOR_KEYS or name in config.front_matter_extra:
            continue
        if name in OTHER_NAMES:
            warn((key,), f"babelsite does not read '{name}'",
                 f"it reads '{OTHER_NAMES[name]}' for the same thing: rename the key")
            continue
        hint = did_you_mean(name, READ_KEYS - {"extra"} | GENERATOR_KEYS | config.front_matter_extra) or (
            f"if your templates read it, declare it in site.toml ([front_matter] extra = [\"{name}\"]) "
            "or move it under extra:")
        warn((key,), f"unknown front matter key '{name}'", hint)


def misspelling_of(key: str, extra: Mapping[str, Any]) -> str | None:
    """Return the key among those babelsite did not read that is most likely `key` misspelled, or None."""
    unread = [name for name in extra if isinstance(name, str) and name not in READ_KEYS and name not in GENERATOR_KEYS]
    return next((name for name in unread
                 if difflib.get_close_matches(name, READ_KEYS, n=1, cutoff=0.5) == [key]), None)


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


def validate_sources(value: Any, line, error, wrong_kind, unknown_key) -> tuple[Source, ...]:
    """Check `sources` is a list of {text, url} with safe URLs."""
    if value is None:
        return ()
    if not isinstance(value, list):
        wrong_kind("sources", "a list of {text, url} entries", "write each source as '- text: ...' with 'url: ...' below it")
        return ()
    sources = []
    for index, entry in enumerate(value):
        number = index + 1
        if not isinstance(entry, dict):
            error(("sources", index), f"source {number} must have text: and url:")
            continue
        for key in entry:
            if key not in SOURCE_KEYS:
                unknown_key(("sources", index, key), f"source {number} has an unknown key '{key}'",
                            did_you_mean(str(key), SOURCE_KEYS) or "a source has text: and url:")
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


def validate_related(value: Any, line, error, wrong_kind) -> tuple[RelatedRef, ...]:
    """Check `related` is a list of page references (keys, bare stems or relative paths)."""
    if value is None:
        return ()
    if not isinstance(value, list):
        wrong_kind("related", "a list of pages", "e.g. related: [vae, guide/unet]")
        return ()
    wrong = [index for index, item in enumerate(value) if not isinstance(item, str) or not item]
    if wrong:
        error(("related", wrong[0]), f"related item {wrong[0] + 1} is not a page", "e.g. related: [vae, guide/unet]")
        return ()
    return tuple(RelatedRef(slug, line("related", index)) for index, slug in enumerate(value))
