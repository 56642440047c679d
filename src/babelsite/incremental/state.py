"""The state a build leaves for the next one: what it knew of every article, page and body.

The preview keeps it in memory. `babelsite build` keeps it in the build cache, split so that
a build applying one edit reads and writes only what the edit reaches: the site's outline and
indexes in one file read whole, and each slug's articles, pages and bodies as one part of a
pack, its translation status row as another, read when first used (model.LazyMapping) and
written again only when changed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from .cache import CachedBuild, Pack, PackName, no_garbage_collection, write_cache, write_parts
from ..config import SiteConfig
from ..errors import Diagnostic
from ..locale import remember_collation_keys
from ..links.resolve import ArticlePage, LinkedSite, keys_by_stem
from ..markdown import Fragment
from ..model import Article, Corpus, LazyMapping, LoadedOnUse, SourceFile
from ..links.translations import TranslationStatus
from ..links.urls import UrlScheme

if TYPE_CHECKING:
    from ..render.pages import PageRenderer

PageKey = tuple[str, str]  # (slug, language) of an article page
References = Mapping[str, frozenset[PageKey]]  # slug -> the pages that refer to it


@dataclass(frozen=True)
class BuildState:
    """What a finished build knew, from which the next build applies edits."""

    site: LinkedSite
    fragments: Mapping[PageKey, Fragment]
    status: TranslationStatus
    diagnostics: tuple[Diagnostic, ...]
    unpublished: frozenset[str]  # the Markdown files found under content/ with no article (drafts, errors)
    relating: References  # slug -> the pages whose related lists link to it
    linking: References  # slug -> the pages whose bodies link to it

    @classmethod
    def after_full_build(cls, site: LinkedSite, fragments: Mapping[PageKey, Fragment], files: Iterable[SourceFile],
                         status: TranslationStatus, diagnostics: tuple[Diagnostic, ...]) -> BuildState:
        """Return the state of a build that made every page, with its indexes of who refers to whom."""
        relating = referrers(((page.key, page.lang), related_slugs(page)) for page in site.pages)
        linking = referrers((key, linked_slugs(fragment)) for key, fragment in fragments.items())
        published = {str(article.path) for article in site.corpus.articles()}
        return cls(site, fragments, status, diagnostics, frozenset(str(f.path) for f in files) - published, relating,
                   linking)


def related_slugs(page: ArticlePage) -> set[str]:
    """Return the slugs a page's related list links to."""
    return {link.key for link in page.related}


def linked_slugs(fragment: Fragment) -> set[str]:
    """Return the slugs a page's body links to."""
    return {slug for slug, _, _ in fragment.links}


def referrers(references: Iterable[tuple[PageKey, Iterable[str]]]) -> References:
    """Return, for each slug, the pages that refer to it, from what each page refers to."""
    found: dict[str, set[PageKey]] = {}
    for key, slugs in references:
        for slug in slugs:
            found.setdefault(slug, set()).add(key)
    return {slug: frozenset(keys) for slug, keys in found.items()}


def rereferred(index: References, before: Mapping[PageKey, set[str]], after: Mapping[PageKey, set[str]]) -> References:
    """Return the index with what these pages referred to before replaced by what they refer to after."""
    updated: dict[str, set[PageKey]] = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key, set()), after.get(key, set())
        for slug in old ^ new:
            keys = updated.setdefault(slug, set(index.get(slug, ())))
            (keys.add if slug in new else keys.discard)(key)
    if not updated:
        return index  # the same object: the build cache then keeps its stored copy
    return {**index, **{slug: frozenset(keys) for slug, keys in updated.items()}}


def referring(index: References, slugs: Iterable[str]) -> set[PageKey]:
    """Return the pages that refer to any of these slugs."""
    return set().union(*(index.get(slug, ()) for slug in slugs))


