"""Incremental builds: what the last build left behind, and edits applied to it.

Signed cache files with the stamps of every input and output (`cache`), the last build's
state read on demand (`state`), and rebuilding only what edits reach (`rebuild`), for both
cached CLI builds and the preview. May use every stage of the pipeline and `build`.
"""
