"""Front matter: splitting, YAML 1.2 scalars, absolute line numbers, and errors at their line."""

from __future__ import annotations

import datetime

import pytest

from babelsite.content.frontmatter import FrontMatterError, parse_file


def error_of(data: bytes) -> tuple[int, str]:
    """Return the (line, message) of the FrontMatterError that parsing `data` raises."""
    with pytest.raises(FrontMatterError) as caught:
        parse_file(data)
    return caught.value.line, caught.value.message


def test_quoting_styles_as_hand_and_tool_written_yaml_uses_them():
    parsed = parse_file(
        b"---\n"
        b'title: "Alfa: l\'inizio \\"vero\\""\n'
        b"plain: 'Fonte ''due'''\n"
        b"folded: >-\n"
        b"  Original paper of Stable Diffusion (High-Resolution\n"
        b"  Image Synthesis)\n"
        b"after: next\n"
        b"---\n"
        b"Body\n"
    )
    assert dict(parsed.metadata) == {
        "title": 'Alfa: l\'inizio "vero"',
        "plain": "Fonte 'due'",
        "folded": "Original paper of Stable Diffusion (High-Resolution Image Synthesis)",
        "after": "next",
    }
    assert parsed.body == "\nBody\n"
    assert parsed.body_offset == 7


def test_file_without_trailing_newline():
    parsed = parse_file(b"---\ntitle: Gamma\n---\nLast line")
    assert dict(parsed.metadata) == {"title": "Gamma"}
    assert parsed.body == "\nLast line"
    assert parsed.body_offset + parsed.body.splitlines().index("Last line") + 1 == 4


def test_front_matter_only_without_trailing_newline():
    parsed = parse_file(b"---\ntitle: Gamma\n---")
    assert dict(parsed.metadata) == {"title": "Gamma"}
    assert parsed.body == ""


def test_crlf_and_bom_read_like_lf():
    lf = parse_file(b"---\ntitle: Alpha\nrelated:\n  - beta\n---\nText\n")
    crlf = parse_file(b"\xef\xbb\xbf---\r\ntitle: Alpha\r\nrelated:\r\n  - beta\r\n---\r\nText\r\n")
    assert dict(crlf.metadata) == dict(lf.metadata) == {"title": "Alpha", "related": ["beta"]}
    assert crlf.body == lf.body == "\nText\n"
    assert dict(crlf.lines) == dict(lf.lines)
    assert crlf.body_offset == lf.body_offset == 4


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("lang: no", "no"),
        ("x: on", "on"),
        ("x: off", "off"),
        ("x: yes", "yes"),
        ("x: y", "y"),
        ("t: 12:30", "12:30"),
        ("n: 010", 10),
        ("n: 09", 9),
        ("n: 0x1F", 31),
        ("n: 0o17", 15),
        ("n: -3", -3),
        ("x: =", "="),
        ("n: 1_000", "1_000"),
        ("b: true", True),
        ("b: false", False),
        ("b: True", True),
        ("n: 12", 12),
        ("f: 1.5", 1.5),
        ("f: 1e3", 1000.0),
        ("d: 2024-01-05", datetime.date(2024, 1, 5)),
        ("d: 2024-01-05 10:30:00", datetime.datetime(2024, 1, 5, 10, 30)),
        ("z: ~", None),
        ("z: null", None),
        ("q: 'no'", "no"),
        ('q: "true"', "true"),
    ],
)
def test_scalars_resolve_as_yaml_1_2(line, value):
    key = line.split(":")[0]
    metadata = parse_file(f"---\n{line}\n---\n".encode()).metadata
    assert metadata[key] == value
    assert type(metadata[key]) is type(value)


def test_yaml_1_1_traps_also_stay_strings_as_keys_and_list_items():
    metadata = parse_file(b"---\nlanguages: [no, on, yes, 12:30]\non: off\n---\n").metadata
    assert dict(metadata) == {"languages": ["no", "on", "yes", "12:30"], "on": "off"}


def test_line_map_gives_absolute_file_lines_of_keys_and_items():
    parsed = parse_file(
        b"---\n"                                    # 1
        b"title: Alpha\n"                           # 2
        b"sources:\n"                               # 3
        b"  - text: One\n"                          # 4
        b"    url: https://example.org/one\n"       # 5
        b"  - text: >-\n"                           # 6
        b"      Two, folded\n"                      # 7
        b"    url: https://example.org/two\n"       # 8
        b"related: [beta,\n"                        # 9
        b"  gamma]\n"                               # 10
        b"---\n"                                    # 11
        b"Body\n"                                   # 12
    )
    assert parsed.lines[("title",)] == 2
    assert parsed.lines[("sources",)] == 3
    assert parsed.lines[("sources", 0)] == 4
    assert parsed.lines[("sources", 0, "url")] == 5
    assert parsed.lines[("sources", 1)] == 6
    assert parsed.lines[("sources", 1, "text")] == 6
    assert parsed.lines[("sources", 1, "url")] == 8
    assert parsed.lines[("related",)] == 9
    assert parsed.lines[("related", 0)] == 9
    assert parsed.lines[("related", 1)] == 10
    assert parsed.body_offset + parsed.body.splitlines().index("Body") + 1 == 12


def test_line_map_counts_blank_lines_after_the_opening_dashes():
    parsed = parse_file(b"\xef\xbb\xbf---\r\n\r\n\r\ntitle: Late\r\n---\r\n")
    assert parsed.lines[("title",)] == 4


def test_empty_front_matter_is_an_empty_mapping():
    parsed = parse_file(b"---\n---\nBody\n")
    assert dict(parsed.metadata) == {}
    assert parsed.body == "\nBody\n"


