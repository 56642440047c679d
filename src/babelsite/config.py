"""Read `site.toml` into a frozen SiteConfig, reporting every problem with its line."""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from .errors import ERROR, Collector, Diagnostic, SiteError, did_you_mean
from .locale import canonical_language_code, describe_language, i18n_lines, missing_strings, shipped_language

TOP_KEYS = {
    "title": str,
    "base_url": str,
    "default_language": str,
    "content_dir": str,
    "output_dir": str,
    "permalink": str,
    "default_language_at_root": bool,
    "fallback": str,
    "outdated_notice": bool,
    "status_page": bool,
    "redirect_files": list,
    "redirects": dict,
    "search": bool,
    "markdown": dict,
    "languages": dict,
    "i18n": dict,
    "allow_outside": list,
    "exclude": list,
    "front_matter": dict,
    "extra_dir": str,
    "last_updated": bool,
    "edit_url": str,
}
MARKDOWN_KEYS = {"html": bool}
FRONT_MATTER_KEYS = {"extra": list}
LANGUAGE_KEYS = {"name": str, "title": str}
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
FALLBACK_MODES = ("omit", "notice")
PERMALINK_TOKENS = {"lang", "path", "slug", "category"}
DEFAULT_PERMALINK = "/{lang}/{path}/"
EDIT_URL_TOKENS = {"path"}
REDIRECT_FILES = ("netlify", "nginx")  # host files the build can write, see hosts.py
# TOML keys as written: bare, "basic" or 'literal', joined by dots into dotted keys.
KEY_PART = re.compile(r"""([A-Za-z0-9_-]+)|"((?:[^"\\]|\\.)*)"|'([^']*)'""")
TABLE_HEADER = re.compile(r"^\s*\[\[?\s*(.+?)\s*\]\]?\s*(?:#.*)?$")
ASSIGNMENT = re.compile(rf"^\s*((?:{KEY_PART.pattern})(?:\s*\.\s*(?:{KEY_PART.pattern}))*)\s*=")
TYPE_NAMES = {  # what a value of each type is called in messages, and how to write one
    str: ("a string in quotes", 'e.g. {key} = "..."'),
    bool: ("true or false", "e.g. {key} = true"),
    list: ("a list", 'e.g. {key} = ["netlify"]'),
    dict: ("a table", "write it as a [{key}] table"),
}
EXAMPLES = {"allow_outside": 'e.g. allow_outside = ["../shared-images"]',
            "exclude": 'e.g. exclude = ["README.md", "**/drafts/**"]',
            "front_matter.extra": 'e.g. extra = ["hero"]',
            "edit_url": 'e.g. edit_url = "https://github.com/OWNER/REPO/edit/main/{path}"'}  # where the type's example misleads


@dataclass(frozen=True)
class Language:
    """A language of the site, in the order site.toml lists it."""

    code: str
    name: str
    title: str
    direction: str


@dataclass(frozen=True)
class Redirect:
    """An old URL from the [redirects] table and where it now leads, with its line in site.toml."""

    source: str  # a path from the site root, without the base path: "/old/path/"
    target: str  # a path from the site root, or an absolute http(s) URL
    line: int


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
    output_dir_line: int  # its line in site.toml; 0 when it is not set there
    permalink: str
    default_language_at_root: bool
    fallback: str
    markdown_html: bool
    languages: tuple[Language, ...]
    i18n: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    outdated_notice: bool = True  # outdated translations say so and link to the updated original
    status_page: bool = False  # the build also writes the translation status dashboard
    redirect_files: tuple[str, ...] = ()  # host files to write: "netlify" (_redirects), "nginx"
    redirects: tuple[Redirect, ...] = ()  # old URLs from [redirects], each with a redirect page
    search: bool = True  # the build indexes the site with Pagefind and pages show a search box
    allow_outside: tuple[Path, ...] = ()  # real folders outside the site that its files may link into
    exclude: tuple[str, ...] = ()  # globs, relative to the content folder, of files that are not pages
    front_matter_extra: frozenset[str] = frozenset()  # front matter keys the site's templates read, lower case
    extra_dir: str = "extra"  # the folder, from the site folder, whose files are published as they are at the root
    last_updated: bool = False  # pages show the date of their file's last git commit
    edit_url: str = ""  # a URL pattern with {path}, the file's path in its repository: an "Edit this page" link

    @property
    def language_codes(self) -> tuple[str, ...]:
        return tuple(language.code for language in self.languages)

    @property
    def extra_folder(self) -> Path:
        """The folder whose files are published as they are at the output root."""
        return self.site_dir / self.extra_dir

    def language(self, code: str) -> Language:
        """Return the configured language with this code."""
        return self.languages_by_code[code]

    @cached_property  # language() is asked several times for every page
    def languages_by_code(self) -> Mapping[str, Language]:
        """The configured languages by code."""
        return MappingProxyType({language.code: language for language in self.languages})


