"""Generate a realistic multilingual corpus: N slugs x L languages, deterministic from a seed.

    python bench/corpus.py OUT_DIR --articles 2000 --languages 5 [--seed 1]

Each article has front matter with a title, a category, 2-4 sources and 2-4 related
slugs, and a body of about 2.5 KB with headings, bold, inline code, lists, a table in
some, and [n] / [n, m] citations.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

LANGUAGES = ["en", "it", "es", "pt", "fr", "de", "nl", "pl", "sv", "ro"]
CATEGORIES = ["System Anatomy", "Generation Settings", "Training", "Sampling", "Conditioning", "Tooling"]
WORDS = (
    "latent space noise sampler model image prompt guidance scale step schedule encoder decoder "
    "attention layer token embedding weight gradient batch resolution pixel channel tensor "
    "diffusion denoising variance signal training dataset inference memory speed quality detail"
).split()


def sentence(rng: random.Random, sources: int) -> str:
    """Return one sentence, sometimes with bold, inline code or a citation."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    if rng.random() < 0.2:
        words[2] = f"**{words[2]}**"
    if rng.random() < 0.15:
        words[5] = f"`{words[5]}`"
    text = " ".join(words).capitalize() + "."
    roll = rng.random()
    if roll < 0.25:
        text += f" [{rng.randint(1, sources)}]"
    elif roll < 0.32 and sources > 1:
        first = rng.randint(1, sources - 1)
        text += f" [{first}, {first + 1}]"
    return text


def body(rng: random.Random, sources: int) -> str:
    """Return a body of about 2.5 KB that cites every source at least once."""
    parts = [" ".join(sentence(rng, sources) for _ in range(3)) + " [1]"]
    for section in range(3):
        parts.append(f"### {' '.join(rng.choice(WORDS) for _ in range(3)).title()} {section + 1}")
        parts.append(" ".join(sentence(rng, sources) for _ in range(3)))
        parts.append("\n".join(f"- {sentence(rng, sources)}" for _ in range(3)))
    if rng.random() < 0.3:
        parts.append("| setting | value |\n|---|---|\n" + "\n".join(
            f"| {rng.choice(WORDS)} | {rng.randint(1, 100)} |" for _ in range(4)))
    parts.append(" ".join(sentence(rng, sources) for _ in range(2)) + "".join(f" [{n}]" for n in range(2, sources + 1)))
    return "\n\n".join(parts) + "\n"


def article(rng: random.Random, slug: str, lang: str, slugs: list[str], seed_rng: random.Random) -> str:
    """Return one language version of an article as Markdown with front matter."""
    sources = seed_rng.randint(2, 4)
    related = seed_rng.sample([s for s in slugs if s != slug], seed_rng.randint(2, 4))
    category = seed_rng.choice(CATEGORIES)
    title = f"{' '.join(rng.choice(WORDS) for _ in range(3)).title()} ({lang} {slug})"
    lines = ["---", f"title: '{title}'", f"category: {category}", "sources:"]
    for n in range(1, sources + 1):
        lines += [f"  - text: Source {n} about {rng.choice(WORDS)}", f"    url: https://example.org/{slug}/{n}"]
    lines += ["related:"] + [f"  - {r}" for r in related] + ["---", ""]
    return "\n".join(lines) + body(rng, sources)


def generate(out: Path, articles: int, languages: int, seed: int = 1) -> None:
    """Write site.toml and content/<lang>/<category>/<slug>.md for every article and language."""
    if out.exists():
        shutil.rmtree(out)
    codes = LANGUAGES[:languages]
    slugs = [f"term_{n:05d}" for n in range(articles)]
    config = ['title = "Benchmark"', 'default_language = "en"', ""] + [f"[languages.{c}]" for c in codes]
    out.mkdir(parents=True)
    (out / "site.toml").write_text("\n".join(config) + "\n")
    for index, slug in enumerate(slugs):
        for lang in codes:
            # the same seed per slug keeps sources, related and category equal across translations
            text = article(random.Random(f"{seed}-{slug}-{lang}"), slug, lang, slugs, random.Random(f"{seed}-{slug}"))
            folder = out / "content" / lang / f"part{index // 500:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{slug}.md").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--languages", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.out, args.articles, args.languages, args.seed)


if __name__ == "__main__":
    main()
