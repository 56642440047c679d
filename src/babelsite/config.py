"""Read `site.toml` into a frozen SiteConfig, reporting every problem with its line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping
from urllib.parse import urlsplit

from .errors import Collector, SiteError, did_you_mean
from .i18n import describe_language

TOP_KEYS = {
    "title": str,
    "base_url": str,
    "default_language": str,
    "content_dir": str,
    "output_dir": str,
    "permalink": str,
    "default_language_at_root": bool,
    "fallback": str,
    "markdown": dict,
    "languages": dict,
    "i18n": dict,
}
MARKDOWN_KEYS = {"html": bool}
LANGUAGE_KEYS = {"name": str, "title": str}
FALLBACK_MODES = ("omit", "notice")
PERMALINK_TOKENS = {"lang", "slug", "category"}


@dataclass(frozen=True)
class Language:
    """A language of the site, in the order site.toml lists it."""

    code: str
    name: str
    title: str
    direction: str


@dataclass(frozen=True)
class SiteConfig:
    """Everything `site.toml` says, with paths made absolute."""

    site_dir: Path
    config_path: Path
    title: str
    base_url: str
    default_language: str
    content_dir: Path
    output_dir: Path
    permalink: str
    default_language_at_root: bool
    fallback: str
    markdown_html: bool
    languages: tuple[Language, ...]
    i18n: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def language_codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    def language(self, code: str) -> Language:
        """Return the configured language with this code."""
        return next(language for language in self.languages if language.code == code)


def find_key_line(text: str, table: tuple[str, ...], key: str) -> int:
    """Return the line of `key` inside `[table]` in TOML source, or 0 when not found."""
    current: tuple[str, ...] = ()
    header = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$")
    for number, line in enumerate(text.splitlines(), start=1):
        match = header.match(line)
        if match:
            current = tuple(part.strip().strip('"\'') for part in match.group(1).split("."))
            if current == table + (key,):
                return number
            continue
        if current == table:
            name = line.split("=", 1)[0].strip().strip('"\'')
            if "=" in line and name == key:
                return number
    return 0


def load_config(
    site_dir: Path, config_path: Path | None = None, base_url: str | None = None
) -> SiteConfig:
    """Read and validate site.toml; raise SiteError listing every problem in it."""
    site_dir = site_dir.resolve()
    config_path = (config_path or site_dir / "site.toml").resolve()
    problems = Collector(site_dir)
    try:
        text = config_path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        problems.error(config_path, 0, "no site.toml here", "run babelsite in a site folder or pass --config")
        raise SiteError(problems.items)
    except UnicodeDecodeError as exc:
        problems.error(config_path, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        raise SiteError(problems.items)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 1
        problems.error(config_path, line, f"TOML syntax error: {exc}", "fix the syntax of site.toml")
        raise SiteError(problems.items)

    def check_keys(table: Mapping[str, Any], allowed: Mapping[str, type], where: tuple[str, ...]) -> None:
        for key, value in table.items():
            line = find_key_line(text, where, key)
            if key not in allowed:
                hint = did_you_mean(key, allowed) or "valid keys: " + ", ".join(sorted(allowed))
                problems.error(config_path, line, f"unknown key '{'.'.join(where + (key,))}'", hint)
            elif not isinstance(value, allowed[key]):
                problems.error(
                    config_path, line,
                    f"'{'.'.join(where + (key,))}' must be a {allowed[key].__name__}",
                )

    check_keys(data, TOP_KEYS, ())
    check_keys(data.get("markdown", {}), MARKDOWN_KEYS, ("markdown",))

    def line_of(*path: str) -> int:
        return find_key_line(text, path[:-1], path[-1])

    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.error(config_path, line_of("title") or 1, "'title' is required", 'add title = "My site"')

    languages_table = data.get("languages")
    languages: list[Language] = []
    if not isinstance(languages_table, dict) or not languages_table:
        problems.error(
            config_path, line_of("languages") or 1, "no [languages] table",
            "add one table per language, e.g. [languages.en]",
        )
        languages_table = {}
    for code, options in languages_table.items():
        line = line_of("languages", code)
        if not isinstance(options, dict):
            problems.error(config_path, line, f"languages.{code} must be a table")
            continue
        check_keys(options, LANGUAGE_KEYS, ("languages", code))
        described = describe_language(code)
        if described is None:
            problems.error(
                config_path, line, f"'{code}' is not a valid BCP 47 language code",
                "use codes such as en, pt-BR or zh-Hans",
            )
            continue
        native_name, direction = described
        languages.append(
            Language(
                code=code,
                name=str(options.get("name") or native_name),
                title=str(options.get("title") or title or ""),
                direction=direction,
            )
        )
    codes = [language.code for language in languages]

    default_language = data.get("default_language")
    if not isinstance(default_language, str):
        problems.error(
            config_path, line_of("default_language") or 1, "'default_language' is required",
            f"add default_language = \"{codes[0] if codes else 'en'}\"",
        )
    elif codes and default_language not in languages_table:
        problems.error(
            config_path, line_of("default_language"),
            f"default_language '{default_language}' is not in [languages]",
            did_you_mean(default_language, codes) or "add a [languages." + default_language + "] table",
        )

    i18n = data.get("i18n", {})
    for code, strings in i18n.items():
        line = line_of("i18n", code)
        if code not in languages_table:
            problems.error(
                config_path, line, f"[i18n.{code}] names a language not in [languages]",
                did_you_mean(code, codes),
            )
        elif not isinstance(strings, dict) or not all(isinstance(v, str) for v in strings.values()):
            problems.error(config_path, line, f"[i18n.{code}] must map strings to strings")

    fallback = data.get("fallback", "omit")
    if fallback not in FALLBACK_MODES:
        problems.error(
            config_path, line_of("fallback"), f"fallback must be \"omit\" or \"notice\", not {fallback!r}"
        )

    permalink = data.get("permalink", "/{lang}/{slug}/")
    check_permalink(permalink, problems, config_path, line_of("permalink"))

    raw_base_url = base_url if base_url is not None else data.get("base_url", "/")
    base_url_value = normalise_base_url(raw_base_url)
    if base_url_value is None:
        where = (0 if base_url is not None else line_of("base_url"))
        problems.error(
            config_path, where, f"base_url {raw_base_url!r} is not a path or an http(s) URL",
            'use "/", "/docs/" or "https://example.org/docs/"',
        )

    content_dir = site_dir / data.get("content_dir", "content")
    output_dir = site_dir / data.get("output_dir", "public")
    problems.raise_if_errors()
    return SiteConfig(
        site_dir=site_dir,
        config_path=config_path,
        title=title,
        base_url=base_url_value,
        default_language=default_language,
        content_dir=content_dir,
        output_dir=output_dir,
        permalink=permalink,
        default_language_at_root=bool(data.get("default_language_at_root", False)),
        fallback=fallback,
        markdown_html=bool(data.get("markdown", {}).get("html", False)),
        languages=tuple(languages),
        i18n=MappingProxyType({code: MappingProxyType(dict(v)) for code, v in i18n.items()}),
    )


def check_permalink(permalink: str, problems: Collector, path: Path, line: int) -> None:
    """Report a permalink pattern that cannot give every page its own URL."""
    tokens = set(re.findall(r"\{([^}]*)\}", permalink))
    unknown = tokens - PERMALINK_TOKENS
    if unknown:
        problems.error(
            path, line, f"permalink has unknown token {{{sorted(unknown)[0]}}}",
            "use {lang}, {slug} and {category}",
        )
    if "slug" not in tokens:
        problems.error(path, line, "permalink must contain {slug}", 'e.g. permalink = "/{lang}/{slug}/"')
    if "lang" not in tokens:
        problems.error(
            path, line, "permalink must contain {lang}", "translations of one slug would share a URL"
        )
    if not permalink.startswith("/") or not (permalink.endswith("/") or permalink.endswith(".html")):
        problems.error(
            path, line, "permalink must start with '/' and end with '/' or '.html'",
            'e.g. "/{lang}/{slug}/" or "/{lang}/{slug}.html"',
        )
    if ".." in permalink.split("/"):
        problems.error(path, line, "permalink must not contain '..'")


def normalise_base_url(value: Any) -> str | None:
    """Return base_url ending in '/', or None when it is neither a path nor an http(s) URL."""
    if not isinstance(value, str) or not value:
        return None
    parts = urlsplit(value)
    if parts.scheme:
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None
    elif not value.startswith("/") or parts.netloc:
        return None
    return value if value.endswith("/") else value + "/"
