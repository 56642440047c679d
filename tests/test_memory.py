"""What a build holds in memory: files made whole are not made from a copy of everything they list first."""

from __future__ import annotations

import tracemalloc

from babelsite.build import BuildOptions, prepare
from babelsite.links.translations import translation_status
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
