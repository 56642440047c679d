"""Language names, text direction, interface strings and collation per language."""

from __future__ import annotations

import datetime
import tomllib
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Iterable, Mapping

from babel import Locale, UnknownLocaleError
from babel.dates import format_date


def parse_locale(code: str) -> Locale | None:
    """Return Babel's locale for a BCP 47 code such as `pt-BR`, or None if unknown."""
    try:
        return Locale.parse(code, sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def canonical_language_code(code: str) -> str | None:
    """Return a language code as BCP 47 writes it (`EN` as `en`, `es_ES` as `es-ES`), or None if Babel knows no such language."""
    parts = code.replace("_", "-").split("-")
    written = "-".join([parts[0].lower()] + [
        part.title() if len(part) == 4 and part.isalpha() else part.upper() if len(part) == 2 or part.isdigit()
        else part.lower() for part in parts[1:]])
    return written if parse_locale(written) is not None else None


def describe_language(code: str) -> tuple[str, str] | None:
    """Return (native name, 'ltr' or 'rtl') for a language code, or None if not a language."""
    locale = parse_locale(code)
    if locale is None:
        return None
    name = locale.get_display_name(locale) or code
    return name[:1].upper() + name[1:], locale.text_direction


def written_date(value: str, code: str) -> tuple[str, str]:
    """Return an ISO date as a language writes it ('4 décembre 2026') and the date; other text as it is, and ''."""
    locale = parse_locale(code)
    try:
        day = datetime.date.fromisoformat(value[:10])
    except ValueError:
        return value, ""
    if value[10:11] not in ("", "T", " "):
        return value, ""
    return (format_date(day, "long", locale=locale) if locale else day.isoformat()), day.isoformat()


@cache
def theme_strings() -> Mapping[str, Mapping[str, str]]:
    """Return the default theme's interface strings, per language."""
    text = resources.files("babelsite").joinpath("ui_strings.toml").read_text("utf-8")
    return tomllib.loads(text)


def ui_strings(codes: Iterable[str], overrides: Mapping[str, Mapping[str, str]]) -> Mapping[str, Mapping[str, str]]:
    """Return interface strings per language code: English, then the theme's, then the site's `overrides`."""
    shipped = theme_strings()
    result = {}
    for code in codes:
        base = code.split("-")[0].lower()
        strings = dict(shipped["en"])
        strings.update(shipped.get(base, {}))
        strings.update(shipped.get(code, {}))
        strings.update(overrides.get(code, {}))
        result[code] = MappingProxyType(strings)
    return MappingProxyType(result)


@cache
def collator(lang: str):
    """Return ICU's collator for a BCP 47 code: the language's own alphabet, the root order for one ICU does not know."""
    import icu  # imported on first use: a build whose keys all come from the cache never loads ICU

    return icu.Collator.createInstance(icu.Locale.forLanguageTag(lang))


# Keys already computed, by language and text: kept across the rebuilds of one process, since
# computing them takes most of the time of sorting a large site's lists.
_collation_keys: dict[tuple[str, str], bytes] = {}


def collation_key(text: str, lang: str) -> bytes:
    """Return a key that sorts text as readers of `lang` expect (ICU: the language's letters, accents, case)."""
    key = _collation_keys.get((lang, text))
    if key is None:
        key = _collation_keys[lang, text] = collator(lang).getSortKey(text)
    return key


def remember_collation_keys(keys: Mapping[tuple[str, str], bytes]) -> None:
    """Take collation keys computed elsewhere (by the processes that load articles), by language and text."""
    _collation_keys.update(keys)
