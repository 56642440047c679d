"""Old URLs and where they lead: aliases and [redirects] entries, checked against the site's pages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import is_http_url
from ..errors import ERROR, Collector, did_you_mean
from .resolve import LinkedSite, category_files

# Files a host reads, named here because no page may take their place (output.hosts writes them).
NETLIFY_FILE = "_redirects"
NGINX_FILE = "babelsite-nginx.conf"
HOST_FILES = {"netlify": NETLIFY_FILE, "nginx": NGINX_FILE}


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
    return [Move(urls.alias(page.lang, alias, page.path), urls.href(page.path), urls.absolute(page.path), page.lang)
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
            moved.setdefault(urls.output_file(urls.alias(page.lang, alias, page.path)),
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
