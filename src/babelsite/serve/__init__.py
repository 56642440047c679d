"""Serve: the live preview.

An HTTP server that serves the site from memory (`server`), watches the site's files,
rebuilds through `incremental`, reloads browsers with its scripts (`preview/`) and keeps a
search index of the site up to date in the background (`search`). May use everything below
the command line.
"""
