"""The tree of each language: sections (folders) and pages in navigation order, for menus, breadcrumbs and previous/next.

Every folder under a language root is a section; its index page (`_index.md` or `index.md`)
gives its title, description and weight in each language. A folder without one in any
language gets a page made for it (`LinkedSite.sections`) titled from `[i18n.xx]` (keyed by
the humanized folder name) or the humanized name. A page missing in a language follows `fallback` (the link and the language
it is read in come from `LinkedSite.link`), so the tree never leads to a missing page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Iterator

from ..locale import collation_key
from .resolve import LinkedSite


@dataclass(frozen=True)
class TreeNode:
    """A section or a page of one language's tree."""

    key: str  # the page's key, or the section's folder ('' for the language's root)
    title: str
    path: str  # the site path it links to: a folder without an index page links to the page made for it
    lang: str  # the language its title and text are in (another one than the tree's when it falls back)
    description: str
    weight: int
    children: tuple[TreeNode, ...]  # empty for a page

    @property
    def is_section(self) -> bool:
        """Tell whether the node holds other pages."""
        return bool(self.children)


@dataclass(frozen=True)
class LanguageTree:
    """One language's tree, with its pages in reading order and the parent of every node."""

    root: TreeNode
    order: tuple[TreeNode, ...]  # every node, depth first, a section before its pages (the root when it is a page)
    position: dict[str, int]  # key -> index in `order`
    parent: dict[str, str]  # key -> its parent section's key
    nodes: dict[str, TreeNode]  # key -> node

    def ancestors(self, key: str) -> list[TreeNode]:
        """Return the sections above a node, from the root's first child down (the root is the home)."""
        chain = []
        while key in self.parent and self.parent[key]:
            key = self.parent[key]
            chain.append(self.nodes[key])
        return chain[::-1]

    def depth(self, key: str) -> int:
        """Return how deep a node is in the tree: 0 for the root (with flat URLs a page's key says nothing of it)."""
        levels = 0
        while key:
            key = self.parent[key]
            levels += 1
        return levels

    def neighbours(self, key: str) -> tuple[TreeNode | None, TreeNode | None]:
        """Return the nodes before and after a node in reading order."""
        index = self.position.get(key)
        if index is None:
            return None, None
        return (self.order[index - 1] if index > 0 else None,
                self.order[index + 1] if index + 1 < len(self.order) else None)


def humanize(folder: str) -> str:
    """Return a folder name as a label: `getting-started` as `Getting started`."""
    label = " ".join(folder.replace("_", " ").replace("-", " ").split())
    return label[:1].upper() + label[1:] if label else folder


def language_tree(site: LinkedSite, lang: str) -> LanguageTree:
    """Return the tree of sections and pages that readers of `lang` navigate."""
    # Nodes are placed by tree path, which is the key except for pages of flat-URL sites (LinkedSite.tree_path).
    key_at = {site.tree_path(key): key for key in site.corpus.groups}
    children: dict[str, set[str]] = {"": set()}
    for place in key_at:
        parts = place.split("/") if place else []
        for depth in range(len(parts)):
            parent, child = "/".join(parts[:depth]), "/".join(parts[:depth + 1])
            children.setdefault(parent, set()).add(child)
            children.setdefault(child, set())
    nodes: dict[str, TreeNode] = {}
    parent_of = {key_at.get(child, child): key_at.get(parent, parent) for parent, kids in children.items()
                 for child in kids}

    def build(place: str) -> TreeNode:
        kids = tuple(sorted((build(child) for child in children[place]),
                            key=lambda node: tree_order(node, lang)))
        key = key_at.get(place, place)
        node = make_node(site, lang, key, kids)
        nodes[key] = node
        return node

    return finished_tree(site, build(""), parent_of, nodes)


def updated_tree(tree: LanguageTree, site: LinkedSite, lang: str, keys: Iterable[str]) -> LanguageTree:
    """Return the tree with the nodes of these existing keys made anew from `site`; the same tree when none changed.

    Only the changed nodes and the sections above them are made again (a new title, weight or
    description re-sorts its section), so that an edit reads no other page: a section above
    keeps what its own page says, only a folder without one takes its weight from its pages.
    """
    nodes = dict(tree.nodes)
    changed: set[str] = set()
    stale: set[str] = set()
    for key in keys:
        node = nodes.get(key)
        if node is not None and make_node(site, lang, key, node.children) != node:
            changed.add(key)
            while key:
                key = tree.parent[key]
                stale.add(key)
    if not changed:
        return tree
    for key in sorted(changed | stale, key=lambda key: -tree.depth(key)):  # children before their sections
        kids = tuple(sorted((nodes[child.key] for child in nodes[key].children), key=lambda node: tree_order(node, lang)))
        nodes[key] = replace(nodes[key], children=kids) if key in site.corpus.groups and key not in changed \
            else make_node(site, lang, key, kids)
    return finished_tree(site, nodes[""], tree.parent, nodes)


def finished_tree(site: LinkedSite, root: TreeNode, parent: dict[str, str], nodes: dict[str, TreeNode]) -> LanguageTree:
    """Return the tree of a root with its reading order."""
    # the root is in reading order when it is a page of its own, not the home page babelsite makes
    order = tuple(node for node in walk(root) if node.key or "" in site.corpus.groups)
    return LanguageTree(root, order, {node.key: index for index, node in enumerate(order)}, parent, nodes)


def tree_order(node: TreeNode, lang: str) -> tuple:
    """Sort a section's nodes by weight, then title in the language's collation, then key."""
    return node.weight, collation_key(node.title, lang), node.key


def make_node(site: LinkedSite, lang: str, key: str, kids: tuple[TreeNode, ...]) -> TreeNode:
    """Return the node of a key in `lang`: its page as linked from `lang`, or the page made for a folder."""
    link = site.link(key, lang) if key in site.corpus.groups else None
    if link is not None:
        article = site.corpus.groups[key].get(lang) or site.original(key)
        return TreeNode(key, link.title, link.path, link.lang, article.description, article.weight, kids)
    weight = min((kid.weight for kid in kids), default=0)
    return TreeNode(key, section_label(site, key, lang), site.sections.get((key, lang), site.urls.home(lang)), lang, "",
                    weight, kids)


def section_label(site: LinkedSite, folder: str, lang: str) -> str:
    """Return the title of a folder without an index page in `lang`: `[i18n.xx]` keyed by its humanized name, or that name."""
    name = humanize(folder.rpartition("/")[2])
    return site.config.i18n.get(lang, {}).get(name, name)


def walk(node: TreeNode) -> Iterator[TreeNode]:
    """Yield a node and everything under it, depth first, in order."""
    yield node
    for child in node.children:
        yield from walk(child)
