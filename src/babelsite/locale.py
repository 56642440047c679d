"""Language names, text direction, interface strings and collation per language."""

from __future__ import annotations

import datetime
import json
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Iterable, Mapping

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.core import get_global
from babel.core import parse_locale as split_locale
from babel.numbers import format_decimal


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
def shipped_codes() -> Mapping[str, str]:
    """Return the codes of the languages the theme ships interface strings for, keyed by their lowercase form."""
    folder = resources.files("babelsite").joinpath("ui_strings")
    codes = sorted(entry.name.removesuffix(".toml") for entry in folder.iterdir() if entry.name.endswith(".toml"))
    return MappingProxyType({code.lower(): code for code in codes})


@cache
def shipped_strings(code: str) -> Mapping[str, str | Mapping[str, str]]:
    """Return the theme's interface strings in one shipped language; a string with a count maps plural categories."""
    text = resources.files("babelsite").joinpath("ui_strings", f"{code}.toml").read_text("utf-8")
    return MappingProxyType(tomllib.loads(text))


def interface_keys() -> tuple[str, ...]:
    """Return the keys of the theme's interface strings (the English file has them all)."""
    return tuple(shipped_strings("en"))


def likely_form(code: str) -> tuple[str, ...]:
    """Return a code's likely full form as subtags: `zh-TW` is zh, Hant, TW; `sr` is sr, Cyrl, RS.

    Read from CLDR's likely subtags alone: no locale's data is loaded.
    """
    try:
        language, territory, script, _ = split_locale(code, sep="-")[:4]
    except ValueError:
        return ()
    likely = get_global("likely_subtags")
    guess = (likely.get("_".join(filter(None, (language, script, territory)))) or likely.get(language) or "").split("_")
    script = script or (guess[1] if len(guess) == 3 else None)
    territory = territory or (guess[-1] if len(guess) >= 2 else None)
    return tuple(part for part in (language, script, territory) if part)


@cache
def fallback_chain(code: str) -> tuple[str, ...]:
    """Return the codes whose shipped strings serve `code`, nearest first: `zh-Hant-TW`, `zh-Hant`.

    Shorter forms of the code come first, then those of its likely full form (`zh-TW` is
    `zh-Hant-TW`); a form in another script is left out (`sr` is Cyrillic, `sr-Latn` is not).
    """
    tags, full = code.split("-"), likely_form(code)
    forms = ["-".join(tags[:n]) for n in range(len(tags), 0, -1)]
    forms += ["-".join(full[:n]) for n in range(len(full), 0, -1)]
    script = full[1:2]
    return tuple(dict.fromkeys(form for form in forms if likely_form(form)[1:2] == script))


def shipped_language(code: str) -> str | None:
    """Return the nearest code in `code`'s chain whose strings the theme ships, or None."""
    shipped = shipped_codes()
    return next((shipped[form.lower()] for form in fallback_chain(code) if form.lower() in shipped), None)


def ui_strings(codes: Iterable[str], overrides: Mapping[str, Mapping[str, str]],
               default: str = "en") -> Mapping[str, Mapping[str, str | Mapping[str, str]]]:
    """Return interface strings per language code: its own chain's, else the `default` language's, else English.

    The site's `overrides` ([i18n.xx]) win; the default language's overrides stand in for its interface strings.
    """
    keys = interface_keys()
    default_strings = {**shipped_strings("en"), **chain_strings(default),
                       **{key: text for key, text in overrides.get(default, {}).items() if key in keys}}
    return MappingProxyType({
        code: MappingProxyType({**default_strings, **chain_strings(code), **overrides.get(code, {})}) for code in codes})


def chain_strings(code: str) -> dict[str, str | Mapping[str, str]]:
    """Return the strings the theme ships along `code`'s fallback chain, the nearest winning."""
    shipped = shipped_codes()
    strings: dict[str, str | Mapping[str, str]] = {}
    for form in reversed(fallback_chain(code)):
        if form.lower() in shipped:
            strings.update(shipped_strings(shipped[form.lower()]))
    return strings


def missing_strings(code: str, overrides: Mapping[str, str]) -> tuple[str, ...]:
    """Return the interface keys a language shows in another language: if the theme ships it none, those the site lacks."""
    if shipped_language(code) is not None:
        return ()
    return tuple(key for key in interface_keys() if key not in overrides)


def i18n_lines(code: str, default: str, overrides: Mapping[str, Mapping[str, str]], keys: Iterable[str]) -> str:
    """Return the lines of `[i18n.xx]` a site adds to translate `keys`, filled with what its pages show now."""
    shown = ui_strings([code], overrides, default)[code]
    lines = []
    for key in keys:
        text = shown[key]
        if isinstance(text, str):
            lines.append(f"{key} = {toml_string(text)}")
        else:  # one form per plural category of the language, each from the nearest form shown now
            forms = ", ".join(f"{category} = {toml_string(text.get(category) or text['other'])}"
                              for category in plural_categories(code))
            lines.append(f"{key} = {{ {forms} }}")
    return "\n".join(lines)


def toml_string(text: str) -> str:
    """Return text as a TOML basic string."""
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True)
class InterfaceCoverage:
    """How many of the theme's interface strings a language has in itself, and where they come from."""

    translated: int
    total: int
    source: str  # "theme:<code>" for the theme's strings, "site" for [i18n.xx] alone, "" for none
    missing: tuple[str, ...]

    @property
    def share(self) -> float:
        """Return the share of the strings the language has, from 0 to 1."""
        return self.translated / self.total if self.total else 1.0


def interface_coverage(code: str, overrides: Mapping[str, object]) -> InterfaceCoverage:
    """Return a language's interface-string coverage: the theme's strings along its chain, else the site's."""
    missing = missing_strings(code, overrides)
    shipped = shipped_language(code)
    total = len(interface_keys())
    source = f"theme:{shipped}" if shipped else "site" if len(missing) < total else ""
    return InterfaceCoverage(total - len(missing), total, source, missing)


def plural_categories(code: str) -> tuple[str, ...]:
    """Return the CLDR plural categories of a language's counts, in CLDR's order (`other` last)."""
    locale = parse_locale(code)
    tags = locale.plural_form.tags if locale is not None else frozenset()
    return tuple(tag for tag in ("zero", "one", "two", "few", "many") if tag in tags) + ("other",)


def count_text(code: str, text: str | Mapping[str, str], count: int) -> str:
    """Return the form of a string with a count that the language's plural rule picks for `count`, number filled in."""
    locale = parse_locale(code)
    if locale is None:
        return (text if isinstance(text, str) else text["other"]).replace("{count}", str(count))
    form = text if isinstance(text, str) else text.get(locale.plural_form(count)) or text["other"]
    return form.replace("{count}", format_decimal(count, locale=locale))


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
