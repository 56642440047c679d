"""Frozen data passed between the stages of the pipeline; no I/O here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Hashable, Iterable, Iterator, Mapping, Sequence, TypeVar


@dataclass(frozen=True)
class SourceFile:
    """A Markdown file under content/, with what its path says about it."""

    path: Path
    display_path: str  # relative to the site folder, for messages
    lang: str | None  # from the language folder or the `.xx.md` suffix; None: the default language's, unless lang: says
    key: str  # the path under the language root without `.md` (with flat URLs, the stem); an index page is its folder
    stem: str  # the file stem without a language suffix; an index page's is its folder's name
    is_index: bool = False  # index.md or _index.md: its folder's own page
    folder: str = ""  # the folders under the language root ('' at the top)


@dataclass(frozen=True)
class Source:
    """One entry of an article's `sources`, numbered from 1."""

    number: int
    text: str
    url: str
    line: int


@dataclass(frozen=True)
class RelatedRef:
    """One entry of an article's `related` list as written (a key, a bare stem or a relative path), with its line."""

    target: str
    line: int


@dataclass(frozen=True)
class Article:
    """One language version of an article, validated."""

    path: Path
    display_path: str
    lang: str
    key: str  # what groups translations: the path key, or translation_key
    slug: str  # the last segment of the page's URL in its language: `slug:`, else the file's stem
    title: str
    category: str | None
    description: str
    date: str
    updated: str
    draft: bool
    weight: int
    aliases: tuple[str, ...]
    sources: tuple[Source, ...]
    related: tuple[RelatedRef, ...]
    extra: Mapping[str, Any]
    # The body is read again from the file when needed (content.load.read_body), not kept: at 100,000
    # pages it was the largest thing a build held. Its digest tells that the file still holds it.
    body_digest: bytes
    content_hash: str  # what translations record in translated_from (content.load.content_hash)
    body_offset: int  # file lines before the body, to turn body lines into file lines
    title_line: int
    folder: str = ""  # the folder under the language root ('' at the top); its section, or with flat URLs in one
    is_index: bool = False  # the folder's own page (index.md or _index.md), whose key is the folder


@dataclass(frozen=True)
class OutputFile:
    """A file of the built site: its path relative to the output folder and its bytes."""

    path: str
    data: bytes


@dataclass(frozen=True)
class StagedFile:
    """A file of the built site that the process rendering it has written into the staging folder already."""

    path: str
    changed: bool  # False when it is a hard link to the output's file holding the same bytes
    stamp: tuple[int, int]  # its size and modification time in ns once written, which the build cache keeps


@dataclass(frozen=True)
class Corpus:
    """Every article, grouped by key, then by language in site order."""

    groups: Mapping[str, Mapping[str, Article]]  # key -> lang -> article, sorted by key

    def articles(self) -> tuple[Article, ...]:
        """Return every article in key, then language order."""
        return tuple(a for group in self.groups.values() for a in group.values())


Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class LazyMapping(Mapping[Key, Value]):
    """A read-only mapping whose keys are known and whose values are loaded on first use.

    The build cache hands a build its last state this way, so that applying one edit reads only
    the parts of the state the edit reaches. `with_changes` makes a new mapping with some values
    replaced, added or removed; it remembers them, so that only they need to be stored again.
    """

    def __init__(self, keys: Iterable[Key] | Callable[[], Iterable[Key]], load: Callable[[Key], Value],
                 changes: Mapping[Key, Value] | None = None, contains: Callable[[Key], bool] | None = None):
        """`keys` may be a function that lists them, called only when they are iterated: `contains` then tells them.

        At 100,000 pages, listing the keys of every page costs more than the rest of an edit's reading.
        """
        self._listing, self._contains = (keys, contains) if contains is not None else (None, None)
        self._index: dict[Key, None] | None = None if contains is not None else dict.fromkeys(keys)  # ordered
        self._load = load
        self._loaded: dict[Key, Value] = {}
        self.changes: dict[Key, Value] = dict(changes or {})

    @property
    def _keys(self) -> dict[Key, None]:
        """The keys, in order, with fast membership."""
        if self._index is None:
            self._index = dict.fromkeys(self._listing())
        return self._index

    def __getitem__(self, key: Key) -> Value:
        if key in self.changes:
            return self.changes[key]
        if key not in self:
            raise KeyError(key)
        if key not in self._loaded:
            self._loaded[key] = self._load(key)
        return self._loaded[key]

    def __contains__(self, key: object) -> bool:
        return key in self._index if self._index is not None else self._contains(key)

    def __iter__(self) -> Iterator[Key]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def with_changes(self, values: Mapping[Key, Value], removed: Iterable[Key] = ()) -> LazyMapping[Key, Value]:
        """Return a mapping with these values set (new keys go last) and these keys removed."""
        removed = set(removed)
        changes = {k: v for k, v in {**self.changes, **values}.items() if k not in removed}
        if removed or any(key not in self for key in values):
            keys = [key for key in self._keys if key not in removed] + [key for key in values if key not in self]
            new = LazyMapping(keys, self._load, changes)
        else:  # the same keys: their index is shared, not copied (it has a key per page of the site)
            new = LazyMapping((), self._load, changes)
            new._index, new._listing, new._contains = self._index, self._listing, self._contains
        new._loaded = self._loaded  # shared: a loaded value is the same for every version
        return new


class LoadedOnUse(Mapping[Key, Value]):
    """A mapping read only when first used: the build cache's indexes that most edits never look at."""

    def __init__(self, load: Callable[[], Mapping[Key, Value]]):
        self._load, self._mapping = load, None

    def loaded(self) -> Mapping[Key, Value]:
        """Return the mapping, reading it on first use."""
        if self._mapping is None:
            self._mapping = self._load()
        return self._mapping

    def __getitem__(self, key: Key) -> Value:
        return self.loaded()[key]

    def __contains__(self, key: object) -> bool:
        return key in self.loaded()

    def __iter__(self) -> Iterator[Key]:
        return iter(self.loaded())

    def __len__(self) -> int:
        return len(self.loaded())

    def __reduce__(self):
        return dict, (dict(self.loaded()),)  # stored as the mapping it stands for


class LoadedList(Sequence[Value]):
    """A list made when first used: the articles of a category, which a page's menu shows without."""

    def __init__(self, make: Callable[[], list[Value]]):
        self._make, self._list = make, None

    def loaded(self) -> list[Value]:
        """Return the list, making it on first use."""
        if self._list is None:
            self._list = self._make()
        return self._list

    def __getitem__(self, index):
        return self.loaded()[index]

    def __len__(self) -> int:
        return len(self.loaded())

    def __iter__(self) -> Iterator[Value]:
        return iter(self.loaded())


def with_changes(mapping: Mapping[Key, Value], values: Mapping[Key, Value], removed: Iterable[Key] = ()) -> Mapping[Key, Value]:
    """Return a read-only copy of a mapping with these values set and these keys removed; lazy stays lazy."""
    if isinstance(mapping, LazyMapping):
        return mapping.with_changes(values, removed)
    removed = set(removed)
    return MappingProxyType({k: v for k, v in {**mapping, **values}.items() if k not in removed})
