"""Checks across pages: heading anchors, translations that disagree with the original, orphans, foreign syntax."""

from __future__ import annotations

from typing import Iterable, Mapping

from ..content.frontmatter import as_written
from ..content.load import misspelling_of, read_body_or_report
from ..errors import Collector, plural
from ..links.resolve import ArticlePage, LinkedSite, folders_of
from ..links.translations import recorded_hash
from ..model import Article
from ..markdown import Fragment
from ..markdown.foreign import foreign_syntax
from ..markdown.parser import heading_lines


def check_anchors(site: LinkedSite, fragments: Mapping[tuple[str, str], Fragment], problems: Collector,
                  pages: Iterable[ArticlePage] | None = None) -> None:
    """Report links to `article.md#anchor` whose target page has no such heading (on all pages, or these)."""
    for page in site.pages if pages is None else pages:
        if page.is_fallback:
            continue  # the original's own page reports its links once
        for slug, anchor, line in fragments[page.key, page.lang].links:
            if not anchor:
                continue
            link = site.link(slug, page.lang)
            target = fragments.get((slug, page.lang)) or fragments[slug, link.lang]
            if anchor in anchor_ids(target):
                continue
            problems.warning(page.article.path, line,
                             f"link to '{slug}#{anchor}': '{link.title}' has no heading with that id",
                             translated_anchor_hint(site, fragments, slug, anchor, target), code="anchor-missing")


def anchor_ids(fragment: Fragment) -> set[str]:
    """Return the ids a link may point at in an article: headings and sources."""
    return {anchor for _, anchor, _ in fragment.toc} | {f"source-{n}" for n in fragment.citation_ids}


def translated_anchor_hint(site: LinkedSite, fragments, slug: str, anchor: str, target: Fragment) -> str:
    """Say which id a heading has in the target language when the anchor exists in another one."""
    for code in site.config.language_codes:
        other = fragments.get((slug, code))
        if other is None or other is target:
            continue
        ids = [a for _, a, _ in other.toc]
        if anchor in ids and ids.index(anchor) < len(target.toc):
            translated = target.toc[ids.index(anchor)][1]
            return f"the heading is '{anchor}' in {code}, but its translation here has the id '{translated}'"
    headings = ", ".join(a for _, a, _ in target.toc) or "none"
    return f"its heading ids are: {headings}"


def check_translations(site: LinkedSite, fragments: Mapping[tuple[str, str], Fragment], problems: Collector) -> None:
    """Warn where a translation disagrees with the original in sources, related, category, citations or headings."""
    for slug, group in site.corpus.groups.items():
        original = site.original(slug)
        original_fragment = fragments[slug, original.lang]
        for article in group.values():
            if article is original:
                continue
            fragment = fragments[slug, article.lang]

            def differs(line: int, what: str, mine, theirs, key: str = "") -> None:
                problems.warning(article.path, line,
                                 f"{what} differs from the {original.lang} original {original.display_path}: "
                                 f"{as_written(mine)} in this translation, {as_written(theirs)} in the original",
                                 which_to_fix(original, article, key), code="translation-mismatch")

            if len(article.sources) != len(original.sources):
                line = article.sources[0].line if article.sources else article.title_line
                differs(line, "number of sources", len(article.sources), len(original.sources), "sources")
            else:
                for mine, theirs in zip(article.sources, original.sources):
                    if mine.url != theirs.url:
                        differs(mine.line, f"source {mine.number} URL", mine.url, theirs.url)
            if {r.target for r in article.related} != {r.target for r in original.related}:
                line = article.related[0].line if article.related else article.title_line
                differs(line, "related list", sorted(r.target for r in article.related) or None,
                        sorted(r.target for r in original.related) or None, "related")
            if article.category != original.category:
                differs(article.title_line, "category", article.category, original.category, "category")
            mine = [number for number, _ in fragment.citations]
            theirs = [number for number, _ in original_fragment.citations]
            if mine != theirs:
                index = next((i for i, (a, b) in enumerate(zip(mine, theirs)) if a != b), min(len(mine), len(theirs)))
                line = fragment.citations[index][1] if index < len(mine) else first_body_line(article, problems)
                differs(line, "sequence of citations", mine, theirs)
            if len(fragment.toc) != len(original_fragment.toc):
                differs(first_body_line(article, problems), "number of headings", len(fragment.toc), len(original_fragment.toc))
    check_translated_anchors(site, fragments, problems)


def which_to_fix(original: Article, translation: Article, key: str) -> str:
    """Say which of the two files to fix: the one with a misspelled key, else the one that changed, if known."""
    for article, which in ((original, "the original"), (translation, "this translation")):
        if key and (misspelled := misspelling_of(key, article.extra)):
            return f"{which} has '{misspelled}:', which babelsite does not read, instead of '{key}:': fix {which}"
    recorded = recorded_hash(translation)
    if recorded is not None and recorded == original.content_hash:
        return "the original has not changed since this translation was made from it: fix the translation"
    if recorded is not None:
        return "the original changed since this translation was made from it: bring the translation in line with it"
    return "bring the translation in line with the original, or fix the original if it is the one that changed"


