"""Split a Markdown file into front matter and body, and parse the YAML with line numbers."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any, Mapping

import yaml
from frontmatter.default_handlers import YAMLHandler

BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class InvalidValue(yaml.constructor.ConstructorError):
    """A scalar that matches a type's pattern but is not a value of it, such as 2024-13-45."""


class FrontMatterLoader(BaseLoader):  # type: ignore[misc, valid-type]
    """A safe YAML loader that resolves scalars as YAML 1.2 does.

    PyYAML follows YAML 1.1, where `no`, `on` and `yes` are booleans, `12:30` is a
    number, `010` is octal and `=` is a special value; authors mean strings and decimals
    there (`lang: no` is Norwegian).
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Build a value, reporting one that cannot exist (a 13th month) at its line."""
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, AttributeError, OverflowError) as exc:
            kind = node.tag.rpartition(":")[2].replace("timestamp", "date")
            raise InvalidValue(None, None, f"{node.value!r} is not a valid {kind} ({exc})", node.start_mark) from None

    def construct_yaml_int(self, node: yaml.Node) -> int:
        """Read an integer as YAML 1.2 does: decimal unless it starts with 0x or 0o."""
        value = self.construct_scalar(node).replace("_", "")
        return int(value, 0) if value.lstrip("+-")[:2].lower() in ("0x", "0o") else int(value, 10)


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                           "tag:yaml.org,2002:value")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
FrontMatterLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
FrontMatterLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
FrontMatterLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)
FrontMatterLoader.add_constructor("tag:yaml.org,2002:int", FrontMatterLoader.construct_yaml_int)

SPLITTER = YAMLHandler()


class FrontMatterError(Exception):
    """A problem in a file's front matter, at a 1-based line of the file."""

    def __init__(self, line: int, message: str, hint: str = "", code: str = "front-matter"):
        super().__init__(message)
        self.line = line
        self.message = message
        self.hint = hint
        self.code = code


@dataclass(frozen=True)
class ParsedFile:
    """A file's front matter (with the line of every key and item) and its body."""

    metadata: Mapping[str, Any]
    lines: Mapping[tuple, int]
    body: str
    body_offset: int  # lines of the file before the body's first line


