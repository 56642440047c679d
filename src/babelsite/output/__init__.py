"""Output: the output folder, written whole or not at all.

Stages files beside the output folder and swaps them in (`write`), indexes them for search
with Pagefind (`search`) and writes the static hosts' redirect files (`hosts`). May use
`links`, `config` and the data types; never `render`'s code.
"""
