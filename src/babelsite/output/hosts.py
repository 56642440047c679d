"""Files for the host: the reader's language chosen at the root, old URLs as HTTP redirects, the 404 page.

`redirect_files` in site.toml names them: "netlify" writes `_redirects` (read by Netlify and,
for the rules it supports, Cloudflare Pages), "nginx" writes `babelsite-nginx.conf`. Both say
the same as the static site does with script and meta refresh: the root picks a language (a
choice saved by the language switcher, then the browser's languages, then the default), every
alias and `[redirects]` entry moved permanently, and missing pages get `404.html`.
"""

from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import quote, urlsplit

from ..links.redirects import HOST_FILES, alias_moves, redirect_moves
from ..links.resolve import LinkedSite
from ..model import OutputFile

# The language switcher (static/js/site.js) saves the reader's choice in this cookie as well as in
# localStorage, so that the host can honour it: Netlify reads `nf_lang` in place of Accept-Language.
LANGUAGE_COOKIE = "nf_lang"
URL_SAFE = "/:?#[]@!$&'()*+,;=%-._~"  # what stays as it is when a link is percent-encoded


def host_files(site: LinkedSite) -> list[OutputFile]:
    """Return the host files that redirect_files in site.toml asks for."""
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