@dataclass(frozen=True)
class StoredState:
    """A build state as the build cache keeps it: all but the per-slug parts, which are in the pack."""

    config: SiteConfig
    urls: UrlScheme
    slugs: tuple[str, ...]  # the corpus's slugs in order, each a part of the pack
    article_paths: Mapping[PageKey, str]
    files: Mapping[str, PageKey]
    sections: Mapping[PageKey, str]  # (folder, lang) -> site path of the page made for a folder without an index page
    status: TranslationStatus  # its coverage; each of its rows is a part of the pack
    diagnostics: tuple[Diagnostic, ...]
    unpublished: frozenset[str]
    relating: References
    linking: References
    listings: Mapping[str, Any]  # the renderer's, which take long to sort
    label_keys: Mapping[tuple[str, str], bytes]  # collation keys of category labels by language, which every menu sorts
    trees: Mapping[str, Any]  # each language's LanguageTree, which every page's menu shows: made from every page
    assets: Mapping[str, str]  # each static file's name -> its content-hashed site path, which no Markdown edit changes

    def packed(self) -> tuple[StoredState, dict[str, Any]]:
        """Return this outline without its large values, and those values as parts of the pack, by name.

        Each is stored again only when a build changed it (store_state), not with every edit.
        """
        parts = {OUTLINE_PART + name: getattr(self, name) for name in PACKED_FIELDS}
        for name in PER_LANGUAGE_FIELDS:
            parts.update((f"{OUTLINE_PART}{name}{OUTLINE_PART}{lang}", value) for lang, value in getattr(self, name).items())
        # a listing's categories are kept here: every page's menu names them, and need not read the listing
        emptied = {"trees": dict.fromkeys(self.trees),
                   "listings": {lang: tuple(listing) for lang, listing in self.listings.items()}}
        status = replace(self.status, rows=MappingProxyType({}))  # each row is a part (store_state)
        return replace(self, **dict.fromkeys(PACKED_FIELDS), **emptied, status=status), parts

    def unpacked(self, pack: Pack) -> StoredState:
        """Return this outline with its large values read from the pack; DamagedCache when one cannot be."""
        with no_garbage_collection(loading=True):
            values = {name: pack.load(OUTLINE_PART + name) for name in PACKED_FIELDS if name not in ON_USE_FIELDS}
            values.update((name, LoadedOnUse(partial(pack.load, OUTLINE_PART + name))) for name in ON_USE_FIELDS)
            values["trees"] = {lang: pack.load(f"{OUTLINE_PART}trees{OUTLINE_PART}{lang}") for lang in self.trees}
            values["listings"] = {lang: lazy_listing(pack, lang, categories) for lang, categories in self.listings.items()}
        return replace(self, **values)

    def joined(self, pack: Pack) -> BuildState:
        """Return the build state, its articles, pages and bodies read from the pack when first used."""
        remember_collation_keys(self.label_keys)  # an edit that leaves titles alone then needs no collator
        parts = LazyMapping(self.slugs, pack.load)  # slug -> (articles by language, pages, bodies by language)
        groups: LazyMapping[str, Mapping[str, Article]] = LazyMapping(self.slugs, lambda slug: parts[slug][0])
        pages: LazyMapping[str, tuple[ArticlePage, ...]] = LazyMapping(self.slugs, lambda slug: parts[slug][1])
        site = LinkedSite(self.config, Corpus(groups), self.urls, pages, self.article_paths, self.files,
                          keys_by_stem(self.slugs), self.sections)
        fragments = LazyMapping(site.page_keys, lambda key: parts[key[0]][2][key[1]], contains=site.has_page)
        # a part of its own: the status page shows every row, which must not read every article and body
        status = replace(self.status, rows=LazyMapping(self.slugs, lambda slug: pack.load(ROW_PART + slug)))
        return BuildState(site, fragments, status, self.diagnostics, self.unpublished, self.relating, self.linking)


def lazy_listing(pack: Pack, lang: str, categories: tuple) -> LazyMapping:
    """Return a language's listing, its articles read from the pack when first asked for (its categories are known)."""
    whole = LoadedOnUse(partial(pack.load, f"{OUTLINE_PART}listings{OUTLINE_PART}{lang}"))
    return LazyMapping(categories, lambda category: whole[category])


def store_state(config: SiteConfig, cached: CachedBuild, state: BuildState, renderer: PageRenderer,
                previous: tuple[StoredState, Pack] | None = None) -> None:
    """Write a build's state to the build cache with its stamps; only changed parts when it came from there.

    `previous` is the stored state this build applied edits to, and its pack: the slugs an edit
    left alone, and the outline's values it did not replace, keep their stored parts.
    """
    write_cache(config, cached, *pack_state(config, state, renderer, previous))


def pack_state(config: SiteConfig, state: BuildState, renderer: PageRenderer,
               previous: tuple[StoredState, Pack] | None = None) -> tuple[StoredState, PackName | None]:
    """Write the parts of a build's state to the build cache's pack (see store_state); return the rest, and the pack.

    The pack is None when it could not be written. What is returned is stored by write_cache,
    with the stamps that name it.
    """
    site = state.site
    groups, pages, fragments, rows = site.corpus.groups, site.pages_by_key, state.fragments, state.status.rows
    if previous is not None and all(isinstance(m, LazyMapping) for m in (groups, pages, fragments, rows)):
        changed = groups.changes.keys() | pages.changes.keys() | {slug for slug, _ in fragments.changes} | \
            {ROW_PART + slug for slug in rows.changes}
    else:
        changed = {*groups, *(ROW_PART + slug for slug in groups)}

    stored = StoredState(site.config, site.urls, tuple(groups), site.article_paths, site.files, site.sections,
                         state.status,
                         state.diagnostics, state.unpublished, state.relating, state.linking, renderer.listings,
                         renderer.category_label_keys(), renderer.trees(), renderer.assets)
    outline, outline_parts = stored.packed()
    before = previous[0].packed()[1] if previous is not None else {}
    changed.update(name for name, value in outline_parts.items() if before.get(name) is not value)

    def part(name: str) -> Any:
        if name in outline_parts:
            return outline_parts[name]
        if name.startswith(ROW_PART):
            return rows[name[len(ROW_PART):]]
        return groups[name], pages[name], {page.lang: fragments[name, page.lang] for page in pages[name]}

    return outline, write_parts(config, changed, part, (*groups, *(ROW_PART + slug for slug in groups), *outline_parts),
                                previous[1] if previous is not None else None)


OUTLINE_PART = "\0"  # begins the names of the outline's parts in the pack: no slug holds it, as no file name does
PACKED_FIELDS = ("article_paths", "files", "unpublished", "relating", "linking")
ON_USE_FIELDS = ("relating",)  # read when an edit changes a title or what related lists name: a body edit does not
PER_LANGUAGE_FIELDS = ("listings", "trees")  # a part for each language
ROW_PART = f"{OUTLINE_PART}row{OUTLINE_PART}"  # begins the name of a slug's translation status row
