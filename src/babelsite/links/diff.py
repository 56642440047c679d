"""What changed in an original since a translation was made from it: front matter keys, and the body by section.

The version translated is found in git history: the commit named by the translation's
`translated_from_commit:` (or `default_lang_commit:`, the key large Hugo sites keep), else the
original's commit whose content hashes to its `translated_from:`, else the original as it
was at the translation's last commit. A few git processes per translation, none per file.
"""

from __future__ import annotations

import difflib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from markdown_it import MarkdownIt

from ..content.frontmatter import FrontMatterError, ParsedFile, decode, parse_file
from ..content.load import validate
from ..errors import Collector, Diagnostic, did_you_mean
from ..model import Article, SourceFile
from .resolve import LinkedSite
from .translations import GIT_TIMEOUT, git, recorded_hash

COMMIT_KEYS = ("translated_from_commit", "default_lang_commit")
BY_HASH, BY_GIT = "translated_from", "git"  # how the version translated was found, besides a key of COMMIT_KEYS
CONTEXT = 2  # unchanged lines shown around each change
COMMIT_ID = re.compile(r"[0-9a-fA-F]{4,64}")  # a commit's id or its abbreviation, never an option for git
DELIMITER = re.compile(r"^-{3,}\s*$")  # the lines around front matter
HEADINGS = MarkdownIt("commonmark")


class DiffError(Exception):
    """A key or language on the command line that names no translation; message and hint for the user."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Commit:
    """One commit of the original: its id, date and subject."""

    id: str
    date: str
    subject: str


@dataclass(frozen=True)
class FieldChange:
    """A front matter key whose value changed: before and now as written, None where the key was absent."""

    key: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Version:
    """One version of a file: its front matter and body, and its lines as written."""

    parsed: ParsedFile
    lines: tuple[str, ...]


def read_version(data: bytes) -> Version:
    """Parse a version of a file; FrontMatterError when it cannot be read."""
    return Version(parse_file(data), tuple(decode(data).split("\n")))


@dataclass(frozen=True)
class Section:
    """A part of a body: its heading (`## Training`, '' before the first heading) and its lines."""

    heading: str
    line: int  # the file line it starts at
    lines: tuple[str, ...]


@dataclass(frozen=True)
class SectionChange:
    """A section of the original that changed since the translation, with a unified diff numbered as the files."""

    heading: str  # as it is now; as it was when removed
    old_heading: str | None  # what it was called, when the heading itself changed
    change: str  # changed, added or removed
    line: int  # where it starts in the original now (before, when removed)
    diff: tuple[str, ...]  # `@@ -a,b +c,d @@` lines, then lines starting with ' ', '-' or '+'


@dataclass(frozen=True)
class OriginalDiff:
    """What changed in an original since the version a translation was made from."""

    key: str
    lang: str
    translation: str  # the translation's path, relative to the site folder
    original: str
    found_by: str | None  # the key that named it (translated_from_commit, translated_from...), or git; None: not found
    base: Commit | None  # the original's commit that was translated; None when not found or still current
    since: tuple[Commit, ...]  # the original's commits after it, newest first
    problem: Diagnostic | None  # why the version translated could not be found, and what to do
    fields: tuple[FieldChange, ...]
    sections: tuple[SectionChange, ...]
    outline: tuple[Section, ...]  # the original's sections now

    @property
    def unchanged(self) -> bool:
        """Tell whether the original is as it was when translated."""
        return self.problem is None and not self.fields and not self.sections


def original_diff(site: LinkedSite, files: Iterable[SourceFile], reference: str, lang: str) -> OriginalDiff:
    """Compare a translation's original now with the version it was made from; DiffError for an unknown one."""
    key, translation = find_translation(site, reference, lang)
    original = site.original(key)
    source = next(f for f in files if f.path == original.path)
    problems = Collector(site.config.site_dir)
    current = read_version(original.path.read_bytes())
    base = BaseFinder(site, source, original, translation, problems).find()
    outline = sections(current.parsed)
    if base is None:
        return OriginalDiff(key, lang, translation.display_path, original.display_path, None, None, (),
                            problems.items[0], (), (), outline)
    found_by, commit, since, old = base
    fields, changes = compare(old, current) if old is not None else ((), ())
    return OriginalDiff(key, lang, translation.display_path, original.display_path, found_by, commit, since, None,
                        fields, changes, outline)