def split_key(dotted: str) -> tuple[str, ...]:
    """Split a TOML dotted key such as `languages."pt-BR".title` into its parts."""
    return tuple(next(part for part in match.groups() if part is not None) for match in KEY_PART.finditer(dotted))


def find_key_line(text: str, table: tuple[str, ...], key: str) -> int:
    """Return the line that defines `key` inside `table` in TOML source, else that of its nearest parent, else 0."""
    target = table + (key,)
    found: dict[tuple[str, ...], int] = {}
    current: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if header := TABLE_HEADER.match(line):
            current = split_key(header.group(1))
            path = current
        elif assignment := ASSIGNMENT.match(line):
            path = current + split_key(assignment.group(1))
        else:
            continue
        for depth in range(1, min(len(path), len(target)) + 1):
            if path[:depth] != target[:depth]:
                break
            found.setdefault(target[:depth], number)
    return next((found[target[:depth]] for depth in range(len(target), 0, -1) if target[:depth] in found), 0)


def load_config(
    site_dir: Path, config_path: Path | None = None, base_url: str | None = None
) -> SiteConfig:
    """Read and validate site.toml; raise SiteError listing every problem in it."""
    config, problems = read_config(site_dir, config_path, base_url)
    if any(problem.severity == ERROR for problem in problems):
        raise SiteError(problems)
    return config


