"""Each language's titles sorted by its own alphabet: ICU's collation per language, the root order for others."""

from __future__ import annotations

from babelsite.build import BuildOptions, prepare
from babelsite.links.tree import language_tree
from babelsite.locale import collation_key
from conftest import run


def collated(titles: list[str], lang: str) -> list[str]:
    """Return titles sorted by their collation keys in `lang`."""
    return sorted(titles, key=lambda title: collation_key(title, lang))


def test_spanish_sorts_enye_after_n():
    assert collated(["oso", "ñandú", "nube", "nada", "Ñu"], "es") == ["nada", "nube", "ñandú", "Ñu", "oso"]


def test_swedish_sorts_a_ring_a_and_o_umlaut_after_z():
    assert collated(["öl", "zebra", "äpple", "åka", "apa", "Östra"], "sv") == \
        ["apa", "zebra", "åka", "äpple", "öl", "Östra"]


def test_german_sorts_umlauts_and_eszett_with_their_base_letters():
    assert collated(["Zug", "Öl", "Ofen", "Äpfel", "Apfel", "Straße", "Strand", "Strasse"], "de") == \
        ["Apfel", "Äpfel", "Ofen", "Öl", "Strand", "Strasse", "Straße", "Zug"]


def test_a_language_icu_does_not_know_sorts_in_the_root_order():
    titles = ["öl", "zebra", "åka", "apa", "ñandú", "nube"]
    assert collated(titles, "tlh") == collated(titles, "und") == ["åka", "apa", "ñandú", "nube", "öl", "zebra"]


def test_each_language_menu_is_sorted_by_its_own_alphabet(site):
    root = site("collation")
    assert run("build", root, "--strict") == 0
    linked = prepare(BuildOptions(site_dir=root)).site
    menus = {lang: [node.title for node in language_tree(linked, lang).order if node.key]
             for lang in ("es", "sv", "de")}
    assert menus == {
        "es": ["Arroz", "Nube", "Ñandú", "Oso", "Zumo"],
        "sv": ["Apa", "Zebra", "Åka", "Äpple", "Öl"],
        "de": ["Apfel", "Äpfel", "Ofen", "Öl", "Zug"],
    }