def find_translation(site: LinkedSite, reference: str, lang: str) -> tuple[str, Article]:
    """Return the key and the `lang` translation a command line names; DiffError when it names none."""
    key = reference.strip().strip("/").removesuffix(".md")
    if key not in site.corpus.groups:
        candidates = site.stems.get(key, ())
        if len(candidates) != 1:
            hint = (f"write one of {', '.join(candidates)}" if candidates
                    else did_you_mean(key, list(site.corpus.groups)) or "babelsite status lists every page's key")
            raise DiffError(f"no page has the key '{key}'", hint)
        key = candidates[0]
    codes = site.config.language_codes
    if lang not in codes:
        raise DiffError(f"language '{lang}' is not in site.toml", did_you_mean(lang, codes) or f"use one of {', '.join(codes)}")
    original, translation = site.original(key), site.corpus.groups[key].get(lang)
    if translation is None:
        raise DiffError(f"'{key}' has no version in {lang}",
                        f"start one with: babelsite new {key} --lang {lang} --from {original.lang}")
    if translation is original:
        others = [code for code in site.corpus.groups[key] if code != lang]
        hint = f"compare a translation with it: --lang {others[0]}" if others else "it has no translation yet"
        raise DiffError(f"the {lang} version of '{key}' is the original", hint)
    return key, translation


