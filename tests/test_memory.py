"""What a build holds in memory: no file made from a whole copy of what it lists, no string repeated by every page."""

from __future__ import annotations

import tracemalloc

from babelsite.build import BuildOptions, prepare
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


def test_bodies_kept_for_rendering_share_the_strings_pages_repeat():
    """Citation ids and linked slugs, made anew for each page (and unpickled from workers), are one object each."""
    def fragment(slug: str) -> Fragment:
        return Fragment(html="<p>x</p>", toc=(), citation_ids={1: ("".join(["cite-1-", "1"]),)},
                        citations=((1, 3),), links=(("".join(["guide/", slug]), "", 4),))

    spilled = SpilledFragments([(("a", "en"), fragment("vae")), (("a", "fr"), fragment("vae"))])
    english, french = spilled["a", "en"], spilled["a", "fr"]
    assert english.citation_ids[1][0] is french.citation_ids[1][0]
    assert english.links[0][0] is french.links[0][0]
    assert english.html == "<p>x</p>" and english.links == (("guide/vae", "", 4),)
