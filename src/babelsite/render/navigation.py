"""Views of a language's tree for templates: the menu, breadcrumbs, previous/next and a section's pages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urljoin

from ..config import SiteConfig
from ..links.tree import LanguageTree, TreeNode, walk
from ..links.urls import UrlScheme
from .templating import SharedList, SharedView


@dataclass(frozen=True)
class TreeChange:
    """Which pages of a language show an edit of its tree, in their menu, breadcrumbs, previous/next or section list."""

    keys: frozenset[str]  # the keys (and made sections' folders) whose pages' views changed
    unmarked: bool  # the menu of pages with no current page changed (homes, categories, 404, redirects): every page's


class Navigation:
    """Makes the views of one language's tree as seen from one page (or from none)."""

    def __init__(self, tree: LanguageTree, lang: str, config: SiteConfig, urls: UrlScheme):
        self.tree, self.lang, self.config, self.urls = tree, lang, config, urls
        self.closed_entries: dict[str, SharedView] = {}  # key -> its menu entry where it is neither open nor current

    def node_view(self, node: TreeNode) -> dict[str, Any]:
        """Return what a template shows of a node: title, link, and the language it is read in when another."""
        language = self.config.language(node.lang)
        return {"key": node.key, "title": node.title, "href": self.urls.href(node.path),
                "description": node.description, "lang": node.lang, "dir": language.direction,
                "lang_name": language.name, "other_language": node.lang != self.lang}

    @cached_property
    def unmarked_menu(self) -> SharedList:
        """The menu of the pages with no current page (homes, categories…), made once: they all show the same."""
        return SharedList(self.menu(None))

    def menu(self, current: str | None) -> list[dict[str, Any]]:
        """Return the menu's entries: top sections with their pages, the current page's sections open down to it.

        Deeper sections off the current page's way show as links, not with their pages, so that a
        page's menu grows with the depth of the tree, not with its size.
        """
        open_keys = {node.key for node in self.tree.ancestors(current)} if current is not None else set()
        if current is not None and current in self.tree.nodes and self.tree.nodes[current].is_section:
            open_keys.add(current)
        return [self.menu_entry(node, current, open_keys, depth=1) for node in self.tree.root.children]

    def menu_entry(self, node: TreeNode, current: str | None, open_keys: set[str], depth: int) -> dict[str, Any]:
        """Return one entry of the menu, with its own entries where it is open or at the top.

        An entry off the current page's way (neither open nor current) is the same in every menu: made
        once, shared by every page (as are its own entries, all closed too).
        """
        closed = node.key != current and node.key not in open_keys
        if closed and node.key in self.closed_entries:
            return self.closed_entries[node.key]
        entry = self.node_view(node)
        entry["current"] = node.key == current
        entry["open"] = node.key in open_keys
        shown = node.is_section and (entry["open"] or depth == 1)
        children = [self.menu_entry(child, current, open_keys, depth + 1) for child in node.children] if shown else None
        entry["children"] = SharedList(children) if closed and children is not None else children
        entry["section"] = node.is_section
        if closed:
            entry = self.closed_entries[node.key] = SharedView(entry)
        return entry

    def breadcrumbs(self, key: str, title: str) -> list[dict[str, Any]]:
        """Return the trail from the language's home down to a page, the page itself last and unlinked."""
        trail = [{"title": self.config.language(self.lang).title, "href": self.urls.href(self.urls.home(self.lang))}]
        trail += [{"title": node.title, "href": self.urls.href(node.path)} for node in self.tree.ancestors(key)]
        trail.append({"title": title, "href": None})
        return trail

    def breadcrumbs_json_ld(self, trail: list[dict[str, Any]], path: str) -> str:
        """Return the schema.org BreadcrumbList of a trail, as JSON safe inside a script element."""
        items = []
        for position, crumb in enumerate(trail, start=1):
            item = {"@type": "ListItem", "position": position, "name": crumb["title"]}
            href = crumb["href"] if crumb["href"] is not None else (self.urls.href(path) if position == len(trail) else None)
            if href is not None:
                item["item"] = self.absolute(href)
            items.append(item)
        data = {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}
        return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")

    def absolute(self, href: str) -> str:
        """Return a root-relative link as a full URL when the site has a host."""
        return urljoin(self.urls.base_url, href) if "://" in self.urls.base_url else href

    def neighbours(self, key: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """Return the views of the pages before and after a page in reading order."""
        before, after = self.tree.neighbours(key)
        return (self.node_view(before) if before is not None else None,
                self.node_view(after) if after is not None else None)

    def section_pages(self, key: str) -> list[dict[str, Any]]:
        """Return the views of a section's own pages and subsections, in order; none for a page."""
        node = self.tree.nodes.get(key)
        return [self.node_view(child) for child in node.children] if node is not None else []


def tree_change(old: LanguageTree, new: LanguageTree) -> TreeChange:
    """Return the pages whose views of the tree differ between two versions of it with the same nodes.

    A node's title, link, language or description is shown in the list of its section, which
    a page's menu shows when the section is the root, a top section (Navigation.menu), or open
    on the way to the page; and in the breadcrumbs of the pages under it. A new order changes
    its section's list. Previous/next are compared page by page.
    """
    changed = {key for key, node in new.nodes.items() if node is not old.nodes[key] and shown(node) != shown(old.nodes[key])}
    reordered = {key for key, node in new.nodes.items() if node is not old.nodes[key] and node.children
                 and [child.key for child in node.children] != [child.key for child in old.nodes[key].children]}
    lists = {new.parent[key] for key in changed if key} | reordered
    top = {"", *(node.key for node in new.root.children if node.is_section)}
    if lists & top:
        return TreeChange(frozenset(new.nodes), True)
    keys = {node.key for key in lists | (changed - {""}) for node in walk(new.nodes[key])}
    keys.update(node.key for node in new.order
                if tuple(map(seen, old.neighbours(node.key))) != tuple(map(seen, new.neighbours(node.key))))
    return TreeChange(frozenset(keys), False)


def shown(node: TreeNode) -> tuple:
    """Return what views show of a node (Navigation.node_view), to tell whether an edit changed it."""
    return node.title, node.path, node.lang, node.description


def seen(node: TreeNode | None) -> tuple | None:
    """Return which node a page's previous or next link leads to and what it shows of it."""
    return None if node is None else (node.key, *shown(node))
