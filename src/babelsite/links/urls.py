"""The URL scheme: the one place that decides every page's URL and output file."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlsplit

from ..config import SiteConfig


NOT_IN_SLUG = re.compile(r"[^\w\s-]")
SLUG_SEPARATORS = re.compile(r"[\s_-]+")


def slugify(text: str) -> str:
    """Turn a heading or category into a readable id: lower case, words joined by '-'."""
    text = NOT_IN_SLUG.sub("", unicodedata.normalize("NFC", text).lower())
    return SLUG_SEPARATORS.sub("-", text).strip("-") or "section"


@dataclass(frozen=True)
class UrlScheme:
    """Maps pages to site paths ('en/latent_space/'), links and output files."""

    base_url: str  # ends with '/'
    permalink: str
    default_language: str
    default_language_at_root: bool

    @classmethod
    def from_config(cls, config: SiteConfig) -> UrlScheme:
        return cls(config.base_url, config.permalink, config.default_language, config.default_language_at_root)

    @cached_property  # read for every link of every page
    def base_path(self) -> str:
        """The path every URL of the site starts with, like '/' or '/docs/'."""
        return urlsplit(self.base_url).path or "/"

    def lang_prefix(self, lang: str) -> str:
        """Return the site path of a language's section ('' at the root)."""
        if self.default_language_at_root and lang == self.default_language:
            return ""
        return f"{lang}/"

    def article(self, lang: str, path: str, slug: str, category: str | None) -> str:
        """Return the site path of a page: `path` is its localized folders and slug ('' for the language's own index)."""
        if not path:
            return self.home(lang)
        path = self.permalink.format(
            lang=self.lang_prefix(lang).rstrip("/"), path=path, slug=slug, category=slugify(category or "uncategorized")
        )
        return re.sub(r"/{2,}", "/", path).lstrip("/")

    def alias(self, lang: str, alias: str, page_path: str = "") -> str:
        """Return the site path of an alias: absolute from the site root, else relative to the page's URL folder.

        Without a page (a [redirects] entry), a relative alias is inside the language's section.
        """
        if alias.startswith("/"):
            path = alias.lstrip("/")
        else:
            folder = page_path.rstrip("/").rpartition("/")[0] if page_path else self.lang_prefix(lang).rstrip("/")
            path = posixpath.normpath(posixpath.join(folder, alias)) if folder else posixpath.normpath(alias)
            path = "" if path == "." else path
        return path if path.endswith((".html", "/")) or not path else path + "/"

    def home(self, lang: str) -> str:
        return self.lang_prefix(lang)

    def category(self, lang: str, category: str) -> str:
        return f"{self.lang_prefix(lang)}categories/{slugify(category)}/"

    root = ""
    not_found = "404.html"
    sitemap = "sitemap.xml"
    robots = "robots.txt"
    status = "_status/"  # the translation status dashboard, with status_page = true
    search_bundle = "pagefind/"  # Pagefind's search index and scripts, written by the build

    def language_not_found(self, lang: str) -> str:
        """Return the 404 page for missing paths inside a language's section (the root one at the root)."""
        return self.lang_prefix(lang) + self.not_found

    def search_index(self, lang: str) -> str:
        """Return the site path of the search index for pages in `lang`: the language's own bundle.

        With a language at the root, one bundle serves every language: a glob cannot take the
        root's pages without the other languages' folders.
        """
        return self.search_bundle if self.default_language_at_root else f"{self.search_bundle}{lang}/"

    def static(self, name: str) -> str:
        return f"static/{name}"

    def href(self, site_path: str) -> str:
        """Return the root-relative link to a site path, including the base path."""
        return self.base_path + site_path

    def absolute(self, site_path: str) -> str:
        """Return the full URL of a site path (root-relative when base_url has no host)."""
        return self.base_url + site_path if "://" in self.base_url else self.href(site_path)

    @staticmethod
    def output_file(site_path: str) -> str:
        """Return the file, relative to the output folder, that serves a site path."""
        return site_path + "index.html" if site_path == "" or site_path.endswith("/") else site_path