def test_nested_values_keep_their_kinds_and_lines():
    parsed = parse_file(
        b"---\n"
        b"title: x\n"
        b"date: 2024-05-06\n"
        b"sources:\n"
        b"  - text: A\n"
        b"    url: https://a.example\n"
        b"    year: 2021\n"
        b"extra: {hero: wide, 7: seven, draft: true, tags: [a, 2], none: ~}\n"
        b"---\n"
    )
    assert dict(parsed.metadata) == {
        "title": "x", "date": datetime.date(2024, 5, 6),
        "sources": [{"text": "A", "url": "https://a.example", "year": 2021}],
        "extra": {"hero": "wide", 7: "seven", "draft": True, "tags": ["a", 2], "none": None},
    }
    assert parsed.lines[("sources", 0)] == 5
    assert parsed.lines[("sources", 0, "year")] == 7
    assert parsed.lines[("extra", "tags", 1)] == 8


def test_anchors_and_recursive_aliases_do_not_hang_or_crash():
    parsed = parse_file(b"---\nbase: &b [x, y]\ncopy: *b\nloop: &l [*l]\n---\n")
    assert parsed.metadata["copy"] == ["x", "y"]
    assert parsed.metadata["loop"][0] is parsed.metadata["loop"]
    assert parsed.lines[("copy",)] == 3


@pytest.mark.parametrize(
    ("data", "line", "start"),
    [
        (b"---\ntitle: x\nrelated: [a, b\nweight: 1\n---\n", 4, "YAML syntax error: while parsing a flow sequence"),
        (b"---\ntitle: x\n\tbad: tab\n---\n", 3, "YAML indents with spaces; line 3 has a tab"),
        (b"---\ntitle: x\nsources:\n\t- text: a\n---\n", 4, "YAML indents with spaces; line 4 has a tab"),
        (b"---\ntitle: x\ncategory: a: b\n---\n", 3, "YAML syntax error: mapping values are not allowed"),
        (b'---\ntitle: "open\nweight: 1\n---\nBody\n', 4, "YAML syntax error: while scanning a quoted scalar"),
        (b"---\ntitle: x\nx: !!python/object:os.system echo\n---\n", 3,
         "YAML syntax error: could not determine a constructor for the tag"),
        (b"---\ntitle: x\nextra: !!map wide\n---\n", 3, "YAML syntax error: expected a mapping node, but found scalar"),
        (b"---\ntitle: x\nrelated: !!seq a\n---\n", 3, "YAML syntax error: expected a sequence node, but found scalar"),
        (b"---\ntitle: !!str {a: 1}\n---\n", 2, "YAML syntax error: expected a scalar node, but found mapping"),
        (b"---\ntitle: x\n!!str [a]: b\n---\n", 3, "YAML syntax error: expected a scalar node, but found sequence"),
    ],
)
def test_yaml_syntax_errors_name_the_absolute_line(data, line, start):
    found_line, message = error_of(data)
    assert found_line == line
    assert message.startswith(start)


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"---\n\n- one\n- two\n---\nBody\n", 3, "front matter is a list, not a mapping of keys"),
        (b"---\njust a sentence\n---\nBody\n", 2, "front matter is a single value, not a mapping of keys"),
        (b"---\ntitle: x\nbody without closing\n", 1, "front matter is not closed"),
        (b"---\n", 1, "front matter is not closed"),
        (b"", 1, "the file is empty"),
        (b"\xef\xbb\xbf \r\n\n", 1, "the file is empty"),
        (b"---\ntitle: a\ncategory: b\ntitle: c\n---\n", 4, "key 'title' appears twice"),
        (b"---\ntitle: x\ndate: 2024-13-45\n---\n", 3,
         "'2024-13-45' is not a valid date (month must be in 1..12)"),
        (b"---\ntitle: x\nweight: !!int ten\n---\n", 3,
         "'ten' is not a valid int (invalid literal for int() with base 10: 'ten')"),
        (b"---\ntitle: caf\xe9\n---\n", 2, "not valid UTF-8 at byte 14 (invalid continuation byte)"),
        (b"\xef\xbb\xbf---\n\ntitle: \xff\n---\n", 3, "not valid UTF-8 at byte 15 (invalid start byte)"),
        (b"---\ntitle: x\n---\nText\x00more\n", 4, "NUL byte at byte 21"),
        # the order PyYAML's constructor reports them in: a repeated key before a value that cannot exist...
        (b"---\ndate: 2024-13-45\nextra:\n  a: 1\n  a: 2\n---\n", 5, "key 'a' appears twice"),
        # ...and a top-level value before one in a nested list
        (b"---\nsources:\n  - date: 2024-13-45\nupdated: 2024-02-30\n---\n", 4,
         "'2024-02-30' is not a valid date (day is out of range for month)"),
    ],
)
def test_errors_name_the_absolute_line(data, line, message):
    assert error_of(data) == (line, message)


def test_every_error_carries_a_hint():
    for data in (b"", b"---\n", b"---\n- a\n---\n", b"---\na: [\n---\n", b"\xff", b"\x00"):
        with pytest.raises(FrontMatterError) as caught:
            parse_file(data)
        assert caught.value.hint


def test_a_file_without_front_matter_is_all_body():
    parsed = parse_file(b"# Install\n\nSteps.\n")
    assert (dict(parsed.metadata), parsed.body, parsed.body_offset) == ({}, "# Install\n\nSteps.\n", 0)


def test_front_matter_keys_match_whatever_their_case_and_lower_case_wins():
    parsed = parse_file(b"---\nTitle: Upper\nWeight: 3\ntitle: lower\n---\nx\n")
    assert dict(parsed.metadata) == {"title": "lower", "weight": 3}
    assert parsed.lines[("weight",)] == 3