class BaseFinder:
    """Finds, in git history, the version of an original that a translation was made from."""

    def __init__(self, site: LinkedSite, source: SourceFile, original: Article, translation: Article,
                 problems: Collector):
        self.config, self.source, self.original, self.translation = site.config, source, original, translation
        self.problems = problems
        self.parsed = parse_file(translation.path.read_bytes())  # for the lines of its keys

    def find(self) -> tuple[str, Commit | None, tuple[Commit, ...], Version | None] | None:
        """Return how it was found, the commit, the commits since and that version; None with a problem recorded."""
        named = next(((key, self.parsed.metadata[key]) for key in COMMIT_KEYS if self.parsed.metadata.get(key)), None)
        recorded = recorded_hash(self.translation)
        if named is None and recorded is not None and recorded == self.original.content_hash:
            return BY_HASH, None, (), None  # up to date: nothing to look for
        top = git(self.original.path.parent, "rev-parse", "--show-toplevel")
        if top is None:
            return self.fail((), "no git history to find the version of the original it was made from",
                             "commit the site to git (the history of the original is what diff compares)")
        top_path = Path(top)
        path = self.original.path.resolve().relative_to(top_path.resolve()).as_posix()
        history = commits(top_path, path)
        if not history:
            return self.fail((), f"{self.original.display_path} has no commit in git",
                             "commit it, then compare again")
        if named is not None:
            key, commit = named[0], str(named[1]).strip()
            anchor = git(top_path, "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}") \
                if COMMIT_ID.fullmatch(commit) else None
            if anchor is None:
                return self.fail((key,), f"{key}: {commit} names no commit of this repository",
                                 "write the id of the original's commit this translation was made from")
            return self.version_at(top_path, path, anchor, history, key)
        if recorded is not None:
            return self.version_by_hash(top_path, path, recorded, history)
        anchor = git(top_path, "log", "-1", "--format=%H", "--",
                     self.translation.path.resolve().relative_to(top_path.resolve()).as_posix())
        if not anchor:
            return self.fail((), "no translated_from and no commit of the translation to tell what it was made from",
                             "add translated_from_commit: with the original's commit it was made from")
        return self.version_at(top_path, path, anchor, history, BY_GIT)

    def version_at(self, top: Path, path: str, anchor: str, history: list[Commit], found_by: str):
        """Return the original as it was at the commit `anchor`, and its commits since."""
        at = commits(top, path, "-1", anchor)
        if not at:
            return self.fail((), f"{self.original.display_path} did not exist yet at commit {anchor[:12]}",
                             "name the original's commit the translation was made from in translated_from_commit:")
        (data,) = blobs(top, [f"{at[0].id}:{path}"])
        old = self.readable(data, at[0])
        if old is None:
            return None
        since = tuple(history[:history.index(at[0])]) if at[0] in history else tuple(history)
        return found_by, at[0], since, old

    def version_by_hash(self, top: Path, path: str, recorded: str, history: list[Commit]):
        """Return the original's newest committed version whose content hash is `recorded`, and its commits since."""
        for index, (commit, data) in enumerate(zip(history, blobs(top, [f"{c.id}:{path}" for c in history]))):
            if data is not None and self.hash_of(data) == recorded:
                old = self.readable(data, commit)
                return None if old is None else (BY_HASH, commit, tuple(history[:index]), old)
        return self.fail(("translated_from",),
                         f"no commit of {self.original.display_path} has the hash {recorded} this translation records",
                         "add translated_from_commit: with the original's commit it was made from")

    def hash_of(self, data: bytes) -> str | None:
        """Return the content hash of a past version of the original, None when it was not a valid article."""
        try:
            article = validate(self.config, self.source, parse_file(data), Collector(self.config.site_dir))
        except FrontMatterError:
            return None
        return article.content_hash if article is not None else None

    def readable(self, data: bytes | None, commit: Commit) -> Version | None:
        """Parse a past version of the original; None with a problem recorded when it cannot be read."""
        try:
            if data is not None:
                return read_version(data)
            reason = "git could not read it"
        except FrontMatterError as exc:
            reason = exc.message
        return self.fail((), f"the original at commit {commit.id[:12]} cannot be read: {reason}",
                         "name another commit in translated_from_commit:")

    def fail(self, key: tuple, message: str, hint: str) -> None:
        """Record why the version translated was not found, at the translation's line of `key`."""
        line = self.parsed.lines.get(key, 0) if key else 0
        self.problems.error(self.translation.path, line, message, hint, code="diff-base")
        return None


def commits(top: Path, path: str, *revisions: str) -> list[Commit]:
    """Return the commits that changed a file, newest first, from one `git log`."""
    output = git(top, "log", "--format=%H%x09%cs%x09%s", *revisions, "--", path) or ""
    return [Commit(*line.split("\t", 2)) for line in output.splitlines() if line.count("\t") >= 2]


