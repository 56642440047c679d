"""Links: where every page lives and what it links to.

Decides every URL (`urls`), groups translations, resolves `related` lists, fallbacks and
`.md` links, and reports collisions (`resolve`). May use `config` and the data types.
"""