def read_config(
    site_dir: Path, config_path: Path | None = None, base_url: str | None = None
) -> tuple[SiteConfig, tuple[Diagnostic, ...]]:
    """Read and validate site.toml, returning its problems with a config that stands in a default for each bad value.

    SiteError only when no build could start from it: no readable TOML, no language to build.
    """
    site_dir = site_dir.resolve()
    config_path = (config_path or site_dir / "site.toml").resolve()
    problems = Collector(site_dir)
    raw = read_site_toml(config_path, problems)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        problems.error(config_path, raw[: exc.start].count(b"\n") + 1,
                       f"not valid UTF-8 at byte {exc.start} ({exc.reason})", "save site.toml as UTF-8", code="config")
        raise SiteError(problems.items)
    data = parse_toml(text, config_path, problems)

    def check_keys(table: Mapping[str, Any], allowed: Mapping[str, type], where: tuple[str, ...]) -> None:
        for key, value in table.items():
            line = find_key_line(text, where, key)
            name = ".".join(where + (key,))
            if key not in allowed:
                hint = did_you_mean(key, allowed) or "valid keys: " + ", ".join(sorted(allowed))
                problems.error(config_path, line, f"unknown key '{name}'", hint, code="config")
            elif not isinstance(value, allowed[key]):
                kind, example = TYPE_NAMES[allowed[key]]
                problems.error(config_path, line, f"'{name}' must be {kind}",
                               EXAMPLES.get(name) or example.format(key=key), code="config")

    def setting(key: str, default: Any) -> Any:
        """Return a top-level value, or `default` when it is absent or of a type already reported."""
        value = data.get(key, default)
        return value if isinstance(value, TOP_KEYS[key]) else default

    def line_of(*path: str) -> int:
        return find_key_line(text, path[:-1], path[-1])

    check_keys(data, TOP_KEYS, ())
    markdown = setting("markdown", {})
    check_keys(markdown, MARKDOWN_KEYS, ("markdown",))

    title = setting("title", "")
    if "title" not in data or not str(data["title"]).strip():
        problems.error(config_path, line_of("title") or 1, "'title' is required", 'add title = "My site"', code="config")

    languages_table = setting("languages", {})
    languages: list[Language] = []
    if not data.get("languages"):
        problems.error(
            config_path, line_of("languages") or 1, "no [languages] table",
            "add one table per language, e.g. [languages.en]", code="config")
    for code, options in languages_table.items():
        line = line_of("languages", code)
        if not isinstance(options, dict):
            problems.error(config_path, line, f"languages.{code} must be a table", f"write it as [languages.{code}]", code="config")
            continue
        check_keys(options, LANGUAGE_KEYS, ("languages", code))
        described, canonical = describe_language(code), canonical_language_code(code)
        if canonical is not None and canonical != code:
            problems.error(config_path, line, f"'{code}' is not how BCP 47 writes this language code",
                           f"did you mean '{canonical}'? write [languages.{canonical}]", code="config")
            continue
        if described is None:
            problems.error(
                config_path, line, f"'{code}' is not a valid BCP 47 language code",
                "use codes such as en, pt-BR or zh-Hans", code="config")
            continue
        native_name, direction = described
        languages.append(
            Language(
                code=code,
                name=str(options.get("name") or native_name),
                title=str(options.get("title") or title),
                direction=direction,
            )
        )
    codes = [language.code for language in languages]

    default_language = setting("default_language", None)
    if "default_language" not in data:
        problems.error(
            config_path, 1, "'default_language' is required",
            f"add default_language = \"{codes[0] if codes else 'en'}\"", code="config")
    elif default_language is not None and codes and default_language not in languages_table:
        problems.error(
            config_path, line_of("default_language"),
            f"default_language '{default_language}' is not in [languages]",
            f"use one of {', '.join(codes)}, or add a [languages.{default_language}] table", code="config")

    i18n = {}
    for code, strings in setting("i18n", {}).items():
        line = line_of("i18n", code)
        if code not in languages_table:
            problems.error(
                config_path, line, f"[i18n.{code}] names a language not in [languages]",
                did_you_mean(code, codes), code="config")
        elif not isinstance(strings, dict) or not all(isinstance(v, str) or is_plural_map(v) for v in strings.values()):
            problems.error(config_path, line, f"[i18n.{code}] must map strings to strings",
                           'e.g. "Basics" = "Fondamenti"; a string with a count maps plural forms, '
                           'e.g. { one = "{count} articolo", other = "{count} articoli" }', code="config")
        else:
            i18n[code] = strings
    check_interface_strings(languages, default_language, i18n, problems, config_path, line_of)

    fallback = setting("fallback", "omit")
    if fallback not in FALLBACK_MODES:
        problems.error(
            config_path, line_of("fallback"), f"fallback must be \"omit\" or \"notice\", not {fallback!r}",
            "omit leaves untranslated articles out; notice shows them with a note", code="config")
        fallback = "omit"

    permalink = setting("permalink", DEFAULT_PERMALINK)
    if not check_permalink(permalink, problems, config_path, line_of("permalink")):
        permalink = DEFAULT_PERMALINK

    raw_base_url = base_url if base_url is not None else setting("base_url", "/")
    base_url_value = normalise_base_url(raw_base_url)
    if base_url_value is None:
        problems.error(
            config_path, 0 if base_url is not None else line_of("base_url"),
            f"{'--base-url' if base_url is not None else 'base_url'} {raw_base_url!r} is not a path or an http(s) URL",
            'use "/", "/docs/" or "https://example.org/docs/"', code="config")
        base_url_value = "/"

    redirect_files = read_redirect_files(setting("redirect_files", []), problems, config_path, line_of("redirect_files"))
    redirects = read_redirects(setting("redirects", {}), problems, config_path, lambda key: line_of("redirects", key))
    allow_outside = read_allow_outside(site_dir, setting("allow_outside", []), problems, config_path,
                                       line_of("allow_outside"))
    exclude = setting("exclude", [])
    if not all(isinstance(pattern, str) and pattern for pattern in exclude):
        problems.error(config_path, line_of("exclude"), "exclude must be a list of file patterns in quotes",
                       EXAMPLES["exclude"], code="config")
        exclude = []
    front_matter = setting("front_matter", {})
    check_keys(front_matter, FRONT_MATTER_KEYS, ("front_matter",))
    front_matter_extra = front_matter.get("extra", []) if isinstance(front_matter.get("extra"), list) else []
    if not all(isinstance(key, str) and key for key in front_matter_extra):
        problems.error(config_path, line_of("front_matter", "extra"),
                       "front_matter.extra must be a list of front matter keys in quotes",
                       EXAMPLES["front_matter.extra"], code="config")
        front_matter_extra = []
    edit_url = setting("edit_url", "")
    check_edit_url(edit_url, problems, config_path, line_of("edit_url"))
    content_dir = site_dir / setting("content_dir", "content")
    output_dir = site_dir / setting("output_dir", "public")
    if not codes or default_language not in codes:
        problems.raise_if_errors()  # nothing can be built without the languages: stop here
    return SiteConfig(
        site_dir=site_dir,
        config_path=config_path,
        title=title,
        base_url=base_url_value,
        default_language=default_language,
        content_dir=content_dir,
        output_dir=output_dir,
        output_dir_line=line_of("output_dir"),
        permalink=permalink,
        default_language_at_root=setting("default_language_at_root", False),
        fallback=fallback,
        markdown_html=markdown.get("html", False),
        languages=tuple(languages),
        i18n=MappingProxyType({code: MappingProxyType(dict(v)) for code, v in i18n.items()}),
        outdated_notice=setting("outdated_notice", True),
        status_page=setting("status_page", False),
        redirect_files=redirect_files,
        redirects=redirects,
        search=setting("search", True),
        allow_outside=allow_outside,
        exclude=tuple(exclude),
        front_matter_extra=frozenset(key.lower() for key in front_matter_extra),
        extra_dir=setting("extra_dir", "extra"),
        last_updated=setting("last_updated", False),
        edit_url=edit_url,
    ), problems.sorted()


