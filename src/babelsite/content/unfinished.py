"""The marks `babelsite new` leaves for the author to replace, which a page that is not a draft must not hold."""

from __future__ import annotations

from typing import Any, Callable, Iterator

TRANSLATE_TITLE = "TODO translate: {}"
TRANSLATE_BODY = "TODO: translate this text, then delete this line."
WRITE_TITLE = "TODO: {}"
WRITE_BODY = "TODO: write this article."


def unfinished_marks(meta: dict[str, Any], stem: str, body: str, body_offset: int,
                     line: Callable[..., int]) -> Iterator[tuple[int, str]]:
    """Yield the file line and text of each mark `new` wrote that is still there, in file order."""
    for key in ("title", "description"):
        value = meta.get(key)
        if isinstance(value, str) and (value.startswith(TRANSLATE_TITLE.format(""))
                                       or (key == "title" and value == WRITE_TITLE.format(stem))):
            yield line(key), value
    if "TODO: " not in body:  # how both body marks begin: most bodies need no split into lines
        return
    for number, text in enumerate(body.split("\n")):
        if text.strip() in (TRANSLATE_BODY, WRITE_BODY):
            yield body_offset + number + 1, text.strip()
