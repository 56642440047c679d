"""Files for the host: the reader's language chosen at the root, old URLs as HTTP redirects, the 404 page.

`redirect_files` in site.toml names them: "netlify" writes `_redirects` (read by Netlify and,
for the rules it supports, Cloudflare Pages), "nginx" writes `babelsite-nginx.conf`. Both say
the same as the static site does with script and meta refresh: the root picks a language (a
choice saved by the language switcher, then the browser's languages, then the default), every
alias and `[redirects]` entry moved permanently, and missing pages get `404.html`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator
from urllib.parse import quote, urlsplit

from ..config import is_http_url
from ..errors import ERROR, Collector, did_you_mean
from ..links.resolve import LinkedSite, category_files

if TYPE_CHECKING:
    from ..render.pages import OutputFile

NETLIFY_FILE = "_redirects"
NGINX_FILE = "babelsite-nginx.conf"
HOST_FILES = {"netlify": NETLIFY_FILE, "nginx": NGINX_FILE}
# The language switcher (static/js/site.js) saves the reader's choice in this cookie as well as in
# localStorage, so that the host can honour it: Netlify reads `nf_lang` in place of Accept-Language.
LANGUAGE_COOKIE = "nf_lang"
URL_SAFE = "/:?#[]@!$&'()*+,;=%-._~"  # what stays as it is when a link is percent-encoded


@dataclass(frozen=True)
class Move:
    """An old URL of the site and where it leads now: an article's alias or a [redirects] entry."""

    source: str  # the site path of the old URL, like 'old/path/'
    target: str  # the link to follow: root-relative with the base path, or an absolute URL
    canonical: str  # the target's full URL (root-relative when base_url has no host)
    lang: str  # the language of the page it leads to, for its redirect page


def alias_moves(site: LinkedSite) -> list[Move]:
    """Return a move for every alias of every real article page, in page order."""
    urls = site.urls
    return [Move(urls.alias(page.lang, alias), urls.href(page.path), urls.absolute(page.path), page.lang)
            for page in site.pages if not page.is_fallback for alias in page.article.aliases]


def redirect_moves(site: LinkedSite) -> list[Move]:
    """Return a move for every [redirects] entry of site.toml, in the order written."""
    urls, config = site.urls, site.config
    moves = []
    for redirect in config.redirects:
        source = urls.alias(config.default_language, redirect.source)
        if is_http_url(redirect.target):
            target = canonical = redirect.target
            lang = config.default_language
        else:
            path = redirect.target.lstrip("/")
            target = urls.href(path)
            canonical = urls.absolute(path.partition("#")[0])
            lang = next((code for code in config.language_codes
                         if urls.lang_prefix(code) and path.startswith(urls.lang_prefix(code))),
                        config.default_language)
        moves.append(Move(source, target, canonical, lang))
    return moves


def site_pages(site: LinkedSite) -> tuple[dict[str, str], set[str]]:
    """Map the output file of every page the build writes (not static files) to what it is; also return the site's own."""
    urls, config = site.urls, site.config
    pages: dict[str, str] = {}
    for page in site.pages:
        what = "the page of" if not page.is_fallback else f"the {page.lang} page showing"
        pages.setdefault(urls.output_file(page.path), f"{what} {page.article.display_path}")
    for code in config.language_codes:
        pages.setdefault(urls.output_file(urls.home(code)), f"the {code} home page")
    for output in sorted(category_files(site, Collector(config.site_dir))):
        pages.setdefault(output, "a category page")
    own = {urls.output_file(path) for path in (urls.not_found, urls.sitemap, urls.robots)}
    own.update(HOST_FILES.values())
    own.update(urls.language_not_found(code) for code in config.language_codes)
    if config.status_page:
        own.add(urls.output_file(urls.status))
    if not config.default_language_at_root:
        own.add(urls.output_file(urls.root))
    pages.update((output, "one of the site's own pages") for output in own - set(HOST_FILES.values()))
    return pages, own