def find_site(site_dir: Path, config_path: Path | None = None) -> None:
    """Raise SiteError, with the message a build gives, when there is no site.toml to read."""
    read_site_toml((config_path or site_dir / "site.toml").resolve(), Collector(site_dir.resolve()))


def read_site_toml(config_path: Path, problems: Collector) -> bytes:
    """Return site.toml's bytes; raise SiteError when there is none, or it cannot be read."""
    try:
        if stat.S_IFMT(os.stat(config_path).st_mode) not in (stat.S_IFREG, stat.S_IFDIR):  # a pipe's read never ends
            raise OSError(errno.EINVAL, "it is a named pipe, socket or device, not a file")
        return config_path.read_bytes()
    except FileNotFoundError:
        problems.error(config_path, 0, "no site.toml here", "run babelsite in a site folder or pass --config", code="config")
    except OSError as exc:
        problems.error(config_path, 0, f"cannot read the site configuration: {exc.strerror or exc}",
                       "make it a readable TOML file, or pass --config", code="config")
    raise SiteError(problems.items)


def check_interface_strings(languages: list[Language], default_language: str | None,
                            tables: Mapping[str, Mapping[str, Any]], problems: Collector, config_path: Path,
                            line_of: Callable[..., int]) -> None:
    """Warn about each language whose pages would show interface strings in another language, with the lines to add."""
    names = {language.code: language.name for language in languages}
    default = default_language or "en"
    shown_instead = names.get(default, "English") if shipped_language(default) else "English"
    for code, name in names.items():
        missing = missing_strings(code, tables.get(code, {}))
        if not missing:
            continue
        lines = i18n_lines(code, default, tables, missing)
        if code in tables:
            problems.warning(
                config_path, line_of("i18n", code),
                f"the theme has no interface strings in {name} ({code}) and [i18n.{code}] lacks {len(missing)} "
                f"of them, so {code} pages show these in {shown_instead}",
                f"add these lines to [i18n.{code}], translated:\n{lines}", code="i18n-missing")
        else:
            problems.warning(
                config_path, line_of("languages", code),
                f"the theme has no interface strings in {name} ({code}) and site.toml has no [i18n.{code}] table, "
                f"so {code} pages show all {len(missing)} in {shown_instead}",
                f"add this table to site.toml, translated:\n[i18n.{code}]\n{lines}", code="i18n-missing")


