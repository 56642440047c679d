"""What a build holds in memory: no file made from a whole copy of what it lists, no string repeated by every page."""

from __future__ import annotations

import pickle
import tracemalloc

from babelsite import markdown
from babelsite.build import BuildOptions, prepare
from babelsite.config import read_config
from babelsite.content.load import load_corpus
from babelsite.content.sources import discover
from babelsite.errors import Collector
from babelsite.incremental.rebuild import LiveSite
from babelsite.links.resolve import resolve
from babelsite.links.translations import translation_status
from babelsite.markdown import Fragment, SpilledFragments
from babelsite.render.pages import start_rendering


def test_the_sitemap_takes_little_more_memory_than_its_bytes(site):
    """The sitemap's entries and text are made as the template goes, not held whole beside its bytes."""
    prepared = prepare(BuildOptions(site("many_languages")))
    renderer, _ = start_rendering(prepared.site, prepared.fragments, prepared.problems,
                                  translation_status(prepared.site))
    renderer.sitemap_file()  # the template compiled, which is no part of what a sitemap takes
    tracemalloc.start()
    try:
        size = len(renderer.sitemap_file().data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Held whole, its entries took about nine times its bytes on this site; made as it goes, five.
    assert peak < 7 * size


def test_bodies_kept_for_rendering_wait_on_disk():
    """A body's HTML, table of contents, citations and links are read back when asked for, not held in memory."""
    def fragment(number: int) -> Fragment:
        return Fragment(html=f"<p>{number}</p>" * 50,
                        toc=tuple((2, f"heading-{number}-{n}", f"Heading {number} {n}") for n in range(5)),
                        citation_ids={n: (f"cite-{n}-{number}",) for n in range(1, 6)},
                        citations=tuple((n, number + n) for n in range(1, 11)),
                        links=((f"guide/page-{number}", "", number),))

    made = [(("page", str(number)), fragment(number)) for number in range(1000)]
    tracemalloc.start()
    try:
        spilled = SpilledFragments((key, pickle.dumps(fragment)) for key, fragment in made)
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    # With all but the HTML held (made anew for each page, as unpickled from the workers): 850 bytes a page here.
    assert held < 300 * len(made)
    assert [spilled[key] for key, _ in made] == [fragment for _, fragment in made]


def test_the_markdown_stage_reads_bodies_again_and_reports_a_file_changed_since_it_was_loaded(site):
    """Articles keep a digest of their body, not the text: a body edited after loading is an error, not converted."""
    site_dir = site("multi")
    config, _ = read_config(site_dir)
    problems = Collector(site_dir)
    linked = resolve(config, load_corpus(config, discover(config, problems), problems), problems)
    assert not problems.has_errors
    alpha = site_dir / "content/en/alpha.md"
    alpha.write_text(alpha.read_text(encoding="utf-8-sig").replace("Text [1]", "Edited [1]"), encoding="utf-8")
    fragments = markdown.convert(linked, {}, problems)
    [changed] = [d for d in problems.items if d.code == "changed-file"]
    assert (changed.path, changed.severity) == ("content/en/alpha.md", "error")
    assert "Edited" not in fragments["alpha", "en"].html
    assert "Gamma without" in fragments["gamma", "en"].html  # the others, unchanged, are read again as they were


def test_an_edit_that_moves_a_page_converts_the_bodies_linking_to_it_from_their_files(site):
    """The bodies linking to a translation that goes are read again; one changed unannounced makes the rebuild a full one."""
    site_dir = site("docs_hugo")
    live = LiveSite(BuildOptions(site_dir=site_dir))
    assert live.rebuild().ok
    gone = site_dir / "content/fr/docs/concepts/overview.md"
    gone.unlink()
    result = live.rebuild([gone])
    assert result.ok and result.incremental and "/fr/docs/getting-started/installer/" in result.changed
    fresh = LiveSite(BuildOptions(site_dir=site_dir))
    assert fresh.rebuild().ok and live.outputs == fresh.outputs

    linking = site_dir / "content/en/docs/getting-started/install.md"  # links to the overview too
    linking.write_text(linking.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    gone = site_dir / "content/de/docs/concepts/overview.md"
    gone.unlink()
    result = live.rebuild([gone])
    assert result.ok and not result.incremental
    assert "A new sentence." in live.outputs["en/docs/getting-started/install/index.html"].decode()
