"""Diagnostics: problems found in a user's files, collected and reported together."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

ERROR = "error"
WARNING = "warning"
INFO = "info"
# What would break a `path:line: message` line or hide what a name says: control characters, line and
# paragraph separators, bidirectional overrides, and the bytes of a name that is not UTF-8 (surrogateescape).
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\udc80-\udcff]")
ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in a user's file, located by path and 1-based line (0: whole file)."""

    path: str
    line: int
    severity: str
    message: str
    hint: str = ""
    code: str = ""  # a stable name for the kind of problem, for tools reading --format json

    def format(self) -> str:
        """Return the `path:line: severity: message (hint)` form users see."""
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.severity}: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text


def printable(text: str) -> str:
    """Return a file name with what a terminal would not show as written escaped: `bad\\xff.md`, `a\\nb.md`."""
    return UNPRINTABLE.sub(lambda match: escape(match.group()), text)


def escape(char: str) -> str:
    """Return the escape of one character: \\n, \\xff for an undecodable byte, \\u202e."""
    code = ord(char)
    if char in ESCAPES:
        return ESCAPES[char]
    if 0xDC80 <= code <= 0xDCFF:  # the byte os.fsdecode could not decode
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class SiteError(Exception):
    """Raised when a build stage found errors; carries every diagnostic found so far."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = tuple(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))

    def __reduce__(self):
        # Rebuilt from its diagnostics when it crosses from a worker process, not from its message.
        return SiteError, (self.diagnostics,)


class Collector:
    """Gathers diagnostics from a stage so they can all be reported at once."""

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        self.items: list[Diagnostic] = []
        self._resolved_site_dir: Path | None = None

    def display_path(self, path: Path | str) -> str:
        """Return `path` relative to the site folder when it is inside it, printable (see `printable`)."""
        if self._resolved_site_dir is None:
            self._resolved_site_dir = self.site_dir.resolve()
        try:  # symlinks stay as written: the user knows the path under content/, not its target
            return printable(Path(os.path.abspath(path)).relative_to(self._resolved_site_dir).as_posix())
        except ValueError:
            return printable(str(path))

    def error(self, path: Path | str, line: int, message: str, hint: str = "", code: str = "") -> None:
        """Record an error at `path:line`."""
        self.items.append(Diagnostic(self.display_path(path), line, ERROR, message, hint, code))

    def warning(self, path: Path | str, line: int, message: str, hint: str = "", code: str = "") -> None:
        """Record a warning at `path:line`."""
        self.items.append(Diagnostic(self.display_path(path), line, WARNING, message, hint, code))

    def info(self, path: Path | str, line: int, message: str, hint: str = "", code: str = "") -> None:
        """Record a note at `path:line` that is neither an error nor a warning."""
        self.items.append(Diagnostic(self.display_path(path), line, INFO, message, hint, code))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        """Add diagnostics found elsewhere (for example in a worker)."""
        self.items.extend(diagnostics)

    @property
    def has_errors(self) -> bool:
        return any(d.severity == ERROR for d in self.items)

    def raise_if_errors(self) -> None:
        """Stop the pipeline when any error was found, reporting every diagnostic."""
        if self.has_errors:
            raise SiteError(sorted(set(self.items)))

    def sorted(self) -> tuple[Diagnostic, ...]:
        """Return the diagnostics, deduplicated, in path and line order."""
        return tuple(sorted(set(self.items)))


def plural(count: int, noun: str) -> str:
    """Return a count with its noun in English, agreeing: `1 warning`, `2 warnings`."""
    return f"{count} {noun}{'s' * (count != 1)}"


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return a `did you mean 'x'?` hint for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f"did you mean '{close[0]}'?" if close else ""