def check_redirects(site: LinkedSite, problems: Collector) -> int:
    """Report [redirects] sources that another page or redirect uses, and targets that name no page; count errors."""
    urls, config = site.urls, site.config
    before = sum(d.severity == ERROR for d in problems.items)
    pages, own = site_pages(site)
    moved: dict[str, tuple[str, str]] = {}  # output file of an old URL -> (what it is, where it leads)
    for page in site.pages:
        for alias in () if page.is_fallback else page.article.aliases:
            moved.setdefault(urls.output_file(urls.alias(page.lang, alias)),
                             (f"an alias of {page.article.display_path}", "/" + page.path))
    for redirect, move in zip(config.redirects, redirect_moves(site)):
        output = urls.output_file(move.source)
        where = f"redirect {redirect.source}"
        if output in own or move.source.rstrip("/") in own or move.source.startswith("static/"):
            problems.error(config.config_path, redirect.line, f"{where} is reserved for the site's own pages",
                           "choose another path, or remove it from [redirects]", code="url-collision")
        elif output in pages:
            problems.error(config.config_path, redirect.line, f"{where} is also {pages[output]}",
                           "remove it from [redirects], or move the page", code="url-collision")
        elif output in moved:
            problems.error(config.config_path, redirect.line, f"{where} is also {moved[output][0]}",
                           "keep one of the two", code="url-collision")
        moved.setdefault(output, (f"the redirect at line {redirect.line}", redirect.target))
    for redirect in config.redirects:
        if is_http_url(redirect.target):
            continue
        path = re.split(r"[?#]", redirect.target, maxsplit=1)[0].lstrip("/")
        output = urls.output_file(path)
        if output in pages:
            continue
        if output in moved:
            what, final = moved[output]
            problems.error(config.config_path, redirect.line,
                           f"redirect target {redirect.target} is itself redirected ({what})",
                           f"point it at '{final}' instead", code="redirect-dangling")
            continue
        choices = ["/" + (p[: -len("index.html")] if p == "index.html" or p.endswith("/index.html") else p)
                   for p in pages]
        problems.error(config.config_path, redirect.line, f"redirect target {redirect.target} names no page of the site",
                       did_you_mean("/" + path, choices) or "point it at a page of the site, or at a full URL",
                       code="redirect-dangling")
    return sum(d.severity == ERROR for d in problems.items) - before


def host_files(site: LinkedSite) -> list[OutputFile]:
    """Return the host files that redirect_files in site.toml asks for."""
    from ..render.pages import OutputFile  # render imports this module, so import its type on use

    writers = {"netlify": netlify_redirects, "nginx": nginx_config}
    return [OutputFile(HOST_FILES[name], writers[name](site).encode("utf-8")) for name in site.config.redirect_files]


def netlify_redirects(site: LinkedSite) -> str:
    """Return the `_redirects` file: the language choice at the root, old URLs as 301s, 404 routing."""
    urls, config = site.urls, site.config
    lines = [
        f"# Redirects for {config.base_url}, written by babelsite from site.toml and front matter aliases:",
        "# build again rather than edit. Netlify serves an existing file before a rule whose status has",
        "# no \"!\"; Cloudflare Pages ignores such rules, language conditions and 404 rules, and follows",
        "# the plain 301 copies.",
    ]
    if not config.default_language_at_root:
        root = link(urls.href(urls.root))
        lines += ["", f"# The root: the saved choice (cookie {LANGUAGE_COOKIE}), else the browser's language, else the default."]
        default = config.default_language
        for code, condition in language_conditions(config.language_codes):
            if code != default:
                lines.append(f"{root}  {link(urls.href(urls.home(code)))}  302!  Language={condition}")
        lines.append(f"{root}  {link(urls.href(urls.home(default)))}  302!")
    moves = alias_moves(site) + redirect_moves(site)
    if moves:
        lines += ["", "# Old URLs: aliases in front matter and [redirects] in site.toml."]
        for move in moves:
            source, target = link(urls.href(move.source)), link(move.target)
            lines += [f"{source}  {target}  301!", f"{source}  {target}  301"]
    lines += ["", "# Pages that do not exist: the 404 page in the language of the section asked for."]
    lines += [f"{link(urls.href(urls.home(code)))}*  {link(urls.href(urls.language_not_found(code)))}  404"
              for code in config.language_codes if urls.home(code)]
    lines.append(f"{link(urls.href(urls.root))}*  {link(urls.href(urls.not_found))}  404")
    return "\n".join(lines) + "\n"


