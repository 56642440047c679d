"""Time the collation keys of 10,000 titles per language: ICU per language, against pyuca's root order.

    python bench/collation.py [--titles 10000] [--repeat 5] [--languages es sv de fr en]

babelsite sorts every listing and menu by the titles' collation keys, computed once per title
and language. This prints, per language, the median time to create the collator and to
compute the keys of `--titles` distinct titles (with accented words of that language), then
to sort them by those keys. pyuca, which babelsite used before ICU, is timed too when it is
installed (`pip install pyuca`); it knows only the root order, the same for every language.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Callable

WORDS = "latent space noise sampler model image prompt guidance scale step encoder decoder attention layer".split()
ACCENTED = {  # words each language writes with its own letters, so that its rules matter
    "es": "señal niño año compañía pequeño diseño ángulo búsqueda",
    "sv": "åtgärd höjd ämne även förlust väg språk öppen",
    "de": "Größe Übung Straße ändern Öffnung Fläche Schlüssel Maß",
    "fr": "étape modèle élève façon cœur hôte réseau",
    "en": "naïve café résumé rôle",
}


def titles(lang: str, count: int) -> list[str]:
    """Return `count` distinct titles of three or four words, a third of them accented, deterministic per language."""
    rng = random.Random(lang)
    words = WORDS + ACCENTED.get(lang, "").split()
    return [" ".join(rng.choice(words) for _ in range(rng.randint(3, 4))).capitalize() + f" {number}"
            for number in range(count)]


def icu_collator(lang: str) -> Callable[[str], bytes]:
    """Return ICU's sort-key function for a language, as babelsite.locale makes it."""
    import icu

    return icu.Collator.createInstance(icu.Locale.forLanguageTag(lang)).getSortKey


def pyuca_collator(lang: str) -> Callable[[str], tuple[int, ...]]:
    """Return pyuca's sort-key function: the root order, whatever the language."""
    from pyuca import Collator

    return Collator().sort_key


def time_keys(make: Callable[[str], Callable], lang: str, texts: list[str], repeat: int) -> tuple[float, float, float]:
    """Return the median seconds to create the collator, to compute every key, and to sort by them."""
    created, computed, ordered = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        key = make(lang)
        t1 = time.perf_counter()
        keys = {text: key(text) for text in texts}
        t2 = time.perf_counter()
        sorted(texts, key=keys.__getitem__)
        t3 = time.perf_counter()
        created.append(t1 - t0)
        computed.append(t2 - t1)
        ordered.append(t3 - t2)
    return statistics.median(created), statistics.median(computed), statistics.median(ordered)


def main() -> None:
    """Print a table of medians per backend and language."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--languages", nargs="+", default=["es", "sv", "de", "fr", "en"])
    args = parser.parse_args()
    backends: dict[str, Callable[[str], Callable]] = {"icu": icu_collator}
    try:
        import pyuca  # noqa: F401 - only to know whether it can be compared
        backends["pyuca"] = pyuca_collator
    except ImportError:
        print("pyuca is not installed: timing ICU alone (pip install pyuca to compare)")
    print(f"{args.titles} titles per language, medians of {args.repeat} runs")
    print(f"{'backend':8} {'lang':5} {'collator':>10} {'keys':>10} {'sort':>10} {'per title':>10}")
    for name, make in backends.items():
        for lang in args.languages:
            created, computed, ordered = time_keys(make, lang, titles(lang, args.titles), args.repeat)
            print(f"{name:8} {lang:5} {created * 1000:8.1f}ms {computed * 1000:8.1f}ms {ordered * 1000:8.1f}ms "
                  f"{computed / args.titles * 1e6:8.2f}µs")


if __name__ == "__main__":
    main()
