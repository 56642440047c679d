"""Generate a realistic multilingual corpus: N articles x L languages, deterministic from a seed.

    python bench/corpus.py OUT_DIR --articles 2000 --languages 5 [--seed 1] [--shape flat|tree]

Each article has front matter with a title, a category, 2-4 sources and 2-4 related
articles, and a body of about 2.5 KB with headings, bold, inline code, lists, a table in
some, and [n] / [n, m] citations.

--shape flat (the default, as every figure in docs/performance.md so far) writes a glossary:
content/<lang>/partNNN/term_NNNNN.md, related entries as bare slugs.

--shape tree writes a documentation tree three sections deep:
content/<lang>/guide/area-NNN/topic-N/page-NN.md, with an _index.md section page (title,
description, weight, a short body) in every folder and language. Pages also have a
description and a weight; their related entries are keys (guide/area-000/topic-1/page-01)
and each body ends with a relative .md link to another page (../topic-2/page-03.md). Page
names repeat across topics, as overview.md does in real docs. Section pages count as
articles: --articles N gives N keys in all (pages plus sections, PAGES_PER_TOPIC pages per
topic, TOPICS_PER_AREA topics per area), so N x L Markdown files, as the flat shape.
"""

from __future__ import annotations

import argparse
import posixpath
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
SHAPES = ("flat", "tree")
ROOT_SECTION = "guide"
PAGES_PER_TOPIC = 8
TOPICS_PER_AREA = 6


def sentence(rng: random.Random, sources: int) -> str:
    """Return one sentence, sometimes with bold, inline code or (when there are sources) a citation."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    if rng.random() < 0.2:
        words[2] = f"**{words[2]}**"
    if rng.random() < 0.15:
        words[5] = f"`{words[5]}`"
    text = " ".join(words).capitalize() + "."
    roll = rng.random()
    if sources and roll < 0.25:
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


def generate(out: Path, articles: int, languages: int, seed: int = 1, shape: str = "flat") -> None:
    """Write site.toml and the content of the given shape (flat or tree) for every article and language."""
    if shape not in SHAPES:
        raise ValueError(f"unknown corpus shape {shape!r}; choose one of {', '.join(SHAPES)}")
    if out.exists():
        shutil.rmtree(out)
    codes = LANGUAGES[:languages]
    # The glossary keeps flat URLs, where folders only organise; the tree takes the default /{lang}/{path}/.
    flat = ['permalink = "/{lang}/{slug}/"'] if shape == "flat" else []
    config = ['title = "Benchmark"', 'default_language = "en"', *flat, ""] + [f"[languages.{c}]" for c in codes]
    out.mkdir(parents=True)
    (out / "site.toml").write_text("\n".join(config) + "\n")
    if shape == "flat":
        generate_flat(out, articles, codes, seed)
    else:
        generate_tree(out, articles, codes, seed)


def generate_flat(out: Path, articles: int, codes: list[str], seed: int) -> None:
    """Write content/<lang>/<part>/<slug>.md for every article and language."""
    slugs = [f"term_{n:05d}" for n in range(articles)]
    for index, slug in enumerate(slugs):
        for lang in codes:
            # the same seed per slug keeps sources, related and category equal across translations
            text = article(random.Random(f"{seed}-{slug}-{lang}"), slug, lang, slugs, random.Random(f"{seed}-{slug}"))
            folder = out / "content" / lang / f"part{index // 500:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{slug}.md").write_text(text)


def section_count(pages: int) -> int:
    """Return how many sections (the root, areas and topics) a tree of that many pages has."""
    topics = -(-pages // PAGES_PER_TOPIC)
    areas = -(-topics // TOPICS_PER_AREA)
    return 1 + areas + topics


def tree_keys(articles: int) -> tuple[list[str], list[str]]:
    """Return the section keys and page keys of a tree of about `articles` keys in all, in tree order."""
    pages = articles
    while pages > 1 and pages + section_count(pages) > articles:
        pages -= 1
    sections = {ROOT_SECTION: None}  # a dict keeps the sections in tree order, each once
    page_keys = []
    for index in range(pages):
        topic = index // PAGES_PER_TOPIC
        area = f"{ROOT_SECTION}/area-{topic // TOPICS_PER_AREA:03d}"
        topic_key = f"{area}/topic-{topic % TOPICS_PER_AREA + 1}"
        sections.update(dict.fromkeys((area, topic_key)))
        page_keys.append(f"{topic_key}/page-{index % PAGES_PER_TOPIC + 1:02d}")
    return list(sections), page_keys


def words(rng: random.Random, count: int) -> str:
    """Return `count` random words in title case."""
    return " ".join(rng.choice(WORDS) for _ in range(count)).title()


def section_page(rng: random.Random, key: str, lang: str, shared: random.Random) -> str:
    """Return one language version of a section's _index.md: title, description, weight and a short body."""
    lines = ["---", f"title: '{words(rng, 2)} ({lang} {key})'", f"description: '{sentence(rng, 0)}'",
             f"weight: {shared.randint(1, 20)}", "---", ""]
    return "\n".join(lines) + " ".join(sentence(rng, 0) for _ in range(3)) + "\n"


def tree_page(rng: random.Random, key: str, lang: str, keys: list[str], shared: random.Random) -> str:
    """Return one language version of a page of the tree: front matter with keys as related entries, a linking body."""
    sources = shared.randint(2, 4)
    others = [k for k in keys if k != key]
    related = shared.sample(others, shared.randint(2, 4))
    linked = shared.choice(others)
    lines = ["---", f"title: '{words(rng, 3)} ({lang} {key})'", f"description: '{sentence(rng, 0)}'",
             f"weight: {shared.randint(1, 20)}", f"category: {shared.choice(CATEGORIES)}", "sources:"]
    for n in range(1, sources + 1):
        lines += [f"  - text: Source {n} about {rng.choice(WORDS)}", f"    url: https://example.org/{key}/{n}"]
    lines += ["related:"] + [f"  - {r}" for r in related] + ["---", ""]
    link = posixpath.relpath(f"{linked}.md", posixpath.dirname(key))
    return "\n".join(lines) + body(rng, sources) + f"\nSee also [{words(rng, 2)}]({link}).\n"


def generate_tree(out: Path, articles: int, codes: list[str], seed: int) -> None:
    """Write content/<lang>/<key>.md for every page and <section key>/_index.md for every section, in every language."""
    sections, pages = tree_keys(articles)
    for lang in codes:
        for key in sections:
            # the same seed per key keeps weights, sources, related and links equal across translations
            text = section_page(random.Random(f"{seed}-{key}-{lang}"), key, lang, random.Random(f"{seed}-{key}"))
            folder = out / "content" / lang / key
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "_index.md").write_text(text)
        for key in pages:
            text = tree_page(random.Random(f"{seed}-{key}-{lang}"), key, lang, pages, random.Random(f"{seed}-{key}"))
            (out / "content" / lang / f"{key}.md").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--languages", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=SHAPES, default="flat",
                        help="flat: a glossary (the default); tree: a documentation tree with section pages")
    args = parser.parse_args()
    generate(args.out, args.articles, args.languages, args.seed, args.shape)


if __name__ == "__main__":
    main()
