"""Serve: the live preview.

An HTTP server that serves the site from memory (`server`), watches the site's files,
rebuilds through `incremental` and reloads browsers with its scripts (`preview/`). May use
everything below the command line.
"""