def blobs(top: Path, specs: list[str]) -> list[bytes | None]:
    """Return the contents of `commit:path` specs, read by one `git cat-file --batch`; None for one it lacks."""
    try:
        result = subprocess.run(["git", "cat-file", "--batch"], cwd=top, input="".join(f"{s}\n" for s in specs).encode(),
                                capture_output=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return [None] * len(specs)
    found: list[bytes | None] = []
    output, position = result.stdout, 0
    for _ in specs:
        end = output.find(b"\n", position)
        header = output[position:end].split() if end >= 0 else []
        position = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found.append(output[position:position + size])
            position += size + 1
        else:
            found.append(None)
    return found + [None] * (len(specs) - len(found))


def compare(old: Version, new: Version) -> tuple[tuple[FieldChange, ...], tuple[SectionChange, ...]]:
    """Return the front matter keys whose values differ, and the sections of the body that changed."""
    before, now = old.parsed.metadata, new.parsed.metadata
    keys = [*now, *(key for key in before if key not in now)]
    fields = tuple(FieldChange(key, written(old, key), written(new, key)) for key in keys
                   if not same(before.get(key), now.get(key), key in before, key in now))
    return fields, section_changes(sections(old.parsed), sections(new.parsed))


def same(old: Any, new: Any, had: bool, has: bool) -> bool:
    """Tell whether a key's value is the same before and now."""
    return had == has and old == new and type(old) is type(new)


def written(version: Version, key: str) -> str | None:
    """Return a top-level key's value as its YAML is written: the rest of its line, or the lines under it."""
    parsed = version.parsed
    start = parsed.lines.get((key,))
    if start is None or key not in parsed.metadata:
        return None
    starts = sorted(line for path, line in parsed.lines.items() if len(path) == 1)
    end = next((line for line in starts if line > start), parsed.body_offset + 1)
    chunk = list(version.lines[start - 1:end - 1])
    while chunk and (not chunk[-1].strip() or DELIMITER.match(chunk[-1])):
        chunk.pop()
    first = chunk[0].split(":", 1)[1].strip() if ":" in chunk[0] else ""
    return "\n".join(filter(None, [first, *chunk[1:]]))


def sections(parsed: ParsedFile) -> tuple[Section, ...]:
    """Split a body at its headings (any level, as CommonMark reads them, not inside code)."""
    lines = parsed.body.split("\n")
    tokens = HEADINGS.parse(parsed.body)
    starts = [(token.map[0], f"{'#' * int(token.tag[1])} {tokens[index + 1].content}")
              for index, token in enumerate(tokens) if token.type == "heading_open" and token.map]
    bounds = [(0, ""), *starts] if not starts or starts[0][0] > 0 else starts
    result = []
    for number, (start, heading) in enumerate(bounds):
        end = bounds[number + 1][0] if number + 1 < len(bounds) else len(lines)
        while start < end and not lines[start].strip():
            start += 1  # a section starts at its first line of text
        body = list(lines[start:end])
        while body and not body[-1].strip():
            body.pop()
        if heading or body:
            result.append(Section(heading, parsed.body_offset + start + 1, tuple(body)))
    return tuple(result)


def section_changes(old: tuple[Section, ...], new: tuple[Section, ...]) -> tuple[SectionChange, ...]:
    """Pair the sections before and now by heading, and return those that changed, were added or removed."""
    changes: list[SectionChange] = []
    matcher = difflib.SequenceMatcher(None, [s.heading for s in old], [s.heading for s in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        pairs = list(zip(old[i1:i2], new[j1:j2]))
        for before, now in pairs:
            if before.lines != now.lines:
                renamed = before.heading if before.heading != now.heading else None
                changes.append(SectionChange(now.heading, renamed, "changed", now.line,
                                             hunks(before.lines, now.lines, before.line, now.line)))
        changes += [SectionChange(s.heading, None, "removed", s.line, hunks(s.lines, (), s.line, 0))
                    for s in old[i1 + len(pairs):i2]]
        changes += [SectionChange(s.heading, None, "added", s.line, hunks((), s.lines, 0, s.line))
                    for s in new[j1 + len(pairs):j2]]
    return tuple(sorted(changes, key=lambda change: (change.change == "removed", change.line)))


def hunks(old: tuple[str, ...], new: tuple[str, ...], old_first: int, new_first: int) -> tuple[str, ...]:
    """Return the unified diff of two runs of lines, its `@@` ranges numbered from their first file lines."""
    lines: list[str] = []
    for group in difflib.SequenceMatcher(None, old, new, autojunk=False).get_grouped_opcodes(CONTEXT):
        i1, j1, i2, j2 = group[0][1], group[0][3], group[-1][2], group[-1][4]
        lines.append(f"@@ -{old_first + i1},{i2 - i1} +{new_first + j1},{j2 - j1} @@")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                lines += [" " + text for text in old[a1:a2]]
            else:
                lines += ["-" + text for text in old[a1:a2]] + ["+" + text for text in new[b1:b2]]
    return tuple(lines)
