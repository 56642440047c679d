"""Time the Markdown stage on large and hostile inputs, to show it stays linear.

    python bench/adversarial.py [--repeat 3] [--big-mb 50] [--only NAME]

Realistic paragraphs (words, URLs, www. links, emails and citations on one paragraph) of
0.13 / 0.25 / 0.5 / 1 MB, 20,000 identical headings, and 1 MB and 2 MB of each hostile
pattern (runs of `[`, `*`, backticks, nested brackets, citations, autolink look-alikes,
links to other-language pages, footnotes, and block constructs repeated line after line):
the time at 2 MB should be about twice the time at 1 MB. Last, one single-line file of
`--big-mb` MB (0 skips it). Each figure is the median of `--repeat` conversions with the
site's parser.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from babelsite.markdown.parser import create_parser

WORDS = ("latent space noise sampler model image prompt guidance scale step schedule encoder "
         "decoder attention: layer token (embedding) weight gradient batch *resolution* `pixel`").split()


def paragraph(size: int, seed: int = 1) -> str:
    """Return one paragraph of about `size` characters of words, links, emails and citations."""
    rng = random.Random(seed)
    words, length = [], 0
    while length < size:
        roll = rng.random()
        if roll < 0.02:
            word = f"https://example.org/page/{rng.randint(1, 999)}?q=a+(b)."
        elif roll < 0.04:
            word = "www.example.com/docs,"
        elif roll < 0.06:
            word = f"user{rng.randint(1, 99)}@example.net"
        elif roll < 0.08:
            word = f"[{rng.randint(1, 3)}]"
        else:
            word = rng.choice(WORDS)
        words.append(word)
        length += len(word) + 1
    return " ".join(words) + "\n"


# Hostile patterns, each repeated up to the size asked for.
PATTERNS = {
    "brackets [[[": "[",
    "closed brackets [a]": "[a]",
    "nested brackets": "[[[[a]]]](",
    "stars ***": "*a",
    "backticks ``": "`a``",
    "citations [1][1]": "[1]",
    "colons a:a:": "a:",
    "www.www.": "(www.a_b",
    "emails a@a@": "a.b@",
    "urls http://x": "http://a.",
    "angle brackets <a": "<a",
    "footnote references": "[^n]",
    "links to other-language articles": "[a](b.md) ",
}
BLOCK_PATTERNS = {  # repeated lines, for the block rules
    "task list items": "- [ ] a\n",
    "admonitions": "::: note\na\n:::\n",
    "definition lists": "a\n: b\n",
    "table rows": "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 10 + "\n",
    "quotes > > >": "> ",
}


def other_language(href: str, line: int) -> tuple[str, tuple[str, str, str]]:
    """Resolve every `.md` link to a page in another language, which adds a mark after it."""
    return "/it/b/", ("it", "ltr", "Italiano")


def timed(text: str, repeat: int) -> float:
    """Return the median of `repeat` conversions of text, in seconds."""
    md = create_parser(False)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        md.render(text, {"source_count": 3, "resolve_link": other_language})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cases(big_mb: float) -> list[tuple[str, str]]:
    """Return (name, Markdown) of every case, smallest first."""
    found = [(f"paragraph {mb} MB", paragraph(int(mb * 1_000_000))) for mb in (0.13, 0.25, 0.5, 1)]
    found.append(("20,000 identical headings", "## Same heading\n\n" * 20_000))
    found.append(("20,000 headings 'Main'", "## Main\n\n" * 20_000))
    for name, unit in (PATTERNS | BLOCK_PATTERNS).items():
        for mb in (1, 2):
            found.append((f"{name} {mb} MB", unit * (mb * 1_000_000 // len(unit)) + "\n"))
    if big_mb:
        line = paragraph(1_000_000).strip() + " "
        found.append((f"single line {big_mb:g} MB", line * int(big_mb) + "\n"))
    return found


def main() -> None:
    """Print a Markdown table of the median time of each case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big-mb", type=float, default=50)
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    print(f"medians of {args.repeat} runs\n\n| input | seconds |\n|---|---:|")
    for name, text in cases(args.big_mb):
        if args.only and args.only not in name:
            continue
        repeat = 1 if name.startswith("single line") else args.repeat
        print(f"| {name} | {timed(text, repeat):.3f} |", flush=True)


if __name__ == "__main__":
    main()