def check_translated_anchors(site: LinkedSite, fragments: Mapping[tuple[str, str], Fragment],
                             problems: Collector) -> None:
    """Warn at a translation that lacks a heading id of its original which some page links to."""
    for slug, anchors in linked_anchors(site, fragments).items():
        original = site.original(slug)
        headings = {ident: index for index, (_, ident, _) in enumerate(fragments[slug, original.lang].toc)}
        for article in site.corpus.groups[slug].values():
            ids = {ident for _, ident, _ in fragments[slug, article.lang].toc}
            missing = [anchor for anchor in anchors if anchor in headings and anchor not in ids]
            if article is original or not missing:
                continue
            lines = heading_lines(body_of(article, problems), site.config.markdown_html)
            for anchor in missing:
                report_untranslated_anchor(site, fragments, problems, article, anchor, headings[anchor],
                                           anchors[anchor], lines)


def report_untranslated_anchor(site: LinkedSite, fragments, problems: Collector, article, anchor: str,
                               index: int, links: list[str], lines: list[int]) -> None:
    """Warn at the translation's heading in the original's place (or its body) that `anchor` is missing."""
    original = site.original(article.key)
    text = fragments[article.key, original.lang].toc[index][2]
    toc = fragments[article.key, article.lang].toc
    where, *others = links
    also = f" (and {plural(len(others), 'other link')})" if others else ""
    mine = f", '{toc[index][2]}'" if index < len(toc) else ""
    line = article.body_offset + lines[index] + 1 if index < len(lines) else first_body_line(article, problems)
    problems.warning(article.path, line,
                     f"no heading has the id '{anchor}', which {where} links to{also}: "
                     f"the heading '{text}' of the {original.lang} original {original.display_path}",
                     f"add {{#{anchor}}} to the matching heading{mine}", code="anchor-untranslated")


def linked_anchors(site: LinkedSite, fragments: Mapping[tuple[str, str], Fragment]) -> dict[str, dict[str, list[str]]]:
    """Return, for each linked page, the anchors links point at and the `path:line` of each such link."""
    linked: dict[str, dict[str, list[str]]] = {}
    for page in site.pages:
        if page.is_fallback:
            continue
        for slug, anchor, line in fragments[page.key, page.lang].links:
            if anchor:
                linked.setdefault(slug, {}).setdefault(anchor, []).append(f"{page.article.display_path}:{line}")
    return linked


def first_body_line(article: Article, problems: Collector) -> int:
    """Return the file line where the body's text begins."""
    body = body_of(article, problems)
    blank = len(body) - len(body.lstrip("\n"))
    return article.body_offset + blank + 1


def body_of(article: Article, problems: Collector) -> str:
    """Return an article's body read again from its file; empty, with an error, when the file changed meanwhile."""
    return read_body_or_report(article, problems) or ""


def check_orphans(site: LinkedSite, fragments: Mapping[tuple[str, str], Fragment], problems: Collector) -> None:
    """Note articles that no other article links to, through `related` or a `.md` link; a tree's menu links to all."""
    if site.has_tree:
        return
    linked = {link.key for page in site.pages for link in page.related if link.key != page.key}
    linked.update(slug for (source, _), fragment in fragments.items()
                  for slug, _, _ in fragment.links if slug != source)
    for slug in site.corpus.groups:
        if slug not in linked:
            original = site.original(slug)
            problems.info(original.path, original.title_line, f"no article links to '{slug}'",
                          "add it to the related list of an article on the same subject", code="orphan")


def check_foreign_syntax(site: LinkedSite, problems: Collector) -> None:
    """Warn at each body line holding another generator's syntax (Hugo, Liquid, MkDocs, MDX, kramdown)."""
    for article in site.corpus.articles():
        for line, message, hint in foreign_syntax(body_of(article, problems), site.config.markdown_html):
            problems.warning(article.path, article.body_offset + line + 1, message, hint, code="foreign-syntax")


def check_section_pages(site: LinkedSite, problems: Collector) -> None:
    """Note each folder that has pages in a language but no index page there, naming the index file to add."""
    if not site.has_tree:
        return
    for folder in sorted(folders_of(site.tree_path(key) for key in site.corpus.groups)):
        group = site.corpus.groups.get(folder, {})
        for code in site.config.language_codes:
            index = site.index_file(folder, code) if code not in group else None
            if index is None:
                continue  # it has one, or no page of this language is under it
            if group:
                original = site.original(folder).lang
                what = f"its readers in {code} are led to its page in {original}"
            else:
                what = f"babelsite makes its page, titled from [i18n.{code}] or its folder's name"
            problems.info(index, 0, f"section '{folder}' has no index page in {code}; {what}",
                          f"add {problems.display_path(index)} with its title: and description:", code="section-index")