def decode(data: bytes) -> str:
    """Decode file bytes as UTF-8 text with LF newlines; raise FrontMatterError otherwise."""
    if b"\x00" in data:
        offset = data.index(b"\x00")
        raise FrontMatterError(
            data[:offset].count(b"\n") + 1, f"NUL byte at byte {offset}",
            "this looks like a binary file; save it as UTF-8 text", code="encoding",
        )
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise FrontMatterError(
            data[: exc.start].count(b"\n") + 1,
            f"not valid UTF-8 at byte {exc.start} ({exc.reason})",
            "save the file as UTF-8", code="encoding",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_file(data: bytes) -> ParsedFile:
    """Split a Markdown file into its YAML front matter, keys lower-cased, and its body; no front matter is none."""
    text = decode(data)
    if not text.strip():
        raise FrontMatterError(1, "the file is empty", "add front matter with at least a title")
    yaml_text, yaml_offset, body = split_text(text)
    if yaml_text is None:
        return ParsedFile({}, {}, body, 0)
    body_offset = text[: len(text) - len(body)].count("\n")
    metadata, lines = load_yaml(yaml_text, yaml_offset)
    metadata, lines = lower_case_keys(metadata, lines)
    return ParsedFile(metadata, lines, body, body_offset)


def split_text(text: str) -> tuple[str | None, int, str]:
    """Return a file's YAML front matter (None when it has none), the file lines before that YAML, and its body."""
    opening = SPLITTER.FM_BOUNDARY.match(text)
    if not opening:
        return None, 0, text
    try:
        yaml_text, body = SPLITTER.split(text)
    except ValueError:
        raise FrontMatterError(
            1, "front matter is not closed", "add a '---' line after the last front matter key"
        ) from None
    return yaml_text, text[: opening.end()].count("\n"), body


def lower_case_keys(metadata: dict, lines: dict[tuple, int]) -> tuple[dict, dict[tuple, int]]:
    """Match top-level keys case-insensitively, as Hugo does (`Title:` is `title:`); a key written in lower case wins."""
    if all(not isinstance(key, str) or key == key.lower() for key in metadata):
        return metadata, lines
    lowered: dict = {}
    for key, value in sorted(metadata.items(), key=lambda item: isinstance(item[0], str) and item[0] != item[0].lower()):
        lowered.setdefault(key.lower() if isinstance(key, str) else key, value)
    moved = {}
    for path, line in lines.items():
        head = path[0].lower() if path and isinstance(path[0], str) else None
        moved.setdefault((head, *path[1:]) if head is not None else path, line)
    return lowered, moved


def load_yaml(yaml_text: str, offset: int) -> tuple[dict, dict[tuple, int]]:
    """Parse front matter YAML into a dict and the file line of each key and list item."""
    file_line = yaml_to_file_lines(yaml_text, offset)
    loader = FrontMatterLoader(yaml_text)
    lines: dict[tuple, int] = {}
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, lines
        try:
            if "&" in yaml_text:  # an anchor: its aliases share one value, which PyYAML's constructor keeps
                raise NotPlain
            data = value_with_lines(loader, node, (), file_line, lines)
        except (NotPlain, yaml.YAMLError):
            # PyYAML's own way then, and its order: a repeated key anywhere before a value that cannot exist
            lines.clear()
            record_lines(node, (), file_line, lines, set())
            data = construct_anew(yaml_text)
    except InvalidValue as exc:
        raise FrontMatterError(
            file_line[exc.problem_mark.line], exc.problem, "correct it, or put it in quotes to keep it as text"
        ) from None
    except yaml.reader.ReaderError as exc:
        # its position counts bytes with libyaml and characters without; the first such character is the one
        before = yaml_text[: yaml_text.find(chr(exc.character))]
        raise FrontMatterError(
            offset + before.count("\n") + 1, f"character U+{exc.character:04X} is not allowed in YAML",
            f"remove it, or write it as \\u{exc.character:04X} inside double quotes",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        tab = first_tab_indent(yaml_text, mark.line if mark else 0)
        if tab is not None:
            raise FrontMatterError(file_line[tab], f"YAML indents with spaces; line {file_line[tab]} has a tab",
                                   "replace the tab at the start of the line with spaces") from None
        line = file_line[mark.line] if mark else offset + 1
        problem = " ".join(filter(None, [exc.context, exc.problem]))
        raise FrontMatterError(line, f"YAML syntax error: {problem}", "check quoting and indentation") from None
    except yaml.YAMLError as exc:
        raise FrontMatterError(offset + 1, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    if data is None:
        return {}, lines
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise FrontMatterError(
            lines[()], f"front matter is {kind}, not a mapping of keys", "write it as 'key: value' lines"
        )
    return data, lines


def first_tab_indent(yaml_text: str, last: int) -> int | None:
    """Return the first YAML line up to `last` (0-based) whose indentation holds a tab, or None."""
    for number, text in enumerate(re.split("[\n\x85\u2028\u2029]", yaml_text)[: last + 1]):
        if "\t" in text[: len(text) - len(text.lstrip(" \t"))]:
            return number
    return None


def as_written(value: Any) -> str:
    """Return a front matter value as an author writes it in YAML: `System Anatomy`, `[vae, unet]`, `(none)`."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(as_written, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{as_written(key)}: {as_written(item)}" for key, item in value.items()) + "}"
    text = str(value)
    if text == "" or not text.isprintable():  # a line break or control character would split the message
        return json.dumps(text, ensure_ascii=False)  # YAML's double-quoted form, escapes written out
    return text


def kind_of(value: Any) -> str:
    """Name the kind of a front matter value for a message: text, a number, a list..."""
    if isinstance(value, bool):
        return "true or false"
    kinds = ((str, "text"), (int, "a number"), (float, "a decimal number"), (datetime.date, "a date"), (list, "a list"),
             (dict, "a mapping"))
    return next((name for kind, name in kinds if isinstance(value, kind)), "empty")


def yaml_to_file_lines(yaml_text: str, offset: int) -> list[int]:
    """Map each line as YAML counts them (NEL, U+2028 and U+2029 end lines too) to its 1-based file line."""
    file_line = [offset + 1]
    for char in re.findall("[\n\x85\u2028\u2029]", yaml_text):
        file_line.append(file_line[-1] + (char == "\n"))
    return file_line


class NotPlain(Exception):
    """A node value_with_lines leaves to PyYAML's constructor: a tagged collection, or a document with anchors."""


STR_TAG, SEQ_TAG, MAP_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def value_with_lines(loader: FrontMatterLoader, node: yaml.Node, path: tuple, file_line: list[int],
                     lines: dict[tuple, int]) -> Any:
    """Build a node's value as PyYAML does, recording lines as record_lines does, in one walk; NotPlain for what it leaves.

    Text, lists and mappings with text keys are built here; other scalars (numbers, dates, true)
    by the loader. Walking the nodes once for lines and once more in PyYAML's constructor took
    about a third of the time libyaml took to parse the front matter.
    """
    lines[path] = file_line[node.start_mark.line]
    tag, kind = node.tag, type(node)
    if kind is yaml.ScalarNode:
        return node.value if tag == STR_TAG else loader.construct_object(node, deep=True)
    if kind is yaml.MappingNode and tag == MAP_TAG:
        mapping: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag != STR_TAG or type(key_node) is not yaml.ScalarNode:  # a number, `<<`, a list
                raise NotPlain
            key = key_node.value
            line = file_line[key_node.start_mark.line]
            if key in mapping:
                raise FrontMatterError(line, f"key '{key}' appears twice", "remove one of the two")
            mapping[key] = value_with_lines(loader, value_node, path + (key,), file_line, lines)
            lines[path + (key,)] = line
        return mapping
    if kind is yaml.SequenceNode and tag == SEQ_TAG:
        return [value_with_lines(loader, item, path + (index,), file_line, lines) for index, item in enumerate(node.value)]
    raise NotPlain  # `!!set`, `!!omap`, or a tag that names no collection


def construct_anew(yaml_text: str) -> Any:
    """Build a document's value with PyYAML's constructor, from a new loader (one that failed may hold half-built nodes)."""
    loader = FrontMatterLoader(yaml_text)
    try:
        return loader.construct_document(loader.get_single_node())
    finally:
        loader.dispose()


def record_lines(node: yaml.Node, path: tuple, file_line: list[int], lines: dict[tuple, int], seen: set[int]) -> None:
    """Record the 1-based file line of every mapping key and sequence item; raise on a repeated key."""
    lines[path] = file_line[node.start_mark.line]
    if id(node) in seen:
        return  # an alias of a node already walked
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            line = file_line[key_node.start_mark.line]
            if key is not None and key in keys:
                raise FrontMatterError(line, f"key '{key}' appears twice", "remove one of the two")
            keys.add(key)
            record_lines(value_node, path + (key,), file_line, lines, seen)
            lines[path + (key,)] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            record_lines(item, path + (index,), file_line, lines, seen)