def is_plural_map(value: Any) -> bool:
    """Tell whether an [i18n.xx] value is a string with a count: plural categories (one, few, other...) to strings."""
    return isinstance(value, dict) and "other" in value and all(
        key in PLURAL_CATEGORIES and isinstance(text, str) for key, text in value.items())


def parse_toml(text: str, path: Path, problems: Collector) -> dict[str, Any]:
    """Parse site.toml's text; raise SiteError saying where it is not TOML that can be read."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)|\(at end of document\)", str(exc))
        line = int(match.group(1)) if match and match.group(1) else max(len(text.splitlines()), 1)
        problems.error(path, line, f"TOML syntax error: {exc}", "fix the syntax of site.toml", code="config")
    except ValueError:  # tomllib reads integers with int(), which refuses too many digits
        digits = max(re.finditer(r"[0-9_]+", text), key=lambda match: len(match.group()), default=None)
        problems.error(path, text.count("\n", 0, digits.start()) + 1 if digits else 1,
                       f"an integer with more than {sys.get_int_max_str_digits()} digits",
                       "write a smaller number, or put it in quotes to make it a string", code="config")
    except RecursionError:
        problems.error(path, 1, "arrays or tables nested too deeply to read", "nest them less deeply",
                       code="config")
    raise SiteError(problems.items)


def read_allow_outside(site_dir: Path, values: list, problems: Collector, path: Path, line: int) -> tuple[Path, ...]:
    """Return the real paths of the folders outside the site that allow_outside names; report what names none."""
    folders = []
    for value in values:
        if not isinstance(value, str) or not value:
            problems.error(path, line, f"allow_outside has {value!r}, not a folder path in quotes",
                           EXAMPLES["allow_outside"], code="config")
        elif not (site_dir / value).is_dir():
            problems.error(path, line, f"allow_outside names {value!r}, which is not a folder",
                           "write paths from the site folder to folders that exist, or remove it", code="config")
        else:
            folders.append((site_dir / value).resolve())
    return tuple(folders)


def read_redirect_files(values: list, problems: Collector, path: Path, line: int) -> tuple[str, ...]:
    """Return the host files redirect_files asks for, in order; report values that name none."""
    chosen: list[str] = []
    for value in values:
        if value not in REDIRECT_FILES:
            hint = did_you_mean(str(value), REDIRECT_FILES) or "use " + " or ".join(f'"{v}"' for v in REDIRECT_FILES)
            problems.error(path, line, f"redirect_files has an unknown value {value!r}", hint, code="config")
        elif value not in chosen:
            chosen.append(value)
    return tuple(chosen)


def read_redirects(table: Mapping[str, Any], problems: Collector, path: Path,
                   line_of: Callable[[str], int]) -> tuple[Redirect, ...]:
    """Return the [redirects] entries whose source is a site path and whose target a path or URL."""
    redirects = []
    for source, target in table.items():
        line = line_of(source)
        if not isinstance(target, str):
            problems.error(path, line, f"redirect of {source!r} must be a path or URL in quotes",
                           'e.g. "/old/path/" = "/en/new-path/"', code="config")
        elif not is_site_path(source) or any(c in source for c in "?#\\") or ".." in source.split("/"):
            problems.error(path, line, f"redirect source {source!r} is not a path from the site root",
                           'write it like "/old/path/", without the base path', code="config")
        elif not is_site_path(target) and not is_http_url(target):
            problems.error(path, line, f"redirect target {target!r} is neither a path from the site root "
                           "nor an http(s) URL", 'write it like "/en/new-path/" or "https://example.org/page"',
                           code="config")
        else:
            redirects.append(Redirect(source, target, line))
    return tuple(redirects)


def is_site_path(value: str) -> bool:
    """Tell whether a value is a path from the site root, such as "/en/page/", with no spaces."""
    return value.startswith("/") and not value.startswith("//") and not re.search(r"[\s\x00-\x1f\x7f]", value)


def is_http_url(value: str) -> bool:
    """Tell whether a value is an absolute http(s) URL with a host and no spaces."""
    try:
        parts = urlsplit(value)
    except ValueError:  # a host in brackets that is not an IPv6 address: "http://[::1"
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"[\s\x00-\x1f\x7f]", value)


def check_permalink(permalink: str, problems: Collector, path: Path, line: int) -> bool:
    """Report a permalink pattern that cannot give every page its own URL; tell whether it can."""
    before = len(problems.items)
    tokens = set(re.findall(r"\{([^}]*)\}", permalink))
    unknown = tokens - PERMALINK_TOKENS
    if unknown:
        problems.error(
            path, line, f"permalink has unknown token {{{sorted(unknown)[0]}}}",
            "use {lang}, {path}, {slug} and {category}", code="config")
    if not tokens & {"slug", "path"}:
        problems.error(path, line, "permalink must contain {path} or {slug}", 'e.g. permalink = "/{lang}/{path}/"',
                       code="config")
    if "lang" not in tokens:
        problems.error(
            path, line, "permalink must contain {lang}", "translations of one slug would share a URL", code="config")
    if not permalink.startswith("/") or not (permalink.endswith("/") or permalink.endswith(".html")):
        problems.error(
            path, line, "permalink must start with '/' and end with '/' or '.html'",
            'e.g. "/{lang}/{slug}/" or "/{lang}/{slug}.html"', code="config")
    if ".." in permalink.split("/"):
        problems.error(path, line, "permalink must not contain '..'", code="config")
    return len(problems.items) == before


def check_edit_url(pattern: str, problems: Collector, path: Path, line: int) -> None:
    """Report an edit_url that is not an http(s) URL whose only token is {path}."""
    if not pattern:
        return
    tokens = set(re.findall(r"\{([^}]*)\}", pattern))
    if tokens - EDIT_URL_TOKENS:
        problems.error(path, line, f"edit_url has unknown token {{{sorted(tokens - EDIT_URL_TOKENS)[0]}}}",
                       "the only token is {path}, the file's path in its repository", code="config")
    elif "path" not in tokens:
        problems.error(path, line, "edit_url must contain {path}", EXAMPLES["edit_url"], code="config")
    elif not is_http_url(pattern.replace("{path}", "x")):
        problems.error(path, line, f"edit_url {pattern!r} is not an http(s) URL", EXAMPLES["edit_url"],
                       code="config")


def normalise_base_url(value: Any) -> str | None:
    """Return base_url ending in '/', or None when it is neither a path nor an http(s) URL."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:  # a host in brackets that is not an IPv6 address: "http://[::1"
        return None
    if "?" in value or "#" in value:
        return None
    if parts.scheme:
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None
    elif not value.startswith("/") or parts.netloc:
        return None
    return value if value.endswith("/") else value + "/"


def user_cache_dir() -> Path:
    """Return this user's babelsite folder, outside any site, for what only this user's babelsite may write."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "babelsite"