def language_conditions(codes: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """Yield each language with the code Netlify's Language= matches it by: its primary subtag, unless shared."""
    primaries = [code.split("-")[0].lower() for code in codes]
    for code, primary in zip(codes, primaries):
        yield code, primary if primaries.count(primary) == 1 else code.lower()


def nginx_config(site: LinkedSite) -> str:
    """Return `babelsite-nginx.conf`: maps for the reader's language and a server block for the output folder."""
    urls, config = site.urls, site.config
    base = urls.base_path
    host = urlsplit(config.base_url).hostname or "_"
    lines = [
        f"# nginx configuration for {config.base_url}, written by babelsite: build again rather than edit.",
        "# Put it in nginx's http context (for example as /etc/nginx/conf.d/babelsite.conf), copy the",
        f"# output folder to /var/www/babelsite{base} (or change root below), then run nginx -t and reload.",
    ]
    if not config.default_language_at_root:
        codes = config.language_codes
        lines += [
            "",
            "# The reader's language: the first in Accept-Language that the site has (the same code, else the",
            "# same language), else the default; a choice saved by the language switcher goes first.",
            "map $http_accept_language $babelsite_browser_lang {",
            f"    default {config.default_language};",
            *(f'    "~*{pattern}" {code};' for pattern, code in accept_language_patterns(codes)),
            "}",
            f"map $cookie_{LANGUAGE_COOKIE} $babelsite_lang {{",
            "    default $babelsite_browser_lang;",
            *(f"    {code} {code};" for code in codes),
            "}",
        ]
    lines += [
        "",
        "server {",
        "    listen 80;",
        f"    server_name {host};",
        "    root /var/www/babelsite;",
        f"    error_page 404 {nginx_path(urls.href(urls.not_found))};",
    ]
    if not config.default_language_at_root:
        # urls.home gives '<code>/' for every language here; the map picks the code.
        home = urls.href(urls.home("$babelsite_lang"))
        lines += [
            "",
            f"    location = {nginx_path(urls.href(urls.root))} {{",
            '        add_header Vary "Accept-Language, Cookie";',
            f"        return 302 {home};",
            "    }",
        ]
    sections = [code for code in config.language_codes if urls.home(code)]
    if sections:
        lines += ["", "    # Missing pages inside a language's section get the 404 page in that language."]
        lines += [f"    location {nginx_path(urls.href(urls.home(code)))} "
                  f"{{ error_page 404 {nginx_path(urls.href(urls.language_not_found(code)))}; }}"
                  for code in sections]
    hidden = [HOST_FILES[name] for name in config.redirect_files]
    lines += ["", "    # Files for the host, not for readers."]
    lines += [f"    location = {nginx_path(urls.href(name))} {{ return 404; }}" for name in hidden]
    moves = alias_moves(site) + redirect_moves(site)
    if moves:
        lines += ["", "    # Old URLs: aliases in front matter and [redirects] in site.toml."]
        lines += [f"    location = {nginx_path(urls.href(move.source))} {{ return 301 {nginx_url(move.target)}; }}"
                  for move in moves]
    lines.append("}")
    return "\n".join(lines) + "\n"


def accept_language_patterns(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    """Return (regular expression on Accept-Language, language) pairs, tried in order, as root.js matches.

    Each expression skips the entries of the header in no language of the site and looks at the first
    one that is: the exact codes are tried first, then the first language with the same primary subtag.
    """
    primaries = list(dict.fromkeys(code.split("-")[0].lower() for code in codes))
    skip = f"^(?:(?! *(?:{'|'.join(primaries)})(?:[-;, ]|$))[^,]*,)* *"
    firsts = {primary: next(code for code in codes if code.split("-")[0].lower() == primary) for primary in primaries}
    # A code that is its own primary subtag, and the first with it, is matched by its primary pattern below.
    patterns = [(f"{skip}{code.lower()}(?:[;, ]|$)", code) for code in codes if firsts.get(code.lower()) != code]
    seen: set[str] = set()
    for code in codes:
        primary = code.split("-")[0].lower()
        if primary not in seen:
            seen.add(primary)
            patterns.append((f"{skip}{primary}(?:[-;, ]|$)", code))
    return patterns


def link(href: str) -> str:
    """Return a link with spaces and non-ASCII characters percent-encoded, as host rule files want."""
    return quote(href, safe=URL_SAFE)


def nginx_path(path: str) -> str:
    """Return a path as an nginx location or URI argument: as it is, or in double quotes when it needs them."""
    if re.fullmatch(r"[A-Za-z0-9/._~%!*+,=:@-]+", path):
        return path
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def nginx_url(target: str) -> str:
    """Return a redirect target for nginx's return: percent-encoded, with '$' encoded so it names no variable."""
    return nginx_path(link(target).replace("$", "%24"))
